//! JS wrappers for the indicator catalogue: `indicator`, `catalogue`, `lookback`,
//! `IndicatorStream`, `features`, `featuresBatch`. Conversions only; the logic lives in
//! `crate::indicators`.

use super::convert::{f64_array, f64_vec, from_js, string_arg, to_js};
use super::data::JsOhlcv;
use super::errors::JsResult;
use crate::indicators::{self, Bar, FeatureSpec, FeatureTable, Inputs, Params, Stream};
use crate::series::Ohlcv;
use crate::Error;
use wasm_bindgen::prelude::*;

const COLUMNS: [&str; 6] = ["open", "high", "low", "close", "volume", "periods"];

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(obj, &key.into(), value);
}

/// `{timeperiod: 14, ...}` (or undefined/null for all defaults) as `Params`; every value
/// must be a number.
fn read_params(params: &JsValue) -> JsResult<Params> {
    let mut out = Params::new();
    if params.is_undefined() || params.is_null() {
        return Ok(out);
    }
    if !params.is_object() {
        return Err(
            Error::invalid_parameter("params must be an object such as {timeperiod: 14}").into(),
        );
    }
    for entry in js_sys::Object::entries(params.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        match value.as_f64() {
            Some(v) => out.set(&key, v),
            None if value.is_undefined() => {}
            None => {
                return Err(
                    Error::invalid_parameter(format!("parameter '{key}' must be a number"))
                        .with("parameter", key.as_str())
                        .into(),
                )
            }
        }
    }
    Ok(out)
}

/// Input columns read from `inputs`: an object keyed open/high/low/close/volume (typed arrays
/// or number arrays; an `Ohlcv` works too, through its getters), or a single array used as
/// `close` (TA-Lib's `real`). Only the columns the indicator reads are copied.
fn read_inputs(name: &str, inputs: &JsValue) -> JsResult<Vec<(&'static str, Vec<f64>)>> {
    let required = indicators::input_names(name)?;
    if js_sys::Array::is_array(inputs) || js_sys::ArrayBuffer::is_view(inputs) {
        if required != ["close"] {
            return Err(Error::invalid_input(format!(
                "{name} reads {}; pass an object of columns, not a single array",
                required.join(", ")
            ))
            .with("required", required)
            .into());
        }
        return Ok(vec![("close", f64_vec(inputs, "inputs")?)]);
    }
    if !inputs.is_object() {
        return Err(Error::invalid_input(
            "inputs must be an object {open, high, low, close, volume} of Float64Array",
        )
        .with("input", "inputs")
        .into());
    }
    let mut cols = Vec::with_capacity(required.len());
    for col in COLUMNS {
        let v = get(inputs, col);
        if v.is_undefined() || v.is_null() {
            continue;
        }
        if required.contains(&col) {
            cols.push((col, f64_vec(&v, col)?));
        }
    }
    Ok(cols)
}

