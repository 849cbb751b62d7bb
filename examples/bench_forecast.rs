//! Forecast speed, native and single-threaded: each model's fit + 10-step forecast on the
//! log closes of the first 10,000 bars of SYNTH_100K_1H (the same series bench/forecast_peer.py
//! gives statsmodels). With `--peer`, runs the peer script too and prints the ratios.
//!
//! `cargo run --release --example bench_forecast [fixtures dir] [--peer]` prints one JSON
//! object per model: `{"model", "config", "ms", "sse"}` (and `"statsmodels_ms"`, `"ratio"`).

use flate2::read::GzDecoder;
use serde_json::{json, Value};
use std::io::Read;
use std::time::Instant;
use stratlab::forecast::forecast_json;
use stratlab::series::parse_csv;

pub const POINTS: usize = 10_000;

/// The benchmark cases: a stratlab config and the statsmodels call the peer times for it.
fn cases() -> Vec<(&'static str, Value)> {
    vec![
        ("naive", json!({"model": "naive"})),
        ("mean", json!({"model": "mean"})),
        ("drift", json!({"model": "drift"})),
        (
            "seasonal_naive",
            json!({"model": "seasonal_naive", "m": 24}),
        ),
        ("linear_trend", json!({"model": "linear_trend"})),
        ("ses_fixed", json!({"model": "ses", "alpha": 0.3})),
        ("ses_fit", json!({"model": "ses"})),
        (
            "holt_fixed",
            json!({"model": "holt", "alpha": 0.4, "beta": 0.1}),
        ),
        ("holt_fit", json!({"model": "holt"})),
        (
            "holt_winters_fixed",
            json!({"model": "holt_winters", "m": 24, "alpha": 0.3, "beta": 0.05, "gamma": 0.2}),
        ),
        (
            "holt_winters_fit",
            json!({"model": "holt_winters", "m": 24}),
        ),
        ("theta", json!({"model": "theta"})),
        ("ar5", json!({"model": "ar", "p": 5})),
    ]
}

fn load(dir: &str) -> Result<Vec<f64>, String> {
    let path = format!("{dir}/data/SYNTH_100K_1H.csv.gz");
    let mut text = String::new();
    let file = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
    GzDecoder::new(file)
        .read_to_string(&mut text)
        .map_err(|e| format!("{path}: {e}"))?;
    let data = parse_csv(&text).map_err(|e| e.to_string())?;
    Ok(data.close[..POINTS].iter().map(|c| c.ln()).collect())
}

/// Median of `reps` timings, in milliseconds.
fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn peer(dir: &str) -> Option<Value> {
    let python = std::env::var("STATSMODELS_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(python)
        .args(["bench/forecast_peer.py", dir])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "statsmodels peer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "tests/fixtures/shared".into());
    let y = load(&dir)?;
    let peer = if args.iter().any(|a| a == "--peer") {
        peer(&dir)
    } else {
        None
    };
    for (name, mut config) in cases() {
        config["horizon"] = json!(10);
        let first = Instant::now();
        let out = forecast_json(&y, &config).map_err(|e| format!("{name}: {e}"))?;
        let once = first.elapsed().as_secs_f64();
        let reps = if once > 0.2 {
            3
        } else if once > 0.01 {
            11
        } else {
            51
        };
        let ms = median_ms(reps, || {
            let _ = std::hint::black_box(forecast_json(&y, &config));
        });
        let mut row = json!({"model": name, "config": config, "ms": ms, "sse": out.sse});
        if let Some(theirs) = peer.as_ref().and_then(|p| p.get(name)) {
            row["statsmodels_ms"] = theirs["ms"].clone();
            row["statsmodels_sse"] = theirs["sse"].clone();
            if let Some(t) = theirs["ms"].as_f64() {
                row["ratio"] = json!(t / ms);
            }
        }
        println!("{row}");
    }
    Ok(())
}
