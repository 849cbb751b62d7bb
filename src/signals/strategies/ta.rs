//! The indicator formulas the built-in strategies need, TA-Lib style (same warm-up, same
//! seeding), writing NaN where TA-Lib has no value.

/// TA-Lib EMA: seeded with the SMA of the first `n` values, then `k = 2 / (n + 1)`.
/// `seed_end` lets MACD seed at a later bar, as TA-Lib does.
fn ema_from(values: &[f64], n: usize, seed_end: usize, out: &mut [f64]) {
    out.fill(f64::NAN);
    if n == 0 || seed_end >= values.len() || seed_end + 1 < n {
        return;
    }
    let k = 2.0 / (n as f64 + 1.0);
    let mut prev = values[seed_end + 1 - n..=seed_end].iter().sum::<f64>() / n as f64;
    out[seed_end] = prev;
    for i in seed_end + 1..values.len() {
        prev = (values[i] - prev) * k + prev;
        out[i] = prev;
    }
}

#[cfg(test)]
fn ema(values: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; values.len()];
    ema_from(values, n, n.saturating_sub(1), &mut out);
    out
}

/// TA-Lib RSI (Wilder smoothing, no unstable period): first value at bar `n`.
pub fn rsi(close: &[f64], n: usize) -> Vec<f64> {
    let len = close.len();
    let mut out = vec![f64::NAN; len];
    if n < 2 || len <= n {
        return out;
    }
    let (mut gain, mut loss) = (0.0f64, 0.0f64);
    for i in 1..=n {
        let d = close[i] - close[i - 1];
        if d < 0.0 {
            loss -= d;
        } else {
            gain += d;
        }
    }
    let p = n as f64;
    gain /= p;
    loss /= p;
    let value = |g: f64, l: f64| if g + l != 0.0 { 100.0 * g / (g + l) } else { 0.0 };
    out[n] = value(gain, loss);
    for i in n + 1..len {
        let d = close[i] - close[i - 1];
        gain *= p - 1.0;
        loss *= p - 1.0;
        if d < 0.0 {
            loss -= d;
        } else {
            gain += d;
        }
        gain /= p;
        loss /= p;
        out[i] = value(gain, loss);
    }
    out
}

/// TA-Lib MACD: both EMAs seeded at bar `slow - 1` (so they are aligned), the signal line an
/// EMA of the MACD line; returns (macd, signal), first values at `slow - 1 + signal - 1`.
pub fn macd(close: &[f64], fast: usize, slow: usize, signal: usize) -> (Vec<f64>, Vec<f64>) {
    let len = close.len();
    let mut line = vec![f64::NAN; len];
    let mut sig = vec![f64::NAN; len];
    if fast == 0 || slow == 0 || signal == 0 || len < slow {
        return (line, sig);
    }
    let mut f = vec![f64::NAN; len];
    let mut s = vec![f64::NAN; len];
    ema_from(close, fast, slow - 1, &mut f);
    ema_from(close, slow, slow - 1, &mut s);
    for i in slow - 1..len {
        line[i] = f[i] - s[i];
    }
    let mut tail = vec![f64::NAN; len - (slow - 1)];
    ema_from(&line[slow - 1..], signal, signal - 1, &mut tail);
    sig[slow - 1..].copy_from_slice(&tail);
    // TA-Lib reports the MACD line only where the signal line exists.
    for i in 0..len.min(slow - 1 + signal - 1) {
        line[i] = f64::NAN;
    }
    (line, sig)
}

/// TA-Lib BBANDS with an SMA middle band and population standard deviation:
/// returns (upper, middle, lower).
pub fn bbands(close: &[f64], n: usize, nbdev: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let len = close.len();
    let (mut up, mut mid, mut lo) = (vec![f64::NAN; len], vec![f64::NAN; len], vec![f64::NAN; len]);
    if n == 0 || len < n {
        return (up, mid, lo);
    }
    let (mut sum, mut sum_sq) = (0.0f64, 0.0f64);
    for i in 0..len {
        sum += close[i];
        sum_sq += close[i] * close[i];
        if i >= n {
            sum -= close[i - n];
            sum_sq -= close[i - n] * close[i - n];
        }
        if i + 1 >= n {
            let mean = sum / n as f64;
            let var = (sum_sq / n as f64 - mean * mean).max(0.0);
            let sd = var.sqrt() * nbdev;
            mid[i] = mean;
            up[i] = mean + sd;
            lo[i] = mean - sd;
        }
    }
    (up, mid, lo)
}

/// Highest `high` and lowest `low` of the `n` bars before each bar (the current bar
/// excluded): the Donchian channel a breakout is measured against.
pub fn donchian_previous(high: &[f64], low: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let len = high.len().min(low.len());
    let (mut upper, mut lower) = (vec![f64::NAN; len], vec![f64::NAN; len]);
    if n == 0 {
        return (upper, lower);
    }
    // Monotonic deques keep each window's max/min in O(1) amortised per bar.
    let mut maxq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut minq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    for i in 0..len {
        if i >= n {
            while maxq.front().is_some_and(|&j| j + n < i) {
                maxq.pop_front();
            }
            while minq.front().is_some_and(|&j| j + n < i) {
                minq.pop_front();
            }
            if let (Some(&a), Some(&b)) = (maxq.front(), minq.front()) {
                upper[i] = high[a];
                lower[i] = low[b];
            }
        }
        while maxq.back().is_some_and(|&j| high[j] <= high[i]) {
            maxq.pop_back();
        }
        maxq.push_back(i);
        while minq.back().is_some_and(|&j| low[j] >= low[i]) {
            minq.pop_back();
        }
        minq.push_back(i);
    }
    (upper, lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ema_and_rsi_warmup() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let e = ema(&v, 3);
        assert!(e[1].is_nan());
        assert_eq!(e[2], 2.0);
        assert_eq!(e[3], 3.0);
        let r = rsi(&v, 3);
        assert!(r[2].is_nan());
        assert_eq!(r[3], 100.0);
    }

    #[test]
    fn donchian_excludes_current_bar() {
        let h = [1.0, 5.0, 2.0, 3.0, 9.0];
        let l = [0.5, 4.0, 1.0, 2.0, 8.0];
        let (u, d) = donchian_previous(&h, &l, 2);
        assert!(u[1].is_nan());
        assert_eq!((u[2], d[2]), (5.0, 0.5));
        assert_eq!((u[3], d[3]), (5.0, 1.0));
        assert_eq!((u[4], d[4]), (3.0, 1.0));
    }

    #[test]
    fn bbands_constant_series_has_zero_width() {
        let v = [2.0; 6];
        let (u, m, l) = bbands(&v, 3, 2.0);
        assert_eq!((u[2], m[2], l[2]), (2.0, 2.0, 2.0));
    }
}
