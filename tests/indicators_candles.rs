//! Candlestick patterns (TA-Lib's CDL functions): the streaming kernels against the batch
//! path on real data, and hand-built candle sequences per family against TA-Lib 0.8.2's own
//! outputs (embedded below; generated with `talib.CDLxxx(o, h, l, c)`). The full-catalogue
//! golden test (`indicators_talib_full`) covers GOOG and EURUSD; the sequences here make the
//! patterns that never fire on those series (kicking, mat hold, breakaway, ...) fire.

mod indicators_common;

use indicators_common::load_data;
use stratlab::indicators::{compute, lookback, names, Bar, Inputs, Params, Stream};

/// TA-Lib's non-zero outputs of one run as (bar, value).
type NonZero = &'static [(usize, i32)];

fn cdl_names() -> Vec<&'static str> {
    names()
        .into_iter()
        .filter(|n| n.starts_with("CDL"))
        .collect()
}

/// Patterns with TA-Lib's `penetration` parameter.
const WITH_PENETRATION: &[&str] = &[
    "CDLABANDONEDBABY",
    "CDLDARKCLOUDCOVER",
    "CDLEVENINGDOJISTAR",
    "CDLEVENINGSTAR",
    "CDLMATHOLD",
    "CDLMORNINGDOJISTAR",
    "CDLMORNINGSTAR",
];

fn bar_of(c: [f64; 4]) -> Bar {
    Bar {
        open: c[0],
        high: c[1],
        low: c[2],
        close: c[3],
        volume: f64::NAN,
        periods: f64::NAN,
    }
}

fn columns(seq: &[[f64; 4]]) -> [Vec<f64>; 4] {
    [0, 1, 2, 3].map(|j| seq.iter().map(|c| c[j]).collect())
}

/// Runs `name` over `seq` in batch; NaN where TA-Lib has no value.
fn batch(name: &str, params: &Params, seq: &[[f64; 4]]) -> Vec<f64> {
    let [o, h, l, c] = columns(seq);
    let inputs = Inputs {
        open: Some(&o),
        high: Some(&h),
        low: Some(&l),
        close: Some(&c),
        ..Inputs::default()
    };
    compute(name, &inputs, params).unwrap().first().to_vec()
}

/// Checks `got` against TA-Lib's non-zero outputs: NaN before `first`, then the listed
/// values and 0 elsewhere.
fn check_against(label: &str, got: &[f64], first: usize, nonzero: &[(usize, i32)]) {
    for (i, &v) in got.iter().enumerate() {
        if i < first {
            assert!(
                v.is_nan(),
                "{label}: bar {i} should be NaN (lookback), got {v}"
            );
            continue;
        }
        let want = nonzero.iter().find(|(j, _)| *j == i).map_or(0, |&(_, w)| w);
        assert_eq!(v, f64::from(want), "{label}: bar {i}");
    }
    for &(j, _) in nonzero {
        assert!(
            j >= first && j < got.len(),
            "{label}: TA-Lib value at bar {j} outside our output"
        );
    }
}

fn check_sequence(tag: &str, seq: &[[f64; 4]], expected: &[(&str, &[(usize, i32)])]) {
    for name in cdl_names() {
        let got = batch(name, &Params::new(), seq);
        let lb = lookback(name, &Params::new()).unwrap();
        let nonzero = expected
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, v)| *v);
        check_against(&format!("{name} on {tag}"), &got, lb, nonzero);
    }
}

#[test]
fn lookbacks_are_talibs() {
    assert_eq!(cdl_names().len(), 61);
    for &(name, want) in LOOKBACKS {
        assert_eq!(lookback(name, &Params::new()).unwrap(), want, "{name}");
    }
    // The penetration does not move the lookback.
    for name in WITH_PENETRATION {
        let p = Params::new().with("penetration", 0.9);
        assert_eq!(
            lookback(name, &p).unwrap(),
            lookback(name, &Params::new()).unwrap()
        );
    }
}

#[test]
fn single_candle_shapes_match_talib() {
    check_sequence("SINGLE", SINGLE, SINGLE_EXPECTED);
}

#[test]
fn two_candle_patterns_match_talib() {
    check_sequence("TWO", TWO, TWO_EXPECTED);
}

#[test]
fn three_candle_patterns_match_talib() {
    check_sequence("THREE", THREE, THREE_EXPECTED);
}

#[test]
fn four_and_five_candle_patterns_match_talib() {
    check_sequence("MULTI", MULTI, MULTI_EXPECTED);
}

#[test]
fn hikkake_state_matches_talib() {
    check_sequence("HIKKAKE", HIKKAKE, HIKKAKE_EXPECTED);
    // The state carried between bars streams exactly as in batch.
    for name in ["CDLHIKKAKE", "CDLHIKKAKEMOD"] {
        let want = batch(name, &Params::new(), HIKKAKE);
        let mut s = Stream::new(name, &Params::new()).unwrap();
        let got: Vec<f64> = HIKKAKE.iter().map(|&c| s.update(&bar_of(c))[0]).collect();
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{name}");
    }
}

