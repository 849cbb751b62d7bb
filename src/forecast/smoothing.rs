//! Exponential smoothing in component form with additive trend and additive season, as
//! statsmodels' `holtwinters` writes it (simple exponential smoothing and Holt are the special
//! cases without season, or without trend and season):
//!
//! ```text
//! ŷ_t = l_{t-1} + b_{t-1} + s_{t-m}
//! l_t = α (y_t − s_{t-m}) + (1 − α)(l_{t-1} + b_{t-1})
//! b_t = β (l_t − l_{t-1}) + (1 − β) b_{t-1}
//! s_t = γ (y_t − l_{t-1} − b_{t-1}) + (1 − γ) s_{t-m}
//! ```
//!
//! Fitting: every state is an affine function of the initial states, so for given smoothing
//! parameters the SSE is a quadratic in the initial states and its minimiser is a small
//! least-squares solve. The optimizer then searches only the smoothing parameters (1 to 3
//! numbers in a box), which is why it reaches statsmodels' SSE or better: statsmodels searches
//! the initial states numerically alongside the parameters.

use super::optimizer::minimize_box;

/// Which components a model has; `m` is the season length (1 without a season).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub trend: bool,
    pub m: usize,
}

impl Shape {
    fn seasonal(&self) -> bool {
        self.m > 1
    }
}

/// Smoothing parameters; `beta` and `gamma` are ignored by shapes without trend or season.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Smoothing {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
}

/// Initial states (at time −1): level, trend, and the season of observations 0..m.
#[derive(Clone, Debug, PartialEq)]
pub struct States {
    pub level: f64,
    pub trend: f64,
    pub season: Vec<f64>,
}

/// Runs the recursion over `y` from `init`; returns the one-step SSE and leaves the final
/// states in `state` (its `season` is the ring of the latest seasonal per phase).
fn run(y: &[f64], shape: Shape, p: Smoothing, state: &mut States) -> f64 {
    let (alpha, beta, gamma) = (p.alpha, if shape.trend { p.beta } else { 0.0 }, p.gamma);
    let m = state.season.len().max(1);
    let mut sse = 0.0;
    let (mut level, mut trend) = (state.level, state.trend);
    for (t, &yt) in y.iter().enumerate() {
        let season = state.season.get(t % m).copied().unwrap_or(0.0);
        let base = level + trend;
        let err = yt - (base + season);
        sse += err * err;
        let new_level = alpha * (yt - season) + (1.0 - alpha) * base;
        trend = beta * (new_level - level) + (1.0 - beta) * trend;
        if let Some(slot) = state.season.get_mut(t % m) {
            *slot = gamma * (yt - base) + (1.0 - gamma) * season;
        }
        level = new_level;
    }
    state.level = level;
    state.trend = trend;
    sse
}

/// Runs the model and writes the `out.len()` step forecast; returns the SSE.
pub fn smooth_forecast(
    y: &[f64],
    shape: Shape,
    p: Smoothing,
    init: &States,
    out: &mut [f64],
) -> f64 {
    let mut state = init.clone();
    let sse = run(y, shape, p, &mut state);
    let n = y.len();
    let m = state.season.len().max(1);
    for (h, slot) in out.iter_mut().enumerate() {
        let season = state.season.get((n + h) % m).copied().unwrap_or(0.0);
        *slot = state.level + (h + 1) as f64 * state.trend + season;
    }
    sse
}

/// The statsmodels 'known'/'simple' starting states used when all parameters are given:
/// level₀ = y₀ (SES), level₀ = y₀ and trend₀ = y₁ − y₀ (Holt); with a season, the first
/// cycle's mean, the change of cycle means per step, and y_j − level₀.
pub fn default_states(y: &[f64], shape: Shape) -> States {
    if shape.seasonal() {
        let m = shape.m;
        let first = y[..m].iter().sum::<f64>() / m as f64;
        let trend = if shape.trend {
            (y[m..2 * m].iter().sum::<f64>() / m as f64 - first) / m as f64
        } else {
            0.0
        };
        return States {
            level: first,
            trend,
            season: y[..m].iter().map(|v| v - first).collect(),
        };
    }
    let trend = if shape.trend { y[1] - y[0] } else { 0.0 };
    States {
        level: y[0],
        trend,
        season: Vec::new(),
    }
}

