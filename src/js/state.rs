//! `encodeSnapshot` / `decodeSnapshot`: the state snapshot format (crate::state::format) for
//! js/state.js, which holds the store itself (backends, locks, migrations).

use super::convert::{json_from_js, string_arg, to_js};
use super::errors::{invalid_input, JsResult};
use crate::state::format::{self, EncodeOptions, Entry, Snapshot, StateValue};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Largest snapshot accepted by `decodeSnapshot`, checked before the bytes are copied in.
const MAX_SNAPSHOT_BYTES: u32 = (format::MAX_PAYLOAD + format::HEADER_LEN) as u32;

fn option(options: &JsValue, name: &str) -> JsResult<JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    Reflect::get(options, &name.into())
        .map_err(|_| invalid_input(format!("options.{name} could not be read")))
}

/// `encodeSnapshot(state, {schemaVersion, compress, timestamps})` → Uint8Array.
/// `state` is a plain object key → value; a Float64Array value (or any numeric typed array)
/// is stored as raw f64 bytes, anything else as JSON-like data. `timestamps` maps keys to
/// their last-write time in ms.
#[wasm_bindgen(js_name = encodeSnapshot)]
pub fn encode_snapshot(state: JsValue, options: JsValue) -> JsResult<Uint8Array> {
    if !state.is_object() || js_sys::Array::is_array(&state) || state.is_function() {
        return Err(invalid_input("state must be a plain object (key → value)"));
    }
    let schema = option(&options, "schemaVersion")?;
    let schema_version = if schema.is_undefined() {
        1
    } else {
        match schema.as_f64() {
            Some(v) if v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&v) => v as u32,
            _ => {
                return Err(crate::Error::invalid_parameter(
                    "schemaVersion must be an integer from 0 to 4294967295",
                )
                .with("field", "schemaVersion")
                .into())
            }
        }
    };
    let compress = option(&options, "compress")?.is_truthy();
    let timestamps = option(&options, "timestamps")?;
    let mut snapshot = Snapshot {
        schema_version,
        entries: Default::default(),
    };
    for key in Object::keys(state.unchecked_ref::<Object>()).iter() {
        let name = string_arg(&key, "state key")?;
        let value = Reflect::get(&state, &key)
            .map_err(|_| invalid_input(format!("state.{name} could not be read")))?;
        if value.is_undefined() {
            continue;
        }
        let value = match typed_f64(&value) {
            Some(xs) => StateValue::F64Array(xs),
            None => StateValue::Json(json_from_js(&value, &format!("state.{name}"))?),
        };
        let updated_at = if timestamps.is_object() {
            Reflect::get(&timestamps, &key)
                .ok()
                .and_then(|t| t.as_f64())
                .filter(|t| t.is_finite())
        } else {
            None
        };
        snapshot.entries.insert(name, Entry { value, updated_at });
    }
    let bytes = format::encode(&snapshot, EncodeOptions { compress })?;
    Ok(Uint8Array::from(bytes.as_slice()))
}

/// Numeric typed arrays (not BigInt ones, not DataView) as f64 values, NaN kept.
fn typed_f64(value: &JsValue) -> Option<Vec<f64>> {
    if let Some(f) = value.dyn_ref::<js_sys::Float64Array>() {
        return Some(f.to_vec());
    }
    let numeric = value.is_instance_of::<js_sys::Float32Array>()
        || value.is_instance_of::<js_sys::Int32Array>()
        || value.is_instance_of::<js_sys::Uint32Array>()
        || value.is_instance_of::<js_sys::Int16Array>()
        || value.is_instance_of::<js_sys::Uint16Array>()
        || value.is_instance_of::<js_sys::Int8Array>()
        || value.is_instance_of::<js_sys::Uint8Array>()
        || value.is_instance_of::<js_sys::Uint8ClampedArray>();
    numeric.then(|| js_sys::Float64Array::new(value).to_vec())
}

/// `decodeSnapshot(bytes)` → `{state, timestamps, schemaVersion, formatVersion, legacy,
/// compressed}`; f64 arrays come back as Float64Array. Errors: STATE_CORRUPT,
/// VERSION_UNSUPPORTED, RESOURCE_LIMIT (input over the size limit).
#[wasm_bindgen(js_name = decodeSnapshot)]
pub fn decode_snapshot(bytes: JsValue) -> JsResult<JsValue> {
    let view = if let Some(u8s) = bytes.dyn_ref::<Uint8Array>() {
        u8s.clone()
    } else if let Some(buf) = bytes.dyn_ref::<js_sys::ArrayBuffer>() {
        Uint8Array::new(buf)
    } else if js_sys::ArrayBuffer::is_view(&bytes) {
        let view = bytes.unchecked_ref::<js_sys::Uint8Array>();
        Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset(),
            view.byte_length(),
        )
    } else {
        return Err(invalid_input(
            "decodeSnapshot expects a Uint8Array, ArrayBuffer or Buffer",
        ));
    };
    if view.length() > MAX_SNAPSHOT_BYTES {
        return Err(crate::Error::resource_limit(format!(
            "snapshot has {} bytes, over the limit of {MAX_SNAPSHOT_BYTES}",
            view.length()
        ))
        .with("limit", MAX_SNAPSHOT_BYTES)
        .into());
    }
    let decoded = format::decode(&view.to_vec())?;
    let state = Object::new();
    let timestamps = Object::new();
    for (key, entry) in &decoded.snapshot.entries {
        let value = match &entry.value {
            StateValue::Json(v) => to_js(v)?,
            StateValue::F64Array(xs) => js_sys::Float64Array::from(xs.as_slice()).into(),
        };
        set(&state, key, &value)?;
        if let Some(t) = entry.updated_at {
            set(&timestamps, key, &t.into())?;
        }
    }
    let out = Object::new();
    set(&out, "state", &state)?;
    set(&out, "timestamps", &timestamps)?;
    set(
        &out,
        "schemaVersion",
        &decoded.snapshot.schema_version.into(),
    )?;
    set(&out, "formatVersion", &decoded.format_version.into())?;
    set(&out, "legacy", &decoded.legacy.into())?;
    set(&out, "compressed", &decoded.compressed.into())?;
    Ok(out.into())
}

fn set(obj: &Object, key: &str, value: &JsValue) -> JsResult<()> {
    // defineProperty, not assignment: a key named "__proto__" must stay data.
    let desc = Object::new();
    Reflect::set(&desc, &"value".into(), value)?;
    Reflect::set(&desc, &"enumerable".into(), &true.into())?;
    Reflect::set(&desc, &"writable".into(), &true.into())?;
    Reflect::set(&desc, &"configurable".into(), &true.into())?;
    Object::define_property(obj, &key.into(), &desc);
    Ok(())
}
