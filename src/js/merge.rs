//! JS wrappers: `mergeSignals(outputs, config)` (the StrategyOutputMerger) and the signal
//! rules `tickerSignals(data, config?)` / `watchlistSignals({SYM: data}, config?)`.
//!
//! Conversion only: typed arrays are copied in one call (the fast path), plain arrays are
//! read cell by cell (strings, numbers, Dates); all rules live in `crate::merge` /
//! `crate::signals::rules`.

use super::convert::{f64_array, from_js};
use super::errors::JsResult;
use crate::merge::{self, MergeConfig, MergeResult, NamedOutputs, SignalFormat, StrategyOutput};
use crate::signals::Signal;
use crate::Error;
use js_sys::{Array, Float64Array, Int8Array, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `Float64Array.from(arrayLike)`: Number(x) per cell in one call; `catch` because a
    /// Symbol or BigInt cell throws.
    #[wasm_bindgen(js_namespace = Float64Array, js_name = from, catch)]
    fn float64_from(items: &JsValue) -> Result<Float64Array, JsValue>;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
export type SignalText = 'BUY' | 'SELL' | 'HOLD';
export interface StrategyOutput {
  timestamp?: Float64Array | ArrayLike<number | string | Date>;
  time?: Float64Array | ArrayLike<number | string | Date>;
  signal?: Int8Array | Float64Array | ArrayLike<string | number>;
  confidence?: Float64Array | ArrayLike<number>;
}
export interface MergeConfig {
  method?: 'weighted_vote' | 'majority' | 'priority';
  weights?: Record<string, number>;
  priority?: string[];
  use_confidence?: boolean; useConfidence?: boolean;
  signal_format?: 'auto' | 'string' | 'number'; signalFormat?: 'auto' | 'string' | 'number';
}
export interface MergeResult {
  timestamp: Float64Array;
  signal: SignalText[] | Int8Array;
  confidence: Float64Array;
  strategy_count: Uint32Array;
  strategy_used?: (string | null)[] | Int32Array;
  method: 'weighted_vote' | 'majority' | 'priority';
  strategies: string[];
  warnings: string[];
  error?: 'No valid strategy outputs';
}
export interface SeriesColumns {
  close: Float64Array | ArrayLike<number>;
  high?: Float64Array | ArrayLike<number>;
  low?: Float64Array | ArrayLike<number>;
  time?: Float64Array | ArrayLike<number>;
}
type RuleToggle<P> = boolean | (P & { enabled?: boolean; weight?: number });
export interface SignalRulesConfig {
  rsi?: RuleToggle<{ timeperiod?: number; lower?: number; upper?: number }>;
  macd?: RuleToggle<{ fastperiod?: number; slowperiod?: number; signalperiod?: number }>;
  bollinger?: RuleToggle<{ timeperiod?: number; nbdev?: number }>;
  sma_cross?: RuleToggle<{ fastperiod?: number; slowperiod?: number }>;
  smaCross?: RuleToggle<{ fastperiod?: number; slowperiod?: number }>;
}
export interface RuleState { rule: 'rsi' | 'macd' | 'bollinger' | 'sma_cross'; vote?: SignalText; weight: number; value?: number; reason: string }
export interface LatestSignal {
  index: number; time: number; close: number; signal: SignalText; confidence: number; score: number;
  reasons: string[]; rules: RuleState[];
}
export interface TickerSignals {
  time: Float64Array; signal: SignalText[]; confidence: Float64Array; score: Float64Array;
  reasons: string[][]; latest: LatestSignal;
}
export interface WatchlistEntry extends Partial<LatestSignal> {
  symbol: string; signal: SignalText; confidence: number; reasons: string[];
  error?: { code: string; message: string; details: Record<string, unknown> };
}
"#;

/// Merges strategy signal tables; see docs/merge.md for every rule.
#[wasm_bindgen(js_name = mergeSignals, unchecked_return_type = "MergeResult")]
pub fn merge_signals(
    #[wasm_bindgen(unchecked_param_type = "Record<string, StrategyOutput | StrategyOutput[] | null | undefined> | Map<string, StrategyOutput | null> | null")]
    outputs: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "MergeConfig | null")] config: Option<JsValue>,
) -> JsResult<JsValue> {
    let config = &config.unwrap_or(JsValue::UNDEFINED);
    let config_value: serde_json::Value =
        if config.is_undefined() || config.is_null() { serde_json::Value::Null } else { from_js(config.clone(), "config")? };
    let (config, config_warnings) = MergeConfig::from_value(&config_value)?;

    let (named, any_text) = read_outputs(outputs)?;
    let mut result = merge::merge(named, &config)?;
    if !config_warnings.is_empty() {
        result.warnings.splice(0..0, config_warnings);
    }
    let text = match config.signal_format {
        SignalFormat::Text => true,
        SignalFormat::Number => false,
        // No valid output at all → the fallback row speaks strings, as the seed did.
        SignalFormat::Auto => any_text || result.error.is_some(),
    };
    result_to_js(&result, text)
}

