//! Search methods: which combinations get evaluated. The grid keeps only the indices of the
//! combinations that pass the constraint (values are rebuilt from the index on demand); random
//! search draws every sample up front, sequentially, so the set and its order do not depend on
//! the thread count.

use super::constraint::Constraint;
use super::params::{ParamValue, Params};
use super::space::Space;
use crate::{Error, Result};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use std::collections::HashSet;

/// Default grid-size limit (before constraints); configurable per call (`maxCombinations`).
pub const DEFAULT_GRID_LIMIT: u64 = 1_000_000;
/// Random search: at most this many draws per requested sample, so an over-tight constraint or
/// a small discrete space ends the search instead of looping forever.
pub const DRAWS_PER_TRY: u64 = 100;
/// Default number of random samples.
pub const DEFAULT_MAX_TRIES: u64 = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    Grid,
    /// `max_tries`: a count (≥ 1) or, in (0, 1), a fraction of the grid size (discrete spaces).
    Random { max_tries: f64, seed: u64 },
}

/// `prefix.key`, or `key` at the top level.
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The combinations to evaluate, in evaluation order.
#[derive(Debug, Clone)]
pub struct Candidates {
    pub space: Space,
    kind: Kind,
    /// Combinations considered before the constraint (grid size, or random draws).
    pub considered: u64,
}

#[derive(Debug, Clone)]
enum Kind {
    Grid(Vec<u64>),
    Random(Vec<Vec<ParamValue>>),
}

impl Candidates {
    /// Builds the candidate list. Grid larger than `limit` → RESOURCE_LIMIT with the size.
    pub fn build(
        space: Space,
        method: &Method,
        constraint: Option<&Constraint>,
        limit: u64,
        path: &str,
    ) -> Result<Candidates> {
        match method {
            Method::Grid => {
                let size = space.grid_size(&join(path, "space"))?;
                if size > limit {
                    return Err(Error::resource_limit(format!(
                        "{}: the grid has {size} combinations, more than the limit of {limit}; narrow the space, raise maxCombinations, or use method 'random'",
                        join(path, "space")
                    ))
                    .with("path", join(path, "space"))
                    .with("size", size)
                    .with("limit", limit));
                }
                let mut keep = Vec::new();
                for i in 0..size {
                    if let Some(c) = constraint {
                        if !c.check(&space.grid_values(i))? {
                            continue;
                        }
                    }
                    keep.push(i);
                }
                Ok(Candidates { space, kind: Kind::Grid(keep), considered: size })
            }
            Method::Random { max_tries, seed } => {
                let tries = if *max_tries > 0.0 && *max_tries < 1.0 {
                    let size = space.grid_size(&join(path, "space")).map_err(|e| {
                        Error::invalid_parameter(format!(
                            "{}: a fraction ({max_tries}) needs a discrete space: {}",
                            join(path, "maxTries"),
                            e.message
                        ))
                        .with("path", join(path, "maxTries"))
                    })?;
                    ((size as f64) * max_tries).ceil().max(1.0) as u64
                } else if max_tries.is_finite() && *max_tries >= 1.0 && max_tries.fract() == 0.0 {
                    *max_tries as u64
                } else {
                    return Err(Error::invalid_parameter(format!(
                        "{}: must be a whole number ≥ 1 or a fraction in (0, 1), got {max_tries}",
                        join(path, "maxTries")
                    ))
                    .with("path", join(path, "maxTries")));
                };
                if tries > limit {
                    return Err(Error::resource_limit(format!(
                        "{}: {tries} is more than the limit of {limit}",
                        join(path, "maxTries")
                    ))
                    .with("path", join(path, "maxTries"))
                    .with("size", tries)
                    .with("limit", limit));
                }
                let mut rng = ChaCha8Rng::seed_from_u64(*seed);
                let mut seen: HashSet<Vec<(u8, u64, String)>> = HashSet::new();
                let mut out = Vec::new();
                let mut draws = 0u64;
                let budget = tries.saturating_mul(DRAWS_PER_TRY);
                while (out.len() as u64) < tries && draws < budget {
                    draws += 1;
                    let v = space.sample(&mut rng);
                    // Duplicates are dropped: re-running a backtest gives the same numbers.
                    let key: Vec<(u8, u64, String)> =
                        v.iter().map(|p| { let (a, b, c) = p.key(); (a, b, c.to_string()) }).collect();
                    if seen.contains(&key) {
                        continue;
                    }
                    if let Some(c) = constraint {
                        if !c.check(&v)? {
                            seen.insert(key);
                            continue;
                        }
                    }
                    seen.insert(key);
                    out.push(v);
                }
                Ok(Candidates { space, kind: Kind::Random(out), considered: draws })
            }
        }
    }

    pub fn len(&self) -> usize {
        match &self.kind {
            Kind::Grid(v) => v.len(),
            Kind::Random(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_grid(&self) -> bool {
        matches!(self.kind, Kind::Grid(_))
    }

    /// Values of the i-th candidate (i < len).
    pub fn values(&self, i: usize) -> Vec<ParamValue> {
        match &self.kind {
            Kind::Grid(v) => self.space.grid_values(v.get(i).copied().unwrap_or(0)),
            Kind::Random(v) => v.get(i).cloned().unwrap_or_default(),
        }
    }

    pub fn params(&self, i: usize) -> Params {
        self.space.params(self.values(i))
    }

    /// Grid index of the i-th candidate (grid method only).
    pub fn grid_index(&self, i: usize) -> Option<u64> {
        match &self.kind {
            Kind::Grid(v) => v.get(i).copied(),
            Kind::Random(_) => None,
        }
    }

    /// Distinct values each dimension takes among the candidates (for per-dataset caches).
    pub fn distinct_values(&self, dim: usize) -> Vec<ParamValue> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut push = |p: ParamValue| {
            let (a, b, c) = p.key();
            if seen.insert((a, b, c.to_string())) {
                out.push(p);
            }
        };
        match &self.kind {
            Kind::Grid(_) => {
                if let Some(d) = self.space.dims.get(dim) {
                    for j in 0..d.len().unwrap_or(0) {
                        push(d.value(j));
                    }
                }
            }
            Kind::Random(v) => {
                for c in v {
                    if let Some(p) = c.get(dim) {
                        push(p.clone());
                    }
                }
            }
        }
        out
    }
}
