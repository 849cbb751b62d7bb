//! Latency statistics in constant memory.
//!
//! A log-linear histogram (HDR-style) instead of a list of samples: every power of two is split
//! into 128 linear sub-buckets, so a bucket is at most 0.8 % wide and a percentile is within
//! 0.4 % of the exact sample value. The bucket index comes straight from the f64's exponent and
//! top mantissa bits (no logarithm on the hot path), recording is O(1) with no allocation once the
//! range is reached, and memory stays flat on runs of any length. `min`, `max`, `count` and the
//! mean are exact.

use serde::Serialize;

const SUB_BITS: u32 = 7; // 128 sub-buckets per power of two
const SUBS: usize = 1 << SUB_BITS;
const MIN_EXP: i64 = -10; // 2^-10 ms ~ 1 microsecond: bucket 0 holds everything below
const MAX_EXP: i64 = 40; // 2^40 ms ~ 35 years: larger samples share the last bucket
const MAX_BUCKETS: usize = 1 + ((MAX_EXP - MIN_EXP + 1) as usize) * SUBS;

#[derive(Clone, Debug, Default)]
pub struct Histogram {
    buckets: Vec<u32>,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
}

/// Percentile summary of a latency distribution, in milliseconds. All fields are 0 when empty.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    pub count: u64,
    pub avg: f64,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Histogram {
    pub fn new() -> Self {
        Self::default()
    }

    fn index(v: f64) -> usize {
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
        if exp < MIN_EXP {
            return 0;
        }
        if exp > MAX_EXP {
            return MAX_BUCKETS - 1;
        }
        let sub = ((bits >> (52 - SUB_BITS)) as usize) & (SUBS - 1);
        1 + (exp - MIN_EXP) as usize * SUBS + sub
    }

    /// Middle of bucket `i` (> 0).
    fn midpoint(i: usize) -> f64 {
        let e = ((i - 1) / SUBS) as i32 + MIN_EXP as i32;
        let sub = ((i - 1) % SUBS) as f64;
        2f64.powi(e) * (1.0 + (sub + 0.5) / SUBS as f64)
    }

    /// Records one sample; negative and NaN samples (clock glitches) count as 0.
    pub fn record(&mut self, v: f64) {
        let v = if v.is_nan() || v < 0.0 { 0.0 } else { v };
        let i = Self::index(v);
        if i >= self.buckets.len() {
            self.buckets.resize(i + 1, 0);
        }
        self.buckets[i] = self.buckets[i].saturating_add(1);
        if self.count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.count += 1;
        self.sum += v;
    }

    pub fn count(&self) -> u64 {
        self.count
    }
    pub fn max(&self) -> f64 {
        self.max
    }
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum / self.count as f64
        }
    }
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// The value at quantile `q` in [0, 1] (nearest rank), within 1 %; 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
        let rank = ((q * self.count as f64).ceil() as u64).max(1);
        if rank >= self.count {
            return self.max;
        }
        let mut seen = 0u64;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += u64::from(n);
            if seen >= rank {
                let v = if i == 0 { self.min } else { Self::midpoint(i) };
                return v.clamp(self.min, self.max);
            }
        }
        self.max
    }

    pub fn summary(&self) -> LatencySummary {
        LatencySummary {
            count: self.count,
            avg: self.mean(),
            min: if self.count == 0 { 0.0 } else { self.min },
            p50: self.quantile(0.50),
            p95: self.quantile(0.95),
            p99: self.quantile(0.99),
            max: if self.count == 0 { 0.0 } else { self.max },
        }
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= b.abs() * 0.011 + 1e-9
    }

    #[test]
    fn bucket_math_roundtrips() {
        for v in [0.0011, 0.5, 1.0, 3.7, 100.0, 12_345.6, 1e9] {
            let i = Histogram::index(v);
            let m = Histogram::midpoint(i);
            assert!((m - v).abs() <= v * 0.004, "{v} -> bucket {i} -> {m}");
        }
        assert_eq!(Histogram::index(0.0), 0);
        assert_eq!(Histogram::index(f64::INFINITY), MAX_BUCKETS - 1);
    }

    #[test]
    fn quantiles_within_one_percent() {
        let mut h = Histogram::new();
        for v in 1..=1000 {
            h.record(v as f64);
        }
        let s = h.summary();
        assert_eq!(s.count, 1000);
        assert!(close(s.p50, 500.0), "{}", s.p50);
        assert!(close(s.p95, 950.0), "{}", s.p95);
        assert!(close(s.p99, 990.0), "{}", s.p99);
        assert_eq!(s.max, 1000.0);
        assert_eq!(s.min, 1.0);
        assert!((s.avg - 500.5).abs() < 1e-9);
    }

    #[test]
    fn empty_and_degenerate_samples() {
        let mut h = Histogram::new();
        assert_eq!(h.summary(), LatencySummary::default());
        h.record(f64::NAN);
        h.record(-3.0);
        h.record(0.0);
        assert_eq!(h.quantile(0.99), 0.0);
        h.record(1e300);
        assert_eq!(h.max(), 1e300);
        assert_eq!(h.quantile(1.0), 1e300);
    }
}
