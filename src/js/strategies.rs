//! JS wrappers (strategies).
