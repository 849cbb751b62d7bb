//! Ehlers' Hilbert-transform family (HT_DCPERIOD, HT_DCPHASE, HT_PHASOR, HT_SINE,
//! HT_TRENDLINE, HT_TRENDMODE) and MAMA, following TA-Lib's C code step by step.
//!
//! All of them share one core ([`Hilbert`]): a 4-bar WMA price smoother, then four Hilbert
//! FIR filters (detrender, Q1, jI, jQ) whose three-tap delay lines are kept separately for
//! odd and even bars (TA-Lib's `_Odd`/`_Even` buffers; the parity is the bar's absolute
//! index), then the homodyne discriminator that measures the cycle period. TA-Lib's unstable
//! period is 0, so the lookbacks are fixed: 32 (DCPERIOD, PHASOR, MAMA) and 63 (the
//! functions that also need the dominant-cycle phase or the trendline). The 63-bar family
//! smooths prices for 37 bars before the transform starts, the 32-bar family for 12: the
//! state at a given bar depends on that start, as in TA-Lib.
//!
//! TA-Lib 0.8 evaluates `a*b + c` sites as fused multiply-adds; those sites are written
//! with `mul_add` here.

use super::params::Resolved;
use super::{o1, Bar, Kernel, Out, NAN3};

const A: f64 = 0.0962;
const B: f64 = 0.5769;

/// One Hilbert FIR filter's delay line for one bar parity.
#[derive(Debug, Clone, Copy, Default)]
struct Taps {
    buf: [f64; 3],
    prev: f64,
    prev_input: f64,
}

impl Taps {
    #[inline]
    fn apply(&mut self, idx: usize, input: f64, adjusted_period: f64) -> f64 {
        let h = A * input;
        let mut v = -self.buf[idx];
        self.buf[idx] = h;
        v += h;
        v -= self.prev;
        self.prev = B * self.prev_input;
        v += self.prev;
        self.prev_input = input;
        v * adjusted_period
    }
}

/// A filter with its odd-bar and even-bar delay lines.
#[derive(Debug, Clone, Copy, Default)]
struct Filter {
    odd: Taps,
    even: Taps,
}

impl Filter {
    #[inline]
    fn apply(&mut self, even: bool, idx: usize, input: f64, adjusted_period: f64) -> f64 {
        if even {
            self.even.apply(idx, input, adjusted_period)
        } else {
            self.odd.apply(idx, input, adjusted_period)
        }
    }
}

/// What one transform step exposes to the indicators built on it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// Absolute bar index.
    pub t: usize,
    pub smoothed: f64,
    /// In-phase component: the detrender three bars back (of the same parity).
    pub i1: f64,
    pub q1: f64,
    /// Smoothed dominant-cycle period.
    pub smooth_period: f64,
}

/// The shared core: price smoother, Hilbert filters, period discriminator.
#[derive(Debug, Clone)]
pub(crate) struct Hilbert {
    seen: usize,
    /// First bar of the transform (12 or 37); earlier bars only prime the smoother.
    start: usize,
    wma_sum: f64,
    wma_sub: f64,
    trailing: f64,
    last3: [f64; 3],
    idx: usize,
    detrender: Filter,
    q1: Filter,
    ji: Filter,
    jq: Filter,
    i1_odd_prev2: f64,
    i1_odd_prev3: f64,
    i1_even_prev2: f64,
    i1_even_prev3: f64,
    prev_i2: f64,
    prev_q2: f64,
    re: f64,
    im: f64,
    period: f64,
    smooth_period: f64,
    rad2deg: f64,
}

impl Hilbert {
    /// `start`: the bar where the transform starts (TA-Lib: 12 for the 32-bar functions,
    /// 37 for the 63-bar ones). `rad2deg` is passed in because TA-Lib spells the constant
    /// two ways (`180/(4 atan 1)` and `45/atan 1`), which may differ in the last bit.
    pub(crate) fn new(start: usize, rad2deg: f64) -> Self {
        Hilbert {
            seen: 0,
            start,
            wma_sum: 0.0,
            wma_sub: 0.0,
            trailing: 0.0,
            last3: [0.0; 3],
            idx: 0,
            detrender: Filter::default(),
            q1: Filter::default(),
            ji: Filter::default(),
            jq: Filter::default(),
            i1_odd_prev2: 0.0,
            i1_odd_prev3: 0.0,
            i1_even_prev2: 0.0,
            i1_even_prev3: 0.0,
            prev_i2: 0.0,
            prev_q2: 0.0,
            re: 0.0,
            im: 0.0,
            period: 0.0,
            smooth_period: 0.0,
            rad2deg,
        }
    }

