//! Volume indicators: CMF, EFI, MARKETFI, NVI, PVI, PVO, PVT, RVOL, VWAP.

use super::super::ma::{Ma, Series};
use super::super::params::{MaType, Resolved};
use super::super::window::Fifo;
use super::super::{is_zero, o1, Bar, Kernel, Out, NAN3};
use super::FusedEma;

// ---------------------------------------------------------------- CMF

/// Chaikin money flow: the sum of money-flow volume (AD's per-bar multiplier times volume)
/// over the sum of volume, `period` bars; 0 when the window traded nothing. After the first
/// window the oldest bar is dropped before the new one is added, as TA-Lib does.
#[derive(Debug, Clone)]
pub(crate) struct CmfK {
    period: usize,
    flow: f64,
    volume: f64,
    bars: Fifo<(f64, f64)>,
}

impl Kernel for CmfK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        CmfK {
            period,
            flow: 0.0,
            volume: 0.0,
            bars: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        if self.bars.len() == self.period {
            let (flow, volume) = self.bars.pop().unwrap_or((0.0, 0.0));
            self.flow -= flow;
            self.volume -= volume;
        }
        let range = b.high - b.low;
        let flow = if range > 0.0 {
            (((b.close - b.low) - (b.high - b.close)) / range) * b.volume
        } else {
            0.0
        };
        self.bars.push((flow, b.volume));
        self.flow += flow;
        self.volume += b.volume;
        if self.bars.len() < self.period {
            return NAN3;
        }
        o1(Some(if self.volume > 0.0 {
            self.flow / self.volume
        } else {
            0.0
        }))
    }
}

// ---------------------------------------------------------------- EFI

/// Elder force index: EMA of (close - previous close) * volume.
#[derive(Debug, Clone)]
pub(crate) struct EfiK {
    started: bool,
    prev_close: f64,
    ema: FusedEma,
}

