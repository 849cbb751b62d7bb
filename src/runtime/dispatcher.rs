//! The cooperative task dispatcher: priorities, a bounded queue with an overflow policy, a
//! concurrency limit, per-attempt timeouts, retries with backoff and jitter, cancellation,
//! shutdown, metrics and a bounded result reporter.
//!
//! The dispatcher is generic over a [`Runner`], which knows how to start one attempt of a job and
//! how to abort it: [`FutureRunner`] runs Rust futures, `crate::js::runtime` runs JS async
//! functions. Everything else (the state machine, accounting, timers) is shared.
//!
//! Re-entrancy: the state lives in a `RefCell` and no borrow is held while user code runs
//! (starting a job, aborting it, notifying waiters). State changes made under the borrow are
//! turned into [`Effect`]s that run after it is released, so a job may call `submit`, `cancel`
//! or `metrics` on its own dispatcher synchronously.

use super::clock::{AbortReason, AbortSignal, Env, OrdF64, TimerId};
use super::metrics::{Histogram, LatencySummary};
use super::reporter::{Record, Reporter};
use super::IdMap;
use crate::{Error, ErrorCode, Result};
use futures::future::{Either, LocalBoxFuture};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::rc::{Rc, Weak};

pub type TaskId = u64;

/// Task status. `Retrying` covers the time between a failed attempt and the start of the next
/// one (backoff, then waiting in the queue); in the counts it is part of `queued`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Queued,
    Running,
    Retrying,
    Completed,
    Failed,
    TimedOut,
    Cancelled,
    Dropped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Retrying => "retrying",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::TimedOut => "timed_out",
            Status::Cancelled => "cancelled",
            Status::Dropped => "dropped",
        }
    }
    pub fn is_terminal(self) -> bool {
        !matches!(self, Status::Queued | Status::Running | Status::Retrying)
    }
}

/// What happens when a task is submitted while `max_queue` tasks are already waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// The new task is refused with a QUEUE_FULL error (it never gets an id).
    Reject,
    /// The lowest-priority waiting task (the newest among equals, i.e. the one that would run
    /// last) is dropped; that may be the new task itself. Dropped tasks end with status
    /// `dropped` and their result rejects with QUEUE_FULL.
    DropLowest,
}

impl Overflow {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "reject" => Ok(Overflow::Reject),
            "drop_lowest" | "dropLowest" => Ok(Overflow::DropLowest),
            other => Err(Error::invalid_parameter(format!(
                "option 'overflow' must be 'reject' or 'drop_lowest', got '{other}'"
            ))
            .with("parameter", "overflow")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Overflow::Reject => "reject",
            Overflow::DropLowest => "drop_lowest",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DispatcherConfig {
    /// Attempts running at once (>= 1).
    pub max_concurrent: usize,
    /// Tasks waiting to start (queued + retrying); `None` = unbounded.
    pub max_queue: Option<usize>,
    pub overflow: Overflow,
    /// Per-attempt timeout for tasks that do not set their own; `None` = no timeout.
    pub default_timeout_ms: Option<f64>,
    /// Retries after the first attempt, for tasks that do not set their own.
    pub max_retries: u32,
    /// Base of the exponential backoff.
    pub retry_delay_ms: f64,
    /// Cap of the backoff before jitter.
    pub max_retry_delay_ms: f64,
    /// Finished tasks kept for `result`/`status` (oldest evicted).
    pub reporter_size: usize,
    /// Seed of the jitter PRNG (ChaCha8), so retry timing is reproducible.
    pub seed: u64,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        DispatcherConfig {
            max_concurrent: 4,
            max_queue: None,
            overflow: Overflow::Reject,
            default_timeout_ms: None,
            max_retries: 0,
            retry_delay_ms: 100.0,
            max_retry_delay_ms: 30_000.0,
            reporter_size: 10_000,
            seed: 0x5EED,
        }
    }
}

fn bad_param(name: &str, what: &str, got: &Value) -> Error {
    Error::invalid_parameter(format!("option '{name}' must be {what}, got {got}"))
        .with("parameter", name)
}

fn json_count(name: &str, v: &Value, min: u64) -> Result<u64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= min as f64 && x.fract() == 0.0 && x <= 9.007e15 => Ok(x as u64),
        _ => Err(bad_param(name, &format!("an integer >= {min}"), v)),
    }
}

fn json_ms(name: &str, v: &Value, positive: bool) -> Result<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && (if positive { x > 0.0 } else { x >= 0.0 }) => Ok(x),
        _ => Err(bad_param(
            name,
            if positive { "a finite number of milliseconds > 0" } else { "a finite number of milliseconds >= 0" },
            v,
        )),
    }
}

impl DispatcherConfig {
    /// Reads the JS options object (camelCase keys). Missing or null keys keep their defaults;
    /// unknown keys are refused so that typos (`maxConcurrency`) do not pass silently.
    pub fn from_json(v: &Value) -> Result<Self> {
        let mut cfg = DispatcherConfig::default();
        let obj = match v {
            Value::Null => return Ok(cfg),
            Value::Object(m) => m,
            other => return Err(bad_param("options", "an object", other)),
        };
        for (key, val) in obj {
            if val.is_null() {
                continue;
            }
            match key.as_str() {
                "maxConcurrent" => cfg.max_concurrent = json_count(key, val, 1)? as usize,
                "maxQueue" => {
                    // Infinity does not survive JSON; a huge number means unbounded too.
                    cfg.max_queue = match val.as_f64() {
                        Some(x) if x >= u32::MAX as f64 => None,
                        _ => Some(json_count(key, val, 0)? as usize),
                    }
                }
                "overflow" => {
                    cfg.overflow = match val.as_str() {
                        Some(s) => Overflow::parse(s)?,
                        None => return Err(bad_param(key, "'reject' or 'drop_lowest'", val)),
                    }
                }
                "defaultTimeoutMs" => cfg.default_timeout_ms = Some(json_ms(key, val, true)?),
                "maxRetries" => cfg.max_retries = json_count(key, val, 0)?.min(u32::MAX as u64) as u32,
                "retryDelayMs" => cfg.retry_delay_ms = json_ms(key, val, false)?,
                "maxRetryDelayMs" => cfg.max_retry_delay_ms = json_ms(key, val, false)?,
                "reporterSize" => cfg.reporter_size = json_count(key, val, 0)? as usize,
                "seed" => cfg.seed = json_count(key, val, 0)?,
                other => {
                    return Err(Error::invalid_parameter(format!(
                        "unknown Dispatcher option '{other}'; known options: maxConcurrent, maxQueue, overflow, defaultTimeoutMs, maxRetries, retryDelayMs, maxRetryDelayMs, reporterSize, seed"
                    ))
                    .with("parameter", other))
                }
            }
        }
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<()> {
        if self.max_concurrent == 0 {
            return Err(bad_param("maxConcurrent", "an integer >= 1", &Value::from(0)));
        }
        if let Some(t) = self.default_timeout_ms {
            if !(t.is_finite() && t > 0.0) {
                return Err(bad_param("defaultTimeoutMs", "a finite number of milliseconds > 0", &Value::from(t)));
            }
        }
        super::check_ms("retryDelayMs", self.retry_delay_ms, 0.0)?;
        super::check_ms("maxRetryDelayMs", self.max_retry_delay_ms, 0.0)?;
        Ok(())
    }
}

/// Per-task options; `None` fields take the dispatcher's defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubmitOptions {
    /// Higher runs first; FIFO within a priority.
    pub priority: i32,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
}

