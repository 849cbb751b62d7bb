//! Errors that point at the rule text: an offset, turned into line and column once the rule
//! it belongs to is known.

use crate::{Error, ErrorCode};

/// A problem at a byte offset of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    pub offset: usize,
    pub message: String,
    /// What would have been valid there.
    pub expected: String,
    /// RESOURCE_LIMIT instead of INVALID_RULE (too long, too deep, too much work).
    pub limit: Option<usize>,
}

impl RuleError {
    pub fn new(offset: usize, message: impl Into<String>, expected: impl Into<String>) -> Self {
        RuleError {
            offset,
            message: message.into(),
            expected: expected.into(),
            limit: None,
        }
    }

    pub fn limit(offset: usize, message: impl Into<String>, limit: usize) -> Self {
        RuleError {
            offset,
            message: message.into(),
            expected: String::new(),
            limit: Some(limit),
        }
    }

    /// The crate error: INVALID_RULE (or RESOURCE_LIMIT) with `rule`, `offset`, `line`,
    /// `column` (both 1-based, column in characters) and `expected`.
    pub fn into_error(self, rule: &str, src: &str) -> Error {
        let offset = self.offset.min(src.len());
        let before = src.get(..offset).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let code = if self.limit.is_some() {
            ErrorCode::ResourceLimit
        } else {
            ErrorCode::InvalidRule
        };
        let mut e = Error::new(
            code,
            format!("{rule} rule, line {line} column {column}: {}", self.message),
        )
        .with("rule", rule)
        .with("offset", offset)
        .with("line", line)
        .with("column", column);
        if !self.expected.is_empty() {
            e = e.with("expected", self.expected);
        }
        if let Some(limit) = self.limit {
            e = e.with("limit", limit);
        }
        e
    }
}

/// Names within a small edit distance of `name` (case-insensitive), closest first: the
/// "did you mean" list of an unknown-function error.
pub fn close_names<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(name.len() / 3) || c.to_ascii_lowercase().starts_with(&wanted))
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_from_offset() {
        let e = RuleError::new(9, "bad", "x").into_error("sell", "a and\n  bé c");
        assert_eq!(e.code.as_str(), "INVALID_RULE");
        assert_eq!(e.detail("line").and_then(|v| v.as_u64()), Some(2));
        assert_eq!(e.detail("column").and_then(|v| v.as_u64()), Some(4));
        assert_eq!(e.detail("rule").and_then(|v| v.as_str()), Some("sell"));
    }

    #[test]
    fn close_names_rank_by_distance() {
        assert_eq!(
            close_names("SMAA", ["SMA", "EMA", "RSI", "MACD"]),
            vec!["SMA", "EMA"]
        );
        assert!(close_names("zzzz", ["SMA"]).is_empty());
    }
}
