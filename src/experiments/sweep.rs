//! Learning-rate sweeps (THEORY.md T5–T7): one GD run per η on a grid (linear, logarithmic,
//! or adaptively refined where the outcome or the final sharpness changes fast), the two
//! regimes and the measured critical rate η_c (T6), and the precision stability of the
//! verdicts (§5).
//!
//! Every η is an independent, deterministic f64 run; the runs are spread over rayon's pool and
//! collected in η order, so a sweep gives the same bytes whatever the thread count.
//!
//! ```
//! use normsharp::experiments::sweep::{grid, run_sweep, Spacing, SweepConfig};
//! use normsharp::problem::model::AnyModel;
//! use normsharp::problem::tasks::canonical_two;
//! let task = canonical_two();
//! let cfg = SweepConfig::new(AnyModel::Sw, rug::Rational::from((1, 1000)));
//! let sweep = run_sweep(&task, &grid(0.05, 0.45, 5, Spacing::Linear).unwrap(), &cfg).unwrap();
//! assert_eq!(sweep.rows.len(), 5);
//! // Below η_c ≈ 0.25 GD converges with η·S < 2; the CSV has one line per η.
//! assert!(sweep.rows[0].eta_times_sharpness.unwrap() < 2.0);
//! assert_eq!(normsharp::output::csv::sweep_csv(&sweep).lines().count(), 6);
//! ```

use crate::dynamics::{run_gd, GdConfig, NoObserver, Outcome, Problem, RunResult};
use crate::error::{Error, Result};
use crate::numeric::parallel::{par_map_eta, Progress};
use crate::numeric::real::{norm1, Nearest, Real};
use crate::numeric::vector::{dist, finite};
use crate::numeric::{dd::Dd, qd::Qd};
use crate::problem::design::Design;
use crate::problem::model::{AnyModel, Parametrization};
use crate::problem::sharpness::sharpness;
use crate::problem::task::Task;
use crate::theory::predict::{predict, PredictOptions, Predictions};
use crate::theory::predictions as pred;
use rug::Rational;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------
// Grids

/// Names of the quantities a sweep validates (in [`Error::InvalidInput`]).
pub const GRID_MIN: &str = "learning-rate grid: η_min";
/// See [`GRID_MIN`].
pub const GRID_MAX: &str = "learning-rate grid: η_max";
/// See [`GRID_MIN`].
pub const GRID_POINTS: &str = "learning-rate grid: number of points";
/// See [`GRID_MIN`].
pub const INIT_SCALE: &str = "initialization scale α";

/// How grid points are spaced (and how an interval is bisected when refining).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Spacing {
    /// η_i = η_min + (η_max − η_min)·i/(N − 1); bisection at the arithmetic midpoint.
    Linear,
    /// η_i = η_min·(η_max/η_min)^{i/(N − 1)}; bisection at the geometric midpoint.
    Log,
}

impl Spacing {
    fn midpoint(self, a: f64, b: f64) -> f64 {
        match self {
            Spacing::Linear => a + 0.5 * (b - a),
            Spacing::Log => (a * b).sqrt(),
        }
    }
}

/// A learning-rate grid of `points` values from `min` to `max` (both included exactly).
/// Errors name the CLI argument at fault (`--eta-min`, `--eta-max`, `--points`).
///
/// ```
/// use normsharp::experiments::sweep::{grid, Spacing};
/// assert_eq!(grid(0.1, 0.3, 3, Spacing::Linear).unwrap(), vec![0.1, 0.2, 0.3]);
/// let g = grid(0.01, 1.0, 3, Spacing::Log).unwrap();
/// assert!((g[1] - 0.1).abs() < 1e-15 && g[2] == 1.0);
/// assert!(grid(0.3, 0.1, 3, Spacing::Linear).is_err());
/// ```
pub fn grid(min: f64, max: f64, points: usize, spacing: Spacing) -> Result<Vec<f64>> {
    if !(min.is_finite() && min > 0.0) {
        return Err(Error::invalid(GRID_MIN, format!("{min}; allowed: a finite learning rate > 0")));
    }
    if !(max.is_finite() && max > min) {
        return Err(Error::invalid(GRID_MAX, format!("{max} (with η_min = {min}); allowed: a finite learning rate > η_min")));
    }
    if !(2..=1_000_000).contains(&points) {
        return Err(Error::invalid(GRID_POINTS, format!("{points}; allowed: an integer with 2 ≤ N ≤ 1000000")));
    }
    let last = (points - 1) as f64;
    let mut g: Vec<f64> = (0..points)
        .map(|i| {
            let t = i as f64 / last;
            match spacing {
                Spacing::Linear => min + (max - min) * t,
                Spacing::Log => (min.ln() + (max.ln() - min.ln()) * t).exp(),
            }
        })
        .collect();
    g[0] = min;
    g[points - 1] = max;
    Ok(g)
}