/// An attempt's failure as reported by the runner: a message plus the original error value.
#[derive(Clone, Debug)]
pub struct Failure<V> {
    pub message: String,
    pub cause: Option<V>,
}

impl<V> Failure<V> {
    pub fn msg(message: impl Into<String>) -> Self {
        Failure { message: message.into(), cause: None }
    }
}

/// How a task ended badly: a typed crate error (TIMEOUT, CANCELLED, QUEUE_FULL, TASK_FAILED with
/// details) plus, for TASK_FAILED, the original error thrown by the job.
#[derive(Clone, Debug)]
pub struct TaskError<V> {
    pub error: Error,
    pub cause: Option<V>,
}

pub type Outcome<V> = std::result::Result<V, TaskError<V>>;

/// Failure classes of the failed-task summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailClass {
    Timeout,
    Exception,
    Dropped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptInfo {
    pub id: TaskId,
    /// 1 for the first attempt.
    pub attempt: u32,
}

/// Starts and aborts attempts of one kind of job.
pub trait Runner: Sized + 'static {
    /// What was submitted; cloned for each attempt (cheap: an `Rc` or a JS function reference).
    type Job: Clone;
    type Value: Clone;
    /// The per-attempt handle used to abort it (an `AbortController`, an [`AbortSignal`]).
    type Attempt;

    /// Starts one attempt. The runner must report its end through `handle.settle(..)`, never
    /// from inside this call. A synchronous failure (the job threw) is returned as `Err`.
    /// Called with no dispatcher borrow held: the job may call into the dispatcher.
    fn start(
        &self,
        job: &Self::Job,
        info: AttemptInfo,
        handle: &Handle<Self>,
    ) -> std::result::Result<Self::Attempt, Failure<Self::Value>>;

    /// Tells a started attempt to stop.
    fn abort(&self, attempt: Self::Attempt, reason: AbortReason);

    /// Delivers the outcome of a task registered with [`Dispatcher::wait_in_runner`] (a
    /// runner-side waiter list avoids a boxed callback per waiting task). Default: nothing.
    fn notify(&self, _id: TaskId, _outcome: Outcome<Self::Value>) {}
}

/// Whether a task's outcome is already known, for [`Dispatcher::wait_in_runner`].
pub enum WaitState<V> {
    /// Still running or waiting; the runner's `notify` will deliver the outcome.
    Pending,
    Done(Outcome<V>),
}

type Waiter<V> = Box<dyn FnOnce(Outcome<V>)>;
type IdleWaiter = Box<dyn FnOnce()>;

enum Effect<R: Runner> {
    Abort(R::Attempt, AbortReason),
    Notify(Vec<Waiter<R::Value>>, Outcome<R::Value>),
    RunnerNotify(TaskId, Outcome<R::Value>),
    Idle(Vec<IdleWaiter>),
}

type Effects<R> = Vec<Effect<R>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum DeadlineKind {
    Timeout { id: TaskId, attempt: u32 },
    Retry { id: TaskId, attempt: u32 },
    Shutdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Deadline {
    at: OrdF64,
    kind: DeadlineKind,
}

type QueueKey = (i32, Reverse<u64>);

/// Waiting tasks: one FIFO per priority class (O(1) push and pop; classes are few). Cancelling or
/// dropping a waiting task only unlinks it (its `queue_key` no longer matches) and leaves a stale
/// entry that is skipped when reached; the FIFOs are compacted when stale entries pile up.
#[derive(Default)]
struct PrioQueue {
    classes: BTreeMap<i32, VecDeque<(u64, TaskId)>>,
    len: usize,
    stale: usize,
}

impl PrioQueue {
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, key: QueueKey, id: TaskId) {
        self.classes.entry(key.0).or_default().push_back((key.1 .0, id));
        self.len += 1;
    }

    fn live<R: Runner>(tasks: &IdMap<TaskId, Task<R>>, p: i32, seq: u64, id: TaskId) -> bool {
        tasks.get(&id).is_some_and(|t| t.queue_key == Some((p, Reverse(seq))))
    }

    /// Highest priority, oldest first.
    fn pop_highest<R: Runner>(&mut self, tasks: &IdMap<TaskId, Task<R>>) -> Option<TaskId> {
        loop {
            let mut class = self.classes.last_entry()?;
            let p = *class.key();
            match class.get_mut().pop_front() {
                None => {
                    class.remove();
                }
                Some((seq, id)) if Self::live(tasks, p, seq, id) => {
                    self.len -= 1;
                    return Some(id);
                }
                Some(_) => self.stale -= 1,
            }
        }
    }

    /// Lowest priority, newest first: the task that would run last.
    fn lowest<R: Runner>(&mut self, tasks: &IdMap<TaskId, Task<R>>) -> Option<(QueueKey, TaskId)> {
        loop {
            let mut class = self.classes.first_entry()?;
            let p = *class.key();
            match class.get().back().copied() {
                None => {
                    class.remove();
                }
                Some((seq, id)) if Self::live(tasks, p, seq, id) => return Some(((p, Reverse(seq)), id)),
                Some(_) => {
                    class.get_mut().pop_back();
                    self.stale -= 1;
                }
            }
        }
    }

    /// A waiting task left the queue (its entry is now stale).
    fn unlink<R: Runner>(&mut self, tasks: &IdMap<TaskId, Task<R>>) {
        self.len -= 1;
        self.stale += 1;
        if self.stale > 64 + self.len {
            for (p, q) in self.classes.iter_mut() {
                q.retain(|&(seq, id)| Self::live(tasks, *p, seq, id));
            }
            self.classes.retain(|_, q| !q.is_empty());
            self.stale = 0;
        }
    }
}

struct Task<R: Runner> {
    id: TaskId,
    name: u32,
    priority: i32,
    timeout_ms: Option<f64>,
    max_retries: u32,
    /// Attempts started so far.
    attempt: u32,
    status: Status,
    submitted_at: f64,
    queued_at: f64,
    first_started_at: Option<f64>,
    started_at: f64,
    queue_key: Option<QueueKey>,
    job: R::Job,
    handle: Option<R::Attempt>,
    /// Callbacks waiting for the outcome (result()).
    waiters: Vec<Waiter<R::Value>>,
    /// The runner keeps its own waiter for this task (see `Runner::notify`).
    runner_waiter: bool,
    last_failure: Option<(FailClass, String, Option<R::Value>)>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClassCounts {
    pub timeout: u64,
    pub exception: u64,
    pub dropped: u64,
}

impl ClassCounts {
    fn add(&mut self, class: FailClass) {
        match class {
            FailClass::Timeout => self.timeout += 1,
            FailClass::Exception => self.exception += 1,
            FailClass::Dropped => self.dropped += 1,
        }
    }
    pub fn total(&self) -> u64 {
        self.timeout + self.exception + self.dropped
    }
}

/// Current (queued, running, retrying) and cumulative (terminal) counts.
/// `retrying` is a subset of `queued`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    pub queued: u64,
    pub running: u64,
    pub retrying: u64,
    pub completed: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub cancelled: u64,
    pub dropped: u64,
}

