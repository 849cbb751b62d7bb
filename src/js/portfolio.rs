//! JS bindings: portfolio.
