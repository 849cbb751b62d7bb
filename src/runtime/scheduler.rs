//! Interval, daily and weekly jobs, run through a [`Dispatcher`].
//!
//! Deadlines are absolute: the next one is computed from the schedule and the wall clock (UTC),
//! never by adding the period to the last firing, so timer drift and clamping (background tabs,
//! busy loops) do not accumulate. A firing later than the grace period is a missed run, handled by
//! the job's [`MissedRunPolicy`]. A job never has two runs at once: a deadline that arrives while
//! the previous run is still going is skipped (or, with `CatchUpOnce`, run once right after it).

use super::clock::{Env, TimerId};
use super::dispatcher::{Dispatcher, Runner, Status, SubmitOptions, TaskId};
use super::metrics::{Histogram, LatencySummary};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

pub const DAY_MS: f64 = 86_400_000.0;
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEKDAY_NAMES: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/// When a job is due. Wall-clock schedules are in UTC.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Every `every_ms`, on the grid `anchor_ms + k * every_ms` (anchor: `startAt`, or the time
    /// the job was added).
    Interval { every_ms: f64, anchor_ms: Option<f64> },
    /// Every day at `at_ms` after midnight UTC.
    Daily { at_ms: f64 },
    /// Every week on `weekday` (0 = Sunday) at `at_ms` after midnight UTC.
    Weekly { weekday: u8, at_ms: f64 },
}

fn parse_time_of_day(s: &str) -> Result<f64> {
    let bad = || {
        Error::invalid_parameter(format!("time of day must be 'HH:MM' or 'HH:MM:SS' (UTC, 24 h), got '{s}'"))
            .with("parameter", "schedule")
    };
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(bad());
    }
    let mut vals = [0u32; 3];
    for (i, p) in parts.iter().enumerate() {
        vals[i] = p.parse().map_err(|_| bad())?;
    }
    if vals[0] > 23 || vals[1] > 59 || vals[2] > 59 {
        return Err(bad());
    }
    Ok(f64::from(vals[0] * 3_600_000 + vals[1] * 60_000 + vals[2] * 1000))
}

fn parse_weekday(s: &str) -> Result<u8> {
    let l = s.trim().to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .zip(WEEKDAY_NAMES.iter())
        .position(|(short, long)| l == *short || l == *long)
        .map(|i| i as u8)
        .ok_or_else(|| {
            Error::invalid_parameter(format!("weekday must be one of sun, mon, tue, wed, thu, fri, sat, got '{s}'"))
                .with("parameter", "schedule")
        })
}

impl Schedule {
    /// Reads `{everyMs, startAt?}`, `{daily: 'HH:MM[:SS]'}` or `{weekly: 'Mon HH:MM[:SS]'}`.
    pub fn from_json(v: &Value) -> Result<Self> {
        let bad = || {
            Error::invalid_parameter(format!(
                "schedule must be {{everyMs, startAt?}}, {{daily: 'HH:MM'}} or {{weekly: 'Mon HH:MM'}} (UTC), got {v}"
            ))
            .with("parameter", "schedule")
        };
        let obj = v.as_object().ok_or_else(bad)?;
        if obj.len() > 2 {
            return Err(bad());
        }
        if let Some(e) = obj.get("everyMs") {
            let every = e.as_f64().filter(|x| x.is_finite() && *x >= 1.0).ok_or_else(|| {
                Error::invalid_parameter(format!("schedule.everyMs must be a number of milliseconds >= 1, got {e}"))
                    .with("parameter", "everyMs")
            })?;
            let anchor = match obj.get("startAt") {
                None | Some(Value::Null) => None,
                Some(a) => Some(a.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                    Error::invalid_parameter(format!("schedule.startAt must be epoch milliseconds, got {a}"))
                        .with("parameter", "startAt")
                })?),
            };
            if obj.keys().any(|k| k != "everyMs" && k != "startAt") {
                return Err(bad());
            }
            return Ok(Schedule::Interval { every_ms: every, anchor_ms: anchor });
        }
        if obj.len() != 1 {
            return Err(bad());
        }
        if let Some(d) = obj.get("daily").and_then(Value::as_str) {
            return Ok(Schedule::Daily { at_ms: parse_time_of_day(d)? });
        }
        if let Some(w) = obj.get("weekly").and_then(Value::as_str) {
            let mut it = w.split_whitespace();
            let (day, at) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
            if it.next().is_some() {
                return Err(bad());
            }
            return Ok(Schedule::Weekly { weekday: parse_weekday(day)?, at_ms: parse_time_of_day(at)? });
        }
        Err(bad())
    }

    /// The first deadline strictly after wall time `t` (epoch ms, UTC).
    pub fn next_after(&self, t: f64) -> f64 {
        match *self {
            Schedule::Interval { every_ms, anchor_ms } => {
                let anchor = anchor_ms.unwrap_or(t);
                if t < anchor {
                    anchor
                } else {
                    anchor + (((t - anchor) / every_ms).floor() + 1.0) * every_ms
                }
            }
            Schedule::Daily { at_ms } => {
                let cand = (t / DAY_MS).floor() * DAY_MS + at_ms;
                if cand > t {
                    cand
                } else {
                    cand + DAY_MS
                }
            }
            Schedule::Weekly { weekday, at_ms } => {
                let day = (t / DAY_MS).floor();
                // 1970-01-01 was a Thursday (4).
                let today = ((day as i64 + 4).rem_euclid(7)) as f64;
                let ahead = (f64::from(weekday) - today).rem_euclid(7.0);
                let cand = (day + ahead) * DAY_MS + at_ms;
                if cand > t {
                    cand
                } else {
                    cand + 7.0 * DAY_MS
                }
            }
        }
    }

    /// The period, for the grace cap and missed-run counting.
    fn period_ms(&self) -> f64 {
        match *self {
            Schedule::Interval { every_ms, .. } => every_ms,
            Schedule::Daily { .. } => DAY_MS,
            Schedule::Weekly { .. } => 7.0 * DAY_MS,
        }
    }

    pub fn describe(&self) -> String {
        let tod = |ms: f64| {
            let s = (ms / 1000.0) as u64;
            format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        };
        match *self {
            Schedule::Interval { every_ms, .. } => format!("every {every_ms} ms"),
            Schedule::Daily { at_ms } => format!("daily at {} UTC", tod(at_ms)),
            Schedule::Weekly { weekday, at_ms } => {
                format!("weekly on {} at {} UTC", WEEKDAYS[weekday as usize % 7], tod(at_ms))
            }
        }
    }
}

