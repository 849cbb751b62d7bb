//! JS bindings: forecast.
