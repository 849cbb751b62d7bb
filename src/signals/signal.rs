//! The signal every strategy, rule and merger speaks.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Signal {
    Sell = -1,
    Hold = 0,
    Buy = 1,
}

impl Signal {
    /// `1 → Buy`, `0 → Hold`, `-1 → Sell`; anything else is not a signal.
    pub fn from_number(v: f64) -> Option<Signal> {
        match v {
            x if x == 1.0 => Some(Signal::Buy),
            x if x == 0.0 => Some(Signal::Hold),
            x if x == -1.0 => Some(Signal::Sell),
            _ => None,
        }
    }

    /// `buy`/`sell`/`hold` in any case, surrounding spaces ignored.
    pub fn from_text(s: &str) -> Option<Signal> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("buy") {
            Some(Signal::Buy)
        } else if s.eq_ignore_ascii_case("sell") {
            Some(Signal::Sell)
        } else if s.eq_ignore_ascii_case("hold") {
            Some(Signal::Hold)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Buy => "BUY",
            Signal::Sell => "SELL",
            Signal::Hold => "HOLD",
        }
    }

    pub fn as_i8(self) -> i8 {
        self as i8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parses_numbers_and_text() {
        assert_eq!(Signal::from_number(-1.0), Some(Signal::Sell));
        assert_eq!(Signal::from_number(0.5), None);
        assert_eq!(Signal::from_text(" bUy "), Some(Signal::Buy));
        assert_eq!(Signal::from_text("long"), None);
        assert_eq!(Signal::Hold.as_str(), "HOLD");
    }
}
