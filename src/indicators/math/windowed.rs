//! Rolling-window statistics of TA-Lib 0.8: SUM, AVGDEV, BETA, CORREL, PERCENTILE,
//! PERCENTRANK. Each keeps TA-Lib's order of operations (running sums updated the way the C
//! loop updates them), which is what makes the values equal to TA-Lib's within rounding.

use crate::indicators::params::Resolved;
use crate::indicators::window::Fifo;
use crate::indicators::{is_zero, o1, Bar, Kernel, Out, EPSILON};

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

/// The last `cap` values in a ring buffer, read as two contiguous slices so the O(period)
/// scans below run over plain slices (the buffer grows to `cap` during warm-up only).
#[derive(Debug, Clone)]
struct Ring {
    buf: Vec<f64>,
    cap: usize,
    /// Slot of the oldest value once full (the next one to be overwritten).
    head: usize,
}

impl Ring {
    fn new(cap: usize) -> Self {
        Ring {
            buf: Vec::with_capacity(crate::indicators::window::reserve(cap)),
            cap: cap.max(1),
            head: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.buf.len() == self.cap
    }

    /// Adds `x`, dropping the oldest value once full.
    #[inline]
    fn push(&mut self, x: f64) {
        if self.buf.len() < self.cap {
            self.buf.push(x);
            return;
        }
        if let Some(slot) = self.buf.get_mut(self.head) {
            *slot = x;
        }
        self.head += 1;
        if self.head == self.cap {
            self.head = 0;
        }
    }

    /// `(older, newer)`: the values oldest to newest are `older` then `newer`.
    #[inline]
    fn slices(&self) -> (&[f64], &[f64]) {
        let (newer, older) = self.buf.split_at(self.head.min(self.buf.len()));
        (older, newer)
    }

    /// The values from the newest back to the oldest.
    #[inline]
    fn newest_first(&self) -> impl Iterator<Item = &f64> + '_ {
        let (older, newer) = self.slices();
        newer.iter().rev().chain(older.iter().rev())
    }
}

/// Mean absolute deviation from the window mean, recomputed from the window each bar (two
/// passes from the newest value back, as TA-Lib does), O(period) per bar.
#[derive(Debug, Clone)]
pub(crate) struct AvgDevK {
    n: f64,
    window: Ring,
}

impl Kernel for AvgDevK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        AvgDevK {
            n: period as f64,
            window: Ring::new(period),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        self.window.push(b.close);
        if !self.window.is_full() {
            return o1(None);
        }
        let mut sum = 0.0;
        for &v in self.window.newest_first() {
            sum += v;
        }
        let mean = sum / self.n;
        let mut dev = 0.0;
        for &v in self.window.newest_first() {
            dev += (v - mean).abs();
        }
        o1(Some(dev / self.n))
    }
}

// ---------------------------------------------------------------- BETA

/// Slope of the regression of `price1`'s one-bar returns on `price0`'s over the last
/// `period` returns, TA-Lib 0.8's way: the sums hold returns measured from a shift (the
/// first return, later the window's mean return) and are rebuilt from the window when the
/// denominator `n*Sxx - Sx^2` falls below 1e-6 of `n*Sxx`, when the return the previous
/// bar removed dwarfs what remains (x1e3, on either axis), or every 32 windows. A
/// denominator at or below 1e-14 of its scale (or NaN) gives 0. A return from a price
/// within 1e-14 of zero is 0.
#[derive(Debug, Clone)]
pub(crate) struct BetaK {
    period: usize,
    n: f64,
    last: Option<(f64, f64)>,
    /// `None` until the first return fixes the first shift.
    shift: Option<(f64, f64)>,
    s_xx: f64,
    s_yy: f64,
    s_xy: f64,
    s_x: f64,
    s_y: f64,
    /// Squared deviations of the returns the previous bar removed.
    leaving: (f64, f64),
    until_reseed: usize,
    /// Raw (x, y) returns of the window.
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

impl BetaK {
    #[inline]
    fn add(&mut self, rx: f64, ry: f64, shift: (f64, f64)) {
        let x = rx - shift.0;
        let y = ry - shift.1;
        self.s_xx += x * x;
        self.s_yy += y * y;
        self.s_xy += x * y;
        self.s_x += x;
        self.s_y += y;
    }

