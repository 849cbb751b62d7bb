//! Market regime and multi-timeframe analysis.
