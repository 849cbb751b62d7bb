//! vectorbt `Portfolio.from_signals` semantics: long only, every fill at the signal bar's
//! close, all cash in fractional units, `fees` as a fraction of traded value on both sides.
//! An open position is valued at the last close and never force-closed.

use super::config::BacktestConfig;
use super::trade::Trade;
use super::SignalSource;
use crate::series::Ohlcv;
use crate::signals::Signal;

/// vectorbt's `crossed_above` state machine for one direction: a signal on the first bar
/// with `a > b` after a bar with `a < b`; an `a == b` bar ends a run above (the next
/// `a > b` bar signals again) and NaN forgets everything.
#[derive(Debug, Clone, Copy)]
pub struct CrossAbove {
    was_below: bool,
    crossed_ago: i64,
}

impl Default for CrossAbove {
    fn default() -> Self {
        CrossAbove { was_below: false, crossed_ago: -1 }
    }
}

impl CrossAbove {
    #[inline(always)]
    pub fn step(&mut self, a: f64, b: f64) -> bool {
        if a > b {
            if self.was_below {
                self.crossed_ago += 1;
                return self.crossed_ago == 0;
            }
            false
        } else if a < b {
            self.crossed_ago = -1;
            self.was_below = true;
            false
        } else {
            // Equal, or either is NaN.
            self.crossed_ago = -1;
            if a.is_nan() || b.is_nan() {
                self.was_below = false;
            }
            false
        }
    }
}

/// Entries where `fast` crosses above `slow`, exits where it crosses below (vectorbt rules),
/// as a [`SignalSource`] that allocates nothing.
#[derive(Debug, Clone)]
pub struct VbtCross<'a> {
    fast: &'a [f64],
    slow: &'a [f64],
    up: CrossAbove,
    down: CrossAbove,
}

impl<'a> VbtCross<'a> {
    pub fn new(fast: &'a [f64], slow: &'a [f64]) -> Self {
        VbtCross { fast, slow, up: CrossAbove::default(), down: CrossAbove::default() }
    }
}

impl SignalSource for VbtCross<'_> {
    fn len(&self) -> usize {
        self.fast.len().min(self.slow.len())
    }

    fn warmup(&self) -> usize {
        super::first_valid(self.fast).max(super::first_valid(self.slow))
    }

    fn reset(&mut self) {
        self.up = CrossAbove::default();
        self.down = CrossAbove::default();
    }

    #[inline(always)]
    fn signal(&mut self, i: usize) -> Signal {
        let (f, s) = (self.fast[i], self.slow[i]);
        // Both machines see every bar so their memories stay in step.
        let entry = self.up.step(f, s);
        let exit = self.down.step(s, f);
        if entry {
            Signal::Buy
        } else if exit {
            Signal::Sell
        } else {
            Signal::Hold
        }
    }
}

/// Total return and number of trades (closed plus a still-open one) of the vectorbt
/// SMA-cross rules; no allocation, no trade records, one pass. This is the optimizer's
/// hot loop.
pub fn cross_total_return(close: &[f64], fast: &[f64], slow: &[f64], fees: f64, init_cash: f64) -> (f64, usize) {
    let n = close.len().min(fast.len()).min(slow.len());
    let (close, fast, slow) = (&close[..n], &fast[..n], &slow[..n]);
    let mut up = CrossAbove::default();
    let mut down = CrossAbove::default();
    let mut cash = init_cash;
    let mut units = 0.0f64;
    let mut holding = false;
    let mut trades = 0usize;
    let buy_factor = 1.0 + fees;
    let sell_factor = 1.0 - fees;
    for i in 0..n {
        let (f, s) = (fast[i], slow[i]);
        let entry = up.step(f, s);
        let exit = down.step(s, f);
        if entry && !holding {
            units = cash / (close[i] * buy_factor);
            cash = 0.0;
            holding = true;
            trades += 1;
        } else if exit && holding {
            cash = units * close[i] * sell_factor;
            units = 0.0;
            holding = false;
        }
    }
    let value = if holding && n > 0 { cash + units * close[n - 1] } else { cash };
    (value / init_cash - 1.0, trades)
}

