//! The concurrency cap holds at every moment, also for work that can only be *asked* to stop
//! (JS functions): an aborted attempt keeps its slot until its function settles or the grace
//! period `abandonGraceMs` ends (then it is counted as abandoned and its late result ignored).
//! Per-name metrics are bounded, and evicted results answer RESULT_EVICTED.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use stratlab::runtime::clock::sleep;
use stratlab::runtime::dispatcher::{AttemptInfo, Failure, Handle, Runner, OTHER_NAMES};
use stratlab::runtime::{AbortReason, AbortSignal, Clock, Dispatcher, DispatcherConfig, Env, SubmitOptions, VirtualEnv};
use stratlab::ErrorCode;

/// A job: how long it runs, and whether it honours the abort signal.
#[derive(Clone)]
struct Job {
    ms: f64,
    honours_abort: bool,
}

/// Models a JS runner: `abort` only signals; the work keeps running until it notices (or not
/// at all) and then always reports its settlement, like a promise does.
struct PoliteRunner {
    env: Rc<dyn Env>,
    live: Rc<Cell<usize>>,
    peak: Rc<Cell<usize>>,
}

impl Runner for PoliteRunner {
    type Job = Job;
    type Value = u64;
    type Attempt = AbortSignal;
    const STOPS_ON_ABORT: bool = false;

    fn start(&self, job: &Job, info: AttemptInfo, handle: &Handle<Self>) -> Result<AbortSignal, Failure<u64>> {
        let signal = AbortSignal::new();
        let (env, live, peak, handle, job, sig) =
            (self.env.clone(), self.live.clone(), self.peak.clone(), handle.clone(), job.clone(), signal.clone());
        live.set(live.get() + 1);
        peak.set(peak.get().max(live.get()));
        self.env.spawn(Box::pin(async move {
            if job.honours_abort {
                let _ = futures::future::select(sleep(&env, job.ms), sig.aborted()).await;
            } else {
                sleep(&env, job.ms).await;
            }
            live.set(live.get() - 1);
            handle.settle(info.id, info.attempt, Ok(job.ms as u64));
        }));
        Ok(signal)
    }

    fn abort(&self, attempt: AbortSignal, reason: AbortReason) {
        // Deliver the abort asynchronously, as a JS AbortController's listeners would see it.
        let env = self.env.clone();
        self.env.spawn(Box::pin(async move {
            sleep(&env, 1.0).await;
            attempt.abort(reason);
        }));
    }
}

struct Rig {
    env: Rc<VirtualEnv>,
    d: Dispatcher<PoliteRunner>,
    live: Rc<Cell<usize>>,
    peak: Rc<Cell<usize>>,
}