    /// The 4-3-2-1 weighted average of the last four prices (TA-Lib's unrolled WMA).
    #[inline]
    fn smooth(&mut self, t: usize, x: f64) -> f64 {
        let slot = t % 3;
        let oldest = self.last3[slot];
        self.last3[slot] = x;
        match t {
            0 => {
                self.wma_sub = x;
                self.wma_sum = x;
                f64::NAN
            }
            1 | 2 => {
                self.wma_sub += x;
                self.wma_sum = x.mul_add((t + 1) as f64, self.wma_sum);
                f64::NAN
            }
            _ => {
                self.wma_sub += x;
                self.wma_sub -= self.trailing;
                self.wma_sum = x.mul_add(4.0, self.wma_sum);
                self.trailing = oldest;
                let smoothed = self.wma_sum * 0.1;
                self.wma_sum -= self.wma_sub;
                smoothed
            }
        }
    }

    /// Feeds one price; `None` while only the smoother is priming.
    pub(crate) fn next(&mut self, x: f64) -> Option<Step> {
        let t = self.seen;
        self.seen += 1;
        let smoothed = self.smooth(t, x);
        if t < self.start {
            return None;
        }
        let adjusted = 0.075f64.mul_add(self.period, 0.54);
        let even = t.is_multiple_of(2);
        let idx = self.idx;
        let detrender = self.detrender.apply(even, idx, smoothed, adjusted);
        let q1 = self.q1.apply(even, idx, detrender, adjusted);
        let i1 = if even {
            self.i1_even_prev3
        } else {
            self.i1_odd_prev3
        };
        let ji = self.ji.apply(even, idx, i1, adjusted);
        let jq = self.jq.apply(even, idx, q1, adjusted);
        if even {
            self.idx = if idx == 2 { 0 } else { idx + 1 };
        }
        let q2 = 0.2f64.mul_add(q1 + ji, 0.8 * self.prev_q2);
        let i2 = 0.2f64.mul_add(i1 - jq, 0.8 * self.prev_i2);
        if even {
            self.i1_odd_prev3 = self.i1_odd_prev2;
            self.i1_odd_prev2 = detrender;
        } else {
            self.i1_even_prev3 = self.i1_even_prev2;
            self.i1_even_prev2 = detrender;
        }
        // Homodyne discriminator: the period for the next bar.
        let re_in = i2.mul_add(self.prev_i2, q2 * self.prev_q2);
        self.re = 0.2f64.mul_add(re_in, 0.8 * self.re);
        let im_in = (i2 * self.prev_q2) - (q2 * self.prev_i2);
        self.im = 0.2f64.mul_add(im_in, 0.8 * self.im);
        self.prev_q2 = q2;
        self.prev_i2 = i2;
        let before = self.period;
        if self.im != 0.0 && self.re != 0.0 {
            self.period = 360.0 / ((self.im / self.re).atan() * self.rad2deg);
        }
        let hi = 1.5 * before;
        if self.period > hi {
            self.period = hi;
        }
        let lo = 0.67 * before;
        if self.period < lo {
            self.period = lo;
        }
        // TA-Lib's two-sided clamp, kept as written (`clamp` would read the same here).
        #[allow(clippy::manual_clamp)]
        if self.period < 6.0 {
            self.period = 6.0;
        } else if self.period > 50.0 {
            self.period = 50.0;
        }
        self.period = 0.2f64.mul_add(self.period, 0.8 * before);
        self.smooth_period = 0.33f64.mul_add(self.period, 0.67 * self.smooth_period);
        Some(Step {
            t,
            smoothed,
            i1,
            q1,
            smooth_period: self.smooth_period,
        })
    }
}

/// `180 / (4 atan 1)`, MAMA's and HT_DCPERIOD's spelling.
fn rad2deg_pi() -> f64 {
    180.0 / (4.0 * 1f64.atan())
}

/// `45 / atan 1`, the spelling of the phase-based functions.
fn rad2deg_quarter() -> f64 {
    45.0 / 1f64.atan()
}

// ---------------------------------------------------------------- MAMA

/// MESA adaptive moving average: `(mama, fama)` from bar 32 on.
#[derive(Debug, Clone)]
pub(crate) struct Mama {
    core: Hilbert,
    fast: f64,
    slow: f64,
    prev_phase: f64,
    mama: f64,
    fama: f64,
}

impl Mama {
    pub(crate) const LOOKBACK: usize = 32;

