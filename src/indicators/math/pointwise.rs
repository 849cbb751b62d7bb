//! Per-bar functions: the math transforms (of `close`, TA-Lib's `real`), the math operators
//! (of `high` and `low`, TA-Lib's `price0`/`price1` defaults), the price transforms, and the
//! two running ones, CUMSUM and Heikin-Ashi.
//!
//! Each formula keeps TA-Lib's order of additions (AVGPRICE adds high, low, close, open;
//! HA adds open, high, low, close), which is what makes the values equal to the last bit.
//! Out-of-domain inputs give what the C library gives: NaN for `acos(2)`, `ln(-1)`,
//! `sqrt(-1)`, and `-inf` for `ln(0)`.

use crate::indicators::params::Resolved;
use crate::indicators::{o1, Bar, Kernel, Out};

/// A stateless kernel computing one value from the bar alone (lookback 0).
macro_rules! pointwise {
    ($($(#[$doc:meta])* $name:ident => |$b:ident| $body:expr;)+) => { $(
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub(crate) struct $name;

        impl Kernel for $name {
            fn new(_: &Resolved) -> Self {
                $name
            }
            fn lookback(_: &Resolved) -> usize {
                0
            }
            #[inline]
            fn update(&mut self, $b: &Bar) -> Out {
                o1(Some($body))
            }
        }
    )+ };
}

pointwise! {
    /// Arc cosine of `close`.
    AcosK => |b| b.close.acos();
    /// Arc sine of `close`.
    AsinK => |b| b.close.asin();
    /// Arc tangent of `close`.
    AtanK => |b| b.close.atan();
    /// Smallest integer not below `close`.
    CeilK => |b| b.close.ceil();
    /// Cosine of `close`.
    CosK => |b| b.close.cos();
    /// Hyperbolic cosine of `close`.
    CoshK => |b| b.close.cosh();
    /// `e` to the power `close`.
    ExpK => |b| b.close.exp();
    /// Largest integer not above `close`.
    FloorK => |b| b.close.floor();
    /// Natural logarithm of `close`.
    LnK => |b| b.close.ln();
    /// Base-10 logarithm of `close`.
    Log10K => |b| b.close.log10();
    /// Sine of `close`.
    SinK => |b| b.close.sin();
    /// Hyperbolic sine of `close`.
    SinhK => |b| b.close.sinh();
    /// Square root of `close`.
    SqrtK => |b| b.close.sqrt();
    /// Tangent of `close`.
    TanK => |b| b.close.tan();
    /// Hyperbolic tangent of `close`.
    TanhK => |b| b.close.tanh();
    /// `price0 + price1` (high + low by default).
    AddK => |b| b.high + b.low;
    /// `price0 - price1`.
    SubK => |b| b.high - b.low;
    /// `price0 * price1`.
    MultK => |b| b.high * b.low;
    /// `price0 / price1` (IEEE division: a zero divisor gives ±inf or NaN).
    DivK => |b| b.high / b.low;
    /// `(high + low + close + open) / 4`, in that order of additions.
    AvgPriceK => |b| (b.high + b.low + b.close + b.open) / 4.0;
    /// `(high + low) / 2`.
    MedPriceK => |b| (b.high + b.low) / 2.0;
    /// `(high + low + close) / 3`.
    TypPriceK => |b| (b.high + b.low + b.close) / 3.0;
    /// `(high + low + 2 close) / 4`.
    WclPriceK => |b| (b.high + b.low + b.close * 2.0) / 4.0;
}

/// Running total of `close` from the first bar (TA-Lib 0.8's CUMSUM: plain left-to-right
/// additions, so a NaN input makes every later value NaN).
#[derive(Debug, Clone)]
pub(crate) struct CumSumK {
    total: f64,
}

impl Kernel for CumSumK {
    fn new(_: &Resolved) -> Self {
        CumSumK { total: 0.0 }
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        self.total += b.close;
        o1(Some(self.total))
    }
}

/// Heikin-Ashi candles (TA-Lib 0.8's HA with its default unstable period 0): the first
/// open is `(open + close) / 2`, later opens average the previous HA open and close; the
/// close is `(open + high + low + close) / 4`; high and low widen the bar's own high and low
/// to the HA open and close, compared with plain `>`/`<` as TA-Lib does.
#[derive(Debug, Clone)]
pub(crate) struct HaK {
    /// Previous HA (open, close); `None` before the first bar.
    prev: Option<(f64, f64)>,
}

impl Kernel for HaK {
    fn new(_: &Resolved) -> Self {
        HaK { prev: None }
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let open = match self.prev {
            None => (b.open + b.close) / 2.0,
            Some((o, c)) => (o + c) / 2.0,
        };
        let close = (b.open + b.high + b.low + b.close) / 4.0;
        self.prev = Some((open, close));
        let mut high = b.high;
        if open > high {
            high = open;
        }
        if close > high {
            high = close;
        }
        let mut low = b.low;
        if open < low {
            low = open;
        }
        if close < low {
            low = close;
        }
        [open, high, low, close]
    }
}
