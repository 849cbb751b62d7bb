//! Statistic functions: STDDEV and VAR (TA-Lib's running-sums variance) and the linear
//! regressions (LINEARREG, _SLOPE, _ANGLE, _INTERCEPT, TSF).

use super::params::Resolved;
use super::window::Fifo;
use super::{is_zero_or_neg, o1, Bar, Kernel, Out};

/// Population variance, TA-Lib 0.8's `TA_VAR`: running sums of deviations from a shift
/// (first the window's first value, later the window mean) so the final subtraction does
/// not cancel two ~mean² quantities; the shift is re-anchored with a fresh two-pass sum when
/// cancellation threatens, when a large outlier leaves the window, or every 32 windows.
/// The sums start after `skip` bars (BBANDS starts them where its moving average allows).
#[derive(Debug, Clone)]
pub(crate) struct Var {
    period: usize,
    skip: usize,
    skipped: usize,
    anchored: bool,
    inv: f64,
    shift: f64,
    sum: f64,
    sum_sq: f64,
    until_reseed: usize,
    window: Fifo<f64>,
}

impl Var {
    pub(crate) fn new(period: usize, skip: usize) -> Self {
        let period = period.max(1);
        Var {
            period,
            skip,
            skipped: 0,
            anchored: false,
            inv: 1.0 / period as f64,
            shift: 0.0,
            sum: 0.0,
            sum_sq: 0.0,
            until_reseed: 32 * period,
            window: Fifo::new(period),
        }
    }

    #[inline]
    fn add(&mut self, x: f64) {
        let d = x - self.shift;
        self.sum += d;
        self.sum_sq += d * d;
    }

    /// Removes `x`; returns its squared deviation.
    #[inline]
    fn remove(&mut self, x: f64) -> f64 {
        let d = x - self.shift;
        let d2 = d * d;
        self.sum -= d;
        self.sum_sq -= d2;
        d2
    }

    #[inline]
    pub(crate) fn next(&mut self, x: f64) -> Option<f64> {
        if self.skipped < self.skip {
            self.skipped += 1;
            return None;
        }
        // The first value anchors the shift; afterwards only a re-anchor moves it (period 1
        // empties the window every bar, and TA-Lib keeps its shift there too).
        if !self.anchored {
            self.anchored = true;
            self.shift = x;
        }
        self.window.push(x);
        self.add(x);
        if self.window.len() < self.period {
            return None;
        }
        let mean = self.sum * self.inv;
        let mut variance = self.sum_sq * self.inv - mean * mean;
        let oldest = self.window.at(0).unwrap_or(f64::NAN);
        let removed_sq = self.remove(oldest);
        self.until_reseed -= 1;
        if variance < 0.000001 * (self.sum_sq * self.inv)
            || removed_sq > 1000000.0 * self.sum_sq
            || self.until_reseed == 0
        {
            self.until_reseed = 32 * self.period;
            let mut total = 0.0;
            for &v in self.window.iter() {
                total += v;
            }
            self.shift = total * self.inv;
            self.sum = 0.0;
            self.sum_sq = 0.0;
            for k in 0..self.window.len() {
                let v = self.window.at(k).unwrap_or(f64::NAN);
                self.add(v);
            }
            let mean = self.sum * self.inv;
            variance = self.sum_sq * self.inv - mean * mean;
            self.remove(oldest);
        }
        self.window.pop();
        Some(variance)
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
        StdDevK {
            var: Var::new(p.int("timeperiod"), 0),
            nbdev: p.real("nbdev"),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.var.next(b.close).map(|v| std_from_var(v) * self.nbdev))
    }
}

/// Least-squares line over the last `period` closes, TA-Lib 0.8's way: sums of y and x·y
/// (x = `period - 1` at the oldest bar down to 0 at the newest) updated in O(1) per bar and
/// recomputed from the window every 32 periods, which bounds rounding drift.
#[derive(Debug, Clone)]
pub(crate) struct LinReg {
    period: usize,
    n: f64,
    sum_x: f64,
    divisor: f64,
    sum_y: f64,
    sum_xy: f64,
    started: bool,
    until_reseed: usize,
    window: Fifo<f64>,
}

