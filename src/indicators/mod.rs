//! The indicator catalogue: 42 TA-Lib indicators, exact to TA-Lib's C arithmetic.
//!
//! Every indicator is a streaming state machine (a `Kernel`) declared once in
//! [`catalogue`](self::catalogue()); batch computation drives the same state machine over the
//! input columns, so streaming equals batch bit for bit by construction. The declaration
//! table also gives the lookback, the catalogue entry and the JS export.
//!
//! * [`compute`] / [`compute_into`]: batch, by TA-Lib function name.
//! * [`Stream`]: bar-by-bar `update` / `peek` / `reset`.
//! * [`lookback`], [`catalogue`].
//! * Plain helpers for other modules: [`sma`], [`ema`], [`rsi`], [`macd`], [`bbands`],
//!   [`rolling_max`], [`rolling_min`].
//! * [`features`](features::features): named feature tables from a list of specs.

mod candles;
mod catalogue;
mod cycle;
mod extra;
pub mod features;
mod helpers;
mod ma;
mod math;
mod momentum;
mod overlap;
mod params;
mod stats;
mod stream;
mod volatility;
mod volume;
mod window;

pub use catalogue::{catalogue, CatalogueEntry, ParamEntry};
pub use features::{features, FeatureSpec, FeatureTable};
pub use helpers::{bbands, ema, macd, rolling_max, rolling_min, rsi, sma};
pub use params::{MaType, ParamKind, ParamSpec, Params};
pub use stream::Stream;

use crate::series::Ohlcv;
use crate::{Error, Result};
use serde::Serialize;

/// One bar of input. Fields an indicator does not use are ignored (NaN is fine there).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bar {
    pub open: f64,
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    /// MAVP's per-bar period (TA-Lib's `periods` input); NaN for everything else.
    pub periods: f64,
}

/// The input columns an indicator can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Input {
    Open,
    High,
    Low,
    Close,
    Volume,
    /// MAVP's per-bar moving-average period.
    Periods,
}

impl Input {
    pub const ALL: [Input; 6] = [
        Input::Open,
        Input::High,
        Input::Low,
        Input::Close,
        Input::Volume,
        Input::Periods,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Input::Open => "open",
            Input::High => "high",
            Input::Low => "low",
            Input::Close => "close",
            Input::Volume => "volume",
            Input::Periods => "periods",
        }
    }
}

/// Borrowed input columns. Single-series indicators (SMA, RSI, ...) read `close`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    pub open: Option<&'a [f64]>,
    pub high: Option<&'a [f64]>,
    pub low: Option<&'a [f64]>,
    pub close: Option<&'a [f64]>,
    pub volume: Option<&'a [f64]>,
    pub periods: Option<&'a [f64]>,
}

impl<'a> Inputs<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single series, used as `close` (TA-Lib's `real` input).
    pub fn real(values: &'a [f64]) -> Self {
        Inputs {
            close: Some(values),
            ..Self::default()
        }
    }

    pub fn from_ohlcv(data: &'a Ohlcv) -> Self {
        Inputs {
            open: Some(&data.open),
            high: Some(&data.high),
            low: Some(&data.low),
            close: Some(&data.close),
            volume: Some(&data.volume),
            periods: None,
        }
    }

    /// Builder style: `Inputs::new().with(Input::High, &h)`.
    pub fn with(mut self, input: Input, values: &'a [f64]) -> Self {
        *self.slot(input) = Some(values);
        self
    }

    pub fn get(&self, input: Input) -> Option<&'a [f64]> {
        match input {
            Input::Open => self.open,
            Input::High => self.high,
            Input::Low => self.low,
            Input::Close => self.close,
            Input::Volume => self.volume,
            Input::Periods => self.periods,
        }
    }

    fn slot(&mut self, input: Input) -> &mut Option<&'a [f64]> {
        match input {
            Input::Open => &mut self.open,
            Input::High => &mut self.high,
            Input::Low => &mut self.low,
            Input::Close => &mut self.close,
            Input::Volume => &mut self.volume,
            Input::Periods => &mut self.periods,
        }
    }
}

impl<'a> From<&'a Ohlcv> for Inputs<'a> {
    fn from(data: &'a Ohlcv) -> Self {
        Inputs::from_ohlcv(data)
    }
}

/// Output columns in TA-Lib's order, each as long as the input, NaN during warm-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outputs {
    pub columns: Vec<(String, Vec<f64>)>,
}

impl Outputs {
    /// A column by TA-Lib output name (`"real"`, `"macdsignal"`, ...).
    pub fn get(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
    /// The first column (the only one for single-output indicators).
    pub fn first(&self) -> &[f64] {
        self.columns.first().map_or(&[][..], |(_, v)| v.as_slice())
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(n, _)| n.as_str())
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[f64])> {
        self.columns.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }
    pub fn into_columns(self) -> Vec<(String, Vec<f64>)> {
        self.columns
    }
}