/// What to do when a deadline was missed (the timer fired later than the grace period).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedRunPolicy {
    /// Drop the missed run(s); wait for the next deadline.
    Skip,
    /// Run once now for all missed deadlines, then follow the schedule.
    CatchUpOnce,
}

impl MissedRunPolicy {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "skip" => Ok(MissedRunPolicy::Skip),
            "catch_up_once" | "catchUpOnce" => Ok(MissedRunPolicy::CatchUpOnce),
            other => Err(Error::invalid_parameter(format!(
                "option 'missed' must be 'skip' or 'catch_up_once', got '{other}'"
            ))
            .with("parameter", "missed")),
        }
    }
}

#[derive(Clone, Debug)]
pub struct JobOptions {
    pub submit: SubmitOptions,
    pub missed: MissedRunPolicy,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions { submit: SubmitOptions::default(), missed: MissedRunPolicy::Skip }
    }
}

/// A job as reported by `jobs()`. Times are epoch ms (UTC).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobInfo {
    pub id: u64,
    pub name: String,
    pub schedule: String,
    pub missed: MissedRunPolicy,
    pub next_run_at: Option<f64>,
    pub running: bool,
    /// Runs submitted to the dispatcher.
    pub runs: u64,
    pub completed: u64,
    /// Runs that ended in failed / timed_out / cancelled / dropped, or were refused by the
    /// dispatcher (queue full, shut down).
    pub failed: u64,
    pub skipped_missed: u64,
    pub skipped_overlap: u64,
    pub caught_up: u64,
    pub last_run_at: Option<f64>,
    pub last_status: Option<Status>,
    pub last_error: Option<String>,
    /// How late the timer fired relative to the deadline (ms).
    pub timer_lag: LatencySummary,
}

struct Job<R: Runner> {
    name: String,
    job: R::Job,
    schedule: Schedule,
    opts: JobOptions,
    next_at: Option<f64>,
    timer: Option<TimerId>,
    running: Option<TaskId>,
    pending_catch_up: bool,
    runs: u64,
    completed: u64,
    failed: u64,
    skipped_missed: u64,
    skipped_overlap: u64,
    caught_up: u64,
    last_run_at: Option<f64>,
    last_status: Option<Status>,
    last_error: Option<String>,
    lag: Histogram,
}

struct State<R: Runner> {
    jobs: BTreeMap<u64, Job<R>>,
    next_id: u64,
    started: bool,
    grace_ms: f64,
    lag: Histogram,
}

struct Inner<R: Runner> {
    dispatcher: Dispatcher<R>,
    env: Rc<dyn Env>,
    me: Weak<Inner<R>>,
    state: RefCell<State<R>>,
}

pub struct Scheduler<R: Runner> {
    inner: Rc<Inner<R>>,
}