#[test]
fn other_penetrations_match_talib() {
    for &(name, pen, tag, nonzero) in PENETRATION_EXPECTED {
        let seq = match tag {
            "SINGLE" => SINGLE,
            "TWO" => TWO,
            "THREE" => THREE,
            "MULTI" => MULTI,
            _ => HIKKAKE,
        };
        let p = Params::new().with("penetration", pen);
        let got = batch(name, &p, seq);
        check_against(
            &format!("{name} penetration {pen} on {tag}"),
            &got,
            lookback(name, &p).unwrap(),
            nonzero,
        );
    }
}

#[test]
fn leading_nan_bars_are_skipped_like_talib() {
    let mut seq = vec![
        [f64::NAN, 101.0, 99.0, 100.0],
        [100.0, f64::NAN, 99.0, 100.0],
    ];
    seq.extend_from_slice(THREE);
    for name in cdl_names() {
        let got = batch(name, &Params::new(), &seq);
        let lb = lookback(name, &Params::new()).unwrap();
        let nonzero = LEADING_NAN_EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, v)| *v);
        check_against(&format!("{name} after NaN bars"), &got, lb + 2, nonzero);
    }
}

#[test]
fn penetration_is_validated() {
    let seq = columns(MULTI);
    let inputs = Inputs {
        open: Some(&seq[0]),
        high: Some(&seq[1]),
        low: Some(&seq[2]),
        close: Some(&seq[3]),
        ..Inputs::default()
    };
    let err = compute(
        "CDLMATHOLD",
        &inputs,
        &Params::new().with("penetration", -0.1),
    )
    .unwrap_err();
    assert_eq!(err.code, stratlab::ErrorCode::InvalidParameter);
    let err = compute("CDLDOJI", &inputs, &Params::new().with("penetration", 0.5)).unwrap_err();
    assert_eq!(err.code, stratlab::ErrorCode::InvalidParameter);
}

/// Streaming every bar (with a `peek` before each `update`) gives the batch values bit for
/// bit, `peek` leaves no trace, and `reset` starts over.
fn stream_equals_batch(sym: &str, name: &str, params: &Params) {
    let data = load_data(sym);
    let want = compute(name, &data.inputs(), params)
        .unwrap()
        .first()
        .to_vec();
    let mut s = Stream::new(name, params).unwrap();
    for round in 0..2 {
        for (i, w) in want.iter().enumerate() {
            let bar = data.bar(i);
            let peeked = s.peek(&bar);
            let got = s.update(&bar)[0];
            let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
            assert!(
                same(peeked[0], got),
                "{sym} {name} {params:?}: peek != update at bar {i}"
            );
            assert!(
                same(got, *w),
                "{sym} {name} {params:?} round {round}: stream {got} != batch {w} at bar {i}"
            );
        }
        s.reset();
    }
}

#[test]
fn stream_equals_batch_on_goog_and_eurusd() {
    for sym in ["GOOG", "EURUSD"] {
        for name in cdl_names() {
            stream_equals_batch(sym, name, &Params::new());
        }
    }
}

#[test]
fn stream_equals_batch_with_other_penetrations() {
    for name in WITH_PENETRATION {
        for pen in [0.0, 0.15, 0.8, 2.0] {
            stream_equals_batch("GOOG", name, &Params::new().with("penetration", pen));
        }
    }
}

/// 600 bars on a 0.25 price grid from a fixed linear congruential generator (so exact ties,
/// dojis and touching bodies occur); from bar 300 on, every 11th bar has one NaN price.
fn quantized_series() -> Vec<[f64; 4]> {
    let mut x: u64 = 7;
    let mut next = move || {
        x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
        (x >> 16) as i64
    };
    let mut level: i64 = 400;
    (0..600)
        .map(|i: usize| {
            level += next() % 9 - 4;
            let o = level + next() % 5 - 2;
            let c = level + next() % 9 - 4;
            let h = o.max(c) + next() % 4;
            let l = o.min(c) - next() % 4;
            let mut bar = [o, h, l, c].map(|v| v as f64 * 0.25);
            if i >= 300 && i % 11 == 5 {
                bar[(i / 11) % 4] = f64::NAN;
            }
            bar
        })
        .collect()
}

#[test]
fn quantized_series_with_nan_prices_matches_talib() {
    check_sequence("quantized", &quantized_series(), QUANTIZED_EXPECTED);
}

