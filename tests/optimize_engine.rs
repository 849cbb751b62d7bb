//! The evaluation loop on synthetic objectives: ordering, top-K, progress, cancellation,
//! timeouts, error accounting, aggregation and exports; sequential vs rayon equality.

use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
#[cfg(feature = "threads")]
use std::sync::Mutex;
use stratlab::optimize::aggregate::{category, Describe};
use stratlab::optimize::engine::run;
use stratlab::optimize::export::{executive_summary, to_csv, to_json};
use stratlab::optimize::heatmap::heatmap;
use stratlab::optimize::{
    CancelToken, Evaluation, Observer, OptimizeConfig, Options, ParamValue, Params, Progress,
    Report, Row, Runner, Silent, Status,
};
use stratlab::{Error, ErrorCode, Result};

fn config(text: &str) -> OptimizeConfig {
    serde_json::from_str(text).expect("config")
}

/// A smooth bowl with its peak at n1 = 10, n2 = 35, plus some trades.
fn bowl(p: &Params) -> Result<Evaluation> {
    let n1 = p.get_f64("n1").ok_or_else(|| Error::invalid_parameter("n1"))?;
    let n2 = p.get_f64("n2").ok_or_else(|| Error::invalid_parameter("n2"))?;
    let v = 1.0 - ((n1 - 10.0) / 10.0).powi(2) - ((n2 - 35.0) / 30.0).powi(2);
    Ok(Evaluation::from_pairs([("Sharpe Ratio", v), ("Return [%]", v * 40.0), ("# Trades", 100.0 - n2)]))
}

fn opts() -> Options {
    Options { parallel: false, ..Options::default() }
}

#[test]
fn grid_finds_the_peak_and_rows_follow_grid_order() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": {"start": 5, "stop": 30, "step": 5},
        "n2": {"start": 10, "stop": 70, "step": 5}}, "constraint": "n1 < n2", "maximize": "Sharpe Ratio"}"#)
    .plan("", None)
    .expect("plan");
    let out = run(&bowl, plan.candidates.clone(), plan.objective.clone(), plan.options(opts()), &mut Silent).expect("run");
    assert_eq!(out.status, Status::Complete);
    assert_eq!(out.rows.len(), 50);
    let best = out.best().expect("best");
    assert_eq!(best.params.get_f64("n1"), Some(10.0));
    assert_eq!(best.params.get_f64("n2"), Some(35.0));
    assert_eq!(best.value, 1.0);
    assert!(out.rows.windows(2).all(|w| w[0].ordinal < w[1].ordinal));
    // top-K: sorted, 10 long, full stats kept.
    assert_eq!(out.top.len(), 10);
    assert!(out.top.windows(2).all(|w| w[0].value >= w[1].value));
    assert!(out.top[0].stats.contains("# Trades"));
    let hm = heatmap(&out).expect("2-D grid");
    assert_eq!(hm.params, ["n1".to_string(), "n2".to_string()]);
    assert_eq!(hm.values.len(), 5);
    assert_eq!(hm.values[0].len(), 12);
    assert_eq!(hm.get(&ParamValue::Num(10.0), &ParamValue::Num(35.0)), Some(1.0));
    assert_eq!(hm.get(&ParamValue::Num(25.0), &ParamValue::Num(10.0)), None); // excluded by the constraint
}

