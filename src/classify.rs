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
//! use normsharp::classify::{classify_task, ClassifyConfig, LongRun};
//! use normsharp::model::AnyModel;
//! use normsharp::task::Task;
//! let task = Task::from_toml_str("X = [[1]]\ny = [1]").unwrap();
//! let alpha = rug::Rational::from((9, 10));
//! let c = classify_task(&task, &AnyModel::Sw, &alpha, 0.55, &ClassifyConfig::default());
//! assert_eq!((c.kind, c.period), (LongRun::Periodic, Some(2)));
//! assert!(c.lyapunov.unwrap() < 0.0);
//! ```

use crate::dynamics::{gd_step, run_gd, GdConfig, Observer, Problem, Workspace};
use crate::model::{AnyModel, Parametrization};
use crate::real::{norm1, Nearest, Real};
use crate::task::{Design, Task};
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

const MAX_PERIOD: usize = 64;

/// The tangent dynamics of GD along a run: v ← (I − η∇²L(θ_k))v, renormalized, with the
/// accumulated ln of the growth. After a converged run, exp(`log_growth`) is the factor by
/// which a generic perturbation of the start (or a rounding error early in the run) has
/// been amplified, so ε·exp(`log_growth`) estimates the rounding error of the limit.
pub struct TangentGrowth<'a, M: Parametrization> {
    model: &'a M,
    design64: &'a Design<f64>,
    v: Vec<f64>,
    jv: Vec<f64>,
    /// Σ_k ln‖J_k v_k‖ so far.
    pub log_growth: f64,
    /// The largest partial sum seen.
    pub max_log_growth: f64,
    /// Steps observed.
    pub steps: u64,
}

impl<'a, M: Parametrization> TangentGrowth<'a, M> {
    /// Start with v = (1, …, 1)/√p for p parameters.
    pub fn new(model: &'a M, design64: &'a Design<f64>) -> Self {
        let p = model.n_params(design64.d);
        TangentGrowth {
            model,
            design64,
            v: vec![1.0 / (p as f64).sqrt(); p],
            jv: vec![0.0; p],
            log_growth: 0.0,
            max_log_growth: 0.0,
            steps: 0,
        }
    }

    /// One tangent step at θ (f64) with g = Xᵀr/n; returns ln‖J v‖.
    pub fn step(&mut self, theta: &[f64], g: &[f64], eta: f64) -> f64 {
        let p = self.v.len();
        let h = self.model.hessian(self.design64, theta, g);
        for i in 0..p {
            self.jv[i] = self.v[i] - eta * (0..p).map(|j| h[i * p + j] * self.v[j]).sum::<f64>();
        }
        let norm = self.jv.iter().map(|x| x * x).sum::<f64>().sqrt();
        let ln = if norm > 0.0 && norm.is_finite() {
            for i in 0..p {
                self.v[i] = self.jv[i] / norm;
            }
            norm.ln()
        } else {
            -745.0
        };
        self.log_growth += ln;
        self.max_log_growth = self.max_log_growth.max(self.log_growth);
        self.steps += 1;
        ln
    }

    /// log10 of the growth.
    pub fn log10(&self) -> f64 {
        self.log_growth / std::f64::consts::LN_10
    }
}

impl<M: Parametrization, T: Real> Observer<T> for TangentGrowth<'_, M> {
    fn observe(&mut self, _k: u64, theta: &[T], _beta: &[T], g: &[T], eta: &T) {
        let th: Vec<f64> = theta.iter().map(Real::to_f64).collect();
        let g64: Vec<f64> = g.iter().map(Real::to_f64).collect();
        self.step(&th, &g64, eta.to_f64());
    }
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
    run_gd(&Problem { model, design: &d, design64: &d }, &alpha.nearest(), &cfg, &mut obs);
    obs.log10()
}

