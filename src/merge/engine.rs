//! Validation, per-strategy normalisation (sort + last-wins de-duplication) and the k-way
//! merge that produces the merged table.

use super::{MergeConfig, MergeMethod, MergeResult, NamedOutputs, StrategyOutput};
use crate::{Error, Result};

/// Scores of two signals closer than this fraction of the total count as a tie, so that
/// weights like 0.1 + 0.2 vs 0.3 tie as a person would expect despite rounding.
const TIE_TOLERANCE: f64 = 1e-9;

/// One valid strategy, ready for the merge: timestamps strictly increasing and terminated by
/// a `+∞` sentinel (so the merge loop needs no end-of-column checks).
struct Prepared {
    ts: Vec<f64>,
    sig: Vec<i8>,
    conf: Option<Vec<f64>>,
    weight: f64,
    rank: u32,
}

/// Merges the strategies' signal tables according to `config`. Outputs are consumed so they
/// can be sorted in place. Errors: INVALID_INPUT (bad cell, with `strategy` and `row`),
/// INVALID_PARAMETER (bad weights). No usable output → the documented fallback row.
pub fn merge(outputs: NamedOutputs, config: &MergeConfig) -> Result<MergeResult> {
    let mut warnings = Vec::new();
    validate_weights(config)?;

    let mut names: Vec<String> = Vec::new();
    let mut prepared: Vec<Prepared> = Vec::new();
    for (name, output) in outputs {
        if names.contains(&name) {
            return Err(Error::invalid_input(format!("strategy '{name}' appears twice; names must be unique"))
                .with("strategy", name.as_str()));
        }
        let Some(out) = output else {
            warnings.push(format!("strategy '{name}': output is null; skipped"));
            continue;
        };
        if out.timestamp.is_none() {
            warnings.push(format!("strategy '{name}': output has no timestamp column; skipped"));
            continue;
        }
        if out.timestamp.as_ref().is_some_and(Vec::is_empty) {
            warnings.push(format!("strategy '{name}': output is empty; skipped"));
            continue;
        }
        let (ts, sig, conf, dups) = normalise(&name, out)?;
        if dups > 0 {
            warnings.push(format!(
                "strategy '{name}': {dups} duplicate timestamp(s); the last row of each was used"
            ));
        }
        let weight = config.weights.iter().find(|(n, _)| *n == name).map_or(1.0, |(_, w)| *w);
        prepared.push(Prepared { ts, sig, conf, weight, rank: 0 });
        names.push(name);
    }

    for (n, _) in &config.weights {
        if !names.contains(n) {
            warnings.push(format!("weights: '{n}' is not among the valid strategy outputs; ignored"));
        }
    }
    if prepared.is_empty() {
        return Ok(MergeResult::fallback(config.method, warnings));
    }
    if config.method == MergeMethod::WeightedVote {
        let total: f64 = prepared.iter().map(|p| p.weight).sum();
        if total <= 0.0 {
            return Err(Error::invalid_parameter(
                "the weights of the valid strategies sum to zero; give at least one a positive weight",
            )
            .with("parameter", "weights"));
        }
    }
    if config.method == MergeMethod::Priority {
        assign_ranks(&mut prepared, &names, &config.priority, &mut warnings);
    }

    let mut result = match config.method {
        MergeMethod::WeightedVote => {
            run(&prepared, Weighted { scores: [0.0; 3], use_conf: config.use_confidence })
        }
        MergeMethod::Majority => run(&prepared, Majority { votes: [0; 3] }),
        MergeMethod::Priority => run(&prepared, Priority { best: None }),
    };
    result.method = config.method;
    result.strategies = names;
    result.warnings = warnings;
    Ok(result)
}

fn validate_weights(config: &MergeConfig) -> Result<()> {
    for (name, w) in &config.weights {
        if !w.is_finite() || *w < 0.0 {
            return Err(Error::invalid_parameter(format!(
                "weight of strategy '{name}' is {w}; weights must be finite numbers ≥ 0"
            ))
            .with("parameter", "weights")
            .with("strategy", name.as_str())
            .with("value", if w.is_finite() { serde_json::json!(w) } else { serde_json::json!(w.to_string()) }));
        }
    }
    Ok(())
}

