//! Learning-rate sweeps (THEORY.md T5–T7): one GD run per η on a grid (linear, logarithmic,
//! or adaptively refined where the outcome or the final sharpness changes fast), the two
//! regimes and the measured critical rate η_c (T6), and the precision stability of the
//! verdicts (§5).
//!
//! Every η is an independent, deterministic f64 run; the runs are spread over rayon's pool and
//! collected in η order, so a sweep gives the same bytes whatever the thread count.
//!
//! ```
//! use normsharp::sweep::{grid, run_sweep, Spacing, SweepConfig};
//! use normsharp::model::AnyModel;
//! use normsharp::task::canonical_two;
//! let task = canonical_two();
//! let cfg = SweepConfig::new(AnyModel::Sw, rug::Rational::from((1, 1000)));
//! let sweep = run_sweep(&task, &grid(0.05, 0.45, 5, Spacing::Linear).unwrap(), &cfg).unwrap();
//! assert_eq!(sweep.rows.len(), 5);
//! // Below η_c ≈ 0.25 GD converges with η·S < 2; the CSV has one line per η.
//! assert!(sweep.rows[0].eta_times_sharpness.unwrap() < 2.0);
//! assert_eq!(sweep.to_csv().lines().count(), 6);
//! ```

use crate::classify::{classify_task, classify_task_mpfr, log10_rounding_growth, ClassifyConfig, LongRun};
use crate::dynamics::{gd_step, run_gd, GdConfig, NoObserver, Outcome, Problem, RunResult, Workspace};
use crate::error::{Error, Result};
use crate::model::{AnyModel, Parametrization};
use crate::predictions as pred;
use crate::real::{norm1, Nearest, Real};
use crate::sharpness::sharpness;
use crate::task::{Design, Task};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use rug::{Float, Rational};
use serde::Serialize;
use std::io::{IsTerminal, Write};

// ---------------------------------------------------------------------------------------
// Grids

/// How grid points are spaced (and how an interval is bisected when refining).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
/// use normsharp::sweep::{grid, Spacing};
/// assert_eq!(grid(0.1, 0.3, 3, Spacing::Linear).unwrap(), vec![0.1, 0.2, 0.3]);
/// let g = grid(0.01, 1.0, 3, Spacing::Log).unwrap();
/// assert!((g[1] - 0.1).abs() < 1e-15 && g[2] == 1.0);
/// assert!(grid(0.3, 0.1, 3, Spacing::Linear).is_err());
/// ```
pub fn grid(min: f64, max: f64, points: usize, spacing: Spacing) -> Result<Vec<f64>> {
    if !(min.is_finite() && min > 0.0) {
        return Err(Error::arg("--eta-min", format!("{min}"), "a finite learning rate > 0"));
    }
    if !(max.is_finite() && max > min) {
        return Err(Error::arg("--eta-max", format!("{max} (with --eta-min {min})"), "a finite learning rate > --eta-min"));
    }
    if !(2..=1_000_000).contains(&points) {
        return Err(Error::arg("--points", format!("{points}"), "an integer with 2 ≤ N ≤ 1000000"));
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
}

impl SweepConfig {
    /// Loss tolerance 1e-24, 10⁶ steps, linear spacing, no refinement, no progress bar.
    pub fn new(model: AnyModel, alpha: Rational) -> Self {
        SweepConfig { model, alpha, loss_tol: 1e-24, max_steps: 1_000_000, spacing: Spacing::Linear, refine: None, progress: false }
    }
}

/// The predictions a sweep compares against (whichever exist for the task and model):
/// β_N and β_S need one sample with x, y > 0 (T2); the T5 thresholds also SW or PM; β_GF,
/// S(β_GF), s_GF and η_c = 2/s_GF are the SW gradient flow (T3, T6); the T7 ansatz needs SW,
/// d = 2.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SweepPredictions {
    /// β_N (T2).
    pub beta_norm_min: Option<Vec<f64>>,
    /// β_S (T2).
    pub beta_sharp_min: Option<Vec<f64>>,
    /// β_GF (T3, SW).
    pub beta_gf: Option<Vec<f64>>,
    /// S(β_GF) = ‖∇²L‖_op at the end of gradient flow (SW).
    pub sharpness_gf: Option<f64>,
    /// s_GF = max of ‖∇²L‖_op along the gradient-flow path (T6, SW).
    pub sharpness_gf_path_max: Option<f64>,
    /// η_c = 2/s_GF (T6).
    pub eta_c: Option<f64>,
    /// T5: 1/(2 x_max y).
    pub eta_unstable_norm_min: Option<f64>,
    /// T5: 1/(2 x_min y).
    pub eta_no_stable_interpolator: Option<f64>,
    /// (x, y) of a two-feature single-sample task with x₁ < x₂ (for the T7 ansatz, SW).
    #[serde(skip)]
    ansatz_xy: Option<(Vec<Rational>, Rational)>,
    /// Teacher β* and σ² (for the test error).
    #[serde(skip)]
    teacher: Option<(Vec<f64>, f64)>,
}

