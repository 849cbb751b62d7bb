//! Momentum indicators: RSI/CMO (Wilder smoothing), MACD/PPO/APO, the stochastics, WILLR,
//! CCI, MOM/ROC, the directional movement family (ADX, ADXR, ±DI), AROON, MFI, ULTOSC, TRIX,
//! BOP. Each follows TA-Lib's C arithmetic step by step.

use super::ma::{Ema, Ma, Series};
use super::params::Resolved;
use super::window::{Extreme, Fifo, MonoDeque};
use super::{is_zero, is_zero_or_nan, is_zero_scaled, o1, true_range, Bar, Kernel, Out, NAN3};

// ---------------------------------------------------------------- RSI / CMO

/// Wilder-smoothed average gain and loss, seeded with plain averages over `period` changes.
#[derive(Debug, Clone)]
pub(crate) struct GainLoss {
    period: usize,
    /// `period` and `period - 1` as f64, converted once.
    p: f64,
    p1: f64,
    seen: usize,
    prev: f64,
    gain: f64,
    loss: f64,
}

impl GainLoss {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        GainLoss {
            period,
            p: period as f64,
            p1: (period - 1) as f64,
            seen: 0,
            prev: 0.0,
            gain: 0.0,
            loss: 0.0,
        }
    }

    /// `(avg gain, avg loss)` from the `period`-th change on.
    #[inline]
    fn next(&mut self, x: f64) -> Option<(f64, f64)> {
        let t = self.seen;
        self.seen += 1;
        if t == 0 {
            self.prev = x;
            return None;
        }
        let diff = x - self.prev;
        self.prev = x;
        let p = self.p;
        if t > self.period {
            self.loss *= self.p1;
            self.gain *= self.p1;
        }
        if diff < 0.0 {
            self.loss -= diff;
        } else {
            self.gain += diff;
        }
        if t < self.period {
            return None;
        }
        self.loss /= p;
        self.gain /= p;
        Some((self.gain, self.loss))
    }
}

/// RSI as a series (also used by STOCHRSI).
#[derive(Debug, Clone)]
pub(crate) struct Rsi(GainLoss);

impl Rsi {
    pub(crate) fn new(period: usize) -> Self {
        Rsi(GainLoss::new(period))
    }
}

