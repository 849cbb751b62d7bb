//! The math transforms and operators, price transforms and window statistics (issue 11):
//! TA-Lib 0.8.1's own outputs on edge-case series (ties, flat runs, NaN, out-of-domain
//! values, tiny magnitudes, period 1; fixture `tests/fixtures/math/math_cases.json` from
//! `gen_math_cases.py`), stream == batch bit for bit on real data with non-default
//! parameters, and the properties the kernels promise (absolute bar indices, PERCENTILE's
//! NaN rule, parameter ranges).

mod indicators_common;

use indicators_common::{compare, load_data, Data};
use stratlab::indicators::{compute, lookback, Bar, Input, Inputs, Params, Stream};
use stratlab::ErrorCode;

const FUNCTIONS: [&str; 41] = [
    "ACOS",
    "ADD",
    "ASIN",
    "ATAN",
    "AVGDEV",
    "AVGPRICE",
    "BETA",
    "CEIL",
    "CORREL",
    "COS",
    "COSH",
    "CUMSUM",
    "DIV",
    "EXP",
    "FLOOR",
    "HA",
    "LINEARREG_ANGLE",
    "LINEARREG_INTERCEPT",
    "LN",
    "LOG10",
    "MAX",
    "MAXINDEX",
    "MEDPRICE",
    "MIN",
    "MININDEX",
    "MINMAX",
    "MINMAXINDEX",
    "MULT",
    "PERCENTILE",
    "PERCENTRANK",
    "SIN",
    "SINH",
    "SQRT",
    "SUB",
    "SUM",
    "TAN",
    "TANH",
    "TSF",
    "TYPPRICE",
    "VAR",
    "WCLPRICE",
];

fn params(pairs: &[(&str, f64)]) -> Params {
    let mut p = Params::new();
    for &(k, v) in pairs {
        p.set(k, v);
    }
    p
}

/// Non-default parameters for the stream == batch runs (period 1 where TA-Lib allows it).
fn other_params(name: &str) -> Params {
    match name {
        "VAR" => params(&[("timeperiod", 9.0), ("nbdev", 2.5)]),
        "BETA" => params(&[("timeperiod", 1.0)]),
        "CORREL" => params(&[("timeperiod", 11.0)]),
        "PERCENTILE" => params(&[("timeperiod", 17.0), ("percentile", 90.0)]),
        "PERCENTRANK" => params(&[("timeperiod", 13.0)]),
        "AVGDEV" | "SUM" | "LINEARREG_ANGLE" | "LINEARREG_INTERCEPT" | "TSF" => {
            params(&[("timeperiod", 6.0)])
        }
        "MAX" | "MIN" | "MINMAX" | "MAXINDEX" | "MININDEX" | "MINMAXINDEX" => {
            params(&[("timeperiod", 7.0)])
        }
        _ => Params::new(),
    }
}

fn parse_series(text: &str) -> Vec<f64> {
    text.split(',')
        .map(|s| s.parse::<f64>().unwrap_or_else(|e| panic!("{s}: {e}")))
        .collect()
}

/// Like `compare`, plus infinities must match exactly (LN(0), EXP overflow, DIV by zero).
fn compare_exact_inf(label: &str, got: &[f64], want: &[f64]) -> Result<(), String> {
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        if (w.is_infinite() || g.is_infinite()) && g != w {
            return Err(format!("{label}: bar {i}: got {g}, want {w}"));
        }
    }
    compare(label, got, want)
}

#[test]
fn talib_edge_cases() {
    // `STRATLAB_MATH_CASES` points at a bigger generated variant (`gen_math_cases.py --big`).
    let path = std::env::var("STRATLAB_MATH_CASES").map_or_else(
        |_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/math/math_cases.json")
        },
        std::path::PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fx: serde_json::Value = serde_json::from_str(&text).expect("json");
    let datasets: std::collections::HashMap<String, Vec<(String, Vec<f64>)>> = fx["datasets"]
        .as_object()
        .expect("datasets")
        .iter()
        .map(|(name, cols)| {
            let cols = cols
                .as_object()
                .expect("columns")
                .iter()
                .map(|(c, v)| (c.clone(), parse_series(v.as_str().expect("series"))))
                .collect();
            (name.clone(), cols)
        })
        .collect();
    let mut failures = Vec::new();
    let mut checked = std::collections::BTreeSet::new();
    let cases = fx["cases"].as_array().expect("cases");
    for case in cases {
        let function = case["function"].as_str().expect("function");
        let dataset = case["dataset"].as_str().expect("dataset");
        let p: Params = case["params"]
            .as_object()
            .expect("params")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_f64().expect("param")))
            .collect();
        let cols = &datasets[dataset];
        let col = |n: &str| {
            cols.iter()
                .find(|(c, _)| c == n)
                .map(|(_, v)| v.as_slice())
                .expect("column")
        };
        let inputs = Inputs {
            open: Some(col("open")),
            high: Some(col("high")),
            low: Some(col("low")),
            close: Some(col("close")),
            volume: Some(col("volume")),
            periods: None,
        };
        let out = compute(function, &inputs, &p).expect(function);
        for (name, want) in case["outputs"].as_object().expect("outputs") {
            let want = parse_series(want.as_str().expect("series"));
            let label = format!("{function} on {dataset} {p:?} .{name}");
            match out.get(name) {
                None => failures.push(format!("{label}: no such output")),
                Some(got) => {
                    if let Err(e) = compare_exact_inf(&label, got, &want) {
                        failures.push(e);
                    }
                }
            }
        }
        checked.insert(function.to_string());
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from TA-Lib:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    let missing: Vec<_> = FUNCTIONS
        .iter()
        .filter(|f| !checked.contains(**f))
        .collect();
    assert!(missing.is_empty(), "no edge case for {missing:?}");
}

