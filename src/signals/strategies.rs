//! Built-in strategies and their registry: parameter schemas, validation, and per-bar signal
//! tables (`time`, Buy/Sell/Hold, confidence).
//!
//! Every rule is edge-triggered (a signal on the bar a condition becomes true), which is what
//! the backtester's "Buy/Sell = close the position, then enter" reading expects. Confidence
//! is 1 on signal bars and 0 on Hold bars: these rules are binary.
//!
//! SmaCross computes its averages the way the chosen backtest semantics' reference library
//! does (pandas rolling mean for backtesting.py, vectorbt's MA for vectorbt) and uses that
//! library's crossover rule, so results match those libraries exactly.

use crate::backtest::{self, first_valid, ma, BacktestConfig, BacktestResult, Semantics, SignalSeries};
use crate::indicators::{self, MaType};
use crate::series::Ohlcv;
use crate::signals::Signal;
use crate::{Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};

/// One parameter of a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamSpec {
    pub name: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    pub integer: bool,
    pub description: &'static str,
}

/// A built-in strategy's schema.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StrategySpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    pub params: &'static [ParamSpec],
}

const MAX_PERIOD: f64 = 100_000.0;

const fn period(name: &'static str, default: f64, min: f64, description: &'static str) -> ParamSpec {
    ParamSpec { name, default, min, max: MAX_PERIOD, integer: true, description }
}

/// The registry, in listing order.
pub const STRATEGIES: &[StrategySpec] = &[
    StrategySpec {
        name: "SmaCross",
        aliases: &["MovingAverageCrossover"],
        description: "Buy when SMA(n1) crosses above SMA(n2), sell when it crosses below (long/short reversal).",
        params: &[
            period("n1", 10.0, 1.0, "fast moving-average period"),
            period("n2", 20.0, 1.0, "slow moving-average period"),
        ],
    },
    StrategySpec {
        name: "RSI",
        aliases: &[],
        description: "Buy when RSI crosses back above `lower`, sell when it crosses back below `upper`.",
        params: &[
            period("timeperiod", 14.0, 2.0, "RSI period"),
            ParamSpec { name: "lower", default: 30.0, min: 0.0, max: 100.0, integer: false, description: "oversold level" },
            ParamSpec { name: "upper", default: 70.0, min: 0.0, max: 100.0, integer: false, description: "overbought level" },
        ],
    },
    StrategySpec {
        name: "MACD",
        aliases: &[],
        description: "Buy when the MACD line crosses above its signal line, sell when it crosses below.",
        params: &[
            period("fastperiod", 12.0, 2.0, "fast EMA period"),
            period("slowperiod", 26.0, 2.0, "slow EMA period"),
            period("signalperiod", 9.0, 1.0, "signal-line EMA period"),
        ],
    },
    StrategySpec {
        name: "Bollinger",
        aliases: &["BollingerBands", "BBANDS"],
        description: "Buy when the close crosses back above the lower band, sell when it crosses back below the upper band.",
        params: &[
            period("timeperiod", 20.0, 2.0, "moving-average period"),
            ParamSpec { name: "nbdev", default: 2.0, min: 0.0, max: 100.0, integer: false, description: "band width in standard deviations" },
        ],
    },
    StrategySpec {
        name: "Breakout",
        aliases: &["Donchian", "DonchianBreakout"],
        description: "Buy when the close breaks above the previous n-bar high, sell when it breaks below the previous n-bar low.",
        params: &[period("n", 20.0, 1.0, "Donchian channel length in bars")],
    },
];

/// All strategy schemas.
pub fn strategies() -> &'static [StrategySpec] {
    STRATEGIES
}

/// Names of every strategy (aliases excluded), for error messages.
pub fn names() -> Vec<&'static str> {
    STRATEGIES.iter().map(|s| s.name).collect()
}

/// Looks a strategy up by name or alias, case-insensitively.
pub fn find(name: &str) -> Result<&'static StrategySpec> {
    let wanted = name.trim();
    STRATEGIES
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(wanted) || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(wanted)))
        .ok_or_else(|| {
            Error::invalid_strategy(format!("unknown strategy '{name}'; known strategies: {}", names().join(", ")))
                .with("strategy", name)
                .with("known", names())
        })
}

/// Validated parameter values, in the schema's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub spec: &'static StrategySpec,
    pub values: Vec<f64>,
}

impl Params {
    /// A value by parameter name; NaN for a name the schema lacks.
    pub fn get(&self, name: &str) -> f64 {
        self.spec.params.iter().position(|p| p.name == name).and_then(|i| self.values.get(i)).copied().unwrap_or(f64::NAN)
    }

