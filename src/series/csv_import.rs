//! CSV → `Ohlcv`. Accepts the common layouts: backtesting.py's (`,Open,High,Low,Close,Volume`,
//! the date as an unnamed first column), Yahoo's (`Date,Open,High,Low,Close,Adj Close,Volume`),
//! any header case, ISO dates / date-times, epoch seconds or milliseconds, `,` or `;`
//! delimiters and an optional volume column. Errors name the row (1-based line of the file)
//! and the column.

use super::Ohlcv;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Header names accepted for the timestamp column (compared case-insensitively).
const TIME_NAMES: [&str; 7] = ["date", "time", "datetime", "timestamp", "date_time", "ts", "index"];

struct Layout {
    time: usize,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    volume: Option<usize>,
}

pub fn parse_csv(text: &str) -> Result<Ohlcv> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::invalid_input("the CSV text is empty").with("rows", 0));
    }
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid_input(format!("could not read the CSV header: {e}")).with("row", 1))?
        .clone();
    let layout = find_layout(&headers)?;

    let mut time = Vec::new();
    let (mut open, mut high, mut low, mut close, mut volume) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut record = csv::StringRecord::new();
    let mut line = 1usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(line + 1);
                return Err(Error::invalid_input(format!("row {row}: malformed CSV record: {e}"))
                    .with("row", row));
            }
        }
        line = record.position().map(|p| p.line() as usize).unwrap_or(line + 1);
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("");
        time.push(parse_time(field(layout.time), line, &headers[layout.time])?);
        open.push(parse_number(field(layout.open), line, "open")?);
        high.push(parse_number(field(layout.high), line, "high")?);
        low.push(parse_number(field(layout.low), line, "low")?);
        close.push(parse_number(field(layout.close), line, "close")?);
        if let Some(v) = layout.volume {
            let raw = field(v);
            // Some exports leave volume blank on holidays; a blank volume is no volume.
            volume.push(if raw.is_empty() { 0.0 } else { parse_number(raw, line, "volume")? });
        }
    }
    if time.is_empty() {
        return Err(Error::invalid_input("the CSV has a header but no data rows").with("rows", 0));
    }
    Ohlcv::new(time, open, high, low, close, volume).map_err(|e| to_file_row(e))
}

/// `Ohlcv::new` reports 0-based bar indices; in a file users think in lines (header = 1).
fn to_file_row(mut e: Error) -> Error {
    if let Some(row) = e.detail("row").and_then(|v| v.as_u64()) {
        let line = row + 2;
        e.message = e.message.replacen(&format!("row {row}"), &format!("row {line}"), 1);
        e.details.insert("row".into(), line.into());
        e.details.insert("bar".into(), row.into());
    }
    e
}

/// `;` when the header line has more semicolons than commas, else `,`.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn find_layout(headers: &csv::StringRecord) -> Result<Layout> {
    let names: Vec<String> = headers.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    let time = find(&TIME_NAMES).or_else(|| {
        // backtesting.py / pandas: the index is written as an unnamed first column.
        names.first().filter(|n| n.is_empty() || n.starts_with("unnamed")).map(|_| 0)
    });
    let required = [
        ("time", time),
        ("open", find(&["open", "o"])),
        ("high", find(&["high", "h"])),
        ("low", find(&["low", "l"])),
        ("close", find(&["close", "c"])),
    ];
    let missing: Vec<&str> = required.iter().filter(|(_, i)| i.is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        return Err(Error::invalid_input(format!(
            "missing column(s) {}: the header needs a date/time column (or an unnamed first column) and Open, High, Low, Close (Volume optional)",
            missing.join(", ")
        ))
        .with("row", 1)
        .with("missing", missing)
        .with("header", names));
    }
    let idx = |k: usize| required[k].1.unwrap_or(0);
    Ok(Layout {
        time: idx(0),
        open: idx(1),
        high: idx(2),
        low: idx(3),
        close: idx(4),
        volume: find(&["volume", "vol", "v"]),
    })
}

fn parse_number(raw: &str, row: usize, column: &str) -> Result<f64> {
    let value: f64 = raw.parse().map_err(|_| {
        Error::invalid_input(format!("row {row}, column '{column}': '{raw}' is not a number"))
            .with("row", row)
            .with("column", column)
            .with("value", raw)
    })?;
    if !value.is_finite() {
        return Err(Error::invalid_input(format!(
            "row {row}, column '{column}': '{raw}' is not a finite number"
        ))
        .with("row", row)
        .with("column", column)
        .with("value", raw));
    }
    Ok(value)
}

