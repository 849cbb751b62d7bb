//! optimize / optimizeBatch / walkForward inside wasm (Node, Chromium, Firefox).
#![cfg(target_arch = "wasm32")]

use stratlab::js::data::JsOhlcv;
use stratlab::js::optimize::{optimize, optimize_batch, walk_forward};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const GOOG: &str = include_str!("../www/data/GOOG.csv");

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).expect("property")
}

fn js(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("json")
}

#[wasm_bindgen_test]
async fn goog_grid_best_matches_backtesting_py() {
    let data = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv");
    let cfg = js(r#"{"strategy": "SmaCross", "space": {"n1": {"start": 5, "stop": 30, "step": 5}, "n2": {"start": 10, "stop": 70, "step": 5}},
        "constraint": "n1 < n2", "maximize": "Sharpe Ratio", "cash": 10000, "commission": 0.002, "finalize_trades": true}"#);
    let r = JsFuture::from(optimize(&data, cfg, None)).await.expect("resolves");
    let best = get(&r, "best");
    assert_eq!(get(&get(&best, "params"), "n1").as_f64(), Some(10.0));
    assert_eq!(get(&get(&best, "params"), "n2").as_f64(), Some(35.0));
    let v = get(&best, "value").as_f64().expect("value");
    assert!((v - 0.6757615920465423).abs() < 1e-9, "{v}");
    let results: js_sys::Array = get(&r, "results").unchecked_into();
    assert_eq!(results.length(), 50);
}

#[wasm_bindgen_test]
async fn same_seed_same_results_and_typed_errors() {
    let data = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv");
    let text = r#"{"strategy": "SmaCross", "space": {"n1": {"randint": [2, 30]}, "n2": {"randint": [30, 90]}}, "method": "random", "maxTries": 25, "seed": 9, "maximize": "SQN"}"#;
    let a = JsFuture::from(optimize(&data, js(text), None)).await.expect("a");
    let b = JsFuture::from(optimize(&data, js(text), None)).await.expect("b");
    let sa = js_sys::JSON::stringify(&get(&a, "results")).expect("json");
    let sb = js_sys::JSON::stringify(&get(&b, "results")).expect("json");
    assert_eq!(String::from(sa), String::from(sb));
    let err = JsFuture::from(optimize(&data, js(r#"{"strategy": "SmaCross", "space": {"n1": {"uniform": [1, 3]}}}"#), None))
        .await
        .expect_err("continuous grid");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("INVALID_PARAMETER"));
    assert_eq!(get(&get(&err, "details"), "path").as_string().as_deref(), Some("space.n1"));
}

#[wasm_bindgen_test]
async fn abort_signal_rejects_with_cancelled() {
    let data = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv");
    let ctl = web_sys::AbortController::new().expect("controller");
    ctl.abort();
    let callbacks = js_sys::Object::new();
    js_sys::Reflect::set(&callbacks, &"signal".into(), &ctl.signal()).expect("set");
    let cfg = js(r#"{"strategy": "SmaCross", "space": {"n1": {"start": 2, "stop": 50}, "n2": {"start": 10, "stop": 100}}}"#);
    let err = JsFuture::from(optimize(&data, cfg, Some(callbacks.into()))).await.expect_err("cancelled");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some("CANCELLED"));
    let partial = get(&get(&err, "details"), "partial");
    assert_eq!(get(&partial, "status").as_string().as_deref(), Some("cancelled"));
}

#[wasm_bindgen_test]
async fn batch_and_walk_forward_run() {
    let data = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv");
    let req = js(r#"{"strategies": ["SmaCross", "MovingAverageCrossover"], "common_config": {"space": {"n1": [5, 10], "n2": [20, 40]}, "maximize": "Return [%]"},
        "strategy_specific_configs": {"SmaCross": null}, "parallel_jobs": 2}"#);
    let r = JsFuture::from(optimize_batch(&data, req, None)).await.expect("batch");
    assert_eq!(get(&get(&r, "summary"), "count").as_f64(), Some(8.0));
    let wf = js(r#"{"strategy": "SmaCross", "space": {"n1": [5, 10], "n2": [30]}, "maximize": "Return [%]", "trainBars": 1000, "testBars": 500, "mode": "anchored"}"#);
    let r = JsFuture::from(walk_forward(&data, wf, None)).await.expect("walk-forward");
    let folds: js_sys::Array = get(&r, "folds").unchecked_into();
    assert_eq!(folds.length(), 2);
}
