//! Golden tests: every bar of every column of TA-Lib 0.8.1's reference outputs on GOOG and
//! EURUSD, plus streaming on the same data.

mod indicators_common;

use indicators_common::*;
use stratlab::indicators::{compute, lookback, Stream};

fn check_symbol(sym: &str) {
    let data = load_data(sym);
    let reference = load_reference(sym);
    let spec = load_spec();
    assert_eq!(spec.len(), 42, "spec.json lists 42 indicators");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, func, params, outputs) in &spec {
        let out = match compute(func, &data.inputs(), params) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let names: Vec<&str> = out.names().collect();
        assert_eq!(
            names,
            outputs.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "{id}: output names"
        );
        let lb = lookback(func, params).expect("lookback");
        for name in outputs {
            let key = format!("{id}.{name}");
            let want = &reference
                .iter()
                .find(|(k, _)| *k == key)
                .unwrap_or_else(|| panic!("no column {key}"))
                .1;
            let got = out.get(name).expect("output");
            if let Err(msg) = compare(&format!("{sym} {key}"), got, want) {
                failures.push(msg);
            }
            // TA-Lib's first value sits exactly at the lookback.
            let first = want.iter().position(|v| !v.is_nan());
            assert_eq!(first, Some(lb), "{sym} {key}: lookback");
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, reference.len(), "every reference column checked");
}

#[test]
fn golden_goog() {
    check_symbol("GOOG");
}

#[test]
fn golden_eurusd() {
    check_symbol("EURUSD");
}

/// Streaming the real data bar by bar reproduces the golden columns too.
#[test]
fn golden_streaming_goog() {
    let data = load_data("GOOG");
    let reference = load_reference("GOOG");
    for (id, func, params, outputs) in load_spec() {
        let mut s = Stream::new(&func, &params).expect("stream");
        let mut cols = vec![Vec::with_capacity(data.len()); outputs.len()];
        for i in 0..data.len() {
            let v = s.update(&data.bar(i));
            for (c, x) in cols.iter_mut().zip(v) {
                c.push(*x);
            }
        }
        for (name, got) in outputs.iter().zip(&cols) {
            let key = format!("{id}.{name}");
            let want = &reference.iter().find(|(k, _)| *k == key).unwrap().1;
            compare(&format!("stream GOOG {key}"), got, want).unwrap();
        }
    }
}
