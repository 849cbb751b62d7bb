//! Properties of the catalogue: stream == batch bit for bit on real data, lookbacks, simple
//! closed forms, input rules and typed errors, and a seeded fuzz over every indicator.

mod indicators_common;

use indicators_common::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use stratlab::indicators::{
    catalogue, compute, compute_into, lookback, rolling_max, rolling_min, sma, Bar, Inputs,
    ParamKind, Params, Stream,
};
use stratlab::ErrorCode;

/// Parameter sets besides spec.json's: every period at its minimum + 1 (odd/even edge), and a
/// mid-range set with non-default matypes and reals.
fn other_params(name: &str, variant: usize) -> Params {
    let entry = catalogue().into_iter().find(|e| e.name == name).unwrap();
    let mut p = Params::new();
    for (i, spec) in entry.params.iter().enumerate() {
        let v = match (spec.kind, variant) {
            (ParamKind::Integer, 0) => spec.min + 1.0,
            (ParamKind::Integer, _) => 7.0 + (i as f64) * 3.0,
            (ParamKind::Matype, 0) => 1.0,
            (ParamKind::Matype, _) => [2.0, 3.0, 4.0, 5.0, 6.0, 8.0][i % 6],
            (ParamKind::Real, _) => match spec.name {
                "vfactor" => 0.5,
                "acceleration" => 0.03,
                "maximum" => 0.3,
                _ => 1.5 - variant as f64,
            },
        };
        p.set(spec.name, v);
    }
    p
}

/// Bit-for-bit equality, except that any NaN equals any NaN: NaN sign and payload bits depend
/// on how the optimiser folded the arithmetic that produced them, and carry no value.
fn bits_equal(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn stream_equals_batch(data: &Data, name: &str, params: &Params) {
    let batch = compute(name, &data.inputs(), params).unwrap();
    let mut s = Stream::new(name, params).unwrap();
    let mut cols = vec![Vec::with_capacity(data.len()); batch.columns.len()];
    for i in 0..data.len() {
        let bar = data.bar(i);
        // peek must predict update exactly and leave no trace.
        let peeked = s.peek(&bar);
        let v = s.update(&bar).to_vec();
        assert!(
            bits_equal(&peeked, &v),
            "{name} {params:?}: peek != update at bar {i}"
        );
        for (c, x) in cols.iter_mut().zip(v) {
            c.push(x);
        }
    }
    for ((out, col), got) in batch
        .columns
        .iter()
        .map(|(n, _)| n)
        .zip(batch.columns.iter().map(|(_, v)| v))
        .zip(&cols)
    {
        assert!(
            bits_equal(col, got),
            "{name} {params:?} {out}: stream differs from batch"
        );
    }
    // reset gives a fresh stream.
    s.reset();
    let first = s.update(&data.bar(0)).to_vec();
    let fresh = Stream::new(name, params)
        .unwrap()
        .update(&data.bar(0))
        .to_vec();
    assert!(bits_equal(&first, &fresh), "{name}: reset");
}

#[test]
fn stream_equals_batch_bitwise_on_real_data() {
    for sym in ["GOOG", "EURUSD"] {
        let data = load_data(sym);
        for (_, func, params, _) in load_spec() {
            stream_equals_batch(&data, &func, &params);
            stream_equals_batch(&data, &func, &other_params(&func, 0));
            stream_equals_batch(&data, &func, &other_params(&func, 1));
        }
    }
}

#[test]
fn first_value_sits_at_the_lookback() {
    let data = load_data("GOOG");
    for e in catalogue() {
        for params in [
            Params::new(),
            other_params(e.name, 0),
            other_params(e.name, 1),
        ] {
            let lb = lookback(e.name, &params).unwrap();
            let out = compute(e.name, &data.inputs(), &params).unwrap();
            for (col, v) in out.iter() {
                let first = v.iter().position(|x| !x.is_nan());
                assert_eq!(first, Some(lb), "{} {params:?} {col}", e.name);
                assert!(
                    v[lb..].iter().all(|x| x.is_finite()),
                    "{} {col}: NaN after warm-up",
                    e.name
                );
            }
        }
    }
}

#[test]
fn closed_forms() {
    let flat = vec![42.5; 300];
    for name in ["SMA", "EMA", "WMA", "DEMA", "TEMA", "TRIMA", "KAMA", "T3"] {
        let out = compute(
            name,
            &Inputs::real(&flat),
            &Params::new().with("timeperiod", 10.0),
        )
        .unwrap();
        let lb = lookback(name, &Params::new().with("timeperiod", 10.0)).unwrap();
        for &v in &out.first()[lb..] {
            assert!((v - 42.5).abs() < 1e-12, "{name} of a constant is {v}");
        }
    }
    // Bands of a constant collapse onto the middle; STDDEV is exactly 0.
    let bb = compute("BBANDS", &Inputs::real(&flat), &Params::new()).unwrap();
    assert_eq!(bb.get("upperband").unwrap()[19], 42.5);
    assert_eq!(bb.get("lowerband").unwrap()[299], 42.5);
    let sd = compute("STDDEV", &Inputs::real(&flat), &Params::new()).unwrap();
    assert_eq!(sd.first()[4], 0.0);
    // RSI of a rising series is 100, CMO too; MOM of a line is its slope × period.
    let rising: Vec<f64> = (0..100).map(|i| 10.0 + i as f64).collect();
    assert_eq!(
        compute("RSI", &Inputs::real(&rising), &Params::new())
            .unwrap()
            .first()[50],
        100.0
    );
    assert_eq!(
        compute("CMO", &Inputs::real(&rising), &Params::new())
            .unwrap()
            .first()[50],
        100.0
    );
    assert_eq!(
        compute("MOM", &Inputs::real(&rising), &Params::new())
            .unwrap()
            .first()[50],
        10.0
    );
    // SMA by hand.
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let mut out = [0.0; 5];
    sma(&x, 3, &mut out).unwrap();
    assert!(out[0].is_nan() && out[1].is_nan());
    assert_eq!(&out[2..], &[2.0, 3.0, 4.0]);
    // Donchian helpers against a naive scan.
    let data = load_data("EURUSD");
    let (mut hi, mut lo) = (vec![0.0; data.len()], vec![0.0; data.len()]);
    rolling_max(&data.high, 20, &mut hi).unwrap();
    rolling_min(&data.low, 20, &mut lo).unwrap();
    for i in 19..data.len() {
        let w = i + 1 - 20;
        assert_eq!(
            hi[i],
            data.high[w..=i].iter().cloned().fold(f64::MIN, f64::max)
        );
        assert_eq!(
            lo[i],
            data.low[w..=i].iter().cloned().fold(f64::MAX, f64::min)
        );
    }
}

#[test]
fn matype_variants_match_the_plain_moving_averages() {
    // BBANDS' middle band is the stand-alone moving average of the chosen type.
    let data = load_data("GOOG");
    for (code, name) in [
        (0.0, "SMA"),
        (1.0, "EMA"),
        (2.0, "WMA"),
        (3.0, "DEMA"),
        (4.0, "TEMA"),
        (5.0, "TRIMA"),
        (6.0, "KAMA"),
        (8.0, "T3"),
    ] {
        let mid = compute(
            "BBANDS",
            &data.inputs(),
            &Params::new().with("timeperiod", 9.0).with("matype", code),
        )
        .unwrap();
        let ma = compute(name, &data.inputs(), &Params::new().with("timeperiod", 9.0)).unwrap();
        // (TA_MA's T3 uses vfactor 0.7, which is also T3's default.)
        assert!(
            bits_equal(mid.get("middleband").unwrap(), ma.first()),
            "matype {code} ({name})"
        );
    }
}

fn code_of(e: &stratlab::Error) -> &'static str {
    e.code.as_str()
}