impl Kernel for EfiK {
    fn new(p: &Resolved) -> Self {
        EfiK {
            started: false,
            prev_close: 0.0,
            ema: FusedEma::new(p.int("timeperiod")),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let prev = std::mem::replace(&mut self.prev_close, b.close);
        if !self.started {
            self.started = true;
            return NAN3;
        }
        o1(self.ema.next((b.close - prev) * b.volume))
    }
}

// ---------------------------------------------------------------- MARKETFI

/// Market facilitation index: (high - low) / volume, 0 on a bar without volume.
#[derive(Debug, Clone)]
pub(crate) struct MarketFiK;

impl Kernel for MarketFiK {
    fn new(_: &Resolved) -> Self {
        MarketFiK
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(Some(if b.volume != 0.0 {
            (b.high - b.low) / b.volume
        } else {
            0.0
        }))
    }
}

// ---------------------------------------------------------------- NVI, PVI

/// Negative (PVI: positive) volume index: starts at 1000 and compounds the close's percent
/// change on bars whose volume fell (rose); a zero previous close or a non-finite result
/// leaves it unchanged.
#[derive(Debug, Clone)]
pub(crate) struct VolumeIndex {
    rising: bool,
    started: bool,
    prev_close: f64,
    prev_volume: f64,
    index: f64,
}

impl VolumeIndex {
    fn new(rising: bool) -> Self {
        VolumeIndex {
            rising,
            started: false,
            prev_close: 0.0,
            prev_volume: 0.0,
            index: 1000.0,
        }
    }
    #[inline]
    fn next(&mut self, b: &Bar) -> f64 {
        if !self.started {
            self.started = true;
            self.prev_close = b.close;
            self.prev_volume = b.volume;
        }
        let moved = if self.rising {
            b.volume > self.prev_volume
        } else {
            b.volume < self.prev_volume
        };
        if moved && self.prev_close != 0.0 {
            let mut next = self.index;
            next += ((b.close - self.prev_close) / self.prev_close) * next;
            if next.is_finite() {
                self.index = next;
            }
        }
        self.prev_close = b.close;
        self.prev_volume = b.volume;
        self.index
    }
}

#[derive(Debug, Clone)]
pub(crate) struct NviK(VolumeIndex);

impl Kernel for NviK {
    fn new(_: &Resolved) -> Self {
        NviK(VolumeIndex::new(false))
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(Some(self.0.next(b)))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PviK(VolumeIndex);

impl Kernel for PviK {
    fn new(_: &Resolved) -> Self {
        PviK(VolumeIndex::new(true))
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(Some(self.0.next(b)))
    }
}

// ---------------------------------------------------------------- PVO

/// Percentage volume oscillator: `((fast MA - slow MA) / slow MA) * 100` of volume (periods
/// swapped if given inverted), 0 when the slow MA is zero.
#[derive(Debug, Clone)]
pub(crate) struct PvoK {
    fast: VolumeMa,
    slow: VolumeMa,
}

/// PVO's moving averages: TA-Lib 0.8.2's fused EMA for `matype` 1, the shared factory for
/// the others.
#[derive(Debug, Clone)]
enum VolumeMa {
    Ema(FusedEma),
    Other(Ma),
}

impl VolumeMa {
    fn new(kind: MaType, period: usize) -> Self {
        match kind {
            MaType::Ema => VolumeMa::Ema(FusedEma::new(period)),
            _ => VolumeMa::Other(Ma::new(kind, period)),
        }
    }
    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        match self {
            VolumeMa::Ema(m) => m.next(x),
            VolumeMa::Other(m) => m.next(x),
        }
    }
}

impl PvoK {
    fn periods(p: &Resolved) -> (usize, usize) {
        let (f, s) = (p.int("fastperiod"), p.int("slowperiod"));
        (f.min(s), f.max(s))
    }
}

impl Kernel for PvoK {
    fn new(p: &Resolved) -> Self {
        let (fast, slow) = Self::periods(p);
        let kind = p.matype("matype");
        PvoK {
            fast: VolumeMa::new(kind, fast),
            slow: VolumeMa::new(kind, slow),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        Ma::lookback(p.matype("matype"), Self::periods(p).1)
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let fast = self.fast.next(b.volume);
        let slow = self.slow.next(b.volume);
        let (Some(fast), Some(slow)) = (fast, slow) else {
            return NAN3;
        };
        o1(Some(if !is_zero(slow) {
            ((fast - slow) / slow) * 100.0
        } else {
            0.0
        }))
    }
}

// ---------------------------------------------------------------- PVT

/// Price-volume trend: the running sum of the close's relative change times volume (a zero
/// previous close adds nothing).
#[derive(Debug, Clone)]
pub(crate) struct PvtK {
    started: bool,
    prev_close: f64,
    sum: f64,
}

impl Kernel for PvtK {
    fn new(_: &Resolved) -> Self {
        PvtK {
            started: false,
            prev_close: 0.0,
            sum: 0.0,
        }
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        if !self.started {
            self.started = true;
            self.prev_close = b.close;
        }
        if self.prev_close != 0.0 {
            self.sum += ((b.close - self.prev_close) / self.prev_close) * b.volume;
        }
        self.prev_close = b.close;
        o1(Some(self.sum))
    }
}

// ---------------------------------------------------------------- RVOL

/// Relative volume: today's volume over the average volume of the previous `period` bars
/// (a running total: 0.8.2 keeps its residue, so 0 / 0 is NaN only on an exact zero).
#[derive(Debug, Clone)]
pub(crate) struct RvolK {
    period: usize,
    p: f64,
    total: f64,
    window: Fifo<f64>,
}

impl Kernel for RvolK {
    fn new(p: &Resolved) -> Self {
        let period = p.int("timeperiod").max(1);
        RvolK {
            period,
            p: period as f64,
            total: 0.0,
            window: Fifo::new(period + 1),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod")
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let v = b.volume;
        if self.window.len() < self.period {
            self.window.push(v);
            self.total += v;
            return NAN3;
        }
        let baseline = self.total / self.p;
        self.total -= self.window.pop().unwrap_or(0.0);
        self.window.push(v);
        self.total += v;
        o1(Some(v / baseline))
    }
}

// ---------------------------------------------------------------- VWAP

/// Volume-weighted average typical price, cumulative from the first bar (TA-Lib has no
/// sessions: start a new stream, or pass one session's bars, to anchor it). Bars with a
/// non-finite price or volume are skipped; before any volume it reads 0.
#[derive(Debug, Clone)]
pub(crate) struct VwapK {
    sum_pv: f64,
    sum_v: f64,
    vwap: f64,
}

impl Kernel for VwapK {
    fn new(_: &Resolved) -> Self {
        VwapK {
            sum_pv: 0.0,
            sum_v: 0.0,
            vwap: 0.0,
        }
    }
    fn lookback(_: &Resolved) -> usize {
        0
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let typical = (b.high + b.low + b.close) / 3.0;
        if typical.is_finite() && b.volume.is_finite() {
            let pv = typical * b.volume;
            self.sum_pv += pv;
            self.sum_v += b.volume;
        }
        if self.sum_v > 0.0 {
            self.vwap = self.sum_pv / self.sum_v;
        }
        o1(Some(self.vwap))
    }
}
