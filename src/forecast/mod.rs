//! Forecasting models (statsmodels-exact) and the model registry.
//!
//! `forecast(values, config)` runs one model on a series and returns the mean forecast for
//! `horizon` steps, prediction intervals where the model has them (`ar`), the parameters
//! used or fitted, and the in-sample one-step SSE where the model is fitted. The formulas and
//! initialisations follow statsmodels 0.15 (see each file), so fixed-parameter forecasts agree
//! to rounding and fitted models reach statsmodels' SSE or lower.
//!
//! One file per model family: `baseline` (naive, mean, drift, seasonal naive, linear trend),
//! `smoothing` (SES, Holt, Holt-Winters), `theta`, `ar`; `optimizer` and `normal` are their
//! numerical helpers; `registry` lists the models and their parameters and validates configs.

pub mod ar;
pub mod baseline;
pub mod normal;
pub mod optimizer;
pub mod registry;
pub mod smoothing;
pub mod theta;

use crate::{Error, Result};
pub use registry::{models, ForecastConfig, Model, ModelSpec, ParamSpec, MAX_HORIZON};
use serde::Serialize;
use serde_json::{json, Map, Value};
use smoothing::{Given, Shape, Smoothing};

/// The result of one forecast.
#[derive(Clone, Debug, Serialize)]
pub struct Forecast {
    pub mean: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<Vec<f64>>,
    /// Parameters used or fitted (and the fitted initial states), by name.
    pub params: Map<String, Value>,
    /// In-sample sum of squared one-step errors (residuals for `ar` and `linear_trend`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sse: Option<f64>,
}

/// Runs the model a JSON config names (`{model, horizon, level?, ...params}`).
pub fn forecast_json(values: &[f64], config: &Value) -> Result<Forecast> {
    let config = ForecastConfig::from_json(config)?;
    forecast(values, &config)
}

/// Runs one model on `values` (validated here: finite, long enough for the model).
pub fn forecast(values: &[f64], config: &ForecastConfig) -> Result<Forecast> {
    check_values(values, config.min_points())?;
    config.check_work(values.len())?;
    let y = values;
    let h = config.horizon;
    let mut mean = vec![0.0; h];
    let mut params = Map::new();
    let mut sse = None;
    let (mut lower, mut upper) = (None, None);
    match config.model {
        Model::Naive => {
            baseline::naive(y, &mut mean);
            params.insert("last".into(), json!(y[y.len() - 1]));
        }
        Model::Mean => {
            let m = baseline::mean(y, &mut mean);
            params.insert("mean".into(), json!(m));
        }
        Model::Drift => {
            let slope = baseline::drift(y, &mut mean);
            params.insert("slope".into(), json!(slope));
        }
        Model::SeasonalNaive => {
            baseline::seasonal_naive(y, config.m, &mut mean);
            params.insert("m".into(), json!(config.m));
        }
        Model::LinearTrend => {
            let (intercept, slope, ssr) = baseline::linear_trend(y, &mut mean);
            params.insert("intercept".into(), json!(intercept));
            params.insert("slope".into(), json!(slope));
            sse = Some(ssr);
        }
        Model::Ses | Model::Holt | Model::HoltWinters => {
            let shape = Shape {
                trend: config.model != Model::Ses,
                m: if config.model == Model::HoltWinters {
                    config.m
                } else {
                    1
                },
            };
            let given = Given {
                alpha: config.alpha,
                beta: config.beta,
                gamma: config.gamma,
            };
            let all_given = given.alpha.is_some()
                && (!shape.trend || given.beta.is_some())
                && (config.model != Model::HoltWinters || given.gamma.is_some());
            let (p, init, fitted) = if all_given {
                let p = Smoothing {
                    alpha: given.alpha.unwrap_or(0.0),
                    beta: given.beta.unwrap_or(0.0),
                    gamma: given.gamma.unwrap_or(0.0),
                };
                (p, smoothing::default_states(y, shape), false)
            } else {
                let fit = smoothing::fit(y, shape, given);
                (fit.params, fit.init, true)
            };
            sse = Some(smoothing::smooth_forecast(y, shape, p, &init, &mut mean));
            params.insert("alpha".into(), json!(p.alpha));
            if shape.trend {
                params.insert("beta".into(), json!(p.beta));
            }
            if config.model == Model::HoltWinters {
                params.insert("gamma".into(), json!(p.gamma));
                params.insert("m".into(), json!(config.m));
            }
            params.insert("level0".into(), json!(init.level));
            if shape.trend {
                params.insert("trend0".into(), json!(init.trend));
            }
            if config.model == Model::HoltWinters {
                params.insert("season0".into(), json!(init.season));
            }
            params.insert("fitted".into(), json!(fitted));
        }
        Model::Theta => {
            let fit = theta::forecast(y, config.theta, config.alpha, &mut mean);
            params.insert("theta".into(), json!(config.theta));
            params.insert("alpha".into(), json!(fit.alpha));
            params.insert("b0".into(), json!(fit.b0));
            params.insert("fitted".into(), json!(config.alpha.is_none()));
            sse = Some(fit.sse);
        }
        Model::Ar => {
            let fit = ar::fit(y, config.p);
            let mut lo = vec![0.0; h];
            let mut hi = vec![0.0; h];
            ar::forecast(y, &fit, &mut mean, Some((config.level, &mut lo, &mut hi)));
            params.insert("p".into(), json!(config.p));
            params.insert("coef".into(), json!(fit.coef));
            params.insert("sigma2".into(), json!(fit.sigma2));
            params.insert("level".into(), json!(config.level));
            sse = Some(fit.ssr);
            lower = Some(lo);
            upper = Some(hi);
        }
    }
    if let Some(i) = mean.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid_input(format!(
            "model '{}' produced a non-finite forecast at step {} (the series or parameters make it explode)",
            config.model.name(),
            i + 1
        ))
        .with("field", "values")
        .with("row", i));
    }
    Ok(Forecast {
        mean,
        lower,
        upper,
        params,
        sse,
    })
}

/// Values must be finite and numerous enough for the model.
fn check_values(values: &[f64], min_points: usize) -> Result<()> {
    if values.len() < min_points {
        return Err(Error::invalid_input(format!(
            "values has {} points; this model needs at least {min_points}",
            values.len()
        ))
        .with("field", "values")
        .with("expected", min_points)
        .with("got", values.len()));
    }
    if let Some(row) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid_input(format!(
            "values[{row}] is {}: forecasts need finite numbers (drop or fill missing values first)",
            values[row]
        ))
        .with("field", "values")
        .with("row", row));
    }
    Ok(())
}