impl StatusCounts {
    fn bump(&mut self, s: Status) {
        match s {
            Status::Completed => self.completed += 1,
            Status::Failed => self.failed += 1,
            Status::TimedOut => self.timed_out += 1,
            Status::Cancelled => self.cancelled += 1,
            Status::Dropped => self.dropped += 1,
            Status::Queued | Status::Running | Status::Retrying => {}
        }
    }
    pub fn terminal(&self) -> u64 {
        self.completed + self.failed + self.timed_out + self.cancelled + self.dropped
    }
    /// completed / (completed + failed + timed_out + dropped): cancellation is the caller's
    /// decision, not a failure of the work. `None` before anything finished.
    fn success_rate(&self) -> Option<f64> {
        let denom = self.completed + self.failed + self.timed_out + self.dropped;
        (denom > 0).then(|| self.completed as f64 / denom as f64)
    }
}

struct NameStats {
    name: Rc<str>,
    submitted: u64,
    rejected: u64,
    counts: StatusCounts,
    fails: ClassCounts,
    queue_wait: Histogram,
    run_time: Histogram,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NameMetrics {
    pub submitted: u64,
    pub rejected: u64,
    /// Tasks of this name not finished yet (queued, retrying or running).
    pub active: u64,
    pub completed: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub cancelled: u64,
    pub dropped: u64,
    pub success_rate: Option<f64>,
    pub queue_wait: LatencySummary,
    pub run_time: LatencySummary,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReporterInfo {
    pub size: usize,
    pub capacity: usize,
    pub evicted: u64,
}

/// Invariant: `submitted = completed + failed + timed_out + cancelled + dropped + queued + running`
/// (with `retrying` inside `queued`). Rejected submissions never got an id and are not submitted.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsSnapshot {
    pub submitted: u64,
    pub rejected: u64,
    pub counts: StatusCounts,
    pub success_rate: Option<f64>,
    /// Retry attempts scheduled.
    pub retries: u64,
    /// Attempts that timed out / threw (including ones that were retried).
    pub attempt_timeouts: u64,
    pub attempt_failures: u64,
    /// Time from entering the queue to starting, per attempt (ms).
    pub queue_wait: LatencySummary,
    /// Time from start to settlement or timeout, per attempt (ms).
    pub run_time: LatencySummary,
    pub by_name: BTreeMap<String, NameMetrics>,
    pub max_concurrent: usize,
    pub paused: bool,
    pub shut_down: bool,
    pub reporter: ReporterInfo,
}

impl MetricsSnapshot {
    /// The accounting invariant.
    pub fn accounted(&self) -> bool {
        let c = &self.counts;
        self.submitted == c.terminal() + c.queued + c.running && c.retrying <= c.queued
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureInfo {
    pub id: TaskId,
    pub name: String,
    pub class: FailClass,
    pub message: String,
    pub attempts: u32,
    pub at: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedSummary {
    pub total: u64,
    pub by_class: ClassCounts,
    pub by_name: BTreeMap<String, ClassCounts>,
    /// The most recent failures, newest first.
    pub recent: Vec<FailureInfo>,
}

/// A task as seen by `info(id)`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskInfo {
    pub id: TaskId,
    pub name: String,
    pub status: Status,
    pub priority: i32,
    pub attempts: u32,
    pub submitted_at: f64,
    pub started_at: Option<f64>,
    pub finished_at: Option<f64>,
    pub error: Option<String>,
}

const RECENT_FAILURES: usize = 20;

struct Core<R: Runner> {
    cfg: DispatcherConfig,
    next_id: TaskId,
    seq: u64,
    tasks: IdMap<TaskId, Task<R>>,
    queue: PrioQueue,
    deadlines: BinaryHeap<Reverse<Deadline>>,
    running: usize,
    backoff: usize,
    retrying: usize,
    paused: bool,
    closed: bool,
    submitted: u64,
    rejected: u64,
    counts: StatusCounts,
    retries: u64,
    attempt_timeouts: u64,
    attempt_failures: u64,
    queue_wait: Histogram,
    run_time: Histogram,
    names: Vec<NameStats>,
    name_index: HashMap<Rc<str>, u32>,
    last_name: Option<(Rc<str>, u32)>,
    fails: ClassCounts,
    recent_failures: std::collections::VecDeque<FailureInfo>,
    reporter: Reporter<R::Value>,
    rng: ChaCha8Rng,
    idle_waiters: Vec<IdleWaiter>,
}

impl<R: Runner> Core<R> {
    fn new(cfg: DispatcherConfig) -> Self {
        Core {
            reporter: Reporter::new(cfg.reporter_size),
            rng: ChaCha8Rng::seed_from_u64(cfg.seed),
            cfg,
            next_id: 1,
            seq: 0,
            tasks: IdMap::default(),
            queue: PrioQueue::default(),
            deadlines: BinaryHeap::new(),
            running: 0,
            backoff: 0,
            retrying: 0,
            paused: false,
            closed: false,
            submitted: 0,
            rejected: 0,
            counts: StatusCounts::default(),
            retries: 0,
            attempt_timeouts: 0,
            attempt_failures: 0,
            queue_wait: Histogram::new(),
            run_time: Histogram::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            last_name: None,
            fails: ClassCounts::default(),
            recent_failures: Default::default(),
            idle_waiters: Vec::new(),
        }
    }

    fn intern(&mut self, name: &str) -> u32 {
        // Bursts of one task name are the common case: skip the hash lookup for them.
        if let Some((last, i)) = &self.last_name {
            if &**last == name {
                return *i;
            }
        }
        if let Some(&i) = self.name_index.get(name) {
            self.last_name = self.names.get(i as usize).map(|n| (n.name.clone(), i));
            return i;
        }
        let rc: Rc<str> = Rc::from(name);
        let i = self.names.len() as u32;
        self.names.push(NameStats {
            name: rc.clone(),
            submitted: 0,
            rejected: 0,
            counts: StatusCounts::default(),
            fails: ClassCounts::default(),
            queue_wait: Histogram::new(),
            run_time: Histogram::new(),
        });
        self.name_index.insert(rc.clone(), i);
        self.last_name = Some((rc, i));
        i
    }

    fn name_of(&self, idx: u32) -> Rc<str> {
        self.names.get(idx as usize).map_or_else(|| Rc::from(""), |n| n.name.clone())
    }

    fn waiting(&self) -> usize {
        self.queue.len() + self.backoff
    }

    fn enqueue(&mut self, id: TaskId, now: f64) {
        self.seq += 1;
        if let Some(t) = self.tasks.get_mut(&id) {
            let key = (t.priority, Reverse(self.seq));
            t.queue_key = Some(key);
            t.queued_at = now;
            self.queue.push(key, id);
        }
    }

    fn submit(&mut self, name: &str, job: R::Job, opts: &SubmitOptions, now: f64, fx: &mut Effects<R>) -> Result<TaskId> {
        if self.closed {
            return Err(Error::cancelled(format!(
                "the dispatcher is shut down; task '{name}' was not accepted (create a new Dispatcher)"
            ))
            .with("name", name)
            .with("reason", "shutdown"));
        }
        let timeout_ms = match opts.timeout_ms {
            Some(t) if !(t.is_finite() && t > 0.0) => {
                return Err(bad_param("timeoutMs", "a finite number of milliseconds > 0", &Value::from(t)))
            }
            Some(t) => Some(t),
            None => self.cfg.default_timeout_ms,
        };
        let name_idx = self.intern(name);
        let mut drop_new = false;
        // Only a task that would have to wait counts against maxQueue (so maxQueue = 0 means
        // "start now or not at all").
        let would_wait = self.paused || self.running + self.queue.len() >= self.cfg.max_concurrent;
        if let Some(max) = self.cfg.max_queue {
            if would_wait && self.waiting() >= max {
                match self.cfg.overflow {
                    Overflow::Reject => {
                        self.rejected += 1;
                        if let Some(n) = self.names.get_mut(name_idx as usize) {
                            n.rejected += 1;
                        }
                        return Err(Error::new(
                            ErrorCode::QueueFull,
                            format!(
                                "the queue is full (maxQueue = {max}, overflow = 'reject'): task '{name}' was not accepted; wait for tasks to finish, raise maxQueue or use overflow 'drop_lowest'"
                            ),
                        )
                        .with("name", name)
                        .with("maxQueue", max as u64)
                        .with("policy", "reject"));
                    }
                    Overflow::DropLowest => {
                        let new_key = (opts.priority, Reverse(self.seq + 1));
                        match self.queue.lowest(&self.tasks) {
                            Some((k, victim)) if k < new_key => {
                                if let Some(task) = self.take_out(victim) {
                                    let err = self.drop_error(&task, max);
                                    self.conclude(task, Status::Dropped, Err(TaskError { error: err, cause: None }), now, fx);
                                }
                            }
                            _ => drop_new = true,
                        }
                    }
                }
            }
        }
        let id = self.next_id;
        self.next_id += 1;
        self.submitted += 1;
        if let Some(n) = self.names.get_mut(name_idx as usize) {
            n.submitted += 1;
        }
        let task = Task {
            id,
            name: name_idx,
            priority: opts.priority,
            timeout_ms,
            max_retries: opts.max_retries.unwrap_or(self.cfg.max_retries),
            attempt: 0,
            status: Status::Queued,
            submitted_at: now,
            queued_at: now,
            first_started_at: None,
            started_at: now,
            queue_key: None,
            job,
            handle: None,
            waiters: Vec::new(),
            runner_waiter: false,
            last_failure: None,
        };
        if drop_new {
            let err = self.drop_error(&task, self.cfg.max_queue.unwrap_or(0));
            self.conclude(task, Status::Dropped, Err(TaskError { error: err, cause: None }), now, fx);
        } else {
            self.tasks.insert(id, task);
            self.enqueue(id, now);
        }
        Ok(id)
    }

    fn drop_error(&self, task: &Task<R>, max: usize) -> Error {
        let name = self.name_of(task.name);
        Error::new(
            ErrorCode::QueueFull,
            format!(
                "task '{name}' (#{}, priority {}) was dropped: the queue was full (maxQueue = {max}) and overflow policy 'drop_lowest' drops the lowest-priority waiting task; raise maxQueue or submit it with a higher priority",
                task.id, task.priority
            ),
        )
        .with("id", task.id)
        .with("name", &*name)
        .with("priority", task.priority)
        .with("maxQueue", max as u64)
        .with("policy", "drop_lowest")
        .with("reason", "dropped")
    }

    /// Removes a live task from the table and from whatever it was waiting in.
    fn take_out(&mut self, id: TaskId) -> Option<Task<R>> {
        let task = self.tasks.remove(&id)?;
        if task.queue_key.is_some() {
            self.queue.unlink(&self.tasks);
        } else if task.status == Status::Retrying {
            self.backoff -= 1;
        } else if task.status == Status::Running {
            self.running -= 1;
        }
        if task.status == Status::Retrying {
            self.retrying -= 1;
        }
        Some(task)
    }

    /// Records a finished task; the task is already out of the live table.
    fn conclude(&mut self, mut task: Task<R>, status: Status, outcome: Outcome<R::Value>, now: f64, fx: &mut Effects<R>) {
        self.counts.bump(status);
        let class = match status {
            Status::Failed => Some(FailClass::Exception),
            Status::TimedOut => Some(FailClass::Timeout),
            Status::Dropped => Some(FailClass::Dropped),
            _ => None,
        };
        let name = self.name_of(task.name);
        if let Some(n) = self.names.get_mut(task.name as usize) {
            n.counts.bump(status);
            if let Some(c) = class {
                n.fails.add(c);
            }
        }
        if let Some(c) = class {
            self.fails.add(c);
            if self.recent_failures.len() >= RECENT_FAILURES {
                self.recent_failures.pop_back();
            }
            let message = match &outcome {
                Err(e) => e.error.message.clone(),
                Ok(_) => String::new(),
            };
            self.recent_failures.push_front(FailureInfo {
                id: task.id,
                name: name.to_string(),
                class: c,
                message,
                attempts: task.attempt,
                at: now,
            });
        }
        if !task.waiters.is_empty() {
            fx.push(Effect::Notify(std::mem::take(&mut task.waiters), outcome.clone()));
        }
        if task.runner_waiter {
            fx.push(Effect::RunnerNotify(task.id, outcome.clone()));
        }
        self.reporter.push(Record {
            id: task.id,
            name,
            status,
            priority: task.priority,
            attempts: task.attempt,
            submitted_at: task.submitted_at,
            started_at: task.first_started_at,
            finished_at: now,
            outcome,
        });
        if self.tasks.is_empty() && !self.idle_waiters.is_empty() {
            fx.push(Effect::Idle(std::mem::take(&mut self.idle_waiters)));
        }
    }

    /// Pops the next task allowed to start and marks it running.
    fn next_start(&mut self, now: f64) -> Option<(AttemptInfo, R::Job)> {
        if self.paused || self.running >= self.cfg.max_concurrent {
            return None;
        }
        loop {
            let id = self.queue.pop_highest(&self.tasks)?;
            let Some(task) = self.tasks.get_mut(&id) else { continue };
            task.queue_key = None;
            if task.status == Status::Retrying {
                self.retrying -= 1;
            }
            task.status = Status::Running;
            task.attempt += 1;
            task.started_at = now;
            task.first_started_at.get_or_insert(now);
            let wait = now - task.queued_at;
            let info = AttemptInfo { id, attempt: task.attempt };
            if let Some(t) = task.timeout_ms {
                self.deadlines.push(Reverse(Deadline {
                    at: OrdF64(now + t),
                    kind: DeadlineKind::Timeout { id, attempt: task.attempt },
                }));
            }
            let job = task.job.clone();
            let name = task.name as usize;
            self.running += 1;
            self.queue_wait.record(wait);
            if let Some(n) = self.names.get_mut(name) {
                n.queue_wait.record(wait);
            }
            return Some((info, job));
        }
    }

    fn is_current(&self, info: AttemptInfo) -> bool {
        self.tasks
            .get(&info.id)
            .is_some_and(|t| t.status == Status::Running && t.attempt == info.attempt)
    }

    fn started(&mut self, info: AttemptInfo, res: std::result::Result<R::Attempt, Failure<R::Value>>, now: f64, fx: &mut Effects<R>) {
        match res {
            Ok(handle) => {
                if self.is_current(info) {
                    if let Some(t) = self.tasks.get_mut(&info.id) {
                        t.handle = Some(handle);
                    }
                } else if self.reporter.get(info.id).is_none_or(|r| r.status == Status::Cancelled) {
                    // Cancelled (or shut down) by the job itself while it was being started.
                    let reason = if self.closed { AbortReason::Shutdown } else { AbortReason::Cancelled };
                    fx.push(Effect::Abort(handle, reason));
                }
                // Otherwise the attempt already settled during its own start: nothing to stop.
            }
            Err(failure) => {
                if self.is_current(info) {
                    self.record_run(info.id, now);
                    self.attempt_failed(info.id, FailClass::Exception, failure.message, failure.cause, now, fx);
                }
            }
        }
    }

    fn record_run(&mut self, id: TaskId, now: f64) {
        if let Some(t) = self.tasks.get(&id) {
            let run = now - t.started_at;
            let name = t.name as usize;
            self.run_time.record(run);
            if let Some(n) = self.names.get_mut(name) {
                n.run_time.record(run);
            }
        }
    }

    fn settle(&mut self, info: AttemptInfo, result: std::result::Result<R::Value, Failure<R::Value>>, now: f64, fx: &mut Effects<R>) {
        // A settlement for an attempt that already timed out or was cancelled is ignored.
        if !self.is_current(info) {
            return;
        }
        self.record_run(info.id, now);
        match result {
            Ok(v) => {
                if let Some(task) = self.take_out(info.id) {
                    self.conclude(task, Status::Completed, Ok(v), now, fx);
                }
            }
            Err(f) => self.attempt_failed(info.id, FailClass::Exception, f.message, f.cause, now, fx),
        }
    }

    /// Backoff before retry number `k` (1-based): `min(retryDelayMs * 2^(k-1), maxRetryDelayMs)`
    /// scaled by a jitter factor uniform in [0.5, 1) ("equal jitter"), from the seeded PRNG.
    fn backoff_delay(&mut self, k: u32) -> f64 {
        let base = (self.cfg.retry_delay_ms * 2f64.powi(k.saturating_sub(1).min(60) as i32))
            .min(self.cfg.max_retry_delay_ms);
        let u = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        base * (0.5 + 0.5 * u)
    }

    /// A running attempt failed or timed out: retry it or end the task.
    fn attempt_failed(&mut self, id: TaskId, class: FailClass, message: String, cause: Option<R::Value>, now: f64, fx: &mut Effects<R>) {
        match class {
            FailClass::Timeout => self.attempt_timeouts += 1,
            _ => self.attempt_failures += 1,
        }
        let Some(task) = self.tasks.get_mut(&id) else { return };
        if task.attempt <= task.max_retries {
            self.running -= 1;
            task.status = Status::Retrying;
            task.handle = None;
            task.last_failure = Some((class, message, cause));
            let attempt = task.attempt;
            self.retrying += 1;
            self.retries += 1;
            // Even a zero delay goes through the timer, so a job that throws synchronously with
            // many retries yields to the event loop between attempts instead of spinning in pump.
            let delay = self.backoff_delay(attempt);
            self.backoff += 1;
            self.deadlines.push(Reverse(Deadline {
                at: OrdF64(now + delay),
                kind: DeadlineKind::Retry { id, attempt },
            }));
            return;
        }
        let Some(task) = self.take_out(id) else { return };
        let name = self.name_of(task.name);
        let (status, error) = match class {
            FailClass::Timeout => (
                Status::TimedOut,
                Error::timeout(format!(
                    "task '{name}' (#{id}) timed out after {} ms on attempt {} of {}; raise timeoutMs or maxRetries, or make the work faster",
                    task.timeout_ms.unwrap_or(0.0),
                    task.attempt,
                    task.max_retries + 1
                ))
                .with("timeoutMs", task.timeout_ms.unwrap_or(0.0)),
            ),
            _ => (
                Status::Failed,
                Error::new(
                    ErrorCode::TaskFailed,
                    format!("task '{name}' (#{id}) failed after {} attempt(s): {message}", task.attempt),
                )
                .with("cause", message.as_str()),
            ),
        };
        let error = error.with("id", id).with("name", &*name).with("attempts", task.attempt);
        self.conclude(task, status, Err(TaskError { error, cause }), now, fx);
    }

    fn cancel(&mut self, id: TaskId, reason: AbortReason, now: f64, fx: &mut Effects<R>) -> bool {
        let Some(mut task) = self.take_out(id) else { return false };
        if let Some(h) = task.handle.take() {
            fx.push(Effect::Abort(h, reason));
        }
        let name = self.name_of(task.name);
        let why = if reason == AbortReason::Shutdown { " by shutdown" } else { "" };
        let error = Error::cancelled(format!("task '{name}' (#{id}) was cancelled{why}"))
            .with("id", id)
            .with("name", &*name)
            .with("attempts", task.attempt)
            .with("reason", reason.as_str());
        self.conclude(task, Status::Cancelled, Err(TaskError { error, cause: None }), now, fx);
        true
    }

    fn cancel_all(&mut self, reason: AbortReason, now: f64, fx: &mut Effects<R>) {
        let mut ids: Vec<TaskId> = self.tasks.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            self.cancel(id, reason, now, fx);
        }
    }

    fn deadline_live(&self, d: &Deadline) -> bool {
        match d.kind {
            DeadlineKind::Timeout { id, attempt } => self
                .tasks
                .get(&id)
                .is_some_and(|t| t.status == Status::Running && t.attempt == attempt),
            DeadlineKind::Retry { id, attempt } => self.tasks.get(&id).is_some_and(|t| {
                t.status == Status::Retrying && t.queue_key.is_none() && t.attempt == attempt
            }),
            DeadlineKind::Shutdown => true,
        }
    }

    /// The earliest live deadline. Stale entries (finished attempts) are dropped from the top,
    /// and the heap is compacted when they pile up below it, so it stays O(live tasks).
    fn next_deadline(&mut self) -> Option<f64> {
        while let Some(Reverse(d)) = self.deadlines.peek() {
            if self.deadline_live(d) {
                break;
            }
            self.deadlines.pop();
        }
        if self.deadlines.len() > 64 + 2 * (self.running + self.backoff) {
            let heap = std::mem::take(&mut self.deadlines);
            self.deadlines = heap.into_iter().filter(|Reverse(d)| self.deadline_live(d)).collect();
        }
        self.deadlines.peek().map(|Reverse(d)| d.at.0)
    }

    fn fire_due(&mut self, now: f64, fx: &mut Effects<R>) {
        while let Some(Reverse(d)) = self.deadlines.peek().copied() {
            if d.at.0 > now {
                break;
            }
            self.deadlines.pop();
            if !self.deadline_live(&d) {
                continue;
            }
            match d.kind {
                DeadlineKind::Timeout { id, .. } => {
                    self.record_run(id, now);
                    let (handle, msg) = match self.tasks.get_mut(&id) {
                        Some(t) => (t.handle.take(), format!("timed out after {} ms", t.timeout_ms.unwrap_or(0.0))),
                        None => (None, String::new()),
                    };
                    if let Some(h) = handle {
                        fx.push(Effect::Abort(h, AbortReason::Timeout));
                    }
                    self.attempt_failed(id, FailClass::Timeout, msg, None, now, fx);
                }
                DeadlineKind::Retry { id, .. } => {
                    self.backoff -= 1;
                    self.enqueue(id, now);
                }
                DeadlineKind::Shutdown => self.cancel_all(AbortReason::Shutdown, now, fx),
            }
        }
    }

    fn metrics(&self) -> MetricsSnapshot {
        let mut counts = self.counts;
        counts.queued = self.waiting() as u64;
        counts.running = self.running as u64;
        counts.retrying = self.retrying as u64;
        let by_name = self
            .names
            .iter()
            .map(|n| {
                let m = NameMetrics {
                    submitted: n.submitted,
                    rejected: n.rejected,
                    active: n.submitted - n.counts.terminal(),
                    completed: n.counts.completed,
                    failed: n.counts.failed,
                    timed_out: n.counts.timed_out,
                    cancelled: n.counts.cancelled,
                    dropped: n.counts.dropped,
                    success_rate: n.counts.success_rate(),
                    queue_wait: n.queue_wait.summary(),
                    run_time: n.run_time.summary(),
                };
                (n.name.to_string(), m)
            })
            .collect();
        MetricsSnapshot {
            submitted: self.submitted,
            rejected: self.rejected,
            counts,
            success_rate: self.counts.success_rate(),
            retries: self.retries,
            attempt_timeouts: self.attempt_timeouts,
            attempt_failures: self.attempt_failures,
            queue_wait: self.queue_wait.summary(),
            run_time: self.run_time.summary(),
            by_name,
            max_concurrent: self.cfg.max_concurrent,
            paused: self.paused,
            shut_down: self.closed,
            reporter: ReporterInfo {
                size: self.reporter.len(),
                capacity: self.reporter.capacity(),
                evicted: self.reporter.evicted(),
            },
        }
    }

    fn failed_summary(&self) -> FailedSummary {
        FailedSummary {
            total: self.fails.total(),
            by_class: self.fails,
            by_name: self
                .names
                .iter()
                .filter(|n| n.fails.total() > 0)
                .map(|n| (n.name.to_string(), n.fails))
                .collect(),
            recent: self.recent_failures.iter().cloned().collect(),
        }
    }

    fn task_info(&self, id: TaskId) -> Option<TaskInfo> {
        if let Some(t) = self.tasks.get(&id) {
            return Some(TaskInfo {
                id,
                name: self.name_of(t.name).to_string(),
                status: t.status,
                priority: t.priority,
                attempts: t.attempt,
                submitted_at: t.submitted_at,
                started_at: t.first_started_at,
                finished_at: None,
                error: t.last_failure.as_ref().map(|f| f.1.clone()),
            });
        }
        self.reporter.get(id).map(|r| TaskInfo {
            id,
            name: r.name.to_string(),
            status: r.status,
            priority: r.priority,
            attempts: r.attempts,
            submitted_at: r.submitted_at,
            started_at: r.started_at,
            finished_at: Some(r.finished_at),
            error: r.outcome.as_ref().err().map(|e| e.error.message.clone()),
        })
    }

    /// The outcome of a task that is no longer live (or an INVALID_INPUT error for an id that is
    /// unknown or evicted).
    fn finished_outcome(&self, id: TaskId) -> Outcome<R::Value> {
        match self.reporter.get(id) {
            Some(r) => r.outcome.clone(),
            None => {
                let msg = if id < self.next_id && id > 0 {
                    format!(
                        "task #{id} finished but its record was evicted from the reporter (reporterSize = {}); read results sooner or raise reporterSize",
                        self.reporter.capacity()
                    )
                } else {
                    format!("unknown task id {id}: it was never returned by submit()")
                };
                Err(TaskError { error: Error::invalid_input(msg).with("id", id), cause: None })
            }
        }
    }

    /// Checks the internal bookkeeping (used by tests after every step).
    fn check(&self) -> std::result::Result<(), String> {
        let mut queued = 0;
        let mut backoff = 0;
        let mut running = 0;
        let mut retrying = 0;
        for t in self.tasks.values() {
            match (t.status, t.queue_key.is_some()) {
                (Status::Queued, true) => queued += 1,
                (Status::Retrying, true) => {
                    queued += 1;
                    retrying += 1
                }
                (Status::Retrying, false) => {
                    backoff += 1;
                    retrying += 1
                }
                (Status::Running, false) => running += 1,
                (s, q) => return Err(format!("task {} in status {s:?} with queue key {q}", t.id)),
            }
        }
        if queued != self.queue.len() || backoff != self.backoff || running != self.running || retrying != self.retrying {
            return Err(format!(
                "counters drifted: queue {queued}/{} backoff {backoff}/{} running {running}/{} retrying {retrying}/{}",
                self.queue.len(),
                self.backoff,
                self.running,
                self.retrying
            ));
        }
        if self.running > self.cfg.max_concurrent {
            return Err(format!("{} running > maxConcurrent {}", self.running, self.cfg.max_concurrent));
        }
        let m = self.metrics();
        if !m.accounted() {
            return Err(format!("accounting invariant broken: {:?}", m.counts));
        }
        Ok(())
    }
}

struct Inner<R: Runner> {
    core: RefCell<Core<R>>,
    runner: R,
    env: Rc<dyn Env>,
    me: Weak<Inner<R>>,
    pumping: Cell<bool>,
    timer: Cell<Option<(TimerId, f64)>>,
}

/// The dispatcher. Cloning gives another handle to the same dispatcher.
pub struct Dispatcher<R: Runner> {
    inner: Rc<Inner<R>>,
}

impl<R: Runner> Clone for Dispatcher<R> {
    fn clone(&self) -> Self {
        Dispatcher { inner: self.inner.clone() }
    }
}

/// What a runner uses to report the end of an attempt. Holds the dispatcher weakly, so running
/// jobs do not keep a dropped dispatcher alive.
pub struct Handle<R: Runner>(Weak<Inner<R>>);

impl<R: Runner> Clone for Handle<R> {
    fn clone(&self) -> Self {
        Handle(self.0.clone())
    }
}

impl<R: Runner> Handle<R> {
    /// Reports the end of attempt `attempt` of task `id`. Late reports (after a timeout or a
    /// cancel) are ignored.
    pub fn settle(&self, id: TaskId, attempt: u32, result: std::result::Result<R::Value, Failure<R::Value>>) {
        if let Some(inner) = self.0.upgrade() {
            inner.settle(AttemptInfo { id, attempt }, result);
        }
    }
    pub fn dispatcher(&self) -> Option<Dispatcher<R>> {
        self.0.upgrade().map(|inner| Dispatcher { inner })
    }
}

impl<R: Runner> Inner<R> {
    fn run_effects(&self, fx: Effects<R>) {
        for e in fx {
            match e {
                Effect::Abort(h, reason) => self.runner.abort(h, reason),
                Effect::RunnerNotify(id, outcome) => self.runner.notify(id, outcome),
                Effect::Notify(ws, outcome) => {
                    let n = ws.len();
                    let mut outcome = Some(outcome);
                    for (i, w) in ws.into_iter().enumerate() {
                        let o = if i + 1 == n { outcome.take() } else { outcome.clone() };
                        if let Some(o) = o {
                            w(o);
                        }
                    }
                }
                Effect::Idle(ws) => {
                    for w in ws {
                        w();
                    }
                }
            }
        }
    }

