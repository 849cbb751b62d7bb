//! The backtester behind the `Evaluate` boundary. Strategies come from the registry
//! (`signals::strategies`). For SmaCross the per-dataset work is done once: every distinct
//! SMA(n) is computed before the run and shared read-only by all combinations and threads,
//! per-thread buffers make each backtest allocation-free, and under vectorbt semantics with a
//! return objective a one-pass kernel replaces the full engine (the top-K are re-run for full
//! stats). Other strategies generate their signal table per combination.

use super::batch::BatchPlan;
use super::engine::{Evaluate, Evaluation, Objective, Stat};
use super::params::Params;
use super::search::{join, Candidates};
use super::space::Dim;
use crate::backtest::{self, ma, BacktestConfig, BacktestContext, Crossover, Semantics, Stats, Workspace};
use crate::backtest::vectorbt::{cross_total_return, VbtCross};
use crate::backtest::SliceSignals;
use crate::series::Ohlcv;
use crate::signals::strategies::{self, StrategySpec};
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;


/// Cached indicator series are bounded by this many bytes; periods beyond it are computed
/// per evaluation into per-thread buffers (slower, memory-flat).
pub const CACHE_BYTES: usize = 64 << 20;

/// Stats the lean vectorbt kernel reports (anything else needs the full engine).
const LEAN_KEYS: [&str; 4] = ["Total Return", "Return [%]", "Equity Final [$]", "# Trades"];

thread_local! {
    /// Per-thread scratch: backtest buffers and two indicator series for uncached periods.
    static SCRATCH: RefCell<(Workspace, Vec<f64>, Vec<f64>)> = RefCell::new(Default::default());
}

#[derive(Debug)]
pub struct BacktestEvaluator<'a> {
    ctx: BacktestContext<'a>,
    config: BacktestConfig,
    spec: &'static StrategySpec,
    /// SMA(n) by n, computed once.
    sma: HashMap<usize, Vec<f64>>,
    /// RSI(timeperiod) by period, computed once (RSI grids mostly vary `lower`/`upper`).
    rsi: HashMap<usize, Vec<f64>>,
    lean: bool,
}

/// The registry entry for `name` (or an alias), or INVALID_STRATEGY with `path`.
pub fn strategy_spec(name: &str, path: &str) -> Result<&'static StrategySpec> {
    strategies::find(name).map_err(|e| {
        Error { message: format!("{path}: {}", e.message), ..e }.with("path", path)
    })
}

fn is_sma_cross(spec: &StrategySpec) -> bool {
    spec.name == "SmaCross"
}

