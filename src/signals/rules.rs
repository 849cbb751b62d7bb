//! Ticker signals (the seeds' `generate_ticker_signal` / watchlist): per-bar and latest
//! Buy / Sell / Hold with a confidence in [0, 1] and the reasons, from four built-in rules
//! combined by a weighted vote. Rules, defaults and the vote are documented in
//! `docs/signals.md`.
//!
//! * RSI thresholds: RSI(`timeperiod`) < `lower` → Buy (oversold), > `upper` → Sell.
//! * MACD signal-line cross: MACD crosses above its signal line → Buy, below → Sell.
//! * Bollinger band touch: the bar's low reaches the lower band → Buy, its high reaches the
//!   upper band → Sell (both on one bar → neutral).
//! * SMA cross: SMA(fast) crosses above SMA(slow) → Buy, below → Sell.
//!
//! Each enabled rule votes +1 / -1 / 0 at each bar, or abstains while its indicator is still
//! warming up (NaN). With W the total weight of the enabled rules and
//! `score = Σ weight × vote`: signal = sign(score) and confidence = |score| / W: the net
//! share of all the rules' weight that backs the direction (a Hold, score 0, has
//! confidence 0, so a watchlist sorted by confidence lists the strongest calls first).
//!
//! Indicator math comes from `crate::indicators` (TA-Lib exact); [`evaluate`] works on
//! precomputed columns so the vote can be tested (and reused) on its own.

use super::Signal;
use crate::indicators::{self, MaType};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct RsiRule {
    pub enabled: bool,
    pub timeperiod: usize,
    pub lower: f64,
    pub upper: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MacdRule {
    pub enabled: bool,
    pub fastperiod: usize,
    pub slowperiod: usize,
    pub signalperiod: usize,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BollingerRule {
    pub enabled: bool,
    pub timeperiod: usize,
    pub nbdev: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SmaCrossRule {
    pub enabled: bool,
    pub fastperiod: usize,
    pub slowperiod: usize,
    pub weight: f64,
}

/// The four rules and their parameters. Defaults: RSI 14 with 30/70, MACD 12/26/9,
/// Bollinger 20 bars ± 2σ, SMA 20/50; every rule enabled with weight 1.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesConfig {
    pub rsi: RsiRule,
    pub macd: MacdRule,
    pub bollinger: BollingerRule,
    pub sma_cross: SmaCrossRule,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            rsi: RsiRule { enabled: true, timeperiod: 14, lower: 30.0, upper: 70.0, weight: 1.0 },
            macd: MacdRule { enabled: true, fastperiod: 12, slowperiod: 26, signalperiod: 9, weight: 1.0 },
            bollinger: BollingerRule { enabled: true, timeperiod: 20, nbdev: 2.0, weight: 1.0 },
            sma_cross: SmaCrossRule { enabled: true, fastperiod: 20, slowperiod: 50, weight: 1.0 },
        }
    }
}

/// Rule names as used in config keys, reasons and `rules` entries.
pub const RULES: [&str; 4] = ["rsi", "macd", "bollinger", "sma_cross"];

fn bad_param(rule: &str, param: &str, message: String) -> Error {
    Error::invalid_parameter(message).with("rule", rule).with("parameter", param)
}

fn read_period(obj: &Map<String, Value>, rule: &str, key: &str, current: usize) -> Result<usize> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(current),
        Some(v) => match v.as_f64() {
            Some(x) if x.fract() == 0.0 && (2.0..=100_000.0).contains(&x) => Ok(x as usize),
            _ => Err(bad_param(rule, key, format!("{rule}.{key} = {v}: must be a whole number in [2, 100000]"))
                .with("min", 2)
                .with("max", 100_000)),
        },
    }
}

fn read_number(obj: &Map<String, Value>, rule: &str, key: &str, current: f64, min: f64, max: f64) -> Result<f64> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(current),
        Some(v) => match v.as_f64() {
            Some(x) if (min..=max).contains(&x) => Ok(x),
            _ => Err(bad_param(rule, key, format!("{rule}.{key} = {v}: must be a number in [{min}, {max}]"))
                .with("min", min)
                .with("max", max)),
        },
    }
}