/// `{name: output}` (a plain object or a Map) → named outputs in key order, plus whether any
/// signal column was given as strings.
fn read_outputs(outputs: &JsValue) -> JsResult<(NamedOutputs, bool)> {
    let mut named = Vec::new();
    let mut any_text = false;
    if outputs.is_undefined() || outputs.is_null() {
        return Ok((named, false));
    }
    let entries: Array = if let Some(map) = outputs.dyn_ref::<js_sys::Map>() {
        Array::from(&map.entries())
    } else if outputs.is_object() && !Array::is_array(outputs) {
        Object::entries(outputs.unchecked_ref())
    } else {
        return Err(Error::invalid_input(
            "outputs must be an object { strategyName: { timestamp: [...], signal: [...], confidence?: [...] } }",
        )
        .with("field", "outputs")
        .into());
    };
    for entry in entries.iter() {
        let pair: Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let (output, text) = read_output(&name, &pair.get(1))?;
        any_text |= text;
        named.push((name, output));
    }
    Ok((named, any_text))
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// One strategy's output: columnar `{timestamp, signal, confidence?}` (also `timestamps`
/// or `time`),
/// or an array of row objects `[{timestamp, signal, confidence?}]`.
fn read_output(name: &str, value: &JsValue) -> JsResult<(Option<StrategyOutput>, bool)> {
    if absent(value) {
        return Ok((None, false));
    }
    if Array::is_array(value) {
        return read_rows(name, value.unchecked_ref());
    }
    if !value.is_object() {
        return Err(Error::invalid_input(format!(
            "strategy '{name}': output must be an object {{timestamp, signal, confidence?}} or null"
        ))
        .with("strategy", name)
        .into());
    }
    // `time` too, so tickerSignals' and Ohlcv-shaped tables plug in directly.
    let mut ts_value = get(value, "timestamp");
    for alias in ["timestamps", "time"] {
        if absent(&ts_value) {
            ts_value = get(value, alias);
        }
    }
    if absent(&ts_value) {
        return Ok((Some(StrategyOutput::default()), false));
    }
    let timestamp = read_timestamps(name, &ts_value)?;
    let sig_value = get(value, "signal");
    let (signal, text) = if absent(&sig_value) || timestamp.is_empty() {
        (None, false)
    } else {
        let (s, t) = read_signals(name, &sig_value)?;
        (Some(s), t)
    };
    let conf_value = get(value, "confidence");
    let confidence = if absent(&conf_value) { None } else { Some(read_numbers(name, "confidence", &conf_value)?) };
    Ok((Some(StrategyOutput { timestamp: Some(timestamp), signal, confidence }), text))
}

fn read_rows(name: &str, rows: &Array) -> JsResult<(Option<StrategyOutput>, bool)> {
    let n = rows.length() as usize;
    let (mut ts, mut sig, mut conf) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::new());
    let mut text = false;
    for (row, r) in rows.iter().enumerate() {
        if !r.is_object() {
            return Err(Error::invalid_input(format!("strategy '{name}', row {row}: expected {{timestamp, signal}}"))
                .with("strategy", name)
                .with("row", row)
                .into());
        }
        ts.push(timestamp_cell(name, row, &get(&r, "timestamp"))?);
        let (s, t) = signal_cell(name, row, &get(&r, "signal"))?;
        text |= t;
        sig.push(s);
        let c = get(&r, "confidence");
        if !c.is_undefined() {
            if conf.len() != row {
                return Err(confidence_missing(name, conf.len()));
            }
            conf.push(c.as_f64().unwrap_or(f64::NAN));
        } else if !conf.is_empty() {
            return Err(confidence_missing(name, row));
        }
    }
    let confidence = (!conf.is_empty()).then_some(conf);
    Ok((Some(StrategyOutput { timestamp: Some(ts), signal: Some(sig), confidence }), text))
}