// ---------------------------------------------------------------------------------------
// Configuration and predictions

/// Adaptive refinement: bisect every interval between neighbouring η whose outcomes
/// (or periods) differ, or whose converged final sharpness jumps by more than
/// `sharpness_jump` (relative), until the sweep holds `budget` points or no interval
/// qualifies. Each round bisects all qualifying intervals (the leftmost first when the
/// budget runs out), so the result does not depend on the thread count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Refine {
    /// Total number of points (grid plus refinement) at most.
    pub budget: usize,
    /// Relative jump |S_a − S_b| / max(|S_a|, |S_b|) that triggers a bisection.
    pub sharpness_jump: f64,
    /// Intervals narrower than this (relative to η) are not split.
    pub min_rel_width: f64,
}

impl Refine {
    /// Refinement up to `budget` points with a 2% sharpness jump and 1e-6 resolution.
    pub fn with_budget(budget: usize) -> Self {
        Refine { budget, sharpness_jump: 0.02, min_rel_width: 1e-6 }
    }
}

/// How a sweep is run.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    /// The parametrization.
    pub model: AnyModel,
    /// Initialization scale α (exact).
    pub alpha: Rational,
    /// A run whose loss falls below this is `converged`.
    pub loss_tol: f64,
    /// Step budget of each run.
    pub max_steps: u64,
    /// How refinement bisects (the grid's own spacing).
    pub spacing: Spacing,
    /// Adaptive refinement, if any.
    pub refine: Option<Refine>,
    /// Show a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
    /// The arithmetic of each run (rows are then computed from its final iterate in f64).
    pub arithmetic: SweepArithmetic,
}

/// The arithmetic of a sweep's runs: f64, double-double (~106 bits) or quad-double (~212 bits),
/// for grids where f64 rounding is amplified (EoS, periodic orbits) and MPFR is too slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepArithmetic {
    /// IEEE double.
    #[default]
    F64,
    /// Double-double ([`crate::numeric::dd::Dd`]).
    Dd,
    /// Quad-double ([`crate::numeric::qd::Qd`]).
    Qd,
}

impl SweepArithmetic {
    /// True for f64 (the JSON leaves the field out then, as before it existed).
    pub fn is_f64(&self) -> bool {
        *self == SweepArithmetic::F64
    }
}

impl SweepConfig {
    /// Loss tolerance 1e-24, 10⁶ steps, linear spacing, no refinement, no progress bar.
    pub fn new(model: AnyModel, alpha: Rational) -> Self {
        SweepConfig {
            model,
            alpha,
            loss_tol: 1e-24,
            max_steps: 1_000_000,
            spacing: Spacing::Linear,
            refine: None,
            progress: false,
            arithmetic: SweepArithmetic::F64,
        }
    }
}

/// The predictions a sweep compares with: [`predict`] without the interpolators (β_GF at
/// 128 bits); empty (all `None`) when the task has no prediction for the model.
pub fn predictions(task: &Task, model: &AnyModel, alpha: &Rational) -> Predictions {
    predict(task, model, alpha, &PredictOptions { precision: 128, interpolators: false, enclosures: false })
        .unwrap_or_else(|_| Predictions { model: model.name().to_string(), ..Predictions::default() })
}

// ---------------------------------------------------------------------------------------
// Rows

