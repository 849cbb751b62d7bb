//! Feature sets: several indicators computed over one series into a named columnar table
//! (the seeds' `compute_features`).

use super::params::{Params, Resolved};
use super::{catalogue, compute, Inputs};
use crate::series::Ohlcv;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// One requested indicator: `{ name: "RSI", params: { timeperiod: 14 }, alias: "rsi14" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    pub name: String,
    #[serde(default)]
    pub params: Params,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

impl FeatureSpec {
    pub fn new(name: &str, params: Params) -> Self {
        FeatureSpec {
            name: name.to_string(),
            params,
            alias: None,
        }
    }
    pub fn alias(mut self, alias: &str) -> Self {
        self.alias = Some(alias.to_string());
        self
    }
}

/// Named columns aligned with `time`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureTable {
    pub time: Vec<i64>,
    pub columns: Vec<(String, Vec<f64>)>,
}

impl FeatureTable {
    pub fn get(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }
}

/// Default column stem: the name and every parameter value in declaration order,
/// `RSI_14`, `MACD_12_26_9`, `BBANDS_20_2_2_0`, `BOP`.
fn stem(spec: &FeatureSpec) -> Result<String> {
    let entry = catalogue::find(&spec.name)?;
    let resolved = Resolved::new(entry.name, entry.params, &spec.params)?;
    let mut s = entry.name.to_string();
    for (_, v) in resolved.values() {
        s.push('_');
        s.push_str(&format!("{v}"));
    }
    Ok(s)
}

/// Computes every spec over `data`. Single-output indicators give one column named by the
/// alias or the default stem; multi-output ones give `stem.output` columns. Duplicate
/// column names are an INVALID_INPUT error (give an alias).
pub fn features(data: &Ohlcv, specs: &[FeatureSpec]) -> Result<FeatureTable> {
    let inputs = Inputs::from_ohlcv(data);
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let outputs =
            compute(&spec.name, &inputs, &spec.params).map_err(|e| e.with("feature", i))?;
        let base = match &spec.alias {
            Some(a) if !a.is_empty() => a.clone(),
            _ => stem(spec)?,
        };
        let single = outputs.columns.len() == 1;
        for (out_name, values) in outputs.into_columns() {
            let name = if single {
                base.clone()
            } else {
                format!("{base}.{out_name}")
            };
            if columns.iter().any(|(n, _)| *n == name) {
                return Err(Error::invalid_input(format!(
                    "feature {i} produces column '{name}', which an earlier feature already produced; give it an alias"
                ))
                .with("feature", i)
                .with("column", name));
            }
            columns.push((name, values));
        }
    }
    Ok(FeatureTable {
        time: data.time.clone(),
        columns,
    })
}