impl<'a> BacktestEvaluator<'a> {
    /// Validates strategy, parameter names and backtest config, and precomputes every
    /// indicator series the candidates need. `prefix` prefixes error paths.
    pub fn new(
        data: &'a Ohlcv,
        strategy: &str,
        backtest_config: &Map<String, Value>,
        candidates: &Candidates,
        objective: &Objective,
        prefix: &str,
    ) -> Result<Self> {
        let spec = strategy_spec(strategy, &join(prefix, "strategy"))?;
        let params: Vec<(&str, f64)> = spec.params.iter().map(|p| (p.name, p.default)).collect();
        for name in candidates.space.names.iter() {
            if !params.iter().any(|(p, _)| p == name) {
                let known: Vec<&str> = params.iter().map(|(p, _)| *p).collect();
                let path = join(prefix, &format!("space.{name}"));
                return Err(Error::invalid_parameter(format!(
                    "{path}: {strategy} has no parameter '{name}'; its parameters are: {}",
                    known.join(", ")
                ))
                .with("path", path)
                .with("parameter", name.as_str()));
            }
        }
        for (name, dim) in candidates.space.names.iter().zip(&candidates.space.dims) {
            if let Some(p) = spec.params.iter().find(|p| p.name == name) {
                check_dim(p, dim, &join(prefix, &format!("space.{name}")))?;
            }
        }
        let config = BacktestConfig::from_json(&Value::Object(backtest_config.clone()), &[]).map_err(|mut e| {
            if let Some(p) = e.detail("parameter").and_then(Value::as_str).map(str::to_string) {
                e = e.with("path", join(prefix, &p));
            }
            e
        })?;
        let ctx = BacktestContext::new(data)?;
        // SmaCross: each distinct period once, up to the cache budget.
        let mut periods: Vec<usize> = Vec::new();
        let sma_params: &[(&str, f64)] = if is_sma_cross(spec) { &params } else { &[] };
        for (pname, default) in sma_params {
            let vals: Vec<f64> = match candidates.space.names.iter().position(|n| n == pname) {
                Some(dim) => candidates.distinct_values(dim).iter().filter_map(|v| v.as_f64()).collect(),
                None => vec![*default],
            };
            for v in vals {
                if let Ok(n) = period(v, data.len(), pname) {
                    if !periods.contains(&n) {
                        periods.push(n);
                    }
                }
            }
        }
        let per_series = data.len().max(1) * std::mem::size_of::<f64>();
        periods.truncate(CACHE_BYTES / per_series);
        let semantics = config.semantics;
        let compute = |n: &usize| {
            let mut out = vec![0.0; data.len()];
            moving_average(semantics, &data.close, *n, &mut out);
            (*n, out)
        };
        // The cache is shared work too: spread it over the pool when there is one.
        #[cfg(feature = "threads")]
        let sma: HashMap<usize, Vec<f64>> = {
            use rayon::prelude::*;
            periods.par_iter().map(compute).collect()
        };
        #[cfg(not(feature = "threads"))]
        let sma: HashMap<usize, Vec<f64>> = periods.iter().map(compute).collect();
        let mut rsi = HashMap::new();
        if spec.name == "RSI" {
            let vals: Vec<f64> = match candidates.space.names.iter().position(|n| n == "timeperiod") {
                Some(dim) => candidates.distinct_values(dim).iter().filter_map(|v| v.as_f64()).collect(),
                None => params.iter().filter(|(n, _)| *n == "timeperiod").map(|(_, d)| *d).collect(),
            };
            for v in vals {
                let Ok(n) = period(v, data.len(), "timeperiod") else { continue };
                if (rsi.len() + 1) * per_series > CACHE_BYTES {
                    break;
                }
                let mut out = vec![f64::NAN; data.len()];
                // A period the indicator rejects fails per combination, with its message.
                if crate::indicators::rsi(&data.close, n, &mut out).is_ok() {
                    rsi.insert(n, out);
                }
            }
        }
        let lean = is_sma_cross(spec) && config.semantics == Semantics::Vectorbt && LEAN_KEYS.contains(&objective.key.as_str());
        Ok(BacktestEvaluator { ctx, config, spec, sma, rsi, lean })
    }

    /// Indicator series computed up front and shared by all combinations.
    pub fn cached_series(&self) -> usize {
        self.sma.len() + self.rsi.len()
    }

    pub fn is_lean(&self) -> bool {
        self.lean
    }

    fn periods(&self, p: &Params) -> Result<(usize, usize)> {
        let len = self.ctx.data.len();
        let n1 = period(p.get_f64("n1").unwrap_or(10.0), len, "n1")?;
        let n2 = period(p.get_f64("n2").unwrap_or(20.0), len, "n2")?;
        Ok((n1, n2))
    }

