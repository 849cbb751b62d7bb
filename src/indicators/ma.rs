//! Moving averages as streaming components (`next(x) -> Option<f64>`, `None` during warm-up),
//! following TA-Lib's C code step by step so every value has TA-Lib's rounding: the SMA's
//! running total, the EMA seeded with the SMA of its first `period` inputs, TRIMA's
//! numerator bookkeeping, KAMA's efficiency ratio, T3's nested seeds, HMA's three WMAs,
//! ZLEMA's de-lagged EMA, Wilder's RMA.
//!
//! **The one MA factory.** Every kernel with a `matype` parameter builds its average with
//! [`Ma::new`]`(kind, period)` and states its warm-up with [`Ma::lookback`]`(kind, period)`,
//! where `kind` comes from `Resolved::matype` (which has already turned code 11, "the
//! parameter's default", into a concrete type). That pair covers all 14 TA-Lib 0.8 codes:
//! a period of 1 or code 10 is the identity (lookback 0), MAMA ignores the period.

use super::cycle::Mama;
use super::params::{MaType, Resolved};
use super::window::Fifo;
use super::{is_zero, o1, Bar, Kernel, Out};

/// A one-input streaming series.
pub(crate) trait Series {
    fn next(&mut self, x: f64) -> Option<f64>;
}

/// TA-Lib's `PER_TO_K`.
#[inline]
pub(crate) fn per_to_k(period: usize) -> f64 {
    2.0 / ((period + 1) as f64)
}

#[derive(Debug, Clone)]
pub(crate) struct Sma {
    period: usize,
    /// `period as f64`, converted once (u64 → f64 is not free on every bar).
    divisor: f64,
    total: f64,
    window: Fifo<f64>,
}

impl Sma {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        Sma {
            period,
            divisor: period as f64,
            total: 0.0,
            window: Fifo::new(period),
        }
    }
    pub(crate) fn lookback(period: usize) -> usize {
        period.saturating_sub(1)
    }
}

impl Series for Sma {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        // TA-Lib adds the new value, keeps the total for the output, then drops the oldest.
        self.total += x;
        self.window.push(x);
        if self.window.len() < self.period {
            return None;
        }
        let total = self.total;
        self.total -= self.window.pop().unwrap_or(0.0);
        Some(total / self.divisor)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Ema {
    period: usize,
    k: f64,
    /// Step as one fused multiply-add (TA-Lib 0.8's MACD signal line) instead of three roundings.
    fused: bool,
    seen: usize,
    prev: f64,
}

impl Ema {
    pub(crate) fn new(period: usize) -> Self {
        Self::with_k(period, per_to_k(period))
    }
    pub(crate) fn with_k(period: usize, k: f64) -> Self {
        Ema {
            period: period.max(1),
            k,
            fused: false,
            seen: 0,
            prev: 0.0,
        }
    }
    /// The EMA TA-Lib 0.8 uses for MACD's signal line: `fma(x - prev, k, prev)`.
    pub(crate) fn fused(period: usize) -> Self {
        Ema {
            fused: true,
            ..Self::new(period)
        }
    }
    pub(crate) fn lookback(period: usize) -> usize {
        period.saturating_sub(1)
    }
}

impl Series for Ema {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.seen < self.period {
            // Seed: the plain average of the first `period` inputs.
            self.prev += x;
            self.seen += 1;
            if self.seen < self.period {
                return None;
            }
            self.prev /= self.period as f64;
            return Some(self.prev);
        }
        self.prev = if self.fused {
            (x - self.prev).mul_add(self.k, self.prev)
        } else {
            (x - self.prev) * self.k + self.prev
        };
        Some(self.prev)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Wma {
    period: usize,
    weight: f64,
    divider: f64,
    sub: f64,
    sum: f64,
    trailing: f64,
    window: Fifo<f64>,
}

impl Wma {
    pub(crate) fn new(period: usize) -> Self {
        let p = period.max(1) as u64;
        Wma {
            period: p as usize,
            weight: p as f64,
            divider: ((p * (p + 1)) >> 1) as f64,
            sub: 0.0,
            sum: 0.0,
            trailing: 0.0,
            window: Fifo::new(period),
        }
    }
}

impl Series for Wma {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.period == 1 {
            return Some(x);
        }
        self.window.push(x);
        let len = self.window.len();
        if len < self.period {
            self.sub += x;
            self.sum += x * len as f64;
            return None;
        }
        self.sub += x;
        self.sub -= self.trailing;
        self.sum += x * self.weight;
        self.trailing = self.window.pop().unwrap_or(0.0);
        let out = self.sum / self.divider;
        self.sum -= self.sub;
        Some(out)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Dema {
    e1: Ema,
    e2: Ema,
}

impl Dema {
    pub(crate) fn new(period: usize) -> Self {
        Dema {
            e1: Ema::new(period),
            e2: Ema::new(period),
        }
    }
}

impl Series for Dema {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.e1.period == 1 {
            // TA-Lib 0.8's EMA/DEMA/TEMA functions copy the input for period 1.
            return Some(x);
        }
        let a = self.e1.next(x)?;
        let b = self.e2.next(a)?;
        Some(2.0 * a - b)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Tema {
    e1: Ema,
    e2: Ema,
    e3: Ema,
}

impl Tema {
    pub(crate) fn new(period: usize) -> Self {
        Tema {
            e1: Ema::new(period),
            e2: Ema::new(period),
            e3: Ema::new(period),
        }
    }
}

impl Series for Tema {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.e1.period == 1 {
            return Some(x);
        }
        let a = self.e1.next(x)?;
        let b = self.e2.next(a)?;
        let c = self.e3.next(b)?;
        Some(c + (3.0 * a - 3.0 * b))
    }
}

/// TA-Lib's TRIMA: a triangular weighting kept up to date with two partial sums.
#[derive(Debug, Clone)]
pub(crate) struct Trima {
    period: usize,
    half: usize,
    odd: bool,
    factor: f64,
    numerator: f64,
    sub: f64,
    add: f64,
    started: bool,
    window: Fifo<f64>,
}

impl Trima {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        let half = period >> 1;
        let odd = period % 2 == 1;
        let weight = if odd {
            (half + 1) * (half + 1)
        } else {
            half * (half + 1)
        };
        Trima {
            period,
            half,
            odd,
            factor: 1.0 / weight as f64,
            numerator: 0.0,
            sub: 0.0,
            add: 0.0,
            started: false,
            window: Fifo::new(period + 1),
        }
    }

