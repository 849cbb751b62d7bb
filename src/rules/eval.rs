//! Evaluation of a [`Program`] over one dataset: column loops into reused buffers, calls
//! (indicators, windows, `tf`) from a bounded cache keyed by the parameter values they read.
//!
//! Per combination the work is: the numbers, then each step in order. A cached call costs a
//! hash lookup and an `Arc` clone; an operation writes its slot, whose buffer is kept in the
//! [`Scratch`] between combinations, so a warmed-up evaluation allocates nothing.

use super::compile::{Call, CallKind, Col, Op, Program, ScalarOp, Step, Window};
use super::parser::BinOp;
use super::MAX_PARAMS;
use crate::backtest::{first_valid, ma};
use crate::indicators::{self, Inputs};
use crate::series::{completed_index, resample, Ohlcv};
use crate::signals::Signal;
use crate::{Error, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A call's output columns and the first bar where all of them have a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Cols {
    pub cols: Vec<Vec<f64>>,
    pub first_valid: usize,
}

/// Reusable buffers of one evaluating thread.
#[derive(Debug, Default)]
pub struct Scratch {
    scalars: Vec<f64>,
    slots: Vec<Vec<f64>>,
    outs: Vec<Option<Arc<Cols>>>,
    pub signals: Vec<Signal>,
}

impl Scratch {
    /// Drops references to cached columns (so a finished run frees them).
    pub fn release(&mut self) {
        self.outs.iter_mut().for_each(|o| *o = None);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    call: usize,
    values: [u64; MAX_PARAMS],
}

/// Call results by parameter values, bounded in bytes; beyond the budget results are
/// computed per use and not kept.
#[derive(Debug)]
pub struct Cache {
    map: Mutex<(HashMap<Key, Arc<Cols>>, usize)>,
    budget: usize,
}

impl Cache {
    pub fn new(budget: usize) -> Self {
        Cache {
            map: Mutex::new((HashMap::new(), 0)),
            budget,
        }
    }

    fn get(&self, key: &Key) -> Option<Arc<Cols>> {
        self.map.lock().ok()?.0.get(key).cloned()
    }

    fn put(&self, key: Key, value: &Arc<Cols>) {
        let bytes: usize = value.cols.iter().map(|c| c.len() * 8).sum();
        if let Ok(mut guard) = self.map.lock() {
            if guard.1 + bytes <= self.budget {
                guard.1 += bytes;
                guard.0.insert(key, value.clone());
            }
        }
    }

    /// Results currently kept.
    pub fn kept(&self) -> usize {
        self.map.lock().map(|g| g.0.len()).unwrap_or(0)
    }
}

/// A higher timeframe of the data, with each base bar's latest completed bar.
#[derive(Debug, Clone)]
pub struct Timeframe {
    pub data: Ohlcv,
    pub completed: Vec<Option<usize>>,
}

impl Timeframe {
    pub fn new(base: &Ohlcv, ms: i64) -> Result<Self> {
        let data = resample(base, ms)?;
        let completed = completed_index(&base.time, &data.time, ms);
        Ok(Timeframe { data, completed })
    }
}

/// What a program runs against: the data, its higher timeframes, a cache (none inside `tf`).
pub struct Env<'a> {
    pub data: &'a Ohlcv,
    pub timeframes: &'a [Timeframe],
    pub cache: Option<&'a Cache>,
}

#[derive(Clone, Copy)]
pub enum Val<'a> {
    S(&'a [f64]),
    K(f64),
}

impl Val<'_> {
    #[inline(always)]
    fn at(&self, i: usize) -> f64 {
        match self {
            Val::S(s) => s.get(i).copied().unwrap_or(f64::NAN),
            Val::K(k) => *k,
        }
    }
}

