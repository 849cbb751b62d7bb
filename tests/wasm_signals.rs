//! tickerSignals / watchlistSignals inside wasm: Ohlcv instances, plain columns, CSV text,
//! typed errors, watchlist order.
#![cfg(target_arch = "wasm32")]

use stratlab::js::data::JsOhlcv;
use stratlab::js::merge::{ticker_signals, watchlist_signals};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const GOOG: &str = include_str!("../www/data/GOOG.csv");

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("test JSON")
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).expect("property")
}

#[wasm_bindgen_test]
fn ohlcv_instance_and_csv_text_give_the_same_signals() {
    let d = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("parses");
    let from_class = ticker_signals(&JsValue::from(d), None).expect("signals");
    let from_text = ticker_signals(&JsValue::from_str(GOOG), None).expect("signals");
    let a = js_sys::Array::from(&get(&from_class, "signal"));
    let b = js_sys::Array::from(&get(&from_text, "signal"));
    assert_eq!(a.length(), 2148);
    assert_eq!(a.join(",").as_string(), b.join(",").as_string());
    let latest = get(&from_class, "latest");
    assert_eq!(get(&latest, "index").as_f64(), Some(2147.0));
    assert_eq!(get(&latest, "close").as_f64(), Some(806.19));
    assert_eq!(js_sys::Array::from(&get(&latest, "rules")).length(), 4);
}

#[wasm_bindgen_test]
fn plain_close_column_with_one_rule() {
    // Rising closes: RSI(14) = 100 > 70 → SELL with confidence 1 once warmed up.
    let closes: Vec<String> = (0..30).map(|i| (100 + i).to_string()).collect();
    let data = json(&format!(r#"{{"close": [{}]}}"#, closes.join(",")));
    let cfg = json(r#"{"macd": false, "bollinger": false, "sma_cross": false}"#);
    let r = ticker_signals(&data, Some(cfg.clone())).expect("signals");
    let sig = js_sys::Array::from(&get(&r, "signal"));
    assert_eq!(sig.get(0).as_string().as_deref(), Some("HOLD"));
    assert_eq!(sig.get(29).as_string().as_deref(), Some("SELL"));
    assert_eq!(js_sys::Float64Array::new(&get(&r, "confidence")).get_index(29), 1.0);
}

#[wasm_bindgen_test]
fn bad_config_is_invalid_parameter_with_rule() {
    let err = match ticker_signals(&JsValue::from_str(GOOG), Some(json(r#"{"rsi": {"upper": 150}}"#))) {
        Err(e) => e,
        Ok(_) => panic!("upper 150 must be rejected"),
    };
    let e: js_sys::Error = err.unchecked_into();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("INVALID_PARAMETER"));
    assert_eq!(get(&get(&e, "details"), "rule").as_string().as_deref(), Some("rsi"));
}

#[wasm_bindgen_test]
fn watchlist_orders_and_reports_bad_symbols() {
    let list = js_sys::Object::new();
    js_sys::Reflect::set(&list, &"GOOG".into(), &JsValue::from_str(GOOG)).expect("set");
    js_sys::Reflect::set(&list, &"BAD".into(), &json(r#"{"open": [1]}"#)).expect("set");
    js_sys::Reflect::set(&list, &"UP".into(), &json(r#"{"close": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}"#)).expect("set");
    let cfg = json(r#"{"macd": false, "bollinger": false, "sma_cross": false}"#);
    let out = js_sys::Array::from(&watchlist_signals(&list, Some(cfg.clone())).expect("watchlist"));
    let symbols: Vec<String> = out.iter().map(|e| get(&e, "symbol").as_string().unwrap_or_default()).collect();
    // UP: RSI 100 → SELL 1.0 first; GOOG's last RSI (67.5) is neutral → 0; BAD last.
    assert_eq!(symbols, vec!["UP", "GOOG", "BAD"]);
    assert_eq!(get(&get(&out.get(2), "error"), "code").as_string().as_deref(), Some("INVALID_INPUT"));
}
