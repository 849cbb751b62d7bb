//! The rule language, expression by expression: every operator, a catalogue function of every
//! group, named and omitted arguments, multi-output fields, nesting, the built-ins, `tf` and
//! its no-look-ahead property, and errors that point at the text.

mod common;

use common::load_ohlcv;
use serde_json::{json, Map, Value};
use stratlab::indicators::{self, Inputs, Params};
use stratlab::rules::{evaluate, CompiledRules, Ty};
use stratlab::series::Ohlcv;

fn goog() -> Ohlcv {
    load_ohlcv("GOOG")
}

fn params(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn eval(data: &Ohlcv, expr: &str) -> (Vec<f64>, Ty) {
    eval_with(data, expr, json!({}))
}

fn eval_with(data: &Ohlcv, expr: &str, p: Value) -> (Vec<f64>, Ty) {
    let (v, ty, _) = evaluate(data, expr, &params(p)).unwrap_or_else(|e| panic!("{expr}: {e}"));
    (v, ty)
}

/// Bit-equal with NaN == NaN.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn talib(data: &Ohlcv, name: &str, p: Params) -> indicators::Outputs {
    indicators::compute(name, &Inputs::from_ohlcv(data), &p).expect("indicator")
}

fn flags(f: impl Fn(usize) -> bool, n: usize) -> Vec<f64> {
    (0..n).map(|i| if f(i) { 1.0 } else { 0.0 }).collect()
}

#[test]
fn arithmetic_operators_and_precedence() {
    let d = goog();
    let (c, o) = (&d.close, &d.open);
    let n = d.len();
    let cases: Vec<(&str, Vec<f64>)> = vec![
        ("close + 1", c.iter().map(|x| x + 1.0).collect()),
        (
            "close - open",
            c.iter().zip(o).map(|(x, y)| x - y).collect(),
        ),
        ("close * 2", c.iter().map(|x| x * 2.0).collect()),
        (
            "close / open",
            c.iter().zip(o).map(|(x, y)| x / y).collect(),
        ),
        ("-close", c.iter().map(|x| -x).collect()),
        ("1 + 2 * close", c.iter().map(|x| 1.0 + 2.0 * x).collect()),
        ("(1 + 2) * close", c.iter().map(|x| 3.0 * x).collect()),
        (
            "close - open - 1",
            c.iter().zip(o).map(|(x, y)| x - y - 1.0).collect(),
        ),
        (
            "abs(open - close)",
            c.iter().zip(o).map(|(x, y)| (y - x).abs()).collect(),
        ),
        (
            "min(open, close)",
            c.iter().zip(o).map(|(x, y)| x.min(*y)).collect(),
        ),
        (
            "max(open, close)",
            c.iter().zip(o).map(|(x, y)| x.max(*y)).collect(),
        ),
    ];
    for (expr, want) in cases {
        let (got, ty) = eval(&d, expr);
        assert_eq!(ty, Ty::Series, "{expr}");
        assert!(same(&got, &want), "{expr}");
    }
    let (k, ty) = eval_with(&d, "n * 2 + 1", json!({"n": 3}));
    assert_eq!(ty, Ty::Number);
    assert_eq!(k, vec![7.0; n]);
}

#[test]
fn comparisons_and_logic_with_nan_false() {
    let d = goog();
    let n = d.len();
    let (c, o) = (&d.close, &d.open);
    let cases: Vec<(&str, Vec<f64>)> = vec![
        ("close < open", flags(|i| c[i] < o[i], n)),
        ("close <= open", flags(|i| c[i] <= o[i], n)),
        ("close > open", flags(|i| c[i] > o[i], n)),
        ("close >= open", flags(|i| c[i] >= o[i], n)),
        ("close == close", vec![1.0; n]),
        ("close != open", flags(|i| c[i] != o[i], n)),
        (
            "close > open and close > 500",
            flags(|i| c[i] > o[i] && c[i] > 500.0, n),
        ),
        (
            "close > open or close > 500",
            flags(|i| c[i] > o[i] || c[i] > 500.0, n),
        ),
        ("not close > open", flags(|i| c[i] <= o[i], n)),
        (
            "not (close > open or close > 500)",
            flags(|i| !(c[i] > o[i] || c[i] > 500.0), n),
        ),
    ];
    for (expr, want) in cases {
        let (got, ty) = eval(&d, expr);
        assert_eq!(ty, Ty::Condition, "{expr}");
        assert_eq!(got, want, "{expr}");
    }
    // Warm-up NaN compares false with every operator, `!=` included.
    for op in ["<", "<=", ">", ">=", "==", "!="] {
        let (got, _) = eval(&d, &format!("SMA(close, 5) {op} -1"));
        assert_eq!(&got[..4], &[0.0; 4], "{op}");
    }
    assert!(eval(&d, "SMA(close, 5) != -1").0[4..]
        .iter()
        .all(|&x| x == 1.0));
    assert!(eval(&d, "not SMA(close, 5) > 0").0[..4]
        .iter()
        .all(|&x| x == 1.0));
}

