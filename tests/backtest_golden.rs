//! backtesting.py 0.6.6 golden runs (SmaCross long/short reversal): every stat, trade and
//! equity/drawdown value must match tests/fixtures/shared/reference/backtest/.

mod common;
use common::*;
use stratlab::backtest::{ma, run_with, BacktestConfig, BacktestContext, BacktestResult, Crossover};

fn smacross(name: &str, n1: usize, n2: usize, cash: f64, commission: f64) -> BacktestResult {
    let data = load_ohlcv(name);
    let fast = ma::pandas_rolling_mean(&data.close, n1);
    let slow = ma::pandas_rolling_mean(&data.close, n2);
    let cfg = BacktestConfig { cash, commission, finalize_trades: true, ..BacktestConfig::default() };
    let ctx = BacktestContext::new(&data).expect("context");
    run_with(&ctx, &mut Crossover::new(&fast, &slow), &cfg).expect("backtest")
}

fn check(file: &str) {
    let golden = read_json(&format!("reference/backtest/{file}.stats.json"));
    let cfg = &golden["config"];
    let data_name = cfg["data"].as_str().expect("data").trim_end_matches(".csv");
    let res = smacross(
        data_name,
        cfg["n1"].as_u64().expect("n1") as usize,
        cfg["n2"].as_u64().expect("n2") as usize,
        cfg["cash"].as_f64().expect("cash"),
        cfg["commission"].as_f64().expect("commission"),
    );
    let ours = serde_json::to_value(res.stats).expect("stats json");
    let mut bad = Vec::new();
    for (key, want) in golden["stats"].as_object().expect("stats") {
        let got = &ours[key];
        let ok = match want {
            serde_json::Value::String(s) => got.as_str() == Some(s.as_str()),
            serde_json::Value::Null => got.is_null(),
            w => {
                let (w, g) = (w.as_f64().expect("number"), got.as_f64().unwrap_or(f64::NAN));
                close_rel(g, w, 1e-6)
            }
        };
        if !ok {
            bad.push(format!("{key}: got {got}, want {want}"));
        }
    }
    assert!(bad.is_empty(), "{file} stats differ:\n{}", bad.join("\n"));

    // Trades: every column.
    let mut rdr = csv::Reader::from_path(shared(&format!("reference/backtest/{file}.trades.csv"))).expect("trades");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(res.trades.len(), rows.len(), "{file}: trade count");
    for (i, (t, r)) in res.trades.iter().zip(&rows).enumerate() {
        let f = |k: usize| r[k].parse::<f64>().expect("number");
        assert_eq!(t.size, f(0), "{file} trade {i} size");
        assert_eq!(t.entry_bar, f(1) as usize, "{file} trade {i} entry bar");
        assert_eq!(t.exit_bar, f(2) as usize, "{file} trade {i} exit bar");
        for (name, got, want) in [
            ("entry price", t.entry_price, f(3)),
            ("exit price", t.exit_price, f(4)),
            ("pnl", t.pnl, f(5)),
            ("return", t.return_pct, f(6)),
            ("commission", t.commission, f(9)),
        ] {
            assert!(close_rel(got, want, 1e-8) || (got - want).abs() < 1e-9, "{file} trade {i} {name}: {got} vs {want}");
        }
        assert_eq!(t.entry_time, parse_time(&r[7]), "{file} trade {i} entry time");
        assert_eq!(t.exit_time, parse_time(&r[8]), "{file} trade {i} exit time");
    }

    // Equity and drawdown per bar (the CSV keeps 10 significant digits).
    let mut rdr = csv::Reader::from_path(shared(&format!("reference/backtest/{file}.equity.csv"))).expect("equity");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), res.equity.len(), "{file}: equity length");
    for (i, r) in rows.iter().enumerate() {
        let (e, d) = (r[1].parse::<f64>().expect("equity"), r[2].parse::<f64>().expect("dd"));
        assert!(close_rel(res.equity[i], e, 1e-9), "{file} equity[{i}]: {} vs {e}", res.equity[i]);
        assert!((res.drawdown[i] - d).abs() < 1e-9, "{file} drawdown[{i}]: {} vs {d}", res.drawdown[i]);
    }
}

#[test]
fn goog_smacross_10_20_matches_backtesting_py() {
    check("GOOG_smacross_10_20");
}

#[test]
fn eurusd_smacross_20_60_matches_backtesting_py() {
    check("EURUSD_smacross_20_60");
}

