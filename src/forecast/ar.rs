//! AR(p) with a constant, fitted by ordinary least squares on the lagged values, as
//! statsmodels' `AutoReg(y, lags=p, trend='c')`: the regression uses observations p..n,
//! σ² = SSR / (n − p) (no degrees-of-freedom correction), and h-step prediction intervals are
//! normal with variance σ² Σ_{j<h} ψ_j², ψ the MA(∞) weights (parameter uncertainty ignored).
//!
//! The least squares run as a streaming QR (Givens rotations, one row at a time), so memory is
//! O(p²) whatever the series length and the coefficients stay accurate on near-unit-root
//! series such as log prices, where the normal equations lose digits.

use super::normal::normal_quantile;

/// A fitted AR model.
#[derive(Clone, Debug)]
pub struct ArFit {
    /// `[constant, φ_1, ..., φ_p]`, statsmodels' `params` order.
    pub coef: Vec<f64>,
    pub sigma2: f64,
    pub ssr: f64,
}

/// Fits AR(p); the caller guarantees `y.len() >= 2p + 2` and finite values.
pub fn fit(y: &[f64], p: usize) -> ArFit {
    let k = p + 1;
    let w = k + 1; // regressors + the response column
                   // Upper-triangular R (w × w, row-major) of the augmented matrix [X | y].
    let mut r = vec![0.0; w * w];
    let mut row = vec![0.0; w];
    for t in p..y.len() {
        row[0] = 1.0;
        for i in 1..=p {
            row[i] = y[t - i];
        }
        row[k] = y[t];
        for i in 0..w {
            let (a, b): (f64, f64) = (r[i * w + i], row[i]);
            if b == 0.0 {
                continue;
            }
            let h = a.hypot(b);
            let (c, s) = (a / h, b / h);
            r[i * w + i] = h;
            for j in i + 1..w {
                let (rij, xj) = (r[i * w + j], row[j]);
                r[i * w + j] = c * rij + s * xj;
                row[j] = c * xj - s * rij;
            }
        }
    }
    // Back-substitution R[..k, ..k] β = R[..k, k].
    let mut coef = vec![0.0; k];
    for i in (0..k).rev() {
        let mut v = r[i * w + k];
        for j in i + 1..k {
            v -= r[i * w + j] * coef[j];
        }
        let d = r[i * w + i];
        coef[i] = if d != 0.0 { v / d } else { 0.0 };
    }
    let ssr = r[k * w + k] * r[k * w + k];
    let nobs = (y.len() - p) as f64;
    ArFit {
        coef,
        sigma2: ssr / nobs,
        ssr,
    }
}

/// Writes the mean forecast for `mean.len()` steps and, when `level` is given, the normal
/// prediction interval bounds.
pub fn forecast(
    y: &[f64],
    fit: &ArFit,
    mean: &mut [f64],
    bounds: Option<(f64, &mut [f64], &mut [f64])>,
) {
    let p = fit.coef.len() - 1;
    let horizon = mean.len();
    // History = last p observations followed by the forecasts so far.
    let mut history: Vec<f64> = y[y.len() - p..].to_vec();
    history.reserve(horizon);
    for slot in mean.iter_mut() {
        let len = history.len();
        let mut v = fit.coef[0];
        for i in 1..=p {
            v += fit.coef[i] * history[len - i];
        }
        *slot = v;
        history.push(v);
    }
    if let Some((level, lower, upper)) = bounds {
        let z = normal_quantile(0.5 + level / 2.0);
        // ψ_0 = 1, ψ_j = Σ_{i=1..min(j,p)} φ_i ψ_{j-i}.
        let mut psi = vec![0.0; horizon];
        let mut cumulative = 0.0;
        for j in 0..horizon {
            psi[j] = if j == 0 {
                1.0
            } else {
                (1..=p.min(j)).map(|i| fit.coef[i] * psi[j - i]).sum()
            };
            cumulative += psi[j] * psi[j];
            let half = z * (fit.sigma2 * cumulative).sqrt();
            lower[j] = mean[j] - half;
            upper[j] = mean[j] + half;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_an_exact_ar2() {
        // y_t = 0.5 + 1.6 y_{t-1} - 0.95 y_{t-2} exactly (a slowly damped cycle): zero SSR.
        let mut y = vec![1.0, 3.0];
        for t in 2..60 {
            y.push(0.5 + 1.6 * y[t - 1] - 0.95 * y[t - 2]);
        }
        let f = fit(&y, 2);
        let want = [0.5, 1.6, -0.95];
        assert!(
            f.coef.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9),
            "{:?}",
            f.coef
        );
        assert!(f.ssr < 1e-20);
    }
}