/// TA-Lib 0.8.2's `TA_CDLxxx_Lookback` (from `talib.abstract.Function(name).lookback`).
const LOOKBACKS: &[(&str, usize)] = &[
    ("CDL2CROWS", 12),
    ("CDL3BLACKCROWS", 13),
    ("CDL3INSIDE", 12),
    ("CDL3LINESTRIKE", 8),
    ("CDL3OUTSIDE", 3),
    ("CDL3STARSINSOUTH", 12),
    ("CDL3WHITESOLDIERS", 12),
    ("CDLABANDONEDBABY", 12),
    ("CDLADVANCEBLOCK", 12),
    ("CDLBELTHOLD", 10),
    ("CDLBREAKAWAY", 14),
    ("CDLCLOSINGMARUBOZU", 10),
    ("CDLCONCEALBABYSWALL", 13),
    ("CDLCOUNTERATTACK", 11),
    ("CDLDARKCLOUDCOVER", 11),
    ("CDLDOJI", 10),
    ("CDLDOJISTAR", 11),
    ("CDLDRAGONFLYDOJI", 10),
    ("CDLENGULFING", 2),
    ("CDLEVENINGDOJISTAR", 12),
    ("CDLEVENINGSTAR", 12),
    ("CDLGAPSIDESIDEWHITE", 7),
    ("CDLGRAVESTONEDOJI", 10),
    ("CDLHAMMER", 11),
    ("CDLHANGINGMAN", 11),
    ("CDLHARAMI", 11),
    ("CDLHARAMICROSS", 11),
    ("CDLHIGHWAVE", 10),
    ("CDLHIKKAKE", 5),
    ("CDLHIKKAKEMOD", 10),
    ("CDLHOMINGPIGEON", 11),
    ("CDLIDENTICAL3CROWS", 12),
    ("CDLINNECK", 11),
    ("CDLINVERTEDHAMMER", 11),
    ("CDLKICKING", 11),
    ("CDLKICKINGBYLENGTH", 11),
    ("CDLLADDERBOTTOM", 14),
    ("CDLLONGLEGGEDDOJI", 10),
    ("CDLLONGLINE", 10),
    ("CDLMARUBOZU", 10),
    ("CDLMATCHINGLOW", 6),
    ("CDLMATHOLD", 14),
    ("CDLMORNINGDOJISTAR", 12),
    ("CDLMORNINGSTAR", 12),
    ("CDLONNECK", 11),
    ("CDLPIERCING", 11),
    ("CDLRICKSHAWMAN", 10),
    ("CDLRISEFALL3METHODS", 14),
    ("CDLSEPARATINGLINES", 11),
    ("CDLSHOOTINGSTAR", 11),
    ("CDLSHORTLINE", 10),
    ("CDLSPINNINGTOP", 10),
    ("CDLSTALLEDPATTERN", 12),
    ("CDLSTICKSANDWICH", 7),
    ("CDLTAKURI", 10),
    ("CDLTASUKIGAP", 7),
    ("CDLTHRUSTING", 11),
    ("CDLTRISTAR", 12),
    ("CDLUNIQUE3RIVER", 12),
    ("CDLUPSIDEGAP2CROWS", 12),
    ("CDLXSIDEGAP3METHODS", 2),
];

/// One-candle shapes and the hammer family.
const SINGLE: &[[f64; 4]] = &[
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.0, 99.0, 100.0],
    [100.0, 104.0, 100.0, 104.0],
    [103.0, 103.05, 100.0, 102.9],
    [102.0, 102.1, 98.0, 101.9],
    [102.0, 105.0, 101.95, 102.02],
    [101.0, 102.5, 99.5, 101.05],
    [104.0, 104.0, 100.0, 100.0],
    [100.0, 100.02, 96.0, 99.99],
];
/// TA-Lib 0.8.2 on SINGLE: the non-zero outputs of every pattern with default parameters.
const SINGLE_EXPECTED: &[(&str, NonZero)] = &[
    ("CDL3OUTSIDE", &[(19, -100)]),
    ("CDLBELTHOLD", &[(13, 100), (18, -100)]),
    ("CDLCLOSINGMARUBOZU", &[(13, 100), (18, -100)]),
    (
        "CDLDOJI",
        &[
            (12, 100),
            (14, 100),
            (15, 100),
            (16, 100),
            (17, 100),
            (19, 100),
        ],
    ),
    ("CDLDRAGONFLYDOJI", &[(14, 100), (15, 100), (19, 100)]),
    ("CDLENGULFING", &[(18, -100)]),
    ("CDLGRAVESTONEDOJI", &[(16, 100)]),
    ("CDLHAMMER", &[(19, 100)]),
    ("CDLHARAMI", &[(14, -100)]),
    ("CDLHARAMICROSS", &[(14, -100)]),
    ("CDLHIGHWAVE", &[(12, 100), (16, 100), (17, 100)]),
    (
        "CDLLONGLEGGEDDOJI",
        &[
            (12, 100),
            (14, 100),
            (15, 100),
            (16, 100),
            (17, 100),
            (19, 100),
        ],
    ),
    ("CDLLONGLINE", &[(13, 100), (18, -100)]),
    ("CDLMARUBOZU", &[(13, 100), (18, -100)]),
    ("CDLMATCHINGLOW", &[(19, 100)]),
    ("CDLRICKSHAWMAN", &[(12, 100), (17, 100)]),
    (
        "CDLSPINNINGTOP",
        &[(12, 100), (16, 100), (17, 100), (19, -100)],
    ),
    ("CDLTAKURI", &[(14, 100), (15, 100), (19, 100)]),
    ("CDLTRISTAR", &[(16, 100)]),
];

