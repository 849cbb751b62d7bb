//! Walk-forward: windows, per-fold winners, out-of-sample evaluation, combined stats.

mod common;
use common::*;
use serde_json::json;
use stratlab::backtest::{ma, run_with, BacktestConfig, BacktestContext, Crossover};
use stratlab::optimize::walkforward::{splits, walk_forward, WalkForwardConfig};
use stratlab::optimize::{Options, Silent};

fn cfg(v: serde_json::Value) -> WalkForwardConfig {
    serde_json::from_str(&v.to_string()).expect("config")
}

#[test]
fn rolling_and_anchored_windows() {
    let r = splits(100, 40, 20, 20, false);
    let w: Vec<(usize, usize, usize, usize)> = r.iter().map(|s| (s.train.start, s.train.end, s.test.start, s.test.end)).collect();
    assert_eq!(w, vec![(0, 40, 40, 60), (20, 60, 60, 80), (40, 80, 80, 100)]);
    let a = splits(100, 40, 20, 20, true);
    let w: Vec<(usize, usize, usize, usize)> = a.iter().map(|s| (s.train.start, s.train.end, s.test.start, s.test.end)).collect();
    assert_eq!(w, vec![(0, 40, 40, 60), (0, 60, 60, 80), (0, 80, 80, 100)]);
    assert!(splits(50, 40, 20, 20, false).is_empty());
}

/// Sharpe of SmaCross(n1, n2) on bars [a, b) of GOOG, computed directly with the backtester.
fn sharpe(a: usize, b: usize, n1: usize, n2: usize) -> f64 {
    let data = load_ohlcv("GOOG").slice(a, b);
    let fast = ma::pandas_rolling_mean(&data.close, n1);
    let slow = ma::pandas_rolling_mean(&data.close, n2);
    let cfg = BacktestConfig { cash: 10_000.0, commission: 0.002, finalize_trades: true, ..BacktestConfig::default() };
    let ctx = BacktestContext::new(&data).expect("ctx");
    run_with(&ctx, &mut Crossover::new(&fast, &slow), &cfg).expect("bt").stats.sharpe
}

#[test]
fn goog_rolling_walk_forward_end_to_end() {
    let data = load_ohlcv("GOOG");
    let c = cfg(json!({"strategy": "SmaCross", "space": {"n1": [5, 10, 20], "n2": [30, 50]}, "maximize": "Sharpe Ratio",
        "cash": 10000, "commission": 0.002, "finalize_trades": true, "trainBars": 500, "testBars": 250}));
    let rep = walk_forward(&data, &c, Options::default(), &mut Silent).expect("walk-forward");
    assert_eq!(rep.mode, "rolling");
    assert_eq!(rep.folds.len(), 6);
    for f in &rep.folds {
        assert_eq!(f.status, "complete");
        assert_eq!(f.combinations, 6);
        assert_eq!(f.train.end - f.train.start, 500);
        assert_eq!(f.test.start, f.train.end);
        let p = f.params.as_ref().expect("winner");
        let (n1, n2) = (p.get_f64("n1").expect("n1") as usize, p.get_f64("n2").expect("n2") as usize);
        // In-sample: the winner is the best of the six on the train window.
        let best = [5, 10, 20]
            .iter()
            .flat_map(|&a| [30, 50].map(|b| sharpe(f.train.start, f.train.end, a, b)))
            .fold(f64::NEG_INFINITY, |m, x| if x > m { x } else { m });
        assert!(close_rel(f.in_sample, best, 1e-12), "fold {}: {} vs {best}", f.fold, f.in_sample);
        // Out-of-sample: the same parameters backtested on the test window.
        let oos = sharpe(f.test.start, f.test.end, n1, n2);
        assert!(close_rel(f.out_of_sample, oos, 1e-12) || (oos.is_nan() && f.out_of_sample.is_nan()), "fold {}", f.fold);
        assert!(f.test_stats.as_ref().is_some_and(|s| s.contains("Return [%]")));
        assert!(f.train.start_time < f.test.start_time);
    }
    let c6 = &rep.combined;
    assert_eq!(c6.folds, 6);
    let oos: Vec<f64> = rep.folds.iter().map(|f| f.out_of_sample).filter(|x| !x.is_nan()).collect();
    assert!(close_rel(c6.mean_out_of_sample, oos.iter().sum::<f64>() / oos.len() as f64, 1e-12));
    let chained = rep.folds.iter().filter_map(|f| f.test_stats.as_ref()).fold(1.0, |acc, s| acc * (1.0 + s.metric("Return [%]") / 100.0));
    assert!(close_rel(c6.compounded_return_pct, (chained - 1.0) * 100.0, 1e-12));
    assert!(c6.distinct_params >= 1 && c6.distinct_params <= 6);
    let j = serde_json::to_value(&rep).expect("json");
    assert_eq!(j["folds"][0]["train"]["start"], 0);
    assert!(j["combined"]["efficiency"].is_number());
}

#[test]
fn anchored_walk_forward_and_validation() {
    let data = load_ohlcv("GOOG");
    let c = cfg(json!({"strategy": "SmaCross", "space": {"n1": [10], "n2": [20, 40]}, "maximize": "Return [%]",
        "trainBars": 1000, "testBars": 500, "mode": "anchored"}));
    let rep = walk_forward(&data, &c, Options::default(), &mut Silent).expect("walk-forward");
    assert_eq!(rep.folds.len(), 2);
    assert_eq!((rep.folds[1].train.start, rep.folds[1].train.end), (0, 1500));
    for bad in [
        json!({"strategy": "SmaCross", "space": {"n1": [10]}, "trainBars": 2000, "testBars": 500}),
        json!({"strategy": "SmaCross", "space": {"n1": [10]}, "testBars": 500}),
        json!({"strategy": "SmaCross", "space": {"n1": [10]}, "trainBars": 100, "testBars": 50, "mode": "sideways"}),
        json!({"strategy": "SmaCross", "space": {"n1": [10]}, "trainBars": 10.5, "testBars": 50}),
    ] {
        let e = walk_forward(&data, &cfg(bad.clone()), Options::default(), &mut Silent).expect_err(&bad.to_string());
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER", "{bad}");
    }
}
