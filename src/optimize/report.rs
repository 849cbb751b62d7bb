//! The result object of `optimize`: `{best: {params, value, stats}, results: [{params, value}],
//! top, summary, heatmap?, status, ...}`, built from an `Outcome`.

use super::aggregate::{summarize, Summary};
use super::engine::{Evaluation, Outcome};
use super::export::{executive_summary, to_csv, to_json};
use super::heatmap::{heatmap, Heatmap};
use crate::Result;
use super::params::Params;
use super::search::Candidates;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::sync::Arc;

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

/// One compact row per combination. Parameters are rebuilt from the candidate list while
/// serializing, so a million-row result never holds a million parameter objects at once.
#[derive(Debug, Clone)]
pub struct ResultRows {
    candidates: Arc<Candidates>,
    rows: Vec<(usize, f64, Option<&'static str>)>,
}

impl ResultRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<ResultRow> {
        self.rows.get(i).map(|&(ordinal, value, error)| ResultRow { params: self.candidates.params(ordinal), value, error })
    }

    pub fn iter(&self) -> impl Iterator<Item = ResultRow> + '_ {
        (0..self.rows.len()).filter_map(|i| self.get(i))
    }
}

impl PartialEq for ResultRows {
    fn eq(&self, other: &Self) -> bool {
        self.rows.len() == other.rows.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Serialize for ResultRows {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for row in self.iter() {
            seq.serialize_element(&row)?;
        }
        seq.end()
    }
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
    pub results: ResultRows,
    /// The K best with full stats, best first.
    pub top: Vec<Best>,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heatmap: Option<Heatmap>,
    /// Plain-text executive summary.
    pub text: String,
    /// One row per combination as CSV (`export: ['csv']`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    /// The JSON report as text (`export: ['json']`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json: Option<String>,
}

impl Report {
    pub fn new(strategy: &str, out: &Outcome) -> Report {
        let top: Vec<Best> = out
            .top
            .iter()
            .map(|e| Best { params: e.params.clone(), value: e.value, stats: e.stats.clone() })
            .collect();
        let summary = summarize(strategy, out);
        let text = executive_summary(std::slice::from_ref(&summary), None);
        Report {
            strategy: strategy.to_string(),
            status: out.status.as_str(),
            complete: out.status == super::engine::Status::Complete,
            best: top.first().cloned(),
            results: ResultRows {
                candidates: out.candidates.clone(),
                rows: out.rows.iter().map(|r| (r.ordinal, r.value, r.error.map(|c| c.as_str()))).collect(),
            },
            top,
            heatmap: heatmap(out),
            text,
            csv: None,
            json: None,
            summary,
        }
    }

    /// Adds the requested exports (CSV of every row, JSON report text).
    pub fn with_exports(mut self, out: &Outcome, csv: bool, json: bool) -> Result<Report> {
        if csv {
            self.csv = Some(to_csv(out)?);
        }
        if json {
            self.json = Some(to_json(out, &self.summary).to_string());
        }
        Ok(self)
    }
}
