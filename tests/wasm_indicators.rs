//! Indicator exports run inside wasm (Node, Chromium, Firefox): golden spot checks, streaming,
//! typed errors, feature tables and the yielding watchlist batch.
#![cfg(target_arch = "wasm32")]

use stratlab::js::data::JsOhlcv;
use stratlab::js::indicators::{
    catalogue, features, features_batch, indicator, indicator_ohlcv, lookback, JsIndicatorStream,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const GOOG: &str = include_str!("../www/data/GOOG.csv");

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).expect("property")
}

fn obj(pairs: &[(&str, f64)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &(*k).into(), &JsValue::from_f64(*v)).unwrap();
    }
    o.into()
}

fn column(out: &JsValue, name: &str) -> js_sys::Float64Array {
    get(out, name)
        .dyn_into::<js_sys::Float64Array>()
        .expect("Float64Array")
}

fn close_enough(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-9 * want.abs().max(1.0)
}

#[wasm_bindgen_test]
fn golden_spot_checks_on_goog() {
    let data: JsValue = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv").into();
    // TA-Lib 0.8.1 reference values (shared/reference/indicators/GOOG.csv, bar 28).
    let sma = indicator(&JsValue::from_str("SMA"), &data, &obj(&[("timeperiod", 20.0)])).unwrap();
    let sma = column(&sma, "real");
    assert_eq!(sma.length(), 2148);
    assert!(sma.get_index(18).is_nan());
    assert!(close_enough(sma.get_index(28), 112.40850000000003));
    let rsi = column(
        &indicator(&JsValue::from_str("RSI"), &data, &obj(&[("timeperiod", 14.0)])).unwrap(),
        "real",
    );
    assert!(close_enough(rsi.get_index(28), 77.68275701921122));
    let bb = indicator(&JsValue::from_str("BBANDS"), &data, &JsValue::UNDEFINED).unwrap();
    assert!(close_enough(
        column(&bb, "upperband").get_index(28),
        130.7182911238769
    ));
    assert!(close_enough(
        column(&bb, "lowerband").get_index(28),
        94.09870887612317
    ));
    let stoch = indicator(&JsValue::from_str("STOCH"), &data, &JsValue::NULL).unwrap();
    assert!(close_enough(
        column(&stoch, "slowk").get_index(28),
        64.30074053348982
    ));
    assert!(close_enough(
        column(&stoch, "slowd").get_index(28),
        54.57135206726025
    ));
    let adx = column(&indicator(&JsValue::from_str("ADX"), &data, &JsValue::NULL).unwrap(), "real");
    assert!(close_enough(adx.get_index(28), 40.851832898326975));
    assert_eq!(lookback(&JsValue::from_str("MACD"), &JsValue::UNDEFINED).unwrap(), 33);
}

#[wasm_bindgen_test]
fn indicator_on_a_resident_ohlcv_equals_the_copying_path() {
    let data = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv");
    let a = indicator_ohlcv(&JsValue::from_str("ADX"), &data, &JsValue::UNDEFINED).unwrap();
    let data: JsValue = data.into();
    let b = indicator(&JsValue::from_str("ADX"), &data, &JsValue::UNDEFINED).unwrap();
    let (a, b) = (column(&a, "real").to_vec(), column(&b, "real").to_vec());
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    assert!(close_enough(a[28], 40.851832898326975));
}

#[wasm_bindgen_test]
fn a_plain_array_is_the_close_series() {
    let arr = js_sys::Array::new();
    for x in [1.0, 2.0, 3.0, 4.0, 5.0] {
        arr.push(&JsValue::from_f64(x));
    }
    let out = indicator(&JsValue::from_str("SMA"), &arr.into(), &obj(&[("timeperiod", 3.0)])).unwrap();
    let col = column(&out, "real");
    assert_eq!(col.to_vec()[2..], [2.0, 3.0, 4.0]);
}

