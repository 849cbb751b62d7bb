//! Rules in the backtester and the optimizer: a rules backtest equals the explicit-signal
//! backtest of `ruleSignals`; the registry's rule sets reproduce the built-in strategies; a
//! grid over rule parameters equals the built-in SmaCross grid combination by combination;
//! walk-forward and batch accept rules.

mod common;

use common::load_ohlcv;
use serde_json::{json, Map, Value};
use stratlab::backtest::Semantics;
use stratlab::optimize::batch::{BatchReport, BatchRequest, BatchRunner, SilentBatch};
use stratlab::optimize::engine::run;
use stratlab::optimize::evaluator::{batch_evaluators, BacktestEvaluator};
use stratlab::optimize::walkforward::{walk_forward, WalkForwardConfig};
use stratlab::optimize::{OptimizeConfig, Options, Silent};
use stratlab::rules::{registry, CompiledRules, RuleEvaluator};
use stratlab::signals::strategies::{backtest_request, generate};
use stratlab::signals::Signal;

/// Counts heap allocations made by the current thread while `COUNTING` is set (other test
/// threads are not counted).
struct CountingAlloc;

thread_local! {
    static COUNTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static ALLOCATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            ALLOCATIONS.with(|a| a.set(a.get() + 1));
        }
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|a| a.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(|a| a.get())
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// Debug text compares NaN stats as equal (PartialEq would not).
fn same<T: std::fmt::Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Backtest options as rules default them: `repeat: 'ignore'` where the engine has `repeat`.
fn with_rules_defaults(options: Value) -> Map<String, Value> {
    let mut m = obj(options);
    if stratlab::backtest::config::KNOWN_KEYS.contains(&"repeat") {
        m.entry("repeat").or_insert_with(|| json!("ignore"));
    }
    m
}

fn signal_json(s: &[Signal]) -> Vec<Value> {
    s.iter().map(|x| json!(x.as_str())).collect()
}

#[test]
fn rules_backtest_equals_explicit_signal_backtest_on_goog() {
    let d = load_ohlcv("GOOG");
    let rules = json!({
        "buy": "crossover(EMA(close, fast), EMA(close, slow)) and RSI(14) < 70",
        "sell": "crossunder(EMA(close, fast), EMA(close, slow)) or RSI(14) > 80"
    });
    let params = json!({"fast": 10, "slow": 30});
    let compiled = CompiledRules::from_json(&rules).expect("compile");
    let series = compiled.signals(&d, &obj(params.clone())).expect("signals");
    assert_eq!(series.warmup, 29);
    assert!(series.signals.contains(&Signal::Buy) && series.signals.contains(&Signal::Sell));
    for options in [
        json!({"cash": 10000, "commission": 0.002}),
        json!({"cash": 10000, "commission": 0.001, "trade_on_close": true, "finalize_trades": true}),
        json!({"cash": 100000, "exclusiveOrders": true, "spread": 0.0005}),
    ] {
        let mut with_rules = obj(options.clone());
        with_rules.insert("rules".into(), rules.clone());
        with_rules.insert("params".into(), params.clone());
        let mut explicit = with_rules_defaults(options.clone());
        explicit.insert("signals".into(), Value::Array(signal_json(&series.signals)));
        explicit.insert("warmup".into(), json!(series.warmup));
        let a = backtest_request(&d, &Value::Object(with_rules)).expect("rules backtest");
        let b = backtest_request(&d, &Value::Object(explicit)).expect("explicit backtest");
        assert!(a.stats.trades > 3, "{options}");
        assert!(same(&a, &b), "{options}");
    }
    // Errors keep their codes through the backtest entry point.
    let e = backtest_request(
        &d,
        &json!({"rules": {"buy": "close >", "sell": "close < 1"}}),
    )
    .unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_RULE");
    let e = backtest_request(
        &d,
        &json!({"rules": rules, "params": params, "strategy": "SmaCross"}),
    )
    .unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_INPUT");
    let e =
        backtest_request(&d, &json!({"rules": rules, "params": params, "cash": -1})).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
}

