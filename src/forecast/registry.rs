//! The built-in models, their parameters (the listing JS sees as `forecastModels()`), and the
//! parsing and validation of a `{model, horizon, level?, ...params}` config.

use crate::{Error, Result};
use serde::Serialize;
use serde_json::Value;

/// Longest forecast one call may ask for.
pub const MAX_HORIZON: usize = 100_000;
/// Longest season (`m`).
pub const MAX_SEASON: usize = 10_000;
/// Most AR lags.
pub const MAX_LAGS: usize = 1_000;
/// Work bound for fitting Holt-Winters: points × (m + 1)² per SSE evaluation.
pub const MAX_HW_FIT_WORK: usize = 50_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    Naive,
    Mean,
    Drift,
    SeasonalNaive,
    LinearTrend,
    Ses,
    Holt,
    HoltWinters,
    Theta,
    Ar,
}

/// One parameter of a model.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub integer: bool,
    pub min: f64,
    pub max: f64,
    /// `None` = required (`m`) or fitted when omitted (smoothing parameters).
    pub default: Option<f64>,
    pub doc: &'static str,
}

/// One model of the registry.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ModelSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub params: &'static [ParamSpec],
    #[serde(skip)]
    pub model: Model,
}

const fn smoothing(name: &'static str, doc: &'static str) -> ParamSpec {
    ParamSpec {
        name,
        integer: false,
        min: 0.0,
        max: 1.0,
        default: None,
        doc,
    }
}
const ALPHA: ParamSpec = smoothing("alpha", "level smoothing; fitted when omitted");
const BETA: ParamSpec = smoothing(
    "beta",
    "trend smoothing; fitted (0 <= beta <= alpha) when omitted",
);
const GAMMA: ParamSpec = smoothing(
    "gamma",
    "season smoothing; fitted (0 <= gamma <= 1 - alpha) when omitted",
);
const SEASON: ParamSpec = ParamSpec {
    name: "m",
    integer: true,
    min: 1.0,
    max: MAX_SEASON as f64,
    default: None,
    doc: "season length in bars (required)",
};
const HW_SEASON: ParamSpec = ParamSpec { min: 2.0, ..SEASON };
const LAGS: ParamSpec = ParamSpec {
    name: "p",
    integer: true,
    min: 1.0,
    max: MAX_LAGS as f64,
    default: Some(1.0),
    doc: "number of lags",
};
const LEVEL: ParamSpec = ParamSpec {
    name: "level",
    integer: false,
    min: 0.0,
    max: 1.0,
    default: Some(0.95),
    doc: "prediction interval coverage, strictly between 0 and 1",
};
const THETA: ParamSpec = ParamSpec {
    name: "theta",
    integer: false,
    min: 1.0,
    max: 1e6,
    default: Some(2.0),
    doc: "weight of the trend line: (theta - 1)/theta",
};
const THETA_ALPHA: ParamSpec =
    smoothing("alpha", "SES smoothing (level0 = y0); fitted when omitted");

const MODELS: &[ModelSpec] = &[
    ModelSpec { name: "naive", summary: "last value", params: &[], model: Model::Naive },
    ModelSpec { name: "mean", summary: "sample mean", params: &[], model: Model::Mean },
    ModelSpec { name: "drift", summary: "last value + h (y_last - y_0)/(n - 1)", params: &[], model: Model::Drift },
    ModelSpec { name: "seasonal_naive", summary: "value one season back", params: &[SEASON], model: Model::SeasonalNaive },
    ModelSpec { name: "linear_trend", summary: "OLS line on t = 0..n-1, extrapolated", params: &[], model: Model::LinearTrend },
    ModelSpec { name: "ses", summary: "simple exponential smoothing (statsmodels SimpleExpSmoothing)", params: &[ALPHA], model: Model::Ses },
    ModelSpec { name: "holt", summary: "Holt's additive trend (statsmodels Holt)", params: &[ALPHA, BETA], model: Model::Holt },
    ModelSpec {
        name: "holt_winters",
        summary: "additive trend and season (statsmodels ExponentialSmoothing add/add)",
        params: &[HW_SEASON, ALPHA, BETA, GAMMA],
        model: Model::HoltWinters,
    },
    ModelSpec { name: "theta", summary: "Theta method (statsmodels ThetaModel, no deseasonalising)", params: &[THETA, THETA_ALPHA], model: Model::Theta },
    ModelSpec { name: "ar", summary: "AR(p) with a constant by OLS (statsmodels AutoReg trend='c'), normal prediction intervals", params: &[LAGS, LEVEL], model: Model::Ar },
];