#[test]
fn a_function_of_every_catalogue_group_with_default_inputs_and_params() {
    let d = goog();
    let cat = indicators::catalogue();
    let mut groups: Vec<&str> = cat.iter().map(|e| e.group).collect();
    groups.dedup();
    groups.sort();
    groups.dedup();
    assert!(groups.len() >= 5, "{groups:?}");
    for group in &groups {
        let entries: Vec<_> = cat
            .iter()
            .filter(|e| e.group == *group && !e.inputs.contains(&"periods"))
            .collect();
        let e = entries
            .first()
            .unwrap_or_else(|| panic!("no usable function in {group}"));
        let want = talib(&d, e.name, Params::new());
        for (k, out) in e.outputs.iter().enumerate() {
            let expr = if e.outputs.len() == 1 {
                format!("{}()", e.name)
            } else {
                format!("{}().{out}", e.name)
            };
            let (got, ty) = eval(&d, &expr);
            assert_eq!(ty, Ty::Series);
            assert!(same(&got, &want.columns[k].1), "{group}: {expr}");
        }
    }
}

#[test]
fn positional_named_and_omitted_arguments() {
    let d = goog();
    let sma5 = talib(&d, "SMA", Params::new().with("timeperiod", 5.0));
    for expr in [
        "SMA(close, 5)",
        "SMA(close, timeperiod=5)",
        "SMA(5)",
        "SMA(timeperiod=5)",
        "SMA(close=close, timeperiod=5)",
    ] {
        assert!(same(&eval(&d, expr).0, sma5.first()), "{expr}");
    }
    assert!(same(
        &eval_with(&d, "SMA(close, timeperiod=n)", json!({"n": 5})).0,
        sma5.first()
    ));
    assert!(same(
        &eval_with(&d, "SMA(close, n + 2)", json!({"n": 3})).0,
        sma5.first()
    ));
    let rsi = talib(&d, "RSI", Params::new().with("timeperiod", 14.0));
    assert!(same(&eval(&d, "RSI(14)").0, rsi.first()));
    let adx = talib(&d, "ADX", Params::new().with("timeperiod", 14.0));
    assert!(same(&eval(&d, "ADX(high, low, close, 14)").0, adx.first()));
    assert!(same(&eval(&d, "ADX(14)").0, adx.first()));
    // Inputs swapped on purpose: the expression decides what each input is.
    let swapped = indicators::compute(
        "ADX",
        &Inputs::new()
            .with(indicators::Input::High, &d.high)
            .with(indicators::Input::Low, &d.close)
            .with(indicators::Input::Close, &d.low),
        &Params::new().with("timeperiod", 10.0),
    )
    .expect("adx");
    assert!(same(
        &eval(&d, "ADX(high, close, low, 10)").0,
        swapped.first()
    ));
    assert!(same(
        &eval(&d, "ADX(low=close, close=low, timeperiod=10)").0,
        swapped.first()
    ));
}

