//! Prints the declarations `scripts/gen-types.mjs` turns into TypeScript types, as JSON
//! `{catalogue, strategies, stats}` (what `catalogue()`, `strategies()` and a backtest's `stats`
//! give in JS; `stats` comes from a three-bar run, for its keys and value kinds):
//! `cargo run --example dump_catalogue > declarations.json`, then
//! `node scripts/gen-types.mjs --from declarations.json`.
use serde::Serialize;
use stratlab::indicators::catalogue;
use stratlab::series::Ohlcv;
use stratlab::signals::strategies::{backtest_request, strategies};

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("declarations are plain data")
}

fn main() -> Result<(), stratlab::Error> {
    let flat = vec![1.0; 3];
    let data = Ohlcv::new(
        vec![0, 86_400_000, 172_800_000],
        flat.clone(),
        flat.clone(),
        flat.clone(),
        flat,
        vec![],
    )?;
    let run = backtest_request(
        &data,
        &serde_json::json!({"signals": ["HOLD", "HOLD", "HOLD"]}),
    )?;
    // Assembled by hand so `stats` keeps backtesting.py's key order (a serde_json map sorts keys).
    println!(
        "{{\"catalogue\":{},\"strategies\":{},\"stats\":{}}}",
        json(&catalogue()),
        json(strategies()),
        json(&run.stats)
    );
    Ok(())
}