/// Two-candle reversals.
const TWO: &[[f64; 4]] = &[
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [104.0, 104.2, 99.8, 100.0],
    [99.5, 104.6, 99.4, 104.5],
    [104.5, 104.7, 100.9, 101.0],
    [101.5, 102.0, 101.2, 101.8],
    [103.0, 103.2, 99.0, 99.2],
    [98.5, 101.5, 98.4, 101.3],
    [101.5, 101.6, 97.5, 97.6],
    [97.6, 97.9, 97.5, 97.7],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 100.0, 97.0, 97.0],
    [101.0, 104.0, 101.0, 104.0],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 102.0, 100.0, 102.0],
    [99.0, 99.0, 95.0, 95.0],
];
/// TA-Lib 0.8.2 on TWO: the non-zero outputs of every pattern with default parameters.
const TWO_EXPECTED: &[(&str, NonZero)] = &[
    (
        "CDLBELTHOLD",
        &[
            (13, 100),
            (14, -100),
            (16, -100),
            (17, 100),
            (18, -100),
            (32, -100),
            (33, 100),
            (46, 100),
            (47, -100),
        ],
    ),
    (
        "CDLCLOSINGMARUBOZU",
        &[
            (13, 100),
            (14, -100),
            (16, -100),
            (17, 100),
            (18, -100),
            (32, -100),
            (33, 100),
            (46, 100),
            (47, -100),
        ],
    ),
    ("CDLDOJI", &[(19, 100)]),
    ("CDLENGULFING", &[(13, 100), (16, -100), (18, -100)]),
    ("CDLHARAMI", &[(15, 100), (19, 80)]),
    ("CDLHARAMICROSS", &[(19, 80)]),
    ("CDLKICKING", &[(33, 100), (47, -100)]),
    ("CDLKICKINGBYLENGTH", &[(33, -100), (47, -100)]),
    ("CDLLONGLEGGEDDOJI", &[(19, 100)]),
    (
        "CDLLONGLINE",
        &[
            (12, -100),
            (13, 100),
            (14, -100),
            (16, -100),
            (17, 100),
            (18, -100),
            (32, -100),
            (33, 100),
            (46, 100),
            (47, -100),
        ],
    ),
    (
        "CDLMARUBOZU",
        &[
            (13, 100),
            (14, -100),
            (16, -100),
            (17, 100),
            (18, -100),
            (32, -100),
            (33, 100),
            (46, 100),
            (47, -100),
        ],
    ),
    ("CDLPIERCING", &[(17, 100)]),
    ("CDLSHORTLINE", &[(15, 100), (19, 100)]),
    ("CDLTASUKIGAP", &[(21, 100)]),
];

/// Stars, soldiers and crows.
const THREE: &[[f64; 4]] = &[
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [104.0, 104.2, 99.8, 100.0],
    [99.0, 99.4, 98.7, 99.1],
    [99.8, 104.1, 99.7, 104.0],
    [100.0, 101.3, 99.9, 101.2],
    [101.1, 102.6, 101.0, 102.5],
    [102.4, 103.9, 102.3, 103.8],
    [103.9, 107.9, 103.8, 107.8],
    [108.5, 108.9, 108.4, 108.6],
    [108.0, 108.1, 104.5, 104.6],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [103.0, 103.1, 96.5, 100.0],
    [101.0, 101.2, 97.5, 99.5],
    [99.0, 99.05, 98.45, 98.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [103.0, 103.1, 100.99, 101.0],
    [101.0, 101.1, 98.99, 99.0],
    [99.0, 99.1, 96.99, 97.0],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [101.0, 103.2, 100.8, 103.0],
    [102.9, 103.0, 100.99, 101.0],
    [101.5, 101.6, 98.99, 99.0],
    [99.5, 99.6, 96.98, 97.0],
];
/// TA-Lib 0.8.2 on THREE: the non-zero outputs of every pattern with default parameters.
const THREE_EXPECTED: &[(&str, NonZero)] = &[
    ("CDL3BLACKCROWS", &[(66, -100)]),
    ("CDL3STARSINSOUTH", &[(35, 100)]),
    ("CDL3WHITESOLDIERS", &[(18, 100)]),
    ("CDLABANDONEDBABY", &[(14, 100), (20, -100)]),
    (
        "CDLBELTHOLD",
        &[
            (14, 100),
            (18, 100),
            (20, -100),
            (33, -100),
            (34, -100),
            (48, -100),
            (49, -100),
            (50, -100),
            (64, -100),
            (65, -100),
            (66, -100),
        ],
    ),
    (
        "CDLCLOSINGMARUBOZU",
        &[
            (14, 100),
            (18, 100),
            (20, -100),
            (48, -100),
            (49, -100),
            (50, -100),
            (64, -100),
            (65, -100),
            (66, -100),
        ],
    ),
    ("CDLDOJI", &[(13, 100), (19, 100)]),
    ("CDLDOJISTAR", &[(13, 100), (19, -100)]),
    ("CDLEVENINGDOJISTAR", &[(20, -100)]),
    ("CDLEVENINGSTAR", &[(20, -100)]),
    ("CDLGRAVESTONEDOJI", &[(19, 100)]),
    ("CDLHARAMI", &[(15, -100)]),
    ("CDLHIGHWAVE", &[(13, 100)]),
    ("CDLHIKKAKE", &[(16, -100), (36, -100), (65, 100)]),
    ("CDLIDENTICAL3CROWS", &[(50, -100)]),
    ("CDLLONGLEGGEDDOJI", &[(13, 100), (19, 100)]),
    (
        "CDLLONGLINE",
        &[
            (12, -100),
            (14, 100),
            (18, 100),
            (20, -100),
            (44, 100),
            (48, -100),
            (49, -100),
            (50, -100),
            (63, 100),
            (64, -100),
            (65, -100),
            (66, -100),
        ],
    ),
    (
        "CDLMARUBOZU",
        &[
            (14, 100),
            (18, 100),
            (20, -100),
            (48, -100),
            (49, -100),
            (50, -100),
            (64, -100),
            (65, -100),
            (66, -100),
        ],
    ),
    ("CDLMORNINGDOJISTAR", &[(14, 100)]),
    ("CDLMORNINGSTAR", &[(14, 100)]),
    ("CDLRICKSHAWMAN", &[(13, 100)]),
    ("CDLSHOOTINGSTAR", &[(19, -100)]),
    (
        "CDLSHORTLINE",
        &[
            (13, 100),
            (15, 100),
            (16, 100),
            (17, 100),
            (35, -100),
            (36, 100),
            (37, -100),
            (38, 100),
            (39, -100),
            (40, 100),
            (41, -100),
            (42, 100),
            (43, -100),
        ],
    ),
    ("CDLSPINNINGTOP", &[(13, 100)]),
    ("CDLTASUKIGAP", &[(37, 100), (52, 100)]),
];

/// Four- and five-candle patterns.
const MULTI: &[[f64; 4]] = &[
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 103.2, 99.8, 103.0],
    [103.5, 104.2, 103.3, 104.0],
    [104.2, 104.8, 103.9, 104.6],
    [104.7, 105.4, 104.5, 105.2],
    [105.0, 105.1, 103.2, 103.3],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 100.0, 97.0, 97.0],
    [96.8, 96.8, 94.0, 94.0],
    [93.5, 94.5, 92.4, 92.5],
    [95.0, 95.1, 91.9, 92.0],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 103.1, 99.9, 103.0],
    [103.8, 104.0, 103.3, 103.4],
    [102.8, 103.0, 102.4, 102.5],
    [102.2, 102.6, 102.1, 102.4],
    [102.6, 104.6, 102.5, 104.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 103.1, 99.9, 103.0],
    [102.8, 102.9, 102.4, 102.5],
    [102.5, 102.6, 102.1, 102.2],
    [102.2, 102.3, 101.8, 101.9],
    [102.0, 104.1, 101.9, 104.0],
];
/// TA-Lib 0.8.2 on MULTI: the non-zero outputs of every pattern with default parameters.
const MULTI_EXPECTED: &[(&str, NonZero)] = &[
    (
        "CDLBELTHOLD",
        &[
            (16, -100),
            (29, -100),
            (30, -100),
            (32, -100),
            (45, 100),
            (49, 100),
            (62, 100),
            (66, 100),
        ],
    ),
    ("CDLBREAKAWAY", &[(16, -100)]),
    (
        "CDLCLOSINGMARUBOZU",
        &[
            (16, -100),
            (29, -100),
            (30, -100),
            (32, -100),
            (45, 100),
            (49, 100),
            (62, 100),
            (66, 100),
        ],
    ),
    ("CDLCONCEALBABYSWALL", &[(32, 100)]),
    ("CDLHARAMI", &[(63, -100)]),
    ("CDLHIKKAKE", &[(64, 100), (66, 200)]),
    ("CDLIDENTICAL3CROWS", &[(65, -100)]),
    (
        "CDLLONGLINE",
        &[
            (12, 100),
            (16, -100),
            (29, -100),
            (30, -100),
            (32, -100),
            (45, 100),
            (49, 100),
            (62, 100),
            (66, 100),
        ],
    ),
    (
        "CDLMARUBOZU",
        &[
            (16, -100),
            (29, -100),
            (30, -100),
            (32, -100),
            (45, 100),
            (49, 100),
            (62, 100),
            (66, 100),
        ],
    ),
    ("CDLMATHOLD", &[(49, 100)]),
    ("CDLRISEFALL3METHODS", &[(66, 100)]),
    (
        "CDLSHORTLINE",
        &[
            (13, 100),
            (14, 100),
            (15, 100),
            (46, -100),
            (47, -100),
            (48, 100),
            (63, -100),
            (64, -100),
            (65, -100),
        ],
    ),
    ("CDLTASUKIGAP", &[(34, 100)]),
];

