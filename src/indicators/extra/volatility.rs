//! Range and volatility indicators: ADR, CVI, MASSI, RVI.

use super::super::ma::{Ema, Series, Sma};
use super::super::params::Resolved;
use super::super::stats::Var;
use super::super::{o1, Bar, Kernel, Out, NAN3};
use super::{Lag, WindowSum};

// ---------------------------------------------------------------- ADR

/// Average daily range: SMA of high - low.
#[derive(Debug, Clone)]
pub(crate) struct AdrK(Sma);

impl Kernel for AdrK {
    fn new(p: &Resolved) -> Self {
        AdrK(Sma::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.high - b.low))
    }
}

// ---------------------------------------------------------------- CVI

/// Chaikin volatility: percent change of an EMA of high - low over `rocperiod` bars.
#[derive(Debug, Clone)]
pub(crate) struct CviK {
    ema: Ema,
    lag: Lag,
}

impl Kernel for CviK {
    fn new(p: &Resolved) -> Self {
        CviK {
            ema: Ema::fused(p.int("timeperiod")),
            lag: Lag::new(p.int("rocperiod")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Ema::lookback(p.int("timeperiod")) + p.int("rocperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(ema) = self.ema.next(b.high - b.low) else {
            return NAN3;
        };
        o1(self.lag.next(ema).map(|old| {
            if old != 0.0 {
                100.0 * ((ema - old) / old)
            } else {
                0.0
            }
        }))
    }
}

// ---------------------------------------------------------------- MASSI

/// Mass index: the sum over `slowperiod` bars of EMA(range) / EMA(EMA(range)), the ratio
/// reading 1 when the double-smoothed range is exactly 0.
#[derive(Debug, Clone)]
pub(crate) struct MassiK {
    ema1: Ema,
    ema2: Ema,
    sum: WindowSum,
}

impl Kernel for MassiK {
    fn new(p: &Resolved) -> Self {
        let fast = p.int("fastperiod");
        MassiK {
            ema1: Ema::fused(fast),
            ema2: Ema::fused(fast),
            sum: WindowSum::new(p.int("slowperiod")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        2 * Ema::lookback(p.int("fastperiod")) + p.int("slowperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let Some(e1) = self.ema1.next(b.high - b.low) else {
            return NAN3;
        };
        let Some(e2) = self.ema2.next(e1) else {
            return NAN3;
        };
        let ratio = if e2 == 0.0 { 1.0 } else { e1 / e2 };
        o1(self.sum.next(ratio))
    }
}

// ---------------------------------------------------------------- RVI

/// Relative volatility index: the standard deviation of the close (TA-Lib's running
/// variance) credited to an up leg on up closes and a down leg on down closes, each leg
/// Wilder-smoothed (seeded with a plain average), `100 * up / (up + down)`, 50 when both are 0.
#[derive(Debug, Clone)]
pub(crate) struct RviK {
    period: usize,
    beta: f64,
    alpha: f64,
    var: Var,
    prev: f64,
    seeded: usize,
    up: f64,
    down: f64,
}

impl Kernel for RviK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        let beta = (period - 1) as f64 / period as f64;
        RviK {
            period,
            beta,
            alpha: 1.0 - beta,
            var: Var::new(p.int("stddevperiod"), 0),
            prev: f64::NAN,
            seeded: 0,
            up: 0.0,
            down: 0.0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        (p.int("stddevperiod") - 1) + (p.int("timeperiod") - 1)
    }
    fn update(&mut self, b: &Bar) -> Out {
        let prev = std::mem::replace(&mut self.prev, b.close);
        let Some(variance) = self.var.next(b.close) else {
            return NAN3;
        };
        let sigma = variance.sqrt();
        let delta = b.close - prev;
        let (up, down) = if delta > 0.0 {
            (sigma, 0.0)
        } else if delta < 0.0 {
            (0.0, sigma)
        } else {
            (0.0, 0.0)
        };
        if self.seeded < self.period {
            self.up += up;
            self.down += down;
            self.seeded += 1;
            if self.seeded < self.period {
                return NAN3;
            }
            self.up /= self.period as f64;
            self.down /= self.period as f64;
        } else {
            self.up = self.alpha * up + self.beta * self.up;
            self.down = self.alpha * down + self.beta * self.down;
        }
        let total = self.up + self.down;
        o1(Some(if total == 0.0 {
            50.0
        } else {
            100.0 * (self.up / total)
        }))
    }
}