#[test]
fn minimize_and_unknown_stat() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": [5, 10, 15], "n2": [30, 35, 40]}, "minimize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let out = run(&bowl, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect("run");
    let worst = out.best().expect("best");
    assert!(out.rows.iter().all(|r| r.value >= worst.value));
    let plan = config(r#"{"space": {"n1": [5], "n2": [30]}, "maximize": "Nope"}"#).plan("", Some("S")).expect("plan");
    let e = run(&bowl, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect_err("unknown stat");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert!(e.message.contains("Sharpe Ratio"), "lists the available keys: {}", e.message);
    assert!(config(r#"{"space": {"a": [1]}, "maximize": "x", "minimize": "y"}"#).plan("", Some("S")).is_err());
    assert!(config(r#"{"space": {"a": [1]}, "method": "anneal"}"#).plan("", Some("S")).is_err());
}

#[derive(Default)]
struct Record {
    results: Vec<(usize, f64)>,
    progress: Vec<Progress>,
}

impl Observer for Record {
    fn on_result(&mut self, row: &Row, _p: &Params) {
        self.results.push((row.ordinal, row.value));
    }
    fn on_progress(&mut self, p: &Progress) {
        self.progress.push(p.clone());
    }
}

/// Virtual time: the clock reads the counter, each evaluation of `slow_bowl` costs 1 ms.
fn ticking() -> (stratlab::optimize::Clock, Arc<AtomicUsize>) {
    let t = Arc::new(AtomicUsize::new(0));
    let t2 = t.clone();
    (Arc::new(move || t2.load(Ordering::Relaxed) as f64), t)
}

fn slow_bowl(t: Arc<AtomicUsize>) -> impl Fn(&Params) -> Result<Evaluation> + Sync {
    move |p: &Params| {
        t.fetch_add(1, Ordering::Relaxed);
        bowl(p)
    }
}

/// Rows compared through Debug: NaN metrics are equal there (`NaN != NaN` under PartialEq).
fn same<T: std::fmt::Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

#[test]
fn progress_is_rate_bounded_and_ends_with_the_total() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": {"start": 1, "stop": 101}, "n2": {"start": 1, "stop": 101}}, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let (clock, t) = ticking();
    let o = Options { clock, progress_interval_ms: 50.0, chunk_ms: 5.0, ..opts() };
    let mut rec = Record::default();
    let out = run(&slow_bowl(t), plan.candidates.clone(), plan.objective.clone(), o, &mut rec).expect("run");
    assert_eq!(out.rows.len(), 10_000);
    assert_eq!(rec.results.len(), 10_000, "every result streamed once");
    let last = rec.progress.last().expect("progress");
    assert_eq!((last.done, last.total), (10_000, 10_000));
    assert_eq!(last.best.as_ref().map(|b| b.1), Some(1.0));
    // Bounded rate: reports at least 50 (virtual) ms apart, except the final one.
    for w in rec.progress[..rec.progress.len() - 1].windows(2) {
        assert!(w[1].elapsed_ms - w[0].elapsed_ms >= 50.0);
    }
    assert!(rec.progress.len() > 2 && rec.progress.len() < 1000, "{}", rec.progress.len());
    assert!(rec.progress.iter().any(|p| p.eta_ms.is_some_and(|e| e > 0.0)));
}

#[test]
fn cancellation_and_timeout_keep_partial_results() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": {"start": 1, "stop": 101}, "n2": {"start": 1, "stop": 101}}, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let cancel = CancelToken::new();
    let count = AtomicUsize::new(0);
    let c2 = cancel.clone();
    let eval = move |p: &Params| {
        if count.fetch_add(1, Ordering::Relaxed) == 500 {
            c2.cancel();
        }
        bowl(p)
    };
    let o = Options { cancel: cancel.clone(), chunk_ms: 1.0, ..opts() };
    let out = run(&eval, plan.candidates.clone(), plan.objective.clone(), o, &mut Silent).expect("run");
    assert_eq!(out.status, Status::Cancelled);
    assert!(out.rows.len() > 500 && out.rows.len() < 10_000, "{}", out.rows.len());
    assert!(out.rows.iter().all(|r| r.error.is_none()), "skipped work is not reported as failed");

    let (clock, t) = ticking();
    let o = Options { clock, timeout_ms: Some(200.0), chunk_ms: 5.0, ..opts() };
    let out = run(&slow_bowl(t), plan.candidates.clone(), plan.objective.clone(), o, &mut Silent).expect("run");
    assert_eq!(out.status, Status::TimedOut);
    assert!(out.rows.len() >= 200 && out.rows.len() < 260, "{}", out.rows.len());
    let summary = stratlab::optimize::aggregate::summarize("S", &out);
    assert_eq!(summary.status, "timeout");
    assert!(summary.recommendations.iter().any(|r| r.kind == "incomplete"));
}

#[test]
fn failures_are_counted_by_class_and_do_not_stop_the_run() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": [5, 10, 15, 20], "n2": [10, 20, 30, 40, 50]}, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let eval = |p: &Params| {
        let (a, b) = (p.get_f64("n1").unwrap_or(0.0), p.get_f64("n2").unwrap_or(0.0));
        if a >= b {
            return Err(Error::invalid_parameter(format!("n1 {a} must be < n2 {b}")));
        }
        if b == 50.0 {
            return Err(Error::timeout("slow"));
        }
        bowl(p)
    };
    let out = run(&eval, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect("run");
    assert_eq!(out.rows.len(), 20);
    let s = stratlab::optimize::aggregate::summarize("S", &out);
    assert_eq!(s.succeeded, 12);
    assert!((s.success_rate - 0.6).abs() < 1e-12);
    let by: Vec<(&str, usize)> = s.errors.iter().map(|e| (e.code, e.count)).collect();
    assert_eq!(by, vec![("INVALID_PARAMETER", 4), ("TIMEOUT", 4)]);
    assert!(s.recommendations.iter().any(|r| r.kind == "many_failures"));
    assert_eq!(s.categories.poor + s.categories.average + s.categories.good + s.categories.excellent, 20);
}

#[test]
fn aggregation_statistics_ranking_and_recommendations() {
    let d = Describe::of([4.0, 1.0, 3.0, 2.0, f64::NAN]).expect("stats");
    assert_eq!((d.count, d.min, d.max, d.mean, d.median), (4, 1.0, 4.0, 2.5, 2.5));
    assert_eq!((d.q1, d.q3), (1.75, 3.25)); // pandas describe() on [1, 2, 3, 4]
    assert!((d.std - 1.2909944487358056).abs() < 1e-15);
    assert_eq!(category(1.6, 0.0), "Excellent");
    assert_eq!(category(1.0, 0.0), "Good");
    assert_eq!(category(0.5, 0.0), "Average");
    assert_eq!(category(0.49, 100.0), "Poor");
    assert_eq!(category(f64::NAN, 25.0), "Good");

    // The best sits on the upper edge of n2 and rests on few trades.
    let edge = |p: &Params| {
        let n2 = p.get_f64("n2").unwrap_or(0.0);
        Ok(Evaluation::from_pairs([("Sharpe Ratio", n2 / 10.0), ("# Trades", 3.0)]))
    };
    let plan = config(r#"{"strategy": "E", "space": {"n1": [1, 2, 3], "n2": [10, 20, 30]}, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let out = run(&edge, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect("run");
    let s = stratlab::optimize::aggregate::summarize("E", &out);
    let kinds: Vec<&str> = s.recommendations.iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&"edge_of_grid"), "{kinds:?}");
    assert!(kinds.contains(&"few_trades"), "{kinds:?}");
    assert!(!kinds.contains(&"high_variance"), "{kinds:?}");
    assert_eq!(s.ranking[0].value, 3.0);
    assert_eq!(s.ranking[0].params.get_f64("n1"), Some(1.0), "ties keep grid order");
    assert_eq!((s.categories.excellent, s.categories.good), (6, 3));

    // Wildly varying objective → high variance.
    let wild = |p: &Params| {
        let n1 = p.get_f64("n1").unwrap_or(0.0);
        Ok(Evaluation::from_pairs([("Sharpe Ratio", if n1 == 1.0 { 10.0 } else { -1.0 }), ("# Trades", 50.0)]))
    };
    let out = run(&wild, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect("run");
    let s = stratlab::optimize::aggregate::summarize("E", &out);
    assert!(s.recommendations.iter().any(|r| r.kind == "high_variance"));
}

#[test]
fn exports_csv_json_and_text() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": [5, 10], "n2": [30, 35]}, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let out = run(&bowl, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect("run");
    let csv = to_csv(&out).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("n1,n2,value,Return [%],Sharpe Ratio"));
    assert!(lines[4].starts_with("10,35,1,40,1,"), "{}", lines[4]);
    let report = Report::new("S", &out);
    let j = to_json(&out, &report.summary);
    assert_eq!(j["rows"].as_array().map(|r| r.len()), Some(4));
    assert_eq!(j["rows"][3]["params"], json!({"n1": 10, "n2": 35}));
    assert_eq!(j["summary"]["best"]["value"], json!(1.0));
    let text = executive_summary(std::slice::from_ref(&report.summary), None);
    assert!(text.contains("Best: n1=10, n2=35"), "{text}");
    let rj = serde_json::to_value(&report).expect("report json");
    assert_eq!(rj["best"]["params"], json!({"n1": 10, "n2": 35}));
    assert_eq!(rj["results"].as_array().map(|r| r.len()), Some(4));
    assert_eq!(rj["heatmap"]["params"], json!(["n1", "n2"]));
}

#[test]
fn chunking_does_not_change_results() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": {"randint": [1, 40]}, "n2": {"uniform": [1, 80]}}, "method": "random", "maxTries": 700, "seed": 3, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let a = run(&bowl, plan.candidates.clone(), plan.objective.clone(), opts(), &mut Silent).expect("run");
    let (clock, t) = ticking();
    let o = Options { clock, chunk_ms: 3.0, ..opts() };
    let b = run(&slow_bowl(t), plan.candidates.clone(), plan.objective.clone(), o, &mut Silent).expect("run");
    assert_eq!(a.rows.len(), 700);
    assert!(same(&a.rows, &b.rows));
    assert!(same(&a.top, &b.top));
}

