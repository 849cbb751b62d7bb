//! Parameter spaces: one dimension per parameter, parsed from the JS/JSON forms of issue 6,
//! lazy grid enumeration (combination index → values by mixed radix) and seeded sampling.

use super::params::{ParamValue, Params};
use crate::{Error, Result};
use rand_core::Rng;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

/// A space as written by the user, with its key order preserved (the grid's nesting order:
/// first key outermost, like `itertools.product`). serde_json's `Map` would sort the keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpaceSpec(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for SpaceSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpaceSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object mapping parameter names to values or ranges")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<SpaceSpec, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(SpaceSpec(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl SpaceSpec {
    /// From a JSON object (key order as the `Map` holds it).
    pub fn from_json(v: &Value, path: &str) -> Result<Self> {
        match v {
            Value::Object(m) => Ok(SpaceSpec(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())),
            _ => Err(Error::invalid_parameter(format!("{path} must be an object of parameter → values"))
                .with("path", path)),
        }
    }
}

/// One parameter's dimension.
#[derive(Debug, Clone, PartialEq)]
pub enum Dim {
    /// Fixed value (len 1) or a choice among listed values.
    Values(Vec<ParamValue>),
    /// `{start, stop, step}`: `start + i*step` for `i < count` (stop exclusive).
    Range { start: f64, step: f64, count: u64 },
    /// `{randint: [lo, hi]}`: integers lo..hi (hi exclusive).
    RandInt { lo: i64, hi: i64 },
    /// `{quniform: [lo, hi, q]}`: `round(uniform(lo, hi) / q) * q` (hyperopt's definition).
    QUniform { lo: f64, hi: f64, q: f64 },
    /// `{uniform: [lo, hi]}` (continuous).
    Uniform { lo: f64, hi: f64 },
    /// `{loguniform: [lo, hi]}`: real-valued bounds (not logs), log of the value is uniform.
    LogUniform { lo: f64, hi: f64 },
}

impl Dim {
    /// Number of distinct values, `None` for continuous dimensions.
    #[allow(clippy::len_without_is_empty)] // a dimension is never empty (parse rejects it)
    pub fn len(&self) -> Option<u64> {
        match self {
            Dim::Values(v) => Some(v.len() as u64),
            Dim::Range { count, .. } => Some(*count),
            Dim::RandInt { lo, hi } => Some((*hi - *lo) as u64),
            Dim::QUniform { lo, hi, q } => Some(((hi / q).round() - (lo / q).round()) as u64 + 1),
            Dim::Uniform { .. } | Dim::LogUniform { .. } => None,
        }
    }

    /// The i-th value of a discrete dimension (i < len).
    pub fn value(&self, i: u64) -> ParamValue {
        match self {
            Dim::Values(v) => v.get(i as usize).cloned().unwrap_or(ParamValue::Num(f64::NAN)),
            Dim::Range { start, step, .. } => ParamValue::Num(start + i as f64 * step),
            Dim::RandInt { lo, .. } => ParamValue::Num((*lo + i as i64) as f64),
            Dim::QUniform { lo, q, .. } => ParamValue::Num(((lo / q).round() + i as f64) * q),
            Dim::Uniform { lo, .. } | Dim::LogUniform { lo, .. } => ParamValue::Num(*lo),
        }
    }

    /// All numeric values this dimension can take are within [min, max]: (min, max).
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match self {
            Dim::Values(v) => {
                let nums: Vec<f64> = v.iter().filter_map(ParamValue::as_f64).collect();
                if nums.is_empty() {
                    None
                } else {
                    Some(nums.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x))))
                }
            }
            Dim::Range { start, step, count } => {
                let last = start + (*count as f64 - 1.0) * step;
                Some((start.min(last), start.max(last)))
            }
            Dim::RandInt { lo, hi } => Some((*lo as f64, (*hi - 1) as f64)),
            Dim::QUniform { .. } => {
                let n = self.len().unwrap_or(1);
                let (a, b) = (self.value(0).as_f64(), self.value(n - 1).as_f64());
                a.zip(b)
            }
            Dim::Uniform { lo, hi } | Dim::LogUniform { lo, hi } => Some((*lo, *hi)),
        }
    }

    /// One random value (seeded RNG, see `Space::sample`).
    fn sample(&self, rng: &mut impl Rng) -> ParamValue {
        match self {
            Dim::Uniform { lo, hi } => ParamValue::Num(lo + unit(rng) * (hi - lo)),
            Dim::LogUniform { lo, hi } => {
                let (a, b) = (lo.ln(), hi.ln());
                // Clamp: exp(ln(x)) can land one ulp outside the user's bounds.
                ParamValue::Num((a + unit(rng) * (b - a)).exp().clamp(*lo, *hi))
            }
            Dim::QUniform { lo, hi, q } => ParamValue::Num(((lo + unit(rng) * (hi - lo)) / q).round() * q),
            _ => {
                let n = self.len().unwrap_or(1).max(1);
                self.value(below(rng, n))
            }
        }
    }
}

