//! TA-Lib 0.8's overlap studies beyond the classic averages: MA (any `matype`), HMA, ZLEMA,
//! RMA, VWMA, MAVP, MIDPOINT, DONCHIAN, ACCBANDS, KC, SUPERTREND, SAREXT, and the two MACD
//! variants MACDEXT and MACDFIX. Each follows TA-Lib's C arithmetic step by step; where a
//! TA-Lib function composes others (KC, MACDEXT, MAVP) each part starts its warm-up where
//! TA-Lib's call for it starts, because a recursive average's values depend on that start.

use super::ma::{Ema, Ma, Series};
use super::momentum::{HighLow, Macd};
use super::params::{MaType, Resolved};
use super::window::Fifo;
use super::{is_zero, o1, true_range, Bar, Kernel, Out, NAN3};

// ---------------------------------------------------------------- MA, HMA, ZLEMA, RMA

/// A one-input average over `close`, built by the MA factory.
macro_rules! ma_kernel {
    ($(#[$doc:meta])* $name:ident, |$p:ident| $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub(crate) struct $name(Ma);
        impl Kernel for $name {
            fn new($p: &Resolved) -> Self {
                $name(Ma::new($kind, $p.int("timeperiod")))
            }
            fn lookback($p: &Resolved) -> usize {
                Ma::lookback($kind, $p.int("timeperiod"))
            }
            #[inline]
            fn update(&mut self, b: &Bar) -> Out {
                o1(self.0.next(b.close))
            }
        }
    };
}

ma_kernel!(
    /// TA-Lib's `MA`: the average chosen by `matype`.
    MaK,
    |p| p.matype("matype")
);
ma_kernel!(HmaK, |p| MaType::Hma);
ma_kernel!(ZlemaK, |p| MaType::Zlema);
ma_kernel!(RmaK, |p| MaType::Rma);

// ---------------------------------------------------------------- VWMA

/// Volume-weighted MA: `SMA(close * volume) / SMA(volume)` with TA-Lib's running sums (add,
/// snapshot, subtract). As in TA-Lib 0.8.2, a window of zero volume divides the sums' rounding
/// residue (±inf or NaN), it is not reset to exact zeros.
#[derive(Debug, Clone)]
pub(crate) struct VwmaK {
    period: usize,
    p: f64,
    sum_pv: f64,
    sum_v: f64,
    window: Fifo<(f64, f64)>,
}

impl Kernel for VwmaK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        VwmaK {
            period,
            p: period as f64,
            sum_pv: 0.0,
            sum_v: 0.0,
            window: Fifo::new(period),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").saturating_sub(1)
    }
    fn update(&mut self, b: &Bar) -> Out {
        if self.period == 1 {
            return o1(Some(b.close));
        }
        let pv = b.close * b.volume;
        self.sum_pv += pv;
        self.sum_v += b.volume;
        self.window.push((pv, b.volume));
        if self.window.len() < self.period {
            return NAN3;
        }
        let (spv, sv) = (self.sum_pv, self.sum_v);
        let (old_pv, old_v) = self.window.pop().unwrap_or((f64::NAN, f64::NAN));
        self.sum_pv -= old_pv;
        self.sum_v -= old_v;
        o1(Some((spv / self.p) / (sv / self.p)))
    }
}

// ---------------------------------------------------------------- MAVP

/// Moving average with a per-bar period (`periods` input, clamped into
/// `[minperiod, maxperiod]`, NaN taking the minimum). As in TA-Lib every period's average is
/// warmed up to end at the first output bar (`lookback(maxperiod)`), so a period's average
/// is built the first time a bar asks for it and replayed over the retained prices; the
/// prices are dropped once every period of the range is live.
#[derive(Debug, Clone)]
pub(crate) struct MavpK {
    kind: MaType,
    min: usize,
    max: usize,
    lookback: usize,
    seen: usize,
    history: Vec<f64>,
    /// Index `p - min`: the live average of period `p` and its latest value.
    live: Vec<Option<(Ma, Option<f64>)>>,
    live_count: usize,
}

