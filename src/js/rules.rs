//! JS wrappers for the rule language: `ruleSignals(data, rules, params)`, `compileRules(rules)`
//! (a `CompiledRules` object) and `ruleSets()`. Conversions only; the language lives in
//! `crate::rules`. `backtest`, `optimize`, `walkForward` and `optimizeBatch` take `rules`
//! through their own config parsing.

use super::convert::{f64_array, from_js, to_js};
use super::errors::JsResult;
use super::strategies::ohlcv_from;
use crate::backtest::SignalSeries;
use crate::rules::{self, CompiledRules};
use crate::series::Ohlcv;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const RULES_TS: &str = r#"
export interface Rules { buy: string; sell: string }
export interface RuleSignals { timestamp: Float64Array; signal: ('BUY' | 'SELL' | 'HOLD')[]; warmup: number }
export interface RulesInfo { buy: string; sell: string; params: string[]; indicators: string[]; timeframes: string[]; calls: number }
export interface RuleSet { name: string; description: string; buy: string; sell: string; params: Record<string, number> }
"#;

fn json_object(value: &JsValue, what: &str) -> JsResult<Map<String, Value>> {
    if value.is_undefined() || value.is_null() {
        return Ok(Map::new());
    }
    match from_js::<Value>(value.clone(), what)? {
        Value::Object(m) => Ok(m),
        _ => Err(
            crate::Error::invalid_input(format!("{what} must be an object"))
                .with("field", what)
                .into(),
        ),
    }
}

/// `{timestamp: Float64Array, signal: ['BUY'|'SELL'|'HOLD'], warmup}`.
fn signals_to_js(data: &Ohlcv, series: &SignalSeries) -> JsResult<JsValue> {
    let out = js_sys::Object::new();
    let time: Vec<f64> = data.time.iter().map(|&t| t as f64).collect();
    js_sys::Reflect::set(&out, &"timestamp".into(), &f64_array(&time))?;
    let signal = js_sys::Array::new_with_length(series.signals.len() as u32);
    for (i, s) in series.signals.iter().enumerate() {
        signal.set(i as u32, JsValue::from_str(s.as_str()));
    }
    js_sys::Reflect::set(&out, &"signal".into(), &signal)?;
    js_sys::Reflect::set(&out, &"warmup".into(), &JsValue::from(series.warmup as u32))?;
    Ok(out.into())
}

/// A rule set validated once: `params`, `indicators`, `timeframes`, `buy`, `sell`, `calls`,
/// and `signals(data, params)`.
#[wasm_bindgen(js_name = CompiledRules)]
pub struct JsCompiledRules {
    inner: CompiledRules,
}

#[wasm_bindgen(js_class = CompiledRules)]
impl JsCompiledRules {
    /// Parameter names the rules read, in order of first use.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn params(&self) -> JsResult<JsValue> {
        to_js(&self.inner.params())
    }

    /// `{buy, sell, params, indicators, timeframes, calls}`.
    #[wasm_bindgen(getter, unchecked_return_type = "RulesInfo")]
    pub fn info(&self) -> JsResult<JsValue> {
        to_js(&self.inner.info())
    }

    /// Catalogue functions the rules call.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn indicators(&self) -> JsResult<JsValue> {
        to_js(&self.inner.info().indicators)
    }

    /// Like `ruleSignals(data, rules, params)` without compiling again.
    #[wasm_bindgen(unchecked_return_type = "RuleSignals")]
    pub fn signals(&self, data: &JsValue, params: &JsValue) -> JsResult<JsValue> {
        let data = ohlcv_from(data)?;
        let series = self.inner.signals(&data, &json_object(params, "params")?)?;
        signals_to_js(&data, &series)
    }

    /// `{buy, sell}`: the rule texts, to pass as `rules` to `backtest`/`optimize`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<JsValue> {
        to_js(&serde_json::json!({"buy": self.inner.buy, "sell": self.inner.sell}))
    }
}

fn compile(rules: &JsValue) -> JsResult<CompiledRules> {
    let value: Value = if rules.is_object() {
        from_js(rules.clone(), "rules")?
    } else {
        Value::Null
    };
    Ok(CompiledRules::from_json(&value)?)
}

/// Validates `{buy, sell}` once; errors are INVALID_RULE with `details.{rule, offset, line,
/// column, expected}` (RESOURCE_LIMIT for size bounds).
#[wasm_bindgen(js_name = compileRules)]
pub fn compile_rules(#[wasm_bindgen(unchecked_param_type = "Rules")] rules: &JsValue) -> JsResult<JsCompiledRules> {
    Ok(JsCompiledRules {
        inner: compile(rules)?,
    })
}

/// `ruleSignals(data, {buy, sell}, params)` → `{timestamp, signal, warmup}`: BUY where buy
/// holds and sell does not, SELL the other way round, HOLD otherwise; `warmup` counts bars
/// until every indicator the rules use has a value.
#[wasm_bindgen(js_name = ruleSignals, unchecked_return_type = "RuleSignals")]
pub fn rule_signals(
    data: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Rules")] rules: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, number>")] params: &JsValue,
) -> JsResult<JsValue> {
    let compiled = compile(rules)?;
    let data = ohlcv_from(data)?;
    let series = compiled.signals(&data, &json_object(params, "params")?)?;
    signals_to_js(&data, &series)
}

/// The built-in strategies as named rule sets: `[{name, description, buy, sell, params}]`.
#[wasm_bindgen(js_name = ruleSets, unchecked_return_type = "RuleSet[]")]
pub fn rule_sets() -> JsResult<JsValue> {
    let sets: Vec<Value> = rules::registry::rule_sets()
        .iter()
        .map(|r| r.to_json())
        .collect();
    to_js(&sets)
}