fn val<'a>(
    col: Col,
    data: &'a Ohlcv,
    slots: &'a [Vec<f64>],
    outs: &'a [Option<Arc<Cols>>],
    scalars: &[f64],
) -> Val<'a> {
    match col {
        Col::Input(i) => Val::S(data.column(i.name()).unwrap_or(&[])),
        Col::Slot(k) => Val::S(slots.get(k).map_or(&[][..], |v| v.as_slice())),
        Col::Out(c, k) => Val::S(
            outs.get(c)
                .and_then(|o| o.as_ref())
                .and_then(|o| o.cols.get(k))
                .map_or(&[][..], |v| v.as_slice()),
        ),
        Col::Scalar(k) => Val::K(scalars.get(k).copied().unwrap_or(f64::NAN)),
    }
}

impl Scratch {
    /// A column after `run` (for the rules' roots).
    pub fn val<'a>(&'a self, col: Col, data: &'a Ohlcv) -> Val<'a> {
        val(col, data, &self.slots, &self.outs, &self.scalars)
    }
}

#[inline(always)]
fn b(x: bool) -> f64 {
    if x {
        1.0
    } else {
        0.0
    }
}

#[inline(always)]
fn truth(x: f64) -> bool {
    x > 0.5
}

fn map1(a: Val, out: &mut [f64], f: impl Fn(f64) -> f64) {
    match a {
        Val::S(a) => out.iter_mut().zip(a).for_each(|(o, x)| *o = f(*x)),
        Val::K(k) => out.fill(f(k)),
    }
}

fn map2(a: Val, b: Val, out: &mut [f64], f: impl Fn(f64, f64) -> f64) {
    match (a, b) {
        (Val::S(a), Val::S(b)) => out
            .iter_mut()
            .zip(a.iter().zip(b))
            .for_each(|(o, (x, y))| *o = f(*x, *y)),
        (Val::S(a), Val::K(y)) => out.iter_mut().zip(a).for_each(|(o, x)| *o = f(*x, y)),
        (Val::K(x), Val::S(b)) => out.iter_mut().zip(b).for_each(|(o, y)| *o = f(x, *y)),
        (Val::K(x), Val::K(y)) => out.fill(f(x, y)),
    }
}

fn nan_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.min(y)
    }
}

fn nan_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.max(y)
    }
}

fn binary(op: BinOp, a: Val, c: Val, out: &mut [f64]) {
    match op {
        BinOp::Add => map2(a, c, out, |x, y| x + y),
        BinOp::Sub => map2(a, c, out, |x, y| x - y),
        BinOp::Mul => map2(a, c, out, |x, y| x * y),
        BinOp::Div => map2(a, c, out, |x, y| x / y),
        BinOp::Lt => map2(a, c, out, |x, y| b(x < y)),
        BinOp::Le => map2(a, c, out, |x, y| b(x <= y)),
        BinOp::Gt => map2(a, c, out, |x, y| b(x > y)),
        BinOp::Ge => map2(a, c, out, |x, y| b(x >= y)),
        BinOp::Eq => map2(a, c, out, |x, y| b(x == y)),
        // IEEE says NaN != x; the rule language says every comparison with NaN is false.
        BinOp::Ne => map2(a, c, out, |x, y| b(x != y && !x.is_nan() && !y.is_nan())),
        BinOp::And => map2(a, c, out, |x, y| b(truth(x) && truth(y))),
        BinOp::Or => map2(a, c, out, |x, y| b(truth(x) || truth(y))),
    }
}

fn scalar_binary(op: BinOp, x: f64, y: f64) -> f64 {
    match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        // Comparisons and logic never lower to scalars.
        _ => f64::NAN,
    }
}

/// A whole number of bars from a rule number, or INVALID_PARAMETER naming `what`.
fn whole(v: f64, min: f64, what: &str) -> Result<usize> {
    if v.is_finite() && v.fract() == 0.0 && v >= min && v <= 1e9 {
        Ok(v as usize)
    } else {
        Err(
            Error::invalid_parameter(format!("{what} must be a whole number ≥ {min}, got {v}"))
                .with("parameter", what)
                .with("value", v),
        )
    }
}