/// Priority ranks: strategies named in `priority` first (first mention counts), then the
/// rest in input order.
fn assign_ranks(prepared: &mut [Prepared], names: &[String], priority: &[String], warnings: &mut Vec<String>) {
    let mut next = 0u32;
    let mut ranked = vec![false; names.len()];
    for p in priority {
        match names.iter().position(|n| n == p) {
            Some(i) if !ranked[i] => {
                prepared[i].rank = next;
                ranked[i] = true;
                next += 1;
            }
            Some(_) => {}
            None => warnings.push(format!("priority: '{p}' is not among the valid strategy outputs; ignored")),
        }
    }
    for (i, done) in ranked.iter().enumerate() {
        if !done {
            prepared[i].rank = next;
            next += 1;
        }
    }
}

type Columns = (Vec<f64>, Vec<i8>, Option<Vec<f64>>, usize);

/// Validates one output's cells, then sorts by timestamp and drops duplicates keeping the
/// last row of each (input order decides "last", so a stable sort is used). Returns the
/// columns with the `+∞` sentinel appended and the number of rows dropped.
fn normalise(name: &str, out: StrategyOutput) -> Result<Columns> {
    let mut ts = out.timestamp.unwrap_or_default();
    let n = ts.len();
    let Some(mut sig) = out.signal else {
        return Err(Error::invalid_input(format!(
            "strategy '{name}' has {n} timestamps but no signal column"
        ))
        .with("strategy", name)
        .with("field", "signal"));
    };
    check_len(name, "signal", sig.len(), n)?;
    if let Some(row) = sig.iter().position(|s| !(-1..=1).contains(s)) {
        return Err(super::bad_signal(name, row, &sig[row].to_string()));
    }
    for (row, t) in ts.iter_mut().enumerate() {
        if !t.is_finite() {
            return Err(super::bad_timestamp(name, row, &t.to_string()));
        }
        *t += 0.0; // -0 → +0, so the two zeros are one timestamp for sorting too
    }
    let mut conf = out.confidence;
    if let Some(c) = &conf {
        check_len(name, "confidence", c.len(), n)?;
        if let Some(row) = c.iter().position(|v| !(0.0..=1.0).contains(v)) {
            return Err(Error::invalid_input(format!(
                "strategy '{name}', row {row}: confidence {} must be a number in [0, 1]",
                c[row]
            ))
            .with("strategy", name)
            .with("row", row)
            .with("field", "confidence"));
        }
    }

    if !ts.windows(2).all(|w| w[0] <= w[1]) {
        // Stable sort of row indices: equal timestamps keep their input order.
        let mut idx: Vec<u32> = (0..n as u32).collect();
        idx.sort_by(|&a, &b| ts[a as usize].total_cmp(&ts[b as usize]));
        ts = idx.iter().map(|&i| ts[i as usize]).collect();
        sig = idx.iter().map(|&i| sig[i as usize]).collect();
        conf = conf.map(|c| idx.iter().map(|&i| c[i as usize]).collect());
    }
    let mut dups = 0;
    if !ts.windows(2).all(|w| w[0] < w[1]) {
        let mut w = 0usize;
        for r in 0..n {
            if w > 0 && ts[w - 1] == ts[r] {
                w -= 1; // overwrite the earlier row: last one wins
                dups += 1;
            }
            ts[w] = ts[r];
            sig[w] = sig[r];
            if let Some(c) = conf.as_mut() {
                c[w] = c[r];
            }
            w += 1;
        }
        ts.truncate(w);
        sig.truncate(w);
        if let Some(c) = conf.as_mut() {
            c.truncate(w);
        }
    }
    ts.push(f64::INFINITY);
    Ok((ts, sig, conf, dups))
}

fn check_len(name: &str, field: &str, len: usize, expected: usize) -> Result<()> {
    if len == expected {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "strategy '{name}': '{field}' has {len} values but 'timestamp' has {expected}"
    ))
    .with("strategy", name)
    .with("field", field)
    .with("length", len)
    .with("expected", expected))
}

/// One merge method: collects the signals present at a timestamp, then decides.
trait Vote {
    fn add(&mut self, strategy: usize, p: &Prepared, row: usize);
    /// (signal code, confidence, strategy used); resets for the next timestamp.
    fn decide(&mut self) -> (i8, f64, u32);
    const USES_STRATEGY: bool = false;
}

/// Winner of three scores (Sell, Hold, Buy). A tie for the top score → Hold: with no
/// consensus the merger does not act. Confidence = winner's score / total (0 if total 0).
fn pick(scores: [f64; 3]) -> (i8, f64) {
    let total = scores[0] + scores[1] + scores[2];
    let top = scores[0].max(scores[1]).max(scores[2]);
    let tol = TIE_TOLERANCE * total;
    let at_top = scores.iter().filter(|&&s| top - s <= tol).count();
    let winner = if at_top > 1 {
        1
    } else if top == scores[2] {
        2
    } else if top == scores[0] {
        0
    } else {
        1
    };
    let conf = if total > 0.0 { scores[winner] / total } else { 0.0 };
    (winner as i8 - 1, conf)
}

