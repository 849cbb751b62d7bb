//! Feature tables: default and alias column names, multi-output naming, values equal to
//! `compute`, typed errors for bad specs.

mod indicators_common;

use indicators_common::load_data;
use stratlab::indicators::{compute, features, FeatureSpec, Inputs, Params};
use stratlab::series::Ohlcv;
use stratlab::ErrorCode;

fn goog() -> Ohlcv {
    let d = load_data("GOOG");
    let time = (0..d.len() as i64)
        .map(|i| 1_092_873_600_000 + i * 86_400_000)
        .collect();
    Ohlcv::new(time, d.open, d.high, d.low, d.close, d.volume).expect("valid GOOG")
}

#[test]
fn names_and_values() {
    let data = goog();
    let spec = vec![
        FeatureSpec::new("RSI", Params::new().with("timeperiod", 14.0)),
        FeatureSpec::new("MACD", Params::new()),
        FeatureSpec::new("SMA", Params::new().with("timeperiod", 5.0)).alias("fast"),
        FeatureSpec::new("BBANDS", Params::new()).alias("bb"),
        FeatureSpec::new("T3", Params::new()),
        FeatureSpec::new("BOP", Params::new()),
    ];
    let t = features(&data, &spec).unwrap();
    let names: Vec<&str> = t.names().collect();
    assert_eq!(
        names,
        [
            "RSI_14",
            "MACD_12_26_9.macd",
            "MACD_12_26_9.macdsignal",
            "MACD_12_26_9.macdhist",
            "fast",
            "bb.upperband",
            "bb.middleband",
            "bb.lowerband",
            "T3_5_0.7",
            "BOP",
        ]
    );
    assert_eq!(t.time, data.time);
    let rsi = compute("RSI", &Inputs::from(&data), &Params::new()).unwrap();
    let same = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    };
    assert!(same(t.get("RSI_14").unwrap(), rsi.first()));
    assert!(t.get("bb.upperband").unwrap()[19].is_finite());
}

#[test]
fn spec_from_json() {
    let spec: Vec<FeatureSpec> = serde_json::from_str(
        r#"[{"name":"ATR","params":{"timeperiod":7}},{"name":"rsi","alias":"r"}]"#,
    )
    .unwrap();
    let t = features(&goog(), &spec).unwrap();
    assert_eq!(t.names().collect::<Vec<_>>(), ["ATR_7", "r"]);
}

#[test]
fn bad_specs_are_typed_errors() {
    let data = goog();
    let e = features(
        &data,
        &[FeatureSpec::new(
            "RSI",
            Params::new().with("timeperiod", 1.0),
        )],
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(e.detail("feature").and_then(|v| v.as_u64()), Some(0));
    let e = features(&data, &[FeatureSpec::new("NOPE", Params::new())]).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let dup = [
        FeatureSpec::new("SMA", Params::new()),
        FeatureSpec::new("SMA", Params::new().with("timeperiod", 30.0)),
    ];
    let e = features(&data, &dup).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.detail("column").and_then(|v| v.as_str()), Some("SMA_30"));
}
