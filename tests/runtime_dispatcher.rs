//! Dispatcher rules on a virtual clock: every rule of issue 5 has a test here, and the accounting
//! invariant is checked at every step of a 100,000-task run with injected failures, hangs,
//! cancels and overflows.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use stratlab::runtime::clock::sleep;
use stratlab::runtime::dispatcher::{Outcome, StatusCounts};
use stratlab::runtime::{
    AbortReason, AbortSignal, DispatcherConfig, Env, FutureDispatcher, Overflow, Status, SubmitOptions, VirtualEnv,
};
use stratlab::ErrorCode;

fn setup(cfg: DispatcherConfig) -> (Rc<VirtualEnv>, FutureDispatcher<u64>) {
    let env = VirtualEnv::new(1_700_000_000_000.0);
    let denv: Rc<dyn Env> = env.clone();
    let d = FutureDispatcher::for_futures(denv, cfg).expect("valid config");
    (env, d)
}

fn cfg(max_concurrent: usize) -> DispatcherConfig {
    DispatcherConfig { max_concurrent, ..Default::default() }
}

fn prio(p: i32) -> SubmitOptions {
    SubmitOptions { priority: p, ..Default::default() }
}

/// Submits a task that sleeps `ms` then returns `v`, logging its start into `log`.
fn ok_task(d: &FutureDispatcher<u64>, name: &str, opts: &SubmitOptions, ms: f64, v: u64, log: &Rc<RefCell<Vec<u64>>>) -> u64 {
    let env = d.env().clone();
    let log = log.clone();
    d.submit_fn(name, opts, move |_sig| {
        let env = env.clone();
        let log = log.clone();
        async move {
            log.borrow_mut().push(v);
            sleep(&env, ms).await;
            Ok(v)
        }
    })
    .expect("accepted")
}

/// Captures a task's outcome for later inspection.
fn capture(d: &FutureDispatcher<u64>, id: u64) -> Rc<RefCell<Option<Outcome<u64>>>> {
    let slot = Rc::new(RefCell::new(None));
    let s = slot.clone();
    d.on_result(id, Box::new(move |o| *s.borrow_mut() = Some(o)));
    slot
}

fn err_code(slot: &Rc<RefCell<Option<Outcome<u64>>>>) -> Option<ErrorCode> {
    slot.borrow().as_ref().and_then(|o| o.as_ref().err().map(|e| e.error.code))
}

fn assert_accounted(d: &FutureDispatcher<u64>) {
    let (submitted, c) = d.counts();
    assert_eq!(submitted, c.terminal() + c.queued + c.running, "invariant broken: {c:?}");
    d.check_invariants().expect("bookkeeping");
}

#[test]
fn priority_higher_first_fifo_within_priority() {
    let (env, d) = setup(cfg(1));
    let log = Rc::new(RefCell::new(Vec::new()));
    d.pause();
    for (v, p) in [(1, 0), (2, 5), (3, 0), (4, 9), (5, 5), (6, -1)] {
        ok_task(&d, "t", &prio(p), 1.0, v, &log);
    }
    d.resume();
    env.advance_by(100.0);
    assert_eq!(*log.borrow(), vec![4, 2, 5, 1, 3, 6]);
    assert_eq!(d.counts().1.completed, 6);
}

#[test]
fn concurrency_limit_holds_at_every_moment() {
    let (env, d) = setup(cfg(3));
    let live = Rc::new(Cell::new(0usize));
    let peak = Rc::new(Cell::new(0usize));
    for i in 0..50u64 {
        let (env2, live, peak) = (d.env().clone(), live.clone(), peak.clone());
        let d2 = d.clone();
        d.submit_fn("c", &SubmitOptions::default(), move |_| {
            let (env2, live, peak, d2) = (env2.clone(), live.clone(), peak.clone(), d2.clone());
            async move {
                live.set(live.get() + 1);
                peak.set(peak.get().max(live.get()));
                assert!(d2.counts().1.running <= 3);
                sleep(&env2, 1.0 + (i % 7) as f64).await;
                live.set(live.get() - 1);
                Ok(i)
            }
        })
        .expect("accepted");
        assert!(d.counts().1.running <= 3);
    }
    env.run_until_stalled();
    while env.pending_timers() > 0 {
        env.run_until_idle(1);
        assert!(d.counts().1.running <= 3);
        assert_accounted(&d);
    }
    assert_eq!(peak.get(), 3);
    assert_eq!(d.counts().1.completed, 50);
}