/// backtesting.py's `Backtest.optimize` heatmaps on GOOG: every combination's Sharpe Ratio and
/// Equity Final [$], through the allocation-free `evaluate` path.
#[test]
fn goog_optimize_heatmaps_match_backtesting_py() {
    use stratlab::backtest::{evaluate, Workspace};
    let golden = read_json("reference/backtest/GOOG_smacross_10_20.optimize.json");
    let cfg = &golden["config"];
    let data = load_ohlcv("GOOG");
    let bt = BacktestConfig {
        cash: cfg["cash"].as_f64().expect("cash"),
        commission: cfg["commission"].as_f64().expect("commission"),
        finalize_trades: true,
        ..BacktestConfig::default()
    };
    let ctx = BacktestContext::new(&data).expect("context");
    let mut ws = Workspace::default();
    let mut checked = 0;
    for run in golden["runs"].as_array().expect("runs") {
        let key = run["maximize"].as_str().expect("maximize");
        for cell in run["grid"].as_array().expect("grid") {
            let (n1, n2) = (cell["n1"].as_u64().expect("n1") as usize, cell["n2"].as_u64().expect("n2") as usize);
            let fast = ma::pandas_rolling_mean(&data.close, n1);
            let slow = ma::pandas_rolling_mean(&data.close, n2);
            let stats = evaluate(&ctx, &mut ws, &mut Crossover::new(&fast, &slow), &bt).expect("evaluate");
            let got = stats.get(key).expect("known key");
            let want = cell["value"].as_f64().unwrap_or(f64::NAN);
            assert!(close_rel(got, want, 1e-6), "{key} n1={n1} n2={n2}: {got} vs {want}");
            checked += 1;
        }
    }
    assert_eq!(checked, 100);
}

/// The strategy registry's SmaCross (pandas-style SMAs, backtesting.py crossover) through
/// `backtest::run` gives the golden GOOG result, and the vectorbt flavour the vectorbt one.
#[test]
fn registry_smacross_reproduces_both_goldens() {
    use serde_json::json;
    use stratlab::backtest::{run, Semantics};
    use stratlab::signals::strategies;
    let data = load_ohlcv("GOOG");
    let golden = read_json("reference/backtest/GOOG_smacross_10_20.stats.json");
    let table = strategies::generate("MovingAverageCrossover", &data, &json!({"n1": 10, "n2": 20}), Semantics::BacktestingPy)
        .expect("signals");
    assert_eq!(table.warmup, 19);
    let cfg = BacktestConfig::from_json(&json!({"cash": 10000, "commission": 0.002, "finalizeTrades": true}), &[]).expect("cfg");
    let res = run(&data, &table.to_series(), &cfg).expect("run");
    for key in ["Return [%]", "Sharpe Ratio", "SQN", "Buy & Hold Return [%]"] {
        let want = golden["stats"][key].as_f64().expect("number");
        assert!(close_rel(res.stats.get(key).expect("key"), want, 1e-9), "{key}");
    }
    assert_eq!(res.stats.trades, 94);

    let vbt = read_json("reference/vectorbt/GOOG_smacross.json");
    let best = &vbt["best"];
    let table = strategies::generate(
        "SmaCross",
        &data,
        &json!({"n1": best["fast"], "n2": best["slow"]}),
        Semantics::Vectorbt,
    )
    .expect("signals");
    let cfg = BacktestConfig::from_json(&json!({"semantics": "vectorbt", "init_cash": 100, "fees": 0.002}), &[]).expect("cfg");
    let res = run(&data, &table.to_series(), &cfg).expect("run");
    let want = best["total_return"].as_f64().expect("total_return") * 100.0;
    assert!(close_rel(res.stats.return_pct, want, 1e-9), "{} vs {want}", res.stats.return_pct);
    assert_eq!(res.stats.trades as u64, best["trades"].as_u64().expect("trades"));
}

/// `risk_free_rate` (backtesting.py `compute_stats(..., risk_free_rate=0.02)` on the GOOG run).
#[test]
fn risk_free_rate_matches_backtesting_py() {
    let data = load_ohlcv("GOOG");
    let fast = ma::pandas_rolling_mean(&data.close, 10);
    let slow = ma::pandas_rolling_mean(&data.close, 20);
    let cfg = BacktestConfig { commission: 0.002, finalize_trades: true, risk_free_rate: 0.02, ..BacktestConfig::default() };
    let ctx = BacktestContext::new(&data).expect("context");
    let s = run_with(&ctx, &mut Crossover::new(&fast, &slow), &cfg).expect("backtest").stats;
    for (key, want) in [("Sharpe Ratio", 0.5433298280303062), ("Sortino Ratio", 1.034122979343239), ("Alpha [%]", 441.81015240336296)] {
        let got = s.get(key).expect("key");
        assert!(close_rel(got, want, 1e-9), "{key}: {got} vs {want}");
    }
}
