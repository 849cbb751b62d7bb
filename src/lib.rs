//! stratlab: the quant engine of in-browser backtesting dashboards.
//!
//! Everything outside `js` is plain Rust and runs natively under `cargo test`;
//! `js` is the only module that touches wasm-bindgen.

pub mod error;
pub mod series;
pub mod indicators;
pub mod signals;
pub mod merge;
pub mod backtest;
pub mod optimize;
pub mod runtime;
pub mod rules;
pub mod analysis;
pub mod forecast;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod js;

pub use error::{Error, ErrorCode, Result};
