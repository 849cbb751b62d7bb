//! Type checks and lowering: syntax tree → [`Program`], a flat list of column operations.
//!
//! Types: a *number* (literals, parameters and arithmetic over them: one value per
//! combination), a *series* (one value per bar) and a *condition* (a series of true/false,
//! stored as 1/0). Indicator calls, `tf`, `highest`, `lowest` and `pandas_sma` become
//! [`Call`]s: their results depend only on the data and the parameters they read, so the
//! evaluator caches them by those parameter values. Structurally equal sub-expressions are
//! lowered once (common-subexpression elimination), so `buy` and `sell` share
//! `SMA(close, n1)`. Every function is looked up in the indicator catalogue here, once.

use super::error::{close_names, RuleError};
use super::parser::{Arg, BinOp, Expr, Node};
use super::{MAX_CALLS, MAX_COMPILE_DEPTH, MAX_PARAMS, MAX_TIMEFRAMES};
use crate::indicators::{self, CatalogueEntry, Input, ParamEntry, ParamKind};
use std::collections::HashMap;

/// A column (or a broadcast number) an operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    /// A data column.
    Input(Input),
    /// The output of an earlier [`Step::Op`].
    Slot(usize),
    /// Output `k` of call `c`.
    Out(usize, usize),
    /// A number, the same on every bar.
    Scalar(usize),
}

/// Numbers computed once per parameter combination, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarOp {
    Const(f64),
    Param(usize),
    Neg(usize),
    Abs(usize),
    Bin(BinOp, usize, usize),
    Min(usize, usize),
    Max(usize, usize),
}

/// A column operation writing one slot.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Neg(Col),
    Abs(Col),
    Not(Col),
    /// Arithmetic, comparison (NaN compares false) or `and`/`or`.
    Bin(BinOp, Col, Col),
    Min(Col, Col),
    Max(Col, Col),
    /// `if(cond, a, b)`.
    If(Col, Col, Col),
    /// `a` crosses above `b` (backtesting.py's `crossover`).
    Cross(Col, Col),
    /// `x` shifted `k` bars later; the first `k` bars are NaN (false for conditions).
    Shift {
        x: Col,
        k: usize,
        condition: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Highest,
    Lowest,
    PandasSma,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallKind {
    /// A catalogue function: inputs by TA-Lib input, parameters given (others default).
    Indicator {
        name: &'static str,
        inputs: Vec<(Input, Col)>,
        params: Vec<(&'static str, usize)>,
        outputs: usize,
    },
    /// `highest`, `lowest`, `pandas_sma` over `x` with a period.
    Window { kind: Window, x: Col, n: usize },
    /// `tf(timeframe, expr)`: `inner` runs on the resampled data (timeframe number `tf`).
    Tf {
        tf: usize,
        inner: Box<Program>,
        root: Col,
        condition: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub kind: CallKind,
    /// Bit `i` set when the result depends on parameter `i` (the cache key).
    pub deps: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Op { op: Op, out: usize },
    Call(usize),
}

/// A compiled expression list over one dataset's columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    pub scalars: Vec<ScalarOp>,
    pub steps: Vec<Step>,
    pub calls: Vec<Call>,
    pub slots: usize,
    /// Columns whose first value counts toward the warm-up (every output of each indicator,
    /// windows, shifts, `tf` results), as backtesting.py counts its `self.I` indicators.
    pub warm: Vec<Col>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Number,
    Series,
    Condition,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Number => "a number",
            Ty::Series => "a series",
            Ty::Condition => "a condition (true/false)",
        }
    }
}

/// A parameter the rules read, with where it first appears.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamUse {
    pub name: String,
    pub rule: usize,
    pub offset: usize,
}

#[derive(Debug, Clone)]
struct Value {
    col: Col,
    ty: Ty,
    deps: u32,
    /// Canonical text of the expression (the CSE key).
    key: String,
    at: usize,
}

const SERIES: [(&str, Input); 5] = [
    ("open", Input::Open),
    ("high", Input::High),
    ("low", Input::Low),
    ("close", Input::Close),
    ("volume", Input::Volume),
];

const BUILTINS: [&str; 11] = [
    "crossover",
    "crossunder",
    "shift",
    "highest",
    "lowest",
    "abs",
    "min",
    "max",
    "if",
    "tf",
    "pandas_sma",
];

