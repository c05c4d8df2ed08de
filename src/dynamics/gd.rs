//! Gradient descent, written once for every precision (argmin-style: the [`Problem`] says
//! what is trained, [`GdConfig`] how, [`run_gd`] executes, an [`Observer`] watches).
//!
//! ```
//! use normsharp::{dynamics::*, problem::model::Sw, problem::tasks::canonical_four};
//! let task = canonical_four();
//! let (d64, d) = (task.design::<f64>(()), task.design::<f64>(()));
//! let problem = Problem::new(&Sw, &d);
//! let cfg = GdConfig::until_loss(0.1f64, 1e-20);
//! let run = run_gd(&problem, &1e-3, &cfg, &mut NoObserver);
//! assert_eq!(run.outcome, Outcome::Converged);
//! ```

use crate::dynamics::period::{History, CONFIRM_AFTER, PERIOD_CHECK_EVERY, WINDOW};
use crate::numeric::real::{norm1, Real};
use crate::problem::design::Design;
use crate::problem::model::Parametrization;
use crate::problem::sharpness::sharpness_of;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// What is trained: a parametrization on a design (in the run's precision, and in f64 for
/// sharpness).
pub struct Problem<'a, M: Parametrization, T: Real> {
    /// The parametrization.
    pub model: &'a M,
    /// Design and labels in the run's precision.
    pub design: &'a Design<T>,
    /// The same design rounded to f64 (for Hessians and sharpness).
    pub design64: Design<f64>,
}

impl<'a, M: Parametrization, T: Real> Problem<'a, M, T> {
    /// A parametrization on a design (its f64 copy for Hessians is made here).
    pub fn new(model: &'a M, design: &'a Design<T>) -> Self {
        Problem { model, design, design64: design.to_f64() }
    }
}

/// When a run stops.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// When the loss falls below the threshold (or after `max_steps`).
    LossBelow,
    /// After exactly this many steps.
    Steps(u64),
}

/// How GD is run.
#[derive(Debug, Clone)]
pub struct GdConfig<T: Real> {
    /// Learning rate η.
    pub eta: T,
    /// Stopping rule.
    pub stop: Stop,
    /// A run whose loss is below this is `converged`.
    pub loss_tol: f64,
    /// Step budget for [`Stop::LossBelow`].
    pub max_steps: u64,
    /// Record a [`TracePoint`] every this many steps (0: never).
    pub record_every: u64,
    /// Relative distance under which a state counts as a return (period detection).
    pub return_tol: f64,
    /// A loss above this (or a non-finite value) is divergence.
    pub blowup: f64,
    /// Start here instead of the model's initialization at scale α.
    pub init: Option<Vec<T>>,
    /// Batch-1 SGD with this seed (ChaCha8): step k uses g = x_i·r_i for a uniformly drawn
    /// sample i, the gradient of ½(⟨x_i, β⟩ − y_i)². `None`: full-batch GD.
    pub sgd_seed: Option<u64>,
}

impl<T: Real> GdConfig<T> {
    /// Run until L < `loss_tol` (at most 10⁶ steps).
    pub fn until_loss(eta: T, loss_tol: f64) -> Self {
        GdConfig {
            eta,
            stop: Stop::LossBelow,
            loss_tol,
            max_steps: 1_000_000,
            record_every: 0,
            return_tol: 1e-10,
            blowup: 1e100,
            init: None,
            sgd_seed: None,
        }
    }
    /// Run exactly `steps` steps (then classify).
    pub fn exact_steps(eta: T, steps: u64, loss_tol: f64) -> Self {
        GdConfig { stop: Stop::Steps(steps), ..Self::until_loss(eta, loss_tol) }
    }
    /// With a step budget for [`Stop::LossBelow`].
    pub fn with_max_steps(mut self, max_steps: u64) -> Self {
        self.max_steps = max_steps;
        self
    }
    /// Recording a [`TracePoint`] every `k` steps.
    pub fn with_record_every(mut self, k: u64) -> Self {
        self.record_every = k;
        self
    }
    /// With a relative return tolerance for period detection.
    pub fn with_return_tol(mut self, tol: f64) -> Self {
        self.return_tol = tol;
        self
    }
    /// With a loss above which the run counts as diverged.
    pub fn with_blowup(mut self, blowup: f64) -> Self {
        self.blowup = blowup;
        self
    }
    /// Starting at θ₀ instead of the model's initialization.
    pub fn with_init(mut self, theta0: Vec<T>) -> Self {
        self.init = Some(theta0);
        self
    }
    /// Batch-1 SGD with this seed.
    pub fn with_sgd_seed(mut self, seed: u64) -> Self {
        self.sgd_seed = Some(seed);
        self
    }
}

