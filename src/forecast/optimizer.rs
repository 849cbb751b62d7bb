//! A small bounded minimizer for the smoothing models' SSE in 1 to 3 parameters.
//!
//! The smoothing parameters live in a box (each in [0, 1]); the initial states are solved
//! exactly inside the objective (see `smoothing`), so only these few dimensions are searched.
//! The SSE surface can have several basins, so the search starts from a coarse grid: in one
//! dimension a golden-section search refines the best grid cell, in more a Nelder-Mead simplex
//! (trial points projected into the box) runs from the best grid points and restarts once
//! from where it stopped, the usual guard against a collapsed simplex.

/// Minimizes `f` over the box `lower[i] <= x[i] <= upper[i]`. Returns the best point and its
/// value. `f` must be finite on the box (non-finite values are treated as +inf).
pub fn minimize_box(
    f: &mut dyn FnMut(&[f64]) -> f64,
    lower: &[f64],
    upper: &[f64],
) -> (Vec<f64>, f64) {
    let dim = lower.len();
    let mut eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    if dim == 0 {
        let v = eval(&[]);
        return (Vec::new(), v);
    }
    if dim == 1 {
        return golden_1d(&mut eval, lower[0], upper[0]);
    }
    let per_axis = match dim {
        2 => 11,
        3 => 5,
        _ => 4,
    };
    let grid = grid_points(lower, upper, per_axis);
    let mut scored: Vec<(f64, Vec<f64>)> = grid.into_iter().map(|x| (eval(&x), x)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = scored[0].clone();
    for (_, start) in scored.iter().take(2) {
        let (mut x, mut fx) = nelder_mead(&mut eval, start, lower, upper);
        let (x2, fx2) = nelder_mead(&mut eval, &x, lower, upper);
        if fx2 <= fx {
            x = x2;
            fx = fx2;
        }
        if fx < best.0 {
            best = (fx, x);
        }
    }
    (best.1, best.0)
}

/// Every point of a regular grid with `per_axis` points on each axis (ends included).
fn grid_points(lower: &[f64], upper: &[f64], per_axis: usize) -> Vec<Vec<f64>> {
    let dim = lower.len();
    let total = per_axis.pow(dim as u32);
    (0..total)
        .map(|mut k| {
            (0..dim)
                .map(|i| {
                    let step = k % per_axis;
                    k /= per_axis;
                    lower[i] + (upper[i] - lower[i]) * step as f64 / (per_axis - 1) as f64
                })
                .collect()
        })
        .collect()
}

/// Grid scan, then golden-section search on the cell around the best grid point.
fn golden_1d(f: &mut dyn FnMut(&[f64]) -> f64, lo: f64, hi: f64) -> (Vec<f64>, f64) {
    const POINTS: usize = 21;
    let at = |i: usize| lo + (hi - lo) * i as f64 / (POINTS - 1) as f64;
    let (mut best_i, mut best_f) = (0, f64::INFINITY);
    for i in 0..POINTS {
        let v = f(&[at(i)]);
        if v < best_f {
            best_i = i;
            best_f = v;
        }
    }
    let mut best_x = at(best_i);
    let (mut a, mut b) = (
        at(best_i.saturating_sub(1)),
        at((best_i + 1).min(POINTS - 1)),
    );
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (f(&[c]), f(&[d]));
    while (b - a) > 1e-10 {
        if fc <= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(&[c]);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(&[d]);
        }
    }
    for (x, v) in [(c, fc), (d, fd)] {
        if v < best_f {
            best_x = x;
            best_f = v;
        }
    }
    (vec![best_x], best_f)
}

fn project(x: &mut [f64], lower: &[f64], upper: &[f64]) {
    for ((v, &lo), &hi) in x.iter_mut().zip(lower).zip(upper) {
        *v = v.clamp(lo, hi);
    }
}

