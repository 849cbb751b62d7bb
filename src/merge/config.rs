//! The merge configuration and its validation from a JSON-like value (what JS passes).

use crate::{Error, Result};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeMethod {
    /// Per timestamp, each signal scores the sum of its strategies' weights.
    WeightedVote,
    /// Per timestamp, each signal scores its number of votes.
    Majority,
    /// Per timestamp, the first strategy in priority order that has a signal wins.
    Priority,
}

impl MergeMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeMethod::WeightedVote => "weighted_vote",
            MergeMethod::Majority => "majority",
            MergeMethod::Priority => "priority",
        }
    }

    /// `weighted_vote` | `majority` | `priority`; camelCase and case variants are accepted
    /// (`weightedVote`, `MAJORITY`), and `majority_vote` as an alias of `majority`.
    pub fn parse(name: &str) -> Result<Self> {
        let norm: String = name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
        match norm.as_str() {
            "weightedvote" => Ok(MergeMethod::WeightedVote),
            "majority" | "majorityvote" => Ok(MergeMethod::Majority),
            "priority" => Ok(MergeMethod::Priority),
            _ => Err(Error::invalid_parameter(format!(
                "unknown merge method '{name}'; use one of weighted_vote, majority, priority"
            ))
            .with("parameter", "method")
            .with("value", name)
            .with("allowed", vec!["weighted_vote", "majority", "priority"])),
        }
    }
}

/// How the JS wrapper returns the `signal` column. The core always produces codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalFormat {
    /// Strings if any valid output gave its signals as strings (or none was valid), else
    /// numbers: the output speaks the input's language.
    Auto,
    /// `'BUY'`/`'SELL'`/`'HOLD'` strings.
    Text,
    /// An `Int8Array` of `1`/`0`/`-1` (the fast path for large tables).
    Number,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MergeConfig {
    pub method: MergeMethod,
    /// Strategy weights; strategies not listed weigh 1.0.
    pub weights: Vec<(String, f64)>,
    /// Priority order; strategies not listed come after, in input order.
    pub priority: Vec<String>,
    /// When true, a row's `confidence` multiplies its vote (weighted_vote) — off by default
    /// so that `weighted_vote` is exactly "sum of strategy weights".
    pub use_confidence: bool,
    pub signal_format: SignalFormat,
}

impl Default for MergeConfig {
    fn default() -> Self {
        MergeConfig {
            method: MergeMethod::WeightedVote,
            weights: Vec::new(),
            priority: Vec::new(),
            use_confidence: false,
            signal_format: SignalFormat::Auto,
        }
    }
}

const KNOWN_KEYS: [&str; 7] =
    ["method", "weights", "priority", "use_confidence", "useConfidence", "signal_format", "signalFormat"];

impl MergeConfig {
    pub fn new(method: MergeMethod) -> Self {
        MergeConfig { method, ..Default::default() }
    }

    pub fn with_weight(mut self, strategy: &str, weight: f64) -> Self {
        self.weights.push((strategy.to_string(), weight));
        self
    }