impl<R: Runner> Clone for Scheduler<R> {
    fn clone(&self) -> Self {
        Scheduler { inner: self.inner.clone() }
    }
}

/// Default tolerance before a late firing counts as missed; capped at half the period.
pub const DEFAULT_GRACE_MS: f64 = 1000.0;

impl<R: Runner> Inner<R> {
    fn arm(&self, id: u64, job: &mut Job<R>) {
        if let Some(t) = job.timer.take() {
            self.env.clear_timer(t);
        }
        let Some(at_wall) = job.next_at else { return };
        // Convert the wall deadline to the monotonic timer base at arming time.
        let at = self.env.now_ms() + (at_wall - self.env.wall_ms());
        let me = self.me.clone();
        job.timer = Some(self.env.set_timer(
            at,
            Box::new(move || {
                if let Some(inner) = me.upgrade() {
                    inner.on_fire(id);
                }
            }),
        ));
    }

    fn on_fire(&self, id: u64) {
        let now = self.env.wall_ms();
        let run = {
            let mut st = self.state.borrow_mut();
            let grace = st.grace_ms;
            let started = st.started;
            let Some(job) = st.jobs.get_mut(&id) else { return };
            job.timer = None;
            let Some(due) = job.next_at else { return };
            if !started {
                return;
            }
            if due - now > 1.0 {
                // Woke early (long delays are split, clocks adjusted): wait for the deadline.
                self.arm(id, job);
                return;
            }
            let lag = (now - due).max(0.0);
            job.lag.record(lag);
            // Deadlines after `due` that have also passed.
            let mut extra = 0u64;
            let mut t = due;
            loop {
                let n = job.schedule.next_after(t);
                if n > now || extra >= 1_000_000 {
                    break;
                }
                extra += 1;
                t = n;
            }
            let late = lag > grace.min(job.schedule.period_ms() / 2.0);
            let run = if job.running.is_some() {
                job.skipped_overlap += 1 + extra;
                if job.opts.missed == MissedRunPolicy::CatchUpOnce {
                    job.pending_catch_up = true;
                }
                false
            } else if !late {
                job.skipped_missed += extra;
                true
            } else {
                match job.opts.missed {
                    MissedRunPolicy::Skip => {
                        job.skipped_missed += 1 + extra;
                        false
                    }
                    MissedRunPolicy::CatchUpOnce => {
                        job.skipped_missed += extra;
                        job.caught_up += 1;
                        true
                    }
                }
            };
            job.next_at = Some(job.schedule.next_after(now));
            self.arm(id, job);
            st.lag.record(lag);
            run
        };
        if run {
            self.run(id);
        }
    }

    /// Submits one run of job `id` (no borrow held while the dispatcher starts it).
    fn run(&self, id: u64) -> Option<TaskId> {
        let (name, job, opts) = {
            let mut st = self.state.borrow_mut();
            let j = st.jobs.get_mut(&id)?;
            if j.running.is_some() {
                return None;
            }
            // Reserve the slot before submitting: the job may re-enter the scheduler.
            j.running = Some(0);
            (j.name.clone(), j.job.clone(), j.opts.submit.clone())
        };
        let now = self.env.wall_ms();
        match self.dispatcher.submit(&name, job, &opts) {
            Ok(tid) => {
                if let Some(j) = self.state.borrow_mut().jobs.get_mut(&id) {
                    j.running = Some(tid);
                    j.runs += 1;
                    j.last_run_at = Some(now);
                }
                let me = self.me.clone();
                self.dispatcher.on_result(
                    tid,
                    Box::new(move |outcome| {
                        if let Some(inner) = me.upgrade() {
                            let err = outcome.err().map(|e| e.error.message);
                            inner.finished(id, tid, err);
                        }
                    }),
                );
                Some(tid)
            }
            Err(e) => {
                if let Some(j) = self.state.borrow_mut().jobs.get_mut(&id) {
                    j.running = None;
                    j.runs += 1;
                    j.failed += 1;
                    j.last_run_at = Some(now);
                    j.last_error = Some(e.message);
                }
                None
            }
        }
    }

    fn finished(&self, id: u64, tid: TaskId, err: Option<String>) {
        let status = self.dispatcher.status(tid);
        let again = {
            let mut st = self.state.borrow_mut();
            let started = st.started;
            let Some(j) = st.jobs.get_mut(&id) else { return };
            if j.running == Some(tid) {
                j.running = None;
            }
            j.last_status = status;
            match err {
                None => j.completed += 1,
                Some(m) => {
                    j.failed += 1;
                    j.last_error = Some(m);
                }
            }
            let again = started && std::mem::take(&mut j.pending_catch_up);
            if again {
                j.caught_up += 1;
            }
            again
        };
        if again {
            self.run(id);
        }
    }
}

