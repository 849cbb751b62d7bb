//! Every rule and fallback of the StrategyOutputMerger (issue 4, item 2), natively.

use serde_json::json;
use stratlab::merge::{merge, MergeConfig, MergeMethod, MergeResult, NamedOutputs, StrategyOutput, NO_VALID_OUTPUTS};
use stratlab::signals::Signal::{self, Buy, Hold, Sell};
use std::collections::BTreeMap;

fn out(ts: &[f64], sig: &[Signal]) -> Option<StrategyOutput> {
    Some(StrategyOutput::new(ts.to_vec(), sig.to_vec()))
}

fn named(items: Vec<(&str, Option<StrategyOutput>)>) -> NamedOutputs {
    items.into_iter().map(|(n, o)| (n.to_string(), o)).collect()
}

fn signals(r: &MergeResult) -> Vec<Signal> {
    (0..r.len()).map(|i| r.signal_at(i)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn cfg(v: serde_json::Value) -> MergeConfig {
    MergeConfig::from_value(&v).expect("valid config").0
}

// ---- weighted_vote ----------------------------------------------------------------------

#[test]
fn weighted_vote_sums_strategy_weights_and_reports_share() {
    let outputs = named(vec![
        ("a", out(&[1.0, 2.0], &[Buy, Sell])),
        ("b", out(&[1.0, 2.0], &[Sell, Sell])),
        ("c", out(&[1.0, 2.0], &[Sell, Buy])),
    ]);
    let r = merge(outputs, &cfg(json!({"method": "weighted_vote", "weights": {"a": 3.0, "b": 1.0, "c": 1.5}}))).unwrap();
    // t=1: Buy 3 vs Sell 2.5 → Buy, 3/5.5. t=2: Sell 4 vs Buy 1.5 → Sell, 4/5.5.
    assert_eq!(signals(&r), vec![Buy, Sell]);
    assert!(close(r.confidence[0], 3.0 / 5.5));
    assert!(close(r.confidence[1], 4.0 / 5.5));
    assert_eq!(r.strategy_count, vec![3, 3]);
    assert!(r.strategy_used.is_none());
    assert!(r.error.is_none());
}

#[test]
fn weighted_vote_weights_default_to_one() {
    let outputs = named(vec![
        ("a", out(&[1.0], &[Buy])),
        ("b", out(&[1.0], &[Buy])),
        ("c", out(&[1.0], &[Sell])),
    ]);
    let r = merge(outputs, &MergeConfig::new(MergeMethod::WeightedVote).with_weight("c", 1.5)).unwrap();
    // Buy 1+1 = 2 vs Sell 1.5
    assert_eq!(signals(&r), vec![Buy]);
    assert!(close(r.confidence[0], 2.0 / 3.5));
}

#[test]
fn default_method_is_weighted_vote() {
    let (c, _) = MergeConfig::from_value(&serde_json::Value::Null).unwrap();
    assert_eq!(c.method, MergeMethod::WeightedVote);
    let r = merge(named(vec![("a", out(&[1.0], &[Sell]))]), &c).unwrap();
    assert_eq!(r.method, MergeMethod::WeightedVote);
    assert_eq!(signals(&r), vec![Sell]);
    assert_eq!(r.confidence, vec![1.0]);
}

#[test]
fn zero_weight_strategy_is_counted_but_adds_nothing() {
    let outputs = named(vec![("a", out(&[1.0, 2.0], &[Buy, Buy])), ("b", out(&[2.0], &[Sell]))]);
    let r = merge(outputs, &cfg(json!({"weights": {"a": 0.0, "b": 1.0}}))).unwrap();
    // t=1: only a (weight 0) → no score at all → Hold, 0. t=2: Sell 1 vs Buy 0.
    assert_eq!(signals(&r), vec![Hold, Sell]);
    assert_eq!(r.confidence, vec![0.0, 1.0]);
    assert_eq!(r.strategy_count, vec![1, 2]);
}

#[test]
fn use_confidence_scales_votes_only_when_asked() {
    let a = StrategyOutput::new(vec![1.0], vec![Buy]).with_confidence(vec![0.2]);
    let b = StrategyOutput::new(vec![1.0], vec![Sell]).with_confidence(vec![0.9]);
    let outputs = || named(vec![("a", Some(a.clone())), ("b", Some(b.clone()))]);
    let plain = merge(outputs(), &cfg(json!({"weights": {"a": 2.0}}))).unwrap();
    assert_eq!(signals(&plain), vec![Buy]); // 2 vs 1
    assert!(close(plain.confidence[0], 2.0 / 3.0));
    let scaled = merge(outputs(), &cfg(json!({"weights": {"a": 2.0}, "use_confidence": true}))).unwrap();
    assert_eq!(signals(&scaled), vec![Sell]); // 2·0.2 = 0.4 vs 0.9
    assert!(close(scaled.confidence[0], 0.9 / 1.3));
    // Same on strategies that do not share their timestamps (the general path); a strategy
    // without a confidence column votes its plain weight.
    let c = StrategyOutput::new(vec![0.0, 1.0], vec![Hold, Buy]);
    let mixed = named(vec![("a", Some(a.clone())), ("b", Some(b.clone())), ("c", Some(c))]);
    let r = merge(mixed, &cfg(json!({"weights": {"a": 2.0}, "use_confidence": true}))).unwrap();
    assert_eq!(r.timestamp, vec![0.0, 1.0]);
    assert_eq!(signals(&r), vec![Hold, Buy]); // t=1: Buy 0.4 + 1 = 1.4 vs Sell 0.9
    assert!(close(r.confidence[1], 1.4 / 2.3));
}

// ---- majority ---------------------------------------------------------------------------

#[test]
fn majority_counts_votes_and_ignores_weights() {
    let outputs = named(vec![
        ("a", out(&[1.0], &[Buy])),
        ("b", out(&[1.0], &[Sell])),
        ("c", out(&[1.0], &[Sell])),
    ]);
    let r = merge(outputs, &cfg(json!({"method": "majority", "weights": {"a": 10.0}}))).unwrap();
    assert_eq!(signals(&r), vec![Sell]);
    assert!(close(r.confidence[0], 2.0 / 3.0));
    assert_eq!(r.strategy_count, vec![3]);
}

#[test]
fn majority_confidence_uses_voters_at_that_timestamp() {
    let outputs = named(vec![
        ("a", out(&[1.0, 2.0], &[Buy, Buy])),
        ("b", out(&[1.0], &[Buy])),
        ("c", out(&[1.0, 2.0], &[Hold, Hold])),
        ("d", out(&[1.0, 2.0], &[Buy, Hold])),
    ]);
    let r = merge(outputs, &MergeConfig::new(MergeMethod::Majority)).unwrap();
    assert_eq!(signals(&r), vec![Buy, Hold]);
    assert_eq!(r.confidence, vec![0.75, 2.0 / 3.0]);
    assert_eq!(r.strategy_count, vec![4, 3]);
}

// ---- priority ---------------------------------------------------------------------------

#[test]
fn priority_takes_first_strategy_present_and_says_which() {
    let outputs = named(vec![
        ("fast", out(&[1.0, 2.0, 3.0], &[Buy, Buy, Buy])),
        ("slow", out(&[2.0, 4.0], &[Sell, Sell])),
        ("main", out(&[3.0], &[Hold])),
    ]);
    let r = merge(outputs, &cfg(json!({"method": "priority", "priority": ["main", "slow", "fast"]}))).unwrap();
    assert_eq!(r.timestamp, vec![1.0, 2.0, 3.0, 4.0]);
    assert_eq!(signals(&r), vec![Buy, Sell, Hold, Sell]);
    let used: Vec<_> = (0..r.len()).map(|i| r.strategy_used_at(i).unwrap()).collect();
    assert_eq!(used, vec!["fast", "slow", "main", "slow"]);
    assert_eq!(r.strategy_count, vec![1, 2, 2, 1]);
    assert_eq!(r.confidence, vec![1.0; 4]);
}

#[test]
fn priority_unlisted_strategies_follow_in_input_order_and_unknown_names_warn() {
    let outputs = named(vec![
        ("x", out(&[1.0, 2.0], &[Sell, Sell])),
        ("y", out(&[1.0, 2.0, 3.0], &[Buy, Buy, Buy])),
        ("z", out(&[2.0, 3.0], &[Hold, Hold])),
    ]);
    let r = merge(outputs, &cfg(json!({"method": "priority", "priority": ["z", "ghost"]}))).unwrap();
    // z first, then x, then y (input order).
    let used: Vec<_> = (0..r.len()).map(|i| r.strategy_used_at(i).unwrap()).collect();
    assert_eq!(used, vec!["x", "z", "z"]);
    assert_eq!(signals(&r), vec![Sell, Hold, Hold]);
    assert!(r.warnings.iter().any(|w| w.contains("ghost")));
}

#[test]
fn priority_confidence_is_the_winning_rows_confidence() {
    let a = StrategyOutput::new(vec![1.0, 2.0], vec![Buy, Sell]).with_confidence(vec![0.3, 0.8]);
    let r = merge(
        named(vec![("a", Some(a)), ("b", out(&[1.0], &[Hold]))]),
        &cfg(json!({"method": "priority", "priority": ["a", "b"]})),
    )
    .unwrap();
    assert_eq!(r.confidence, vec![0.3, 0.8]);
}

// ---- config errors ----------------------------------------------------------------------

#[test]
fn unknown_method_is_invalid_parameter() {
    for m in ["average", "", "vote"] {
        let e = MergeConfig::from_value(&json!({ "method": m })).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER", "{m}");
        assert_eq!(e.detail("parameter").and_then(|v| v.as_str()), Some("method"));
    }
}

#[test]
fn negative_nan_infinite_and_zero_sum_weights_are_rejected() {
    let outputs = || named(vec![("a", out(&[1.0], &[Buy])), ("b", out(&[1.0], &[Sell]))]);
    for w in [-1.0, f64::NAN, f64::INFINITY] {
        let c = MergeConfig::new(MergeMethod::WeightedVote).with_weight("a", w);
        let e = merge(outputs(), &c).unwrap_err();
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER", "{w}");
        assert_eq!(e.detail("strategy").and_then(|v| v.as_str()), Some("a"));
    }
    let zero = MergeConfig::new(MergeMethod::WeightedVote).with_weight("a", 0.0).with_weight("b", 0.0);
    let e = merge(outputs(), &zero).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
    assert_eq!(e.detail("parameter").and_then(|v| v.as_str()), Some("weights"));
    // A negative weight is rejected even when no output is usable (config errors first).
    let e = merge(named(vec![("a", None)]), &MergeConfig::new(MergeMethod::Majority).with_weight("a", -2.0)).unwrap_err();
    assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
}

#[test]
fn weights_for_unknown_strategies_warn() {
    let r = merge(named(vec![("a", out(&[1.0], &[Buy]))]), &cfg(json!({"weights": {"nope": 2.0}}))).unwrap();
    assert!(r.warnings.iter().any(|w| w.contains("nope")));
}

// ---- union, missing strategies, duplicates, ordering -----------------------------------

#[test]
fn output_is_sorted_union_and_missing_strategies_do_not_vote() {
    let outputs = named(vec![
        ("a", out(&[5.0, 1.0, 3.0], &[Buy, Buy, Sell])),
        ("b", out(&[2.0, 3.0, 6.0], &[Sell, Sell, Hold])),
    ]);
    let r = merge(outputs, &MergeConfig::new(MergeMethod::Majority)).unwrap();
    assert_eq!(r.timestamp, vec![1.0, 2.0, 3.0, 5.0, 6.0]);
    assert_eq!(signals(&r), vec![Buy, Sell, Sell, Buy, Hold]);
    assert_eq!(r.strategy_count, vec![1, 1, 2, 1, 1]);
    assert_eq!(r.confidence, vec![1.0; 5]);
}

#[test]
fn duplicate_timestamps_last_row_wins_sorted_or_not() {
    // Sorted with a duplicate, and unsorted with the duplicate far apart.
    for (ts, sig) in [
        (vec![1.0, 2.0, 2.0, 3.0], vec![Hold, Buy, Sell, Hold]),
        (vec![2.0, 3.0, 1.0, 2.0], vec![Buy, Hold, Hold, Sell]),
    ] {
        let a = StrategyOutput::new(ts, sig).with_confidence(vec![0.1, 0.2, 0.3, 0.4]);
        let r = merge(named(vec![("a", Some(a))]), &cfg(json!({"method": "priority"}))).unwrap();
        assert_eq!(r.timestamp, vec![1.0, 2.0, 3.0]);
        assert_eq!(signals(&r)[1], Sell, "the later row at t=2 wins");
        assert_eq!(r.strategy_count, vec![1, 1, 1]);
        assert!(r.warnings.iter().any(|w| w.contains("1 duplicate")));
    }
}

#[test]
fn duplicate_rows_carry_their_own_confidence() {
    let a = StrategyOutput::new(vec![7.0, 7.0, 7.0], vec![Buy, Buy, Sell]).with_confidence(vec![0.9, 0.8, 0.25]);
    let r = merge(named(vec![("a", Some(a))]), &cfg(json!({"method": "priority"}))).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(signals(&r), vec![Sell]);
    assert_eq!(r.confidence, vec![0.25]);
}

#[test]
fn negative_zero_and_zero_are_one_timestamp() {
    let r = merge(
        named(vec![("a", out(&[-0.0], &[Buy])), ("b", out(&[0.0], &[Buy]))]),
        &MergeConfig::new(MergeMethod::Majority),
    )
    .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r.strategy_count, vec![2]);
}

// ---- ties ---------------------------------------------------------------------------------

#[test]
fn ties_resolve_to_hold_with_holds_share_as_confidence() {
    let outputs = || {
        named(vec![
            ("a", out(&[1.0, 2.0], &[Buy, Buy])),
            ("b", out(&[1.0, 2.0], &[Sell, Hold])),
        ])
    };
    for method in ["weighted_vote", "majority"] {
        let r = merge(outputs(), &cfg(json!({ "method": method }))).unwrap();
        // Buy/Sell tie → Hold backed by no vote (0); Buy/Hold tie → Hold with half.
        assert_eq!(signals(&r), vec![Hold, Hold], "{method}");
        assert_eq!(r.confidence, vec![0.0, 0.5], "{method}");
    }
    // Weighted ties are detected despite floating-point rounding (0.1 + 0.2 vs 0.3).
    let r = merge(
        named(vec![("a", out(&[1.0], &[Buy])), ("b", out(&[1.0], &[Buy])), ("c", out(&[1.0], &[Sell]))]),
        &cfg(json!({"weights": {"a": 0.1, "b": 0.2, "c": 0.3}})),
    )
    .unwrap();
    assert_eq!(signals(&r), vec![Hold]);
}

#[test]
fn a_three_way_split_is_a_tie_too() {
    let r = merge(
        named(vec![("a", out(&[1.0], &[Buy])), ("b", out(&[1.0], &[Sell])), ("c", out(&[1.0], &[Hold]))]),
        &MergeConfig::new(MergeMethod::Majority),
    )
    .unwrap();
    assert_eq!(signals(&r), vec![Hold]);
    assert!(close(r.confidence[0], 1.0 / 3.0));
}

// ---- fallbacks ----------------------------------------------------------------------------

#[test]
fn null_empty_and_timestampless_outputs_are_skipped_with_warnings() {
    let outputs = named(vec![
        ("nul", None),
        ("empty", Some(StrategyOutput::new(vec![], vec![]))),
        ("nots", Some(StrategyOutput { timestamp: None, signal: Some(vec![1]), confidence: None })),
        ("ok", out(&[1.0], &[Sell])),
    ]);
    let r = merge(outputs, &MergeConfig::default()).unwrap();
    assert_eq!(signals(&r), vec![Sell]);
    assert_eq!(r.strategies, vec!["ok"]);
    assert_eq!(r.warnings.len(), 3);
    for name in ["nul", "empty", "nots"] {
        assert!(r.warnings.iter().any(|w| w.contains(&format!("'{name}'")) && w.contains("skipped")), "{name}");
    }
    assert!(r.error.is_none());
}

#[test]
fn no_valid_output_gives_the_single_hold_row() {
    for (outputs, warns) in [
        (named(vec![]), 0),
        (named(vec![("a", None), ("b", Some(StrategyOutput::default()))]), 2),
    ] {
        for method in [MergeMethod::WeightedVote, MergeMethod::Majority, MergeMethod::Priority] {
            let r = merge(outputs.clone(), &MergeConfig::new(method)).unwrap();
            assert_eq!(r.len(), 1);
            assert_eq!(signals(&r), vec![Hold]);
            assert_eq!(r.confidence, vec![0.0]);
            assert_eq!(r.strategy_count, vec![0]);
            assert_eq!(r.error.as_deref(), Some(NO_VALID_OUTPUTS));
            assert_eq!(r.error.as_deref(), Some("No valid strategy outputs"));
            assert!(r.timestamp[0].is_nan());
            assert_eq!(r.warnings.len(), warns);
        }
    }
}

// ---- invalid cells ----------------------------------------------------------------------

fn err_of(outputs: NamedOutputs) -> stratlab::Error {
    merge(outputs, &MergeConfig::default()).unwrap_err()
}

#[test]
fn bad_signal_codes_name_strategy_and_row() {
    let e = err_of(named(vec![
        ("good", out(&[1.0], &[Buy])),
        ("bad", Some(StrategyOutput::from_codes(vec![1.0, 2.0, 3.0], vec![1, 0, 2]))),
    ]));
    assert_eq!(e.code.as_str(), "INVALID_INPUT");
    assert_eq!(e.detail("strategy").and_then(|v| v.as_str()), Some("bad"));
    assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(2));
    assert!(e.message.contains("bad") && e.message.contains("row 2"));
}

