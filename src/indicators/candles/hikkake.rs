//! Hikkake: an inside bar followed by a false breakout, confirmed if price then closes
//! beyond the inside bar within three bars. These patterns carry state from bar to bar,
//! and TA-Lib runs them over the three bars before the lookback to pick it up.

use super::Setting::*;
use super::{Pattern, Setting, Window};

/// A detected (not yet confirmed) hikkake.
#[derive(Debug, Clone, Copy)]
struct Setup {
    /// Bar index of the breakout candle.
    at: usize,
    /// 100 bullish, -100 bearish.
    signal: i32,
    /// The inside bar's high and low: confirmation closes beyond them.
    high: f64,
    low: f64,
}

/// Shared hikkake bookkeeping: report a new setup, else a confirmation (±200) of the
/// latest one within three bars, else 0. A confirmation is reported once.
#[derive(Debug, Clone, Copy, Default)]
struct Tracker {
    setup: Option<Setup>,
}

impl Tracker {
    fn step(&mut self, w: &Window, breakout: Option<i32>) -> i32 {
        let (inside, c0) = (w.c(1), w.c(0));
        if let Some(signal) = breakout {
            self.setup = Some(Setup {
                at: w.index,
                signal,
                high: inside.high,
                low: inside.low,
            });
            return signal;
        }
        if let Some(s) = self.setup {
            let confirmed =
                (s.signal > 0 && c0.close > s.high) || (s.signal < 0 && c0.close < s.low);
            if w.index <= s.at + 3 && confirmed {
                self.setup = None;
                return s.signal * 2;
            }
        }
        0
    }
}

/// The breakout after an inside bar `w.c(1)` (inside `w.c(2)`): 100 when the current bar
/// breaks down (a bullish trap), -100 when it breaks up, `None` otherwise. `down_ok` and
/// `up_ok` gate each direction (HikkakeMod's close-near-extreme conditions).
fn breakout(w: &Window, down_ok: bool, up_ok: bool) -> Option<i32> {
    let (c2, c1, c0) = (w.c(2), w.c(1), w.c(0));
    let inside = c1.high < c2.high && c1.low > c2.low;
    let down = c0.high < c1.high && c0.low < c1.low;
    let up = c0.high > c1.high && c0.low > c1.low;
    if inside && ((down && down_ok) || (up && up_ok)) {
        Some(if c0.high < c1.high { 100 } else { -100 })
    } else {
        None
    }
}

/// CDLHIKKAKE.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hikkake {
    tracker: Tracker,
}

impl Pattern for Hikkake {
    const SPAN: usize = 2;
    const LOOKBACK: usize = 5;
    const PRIMING: usize = 3;

    fn detect(&mut self, w: &Window) -> i32 {
        let b = breakout(w, true, true);
        self.tracker.step(w, b)
    }
}

/// CDLHIKKAKEMOD: the inside bar itself sits inside a larger bar, and the bar before the
/// inside bar closed near its low (bullish) or high (bearish).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HikkakeMod {
    tracker: Tracker,
}

impl Pattern for HikkakeMod {
    const SPAN: usize = 3;
    const AVERAGES: &'static [(Setting, usize)] = &[(Near, 2)];
    const LOOKBACK: usize = 10;
    const PRIMING: usize = 3;

    fn detect(&mut self, w: &Window) -> i32 {
        let (c3, c2) = (w.c(3), w.c(2));
        let near = w.avg(Near, 2);
        let nested = c2.high < c3.high && c2.low > c3.low;
        let b = if nested {
            breakout(w, c2.close <= c2.low + near, c2.close >= c2.high - near)
        } else {
            None
        };
        self.tracker.step(w, b)
    }
}
