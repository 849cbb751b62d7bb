//! Scheduler rules on a virtual clock, including a host whose timers fire late.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use stratlab::runtime::clock::{sleep, Clock, Env, TimerId};
use stratlab::runtime::dispatcher::JobFn;
use stratlab::runtime::scheduler::{JobOptions, DAY_MS};
use stratlab::runtime::{
    DispatcherConfig, FutureDispatcher, MissedRunPolicy, Schedule, Scheduler, Status, VirtualEnv,
};
use stratlab::ErrorCode;

/// 2026-11-22T09:00:00Z, a Sunday.
const SUN_0900: f64 = 1_795_338_000_000.0;

/// A host whose timers fire `lag` ms late, like a busy or throttled browser tab.
struct Laggy {
    env: Rc<VirtualEnv>,
    lag: Cell<f64>,
}
impl Clock for Laggy {
    fn now_ms(&self) -> f64 {
        self.env.now_ms()
    }
    fn wall_ms(&self) -> f64 {
        self.env.wall_ms()
    }
}
impl Env for Laggy {
    fn set_timer(&self, at_ms: f64, cb: Box<dyn FnOnce()>) -> TimerId {
        self.env.set_timer(at_ms + self.lag.get(), cb)
    }
    fn clear_timer(&self, id: TimerId) {
        self.env.clear_timer(id)
    }
    fn spawn(&self, fut: futures::future::LocalBoxFuture<'static, ()>) {
        self.env.spawn(fut)
    }
}

struct Rig {
    env: Rc<VirtualEnv>,
    laggy: Rc<Laggy>,
    d: FutureDispatcher<u64>,
    s: Scheduler<stratlab::runtime::FutureRunner<u64>>,
    starts: Rc<RefCell<Vec<f64>>>,
    live: Rc<Cell<u32>>,
    peak: Rc<Cell<u32>>,
}

fn rig(wall_start: f64) -> Rig {
    let env = VirtualEnv::new(wall_start);
    let laggy = Rc::new(Laggy { env: env.clone(), lag: Cell::new(0.0) });
    let denv: Rc<dyn Env> = laggy.clone();
    let d = FutureDispatcher::for_futures(denv, DispatcherConfig { max_concurrent: 8, ..Default::default() }).expect("ok");
    let s = Scheduler::new(d.clone(), 1000.0).expect("ok");
    Rig {
        env,
        laggy,
        d,
        s,
        starts: Rc::new(RefCell::new(Vec::new())),
        live: Rc::new(Cell::new(0)),
        peak: Rc::new(Cell::new(0)),
    }
}

/// A job that logs its wall start time, runs `ms`, and tracks overlap.
fn job(r: &Rig, ms: f64) -> JobFn<u64> {
    let (starts, live, peak, env) = (r.starts.clone(), r.live.clone(), r.peak.clone(), r.d.env().clone());
    Rc::new(move |_sig| {
        let (starts, live, peak, env) = (starts.clone(), live.clone(), peak.clone(), env.clone());
        Box::pin(async move {
            starts.borrow_mut().push(env.wall_ms());
            live.set(live.get() + 1);
            peak.set(peak.get().max(live.get()));
            sleep(&env, ms).await;
            live.set(live.get() - 1);
            Ok(1)
        })
    })
}

fn opts(missed: MissedRunPolicy) -> JobOptions {
    JobOptions { missed, ..Default::default() }
}

#[test]
fn next_deadline_math() {
    let iv = Schedule::Interval { every_ms: 100.0, anchor_ms: Some(1000.0) };
    assert_eq!(iv.next_after(500.0), 1000.0);
    assert_eq!(iv.next_after(1000.0), 1100.0);
    assert_eq!(iv.next_after(1234.0), 1300.0);
    let daily = Schedule::Daily { at_ms: 9.5 * 3_600_000.0 };
    assert_eq!(daily.next_after(SUN_0900), SUN_0900 + 1_800_000.0);
    assert_eq!(daily.next_after(SUN_0900 + 1_800_000.0), SUN_0900 + 1_800_000.0 + DAY_MS);
    // Wednesday 08:00 from Sunday 09:00 = 2 days 23 hours later.
    let weekly = Schedule::Weekly { weekday: 3, at_ms: 8.0 * 3_600_000.0 };
    assert_eq!(weekly.next_after(SUN_0900), SUN_0900 + 2.0 * DAY_MS + 23.0 * 3_600_000.0);
    // Sunday 08:00 already passed today: next week.
    let sunday = Schedule::Weekly { weekday: 0, at_ms: 8.0 * 3_600_000.0 };
    assert_eq!(sunday.next_after(SUN_0900), SUN_0900 + 7.0 * DAY_MS - 3_600_000.0);
}

