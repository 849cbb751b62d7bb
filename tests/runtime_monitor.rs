//! Performance monitor on a virtual clock: tracking, lastN, summaries, Prometheus text, lag probe.

use std::cell::Cell;
use std::rc::Rc;
use stratlab::runtime::clock::{sleep, Clock, Env, TimerId};
use stratlab::runtime::{DispatcherConfig, FutureDispatcher, PerformanceMonitor, SubmitOptions, VirtualEnv};

fn mon() -> (Rc<VirtualEnv>, PerformanceMonitor) {
    let env = VirtualEnv::new(1_700_000_000_000.0);
    let denv: Rc<dyn Env> = env.clone();
    (env, PerformanceMonitor::new(denv, 5))
}

#[test]
fn tracks_sync_and_async_operations() {
    let (env, m) = mon();
    let denv: Rc<dyn Env> = env.clone();
    let r: Result<u32, String> = m.track_sync("parse", || Ok(3));
    assert_eq!(r, Ok(3));
    let r: Result<u32, String> = m.track_sync("parse", || Err("bad row".into()));
    assert!(r.is_err());
    let out = Rc::new(Cell::new(0));
    let (m2, o2, e2) = (m.clone(), out.clone(), denv.clone());
    env.spawn(Box::pin(async move {
        let r: Result<u32, String> = m2
            .track("fetch", async move {
                sleep(&e2, 40.0).await;
                Ok(7)
            })
            .await;
        o2.set(r.unwrap_or(0));
    }));
    env.advance_by(100.0);
    assert_eq!(out.get(), 7);
    let fetch = m.summary(Some("fetch"));
    assert_eq!((fetch.total, fetch.successes, fetch.max_ms), (1, 1, 40.0));
    let parse = m.summary(Some("parse"));
    assert_eq!((parse.total, parse.failures, parse.success_rate), (2, 1, Some(0.5)));
    let all = m.summary(None);
    assert_eq!(all.total, 3);
    let last = m.last_n(2);
    assert_eq!(last.len(), 2);
    assert_eq!(last[1].name, "fetch");
    assert_eq!(last[0].error.as_deref(), Some("bad row"));
    assert_eq!(m.summary(Some("nope")).total, 0);
}

#[test]
fn summary_percentiles_and_bounded_recent() {
    let (_env, m) = mon();
    for i in 1..=100 {
        m.record("op", i as f64, i % 10 != 0, None);
    }
    let s = m.summary(Some("op"));
    assert_eq!((s.total, s.failures), (100, 10));
    assert!((s.p50_ms - 50.0).abs() <= 0.6, "{}", s.p50_ms);
    assert!((s.p95_ms - 95.0).abs() <= 1.0, "{}", s.p95_ms);
    assert!((s.p99_ms - 99.0).abs() <= 1.0, "{}", s.p99_ms);
    assert_eq!(s.max_ms, 100.0);
    assert!((s.avg_ms - 50.5).abs() < 1e-9);
    // Capacity 5: only the newest 5 records are kept, oldest first.
    let last = m.last_n(100);
    assert_eq!(last.iter().map(|r| r.duration_ms).collect::<Vec<_>>(), vec![96.0, 97.0, 98.0, 99.0, 100.0]);
    m.clear();
    assert_eq!(m.summary(None).total, 0);
    assert!(m.last_n(10).is_empty());
}

#[test]
fn prometheus_exposition() {
    let (_env, m) = mon();
    m.record("fetch \"quotes\"", 250.0, true, None);
    m.record("fetch \"quotes\"", 750.0, false, Some("503".into()));
    let text = m.prometheus(None);
    assert!(text.contains("# TYPE stratlab_operation_duration_seconds summary"));
    assert!(text.contains("stratlab_operation_duration_seconds_count{operation=\"fetch \\\"quotes\\\"\"} 2"), "{text}");
    assert!(text.contains("stratlab_operation_duration_seconds_sum{operation=\"fetch \\\"quotes\\\"\"} 1\n"), "{text}");
    assert!(text.contains("stratlab_operations_total{operation=\"fetch \\\"quotes\\\"\",outcome=\"failure\"} 1"));
    // Every sample line is `name{labels} value` or `name value` with a parseable number.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let v = line.rsplit(' ').next().unwrap_or("");
        assert!(v.parse::<f64>().is_ok(), "bad sample line: {line}");
    }
    let env = VirtualEnv::new(0.0);
    let denv: Rc<dyn Env> = env.clone();
    let d = FutureDispatcher::<u64>::for_futures(denv, DispatcherConfig::default()).expect("ok");
    d.submit_fn("t", &SubmitOptions::default(), |_| async { Ok(1) }).expect("ok");
    env.run_until_stalled();
    let text = m.prometheus(Some(&d.metrics()));
    assert!(text.contains("stratlab_tasks_finished_total{status=\"completed\"} 1"), "{text}");
    assert!(text.contains("stratlab_tasks_submitted_total 1"));
}

/// A host whose timers fire late by a scripted amount, standing in for a busy event loop.
struct Busy {
    env: Rc<VirtualEnv>,
    lags: std::cell::RefCell<Vec<f64>>,
}
impl Clock for Busy {
    fn now_ms(&self) -> f64 {
        self.env.now_ms()
    }
}
impl Env for Busy {
    fn set_timer(&self, at: f64, cb: Box<dyn FnOnce()>) -> TimerId {
        let lag = self.lags.borrow_mut().pop().unwrap_or(0.0);
        self.env.set_timer(at + lag, cb)
    }
    fn clear_timer(&self, id: TimerId) {
        self.env.clear_timer(id)
    }
    fn spawn(&self, fut: futures::future::LocalBoxFuture<'static, ()>) {
        self.env.spawn(fut)
    }
}

#[test]
fn lag_probe_reports_percentiles() {
    let env = VirtualEnv::new(0.0);
    // 100 firings: lags 1..=100 ms (popped from the back).
    let busy = Rc::new(Busy { env: env.clone(), lags: std::cell::RefCell::new((1..=100).rev().map(f64::from).collect()) });
    let denv: Rc<dyn Env> = busy.clone();
    let m = PerformanceMonitor::new(denv, 10);
    assert!(m.start_lag_probe(0.0).is_err());
    m.start_lag_probe(10.0).expect("ok");
    env.run_until_idle(100);
    let lag = m.lag();
    assert!(lag.running);
    assert_eq!(lag.samples, 100);
    assert!((lag.p50 - 50.0).abs() <= 0.6, "{}", lag.p50);
    assert!((lag.p95 - 95.0).abs() <= 1.0, "{}", lag.p95);
    assert_eq!(lag.max, 100.0);
    m.stop_lag_probe();
    assert!(!m.lag().running);
    assert_eq!(env.pending_timers(), 0, "stopping disarms the probe");
    assert!(m.prometheus(None).contains("stratlab_event_loop_lag_seconds_count 100"));
}
