//! Exports: one CSV row per combination, the JSON report, and a plain-text executive summary.

use super::aggregate::{Overall, Summary};
use super::engine::{Outcome, TRACKED};
use crate::{Error, Result};
use std::fmt::Write as _;

/// CSV: parameter columns, `value` (the objective), the tracked stats, `error`.
pub fn to_csv(out: &Outcome) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let space = &out.candidates.space;
    let mut header: Vec<String> = space.names.iter().cloned().collect();
    header.push("value".into());
    header.extend(TRACKED.iter().map(|s| s.to_string()));
    header.push("error".into());
    let csv_err = |e: csv::Error| Error::new(crate::ErrorCode::Internal, format!("CSV export failed: {e}"));
    w.write_record(&header).map_err(csv_err)?;
    for r in &out.rows {
        let mut rec: Vec<String> = out.candidates.values(r.ordinal).iter().map(|v| v.to_string()).collect();
        rec.push(fmt_num(r.value));
        rec.extend(r.metrics.iter().map(|&m| fmt_num(m)));
        rec.push(r.error.map(|c| c.as_str().to_string()).unwrap_or_default());
        w.write_record(&rec).map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::new(crate::ErrorCode::Internal, format!("CSV export failed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::new(crate::ErrorCode::Internal, format!("CSV export failed: {e}")))
}

/// Empty for NaN (like pandas' to_csv), shortest round-trip form otherwise.
fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// The JSON report: summary plus one row per combination.
pub fn to_json(out: &Outcome, summary: &Summary) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = out
        .rows
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::new();
            o.insert("params".into(), serde_json::Value::Object(out.params(r).to_json()));
            o.insert("value".into(), num(r.value));
            for (k, &m) in TRACKED.iter().zip(&r.metrics) {
                if m.is_finite() {
                    o.insert((*k).into(), num(m));
                }
            }
            if let Some(c) = r.error {
                o.insert("error".into(), c.as_str().into());
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::json!({
        "summary": serde_json::to_value(summary).unwrap_or(serde_json::Value::Null),
        "rows": rows,
    })
}

fn num(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
}

/// A short plain-text report for people: what ran, what won, how reliable it looks.
pub fn executive_summary(summaries: &[Summary], overall: Option<&Overall>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "OPTIMIZATION SUMMARY");
    if let Some(o) = overall {
        let _ = writeln!(
            s,
            "{} strategies, {} of {} combinations evaluated ({:.1}% succeeded) in {:.2} s ({:.0} combinations/s).",
            o.strategies,
            o.count,
            o.total,
            o.success_rate * 100.0,
            o.efficiency.runtime_ms / 1000.0,
            o.efficiency.combinations_per_second
        );
        if let Some(top) = o.ranking.first() {
            let _ = writeln!(s, "Best strategy: {} ({}) with {} = {:.6}.", top.strategy, top.params, top.objective, top.value);
        }
    }
    for sm in summaries {
        let _ = writeln!(s);
        let dir = if sm.maximize { "maximizing" } else { "minimizing" };
        let _ = writeln!(
            s,
            "{}: {} of {} combinations ({:.1}% succeeded, {}), {dir} {}.",
            sm.strategy,
            sm.count,
            sm.total,
            sm.success_rate * 100.0,
            sm.status,
            sm.objective
        );
        match &sm.best {
            Some(b) => {
                let _ = writeln!(s, "  Best: {} → {} = {:.6}.", b.params, sm.objective, b.value);
            }
            None => {
                let _ = writeln!(s, "  No successful combination.");
            }
        }
        if let Some(m) = sm.metrics.first() {
            let _ = writeln!(
                s,
                "  {}: median {:.4}, quartiles {:.4} – {:.4}, range {:.4} – {:.4}.",
                m.metric, m.stats.median, m.stats.q1, m.stats.q3, m.stats.min, m.stats.max
            );
        }
        let c = &sm.categories;
        let _ = writeln!(
            s,
            "  Quality: {} Excellent, {} Good, {} Average, {} Poor.",
            c.excellent, c.good, c.average, c.poor
        );
        for r in &sm.recommendations {
            let _ = writeln!(s, "  ! {}", r.message);
        }
        for e in &sm.errors {
            let _ = writeln!(s, "  Errors {}: {} (e.g. {})", e.code, e.count, e.example);
        }
    }
    s
}
