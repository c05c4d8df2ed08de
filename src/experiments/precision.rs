//! Precision stability of a sweep's verdicts (THEORY.md §5): rerun a learning rate in higher
//! precision — double-double (~106 bits) and quad-double (~212 bits), fast enough for 10⁶-step
//! reruns, and MPFR at any bit count beyond — and compare outcome, period and limit.

use crate::dynamics::classify::{classify, log10_rounding_growth, ClassifyConfig, LongRun};
use crate::dynamics::{gd_step, run_gd, GdConfig, NoObserver, Outcome, Problem, Workspace};
use crate::error::{Error, Result};
use crate::experiments::sweep::*;
use crate::numeric::parallel::{par_map_eta, Progress};
use crate::numeric::real::Real;
use crate::numeric::{dd::Dd, qd::Qd};
use crate::problem::model::Parametrization;
use crate::problem::task::Task;
use rug::Float;
use serde::Serialize;

/// The arithmetic of a precision rerun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RerunArithmetic {
    /// Double-double ([`Dd`], 106 bits).
    Dd,
    /// Quad-double ([`Qd`], 212 bits).
    Qd,
    /// MPFR at this many bits.
    Mpfr(u32),
}

impl RerunArithmetic {
    /// Bits of precision: 106 (dd), 212 (qd), the MPFR precision.
    pub fn bits(self) -> u32 {
        match self {
            RerunArithmetic::Dd => 106,
            RerunArithmetic::Qd => 212,
            RerunArithmetic::Mpfr(b) => b,
        }
    }
    /// Parse `dd`, `qd`, `mpfr:<bits>` or a bare `<bits>` (MPFR, as before dd and qd
    /// existed), with 64 ≤ bits ≤ 65536 for MPFR; errors name `arg`.
    pub fn parse(arg: &str, text: &str) -> Result<RerunArithmetic> {
        let allowed = "dd, qd, mpfr:<bits> or <bits> (MPFR), with 64 ≤ bits ≤ 65536";
        let t = text.trim();
        match t {
            "dd" => return Ok(RerunArithmetic::Dd),
            "qd" => return Ok(RerunArithmetic::Qd),
            _ => {}
        }
        let bits = t.strip_prefix("mpfr:").unwrap_or(t);
        match bits.parse::<u32>() {
            Ok(b) if (64..=1 << 16).contains(&b) => Ok(RerunArithmetic::Mpfr(b)),
            _ => Err(Error::arg(arg, format!("\"{text}\""), allowed)),
        }
    }
}

impl std::fmt::Display for RerunArithmetic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RerunArithmetic::Dd => write!(f, "dd"),
            RerunArithmetic::Qd => write!(f, "qd"),
            RerunArithmetic::Mpfr(b) => write!(f, "mpfr:{b}"),
        }
    }
}

/// One rerun of a row.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionRun {
    /// `f64`, `dd`, `qd` or `mpfr:<bits>`.
    pub arithmetic: String,
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
    /// `f64`, `dd`, `qd` or `mpfr:<bits>`.
    pub arithmetic: String,
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

fn precision_run<T: Real>(task: &Task, cfg: &SweepConfig, eta: f64, ctx: T::Ctx, name: String, bits: u32) -> (PrecisionRun, Vec<Vec<f64>>) {
    let design = task.design::<T>(ctx);
    let _d64 = task.design::<f64>(());
    let problem = Problem::new(&cfg.model, &design);
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
    (PrecisionRun { arithmetic: name, bits, outcome: run.outcome, period: run.period, steps: run.steps, beta, limit_rel_diff: None }, orb)
}

/// [`precision_run`] in the arithmetic `a`.
fn rerun(task: &Task, cfg: &SweepConfig, eta: f64, a: RerunArithmetic) -> (PrecisionRun, Vec<Vec<f64>>) {
    let name = a.to_string();
    match a {
        RerunArithmetic::Dd => precision_run::<Dd>(task, cfg, eta, (), name, 106),
        RerunArithmetic::Qd => precision_run::<Qd>(task, cfg, eta, (), name, 212),
        RerunArithmetic::Mpfr(b) => precision_run::<Float>(task, cfg, eta, b, name, b),
    }
}

/// [`classify`] in the arithmetic `a` (`None`: f64): the orbit in it, the tangent dynamics in f64.
fn classify_in(task: &Task, cfg: &SweepConfig, eta: f64, a: Option<RerunArithmetic>, cc: &ClassifyConfig) -> PrecisionClass {
    fn go<T: Real>(
        task: &Task,
        cfg: &SweepConfig,
        eta: f64,
        ctx: T::Ctx,
        cc: &ClassifyConfig,
    ) -> crate::dynamics::classify::Classification {
        let d = task.design::<T>(ctx);
        classify(&Problem::new(&cfg.model, &d), &T::from_rational(&cfg.alpha, ctx), &T::from_f64(eta, ctx), cc)
    }
    let c = match a {
        None => go::<f64>(task, cfg, eta, (), cc),
        Some(RerunArithmetic::Dd) => go::<Dd>(task, cfg, eta, (), cc),
        Some(RerunArithmetic::Qd) => go::<Qd>(task, cfg, eta, (), cc),
        Some(RerunArithmetic::Mpfr(b)) => go::<Float>(task, cfg, eta, b, cc),
    };
    PrecisionClass {
        arithmetic: a.map_or("f64".into(), |a| a.to_string()),
        bits: a.map_or(53, RerunArithmetic::bits),
        kind: c.kind,
        period: c.period,
        lyapunov: c.lyapunov,
    }
}

/// Rerun η in f64 and in each arithmetic of `arith`, and compare outcome, period and limit
/// (limits and orbits to `limit_tol`, relative, against the highest precision).
pub fn precision_check(task: &Task, cfg: &SweepConfig, eta: f64, arith: &[RerunArithmetic], limit_tol: f64) -> PrecisionCheck {
    let mut all = vec![precision_run::<f64>(task, cfg, eta, (), "f64".into(), 53)];
    for &a in arith {
        all.push(rerun(task, cfg, eta, a));
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
        std::iter::once(None).chain(arith.iter().map(|&a| Some(a))).map(|a| classify_in(task, cfg, eta, a, &cc)).collect::<Vec<_>>()
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
pub fn precision_checks(task: &Task, cfg: &SweepConfig, etas: &[f64], arith: &[RerunArithmetic], limit_tol: f64) -> Vec<PrecisionCheck> {
    let pb = Progress::new(cfg.progress, etas.len(), "precision");
    let out = par_map_eta(etas, &pb, |eta| precision_check(task, cfg, eta, arith, limit_tol));
    pb.finish();
    out
}
