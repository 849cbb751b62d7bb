//! Order options of a signal-driven backtest: which side a signal may open, how big an entry
//! is, its stop-loss / take-profit / limit distances, a trailing stop, what a repeated signal
//! does and how a bar is walked when one bar touches more than one order.
//!
//! Distances are fractions of the signal bar's close, as in the reference strategy of
//! `make_orders_golden.py` (long: stop `close×(1−sl)`, target `close×(1+tp)`, limit
//! `close×(1−limit)`; shorts mirrored).

use crate::{Error, Result};
use serde::Serialize;
use serde_json::Value;

/// Which side a signal may open. A signal always closes the open position first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// BUY opens long, SELL opens short (the long/short reversal).
    #[default]
    Both,
    /// BUY opens long, SELL only closes.
    Long,
    /// SELL opens short, BUY only closes.
    Short,
}

impl Direction {
    pub const NAMES: [&'static str; 3] = ["both", "long", "short"];

    /// May a signal of side `dir` (+1 buy, −1 sell) open a trade?
    pub fn allows(self, dir: f64) -> bool {
        match self {
            Direction::Both => true,
            Direction::Long => dir > 0.0,
            Direction::Short => dir < 0.0,
        }
    }
}

/// What a signal in the direction already held (or already waiting as an entry order) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Repeat {
    /// Close and enter again at the next fill (backtesting.py's SmaCross behaviour).
    #[default]
    Reenter,
    /// Nothing: the open trade and its orders stay as they are.
    Ignore,
}

impl Repeat {
    pub const NAMES: [&'static str; 2] = ["reenter", "ignore"];
}

/// How the price is assumed to move inside a bar that touches several order levels.
/// See docs/backtest.md for the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Intrabar {
    /// backtesting.py 0.6.6 exactly: stop-loss before take-profit, both checked over the
    /// whole bar; the stop/target of a trade opened by a limit order wait for the next bar.
    #[default]
    BacktestingPy,
    /// The bar moves against the position (or the pending entry) first.
    Pessimistic,
    /// The bar moves in favour of the position (or the pending entry) first.
    Optimistic,
    /// open → the extreme nearer the open → the other extreme → close (ties: low first).
    Ohlc,
}

impl Intrabar {
    pub const NAMES: [&'static str; 4] = ["backtesting.py", "pessimistic", "optimistic", "ohlc"];
}

/// Why a trade was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    /// Closed by a signal (the close order placed by the next BUY/SELL).
    #[default]
    Signal,
    /// Its stop-loss order filled at the stop it was opened with.
    StopLoss,
    /// Its take-profit order filled.
    TakeProfit,
    /// Its stop-loss order filled after `trailing_sl` had moved it.
    Trailing,
    /// Still open when the data (or the money) ran out: `finalize_trades` or bankruptcy.
    End,
}

impl ExitReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ExitReason::Signal => "signal",
            ExitReason::StopLoss => "stop_loss",
            ExitReason::TakeProfit => "take_profit",
            ExitReason::Trailing => "trailing",
            ExitReason::End => "end",
        }
    }
}

/// The order options of one backtest. Defaults reproduce the plain long/short reversal.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OrderOptions {
    pub direction: Direction,
    /// backtesting.py's `size`: a fraction in (0, 1) of available liquidity, or units ≥ 1
    /// (whole unless `fractional`). `None`: all available liquidity.
    pub size: Option<f64>,
    /// Units need not be whole: a fractional size spends exactly that share of liquidity.
    pub fractional: bool,
    pub sl: Option<f64>,
    pub tp: Option<f64>,
    pub limit: Option<f64>,
    pub trailing_sl: Option<f64>,
    pub repeat: Repeat,
    pub intrabar: Intrabar,
}

/// Option names this module owns (snake_case; camelCase is accepted by the config parser).
pub const ORDER_KEYS: [&str; 9] = ["direction", "size", "fractional", "sl", "tp", "limit", "trailing_sl", "repeat", "intrabar"];

