//! The strategy rule language: `{buy: 'crossover(SMA(close, n1), SMA(close, n2))', sell: ...}`
//! parsed, type-checked against the indicator catalogue and compiled once into a plan of
//! column operations ([`CompiledRules`]), then evaluated per dataset and parameter values.
//!
//! * [`CompiledRules::compile`] validates (INVALID_RULE with `rule`, `offset`, `line`,
//!   `column`, `expected`; RESOURCE_LIMIT for size bounds) and lists parameters and indicators.
//! * [`CompiledRules::signals`]: `ruleSignals` — BUY/SELL/HOLD per bar and the warm-up.
//! * [`RuleData`]: the rules bound to one dataset, with the call cache the optimizer shares
//!   across combinations and threads; [`RuleEvaluator`] plugs it into `optimize`.
//! * [`backtest_request`]: `backtest(data, {rules, params, ...})`.
//!
//! The language is documented in docs/rules.md.

mod compile;
mod error;
mod eval;
mod lexer;
mod parser;
pub mod registry;

pub use compile::Ty;
pub use error::RuleError;

use crate::backtest::{
    self, BacktestConfig, BacktestContext, BacktestResult, SignalSeries, SliceSignals, Stats,
    Workspace,
};
use crate::series::Ohlcv;
use crate::{Error, Result};
use compile::{Col, Compiler, ParamUse, Program};
use eval::{Cache, Env, Scratch, Timeframe};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::RefCell;

/// Longest rule text, in bytes.
pub const MAX_RULE_LEN: usize = 4096;
/// Deepest nesting of parentheses, calls and unary operators.
pub const MAX_DEPTH: usize = parser::MAX_DEPTH;
/// Deepest operation tree (long `a + b + c ...` chains count too).
pub const MAX_COMPILE_DEPTH: usize = 256;
/// Distinct indicator, window and `tf` calls in one rule set.
pub const MAX_CALLS: usize = 64;
/// Distinct parameters in one rule set.
pub const MAX_PARAMS: usize = 16;
/// Distinct `tf` timeframes in one rule set.
pub const MAX_TIMEFRAMES: usize = 4;
/// Calls × bars per evaluation (the "total indicator work" bound).
pub const MAX_WORK: usize = 200_000_000;
/// Bytes of call results a [`RuleData`] keeps for reuse across combinations.
pub const CACHE_BYTES: usize = 64 << 20;

/// The two rule names, in the order errors and listings use.
pub const RULES: [&str; 2] = ["buy", "sell"];

/// A validated rule set, reusable across datasets and parameter values.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledRules {
    pub buy: String,
    pub sell: String,
    program: Program,
    roots: [Col; 2],
    params: Vec<ParamUse>,
    timeframes: Vec<(String, i64)>,
    indicators: Vec<&'static str>,
}

/// What `compileRules` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulesInfo {
    pub buy: String,
    pub sell: String,
    /// Parameter names the rules read, in order of first use.
    pub params: Vec<String>,
    /// Catalogue functions the rules call.
    pub indicators: Vec<String>,
    /// Timeframes of `tf()` calls.
    pub timeframes: Vec<String>,
    /// Distinct indicator, window and `tf` calls after sharing equal sub-expressions.
    pub calls: usize,
}

impl CompiledRules {
    /// Parses and checks both rules.
    pub fn compile(buy: &str, sell: &str) -> Result<CompiledRules> {
        let sources = [buy, sell];
        let mut compiler = Compiler::new();
        let mut roots = [Col::Scalar(0); 2];
        for (i, src) in sources.iter().enumerate() {
            let rule = RULES[i];
            if src.len() > MAX_RULE_LEN {
                return Err(RuleError::limit(
                    MAX_RULE_LEN,
                    format!(
                        "the rule is {} bytes long; the limit is {MAX_RULE_LEN}",
                        src.len()
                    ),
                    MAX_RULE_LEN,
                )
                .into_error(rule, src));
            }
            if src.trim().is_empty() {
                return Err(RuleError::new(
                    0,
                    "the rule is empty",
                    "a condition such as 'close > SMA(close, 20)'",
                )
                .into_error(rule, src));
            }
            let ast = parser::parse(src).map_err(|e| e.into_error(rule, src))?;
            roots[i] = compiler
                .rule(i, &ast)
                .map_err(|e| e.into_error(rule, src))?;
        }
        let compile::Compiled {
            program,
            params,
            timeframes,
            indicators,
        } = compiler.finish();
        Ok(CompiledRules {
            buy: buy.to_string(),
            sell: sell.to_string(),
            program,
            roots,
            params,
            timeframes,
            indicators,
        })
    }

