//! Long-run classification of GD at a learning rate (THEORY.md T6, the window beyond the
//! EoS regime): after a transient, the states visited are a fixed point, a period-p orbit,
//! a chaotic set (positive finite-time Lyapunov exponent), or GD diverges. The Lyapunov
//! exponent comes from the tangent dynamics of the GD map F(θ) = θ − η∇L(θ): a tangent vector
//! is propagated with J = I − η∇²L(θ_k) (the model's Hessian) and renormalized each step,
//! λ = (1/N)·Σ_k ln‖J_k v_k‖.
//!
//! A bifurcation diagram is data: for each η, the distinct values of a scalar observable
//! (‖β‖₁ or the loss) over the last steps.
//!
//! ```
//! use normsharp::dynamics::classify::{classify_task, ClassifyConfig, LongRun};
//! use normsharp::problem::model::AnyModel;
//! use normsharp::problem::task::Task;
//! let task = Task::from_toml_str("X = [[1]]\ny = [1]").unwrap();
//! let alpha = rug::Rational::from((9, 10));
//! let c = classify_task(&task, &AnyModel::Sw, &alpha, 0.55, &ClassifyConfig::default());
//! assert_eq!((c.kind, c.period), (LongRun::Periodic, Some(2)));
//! assert!(c.lyapunov.unwrap() < 0.0);
//! ```

use crate::dynamics::observers::TangentGrowth;
use crate::dynamics::period::History;
use crate::dynamics::{run_gd, GdConfig, Observer, Outcome, Problem};
use crate::numeric::parallel::{par_map_eta, Progress};
use crate::numeric::real::{norm1, Nearest, Real};
use crate::problem::model::{AnyModel, Parametrization};
use crate::problem::task::Task;
use rug::Rational;
use serde::Serialize;

/// The long-run behaviour of GD at one learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LongRun {
    /// The iterates stop moving (period 1).
    FixedPoint,
    /// A period-p orbit, 2 ≤ p ≤ 64.
    Periodic,
    /// No period ≤ 64 and a finite-time Lyapunov exponent above the threshold.
    Chaotic,
    /// A non-finite value or a loss above the blow-up level.
    Diverged,
    /// None of the above (a slow transient, a long period, or a quasi-periodic orbit).
    Unresolved,
}

/// The scalar a bifurcation diagram records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Observable {
    /// ‖β‖₁.
    L1,
    /// L(θ).
    Loss,
}

/// How a run is classified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassifyConfig {
    /// Steps discarded before observing.
    pub transient: u64,
    /// Steps observed (Lyapunov average, observable values, returns).
    pub window: u64,
    /// A state returns when ‖θ_k − θ_{k−p}‖ ≤ return_tol·(1 + ‖θ_k‖) over the last 2p steps.
    pub return_tol: f64,
    /// Chaos needs a Lyapunov exponent above this (per step).
    pub chaos_threshold: f64,
    /// A loss above this is divergence.
    pub blowup: f64,
    /// Most observable values kept per η.
    pub max_values: usize,
    /// The observable.
    pub observable: Observable,
}

impl Default for ClassifyConfig {
    /// 20000 transient steps, 20000 observed, returns to 1e-9, chaos above 0.01 per step.
    fn default() -> Self {
        ClassifyConfig {
            transient: 20_000,
            window: 20_000,
            return_tol: 1e-9,
            chaos_threshold: 0.01,
            blowup: 1e100,
            max_values: 256,
            observable: Observable::L1,
        }
    }
}

/// The classification at one learning rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// η.
    pub eta: f64,
    /// The verdict.
    pub kind: LongRun,
    /// Period (1 for a fixed point).
    pub period: Option<usize>,
    /// Finite-time largest Lyapunov exponent over the window (per step); `None` if diverged.
    pub lyapunov: Option<f64>,
    /// Distinct values of the observable over the last `max_values` steps, ascending
    /// (values closer than 1e-9 relative are merged).
    pub values: Vec<f64>,
    /// Steps taken.
    pub steps: u64,
}

/// log10 of the rounding amplification of the f64 GD run at η (until the loss is below
/// `loss_tol`, at most `max_steps`): see [`TangentGrowth`]. With f64's unit roundoff
/// 2⁻⁵³ ≈ 1.1e-16, a limit is expected to be precision-stable to `tol` when this is below
/// log10(tol) + 15.95.
pub fn log10_rounding_growth(task: &Task, model: &AnyModel, alpha: &Rational, eta: f64, loss_tol: f64, max_steps: u64) -> f64 {
    let d = task.design::<f64>(());
    let mut cfg = GdConfig::until_loss(eta, loss_tol);
    cfg.max_steps = max_steps;
    let mut obs = TangentGrowth::new(model, &d);
    run_gd(&Problem::new(model, &d), &alpha.nearest(), &cfg, &mut obs);
    obs.log10()
}

