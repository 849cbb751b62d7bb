//! The optimizer's configuration (the JS `optimize` config object) and its validation into a
//! `Plan`: parsed space, candidate list, objective, limits. Keys that are not the optimizer's
//! are the backtest configuration and pass through untouched.

use super::constraint::Constraint;
use super::engine::{Objective, Options};
use super::search::{Candidates, Method, DEFAULT_GRID_LIMIT, DEFAULT_MAX_TRIES};
use super::space::{Space, SpaceSpec};
use crate::{Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Default objective, as in backtesting.py's `Backtest.optimize`.
pub const DEFAULT_MAXIMIZE: &str = "SQN";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OptimizeConfig {
    #[serde(default)]
    pub strategy: Option<String>,
    #[serde(default)]
    pub space: Option<SpaceSpec>,
    /// `grid` (default) or `random`.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub constraint: Option<String>,
    #[serde(default)]
    pub maximize: Option<String>,
    #[serde(default)]
    pub minimize: Option<String>,
    #[serde(default, rename = "maxTries", alias = "max_tries")]
    pub max_tries: Option<f64>,
    #[serde(default)]
    pub seed: Option<f64>,
    /// Full results kept for the K best combinations (default 10).
    #[serde(default, rename = "topK", alias = "top_k")]
    pub top_k: Option<usize>,
    /// Grid-size limit (RESOURCE_LIMIT above it).
    #[serde(default, rename = "maxCombinations", alias = "max_combinations")]
    pub max_combinations: Option<f64>,
    #[serde(default, rename = "timeoutMs", alias = "timeout_ms")]
    pub timeout_ms: Option<f64>,
    #[serde(default, rename = "progressIntervalMs", alias = "progress_interval_ms")]
    pub progress_interval_ms: Option<f64>,
    /// Extra exports in the result: any of `csv`, `json`.
    #[serde(default)]
    pub export: Option<Vec<String>>,
    /// Everything else: the backtest configuration (cash, commission, semantics, ...).
    #[serde(flatten)]
    pub backtest: Map<String, Value>,
}

/// A validated optimization, ready to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub strategy: String,
    pub candidates: Arc<Candidates>,
    pub objective: Objective,
    pub top_k: usize,
    pub timeout_ms: Option<f64>,
    pub progress_interval_ms: f64,
    pub export_csv: bool,
    pub export_json: bool,
    pub backtest: Map<String, Value>,
}

impl Plan {
    /// Engine options for this plan (clock and cancellation token are the caller's).
    pub fn options(&self, base: Options) -> Options {
        Options {
            top_k: self.top_k,
            timeout_ms: self.timeout_ms.or(base.timeout_ms),
            progress_interval_ms: self.progress_interval_ms,
            ..base
        }
    }
}

use super::search::join as path_of;

impl OptimizeConfig {
    /// From a JSON value (tests, batch requests); errors are INVALID_INPUT at `path`.
    pub fn from_json(v: &Value, path: &str) -> Result<OptimizeConfig> {
        OptimizeConfig::deserialize(v).map_err(|e| {
            Error::invalid_input(format!("{}: {e}", if path.is_empty() { "config" } else { path }))
                .with("path", path)
        })
    }

