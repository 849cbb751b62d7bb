//! Order options (direction, size, sl, tp, limit, trailing_sl, repeat, intrabar): the
//! backtesting.py 0.6.6 reference sets (`reference/backtest/*.orders.json`, 12 configurations
//! each), hand-built bars for every fill rule and intrabar model, properties of fractional
//! sizing, and typed errors for bad options.

mod common;
use common::*;
use serde_json::{json, Value};
use stratlab::backtest::{BacktestResult, ExitReason, Trade};
use stratlab::series::Ohlcv;
use stratlab::signals::strategies::backtest_request;

// ---------------------------------------------------------------- reference sets

fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("f64"),
        // The generator writes a missing SL/TP as the string "None".
        _ => f64::NAN,
    }
}

fn check_reference(file: &str, data_name: &str) {
    let golden = read_json(&format!("reference/backtest/{file}.orders.json"));
    let data = load_ohlcv(data_name);
    let cases = golden["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 12, "{file}: twelve configurations");
    let mut bad = Vec::new();
    for (c, case) in cases.iter().enumerate() {
        let config = &case["config"];
        let res = backtest_request(&data, config).unwrap_or_else(|e| panic!("{file} case {c} {config}: {e:?}"));
        let ours = serde_json::to_value(&res.stats).expect("stats json");
        for (key, want) in case["stats"].as_object().expect("stats") {
            let got = &ours[key];
            let ok = match want {
                Value::String(s) => got.as_str() == Some(s.as_str()),
                Value::Null => got.is_null() || got.as_f64().is_some_and(f64::is_nan),
                w => close_rel(got.as_f64().unwrap_or(f64::NAN), number(w), 1e-6),
            };
            if !ok {
                bad.push(format!("case {c} {config}: {key}: got {got}, want {want}"));
            }
        }
        let want_trades = case["trades"].as_array().expect("trades");
        if res.trades.len() != want_trades.len() {
            bad.push(format!("case {c} {config}: {} trades, want {}", res.trades.len(), want_trades.len()));
            continue;
        }
        for (k, (t, w)) in res.trades.iter().zip(want_trades).enumerate() {
            let fields = [
                ("Size", t.size),
                ("EntryBar", t.entry_bar as f64),
                ("ExitBar", t.exit_bar as f64),
                ("EntryPrice", t.entry_price),
                ("ExitPrice", t.exit_price),
                ("PnL", t.pnl),
                ("SL", t.sl.unwrap_or(f64::NAN)),
                ("TP", t.tp.unwrap_or(f64::NAN)),
                ("Commission", t.commission),
            ];
            for (name, got) in fields {
                let want = number(&w[name]);
                if !(close_rel(got, want, 1e-9) || (got - want).abs() < 1e-9) {
                    bad.push(format!("case {c} {config}: trade {k} {name}: got {got}, want {want}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{file}: {} mismatches:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn goog_orders_match_backtesting_py() {
    check_reference("GOOG_smacross_10_20", "GOOG");
}

#[test]
fn eurusd_orders_match_backtesting_py() {
    check_reference("EURUSD_smacross_20_60", "EURUSD");
}
