//! Ticker signal rules (issue 3, item 5): each rule on hand-built indicator columns, the
//! weighted vote, config validation, real data and the watchlist.

use serde_json::json;
use stratlab::indicators;
use stratlab::series::parse_csv;
use stratlab::signals::rules::{self, evaluate, ticker_signals, watchlist, RuleColumns, RulesConfig, SeriesView};
use stratlab::signals::Signal::{Buy, Hold, Sell};

const NAN: f64 = f64::NAN;

/// Only the named rules enabled (weight 1 each unless the JSON says otherwise).
fn only(v: serde_json::Value) -> RulesConfig {
    let mut all = json!({"rsi": false, "macd": false, "bollinger": false, "sma_cross": false});
    for (k, val) in v.as_object().expect("object") {
        all[k] = val.clone();
    }
    RulesConfig::from_value(&all).expect("valid config")
}

struct Cols {
    time: Vec<i64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

impl Cols {
    fn flat(n: usize) -> Self {
        Cols { time: (0..n as i64).collect(), high: vec![101.0; n], low: vec![99.0; n], close: vec![100.0; n] }
    }
    fn view(&self) -> SeriesView<'_> {
        SeriesView { time: &self.time, high: &self.high, low: &self.low, close: &self.close }
    }
}

#[test]
fn rsi_rule_thresholds_and_warm_up() {
    let c = Cols::flat(5);
    let cols = RuleColumns { rsi: Some(vec![NAN, 25.0, 50.0, 75.0, 30.0]), ..Default::default() };
    let r = evaluate(&c.view(), &cols, &only(json!({"rsi": true}))).unwrap();
    assert_eq!(r.signal, vec![Hold, Buy, Hold, Sell, Hold]);
    // Hold (warm-up or neutral) has score 0 → confidence 0.
    assert_eq!(r.confidence, vec![0.0, 1.0, 0.0, 1.0, 0.0]);
    assert!(r.reasons[1][0].contains("oversold"), "{:?}", r.reasons[1]);
    assert!(r.reasons[3][0].contains("overbought"));
    assert!(r.reasons[2].is_empty() && r.reasons[0].is_empty());
    // Custom thresholds: 30 is no longer neutral with lower = 35.
    let r = evaluate(&c.view(), &cols, &only(json!({"rsi": {"lower": 35, "upper": 80}}))).unwrap();
    assert_eq!(r.signal, vec![Hold, Buy, Hold, Hold, Buy]);
}