impl MavpK {
    fn clamp(&self, raw: f64) -> usize {
        let p = if raw.is_nan() || raw < self.min as f64 {
            self.min
        } else if raw > self.max as f64 {
            self.max
        } else {
            raw as usize
        };
        p.max(1)
    }
}

impl Kernel for MavpK {
    fn new(p: &Resolved) -> Self {
        let min = p.int("minperiod").max(1);
        let max = p.int("maxperiod").max(min);
        let kind = p.matype("matype");
        MavpK {
            kind,
            min,
            max,
            lookback: Ma::lookback(kind, max),
            seen: 0,
            history: Vec::new(),
            live: Vec::new(),
            live_count: 0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        let (min, max) = (p.int("minperiod").max(1), p.int("maxperiod"));
        Ma::lookback(p.matype("matype"), max.max(min))
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let x = b.close;
        let range = self.max - self.min + 1;
        // Advance every live average.
        for slot in self.live.iter_mut().flatten() {
            slot.1 = slot.0.next(x);
        }
        if self.live_count < range {
            self.history.push(x);
        }
        if t < self.lookback {
            return NAN3;
        }
        let period = self.clamp(b.periods);
        let at = period - self.min;
        if self.live.len() < range {
            self.live.resize_with(range, || None);
        }
        if self.live.get(at).is_some_and(|s| s.is_none()) {
            // Start where TA-Lib's pass for this period starts and catch up to bar t.
            let start = self.lookback - Ma::lookback(self.kind, period);
            let mut ma = Ma::new(self.kind, period);
            let mut last = None;
            for &v in self.history.get(start..).unwrap_or(&[]) {
                last = ma.next(v);
            }
            if let Some(slot) = self.live.get_mut(at) {
                *slot = Some((ma, last));
            }
            self.live_count += 1;
            if self.live_count == range {
                self.history = Vec::new();
            }
        }
        o1(self.live.get(at).and_then(|s| s.as_ref()).and_then(|s| s.1))
    }
}

// ---------------------------------------------------------------- MIDPOINT, DONCHIAN

/// `(highest + lowest) / 2` of `close` over the window.
#[derive(Debug, Clone)]
pub(crate) struct MidpointK(HighLow);

impl Kernel for MidpointK {
    fn new(p: &Resolved) -> Self {
        MidpointK(HighLow::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").saturating_sub(1)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self
            .0
            .next(b.close, b.close)
            .map(|(hh, ll)| (hh + ll) / 2.0))
    }
}

/// Donchian channel over the last `timeperiod` bars including the current one (TA-Lib
/// 0.8.2's DONCHIAN has no lag parameter): highest high, midline, lowest low.
#[derive(Debug, Clone)]
pub(crate) struct DonchianK(HighLow);

impl Kernel for DonchianK {
    fn new(p: &Resolved) -> Self {
        DonchianK(HighLow::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").saturating_sub(1)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        match self.0.next(b.high, b.low) {
            Some((hh, ll)) => [hh, (hh + ll) / 2.0, ll, f64::NAN],
            None => NAN3,
        }
    }
}

// ---------------------------------------------------------------- ACCBANDS

/// Acceleration bands: SMAs of `high (1 + 4 (h-l)/(h+l))`, `close` and
/// `low (1 - 4 (h-l)/(h+l))` as three running sums over one window.
#[derive(Debug, Clone)]
pub(crate) struct AccBandsK {
    period: usize,
    p: f64,
    sums: [f64; 3],
    window: Fifo<[f64; 3]>,
}

impl AccBandsK {
    /// The three per-bar terms (upper, middle, lower).
    #[inline]
    fn terms(b: &Bar) -> [f64; 3] {
        let sum = b.high + b.low;
        if !is_zero(sum) {
            let r = 4.0 * (b.high - b.low) / sum;
            [b.high * (1.0 + r), b.close, b.low * (1.0 - r)]
        } else {
            [b.high, b.close, b.low]
        }
    }
}

impl Kernel for AccBandsK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        AccBandsK {
            period,
            p: period as f64,
            sums: [0.0; 3],
            window: Fifo::new(period),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").saturating_sub(1)
    }
    fn update(&mut self, b: &Bar) -> Out {
        let terms = Self::terms(b);
        for (s, v) in self.sums.iter_mut().zip(terms) {
            *s += v;
        }
        self.window.push(terms);
        if self.window.len() < self.period {
            return NAN3;
        }
        let snapshot = self.sums;
        let old = self.window.pop().unwrap_or([f64::NAN; 3]);
        for (s, v) in self.sums.iter_mut().zip(old) {
            *s -= v;
        }
        [
            snapshot[0] / self.p,
            snapshot[1] / self.p,
            snapshot[2] / self.p,
            f64::NAN,
        ]
    }
}

