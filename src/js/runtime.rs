//! JS wrappers (runtime).
