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
        assert_eq!(result.time[0], 1_420_156_800_000, "2015-01-02 UTC");
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

/// Each asset's close on the aligned timestamps, forward-filled (NaN before its first bar).
fn filled_close(data: &Ohlcv, time: &[i64]) -> Vec<f64> {
    let mut j = 0;
    let mut last = f64::NAN;
    time.iter()
        .map(|t| {
            while j < data.time.len() && data.time[j] <= *t {
                last = data.close[j];
                j += 1;
            }
            last
        })
        .collect()
}

/// Row of `data` at timestamp `t`, if any.
fn row_at(data: &Ohlcv, t: i64) -> Option<usize> {
    data.time.binary_search(&t).ok()
}

/// Replays the orders: cash and value per bar must follow from them, cash never goes
/// negative, sells never exceed the position, and nothing trades where an asset has no bar.
fn check_ledger(result: &PortfolioResult, assets: &[(String, Ohlcv)], cash0: f64) {
    let n = result.time.len();
    let closes: Vec<Vec<f64>> = assets
        .iter()
        .map(|(_, d)| filled_close(d, &result.time))
        .collect();
    let index = |sym: &str| {
        assets
            .iter()
            .position(|(s, _)| s == sym)
            .expect("known asset")
    };
    let mut units = vec![0.0; assets.len()];
    let mut cash = cash0;
    let mut k = 0;
    for i in 0..n {
        while k < result.orders.len() && result.orders[k].bar == i {
            let o = &result.orders[k];
            let a = index(&o.asset);
            assert!(
                row_at(&assets[a].1, result.time[i]).is_some(),
                "order {k} on a bar {} lacks",
                o.asset
            );
            assert!(o.size > 0.0 && o.fees >= 0.0, "order {k}: {o:?}");
            match o.side {
                Side::Buy => {
                    assert_eq!(units[a], 0.0, "order {k}: buy while holding");
                    units[a] = o.size;
                    cash -= o.size * o.price + o.fees;
                }
                Side::Sell => {
                    assert!(
                        rel(units[a], o.size) <= 1e-12,
                        "order {k}: sells {} of {}",
                        o.size,
                        units[a]
                    );
                    units[a] = 0.0;
                    cash += o.size * o.price - o.fees;
                }
            }
            k += 1;
        }
        assert!(
            k == result.orders.len() || result.orders[k].bar > i,
            "orders out of bar order"
        );
        assert!(result.cash[i] >= 0.0, "bar {i}: cash {}", result.cash[i]);
        assert!(
            (cash - result.cash[i]).abs() <= 1e-9 * cash0,
            "bar {i}: cash {} vs replayed {cash}",
            result.cash[i]
        );
        let value: f64 = result.cash[i]
            + units
                .iter()
                .zip(&closes)
                .filter(|(u, _)| **u != 0.0)
                .map(|(u, c)| u * c[i])
                .sum::<f64>();
        assert!(
            rel(result.value[i], value) <= 1e-12,
            "bar {i}: value {} vs cash + positions {value}",
            result.value[i]
        );
    }
    assert_eq!(k, result.orders.len());
}

/// The basket with holes: BBB lacks every 7th bar, CCC starts 100 bars late and ends 50
/// bars early.
fn holey_basket() -> Vec<(String, Ohlcv)> {
    let mut assets = basket();
    let keep = |d: &Ohlcv, rows: Vec<usize>| {
        let pick = |c: &[f64]| rows.iter().map(|&r| c[r]).collect::<Vec<f64>>();
        Ohlcv::new(
            rows.iter().map(|&r| d.time[r]).collect(),
            pick(&d.open),
            pick(&d.high),
            pick(&d.low),
            pick(&d.close),
            pick(&d.volume),
        )
        .expect("valid")
    };
    let b = &assets[1].1;
    assets[1].1 = keep(b, (0..b.len()).filter(|r| r % 7 != 3).collect());
    let c = &assets[2].1;
    assets[2].1 = keep(c, (100..c.len() - 50).collect());
    assets
}

