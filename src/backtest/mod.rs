//! backtest (being built).