/// Records, after the transient, the tangent growth (Lyapunov exponent), the observable and
/// the recent states for the period test.
struct LongRunObserver<'a, M: Parametrization> {
    cfg: &'a ClassifyConfig,
    total: u64,
    tangent: TangentGrowth<'a, M>,
    history: History,
    values: Vec<f64>,
    beta64: Vec<f64>,
}

impl<M: Parametrization, T: Real> Observer<T> for LongRunObserver<'_, M> {
    fn observe(&mut self, k: u64, theta: &[T], beta: &[T], g: &[T], eta: &T) {
        if k < self.cfg.transient {
            return;
        }
        Observer::<T>::observe(&mut self.tangent, k, theta, beta, g, eta);
        if self.total - k <= self.cfg.max_values as u64 {
            for (o, b) in self.beta64.iter_mut().zip(beta) {
                *o = b.to_f64();
            }
            self.values.push(match self.cfg.observable {
                Observable::L1 => norm1(&self.beta64, ()),
                Observable::Loss => {
                    let d = self.tangent.design64();
                    let mut r = vec![0.0; d.n];
                    d.residual(&self.beta64, &mut r);
                    d.loss(&r)
                }
            });
        }
        self.history.push(theta);
    }
}

/// Classify GD from the model's initialization at α, in the precision of `T` (the tangent
/// dynamics and Hessians in f64): the one GD loop ([`run_gd`]) for `transient + window`
/// steps, watched by an observer; the period test is the one of [`crate::dynamics::period`].
pub fn classify<M: Parametrization, T: Real>(problem: &Problem<M, T>, alpha: &T, eta: &T, cfg: &ClassifyConfig) -> Classification {
    let eta64 = eta.to_f64();
    let total = cfg.transient + cfg.window;
    let mut gd = GdConfig::exact_steps(eta.clone(), total, 0.0);
    gd.blowup = cfg.blowup;
    let mut obs = LongRunObserver {
        cfg,
        total,
        tangent: TangentGrowth::new(problem.model, &problem.design64),
        history: History::new(problem.model.n_params(problem.design.d)),
        values: Vec::new(),
        beta64: vec![0.0; problem.design.d],
    };
    let run = run_gd(problem, alpha, &gd, &mut obs);
    if run.outcome == Outcome::Diverged {
        return Classification { eta: eta64, kind: LongRun::Diverged, period: None, lyapunov: None, values: Vec::new(), steps: run.steps };
    }
    let lyapunov = (cfg.window > 0).then(|| obs.tangent.log_growth / cfg.window as f64);
    let mut values = obs.values;
    values.sort_by(f64::total_cmp);
    let scale = values.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(f64::MIN_POSITIVE);
    values.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * scale);
    let period = obs.history.period_or_fixed(cfg.return_tol);
    let kind = match period {
        Some(1) => LongRun::FixedPoint,
        Some(_) => LongRun::Periodic,
        None if lyapunov.is_some_and(|l| l > cfg.chaos_threshold) => LongRun::Chaotic,
        None => LongRun::Unresolved,
    };
    Classification { eta: eta64, kind, period, lyapunov, values, steps: total }
}

/// [`classify`] in f64 for a task, model, α and η.
pub fn classify_task(task: &Task, model: &AnyModel, alpha: &Rational, eta: f64, cfg: &ClassifyConfig) -> Classification {
    let d = task.design::<f64>(());
    classify(&Problem::new(model, &d), &alpha.nearest(), &eta, cfg)
}

/// [`classify`] in MPFR at `bits` (the orbit in MPFR, the tangent dynamics in f64).
pub fn classify_task_mpfr(task: &Task, model: &AnyModel, alpha: &Rational, eta: f64, bits: u32, cfg: &ClassifyConfig) -> Classification {
    let d = task.design::<rug::Float>(bits);
    let _d64 = task.design::<f64>(());
    let a = rug::Float::with_val(bits, alpha);
    classify(&Problem::new(model, &d), &a, &rug::Float::with_val(bits, eta), cfg)
}

/// A bifurcation diagram: [`classify_task`] at every η (in parallel, in η order).
pub fn bifurcation(
    task: &Task,
    model: &AnyModel,
    alpha: &Rational,
    etas: &[f64],
    cfg: &ClassifyConfig,
    progress: bool,
) -> Vec<Classification> {
    let pb = Progress::new(progress, etas.len(), "classify");
    let out = par_map_eta(etas, &pb, |eta| classify_task(task, model, alpha, eta, cfg));
    pb.finish();
    out
}