#[test]
fn bad_timestamps_lengths_and_confidences_are_invalid_input() {
    let nan_ts = Some(StrategyOutput::new(vec![1.0, f64::NAN], vec![Buy, Buy]));
    let e = err_of(named(vec![("s", nan_ts)]));
    assert_eq!((e.code.as_str(), e.detail("row").and_then(|v| v.as_u64())), ("INVALID_INPUT", Some(1)));
    assert_eq!(e.detail("field").and_then(|v| v.as_str()), Some("timestamp"));

    let short = Some(StrategyOutput::from_codes(vec![1.0, 2.0], vec![1]));
    let e = err_of(named(vec![("s", short)]));
    assert_eq!(e.detail("field").and_then(|v| v.as_str()), Some("signal"));
    assert_eq!(e.detail("length").and_then(|v| v.as_u64()), Some(1));

    let no_sig = Some(StrategyOutput { timestamp: Some(vec![1.0]), signal: None, confidence: None });
    assert_eq!(err_of(named(vec![("s", no_sig)])).code.as_str(), "INVALID_INPUT");

    for c in [1.5, -0.1, f64::NAN] {
        let o = StrategyOutput::new(vec![1.0, 2.0], vec![Buy, Buy]).with_confidence(vec![0.5, c]);
        let e = err_of(named(vec![("s", Some(o))]));
        assert_eq!(e.detail("field").and_then(|v| v.as_str()), Some("confidence"), "{c}");
        assert_eq!(e.detail("row").and_then(|v| v.as_u64()), Some(1));
    }
    let o = StrategyOutput::new(vec![1.0], vec![Buy]).with_confidence(vec![]);
    assert_eq!(err_of(named(vec![("s", Some(o))])).detail("field").and_then(|v| v.as_str()), Some("confidence"));
}