/// The result at one learning rate. Sharpness values are `None` when the final iterate's
/// Hessian is not finite; distances are Euclidean, ‖β − β_pred‖₂.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepRow {
    /// η.
    pub eta: f64,
    /// Long-run behaviour of the run.
    pub outcome: Outcome,
    /// Period of a periodic orbit.
    pub period: Option<usize>,
    /// Steps taken.
    pub steps: u64,
    /// Final loss (of the last finite iterate if diverged).
    pub loss: f64,
    /// λ_max(∇²L) at the final iterate.
    pub lambda_max: Option<f64>,
    /// ‖∇²L‖_op at the final iterate (THEORY.md's S).
    pub sharpness: Option<f64>,
    /// 2/η, the stability edge.
    pub two_over_eta: f64,
    /// η·S.
    pub eta_times_sharpness: Option<f64>,
    /// ‖β‖₁.
    pub l1: f64,
    /// ‖θ‖₂².
    pub param_norm2_sq: f64,
    /// ‖β − β*‖² + σ² (when the task has a teacher).
    pub test_error: Option<f64>,
    /// ‖β − β_N‖₂.
    pub dist_beta_n: Option<f64>,
    /// ‖β − β_S‖₂.
    pub dist_beta_s: Option<f64>,
    /// ‖β − β_GF‖₂.
    pub dist_beta_gf: Option<f64>,
    /// ‖β − β_ansatz(η)‖₂ (T7, d = 2, when the ansatz point lies in Z).
    pub dist_ansatz: Option<f64>,
    /// Added by adaptive refinement (not on the initial grid).
    pub refined: bool,
    /// Final predictor β.
    pub beta: Vec<f64>,
}

/// Runs GD at any η for one task, model and α (the design is built once).
pub struct PointRunner<'a> {
    task: &'a Task,
    cfg: &'a SweepConfig,
    design: Design<f64>,
    alpha: f64,
    preds: &'a Predictions,
}

impl<'a> PointRunner<'a> {
    /// A runner for `task` under `cfg`, comparing with `preds`.
    pub fn new(task: &'a Task, cfg: &'a SweepConfig, preds: &'a Predictions) -> Self {
        PointRunner { task, cfg, design: task.design::<f64>(()), alpha: cfg.alpha.nearest(), preds }
    }

    /// The GD run at η (until the loss is below `loss_tol`, at most `max_steps`), in the
    /// configured arithmetic; the result is rounded to f64.
    pub fn run(&self, eta: f64) -> RunResult<f64> {
        match self.cfg.arithmetic {
            SweepArithmetic::F64 => {
                let mut gd = GdConfig::until_loss(eta, self.cfg.loss_tol);
                gd.max_steps = self.cfg.max_steps;
                run_gd(&Problem::new(&self.cfg.model, &self.design), &self.alpha, &gd, &mut NoObserver)
            }
            SweepArithmetic::Dd => self.run_in::<Dd>(eta),
            SweepArithmetic::Qd => self.run_in::<Qd>(eta),
        }
    }

    fn run_in<T: Real<Ctx = ()>>(&self, eta: f64) -> RunResult<f64> {
        let design = self.task.design::<T>(());
        let mut gd = GdConfig::until_loss(T::from_f64(eta, ()), self.cfg.loss_tol);
        gd.max_steps = self.cfg.max_steps;
        let r = run_gd(&Problem::new(&self.cfg.model, &design), &T::from_rational(&self.cfg.alpha, ()), &gd, &mut NoObserver);
        let f = |v: &[T]| v.iter().map(Real::to_f64).collect::<Vec<f64>>();
        RunResult {
            outcome: r.outcome,
            period: r.period,
            steps: r.steps,
            theta: f(&r.theta),
            beta: f(&r.beta),
            loss: r.loss.to_f64(),
            loss_increases: r.loss_increases,
            trace: r.trace,
        }
    }

    /// One sweep row at η.
    pub fn row(&self, eta: f64) -> SweepRow {
        let run = self.run(eta);
        self.row_of(eta, &run)
    }

