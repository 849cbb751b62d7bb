//! Market regime and multi-timeframe analysis.
//!
//! * [`regime`]: per-bar market regime (`trending_up`, `trending_down`, `ranging`,
//!   `volatile`) from ADX, ATR %, a realised-volatility percentile and the slope of log close.
//! * [`multi_timeframe`]: catalogue indicators on coarser timeframes aligned back onto the
//!   base bars through `crate::series::on_timeframe` (the rules' `tf()` uses the same code),
//!   plus a trend-alignment score and signal confirmation.
//!
//! Both are causal: every value at bar `i` depends on bars `0..=i` only, so appending bars
//! never changes an earlier output (tested on prefixes of real data).
//!
//! JS bindings: `src/js/analysis.rs` (`analyzeRegime`, `multiTimeframe`).

pub mod multi_timeframe;
pub mod regime;

pub use multi_timeframe::{multi_timeframe, MtfResult, MtfSpec};
pub use regime::{analyze_regime, Regime, RegimeConfig, RegimeResult};

use crate::{Error, Result};
use serde_json::Value;

/// Rejects keys of `value` (an object, or null/absent = empty) not in `known`, naming the
/// first unknown one: INVALID_PARAMETER with `field`.
fn check_keys(value: &Value, what: &str, known: &[&str]) -> Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::Object(map) => {
            for key in map.keys() {
                if !known.contains(&key.as_str()) {
                    return Err(Error::invalid_parameter(format!(
                        "{what} has no option '{key}'; known options are [{}]",
                        known.join(", ")
                    ))
                    .with("field", key.as_str())
                    .with("expected", known.to_vec()));
                }
            }
            Ok(())
        }
        _ => Err(Error::invalid_parameter(format!("{what} must be an object")).with("field", what)),
    }
}

/// Reads optional number `key` of `obj`, checked to lie in `[min, max]` (and to be whole when
/// `integer`); INVALID_PARAMETER naming the field otherwise.
fn number(obj: &Value, key: &str, default: f64, min: f64, max: f64, integer: bool) -> Result<f64> {
    let Some(raw) = obj.get(key).filter(|v| !v.is_null()) else {
        return Ok(default);
    };
    let bad = |got: String| {
        Error::invalid_parameter(format!(
            "option '{key}' = {got} must be a {} in [{min}, {max}]",
            if integer { "whole number" } else { "number" }
        ))
        .with("field", key)
        .with("got", got)
        .with("min", min)
        .with("max", max)
    };
    let v = raw.as_f64().ok_or_else(|| bad(raw.to_string()))?;
    if !v.is_finite() || v < min || v > max || (integer && v.fract() != 0.0) {
        return Err(bad(v.to_string()));
    }
    Ok(v)
}