    /// Starts tasks while slots are free. A nested call (a job submitting work while being
    /// started) returns at once: the outer loop picks the new work up.
    fn pump(&self) {
        if self.pumping.replace(true) {
            return;
        }
        let handle = Handle(self.me.clone());
        loop {
            let now = self.env.now_ms();
            let next = self.core.borrow_mut().next_start(now);
            let Some((info, job)) = next else { break };
            let res = self.runner.start(&job, info, &handle);
            let mut fx = Vec::new();
            // Only a synchronous failure needs the end time; success reuses the start time.
            let end = if res.is_err() { self.env.now_ms() } else { now };
            self.core.borrow_mut().started(info, res, end, &mut fx);
            if !fx.is_empty() {
                self.run_effects(fx);
            }
        }
        self.pumping.set(false);
    }

    /// Keeps one host timer armed at (or before) the earliest live deadline. An armed timer that
    /// is earlier than needed is kept: it wakes, finds nothing due and re-arms. This avoids a
    /// clear/set pair per task when every task carries a timeout.
    fn sync_timer(&self) {
        let want = self.core.borrow_mut().next_deadline();
        match (self.timer.get(), want) {
            (None, None) => {}
            (Some((id, _)), None) => {
                self.timer.set(None);
                self.env.clear_timer(id);
            }
            (Some((_, at)), Some(w)) if at <= w => {}
            (armed, Some(w)) => {
                if let Some((id, _)) = armed {
                    self.env.clear_timer(id);
                }
                let me = self.me.clone();
                let id = self.env.set_timer(
                    w,
                    Box::new(move || {
                        if let Some(inner) = me.upgrade() {
                            inner.on_timer();
                        }
                    }),
                );
                self.timer.set(Some((id, w)));
            }
        }
    }

