//! The central flow of Cohen, Damian et al. (2024) with one unstable eigenvalue
//! (THEORY.md §4 C): the time-averaged GD path follows
//! dθ/dt = −η[∇L + ½σ²∇S], σ² = 2⟨−∇L, ∇S⟩/‖∇S‖² while S = 2/η (σ² = 0 while S < 2/η),
//! with ∇S = ∇_θ(uᵀ∇²L u) for the top eigenvector u, and the predicted time-averaged loss
//! E L ≈ L(θ(t)) + σ²/η. Time t counts GD steps.

use crate::numeric::linalg::top_eigenpair;
use crate::problem::design::Design;
use crate::problem::model::{Evaluation, Parametrization};
use serde::Serialize;

/// The central-flow limit and what was seen on the way.
#[derive(Debug, Clone, Serialize)]
pub struct CentralFlowResult {
    /// Parameters at the end.
    pub theta: Vec<f64>,
    /// Predictor at the end.
    pub beta: Vec<f64>,
    /// Time (in GD steps) integrated.
    pub time: f64,
    /// Whether the flow came to rest (‖θ̇‖ small) within the budget.
    pub converged: bool,
    /// Time spent on the edge of stability (S = 2/η, σ² > 0).
    pub time_at_edge: f64,
    /// Final sharpness ‖∇²L‖ top eigenvalue.
    pub sharpness: f64,
    /// Samples (t, L(θ(t)), predicted time-averaged loss L + σ²/η, S) every `sample_every`.
    /// At a sample within [`EDGE_BAND`] of the edge, σ² = c·⟨−∇L, ∇S⟩⁺/‖∇S‖² is evaluated
    /// there (not taken from the step, which may sit just off the edge when the discretization
    /// or a wrong c makes the flow chatter across it).
    pub samples: Vec<[f64; 4]>,
}

fn hessian<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64]) -> Vec<f64> {
    Evaluation::new(model, design, theta).hessian(model, design, theta)
}

/// ∇_θ(uᵀ∇²L(θ)u) at fixed u, by central differences (step 1e-6·max(1, |θ_j|)).
pub fn grad_sharpness<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64], u: &[f64]) -> Vec<f64> {
    let p = theta.len();
    let quad = |t: &[f64]| {
        let h = hessian(model, design, t);
        (0..p).map(|i| u[i] * (0..p).map(|j| h[i * p + j] * u[j]).sum::<f64>()).sum::<f64>()
    };
    (0..p)
        .map(|j| {
            let e = 1e-6 * theta[j].abs().max(1.0);
            let (mut tp, mut tm) = (theta.to_vec(), theta.to_vec());
            tp[j] += e;
            tm[j] -= e;
            (quad(&tp) - quad(&tm)) / (2.0 * e)
        })
        .collect()
}

/// Relative band below the edge within which a sample counts as on the edge (the Euler
/// step's overshoot below S = e/η is ηdt·⟨−∇L, ∇S⟩ per step, far below 1e-3·e/η at dt ≤ 1).
pub const EDGE_BAND: f64 = 1e-3;

/// The central flow's state on the edge and the expansion parameter of its Taylor model.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EdgeState {
    /// L(θ).
    pub loss: f64,
    /// S = λ_max(∇²L(θ)).
    pub sharpness: f64,
    /// σ² = c·⟨−∇L, ∇S⟩⁺/‖∇S‖².
    pub sigma2: f64,
    /// ‖∇S‖.
    pub grad_s_norm: f64,
    /// ε = σ·‖∇S‖/S: how much the sharpness changes across one oscillation amplitude, relative
    /// to S. The central flow keeps the quadratic model L(θ + xu) ≈ L + ½Sx² along the top
    /// eigenvector u; its first neglected term, ⅙∇³L[u,u,u]x³ = ⅙⟨∇S, u⟩x³, is of relative size
    /// ε/3, and the asymmetry it gives the oscillation shifts the mean at the same order, so the
    /// relation E L ≈ L + σ²/η holds to O(ε).
    pub epsilon: f64,
}

/// [`EdgeState`] at θ for GD at η with σ² factor c.
pub fn edge_state<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64], sigma2_factor: f64) -> Option<EdgeState> {
    let p = theta.len();
    let Evaluation { grad_theta: grad, loss, .. } = Evaluation::new(model, design, theta);
    let (s, u) = top_eigenpair(p, &hessian(model, design, theta))?;
    let gs = grad_sharpness(model, design, theta, &u);
    let gs2: f64 = gs.iter().map(|v| v * v).sum();
    let dot: f64 = grad.iter().zip(&gs).map(|(a, b)| -a * b).sum();
    let sigma2 = (sigma2_factor * dot / gs2).max(0.0);
    let grad_s_norm = gs2.sqrt();
    Some(EdgeState { loss, sharpness: s, sigma2, grad_s_norm, epsilon: sigma2.sqrt() * grad_s_norm / s })
}

