//! Multi-timeframe analysis: catalogue indicators computed on coarser timeframes and aligned
//! back onto the base bars, a trend-alignment score and base-signal confirmation.
//!
//! Resampling and alignment are `crate::series::on_timeframe` (shared with the rules' `tf()`):
//! at base bar `i` a timeframe contributes the value of its latest *completed* bar (one whose
//! bucket `[start, start + tf)` ended by bar `i`'s timestamp), so at the first bar of a new
//! week the weekly value is the week just completed and appending bars never changes an
//! earlier output.
//!
//! * trend of a timeframe (per completed bar): +1 if close > EMA(close, `trendPeriod`),
//!   −1 if below, 0 if equal; NaN during the EMA's warm-up.
//! * `alignment[i]`: the mean of the timeframes' trends at bar `i`, in [−1, 1]; NaN while any
//!   timeframe's trend is undefined.
//! * base signal: `signal: 'trend'` (default) = the same trend rule on the base bars
//!   themselves; `'up'` / `'down'` = a constant direction; or an array of numbers (one per
//!   bar; the sign counts, NaN/0 = no signal).
//! * `confirmation[i]`: the base signal is non-zero and at least `minAgreement` (default 1 =
//!   all) of the timeframes' trends equal its sign.

use super::{check_keys, number};
use crate::indicators::{compute, output_names, Inputs, Params};
use crate::series::{on_timeframe, parse_timeframe, Ohlcv};
use crate::{Error, Result};
use serde_json::Value;

/// At most this many timeframes per call.
pub const MAX_TIMEFRAMES: usize = 8;
/// At most this many indicators per call.
pub const MAX_INDICATORS: usize = 32;
/// Output values (bars × timeframes × columns) one call may produce.
pub const MAX_OUTPUT_VALUES: usize = 32_000_000;

/// One indicator request: a catalogue name, TA-Lib parameters, and the column reported as
/// `output` (default: the indicator's first output).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRequest {
    pub key: String,
    pub name: String,
    pub params: Params,
    pub output: Option<String>,
}

/// The base-timeframe signal to confirm.
#[derive(Debug, Clone, PartialEq)]
pub enum BaseSignal {
    Trend,
    Direction(f64),
    Values(Vec<f64>),
}

/// A parsed `multiTimeframe` spec.
#[derive(Debug, Clone, PartialEq)]
pub struct MtfSpec {
    pub timeframes: Vec<String>,
    pub indicators: Vec<IndicatorRequest>,
    pub trend_period: usize,
    pub signal: BaseSignal,
    pub min_agreement: f64,
}

const KEYS: [&str; 5] = [
    "timeframes",
    "indicators",
    "trendPeriod",
    "signal",
    "minAgreement",
];
const INDICATOR_KEYS: [&str; 3] = ["name", "params", "output"];

fn bad(field: &str, message: String) -> Error {
    Error::invalid_parameter(message).with("field", field)
}

