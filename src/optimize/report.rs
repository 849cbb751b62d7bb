//! The result object of `optimize`: `{best: {params, value, stats}, results: [{params, value}],
//! top, summary, heatmap?, status, ...}`, built from an `Outcome`.

use super::aggregate::{summarize, Summary};
use super::engine::{Evaluation, Outcome};
use super::heatmap::{heatmap, Heatmap};
use super::params::Params;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    pub params: Params,
    pub value: f64,
    pub stats: Evaluation,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    pub params: Params,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub strategy: String,
    /// `complete`, `timeout` or `cancelled` (partial results).
    pub status: &'static str,
    pub complete: bool,
    pub best: Option<Best>,
    /// One compact row per evaluated combination, in evaluation order.
    pub results: Vec<ResultRow>,
    /// The K best with full stats, best first.
    pub top: Vec<Best>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heatmap: Option<Heatmap>,
}

impl Report {
    pub fn new(strategy: &str, out: &Outcome) -> Report {
        let top: Vec<Best> = out
            .top
            .iter()
            .map(|e| Best { params: e.params.clone(), value: e.value, stats: e.stats.clone() })
            .collect();
        Report {
            strategy: strategy.to_string(),
            status: out.status.as_str(),
            complete: out.status == super::engine::Status::Complete,
            best: top.first().cloned(),
            results: out
                .rows
                .iter()
                .map(|r| ResultRow { params: out.params(r), value: r.value, error: r.error.map(|c| c.as_str()) })
                .collect(),
            top,
            summary: summarize(strategy, out),
            heatmap: heatmap(out),
        }
    }
}
