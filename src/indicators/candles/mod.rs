//! Candlestick pattern recognition: TA-Lib's 61 `CDL*` functions as streaming kernels.
//!
//! A pattern compares parts of its candles (real body, shadows, high-low range) with a
//! *candle setting*: a factor times the average of one measure over the bars before that
//! candle (TA-Lib's `TA_CandleDefaultSettings`, e.g. "a long body is longer than the mean
//! body of the 10 previous candles"). TA-Lib keeps one running total per (setting, candle
//! of the pattern), primes it with the bars before the first output and, after every
//! evaluation, adds the newest bar's measure minus the oldest one. [`CdlK`] does the same
//! additions in the same order, so every comparison (and so every output) is TA-Lib's.
//!
//! Each pattern is a [`Pattern`]: how many bars it spans, which averages it reads and one
//! rule over a [`Window`] of recent candles. Outputs are TA-Lib's integers as `f64`
//! (100 / -100 bullish / bearish, 80 / -80 for weaker Engulfing and Harami matches, 200 /
//! -200 for confirmed Hikkakes, 0 otherwise), NaN during the lookback.

mod hikkake;
mod multi;
mod single;
mod three;
mod two;

pub(crate) use hikkake::*;
pub(crate) use multi::*;
pub(crate) use single::*;
pub(crate) use three::*;
pub(crate) use two::*;

use super::params::Resolved;
use super::{o1, Bar, Kernel, Out, NAN3};

/// What a candle setting measures on each candle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RangeKind {
    RealBody,
    HighLow,
    /// Upper plus lower shadow; its average is halved (one shadow's mean length).
    Shadows,
}

/// TA-Lib's candle settings, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    BodyLong,
    // Part of TA-Lib's table though no pattern reads it.
    #[allow(dead_code)]
    BodyVeryLong,
    BodyShort,
    BodyDoji,
    ShadowLong,
    ShadowVeryLong,
    ShadowShort,
    ShadowVeryShort,
    Near,
    Far,
    Equal,
}

const SETTINGS: usize = 11;

impl Setting {
    /// TA-Lib's defaults: (measure, bars averaged, factor). A period of 0 means the candle's
    /// own measure rather than an average ("a long shadow is longer than its own body").
    const fn spec(self) -> (RangeKind, usize, f64) {
        use RangeKind::*;
        match self {
            Setting::BodyLong => (RealBody, 10, 1.0),
            Setting::BodyVeryLong => (RealBody, 10, 3.0),
            Setting::BodyShort => (RealBody, 10, 1.0),
            Setting::BodyDoji => (HighLow, 10, 0.1),
            Setting::ShadowLong => (RealBody, 0, 1.0),
            Setting::ShadowVeryLong => (RealBody, 0, 2.0),
            Setting::ShadowShort => (Shadows, 10, 1.0),
            Setting::ShadowVeryShort => (HighLow, 10, 0.1),
            Setting::Near => (HighLow, 5, 0.2),
            Setting::Far => (HighLow, 5, 0.6),
            Setting::Equal => (HighLow, 5, 0.05),
        }
    }

    const fn period(self) -> usize {
        self.spec().1
    }
}

/// The longest averaging period among `averages` (the pattern's share of its lookback).
const fn max_period(averages: &[(Setting, usize)]) -> usize {
    let mut i = 0;
    let mut max = 0;
    while i < averages.len() {
        let p = averages[i].0.period();
        if p > max {
            max = p;
        }
        i += 1;
    }
    max
}

/// TA-Lib's `max` macro (`a > b ? a : b`; NaN-sensitive in the argument order).
#[inline]
pub(crate) fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// TA-Lib's `min` macro (`a < b ? a : b`).
#[inline]
pub(crate) fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// Whether pattern `P`'s declaration fits the machinery: every average's candle within the
/// span and the totals table, its window inside the ring, and already full at the first
/// evaluated bar. Checked at compile time for each pattern.
const fn well_formed<P: Pattern>() -> bool {
    let mut i = 0;
    let first_ok = P::PRIMING <= P::LOOKBACK;
    let mut ok = first_ok;
    while i < P::AVERAGES.len() {
        let (s, back) = P::AVERAGES[i];
        ok = ok
            && back <= P::SPAN
            && back < 5
            && back + s.period() < RING
            && first_ok
            && back + s.period() <= P::LOOKBACK - P::PRIMING;
        i += 1;
    }
    ok
}