#[test]
fn union_alignment_trades_only_where_data_exists() {
    let assets = holey_basket();
    let config = json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "size": 0.4, "fees": 0.001, "cash": 50_000, "align": "union"});
    let union = run(&assets, config.clone());
    assert_eq!(union.time, assets[0].1.time, "AAA has every timestamp");
    assert!(
        union.orders.iter().any(|o| o.asset == "BBB")
            && union.orders.iter().any(|o| o.asset == "CCC")
    );
    check_ledger(&union, &assets, 50_000.0);

    // Signals come from each asset's own bars: the same run with each asset's own
    // vectorbt-semantics signals, given per own bar and per aligned bar, is identical.
    let own: Vec<Vec<i8>> = assets
        .iter()
        .map(|(_, d)| {
            let t = stratlab::signals::strategies::generate(
                "SmaCross",
                d,
                &json!({"n1": 10, "n2": 30}),
                stratlab::backtest::Semantics::Vectorbt,
            )
            .expect("signals");
            t.signal.iter().map(|s| s.as_i8()).collect()
        })
        .collect();
    let per_own = json!({"signals": {"AAA": own[0], "BBB": own[1], "CCC": own[2]}, "size": 0.4, "fees": 0.001, "cash": 50_000, "align": "union"});
    assert_eq!(format!("{:?}", run(&assets, per_own)), format!("{union:?}"));
    let per_aligned: Vec<Vec<i8>> = assets
        .iter()
        .zip(&own)
        .map(|((_, d), s)| {
            union
                .time
                .iter()
                .map(|t| row_at(d, *t).map_or(0, |r| s[r]))
                .collect()
        })
        .collect();
    let per_bar = json!({"signals": {"AAA": per_aligned[0], "BBB": per_aligned[1], "CCC": per_aligned[2]}, "size": 0.4, "fees": 0.001, "cash": 50_000, "align": "union"});
    assert_eq!(format!("{:?}", run(&assets, per_bar)), format!("{union:?}"));

    // Inner join on the same data: only the shared bars.
    let inner = run(
        &assets,
        json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "size": 0.4, "fees": 0.001, "cash": 50_000}),
    );
    assert!(inner
        .time
        .iter()
        .all(|t| assets.iter().all(|(_, d)| row_at(d, *t).is_some())));
    let shared = assets[0]
        .1
        .time
        .iter()
        .filter(|t| assets.iter().all(|(_, d)| row_at(d, **t).is_some()))
        .count();
    assert_eq!(inner.time.len(), shared);
    check_ledger(&inner, &assets, 50_000.0);

    // Assets with every bar: union and inner agree.
    let full = basket();
    let a = run(
        &full,
        json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "size": 0.3, "fees": 0.001, "cash": 100_000.0}),
    );
    let b = run(
        &full,
        json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "size": 0.3, "fees": 0.001, "cash": 100_000.0, "align": "union"}),
    );
    assert_eq!((a.value, a.orders), (b.value, b.orders));
}

fn tiny(days: &[i64], close: &[f64]) -> Ohlcv {
    let time = days.iter().map(|d| d * 86_400_000).collect();
    Ohlcv::new(
        time,
        close.to_vec(),
        close.to_vec(),
        close.to_vec(),
        close.to_vec(),
        vec![],
    )
    .expect("valid")
}