fn rig(cfg: DispatcherConfig) -> Rig {
    let env = VirtualEnv::new(0.0);
    let denv: Rc<dyn Env> = env.clone();
    let (live, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let runner = PoliteRunner { env: denv.clone(), live: live.clone(), peak: peak.clone() };
    let d = Dispatcher::new(denv, runner, cfg).expect("valid config");
    Rig { env, d, live, peak }
}

fn timeout(ms: f64) -> SubmitOptions {
    SubmitOptions { timeout_ms: Some(ms), ..Default::default() }
}

/// Steps the virtual clock 1 ms at a time, checking the cap at every step.
fn run_checking_cap(r: &Rig, until: f64, cap: usize) {
    let mut t = <VirtualEnv as Clock>::now_ms(&r.env);
    while t < until {
        t += 1.0;
        r.env.advance_to(t);
        assert!(r.live.get() <= cap, "{} user functions running at t={t} with maxConcurrent {cap}", r.live.get());
    }
}

#[test]
fn timed_out_functions_keep_their_slot_until_they_settle() {
    let r = rig(DispatcherConfig { max_concurrent: 2, ..Default::default() });
    // Each task times out at 10 ms but honours the abort only 1 ms later: before the fix the
    // next tasks started at 10 ms while the aborted ones were still running (up to 4 at once).
    for _ in 0..20 {
        r.d.submit("slow", Job { ms: 50.0, honours_abort: true }, &timeout(10.0)).expect("accepted");
    }
    run_checking_cap(&r, 1_000.0, 2);
    assert_eq!(r.peak.get(), 2);
    let m = r.d.metrics();
    assert_eq!(m.counts.timed_out, 20);
    assert_eq!(m.lingering, 0);
    assert_eq!(m.abandoned, 0);
}

#[test]
fn functions_that_ignore_the_signal_hold_the_slot_for_the_grace_period_then_are_abandoned() {
    let cfg = DispatcherConfig { max_concurrent: 2, abandon_grace_ms: 100.0, ..Default::default() };
    let r = rig(cfg);
    for _ in 0..6 {
        r.d.submit("stubborn", Job { ms: 1_000.0, honours_abort: false }, &timeout(10.0)).expect("accepted");
    }
    // t = 10: both time out, both keep their slots; nothing else may start before t = 110.
    r.env.advance_to(50.0);
    let m = r.d.metrics();
    assert_eq!(m.counts.timed_out, 2);
    assert_eq!(m.counts.running, 0);
    assert_eq!(m.lingering, 2);
    assert_eq!(r.live.get(), 2);
    r.env.advance_to(109.0);
    assert_eq!(r.d.metrics().counts.running, 0, "a slot was released before the grace period ended");
    r.env.advance_to(111.0);
    let m = r.d.metrics();
    assert_eq!(m.abandoned, 2);
    assert_eq!(m.counts.running, 2);
    r.env.advance_to(2_000.0);
    let m = r.d.metrics();
    assert_eq!(m.counts.timed_out, 6);
    assert_eq!(m.abandoned, 6);
    assert!(m.accounted());
}

#[test]
fn a_cancelled_running_task_keeps_its_slot_until_it_settles() {
    let r = rig(DispatcherConfig { max_concurrent: 1, ..Default::default() });
    let a = r.d.submit("a", Job { ms: 30.0, honours_abort: false }, &SubmitOptions::default()).expect("accepted");
    let started_b = Rc::new(RefCell::new(None));
    let b = r.d.submit("b", Job { ms: 5.0, honours_abort: true }, &SubmitOptions::default()).expect("accepted");
    r.env.advance_to(5.0);
    assert!(r.d.cancel(a));
    r.env.advance_to(29.0);
    assert_eq!(r.d.status(b), Some(stratlab::runtime::Status::Queued), "b started while a was still running");
    r.env.advance_to(31.0);
    *started_b.borrow_mut() = r.d.status(b);
    assert_eq!(*started_b.borrow(), Some(stratlab::runtime::Status::Running));
    assert!(r.peak.get() <= 1);
}

#[test]
fn per_name_metrics_are_bounded() {
    let cfg = DispatcherConfig { max_concurrent: 8, max_tracked_names: 16, ..Default::default() };
    let r = rig(cfg);
    for i in 0..20_000 {
        r.d.submit(&format!("fetch:https://example.com/{i}"), Job { ms: 1.0, honours_abort: true }, &SubmitOptions::default())
            .expect("accepted");
    }
    r.env.advance_to(10_000.0);
    let m = r.d.metrics();
    assert_eq!(m.by_name.len(), 17, "16 names plus the aggregate bucket");
    let other = &m.by_name[OTHER_NAMES];
    assert_eq!(other.submitted, 20_000 - 16);
    assert_eq!(other.completed, 20_000 - 16);
    assert_eq!(m.counts.completed, 20_000);
}

#[test]
fn evicted_results_answer_result_evicted() {
    let cfg = DispatcherConfig { max_concurrent: 4, reporter_size: 2, ..Default::default() };
    let r = rig(cfg);
    let ids: Vec<u64> = (0..5)
        .map(|_| r.d.submit("t", Job { ms: 1.0, honours_abort: true }, &SubmitOptions::default()).expect("accepted"))
        .collect();
    r.env.advance_to(100.0);
    let got = Rc::new(RefCell::new(None));
    let g = got.clone();
    r.d.on_result(ids[0], Box::new(move |o| *g.borrow_mut() = o.err().map(|e| e.error.code)));
    assert_eq!(*got.borrow(), Some(ErrorCode::ResultEvicted));
    let g = got.clone();
    r.d.on_result(999, Box::new(move |o| *g.borrow_mut() = o.err().map(|e| e.error.code)));
    assert_eq!(*got.borrow(), Some(ErrorCode::InvalidInput));
}
