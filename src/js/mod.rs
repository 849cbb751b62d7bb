//! The only module that touches wasm-bindgen: thin wrappers and conversions, no logic.

pub mod analysis;
pub mod convert;
pub mod data;
pub mod errors;
pub mod forecast;
pub mod indicators;
pub mod merge;
pub mod optimize;
pub mod portfolio;
pub mod rules;
pub mod runtime;
pub mod strategies;
pub mod threads;
