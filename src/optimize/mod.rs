//! Parameter optimization: spaces, grid/random search, the evaluation loop (sequential or on a
//! rayon pool), aggregation and export, multi-strategy batches and walk-forward analysis.
//!
//! The evaluation boundary is the `Evaluate` trait (`Fn(&Params) -> Result<Evaluation>`), so
//! everything here runs on synthetic objectives as well as on the backtester.

pub mod aggregate;
pub mod batch;
pub mod config;
pub mod constraint;
pub mod engine;
pub mod evaluator;
pub mod export;
pub mod heatmap;
pub mod params;
pub mod report;
pub mod search;
pub mod space;
pub mod walkforward;

pub use config::{OptimizeConfig, Plan};
pub use constraint::Constraint;
pub use engine::{
    CancelToken, Clock, Evaluate, Evaluation, Objective, Observer, Options, Outcome, Progress, Row,
    Runner, Silent, Stat, Status,
};
pub use params::{ParamValue, Params};
pub use report::Report;
pub use search::{Candidates, Method};
pub use space::{Dim, Space, SpaceSpec};