/// Uniform f64 in [0, 1) from 53 random bits.
fn unit(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in [0, n) by widening multiply (bias ≤ n / 2^64, negligible).
fn below(rng: &mut impl Rng, n: u64) -> u64 {
    ((rng.next_u64() as u128 * n as u128) >> 64) as u64
}

/// A parsed space: named dimensions in the user's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    pub names: Arc<[String]>,
    pub dims: Vec<Dim>,
}

impl Space {
    /// Parses every dimension; errors are INVALID_PARAMETER with `path` = `<path>.<name>`.
    pub fn parse(spec: &SpaceSpec, path: &str) -> Result<Space> {
        if spec.0.is_empty() {
            return Err(Error::invalid_parameter(format!("{path} is empty: give at least one parameter"))
                .with("path", path));
        }
        let mut names = Vec::with_capacity(spec.0.len());
        let mut dims = Vec::with_capacity(spec.0.len());
        for (name, v) in &spec.0 {
            let p = format!("{path}.{name}");
            if names.contains(name) {
                return Err(Error::invalid_parameter(format!("{p} appears twice")).with("path", p));
            }
            dims.push(parse_dim(v, &p)?);
            names.push(name.clone());
        }
        Ok(Space { names: names.into(), dims })
    }

    pub fn len(&self) -> usize {
        self.dims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dims.is_empty()
    }

    /// Number of grid combinations (before constraints). Continuous dimension → INVALID_PARAMETER
    /// naming it; overflow of u64 → RESOURCE_LIMIT.
    pub fn grid_size(&self, path: &str) -> Result<u64> {
        let mut total: u64 = 1;
        for (name, d) in self.names.iter().zip(&self.dims) {
            let n = d.len().ok_or_else(|| {
                Error::invalid_parameter(format!(
                    "{path}.{name} is continuous: a grid needs discrete values; use {{quniform: [lo, hi, q]}}, a range with a step, or method 'random'"
                ))
                .with("path", format!("{path}.{name}"))
                .with("parameter", name.as_str())
            })?;
            total = total.checked_mul(n).ok_or_else(|| {
                Error::resource_limit(format!("{path}: the grid has more than 2^64 combinations"))
                    .with("path", path)
                    .with("size", f64::MAX)
            })?;
        }
        Ok(total)
    }

    /// The values of grid combination `index` (last dimension varies fastest).
    pub fn grid_values(&self, mut index: u64) -> Vec<ParamValue> {
        let mut out = vec![ParamValue::Num(0.0); self.dims.len()];
        for (slot, d) in out.iter_mut().zip(&self.dims).rev() {
            let n = d.len().unwrap_or(1).max(1);
            *slot = d.value(index % n);
            index /= n;
        }
        out
    }

    /// Position of each dimension's value in grid combination `index`.
    pub fn grid_coords(&self, mut index: u64) -> Vec<u64> {
        let mut out = vec![0; self.dims.len()];
        for (slot, d) in out.iter_mut().zip(&self.dims).rev() {
            let n = d.len().unwrap_or(1).max(1);
            *slot = index % n;
            index /= n;
        }
        out
    }

    /// One random combination.
    pub fn sample(&self, rng: &mut impl Rng) -> Vec<ParamValue> {
        self.dims.iter().map(|d| d.sample(rng)).collect()
    }

    pub fn params(&self, values: Vec<ParamValue>) -> Params {
        Params::new(self.names.clone(), values)
    }

    /// Indices of the dimensions that take more than one value.
    pub fn varying(&self) -> Vec<usize> {
        self.dims.iter().enumerate().filter(|(_, d)| d.len() != Some(1)).map(|(i, _)| i).collect()
    }
}

fn bad(path: &str, msg: String) -> Error {
    Error::invalid_parameter(format!("{path}: {msg}")).with("path", path)
}

fn finite(v: &Value, path: &str, what: &str) -> Result<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(bad(path, format!("{what} must be a finite number, got {v}"))),
    }
}

/// `[lo, hi]` or `[lo, hi, q]` bounds of a distribution form.
fn bounds(v: &Value, path: &str, form: &str, n: usize) -> Result<Vec<f64>> {
    let arr = v.as_array().filter(|a| a.len() == n).ok_or_else(|| {
        let shape = if n == 2 { "[lo, hi]" } else { "[lo, hi, q]" };
        bad(path, format!("{{{form}: ...}} takes {shape}, got {v}"))
    })?;
    arr.iter().enumerate().map(|(i, x)| finite(x, path, &format!("{form}[{i}]"))).collect()
}

