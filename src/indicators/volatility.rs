//! Volatility and price-envelope indicators: BBANDS, SAR, MIDPRICE, ATR, NATR, TRANGE.

use super::ma::{Ma, Series};
use super::momentum::HighLow;
use super::params::Resolved;
use super::stats::{std_from_var, Var};
use super::{is_zero, o1, true_range, Bar, Kernel, Out, NAN3};

// ---------------------------------------------------------------- BBANDS

/// Middle band from the chosen moving average; the deviation is TA-Lib 0.8's STDDEV of the
/// input, whose variance sums start `period - 1` bars before the average's first value.
#[derive(Debug, Clone)]
pub(crate) struct BbandsK {
    ma: Ma,
    var: Var,
    up: f64,
    down: f64,
}

impl Kernel for BbandsK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("timeperiod");
        let kind = p.matype("matype");
        let skip = Ma::lookback(kind, n).saturating_sub(n - 1);
        BbandsK {
            ma: Ma::new(kind, n),
            var: Var::new(n, skip),
            up: p.real("nbdevup"),
            down: p.real("nbdevdn"),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        // The deviation needs a full window even when the average needs less (matype 10).
        let n = p.int("timeperiod");
        Ma::lookback(p.matype("matype"), n).max(n - 1)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let mid = self.ma.next(b.close);
        let var = self.var.next(b.close);
        match (mid, var) {
            (Some(mid), Some(var)) => {
                let sd = std_from_var(var);
                [mid + sd * self.up, mid, mid - sd * self.down, f64::NAN]
            }
            _ => NAN3,
        }
    }
}

// ---------------------------------------------------------------- SAR

/// Wilder's parabolic SAR with TA-Lib's start: the direction comes from the first two bars'
/// directional movement, the first SAR is the first bar's extreme.
#[derive(Debug, Clone)]
pub(crate) struct SarK {
    accel: f64,
    max: f64,
    seen: usize,
    long: bool,
    af: f64,
    ep: f64,
    sar: f64,
    new_high: f64,
    new_low: f64,
}

impl Kernel for SarK {
    fn new(p: &Resolved) -> Self {
        let mut accel = p.real("acceleration");
        let max = p.real("maximum");
        if accel > max {
            accel = max;
        }
        SarK {
            accel,
            max,
            seen: 0,
            long: true,
            af: accel,
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
            let diff_p = b.high - self.new_high;
            let diff_m = self.new_low - b.low;
            // Falling when the -DM of the first two bars is positive.
            self.long = !(diff_m > 0.0 && diff_p < diff_m);
            if self.long {
                self.ep = b.high;
                self.sar = self.new_low;
            } else {
                self.ep = b.low;
                self.sar = self.new_high;
            }
            self.new_low = b.low;
            self.new_high = b.high;
        }
        let prev_low = self.new_low;
        let prev_high = self.new_high;
        self.new_low = b.low;
        self.new_high = b.high;
        let (new_low, new_high) = (b.low, b.high);
        let out;
        if self.long {
            if new_low <= self.sar {
                // Reversal to short.
                self.long = false;
                self.sar = self.ep;
                if self.sar < prev_high {
                    self.sar = prev_high;
                }
                if self.sar < new_high {
                    self.sar = new_high;
                }
                out = self.sar;
                self.af = self.accel;
                self.ep = new_low;
                self.sar += self.af * (self.ep - self.sar);
                if self.sar < prev_high {
                    self.sar = prev_high;
                }
                if self.sar < new_high {
                    self.sar = new_high;
                }
            } else {
                out = self.sar;
                if new_high > self.ep {
                    self.ep = new_high;
                    self.af += self.accel;
                    if self.af > self.max {
                        self.af = self.max;
                    }
                }
                self.sar += self.af * (self.ep - self.sar);
                if self.sar > prev_low {
                    self.sar = prev_low;
                }
                if self.sar > new_low {
                    self.sar = new_low;
                }
            }
        } else if new_high >= self.sar {
            // Reversal to long.
            self.long = true;
            self.sar = self.ep;
            if self.sar > prev_low {
                self.sar = prev_low;
            }
            if self.sar > new_low {
                self.sar = new_low;
            }
            out = self.sar;
            self.af = self.accel;
            self.ep = new_high;
            self.sar += self.af * (self.ep - self.sar);
            if self.sar > prev_low {
                self.sar = prev_low;
            }
            if self.sar > new_low {
                self.sar = new_low;
            }
        } else {
            out = self.sar;
            if new_low < self.ep {
                self.ep = new_low;
                self.af += self.accel;
                if self.af > self.max {
                    self.af = self.max;
                }
            }
            self.sar += self.af * (self.ep - self.sar);
            if self.sar < prev_high {
                self.sar = prev_high;
            }
            if self.sar < new_high {
                self.sar = new_high;
            }
        }
        o1(Some(out))
    }
}

