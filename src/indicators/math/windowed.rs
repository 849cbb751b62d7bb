//! Rolling-window statistics of TA-Lib 0.8: SUM, AVGDEV, BETA, CORREL, PERCENTILE,
//! PERCENTRANK. Each keeps TA-Lib's order of operations (running sums updated the way the C
//! loop updates them), which is what makes the values equal to TA-Lib's within rounding.

use crate::indicators::params::Resolved;
use crate::indicators::window::Fifo;
use crate::indicators::{is_zero, is_zero_or_nan, o1, Bar, Kernel, Out, EPSILON};

// ---------------------------------------------------------------- SUM

/// Running total over the last `period` closes: add the new value, report, then drop the
/// oldest (so a NaN stays in the total for good, as in TA-Lib).
#[derive(Debug, Clone)]
pub(crate) struct SumK {
    period: usize,
    total: f64,
    window: Fifo<f64>,
}

impl Kernel for SumK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        SumK {
            period,
            total: 0.0,
            window: Fifo::new(period),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        self.total += b.close;
        self.window.push(b.close);
        if self.window.len() < self.period {
            return o1(None);
        }
        let total = self.total;
        self.total -= self.window.pop().unwrap_or(f64::NAN);
        o1(Some(total))
    }
}

// ---------------------------------------------------------------- AVGDEV

/// Mean absolute deviation from the window mean, recomputed from the window each bar (two
/// passes from the newest value back, as TA-Lib does), O(period) per bar.
#[derive(Debug, Clone)]
pub(crate) struct AvgDevK {
    period: usize,
    n: f64,
    window: Fifo<f64>,
}

impl Kernel for AvgDevK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        AvgDevK {
            period,
            n: period as f64,
            window: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        self.window.push(b.close);
        if self.window.len() > self.period {
            self.window.pop();
        }
        if self.window.len() < self.period {
            return o1(None);
        }
        let mut sum = 0.0;
        for k in 0..self.period {
            sum += self.window.back(k).unwrap_or(f64::NAN);
        }
        let mean = sum / self.n;
        let mut dev = 0.0;
        for k in 0..self.period {
            dev += (self.window.back(k).unwrap_or(f64::NAN) - mean).abs();
        }
        o1(Some(dev / self.n))
    }
}

// ---------------------------------------------------------------- BETA

/// Slope of the regression of `price1`'s one-bar returns on `price0`'s over the last
/// `period` returns (TA-Lib's BETA: a return from a zero price is 0; a zero or NaN
/// denominator gives 0, so after a NaN input the running sums stay NaN and the output 0).
#[derive(Debug, Clone)]
pub(crate) struct BetaK {
    period: usize,
    n: f64,
    last: Option<(f64, f64)>,
    s_xx: f64,
    s_xy: f64,
    s_x: f64,
    s_y: f64,
    returns: Fifo<(f64, f64)>,
}

/// TA-Lib's one-bar return, 0 from a (near-)zero price.
#[inline]
fn ret(now: f64, before: f64) -> f64 {
    if !is_zero(before) {
        (now - before) / before
    } else {
        0.0
    }
}

impl Kernel for BetaK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        BetaK {
            period,
            n: period as f64,
            last: None,
            s_xx: 0.0,
            s_xy: 0.0,
            s_x: 0.0,
            s_y: 0.0,
            returns: Fifo::new(period),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let (x_now, y_now) = (b.high, b.low);
        let Some((x_before, y_before)) = self.last.replace((x_now, y_now)) else {
            return o1(None);
        };
        let x = ret(x_now, x_before);
        let y = ret(y_now, y_before);
        self.s_xx += x * x;
        self.s_xy += x * y;
        self.s_x += x;
        self.s_y += y;
        self.returns.push((x, y));
        if self.returns.len() < self.period {
            return o1(None);
        }
        let den = self.n * self.s_xx - self.s_x * self.s_x;
        let beta = if !is_zero_or_nan(den) {
            (self.n * self.s_xy - self.s_x * self.s_y) / den
        } else {
            0.0
        };
        let (x, y) = self.returns.pop().unwrap_or((f64::NAN, f64::NAN));
        self.s_xx -= x * x;
        self.s_xy -= x * y;
        self.s_x -= x;
        self.s_y -= y;
        o1(Some(beta))
    }
}

// ---------------------------------------------------------------- CORREL

/// Pearson's correlation of `price0` and `price1` over the last `period` bars from running
/// sums (the oldest pair is removed before the new one is added, as in TA-Lib). A variance
/// product at or below TA-Lib's epsilon, or NaN, gives 0.
#[derive(Debug, Clone)]
pub(crate) struct CorrelK {
    period: usize,
    n: f64,
    sum_x: f64,
    sum_y: f64,
    sum_xy: f64,
    sum_x2: f64,
    sum_y2: f64,
    window: Fifo<(f64, f64)>,
}

