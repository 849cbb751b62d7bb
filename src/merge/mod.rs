//! StrategyOutputMerger: combines the signal tables of several strategies into one
//! (weighted vote, majority vote or priority), deterministically.
//!
//! The core works on columnar data: each strategy's timestamps (f64 milliseconds) are
//! sorted and de-duplicated once (last row wins), then all strategies are walked together by
//! a k-way merge, so the cost is O(rows × strategies) with no per-timestamp allocation or
//! hashing. Rules, tie policy and fallbacks are documented in `docs/merge.md`.

mod config;
mod engine;

pub use config::{MergeConfig, MergeMethod, SignalFormat};
pub use engine::merge;

use crate::signals::Signal;
use crate::{Error, Result};

/// The message of the single fallback row returned when no strategy output is usable.
pub const NO_VALID_OUTPUTS: &str = "No valid strategy outputs";

/// One strategy's signal table, columnar. `signal` holds `-1` (Sell), `0` (Hold), `1` (Buy).
/// `timestamp: None` models an output without a timestamp column (skipped with a warning).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrategyOutput {
    pub timestamp: Option<Vec<f64>>,
    pub signal: Option<Vec<i8>>,
    pub confidence: Option<Vec<f64>>,
}

impl StrategyOutput {
    /// A table from timestamps (ms) and signals.
    pub fn new(timestamp: Vec<f64>, signal: Vec<Signal>) -> Self {
        StrategyOutput {
            timestamp: Some(timestamp),
            signal: Some(signal.into_iter().map(Signal::as_i8).collect()),
            confidence: None,
        }
    }

    /// A table from timestamps and signal codes (`1`/`0`/`-1`; other codes are rejected by
    /// [`merge`] with the row).
    pub fn from_codes(timestamp: Vec<f64>, signal: Vec<i8>) -> Self {
        StrategyOutput { timestamp: Some(timestamp), signal: Some(signal), confidence: None }
    }

    /// Adds the optional per-row confidence column (each value in `[0, 1]`).
    pub fn with_confidence(mut self, confidence: Vec<f64>) -> Self {
        self.confidence = Some(confidence);
        self
    }
}

/// `strategy name → output` in a fixed order (the order breaks no ties, but it is the
/// fallback priority order for strategies that `config.priority` does not name).
/// `None` is a null output.
pub type NamedOutputs = Vec<(String, Option<StrategyOutput>)>;

/// The merged table, columnar. Every column has one entry per row.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeResult {
    pub method: MergeMethod,
    /// Sorted union of the valid strategies' timestamps (ms). `NaN` in the fallback row.
    pub timestamp: Vec<f64>,
    /// `-1` Sell, `0` Hold, `1` Buy.
    pub signal: Vec<i8>,
    pub confidence: Vec<f64>,
    /// How many strategies had a signal at that timestamp.
    pub strategy_count: Vec<u32>,
    /// Priority only: index into `strategies` of the strategy whose signal was used.
    pub strategy_used: Option<Vec<u32>>,
    /// Names of the strategies that took part, in input order.
    pub strategies: Vec<String>,
    pub warnings: Vec<String>,
    /// Set only for the fallback row: [`NO_VALID_OUTPUTS`].
    pub error: Option<String>,
}

impl MergeResult {
    pub fn len(&self) -> usize {
        self.timestamp.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timestamp.is_empty()
    }

    /// The signal of row `i` as a [`Signal`] (Hold past the end).
    pub fn signal_at(&self, i: usize) -> Signal {
        self.signal.get(i).map_or(Signal::Hold, |&c| code_to_signal(c))
    }

    /// Priority only: the name of the strategy used at row `i`.
    pub fn strategy_used_at(&self, i: usize) -> Option<&str> {
        let idx = *self.strategy_used.as_ref()?.get(i)?;
        self.strategies.get(idx as usize).map(String::as_str)
    }