// ---------------------------------------------------------------- MIDPRICE

#[derive(Debug, Clone)]
pub(crate) struct MidPriceK(HighLow);

impl Kernel for MidPriceK {
    fn new(p: &Resolved) -> Self {
        MidPriceK(HighLow::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.high, b.low).map(|(hh, ll)| (hh + ll) / 2.0))
    }
}

// ---------------------------------------------------------------- ATR, NATR, TRANGE

/// Wilder's ATR: the plain average of the first `period` true ranges, then
/// `(atr * (period - 1) + tr) / period` (period 1 gives the true range of finite bars).
#[derive(Debug, Clone)]
pub(crate) struct Atr {
    period: usize,
    p: f64,
    p1: f64,
    seen: usize,
    prev_close: f64,
    atr: f64,
}

impl Atr {
    fn new(period: usize) -> Self {
        let period = period.max(1);
        Atr {
            period,
            p: period as f64,
            p1: (period - 1) as f64,
            seen: 0,
            prev_close: 0.0,
            atr: 0.0,
        }
    }
    #[inline]
    fn next(&mut self, b: &Bar) -> Option<f64> {
        let t = self.seen;
        self.seen += 1;
        let pc = self.prev_close;
        self.prev_close = b.close;
        if t == 0 {
            return None;
        }
        let tr = true_range(b.high, b.low, pc);
        // Period 1 runs the general recursion too ((atr * 0 + tr) / 1), as TA-Lib does, so a
        // NaN or infinite range persists exactly as it does there.
        let p = self.p;
        if t <= self.period {
            self.atr += tr;
            if t < self.period {
                return None;
            }
            self.atr /= p;
            return Some(self.atr);
        }
        self.atr *= self.p1;
        self.atr += tr;
        self.atr /= p;
        Some(self.atr)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AtrK(Atr);

impl Kernel for AtrK {
    fn new(p: &Resolved) -> Self {
        AtrK(Atr::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").max(1)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct NatrK(Atr);

impl Kernel for NatrK {
    fn new(p: &Resolved) -> Self {
        NatrK(Atr::new(p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod").max(1)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        // TA-Lib returns the plain true range for period 1 (no normalisation).
        let raw = self.0.period == 1;
        o1(self.0.next(b).map(|atr| {
            if raw {
                atr
            } else if !is_zero(b.close) {
                (atr / b.close) * 100.0
            } else {
                0.0
            }
        }))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TRangeK {
    started: bool,
    prev_close: f64,
}

impl Kernel for TRangeK {
    fn new(_: &Resolved) -> Self {
        TRangeK {
            started: false,
            prev_close: 0.0,
        }
    }
    fn lookback(_: &Resolved) -> usize {
        1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let pc = self.prev_close;
        self.prev_close = b.close;
        if !self.started {
            self.started = true;
            return NAN3;
        }
        o1(Some(true_range(b.high, b.low, pc)))
    }
}