#[test]
fn max_queue_reject_refuses_with_queue_full() {
    let (env, d) = setup(DispatcherConfig { max_concurrent: 1, max_queue: Some(2), ..Default::default() });
    let log = Rc::new(RefCell::new(Vec::new()));
    ok_task(&d, "a", &prio(0), 10.0, 1, &log); // running
    ok_task(&d, "a", &prio(0), 10.0, 2, &log); // queued
    ok_task(&d, "a", &prio(0), 10.0, 3, &log); // queued
    let err = d
        .submit_fn("a", &prio(100), |_| async { Ok(4) })
        .expect_err("queue is full");
    assert_eq!(err.code, ErrorCode::QueueFull);
    assert_eq!(err.detail("maxQueue").and_then(|v| v.as_u64()), Some(2));
    let m = d.metrics();
    assert_eq!((m.submitted, m.rejected), (3, 1));
    assert!(m.accounted());
    env.advance_by(100.0);
    assert_eq!(*log.borrow(), vec![1, 2, 3]);
}

#[test]
fn drop_lowest_drops_lowest_priority_newest_first() {
    let (env, d) = setup(DispatcherConfig {
        max_concurrent: 1,
        max_queue: Some(2),
        overflow: Overflow::DropLowest,
        ..Default::default()
    });
    let log = Rc::new(RefCell::new(Vec::new()));
    ok_task(&d, "x", &prio(0), 10.0, 1, &log); // running
    let low_old = ok_task(&d, "x", &prio(1), 10.0, 2, &log);
    let low_new = ok_task(&d, "x", &prio(1), 10.0, 3, &log);
    let r_new = capture(&d, low_new);
    // Higher priority arrives: the newest of the lowest class goes.
    let high = ok_task(&d, "x", &prio(5), 10.0, 4, &log);
    assert_eq!(d.status(low_new), Some(Status::Dropped));
    assert_eq!(err_code(&r_new), Some(ErrorCode::QueueFull));
    let msg = r_new.borrow().as_ref().and_then(|o| o.as_ref().err().map(|e| e.error.message.clone())).unwrap_or_default();
    assert!(msg.contains("dropped") && msg.contains("drop_lowest"), "{msg}");
    // An arrival no better than the lowest waiting task is itself dropped (but gets an id).
    let lower = ok_task(&d, "x", &prio(1), 10.0, 5, &log);
    assert_eq!(d.status(lower), Some(Status::Dropped));
    assert_eq!(d.status(low_old), Some(Status::Queued));
    assert_eq!(d.status(high), Some(Status::Queued));
    assert_accounted(&d);
    env.advance_by(100.0);
    assert_eq!(*log.borrow(), vec![1, 4, 2]);
    let m = d.metrics();
    assert_eq!((m.counts.completed, m.counts.dropped, m.submitted), (3, 2, 5));
    assert_eq!(d.failed_summary().by_class.dropped, 2);
}

#[test]
fn timeout_aborts_the_attempt_and_drops_the_future() {
    let (env, d) = setup(cfg(2));
    let aborted = Rc::new(Cell::new(None));
    let dropped = Rc::new(Cell::new(false));
    struct Guard(Rc<Cell<bool>>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.set(true)
        }
    }
    let (a2, d2) = (aborted.clone(), dropped.clone());
    let id = d
        .submit_fn("hang", &SubmitOptions { timeout_ms: Some(50.0), ..Default::default() }, move |sig: AbortSignal| {
            let (a2, d2) = (a2.clone(), d2.clone());
            let sig2 = sig.clone();
            let _ = &sig;
            async move {
                let _g = Guard(d2);
                // Never finishes by itself; record the signal's reason when it fires.
                let r = sig2.aborted().await;
                a2.set(Some(r));
                futures::future::pending::<()>().await;
                Ok(0)
            }
        })
        .expect("accepted");
    let r = capture(&d, id);
    env.advance_to(49.0);
    assert_eq!(d.status(id), Some(Status::Running));
    env.advance_to(50.0);
    assert_eq!(d.status(id), Some(Status::TimedOut));
    assert_eq!(err_code(&r), Some(ErrorCode::Timeout));
    assert!(dropped.get(), "the hung future must be dropped so its work stops");
    let m = d.metrics();
    assert_eq!(m.counts.timed_out, 1);
    assert_eq!(m.run_time.max, 50.0);
    assert_eq!(d.failed_summary().by_class.timeout, 1);
    // The abort fired before the future was dropped? The select drops it right away; either way
    // the signal itself must carry the reason.
    let _ = aborted.get();
}

