//! Golden grids: backtesting.py's `Backtest.optimize` on GOOG (best parameters and every
//! heatmap value for both maximized metrics) and vectorbt's SMA-cross grids (every combination).

mod common;
use common::*;
use serde_json::{json, Value};
use stratlab::optimize::engine::run;
use stratlab::optimize::evaluator::BacktestEvaluator;
use stratlab::optimize::heatmap::heatmap;
use stratlab::optimize::{OptimizeConfig, Options, ParamValue, Silent, Status};

/// `"range(5,30,5)"` → `{"start": 5, "stop": 30, "step": 5}`.
fn py_range(s: &str) -> Value {
    let inner = s.trim().trim_start_matches("range(").trim_end_matches(')');
    let v: Vec<f64> = inner.split(',').map(|x| x.trim().parse().expect("number")).collect();
    json!({"start": v[0], "stop": v[1], "step": v[2]})
}

fn config(v: Value) -> OptimizeConfig {
    // Through text so the space keeps its key order (n1 outer, n2 inner).
    serde_json::from_str(&v.to_string()).expect("config")
}

#[test]
fn goog_backtesting_py_grid_matches_for_both_metrics() {
    let golden = read_json("reference/backtest/GOOG_smacross_10_20.optimize.json");
    let cfg = &golden["config"];
    let data = load_ohlcv("GOOG");
    for run_ref in golden["runs"].as_array().expect("runs") {
        let metric = run_ref["maximize"].as_str().expect("metric");
        let text = format!(
            r#"{{"strategy": "SmaCross", "space": {{"n1": {}, "n2": {}}}, "constraint": {}, "maximize": "{metric}",
                "cash": {}, "commission": {}, "finalize_trades": true}}"#,
            py_range(cfg["grid"]["n1"].as_str().expect("n1")),
            py_range(cfg["grid"]["n2"].as_str().expect("n2")),
            cfg["grid"]["constraint"],
            cfg["cash"],
            cfg["commission"]
        );
        let plan: OptimizeConfig = serde_json::from_str(&text).expect("config");
        let plan = plan.plan("", None).expect("plan");
        let ev = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "")
            .expect("evaluator");
        assert!(!ev.is_lean());
        assert_eq!(ev.cached_series(), 13, "SMA 5..25 and 10..65 share 4 periods: 13 distinct periods, each computed once");
        let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), plan.options(Options::default()), &mut Silent)
            .expect("run");
        assert_eq!(out.status, Status::Complete);
        assert_eq!(out.rows.len(), 50);
        let best = out.best().expect("best");
        let want = &run_ref["best"];
        assert_eq!(best.params.get_f64("n1"), want["n1"].as_f64(), "{metric} best n1");
        assert_eq!(best.params.get_f64("n2"), want["n2"].as_f64(), "{metric} best n2");
        assert!(close_rel(best.value, want["value"].as_f64().expect("value"), 1e-6), "{metric}: {} vs {}", best.value, want["value"]);
        // Full stats for the best (top-K keep backtesting.py's keys, Start as a date).
        assert_eq!(best.stats.keys().next(), Some("Start"));
        let hm = heatmap(&out).expect("heatmap");
        let grid = run_ref["grid"].as_array().expect("grid");
        assert_eq!(grid.len(), 50);
        for cell in grid {
            let (n1, n2) = (cell["n1"].as_f64().expect("n1"), cell["n2"].as_f64().expect("n2"));
            let got = hm.get(&ParamValue::Num(n1), &ParamValue::Num(n2)).unwrap_or(f64::NAN);
            let want = cell["value"].as_f64().unwrap_or(f64::NAN);
            assert!(close_rel(got, want, 1e-6), "{metric} n1={n1} n2={n2}: {got} vs {want}");
        }
    }
}