#[test]
fn cash_is_split_sequentially_and_exits_release_it_first() {
    // Bar 0: A and C enter with size 0.5 → A spends 500, C half of the 500 left. Bar 1: C
    // exits and B enters; B comes before C in the assets' order, yet the exit runs first,
    // so B's half includes C's proceeds. Bar 2: C has no data in the union grid, so its
    // entry signal there is not traded.
    let a = tiny(&[0, 1, 2, 3], &[10.0, 10.0, 10.0, 10.0]);
    let b = tiny(&[0, 1, 2, 3], &[5.0, 6.0, 6.0, 7.2]);
    let c = tiny(&[0, 1, 3], &[2.0, 2.0, 4.0]);
    let assets = vec![
        ("A".to_string(), a),
        ("B".to_string(), b),
        ("C".to_string(), c),
    ];
    let r = run(
        &assets,
        json!({"signals": {"A": [1, 0, 0, 0], "B": [0, 1, 0, 0], "C": [1, -1, 1, 0]}, "size": 0.5, "cash": 1000, "align": "union"}),
    );
    let got: Vec<(&str, usize, f64, Side)> = r
        .orders
        .iter()
        .map(|o| (o.asset.as_str(), o.bar, o.size * o.price, o.side))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A", 0, 500.0, Side::Buy),
            ("C", 0, 250.0, Side::Buy),
            ("C", 1, 250.0, Side::Sell),
            ("B", 1, 250.0, Side::Buy)
        ]
    );
    assert_eq!(r.cash, vec![250.0, 250.0, 250.0, 250.0]);
    for (got, want) in r.value.iter().zip([1000.0, 1000.0, 1000.0, 1050.0]) {
        assert!((got - want).abs() < 1e-9, "{:?}", r.value);
    }
    // A and B are still open: listed and counted, as vectorbt counts open trades.
    assert_eq!(r.assets[1].trades.len(), 1);
    assert_eq!(
        (
            r.assets[1].trades[0].exit_reason,
            r.assets[1].trades[0].trade.exit_price
        ),
        (ExitReason::Open, 7.2)
    );
    assert_eq!(r.assets[2].trades[0].exit_reason, ExitReason::Signal);
    assert_eq!(r.stats.trades, 3);
    assert!((r.assets[1].value[3] - 1050.0).abs() < 1e-9 && r.assets[2].value[3] == 1000.0);
    assert!((r.stats.return_pct - 5.0).abs() < 1e-9);
    // An entry with no cash left does nothing.
    let r = run(
        &assets,
        json!({"signals": {"A": [1, 0, 0, 0], "B": [1, 0, 0, 0], "C": [1, 0, 0, 0]}, "size": 1.0, "cash": 1000, "align": "union"}),
    );
    assert_eq!(r.orders.len(), 1);
    assert_eq!(r.cash[0], 0.0);
    // No signals: nothing trades, the value stays the cash.
    let r = run(
        &assets,
        json!({"signals": {"A": [0, 0, 0, 0], "B": [0, 0, 0, 0], "C": [0, 0, 0]}, "cash": 1000}),
    );
    assert!(r.orders.is_empty() && r.value.iter().all(|v| *v == 1000.0));
    assert_eq!(r.time.len(), 3, "inner join drops day 2");
}

/// Per asset: its signals on the grid (`None` where it has no bar), computed as the
/// portfolio does, on the asset's own bars that are on the grid.
fn grid_signals(
    assets: &[(String, Ohlcv)],
    time: &[i64],
    n1: usize,
    n2: usize,
) -> Vec<Vec<Option<i8>>> {
    assets
        .iter()
        .map(|(_, d)| {
            let rows: Vec<usize> = time.iter().filter_map(|t| row_at(d, *t)).collect();
            let pick = |c: &[f64]| rows.iter().map(|&r| c[r]).collect::<Vec<f64>>();
            let sub = Ohlcv::new(
                rows.iter().map(|&r| d.time[r]).collect(),
                pick(&d.open),
                pick(&d.high),
                pick(&d.low),
                pick(&d.close),
                vec![],
            )
            .expect("valid");
            let t = stratlab::signals::strategies::generate(
                "SmaCross",
                &sub,
                &json!({"n1": n1, "n2": n2}),
                stratlab::backtest::Semantics::BacktestingPy,
            )
            .expect("signals");
            let mut j = 0;
            time.iter()
                .map(|tt| {
                    row_at(d, *tt).map(|_| {
                        j += 1;
                        t.signal[j - 1].as_i8()
                    })
                })
                .collect()
        })
        .collect()
}

/// A low at or under the stop-loss (false when there is no stop: NaN).
fn stop_touched(low: f64, sl: f64) -> bool {
    low <= sl
}

/// A high at or over the take-profit (false when there is none: NaN).
fn target_touched(high: f64, tp: f64) -> bool {
    high >= tp
}

