//! Statistic functions: STDDEV (TA-Lib's running-sums variance) and the linear regressions.

use super::params::Resolved;
use super::window::Fifo;
use super::{is_zero_or_neg, o1, Bar, Kernel, Out};

/// Population variance from running sums of x and x², TA-Lib's `TA_INT_VAR`. The sums start
/// after `skip` bars (BBANDS starts them where its moving average's lookback allows).
#[derive(Debug, Clone)]
pub(crate) struct Var {
    period: usize,
    skip: usize,
    skipped: usize,
    sum: f64,
    sum_sq: f64,
    window: Fifo<f64>,
}

impl Var {
    pub(crate) fn new(period: usize, skip: usize) -> Self {
        let period = period.max(1);
        Var { period, skip, skipped: 0, sum: 0.0, sum_sq: 0.0, window: Fifo::new(period) }
    }

    #[inline]
    pub(crate) fn next(&mut self, x: f64) -> Option<f64> {
        if self.skipped < self.skip {
            self.skipped += 1;
            return None;
        }
        self.sum += x;
        self.sum_sq += x * x;
        self.window.push(x);
        if self.window.len() < self.period {
            return None;
        }
        let p = self.period as f64;
        let mean = self.sum / p;
        let mean_sq = self.sum_sq / p;
        let old = self.window.pop().unwrap_or(0.0);
        self.sum -= old;
        self.sum_sq -= old * old;
        Some(mean_sq - mean * mean)
    }
}

/// TA-Lib's square root of a variance: 0 below 1e-8 (which also absorbs rounding below 0).
#[inline]
pub(crate) fn std_from_var(v: f64) -> f64 {
    if !is_zero_or_neg(v) {
        v.sqrt()
    } else {
        0.0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct StdDevK {
    var: Var,
    nbdev: f64,
}

impl Kernel for StdDevK {
    fn new(p: &Resolved) -> Self {
        StdDevK { var: Var::new(p.int("timeperiod"), 0), nbdev: p.real("nbdev") }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.var.next(b.close).map(|v| std_from_var(v) * self.nbdev))
    }
}

/// Least-squares line over the last `period` closes, recomputed from the window each bar
/// in TA-Lib's summation order (an O(1) update would round differently).
#[derive(Debug, Clone)]
pub(crate) struct LinReg {
    period: usize,
    sum_x: f64,
    divisor: f64,
    window: Fifo<f64>,
}

impl LinReg {
    fn new(period: usize) -> Self {
        let period = period.max(2);
        let n = period as f64;
        let sum_x = n * (n - 1.0) * 0.5;
        let pi = period as u64;
        let sum_x_sq = (pi * (pi - 1) * (2 * pi - 1) / 6) as f64;
        LinReg { period, sum_x, divisor: sum_x * sum_x - n * sum_x_sq, window: Fifo::new(period) }
    }

    /// `(slope m, intercept b)`; as in TA-Lib, x runs
    /// from `period - 1` (oldest) down to 0 (newest).
    #[inline]
    fn next(&mut self, x: f64) -> Option<(f64, f64)> {
        self.window.push(x);
        if self.window.len() < self.period {
            return None;
        }
        let mut sum_xy = 0.0;
        let mut sum_y = 0.0;
        let mut i = self.period;
        for &y in self.window.iter() {
            i -= 1;
            sum_y += y;
            sum_xy += i as f64 * y;
        }
        self.window.pop();
        let n = self.period as f64;
        let m = (n * sum_xy - self.sum_x * sum_y) / self.divisor;
        let b = (sum_y - m * self.sum_x) / n;
        Some((m, b))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct LinRegK(LinReg);

impl Kernel for LinRegK {
    fn new(p: &Resolved) -> Self {
        LinRegK(LinReg::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let n = (self.0.period - 1) as f64;
        o1(self.0.next(b.close).map(|(m, b)| b + m * n))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct LinRegSlopeK(LinReg);

impl Kernel for LinRegSlopeK {
    fn new(p: &Resolved) -> Self {
        LinRegSlopeK(LinReg::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(m, _)| m))
    }
}
