//! Conversions between JS values and Rust types shared by every wrapper.

use super::errors::{invalid_input, JsResult};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

/// Serializer that produces plain JS objects (not `Map`) and keeps large ints as numbers.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&ser)
        .map_err(|e| invalid_input(format!("could not convert result to JS: {e}")))
}

/// Deserializes a JS value (object, array, ...) into a Rust type; errors are INVALID_INPUT.
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid_input(format!("{what}: {e}")))
}

/// Reads a numeric column: accepts Float64Array, any typed array or a plain array of numbers.
pub fn f64_vec(value: &JsValue, what: &str) -> JsResult<Vec<f64>> {
    if let Some(arr) = value.dyn_ref::<js_sys::Float64Array>() {
        return Ok(arr.to_vec());
    }
    if js_sys::ArrayBuffer::is_view(value) || js_sys::Array::is_array(value) {
        let array = js_sys::Array::from(value);
        let mut out = Vec::with_capacity(array.length() as usize);
        for (i, v) in array.iter().enumerate() {
            match v.as_f64() {
                Some(x) => out.push(x),
                None if v.is_null() || v.is_undefined() => out.push(f64::NAN),
                None => {
                    return Err(invalid_input(format!("{what}[{i}] is not a number")));
                }
            }
        }
        return Ok(out);
    }
    Err(invalid_input(format!("{what} must be a Float64Array or an array of numbers")))
}

/// A Rust slice as a new Float64Array (copied out of wasm memory).
pub fn f64_array(values: &[f64]) -> js_sys::Float64Array {
    js_sys::Float64Array::from(values)
}

/// A string argument. Exported functions take strings as `JsValue` and check them here:
/// with a `&str` parameter, wasm-bindgen's release glue does not type-check, and a
/// non-string (a number, an object) makes the module trap instead of throwing.
pub fn string_arg(value: &JsValue, what: &str) -> JsResult<String> {
    value.as_string().ok_or_else(|| {
        let got = if value.is_undefined() { "undefined".to_string() } else { format!("{}", value.js_typeof().as_string().unwrap_or_default()) };
        crate::Error::invalid_input(format!("{what} must be a string, got {got}"))
            .with("field", what)
            .into()
    })
}
