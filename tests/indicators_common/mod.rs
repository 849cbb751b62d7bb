//! Shared loaders for the indicator tests: market data, TA-Lib reference outputs, spec.json.
#![allow(dead_code)]

use stratlab::indicators::{Bar, Inputs, Params};

#[path = "../fixture_io/mod.rs"]
mod fixture_io;
pub use fixture_io::read_fixture;

/// OHLCV columns from `data/<SYM>.csv` (`,Open,High,Low,Close,Volume`).
pub struct Data {
    pub open: Vec<f64>,
    pub high: Vec<f64>,
    pub low: Vec<f64>,
    pub close: Vec<f64>,
    pub volume: Vec<f64>,
}

impl Data {
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            open: Some(&self.open),
            high: Some(&self.high),
            low: Some(&self.low),
            close: Some(&self.close),
            volume: Some(&self.volume),
            periods: None,
        }
    }
    pub fn bar(&self, i: usize) -> Bar {
        Bar {
            open: self.open[i],
            high: self.high[i],
            low: self.low[i],
            close: self.close[i],
            volume: self.volume[i],
            periods: f64::NAN,
        }
    }
    pub fn len(&self) -> usize {
        self.close.len()
    }
}

/// A CSV of the data fixtures, read with the product's own parser (`Ohlcv.fromCsv`).
pub fn load_data(sym: &str) -> Data {
    let text = read_fixture(&format!("data/{sym}.csv"));
    let d = stratlab::series::parse_csv(&text).unwrap_or_else(|e| panic!("data/{sym}.csv: {e}"));
    Data { open: d.open, high: d.high, low: d.low, close: d.close, volume: d.volume }
}

/// Reference columns `ID.output` from `reference/indicators/<SYM>.csv`; empty = NaN.
pub fn load_reference(sym: &str) -> Vec<(String, Vec<f64>)> {
    let text = read_fixture(&format!("reference/indicators/{sym}.csv"));
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .expect("headers")
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); headers.len()];
    for rec in rdr.records() {
        let rec = rec.expect("csv record");
        for (j, cell) in rec.iter().enumerate() {
            let cell = cell.trim();
            cols[j].push(if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse().expect("number")
            });
        }
    }
    headers.into_iter().zip(cols).collect()
}

/// `(id, function, params, outputs)` from spec.json.
pub fn load_spec() -> Vec<(String, String, Params, Vec<String>)> {
    let text = read_fixture("reference/indicators/spec.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|e| {
            let params: Params = e["params"]
                .as_object()
                .expect("params")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_f64().expect("param number")))
                .collect();
            let outputs = e["outputs"]
                .as_array()
                .expect("outputs")
                .iter()
                .map(|o| o.as_str().unwrap().to_string())
                .collect();
            (
                e["id"].as_str().unwrap().to_string(),
                e["function"].as_str().unwrap().to_string(),
                params,
                outputs,
            )
        })
        .collect()
}

/// Compares a column with TA-Lib's: same NaN positions, values within 1e-9 relative
/// (absolute 1e-9 × the column's largest magnitude near zero). Returns a description of
/// the first mismatch.
pub fn compare(label: &str, got: &[f64], want: &[f64]) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{label}: length {} vs {}", got.len(), want.len()));
    }
    let scale = want
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        if w.is_nan() != g.is_nan() {
            return Err(format!(
                "{label}: bar {i}: got {g}, want {w} (NaN position differs)"
            ));
        }
        if w.is_nan() {
            continue;
        }
        // 1e-9 relative; near zero an absolute floor of 1e-10 x the column's largest
        // magnitude (ten times stricter than the 1e-9 x column max).
        let tol = 1e-9 * w.abs() + 1e-10 * scale;
        if (g - w).abs() > tol && g != w {
            return Err(format!(
                "{label}: bar {i}: got {g:.17e}, want {w:.17e} (diff {:.3e}, tol {tol:.3e})",
                (g - w).abs()
            ));
        }
    }
    Ok(())
}
