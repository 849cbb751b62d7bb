//! Backtest speed, single-threaded: one full GOOG backtest (backtesting.py semantics, stats +
//! trades + equity), and the 275-combination vectorbt SMA-cross grid on 100,000 hourly bars
//! (the optimizer's hot path: each distinct SMA computed once, then an allocation-free
//! kernel per combination).
//!
//! `cargo run --release --example bench_backtest [path/to/shared]` prints one JSON object.

use std::hint::black_box;
use std::time::Instant;
use stratlab::backtest::{
    evaluate, ma, run_with, vectorbt, BacktestConfig, BacktestContext, CrossSignals, Semantics, Workspace,
};
use stratlab::series::{parse_csv, Ohlcv};

fn load(shared: &str, name: &str) -> Result<Ohlcv, String> {
    let path = format!("{shared}/data/{name}.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    parse_csv(&text).map_err(|e| e.to_string())
}

/// Median of `reps` timings of `f`, in seconds.
fn median_secs(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() -> Result<(), String> {
    let shared = std::env::args().nth(1).unwrap_or_else(|| "../shared".to_string());

    // 1. One full backtesting.py-semantics run on GOOG (SMAs included).
    let goog = load(&shared, "GOOG")?;
    let cfg = BacktestConfig { commission: 0.002, finalize_trades: true, ..BacktestConfig::default() };
    let ctx = BacktestContext::new(&goog).map_err(|e| e.to_string())?;
    let mut trades = 0;
    let goog_full = median_secs(51, || {
        let fast = ma::pandas_rolling_mean(&goog.close, 10);
        let slow = ma::pandas_rolling_mean(&goog.close, 20);
        let mut src = CrossSignals::new(Semantics::BacktestingPy, &fast, &slow);
        if let Ok(r) = run_with(&ctx, &mut src, &cfg) {
            trades = r.trades.len();
        }
    });
    // Stats-only path with shared SMAs, as an optimizer calls it.
    let fast = ma::pandas_rolling_mean(&goog.close, 10);
    let slow = ma::pandas_rolling_mean(&goog.close, 20);
    let mut ws = Workspace::default();
    let goog_eval = median_secs(201, || {
        let mut src = CrossSignals::new(Semantics::BacktestingPy, &fast, &slow);
        let _ = evaluate(&ctx, &mut ws, &mut src, &cfg);
    });

    // 2. The vectorbt SYNTH_100K grid: fast in range(2,62,6), slow in range(10,310,10), fast < slow.
    let synth = load(&shared, "SYNTH_100K_1H")?;
    let bars = synth.len();
    let fasts: Vec<usize> = (2..62).step_by(6).collect();
    let slows: Vec<usize> = (10..310).step_by(10).collect();
    let t0 = Instant::now();
    let mut periods: Vec<usize> = fasts.iter().chain(&slows).copied().collect();
    periods.sort_unstable();
    periods.dedup();
    let smas: Vec<(usize, Vec<f64>)> = periods.iter().map(|&n| (n, ma::vectorbt_rolling_mean(&synth.close, n))).collect();
    let sma = |n: usize| smas.iter().find(|(p, _)| *p == n).map(|(_, v)| v.as_slice()).unwrap_or(&[]);
    let precompute = t0.elapsed().as_secs_f64();
    let combos: Vec<(usize, usize)> =
        fasts.iter().flat_map(|&f| slows.iter().filter(move |&&s| f < s).map(move |&s| (f, s))).collect();
    let mut checksum = 0.0;
    let grid = median_secs(5, || {
        checksum = 0.0;
        for &(f, s) in &combos {
            // black_box keeps the optimiser from hoisting the pure kernel out of the timing loop.
            let (ret, _) = vectorbt::cross_total_return(black_box(&synth.close), sma(f), sma(s), 0.001, 100.0);
            checksum += black_box(ret);
        }
    });
    // The same grid through the generic engine with full stats (equity curve + all stats).
    let synth_ctx = BacktestContext::new(&synth).map_err(|e| e.to_string())?;
    let vbt_cfg = BacktestConfig { semantics: Semantics::Vectorbt, cash: 100.0, commission: 0.001, ..BacktestConfig::default() };
    let t1 = Instant::now();
    for &(f, s) in &combos {
        let mut src = CrossSignals::new(Semantics::Vectorbt, sma(f), sma(s));
        let _ = evaluate(&synth_ctx, &mut ws, &mut src, &vbt_cfg);
    }
    let grid_stats = t1.elapsed().as_secs_f64();

    let n = combos.len() as f64;
    println!(
        "{}",
        serde_json::json!({
            "goog_full_backtest_ms": goog_full * 1e3,
            "goog_trades": trades,
            "goog_evaluate_ms": goog_eval * 1e3,
            "synth_bars": bars,
            "grid_combos": combos.len(),
            "grid_sma_precompute_ms": precompute * 1e3,
            "grid_seconds": grid,
            "grid_combos_per_sec": n / grid,
            "grid_bar_evals_per_sec": n * bars as f64 / grid,
            "grid_checksum": checksum,
            "grid_full_stats_seconds": grid_stats,
            "grid_full_stats_bar_evals_per_sec": n * bars as f64 / grid_stats,
        })
    );
    Ok(())
}