impl Kernel for CorrelK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        CorrelK {
            period,
            n: period as f64,
            sum_x: 0.0,
            sum_y: 0.0,
            sum_xy: 0.0,
            sum_x2: 0.0,
            sum_y2: 0.0,
            window: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        if self.window.len() == self.period {
            let (tx, ty) = self.window.pop().unwrap_or((f64::NAN, f64::NAN));
            self.sum_x -= tx;
            self.sum_x2 -= tx * tx;
            self.sum_xy -= tx * ty;
            self.sum_y -= ty;
            self.sum_y2 -= ty * ty;
        }
        let (x, y) = (b.high, b.low);
        self.sum_x += x;
        self.sum_x2 += x * x;
        self.sum_xy += x * y;
        self.sum_y += y;
        self.sum_y2 += y * y;
        self.window.push((x, y));
        if self.window.len() < self.period {
            return o1(None);
        }
        let n = self.n;
        let var_product = (self.sum_x2 - self.sum_x * self.sum_x / n)
            * (self.sum_y2 - self.sum_y * self.sum_y / n);
        // `>= EPSILON` is TA-Lib's "not zero or negative" with NaN taking the zero branch.
        o1(Some(if var_product >= EPSILON {
            (self.sum_xy - self.sum_x * self.sum_y / n) / var_product.sqrt()
        } else {
            0.0
        }))
    }
}

// ---------------------------------------------------------------- PERCENTRANK

/// Share of the previous `period` closes strictly below the current one, in percent:
/// `count / period * 100` (divide, then scale, as TA-Lib rounds). Comparisons with NaN are
/// false, so a NaN close ranks 0 and NaN neighbours never count.
#[derive(Debug, Clone)]
pub(crate) struct PercentRankK {
    period: usize,
    n: f64,
    previous: Fifo<f64>,
}

impl Kernel for PercentRankK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        PercentRankK {
            period,
            n: period as f64,
            previous: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let current = b.close;
        let out = if self.previous.len() == self.period {
            let below = self.previous.iter().filter(|&&v| v < current).count();
            self.previous.pop();
            Some(below as f64 / self.n * 100.0)
        } else {
            None
        };
        self.previous.push(current);
        o1(out)
    }
}

// ---------------------------------------------------------------- PERCENTILE

/// The nearest-rank percentile of the last `period` closes (TA-Lib 0.8's PERCENTILE): the
/// `rank`-th smallest value, `rank = ceil(percentile * period / 100)` clamped to
/// `1..=period` (multiply before dividing, so round percentages hit exact integers). No
/// interpolation.
///
/// The window is kept sorted (binary search, one shift per bar). TA-Lib's own stream
/// refuses non-finite input and its batch state is not meaningful once a NaN has entered,
/// so here a window holding a NaN gives NaN, and values are numbers again once it leaves.
#[derive(Debug, Clone)]
pub(crate) struct PercentileK {
    period: usize,
    /// 0-based position of the reported value in the sorted window.
    rank: usize,
    window: Fifo<f64>,
    /// The window's numbers, ascending.
    sorted: Vec<f64>,
    nans: usize,
}

impl PercentileK {
    /// 0-based order statistic for `percentile` of `period` values.
    fn rank(period: usize, percentile: f64) -> usize {
        let r = (percentile * period as f64 / 100.0).ceil();
        // `r` is finite and within 0..=period for validated parameters; clamp anyway.
        let r = if r.is_nan() {
            1.0
        } else {
            r.clamp(1.0, period as f64)
        };
        r as usize - 1
    }
}

impl Kernel for PercentileK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        PercentileK {
            period,
            rank: Self::rank(period, p.real("percentile")),
            window: Fifo::new(period + 1),
            sorted: Vec::with_capacity(crate::indicators::window::reserve(period)),
            nans: 0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let x = b.close;
        self.window.push(x);
        if x.is_nan() {
            self.nans += 1;
        } else {
            let at = self.sorted.partition_point(|&v| v <= x);
            self.sorted.insert(at, x);
        }
        if self.window.len() < self.period {
            return o1(None);
        }
        let out = if self.nans == 0 {
            self.sorted.get(self.rank).copied().unwrap_or(f64::NAN)
        } else {
            f64::NAN
        };
        // Drop the oldest value so the next bar starts from `period - 1` values.
        if let Some(old) = self.window.pop() {
            if old.is_nan() {
                self.nans -= 1;
            } else {
                let at = self.sorted.partition_point(|&v| v < old);
                if at < self.sorted.len() {
                    self.sorted.remove(at);
                }
            }
        }
        o1(Some(out))
    }
}