#[test]
fn macd_rule_fires_on_signal_line_crosses_only() {
    let c = Cols::flat(6);
    let macd = vec![NAN, -1.0, 1.0, 2.0, -0.5, -0.4];
    let signal = vec![NAN, 0.0, 0.0, 0.0, 0.0, 0.0];
    let cols = RuleColumns { macd: Some((macd, signal)), ..Default::default() };
    let r = evaluate(&c.view(), &cols, &only(json!({"macd": true}))).unwrap();
    assert_eq!(r.signal, vec![Hold, Hold, Buy, Hold, Sell, Hold]);
    assert_eq!(r.confidence, vec![0.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
    assert_eq!(r.latest.rules[0].vote, Some(Hold));
    let first = evaluate(&c.view(), &RuleColumns { macd: Some((vec![-1.0; 6], vec![0.0; 6])), ..Default::default() }, &only(json!({"macd": true}))).unwrap();
    assert_eq!(first.signal[0], Hold, "bar 0 has no previous bar: no cross possible");
    assert!(r.reasons[2][0].contains("crossed above"));
    assert!(r.reasons[4][0].contains("crossed below"));
}

#[test]
fn bollinger_rule_fires_on_band_touch() {
    let mut c = Cols::flat(4);
    c.low = vec![99.0, 95.0, 99.0, 94.0];
    c.high = vec![101.0, 101.0, 106.0, 106.0];
    let upper = vec![NAN, 105.0, 105.0, 105.0];
    let lower = vec![NAN, 95.0, 95.0, 95.0];
    let cols = RuleColumns { bollinger: Some((upper, lower)), ..Default::default() };
    let r = evaluate(&c.view(), &cols, &only(json!({"bollinger": true}))).unwrap();
    // bar 1: low == lower band (a touch) → Buy; bar 2: high above upper → Sell;
    // bar 3: both bands touched → neutral.
    assert_eq!(r.signal, vec![Hold, Buy, Sell, Hold]);
    assert_eq!(r.confidence, vec![0.0, 1.0, 1.0, 0.0]);
    assert!(r.reasons[1][0].contains("lower"));
}

#[test]
fn sma_cross_rule() {
    let c = Cols::flat(5);
    let fast = vec![NAN, 9.0, 11.0, 12.0, 9.0];
    let slow = vec![NAN, 10.0, 10.0, 10.0, 10.0];
    let cols = RuleColumns { sma_cross: Some((fast, slow)), ..Default::default() };
    let r = evaluate(&c.view(), &cols, &only(json!({"sma_cross": true}))).unwrap();
    assert_eq!(r.signal, vec![Hold, Hold, Buy, Hold, Sell]);
    assert!(r.reasons[2][0].contains("SMA(20) crossed above SMA(50)"));
}

#[test]
fn weighted_vote_combines_rules_into_confidence() {
    let c = Cols::flat(3);
    let cfg = RulesConfig::from_value(&json!({
        "rsi": {"weight": 1}, "macd": {"weight": 2}, "bollinger": {"weight": 1}, "sma_cross": {"weight": 1}
    }))
    .unwrap();
    assert_eq!(cfg.total_weight(), 5.0);
    let cols = RuleColumns {
        // bar 1: RSI buy; bar 2: RSI buy
        rsi: Some(vec![NAN, 20.0, 20.0]),
        // bar 1: MACD crosses down (sell, weight 2); bar 2: no cross (neutral)
        macd: Some((vec![1.0, -1.0, -1.0], vec![0.0, 0.0, 0.0])),
        // bar 1 and 2: low touches the lower band (buy)
        bollinger: Some((vec![NAN, 200.0, 200.0], vec![NAN, 99.5, 99.5])),
        // neutral throughout
        sma_cross: Some((vec![1.0, 1.0, 1.0], vec![2.0, 2.0, 2.0])),
    };
    let r = evaluate(&c.view(), &cols, &cfg).unwrap();
    // bar 1: +1 -2 +1 = 0 → Hold, confidence 0, though three rules fired.
    assert_eq!(r.signal[1], Hold);
    assert_eq!(r.score[1], 0.0);
    assert_eq!(r.confidence[1], 0.0);
    assert_eq!(r.reasons[1].len(), 3);
    // bar 2: +1 (RSI) +1 (band) = 2 → Buy, 2/5; reasons name both rules.
    assert_eq!(r.signal[2], Buy);
    assert!((r.confidence[2] - 0.4).abs() < 1e-12);
    assert_eq!(r.reasons[2].len(), 2);
    // latest carries every enabled rule's state.
    assert_eq!(r.latest.index, 2);
    assert_eq!(r.latest.signal, Buy);
    assert_eq!(r.latest.rules.iter().map(|s| s.rule).collect::<Vec<_>>(), vec!["rsi", "macd", "bollinger", "sma_cross"]);
    assert_eq!(r.latest.rules[1].vote, Some(Hold));
}

#[test]
fn vote_function_matches_the_documented_formula() {
    use stratlab::signals::rules::RuleState;
    let st = |vote, weight| RuleState { rule: "rsi", vote, weight, value: None, reason: String::new() };
    assert_eq!(rules::vote(&[st(Some(Sell), 2.0), st(Some(Buy), 1.0), st(None, 1.0)], 4.0), (Sell, 0.25, -1.0));
    assert_eq!(rules::vote(&[st(Some(Buy), 3.0), st(Some(Hold), 1.0)], 4.0), (Buy, 0.75, 3.0));
    assert_eq!(rules::vote(&[st(Some(Hold), 3.0), st(None, 1.0)], 4.0), (Hold, 0.0, 0.0));
    assert_eq!(rules::vote(&[st(None, 1.0)], 1.0), (Hold, 0.0, 0.0));
}

#[test]
fn config_defaults_disabling_and_errors() {
    let d = RulesConfig::from_value(&serde_json::Value::Null).unwrap();
    assert_eq!(d, RulesConfig::default());
    assert_eq!((d.rsi.timeperiod, d.rsi.lower, d.rsi.upper), (14, 30.0, 70.0));
    assert_eq!((d.macd.fastperiod, d.macd.slowperiod, d.macd.signalperiod), (12, 26, 9));
    assert_eq!((d.bollinger.timeperiod, d.bollinger.nbdev), (20, 2.0));
    assert_eq!((d.sma_cross.fastperiod, d.sma_cross.slowperiod), (20, 50));
    let c = RulesConfig::from_value(&json!({"macd": {"enabled": false}, "smaCross": {"fastperiod": 5, "slowperiod": 10}})).unwrap();
    assert!(!c.macd.enabled);
    assert_eq!(c.sma_cross.fastperiod, 5);

    let code_and = |v: serde_json::Value| {
        let e = RulesConfig::from_value(&v).unwrap_err();
        (e.code.as_str(), e.detail("rule").and_then(|x| x.as_str()).map(String::from), e.detail("parameter").and_then(|x| x.as_str()).map(String::from))
    };
    assert_eq!(code_and(json!({"stoch": true})).0, "INVALID_PARAMETER");
    assert_eq!(code_and(json!({"rsi": {"period": 3}})), ("INVALID_PARAMETER", Some("rsi".into()), Some("period".into())));
    assert_eq!(code_and(json!({"rsi": {"timeperiod": 1}})), ("INVALID_PARAMETER", Some("rsi".into()), Some("timeperiod".into())));
    assert_eq!(code_and(json!({"rsi": {"lower": 80}})), ("INVALID_PARAMETER", Some("rsi".into()), Some("lower".into())));
    assert_eq!(code_and(json!({"macd": {"fastperiod": 30}})).1, Some("macd".into()));
    assert_eq!(code_and(json!({"bollinger": {"weight": -1}})).2, Some("weight".into()));
    assert_eq!(code_and(json!({"rsi": false, "macd": false, "bollinger": false, "sma_cross": false})).2, Some("rules".into()));
    assert_eq!(code_and(json!({"rsi": 3})).0, "INVALID_PARAMETER");
    assert_eq!(code_and(json!([1])).0, "INVALID_PARAMETER");
}

#[test]
fn evaluate_rejects_missing_or_mismatched_columns() {
    let c = Cols::flat(3);
    let e = evaluate(&c.view(), &RuleColumns::default(), &only(json!({"rsi": true}))).unwrap_err();
    assert_eq!((e.code.as_str(), e.detail("rule").and_then(|v| v.as_str())), ("INVALID_INPUT", Some("rsi")));
    let cols = RuleColumns { rsi: Some(vec![1.0]), ..Default::default() };
    let e = evaluate(&c.view(), &cols, &only(json!({"rsi": true}))).unwrap_err();
    assert_eq!(e.detail("length").and_then(|v| v.as_u64()), Some(1));
    let empty = Cols::flat(0);
    assert_eq!(ticker_signals(&empty.view(), &RulesConfig::default()).unwrap_err().code.as_str(), "INVALID_INPUT");
}

fn goog() -> stratlab::series::Ohlcv {
    parse_csv(include_str!("../www/data/GOOG.csv")).expect("GOOG sample parses")
}

#[test]
fn real_data_rsi_rule_agrees_with_the_indicator() {
    let data = goog();
    let cfg = only(json!({"rsi": true}));
    let r = ticker_signals(&SeriesView::from_ohlcv(&data), &cfg).unwrap();
    let mut rsi = vec![0.0; data.len()];
    indicators::rsi(&data.close, 14, &mut rsi).unwrap();
    assert_eq!(r.signal.len(), data.len());
    let (mut buys, mut sells) = (0, 0);
    for (i, &x) in rsi.iter().enumerate() {
        let want = if x.is_nan() || (30.0..=70.0).contains(&x) { Hold } else if x < 30.0 { Buy } else { Sell };
        assert_eq!(r.signal[i], want, "bar {i}, rsi {x}");
        buys += (want == Buy) as u32;
        sells += (want == Sell) as u32;
    }
    assert!(buys > 10 && sells > 10, "the rule fires on real data ({buys} buys, {sells} sells)");
    assert_eq!(r.latest.time, *data.time.last().unwrap());
    assert_eq!(r.latest.rules[0].value, Some(rsi[data.len() - 1]));
}

#[test]
fn real_data_all_rules_invariants() {
    let data = goog();
    let cfg = RulesConfig::default();
    let r = ticker_signals(&SeriesView::from_ohlcv(&data), &cfg).unwrap();
    for i in 0..data.len() {
        assert!((0.0..=1.0).contains(&r.confidence[i]));
        match r.signal[i] {
            Buy => assert!(r.score[i] > 0.0 && !r.reasons[i].is_empty()),
            Sell => assert!(r.score[i] < 0.0 && !r.reasons[i].is_empty()),
            Hold => assert!(r.score[i] == 0.0 && r.confidence[i] == 0.0),
        }
        assert!((r.confidence[i] * 4.0 - (r.confidence[i] * 4.0).round()).abs() < 1e-9, "unit weights → quarters");
    }
    // Every rule fires somewhere in nine years of GOOG.
    for rule in ["RSI", "MACD", "Bollinger", "SMA"] {
        assert!(r.reasons.iter().flatten().any(|s| s.contains(rule)), "{rule} never fired");
    }
    // Before the slowest indicator warms up (SMA 50) confidence cannot reach 1.
    assert!(r.confidence[..30].iter().all(|&c| c < 1.0));
}

#[test]
fn short_series_is_all_hold_not_an_error() {
    let c = Cols::flat(10);
    let r = ticker_signals(&c.view(), &RulesConfig::default()).unwrap();
    assert!(r.signal.iter().all(|&s| s == Hold));
    assert_eq!(r.latest.signal, Hold);
}

#[test]
fn watchlist_sorts_by_confidence_and_keeps_bad_symbols_last() {
    let data = goog();
    let cfg = only(json!({"rsi": true}));
    let mut rsi = vec![0.0; data.len()];
    indicators::rsi(&data.close, 14, &mut rsi).unwrap();
    // A window of GOOG ending on an oversold bar (Buy, confidence 1).
    let end = (20..data.len()).find(|&i| rsi[i] < 30.0).expect("an oversold bar") + 1;
    let oversold = data.slice(0, end);
    // A steadily rising series: RSI 100 → Sell, confidence 1.
    let mut up = Cols::flat(40);
    up.close = (0..40).map(|i| 100.0 + i as f64).collect();
    // Too short for RSI(14): the rule abstains → Hold, confidence 0.
    let short = Cols::flat(5);
    let bad = Cols { time: vec![1, 2], high: vec![1.0], low: vec![1.0, 1.0], close: vec![1.0, 1.0] };
    let items = vec![
        ("SHORT".to_string(), Ok(short.view())),
        ("BAD".to_string(), Ok(bad.view())),
        ("UP".to_string(), Ok(up.view())),
        ("GOOG".to_string(), Ok(SeriesView::from_ohlcv(&oversold))),
    ];
    let w = watchlist(items, &cfg).unwrap();
    let order: Vec<_> = w.iter().map(|e| e.symbol.as_str()).collect();
    // Equal confidences (1.0) sort by symbol; the error entry is last.
    assert_eq!(order, vec!["GOOG", "UP", "SHORT", "BAD"]);
    assert_eq!(w[0].latest.as_ref().unwrap().signal, Buy);
    assert_eq!(w[1].latest.as_ref().unwrap().signal, Sell);
    assert_eq!(w[2].confidence(), 0.0);
    assert_eq!(w[3].error.as_ref().unwrap().code.as_str(), "INVALID_INPUT");
}
