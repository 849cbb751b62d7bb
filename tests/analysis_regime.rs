//! Market regime: no look-ahead on prefixes of GOOG, sanity on real market episodes, config
//! validation.

mod common;

use stratlab::analysis::{analyze_regime, Regime, RegimeConfig};
use stratlab::series::Ohlcv;
use stratlab::ErrorCode;

/// Share of labelled bars in `[from, to)` (ms) whose label is one of `wanted`.
fn share(data: &Ohlcv, labels: &[Option<Regime>], from: i64, to: i64, wanted: &[Regime]) -> f64 {
    let picked: Vec<Regime> = data
        .time
        .iter()
        .zip(labels)
        .filter(|(t, _)| **t >= from && **t < to)
        .filter_map(|(_, r)| *r)
        .collect();
    assert!(!picked.is_empty(), "no labelled bars in the range");
    picked.iter().filter(|r| wanted.contains(r)).count() as f64 / picked.len() as f64
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

#[test]
fn labels_and_measures_never_change_when_bars_are_appended() {
    let data = common::load_ohlcv("GOOG");
    let config = RegimeConfig::default();
    let full = analyze_regime(&data, &config).expect("full run");
    let mut cuts: Vec<usize> = (1..data.len()).step_by(97).collect();
    cuts.extend([2, 27, 28, 270, 271, 272, 1040, data.len() - 1]);
    for cut in cuts {
        let part = analyze_regime(&data.slice(0, cut), &config).expect("prefix run");
        assert_eq!(
            part.regime[..],
            full.regime[..cut],
            "labels differ on the prefix of {cut} bars"
        );
        for (name, a, b) in [
            ("confidence", &part.confidence, &full.confidence),
            ("adx", &part.adx, &full.adx),
            ("atrPct", &part.atr_pct, &full.atr_pct),
            ("realizedVol", &part.realized_vol, &full.realized_vol),
            ("volPercentile", &part.vol_percentile, &full.vol_percentile),
            ("slope", &part.slope, &full.slope),
        ] {
            assert!(
                same(a, &b[..cut]),
                "{name} differs on the prefix of {cut} bars"
            );
        }
    }
}

#[test]
fn warm_up_ends_when_the_volatility_window_is_full() {
    let data = common::load_ohlcv("GOOG");
    let r = analyze_regime(&data, &RegimeConfig::default()).expect("run");
    // Realised vol first exists at bar volPeriod (20); the 252-value window fills at 20 + 251.
    assert!(r.regime[..271].iter().all(Option::is_none));
    assert!(r.confidence[..271].iter().all(|c| c.is_nan()));
    assert!(r.regime[271..].iter().all(Option::is_some));
    for (c, p) in r.confidence[271..].iter().zip(&r.vol_percentile[271..]) {
        assert!((0.5..=1.0).contains(c), "confidence {c} outside [0.5, 1]");
        assert!(*p > 0.0 && *p <= 1.0, "percentile {p} outside (0, 1]");
    }
}

#[test]
fn the_2008_crash_and_the_2009_rally_read_as_they_did() {
    let data = common::load_ohlcv("GOOG");
    let r = analyze_regime(&data, &RegimeConfig::default()).expect("run");
    let (crash_from, crash_to) = (
        common::parse_time("2008-09-01"),
        common::parse_time("2009-01-01"),
    );
    let down = share(
        &data,
        &r.regime,
        crash_from,
        crash_to,
        &[Regime::Volatile, Regime::TrendingDown],
    );
    let up = share(
        &data,
        &r.regime,
        crash_from,
        crash_to,
        &[Regime::TrendingUp],
    );
    assert!(
        down >= 0.75,
        "Sep–Dec 2008: only {down:.2} volatile/trending_down"
    );
    assert!(
        up <= 0.2,
        "Sep–Dec 2008 (the December rebound trends up): {up:.2} trending_up"
    );
    // 2009: GOOG +93% (321 → 620) in a steady climb after the March low.
    let (from, to) = (
        common::parse_time("2009-01-01"),
        common::parse_time("2010-01-01"),
    );
    let up = share(&data, &r.regime, from, to, &[Regime::TrendingUp]);
    let down = share(&data, &r.regime, from, to, &[Regime::TrendingDown]);
    assert!(up >= 0.5, "2009: only {up:.2} trending_up");
    assert!(down <= 0.1, "2009: {down:.2} trending_down");
}

#[test]
fn thresholds_are_configurable() {
    let data = common::load_ohlcv("GOOG");
    let strict =
        RegimeConfig::from_json(&serde_json::json!({"trendAdx": 100, "volatilePercentile": 1}))
            .expect("valid config");
    let r = analyze_regime(&data, &strict).expect("run");
    let labels: Vec<Regime> = r.regime.iter().flatten().copied().collect();
    // ADX never reaches 100, so nothing trends; only the window's maximum is volatile.
    assert!(labels
        .iter()
        .all(|l| matches!(l, Regime::Ranging | Regime::Volatile)));
    for (l, p) in r.regime.iter().zip(&r.vol_percentile) {
        if *l == Some(Regime::Volatile) {
            assert_eq!(*p, 1.0);
        }
    }
    assert!(labels.contains(&Regime::Volatile) && labels.contains(&Regime::Ranging));

    let short = RegimeConfig::from_json(&serde_json::json!({"volWindow": 50, "volPeriod": 10}))
        .expect("valid");
    let r = analyze_regime(&data, &short).expect("run");
    assert!(r.regime[..59].iter().all(Option::is_none) && r.regime[59].is_some());
}

#[test]
fn bad_config_is_a_typed_error_naming_the_field() {
    for (config, field) in [
        (serde_json::json!({"trendADX": 20}), "trendADX"),
        (serde_json::json!({"adxPeriod": 1}), "adxPeriod"),
        (serde_json::json!({"volWindow": "big"}), "volWindow"),
        (serde_json::json!({"minTrendMove": -1}), "minTrendMove"),
    ] {
        let e = RegimeConfig::from_json(&config).expect_err("must be rejected");
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        assert_eq!(e.detail("field").and_then(|v| v.as_str()), Some(field));
    }
    assert!(RegimeConfig::from_json(&serde_json::json!([1])).is_err());
    assert_eq!(
        RegimeConfig::from_json(&serde_json::Value::Null).expect("defaults"),
        RegimeConfig::default()
    );
}