fn confidence_missing(name: &str, row: usize) -> JsValue {
    Error::invalid_input(format!("strategy '{name}', row {row}: confidence is given on some rows but not this one"))
        .with("strategy", name)
        .with("row", row)
        .with("field", "confidence")
        .into()
}

fn column_error(name: &str, field: &str) -> JsValue {
    Error::invalid_input(format!(
        "strategy '{name}': '{field}' must be an array or a typed array (Float64Array for timestamps, Int8Array/Float64Array for signals)"
    ))
    .with("strategy", name)
    .with("field", field)
    .into()
}

/// A numeric typed array (not BigInt) as f64, in one JS-side conversion.
fn typed_as_f64(value: &JsValue) -> Option<Vec<f64>> {
    if let Some(a) = value.dyn_ref::<Float64Array>() {
        return Some(a.to_vec());
    }
    let bigint = value.is_instance_of::<js_sys::BigInt64Array>() || value.is_instance_of::<js_sys::BigUint64Array>();
    if js_sys::ArrayBuffer::is_view(value) && !value.is_instance_of::<js_sys::DataView>() && !bigint {
        return Some(Float64Array::new(value).to_vec());
    }
    None
}

fn read_timestamps(name: &str, value: &JsValue) -> JsResult<Vec<f64>> {
    if let Some(v) = typed_as_f64(value) {
        return Ok(v); // non-finite cells are reported with their row by the core
    }
    let Some(arr) = value.dyn_ref::<Array>() else {
        return Err(column_error(name, "timestamp"));
    };
    let Ok(converted) = float64_from(arr) else {
        return arr.iter().enumerate().map(|(row, v)| timestamp_cell(name, row, &v)).collect();
    };
    // Number(x) is right for numbers, numeric strings and Dates; the cells it turns into NaN
    // (ISO strings, junk), 0 or 1 (null, '', false, true) are looked at one by one.
    let mut out = converted.to_vec();
    for (row, x) in out.iter_mut().enumerate() {
        if x.is_nan() || *x == 0.0 || *x == 1.0 {
            *x = timestamp_cell(name, row, &arr.get(row as u32))?;
        }
    }
    Ok(out)
}

/// A number (ms), a `Date`, or an ISO 8601 string.
fn timestamp_cell(name: &str, row: usize, v: &JsValue) -> JsResult<f64> {
    if let Some(x) = v.as_f64() {
        return Ok(x);
    }
    if let Some(s) = v.as_string() {
        return s
            .trim()
            .parse::<f64>()
            .ok()
            .or_else(|| merge::parse_timestamp(&s))
            .ok_or_else(|| merge::bad_timestamp(name, row, &format!("'{s}'")).into());
    }
    if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        return Ok(d.get_time());
    }
    Err(merge::bad_timestamp(name, row, &shown(v)).into())
}

fn shown(v: &JsValue) -> String {
    if v.is_undefined() {
        "undefined".into()
    } else if v.is_null() {
        "null".into()
    } else {
        v.js_typeof().as_string().map_or_else(|| "a value".into(), |t| format!("of type {t}"))
    }
}

fn read_signals(name: &str, value: &JsValue) -> JsResult<(Vec<i8>, bool)> {
    if let Some(a) = value.dyn_ref::<Int8Array>() {
        return Ok((a.to_vec(), false)); // codes outside -1..1 are reported by the core
    }
    if let Some(v) = typed_as_f64(value) {
        let codes = v
            .iter()
            .enumerate()
            .map(|(row, &x)| merge::signal_from_number(x, name, row))
            .collect::<Result<Vec<i8>, Error>>()?;
        return Ok((codes, false));
    }
    let Some(arr) = value.dyn_ref::<Array>() else {
        return Err(column_error(name, "signal"));
    };
    if let Some(fast) = signals_joined(arr) {
        return Ok(fast);
    }
    let mut out = Vec::with_capacity(arr.length() as usize);
    let mut text = false;
    for (row, v) in arr.iter().enumerate() {
        let (s, t) = signal_cell(name, row, &v)?;
        text |= t;
        out.push(s);
    }
    Ok((out, text))
}