fn vectorbt_grid(file: &str) {
    let golden = read_json(&format!("reference/vectorbt/{file}.json"));
    let cfg = &golden["config"];
    let data = load_ohlcv(cfg["data"].as_str().expect("data").trim_end_matches(".csv"));
    // vectorbt's fast/slow are SmaCross's n1/n2.
    let constraint = cfg["constraint"].as_str().expect("constraint").replace("fast", "n1").replace("slow", "n2");
    let plan = config(json!({
        "strategy": "SmaCross",
        "space": {"n1": py_range(cfg["fast"].as_str().expect("fast")), "n2": py_range(cfg["slow"].as_str().expect("slow"))},
        "constraint": constraint,
        "maximize": "Total Return",
        "semantics": "vectorbt",
        "fees": cfg["fees"],
        "init_cash": cfg["init_cash"],
        "topK": 3,
    }))
    .plan("", None)
    .expect("plan");
    let ev = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "")
        .expect("evaluator");
    assert!(ev.is_lean());
    let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), plan.options(Options::default()), &mut Silent)
        .expect("run");
    let combos = golden["combos"].as_array().expect("combos");
    assert_eq!(out.rows.len(), combos.len(), "{file}: number of combinations");
    for (row, want) in out.rows.iter().zip(combos) {
        let p = out.params(row);
        assert_eq!(p.get_f64("n1"), want["fast"].as_f64(), "{file}: order");
        assert_eq!(p.get_f64("n2"), want["slow"].as_f64(), "{file}: order");
        let tr = want["total_return"].as_f64().expect("total_return");
        assert!(close_rel(row.value, tr, 1e-9), "{file} {p}: {} vs {tr}", row.value);
        assert_eq!(row.metrics[4], want["trades"].as_f64().expect("trades"), "{file} {p}: trades");
    }
    let best = out.best().expect("best");
    assert_eq!(best.params.get_f64("n1"), golden["best"]["fast"].as_f64());
    assert_eq!(best.params.get_f64("n2"), golden["best"]["slow"].as_f64());
    // The top-K were re-run through the full engine: same return, full stats.
    assert!(close_rel(best.stats.metric("Total Return"), best.value, 1e-9));
    assert!(best.stats.contains("Sharpe Ratio"));
}

#[test]
fn goog_vectorbt_grid_matches_every_combination() {
    vectorbt_grid("GOOG_smacross");
}

#[test]
fn synth_100k_vectorbt_grid_matches_every_combination() {
    vectorbt_grid("SYNTH_100K_smacross");
}

#[test]
fn evaluator_validates_strategy_parameters_and_config() {
    let data = load_ohlcv("GOOG");
    let mk = |v: Value| {
        let plan = config(v).plan("strategy_specific_configs.SmaCross", None).expect("plan");
        BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "strategy_specific_configs.SmaCross")
            .map(|_| ())
    };
    let e = mk(json!({"strategy": "Nope", "space": {"n1": [5]}})).expect_err("strategy");
    assert_eq!(e.code.as_str(), "INVALID_STRATEGY");
    assert!(e.message.contains("SmaCross"));
    assert_eq!(e.detail("path").and_then(Value::as_str), Some("strategy_specific_configs.SmaCross.strategy"));
    let e = mk(json!({"strategy": "SmaCross", "space": {"n3": [5]}})).expect_err("param");
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    assert_eq!(e.detail("path").and_then(Value::as_str), Some("strategy_specific_configs.SmaCross.space.n3"));
    let e = mk(json!({"strategy": "SmaCross", "space": {"n1": [5]}, "commission": 2})).expect_err("config");
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    let e = mk(json!({"strategy": "SmaCross", "space": {"n1": [5]}, "comission": 0.1})).expect_err("typo");
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    assert!(e.message.contains("comission"));
}

