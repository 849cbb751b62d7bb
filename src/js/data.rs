//! JS wrappers (data).