/// The rule's sub-object: `true`/`false` (enable with defaults / disable) or an object of
/// parameters (`enabled: false` disables).
fn rule_object<'a>(value: Option<&'a Value>, rule: &str, enabled: &mut bool, known: &[&str]) -> Result<Option<&'a Map<String, Value>>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => {
            *enabled = *b;
            Ok(None)
        }
        Some(Value::Object(o)) => {
            for k in o.keys() {
                if k != "enabled" && k != "weight" && !known.contains(&k.as_str()) {
                    return Err(bad_param(rule, k, format!(
                        "unknown parameter '{k}' for rule '{rule}'; known: enabled, weight, {}",
                        known.join(", ")
                    )));
                }
            }
            match o.get("enabled") {
                None | Some(Value::Null) => {}
                Some(Value::Bool(b)) => *enabled = *b,
                Some(v) => return Err(bad_param(rule, "enabled", format!("{rule}.enabled = {v}: must be true or false"))),
            }
            Ok(Some(o))
        }
        Some(v) => Err(bad_param(rule, "", format!("'{rule}' must be true, false or an object of parameters, got {v}"))),
    }
}

impl RulesConfig {
    /// Reads `{rsi?, macd?, bollinger?, sma_cross? (or smaCross)}`; `null` → defaults.
    /// Unknown keys and out-of-range values are INVALID_PARAMETER naming rule and parameter.
    pub fn from_value(value: &Value) -> Result<Self> {
        let mut c = RulesConfig::default();
        let obj = match value {
            Value::Null => return Ok(c),
            Value::Object(o) => o,
            _ => return Err(Error::invalid_parameter("signal config must be an object such as { rsi: { lower: 25 } }")
                .with("parameter", "config")),
        };
        for k in obj.keys() {
            if !RULES.contains(&k.as_str()) && k != "smaCross" {
                return Err(Error::invalid_parameter(format!(
                    "unknown signal rule '{k}'; known rules: rsi, macd, bollinger, sma_cross"
                ))
                .with("parameter", k.as_str())
                .with("allowed", RULES.to_vec()));
            }
        }
        if let Some(o) = rule_object(obj.get("rsi"), "rsi", &mut c.rsi.enabled, &["timeperiod", "lower", "upper"])? {
            let r = &mut c.rsi;
            r.timeperiod = read_period(o, "rsi", "timeperiod", r.timeperiod)?;
            r.lower = read_number(o, "rsi", "lower", r.lower, 0.0, 100.0)?;
            r.upper = read_number(o, "rsi", "upper", r.upper, 0.0, 100.0)?;
            r.weight = read_number(o, "rsi", "weight", r.weight, 0.0, f64::MAX)?;
        }
        if let Some(o) = rule_object(obj.get("macd"), "macd", &mut c.macd.enabled, &["fastperiod", "slowperiod", "signalperiod"])? {
            let r = &mut c.macd;
            r.fastperiod = read_period(o, "macd", "fastperiod", r.fastperiod)?;
            r.slowperiod = read_period(o, "macd", "slowperiod", r.slowperiod)?;
            r.signalperiod = match o.get("signalperiod") {
                // TA-Lib allows a signal period of 1.
                Some(v) if v.as_f64() == Some(1.0) => 1,
                _ => read_period(o, "macd", "signalperiod", r.signalperiod)?,
            };
            r.weight = read_number(o, "macd", "weight", r.weight, 0.0, f64::MAX)?;
        }
        if let Some(o) = rule_object(obj.get("bollinger"), "bollinger", &mut c.bollinger.enabled, &["timeperiod", "nbdev"])? {
            let r = &mut c.bollinger;
            r.timeperiod = read_period(o, "bollinger", "timeperiod", r.timeperiod)?;
            r.nbdev = read_number(o, "bollinger", "nbdev", r.nbdev, 0.0, 100.0)?;
            r.weight = read_number(o, "bollinger", "weight", r.weight, 0.0, f64::MAX)?;
        }
        let sma = obj.get("sma_cross").or_else(|| obj.get("smaCross"));
        if let Some(o) = rule_object(sma, "sma_cross", &mut c.sma_cross.enabled, &["fastperiod", "slowperiod"])? {
            let r = &mut c.sma_cross;
            r.fastperiod = read_period(o, "sma_cross", "fastperiod", r.fastperiod)?;
            r.slowperiod = read_period(o, "sma_cross", "slowperiod", r.slowperiod)?;
            r.weight = read_number(o, "sma_cross", "weight", r.weight, 0.0, f64::MAX)?;
        }
        c.validate()?;
        Ok(c)
    }