/// One bar's prices, with TA-Lib's candle measures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Candle {
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
}

impl Candle {
    #[inline]
    pub fn is_white(&self) -> bool {
        self.close >= self.open
    }
    /// Not white (so a NaN candle counts as black, as TA-Lib's colour test has it).
    #[inline]
    pub fn is_black(&self) -> bool {
        !self.is_white()
    }
    /// 1 for white (close >= open), -1 for black.
    #[inline]
    pub fn color(&self) -> i32 {
        if self.is_white() {
            1
        } else {
            -1
        }
    }
    #[inline]
    pub fn body(&self) -> f64 {
        (self.close - self.open).abs()
    }
    /// Top of the real body as TA-Lib's `max(close, open)`. The `_oc` variants are
    /// `max(open, close)` / `min(open, close)`: the same number unless a price is NaN, where
    /// C's `max`/`min` macros return their second argument; each rule uses TA-Lib's order.
    #[inline]
    pub fn body_top(&self) -> f64 {
        max(self.close, self.open)
    }
    #[inline]
    pub fn body_bottom(&self) -> f64 {
        min(self.close, self.open)
    }
    #[inline]
    pub fn body_top_oc(&self) -> f64 {
        max(self.open, self.close)
    }
    #[inline]
    pub fn body_bottom_oc(&self) -> f64 {
        min(self.open, self.close)
    }
    #[inline]
    pub fn upper_shadow(&self) -> f64 {
        self.high
            - if self.is_white() {
                self.close
            } else {
                self.open
            }
    }
    #[inline]
    pub fn lower_shadow(&self) -> f64 {
        (if self.is_white() {
            self.open
        } else {
            self.close
        }) - self.low
    }
    #[inline]
    pub fn hl_range(&self) -> f64 {
        self.high - self.low
    }
    /// This real body lies wholly above `earlier`'s.
    #[inline]
    pub fn body_gap_up(&self, earlier: &Candle) -> bool {
        self.body_bottom_oc() > earlier.body_top_oc()
    }
    /// This real body lies wholly below `earlier`'s.
    #[inline]
    pub fn body_gap_down(&self, earlier: &Candle) -> bool {
        self.body_top_oc() < earlier.body_bottom_oc()
    }
    /// This candle's low is above `earlier`'s high.
    #[inline]
    pub fn gap_up(&self, earlier: &Candle) -> bool {
        self.low > earlier.high
    }
    /// This candle's high is below `earlier`'s low.
    #[inline]
    pub fn gap_down(&self, earlier: &Candle) -> bool {
        self.high < earlier.low
    }

    #[inline]
    fn measure(&self, kind: RangeKind) -> f64 {
        match kind {
            RangeKind::RealBody => self.body(),
            RangeKind::HighLow => self.hl_range(),
            RangeKind::Shadows => self.upper_shadow() + self.lower_shadow(),
        }
    }

    fn has_nan(&self) -> bool {
        self.open.is_nan() || self.high.is_nan() || self.low.is_nan() || self.close.is_nan()
    }
}

/// Bars a pattern can look back: its span (at most 4) plus the longest period (10), plus
/// the current bar, rounded up to a power of two for cheap indexing.
const RING: usize = 16;

/// The last [`RING`] candles.
#[derive(Debug, Clone)]
struct Ring {
    bars: [Candle; RING],
    head: usize,
}

impl Ring {
    fn new() -> Self {
        Ring {
            bars: [Candle::default(); RING],
            head: 0,
        }
    }
    #[inline]
    fn push(&mut self, c: Candle) {
        self.head = (self.head + 1) % RING;
        self.bars[self.head] = c;
    }
    /// The candle `back` bars before the newest (`back < RING`).
    #[inline]
    fn at(&self, back: usize) -> Candle {
        self.bars[(self.head + RING - back % RING) % RING]
    }
}

/// Running totals by (setting, bars back from the current candle).
type Totals = [[f64; 5]; SETTINGS];

/// What a pattern rule sees: recent candles, the setting averages, the bar index and the
/// penetration parameter.
pub(crate) struct Window<'a> {
    ring: &'a Ring,
    totals: &'a Totals,
    /// Bars before this one since the stream began (TA-Lib's `i`).
    pub index: usize,
    pub penetration: f64,
}

