//! The optimization loop: evaluates candidates chunk by chunk (in parallel with rayon under
//! the `threads` feature), folds results in candidate order so the outcome never depends on the
//! thread count or chunk size, keeps the top-K full results plus one compact row per
//! combination, reports progress at a bounded rate, and stops on cancellation or timeout with
//! the partial results kept.

use super::params::{ParamValue, Params};
use super::search::Candidates;
use crate::{Error, ErrorCode, Result};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Floor of a chunk's target duration when only the progress interval would shrink it.
pub const MIN_CHUNK_MS: f64 = 10.0;

/// Milliseconds from an arbitrary origin. Injected so wasm (no `Instant`) and tests control time.
pub type Clock = Arc<dyn Fn() -> f64 + Send + Sync>;

/// The platform clock: `Instant` natively; on wasm32 the JS layer injects `performance.now`.
pub fn default_clock() -> Clock {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let origin = std::time::Instant::now();
        Arc::new(move || origin.elapsed().as_secs_f64() * 1000.0)
    }
    #[cfg(target_arch = "wasm32")]
    {
        Arc::new(|| 0.0)
    }
}

/// Shared cancellation flag (set from JS's AbortSignal or a batch's global timeout).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed)
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Which stat to optimize and in which direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub key: String,
    pub maximize: bool,
}

impl Objective {
    /// `a` strictly better than `b`; NaN is worse than any number.
    pub fn better(&self, a: f64, b: f64) -> bool {
        match (a.is_nan(), b.is_nan()) {
            (true, _) => false,
            (false, true) => true,
            _ => {
                if self.maximize {
                    a > b
                } else {
                    a < b
                }
            }
        }
    }
}

/// One statistic's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Stat {
    Num(f64),
    Text(String),
}

/// What one evaluation (one backtest) returns: its stats by backtesting.py key, in the
/// backtester's order. Keys are usually `&'static str`, so the hot loop allocates one Vec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    pub stats: Vec<(Cow<'static, str>, Stat)>,
}

impl Evaluation {
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, f64)>) -> Self {
        Evaluation { stats: pairs.into_iter().map(|(k, v)| (Cow::Owned(k.to_string()), Stat::Num(v))).collect() }
    }

    /// A numeric stat (NaN when missing or not a number).
    pub fn metric(&self, key: &str) -> f64 {
        match self.get(key) {
            Some(Stat::Num(x)) => *x,
            _ => f64::NAN,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Stat> {
        self.stats.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.stats.iter().map(|(k, _)| k.as_ref())
    }

    pub fn push(&mut self, key: &'static str, value: f64) {
        self.stats.push((Cow::Borrowed(key), Stat::Num(value)));
    }

    /// As a JSON object (NaN → null; key order is lost in serde_json's map).
    pub fn to_json(&self) -> Map<String, Value> {
        self.stats
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Stat::Num(x) => serde_json::Number::from_f64(*x).map(Value::Number).unwrap_or(Value::Null),
                    Stat::Text(t) => Value::String(t.clone()),
                };
                (k.to_string(), v)
            })
            .collect()
    }
}

/// Serialized as an object in the backtester's key order (NaN stays NaN in JS).
impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.stats.len()))?;
        for (k, v) in &self.stats {
            match v {
                Stat::Num(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 && is_count(k) => {
                    map.serialize_entry(k.as_ref(), &(*x as i64))?
                }
                Stat::Num(x) => map.serialize_entry(k.as_ref(), x)?,
                Stat::Text(t) => map.serialize_entry(k.as_ref(), t)?,
            }
        }
        map.end()
    }
}

/// Stats that are counts serialize as integers (`"# Trades": 94`, as backtesting.py prints).
fn is_count(key: &str) -> bool {
    key.starts_with('#')
}

/// The evaluation boundary: one combination → its stats. Must be `Sync` (rayon shares it).
pub trait Evaluate: Sync {
    fn evaluate(&self, params: &Params) -> Result<Evaluation>;

    /// Full stats for a top-K entry when `evaluate` computes only what ranking needs (a lean
    /// kernel); `None` keeps what `evaluate` returned.
    fn full(&self, _params: &Params) -> Option<Result<Evaluation>> {
        None
    }
}

impl<F: Fn(&Params) -> Result<Evaluation> + Sync> Evaluate for F {
    fn evaluate(&self, params: &Params) -> Result<Evaluation> {
        self(params)
    }
}

