//! Oscillators: AO, AC, CMOU, COPPOCK, DPO, ER, FOSC, IMI, KDJ, QSTICK, ROCP, ROCR,
//! ROCR100, SMI, TSI, VHF.

use super::super::ma::{Ema, Series, Sma};
use super::super::momentum::StochK;
use super::super::params::Resolved;
use super::super::window::Fifo;
use super::super::{o1, Bar, Kernel, Out, NAN3};
use super::{Lag, NullRun, Skip};

// ---------------------------------------------------------------- AO, AC

/// Awesome oscillator: SMA(median, fast) - SMA(median, slow). Periods are not swapped; each
/// SMA starts where TA-Lib's fused loop starts it, `max - period` bars in.
#[derive(Debug, Clone)]
pub(crate) struct Awesome {
    fast: Skip<Sma>,
    slow: Skip<Sma>,
}

impl Awesome {
    fn new(fast: usize, slow: usize) -> Self {
        let longest = fast.max(slow);
        Awesome {
            fast: Skip::new(longest - fast, Sma::new(fast)),
            slow: Skip::new(longest - slow, Sma::new(slow)),
        }
    }
    fn lookback(fast: usize, slow: usize) -> usize {
        fast.max(slow) - 1
    }
    #[inline]
    fn next(&mut self, b: &Bar) -> Option<f64> {
        let median = (b.high + b.low) / 2.0;
        let fast = self.fast.next(median);
        let slow = self.slow.next(median);
        Some(fast? - slow?)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AoK(Awesome);

impl Kernel for AoK {
    fn new(p: &Resolved) -> Self {
        AoK(Awesome::new(p.int("fastperiod"), p.int("slowperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        Awesome::lookback(p.int("fastperiod"), p.int("slowperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

/// Accelerator oscillator: AO minus its SMA over `signalperiod` values.
#[derive(Debug, Clone)]
pub(crate) struct AcK {
    ao: Awesome,
    signal: Sma,
}

impl Kernel for AcK {
    fn new(p: &Resolved) -> Self {
        AcK {
            ao: Awesome::new(p.int("fastperiod"), p.int("slowperiod")),
            signal: Sma::new(p.int("signalperiod")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Awesome::lookback(p.int("fastperiod"), p.int("slowperiod")) + p.int("signalperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(osc) = self.ao.next(b) else {
            return NAN3;
        };
        o1(self.signal.next(osc).map(|avg| osc - avg))
    }
}

// ---------------------------------------------------------------- CMOU

/// Unsmoothed Chande momentum: sums of up and down moves over the last `period` changes,
/// `(100 * (up - down)) / (up + down)`, 0 for a flat window.
#[derive(Debug, Clone)]
pub(crate) struct CmouK {
    period: usize,
    seen: usize,
    prev: f64,
    up: f64,
    down: f64,
    flat: NullRun,
    changes: Fifo<f64>,
}

impl Kernel for CmouK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        CmouK {
            period,
            seen: 0,
            prev: 0.0,
            up: 0.0,
            down: 0.0,
            flat: NullRun::default(),
            changes: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let diff = b.close - self.prev;
        self.prev = b.close;
        if t == 0 {
            return NAN3;
        }
        if t > self.period {
            let old = self.changes.pop().unwrap_or(0.0);
            if old > 0.0 {
                self.up -= old;
            } else if old < 0.0 {
                self.down += old;
            }
        }
        self.changes.push(diff);
        if diff > 0.0 {
            self.up += diff;
        } else if diff < 0.0 {
            self.down -= diff;
        }
        if t > self.period {
            if self.flat.flat_for(diff == 0.0, self.period) {
                self.up = 0.0;
                self.down = 0.0;
            }
        } else {
            self.flat.count(diff == 0.0);
        }
        if t < self.period {
            return NAN3;
        }
        let sum = self.up + self.down;
        o1(Some(if sum > 0.0 {
            (100.0 * (self.up - self.down)) / sum
        } else {
            0.0
        }))
    }
}

// ---------------------------------------------------------------- COPPOCK

/// TA-Lib's ROC term: `(x / base - 1) * 100`, 0 when the base is 0.
#[inline]
fn roc_percent(x: f64, base: f64) -> f64 {
    if base != 0.0 {
        ((x / base) - 1.0) * 100.0
    } else {
        0.0
    }
}

/// TA-Lib's WMA recurrence (a running sum and a running weighted sum) that COPPOCK uses,
/// with its periodic re-anchor: every `8 * period` bars both sums are rebuilt from the
/// window, which drops the drift of the add/subtract updates (a window of zeros reads 0).
#[derive(Debug, Clone)]
pub(crate) struct AnchoredWma {
    period: usize,
    weight: f64,
    divider: f64,
    sum: f64,
    sub: f64,
    trailing: f64,
    until_reanchor: usize,
    /// The `period - 1` values before the current one.
    window: Fifo<f64>,
}

impl AnchoredWma {
    fn new(period: usize) -> Self {
        let period = period.max(1);
        let w = period as f64;
        AnchoredWma {
            period,
            weight: w,
            divider: w * (w + 1.0) / 2.0,
            sum: 0.0,
            sub: 0.0,
            trailing: 0.0,
            until_reanchor: 8 * period,
            window: Fifo::new(period),
        }
    }
}

impl Series for AnchoredWma {
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.period == 1 {
            return Some(x);
        }
        let held = self.window.len();
        if held + 1 < self.period {
            self.sub += x;
            self.sum += x * (held + 1) as f64;
            self.window.push(x);
            return None;
        }
        self.sub += x;
        self.sub -= self.trailing;
        self.sum += x * self.weight;
        self.until_reanchor -= 1;
        if self.until_reanchor == 0 {
            self.until_reanchor = 8 * self.period;
            self.sub = 0.0;
            self.sum = 0.0;
            for (k, &v) in self.window.iter().enumerate() {
                self.sub += v;
                self.sum += v * (k + 1) as f64;
            }
            self.sub += x;
            self.sum += x * self.weight;
        }
        self.trailing = self.window.pop().unwrap_or(0.0);
        self.window.push(x);
        let out = self.sum / self.divider;
        self.sum -= self.sub;
        Some(out)
    }
}

/// Coppock curve: WMA of ROC(roc1) + ROC(roc2).
#[derive(Debug, Clone)]
pub(crate) struct CoppockK {
    lag1: Lag,
    lag2: Lag,
    wma: AnchoredWma,
}

impl Kernel for CoppockK {
    fn new(p: &Resolved) -> Self {
        CoppockK {
            lag1: Lag::new(p.int("roc1period")),
            lag2: Lag::new(p.int("roc2period")),
            wma: AnchoredWma::new(p.int("wmaperiod")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("roc1period").max(p.int("roc2period")) + p.int("wmaperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let base1 = self.lag1.next(b.close);
        let base2 = self.lag2.next(b.close);
        let (Some(base1), Some(base2)) = (base1, base2) else {
            return NAN3;
        };
        let sum = roc_percent(b.close, base1) + roc_percent(b.close, base2);
        o1(self.wma.next(sum))
    }
}

// ---------------------------------------------------------------- DPO

/// Detrended price oscillator: the close `period/2 + 1` bars back minus today's SMA.
#[derive(Debug, Clone)]
pub(crate) struct DpoK {
    sma: Skip<Sma>,
    displaced: Lag,
}

impl DpoK {
    fn lb(period: usize) -> usize {
        (period - 1).max(period / 2 + 1)
    }
}

impl Kernel for DpoK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("timeperiod");
        DpoK {
            sma: Skip::new(Self::lb(n) - (n - 1), Sma::new(n)),
            displaced: Lag::new(n / 2 + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Self::lb(p.int("timeperiod"))
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let avg = self.sma.next(b.close);
        let old = self.displaced.next(b.close);
        match (avg, old) {
            (Some(avg), Some(old)) => o1(Some(old - avg)),
            _ => NAN3,
        }
    }
}

// ---------------------------------------------------------------- ER

/// Kaufman efficiency ratio: |x - x[t-n]| over the path length of the last `n` changes,
/// pinned to exactly 1 when the path is not longer than the net move (so rounding in the
/// running path sum never reads above 1), and 1 for a flat window.
#[derive(Debug, Clone)]
pub(crate) struct ErK {
    period: usize,
    seen: usize,
    prev: f64,
    path: f64,
    flat: NullRun,
    closes: Fifo<f64>,
    steps: Fifo<f64>,
}

impl Kernel for ErK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        ErK {
            period,
            seen: 0,
            prev: 0.0,
            path: 0.0,
            flat: NullRun::default(),
            closes: Fifo::new(period + 1),
            steps: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        let x = b.close;
        let change = self.prev - x;
        self.prev = x;
        self.closes.push(x);
        if t == 0 {
            return NAN3;
        }
        if t > self.period {
            self.path -= self.steps.pop().unwrap_or(0.0);
        }
        self.path += change.abs();
        self.steps.push(change.abs());
        if t > self.period {
            if self.flat.flat_for(change == 0.0, self.period) {
                self.path = 0.0;
            }
        } else {
            self.flat.count(change == 0.0);
        }
        if t < self.period {
            return NAN3;
        }
        let old = self.closes.pop().unwrap_or(f64::NAN);
        let net = x - old;
        o1(Some(if self.path <= net.abs() {
            1.0
        } else {
            (net / self.path).abs()
        }))
    }
}

// ---------------------------------------------------------------- FOSC

/// Forecast oscillator: `100 * (x - TSF[t-1]) / x`, the time-series forecast made one bar
/// earlier (TA-Lib's least-squares sums, recomputed from the window every 32 periods).
#[derive(Debug, Clone)]
pub(crate) struct FoscK {
    period: usize,
    n: f64,
    sum_x: f64,
    divisor: f64,
    sum_y: f64,
    sum_xy: f64,
    started: bool,
    until_reseed: usize,
    window: Fifo<f64>,
    /// Forecast for the current bar, from the window ending at the previous bar.
    forecast: Option<f64>,
}

impl FoscK {
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

    /// Adds `x` and returns the forecast for the next bar once `period` values exist.
    fn regress(&mut self, x: f64) -> Option<f64> {
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
        // TA-Lib 0.8 fuses the projection: fma(m, period, b).
        Some(m.mul_add(self.n, b))
    }
}

impl Kernel for FoscK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(2);
        let n = period as f64;
        let sum_x = n * (n - 1.0) * 0.5;
        let sum_x_sq = n * (n - 1.0) * (2.0 * n - 1.0) / 6.0;
        FoscK {
            period,
            n,
            sum_x,
            divisor: sum_x * sum_x - n * sum_x_sq,
            sum_y: 0.0,
            sum_xy: 0.0,
            started: false,
            until_reseed: 0,
            window: Fifo::new(period + 1),
            forecast: None,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let x = b.close;
        let out = self
            .forecast
            .map(|tsf| if x != 0.0 { 100.0 * (x - tsf) / x } else { 0.0 });
        self.forecast = self.regress(x);
        o1(out)
    }
}

// ---------------------------------------------------------------- IMI

/// Intraday momentum index: the share of up-candle bodies in all bodies over `period` bars,
/// summed afresh each bar in TA-Lib's order; 50 when the window has no body at all.
#[derive(Debug, Clone)]
pub(crate) struct ImiK {
    period: usize,
    bodies: Fifo<(f64, f64)>,
}

impl Kernel for ImiK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        ImiK {
            period,
            bodies: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    fn update(&mut self, b: &Bar) -> Out {
        self.bodies.push((b.open, b.close));
        if self.bodies.len() < self.period {
            return NAN3;
        }
        let (mut up, mut down) = (0.0, 0.0);
        for &(open, close) in self.bodies.iter() {
            if close > open {
                up += close - open;
            } else {
                down += open - close;
            }
        }
        self.bodies.pop();
        let total = up + down;
        // TA-Lib 0.8: a window of doji only (no body at all) is neutral.
        o1(Some(if total == 0.0 {
            50.0
        } else {
            100.0 * (up / total)
        }))
    }
}

// ---------------------------------------------------------------- KDJ

/// KDJ: TA-Lib's STOCH (slow %K, %D) plus J = 3K - 2D.
#[derive(Debug, Clone)]
pub(crate) struct KdjK(StochK);

impl Kernel for KdjK {
    fn new(p: &Resolved) -> Self {
        KdjK(StochK::new(p))
    }
    fn lookback(p: &Resolved) -> usize {
        StochK::lookback(p)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let [k, d, ..] = self.0.update(b);
        if k.is_nan() && d.is_nan() {
            return NAN3;
        }
        [k, d, 3.0 * k - 2.0 * d, f64::NAN]
    }
}

// ---------------------------------------------------------------- QSTICK

/// Qstick: SMA of the candle body (close - open).
#[derive(Debug, Clone)]
pub(crate) struct QstickK(Sma);

impl Kernel for QstickK {
    fn new(p: &Resolved) -> Self {
        QstickK(Sma::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close - b.open))
    }
}

// ---------------------------------------------------------------- ROCP, ROCR, ROCR100

macro_rules! ratio_kernel {
    ($(#[$doc:meta])* $name:ident, |$x:ident, $old:ident| $f:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub(crate) struct $name(Lag);

        impl Kernel for $name {
            fn new(p: &Resolved) -> Self {
                $name(Lag::new(p.int("timeperiod")))
            }
            fn lookback(p: &Resolved) -> usize {
                p.int("timeperiod")
            }
            #[inline]
            fn update(&mut self, b: &Bar) -> Out {
                let $x = b.close;
                o1(self.0.next($x).map(|$old| if $old != 0.0 { $f } else { 0.0 }))
            }
        }
    };
}

ratio_kernel!(
    /// `(x - x[t-n]) / x[t-n]`, 0 when the old value is 0.
    RocpK,
    |x, old| (x - old) / old
);
ratio_kernel!(
    /// `x / x[t-n]`, 0 when the old value is 0.
    RocrK,
    |x, old| x / old
);
ratio_kernel!(
    /// `(x / x[t-n]) * 100`, 0 when the old value is 0.
    Rocr100K,
    |x, old| (x / old) * 100.0
);

// ---------------------------------------------------------------- SMI

/// Highest high and lowest low of the last `period` bars with TA-Lib's classic tracker: the
/// extreme is kept until it leaves the window, then the window is rescanned from its oldest
/// bar. Unlike the NaN-skipping deque this keeps TA-Lib's NaN behaviour: a NaN that starts
/// a rescan stays the extreme until it leaves the window, and a NaN arriving otherwise is
/// ignored.
#[derive(Debug, Clone)]
pub(crate) struct ScanExtremes {
    period: usize,
    seen: usize,
    highest_at: Option<usize>,
    lowest_at: Option<usize>,
    highest: f64,
    lowest: f64,
    bars: Fifo<(f64, f64)>,
}

impl ScanExtremes {
    fn new(period: usize) -> Self {
        let period = period.max(1);
        ScanExtremes {
            period,
            seen: 0,
            highest_at: None,
            lowest_at: None,
            highest: 0.0,
            lowest: 0.0,
            bars: Fifo::new(period + 1),
        }
    }

    /// `(highest, lowest)` once `period` bars were seen.
    fn next(&mut self, high: f64, low: f64) -> Option<(f64, f64)> {
        let t = self.seen;
        self.seen += 1;
        self.bars.push((high, low));
        if self.bars.len() < self.period {
            return None;
        }
        let oldest = t + 1 - self.period;
        if self.lowest_at.is_none_or(|i| i < oldest) {
            let (mut at, mut lowest) = (oldest, self.bars.at(0).map_or(f64::NAN, |b| b.1));
            for (k, &(_, l)) in self.bars.iter().enumerate().skip(1) {
                if l < lowest {
                    (at, lowest) = (oldest + k, l);
                }
            }
            (self.lowest_at, self.lowest) = (Some(at), lowest);
        } else if low <= self.lowest {
            (self.lowest_at, self.lowest) = (Some(t), low);
        }
        if self.highest_at.is_none_or(|i| i < oldest) {
            let (mut at, mut highest) = (oldest, self.bars.at(0).map_or(f64::NAN, |b| b.0));
            for (k, &(h, _)) in self.bars.iter().enumerate().skip(1) {
                if h > highest {
                    (at, highest) = (oldest + k, h);
                }
            }
            (self.highest_at, self.highest) = (Some(at), highest);
        } else if high >= self.highest {
            (self.highest_at, self.highest) = (Some(t), high);
        }
        self.bars.pop();
        Some((self.highest, self.lowest))
    }
}

/// Stochastic momentum index: the close's distance from the middle of the `timeperiod`
/// high/low range and the range itself, each double-smoothed by EMAs (slow, then fast),
/// `100 * num / (den / 2)`; the signal line is an EMA of that.
#[derive(Debug, Clone)]
pub(crate) struct SmiK {
    range: ScanExtremes,
    slow_num: Ema,
    slow_den: Ema,
    fast_num: Ema,
    fast_den: Ema,
    signal: Ema,
}

impl Kernel for SmiK {
    fn new(p: &Resolved) -> Self {
        let (slow, fast) = (p.int("slowperiod"), p.int("fastperiod"));
        SmiK {
            range: ScanExtremes::new(p.int("timeperiod")),
            slow_num: Ema::fused(slow),
            slow_den: Ema::fused(slow),
            fast_num: Ema::fused(fast),
            fast_den: Ema::fused(fast),
            signal: Ema::fused(p.int("signalperiod")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        (p.int("timeperiod") - 1)
            + Ema::lookback(p.int("slowperiod"))
            + Ema::lookback(p.int("fastperiod"))
            + Ema::lookback(p.int("signalperiod"))
    }
    fn update(&mut self, b: &Bar) -> Out {
        let Some((hh, ll)) = self.range.next(b.high, b.low) else {
            return NAN3;
        };
        let den = hh - ll;
        let num = b.close - ((hh + ll) * 0.5);
        let (Some(num), Some(den)) = (self.slow_num.next(num), self.slow_den.next(den)) else {
            return NAN3;
        };
        let (Some(num), Some(den)) = (self.fast_num.next(num), self.fast_den.next(den)) else {
            return NAN3;
        };
        let half = 0.5 * den;
        let smi = if half > 0.0 {
            (100.0 * num) / half
        } else {
            0.0
        };
        match self.signal.next(smi) {
            Some(signal) => [smi, signal, f64::NAN, f64::NAN],
            None => NAN3,
        }
    }
}

// ---------------------------------------------------------------- TSI

/// True strength index: the one-bar momentum and its magnitude, each smoothed by two EMAs,
/// `100 * num / den` (0 when nothing moved).
#[derive(Debug, Clone)]
pub(crate) struct TsiK {
    started: bool,
    prev: f64,
    first_num: Ema,
    first_den: Ema,
    second_num: Ema,
    second_den: Ema,
}

impl Kernel for TsiK {
    fn new(p: &Resolved) -> Self {
        let (first, second) = (p.int("firstperiod"), p.int("secondperiod"));
        TsiK {
            started: false,
            prev: 0.0,
            first_num: Ema::fused(first),
            first_den: Ema::fused(first),
            second_num: Ema::fused(second),
            second_den: Ema::fused(second),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        1 + Ema::lookback(p.int("firstperiod")) + Ema::lookback(p.int("secondperiod"))
    }
    fn update(&mut self, b: &Bar) -> Out {
        let prev = self.prev;
        self.prev = b.close;
        if !self.started {
            self.started = true;
            return NAN3;
        }
        let mom = b.close - prev;
        let num = self.first_num.next(mom);
        let den = self.first_den.next(mom.abs());
        let (Some(num), Some(den)) = (num, den) else {
            return NAN3;
        };
        let num = self.second_num.next(num);
        let den = self.second_den.next(den);
        let (Some(num), Some(den)) = (num, den) else {
            return NAN3;
        };
        o1(Some(if den > 0.0 { (100.0 * num) / den } else { 0.0 }))
    }
}

// ---------------------------------------------------------------- VHF

/// Vertical horizontal filter: (highest - lowest) of the last `n` closes over the sum of the
/// last `n` absolute changes, recomputed each bar in TA-Lib's order.
#[derive(Debug, Clone)]
pub(crate) struct VhfK {
    period: usize,
    closes: Fifo<f64>,
}

impl Kernel for VhfK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        VhfK {
            period,
            closes: Fifo::new(period + 2),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    fn update(&mut self, b: &Bar) -> Out {
        self.closes.push(b.close);
        if self.closes.len() <= self.period {
            return NAN3;
        }
        let mut highest = b.close;
        let mut lowest = b.close;
        let mut prev = f64::NAN;
        let mut path = 0.0;
        for (k, &x) in self.closes.iter().enumerate() {
            if k > 0 {
                path += (x - prev).abs();
                if x > highest {
                    highest = x;
                }
                if x < lowest {
                    lowest = x;
                }
            }
            prev = x;
        }
        self.closes.pop();
        o1(Some(if path > 0.0 {
            (highest - lowest) / path
        } else {
            0.0
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_wma_rebuilds_its_sums_to_exact_zero() {
        let mut wma = AnchoredWma::new(3);
        let mut plain = super::super::super::ma::Wma::new(3);
        let (mut last, mut drifted) = (None, None);
        // Values that leave rounding residue in the running sums, then zeros for more than
        // 8 periods: the plain recurrence keeps the residue, the re-anchor leaves exactly 0.
        for x in [0.1, 0.7, 1e6, 0.3, 0.2].into_iter().chain([0.0; 30]) {
            last = wma.next(x);
            drifted = plain.next(x);
        }
        assert_eq!(last, Some(0.0));
        assert_ne!(drifted, Some(0.0));
        let mut copy = AnchoredWma::new(1);
        assert_eq!(copy.next(4.5), Some(4.5));
    }

    #[test]
    fn scan_extremes_tracks_the_window() {
        let mut s = ScanExtremes::new(3);
        let highs = [1.0, 5.0, 2.0, 3.0, 1.0, 0.5];
        let got: Vec<Option<(f64, f64)>> = highs.iter().map(|&h| s.next(h, h - 1.0)).collect();
        assert_eq!(
            got,
            vec![
                None,
                None,
                Some((5.0, 0.0)),
                Some((5.0, 1.0)),
                Some((3.0, 0.0)),
                Some((3.0, -0.5)),
            ]
        );
    }
}