/// Classify GD from the model's initialization at α (or `init`), in the precision of `T`
/// (the tangent dynamics and Hessians in f64).
pub fn classify<M: Parametrization, T: Real>(problem: &Problem<M, T>, alpha: &T, eta: &T, cfg: &ClassifyConfig) -> Classification {
    let ctx = eta.ctx();
    let design = problem.design;
    let model = problem.model;
    let eta64 = eta.to_f64();
    let mut theta = model.init(design.d, alpha);
    let mut ws = Workspace::new(design.n, design.d, ctx);
    let mut beta = vec![T::zero(ctx); design.d];
    let mut r = vec![T::zero(ctx); design.n];
    let ring = 2 * MAX_PERIOD + 1;
    let mut states: Vec<Vec<f64>> = Vec::with_capacity(ring);
    let mut values: Vec<f64> = Vec::new();
    let mut tangent = TangentGrowth::new(model, problem.design64);
    let total = cfg.transient + cfg.window;
    let diverged = |eta: f64, k: u64, values: Vec<f64>| Classification {
        eta,
        kind: LongRun::Diverged,
        period: None,
        lyapunov: None,
        values,
        steps: k,
    };
    for k in 0..total {
        model.beta(&theta, &mut beta);
        design.residual(&beta, &mut r);
        let loss = design.loss(&r).to_f64();
        if !loss.is_finite() || loss > cfg.blowup || theta.iter().any(|t| !t.is_finite()) {
            return diverged(eta64, k, Vec::new());
        }
        if k >= cfg.transient {
            let th64: Vec<f64> = theta.iter().map(Real::to_f64).collect();
            // Tangent step v ← (I − ηH)v / ‖·‖ with H = ∇²L(θ_k).
            let b64: Vec<f64> = beta.iter().map(Real::to_f64).collect();
            let mut r64 = vec![0.0; design.n];
            problem.design64.residual(&b64, &mut r64);
            let mut g64 = vec![0.0; design.d];
            problem.design64.grad_beta(&r64, &mut g64);
            tangent.step(&th64, &g64, eta64);
            if total - k <= cfg.max_values as u64 {
                values.push(match cfg.observable {
                    Observable::L1 => norm1(&b64, ()),
                    Observable::Loss => loss,
                });
            }
            if states.len() == ring {
                states.remove(0);
            }
            states.push(th64);
        }
        gd_step(problem, &mut theta, eta, &mut ws);
    }
    let lyapunov = (cfg.window > 0).then(|| tangent.log_growth / cfg.window as f64);
    values.sort_by(f64::total_cmp);
    let scale = values.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(f64::MIN_POSITIVE);
    values.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * scale);
    let n = states.len();
    let period = (1..=MAX_PERIOD).find(|&q| {
        2 * q < n
            && (0..2 * q).all(|j| {
                let (a, b) = (&states[n - 1 - j], &states[n - 1 - j - q]);
                let s = 1.0 + a.iter().map(|x| x * x).sum::<f64>().sqrt();
                a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt() <= cfg.return_tol * s
            })
    });
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
    classify(&Problem { model, design: &d, design64: &d }, &alpha.nearest(), &eta, cfg)
}

/// [`classify`] in MPFR at `bits` (the orbit in MPFR, the tangent dynamics in f64).
pub fn classify_task_mpfr(task: &Task, model: &AnyModel, alpha: &Rational, eta: f64, bits: u32, cfg: &ClassifyConfig) -> Classification {
    let d = task.design::<rug::Float>(bits);
    let d64 = task.design::<f64>(());
    let a = rug::Float::with_val(bits, alpha);
    classify(&Problem { model, design: &d, design64: &d64 }, &a, &rug::Float::with_val(bits, eta), cfg)
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
    let pb = crate::sweep::progress_bar(progress, etas.len(), "classify");
    let out = crate::sweep::par_map_eta(etas, &pb, |eta| classify_task(task, model, alpha, eta, cfg));
    pb.finish_and_clear();
    out
}

/// The diagram as CSV: `eta,kind,period,lyapunov,value`, one line per distinct value
/// (one line with an empty value when there is none, e.g. divergence).
pub fn bifurcation_csv(rows: &[Classification]) -> String {
    let f = |v: Option<f64>| v.filter(|x| x.is_finite()).map_or(String::new(), |x| format!("{x:e}"));
    let kind = |k: LongRun| match k {
        LongRun::FixedPoint => "fixedpoint",
        LongRun::Periodic => "periodic",
        LongRun::Chaotic => "chaotic",
        LongRun::Diverged => "diverged",
        LongRun::Unresolved => "unresolved",
    };
    let mut s = String::from("eta,kind,period,lyapunov,value\n");
    for c in rows {
        let head = format!("{},{},{},{}", f(Some(c.eta)), kind(c.kind), c.period.map_or(String::new(), |p| p.to_string()), f(c.lyapunov));
        if c.values.is_empty() {
            s += &format!("{head},\n");
        }
        for v in &c.values {
            s += &format!("{head},{}\n", f(Some(*v)));
        }
    }
    s
}
