//! The overlap-study and cycle additions of TA-Lib 0.8 (MA with all 14 `matype` codes, HMA,
//! ZLEMA, RMA, VWMA, MAVP, MIDPOINT, DONCHIAN, ACCBANDS, KC, SUPERTREND, SAREXT, MACDEXT,
//! MACDFIX, MAMA, the HT_* family):
//! * edge cases checked against TA-Lib 0.8.2 itself (`tests/fixtures/overlap/oracle_cases.json`,
//!   made by `make_oracle_cases.py` next to it): period 1, flat input, zero-volume runs,
//!   out-of-range MAVP periods, SAREXT start values, fast/slow swaps, matypes 7, 9..13 in
//!   BBANDS/STOCH/APO/PPO/MACDEXT;
//! * stream == batch bit for bit on GOOG and EURUSD with non-default parameters (every matype
//!   for MA), `peek` leaving no trace and `reset` starting afresh;
//! * the `matype` code rules (11 = the parameter's default, 10 = identity, 14 rejected).

mod indicators_common;

use indicators_common::{compare, load_data, Data};
use stratlab::indicators::{compute, lookback, Bar, Inputs, Params, Stream};
use stratlab::ErrorCode;

const FUNCTIONS: [&str; 26] = [
    "ACCBANDS",
    "DONCHIAN",
    "HMA",
    "HT_DCPERIOD",
    "HT_DCPHASE",
    "HT_PHASOR",
    "HT_SINE",
    "HT_TRENDLINE",
    "HT_TRENDMODE",
    "KC",
    "MA",
    "MACDEXT",
    "MACDFIX",
    "MAMA",
    "MAVP",
    "MIDPOINT",
    "RMA",
    "SAREXT",
    "SUPERTREND",
    "VWMA",
    "ZLEMA",
    "BBANDS",
    "STOCH",
    "STOCHF",
    "APO",
    "PPO",
];

fn oracle() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/overlap/oracle_cases.json"
    );
    let text = std::fs::read_to_string(path).expect("oracle_cases.json");
    serde_json::from_str(&text).expect("oracle json")
}

fn column(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("column")
        .iter()
        .map(|x| match x.as_str() {
            Some(text) => text.parse().expect("inf or -inf"),
            None => x.as_f64().unwrap_or(f64::NAN),
        })
        .collect()
}

#[test]
fn edge_cases_match_talib() {
    let doc = oracle();
    let datasets = doc["datasets"].as_object().expect("datasets");
    let cases = doc["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for c in cases {
        let function = c["function"].as_str().expect("function");
        let params: Params = c["params"]
            .as_object()
            .expect("params")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_f64().expect("param")))
            .collect();
        let data = &datasets[c["data"].as_str().expect("data")];
        let cols: Vec<Vec<f64>> = ["open", "high", "low", "close", "volume", "periods"]
            .iter()
            .map(|k| column(&data[*k]))
            .collect();
        let inputs = Inputs {
            open: Some(&cols[0]),
            high: Some(&cols[1]),
            low: Some(&cols[2]),
            close: Some(&cols[3]),
            volume: Some(&cols[4]),
            periods: Some(&cols[5]),
        };
        let label = format!("{function} {params:?} {}", c["note"].as_str().unwrap_or(""));
        match compute(function, &inputs, &params) {
            Err(e) => failures.push(format!("{label}: {e}")),
            Ok(out) => {
                for (name, want) in c["outputs"].as_object().expect("outputs") {
                    let mut want = column(want);
                    // TA-Lib's integer trend array holds 0 before the lookback; stratlab gives
                    // NaN there like every other output.
                    if function == "SUPERTREND" && name == "trend" {
                        let lb = stratlab::indicators::lookback(function, &params).unwrap_or(0);
                        want.iter_mut().take(lb).filter(|v| **v == 0.0).for_each(|v| *v = f64::NAN);
                    }
                    match out.get(name) {
                        None => failures.push(format!("{label}: no output {name}")),
                        Some(got) => {
                            if let Err(m) = compare(&format!("{label}.{name}"), got, &want) {
                                failures.push(m);
                            }
                        }
                    }
                }
            }
        }
        covered.insert(function.to_string());
    }
    assert!(cases.len() >= 100, "{} cases", cases.len());
    assert!(covered.len() >= 20, "{covered:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A deterministic MAVP period column: a sweep over 0..44 with NaN and out-of-range values.
fn periods_for(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| match i % 53 {
            7 => f64::NAN,
            19 => -2.0,
            31 => 1e12,
            k => ((k * 7) % 45) as f64 + 0.4,
        })
        .collect()
}