    /// From `{buy, sell}` (both strings).
    pub fn from_json(rules: &Value) -> Result<CompiledRules> {
        let map = rules.as_object().ok_or_else(|| {
            Error::invalid_input(
                "rules must be an object {buy: '<condition>', sell: '<condition>'}",
            )
            .with("field", "rules")
        })?;
        if let Some(k) = map.keys().find(|k| !RULES.contains(&k.as_str())) {
            return Err(Error::invalid_input(format!(
                "rules has an unknown key '{k}'; give 'buy' and 'sell'"
            ))
            .with("field", format!("rules.{k}")));
        }
        let text = |k: &str| {
            map.get(k).and_then(Value::as_str).ok_or_else(|| {
                Error::invalid_input(format!("rules.{k} must be a string (a condition)"))
                    .with("field", format!("rules.{k}"))
            })
        };
        CompiledRules::compile(text("buy")?, text("sell")?)
    }

    /// Parameter names in order of first use.
    pub fn params(&self) -> Vec<&str> {
        self.params.iter().map(|p| p.name.as_str()).collect()
    }

    pub fn info(&self) -> RulesInfo {
        RulesInfo {
            buy: self.buy.clone(),
            sell: self.sell.clone(),
            params: self.params.iter().map(|p| p.name.clone()).collect(),
            indicators: self.indicators.iter().map(|s| s.to_string()).collect(),
            timeframes: self.timeframes.iter().map(|(s, _)| s.clone()).collect(),
            calls: count_calls(&self.program),
        }
    }

    /// Parameter values in the rules' order from a JSON object. A parameter the rules read
    /// but `given` lacks is an unknown identifier (INVALID_RULE at its first use); a key the
    /// rules never read is INVALID_PARAMETER (a typo would otherwise pass silently).
    pub fn bind(&self, given: &Map<String, Value>) -> Result<Vec<f64>> {
        if let Some(k) = given
            .keys()
            .find(|k| !self.params.iter().any(|p| &p.name == *k))
        {
            return Err(Error::invalid_parameter(format!(
                "parameter '{k}' is not used by the rules; they read: {}",
                if self.params.is_empty() {
                    "no parameters".to_string()
                } else {
                    self.params().join(", ")
                }
            ))
            .with("parameter", k.as_str())
            .with("known", self.params()));
        }
        self.params
            .iter()
            .map(|p| match given.get(&p.name) {
                Some(v) => v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| {
                    Error::invalid_parameter(format!(
                        "parameter '{}' must be a finite number, got {v}",
                        p.name
                    ))
                    .with("parameter", p.name.as_str())
                }),
                None => Err(self.unknown(p)),
            })
            .collect()
    }

    fn unknown(&self, p: &ParamUse) -> Error {
        let src = if p.rule == 0 { &self.buy } else { &self.sell };
        RuleError::new(
            p.offset,
            format!(
                "unknown identifier '{}': not a series (open, high, low, close, volume) and not given in params",
                p.name
            ),
            format!("a series or a parameter given in params (add '{}' to params)", p.name),
        )
        .into_error(RULES[p.rule], src)
    }

    /// `ruleSignals`: one signal per bar and backtesting.py's warm-up.
    pub fn signals(&self, data: &Ohlcv, params: &Map<String, Value>) -> Result<SignalSeries> {
        let values = self.bind(params)?;
        let bound = RuleData::new(data, Cow::Borrowed(self), 0)?;
        let mut s = Scratch::default();
        let warmup = bound.run(&values, &mut s)?;
        Ok(SignalSeries::new(std::mem::take(&mut s.signals), warmup))
    }
}

/// One expression evaluated over `data`: its values (conditions as 1/0, numbers repeated on
/// every bar), its type and the warm-up of the indicators it uses. Errors name the rule
/// `expr`.
pub fn evaluate(
    data: &Ohlcv,
    expr: &str,
    params: &Map<String, Value>,
) -> Result<(Vec<f64>, Ty, usize)> {
    let fail = |e: RuleError| e.into_error("expr", expr);
    if expr.len() > MAX_RULE_LEN {
        return Err(fail(RuleError::limit(
            0,
            format!("the expression is longer than {MAX_RULE_LEN} bytes"),
            MAX_RULE_LEN,
        )));
    }
    let ast = parser::parse(expr).map_err(fail)?;
    let mut compiler = Compiler::new();
    let (root, ty) = compiler.any(&ast).map_err(fail)?;
    let compile::Compiled {
        program,
        params: params_used,
        timeframes,
        indicators,
    } = compiler.finish();
    let rules = CompiledRules {
        buy: expr.to_string(),
        sell: expr.to_string(),
        program,
        roots: [root, root],
        params: params_used,
        timeframes,
        indicators,
    };
    let values = rules.bind(params)?;
    let bound = RuleData::new(data, Cow::Borrowed(&rules), 0)?;
    let mut s = Scratch::default();
    let warmup = bound.run(&values, &mut s)?;
    let column = match s.val(root, data) {
        eval::Val::S(x) => x.to_vec(),
        eval::Val::K(k) => vec![k; data.len()],
    };
    Ok((column, ty, warmup))
}

