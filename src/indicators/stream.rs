//! Bar-by-bar computation. A `Stream` owns the same state machine the batch path runs, so
//! `update` returns exactly (bit for bit) the batch value at that bar.

use super::catalogue::{self, AnyKernel, Entry};
use super::params::{Params, Resolved};
use super::{Bar, Out, NAN3};
use crate::Result;

/// A streaming indicator: `update` for each closed bar, `peek` for a still-forming bar.
#[derive(Debug, Clone)]
pub struct Stream {
    entry: &'static Entry,
    resolved: Resolved,
    kernel: AnyKernel,
    last: Out,
    bars: usize,
}

impl Stream {
    /// A new stream for TA-Lib function `name`; parameters are validated as in `compute`.
    pub fn new(name: &str, params: &Params) -> Result<Stream> {
        let entry = catalogue::find(name)?;
        let resolved = Resolved::new(entry.name, entry.params, params)?;
        let kernel = (entry.make)(&resolved);
        Ok(Stream {
            entry,
            resolved,
            kernel,
            last: NAN3,
            bars: 0,
        })
    }

    pub fn name(&self) -> &'static str {
        self.entry.name
    }

    /// Output names, in the order of the values `update` returns.
    pub fn outputs(&self) -> &'static [&'static str] {
        self.entry.outputs
    }

    /// Inputs the indicator reads from each bar.
    pub fn inputs(&self) -> Vec<&'static str> {
        self.entry.inputs.iter().map(|i| i.name()).collect()
    }

    /// Bars without a value at the start.
    pub fn lookback(&self) -> usize {
        (self.entry.lookback)(&self.resolved)
    }

    /// Bars consumed by `update` since creation or `reset`.
    pub fn bars(&self) -> usize {
        self.bars
    }

    /// Consumes a closed bar; returns one value per output (NaN during warm-up).
    pub fn update(&mut self, bar: &Bar) -> &[f64] {
        self.last = self.kernel.update(bar);
        self.bars += 1;
        &self.last[..self.entry.outputs.len()]
    }

    /// The values `update(bar)` would return, without changing the state. It copies the
    /// state (O(period) for windowed indicators), which is fine at UI rates.
    pub fn peek(&self, bar: &Bar) -> Vec<f64> {
        let mut copy = self.kernel.clone();
        let out = copy.update(bar);
        out[..self.entry.outputs.len()].to_vec()
    }

    /// The values of the last `update` (NaN before the first).
    pub fn last(&self) -> &[f64] {
        &self.last[..self.entry.outputs.len()]
    }

    /// Back to the state right after `new`.
    pub fn reset(&mut self) {
        self.kernel = (self.entry.make)(&self.resolved);
        self.last = NAN3;
        self.bars = 0;
    }
}
