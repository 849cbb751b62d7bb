//! backtesting.py 0.6.6 statistics (`_stats.compute_stats`), key for key.
//!
//! Everything that depends only on the data (bar period, annualisation, resampling
//! buckets, market log returns) lives in [`StatsContext`], built once per dataset and shared
//! by every backtest on it.

use super::trade::Trade;
use crate::series::Ohlcv;
use serde::ser::{Serialize, SerializeMap, Serializer};

const MS_PER_DAY: i64 = 86_400_000;
const NS_PER_MS: i64 = 1_000_000;
const NS_PER_DAY: f64 = 86_400e9;

/// Per-dataset facts the statistics need.
#[derive(Debug, Clone)]
pub struct StatsContext {
    start: i64,
    end: i64,
    /// Unit (ns) durations are rounded up to: the resolution of the median bar period.
    resolution_ns: i64,
    /// 252, 365, 52, 12 or 1, by backtesting.py's rule.
    annual_trading_days: f64,
    /// Index of the last bar of each non-empty resampling period (day/week/month/year).
    period_last_bar: Vec<usize>,
    time: Vec<i64>,
    close: Vec<f64>,
    /// `log(close[i+1] / close[i])` minus its mean, and the sum of their squares (for Beta).
    market_centered: Vec<f64>,
    market_ss: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Resample {
    Day,
    Week,
    Month,
    Year,
}

impl StatsContext {
    pub fn new(data: &Ohlcv) -> StatsContext {
        let time = &data.time;
        let n = time.len();
        let median_ns = median_period_ns(time);
        let freq_days = median_ns.div_euclid(NS_PER_DAY as i64);
        let weekend_bars = time.iter().filter(|&&t| weekday(t) >= 5).count();
        let have_weekends = n > 0 && (weekend_bars as f64 / n as f64) > 2.0 / 7.0 * 0.6;
        let (annual_trading_days, resample) = match freq_days {
            7 => (52.0, Resample::Week),
            31 => (12.0, Resample::Month),
            365 => (1.0, Resample::Year),
            _ => (if have_weekends { 365.0 } else { 252.0 }, Resample::Day),
        };
        let mut period_last_bar = Vec::new();
        for i in 0..n {
            let key = period_key(time[i], resample);
            if i + 1 == n || period_key(time[i + 1], resample) != key {
                period_last_bar.push(i);
            }
        }
        let market_log_returns: Vec<f64> = data.close.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let m = market_log_returns.len() as f64;
        let market_mean = market_log_returns.iter().sum::<f64>() / m;
        let market_centered: Vec<f64> = market_log_returns.iter().map(|r| r - market_mean).collect();
        let market_ss = market_centered.iter().map(|r| r * r).sum();
        StatsContext {
            start: time.first().copied().unwrap_or(0),
            end: time.last().copied().unwrap_or(0),
            resolution_ns: resolution_ns(median_ns),
            annual_trading_days,
            period_last_bar,
            time: data.time.clone(),
            close: data.close.clone(),
            market_centered,
            market_ss,
        }
    }

    pub fn len(&self) -> usize {
        self.close.len()
    }

    pub fn is_empty(&self) -> bool {
        self.close.is_empty()
    }

    /// A duration in ns, rounded up to the data's resolution (pandas `Timedelta.ceil`), in
    /// days.
    fn round_days(&self, ns: i64) -> f64 {
        let unit = self.resolution_ns.max(1);
        let ceiled = ns.div_euclid(unit) * unit + if ns.rem_euclid(unit) != 0 { unit } else { 0 };
        ceiled as f64 / NS_PER_DAY
    }