impl MtfSpec {
    /// From a JS-style object. Unknown keys and bad values → INVALID_PARAMETER with `field`;
    /// more than [`MAX_TIMEFRAMES`] timeframes or [`MAX_INDICATORS`] indicators → RESOURCE_LIMIT.
    pub fn from_json(value: &Value) -> Result<Self> {
        if !value.is_object() {
            return Err(bad(
                "spec",
                "multiTimeframe spec must be an object {timeframes, indicators}".into(),
            ));
        }
        check_keys(value, "multiTimeframe spec", &KEYS)?;
        let tfs = value
            .get("timeframes")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                bad(
                    "timeframes",
                    "'timeframes' must be an array such as ['4h', '1d', '1w']".into(),
                )
            })?;
        if tfs.is_empty() {
            return Err(bad(
                "timeframes",
                "'timeframes' needs at least one timeframe".into(),
            ));
        }
        if tfs.len() > MAX_TIMEFRAMES {
            return Err(Error::resource_limit(format!(
                "{} timeframes requested; at most {MAX_TIMEFRAMES} per call",
                tfs.len()
            ))
            .with("field", "timeframes")
            .with("limit", MAX_TIMEFRAMES));
        }
        let mut timeframes = Vec::with_capacity(tfs.len());
        for tf in tfs {
            let s = tf.as_str().ok_or_else(|| {
                bad(
                    "timeframes",
                    format!("timeframe {tf} must be a string such as '1d'"),
                )
            })?;
            if timeframes.iter().any(|t| t == s) {
                return Err(bad(
                    "timeframes",
                    format!("timeframe '{s}' is listed twice"),
                ));
            }
            parse_timeframe(s).map_err(|e| e.with("field", "timeframes"))?;
            timeframes.push(s.to_string());
        }

        let indicators = match value.get("indicators") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(map)) => {
                if map.len() > MAX_INDICATORS {
                    return Err(Error::resource_limit(format!(
                        "{} indicators requested; at most {MAX_INDICATORS} per call",
                        map.len()
                    ))
                    .with("field", "indicators")
                    .with("limit", MAX_INDICATORS));
                }
                map.iter()
                    .map(|(k, v)| indicator_request(k, v))
                    .collect::<Result<_>>()?
            }
            Some(_) => {
                return Err(bad(
                    "indicators",
                    "'indicators' must be an object {key: {name, params}}".into(),
                ))
            }
        };

        let signal = match value.get("signal") {
            None | Some(Value::Null) => BaseSignal::Trend,
            Some(Value::String(s)) => match s.as_str() {
                "trend" => BaseSignal::Trend,
                "up" => BaseSignal::Direction(1.0),
                "down" => BaseSignal::Direction(-1.0),
                _ => {
                    return Err(bad(
                        "signal",
                        format!("signal '{s}' is not 'trend', 'up', 'down' or an array"),
                    ))
                }
            },
            Some(Value::Array(items)) => BaseSignal::Values(
                items
                    .iter()
                    .map(|v| match v {
                        Value::Null => Ok(f64::NAN),
                        _ => v.as_f64().ok_or_else(|| {
                            bad("signal", format!("signal value {v} is not a number"))
                        }),
                    })
                    .collect::<Result<_>>()?,
            ),
            Some(other) => {
                return Err(bad(
                    "signal",
                    format!("signal {other} must be 'trend', 'up', 'down' or an array"),
                ))
            }
        };

        Ok(MtfSpec {
            timeframes,
            indicators,
            trend_period: number(value, "trendPeriod", 20.0, 2.0, 1000.0, true)? as usize,
            signal,
            min_agreement: {
                let m = number(value, "minAgreement", 1.0, 0.0, 1.0, false)?;
                if m == 0.0 {
                    return Err(bad(
                        "minAgreement",
                        "'minAgreement' must be in (0, 1]".into(),
                    ));
                }
                m
            },
        })
    }
}

fn indicator_request(key: &str, v: &Value) -> Result<IndicatorRequest> {
    let field = format!("indicators.{key}");
    if !v.is_object() {
        return Err(bad(
            &field,
            format!("indicator '{key}' must be an object {{name, params}}"),
        ));
    }
    check_keys(v, &field, &INDICATOR_KEYS)?;
    let name = v.get("name").and_then(Value::as_str).ok_or_else(|| {
        bad(
            &field,
            format!("indicator '{key}' needs a 'name' (a TA-Lib function name)"),
        )
    })?;
    let outputs = output_names(name).map_err(|e| e.with("field", field.as_str()))?;
    let mut params = Params::new();
    match v.get("params") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (p, x) in map {
                let x = x.as_f64().ok_or_else(|| {
                    bad(
                        &field,
                        format!("parameter '{p}' of indicator '{key}' must be a number"),
                    )
                })?;
                params.set(p, x);
            }
        }
        Some(_) => {
            return Err(bad(
                &field,
                format!("'params' of indicator '{key}' must be an object"),
            ))
        }
    }
    let output = match v.get("output") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if outputs.contains(&s.as_str()) => Some(s.clone()),
        Some(o) => {
            return Err(bad(
                &field,
                format!(
                    "{name} has no output {o}; its outputs are [{}]",
                    outputs.join(", ")
                ),
            ))
        }
    };
    Ok(IndicatorRequest {
        key: key.to_string(),
        name: name.to_string(),
        params,
        output,
    })
}

/// One indicator on one timeframe, aligned onto the base bars.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedIndicator {
    pub key: String,
    /// The selected column (`output`).
    pub output: Vec<f64>,
    /// Every output column by TA-Lib name (the selected one included).
    pub columns: Vec<(String, Vec<f64>)>,
}

/// One timeframe's aligned indicators and trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeframeResult {
    pub timeframe: String,
    pub timeframe_ms: i64,
    pub indicators: Vec<AlignedIndicator>,
    /// +1 / −1 / 0 per base bar from the latest completed bar; NaN in warm-up.
    pub trend: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MtfResult {
    pub timeframes: Vec<TimeframeResult>,
    pub alignment: Vec<f64>,
    pub confirmation: Vec<bool>,
    /// The base signal's sign per bar (0 = none, NaN = undefined).
    pub signal: Vec<f64>,
}