#[test]
fn multi_output_fields_and_nesting() {
    let d = goog();
    let macd = talib(
        &d,
        "MACD",
        Params::new()
            .with("fastperiod", 12.0)
            .with("slowperiod", 26.0)
            .with("signalperiod", 9.0),
    );
    for out in ["macd", "macdsignal", "macdhist"] {
        assert!(same(
            &eval(&d, &format!("MACD(close, 12, 26, 9).{out}")).0,
            macd.get(out).expect("out")
        ));
    }
    let bb = talib(
        &d,
        "BBANDS",
        Params::new()
            .with("timeperiod", 20.0)
            .with("nbdevup", 2.0)
            .with("nbdevdn", 2.0),
    );
    assert!(same(
        &eval(&d, "BBANDS(close, 20, 2, 2).upperband").0,
        bb.get("upperband").expect("upper")
    ));
    assert!(same(
        &eval(&d, "BBANDS(close, 20, 2, 2).lowerband").0,
        bb.get("lowerband").expect("lower")
    ));
    // SMA of an RSI.
    let rsi = talib(&d, "RSI", Params::new().with("timeperiod", 14.0));
    let want = indicators::compute(
        "SMA",
        &Inputs::real(rsi.first()),
        &Params::new().with("timeperiod", 5.0),
    )
    .expect("sma");
    assert!(same(&eval(&d, "SMA(RSI(close, 14), 5)").0, want.first()));
    // An indicator of an arithmetic series.
    let mid: Vec<f64> = d
        .high
        .iter()
        .zip(&d.low)
        .map(|(h, l)| (h + l) / 2.0)
        .collect();
    let want = indicators::compute(
        "EMA",
        &Inputs::real(&mid),
        &Params::new().with("timeperiod", 10.0),
    )
    .expect("ema");
    assert!(same(&eval(&d, "EMA((high + low) / 2, 10)").0, want.first()));
}

#[test]
fn crossover_crossunder_shift_highest_lowest_if() {
    let d = goog();
    let n = d.len();
    let f = talib(&d, "SMA", Params::new().with("timeperiod", 5.0));
    let s = talib(&d, "SMA", Params::new().with("timeperiod", 20.0));
    let (f, s) = (f.first(), s.first());
    let up = flags(|i| i > 0 && f[i - 1] < s[i - 1] && f[i] > s[i], n);
    let down = flags(|i| i > 0 && f[i - 1] > s[i - 1] && f[i] < s[i], n);
    assert!(up.iter().sum::<f64>() > 10.0 && down.iter().sum::<f64>() > 10.0);
    assert_eq!(eval(&d, "crossover(SMA(close, 5), SMA(close, 20))").0, up);
    assert_eq!(
        eval(&d, "crossunder(SMA(close, 5), SMA(close, 20))").0,
        down
    );
    let c = &d.close;
    assert_eq!(
        eval(&d, "crossover(close, 500)").0,
        flags(|i| i > 0 && c[i - 1] < 500.0 && c[i] > 500.0, n)
    );

    let (sh, ty) = eval(&d, "shift(close, 3)");
    assert_eq!(ty, Ty::Series);
    assert!(sh[..3].iter().all(|x| x.is_nan()));
    assert_eq!(&sh[3..], &c[..n - 3]);
    let (shb, ty) = eval(&d, "shift(close > open, 1)");
    assert_eq!(ty, Ty::Condition);
    assert_eq!(shb[0], 0.0);
    assert_eq!(shb[1..], flags(|i| c[i] > d.open[i], n)[..n - 1]);

    let hi = eval(&d, "highest(high, 10)").0;
    let lo = eval(&d, "lowest(low, 10)").0;
    for i in 0..n {
        if i < 9 {
            assert!(hi[i].is_nan() && lo[i].is_nan());
        } else {
            let w = i + 1 - 10..=i;
            assert_eq!(
                hi[i],
                d.high[w.clone()].iter().cloned().fold(f64::MIN, f64::max)
            );
            assert_eq!(lo[i], d.low[w].iter().cloned().fold(f64::MAX, f64::min));
        }
    }
    let (v, ty) = eval(&d, "if(close > open, high, low)");
    assert_eq!(ty, Ty::Series);
    assert_eq!(
        v,
        (0..n)
            .map(|i| if c[i] > d.open[i] {
                d.high[i]
            } else {
                d.low[i]
            })
            .collect::<Vec<_>>()
    );
    let (v, ty) = eval(&d, "if(close > open, close > 500, close < 300)");
    assert_eq!(ty, Ty::Condition);
    assert_eq!(
        v,
        flags(
            |i| if c[i] > d.open[i] {
                c[i] > 500.0
            } else {
                c[i] < 300.0
            },
            n
        )
    );
    let ps = eval(&d, "pandas_sma(close, 10)").0;
    assert!(same(
        &ps,
        &stratlab::backtest::ma::pandas_rolling_mean(c, 10)
    ));
}

