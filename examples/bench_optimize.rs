//! Native optimizer benchmark: the 275-combination vectorbt SMA-cross grid on SYNTH_100K
//! (combinations/s and bar-evaluations/s), sequential and, with `--features threads`, on a
//! rayon pool; and a 100,000-combination backtesting.py grid on GOOG.
//!
//! cargo run --release --example bench_optimize [--features threads] [-- <shared dir>]

use std::time::Instant;
use stratlab::optimize::engine::run;
use stratlab::optimize::evaluator::BacktestEvaluator;
use stratlab::optimize::{OptimizeConfig, Options, Silent};
use stratlab::series::{parse_csv, Ohlcv};

fn load(dir: &str, name: &str) -> Ohlcv {
    let text = std::fs::read_to_string(format!("{dir}/data/{name}.csv")).unwrap_or_else(|e| panic!("{name}: {e}"));
    parse_csv(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn bench(label: &str, data: &Ohlcv, cfg: &str, parallel: bool, reps: usize) -> f64 {
    let cfg: OptimizeConfig = serde_json::from_str(cfg).expect("config");
    let plan = cfg.plan("", None).expect("plan");
    let mut best = f64::INFINITY;
    let mut combos = 0;
    for _ in 0..reps {
        let t0 = Instant::now();
        // Evaluator construction (indicator cache) is part of the measured time.
        let ev = BacktestEvaluator::new(data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "").expect("evaluator");
        let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), plan.options(Options { parallel, ..Options::default() }), &mut Silent)
            .expect("run");
        best = best.min(t0.elapsed().as_secs_f64());
        combos = out.rows.len();
    }
    let bar_evals = combos as f64 * data.len() as f64;
    println!(
        "{label:<48} {combos:>7} combos  {:>9.3} s  {:>10.0} combos/s  {:>8.1} M bar-evals/s",
        best,
        combos as f64 / best,
        bar_evals / best / 1e6
    );
    best
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared").to_string());
    let synth = load(&dir, "SYNTH_100K_1H");
    let goog = load(&dir, "GOOG");
    let grid = r#"{"strategy": "SmaCross", "space": {"n1": {"start": 2, "stop": 62, "step": 6}, "n2": {"start": 10, "stop": 310, "step": 10}},
        "constraint": "n1 < n2", "maximize": "Total Return", "semantics": "vectorbt", "fees": 0.001, "init_cash": 100}"#;
    let reps = if std::env::var("BENCH_QUICK").is_ok() { 1 } else { 3 };
    let seq = bench("SYNTH_100K vectorbt grid, 1 thread", &synth, grid, false, reps);
    #[cfg(feature = "threads")]
    {
        let n = rayon::current_num_threads();
        let par = bench(&format!("SYNTH_100K vectorbt grid, {n} threads"), &synth, grid, true, 3);
        println!("threaded speed-up: {:.2}x", seq / par);
    }
    let _ = seq;
    // Denser grid (1,654 combinations): long enough for a steadier speed-up reading.
    let dense = grid.replace(r#""start": 2, "stop": 62, "step": 6"#, r#""start": 2, "stop": 62, "step": 2"#).replace(r#""start": 10, "stop": 310, "step": 10"#, r#""start": 10, "stop": 310, "step": 5"#);
    let dseq = bench("SYNTH_100K dense vectorbt grid, 1 thread", &synth, &dense, false, 1);
    #[cfg(feature = "threads")]
    {
        let dpar = bench("SYNTH_100K dense vectorbt grid, threads", &synth, &dense, true, 1);
        println!("threaded speed-up (dense): {:.2}x", dseq / dpar);
    }
    let _ = dseq;
    if std::env::var("BENCH_QUICK").is_ok() {
        return;
    }
    let big = r#"{"strategy": "SmaCross", "space": {"n1": {"start": 1, "stop": 317}, "n2": {"start": 1, "stop": 317}},
        "maximize": "Sharpe Ratio", "commission": 0.002, "topK": 10}"#;
    bench("GOOG backtesting.py grid 316x316, 1 thread", &goog, big, false, 1);
    #[cfg(feature = "threads")]
    bench("GOOG backtesting.py grid 316x316, threads", &goog, big, true, 1);
}
