//! backtesting.py 0.6.6 broker, reduced to what a signal-driven strategy does, with the
//! order options of [`OrderOptions`].
//!
//! Each bar `i` runs, like `Backtest.run`: (1) fill the orders queued before bar `i`
//! ([`Broker::process`]), (2) record equity at `close[i]`, stop if it is ≤ 0, (3) move
//! trailing stops to `close[i]`, (4) read the signal of bar `i`: BUY/SELL cancel the unfilled
//! entry order, close the open trade and place an entry if `direction` allows it (the
//! reference strategy of `make_orders_golden.py`).
//!
//! At most one trade is open and at most one entry order waits, so backtesting.py's order
//! queue reduces to a fixed sequence: the close order (market), the open trade's stop-loss,
//! its take-profit, then the entry (market or limit). `hedging` and `exclusive_orders` cannot
//! change a fill: every entry is preceded by closing whatever is open.
//!
//! Float expressions follow backtesting.py's operation order so whole-unit sizes (a floor)
//! and fill prices come out identical.

use super::config::BacktestConfig;
use super::orders::{ExitReason, Intrabar, OrderOptions, Repeat};
use super::trade::Trade;
use super::SignalSource;
use crate::series::Ohlcv;
use crate::signals::Signal;

/// backtesting.py's default order size: `1 - sys.float_info.epsilon` of available margin.
const DEFAULT_SIZE: f64 = 1.0 - f64::EPSILON;

#[derive(Debug, Clone, Copy)]
struct OpenTrade {
    /// Units, negative for shorts.
    size: f64,
    entry_price: f64,
    entry_bar: usize,
    sl: Option<f64>,
    tp: Option<f64>,
    /// The stop it was opened with, to tell a trailed stop from the original one.
    initial_sl: Option<f64>,
}

impl OpenTrade {
    fn is_long(&self) -> bool {
        self.size > 0.0
    }
    fn dir(&self) -> f64 {
        if self.is_long() {
            1.0
        } else {
            -1.0
        }
    }
    fn stop_reason(&self) -> ExitReason {
        if self.sl == self.initial_sl {
            ExitReason::StopLoss
        } else {
            ExitReason::Trailing
        }
    }
}

/// An entry waiting for its fill: a market order (next bar) or a limit order (good until
/// filled or cancelled by the next signal). Prices are absolute, fixed at the signal bar.
#[derive(Debug, Clone, Copy)]
struct EntryOrder {
    /// +1 buy, −1 sell.
    dir: f64,
    limit: Option<f64>,
    sl: Option<f64>,
    tp: Option<f64>,
}

/// Orders the strategy queued, filled from the next bar on.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    /// `position.close()` was called: close the open trade at the next market price.
    close: Option<ExitReason>,
    entry: Option<EntryOrder>,
}