/// Number of free initial states: level, trend, and m − 1 seasonals (the last is minus the
/// sum of the others: shifting the level by c and every seasonal by −c gives the same fit).
fn state_count(shape: Shape) -> usize {
    1 + shape.trend as usize + if shape.seasonal() { shape.m - 1 } else { 0 }
}

/// Expands a free-state vector into `States`.
fn states_from(x: &[f64], shape: Shape) -> States {
    let level = x[0];
    let trend = if shape.trend { x[1] } else { 0.0 };
    let season = if shape.seasonal() {
        let free = &x[1 + shape.trend as usize..];
        let last = -free.iter().sum::<f64>();
        free.iter().copied().chain(std::iter::once(last)).collect()
    } else {
        Vec::new()
    };
    States {
        level,
        trend,
        season,
    }
}

/// Scratch space for `best_states`, allocated once per fit.
pub struct Workspace {
    k: usize,
    level: Vec<f64>,
    trend: Vec<f64>,
    season: Vec<f64>,
    new_level: Vec<f64>,
    fitted: Vec<f64>,
    gram: Vec<f64>,
    rhs: Vec<f64>,
}

impl Workspace {
    pub fn new(shape: Shape) -> Self {
        let k = state_count(shape);
        let w = k + 1;
        Workspace {
            k,
            level: vec![0.0; w],
            trend: vec![0.0; w],
            season: vec![0.0; w * shape.m.max(1)],
            new_level: vec![0.0; w],
            fitted: vec![0.0; w],
            gram: vec![0.0; k * k],
            rhs: vec![0.0; k],
        }
    }
}

/// The initial states minimising the SSE for fixed smoothing parameters. Each state is kept
/// as an affine form `[constant, coefficient per free initial state]`; the residuals are then
/// affine too and their normal equations are accumulated on the fly.
pub fn best_states(y: &[f64], shape: Shape, p: Smoothing, ws: &mut Workspace) -> States {
    let k = ws.k;
    let w = k + 1;
    let m = shape.m.max(1);
    let (alpha, beta, gamma) = (p.alpha, if shape.trend { p.beta } else { 0.0 }, p.gamma);
    let seasonal = shape.seasonal();
    ws.level.iter_mut().for_each(|v| *v = 0.0);
    ws.trend.iter_mut().for_each(|v| *v = 0.0);
    ws.season.iter_mut().for_each(|v| *v = 0.0);
    ws.gram.iter_mut().for_each(|v| *v = 0.0);
    ws.rhs.iter_mut().for_each(|v| *v = 0.0);
    ws.level[1] = 1.0;
    if shape.trend {
        ws.trend[2] = 1.0;
    }
    if seasonal {
        let first = 2 + shape.trend as usize;
        for j in 0..m - 1 {
            ws.season[j * w + first + j] = 1.0;
        }
        for c in first..w {
            ws.season[(m - 1) * w + c] = -1.0;
        }
    }
    let Workspace {
        level,
        trend,
        season,
        new_level,
        fitted,
        gram,
        rhs,
        ..
    } = ws;
    let mut phase = 0;
    for &yt in y {
        let s = &mut season[phase * w..(phase + 1) * w];
        // The one-step prediction as an affine form; residual e = c − d·x with c = y − ŷ[0].
        for i in 0..w {
            fitted[i] = level[i] + trend[i] + s[i];
        }
        let c = yt - fitted[0];
        let d = &fitted[1..];
        for i in 0..k {
            let di = d[i];
            if di == 0.0 {
                continue;
            }
            rhs[i] += di * c;
            let row = &mut gram[i * k..(i + 1) * k];
            for j in i..k {
                row[j] += di * d[j];
            }
        }
        for i in 0..w {
            let y_part = if i == 0 { yt } else { 0.0 };
            let base = level[i] + trend[i];
            new_level[i] = alpha * (y_part - s[i]) + (1.0 - alpha) * base;
            if seasonal {
                s[i] = flush(gamma * (y_part - base) + (1.0 - gamma) * s[i]);
            }
        }
        if shape.trend {
            for i in 0..w {
                trend[i] = flush(beta * (new_level[i] - level[i]) + (1.0 - beta) * trend[i]);
            }
        }
        for i in 0..w {
            level[i] = flush(new_level[i]);
        }
        phase += 1;
        if phase == m {
            phase = 0;
        }
    }
    for i in 0..k {
        for j in 0..i {
            ws.gram[i * k + j] = ws.gram[j * k + i];
        }
    }
    let x = solve_spd(&ws.gram, &ws.rhs, k);
    states_from(&x, shape)
}