fn count_calls(p: &Program) -> usize {
    p.calls
        .iter()
        .map(|c| match &c.kind {
            compile::CallKind::Tf { inner, .. } => 1 + count_calls(inner),
            _ => 1,
        })
        .sum()
}

/// Rules bound to one dataset: its higher timeframes and the cache of call results.
#[derive(Debug)]
pub struct RuleData<'d> {
    data: &'d Ohlcv,
    rules: Cow<'d, CompiledRules>,
    timeframes: Vec<Timeframe>,
    cache: Cache,
}

impl<'d> RuleData<'d> {
    /// `cache_bytes` bounds the kept call results (0: keep none, for one-shot use).
    pub fn new(data: &'d Ohlcv, rules: Cow<'d, CompiledRules>, cache_bytes: usize) -> Result<Self> {
        BacktestContext::new(data)?; // checks the columns' lengths
        let mut timeframes = Vec::with_capacity(rules.timeframes.len());
        for (spec, ms) in &rules.timeframes {
            timeframes.push(Timeframe::new(data, *ms).map_err(|e| Error {
                message: format!("tf('{spec}'): {}", e.message),
                ..e
            })?);
        }
        let mut work = rules.program.calls.len().saturating_mul(data.len());
        for c in &rules.program.calls {
            if let compile::CallKind::Tf { tf, inner, .. } = &c.kind {
                let bars = timeframes.get(*tf).map_or(0, |t| t.data.len());
                work = work.saturating_add(inner.calls.len().saturating_mul(bars));
            }
        }
        if work > MAX_WORK {
            return Err(Error::resource_limit(format!(
                "the rules need {work} indicator values per evaluation (calls × bars); the limit is {MAX_WORK}"
            ))
            .with("limit", MAX_WORK)
            .with("got", work));
        }
        Ok(RuleData {
            data,
            rules,
            timeframes,
            cache: Cache::new(cache_bytes),
        })
    }

    /// Evaluates both rules into `s.signals`; returns the warm-up.
    pub fn run(&self, params: &[f64], s: &mut Scratch) -> Result<usize> {
        let env = Env {
            data: self.data,
            timeframes: &self.timeframes,
            cache: Some(&self.cache),
        };
        eval::run(&self.rules.program, &env, params, s)?;
        let warmup = eval::warmup(&self.rules.program, s);
        let mut signals = std::mem::take(&mut s.signals);
        eval::combine(
            s.val(self.rules.roots[0], self.data),
            s.val(self.rules.roots[1], self.data),
            self.data.len(),
            &mut signals,
        );
        s.signals = signals;
        Ok(warmup)
    }

    /// Call results kept in the cache.
    pub fn cached(&self) -> usize {
        self.cache.kept()
    }
}

/// Keys of a backtest request that belong to the rules, not to [`BacktestConfig`].
pub const REQUEST_KEYS: [&str; 2] = ["rules", "params"];

/// The backtest options of a rules request: every [`BacktestConfig`] key, with `repeat`
/// defaulting to `'ignore'` where the engine has that option.
pub fn backtest_config(
    request: &Map<String, Value>,
    extra_ignore: &[&str],
) -> Result<BacktestConfig> {
    let mut map = request.clone();
    if backtest::config::KNOWN_KEYS.contains(&"repeat") && !map.contains_key("repeat") {
        map.insert("repeat".into(), Value::from("ignore"));
    }
    let mut ignore: Vec<&str> = REQUEST_KEYS.to_vec();
    ignore.extend_from_slice(extra_ignore);
    BacktestConfig::from_json(&Value::Object(map), &ignore)
}

fn params_of(request: &Map<String, Value>) -> Result<Map<String, Value>> {
    match request.get("params") {
        Some(Value::Object(p)) => Ok(p.clone()),
        None | Some(Value::Null) => Ok(Map::new()),
        Some(_) => {
            Err(Error::invalid_parameter("'params' must be an object").with("parameter", "params"))
        }
    }
}

