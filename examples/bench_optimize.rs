//! Native optimizer benchmark: the 275-combination vectorbt SMA-cross grid on SYNTH_100K
//! (combinations/s and bar-evaluations/s), a denser 1,654-combination grid, and a
//! 100,000-combination backtesting.py grid on GOOG. With `--features threads` each grid runs
//! on a 1-thread pool and on the global pool (RAYON_NUM_THREADS, default: all cores), the
//! repetitions interleaved so a burst of load from another process hits both alike; the
//! speed-up is best time vs best time.
//!
//! cargo run --release --example bench_optimize [--features threads] [-- <shared dir>]
//! BENCH_QUICK=1 skips the GOOG grid and repeats less.

use std::time::Instant;
use stratlab::optimize::engine::run;
use stratlab::optimize::evaluator::BacktestEvaluator;
use stratlab::optimize::{OptimizeConfig, Options, Silent};
use stratlab::series::{parse_csv, Ohlcv};

fn load(dir: &str, name: &str) -> Ohlcv {
    let text = std::fs::read_to_string(format!("{dir}/data/{name}.csv")).unwrap_or_else(|e| panic!("{name}: {e}"));
    parse_csv(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One timed optimization (evaluator construction, i.e. the indicator cache, included);
/// returns (seconds, combinations).
fn once(data: &Ohlcv, cfg: &OptimizeConfig, parallel: bool) -> (f64, usize) {
    let plan = cfg.plan("", None).expect("plan");
    let t0 = Instant::now();
    let ev = BacktestEvaluator::new(data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "").expect("evaluator");
    let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), plan.options(Options { parallel, ..Options::default() }), &mut Silent)
        .expect("run");
    (t0.elapsed().as_secs_f64(), out.rows.len())
}

fn line(label: &str, threads: usize, combos: usize, bars: usize, s: f64) {
    let what = format!("{label}, {threads} thread{}", if threads == 1 { "" } else { "s" });
    println!(
        "{what:<48} {combos:>7} combos  {s:>9.3} s  {:>10.0} combos/s  {:>8.1} M bar-evals/s",
        combos as f64 / s,
        combos as f64 * bars as f64 / s / 1e6
    );
}

/// Best of `reps` sequential runs and, with threads, best of `reps` pool runs, interleaved.
fn bench(label: &str, data: &Ohlcv, cfg: &str, reps: usize) {
    let cfg: OptimizeConfig = serde_json::from_str(cfg).expect("config");
    #[cfg(feature = "threads")]
    {
        // The sequential baseline runs on a 1-thread pool so the indicator cache (built with
        // par_iter) is sequential too, not on the global pool.
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("1-thread pool");
        let n = rayon::current_num_threads();
        let (mut seq, mut par, mut combos) = (f64::INFINITY, f64::INFINITY, 0);
        for _ in 0..reps {
            let (s, c) = one.install(|| once(data, &cfg, false));
            seq = seq.min(s);
            let (p, _) = once(data, &cfg, true);
            par = par.min(p);
            combos = c;
        }
        line(label, 1, combos, data.len(), seq);
        line(label, n, combos, data.len(), par);
        println!("threaded speed-up, {label}: {:.2}x on {n} threads", seq / par);
    }
    #[cfg(not(feature = "threads"))]
    {
        let (mut seq, mut combos) = (f64::INFINITY, 0);
        for _ in 0..reps {
            let (s, c) = once(data, &cfg, false);
            seq = seq.min(s);
            combos = c;
        }
        line(label, 1, combos, data.len(), seq);
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared").to_string());
    let synth = load(&dir, "SYNTH_100K_1H");
    let goog = load(&dir, "GOOG");
    let quick = std::env::var("BENCH_QUICK").is_ok();
    // Other processes on the machine skew wall times; say how busy it was.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
    let grid = r#"{"strategy": "SmaCross", "space": {"n1": {"start": 2, "stop": 62, "step": 6}, "n2": {"start": 10, "stop": 310, "step": 10}},
        "constraint": "n1 < n2", "maximize": "Total Return", "semantics": "vectorbt", "fees": 0.001, "init_cash": 100}"#;
    bench("SYNTH_100K vectorbt grid", &synth, grid, if quick { 3 } else { 7 });
    // Denser grid (1,654 combinations): long enough for a steadier speed-up reading.
    let dense = grid
        .replace(r#""start": 2, "stop": 62, "step": 6"#, r#""start": 2, "stop": 62, "step": 2"#)
        .replace(r#""start": 10, "stop": 310, "step": 10"#, r#""start": 10, "stop": 310, "step": 5"#);
    bench("SYNTH_100K dense vectorbt grid", &synth, &dense, if quick { 1 } else { 3 });
    if quick {
        return;
    }
    let big = r#"{"strategy": "SmaCross", "space": {"n1": {"start": 1, "stop": 317}, "n2": {"start": 1, "stop": 317}},
        "maximize": "Sharpe Ratio", "commission": 0.002, "topK": 10}"#;
    bench("GOOG backtesting.py grid 316x316", &goog, big, 2);
}