/// Hikkake setups and confirmations.
const HIKKAKE: &[[f64; 4]] = &[
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 103.0, 97.0, 101.0],
    [100.5, 102.0, 98.0, 101.5],
    [101.0, 101.5, 97.5, 99.0],
    [99.0, 102.5, 98.5, 102.4],
    [101.0, 104.0, 98.0, 102.0],
    [101.5, 103.0, 99.0, 102.5],
    [102.5, 104.5, 99.5, 104.0],
    [103.0, 103.5, 100.0, 101.0],
    [101.0, 104.9, 100.5, 104.8],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 101.5, 99.5, 101.0],
    [100.3, 100.8, 99.0, 99.5],
    [100.0, 104.0, 96.0, 101.0],
    [99.0, 103.0, 97.0, 97.2],
    [100.0, 102.0, 98.0, 99.5],
    [100.5, 101.0, 97.5, 98.0],
    [99.0, 102.8, 98.8, 102.5],
];
/// TA-Lib 0.8.2 on HIKKAKE: the non-zero outputs of every pattern with default parameters.
const HIKKAKE_EXPECTED: &[(&str, NonZero)] = &[
    ("CDLBELTHOLD", &[(37, 100)]),
    (
        "CDLCLOSINGMARUBOZU",
        &[(15, 100), (20, 100), (34, -100), (37, 100)],
    ),
    ("CDLENGULFING", &[(15, 80), (20, 80)]),
    ("CDLHARAMI", &[(16, -100)]),
    ("CDLHIGHWAVE", &[(35, -100)]),
    (
        "CDLHIKKAKE",
        &[
            (14, 100),
            (15, 200),
            (18, -100),
            (20, -100),
            (22, -200),
            (36, 100),
            (37, 200),
        ],
    ),
    ("CDLHIKKAKEMOD", &[(36, 100), (37, 200)]),
    (
        "CDLLONGLINE",
        &[(15, 100), (19, -100), (20, 100), (36, -100), (37, 100)],
    ),
    ("CDLMARUBOZU", &[(37, 100)]),
    (
        "CDLSHORTLINE",
        &[
            (21, 100),
            (22, -100),
            (23, 100),
            (24, -100),
            (25, 100),
            (26, -100),
            (27, 100),
            (28, -100),
            (29, 100),
        ],
    ),
    ("CDLSPINNINGTOP", &[(16, 100), (35, -100)]),
];