/// `backtest(data, {rules, params, ...options})`: the same result as backtesting the
/// explicit signals and warm-up of [`CompiledRules::signals`] with the same options.
pub fn backtest_request(data: &Ohlcv, request: &Value) -> Result<BacktestResult> {
    let map = request.as_object().ok_or_else(|| {
        Error::invalid_input("backtest config must be an object").with("field", "config")
    })?;
    for k in ["strategy", "signals", "warmup"] {
        if map.get(k).is_some_and(|v| !v.is_null()) {
            return Err(
                Error::invalid_input(format!("give either 'rules' or '{k}', not both"))
                    .with("field", k),
            );
        }
    }
    let rules = CompiledRules::from_json(map.get("rules").unwrap_or(&Value::Null))?;
    let cfg = backtest_config(map, &["strategy", "signals", "warmup"])?;
    let series = rules.signals(data, &params_of(map)?)?;
    backtest::run(data, &series, &cfg)
}

thread_local! {
    /// Per-thread buffers of the optimizer loop.
    static SCRATCH: RefCell<(Scratch, Workspace)> = RefCell::new(Default::default());
}

/// Rules as an optimizer objective: the search space names rule parameters; `params` in the
/// config fixes the others. Call results are cached across combinations and threads.
#[derive(Debug)]
pub struct RuleEvaluator<'d> {
    bound: RuleData<'d>,
    ctx: BacktestContext<'d>,
    config: BacktestConfig,
    fixed: Vec<Option<f64>>,
}

impl<'d> RuleEvaluator<'d> {
    /// `space` lists the searched parameter names; `backtest` holds `params` and the options.
    pub fn new(
        data: &'d Ohlcv,
        rules: CompiledRules,
        space: &[String],
        backtest: &Map<String, Value>,
        path: &str,
    ) -> Result<Self> {
        let at = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        for name in space {
            if !rules.params.iter().any(|p| &p.name == name) {
                return Err(Error::invalid_parameter(format!(
                    "{}: the rules have no parameter '{name}'; they read: {}",
                    at(&format!("space.{name}")),
                    rules.params().join(", ")
                ))
                .with("path", at(&format!("space.{name}")))
                .with("parameter", name.as_str()));
            }
        }
        let given = params_of(backtest)?;
        let mut fixed = Vec::with_capacity(rules.params.len());
        for p in &rules.params {
            let v = given.get(&p.name);
            if space.contains(&p.name) {
                if v.is_some() {
                    return Err(Error::invalid_parameter(format!(
                        "parameter '{}' is both searched and fixed in params",
                        p.name
                    ))
                    .with("parameter", p.name.as_str()));
                }
                fixed.push(None);
            } else {
                match v.and_then(Value::as_f64) {
                    Some(x) => fixed.push(Some(x)),
                    None => return Err(rules.unknown(p)),
                }
            }
        }
        if let Some(k) = given
            .keys()
            .find(|k| !rules.params.iter().any(|p| &p.name == *k))
        {
            return Err(
                Error::invalid_parameter(format!("params.{k} is not used by the rules"))
                    .with("parameter", k.as_str()),
            );
        }
        let config = backtest_config(backtest, &[])?;
        let ctx = BacktestContext::new(data)?;
        let bound = RuleData::new(data, Cow::Owned(rules), CACHE_BYTES)?;
        Ok(RuleEvaluator {
            bound,
            ctx,
            config,
            fixed,
        })
    }

    /// Stats of one combination; `lookup` gives searched parameters by name.
    pub fn stats(&self, lookup: impl Fn(&str) -> Option<f64>) -> Result<Stats> {
        let mut values = [0.0; MAX_PARAMS];
        for (i, (p, fixed)) in self.bound.rules.params.iter().zip(&self.fixed).enumerate() {
            values[i] = match fixed {
                Some(v) => *v,
                None => lookup(&p.name).ok_or_else(|| {
                    Error::invalid_parameter(format!("parameter '{}' must be a number", p.name))
                        .with("parameter", p.name.as_str())
                })?,
            };
        }
        let values = &values[..self.fixed.len()];
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (s, ws) = &mut *guard;
            let warmup = self.bound.run(values, s)?;
            let mut source = SliceSignals {
                signals: &s.signals,
                warmup,
            };
            let stats = backtest::evaluate(&self.ctx, ws, &mut source, &self.config);
            s.release();
            stats
        })
    }

    pub fn config(&self) -> &BacktestConfig {
        &self.config
    }

    /// Call results cached so far.
    pub fn cached(&self) -> usize {
        self.bound.cached()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compile_lists_params_and_indicators() {
        let r = CompiledRules::compile(
            "crossover(SMA(close, n1), SMA(close, n2))",
            "crossunder(SMA(close, n1), SMA(close, n2))",
        )
        .expect("compile");
        let info = r.info();
        assert_eq!(info.params, vec!["n1", "n2"]);
        assert_eq!(info.indicators, vec!["SMA"]);
        assert_eq!(info.calls, 2);
        let e = r
            .bind(json!({"n1": 3}).as_object().expect("obj"))
            .unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_RULE");
        assert_eq!(e.detail("offset").and_then(|v| v.as_u64()), Some(37));
    }
}
