//! stratlab: the quant engine of in-browser backtesting dashboards.
//!
//! Everything outside `js` is plain Rust and runs natively under `cargo test`;
//! `js` is the only module that touches wasm-bindgen.

pub mod analysis;
pub mod backtest;
pub mod error;
pub mod forecast;
pub mod indicators;
pub mod merge;
pub mod optimize;
pub mod rules;
pub mod runtime;
pub mod series;
pub mod signals;

#[cfg(target_arch = "wasm32")]
pub mod js;

pub use error::{Error, ErrorCode, Result};