    /// The mean of durations summing to `sum_ms`, rounded up like [`Self::round_days`].
    /// pandas averages nanoseconds as floats and truncates to whole nanoseconds.
    fn round_mean_days(&self, sum_ms: i128, count: usize) -> f64 {
        let mean_ns = (sum_ms * i128::from(NS_PER_MS)) as f64 / count as f64;
        self.round_days(mean_ns.trunc() as i64)
    }
}

/// Median of the last 100 bar-to-bar gaps (pandas `_data_period`), in ns.
fn median_period_ns(time: &[i64]) -> i64 {
    let tail = &time[time.len().saturating_sub(100)..];
    let mut diffs: Vec<i64> = tail.windows(2).map(|w| w[1] - w[0]).collect();
    if diffs.is_empty() {
        return 0;
    }
    diffs.sort_unstable();
    let k = diffs.len();
    let median_ms = if k % 2 == 1 { diffs[k / 2] as f64 } else { (diffs[k / 2 - 1] as f64 + diffs[k / 2] as f64) / 2.0 };
    (median_ms * NS_PER_MS as f64) as i64
}

/// pandas `Timedelta.resolution_string` as a unit in ns: the finest non-zero component.
fn resolution_ns(ns: i64) -> i64 {
    for unit in [1_i64, 1_000, 1_000_000, 1_000_000_000, 60_000_000_000, 3_600_000_000_000] {
        let coarser = match unit {
            1 => 1_000,
            1_000 => 1_000_000,
            1_000_000 => 1_000_000_000,
            1_000_000_000 => 60_000_000_000,
            60_000_000_000 => 3_600_000_000_000,
            _ => 86_400_000_000_000,
        };
        if ns % coarser != 0 {
            return unit;
        }
    }
    86_400_000_000_000
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
fn weekday(ms: i64) -> i64 {
    (ms.div_euclid(MS_PER_DAY) + 3).rem_euclid(7)
}

fn period_key(ms: i64, resample: Resample) -> i64 {
    let day = ms.div_euclid(MS_PER_DAY);
    match resample {
        Resample::Day => day,
        // pandas 'W' is W-SUN: each week is labelled by the Sunday that ends it.
        Resample::Week => day + (6 - weekday(ms)),
        Resample::Month | Resample::Year => {
            let (y, m) = year_month(day);
            if resample == Resample::Month {
                y * 12 + m
            } else {
                y
            }
        }
    }
}

/// Civil year and month from days since 1970-01-01 (Howard Hinnant's algorithm).
fn year_month(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m)
}

/// backtesting.py's `geometric_mean`: 0 when any `1 + r ≤ 0`, NaN when empty.
fn geometric_mean(returns: impl Iterator<Item = f64>) -> f64 {
    let mut sum = 0.0;
    let mut n = 0usize;
    let mut nonpositive = false;
    for r in returns {
        let x = if r.is_nan() { 1.0 } else { r + 1.0 };
        if x <= 0.0 {
            nonpositive = true;
        }
        sum += x.ln();
        n += 1;
    }
    if nonpositive {
        return 0.0;
    }
    if n == 0 {
        return f64::NAN;
    }
    (sum / n as f64).exp() - 1.0
}

fn or_nan(x: f64) -> f64 {
    if x == 0.0 {
        f64::NAN
    } else {
        x
    }
}

/// The statistics, with backtesting.py's names in [`Stats::KEYS`] order. Durations in days,
/// times in ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    pub start: i64,
    pub end: i64,
    pub duration: f64,
    pub exposure_time: f64,
    pub equity_final: f64,
    pub equity_peak: f64,
    pub commissions: f64,
    pub return_pct: f64,
    pub buy_hold_return: f64,
    pub return_ann: f64,
    pub volatility_ann: f64,
    pub cagr: f64,
    pub sharpe: f64,
    pub sortino: f64,
    pub calmar: f64,
    pub alpha: f64,
    pub beta: f64,
    pub max_drawdown: f64,
    pub avg_drawdown: f64,
    pub max_drawdown_duration: f64,
    pub avg_drawdown_duration: f64,
    pub trades: usize,
    pub win_rate: f64,
    pub best_trade: f64,
    pub worst_trade: f64,
    pub avg_trade: f64,
    pub max_trade_duration: f64,
    pub avg_trade_duration: f64,
    pub profit_factor: f64,
    pub expectancy: f64,
    pub sqn: f64,
    pub kelly: f64,
}

impl Stats {
    pub const KEYS: [&'static str; 32] = [
        "Start",
        "End",
        "Duration",
        "Exposure Time [%]",
        "Equity Final [$]",
        "Equity Peak [$]",
        "Commissions [$]",
        "Return [%]",
        "Buy & Hold Return [%]",
        "Return (Ann.) [%]",
        "Volatility (Ann.) [%]",
        "CAGR [%]",
        "Sharpe Ratio",
        "Sortino Ratio",
        "Calmar Ratio",
        "Alpha [%]",
        "Beta",
        "Max. Drawdown [%]",
        "Avg. Drawdown [%]",
        "Max. Drawdown Duration",
        "Avg. Drawdown Duration",
        "# Trades",
        "Win Rate [%]",
        "Best Trade [%]",
        "Worst Trade [%]",
        "Avg. Trade [%]",
        "Max. Trade Duration",
        "Avg. Trade Duration",
        "Profit Factor",
        "Expectancy [%]",
        "SQN",
        "Kelly Criterion",
    ];