/// Milliseconds since the Unix epoch (UTC). Numbers below 1e11 are epoch seconds, larger
/// ones epoch milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
fn parse_time(raw: &str, row: usize, column: &str) -> Result<i64> {
    let bad = || {
        Error::invalid_input(format!(
            "row {row}, column '{column}': '{raw}' is not a date (expected ISO 8601 like 2024-01-31 or 2024-01-31T09:30:00, or epoch seconds/milliseconds)"
        ))
        .with("row", row)
        .with("column", column)
        .with("value", raw)
    };
    if raw.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = raw.parse::<f64>() {
        if !n.is_finite() {
            return Err(bad());
        }
        let ms = if n.abs() < 1e11 { n * 1000.0 } else { n };
        return Ok(ms.round() as i64);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return Ok(dt.timestamp_millis());
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M:%S"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(raw, fmt) {
            return Ok(dt.and_utc().timestamp_millis());
        }
    }
    // "2024-01-31 09:30:00+00:00" (pandas with a timezone)
    for fmt in ["%Y-%m-%d %H:%M:%S%:z", "%Y-%m-%d %H:%M:%S%.f%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(raw, fmt) {
            return Ok(dt.timestamp_millis());
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(raw, fmt) {
            return Ok(d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().timestamp_millis()).ok_or_else(bad)?);
        }
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn backtesting_py_layout() {
        let d = parse_csv(",Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n2004-08-20,101.01,109.08,100.5,108.31,11428600\n").expect("parses");
        assert_eq!(d.len(), 2);
        assert_eq!(d.time[1] - d.time[0], DAY);
        assert_eq!(d.time[0], 1_092_873_600_000);
        assert_eq!(d.close, vec![100.34, 108.31]);
        assert_eq!(d.volume[0], 22351900.0);
    }

    #[test]
    fn yahoo_layout_semicolons_lowercase_no_volume() {
        let y = parse_csv("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,11,9,10.5,10.4,100\n").expect("yahoo");
        assert_eq!(y.close, vec![10.5]);
        let s = parse_csv("date;open;high;low;close\n2024-01-02T09:30:00;10;11;9;10.5\n2024-01-02T10:30:00;10;11;9;10.6\n").expect("semicolons");
        assert_eq!(s.volume, vec![0.0, 0.0]);
        assert_eq!(s.time[1] - s.time[0], 3_600_000);
    }

    #[test]
    fn epoch_seconds_and_millis_agree() {
        let a = parse_csv("timestamp,open,high,low,close\n1700000000,1,1,1,1\n").expect("s");
        let b = parse_csv("timestamp,open,high,low,close\n1700000000000,1,1,1,1\n").expect("ms");
        assert_eq!(a.time, b.time);
        let c = parse_csv("time,open,high,low,close\n2023-11-14T22:13:20Z,1,1,1,1\n").expect("rfc3339");
        assert_eq!(a.time, c.time);
    }

    #[test]
    fn errors_name_row_and_column() {
        let e = parse_csv("").unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_INPUT");
        let e = parse_csv("date,open,high,close\n2024-01-01,1,2,1\n").unwrap_err();
        assert!(e.message.contains("low"), "{}", e.message);
        let e = parse_csv("date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,x,1,1\n").unwrap_err();
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(3));
        assert_eq!(e.detail("column").and_then(|v| v.as_str()), Some("high"));
        let e = parse_csv("date,open,high,low,close\n2024-01-01,1,2,1,NaN\n").unwrap_err();
        assert_eq!(e.detail("column").and_then(|v| v.as_str()), Some("close"));
        let e = parse_csv("date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,1,2,1\n").unwrap_err();
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(3), "{}", e.message);
        let e = parse_csv("date,open,high,low,close\n2024-01-02,1,2,1,1\n2024-01-01,1,2,1,1\n").unwrap_err();
        assert!(e.message.contains("sorted"));
        let e = parse_csv("date,open,high,low,close\n2024-01-02,1,2,1,1\n2024-01-02,1,2,1,1\n").unwrap_err();
        assert!(e.message.contains("duplicate"));
        let e = parse_csv("date,open,high,low,close\n2024-01-02,-1,2,1,1\n").unwrap_err();
        assert!(e.message.contains("positive"));
        let e = parse_csv("date,open,high,low,close\nyesterday,1,2,1,1\n").unwrap_err();
        assert_eq!(e.detail("column").and_then(|v| v.as_str()), Some("date"));
        let e = parse_csv("date,open,high,low,close\n2024-01-02,1,2,1\n").unwrap_err();
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(2), "{}", e.message);
        assert!(parse_csv("date,open,high,low,close\n").is_err());
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn real_goog_file_parses() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/GOOG.csv");
        let text = std::fs::read_to_string(path).expect("bundled sample");
        let d = parse_csv(&text).expect("GOOG parses");
        assert_eq!(d.len(), 2148);
        assert_eq!(d.close[d.len() - 1], 806.19);
    }
}
