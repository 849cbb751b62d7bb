//! backtesting.py 0.6.6 broker, reduced to what a signal-driven strategy does.
//!
//! Each bar `i` runs, like `Backtest.run`: (1) fill the orders placed at bar `i-1` (at
//! `open[i]`, or `close[i-1]` with `trade_on_close`), (2) record equity at `close[i]`,
//! stop if it is ≤ 0, (3) read the signal of bar `i`: Buy/Sell mean "close the position,
//! then buy()/sell() with the default size" (the SmaCross long/short reversal). Orders are
//! never more than one close plus one entry, so `hedging` and `exclusive_orders` cannot
//! change a fill: every entry order is preceded by closing whatever is open.
//!
//! Float expressions follow backtesting.py's operation order so whole-unit sizes (a floor)
//! come out identical.

use super::config::BacktestConfig;
use super::trade::Trade;
use super::SignalSource;
use crate::series::Ohlcv;
use crate::signals::Signal;

/// backtesting.py's default order size: `1 - sys.float_info.epsilon` of available margin.
const DEFAULT_SIZE: f64 = 1.0 - f64::EPSILON;

#[derive(Debug, Clone, Copy)]
struct OpenTrade {
    size: f64,
    entry_price: f64,
    entry_bar: usize,
}

/// Orders placed by the strategy at one bar, filled at the next.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    /// `position.close()` was called.
    close: bool,
    /// +1 `buy()`, -1 `sell()`, 0 none.
    direction: i8,
}

struct Broker<'a> {
    data: &'a Ohlcv,
    cfg: &'a BacktestConfig,
    leverage: f64,
    cash: f64,
    open: Option<OpenTrade>,
    trades: &'a mut Vec<Trade>,
}

impl Broker<'_> {
    fn commission(&self, size: f64, price: f64) -> f64 {
        size.abs() * price * self.cfg.commission
    }

    /// `_Broker.equity` at `price` (the current close).
    fn equity(&self, price: f64) -> f64 {
        match self.open {
            // `last_price * position_size - sum(size * entry_price)`, as backtesting.py sums it.
            Some(t) => self.cash + (price * t.size - (0.0 + t.size * t.entry_price)),
            None => self.cash,
        }
    }

    /// `_Broker._close_trade`: realise the PnL, charge the exit commission.
    fn close(&mut self, price: f64, bar: usize) {
        let Some(t) = self.open.take() else { return };
        let exit_commission = self.commission(t.size, price);
        self.cash += t.size * (price - t.entry_price) - exit_commission;
        let commissions = exit_commission + self.commission(t.size, t.entry_price);
        let sign = if t.size > 0.0 { 1.0 } else { -1.0 };
        let gross = sign * (price / t.entry_price - 1.0);
        self.trades.push(Trade {
            size: t.size,
            entry_bar: t.entry_bar,
            exit_bar: bar,
            entry_price: t.entry_price,
            exit_price: price,
            pnl: t.size * (price - t.entry_price) - commissions,
            return_pct: gross - commissions / (t.size.abs() * t.entry_price),
            entry_time: self.data.time[t.entry_bar],
            exit_time: self.data.time[bar],
            commission: commissions,
        });
    }

    /// `_Broker._process_orders` for at most one close and one entry order at bar `i`.
    fn process(&mut self, pending: Pending, i: usize) {
        let (price, bar) = if self.cfg.trade_on_close && i > 0 {
            (self.data.close[i - 1], i - 1)
        } else {
            (self.data.open[i], i)
        };
        if pending.close {
            self.close(price, bar);
        }
        if pending.direction == 0 {
            return;
        }
        let dir = f64::from(pending.direction);
        let adjusted = price * (1.0 + self.cfg.spread.copysign(dir));
        let order_size = DEFAULT_SIZE * dir;
        let adjusted_plus_commission = adjusted + self.commission(order_size, price) / order_size.abs();
        // With no trade open, margin available is the equity, i.e. the cash.
        let margin_available = self.equity(self.data.close[i]).max(0.0);
        let units = py_floor_div(margin_available * self.leverage * DEFAULT_SIZE, adjusted_plus_commission);
        // `int()` truncation, then the order is cancelled when not even one unit is
        // affordable (NaN sizes, from degenerate prices, are cancelled too).
        let units = units.trunc();
        let affordable = units >= 1.0 && units * adjusted_plus_commission <= margin_available * self.leverage;
        if !affordable {
            return;
        }
        let size = units * dir;
        self.cash -= self.commission(size, adjusted);
        self.open = Some(OpenTrade { size, entry_price: adjusted, entry_bar: bar });
    }
}

/// Python's float `//` (floor of the exact quotient, computed through `fmod`), so the
/// whole-unit size matches backtesting.py even when `a / b` rounds up to an integer.
pub(crate) fn py_floor_div(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let mut floordiv = div.floor();
        if div - floordiv > 0.5 {
            floordiv += 1.0;
        }
        floordiv
    } else {
        0.0f64.copysign(a / b)
    }
}

/// Runs the backtesting.py broker over every bar. Fills `equity` (one value per bar) and
/// appends closed trades to `trades`; both are cleared first so buffers can be reused.
pub(crate) fn simulate<S: SignalSource + ?Sized>(
    data: &Ohlcv,
    source: &mut S,
    cfg: &BacktestConfig,
    equity: &mut Vec<f64>,
    trades: &mut Vec<Trade>,
) {
    let n = data.len();
    equity.clear();
    equity.resize(n, f64::NAN);
    trades.clear();
    source.reset();
    let start = 1 + source.warmup();
    let mut broker = Broker { data, cfg, leverage: 1.0 / cfg.margin, cash: cfg.cash, open: None, trades };
    let mut pending = Pending::default();
    let mut bankrupt = false;
    for i in start..n {
        let orders = std::mem::take(&mut pending);
        if orders.close || orders.direction != 0 {
            broker.process(orders, i);
        }
        let close = data.close[i];
        let eq = broker.equity(close);
        equity[i] = eq;
        if eq <= 0.0 {
            // Out of money: backtesting.py closes everything at this close and stops.
            broker.close(close, i);
            broker.cash = 0.0;
            equity[i..].fill(0.0);
            bankrupt = true;
            break;
        }
        match source.signal(i) {
            Signal::Buy => pending = Pending { close: true, direction: 1 },
            Signal::Sell => pending = Pending { close: true, direction: -1 },
            Signal::Hold => {}
        }
    }
    if !bankrupt && cfg.finalize_trades && start < n {
        // `trade.close()` for open trades, then one more `broker.next()` on the last bar:
        // orders still queued from the last signal are filled there too.
        pending.close = true;
        broker.process(pending, n - 1);
        let eq = broker.equity(data.close[n - 1]);
        equity[n - 1] = eq;
        if eq <= 0.0 {
            broker.close(data.close[n - 1], n - 1);
            equity[n - 1] = 0.0;
        }
    }
    // Bars before the first simulated one take its value (pandas `bfill`), else the cash.
    let first = equity.iter().copied().find(|v| !v.is_nan()).unwrap_or(cfg.cash);
    for v in equity.iter_mut() {
        if v.is_nan() {
            *v = first;
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_div_matches_python() {
        assert_eq!(py_floor_div(7.0, 2.0), 3.0);
        assert_eq!(py_floor_div(-7.0, 2.0), -4.0);
        assert_eq!(py_floor_div(1.0, 0.1), 9.0); // Python: 1 // 0.1 == 9.0, though 1 / 0.1 == 10.0
        assert_eq!(py_floor_div(0.0, 3.0), 0.0);
    }
}