/// Stats kept in every compact row (besides the objective) for aggregation.
pub const TRACKED: [&str; 6] =
    ["Return [%]", "Sharpe Ratio", "Max. Drawdown [%]", "Win Rate [%]", "# Trades", "Total Return"];

/// Index of "# Trades" in `TRACKED` (recommendations look at it).
pub const TRADES: usize = 4;

/// One combination's compact result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Position in the candidate list (evaluation order).
    pub ordinal: usize,
    /// Objective value (NaN when the stat is NaN or the evaluation failed).
    pub value: f64,
    /// `TRACKED` stats, same order.
    pub metrics: [f64; TRACKED.len()],
    /// Error code when the evaluation failed.
    pub error: Option<ErrorCode>,
}

/// A top-K entry with its full stats.
#[derive(Debug, Clone, PartialEq)]
pub struct TopEntry {
    pub ordinal: usize,
    pub params: Params,
    pub value: f64,
    pub stats: Evaluation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Complete,
    TimedOut,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Complete => "complete",
            Status::TimedOut => "timeout",
            Status::Cancelled => "cancelled",
        }
    }
}

/// Progress report (`onProgress`).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub best: Option<(Params, f64)>,
    pub elapsed_ms: f64,
    /// Estimated remaining time (None before the first chunk).
    pub eta_ms: Option<f64>,
}

/// Receives streamed results and progress; called on the thread driving the run.
pub trait Observer {
    fn on_result(&mut self, _row: &Row, _params: &Params) {}
    fn on_progress(&mut self, _progress: &Progress) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// Errors grouped by code: count and the first message seen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorReport {
    pub by_code: Vec<(ErrorCode, usize, String)>,
}

impl ErrorReport {
    pub fn add(&mut self, e: &Error) {
        match self.by_code.iter_mut().find(|(c, _, _)| *c == e.code) {
            Some(entry) => entry.1 += 1,
            None => self.by_code.push((e.code, 1, e.message.clone())),
        }
    }
    pub fn total(&self) -> usize {
        self.by_code.iter().map(|e| e.1).sum()
    }
}

#[derive(Clone)]
pub struct Options {
    /// Full results (stats) kept for the best K combinations.
    pub top_k: usize,
    /// Stop with status `timeout` after this many ms (checked between chunks).
    pub timeout_ms: Option<f64>,
    /// Minimum interval between progress reports (the last one is always sent).
    pub progress_interval_ms: f64,
    /// Target duration of one chunk: bounds how long the JS event loop waits between yields.
    pub chunk_ms: f64,
    /// Use the rayon pool (`threads` feature only; ignored otherwise).
    pub parallel: bool,
    pub clock: Clock,
    pub cancel: CancelToken,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            top_k: 10,
            timeout_ms: None,
            progress_interval_ms: 100.0,
            chunk_ms: 40.0,
            parallel: true,
            clock: default_clock(),
            cancel: CancelToken::new(),
        }
    }
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub candidates: Arc<Candidates>,
    pub objective: Objective,
    pub status: Status,
    /// One row per evaluated combination, in candidate order.
    pub rows: Vec<Row>,
    /// Best first.
    pub top: Vec<TopEntry>,
    pub errors: ErrorReport,
    pub elapsed_ms: f64,
}

impl Outcome {
    pub fn best(&self) -> Option<&TopEntry> {
        self.top.first()
    }
    pub fn total(&self) -> usize {
        self.candidates.len()
    }
    pub fn params(&self, row: &Row) -> Params {
        self.candidates.params(row.ordinal)
    }
}

/// Drives one optimization; `step` evaluates one chunk so async callers can yield in between.
pub struct Runner<'a, E: Evaluate + ?Sized> {
    evaluator: &'a E,
    cands: Arc<Candidates>,
    objective: Objective,
    opts: Options,
    next: usize,
    started: f64,
    last_progress: Option<f64>,
    chunk: usize,
    threads: usize,
    rows: Vec<Row>,
    top: Vec<TopEntry>,
    errors: ErrorReport,
    status: Status,
    key_checked: bool,
}

