//! The ledger both fill models write to: one cash pool, a holding per asset, the fills,
//! the trades, and per bar the portfolio's value, its cash and each asset's profit.

use super::{ExitReason, PortfolioTrade, Side};
use crate::backtest::Trade;

/// One executed order, by asset index (symbols are attached when the result is built).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fill {
    pub asset: usize,
    pub bar: usize,
    pub size: f64,
    pub price: f64,
    pub fees: f64,
    pub side: Side,
}

/// What one asset holds. Long only: `units` is 0 or positive.
#[derive(Debug, Clone, Copy)]
pub struct Holding {
    pub units: f64,
    pub entry_bar: usize,
    pub entry_price: f64,
    pub entry_fee: f64,
    /// Stop-loss / take-profit price of the open trade; NaN when none.
    pub sl: f64,
    pub tp: f64,
    /// Profit of this asset's closed trades, net of fees.
    pub realized: f64,
    /// Last close seen (NaN before the asset's first bar).
    pub last_close: f64,
}

impl Default for Holding {
    fn default() -> Self {
        Holding {
            units: 0.0,
            entry_bar: 0,
            entry_price: f64::NAN,
            entry_fee: 0.0,
            sl: f64::NAN,
            tp: f64::NAN,
            realized: 0.0,
            last_close: f64::NAN,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Book<'a> {
    time: &'a [i64],
    pub cash: f64,
    pub holdings: Vec<Holding>,
    pub fills: Vec<Fill>,
    /// Per asset, in the order they closed.
    pub trades: Vec<Vec<PortfolioTrade>>,
    pub value: Vec<f64>,
    pub cash_curve: Vec<f64>,
    /// `pnl[a * bars + i]`: asset `a`'s profit up to bar `i` (realized plus the open trade
    /// marked at the last close, net of its entry fee). Summed over assets it is
    /// `value - initial cash`.
    pub pnl: Vec<f64>,
}

impl<'a> Book<'a> {
    pub fn new(time: &'a [i64], assets: usize, cash: f64) -> Book<'a> {
        let n = time.len();
        Book {
            time,
            cash,
            holdings: vec![Holding::default(); assets],
            fills: Vec::new(),
            trades: vec![Vec::new(); assets],
            value: Vec::with_capacity(n),
            cash_curve: Vec::with_capacity(n),
            pnl: vec![0.0; assets * n],
        }
    }

    /// Opens a long position; the caller computed the fill with its model's exact
    /// arithmetic and passes the cash left after it.
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        &mut self,
        asset: usize,
        bar: usize,
        units: f64,
        price: f64,
        fee: f64,
        cash_after: f64,
        sl: f64,
        tp: f64,
    ) {
        self.cash = cash_after;
        let h = &mut self.holdings[asset];
        h.units = units;
        h.entry_bar = bar;
        h.entry_price = price;
        h.entry_fee = fee;
        h.sl = sl;
        h.tp = tp;
        self.fills.push(Fill {
            asset,
            bar,
            size: units,
            price,
            fees: fee,
            side: Side::Buy,
        });
    }

    /// Sells the whole position of `asset` and records the trade.
    pub fn close(
        &mut self,
        asset: usize,
        bar: usize,
        price: f64,
        fee: f64,
        cash_after: f64,
        reason: ExitReason,
    ) {
        self.cash = cash_after;
        let h = &mut self.holdings[asset];
        let units = h.units;
        let trade = trade_record(self.time, h, bar, price, h.entry_fee + fee, reason);
        h.realized += trade.trade.pnl;
        h.units = 0.0;
        h.sl = f64::NAN;
        h.tp = f64::NAN;
        self.trades[asset].push(trade);
        self.fills.push(Fill {
            asset,
            bar,
            size: units,
            price,
            fees: fee,
            side: Side::Sell,
        });
    }

    /// Values the book at bar `i`'s closes (each holding's `last_close`).
    pub fn record(&mut self, i: usize) {
        let n = self.time.len();
        let mut value = self.cash;
        for (a, h) in self.holdings.iter().enumerate() {
            let mut pnl = h.realized;
            if h.units != 0.0 {
                value += h.units * h.last_close;
                pnl += h.units * (h.last_close - h.entry_price) - h.entry_fee;
            }
            self.pnl[a * n + i] = pnl;
        }
        self.value.push(value);
        self.cash_curve.push(self.cash);
    }

    /// Lists positions still open after the last bar as trades marked at the last close
    /// (no exit fee), with [`ExitReason::Open`].
    pub fn list_open_trades(&mut self) {
        let Some(last_bar) = self.time.len().checked_sub(1) else {
            return;
        };
        for (a, h) in self.holdings.iter().enumerate() {
            if h.units != 0.0 {
                let t = trade_record(
                    self.time,
                    h,
                    last_bar,
                    h.last_close,
                    h.entry_fee,
                    ExitReason::Open,
                );
                self.trades[a].push(t);
            }
        }
    }
}

fn trade_record(
    time: &[i64],
    h: &Holding,
    bar: usize,
    price: f64,
    commission: f64,
    reason: ExitReason,
) -> PortfolioTrade {
    let units = h.units;
    PortfolioTrade {
        trade: Trade {
            size: units,
            entry_bar: h.entry_bar,
            exit_bar: bar,
            entry_price: h.entry_price,
            exit_price: price,
            pnl: units * (price - h.entry_price) - commission,
            return_pct: (price / h.entry_price - 1.0) - commission / (units * h.entry_price),
            entry_time: time[h.entry_bar],
            exit_time: time[bar],
            commission,
            sl: Some(h.sl).filter(|x| !x.is_nan()),
            tp: Some(h.tp).filter(|x| !x.is_nan()),
            exit_reason: reason.as_trade_reason(),
        },
        sl: h.sl,
        tp: h.tp,
        exit_reason: reason,
    }
}