/// The predictions of [`SweepPredictions`] for a task, model and α (missing ones are `None`).
pub fn predictions(task: &Task, model: &AnyModel, alpha: &Rational) -> SweepPredictions {
    let mut p = SweepPredictions::default();
    let to64 = |v: &[Rational]| v.iter().map(Nearest::nearest).collect::<Vec<f64>>();
    if let Ok((x, y)) = task.single_sample_positive() {
        p.beta_norm_min = Some(to64(&pred::beta_norm_min(x, y)));
        p.beta_sharp_min = Some(to64(&pred::beta_sharp_min(x, y)));
        // T5's thresholds use the SW sharpness 4⟨x², β⟩ at an interpolator, which PM shares
        // at b = 0 (and bounds from below otherwise); other models scale differently.
        if matches!(model, AnyModel::Sw | AnyModel::Pm) {
            p.eta_unstable_norm_min = Some(pred::eta_unstable_norm_min(x, y).nearest());
            p.eta_no_stable_interpolator = Some(pred::eta_no_stable_interpolator(x, y).nearest());
        }
        if *model == AnyModel::Sw && x.len() == 2 && x[0] < x[1] {
            p.ansatz_xy = Some((x.to_vec(), y.clone()));
        }
    }
    let sw_ok = task.single_sample_positive().is_ok() || task.positive_design().is_ok();
    if *model == AnyModel::Sw && sw_ok {
        if let Ok(gf) = pred::beta_gf_task(task, alpha, 128) {
            let gf: Vec<f64> = gf.iter().map(Float::to_f64).collect();
            let d64 = task.design::<f64>(());
            let w: Vec<f64> = gf.iter().map(|b| b.sqrt()).collect();
            p.sharpness_gf = sharpness(model, &d64, &w).map(|s| s.op_norm);
            if let Ok(s) = pred::gf_path_sharpness_max(&d64, alpha.nearest(), &gf) {
                p.sharpness_gf_path_max = Some(s);
                p.eta_c = Some(pred::eta_critical(s));
            }
            p.beta_gf = Some(gf);
        }
    }
    if let Some(t) = &task.teacher {
        p.teacher = Some((to64(t), task.noise_std.nearest().powi(2)));
    }
    p
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

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>().sqrt()
}

/// Runs GD at any η for one task, model and α (the design is built once).
pub struct PointRunner<'a> {
    task: &'a Task,
    cfg: &'a SweepConfig,
    design: Design<f64>,
    alpha: f64,
    preds: &'a SweepPredictions,
}

impl<'a> PointRunner<'a> {
    /// A runner for `task` under `cfg`, comparing with `preds`.
    pub fn new(task: &'a Task, cfg: &'a SweepConfig, preds: &'a SweepPredictions) -> Self {
        PointRunner { task, cfg, design: task.design::<f64>(()), alpha: cfg.alpha.nearest(), preds }
    }

