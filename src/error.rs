//! One error type for the whole crate. Every variant carries a stable string code that JS
//! sees as `err.code`, a human message saying what was wrong and what to do, and structured
//! `details` (which field, which row, which limit).

use serde_json::{Map, Value};
use std::fmt;

/// Stable error codes. The string form (`as_str`) is part of the public JS API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidInput,
    InvalidParameter,
    InvalidStrategy,
    QueueFull,
    Timeout,
    Cancelled,
    ResourceLimit,
    StateCorrupt,
    VersionUnsupported,
    TaskFailed,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::InvalidParameter => "INVALID_PARAMETER",
            ErrorCode::InvalidStrategy => "INVALID_STRATEGY",
            ErrorCode::QueueFull => "QUEUE_FULL",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Cancelled => "CANCELLED",
            ErrorCode::ResourceLimit => "RESOURCE_LIMIT",
            ErrorCode::StateCorrupt => "STATE_CORRUPT",
            ErrorCode::VersionUnsupported => "VERSION_UNSUPPORTED",
            ErrorCode::TaskFailed => "TASK_FAILED",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The JS `err.name`, e.g. `InvalidInputError`.
    pub fn error_name(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "InvalidInputError",
            ErrorCode::InvalidParameter => "InvalidParameterError",
            ErrorCode::InvalidStrategy => "InvalidStrategyError",
            ErrorCode::QueueFull => "QueueFullError",
            ErrorCode::Timeout => "TimeoutError",
            ErrorCode::Cancelled => "CancelledError",
            ErrorCode::ResourceLimit => "ResourceLimitError",
            ErrorCode::StateCorrupt => "StateCorruptError",
            ErrorCode::VersionUnsupported => "VersionUnsupportedError",
            ErrorCode::TaskFailed => "TaskFailedError",
            ErrorCode::Internal => "InternalError",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub details: Map<String, Value>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), details: Map::new() }
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }
    pub fn invalid_strategy(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidStrategy, message)
    }
    pub fn resource_limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceLimit, message)
    }
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Timeout, message)
    }
    pub fn cancelled(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Cancelled, message)
    }

    /// Parameter outside its valid range; names the parameter and the range.
    pub fn param_range(name: &str, value: f64, min: f64, max: f64) -> Self {
        Self::invalid_parameter(format!(
            "parameter '{name}' = {value} is outside its valid range [{min}, {max}]"
        ))
        .with("parameter", name)
        .with("value", value)
        .with("min", min)
        .with("max", max)
    }

    /// Adds one structured detail (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    pub fn detail(&self, key: &str) -> Option<&Value> {
        self.details.get(key)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_range_names_parameter_and_range() {
        let e = Error::param_range("timeperiod", 1.0, 2.0, 100000.0);
        assert_eq!(e.code.as_str(), "INVALID_PARAMETER");
        assert!(e.message.contains("timeperiod"));
        assert_eq!(e.detail("parameter").and_then(|v| v.as_str()), Some("timeperiod"));
        assert_eq!(e.detail("min").and_then(|v| v.as_f64()), Some(2.0));
    }
}
