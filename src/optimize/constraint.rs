//! Constraints over parameters (`'n1 < n2'`), compiled once with `evalexpr` and evaluated per
//! combination. Integral values are integers (like Python ints from `range`), so `==` against
//! integer literals works; `/` on two integers is integer division (write `n2 >= 2 * n1`).

use super::params::ParamValue;
use super::space::Space;
use crate::{Error, Result};
use evalexpr::{
    build_operator_tree, Context, DefaultNumericTypes, EvalexprError, EvalexprResult, Node, Value,
};

type V = Value<DefaultNumericTypes>;

/// Longest accepted constraint expression, in bytes.
pub const MAX_LEN: usize = 1000;

/// A compiled constraint bound to the space's parameter names.
#[derive(Debug, Clone)]
pub struct Constraint {
    source: String,
    tree: Node<DefaultNumericTypes>,
    names: Vec<String>,
    path: String,
}

impl Constraint {
    /// Compiles `expr` and tries it on the space's first values, so syntax errors that the
    /// parser lets through (`n1 < < n2`) and non-boolean results fail here, before any backtest.
    /// Errors are INVALID_PARAMETER at `path`.
    pub fn compile(expr: &str, space: &Space, path: &str) -> Result<Constraint> {
        let c = Self::compile_names(expr, &space.names, path)?;
        let first: Vec<ParamValue> = space.dims.iter().map(|d| d.value(0)).collect();
        c.check(&first)?;
        Ok(c)
    }

    /// Compiles `expr` over the given names (unknown variables → INVALID_PARAMETER).
    pub fn compile_names(expr: &str, names: &[String], path: &str) -> Result<Constraint> {
        // The parser recurses on nesting: bound the input so no expression can exhaust the stack.
        if expr.len() > MAX_LEN {
            return Err(Error::invalid_parameter(format!(
                "{path}: the constraint is {} characters long; the limit is {MAX_LEN}",
                expr.len()
            ))
            .with("path", path)
            .with("size", expr.len())
            .with("limit", MAX_LEN));
        }
        let tree = build_operator_tree::<DefaultNumericTypes>(expr).map_err(|e| {
            Error::invalid_parameter(format!("{path}: cannot parse constraint '{expr}': {e}"))
                .with("path", path)
                .with("constraint", expr)
        })?;
        for var in tree.iter_read_variable_identifiers() {
            if !names.iter().any(|n| n == var) {
                return Err(Error::invalid_parameter(format!(
                    "{path}: constraint '{expr}' uses unknown variable '{var}'; parameters are: {}",
                    names.join(", ")
                ))
                .with("path", path)
                .with("constraint", expr)
                .with("variable", var));
            }
        }
        Ok(Constraint { source: expr.to_string(), tree, names: names.to_vec(), path: path.to_string() })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the combination satisfies the constraint; a non-boolean result or an evaluation
    /// error (type mismatch, assignment) is INVALID_PARAMETER.
    pub fn check(&self, values: &[ParamValue]) -> Result<bool> {
        let ctx = Vars { names: &self.names, values: values.iter().map(to_value).collect() };
        self.tree.eval_boolean_with_context(&ctx).map_err(|e| {
            let combo: Vec<String> =
                self.names.iter().zip(values).map(|(n, v)| format!("{n}={v}")).collect();
            Error::invalid_parameter(format!(
                "{}: constraint '{}' failed for {}: {e}; it must evaluate to true or false",
                self.path,
                self.source,
                combo.join(", ")
            ))
            .with("path", self.path.as_str())
            .with("constraint", self.source.as_str())
        })
    }
}

fn to_value(v: &ParamValue) -> V {
    match v {
        ParamValue::Num(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Value::Int(*x as i64),
        ParamValue::Num(x) => Value::Float(*x),
        ParamValue::Str(s) => Value::String(s.clone()),
        ParamValue::Bool(b) => Value::Boolean(*b),
    }
}

/// A read-only context over one combination (no per-call hash map).
struct Vars<'a> {
    names: &'a [String],
    values: Vec<V>,
}

impl Context for Vars<'_> {
    type NumericTypes = DefaultNumericTypes;

    fn get_value(&self, identifier: &str) -> Option<&V> {
        self.names.iter().position(|n| n == identifier).and_then(|i| self.values.get(i))
    }

    fn call_function(&self, identifier: &str, _argument: &V) -> EvalexprResult<V, DefaultNumericTypes> {
        Err(EvalexprError::FunctionIdentifierNotFound(identifier.to_string()))
    }

    fn are_builtin_functions_disabled(&self) -> bool {
        false
    }

    fn set_builtin_functions_disabled(&mut self, _disabled: bool) -> EvalexprResult<(), DefaultNumericTypes> {
        Err(EvalexprError::BuiltinFunctionsCannotBeDisabled)
    }
}
