//! Aligning a higher-timeframe column back onto the base bars without look-ahead.
//!
//! A higher-timeframe bar labelled `start` covers `[start, start + timeframe)`. At base bar
//! `i` (timestamp `t`) only higher-timeframe bars that had *ended* by `t` are known, so the
//! base bar takes the value of the latest one with `start + timeframe <= t`. At the first
//! bar of a new week the weekly value is therefore the week just completed, and appending
//! bars never changes a value already produced. Shared by `analysis` (multi-timeframe) and
//! the rules' `tf()`.

use super::{resample, Ohlcv};
use crate::Result;

/// For each base timestamp, the index of the latest completed higher-timeframe bar, or
/// `None` while no higher-timeframe bar has completed yet. `htf_time` must be increasing
/// (as [`resample`] produces it).
pub fn completed_index(base_time: &[i64], htf_time: &[i64], timeframe_ms: i64) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(base_time.len());
    let mut next = 0usize; // first higher-timeframe bar not yet known to be complete
    for &t in base_time {
        while next < htf_time.len() && htf_time[next].saturating_add(timeframe_ms) <= t {
            next += 1;
        }
        out.push(next.checked_sub(1));
    }
    out
}

/// `values` (one per higher-timeframe bar) aligned onto the base bars; NaN before the first
/// completed higher-timeframe bar.
pub fn align_completed(base_time: &[i64], htf_time: &[i64], timeframe_ms: i64, values: &[f64]) -> Vec<f64> {
    completed_index(base_time, htf_time, timeframe_ms)
        .into_iter()
        .map(|j| j.and_then(|j| values.get(j).copied()).unwrap_or(f64::NAN))
        .collect()
}

/// Resamples `data` to `timeframe_ms`, computes `f` on the coarser bars (one or more
/// columns, each as long as the resampled series) and aligns every column back onto
/// `data`'s bars with [`align_completed`].
pub fn on_timeframe<F>(data: &Ohlcv, timeframe_ms: i64, f: F) -> Result<Vec<Vec<f64>>>
where
    F: FnOnce(&Ohlcv) -> Result<Vec<Vec<f64>>>,
{
    let htf = resample(data, timeframe_ms)?;
    let columns = f(&htf)?;
    Ok(columns
        .iter()
        .map(|c| align_completed(&data.time, &htf.time, timeframe_ms, c))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn a_bucket_is_visible_only_from_the_first_bar_after_it_ends() {
        // Daily bars Mon 1970-01-05 .. Tue 1970-01-13, weekly buckets from Monday.
        let base: Vec<i64> = (4..13).map(|d| d * DAY).collect();
        let weeks = [4 * DAY, 11 * DAY];
        let idx = completed_index(&base, &weeks, 7 * DAY);
        assert_eq!(idx[..7], [None; 7]);
        assert_eq!(idx[7..], [Some(0), Some(0)]);
        let v = align_completed(&base, &weeks, 7 * DAY, &[1.5, 2.5]);
        assert!(v[6].is_nan());
        assert_eq!(v[7], 1.5);
    }

    #[test]
    fn appending_bars_never_changes_earlier_values() {
        let base: Vec<i64> = (0..200).map(|h| h * 3_600_000).collect();
        let tf = 4 * 3_600_000;
        let htf: Vec<i64> = (0..50).map(|k| k * tf).collect();
        let vals: Vec<f64> = (0..50).map(|k| k as f64).collect();
        let full = align_completed(&base, &htf, tf, &vals);
        for cut in [1usize, 7, 33, 120] {
            let htf_cut: Vec<i64> = htf.iter().copied().filter(|&s| s <= base[cut - 1]).collect();
            let part = align_completed(&base[..cut], &htf_cut, tf, &vals[..htf_cut.len()]);
            for (a, b) in part.iter().zip(&full) {
                assert!(a == b || (a.is_nan() && b.is_nan()));
            }
        }
    }
}
