//! One GD run with everything `normsharp run` reports ([`run`] → [`RunReport`]): outcome,
//! final β, loss, sharpness, norms, and the exact identity checked along the way (T4's
//! product form for SW, Even et al.'s representation for UV).

use crate::dynamics::observers::EvenIdentity;
use crate::dynamics::{run_gd, GdConfig, Observer, Outcome, Problem, ProductIdentity, RunResult, Stop, TracePoint};
use crate::numeric::real::{norm1, Real};
use crate::problem::model::{AnyModel, Parametrization};
use crate::problem::sharpness::sharpness_of;
use crate::problem::task::Task;
use crate::theory::enclosures::{stability_of_run, stability_of_run_multi, Stability};
use crate::theory::potentials::hyperbolic_limit;
use crate::theory::predictions::entropy_limit;
use rug::Rational;
use serde::Serialize;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// The parametrization.
    pub model: AnyModel,
    /// Batch-1 SGD seed (`None`: GD).
    pub sgd_seed: Option<u64>,
    /// α.
    pub alpha: Rational,
    /// η.
    pub eta: Rational,
    /// Exact number of steps, if given.
    pub steps: Option<u64>,
    /// Loss threshold.
    pub tol: f64,
    /// Budget when stopping on the loss.
    pub max_steps: u64,
    /// Trace sampling (0: none).
    pub record_every: u64,
    /// Check the exact identity along the run.
    pub identity: bool,
}

/// Everything a run reports (JSON keys as named; absent values are left out).
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The parametrization's name.
    pub model: String,
    /// Long-run behaviour.
    pub outcome: Outcome,
    /// The period of a periodic outcome.
    pub period: Option<usize>,
    /// Steps taken.
    pub steps: u64,
    /// Final β (f64).
    pub beta: Vec<f64>,
    /// Final β to the run's precision, when it exceeds f64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta_digits: Option<Vec<String>>,
    /// Final loss.
    pub loss: f64,
    /// ‖∇²L‖_op at the final iterate.
    pub sharpness: Option<f64>,
    /// λ_max of the Hessian.
    pub sharpness_lambda_max: Option<f64>,
    /// Trace of the Hessian.
    pub sharpness_trace: Option<f64>,
    /// ‖β‖₁.
    pub l1: f64,
    /// ‖θ‖₂².
    pub param_norm2_sq: f64,
    /// ‖θ‖₁.
    pub param_norm1: f64,
    /// Steps where the loss went up.
    pub loss_increases: u64,
    /// T4 (SW): largest relative deviation of β_k from α²e^{s_k − Gain_k}.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_max_rel_err: Option<f64>,
    /// Even et al. (UV): largest relative deviation of the exact representation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub even_identity_max_rel_err: Option<f64>,
    /// T4 (SW): the accumulated gain per coordinate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gain: Option<Vec<f64>>,
    /// Effective initialization α_∞ per coordinate (SW, UV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_inf: Option<Vec<f64>>,
    /// α_∞² (SW).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_inf_sq: Option<Vec<f64>>,
    /// β̃₀ of Even et al.'s Bregman limit (UV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta_tilde0: Option<Vec<f64>>,
    /// The entropy minimizer at the run's own α_∞ (SW; a solver check, not a prediction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta_entropy_prediction: Option<Vec<f64>>,
    /// Even et al.'s Bregman minimizer at the run's own α_∞ (UV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta_even_prediction: Option<Vec<f64>>,
    /// Samples every `record_every` steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TracePoint>>,
    /// T5 (SW, one positive sample, converged): the exact interpolator next to the final
    /// iterate and whether η·S < 2 is proved there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stability: Option<Stability>,
    /// MPFR bits, when the run was in MPFR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision_bits: Option<u32>,
    /// The arithmetic, when double-double (`dd`) or quad-double (`qd`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arithmetic: Option<String>,
}

/// The exact identity checked along a run.
enum RunIdentity<T: Real> {
    None,
    Product(ProductIdentity<T>),
    Even(EvenIdentity<T>),
}