    /// Runs `f` with the two SMA series (cached, or computed into this thread's buffers).
    fn with_series<R>(&self, n1: usize, n2: usize, f: impl FnOnce(&[f64], &[f64], &mut Workspace) -> R) -> R {
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (ws, b1, b2) = &mut *guard;
            let close = &self.ctx.data.close;
            let fast: &[f64] = match self.sma.get(&n1) {
                Some(s) => s,
                None => {
                    b1.resize(close.len(), 0.0);
                    moving_average(self.config.semantics, close, n1, b1);
                    b1
                }
            };
            let slow: &[f64] = match self.sma.get(&n2) {
                Some(s) => s,
                None => {
                    b2.resize(close.len(), 0.0);
                    moving_average(self.config.semantics, close, n2, b2);
                    b2
                }
            };
            f(fast, slow, ws)
        })
    }

    fn full_stats(&self, p: &Params) -> Result<Stats> {
        if !is_sma_cross(self.spec) {
            return self.registry_stats(p);
        }
        let (n1, n2) = self.periods(p)?;
        self.with_series(n1, n2, |fast, slow, ws| match self.config.semantics {
            Semantics::BacktestingPy => backtest::evaluate(&self.ctx, ws, &mut Crossover::new(fast, slow), &self.config),
            Semantics::Vectorbt => backtest::evaluate(&self.ctx, ws, &mut VbtCross::new(fast, slow), &self.config),
        })
    }

    /// Any registry strategy: validated parameters → signal table → backtest.
    fn registry_stats(&self, p: &Params) -> Result<Stats> {
        let given: Map<String, Value> = p.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect();
        let params = strategies::resolve_params(self.spec, &Value::Object(given))?;
        if self.spec.name == "RSI" {
            if let Some(rsi) = self.rsi.get(&(params.get("timeperiod") as usize)) {
                let mut source = RsiCross { rsi, lower: params.get("lower"), upper: params.get("upper"), warmup: backtest::first_valid(rsi) };
                return SCRATCH.with(|cell| backtest::evaluate(&self.ctx, &mut cell.borrow_mut().0, &mut source, &self.config));
            }
        }
        let table = strategies::generate_with(&params, self.ctx.data, self.config.semantics)?;
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let ws = &mut guard.0;
            backtest::evaluate(&self.ctx, ws, &mut SliceSignals { signals: &table.signal, warmup: table.warmup }, &self.config)
        })
    }

    fn lean_eval(&self, p: &Params) -> Result<Evaluation> {
        let (n1, n2) = self.periods(p)?;
        let (ret, trades) = self.with_series(n1, n2, |fast, slow, _| {
            cross_total_return(&self.ctx.data.close, fast, slow, self.config.commission, self.config.cash)
        });
        let mut ev = Evaluation { stats: Vec::with_capacity(4) };
        ev.push("Total Return", ret);
        ev.push("Return [%]", ret * 100.0);
        ev.push("Equity Final [$]", self.config.cash * (1.0 + ret));
        ev.push("# Trades", trades as f64);
        Ok(ev)
    }
}

impl Evaluate for BacktestEvaluator<'_> {
    fn evaluate(&self, p: &Params) -> Result<Evaluation> {
        if self.lean {
            return self.lean_eval(p);
        }
        let stats = self.full_stats(p)?;
        Ok(numeric(&stats, self.config.semantics))
    }

    fn full(&self, p: &Params) -> Option<Result<Evaluation>> {
        Some(self.full_stats(p).map(|stats| {
            let mut ev = numeric(&stats, self.config.semantics);
            for (k, v) in ev.stats.iter_mut() {
                match k.as_ref() {
                    "Start" => *v = Stat::Text(Stats::time_string(stats.start)),
                    "End" => *v = Stat::Text(Stats::time_string(stats.end)),
                    _ => {}
                }
            }
            if self.lean {
                // Keep the kernel's trade count (vectorbt counts a still-open trade).
                if let Ok(l) = self.lean_eval(p) {
                    ev.push("Total Return", l.metric("Total Return"));
                    if let Some((_, v)) = ev.stats.iter_mut().find(|(k, _)| k == "# Trades") {
                        *v = Stat::Num(l.metric("# Trades"));
                    }
                }
            }
            ev
        }))
    }
}

/// The registry's RSI rule over a cached RSI series: Buy when RSI crosses back above `lower`,
/// Sell when it crosses back below `upper` (tests pin it to `strategies::generate`).
struct RsiCross<'a> {
    rsi: &'a [f64],
    lower: f64,
    upper: f64,
    warmup: usize,
}

impl backtest::SignalSource for RsiCross<'_> {
    fn len(&self) -> usize {
        self.rsi.len()
    }
    fn warmup(&self) -> usize {
        self.warmup
    }
    #[inline(always)]
    fn signal(&mut self, i: usize) -> crate::signals::Signal {
        use crate::signals::Signal;
        if i == 0 || i >= self.rsi.len() {
            return Signal::Hold;
        }
        let (prev, cur) = (self.rsi[i - 1], self.rsi[i]);
        if prev < self.lower && cur > self.lower {
            Signal::Buy
        } else if prev > self.upper && cur < self.upper {
            Signal::Sell
        } else {
            Signal::Hold
        }
    }
}