/// Fast path for a plain array: one `join` and one string transfer instead of a boundary
/// crossing per cell. Returns None when any cell does not parse (or a cell contains the
/// separator), so the cell-by-cell path reports the exact row and value.
fn signals_joined(arr: &Array) -> Option<(Vec<i8>, bool)> {
    let n = arr.length() as usize;
    // Reflect.apply catches what `join` throws (a Symbol cell).
    let join: js_sys::Function = Reflect::get(arr, &"join".into()).ok()?.dyn_into().ok()?;
    let joined = Reflect::apply(&join, arr, &Array::of1(&"\u{1f}".into())).ok()?.as_string()?;
    let mut out = Vec::with_capacity(n);
    let mut text = false;
    for cell in joined.split('\u{1f}') {
        let code = match cell.trim().as_bytes() {
            b"1" => 1,
            b"0" => 0,
            b"-1" => -1,
            _ => {
                let code = merge::parse_signal_text(cell)?;
                text |= Signal::from_text(cell).is_some();
                code
            }
        };
        out.push(code);
    }
    (out.len() == n).then_some((out, text))
}

/// `'BUY'`/`'sell'`/... or `1`/`0`/`-1`; returns the code and whether it was text.
fn signal_cell(name: &str, row: usize, v: &JsValue) -> JsResult<(i8, bool)> {
    if let Some(x) = v.as_f64() {
        return Ok((merge::signal_from_number(x, name, row)?, false));
    }
    if let Some(s) = v.as_string() {
        return Ok((merge::signal_from_text(&s, name, row)?, Signal::from_text(&s).is_some()));
    }
    Err(merge::bad_signal(name, row, &shown(v)).into())
}