    fn on_timer(&self) {
        self.timer.set(None);
        let mut fx = Vec::new();
        self.core.borrow_mut().fire_due(self.env.now_ms(), &mut fx);
        self.after(fx);
    }

    /// Common tail of every entry point: effects, then new starts, then the timer.
    fn after(&self, fx: Effects<R>) {
        if !fx.is_empty() {
            self.run_effects(fx);
        }
        self.pump();
        self.sync_timer();
    }

    fn settle(&self, info: AttemptInfo, result: std::result::Result<R::Value, Failure<R::Value>>) {
        let mut fx = Vec::new();
        self.core.borrow_mut().settle(info, result, self.env.now_ms(), &mut fx);
        self.after(fx);
    }
}

impl<R: Runner> Dispatcher<R> {
    pub fn new(env: Rc<dyn Env>, runner: R, config: DispatcherConfig) -> Result<Self> {
        config.validate()?;
        let inner = Rc::new_cyclic(|me| Inner {
            core: RefCell::new(Core::new(config)),
            runner,
            env,
            me: me.clone(),
            pumping: Cell::new(false),
            timer: Cell::new(None),
        });
        Ok(Dispatcher { inner })
    }

    pub fn env(&self) -> &Rc<dyn Env> {
        &self.inner.env
    }
    pub fn runner(&self) -> &R {
        &self.inner.runner
    }
    pub fn handle(&self) -> Handle<R> {
        Handle(Rc::downgrade(&self.inner))
    }