#[test]
fn schedule_parsing() {
    use serde_json::json;
    assert_eq!(
        Schedule::from_json(&json!({"everyMs": 250})).expect("ok"),
        Schedule::Interval { every_ms: 250.0, anchor_ms: None }
    );
    assert_eq!(Schedule::from_json(&json!({"daily": "09:30"})).expect("ok"), Schedule::Daily { at_ms: 34_200_000.0 });
    assert_eq!(
        Schedule::from_json(&json!({"weekly": "Friday 17:00:30"})).expect("ok"),
        Schedule::Weekly { weekday: 5, at_ms: 61_230_000.0 }
    );
    for bad in [json!({"everyMs": 0}), json!({"daily": "25:00"}), json!({"weekly": "funday 10:00"}), json!({"cron": "* * *"}), json!(5)] {
        assert_eq!(Schedule::from_json(&bad).expect_err("bad").code, ErrorCode::InvalidParameter, "{bad}");
    }
    assert_eq!(MissedRunPolicy::parse("catch_up_once").expect("ok"), MissedRunPolicy::CatchUpOnce);
    assert!(MissedRunPolicy::parse("later").is_err());
}

#[test]
fn interval_deadlines_are_absolute_despite_late_timers() {
    let r = rig(SUN_0900);
    r.laggy.lag.set(30.0);
    let id = r.s.add_job("tick", job(&r, 1.0), Schedule::Interval { every_ms: 100.0, anchor_ms: None }, JobOptions::default()).expect("ok");
    r.s.start();
    r.env.advance_by(1000.0);
    let starts: Vec<f64> = r.starts.borrow().iter().map(|t| t - SUN_0900).collect();
    // Each firing is 30 ms late, but the next deadline is still on the 100 ms grid: drift does
    // not accumulate (period-adding would give 130, 260, 390, ...).
    assert_eq!(starts[..5], [130.0, 230.0, 330.0, 430.0, 530.0]);
    let info = r.s.job(id).expect("job");
    assert_eq!(info.timer_lag.p50.round(), 30.0);
    assert_eq!(info.timer_lag.max, 30.0);
    assert_eq!(info.skipped_missed, 0);
    assert_eq!(r.s.timer_lag().count, info.timer_lag.count);
    // The runs went through the dispatcher.
    assert_eq!(r.d.metrics().by_name["tick"].completed, info.completed);
    assert_eq!(info.runs, 9);
}

#[test]
fn missed_runs_skip_or_catch_up_once() {
    for policy in [MissedRunPolicy::Skip, MissedRunPolicy::CatchUpOnce] {
        let r = rig(SUN_0900);
        let id = r.s.add_job("m", job(&r, 1.0), Schedule::Interval { every_ms: 10_000.0, anchor_ms: None }, opts(policy)).expect("ok");
        r.s.start();
        // The loop stalls: the first firing comes 55 s late, past 5 more deadlines.
        r.laggy.lag.set(0.0);
        r.env.advance_by(5_000.0);
        r.laggy.lag.set(55_000.0);
        // Re-arm with the lag: stop/start keeps the same absolute grid (anchor = add time).
        r.s.stop();
        r.s.start();
        r.env.advance_to(70_000.0);
        let info = r.s.job(id).expect("job");
        match policy {
            MissedRunPolicy::Skip => {
                assert_eq!(info.runs, 0);
                assert_eq!(info.skipped_missed, 6);
            }
            MissedRunPolicy::CatchUpOnce => {
                assert_eq!(info.runs, 1);
                assert_eq!(info.caught_up, 1);
                assert_eq!(info.skipped_missed, 5);
            }
        }
        // The next deadline is back on the grid, after the late wake-up.
        assert_eq!(info.next_run_at, Some(SUN_0900 + 70_000.0));
    }
}