/// Computes indicator `name` (a TA-Lib function name, case-insensitive) over `inputs`.
///
/// Errors: unknown name or parameter out of range → INVALID_PARAMETER; a required input
/// missing or inputs of different lengths → INVALID_INPUT. Input shorter than the lookback
/// gives all-NaN columns.
pub fn compute(name: &str, inputs: &Inputs, params: &Params) -> Result<Outputs> {
    let entry = catalogue::find(name)?;
    let resolved = params::Resolved::new(entry.name, entry.params, params)?;
    let cols = catalogue::Columns::new(entry, inputs)?;
    let data = (entry.collect)(&resolved, &cols, entry.outputs.len());
    Ok(Outputs {
        columns: entry
            .outputs
            .iter()
            .map(|s| s.to_string())
            .zip(data)
            .collect(),
    })
}

/// Like [`compute`] but writes into caller-provided buffers, one per output in TA-Lib's
/// order, each exactly as long as the input (else INVALID_INPUT).
pub fn compute_into(
    name: &str,
    inputs: &Inputs,
    params: &Params,
    outs: &mut [&mut [f64]],
) -> Result<()> {
    let entry = catalogue::find(name)?;
    let resolved = params::Resolved::new(entry.name, entry.params, params)?;
    let cols = catalogue::Columns::new(entry, inputs)?;
    if outs.len() != entry.outputs.len() {
        return Err(Error::invalid_input(format!(
            "{} has {} outputs ({}) but {} buffers were given",
            entry.name,
            entry.outputs.len(),
            entry.outputs.join(", "),
            outs.len()
        ))
        .with("expected", entry.outputs.len())
        .with("given", outs.len()));
    }
    for (i, out) in outs.iter().enumerate() {
        if out.len() != cols.len() {
            return Err(Error::invalid_input(format!(
                "output buffer {i} has length {} but the input has {} bars",
                out.len(),
                cols.len()
            ))
            .with("output", i)
            .with("length", out.len())
            .with("expected", cols.len()));
        }
    }
    (entry.batch)(&resolved, &cols, outs);
    Ok(())
}

/// Number of leading bars without a value (TA-Lib's `TA_XXX_Lookback`).
pub fn lookback(name: &str, params: &Params) -> Result<usize> {
    let entry = catalogue::find(name)?;
    let resolved = params::Resolved::new(entry.name, entry.params, params)?;
    Ok((entry.lookback)(&resolved))
}

/// Names of all indicators in the catalogue, in declaration order.
pub fn names() -> Vec<&'static str> {
    catalogue::entries().iter().map(|e| e.name).collect()
}

/// Inputs an indicator reads (INVALID_PARAMETER for an unknown name).
pub fn input_names(name: &str) -> Result<Vec<&'static str>> {
    Ok(catalogue::find(name)?
        .inputs
        .iter()
        .map(|i| i.name())
        .collect())
}

/// Output names of an indicator (INVALID_PARAMETER for an unknown name).
pub fn output_names(name: &str) -> Result<&'static [&'static str]> {
    Ok(catalogue::find(name)?.outputs)
}

// ---- shared by the kernel modules ----

/// Up to four output values per bar (HA has four).
pub(crate) type Out = [f64; 4];

pub(crate) const NAN3: Out = [f64::NAN; 4];

/// A single-output value, NaN while warming up.
#[inline]
pub(crate) fn o1(v: Option<f64>) -> Out {
    [v.unwrap_or(f64::NAN), f64::NAN, f64::NAN, f64::NAN]
}

/// TA-Lib's `TA_EPSILON` (0.8.x; older releases used 1e-8).
pub(crate) const EPSILON: f64 = 0.00000000000001;

/// TA-Lib's `TA_IS_ZERO`.
#[inline]
pub(crate) fn is_zero(v: f64) -> bool {
    -EPSILON < v && v < EPSILON
}

/// TA-Lib 0.8's zero test where NaN takes the "zero" branch (RSI, CMO, ±DI, ADX, ULTOSC):
/// a NaN sum gives 0 (or keeps ADX unchanged) instead of spreading NaN.
#[inline]
pub(crate) fn is_zero_or_nan(v: f64) -> bool {
    v.is_nan() || is_zero(v)
}

/// TA-Lib's `TA_IS_ZERO_OR_NEG`.
#[inline]
pub(crate) fn is_zero_or_neg(v: f64) -> bool {
    v < EPSILON
}

/// TA-Lib's `TA_IS_ZERO_SCALED`: `v` (a difference of operands whose magnitudes sum to
/// `scale`) is zero within `EPSILON * scale`.
#[inline]
pub(crate) fn is_zero_scaled(v: f64, scale: f64) -> bool {
    v.abs() <= EPSILON * scale
}

/// TA-Lib's true range: high-low, widened by the gap to the previous close. The comparison
/// order matters for NaN propagation, so it is TA-Lib's.
#[inline]
pub(crate) fn true_range(high: f64, low: f64, prev_close: f64) -> f64 {
    let mut out = high - low;
    let up = (high - prev_close).abs();
    if up > out {
        out = up;
    }
    let down = (low - prev_close).abs();
    if down > out {
        out = down;
    }
    out
}

/// A streaming indicator: built from validated parameters, fed one bar at a time.
/// `update` returns NaN for exactly the first `lookback` bars.
pub(crate) trait Kernel: Clone {
    fn new(p: &params::Resolved) -> Self;
    fn lookback(p: &params::Resolved) -> usize;
    fn update(&mut self, b: &Bar) -> Out;
}
