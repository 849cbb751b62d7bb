//! Volume indicators: OBV, Chaikin A/D line and oscillator.

use super::params::Resolved;
use super::{o1, Bar, Kernel, Out};

#[derive(Debug, Clone)]
pub(crate) struct ObvK {
    started: bool,
    prev_close: f64,
    obv: f64,
}

impl Kernel for ObvK {
    fn new(_: &Resolved) -> Self {
        ObvK {
            started: false,
            prev_close: 0.0,
            obv: 0.0,
        }
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        if !self.started {
            // TA-Lib starts the running total at the first bar's volume.
            self.started = true;
            self.obv = b.volume;
            self.prev_close = b.close;
        }
        if b.close > self.prev_close {
            self.obv += b.volume;
        } else if b.close < self.prev_close {
            self.obv -= b.volume;
        }
        self.prev_close = b.close;
        o1(Some(self.obv))
    }
}

/// One step of the accumulation/distribution line (bars with high <= low add nothing).
#[inline]
fn ad_step(ad: f64, b: &Bar) -> f64 {
    let range = b.high - b.low;
    if range > 0.0 {
        ad + (((b.close - b.low) - (b.high - b.close)) / range) * b.volume
    } else {
        ad
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AdK(f64);

impl Kernel for AdK {
    fn new(_: &Resolved) -> Self {
        AdK(0.0)
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        self.0 = ad_step(self.0, b);
        o1(Some(self.0))
    }
}

/// Chaikin oscillator: fast EMA - slow EMA of the A/D line, both seeded with the first A/D
/// value (not an SMA), as TA-Lib does; the blends are fused multiply-adds as in TA-Lib 0.8.
#[derive(Debug, Clone)]
pub(crate) struct AdOscK {
    lookback: usize,
    seen: usize,
    ad: f64,
    fast_k: f64,
    slow_k: f64,
    fast: f64,
    slow: f64,
}

impl AdOscK {
    fn lb(p: &Resolved) -> usize {
        p.int("fastperiod").max(p.int("slowperiod")) - 1
    }
}

impl Kernel for AdOscK {
    fn new(p: &Resolved) -> Self {
        AdOscK {
            lookback: Self::lb(p),
            seen: 0,
            ad: 0.0,
            fast_k: super::ma::per_to_k(p.int("fastperiod")),
            slow_k: super::ma::per_to_k(p.int("slowperiod")),
            fast: 0.0,
            slow: 0.0,
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Self::lb(p)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let t = self.seen;
        self.seen += 1;
        self.ad = ad_step(self.ad, b);
        if t == 0 {
            self.fast = self.ad;
            self.slow = self.ad;
        } else {
            // TA-Lib 0.8: fma(1 - k, ema, k * ad), one rounding for the blend.
            self.fast = (1.0 - self.fast_k).mul_add(self.fast, self.fast_k * self.ad);
            self.slow = (1.0 - self.slow_k).mul_add(self.slow, self.slow_k * self.ad);
        }
        if t < self.lookback {
            return o1(None);
        }
        o1(Some(self.fast - self.slow))
    }
}