/// TA-Lib 0.8.2 with other penetrations: (function, penetration, sequence, non-zero outputs).
const PENETRATION_EXPECTED: &[(&str, f64, &str, NonZero)] = &[
    ("CDLABANDONEDBABY", 0.9, "THREE", &[(14, 100)]),
    ("CDLMORNINGSTAR", 0.0, "THREE", &[(14, 100)]),
    ("CDLEVENINGSTAR", 1.2, "THREE", &[]),
    ("CDLMATHOLD", 0.1, "MULTI", &[]),
];

/// TA-Lib 0.8.2 on THREE behind two bars with a NaN price (its wrapper starts at the first full bar).
const LEADING_NAN_EXPECTED: &[(&str, NonZero)] = &[
    ("CDL3BLACKCROWS", &[(68, -100)]),
    ("CDL3STARSINSOUTH", &[(37, 100)]),
    ("CDL3WHITESOLDIERS", &[(20, 100)]),
    ("CDLABANDONEDBABY", &[(16, 100), (22, -100)]),
    (
        "CDLBELTHOLD",
        &[
            (16, 100),
            (20, 100),
            (22, -100),
            (35, -100),
            (36, -100),
            (50, -100),
            (51, -100),
            (52, -100),
            (66, -100),
            (67, -100),
            (68, -100),
        ],
    ),
    (
        "CDLCLOSINGMARUBOZU",
        &[
            (16, 100),
            (20, 100),
            (22, -100),
            (50, -100),
            (51, -100),
            (52, -100),
            (66, -100),
            (67, -100),
            (68, -100),
        ],
    ),
    ("CDLDOJI", &[(15, 100), (21, 100)]),
    ("CDLDOJISTAR", &[(15, 100), (21, -100)]),
    ("CDLEVENINGDOJISTAR", &[(22, -100)]),
    ("CDLEVENINGSTAR", &[(22, -100)]),
    ("CDLGRAVESTONEDOJI", &[(21, 100)]),
    ("CDLHARAMI", &[(17, -100)]),
    ("CDLHIGHWAVE", &[(15, 100)]),
    ("CDLHIKKAKE", &[(18, -100), (38, -100), (67, 100)]),
    ("CDLIDENTICAL3CROWS", &[(52, -100)]),
    ("CDLLONGLEGGEDDOJI", &[(15, 100), (21, 100)]),
    (
        "CDLLONGLINE",
        &[
            (14, -100),
            (16, 100),
            (20, 100),
            (22, -100),
            (46, 100),
            (50, -100),
            (51, -100),
            (52, -100),
            (65, 100),
            (66, -100),
            (67, -100),
            (68, -100),
        ],
    ),
    (
        "CDLMARUBOZU",
        &[
            (16, 100),
            (20, 100),
            (22, -100),
            (50, -100),
            (51, -100),
            (52, -100),
            (66, -100),
            (67, -100),
            (68, -100),
        ],
    ),
    ("CDLMORNINGDOJISTAR", &[(16, 100)]),
    ("CDLMORNINGSTAR", &[(16, 100)]),
    ("CDLRICKSHAWMAN", &[(15, 100)]),
    ("CDLSHOOTINGSTAR", &[(21, -100)]),
    (
        "CDLSHORTLINE",
        &[
            (15, 100),
            (17, 100),
            (18, 100),
            (19, 100),
            (37, -100),
            (38, 100),
            (39, -100),
            (40, 100),
            (41, -100),
            (42, 100),
            (43, -100),
            (44, 100),
            (45, -100),
        ],
    ),
    ("CDLSPINNINGTOP", &[(15, 100)]),
    ("CDLTASUKIGAP", &[(39, 100), (54, 100)]),
];

