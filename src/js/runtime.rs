//! JS wrappers of the runtime: `Dispatcher`, `Scheduler`, `PerformanceMonitor`,
//! `ServiceContainer`, plus the wasm [`Env`] (performance.now, gloo-timers, spawn_local).
//!
//! Every exported method takes `&self`, and the Rust state behind it is never borrowed while JS
//! runs, so user callbacks may call back into these objects synchronously.

use super::convert::to_js;
use super::errors::{invalid_input, to_js_error, JsResult};
use crate::runtime::clock::{AbortReason, Clock, Env, TimerId};
use crate::runtime::dispatcher::{AttemptInfo, Failure, Handle, Outcome, Runner, TaskError, TaskId, WaitState};
use crate::runtime::container::{Component, ComponentKind, ServiceContainer};
use crate::runtime::scheduler::{JobOptions, MissedRunPolicy, Schedule, Scheduler, DEFAULT_GRACE_MS};
use crate::runtime::{monitor, Dispatcher as CoreDispatcher, DispatcherConfig, IdMap, PerformanceMonitor, SubmitOptions};
use crate::Error;
use futures::future::LocalBoxFuture;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(inline_js = r#"
const clock = (typeof performance !== 'undefined' && typeof performance.now === 'function') ? performance : Date;
export function now_ms() { return clock.now(); }
// Creating an AbortSignal costs microseconds in Node (more than the rest of a task), so it is
// skipped for functions that provably cannot see it: no declared parameter and no `arguments`,
// rest parameter or native (bound) body. The verdict is cached per function.
const signalVerdict = new WeakMap();
function wantsSignal(fn) {
  if (fn.length > 0) return true;
  let w = signalVerdict.get(fn);
  if (w === undefined) {
    try {
      w = /\.\.\.|\barguments\b|\[native code\]/.test(Function.prototype.toString.call(fn));
    } catch (_) {
      w = true; // source not readable: be safe and pass the signal
    }
    signalVerdict.set(fn, w);
  }
  return w;
}
export function run_task(fn, settle, id, attempt) {
  const c = wantsSignal(fn) ? new AbortController() : undefined;
  const p = c === undefined ? fn() : fn(c.signal);
  // Promise.resolve returns a native promise as is and adopts other thenables asynchronously,
  // so settle never runs inside this call.
  Promise.resolve(p).then((v) => settle(id, attempt, true, v), (e) => settle(id, attempt, false, e));
  return c;
}
export function track_async(p, t0, record, name) {
  return p.then((v) => { record(name, clock.now() - t0, true, undefined); return v; },
                (e) => { record(name, clock.now() - t0, false, e); throw e; });
}
// Per-dispatcher waiters of result(): id -> {p, res, rej}; one promise per task however many
// times result() is called.
export function wait_for(map, id) {
  let e = map.get(id);
  if (e === undefined) {
    e = {};
    e.p = new Promise((res, rej) => { e.res = res; e.rej = rej; });
    map.set(id, e);
  }
  return e.p;
}
export function notify_waiter(map, id, ok, v) {
  const e = map.get(id);
  if (e !== undefined) { map.delete(id); if (ok) e.res(v); else e.rej(v); }
}
export class Deferred {
  constructor() { this.promise = new Promise((res, rej) => { this.res = res; this.rej = rej; }); }
  settle(ok, v) { if (ok) this.res(v); else this.rej(v); }
}
export function abort_task(c, reason) { if (c !== undefined) c.abort(reason); }
export function error_message(e) {
  try {
    if (e !== null && typeof e === 'object' && typeof e.message === 'string') return e.message;
    return String(e);
  } catch (_) {
    return 'non-printable error';
  }
}
export function call_maybe_async(fn) {
  const t0 = clock.now();
  let r;
  try { r = fn(); } catch (e) { return { sync: true, ok: false, value: e, ms: clock.now() - t0 }; }
  if (r !== null && (typeof r === 'object' || typeof r === 'function') && typeof r.then === 'function') {
    return { sync: false, promise: Promise.resolve(r), t0 };
  }
  return { sync: true, ok: true, value: r, ms: clock.now() - t0 };
}
"#)]
extern "C" {
    fn now_ms() -> f64;
    #[wasm_bindgen(catch)]
    fn run_task(f: &js_sys::Function, settle: &JsValue, id: f64, attempt: u32) -> Result<JsValue, JsValue>;
    fn abort_task(controller: &JsValue, reason: &JsValue);
    fn error_message(e: &JsValue) -> String;
    fn call_maybe_async(f: &js_sys::Function) -> JsValue;
    fn track_async(p: &JsValue, t0: f64, record: &JsValue, name: &str) -> js_sys::Promise;
    fn wait_for(map: &js_sys::Map, id: f64) -> js_sys::Promise;
    fn notify_waiter(map: &js_sys::Map, id: f64, ok: bool, v: &JsValue);

    type Deferred;
    #[wasm_bindgen(constructor)]
    fn new() -> Deferred;
    #[wasm_bindgen(method, getter)]
    fn promise(this: &Deferred) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn settle(this: &Deferred, ok: bool, v: &JsValue);
}

/// The wasm host: monotonic time from `performance.now()` (Date.now() where there is none),
/// wall time from `Date.now()`, one-shot gloo-timers, futures on the microtask queue.
pub struct JsEnv {
    next: Cell<u64>,
    timers: Rc<RefCell<IdMap<u64, Timeout>>>,
    // Fired timers are parked here and dropped on the next timer call, not inside their own
    // callback.
    fired: Rc<RefCell<Vec<Timeout>>>,
}

impl JsEnv {
    fn new() -> Self {
        JsEnv { next: Cell::new(1), timers: Default::default(), fired: Default::default() }
    }
}

impl Clock for JsEnv {
    fn now_ms(&self) -> f64 {
        now_ms()
    }
    fn wall_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

/// setTimeout's delay is a signed 32-bit millisecond count; longer waits wake early and re-arm.
const MAX_DELAY_MS: f64 = 2_147_483_647.0;

impl Env for JsEnv {
    fn set_timer(&self, at_ms: f64, callback: Box<dyn FnOnce()>) -> TimerId {
        self.fired.borrow_mut().clear();
        let id = self.next.get();
        self.next.set(id + 1);
        let delay = (at_ms - self.now_ms()).ceil();
        let delay = if delay.is_nan() { 0.0 } else { delay.clamp(0.0, MAX_DELAY_MS) } as u32;
        let (timers, fired) = (self.timers.clone(), self.fired.clone());
        let t = Timeout::new(delay, move || {
            let me = timers.borrow_mut().remove(&id);
            if let Some(me) = me {
                fired.borrow_mut().push(me);
            }
            callback();
        });
        self.timers.borrow_mut().insert(id, t);
        TimerId(id)
    }

    fn clear_timer(&self, id: TimerId) {
        self.fired.borrow_mut().clear();
        let t = self.timers.borrow_mut().remove(&id.0);
        drop(t);
    }

    fn spawn(&self, fut: LocalBoxFuture<'static, ()>) {
        wasm_bindgen_futures::spawn_local(fut);
    }
}

thread_local! {
    static ENV: Rc<JsEnv> = Rc::new(JsEnv::new());
}

/// The shared wasm host (one per instance).
pub fn env() -> Rc<dyn Env> {
    ENV.with(|e| e.clone() as Rc<dyn Env>)
}

fn js_error_with_cause(e: TaskError<JsValue>) -> JsValue {
    let v = to_js_error(&e.error);
    if let Some(cause) = e.cause {
        let _ = js_sys::Reflect::set(&v, &"cause".into(), &cause);
    }
    v
}

fn abort_reason_error(reason: AbortReason) -> Error {
    match reason {
        AbortReason::Timeout => Error::timeout("the attempt timed out; stop the work").with("reason", "timeout"),
        AbortReason::Cancelled => Error::cancelled("the task was cancelled; stop the work").with("reason", "cancelled"),
        AbortReason::Shutdown => {
            Error::cancelled("the dispatcher is shutting down; stop the work").with("reason", "shutdown")
        }
    }
}

/// Runs JS async functions: one `AbortController` per attempt, one shared settle callback.
pub struct JsRunner {
    settle: OnceCell<JsValue>,
    waiters: js_sys::Map,
}

impl Runner for JsRunner {
    type Job = js_sys::Function;
    type Value = JsValue;
    type Attempt = JsValue;

    fn start(&self, job: &js_sys::Function, info: AttemptInfo, handle: &Handle<Self>) -> Result<JsValue, Failure<JsValue>> {
        let settle = self.settle.get_or_init(|| {
            let handle = handle.clone();
            Closure::<dyn Fn(f64, u32, bool, JsValue)>::new(move |id: f64, attempt: u32, ok: bool, v: JsValue| {
                let res = if ok { Ok(v) } else { Err(Failure { message: error_message(&v), cause: Some(v) }) };
                handle.settle(id as u64, attempt, res);
            })
            .into_js_value()
        });
        run_task(job, settle, info.id as f64, info.attempt)
            .map_err(|e| Failure { message: error_message(&e), cause: Some(e) })
    }

    fn abort(&self, attempt: JsValue, reason: AbortReason) {
        abort_task(&attempt, &to_js_error(&abort_reason_error(reason)));
    }

    fn notify(&self, id: TaskId, outcome: Outcome<JsValue>) {
        match outcome {
            Ok(v) => notify_waiter(&self.waiters, id as f64, true, &v),
            Err(e) => notify_waiter(&self.waiters, id as f64, false, &js_error_with_cause(e)),
        }
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn param_error(name: &str, what: &str, got: &JsValue) -> JsValue {
    let shown = if got.is_string() { got.as_string().unwrap_or_default() } else { error_message(got) };
    to_js_error(
        &Error::invalid_parameter(format!("option '{name}' must be {what}, got {shown}")).with("parameter", name),
    )
}

fn opt_f64(obj: &JsValue, key: &str) -> JsResult<Option<f64>> {
    let v = get(obj, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| param_error(key, "a number", &v))
}

fn opt_int(obj: &JsValue, key: &str, min: f64, max: f64) -> JsResult<Option<f64>> {
    match opt_f64(obj, key)? {
        None => Ok(None),
        Some(x) if x.is_finite() && x.fract() == 0.0 && x >= min && x <= max => Ok(Some(x)),
        Some(x) => Err(param_error(key, &format!("an integer in [{min}, {max}]"), &JsValue::from_f64(x))),
    }
}

fn opt_bool(obj: &JsValue, key: &str) -> JsResult<Option<bool>> {
    let v = get(obj, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| param_error(key, "a boolean", &v))
}

/// Refuses keys outside `known`, so a typo does not silently fall back to a default.
fn check_keys(obj: &JsValue, known: &[&str], what: &str) -> JsResult<()> {
    if is_absent(obj) {
        return Ok(());
    }
    if !obj.is_object() {
        return Err(invalid_input(format!("{what} must be an object")));
    }
    for k in js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>()).iter() {
        let k = k.as_string().unwrap_or_default();
        if !known.contains(&k.as_str()) {
            return Err(to_js_error(
                &Error::invalid_parameter(format!("unknown {what} key '{k}'; known keys: {}", known.join(", ")))
                    .with("parameter", k.as_str()),
            ));
        }
    }
    Ok(())
}

fn js_to_json(v: &JsValue, what: &str) -> JsResult<serde_json::Value> {
    if is_absent(v) {
        return Ok(serde_json::Value::Null);
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| invalid_input(format!("{what}: {e}")))
}

fn settle_deferred(def: &Deferred, outcome: Outcome<JsValue>) {
    match outcome {
        Ok(v) => def.settle(true, &v),
        Err(e) => def.settle(false, &js_error_with_cause(e)),
    }
}

/// Reads a string argument. Exported functions take `JsValue` instead of `&str` because the
/// generated glue does not type-check strings in release builds: a number there traps the module.
fn js_string(v: &JsValue, what: &str) -> JsResult<String> {
    v.as_string().ok_or_else(|| invalid_input(format!("{what} must be a string, got {}", error_message(v))))
}

fn js_opt_string(v: &JsValue, what: &str) -> JsResult<Option<String>> {
    if is_absent(v) {
        Ok(None)
    } else {
        js_string(v, what).map(Some)
    }
}

/// wasm-bindgen does not type-check `Function` parameters; a non-function would only fail later.
fn require_function(f: &js_sys::Function, what: &str) -> JsResult<()> {
    if f.is_function() {
        Ok(())
    } else {
        Err(invalid_input(format!("{what}: the task must be a function (async or not), got {}", error_message(f))))
    }
}

fn task_id(id: f64) -> JsResult<u64> {
    if id.is_finite() && id >= 1.0 && id.fract() == 0.0 {
        Ok(id as u64)
    } else {
        Err(invalid_input(format!("task id must be a positive integer returned by submit(), got {id}")))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const RUNTIME_TS: &'static str = r#"
export interface DispatcherOptions {
  maxConcurrent?: number; maxQueue?: number; overflow?: 'reject' | 'drop_lowest';
  defaultTimeoutMs?: number; maxRetries?: number; retryDelayMs?: number; maxRetryDelayMs?: number;
  reporterSize?: number; seed?: number;
}
export interface SubmitOptions { priority?: number; timeoutMs?: number; maxRetries?: number; }
export type TaskStatus = 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'cancelled' | 'dropped';
export interface LatencySummary { count: number; avg: number; min: number; p50: number; p95: number; p99: number; max: number; }
export interface StatusCounts {
  queued: number; running: number; retrying: number; completed: number; failed: number;
  timedOut: number; cancelled: number; dropped: number;
}
export interface NameMetrics {
  submitted: number; rejected: number; active: number; completed: number; failed: number; timedOut: number;
  cancelled: number; dropped: number; successRate?: number; queueWait: LatencySummary; runTime: LatencySummary;
}
export interface DispatcherMetrics {
  submitted: number; rejected: number; counts: StatusCounts; successRate?: number; retries: number;
  attemptTimeouts: number; attemptFailures: number; queueWait: LatencySummary; runTime: LatencySummary;
  byName: Record<string, NameMetrics>; maxConcurrent: number; paused: boolean; shutDown: boolean;
  reporter: { size: number; capacity: number; evicted: number };
}
export interface ClassCounts { timeout: number; exception: number; dropped: number; }
export interface FailedSummary {
  total: number; byClass: ClassCounts; byName: Record<string, ClassCounts>;
  recent: { id: number; name: string; class: 'timeout' | 'exception' | 'dropped'; message: string; attempts: number; at: number }[];
}
export interface TaskInfo {
  id: number; name: string; status: TaskStatus; priority: number; attempts: number;
  submittedAt: number; startedAt?: number; finishedAt?: number; error?: string;
}
export type JobSchedule = { everyMs: number; startAt?: number } | { daily: string } | { weekly: string };
export interface JobOptions extends SubmitOptions { missed?: 'skip' | 'catch_up_once'; }
export interface JobInfo {
  id: number; name: string; schedule: string; missed: 'skip' | 'catch_up_once'; nextRunAt?: number; running: boolean;
  runs: number; completed: number; failed: number; skippedMissed: number; skippedOverlap: number; caughtUp: number;
  lastRunAt?: number; lastStatus?: TaskStatus; lastError?: string; timerLag: LatencySummary;
}
export interface OpRecord { name: string; durationMs: number; success: boolean; at: number; error?: string; }
export interface OpSummary {
  total: number; successes: number; failures: number; successRate?: number; avgMs: number; minMs: number;
  p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number;
}
export interface LagSummary { running: boolean; intervalMs: number; samples: number; avg: number; p50: number; p95: number; p99: number; max: number; }
export interface Component { initialize?(): unknown; cleanup?(): unknown; }
export interface ComponentStatus {
  name: string; kind: 'service' | 'analyzer';
  state: 'registered' | 'initializing' | 'ready' | 'failed' | 'cleaning_up' | 'stopped'; error?: string;
}
"#;

/// A priority task queue for JS async functions. See docs/runtime.md.
#[wasm_bindgen(js_name = Dispatcher)]
pub struct JsDispatcher {
    d: CoreDispatcher<JsRunner>,
}

impl JsDispatcher {
    pub(crate) fn core(&self) -> &CoreDispatcher<JsRunner> {
        &self.d
    }
}

#[wasm_bindgen(js_class = Dispatcher)]
impl JsDispatcher {
    /// `new Dispatcher({maxConcurrent, maxQueue, overflow, defaultTimeoutMs, maxRetries,
    /// retryDelayMs, maxRetryDelayMs, reporterSize, seed})`; every key is optional.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_optional_param_type = "DispatcherOptions")] options: JsValue) -> JsResult<JsDispatcher> {
        let mut json = js_to_json(&options, "Dispatcher options")?;
        // JSON has no Infinity: serde-wasm-bindgen turns it into a huge float or fails, so map it.
        if let Some(q) = opt_f64(&options, "maxQueue")? {
            if q.is_infinite() && q > 0.0 {
                if let Some(o) = json.as_object_mut() {
                    o.insert("maxQueue".into(), serde_json::Value::Null);
                }
            }
        }
        let cfg = DispatcherConfig::from_json(&json)?;
        let d = CoreDispatcher::new(env(), JsRunner { settle: OnceCell::new(), waiters: js_sys::Map::new() }, cfg)?;
        Ok(JsDispatcher { d })
    }

    /// Queues `fn(signal)`; returns the task id. Options: `{priority, timeoutMs, maxRetries}`.
    pub fn submit(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(signal: AbortSignal) => unknown")] f: js_sys::Function,
        #[wasm_bindgen(unchecked_optional_param_type = "SubmitOptions")] options: JsValue,
    ) -> JsResult<f64> {
        let name = js_string(&name, "submit: the task name")?;
        require_function(&f, "submit")?;
        let opts = if is_absent(&options) {
            SubmitOptions::default()
        } else {
            check_keys(&options, &["priority", "timeoutMs", "maxRetries"], "submit option")?;
            SubmitOptions {
                priority: opt_int(&options, "priority", i32::MIN as f64, i32::MAX as f64)?.map_or(0, |p| p as i32),
                timeout_ms: opt_f64(&options, "timeoutMs")?,
                max_retries: opt_int(&options, "maxRetries", 0.0, u32::MAX as f64)?.map(|r| r as u32),
            }
        };
        Ok(self.d.submit(&name, f, &opts)? as f64)
    }

    /// A promise of the task's value; rejects with the task's typed error. With
    /// `{timeoutMs}` it rejects with TIMEOUT if the task is not done by then (the task goes on).
    pub fn result(&self, id: f64, #[wasm_bindgen(unchecked_optional_param_type = "{ timeoutMs?: number }")] options: JsValue) -> JsResult<js_sys::Promise> {
        let id = task_id(id)?;
        let wait = if is_absent(&options) {
            None
        } else {
            check_keys(&options, &["timeoutMs"], "result option")?;
            opt_f64(&options, "timeoutMs")?
        };
        if let Some(w) = wait {
            if !(w.is_finite() && w >= 0.0) {
                return Err(param_error("timeoutMs", "a finite number >= 0", &JsValue::from_f64(w)));
            }
        }
        let Some(w) = wait else {
            return Ok(match self.d.wait_in_runner(id) {
                WaitState::Pending => wait_for(&self.d.runner().waiters, id as f64),
                WaitState::Done(Ok(v)) => js_sys::Promise::resolve(&v),
                WaitState::Done(Err(e)) => js_sys::Promise::reject(&js_error_with_cause(e)),
            });
        };
        let def = Deferred::new();
        let promise = def.promise();
        let def = Rc::new(def);
        let d2 = def.clone();
        let timer = Rc::new(RefCell::new(Some(Timeout::new(w.ceil().min(MAX_DELAY_MS) as u32, move || {
            let e = Error::timeout(format!(
                "result({id}) gave up after {w} ms and the task is not finished; wait longer or cancel it"
            ))
            .with("id", id)
            .with("waitedMs", w)
            .with("reason", "result_wait");
            d2.settle(false, &to_js_error(&e));
        }))));
        self.d.on_result(
            id,
            Box::new(move |o| {
                // Settled first: the wait timer is no longer needed.
                let t = timer.borrow_mut().take();
                drop(t);
                settle_deferred(&def, o);
            }),
        );
        Ok(promise)
    }

    /// `'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'cancelled' |
    /// 'dropped'`, or `undefined` for an unknown (or evicted) id.
    #[wasm_bindgen(unchecked_return_type = "TaskStatus | undefined")]
    pub fn status(&self, id: f64) -> Option<String> {
        let id = task_id(id).ok()?;
        self.d.status(id).map(|s| s.as_str().to_string())
    }

    /// `{id, name, status, priority, attempts, submittedAt, startedAt, finishedAt, error}`.
    #[wasm_bindgen(unchecked_return_type = "TaskInfo | undefined")]
    pub fn info(&self, id: f64) -> JsResult<JsValue> {
        let id = task_id(id)?;
        match self.d.info(id) {
            Some(i) => to_js(&i),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Cancels a queued, retrying or running task; its AbortSignal fires. False if unknown or done.
    pub fn cancel(&self, id: f64) -> bool {
        task_id(id).map(|id| self.d.cancel(id)).unwrap_or(false)
    }

    pub fn pause(&self) {
        self.d.pause();
    }

    pub fn resume(&self) {
        self.d.resume();
    }

    #[wasm_bindgen(getter, js_name = isPaused)]
    pub fn is_paused(&self) -> bool {
        self.d.is_paused()
    }

    #[wasm_bindgen(unchecked_return_type = "DispatcherMetrics")]
    pub fn metrics(&self) -> JsResult<JsValue> {
        to_js(&self.d.metrics())
    }

    #[wasm_bindgen(js_name = failedSummary, unchecked_return_type = "FailedSummary")]
    pub fn failed_summary(&self) -> JsResult<JsValue> {
        to_js(&self.d.failed_summary())
    }

    /// Forgets finished records older than `maxAgeMs` (0 = all); returns how many were removed.
    #[wasm_bindgen(js_name = clearCompleted)]
    pub fn clear_completed(&self, max_age_ms: Option<f64>) -> u32 {
        self.d.clear_completed(max_age_ms.unwrap_or(0.0)) as u32
    }

    /// Resolves (with no value) when nothing is queued, retrying or running.
    #[wasm_bindgen(js_name = onIdle, unchecked_return_type = "Promise<void>")]
    pub fn on_idle(&self) -> js_sys::Promise {
        let def = Deferred::new();
        let promise = def.promise();
        self.d.on_idle(Box::new(move || def.settle(true, &JsValue::UNDEFINED)));
        promise
    }

    /// `shutdown({graceful = true, deadlineMs})`: stops accepting tasks; resolves with the final
    /// metrics once every task has finished (or was cancelled at the deadline).
    #[wasm_bindgen(unchecked_return_type = "Promise<DispatcherMetrics>")]
    pub fn shutdown(&self, #[wasm_bindgen(unchecked_optional_param_type = "{ graceful?: boolean; deadlineMs?: number }")] options: JsValue) -> JsResult<js_sys::Promise> {
        check_keys(&options, &["graceful", "deadlineMs"], "shutdown option")?;
        let graceful = opt_bool(&options, "graceful")?.unwrap_or(true);
        let deadline = opt_f64(&options, "deadlineMs")?;
        if let Some(dl) = deadline {
            if dl.is_nan() || dl < 0.0 {
                return Err(param_error("deadlineMs", "a number >= 0", &JsValue::from_f64(dl)));
            }
        }
        let def = Deferred::new();
        let promise = def.promise();
        let weak = self.d.handle();
        self.d.shutdown(
            graceful,
            deadline.filter(|d| d.is_finite()),
            Box::new(move || match weak.dispatcher().map(|d| to_js(&d.metrics())) {
                Some(Ok(m)) => def.settle(true, &m),
                Some(Err(e)) => def.settle(false, &e),
                None => def.settle(true, &JsValue::UNDEFINED),
            }),
        );
        Ok(promise)
    }
}

fn job_id(id: f64) -> JsResult<u64> {
    if id.is_finite() && id >= 1.0 && id.fract() == 0.0 {
        Ok(id as u64)
    } else {
        Err(invalid_input(format!("job id must be a positive integer returned by addJob(), got {id}")))
    }
}

/// Interval, daily and weekly (UTC) jobs whose runs go through a `Dispatcher`.
#[wasm_bindgen(js_name = Scheduler)]
pub struct JsScheduler {
    s: Scheduler<JsRunner>,
}

#[wasm_bindgen(js_class = Scheduler)]
impl JsScheduler {
    /// `new Scheduler(dispatcher, {graceMs = 1000})`.
    #[wasm_bindgen(constructor)]
    pub fn new(dispatcher: &JsDispatcher, #[wasm_bindgen(unchecked_optional_param_type = "{ graceMs?: number }")] options: JsValue) -> JsResult<JsScheduler> {
        check_keys(&options, &["graceMs"], "Scheduler option")?;
        let grace = opt_f64(&options, "graceMs")?.unwrap_or(DEFAULT_GRACE_MS);
        Ok(JsScheduler { s: Scheduler::new(dispatcher.core().clone(), grace)? })
    }

    /// `addJob(name, fn, schedule, {priority, timeoutMs, maxRetries, missed})` → job id.
    /// `schedule`: `{everyMs, startAt?}`, `{daily: 'HH:MM[:SS]'}` or `{weekly: 'Mon HH:MM'}` (UTC).
    /// `missed`: `'skip'` (default) or `'catch_up_once'`.
    #[wasm_bindgen(js_name = addJob)]
    pub fn add_job(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(signal: AbortSignal) => unknown")] f: js_sys::Function,
        #[wasm_bindgen(unchecked_param_type = "JobSchedule")] schedule: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "JobOptions")] options: JsValue,
    ) -> JsResult<f64> {
        let name = js_string(&name, "addJob: the job name")?;
        require_function(&f, "addJob")?;
        let schedule = Schedule::from_json(&js_to_json(&schedule, "schedule")?)?;
        check_keys(&options, &["priority", "timeoutMs", "maxRetries", "missed"], "addJob option")?;
        let mut opts = JobOptions::default();
        if !is_absent(&options) {
            opts.submit = SubmitOptions {
                priority: opt_int(&options, "priority", i32::MIN as f64, i32::MAX as f64)?.map_or(0, |p| p as i32),
                timeout_ms: opt_f64(&options, "timeoutMs")?,
                max_retries: opt_int(&options, "maxRetries", 0.0, u32::MAX as f64)?.map(|r| r as u32),
            };
            let missed = get(&options, "missed");
            if !is_absent(&missed) {
                let m = missed.as_string().ok_or_else(|| param_error("missed", "'skip' or 'catch_up_once'", &missed))?;
                opts.missed = MissedRunPolicy::parse(&m)?;
            }
        }
        Ok(self.s.add_job(&name, f, schedule, opts)? as f64)
    }

    #[wasm_bindgen(js_name = removeJob)]
    pub fn remove_job(&self, id: f64) -> bool {
        job_id(id).map(|id| self.s.remove_job(id)).unwrap_or(false)
    }

    pub fn start(&self) {
        self.s.start();
    }

    pub fn stop(&self) {
        self.s.stop();
    }

    #[wasm_bindgen(getter, js_name = isStarted)]
    pub fn is_started(&self) -> bool {
        self.s.is_started()
    }

    /// Runs a job now (through the dispatcher) unless it is running; returns the task id.
    #[wasm_bindgen(js_name = runNow)]
    pub fn run_now(&self, id: f64) -> JsResult<Option<f64>> {
        Ok(self.s.run_now(job_id(id)?).map(|t| t as f64))
    }

    #[wasm_bindgen(unchecked_return_type = "JobInfo[]")]
    pub fn jobs(&self) -> JsResult<JsValue> {
        to_js(&self.s.jobs())
    }

    #[wasm_bindgen(unchecked_return_type = "JobInfo | undefined")]
    pub fn job(&self, id: f64) -> JsResult<JsValue> {
        match self.s.job(job_id(id)?) {
            Some(j) => to_js(&j),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Timer lag over all jobs: `{count, avg, min, p50, p95, p99, max}` in ms.
    #[wasm_bindgen(js_name = timerLag, unchecked_return_type = "LatencySummary")]
    pub fn timer_lag(&self) -> JsResult<JsValue> {
        to_js(&self.s.timer_lag())
    }
}

/// Operation timings, Prometheus exposition and an event-loop-lag probe.
#[wasm_bindgen(js_name = PerformanceMonitor)]
pub struct JsMonitor {
    m: PerformanceMonitor,
    record_fn: JsValue,
}

#[wasm_bindgen(js_class = PerformanceMonitor)]
impl JsMonitor {
    /// `new PerformanceMonitor({capacity = 1000})`: capacity bounds `lastN`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_optional_param_type = "{ capacity?: number }")] options: JsValue) -> JsResult<JsMonitor> {
        check_keys(&options, &["capacity"], "PerformanceMonitor option")?;
        let cap = opt_int(&options, "capacity", 0.0, 10_000_000.0)?.map_or(monitor::DEFAULT_CAPACITY, |c| c as usize);
        let m = PerformanceMonitor::new(env(), cap);
        let m2 = m.clone();
        let record_fn = Closure::<dyn Fn(String, f64, bool, JsValue)>::new(move |name: String, ms: f64, ok: bool, e: JsValue| {
            let err = if ok { None } else { Some(error_message(&e)) };
            m2.record(&name, ms, ok, err);
        })
        .into_js_value();
        Ok(JsMonitor { m, record_fn })
    }

    /// Calls `fn()` and times it. A sync result is returned as is (a throw is recorded and
    /// rethrown); a promise is returned chained, recording when it settles.
    pub fn track(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "() => unknown")] f: js_sys::Function,
    ) -> JsResult<JsValue> {
        let name = js_string(&name, "track: the operation name")?;
        let name = name.as_str();
        require_function(&f, "track")?;
        let r = call_maybe_async(&f);
        if get(&r, "sync").as_bool().unwrap_or(true) {
            let ok = get(&r, "ok").as_bool().unwrap_or(false);
            let value = get(&r, "value");
            let ms = get(&r, "ms").as_f64().unwrap_or(0.0);
            self.m.record(name, ms, ok, if ok { None } else { Some(error_message(&value)) });
            if ok {
                Ok(value)
            } else {
                Err(value)
            }
        } else {
            let t0 = get(&r, "t0").as_f64().unwrap_or(0.0);
            Ok(track_async(&get(&r, "promise"), t0, &self.record_fn, name).into())
        }
    }

    /// Records an operation measured elsewhere.
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        duration_ms: f64,
        success: Option<bool>,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] error: JsValue,
    ) -> JsResult<()> {
        let name = js_string(&name, "record: the operation name")?;
        let error = if is_absent(&error) { None } else { Some(error_message(&error)) };
        self.m.record(&name, duration_ms, success.unwrap_or(true), error);
        Ok(())
    }

    /// The newest `n` records, oldest first: `[{name, durationMs, success, at, error?}]`.
    #[wasm_bindgen(js_name = lastN, unchecked_return_type = "OpRecord[]")]
    pub fn last_n(&self, n: f64) -> JsResult<JsValue> {
        let n = if n.is_finite() && n > 0.0 { n as usize } else { 0 };
        to_js(&self.m.last_n(n))
    }

    /// `{total, successes, failures, successRate, avgMs, minMs, p50Ms, p95Ms, p99Ms, maxMs}` over
    /// every operation, or over `name`.
    #[wasm_bindgen(unchecked_return_type = "OpSummary")]
    pub fn summary(&self, #[wasm_bindgen(unchecked_optional_param_type = "string")] name: JsValue) -> JsResult<JsValue> {
        let name = js_opt_string(&name, "summary: the operation name")?;
        to_js(&self.m.summary(name.as_deref()))
    }

    /// `{ [name]: summary }`.
    #[wasm_bindgen(unchecked_return_type = "Record<string, OpSummary>")]
    pub fn summaries(&self) -> JsResult<JsValue> {
        to_js(&self.m.summaries())
    }

    pub fn clear(&self) {
        self.m.clear();
    }

    /// Prometheus text exposition (operations and event-loop lag).
    pub fn prometheus(&self) -> String {
        self.m.prometheus(None)
    }

    /// Same as `prometheus()`, plus the task metrics of `dispatcher`.
    #[wasm_bindgen(js_name = prometheusWith)]
    pub fn prometheus_with(&self, dispatcher: &JsDispatcher) -> String {
        self.m.prometheus(Some(&dispatcher.core().metrics()))
    }

    /// `startLagProbe({intervalMs = 10})`.
    #[wasm_bindgen(js_name = startLagProbe)]
    pub fn start_lag_probe(&self, #[wasm_bindgen(unchecked_optional_param_type = "{ intervalMs?: number }")] options: JsValue) -> JsResult<()> {
        check_keys(&options, &["intervalMs"], "lag probe option")?;
        let interval = opt_f64(&options, "intervalMs")?.unwrap_or(10.0);
        Ok(self.m.start_lag_probe(interval)?)
    }

    #[wasm_bindgen(js_name = stopLagProbe)]
    pub fn stop_lag_probe(&self) {
        self.m.stop_lag_probe();
    }

    /// `{running, intervalMs, samples, avg, p50, p95, p99, max}` in ms.
    #[wasm_bindgen(unchecked_return_type = "LagSummary")]
    pub fn lag(&self) -> JsResult<JsValue> {
        to_js(&self.m.lag())
    }
}

/// A component given to the container: any object with optional `initialize()` / `cleanup()`
/// methods (sync or async).
pub struct JsComponent {
    obj: JsValue,
}

impl JsComponent {
    fn call(&self, method: &str) -> LocalBoxFuture<'static, Result<(), String>> {
        let f = get(&self.obj, method);
        let Some(f) = f.dyn_ref::<js_sys::Function>() else {
            return Box::pin(async { Ok(()) });
        };
        match f.call0(&self.obj) {
            Err(e) => {
                let m = error_message(&e);
                Box::pin(async move { Err(m) })
            }
            Ok(v) => {
                let p = js_sys::Promise::resolve(&v);
                Box::pin(async move {
                    wasm_bindgen_futures::JsFuture::from(p).await.map(|_| ()).map_err(|e| error_message(&e))
                })
            }
        }
    }
}

impl Component for JsComponent {
    fn initialize(&self) -> LocalBoxFuture<'static, Result<(), String>> {
        self.call("initialize")
    }
    fn cleanup(&self) -> LocalBoxFuture<'static, Result<(), String>> {
        self.call("cleanup")
    }
}