/// Coefficients of the initial states decay like (1 − α)^t; once negligible they are set to
/// zero, because arithmetic on subnormal numbers is some 100 times slower.
#[inline]
fn flush(v: f64) -> f64 {
    if v.abs() < 1e-150 {
        0.0
    } else {
        v
    }
}

/// Solves the symmetric positive semi-definite system `a x = b` by Cholesky, adding a tiny
/// ridge when `a` is singular (e.g. α = 0 with a flat series); any solution is a valid start,
/// the SSE is always recomputed exactly from it.
fn solve_spd(a: &[f64], b: &[f64], k: usize) -> Vec<f64> {
    let scale = (0..k)
        .map(|i| a[i * k + i].abs())
        .fold(0.0, f64::max)
        .max(1e-300);
    for ridge in [0.0, 1e-13, 1e-10, 1e-7] {
        if let Some(x) = cholesky_solve(a, b, k, ridge * scale) {
            if x.iter().all(|v| v.is_finite()) {
                return x;
            }
        }
    }
    vec![0.0; k]
}

fn cholesky_solve(a: &[f64], b: &[f64], k: usize, ridge: f64) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut sum = a[i * k + j] + if i == j { ridge } else { 0.0 };
            for p in 0..j {
                sum -= l[i * k + p] * l[j * k + p];
            }
            if i == j {
                if sum <= 1e-14 * a[i * k + i].abs().max(ridge) || sum <= 0.0 {
                    return None;
                }
                l[i * k + i] = sum.sqrt();
            } else {
                l[i * k + j] = sum / l[j * k + j];
            }
        }
    }
    let mut z = b.to_vec();
    for i in 0..k {
        for p in 0..i {
            z[i] -= l[i * k + p] * z[p];
        }
        z[i] /= l[i * k + i];
    }
    for i in (0..k).rev() {
        for p in i + 1..k {
            z[i] -= l[p * k + i] * z[p];
        }
        z[i] /= l[i * k + i];
    }
    Some(z)
}

/// Given smoothing parameters (None = fit), the statsmodels-admissible search space:
/// α ∈ [0, 1], β = α·u, γ = (1 − α)·v with u, v ∈ [0, 1]. Fixed values are taken as given.
#[derive(Clone, Copy, Debug, Default)]
pub struct Given {
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub gamma: Option<f64>,
}

/// The fitted model: parameters, initial states and SSE.
#[derive(Clone, Debug)]
pub struct Fit {
    pub params: Smoothing,
    pub init: States,
    pub sse: f64,
}

/// Fits the omitted parameters and the initial states by least squares.
pub fn fit(y: &[f64], shape: Shape, given: Given) -> Fit {
    fit_with(y, shape, given, None)
}