/// Every stat as a number, in backtesting.py's order (`Start`/`End` as ms since the epoch);
/// vectorbt runs also report vectorbt's `Total Return` (a fraction).
fn numeric(stats: &Stats, semantics: Semantics) -> Evaluation {
    let mut ev = Evaluation { stats: Vec::with_capacity(Stats::KEYS.len() + 1) };
    for k in Stats::KEYS {
        ev.stats.push((Cow::Borrowed(k), Stat::Num(stats.get(k).unwrap_or(f64::NAN))));
    }
    if semantics == Semantics::Vectorbt {
        ev.push("Total Return", stats.return_pct / 100.0);
    }
    ev
}

fn moving_average(semantics: Semantics, close: &[f64], n: usize, out: &mut [f64]) {
    match semantics {
        Semantics::BacktestingPy => ma::pandas_rolling_mean_into(close, n, out),
        Semantics::Vectorbt => ma::vectorbt_rolling_mean_into(close, n, out),
    }
}

/// The space of one strategy parameter fits its schema: numbers only, within [min, max], and
/// integer parameters only from integer-valued forms. Caught here with the path rather than as
/// one failure per combination.
fn check_dim(p: &strategies::ParamSpec, dim: &Dim, path: &str) -> Result<()> {
    if let Dim::Values(vals) = dim {
        if let Some(bad) = vals.iter().find(|v| v.as_f64().is_none()) {
            return Err(Error::invalid_parameter(format!("{path}: '{}' takes numbers, got {bad}", p.name))
                .with("path", path)
                .with("parameter", p.name));
        }
    }
    let fractional = match dim {
        Dim::Values(vals) => vals.iter().filter_map(|v| v.as_f64()).any(|x| x.fract() != 0.0),
        Dim::Range { start, step, .. } => start.fract() != 0.0 || step.fract() != 0.0,
        Dim::QUniform { q, .. } => q.fract() != 0.0,
        Dim::RandInt { .. } => false,
        Dim::Uniform { .. } | Dim::LogUniform { .. } => true,
    };
    if p.integer && fractional {
        return Err(Error::invalid_parameter(format!(
            "{path}: '{}' is a whole number; use {{randint: [lo, hi]}}, {{quniform: [lo, hi, 1]}} or a range",
            p.name
        ))
        .with("path", path)
        .with("parameter", p.name));
    }
    if let Some((lo, hi)) = dim.bounds() {
        if lo < p.min || hi > p.max {
            return Err(Error::invalid_parameter(format!(
                "{path}: '{}' must stay within [{}, {}], the space reaches [{lo}, {hi}]",
                p.name, p.min, p.max
            ))
            .with("path", path)
            .with("parameter", p.name)
            .with("min", p.min)
            .with("max", p.max));
        }
    }
    Ok(())
}

/// A moving-average period: a whole number in [1, bars].
fn period(v: f64, bars: usize, name: &str) -> Result<usize> {
    if v.is_finite() && v.fract() == 0.0 && v >= 1.0 && v <= bars as f64 {
        Ok(v as usize)
    } else {
        Err(Error::param_range(name, v, 1.0, bars as f64))
    }
}

/// One evaluator per batch job, all validated up front: the first bad strategy, parameter
/// name or backtest option fails the whole request with its path.
pub fn batch_evaluators<'a>(data: &'a Ohlcv, plan: &BatchPlan) -> Result<Vec<Result<Box<dyn Evaluate + 'a>>>> {
    let mut out: Vec<Result<Box<dyn Evaluate + 'a>>> = Vec::with_capacity(plan.jobs.len());
    for job in &plan.jobs {
        let ev = BacktestEvaluator::new(data, &job.strategy, &job.plan.backtest, &job.plan.candidates, &job.plan.objective, &job.path)?;
        out.push(Ok(Box::new(ev)));
    }
    Ok(out)
}
