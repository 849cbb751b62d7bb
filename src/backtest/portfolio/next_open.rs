//! backtesting.py-style portfolio: one cash pool, orders placed at a bar's close and filled
//! at the asset's next open, whole units, long only, optional stop-loss / take-profit per
//! trade. backtesting.py itself is single-asset; this applies its broker's rules to many.
//!
//! Each bar, for the assets that have a bar there:
//! 1. exits ordered at the previous bar fill at the open (asset order);
//! 2. entries ordered at the previous bar fill at the open, in asset order, each buying
//!    `floor(size × cash left / (open × (1 + fees)))` units; fewer than one unit: no trade;
//! 3. stops: a stop-loss at or above the open (a gap, or a level already crossed when the
//!    trade opened) fills at the open, likewise a take-profit at or below it; otherwise a
//!    low at or under the stop fills at the stop, a high at or over the target at the
//!    target. When both are touched inside the bar the stop-loss is assumed first (the
//!    pessimistic choice: a daily bar does not say which came first);
//! 4. the book is valued at the close;
//! 5. signals at the close place orders: BUY while flat → entry, with
//!    `sl = close × (1 − sl)`, `tp = close × (1 + tp)`; SELL while long → exit. Others are
//!    ignored (no pyramiding, no shorts).
//!
//! An asset without a bar on the grid (union alignment) neither fills nor stops there; its
//! pending order waits for its next bar.

use super::align::Grid;
use super::book::Book;
use super::config::PortfolioConfig;
use super::ExitReason;
use crate::series::Ohlcv;
use crate::signals::Signal;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Pending {
    None,
    Exit,
    Entry { sl: f64, tp: f64 },
}

/// Whole units affordable with `budget` at `price` plus fees, and their total cost.
fn whole_units(budget: f64, price: f64, fees: f64) -> Option<(f64, f64, f64)> {
    let mut units = (budget / (price * (1.0 + fees))).floor();
    if !units.is_finite() {
        return None;
    }
    // The division may round up across an integer: step down until the cost fits.
    while units >= 1.0 {
        let gross = units * price;
        let fee = gross * fees;
        if gross + fee <= budget {
            return Some((units, fee, gross + fee));
        }
        units -= 1.0;
    }
    None
}

pub(super) fn simulate(
    grid: &Grid,
    data: &[&Ohlcv],
    signals: &[Signal],
    cfg: &PortfolioConfig,
    book: &mut Book,
) {
    let k = grid.assets();
    let fees = cfg.fees;
    let mut pending = vec![Pending::None; k];
    for i in 0..grid.len() {
        // 1. Market exits at the open.
        for (a, d) in data.iter().enumerate() {
            let Some(r) = grid.row(i, a) else { continue };
            if pending[a] == Pending::Exit {
                pending[a] = Pending::None;
                let h = book.holdings[a];
                if h.units > 0.0 {
                    let gross = h.units * d.open[r];
                    let fee = gross * fees;
                    book.close(
                        a,
                        i,
                        d.open[r],
                        fee,
                        book.cash + (gross - fee),
                        ExitReason::Signal,
                    );
                }
            }
        }
        // 2. Market entries at the open, each sized on the cash left.
        for (a, d) in data.iter().enumerate() {
            let Some(r) = grid.row(i, a) else { continue };
            if let Pending::Entry { sl, tp } = pending[a] {
                pending[a] = Pending::None;
                if book.holdings[a].units == 0.0 {
                    let price = d.open[r];
                    // `total ≤ budget ≤ cash`, so the cash left is never negative.
                    if let Some((units, fee, total)) =
                        whole_units(cfg.size * book.cash, price, fees)
                    {
                        book.open(a, i, units, price, fee, book.cash - total, sl, tp);
                    }
                }
            }
        }
        // 3. Stop-loss and take-profit inside the bar.
        for (a, d) in data.iter().enumerate() {
            let Some(r) = grid.row(i, a) else { continue };
            let h = book.holdings[a];
            if h.units <= 0.0 {
                continue;
            }
            let (open, high, low) = (d.open[r], d.high[r], d.low[r]);
            let hit = if open <= h.sl {
                Some((open, ExitReason::StopLoss))
            } else if open >= h.tp {
                Some((open, ExitReason::TakeProfit))
            } else if low <= h.sl {
                Some((h.sl, ExitReason::StopLoss))
            } else if high >= h.tp {
                Some((h.tp, ExitReason::TakeProfit))
            } else {
                None // NaN levels compare false: no stop set
            };
            if let Some((price, reason)) = hit {
                let gross = h.units * price;
                let fee = gross * fees;
                book.close(a, i, price, fee, book.cash + (gross - fee), reason);
            }
        }
        // 4. Value at the close.
        for (a, d) in data.iter().enumerate() {
            if let Some(r) = grid.row(i, a) {
                book.holdings[a].last_close = d.close[r];
            }
        }
        book.record(i);
        // 5. Orders for the next bar.
        for (a, d) in data.iter().enumerate() {
            let Some(r) = grid.row(i, a) else { continue };
            let held = book.holdings[a].units > 0.0;
            let close = d.close[r];
            match signals[i * k + a] {
                Signal::Buy if !held => {
                    let level = |f: Option<f64>, sign: f64| {
                        f.map_or(f64::NAN, |f| close * (1.0 + sign * f))
                    };
                    pending[a] = Pending::Entry {
                        sl: level(cfg.sl, -1.0),
                        tp: level(cfg.tp, 1.0),
                    };
                }
                Signal::Sell if held => pending[a] = Pending::Exit,
                _ => {}
            }
        }
    }
    book.list_open_trades();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_units_fit_the_budget() {
        assert_eq!(whole_units(1000.0, 10.0, 0.0), Some((100.0, 0.0, 1000.0)));
        let (u, fee, total) = whole_units(1000.0, 10.0, 0.01).expect("units");
        assert_eq!(u, 99.0);
        assert!((fee - 9.9).abs() < 1e-12 && total <= 1000.0);
        assert_eq!(whole_units(5.0, 10.0, 0.0), None);
        // 0.3 / 0.1 rounds to 3 in floats but 3 × 0.1 costs more than 0.3.
        assert!(whole_units(0.3, 0.1, 0.0).is_some_and(|(u, _, t)| t <= 0.3 && u <= 3.0));
    }
}
