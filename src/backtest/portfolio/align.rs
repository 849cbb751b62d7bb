//! The aligned bar grid: which row of each asset sits on each aligned timestamp.

use super::config::{Align, MAX_CELLS};
use crate::series::Ohlcv;
use crate::{Error, Result};

const MISSING: u32 = u32::MAX;

/// Aligned timestamps and, per bar and asset, the asset's own row there (if it has one).
#[derive(Debug, Clone)]
pub struct Grid {
    pub time: Vec<i64>,
    assets: usize,
    /// `rows[i * assets + a]`: row of asset `a` at bar `i`, or [`MISSING`]. Bar-major, so
    /// the simulation reads one bar's assets from one cache line.
    rows: Vec<u32>,
}

impl Grid {
    /// Aligns `assets` (already checked to be non-empty, each with strictly increasing
    /// timestamps). Inner: the timestamps all share; union: every timestamp any has.
    pub fn build(assets: &[(&str, &Ohlcv)], align: Align) -> Result<Grid> {
        let k = assets.len();
        let time = match align {
            Align::Inner => {
                let mut common = assets[0].1.time.clone();
                for (_, data) in &assets[1..] {
                    let mut j = 0;
                    common.retain(|t| {
                        while j < data.time.len() && data.time[j] < *t {
                            j += 1;
                        }
                        j < data.time.len() && data.time[j] == *t
                    });
                }
                if common.is_empty() {
                    return Err(Error::invalid_input(
                        "the assets share no timestamp, so an inner join leaves no bar; check their dates or use align: 'union'",
                    )
                    .with("field", "assets"));
                }
                common
            }
            Align::Union => {
                let mut all: Vec<i64> = assets
                    .iter()
                    .flat_map(|(_, d)| d.time.iter().copied())
                    .collect();
                all.sort_unstable();
                all.dedup();
                all
            }
        };
        let n = time.len();
        if n.saturating_mul(k) > MAX_CELLS {
            return Err(Error::resource_limit(format!(
                "{k} assets × {n} aligned bars = {} cells, above the limit of {MAX_CELLS}; use fewer assets or a shorter range",
                n.saturating_mul(k)
            ))
            .with("field", "assets")
            .with("limit", MAX_CELLS)
            .with("got", n.saturating_mul(k)));
        }
        let mut rows = vec![MISSING; n * k];
        for (a, (_, data)) in assets.iter().enumerate() {
            let mut j = 0;
            for (i, t) in time.iter().enumerate() {
                while j < data.time.len() && data.time[j] < *t {
                    j += 1;
                }
                if j < data.time.len() && data.time[j] == *t {
                    // Asset lengths are checked below u32::MAX before alignment.
                    rows[i * k + a] = j as u32;
                }
            }
        }
        Ok(Grid {
            time,
            assets: k,
            rows,
        })
    }

    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    pub fn assets(&self) -> usize {
        self.assets
    }

    /// Row of asset `a` at bar `i`, `None` when the asset has no bar there.
    #[inline(always)]
    pub fn row(&self, i: usize, a: usize) -> Option<usize> {
        match self.rows[i * self.assets + a] {
            MISSING => None,
            r => Some(r as usize),
        }
    }

    /// Bars where asset `a` has data, in order.
    pub fn present_bars(&self, a: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.len()).filter_map(move |i| self.row(i, a).map(|r| (i, r)))
    }

    /// How many bars asset `a` has on the grid.
    pub fn present_count(&self, a: usize) -> usize {
        self.present_bars(a).count()
    }

    /// Asset `a`'s close on every bar: its last close where it has no bar, its first close
    /// before its first bar (only for valuation and statistics; nothing trades there).
    pub fn filled_close(&self, a: usize, data: &Ohlcv) -> Vec<f64> {
        let first = self
            .present_bars(a)
            .next()
            .map(|(_, r)| data.close[r])
            .unwrap_or(f64::NAN);
        let mut last = first;
        (0..self.len())
            .map(|i| {
                if let Some(r) = self.row(i, a) {
                    last = data.close[r];
                }
                last
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(days: &[i64]) -> Ohlcv {
        let time: Vec<i64> = days.iter().map(|d| d * 86_400_000).collect();
        let close: Vec<f64> = days.iter().map(|&d| 100.0 + d as f64).collect();
        Ohlcv::new(
            time,
            close.clone(),
            close.clone(),
            close.clone(),
            close,
            vec![],
        )
        .expect("valid")
    }

    #[test]
    fn inner_and_union_rows() {
        let a = series(&[1, 2, 3, 5, 6]);
        let b = series(&[2, 3, 4, 6]);
        let assets = [("A", &a), ("B", &b)];
        let g = Grid::build(&assets, Align::Inner).expect("inner");
        assert_eq!(g.time, vec![2 * 86_400_000, 3 * 86_400_000, 6 * 86_400_000]);
        assert_eq!(
            (g.row(0, 0), g.row(0, 1), g.row(2, 0), g.row(2, 1)),
            (Some(1), Some(0), Some(4), Some(3))
        );
        let u = Grid::build(&assets, Align::Union).expect("union");
        assert_eq!(u.len(), 6);
        assert_eq!(
            (u.row(0, 0), u.row(0, 1), u.row(3, 0), u.row(3, 1)),
            (Some(0), None, None, Some(2))
        );
        assert_eq!(
            u.filled_close(1, &b),
            vec![102.0, 102.0, 103.0, 104.0, 104.0, 106.0]
        );
        assert_eq!(u.present_count(1), 4);
        let c = series(&[10, 11]);
        let e = Grid::build(&[("A", &a), ("C", &c)], Align::Inner).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_INPUT");
        assert_eq!(e.detail("field").and_then(|f| f.as_str()), Some("assets"));
    }
}
