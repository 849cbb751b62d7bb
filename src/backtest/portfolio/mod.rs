//! Multi-asset portfolios with one cash pool.
//!
//! `portfolio(assets, config)` runs one strategy (or explicit signals) on several assets
//! that draw on a single cash balance:
//! - [`Mode::Vectorbt`] (default) reproduces vectorbt `Portfolio.from_signals` with
//!   `cash_sharing=True, call_seq='auto', size_type='percent'` ([`from_signals`]);
//! - [`Mode::BacktestingPy`] applies backtesting.py's broker rules (next-open fills, whole
//!   units, stop-loss / take-profit) to many assets ([`next_open`]).
//!
//! The assets are first aligned on a common bar grid ([`align::Grid`]); signals come from
//! each asset's own bars on that grid, so a union grid never feeds forward-filled prices to
//! an indicator. Statistics use backtesting.py's keys on the portfolio's value curve, with
//! an equal-weight buy-and-hold basket of the assets as the market (Buy & Hold, Beta,
//! Alpha). Per asset, the value curve is the initial cash plus that asset's own profit.

pub mod align;
mod book;
pub mod config;
mod from_signals;
mod next_open;

pub use config::{Align, Mode, PortfolioConfig, SignalPlan, MAX_ASSETS, MAX_CELLS};

use super::stats::{self, Stats, StatsContext};
use super::{Semantics, Trade};
use crate::series::Ohlcv;
use crate::signals::strategies;
use crate::signals::Signal;
use crate::{Error, Result};
use align::Grid;
use book::Book;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// Order side, spelled as vectorbt's `orders.records_readable` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Side {
    Buy,
    Sell,
}

/// One executed order. `bar` indexes the aligned grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Order {
    pub asset: String,
    pub bar: usize,
    /// Units (always positive; `side` gives the direction).
    pub size: f64,
    pub price: f64,
    pub fees: f64,
    pub side: Side,
}

/// Why a trade ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    Signal,
    StopLoss,
    TakeProfit,
    /// Still open after the last bar: marked at the last close, no exit fee.
    Open,
}

impl ExitReason {
    /// The single-asset backtest's reason (`Open` is its `End`: still open when data ran out).
    pub fn as_trade_reason(self) -> crate::backtest::ExitReason {
        match self {
            ExitReason::Signal => crate::backtest::ExitReason::Signal,
            ExitReason::StopLoss => crate::backtest::ExitReason::StopLoss,
            ExitReason::TakeProfit => crate::backtest::ExitReason::TakeProfit,
            ExitReason::Open => crate::backtest::ExitReason::End,
        }
    }
}

/// A trade of one asset: backtesting.py's trade columns plus its stop levels and exit
/// reason. Bars index the aligned grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PortfolioTrade {
    #[serde(flatten)]
    pub trade: Trade,
    /// Stop-loss price; NaN when none (serialized through `trade.SL`).
    #[serde(skip)]
    pub sl: f64,
    /// Take-profit price; NaN when none (serialized through `trade.TP`).
    #[serde(skip)]
    pub tp: f64,
    /// Also serialized through `trade.ExitReason` (`end` for a trade still open).
    #[serde(skip)]
    pub exit_reason: ExitReason,
}

/// One asset's share of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetResult {
    pub symbol: String,
    /// Statistics of `value` against the asset's own buy-and-hold.
    pub stats: Stats,
    pub trades: Vec<PortfolioTrade>,
    /// Initial cash plus this asset's profit (realized, and the open trade at the close),
    /// per aligned bar.
    pub value: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioResult {
    pub mode: Mode,
    pub align: Align,
    /// Aligned timestamps (ms since the epoch).
    pub time: Vec<i64>,
    /// Cash plus every position at its close, per aligned bar.
    pub value: Vec<f64>,
    /// The shared cash balance after each bar's fills.
    pub cash: Vec<f64>,
    pub stats: Stats,
    /// Every fill, in execution order.
    pub orders: Vec<Order>,
    /// In the order the assets were given.
    pub assets: Vec<AssetResult>,
}

impl PortfolioResult {
    /// vectorbt's `total_return`: final value over initial cash, minus one.
    pub fn total_return(&self) -> f64 {
        self.stats.return_pct / 100.0
    }
}

/// `portfolio(assets, config)` with a JSON config (see [`PortfolioConfig::from_json`]).
pub fn portfolio_request(assets: &[(&str, &Ohlcv)], request: &Value) -> Result<PortfolioResult> {
    check_assets(assets)?;
    let symbols: Vec<&str> = assets.iter().map(|(s, _)| *s).collect();
    let cfg = PortfolioConfig::from_json(request, &symbols)?;
    run(assets, &cfg)
}

