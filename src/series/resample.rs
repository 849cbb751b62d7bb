//! Resampling to a coarser timeframe. Buckets are aligned to the Unix epoch in UTC (weeks
//! start on Monday 00:00 UTC) and labelled by their start time. Open = first open,
//! high = max high, low = min low, close = last close, volume = sum. Empty buckets produce
//! no bar (markets close), so the result has as many bars as non-empty buckets.

use super::Ohlcv;
use crate::{Error, Result};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;
/// 1970-01-01 was a Thursday; Monday 1970-01-05 starts the first whole week.
const WEEK_OFFSET: i64 = 4 * DAY;

/// `"15m"`, `"1h"`, `"4h"`, `"1d"`, `"1w"` (also `s`, `min`, `H`, `D`, `W`) → milliseconds.
pub fn parse_timeframe(spec: &str) -> Result<i64> {
    let s = spec.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = if num.is_empty() { 1 } else { num.parse().unwrap_or(0) };
    let unit_ms = match unit.to_ascii_lowercase().as_str() {
        "s" | "sec" => 1000,
        "m" | "min" | "t" => MINUTE,
        "h" | "hr" => HOUR,
        "d" | "day" => DAY,
        "w" | "wk" | "week" => WEEK,
        _ => 0,
    };
    if n <= 0 || unit_ms == 0 || n > 10_000 {
        return Err(Error::invalid_parameter(format!(
            "timeframe '{spec}' is not valid; use a count and a unit such as 15m, 1h, 4h, 1d, 1w"
        ))
        .with("parameter", "timeframe")
        .with("value", spec));
    }
    Ok(n * unit_ms)
}

/// Aggregates `data` into bars of `timeframe_ms`. The target must not be finer than the
/// data's own spacing (that would invent bars), which is checked.
pub fn resample(data: &Ohlcv, timeframe_ms: i64) -> Result<Ohlcv> {
    if timeframe_ms <= 0 {
        return Err(Error::invalid_parameter("timeframe must be positive").with("parameter", "timeframe"));
    }
    let min_step = data.time.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(timeframe_ms);
    if timeframe_ms < min_step {
        return Err(Error::invalid_parameter(format!(
            "cannot resample to {timeframe_ms} ms: the data's bars are {min_step} ms apart; resampling only makes bars coarser"
        ))
        .with("parameter", "timeframe")
        .with("timeframe_ms", timeframe_ms)
        .with("data_step_ms", min_step));
    }
    let offset = if timeframe_ms % WEEK == 0 { WEEK_OFFSET } else { 0 };
    let bucket_of = |t: i64| (t - offset).div_euclid(timeframe_ms) * timeframe_ms + offset;

    let mut out = Ohlcv::default();
    for i in 0..data.len() {
        let bucket = bucket_of(data.time[i]);
        if out.time.last() == Some(&bucket) {
            let last = out.len() - 1;
            out.high[last] = out.high[last].max(data.high[i]);
            out.low[last] = out.low[last].min(data.low[i]);
            out.close[last] = data.close[i];
            out.volume[last] += data.volume[i];
        } else {
            out.time.push(bucket);
            out.open.push(data.open[i]);
            out.high.push(data.high[i]);
            out.low.push(data.low[i]);
            out.close.push(data.close[i]);
            out.volume.push(data.volume[i]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hourly(n: usize) -> Ohlcv {
        let time = (0..n as i64).map(|i| i * HOUR).collect();
        let close: Vec<f64> = (0..n).map(|i| 100.0 + i as f64).collect();
        let high = close.iter().map(|c| c + 1.0).collect();
        let low = close.iter().map(|c| c - 1.0).collect();
        let open = close.iter().map(|c| c - 0.5).collect();
        Ohlcv::new(time, open, high, low, close, vec![1.0; n]).expect("valid")
    }

    #[test]
    fn timeframes_parse() {
        assert_eq!(parse_timeframe("4h").ok(), Some(4 * HOUR));
        assert_eq!(parse_timeframe("1D").ok(), Some(DAY));
        assert_eq!(parse_timeframe("15min").ok(), Some(15 * MINUTE));
        assert!(parse_timeframe("4x").is_err());
        assert!(parse_timeframe("0h").is_err());
    }

    #[test]
    fn hourly_to_4h_to_daily_aggregates() {
        let h = hourly(48);
        let h4 = resample(&h, 4 * HOUR).expect("4h");
        assert_eq!(h4.len(), 12);
        assert_eq!(h4.open[1], h.open[4]);
        assert_eq!(h4.close[1], h.close[7]);
        assert_eq!(h4.high[1], h.high[7]);
        assert_eq!(h4.low[1], h.low[4]);
        assert_eq!(h4.volume[1], 4.0);
        // Resampling in two steps equals one step.
        let d_direct = resample(&h, DAY).expect("1d");
        let d_steps = resample(&h4, DAY).expect("1d from 4h");
        assert_eq!(d_direct, d_steps);
        assert_eq!(d_direct.len(), 2);
        assert!(resample(&h4, HOUR).is_err());
    }

    #[test]
    fn weeks_start_on_monday() {
        // 1970-01-05 (Monday) .. 1970-01-11 (Sunday) is one bucket; 01-12 starts the next.
        let days: Vec<i64> = (4..12).map(|d| d * DAY).collect();
        let n = days.len();
        let d = Ohlcv::new(days, vec![1.0; n], vec![2.0; n], vec![1.0; n], vec![1.5; n], vec![]).expect("valid");
        let w = resample(&d, WEEK).expect("weekly");
        assert_eq!(w.time, vec![4 * DAY, 11 * DAY]);
    }
}
