//! Simple moving averages computed the way each reference library computes them.
//!
//! Crossover rules compare two averages with `<`/`>`, so a last-bit difference can move a
//! trade when the averages are (nearly) equal. backtesting.py strategies use pandas
//! `rolling(n).mean()` (Kahan-compensated running sum); vectorbt's `MA` divides differences
//! of a cumulative sum. Both are reproduced here bit for bit; the golden tests pin them.

/// The SMA of `values` as the reference library of `semantics` computes it.
pub fn sma(semantics: super::Semantics, values: &[f64], n: usize) -> Vec<f64> {
    match semantics {
        super::Semantics::BacktestingPy => pandas_rolling_mean(values, n),
        super::Semantics::Vectorbt => vectorbt_rolling_mean(values, n),
    }
}

/// pandas `Series.rolling(n).mean()` (min_periods = n) into `out`; NaN during warm-up.
pub fn pandas_rolling_mean_into(values: &[f64], n: usize, out: &mut [f64]) {
    let len = values.len().min(out.len());
    out[..len].fill(f64::NAN);
    if n == 0 {
        return;
    }
    let (mut sum, mut comp_add, mut comp_remove) = (0.0f64, 0.0f64, 0.0f64);
    let (mut nobs, mut neg_ct) = (0usize, 0usize);
    let (mut same_run, mut prev_value) = (0usize, f64::NAN);
    for i in 0..len {
        if n == 1 || i == 0 {
            // pandas restarts the window when it does not overlap the previous one.
            sum = 0.0;
            comp_add = 0.0;
            comp_remove = 0.0;
            nobs = 0;
            neg_ct = 0;
            same_run = 0;
            prev_value = values[i];
        } else if i >= n {
            let v = values[i - n];
            if !v.is_nan() {
                nobs -= 1;
                let y = -v - comp_remove;
                let t = sum + y;
                comp_remove = t - sum - y;
                sum = t;
                if v.is_sign_negative() {
                    neg_ct -= 1;
                }
            }
        }
        let v = values[i];
        if !v.is_nan() {
            nobs += 1;
            let y = v - comp_add;
            let t = sum + y;
            comp_add = t - sum - y;
            sum = t;
            if v.is_sign_negative() {
                neg_ct += 1;
            }
            if v == prev_value {
                same_run += 1;
            } else {
                same_run = 1;
            }
            prev_value = v;
        }
        if nobs >= n && nobs > 0 {
            let mut mean = sum / nobs as f64;
            if same_run >= nobs {
                mean = prev_value;
            } else if (neg_ct == 0 && mean < 0.0) || (neg_ct == nobs && mean > 0.0) {
                // A sign no input has is summation residue.
                mean = 0.0;
            }
            out[i] = mean;
        }
    }
}

/// pandas `rolling(n).mean()` as a new vector.
pub fn pandas_rolling_mean(values: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    pandas_rolling_mean_into(values, n, &mut out);
    out
}

/// vectorbt `MA.run(close, n)` (cumulative-sum differences, NaNs skipped) into `out`.
pub fn vectorbt_rolling_mean_into(values: &[f64], n: usize, out: &mut [f64]) {
    let len = values.len().min(out.len());
    out[..len].fill(f64::NAN);
    if n == 0 {
        return;
    }
    let mut cumsum = vec![0.0f64; len];
    let mut nancnt = vec![0usize; len];
    let (mut sum, mut nans) = (0.0f64, 0usize);
    for i in 0..len {
        if values[i].is_nan() {
            nans += 1;
        } else {
            sum += values[i];
        }
        cumsum[i] = sum;
        nancnt[i] = nans;
        let (window_len, window_sum) = if i < n {
            (i + 1 - nans, sum)
        } else {
            (n - (nans - nancnt[i - n]), sum - cumsum[i - n])
        };
        if window_len >= n {
            out[i] = window_sum / window_len as f64;
        }
    }
}

/// vectorbt `MA` as a new vector.
pub fn vectorbt_rolling_mean(values: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    vectorbt_rolling_mean_into(values, n, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_and_values() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        for f in [pandas_rolling_mean, vectorbt_rolling_mean] {
            let m = f(&v, 3);
            assert!(m[0].is_nan() && m[1].is_nan());
            assert_eq!(&m[2..], &[2.0, 3.0, 4.0]);
        }
        // A constant run returns the value itself in pandas (no summation residue).
        let c = [0.1; 7];
        assert!(pandas_rolling_mean(&c, 3)[2..].iter().all(|&x| x == 0.1));
    }
}