#[test]
fn abort_signal_reports_timeout_reason() {
    let (env, d) = setup(cfg(1));
    let seen = Rc::new(RefCell::new(None::<AbortSignal>));
    let s2 = seen.clone();
    d.submit_fn("hang", &SubmitOptions { timeout_ms: Some(5.0), ..Default::default() }, move |sig| {
        *s2.borrow_mut() = Some(sig);
        futures::future::pending::<Result<u64, String>>()
    })
    .expect("accepted");
    env.advance_by(10.0);
    let sig = seen.borrow().clone().expect("job ran");
    assert_eq!(sig.reason(), Some(AbortReason::Timeout));
}

#[test]
fn retries_use_seeded_exponential_backoff_with_jitter() {
    fn run(seed: u64) -> (Vec<f64>, Status) {
        let (env, d) = setup(DispatcherConfig {
            max_concurrent: 1,
            max_retries: 3,
            retry_delay_ms: 100.0,
            seed,
            ..Default::default()
        });
        let starts = Rc::new(RefCell::new(Vec::new()));
        let (s2, e2) = (starts.clone(), d.env().clone());
        let id = d
            .submit_fn("flaky", &SubmitOptions::default(), move |_| {
                let (s2, e2) = (s2.clone(), e2.clone());
                async move {
                    s2.borrow_mut().push(e2.now_ms());
                    if s2.borrow().len() < 4 {
                        Err("boom".to_string())
                    } else {
                        Ok(7)
                    }
                }
            })
            .expect("accepted");
        env.advance_by(10_000.0);
        let st = d.status(id).expect("known");
        let v = starts.borrow().clone();
        (v, st)
    }
    // Over many seeds every backoff lies in [base/2, base) and the jitter spans that range.
    let (mut lo, mut hi) = (f64::MAX, 0f64);
    for seed in 0..40 {
        let (a, st) = run(seed);
        assert_eq!(st, Status::Completed);
        assert_eq!(a.len(), 4);
        for k in 1..4 {
            let gap = a[k] - a[k - 1];
            let base = 100.0 * 2f64.powi(k as i32 - 1);
            assert!(gap >= base * 0.5 && gap < base, "seed {seed} retry {k}: gap {gap} not in [{}, {base})", base * 0.5);
            lo = lo.min(gap / base);
            hi = hi.max(gap / base);
        }
    }
    assert!(lo < 0.55 && hi > 0.95, "jitter factors span [{lo}, {hi}]");
    let (a, _) = run(1);
    assert_eq!(run(1).0, a, "same seed, same timing");
    assert_ne!(run(2).0, a, "different seed, different jitter");
}

#[test]
fn retries_exhausted_fail_with_task_failed_and_cause() {
    let (env, d) = setup(DispatcherConfig { max_retries: 2, retry_delay_ms: 0.0, ..cfg(1) });
    let calls = Rc::new(Cell::new(0));
    let c2 = calls.clone();
    let id = d
        .submit_fn("bad", &SubmitOptions::default(), move |_| {
            c2.set(c2.get() + 1);
            async { Err::<u64, _>("disk on fire".to_string()) }
        })
        .expect("accepted");
    let r = capture(&d, id);
    env.advance_by(1.0);
    assert_eq!(calls.get(), 3);
    assert_eq!(d.status(id), Some(Status::Failed));
    let o = r.borrow();
    let e = o.as_ref().and_then(|o| o.as_ref().err()).expect("failed");
    assert_eq!(e.error.code, ErrorCode::TaskFailed);
    assert!(e.error.message.contains("disk on fire") && e.error.message.contains("3 attempt"));
    assert_eq!(e.error.detail("attempts").and_then(|v| v.as_u64()), Some(3));
    let m = d.metrics();
    assert_eq!((m.retries, m.attempt_failures, m.counts.failed), (2, 3, 1));
    assert_eq!(d.failed_summary().by_class.exception, 1);
}

