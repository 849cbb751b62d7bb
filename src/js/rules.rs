//! JS bindings: rules.