/// How the central flow is integrated.
#[derive(Debug, Clone, Copy)]
pub struct CentralFlowConfig {
    /// GD's learning rate η.
    pub eta: f64,
    /// Euler step in GD-step units.
    pub dt: f64,
    /// Time budget in GD-step units.
    pub max_time: f64,
    /// Stop when ‖θ̇‖ ≤ tol.
    pub tol: f64,
    /// The c in σ² = c·⟨−∇L, ∇S⟩/‖∇S‖² (c = 2 keeps S = 2/η; other values only serve to
    /// show that the claim's check can fail).
    pub sigma2_factor: f64,
    /// The edge is S = e/η (e = 2: linear stability of GD; other values only serve to show that
    /// the claim's check can fail).
    pub edge_factor: f64,
    /// Record a sample every this many GD-step units.
    pub sample_every: f64,
}

impl CentralFlowConfig {
    /// dt = 0.05, 2·10⁴ steps of time, tol = 1e-12, c = 2, e = 2, a sample every 10 steps.
    pub fn new(eta: f64) -> Self {
        CentralFlowConfig { eta, dt: 0.05, max_time: 20_000.0, tol: 1e-12, sigma2_factor: 2.0, edge_factor: 2.0, sample_every: 10.0 }
    }
}

/// Integrate the central flow from θ₀ with explicit Euler steps of `dt` GD-step units,
/// projecting back onto S ≤ 2/η when the discretization overshoots, until ‖θ̇‖ ≤ `tol` or
/// `max_time`.
///
/// ```
/// use normsharp::{theory::central_flow::*, problem::model::{Parametrization, Sw}, problem::tasks::canonical_two};
/// let design = canonical_two().design::<f64>(());
/// let r = central_flow(&Sw, &design, &Sw.init(2, &1e-3), &CentralFlowConfig::new(0.3));
/// // For d = 2 the central flow ends on the T7 ansatz point (1/3, 1/3), where S = 2/η.
/// assert!((r.beta[0] - 1.0 / 3.0).abs() < 1e-6 && (r.beta[1] - 1.0 / 3.0).abs() < 1e-6);
/// ```
pub fn central_flow<M: Parametrization>(model: &M, design: &Design<f64>, theta0: &[f64], cfg: &CentralFlowConfig) -> CentralFlowResult {
    let CentralFlowConfig { eta, dt, max_time, tol, sigma2_factor, edge_factor, sample_every } = *cfg;
    let p = theta0.len();
    let edge = edge_factor / eta;
    let mut theta = theta0.to_vec();
    let (mut t, mut time_at_edge) = (0.0, 0.0);
    let mut samples = Vec::new();
    let sample_every = sample_every.max(dt);
    let mut next_sample = 0.0;
    let mut converged = false;
    let mut s_now = 0.0;
    while t < max_time {
        let Evaluation { grad_theta: grad, loss, .. } = Evaluation::new(model, design, &theta);
        let mut velocity: Vec<f64> = grad.iter().map(|g| -eta * g).collect();
        let mut sigma2 = 0.0;
        // c = 0 is plain gradient flow: no spectrum needed.
        let (s, u) = if sigma2_factor > 0.0 {
            let Some(top) = top_eigenpair(p, &hessian(model, design, &theta)) else { break };
            top
        } else {
            (0.0, Vec::new())
        };
        s_now = s;
        if sigma2_factor > 0.0 && s >= edge * (1.0 - 1e-9) {
            let gs = grad_sharpness(model, design, &theta, &u);
            let gs2: f64 = gs.iter().map(|v| v * v).sum();
            let dot: f64 = grad.iter().zip(&gs).map(|(a, b)| -a * b).sum();
            sigma2 = (sigma2_factor * dot / gs2).max(0.0);
            for (v, g) in velocity.iter_mut().zip(&gs) {
                *v -= eta * 0.5 * sigma2 * g;
            }
            // Pull back onto S = 2/η if the discretization overshot (Newton step on S).
            if s > edge {
                let corr = (s - edge) / gs2;
                for (th, g) in theta.iter_mut().zip(&gs) {
                    *th -= corr * g;
                }
            }
            if sigma2 > 0.0 {
                time_at_edge += dt;
            }
        }
        if t >= next_sample {
            let sample_sigma2 = if sigma2 > 0.0 || !(sigma2_factor > 0.0) || s < edge * (1.0 - EDGE_BAND) {
                sigma2
            } else {
                let gs = grad_sharpness(model, design, &theta, &u);
                let gs2: f64 = gs.iter().map(|v| v * v).sum();
                let dot: f64 = grad.iter().zip(&gs).map(|(a, b)| -a * b).sum();
                (sigma2_factor * dot / gs2).max(0.0)
            };
            samples.push([t, loss, loss + sample_sigma2 / eta, s]);
            next_sample += sample_every;
        }
        let speed = velocity.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !speed.is_finite() {
            break;
        }
        if speed <= tol {
            converged = true;
            break;
        }
        for (th, v) in theta.iter_mut().zip(&velocity) {
            *th += dt * v;
        }
        t += dt;
    }
    let mut beta = vec![0.0; design.d];
    model.beta(&theta, &mut beta);
    CentralFlowResult { theta, beta, time: t, converged, time_at_edge, sharpness: s_now, samples }
}