/// Checks every trade of a backtesting.py-mode run: fills at the open of the asset's bar
/// after the signal, stop levels from the signal bar's close, no stop touched before the
/// exit, and stop exits at the stop (or the open, on a gap).
fn check_next_open_trades(
    r: &PortfolioResult,
    assets: &[(String, Ohlcv)],
    sl: Option<f64>,
    tp: Option<f64>,
    signals: Option<&[Vec<Option<i8>>]>,
) -> (usize, usize) {
    let (mut stops, mut targets) = (0, 0);
    let last = r.time.len() - 1;
    for (a, (sym, d)) in assets.iter().enumerate() {
        let trades = &r.assets[a].trades;
        let row = |bar: usize| row_at(d, r.time[bar]).expect("trade on a bar the asset has");
        let prev_bar = |bar: usize| {
            (0..bar)
                .rev()
                .find(|&b| row_at(d, r.time[b]).is_some())
                .expect("a signal bar")
        };
        for (k, t) in trades.iter().enumerate() {
            let tr = &t.trade;
            assert!(
                tr.size >= 1.0 && tr.size.fract() == 0.0,
                "{sym} trade {k}: {} units",
                tr.size
            );
            assert_eq!(
                tr.entry_price,
                d.open[row(tr.entry_bar)],
                "{sym} trade {k}: entry at the open"
            );
            let signal_bar = prev_bar(tr.entry_bar);
            if let Some(s) = signals {
                assert_eq!(
                    s[a][signal_bar],
                    Some(1),
                    "{sym} trade {k}: entry without a BUY at bar {signal_bar}"
                );
            }
            let c = d.close[row(signal_bar)];
            let want_sl = sl.map_or(f64::NAN, |f| c * (1.0 - f));
            let want_tp = tp.map_or(f64::NAN, |f| c * (1.0 + f));
            assert!(
                rel(t.sl, want_sl) <= 1e-15 || (t.sl.is_nan() && want_sl.is_nan()),
                "{sym} trade {k}: SL {} vs {want_sl}",
                t.sl
            );
            assert!(
                rel(t.tp, want_tp) <= 1e-15 || (t.tp.is_nan() && want_tp.is_nan()),
                "{sym} trade {k}: TP {} vs {want_tp}",
                t.tp
            );
            if k > 0 {
                assert!(
                    tr.entry_bar > trades[k - 1].trade.exit_bar,
                    "{sym}: overlapping trades"
                );
            }
            // No stop or target touched before the exit bar.
            for b in tr.entry_bar..tr.exit_bar {
                if let Some(rr) = row_at(d, r.time[b]) {
                    assert!(
                        !stop_touched(d.low[rr], t.sl) && !target_touched(d.high[rr], t.tp),
                        "{sym} trade {k}: a stop was touched at bar {b} but the exit is at {}",
                        tr.exit_bar
                    );
                }
            }
            let x = row(tr.exit_bar);
            let (open, high, low) = (d.open[x], d.high[x], d.low[x]);
            match t.exit_reason {
                ExitReason::Signal => {
                    assert_eq!(
                        tr.exit_price, open,
                        "{sym} trade {k}: signal exits fill at the open"
                    );
                    if let Some(s) = signals {
                        assert_eq!(
                            s[a][prev_bar(tr.exit_bar)],
                            Some(-1),
                            "{sym} trade {k}: exit without a SELL"
                        );
                    }
                }
                ExitReason::StopLoss => {
                    stops += 1;
                    let gap = open <= t.sl && tr.exit_price == open;
                    let touch = open > t.sl && low <= t.sl && tr.exit_price == t.sl;
                    assert!(
                        gap || touch,
                        "{sym} trade {k}: stop {} exit {} bar o={open} l={low}",
                        t.sl,
                        tr.exit_price
                    );
                }
                ExitReason::TakeProfit => {
                    targets += 1;
                    let gap = open >= t.tp && tr.exit_price == open;
                    // Inside the bar the stop-loss is assumed first, so it was not touched.
                    let touch = open < t.tp
                        && high >= t.tp
                        && !stop_touched(low, t.sl)
                        && tr.exit_price == t.tp;
                    assert!(
                        gap || touch,
                        "{sym} trade {k}: target {} exit {} bar o={open} h={high} l={low}",
                        t.tp,
                        tr.exit_price
                    );
                }
                ExitReason::Open => {
                    assert_eq!(
                        (k, tr.exit_bar),
                        (trades.len() - 1, last),
                        "{sym}: only the last trade may be open"
                    );
                }
            }
        }
    }
    let closed = r
        .assets
        .iter()
        .flat_map(|a| &a.trades)
        .filter(|t| t.exit_reason != ExitReason::Open)
        .count();
    assert_eq!(
        r.stats.trades, closed,
        "backtesting.py counts closed trades only"
    );
    (stops, targets)
}