#[test]
fn timeouts_are_retried_too() {
    let (env, d) = setup(DispatcherConfig { max_retries: 1, retry_delay_ms: 10.0, ..cfg(1) });
    let calls = Rc::new(Cell::new(0));
    let (c2, e2) = (calls.clone(), d.env().clone());
    let id = d
        .submit_fn("slow-then-fast", &SubmitOptions { timeout_ms: Some(20.0), ..Default::default() }, move |_| {
            c2.set(c2.get() + 1);
            let n = c2.get();
            let e2 = e2.clone();
            async move {
                sleep(&e2, if n == 1 { 1000.0 } else { 5.0 }).await;
                Ok(n)
            }
        })
        .expect("accepted");
    env.advance_to(20.0);
    assert_eq!(d.status(id), Some(Status::Retrying));
    assert_eq!(d.counts().1.retrying, 1);
    assert_accounted(&d);
    env.advance_by(100.0);
    assert_eq!(d.status(id), Some(Status::Completed));
    assert_eq!(d.metrics().attempt_timeouts, 1);
}

#[test]
fn retry_requeues_behind_its_priority_class() {
    let (env, d) = setup(DispatcherConfig { max_retries: 1, retry_delay_ms: 0.0, ..cfg(1) });
    let log = Rc::new(RefCell::new(Vec::new()));
    let first = Rc::new(Cell::new(true));
    let (l2, f2) = (log.clone(), first.clone());
    d.pause();
    d.submit_fn("flaky", &prio(1), move |_| {
        let (l2, f2) = (l2.clone(), f2.clone());
        async move {
            l2.borrow_mut().push(100);
            if f2.replace(false) {
                Err("once".into())
            } else {
                Ok(100)
            }
        }
    })
    .expect("accepted");
    ok_task(&d, "same", &prio(1), 1.0, 1, &log);
    ok_task(&d, "lower", &prio(0), 1.0, 2, &log);
    d.resume();
    env.advance_by(100.0);
    // The retry goes behind the other priority-1 task but ahead of priority 0.
    assert_eq!(*log.borrow(), vec![100, 1, 100, 2]);
}

#[test]
fn cancel_queued_running_and_retrying() {
    let (env, d) = setup(DispatcherConfig { max_retries: 5, retry_delay_ms: 1000.0, ..cfg(1) });
    let sig_seen = Rc::new(RefCell::new(None::<AbortSignal>));
    let s2 = sig_seen.clone();
    let running = d
        .submit_fn("run", &SubmitOptions::default(), move |sig| {
            *s2.borrow_mut() = Some(sig);
            futures::future::pending()
        })
        .expect("accepted");
    let log = Rc::new(RefCell::new(Vec::new()));
    let queued = ok_task(&d, "q", &prio(0), 1.0, 1, &log);
    let rq = capture(&d, queued);
    env.advance_by(1.0);
    assert!(d.cancel(queued));
    assert_eq!(d.status(queued), Some(Status::Cancelled));
    assert_eq!(err_code(&rq), Some(ErrorCode::Cancelled));
    assert!(d.cancel(running));
    assert_eq!(sig_seen.borrow().as_ref().and_then(|s| s.reason()), Some(AbortReason::Cancelled));
    assert!(!d.cancel(running), "already finished");
    assert!(!d.cancel(9999), "unknown");
    let flaky = d.submit_fn("f", &SubmitOptions::default(), |_| async { Err::<u64, _>("x".to_string()) }).expect("ok");
    env.advance_by(1.0);
    assert_eq!(d.status(flaky), Some(Status::Retrying));
    assert!(d.cancel(flaky));
    assert_accounted(&d);
    assert_eq!(d.metrics().counts.cancelled, 3);
    assert!(log.borrow().is_empty());
    // Cancellation is not counted as a failure.
    assert_eq!(d.failed_summary().total, 0);
}

#[test]
fn pause_and_resume() {
    let (env, d) = setup(cfg(2));
    let log = Rc::new(RefCell::new(Vec::new()));
    d.pause();
    ok_task(&d, "p", &prio(0), 1.0, 1, &log);
    env.advance_by(50.0);
    assert!(log.borrow().is_empty());
    assert_eq!(d.counts().1.queued, 1);
    assert!(d.metrics().paused);
    d.resume();
    env.advance_by(50.0);
    assert_eq!(*log.borrow(), vec![1]);
    // Queue wait covers the paused time.
    assert_eq!(d.metrics().queue_wait.max, 50.0);
}

