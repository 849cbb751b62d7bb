//! JS wrappers (indicators).
