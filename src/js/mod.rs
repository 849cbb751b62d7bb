//! The only module that touches wasm-bindgen: thin wrappers and conversions, no logic.

pub mod errors;
pub mod convert;
pub mod data;
pub mod indicators;
pub mod strategies;
pub mod merge;
pub mod runtime;
pub mod optimize;
pub mod threads;
pub mod rules;
pub mod portfolio;
pub mod forecast;
pub mod analysis;
pub mod state;
