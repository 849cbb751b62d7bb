//! The batch manager: fallbacks to common_config, validation paths, timeouts, cancellation,
//! aggregation across strategies.

mod common;
use common::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use stratlab::optimize::batch::{BatchReport, BatchRequest, BatchRunner, SilentBatch};
use stratlab::optimize::evaluator::batch_evaluators;
use stratlab::optimize::{Evaluate, Evaluation, Options, Params};
use stratlab::{ErrorCode, Result};

fn request(v: Value) -> BatchRequest {
    BatchRequest::from_json_text(&v.to_string()).expect("request")
}

fn common_cfg() -> Value {
    json!({"space": {"n1": [5, 10], "n2": [20, 30]}, "maximize": "Sharpe Ratio", "cash": 10000, "commission": 0.002, "finalize_trades": true})
}

fn run_real(req: &BatchRequest) -> Result<BatchReport> {
    let data = load_ohlcv("GOOG");
    let plan = req.plan()?;
    let evs = batch_evaluators(&data, &plan)?;
    let out = BatchRunner::new(&plan, &evs, Options::default()).run(&mut SilentBatch)?;
    Ok(BatchReport::new(&out))
}

#[test]
fn null_missing_or_partial_specific_configs_fall_back_to_common() {
    for specific in [json!(null), json!({}), json!({"SmaCross": null}), json!({"Other": {"space": {"n1": [1]}}})] {
        let req = request(json!({"strategies": ["SmaCross", "MovingAverageCrossover"], "common_config": common_cfg(),
            "strategy_specific_configs": specific, "parallel_jobs": 2}));
        let rep = run_real(&req).expect("batch runs");
        assert_eq!(rep.jobs.len(), 2);
        for j in &rep.jobs {
            assert_eq!(j.status, "complete", "{specific}");
            assert_eq!(j.report.as_ref().map(|r| r.results.len()), Some(4), "{specific}");
        }
        if specific.get("Other").is_some() {
            assert_eq!(rep.warnings.len(), 1);
        }
    }
    // Absent key entirely.
    let req = request(json!({"strategies": ["SmaCross"], "common_config": common_cfg()}));
    assert_eq!(run_real(&req).expect("runs").jobs[0].report.as_ref().map(|r| r.results.len()), Some(4));
}

#[test]
fn specific_config_overrides_common_and_results_aggregate() {
    let req = request(json!({"strategies": ["SmaCross", "MovingAverageCrossover"], "common_config": common_cfg(),
        "strategy_specific_configs": {"MovingAverageCrossover": {"space": {"n1": [10], "n2": {"start": 15, "stop": 40, "step": 5}}, "constraint": "n1 < n2"}}}));
    let rep = run_real(&req).expect("batch runs");
    let second = rep.jobs[1].report.as_ref().expect("report");
    assert_eq!(second.results.len(), 5);
    // Inherited from common: objective and backtest settings.
    assert_eq!(second.summary.objective, "Sharpe Ratio");
    // GOOG 10/20, commission 0.002: backtesting.py's Sharpe 0.5968584546425434 is in the grid.
    let r = second.results.iter().find(|r| r.params.get_f64("n2") == Some(20.0)).expect("10/20");
    assert!(close_rel(r.value, 0.5968584546425434, 1e-9), "{}", r.value);
    assert_eq!(rep.summary.strategies, 2);
    assert_eq!(rep.summary.count, 9);
    assert_eq!(rep.summary.ranking.len(), 2);
    assert!(rep.summary.ranking[0].value >= rep.summary.ranking[1].value);
    assert!(rep.text.contains("Best strategy"), "{}", rep.text);
    let j = serde_json::to_value(&rep).expect("json");
    assert_eq!(j["jobs"][0]["strategy"], "SmaCross");
    assert!(j["perStrategy"].as_array().is_some_and(|a| a.len() == 2));
}

