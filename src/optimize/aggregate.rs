//! Aggregation of optimization results (the seed's ResultAggregator): descriptive statistics
//! per metric, ranking, quality categories, efficiency, recommendations and an error report,
//! per strategy and overall. Exports (CSV, JSON, text summary) live in `export`.

use super::engine::{Outcome, Status, TRACKED, TRADES};
use super::params::Params;
use serde::Serialize;

/// Category thresholds on the Sharpe Ratio (used when the evaluations report it).
pub const SHARPE_EXCELLENT: f64 = 1.5;
pub const SHARPE_GOOD: f64 = 1.0;
pub const SHARPE_AVERAGE: f64 = 0.5;
/// Fallback thresholds on the total return in percent (when there is no Sharpe Ratio).
pub const RETURN_EXCELLENT: f64 = 50.0;
pub const RETURN_GOOD: f64 = 20.0;
pub const RETURN_AVERAGE: f64 = 0.0;
/// Fewer trades than this behind the best result → recommendation.
pub const MIN_TRADES: f64 = 10.0;
/// Coefficient of variation (std / |mean|) of the objective above this → recommendation.
pub const HIGH_VARIANCE_CV: f64 = 1.0;
/// Share of failed evaluations above this → recommendation.
pub const HIGH_FAILURE_RATE: f64 = 0.1;
/// Combinations listed in a ranking.
pub const RANKING_SIZE: usize = 10;

/// count, mean, std (sample, n−1), min, quartiles (linear interpolation, like pandas), max.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Describe {
    pub count: usize,
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

impl Describe {
    /// Statistics of the finite values; None when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Describe> {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let std = if n > 1 {
            (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        Some(Describe {
            count: n,
            mean,
            std,
            min: v[0],
            q1: quantile(&v, 0.25),
            median: quantile(&v, 0.5),
            q3: quantile(&v, 0.75),
            max: v[n - 1],
        })
    }
}