impl Series for Rsi {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        let (gain, loss) = self.0.next(x)?;
        let sum = gain + loss;
        Some(if !is_zero_or_nan(sum) {
            100.0 * (gain / sum)
        } else {
            0.0
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RsiK(Rsi);

impl Kernel for RsiK {
    fn new(p: &Resolved) -> Self {
        RsiK(Rsi::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CmoK(GainLoss);

impl Kernel for CmoK {
    fn new(p: &Resolved) -> Self {
        CmoK(GainLoss::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(gain, loss)| {
            let sum = gain + loss;
            if !is_zero_or_nan(sum) {
                100.0 * ((gain - loss) / sum)
            } else {
                0.0
            }
        }))
    }
}

// ---------------------------------------------------------------- MACD, APO, PPO

/// MACD line, signal and histogram. As in TA-Lib, the fast EMA is seeded on the
/// `fast` bars that end where the slow EMA's seed ends (not on the first `fast` bars).
#[derive(Debug, Clone)]
pub(crate) struct Macd {
    skip_fast: usize,
    seen: usize,
    fast: Ema,
    slow: Ema,
    signal: Ema,
}

impl Macd {
    pub(crate) fn new(fast: usize, slow: usize, signal: usize) -> Self {
        let (fast, slow) = if slow < fast {
            (slow, fast)
        } else {
            (fast, slow)
        };
        Macd {
            skip_fast: slow - fast,
            seen: 0,
            fast: Ema::new(fast),
            slow: Ema::new(slow),
            signal: Ema::fused(signal),
        }
    }
    pub(crate) fn lookback(fast: usize, slow: usize, signal: usize) -> usize {
        Ema::lookback(fast.max(slow)) + Ema::lookback(signal)
    }
    /// `(macd, signal, hist)` once the signal line exists.
    #[inline]
    pub(crate) fn next(&mut self, x: f64) -> Option<(f64, f64, f64)> {
        let t = self.seen;
        self.seen += 1;
        let slow = self.slow.next(x);
        let fast = if t >= self.skip_fast {
            self.fast.next(x)
        } else {
            None
        };
        let line = fast? - slow?;
        let signal = self.signal.next(line)?;
        Some((line, signal, line - signal))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MacdK(Macd);

impl Kernel for MacdK {
    fn new(p: &Resolved) -> Self {
        MacdK(Macd::new(
            p.int("fastperiod"),
            p.int("slowperiod"),
            p.int("signalperiod"),
        ))
    }
    fn lookback(p: &Resolved) -> usize {
        Macd::lookback(
            p.int("fastperiod"),
            p.int("slowperiod"),
            p.int("signalperiod"),
        )
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        match self.0.next(b.close) {
            Some((m, s, h)) => [m, s, h, f64::NAN],
            None => NAN3,
        }
    }
}

/// Fast and slow moving averages of one type, for APO and PPO.
#[derive(Debug, Clone)]
pub(crate) struct Oscillator {
    fast: Ma,
    slow: Ma,
}

impl Oscillator {
    fn new(p: &Resolved) -> Self {
        let (fast, slow) = Self::periods(p);
        let kind = p.matype("matype");
        Oscillator {
            fast: Ma::new(kind, fast),
            slow: Ma::new(kind, slow),
        }
    }
    fn periods(p: &Resolved) -> (usize, usize) {
        let (f, s) = (p.int("fastperiod"), p.int("slowperiod"));
        if s < f {
            (s, f)
        } else {
            (f, s)
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Ma::lookback(p.matype("matype"), Self::periods(p).1)
    }
    #[inline]
    fn next(&mut self, x: f64) -> Option<(f64, f64)> {
        let fast = self.fast.next(x);
        let slow = self.slow.next(x);
        Some((fast?, slow?))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ApoK(Oscillator);

impl Kernel for ApoK {
    fn new(p: &Resolved) -> Self {
        ApoK(Oscillator::new(p))
    }
    fn lookback(p: &Resolved) -> usize {
        Oscillator::lookback(p)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(f, s)| f - s))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PpoK(Oscillator);

impl Kernel for PpoK {
    fn new(p: &Resolved) -> Self {
        PpoK(Oscillator::new(p))
    }
    fn lookback(p: &Resolved) -> usize {
        Oscillator::lookback(p)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(f, s)| {
            if !is_zero(s) {
                ((f - s) / s) * 100.0
            } else {
                0.0
            }
        }))
    }
}

// ---------------------------------------------------------------- stochastics, WILLR

/// Highest high and lowest low over the last `window` bars; NaN values are skipped (TA-Lib
/// 0.8), a window of only NaN gives NaN.
#[derive(Debug, Clone)]
pub(crate) struct HighLow {
    window: usize,
    idx: usize,
    hi: MonoDeque,
    lo: MonoDeque,
}

impl HighLow {
    pub(crate) fn new(window: usize) -> Self {
        let window = window.max(1);
        HighLow {
            window,
            idx: 0,
            hi: MonoDeque::new(Extreme::Max, window),
            lo: MonoDeque::new(Extreme::Min, window),
        }
    }

    /// `(highest, lowest)` once `window` bars were seen.
    #[inline]
    pub(crate) fn next(&mut self, high: f64, low: f64) -> Option<(f64, f64)> {
        let i = self.idx;
        self.idx += 1;
        self.hi.push(i, high);
        self.lo.push(i, low);
        if i + 1 < self.window {
            return None;
        }
        Some((self.hi.value(), self.lo.value()))
    }
}

/// Raw %K: `100 * ((close - lowest) / (highest - lowest))` (TA-Lib 0.8's rounding), 0 when
/// the range is flat (within `EPSILON` of the extremes' magnitude, so rounding residue of a
/// constant series does not read as a full-range move).
#[derive(Debug, Clone)]
struct FastK(HighLow);

impl FastK {
    fn new(period: usize) -> Self {
        FastK(HighLow::new(period))
    }
    #[inline]
    fn next(&mut self, high: f64, low: f64, close: f64) -> Option<f64> {
        let (hh, ll) = self.0.next(high, low)?;
        let range = hh - ll;
        Some(
            if range != 0.0 && !is_zero_scaled(range, hh.abs() + ll.abs()) {
                100.0 * ((close - ll) / range)
            } else {
                0.0
            },
        )
    }
}

#[derive(Debug, Clone)]
pub(crate) struct StochK {
    fastk: FastK,
    slowk: Ma,
    slowd: Ma,
}

impl Kernel for StochK {
    fn new(p: &Resolved) -> Self {
        StochK {
            fastk: FastK::new(p.int("fastk_period")),
            slowk: Ma::new(p.matype("slowk_matype"), p.int("slowk_period")),
            slowd: Ma::new(p.matype("slowd_matype"), p.int("slowd_period")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        (p.int("fastk_period") - 1)
            + Ma::lookback(p.matype("slowk_matype"), p.int("slowk_period"))
            + Ma::lookback(p.matype("slowd_matype"), p.int("slowd_period"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let run = |s: &mut Self| -> Option<(f64, f64)> {
            let k = s.fastk.next(b.high, b.low, b.close)?;
            let sk = s.slowk.next(k)?;
            let sd = s.slowd.next(sk)?;
            Some((sk, sd))
        };
        match run(self) {
            Some((k, d)) => [k, d, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct StochFK {
    fastk: FastK,
    fastd: Ma,
}

impl Kernel for StochFK {
    fn new(p: &Resolved) -> Self {
        StochFK {
            fastk: FastK::new(p.int("fastk_period")),
            fastd: Ma::new(p.matype("fastd_matype"), p.int("fastd_period")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        (p.int("fastk_period") - 1) + Ma::lookback(p.matype("fastd_matype"), p.int("fastd_period"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(k) = self.fastk.next(b.high, b.low, b.close) else {
            return NAN3;
        };
        match self.fastd.next(k) {
            Some(d) => [k, d, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct StochRsiK {
    rsi: Rsi,
    fastk: FastK,
    fastd: Ma,
}

impl Kernel for StochRsiK {
    fn new(p: &Resolved) -> Self {
        StochRsiK {
            rsi: Rsi::new(p.int("timeperiod")),
            fastk: FastK::new(p.int("fastk_period")),
            fastd: Ma::new(p.matype("fastd_matype"), p.int("fastd_period")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
            + (p.int("fastk_period") - 1)
            + Ma::lookback(p.matype("fastd_matype"), p.int("fastd_period"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(r) = self.rsi.next(b.close) else {
            return NAN3;
        };
        let Some(k) = self.fastk.next(r, r, r) else {
            return NAN3;
        };
        match self.fastd.next(k) {
            Some(d) => [k, d, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct WillrK(HighLow);

impl Kernel for WillrK {
    fn new(p: &Resolved) -> Self {
        WillrK(HighLow::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.high, b.low).map(|(hh, ll)| {
            let range = hh - ll;
            if range != 0.0 {
                -100.0 * ((hh - b.close) / range)
            } else {
                0.0
            }
        }))
    }
}

// ---------------------------------------------------------------- CCI

/// CCI keeps TA-Lib's circular buffer (bar `t` in slot `t % period`) and sums it in slot
/// order, so the mean and mean deviation round exactly as TA-Lib's. The mean deviation has
/// no exact O(1) update, so this one is O(period) per bar, as in TA-Lib.
#[derive(Debug, Clone)]
pub(crate) struct CciK {
    period: usize,
    seen: usize,
    slots: Vec<f64>,
}

impl Kernel for CciK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        CciK {
            period,
            seen: 0,
            slots: Vec::with_capacity(super::window::reserve(period)),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let tp = (b.high + b.low + b.close) / 3.0;
        if self.slots.len() < self.period {
            self.slots.push(tp);
        } else if let Some(slot) = self.slots.get_mut(t % self.period) {
            *slot = tp;
        }
        if t + 1 < self.period {
            return NAN3;
        }
        let p = self.period as f64;
        let mut avg = 0.0;
        for &v in &self.slots {
            avg += v;
        }
        avg /= p;
        let mut dev = 0.0;
        for &v in &self.slots {
            dev += (v - avg).abs();
        }
        let num = tp - avg;
        o1(Some(if !is_zero(num) && !is_zero(dev) {
            num / (0.015 * (dev / p))
        } else {
            0.0
        }))
    }
}

// ---------------------------------------------------------------- MOM, ROC

#[derive(Debug, Clone)]
pub(crate) struct Lagged {
    period: usize,
    window: Fifo<f64>,
}

impl Lagged {
    fn new(period: usize) -> Self {
        Lagged {
            period: period.max(1),
            window: Fifo::new(period + 1),
        }
    }
    /// `(x[t], x[t - period])`.
    #[inline]
    fn next(&mut self, x: f64) -> Option<(f64, f64)> {
        self.window.push(x);
        if self.window.len() <= self.period {
            return None;
        }
        let old = self.window.pop().unwrap_or(f64::NAN);
        Some((x, old))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MomK(Lagged);

impl Kernel for MomK {
    fn new(p: &Resolved) -> Self {
        MomK(Lagged::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(x, old)| x - old))
    }
}

/// TA-Lib's ROC: `(x / x[t-n] - 1) * 100`, 0 when the old value is 0.
#[inline]
fn roc(x: f64, old: f64) -> f64 {
    if old != 0.0 {
        ((x / old) - 1.0) * 100.0
    } else {
        0.0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RocK(Lagged);

impl Kernel for RocK {
    fn new(p: &Resolved) -> Self {
        RocK(Lagged::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close).map(|(x, old)| roc(x, old)))
    }
}

// ---------------------------------------------------------------- TRIX

#[derive(Debug, Clone)]
pub(crate) struct TrixK {
    e1: Ema,
    e2: Ema,
    e3: Ema,
    prev: Option<f64>,
}

impl Kernel for TrixK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("timeperiod");
        TrixK {
            e1: Ema::new(n),
            e2: Ema::new(n),
            e3: Ema::new(n),
            prev: None,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        3 * Ema::lookback(p.int("timeperiod")) + 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(a) = self.e1.next(b.close) else {
            return NAN3;
        };
        let Some(c) = self.e2.next(a) else {
            return NAN3;
        };
        let Some(e) = self.e3.next(c) else {
            return NAN3;
        };
        let out = self.prev.map(|old| roc(e, old));
        self.prev = Some(e);
        o1(out)
    }
}

// ---------------------------------------------------------------- directional movement

/// Wilder-smoothed +DM, -DM and true range: raw sums over the first `period - 1` changes,
/// then `x - x/period + new` from the `period`-th change on.
#[derive(Debug, Clone)]
pub(crate) struct Dm {
    period: usize,
    p: f64,
    seen: usize,
    prev_high: f64,
    prev_low: f64,
    prev_close: f64,
    plus: f64,
    minus: f64,
    tr: f64,
}

impl Dm {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        Dm {
            period,
            p: period as f64,
            seen: 0,
            prev_high: 0.0,
            prev_low: 0.0,
            prev_close: 0.0,
            plus: 0.0,
            minus: 0.0,
            tr: 0.0,
        }
    }

    /// `(+DM, -DM, TR)` smoothed, from bar `period` on.
    #[inline]
    pub(crate) fn next(&mut self, b: &Bar) -> Option<(f64, f64, f64)> {
        let t = self.seen;
        self.seen += 1;
        if t == 0 {
            self.prev_high = b.high;
            self.prev_low = b.low;
            self.prev_close = b.close;
            return None;
        }
        let diff_p = b.high - self.prev_high;
        let diff_m = self.prev_low - b.low;
        self.prev_high = b.high;
        self.prev_low = b.low;
        let p = self.p;
        if t >= self.period {
            self.minus -= self.minus / p;
            self.plus -= self.plus / p;
        }
        if diff_m > 0.0 && diff_p < diff_m {
            self.minus += diff_m;
        } else if diff_p > 0.0 && diff_p > diff_m {
            self.plus += diff_p;
        }
        let tr = true_range(b.high, b.low, self.prev_close);
        self.prev_close = b.close;
        if t >= self.period {
            self.tr = self.tr - (self.tr / p) + tr;
            Some((self.plus, self.minus, self.tr))
        } else {
            self.tr += tr;
            None
        }
    }
}

/// ±DI. Period 1 is TA-Lib's unsmoothed special case: DM / TR of the bar (not × 100).
#[derive(Debug, Clone)]
pub(crate) struct Di {
    plus: bool,
    period: usize,
    dm: Dm,
}

impl Di {
    fn new(plus: bool, period: usize) -> Self {
        Di {
            plus,
            period,
            dm: Dm::new(period),
        }
    }
    fn lookback(period: usize) -> usize {
        period.max(1)
    }
    #[inline]
    fn next(&mut self, b: &Bar) -> Option<f64> {
        if self.period <= 1 {
            return self.next_unsmoothed(b);
        }
        let (plus, minus, tr) = self.dm.next(b)?;
        let dm = if self.plus { plus } else { minus };
        Some(if !is_zero_or_nan(tr) {
            100.0 * (dm / tr)
        } else {
            0.0
        })
    }
    fn next_unsmoothed(&mut self, b: &Bar) -> Option<f64> {
        let d = &mut self.dm;
        let t = d.seen;
        d.seen += 1;
        let (ph, pl, pc) = (d.prev_high, d.prev_low, d.prev_close);
        d.prev_high = b.high;
        d.prev_low = b.low;
        d.prev_close = b.close;
        if t == 0 {
            return None;
        }
        let diff_p = b.high - ph;
        let diff_m = pl - b.low;
        let hit = if self.plus {
            diff_p > 0.0 && diff_p > diff_m
        } else {
            diff_m > 0.0 && diff_p < diff_m
        };
        if !hit {
            return Some(0.0);
        }
        let tr = true_range(b.high, b.low, pc);
        Some(if is_zero_or_nan(tr) {
            0.0
        } else if self.plus {
            diff_p / tr
        } else {
            diff_m / tr
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PlusDiK(Di);

impl Kernel for PlusDiK {
    fn new(p: &Resolved) -> Self {
        PlusDiK(Di::new(true, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        Di::lookback(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MinusDiK(Di);

impl Kernel for MinusDiK {
    fn new(p: &Resolved) -> Self {
        MinusDiK(Di::new(false, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        Di::lookback(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Adx {
    period: usize,
    seen: usize,
    dm: Dm,
    sum_dx: f64,
    adx: f64,
}

impl Adx {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        Adx {
            period,
            seen: 0,
            dm: Dm::new(period),
            sum_dx: 0.0,
            adx: 0.0,
        }
    }
    pub(crate) fn lookback(period: usize) -> usize {
        2 * period - 1
    }
    #[inline]
    pub(crate) fn next(&mut self, b: &Bar) -> Option<f64> {
        let t = self.seen;
        self.seen += 1;
        let (plus, minus, tr) = self.dm.next(b)?;
        let p = self.period as f64;
        let dx = if !is_zero_or_nan(tr) {
            let mdi = 100.0 * (minus / tr);
            let pdi = 100.0 * (plus / tr);
            let sum = mdi + pdi;
            if !is_zero_or_nan(sum) {
                Some(100.0 * ((mdi - pdi).abs() / sum))
            } else {
                None
            }
        } else {
            None
        };
        let first = 2 * self.period - 1;
        if t < first {
            if let Some(dx) = dx {
                self.sum_dx += dx;
            }
            return None;
        }
        if t == first {
            if let Some(dx) = dx {
                self.sum_dx += dx;
            }
            self.adx = self.sum_dx / p;
        } else if let Some(dx) = dx {
            self.adx = ((self.adx * (self.period - 1) as f64) + dx) / p;
        }
        Some(self.adx)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AdxK(Adx);

impl Kernel for AdxK {
    fn new(p: &Resolved) -> Self {
        AdxK(Adx::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        Adx::lookback(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

/// ADXR: the average of today's ADX and the ADX `period - 1` bars ago.
#[derive(Debug, Clone)]
pub(crate) struct AdxrK {
    period: usize,
    adx: Adx,
    past: Fifo<f64>,
}

impl Kernel for AdxrK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("timeperiod");
        AdxrK {
            period: n,
            adx: Adx::new(n),
            past: Fifo::new(n),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        let n = p.int("timeperiod");
        Adx::lookback(n) + n - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(adx) = self.adx.next(b) else {
            return NAN3;
        };
        self.past.push(adx);
        if self.past.len() < self.period {
            return NAN3;
        }
        let old = self.past.pop().unwrap_or(f64::NAN);
        o1(Some((adx + old) / 2.0))
    }
}

// ---------------------------------------------------------------- AROON

/// Bars since the highest high / lowest low over `period + 1` bars (latest bar wins ties,
/// NaN skipped; a window without any number gives NaN).
#[derive(Debug, Clone)]
pub(crate) struct Aroon {
    period: usize,
    idx: usize,
    hi: MonoDeque,
    lo: MonoDeque,
}

impl Aroon {
    fn new(period: usize) -> Self {
        let period = period.max(1);
        Aroon {
            period,
            idx: 0,
            hi: MonoDeque::new(Extreme::Max, period + 1),
            lo: MonoDeque::new(Extreme::Min, period + 1),
        }
    }
    /// `(today, index of highest, index of lowest)`, `None` in warm-up, NaN-flagged via `Err`.
    #[inline]
    fn next(&mut self, b: &Bar) -> Option<Result<(usize, usize, usize), ()>> {
        let i = self.idx;
        self.idx += 1;
        self.hi.push(i, b.high);
        self.lo.push(i, b.low);
        if i < self.period {
            return None;
        }
        match (self.hi.front(), self.lo.front()) {
            (Some((hi, _)), Some((lo, _))) => Some(Ok((i, hi, lo))),
            _ => Some(Err(())),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AroonK(Aroon);

impl Kernel for AroonK {
    fn new(p: &Resolved) -> Self {
        AroonK(Aroon::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let n = self.0.period;
        match self.0.next(b) {
            None => NAN3,
            Some(Err(())) => NAN3,
            Some(Ok((t, hi, lo))) => {
                let factor = 100.0 / n as f64;
                let down = factor * (n as f64 - (t - lo) as f64);
                let up = factor * (n as f64 - (t - hi) as f64);
                [down, up, f64::NAN, f64::NAN]
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AroonOscK(Aroon);

impl Kernel for AroonOscK {
    fn new(p: &Resolved) -> Self {
        AroonOscK(Aroon::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let n = self.0.period;
        match self.0.next(b) {
            None => NAN3,
            Some(Err(())) => o1(Some(f64::NAN)),
            Some(Ok((_, hi, lo))) => {
                let factor = 100.0 / n as f64;
                o1(Some(factor * (hi as f64 - lo as f64)))
            }
        }
    }
}

// ---------------------------------------------------------------- MFI

/// Money flow index, TA-Lib 0.8: a typical-price change within `EPSILON` of the prices'
/// magnitude counts as no change; a whole period without money flow resets the sums to
/// exactly zero; the positive share is clamped into [0, total].
#[derive(Debug, Clone)]
pub(crate) struct MfiK {
    period: usize,
    seen: usize,
    prev: f64,
    pos: f64,
    neg: f64,
    null_run: usize,
    flows: Fifo<(f64, f64)>,
}

impl Kernel for MfiK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        MfiK {
            period,
            seen: 0,
            prev: 0.0,
            pos: 0.0,
            neg: 0.0,
            null_run: 0,
            flows: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let tp = (b.high + b.low + b.close) / 3.0;
        if t == 0 {
            self.prev = tp;
            return NAN3;
        }
        if t > self.period {
            let (pos, neg) = self.flows.pop().unwrap_or((0.0, 0.0));
            self.pos -= pos;
            self.neg -= neg;
        }
        let diff = tp - self.prev;
        let scale = tp.abs() + self.prev.abs();
        self.prev = tp;
        let flow = tp * b.volume;
        let money = if is_zero_scaled(diff, scale) {
            0.0
        } else {
            flow
        };
        let (pos, neg) = if diff < 0.0 {
            (0.0, money)
        } else {
            (money, 0.0)
        };
        self.flows.push((pos, neg));
        self.pos += pos;
        self.neg += neg;
        self.null_run = if money == 0.0 { self.null_run + 1 } else { 0 };
        if self.null_run >= self.period {
            self.null_run = self.period;
            self.pos = 0.0;
            self.neg = 0.0;
        }
        if t < self.period {
            return NAN3;
        }
        let total = self.pos + self.neg;
        let pos = if self.pos < 0.0 {
            0.0
        } else if self.pos > total {
            total
        } else {
            self.pos
        };
        o1(Some(if total <= 0.0 {
            0.0
        } else {
            100.0 * (pos / total)
        }))
    }
}

// ---------------------------------------------------------------- ULTOSC

/// Ultimate oscillator. Periods are sorted (the shortest gets weight 4); each running total
/// starts `period - 1` bars before the first output, as TA-Lib primes them.
#[derive(Debug, Clone)]
pub(crate) struct UltOscK {
    periods: [usize; 3],
    lookback: usize,
    seen: usize,
    prev_close: f64,
    a: [f64; 3],
    b: [f64; 3],
    terms: Fifo<(f64, f64)>,
}

impl UltOscK {
    fn sorted(p: &Resolved) -> [usize; 3] {
        let mut v = [
            p.int("timeperiod1"),
            p.int("timeperiod2"),
            p.int("timeperiod3"),
        ];
        v.sort_unstable();
        v
    }
}

impl Kernel for UltOscK {
    fn new(p: &Resolved) -> Self {
        let periods = Self::sorted(p);
        UltOscK {
            periods,
            lookback: periods[2],
            seen: 0,
            prev_close: 0.0,
            a: [0.0; 3],
            b: [0.0; 3],
            terms: Fifo::new(periods[2] + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Self::sorted(p)[2]
    }
    fn update(&mut self, bar: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let pc = self.prev_close;
        self.prev_close = bar.close;
        if t == 0 {
            return NAN3;
        }
        let true_low = if bar.low < pc { bar.low } else { pc };
        let close_minus_tl = bar.close - true_low;
        let tr = true_range(bar.high, bar.low, pc);
        self.terms.push((close_minus_tl, tr));
        if t < self.lookback {
            for j in 0..3 {
                if t + self.periods[j] > self.lookback {
                    self.a[j] += close_minus_tl;
                    self.b[j] += tr;
                }
            }
            return NAN3;
        }
        for j in 0..3 {
            self.a[j] += close_minus_tl;
            self.b[j] += tr;
        }
        let mut out = 0.0;
        if !is_zero_or_nan(self.b[0]) {
            out += 4.0 * (self.a[0] / self.b[0]);
        }
        if !is_zero_or_nan(self.b[1]) {
            out += 2.0 * (self.a[1] / self.b[1]);
        }
        if !is_zero_or_nan(self.b[2]) {
            out += self.a[2] / self.b[2];
        }
        // Drop the term that leaves each window (bar t - period + 1).
        for j in 0..3 {
            let (a, b) = self
                .terms
                .back(self.periods[j] - 1)
                .unwrap_or((f64::NAN, f64::NAN));
            self.a[j] -= a;
            self.b[j] -= b;
        }
        if self.terms.len() >= self.lookback {
            self.terms.pop();
        }
        o1(Some(100.0 * (out / 7.0)))
    }
}

// ---------------------------------------------------------------- BOP

#[derive(Debug, Clone)]
pub(crate) struct BopK;

impl Kernel for BopK {
    fn new(_: &Resolved) -> Self {
        BopK
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let range = b.high - b.low;
        o1(Some(if super::is_zero_or_neg(range) {
            0.0
        } else {
            (b.close - b.open) / range
        }))
    }
}