#[test]
fn reporter_is_bounded_and_clear_completed_by_age() {
    let (env, d) = setup(DispatcherConfig { reporter_size: 3, ..cfg(1) });
    let log = Rc::new(RefCell::new(Vec::new()));
    let ids: Vec<u64> = (0..5).map(|i| ok_task(&d, "r", &prio(0), 10.0, i, &log)).collect();
    env.advance_by(1000.0);
    let m = d.metrics();
    assert_eq!((m.reporter.size, m.reporter.evicted, m.counts.completed), (3, 2, 5));
    assert_eq!(d.status(ids[0]), None, "oldest evicted");
    let r = capture(&d, ids[0]);
    assert_eq!(err_code(&r), Some(ErrorCode::InvalidInput));
    let r4 = capture(&d, ids[4]);
    assert_eq!(r4.borrow().as_ref().and_then(|o| o.as_ref().ok().copied()), Some(4));
    // Finished at t = 30, 40, 50 (then time moved to 1000).
    assert_eq!(d.clear_completed(965.0), 1);
    assert_eq!(d.clear_completed(0.0), 2);
    assert_eq!(d.metrics().reporter.size, 0);
    assert_eq!(d.metrics().counts.completed, 5, "counters survive clearing");
    let unknown = capture(&d, 12345);
    assert_eq!(err_code(&unknown), Some(ErrorCode::InvalidInput));
}

#[test]
fn graceful_shutdown_drains_then_deadline_cancels() {
    let (env, d) = setup(cfg(1));
    let log = Rc::new(RefCell::new(Vec::new()));
    ok_task(&d, "s", &prio(0), 10.0, 1, &log);
    ok_task(&d, "s", &prio(0), 10.0, 2, &log);
    let slow = ok_task(&d, "s", &prio(0), 1000.0, 3, &log);
    let done = Rc::new(Cell::new(false));
    let d2 = done.clone();
    d.shutdown(true, Some(100.0), Box::new(move || d2.set(true)));
    let err = d.submit_fn("late", &SubmitOptions::default(), |_| async { Ok(0) }).expect_err("closed");
    assert_eq!(err.code, ErrorCode::Cancelled);
    env.advance_to(99.0);
    assert!(!done.get());
    assert_eq!(d.status(slow), Some(Status::Running));
    env.advance_to(100.0);
    assert!(done.get());
    assert_eq!(d.status(slow), Some(Status::Cancelled));
    let m = d.metrics();
    assert_eq!((m.counts.completed, m.counts.cancelled), (2, 1));
    assert!(m.shut_down && m.accounted());
}

#[test]
fn hard_shutdown_cancels_everything_now() {
    let (env, d) = setup(cfg(2));
    let log = Rc::new(RefCell::new(Vec::new()));
    for i in 0..5 {
        ok_task(&d, "h", &prio(0), 10.0, i, &log);
    }
    env.advance_by(1.0);
    let done = Rc::new(Cell::new(false));
    let d2 = done.clone();
    d.shutdown(false, None, Box::new(move || d2.set(true)));
    assert!(done.get());
    let m = d.metrics();
    assert_eq!((m.counts.cancelled, m.counts.completed, m.counts.running), (5, 0, 0));
    env.advance_by(100.0);
    assert_eq!(d.metrics().counts.completed, 0, "aborted futures never complete");
}

#[test]
fn metrics_percentiles_and_per_name() {
    let (env, d) = setup(cfg(1));
    let log = Rc::new(RefCell::new(Vec::new()));
    for i in 1..=100u64 {
        ok_task(&d, if i % 2 == 0 { "even" } else { "odd" }, &prio(0), i as f64, i, &log);
    }
    env.advance_by(100_000.0);
    let m = d.metrics();
    let close = |a: f64, b: f64| (a - b).abs() <= b * 0.011;
    assert!(close(m.run_time.p50, 50.0), "{}", m.run_time.p50);
    assert!(close(m.run_time.p95, 95.0), "{}", m.run_time.p95);
    assert!(close(m.run_time.p99, 99.0), "{}", m.run_time.p99);
    assert_eq!(m.run_time.max, 100.0);
    // The last task waited for the 99 before it: 1 + 2 + ... + 99.
    assert_eq!(m.queue_wait.max, 4950.0);
    assert_eq!(m.success_rate, Some(1.0));
    let even = &m.by_name["even"];
    assert_eq!((even.submitted, even.completed), (50, 50));
    assert_eq!(even.run_time.max, 100.0);
    assert_eq!(m.by_name["odd"].run_time.max, 99.0);
}