/// Nelder-Mead (reflection 1, expansion 2, contraction 1/2, shrink 1/2) in the box.
fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64,
    start: &[f64],
    lower: &[f64],
    upper: &[f64],
) -> (Vec<f64>, f64) {
    const MAX_EVALS: usize = 4000;
    let dim = start.len();
    let mut simplex: Vec<Vec<f64>> = Vec::with_capacity(dim + 1);
    simplex.push(start.to_vec());
    for i in 0..dim {
        let mut p = start.to_vec();
        let step = 0.1 * (upper[i] - lower[i]);
        p[i] = if p[i] + step <= upper[i] {
            p[i] + step
        } else {
            p[i] - step
        };
        simplex.push(p);
    }
    let mut values: Vec<f64> = simplex.iter().map(|p| f(p)).collect();
    let mut evals = dim + 1;
    let mut centroid = vec![0.0; dim];
    let mut trial = vec![0.0; dim];
    let mut trial2 = vec![0.0; dim];
    while evals < MAX_EVALS {
        // Order: best first, worst last.
        let mut order: Vec<usize> = (0..=dim).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let spread = values[dim] - values[0];
        let size = simplex[1..]
            .iter()
            .flat_map(|p| p.iter().zip(&simplex[0]).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if spread <= 1e-13 * values[0].abs() + 1e-300 && size < 1e-7 || size < 1e-12 {
            break;
        }
        centroid.iter_mut().for_each(|c| *c = 0.0);
        for p in &simplex[..dim] {
            for (c, v) in centroid.iter_mut().zip(p) {
                *c += v / dim as f64;
            }
        }
        let along = |t: &mut [f64], coef: f64, worst: &[f64]| {
            for ((o, c), w) in t.iter_mut().zip(&centroid).zip(worst) {
                *o = c + coef * (c - w);
            }
            project(t, lower, upper);
        };
        along(&mut trial, 1.0, &simplex[dim]);
        let fr = f(&trial);
        evals += 1;
        if fr < values[0] {
            along(&mut trial2, 2.0, &simplex[dim]);
            let fe = f(&trial2);
            evals += 1;
            if fe < fr {
                simplex[dim].copy_from_slice(&trial2);
                values[dim] = fe;
            } else {
                simplex[dim].copy_from_slice(&trial);
                values[dim] = fr;
            }
        } else if fr < values[dim - 1] {
            simplex[dim].copy_from_slice(&trial);
            values[dim] = fr;
        } else {
            // Contract towards the better of the worst point and its reflection.
            let (coef, reference) = if fr < values[dim] {
                (0.5, fr)
            } else {
                (-0.5, values[dim])
            };
            along(&mut trial2, coef, &simplex[dim]);
            let fc = f(&trial2);
            evals += 1;
            if fc < reference {
                simplex[dim].copy_from_slice(&trial2);
                values[dim] = fc;
            } else {
                let best = simplex[0].clone();
                for (p, v) in simplex.iter_mut().zip(values.iter_mut()).skip(1) {
                    for (x, b) in p.iter_mut().zip(&best) {
                        *x = b + 0.5 * (*x - b);
                    }
                    *v = f(p);
                    evals += 1;
                }
            }
        }
    }
    let best = (0..=dim)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    (simplex[best].clone(), values[best])
}

#[cfg(test)]
mod tests {
    use super::minimize_box;

    #[test]
    fn finds_interior_and_boundary_minima() {
        let mut quad = |x: &[f64]| (x[0] - 0.3).powi(2) + 2.0 * (x[1] - 0.7).powi(2) + 1.0;
        let (x, v) = minimize_box(&mut quad, &[0.0, 0.0], &[1.0, 1.0]);
        assert!((x[0] - 0.3).abs() < 1e-6 && (x[1] - 0.7).abs() < 1e-6 && (v - 1.0).abs() < 1e-12);
        // Minimum outside the box in x[0]: the answer is on the bound.
        let mut outside =
            |x: &[f64]| (x[0] - 1.5).powi(2) + (x[1] - 0.2).powi(2) + (x[2] - 0.9).powi(2);
        let (x, _) = minimize_box(&mut outside, &[0.0; 3], &[1.0; 3]);
        assert!(
            (x[0] - 1.0).abs() < 1e-9 && (x[1] - 0.2).abs() < 1e-5 && (x[2] - 0.9).abs() < 1e-5,
            "{x:?}"
        );
        let mut one = |x: &[f64]| (x[0] - 0.123).powi(2);
        let (x, _) = minimize_box(&mut one, &[0.0], &[1.0]);
        assert!((x[0] - 0.123).abs() < 1e-7);
    }
}
