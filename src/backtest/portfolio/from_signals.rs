//! vectorbt `Portfolio.from_signals` with `cash_sharing=True`, `call_seq='auto'`,
//! `size_type='percent'`, long only, every fill at the bar's close.
//!
//! Per bar, vectorbt sorts the assets by the approximate value of their order: an exit's
//! value is `-units × close` (negative), a no-op's 0, an entry's `size × cash` (positive),
//! with a stable insertion sort. So exits run first, the largest sale first, then entries
//! in the assets' order, each taking `size` × the cash left at that moment. The arithmetic
//! follows vectorbt's `buy_nb`/`sell_nb`, including its snapping of near-zero amounts
//! (relative 1e-9, absolute 1e-12), so values match to the last bits.

use super::align::Grid;
use super::book::Book;
use super::config::PortfolioConfig;
use super::ExitReason;
use crate::series::Ohlcv;
use crate::signals::Signal;

/// vectorbt's `is_close_nb` tolerances (`vectorbt.utils.math_`).
const REL_TOL: f64 = 1e-9;
const ABS_TOL: f64 = 1e-12;

fn is_close(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    if !a.is_finite() || !b.is_finite() {
        return false;
    }
    (a - b).abs() <= (REL_TOL * a.abs().max(b.abs())).max(ABS_TOL)
}

/// vectorbt's `add_nb`: `a + b`, exactly 0 when they (nearly) cancel.
fn add(a: f64, b: f64) -> f64 {
    if is_close(a, -b) {
        0.0
    } else {
        a + b
    }
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
    // (approximate order value, asset) of this bar's exits; entries in asset order.
    let mut exits: Vec<(f64, usize)> = Vec::with_capacity(k);
    let mut entries: Vec<usize> = Vec::with_capacity(k);
    for i in 0..grid.len() {
        exits.clear();
        entries.clear();
        for (a, d) in data.iter().enumerate() {
            let Some(r) = grid.row(i, a) else { continue };
            let h = &mut book.holdings[a];
            h.last_close = d.close[r];
            match signals[i * k + a] {
                Signal::Sell if h.units > 0.0 => exits.push((-h.units * h.last_close, a)),
                Signal::Buy if h.units == 0.0 => entries.push(a),
                _ => {}
            }
        }
        // Stable insertion sort, as vectorbt's `insert_argsort_nb`.
        for j in 1..exits.len() {
            let key = exits[j];
            let mut m = j;
            while m > 0 && key.0 < exits[m - 1].0 {
                exits[m] = exits[m - 1];
                m -= 1;
            }
            exits[m] = key;
        }
        for &(_, a) in &exits {
            let cash = if is_close(book.cash, 0.0) {
                0.0
            } else {
                book.cash
            };
            let h = book.holdings[a];
            let gross = h.units * h.last_close;
            let fee = gross * fees;
            let proceeds = add(gross, -fee);
            book.close(a, i, h.last_close, fee, cash + proceeds, ExitReason::Signal);
        }
        for &a in &entries {
            let cash = if is_close(book.cash, 0.0) {
                0.0
            } else {
                book.cash
            };
            let limit = cash.min(cfg.size * cash);
            if limit == 0.0 {
                continue; // vectorbt: rejected, no cash
            }
            let spend = if is_close(limit, 0.0) { 0.0 } else { limit } / (1.0 + fees);
            if spend <= 0.0 {
                continue; // vectorbt: cannot cover fees
            }
            let price = book.holdings[a].last_close;
            let units = spend / price;
            let fee = limit - spend;
            book.open(
                a,
                i,
                units,
                price,
                fee,
                add(cash, -limit),
                f64::NAN,
                f64::NAN,
            );
        }
        book.record(i);
    }
    // vectorbt counts a position still open as an (open) trade.
    book.list_open_trades();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_zero_snaps_like_vectorbt() {
        assert_eq!(add(100.0, -100.0 + 1e-8), 0.0);
        assert_eq!(add(100.0, -99.0), 1.0);
        assert!(is_close(1e-13, 0.0));
        assert!(!is_close(1e-11, 0.0));
        assert!(!is_close(f64::NAN, f64::NAN));
    }
}