fn apply(op: &Op, s: &Scratch, data: &Ohlcv, out: &mut [f64]) -> Result<()> {
    let v = |c: Col| val(c, data, &s.slots, &s.outs, &s.scalars);
    match *op {
        Op::Neg(a) => map1(v(a), out, |x| -x),
        Op::Abs(a) => map1(v(a), out, f64::abs),
        Op::Not(a) => map1(v(a), out, |x| b(!truth(x))),
        Op::Bin(o, a, c) => binary(o, v(a), v(c), out),
        Op::Min(a, c) => map2(v(a), v(c), out, nan_min),
        Op::Max(a, c) => map2(v(a), v(c), out, nan_max),
        Op::If(c, a, e) => {
            let (c, a, e) = (v(c), v(a), v(e));
            for (i, o) in out.iter_mut().enumerate() {
                *o = if truth(c.at(i)) { a.at(i) } else { e.at(i) };
            }
        }
        Op::Cross(a, c) => {
            let (a, c) = (v(a), v(c));
            if let Some(o) = out.first_mut() {
                *o = 0.0;
            }
            if let (Val::S(a), Val::S(c)) = (a, c) {
                // The hot case (two series): plain slice windows, no per-bar dispatch.
                for (o, (wa, wc)) in out.iter_mut().skip(1).zip(a.windows(2).zip(c.windows(2))) {
                    *o = b(wa[0] < wc[0] && wa[1] > wc[1]);
                }
            } else {
                for (i, o) in out.iter_mut().enumerate().skip(1) {
                    *o = b(a.at(i - 1) < c.at(i - 1) && a.at(i) > c.at(i));
                }
            }
        }
        Op::Shift { x, k, condition } => {
            let k = whole(
                s.scalars.get(k).copied().unwrap_or(f64::NAN),
                0.0,
                "shift's bar count",
            )?;
            let fill = if condition { 0.0 } else { f64::NAN };
            let n = out.len();
            let k = k.min(n);
            out[..k].fill(fill);
            match v(x) {
                Val::S(src) => out[k..].iter_mut().zip(src).for_each(|(o, x)| *o = *x),
                Val::K(c) => out[k..].fill(c),
            }
        }
    }
    Ok(())
}

fn key(call: usize, deps: u32, params: &[f64]) -> Key {
    let mut values = [0u64; MAX_PARAMS];
    for (i, v) in params.iter().enumerate().take(MAX_PARAMS) {
        if deps & (1 << i) != 0 {
            values[i] = v.to_bits();
        }
    }
    Key { call, values }
}

fn compute_call(call: &Call, s: &Scratch, env: &Env, params: &[f64]) -> Result<Cols> {
    let data = env.data;
    let v = |c: Col| val(c, data, &s.slots, &s.outs, &s.scalars);
    let slice = |c: Col| match v(c) {
        Val::S(x) => x,
        Val::K(_) => &[][..],
    };
    let number = |k: usize| s.scalars.get(k).copied().unwrap_or(f64::NAN);
    let n = data.len();
    let cols = match &call.kind {
        CallKind::Indicator {
            name,
            inputs,
            params: given,
            ..
        } => {
            let mut ins = Inputs::new();
            for (input, col) in inputs {
                ins = ins.with(*input, slice(*col));
            }
            let p: indicators::Params = given.iter().map(|(name, k)| (*name, number(*k))).collect();
            let out = indicators::compute(name, &ins, &p).map_err(|e| Error {
                message: format!("{name}: {}", e.message),
                ..e
            })?;
            out.into_columns().into_iter().map(|(_, c)| c).collect()
        }
        CallKind::Window { kind, x, n: period } => {
            let what = match kind {
                Window::Highest => "highest's period",
                Window::Lowest => "lowest's period",
                Window::PandasSma => "pandas_sma's period",
            };
            let period = whole(number(*period), 1.0, what)?;
            let mut out = vec![f64::NAN; n];
            let src = slice(*x);
            match kind {
                Window::Highest => indicators::rolling_max(src, period, &mut out)?,
                Window::Lowest => indicators::rolling_min(src, period, &mut out)?,
                Window::PandasSma => ma::pandas_rolling_mean_into(src, period, &mut out),
            }
            vec![out]
        }
        CallKind::Tf {
            tf,
            inner,
            root,
            condition,
        } => {
            let frame = env.timeframes.get(*tf).ok_or_else(|| {
                Error::new(crate::ErrorCode::Internal, "tf(): timeframe not prepared")
            })?;
            let mut sub = Scratch::default();
            let sub_env = Env {
                data: &frame.data,
                timeframes: &[],
                cache: None,
            };
            run(inner, &sub_env, params, &mut sub)?;
            let values = sub.val(*root, &frame.data);
            let mut out: Vec<f64> = frame
                .completed
                .iter()
                .map(|j| j.map_or(f64::NAN, |j| values.at(j)))
                .collect();
            let first = first_valid(&out);
            if *condition {
                out.iter_mut().for_each(|x| *x = b(truth(*x)));
            }
            return Ok(Cols {
                cols: vec![out],
                first_valid: first,
            });
        }
    };
    let first = cols
        .iter()
        .map(|c: &Vec<f64>| first_valid(c))
        .max()
        .unwrap_or(0);
    Ok(Cols {
        cols,
        first_valid: first,
    })
}