/// What [`Compiler::finish`] gives: the program and what it reads.
pub struct Compiled {
    pub program: Program,
    pub params: Vec<ParamUse>,
    /// `tf` timeframes as written and in milliseconds.
    pub timeframes: Vec<(String, i64)>,
    /// Catalogue functions called, in order of first use.
    pub indicators: Vec<&'static str>,
}

/// One program under construction.
#[derive(Default)]
struct Frame {
    program: Program,
    memo: HashMap<String, (Col, Ty, u32)>,
}

/// Compiles several rules into one program sharing parameters and sub-expressions.
pub struct Compiler {
    catalogue: Vec<CatalogueEntry>,
    frames: Vec<Frame>,
    pub params: Vec<ParamUse>,
    pub timeframes: Vec<(String, i64)>,
    /// Indicator names in the order first used.
    pub indicators: Vec<&'static str>,
    calls: usize,
    rule: usize,
    depth: usize,
}

impl Compiler {
    pub fn new() -> Self {
        Compiler {
            catalogue: indicators::catalogue(),
            frames: vec![Frame::default()],
            params: Vec::new(),
            timeframes: Vec::new(),
            indicators: Vec::new(),
            calls: 0,
            rule: 0,
            depth: 0,
        }
    }

    /// Compiles rule number `rule`; the result must be a condition.
    pub fn rule(&mut self, rule: usize, expr: &Expr) -> Result<Col, RuleError> {
        self.rule = rule;
        let v = self.expr(expr)?;
        if v.ty != Ty::Condition {
            return Err(RuleError::new(
                expr.at,
                format!(
                    "a rule must be a condition, but this is {}; compare it (e.g. 'close > x')",
                    v.ty.name()
                ),
                "a condition",
            ));
        }
        Ok(v.col)
    }

    /// Compiles a single expression of any type (for `evaluate`).
    pub fn any(&mut self, expr: &Expr) -> Result<(Col, Ty), RuleError> {
        let v = self.expr(expr)?;
        Ok((v.col, v.ty))
    }

    pub fn finish(mut self) -> Compiled {
        let program = self.frames.pop().map(|f| f.program).unwrap_or_default();
        Compiled {
            program,
            params: self.params,
            timeframes: self.timeframes,
            indicators: self.indicators,
        }
    }

