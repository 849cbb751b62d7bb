//! Test helpers: load the shared market data and reference files.
#![allow(dead_code)]

use stratlab::series::Ohlcv;

pub const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");

pub fn shared(path: &str) -> String {
    format!("{SHARED}/{path}")
}

/// `2004-08-19` or `2017-04-19 09:00:00` → ms since the epoch (UTC).
pub fn parse_time(s: &str) -> i64 {
    let s = s.trim();
    let dt = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).expect("midnight")))
        .unwrap_or_else(|e| panic!("bad time {s}: {e}"));
    dt.and_utc().timestamp_millis()
}

/// Reads `,Open,High,Low,Close,Volume` (first column the date/time) CSVs from ../shared/data.
pub fn load_ohlcv(name: &str) -> Ohlcv {
    let mut rdr = csv::Reader::from_path(shared(&format!("data/{name}.csv"))).expect("data file");
    let (mut t, mut o, mut h, mut l, mut c, mut v) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.expect("csv row");
        let f = |i: usize| rec[i].parse::<f64>().expect("number");
        t.push(parse_time(&rec[0]));
        o.push(f(1));
        h.push(f(2));
        l.push(f(3));
        c.push(f(4));
        v.push(f(5));
    }
    Ohlcv::new(t, o, h, l, c, v).expect("valid data")
}

pub fn read_json(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(shared(path)).expect("reference file");
    serde_json::from_str(&text).expect("json")
}

/// Relative closeness with NaN == NaN.
pub fn close_rel(a: f64, b: f64, tol: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    a == b || (a - b).abs() <= tol * a.abs().max(b.abs())
}
