//! Test helpers: load the shared market data and reference files.
#![allow(dead_code)]

use stratlab::series::Ohlcv;

#[path = "../fixture_io/mod.rs"]
mod fixture_io;
pub use fixture_io::{fixtures_dir, read_fixture};

/// Path of fixture `path` (plain files only; use [`read_fixture`] for text that may be gzipped).
pub fn shared(path: &str) -> String {
    fixtures_dir().join(path).to_string_lossy().into_owned()
}

/// `2004-08-19` or `2017-04-19 09:00:00` → ms since the epoch (UTC).
pub fn parse_time(s: &str) -> i64 {
    let s = s.trim();
    let dt = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).expect("midnight")))
        .unwrap_or_else(|e| panic!("bad time {s}: {e}"));
    dt.and_utc().timestamp_millis()
}

/// A CSV of the data fixtures, read with the product's own parser (`Ohlcv.fromCsv`).
pub fn load_ohlcv(name: &str) -> Ohlcv {
    let text = read_fixture(&format!("data/{name}.csv"));
    stratlab::series::parse_csv(&text).expect("valid data")
}

pub fn read_json(path: &str) -> serde_json::Value {
    let text = read_fixture(path);
    serde_json::from_str(&text).expect("json")
}

/// Relative closeness with NaN == NaN.
pub fn close_rel(a: f64, b: f64, tol: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    a == b || (a - b).abs() <= tol * a.abs().max(b.abs())
}
