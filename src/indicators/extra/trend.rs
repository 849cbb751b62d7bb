//! Directional indicators: PLUS_DM, MINUS_DM, DX, VORTEX, FRACTAL, WAD, ERI.

use super::super::ma::Series;
use super::super::momentum::Dm;
use super::super::params::Resolved;
use super::super::window::Fifo;
use super::super::{is_zero_or_nan, o1, true_range, Bar, Kernel, Out, NAN3};
use super::{FusedEma, NullRun};

// ---------------------------------------------------------------- PLUS_DM, MINUS_DM

/// One directional movement line, TA-Lib's way: the raw sum of the first `period - 1`
/// one-bar movements is the first output, Wilder-smoothed (`dm - dm/period + new`) after.
/// Period 1 gives the unsmoothed one-bar movement.
#[derive(Debug, Clone)]
pub(crate) struct DmLine {
    plus: bool,
    period: usize,
    p: f64,
    seen: usize,
    prev_high: f64,
    prev_low: f64,
    dm: f64,
}

impl DmLine {
    fn new(plus: bool, period: usize) -> Self {
        let period = period.max(1);
        DmLine {
            plus,
            period,
            p: period as f64,
            seen: 0,
            prev_high: 0.0,
            prev_low: 0.0,
            dm: 0.0,
        }
    }
    fn lookback(period: usize) -> usize {
        period.max(2) - 1
    }
    #[inline]
    fn next(&mut self, b: &Bar) -> Option<f64> {
        let t = self.seen;
        self.seen += 1;
        let diff_p = b.high - self.prev_high;
        let diff_m = self.prev_low - b.low;
        self.prev_high = b.high;
        self.prev_low = b.low;
        if t == 0 {
            return None;
        }
        let step = if self.plus {
            (diff_p > 0.0 && diff_p > diff_m).then_some(diff_p)
        } else {
            (diff_m > 0.0 && diff_p < diff_m).then_some(diff_m)
        };
        if self.period == 1 {
            return Some(step.unwrap_or(0.0));
        }
        if t < self.period {
            if let Some(step) = step {
                self.dm += step;
            }
            return (t + 1 == self.period).then_some(self.dm);
        }
        self.dm = match step {
            Some(step) => self.dm - (self.dm / self.p) + step,
            None => self.dm - (self.dm / self.p),
        };
        Some(self.dm)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PlusDmK(DmLine);

impl Kernel for PlusDmK {
    fn new(p: &Resolved) -> Self {
        PlusDmK(DmLine::new(true, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        DmLine::lookback(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MinusDmK(DmLine);

impl Kernel for MinusDmK {
    fn new(p: &Resolved) -> Self {
        MinusDmK(DmLine::new(false, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        DmLine::lookback(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

// ---------------------------------------------------------------- DX

/// Directional movement index: `100 * |-DI - +DI| / (-DI + +DI)` from the smoothed DM and
/// TR of the ADX machinery; a bar where it is undefined repeats the previous value (0 on
/// the first bar).
#[derive(Debug, Clone)]
pub(crate) struct DxK {
    dm: Dm,
    last: f64,
}

impl Kernel for DxK {
    fn new(p: &Resolved) -> Self {
        DxK {
            dm: Dm::new(p.int("timeperiod")),
            last: 0.0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some((plus, minus, tr)) = self.dm.next(b) else {
            return NAN3;
        };
        if !is_zero_or_nan(tr) {
            let mdi = 100.0 * (minus / tr);
            let pdi = 100.0 * (plus / tr);
            let sum = mdi + pdi;
            if !is_zero_or_nan(sum) {
                self.last = 100.0 * ((mdi - pdi).abs() / sum);
            }
        }
        o1(Some(self.last))
    }
}

// ---------------------------------------------------------------- VORTEX

/// Vortex: rolling sums of |H - L[t-1]| and |L - H[t-1]| over the rolling sum of true range.
/// A window of zero true ranges resets that sum to exactly 0 (and the lines read 0).
#[derive(Debug, Clone)]
pub(crate) struct VortexK {
    period: usize,
    seen: usize,
    prev: Bar,
    tr: f64,
    plus: f64,
    minus: f64,
    flat: NullRun,
    terms: Fifo<(f64, f64, f64)>,
}

impl Kernel for VortexK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        VortexK {
            period,
            seen: 0,
            prev: Bar::default(),
            tr: 0.0,
            plus: 0.0,
            minus: 0.0,
            flat: NullRun::default(),
            terms: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let prev = std::mem::replace(&mut self.prev, *b);
        if t == 0 {
            return NAN3;
        }
        let tr = true_range(b.high, b.low, prev.close);
        let plus = (b.high - prev.low).abs();
        let minus = (b.low - prev.high).abs();
        self.tr += tr;
        self.plus += plus;
        self.minus += minus;
        self.terms.push((tr, plus, minus));
        if t < self.period {
            self.flat.count(tr == 0.0);
            return NAN3;
        }
        if self.flat.flat_for(tr == 0.0, self.period) {
            self.tr = 0.0;
        }
        let (sum_tr, sum_plus, sum_minus) = (self.tr, self.plus, self.minus);
        let (old_tr, old_plus, old_minus) = self.terms.pop().unwrap_or((0.0, 0.0, 0.0));
        self.tr -= old_tr;
        self.plus -= old_plus;
        self.minus -= old_minus;
        if sum_tr > 0.0 {
            [sum_plus / sum_tr, sum_minus / sum_tr, f64::NAN, f64::NAN]
        } else {
            [0.0, 0.0, f64::NAN, f64::NAN]
        }
    }
}

// ---------------------------------------------------------------- FRACTAL

/// Williams fractal (swing) flags. TA-Lib cannot look ahead, so the flag is written on the
/// bar that confirms the pivot, `rightbars` bars after it: 100 when the pivot's high (low)
/// is strictly above (below) every other high (low) of the `leftbars + 1 + rightbars`
/// window, else 0.
#[derive(Debug, Clone)]
pub(crate) struct FractalK {
    right: usize,
    span: usize,
    window: Fifo<(f64, f64)>,
}

impl Kernel for FractalK {
    fn new(p: &Resolved) -> Self {
        let (left, right) = (p.int("leftbars"), p.int("rightbars"));
        FractalK {
            right,
            span: left + right + 1,
            window: Fifo::new(left + right + 2),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("leftbars") + p.int("rightbars")
    }
    fn update(&mut self, b: &Bar) -> Out {
        self.window.push((b.high, b.low));
        if self.window.len() < self.span {
            return NAN3;
        }
        let pivot = self.span - 1 - self.right;
        let (mut pivot_high, mut pivot_low) = (0.0, 0.0);
        let (mut other_high, mut other_low) = (0.0, 0.0);
        for (k, &(high, low)) in self.window.iter().enumerate() {
            if k == pivot {
                (pivot_high, pivot_low) = (high, low);
            } else if k == 0 {
                (other_high, other_low) = (high, low);
            } else {
                if high > other_high {
                    other_high = high;
                }
                if low < other_low {
                    other_low = low;
                }
            }
        }
        self.window.pop();
        let flag = |hit: bool| if hit { 100.0 } else { 0.0 };
        [
            flag(pivot_high > other_high),
            flag(pivot_low < other_low),
            f64::NAN,
            f64::NAN,
        ]
    }
}

// ---------------------------------------------------------------- WAD

/// Williams accumulation/distribution (Achelis' form, no volume): the running sum of the
/// close's distance from the true low (up bars) or true high (down bars).
#[derive(Debug, Clone)]
pub(crate) struct WadK {
    started: bool,
    prev_close: f64,
    sum: f64,
}

impl Kernel for WadK {
    fn new(_: &Resolved) -> Self {
        WadK {
            started: false,
            prev_close: 0.0,
            sum: 0.0,
        }
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        if !self.started {
            self.started = true;
            self.prev_close = b.close;
        }
        let (close, prev) = (b.close, self.prev_close);
        if close > prev {
            let true_low = if prev < b.low { prev } else { b.low };
            self.sum += close - true_low;
        } else if close < prev {
            let true_high = if prev > b.high { prev } else { b.high };
            self.sum += close - true_high;
        }
        self.prev_close = close;
        o1(Some(self.sum))
    }
}

// ---------------------------------------------------------------- ERI

/// Elder ray: bull power = high - EMA(close), bear power = low - EMA(close).
#[derive(Debug, Clone)]
pub(crate) struct EriK(FusedEma);

impl Kernel for EriK {
    fn new(p: &Resolved) -> Self {
        EriK(FusedEma::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        FusedEma::lookback(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        match self.0.next(b.close) {
            Some(ema) => [b.high - ema, b.low - ema, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}