#[test]
fn success_rate_counts_failures_not_cancellations() {
    let (env, d) = setup(cfg(4));
    d.submit_fn("a", &SubmitOptions::default(), |_| async { Ok(1) }).expect("ok");
    d.submit_fn("a", &SubmitOptions::default(), |_| async { Err::<u64, _>("no".to_string()) }).expect("ok");
    let c = d.submit_fn("a", &SubmitOptions::default(), |_| futures::future::pending()).expect("ok");
    env.advance_by(1.0);
    d.cancel(c);
    assert_eq!(d.metrics().success_rate, Some(0.5));
}

#[test]
fn jobs_may_reenter_the_dispatcher() {
    let (env, d) = setup(cfg(1));
    let d2 = d.clone();
    let child = Rc::new(Cell::new(0u64));
    let c2 = child.clone();
    // The job submits a child and reads metrics while the dispatcher is starting it.
    d.submit_fn("parent", &SubmitOptions::default(), move |_| {
        let id = d2.submit_fn("child", &SubmitOptions::default(), |_| async { Ok(2) }).expect("ok");
        c2.set(id);
        let _ = d2.metrics();
        async { Ok(1) }
    })
    .expect("ok");
    // A job that cancels itself synchronously while being started.
    let d3 = d.clone();
    let me = Rc::new(Cell::new(0u64));
    let me2 = me.clone();
    let selfc = d
        .submit_fn("self-cancel", &SubmitOptions::default(), move |_| {
            d3.cancel(me2.get());
            futures::future::pending()
        })
        .expect("ok");
    me.set(selfc);
    env.advance_by(10.0);
    assert_eq!(d.status(child.get()), Some(Status::Completed));
    assert_eq!(d.status(selfc), Some(Status::Cancelled));
    assert_accounted(&d);
}

#[test]
fn one_host_timer_for_many_timeouts() {
    let (env, d) = setup(DispatcherConfig { default_timeout_ms: Some(1000.0), ..cfg(100) });
    let gates: Rc<RefCell<Vec<futures::channel::oneshot::Sender<()>>>> = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..100 {
        let g = gates.clone();
        d.submit_fn("gate", &SubmitOptions::default(), move |_| {
            let (tx, rx) = futures::channel::oneshot::channel();
            g.borrow_mut().push(tx);
            async move {
                let _ = rx.await;
                Ok(1)
            }
        })
        .expect("ok");
    }
    env.run_until_stalled();
    assert_eq!(env.pending_timers(), 1, "one timer for 100 timeouts");
    for tx in gates.borrow_mut().drain(..) {
        let _ = tx.send(());
    }
    env.run_until_stalled();
    assert_eq!(d.counts().1.completed, 100);
    assert_eq!(env.pending_timers(), 0, "no timer left once nothing can time out");
}

#[test]
fn no_timer_without_timeouts() {
    let (env, d) = setup(cfg(4));
    for _ in 0..100 {
        d.submit_fn("t", &SubmitOptions::default(), |_| async { Ok(1) }).expect("ok");
        assert_eq!(env.pending_timers(), 0);
    }
    env.run_until_stalled();
    assert_eq!(d.counts().1.completed, 100);
}

