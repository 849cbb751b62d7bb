//! Market data: `Ohlcv` (columnar f64 + i64 millisecond timestamps), CSV import,
//! resampling to coarser timeframes.

pub mod align;
mod csv_import;
mod resample;

pub use align::{align_completed, completed_index, on_timeframe};
pub use csv_import::parse_csv;
pub use resample::{parse_timeframe, resample};

use crate::{Error, Result};

/// Columnar OHLCV bars. Invariants (checked by [`Ohlcv::new`]): all columns have the same
/// length, timestamps strictly increase, prices are finite and positive, high ≥ low,
/// volume finite and ≥ 0.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ohlcv {
    pub time: Vec<i64>,
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

/// Names of the price/volume columns, in order, for error messages.
pub const COLUMNS: [&str; 5] = ["open", "high", "low", "close", "volume"];

impl Ohlcv {
    /// Builds a validated series. `volume` may be empty (treated as all zeros).
    pub fn new(
        time: Vec<i64>,
        open: Vec<f64>,
        high: Vec<f64>,
        low: Vec<f64>,
        close: Vec<f64>,
        volume: Vec<f64>,
    ) -> Result<Self> {
        let n = time.len();
        let volume = if volume.is_empty() { vec![0.0; n] } else { volume };
        for (name, len) in [
            ("open", open.len()),
            ("high", high.len()),
            ("low", low.len()),
            ("close", close.len()),
            ("volume", volume.len()),
        ] {
            if len != n {
                return Err(Error::invalid_input(format!(
                    "column '{name}' has {len} values but 'time' has {n}; all columns must have the same length"
                ))
                .with("column", name)
                .with("length", len)
                .with("expected", n));
            }
        }
        if n == 0 {
            return Err(Error::invalid_input("no bars: the series is empty").with("rows", 0));
        }
        let data = Ohlcv { time, open, high, low, close, volume };
        data.validate()?;
        Ok(data)
    }

    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// A column by name (`open`, `high`, `low`, `close`, `volume`).
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        match name {
            "open" => Some(&self.open),
            "high" => Some(&self.high),
            "low" => Some(&self.low),
            "close" => Some(&self.close),
            "volume" => Some(&self.volume),
            _ => None,
        }
    }

    /// Bars `[start, end)` as a new series (used by walk-forward splits).
    pub fn slice(&self, start: usize, end: usize) -> Ohlcv {
        let end = end.min(self.len());
        let start = start.min(end);
        Ohlcv {
            time: self.time[start..end].to_vec(),
            open: self.open[start..end].to_vec(),
            high: self.high[start..end].to_vec(),
            low: self.low[start..end].to_vec(),
            close: self.close[start..end].to_vec(),
            volume: self.volume[start..end].to_vec(),
        }
    }

    /// Checks every invariant; errors name the row (0-based bar index) and column.
    fn validate(&self) -> Result<()> {
        for i in 0..self.len() {
            for (name, col) in [
                ("open", &self.open),
                ("high", &self.high),
                ("low", &self.low),
                ("close", &self.close),
            ] {
                let v = col[i];
                if !v.is_finite() {
                    return Err(bad_value(i, name, v, "is not a finite number"));
                }
                if v <= 0.0 {
                    return Err(bad_value(i, name, v, "must be a positive price"));
                }
            }
            let vol = self.volume[i];
            if !vol.is_finite() || vol < 0.0 {
                return Err(bad_value(i, "volume", vol, "must be a finite number ≥ 0"));
            }
            if self.high[i] < self.low[i] {
                return Err(Error::invalid_input(format!(
                    "row {i}: high {} is below low {}",
                    self.high[i], self.low[i]
                ))
                .with("row", i)
                .with("column", "high")
                .with("high", self.high[i])
                .with("low", self.low[i]));
            }
            if i > 0 {
                let (prev, t) = (self.time[i - 1], self.time[i]);
                if t == prev {
                    return Err(Error::invalid_input(format!(
                        "row {i}: duplicate timestamp {t} (same as row {})",
                        i - 1
                    ))
                    .with("row", i)
                    .with("column", "time")
                    .with("timestamp", t));
                }
                if t < prev {
                    return Err(Error::invalid_input(format!(
                        "row {i}: timestamp {t} is earlier than the previous row's {prev}; rows must be sorted by time"
                    ))
                    .with("row", i)
                    .with("column", "time")
                    .with("timestamp", t));
                }
            }
        }
        Ok(())
    }
}

fn bad_value(row: usize, column: &str, value: f64, what: &str) -> Error {
    Error::invalid_input(format!("row {row}, column '{column}': value {value} {what}"))
        .with("row", row)
        .with("column", column)
        .with("value", value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(n: usize) -> (Vec<i64>, Vec<f64>) {
        ((0..n as i64).map(|i| i * 60_000).collect(), (0..n).map(|i| 10.0 + i as f64).collect())
    }

    #[test]
    fn new_accepts_valid_and_defaults_volume() {
        let (t, p) = bars(3);
        let d = Ohlcv::new(t, p.clone(), p.clone(), p.clone(), p, vec![]).expect("valid");
        assert_eq!(d.volume, vec![0.0; 3]);
    }

    #[test]
    fn new_rejects_each_invariant() {
        let (t, p) = bars(3);
        let e = Ohlcv::new(t.clone(), p.clone(), p.clone(), p.clone(), p[..2].to_vec(), vec![]).unwrap_err();
        assert_eq!(e.detail("column").and_then(|v| v.as_str()), Some("close"));
        let mut low = p.clone();
        low[1] = 100.0;
        let e = Ohlcv::new(t.clone(), p.clone(), p.clone(), low, p.clone(), vec![]).unwrap_err();
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(1));
        let mut bad = p.clone();
        bad[2] = f64::NAN;
        let e = Ohlcv::new(t.clone(), bad, p.clone(), p.clone(), p.clone(), vec![]).unwrap_err();
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(2));
        let mut neg = p.clone();
        neg[0] = -1.0;
        assert!(Ohlcv::new(t.clone(), p.clone(), p.clone(), p.clone(), neg, vec![]).is_err());
        let mut dup = t.clone();
        dup[2] = dup[1];
        let e = Ohlcv::new(dup, p.clone(), p.clone(), p.clone(), p.clone(), vec![]).unwrap_err();
        assert!(e.message.contains("duplicate"));
        let mut uns = t;
        uns.swap(0, 1);
        let e = Ohlcv::new(uns, p.clone(), p.clone(), p.clone(), p, vec![]).unwrap_err();
        assert!(e.message.contains("sorted"));
        assert!(Ohlcv::new(vec![], vec![], vec![], vec![], vec![], vec![]).is_err());
    }
}