fn read_numbers(name: &str, field: &str, value: &JsValue) -> JsResult<Vec<f64>> {
    if let Some(v) = typed_as_f64(value) {
        return Ok(v);
    }
    let Some(arr) = value.dyn_ref::<Array>() else {
        return Err(column_error(name, field));
    };
    // Non-numbers become NaN, which the core rejects with the strategy and row. Number(x)
    // in one call, then the cells it may have coerced (null, '', booleans → 0/1) are checked.
    let Ok(converted) = float64_from(arr) else {
        return Ok(arr.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect());
    };
    let mut out = converted.to_vec();
    for (row, x) in out.iter_mut().enumerate() {
        if *x == 0.0 || *x == 1.0 {
            *x = arr.get(row as u32).as_f64().unwrap_or(f64::NAN);
        }
    }
    Ok(out)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Setting a fresh plain object's own property cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A JS array of strings from indices into a small table of names: one string built here
/// and split in JS, far cheaper than a boundary crossing per cell. Names containing the
/// separator fall back to setting cells one by one.
fn string_column(codes: impl ExactSizeIterator<Item = usize> + Clone, table: &[&str]) -> Array {
    const SEP: char = '\u{1f}';
    let n = codes.len();
    if n == 0 {
        return Array::new();
    }
    if table.iter().any(|t| t.contains(SEP)) {
        let values: Vec<JsValue> = table.iter().map(|t| JsValue::from_str(t)).collect();
        let out = Array::new_with_length(n as u32);
        for (i, c) in codes.enumerate() {
            out.set(i as u32, values.get(c).cloned().unwrap_or(JsValue::UNDEFINED));
        }
        return out;
    }
    let width = table.iter().map(|t| t.len()).max().unwrap_or(0) + 1;
    let mut joined = String::with_capacity(n * width);
    for (i, c) in codes.enumerate() {
        if i > 0 {
            joined.push(SEP);
        }
        joined.push_str(table.get(c).copied().unwrap_or(""));
    }
    js_sys::JsString::from(joined).split(&SEP.to_string())
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

fn result_to_js(r: &MergeResult, text: bool) -> JsResult<JsValue> {
    let obj = Object::new();
    set(&obj, "timestamp", &f64_array(&r.timestamp));
    let signal: JsValue = if text {
        string_column(r.signal.iter().map(|&s| (s + 1) as usize), &["SELL", "HOLD", "BUY"]).into()
    } else {
        Int8Array::from(r.signal.as_slice()).into()
    };
    set(&obj, "signal", &signal);
    set(&obj, "confidence", &f64_array(&r.confidence));
    set(&obj, "strategy_count", &Uint32Array::from(r.strategy_count.as_slice()));
    if let Some(used) = &r.strategy_used {
        // Strings (the strategy names) in text format; in number format an Int32Array of
        // indices into `strategies` (-1 for the fallback row), which costs no string per row.
        let col: JsValue = match (text, r.error.is_some()) {
            (true, true) => Array::of1(&JsValue::NULL).into(),
            (false, true) => js_sys::Int32Array::from(&[-1i32][..]).into(),
            (true, false) => {
                let names: Vec<&str> = r.strategies.iter().map(String::as_str).collect();
                string_column(used.iter().map(|&u| u as usize), &names).into()
            }
            (false, false) => {
                let idx: Vec<i32> = used.iter().map(|&u| u as i32).collect();
                js_sys::Int32Array::from(idx.as_slice()).into()
            }
        };
        set(&obj, "strategy_used", &col);
    }
    set(&obj, "method", &JsValue::from_str(r.method.as_str()));
    set(&obj, "strategies", &strings(&r.strategies));
    set(&obj, "warnings", &strings(&r.warnings));
    if let Some(e) = &r.error {
        set(&obj, "error", &JsValue::from_str(e));
    }
    Ok(obj.into())
}

// ---------------------------------------------------------------- ticker signal rules

use crate::signals::rules::{self as signal_rules, Latest, RulesConfig, SeriesView};

/// Owned columns read from JS (an `Ohlcv` instance, plain columns or CSV text).
struct SeriesColumns {
    time: Vec<i64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

impl SeriesColumns {
    fn view(&self) -> SeriesView<'_> {
        SeriesView { time: &self.time, high: &self.high, low: &self.low, close: &self.close }
    }
}

fn numeric_column(data: &JsValue, key: &str) -> JsResult<Option<Vec<f64>>> {
    let v = get(data, key);
    if absent(&v) {
        return Ok(None);
    }
    super::convert::f64_vec(&v, key).map(Some)
}

/// Reads `close` (required), `high`/`low` (default: close) and `time` (or `timestamp`,
/// epoch ms; default: the bar index) by property, so the `Ohlcv` class (whose columns are
/// getters) and plain `{close: Float64Array, ...}` objects both work; a string is CSV.
fn read_series(data: &JsValue) -> JsResult<SeriesColumns> {
    if let Some(text) = data.as_string() {
        let d = crate::series::parse_csv(&text)?;
        return Ok(SeriesColumns { time: d.time, high: d.high, low: d.low, close: d.close });
    }
    if !data.is_object() {
        return Err(Error::invalid_input("data must be an Ohlcv, an object of columns {time, high, low, close} or CSV text")
            .with("field", "data")
            .into());
    }
    let Some(close) = numeric_column(data, "close")? else {
        return Err(Error::invalid_input("missing column 'close'").with("column", "close").into());
    };
    let high = numeric_column(data, "high")?.unwrap_or_else(|| close.clone());
    let low = numeric_column(data, "low")?.unwrap_or_else(|| close.clone());
    let time_f = match numeric_column(data, "time")? {
        Some(t) => Some(t),
        None => numeric_column(data, "timestamp")?,
    };
    let time = match time_f {
        None => (0..close.len() as i64).collect(),
        Some(t) => {
            let mut out = Vec::with_capacity(t.len());
            for (row, x) in t.iter().enumerate() {
                if !x.is_finite() {
                    return Err(Error::invalid_input(format!("row {row}, column 'time': {x} is not a timestamp"))
                        .with("row", row)
                        .with("column", "time")
                        .into());
                }
                out.push(x.round() as i64);
            }
            out
        }
    };
    Ok(SeriesColumns { time, high, low, close })
}

fn rules_config(config: &JsValue) -> JsResult<RulesConfig> {
    let value: serde_json::Value =
        if absent(config) { serde_json::Value::Null } else { from_js(config.clone(), "config")? };
    Ok(RulesConfig::from_value(&value)?)
}

fn latest_to_js(l: &Latest) -> JsResult<JsValue> {
    super::convert::to_js(l)
}

/// Per-bar and latest Buy/Sell/Hold from the built-in rules (see docs/signals.md):
/// `{time, signal, confidence, score, reasons, latest}`.
#[wasm_bindgen(js_name = tickerSignals, unchecked_return_type = "TickerSignals")]
pub fn ticker_signals(
    #[wasm_bindgen(unchecked_param_type = "Ohlcv | SeriesColumns | string")] data: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SignalRulesConfig | null")] config: Option<JsValue>,
) -> JsResult<JsValue> {
    let config = &config.unwrap_or(JsValue::UNDEFINED);
    let config = rules_config(config)?;
    let series = read_series(data)?;
    let r = signal_rules::ticker_signals(&series.view(), &config)?;
    let obj = Object::new();
    let time: Vec<f64> = r.time.iter().map(|&t| t as f64).collect();
    set(&obj, "time", &f64_array(&time));
    let codes = r.signal.iter().map(|s| (s.as_i8() + 1) as usize);
    set(&obj, "signal", &string_column(codes, &["SELL", "HOLD", "BUY"]).into());
    set(&obj, "confidence", &f64_array(&r.confidence));
    set(&obj, "score", &f64_array(&r.score));
    set(&obj, "reasons", &super::convert::to_js(&r.reasons)?);
    set(&obj, "latest", &latest_to_js(&r.latest)?);
    Ok(obj.into())
}

/// Latest signal per symbol of `{SYMBOL: data}`, highest confidence first (ties by symbol);
/// a symbol with bad data gets `{symbol, signal: 'HOLD', confidence: 0, error: {code,
/// message, details}}` and sorts last instead of failing the whole list.
#[wasm_bindgen(js_name = watchlistSignals, unchecked_return_type = "WatchlistEntry[]")]
pub fn watchlist_signals(
    #[wasm_bindgen(unchecked_param_type = "Record<string, Ohlcv | SeriesColumns | string>")] watchlist: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SignalRulesConfig | null")] config: Option<JsValue>,
) -> JsResult<JsValue> {
    let config = &config.unwrap_or(JsValue::UNDEFINED);
    let config = rules_config(config)?;
    if !watchlist.is_object() || Array::is_array(watchlist) {
        return Err(Error::invalid_input("watchlist must be an object { SYMBOL: data }").with("field", "watchlist").into());
    }
    let mut symbols = Vec::new();
    for entry in Object::entries(watchlist.unchecked_ref()).iter() {
        let pair: Array = entry.unchecked_into();
        let symbol = pair.get(0).as_string().unwrap_or_default();
        // A JS-side read failure is kept as that symbol's error.
        let series = read_series(&pair.get(1)).map_err(|e| js_error_to_error(&e));
        symbols.push((symbol, series));
    }
    let items = symbols.iter().map(|(s, r)| (s.clone(), r.as_ref().map(SeriesColumns::view).map_err(Clone::clone)));
    let entries = signal_rules::watchlist(items, &config)?;
    let out = Array::new();
    for e in &entries {
        let item = match &e.latest {
            Some(l) => latest_to_js(l)?,
            None => {
                let o = Object::new();
                set(&o, "signal", &"HOLD".into());
                set(&o, "confidence", &JsValue::from_f64(0.0));
                set(&o, "reasons", &Array::new());
                o.into()
            }
        };
        set(item.unchecked_ref(), "symbol", &JsValue::from_str(&e.symbol));
        if let Some(err) = &e.error {
            let o = Object::new();
            set(&o, "code", &err.code.as_str().into());
            set(&o, "message", &JsValue::from_str(&err.message));
            set(&o, "details", &super::convert::to_js(&err.details)?);
            set(item.unchecked_ref(), "error", &o.into());
        }
        out.push(&item);
    }
    Ok(out.into())
}

/// Back from a JS error (made by `to_js_error`) to `crate::Error`, keeping code and message.
fn js_error_to_error(e: &JsValue) -> Error {
    let code = get(e, "code").as_string().unwrap_or_default();
    let message = get(e, "message").as_string().unwrap_or_else(|| "invalid data".into());
    let code = match code.as_str() {
        "INVALID_PARAMETER" => crate::ErrorCode::InvalidParameter,
        _ => crate::ErrorCode::InvalidInput,
    };
    let mut err = Error::new(code, message);
    if let Ok(details) = from_js::<serde_json::Map<String, serde_json::Value>>(get(e, "details"), "details") {
        err.details = details;
    }
    err
}