/// The long-run behaviour of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The loss fell below the threshold.
    Converged,
    /// The iterates return to within tolerance after `period` (2..=64) steps, for three
    /// periods and again ≥ 4096 steps later at the same phase.
    Periodic,
    /// A non-finite value or a loss above the blow-up level.
    Diverged,
    /// None of the above within the budget.
    Unresolved,
}

/// A sample of the trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TracePoint {
    /// Step index k.
    pub step: u64,
    /// L(θ_k).
    pub loss: f64,
    /// ‖∇²L(θ_k)‖_op.
    pub sharpness: f64,
    /// ‖β_k‖₁.
    pub l1: f64,
    /// ‖θ_k‖₂².
    pub param_norm2_sq: f64,
}

/// The result of a GD run (the last finite iterate if it diverged).
#[derive(Debug, Clone)]
pub struct RunResult<T: Real> {
    /// Long-run behaviour.
    pub outcome: Outcome,
    /// The period when `outcome` is periodic.
    pub period: Option<usize>,
    /// Steps taken.
    pub steps: u64,
    /// Final parameters.
    pub theta: Vec<T>,
    /// Final predictor.
    pub beta: Vec<T>,
    /// Final loss.
    pub loss: T,
    /// Number of steps k with L(θ_{k+1}) > L(θ_k).
    pub loss_increases: u64,
    /// Samples every `record_every` steps.
    pub trace: Vec<TracePoint>,
}

/// Watches a run: called with each iterate and the gradient g = Xᵀr/n used for its step.
pub trait Observer<T: Real> {
    /// Before step k (θ_k, β_k, g_k).
    fn observe(&mut self, k: u64, theta: &[T], beta: &[T], g: &[T], eta: &T);
    /// After the last step, with the final iterate.
    fn finish(&mut self, _theta: &[T], _beta: &[T]) {}
    /// Whether [`Observer::observe`] must see every step. `false` lets [`run_gd`] take the
    /// steps between its checks in one tight loop, without calling `observe`.
    fn watches(&self) -> bool {
        true
    }
}

/// An observer that does nothing.
pub struct NoObserver;
impl<T: Real> Observer<T> for NoObserver {
    fn observe(&mut self, _: u64, _: &[T], _: &[T], _: &[T], _: &T) {}
    fn watches(&self) -> bool {
        false
    }
}

/// Buffers for [`gd_step`].
pub struct Workspace<T: Real> {
    beta: Vec<T>,
    r: Vec<T>,
    g: Vec<T>,
}

impl<T: Real> Workspace<T> {
    /// Buffers for a design with n samples and d features.
    pub fn new(n: usize, d: usize, ctx: T::Ctx) -> Self {
        Workspace { beta: vec![T::zero(ctx); d], r: vec![T::zero(ctx); n], g: vec![T::zero(ctx); d] }
    }
}

/// One GD step θ ← θ − η∇L(θ) without allocation; returns L(θ) before the step.
/// (The building block that [`run_gd`] iterates; exposed for benchmarks.)
pub fn gd_step<M: Parametrization, T: Real>(problem: &Problem<M, T>, theta: &mut [T], eta: &T, ws: &mut Workspace<T>) -> T {
    // A one-kernel step (SW on one f64 sample) needs neither the buffers nor wide vectors.
    if let Some(loss) = problem.model.fused_step(problem.design, theta, eta) {
        return loss;
    }
    #[cfg(target_arch = "x86_64")]
    if wide_simd() {
        // SAFETY: the CPU has AVX2 and FMA (checked by `wide_simd`).
        return unsafe { gd_step_wide(problem, theta, eta, ws) };
    }
    gd_step_body(problem, theta, eta, ws)
}

