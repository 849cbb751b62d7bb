//! Multi-asset portfolios: vectorbt 1.2.0's `Portfolio.from_signals(cash_sharing=True,
//! call_seq='auto')` reproduced exactly on the synthetic basket, union alignment, the
//! backtesting.py mode's invariants, and typed errors.

mod common;

use serde_json::{json, Value};
use stratlab::backtest::portfolio::{self, ExitReason, Mode, PortfolioResult, Side};
use stratlab::series::Ohlcv;

fn basket() -> Vec<(String, Ohlcv)> {
    ["AAA", "BBB", "CCC"]
        .iter()
        .map(|s| (s.to_string(), common::load_ohlcv(&format!("basket/{s}"))))
        .collect()
}

fn refs(assets: &[(String, Ohlcv)]) -> Vec<(&str, &Ohlcv)> {
    assets.iter().map(|(s, d)| (s.as_str(), d)).collect()
}

fn run(assets: &[(String, Ohlcv)], config: Value) -> PortfolioResult {
    portfolio::portfolio_request(&refs(assets), &config).unwrap_or_else(|e| panic!("{config}: {e}"))
}

fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs())
    }
}

#[test]
fn reference_basket_matches_vectorbt() {
    let reference = common::read_json("reference/portfolio/basket_10_30.json");
    let assets = basket();
    let aligned = reference["aligned_bars"].as_u64().expect("aligned_bars") as usize;
    let runs = reference["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 3);
    for r in runs {
        let config = r["config"].clone();
        let result = run(&assets, config.clone());
        assert_eq!(result.time.len(), aligned);
        let want_total = r["total_return"].as_f64().expect("total_return");
        assert!(
            rel(result.total_return(), want_total) <= 1e-9,
            "{config}: total return {} vs {want_total}",
            result.total_return()
        );
        assert!(rel(result.stats.return_pct, want_total * 100.0) <= 1e-9);
        let value = r["value"].as_array().expect("value");
        assert_eq!(result.value.len(), value.len());
        for (i, (got, want)) in result.value.iter().zip(value).enumerate() {
            let want = want.as_f64().expect("number");
            assert!(
                rel(*got, want) <= 1e-9,
                "{config}: value[{i}] {got} vs {want}"
            );
        }
        let orders = r["orders"].as_array().expect("orders");
        assert_eq!(result.orders.len(), orders.len(), "{config}: order count");
        for (k, (got, want)) in result.orders.iter().zip(orders).enumerate() {
            let side = if got.side == Side::Buy { "Buy" } else { "Sell" };
            assert_eq!(
                (got.asset.as_str(), got.bar, side),
                (
                    want["asset"].as_str().expect("asset"),
                    want["bar"].as_u64().expect("bar") as usize,
                    want["side"].as_str().expect("side")
                ),
                "{config}: order {k}"
            );
            for (name, g) in [("size", got.size), ("price", got.price), ("fees", got.fees)] {
                let w = want[name].as_f64().expect(name);
                // Fees of 0 are exactly 0.
                assert!(rel(g, w) <= 1e-9, "{config}: order {k} {name} {g} vs {w}");
            }
        }
        // Every order belongs to a trade and per-asset profits add up to the portfolio's.
        let trades: usize = result.assets.iter().map(|a| a.trades.len()).sum();
        let buys = result.orders.iter().filter(|o| o.side == Side::Buy).count();
        assert_eq!(trades, buys);
        let n = result.value.len();
        let cash = config["cash"].as_f64().expect("cash");
        for i in [0, n / 2, n - 1] {
            let sum: f64 = result.assets.iter().map(|a| a.value[i] - cash).sum();
            assert!(
                (sum - (result.value[i] - cash)).abs() <= 1e-6 * cash,
                "bar {i}: {sum} vs {}",
                result.value[i] - cash
            );
        }
        assert_eq!(result.stats.trades, trades);
    }
}