    /// Queues a task; it starts as soon as a slot is free (possibly before this returns).
    pub fn submit(&self, name: &str, job: R::Job, opts: &SubmitOptions) -> Result<TaskId> {
        let mut fx = Vec::new();
        let now = self.inner.env.now_ms();
        let id = self.inner.core.borrow_mut().submit(name, job, opts, now, &mut fx);
        self.inner.after(fx);
        id
    }

    /// Calls `cb` with the task's outcome once it is finished (at once if it already is). An id
    /// that is unknown (never issued, or evicted from the reporter) gets an INVALID_INPUT error.
    pub fn on_result(&self, id: TaskId, cb: Box<dyn FnOnce(Outcome<R::Value>)>) {
        let outcome = {
            let mut core = self.inner.core.borrow_mut();
            if let Some(t) = core.tasks.get_mut(&id) {
                t.waiters.push(cb);
                return;
            }
            core.finished_outcome(id)
        };
        cb(outcome);
    }

    /// Like `on_result`, but a live task's outcome is delivered through `Runner::notify`
    /// (once, however many times this is called); a finished task's outcome is returned.
    pub fn wait_in_runner(&self, id: TaskId) -> WaitState<R::Value> {
        let mut core = self.inner.core.borrow_mut();
        if let Some(t) = core.tasks.get_mut(&id) {
            t.runner_waiter = true;
            return WaitState::Pending;
        }
        WaitState::Done(core.finished_outcome(id))
    }