/// Components with async `initialize`/`cleanup`: services first, analyzers after, cleanup in
/// reverse; a failed initialize cleans up what started and names the failing component.
#[wasm_bindgen(js_name = ServiceContainer)]
pub struct JsContainer {
    c: ServiceContainer<JsComponent>,
}

impl Default for JsContainer {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = ServiceContainer)]
impl JsContainer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsContainer {
        JsContainer { c: ServiceContainer::new() }
    }

    /// `register(name, component, {kind: 'service' | 'analyzer'})`; kind defaults to 'service'.
    pub fn register(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Component")] component: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ kind?: 'service' | 'analyzer' }")] options: JsValue,
    ) -> JsResult<()> {
        let name = js_string(&name, "register: the component name")?;
        let name = name.as_str();
        if !component.is_object() && !component.is_function() {
            return Err(invalid_input(format!("component '{name}' must be an object with initialize()/cleanup() methods")));
        }
        check_keys(&options, &["kind"], "register option")?;
        let kind = get(&options, "kind");
        let kind = if is_absent(&kind) {
            ComponentKind::Service
        } else {
            ComponentKind::parse(&kind.as_string().ok_or_else(|| param_error("kind", "'service' or 'analyzer'", &kind))?)?
        };
        Ok(self.c.register(name, kind, JsComponent { obj: component })?)
    }

    /// The registered component object, or undefined.
    pub fn get(&self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> JsValue {
        let Some(name) = name.as_string() else { return JsValue::UNDEFINED };
        self.c.get(&name).map(|c| c.obj.clone()).unwrap_or(JsValue::UNDEFINED)
    }

    /// `[{name, kind, state, error}]`; states: registered, initializing, ready, failed,
    /// cleaning_up, stopped.
    #[wasm_bindgen(unchecked_return_type = "ComponentStatus[]")]
    pub fn status(&self) -> JsResult<JsValue> {
        to_js(&self.c.status())
    }

    /// Resolves with the names initialized, in order; rejects with TASK_FAILED naming the
    /// component that failed (`details.component`, `details.cleanedUp`).
    #[wasm_bindgen(js_name = initializeAll, unchecked_return_type = "Promise<string[]>")]
    pub fn initialize_all(&self) -> js_sys::Promise {
        let c = self.c.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let names = c.initialize_all().await?;
            to_js(&names)
        })
    }

    /// Resolves with `{cleaned, errors}`: every cleanup runs, in reverse initialization order.
    #[wasm_bindgen(js_name = cleanupAll, unchecked_return_type = "Promise<{ cleaned: string[]; errors: { component: string; message: string }[] }>")]
    pub fn cleanup_all(&self) -> js_sys::Promise {
        let c = self.c.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let report = c.cleanup_all().await?;
            to_js(&report)
        })
    }
}
