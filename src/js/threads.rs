//! JS wrappers (threads).
