//! The strategy rule language: parser, type checks, compiled column plans, tf().