impl LinReg {
    fn new(period: usize) -> Self {
        let period = period.max(2);
        let n = period as f64;
        let sum_x = n * (n - 1.0) * 0.5;
        let pi = period as u64;
        let sum_x_sq = (pi * (pi - 1) * (2 * pi - 1) / 6) as f64;
        LinReg {
            period,
            n,
            sum_x,
            divisor: sum_x * sum_x - n * sum_x_sq,
            sum_y: 0.0,
            sum_xy: 0.0,
            started: false,
            until_reseed: 0,
            window: Fifo::new(period + 1),
        }
    }

    /// Sums recomputed from the window (which holds exactly `period` values).
    fn reseed(&mut self) {
        self.sum_y = 0.0;
        self.sum_xy = 0.0;
        let mut i = self.period;
        for &y in self.window.iter() {
            i -= 1;
            self.sum_y += y;
            self.sum_xy += i as f64 * y;
        }
        self.until_reseed = 32 * self.period;
    }

    /// `(slope m, intercept b)`.
    #[inline]
    fn next(&mut self, x: f64) -> Option<(f64, f64)> {
        self.window.push(x);
        if self.window.len() < self.period {
            return None;
        }
        if !self.started {
            self.started = true;
            self.reseed();
        } else {
            let old = self.window.pop().unwrap_or(f64::NAN);
            self.until_reseed -= 1;
            if self.until_reseed == 0 {
                self.reseed();
            } else {
                self.sum_xy = self.sum_xy + self.sum_y - self.n * old;
                self.sum_y = self.sum_y - old + x;
            }
        }
        let m = (self.n * self.sum_xy - self.sum_x * self.sum_y) / self.divisor;
        let b = (self.sum_y - m * self.sum_x) / self.n;
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
        // TA-Lib 0.8 fuses the final step: fma(m, period - 1, b).
        o1(self.0.next(b.close).map(|(m, b)| m.mul_add(n, b)))
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

/// VAR: the population variance of STDDEV's sums. TA-Lib's VAR takes `nbdev` but does not
/// use it; neither does this kernel. Period 1 is allowed (variance 0).
#[derive(Debug, Clone)]
pub(crate) struct VarK(Var);

impl Kernel for VarK {
    fn new(p: &Resolved) -> Self {
        VarK(Var::new(p.int("timeperiod"), 0))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close))
    }
}

/// LINEARREG_ANGLE: the regression slope as an angle in degrees, `atan(m) * (180 / pi)`.
#[derive(Debug, Clone)]
pub(crate) struct LinRegAngleK(LinReg);

impl Kernel for LinRegAngleK {
    fn new(p: &Resolved) -> Self {
        LinRegAngleK(LinReg::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self
            .0
            .next(b.close)
            .map(|(m, _)| m.atan() * (180.0 / std::f64::consts::PI)))
    }
}

/// LINEARREG_INTERCEPT: the regression line at the window's oldest bar.
#[derive(Debug, Clone)]
pub(crate) struct LinRegInterceptK(LinReg);

impl Kernel for LinRegInterceptK {
    fn new(p: &Resolved) -> Self {
        LinRegInterceptK(LinReg::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(_, b)| b))
    }
}

/// TSF (time series forecast): the regression line one bar past the newest,
/// `b + m * period`, fused like LINEARREG's final step.
#[derive(Debug, Clone)]
pub(crate) struct TsfK(LinReg);

impl Kernel for TsfK {
    fn new(p: &Resolved) -> Self {
        TsfK(LinReg::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let n = self.0.period as f64;
        o1(self.0.next(b.close).map(|(m, b)| m.mul_add(n, b)))
    }
}
