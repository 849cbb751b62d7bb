//! Parameter values and one combination of them (`Params`).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

/// One parameter value. Numbers are f64 (integers stay exact up to 2^53).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Num(f64),
    Str(String),
    Bool(bool),
}

impl ParamValue {
    /// The value from JSON; `None` for null, arrays and objects.
    pub fn from_json(v: &Value) -> Option<ParamValue> {
        match v {
            Value::Number(n) => n.as_f64().map(ParamValue::Num),
            Value::String(s) => Some(ParamValue::Str(s.clone())),
            Value::Bool(b) => Some(ParamValue::Bool(*b)),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Num(x) => Some(*x),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            ParamValue::Num(x) => num_json(*x),
            ParamValue::Str(s) => Value::String(s.clone()),
            ParamValue::Bool(b) => Value::Bool(*b),
        }
    }

    /// A hashable key (bit pattern for numbers) used to deduplicate random samples.
    pub(crate) fn key(&self) -> (u8, u64, &str) {
        match self {
            // +0.0 and -0.0 are the same parameter value.
            ParamValue::Num(x) => (0, if *x == 0.0 { 0 } else { x.to_bits() }, ""),
            ParamValue::Str(s) => (1, 0, s.as_str()),
            ParamValue::Bool(b) => (2, *b as u64, ""),
        }
    }
}

/// Integral numbers serialize as JSON integers (`10`, not `10.0`), like Python's ints.
pub(crate) fn num_json(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map(Value::Number).unwrap_or(Value::Null)
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Num(x) => write!(f, "{x}"),
            ParamValue::Str(s) => write!(f, "{s}"),
            ParamValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ParamValue::Num(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => {
                s.serialize_i64(*x as i64)
            }
            ParamValue::Num(x) => s.serialize_f64(*x),
            ParamValue::Str(v) => s.serialize_str(v),
            ParamValue::Bool(b) => s.serialize_bool(*b),
        }
    }
}

/// One combination: values in the space's dimension order, names shared by all combinations.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub names: Arc<[String]>,
    pub values: Vec<ParamValue>,
}

impl Params {
    pub fn new(names: Arc<[String]>, values: Vec<ParamValue>) -> Self {
        Params { names, values }
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.names.iter().position(|n| n == name).and_then(|i| self.values.get(i))
    }

    pub fn get_f64(&self, name: &str) -> Option<f64> {
        self.get(name).and_then(ParamValue::as_f64)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.names.iter().map(String::as_str).zip(self.values.iter())
    }

    /// As a JSON object in dimension order.
    pub fn to_json(&self) -> serde_json::Map<String, Value> {
        self.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect()
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}