    /// Calls `cb` when nothing is queued, retrying or running (at once if so already).
    pub fn on_idle(&self, cb: Box<dyn FnOnce()>) {
        let now_idle = {
            let mut core = self.inner.core.borrow_mut();
            if core.tasks.is_empty() {
                Some(cb)
            } else {
                core.idle_waiters.push(cb);
                None
            }
        };
        if let Some(cb) = now_idle {
            cb();
        }
    }

    pub fn status(&self, id: TaskId) -> Option<Status> {
        let core = self.inner.core.borrow();
        core.tasks.get(&id).map(|t| t.status).or_else(|| core.reporter.get(id).map(|r| r.status))
    }

    pub fn info(&self, id: TaskId) -> Option<TaskInfo> {
        self.inner.core.borrow().task_info(id)
    }

    /// Cancels a queued, retrying or running task (a running attempt gets its abort signal).
    /// Returns false if the task is unknown or already finished.
    pub fn cancel(&self, id: TaskId) -> bool {
        let mut fx = Vec::new();
        let now = self.inner.env.now_ms();
        let done = self.inner.core.borrow_mut().cancel(id, AbortReason::Cancelled, now, &mut fx);
        self.inner.after(fx);
        done
    }

    /// Stops starting new attempts; running ones continue.
    pub fn pause(&self) {
        self.inner.core.borrow_mut().paused = true;
    }

