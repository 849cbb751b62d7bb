//! Backtests that reproduce backtesting.py 0.6.6 (default) or vectorbt, bar for bar.
//!
//! Two entry points:
//! - [`run`] / [`run_with`]: stats, every closed trade, the equity and drawdown curves;
//! - [`evaluate`]: stats only, reusing a [`Workspace`] so a parameter sweep allocates nothing
//!   per combination; [`vectorbt::cross_total_return`] is the leanest SMA-cross kernel.
//!
//! Signals come from any [`SignalSource`]: a precomputed [`SignalSeries`], or a crossover of
//! two precomputed indicator series ([`Crossover`], [`vectorbt::VbtCross`]) so an optimizer
//! computes each indicator once and shares it across combinations.

pub mod config;
mod engine;
pub mod ma;
pub mod portfolio;
pub mod stats;
pub mod trade;
pub mod vectorbt;

pub use config::{BacktestConfig, Semantics};
pub use stats::{Stats, StatsContext};
pub use trade::Trade;

use crate::series::Ohlcv;
use crate::signals::Signal;
use crate::{Error, Result};

/// A per-bar stream of strategy decisions. `signal` is called once per bar with strictly
/// increasing `i` after `reset`, so sources may keep state (vectorbt's cross memory).
pub trait SignalSource {
    /// Bars covered; must equal the data's length.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bars before every indicator has a value (backtesting.py's warm-up): the engine starts
    /// at `warmup + 1` and Buy & Hold is measured from this bar.
    fn warmup(&self) -> usize;
    /// Forget state before a new run.
    fn reset(&mut self) {}
    fn signal(&mut self, i: usize) -> Signal;
}

/// Index of the first non-NaN value, 0 when there is none (numpy `argmin(isnan)`).
pub fn first_valid(values: &[f64]) -> usize {
    values.iter().position(|v| !v.is_nan()).unwrap_or(0)
}

/// Precomputed signals, one per bar.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSeries {
    pub signals: Vec<Signal>,
    /// See [`SignalSource::warmup`]; 0 for signals without indicators.
    pub warmup: usize,
}

impl SignalSeries {
    pub fn new(signals: Vec<Signal>, warmup: usize) -> SignalSeries {
        SignalSeries { signals, warmup }
    }
}

/// A borrowed [`SignalSeries`] as a source.
#[derive(Debug, Clone, Copy)]
pub struct SliceSignals<'a> {
    pub signals: &'a [Signal],
    pub warmup: usize,
}

impl SignalSource for SliceSignals<'_> {
    fn len(&self) -> usize {
        self.signals.len()
    }
    fn warmup(&self) -> usize {
        self.warmup
    }
    #[inline(always)]
    fn signal(&mut self, i: usize) -> Signal {
        self.signals.get(i).copied().unwrap_or(Signal::Hold)
    }
}

/// backtesting.py's `crossover(fast, slow)` → Buy, `crossover(slow, fast)` → Sell: strictly
/// below on the previous bar and strictly above on this one.
#[derive(Debug, Clone, Copy)]
pub struct Crossover<'a> {
    fast: &'a [f64],
    slow: &'a [f64],
    warmup: usize,
}

impl<'a> Crossover<'a> {
    pub fn new(fast: &'a [f64], slow: &'a [f64]) -> Self {
        Crossover { fast, slow, warmup: first_valid(fast).max(first_valid(slow)) }
    }
}

impl SignalSource for Crossover<'_> {
    fn len(&self) -> usize {
        self.fast.len().min(self.slow.len())
    }
    fn warmup(&self) -> usize {
        self.warmup
    }
    #[inline(always)]
    fn signal(&mut self, i: usize) -> Signal {
        if i == 0 || i >= self.len() {
            return Signal::Hold;
        }
        let (f0, s0, f1, s1) = (self.fast[i - 1], self.slow[i - 1], self.fast[i], self.slow[i]);
        if f0 < s0 && f1 > s1 {
            Signal::Buy
        } else if s0 < f0 && s1 > f1 {
            Signal::Sell
        } else {
            Signal::Hold
        }
    }
}

/// Everything derived from the data alone; build once per dataset, share across runs
/// (it is `Sync`).
#[derive(Debug, Clone)]
pub struct BacktestContext<'a> {
    pub data: &'a Ohlcv,
    pub stats: StatsContext,
}

impl<'a> BacktestContext<'a> {
    pub fn new(data: &'a Ohlcv) -> Result<Self> {
        if data.is_empty() {
            return Err(Error::invalid_input("no bars: the series is empty").with("rows", 0));
        }
        // `Ohlcv`'s fields are public, so a hand-built one may have ragged columns.
        let n = data.len();
        for (name, len) in [
            ("open", data.open.len()),
            ("high", data.high.len()),
            ("low", data.low.len()),
            ("close", data.close.len()),
            ("volume", data.volume.len()),
        ] {
            if len != n {
                return Err(Error::invalid_input(format!(
                    "column '{name}' has {len} values but 'time' has {n}; build data with Ohlcv::new"
                ))
                .with("column", name)
                .with("length", len)
                .with("expected", n));
            }
        }
        Ok(BacktestContext { data, stats: StatsContext::new(data) })
    }
}