#[test]
fn registry_rule_sets_reproduce_the_built_in_strategies() {
    let d = load_ohlcv("GOOG");
    let variations: [(&str, Value); 7] = [
        ("SmaCross", json!({"n1": 10, "n2": 20})),
        ("SmaCross", json!({"n1": 7, "n2": 41})),
        ("RSI", json!({"timeperiod": 14, "lower": 30, "upper": 70})),
        ("RSI", json!({"timeperiod": 7, "lower": 25, "upper": 60})),
        (
            "MACD",
            json!({"fastperiod": 12, "slowperiod": 26, "signalperiod": 9}),
        ),
        ("Bollinger", json!({"timeperiod": 20, "nbdev": 2})),
        ("Breakout", json!({"n": 20})),
    ];
    assert_eq!(registry::rule_sets().len(), 5);
    for (name, p) in variations {
        let set = registry::find(name).expect("registry entry");
        let defaults: Map<String, Value> = set
            .params
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        let rules = CompiledRules::compile(set.buy, set.sell).expect("compile");
        assert!(
            rules.bind(&defaults).is_ok(),
            "{name}: defaults cover the parameters"
        );
        let ours = rules.signals(&d, &obj(p.clone())).expect("rule signals");
        let theirs = generate(name, &d, &p, Semantics::BacktestingPy).expect("built-in");
        assert_eq!(ours.warmup, theirs.warmup, "{name} {p}");
        assert_eq!(ours.signals, theirs.signal, "{name} {p}");
        assert!(
            ours.signals.iter().filter(|s| **s != Signal::Hold).count() >= 4,
            "{name} {p}"
        );
        let bt_rules = backtest_request(
            &d,
            &json!({"rules": {"buy": set.buy, "sell": set.sell}, "params": p, "commission": 0.002}),
        )
        .expect("rules");
        // The built-in's signals backtested explicitly, with the rules' default `repeat`.
        let mut explicit = with_rules_defaults(json!({"commission": 0.002}));
        explicit.insert("signals".into(), Value::Array(signal_json(&theirs.signal)));
        explicit.insert("warmup".into(), json!(theirs.warmup));
        let bt_builtin = backtest_request(&d, &Value::Object(explicit)).expect("builtin");
        assert!(same(&bt_rules, &bt_builtin), "{name} {p}");
    }
}

fn plan(v: Value) -> stratlab::optimize::config::Plan {
    let cfg: OptimizeConfig = serde_json::from_str(&v.to_string()).expect("config");
    cfg.plan("", None).expect("plan")
}

#[test]
fn rule_grid_equals_the_built_in_smacross_grid() {
    let d = load_ohlcv("GOOG");
    let set = registry::find("SmaCross").expect("SmaCross");
    let space = json!({"n1": {"start": 5, "stop": 30, "step": 5}, "n2": {"start": 20, "stop": 80, "step": 10}});
    let rules_plan = plan(
        json!({"rules": {"buy": set.buy, "sell": set.sell}, "space": space,
        "constraint": "n1 < n2", "maximize": "Sharpe Ratio", "commission": 0.002}),
    );
    let builtin_plan = plan(json!({"strategy": "SmaCross", "space": space,
        "constraint": "n1 < n2", "maximize": "Sharpe Ratio", "commission": 0.002}));
    assert_eq!(rules_plan.strategy, "rules");
    let ev = |p: &stratlab::optimize::config::Plan| {
        BacktestEvaluator::new(
            &d,
            &p.strategy,
            &p.backtest,
            &p.candidates,
            &p.objective,
            "",
        )
        .expect("evaluator")
    };
    let (ev_rules, ev_builtin) = (ev(&rules_plan), ev(&builtin_plan));
    for parallel in [false, true] {
        let opts = Options {
            parallel,
            ..Options::default()
        };
        let a = run(
            &ev_rules,
            rules_plan.candidates.clone(),
            rules_plan.objective.clone(),
            rules_plan.options(opts.clone()),
            &mut Silent,
        )
        .expect("rules grid");
        let b = run(
            &ev_builtin,
            builtin_plan.candidates.clone(),
            builtin_plan.objective.clone(),
            builtin_plan.options(opts),
            &mut Silent,
        )
        .expect("builtin grid");
        assert_eq!(a.rows.len(), b.rows.len());
        assert!(a.rows.len() >= 25);
        assert!(a.rows.iter().all(|r| r.error.is_none()));
        assert!(same(&a.rows, &b.rows));
        assert_eq!(
            a.best().map(|t| t.params.to_json()),
            b.best().map(|t| t.params.to_json())
        );
        assert!(same(&a.top[0].stats, &b.top[0].stats));
    }

    // Each distinct average is computed once and shared by every combination using it.
    let compiled = CompiledRules::compile(set.buy, set.sell).expect("compile");
    let names = vec!["n1".to_string(), "n2".to_string()];
    let re = RuleEvaluator::new(&d, compiled, &names, &obj(json!({"commission": 0.002})), "")
        .expect("evaluator");
    for n1 in [5.0, 10.0, 15.0] {
        for n2 in [20.0, 30.0] {
            let s = re
                .stats(|k| if k == "n1" { Some(n1) } else { Some(n2) })
                .expect("stats");
            assert!(s.trades > 0);
        }
    }
    assert_eq!(re.cached(), 5);
}