    fn at(&self, k: usize) -> f64 {
        self.window.at(k).unwrap_or(f64::NAN)
    }
}

impl Series for Trima {
    fn next(&mut self, x: f64) -> Option<f64> {
        self.window.push(x);
        if !self.started {
            if self.window.len() < self.period {
                return None;
            }
            // First output: the window holds x[0..period].
            let middle = if self.odd { self.half } else { self.half - 1 };
            for k in (0..=middle).rev() {
                self.sub += self.at(k);
                self.numerator += self.sub;
            }
            for k in middle + 1..self.period {
                self.add += self.at(k);
                self.numerator += self.add;
            }
            self.started = true;
            return Some(self.numerator * self.factor);
        }
        // The window holds x[t-period ..= t].
        let oldest = self.at(0);
        let mid = if self.odd {
            self.at(self.half + 1)
        } else {
            self.at(self.half)
        };
        self.numerator -= self.sub;
        self.sub -= oldest;
        self.sub += mid;
        if self.odd {
            self.numerator += self.add;
            self.add -= mid;
        } else {
            self.add -= mid;
            self.numerator += self.add;
        }
        self.add += x;
        self.numerator += x;
        self.window.pop();
        Some(self.numerator * self.factor)
    }
}

/// Kaufman adaptive moving average (fast 2, slow 30, as TA-Lib).
#[derive(Debug, Clone)]
pub(crate) struct Kama {
    period: usize,
    seen: usize,
    flat_run: usize,
    sum_roc: f64,
    trailing: f64,
    prev: f64,
    window: Fifo<f64>,
}

const KAMA_CONST_MAX: f64 = 2.0 / (30.0 + 1.0);

impl Kama {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        Kama {
            period,
            seen: 0,
            flat_run: 0,
            sum_roc: 0.0,
            trailing: 0.0,
            prev: 0.0,
            window: Fifo::new(period + 1),
        }
    }

    /// After `period` unchanged bars the true sum of changes is exactly 0, but the running
    /// sum holds add-then-subtract residue; TA-Lib 0.8 drops it.
    #[inline]
    fn clear_if_flat(&mut self, change: f64) {
        self.flat_run = if change == 0.0 { self.flat_run + 1 } else { 0 };
        if self.flat_run >= self.period {
            self.flat_run = self.period;
            self.sum_roc = 0.0;
        }
    }

