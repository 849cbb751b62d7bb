//! Portfolio options: parsed from one JSON object (snake_case or camelCase keys), validated
//! into typed errors that name the offending field before any bar is simulated.

use crate::backtest::config::snake_case;
use crate::signals::strategies::{self, Params};
use crate::signals::Signal;
use crate::{Error, Result};
use serde_json::{Map, Value};

/// Most assets one portfolio may hold (memory and time grow with assets × bars).
pub const MAX_ASSETS: usize = 500;
/// Most aligned cells (aligned bars × assets) one portfolio may simulate: about 20 bytes
/// each, so the limit keeps a run near 100 MB, inside a Cloudflare Worker's 128 MB.
pub const MAX_CELLS: usize = 5_000_000;

/// Whose fill rules the portfolio follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// vectorbt `Portfolio.from_signals(cash_sharing=True, call_seq='auto',
    /// size_type='percent')`: fills at the signal bar's close, fractional units.
    Vectorbt,
    /// backtesting.py-style broker over one cash pool: fills at the next bar's open, whole
    /// units, optional per-asset stop-loss / take-profit.
    BacktestingPy,
}

impl Mode {
    pub const NAMES: [&'static str; 2] = ["vectorbt", "backtesting.py"];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Vectorbt => "vectorbt",
            Mode::BacktestingPy => "backtesting.py",
        }
    }
}

/// How the assets' timestamps are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Only timestamps every asset has (the default; what the vectorbt reference does).
    Inner,
    /// Every timestamp any asset has; an asset without a bar there keeps its last close for
    /// valuation and does not trade on that bar.
    Union,
}

impl Align {
    pub const NAMES: [&'static str; 2] = ["inner", "union"];

    pub fn as_str(self) -> &'static str {
        match self {
            Align::Inner => "inner",
            Align::Union => "union",
        }
    }
}

/// Where each asset's signals come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalPlan {
    /// One built-in strategy, run on every asset's aligned bars with the same parameters.
    Strategy(Params),
    /// Explicit signals, one vector per asset in the assets' order. Each has one signal per
    /// bar of that asset's own data, or one per aligned bar.
    Explicit(Vec<Vec<Signal>>),
    // Hook for the rule language: a `Rules(compiled)` variant evaluated on each asset's
    // aligned bars goes here; `config.rules` is rejected until it exists (see `from_json`).
}

/// Validated portfolio options. Defaults: vectorbt mode, inner join, all available cash per
/// entry, no fees, 10 000 cash.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioConfig {
    pub mode: Mode,
    pub align: Align,
    /// Fraction in (0, 1] of the cash available at the fill that an entry spends.
    pub size: f64,
    /// Fraction of traded value charged on every fill (vectorbt `fees`).
    pub fees: f64,
    /// Starting cash, shared by every asset.
    pub cash: f64,
    /// Stop-loss distance below the signal bar's close, a fraction in (0, 1)
    /// (backtesting.py mode only).
    pub sl: Option<f64>,
    /// Take-profit distance above the signal bar's close, a fraction in (0, 1)
    /// (backtesting.py mode only).
    pub tp: Option<f64>,
    /// Annual risk-free rate for Sharpe, Sortino and Alpha.
    pub risk_free_rate: f64,
    pub signals: SignalPlan,
}

impl PortfolioConfig {
    /// Options with defaults around a signal plan.
    pub fn new(signals: SignalPlan) -> PortfolioConfig {
        PortfolioConfig {
            mode: Mode::Vectorbt,
            align: Align::Inner,
            size: 1.0,
            fees: 0.0,
            cash: 10_000.0,
            sl: None,
            tp: None,
            risk_free_rate: 0.0,
            signals,
        }
    }
}

/// Every option key (snake_case; camelCase is accepted too). A strategy's own parameters
/// may also be given inline next to `strategy`.
pub const KNOWN_KEYS: [&str; 16] = [
    "strategy",
    "params",
    "signals",
    "rules",
    "mode",
    "semantics",
    "align",
    "size",
    "fees",
    "commission",
    "cash",
    "init_cash",
    "sl",
    "tp",
    "risk_free_rate",
    "size_type",
];

fn field_error(field: &str, message: String) -> Error {
    Error::invalid_parameter(message).with("field", field)
}

fn number(field: &str, v: &Value) -> Result<f64> {
    v.as_f64()
        .ok_or_else(|| field_error(field, format!("'{field}' must be a number, got {v}")))
}