/// TA-Lib 0.8.2 on `quantized_series()`: the non-zero outputs of every pattern.
const QUANTIZED_EXPECTED: &[(&str, NonZero)] = &[
    (
        "CDL3INSIDE",
        &[(52, -100), (64, 100), (81, 100), (116, 100)],
    ),
    ("CDL3OUTSIDE", &[(56, 100), (299, 100), (516, -100)]),
    (
        "CDLBELTHOLD",
        &[
            (12, -100),
            (14, 100),
            (33, 100),
            (57, 100),
            (69, -100),
            (79, -100),
            (89, 100),
            (112, 100),
            (113, 100),
            (125, -100),
            (127, 100),
            (130, -100),
            (136, -100),
            (143, 100),
            (150, -100),
            (164, -100),
            (166, 100),
            (176, -100),
            (195, 100),
            (198, 100),
            (217, 100),
            (220, 100),
            (221, 100),
            (236, 100),
            (247, -100),
            (251, -100),
            (256, 100),
            (291, 100),
        ],
    ),
    (
        "CDLCLOSINGMARUBOZU",
        &[
            (11, 100),
            (12, -100),
            (14, 100),
            (15, 100),
            (30, -100),
            (33, 100),
            (42, -100),
            (55, 100),
            (56, 100),
            (57, 100),
            (68, -100),
            (90, -100),
            (92, 100),
            (97, 100),
            (98, 100),
            (145, -100),
            (147, -100),
            (157, -100),
            (164, -100),
            (195, 100),
            (196, -100),
            (198, 100),
            (219, 100),
            (237, 100),
            (241, -100),
            (242, -100),
            (243, 100),
            (246, 100),
            (247, -100),
            (267, 100),
            (284, 100),
            (288, 100),
            (291, 100),
        ],
    ),
    ("CDLCOUNTERATTACK", &[(180, -100)]),
    (
        "CDLDOJI",
        &[
            (10, 100),
            (22, 100),
            (36, 100),
            (39, 100),
            (48, 100),
            (61, 100),
            (80, 100),
            (95, 100),
            (100, 100),
            (104, 100),
            (108, 100),
            (109, 100),
            (117, 100),
            (119, 100),
            (124, 100),
            (132, 100),
            (137, 100),
            (151, 100),
            (153, 100),
            (160, 100),
            (167, 100),
            (169, 100),
            (213, 100),
            (234, 100),
            (240, 100),
            (244, 100),
            (249, 100),
            (259, 100),
            (268, 100),
            (272, 100),
            (283, 100),
            (295, 100),
            (310, 100),
        ],
    ),
    ("CDLDOJISTAR", &[(117, -100), (249, 100)]),
    ("CDLDRAGONFLYDOJI", &[(80, 100), (240, 100), (249, 100)]),
    (
        "CDLENGULFING",
        &[
            (6, 80),
            (8, -100),
            (14, 80),
            (25, -80),
            (30, -100),
            (55, 100),
            (62, -80),
            (79, -100),
            (86, 80),
            (89, 80),
            (141, -100),
            (145, -100),
            (158, 80),
            (171, 100),
            (173, 80),
            (194, 80),
            (225, 80),
            (241, -80),
            (243, 80),
            (246, 100),
            (254, -80),
            (266, 80),
            (269, -100),
            (291, 100),
            (296, -80),
            (298, 100),
            (368, -80),
            (371, 80),
            (418, -80),
            (423, -80),
            (431, -80),
            (437, 100),
            (467, -100),
            (472, 100),
            (487, -80),
            (500, 80),
            (503, -80),
            (506, -80),
            (515, -100),
            (538, -80),
            (550, -100),
            (554, -80),
            (559, 80),
            (576, -100),
            (585, -80),
            (588, 80),
        ],
    ),
    ("CDLGAPSIDESIDEWHITE", &[(234, 100)]),
    (
        "CDLGRAVESTONEDOJI",
        &[(22, 100), (95, 100), (104, 100), (117, 100), (167, 100)],
    ),
    (
        "CDLHAMMER",
        &[
            (40, 100),
            (54, 100),
            (77, 100),
            (85, 100),
            (174, 100),
            (218, 100),
        ],
    ),
    ("CDLHANGINGMAN", &[(120, -100), (233, -100)]),
    (
        "CDLHARAMI",
        &[
            (13, 100),
            (16, -100),
            (21, -80),
            (29, 100),
            (34, -80),
            (48, 100),
            (51, -100),
            (63, 100),
            (72, 80),
            (80, 100),
            (95, -100),
            (99, -100),
            (104, 100),
            (106, -100),
            (115, 100),
            (119, -100),
            (124, -80),
            (134, -80),
            (144, -80),
            (151, 80),
            (159, -80),
            (182, 80),
            (207, -100),
            (218, -80),
            (223, 80),
            (244, -100),
            (252, 80),
            (257, -100),
            (274, 80),
            (281, -80),
            (285, -100),
            (290, 80),
            (294, 100),
            (297, 100),
            (301, -80),
        ],
    ),
    (
        "CDLHARAMICROSS",
        &[
            (48, 100),
            (80, 100),
            (95, -100),
            (104, 100),
            (119, -100),
            (124, -80),
            (151, 80),
            (244, -100),
        ],
    ),
    (
        "CDLHIGHWAVE",
        &[
            (10, 100),
            (36, 100),
            (39, 100),
            (48, 100),
            (61, 100),
            (100, 100),
            (108, 100),
            (109, 100),
            (119, 100),
            (124, 100),
            (132, 100),
            (151, 100),
            (153, 100),
            (154, -100),
            (160, 100),
            (169, 100),
            (190, -100),
            (234, 100),
            (244, 100),
            (268, 100),
            (272, 100),
            (275, 100),
            (283, 100),
            (295, 100),
        ],
    ),
    (
        "CDLHIKKAKE",
        &[
            (10, -100),
            (12, -200),
            (52, 100),
            (62, 100),
            (64, 200),
            (66, -100),
            (67, -200),
            (73, -100),
            (76, -100),
            (77, -200),
            (81, -100),
            (107, 100),
            (116, -100),
            (120, -100),
            (121, -200),
            (135, 100),
            (137, -100),
            (152, 100),
            (155, 200),
            (208, -100),
            (209, -200),
            (253, -100),
            (330, 100),
            (339, -100),
            (352, 100),
            (355, 200),
            (357, 100),
            (358, 200),
            (389, 100),
            (395, 100),
            (419, 100),
            (445, 100),
            (447, 100),
            (493, 100),
            (495, 200),
            (537, -100),
            (538, -200),
            (543, -100),
            (546, -200),
            (581, 100),
        ],
    ),
    (
        "CDLHOMINGPIGEON",
        &[(13, 100), (115, 100), (294, 100), (297, 100)],
    ),
    (
        "CDLINVERTEDHAMMER",
        &[(22, 100), (67, 100), (167, 100), (184, 100)],
    ),
    (
        "CDLLONGLEGGEDDOJI",
        &[
            (10, 100),
            (22, 100),
            (36, 100),
            (39, 100),
            (48, 100),
            (61, 100),
            (80, 100),
            (95, 100),
            (100, 100),
            (104, 100),
            (108, 100),
            (109, 100),
            (117, 100),
            (119, 100),
            (124, 100),
            (132, 100),
            (151, 100),
            (153, 100),
            (160, 100),
            (167, 100),
            (169, 100),
            (234, 100),
            (240, 100),
            (244, 100),
            (249, 100),
            (268, 100),
            (272, 100),
            (283, 100),
            (295, 100),
            (310, 100),
        ],
    ),
    (
        "CDLLONGLINE",
        &[
            (12, -100),
            (14, 100),
            (15, 100),
            (30, -100),
            (33, 100),
            (42, -100),
            (47, -100),
            (49, 100),
            (57, 100),
            (68, -100),
            (78, 100),
            (125, -100),
            (130, -100),
            (136, -100),
            (147, -100),
            (157, -100),
            (164, -100),
            (165, 100),
            (176, -100),
            (195, 100),
            (198, 100),
            (212, 100),
            (214, 100),
            (238, -100),
            (246, 100),
            (247, -100),
            (254, -100),
            (256, 100),
            (261, 100),
            (284, 100),
            (288, 100),
            (291, 100),
            (296, -100),
        ],
    ),
    (
        "CDLMARUBOZU",
        &[
            (12, -100),
            (14, 100),
            (33, 100),
            (57, 100),
            (164, -100),
            (195, 100),
            (198, 100),
            (247, -100),
            (291, 100),
        ],
    ),
    (
        "CDLMATCHINGLOW",
        &[
            (71, 100),
            (72, 100),
            (103, 100),
            (181, 100),
            (200, 100),
            (242, 100),
            (252, 100),
        ],
    ),
    ("CDLMORNINGSTAR", &[(280, 100)]),
    ("CDLPIERCING", &[(165, 100), (206, 100)]),
    (
        "CDLRICKSHAWMAN",
        &[
            (10, 100),
            (36, 100),
            (39, 100),
            (48, 100),
            (61, 100),
            (108, 100),
            (109, 100),
            (119, 100),
            (124, 100),
            (132, 100),
            (151, 100),
            (153, 100),
            (160, 100),
            (169, 100),
            (234, 100),
            (244, 100),
            (268, 100),
            (272, 100),
            (283, 100),
            (295, 100),
            (310, 100),
        ],
    ),
    (
        "CDLSHOOTINGSTAR",
        &[(111, -100), (117, -100), (122, -100), (245, -100)],
    ),
    (
        "CDLSHORTLINE",
        &[
            (17, -100),
            (18, -100),
            (34, 100),
            (35, -100),
            (37, 100),
            (43, 100),
            (76, -100),
            (80, 100),
            (81, 100),
            (82, -100),
            (83, 100),
            (99, -100),
            (101, -100),
            (106, 100),
            (107, 100),
            (119, 100),
            (128, -100),
            (137, 100),
            (138, -100),
            (172, -100),
            (177, 100),
            (185, 100),
            (192, -100),
            (193, -100),
            (207, -100),
            (211, -100),
            (213, 100),
            (223, 100),
            (224, -100),
            (227, 100),
            (234, 100),
            (235, -100),
            (252, -100),
            (253, 100),
            (259, 100),
            (260, 100),
            (271, 100),
            (290, -100),
            (295, 100),
        ],
    ),
    (
        "CDLSPINNINGTOP",
        &[
            (10, 100),
            (31, 100),
            (36, 100),
            (39, 100),
            (45, -100),
            (48, 100),
            (61, 100),
            (64, 100),
            (73, 100),
            (100, 100),
            (108, 100),
            (109, 100),
            (119, 100),
            (124, 100),
            (132, 100),
            (139, -100),
            (140, 100),
            (151, 100),
            (152, -100),
            (153, 100),
            (154, -100),
            (156, 100),
            (159, -100),
            (160, 100),
            (168, -100),
            (169, 100),
            (170, -100),
            (178, 100),
            (189, -100),
            (190, -100),
            (201, -100),
            (210, 100),
            (234, 100),
            (244, 100),
            (257, -100),
            (264, 100),
            (265, -100),
            (268, 100),
            (272, 100),
            (274, 100),
            (275, 100),
            (276, -100),
            (281, -100),
            (283, 100),
            (285, -100),
            (295, 100),
        ],
    ),
    ("CDLSTICKSANDWICH", &[(254, 100)]),
    ("CDLTAKURI", &[(80, 100), (240, 100), (249, 100)]),
    ("CDLTASUKIGAP", &[(53, -100)]),
];
