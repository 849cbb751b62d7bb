//! Rolling-window building blocks: a monotonic deque for O(1) amortised window extremes,
//! and a tracker that says whether a NaN is still inside the window.

use std::collections::VecDeque;

/// Capacity to reserve up front: the full window for ordinary periods, a bounded amount for
/// huge ones (the deque then grows a few times during warm-up, never per bar afterwards).
pub(crate) fn reserve(period: usize) -> usize {
    period.saturating_add(1).min(4096)
}

/// Which extreme a [`MonoDeque`] tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extreme {
    Max,
    Min,
}

/// Window maximum or minimum over the last `window` bars (by bar index).
///
/// Among equal values the most recent bar wins, as TA-Lib's AROON scan (`>=`, `<=`) does.
/// NaN values are skipped, as TA-Lib 0.8's window extremes skip them; a window holding only
/// NaN has no extreme (`front()` is `None`).
#[derive(Debug, Clone)]
pub(crate) struct MonoDeque {
    kind: Extreme,
    window: usize,
    items: VecDeque<(usize, f64)>,
}

impl MonoDeque {
    pub(crate) fn new(kind: Extreme, window: usize) -> Self {
        MonoDeque {
            kind,
            window: window.max(1),
            items: VecDeque::with_capacity(reserve(window)),
        }
    }

    /// Adds bar `idx` with value `v` and drops bars that left the window `(idx-window, idx]`.
    #[inline]
    pub(crate) fn push(&mut self, idx: usize, v: f64) {
        if v.is_nan() {
            self.evict(idx);
            return;
        }
        while let Some(&(_, back)) = self.items.back() {
            let dominated = match self.kind {
                Extreme::Max => back <= v,
                Extreme::Min => back >= v,
            };
            if dominated {
                self.items.pop_back();
            } else {
                break;
            }
        }
        self.items.push_back((idx, v));
        self.evict(idx);
    }

    /// Drops bars that left the window ending at `idx`.
    #[inline]
    fn evict(&mut self, idx: usize) {
        while let Some(&(front, _)) = self.items.front() {
            if front + self.window <= idx {
                self.items.pop_front();
            } else {
                break;
            }
        }
    }

    /// (bar index, value) of the window's extreme; `None` when the window holds no number.
    #[inline]
    pub(crate) fn front(&self) -> Option<(usize, f64)> {
        self.items.front().copied()
    }

    pub(crate) fn value(&self) -> f64 {
        self.front().map_or(f64::NAN, |(_, v)| v)
    }
}

/// Doubles a full ring buffer, unrolling it so the oldest element is at 0; returns the new head.
#[cold]
#[inline(never)]
fn grow<T: Copy + Default>(buf: &mut Vec<T>, head: usize, len: usize) -> usize {
    let cap = buf.len();
    let mut next = Vec::with_capacity(cap * 2);
    for k in 0..len {
        let i = if head + k >= cap {
            head + k - cap
        } else {
            head + k
        };
        if let Some(&v) = buf.get(i) {
            next.push(v);
        }
    }
    next.resize(cap * 2, T::default());
    *buf = next;
    0
}

/// FIFO of the most recent values: a ring buffer that grows (doubling) only while warming
/// up, so after warm-up every push is matched by a pop and nothing is allocated per bar.
#[derive(Debug, Clone)]
pub(crate) struct Fifo<T> {
    buf: Vec<T>,
    head: usize,
    len: usize,
}

impl<T: Copy + Default> Fifo<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Fifo {
            buf: vec![T::default(); reserve(capacity).max(1)],
            head: 0,
            len: 0,
        }
    }

    #[inline(always)]
    fn slot(&self, k: usize) -> usize {
        let i = self.head + k;
        if i >= self.buf.len() {
            i - self.buf.len()
        } else {
            i
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, v: T) {
        if self.len == self.buf.len() {
            // A free function on the buffer alone, so `self` never escapes the hot loop and
            // the optimiser can keep the owner's other fields in registers.
            self.head = grow(&mut self.buf, self.head, self.len);
        }
        let i = self.slot(self.len);
        if let Some(slot) = self.buf.get_mut(i) {
            *slot = v;
        }
        self.len += 1;
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let v = self.buf.get(self.head).copied();
        self.head = self.slot(1);
        self.len -= 1;
        v
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// `k`-th oldest element.
    #[inline]
    pub(crate) fn at(&self, k: usize) -> Option<T> {
        if k < self.len {
            self.buf.get(self.slot(k)).copied()
        } else {
            None
        }
    }

    /// `k` steps back from the newest element (`back(0)` = newest).
    #[inline]
    pub(crate) fn back(&self, k: usize) -> Option<T> {
        if k < self.len {
            self.at(self.len - 1 - k)
        } else {
            None
        }
    }

    /// Oldest to newest.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        let (a, b) = if self.head + self.len <= self.buf.len() {
            (&self.buf[self.head..self.head + self.len], &self.buf[..0])
        } else {
            (
                &self.buf[self.head..],
                &self.buf[..self.head + self.len - self.buf.len()],
            )
        };
        a.iter().chain(b.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deque_matches_naive_extremes_with_latest_tie() {
        let xs = [
            3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 5.0, 1.0,
        ];
        for w in 1..6 {
            let mut mx = MonoDeque::new(Extreme::Max, w);
            let mut mn = MonoDeque::new(Extreme::Min, w);
            for (i, &x) in xs.iter().enumerate() {
                mx.push(i, x);
                mn.push(i, x);
                let lo = (i + 1).saturating_sub(w);
                let win = &xs[lo..=i];
                let max = win.iter().cloned().fold(f64::MIN, f64::max);
                let min = win.iter().cloned().fold(f64::MAX, f64::min);
                let last_max = lo + win.iter().rposition(|&v| v == max).expect("max is in the window");
                let last_min = lo + win.iter().rposition(|&v| v == min).expect("min is in the window");
                assert_eq!(mx.front(), Some((last_max, max)));
                assert_eq!(mn.front(), Some((last_min, min)));
            }
        }
    }

    #[test]
    fn nan_is_skipped_and_an_all_nan_window_is_empty() {
        let mut mx = MonoDeque::new(Extreme::Max, 2);
        mx.push(0, 1.0);
        mx.push(1, f64::NAN);
        assert_eq!(mx.front(), Some((0, 1.0)));
        mx.push(2, f64::NAN);
        assert_eq!(mx.front(), None);
        assert!(mx.value().is_nan());
        mx.push(3, 5.0);
        assert_eq!(mx.front(), Some((3, 5.0)));
    }

    #[test]
    fn fifo_wraps_and_grows() {
        let mut f: Fifo<f64> = Fifo::new(2);
        for i in 0..10 {
            f.push(i as f64);
            if f.len() > 3 {
                f.pop();
            }
        }
        assert_eq!(f.iter().copied().collect::<Vec<_>>(), vec![7.0, 8.0, 9.0]);
        assert_eq!(
            (f.at(0), f.back(0), f.back(2), f.at(3)),
            (Some(7.0), Some(9.0), Some(7.0), None)
        );
        let mut g: Fifo<f64> = Fifo::new(1);
        for i in 0..100 {
            g.push(i as f64);
        }
        assert_eq!(g.len(), 100);
        assert_eq!(g.at(57), Some(57.0));
        assert_eq!(g.pop(), Some(0.0));
    }
}
