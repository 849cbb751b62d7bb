//! vectorbt golden grids: every combination's total return (1e-9 relative) and trade count.

mod common;
use common::*;
use stratlab::backtest::{evaluate, ma, vectorbt, BacktestConfig, BacktestContext, Semantics, Workspace};

fn check(file: &str, full_engine_every: usize) {
    let golden = read_json(&format!("reference/vectorbt/{file}.json"));
    let cfg = &golden["config"];
    let data = load_ohlcv(cfg["data"].as_str().expect("data").trim_end_matches(".csv"));
    let fees = cfg["fees"].as_f64().expect("fees");
    let cash = cfg["init_cash"].as_f64().expect("init_cash");
    let combos = golden["combos"].as_array().expect("combos");
    assert!(!combos.is_empty());
    let bt_cfg = BacktestConfig { semantics: Semantics::Vectorbt, cash, commission: fees, ..BacktestConfig::default() };
    let ctx = BacktestContext::new(&data).expect("context");
    let mut ws = Workspace::default();
    let mut bad = Vec::new();
    for (k, c) in combos.iter().enumerate() {
        let (f, s) = (c["fast"].as_u64().expect("fast") as usize, c["slow"].as_u64().expect("slow") as usize);
        let want = c["total_return"].as_f64().expect("total_return");
        let want_trades = c["trades"].as_u64().expect("trades") as usize;
        let fast = ma::vectorbt_rolling_mean(&data.close, f);
        let slow = ma::vectorbt_rolling_mean(&data.close, s);
        let (got, trades) = vectorbt::cross_total_return(&data.close, &fast, &slow, fees, cash);
        if !close_rel(got, want, 1e-9) || trades != want_trades {
            bad.push(format!("fast {f} slow {s}: return {got} vs {want}, trades {trades} vs {want_trades}"));
        }
        if k % full_engine_every == 0 {
            // The full engine (equity curve, trades, stats) agrees with the kernel.
            let stats = evaluate(&ctx, &mut ws, &mut vectorbt::VbtCross::new(&fast, &slow), &bt_cfg).expect("evaluate");
            assert!(close_rel(stats.return_pct, want * 100.0, 1e-9), "{file} {f}/{s}: engine {} vs {}", stats.return_pct, want * 100.0);
            assert_eq!(stats.trades, want_trades, "{file} {f}/{s}: engine trade count");
            assert_eq!(ws.equity().len(), data.len());
        }
    }
    assert!(bad.is_empty(), "{file}: {} of {} combos differ:\n{}", bad.len(), combos.len(), bad.join("\n"));
}

#[test]
fn goog_grid_matches_vectorbt() {
    check("GOOG_smacross", 1);
}

#[test]
fn synth_100k_grid_matches_vectorbt() {
    check("SYNTH_100K_smacross", 25);
}