    /// Fills unset fields from `base` (batch: strategy config over common_config). Backtest
    /// keys merge, the specific config's values winning.
    pub fn over(mut self, base: &OptimizeConfig) -> OptimizeConfig {
        macro_rules! inherit {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = base.$f.clone(); } )* };
        }
        inherit!(strategy, space, method, constraint, max_tries, seed, top_k, max_combinations, timeout_ms, progress_interval_ms, export);
        if self.maximize.is_none() && self.minimize.is_none() {
            self.maximize = base.maximize.clone();
            self.minimize = base.minimize.clone();
        }
        for (k, v) in &base.backtest {
            self.backtest.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self
    }

    /// Validates everything and enumerates the candidates. `prefix` makes error paths such as
    /// `strategy_specific_configs.RSI.space.timeperiod`.
    pub fn plan(&self, prefix: &str, default_strategy: Option<&str>) -> Result<Plan> {
        let strategy = self
            .strategy
            .clone()
            .or_else(|| default_strategy.map(str::to_string))
            .ok_or_else(|| {
                Error::invalid_strategy(format!("{}: no strategy given", path_of(prefix, "strategy")))
                    .with("path", path_of(prefix, "strategy"))
            })?;
        let space_path = path_of(prefix, "space");
        let spec = self.space.as_ref().ok_or_else(|| {
            Error::invalid_parameter(format!("{space_path} is missing: give the parameters to search"))
                .with("path", space_path.as_str())
        })?;
        let space = Space::parse(spec, &space_path)?;
        let constraint = match &self.constraint {
            Some(c) if !c.trim().is_empty() => {
                Some(Constraint::compile(c, &space, &path_of(prefix, "constraint"))?)
            }
            _ => None,
        };
        let method = match self.method.as_deref().unwrap_or("grid") {
            "grid" => Method::Grid,
            "random" => {
                let seed = self.seed.unwrap_or(0.0);
                if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed < 2f64.powi(64)) {
                    return Err(Error::invalid_parameter(format!(
                        "{}: seed must be a whole number ≥ 0, got {seed}",
                        path_of(prefix, "seed")
                    ))
                    .with("path", path_of(prefix, "seed")));
                }
                Method::Random { max_tries: self.max_tries.unwrap_or(DEFAULT_MAX_TRIES as f64), seed: seed as u64 }
            }
            other => {
                return Err(Error::invalid_parameter(format!(
                    "{}: unknown method '{other}'; use 'grid' or 'random'",
                    path_of(prefix, "method")
                ))
                .with("path", path_of(prefix, "method"))
                .with("value", other))
            }
        };
        let objective = match (&self.maximize, &self.minimize) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_parameter(format!(
                    "{}: give either maximize or minimize, not both",
                    path_of(prefix, "maximize")
                ))
                .with("path", path_of(prefix, "maximize")))
            }
            (Some(k), None) => Objective { key: k.clone(), maximize: true },
            (None, Some(k)) => Objective { key: k.clone(), maximize: false },
            (None, None) => Objective { key: DEFAULT_MAXIMIZE.into(), maximize: true },
        };
        let limit = match self.max_combinations {
            None => DEFAULT_GRID_LIMIT,
            Some(x) if x.is_finite() && x >= 1.0 => x as u64,
            Some(x) => {
                return Err(Error::invalid_parameter(format!(
                    "{}: must be ≥ 1, got {x}",
                    path_of(prefix, "maxCombinations")
                ))
                .with("path", path_of(prefix, "maxCombinations")))
            }
        };
        if let Some(t) = self.timeout_ms {
            if !(t.is_finite() && t > 0.0) {
                return Err(Error::invalid_parameter(format!("{}: must be > 0 ms, got {t}", path_of(prefix, "timeoutMs")))
                    .with("path", path_of(prefix, "timeoutMs")));
            }
        }
        let exports = self.export.clone().unwrap_or_default();
        for (i, x) in exports.iter().enumerate() {
            if x != "csv" && x != "json" {
                let p = path_of(prefix, &format!("export[{i}]"));
                return Err(Error::invalid_parameter(format!("{p}: unknown export '{x}'; use 'csv' or 'json'")).with("path", p));
            }
        }
        let candidates = Candidates::build(space, &method, constraint.as_ref(), limit, prefix)?;
        Ok(Plan {
            strategy,
            candidates: Arc::new(candidates),
            objective,
            top_k: self.top_k.unwrap_or(10).max(1),
            timeout_ms: self.timeout_ms,
            progress_interval_ms: self.progress_interval_ms.filter(|x| x.is_finite() && *x >= 0.0).unwrap_or(100.0),
            export_csv: exports.iter().any(|x| x == "csv"),
            export_json: exports.iter().any(|x| x == "json"),
            backtest: self.backtest.clone(),
        })
    }
}