/// +1 / −1 / 0 for close against EMA(close, period); NaN while the EMA warms up.
fn trend_of(close: &[f64], period: usize) -> Result<Vec<f64>> {
    let ema = compute(
        "EMA",
        &Inputs::real(close),
        &Params::new().with("timeperiod", period as f64),
    )?;
    Ok(close
        .iter()
        .zip(ema.first())
        .map(|(c, e)| if e.is_nan() { f64::NAN } else { sign(c - e) })
        .collect())
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        f64::NAN
    }
}

/// Runs `spec` on `data`. A timeframe finer than the data → INVALID_PARAMETER (`field:
/// timeframes`); an explicit signal array of the wrong length → INVALID_INPUT.
pub fn multi_timeframe(data: &Ohlcv, spec: &MtfSpec) -> Result<MtfResult> {
    let n = data.len();
    let columns_per_tf: usize = 1 + spec
        .indicators
        .iter()
        .map(|r| output_names(&r.name).map(|o| o.len()))
        .sum::<Result<usize>>()?;
    let total = n
        .saturating_mul(spec.timeframes.len())
        .saturating_mul(columns_per_tf);
    if total > MAX_OUTPUT_VALUES {
        return Err(Error::resource_limit(format!(
            "{n} bars × {} timeframes × {columns_per_tf} columns = {total} values, more than {MAX_OUTPUT_VALUES}; \
             request fewer timeframes or indicators, or fewer bars",
            spec.timeframes.len()
        ))
        .with("field", "indicators")
        .with("limit", MAX_OUTPUT_VALUES));
    }

    let mut timeframes = Vec::with_capacity(spec.timeframes.len());
    for tf in &spec.timeframes {
        let tf_ms = parse_timeframe(tf).map_err(|e| e.with("field", "timeframes"))?;
        let mut names: Vec<Vec<String>> = Vec::with_capacity(spec.indicators.len());
        let mut aligned = on_timeframe(data, tf_ms, |htf| {
            let mut cols = vec![trend_of(&htf.close, spec.trend_period)?];
            let inputs = Inputs::from_ohlcv(htf);
            for req in &spec.indicators {
                let out = compute(&req.name, &inputs, &req.params)
                    .map_err(|e| e.with("field", format!("indicators.{}", req.key)))?;
                let (n, c): (Vec<String>, Vec<Vec<f64>>) = out.into_columns().into_iter().unzip();
                names.push(n);
                cols.extend(c);
            }
            Ok(cols)
        })
        .map_err(|e| {
            // Resampling errors name the timeframe; indicator errors keep their own field.
            let e = if e.detail("field").is_none() {
                e.with("field", "timeframes")
            } else {
                e
            };
            e.with("timeframe", tf.as_str())
        })?
        .into_iter();
        let trend = aligned.next().unwrap_or_default();
        let mut indicators = Vec::with_capacity(spec.indicators.len());
        for (req, col_names) in spec.indicators.iter().zip(names) {
            let columns: Vec<(String, Vec<f64>)> = col_names
                .into_iter()
                .map(|name| (name, aligned.next().unwrap_or_default()))
                .collect();
            let pick = req.output.as_deref();
            let output = columns
                .iter()
                .find(|(name, _)| Some(name.as_str()) == pick)
                .or(columns.first())
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            indicators.push(AlignedIndicator {
                key: req.key.clone(),
                output,
                columns,
            });
        }
        timeframes.push(TimeframeResult {
            timeframe: tf.clone(),
            timeframe_ms: tf_ms,
            indicators,
            trend,
        });
    }

    let signal: Vec<f64> = match &spec.signal {
        BaseSignal::Trend => trend_of(&data.close, spec.trend_period)?,
        BaseSignal::Direction(d) => vec![*d; n],
        BaseSignal::Values(v) => {
            if v.len() != n {
                return Err(Error::invalid_input(format!(
                    "signal has {} values but the data has {n} bars",
                    v.len()
                ))
                .with("field", "signal")
                .with("expected", n)
                .with("got", v.len()));
            }
            v.iter()
                .map(|&x| if x.is_nan() { 0.0 } else { sign(x) })
                .collect()
        }
    };

    let k = timeframes.len() as f64;
    let mut alignment = vec![f64::NAN; n];
    let mut confirmation = vec![false; n];
    for i in 0..n {
        let trends = timeframes.iter().map(|t| t.trend[i]);
        if trends.clone().any(f64::is_nan) {
            continue;
        }
        alignment[i] = trends.clone().sum::<f64>() / k;
        let s = signal[i];
        if s == 1.0 || s == -1.0 {
            let agree = trends.filter(|&t| t == s).count() as f64;
            confirmation[i] = agree / k >= spec.min_agreement;
        }
    }
    Ok(MtfResult {
        timeframes,
        alignment,
        confirmation,
        signal,
    })
}
