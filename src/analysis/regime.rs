//! Market regime per bar: `trending_up`, `trending_down`, `ranging` or `volatile`.
//!
//! Measures (all from the indicator catalogue, all causal):
//! * `adx`: TA-Lib ADX(`adxPeriod`) — trend strength, direction-free;
//! * `atrPct`: 100 · ATR(`atrPeriod`) / close — the typical bar range in percent;
//! * `realizedVol`: STDDEV(`volPeriod`) of log returns (per bar, not annualised);
//! * `volPercentile`: the share of the trailing `volWindow` realised-volatility values
//!   (current one included) at or below the current value — ranked against the past only;
//! * `slope`: LINEARREG_SLOPE(`slopePeriod`) of ln(close), i.e. log-price drift per bar;
//! * `trendMove`: |slope| · `slopePeriod` / (atrPct / 100): the regression's move over its
//!   window in ATRs, which makes the slope test independent of the bar size.
//!
//! Rules, in order: `volatile` if `volPercentile ≥ volatilePercentile`; else trending (up or
//! down by the sign of `slope`) if `adx ≥ trendAdx` and `trendMove ≥ minTrendMove`; else
//! `ranging`. A bar whose measures are not all defined yet is warm-up (`None`).

use super::{check_keys, number};
use crate::indicators::{compute, Inputs, Params};
use crate::series::Ohlcv;
use crate::Result;
use serde::Serialize;
use serde_json::Value;
use std::collections::VecDeque;

/// A bar's market regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    TrendingUp,
    TrendingDown,
    Ranging,
    Volatile,
}

impl Regime {
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::TrendingUp => "trending_up",
            Regime::TrendingDown => "trending_down",
            Regime::Ranging => "ranging",
            Regime::Volatile => "volatile",
        }
    }
}

/// Periods and thresholds; JS keys are the camelCase field names (`adxPeriod`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegimeConfig {
    pub adx_period: usize,
    pub atr_period: usize,
    pub slope_period: usize,
    pub vol_period: usize,
    pub vol_window: usize,
    /// ADX at or above this means a trend is present.
    pub trend_adx: f64,
    /// Minimum regression move over `slope_period`, in ATRs, for a trend.
    pub min_trend_move: f64,
    /// Volatility percentile (0..1) at or above which the bar is `volatile`.
    pub volatile_percentile: f64,
}

impl Default for RegimeConfig {
    fn default() -> Self {
        RegimeConfig {
            adx_period: 14,
            atr_period: 14,
            slope_period: 20,
            vol_period: 20,
            vol_window: 252,
            trend_adx: 20.0,
            min_trend_move: 1.0,
            volatile_percentile: 0.9,
        }
    }
}

const KEYS: [&str; 8] = [
    "adxPeriod",
    "atrPeriod",
    "slopePeriod",
    "volPeriod",
    "volWindow",
    "trendAdx",
    "minTrendMove",
    "volatilePercentile",
];
/// Largest accepted period and volatility window (bars).
pub const MAX_PERIOD: usize = 1000;
pub const MAX_VOL_WINDOW: usize = 5000;

impl RegimeConfig {
    /// From a JS-style object (null = defaults). Unknown keys and out-of-range values →
    /// INVALID_PARAMETER with `field`.
    pub fn from_json(value: &Value) -> Result<Self> {
        check_keys(value, "regime config", &KEYS)?;
        let d = RegimeConfig::default();
        let period = |key: &str, default: usize| -> Result<usize> {
            Ok(number(value, key, default as f64, 2.0, MAX_PERIOD as f64, true)? as usize)
        };
        Ok(RegimeConfig {
            adx_period: period("adxPeriod", d.adx_period)?,
            atr_period: period("atrPeriod", d.atr_period)?,
            slope_period: period("slopePeriod", d.slope_period)?,
            vol_period: period("volPeriod", d.vol_period)?,
            vol_window: number(
                value,
                "volWindow",
                d.vol_window as f64,
                10.0,
                MAX_VOL_WINDOW as f64,
                true,
            )? as usize,
            trend_adx: number(value, "trendAdx", d.trend_adx, 0.0, 100.0, false)?,
            min_trend_move: number(value, "minTrendMove", d.min_trend_move, 0.0, 1000.0, false)?,
            volatile_percentile: number(
                value,
                "volatilePercentile",
                d.volatile_percentile,
                0.0,
                1.0,
                false,
            )?,
        })
    }
}

/// Per-bar labels, confidences (0..1, NaN in warm-up) and the measures behind them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegimeResult {
    pub regime: Vec<Option<Regime>>,
    pub confidence: Vec<f64>,
    pub adx: Vec<f64>,
    pub atr_pct: Vec<f64>,
    pub realized_vol: Vec<f64>,
    pub vol_percentile: Vec<f64>,
    pub slope: Vec<f64>,
    pub config: RegimeConfig,
}

fn period_params(period: usize) -> Params {
    Params::new().with("timeperiod", period as f64)
}

