//! A closed trade, with the columns of backtesting.py's `stats._trades`.

use super::orders::ExitReason;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trade {
    /// Units; negative for shorts. Whole units under backtesting.py semantics,
    /// fractional under vectorbt's.
    #[serde(rename = "Size")]
    pub size: f64,
    #[serde(rename = "EntryBar")]
    pub entry_bar: usize,
    #[serde(rename = "ExitBar")]
    pub exit_bar: usize,
    #[serde(rename = "EntryPrice")]
    pub entry_price: f64,
    #[serde(rename = "ExitPrice")]
    pub exit_price: f64,
    /// Profit in cash, net of both commissions.
    #[serde(rename = "PnL")]
    pub pnl: f64,
    /// Return as a fraction of the entry value, net of both commissions.
    #[serde(rename = "ReturnPct")]
    pub return_pct: f64,
    /// Milliseconds since the epoch.
    #[serde(rename = "EntryTime")]
    pub entry_time: i64,
    #[serde(rename = "ExitTime")]
    pub exit_time: i64,
    /// Entry plus exit commission in cash.
    #[serde(rename = "Commission")]
    pub commission: f64,
    /// Stop-loss price when the trade closed (after any trailing), `None` without one.
    #[serde(rename = "SL")]
    pub sl: Option<f64>,
    /// Take-profit price, `None` without one.
    #[serde(rename = "TP")]
    pub tp: Option<f64>,
    #[serde(rename = "ExitReason")]
    pub exit_reason: ExitReason,
}

impl Trade {
    pub fn duration_ms(&self) -> i64 {
        self.exit_time - self.entry_time
    }

    pub fn is_long(&self) -> bool {
        self.size > 0.0
    }
}