    fn frame(&mut self) -> &mut Frame {
        // `frames` starts with one frame and `tf` pops only what it pushed.
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn scalar(&mut self, op: ScalarOp, deps: u32, key: String, at: usize) -> Value {
        if let Some(&(col, ty, deps)) = self.frame().memo.get(&key) {
            return Value {
                col,
                ty,
                deps,
                key,
                at,
            };
        }
        let f = self.frame();
        f.program.scalars.push(op);
        let col = Col::Scalar(f.program.scalars.len() - 1);
        f.memo.insert(key.clone(), (col, Ty::Number, deps));
        Value {
            col,
            ty: Ty::Number,
            deps,
            key,
            at,
        }
    }

    fn op(&mut self, op: Op, ty: Ty, deps: u32, key: String, at: usize, warm: bool) -> Value {
        if let Some(&(col, ty, deps)) = self.frame().memo.get(&key) {
            return Value {
                col,
                ty,
                deps,
                key,
                at,
            };
        }
        let f = self.frame();
        let out = f.program.slots;
        f.program.slots += 1;
        f.program.steps.push(Step::Op { op, out });
        if warm {
            f.program.warm.push(Col::Slot(out));
        }
        f.memo.insert(key.clone(), (Col::Slot(out), ty, deps));
        Value {
            col: Col::Slot(out),
            ty,
            deps,
            key,
            at,
        }
    }

    /// Registers a call (deduplicated by `key`); returns its index.
    fn call(
        &mut self,
        kind: CallKind,
        deps: u32,
        key: &str,
        at: usize,
        outputs: usize,
    ) -> Result<usize, RuleError> {
        if let Some(&(Col::Out(c, _), _, _)) = self.frame().memo.get(key) {
            return Ok(c);
        }
        self.calls += 1;
        if self.calls > MAX_CALLS {
            return Err(RuleError::limit(
                at,
                format!("the rules call more than {MAX_CALLS} indicators; split them or simplify"),
                MAX_CALLS,
            ));
        }
        let f = self.frame();
        f.program.calls.push(Call { kind, deps });
        let c = f.program.calls.len() - 1;
        f.program.steps.push(Step::Call(c));
        for k in 0..outputs {
            f.program.warm.push(Col::Out(c, k));
        }
        f.memo
            .insert(key.to_string(), (Col::Out(c, 0), Ty::Series, deps));
        Ok(c)
    }

    fn expr(&mut self, e: &Expr) -> Result<Value, RuleError> {
        self.depth += 1;
        if self.depth > MAX_COMPILE_DEPTH {
            return Err(RuleError::limit(
                e.at,
                format!(
                    "the rule is nested more than {MAX_COMPILE_DEPTH} operations deep; simplify it"
                ),
                MAX_COMPILE_DEPTH,
            ));
        }
        let v = self.expr_inner(e);
        self.depth -= 1;
        v
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<Value, RuleError> {
        let at = e.at;
        match &e.node {
            Node::Num(v) => {
                if !v.is_finite() {
                    return Err(RuleError::new(
                        at,
                        "the number is too large",
                        "a finite number",
                    ));
                }
                Ok(self.scalar(ScalarOp::Const(*v), 0, format!("{v:?}"), at))
            }
            Node::Str(s) => Err(RuleError::new(
                at,
                format!("a string ('{s}') is only valid as tf()'s timeframe"),
                "a number, a series or a condition",
            )),
            Node::Ident(name) => self.ident(name, at),
            Node::Neg(x) => {
                let x = self.expr(x)?;
                match x.ty {
                    Ty::Number => Ok(self.scalar(
                        ScalarOp::Neg(scalar_index(x.col)),
                        x.deps,
                        format!("neg({})", x.key),
                        at,
                    )),
                    Ty::Series => Ok(self.op(
                        Op::Neg(x.col),
                        Ty::Series,
                        x.deps,
                        format!("neg({})", x.key),
                        at,
                        false,
                    )),
                    Ty::Condition => Err(type_error(&x, "a number or a series", "'-'")),
                }
            }
            Node::Not(x) => {
                let x = self.expr(x)?;
                if x.ty != Ty::Condition {
                    return Err(type_error(&x, "a condition", "'not'"));
                }
                Ok(self.op(
                    Op::Not(x.col),
                    Ty::Condition,
                    x.deps,
                    format!("not({})", x.key),
                    at,
                    false,
                ))
            }
            Node::Binary(op, a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                self.binary(*op, a, b, at)
            }
            Node::Call { name, args } => self.call_expr(name, args, at, None),
            Node::Field {
                base,
                field,
                field_at,
            } => match &base.node {
                Node::Call { name, args } => {
                    self.call_expr(name, args, base.at, Some((field, *field_at)))
                }
                _ => Err(RuleError::new(
                    *field_at,
                    format!("'.{field}' follows something that is not a function call"),
                    "an indicator call such as MACD(close, 12, 26, 9).macdsignal",
                )),
            },
        }
    }

    fn ident(&mut self, name: &str, at: usize) -> Result<Value, RuleError> {
        if let Some((_, input)) = SERIES.iter().find(|(n, _)| *n == name) {
            return Ok(Value {
                col: Col::Input(*input),
                ty: Ty::Series,
                deps: 0,
                key: name.to_string(),
                at,
            });
        }
        let lower = name.to_ascii_lowercase();
        if let Some((series, _)) = SERIES.iter().find(|(n, _)| *n == lower) {
            return Err(RuleError::new(
                at,
                format!("unknown identifier '{name}'; series names are lower-case: did you mean {series}?"),
                *series,
            ));
        }
        if matches!(name, "and" | "or" | "not") {
            return Err(RuleError::new(
                at,
                format!("'{name}' needs a condition on both sides"),
                "a condition",
            ));
        }
        if BUILTINS.contains(&name) || self.catalogue.iter().any(|c| c.name == name) {
            return Err(RuleError::new(
                at,
                format!("'{name}' is a function; call it with arguments: {name}(...)"),
                "'('",
            ));
        }
        let index = match self.params.iter().position(|p| p.name == name) {
            Some(i) => i,
            None => {
                if self.params.len() >= MAX_PARAMS {
                    return Err(RuleError::limit(
                        at,
                        format!("the rules use more than {MAX_PARAMS} parameters"),
                        MAX_PARAMS,
                    ));
                }
                self.params.push(ParamUse {
                    name: name.to_string(),
                    rule: self.rule,
                    offset: at,
                });
                self.params.len() - 1
            }
        };
        Ok(self.scalar(ScalarOp::Param(index), 1 << index, format!("${name}"), at))
    }

    fn binary(&mut self, op: BinOp, a: Value, b: Value, at: usize) -> Result<Value, RuleError> {
        let deps = a.deps | b.deps;
        let key = format!("({} {} {})", a.key, op.symbol(), b.key);
        match op {
            BinOp::And | BinOp::Or => {
                for v in [&a, &b] {
                    if v.ty != Ty::Condition {
                        return Err(type_error(v, "a condition", &format!("'{}'", op.symbol())));
                    }
                }
                Ok(self.op(
                    Op::Bin(op, a.col, b.col),
                    Ty::Condition,
                    deps,
                    key,
                    at,
                    false,
                ))
            }
            _ => {
                for v in [&a, &b] {
                    if v.ty == Ty::Condition {
                        return Err(type_error(
                            v,
                            "a number or a series",
                            &format!("'{}'", op.symbol()),
                        ));
                    }
                }
                if op.is_comparison() {
                    Ok(self.op(
                        Op::Bin(op, a.col, b.col),
                        Ty::Condition,
                        deps,
                        key,
                        at,
                        false,
                    ))
                } else if a.ty == Ty::Number && b.ty == Ty::Number {
                    let s = ScalarOp::Bin(op, scalar_index(a.col), scalar_index(b.col));
                    Ok(self.scalar(s, deps, key, at))
                } else {
                    Ok(self.op(Op::Bin(op, a.col, b.col), Ty::Series, deps, key, at, false))
                }
            }
        }
    }

    fn call_expr(
        &mut self,
        name: &str,
        args: &[Arg],
        at: usize,
        field: Option<(&str, usize)>,
    ) -> Result<Value, RuleError> {
        if BUILTINS.contains(&name) {
            if let Some((f, fat)) = field {
                return Err(RuleError::new(
                    fat,
                    format!("{name}() has no output '.{f}'"),
                    "no field",
                ));
            }
            if let Some(a) = args.iter().find(|a| a.name.is_some()) {
                let (n, nat) = a.name.clone().unwrap_or_default();
                return Err(RuleError::new(
                    nat,
                    format!("{name}() takes no named argument '{n}'"),
                    "positional arguments",
                ));
            }
            return self.builtin(name, args, at);
        }
        let entry = match self.catalogue.iter().position(|c| c.name == name) {
            Some(i) => i,
            // Lower-case names are the built-ins (min/max are element-wise, MIN/MAX rolling).
            None => match self
                .catalogue
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
            {
                Some(i) => i,
                None => {
                    let mut candidates: Vec<&str> = BUILTINS.to_vec();
                    candidates.extend(self.catalogue.iter().map(|c| c.name));
                    let close = close_names(name, candidates);
                    let hint = if close.is_empty() {
                        String::new()
                    } else {
                        format!("; did you mean {}?", close.join(", "))
                    };
                    return Err(RuleError::new(
                        at,
                        format!("unknown function '{name}'{hint}"),
                        if close.is_empty() {
                            "a catalogue function or a built-in".to_string()
                        } else {
                            close.join(", ")
                        },
                    ));
                }
            },
        };
        self.indicator(entry, args, at, field)
    }

    fn indicator(
        &mut self,
        entry: usize,
        args: &[Arg],
        at: usize,
        field: Option<(&str, usize)>,
    ) -> Result<Value, RuleError> {
        let e = self.catalogue[entry].clone();
        let signature = || {
            let params: Vec<&str> = e.params.iter().map(|p| p.name).collect();
            format!(
                "{}({}{}{})",
                e.name,
                e.inputs.join(", "),
                if params.is_empty() { "" } else { ", " },
                params.join(", ")
            )
        };
        let mut inputs: Vec<Option<Value>> = vec![None; e.inputs.len()];
        let mut params: Vec<Option<Value>> = vec![None; e.params.len()];
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let mut values = Vec::with_capacity(positional.len());
        for a in &positional {
            values.push(self.expr(&a.value)?);
        }
        // Inputs are given positionally when the first argument is a series.
        let inputs_given = values.first().is_some_and(|v| v.ty != Ty::Number);
        let mut slots_left = e.params.len() + if inputs_given { e.inputs.len() } else { 0 };
        for (i, v) in values.into_iter().enumerate() {
            if slots_left == 0 {
                return Err(RuleError::new(
                    v.at,
                    format!("too many arguments: {} takes {}", e.name, signature()),
                    signature(),
                ));
            }
            slots_left -= 1;
            if inputs_given && i < e.inputs.len() {
                inputs[i] = Some(v);
            } else {
                let k = if inputs_given { i - e.inputs.len() } else { i };
                params[k] = Some(v);
            }
        }
        for a in args.iter().filter(|a| a.name.is_some()) {
            let (n, nat) = a.name.clone().unwrap_or_default();
            let target = if let Some(k) = e.inputs.iter().position(|x| *x == n) {
                &mut inputs[k]
            } else if let Some(k) = e.params.iter().position(|p| p.name == n) {
                &mut params[k]
            } else {
                return Err(RuleError::new(
                    nat,
                    format!("{} has no argument '{n}'; it takes {}", e.name, signature()),
                    signature(),
                ));
            };
            if target.is_some() {
                return Err(RuleError::new(
                    nat,
                    format!("argument '{n}' is given twice"),
                    "each argument once",
                ));
            }
            *target = Some(self.expr(&a.value)?);
        }
        let mut deps = 0;
        let mut key = format!("{}(", e.name);
        let mut lowered_inputs = Vec::with_capacity(e.inputs.len());
        for (k, name) in e.inputs.iter().enumerate() {
            let input = crate::indicators::Input::ALL
                .iter()
                .copied()
                .find(|i| i.name() == *name)
                .unwrap_or(Input::Close);
            let col = match &inputs[k] {
                Some(v) if v.ty == Ty::Series => {
                    deps |= v.deps;
                    key.push_str(&format!("{name}={},", v.key));
                    v.col
                }
                Some(v) => {
                    return Err(type_error(
                        v,
                        "a series",
                        &format!("{}'s input '{name}'", e.name),
                    ))
                }
                None if input == Input::Periods => {
                    return Err(RuleError::new(
                        at,
                        format!("{} needs its '{name}' input: give it as a series", e.name),
                        signature(),
                    ))
                }
                None => {
                    key.push_str(&format!("{name}={name},"));
                    Col::Input(input)
                }
            };
            lowered_inputs.push((input, col));
        }
        let mut lowered_params = Vec::new();
        for (k, p) in e.params.iter().enumerate() {
            if let Some(v) = &params[k] {
                if v.ty != Ty::Number {
                    return Err(type_error(
                        v,
                        "a number or a parameter",
                        &format!("{}'s '{}'", e.name, p.name),
                    ));
                }
                self.check_literal(v, p, e.name)?;
                deps |= v.deps;
                key.push_str(&format!("{}={},", p.name, v.key));
                lowered_params.push((p.name, scalar_index(v.col)));
            }
        }
        key.push(')');
        let output = match field {
            Some((f, fat)) => e.outputs.iter().position(|o| *o == f).ok_or_else(|| {
                RuleError::new(
                    fat,
                    format!(
                        "{} has no output '{f}'; its outputs are {}",
                        e.name,
                        e.outputs.join(", ")
                    ),
                    e.outputs.join(", "),
                )
            })?,
            None if e.outputs.len() == 1 => 0,
            None => {
                return Err(RuleError::new(
                    at,
                    format!(
                        "{} has {} outputs; pick one with a field, e.g. .{} (outputs: {})",
                        e.name,
                        e.outputs.len(),
                        e.outputs.get(1).unwrap_or(&""),
                        e.outputs.join(", ")
                    ),
                    e.outputs.join(", "),
                ))
            }
        };
        if !self.indicators.contains(&e.name) {
            self.indicators.push(e.name);
        }
        let kind = CallKind::Indicator {
            name: e.name,
            inputs: lowered_inputs,
            params: lowered_params,
            outputs: e.outputs.len(),
        };
        let c = self.call(kind, deps, &key, at, e.outputs.len())?;
        Ok(Value {
            col: Col::Out(c, output),
            ty: Ty::Series,
            deps,
            key: format!("{key}.{output}"),
            at,
        })
    }

    /// A literal parameter value is range-checked here, with its position; parameters bound
    /// later are checked per evaluation (INVALID_PARAMETER naming the indicator).
    fn check_literal(
        &mut self,
        v: &Value,
        p: &ParamEntry,
        function: &str,
    ) -> Result<(), RuleError> {
        let Col::Scalar(k) = v.col else { return Ok(()) };
        let Some(ScalarOp::Const(x)) = self.frame().program.scalars.get(k).cloned() else {
            return Ok(());
        };
        let whole = !matches!(p.kind, ParamKind::Real);
        if x < p.min || x > p.max || (whole && x.fract() != 0.0) {
            let what = if whole { "a whole number" } else { "a number" };
            let range = format!("{what} in [{}, {}]", p.min, p.max);
            return Err(RuleError::new(
                v.at,
                format!("{function}'s {} must be {range}, got {x}", p.name),
                range,
            ));
        }
        Ok(())
    }

    fn builtin(&mut self, name: &str, args: &[Arg], at: usize) -> Result<Value, RuleError> {
        let arity = match name {
            "abs" => 1,
            "if" => 3,
            _ => 2,
        };
        let usage = match name {
            "crossover" | "crossunder" => format!("{name}(a, b)"),
            "shift" => "shift(x, k)".into(),
            "highest" | "lowest" | "pandas_sma" => format!("{name}(x, n)"),
            "abs" => "abs(x)".into(),
            "if" => "if(condition, a, b)".into(),
            "tf" => "tf('1d', expression)".into(),
            _ => format!("{name}(a, b)"),
        };
        if args.len() != arity {
            let at = args.get(arity).map_or(at, |a| a.value.at);
            return Err(RuleError::new(
                at,
                format!(
                    "{name}() takes {arity} argument{}, got {}: {usage}",
                    if arity == 1 { "" } else { "s" },
                    args.len()
                ),
                usage,
            ));
        }
        if name == "tf" {
            return self.tf(args, at);
        }
        let mut v = Vec::with_capacity(arity);
        for a in args {
            v.push(self.expr(&a.value)?);
        }
        let deps = v.iter().fold(0, |d, x| d | x.deps);
        let key = format!(
            "{name}({})",
            v.iter()
                .map(|x| x.key.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        let series_or_number = |x: &Value, what: &str| -> Result<(), RuleError> {
            if x.ty == Ty::Condition {
                Err(type_error(x, "a number or a series", what))
            } else {
                Ok(())
            }
        };
        let number = |x: &Value, what: &str| -> Result<usize, RuleError> {
            if x.ty == Ty::Number {
                Ok(scalar_index(x.col))
            } else {
                Err(type_error(x, "a number or a parameter", what))
            }
        };
        match name {
            "crossover" | "crossunder" => {
                series_or_number(&v[0], name)?;
                series_or_number(&v[1], name)?;
                let (a, b) = if name == "crossover" {
                    (v[0].col, v[1].col)
                } else {
                    (v[1].col, v[0].col)
                };
                Ok(self.op(Op::Cross(a, b), Ty::Condition, deps, key, at, false))
            }
            "shift" => {
                if v[0].ty == Ty::Number {
                    return Err(type_error(&v[0], "a series or a condition", "shift"));
                }
                let k = number(&v[1], "shift's bar count")?;
                let condition = v[0].ty == Ty::Condition;
                Ok(self.op(
                    Op::Shift {
                        x: v[0].col,
                        k,
                        condition,
                    },
                    v[0].ty,
                    deps,
                    key,
                    at,
                    !condition,
                ))
            }
            "highest" | "lowest" | "pandas_sma" => {
                if v[0].ty != Ty::Series {
                    return Err(type_error(&v[0], "a series", name));
                }
                let n = number(&v[1], &format!("{name}'s period"))?;
                let kind = match name {
                    "highest" => Window::Highest,
                    "lowest" => Window::Lowest,
                    _ => Window::PandasSma,
                };
                let c = self.call(
                    CallKind::Window {
                        kind,
                        x: v[0].col,
                        n,
                    },
                    deps,
                    &key,
                    at,
                    1,
                )?;
                Ok(Value {
                    col: Col::Out(c, 0),
                    ty: Ty::Series,
                    deps,
                    key,
                    at,
                })
            }
            "abs" => {
                series_or_number(&v[0], "abs")?;
                if v[0].ty == Ty::Number {
                    Ok(self.scalar(ScalarOp::Abs(scalar_index(v[0].col)), deps, key, at))
                } else {
                    Ok(self.op(Op::Abs(v[0].col), Ty::Series, deps, key, at, false))
                }
            }
            "min" | "max" => {
                series_or_number(&v[0], name)?;
                series_or_number(&v[1], name)?;
                if v[0].ty == Ty::Number && v[1].ty == Ty::Number {
                    let (a, b) = (scalar_index(v[0].col), scalar_index(v[1].col));
                    let s = if name == "min" {
                        ScalarOp::Min(a, b)
                    } else {
                        ScalarOp::Max(a, b)
                    };
                    Ok(self.scalar(s, deps, key, at))
                } else {
                    let op = if name == "min" {
                        Op::Min(v[0].col, v[1].col)
                    } else {
                        Op::Max(v[0].col, v[1].col)
                    };
                    Ok(self.op(op, Ty::Series, deps, key, at, false))
                }
            }
            _ => {
                // if(cond, a, b)
                if v[0].ty != Ty::Condition {
                    return Err(type_error(&v[0], "a condition", "if's first argument"));
                }
                let both_conditions = v[1].ty == Ty::Condition && v[2].ty == Ty::Condition;
                if !both_conditions {
                    series_or_number(&v[1], "if")?;
                    series_or_number(&v[2], "if")?;
                }
                let ty = if both_conditions {
                    Ty::Condition
                } else {
                    Ty::Series
                };
                Ok(self.op(
                    Op::If(v[0].col, v[1].col, v[2].col),
                    ty,
                    deps,
                    key,
                    at,
                    false,
                ))
            }
        }
    }

    fn tf(&mut self, args: &[Arg], at: usize) -> Result<Value, RuleError> {
        let spec_arg = &args[0].value;
        let Node::Str(spec) = &spec_arg.node else {
            return Err(RuleError::new(
                spec_arg.at,
                "tf()'s first argument is a quoted timeframe",
                "a timeframe such as '1d' or '4h'",
            ));
        };
        if self.frames.len() > 1 {
            return Err(RuleError::new(
                at,
                "tf() cannot be nested inside tf()",
                "an expression without tf()",
            ));
        }
        let ms = crate::series::parse_timeframe(spec).map_err(|_| {
            RuleError::new(
                spec_arg.at,
                format!("'{spec}' is not a timeframe"),
                "a timeframe such as 15m, 1h, 4h, 1d, 1w",
            )
        })?;
        let tf = match self.timeframes.iter().position(|(_, m)| *m == ms) {
            Some(i) => i,
            None => {
                if self.timeframes.len() >= MAX_TIMEFRAMES {
                    return Err(RuleError::limit(
                        at,
                        format!("the rules use more than {MAX_TIMEFRAMES} timeframes"),
                        MAX_TIMEFRAMES,
                    ));
                }
                self.timeframes.push((spec.clone(), ms));
                self.timeframes.len() - 1
            }
        };
        self.frames.push(Frame::default());
        let inner = self.expr(&args[1].value);
        let frame = self.frames.pop().unwrap_or_default();
        let inner = inner?;
        if inner.ty == Ty::Number {
            return Err(type_error(&inner, "a series or a condition", "tf"));
        }
        let condition = inner.ty == Ty::Condition;
        let key = format!("tf({ms},{})", inner.key);
        let kind = CallKind::Tf {
            tf,
            inner: Box::new(frame.program),
            root: inner.col,
            condition,
        };
        let c = self.call(kind, inner.deps, &key, at, 1)?;
        Ok(Value {
            col: Col::Out(c, 0),
            ty: inner.ty,
            deps: inner.deps,
            key,
            at,
        })
    }
}

impl Default for Compiler {
    fn default() -> Self {
        Self::new()
    }
}

fn scalar_index(col: Col) -> usize {
    match col {
        Col::Scalar(i) => i,
        // Only called on values typed Number, which are always scalars.
        _ => 0,
    }
}

fn type_error(v: &Value, expected: &str, context: &str) -> RuleError {
    RuleError::new(
        v.at,
        format!("{context} needs {expected}, but this is {}", v.ty.name()),
        expected,
    )
}
