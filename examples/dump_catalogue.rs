//! Prints the declarations `scripts/gen-types.mjs` turns into TypeScript types, as JSON
//! `{catalogue, strategies, statKeys}` (the same values `catalogue()`, `strategies()` and a
//! backtest's `stats` give in JS): `cargo run --example dump_catalogue > declarations.json`,
//! then `node scripts/gen-types.mjs --from declarations.json`.
use stratlab::backtest::Stats;
use stratlab::indicators::catalogue;
use stratlab::signals::strategies::strategies;

fn main() {
    let json = serde_json::json!({
        "catalogue": catalogue(),
        "strategies": strategies(),
        "statKeys": Stats::KEYS,
    });
    println!("{json}");
}
