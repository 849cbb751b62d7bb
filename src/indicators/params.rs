//! Parameters: the declared specs (name, default, TA-Lib's valid range), the user-facing
//! `Params` map and validation into `Resolved` values that kernels read.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a parameter's value is interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    /// A whole number (periods).
    Integer,
    /// Any real in range.
    Real,
    /// A TA-Lib moving-average type, 0..=13 (see [`MaType`]).
    Matype,
}

/// One declared parameter: TA-Lib's Python name, default and valid range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: f64,
    pub min: f64,
    pub max: f64,
}

/// Largest period TA-Lib accepts.
pub(crate) const MAX_PERIOD: f64 = 100_000.0;
/// TA-Lib's bound for real-valued parameters (`TA_REAL_MAX`).
pub(crate) const REAL_MAX: f64 = 3e37;

/// A period parameter `min..=100000`.
pub(crate) const fn period(name: &'static str, default: f64, min: f64) -> ParamSpec {
    ParamSpec {
        name,
        kind: ParamKind::Integer,
        default,
        min,
        max: MAX_PERIOD,
    }
}
/// A real parameter.
pub(crate) const fn real(name: &'static str, default: f64, min: f64, max: f64) -> ParamSpec {
    ParamSpec {
        name,
        kind: ParamKind::Real,
        default,
        min,
        max,
    }
}
/// A moving-average type parameter (TA-Lib 0.8's codes 0..=13). `default` is the code that
/// 11 ("the function's own default") stands for.
pub(crate) const fn matype(name: &'static str, default: f64) -> ParamSpec {
    ParamSpec {
        name,
        kind: ParamKind::Matype,
        default,
        min: 0.0,
        max: MaType::MAX_CODE as f64,
    }
}

/// TA-Lib 0.8's moving-average types (`matype` codes 0..=13).
///
/// Two codes are not averages of their own: 10 ([`MaType::Disabled`]) is no smoothing at
/// all (the input itself, lookback 0, whatever the period), and 11 ([`MaType::Default`])
/// stands for the parameter's own default type (SMA for most, EMA for APO/PPO's `matype`).
/// Kernels never see 11: [`Resolved::matype`] replaces it by the declared default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum MaType {
    Sma = 0,
    Ema = 1,
    Wma = 2,
    Dema = 3,
    Tema = 4,
    Trima = 5,
    Kama = 6,
    /// MESA adaptive MA with fast limit 0.5 and slow limit 0.05; the period is ignored
    /// (except that a period of 1 is the identity, as for every type).
    Mama = 7,
    /// T3 with volume factor 0.7.
    T3 = 8,
    /// Hull MA: WMA(2 WMA(n/2) - WMA(n), floor(sqrt n)).
    Hma = 9,
    /// No smoothing: the input itself at any period.
    Disabled = 10,
    /// The parameter's own default type.
    Default = 11,
    /// Zero-lag EMA: an EMA of `2x - x[lag]`, `lag = (n-1)/2`.
    Zlema = 12,
    /// Wilder's smoothing (RMA, SMMA): alpha `1/n`, seeded with the SMA.
    Rma = 13,
}

impl MaType {
    /// The largest code TA-Lib 0.8 accepts.
    pub const MAX_CODE: u32 = 13;

