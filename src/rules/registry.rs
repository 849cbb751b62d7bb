//! The built-in strategies written as rule sets: readable, copyable, and pinned by tests to
//! give the same signals, warm-up and backtest as `signals::strategies` under
//! backtesting.py semantics.

use serde::Serialize;

/// A named rule set with default parameter values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RuleSet {
    pub name: &'static str,
    pub description: &'static str,
    pub buy: &'static str,
    pub sell: &'static str,
    pub params: &'static [(&'static str, f64)],
}

pub const RULE_SETS: &[RuleSet] = &[
    RuleSet {
        name: "SmaCross",
        description: "SMA(n1) crossing SMA(n2), with pandas' rolling mean as backtesting.py computes it.",
        buy: "crossover(pandas_sma(close, n1), pandas_sma(close, n2))",
        sell: "crossover(pandas_sma(close, n2), pandas_sma(close, n1))",
        params: &[("n1", 10.0), ("n2", 20.0)],
    },
    RuleSet {
        name: "RSI",
        description: "RSI crossing back above `lower` (buy) or back below `upper` (sell).",
        buy: "crossover(RSI(close, timeperiod), lower)",
        sell: "crossunder(RSI(close, timeperiod), upper)",
        params: &[("timeperiod", 14.0), ("lower", 30.0), ("upper", 70.0)],
    },
    RuleSet {
        name: "MACD",
        description: "The MACD line crossing its signal line.",
        buy: "crossover(MACD(close, fastperiod, slowperiod, signalperiod).macd, MACD(close, fastperiod, slowperiod, signalperiod).macdsignal)",
        sell: "crossunder(MACD(close, fastperiod, slowperiod, signalperiod).macd, MACD(close, fastperiod, slowperiod, signalperiod).macdsignal)",
        params: &[("fastperiod", 12.0), ("slowperiod", 26.0), ("signalperiod", 9.0)],
    },
    RuleSet {
        name: "Bollinger",
        description: "The close crossing back above the lower band (buy) or back below the upper band (sell).",
        buy: "crossover(close, BBANDS(close, timeperiod, nbdev, nbdev).lowerband)",
        sell: "crossover(BBANDS(close, timeperiod, nbdev, nbdev).upperband, close)",
        params: &[("timeperiod", 20.0), ("nbdev", 2.0)],
    },
    RuleSet {
        name: "Breakout",
        description: "The close breaking the previous n-bar high (buy) or low (sell).",
        buy: "crossover(close, shift(highest(high, n), 1))",
        sell: "crossover(shift(lowest(low, n), 1), close)",
        params: &[("n", 20.0)],
    },
];

/// Every named rule set.
pub fn rule_sets() -> &'static [RuleSet] {
    RULE_SETS
}

impl RuleSet {
    /// `{name, description, buy, sell, params: {name: default}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let params: serde_json::Map<String, serde_json::Value> = self
            .params
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect();
        serde_json::json!({"name": self.name, "description": self.description, "buy": self.buy, "sell": self.sell, "params": params})
    }
}

/// A rule set by name (case-insensitive).
pub fn find(name: &str) -> Option<&'static RuleSet> {
    RULE_SETS
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
}
