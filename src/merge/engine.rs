//! Validation, per-strategy normalisation (sort + last-wins de-duplication) and the
//! columnar merge that produces the merged table.

use super::{MergeConfig, MergeMethod, MergeResult, NamedOutputs, StrategyOutput};
use crate::{Error, Result};

/// Scores of two signals closer than this fraction of the total count as a tie, so that
/// weights like 0.1 + 0.2 vs 0.3 tie as a person would expect despite rounding.
const TIE_TOLERANCE: f64 = 1e-9;

/// One valid strategy, ready for the merge: timestamps strictly increasing.
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

    let mut result = run(&prepared, config.method, config.use_confidence);
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
/// columns and the number of rows dropped.
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
    // One pass: -0 → +0 (so the two zeros are one timestamp for sorting too), finiteness,
    // and whether the column is already sorted / strictly increasing.
    let (mut finite, mut sorted, mut strict) = (true, true, true);
    let mut prev = f64::NEG_INFINITY;
    for t in ts.iter_mut() {
        *t += 0.0;
        finite &= t.is_finite();
        sorted &= prev <= *t;
        strict &= prev < *t;
        prev = *t;
    }
    if !finite {
        let row = ts.iter().position(|t| !t.is_finite()).unwrap_or(0);
        return Err(super::bad_timestamp(name, row, &ts[row].to_string()));
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

    if !sorted {
        // Stable sort of row indices: equal timestamps keep their input order.
        let mut idx: Vec<u32> = (0..n as u32).collect();
        idx.sort_by(|&a, &b| ts[a as usize].total_cmp(&ts[b as usize]));
        ts = idx.iter().map(|&i| ts[i as usize]).collect();
        sig = idx.iter().map(|&i| sig[i as usize]).collect();
        conf = conf.map(|c| idx.iter().map(|&i| c[i as usize]).collect());
    }
    let mut dups = 0;
    if !strict {
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

/// Winner of three scores (Sell, Hold, Buy). A tie for the top score → Hold: with no
/// consensus the merger does not act. Confidence = winner's score / total (0 if total 0).
#[inline]
fn pick(sell: f64, hold: f64, buy: f64) -> (i8, f64) {
    let total = sell + hold + buy;
    let top = sell.max(hold).max(buy);
    let tol = TIE_TOLERANCE * total;
    let at_top = (top - sell <= tol) as u32 + (top - hold <= tol) as u32 + (top - buy <= tol) as u32;
    // Selects rather than branches: the winner of random votes is unpredictable.
    let code: i8 = if at_top > 1 { 0 } else if top == buy { 1 } else if top == sell { -1 } else { 0 };
    let score = if code > 0 { buy } else if code < 0 { sell } else { hold };
    (code, if total > 0.0 { score / total } else { 0.0 })
}

/// The sorted union of all strategies' timestamps. Strategies usually share their bars, so
/// a strategy whose timestamps are already in the union costs one read-only sweep; the
/// others are folded in by a two-pointer merge.
fn union_of(prepared: &[Prepared]) -> Vec<f64> {
    let Some(longest) = prepared.iter().max_by_key(|p| p.ts.len()) else {
        return Vec::new();
    };
    let mut union = longest.ts.clone();
    for p in prepared {
        let ts = p.ts.as_slice();
        if is_subset(ts, &union) {
            continue;
        }
        let mut out = Vec::with_capacity(union.len() + ts.len() / 4);
        let (mut i, mut j) = (0, 0);
        while i < union.len() && j < ts.len() {
            let (a, b) = (union[i], ts[j]);
            out.push(a.min(b));
            i += (a <= b) as usize;
            j += (b <= a) as usize;
        }
        out.extend_from_slice(&union[i..]);
        out.extend_from_slice(&ts[j..]);
        union = out;
    }
    union
}

/// Whether every value of `ts` is in `union` (both strictly increasing).
fn is_subset(ts: &[f64], union: &[f64]) -> bool {
    if ts.len() > union.len() {
        return false;
    }
    if ts.len() == union.len() {
        return ts == union;
    }
    let mut j = 0;
    for &t in ts {
        while j < union.len() && union[j] < t {
            j += 1;
        }
        if j == union.len() || union[j] != t {
            return false;
        }
        j += 1;
    }
    true
}

/// Calls `f(row, position)` for every row of a strategy with the row's position in the
/// union (every timestamp of the strategy is in the union, both strictly increasing).
#[inline]
fn for_each_position(p: &Prepared, union: &[f64], mut f: impl FnMut(usize, usize)) {
    let n = p.ts.len();
    if n == union.len() {
        // Same length as the union it is part of → the same timestamps.
        (0..n).for_each(|r| f(r, r));
        return;
    }
    let mut j = 0;
    for r in 0..n {
        let t = p.ts[r];
        while j < union.len() && union[j] < t {
            j += 1;
        }
        // The union holds every timestamp by construction; the check keeps a broken
        // invariant from ever turning into an out-of-bounds panic.
        if j >= union.len() {
            break;
        }
        f(r, j);
        j += 1;
    }
}

/// Up to this many strategies, votes are decided through a table of all 4^k outcomes.
const LUT_MAX_STRATEGIES: usize = 8;

/// One row's outcome: signal, confidence, voters, strategy used (priority).
type Outcome = (i8, f64, u32, u32);

/// The outcome of every combination of votes, indexed like the row codes. Scores are summed
/// in strategy order, exactly as the score-column path sums them, so both give the same
/// bits. For priority (used only when no strategy has a confidence column) the present
/// strategy of lowest rank wins with confidence 1.
fn outcome_table(prepared: &[Prepared], method: MergeMethod) -> Vec<Outcome> {
    let k = prepared.len();
    (0..1usize << (2 * k))
        .map(|code| {
            let mut score = [0.0f64; 3];
            let mut voters = 0;
            let mut best: Option<(u32, usize, usize)> = None; // (rank, strategy, digit)
            for (s, p) in prepared.iter().enumerate() {
                let digit = (code >> (2 * s)) & 3;
                if digit > 0 {
                    voters += 1;
                    score[digit - 1] += if method == MergeMethod::Majority { 1.0 } else { p.weight };
                    if best.is_none_or(|(rank, ..)| p.rank < rank) {
                        best = Some((p.rank, s, digit));
                    }
                }
            }
            match (method, best) {
                (MergeMethod::Priority, Some((_, s, digit))) => (digit as i8 - 2, 1.0, voters, s as u32),
                (MergeMethod::Priority, None) => (0, 0.0, 0, 0),
                _ => {
                    let (sig, conf) = pick(score[0], score[1], score[2]);
                    (sig, conf, voters, 0)
                }
            }
        })
        .collect()
}

/// The merge, strategy by strategy over columns: find the union of timestamps, let each
/// strategy add its votes at its rows' positions (a 2-bit digit of a row code, or scores when
/// confidences scale the votes or there are many strategies), then decide every row. Each
/// pass is a sequential sweep with no per-timestamp allocation.
fn run(prepared: &[Prepared], method: MergeMethod, use_confidence: bool) -> MergeResult {
    let union = union_of(prepared);
    let n = union.len();
    let mut strategy_count = vec![0u32; n];
    let count = |j: usize, counts: &mut [u32]| counts[j] += 1;

    let mut signal = vec![0i8; n];
    let mut confidence = vec![0.0f64; n];
    let mut strategy_used = None;
    // Per-row confidences change the outcome row by row (scaled votes, priority's own
    // confidence), so they need the general paths; so do many strategies (4^k table).
    let row_conf = match method {
        MergeMethod::WeightedVote => use_confidence,
        MergeMethod::Majority => false,
        MergeMethod::Priority => true,
    } && prepared.iter().any(|p| p.conf.is_some());
    match method {
        _ if !row_conf && prepared.len() <= LUT_MAX_STRATEGIES => {
            // Each row's outcome depends only on which strategy voted what, so it is looked
            // up: row code = Σ digit_s · 4^s (digit 0 absent, 1 Sell, 2 Hold, 3 Buy).
            let table = outcome_table(prepared, method);
            let mut codes = vec![0u16; n];
            for (s, p) in prepared.iter().enumerate() {
                let place = 1u16 << (2 * s);
                for_each_position(p, &union, |r, j| codes[j] += (p.sig[r] + 2) as u16 * place);
            }
            let mut used = vec![0u32; if method == MergeMethod::Priority { n } else { 0 }];
            for (j, &code) in codes.iter().enumerate() {
                // The table has 4^k entries and every code is below 4^k.
                if let Some(&(sig, conf, cnt, by)) = table.get(code as usize) {
                    signal[j] = sig;
                    confidence[j] = conf;
                    strategy_count[j] = cnt;
                    if let Some(u) = used.get_mut(j) {
                        *u = by;
                    }
                }
            }
            if method == MergeMethod::Priority {
                strategy_used = Some(used);
            }
        }
        MergeMethod::WeightedVote | MergeMethod::Majority => {
            let mut scores = vec![[0.0f64; 3]; n];
            for p in prepared {
                let w = if method == MergeMethod::Majority { 1.0 } else { p.weight };
                match (&p.conf, use_confidence && method == MergeMethod::WeightedVote) {
                    (Some(c), true) => for_each_position(p, &union, |r, j| {
                        scores[j][(p.sig[r] + 1) as usize] += w * c[r];
                        count(j, &mut strategy_count);
                    }),
                    _ => for_each_position(p, &union, |r, j| {
                        scores[j][(p.sig[r] + 1) as usize] += w;
                        count(j, &mut strategy_count);
                    }),
                }
            }
            for ((sc, sig), conf) in scores.iter().zip(signal.iter_mut()).zip(confidence.iter_mut()) {
                (*sig, *conf) = pick(sc[0], sc[1], sc[2]);
            }
        }
        MergeMethod::Priority => {
            // Lowest priority first, so each position ends with its highest-priority strategy.
            let mut order: Vec<usize> = (0..prepared.len()).collect();
            order.sort_by_key(|&s| std::cmp::Reverse(prepared[s].rank));
            let mut used = vec![0u32; n];
            for s in order {
                let p = &prepared[s];
                for_each_position(p, &union, |r, j| {
                    signal[j] = p.sig[r];
                    confidence[j] = p.conf.as_ref().map_or(1.0, |c| c[r]);
                    used[j] = s as u32;
                    count(j, &mut strategy_count);
                });
            }
            strategy_used = Some(used);
        }
    }
    MergeResult {
        method,
        timestamp: union,
        signal,
        confidence,
        strategy_count,
        strategy_used,
        strategies: Vec::new(),
        warnings: Vec::new(),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_check() {
        assert!(is_subset(&[2.0, 4.0], &[1.0, 2.0, 3.0, 4.0]));
        assert!(!is_subset(&[2.0, 5.0], &[1.0, 2.0, 3.0, 4.0]));
        assert!(!is_subset(&[0.5], &[1.0, 2.0]));
        assert!(is_subset(&[1.0, 2.0], &[1.0, 2.0]));
        assert!(!is_subset(&[1.0, 3.0], &[1.0, 2.0]));
    }

    #[test]
    fn pick_ties_go_to_hold() {
        assert_eq!(pick(1.0, 0.0, 1.0), (0, 0.0));
        assert_eq!(pick(0.0, 1.0, 1.0), (0, 0.5));
        assert_eq!(pick(0.0, 0.0, 0.0), (0, 0.0));
        assert_eq!(pick(0.1 + 0.2, 0.0, 0.3).0, 0);
        assert_eq!(pick(2.0, 1.0, 1.0), (-1, 0.5));
        assert_eq!(pick(0.0, 1.0, 3.0), (1, 0.75));
    }
}