#[test]
fn duplicate_strategy_names_are_rejected() {
    let e = err_of(named(vec![("a", out(&[1.0], &[Buy])), ("a", out(&[1.0], &[Buy]))]));
    assert_eq!(e.code.as_str(), "INVALID_INPUT");
}

// ---- property: the k-way merge equals a naive map-per-timestamp merge --------------------

/// (timestamp, signal, confidence, strategy_count, strategy used)
type Row = (f64, i8, f64, u32, usize);

/// Straightforward reference of the documented rules, one BTreeMap entry per timestamp.
fn reference(outputs: &[(String, Vec<(f64, i8, f64)>)], weights: &[f64], method: MergeMethod, use_conf: bool) -> Vec<Row> {
    let mut by_ts: BTreeMap<i64, BTreeMap<usize, (i8, f64)>> = BTreeMap::new();
    for (s, (_, rows)) in outputs.iter().enumerate() {
        for &(t, sig, conf) in rows {
            by_ts.entry(t as i64).or_default().insert(s, (sig, conf)); // later rows overwrite
        }
    }
    by_ts
        .into_iter()
        .map(|(t, votes)| {
            let count = votes.len() as u32;
            match method {
                MergeMethod::Priority => {
                    let (&s, &(sig, conf)) = votes.iter().next().expect("non-empty");
                    (t as f64, sig, conf, count, s)
                }
                _ => {
                    let mut score = [0.0; 3];
                    for (&s, &(sig, conf)) in &votes {
                        score[(sig + 1) as usize] += match method {
                            MergeMethod::Majority => 1.0,
                            _ if use_conf => weights[s] * conf,
                            _ => weights[s],
                        };
                    }
                    let total: f64 = score.iter().sum();
                    let top = score.iter().cloned().fold(f64::MIN, f64::max);
                    let n_top = score.iter().filter(|&&x| top - x <= 1e-9 * total).count();
                    let w = if n_top > 1 { 1 } else { score.iter().position(|&x| x == top).expect("max") };
                    (t as f64, w as i8 - 1, if total > 0.0 { score[w] / total } else { 0.0 }, count, 0)
                }
            }
        })
        .collect()
}