fn text<'a>(field: &str, v: &'a Value) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| field_error(field, format!("'{field}' must be a string, got {v}")))
}

fn range(field: &str, value: f64, ok: bool, interval: &str) -> Result<()> {
    if ok {
        return Ok(());
    }
    Err(field_error(
        field,
        format!("{field} = {value} is outside its valid range {interval}"),
    )
    .with("value", value.to_string())
    .with("range", interval))
}

fn parse_mode(name: &str) -> Result<Mode> {
    match name.trim().to_ascii_lowercase().as_str() {
        "vectorbt" | "vbt" => Ok(Mode::Vectorbt),
        "backtesting.py" | "backtesting" | "backtestingpy" => Ok(Mode::BacktestingPy),
        _ => Err(field_error(
            "mode",
            format!(
                "unknown mode '{name}'; use one of: {}",
                Mode::NAMES.join(", ")
            ),
        )
        .with("allowed", Mode::NAMES.to_vec())),
    }
}

fn parse_align(name: &str) -> Result<Align> {
    match name.trim().to_ascii_lowercase().as_str() {
        "inner" => Ok(Align::Inner),
        "union" | "outer" => Ok(Align::Union),
        _ => Err(field_error(
            "align",
            format!(
                "unknown align '{name}'; use one of: {}",
                Align::NAMES.join(", ")
            ),
        )
        .with("allowed", Align::NAMES.to_vec())),
    }
}

/// Explicit signals `{SYM: [1, 0, -1, ...] | ['BUY', ...]}`: one entry per asset, no others.
fn parse_explicit(value: &Value, symbols: &[&str]) -> Result<Vec<Vec<Signal>>> {
    let map = value.as_object().ok_or_else(|| {
        Error::invalid_input(
            "'signals' must be an object {SYMBOL: signals} with one entry per asset",
        )
        .with("field", "signals")
    })?;
    if let Some(extra) = map.keys().find(|k| !symbols.contains(&k.as_str())) {
        return Err(Error::invalid_input(format!(
            "'signals' has an entry for '{extra}', which is not one of the assets ({})",
            symbols.join(", ")
        ))
        .with("field", format!("signals.{extra}")));
    }
    symbols
        .iter()
        .map(|sym| {
            let field = format!("signals.{sym}");
            let values = map.get(*sym).ok_or_else(|| {
                Error::invalid_input(format!(
                    "'signals' has no entry for asset '{sym}'; give one per asset"
                ))
                .with("field", field.as_str())
            })?;
            let values = values.as_array().ok_or_else(|| {
                Error::invalid_input(format!(
                    "'{field}' must be an array of signals (1/0/-1 or BUY/HOLD/SELL)"
                ))
                .with("field", field.as_str())
            })?;
            strategies::parse_signals(values).map_err(|e| {
                let row = e.detail("row").cloned().unwrap_or(Value::Null);
                Error::invalid_input(format!("{field}: {}", e.message))
                    .with("field", field.as_str())
                    .with("row", row)
            })
        })
        .collect()
}