#[test]
fn backtesting_py_mode_properties() {
    let cases = [
        (0.3, 0.001, Some(0.03), Some(0.06)),
        (1.0, 0.0, Some(0.02), Some(0.1)),
        (0.5, 0.002, None, Some(0.04)),
        (0.7, 0.0005, Some(0.05), None),
        (0.9, 0.001, None, None),
    ];
    let (mut stops, mut targets) = (0, 0);
    for (assets, align) in [(basket(), "inner"), (holey_basket(), "union")] {
        for (size, fees, sl, tp) in cases {
            let cash = 100_000.0;
            let config = json!({"strategy": "SmaCross", "n1": 10, "n2": 30, "mode": "backtesting.py", "size": size, "fees": fees, "cash": cash, "sl": sl, "tp": tp, "align": align});
            let r = run(&assets, config.clone());
            assert_eq!(r.mode, Mode::BacktestingPy);
            assert!(r.orders.len() > 20, "{config}: {} orders", r.orders.len());
            check_ledger(&r, &assets, cash);
            let signals = grid_signals(&assets, &r.time, 10, 30);
            let (s, t) = check_next_open_trades(&r, &assets, sl, tp, Some(&signals));
            stops += s;
            targets += t;
            if sl.is_none() && tp.is_none() {
                assert_eq!((s, t), (0, 0));
            }
        }
    }
    assert!(
        stops > 20 && targets > 20,
        "the cases exercise stops ({stops}) and targets ({targets})"
    );
}

#[test]
fn backtesting_py_mode_random_signals() {
    // Deterministic pseudo-random signals (an LCG): dense BUY/SELL traffic on every asset.
    let assets = holey_basket();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    for round in 0..6 {
        let mut signals = serde_json::Map::new();
        for (sym, d) in &assets {
            let s: Vec<i8> = (0..d.len())
                .map(|_| match next() % 10 {
                    0 => 1,
                    1 => -1,
                    _ => 0,
                })
                .collect();
            signals.insert(sym.clone(), json!(s));
        }
        let size = [0.2, 0.5, 1.0, 0.35, 0.8, 0.05][round];
        let (sl, tp) = if round % 2 == 0 {
            (Some(0.01), Some(0.015))
        } else {
            (None, Some(0.02))
        };
        let align = if round < 3 { "union" } else { "inner" };
        let config = json!({"signals": signals, "mode": "backtesting.py", "size": size, "fees": 0.001, "cash": 25_000, "sl": sl, "tp": tp, "align": align});
        let r = run(&assets, config);
        assert!(
            r.orders.len() > 100,
            "round {round}: {} orders",
            r.orders.len()
        );
        check_ledger(&r, &assets, 25_000.0);
        check_next_open_trades(&r, &assets, sl, tp, None);
    }
}