/// AVX2 and FMA present: the loops are compiled for them (wider vectors for f64, one FMA
/// instruction for the error-free products of double-double and quad-double instead of a
/// library call). Results are the same bits either way: Rust never contracts a·b + c into
/// an FMA, vectorized loops keep each entry's order of operations, and `f64::mul_add` is
/// correctly rounded on both paths. ([`crate::numeric::lanes::portable`] turns it off on a
/// thread, for the test of that claim.)
#[cfg(target_arch = "x86_64")]
fn wide_simd() -> bool {
    crate::numeric::lanes::wide()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gd_step_wide<M: Parametrization, T: Real>(problem: &Problem<M, T>, theta: &mut [T], eta: &T, ws: &mut Workspace<T>) -> T {
    gd_step_body(problem, theta, eta, ws)
}

#[inline(always)]
fn gd_step_body<M: Parametrization, T: Real>(problem: &Problem<M, T>, theta: &mut [T], eta: &T, ws: &mut Workspace<T>) -> T {
    problem.model.beta(theta, &mut ws.beta);
    let loss = problem.design.residual_grad(&ws.beta, &mut ws.r, &mut ws.g);
    problem.model.step(theta, &ws.g, eta);
    loss
}

/// Run GD from the model's initialization at scale α.
pub fn run_gd<M: Parametrization, T: Real, O: Observer<T>>(
    problem: &Problem<M, T>,
    alpha: &T,
    cfg: &GdConfig<T>,
    observer: &mut O,
) -> RunResult<T> {
    #[cfg(target_arch = "x86_64")]
    if wide_simd() {
        // SAFETY: the CPU has AVX2 and FMA (checked by `wide_simd`).
        return unsafe { run_gd_wide(problem, alpha, cfg, observer) };
    }
    run_gd_body(problem, alpha, cfg, observer)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_gd_wide<M: Parametrization, T: Real, O: Observer<T>>(
    problem: &Problem<M, T>,
    alpha: &T,
    cfg: &GdConfig<T>,
    observer: &mut O,
) -> RunResult<T> {
    run_gd_body(problem, alpha, cfg, observer)
}

/// The step the loop takes from θ with β = β(θ) given: r, g (full batch, or the drawn
/// sample's for SGD), the new θ and its β; returns L(θ). The rollback replays exactly this.
#[inline(always)]
fn advance<M: Parametrization, T: Real>(
    problem: &Problem<M, T>,
    theta: &mut [T],
    buf: &mut Buffers<T>,
    sampler: Option<&mut ChaCha8Rng>,
    eta: &T,
) {
    let Buffers { beta, r, g, .. } = buf;
    match sampler {
        None => {
            problem.design.residual_grad(beta, r, g);
        }
        Some(rng) => {
            problem.design.residual(beta, r);
            problem.design.sample_grad(rng.gen_range(0..problem.design.n), r, g);
        }
    }
    problem.model.step_beta(theta, g, eta, beta);
}

/// The first multiple of m at or after step k (`u64::MAX` past the range).
fn next_multiple(k: u64, m: u64) -> u64 {
    k.checked_next_multiple_of(m).unwrap_or(u64::MAX)
}

/// The first step ≥ k that reads the period ring: a period check (every
/// [`PERIOD_CHECK_EVERY`]) or the end of the budget.
fn next_check(k: u64, budget: u64) -> u64 {
    next_multiple(k, PERIOD_CHECK_EVERY).min(budget)
}

/// The first step ≥ k at which the loop has bookkeeping to do besides the per-step loss
/// tests: a check and checkpoint ([`next_check`]) or a trace record.
fn next_event(k: u64, budget: u64, record_every: u64) -> u64 {
    let e = next_check(k, budget);
    if record_every > 0 {
        e.min(next_multiple(k, record_every))
    } else {
        e
    }
}

/// Buffers of the loop: β, r, g and the θ a run of plain steps starts from.
struct Buffers<T> {
    beta: Vec<T>,
    r: Vec<T>,
    g: Vec<T>,
    start: Vec<T>,
}

/// Plain steps k0..end (no event of [`next_event`] among them) in one tight loop: the fused
/// step where the model has one ([`Parametrization::fused_step`], the same bits as the separate
/// passes), the loss tests folded into one flag without a branch each, and θ pushed to the ring
/// only after the first `quiet` of the `steps` steps (the window the next check reads; earlier
/// states would be overwritten before any check reads them).
/// Returns the number of loss increases and the last loss; `None` if one of the steps would
/// end the run (a non-finite or blown-up loss, or convergence under [`Stop::LossBelow`]): then
/// θ, β and the ring are as they were at k0, and the caller takes these steps one at a time.
#[inline(always)]
fn plain_steps<M: Parametrization, T: Real>(
    problem: &Problem<M, T>,
    cfg: &GdConfig<T>,
    buf: &mut Buffers<T>,
    theta: &mut [T],
    history: &mut History,
    (steps, quiet): (u64, u64),
    prev_loss: f64,
) -> Option<(u64, f64)> {
    let (model, design) = (problem.model, problem.design);
    let stops_below = cfg.stop == Stop::LossBelow;
    let mark = history.mark();
    buf.start.clone_from_slice(theta);
    let (mut stop, mut increases, mut prev, mut beta_fresh) = (false, 0u64, prev_loss, true);
    for j in 0..steps {
        let loss = match model.fused_step(design, theta, &cfg.eta) {
            Some(l) => {
                beta_fresh = false;
                l
            }
            None => {
                if !beta_fresh {
                    model.beta(theta, &mut buf.beta);
                    beta_fresh = true;
                }
                let l = design.residual_grad(&buf.beta, &mut buf.r, &mut buf.g);
                model.step_beta(theta, &buf.g, &cfg.eta, &mut buf.beta);
                l
            }
        };
        let l = loss.to_f64();
        stop |= !l.is_finite() | (l > cfg.blowup) | (stops_below & (l < cfg.loss_tol));
        increases += (l > prev) as u64;
        prev = l;
        if stop {
            break;
        }
        if j >= quiet {
            history.push(theta);
        }
    }
    if stop {
        theta.clone_from_slice(&buf.start);
        model.beta(theta, &mut buf.beta);
        history.rewind(mark);
        return None;
    }
    if !beta_fresh {
        model.beta(theta, &mut buf.beta);
    }
    Some((increases, prev))
}

/// The GD loop. Bookkeeping per step is O(1) (plus a copy of θ into the period ring over the
/// [`WINDOW`] steps before each check, every step on the step-by-step path): the
/// divergence test reads only the loss (a non-finite θ makes β, hence r and L, non-finite:
/// every parameter enters β through a product, and every β_i enters r through X), and θ's
/// own finiteness is checked every [`PERIOD_CHECK_EVERY`] steps as a guard. The last finite
/// iterate is not copied every step: θ (and the SGD sampler) is checkpointed every
/// [`PERIOD_CHECK_EVERY`] steps, and on divergence at step k the run returns θ_{k−1},
/// replayed from the checkpoint with the very same operations (so the same bits). Without
/// SGD and an observer that watches, the steps between events run in [`plain_steps`].
#[inline(always)]
fn run_gd_body<M: Parametrization, T: Real, O: Observer<T>>(
    problem: &Problem<M, T>,
    alpha: &T,
    cfg: &GdConfig<T>,
    observer: &mut O,
) -> RunResult<T> {
    let design = problem.design;
    let ctx = alpha.ctx();
    let model = problem.model;
    let mut theta = cfg.init.clone().unwrap_or_else(|| model.init(design.d, alpha));
    let zeros = |m: usize| vec![T::zero(ctx); m];
    let mut buf = Buffers { beta: zeros(design.d), r: zeros(design.n), g: zeros(design.d), start: theta.clone() };
    let mut history = History::new(theta.len());
    let mut sampler = cfg.sgd_seed.map(ChaCha8Rng::seed_from_u64);
    let (mut ckpt, mut ckpt_k, mut ckpt_rng) = (theta.clone(), 0u64, sampler.clone());
    let mut trace = Vec::new();
    let mut loss_increases = 0;
    let mut prev_loss = f64::INFINITY;
    let mut k: u64 = 0;
    let outcome;
    let mut period = None;
    let budget = match cfg.stop {
        Stop::Steps(n) => n,
        Stop::LossBelow => cfg.max_steps,
    };
    let fast = sampler.is_none() && !observer.watches();
    model.beta(&theta, &mut buf.beta);
    loop {
        let loss = match sampler {
            None => design.residual_grad(&buf.beta, &mut buf.r, &mut buf.g),
            Some(_) => {
                design.residual(&buf.beta, &mut buf.r);
                design.loss(&buf.r)
            }
        };
        let loss64 = loss.to_f64();
        let check = k % PERIOD_CHECK_EVERY == 0;
        if !loss64.is_finite() || loss64 > cfg.blowup || (check && theta.iter().any(|t| !t.is_finite())) {
            // Back to θ_{k−1} (θ₀ if k = 0): replay from the checkpoint.
            theta = ckpt;
            model.beta(&theta, &mut buf.beta);
            for _ in ckpt_k + 1..k {
                advance(problem, &mut theta, &mut buf, ckpt_rng.as_mut(), &cfg.eta);
            }
            design.residual(&buf.beta, &mut buf.r);
            outcome = Outcome::Diverged;
            break;
        }
        if check {
            ckpt.clone_from(&theta);
            ckpt_k = k;
            ckpt_rng.clone_from(&sampler);
        }
        if loss64 > prev_loss {
            loss_increases += 1;
        }
        prev_loss = loss64;
        if cfg.record_every > 0 && k % cfg.record_every == 0 {
            trace.push(trace_point(problem, k, &theta, &buf.beta, loss64));
        }
        if cfg.stop == Stop::LossBelow && loss64 < cfg.loss_tol {
            outcome = Outcome::Converged;
            break;
        }
        let mut confirmed = None;
        if check && k > 0 && sampler.is_none() {
            confirmed = history.confirmed_period(k, cfg.return_tol);
            if confirmed.is_some() && cfg.stop == Stop::LossBelow {
                period = confirmed;
                outcome = Outcome::Periodic;
                break;
            }
        }
        if k >= budget {
            outcome = if loss64 < cfg.loss_tol {
                Outcome::Converged
            } else if let Some(p) = confirmed.or_else(|| sampler.is_none().then(|| history.confirmed_period(k, cfg.return_tol)).flatten()) {
                period = Some(p);
                Outcome::Periodic
            } else if k < CONFIRM_AFTER && sampler.is_none() && history.period(cfg.return_tol).is_some() {
                // Too short to confirm over many periods: three exact returns suffice.
                period = history.period(cfg.return_tol);
                Outcome::Periodic
            } else {
                Outcome::Unresolved
            };
            break;
        }
        if let Some(rng) = &mut sampler {
            design.sample_grad(rng.gen_range(0..design.n), &buf.r, &mut buf.g);
        }
        observer.observe(k, &theta, &buf.beta, &buf.g, &cfg.eta);
        model.step_beta(&mut theta, &buf.g, &cfg.eta, &mut buf.beta);
        history.push(&theta);
        k += 1;
        if fast {
            let end = next_event(k, budget, cfg.record_every);
            if end <= k {
                continue;
            }
            // θ_j is needed in the ring only if the next check (or the budget's end) reads it.
            let quiet = next_check(k, budget).saturating_sub(WINDOW - 1).saturating_sub(k + 1);
            if let Some((increases, last)) = plain_steps(problem, cfg, &mut buf, &mut theta, &mut history, (end - k, quiet), prev_loss) {
                loss_increases += increases;
                prev_loss = last;
                k = end;
            }
        }
    }
    model.beta(&theta, &mut buf.beta);
    observer.finish(&theta, &buf.beta);
    let loss = design.loss(&buf.r);
    if cfg.record_every > 0 && trace.last().is_none_or(|t| t.step != k) {
        trace.push(trace_point(problem, k, &theta, &buf.beta, loss.to_f64()));
    }
    RunResult { outcome, period, steps: k, theta, beta: buf.beta, loss, loss_increases, trace }
}

fn trace_point<M: Parametrization, T: Real>(problem: &Problem<M, T>, k: u64, theta: &[T], beta: &[T], loss: f64) -> TracePoint {
    let ctx = theta[0].ctx();
    TracePoint {
        step: k,
        loss,
        sharpness: sharpness_of(problem.model, &problem.design64, theta).map_or(f64::INFINITY, |s| s.op_norm),
        l1: norm1(beta, ctx).to_f64(),
        param_norm2_sq: problem.model.param_norm2_sq(theta).to_f64(),
    }
}
