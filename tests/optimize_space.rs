//! Parameter spaces, constraints and candidate enumeration.

use serde_json::json;
use stratlab::optimize::{Candidates, Constraint, Dim, Method, ParamValue, Space, SpaceSpec};
use stratlab::ErrorCode;

/// Parsed from text: `json!` builds a key-sorted map, and dimension order matters here.
fn spec(v: serde_json::Value) -> SpaceSpec {
    serde_json::from_str(&v.to_string()).expect("space spec")
}

fn ordered(text: &str) -> Space {
    Space::parse(&serde_json::from_str(text).expect("space spec"), "space").expect("valid space")
}

fn space(v: serde_json::Value) -> Space {
    Space::parse(&spec(v), "space").expect("valid space")
}

fn nums(s: &Space, dim: usize) -> Vec<f64> {
    let d = &s.dims[dim];
    (0..d.len().expect("discrete")).map(|i| d.value(i).as_f64().expect("number")).collect()
}

#[test]
fn every_form_parses() {
    let s = ordered(r#"{
        "fixed": 3, "name": "x", "arr": [1, 2, 5], "r": {"start": 5, "stop": 30, "step": 5},
        "c": {"choice": ["a", "b"]}, "u": {"uniform": [0.1, 0.9]}, "q": {"quniform": [0, 1, 0.25]},
        "l": {"loguniform": [0.001, 1]}, "ri": {"randint": [2, 6]}
    }"#);
    assert_eq!(&*s.names, &["fixed", "name", "arr", "r", "c", "u", "q", "l", "ri"]);
    assert_eq!(s.dims[0], Dim::Values(vec![ParamValue::Num(3.0)]));
    assert_eq!(s.dims[1], Dim::Values(vec![ParamValue::Str("x".into())]));
    assert_eq!(nums(&s, 2), vec![1.0, 2.0, 5.0]);
    assert_eq!(nums(&s, 3), vec![5.0, 10.0, 15.0, 20.0, 25.0]);
    assert_eq!(s.dims[4].len(), Some(2));
    assert_eq!(s.dims[5].len(), None);
    assert_eq!(nums(&s, 6), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    assert_eq!(s.dims[7], Dim::LogUniform { lo: 0.001, hi: 1.0 });
    assert_eq!(nums(&s, 8), vec![2.0, 3.0, 4.0, 5.0]);
}

#[test]
fn ranges_are_stop_exclusive_like_python() {
    assert_eq!(nums(&space(json!({"a": {"start": 10, "stop": 70, "step": 5}})), 0).len(), 12);
    assert_eq!(nums(&space(json!({"a": {"start": 0, "stop": 0.3, "step": 0.1}})), 0).len(), 3);
    assert_eq!(nums(&space(json!({"a": {"start": 5, "stop": 0, "step": -2}})), 0), vec![5.0, 3.0, 1.0]);
    assert_eq!(nums(&space(json!({"a": {"stop": 3}})), 0), vec![0.0, 1.0, 2.0]);
}

#[test]
fn bad_forms_are_invalid_parameter_with_path() {
    for bad in [
        json!({"a": {"start": 5, "stop": 5, "step": 1}}),
        json!({"a": {"start": 0, "stop": 5, "step": 0}}),
        json!({"a": {"uniform": [2, 1]}}),
        json!({"a": {"loguniform": [0, 1]}}),
        json!({"a": {"loguniform": [-3, -1]}}),
        json!({"a": {"randint": [3, 3]}}),
        json!({"a": {"randint": [1.5, 3]}}),
        json!({"a": {"quniform": [0, 1, 0]}}),
        json!({"a": {"nope": [1]}}),
        json!({"a": []}),
        json!({"a": null}),
        json!({"a": [1, [2]]}),
        json!({"a": {"start": 1, "stop": 3, "stepp": 1}}),
    ] {
        let e = Space::parse(&spec(bad.clone()), "space").expect_err(&bad.to_string());
        assert_eq!(e.code, ErrorCode::InvalidParameter, "{bad}");
        assert!(e.detail("path").and_then(|p| p.as_str()).unwrap_or("").starts_with("space.a"), "{bad}: {e}");
    }
    assert!(Space::parse(&spec(json!({})), "space").is_err());
}

#[test]
fn grid_is_cartesian_last_dimension_fastest_and_lazy() {
    let s = ordered(r#"{"n1": [5, 10], "x": "k", "n2": {"start": 10, "stop": 25, "step": 5}}"#);
    assert_eq!(s.grid_size("space").expect("size"), 6);
    let combos: Vec<String> = (0..6)
        .map(|i| s.grid_values(i).iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(combos, ["5,k,10", "5,k,15", "5,k,20", "10,k,10", "10,k,15", "10,k,20"]);
    // A huge grid still answers index → params without materializing anything.
    let big = space(json!({"a": {"start": 0, "stop": 100000}, "b": {"start": 0, "stop": 100000}}));
    assert_eq!(big.grid_size("space").expect("size"), 10_000_000_000);
    let v = big.grid_values(123_456_789);
    assert_eq!(v, vec![ParamValue::Num(1234.0), ParamValue::Num(56789.0)]);
}

#[test]
fn grid_rejects_continuous_and_oversized_spaces() {
    let s = space(json!({"a": [1, 2], "u": {"uniform": [0, 1]}}));
    let e = Candidates::build(s, &Method::Grid, None, 1000, "").expect_err("continuous");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(e.detail("path").and_then(|v| v.as_str()), Some("space.u"));
    let s = space(json!({"a": {"start": 0, "stop": 1000}, "b": {"start": 0, "stop": 1000}}));
    let e = Candidates::build(s, &Method::Grid, None, 100_000, "").expect_err("too big");
    assert_eq!(e.code, ErrorCode::ResourceLimit);
    assert_eq!(e.detail("size").and_then(|v| v.as_u64()), Some(1_000_000));
    assert_eq!(e.detail("limit").and_then(|v| v.as_u64()), Some(100_000));
}

#[test]
fn constraint_filters_the_grid() {
    let s = space(json!({"n1": {"start": 5, "stop": 30, "step": 5}, "n2": {"start": 10, "stop": 70, "step": 5}}));
    let c = Constraint::compile("n1 < n2", &s, "constraint").expect("compiles");
    let cands = Candidates::build(s, &Method::Grid, Some(&c), 1_000_000, "").expect("grid");
    // backtesting.py's GOOG grid: 60 combinations, 50 with n1 < n2.
    assert_eq!(cands.considered, 60);
    assert_eq!(cands.len(), 50);
    for i in 0..cands.len() {
        let p = cands.params(i);
        assert!(p.get_f64("n1").expect("n1") < p.get_f64("n2").expect("n2"));
    }
}

#[test]
fn constraint_errors_are_invalid_parameter() {
    let names: Vec<String> = vec!["n1".into(), "n2".into()];
    let s = ordered(r#"{"n1": [1, 2], "n2": [3, 4]}"#);
    let e = Constraint::compile("n1 < n3", &s, "constraint").expect_err("unknown var");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    assert_eq!(e.detail("variable").and_then(|v| v.as_str()), Some("n3"));
    let deep = format!("{}n1{} < n2", "(".repeat(600), ")".repeat(600));
    let e = Constraint::compile(&deep, &s, "constraint").expect_err("too long");
    assert_eq!(e.detail("limit").and_then(|v| v.as_u64()), Some(1000));
    let e = Constraint::compile("n1 < < n2", &s, "constraint").expect_err("syntax");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let e = Constraint::compile("n1 + n2", &s, "constraint").expect_err("not boolean");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    let c = Constraint::compile_names("n1 + n2", &names, "constraint").expect("compiles");
    let e = c.check(&[ParamValue::Num(1.0), ParamValue::Num(2.0)]).expect_err("not boolean");
    assert_eq!(e.code, ErrorCode::InvalidParameter);
    // Integers compare with integer literals; reals work too; strings compare.
    let c = Constraint::compile_names("n1 == 2 && n2 > 0.5", &names, "c").expect("compiles");
    let r = c.check(&[ParamValue::Num(2.0), ParamValue::Num(0.75)]);
    assert_eq!(r, Ok(true));
    assert!(!c.check(&[ParamValue::Num(3.0), ParamValue::Num(0.75)]).expect("ok"));
}

#[test]
fn random_search_is_seeded_deduplicated_and_in_bounds() {
    let text = r#"{"n": {"randint": [2, 50]}, "u": {"uniform": [0.5, 2.0]}, "l": {"loguniform": [0.001, 10]},
                    "q": {"quniform": [0, 10, 2.5]}, "c": ["a", "b"]}"#;
    let m = Method::Random { max_tries: 200.0, seed: 7 };
    let a = Candidates::build(ordered(text), &m, None, 1_000_000, "").expect("random");
    let b = Candidates::build(ordered(text), &m, None, 1_000_000, "").expect("random");
    let c = Candidates::build(ordered(text), &Method::Random { max_tries: 200.0, seed: 8 }, None, 1_000_000, "").expect("random");
    assert_eq!(a.len(), 200);
    let va: Vec<_> = (0..a.len()).map(|i| a.values(i)).collect();
    let vb: Vec<_> = (0..b.len()).map(|i| b.values(i)).collect();
    let vc: Vec<_> = (0..c.len()).map(|i| c.values(i)).collect();
    assert_eq!(va, vb);
    assert_ne!(va, vc);
    let mut logs_below_01 = 0;
    for v in &va {
        let n = v[0].as_f64().expect("n");
        assert!((2.0..50.0).contains(&n) && n.fract() == 0.0);
        let u = v[1].as_f64().expect("u");
        assert!((0.5..2.0).contains(&u));
        let l = v[2].as_f64().expect("l");
        assert!((0.001..=10.0).contains(&l));
        if l < 0.1 {
            logs_below_01 += 1;
        }
        let q = v[3].as_f64().expect("q");
        assert_eq!((q / 2.5).fract(), 0.0);
        assert!(matches!(&v[4], ParamValue::Str(s) if s == "a" || s == "b"));
    }
    // log-uniform on [0.001, 10]: half of the mass lies below 0.1 (a uniform would put 1% there).
    assert!(logs_below_01 > 70 && logs_below_01 < 130, "{logs_below_01}");
}

#[test]
fn random_search_on_a_small_discrete_space_stops_after_all_distinct_values() {
    let m = Method::Random { max_tries: 50.0, seed: 1 };
    let cands = Candidates::build(space(json!({"a": [1, 2, 3], "b": [1, 2]})), &m, None, 1000, "").expect("ok");
    assert_eq!(cands.len(), 6);
    let frac = Method::Random { max_tries: 0.5, seed: 1 };
    let cands = Candidates::build(space(json!({"a": [1, 2, 3, 4], "b": [1, 2]})), &frac, None, 1000, "").expect("ok");
    assert_eq!(cands.len(), 4);
    let bad = Method::Random { max_tries: 2.5, seed: 1 };
    assert!(Candidates::build(space(json!({"a": [1, 2]})), &bad, None, 1000, "").is_err());
}