/// Bit-for-bit equality where any NaN equals any NaN.
fn bits_equal(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn check_stream(data: &Data, sym: &str, name: &str, p: &Params) {
    let batch = compute(name, &data.inputs(), p).unwrap();
    let mut s = Stream::new(name, p).unwrap();
    let mut cols = vec![Vec::with_capacity(data.len()); batch.columns.len()];
    for i in 0..data.len() {
        let bar = data.bar(i);
        let peeked = s.peek(&bar);
        let v = s.update(&bar).to_vec();
        assert!(
            bits_equal(&peeked, &v),
            "{name} {p:?} on {sym}: peek != update at bar {i}"
        );
        for (c, x) in cols.iter_mut().zip(v) {
            c.push(x);
        }
    }
    for ((out, want), got) in batch.columns.iter().zip(&cols) {
        assert!(
            bits_equal(want, got),
            "{name} {p:?} on {sym}.{out}: stream differs from batch"
        );
    }
    // Warm-up is exactly the lookback, and there are values after it (prices are outside
    // the domain of ACOS and ASIN, so those are NaN throughout).
    let lb = lookback(name, p).unwrap();
    for (out, col) in &batch.columns {
        assert!(
            col[..lb].iter().all(|v| v.is_nan()),
            "{name}.{out}: value before the lookback {lb}"
        );
        assert!(
            matches!(name, "ACOS" | "ASIN") || col[lb..].iter().any(|v| !v.is_nan()),
            "{name}.{out} on {sym}: no value after the lookback"
        );
    }
    // reset replays from scratch.
    s.reset();
    assert_eq!(s.bars(), 0);
    for i in 0..lb + 3 {
        let v = s.update(&data.bar(i)).to_vec();
        let want: Vec<f64> = batch.columns.iter().map(|(_, c)| c[i]).collect();
        assert!(
            bits_equal(&v, &want),
            "{name} after reset, bar {i}: {v:?} vs {want:?}"
        );
    }
}

#[test]
fn stream_equals_batch_with_other_parameters() {
    for sym in ["GOOG", "EURUSD"] {
        let data = load_data(sym);
        for name in FUNCTIONS {
            check_stream(&data, sym, name, &other_params(name));
            check_stream(&data, sym, name, &Params::new());
        }
    }
}

#[test]
fn indices_are_absolute_bars_holding_the_extremes() {
    let data = load_data("GOOG");
    let p = params(&[("timeperiod", 9.0)]);
    let inputs = data.inputs();
    let max = compute("MAX", &inputs, &p).unwrap();
    let min = compute("MIN", &inputs, &p).unwrap();
    let maxi = compute("MAXINDEX", &inputs, &p).unwrap();
    let mini = compute("MININDEX", &inputs, &p).unwrap();
    let both = compute("MINMAXINDEX", &inputs, &p).unwrap();
    let minmax = compute("MINMAX", &inputs, &p).unwrap();
    assert!(bits_equal(minmax.get("max").unwrap(), max.first()));
    assert!(bits_equal(minmax.get("min").unwrap(), min.first()));
    assert!(bits_equal(both.get("maxidx").unwrap(), maxi.first()));
    assert!(bits_equal(both.get("minidx").unwrap(), mini.first()));
    for t in 8..data.len() {
        for (idx, value) in [
            (maxi.first()[t], max.first()[t]),
            (mini.first()[t], min.first()[t]),
        ] {
            assert_eq!(idx.fract(), 0.0);
            let i = idx as usize;
            assert!(i + 9 > t && i <= t, "bar {t}: index {i} outside the window");
            assert_eq!(data.close[i], value, "bar {t}");
        }
    }
}

#[test]
fn max_min_ties_and_period_edges() {
    // Ties: the index search keeps the earliest bar after a rescan and moves to a later
    // equal bar as it arrives (TA-Lib 0.8.1: MAXINDEX of [5,4,3,3,3,3,3,3,2,1,1,2], 3).
    let x = [5.0, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 1.0, 1.0, 2.0];
    let p = params(&[("timeperiod", 3.0)]);
    let maxi = compute("MAXINDEX", &Inputs::real(&x), &p).unwrap();
    let mini = compute("MININDEX", &Inputs::real(&x), &p).unwrap();
    let nan = f64::NAN;
    let want_max = [nan, nan, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 11.0];
    let want_min = [nan, nan, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 10.0];
    assert!(bits_equal(maxi.first(), &want_max), "{:?}", maxi.first());
    assert!(bits_equal(mini.first(), &want_min), "{:?}", mini.first());
    // Period bounds: 2..=100000 for the window functions, 1 allowed for VAR/BETA/CORREL.
    for name in [
        "MAX",
        "MIN",
        "SUM",
        "AVGDEV",
        "PERCENTILE",
        "PERCENTRANK",
        "TSF",
    ] {
        let err = compute(name, &Inputs::real(&x), &params(&[("timeperiod", 1.0)])).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidParameter, "{name}");
    }
    for name in ["VAR", "CORREL"] {
        let inputs = Inputs::new()
            .with(Input::Close, &x)
            .with(Input::High, &x)
            .with(Input::Low, &x);
        let out = compute(name, &inputs, &params(&[("timeperiod", 1.0)])).unwrap();
        assert!(
            out.first().iter().all(|&v| v == 0.0),
            "{name}: {:?}",
            out.first()
        );
    }
    let err = compute(
        "PERCENTILE",
        &Inputs::real(&x),
        &params(&[("percentile", 100.5)]),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidParameter);
    assert_eq!(lookback("PERCENTRANK", &Params::new()).unwrap(), 100);
    assert_eq!(
        lookback("BETA", &params(&[("timeperiod", 7.0)])).unwrap(),
        7
    );
    assert_eq!(
        lookback("CORREL", &params(&[("timeperiod", 1.0)])).unwrap(),
        0
    );
    assert_eq!(lookback("HA", &Params::new()).unwrap(), 0);
}