#[test]
fn bad_input_is_a_typed_error_naming_the_field() {
    let assets = basket();
    let err = |assets: &[(String, Ohlcv)], config: Value| {
        let e = portfolio::portfolio_request(&refs(assets), &config).expect_err("must fail");
        (
            e.code.as_str().to_string(),
            e.detail("field")
                .and_then(|f| f.as_str())
                .unwrap_or_default()
                .to_string(),
        )
    };
    let sma = |extra: Value| {
        let mut m = extra.as_object().cloned().unwrap_or_default();
        m.insert("strategy".into(), json!("SmaCross"));
        Value::Object(m)
    };
    let e = |code: &str, field: &str| (code.to_string(), field.to_string());
    assert_eq!(
        err(&assets, sma(json!({"sise": 0.5}))),
        e("INVALID_PARAMETER", "sise")
    );
    for size in [0.0, -0.5, 1.5] {
        assert_eq!(
            err(&assets, sma(json!({"size": size}))),
            e("INVALID_PARAMETER", "size"),
            "size {size}"
        );
    }
    assert_eq!(
        err(&assets, sma(json!({"fees": -0.01}))),
        e("INVALID_PARAMETER", "fees")
    );
    assert_eq!(
        err(&assets, sma(json!({"sl": 0.05}))),
        e("INVALID_PARAMETER", "sl")
    );
    assert_eq!(
        err(&assets, sma(json!({"mode": "backtesting.py", "sl": 1.0}))),
        e("INVALID_PARAMETER", "sl")
    );
    assert_eq!(
        err(&assets, sma(json!({"mode": "backtesting.py", "tp": 0}))),
        e("INVALID_PARAMETER", "tp")
    );
    assert_eq!(
        err(&assets, sma(json!({"align": "outer join"}))),
        e("INVALID_PARAMETER", "align")
    );
    assert_eq!(err(&assets, sma(json!({"n1": 0}))).0, "INVALID_PARAMETER");
    assert_eq!(
        err(&assets, json!({"strategy": "Turtle"})).0,
        "INVALID_STRATEGY"
    );
    assert_eq!(
        err(
            &assets,
            json!({"rules": {"entry": "close > sma(close, 10)"}})
        ),
        e("INVALID_PARAMETER", "rules")
    );
    assert_eq!(
        err(&assets, json!({"cash": 100})),
        e("INVALID_INPUT", "strategy")
    );
    // Signals: one entry per asset, each of a valid length.
    let s = |n: usize| json!(vec![0; n]);
    assert_eq!(
        err(
            &assets,
            json!({"signals": {"AAA": s(2000), "BBB": s(1999), "CCC": s(2000)}})
        ),
        e("INVALID_INPUT", "signals.BBB")
    );
    assert_eq!(
        err(
            &assets,
            json!({"signals": {"AAA": s(2000), "BBB": s(2000)}})
        ),
        e("INVALID_INPUT", "signals.CCC")
    );
    assert_eq!(
        err(
            &assets,
            json!({"signals": {"AAA": s(2000), "BBB": s(2000), "CCC": s(2000), "DDD": s(2000)}})
        ),
        e("INVALID_INPUT", "signals.DDD")
    );
    assert_eq!(
        err(
            &assets,
            json!({"signals": {"AAA": s(2000), "BBB": [0, 2], "CCC": s(2000)}})
        ),
        e("INVALID_INPUT", "signals.BBB")
    );
    // Assets: none, too many, twice, no shared timestamp, malformed.
    assert_eq!(err(&[], sma(json!({}))), e("INVALID_INPUT", "assets"));
    let one = tiny(&[0, 1], &[1.0, 2.0]);
    let many: Vec<(String, Ohlcv)> = (0..=portfolio::MAX_ASSETS)
        .map(|i| (format!("S{i}"), one.clone()))
        .collect();
    let (code, field) = err(&many, sma(json!({})));
    assert_eq!(
        (code.as_str(), field.as_str()),
        ("RESOURCE_LIMIT", "assets")
    );
    let twice = vec![
        ("X".to_string(), one.clone()),
        ("X".to_string(), one.clone()),
    ];
    assert_eq!(err(&twice, sma(json!({}))), e("INVALID_INPUT", "assets.X"));
    let apart = vec![
        ("X".to_string(), one.clone()),
        ("Y".to_string(), tiny(&[5, 6], &[1.0, 2.0])),
    ];
    assert_eq!(err(&apart, sma(json!({}))), e("INVALID_INPUT", "assets"));
    assert!(portfolio::portfolio_request(&refs(&apart), &sma(json!({"align": "union"}))).is_ok());
    let mut ragged = one.clone();
    ragged.close.pop();
    assert_eq!(
        err(&[("R".to_string(), ragged)], sma(json!({}))),
        e("INVALID_INPUT", "assets.R")
    );
    let mut zero = one.clone();
    zero.open[1] = 0.0;
    assert_eq!(
        err(
            &[("Z".to_string(), zero)],
            sma(json!({"mode": "backtesting.py"}))
        ),
        e("INVALID_INPUT", "assets.Z")
    );
    let mut unsorted = one.clone();
    unsorted.time.reverse();
    assert_eq!(
        err(&[("U".to_string(), unsorted)], sma(json!({}))),
        e("INVALID_INPUT", "assets.U")
    );
}
