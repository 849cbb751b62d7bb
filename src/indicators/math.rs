//! Math transforms and operators, price transforms and statistic functions (TA-Lib's "Math
//! Transform", "Math Operators", "Price Transform" and part of "Statistic Functions").
//!
//! * [`pointwise`]: one value per bar from that bar alone (ACOS … TANH, ADD/SUB/MULT/DIV,
//!   AVGPRICE/MEDPRICE/TYPPRICE/WCLPRICE) and the two running ones, CUMSUM and HA.
//! * [`extremes`]: window maximum/minimum (MAX, MIN, MINMAX) and their bar indices
//!   (MAXINDEX, MININDEX, MINMAXINDEX).
//! * [`windowed`]: SUM, AVGDEV, BETA, CORREL, PERCENTILE, PERCENTRANK.
//!
//! The linear-regression family and VAR live with STDDEV in `stats.rs` (shared sums); they
//! are re-exported here so the declaration table sees every kernel of this section.

mod extremes;
mod pointwise;
mod windowed;

pub(crate) use super::stats::{LinRegAngleK, LinRegInterceptK, TsfK, VarK};
pub(crate) use extremes::*;
pub(crate) use pointwise::*;
pub(crate) use windowed::*;
