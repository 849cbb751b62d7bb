//! JS wrappers for optimization: `optimize`, `optimizeBatch`, `walkForward`. Each returns a
//! Promise and drives the Rust step machines one chunk at a time, yielding to the event loop
//! between chunks (a zero-delay timeout), so pages stay responsive and an AbortSignal or a
//! Worker message can cancel the run. In the threaded build each chunk runs on the rayon
//! pool; results are identical either way.

use super::convert::{from_js, to_js};
use super::data::JsOhlcv;
use super::errors::JsResult;
use crate::optimize::batch::{BatchObserver, BatchProgress, BatchReport, BatchRequest, BatchRunner, JobOutcome};
use crate::optimize::engine::{CancelToken, Clock, Observer, Options, Progress, Row, Runner, Status};
use crate::optimize::evaluator::{batch_evaluators, BacktestEvaluator};
use crate::optimize::walkforward::{WalkForward, WalkForwardConfig, WalkForwardState};
use crate::optimize::{OptimizeConfig, Params, Report};
use crate::Error;
use serde::Serialize;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** One parameter's search space: fixed value, choice, range (stop exclusive) or distribution. */
export type SpaceEntry = number | string | boolean | Array<number | string | boolean>
  | { start?: number; stop: number; step?: number }
  | { choice: Array<number | string | boolean> }
  | { uniform: [number, number] } | { quniform: [number, number, number] }
  | { loguniform: [number, number] } | { randint: [number, number] };
export interface OptimizeConfig {
  strategy: string;
  space: Record<string, SpaceEntry>;
  method?: 'grid' | 'random';
  constraint?: string;
  maximize?: string;
  minimize?: string;
  maxTries?: number;
  seed?: number;
  topK?: number;
  maxCombinations?: number;
  timeoutMs?: number;
  progressIntervalMs?: number;
  export?: Array<'csv' | 'json'>;
  /** Backtest configuration keys (cash, commission, semantics, finalize_trades, ...). */
  [backtestKey: string]: unknown;
}
export interface OptimizeProgress {
  done: number; total: number; fraction: number;
  best: { params: Record<string, number | string | boolean>; value: number } | null;
  elapsedMs: number; etaMs: number | null;
  strategy?: string; job?: number; jobs?: number; fold?: number; folds?: number;
}
export interface OptimizeRow { params: Record<string, number | string | boolean>; value: number; error?: string; strategy?: string }
export interface OptimizeCallbacks {
  onProgress?: (p: OptimizeProgress) => void;
  onResult?: (r: OptimizeRow) => void;
  onFold?: (f: any) => void;
  signal?: AbortSignal;
}
export interface OptimizeResult {
  strategy: string;
  status: 'complete' | 'timeout' | 'cancelled';
  complete: boolean;
  best: { params: Record<string, number | string | boolean>; value: number; stats: Record<string, number | string> } | null;
  results: OptimizeRow[];
  top: Array<{ params: Record<string, number | string | boolean>; value: number; stats: Record<string, number | string> }>;
  summary: any;
  heatmap?: { params: [string, string]; rows: Array<number | string | boolean>; columns: Array<number | string | boolean>; values: Array<Array<number | null>> };
  text: string;
  csv?: string;
  json?: string;
}
export interface BatchRequest {
  strategies: string[];
  common_config?: Partial<OptimizeConfig>;
  strategy_specific_configs?: Record<string, Partial<OptimizeConfig> | null> | null;
  parallel_jobs?: number;
  timeout_ms?: number;
  job_timeout_ms?: number;
}
export interface WalkForwardConfig extends OptimizeConfig {
  trainBars: number; testBars: number; stepBars?: number; mode?: 'rolling' | 'anchored';
}
"#;

/// `{onProgress, onResult, onFold, signal}` from the optional third argument.
struct Callbacks {
    on_progress: Option<js_sys::Function>,
    on_result: Option<js_sys::Function>,
    on_fold: Option<js_sys::Function>,
    signal: Option<web_sys::AbortSignal>,
    /// The first exception a callback threw; it stops the run and rejects the promise.
    thrown: Option<JsValue>,
}