    /// A numeric statistic by its backtesting.py key (`Start`/`End` as ms since the epoch);
    /// `None` for an unknown key. This is what optimizers maximize.
    pub fn get(&self, key: &str) -> Option<f64> {
        Some(match key {
            "Start" => self.start as f64,
            "End" => self.end as f64,
            "Duration" => self.duration,
            "Exposure Time [%]" => self.exposure_time,
            "Equity Final [$]" => self.equity_final,
            "Equity Peak [$]" => self.equity_peak,
            "Commissions [$]" => self.commissions,
            "Return [%]" => self.return_pct,
            "Buy & Hold Return [%]" => self.buy_hold_return,
            "Return (Ann.) [%]" => self.return_ann,
            "Volatility (Ann.) [%]" => self.volatility_ann,
            "CAGR [%]" => self.cagr,
            "Sharpe Ratio" => self.sharpe,
            "Sortino Ratio" => self.sortino,
            "Calmar Ratio" => self.calmar,
            "Alpha [%]" => self.alpha,
            "Beta" => self.beta,
            "Max. Drawdown [%]" => self.max_drawdown,
            "Avg. Drawdown [%]" => self.avg_drawdown,
            "Max. Drawdown Duration" => self.max_drawdown_duration,
            "Avg. Drawdown Duration" => self.avg_drawdown_duration,
            "# Trades" => self.trades as f64,
            "Win Rate [%]" => self.win_rate,
            "Best Trade [%]" => self.best_trade,
            "Worst Trade [%]" => self.worst_trade,
            "Avg. Trade [%]" => self.avg_trade,
            "Max. Trade Duration" => self.max_trade_duration,
            "Avg. Trade Duration" => self.avg_trade_duration,
            "Profit Factor" => self.profit_factor,
            "Expectancy [%]" => self.expectancy,
            "SQN" => self.sqn,
            "Kelly Criterion" => self.kelly,
            _ => return None,
        })
    }

    /// `Start`/`End` as ISO-8601 local date-times, as pandas prints them.
    pub fn time_string(ms: i64) -> String {
        match chrono::DateTime::from_timestamp_millis(ms) {
            Some(t) if ms % 1000 == 0 => t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string(),
            Some(t) => t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            None => ms.to_string(),
        }
    }
}

/// JSON/JS form: backtesting.py's keys in order, `Start`/`End` as ISO strings; NaN becomes
/// `null` in JSON and `NaN` in JS.
impl Serialize for Stats {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Self::KEYS.len()))?;
        for key in Self::KEYS {
            match key {
                "Start" => map.serialize_entry(key, &Self::time_string(self.start))?,
                "End" => map.serialize_entry(key, &Self::time_string(self.end))?,
                "# Trades" => map.serialize_entry(key, &self.trades)?,
                _ => map.serialize_entry(key, &self.get(key).unwrap_or(f64::NAN))?,
            }
        }
        map.end()
    }
}

