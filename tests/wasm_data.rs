//! Data model and error mapping, run inside wasm (Node, Chromium, Firefox).
#![cfg(target_arch = "wasm32")]

use stratlab::js::data::JsOhlcv;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const GOOG: &str = include_str!("../www/data/GOOG.csv");

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).expect("property")
}

#[wasm_bindgen_test]
fn goog_sample_parses_in_wasm() {
    let d = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("parses");
    assert_eq!(d.length(), 2148);
    assert_eq!(d.close().get_index(2147), 806.19);
    let summary = d.summary().expect("summary");
    assert_eq!(get(&summary, "bars").as_f64(), Some(2148.0));
}

#[wasm_bindgen_test]
fn bad_csv_is_a_real_error_with_code_and_details() {
    let err = match JsOhlcv::from_csv(&JsValue::from_str("date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,x,1,1\n")) {
        Err(e) => e,
        Ok(_) => panic!("a bad number must be rejected"),
    };
    assert!(err.is_instance_of::<js_sys::Error>());
    let e: js_sys::Error = err.clone().unchecked_into();
    assert_eq!(String::from(e.name()), "InvalidInputError");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("INVALID_INPUT"));
    let details = get(&err, "details");
    assert_eq!(get(&details, "row").as_f64(), Some(3.0));
    assert_eq!(get(&details, "column").as_string().as_deref(), Some("high"));
}

#[wasm_bindgen_test]
fn resample_to_weekly() {
    let d = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("parses");
    let w = d.resample(&JsValue::from_str("1w")).expect("weekly");
    assert!(w.length() > 400 && w.length() < 2148 / 4);
    assert_eq!(w.close().get_index(w.length() as u32 - 1), 806.19);
}
