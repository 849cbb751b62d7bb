//! mergeSignals inside wasm (Node, Chromium, Firefox): conversions, rules, typed errors.
#![cfg(target_arch = "wasm32")]

use stratlab::js::merge::merge_signals;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("test JSON")
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).expect("property")
}

fn strings(v: &JsValue) -> Vec<String> {
    js_sys::Array::from(v).iter().map(|x| x.as_string().unwrap_or_default()).collect()
}

fn numbers(v: &JsValue) -> Vec<f64> {
    js_sys::Float64Array::new(v).to_vec()
}

fn error_of(outputs: &JsValue, config: &JsValue) -> js_sys::Error {
    match merge_signals(outputs, Some(config.clone())) {
        Err(e) => e.unchecked_into(),
        Ok(_) => panic!("expected an error"),
    }
}

#[wasm_bindgen_test]
fn weighted_vote_on_string_signals() {
    let out = json(r#"{"a": {"timestamp": [2, 1], "signal": ["sell", "BUY"]},
                       "b": {"timestamp": [1, 2], "signal": ["SELL", "Sell"]},
                       "c": {"timestamp": [1], "signal": ["buy"]}}"#);
    let r = merge_signals(&out, Some(json(r#"{"method": "weighted_vote", "weights": {"a": 2}}"#))).expect("merges");
    assert_eq!(numbers(&get(&r, "timestamp")), vec![1.0, 2.0]);
    assert_eq!(strings(&get(&r, "signal")), vec!["BUY", "SELL"]);
    assert_eq!(numbers(&get(&r, "confidence")), vec![0.75, 1.0]);
    assert_eq!(numbers(&get(&r, "strategy_count")), vec![3.0, 2.0]);
}

#[wasm_bindgen_test]
fn typed_arrays_in_int8_out() {
    let ts = js_sys::Float64Array::from(&[1.0, 2.0][..]);
    let obj = js_sys::Object::new();
    for (name, sig) in [("a", [1i8, 0]), ("b", [-1, 0])] {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &"timestamp".into(), &ts).expect("set");
        js_sys::Reflect::set(&o, &"signal".into(), &js_sys::Int8Array::from(&sig[..])).expect("set");
        js_sys::Reflect::set(&obj, &name.into(), &o).expect("set");
    }
    let r = merge_signals(&obj, Some(json(r#"{"method": "majority"}"#))).expect("merges");
    let sig = get(&r, "signal");
    assert!(sig.is_instance_of::<js_sys::Int8Array>());
    assert_eq!(js_sys::Int8Array::from(sig).to_vec(), vec![0, 0]); // tie → HOLD, then HOLD
    assert_eq!(numbers(&get(&r, "confidence")), vec![0.0, 1.0]);
}

#[wasm_bindgen_test]
fn priority_reports_strategy_used() {
    let out = json(r#"{"x": {"timestamp": [1, 2], "signal": [1, 1]}, "y": {"timestamp": [2], "signal": [-1]}}"#);
    let r = merge_signals(&out, Some(json(r#"{"method": "priority", "priority": ["y", "x"]}"#))).expect("merges");
    // Numeric signals in → number format: indices into `strategies`.
    assert_eq!(strings(&get(&r, "strategies")), vec!["x", "y"]);
    assert_eq!(js_sys::Int32Array::new(&get(&r, "strategy_used")).to_vec(), vec![0, 1]);
    assert_eq!(js_sys::Int8Array::new(&get(&r, "signal")).to_vec(), vec![1, -1]);
    // Text format: the names.
    let r = merge_signals(&out, Some(json(r#"{"method": "priority", "priority": ["y", "x"], "signal_format": "string"}"#))).expect("merges");
    assert_eq!(strings(&get(&r, "strategy_used")), vec!["x", "y"]);
    assert_eq!(strings(&get(&r, "signal")), vec!["BUY", "SELL"]);
}

#[wasm_bindgen_test]
fn bad_signal_is_a_typed_error_with_strategy_and_row() {
    let e = error_of(&json(r#"{"s": {"timestamp": [1, 2], "signal": ["BUY", "maybe"]}}"#), &JsValue::NULL);
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("INVALID_INPUT"));
    assert_eq!(String::from(e.name()), "InvalidInputError");
    let details = get(&e, "details");
    assert_eq!(get(&details, "strategy").as_string().as_deref(), Some("s"));
    assert_eq!(get(&details, "row").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn unknown_method_is_invalid_parameter() {
    let e = error_of(&json(r#"{"s": {"timestamp": [1], "signal": [1]}}"#), &json(r#"{"method": "median"}"#));
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("INVALID_PARAMETER"));
}

#[wasm_bindgen_test]
fn no_valid_outputs_fallback_row() {
    let r = merge_signals(&json(r#"{"a": null, "b": {}}"#), None).expect("fallback");
    assert_eq!(strings(&get(&r, "signal")), vec!["HOLD"]);
    assert_eq!(numbers(&get(&r, "confidence")), vec![0.0]);
    assert_eq!(numbers(&get(&r, "strategy_count")), vec![0.0]);
    assert_eq!(get(&r, "error").as_string().as_deref(), Some("No valid strategy outputs"));
    assert_eq!(strings(&get(&r, "warnings")).len(), 2);
}