struct Broker<'a> {
    data: &'a Ohlcv,
    cfg: &'a BacktestConfig,
    opts: OrderOptions,
    leverage: f64,
    cash: f64,
    open: Option<OpenTrade>,
    pending: Pending,
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

    /// `_Broker.margin_available` at `price`.
    fn margin_available(&self, price: f64) -> f64 {
        let used = self.open.map_or(0.0, |t| t.size.abs() * price / self.leverage);
        (self.equity(price) - used).max(0.0)
    }

    /// Anything that may fill at the next bar.
    fn has_orders(&self) -> bool {
        self.pending.close.is_some()
            || self.pending.entry.is_some()
            || self.open.is_some_and(|t| t.sl.is_some() || t.tp.is_some())
    }

    /// Where a market order placed at bar `i - 1` fills: `open[i]`, or `close[i-1]` (at bar
    /// `i - 1`) with `trade_on_close`.
    fn market(&self, i: usize) -> (f64, usize) {
        if self.cfg.trade_on_close && i > 0 {
            (self.data.close[i - 1], i - 1)
        } else {
            (self.data.open[i], i)
        }
    }

    /// `_Broker._close_trade`: realise the PnL, charge the exit commission.
    fn close(&mut self, price: f64, bar: usize, reason: ExitReason) {
        let Some(t) = self.open.take() else { return };
        let exit_commission = self.commission(t.size, price);
        self.cash += t.size * (price - t.entry_price) - exit_commission;
        let commissions = exit_commission + self.commission(t.size, t.entry_price);
        let gross = t.dir() * (price / t.entry_price - 1.0);
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
            sl: t.sl,
            tp: t.tp,
            exit_reason: reason,
        });
    }

    /// The stand-alone branch of `_Broker._process_orders`: size the entry at fill `price`
    /// (bar `i`'s close values the account), open the trade at `bar` with its stop and
    /// target. Returns false when the broker cancels it for lack of liquidity.
    fn fill_entry(&mut self, e: EntryOrder, price: f64, bar: usize, i: usize) -> bool {
        let adjusted = price * (1.0 + self.cfg.spread.copysign(e.dir));
        let order_size = self.opts.size.unwrap_or(DEFAULT_SIZE) * e.dir;
        let adjusted_plus_commission = adjusted + self.commission(order_size, price) / order_size.abs();
        let budget = self.margin_available(self.data.close[i]) * self.leverage;
        let is_fraction = order_size.abs() < 1.0;
        let units = match (is_fraction, self.opts.fractional) {
            // `int(margin * leverage * size // price)`; not even one unit cancels the order
            // (NaN sizes, from degenerate prices, are cancelled too).
            (true, false) => py_floor_div(budget * order_size.abs(), adjusted_plus_commission).trunc(),
            (true, true) => budget * order_size.abs() / adjusted_plus_commission,
            (false, _) => order_size.abs(),
        };
        let min_units = if self.opts.fractional { f64::MIN_POSITIVE } else { 1.0 };
        // A fractional share of the budget is affordable by construction (up to rounding).
        let fits = (is_fraction && self.opts.fractional) || units * adjusted_plus_commission <= budget;
        if !(units >= min_units && units.is_finite() && fits) {
            return false;
        }
        let size = units * e.dir;
        self.cash -= self.commission(size, adjusted);
        self.open = Some(OpenTrade { size, entry_price: adjusted, entry_bar: bar, sl: e.sl, tp: e.tp, initial_sl: e.sl });
        true
    }

    /// Fills the queued orders at bar `i` under the configured intrabar model.
    fn process(&mut self, i: usize) {
        if let Some(reason) = self.pending.close.take() {
            let (price, bar) = self.market(i);
            self.close(price, bar, reason);
        }
        match self.opts.intrabar {
            Intrabar::BacktestingPy => self.process_backtesting_py(i),
            model => self.process_path(i, model),
        }
    }

    /// `_Broker._process_orders` after the close order: stop-loss, take-profit, entry.
    fn process_backtesting_py(&mut self, i: usize) {
        self.contingent_whole_bar(i);
        let Some(e) = self.pending.entry else { return };
        match e.limit {
            Some(limit) => {
                let (o, h, l) = (self.data.open[i], self.data.high[i], self.data.low[i]);
                if (e.dir > 0.0 && l <= limit) || (e.dir < 0.0 && h >= limit) {
                    self.pending.entry = None;
                    let price = if e.dir > 0.0 { o.min(limit) } else { o.max(limit) };
                    // backtesting.py issue #119: the stop/target of a trade opened by a limit
                    // order are first checked on the next bar.
                    self.fill_entry(e, price, i, i);
                }
            }
            None => {
                self.pending.entry = None;
                let (price, bar) = self.market(i);
                // A market entry's stop/target are checked again in the bar it filled.
                if self.fill_entry(e, price, bar, i) {
                    self.contingent_whole_bar(i);
                }
            }
        }
    }

    /// The open trade's stop-loss, then its take-profit, each hit anywhere in bar `i`; a
    /// level the open already passed fills at the open.
    fn contingent_whole_bar(&mut self, i: usize) {
        let Some(t) = self.open else { return };
        let (o, h, l) = (self.data.open[i], self.data.high[i], self.data.low[i]);
        if let Some(sl) = t.sl {
            if (t.is_long() && l <= sl) || (!t.is_long() && h >= sl) {
                let price = if t.is_long() { o.min(sl) } else { o.max(sl) };
                self.close(price, i, t.stop_reason());
                return;
            }
        }
        if let Some(tp) = t.tp {
            if (t.is_long() && h >= tp) || (!t.is_long() && l <= tp) {
                let price = if t.is_long() { o.max(tp) } else { o.min(tp) };
                self.close(price, i, ExitReason::TakeProfit);
            }
        }
    }

    /// The path models: orders the open already passed fill there; the rest fill where the
    /// bar's assumed path (open → one extreme → the other → close) first reaches them.
    fn process_path(&mut self, i: usize, model: Intrabar) {
        let (o, h, l, c) = (self.data.open[i], self.data.high[i], self.data.low[i], self.data.close[i]);
        self.gap_at_open(i);
        if let Some(e) = self.pending.entry {
            let filled = match e.limit {
                None => {
                    self.pending.entry = None;
                    let (price, bar) = self.market(i);
                    self.fill_entry(e, price, bar, i)
                }
                Some(limit) if (e.dir > 0.0 && o <= limit) || (e.dir < 0.0 && o >= limit) => {
                    self.pending.entry = None;
                    self.fill_entry(e, o, i, i)
                }
                Some(_) => false,
            };
            if filled {
                self.gap_at_open(i);
            }
        }
        // The side held (or about to be entered) decides what "against" means.
        let dir = match (self.open, self.pending.entry) {
            (Some(t), _) => t.dir(),
            (None, Some(e)) => e.dir,
            (None, None) => return,
        };
        let low_first = match model {
            Intrabar::Pessimistic => dir > 0.0,
            Intrabar::Optimistic => dir < 0.0,
            _ => o - l <= h - o,
        };
        let path = if low_first { [o, l, h, c] } else { [o, h, l, c] };
        for k in 0..3 {
            self.walk(path[k], path[k + 1], i);
        }
    }

    /// A stop or target the open price already passed fills at the open.
    fn gap_at_open(&mut self, i: usize) {
        let Some(t) = self.open else { return };
        let o = self.data.open[i];
        let long = t.is_long();
        if t.sl.is_some_and(|s| (long && o <= s) || (!long && o >= s)) {
            self.close(o, i, t.stop_reason());
        } else if t.tp.is_some_and(|p| (long && o >= p) || (!long && o <= p)) {
            self.close(o, i, ExitReason::TakeProfit);
        }
    }

    /// One monotonic stretch of the path from `from` to `to` in bar `i`: a waiting limit
    /// entry fills at its price, then the trade's stop or target, whichever comes first.
    fn walk(&mut self, mut from: f64, to: f64, i: usize) {
        let reached = |level: f64, from: f64| from.min(to) <= level && level <= from.max(to);
        if let (None, Some(e)) = (self.open, self.pending.entry) {
            match e.limit {
                Some(limit) if reached(limit, from) => {
                    self.pending.entry = None;
                    if !self.fill_entry(e, limit, i, i) {
                        return;
                    }
                    from = limit;
                }
                _ => return,
            }
        }
        let Some(t) = self.open else { return };
        let stop = t.sl.filter(|&s| reached(s, from));
        let target = t.tp.filter(|&p| reached(p, from));
        match (stop, target) {
            (Some(s), Some(p)) if (p - from).abs() < (s - from).abs() => self.close(p, i, ExitReason::TakeProfit),
            (Some(s), _) => self.close(s, i, t.stop_reason()),
            (None, Some(p)) => self.close(p, i, ExitReason::TakeProfit),
            (None, None) => {}
        }
    }

    /// `trailing_sl`: the stop follows the close, never backwards.
    fn trail(&mut self, close: f64, f: f64) {
        if let Some(t) = self.open.as_mut() {
            let level = close * (1.0 - t.dir() * f);
            t.sl = Some(match t.sl {
                Some(s) if t.is_long() => s.max(level),
                Some(s) => s.min(level),
                None => level,
            });
        }
    }

    /// A BUY (`dir` +1) or SELL (−1) at a bar closing at `close`.
    fn on_signal(&mut self, dir: f64, close: f64) {
        let held = self.open.map(|t| t.dir()).or(self.pending.entry.map(|e| e.dir));
        if self.opts.repeat == Repeat::Ignore && held == Some(dir) {
            return;
        }
        self.pending.entry = None;
        if self.open.is_some() {
            self.pending.close = Some(ExitReason::Signal);
        }
        if self.opts.direction.allows(dir) {
            let at = |f: f64, sign: f64| close * (1.0 + sign * dir * f);
            self.pending.entry = Some(EntryOrder {
                dir,
                limit: self.opts.limit.map(|f| at(f, -1.0)),
                sl: self.opts.sl.map(|f| at(f, -1.0)),
                tp: self.opts.tp.map(|f| at(f, 1.0)),
            });
        }
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
    let mut broker = Broker {
        data,
        cfg,
        opts: cfg.orders,
        leverage: 1.0 / cfg.margin,
        cash: cfg.cash,
        open: None,
        pending: Pending::default(),
        trades,
    };
    let mut bankrupt = false;
    for i in start..n {
        if broker.has_orders() {
            broker.process(i);
        }
        let close = data.close[i];
        let eq = broker.equity(close);
        equity[i] = eq;
        if eq <= 0.0 {
            // Out of money: backtesting.py closes everything at this close and stops.
            broker.close(close, i, ExitReason::End);
            broker.cash = 0.0;
            equity[i..].fill(0.0);
            bankrupt = true;
            break;
        }
        if let Some(f) = broker.opts.trailing_sl {
            broker.trail(close, f);
        }
        match source.signal(i) {
            Signal::Buy => broker.on_signal(1.0, close),
            Signal::Sell => broker.on_signal(-1.0, close),
            Signal::Hold => {}
        }
    }
    if !bankrupt && cfg.finalize_trades && start < n {
        // `trade.close()` for open trades (queued first), then one more `broker.next()` on
        // the last bar: orders still queued from the last signal are filled there too.
        if broker.open.is_some() {
            broker.pending.close = Some(ExitReason::End);
        }
        broker.process(n - 1);
        let eq = broker.equity(data.close[n - 1]);
        equity[n - 1] = eq;
        if eq <= 0.0 {
            broker.close(data.close[n - 1], n - 1, ExitReason::End);
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