    /// The f64 GD run at η (until the loss is below `loss_tol`, at most `max_steps`).
    pub fn run(&self, eta: f64) -> RunResult<f64> {
        let mut gd = GdConfig::until_loss(eta, self.cfg.loss_tol);
        gd.max_steps = self.cfg.max_steps;
        run_gd(&Problem { model: &self.cfg.model, design: &self.design, design64: &self.design }, &self.alpha, &gd, &mut NoObserver)
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

/// A progress bar on stderr labelled `what`, hidden unless `enabled` and stderr is a terminal.
pub(crate) fn progress_bar(enabled: bool, len: usize, what: &str) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} η ({elapsed}, eta {eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

/// `f(η)` for every η in parallel (rayon), collected in η order (so the result does not
/// depend on the thread count), ticking `pb` once per η.
pub(crate) fn par_map_eta<R: Send>(etas: &[f64], pb: &ProgressBar, f: impl Fn(f64) -> R + Sync + Send) -> Vec<R> {
    etas.par_iter()
        .map(|&eta| {
            let r = f(eta);
            pb.inc(1);
            r
        })
        .collect()
}

/// Evaluate `etas` in parallel (rayon), in η order.
fn evaluate(runner: &PointRunner, etas: &[f64], pb: &ProgressBar) -> Vec<SweepRow> {
    par_map_eta(etas, pb, |eta| runner.row(eta))
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
    /// What the rows are compared with.
    pub predictions: SweepPredictions,
    /// One row per η, ascending.
    pub rows: Vec<SweepRow>,
}

/// Run GD at every η of `etas` (then refine, if asked), in parallel, rows in η order.
pub fn run_sweep(task: &Task, etas: &[f64], cfg: &SweepConfig) -> Result<Sweep> {
    if cfg.alpha <= 0 {
        return Err(Error::arg("--alpha", format!("{}", cfg.alpha), "a number > 0"));
    }
    if let Some(bad) = etas.iter().find(|e| !(e.is_finite() && **e > 0.0)) {
        return Err(Error::arg("--eta-min", format!("grid value {bad}"), "finite learning rates > 0"));
    }
    let mut etas = etas.to_vec();
    etas.sort_by(f64::total_cmp);
    etas.dedup();
    let preds = predictions(task, &cfg.model, &cfg.alpha);
    let runner = PointRunner::new(task, cfg, &preds);
    let pb = progress_bar(cfg.progress, etas.len(), "sweep");
    let mut rows = evaluate(&runner, &etas, &pb);
    if let Some(r) = cfg.refine {
        while rows.len() < r.budget {
            let mut mids: Vec<f64> = rows
                .windows(2)
                .filter(|w| needs_split(&w[0], &w[1], &r) && w[1].eta - w[0].eta > r.min_rel_width * w[1].eta)
                .map(|w| cfg.spacing.midpoint(w[0].eta, w[1].eta))
                .filter(|m| !rows.iter().any(|row| row.eta == *m))
                .collect();
            if mids.is_empty() {
                break;
            }
            mids.truncate(r.budget - rows.len());
            pb.inc_length(mids.len() as u64);
            let mut new = evaluate(&runner, &mids, &pb);
            new.iter_mut().for_each(|row| row.refined = true);
            rows.extend(new);
            rows.sort_by(|a, b| a.eta.total_cmp(&b.eta));
        }
    }
    pb.finish_and_clear();
    Ok(Sweep {
        task: task.name.clone(),
        model: cfg.model.name().to_string(),
        alpha: cfg.alpha.nearest(),
        alpha_exact: cfg.alpha.to_string(),
        loss_tol: cfg.loss_tol,
        max_steps: cfg.max_steps,
        spacing: cfg.spacing,
        predictions: preds,
        rows,
    })
}

// ---------------------------------------------------------------------------------------
// Writers

/// Shortest round-trip decimal in exponent form; empty when absent or not finite.
fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:e}"),
        _ => String::new(),
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Converged => "converged",
        Outcome::Periodic => "periodic",
        Outcome::Diverged => "diverged",
        Outcome::Unresolved => "unresolved",
    }
}

impl Sweep {
    /// CSV text: a header, then one line per η. Floats are the shortest decimal that
    /// round-trips (so equal runs give equal bytes); absent values are empty fields.
    pub fn to_csv(&self) -> String {
        let d = self.rows.first().map_or(0, |r| r.beta.len());
        let mut s = String::from(
            "eta,outcome,period,steps,loss,lambda_max,sharpness,two_over_eta,eta_times_sharpness,l1,param_norm2_sq,test_error,dist_beta_n,dist_beta_s,dist_beta_gf,dist_ansatz,refined",
        );
        for i in 1..=d {
            s += &format!(",beta_{i}");
        }
        s.push('\n');
        for r in &self.rows {
            let fields = [
                num(Some(r.eta)),
                outcome_name(r.outcome).to_string(),
                r.period.map_or(String::new(), |p| p.to_string()),
                r.steps.to_string(),
                num(Some(r.loss)),
                num(r.lambda_max),
                num(r.sharpness),
                num(Some(r.two_over_eta)),
                num(r.eta_times_sharpness),
                num(Some(r.l1)),
                num(Some(r.param_norm2_sq)),
                num(r.test_error),
                num(r.dist_beta_n),
                num(r.dist_beta_s),
                num(r.dist_beta_gf),
                num(r.dist_ansatz),
                r.refined.to_string(),
            ];
            s += &fields.join(",");
            for b in &r.beta {
                s += ",";
                s += &num(Some(*b));
            }
            s.push('\n');
        }
        s
    }

    /// The sweep as a JSON value (settings, predictions, rows).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
    }
}