/// Full vectorbt-semantics run: equity per bar and trades; a position still open at the end
/// is valued at the last close (not sold) and listed as vectorbt's open trade.
pub(crate) fn simulate<S: SignalSource + ?Sized>(
    data: &Ohlcv,
    source: &mut S,
    cfg: &BacktestConfig,
    equity: &mut Vec<f64>,
    trades: &mut Vec<Trade>,
) {
    let n = data.len();
    equity.clear();
    equity.reserve(n);
    trades.clear();
    source.reset();
    let fees = cfg.commission;
    let mut cash = cfg.cash;
    let mut units = 0.0f64;
    let mut entry: Option<(usize, f64, f64)> = None; // bar, price, entry fee
    for i in 0..n {
        let price = data.close[i];
        match source.signal(i) {
            Signal::Buy if entry.is_none() => {
                units = cash / (price * (1.0 + fees));
                let fee = cash - units * price;
                cash = 0.0;
                entry = Some((i, price, fee));
            }
            Signal::Sell => {
                if let Some((bar, entry_price, entry_fee)) = entry.take() {
                    let gross = units * price;
                    let exit_fee = gross * fees;
                    cash = gross * (1.0 - fees);
                    let commission = entry_fee + exit_fee;
                    trades.push(Trade {
                        size: units,
                        entry_bar: bar,
                        exit_bar: i,
                        entry_price,
                        exit_price: price,
                        pnl: units * (price - entry_price) - commission,
                        return_pct: (price / entry_price - 1.0) - commission / (units * entry_price),
                        entry_time: data.time[bar],
                        exit_time: data.time[i],
                        commission,
                    });
                    units = 0.0;
                }
            }
            _ => {}
        }
        equity.push(cash + units * price);
    }
    // vectorbt counts a position still open at the end as an (open) trade, valued at the
    // last close with no exit fee.
    if let (Some((bar, entry_price, entry_fee)), Some(&last)) = (entry, data.close.last()) {
        trades.push(Trade {
            size: units,
            entry_bar: bar,
            exit_bar: n - 1,
            entry_price,
            exit_price: last,
            pnl: units * (last - entry_price) - entry_fee,
            return_pct: (last / entry_price - 1.0) - entry_fee / (units * entry_price),
            entry_time: data.time[bar],
            exit_time: data.time[n - 1],
            commission: entry_fee,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_above_rules() {
        let mut c = CrossAbove::default();
        // below, above → signal; above again → none
        assert!(!c.step(1.0, 2.0));
        assert!(c.step(3.0, 2.0));
        assert!(!c.step(3.0, 2.0));
        // equal ends the run: the next above signals again
        assert!(!c.step(2.0, 2.0));
        assert!(c.step(3.0, 2.0));
        // NaN forgets "was below"
        assert!(!c.step(1.0, 2.0));
        assert!(!c.step(f64::NAN, 2.0));
        assert!(!c.step(3.0, 2.0));
    }

    #[test]
    fn fast_path_fill_math() {
        // Entry at bar 2 (close 10), exit at bar 4 (close 12), fees 1%.
        let close = [10.0, 10.0, 10.0, 11.0, 12.0];
        let fast = [f64::NAN, 1.0, 3.0, 3.0, 1.0];
        let slow = [f64::NAN, 2.0, 2.0, 2.0, 2.0];
        let (ret, trades) = cross_total_return(&close, &fast, &slow, 0.01, 100.0);
        let units = 100.0 / (10.0 * 1.01);
        let expected = units * 12.0 * 0.99 / 100.0 - 1.0;
        assert_eq!(trades, 1);
        assert!((ret - expected).abs() < 1e-15, "{ret} vs {expected}");
    }
}