/// Runs a portfolio over `(symbol, data)` pairs, in that order.
pub fn run(assets: &[(&str, &Ohlcv)], cfg: &PortfolioConfig) -> Result<PortfolioResult> {
    check_assets(assets)?;
    cfg.validate()?;
    let grid = Grid::build(assets, cfg.align)?;
    let semantics = match cfg.mode {
        Mode::Vectorbt => Semantics::Vectorbt,
        Mode::BacktestingPy => Semantics::BacktestingPy,
    };
    let signals = grid_signals(&grid, assets, &cfg.signals, semantics)?;
    let data: Vec<&Ohlcv> = assets.iter().map(|(_, d)| *d).collect();
    let mut book = Book::new(&grid.time, assets.len(), cfg.cash);
    match cfg.mode {
        Mode::Vectorbt => from_signals::simulate(&grid, &data, &signals, cfg, &mut book),
        Mode::BacktestingPy => next_open::simulate(&grid, &data, &signals, cfg, &mut book),
    }
    Ok(assemble(&grid, assets, cfg, book))
}

/// Input checks that need no alignment: count, names, and each series' shape.
fn check_assets(assets: &[(&str, &Ohlcv)]) -> Result<()> {
    if assets.is_empty() {
        return Err(
            Error::invalid_input("no assets: give at least one {SYMBOL: Ohlcv}")
                .with("field", "assets"),
        );
    }
    if assets.len() > MAX_ASSETS {
        return Err(Error::resource_limit(format!(
            "{} assets is more than the limit of {MAX_ASSETS} per portfolio",
            assets.len()
        ))
        .with("field", "assets")
        .with("limit", MAX_ASSETS)
        .with("got", assets.len()));
    }
    for (a, (sym, data)) in assets.iter().enumerate() {
        let field = format!("assets.{sym}");
        if assets[..a].iter().any(|(s, _)| s == sym) {
            return Err(
                Error::invalid_input(format!("asset '{sym}' is given twice")).with("field", field),
            );
        }
        let n = data.time.len();
        if n == 0 {
            return Err(
                Error::invalid_input(format!("asset '{sym}' has no bars")).with("field", field)
            );
        }
        if n >= u32::MAX as usize {
            return Err(
                Error::resource_limit(format!("asset '{sym}' has too many bars"))
                    .with("field", field)
                    .with("limit", u32::MAX),
            );
        }
        for (column, len) in [
            ("open", data.open.len()),
            ("high", data.high.len()),
            ("low", data.low.len()),
            ("close", data.close.len()),
        ] {
            if len != n {
                return Err(Error::invalid_input(format!(
                    "asset '{sym}': column '{column}' has {len} values but 'time' has {n}; build data with Ohlcv::new"
                ))
                .with("field", field)
                .with("column", column));
            }
        }
        // `Ohlcv::new` guarantees these; the fields are public, so a hand-built series may not.
        for (column, values) in [
            ("open", &data.open),
            ("high", &data.high),
            ("low", &data.low),
            ("close", &data.close),
        ] {
            if let Some(row) = values.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(Error::invalid_input(format!(
                    "asset '{sym}': {column} at row {row} is {}, not a positive price",
                    values[row]
                ))
                .with("field", field)
                .with("column", column)
                .with("row", row));
            }
        }
        if let Some(row) = data.time.windows(2).position(|w| w[1] <= w[0]) {
            return Err(Error::invalid_input(format!(
                "asset '{sym}': timestamps must strictly increase (row {})",
                row + 1
            ))
            .with("field", field)
            .with("row", row + 1));
        }
    }
    Ok(())
}

/// Signals on the grid, bar-major (`[i * assets + a]`); Hold where an asset has no bar.
fn grid_signals(
    grid: &Grid,
    assets: &[(&str, &Ohlcv)],
    plan: &SignalPlan,
    semantics: Semantics,
) -> Result<Vec<Signal>> {
    let (n, k) = (grid.len(), grid.assets());
    let mut out = vec![Signal::Hold; n * k];
    if let SignalPlan::Explicit(all) = plan {
        if all.len() != k {
            return Err(Error::invalid_input(format!(
                "explicit signals are given for {} assets but there are {k}",
                all.len()
            ))
            .with("field", "signals")
            .with("length", all.len())
            .with("expected", k));
        }
    }
    for (a, (sym, data)) in assets.iter().enumerate() {
        // Rule-language hook: a `SignalPlan::Rules` arm evaluates the compiled rules on
        // `bars` (as the strategy arm does) and scatters them onto the grid.
        match plan {
            SignalPlan::Strategy(params) => {
                // The strategy sees exactly the asset's bars on the grid.
                let bars: Cow<Ohlcv> = if grid.present_count(a) == data.len() {
                    Cow::Borrowed(*data)
                } else {
                    Cow::Owned(select_rows(
                        data,
                        &grid.present_bars(a).map(|(_, r)| r).collect::<Vec<_>>(),
                    ))
                };
                let table = strategies::generate_with(params, &bars, semantics)?;
                for ((i, _), s) in grid.present_bars(a).zip(&table.signal) {
                    out[i * k + a] = *s;
                }
            }
            SignalPlan::Explicit(all) => {
                let given = &all[a];
                if given.len() == n {
                    // One per aligned bar; those on bars the asset lacks are not traded.
                    for (i, _) in grid.present_bars(a) {
                        out[i * k + a] = given[i];
                    }
                } else if given.len() == data.len() {
                    for (i, r) in grid.present_bars(a) {
                        out[i * k + a] = given[r];
                    }
                } else {
                    return Err(Error::invalid_input(format!(
                        "signals for '{sym}' have {} values; give one per bar of '{sym}' ({}) or one per aligned bar ({n})",
                        given.len(),
                        data.len()
                    ))
                    .with("field", format!("signals.{sym}"))
                    .with("length", given.len())
                    .with("expected", vec![data.len(), n]));
                }
            }
        }
    }
    Ok(out)
}