/// Write `contents` to `path` through a temporary file in the same directory and a rename,
/// so an existing file is replaced whole or not at all. Errors name `arg` and the path.
pub fn write_atomic(path: &str, contents: &[u8], arg: &str) -> Result<()> {
    let target = std::path::Path::new(path);
    let fail =
        |what: &str, e: std::io::Error| Error::arg(arg, format!("cannot {what} {path}: {e}"), "a path in an existing, writable directory");
    if path.is_empty() || target.file_name().is_none() {
        return Err(Error::arg(arg, format!("\"{path}\" is not a file path"), "a path to a file"));
    }
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(|e| fail("create a temporary file for", e))?;
        f.write_all(contents).map_err(|e| fail("write", e))?;
        f.sync_all().map_err(|e| fail("flush", e))?;
        std::fs::rename(&tmp, target).map_err(|e| fail("replace", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

// ---------------------------------------------------------------------------------------
// Regimes (T6)

/// How the regimes are measured from a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegimeConfig {
    /// A converged run has left the flow-aligned branch when its final S differs from the
    /// branch value by more than this, relative to S(β_GF).
    pub departure_tol: f64,
    /// Bisection stops when the bracket is narrower than this, relative to η.
    pub bisect_rel_width: f64,
}

impl Default for RegimeConfig {
    fn default() -> Self {
        RegimeConfig { departure_tol: 5e-3, bisect_rel_width: 1e-4 }
    }
}

/// The flow-aligned branch of the final sharpness: equal to S(β_GF) at η = 0 and smooth in η
/// below η_c (an O(η) drift, THEORY.md T4/T6), with a kink at η_c. It is followed row by row
/// as the line through the last two accepted points; a row departs when its S is off that
/// line by more than `departure_tol`·`s0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Branch {
    /// S at η = 0: S(β_GF) for SW, else the intercept of the line through two reference runs.
    pub s0: f64,
    /// The two accepted points (η, S) the line runs through when the departure is found.
    pub points: [[f64; 2]; 2],
    /// The slope of that line, dS/dη.
    pub slope: f64,
    /// The learning rate(s) of the reference run(s) that start the branch.
    pub reference_etas: [f64; 2],
}

impl Branch {
    fn through(self, a: [f64; 2], b: [f64; 2]) -> Branch {
        Branch { points: [a, b], slope: (b[1] - a[1]) / (b[0] - a[0]), ..self }
    }
    fn at(&self, eta: f64) -> f64 {
        self.points[1][1] + self.slope * (eta - self.points[1][0])
    }
    /// The η > 0 with η·(line at η) = 2, if any.
    pub fn edge_crossing(&self) -> Option<f64> {
        // S(η) = a + bη: bη² + aη − 2 = 0.
        let (b, a) = (self.slope, self.points[1][1] - self.slope * self.points[1][0]);
        let eta = if b.abs() < 1e-300 {
            2.0 / a
        } else {
            let disc = a * a + 8.0 * b;
            if disc < 0.0 {
                return None;
            }
            // The root continuous in b at b = 0: 4/(a + √disc).
            4.0 / (a + disc.sqrt())
        };
        (eta.is_finite() && eta > 0.0).then_some(eta)
    }
    fn departs(&self, r: &SweepRow, tol: f64) -> bool {
        match (r.outcome, r.sharpness) {
            (Outcome::Converged, Some(s)) => (s - self.at(r.eta)).abs() > tol * self.s0,
            _ => true,
        }
    }
}

/// Summary of the edge-of-stability regime: converged rows with η_c < η < η_nonconvergence.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EosSummary {
    /// Number of EoS rows.
    pub rows: usize,
    /// [min, max] of η over them.
    pub eta_range: Option<[f64; 2]>,
    /// [min, max] of 2/η − S.
    pub gap_abs_band: Option<[f64; 2]>,
    /// [min, max] of (2/η − S)/(2/η) = 1 − ηS/2.
    pub gap_rel_band: Option<[f64; 2]>,
    /// Median of (2/η − S)/(2/η).
    pub gap_rel_median: Option<f64>,
    /// ‖β‖₁ at the first and last EoS row.
    pub l1_first_last: Option<[f64; 2]>,
    /// Least-squares slope d‖β‖₁/dη over the EoS rows.
    pub l1_slope: Option<f64>,
    /// Whether ‖β‖₁ is non-decreasing in η over the EoS rows.
    pub l1_nondecreasing: bool,
    /// ‖β‖₁ on the flow-aligned side (last row below η_c), for comparison.
    pub l1_flow_aligned: Option<f64>,
}