#[test]
fn seed_request_with_sma_cross_and_rsi() {
    let req = request(json!({"strategies": ["SmaCross", "RSI"], "common_config": {"maximize": "Sharpe Ratio", "commission": 0.002},
        "strategy_specific_configs": {"SmaCross": {"space": {"n1": [5, 10], "n2": [20, 40]}, "constraint": "n1 < n2"},
                                      "RSI": {"space": {"timeperiod": [10, 14], "lower": [30], "upper": [70]}, "export": ["csv"]}},
        "parallel_jobs": 2}));
    let data = load_ohlcv("GOOG");
    let plan = req.plan().expect("plan");
    let evs = batch_evaluators(&data, &plan).expect("evaluators");
    let out = BatchRunner::new(&plan, &evs, Options::default()).run(&mut SilentBatch).expect("runs");
    let rep = BatchReport::new(&out).with_exports(&out, &plan).expect("exports");
    // Only RSI asked for CSV.
    assert!(rep.jobs[0].report.as_ref().is_some_and(|r| r.csv.is_none()));
    let csv = rep.jobs[1].report.as_ref().and_then(|r| r.csv.clone()).expect("RSI csv");
    assert_eq!(csv.lines().count(), 3);
    // (json! sorts keys, so the space here is lower, timeperiod, upper.)
    assert!(csv.starts_with("lower,timeperiod,upper,value,"), "{csv}");
    let counts: Vec<usize> = rep.jobs.iter().map(|j| j.report.as_ref().map_or(0, |r| r.results.len())).collect();
    assert_eq!(counts, vec![4, 2]);
    assert_eq!(rep.summary.succeeded, 6);
    assert_eq!(rep.per_strategy[1].strategy, "RSI");
}

#[test]
fn validation_errors_carry_the_path() {
    let bad_space = request(json!({"strategies": ["SmaCross", "RSI"], "common_config": common_cfg(),
        "strategy_specific_configs": {"SmaCross": {"space": {"n1": {"start": 5, "stop": 1}}}}}));
    let e = run_real(&bad_space).expect_err("empty range");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(e.detail("path").and_then(Value::as_str), Some("strategy_specific_configs.SmaCross.space.n1"));

    let unknown = request(json!({"strategies": ["SmaCross", "Nope"], "common_config": common_cfg()}));
    let e = run_real(&unknown).expect_err("unknown strategy");
    assert_eq!(e.code, ErrorCode::InvalidStrategy);
    assert_eq!(e.detail("path").and_then(Value::as_str), Some("common_config.strategy"));

    let bad_param = request(json!({"strategies": ["SmaCross"], "common_config": common_cfg(),
        "strategy_specific_configs": {"SmaCross": {"space": {"timeperiod": [14]}}}}));
    let e = run_real(&bad_param).expect_err("unknown parameter");
    assert_eq!(e.detail("path").and_then(Value::as_str), Some("strategy_specific_configs.SmaCross.space.timeperiod"));

    let big = request(json!({"strategies": ["SmaCross"], "common_config": {"space": {"n1": {"start": 1, "stop": 2000}, "n2": {"start": 1, "stop": 2000}}, "maxCombinations": 100000}}));
    let e = big.plan().expect_err("too big");
    assert_eq!(e.code, ErrorCode::ResourceLimit);
    assert_eq!(e.detail("size").and_then(Value::as_u64), Some(1999 * 1999));
    assert_eq!(e.detail("path").and_then(Value::as_str), Some("common_config.space"));

    for (req, path) in [
        (json!({"strategies": [], "common_config": common_cfg()}), "strategies"),
        (json!({"common_config": common_cfg()}), "strategies"),
        (json!({"strategies": ["SmaCross"], "common_config": common_cfg(), "parallel_jobs": 0}), "parallel_jobs"),
        (json!({"strategies": ["SmaCross", "SmaCross"], "common_config": common_cfg()}), "strategies[1]"),
        (json!({"strategies": ["SmaCross"], "common_config": {"space": {"n1": [1]}, "constraint": "n1 <"}}), "common_config.constraint"),
    ] {
        let e = request(req.clone()).plan().expect_err(&req.to_string());
        assert_eq!(e.detail("path").and_then(Value::as_str), Some(path), "{req}: {e}");
    }
    let e = BatchRequest::from_json_text(r#"{"strategies": ["A"], "strategy_specific_configs": {"A": {"maxTries": "x"}}}"#)
        .expect_err("type error");
    assert!(e.message.contains("strategy_specific_configs.A"), "{}", e.message);
}

/// Costs 1 ms of virtual time per evaluation.
struct Slow(Arc<AtomicUsize>);
impl Evaluate for Slow {
    fn evaluate(&self, p: &Params) -> Result<Evaluation> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(Evaluation::from_pairs([("SQN", p.get_f64("a").unwrap_or(0.0))]))
    }
}