#[test]
fn tf_uses_completed_higher_timeframe_bars_only() {
    let d = load_ohlcv("EURUSD");
    let day = 86_400_000i64;
    let (v, ty) = eval(&d, "tf('1d', close)");
    assert_eq!(ty, Ty::Series);
    // Each value is the daily close of the latest day that had ended: the close of the last
    // hourly bar before today (NaN until a whole day has passed).
    for (i, &got) in v.iter().enumerate().take(300) {
        let today = d.time[i].div_euclid(day) * day;
        match (0..i).rev().find(|&j| d.time[j] < today) {
            None => assert!(got.is_nan(), "bar {i}"),
            Some(j) => assert_eq!(got, d.close[j], "bar {i}"),
        }
    }
    // No look-ahead: values on a prefix never change when later bars are appended.
    let expr =
        "tf('1d', SMA(close, 3)) > close and tf('4h', crossover(EMA(close, 3), EMA(close, 6)))";
    let (full, _) = eval(&d, expr);
    let full_sma = eval(&d, "tf('1d', SMA(close, 3))").0;
    assert!(full.contains(&1.0));
    for cut in [50usize, 333, 1200, 4001] {
        let part = d.slice(0, cut);
        assert_eq!(eval(&part, expr).0[..], full[..cut], "cut {cut}");
        assert!(
            same(&eval(&part, "tf('1d', SMA(close, 3))").0, &full_sma[..cut]),
            "cut {cut}"
        );
    }
}

#[test]
fn warmup_counts_every_indicator_like_backtesting_py() {
    let d = goog();
    let p = Map::new();
    assert_eq!(
        evaluate(&d, "SMA(close, 10) > SMA(close, 30)", &p)
            .expect("ok")
            .2,
        29
    );
    assert_eq!(
        evaluate(&d, "MACD(close, 12, 26, 9).macd > 0", &p)
            .expect("ok")
            .2,
        33
    );
    assert_eq!(
        evaluate(&d, "close > shift(highest(high, 20), 1)", &p)
            .expect("ok")
            .2,
        20
    );
    assert_eq!(evaluate(&d, "close > open", &p).expect("ok").2, 0);
}

fn err(buy: &str, sell: &str) -> stratlab::Error {
    match CompiledRules::compile(buy, sell) {
        Ok(_) => panic!("{buy} / {sell} compiled"),
        Err(e) => e,
    }
}

fn detail_u(e: &stratlab::Error, k: &str) -> u64 {
    e.detail(k)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no {k} in {e:?}"))
}