/// Same seed → identical results sequentially and on the rayon pool.
#[cfg(feature = "threads")]
#[test]
fn threads_match_sequential() {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().expect("pool");
    let plan = config(r#"{"strategy": "S", "space": {"n1": {"randint": [1, 40]}, "n2": {"loguniform": [1, 80]}}, "method": "random", "maxTries": 2000, "seed": 11, "maximize": "Sharpe Ratio", "topK": 25}"#)
        .plan("", None)
        .expect("plan");
    // The parallel evaluator records which pool thread ran each evaluation and sleeps a little,
    // so idle pool threads get work even on a loaded machine (the objective is nanoseconds).
    // Completion order differs between the runs, yet the folded results must match.
    let seen = Mutex::new(std::collections::HashSet::new());
    let slow = |p: &Params| {
        if let Ok(mut s) = seen.lock() {
            s.insert(rayon::current_thread_index());
        }
        std::thread::sleep(std::time::Duration::from_micros(100));
        bowl(p)
    };
    let seq = run(&bowl, plan.candidates.clone(), plan.objective.clone(), plan.options(opts()), &mut Silent).expect("seq");
    let par = pool
        .install(|| {
            run(&slow, plan.candidates.clone(), plan.objective.clone(), plan.options(Options { parallel: true, ..Options::default() }), &mut Silent)
        })
        .expect("par");
    assert!(same(&seq.rows, &par.rows));
    assert!(same(&seq.top, &par.top));
    assert_eq!(seq.rows.len(), 2000);
    // The parallel run really spread evaluations over pool threads.
    let threads = seen.lock().map(|s| s.iter().filter(|t| t.is_some()).count()).unwrap_or(0);
    assert!(threads > 1, "evaluations ran on {threads} pool threads");
    let _ = Report::new("S", &par);
}

#[test]
fn runner_steps_can_be_driven_one_chunk_at_a_time() {
    let plan = config(r#"{"strategy": "S", "space": {"n1": {"start": 1, "stop": 51}, "n2": {"start": 1, "stop": 51}}, "maximize": "Sharpe Ratio"}"#)
        .plan("", None)
        .expect("plan");
    let (clock, t) = ticking();
    let eval = slow_bowl(t);
    let mut r = Runner::new(&eval, plan.candidates.clone(), plan.objective.clone(), Options { clock, chunk_ms: 2.0, ..opts() });
    let mut steps = 0;
    while r.step(&mut Silent).expect("step") {
        steps += 1;
    }
    assert!(steps > 3, "{steps}");
    let out = r.finish();
    assert_eq!(out.rows.len(), 2500);
    assert_eq!(out.status, Status::Complete);
}