#[test]
fn percentile_is_nearest_rank_and_nan_windows_give_nan() {
    let x = [4.0, 1.0, 3.0, 2.0, f64::NAN, 5.0, 6.0, 7.0, 8.0];
    let p = |q: f64| params(&[("timeperiod", 4.0), ("percentile", q)]);
    let run = |q: f64| {
        compute("PERCENTILE", &Inputs::real(&x), &p(q))
            .unwrap()
            .first()
            .to_vec()
    };
    // Window [4,1,3,2] sorted 1,2,3,4: rank ceil(q*4/100).
    assert_eq!(run(0.0)[3], 1.0);
    assert_eq!(run(25.0)[3], 1.0);
    assert_eq!(run(25.1)[3], 2.0);
    assert_eq!(run(50.0)[3], 2.0);
    assert_eq!(run(75.0)[3], 3.0);
    assert_eq!(run(100.0)[3], 4.0);
    // Bars 4..=7 hold the NaN; bar 8's window [5,6,7,8] is clean again.
    let median = run(50.0);
    assert!(median[4..8].iter().all(|v| v.is_nan()), "{median:?}");
    assert_eq!(median[8], 6.0);
}

#[test]
fn pointwise_and_running_values() {
    let bar = Bar {
        open: 10.0,
        high: 12.0,
        low: 8.0,
        close: 11.0,
        volume: 0.0,
        periods: f64::NAN,
    };
    let one = |name: &str| {
        Stream::new(name, &Params::new())
            .unwrap()
            .update(&bar)
            .to_vec()
    };
    assert_eq!(one("ADD"), [20.0]);
    assert_eq!(one("SUB"), [4.0]);
    assert_eq!(one("MULT"), [96.0]);
    assert_eq!(one("DIV"), [1.5]);
    assert_eq!(one("AVGPRICE"), [10.25]);
    assert_eq!(one("MEDPRICE"), [10.0]);
    assert_eq!(one("TYPPRICE"), [31.0 / 3.0]);
    assert_eq!(one("WCLPRICE"), [10.5]);
    assert_eq!(one("HA"), [10.5, 12.0, 8.0, 10.25]);
    assert!(one("ACOS")[0].is_nan());
    assert!(one("LN")[0] > 2.39);
    let mut cum = Stream::new("CUMSUM", &Params::new()).unwrap();
    let totals: Vec<f64> = (0..4).map(|_| cum.update(&bar)[0]).collect();
    assert_eq!(totals, [11.0, 22.0, 33.0, 44.0]);
}
