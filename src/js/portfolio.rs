//! JS binding: `portfolio(assets, config)`. Conversions only; the rules live in
//! `crate::backtest::portfolio`.

use super::convert::{f64_array, f64_vec, from_js, to_js};
use super::data::JsOhlcv;
use super::errors::JsResult;
use crate::backtest::portfolio::{self, PortfolioResult, MAX_ASSETS};
use crate::series::Ohlcv;
use crate::Error;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

fn set(obj: &js_sys::Object, key: &str, value: &JsValue) -> JsResult<()> {
    js_sys::Reflect::set(obj, &key.into(), value).map(|_| ())
}

/// `[key, value]` pairs of a plain object, in its own enumeration order.
fn entries(obj: &JsValue) -> Vec<(String, JsValue)> {
    js_sys::Object::entries(obj.unchecked_ref())
        .iter()
        .map(|entry| {
            let pair: js_sys::Array = entry.unchecked_into();
            (pair.get(0).as_string().unwrap_or_default(), pair.get(1))
        })
        .collect()
}

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !js_sys::Array::is_array(v) && !js_sys::ArrayBuffer::is_view(v)
}

/// One asset: an `Ohlcv` instance (anything with `toColumns()`) or plain columns.
fn asset_from(symbol: &str, value: &JsValue) -> JsResult<Ohlcv> {
    let field = format!("assets.{symbol}");
    if !value.is_object() {
        return Err(Error::invalid_input(format!(
            "{field} must be an Ohlcv or {{time, open, high, low, close, volume?}} columns"
        ))
        .with("field", field)
        .into());
    }
    let to_columns = js_sys::Reflect::get(value, &"toColumns".into()).unwrap_or(JsValue::UNDEFINED);
    let columns = match to_columns.dyn_ref::<js_sys::Function>() {
        Some(f) => f.call0(value)?,
        None => value.clone(),
    };
    Ok(JsOhlcv::from_columns(&columns)?.inner().clone())
}

/// `{SYMBOL: data}` in the object's order, bounded before any series is copied.
fn assets_from(assets: &JsValue) -> JsResult<Vec<(String, Ohlcv)>> {
    if !is_plain_object(assets) {
        return Err(
            Error::invalid_input("assets must be an object {SYMBOL: Ohlcv, ...}")
                .with("field", "assets")
                .into(),
        );
    }
    let pairs = entries(assets);
    if pairs.len() > MAX_ASSETS {
        return Err(Error::resource_limit(format!(
            "{} assets is more than the limit of {MAX_ASSETS} per portfolio",
            pairs.len()
        ))
        .with("field", "assets")
        .with("limit", MAX_ASSETS)
        .with("got", pairs.len())
        .into());
    }
    pairs
        .iter()
        .map(|(sym, v)| Ok((sym.clone(), asset_from(sym, v)?)))
        .collect()
}

/// The config as JSON; `signals` may hold typed arrays (`Int8Array` of 1/0/-1, ...).
fn config_json(config: &JsValue) -> JsResult<Value> {
    if config.is_undefined() || config.is_null() {
        return Ok(Value::Object(Map::new()));
    }
    if !is_plain_object(config) {
        return Err(Error::invalid_input("portfolio config must be an object")
            .with("field", "config")
            .into());
    }
    let mut map = Map::new();
    for (key, value) in entries(config) {
        if value.is_undefined() {
            continue;
        }
        let json = if key == "signals" && is_plain_object(&value) {
            let mut per_asset = Map::new();
            for (sym, v) in entries(&value) {
                let field = format!("signals.{sym}");
                let json = if js_sys::ArrayBuffer::is_view(&v) {
                    Value::Array(f64_vec(&v, &field)?.into_iter().map(Value::from).collect())
                } else {
                    from_js::<Value>(v, &field)?
                };
                per_asset.insert(sym, json);
            }
            Value::Object(per_asset)
        } else {
            from_js::<Value>(value, &format!("config.{key}"))?
        };
        map.insert(key, json);
    }
    Ok(Value::Object(map))
}

fn times(ms: &[i64]) -> js_sys::Float64Array {
    f64_array(&ms.iter().map(|&t| t as f64).collect::<Vec<f64>>())
}

fn result_object(r: &PortfolioResult) -> JsResult<JsValue> {
    let out = js_sys::Object::new();
    set(&out, "mode", &r.mode.as_str().into())?;
    set(&out, "align", &r.align.as_str().into())?;
    set(&out, "stats", &to_js(&r.stats)?)?;
    set(&out, "value", &f64_array(&r.value))?;
    set(&out, "cash", &f64_array(&r.cash))?;
    set(&out, "time", &times(&r.time))?;
    set(&out, "orders", &to_js(&r.orders)?)?;
    let assets = js_sys::Object::new();
    for a in &r.assets {
        let one = js_sys::Object::new();
        set(&one, "stats", &to_js(&a.stats)?)?;
        set(&one, "trades", &to_js(&a.trades)?)?;
        set(&one, "value", &f64_array(&a.value))?;
        set(&assets, &a.symbol, &one)?;
    }
    set(&out, "assets", &assets)?;
    Ok(out.into())
}

/// Runs several assets from one cash pool. `assets`: `{SYMBOL: Ohlcv | columns}` (in that
/// order); `config`: `strategy` (+ `params` or inline parameters) or per-asset `signals`
/// (`{SYMBOL: Int8Array | array of 1/0/-1}`), and `mode` (`'vectorbt'` default,
/// `'backtesting.py'`), `align` (`'inner'` default, `'union'`), `size` (0, 1], `fees`,
/// `cash`, `sl`/`tp` (backtesting.py mode), `risk_free_rate`; camelCase accepted.
/// Returns `{mode, align, stats, value: Float64Array, cash: Float64Array, time:
/// Float64Array, orders: [{asset, bar, size, price, fees, side}], assets: {SYMBOL: {stats,
/// trades, value}}}`.
#[wasm_bindgen(js_name = portfolio)]
pub fn portfolio(assets: &JsValue, config: &JsValue) -> JsResult<JsValue> {
    let owned = assets_from(assets)?;
    let request = config_json(config)?;
    let refs: Vec<(&str, &Ohlcv)> = owned.iter().map(|(s, d)| (s.as_str(), d)).collect();
    let result = portfolio::portfolio_request(&refs, &request)?;
    result_object(&result)
}