impl OrderOptions {
    /// Is any option set away from its default? (vectorbt semantics take none of them.)
    pub fn first_set(&self) -> Option<&'static str> {
        let d = OrderOptions::default();
        [
            ("direction", self.direction != d.direction),
            ("size", self.size.is_some()),
            ("fractional", self.fractional),
            ("sl", self.sl.is_some()),
            ("tp", self.tp.is_some()),
            ("limit", self.limit.is_some()),
            ("trailing_sl", self.trailing_sl.is_some()),
            ("repeat", self.repeat != d.repeat),
            ("intrabar", self.intrabar != d.intrabar),
        ]
        .into_iter()
        .find(|(_, set)| *set)
        .map(|(name, _)| name)
    }

    /// Sets option `key` (snake_case) from JSON; `raw_key` is the spelling the caller used.
    /// Returns `Ok(false)` when `key` is not an order option. `null` leaves a distance unset.
    pub fn set(&mut self, key: &str, raw_key: &str, v: &Value) -> Result<bool> {
        match key {
            "direction" => {
                self.direction = match choice(raw_key, v, &Direction::NAMES)? {
                    "long" => Direction::Long,
                    "short" => Direction::Short,
                    _ => Direction::Both,
                }
            }
            "repeat" => {
                self.repeat = match choice(raw_key, v, &Repeat::NAMES)? {
                    "ignore" => Repeat::Ignore,
                    _ => Repeat::Reenter,
                }
            }
            "intrabar" => {
                self.intrabar = match choice(raw_key, v, &Intrabar::NAMES)? {
                    "pessimistic" => Intrabar::Pessimistic,
                    "optimistic" => Intrabar::Optimistic,
                    "ohlc" => Intrabar::Ohlc,
                    _ => Intrabar::BacktestingPy,
                }
            }
            "fractional" => {
                self.fractional =
                    v.as_bool().ok_or_else(|| field_error(raw_key, format!("'{raw_key}' must be true or false, got {v}")))?
            }
            "size" => self.size = optional_number(raw_key, v)?,
            "sl" => self.sl = optional_number(raw_key, v)?,
            "tp" => self.tp = optional_number(raw_key, v)?,
            "limit" => self.limit = optional_number(raw_key, v)?,
            "trailing_sl" => self.trailing_sl = optional_number(raw_key, v)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Range checks, and the bracket rules backtesting.py asserts when an order is placed
    /// (long: SL < entry < TP), which for fractional distances reduce to rules on the options.
    pub fn validate(&self, spread: f64) -> Result<()> {
        for (name, value) in [("sl", self.sl), ("tp", self.tp), ("limit", self.limit), ("trailing_sl", self.trailing_sl)] {
            if let Some(f) = value {
                if !(f > 0.0 && f < 1.0) {
                    return Err(out_of_range(name, f, "(0, 1)", "a fraction of the signal bar's close"));
                }
            }
        }
        if let Some(s) = self.size {
            if !(s > 0.0 && s.is_finite()) {
                return Err(out_of_range("size", s, "(0, 1) or >= 1", "a fraction of liquidity or a number of units"));
            }
            if s >= 1.0 && s.fract() != 0.0 && !self.fractional {
                return Err(field_error(
                    "size",
                    format!(
                        "size = {s} is not a whole number of units; use a fraction in (0, 1), whole units, or fractional: true"
                    ),
                )
                .with("value", s));
            }
        }
        if let (Some(sl), Some(limit)) = (self.sl, self.limit) {
            if sl <= limit {
                return Err(field_error(
                    "sl",
                    format!("sl = {sl} must be farther than limit = {limit}: the stop would sit beyond the entry price"),
                )
                .with("value", sl));
            }
        }
        if let (Some(tp), None) = (self.tp, self.limit) {
            if tp <= spread {
                return Err(field_error(
                    "tp",
                    format!("tp = {tp} must exceed spread = {spread}: the target would sit before the entry price"),
                )
                .with("value", tp));
            }
        }
        Ok(())
    }
}

fn field_error(field: &str, message: String) -> Error {
    Error::invalid_parameter(message).with("field", field).with("parameter", field)
}

fn out_of_range(field: &str, value: f64, range: &str, what: &str) -> Error {
    field_error(field, format!("{field} = {value} is outside {range}; give {what}")).with("value", value).with("range", range)
}

fn choice<'a>(raw_key: &str, v: &Value, allowed: &[&'a str]) -> Result<&'a str> {
    let s = v.as_str().map(|s| s.trim().to_ascii_lowercase());
    let found = s.as_deref().and_then(|s| {
        allowed.iter().copied().find(|a| *a == s || (*a == "backtesting.py" && (s == "backtesting" || s == "backtestingpy")))
    });
    found.ok_or_else(|| {
        field_error(raw_key, format!("'{raw_key}' must be one of {}, got {v}", allowed.join(", ")))
            .with("allowed", allowed.to_vec())
    })
}

fn optional_number(raw_key: &str, v: &Value) -> Result<Option<f64>> {
    match v {
        Value::Null => Ok(None),
        _ => v.as_f64().map(Some).ok_or_else(|| field_error(raw_key, format!("'{raw_key}' must be a number, got {v}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_choices_and_rejects_others() {
        let mut o = OrderOptions::default();
        assert!(o.set("direction", "direction", &json!("Long")).expect("ok"));
        assert!(o.set("intrabar", "intrabar", &json!("ohlc")).expect("ok"));
        assert!(o.set("repeat", "repeat", &json!("ignore")).expect("ok"));
        assert_eq!((o.direction, o.intrabar, o.repeat), (Direction::Long, Intrabar::Ohlc, Repeat::Ignore));
        assert!(!o.set("cash", "cash", &json!(1)).expect("not mine"));
        let e = o.set("direction", "direction", &json!("sideways")).unwrap_err();
        assert_eq!(e.detail("field").and_then(|v| v.as_str()), Some("direction"));
        assert!(o.set("sl", "sl", &json!("2%")).is_err());
    }

    #[test]
    fn validates_ranges_and_brackets() {
        let bad = |o: OrderOptions, field: &str| {
            let e = o.validate(0.0).unwrap_err();
            assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
            assert_eq!(e.detail("field").and_then(|v| v.as_str()), Some(field), "{o:?}");
        };
        let d = OrderOptions::default();
        bad(OrderOptions { sl: Some(0.0), ..d }, "sl");
        bad(OrderOptions { tp: Some(1.0), ..d }, "tp");
        bad(OrderOptions { trailing_sl: Some(-0.1), ..d }, "trailing_sl");
        bad(OrderOptions { limit: Some(f64::NAN), ..d }, "limit");
        bad(OrderOptions { size: Some(0.0), ..d }, "size");
        bad(OrderOptions { size: Some(2.5), ..d }, "size");
        bad(OrderOptions { sl: Some(0.01), limit: Some(0.02), ..d }, "sl");
        assert!(OrderOptions { size: Some(2.5), fractional: true, ..d }.validate(0.0).is_ok());
        assert!(OrderOptions { tp: Some(0.01), ..d }.validate(0.02).is_err());
    }
}