/// The regimes of a sweep beside their predictions.
#[derive(Debug, Clone, Serialize)]
pub struct Regimes {
    /// η_c = 2/s_GF (T6; SW only).
    pub eta_c_predicted: Option<f64>,
    /// Smallest η whose final sharpness leaves the flow-aligned branch (followed from S(β_GF)
    /// at η = 0, see [`Branch`]) by more than `departure_tol`·S(β_GF), or that does not
    /// converge; refined by bisection.
    pub eta_c_measured: Option<f64>,
    /// The bisection bracket of `eta_c_measured`.
    pub eta_c_bracket: Option<[f64; 2]>,
    /// |measured − predicted| / predicted.
    pub eta_c_rel_err: Option<f64>,
    /// Where the flow-aligned branch (the line of `branch`) meets the edge: η·S_fa(η) = 2.
    /// GD's flow-aligned limit sits below S(β_GF) by an O(η) drift, so it loses stability
    /// somewhat above 2/s_GF; this is that onset (a diagnostic, not a prediction).
    pub eta_c_branch_edge: Option<f64>,
    /// The branch the departure is measured from.
    pub branch: Option<Branch>,
    /// The departure tolerance (relative to S(β_GF)).
    pub departure_tol: f64,
    /// S(β_GF) (SW).
    pub sharpness_gf: Option<f64>,
    /// s_GF (SW).
    pub sharpness_gf_path_max: Option<f64>,
    /// First η where GD stops converging (refined by bisection).
    pub eta_nonconvergence: Option<f64>,
    /// Its bracket.
    pub nonconvergence_bracket: Option<[f64; 2]>,
    /// The outcome just above `eta_nonconvergence`.
    pub nonconvergence_outcome: Option<Outcome>,
    /// First η where GD diverges (refined by bisection).
    pub eta_divergence: Option<f64>,
    /// Its bracket.
    pub divergence_bracket: Option<[f64; 2]>,
    /// T5: GD cannot converge to β_N above 1/(2 x_max y).
    pub eta_unstable_norm_min: Option<f64>,
    /// T5: GD cannot converge at all above 1/(2 x_min y).
    pub eta_no_stable_interpolator: Option<f64>,
    /// Outcome counts of the sweep rows from `eta_nonconvergence` on:
    /// [converged, periodic, unresolved, diverged].
    pub window_outcomes: [usize; 4],
    /// The largest η·S over all converged rows (T5/T6b: ≤ 2).
    pub max_eta_sharpness_converged: Option<f64>,
    /// The EoS regime.
    pub eos: EosSummary,
    /// = `eos.gap_rel_band`: measured [min, max] of (2/η − S)/(2/η) over EoS rows.
    pub eos_gap_band: Option<[f64; 2]>,
}

