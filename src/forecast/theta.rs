//! The Theta method as statsmodels' `ThetaModel(y, deseasonalize=False).fit()` (use_mle=False):
//! b₀ is the OLS slope of y on t, α the SES parameter fitted with level₀ = y₀ (or given), and
//!
//! ```text
//! ŷ_{n+h} = SES_{n+1} + (θ − 1)/θ · b₀ · (h − 1 + 1/α − (1 − α)^n / α)
//! ```
//! θ = 1 is plain SES, θ = 2 the classic method (half the linear trend added to SES).

use super::baseline::linear_fit;
use super::smoothing::{self, Given, Shape, Smoothing, States};

pub struct ThetaFit {
    pub alpha: f64,
    pub b0: f64,
    pub sse: f64,
}

/// Writes the forecast and returns the fitted pieces.
pub fn forecast(y: &[f64], theta: f64, alpha: Option<f64>, out: &mut [f64]) -> ThetaFit {
    let (_, b0, _) = linear_fit(y);
    let shape = Shape { trend: false, m: 1 };
    let known = States {
        level: y[0],
        trend: 0.0,
        season: Vec::new(),
    };
    let alpha = match alpha {
        Some(a) => a,
        None => {
            smoothing::fit_known(y, shape, Given::default(), &known)
                .params
                .alpha
        }
    };
    let p = Smoothing {
        alpha,
        beta: 0.0,
        gamma: 0.0,
    };
    let mut one_step = [0.0];
    let sse = smoothing::smooth_forecast(y, shape, p, &known, &mut one_step);
    let weight = (theta - 1.0) / theta;
    for (h, slot) in out.iter_mut().enumerate() {
        let mut steps = h as f64;
        if alpha > 0.0 {
            steps += 1.0 / alpha - (1.0 - alpha).powf(y.len() as f64) / alpha;
        }
        *slot = one_step[0] + weight * b0 * steps;
    }
    ThetaFit { alpha, b0, sse }
}