    pub fn with_priority(mut self, order: &[&str]) -> Self {
        self.priority = order.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Reads a config object (`null` → defaults). Returns the config and warnings (unknown
    /// keys are warned about, not rejected, so newer callers still work with older builds).
    pub fn from_value(value: &Value) -> Result<(Self, Vec<String>)> {
        let mut cfg = MergeConfig::default();
        let mut warnings = Vec::new();
        let obj = match value {
            Value::Null => return Ok((cfg, warnings)),
            Value::Object(o) => o,
            _ => {
                return Err(Error::invalid_parameter("config must be an object such as { method: 'weighted_vote' }")
                    .with("parameter", "config"))
            }
        };
        for key in obj.keys() {
            if !KNOWN_KEYS.contains(&key.as_str()) {
                warnings.push(format!("config key '{key}' is not used (known keys: method, weights, priority, use_confidence, signal_format)"));
            }
        }
        match obj.get("method") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => cfg.method = MergeMethod::parse(s)?,
            Some(other) => {
                return Err(Error::invalid_parameter(format!(
                    "method must be a string (weighted_vote, majority or priority), got {other}"
                ))
                .with("parameter", "method"))
            }
        }
        cfg.weights = read_weights(obj)?;
        cfg.priority = read_priority(obj)?;
        if let Some(v) = get_either(obj, "use_confidence", "useConfidence") {
            cfg.use_confidence = match v {
                Value::Bool(b) => *b,
                Value::Null => false,
                _ => {
                    return Err(Error::invalid_parameter("use_confidence must be true or false")
                        .with("parameter", "use_confidence"))
                }
            };
        }
        if let Some(v) = get_either(obj, "signal_format", "signalFormat") {
            cfg.signal_format = match v.as_str().map(str::to_ascii_lowercase).as_deref() {
                None if v.is_null() => SignalFormat::Auto,
                Some("auto") => SignalFormat::Auto,
                Some("string") | Some("text") => SignalFormat::Text,
                Some("number") | Some("numeric") => SignalFormat::Number,
                _ => {
                    return Err(Error::invalid_parameter(format!(
                        "signal_format must be 'auto', 'string' or 'number', got {v}"
                    ))
                    .with("parameter", "signal_format"))
                }
            };
        }
        Ok((cfg, warnings))
    }
}

fn get_either<'a>(obj: &'a Map<String, Value>, a: &str, b: &str) -> Option<&'a Value> {
    obj.get(a).or_else(|| obj.get(b))
}

fn read_weights(obj: &Map<String, Value>) -> Result<Vec<(String, f64)>> {
    let map = match obj.get("weights") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(Error::invalid_parameter("weights must be an object { strategyName: weight }")
                .with("parameter", "weights"))
        }
    };
    map.iter()
        .map(|(name, v)| match v.as_f64() {
            Some(w) => Ok((name.clone(), w)),
            // NaN reaches here as null (JSON has no NaN), so this also rejects NaN weights.
            None => Err(Error::invalid_parameter(format!(
                "weight of strategy '{name}' must be a finite number ≥ 0, got {v}"
            ))
            .with("parameter", "weights")
            .with("strategy", name.as_str())),
        })
        .collect()
}

fn read_priority(obj: &Map<String, Value>) -> Result<Vec<String>> {
    match obj.get("priority") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    Error::invalid_parameter(format!("priority[{i}] must be a strategy name, got {v}"))
                        .with("parameter", "priority")
                        .with("index", i)
                })
            })
            .collect(),
        Some(_) => Err(Error::invalid_parameter("priority must be an array of strategy names, first = highest")
            .with("parameter", "priority")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_all_keys_and_aliases() {
        let (c, w) = MergeConfig::from_value(&json!({
            "method": "weightedVote", "weights": {"a": 2.0}, "priority": ["b", "a"],
            "useConfidence": true, "signalFormat": "number", "extra": 1
        }))
        .expect("valid config");
        assert_eq!(c.method, MergeMethod::WeightedVote);
        assert_eq!(c.weights, vec![("a".to_string(), 2.0)]);
        assert_eq!(c.priority, vec!["b", "a"]);
        assert!(c.use_confidence);
        assert_eq!(c.signal_format, SignalFormat::Number);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("extra"));
    }

    #[test]
    fn rejects_unknown_method_and_bad_types() {
        let e = MergeConfig::from_value(&json!({"method": "average"})).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
        assert_eq!(e.detail("parameter").and_then(|v| v.as_str()), Some("method"));
        assert!(MergeConfig::from_value(&json!({"weights": {"a": "x"}})).is_err());
        assert!(MergeConfig::from_value(&json!({"weights": {"a": null}})).is_err());
        assert!(MergeConfig::from_value(&json!({"priority": "a"})).is_err());
        assert!(MergeConfig::from_value(&json!({"method": 3})).is_err());
        assert!(MergeConfig::from_value(&json!(5)).is_err());
    }
}