/// Largest η in [lo, hi] (lo satisfies `below`, hi does not) to relative width `rel`.
fn bisect(mut lo: f64, mut hi: f64, rel: f64, below: impl Fn(f64) -> bool) -> [f64; 2] {
    for _ in 0..200 {
        if hi - lo <= rel * hi {
            break;
        }
        let mid = lo + 0.5 * (hi - lo);
        if below(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    [lo, hi]
}

/// The reference branch: through (0, S(β_GF)) and a run at η₁ (SW), or through runs at
/// η₁ and 2η₁ (other models); η₁ = a quarter of the sweep's smallest η.
fn branch(runner: &PointRunner, sweep: &Sweep) -> Option<Branch> {
    let eta1 = sweep.rows.first()?.eta / 4.0;
    let s_at = |eta: f64| -> Option<f64> {
        let r = runner.row(eta);
        (r.outcome == Outcome::Converged).then_some(r.sharpness).flatten()
    };
    let s1 = s_at(eta1)?;
    match sweep.predictions.sharpness_gf {
        Some(s0) => {
            Some(Branch { s0, points: [[0.0, s0], [eta1, s1]], slope: 0.0, reference_etas: [eta1, eta1] }.through([0.0, s0], [eta1, s1]))
        }
        None => {
            let s2 = s_at(2.0 * eta1)?;
            let slope = (s2 - s1) / eta1;
            let b = Branch { s0: s1 - slope * eta1, points: [[0.0; 2]; 2], slope, reference_etas: [eta1, 2.0 * eta1] };
            Some(b.through([eta1, s1], [2.0 * eta1, s2]))
        }
    }
}

/// Measure the regimes of a sweep: η_c (departure from the flow-aligned branch), the
/// non-convergence and divergence thresholds (bisected between neighbouring rows with fresh
/// runs), and the EoS summary, beside the predictions η_c = 2/s_GF and T5's thresholds.
pub fn regimes(task: &Task, sweep: &Sweep, cfg: &SweepConfig, rc: &RegimeConfig) -> Regimes {
    let preds = &sweep.predictions;
    let runner = PointRunner::new(task, cfg, preds);
    let rows = &sweep.rows;
    // η_c: follow the branch up the rows; the first departed row is bisected against the
    // row before it, with the branch line of that moment.
    let mut br = branch(&runner, sweep);
    let mut eta_c_bracket = None;
    if let Some(mut line) = br {
        let mut accepted: Vec<[f64; 2]> = line.points.to_vec();
        for (i, r) in rows.iter().enumerate() {
            if line.departs(r, rc.departure_tol) {
                if i > 0 {
                    eta_c_bracket =
                        Some(bisect(rows[i - 1].eta, r.eta, rc.bisect_rel_width, |e| !line.departs(&runner.row(e), rc.departure_tol)));
                }
                break;
            }
            if let Some(s) = r.sharpness.filter(|_| r.eta > line.points[1][0]) {
                accepted.push([r.eta, s]);
                // The chord from the accepted point nearest to η/2: long enough not to follow
                // the rounding of the kink, short enough to follow a curved branch.
                let half = accepted
                    .iter()
                    .min_by(|a, b| (a[0] - r.eta / 2.0).abs().total_cmp(&(b[0] - r.eta / 2.0).abs()))
                    .copied()
                    .unwrap_or(accepted[0]);
                line = line.through(half, [r.eta, s]);
            }
        }
        br = Some(line);
    }
    let eta_c_measured = eta_c_bracket.map(|b| b[1]);
    // Non-convergence and divergence.
    let first = |pred: &dyn Fn(&SweepRow) -> bool| rows.iter().position(pred);
    let mut nonconv_bracket = None;
    let mut nonconv_outcome = None;
    let nc = first(&|r: &SweepRow| r.outcome != Outcome::Converged);
    if let Some(i) = nc {
        nonconv_outcome = Some(rows[i].outcome);
        if i > 0 {
            let b = bisect(rows[i - 1].eta, rows[i].eta, rc.bisect_rel_width, |e| runner.run(e).outcome == Outcome::Converged);
            nonconv_outcome = Some(runner.run(b[1]).outcome);
            nonconv_bracket = Some(b);
        }
    }
    let mut div_bracket = None;
    if let Some(i) = first(&|r: &SweepRow| r.outcome == Outcome::Diverged) {
        if i > 0 {
            div_bracket = Some(bisect(rows[i - 1].eta, rows[i].eta, rc.bisect_rel_width, |e| runner.run(e).outcome != Outcome::Diverged));
        }
    }
    let eta_nonconvergence = nonconv_bracket.map(|b| b[1]).or_else(|| nc.map(|i| rows[i].eta));
    let mut window = [0usize; 4];
    if let Some(i) = nc {
        for r in &rows[i..] {
            window[match r.outcome {
                Outcome::Converged => 0,
                Outcome::Periodic => 1,
                Outcome::Unresolved => 2,
                Outcome::Diverged => 3,
            }] += 1;
        }
    }
    let max_es = rows
        .iter()
        .filter(|r| r.outcome == Outcome::Converged)
        .filter_map(|r| r.eta_times_sharpness)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    // EoS rows.
    let eos_rows: Vec<&SweepRow> = match eta_c_measured {
        Some(ec) => rows
            .iter()
            .filter(|r| {
                r.outcome == Outcome::Converged && r.eta >= ec && eta_nonconvergence.is_none_or(|en| r.eta < en) && r.sharpness.is_some()
            })
            .collect(),
        None => Vec::new(),
    };
    let eos =
        eos_summary(&eos_rows, eta_c_measured.and_then(|ec| rows.iter().rev().find(|r| r.eta < ec && r.outcome == Outcome::Converged)));
    let eta_c_predicted = preds.eta_c;
    Regimes {
        eta_c_predicted,
        eta_c_measured,
        eta_c_bracket,
        eta_c_rel_err: eta_c_predicted.zip(eta_c_measured).map(|(p, m)| (m - p).abs() / p),
        eta_c_branch_edge: br.and_then(|b| b.edge_crossing()),
        branch: br,
        departure_tol: rc.departure_tol,
        sharpness_gf: preds.sharpness_gf,
        sharpness_gf_path_max: preds.sharpness_gf_path_max,
        eta_nonconvergence,
        nonconvergence_bracket: nonconv_bracket,
        nonconvergence_outcome: nonconv_outcome,
        eta_divergence: div_bracket.map(|b| b[1]).or_else(|| first(&|r: &SweepRow| r.outcome == Outcome::Diverged).map(|i| rows[i].eta)),
        divergence_bracket: div_bracket,
        eta_unstable_norm_min: preds.eta_unstable_norm_min,
        eta_no_stable_interpolator: preds.eta_no_stable_interpolator,
        window_outcomes: window,
        max_eta_sharpness_converged: max_es,
        eos_gap_band: eos.gap_rel_band,
        eos,
    }
}

fn band(v: impl Iterator<Item = f64>) -> Option<[f64; 2]> {
    v.fold(None, |b: Option<[f64; 2]>, x| Some(b.map_or([x, x], |[lo, hi]| [lo.min(x), hi.max(x)])))
}

fn eos_summary(rows: &[&SweepRow], flow_aligned: Option<&SweepRow>) -> EosSummary {
    let gap_rel = |r: &SweepRow| 1.0 - r.eta * r.sharpness.unwrap_or(f64::NAN) / 2.0;
    let mut rel: Vec<f64> = rows.iter().map(|r| gap_rel(r)).collect();
    rel.sort_by(f64::total_cmp);
    let median = (!rel.is_empty()).then(|| {
        let m = rel.len() / 2;
        if rel.len() % 2 == 1 {
            rel[m]
        } else {
            0.5 * (rel[m - 1] + rel[m])
        }
    });
    let slope = (rows.len() >= 2).then(|| {
        let n = rows.len() as f64;
        let me = rows.iter().map(|r| r.eta).sum::<f64>() / n;
        let ml = rows.iter().map(|r| r.l1).sum::<f64>() / n;
        let cov = rows.iter().map(|r| (r.eta - me) * (r.l1 - ml)).sum::<f64>();
        let var = rows.iter().map(|r| (r.eta - me).powi(2)).sum::<f64>();
        cov / var
    });
    EosSummary {
        rows: rows.len(),
        eta_range: band(rows.iter().map(|r| r.eta)),
        gap_abs_band: band(rows.iter().map(|r| r.two_over_eta - r.sharpness.unwrap_or(f64::NAN))),
        gap_rel_band: band(rows.iter().map(|r| gap_rel(r))),
        gap_rel_median: median,
        l1_first_last: rows.first().zip(rows.last()).map(|(a, b)| [a.l1, b.l1]),
        l1_slope: slope,
        l1_nondecreasing: rows.windows(2).all(|w| w[1].l1 >= w[0].l1),
        l1_flow_aligned: flow_aligned.map(|r| r.l1),
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

// ---------------------------------------------------------------------------------------
// Precision stability (§5)

/// One rerun of a row in MPFR.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionRun {
    /// Bits of precision (53 for the f64 run).
    pub bits: u32,
    /// Outcome.
    pub outcome: Outcome,
    /// Period.
    pub period: Option<usize>,
    /// Steps.
    pub steps: u64,
    /// Final β (nearest f64).
    pub beta: Vec<f64>,
    /// Distance of the limit (converged) or of the orbit (periodic: Hausdorff distance of the
    /// orbits' β, ∞-norm) to the highest precision's, relative to ‖β‖∞; `None` otherwise.
    pub limit_rel_diff: Option<f64>,
}

/// Whether a row's verdict survives a change of precision.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionCheck {
    /// η.
    pub eta: f64,
    /// The runs: f64 first, then each MPFR precision.
    pub runs: Vec<PrecisionRun>,
    /// All runs have the same outcome.
    pub outcome_agrees: bool,
    /// All runs have the same period.
    pub period_agrees: bool,
    /// All limits (or orbits) agree within the tolerance; `None` when not applicable
    /// (unresolved, diverged).
    pub limit_agrees: Option<bool>,
    /// Relative tolerance of the limit comparison.
    pub limit_tol: f64,
    /// log10 of the rounding amplification along the f64 run ([`log10_rounding_growth`]):
    /// 2⁻⁵³·10^this estimates the f64 rounding error of the limit.
    pub log10_rounding_growth: f64,
    /// The amplification predicts stability: log10 growth ≤ log10(limit_tol) + 15.95.
    pub predicted_stable: bool,
    /// For a row unresolved in f64: the long-run classification at each precision (f64
    /// first), with its Lyapunov exponent (20000 transient + 20000 observed steps).
    pub classifications: Option<Vec<PrecisionClass>>,
    /// Outcome, period and limit (and the classification, when made) all agree.
    pub stable: bool,
}

/// The long-run classification of an unresolved row at one precision.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionClass {
    /// Bits (53 for f64).
    pub bits: u32,
    /// The verdict.
    pub kind: LongRun,
    /// Its period, if periodic.
    pub period: Option<usize>,
    /// Finite-time Lyapunov exponent per step.
    pub lyapunov: Option<f64>,
}

/// The β of a periodic orbit: `p` further steps from θ, in θ's precision.
fn orbit<M: Parametrization, T: Real>(problem: &Problem<M, T>, theta: &[T], eta: &T, p: usize) -> Vec<Vec<f64>> {
    let ctx = eta.ctx();
    let mut th = theta.to_vec();
    let mut ws = Workspace::new(problem.design.n, problem.design.d, ctx);
    let mut beta = vec![T::zero(ctx); problem.design.d];
    let mut out = Vec::with_capacity(p);
    for _ in 0..p {
        problem.model.beta(&th, &mut beta);
        out.push(beta.iter().map(Real::to_f64).collect());
        gd_step(problem, &mut th, eta, &mut ws);
    }
    out
}

fn hausdorff(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let d = |u: &Vec<f64>, v: &Vec<f64>| u.iter().zip(v).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    let one =
        |a: &[Vec<f64>], b: &[Vec<f64>]| a.iter().map(|u| b.iter().map(|v| d(u, v)).fold(f64::INFINITY, f64::min)).fold(0.0, f64::max);
    one(a, b).max(one(b, a))
}

fn precision_run<T: Real>(task: &Task, cfg: &SweepConfig, eta: f64, ctx: T::Ctx, bits: u32) -> (PrecisionRun, Vec<Vec<f64>>) {
    let design = task.design::<T>(ctx);
    let d64 = task.design::<f64>(());
    let problem = Problem { model: &cfg.model, design: &design, design64: &d64 };
    let alpha = T::from_rational(&cfg.alpha, ctx);
    let eta_t = T::from_f64(eta, ctx);
    let mut gd = GdConfig::until_loss(eta_t.clone(), cfg.loss_tol);
    gd.max_steps = cfg.max_steps;
    let run = run_gd(&problem, &alpha, &gd, &mut NoObserver);
    let beta: Vec<f64> = run.beta.iter().map(Real::to_f64).collect();
    let orb = match (run.outcome, run.period) {
        (Outcome::Periodic, Some(p)) => orbit(&problem, &run.theta, &eta_t, p),
        (Outcome::Converged, _) => vec![beta.clone()],
        _ => Vec::new(),
    };
    (PrecisionRun { bits, outcome: run.outcome, period: run.period, steps: run.steps, beta, limit_rel_diff: None }, orb)
}

/// Rerun η in f64 and in MPFR at each of `bits`, and compare outcome, period and limit
/// (limits and orbits to `limit_tol`, relative, against the highest precision).
pub fn precision_check(task: &Task, cfg: &SweepConfig, eta: f64, bits: &[u32], limit_tol: f64) -> PrecisionCheck {
    let mut all = vec![precision_run::<f64>(task, cfg, eta, (), 53)];
    for &b in bits {
        all.push(precision_run::<Float>(task, cfg, eta, b, b));
    }
    let reference = all.iter().max_by_key(|(r, _)| r.bits).map(|(_, o)| o.clone()).unwrap_or_default();
    let scale = reference.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
    let comparable = !reference.is_empty();
    let mut runs = Vec::new();
    let mut limit_ok = true;
    for (mut r, orb) in all {
        if comparable && !orb.is_empty() {
            let diff = hausdorff(&orb, &reference) / scale;
            limit_ok &= diff <= limit_tol;
            r.limit_rel_diff = Some(diff);
        } else if comparable {
            limit_ok = false;
        }
        runs.push(r);
    }
    let outcome_agrees = runs.windows(2).all(|w| w[0].outcome == w[1].outcome);
    let period_agrees = runs.windows(2).all(|w| w[0].period == w[1].period);
    let limit_agrees = comparable.then_some(limit_ok);
    let classifications = (runs[0].outcome == Outcome::Unresolved).then(|| {
        let cc = ClassifyConfig::default();
        let mut v = vec![classify_task(task, &cfg.model, &cfg.alpha, eta, &cc)];
        v.extend(bits.iter().map(|&b| classify_task_mpfr(task, &cfg.model, &cfg.alpha, eta, b, &cc)));
        std::iter::once(53)
            .chain(bits.iter().copied())
            .zip(v)
            .map(|(bits, c)| PrecisionClass { bits, kind: c.kind, period: c.period, lyapunov: c.lyapunov })
            .collect::<Vec<_>>()
    });
    let class_agrees = classifications.as_ref().is_none_or(|v| v.windows(2).all(|w| w[0].kind == w[1].kind && w[0].period == w[1].period));
    let growth = log10_rounding_growth(task, &cfg.model, &cfg.alpha, eta, cfg.loss_tol, cfg.max_steps);
    PrecisionCheck {
        eta,
        log10_rounding_growth: growth,
        predicted_stable: growth <= predicted_stable_log10_growth(limit_tol),
        stable: outcome_agrees && period_agrees && limit_agrees != Some(false) && class_agrees,
        runs,
        outcome_agrees,
        period_agrees,
        limit_agrees,
        limit_tol,
        classifications,
    }
}

/// The largest log10 rounding amplification under which a converged f64 limit is predicted
/// to agree with the exact one to `tol` (relative): log10(tol/2⁻⁵³).
pub fn predicted_stable_log10_growth(tol: f64) -> f64 {
    (tol / f64::EPSILON * 2.0).log10()
}

/// The rows whose verdict needs a precision check: periodic, unresolved, and converged in
/// the EoS regime (η above `eta_c`, measured or predicted).
pub fn rows_to_check(sweep: &Sweep, eta_c: Option<f64>) -> Vec<f64> {
    sweep
        .rows
        .iter()
        .filter(|r| match r.outcome {
            Outcome::Periodic | Outcome::Unresolved => true,
            Outcome::Converged => eta_c.is_some_and(|ec| r.eta > ec),
            Outcome::Diverged => false,
        })
        .map(|r| r.eta)
        .collect()
}

/// [`precision_check`] for every η of `etas`, in parallel, in η order.
pub fn precision_checks(task: &Task, cfg: &SweepConfig, etas: &[f64], bits: &[u32], limit_tol: f64) -> Vec<PrecisionCheck> {
    let pb = progress_bar(cfg.progress, etas.len(), "precision");
    let out = par_map_eta(etas, &pb, |eta| precision_check(task, cfg, eta, bits, limit_tol));
    pb.finish_and_clear();
    out
}
