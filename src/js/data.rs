//! `Ohlcv` for JS: `Ohlcv.fromCsv(text)`, `Ohlcv.fromColumns({...})`, columns as Float64Array.

use super::convert::{f64_array, f64_vec, string_arg, to_js};
use super::errors::{invalid_input, JsResult};
use crate::series::{self, Ohlcv};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = Ohlcv)]
pub struct JsOhlcv {
    inner: Ohlcv,
}

impl JsOhlcv {
    pub fn inner(&self) -> &Ohlcv {
        &self.inner
    }
    pub fn from_inner(inner: Ohlcv) -> Self {
        JsOhlcv { inner }
    }
}

#[derive(Serialize)]
struct Summary {
    bars: usize,
    start: i64,
    end: i64,
    #[serde(rename = "startIso")]
    start_iso: String,
    #[serde(rename = "endIso")]
    end_iso: String,
    #[serde(rename = "firstClose")]
    first_close: f64,
    #[serde(rename = "lastClose")]
    last_close: f64,
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[wasm_bindgen(js_class = Ohlcv)]
impl JsOhlcv {
    /// Parses CSV text (backtesting.py, Yahoo and similar layouts). Errors are INVALID_INPUT
    /// with `details.row` and `details.column`.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(text: &JsValue) -> JsResult<JsOhlcv> {
        let text = string_arg(text, "text")?;
        Ok(JsOhlcv { inner: series::parse_csv(&text)? })
    }

    /// From `{time, open, high, low, close, volume?}`: typed arrays or number arrays; `time`
    /// in epoch milliseconds.
    #[wasm_bindgen(js_name = fromColumns)]
    pub fn from_columns(columns: &JsValue) -> JsResult<JsOhlcv> {
        if !columns.is_object() {
            return Err(invalid_input("fromColumns expects an object {time, open, high, low, close, volume?}"));
        }
        let get = |name: &str| js_sys::Reflect::get(columns, &name.into()).unwrap_or(JsValue::UNDEFINED);
        let required = |name: &str| -> JsResult<Vec<f64>> {
            let v = get(name);
            if v.is_undefined() || v.is_null() {
                return Err(crate::Error::invalid_input(format!("missing column '{name}'"))
                    .with("column", name)
                    .into());
            }
            f64_vec(&v, name)
        };
        let time_f = required("time")?;
        let mut time = Vec::with_capacity(time_f.len());
        for (row, t) in time_f.iter().enumerate() {
            if !t.is_finite() {
                return Err(crate::Error::invalid_input(format!("row {row}, column 'time': {t} is not a timestamp"))
                    .with("row", row)
                    .with("column", "time")
                    .into());
            }
            time.push(t.round() as i64);
        }
        let volume = match get("volume") {
            v if v.is_undefined() || v.is_null() => Vec::new(),
            v => f64_vec(&v, "volume")?,
        };
        let inner = Ohlcv::new(time, required("open")?, required("high")?, required("low")?, required("close")?, volume)?;
        Ok(JsOhlcv { inner })
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }
    /// Epoch milliseconds (exact for any date a market has traded on).
    #[wasm_bindgen(getter)]
    pub fn time(&self) -> js_sys::Float64Array {
        let t: Vec<f64> = self.inner.time.iter().map(|&t| t as f64).collect();
        f64_array(&t)
    }
    #[wasm_bindgen(getter)]
    pub fn open(&self) -> js_sys::Float64Array {
        f64_array(&self.inner.open)
    }
    #[wasm_bindgen(getter)]
    pub fn high(&self) -> js_sys::Float64Array {
        f64_array(&self.inner.high)
    }
    #[wasm_bindgen(getter)]
    pub fn low(&self) -> js_sys::Float64Array {
        f64_array(&self.inner.low)
    }
    #[wasm_bindgen(getter)]
    pub fn close(&self) -> js_sys::Float64Array {
        f64_array(&self.inner.close)
    }
    #[wasm_bindgen(getter)]
    pub fn volume(&self) -> js_sys::Float64Array {
        f64_array(&self.inner.volume)
    }

    /// Aggregates to a coarser timeframe such as `'4h'` or `'1d'` (UTC buckets).
    pub fn resample(&self, timeframe: &JsValue) -> JsResult<JsOhlcv> {
        let ms = series::parse_timeframe(&string_arg(timeframe, "timeframe")?)?;
        Ok(JsOhlcv { inner: series::resample(&self.inner, ms)? })
    }

    /// Bars `[start, end)`.
    pub fn slice(&self, start: usize, end: usize) -> JsOhlcv {
        JsOhlcv { inner: self.inner.slice(start, end) }
    }

    /// `{bars, start, end, startIso, endIso, firstClose, lastClose}`.
    pub fn summary(&self) -> JsResult<JsValue> {
        let d = &self.inner;
        let n = d.len();
        let (start, end) = (d.time.first().copied().unwrap_or(0), d.time.last().copied().unwrap_or(0));
        to_js(&Summary {
            bars: n,
            start,
            end,
            start_iso: iso(start),
            end_iso: iso(end),
            first_close: d.close.first().copied().unwrap_or(f64::NAN),
            last_close: d.close.last().copied().unwrap_or(f64::NAN),
        })
    }

    /// Plain columns `{time, open, high, low, close, volume}` (copies).
    #[wasm_bindgen(js_name = toColumns)]
    pub fn to_columns(&self) -> JsResult<JsValue> {
        let obj = js_sys::Object::new();
        let set = |k: &str, v: JsValue| js_sys::Reflect::set(&obj, &k.into(), &v).map(|_| ());
        set("time", self.time().into())?;
        set("open", self.open().into())?;
        set("high", self.high().into())?;
        set("low", self.low().into())?;
        set("close", self.close().into())?;
        set("volume", self.volume().into())?;
        Ok(obj.into())
    }
}

/// The package version and which build this is.
#[wasm_bindgen(js_name = buildInfo)]
pub fn build_info() -> JsResult<JsValue> {
    #[derive(Serialize)]
    struct Info {
        version: &'static str,
        threads: bool,
    }
    to_js(&Info { version: env!("CARGO_PKG_VERSION"), threads: cfg!(feature = "threads") })
}
