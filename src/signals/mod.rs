//! Signals: the Buy/Sell/Hold type, built-in strategies and their registry, and the
//! per-bar / latest signal rules for one series or a watchlist.

mod signal;
pub mod strategies;
pub mod rules;
pub use signal::Signal;