/// Quantile of sorted values with linear interpolation (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (sorted[lo.min(sorted.len() - 1)], sorted[hi.min(sorted.len() - 1)]);
    a + (b - a) * (pos - lo as f64)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummary {
    pub metric: String,
    #[serde(flatten)]
    pub stats: Describe,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub rank: usize,
    pub params: Params,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Categories {
    #[serde(rename = "Excellent")]
    pub excellent: usize,
    #[serde(rename = "Good")]
    pub good: usize,
    #[serde(rename = "Average")]
    pub average: usize,
    #[serde(rename = "Poor")]
    pub poor: usize,
}

impl Categories {
    fn add(&mut self, o: &Categories) {
        self.excellent += o.excellent;
        self.good += o.good;
        self.average += o.average;
        self.poor += o.poor;
    }
}

/// Which category one combination falls in (failed evaluations are Poor).
pub fn category(sharpe: f64, return_pct: f64) -> &'static str {
    if sharpe.is_finite() {
        if sharpe >= SHARPE_EXCELLENT {
            "Excellent"
        } else if sharpe >= SHARPE_GOOD {
            "Good"
        } else if sharpe >= SHARPE_AVERAGE {
            "Average"
        } else {
            "Poor"
        }
    } else if return_pct.is_finite() {
        if return_pct >= RETURN_EXCELLENT {
            "Excellent"
        } else if return_pct >= RETURN_GOOD {
            "Good"
        } else if return_pct >= RETURN_AVERAGE {
            "Average"
        } else {
            "Poor"
        }
    } else {
        "Poor"
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Efficiency {
    pub runtime_ms: f64,
    pub combinations_per_second: f64,
    pub ms_per_combination: f64,
}

impl Efficiency {
    fn new(done: usize, runtime_ms: f64) -> Self {
        let secs = runtime_ms / 1000.0;
        Efficiency {
            runtime_ms,
            combinations_per_second: if secs > 0.0 { done as f64 / secs } else { f64::INFINITY },
            ms_per_combination: if done > 0 { runtime_ms / done as f64 } else { f64::NAN },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorClass {
    pub code: &'static str,
    pub count: usize,
    pub example: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    /// `edge_of_grid`, `few_trades`, `high_variance`, `many_failures`, `incomplete`.
    pub kind: &'static str,
    pub message: String,
}

/// Aggregate of one optimization (one strategy).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub strategy: String,
    pub objective: String,
    pub maximize: bool,
    pub status: &'static str,
    pub total: usize,
    pub count: usize,
    pub succeeded: usize,
    pub success_rate: f64,
    pub best: Option<Ranked>,
    pub metrics: Vec<MetricSummary>,
    pub ranking: Vec<Ranked>,
    pub categories: Categories,
    pub efficiency: Efficiency,
    pub recommendations: Vec<Recommendation>,
    pub errors: Vec<ErrorClass>,
}

pub fn summarize(strategy: &str, out: &Outcome) -> Summary {
    let count = out.rows.len();
    let succeeded = out.rows.iter().filter(|r| r.error.is_none()).count();
    let mut metrics = Vec::new();
    if let Some(d) = Describe::of(out.rows.iter().map(|r| r.value)) {
        metrics.push(MetricSummary { metric: out.objective.key.clone(), stats: d });
    }
    for (j, k) in TRACKED.iter().enumerate() {
        if *k == out.objective.key {
            continue;
        }
        if let Some(d) = Describe::of(out.rows.iter().map(|r| r.metrics[j])) {
            metrics.push(MetricSummary { metric: k.to_string(), stats: d });
        }
    }
    // Ranking: every row by value (best first, ties by candidate order), failures excluded.
    let mut order: Vec<usize> = (0..count).filter(|&i| out.rows[i].error.is_none()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&out.rows[a], &out.rows[b]);
        if out.objective.better(ra.value, rb.value) {
            std::cmp::Ordering::Less
        } else if out.objective.better(rb.value, ra.value) {
            std::cmp::Ordering::Greater
        } else {
            ra.ordinal.cmp(&rb.ordinal)
        }
    });
    let ranking: Vec<Ranked> = order
        .iter()
        .take(RANKING_SIZE)
        .enumerate()
        .map(|(i, &r)| Ranked { rank: i + 1, params: out.params(&out.rows[r]), value: out.rows[r].value })
        .collect();
    let mut categories = Categories::default();
    let sharpe_i = TRACKED.iter().position(|k| *k == "Sharpe Ratio").unwrap_or(1);
    let ret_i = TRACKED.iter().position(|k| *k == "Return [%]").unwrap_or(0);
    let tot_i = TRACKED.iter().position(|k| *k == "Total Return").unwrap_or(5);
    for r in &out.rows {
        let ret = if r.metrics[ret_i].is_finite() { r.metrics[ret_i] } else { r.metrics[tot_i] * 100.0 };
        let c = if r.error.is_some() { "Poor" } else { category(r.metrics[sharpe_i], ret) };
        match c {
            "Excellent" => categories.excellent += 1,
            "Good" => categories.good += 1,
            "Average" => categories.average += 1,
            _ => categories.poor += 1,
        }
    }
    let mut errors: Vec<ErrorClass> = out
        .errors
        .by_code
        .iter()
        .map(|(c, n, m)| ErrorClass { code: c.as_str(), count: *n, example: m.clone() })
        .collect();
    // Most frequent class first; equal counts by code, so the report is stable.
    errors.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    let recommendations = recommend(out, &metrics, count, succeeded);
    Summary {
        strategy: strategy.to_string(),
        objective: out.objective.key.clone(),
        maximize: out.objective.maximize,
        status: out.status.as_str(),
        total: out.total(),
        count,
        succeeded,
        success_rate: if count > 0 { succeeded as f64 / count as f64 } else { 0.0 },
        best: ranking.first().cloned(),
        metrics,
        ranking,
        categories,
        efficiency: Efficiency::new(count, out.elapsed_ms),
        recommendations,
        errors,
    }
}

fn recommend(out: &Outcome, metrics: &[MetricSummary], count: usize, succeeded: usize) -> Vec<Recommendation> {
    let mut recs = Vec::new();
    if out.status != Status::Complete {
        recs.push(Recommendation {
            kind: "incomplete",
            message: format!(
                "the run stopped ({}) after {count} of {} combinations: results are partial",
                out.status.as_str(),
                out.total()
            ),
        });
    }
    if let Some(best) = out.best() {
        // Edge of the grid: the optimum may lie beyond the searched range.
        if let Some(idx) = out.candidates.grid_index(best.ordinal) {
            let space = &out.candidates.space;
            let coords = space.grid_coords(idx);
            for ((name, dim), c) in space.names.iter().zip(&space.dims).zip(coords) {
                let n = dim.len().unwrap_or(1);
                if n >= 3 && (c == 0 || c == n - 1) {
                    let side = if c == 0 { "lower" } else { "upper" };
                    recs.push(Recommendation {
                        kind: "edge_of_grid",
                        message: format!(
                            "the best {name} = {} is on the {side} edge of the grid: extend {name}'s range past it",
                            dim.value(c)
                        ),
                    });
                }
            }
        }
        let trades = best.stats.metric("# Trades");
        let row_trades = out.rows.iter().find(|r| r.ordinal == best.ordinal).map(|r| r.metrics[TRADES]);
        let trades = if trades.is_finite() { trades } else { row_trades.unwrap_or(f64::NAN) };
        if trades.is_finite() && trades < MIN_TRADES {
            recs.push(Recommendation {
                kind: "few_trades",
                message: format!(
                    "the best result rests on {trades} trades (fewer than {MIN_TRADES}): it is statistically weak; use more data or a wider space"
                ),
            });
        }
    }
    if let Some(m) = metrics.first() {
        let cv = m.stats.std / m.stats.mean.abs();
        if m.stats.count > 2 && cv.is_finite() && cv > HIGH_VARIANCE_CV {
            recs.push(Recommendation {
                kind: "high_variance",
                message: format!(
                    "{} varies widely across parameters (std {:.4} vs mean {:.4}): the best may be overfit; confirm it with walk-forward",
                    m.metric, m.stats.std, m.stats.mean
                ),
            });
        }
    }
    if count > 0 {
        let failed = (count - succeeded) as f64 / count as f64;
        if failed > HIGH_FAILURE_RATE {
            recs.push(Recommendation {
                kind: "many_failures",
                message: format!(
                    "{:.0}% of the evaluations failed; see the error report and narrow the space",
                    failed * 100.0
                ),
            });
        }
    }
    recs
}

/// Aggregate over several strategies (a batch).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overall {
    pub strategies: usize,
    pub total: usize,
    pub count: usize,
    pub succeeded: usize,
    pub success_rate: f64,
    /// Strategies ranked by their best value (those with one), best first.
    pub ranking: Vec<StrategyRank>,
    pub categories: Categories,
    pub efficiency: Efficiency,
    pub errors: Vec<ErrorClass>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyRank {
    pub rank: usize,
    pub strategy: String,
    pub objective: String,
    pub params: Params,
    pub value: f64,
}

pub fn overall(summaries: &[Summary], wall_ms: f64) -> Overall {
    let total = summaries.iter().map(|s| s.total).sum();
    let count: usize = summaries.iter().map(|s| s.count).sum();
    let succeeded: usize = summaries.iter().map(|s| s.succeeded).sum();
    let mut categories = Categories::default();
    let mut errors: Vec<ErrorClass> = Vec::new();
    for s in summaries {
        categories.add(&s.categories);
        for e in &s.errors {
            match errors.iter_mut().find(|x| x.code == e.code) {
                Some(x) => x.count += e.count,
                None => errors.push(e.clone()),
            }
        }
    }
    errors.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    // Strategies compare by their best value; with mixed objectives or directions the ranking
    // still orders by value (documented), maximize treated as "higher is better".
    let mut best: Vec<(&Summary, &Ranked)> = summaries.iter().filter_map(|s| s.best.as_ref().map(|b| (s, b))).collect();
    best.sort_by(|a, b| {
        let (x, y) = (a.1.value, b.1.value);
        let flip = |s: &Summary, v: f64| if s.maximize { v } else { -v };
        flip(b.0, y).total_cmp(&flip(a.0, x))
    });
    let ranking = best
        .into_iter()
        .enumerate()
        .map(|(i, (s, b))| StrategyRank {
            rank: i + 1,
            strategy: s.strategy.clone(),
            objective: s.objective.clone(),
            params: b.params.clone(),
            value: b.value,
        })
        .collect();
    Overall {
        strategies: summaries.len(),
        total,
        count,
        succeeded,
        success_rate: if count > 0 { succeeded as f64 / count as f64 } else { 0.0 },
        ranking,
        categories,
        efficiency: Efficiency::new(count, wall_ms),
        errors,
    }
}