    /// The single `HOLD` row returned when no output is usable.
    fn fallback(method: MergeMethod, warnings: Vec<String>) -> Self {
        MergeResult {
            method,
            timestamp: vec![f64::NAN],
            signal: vec![0],
            confidence: vec![0.0],
            strategy_count: vec![0],
            strategy_used: (method == MergeMethod::Priority).then(Vec::new),
            strategies: Vec::new(),
            warnings,
            error: Some(NO_VALID_OUTPUTS.to_string()),
        }
    }
}

fn code_to_signal(c: i8) -> Signal {
    match c {
        1 => Signal::Buy,
        -1 => Signal::Sell,
        _ => Signal::Hold,
    }
}

/// Parses one signal cell given as text: `buy`/`sell`/`hold` in any case, or the codes
/// `'1'`/`'0'`/`'-1'` written as text; the error names the strategy and the row.
pub fn signal_from_text(text: &str, strategy: &str, row: usize) -> Result<i8> {
    parse_signal_text(text).ok_or_else(|| bad_signal(strategy, row, &format!("'{text}'")))
}

/// `Some(code)` for `buy`/`sell`/`hold` (any case, spaces ignored) or `1`/`0`/`-1` as text.
pub fn parse_signal_text(text: &str) -> Option<i8> {
    Signal::from_text(text)
        .or_else(|| text.trim().parse::<f64>().ok().and_then(Signal::from_number))
        .map(Signal::as_i8)
}

/// Parses one numeric signal cell (`1`/`0`/`-1`); the error names the strategy and the row.
pub fn signal_from_number(value: f64, strategy: &str, row: usize) -> Result<i8> {
    Signal::from_number(value).map(Signal::as_i8).ok_or_else(|| bad_signal(strategy, row, &value.to_string()))
}

/// INVALID_INPUT for a signal cell that is neither BUY/SELL/HOLD nor 1/0/-1.
pub fn bad_signal(strategy: &str, row: usize, shown: &str) -> Error {
    Error::invalid_input(format!(
        "strategy '{strategy}', row {row}: signal {shown} is not BUY/SELL/HOLD (any case) or 1/0/-1"
    ))
    .with("strategy", strategy)
    .with("row", row)
    .with("field", "signal")
}

/// Parses a timestamp given as text: RFC 3339 / ISO 8601 (`2024-01-02T03:04:05Z`,
/// `+02:00` offsets, fractional seconds), `YYYY-MM-DD HH:MM:SS[.fff]` or
/// `YYYY-MM-DDTHH:MM:SS[.fff]` without an offset (taken as UTC), or a plain `YYYY-MM-DD`
/// (midnight UTC). Returns milliseconds since the Unix epoch.
pub fn parse_timestamp(text: &str) -> Option<f64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let s = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis() as f64);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.and_utc().timestamp_millis() as f64);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_millis() as f64)
}

/// INVALID_INPUT for a timestamp cell that is not a finite number or a parsable date.
pub fn bad_timestamp(strategy: &str, row: usize, shown: &str) -> Error {
    Error::invalid_input(format!(
        "strategy '{strategy}', row {row}: timestamp {shown} is not a finite number of milliseconds or an ISO 8601 date"
    ))
    .with("strategy", strategy)
    .with("row", row)
    .with("field", "timestamp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:01Z"), Some(1000.0));
        assert_eq!(parse_timestamp("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(parse_timestamp("1970-01-02"), Some(86_400_000.0));
        assert_eq!(parse_timestamp("1970-01-01 00:00:00.250"), Some(250.0));
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn signal_cells_parse_or_name_the_row() {
        assert_eq!(signal_from_text("sElL", "a", 0), Ok(-1));
        assert_eq!(signal_from_text(" -1 ", "a", 0), Ok(-1));
        assert!(signal_from_text("2", "a", 0).is_err());
        assert!(signal_from_text("", "a", 0).is_err());
        assert_eq!(signal_from_number(1.0, "a", 0), Ok(1));
        let e = signal_from_number(2.0, "rsi", 7).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_INPUT");
        assert_eq!(e.detail("strategy").and_then(|v| v.as_str()), Some("rsi"));
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(7));
    }
}
