//! JS wrappers: `forecast(values, config)` and `forecastModels()`. Conversion only; the models
//! live in `crate::forecast`.

use super::convert::{f64_array, f64_vec, from_js, to_js};
use super::errors::JsResult;
use crate::forecast;
use crate::Error;
use js_sys::{Object, Reflect};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const FORECAST_TS: &'static str = r#"
export type ForecastModelName = 'naive' | 'mean' | 'drift' | 'seasonal_naive' | 'linear_trend'
  | 'ses' | 'holt' | 'holt_winters' | 'theta' | 'ar';
export interface ForecastConfig {
  model: ForecastModelName; horizon: number; level?: number;
  alpha?: number; beta?: number; gamma?: number; m?: number; p?: number; theta?: number;
}
export interface ForecastOutput {
  mean: Float64Array; lower?: Float64Array; upper?: Float64Array;
  params: Record<string, number | boolean | number[]>; sse?: number;
}
export interface ForecastParamSpec { name: string; integer: boolean; min: number; max: number; default: number | null; doc: string; }
export interface ForecastModelSpec { name: ForecastModelName; summary: string; params: ForecastParamSpec[]; }
"#;

/// Reads the config object. serde would turn NaN/Infinity into `null` (= omitted, i.e.
/// fitted), so non-finite numbers are refused here, naming the key.
fn config_json(config: &JsValue) -> JsResult<Value> {
    if !config.is_object() || js_sys::Array::is_array(config) {
        return Err(Error::invalid_input(
            "forecast config must be an object {model, horizon, ...params}",
        )
        .with("field", "config")
        .into());
    }
    let mut map = Map::new();
    for entry in Object::entries(config.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if value.is_undefined() {
            continue;
        }
        if let Some(x) = value.as_f64() {
            if !x.is_finite() {
                return Err(Error::invalid_parameter(format!(
                    "parameter '{key}' must be a finite number, got {x}"
                ))
                .with("field", key.as_str())
                .into());
            }
        }
        map.insert(
            key.clone(),
            from_js::<Value>(value, &format!("config.{key}"))?,
        );
    }
    Ok(Value::Object(map))
}

/// Forecasts `horizon` steps of `values` (Float64Array or array of numbers) with one model.
/// Returns `{mean, lower?, upper?, params, sse?}`; bad input throws a typed error.
#[wasm_bindgen(js_name = forecast, unchecked_return_type = "ForecastOutput")]
pub fn forecast_js(
    #[wasm_bindgen(unchecked_param_type = "Float64Array | ArrayLike<number>")] values: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "ForecastConfig")] config: &JsValue,
) -> JsResult<JsValue> {
    let values = f64_vec(values, "values")?;
    let config = config_json(config)?;
    let out = forecast::forecast_json(&values, &config)?;
    let obj = Object::new();
    Reflect::set(&obj, &"mean".into(), &f64_array(&out.mean))?;
    if let (Some(lower), Some(upper)) = (&out.lower, &out.upper) {
        Reflect::set(&obj, &"lower".into(), &f64_array(lower))?;
        Reflect::set(&obj, &"upper".into(), &f64_array(upper))?;
    }
    Reflect::set(&obj, &"params".into(), &to_js(&out.params)?)?;
    if let Some(sse) = out.sse {
        Reflect::set(&obj, &"sse".into(), &sse.into())?;
    }
    Ok(obj.into())
}

/// The built-in models and their parameters.
#[wasm_bindgen(js_name = forecastModels, unchecked_return_type = "ForecastModelSpec[]")]
pub fn forecast_models() -> JsResult<JsValue> {
    to_js(forecast::models())
}