    fn period(&self, name: &str) -> usize {
        self.get(name) as usize
    }

    /// As a JSON object `{name: value}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        for (p, v) in self.spec.params.iter().zip(&self.values) {
            m.insert(p.name.to_string(), if p.integer { Value::from(*v as i64) } else { Value::from(*v) });
        }
        Value::Object(m)
    }
}

/// Fills defaults, checks names, types, ranges and cross-parameter rules.
pub fn resolve_params(spec: &'static StrategySpec, given: &Value) -> Result<Params> {
    let empty = Map::new();
    let map = match given {
        Value::Object(m) => m,
        Value::Null => &empty,
        _ => return Err(Error::invalid_parameter(format!("parameters of {} must be an object", spec.name)).with("strategy", spec.name)),
    };
    let known: Vec<&str> = spec.params.iter().map(|p| p.name).collect();
    for key in map.keys() {
        if !known.iter().any(|k| k == key) {
            return Err(Error::invalid_parameter(format!(
                "{} has no parameter '{key}'; its parameters are: {}",
                spec.name,
                known.join(", ")
            ))
            .with("strategy", spec.name)
            .with("parameter", key.as_str())
            .with("known", known.clone()));
        }
    }
    let mut values = Vec::with_capacity(spec.params.len());
    for p in spec.params {
        let v = match map.get(p.name) {
            None | Some(Value::Null) => p.default,
            Some(v) => v.as_f64().ok_or_else(|| {
                Error::invalid_parameter(format!("{} parameter '{}' must be a number, got {v}", spec.name, p.name))
                    .with("strategy", spec.name)
                    .with("parameter", p.name)
            })?,
        };
        if !(v >= p.min && v <= p.max) {
            return Err(Error::param_range(p.name, v, p.min, p.max).with("strategy", spec.name));
        }
        if p.integer && v.fract() != 0.0 {
            return Err(Error::invalid_parameter(format!("{} parameter '{}' must be a whole number, got {v}", spec.name, p.name))
                .with("strategy", spec.name)
                .with("parameter", p.name)
                .with("value", v));
        }
        values.push(v);
    }
    let params = Params { spec, values };
    let ordered = |a: &str, b: &str| -> Result<()> {
        if params.get(a) < params.get(b) {
            Ok(())
        } else {
            Err(Error::invalid_parameter(format!(
                "{}: '{a}' ({}) must be less than '{b}' ({})",
                spec.name,
                params.get(a),
                params.get(b)
            ))
            .with("strategy", spec.name)
            .with("parameter", a)
            .with("must_be_less_than", b))
        }
    };
    match spec.name {
        "RSI" => ordered("lower", "upper")?,
        "MACD" => ordered("fastperiod", "slowperiod")?,
        _ => {}
    }
    Ok(params)
}

/// A strategy's output: one row per bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalTable {
    pub timestamp: Vec<i64>,
    pub signal: Vec<Signal>,
    pub confidence: Vec<f64>,
    /// Bars before every indicator has a value (see `backtest::SignalSource::warmup`).
    pub warmup: usize,
}

impl SignalTable {
    pub fn to_series(&self) -> SignalSeries {
        SignalSeries::new(self.signal.clone(), self.warmup)
    }
}

/// `a` crossing above `b` between bars `i-1` and `i` (strict on both sides, like
/// backtesting.py's `crossover`).
fn crosses_above(a: &[f64], b: &[f64], i: usize) -> bool {
    i > 0 && a[i - 1] < b[i - 1] && a[i] > b[i]
}

fn table(data: &Ohlcv, warmup: usize, mut rule: impl FnMut(usize) -> Signal) -> SignalTable {
    let n = data.len();
    let signal: Vec<Signal> = (0..n).map(&mut rule).collect();
    let confidence = signal.iter().map(|s| if *s == Signal::Hold { 0.0 } else { 1.0 }).collect();
    SignalTable { timestamp: data.time.clone(), signal, confidence, warmup }
}

/// Runs a strategy by name with JSON parameters (missing ones take defaults).
pub fn generate(name: &str, data: &Ohlcv, params: &Value, semantics: Semantics) -> Result<SignalTable> {
    let spec = find(name)?;
    let params = resolve_params(spec, params)?;
    generate_with(&params, data, semantics)
}