/// Computes every statistic from the equity curve (one value per bar), the closed trades,
/// the first bar the strategy could trade (end of indicator warm-up) and the annual
/// risk-free rate (a fraction).
pub fn compute(ctx: &StatsContext, equity: &[f64], trades: &[Trade], first_trading_bar: usize, risk_free_rate: f64) -> Stats {
    let n = equity.len().min(ctx.len());
    let mut s = Stats { start: ctx.start, end: ctx.end, ..Stats::default() };
    if n == 0 {
        return s;
    }
    let equity = &equity[..n];
    let duration_ms = ctx.end - ctx.start;
    s.duration = duration_ms as f64 / MS_PER_DAY as f64;

    // Exposure: bars inside any closed trade, entry and exit bar included.
    let mut covered = 0usize;
    let mut covered_end = 0usize;
    for t in trades {
        let from = t.entry_bar.max(covered_end);
        let to = (t.exit_bar + 1).min(n);
        if to > from {
            covered += to - from;
        }
        covered_end = covered_end.max(to);
    }
    s.exposure_time = covered as f64 / n as f64 * 100.0;

    let e0 = equity[0];
    let last = equity[n - 1];
    s.equity_final = last;
    s.equity_peak = equity.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    s.commissions = trades.iter().map(|t| t.commission).sum();
    s.return_pct = (last - e0) / e0 * 100.0;
    let c = &ctx.close;
    let fb = first_trading_bar.min(n - 1);
    s.buy_hold_return = (c[n - 1] - c[fb]) / c[fb] * 100.0;

    // Period (usually daily) returns of the equity's last value in each period.
    let in_range = ctx.period_last_bar.partition_point(|&i| i < n);
    let buckets = &ctx.period_last_bar[..in_range];
    // pandas `pct_change().dropna()`: 0/0 after a wipe-out is dropped, x/0 = inf is kept.
    let period_returns = buckets.windows(2).map(|w| equity[w[1]] / equity[w[0]] - 1.0).filter(|r| !r.is_nan());
    let count = period_returns.clone().count();
    // Σ ln(1 + r) telescopes to ln(last / first): one log instead of one per period. A
    // period value ≤ 0 makes the geometric mean 0, as in backtesting.py.
    let g = if count == 0 {
        f64::NAN
    } else if period_returns.clone().any(|r| r + 1.0 <= 0.0) {
        0.0
    } else {
        // No value ≤ 0 means no 0/0 was dropped, so the product runs over every period.
        match (buckets.first(), buckets.last()) {
            (Some(&a), Some(&b)) => ((equity[b] / equity[a]).ln() / count as f64).exp() - 1.0,
            _ => f64::NAN,
        }
    };
    let mean = period_returns.clone().sum::<f64>() / count as f64;
    let var = if count > 1 {
        period_returns.clone().map(|r| (r - mean) * (r - mean)).sum::<f64>() / (count - 1) as f64
    } else {
        f64::NAN
    };
    let downside = period_returns.map(|r| r.min(0.0) * r.min(0.0)).sum::<f64>() / count as f64;
    let d = ctx.annual_trading_days;
    let annualized = (1.0 + g).powf(d) - 1.0;
    s.return_ann = annualized * 100.0;
    s.volatility_ann = ((var + (1.0 + g) * (1.0 + g)).powf(d) - (1.0 + g).powf(2.0 * d)).sqrt() * 100.0;
    let seconds = duration_ms.div_euclid(1000);
    let years = (seconds.div_euclid(86_400) as f64 + seconds.rem_euclid(86_400) as f64 / 86_400.0) / 365.25;
    s.cagr = if years != 0.0 { ((last / e0).powf(1.0 / years) - 1.0) * 100.0 } else { f64::NAN };
    let rf = risk_free_rate;
    s.sharpe = (s.return_ann - rf * 100.0) / or_nan(s.volatility_ann);
    s.sortino = (annualized - rf) / (downside.sqrt() * d.sqrt());

    // Drawdown from the running peak; periods run between bars at a new peak (dd == 0).
    let mut peak = f64::NEG_INFINITY;
    let mut max_dd = f64::NEG_INFINITY;
    let mut dd_nan = false;
    let mut prev_zero: Option<usize> = None;
    let (mut periods, mut dur_sum, mut dur_max, mut peak_sum) = (0usize, 0i128, 0i64, 0f64);
    let mut run_peak = 0.0f64;
    let (mut nonzero_count, mut nonzero_sum, mut nonzero_max) = (0usize, 0f64, f64::NAN);
    for (i, &e) in equity.iter().enumerate() {
        peak = peak.max(e);
        let dd = 1.0 - e / peak;
        if dd.is_nan() {
            dd_nan = true;
        } else {
            max_dd = max_dd.max(dd);
        }
        if dd != 0.0 && !dd.is_nan() {
            nonzero_count += 1;
            nonzero_sum += dd;
            nonzero_max = if nonzero_max.is_nan() { dd } else { nonzero_max.max(dd) };
        }
        run_peak = if dd.is_nan() { run_peak } else { run_peak.max(dd) };
        if dd == 0.0 || i == n - 1 {
            if let Some(p) = prev_zero {
                if i > p + 1 {
                    let ms = ctx.time[i] - ctx.time[p];
                    periods += 1;
                    dur_sum += i128::from(ms);
                    dur_max = dur_max.max(ms);
                    peak_sum += run_peak;
                }
            }
            prev_zero = Some(i);
            run_peak = if dd.is_nan() { 0.0 } else { dd };
        }
    }
    let max_dd = if dd_nan || max_dd == f64::NEG_INFINITY { 0.0 } else { max_dd };
    s.calmar = annualized / or_nan(max_dd);
    s.max_drawdown = -max_dd * 100.0;
    if periods > 0 {
        s.avg_drawdown = -(peak_sum / periods as f64) * 100.0;
        s.max_drawdown_duration = ctx.round_days(dur_max.saturating_mul(NS_PER_MS));
        s.avg_drawdown_duration = ctx.round_mean_days(dur_sum, periods);
    } else {
        // backtesting.py then reports the non-zero drawdown values themselves here.
        let avg = if nonzero_count > 0 { nonzero_sum / nonzero_count as f64 } else { f64::NAN };
        s.avg_drawdown = -avg * 100.0;
        s.max_drawdown_duration = nonzero_max;
        s.avg_drawdown_duration = avg;
    }

    // Beta: covariance of equity and market log returns over the market's variance, in one
    // pass: cov = Σ x·(y − ȳ) − x̄·Σ(y − ȳ). A flat bar has x = ln 1 = 0, so no log is taken.
    if n > 2 {
        let m = (n - 1) as f64;
        let (mut sum_x, mut sum_xy, mut sum_y) = (0.0, 0.0, 0.0);
        for (w, &y) in equity.windows(2).zip(&ctx.market_centered[..n - 1]) {
            sum_y += y;
            if w[1] != w[0] {
                let x = (w[1] / w[0]).ln();
                sum_x += x;
                sum_xy += x * y;
            }
        }
        // numpy gives NaN once a log return is infinite (equity reached 0).
        s.beta = if sum_x.is_finite() { (sum_xy - sum_x / m * sum_y) / ctx.market_ss } else { f64::NAN };
    } else {
        s.beta = f64::NAN;
    }
    s.alpha = s.return_pct - rf * 100.0 - s.beta * (s.buy_hold_return - rf * 100.0);

    // Trade statistics.
    let k = trades.len();
    s.trades = k;
    if k == 0 {
        for v in [
            &mut s.win_rate,
            &mut s.best_trade,
            &mut s.worst_trade,
            &mut s.avg_trade,
            &mut s.max_trade_duration,
            &mut s.avg_trade_duration,
            &mut s.profit_factor,
            &mut s.expectancy,
            &mut s.sqn,
            &mut s.kelly,
        ] {
            *v = f64::NAN;
        }
        return s;
    }
    let kf = k as f64;
    let (mut wins, mut best, mut worst, mut ret_sum, mut pos_ret, mut neg_ret) = (0usize, f64::MIN, f64::MAX, 0.0, 0.0, 0.0);
    let (mut pl_sum, mut pos_pl, mut pos_n, mut neg_pl, mut neg_n) = (0.0, 0.0, 0usize, 0.0, 0usize);
    let (mut dur_sum, mut dur_max) = (0i128, i64::MIN);
    for t in trades {
        if t.pnl > 0.0 {
            wins += 1;
            pos_pl += t.pnl;
            pos_n += 1;
        } else if t.pnl < 0.0 {
            neg_pl += t.pnl;
            neg_n += 1;
        }
        pl_sum += t.pnl;
        best = best.max(t.return_pct);
        worst = worst.min(t.return_pct);
        ret_sum += t.return_pct;
        if t.return_pct > 0.0 {
            pos_ret += t.return_pct;
        } else if t.return_pct < 0.0 {
            neg_ret += t.return_pct;
        }
        dur_sum += i128::from(t.duration_ms());
        dur_max = dur_max.max(t.duration_ms());
    }
    let win_rate = wins as f64 / kf;
    s.win_rate = win_rate * 100.0;
    s.best_trade = best * 100.0;
    s.worst_trade = worst * 100.0;
    s.avg_trade = geometric_mean(trades.iter().map(|t| t.return_pct)) * 100.0;
    s.max_trade_duration = ctx.round_days(dur_max.saturating_mul(NS_PER_MS));
    s.avg_trade_duration = ctx.round_mean_days(dur_sum, k);
    s.profit_factor = pos_ret / or_nan(neg_ret.abs());
    s.expectancy = ret_sum / kf * 100.0;
    let pl_mean = pl_sum / kf;
    let pl_std = if k > 1 {
        (trades.iter().map(|t| (t.pnl - pl_mean) * (t.pnl - pl_mean)).sum::<f64>() / (kf - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    s.sqn = kf.sqrt() * pl_mean / or_nan(pl_std);
    let avg_win = if pos_n > 0 { pos_pl / pos_n as f64 } else { f64::NAN };
    let avg_loss = if neg_n > 0 { neg_pl / neg_n as f64 } else { f64::NAN };
    s.kelly = win_rate - (1.0 - win_rate) / (avg_win / -avg_loss);
    s
}
