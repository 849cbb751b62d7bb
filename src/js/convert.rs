//! Conversions between JS values and Rust types shared by every wrapper.

use super::errors::{invalid_input, JsResult};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Serializer that produces plain JS objects (not `Map`) and keeps large ints as numbers.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&ser)
        .map_err(|e| invalid_input(format!("could not convert result to JS: {e}")))
}

/// Deserializes a JS value (object, array, ...) into a Rust type, read through the bounded
/// walker ([`json_from_js`]); errors are INVALID_INPUT or RESOURCE_LIMIT.
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> JsResult<T> {
    let json = json_from_js(&value, what)?;
    serde_json::from_value(json).map_err(|e| invalid_input(format!("{what}: {e}")))
}

/// Limits of [`json_from_js`] (documented in docs/limits.md).
pub const MAX_DEPTH: usize = 64;
/// Objects, arrays and strings in one converted value.
pub const MAX_NODES: usize = 100_000;
/// Array elements (plain or typed) in one converted value.
pub const MAX_ELEMENTS: usize = 20_000_000;
/// Characters of one string inside a converted value.
pub const MAX_STRING: usize = 1 << 20;

/// Reads any JS value into JSON through one bounded walk: nesting depth, cycles, the number
/// of nodes and array elements and string lengths are checked *before* anything large is
/// built, getters that throw are caught (their error becomes `cause`), and holes and
/// `undefined` read as null. NaN reads as null, ±Infinity as ±f64::MAX (JSON has neither).
/// BigInt, Symbol and functions are refused with INVALID_INPUT naming the path.
pub fn json_from_js(value: &JsValue, what: &str) -> JsResult<Value> {
    let mut walk = Walk { nodes: 0, elements: 0, ancestors: Vec::new() };
    walk.value(value, what, 0)
}

struct Walk {
    nodes: usize,
    elements: usize,
    ancestors: Vec<JsValue>,
}

fn limit(path: &str, what: &str, max: usize) -> JsValue {
    crate::Error::resource_limit(format!("{path}: {what} exceeds the limit of {max}; send less data per call"))
        .with("field", path)
        .with("limit", max as u64)
        .into()
}

fn bad(path: &str, message: String) -> JsValue {
    crate::Error::invalid_input(message).with("field", path).into()
}

/// Reflect.get, with a throwing getter turned into a typed error carrying the original.
fn read_prop(obj: &JsValue, key: &JsValue, path: &str) -> JsResult<JsValue> {
    js_sys::Reflect::get(obj, key).map_err(|cause| {
        let err = bad(path, format!("{path}: reading it threw: {}", super::errors::message_of(&cause)));
        let _ = js_sys::Reflect::set(&err, &"cause".into(), &cause);
        err
    })
}

impl Walk {
    fn value(&mut self, v: &JsValue, path: &str, depth: usize) -> JsResult<Value> {
        if v.is_undefined() || v.is_null() {
            return Ok(Value::Null);
        }
        if let Some(b) = v.as_bool() {
            return Ok(Value::Bool(b));
        }
        if let Some(x) = v.as_f64() {
            return Ok(number(x));
        }
        if let Some(s) = v.as_string() {
            self.node(path)?;
            if s.len() > MAX_STRING {
                return Err(limit(path, "string length", MAX_STRING));
            }
            return Ok(Value::String(s));
        }
        if v.is_bigint() {
            return Err(bad(path, format!("{path} is a BigInt; pass a Number")));
        }
        if v.is_symbol() {
            return Err(bad(path, format!("{path} is a Symbol; pass a Number, string or object")));
        }
        if v.is_function() {
            return Err(bad(path, format!("{path} is a function; pass plain data")));
        }
        if depth >= MAX_DEPTH {
            return Err(limit(path, "nesting depth", MAX_DEPTH));
        }
        self.node(path)?;
        if js_sys::ArrayBuffer::is_view(v) {
            return self.typed_array(v, path);
        }
        if self.ancestors.iter().any(|a| js_sys::Object::is(a, v)) {
            return Err(bad(path, format!("{path} refers back to one of its own parents (a cycle); pass plain data")));
        }
        self.ancestors.push(v.clone());
        let out = if js_sys::Array::is_array(v) { self.array(v, path, depth) } else { self.object(v, path, depth) };
        self.ancestors.pop();
        out
    }