    pub(crate) fn new(fast: f64, slow: f64) -> Self {
        Mama {
            core: Hilbert::new(12, rad2deg_pi()),
            fast,
            slow,
            prev_phase: 0.0,
            mama: 0.0,
            fama: 0.0,
        }
    }

    pub(crate) fn next(&mut self, x: f64) -> Option<(f64, f64)> {
        let s = self.core.next(x)?;
        let phase = if s.i1 != 0.0 {
            (s.q1 / s.i1).atan() * self.core.rad2deg
        } else {
            0.0
        };
        let mut delta = self.prev_phase - phase;
        self.prev_phase = phase;
        if delta < 1.0 {
            delta = 1.0;
        }
        let mut alpha = if delta > 1.0 {
            let a = self.fast / delta;
            if a < self.slow {
                self.slow
            } else {
                a
            }
        } else {
            self.fast
        };
        self.mama = alpha.mul_add(x, (1.0 - alpha) * self.mama);
        alpha *= 0.5;
        self.fama = alpha.mul_add(self.mama, (1.0 - alpha) * self.fama);
        (s.t >= Self::LOOKBACK).then_some((self.mama, self.fama))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MamaK(Mama);

impl Kernel for MamaK {
    fn new(p: &Resolved) -> Self {
        MamaK(Mama::new(p.real("fastlimit"), p.real("slowlimit")))
    }
    fn lookback(_: &Resolved) -> usize {
        Mama::LOOKBACK
    }
    fn update(&mut self, b: &Bar) -> Out {
        match self.0.next(b.close) {
            Some((m, f)) => [m, f, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}

// ---------------------------------------------------------------- HT_DCPERIOD, HT_PHASOR

const SHORT_LOOKBACK: usize = 32;
const LONG_LOOKBACK: usize = 63;

#[derive(Debug, Clone)]
pub(crate) struct HtDcPeriodK(Hilbert);

impl Kernel for HtDcPeriodK {
    fn new(_: &Resolved) -> Self {
        HtDcPeriodK(Hilbert::new(12, rad2deg_pi()))
    }
    fn lookback(_: &Resolved) -> usize {
        SHORT_LOOKBACK
    }
    fn update(&mut self, b: &Bar) -> Out {
        o1(self
            .0
            .next(b.close)
            .filter(|s| s.t >= SHORT_LOOKBACK)
            .map(|s| s.smooth_period))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct HtPhasorK(Hilbert);

impl Kernel for HtPhasorK {
    fn new(_: &Resolved) -> Self {
        HtPhasorK(Hilbert::new(12, rad2deg_pi()))
    }
    fn lookback(_: &Resolved) -> usize {
        SHORT_LOOKBACK
    }
    fn update(&mut self, b: &Bar) -> Out {
        match self.0.next(b.close).filter(|s| s.t >= SHORT_LOOKBACK) {
            Some(s) => [s.i1, s.q1, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}

// ---------------------------------------------------------------- phase, sine, trendline, mode

/// Everything the 63-bar functions derive from the core: dominant-cycle phase, the sine
/// wave pair, the instantaneous trendline and the trend/cycle mode.
#[derive(Debug, Clone)]
pub(crate) struct Cycle {
    core: Hilbert,
    deg2rad: f64,
    two_pi: f64,
    /// The last 50 smoothed prices (zeros before the transform starts).
    smooth_ring: [f64; 50],
    /// The last 50 raw prices.
    raw_ring: [f64; 50],
    ring_idx: usize,
    dc_phase: f64,
    sine: f64,
    lead_sine: f64,
    itrend: [f64; 3],
    days_in_trend: usize,
}

/// One bar of the 63-bar family's outputs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CycleValues {
    pub phase: f64,
    pub sine: f64,
    pub lead_sine: f64,
    pub trendline: f64,
    pub trend: f64,
}

impl Cycle {
    pub(crate) fn new() -> Self {
        let rad2deg = rad2deg_quarter();
        Cycle {
            core: Hilbert::new(37, rad2deg),
            deg2rad: 1.0 / rad2deg,
            two_pi: 1f64.atan() * 8.0,
            smooth_ring: [0.0; 50],
            raw_ring: [0.0; 50],
            ring_idx: 0,
            dc_phase: 0.0,
            sine: 0.0,
            lead_sine: 0.0,
            itrend: [0.0; 3],
            days_in_trend: 0,
        }
    }

    pub(crate) fn next(&mut self, x: f64) -> Option<CycleValues> {
        let raw_slot = self.core.seen % 50;
        self.raw_ring[raw_slot] = x;
        let s = self.core.next(x)?;
        let cur = self.ring_idx;
        self.smooth_ring[cur] = s.smoothed;
        let sp = s.smooth_period;
        let rad2deg = self.core.rad2deg;

        // Dominant-cycle phase: a DFT of the smoothed price over one period.
        let prev_phase = self.dc_phase;
        // At most 50: the period is clamped to [6, 50] (NaN gives 0).
        let n = ((sp + 0.5) as usize).min(50);
        let (mut real, mut imag) = (0.0f64, 0.0f64);
        let mut idx = cur;
        for i in 0..n {
            let angle = (i as f64 * self.two_pi) / n as f64;
            let v = self.smooth_ring[idx];
            // Accumulated unfused, as TA-Lib: on a flat series these sums are pure rounding
            // residue and the phase is their ratio.
            real += angle.sin() * v;
            imag += angle.cos() * v;
            idx = if idx == 0 { 49 } else { idx - 1 };
        }
        let abs_imag = imag.abs();
        if abs_imag > 0.0 {
            self.dc_phase = (real / imag).atan() * rad2deg;
        } else if abs_imag <= 0.01 {
            if real < 0.0 {
                self.dc_phase -= 90.0;
            } else if real > 0.0 {
                self.dc_phase += 90.0;
            }
        }
        self.dc_phase += 90.0;
        // Compensates the smoother's one-bar lag.
        self.dc_phase += 360.0 / sp;
        if imag < 0.0 {
            self.dc_phase += 180.0;
        }
        if self.dc_phase > 315.0 {
            self.dc_phase -= 360.0;
        }
        let (prev_sine, prev_lead) = (self.sine, self.lead_sine);
        self.sine = (self.dc_phase * self.deg2rad).sin();
        self.lead_sine = ((self.dc_phase + 45.0) * self.deg2rad).sin();

        // Instantaneous trendline: the raw price averaged over one period, then smoothed.
        let mut avg = 0.0;
        for j in 0..n {
            avg += self.raw_ring[(s.t + 50 - j) % 50];
        }
        if n > 0 {
            avg /= n as f64;
        }
        let [i1, i2, i3] = self.itrend;
        let trendline = 2.0f64.mul_add(i2, 4.0f64.mul_add(avg, 3.0 * i1)) + i3;
        let trendline = trendline / 10.0;
        self.itrend = [avg, i1, i2];

        // Trend mode: trend unless the sine lines just crossed, the trend is younger than
        // half a cycle, or the phase advances at the cycle's rate.
        let mut trend = true;
        if (self.sine > self.lead_sine && prev_sine <= prev_lead)
            || (self.sine < self.lead_sine && prev_sine >= prev_lead)
        {
            self.days_in_trend = 0;
            trend = false;
        }
        self.days_in_trend += 1;
        if (self.days_in_trend as f64) < 0.5 * sp {
            trend = false;
        }
        let advance = self.dc_phase - prev_phase;
        if sp != 0.0 && advance > 0.67 * 360.0 / sp && advance < 1.5 * 360.0 / sp {
            trend = false;
        }
        let price = self.smooth_ring[cur];
        if trendline != 0.0 && ((price - trendline) / trendline).abs() >= 0.015 {
            trend = true;
        }
        self.ring_idx = if cur == 49 { 0 } else { cur + 1 };
        (s.t >= LONG_LOOKBACK).then_some(CycleValues {
            phase: self.dc_phase,
            sine: self.sine,
            lead_sine: self.lead_sine,
            trendline,
            trend: if trend { 1.0 } else { 0.0 },
        })
    }
}

macro_rules! cycle_kernel {
    ($(#[$doc:meta])* $name:ident, |$v:ident| $out:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub(crate) struct $name(Box<Cycle>);
        impl Kernel for $name {
            fn new(_: &Resolved) -> Self {
                $name(Box::new(Cycle::new()))
            }
            fn lookback(_: &Resolved) -> usize {
                LONG_LOOKBACK
            }
            fn update(&mut self, b: &Bar) -> Out {
                match self.0.next(b.close) {
                    Some($v) => $out,
                    None => NAN3,
                }
            }
        }
    };
}

cycle_kernel!(HtDcPhaseK, |v| o1(Some(v.phase)));
cycle_kernel!(HtSineK, |v| [v.sine, v.lead_sine, f64::NAN, f64::NAN]);
cycle_kernel!(HtTrendlineK, |v| o1(Some(v.trendline)));
cycle_kernel!(HtTrendModeK, |v| o1(Some(v.trend)));
