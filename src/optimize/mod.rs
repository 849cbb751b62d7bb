//! optimize (being built).