struct Weighted {
    scores: [f64; 3],
    use_conf: bool,
}

impl Vote for Weighted {
    #[inline]
    fn add(&mut self, _: usize, p: &Prepared, row: usize) {
        let mut v = p.weight;
        if self.use_conf {
            if let Some(c) = &p.conf {
                v *= c[row];
            }
        }
        self.scores[(p.sig[row] + 1) as usize] += v;
    }
    #[inline]
    fn decide(&mut self) -> (i8, f64, u32) {
        let (s, c) = pick(self.scores);
        self.scores = [0.0; 3];
        (s, c, 0)
    }
}

struct Majority {
    votes: [u32; 3],
}

impl Vote for Majority {
    #[inline]
    fn add(&mut self, _: usize, p: &Prepared, row: usize) {
        self.votes[(p.sig[row] + 1) as usize] += 1;
    }
    #[inline]
    fn decide(&mut self) -> (i8, f64, u32) {
        let v = self.votes;
        self.votes = [0; 3];
        let (s, c) = pick([v[0] as f64, v[1] as f64, v[2] as f64]);
        (s, c, 0)
    }
}

/// Keeps the present strategy with the lowest rank; confidence is that row's own
/// confidence when the strategy gave one, else 1.
struct Priority {
    best: Option<(u32, i8, f64, u32)>,
}

impl Vote for Priority {
    const USES_STRATEGY: bool = true;
    #[inline]
    fn add(&mut self, strategy: usize, p: &Prepared, row: usize) {
        if self.best.is_none_or(|(rank, ..)| p.rank < rank) {
            let conf = p.conf.as_ref().map_or(1.0, |c| c[row]);
            self.best = Some((p.rank, p.sig[row], conf, strategy as u32));
        }
    }
    #[inline]
    fn decide(&mut self) -> (i8, f64, u32) {
        let (_, s, c, used) = self.best.take().unwrap_or((0, 0, 0.0, 0));
        (s, c, used)
    }
}

/// The k-way merge: each step takes the smallest head timestamp among the strategies, lets
/// every strategy whose head equals it vote, and advances those heads.
fn run<V: Vote>(prepared: &[Prepared], mut vote: V) -> MergeResult {
    let cap = prepared.iter().map(|p| p.ts.len() - 1).max().unwrap_or(0);
    let mut timestamp = Vec::with_capacity(cap);
    let mut signal = Vec::with_capacity(cap);
    let mut confidence = Vec::with_capacity(cap);
    let mut strategy_count = Vec::with_capacity(cap);
    let mut used = Vec::with_capacity(if V::USES_STRATEGY { cap } else { 0 });
    let mut cursor = vec![0usize; prepared.len()];
    loop {
        let mut t = f64::INFINITY;
        for (p, &c) in prepared.iter().zip(&cursor) {
            let head = p.ts[c];
            if head < t {
                t = head;
            }
        }
        if t == f64::INFINITY {
            break;
        }
        let mut count = 0u32;
        for (s, (p, c)) in prepared.iter().zip(cursor.iter_mut()).enumerate() {
            if p.ts[*c] == t {
                vote.add(s, p, *c);
                *c += 1;
                count += 1;
            }
        }
        let (sig, conf, by) = vote.decide();
        timestamp.push(t);
        signal.push(sig);
        confidence.push(conf);
        strategy_count.push(count);
        if V::USES_STRATEGY {
            used.push(by);
        }
    }
    MergeResult {
        method: MergeMethod::WeightedVote,
        timestamp,
        signal,
        confidence,
        strategy_count,
        strategy_used: V::USES_STRATEGY.then_some(used),
        strategies: Vec::new(),
        warnings: Vec::new(),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_ties_go_to_hold() {
        assert_eq!(pick([1.0, 0.0, 1.0]), (0, 0.0));
        assert_eq!(pick([0.0, 1.0, 1.0]), (0, 0.5));
        assert_eq!(pick([0.0, 0.0, 0.0]), (0, 0.0));
        assert_eq!(pick([0.1 + 0.2, 0.0, 0.3]).0, 0);
        assert_eq!(pick([2.0, 1.0, 1.0]), (-1, 0.5));
    }
}
