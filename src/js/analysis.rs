//! JS bindings: `analyzeRegime(data, config?)` and `multiTimeframe(data, spec)`. Conversions
//! only; the analysis lives in `crate::analysis`.

use super::convert::{f64_array, json_from_js, to_js};
use super::errors::JsResult;
use super::strategies::ohlcv_from;
use crate::analysis::{analyze_regime, multi_timeframe, MtfSpec, RegimeConfig};
use serde_json::Value;
use wasm_bindgen::prelude::*;

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) -> JsResult<()> {
    js_sys::Reflect::set(obj, &key.into(), value).map(|_| ())
}

fn config_json(config: &JsValue, what: &str) -> JsResult<Value> {
    if config.is_undefined() || config.is_null() {
        return Ok(Value::Null);
    }
    json_from_js(config, what)
}

/// Market regime per bar: `{regime: (string|null)[], confidence, adx, atrPct, realizedVol,
/// volPercentile, slope (Float64Array each), config}`. See docs/analysis.md.
#[wasm_bindgen(js_name = analyzeRegime)]
pub fn analyze_regime_js(data: &JsValue, config: &JsValue) -> JsResult<JsValue> {
    let data = ohlcv_from(data)?;
    let config = RegimeConfig::from_json(&config_json(config, "config")?)?;
    let r = analyze_regime(&data, &config)?;
    let out = js_sys::Object::new();
    let regime = js_sys::Array::new_with_length(r.regime.len() as u32);
    for (i, label) in r.regime.iter().enumerate() {
        let v = label.map_or(JsValue::NULL, |l| JsValue::from_str(l.as_str()));
        regime.set(i as u32, v);
    }
    set(&out, "regime", &regime)?;
    set(&out, "confidence", &f64_array(&r.confidence))?;
    set(&out, "adx", &f64_array(&r.adx))?;
    set(&out, "atrPct", &f64_array(&r.atr_pct))?;
    set(&out, "realizedVol", &f64_array(&r.realized_vol))?;
    set(&out, "volPercentile", &f64_array(&r.vol_percentile))?;
    set(&out, "slope", &f64_array(&r.slope))?;
    set(&out, "config", &to_js(&r.config)?)?;
    Ok(out.into())
}

/// Indicators on coarser timeframes aligned to the base bars (completed bars only):
/// `{timeframes: {tf: {key: {output, ...columns}}}, trends: {tf: Float64Array}, alignment:
/// Float64Array, confirmation: boolean[], signal: Float64Array}`. See docs/analysis.md.
#[wasm_bindgen(js_name = multiTimeframe)]
pub fn multi_timeframe_js(data: &JsValue, spec: &JsValue) -> JsResult<JsValue> {
    let data = ohlcv_from(data)?;
    let spec = MtfSpec::from_json(&config_json(spec, "spec")?)?;
    let r = multi_timeframe(&data, &spec)?;
    let timeframes = js_sys::Object::new();
    let trends = js_sys::Object::new();
    for tf in &r.timeframes {
        let per_tf = js_sys::Object::new();
        for ind in &tf.indicators {
            let entry = js_sys::Object::new();
            set(&entry, "output", &f64_array(&ind.output))?;
            if ind.columns.len() > 1 {
                for (name, col) in &ind.columns {
                    set(&entry, name, &f64_array(col))?;
                }
            }
            set(&per_tf, &ind.key, &entry)?;
        }
        set(&timeframes, &tf.timeframe, &per_tf)?;
        set(&trends, &tf.timeframe, &f64_array(&tf.trend))?;
    }
    let confirmation = js_sys::Array::new_with_length(r.confirmation.len() as u32);
    for (i, c) in r.confirmation.iter().enumerate() {
        confirmation.set(i as u32, JsValue::from_bool(*c));
    }
    let out = js_sys::Object::new();
    set(&out, "timeframes", &timeframes)?;
    set(&out, "trends", &trends)?;
    set(&out, "alignment", &f64_array(&r.alignment))?;
    set(&out, "confirmation", &confirmation)?;
    set(&out, "signal", &f64_array(&r.signal))?;
    Ok(out.into())
}