/// Fits the omitted parameters with the initial states held at `known`.
pub fn fit_known(y: &[f64], shape: Shape, given: Given, known: &States) -> Fit {
    fit_with(y, shape, given, Some(known))
}

fn fit_with(y: &[f64], shape: Shape, given: Given, known: Option<&States>) -> Fit {
    let mut ws = Workspace::new(shape);
    let free_alpha = given.alpha.is_none();
    let free_beta = shape.trend && given.beta.is_none();
    let free_gamma = shape.seasonal() && given.gamma.is_none();
    // Free α must stay >= a fixed β and <= 1 − a fixed γ (statsmodels' admissible region).
    let alpha_lo = if free_beta {
        0.0
    } else {
        given.beta.unwrap_or(0.0).clamp(0.0, 1.0)
    };
    let alpha_hi = if free_gamma {
        1.0
    } else {
        1.0 - given.gamma.unwrap_or(0.0).clamp(0.0, 1.0)
    };
    let alpha_hi = alpha_hi.max(alpha_lo);
    let decode = |x: &[f64]| {
        let mut it = x.iter().copied();
        let alpha = if free_alpha {
            it.next().unwrap_or(0.0)
        } else {
            given.alpha.unwrap_or(0.0)
        };
        let beta = if free_beta {
            alpha * it.next().unwrap_or(0.0)
        } else {
            given.beta.unwrap_or(0.0)
        };
        let gamma = if free_gamma {
            (1.0 - alpha) * it.next().unwrap_or(0.0)
        } else {
            given.gamma.unwrap_or(0.0)
        };
        Smoothing { alpha, beta, gamma }
    };
    let mut lower = Vec::new();
    let mut upper = Vec::new();
    if free_alpha {
        lower.push(alpha_lo);
        upper.push(alpha_hi);
    }
    for _ in 0..(free_beta as usize + free_gamma as usize) {
        lower.push(0.0);
        upper.push(1.0);
    }
    let mut objective = |x: &[f64]| {
        let p = decode(x);
        let mut state = match known {
            Some(k) => k.clone(),
            None => best_states(y, shape, p, &mut ws),
        };
        run(y, shape, p, &mut state)
    };
    let (x, _) = minimize_box(&mut objective, &lower, &upper);
    let params = decode(&x);
    let init = match known {
        Some(k) => k.clone(),
        None => best_states(y, shape, params, &mut ws),
    };
    let mut state = init.clone();
    let sse = run(y, shape, params, &mut state);
    Fit { params, init, sse }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_states_recover_a_noise_free_holt_series() {
        // y = 2 + 0.5 t is fitted exactly by Holt with level₀ = 1.5, trend₀ = 0.5.
        let y: Vec<f64> = (0..50).map(|t| 2.0 + 0.5 * t as f64).collect();
        let shape = Shape { trend: true, m: 1 };
        let p = Smoothing {
            alpha: 0.3,
            beta: 0.2,
            gamma: 0.0,
        };
        let s = best_states(&y, shape, p, &mut Workspace::new(shape));
        assert!(
            (s.level - 1.5).abs() < 1e-9 && (s.trend - 0.5).abs() < 1e-9,
            "{s:?}"
        );
    }

    #[test]
    fn seasonal_states_recover_a_pure_season() {
        let pattern = [1.0, -2.0, 0.5, 0.5];
        let y: Vec<f64> = (0..40).map(|t| 10.0 + pattern[t % 4]).collect();
        let shape = Shape { trend: false, m: 4 };
        let p = Smoothing {
            alpha: 0.2,
            beta: 0.0,
            gamma: 0.1,
        };
        let mut ws = Workspace::new(shape);
        let s = best_states(&y, shape, p, &mut ws);
        let mut state = s.clone();
        assert!(run(&y, shape, p, &mut state) < 1e-18);
        assert!((s.level - 10.0).abs() < 1e-9);
    }
}
