//! Portfolio speed, single-threaded: 20 assets × 10 years of daily bars (2,520 each), one
//! cash pool, SMA(10/30) crossover signals on every asset; the whole `portfolio` call
//! (alignment, signals, simulation, portfolio and per-asset statistics) in both modes.
//!
//! The prices are a seeded random walk, so the figure needs no data files.
//! `cargo run --release --example bench_portfolio` prints one JSON object.

use serde_json::json;
use std::hint::black_box;
use std::time::Instant;
use stratlab::backtest::portfolio;
use stratlab::series::Ohlcv;

const ASSETS: usize = 20;
const BARS: usize = 2_520;

/// A deterministic daily random walk (xorshift64*, Box-Muller) on business days.
fn synthetic(seed: u64) -> Ohlcv {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        ((state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut normal =
        move || (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
    let (mut time, mut open, mut high, mut low, mut close) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut price = 50.0 + seed as f64;
    let mut day = 16_436i64; // 2015-01-01
    for _ in 0..BARS {
        while (day + 3).rem_euclid(7) >= 5 {
            day += 1; // skip weekends
        }
        let o = price * (0.003 * normal()).exp();
        price = o * (0.0003 + 0.015 * normal()).exp();
        time.push(day * 86_400_000);
        open.push(o);
        high.push(o.max(price) * (0.005 * normal().abs()).exp());
        low.push(o.min(price) * (-0.005 * normal().abs()).exp());
        close.push(price);
        day += 1;
    }
    Ohlcv::new(time, open, high, low, close, vec![]).expect("valid synthetic bars")
}

/// This thread's CPU time in ns (Linux `schedstat`), so a busy shared machine does not
/// inflate the figure; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Medians of `reps` timings of `f`: wall-clock and CPU, in milliseconds.
fn median_ms(reps: usize, mut f: impl FnMut()) -> (f64, Option<f64>) {
    let mut wall = Vec::with_capacity(reps);
    let mut cpu = Vec::with_capacity(reps);
    for _ in 0..reps {
        let (s, c) = (Instant::now(), cpu_ns());
        f();
        wall.push(s.elapsed().as_secs_f64() * 1e3);
        if let (Some(a), Some(b)) = (c, cpu_ns()) {
            cpu.push(b.saturating_sub(a) as f64 / 1e6);
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    (median(wall).unwrap_or(f64::NAN), median(cpu))
}

fn main() {
    let owned: Vec<(String, Ohlcv)> = (0..ASSETS)
        .map(|i| (format!("S{i:02}"), synthetic(i as u64 + 1)))
        .collect();
    let assets: Vec<(&str, &Ohlcv)> = owned.iter().map(|(s, d)| (s.as_str(), d)).collect();
    let vectorbt = json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "size": 0.2, "fees": 0.001, "cash": 1_000_000});
    let backtesting = json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "size": 0.2, "fees": 0.001, "cash": 1_000_000,
                             "mode": "backtesting.py", "sl": 0.05, "tp": 0.1});
    let mut figures = serde_json::Map::new();
    for (name, config) in [("vectorbt", &vectorbt), ("backtesting.py", &backtesting)] {
        let result = portfolio::portfolio_request(&assets, config).expect("portfolio runs");
        let (wall_ms, cpu_ms) = median_ms(31, || {
            black_box(portfolio::portfolio_request(black_box(&assets), config).ok());
        });
        figures.insert(
            name.to_string(),
            json!({"wall_ms": wall_ms, "cpu_ms": cpu_ms, "orders": result.orders.len(), "return_pct": result.stats.return_pct}),
        );
    }
    println!(
        "{}",
        json!({"bench": "portfolio", "assets": ASSETS, "bars": BARS, "modes": figures})
    );
}
