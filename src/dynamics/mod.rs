//! Gradient descent: the one loop and its configuration ([`gd`]), the one period detector
//! ([`period`]), observers that watch a run ([`observers`]) and the long-run classification
//! built on them ([`classify`]).

pub mod classify;
pub mod gd;
pub mod observers;
pub mod period;

pub use gd::{gd_step, run_gd, GdConfig, NoObserver, Observer, Outcome, Problem, RunResult, Stop, TracePoint, Workspace};
pub use observers::ProductIdentity;