/// Every built-in model with its parameters.
pub fn models() -> &'static [ModelSpec] {
    MODELS
}

impl Model {
    pub fn spec(self) -> &'static ModelSpec {
        MODELS
            .iter()
            .find(|s| s.model == self)
            .unwrap_or(&MODELS[0])
    }
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    pub fn parse(name: &str) -> Result<Model> {
        MODELS
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.model)
            .ok_or_else(|| {
                let names: Vec<&str> = MODELS.iter().map(|s| s.name).collect();
                Error::invalid_parameter(format!(
                    "unknown forecast model '{name}'; choose one of {}",
                    names.join(", ")
                ))
                .with("field", "model")
                .with("got", name)
                .with("expected", names)
            })
    }
}

/// A validated config.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastConfig {
    pub model: Model,
    pub horizon: usize,
    pub level: f64,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub gamma: Option<f64>,
    pub m: usize,
    pub p: usize,
    pub theta: f64,
}

impl ForecastConfig {
    /// A config with the model's defaults; set the parameters on the result.
    pub fn new(model: Model, horizon: usize) -> Self {
        ForecastConfig {
            model,
            horizon,
            level: 0.95,
            alpha: None,
            beta: None,
            gamma: None,
            m: 1,
            p: 1,
            theta: 2.0,
        }
    }

    /// Parses `{model, horizon, level?, ...params}`: unknown keys, parameters the model does
    /// not take, non-finite or out-of-range values are INVALID_PARAMETER naming the field.
    pub fn from_json(config: &Value) -> Result<Self> {
        let obj = config.as_object().ok_or_else(|| {
            Error::invalid_input("forecast config must be an object {model, horizon, ...params}")
                .with("field", "config")
        })?;
        let model = match obj.get("model") {
            Some(Value::String(s)) => Model::parse(s)?,
            Some(other) => {
                return Err(Error::invalid_parameter(format!(
                    "model must be a string, got {other}"
                ))
                .with("field", "model"))
            }
            None => {
                return Err(
                    Error::invalid_parameter("config.model is required (e.g. 'ses')")
                        .with("field", "model"),
                )
            }
        };
        let horizon_spec = ParamSpec {
            name: "horizon",
            integer: true,
            min: 1.0,
            max: MAX_HORIZON as f64,
            default: None,
            doc: "",
        };
        let horizon = match obj.get("horizon") {
            Some(v) => number(v, &horizon_spec)? as usize,
            None => {
                return Err(Error::invalid_parameter(
                    "config.horizon is required (number of steps to forecast)",
                )
                .with("field", "horizon"))
            }
        };
        let spec = model.spec();
        let mut config = ForecastConfig::new(model, horizon);
        for (key, value) in obj {
            if key == "model" || key == "horizon" || value.is_null() {
                continue;
            }
            let Some(param) = spec.params.iter().find(|p| p.name == key) else {
                let accepted: Vec<&str> = spec.params.iter().map(|p| p.name).collect();
                return Err(Error::invalid_parameter(format!(
                    "model '{}' has no parameter '{key}' (it takes: {})",
                    spec.name,
                    if accepted.is_empty() {
                        "none".to_string()
                    } else {
                        accepted.join(", ")
                    }
                ))
                .with("field", key.as_str())
                .with("expected", accepted));
            };
            let v = number(value, param)?;
            match param.name {
                "alpha" => config.alpha = Some(v),
                "beta" => config.beta = Some(v),
                "gamma" => config.gamma = Some(v),
                "m" => config.m = v as usize,
                "p" => config.p = v as usize,
                "theta" => config.theta = v,
                "level" => {
                    if v <= 0.0 || v >= 1.0 {
                        return Err(range_error(param, v));
                    }
                    config.level = v;
                }
                _ => {}
            }
        }
        if let Some(required) = spec
            .params
            .iter()
            .find(|p| p.default.is_none() && p.name == "m")
        {
            if !obj.contains_key(required.name) {
                return Err(Error::invalid_parameter(format!(
                    "model '{}' needs parameter '{}' ({})",
                    spec.name, required.name, required.doc
                ))
                .with("field", required.name));
            }
        }
        if model == Model::HoltWinters
            && (config.alpha.is_none() || config.beta.is_none() || config.gamma.is_none())
        {
            let work = config.m.saturating_add(1).saturating_pow(2);
            // The point count is not known here; `forecast` re-checks with it.
            if work > MAX_HW_FIT_WORK {
                return Err(hw_limit(config.m));
            }
        }
        Ok(config)
    }

