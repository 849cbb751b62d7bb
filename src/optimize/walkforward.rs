//! Walk-forward analysis: split the data into train/test windows (rolling or anchored),
//! optimize on each train window, evaluate the winner on the following test window, and
//! combine the out-of-sample results. Each window is backtested on its own bars, so
//! indicators warm up inside the window (as backtesting.py does on a sliced DataFrame).

use super::aggregate::Describe;
use super::config::{OptimizeConfig, Plan};
use super::engine::{Evaluate, Evaluation, Observer, Options, Outcome, Status};
use super::evaluator::BacktestEvaluator;
use super::params::Params;
use super::search::join;
use crate::series::Ohlcv;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct WalkForwardConfig {
    /// The optimization run on each train window (strategy, space, method, maximize, ...).
    #[serde(flatten)]
    pub optimize: OptimizeConfig,
    #[serde(rename = "trainBars", alias = "train_bars")]
    pub train_bars: Option<f64>,
    #[serde(rename = "testBars", alias = "test_bars")]
    pub test_bars: Option<f64>,
    /// Bars between fold starts (default: `testBars`, so test windows tile the data).
    #[serde(default, rename = "stepBars", alias = "step_bars")]
    pub step_bars: Option<f64>,
    /// `rolling` (fixed-length train window, default) or `anchored` (train from bar 0).
    #[serde(default)]
    pub mode: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Split {
    pub train: Window,
    pub test: Window,
}

/// Most folds one walk-forward may have.
pub const MAX_FOLDS: usize = 1000;

/// A validated walk-forward.
#[derive(Debug, Clone)]
pub struct WalkForward {
    pub plan: Plan,
    pub anchored: bool,
    pub train_bars: usize,
    pub test_bars: usize,
    pub step_bars: usize,
    pub splits: Vec<Split>,
}

fn bars(v: Option<f64>, name: &str, min: usize) -> Result<usize> {
    match v {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x >= min as f64 => Ok(x as usize),
        Some(x) => Err(Error::invalid_parameter(format!("{name} must be a whole number ≥ {min}, got {x}")).with("path", name)),
        None => Err(Error::invalid_parameter(format!("{name} is required (bars per window)")).with("path", name)),
    }
}

/// Train/test windows over `n` bars.
pub fn splits(n: usize, train: usize, test: usize, step: usize, anchored: bool) -> Vec<Split> {
    let mut out = Vec::new();
    let mut k = 0usize;
    loop {
        let train_end = train + k * step;
        let test_end = train_end + test;
        if test_end > n || out.len() >= MAX_FOLDS {
            break;
        }
        let train_start = if anchored { 0 } else { k * step };
        out.push(Split { train: Window { start: train_start, end: train_end }, test: Window { start: train_end, end: test_end } });
        k += 1;
    }
    out
}

impl WalkForward {
    pub fn new(cfg: &WalkForwardConfig, bars_in_data: usize) -> Result<WalkForward> {
        let plan = cfg.optimize.plan("", None)?;
        let train_bars = bars(cfg.train_bars, "trainBars", 2)?;
        let test_bars = bars(cfg.test_bars, "testBars", 1)?;
        let step_bars = match cfg.step_bars {
            None => test_bars,
            v => bars(v, "stepBars", 1)?,
        };
        let anchored = match cfg.mode.as_deref().unwrap_or("rolling") {
            "rolling" => false,
            "anchored" => true,
            other => {
                return Err(Error::invalid_parameter(format!("mode must be 'rolling' or 'anchored', got '{other}'"))
                    .with("path", "mode"))
            }
        };
        let splits = splits(bars_in_data, train_bars, test_bars, step_bars, anchored);
        if splits.is_empty() {
            return Err(Error::invalid_parameter(format!(
                "trainBars + testBars = {} exceeds the {bars_in_data} bars of data: no fold fits",
                train_bars + test_bars
            ))
            .with("path", "trainBars")
            .with("bars", bars_in_data));
        }
        Ok(WalkForward { plan, anchored, train_bars, test_bars, step_bars, splits })
    }

    /// The optimizer for one fold's train window.
    pub fn evaluator<'d>(&self, train: &'d Ohlcv, fold: usize) -> Result<BacktestEvaluator<'d>> {
        let p = &self.plan;
        BacktestEvaluator::new(train, &p.strategy, &p.backtest, &p.candidates, &p.objective, &join("", &format!("folds[{fold}]")))
            .map_err(|e| if e.detail("path").is_some() { e } else { e.with("fold", fold) })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeWindow {
    pub start: usize,
    pub end: usize,
    pub start_time: i64,
    pub end_time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoldReport {
    pub fold: usize,
    pub train: TimeWindow,
    pub test: TimeWindow,
    /// `complete`, `timeout`, `cancelled`, or `no_result` (no combination succeeded).
    pub status: &'static str,
    pub params: Option<Params>,
    /// Objective on the train window (in-sample).
    pub in_sample: f64,
    /// Objective of the same parameters on the test window (out-of-sample).
    pub out_of_sample: f64,
    pub test_stats: Option<Evaluation>,
    pub combinations: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Combined {
    pub objective: String,
    pub folds: usize,
    pub evaluated_folds: usize,
    pub mean_in_sample: f64,
    pub mean_out_of_sample: f64,
    /// Walk-forward efficiency: mean out-of-sample / mean in-sample objective.
    pub efficiency: f64,
    pub out_of_sample: Option<Describe>,
    /// Test-window returns chained: Π(1 + Return [%] / 100) − 1, in percent.
    pub compounded_return_pct: f64,
    pub total_trades: f64,
    /// Folds whose test window made money.
    pub profitable_folds: usize,
    /// Distinct parameter sets chosen across folds (1 = stable optimum).
    pub distinct_params: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WalkForwardReport {
    pub mode: &'static str,
    pub train_bars: usize,
    pub test_bars: usize,
    pub step_bars: usize,
    pub folds: Vec<FoldReport>,
    pub combined: Combined,
}

fn time_window(data: &Ohlcv, w: Window) -> TimeWindow {
    TimeWindow {
        start: w.start,
        end: w.end,
        start_time: data.time.get(w.start).copied().unwrap_or(0),
        end_time: data.time.get(w.end.saturating_sub(1)).copied().unwrap_or(0),
    }
}

/// Accumulates fold results; the driving loop (native or async JS) calls `fold_done`.
pub struct WalkForwardState<'w> {
    wf: &'w WalkForward,
    folds: Vec<FoldReport>,
}

impl<'w> WalkForwardState<'w> {
    pub fn new(wf: &'w WalkForward) -> Self {
        WalkForwardState { wf, folds: Vec::new() }
    }

    /// Records fold `k`: evaluates the train winner on the test window with full stats.
    pub fn fold_done(&mut self, data: &Ohlcv, k: usize, out: &Outcome) -> Result<()> {
        let split = self.wf.splits.get(k).copied().ok_or_else(|| Error::invalid_parameter(format!("no fold {k}")))?;
        let status = match out.status {
            Status::Complete => "complete",
            Status::TimedOut => "timeout",
            Status::Cancelled => "cancelled",
            Status::Running => "cancelled",
        };
        let best = out.best().filter(|b| !b.value.is_nan());
        let (params, in_sample, oos, stats, status) = match best {
            Some(b) => {
                let test = data.slice(split.test.start, split.test.end);
                let p = &self.wf.plan;
                let ev = BacktestEvaluator::new(&test, &p.strategy, &p.backtest, &p.candidates, &p.objective, "")?;
                let full = match ev.full(&b.params) {
                    Some(r) => r,
                    None => ev.evaluate(&b.params),
                };
                // A test window too short for the chosen periods is a fold without a result.
                match full {
                    Ok(s) => (Some(b.params.clone()), b.value, s.metric(&p.objective.key), Some(s), status),
                    Err(_) => (Some(b.params.clone()), b.value, f64::NAN, None, "no_result"),
                }
            }
            None => (None, f64::NAN, f64::NAN, None, "no_result"),
        };
        self.folds.push(FoldReport {
            fold: k,
            train: time_window(data, split.train),
            test: time_window(data, split.test),
            status,
            params,
            in_sample,
            out_of_sample: oos,
            test_stats: stats,
            combinations: out.rows.len(),
        });
        Ok(())
    }

    /// The fold recorded last (to stream it).
    pub fn last_fold(&self) -> Option<&FoldReport> {
        self.folds.last()
    }

    pub fn report(self) -> WalkForwardReport {
        let wf = self.wf;
        let folds = self.folds;
        let ok: Vec<&FoldReport> = folds.iter().filter(|f| !f.out_of_sample.is_nan()).collect();
        let mean = |xs: Vec<f64>| if xs.is_empty() { f64::NAN } else { xs.iter().sum::<f64>() / xs.len() as f64 };
        let mean_is = mean(ok.iter().map(|f| f.in_sample).collect());
        let mean_oos = mean(ok.iter().map(|f| f.out_of_sample).collect());
        let mut compounded = 1.0;
        let mut trades = 0.0;
        let mut profitable = 0;
        for f in &ok {
            if let Some(s) = &f.test_stats {
                let r = s.metric("Return [%]");
                if r.is_finite() {
                    compounded *= 1.0 + r / 100.0;
                    if r > 0.0 {
                        profitable += 1;
                    }
                }
                let t = s.metric("# Trades");
                if t.is_finite() {
                    trades += t;
                }
            }
        }
        let mut distinct: Vec<&Params> = Vec::new();
        for f in &folds {
            if let Some(p) = &f.params {
                if !distinct.contains(&p) {
                    distinct.push(p);
                }
            }
        }
        let combined = Combined {
            objective: wf.plan.objective.key.clone(),
            folds: folds.len(),
            evaluated_folds: ok.len(),
            mean_in_sample: mean_is,
            mean_out_of_sample: mean_oos,
            efficiency: if mean_is != 0.0 { mean_oos / mean_is } else { f64::NAN },
            out_of_sample: Describe::of(ok.iter().map(|f| f.out_of_sample)),
            compounded_return_pct: (compounded - 1.0) * 100.0,
            total_trades: trades,
            profitable_folds: profitable,
            distinct_params: distinct.len(),
        };
        WalkForwardReport {
            mode: if wf.anchored { "anchored" } else { "rolling" },
            train_bars: wf.train_bars,
            test_bars: wf.test_bars,
            step_bars: wf.step_bars,
            folds,
            combined,
        }
    }
}

/// Runs every fold to completion (native callers; JS drives the same steps with yields).
pub fn walk_forward(data: &Ohlcv, cfg: &WalkForwardConfig, base: Options, obs: &mut dyn Observer) -> Result<WalkForwardReport> {
    let wf = WalkForward::new(cfg, data.len())?;
    let mut state = WalkForwardState::new(&wf);
    for (k, split) in wf.splits.iter().enumerate() {
        if base.cancel.is_cancelled() {
            return Err(Error::cancelled(format!("walk-forward cancelled before fold {k}")).with("fold", k));
        }
        let train = data.slice(split.train.start, split.train.end);
        let ev = wf.evaluator(&train, k)?;
        let out = super::engine::run(&ev, wf.plan.candidates.clone(), wf.plan.objective.clone(), wf.plan.options(base.clone()), obs)?;
        state.fold_done(data, k, &out)?;
    }
    Ok(state.report())
}