#[test]
fn never_two_runs_of_one_job_at_once() {
    for policy in [MissedRunPolicy::Skip, MissedRunPolicy::CatchUpOnce] {
        let r = rig(SUN_0900);
        let id = r.s.add_job("slow", job(&r, 250.0), Schedule::Interval { every_ms: 100.0, anchor_ms: None }, opts(policy)).expect("ok");
        r.s.start();
        r.env.advance_by(1000.0);
        assert_eq!(r.peak.get(), 1, "overlapping runs");
        let info = r.s.job(id).expect("job");
        assert!(info.skipped_overlap >= 5, "{info:?}");
        let starts: Vec<f64> = r.starts.borrow().iter().map(|t| t - SUN_0900).collect();
        match policy {
            // 100 runs to 350; deadlines 200, 300 skipped; 400 runs; ...
            MissedRunPolicy::Skip => assert_eq!(starts[..3], [100.0, 400.0, 700.0]),
            // Catch up once right when the previous run ends.
            MissedRunPolicy::CatchUpOnce => assert_eq!(starts[..3], [100.0, 350.0, 600.0]),
        }
        assert_eq!(r.s.run_now(id), None, "already running");
    }
}

#[test]
fn daily_and_weekly_at_utc_wall_times() {
    let r = rig(SUN_0900);
    let daily = r.s.add_job("daily", job(&r, 1.0), Schedule::Daily { at_ms: 9.5 * 3_600_000.0 }, JobOptions::default()).expect("ok");
    let weekly = r.s.add_job("weekly", job(&r, 1.0), Schedule::Weekly { weekday: 1, at_ms: 0.0 }, JobOptions::default()).expect("ok");
    r.s.start();
    assert_eq!(r.s.job(daily).and_then(|j| j.next_run_at), Some(SUN_0900 + 1_800_000.0));
    r.env.advance_by(3.0 * DAY_MS);
    let starts: Vec<f64> = r.starts.borrow().iter().map(|t| t - SUN_0900).collect();
    // Daily: today, tomorrow and the day after at 09:30; weekly: Monday 00:00 (15 h later).
    assert_eq!(starts, vec![1_800_000.0, 15.0 * 3_600_000.0, 1_800_000.0 + DAY_MS, 1_800_000.0 + 2.0 * DAY_MS]);
    assert_eq!(r.s.job(weekly).map(|j| j.completed), Some(1));
    assert_eq!(r.s.job(weekly).and_then(|j| j.next_run_at), Some(SUN_0900 + 8.0 * DAY_MS - 9.0 * 3_600_000.0));
}

#[test]
fn stop_disarms_and_start_rearms() {
    let r = rig(SUN_0900);
    let id = r.s.add_job("t", job(&r, 1.0), Schedule::Interval { every_ms: 100.0, anchor_ms: None }, JobOptions::default()).expect("ok");
    r.env.advance_by(1000.0);
    assert_eq!(r.starts.borrow().len(), 0, "not started");
    r.s.start();
    r.env.advance_by(250.0);
    assert_eq!(r.starts.borrow().len(), 2);
    r.s.stop();
    r.env.advance_by(1000.0);
    assert_eq!(r.starts.borrow().len(), 2);
    assert_eq!(r.s.job(id).and_then(|j| j.next_run_at), None);
    r.s.start();
    r.env.advance_by(100.0);
    assert_eq!(r.starts.borrow().len(), 3);
    assert!(r.s.remove_job(id));
    r.env.advance_by(1000.0);
    assert_eq!(r.starts.borrow().len(), 3);
    assert!(!r.s.remove_job(id));
}

#[test]
fn failed_runs_and_refused_submits_are_counted() {
    let r = rig(SUN_0900);
    let failing: JobFn<u64> = Rc::new(|_| Box::pin(async { Err("nope".to_string()) }));
    let id = r.s.add_job("f", failing, Schedule::Interval { every_ms: 100.0, anchor_ms: None }, JobOptions::default()).expect("ok");
    r.s.start();
    r.env.advance_by(300.0);
    let info = r.s.job(id).expect("job");
    assert_eq!((info.runs, info.failed, info.completed), (3, 3, 0));
    assert_eq!(info.last_status, Some(Status::Failed));
    assert!(info.last_error.unwrap_or_default().contains("nope"));
    r.d.shutdown(false, None, Box::new(|| {}));
    r.env.advance_by(100.0);
    let info = r.s.job(id).expect("job");
    assert_eq!((info.runs, info.failed), (4, 4), "a refused submit counts as a failed run");
}