    #[inline]
    fn smooth(&mut self, x: f64, period_roc: f64) -> f64 {
        // TA-Lib 0.8 evaluates both steps as fused multiply-adds (one rounding each).
        let const_diff = 2.0 / (2.0 + 1.0) - KAMA_CONST_MAX;
        let er = if self.sum_roc <= period_roc || is_zero(self.sum_roc) {
            1.0
        } else {
            (period_roc / self.sum_roc).abs()
        };
        let mut sc = er.mul_add(const_diff, KAMA_CONST_MAX);
        sc *= sc;
        self.prev = (x - self.prev).mul_add(sc, self.prev);
        self.prev
    }
}

impl Series for Kama {
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.period == 1 {
            // TA-Lib 0.8: a 1-bar KAMA is the input itself.
            return Some(x);
        }
        let t = self.seen;
        self.seen += 1;
        let prev_x = self.window.back(0).unwrap_or(f64::NAN);
        self.window.push(x);
        if t == 0 {
            return None;
        }
        let change = (prev_x - x).abs();
        if t < self.period {
            self.sum_roc += change;
            return None;
        }
        let oldest = self.window.at(0).unwrap_or(f64::NAN); // x[t - period]
        if t == self.period {
            self.sum_roc += change;
            self.prev = prev_x;
        } else {
            self.sum_roc -= (self.trailing - oldest).abs();
            self.sum_roc += change;
        }
        self.clear_if_flat(change);
        self.trailing = oldest;
        self.window.pop();
        Some(self.smooth(x, x - oldest))
    }
}

/// Tillson's T3 with TA-Lib's seeding: each of the six EMAs is seeded with the average of
/// its first `period` inputs; updates and the final blend are fused multiply-adds in TA-Lib
/// 0.8's order.
#[derive(Debug, Clone)]
pub(crate) struct T3 {
    period: usize,
    k: f64,
    omk: f64,
    c: [f64; 4],
    e: [f64; 6],
    stage: usize,
    in_stage: usize,
    acc: f64,
}

impl T3 {
    pub(crate) fn new(period: usize, vfactor: f64) -> Self {
        let period = period.max(1);
        let k = 2.0 / (period as f64 + 1.0);
        let v2 = vfactor * vfactor;
        let c1 = 0.0 - v2 * vfactor;
        let c2 = 3.0 * (v2 - c1);
        let c3 = (0.0 - 6.0) * v2 - 3.0 * (vfactor - c1);
        let c4 = 1.0 + 3.0 * vfactor - c1 + 3.0 * v2;
        T3 {
            period,
            k,
            omk: 1.0 - k,
            c: [c1, c2, c3, c4],
            e: [0.0; 6],
            stage: 0,
            in_stage: 0,
            acc: 0.0,
        }
    }
    pub(crate) fn lookback(period: usize) -> usize {
        6 * period.saturating_sub(1)
    }
    #[inline]
    fn output(&self) -> f64 {
        let [c1, c2, c3, c4] = self.c;
        // TA-Lib 0.8's fused evaluation order.
        c4.mul_add(
            self.e[2],
            c3.mul_add(self.e[3], c1.mul_add(self.e[5], c2 * self.e[4])),
        )
    }
}

impl Series for T3 {
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.period == 1 {
            return Some(x);
        }
        let (k, omk) = (self.k, self.omk);
        if self.stage == 0 {
            // Stage 0: the plain average of the first `period` inputs seeds e1.
            self.acc = if self.in_stage == 0 { x } else { self.acc + x };
            self.in_stage += 1;
            if self.in_stage == self.period {
                self.e[0] = self.acc / self.period as f64;
                self.acc = self.e[0];
                self.stage = 1;
                self.in_stage = 0;
            }
            return None;
        }
        if self.stage < 6 {
            // Stage s: update e1..e_s and average e_s over `period` values to seed e_{s+1}.
            let s = self.stage;
            self.e[0] = omk.mul_add(self.e[0], k * x);
            for j in 1..s {
                self.e[j] = omk.mul_add(self.e[j], k * self.e[j - 1]);
            }
            self.acc += self.e[s - 1];
            self.in_stage += 1;
            if self.in_stage + 1 == self.period {
                self.e[s] = self.acc / self.period as f64;
                self.acc = self.e[s];
                self.stage += 1;
                self.in_stage = 0;
                if self.stage == 6 {
                    return Some(self.output());
                }
            }
            return None;
        }
        self.e[0] = omk.mul_add(self.e[0], k * x);
        for j in 1..6 {
            self.e[j] = omk.mul_add(self.e[j], k * self.e[j - 1]);
        }
        Some(self.output())
    }
}

/// Hull MA: `WMA(2 WMA(x, n/2) - WMA(x, n), floor(sqrt n))`. Like TA-Lib's single pass, the
/// half-period WMA is primed on the `n/2 - 1` bars before the first difference (not from bar
/// 0), so its running sums round exactly as TA-Lib's.
#[derive(Debug, Clone)]
pub(crate) struct Hma {
    seen: usize,
    /// First bar fed to the half-period WMA.
    half_start: usize,
    full: Wma,
    half: Wma,
    outer: Wma,
}

