//! signals (being built).