impl Callbacks {
    fn from_js(v: &JsValue) -> JsResult<Callbacks> {
        let get = |k: &str| -> JsValue {
            if v.is_object() {
                js_sys::Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED)
            } else {
                JsValue::UNDEFINED
            }
        };
        let func = |k: &str| -> JsResult<Option<js_sys::Function>> {
            let f = get(k);
            if f.is_undefined() || f.is_null() {
                Ok(None)
            } else {
                f.dyn_into::<js_sys::Function>()
                    .map(Some)
                    .map_err(|_| JsValue::from(Error::invalid_parameter(format!("callbacks.{k} must be a function")).with("path", format!("callbacks.{k}"))))
            }
        };
        let signal = get("signal");
        let signal = if signal.is_undefined() || signal.is_null() {
            None
        } else {
            Some(signal.dyn_into::<web_sys::AbortSignal>().map_err(|_| {
                JsValue::from(Error::invalid_parameter("callbacks.signal must be an AbortSignal").with("path", "callbacks.signal"))
            })?)
        };
        Ok(Callbacks {
            on_progress: func("onProgress")?,
            on_result: func("onResult")?,
            on_fold: func("onFold")?,
            signal,
            thrown: None,
        })
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(|s| s.aborted())
    }

    fn call(&mut self, f: &Option<js_sys::Function>, value: &impl Serialize) {
        if self.thrown.is_some() {
            return;
        }
        if let Some(f) = f {
            match to_js(value) {
                Ok(v) => {
                    if let Err(e) = f.call1(&JsValue::NULL, &v) {
                        self.thrown = Some(e);
                    }
                }
                Err(e) => self.thrown = Some(e),
            }
        }
    }
}

#[derive(Serialize)]
struct ResultMsg<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    strategy: Option<&'a str>,
    params: &'a Params,
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

#[derive(Serialize)]
struct BestMsg<'a> {
    params: &'a Params,
    value: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressMsg<'a> {
    done: usize,
    total: usize,
    fraction: f64,
    best: Option<BestMsg<'a>>,
    elapsed_ms: f64,
    eta_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    strategy: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jobs: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fold: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folds: Option<usize>,
}

fn fraction(done: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        done as f64 / total as f64
    }
}

/// Observer for `optimize` and `walkForward` (fold set during walk-forward).
/// Steps a run to its end, yielding to the event loop between chunks so the page stays
/// responsive: an aborted signal cancels the run, and an exception thrown by a callback ends it.
async fn drive(
    cb: &mut Callbacks,
    cancel: &CancelToken,
    fold: Option<(usize, usize)>,
    mut step: impl FnMut(&mut JsObserver<'_>) -> crate::Result<bool>,
) -> JsResult<()> {
    loop {
        if cb.aborted() {
            cancel.cancel();
        }
        let more = step(&mut JsObserver { cb: &mut *cb, fold })?;
        if let Some(e) = cb.thrown.take() {
            return Err(e);
        }
        if !more {
            return Ok(());
        }
        yield_now().await;
    }
}

struct JsObserver<'c> {
    cb: &'c mut Callbacks,
    fold: Option<(usize, usize)>,
}

impl Observer for JsObserver<'_> {
    fn on_result(&mut self, row: &Row, params: &Params) {
        let f = self.cb.on_result.clone();
        let msg = ResultMsg { strategy: None, params, value: row.value, error: row.error.map(|c| c.as_str()) };
        self.cb.call(&f, &msg);
    }
    fn on_progress(&mut self, p: &Progress) {
        let f = self.cb.on_progress.clone();
        let msg = ProgressMsg {
            done: p.done,
            total: p.total,
            fraction: fraction(p.done, p.total),
            best: p.best.as_ref().map(|(params, value)| BestMsg { params, value: *value }),
            elapsed_ms: p.elapsed_ms,
            eta_ms: p.eta_ms,
            strategy: None,
            job: None,
            jobs: None,
            fold: self.fold.map(|f| f.0),
            folds: self.fold.map(|f| f.1),
        };
        self.cb.call(&f, &msg);
    }
}