impl<R: Runner> Scheduler<R> {
    pub fn new(dispatcher: Dispatcher<R>, grace_ms: f64) -> Result<Self> {
        let grace_ms = super::check_ms("graceMs", grace_ms, 0.0)?;
        let env = dispatcher.env().clone();
        let inner = Rc::new_cyclic(|me| Inner {
            dispatcher,
            env,
            me: me.clone(),
            state: RefCell::new(State {
                jobs: BTreeMap::new(),
                next_id: 1,
                started: false,
                grace_ms,
                lag: Histogram::new(),
            }),
        });
        Ok(Scheduler { inner })
    }

    /// Adds a job; if the scheduler is started it is armed at once. Returns the job id.
    pub fn add_job(&self, name: &str, job: R::Job, mut schedule: Schedule, opts: JobOptions) -> Result<u64> {
        if let Some(t) = opts.submit.timeout_ms {
            if !(t.is_finite() && t > 0.0) {
                return Err(Error::invalid_parameter(format!("option 'timeoutMs' must be > 0, got {t}"))
                    .with("parameter", "timeoutMs"));
            }
        }
        if let Schedule::Interval { anchor_ms, .. } = &mut schedule {
            anchor_ms.get_or_insert(self.inner.env.wall_ms());
        }
        let mut st = self.inner.state.borrow_mut();
        let id = st.next_id;
        st.next_id += 1;
        let mut j = Job {
            name: name.to_string(),
            job,
            schedule,
            opts,
            next_at: None,
            timer: None,
            running: None,
            pending_catch_up: false,
            runs: 0,
            completed: 0,
            failed: 0,
            skipped_missed: 0,
            skipped_overlap: 0,
            caught_up: 0,
            last_run_at: None,
            last_status: None,
            last_error: None,
            lag: Histogram::new(),
        };
        if st.started {
            j.next_at = Some(j.schedule.next_after(self.inner.env.wall_ms()));
            self.inner.arm(id, &mut j);
        }
        st.jobs.insert(id, j);
        Ok(id)
    }

    /// Removes a job (a run in progress finishes normally). False if unknown.
    pub fn remove_job(&self, id: u64) -> bool {
        let removed = self.inner.state.borrow_mut().jobs.remove(&id);
        match removed {
            Some(mut j) => {
                if let Some(t) = j.timer.take() {
                    self.inner.env.clear_timer(t);
                }
                true
            }
            None => false,
        }
    }

    /// Arms every job at its next deadline from now.
    pub fn start(&self) {
        let now = self.inner.env.wall_ms();
        let mut st = self.inner.state.borrow_mut();
        if st.started {
            return;
        }
        st.started = true;
        for (id, j) in st.jobs.iter_mut() {
            j.next_at = Some(j.schedule.next_after(now));
            self.inner.arm(*id, j);
        }
    }

    /// Disarms every job; runs in progress finish normally.
    pub fn stop(&self) {
        let mut st = self.inner.state.borrow_mut();
        st.started = false;
        for j in st.jobs.values_mut() {
            j.next_at = None;
            j.pending_catch_up = false;
            if let Some(t) = j.timer.take() {
                self.inner.env.clear_timer(t);
            }
        }
    }

    pub fn is_started(&self) -> bool {
        self.inner.state.borrow().started
    }

    /// Runs a job now, outside its schedule, unless it is already running.
    pub fn run_now(&self, id: u64) -> Option<TaskId> {
        self.inner.run(id)
    }

    pub fn job(&self, id: u64) -> Option<JobInfo> {
        let st = self.inner.state.borrow();
        st.jobs.get(&id).map(|j| info(id, j))
    }

    pub fn jobs(&self) -> Vec<JobInfo> {
        let st = self.inner.state.borrow();
        st.jobs.iter().map(|(id, j)| info(*id, j)).collect()
    }

    /// Timer lag over all jobs (ms).
    pub fn timer_lag(&self) -> LatencySummary {
        self.inner.state.borrow().lag.summary()
    }
}

fn info<R: Runner>(id: u64, j: &Job<R>) -> JobInfo {
    JobInfo {
        id,
        name: j.name.clone(),
        schedule: j.schedule.describe(),
        missed: j.opts.missed,
        next_run_at: j.next_at,
        running: j.running.is_some(),
        runs: j.runs,
        completed: j.completed,
        failed: j.failed,
        skipped_missed: j.skipped_missed,
        skipped_overlap: j.skipped_overlap,
        caught_up: j.caught_up,
        last_run_at: j.last_run_at,
        last_status: j.last_status,
        last_error: j.last_error.clone(),
        timer_lag: j.lag.summary(),
    }
}