    /// Re-anchors on the window's mean returns and rebuilds the sums from the window.
    #[cold]
    fn reseed(&mut self) {
        let (mut tx, mut ty) = (0.0, 0.0);
        for &(rx, ry) in self.returns.iter() {
            tx += rx;
            ty += ry;
        }
        let shift = (tx / self.n, ty / self.n);
        self.shift = Some(shift);
        self.s_xx = 0.0;
        self.s_yy = 0.0;
        self.s_xy = 0.0;
        self.s_x = 0.0;
        self.s_y = 0.0;
        for k in 0..self.returns.len() {
            let (rx, ry) = self.returns.at(k).unwrap_or((f64::NAN, f64::NAN));
            self.add(rx, ry, shift);
        }
    }
}

impl Kernel for BetaK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        BetaK {
            period,
            n: period as f64,
            last: None,
            shift: None,
            s_xx: 0.0,
            s_yy: 0.0,
            s_xy: 0.0,
            s_x: 0.0,
            s_y: 0.0,
            leaving: (0.0, 0.0),
            until_reseed: 32 * period,
            returns: Fifo::new(period + 1),
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
        let (rx, ry) = (ret(x_now, x_before), ret(y_now, y_before));
        let shift = *self.shift.get_or_insert((rx, ry));
        self.returns.push((rx, ry));
        self.add(rx, ry, shift);
        if self.returns.len() < self.period {
            return o1(None);
        }
        let mut scale = self.n * self.s_xx;
        let mut den = scale - self.s_x * self.s_x;
        self.until_reseed = self.until_reseed.saturating_sub(1);
        if den < 0.000001 * scale
            || self.leaving.0 > 1000.0 * self.s_xx
            || self.leaving.1 > 1000.0 * self.s_yy
            || self.until_reseed == 0
        {
            self.until_reseed = 32 * self.period;
            self.reseed();
            scale = self.n * self.s_xx;
            // Non-negative by Cauchy-Schwarz; rounding on equal returns can say otherwise.
            den = (scale - self.s_x * self.s_x).max(0.0);
        }
        let shift = self.shift.unwrap_or(shift);
        let (ox, oy) = self.returns.pop().unwrap_or((f64::NAN, f64::NAN));
        let (x, y) = (ox - shift.0, oy - shift.1);
        let beta = if den > EPSILON * scale {
            (self.n * self.s_xy - self.s_x * self.s_y) / den
        } else {
            0.0
        };
        self.leaving = (x * x, y * y);
        self.s_xx -= x * x;
        self.s_yy -= y * y;
        self.s_xy -= x * y;
        self.s_x -= x;
        self.s_y -= y;
        o1(Some(beta))
    }
}

// ---------------------------------------------------------------- CORREL

/// Pearson's correlation of `price0` and `price1` over the last `period` bars, TA-Lib 0.8's
/// way: running sums of deviations from a shift (first the first bar, later the window
/// means), so the sums of squares are not differences of two ~period*mean^2 quantities.
/// The shift is re-anchored with a fresh two-pass sum when either sum of squares falls
/// below 1e-6 of the squares it is extracted from, when the value the previous bar removed
/// dwarfs what remains (x1e6), or every 32 windows. A sum of squares at or below 1e-14 of
/// its scale (or NaN) gives 0; the result is clamped to [-1, 1].
#[derive(Debug, Clone)]
pub(crate) struct CorrelK {
    period: usize,
    inv: f64,
    shift: (f64, f64),
    sum_x: f64,
    sum_y: f64,
    sum_xy: f64,
    sum_x2: f64,
    sum_y2: f64,
    /// Squared deviations of the pair the previous bar removed.
    leaving: (f64, f64),
    until_reseed: usize,
    /// Raw (price0, price1) of the window.
    window: Fifo<(f64, f64)>,
}

