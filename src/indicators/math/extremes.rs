//! Window extremes: MAX, MIN, MINMAX (values) and MAXINDEX, MININDEX, MINMAXINDEX (bar
//! indices), each over the last `timeperiod` closes.
//!
//! TA-Lib 0.8 computes the two families differently, and the difference shows on ties and
//! NaN, so each is reproduced as it is:
//!
//! * The values use the van Herk/Gil-Werman scheme: bars are cut into blocks of `period`
//!   starting at the first bar; a window is the suffix of one block plus the prefix of the
//!   next, each scanned with a strict comparison that keeps the running extreme when the new
//!   value is NaN. A window that is exactly one block takes that block's suffix extreme.
//! * The indices use TA-Lib's classic search: keep the extreme's bar; when it leaves the
//!   window rescan the window from its oldest bar with a strict comparison (the earliest of
//!   equal values wins), otherwise a new value equal to or beyond the extreme takes over (the
//!   latest wins). A NaN at the start of a rescan is kept until the next rescan.
//!
//! Indices are absolute positions in the input (bar 0 = the first bar the kernel saw),
//! returned as f64, NaN during warm-up.

use crate::indicators::params::Resolved;
use crate::indicators::window::{reserve, Fifo};
use crate::indicators::{o1, Bar, Kernel, Out};

/// Which extreme a search looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Max,
    Min,
}

impl Side {
    /// `a` strictly beyond `b` (false when either is NaN).
    #[inline(always)]
    fn beyond(self, a: f64, b: f64) -> bool {
        match self {
            Side::Max => a > b,
            Side::Min => a < b,
        }
    }

    /// `a` equal to or beyond `b` (false when either is NaN).
    #[inline(always)]
    fn reaches(self, a: f64, b: f64) -> bool {
        match self {
            Side::Max => a >= b,
            Side::Min => a <= b,
        }
    }

    /// The van Herk step: the new value if strictly beyond the running one, else the
    /// running one (so a NaN value never replaces a number, and a NaN running value stays).
    #[inline(always)]
    fn pick(self, new: f64, running: f64) -> f64 {
        if self.beyond(new, running) {
            new
        } else {
            running
        }
    }
}

/// Streaming van Herk/Gil-Werman window extreme: O(1) amortised per bar, `2 * period`
/// values of state.
#[derive(Debug, Clone)]
struct BlockExtreme {
    side: Side,
    period: usize,
    /// Position of the next bar inside its block.
    pos: usize,
    /// Extreme of the current block's values so far.
    prefix: f64,
    /// The current block's values.
    block: Vec<f64>,
    /// Suffix extremes of the last completed block (`suffix[i]` = extreme of its bars i..).
    suffix: Vec<f64>,
    /// A block has been completed (the window is full).
    full: bool,
}

impl BlockExtreme {
    fn new(side: Side, period: usize) -> Self {
        let period = period.max(1);
        BlockExtreme {
            side,
            period,
            pos: 0,
            prefix: f64::NAN,
            // Filled during the first block, so a huge period costs memory only as bars come.
            block: Vec::with_capacity(reserve(period)),
            suffix: Vec::new(),
            full: false,
        }
    }

    #[inline]
    fn next(&mut self, x: f64) -> Option<f64> {
        let pos = self.pos;
        self.prefix = if pos == 0 {
            x
        } else {
            self.side.pick(x, self.prefix)
        };
        match self.block.get_mut(pos) {
            Some(slot) => *slot = x,
            None => self.block.push(x),
        }
        if pos + 1 == self.period {
            self.close_block();
            self.pos = 0;
            self.full = true;
            // The window is exactly the block just closed.
            return self.suffix.first().copied();
        }
        self.pos = pos + 1;
        if !self.full {
            return None;
        }
        // The window's oldest bar sits at `pos + 1` of the previous block.
        let older = self.suffix.get(pos + 1).copied().unwrap_or(f64::NAN);
        Some(if self.side.beyond(self.prefix, older) {
            self.prefix
        } else {
            older
        })
    }

    /// Suffix extremes of the completed block, scanned from its newest bar back.
    #[cold]
    fn close_block(&mut self) {
        if self.suffix.len() != self.block.len() {
            self.suffix.resize(self.block.len(), f64::NAN);
        }
        let mut running = f64::NAN;
        for (i, (&v, s)) in self
            .block
            .iter()
            .zip(self.suffix.iter_mut())
            .rev()
            .enumerate()
        {
            running = if i == 0 {
                v
            } else {
                self.side.pick(v, running)
            };
            *s = running;
        }
    }
}

/// TA-Lib's classic extreme search, tracking the extreme's absolute bar index.
#[derive(Debug, Clone)]
struct IndexSearch {
    side: Side,
    period: usize,
    /// Bars seen so far (the next bar's index).
    today: usize,
    /// The extreme's bar and value; `None` until the first full window.
    best: Option<(usize, f64)>,
    window: Fifo<f64>,
}

impl IndexSearch {
    fn new(side: Side, period: usize) -> Self {
        let period = period.max(1);
        IndexSearch {
            side,
            period,
            today: 0,
            best: None,
            window: Fifo::new(period),
        }
    }