impl BatchObserver for JsObserver<'_> {
    fn on_result(&mut self, strategy: &str, row: &Row, params: &Params) {
        let f = self.cb.on_result.clone();
        let msg = ResultMsg { strategy: Some(strategy), params, value: row.value, error: row.error.map(|c| c.as_str()) };
        self.cb.call(&f, &msg);
    }
    fn on_progress(&mut self, p: &BatchProgress) {
        let f = self.cb.on_progress.clone();
        let msg = ProgressMsg {
            done: p.done,
            total: p.total,
            fraction: fraction(p.done, p.total),
            best: p.job_progress.best.as_ref().map(|(params, value)| BestMsg { params, value: *value }),
            elapsed_ms: p.elapsed_ms,
            eta_ms: p.eta_ms,
            strategy: Some(&p.strategy),
            job: Some(p.job),
            jobs: Some(p.jobs),
            fold: None,
            folds: None,
        };
        self.cb.call(&f, &msg);
    }
    fn on_job_done(&mut self, _job: &JobOutcome) {}
}

fn js_clock() -> Clock {
    Arc::new(js_sys::Date::now)
}

fn base_options(cancel: &CancelToken) -> Options {
    Options { clock: js_clock(), cancel: cancel.clone(), ..Options::default() }
}

/// Lets the event loop run (abort events, worker messages, rendering) between chunks.
async fn yield_now() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// CANCELLED / TIMEOUT with the partial result (a plain JS object) in `details.partial`.
fn stopped(status: Status, what: &str, done: usize, total: usize, partial: &impl Serialize) -> JsValue {
    let e = match status {
        Status::TimedOut => Error::timeout(format!("{what} timed out after {done} of {total} combinations; partial results are in details.partial")),
        _ => Error::cancelled(format!("{what} was cancelled after {done} of {total} combinations; partial results are in details.partial")),
    };
    with_partial(e.with("done", done).with("total", total), partial)
}

/// The error as a JS Error whose `details.partial` is `partial` converted like any result.
fn with_partial(e: Error, partial: &impl Serialize) -> JsValue {
    let js = JsValue::from(e);
    if let (Ok(details), Ok(p)) = (js_sys::Reflect::get(&js, &"details".into()), to_js(partial)) {
        let _ = js_sys::Reflect::set(&details, &"partial".into(), &p);
    }
    js
}

/// `optimize(data, config, callbacks?)` → Promise of `{best: {params, value, stats}, results,
/// top, summary, heatmap?, text, status, ...}`. Rejects with CANCELLED (AbortSignal) or
/// TIMEOUT (`timeoutMs`), partial results in `err.details.partial`.
#[wasm_bindgen(unchecked_return_type = "Promise<OptimizeResult>")]
pub fn optimize(
    data: &JsOhlcv,
    #[wasm_bindgen(unchecked_param_type = "OptimizeConfig")] config: JsValue,
    callbacks: Option<JsValue>,
) -> js_sys::Promise {
    let data = data.inner().clone();
    let parsed: JsResult<(OptimizeConfig, Callbacks)> =
        from_js::<OptimizeConfig>(config, "optimize config").and_then(|c| Ok((c, Callbacks::from_js(&callbacks.unwrap_or(JsValue::UNDEFINED))?)));
    future_to_promise(async move {
        let (config, mut cb) = parsed?;
        let plan = config.plan("", None)?;
        let ev = BacktestEvaluator::new(&data, &plan.strategy, &plan.backtest, &plan.candidates, &plan.objective, "")?;
        let cancel = CancelToken::new();
        let mut runner = Runner::new(&ev, plan.candidates.clone(), plan.objective.clone(), plan.options(base_options(&cancel)));
        drive(&mut cb, &cancel, None, |obs| runner.step(obs)).await?;
        let out = runner.finish();
        let report = Report::new(&plan.strategy, &out).with_exports(&out, plan.export_csv, plan.export_json)?;
        if out.status != Status::Complete {
            return Err(stopped(out.status, "optimize", out.rows.len(), out.total(), &report));
        }
        to_js(&report)
    })
}

