//! Rules vs the built-in strategy: the same SMA-cross grid on SYNTH_100K (100,000 hourly
//! bars), once as the registry's SmaCross rule set and once as the built-in SmaCross, both
//! through the optimizer with backtesting.py semantics (full engine, full stats), best of a
//! few interleaved repetitions. Prints both times and the ratio (target: rules ≤ 1.5×), then
//! a 3-indicator rule set on a 1,000-combination grid.
//!
//! cargo run --release --example bench_rules
//! BENCH_QUICK=1 repeats less.

#[path = "../tests/fixture_io/mod.rs"]
mod fixture_io;

use std::time::Instant;
use stratlab::optimize::engine::run;
use stratlab::optimize::evaluator::BacktestEvaluator;
use stratlab::optimize::{OptimizeConfig, Options, Silent};
use stratlab::series::{parse_csv, Ohlcv};

/// One timed optimization, evaluator construction included; (seconds, combinations).
fn once(data: &Ohlcv, cfg: &OptimizeConfig) -> (f64, usize) {
    let plan = cfg.plan("", None).expect("plan");
    let t0 = Instant::now();
    let ev = BacktestEvaluator::new(
        data,
        &plan.strategy,
        &plan.backtest,
        &plan.candidates,
        &plan.objective,
        "",
    )
    .expect("evaluator");
    let opts = plan.options(Options {
        parallel: false,
        ..Options::default()
    });
    let out = run(
        &ev,
        plan.candidates.clone(),
        plan.objective.clone(),
        opts,
        &mut Silent,
    )
    .expect("run");
    assert!(
        out.rows.iter().all(|r| r.error.is_none()),
        "every combination runs"
    );
    (t0.elapsed().as_secs_f64(), out.rows.len())
}

fn config(v: serde_json::Value) -> OptimizeConfig {
    serde_json::from_value(v).expect("config")
}

fn main() {
    let data = parse_csv(&fixture_io::read_fixture("data/SYNTH_100K_1H.csv")).expect("SYNTH_100K");
    let reps = if std::env::var("BENCH_QUICK").is_ok() {
        2
    } else {
        5
    };
    let set = stratlab::rules::registry::find("SmaCross").expect("SmaCross rule set");
    let space = serde_json::json!({"n1": {"start": 5, "stop": 50, "step": 5}, "n2": {"start": 20, "stop": 200, "step": 10}});
    let common = serde_json::json!({"space": space, "constraint": "n1 < n2", "maximize": "Sharpe Ratio", "commission": 0.001});
    let mut rules = common.clone();
    rules["rules"] = serde_json::json!({"buy": set.buy, "sell": set.sell});
    let mut builtin = common;
    builtin["strategy"] = serde_json::json!("SmaCross");
    let (rules, builtin) = (config(rules), config(builtin));
    let (mut tr, mut tb, mut combos) = (f64::INFINITY, f64::INFINITY, 0);
    for _ in 0..reps {
        let (b, c) = once(&data, &builtin);
        tb = tb.min(b);
        let (r, _) = once(&data, &rules);
        tr = tr.min(r);
        combos = c;
    }
    println!(
        "SMA-cross grid on SYNTH_100K ({} bars, {combos} combinations, 1 thread, best of {reps})",
        data.len()
    );
    println!(
        "  built-in SmaCross   {tb:>8.3} s  {:>8.0} combos/s",
        combos as f64 / tb
    );
    println!(
        "  rules SmaCross      {tr:>8.3} s  {:>8.0} combos/s",
        combos as f64 / tr
    );
    println!("  ratio rules / built-in: {:.2}x (target ≤ 1.5x)", tr / tb);

    // Three indicators, 1,000 combinations: an EMA trend filter, an RSI trigger, an ATR stop-out.
    let three = config(serde_json::json!({
        "rules": {
            "buy": "close > EMA(close, trend) and crossover(RSI(close, rsi), lower)",
            "sell": "crossunder(RSI(close, rsi), 100 - lower) or close < EMA(close, trend) - 2 * ATR(high, low, close, 14)"
        },
        "space": {"trend": {"start": 50, "stop": 250, "step": 20}, "rsi": {"start": 5, "stop": 25, "step": 2}, "lower": {"start": 20, "stop": 40, "step": 2}},
        "maximize": "Sharpe Ratio",
        "commission": 0.001,
        "maxCombinations": 2000
    }));
    let (mut t3, mut c3) = (f64::INFINITY, 0);
    for _ in 0..reps.min(2) {
        let (t, c) = once(&data, &three);
        t3 = t3.min(t);
        c3 = c;
    }
    println!(
        "3-indicator rules on SYNTH_100K: {c3} combinations in {t3:.3} s ({:.0} combos/s)",
        c3 as f64 / t3
    );
}