impl<T: Real> Observer<T> for RunIdentity<T> {
    fn observe(&mut self, k: u64, theta: &[T], beta: &[T], g: &[T], eta: &T) {
        match self {
            RunIdentity::None => {}
            RunIdentity::Product(o) => o.observe(k, theta, beta, g, eta),
            RunIdentity::Even(o) => o.observe(k, theta, beta, g, eta),
        }
    }
    fn finish(&mut self, theta: &[T], beta: &[T]) {
        match self {
            RunIdentity::None => {}
            RunIdentity::Product(o) => o.finish(theta, beta),
            RunIdentity::Even(o) => o.finish(theta, beta),
        }
    }
}

fn to64<T: Real>(v: &[T]) -> Vec<f64> {
    v.iter().map(Real::to_f64).collect()
}

/// Run GD (or batch-1 SGD) as `spec` says, in the precision of `T` (context `ctx`).
pub fn run<T: Real>(task: &Task, spec: &RunSpec, ctx: T::Ctx) -> RunReport {
    let design = task.design::<T>(ctx);
    let alpha = T::from_rational(&spec.alpha, ctx);
    let eta = T::from_rational(&spec.eta, ctx);
    let mut cfg = match spec.steps {
        Some(n) => GdConfig::exact_steps(eta, n, spec.tol),
        None => GdConfig::until_loss(eta, spec.tol),
    };
    if cfg.stop == Stop::LossBelow {
        cfg.max_steps = spec.max_steps;
    }
    cfg.record_every = spec.record_every;
    cfg.sgd_seed = spec.sgd_seed;
    let model = &spec.model;
    let mut obs = match model {
        AnyModel::Sw if spec.identity => RunIdentity::Product(ProductIdentity::new(&alpha, task.d())),
        AnyModel::Uv if spec.identity => RunIdentity::Even(EvenIdentity::new(&alpha, task.d())),
        _ => RunIdentity::None,
    };
    let problem = Problem::new(model, &design);
    let run: RunResult<T> = run_gd(&problem, &alpha, &cfg, &mut obs);
    let s = sharpness_of(model, &problem.design64, &run.theta);
    let mut report = RunReport {
        model: model.name().to_string(),
        outcome: run.outcome,
        period: run.period,
        steps: run.steps,
        beta: to64(&run.beta),
        beta_digits: (run.beta[0].decimal_digits() > 17).then(|| run.beta.iter().map(|b| b.to_decimal(None)).collect()),
        loss: run.loss.to_f64(),
        sharpness: s.map(|s| s.op_norm),
        sharpness_lambda_max: s.map(|s| s.lambda_max),
        sharpness_trace: s.map(|s| s.trace),
        l1: norm1(&run.beta, ctx).to_f64(),
        param_norm2_sq: model.param_norm2_sq(&run.theta).to_f64(),
        param_norm1: model.param_norm1(&run.theta).to_f64(),
        loss_increases: run.loss_increases,
        identity_max_rel_err: None,
        even_identity_max_rel_err: None,
        gain: None,
        alpha_inf: None,
        alpha_inf_sq: None,
        beta_tilde0: None,
        beta_entropy_prediction: None,
        beta_even_prediction: None,
        trace: (spec.record_every > 0).then_some(run.trace),
        stability: None,
        precision_bits: None,
        arithmetic: None,
    };
    if let (AnyModel::Sw, Outcome::Converged) = (model, run.outcome) {
        report.stability = match task.single_sample_positive() {
            Ok((x, y)) => stability_of_run(x, y, &to64(&run.theta), &spec.eta),
            Err(_) => stability_of_run_multi(task, &to64(&run.theta), &spec.eta),
        };
    }
    match &obs {
        RunIdentity::Even(o) => {
            report.even_identity_max_rel_err = Some(o.max_rel_err);
            report.alpha_inf = Some(o.alpha_inf_sq().iter().map(|v| v.to_f64().sqrt()).collect());
            report.beta_tilde0 = Some(to64(&o.beta_tilde0()));
            report.beta_even_prediction = hyperbolic_limit(&design, &o.limit_link()).ok().map(|p| to64(&p));
        }
        RunIdentity::Product(o) => {
            let a = o.alpha_inf_sq();
            report.identity_max_rel_err = Some(o.max_rel_err);
            report.gain = Some(to64(&o.gain));
            report.alpha_inf = Some(a.iter().map(|v| v.to_f64().sqrt()).collect());
            report.beta_entropy_prediction = entropy_limit(&design, &a).ok().map(|p| to64(&p));
            report.alpha_inf_sq = Some(to64(&a));
        }
        RunIdentity::None => {}
    }
    report
}