    /// Cross-parameter checks (also run by [`ticker_signals`] for configs built in Rust).
    pub fn validate(&self) -> Result<()> {
        if self.rsi.lower >= self.rsi.upper {
            return Err(bad_param("rsi", "lower", format!(
                "rsi.lower ({}) must be below rsi.upper ({})",
                self.rsi.lower, self.rsi.upper
            )));
        }
        if self.macd.fastperiod >= self.macd.slowperiod {
            return Err(bad_param("macd", "fastperiod", format!(
                "macd.fastperiod ({}) must be below macd.slowperiod ({})",
                self.macd.fastperiod, self.macd.slowperiod
            )));
        }
        if self.sma_cross.fastperiod >= self.sma_cross.slowperiod {
            return Err(bad_param("sma_cross", "fastperiod", format!(
                "sma_cross.fastperiod ({}) must be below sma_cross.slowperiod ({})",
                self.sma_cross.fastperiod, self.sma_cross.slowperiod
            )));
        }
        for (rule, w) in self.weights() {
            if !w.is_finite() || w < 0.0 {
                return Err(bad_param(rule, "weight", format!("{rule}.weight = {w}: must be a finite number ≥ 0")));
            }
        }
        if self.total_weight() <= 0.0 {
            return Err(Error::invalid_parameter(
                "no signal rule is enabled with a positive weight; enable at least one of rsi, macd, bollinger, sma_cross",
            )
            .with("parameter", "rules"));
        }
        Ok(())
    }

    fn weights(&self) -> [(&'static str, f64); 4] {
        [
            ("rsi", self.rsi.weight),
            ("macd", self.macd.weight),
            ("bollinger", self.bollinger.weight),
            ("sma_cross", self.sma_cross.weight),
        ]
    }

    fn enabled(&self) -> [bool; 4] {
        [self.rsi.enabled, self.macd.enabled, self.bollinger.enabled, self.sma_cross.enabled]
    }

    /// W: the total weight of the enabled rules.
    pub fn total_weight(&self) -> f64 {
        self.weights().iter().zip(self.enabled()).filter(|(_, e)| *e).map(|((_, w), _)| w).sum()
    }
}

/// One series' columns as the rules need them. `high`/`low` may equal `close` when only
/// closes are known (the band touch then uses the close).
#[derive(Debug, Clone, Copy)]
pub struct SeriesView<'a> {
    pub time: &'a [i64],
    pub high: &'a [f64],
    pub low: &'a [f64],
    pub close: &'a [f64],
}

impl<'a> SeriesView<'a> {
    pub fn from_ohlcv(data: &'a crate::series::Ohlcv) -> Self {
        SeriesView { time: &data.time, high: &data.high, low: &data.low, close: &data.close }
    }
}

/// Indicator columns the rules read (each `None` when its rule is disabled). Build them by
/// hand to test or reuse the vote; [`indicator_columns`] computes them from a series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleColumns {
    pub rsi: Option<Vec<f64>>,
    /// (MACD line, signal line)
    pub macd: Option<(Vec<f64>, Vec<f64>)>,
    /// (upper band, lower band)
    pub bollinger: Option<(Vec<f64>, Vec<f64>)>,
    /// (fast SMA, slow SMA)
    pub sma_cross: Option<(Vec<f64>, Vec<f64>)>,
}

