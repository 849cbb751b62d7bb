//! Multi-timeframe analysis: completed-bar alignment, no look-ahead when bars are appended
//! (EURUSD hourly with 4h/1d, GOOG daily with 1w), alignment/confirmation rules, errors.

mod common;

use serde_json::json;
use stratlab::analysis::{multi_timeframe, MtfResult, MtfSpec};
use stratlab::indicators::{compute, Inputs, Params};
use stratlab::series::{resample, Ohlcv};
use stratlab::ErrorCode;

fn run(data: &Ohlcv, spec: serde_json::Value) -> stratlab::Result<MtfResult> {
    multi_timeframe(data, &MtfSpec::from_json(&spec)?)
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() <= b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

/// Every output of `part` (a run on the first bars) equals the full run's on those bars.
fn assert_prefix(part: &MtfResult, full: &MtfResult, cut: usize) {
    assert!(
        same(&part.alignment, &full.alignment),
        "alignment differs at cut {cut}"
    );
    assert_eq!(
        part.confirmation[..],
        full.confirmation[..cut],
        "confirmation differs at cut {cut}"
    );
    for (p, f) in part.timeframes.iter().zip(&full.timeframes) {
        assert!(
            same(&p.trend, &f.trend),
            "{} trend differs at cut {cut}",
            p.timeframe
        );
        for (pi, fi) in p.indicators.iter().zip(&f.indicators) {
            assert!(
                same(&pi.output, &fi.output),
                "{} {} differs at cut {cut}",
                p.timeframe,
                pi.key
            );
            for ((name, pc), (_, fc)) in pi.columns.iter().zip(&fi.columns) {
                assert!(
                    same(pc, fc),
                    "{} {}.{name} differs at cut {cut}",
                    p.timeframe,
                    pi.key
                );
            }
        }
    }
}

fn spec_hourly() -> serde_json::Value {
    json!({
        "timeframes": ["4h", "1d"],
        "indicators": {
            "rsi": {"name": "RSI", "params": {"timeperiod": 14}},
            "sma": {"name": "SMA", "params": {"timeperiod": 10}},
            "macd": {"name": "MACD", "output": "macdsignal"}
        }
    })
}

#[test]
fn eurusd_hourly_outputs_never_change_when_bars_are_appended() {
    let data = common::load_ohlcv("EURUSD");
    let full = run(&data, spec_hourly()).expect("full run");
    assert_eq!(full.timeframes.len(), 2);
    let defined = full.timeframes[1].indicators[0]
        .output
        .iter()
        .filter(|v| !v.is_nan())
        .count();
    assert!(
        defined > 3000,
        "daily RSI defined on only {defined} hourly bars"
    );
    // Cuts inside 4h and daily buckets and on their edges.
    for cut in [1, 5, 37, 100, 401, 1234, 2500, 3999, 4001, data.len() - 3] {
        let part = run(&data.slice(0, cut), spec_hourly()).expect("prefix run");
        assert_prefix(&part, &full, cut);
    }
}

#[test]
fn goog_daily_weekly_outputs_never_change_when_bars_are_appended() {
    let data = common::load_ohlcv("GOOG");
    let spec = json!({"timeframes": ["1w", "1d"], "indicators": {"adx": {"name": "ADX"}, "bb": {"name": "BBANDS"}}});
    let full = run(&data, spec.clone()).expect("full run");
    for cut in [3, 50, 333, 1001, 1500, 2100, data.len() - 1] {
        let part = run(&data.slice(0, cut), spec.clone()).expect("prefix run");
        assert_prefix(&part, &full, cut);
    }
}

#[test]
fn a_new_week_sees_the_week_just_completed() {
    let data = common::load_ohlcv("GOOG");
    let spec = json!({"timeframes": ["1w"], "indicators": {"sma": {"name": "SMA", "params": {"timeperiod": 4}}}});
    let out = &run(&data, spec).expect("run").timeframes[0].indicators[0].output;
    // Reference computed independently: the weekly bars and their SMA.
    let week_ms = 7 * 86_400_000;
    let weeks = resample(&data, week_ms).expect("weekly");
    let sma = compute(
        "SMA",
        &Inputs::real(&weeks.close),
        &Params::new().with("timeperiod", 4.0),
    )
    .expect("sma");
    let week_of = |t: i64| weeks.time.partition_point(|&s| s <= t) - 1;
    let mut new_weeks = 0;
    for i in 1..data.len() {
        let (prev, cur) = (week_of(data.time[i - 1]), week_of(data.time[i]));
        if cur != prev {
            // First bar of a new week: the value of the week that just ended (the previous bar's).
            let want = sma.first()[prev];
            assert!(
                same(&[out[i]], &[want]),
                "bar {i}: {} != week {prev}'s {want}",
                out[i]
            );
            new_weeks += 1;
        } else {
            assert!(
                same(&[out[i]], &[out[i - 1]]),
                "bar {i}: value changed inside a week"
            );
        }
    }
    assert!(new_weeks > 400);
    assert!(
        out[..5].iter().all(|v| v.is_nan()),
        "no week has completed yet"
    );
}

#[test]
fn alignment_and_confirmation_follow_the_documented_rules() {
    let data = common::load_ohlcv("EURUSD");
    let base = json!({"timeframes": ["4h", "1d"], "signal": "up"});
    let up = run(&data, base).expect("run");
    let mut seen = [0usize; 3];
    for i in 0..data.len() {
        let trends: Vec<f64> = up.timeframes.iter().map(|t| t.trend[i]).collect();
        if trends.iter().any(|t| t.is_nan()) {
            assert!(up.alignment[i].is_nan() && !up.confirmation[i]);
            continue;
        }
        let a = up.alignment[i];
        assert_eq!(a, (trends[0] + trends[1]) / 2.0);
        assert!((-1.0..=1.0).contains(&a));
        // minAgreement 1 (default): an 'up' signal is confirmed exactly when both trends are up.
        assert_eq!(up.confirmation[i], a == 1.0, "bar {i}");
        seen[(a.round() + 1.0) as usize] += 1;
    }
    assert!(
        seen.iter().all(|&c| c > 100),
        "alignment should take each extreme and zero: {seen:?}"
    );

    // Half the timeframes suffice with minAgreement 0.5; explicit signals take their sign.
    let signal: Vec<f64> = (0..data.len()).map(|i| [2.5, -1.0, 0.0][i % 3]).collect();
    let half = run(
        &data,
        json!({"timeframes": ["4h", "1d"], "signal": signal, "minAgreement": 0.5}),
    )
    .expect("run");
    for i in 0..data.len() {
        let s = [1.0, -1.0, 0.0][i % 3];
        let agree = half.timeframes.iter().filter(|t| t.trend[i] == s).count();
        let defined = !half.alignment[i].is_nan();
        assert_eq!(
            half.confirmation[i],
            defined && s != 0.0 && agree >= 1,
            "bar {i}"
        );
    }
    assert!(half.confirmation.iter().any(|&c| c));
}

#[test]
fn bad_specs_are_typed_errors() {
    let goog = common::load_ohlcv("GOOG");
    let eur = common::load_ohlcv("EURUSD");
    let code = |data: &Ohlcv, spec: serde_json::Value| run(data, spec).expect_err("must fail");
    // Finer than the data.
    let e = code(&goog, json!({"timeframes": ["4h"]}));
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(
        e.detail("field").and_then(|v| v.as_str()),
        Some("timeframes")
    );
    assert_eq!(
        code(&eur, json!({"timeframes": ["1d", "30m"]})).code,
        ErrorCode::InvalidParameter
    );
    // Limits.
    let nine: Vec<String> = (1..=9).map(|d| format!("{d}d")).collect();
    assert_eq!(
        code(&goog, json!({"timeframes": nine})).code,
        ErrorCode::ResourceLimit
    );
    let many: serde_json::Map<String, serde_json::Value> = (0..33)
        .map(|k| (format!("k{k}"), json!({"name": "SMA"})))
        .collect();
    assert_eq!(
        code(&goog, json!({"timeframes": ["1w"], "indicators": many})).code,
        ErrorCode::ResourceLimit
    );
    // Unknown keys, unknown indicators and outputs, bad signals.
    let e = code(&goog, json!({"timeframes": ["1w"], "timeFrames": []}));
    assert_eq!(
        e.detail("field").and_then(|v| v.as_str()),
        Some("timeFrames")
    );
    let e = code(
        &goog,
        json!({"timeframes": ["1w"], "indicators": {"x": {"name": "NOPE"}}}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(
        e.detail("field").and_then(|v| v.as_str()),
        Some("indicators.x")
    );
    let e = code(
        &goog,
        json!({"timeframes": ["1w"], "indicators": {"m": {"name": "MACD", "output": "hist"}}}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let e = code(
        &goog,
        json!({"timeframes": ["1w"], "indicators": {"s": {"name": "SMA", "params": {"timeperiod": 0}}}}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(
        e.detail("field").and_then(|v| v.as_str()),
        Some("indicators.s")
    );
    assert_eq!(
        code(&goog, json!({"timeframes": ["1w"], "signal": [1, 0]})).code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        code(&goog, json!({"timeframes": ["1w"], "signal": "sideways"})).code,
        ErrorCode::InvalidParameter
    );
    assert_eq!(
        code(&goog, json!({"timeframes": ["1w", "1w"]})).code,
        ErrorCode::InvalidParameter
    );
    assert_eq!(
        code(&goog, json!({"timeframes": []})).code,
        ErrorCode::InvalidParameter
    );
    assert_eq!(
        code(&goog, json!({"timeframes": ["1w"], "minAgreement": 0})).code,
        ErrorCode::InvalidParameter
    );
}

#[test]
fn output_size_is_bounded_before_computing() {
    // 200,000 minute bars × 8 timeframes × (trend + 32 MACDs × 3 columns) is far over the limit.
    let n = 200_000;
    let time: Vec<i64> = (0..n as i64).map(|i| i * 60_000).collect();
    let price: Vec<f64> = (0..n).map(|i| 100.0 + (i % 50) as f64).collect();
    let data = Ohlcv::new(
        time,
        price.clone(),
        price.clone(),
        price.clone(),
        price,
        vec![],
    )
    .expect("bars");
    let macds: serde_json::Map<String, serde_json::Value> = (0..32)
        .map(|k| (format!("m{k}"), json!({"name": "MACD"})))
        .collect();
    let tfs = ["5m", "15m", "30m", "1h", "2h", "4h", "1d", "1w"];
    let started = std::time::Instant::now();
    let e =
        run(&data, json!({"timeframes": tfs, "indicators": macds})).expect_err("over the limit");
    assert_eq!(e.code, ErrorCode::ResourceLimit);
    assert_eq!(e.detail("limit").and_then(|v| v.as_u64()), Some(32_000_000));
    assert!(
        started.elapsed().as_millis() < 500,
        "refused without computing"
    );
}