#[test]
fn typed_errors() {
    let x = vec![1.0; 50];
    let e = compute(
        "SMA",
        &Inputs::real(&x),
        &Params::new().with("timeperiod", 0.0),
    )
    .unwrap_err();
    assert_eq!(code_of(&e), "INVALID_PARAMETER");
    assert!(
        e.message.contains("timeperiod") && e.message.contains("[1, 100000]"),
        "{}",
        e.message
    );
    assert_eq!(e.detail("min").and_then(|v| v.as_f64()), Some(1.0));
    let e = compute(
        "RSI",
        &Inputs::real(&x),
        &Params::new().with("timeperiod", 1.0),
    )
    .unwrap_err();
    assert_eq!(e.detail("min").and_then(|v| v.as_f64()), Some(2.0));
    let e = compute(
        "SMA",
        &Inputs::real(&x),
        &Params::new().with("timeperiod", 100001.0),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let e = compute(
        "SMA",
        &Inputs::real(&x),
        &Params::new().with("timeperiod", 14.5),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let e = compute("T3", &Inputs::real(&x), &Params::new().with("vfactor", 1.5)).unwrap_err();
    assert_eq!(
        e.detail("parameter").and_then(|v| v.as_str()),
        Some("vfactor")
    );
    let e = compute(
        "BBANDS",
        &Inputs::real(&x),
        &Params::new().with("matype", 7.0),
    )
    .unwrap_err();
    assert!(e.message.contains("MAMA"));
    let e = compute(
        "BBANDS",
        &Inputs::real(&x),
        &Params::new().with("matype", 9.0),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let e = compute("SMA", &Inputs::real(&x), &Params::new().with("period", 3.0)).unwrap_err();
    assert!(
        e.message.contains("timeperiod"),
        "lists the real parameter names: {}",
        e.message
    );
    let e = compute("NOPE", &Inputs::real(&x), &Params::new()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert!(
        e.detail("known")
            .and_then(|v| v.as_array())
            .map_or(0, |a| a.len())
            == 42
    );
    let e = Stream::new("SMA", &Params::new().with("timeperiod", -3.0)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert!(lookback("MACD", &Params::new().with("signalperiod", 0.0)).is_err());

    // Inputs: missing and of different lengths.
    let e = compute("ATR", &Inputs::real(&x), &Params::new()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.detail("input").and_then(|v| v.as_str()), Some("high"));
    let short = vec![1.0; 49];
    let inputs = Inputs {
        high: Some(&x),
        low: Some(&short),
        close: Some(&x),
        ..Inputs::default()
    };
    let e = compute("ATR", &inputs, &Params::new()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let mut buf = vec![0.0; 10];
    let e = compute_into("SMA", &Inputs::real(&x), &Params::new(), &mut [&mut buf]).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    // Case-insensitive names.
    assert!(compute(
        "sma",
        &Inputs::real(&x),
        &Params::new().with("timeperiod", 5.0)
    )
    .is_ok());
}

#[test]
fn short_and_empty_inputs_give_nan_not_errors() {
    for e in catalogue() {
        for n in [0usize, 1, 2, 5] {
            let x: Vec<f64> = (0..n).map(|i| 10.0 + i as f64).collect();
            let inputs = Inputs {
                open: Some(&x),
                high: Some(&x),
                low: Some(&x),
                close: Some(&x),
                volume: Some(&x),
                periods: None,
            };
            let out = compute(e.name, &inputs, &Params::new()).unwrap();
            for (_, v) in out.iter() {
                assert_eq!(v.len(), n);
                let lb = lookback(e.name, &Params::new()).unwrap();
                if n <= lb {
                    assert!(v.iter().all(|x| x.is_nan()), "{} n={n}", e.name);
                }
            }
        }
    }
}

/// Seeded fuzz: random lengths 0..300, parameters anywhere in range (edges included), values
/// including NaN, ±inf, 0 and negatives. Nothing may panic; stream must equal batch.
#[test]
fn fuzz_never_panics_and_stream_equals_batch() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_1dca_7a10);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let cat = catalogue();
    for round in 0..1500 {
        let e = &cat[round % cat.len()];
        let n = (unit() * 300.0) as usize;
        let weird = unit() < 0.5;
        let col = |u: &mut dyn FnMut() -> f64| -> Vec<f64> {
            (0..n)
                .map(|_| {
                    let r = u();
                    if weird && r < 0.03 {
                        f64::NAN
                    } else if weird && r < 0.05 {
                        if u() < 0.5 {
                            f64::INFINITY
                        } else {
                            f64::NEG_INFINITY
                        }
                    } else if weird && r < 0.08 {
                        0.0
                    } else if weird && r < 0.12 {
                        -u() * 100.0
                    } else if r < 0.2 {
                        50.0 // repeated values: ties and flat windows
                    } else {
                        40.0 + u() * 20.0
                    }
                })
                .collect()
        };
        let cols: Vec<Vec<f64>> = (0..5).map(|_| col(&mut unit)).collect();
        let mut params = Params::new();
        for p in &e.params {
            let r = unit();
            let v = match p.kind {
                ParamKind::Integer => {
                    if r < 0.15 {
                        p.min
                    } else if r < 0.2 {
                        p.max
                    } else if r < 0.6 {
                        p.min + (unit() * 5.0).floor()
                    } else {
                        (p.min + (unit() * 60.0).floor()).min(p.max)
                    }
                }
                ParamKind::Matype => {
                    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0][(unit() * 8.0) as usize % 8]
                }
                ParamKind::Real => {
                    if r < 0.1 {
                        p.min
                    } else if r < 0.2 {
                        p.max
                    } else if r < 0.3 {
                        0.0
                    } else {
                        p.min.max(-5.0) + unit() * (p.max.min(5.0) - p.min.max(-5.0))
                    }
                }
            };
            params.set(p.name, v);
        }
        let inputs = Inputs {
            open: Some(&cols[0]),
            high: Some(&cols[1]),
            low: Some(&cols[2]),
            close: Some(&cols[3]),
            volume: Some(&cols[4]),
            periods: None,
        };
        let batch = compute(e.name, &inputs, &params)
            .unwrap_or_else(|err| panic!("{} {params:?}: {err}", e.name));
        let mut s = Stream::new(e.name, &params).unwrap();
        let mut streamed = vec![Vec::new(); batch.columns.len()];
        #[allow(clippy::needless_range_loop)] // one index across five columns
        for i in 0..n {
            let bar = Bar {
                open: cols[0][i],
                high: cols[1][i],
                low: cols[2][i],
                close: cols[3][i],
                volume: cols[4][i],
                periods: f64::NAN,
            };
            let _ = s.peek(&bar);
            for (c, v) in streamed.iter_mut().zip(s.update(&bar)) {
                c.push(*v);
            }
        }
        for ((_, b), st) in batch.columns.iter().zip(&streamed) {
            assert!(
                bits_equal(b, st),
                "{} {params:?}: stream != batch (n={n})",
                e.name
            );
        }
        let lb = lookback(e.name, &params).unwrap();
        for (_, b) in batch.iter() {
            assert!(
                b.iter().take(lb.min(n)).all(|x| x.is_nan()),
                "{}: value inside the lookback",
                e.name
            );
        }
    }
}