/// `optimizeBatch(data, {strategies, common_config, strategy_specific_configs, parallel_jobs,
/// timeout_ms?, job_timeout_ms?}, callbacks?)` → Promise of `{jobs, summary, perStrategy, text,
/// warnings}`. Timeouts mark jobs (`status: 'timeout'`, partial results kept); an AbortSignal
/// rejects with CANCELLED, the partial batch report in `err.details.partial`.
#[wasm_bindgen(js_name = optimizeBatch, unchecked_return_type = "Promise<any>")]
pub fn optimize_batch(
    data: &JsOhlcv,
    #[wasm_bindgen(unchecked_param_type = "BatchRequest")] request: JsValue,
    callbacks: Option<JsValue>,
) -> js_sys::Promise {
    let data = data.inner().clone();
    let parsed: JsResult<(BatchRequest, Callbacks)> =
        from_js::<BatchRequest>(request, "batch request").and_then(|r| Ok((r, Callbacks::from_js(&callbacks.unwrap_or(JsValue::UNDEFINED))?)));
    future_to_promise(async move {
        let (request, mut cb) = parsed?;
        let plan = request.plan()?;
        let evaluators = batch_evaluators(&data, &plan)?;
        let cancel = CancelToken::new();
        let mut runner = BatchRunner::new(&plan, &evaluators, base_options(&cancel));
        drive(&mut cb, &cancel, None, |obs| runner.step(obs)).await?;
        let out = runner.finish();
        let report = BatchReport::new(&out).with_exports(&out, &plan)?;
        if cancel.is_cancelled() {
            let done = report.summary.count;
            let total = report.summary.total;
            return Err(stopped(Status::Cancelled, "optimizeBatch", done, total, &report));
        }
        to_js(&report)
    })
}

/// `walkForward(data, {...optimize config, trainBars, testBars, stepBars?, mode?}, callbacks?)`
/// → Promise of `{mode, folds: [...], combined}`; `onFold(fold)` streams each fold.
#[wasm_bindgen(js_name = walkForward, unchecked_return_type = "Promise<any>")]
pub fn walk_forward(
    data: &JsOhlcv,
    #[wasm_bindgen(unchecked_param_type = "WalkForwardConfig")] config: JsValue,
    callbacks: Option<JsValue>,
) -> js_sys::Promise {
    let data = data.inner().clone();
    let parsed: JsResult<(WalkForwardConfig, Callbacks)> =
        from_js::<WalkForwardConfig>(config, "walkForward config").and_then(|c| Ok((c, Callbacks::from_js(&callbacks.unwrap_or(JsValue::UNDEFINED))?)));
    future_to_promise(async move {
        let (config, mut cb) = parsed?;
        let wf = WalkForward::new(&config, data.len())?;
        let mut state = WalkForwardState::new(&wf);
        let cancel = CancelToken::new();
        let folds = wf.splits.len();
        for (k, split) in wf.splits.iter().enumerate() {
            let train = data.slice(split.train.start, split.train.end);
            let ev = wf.evaluator(&train, k)?;
            let mut runner = Runner::new(&ev, wf.plan.candidates.clone(), wf.plan.objective.clone(), wf.plan.options(base_options(&cancel)));
            drive(&mut cb, &cancel, Some((k, folds)), |obs| runner.step(obs)).await?;
            let out = runner.finish();
            if out.status == Status::Cancelled {
                let e = Error::cancelled(format!("walkForward was cancelled during fold {k} of {folds}; completed folds are in details.partial"))
                    .with("fold", k);
                return Err(with_partial(e, &state.report()));
            }
            state.fold_done(&data, k, &out)?;
            if let Some(f) = state.last_fold() {
                let on_fold = cb.on_fold.clone();
                cb.call(&on_fold, f);
                if let Some(e) = cb.thrown.take() {
                    return Err(e);
                }
            }
            yield_now().await;
        }
        to_js(&state.report())
    })
}