fn parse_dim(v: &Value, path: &str) -> Result<Dim> {
    if let Some(p) = ParamValue::from_json(v) {
        return Ok(Dim::Values(vec![p]));
    }
    match v {
        Value::Array(items) => choice(items, path),
        Value::Object(m) => {
            if m.contains_key("start") || m.contains_key("stop") || m.contains_key("step") {
                for k in m.keys() {
                    if !matches!(k.as_str(), "start" | "stop" | "step") {
                        return Err(bad(path, format!("unknown key '{k}' in a range (keys: start, stop, step)")));
                    }
                }
                let start = finite(m.get("start").unwrap_or(&Value::from(0)), path, "start")?;
                let stop = m.get("stop").ok_or_else(|| bad(path, "a range needs 'stop' (exclusive)".into()))?;
                let stop = finite(stop, path, "stop")?;
                let step = finite(m.get("step").unwrap_or(&Value::from(1)), path, "step")?;
                return range(start, stop, step, path);
            }
            if m.len() != 1 {
                return Err(bad(path, format!("expected one of {FORMS}, got {v}")));
            }
            let (form, arg) = m.iter().next().ok_or_else(|| bad(path, "empty object".into()))?;
            match form.as_str() {
                "choice" => match arg {
                    Value::Array(items) => choice(items, path),
                    _ => Err(bad(path, format!("{{choice: [...]}} takes an array, got {arg}"))),
                },
                "uniform" => {
                    let b = bounds(arg, path, "uniform", 2)?;
                    ordered(b[0], b[1], path, "uniform")?;
                    Ok(Dim::Uniform { lo: b[0], hi: b[1] })
                }
                "loguniform" => {
                    let b = bounds(arg, path, "loguniform", 2)?;
                    ordered(b[0], b[1], path, "loguniform")?;
                    if b[0] <= 0.0 {
                        return Err(bad(path, format!(
                            "loguniform bounds are real values (not logs) and must be > 0, got lo = {}", b[0]
                        )));
                    }
                    Ok(Dim::LogUniform { lo: b[0], hi: b[1] })
                }
                "quniform" => {
                    let b = bounds(arg, path, "quniform", 3)?;
                    ordered(b[0], b[1], path, "quniform")?;
                    if b[2] <= 0.0 {
                        return Err(bad(path, format!("quniform step q must be > 0, got {}", b[2])));
                    }
                    if (b[1] - b[0]) / b[2] > 1e15 {
                        return Err(bad(path, "quniform has too many steps".into()));
                    }
                    Ok(Dim::QUniform { lo: b[0], hi: b[1], q: b[2] })
                }
                "randint" => {
                    let b = bounds(arg, path, "randint", 2)?;
                    if b[0].fract() != 0.0 || b[1].fract() != 0.0 || b[0].abs() > 2f64.powi(52) || b[1].abs() > 2f64.powi(52) {
                        return Err(bad(path, format!("randint bounds must be integers, got [{}, {}]", b[0], b[1])));
                    }
                    if b[1] <= b[0] {
                        return Err(bad(path, format!("randint [lo, hi) is empty: hi ({}) must be > lo ({})", b[1], b[0])));
                    }
                    Ok(Dim::RandInt { lo: b[0] as i64, hi: b[1] as i64 })
                }
                other => Err(bad(path, format!("unknown form '{other}'; expected one of {FORMS}"))),
            }
        }
        _ => Err(bad(path, format!("expected one of {FORMS}, got {v}"))),
    }
}

const FORMS: &str = "a number, a string, an array, {start, stop, step}, {choice}, {uniform}, {quniform}, {loguniform}, {randint}";

fn ordered(lo: f64, hi: f64, path: &str, form: &str) -> Result<()> {
    if lo < hi {
        Ok(())
    } else {
        Err(bad(path, format!("{form} needs lo < hi, got [{lo}, {hi}]")))
    }
}

fn choice(items: &[Value], path: &str) -> Result<Dim> {
    if items.is_empty() {
        return Err(bad(path, "a choice needs at least one value".into()));
    }
    let mut vals = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        match ParamValue::from_json(it) {
            Some(ParamValue::Num(x)) if !x.is_finite() => {
                return Err(bad(&format!("{path}[{i}]"), "must be finite".into()))
            }
            Some(p) => vals.push(p),
            None => {
                return Err(bad(&format!("{path}[{i}]"), format!("a choice value must be a number, string or boolean, got {it}")))
            }
        }
    }
    Ok(Dim::Values(vals))
}

/// Python `range` semantics extended to real steps. A 1e-9 relative tolerance keeps
/// `{start: 0, stop: 0.3, step: 0.1}` at 3 values (numpy's arange would give 4).
fn range(start: f64, stop: f64, step: f64, path: &str) -> Result<Dim> {
    if step == 0.0 {
        return Err(bad(path, "range step must not be 0".into()));
    }
    let span = (stop - start) / step;
    let count = if span <= 0.0 { 0.0 } else { (span - 1e-9).ceil() };
    if count < 1.0 {
        return Err(bad(path, format!("range {{start: {start}, stop: {stop}, step: {step}}} is empty (stop is exclusive)")));
    }
    if count > 1e15 {
        return Err(bad(path, "range has too many values".into()));
    }
    Ok(Dim::Range { start, step, count: count as u64 })
}