    /// From TA-Lib's numeric code.
    pub fn from_code(code: u32) -> Option<MaType> {
        Some(match code {
            0 => MaType::Sma,
            1 => MaType::Ema,
            2 => MaType::Wma,
            3 => MaType::Dema,
            4 => MaType::Tema,
            5 => MaType::Trima,
            6 => MaType::Kama,
            7 => MaType::Mama,
            8 => MaType::T3,
            9 => MaType::Hma,
            10 => MaType::Disabled,
            11 => MaType::Default,
            12 => MaType::Zlema,
            13 => MaType::Rma,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            MaType::Sma => "SMA",
            MaType::Ema => "EMA",
            MaType::Wma => "WMA",
            MaType::Dema => "DEMA",
            MaType::Tema => "TEMA",
            MaType::Trima => "TRIMA",
            MaType::Kama => "KAMA",
            MaType::Mama => "MAMA",
            MaType::T3 => "T3",
            MaType::Hma => "HMA",
            MaType::Disabled => "DISABLED",
            MaType::Default => "DEFAULT",
            MaType::Zlema => "ZLEMA",
            MaType::Rma => "RMA",
        }
    }
}

/// Parameter values by TA-Lib name (`{"timeperiod": 14}`); missing ones take the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Params(BTreeMap<String, f64>);

impl Params {
    pub fn new() -> Self {
        Params(BTreeMap::new())
    }
    /// Builder style: `Params::new().with("timeperiod", 14.0)`.
    pub fn with(mut self, name: &str, value: f64) -> Self {
        self.0.insert(name.to_string(), value);
        self
    }
    pub fn set(&mut self, name: &str, value: f64) {
        self.0.insert(name.to_string(), value);
    }
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.get(name).copied()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, const N: usize> From<[(K, f64); N]> for Params {
    fn from(items: [(K, f64); N]) -> Self {
        Params(items.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl<K: Into<String>> FromIterator<(K, f64)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, f64)>>(iter: I) -> Self {
        Params(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl From<BTreeMap<String, f64>> for Params {
    fn from(map: BTreeMap<String, f64>) -> Self {
        Params(map)
    }
}

const MAX_PARAMS: usize = 8;

/// Validated parameter values in declaration order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    specs: &'static [ParamSpec],
    values: [f64; MAX_PARAMS],
}

impl Resolved {
    /// Validates `params` against `specs` for indicator `indicator`.
    pub(crate) fn new(
        indicator: &str,
        specs: &'static [ParamSpec],
        params: &Params,
    ) -> Result<Self> {
        for (name, _) in params.iter() {
            if !specs.iter().any(|s| s.name == name) {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                return Err(Error::invalid_parameter(format!(
                    "{indicator} has no parameter '{name}'; its parameters are [{}]",
                    known.join(", ")
                ))
                .with("indicator", indicator)
                .with("parameter", name)
                .with("known", known));
            }
        }
        let mut values = [0.0; MAX_PARAMS];
        for (slot, spec) in values.iter_mut().zip(specs) {
            let v = params.get(spec.name).unwrap_or(spec.default);
            if v.is_nan() || v < spec.min || v > spec.max {
                return Err(Error::param_range(spec.name, v, spec.min, spec.max)
                    .with("indicator", indicator));
            }
            if spec.kind != ParamKind::Real && v.fract() != 0.0 {
                return Err(Error::invalid_parameter(format!(
                    "parameter '{}' = {v} of {indicator} must be a whole number in [{}, {}]",
                    spec.name, spec.min, spec.max
                ))
                .with("indicator", indicator)
                .with("parameter", spec.name)
                .with("value", v)
                .with("min", spec.min)
                .with("max", spec.max));
            }
            *slot = v;
        }
        Ok(Resolved { specs, values })
    }

    fn value(&self, name: &str) -> f64 {
        // Names come from the declarations next to the kernels; an unknown name is a typo in
        // this crate, and the declared default order makes 0 a harmless fallback.
        self.specs
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| self.values.get(i).copied())
            .unwrap_or(0.0)
    }

    pub(crate) fn real(&self, name: &str) -> f64 {
        self.value(name)
    }

    pub(crate) fn int(&self, name: &str) -> usize {
        self.value(name) as usize
    }

    /// A `matype` parameter, with 11 ([`MaType::Default`]) replaced by the parameter's
    /// declared default, so kernels only ever see concrete types.
    pub(crate) fn matype(&self, name: &str) -> MaType {
        let code = |v: f64| MaType::from_code(v as u32).unwrap_or(MaType::Sma);
        match code(self.value(name)) {
            MaType::Default => {
                let default = self
                    .specs
                    .iter()
                    .find(|s| s.name == name)
                    .map_or(0.0, |s| s.default);
                match code(default) {
                    MaType::Default => MaType::Sma,
                    kind => kind,
                }
            }
            kind => kind,
        }
    }

    /// Values in declaration order (for default feature column names).
    pub(crate) fn values(&self) -> impl Iterator<Item = (&'static ParamSpec, f64)> + '_ {
        self.specs.iter().zip(self.values.iter().copied())
    }
}