    pub fn resume(&self) {
        self.inner.core.borrow_mut().paused = false;
        self.inner.after(Vec::new());
    }

    pub fn is_paused(&self) -> bool {
        self.inner.core.borrow().paused
    }

    pub fn metrics(&self) -> MetricsSnapshot {
        self.inner.core.borrow().metrics()
    }

    pub fn failed_summary(&self) -> FailedSummary {
        self.inner.core.borrow().failed_summary()
    }

    /// `(submitted, counts)` without the latency summaries: cheap enough to call on every step.
    pub fn counts(&self) -> (u64, StatusCounts) {
        let core = self.inner.core.borrow();
        let mut c = core.counts;
        c.queued = core.waiting() as u64;
        c.running = core.running as u64;
        c.retrying = core.retrying as u64;
        (core.submitted, c)
    }

    /// Forgets finished records older than `max_age_ms` (counters are kept); returns how many.
    pub fn clear_completed(&self, max_age_ms: f64) -> usize {
        let now = self.inner.env.now_ms();
        let max_age = if max_age_ms.is_nan() { 0.0 } else { max_age_ms.max(0.0) };
        self.inner.core.borrow_mut().reporter.remove_finished_before(now - max_age)
    }

    /// Stops accepting tasks. Graceful: queued and retrying tasks still run (pause is lifted);
    /// after `deadline_ms` whatever is left is cancelled. Not graceful: everything is cancelled
    /// now and running attempts are aborted. `done` runs once nothing is left.
    pub fn shutdown(&self, graceful: bool, deadline_ms: Option<f64>, done: Box<dyn FnOnce()>) {
        let mut fx = Vec::new();
        let now = self.inner.env.now_ms();
        {
            let mut core = self.inner.core.borrow_mut();
            core.closed = true;
            core.paused = false;
            if !graceful {
                core.cancel_all(AbortReason::Shutdown, now, &mut fx);
            } else if let Some(d) = deadline_ms {
                let d = if d.is_nan() { 0.0 } else { d.max(0.0) };
                core.deadlines.push(Reverse(Deadline { at: OrdF64(now + d), kind: DeadlineKind::Shutdown }));
            }
        }
        self.inner.after(fx);
        self.on_idle(done);
    }

    pub fn is_shut_down(&self) -> bool {
        self.inner.core.borrow().closed
    }

    /// Verifies internal bookkeeping and the accounting invariant (for tests and debugging).
    pub fn check_invariants(&self) -> std::result::Result<(), String> {
        self.inner.core.borrow().check()
    }
}

/// A Rust job: called once per attempt with that attempt's abort signal.
pub type JobFn<V> = Rc<dyn Fn(AbortSignal) -> LocalBoxFuture<'static, std::result::Result<V, String>>>;

/// Runs Rust futures on the env's spawner. An aborted attempt's future is dropped, so the work
/// stops at its next await even if it never looks at the signal.
pub struct FutureRunner<V> {
    env: Rc<dyn Env>,
    _v: std::marker::PhantomData<V>,
}

impl<V> FutureRunner<V> {
    pub fn new(env: Rc<dyn Env>) -> Self {
        FutureRunner { env, _v: std::marker::PhantomData }
    }
}

impl<V: Clone + 'static> Runner for FutureRunner<V> {
    type Job = JobFn<V>;
    type Value = V;
    type Attempt = AbortSignal;

    fn start(&self, job: &JobFn<V>, info: AttemptInfo, handle: &Handle<Self>) -> std::result::Result<AbortSignal, Failure<V>> {
        let signal = AbortSignal::new();
        let fut = job(signal.clone());
        let aborted = signal.aborted();
        let handle = handle.clone();
        self.env.spawn(Box::pin(async move {
            match futures::future::select(fut, aborted).await {
                Either::Left((res, _)) => handle.settle(info.id, info.attempt, res.map_err(Failure::msg)),
                // The dispatcher already accounted for the abort; nothing to report.
                Either::Right(_) => {}
            }
        }));
        Ok(signal)
    }

    fn abort(&self, attempt: AbortSignal, reason: AbortReason) {
        attempt.abort(reason);
    }
}

pub type FutureDispatcher<V> = Dispatcher<FutureRunner<V>>;

impl<V: Clone + 'static> Dispatcher<FutureRunner<V>> {
    /// A dispatcher for Rust futures on `env`.
    pub fn for_futures(env: Rc<dyn Env>, config: DispatcherConfig) -> Result<Self> {
        let runner = FutureRunner::new(env.clone());
        Dispatcher::new(env, runner, config)
    }

    /// Submits an async closure, called once per attempt with the attempt's abort signal.
    pub fn submit_fn<F, Fut>(&self, name: &str, opts: &SubmitOptions, f: F) -> Result<TaskId>
    where
        F: Fn(AbortSignal) -> Fut + 'static,
        Fut: Future<Output = std::result::Result<V, String>> + 'static,
    {
        let job: JobFn<V> = Rc::new(move |sig| Box::pin(f(sig)));
        self.submit(name, job, opts)
    }

    /// The task's outcome, as a future.
    pub fn result(&self, id: TaskId) -> impl Future<Output = Outcome<V>> {
        let (tx, rx) = futures::channel::oneshot::channel();
        self.on_result(id, Box::new(move |o| {
            let _ = tx.send(o);
        }));
        async move {
            rx.await.unwrap_or_else(|_| {
                Err(TaskError { error: Error::new(ErrorCode::Internal, "the dispatcher was dropped"), cause: None })
            })
        }
    }

    /// Resolves when nothing is queued, retrying or running.
    pub fn idle(&self) -> impl Future<Output = ()> {
        let (tx, rx) = futures::channel::oneshot::channel();
        self.on_idle(Box::new(move || {
            let _ = tx.send(());
        }));
        async move {
            let _ = rx.await;
        }
    }
}