impl PortfolioConfig {
    /// Reads `{strategy, params | inline params} | {signals}`, plus options, for the assets
    /// named in `symbols` (in order). Unknown keys are INVALID_PARAMETER errors listing the
    /// known ones.
    pub fn from_json(value: &Value, symbols: &[&str]) -> Result<PortfolioConfig> {
        let empty = Map::new();
        let map = match value {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                return Err(Error::invalid_input("portfolio config must be an object")
                    .with("field", "config"))
            }
        };
        let get = |key: &str| {
            map.iter()
                .find(|(k, _)| snake_case(k) == key)
                .map(|(_, v)| v)
        };
        // Hook for the rule language (see `SignalPlan`).
        if get("rules").is_some_and(|v| !v.is_null()) {
            return Err(field_error(
                "rules",
                "portfolio does not take 'rules' yet; give 'strategy' or explicit per-asset 'signals'".to_string(),
            ));
        }
        // The signal source first: a strategy's parameter names become known keys.
        let mut inline_params: Vec<&str> = Vec::new();
        let signals = match (
            get("strategy").filter(|v| !v.is_null()),
            get("signals").filter(|v| !v.is_null()),
        ) {
            (Some(_), Some(_)) => {
                return Err(
                    Error::invalid_input("give either 'strategy' or 'signals', not both")
                        .with("field", "signals"),
                )
            }
            (None, None) => {
                return Err(Error::invalid_input(format!(
                "portfolio config needs 'strategy' (one of: {}) or explicit per-asset 'signals'",
                strategies::names().join(", ")
            ))
                .with("field", "strategy"))
            }
            (Some(name), None) => {
                let name = name.as_str().ok_or_else(|| {
                    Error::invalid_strategy("'strategy' must be a strategy name")
                        .with("field", "strategy")
                        .with("known", strategies::names())
                })?;
                let spec = strategies::find(name)?;
                let mut params = match get("params") {
                    Some(Value::Object(p)) => p.clone(),
                    None | Some(Value::Null) => Map::new(),
                    Some(_) => {
                        return Err(field_error(
                            "params",
                            "'params' must be an object".to_string(),
                        ))
                    }
                };
                for p in spec.params {
                    if let Some(v) = map.get(p.name) {
                        if params.contains_key(p.name) {
                            return Err(field_error(
                                p.name,
                                format!(
                                    "parameter '{}' is given both inline and in 'params'",
                                    p.name
                                ),
                            ));
                        }
                        params.insert(p.name.to_string(), v.clone());
                    }
                    inline_params.push(p.name);
                }
                SignalPlan::Strategy(strategies::resolve_params(spec, &Value::Object(params))?)
            }
            (None, Some(signals)) => SignalPlan::Explicit(parse_explicit(signals, symbols)?),
        };