    fn row_of(&self, eta: f64, run: &RunResult<f64>) -> SweepRow {
        let model = &self.cfg.model;
        let s = sharpness(model, &self.design, &run.theta);
        let op = s.and_then(|s| finite(s.op_norm));
        let beta = run.beta.clone();
        let p = self.preds;
        let dist_to = |v: &Option<Vec<f64>>| v.as_ref().and_then(|b| finite(dist(&beta, b)));
        let dist_ansatz = p.ansatz_xy.as_ref().and_then(|(x, y)| {
            let eta_q = Rational::from_f64(eta)?;
            let a = pred::ansatz_d2(x, y, &eta_q).ok()?;
            a.iter().all(|v| *v >= 0).then(|| dist(&beta, &a.iter().map(Nearest::nearest).collect::<Vec<_>>()))
        });
        SweepRow {
            eta,
            outcome: run.outcome,
            period: run.period,
            steps: run.steps,
            loss: run.loss,
            lambda_max: s.and_then(|s| finite(s.lambda_max)),
            sharpness: op,
            two_over_eta: 2.0 / eta,
            eta_times_sharpness: op.map(|s| eta * s),
            l1: norm1(&beta, ()),
            param_norm2_sq: model.param_norm2_sq(&run.theta),
            test_error: p.teacher.as_ref().and_then(|(t, s2)| finite(dist(&beta, t).powi(2) + s2)),
            dist_beta_n: dist_to(&p.beta_norm_min),
            dist_beta_s: dist_to(&p.beta_sharp_min),
            dist_beta_gf: dist_to(&p.beta_gf),
            dist_ansatz,
            refined: false,
            beta,
        }
    }

    /// The task.
    pub fn task(&self) -> &Task {
        self.task
    }
}

/// Rows already computed elsewhere (by the shards of a sharded sweep), keyed by the bits of η.
pub type RowMemo = HashMap<u64, SweepRow>;

/// Evaluate `etas` in parallel (rayon), in η order; rows found in `memo` are taken from it
/// (with `refined` reset), the others run. Returns the rows and how many ran.
fn evaluate(runner: &PointRunner, etas: &[f64], pb: &Progress, memo: &RowMemo) -> (Vec<SweepRow>, usize) {
    let missing: Vec<f64> = etas.iter().copied().filter(|e| !memo.contains_key(&e.to_bits())).collect();
    let mut fresh = par_map_eta(&missing, pb, |eta| runner.row(eta)).into_iter();
    let rows = etas
        .iter()
        .map(|e| match memo.get(&e.to_bits()) {
            Some(r) => {
                pb.inc();
                SweepRow { refined: false, ..r.clone() }
            }
            None => fresh.next().unwrap_or_else(|| runner.row(*e)),
        })
        .collect();
    (rows, missing.len())
}

/// Adaptive refinement of `rows` (sorted by η) up to `budget` rows in all (see [`Refine`]):
/// each round bisects every qualifying interval, the leftmost first when the budget runs
/// out; `eval` runs the new learning rates (in η order). New rows are marked `refined`.
///
/// The mids of a round in an interval of the initial rows depend only on the rows inside
/// it, so refining one interval alone up to `budget` = 2 + (sweep budget − grid points)
/// yields every row the whole sweep adds inside that interval (and perhaps more): the
/// basis of sharding ([`crate::experiments::shard`]).
pub fn refine_rows(rows: &mut Vec<SweepRow>, budget: usize, r: &Refine, spacing: Spacing, mut eval: impl FnMut(&[f64]) -> Vec<SweepRow>) {
    while rows.len() < budget {
        let mut mids: Vec<f64> = rows
            .windows(2)
            .filter(|w| needs_split(&w[0], &w[1], r) && w[1].eta - w[0].eta > r.min_rel_width * w[1].eta)
            .map(|w| spacing.midpoint(w[0].eta, w[1].eta))
            .filter(|m| !rows.iter().any(|row| row.eta == *m))
            .collect();
        if mids.is_empty() {
            break;
        }
        mids.truncate(budget - rows.len());
        let mut new = eval(&mids);
        new.iter_mut().for_each(|row| row.refined = true);
        rows.extend(new);
        rows.sort_by(|a, b| a.eta.total_cmp(&b.eta));
    }
}

/// The learning rates of a sweep: sorted, duplicates removed, each finite and > 0.
pub fn sorted_etas(etas: &[f64]) -> Result<Vec<f64>> {
    if let Some(bad) = etas.iter().find(|e| !(e.is_finite() && **e > 0.0)) {
        return Err(Error::invalid(GRID_MIN, format!("grid value {bad}; allowed: finite learning rates > 0")));
    }
    let mut etas = etas.to_vec();
    etas.sort_by(f64::total_cmp);
    etas.dedup();
    Ok(etas)
}