fn bar(d: &Data, periods: &[f64], i: usize) -> Bar {
    Bar {
        periods: periods[i],
        ..d.bar(i)
    }
}

/// Bit-for-bit equality, any NaN equal to any NaN.
fn bits_equal(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn stream_equals_batch(d: &Data, name: &str, params: &Params) {
    let periods = periods_for(d.len());
    let inputs = Inputs {
        periods: Some(&periods),
        ..d.inputs()
    };
    let batch = compute(name, &inputs, params).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut s = Stream::new(name, params).unwrap();
    let mut cols = vec![Vec::with_capacity(d.len()); batch.columns.len()];
    for i in 0..d.len() {
        let b = bar(d, &periods, i);
        let peeked = s.peek(&b);
        let v = s.update(&b).to_vec();
        assert!(bits_equal(&peeked, &v), "{name} {params:?}: peek at {i}");
        for (c, x) in cols.iter_mut().zip(v) {
            c.push(x);
        }
    }
    for ((out, want), got) in batch.columns.iter().map(|(n, v)| (n, v)).zip(&cols) {
        assert!(
            bits_equal(want, got),
            "{name} {params:?} {out}: stream differs from batch"
        );
    }
    // Some value after the warm-up, and the first one exactly at the lookback.
    let lb = lookback(name, params).unwrap();
    let first = batch.columns[0].1.iter().position(|x| !x.is_nan());
    assert_eq!(first, Some(lb), "{name} {params:?}: first value");
    s.reset();
    let again: Vec<f64> = (0..lb + 1)
        .map(|i| s.update(&bar(d, &periods, i))[0])
        .collect();
    assert!(
        bits_equal(&again, &batch.columns[0].1[..lb + 1]),
        "{name}: reset"
    );
}

fn params(items: &[(&str, f64)]) -> Params {
    items.iter().map(|&(k, v)| (k, v)).collect()
}

#[test]
fn stream_equals_batch_on_real_data() {
    let mut sets: Vec<(&str, Params)> = vec![
        ("ACCBANDS", params(&[("timeperiod", 9.0)])),
        ("DONCHIAN", params(&[("timeperiod", 33.0)])),
        ("HMA", params(&[("timeperiod", 26.0)])),
        ("HMA", params(&[("timeperiod", 3.0)])),
        ("HT_DCPERIOD", Params::new()),
        ("HT_DCPHASE", Params::new()),
        ("HT_PHASOR", Params::new()),
        ("HT_SINE", Params::new()),
        ("HT_TRENDLINE", Params::new()),
        ("HT_TRENDMODE", Params::new()),
        (
            "KC",
            params(&[("timeperiod", 7.0), ("atrperiod", 21.0), ("nbdev", 1.25)]),
        ),
        (
            "MACDEXT",
            params(&[
                ("fastperiod", 19.0),
                ("fastmatype", 9.0),
                ("slowperiod", 6.0),
                ("slowmatype", 7.0),
                ("signalperiod", 5.0),
                ("signalmatype", 13.0),
            ]),
        ),
        (
            "MACDEXT",
            params(&[
                ("fastperiod", 8.0),
                ("fastmatype", 1.0),
                ("slowperiod", 17.0),
                ("slowmatype", 1.0),
                ("signalperiod", 7.0),
                ("signalmatype", 1.0),
            ]),
        ),
        ("MACDFIX", params(&[("signalperiod", 4.0)])),
        ("MAMA", params(&[("fastlimit", 0.8), ("slowlimit", 0.1)])),
        (
            "MAVP",
            params(&[("minperiod", 4.0), ("maxperiod", 40.0), ("matype", 3.0)]),
        ),
        (
            "MAVP",
            params(&[("minperiod", 2.0), ("maxperiod", 25.0), ("matype", 12.0)]),
        ),
        ("MIDPOINT", params(&[("timeperiod", 5.0)])),
        ("RMA", params(&[("timeperiod", 12.0)])),
        (
            "SAREXT",
            params(&[
                ("startvalue", -1.0),
                ("offsetonreverse", 0.01),
                ("accelerationinitlong", 0.01),
                ("accelerationlong", 0.03),
                ("accelerationmaxlong", 0.25),
                ("accelerationinitshort", 0.04),
                ("accelerationshort", 0.02),
                ("accelerationmaxshort", 0.15),
            ]),
        ),
        (
            "SUPERTREND",
            params(&[("timeperiod", 14.0), ("multiplier", 2.0)]),
        ),
        ("VWMA", params(&[("timeperiod", 15.0)])),
        ("ZLEMA", params(&[("timeperiod", 21.0)])),
        ("BBANDS", params(&[("timeperiod", 10.0), ("matype", 10.0)])),
        (
            "STOCH",
            params(&[("slowk_matype", 12.0), ("slowd_matype", 7.0)]),
        ),
        ("STOCHF", params(&[("fastd_matype", 13.0)])),
        (
            "APO",
            params(&[("fastperiod", 5.0), ("slowperiod", 13.0), ("matype", 9.0)]),
        ),
        (
            "PPO",
            params(&[("fastperiod", 5.0), ("slowperiod", 13.0), ("matype", 11.0)]),
        ),
    ];
    for matype in 0..14 {
        for period in [1.0, 7.0, 20.0] {
            sets.push((
                "MA",
                params(&[("timeperiod", period), ("matype", matype as f64)]),
            ));
        }
    }
    let names: std::collections::BTreeSet<&str> = sets.iter().map(|(n, _)| *n).collect();
    assert!(FUNCTIONS.iter().all(|f| names.contains(f)), "{names:?}");
    for sym in ["GOOG", "EURUSD"] {
        let d = load_data(sym);
        for (name, p) in &sets {
            stream_equals_batch(&d, name, p);
        }
    }
}

#[test]
fn matype_codes() {
    let d = load_data("GOOG");
    let ma = |p: Params| compute("MA", &d.inputs(), &p).unwrap().first().to_vec();
    let with = |n: f64, t: f64| params(&[("timeperiod", n), ("matype", t)]);
    // 11: the parameter's own default (SMA for MA, EMA for APO's matype).
    assert!(bits_equal(&ma(with(14.0, 11.0)), &ma(with(14.0, 0.0))));
    let apo = |t: f64| {
        compute("APO", &d.inputs(), &params(&[("matype", t)]))
            .unwrap()
            .first()
            .to_vec()
    };
    assert!(bits_equal(&apo(11.0), &apo(1.0)));
    assert!(!bits_equal(&apo(11.0), &apo(0.0)));
    // 10: no smoothing at any period, lookback 0.
    assert_eq!(ma(with(14.0, 10.0)), d.close);
    assert_eq!(lookback("MA", &with(14.0, 10.0)).unwrap(), 0);
    // MAMA ignores the period (lookback 32), except that period 1 is the identity.
    assert_eq!(lookback("MA", &with(5.0, 7.0)).unwrap(), 32);
    assert!(bits_equal(&ma(with(5.0, 7.0)), &ma(with(50.0, 7.0))));
    assert_eq!(ma(with(1.0, 7.0)), d.close);
    // The lookbacks of the new types.
    assert_eq!(lookback("MA", &with(16.0, 9.0)).unwrap(), 15 + 3);
    assert_eq!(lookback("MA", &with(30.0, 12.0)).unwrap(), 14 + 29);
    assert_eq!(lookback("MA", &with(30.0, 13.0)).unwrap(), 29);
    // 14 and fractional codes are out of range.
    for bad in [14.0, -1.0, 2.5] {
        let e = compute("MA", &d.inputs(), &with(10.0, bad)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter, "{bad}");
    }
}

#[test]
fn mavp_needs_its_periods_input() {
    let d = load_data("GOOG");
    let e = compute("MAVP", &d.inputs(), &Params::new()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    // A constant period equals the plain average of that period after MAVP's lookback.
    let periods = vec![9.0; d.len()];
    let inputs = Inputs {
        periods: Some(&periods),
        ..d.inputs()
    };
    let p = params(&[("minperiod", 2.0), ("maxperiod", 30.0), ("matype", 2.0)]);
    let mavp = compute("MAVP", &inputs, &p).unwrap();
    let lb = lookback("MAVP", &p).unwrap();
    assert_eq!(lb, 29);
    // TA-Lib's pass for period 9 starts its warm-up 8 bars before MAVP's first output, so
    // the WMA's running sums start there too.
    let tail = Inputs::real(&d.close[lb - 8..]);
    let wma = compute("WMA", &tail, &params(&[("timeperiod", 9.0)])).unwrap();
    assert!(mavp.first()[..lb].iter().all(|x| x.is_nan()));
    assert!(bits_equal(&mavp.first()[lb..], &wma.first()[8..]));
}