impl<'a, E: Evaluate + ?Sized> Runner<'a, E> {
    pub fn new(evaluator: &'a E, cands: Arc<Candidates>, objective: Objective, opts: Options) -> Self {
        let threads = worker_threads(opts.parallel);
        let started = (opts.clock)();
        Runner {
            evaluator,
            // Grows with the run: a cancelled million-combination grid never reserves it all.
            rows: Vec::with_capacity(cands.len().min(1 << 16)),
            cands,
            objective,
            next: 0,
            started,
            last_progress: None,
            chunk: threads * 2,
            threads,
            top: Vec::new(),
            errors: ErrorReport::default(),
            status: Status::Running,
            key_checked: false,
            opts,
        }
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn cancel_token(&self) -> CancelToken {
        self.opts.cancel.clone()
    }

    /// Evaluates the next chunk. Ok(true) while work remains. A stat key the evaluations do not
    /// have is INVALID_PARAMETER (listing the keys they do have).
    pub fn step(&mut self, obs: &mut dyn Observer) -> Result<bool> {
        if self.status != Status::Running {
            return Ok(false);
        }
        let total = self.cands.len();
        let now = (self.opts.clock)();
        if self.opts.cancel.is_cancelled() {
            return Ok(self.stop(Status::Cancelled, obs));
        }
        if let Some(t) = self.opts.timeout_ms {
            if now - self.started >= t {
                return Ok(self.stop(Status::TimedOut, obs));
            }
        }
        if self.next >= total {
            return Ok(self.stop(Status::Complete, obs));
        }
        let lo = self.next;
        let hi = (lo + self.chunk).min(total);
        let t0 = now;
        let results = self.eval_range(lo, hi);
        for (i, (params, res)) in (lo..hi).zip(results) {
            self.fold(i, params, res, obs)?;
        }
        self.next = hi;
        let t1 = (self.opts.clock)();
        if self.next >= total {
            // `stop` sends the final progress report.
            return Ok(self.stop(Status::Complete, obs));
        }
        self.retune(hi - lo, t1 - t0, t1);
        self.progress(t1, false, obs);
        Ok(true)
    }

    /// Runs to the end without yielding (native callers, tests).
    pub fn run(mut self, obs: &mut dyn Observer) -> Result<Outcome> {
        while self.step(obs)? {}
        Ok(self.finish())
    }

    pub fn finish(mut self) -> Outcome {
        // Lean evaluators recompute full stats for the K best only (on the pool when there is one).
        let ev = self.evaluator;
        let refine = |e: &mut TopEntry| {
            if let Some(Ok(full)) = ev.full(&e.params) {
                e.stats = full;
            }
        };
        #[cfg(feature = "threads")]
        if self.threads > 1 {
            use rayon::prelude::*;
            self.top.par_iter_mut().for_each(refine);
        } else {
            self.top.iter_mut().for_each(refine);
        }
        #[cfg(not(feature = "threads"))]
        self.top.iter_mut().for_each(refine);
        let elapsed_ms = (self.opts.clock)() - self.started;
        Outcome {
            candidates: self.cands,
            objective: self.objective,
            status: if self.status == Status::Running { Status::Cancelled } else { self.status },
            rows: self.rows,
            top: self.top,
            errors: self.errors,
            elapsed_ms,
        }
    }

    fn stop(&mut self, status: Status, obs: &mut dyn Observer) -> bool {
        self.status = status;
        let now = (self.opts.clock)();
        self.progress(now, true, obs);
        false
    }

    fn eval_one(&self, i: usize) -> (Params, Result<Evaluation>) {
        let p = self.cands.params(i);
        // A cancelled run skips the rest of its chunk quickly.
        if self.opts.cancel.is_cancelled() {
            return (p, Err(Error::cancelled("cancelled")));
        }
        let r = self.evaluator.evaluate(&p);
        (p, r)
    }

    fn eval_range(&self, lo: usize, hi: usize) -> Vec<(Params, Result<Evaluation>)> {
        #[cfg(feature = "threads")]
        if self.threads > 1 {
            use rayon::prelude::*;
            return (lo..hi).into_par_iter().map(|i| self.eval_one(i)).collect();
        }
        (lo..hi).map(|i| self.eval_one(i)).collect()
    }

    fn fold(&mut self, i: usize, params: Params, res: Result<Evaluation>, obs: &mut dyn Observer) -> Result<()> {
        let row = match res {
            Ok(ev) => {
                if !self.key_checked {
                    self.key_checked = true;
                    if !ev.contains(&self.objective.key) {
                        let keys: Vec<&str> = ev.keys().collect();
                        return Err(Error::invalid_parameter(format!(
                            "unknown stat '{}' to {}; available: {}",
                            self.objective.key,
                            if self.objective.maximize { "maximize" } else { "minimize" },
                            keys.join(", ")
                        ))
                        .with("path", if self.objective.maximize { "maximize" } else { "minimize" })
                        .with("stat", self.objective.key.as_str()));
                    }
                }
                let value = ev.metric(&self.objective.key);
                let mut metrics = [f64::NAN; TRACKED.len()];
                for (m, k) in metrics.iter_mut().zip(TRACKED) {
                    *m = ev.metric(k);
                }
                self.offer_top(i, &params, value, ev);
                Row { ordinal: i, value, metrics, error: None }
            }
            Err(e) if e.code == ErrorCode::Cancelled && self.opts.cancel.is_cancelled() => {
                // Skipped because of cancellation: not a result.
                return Ok(());
            }
            Err(e) => {
                self.errors.add(&e);
                Row { ordinal: i, value: f64::NAN, metrics: [f64::NAN; TRACKED.len()], error: Some(e.code) }
            }
        };
        obs.on_result(&row, &params);
        self.rows.push(row);
        Ok(())
    }

    /// Keeps the K best, best first; ties keep the earlier candidate (deterministic).
    fn offer_top(&mut self, i: usize, params: &Params, value: f64, stats: Evaluation) {
        let k = self.opts.top_k.max(1);
        if value.is_nan() && self.top.len() >= k {
            return;
        }
        let pos = self
            .top
            .iter()
            .position(|e| self.objective.better(value, e.value))
            .unwrap_or(self.top.len());
        if pos >= k {
            return;
        }
        self.top.insert(pos, TopEntry { ordinal: i, params: params.clone(), value, stats });
        self.top.truncate(k);
    }

    /// Sizes the next chunk to take about `chunk_ms` (and not to overrun the timeout much).
    fn retune(&mut self, n: usize, ms: f64, now: f64) {
        let per = if n > 0 { ms / n as f64 } else { 0.0 };
        // A tiny progress interval must not shrink chunks to a few combinations: each chunk is
        // one fork/join on the pool, and below ~10 ms the wake-ups and the wait for the slowest
        // thread eat the speed-up (Chromium, progressIntervalMs 0: 1.1-1.4x on 2 threads).
        let mut target = self.opts.chunk_ms.min(self.opts.progress_interval_ms.max(MIN_CHUNK_MS));
        if let Some(t) = self.opts.timeout_ms {
            target = target.min((t - (now - self.started)).max(0.0));
        }
        let want = if per > 0.0 { (target / per).floor() as usize } else { self.chunk * 4 };
        let t = self.threads.max(1);
        let want = want.clamp(t, 1 << 16);
        // Round up to a multiple of the thread count so every worker gets a share.
        self.chunk = want.div_ceil(t) * t;
    }

    fn progress(&mut self, now: f64, last: bool, obs: &mut dyn Observer) {
        if !last {
            if let Some(prev) = self.last_progress {
                if now - prev < self.opts.progress_interval_ms {
                    return;
                }
            }
        }
        self.last_progress = Some(now);
        let done = self.rows.len();
        let total = self.cands.len();
        let elapsed_ms = now - self.started;
        let eta_ms = if done > 0 {
            Some(elapsed_ms / done as f64 * (total.saturating_sub(done)) as f64)
        } else {
            None
        };
        let best = self.top.first().map(|e| (e.params.clone(), e.value));
        obs.on_progress(&Progress { done, total, best, elapsed_ms, eta_ms });
    }
}

fn worker_threads(parallel: bool) -> usize {
    #[cfg(feature = "threads")]
    if parallel {
        return rayon::current_num_threads().max(1);
    }
    let _ = parallel;
    1
}

/// Convenience: builds and runs in one call.
pub fn run<E: Evaluate + ?Sized>(
    evaluator: &E,
    cands: Arc<Candidates>,
    objective: Objective,
    opts: Options,
    obs: &mut dyn Observer,
) -> Result<Outcome> {
    Runner::new(evaluator, cands, objective, opts).run(obs)
}

/// Values of a row's parameters (for exports), without building `Params`.
pub fn row_values(outcome: &Outcome, row: &Row) -> Vec<ParamValue> {
    outcome.candidates.values(row.ordinal)
}