// ---------------------------------------------------------------- ATR-based: KC, SUPERTREND

/// Wilder's ATR as TA-Lib's `atr()` computes it when called from bar `start` on: the plain
/// average of the first `period` true ranges after `start`, then `(atr (n-1) + tr) / n`.
#[derive(Debug, Clone)]
struct Atr {
    period: usize,
    p: f64,
    p1: f64,
    start: usize,
    seen: usize,
    prev_close: f64,
    atr: f64,
}

impl Atr {
    fn new(period: usize, start: usize) -> Self {
        let period = period.max(1);
        Atr {
            period,
            p: period as f64,
            p1: (period - 1) as f64,
            start,
            seen: 0,
            prev_close: f64::NAN,
            atr: 0.0,
        }
    }
    /// ATR at this bar, from bar `start + period` on.
    #[inline]
    fn next(&mut self, b: &Bar) -> Option<f64> {
        let t = self.seen;
        self.seen += 1;
        let pc = self.prev_close;
        self.prev_close = b.close;
        if t <= self.start {
            return None;
        }
        let k = t - self.start;
        let tr = true_range(b.high, b.low, pc);
        if k <= self.period {
            self.atr += tr;
            if k < self.period {
                return None;
            }
            self.atr /= self.p;
            return Some(self.atr);
        }
        self.atr *= self.p1;
        self.atr += tr;
        self.atr /= self.p;
        Some(self.atr)
    }
}

/// Keltner channel: EMA of the typical price ± `nbdev` ATR. Each leg starts its warm-up
/// so that its first value lands on the first output bar, as in TA-Lib.
#[derive(Debug, Clone)]
pub(crate) struct KcK {
    ema_start: usize,
    seen: usize,
    ema: Ema,
    atr: Atr,
    nbdev: f64,
}

impl KcK {
    fn lookbacks(p: &Resolved) -> (usize, usize) {
        (
            Ema::lookback(p.int("timeperiod")),
            p.int("atrperiod").max(1),
        )
    }
}