#[wasm_bindgen_test]
fn stream_matches_batch_and_peek_keeps_state() {
    let data = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).expect("csv");
    let (o, h, l, c, v) = (
        data.open(),
        data.high(),
        data.low(),
        data.close(),
        data.volume(),
    );
    let data: JsValue = data.into();
    let batch = column(
        &indicator(&JsValue::from_str("MACD"), &data, &JsValue::UNDEFINED).unwrap(),
        "macdsignal",
    );
    let mut s = JsIndicatorStream::new(&JsValue::from_str("MACD"), &JsValue::UNDEFINED).unwrap();
    for i in 0..200u32 {
        let bar = obj(&[
            ("open", o.get_index(i)),
            ("high", h.get_index(i)),
            ("low", l.get_index(i)),
            ("close", c.get_index(i)),
            ("volume", v.get_index(i)),
        ]);
        let peeked = get(&s.peek(&bar).unwrap(), "macdsignal").as_f64().unwrap();
        let got = get(&s.update(&bar).unwrap(), "macdsignal")
            .as_f64()
            .unwrap();
        let want = batch.get_index(i);
        assert_eq!(got.to_bits(), peeked.to_bits(), "peek == update at {i}");
        assert!(got.to_bits() == want.to_bits(), "bar {i}: {got} vs {want}");
    }
    assert_eq!(s.bars(), 200);
    s.reset();
    assert_eq!(s.bars(), 0);
}

fn code(err: &JsValue) -> String {
    get(err, "code").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn bad_parameters_are_typed_errors() {
    let x = js_sys::Float64Array::from(&[1.0, 2.0, 3.0][..]);
    let inputs = js_sys::Object::new();
    js_sys::Reflect::set(&inputs, &"close".into(), &x).unwrap();
    let err = indicator(&JsValue::from_str("RSI"), &inputs, &obj(&[("timeperiod", 1.0)])).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(code(&err), "INVALID_PARAMETER");
    let e: js_sys::Error = err.clone().unchecked_into();
    assert_eq!(String::from(e.name()), "InvalidParameterError");
    let details = get(&err, "details");
    assert_eq!(
        get(&details, "parameter").as_string().as_deref(),
        Some("timeperiod")
    );
    assert_eq!(get(&details, "min").as_f64(), Some(2.0));
    assert_eq!(
        code(&indicator(&JsValue::from_str("NOPE"), &inputs, &JsValue::NULL).unwrap_err()),
        "INVALID_PARAMETER"
    );
    assert_eq!(
        code(&indicator(&JsValue::from_str("BBANDS"), &inputs, &obj(&[("matype", 14.0)])).unwrap_err()),
        "INVALID_PARAMETER"
    );
    // ATR needs high and low: INVALID_INPUT naming the input.
    let err = indicator(&JsValue::from_str("ATR"), &inputs, &JsValue::NULL).unwrap_err();
    assert_eq!(code(&err), "INVALID_INPUT");
    assert_eq!(
        get(&get(&err, "details"), "input").as_string().as_deref(),
        Some("high")
    );
    assert!(JsIndicatorStream::new(&JsValue::from_str("SMA"), &obj(&[("timeperiod", 0.0)])).is_err());
    let mut s = JsIndicatorStream::new(&JsValue::from_str("ATR"), &JsValue::NULL).unwrap();
    let err = s.update(&obj(&[("close", 1.0)])).unwrap_err();
    assert_eq!(code(&err), "INVALID_INPUT");
    assert_eq!(s.bars(), 0, "a rejected bar leaves the state alone");
}

#[wasm_bindgen_test]
fn catalogue_lists_every_indicator() {
    let cat: js_sys::Array = catalogue().unwrap().dyn_into().unwrap();
    assert_eq!(cat.length() as usize, stratlab::indicators::names().len());
    assert!(cat.length() >= 42);
    let macd = cat
        .iter()
        .find(|e| get(e, "name").as_string().as_deref() == Some("MACD"))
        .unwrap();
    let params: js_sys::Array = get(&macd, "params").dyn_into().unwrap();
    assert_eq!(
        get(&params.get(0), "name").as_string().as_deref(),
        Some("fastperiod")
    );
    assert_eq!(get(&params.get(0), "default").as_f64(), Some(12.0));
}

fn spec() -> JsValue {
    js_sys::JSON::parse(r#"[{"name":"RSI","params":{"timeperiod":14}},{"name":"MACD"},{"name":"SMA","params":{"timeperiod":5},"alias":"fast"}]"#)
        .unwrap()
}

#[wasm_bindgen_test]
fn feature_table_names() {
    let data: JsValue = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).unwrap().into();
    let t = features(&data, spec()).unwrap();
    let names: Vec<String> = js_sys::Array::from(&get(&t, "names"))
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert_eq!(
        names,
        [
            "RSI_14",
            "MACD_12_26_9.macd",
            "MACD_12_26_9.macdsignal",
            "MACD_12_26_9.macdhist",
            "fast"
        ]
    );
    let rsi = column(&get(&t, "columns"), "RSI_14");
    assert!(close_enough(rsi.get_index(28), 77.68275701921122));
    assert_eq!(column(&t, "time").length(), 2148);
}

#[wasm_bindgen_test]
async fn features_batch_per_symbol() {
    let goog: JsValue = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).unwrap().into();
    let short: JsValue = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).unwrap().slice(0.0, 100.0).expect("slice").into();
    let watch = js_sys::Object::new();
    js_sys::Reflect::set(&watch, &"GOOG".into(), &goog).unwrap();
    js_sys::Reflect::set(&watch, &"SHORT".into(), &short).unwrap();
    let out = features_batch(watch.into(), spec()).await.unwrap();
    assert_eq!(
        column(&get(&get(&out, "GOOG"), "columns"), "fast").length(),
        2148
    );
    assert_eq!(
        column(&get(&get(&out, "SHORT"), "columns"), "fast").length(),
        100
    );
    // A promise-returning export, as JS sees it.
    let p = js_sys::Promise::resolve(&JsValue::from_f64(1.0));
    assert_eq!(JsFuture::from(p).await.unwrap().as_f64(), Some(1.0));
}