/// Labels every bar of `data`. Causal: bar `i`'s output depends on bars `0..=i` only.
pub fn analyze_regime(data: &Ohlcv, config: &RegimeConfig) -> Result<RegimeResult> {
    let n = data.len();
    let inputs = Inputs::from_ohlcv(data);
    let adx = compute("ADX", &inputs, &period_params(config.adx_period))?
        .into_columns()
        .remove(0)
        .1;
    let atr = compute("ATR", &inputs, &period_params(config.atr_period))?
        .into_columns()
        .remove(0)
        .1;
    let atr_pct: Vec<f64> = atr
        .iter()
        .zip(&data.close)
        .map(|(a, c)| 100.0 * a / c)
        .collect();

    let log_close: Vec<f64> = data.close.iter().map(|c| c.ln()).collect();
    let slope = compute(
        "LINEARREG_SLOPE",
        &Inputs::real(&log_close),
        &period_params(config.slope_period),
    )?
    .into_columns()
    .remove(0)
    .1;

    // Log returns start at bar 1; STDDEV runs on them and is shifted back by one bar.
    let returns: Vec<f64> = log_close.windows(2).map(|w| w[1] - w[0]).collect();
    let mut realized_vol = vec![f64::NAN; n];
    if !returns.is_empty() {
        let std = compute(
            "STDDEV",
            &Inputs::real(&returns),
            &Params::new()
                .with("timeperiod", config.vol_period as f64)
                .with("nbdev", 1.0),
        )?;
        realized_vol[1..].copy_from_slice(std.first());
    }
    let vol_percentile = trailing_percentile(&realized_vol, config.vol_window);

    let mut regime = Vec::with_capacity(n);
    let mut confidence = Vec::with_capacity(n);
    for i in 0..n {
        match classify(config, adx[i], atr_pct[i], vol_percentile[i], slope[i]) {
            Some((r, c)) => {
                regime.push(Some(r));
                confidence.push(c);
            }
            None => {
                regime.push(None);
                confidence.push(f64::NAN);
            }
        }
    }
    Ok(RegimeResult {
        regime,
        confidence,
        adx,
        atr_pct,
        realized_vol,
        vol_percentile,
        slope,
        config: *config,
    })
}

/// The rules of the module docs; `None` while any measure is undefined.
fn classify(
    cfg: &RegimeConfig,
    adx: f64,
    atr_pct: f64,
    vol_pct: f64,
    slope: f64,
) -> Option<(Regime, f64)> {
    if [adx, atr_pct, vol_pct, slope]
        .iter()
        .any(|v| !v.is_finite())
    {
        return None;
    }
    let unit = |x: f64| x.clamp(0.0, 1.0);
    if vol_pct >= cfg.volatile_percentile {
        let span = 1.0 - cfg.volatile_percentile;
        let depth = if span > 0.0 {
            (vol_pct - cfg.volatile_percentile) / span
        } else {
            1.0
        };
        return Some((Regime::Volatile, 0.5 + 0.5 * unit(depth)));
    }
    let move_atr = if atr_pct > 0.0 {
        slope.abs() * cfg.slope_period as f64 / (atr_pct / 100.0)
    } else {
        0.0
    };
    let adx_margin = if cfg.trend_adx > 0.0 {
        (adx - cfg.trend_adx) / cfg.trend_adx
    } else {
        1.0
    };
    let move_margin = if cfg.min_trend_move > 0.0 {
        move_atr / cfg.min_trend_move - 1.0
    } else {
        1.0
    };
    if adx >= cfg.trend_adx && move_atr >= cfg.min_trend_move {
        let r = if slope >= 0.0 {
            Regime::TrendingUp
        } else {
            Regime::TrendingDown
        };
        return Some((r, 0.5 + 0.25 * unit(adx_margin) + 0.25 * unit(move_margin)));
    }
    // Ranging: confidence grows with how clearly either trend condition fails.
    Some((
        Regime::Ranging,
        0.5 + 0.5 * unit((-adx_margin).max(-move_margin)),
    ))
}

/// For each bar, the share of the last `window` defined values (current included) that are
/// ≤ the current value; NaN until `window` values exist. Ranks against the past only.
/// A sorted copy of the window makes each step a binary search plus one shift.
fn trailing_percentile(values: &[f64], window: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    let mut recent: VecDeque<f64> = VecDeque::with_capacity(window + 1);
    let mut sorted: Vec<f64> = Vec::with_capacity(window + 1);
    for (i, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        recent.push_back(v);
        sorted.insert(sorted.partition_point(|&x| x < v), v);
        if recent.len() > window {
            if let Some(old) = recent.pop_front() {
                sorted.remove(sorted.partition_point(|&x| x < old));
            }
        }
        if recent.len() == window {
            out[i] = sorted.partition_point(|&x| x <= v) as f64 / window as f64;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_ranks_against_the_trailing_window_only() {
        let v = [f64::NAN, 1.0, 3.0, 2.0, 5.0, 0.5, 4.0];
        let p = trailing_percentile(&v, 3);
        assert!(p[..3].iter().all(|x| x.is_nan()));
        assert_eq!(p[3], 2.0 / 3.0); // {1,3,2}: 1 and 2 are ≤ 2
        assert_eq!(p[4], 1.0); // {3,2,5}
        assert_eq!(p[5], 1.0 / 3.0); // {2,5,0.5}
        assert_eq!(p[6], 2.0 / 3.0); // {5,0.5,4}
    }

    #[test]
    fn config_rejects_unknown_keys_and_bad_values() {
        let e = RegimeConfig::from_json(&serde_json::json!({"adx_period": 10})).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidParameter);
        assert_eq!(
            e.detail("field").and_then(|v| v.as_str()),
            Some("adx_period")
        );
        let e =
            RegimeConfig::from_json(&serde_json::json!({"volatilePercentile": 1.5})).unwrap_err();
        assert_eq!(
            e.detail("field").and_then(|v| v.as_str()),
            Some("volatilePercentile")
        );
        let e = RegimeConfig::from_json(&serde_json::json!({"slopePeriod": 2.5})).unwrap_err();
        assert_eq!(
            e.detail("field").and_then(|v| v.as_str()),
            Some("slopePeriod")
        );
        let c = RegimeConfig::from_json(&serde_json::json!({"trendAdx": 30})).expect("valid config");
        assert_eq!(c.trend_adx, 30.0);
        assert_eq!(c.adx_period, 14);
    }
}
