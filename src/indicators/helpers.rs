//! Plain helpers for other modules (signals, backtests): one-series indicators written
//! into caller-provided buffers, validated like `compute`.

use super::catalogue::{self, Columns};
use super::params::{MaType, Params, Resolved};
use super::window::{Extreme, MonoDeque};
use super::Inputs;
use crate::{Error, Result};

fn run(name: &str, src: &[f64], params: &Params, outs: &mut [&mut [f64]]) -> Result<()> {
    let entry = catalogue::find(name)?;
    let resolved = Resolved::new(entry.name, entry.params, params)?;
    for out in outs.iter() {
        check_len(src, out)?;
    }
    let cols = Columns::new(entry, &Inputs::real(src))?;
    (entry.batch)(&resolved, &cols, outs);
    Ok(())
}

fn check_len(src: &[f64], out: &[f64]) -> Result<()> {
    if out.len() != src.len() {
        return Err(Error::invalid_input(format!(
            "output buffer has length {} but the input has {}; they must be equal",
            out.len(),
            src.len()
        ))
        .with("length", out.len())
        .with("expected", src.len()));
    }
    Ok(())
}

/// Simple moving average (TA-Lib `SMA`), NaN for the first `period - 1` bars.
pub fn sma(src: &[f64], period: usize, out: &mut [f64]) -> Result<()> {
    run(
        "SMA",
        src,
        &Params::new().with("timeperiod", period as f64),
        &mut [out],
    )
}

/// Exponential moving average (TA-Lib `EMA`, seeded with the SMA of the first `period`).
pub fn ema(src: &[f64], period: usize, out: &mut [f64]) -> Result<()> {
    run(
        "EMA",
        src,
        &Params::new().with("timeperiod", period as f64),
        &mut [out],
    )
}

/// Wilder's RSI (TA-Lib `RSI`), NaN for the first `period` bars.
pub fn rsi(src: &[f64], period: usize, out: &mut [f64]) -> Result<()> {
    run(
        "RSI",
        src,
        &Params::new().with("timeperiod", period as f64),
        &mut [out],
    )
}

/// MACD line, signal and histogram (TA-Lib `MACD`).
pub fn macd(
    src: &[f64],
    fast: usize,
    slow: usize,
    signal: usize,
    macd_out: &mut [f64],
    signal_out: &mut [f64],
    hist_out: &mut [f64],
) -> Result<()> {
    let params = Params::new()
        .with("fastperiod", fast as f64)
        .with("slowperiod", slow as f64)
        .with("signalperiod", signal as f64);
    run("MACD", src, &params, &mut [macd_out, signal_out, hist_out])
}

/// Bollinger bands (TA-Lib `BBANDS`): upper, middle, lower.
#[allow(clippy::too_many_arguments)]
pub fn bbands(
    src: &[f64],
    period: usize,
    nbdevup: f64,
    nbdevdn: f64,
    matype: MaType,
    upper: &mut [f64],
    middle: &mut [f64],
    lower: &mut [f64],
) -> Result<()> {
    let params = Params::new()
        .with("timeperiod", period as f64)
        .with("nbdevup", nbdevup)
        .with("nbdevdn", nbdevdn)
        .with("matype", matype as u8 as f64);
    run("BBANDS", src, &params, &mut [upper, middle, lower])
}

fn rolling(src: &[f64], period: usize, out: &mut [f64], kind: Extreme) -> Result<()> {
    if !(1..=100_000).contains(&period) {
        return Err(Error::param_range(
            "timeperiod",
            period as f64,
            1.0,
            100_000.0,
        ));
    }
    check_len(src, out)?;
    let mut dq = MonoDeque::new(kind, period);
    for (i, (&x, slot)) in src.iter().zip(out.iter_mut()).enumerate() {
        dq.push(i, x);
        *slot = if i + 1 < period { f64::NAN } else { dq.value() };
    }
    Ok(())
}

/// Highest value over the last `period` bars including the current one (TA-Lib `MAX`,
/// Donchian upper band). O(n) whatever the period; NaN values are skipped (TA-Lib 0.8).
pub fn rolling_max(src: &[f64], period: usize, out: &mut [f64]) -> Result<()> {
    rolling(src, period, out, Extreme::Max)
}

/// Lowest value over the last `period` bars including the current one (TA-Lib `MIN`).
pub fn rolling_min(src: &[f64], period: usize, out: &mut [f64]) -> Result<()> {
    rolling(src, period, out, Extreme::Min)
}