#[test]
fn errors_carry_rule_offset_line_column_and_expected() {
    let ok = "close > open";
    // (buy, rule, offset, message fragment)
    let cases = [
        ("close > ", "buy", 8, "unexpected end"),
        ("close >> open", "buy", 7, "unexpected"),
        ("SMA(close, 20", "buy", 13, "expected ',' or ')'"),
        ("SMAA(close, 20) > close", "buy", 0, "SMA"),
        ("SMA(close, 20, 3) > close", "buy", 15, "too many arguments"),
        ("crossover(close) ", "buy", 0, "takes 2 arguments"),
        ("MACD(close, 12, 26, 9).signal > 0", "buy", 23, "macdsignal"),
        ("MACD(close) > 0", "buy", 0, "outputs"),
        (
            "SMA(close, close) > 1",
            "buy",
            11,
            "a number or a parameter",
        ),
        ("SMA(close > open, 3) > 1", "buy", 10, "a series"),
        (
            "close + (close > open) > 1",
            "buy",
            15,
            "a number or a series",
        ),
        ("close and open", "buy", 0, "a condition"),
        ("SMA(close, 20)", "buy", 0, "must be a condition"),
        ("SMA(close, timeperiodd=3) > 1", "buy", 11, "timeperiod"),
        ("tf('1x', close) > 1", "buy", 3, "timeframe"),
        ("close > open\n  and (high <", "buy", 26, "unexpected end"),
        ("a < b < c", "buy", 6, "chain"),
        ("close > 'x'", "buy", 8, "string"),
        ("close > open @", "buy", 13, "unexpected character"),
        ("Close > open", "buy", 0, "did you mean close"),
    ];
    for (buy, rule, offset, fragment) in cases {
        let e = err(buy, ok);
        assert_eq!(e.code.as_str(), "INVALID_RULE", "{buy}: {e}");
        assert_eq!(
            e.detail("rule").and_then(Value::as_str),
            Some(rule),
            "{buy}"
        );
        assert_eq!(detail_u(&e, "offset"), offset as u64, "{buy}: {e}");
        assert!(e.message.contains(fragment), "{buy}: {}", e.message);
        assert!(e.detail("expected").is_some(), "{buy}");
    }
    // Line and column of a multi-line sell rule.
    let e = err(ok, "close > open\n  and (high <");
    assert_eq!(e.detail("rule").and_then(Value::as_str), Some("sell"));
    assert_eq!((detail_u(&e, "line"), detail_u(&e, "column")), (2, 14));
    // Unknown functions list close names.
    let e = err("RSII(14) > 70", ok);
    assert!(e.message.contains("RSI"), "{}", e.message);
    assert!(e
        .detail("expected")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("RSI")));
    // Unknown identifiers surface when parameters are bound.
    let r = CompiledRules::compile("close > SMA(close, n)", "close < lenght").expect("compile");
    let e = r.bind(&params(json!({"n": 3}))).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_RULE");
    assert_eq!(e.detail("rule").and_then(Value::as_str), Some("sell"));
    assert_eq!(detail_u(&e, "offset"), 8);
    assert!(e.message.contains("lenght"));
    let e = r
        .bind(&params(json!({"n": 3, "lenght": 2, "m": 1})))
        .unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    // Literal indicator parameters are range-checked at compile time, with their position...
    let e = err("SMA(close, 0) > 1", ok);
    assert_eq!(e.code.as_str(), "INVALID_RULE");
    assert_eq!(detail_u(&e, "offset"), 11);
    assert!(e.message.contains("timeperiod"), "{}", e.message);
    assert_eq!(err("RSI(14.5) > 1", ok).code.as_str(), "INVALID_RULE");
    // ... bound parameters per evaluation, with the indicator named.
    let e = evaluate(&goog(), "SMA(close, n) > 1", &params(json!({"n": 0}))).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    assert!(e.message.contains("SMA"));
}

#[test]
fn bounds_are_resource_limits() {
    let ok = "close > open";
    let long = format!("close > {}", "1 + ".repeat(2000)) + "1";
    assert_eq!(err(&long, ok).code.as_str(), "RESOURCE_LIMIT");
    let deep = format!("{}close{} > 1", "(".repeat(200), ")".repeat(200));
    let e = err(&deep, ok);
    assert_eq!(e.code.as_str(), "RESOURCE_LIMIT");
    assert!(e.detail("limit").is_some());
    let chain = format!(
        "close > {}",
        (1..400)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(" + ")
    );
    assert_eq!(err(&chain, ok).code.as_str(), "RESOURCE_LIMIT");
    let calls = (1..70)
        .map(|i| format!("SMA(close, {i}) > 0"))
        .collect::<Vec<_>>()
        .join(" or ");
    assert_eq!(err(&calls, ok).code.as_str(), "RESOURCE_LIMIT");
    let many = (0..20)
        .map(|i| format!("close > p{i}"))
        .collect::<Vec<_>>()
        .join(" or ");
    assert_eq!(err(&many, ok).code.as_str(), "RESOURCE_LIMIT");
    // Equal calls are shared, so repeating one is not extra work.
    let same_call = (0..100)
        .map(|_| "SMA(close, 5) > 0")
        .collect::<Vec<_>>()
        .join(" or ");
    let r = CompiledRules::compile(&same_call, ok).expect("shared");
    assert_eq!(r.info().calls, 1);
}