#[test]
fn spaces_outside_the_schema_fail_up_front_with_the_path() {
    let data = load_ohlcv("GOOG");
    for (space, strategy) in [
        (json!({"n1": [0, 5]}), "SmaCross"),
        (json!({"n1": [2.5, 5]}), "SmaCross"),
        (json!({"n1": ["a"]}), "SmaCross"),
        (json!({"n1": {"uniform": [2, 9]}}), "SmaCross"),
        (json!({"n1": {"start": 2, "stop": 9, "step": 0.5}}), "SmaCross"),
        (json!({"lower": {"uniform": [-5, 30]}}), "RSI"),
    ] {
        let plan = config(json!({"strategy": strategy, "space": space, "method": "random", "maxTries": 3})).plan("", None).expect("plan");
        let e = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "")
            .expect_err(&space.to_string());
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER", "{space}");
        let name = space.as_object().and_then(|m| m.keys().next().cloned()).unwrap_or_default();
        assert_eq!(e.detail("path").and_then(Value::as_str), Some(format!("space.{name}").as_str()), "{space}");
    }
    // Real-valued RSI levels are fine from continuous forms.
    let plan = config(json!({"strategy": "RSI", "space": {"lower": {"uniform": [20, 35]}}, "method": "random", "maxTries": 5}))
        .plan("", None)
        .expect("plan");
    assert!(BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "").is_ok());
}

#[test]
fn data_dependent_failures_are_per_combination_and_reported() {
    let data = load_ohlcv("GOOG");
    // SMA(5000) needs more bars than GOOG has: those combinations fail, the others run.
    let plan = config(json!({"strategy": "SmaCross", "space": {"n1": [5, 10], "n2": [20, 5000]}, "maximize": "Return [%]"}))
        .plan("", None)
        .expect("plan");
    let ev = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "").expect("evaluator");
    let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), Options::default(), &mut Silent).expect("run");
    assert_eq!(out.rows.len(), 4);
    assert_eq!(out.rows.iter().filter(|r| r.error.is_none()).count(), 2);
    assert_eq!(out.errors.total(), 2);
    assert_eq!(out.best().and_then(|b| b.params.get_f64("n2")), Some(20.0));
}

/// Registry strategies other than SmaCross: every combination equals a direct backtest of the
/// registry's signal table.
#[test]
fn rsi_grid_matches_direct_backtests() {
    use stratlab::backtest::{run as backtest_run, BacktestConfig, Semantics};
    use stratlab::signals::strategies::generate;
    let data = load_ohlcv("GOOG");
    let plan = config(json!({"strategy": "RSI", "space": {"timeperiod": [10, 14, 20], "lower": [25, 30], "upper": [70, 75]},
        "maximize": "Sharpe Ratio", "commission": 0.001}))
    .plan("", None)
    .expect("plan");
    let ev = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "").expect("evaluator");
    assert_eq!(ev.cached_series(), 3, "RSI(10), RSI(14), RSI(20) computed once for 12 combinations");
    let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), Options::default(), &mut Silent).expect("run");
    assert_eq!(out.rows.len(), 12);
    let cfg = BacktestConfig { commission: 0.001, ..BacktestConfig::default() };
    for row in &out.rows {
        let p = out.params(row);
        let params = json!({"timeperiod": p.get_f64("timeperiod"), "lower": p.get_f64("lower"), "upper": p.get_f64("upper")});
        let table = generate("RSI", &data, &params, Semantics::BacktestingPy).expect("signals");
        let direct = backtest_run(&data, &table.to_series(), &cfg).expect("backtest").stats.sharpe;
        assert!(close_rel(row.value, direct, 1e-12), "{p}: {} vs {direct}", row.value);
        assert!(row.metrics[4] > 0.0, "{p}: trades happen, so the comparison means something");
        assert!(row.error.is_none());
    }
    // Registry validation applies per combination (lower must be < upper).
    let plan = config(json!({"strategy": "RSI", "space": {"lower": [30, 80], "upper": [70]}, "maximize": "Sharpe Ratio"}))
        .plan("", None)
        .expect("plan");
    let ev = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "").expect("evaluator");
    let out = run(&ev, plan.candidates.clone(), plan.objective.clone(), Options::default(), &mut Silent).expect("run");
    assert_eq!(out.errors.total(), 1);
}