/// Split an interval when its ends differ in outcome or period, or (both converged) their
/// final sharpness jumps by more than `sharpness_jump`, relative.
fn needs_split(a: &SweepRow, b: &SweepRow, r: &Refine) -> bool {
    if a.outcome != b.outcome || a.period != b.period {
        return true;
    }
    match (a.outcome, a.sharpness, b.sharpness) {
        (Outcome::Converged, Some(sa), Some(sb)) => (sa - sb).abs() > r.sharpness_jump * sa.abs().max(sb.abs()),
        (Outcome::Converged, _, _) => true,
        _ => false,
    }
}

/// A learning-rate sweep: predictions and one row per η, sorted by η.
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    /// Task name.
    pub task: String,
    /// Parametrization.
    pub model: String,
    /// α (nearest f64).
    pub alpha: f64,
    /// α exactly.
    pub alpha_exact: String,
    /// Loss threshold of `converged`.
    pub loss_tol: f64,
    /// Step budget per run.
    pub max_steps: u64,
    /// Grid spacing.
    pub spacing: Spacing,
    /// The runs' arithmetic (absent from the JSON for f64).
    #[serde(skip_serializing_if = "SweepArithmetic::is_f64")]
    pub arithmetic: SweepArithmetic,
    /// What the rows are compared with.
    pub predictions: Predictions,
    /// One row per η, ascending.
    pub rows: Vec<SweepRow>,
}

/// Run GD at every η of `etas` (then refine, if asked), in parallel, rows in η order.
pub fn run_sweep(task: &Task, etas: &[f64], cfg: &SweepConfig) -> Result<Sweep> {
    run_sweep_memo(task, etas, cfg, &RowMemo::new()).map(|(s, _)| s)
}

/// [`run_sweep`], taking the rows found in `memo` instead of running them; also returns how
/// many rows ran. The result does not depend on what the memo holds (only the time does),
/// as long as its rows come from this task and configuration.
pub fn run_sweep_memo(task: &Task, etas: &[f64], cfg: &SweepConfig, memo: &RowMemo) -> Result<(Sweep, usize)> {
    if cfg.alpha <= 0 {
        return Err(Error::invalid(INIT_SCALE, format!("{}; allowed: a number > 0", cfg.alpha)));
    }
    let etas = sorted_etas(etas)?;
    let preds = predictions(task, &cfg.model, &cfg.alpha);
    let runner = PointRunner::new(task, cfg, &preds);
    let pb = Progress::new(cfg.progress, etas.len(), "sweep");
    let (mut rows, mut ran) = evaluate(&runner, &etas, &pb, memo);
    if let Some(r) = cfg.refine {
        refine_rows(&mut rows, r.budget, &r, cfg.spacing, |mids| {
            pb.add_len(mids.len());
            let (new, n) = evaluate(&runner, mids, &pb, memo);
            ran += n;
            new
        });
    }
    pb.finish();
    let sweep = Sweep {
        task: task.name.clone(),
        model: cfg.model.name().to_string(),
        alpha: cfg.alpha.nearest(),
        alpha_exact: cfg.alpha.to_string(),
        loss_tol: cfg.loss_tol,
        max_steps: cfg.max_steps,
        spacing: cfg.spacing,
        arithmetic: cfg.arithmetic,
        predictions: preds,
        rows,
    };
    Ok((sweep, ran))
}

// ---------------------------------------------------------------------------------------
// Writers

impl Sweep {
    /// The sweep as a JSON value (settings, predictions, rows).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
    }
}

/// The learning rates to sweep when none are given: from η_c/4 (or a quarter of
/// 1/(2 x_max y), or 2/S at the initialization) up to the first divergence found by doubling
/// from there, `points` linearly spaced values.
pub fn default_grid(task: &Task, cfg: &SweepConfig, points: usize) -> Result<Vec<f64>> {
    let preds = predictions(task, &cfg.model, &cfg.alpha);
    let runner = PointRunner::new(task, cfg, &preds);
    let guess = preds.eta_c.or(preds.eta_unstable_norm_min).unwrap_or_else(|| {
        let theta = cfg.model.init(task.d(), &cfg.alpha.nearest());
        sharpness(&cfg.model, &runner.design, &theta).map_or(1.0, |s| 2.0 / s.op_norm.max(1e-300))
    });
    let lo = guess / 4.0;
    let mut hi = guess;
    for _ in 0..40 {
        if runner.run(hi).outcome == Outcome::Diverged {
            break;
        }
        hi *= 1.5;
    }
    grid(lo, hi, points, Spacing::Linear)
}
