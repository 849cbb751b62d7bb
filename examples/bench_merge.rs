//! Native timing of the merge core: 1,000,000 timestamps × 5 strategies, each method.
//! `cargo run --release --example bench_merge`
use stratlab::merge::{merge, MergeConfig, MergeMethod, StrategyOutput};
use std::time::Instant;

/// On-CPU nanoseconds of this thread (wall time is meaningless on a shared, loaded machine).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let mut seed = 0x9e37_79b9u32;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as f64 / 4294967296.0
    };
    let data: Vec<(Vec<f64>, Vec<i8>)> = (0..5)
        .map(|_| {
            let (mut t, mut s) = (Vec::new(), Vec::new());
            for i in 0..1_000_000 {
                if rnd() < 0.9 {
                    t.push(i as f64 * 3.6e6);
                    s.push((rnd() * 3.0) as i8 - 1);
                }
            }
            (t, s)
        })
        .collect();
    let aligned: Vec<(Vec<f64>, Vec<i8>)> =
        data.iter().map(|(_, s)| ((0..s.len()).map(|i| i as f64).collect(), s.clone())).collect();
    for (label, data) in [("gaps", &data), ("aligned", &aligned)] {
        for method in [MergeMethod::WeightedVote, MergeMethod::Majority, MergeMethod::Priority] {
            let (mut wall, mut cpu, mut rows) = (f64::MAX, f64::MAX, 0);
            for _ in 0..5 {
                let outputs: Vec<_> = data.iter().enumerate().map(|(i, (t, s))| (format!("s{i}"), Some(StrategyOutput::from_codes(t.clone(), s.clone())))).collect();
                let (t0, c0) = (Instant::now(), cpu_ns());
                let Ok(r) = merge(outputs, &MergeConfig::new(method)) else { panic!("merge failed") };
                wall = wall.min(t0.elapsed().as_secs_f64() * 1e3);
                cpu = cpu.min((cpu_ns() - c0) as f64 / 1e6);
                rows = r.len();
            }
            println!("{label} {method:?}: {rows} rows, best of 5: {wall:.1} ms wall, {cpu:.1} ms on CPU");
        }
    }
}