fn as_inputs<'a>(cols: &'a [(&'static str, Vec<f64>)]) -> Inputs<'a> {
    let mut inputs = Inputs::new();
    for (name, v) in cols {
        let slot = match *name {
            "open" => &mut inputs.open,
            "high" => &mut inputs.high,
            "low" => &mut inputs.low,
            "close" => &mut inputs.close,
            "volume" => &mut inputs.volume,
            _ => &mut inputs.periods,
        };
        *slot = Some(v.as_slice());
    }
    inputs
}

/// `indicator(name, inputs, params?)` → `{outputName: Float64Array}`, each as long as the
/// input, NaN during warm-up. Names and parameters are TA-Lib's.
#[wasm_bindgen(js_name = indicator)]
pub fn indicator(name: &JsValue, inputs: &JsValue, params: &JsValue) -> JsResult<JsValue> {
    let name = &string_arg(name, "name")?;
    let params = read_params(params)?;
    let cols = read_inputs(name, inputs)?;
    let out = indicators::compute(name, &as_inputs(&cols), &params)?;
    let obj = js_sys::Object::new();
    for (col, values) in out.iter() {
        set(&obj, col, &f64_array(values));
    }
    Ok(obj.into())
}

/// `indicatorOhlcv(name, ohlcv, params?)`: like `indicator` but reads the columns of an `Ohlcv`
/// where they already live (wasm memory), so no input is copied; only the outputs are.
#[wasm_bindgen(js_name = indicatorOhlcv)]
pub fn indicator_ohlcv(name: &JsValue, data: &JsOhlcv, params: &JsValue) -> JsResult<JsValue> {
    let name = &string_arg(name, "name")?;
    let params = read_params(params)?;
    let out = indicators::compute(name, &Inputs::from_ohlcv(data.inner()), &params)?;
    let obj = js_sys::Object::new();
    for (col, values) in out.iter() {
        set(&obj, col, &f64_array(values));
    }
    Ok(obj.into())
}

/// `catalogue()` → `[{name, group, inputs, params: [{name, default, min, max, kind}], outputs}]`.
#[wasm_bindgen(js_name = catalogue)]
pub fn catalogue() -> JsResult<JsValue> {
    to_js(&indicators::catalogue())
}

/// `lookback(name, params?)` → number of leading bars without a value.
#[wasm_bindgen(js_name = lookback)]
pub fn lookback(name: &JsValue, params: &JsValue) -> JsResult<usize> {
    Ok(indicators::lookback(&string_arg(name, "name")?, &read_params(params)?)?)
}

/// A bar from `{open, high, low, close, volume}` (or a bare number, used as close). Every
/// field the indicator reads must be a number; others may be absent.
fn read_bar(stream: &Stream, bar: &JsValue) -> JsResult<Bar> {
    if let Some(x) = bar.as_f64() {
        return Ok(Bar {
            open: f64::NAN,
            high: x,
            low: x,
            close: x,
            volume: f64::NAN,
            periods: f64::NAN,
        });
    }
    if !bar.is_object() {
        return Err(Error::invalid_input(
            "bar must be an object {open, high, low, close, volume} or a number",
        )
        .with("input", "bar")
        .into());
    }
    let required = stream.inputs();
    let mut vals = [f64::NAN; 6];
    for (slot, col) in vals.iter_mut().zip(COLUMNS) {
        let v = get(bar, col);
        match v.as_f64() {
            Some(x) => *slot = x,
            None if required.contains(&col) => {
                return Err(Error::invalid_input(format!(
                    "bar.{col} must be a number ({} reads {})",
                    stream.name(),
                    required.join(", ")
                ))
                .with("input", col)
                .into())
            }
            None => {}
        }
    }
    let [open, high, low, close, volume, periods] = vals;
    Ok(Bar {
        open,
        high,
        low,
        close,
        volume,
        periods,
    })
}

fn values_object(names: &[&str], values: &[f64]) -> JsValue {
    let obj = js_sys::Object::new();
    for (n, v) in names.iter().zip(values) {
        set(&obj, n, &JsValue::from_f64(*v));
    }
    obj.into()
}

/// Streaming indicator: `new IndicatorStream(name, params)`, `update(bar)` (equal bit for
/// bit to the batch value at that bar), `peek(bar)` (a forming bar, state unchanged),
/// `reset()`.
#[wasm_bindgen(js_name = IndicatorStream)]
pub struct JsIndicatorStream {
    inner: Stream,
}

#[wasm_bindgen(js_class = IndicatorStream)]
impl JsIndicatorStream {
    #[wasm_bindgen(constructor)]
    pub fn new(name: &JsValue, params: &JsValue) -> JsResult<JsIndicatorStream> {
        Ok(JsIndicatorStream {
            inner: Stream::new(&string_arg(name, "name")?, &read_params(params)?)?,
        })
    }

    /// Consumes a closed bar → `{outputName: number}` (NaN during warm-up). A bar missing a
    /// field the indicator reads is rejected and the state is left as it was.
    pub fn update(&mut self, bar: &JsValue) -> JsResult<JsValue> {
        let bar = read_bar(&self.inner, bar)?;
        let names = self.inner.outputs();
        Ok(values_object(names, self.inner.update(&bar)))
    }

    /// The values `update(bar)` would give, without consuming the bar.
    pub fn peek(&self, bar: &JsValue) -> JsResult<JsValue> {
        let bar = read_bar(&self.inner, bar)?;
        let values = self.inner.peek(&bar);
        Ok(values_object(self.inner.outputs(), &values))
    }

    pub fn reset(&mut self) {
        self.inner.reset();
    }

    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_string()
    }

    #[wasm_bindgen(getter)]
    pub fn outputs(&self) -> Vec<JsValue> {
        self.inner
            .outputs()
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect()
    }

    #[wasm_bindgen(getter)]
    pub fn lookback(&self) -> usize {
        self.inner.lookback()
    }

    /// Bars consumed since creation or `reset()`.
    #[wasm_bindgen(getter)]
    pub fn bars(&self) -> usize {
        self.inner.bars()
    }
}

/// Market data from an `Ohlcv` or a columns object `{time?, open, high, low, close, volume?}`
/// (time defaults to the bar index).
fn read_ohlcv(data: &JsValue, what: &str) -> JsResult<Ohlcv> {
    if !data.is_object() {
        return Err(Error::invalid_input(format!(
            "{what} must be an Ohlcv or an object of columns"
        ))
        .with("input", what)
        .into());
    }
    let column = |name: &str| -> JsResult<Vec<f64>> {
        let v = get(data, name);
        if v.is_undefined() || v.is_null() {
            if name == "volume" {
                return Ok(Vec::new());
            }
            return Err(
                Error::invalid_input(format!("{what}: missing column '{name}'"))
                    .with("input", name)
                    .into(),
            );
        }
        f64_vec(&v, name)
    };
    let close = column("close")?;
    let time_v = get(data, "time");
    let time: Vec<i64> = if time_v.is_undefined() || time_v.is_null() {
        (0..close.len() as i64).collect()
    } else {
        f64_vec(&time_v, "time")?
            .iter()
            .map(|t| t.round() as i64)
            .collect()
    };
    Ok(Ohlcv::new(
        time,
        column("open")?,
        column("high")?,
        column("low")?,
        close,
        column("volume")?,
    )?)
}

fn table_to_js(table: &FeatureTable) -> JsValue {
    let obj = js_sys::Object::new();
    let time: Vec<f64> = table.time.iter().map(|&t| t as f64).collect();
    set(&obj, "time", &f64_array(&time));
    let cols = js_sys::Object::new();
    let names = js_sys::Array::new();
    for (name, values) in &table.columns {
        set(&cols, name, &f64_array(values));
        names.push(&JsValue::from_str(name));
    }
    set(&obj, "columns", &cols.into());
    set(&obj, "names", &names.into());
    obj.into()
}

/// `features(data, spec)` → `{time, columns: {name: Float64Array}, names}` where `spec` is
/// `[{name: 'RSI', params: {timeperiod: 14}, alias?: 'rsi14'}, ...]`. Default column names are
/// `RSI_14`, multi-output ones `MACD_12_26_9.macd`.
#[wasm_bindgen(js_name = features)]
pub fn features(data: &JsValue, spec: JsValue) -> JsResult<JsValue> {
    let spec: Vec<FeatureSpec> = from_js(spec, "feature spec")?;
    let data = read_ohlcv(data, "data")?;
    Ok(table_to_js(&indicators::features(&data, &spec)?))
}

/// `featuresBatch({SYMBOL: data, ...}, spec)` → Promise of `{SYMBOL: table}`. Yields to the
/// event loop (a zero-delay timer, i.e. a macrotask) between symbols so a page stays
/// responsive. Errors name the symbol in `details.symbol`.
#[wasm_bindgen(js_name = featuresBatch)]
pub async fn features_batch(data: JsValue, spec: JsValue) -> JsResult<JsValue> {
    let spec: Vec<FeatureSpec> = from_js(spec, "feature spec")?;
    if !data.is_object() {
        return Err(
            Error::invalid_input("featuresBatch expects an object {SYMBOL: data, ...}").into(),
        );
    }
    let out = js_sys::Object::new();
    let entries = js_sys::Object::entries(data.unchecked_ref());
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let pair: js_sys::Array = entry.unchecked_into();
        let symbol = pair.get(0).as_string().unwrap_or_default();
        let table = read_ohlcv(&pair.get(1), &symbol)
            .map_err(|e| with_symbol(e, &symbol))
            .and_then(|d| {
                indicators::features(&d, &spec)
                    .map_err(|e| e.with("symbol", symbol.as_str()).into())
            })?;
        set(&out, &symbol, &table_to_js(&table));
    }
    Ok(out.into())
}

/// Adds `details.symbol` to an error that is already a JS value.
fn with_symbol(err: JsValue, symbol: &str) -> JsValue {
    let details = get(&err, "details");
    if details.is_object() {
        let _ = js_sys::Reflect::set(&details, &"symbol".into(), &symbol.into());
    }
    err
}