    /// `(bar index, value)` of the window's extreme once the window is full.
    #[inline]
    fn next(&mut self, x: f64) -> Option<(usize, f64)> {
        let today = self.today;
        self.today += 1;
        self.window.push(x);
        if self.window.len() < self.period {
            return None;
        }
        if self.window.len() > self.period {
            self.window.pop();
        }
        let trailing = today + 1 - self.period;
        let best = match self.best {
            Some((idx, v)) if idx >= trailing => {
                if self.side.reaches(x, v) {
                    (today, x)
                } else {
                    (idx, v)
                }
            }
            _ => self.rescan(trailing),
        };
        self.best = Some(best);
        Some(best)
    }

    /// Earliest strict extreme of the window, starting from its oldest bar.
    #[cold]
    fn rescan(&self, trailing: usize) -> (usize, f64) {
        let mut best = (trailing, self.window.at(0).unwrap_or(f64::NAN));
        for (k, &v) in self.window.iter().enumerate().skip(1) {
            if self.side.beyond(v, best.1) {
                best = (trailing + k, v);
            }
        }
        best
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MaxK(BlockExtreme);

impl Kernel for MaxK {
    fn new(p: &Resolved) -> Self {
        MaxK(BlockExtreme::new(Side::Max, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MinK(BlockExtreme);

impl Kernel for MinK {
    fn new(p: &Resolved) -> Self {
        MinK(BlockExtreme::new(Side::Min, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(self.0.next(b.close))
    }
}

/// MINMAX: outputs `min`, `max`.
#[derive(Debug, Clone)]
pub(crate) struct MinMaxK {
    min: BlockExtreme,
    max: BlockExtreme,
}

impl Kernel for MinMaxK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("timeperiod");
        MinMaxK {
            min: BlockExtreme::new(Side::Min, n),
            max: BlockExtreme::new(Side::Max, n),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let lo = self.min.next(b.close);
        let hi = self.max.next(b.close);
        [
            lo.unwrap_or(f64::NAN),
            hi.unwrap_or(f64::NAN),
            f64::NAN,
            f64::NAN,
        ]
    }
}

#[inline]
fn index_of(found: Option<(usize, f64)>) -> f64 {
    found.map_or(f64::NAN, |(i, _)| i as f64)
}

#[derive(Debug, Clone)]
pub(crate) struct MaxIndexK(IndexSearch);

impl Kernel for MaxIndexK {
    fn new(p: &Resolved) -> Self {
        MaxIndexK(IndexSearch::new(Side::Max, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(Some(index_of(self.0.next(b.close))))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MinIndexK(IndexSearch);

impl Kernel for MinIndexK {
    fn new(p: &Resolved) -> Self {
        MinIndexK(IndexSearch::new(Side::Min, p.int("timeperiod")))
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        o1(Some(index_of(self.0.next(b.close))))
    }
}

/// MINMAXINDEX: outputs `minidx`, `maxidx`.
#[derive(Debug, Clone)]
pub(crate) struct MinMaxIndexK {
    min: IndexSearch,
    max: IndexSearch,
}

impl Kernel for MinMaxIndexK {
    fn new(p: &Resolved) -> Self {
        let n = p.int("timeperiod");
        MinMaxIndexK {
            min: IndexSearch::new(Side::Min, n),
            max: IndexSearch::new(Side::Max, n),
        }
    }
    fn lookback(p: &Resolved) -> usize {
        p.int("timeperiod") - 1
    }
    #[inline]
    fn update(&mut self, b: &Bar) -> Out {
        let lo = index_of(self.min.next(b.close));
        let hi = index_of(self.max.next(b.close));
        [lo, hi, f64::NAN, f64::NAN]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without NaN both schemes give the plain window extreme; the index search's tie rule
    /// is the one TA-Lib's classic scan has.
    #[test]
    fn block_and_index_searches_match_a_naive_scan() {
        let xs: Vec<f64> = (0..200u32).map(|i| ((i * 37 + 11) % 13) as f64).collect();
        for period in 1..12 {
            for side in [Side::Max, Side::Min] {
                let mut block = BlockExtreme::new(side, period);
                let mut search = IndexSearch::new(side, period);
                for (t, &x) in xs.iter().enumerate() {
                    let v = block.next(x);
                    let found = search.next(x);
                    if t + 1 < period {
                        assert_eq!((v, found), (None, None));
                        continue;
                    }
                    let win = &xs[t + 1 - period..=t];
                    let want = win.iter().copied().fold(win[0], |a, b| match side {
                        Side::Max => a.max(b),
                        Side::Min => a.min(b),
                    });
                    assert_eq!(v, Some(want), "period {period} bar {t}");
                    let (idx, value) = found.expect("full window");
                    assert_eq!(value, want);
                    assert_eq!(xs[idx], want);
                    assert!(idx + period > t && idx <= t);
                }
            }
        }
    }

    #[test]
    fn a_nan_never_replaces_a_number_inside_a_block() {
        let mut block = BlockExtreme::new(Side::Max, 3);
        let out: Vec<Option<f64>> = [1.0, f64::NAN, 2.0, 5.0, 4.0, 3.0]
            .into_iter()
            .map(|x| block.next(x))
            .collect();
        // Bar 2 closes the block [1, NaN, 2] (suffix scan from 2 keeps 2); bars 3 and 4 mix
        // the suffix of that block with the new prefix.
        assert_eq!(&out[..2], &[None, None]);
        assert_eq!(out[2..], [Some(2.0), Some(5.0), Some(5.0), Some(5.0)]);
    }
}