/// Computes the enabled rules' indicators with TA-Lib's definitions.
pub fn indicator_columns(series: &SeriesView, config: &RulesConfig) -> Result<RuleColumns> {
    let n = series.close.len();
    let col = || vec![f64::NAN; n];
    let mut out = RuleColumns::default();
    if config.rsi.enabled {
        let mut v = col();
        indicators::rsi(series.close, config.rsi.timeperiod, &mut v)?;
        out.rsi = Some(v);
    }
    if config.macd.enabled {
        let (mut m, mut s, mut h) = (col(), col(), col());
        let r = &config.macd;
        indicators::macd(series.close, r.fastperiod, r.slowperiod, r.signalperiod, &mut m, &mut s, &mut h)?;
        out.macd = Some((m, s));
    }
    if config.bollinger.enabled {
        let (mut u, mut mid, mut l) = (col(), col(), col());
        let r = &config.bollinger;
        indicators::bbands(series.close, r.timeperiod, r.nbdev, r.nbdev, MaType::Sma, &mut u, &mut mid, &mut l)?;
        out.bollinger = Some((u, l));
    }
    if config.sma_cross.enabled {
        let (mut f, mut s) = (col(), col());
        indicators::sma(series.close, config.sma_cross.fastperiod, &mut f)?;
        indicators::sma(series.close, config.sma_cross.slowperiod, &mut s)?;
        out.sma_cross = Some((f, s));
    }
    Ok(out)
}

/// One rule's state at one bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleState {
    pub rule: &'static str,
    /// `None` while the indicator warms up (the rule abstains).
    pub vote: Option<Signal>,
    pub weight: f64,
    /// The indicator value the rule looked at (RSI, MACD − signal, close, fast − slow).
    pub value: Option<f64>,
    pub reason: String,
}

