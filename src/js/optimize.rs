//! JS wrappers (optimize).
