//! JS bindings: analysis.
