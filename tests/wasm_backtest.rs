//! backtest / strategies / strategySignals inside wasm (Node, Chromium, Firefox): the GOOG
//! golden through the JS API, typed errors, schemas.
#![cfg(target_arch = "wasm32")]

use stratlab::js::data::JsOhlcv;
use stratlab::js::strategies::{backtest, strategies, strategy_signals};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const GOOG: &str = include_str!("../www/data/GOOG.csv");
const GOLDEN: &str = include_str!("fixtures/shared/reference/backtest/GOOG_smacross_10_20.stats.json");

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).expect("property")
}

fn goog() -> JsValue {
    JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("parses").into()
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("json")
}

#[wasm_bindgen_test]
fn goog_smacross_equals_backtesting_py() {
    let golden: serde_json::Value = serde_json::from_str(GOLDEN).expect("golden");
    let out = backtest(&goog(), &config(r#"{"strategy":"SmaCross","n1":10,"n2":20,"cash":10000,"commission":0.002,"finalizeTrades":true}"#))
        .expect("backtest");
    let stats = get(&out, "stats");
    for (key, want) in golden["stats"].as_object().expect("stats") {
        let got = get(&stats, key);
        match want {
            serde_json::Value::String(s) => assert_eq!(got.as_string().as_deref(), Some(s.as_str()), "{key}"),
            w => {
                let (g, w) = (got.as_f64().expect(key), w.as_f64().expect("number"));
                assert!((g - w).abs() <= 1e-6 * w.abs().max(1e-300), "{key}: {g} vs {w}");
            }
        }
    }
    let trades: js_sys::Array = get(&out, "trades").unchecked_into();
    assert_eq!(trades.length(), 94);
    assert_eq!(get(&trades.get(0), "Size").as_f64(), Some(-59.0));
    assert_eq!(get(&trades.get(0), "EntryBar").as_f64(), Some(63.0));
    let equity = get(&out, "equity");
    let curve: js_sys::Float64Array = get(&equity, "Equity").unchecked_into();
    assert_eq!(curve.length(), 2148);
    assert!((curve.get_index(2147) - 55574.51294).abs() < 1e-6);
}

#[wasm_bindgen_test]
fn plain_columns_and_explicit_signals_work() {
    let cols = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("parses").to_columns().expect("columns");
    let table = strategy_signals(&cols, &JsValue::from_str("SmaCross"), &config(r#"{"n1":10,"n2":20}"#), &JsValue::UNDEFINED).expect("signals");
    assert_eq!(get(&table, "warmup").as_f64(), Some(19.0));
    let cfg = js_sys::Object::new();
    js_sys::Reflect::set(&cfg, &"signals".into(), &get(&table, "signal")).expect("set");
    js_sys::Reflect::set(&cfg, &"warmup".into(), &19.into()).expect("set");
    js_sys::Reflect::set(&cfg, &"commission".into(), &0.002.into()).expect("set");
    js_sys::Reflect::set(&cfg, &"finalize_trades".into(), &true.into()).expect("set");
    let out = backtest(&cols, &cfg).expect("backtest");
    let ret = get(&get(&out, "stats"), "Return [%]").as_f64().expect("return");
    assert!((ret - 455.74512940000034).abs() < 1e-6);
}

#[wasm_bindgen_test]
fn errors_are_typed() {
    let code = |cfg: &str| {
        let err = backtest(&goog(), &config(cfg)).expect_err("must fail");
        assert!(err.is_instance_of::<js_sys::Error>());
        get(&err, "code").as_string().unwrap_or_default()
    };
    assert_eq!(code(r#"{"strategy":"Turtle"}"#), "INVALID_STRATEGY");
    assert_eq!(code(r#"{"strategy":"SmaCross","cash":-1}"#), "INVALID_PARAMETER");
    assert_eq!(code(r#"{"strategy":"SmaCross","commission":1}"#), "INVALID_PARAMETER");
    assert_eq!(code(r#"{"strategy":"SmaCross","slippage":0.1}"#), "INVALID_PARAMETER");
    assert_eq!(code(r#"{"strategy":"RSI","timeperiod":1}"#), "INVALID_PARAMETER");
    let err = backtest(&goog(), &config(r#"{"strategy":"RSI","timeperiod":1}"#)).expect_err("fails");
    assert_eq!(get(&get(&err, "details"), "parameter").as_string().as_deref(), Some("timeperiod"));
}

#[wasm_bindgen_test]
fn strategies_lists_schemas() {
    let list: js_sys::Array = strategies().expect("list").unchecked_into();
    let names: Vec<String> = list.iter().map(|s| get(&s, "name").as_string().unwrap_or_default()).collect();
    assert_eq!(names, ["SmaCross", "RSI", "MACD", "Bollinger", "Breakout"]);
    let params: js_sys::Array = get(&list.get(1), "params").unchecked_into();
    assert_eq!(get(&params.get(0), "name").as_string().as_deref(), Some("timeperiod"));
    assert_eq!(get(&params.get(0), "default").as_f64(), Some(14.0));
}