impl Hma {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        let half = (period / 2).max(1);
        Hma {
            seen: 0,
            half_start: period - half,
            full: Wma::new(period),
            half: Wma::new(half),
            outer: Wma::new(Self::sqrt_period(period)),
        }
    }
    fn sqrt_period(period: usize) -> usize {
        ((period as f64).sqrt() as usize).max(1)
    }
    pub(crate) fn lookback(period: usize) -> usize {
        if period <= 1 {
            return 0;
        }
        (period - 1) + (Self::sqrt_period(period) - 1)
    }
}

impl Series for Hma {
    fn next(&mut self, x: f64) -> Option<f64> {
        let t = self.seen;
        self.seen += 1;
        let full = self.full.next(x);
        let half = if t >= self.half_start {
            self.half.next(x)
        } else {
            None
        };
        let diff = 2.0 * half? - full?;
        self.outer.next(diff)
    }
}

/// Zero-lag EMA: an EMA (seeded with the plain average of its first `period` inputs) of the
/// de-lagged series `2 x[t] - x[t - lag]`, `lag = (period - 1) / 2`; the step is one fused
/// multiply-add, as TA-Lib 0.8 evaluates it.
#[derive(Debug, Clone)]
pub(crate) struct Zlema {
    period: usize,
    lag: usize,
    k: f64,
    seen: usize,
    sum: f64,
    prev: f64,
    window: Fifo<f64>,
}

impl Zlema {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        let lag = (period - 1) / 2;
        Zlema {
            period,
            lag,
            k: 2.0 / ((period + 1) as f64),
            seen: 0,
            sum: 0.0,
            prev: 0.0,
            window: Fifo::new(lag + 1),
        }
    }
    pub(crate) fn lookback(period: usize) -> usize {
        if period <= 1 {
            return 0;
        }
        (period - 1) / 2 + (period - 1)
    }
}

impl Series for Zlema {
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.period == 1 {
            return Some(x);
        }
        let t = self.seen;
        self.seen += 1;
        self.window.push(x);
        if self.window.len() <= self.lag {
            return None;
        }
        let old = self.window.pop().unwrap_or(f64::NAN);
        let d = 2.0 * x - old;
        let first = self.lag + self.period - 1;
        if t < first {
            self.sum += d;
            return None;
        }
        if t == first {
            self.sum += d;
            self.prev = self.sum / self.period as f64;
        } else {
            self.prev = (d - self.prev).mul_add(self.k, self.prev);
        }
        Some(self.prev)
    }
}

/// Wilder's moving average (RMA): the plain average of the first `period` inputs, then
/// `alpha x + beta prev` with `beta = (n-1)/n`, `alpha = 1 - beta`, one fused step.
#[derive(Debug, Clone)]
pub(crate) struct Rma {
    period: usize,
    alpha: f64,
    beta: f64,
    seen: usize,
    prev: f64,
}

impl Rma {
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        let beta = (period - 1) as f64 / period as f64;
        Rma {
            period,
            alpha: 1.0 - beta,
            beta,
            seen: 0,
            prev: 0.0,
        }
    }
}

impl Series for Rma {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        if self.seen < self.period {
            self.prev += x;
            self.seen += 1;
            if self.seen < self.period {
                return None;
            }
            self.prev /= self.period as f64;
            return Some(self.prev);
        }
        self.prev = self.alpha.mul_add(x, self.beta * self.prev);
        Some(self.prev)
    }
}

/// Any of TA-Lib's moving averages, as chosen by a `matype` parameter: TA-Lib 0.8's `TA_MA`.
/// A period of 1, or [`MaType::Disabled`], is the identity.
#[derive(Debug, Clone)]
pub(crate) enum Ma {
    Identity,
    Sma(Sma),
    Ema(Ema),
    Wma(Wma),
    Dema(Dema),
    Tema(Tema),
    Trima(Trima),
    Kama(Kama),
    Mama(Box<Mama>),
    T3(T3),
    Hma(Hma),
    Zlema(Zlema),
    Rma(Rma),
}