fn select_rows(data: &Ohlcv, rows: &[usize]) -> Ohlcv {
    let pick = |col: &[f64]| rows.iter().map(|&r| col[r]).collect::<Vec<f64>>();
    Ohlcv {
        time: rows.iter().map(|&r| data.time[r]).collect(),
        open: pick(&data.open),
        high: pick(&data.high),
        low: pick(&data.low),
        close: pick(&data.close),
        volume: if data.volume.len() == data.time.len() {
            pick(&data.volume)
        } else {
            Vec::new()
        },
    }
}

/// Statistics of a value curve against a market close series on the grid. `Return [%]` is
/// measured from the initial cash (vectorbt's total return), not from the first bar's value.
fn curve_stats(
    time: &[i64],
    market: Vec<f64>,
    curve: &[f64],
    trades: &[Trade],
    cfg: &PortfolioConfig,
) -> Stats {
    let market = Ohlcv {
        time: time.to_vec(),
        close: market,
        ..Ohlcv::default()
    };
    let ctx = StatsContext::new(&market);
    let rf = cfg.risk_free_rate;
    let mut s = stats::compute(&ctx, curve, trades, 0, rf);
    if let Some(&last) = curve.last() {
        s.return_pct = (last / cfg.cash - 1.0) * 100.0;
        s.alpha = s.return_pct - rf * 100.0 - s.beta * (s.buy_hold_return - rf * 100.0);
    }
    s
}

/// Trades the statistics count: vectorbt counts open trades, backtesting.py does not.
fn counted(trades: impl Iterator<Item = PortfolioTrade>, mode: Mode) -> Vec<Trade> {
    let mut out: Vec<Trade> = trades
        .filter(|t| mode == Mode::Vectorbt || t.exit_reason != ExitReason::Open)
        .map(|t| t.trade)
        .collect();
    // Exposure counts bars covered by any trade; it walks trades by entry.
    out.sort_by_key(|t| (t.entry_bar, t.exit_bar));
    out
}

fn assemble(
    grid: &Grid,
    assets: &[(&str, &Ohlcv)],
    cfg: &PortfolioConfig,
    book: Book,
) -> PortfolioResult {
    let n = grid.len();
    let k = assets.len();
    let mut basket = vec![0.0; n];
    let mut per_asset = Vec::with_capacity(k);
    for (a, ((sym, data), trades)) in assets.iter().zip(book.trades.iter()).enumerate() {
        let close = grid.filled_close(a, data);
        for (b, c) in basket.iter_mut().zip(&close) {
            *b += c / close[0] / k as f64;
        }
        let value: Vec<f64> = book.pnl[a * n..(a + 1) * n]
            .iter()
            .map(|p| cfg.cash + p)
            .collect();
        let stats = curve_stats(
            &grid.time,
            close,
            &value,
            &counted(trades.iter().copied(), cfg.mode),
            cfg,
        );
        per_asset.push(AssetResult {
            symbol: sym.to_string(),
            stats,
            trades: trades.clone(),
            value,
        });
    }
    let all_trades = counted(book.trades.iter().flatten().copied(), cfg.mode);
    let stats = curve_stats(&grid.time, basket, &book.value, &all_trades, cfg);
    let orders = book
        .fills
        .iter()
        .map(|f| Order {
            asset: assets[f.asset].0.to_string(),
            bar: f.bar,
            size: f.size,
            price: f.price,
            fees: f.fees,
            side: f.side,
        })
        .collect();
    PortfolioResult {
        mode: cfg.mode,
        align: cfg.align,
        time: grid.time.clone(),
        value: book.value,
        cash: book.cash_curve,
        stats,
        orders,
        assets: per_asset,
    }
}