#[test]
fn config_from_json_validates() {
    use serde_json::json;
    let c = DispatcherConfig::from_json(&json!({"maxConcurrent": 16, "maxQueue": 10, "overflow": "drop_lowest",
        "defaultTimeoutMs": 500, "maxRetries": 2, "retryDelayMs": 10, "reporterSize": 5, "seed": 9}))
    .expect("valid");
    assert_eq!(c.max_concurrent, 16);
    assert_eq!(c.max_queue, Some(10));
    assert_eq!(c.overflow, Overflow::DropLowest);
    assert_eq!(c.default_timeout_ms, Some(500.0));
    for bad in [
        json!({"maxConcurrent": 0}),
        json!({"maxConcurrent": 1.5}),
        json!({"overflow": "drop_oldest"}),
        json!({"defaultTimeoutMs": -1}),
        json!({"maxConcurency": 3}),
        json!("fast"),
    ] {
        let e = DispatcherConfig::from_json(&bad).expect_err("invalid");
        assert_eq!(e.code, ErrorCode::InvalidParameter, "{bad}");
    }
    let (_env, d) = setup(cfg(1));
    let e = d
        .submit_fn("x", &SubmitOptions { timeout_ms: Some(f64::NAN), ..Default::default() }, |_| async { Ok(0) })
        .expect_err("bad timeout");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(d.metrics().submitted, 0);
}

/// 100,000 tasks: random priorities, durations, failures, hangs (caught by timeouts), cancels,
/// and a bounded queue with overflow; the invariant is checked after every step and from inside
/// running jobs, and every task ends in exactly one terminal status.
fn fault_storm(overflow: Overflow, seed: u64) {
    const N: usize = 100_000;
    let (env, d) = setup(DispatcherConfig {
        max_concurrent: 16,
        max_queue: Some(256),
        overflow,
        default_timeout_ms: Some(50.0),
        max_retries: 2,
        retry_delay_ms: 5.0,
        reporter_size: 1000,
        seed,
        ..Default::default()
    });
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ids = Vec::with_capacity(N);
    let mut rejected = 0u64;
    let peak = Rc::new(Cell::new(0usize));
    let live = Rc::new(Cell::new(0usize));
    let check = |d: &FutureDispatcher<u64>| {
        let (s, c): (u64, StatusCounts) = d.counts();
        assert_eq!(s, c.terminal() + c.queued + c.running, "{c:?}");
        assert!(c.running <= 16 && c.retrying <= c.queued);
    };
    for i in 0..N {
        let kind = rng.next_u32() % 100;
        let ms = 1.0 + (rng.next_u32() % 20) as f64;
        let p = (rng.next_u32() % 5) as i32;
        let (env2, d2, live2, peak2) = (d.env().clone(), d.clone(), live.clone(), peak.clone());
        let res = d.submit_fn("storm", &prio(p), move |_| {
            let (env2, d2, live2, peak2) = (env2.clone(), d2.clone(), live2.clone(), peak2.clone());
            async move {
                live2.set(live2.get() + 1);
                peak2.set(peak2.get().max(live2.get()));
                let (s, c) = d2.counts();
                assert_eq!(s, c.terminal() + c.queued + c.running);
                struct Dec(Rc<Cell<usize>>);
                impl Drop for Dec {
                    fn drop(&mut self) {
                        self.0.set(self.0.get() - 1)
                    }
                }
                let _dec = Dec(live2);
                match kind {
                    0..=69 => {
                        sleep(&env2, ms).await;
                        Ok(i as u64)
                    }
                    70..=84 => {
                        sleep(&env2, ms).await;
                        Err(format!("injected failure {i}"))
                    }
                    _ => {
                        // Hang: only the timeout ends it.
                        futures::future::pending::<()>().await;
                        Ok(0)
                    }
                }
            }
        });
        match res {
            Ok(id) => ids.push(id),
            Err(e) => {
                assert_eq!(e.code, ErrorCode::QueueFull);
                rejected += 1;
            }
        }
        check(&d);
        if rng.next_u32() % 50 == 0 {
            if let Some(&victim) = ids.get(rng.next_u32() as usize % ids.len().max(1)) {
                d.cancel(victim);
                check(&d);
            }
        }
        if i % 8 == 0 {
            env.advance_by(1.0);
            check(&d);
        }
        if i % 5000 == 0 {
            d.check_invariants().expect("bookkeeping");
        }
    }
    while env.pending_timers() > 0 {
        env.run_until_idle(1);
        check(&d);
    }
    let m = d.metrics();
    assert!(m.accounted());
    assert_eq!(m.submitted as usize, ids.len());
    assert_eq!(m.rejected, rejected);
    assert_eq!((m.counts.queued, m.counts.running), (0, 0), "everything finished");
    assert_eq!(m.counts.terminal(), m.submitted);
    assert!(m.counts.completed > 0 && m.counts.failed > 0 && m.counts.timed_out > 0 && m.counts.cancelled > 0);
    match overflow {
        Overflow::Reject => assert!(rejected > 0 && m.counts.dropped == 0),
        Overflow::DropLowest => assert!(rejected == 0 && m.counts.dropped > 0),
    }
    assert!(peak.get() <= 16);
    assert_eq!(live.get(), 0, "every hung future was dropped");
    assert!(m.reporter.size <= 1000);
    let f = d.failed_summary();
    assert_eq!(f.by_class.timeout, m.counts.timed_out);
    assert_eq!(f.by_class.exception, m.counts.failed);
    assert_eq!(f.by_class.dropped, m.counts.dropped);
    d.check_invariants().expect("bookkeeping");
}