impl CorrelK {
    #[inline]
    fn add(&mut self, x: f64, y: f64) {
        let dx = x - self.shift.0;
        let dy = y - self.shift.1;
        self.sum_x += dx;
        self.sum_x2 += dx * dx;
        self.sum_xy += dx * dy;
        self.sum_y += dy;
        self.sum_y2 += dy * dy;
    }

    /// `(ss_x, ss_y, sp_xy)`: sums of squares and of products about the window means.
    #[inline]
    fn extract(&self) -> (f64, f64, f64) {
        (
            self.sum_x2 - self.sum_x * self.sum_x * self.inv,
            self.sum_y2 - self.sum_y * self.sum_y * self.inv,
            self.sum_xy - self.sum_x * self.sum_y * self.inv,
        )
    }

    /// Re-anchors on the window means and rebuilds the sums from the window.
    #[cold]
    fn reseed(&mut self) {
        let (mut tx, mut ty) = (0.0, 0.0);
        for &(x, y) in self.window.iter() {
            tx += x;
            ty += y;
        }
        self.shift = (tx * self.inv, ty * self.inv);
        self.sum_x = 0.0;
        self.sum_y = 0.0;
        self.sum_xy = 0.0;
        self.sum_x2 = 0.0;
        self.sum_y2 = 0.0;
        for k in 0..self.window.len() {
            let (x, y) = self.window.at(k).unwrap_or((f64::NAN, f64::NAN));
            self.add(x, y);
        }
    }
}

impl Kernel for CorrelK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        CorrelK {
            period,
            inv: 1.0 / period as f64,
            shift: (0.0, 0.0),
            sum_x: 0.0,
            sum_y: 0.0,
            sum_xy: 0.0,
            sum_x2: 0.0,
            sum_y2: 0.0,
            leaving: (0.0, 0.0),
            until_reseed: 32 * period,
            window: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let (x, y) = (b.high, b.low);
        if self.window.len() == 0 {
            self.shift = (x, y);
        }
        self.window.push((x, y));
        self.add(x, y);
        if self.window.len() < self.period {
            return o1(None);
        }
        let (mut ss_x, mut ss_y, mut sp) = self.extract();
        self.until_reseed = self.until_reseed.saturating_sub(1);
        if ss_x < 0.000001 * self.sum_x2
            || ss_y < 0.000001 * self.sum_y2
            || self.leaving.0 > 1000000.0 * self.sum_x2
            || self.leaving.1 > 1000000.0 * self.sum_y2
            || self.until_reseed == 0
        {
            self.until_reseed = 32 * self.period;
            self.reseed();
            (ss_x, ss_y, sp) = self.extract();
            // Sums of squares cannot be negative; rounding on a flat stretch can say so.
            ss_x = ss_x.max(0.0);
            ss_y = ss_y.max(0.0);
        }
        let r = if ss_x > EPSILON * self.sum_x2 && ss_y > EPSILON * self.sum_y2 {
            (sp / (ss_x * ss_y).sqrt()).clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let (ox, oy) = self.window.pop().unwrap_or((f64::NAN, f64::NAN));
        let tx = ox - self.shift.0;
        let ty = oy - self.shift.1;
        self.leaving = (tx * tx, ty * ty);
        self.sum_x -= tx;
        self.sum_x2 -= self.leaving.0;
        self.sum_xy -= tx * ty;
        self.sum_y -= ty;
        self.sum_y2 -= self.leaving.1;
        o1(Some(r))
    }
}

// ---------------------------------------------------------------- PERCENTRANK

/// Share of the previous `period` closes strictly below the current one, in percent:
/// `count / period * 100` (divide, then scale, as TA-Lib rounds). Comparisons with NaN are
/// false, so a NaN close ranks 0 and NaN neighbours never count.
#[derive(Debug, Clone)]
pub(crate) struct PercentRankK {
    n: f64,
    previous: Ring,
}

impl Kernel for PercentRankK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        PercentRankK {
            n: period as f64,
            previous: Ring::new(period),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let current = b.close;
        let out = if self.previous.is_full() {
            let (older, newer) = self.previous.slices();
            let below = |s: &[f64]| s.iter().map(|&v| usize::from(v < current)).sum::<usize>();
            Some((below(older) + below(newer)) as f64 / self.n * 100.0)
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
