//! JS wrappers (merge).
