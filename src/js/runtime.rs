//! JS wrappers of the runtime: `Dispatcher`, `Scheduler`, `PerformanceMonitor`,
//! `ServiceContainer`, plus the wasm [`Env`] (performance.now, gloo-timers, spawn_local).
//!
//! Every exported method takes `&self`, and the Rust state behind it is never borrowed while JS
//! runs, so user callbacks may call back into these objects synchronously.

use super::convert::to_js;
use super::errors::{invalid_input, to_js_error, JsResult};
use crate::runtime::clock::{AbortReason, Clock, Env, TimerId};
use crate::runtime::dispatcher::{AttemptInfo, Failure, Handle, Outcome, Runner, TaskError};
use crate::runtime::{Dispatcher as CoreDispatcher, DispatcherConfig, IdMap, SubmitOptions};
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
    w = /\.\.\.|\barguments\b|\[native code\]/.test(Function.prototype.toString.call(fn));
    signalVerdict.set(fn, w);
  }
  return w;
}
export function run_task(fn, settle, id, attempt) {
  const c = wantsSignal(fn) ? new AbortController() : undefined;
  const p = c === undefined ? fn() : fn(c.signal);
  if (p !== null && typeof p === 'object' && typeof p.then === 'function') {
    p.then((v) => settle(id, attempt, true, v), (e) => settle(id, attempt, false, e));
  } else {
    Promise.resolve(p).then((v) => settle(id, attempt, true, v));
  }
  return c;
}
export class Deferred {
  constructor() { this.promise = new Promise((res, rej) => { this.res = res; this.rej = rej; }); }
  settle(ok, v) { if (ok) this.res(v); else this.rej(v); }
}
export function abort_task(c, reason) { if (c !== undefined) c.abort(reason); }
export function error_message(e) {
  if (e !== null && typeof e === 'object' && typeof e.message === 'string') return e.message;
  try { return String(e); } catch (_) { return 'non-printable error'; }
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

pub(crate) fn env() -> Rc<dyn Env> {
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

fn task_id(id: f64) -> JsResult<u64> {
    if id.is_finite() && id >= 1.0 && id.fract() == 0.0 {
        Ok(id as u64)
    } else {
        Err(invalid_input(format!("task id must be a positive integer returned by submit(), got {id}")))
    }
}

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
    pub fn new(options: JsValue) -> JsResult<JsDispatcher> {
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
        let d = CoreDispatcher::new(env(), JsRunner { settle: OnceCell::new() }, cfg)?;
        Ok(JsDispatcher { d })
    }

    /// Queues `fn(signal)`; returns the task id. Options: `{priority, timeoutMs, maxRetries}`.
    pub fn submit(&self, name: &str, f: js_sys::Function, options: JsValue) -> JsResult<f64> {
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
        Ok(self.d.submit(name, f, &opts)? as f64)
    }

    /// A promise of the task's value; rejects with the task's typed error. With
    /// `{timeoutMs}` it rejects with TIMEOUT if the task is not done by then (the task goes on).
    pub fn result(&self, id: f64, options: JsValue) -> JsResult<js_sys::Promise> {
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
        let def = Deferred::new();
        let promise = def.promise();
        let Some(w) = wait else {
            self.d.on_result(id, Box::new(move |o| settle_deferred(&def, o)));
            return Ok(promise);
        };
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
    pub fn status(&self, id: f64) -> Option<String> {
        let id = task_id(id).ok()?;
        self.d.status(id).map(|s| s.as_str().to_string())
    }

    /// `{id, name, status, priority, attempts, submittedAt, startedAt, finishedAt, error}`.
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

    pub fn metrics(&self) -> JsResult<JsValue> {
        to_js(&self.d.metrics())
    }

    #[wasm_bindgen(js_name = failedSummary)]
    pub fn failed_summary(&self) -> JsResult<JsValue> {
        to_js(&self.d.failed_summary())
    }

    /// Forgets finished records older than `maxAgeMs` (0 = all); returns how many were removed.
    #[wasm_bindgen(js_name = clearCompleted)]
    pub fn clear_completed(&self, max_age_ms: Option<f64>) -> u32 {
        self.d.clear_completed(max_age_ms.unwrap_or(0.0)) as u32
    }

    /// Resolves (with no value) when nothing is queued, retrying or running.
    #[wasm_bindgen(js_name = onIdle)]
    pub fn on_idle(&self) -> js_sys::Promise {
        let def = Deferred::new();
        let promise = def.promise();
        self.d.on_idle(Box::new(move || def.settle(true, &JsValue::UNDEFINED)));
        promise
    }

    /// `shutdown({graceful = true, deadlineMs})`: stops accepting tasks; resolves with the final
    /// metrics once every task has finished (or was cancelled at the deadline).
    pub fn shutdown(&self, options: JsValue) -> JsResult<js_sys::Promise> {
        check_keys(&options, &["graceful", "deadlineMs"], "shutdown option")?;
        let graceful = opt_bool(&options, "graceful")?.unwrap_or(true);
        let deadline = opt_f64(&options, "deadlineMs")?;
        if let Some(dl) = deadline {
            if !(dl >= 0.0) {
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