fn virtual_options(t: &Arc<AtomicUsize>) -> Options {
    let t2 = t.clone();
    Options { clock: Arc::new(move || t2.load(Ordering::Relaxed) as f64), chunk_ms: 5.0, parallel: false, ..Options::default() }
}

#[test]
fn per_job_and_global_timeouts_keep_partial_results_marked() {
    let t = Arc::new(AtomicUsize::new(0));
    let req = request(json!({"strategies": ["A", "B", "C"], "common_config": {"space": {"a": {"start": 0, "stop": 1000}}},
        "job_timeout_ms": 100, "timeout_ms": 250}));
    let plan = req.plan().expect("plan");
    let evs: Vec<Result<Box<dyn Evaluate>>> = (0..3).map(|_| Ok(Box::new(Slow(t.clone())) as Box<dyn Evaluate>)).collect();
    let out = BatchRunner::new(&plan, &evs, virtual_options(&t)).run(&mut SilentBatch).expect("runs");
    let rep = BatchReport::new(&out);
    let statuses: Vec<&str> = rep.jobs.iter().map(|j| j.status).collect();
    assert_eq!(statuses, ["timeout", "timeout", "timeout"]);
    let n: Vec<usize> = rep.jobs.iter().map(|j| j.report.as_ref().map_or(0, |r| r.results.len())).collect();
    assert!(n[0] >= 100 && n[0] < 130, "{n:?}");
    assert!(n[1] >= 100 && n[1] < 130, "{n:?}");
    assert!(n[2] < 60, "the global timeout cut the third job short: {n:?}");
    assert!(rep.jobs.iter().all(|j| !j.complete && j.error.as_ref().is_some_and(|e| e.code == "TIMEOUT")));
    // A batch whose global budget is spent before a job starts marks it without results.
    let req = request(json!({"strategies": ["A", "B"], "common_config": {"space": {"a": {"start": 0, "stop": 1000}}}, "timeout_ms": 50}));
    let plan = req.plan().expect("plan");
    let out = BatchRunner::new(&plan, &evs[..2], virtual_options(&t)).run(&mut SilentBatch).expect("runs");
    let rep = BatchReport::new(&out);
    assert_eq!(rep.jobs[1].status, "timeout");
    assert!(rep.jobs[1].report.is_none());
}

#[test]
fn cancellation_stops_the_batch_and_marks_jobs() {
    let t = Arc::new(AtomicUsize::new(0));
    let req = request(json!({"strategies": ["A", "B"], "common_config": {"space": {"a": {"start": 0, "stop": 1000}}}}));
    let plan = req.plan().expect("plan");
    let evs: Vec<Result<Box<dyn Evaluate>>> = (0..2).map(|_| Ok(Box::new(Slow(t.clone())) as Box<dyn Evaluate>)).collect();
    let mut runner = BatchRunner::new(&plan, &evs, virtual_options(&t));
    let token = runner.cancel_token();
    for _ in 0..5 {
        runner.step(&mut SilentBatch).expect("step");
    }
    token.cancel();
    while runner.step(&mut SilentBatch).expect("step") {}
    let rep = BatchReport::new(&runner.finish());
    assert_eq!(rep.jobs[0].status, "cancelled");
    assert!(rep.jobs[0].report.as_ref().is_some_and(|r| !r.results.is_empty() && r.results.len() < 1000));
    assert_eq!(rep.jobs[1].status, "cancelled");
    assert!(rep.jobs[1].report.is_none());
}
