//! Momentum, volume and volatility indicators beyond the classic set: TA-Lib 0.8's additions
//! (AO, AC, SMI, TSI, VORTEX, VWAP, ...) and the classic DM/ROC family (PLUS_DM, MINUS_DM,
//! DX, ROCP, ROCR, ROCR100).
//!
//! Each kernel follows its TA-Lib 0.8.2 C function step by step (the order of additions, the
//! bar at which each running sum starts, the zero guards), so batch values match TA-Lib's to
//! the last bit or close to it. The shared pieces below are what several of them need.

mod momentum;
mod trend;
mod volatility;
mod volume;

pub(crate) use momentum::*;
pub(crate) use trend::*;
pub(crate) use volatility::*;
pub(crate) use volume::*;

use super::ma::{Ema, Series};
use super::window::Fifo;

/// A series that ignores its first `skip` inputs. TA-Lib's fused loops start each running
/// sum at the first bar that sum needs for the first output, not at bar 0; a sum that ran
/// longer would carry different add/subtract rounding.
#[derive(Debug, Clone)]
pub(crate) struct Skip<S> {
    skip: usize,
    inner: S,
}

impl<S: Series> Skip<S> {
    pub(crate) fn new(skip: usize, inner: S) -> Self {
        Skip { skip, inner }
    }
}

impl<S: Series> Series for Skip<S> {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.skip > 0 {
            self.skip -= 1;
            return None;
        }
        self.inner.next(x)
    }
}

/// Sum of the last `period` values, TA-Lib's `TA_SUM` order: add the new value, keep the
/// total for the output, then drop the oldest.
#[derive(Debug, Clone)]
pub(crate) struct WindowSum {
    period: usize,
    total: f64,
    window: Fifo<f64>,
}

impl WindowSum {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        WindowSum {
            period,
            total: 0.0,
            window: Fifo::new(period),
        }
    }
}

impl Series for WindowSum {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        self.total += x;
        self.window.push(x);
        if self.window.len() < self.period {
            return None;
        }
        let total = self.total;
        self.total -= self.window.pop().unwrap_or(0.0);
        Some(total)
    }
}

/// The value `lag` bars back: `next(x)` returns `x[t - lag]` once it exists.
#[derive(Debug, Clone)]
pub(crate) struct Lag {
    lag: usize,
    window: Fifo<f64>,
}

impl Lag {
    pub(crate) fn new(lag: usize) -> Self {
        Lag {
            lag,
            window: Fifo::new(lag + 1),
        }
    }

    #[inline]
    pub(crate) fn next(&mut self, x: f64) -> Option<f64> {
        self.window.push(x);
        if self.window.len() <= self.lag {
            return None;
        }
        self.window.pop()
    }
}

/// Counts consecutive bars whose change was exactly zero. TA-Lib 0.8 uses it to recognise a
/// window that is flat for a whole period, where add-then-subtract running sums hold only
/// rounding residue and are reset to exactly zero.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NullRun(usize);

impl NullRun {
    /// Records one change; true once `period` consecutive changes were zero (the count is
    /// then held at `period`).
    #[inline]
    pub(crate) fn flat_for(&mut self, zero: bool, period: usize) -> bool {
        self.0 = if zero { self.0 + 1 } else { 0 };
        if self.0 >= period {
            self.0 = period;
            return true;
        }
        false
    }

    #[inline]
    pub(crate) fn count(&mut self, zero: bool) {
        self.0 = if zero { self.0 + 1 } else { 0 };
    }
}

/// TA-Lib 0.8.2's EMA as its EMA-based additions compute it: seeded with the plain average
/// of the first `period` inputs, then one fused multiply-add per bar,
/// `fma(x - ema, 2 / (period + 1), ema)`; period 1 copies the input.
#[derive(Debug, Clone)]
pub(crate) struct FusedEma(Option<Ema>);

impl FusedEma {
    pub(crate) fn new(period: usize) -> Self {
        FusedEma((period > 1).then(|| Ema::fused(period)))
    }
    pub(crate) fn lookback(period: usize) -> usize {
        Ema::lookback(period)
    }
}

impl Series for FusedEma {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        match &mut self.0 {
            Some(ema) => ema.next(x),
            None => Some(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_window_sum_and_lag() {
        let mut s = Skip::new(2, WindowSum::new(2));
        let out: Vec<Option<f64>> = [1.0, 2.0, 3.0, 4.0, 5.0]
            .iter()
            .map(|&x| s.next(x))
            .collect();
        assert_eq!(out, vec![None, None, None, Some(7.0), Some(9.0)]);
        let mut lag = Lag::new(2);
        let out: Vec<Option<f64>> = [1.0, 2.0, 3.0, 4.0].iter().map(|&x| lag.next(x)).collect();
        assert_eq!(out, vec![None, None, Some(1.0), Some(2.0)]);
    }

    #[test]
    fn null_run_fires_after_a_whole_flat_period_and_holds() {
        let mut run = NullRun::default();
        let fired: Vec<bool> = [true, true, false, true, true, true, true]
            .iter()
            .map(|&zero| run.flat_for(zero, 3))
            .collect();
        assert_eq!(fired, vec![false, false, false, false, false, true, true]);
    }

    #[test]
    fn fused_ema_copies_at_period_one_and_seeds_with_the_average() {
        let mut one = FusedEma::new(1);
        assert_eq!(one.next(-0.0).map(f64::to_bits), Some((-0.0f64).to_bits()));
        let mut ema = FusedEma::new(3);
        let out: Vec<Option<f64>> = [1.0, 2.0, 3.0, 5.0].iter().map(|&x| ema.next(x)).collect();
        assert_eq!(out, vec![None, None, Some(2.0), Some(3.5)]);
    }
}