/// Reusable buffers for [`evaluate`]; one per thread.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    equity: Vec<f64>,
    trades: Vec<Trade>,
}

impl Workspace {
    pub fn equity(&self) -> &[f64] {
        &self.equity
    }
    pub fn trades(&self) -> &[Trade] {
        &self.trades
    }
}

/// Full result: stats, closed trades, equity and drawdown (fraction below the running peak)
/// per bar.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestResult {
    pub stats: Stats,
    pub trades: Vec<Trade>,
    pub equity: Vec<f64>,
    pub drawdown: Vec<f64>,
}

/// Stats only. Buffers live in `ws`, so repeated calls allocate nothing once warmed up.
pub fn evaluate<S: SignalSource + ?Sized>(
    ctx: &BacktestContext,
    ws: &mut Workspace,
    signals: &mut S,
    config: &BacktestConfig,
) -> Result<Stats> {
    config.validate()?;
    let n = ctx.data.len();
    if signals.len() != n {
        return Err(Error::invalid_input(format!(
            "signals cover {} bars but the data has {n}; give one signal per bar",
            signals.len()
        ))
        .with("field", "signals")
        .with("length", signals.len())
        .with("expected", n));
    }
    let first_trading_bar = match config.semantics {
        Semantics::BacktestingPy => {
            engine::simulate(ctx.data, signals, config, &mut ws.equity, &mut ws.trades);
            signals.warmup()
        }
        Semantics::Vectorbt => {
            vectorbt::simulate(ctx.data, signals, config, &mut ws.equity, &mut ws.trades);
            0
        }
    };
    Ok(stats::compute(&ctx.stats, &ws.equity, &ws.trades, first_trading_bar, config.risk_free_rate))
}

/// Stats, trades and curves for any signal source.
pub fn run_with<S: SignalSource + ?Sized>(
    ctx: &BacktestContext,
    signals: &mut S,
    config: &BacktestConfig,
) -> Result<BacktestResult> {
    let mut ws = Workspace::default();
    let stats = evaluate(ctx, &mut ws, signals, config)?;
    let mut peak = f64::NEG_INFINITY;
    let drawdown = ws
        .equity
        .iter()
        .map(|&e| {
            peak = peak.max(e);
            1.0 - e / peak
        })
        .collect();
    Ok(BacktestResult { stats, trades: ws.trades, equity: ws.equity, drawdown })
}

/// One backtest of precomputed signals.
pub fn run(data: &Ohlcv, signals: &SignalSeries, config: &BacktestConfig) -> Result<BacktestResult> {
    let ctx = BacktestContext::new(data)?;
    let mut source = SliceSignals { signals: &signals.signals, warmup: signals.warmup };
    run_with(&ctx, &mut source, config)
}

/// The SMA-cross rule of either semantics over precomputed averages (make them with
/// [`ma::sma`] so they match the reference library bit for bit).
#[derive(Debug, Clone)]
pub enum CrossSignals<'a> {
    BacktestingPy(Crossover<'a>),
    Vectorbt(vectorbt::VbtCross<'a>),
}

impl<'a> CrossSignals<'a> {
    pub fn new(semantics: Semantics, fast: &'a [f64], slow: &'a [f64]) -> Self {
        match semantics {
            Semantics::BacktestingPy => CrossSignals::BacktestingPy(Crossover::new(fast, slow)),
            Semantics::Vectorbt => CrossSignals::Vectorbt(vectorbt::VbtCross::new(fast, slow)),
        }
    }
}

impl SignalSource for CrossSignals<'_> {
    fn len(&self) -> usize {
        match self {
            CrossSignals::BacktestingPy(c) => c.len(),
            CrossSignals::Vectorbt(c) => c.len(),
        }
    }
    fn warmup(&self) -> usize {
        match self {
            CrossSignals::BacktestingPy(c) => c.warmup(),
            CrossSignals::Vectorbt(c) => c.warmup(),
        }
    }
    fn reset(&mut self) {
        match self {
            CrossSignals::BacktestingPy(c) => c.reset(),
            CrossSignals::Vectorbt(c) => c.reset(),
        }
    }
    #[inline(always)]
    fn signal(&mut self, i: usize) -> Signal {
        match self {
            CrossSignals::BacktestingPy(c) => c.signal(i),
            CrossSignals::Vectorbt(c) => c.signal(i),
        }
    }
}