#[test]
fn optimizer_errors_name_the_rules_and_fixed_params_work() {
    let d = load_ohlcv("GOOG");
    let rules = json!({"buy": "crossover(RSI(close, n), lower)", "sell": "crossunder(RSI(close, n), upper)"});
    let p = plan(
        json!({"rules": rules, "space": {"n": [7, 14, 21], "lower": [20, 30]}, "params": {"upper": 70}, "maximize": "Return [%]"}),
    );
    let ev = BacktestEvaluator::new(
        &d,
        &p.strategy,
        &p.backtest,
        &p.candidates,
        &p.objective,
        "",
    )
    .expect("evaluator");
    let out = run(
        &ev,
        p.candidates.clone(),
        p.objective.clone(),
        p.options(Options::default()),
        &mut Silent,
    )
    .expect("run");
    assert_eq!(out.rows.len(), 6);
    assert!(out
        .rows
        .iter()
        .all(|r| r.error.is_none() && r.value.is_finite()));
    // The same value as a one-off rules backtest of the best combination.
    let best = out.best().expect("best");
    let mut bp = best.params.to_json();
    bp.insert("upper".into(), json!(70));
    let one = backtest_request(&d, &json!({"rules": rules, "params": bp})).expect("one");
    assert_eq!(one.stats.return_pct, best.value);

    let bad = |v: Value| {
        let p = plan(v);
        BacktestEvaluator::new(
            &d,
            &p.strategy,
            &p.backtest,
            &p.candidates,
            &p.objective,
            "",
        )
        .unwrap_err()
    };
    let e = bad(
        json!({"rules": rules, "space": {"n": [7], "m": [1]}, "params": {"upper": 70, "lower": 30}}),
    );
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    assert!(e.message.contains("'m'"));
    let e = bad(json!({"rules": rules, "space": {"n": [7]}, "params": {"upper": 70}}));
    assert_eq!(e.code.as_str(), "INVALID_RULE");
    assert!(e.message.contains("lower"));
    let e = bad(json!({"rules": {"buy": "RSI(n) >", "sell": "close > 1"}, "space": {"n": [7]}}));
    assert_eq!(e.code.as_str(), "INVALID_RULE");
}

#[test]
fn walk_forward_and_batch_accept_rules() {
    let d = load_ohlcv("GOOG");
    let set = registry::find("SmaCross").expect("SmaCross");
    let common = json!({"space": {"n1": [5, 10, 20], "n2": [30, 50]}, "maximize": "Sharpe Ratio",
        "cash": 10000, "commission": 0.002, "finalize_trades": true, "trainBars": 500, "testBars": 250});
    let mut with_rules = obj(common.clone());
    with_rules.insert("rules".into(), json!({"buy": set.buy, "sell": set.sell}));
    let mut builtin = obj(common);
    builtin.insert("strategy".into(), json!("SmaCross"));
    let wf = |m: Map<String, Value>| {
        let c: WalkForwardConfig =
            serde_json::from_str(&Value::Object(m).to_string()).expect("config");
        walk_forward(&d, &c, Options::default(), &mut Silent).expect("walk-forward")
    };
    let (a, b) = (wf(with_rules), wf(builtin));
    assert_eq!(a.folds.len(), 6);
    for (x, y) in a.folds.iter().zip(&b.folds) {
        assert!(
            same(&x.params, &y.params)
                && same(&x.in_sample, &y.in_sample)
                && same(&x.out_of_sample, &y.out_of_sample)
        );
    }

    let req = BatchRequest::from_json_text(
        &json!({"strategies": ["myCross", "SmaCross"],
            "common_config": {"space": {"n1": [5, 10], "n2": [30, 50]}, "maximize": "Sharpe Ratio"},
            "strategy_specific_configs": {"myCross": {"rules": {"buy": set.buy, "sell": set.sell}}}})
        .to_string(),
    )
    .expect("request");
    let plan = req.plan().expect("plan");
    let evs = batch_evaluators(&d, &plan).expect("evaluators");
    let out = BatchRunner::new(&plan, &evs, Options::default())
        .run(&mut SilentBatch)
        .expect("batch");
    let report = BatchReport::new(&out);
    assert_eq!(report.per_strategy.len(), 2);
    assert_eq!(report.per_strategy[0].strategy, "myCross");
    assert!(same(
        &report.per_strategy[0].best,
        &report.per_strategy[1].best
    ));
}

#[test]
fn a_warm_evaluation_allocates_nothing() {
    use std::borrow::Cow;
    use stratlab::rules::RuleData;
    let d = load_ohlcv("GOOG");
    let rules = CompiledRules::compile(
        "crossover(SMA(close, n1), SMA(close, n2)) and close > highest(shift(close, 1), 5) and RSI(14) < 70 + 0 * n1",
        "crossunder(SMA(close, n1), SMA(close, n2)) or tf('1w', close < open)",
    )
    .expect("compile");
    let bound = RuleData::new(&d, Cow::Owned(rules), 64 << 20).expect("bound");
    let mut s = Default::default();
    let combos = [[5.0, 20.0], [10.0, 30.0], [5.0, 30.0], [10.0, 20.0]];
    // First pass: computes and caches every call, grows the buffers.
    let mut first = Vec::new();
    for c in &combos {
        first.push(bound.run(c, &mut s).expect("run"));
    }
    let cached = bound.cached();
    // Second pass: every call is a cache hit and every buffer has its size.
    for (c, w) in combos.iter().zip(&first) {
        let mut warm = 0;
        let n = allocations(|| warm = bound.run(c, &mut s).expect("run"));
        assert_eq!(n, 0, "combination {c:?} allocated {n} times");
        assert_eq!(warm, *w);
    }
    assert_eq!(bound.cached(), cached);
    assert!(
        allocations(|| drop(vec![1u8; 16])) > 0,
        "the counter counts"
    );
}