impl Window<'_> {
    /// The candle `back` bars ago (0 = current).
    #[inline]
    pub fn c(&self, back: usize) -> Candle {
        self.ring.at(back)
    }

    /// TA-Lib's `TA_CANDLEAVERAGE` for the candle `back` bars ago: factor × (mean measure of
    /// the `period` bars before it, or its own measure when the period is 0), halved for
    /// shadows. Same operation order as TA-Lib.
    #[inline]
    pub fn avg(&self, s: Setting, back: usize) -> f64 {
        let (kind, period, factor) = s.spec();
        let base = if period != 0 {
            self.totals[s as usize][back] / period as f64
        } else {
            self.c(back).measure(kind)
        };
        let halve = if kind == RangeKind::Shadows { 2.0 } else { 1.0 };
        factor * base / halve
    }
}

/// One candlestick pattern.
pub(crate) trait Pattern: Clone + Default + std::fmt::Debug {
    /// Bars before the current one that the pattern reads.
    const SPAN: usize;
    /// The averages the rule reads, as (setting, bars back); zero-period settings
    /// (`ShadowLong`, `ShadowVeryLong`) need no entry.
    const AVERAGES: &'static [(Setting, usize)] = &[];
    /// TA-Lib's `TA_CDLxxx_Lookback`.
    const LOOKBACK: usize = max_period(Self::AVERAGES) + Self::SPAN;
    /// Bars evaluated before the lookback without output (stateful patterns warm up).
    const PRIMING: usize = 0;
    /// The output for the current bar (TA-Lib's integer).
    fn detect(&mut self, w: &Window) -> i32;
}

/// Recent candles and running totals. Boxed: at about 1 KB it would otherwise set the size of
/// every indicator's state (`AnyKernel` is an enum).
#[derive(Debug, Clone)]
struct History {
    ring: Ring,
    totals: Totals,
}

/// The streaming kernel of any pattern `P`.
#[derive(Debug, Clone)]
pub(crate) struct CdlK<P: Pattern> {
    pattern: P,
    history: Box<History>,
    seen: usize,
    penetration: f64,
}

impl<P: Pattern> Kernel for CdlK<P> {
    fn new(p: &Resolved) -> Self {
        const {
            assert!(
                well_formed::<P>(),
                "pattern declaration does not fit the candle history"
            )
        };
        CdlK {
            pattern: P::default(),
            history: Box::new(History {
                ring: Ring::new(),
                totals: [[0.0; 5]; SETTINGS],
            }),
            seen: 0,
            penetration: p.real("penetration"),
        }
    }

    fn lookback(_: &Resolved) -> usize {
        P::LOOKBACK
    }

    fn update(&mut self, b: &Bar) -> Out {
        let candle = Candle {
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
        };
        // TA-Lib's Python wrapper starts at the first bar with all four prices.
        if self.seen == 0 && candle.has_nan() {
            return NAN3;
        }
        let t = self.seen;
        self.seen += 1;
        let History { ring, totals } = &mut *self.history;
        ring.push(candle);
        let first = P::LOOKBACK - P::PRIMING;
        if t < first {
            // Priming: each total starts as the plain sum of the `period` measures before
            // its candle at the first evaluation.
            for &(s, back) in P::AVERAGES {
                if t + back < first && t + back + s.period() >= first {
                    totals[s as usize][back] += candle.measure(s.spec().0);
                }
            }
            return NAN3;
        }
        let signal = self.pattern.detect(&Window {
            ring,
            totals,
            index: t,
            penetration: self.penetration,
        });
        for &(s, back) in P::AVERAGES {
            let kind = s.spec().0;
            let newest = ring.at(back).measure(kind);
            let oldest = ring.at(back + s.period()).measure(kind);
            totals[s as usize][back] += newest - oldest;
        }
        if t < P::LOOKBACK {
            NAN3
        } else {
            o1(Some(f64::from(signal)))
        }
    }
}

/// Declares stateless patterns: name, span, averages and the rule.
macro_rules! patterns {
    ($( $(#[$doc:meta])* $name:ident: span $span:literal, averages [$(($s:ident, $k:literal)),*],
        |$w:ident| $body:block )*) => { $(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub(crate) struct $name;

        impl Pattern for $name {
            const SPAN: usize = $span;
            const AVERAGES: &'static [(Setting, usize)] = &[$((Setting::$s, $k)),*];
            #[inline]
            fn detect(&mut self, $w: &Window) -> i32 $body
        }
    )* };
}
pub(crate) use patterns;