/// Runs a strategy with already-validated parameters. Indicators come from
/// `crate::indicators` (TA-Lib definitions); SmaCross's averages from `backtest::ma`.
pub fn generate_with(params: &Params, data: &Ohlcv, semantics: Semantics) -> Result<SignalTable> {
    let close = &data.close;
    let n = close.len();
    let buffer = || vec![f64::NAN; n];
    Ok(match params.spec.name {
        "SmaCross" => {
            let fast = ma::sma(semantics, close, params.period("n1"));
            let slow = ma::sma(semantics, close, params.period("n2"));
            let warmup = first_valid(&fast).max(first_valid(&slow));
            match semantics {
                Semantics::BacktestingPy => table(data, warmup, |i| {
                    if crosses_above(&fast, &slow, i) {
                        Signal::Buy
                    } else if crosses_above(&slow, &fast, i) {
                        Signal::Sell
                    } else {
                        Signal::Hold
                    }
                }),
                Semantics::Vectorbt => {
                    let mut src = crate::backtest::vectorbt::VbtCross::new(&fast, &slow);
                    table(data, warmup, |i| crate::backtest::SignalSource::signal(&mut src, i))
                }
            }
        }
        "RSI" => {
            let mut rsi = buffer();
            indicators::rsi(close, params.period("timeperiod"), &mut rsi)?;
            let (lower, upper) = (params.get("lower"), params.get("upper"));
            table(data, first_valid(&rsi), |i| {
                if i > 0 && rsi[i - 1] < lower && rsi[i] > lower {
                    Signal::Buy
                } else if i > 0 && rsi[i - 1] > upper && rsi[i] < upper {
                    Signal::Sell
                } else {
                    Signal::Hold
                }
            })
        }
        "MACD" => {
            let (mut line, mut sig, mut hist) = (buffer(), buffer(), buffer());
            indicators::macd(
                close,
                params.period("fastperiod"),
                params.period("slowperiod"),
                params.period("signalperiod"),
                &mut line,
                &mut sig,
                &mut hist,
            )?;
            table(data, first_valid(&line).max(first_valid(&sig)), |i| {
                if crosses_above(&line, &sig, i) {
                    Signal::Buy
                } else if crosses_above(&sig, &line, i) {
                    Signal::Sell
                } else {
                    Signal::Hold
                }
            })
        }
        "Bollinger" => {
            let (mut upper, mut middle, mut lower) = (buffer(), buffer(), buffer());
            let nbdev = params.get("nbdev");
            indicators::bbands(close, params.period("timeperiod"), nbdev, nbdev, MaType::Sma, &mut upper, &mut middle, &mut lower)?;
            table(data, first_valid(&upper), |i| {
                if crosses_above(close, &lower, i) {
                    Signal::Buy
                } else if crosses_above(&upper, close, i) {
                    Signal::Sell
                } else {
                    Signal::Hold
                }
            })
        }
        _ => {
            // Breakout: the only remaining registry entry.
            // Channel of the n bars before each bar: TA-Lib MAX/MIN shifted by one bar.
            let period = params.period("n");
            let (mut hi, mut lo) = (buffer(), buffer());
            indicators::rolling_max(&data.high, period, &mut hi)?;
            indicators::rolling_min(&data.low, period, &mut lo)?;
            let (mut upper, mut lower) = (buffer(), buffer());
            if n > 1 {
                upper[1..].copy_from_slice(&hi[..n - 1]);
                lower[1..].copy_from_slice(&lo[..n - 1]);
            }
            table(data, first_valid(&upper), |i| {
                if crosses_above(close, &upper, i) {
                    Signal::Buy
                } else if crosses_above(&lower, close, i) {
                    Signal::Sell
                } else {
                    Signal::Hold
                }
            })
        }
    })
}

/// Keys of a backtest request that are not [`BacktestConfig`] options.
pub const REQUEST_KEYS: [&str; 4] = ["strategy", "params", "signals", "warmup"];

/// Reads explicit signals: `BUY`/`SELL`/`HOLD` in any case, or 1/0/-1.
pub fn parse_signals(values: &[Value]) -> Result<Vec<Signal>> {
    values
        .iter()
        .enumerate()
        .map(|(row, v)| {
            let parsed = match v {
                Value::String(s) => Signal::from_text(s),
                Value::Number(n) => n.as_f64().and_then(Signal::from_number),
                Value::Null => Some(Signal::Hold),
                _ => None,
            };
            parsed.ok_or_else(|| {
                Error::invalid_input(format!("signals[{row}] = {v} is not a signal; use BUY/SELL/HOLD or 1/0/-1"))
                    .with("field", "signals")
                    .with("row", row)
            })
        })
        .collect()
}