    /// The fewest points the model can run on.
    pub fn min_points(&self) -> usize {
        match self.model {
            Model::Naive | Model::Mean => 1,
            Model::Drift | Model::LinearTrend | Model::Ses | Model::Theta => 2,
            Model::Holt => 3,
            Model::SeasonalNaive => self.m,
            Model::HoltWinters => 2 * self.m,
            Model::Ar => 2 * self.p + 2,
        }
    }

    /// Holt-Winters fitting costs points × (m + 1)² per SSE evaluation; refuse beyond the bound.
    pub fn check_work(&self, points: usize) -> Result<()> {
        let fitting = self.alpha.is_none() || self.beta.is_none() || self.gamma.is_none();
        if self.model == Model::HoltWinters && fitting {
            let work = points.saturating_mul(self.m.saturating_add(1).saturating_pow(2));
            if work > MAX_HW_FIT_WORK {
                return Err(hw_limit(self.m).with("got", work));
            }
        }
        Ok(())
    }
}

fn hw_limit(m: usize) -> Error {
    Error::resource_limit(format!(
        "fitting holt_winters with m = {m} on this many points exceeds the work bound of {MAX_HW_FIT_WORK} (points x (m+1)^2); \
         give alpha, beta and gamma, shorten the series or use a shorter season"
    ))
    .with("field", "m")
    .with("limit", MAX_HW_FIT_WORK)
}

fn range_error(param: &ParamSpec, v: f64) -> Error {
    Error::invalid_parameter(format!(
        "parameter '{}' = {v} is outside its valid range [{}, {}] ({})",
        param.name, param.min, param.max, param.doc
    ))
    .with("field", param.name)
    .with("got", v)
    .with("min", param.min)
    .with("max", param.max)
}

/// A finite number within the parameter's range (and whole, for integer parameters).
fn number(value: &Value, param: &ParamSpec) -> Result<f64> {
    let v = value.as_f64().ok_or_else(|| {
        Error::invalid_parameter(format!(
            "parameter '{}' must be a finite number, got {value}",
            param.name
        ))
        .with("field", param.name)
    })?;
    if !v.is_finite() {
        return Err(Error::invalid_parameter(format!(
            "parameter '{}' must be finite, got {v}",
            param.name
        ))
        .with("field", param.name));
    }
    if param.integer && v.fract() != 0.0 {
        return Err(Error::invalid_parameter(format!(
            "parameter '{}' must be a whole number, got {v}",
            param.name
        ))
        .with("field", param.name)
        .with("got", v));
    }
    if v < param.min || v > param.max {
        return Err(range_error(param, v));
    }
    Ok(v)
}
