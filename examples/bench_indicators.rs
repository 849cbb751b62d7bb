//! Native timing of the benchmark indicators on 1,000,000 synthetic bars.
//! `cargo run --release --example bench_indicators` prints one JSON object:
//! `{"bars": 1000000, "ms": {"SMA": 1.9, ...}}` (median of several runs, compute only:
//! inputs and output buffers are allocated once, as the core API allows).
//! bench/indicators.mjs generates the same series for the wasm and JS-library runs.

use std::time::Instant;
use stratlab::indicators::{compute_into, output_names, Inputs, Params};

/// The benchmark series: a deterministic, wavy random-looking walk (same formulas as
/// bench/indicators.mjs).
fn synth(n: usize) -> [Vec<f64>; 5] {
    let (mut open, mut high, mut low, mut close, mut volume) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let mut prev = 100.0;
    for i in 0..n {
        let f = i as f64;
        let noise = ((i * 7919) % 1000) as f64 / 1000.0;
        let c = 100.0 + 10.0 * (f * 0.001).sin() + 5.0 * (f * 0.0137).sin() + noise;
        open.push(prev);
        high.push(c.max(prev) + 0.25 + noise * 0.5);
        low.push(c.min(prev) - 0.25 - noise * 0.5);
        close.push(c);
        volume.push(1000.0 + ((i * 31) % 500) as f64);
        prev = c;
    }
    [open, high, low, close, volume]
}

/// The indicators every bench row compares, with the parameters used everywhere.
pub const CASES: [(&str, &[(&str, f64)]); 8] = [
    ("SMA", &[("timeperiod", 20.0)]),
    ("EMA", &[("timeperiod", 20.0)]),
    ("RSI", &[("timeperiod", 14.0)]),
    ("MACD", &[("fastperiod", 12.0), ("slowperiod", 26.0), ("signalperiod", 9.0)]),
    ("BBANDS", &[("timeperiod", 20.0), ("nbdevup", 2.0), ("nbdevdn", 2.0)]),
    ("ATR", &[("timeperiod", 14.0)]),
    ("ADX", &[("timeperiod", 14.0)]),
    ("STOCH", &[("fastk_period", 14.0), ("slowk_period", 3.0), ("slowd_period", 3.0)]),
];

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    // Optional second argument: run only this indicator (for profiling).
    let only = std::env::args().nth(2);
    let [open, high, low, close, volume] = synth(n);
    let inputs = Inputs { open: Some(&open), high: Some(&high), low: Some(&low), close: Some(&close), volume: Some(&volume) };
    let mut parts = Vec::new();
    for (name, params) in CASES {
        if only.as_deref().is_some_and(|o| !o.eq_ignore_ascii_case(name)) {
            continue;
        }
        let params: Params = params.iter().map(|(k, v)| (*k, *v)).collect();
        let outs = output_names(name).expect("known indicator").len();
        let mut bufs = vec![vec![0.0; n]; outs];
        let mut times = Vec::new();
        for _ in 0..7 {
            let mut views: Vec<&mut [f64]> = bufs.iter_mut().map(|b| b.as_mut_slice()).collect();
            let t = Instant::now();
            compute_into(name, &inputs, &params, &mut views).expect("compute");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        // Keep the result observable so the work cannot be optimised away.
        std::hint::black_box(&bufs);
        times.sort_by(|a, b| a.total_cmp(b));
        parts.push(format!("\"{name}\": {:.3}", times[times.len() / 2]));
    }
    println!("{{\"bars\": {n}, \"ms\": {{{}}}}}", parts.join(", "));
}