impl Ma {
    /// The MA factory (see the module docs). `kind` should be concrete; a stray
    /// [`MaType::Default`] is read as SMA, the default of most `matype` parameters.
    pub(crate) fn new(kind: MaType, period: usize) -> Self {
        if period <= 1 {
            return Ma::Identity;
        }
        match kind {
            MaType::Sma | MaType::Default => Ma::Sma(Sma::new(period)),
            MaType::Ema => Ma::Ema(Ema::new(period)),
            MaType::Wma => Ma::Wma(Wma::new(period)),
            MaType::Dema => Ma::Dema(Dema::new(period)),
            MaType::Tema => Ma::Tema(Tema::new(period)),
            MaType::Trima => Ma::Trima(Trima::new(period)),
            MaType::Kama => Ma::Kama(Kama::new(period)),
            MaType::Mama => Ma::Mama(Box::new(Mama::new(MAMA_FAST, MAMA_SLOW))),
            MaType::T3 => Ma::T3(T3::new(period, 0.7)),
            MaType::Hma => Ma::Hma(Hma::new(period)),
            MaType::Disabled => Ma::Identity,
            MaType::Zlema => Ma::Zlema(Zlema::new(period)),
            MaType::Rma => Ma::Rma(Rma::new(period)),
        }
    }

    /// Bars without a value for [`Ma::new`]`(kind, period)` (TA-Lib's `TA_MA_Lookback`).
    pub(crate) fn lookback(kind: MaType, period: usize) -> usize {
        if period <= 1 {
            return 0;
        }
        let p1 = period - 1;
        match kind {
            MaType::Sma | MaType::Default | MaType::Ema | MaType::Wma | MaType::Trima => p1,
            MaType::Rma => p1,
            MaType::Dema => 2 * p1,
            MaType::Tema => 3 * p1,
            MaType::Kama => period,
            MaType::Mama => Mama::LOOKBACK,
            MaType::T3 => 6 * p1,
            MaType::Hma => Hma::lookback(period),
            MaType::Disabled => 0,
            MaType::Zlema => Zlema::lookback(period),
        }
    }
}

/// The limits TA-Lib's `TA_MA` gives MAMA.
const MAMA_FAST: f64 = 0.5;
const MAMA_SLOW: f64 = 0.05;

impl Series for Ma {
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        match self {
            Ma::Identity => Some(x),
            Ma::Sma(m) => m.next(x),
            Ma::Ema(m) => m.next(x),
            Ma::Wma(m) => m.next(x),
            Ma::Dema(m) => m.next(x),
            Ma::Tema(m) => m.next(x),
            Ma::Trima(m) => m.next(x),
            Ma::Kama(m) => m.next(x),
            Ma::Mama(m) => m.next(x).map(|(mama, _)| mama),
            Ma::T3(m) => m.next(x),
            Ma::Hma(m) => m.next(x),
            Ma::Zlema(m) => m.next(x),
            Ma::Rma(m) => m.next(x),
        }
    }
}

// ---- catalogue kernels: one-input moving averages over `close` ----

macro_rules! close_kernel {
    ($(#[$doc:meta])* $name:ident, $inner:ty, |$p:ident| $make:expr, |$lp:ident| $lookback:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub(crate) struct $name($inner);
        impl Kernel for $name {
            fn new($p: &Resolved) -> Self {
                $name($make)
            }
            fn lookback($lp: &Resolved) -> usize {
                $lookback
            }
            #[inline]
            fn update(&mut self, b: &Bar) -> Out {
                o1(self.0.next(b.close))
            }
        }
    };
}

close_kernel!(SmaK, Sma, |p| Sma::new(p.int("timeperiod")), |p| {
    Sma::lookback(p.int("timeperiod"))
});
// Through `Ma`: TA-Lib's EMA function copies the input for period 1, while the EMA inside
// MACD and TRIX keeps its recursion.
close_kernel!(
    EmaK,
    Ma,
    |p| Ma::new(MaType::Ema, p.int("timeperiod")),
    |p| Ema::lookback(p.int("timeperiod"))
);
close_kernel!(WmaK, Wma, |p| Wma::new(p.int("timeperiod")), |p| p
    .int("timeperiod")
    - 1);
close_kernel!(DemaK, Dema, |p| Dema::new(p.int("timeperiod")), |p| 2
    * (p.int("timeperiod") - 1));
close_kernel!(TemaK, Tema, |p| Tema::new(p.int("timeperiod")), |p| 3
    * (p.int("timeperiod") - 1));
close_kernel!(TrimaK, Trima, |p| Trima::new(p.int("timeperiod")), |p| p
    .int("timeperiod")
    - 1);
close_kernel!(KamaK, Kama, |p| Kama::new(p.int("timeperiod")), |p| {
    Ma::lookback(MaType::Kama, p.int("timeperiod"))
});
close_kernel!(
    T3K,
    T3,
    |p| T3::new(p.int("timeperiod"), p.real("vfactor")),
    |p| T3::lookback(p.int("timeperiod"))
);
