//! Heatmap of the objective over the first two varying grid dimensions; other dimensions are
//! reduced by taking the best value (backtesting.py's `plot_heatmaps(agg='max')` for maximize).

use super::engine::Outcome;
use super::params::ParamValue;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heatmap {
    /// `[row parameter, column parameter]`.
    pub params: [String; 2],
    pub rows: Vec<ParamValue>,
    pub columns: Vec<ParamValue>,
    /// `values[i][j]` for `rows[i]`, `columns[j]`; None (null) where no combination succeeded.
    pub values: Vec<Vec<Option<f64>>>,
}

impl Heatmap {
    /// Value at the given row/column parameter values.
    pub fn get(&self, row: &ParamValue, col: &ParamValue) -> Option<f64> {
        let i = self.rows.iter().position(|r| r == row)?;
        let j = self.columns.iter().position(|c| c == col)?;
        self.values.get(i)?.get(j).copied().flatten()
    }
}

/// None unless the run is a grid with at least two varying dimensions.
pub fn heatmap(out: &Outcome) -> Option<Heatmap> {
    let space = &out.candidates.space;
    if !out.candidates.is_grid() {
        return None;
    }
    let varying = space.varying();
    let (&a, &b) = (varying.first()?, varying.get(1)?);
    let (na, nb) = (space.dims[a].len()? as usize, space.dims[b].len()? as usize);
    // The grid limit bounds these; a 2-D matrix larger than 4M cells is not a heatmap anyone reads.
    if na.saturating_mul(nb) > 4_000_000 {
        return None;
    }
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; nb]; na];
    for r in &out.rows {
        if r.error.is_some() || r.value.is_nan() {
            continue;
        }
        let Some(idx) = out.candidates.grid_index(r.ordinal) else { continue };
        let c = space.grid_coords(idx);
        let cell = &mut values[c[a] as usize][c[b] as usize];
        match cell {
            Some(v) if !out.objective.better(r.value, *v) => {}
            _ => *cell = Some(r.value),
        }
    }
    Some(Heatmap {
        params: [space.names[a].clone(), space.names[b].clone()],
        rows: (0..na as u64).map(|i| space.dims[a].value(i)).collect(),
        columns: (0..nb as u64).map(|i| space.dims[b].value(i)).collect(),
        values,
    })
}