impl Kernel for KcK {
    fn new(p: &Resolved) -> Self {
        let (le, la) = Self::lookbacks(p);
        let total = le.max(la);
        KcK {
            ema_start: total - le,
            seen: 0,
            ema: Ema::new(p.int("timeperiod")),
            atr: Atr::new(p.int("atrperiod"), total - la),
            nbdev: p.real("nbdev"),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        let (le, la) = Self::lookbacks(p);
        le.max(la)
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let atr = self.atr.next(b);
        let mid = if t >= self.ema_start {
            self.ema.next((b.high + b.low + b.close) / 3.0)
        } else {
            None
        };
        match (mid, atr) {
            (Some(mid), Some(atr)) => {
                let band = atr * self.nbdev;
                [mid + band, mid, mid - band, f64::NAN]
            }
            _ => NAN3,
        }
    }
}

/// SuperTrend: ATR bands around the median price that ratchet toward price and flip with
/// the close. Outputs the active band and the trend (1 up, -1 down; NaN during warm-up like
/// every other output, where TA-Lib's integer array holds 0).
#[derive(Debug, Clone)]
pub(crate) struct SuperTrendK {
    atr: Atr,
    mult: f64,
    started: bool,
    up: bool,
    upper: f64,
    lower: f64,
    prev_close: f64,
}

impl Kernel for SuperTrendK {
    fn new(p: &Resolved) -> Self {
        SuperTrendK {
            atr: Atr::new(p.int("timeperiod"), 0),
            mult: p.real("multiplier"),
            started: false,
            up: true,
            upper: 0.0,
            lower: 0.0,
            prev_close: 0.0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").max(1)
    }
    fn update(&mut self, b: &Bar) -> Out {
        let Some(atr) = self.atr.next(b) else {
            return NAN3;
        };
        let median = (b.high + b.low) / 2.0;
        let band = self.mult * atr;
        let (basic_upper, basic_lower) = (median + band, median - band);
        if !self.started {
            self.started = true;
            self.upper = basic_upper;
            self.lower = basic_lower;
            self.up = true;
            self.prev_close = b.close;
            return [self.lower, 1.0, f64::NAN, f64::NAN];
        }
        if basic_upper < self.upper || self.prev_close > self.upper {
            self.upper = basic_upper;
        }
        if basic_lower > self.lower || self.prev_close < self.lower {
            self.lower = basic_lower;
        }
        if self.up {
            if b.close < self.lower {
                self.up = false;
            }
        } else if b.close > self.upper {
            self.up = true;
        }
        self.prev_close = b.close;
        if self.up {
            [self.lower, 1.0, f64::NAN, f64::NAN]
        } else {
            [self.upper, -1.0, f64::NAN, f64::NAN]
        }
    }
}

// ---------------------------------------------------------------- SAREXT

/// Parabolic SAR with every knob: a start value (0: direction from the first two bars'
/// -DM; > 0 long at it; < 0 short at its magnitude), an offset applied on reversal, and
/// separate initial/step/maximum accelerations for long and short. Short positions are
/// reported as negative values.
#[derive(Debug, Clone)]
pub(crate) struct SarExtK {
    start_value: f64,
    offset: f64,
    init_long: f64,
    step_long: f64,
    max_long: f64,
    init_short: f64,
    step_short: f64,
    max_short: f64,
    seen: usize,
    long: bool,
    af_long: f64,
    af_short: f64,
    ep: f64,
    sar: f64,
    new_high: f64,
    new_low: f64,
}

impl Kernel for SarExtK {
    fn new(p: &Resolved) -> Self {
        let max_long = p.real("accelerationmaxlong");
        let max_short = p.real("accelerationmaxshort");
        let init_long = p.real("accelerationinitlong").min(max_long);
        let init_short = p.real("accelerationinitshort").min(max_short);
        SarExtK {
            start_value: p.real("startvalue"),
            offset: p.real("offsetonreverse"),
            init_long,
            step_long: p.real("accelerationlong").min(max_long),
            max_long,
            init_short,
            step_short: p.real("accelerationshort").min(max_short),
            max_short,
            seen: 0,
            long: true,
            af_long: init_long,
            af_short: init_short,
            ep: 0.0,
            sar: 0.0,
            new_high: 0.0,
            new_low: 0.0,
        }
    }
    fn lookback(_: &Resolved) -> usize {
        1
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        if t == 0 {
            self.new_high = b.high;
            self.new_low = b.low;
            return NAN3;
        }
        if t == 1 {
            let (first_high, first_low) = (self.new_high, self.new_low);
            self.long = if self.start_value == 0.0 {
                let diff_p = b.high - first_high;
                let diff_m = first_low - b.low;
                !(diff_m > 0.0 && diff_p < diff_m)
            } else {
                self.start_value > 0.0
            };
            if self.start_value == 0.0 {
                if self.long {
                    self.ep = b.high;
                    self.sar = first_low;
                } else {
                    self.ep = b.low;
                    self.sar = first_high;
                }
            } else if self.start_value > 0.0 {
                self.ep = b.high;
                self.sar = self.start_value;
            } else {
                self.ep = b.low;
                self.sar = self.start_value.abs();
            }
            self.new_low = b.low;
            self.new_high = b.high;
        }
        let (prev_low, prev_high) = (self.new_low, self.new_high);
        self.new_low = b.low;
        self.new_high = b.high;
        let (new_low, new_high) = (b.low, b.high);
        let out;
        if self.long {
            if new_low <= self.sar {
                // Reverse to short.
                self.long = false;
                self.sar = self.ep.max_nan_first(prev_high).max_nan_first(new_high);
                if self.offset != 0.0 {
                    self.sar = self.sar.mul_add(self.offset, self.sar);
                }
                out = -self.sar;
                self.af_short = self.init_short;
                self.ep = new_low;
                self.sar = self.af_short.mul_add(self.ep - self.sar, self.sar);
                self.sar = self.sar.max_nan_first(prev_high).max_nan_first(new_high);
            } else {
                out = self.sar;
                if new_high > self.ep {
                    self.ep = new_high;
                    self.af_long += self.step_long;
                    if self.af_long > self.max_long {
                        self.af_long = self.max_long;
                    }
                }
                self.sar = self.af_long.mul_add(self.ep - self.sar, self.sar);
                self.sar = self.sar.min_nan_first(prev_low).min_nan_first(new_low);
            }
        } else if new_high >= self.sar {
            // Reverse to long.
            self.long = true;
            self.sar = self.ep.min_nan_first(prev_low).min_nan_first(new_low);
            if self.offset != 0.0 {
                self.sar -= self.sar * self.offset;
            }
            out = self.sar;
            self.af_long = self.init_long;
            self.ep = new_high;
            self.sar = self.af_long.mul_add(self.ep - self.sar, self.sar);
            self.sar = self.sar.min_nan_first(prev_low).min_nan_first(new_low);
        } else {
            out = -self.sar;
            if new_low < self.ep {
                self.ep = new_low;
                self.af_short += self.step_short;
                if self.af_short > self.max_short {
                    self.af_short = self.max_short;
                }
            }
            self.sar = self.af_short.mul_add(self.ep - self.sar, self.sar);
            self.sar = self.sar.max_nan_first(prev_high).max_nan_first(new_high);
        }
        o1(Some(out))
    }
}

/// TA-Lib's clamps `if (sar < x) sar = x;` / `if (sar > x) sar = x;`, which keep `sar` when
/// the comparison is false (NaN included), unlike `f64::max`/`min`.
trait Clamp {
    fn max_nan_first(self, x: f64) -> f64;
    fn min_nan_first(self, x: f64) -> f64;
}

impl Clamp for f64 {
    #[inline]
    fn max_nan_first(self, x: f64) -> f64 {
        if self < x {
            x
        } else {
            self
        }
    }
    #[inline]
    fn min_nan_first(self, x: f64) -> f64 {
        if self > x {
            x
        } else {
            self
        }
    }
}

// ---------------------------------------------------------------- MACDEXT, MACDFIX

/// MACD with a moving-average type per line. All-EMA with periods of 2 or more is TA-Lib's
/// MACD itself; otherwise the fast and slow averages (swapped, types included, when slow
/// < fast) both end their warm-up on the same bar and the signal average runs on the line.
/// (One per stream, so the size difference of the variants costs nothing.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum MacdExtK {
    Macd(Macd),
    General {
        fast_start: usize,
        slow_start: usize,
        seen: usize,
        fast: Ma,
        slow: Ma,
        signal: Ma,
    },
}

struct MacdExtSpec {
    fast: (usize, MaType),
    slow: (usize, MaType),
    signal: (usize, MaType),
}

impl MacdExtSpec {
    fn new(p: &Resolved) -> Self {
        let mut fast = (p.int("fastperiod"), p.matype("fastmatype"));
        let mut slow = (p.int("slowperiod"), p.matype("slowmatype"));
        if slow.0 < fast.0 {
            std::mem::swap(&mut fast, &mut slow);
        }
        MacdExtSpec {
            fast,
            slow,
            signal: (p.int("signalperiod"), p.matype("signalmatype")),
        }
    }
    fn all_ema(&self) -> bool {
        [self.fast, self.slow, self.signal]
            .iter()
            .all(|&(n, k)| k == MaType::Ema && n >= 2)
    }
    fn largest(&self) -> usize {
        Ma::lookback(self.fast.1, self.fast.0).max(Ma::lookback(self.slow.1, self.slow.0))
    }
}

impl Kernel for MacdExtK {
    fn new(p: &Resolved) -> Self {
        let s = MacdExtSpec::new(p);
        if s.all_ema() {
            return MacdExtK::Macd(Macd::new(s.fast.0, s.slow.0, s.signal.0));
        }
        let largest = s.largest();
        MacdExtK::General {
            fast_start: largest - Ma::lookback(s.fast.1, s.fast.0),
            slow_start: largest - Ma::lookback(s.slow.1, s.slow.0),
            seen: 0,
            fast: Ma::new(s.fast.1, s.fast.0),
            slow: Ma::new(s.slow.1, s.slow.0),
            signal: Ma::new(s.signal.1, s.signal.0),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        let s = MacdExtSpec::new(p);
        s.largest() + Ma::lookback(s.signal.1, s.signal.0)
    }
    fn update(&mut self, b: &Bar) -> Out {
        let x = b.close;
        match self {
            MacdExtK::Macd(m) => match m.next(x) {
                Some((line, signal, hist)) => [line, signal, hist, f64::NAN],
                None => NAN3,
            },
            MacdExtK::General {
                fast_start,
                slow_start,
                seen,
                fast,
                slow,
                signal,
            } => {
                let t = *seen;
                *seen += 1;
                let f = if t >= *fast_start { fast.next(x) } else { None };
                let s = if t >= *slow_start { slow.next(x) } else { None };
                let (Some(f), Some(s)) = (f, s) else {
                    return NAN3;
                };
                let line = f - s;
                match signal.next(line) {
                    Some(sig) => [line, sig, line - sig, f64::NAN],
                    None => NAN3,
                }
            }
        }
    }
}

/// MACD with TA-Lib's fixed 12/26 smoothing factors (0.15 and 0.075) and a chosen signal
/// period. The fast average is seeded on the last 12 of the slow one's 26 seed bars.
#[derive(Debug, Clone)]
pub(crate) struct MacdFixK {
    signal_period: usize,
    seen: usize,
    fast_k: f64,
    fast_beta: f64,
    slow_k: f64,
    slow_beta: f64,
    signal_k: f64,
    signal_beta: f64,
    fast: f64,
    slow: f64,
    signal: f64,
}

const FIX_SLOW: usize = 26;
const FIX_FAST: usize = 12;

/// `(k, beta)` with `k` recomputed from `beta`, as TA-Lib does, so `k + beta == 1` exactly.
fn k_beta(k: f64) -> (f64, f64) {
    let beta = 1.0 - k;
    (1.0 - beta, beta)
}

impl Kernel for MacdFixK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("signalperiod").max(1);
        let (fast_k, fast_beta) = k_beta(0.15);
        let (slow_k, slow_beta) = k_beta(0.075);
        let sb = (n - 1) as f64 / (n + 1) as f64;
        let (signal_k, signal_beta) = k_beta(1.0 - sb);
        MacdFixK {
            signal_period: n,
            seen: 0,
            fast_k,
            fast_beta,
            slow_k,
            slow_beta,
            signal_k,
            signal_beta,
            fast: 0.0,
            slow: 0.0,
            signal: 0.0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Ema::lookback(FIX_SLOW) + Ema::lookback(p.int("signalperiod"))
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let x = b.close;
        let seed_end = FIX_SLOW - 1;
        if t < seed_end {
            self.slow += x;
            if t >= FIX_SLOW - FIX_FAST {
                self.fast += x;
            }
            return NAN3;
        }
        if t == seed_end {
            self.fast += x;
            self.slow += x;
            self.slow /= FIX_SLOW as f64;
            self.fast /= FIX_FAST as f64;
        } else {
            self.fast = self.fast_k.mul_add(x, self.fast_beta * self.fast);
            self.slow = self.slow_k.mul_add(x, self.slow_beta * self.slow);
        }
        let line = self.fast - self.slow;
        let first = seed_end + self.signal_period - 1;
        if t < first {
            self.signal += line;
            return NAN3;
        }
        if t == first {
            self.signal += line;
            self.signal /= self.signal_period as f64;
        } else if self.signal_period == 1 {
            self.signal = line;
        } else {
            self.signal = self.signal_k.mul_add(line, self.signal_beta * self.signal);
        }
        [line, self.signal, line - self.signal, f64::NAN]
    }
}
