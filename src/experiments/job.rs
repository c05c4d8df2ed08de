//! A whole sweep as `normsharp sweep` runs it (THEORY.md T5–T7, §5): the rows of the grid and
//! of its refinement, the regimes measured from them, and (if asked) the precision checks of
//! the rows whose verdict needs one. One value, [`SweepReport`], whether the sweep ran on one
//! machine ([`SweepJob::run`]) or was merged from shards ([`crate::experiments::shard`]).

use crate::error::Result;
use crate::experiments::precision::{precision_checks, rows_to_check, PrecisionCheck, RerunArithmetic};
use crate::experiments::regimes::{regimes, RegimeConfig, Regimes};
use crate::experiments::sweep::{run_sweep_memo, sorted_etas, RowMemo, Sweep, SweepConfig};
use crate::problem::task::Task;
use serde_json::{json, Value};

/// The reruns of `sweep --precision-check`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionSpec {
    /// The arithmetics of the reruns (double-double, quad-double, MPFR at some bits).
    pub arithmetics: Vec<RerunArithmetic>,
    /// Relative tolerance of the limit comparison.
    pub limit_tol: f64,
}

/// Everything that determines a sweep's output: task, learning rates, configuration and the
/// optional precision checks (the regimes use [`RegimeConfig::default`]).
#[derive(Debug, Clone)]
pub struct SweepJob {
    /// The task.
    pub task: Task,
    /// The learning rates of the grid (sorted and deduplicated by [`SweepJob::new`]).
    pub etas: Vec<f64>,
    /// How each run is made and whether the grid is refined.
    pub cfg: SweepConfig,
    /// Precision checks, if asked.
    pub precision: Option<PrecisionSpec>,
}

/// The result of a sweep: rows, regimes, precision checks.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// Settings, predictions and one row per η.
    pub sweep: Sweep,
    /// The regimes measured from the rows.
    pub regimes: Regimes,
    /// The precision checks, if asked.
    pub precision_checks: Option<Vec<PrecisionCheck>>,
    /// How many sweep rows were run here (the rest came from a memo of shards' rows).
    pub rows_run: usize,
}

impl SweepJob {
    /// A job; the learning rates are validated, sorted and deduplicated.
    pub fn new(task: Task, etas: &[f64], cfg: SweepConfig, precision: Option<PrecisionSpec>) -> Result<SweepJob> {
        Ok(SweepJob { task, etas: sorted_etas(etas)?, cfg, precision })
    }

    /// Run the whole sweep on this machine.
    pub fn run(&self) -> Result<SweepReport> {
        self.run_memo(&RowMemo::new())
    }

    /// Run the sweep, taking the sweep rows found in `memo` instead of running them. The
    /// regimes' bisections and the precision checks always run here (they need every row).
    pub fn run_memo(&self, memo: &RowMemo) -> Result<SweepReport> {
        let (sweep, rows_run) = run_sweep_memo(&self.task, &self.etas, &self.cfg, memo)?;
        let reg = regimes(&self.task, &sweep, &self.cfg, &RegimeConfig::default());
        let precision_checks = self.precision.as_ref().map(|p| {
            let ec = reg.eta_c_measured.or(reg.eta_c_predicted);
            precision_checks(&self.task, &self.cfg, &rows_to_check(&sweep, ec), &p.arithmetics, p.limit_tol)
        });
        Ok(SweepReport { sweep, regimes: reg, precision_checks, rows_run })
    }
}

impl SweepReport {
    /// The JSON of `sweep --json`: the sweep's settings, predictions and rows, `regimes`, and
    /// with precision checks `precision_checks` and `precision_unstable_etas`.
    pub fn to_json(&self) -> Value {
        let mut v = self.sweep.to_json();
        if let Value::Object(m) = &mut v {
            m.insert("regimes".into(), serde_json::to_value(&self.regimes).unwrap_or(Value::Null));
            if let Some(checks) = &self.precision_checks {
                let unstable: Vec<f64> = checks.iter().filter(|c| !c.stable).map(|c| c.eta).collect();
                m.insert("precision_unstable_etas".into(), json!(unstable));
                m.insert("precision_checks".into(), serde_json::to_value(checks).unwrap_or(Value::Null));
            }
        }
        v
    }
}