        let mut cfg = PortfolioConfig::new(signals);
        let mut seen: Vec<&str> = Vec::new();
        for (raw_key, v) in map {
            if inline_params.contains(&raw_key.as_str()) {
                continue;
            }
            let key = snake_case(raw_key);
            let canonical = match key.as_str() {
                "commission" => "fees",
                "init_cash" => "cash",
                "semantics" => "mode",
                k => match KNOWN_KEYS.iter().find(|known| **known == k) {
                    Some(known) => *known,
                    None => {
                        return Err(Error::invalid_parameter(format!(
                            "unknown portfolio option '{raw_key}'; known options: {}",
                            KNOWN_KEYS.join(", ")
                        ))
                        .with("field", raw_key.as_str())
                        .with("known", KNOWN_KEYS.to_vec()))
                    }
                },
            };
            if seen.contains(&canonical) {
                return Err(field_error(
                    raw_key,
                    format!("option '{raw_key}' sets '{canonical}' a second time; give it once"),
                ));
            }
            seen.push(canonical);
            if v.is_null() {
                continue;
            }
            match canonical {
                "mode" => cfg.mode = parse_mode(text(raw_key, v)?)?,
                "align" => cfg.align = parse_align(text(raw_key, v)?)?,
                "size" => cfg.size = number("size", v)?,
                "fees" => cfg.fees = number("fees", v)?,
                "cash" => cfg.cash = number("cash", v)?,
                "sl" => cfg.sl = Some(number("sl", v)?),
                "tp" => cfg.tp = Some(number("tp", v)?),
                "risk_free_rate" => cfg.risk_free_rate = number("risk_free_rate", v)?,
                "size_type" => {
                    // Accepted for vectorbt familiarity; only 'percent' is implemented.
                    let t = text(raw_key, v)?;
                    if !t.eq_ignore_ascii_case("percent") {
                        return Err(field_error(
                            "size_type",
                            format!("size_type '{t}' is not supported; use 'percent'"),
                        )
                        .with("allowed", vec!["percent"]));
                    }
                }
                // strategy, params, signals: read above.
                _ => {}
            }
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Range checks shared by every constructor.
    pub fn validate(&self) -> Result<()> {
        let s = self.size;
        range("size", s, s.is_finite() && s > 0.0 && s <= 1.0, "(0, 1]")?;
        range(
            "fees",
            self.fees,
            self.fees >= 0.0 && self.fees < 1.0,
            "[0, 1)",
        )?;
        range(
            "cash",
            self.cash,
            self.cash.is_finite() && self.cash > 0.0,
            "(0, ∞)",
        )?;
        let rf = self.risk_free_rate;
        range("risk_free_rate", rf, rf > -1.0 && rf < 1.0, "(-1, 1)")?;
        for (name, level) in [("sl", self.sl), ("tp", self.tp)] {
            if let Some(x) = level {
                range(name, x, x > 0.0 && x < 1.0, "(0, 1)")?;
                if self.mode == Mode::Vectorbt {
                    return Err(field_error(
                        name,
                        format!("'{name}' applies to mode 'backtesting.py'; vectorbt mode has no stop orders"),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SYMS: [&str; 2] = ["AAA", "BBB"];

    fn field(v: Value) -> (String, String) {
        let e = PortfolioConfig::from_json(&v, &SYMS).unwrap_err();
        (
            e.code.as_str().to_string(),
            e.detail("field")
                .and_then(|f| f.as_str())
                .unwrap_or("")
                .to_string(),
        )
    }

    #[test]
    fn parses_strategy_options_in_either_case() {
        let c = PortfolioConfig::from_json(
            &json!({"strategy": "SmaCross", "n1": 10, "params": {"n2": 30}, "size": 0.5, "commission": 0.001,
                    "initCash": 1000, "mode": "backtesting.py", "align": "union", "sl": 0.05, "riskFreeRate": 0.01}),
            &SYMS,
        )
        .expect("valid");
        assert_eq!(
            (c.mode, c.align, c.size, c.fees, c.cash, c.sl, c.tp),
            (
                Mode::BacktestingPy,
                Align::Union,
                0.5,
                0.001,
                1000.0,
                Some(0.05),
                None
            )
        );
        match c.signals {
            SignalPlan::Strategy(p) => assert_eq!(p.values, vec![10.0, 30.0]),
            other => panic!("{other:?}"),
        }
        let c = PortfolioConfig::from_json(
            &json!({"signals": {"AAA": [1, 0, -1], "BBB": ["buy", "hold", "sell"]}}),
            &SYMS,
        )
        .expect("valid");
        assert_eq!(
            c.signals,
            SignalPlan::Explicit(vec![vec![Signal::Buy, Signal::Hold, Signal::Sell]; 2])
        );
    }

    #[test]
    fn bad_options_name_their_field() {
        let s = |v: Value| {
            let mut m = v.as_object().cloned().unwrap_or_default();
            m.insert("strategy".into(), json!("SmaCross"));
            Value::Object(m)
        };
        assert_eq!(
            field(s(json!({"sise": 0.5}))),
            ("INVALID_PARAMETER".into(), "sise".into())
        );
        for bad in [0.0, -0.1, 1.5] {
            assert_eq!(
                field(s(json!({"size": bad}))),
                ("INVALID_PARAMETER".into(), "size".into()),
                "{bad}"
            );
        }
        assert_eq!(field(s(json!({"fees": 1.0}))).1, "fees");
        assert_eq!(field(s(json!({"cash": 0}))).1, "cash");
        assert_eq!(field(s(json!({"sl": 0.05}))).1, "sl"); // vectorbt mode has no stops
        assert_eq!(
            field(s(json!({"mode": "backtesting.py", "tp": 1.0}))).1,
            "tp"
        );
        assert_eq!(field(s(json!({"align": "left"}))).1, "align");
        assert_eq!(field(s(json!({"mode": "zipline"}))).1, "mode");
        let e = PortfolioConfig::from_json(&s(json!({"fees": 0.1, "commission": 0.1})), &SYMS)
            .unwrap_err();
        assert!(e.message.contains("second time"), "{}", e.message);
        assert_eq!(field(s(json!({"size": "half"}))).1, "size");
        assert_eq!(field(json!({"rules": "sma(10) > sma(30)"})).1, "rules");
        assert_eq!(
            field(json!({})),
            ("INVALID_INPUT".into(), "strategy".into())
        );
        assert_eq!(field(json!({"strategy": "Turtle"})).0, "INVALID_STRATEGY");
        assert_eq!(
            field(json!({"signals": {"AAA": [1]}})),
            ("INVALID_INPUT".into(), "signals.BBB".into())
        );
        assert_eq!(
            field(json!({"signals": {"AAA": [1], "BBB": [0], "ZZZ": [0]}})),
            ("INVALID_INPUT".into(), "signals.ZZZ".into())
        );
        assert_eq!(
            field(json!({"signals": {"AAA": [1], "BBB": [2]}})),
            ("INVALID_INPUT".into(), "signals.BBB".into())
        );
        assert_eq!(
            field(json!({"signals": {"AAA": [1], "BBB": [0]}, "strategy": "SmaCross"})).1,
            "signals"
        );
    }
}