/// `backtest(data, config)`: `config` holds either `strategy` (+ `params`, or the strategy's
/// parameters inline) or explicit `signals` (+ optional `warmup` bars), and any
/// [`BacktestConfig`] option.
pub fn backtest_request(data: &Ohlcv, request: &Value) -> Result<BacktestResult> {
    let map = request
        .as_object()
        .ok_or_else(|| Error::invalid_input("backtest config must be an object").with("field", "config"))?;
    let mut ignore: Vec<&str> = REQUEST_KEYS.to_vec();
    let source = match (map.get("strategy"), map.get("signals")) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid_input("give either 'strategy' or 'signals', not both").with("field", "signals"))
        }
        (None, None) | (Some(Value::Null), None) | (None, Some(Value::Null)) => {
            return Err(Error::invalid_input(format!(
                "backtest config needs 'strategy' (one of: {}) or explicit 'signals'",
                names().join(", ")
            ))
            .with("field", "strategy"))
        }
        (Some(name), None) => {
            let name = name.as_str().ok_or_else(|| {
                Error::invalid_strategy("'strategy' must be a strategy name").with("known", names())
            })?;
            let spec = find(name)?;
            let mut params = match map.get("params") {
                Some(Value::Object(p)) => p.clone(),
                None | Some(Value::Null) => Map::new(),
                Some(_) => {
                    return Err(Error::invalid_parameter("'params' must be an object").with("parameter", "params"))
                }
            };
            for p in spec.params {
                if let Some(v) = map.get(p.name) {
                    if params.contains_key(p.name) {
                        return Err(Error::invalid_parameter(format!(
                            "parameter '{}' is given both inline and in 'params'",
                            p.name
                        ))
                        .with("parameter", p.name));
                    }
                    params.insert(p.name.to_string(), v.clone());
                }
                ignore.push(p.name);
            }
            Ok(resolve_params(spec, &Value::Object(params))?)
        }
        (None, Some(signals)) => {
            let values = signals.as_array().ok_or_else(|| {
                Error::invalid_input("'signals' must be an array with one signal per bar").with("field", "signals")
            })?;
            Err(parse_signals(values)?)
        }
    };
    let cfg = BacktestConfig::from_json(request, &ignore)?;
    let series = match source {
        Ok(params) => generate_with(&params, data, cfg.semantics)?.to_series(),
        Err(signals) => {
            let warmup = match map.get("warmup") {
                None | Some(Value::Null) => 0,
                // JS numbers arrive as floats: accept any whole value.
                Some(v) => match v.as_f64() {
                    Some(w) if w >= 0.0 && w.fract() == 0.0 && w < data.len() as f64 => w as usize,
                    _ => {
                        return Err(Error::invalid_parameter(format!(
                            "'warmup' must be a whole number of bars below {}",
                            data.len()
                        ))
                        .with("parameter", "warmup"))
                    }
                },
            };
            SignalSeries::new(signals, warmup)
        }
    };
    backtest::run(data, &series, &cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(close: &[f64]) -> Ohlcv {
        let n = close.len();
        let time = (0..n as i64).map(|i| i * 86_400_000).collect();
        Ohlcv::new(time, close.to_vec(), close.to_vec(), close.to_vec(), close.to_vec(), vec![]).expect("valid")
    }

    #[test]
    fn registry_lookup_and_errors() {
        assert_eq!(find("movingaveragecrossover").map(|s| s.name), Ok("SmaCross"));
        let e = find("Turtle").unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_STRATEGY");
        for name in ["SmaCross", "RSI", "MACD", "Bollinger", "Breakout"] {
            assert!(e.message.contains(name));
        }
        let spec = find("RSI").expect("rsi");
        let e = resolve_params(spec, &json!({"timeperiod": 1})).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
        assert_eq!(e.detail("parameter").and_then(|v| v.as_str()), Some("timeperiod"));
        assert_eq!(e.detail("min").and_then(|v| v.as_f64()), Some(2.0));
        assert!(resolve_params(spec, &json!({"lower": 80})).unwrap_err().message.contains("less than"));
        assert!(resolve_params(spec, &json!({"period": 14})).unwrap_err().message.contains("timeperiod"));
        assert!(resolve_params(spec, &json!({"timeperiod": 14.5})).unwrap_err().message.contains("whole"));
        assert!(resolve_params(spec, &json!({"timeperiod": "x"})).is_err());
        let p = resolve_params(find("SmaCross").expect("sma"), &json!({"n1": 5})).expect("defaults");
        assert_eq!(p.values, vec![5.0, 20.0]);
    }

    #[test]
    fn smacross_signals_on_crossings() {
        let close = [5.0, 4.0, 3.0, 2.0, 3.0, 4.0, 5.0, 4.0, 3.0, 2.0];
        let t = generate("SmaCross", &data(&close), &json!({"n1": 1, "n2": 3}), Semantics::BacktestingPy).expect("run");
        let buys: Vec<usize> = (0..close.len()).filter(|&i| t.signal[i] == Signal::Buy).collect();
        let sells: Vec<usize> = (0..close.len()).filter(|&i| t.signal[i] == Signal::Sell).collect();
        assert_eq!(buys, vec![4]);
        assert_eq!(sells, vec![7]);
        assert_eq!(t.warmup, 2);
        assert_eq!(t.confidence[4], 1.0);
        assert_eq!(t.confidence[5], 0.0);
    }

    #[test]
    fn rsi_breakout_bollinger_macd_fire() {
        // Down, then up, then down again: every strategy must produce both signal kinds.
        let mut close = Vec::new();
        for i in 0..60 {
            close.push(100.0 - i as f64 + if i % 2 == 0 { 0.5 } else { 0.0 });
        }
        for i in 0..60 {
            close.push(40.0 + 1.5 * i as f64 + if i % 3 == 0 { 0.7 } else { 0.0 });
        }
        for i in 0..60 {
            close.push(130.0 - 2.0 * i as f64 + if i % 2 == 0 { 0.9 } else { 0.0 });
        }
        let d = data(&close);
        for (name, params) in [
            ("RSI", json!({"timeperiod": 5})),
            ("Breakout", json!({"n": 10})),
            ("Bollinger", json!({"timeperiod": 10, "nbdev": 1.5})),
            ("MACD", json!({})),
        ] {
            let t = generate(name, &d, &params, Semantics::BacktestingPy).expect("run");
            assert!(t.signal.contains(&Signal::Buy), "{name} never buys");
            assert!(t.signal.contains(&Signal::Sell), "{name} never sells");
            assert_eq!(t.timestamp.len(), close.len());
        }
    }

    #[test]
    fn backtest_request_forms_and_errors() {
        let close: Vec<f64> = (0..40).map(|i| 100.0 + (i as f64 * 0.7).sin() * 10.0).collect();
        let d = data(&close);
        let inline = backtest_request(&d, &json!({"strategy": "SmaCross", "n1": 2, "n2": 5, "cash": 1000})).expect("inline");
        let nested = backtest_request(&d, &json!({"strategy": "SmaCross", "params": {"n1": 2, "n2": 5}, "cash": 1000})).expect("nested");
        // Debug text compares NaN stats as equal (PartialEq would not).
        assert_eq!(format!("{inline:?}"), format!("{nested:?}"));
        assert!(inline.stats.trades > 0);
        // The same signals given explicitly (with the same warm-up) give the same result.
        let t = generate("SmaCross", &d, &json!({"n1": 2, "n2": 5}), Semantics::BacktestingPy).expect("signals");
        let sig: Vec<Value> = t.signal.iter().map(|s| json!(s.as_str().to_lowercase())).collect();
        let explicit = backtest_request(&d, &json!({"signals": sig, "warmup": t.warmup, "cash": 1000})).expect("explicit");
        assert_eq!(format!("{explicit:?}"), format!("{inline:?}"));
        let code = |v: Value| backtest_request(&d, &v).unwrap_err().code.as_str();
        assert_eq!(code(json!({"cash": 1000})), "INVALID_INPUT");
        assert_eq!(code(json!({"strategy": "Nope"})), "INVALID_STRATEGY");
        assert_eq!(code(json!({"strategy": "SmaCross", "n1": 0})), "INVALID_PARAMETER");
        assert_eq!(code(json!({"strategy": "SmaCross", "n9": 3})), "INVALID_PARAMETER");
        assert_eq!(code(json!({"strategy": "SmaCross", "cash": -5})), "INVALID_PARAMETER");
        assert_eq!(code(json!({"signals": ["buy", "maybe"]})), "INVALID_INPUT");
        assert_eq!(code(json!({"signals": [1, 0]})), "INVALID_INPUT"); // wrong length
        assert_eq!(code(json!({"signals": sig, "warmup": 1000})), "INVALID_PARAMETER");
    }
}
