//! merge (being built).