#[test]
fn k_way_merge_matches_naive_reference_on_random_tables() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for case in 0..200 {
        // Up to 8 strategies take the outcome-table path; more take the score columns.
        let k = if case % 5 == 0 { 9 + rnd(3) as usize } else { 1 + rnd(6) as usize };
        let use_conf = case % 3 == 0;
        let with_conf = case % 4 != 1;
        let mut tables = Vec::new();
        // Odd cases: every strategy on the same (unsorted, duplicated) timestamps, which
        // takes the aligned path; even cases: independent timestamps.
        let shared: Vec<f64> = (0..1 + rnd(40)).map(|_| rnd(30) as f64).collect();
        for s in 0..k {
            let ts: Vec<f64> = if case % 2 == 1 { shared.clone() } else { (0..rnd(40)).map(|_| rnd(30) as f64).collect() };
            // Some cases carry no confidence column: rows then count as confidence 1.
            let rows: Vec<(f64, i8, f64)> = ts
                .into_iter()
                .map(|t| (t, rnd(3) as i8 - 1, if with_conf { rnd(11) as f64 / 10.0 } else { 1.0 }))
                .collect();
            tables.push((format!("s{s}"), rows));
        }
        let weights: Vec<f64> = (0..k).map(|_| 1.0 + rnd(4) as f64).collect();
        for method in [MergeMethod::WeightedVote, MergeMethod::Majority, MergeMethod::Priority] {
            let mut config = MergeConfig::new(method);
            config.use_confidence = use_conf;
            for (s, w) in weights.iter().enumerate() {
                config = config.with_weight(&format!("s{s}"), *w);
            }
            let outputs: NamedOutputs = tables
                .iter()
                .map(|(n, rows)| {
                    let mut o = StrategyOutput::from_codes(rows.iter().map(|r| r.0).collect(), rows.iter().map(|r| r.1).collect());
                    if with_conf {
                        o = o.with_confidence(rows.iter().map(|r| r.2).collect());
                    }
                    (n.clone(), Some(o))
                })
                .collect();
            let valid: Vec<usize> = (0..k).filter(|&s| !tables[s].1.is_empty()).collect();
            let r = merge(outputs, &config).unwrap();
            if valid.is_empty() {
                assert_eq!(r.error.as_deref(), Some(NO_VALID_OUTPUTS));
                continue;
            }
            let want = reference(&tables, &weights, method, use_conf);
            assert_eq!(r.len(), want.len(), "case {case} {method:?}");
            for (i, (t, sig, conf, count, used)) in want.into_iter().enumerate() {
                assert_eq!(r.timestamp[i], t, "case {case}");
                assert_eq!(r.signal[i], sig, "case {case} {method:?} row {i}");
                assert!(close(r.confidence[i], conf), "case {case} {method:?} row {i}");
                assert_eq!(r.strategy_count[i], count);
                if method == MergeMethod::Priority {
                    assert_eq!(r.strategy_used_at(i), Some(format!("s{used}").as_str()));
                }
            }
        }
    }
}
