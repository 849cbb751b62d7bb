//! Backtest configuration: backtesting.py option names (snake_case, camelCase accepted),
//! validated into typed errors before any bar is simulated.

use crate::{Error, Result};
use serde_json::{Map, Value};

/// Which library's fill and sizing rules the engine reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Semantics {
    /// backtesting.py 0.6.6: market orders at the next open (or this close with
    /// `trade_on_close`), whole units, long and short, commission on entry and exit.
    BacktestingPy,
    /// vectorbt `Portfolio.from_signals`: long only, fills at the signal bar's close,
    /// fractional all-cash sizing, `fees` on both sides.
    Vectorbt,
}

impl Semantics {
    pub const NAMES: [&'static str; 2] = ["backtesting.py", "vectorbt"];

    pub fn parse(name: &str) -> Result<Semantics> {
        match name.trim().to_ascii_lowercase().as_str() {
            "backtesting.py" | "backtesting" | "backtestingpy" => Ok(Semantics::BacktestingPy),
            "vectorbt" | "vbt" => Ok(Semantics::Vectorbt),
            _ => Err(Error::invalid_parameter(format!(
                "unknown semantics '{name}'; use one of: {}",
                Semantics::NAMES.join(", ")
            ))
            .with("parameter", "semantics")
            .with("value", name)
            .with("allowed", Semantics::NAMES.to_vec())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Semantics::BacktestingPy => "backtesting.py",
            Semantics::Vectorbt => "vectorbt",
        }
    }
}

/// Validated backtest options. Defaults are backtesting.py's (`cash` 10 000, no commission,
/// `margin` 1, every flag off).
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestConfig {
    pub semantics: Semantics,
    /// Starting cash (vectorbt: `init_cash`).
    pub cash: f64,
    /// Commission as a fraction of traded value, charged on entry and on exit
    /// (vectorbt: `fees`).
    pub commission: f64,
    /// Bid-ask spread as a fraction of price: longs buy that much higher, shorts lower.
    pub spread: f64,
    /// Required margin ratio; leverage is `1 / margin`.
    pub margin: f64,
    pub trade_on_close: bool,
    pub hedging: bool,
    pub exclusive_orders: bool,
    /// Close trades still open after the last bar (at that bar's open) so they count in stats.
    pub finalize_trades: bool,
    /// Annual risk-free rate for Sharpe, Sortino and Alpha (backtesting.py's
    /// `compute_stats(risk_free_rate=...)`; `Backtest.run` uses 0).
    pub risk_free_rate: f64,
}

impl Default for BacktestConfig {
    fn default() -> Self {
        BacktestConfig {
            semantics: Semantics::BacktestingPy,
            cash: 10_000.0,
            commission: 0.0,
            spread: 0.0,
            margin: 1.0,
            trade_on_close: false,
            hedging: false,
            exclusive_orders: false,
            finalize_trades: false,
            risk_free_rate: 0.0,
        }
    }
}

/// Every key `BacktestConfig::from_json` understands (snake_case; camelCase also accepted).
pub const KNOWN_KEYS: [&str; 12] = [
    "semantics",
    "cash",
    "init_cash",
    "commission",
    "fees",
    "spread",
    "margin",
    "trade_on_close",
    "hedging",
    "exclusive_orders",
    "finalize_trades",
    "risk_free_rate",
];

/// `tradeOnClose` → `trade_on_close`; snake_case passes through unchanged.
pub fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl BacktestConfig {
    /// Reads a JSON object of options. `ignore` lists keys that belong to the caller
    /// (e.g. `strategy`, `params`, `signals`) and are skipped; any other unknown key is an
    /// INVALID_PARAMETER error listing the known ones.
    pub fn from_json(value: &Value, ignore: &[&str]) -> Result<BacktestConfig> {
        let empty = Map::new();
        let map = match value {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                return Err(Error::invalid_input("backtest config must be an object")
                    .with("field", "config"))
            }
        };
        let mut cfg = BacktestConfig::default();
        let mut seen: Vec<String> = Vec::new();
        for (raw_key, v) in map {
            let key = snake_case(raw_key);
            if ignore.iter().any(|k| *k == raw_key || snake_case(k) == key) {
                continue;
            }
            // `fees`/`init_cash` are vectorbt's names for the same settings.
            let canonical = match key.as_str() {
                "fees" => "commission",
                "init_cash" => "cash",
                k => k,
            };
            if seen.iter().any(|s| s == canonical) {
                return Err(Error::invalid_parameter(format!(
                    "config key '{raw_key}' sets '{canonical}' a second time; give it once"
                ))
                .with("parameter", raw_key.as_str()));
            }
            seen.push(canonical.to_string());
            match canonical {
                "semantics" => {
                    let s = v.as_str().ok_or_else(|| wrong_type(raw_key, "a string"))?;
                    cfg.semantics = Semantics::parse(s)?;
                }
                "cash" => cfg.cash = number(raw_key, v)?,
                "commission" => cfg.commission = number(raw_key, v)?,
                "spread" => cfg.spread = number(raw_key, v)?,
                "margin" => cfg.margin = number(raw_key, v)?,
                "trade_on_close" => cfg.trade_on_close = boolean(raw_key, v)?,
                "hedging" => cfg.hedging = boolean(raw_key, v)?,
                "exclusive_orders" => cfg.exclusive_orders = boolean(raw_key, v)?,
                "finalize_trades" => cfg.finalize_trades = boolean(raw_key, v)?,
                "risk_free_rate" => cfg.risk_free_rate = number(raw_key, v)?,
                _ => {
                    return Err(Error::invalid_parameter(format!(
                        "unknown backtest config key '{raw_key}'; known keys: {}",
                        KNOWN_KEYS.join(", ")
                    ))
                    .with("parameter", raw_key.as_str())
                    .with("known", KNOWN_KEYS.to_vec()))
                }
            }
        }
        cfg.validate()?;
        Ok(cfg)
    }

    /// Range checks shared by every constructor.
    pub fn validate(&self) -> Result<()> {
        if !(self.cash.is_finite() && self.cash > 0.0) {
            return Err(Error::invalid_parameter(format!(
                "cash must be a positive finite amount, got {}",
                self.cash
            ))
            .with("parameter", "cash")
            .with("value", self.cash.to_string()));
        }
        if !(self.commission >= 0.0 && self.commission < 1.0) {
            return Err(range("commission", self.commission, "[0, 1)"));
        }
        if !(self.spread >= 0.0 && self.spread < 1.0) {
            return Err(range("spread", self.spread, "[0, 1)"));
        }
        if !(self.risk_free_rate > -1.0 && self.risk_free_rate < 1.0) {
            return Err(range("risk_free_rate", self.risk_free_rate, "(-1, 1)"));
        }
        if !(self.margin > 0.0 && self.margin <= 1.0) {
            return Err(range("margin", self.margin, "(0, 1]"));
        }
        if self.semantics == Semantics::Vectorbt && (self.spread != 0.0 || self.margin != 1.0 || self.trade_on_close) {
            return Err(Error::invalid_parameter(
                "vectorbt semantics fill at the signal bar's close with all cash: 'spread', 'margin' and 'trade_on_close' do not apply",
            )
            .with("parameter", "semantics"));
        }
        Ok(())
    }
}

fn range(name: &str, value: f64, interval: &str) -> Error {
    Error::invalid_parameter(format!("{name} = {value} is outside its valid range {interval}"))
        .with("parameter", name)
        .with("value", value.to_string())
        .with("range", interval)
}

fn wrong_type(key: &str, what: &str) -> Error {
    Error::invalid_parameter(format!("config key '{key}' must be {what}")).with("parameter", key)
}

fn number(key: &str, v: &Value) -> Result<f64> {
    v.as_f64().ok_or_else(|| wrong_type(key, "a number"))
}

fn boolean(key: &str, v: &Value) -> Result<bool> {
    v.as_bool().ok_or_else(|| wrong_type(key, "true or false"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_snake_and_camel_case() {
        let c = BacktestConfig::from_json(
            &json!({"cash": 5000, "commission": 0.002, "tradeOnClose": true, "finalize_trades": true, "exclusiveOrders": true}),
            &[],
        )
        .expect("valid");
        assert_eq!(c.cash, 5000.0);
        assert!(c.trade_on_close && c.finalize_trades && c.exclusive_orders && !c.hedging);
        let v = BacktestConfig::from_json(&json!({"semantics": "vectorbt", "fees": 0.001, "initCash": 100}), &[])
            .expect("valid");
        assert_eq!((v.semantics, v.commission, v.cash), (Semantics::Vectorbt, 0.001, 100.0));
    }

    #[test]
    fn rejects_bad_values_with_typed_errors() {
        for bad in [json!({"cash": -1}), json!({"cash": 0}), json!({"commission": 1.0}), json!({"commission": -0.1}), json!({"margin": 0})] {
            let e = BacktestConfig::from_json(&bad, &[]).unwrap_err();
            assert_eq!(e.code.as_str(), "INVALID_PARAMETER", "{bad}");
        }
        let e = BacktestConfig::from_json(&json!({"comission": 0.1}), &[]).unwrap_err();
        assert!(e.message.contains("comission") && e.message.contains("finalize_trades"));
        let e = BacktestConfig::from_json(&json!({"semantics": "zipline"}), &[]).unwrap_err();
        assert_eq!(e.detail("parameter").and_then(|v| v.as_str()), Some("semantics"));
        let e = BacktestConfig::from_json(&json!({"hedging": "yes"}), &[]).unwrap_err();
        assert!(e.message.contains("hedging"));
        let e = BacktestConfig::from_json(&json!({"fees": 0.1, "commission": 0.1}), &[]).unwrap_err();
        assert!(e.message.contains("second time"));
        assert!(BacktestConfig::from_json(&json!({"strategy": "SmaCross", "cash": 1}), &["strategy"]).is_ok());
    }
}