/// Runs `program` with parameter values `params` (in the program's parameter order).
pub fn run(program: &Program, env: &Env, params: &[f64], s: &mut Scratch) -> Result<()> {
    let n = env.data.len();
    s.scalars.clear();
    for op in &program.scalars {
        let at = |k: usize, s: &Vec<f64>| s.get(k).copied().unwrap_or(f64::NAN);
        let x = match *op {
            ScalarOp::Const(c) => c,
            ScalarOp::Param(i) => params.get(i).copied().unwrap_or(f64::NAN),
            ScalarOp::Neg(a) => -at(a, &s.scalars),
            ScalarOp::Abs(a) => at(a, &s.scalars).abs(),
            ScalarOp::Bin(o, a, c) => scalar_binary(o, at(a, &s.scalars), at(c, &s.scalars)),
            ScalarOp::Min(a, c) => nan_min(at(a, &s.scalars), at(c, &s.scalars)),
            ScalarOp::Max(a, c) => nan_max(at(a, &s.scalars), at(c, &s.scalars)),
        };
        s.scalars.push(x);
    }
    if s.slots.len() < program.slots {
        s.slots.resize_with(program.slots, Vec::new);
    }
    s.outs.clear();
    s.outs.resize(program.calls.len(), None);
    for step in &program.steps {
        match step {
            Step::Op { op, out } => {
                let mut buf = std::mem::take(&mut s.slots[*out]);
                buf.resize(n, 0.0);
                let r = apply(op, s, env.data, &mut buf);
                s.slots[*out] = buf;
                r?;
            }
            Step::Call(c) => {
                let call = &program.calls[*c];
                let k = key(*c, call.deps, params);
                let cols = match env.cache.and_then(|cache| cache.get(&k)) {
                    Some(hit) => hit,
                    None => {
                        let computed = Arc::new(compute_call(call, s, env, params)?);
                        if let Some(cache) = env.cache {
                            cache.put(k, &computed);
                        }
                        computed
                    }
                };
                s.outs[*c] = Some(cols);
            }
        }
    }
    Ok(())
}

/// backtesting.py's warm-up after `run`: the first bar where every indicator has a value.
pub fn warmup(program: &Program, s: &Scratch) -> usize {
    program
        .warm
        .iter()
        .map(|c| match *c {
            Col::Out(c, _) => s
                .outs
                .get(c)
                .and_then(|o| o.as_ref())
                .map_or(0, |o| o.first_valid),
            Col::Slot(k) => s.slots.get(k).map_or(0, |v| first_valid(v)),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// BUY where `buy` holds and `sell` does not, SELL the other way round, HOLD otherwise.
pub fn combine(buy: Val, sell: Val, n: usize, out: &mut Vec<Signal>) {
    out.clear();
    out.extend((0..n).map(|i| match (truth(buy.at(i)), truth(sell.at(i))) {
        (true, false) => Signal::Buy,
        (false, true) => Signal::Sell,
        _ => Signal::Hold,
    }));
}