/// Per-bar signals of one series, columnar, plus the latest bar's full picture.
#[derive(Debug, Clone, PartialEq)]
pub struct TickerSignals {
    pub time: Vec<i64>,
    pub signal: Vec<Signal>,
    pub confidence: Vec<f64>,
    /// Σ weight × vote (positive = buy pressure).
    pub score: Vec<f64>,
    /// The reasons of the rules that voted Buy or Sell at that bar.
    pub reasons: Vec<Vec<String>>,
    pub latest: Latest,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latest {
    pub index: usize,
    pub time: i64,
    pub close: f64,
    pub signal: Signal,
    pub confidence: f64,
    pub score: f64,
    pub reasons: Vec<String>,
    /// Every enabled rule's state at the last bar, fired or not.
    pub rules: Vec<RuleState>,
}

fn fmt(x: f64) -> String {
    format!("{x:.2}")
}

/// Crossing of `a` over `b` between bars i-1 and i: +1 up, -1 down, 0 none, None if any
/// value is missing.
fn cross(a: &[f64], b: &[f64], i: usize) -> Option<i8> {
    if i == 0 {
        return None;
    }
    let (a0, b0, a1, b1) = (a[i - 1], b[i - 1], a[i], b[i]);
    if [a0, b0, a1, b1].iter().any(|x| x.is_nan()) {
        return None;
    }
    Some(if a0 <= b0 && a1 > b1 {
        1
    } else if a0 >= b0 && a1 < b1 {
        -1
    } else {
        0
    })
}

fn to_signal(v: i8) -> Signal {
    match v {
        1 => Signal::Buy,
        -1 => Signal::Sell,
        _ => Signal::Hold,
    }
}

/// The votes of the four rules at bar `i` (rsi, macd, bollinger, sma_cross): `None` when a
/// rule is disabled or warming up. This is the only place the rules' conditions live;
/// [`rule_states`] adds the descriptions.
fn bar_votes(series: &SeriesView, cols: &RuleColumns, config: &RulesConfig, i: usize) -> [Option<i8>; 4] {
    let mut v = [None; 4];
    if let (true, Some(rsi)) = (config.rsi.enabled, &cols.rsi) {
        let x = rsi.get(i).copied().unwrap_or(f64::NAN);
        v[0] = if x.is_nan() {
            None
        } else if x < config.rsi.lower {
            Some(1)
        } else if x > config.rsi.upper {
            Some(-1)
        } else {
            Some(0)
        };
    }
    if let (true, Some((m, s))) = (config.macd.enabled, &cols.macd) {
        v[1] = cross(m, s, i);
    }
    if let (true, Some((u, l))) = (config.bollinger.enabled, &cols.bollinger) {
        let (up, lo) = (u.get(i).copied().unwrap_or(f64::NAN), l.get(i).copied().unwrap_or(f64::NAN));
        let (hi, low) = (series.high[i], series.low[i]);
        v[2] = if up.is_nan() || lo.is_nan() || hi.is_nan() || low.is_nan() {
            None
        } else {
            Some((low <= lo) as i8 - (hi >= up) as i8) // both touched → 0
        };
    }
    if let (true, Some((f, s))) = (config.sma_cross.enabled, &cols.sma_cross) {
        v[3] = cross(f, s, i);
    }
    v
}

/// Every enabled rule's state at bar `i`, with its value and a human reason.
fn rule_states(series: &SeriesView, cols: &RuleColumns, config: &RulesConfig, i: usize) -> Vec<RuleState> {
    let votes = bar_votes(series, cols, config, i);
    let at = |c: &[f64]| c.get(i).copied().filter(|x| !x.is_nan());
    let mut out = Vec::with_capacity(4);
    if let (true, Some(rsi)) = (config.rsi.enabled, &cols.rsi) {
        let r = &config.rsi;
        let v = at(rsi).unwrap_or(f64::NAN);
        let reason = match votes[0] {
            None => format!("RSI({}) warming up", r.timeperiod),
            Some(1) => format!("RSI({}) {} below {}: oversold", r.timeperiod, fmt(v), r.lower),
            Some(-1) => format!("RSI({}) {} above {}: overbought", r.timeperiod, fmt(v), r.upper),
            Some(_) => format!("RSI({}) {} between {} and {}", r.timeperiod, fmt(v), r.lower, r.upper),
        };
        out.push(RuleState { rule: "rsi", vote: votes[0].map(to_signal), weight: r.weight, value: at(rsi), reason });
    }
    if let (true, Some((m, s))) = (config.macd.enabled, &cols.macd) {
        let r = &config.macd;
        let name = format!("MACD({},{},{})", r.fastperiod, r.slowperiod, r.signalperiod);
        let diff = at(m).zip(at(s)).map(|(a, b)| a - b);
        let reason = match votes[1] {
            None => format!("{name} warming up"),
            Some(1) => format!("{name} crossed above its signal line"),
            Some(-1) => format!("{name} crossed below its signal line"),
            Some(_) => format!("{name} {} its signal line, no cross", if diff.unwrap_or(0.0) > 0.0 { "above" } else { "below" }),
        };
        out.push(RuleState { rule: "macd", vote: votes[1].map(to_signal), weight: r.weight, value: diff, reason });
    }
    if let (true, Some((u, l))) = (config.bollinger.enabled, &cols.bollinger) {
        let r = &config.bollinger;
        let name = format!("Bollinger({}, {}σ)", r.timeperiod, r.nbdev);
        let (up, lo) = (at(u).unwrap_or(f64::NAN), at(l).unwrap_or(f64::NAN));
        let (hi, low) = (series.high[i], series.low[i]);
        let reason = match votes[2] {
            None => format!("{name} warming up"),
            Some(1) => format!("low {} touched the lower {name} band {}", fmt(low), fmt(lo)),
            Some(-1) => format!("high {} touched the upper {name} band {}", fmt(hi), fmt(up)),
            Some(_) if low <= lo => format!("bar spans both {name} bands"),
            Some(_) => format!("inside the {name} bands"),
        };
        out.push(RuleState { rule: "bollinger", vote: votes[2].map(to_signal), weight: r.weight, value: at(series.close), reason });
    }
    if let (true, Some((f, s))) = (config.sma_cross.enabled, &cols.sma_cross) {
        let r = &config.sma_cross;
        let diff = at(f).zip(at(s)).map(|(a, b)| a - b);
        let reason = match votes[3] {
            None => format!("SMA({})/SMA({}) warming up", r.fastperiod, r.slowperiod),
            Some(1) => format!("SMA({}) crossed above SMA({})", r.fastperiod, r.slowperiod),
            Some(-1) => format!("SMA({}) crossed below SMA({})", r.fastperiod, r.slowperiod),
            Some(_) => format!(
                "SMA({}) {} SMA({}), no cross",
                r.fastperiod,
                if diff.unwrap_or(0.0) > 0.0 { "above" } else { "below" },
                r.slowperiod
            ),
        };
        out.push(RuleState { rule: "sma_cross", vote: votes[3].map(to_signal), weight: r.weight, value: diff, reason });
    }
    out
}

/// The documented vote: score = Σ w·v over the rules that have a value, signal =
/// sign(score), confidence = |score| / W (W = total weight of the enabled rules, so a rule
/// still warming up or voting neutral dilutes the confidence).
pub fn vote(states: &[RuleState], total_weight: f64) -> (Signal, f64, f64) {
    let score: f64 = states
        .iter()
        .map(|s| match s.vote {
            Some(Signal::Buy) => s.weight,
            Some(Signal::Sell) => -s.weight,
            _ => 0.0,
        })
        .sum();
    let (signal, conf) = signal_of(score, total_weight);
    (signal, conf, score)
}

/// sign(score) and |score| / W.
fn signal_of(score: f64, total_weight: f64) -> (Signal, f64) {
    let signal = if score > 0.0 {
        Signal::Buy
    } else if score < 0.0 {
        Signal::Sell
    } else {
        Signal::Hold
    };
    let conf = if total_weight > 0.0 { (score.abs() / total_weight).clamp(0.0, 1.0) } else { 0.0 };
    (signal, conf)
}

/// Applies the rules to precomputed indicator columns (all of the series' length).
pub fn evaluate(series: &SeriesView, cols: &RuleColumns, config: &RulesConfig) -> Result<TickerSignals> {
    config.validate()?;
    let n = series.close.len();
    check_series(series)?;
    let lens = [
        cols.rsi.as_ref().map(Vec::len),
        cols.macd.as_ref().map(|(a, b)| a.len().min(b.len())),
        cols.bollinger.as_ref().map(|(a, b)| a.len().min(b.len())),
        cols.sma_cross.as_ref().map(|(a, b)| a.len().min(b.len())),
    ];
    for ((rule, len), enabled) in RULES.iter().zip(lens).zip(config.enabled()) {
        if enabled && len.is_none() {
            return Err(Error::invalid_input(format!("rule '{rule}' is enabled but its indicator column is missing"))
                .with("rule", *rule));
        }
        if let Some(len) = len.filter(|&l| l != n) {
            return Err(Error::invalid_input(format!("indicator column of rule '{rule}' has {len} values, the series {n}"))
                .with("rule", *rule)
                .with("length", len)
                .with("expected", n));
        }
    }
    let w = config.total_weight();
    let mut out = TickerSignals {
        time: series.time.to_vec(),
        signal: Vec::with_capacity(n),
        confidence: Vec::with_capacity(n),
        score: Vec::with_capacity(n),
        reasons: Vec::with_capacity(n),
        latest: Latest {
            index: 0,
            time: 0,
            close: f64::NAN,
            signal: Signal::Hold,
            confidence: 0.0,
            score: 0.0,
            reasons: Vec::new(),
            rules: Vec::new(),
        },
    };
    let weights = [config.rsi.weight, config.macd.weight, config.bollinger.weight, config.sma_cross.weight];
    for i in 0..n {
        // Votes first (cheap); reasons are formatted only on bars where a rule fired.
        let votes = bar_votes(series, cols, config, i);
        let score: f64 = votes.iter().zip(weights).map(|(v, w)| v.map_or(0.0, |v| v as f64 * w)).sum();
        let (signal, confidence) = signal_of(score, w);
        let fired = votes.iter().any(|v| matches!(v, Some(1) | Some(-1)));
        let last = i + 1 == n;
        let states = if fired || last { rule_states(series, cols, config, i) } else { Vec::new() };
        let reasons: Vec<String> = states
            .iter()
            .filter(|s| matches!(s.vote, Some(Signal::Buy) | Some(Signal::Sell)))
            .map(|s| s.reason.clone())
            .collect();
        if last {
            out.latest = Latest {
                index: i,
                time: series.time[i],
                close: series.close[i],
                signal,
                confidence,
                score,
                reasons: reasons.clone(),
                rules: states,
            };
        }
        out.signal.push(signal);
        out.confidence.push(confidence);
        out.score.push(score);
        out.reasons.push(reasons);
    }
    Ok(out)
}

fn check_series(series: &SeriesView) -> Result<()> {
    let n = series.close.len();
    if n == 0 {
        return Err(Error::invalid_input("no bars: the series is empty").with("rows", 0));
    }
    for (name, len) in [("time", series.time.len()), ("high", series.high.len()), ("low", series.low.len())] {
        if len != n {
            return Err(Error::invalid_input(format!("column '{name}' has {len} values but 'close' has {n}"))
                .with("column", name)
                .with("length", len)
                .with("expected", n));
        }
    }
    Ok(())
}

/// Per-bar and latest signals of one series.
pub fn ticker_signals(series: &SeriesView, config: &RulesConfig) -> Result<TickerSignals> {
    config.validate()?;
    check_series(series)?;
    let cols = indicator_columns(series, config)?;
    evaluate(series, &cols, config)
}

/// One watchlist entry: the latest signal of a symbol, or the error that symbol raised.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchlistEntry {
    pub symbol: String,
    pub latest: Option<Latest>,
    pub error: Option<Error>,
}

