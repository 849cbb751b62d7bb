//! The batch manager (seed 004): one optimization per strategy from
//! `{strategies, common_config, strategy_specific_configs | null, parallel_jobs}`.
//! A null or missing `strategy_specific_configs`, or a strategy absent from it (or mapped to
//! null), runs with `common_config` alone, so the seed's NoneType crash cannot happen.
//! Everything is validated before any job runs; errors carry the path of the bad field.
//! Jobs run one after another, each spreading its combinations over the pool; per-job and
//! global timeouts stop work between chunks and keep partial results, marked.

use super::aggregate::{overall, summarize, Overall, Summary};
use super::config::{OptimizeConfig, Plan};
use super::engine::{CancelToken, Clock, Evaluate, Observer, Options, Outcome, Progress, Row, Runner, Status};
use super::params::Params;
use super::export::executive_summary;
use super::report::Report;
use crate::{Error, ErrorCode, Result};
use serde::de::{Deserializer, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most jobs one request may hold.
pub const MAX_JOBS: usize = 64;

/// `strategy_specific_configs` with key order kept and each entry's errors prefixed by its key.
#[derive(Debug, Clone, Default)]
pub struct SpecificConfigs(pub Vec<(String, Option<OptimizeConfig>)>);

impl<'de> Deserialize<'de> for SpecificConfigs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpecificConfigs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object mapping strategy names to configs (or null)")
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<SpecificConfigs, E> {
                Ok(SpecificConfigs::default())
            }
            fn visit_none<E: serde::de::Error>(self) -> std::result::Result<SpecificConfigs, E> {
                Ok(SpecificConfigs::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<SpecificConfigs, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    let v = m
                        .next_value::<Option<OptimizeConfig>>()
                        .map_err(|e| A::Error::custom(format!("strategy_specific_configs.{k}: {e}")))?;
                    out.push((k, v));
                }
                Ok(SpecificConfigs(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The request as sent (snake_case keys as in the seed; camelCase accepted).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BatchRequest {
    #[serde(default)]
    pub strategies: Option<Vec<String>>,
    #[serde(default, alias = "commonConfig")]
    pub common_config: Option<OptimizeConfig>,
    #[serde(default, alias = "strategySpecificConfigs")]
    pub strategy_specific_configs: Option<SpecificConfigs>,
    #[serde(default, alias = "parallelJobs")]
    pub parallel_jobs: Option<f64>,
    /// Global timeout for the whole batch.
    #[serde(default, alias = "timeoutMs")]
    pub timeout_ms: Option<f64>,
    /// Timeout of each job (strategy).
    #[serde(default, alias = "jobTimeoutMs")]
    pub job_timeout_ms: Option<f64>,
}

impl BatchRequest {
    pub fn from_json_text(text: &str) -> Result<BatchRequest> {
        serde_json::from_str(text).map_err(|e| Error::invalid_input(format!("batch request: {e}")))
    }
}

/// One validated job.
#[derive(Debug, Clone)]
pub struct Job {
    pub strategy: String,
    /// Where its config came from, for error paths (`strategy_specific_configs.RSI` or `common_config`).
    pub path: String,
    pub plan: Plan,
}

#[derive(Debug, Clone)]
pub struct BatchPlan {
    pub jobs: Vec<Job>,
    pub parallel_jobs: usize,
    pub timeout_ms: Option<f64>,
    pub job_timeout_ms: Option<f64>,
    pub warnings: Vec<String>,
}

fn positive_ms(v: Option<f64>, path: &str) -> Result<Option<f64>> {
    match v {
        Some(t) if !(t.is_finite() && t > 0.0) => {
            Err(Error::invalid_parameter(format!("{path} must be > 0 ms, got {t}")).with("path", path))
        }
        other => Ok(other),
    }
}

impl BatchRequest {
    /// Validates every job (spaces, constraints, grid sizes) before anything runs.
    pub fn plan(&self) -> Result<BatchPlan> {
        let strategies = self.strategies.as_ref().filter(|s| !s.is_empty()).ok_or_else(|| {
            Error::invalid_strategy("strategies must list at least one strategy name").with("path", "strategies")
        })?;
        if strategies.len() > MAX_JOBS {
            return Err(Error::resource_limit(format!("{} strategies is more than the limit of {MAX_JOBS}", strategies.len()))
                .with("path", "strategies")
                .with("size", strategies.len())
                .with("limit", MAX_JOBS));
        }
        for (i, s) in strategies.iter().enumerate() {
            if s.trim().is_empty() {
                return Err(Error::invalid_strategy(format!("strategies[{i}] is empty")).with("path", format!("strategies[{i}]")));
            }
            if strategies[..i].contains(s) {
                return Err(Error::invalid_strategy(format!("strategies[{i}] '{s}' is listed twice"))
                    .with("path", format!("strategies[{i}]")));
            }
        }
        let parallel_jobs = match self.parallel_jobs {
            None => 0,
            Some(x) if x.is_finite() && x >= 1.0 && x.fract() == 0.0 && x <= 1024.0 => x as usize,
            Some(x) => {
                return Err(Error::invalid_parameter(format!("parallel_jobs must be a whole number in [1, 1024], got {x}"))
                    .with("path", "parallel_jobs"))
            }
        };
        let common = self.common_config.clone().unwrap_or_default();
        let specific: &[(String, Option<OptimizeConfig>)] =
            self.strategy_specific_configs.as_ref().map(|s| s.0.as_slice()).unwrap_or(&[]);
        let mut warnings = Vec::new();
        for (k, _) in specific {
            if !strategies.contains(k) {
                warnings.push(format!("strategy_specific_configs.{k} is ignored: '{k}' is not in strategies"));
            }
        }
        let mut jobs = Vec::with_capacity(strategies.len());
        for s in strategies {
            let (cfg, path) = match specific.iter().find(|(k, _)| k == s) {
                Some((_, Some(c))) => (c.clone().over(&common), format!("strategy_specific_configs.{s}")),
                _ => (common.clone(), "common_config".to_string()),
            };
            if let Some(named) = &cfg.strategy {
                if named != s {
                    return Err(Error::invalid_strategy(format!(
                        "{path}.strategy is '{named}' but the job is for '{s}'; leave it out"
                    ))
                    .with("path", format!("{path}.strategy")));
                }
            }
            let mut cfg = cfg;
            cfg.strategy = Some(s.clone());
            let plan = cfg.plan(&path, None)?;
            jobs.push(Job { strategy: s.clone(), path, plan });
        }
        Ok(BatchPlan {
            jobs,
            parallel_jobs,
            timeout_ms: positive_ms(self.timeout_ms, "timeout_ms")?,
            job_timeout_ms: positive_ms(self.job_timeout_ms, "job_timeout_ms")?,
            warnings,
        })
    }
}

/// How one job ended.
#[derive(Debug, Clone)]
pub struct JobOutcome {
    pub strategy: String,
    pub status: Status,
    /// A job that could not run at all (its evaluator failed), or a fatal error mid-run.
    pub error: Option<Error>,
    pub outcome: Option<Outcome>,
}

/// Progress across the whole batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchProgress {
    pub job: usize,
    pub jobs: usize,
    pub strategy: String,
    /// Combinations done / total over all jobs.
    pub done: usize,
    pub total: usize,
    pub job_progress: Progress,
    pub elapsed_ms: f64,
    pub eta_ms: Option<f64>,
}

pub trait BatchObserver {
    fn on_result(&mut self, _strategy: &str, _row: &Row, _params: &Params) {}
    fn on_progress(&mut self, _p: &BatchProgress) {}
    fn on_job_done(&mut self, _job: &JobOutcome) {}
}

pub struct SilentBatch;
impl BatchObserver for SilentBatch {}

/// Runs a planned batch; `step` does one chunk so JS can yield between chunks.
pub struct BatchRunner<'a> {
    plan: &'a BatchPlan,
    evaluators: &'a [Result<Box<dyn Evaluate + 'a>>],
    base: Options,
    clock: Clock,
    started: f64,
    index: usize,
    current: Option<Runner<'a, dyn Evaluate + 'a>>,
    done_before: usize,
    results: Vec<JobOutcome>,
}

impl<'a> BatchRunner<'a> {
    /// `evaluators[i]` serves `plan.jobs[i]`; an Err there fails that job only.
    pub fn new(plan: &'a BatchPlan, evaluators: &'a [Result<Box<dyn Evaluate + 'a>>], base: Options) -> Self {
        let clock = base.clock.clone();
        let started = clock();
        let base = Options { parallel: base.parallel && plan.parallel_jobs != 1, ..base };
        BatchRunner { plan, evaluators, base, clock, started, index: 0, current: None, done_before: 0, results: Vec::new() }
    }

    pub fn cancel_token(&self) -> CancelToken {
        self.base.cancel.clone()
    }

    fn total(&self) -> usize {
        self.plan.jobs.iter().map(|j| j.plan.candidates.len()).sum()
    }

    /// One chunk of the current job (or the start/end of a job). Ok(false) when finished.
    pub fn step(&mut self, obs: &mut dyn BatchObserver) -> Result<bool> {
        let jobs = &self.plan.jobs;
        if self.index >= jobs.len() {
            return Ok(false);
        }
        let job = &jobs[self.index];
        if self.current.is_none() {
            let elapsed = (self.clock)() - self.started;
            let remaining = self.plan.timeout_ms.map(|t| t - elapsed);
            if self.base.cancel.is_cancelled() || remaining.is_some_and(|r| r <= 0.0) {
                // Not started: marked, not silently dropped.
                let status = if self.base.cancel.is_cancelled() { Status::Cancelled } else { Status::TimedOut };
                let e = if status == Status::Cancelled {
                    Error::cancelled(format!("job '{}' cancelled before it started", job.strategy))
                } else {
                    Error::timeout(format!("batch timeout reached before job '{}' started", job.strategy))
                };
                self.finish_job(JobOutcome { strategy: job.strategy.clone(), status, error: Some(e), outcome: None }, obs);
                return Ok(self.index < jobs.len());
            }
            let evaluators = self.evaluators;
            let ev: &'a (dyn Evaluate + 'a) = match evaluators.get(self.index) {
                Some(Ok(ev)) => ev.as_ref(),
                Some(Err(e)) => {
                    self.finish_job(JobOutcome { strategy: job.strategy.clone(), status: Status::Complete, error: Some(e.clone()), outcome: None }, obs);
                    return Ok(self.index < jobs.len());
                }
                None => {
                    let e = Error::new(ErrorCode::Internal, format!("no evaluator for job '{}'", job.strategy));
                    self.finish_job(JobOutcome { strategy: job.strategy.clone(), status: Status::Complete, error: Some(e), outcome: None }, obs);
                    return Ok(self.index < jobs.len());
                }
            };
            let timeout = match (self.plan.job_timeout_ms.or(job.plan.timeout_ms), remaining) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let opts = job.plan.options(Options { timeout_ms: timeout, ..self.base.clone() });
            let opts = Options { timeout_ms: timeout, ..opts };
            self.current = Some(Runner::new(ev, job.plan.candidates.clone(), job.plan.objective.clone(), opts));
        }
        let strategy = job.strategy.clone();
        let total = self.total();
        let done_before = self.done_before;
        let (jobs_n, index, started, clock) = (jobs.len(), self.index, self.started, self.clock.clone());
        let mut fwd = Forward { inner: obs, strategy: &strategy, done_before, total, jobs: jobs_n, job: index, started, clock };
        let Some(runner) = self.current.as_mut() else { return Ok(false) };
        let more = match runner.step(&mut fwd) {
            Ok(m) => m,
            Err(e) => {
                self.current = None;
                self.finish_job(JobOutcome { strategy, status: Status::Complete, error: Some(e), outcome: None }, obs);
                return Ok(self.index < jobs.len());
            }
        };
        if !more {
            if let Some(r) = self.current.take() {
                let out = r.finish();
                let status = out.status;
                let error = match status {
                    Status::TimedOut => Some(Error::timeout(format!(
                        "job '{strategy}' timed out after {} of {} combinations; partial results kept",
                        out.rows.len(),
                        out.total()
                    ))),
                    Status::Cancelled => Some(Error::cancelled(format!("job '{strategy}' cancelled; partial results kept"))),
                    _ => None,
                };
                self.finish_job(JobOutcome { strategy, status, error, outcome: Some(out) }, obs);
            }
        }
        Ok(self.index < jobs.len())
    }

    fn finish_job(&mut self, job: JobOutcome, obs: &mut dyn BatchObserver) {
        if let Some(j) = self.plan.jobs.get(self.index) {
            self.done_before += j.plan.candidates.len();
        }
        obs.on_job_done(&job);
        self.results.push(job);
        self.index += 1;
    }

    pub fn run(mut self, obs: &mut dyn BatchObserver) -> Result<BatchOutcome> {
        while self.step(obs)? {}
        Ok(self.finish())
    }

    pub fn finish(self) -> BatchOutcome {
        BatchOutcome {
            jobs: self.results,
            elapsed_ms: (self.clock)() - self.started,
            warnings: self.plan.warnings.clone(),
        }
    }
}

/// Forwards a job's callbacks with the strategy name and batch-wide counts.
struct Forward<'o, 's> {
    inner: &'o mut dyn BatchObserver,
    strategy: &'s str,
    done_before: usize,
    total: usize,
    jobs: usize,
    job: usize,
    started: f64,
    clock: Clock,
}

impl Observer for Forward<'_, '_> {
    fn on_result(&mut self, row: &Row, params: &Params) {
        self.inner.on_result(self.strategy, row, params);
    }
    fn on_progress(&mut self, p: &Progress) {
        let done = self.done_before + p.done;
        let elapsed_ms = (self.clock)() - self.started;
        let eta_ms = if done > 0 { Some(elapsed_ms / done as f64 * self.total.saturating_sub(done) as f64) } else { None };
        self.inner.on_progress(&BatchProgress {
            job: self.job,
            jobs: self.jobs,
            strategy: self.strategy.to_string(),
            done,
            total: self.total,
            job_progress: p.clone(),
            elapsed_ms,
            eta_ms,
        });
    }
}

#[derive(Debug, Clone)]
pub struct BatchOutcome {
    pub jobs: Vec<JobOutcome>,
    pub elapsed_ms: f64,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobError {
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobReport {
    pub strategy: String,
    /// `complete`, `timeout`, `cancelled` or `error`.
    pub status: &'static str,
    /// False when the results are partial (timeout, cancellation) or missing (error).
    pub complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchReport {
    pub jobs: Vec<JobReport>,
    pub summary: Overall,
    pub per_strategy: Vec<Summary>,
    /// Plain-text executive summary.
    pub text: String,
    pub warnings: Vec<String>,
}

impl BatchReport {
    pub fn new(out: &BatchOutcome) -> BatchReport {
        let mut per_strategy = Vec::new();
        let jobs: Vec<JobReport> = out
            .jobs
            .iter()
            .map(|j| {
                let report = j.outcome.as_ref().map(|o| Report::new(&j.strategy, o));
                if let Some(o) = &j.outcome {
                    per_strategy.push(summarize(&j.strategy, o));
                }
                let status = match (&j.outcome, j.status) {
                    (None, Status::TimedOut) => "timeout",
                    (None, Status::Cancelled) => "cancelled",
                    (None, _) => "error",
                    (Some(_), s) => s.as_str(),
                };
                JobReport {
                    strategy: j.strategy.clone(),
                    status,
                    complete: j.outcome.is_some() && j.status == Status::Complete && j.error.is_none(),
                    error: j.error.as_ref().map(|e| JobError { code: e.code.as_str(), message: e.message.clone() }),
                    report,
                }
            })
            .collect();
        let summary = overall(&per_strategy, out.elapsed_ms);
        let text = executive_summary(&per_strategy, Some(&summary));
        BatchReport { jobs, summary, per_strategy, text, warnings: out.warnings.clone() }
    }

    /// Adds each job's requested exports (`export: ['csv', 'json']` in its config).
    pub fn with_exports(mut self, out: &BatchOutcome, plan: &BatchPlan) -> Result<BatchReport> {
        for (report, job) in self.jobs.iter_mut().zip(&out.jobs) {
            let Some(p) = plan.jobs.iter().find(|j| j.strategy == job.strategy) else { continue };
            if let (Some(r), Some(o)) = (report.report.take(), job.outcome.as_ref()) {
                report.report = Some(r.with_exports(o, p.plan.export_csv, p.plan.export_json)?);
            }
        }
        Ok(self)
    }
}
