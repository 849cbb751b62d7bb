//! JS wrappers for strategies and backtests: `backtest(data, config)`, `strategies()`,
//! `strategySignals(data, name, params, options?)`. Conversions only; the rules live in
//! `crate::signals::strategies` and `crate::backtest`.

use super::convert::{f64_array, f64_vec, from_js, string_arg, to_js};
use super::data::JsOhlcv;
use super::errors::JsResult;
use crate::backtest::{BacktestConfig, Semantics};
use crate::series::Ohlcv;
use crate::signals::strategies;
use crate::Error;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Accepts an `Ohlcv` instance (anything with `toColumns()`) or plain
/// `{time, open, high, low, close, volume?}` columns.
fn ohlcv_from(data: &JsValue) -> JsResult<Ohlcv> {
    if !data.is_object() {
        return Err(Error::invalid_input("data must be an Ohlcv or {time, open, high, low, close, volume?} columns")
            .with("field", "data")
            .into());
    }
    let to_columns = js_sys::Reflect::get(data, &"toColumns".into()).unwrap_or(JsValue::UNDEFINED);
    let columns = match to_columns.dyn_ref::<js_sys::Function>() {
        Some(f) => f.call0(data)?,
        None => data.clone(),
    };
    Ok(JsOhlcv::from_columns(&columns)?.inner().clone())
}

/// A JS config object as JSON; `signals` may be a typed array (numbers 1/0/-1).
fn request_json(config: &JsValue) -> JsResult<Value> {
    if config.is_undefined() || config.is_null() {
        return Ok(Value::Object(Default::default()));
    }
    if !config.is_object() || js_sys::Array::is_array(config) {
        return Err(Error::invalid_input("backtest config must be an object").with("field", "config").into());
    }
    let mut map = serde_json::Map::new();
    for entry in js_sys::Object::entries(config.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let json = if key == "signals" && js_sys::ArrayBuffer::is_view(&value) {
            Value::Array(f64_vec(&value, "signals")?.into_iter().map(Value::from).collect())
        } else if value.is_undefined() {
            continue;
        } else {
            from_js::<Value>(value, &format!("config.{key}"))?
        };
        map.insert(key, json);
    }
    Ok(Value::Object(map))
}

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) -> JsResult<()> {
    js_sys::Reflect::set(obj, &key.into(), value).map(|_| ())
}

/// Runs a backtest. `config`: `strategy` (+ `params` or the parameters inline) or explicit
/// `signals` (+ `warmup`), plus backtesting.py options (`cash`, `commission`,
/// `trade_on_close`, `exclusive_orders`, `finalize_trades`, `hedging`, `margin`, `spread`,
/// `semantics: 'backtesting.py' | 'vectorbt'`; camelCase accepted).
/// Returns `{stats, trades, equity: {time, Equity, DrawdownPct}}`.
#[wasm_bindgen]
pub fn backtest(data: &JsValue, config: &JsValue) -> JsResult<JsValue> {
    let data = ohlcv_from(data)?;
    let request = request_json(config)?;
    let result = strategies::backtest_request(&data, &request)?;
    let out = js_sys::Object::new();
    set(&out, "stats", &to_js(&result.stats)?)?;
    set(&out, "trades", &to_js(&result.trades)?)?;
    let equity = js_sys::Object::new();
    let time: Vec<f64> = data.time.iter().map(|&t| t as f64).collect();
    set(&equity, "time", &f64_array(&time))?;
    set(&equity, "Equity", &f64_array(&result.equity))?;
    set(&equity, "DrawdownPct", &f64_array(&result.drawdown))?;
    set(&out, "equity", &equity)?;
    Ok(out.into())
}

/// Every built-in strategy: `[{name, aliases, description, params: [{name, default, min, max,
/// integer, description}]}]`.
#[wasm_bindgen]
pub fn strategies() -> JsResult<JsValue> {
    to_js(strategies::strategies())
}

/// A strategy's signal table `{timestamp: Float64Array, signal: ['BUY'|'SELL'|'HOLD'],
/// confidence: Float64Array, warmup}` (the shape `mergeSignals` takes). `options.semantics`
/// picks whose SMA/crossover rules SmaCross follows (default backtesting.py).
#[wasm_bindgen(js_name = strategySignals)]
pub fn strategy_signals(data: &JsValue, name: &JsValue, params: &JsValue, options: &JsValue) -> JsResult<JsValue> {
    let name = &string_arg(name, "name")?;
    let data = ohlcv_from(data)?;
    let params: Value = if params.is_undefined() || params.is_null() { Value::Null } else { from_js(params.clone(), "params")? };
    let semantics = if options.is_undefined() || options.is_null() {
        Semantics::BacktestingPy
    } else {
        let opts: Value = from_js(options.clone(), "options")?;
        BacktestConfig::from_json(&opts, &[])?.semantics
    };
    let table = strategies::generate(name, &data, &params, semantics)?;
    let out = js_sys::Object::new();
    let time: Vec<f64> = table.timestamp.iter().map(|&t| t as f64).collect();
    set(&out, "timestamp", &f64_array(&time))?;
    let signal = js_sys::Array::new_with_length(table.signal.len() as u32);
    for (i, s) in table.signal.iter().enumerate() {
        signal.set(i as u32, JsValue::from_str(s.as_str()));
    }
    set(&out, "signal", &signal)?;
    set(&out, "confidence", &f64_array(&table.confidence))?;
    set(&out, "warmup", &JsValue::from(table.warmup as u32))?;
    Ok(out.into())
}
