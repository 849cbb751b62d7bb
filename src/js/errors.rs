//! Maps `crate::Error` to a real JS `Error` with `name`, `code` and `details`.

use crate::{Error, ErrorCode};
use wasm_bindgen::prelude::*;

pub type JsResult<T> = std::result::Result<T, JsValue>;

/// Builds `new Error(message)` and sets `name`, `code`, `details` on it.
pub fn to_js_error(err: &Error) -> JsValue {
    let js_err = js_sys::Error::new(&err.message);
    js_err.set_name(err.code.error_name());
    let obj: &JsValue = js_err.as_ref();
    let _ = js_sys::Reflect::set(obj, &"code".into(), &err.code.as_str().into());
    let details = serde_wasm_bindgen::to_value(&err.details)
        .ok()
        .and_then(|v| plain_object(v))
        .unwrap_or_else(|| js_sys::Object::new().into());
    let _ = js_sys::Reflect::set(obj, &"details".into(), &details);
    js_err.into()
}

/// serde-wasm-bindgen serializes maps as JS `Map` by default; details are plain objects.
fn plain_object(v: JsValue) -> Option<JsValue> {
    if v.is_instance_of::<js_sys::Map>() {
        let map: js_sys::Map = v.unchecked_into();
        js_sys::Object::from_entries(&map).ok().map(Into::into)
    } else {
        Some(v)
    }
}

impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        to_js_error(&err)
    }
}

/// Shorthand for INVALID_INPUT errors raised while converting JS values.
pub fn invalid_input(message: impl Into<String>) -> JsValue {
    to_js_error(&Error::new(ErrorCode::InvalidInput, message))
}

/// The message of a thrown JS value (an Error's `message`, else its string form).
pub fn message_of(v: &JsValue) -> String {
    js_sys::Reflect::get(v, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| v.as_string())
        .unwrap_or_else(|| "a non-Error value was thrown".to_string())
}
