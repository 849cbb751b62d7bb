//! The benchmark forecasts: naive, mean, drift, seasonal naive and the OLS linear trend.
//! Each writes `out.len()` steps ahead of `y` (callers check the minimum length).

/// Last value repeated.
pub fn naive(y: &[f64], out: &mut [f64]) {
    out.fill(y[y.len() - 1]);
}

/// Sample mean repeated (pairwise-free plain sum, as numpy's mean within 1e-15 relative).
pub fn mean(y: &[f64], out: &mut [f64]) -> f64 {
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    out.fill(mean);
    mean
}

/// Last value plus h times the average step (y_last − y_0) / (n − 1).
pub fn drift(y: &[f64], out: &mut [f64]) -> f64 {
    let n = y.len();
    let slope = (y[n - 1] - y[0]) / (n - 1) as f64;
    for (h, slot) in out.iter_mut().enumerate() {
        *slot = y[n - 1] + (h + 1) as f64 * slope;
    }
    slope
}

/// The value one season back: step h (1-based) is y[n − m + (h − 1) mod m].
pub fn seasonal_naive(y: &[f64], m: usize, out: &mut [f64]) {
    let start = y.len() - m;
    for (h, slot) in out.iter_mut().enumerate() {
        *slot = y[start + h % m];
    }
}

/// OLS of y on t = 0..n−1 (centred, so the slope keeps its digits on long series).
/// Returns (intercept, slope, SSR).
pub fn linear_fit(y: &[f64]) -> (f64, f64, f64) {
    let n = y.len() as f64;
    let t_mean = (n - 1.0) / 2.0;
    let y_mean = y.iter().sum::<f64>() / n;
    let (mut sty, mut stt) = (0.0, 0.0);
    for (t, &v) in y.iter().enumerate() {
        let dt = t as f64 - t_mean;
        sty += dt * (v - y_mean);
        stt += dt * dt;
    }
    let slope = sty / stt;
    let intercept = y_mean - slope * t_mean;
    let ssr = y
        .iter()
        .enumerate()
        .map(|(t, &v)| {
            let e = v - (intercept + slope * t as f64);
            e * e
        })
        .sum();
    (intercept, slope, ssr)
}

/// The fitted line extrapolated to t = n, n+1, ...
pub fn linear_trend(y: &[f64], out: &mut [f64]) -> (f64, f64, f64) {
    let (intercept, slope, ssr) = linear_fit(y);
    let n = y.len();
    for (h, slot) in out.iter_mut().enumerate() {
        *slot = intercept + slope * (n + h) as f64;
    }
    (intercept, slope, ssr)
}
