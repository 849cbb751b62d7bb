//! Recursive-descent parser: rule text → syntax tree, every node with its offset.
//!
//! Precedence, loosest first: `or`, `and`, `not`, comparisons (not chained), `+ -`, `* /`,
//! unary minus, `.field`. Depth is bounded ([`MAX_DEPTH`]) so hostile input cannot exhaust the
//! stack: each nesting level (parenthesis, call argument, unary operator) counts.

use super::error::RuleError;
use super::lexer::{tokenize, Tok, Token};

/// Deepest nesting accepted (RESOURCE_LIMIT beyond).
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Num(f64),
    Str(String),
    Ident(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        args: Vec<Arg>,
    },
    /// `call.field` (a multi-output indicator's output).
    Field {
        base: Box<Expr>,
        field: String,
        field_at: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub node: Node,
    /// Byte offset where the expression starts (for a binary operation: the operator).
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `name=` of a named argument, with its offset.
    pub name: Option<(String, usize)>,
    pub value: Expr,
}

/// Parses one rule.
pub fn parse(src: &str) -> Result<Expr, RuleError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    let t = p.peek();
    if t.tok != Tok::End {
        let expected = if matches!(t.tok, Tok::Ident(_) | Tok::Num(_)) {
            "an operator ('and', 'or', a comparison, + - * /) or the end of the rule"
        } else {
            "an operator or the end of the rule"
        };
        return Err(RuleError::new(
            t.at,
            format!("unexpected {}", t.tok.describe()),
            expected,
        ));
    }
    Ok(e)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // `tokenize` always ends with `End`, and `bump` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if &self.peek().tok == tok {
            self.bump();
            true
        } else {
            false
        }
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s == word)
    }

    fn expect(&mut self, tok: Tok, expected: &str) -> Result<Token, RuleError> {
        let t = self.peek().clone();
        if t.tok == tok {
            Ok(self.bump())
        } else {
            Err(RuleError::new(
                t.at,
                format!("expected {expected}, found {}", t.tok.describe()),
                expected,
            ))
        }
    }

    /// One nesting level deeper, opened by the token at `at`.
    fn enter(&mut self, at: usize) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RuleError::limit(
                at,
                format!("the rule nests deeper than {MAX_DEPTH} levels; simplify it"),
                MAX_DEPTH,
            ));
        }
        Ok(())
    }

    fn binary_chain(
        &mut self,
        next: fn(&mut Self) -> Result<Expr, RuleError>,
        word: &str,
        op: BinOp,
    ) -> Result<Expr, RuleError> {
        let mut left = next(self)?;
        while self.is_word(word) {
            let at = self.bump().at;
            let right = next(self)?;
            left = Expr {
                node: Node::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        self.binary_chain(Self::and, "or", BinOp::Or)
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        self.binary_chain(Self::not, "and", BinOp::And)
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if self.is_word("not") {
            let at = self.bump().at;
            self.enter(at)?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr {
                node: Node::Not(Box::new(inner)),
                at,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, RuleError> {
        let left = self.additive()?;
        let op = match self.peek().tok {
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::EqEq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            _ => return Ok(left),
        };
        let at = self.bump().at;
        let right = self.additive()?;
        let t = self.peek();
        if matches!(
            t.tok,
            Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::EqEq | Tok::Ne
        ) {
            return Err(RuleError::new(
                t.at,
                "comparisons do not chain; join them with 'and'",
                "'and', 'or' or the end of the rule",
            ));
        }
        Ok(Expr {
            node: Node::Binary(op, Box::new(left), Box::new(right)),
            at,
        })
    }

    fn additive(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek().tok {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(left),
            };
            let at = self.bump().at;
            let right = self.multiplicative()?;
            left = Expr {
                node: Node::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().tok {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                _ => return Ok(left),
            };
            let at = self.bump().at;
            let right = self.unary()?;
            left = Expr {
                node: Node::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.peek().tok == Tok::Minus {
            let at = self.bump().at;
            self.enter(at)?;
            let inner = self.unary()?;
            self.depth -= 1;
            // Fold literal negatives so `-1` stays a number.
            if let Node::Num(v) = inner.node {
                return Ok(Expr {
                    node: Node::Num(-v),
                    at,
                });
            }
            return Ok(Expr {
                node: Node::Neg(Box::new(inner)),
                at,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, RuleError> {
        let mut e = self.primary()?;
        while self.peek().tok == Tok::Dot {
            self.bump();
            let t = self.bump();
            let Tok::Ident(field) = t.tok else {
                return Err(RuleError::new(
                    t.at,
                    "expected an output name after '.'",
                    "an output name such as macdsignal",
                ));
            };
            let at = e.at;
            e = Expr {
                node: Node::Field {
                    base: Box::new(e),
                    field,
                    field_at: t.at,
                },
                at,
            };
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let t = self.bump();
        let at = t.at;
        match t.tok {
            Tok::Num(v) => Ok(Expr {
                node: Node::Num(v),
                at,
            }),
            Tok::Str(s) => Ok(Expr {
                node: Node::Str(s),
                at,
            }),
            Tok::LParen => {
                self.enter(at)?;
                let e = self.or()?;
                self.depth -= 1;
                self.expect(Tok::RParen, "')'")?;
                Ok(e)
            }
            Tok::Ident(name) if matches!(name.as_str(), "and" | "or" | "not") => {
                Err(RuleError::new(
                    at,
                    format!("'{name}' needs a condition before it"),
                    "a number, a series, a parameter or a function call",
                ))
            }
            Tok::Ident(name) => {
                if self.peek().tok != Tok::LParen {
                    return Ok(Expr {
                        node: Node::Ident(name),
                        at,
                    });
                }
                self.bump();
                self.enter(at)?;
                let args = self.args()?;
                self.depth -= 1;
                Ok(Expr {
                    node: Node::Call { name, args },
                    at,
                })
            }
            other => Err(RuleError::new(
                at,
                format!("unexpected {}", other.describe()),
                "a number, a series, a parameter or a function call",
            )),
        }
    }

    /// Arguments after `(`, through the closing `)`.
    fn args(&mut self) -> Result<Vec<Arg>, RuleError> {
        let mut args = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(args);
        }
        loop {
            let named = match (
                &self.peek().tok,
                self.tokens.get(self.pos + 1).map(|t| &t.tok),
            ) {
                (Tok::Ident(n), Some(Tok::Assign)) => Some((n.clone(), self.peek().at)),
                _ => None,
            };
            if named.is_some() {
                self.bump();
                self.bump();
            } else if args.iter().any(|a: &Arg| a.name.is_some()) {
                let at = self.peek().at;
                return Err(RuleError::new(
                    at,
                    "a positional argument follows a named one",
                    "name=value",
                ));
            }
            let value = self.or()?;
            args.push(Arg { name: named, value });
            let t = self.bump();
            match t.tok {
                Tok::Comma => continue,
                Tok::RParen => return Ok(args),
                other => {
                    return Err(RuleError::new(
                        t.at,
                        format!(
                            "expected ',' or ')' in the argument list, found {}",
                            other.describe()
                        ),
                        "',' or ')'",
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(e: &Expr) -> String {
        match &e.node {
            Node::Num(v) => format!("{v}"),
            Node::Str(s) => format!("'{s}'"),
            Node::Ident(s) => s.clone(),
            Node::Neg(x) => format!("(-{})", show(x)),
            Node::Not(x) => format!("(not {})", show(x)),
            Node::Binary(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
            Node::Call { name, args } => {
                let a: Vec<String> = args
                    .iter()
                    .map(|a| match &a.name {
                        Some((n, _)) => format!("{n}={}", show(&a.value)),
                        None => show(&a.value),
                    })
                    .collect();
                format!("{name}({})", a.join(", "))
            }
            Node::Field { base, field, .. } => format!("{}.{field}", show(base)),
        }
    }

    #[test]
    fn precedence_and_shapes() {
        let e = parse("not a > 1 + 2 * -b and c or d").expect("parse");
        assert_eq!(show(&e), "(((not (a > (1 + (2 * (-b))))) and c) or d)");
        let e = parse("MACD(close, 12, slowperiod=26).macdsignal < -1").expect("parse");
        assert_eq!(show(&e), "(MACD(close, 12, slowperiod=26).macdsignal < -1)");
        assert_eq!(
            show(&parse("tf('1d', f())").expect("parse")),
            "tf('1d', f())"
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(parse("close >").unwrap_err().offset, 7);
        assert_eq!(parse("(close > 1").unwrap_err().offset, 10);
        assert_eq!(parse("a < b < c").unwrap_err().offset, 6);
        assert_eq!(parse("SMA(close 3)").unwrap_err().offset, 10);
        assert_eq!(parse("SMA(n=3, close)").unwrap_err().offset, 9);
        assert_eq!(parse("close > 1 2").unwrap_err().offset, 10);
        let deep = format!("{}close{}", "(".repeat(100), ")".repeat(100));
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.limit, Some(MAX_DEPTH));
        assert_eq!(e.offset, MAX_DEPTH);
        assert!(parse(&format!("{}1", "-".repeat(10_000))).is_err());
        assert!(parse(&format!("{}x", "not ".repeat(10_000))).is_err());
    }
}