    fn node(&mut self, path: &str) -> JsResult<()> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(limit(path, "number of objects, arrays and strings", MAX_NODES));
        }
        Ok(())
    }

    fn count_elements(&mut self, n: usize, path: &str) -> JsResult<()> {
        self.elements = self.elements.saturating_add(n);
        if self.elements > MAX_ELEMENTS {
            return Err(limit(path, "number of array elements", MAX_ELEMENTS));
        }
        Ok(())
    }

    fn array(&mut self, v: &JsValue, path: &str, depth: usize) -> JsResult<Value> {
        // Length is read through Reflect so a Proxy's throwing trap is caught too.
        let len = read_prop(v, &"length".into(), path)?.as_f64().unwrap_or(0.0);
        if !(len >= 0.0) || len > MAX_ELEMENTS as f64 {
            return Err(limit(path, "array length", MAX_ELEMENTS));
        }
        let len = len as usize;
        self.count_elements(len, path)?;
        let mut out = Vec::with_capacity(len.min(1 << 16));
        for i in 0..len {
            let item = read_prop(v, &JsValue::from(i as u32), path)?;
            out.push(self.value(&item, &format!("{path}[{i}]"), depth + 1)?);
        }
        Ok(Value::Array(out))
    }

    fn typed_array(&mut self, v: &JsValue, path: &str) -> JsResult<Value> {
        if let Some(f) = v.dyn_ref::<js_sys::Float64Array>() {
            self.count_elements(f.length() as usize, path)?;
            return Ok(Value::Array(f.to_vec().into_iter().map(number).collect()));
        }
        if v.is_instance_of::<js_sys::BigInt64Array>() || v.is_instance_of::<js_sys::BigUint64Array>() {
            return Err(bad(path, format!("{path} is a BigInt array; pass a Float64Array or numbers")));
        }
        if v.is_instance_of::<js_sys::DataView>() {
            return Err(bad(path, format!("{path} is a DataView; pass a typed array or numbers")));
        }
        let arr = js_sys::Float64Array::new(v);
        self.count_elements(arr.length() as usize, path)?;
        Ok(Value::Array(arr.to_vec().into_iter().map(number).collect()))
    }

    fn object(&mut self, v: &JsValue, path: &str, depth: usize) -> JsResult<Value> {
        let keys = js_sys::Reflect::own_keys(v)
            .map_err(|cause| bad(path, format!("{path}: its keys could not be read: {}", super::errors::message_of(&cause))))?;
        let n = keys.length() as usize;
        self.count_elements(n, path)?;
        let mut map = serde_json::Map::new();
        for key in keys.iter() {
            // Symbol keys and non-enumerable properties are not data.
            let Some(name) = key.as_string() else { continue };
            let descriptor = js_sys::Reflect::get_own_property_descriptor(v.unchecked_ref::<js_sys::Object>(), &key)
                .unwrap_or(JsValue::UNDEFINED);
            let enumerable = js_sys::Reflect::get(&descriptor, &"enumerable".into()).ok().and_then(|e| e.as_bool());
            if enumerable == Some(false) {
                continue;
            }
            let child = format!("{path}.{name}");
            let item = read_prop(v, &key, &child)?;
            if item.is_undefined() {
                continue;
            }
            let value = self.value(&item, &child, depth + 1)?;
            map.insert(name, value);
        }
        Ok(Value::Object(map))
    }
}

/// A JS number as JSON: integers stay integers (so they deserialize into integer fields).
fn number(x: f64) -> Value {
    if x.is_nan() {
        Value::Null
    } else if x.is_infinite() {
        Value::from(if x > 0.0 { f64::MAX } else { -f64::MAX })
    } else if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        if x == 0.0 && x.is_sign_negative() {
            Value::from(0i64)
        } else {
            Value::from(x as i64)
        }
    } else {
        Value::from(x)
    }
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
    string_arg_max(value, what, MAX_NAME_CHARS)
}

/// Names, rule texts and other short strings (characters).
pub const MAX_NAME_CHARS: usize = 1 << 16;
/// CSV text for `Ohlcv.fromCsv` (characters; about a million bars).
pub const MAX_CSV_CHARS: usize = 64 << 20;

/// A string argument of at most `max` UTF-16 units, checked *before* it is copied into wasm
/// memory (a huge string would grow the memory for good).
pub fn string_arg_max(value: &JsValue, what: &str, max: usize) -> JsResult<String> {
    if let Some(s) = value.dyn_ref::<js_sys::JsString>() {
        if s.length() as usize > max {
            return Err(crate::Error::resource_limit(format!(
                "{what} has {} characters, more than the limit of {max}; split the input",
                s.length()
            ))
            .with("field", what)
            .with("limit", max as u64)
            .into());
        }
    }
    value.as_string().ok_or_else(|| {
        let got = if value.is_undefined() { "undefined".to_string() } else { format!("{}", value.js_typeof().as_string().unwrap_or_default()) };
        crate::Error::invalid_input(format!("{what} must be a string, got {got}"))
            .with("field", what)
            .into()
    })
}