impl WatchlistEntry {
    pub fn confidence(&self) -> f64 {
        self.latest.as_ref().map_or(0.0, |l| l.confidence)
    }
}

/// Latest signal per symbol, sorted by confidence (highest first; equal confidences by
/// symbol name, so the order is deterministic). A symbol whose data is bad does not sink
/// the watchlist: its entry carries the error and sorts last.
pub fn watchlist<'a>(items: impl IntoIterator<Item = (String, Result<SeriesView<'a>>)>, config: &RulesConfig) -> Result<Vec<WatchlistEntry>> {
    config.validate()?;
    let mut out: Vec<WatchlistEntry> = items
        .into_iter()
        .map(|(symbol, series)| match series.and_then(|s| ticker_signals(&s, config)) {
            Ok(t) => WatchlistEntry { symbol, latest: Some(t.latest), error: None },
            Err(e) => WatchlistEntry { symbol, latest: None, error: Some(e) },
        })
        .collect();
    out.sort_by(|a, b| {
        a.error
            .is_some()
            .cmp(&b.error.is_some())
            .then(b.confidence().total_cmp(&a.confidence()))
            .then_with(|| a.symbol.cmp(&b.symbol))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_detects_both_directions_and_missing_values() {
        let a = [1.0, 2.0, 1.0, f64::NAN];
        let b = [1.5, 1.5, 1.5, 1.5];
        assert_eq!(cross(&a, &b, 0), None);
        assert_eq!(cross(&a, &b, 1), Some(1));
        assert_eq!(cross(&a, &b, 2), Some(-1));
        assert_eq!(cross(&a, &b, 3), None);
    }
}