/// Every golden column (TA-Lib 0.8.1 on GOOG), computed inside wasm through the JS export:
/// the wasm build's arithmetic (fused multiply-adds, libm) must agree with the native one.
#[wasm_bindgen_test]
fn all_golden_columns_inside_wasm() {
    const REFERENCE: &str = include_str!("fixtures/shared/reference/indicators/GOOG.csv");
    const SPEC: &str = include_str!("fixtures/shared/reference/indicators/spec.json");
    let spec: serde_json::Value = serde_json::from_str(SPEC).unwrap();
    let mut rdr = csv::Reader::from_reader(REFERENCE.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<f64>> = rdr
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        f64::NAN
                    } else {
                        c.parse().unwrap()
                    }
                })
                .collect()
        })
        .collect();
    let data: JsValue = JsOhlcv::from_csv(&JsValue::from_str(GOOG)).unwrap().into();
    let mut checked = 0;
    for entry in spec["indicators"].as_array().unwrap() {
        let params = js_sys::JSON::parse(&entry["params"].to_string()).unwrap();
        let func = entry["function"].as_str().unwrap();
        let out = indicator(&JsValue::from_str(func), &data, &params).unwrap();
        for o in entry["outputs"].as_array().unwrap() {
            let o = o.as_str().unwrap();
            let key = format!("{}.{o}", entry["id"].as_str().unwrap());
            let j = headers.iter().position(|h| *h == key).unwrap();
            let got = column(&out, o).to_vec();
            let scale = rows
                .iter()
                .map(|r| r[j])
                .filter(|v| v.is_finite())
                .fold(0.0f64, |m, v| m.max(v.abs()));
            for (i, row) in rows.iter().enumerate() {
                let (g, w) = (got[i], row[j]);
                assert_eq!(g.is_nan(), w.is_nan(), "{key}[{i}]: {g} vs {w}");
                if !w.is_nan() {
                    assert!(
                        (g - w).abs() <= 1e-9 * w.abs() + 1e-10 * scale,
                        "{key}[{i}]: {g} vs {w}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, headers.len());
}