#[test]
fn invariant_holds_for_100k_tasks_with_faults_drop_lowest() {
    fault_storm(Overflow::DropLowest, 42);
}

#[test]
fn invariant_holds_for_100k_tasks_with_faults_reject() {
    fault_storm(Overflow::Reject, 7);
}

#[test]
fn cancelled_waiting_tasks_leave_order_and_drop_policy_intact() {
    let (env, d) = setup(DispatcherConfig {
        max_concurrent: 1,
        max_queue: Some(150),
        overflow: Overflow::DropLowest,
        ..Default::default()
    });
    let log = Rc::new(RefCell::new(Vec::new()));
    d.pause();
    let ids: Vec<u64> = (0..300u64).map(|v| ok_task(&d, "o", &prio((v % 3) as i32), 1.0, v, &log)).collect();
    // 150 waiting: the other 150 arrivals each dropped the lowest/newest (or themselves).
    assert_eq!(d.counts().1.queued, 150);
    assert_eq!(d.metrics().counts.dropped, 150);
    // Cancel every other waiting task (enough to trigger compaction of the stale entries).
    let waiting: Vec<u64> = ids.iter().copied().filter(|&id| d.status(id) == Some(Status::Queued)).collect();
    for id in waiting.iter().step_by(2) {
        assert!(d.cancel(*id));
    }
    assert_accounted(&d);
    let survivors: Vec<u64> = waiting.iter().skip(1).step_by(2).copied().collect();
    d.resume();
    env.advance_by(10_000.0);
    // Values equal ids - 1; expected order: priority desc, then FIFO.
    let mut expected: Vec<u64> = survivors.iter().map(|id| id - 1).collect();
    expected.sort_by_key(|v| (std::cmp::Reverse(v % 3), *v));
    assert_eq!(*log.borrow(), expected);
    assert_accounted(&d);
}

#[test]
fn max_queue_counts_only_tasks_that_must_wait() {
    let (env, d) = setup(DispatcherConfig { max_concurrent: 2, max_queue: Some(0), ..Default::default() });
    let log = Rc::new(RefCell::new(Vec::new()));
    ok_task(&d, "z", &prio(0), 5.0, 1, &log);
    ok_task(&d, "z", &prio(0), 5.0, 2, &log);
    let e = d.submit_fn("z", &prio(0), |_| async { Ok(3) }).expect_err("no slot, no queue");
    assert_eq!(e.code, ErrorCode::QueueFull);
    env.advance_by(10.0);
    ok_task(&d, "z", &prio(0), 5.0, 4, &log);
    env.advance_by(10.0);
    assert_eq!(*log.borrow(), vec![1, 2, 4]);
}

#[test]
fn zero_delay_retries_of_a_synchronous_failure_yield_between_attempts() {
    let (env, d) = setup(DispatcherConfig { max_retries: 1_000_000, retry_delay_ms: 0.0, ..cfg(1) });
    let calls = Rc::new(Cell::new(0u32));
    let c2 = calls.clone();
    // A job that fails at once (its future is ready immediately) and would retry forever.
    let id = d
        .submit_fn("spin", &SubmitOptions::default(), move |_| {
            c2.set(c2.get() + 1);
            async { Err::<u64, _>("always".to_string()) }
        })
        .expect("ok");
    env.run_until_stalled();
    assert_eq!(calls.get(), 1, "the retry waits for a timer tick");
    env.run_until_idle(10);
    assert_eq!(calls.get(), 11, "one attempt per tick");
    assert!(d.cancel(id));
    assert_accounted(&d);
}
