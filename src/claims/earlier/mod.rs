//! Earlier work on diagonal networks (THEORY.md §4 W, D, A, E, N) and the exact UV ↔ PM map
//! of §2. Predictions come from [`crate::theory::potentials`] through [`EarlierFormulas`]; every
//! measurement is an independent GD run through [`run_gd`].
//!
//! Tasks are seeded Gaussian designs ([`gaussian`]): centred (mean 0) for W, D, A, E, UV-PM
//! and non-centred (feature means 5) for N.

use super::*;
use crate::dynamics::{run_gd, GdConfig, NoObserver, Observer, Outcome, Problem, RunResult};
use crate::error::Result;
use crate::theory::interpolators::{self, Sign, Witness};
use crate::problem::model::{Depth, Parametrization, Pm, Uv, UvGeneral};
use crate::theory::potentials as pot;
use crate::numeric::real::Real;
use crate::problem::tasks::gaussian;
use rug::{Float, Rational};
use crate::numeric::vector::{max_abs, rel_dist};
use crate::dynamics::observers::EvenIdentity;

/// A limit from two coefficient vectors (u₀, v₀ or α²₊,∞, α²₋,∞).
pub type PairLimit = fn(&Design<f64>, &[f64], &[f64]) -> Result<Vec<f64>>;

/// The formulas the checks of this family predict with ([`Default`]: the correct ones).
#[derive(Clone, Copy)]
pub struct EarlierFormulas {
    /// W1, W2: the PM gradient-flow limit from a = b = α (design, α).
    pub woodworth_limit: fn(&Design<f64>, f64) -> Result<Vec<f64>>,
    /// W1, D1, E2: the order p of the GD error, ‖β_GD(η) − β_GF‖ = Θ(η^p) (p = 1).
    pub gd_error_order: f64,
    /// W2: the exponent of ‖β(α) − β_ℓ2‖∞ = Θ(α^e) as α → ∞ (e = −4).
    pub l2_rate_exponent: f64,
    /// W2: the exponent of ‖β(α) − β_ℓ1‖∞ = Θ(α^e) as α → 0 from the LP margin δ (e = 2δ).
    pub l1_rate_exponent: fn(f64) -> f64,
    /// W2: the minimum-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y.
    pub min_l2: fn(&Task) -> Result<Vec<f64>>,
    /// D1: the depth-D gradient-flow limit (design, α, D).
    pub depth_limit: fn(&Design<f64>, f64, u32) -> Result<Vec<f64>>,
    /// A1: the gradient-flow limit of UV from (u₀, v₀).
    pub uv_limit: PairLimit,
    /// E1: κ in s_k = −κ·Σ_{j<k} η g_j (κ = 2).
    pub even_s_coefficient: i64,
    /// E2: the Bregman limit from the identity's (α²₊,∞, α²₋,∞).
    pub even_limit: PairLimit,
    /// E3: the predicted shape of GD's gain ((Xᵀy)²).
    pub gd_gain_shape: fn(&Design<f64>) -> Vec<f64>,
    /// E3: the predicted shape of batch-1 SGD's gain (diag XᵀX).
    pub sgd_gain_shape: fn(&Design<f64>) -> Vec<f64>,
    /// N1: the right side 1/(2η).
    pub nacson_bound: fn(f64) -> f64,
    /// N1: the left side Σ x̄_i²|β_i|.
    pub nacson_sum: fn(&Design<f64>, &[f64]) -> f64,
    /// UV-PM: PM on (X, c·y) … (c = 2).
    pub uv_pm_label_factor: i64,
    /// UV-PM: … at learning rate η/m (m = 4) …
    pub uv_pm_eta_divisor: i64,
    /// UV-PM: … has β_PM = c′·β_UV (c′ = 2).
    pub uv_pm_beta_factor: i64,
}

pub(super) fn woodworth_limit(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
    pot::woodworth_limit(design, &alpha)
}

pub(super) fn depth_limit(design: &Design<f64>, alpha: f64, depth: u32) -> Result<Vec<f64>> {
    pot::depth_limit(design, &alpha, depth)
}

pub(super) fn uv_limit(design: &Design<f64>, u0: &[f64], v0: &[f64]) -> Result<Vec<f64>> {
    pot::uv_limit(design, u0, v0)
}

pub(super) fn even_limit(design: &Design<f64>, plus: &[f64], minus: &[f64]) -> Result<Vec<f64>> {
    pot::hyperbolic_limit(design, &pot::Hyperbolic::from_coefficients(plus, minus))
}

pub(super) fn min_l2(task: &Task) -> Result<Vec<f64>> {
    interpolators::min_l2(task).map(|c| c.beta)
}

/// (Xᵀy)²: GD's gain is dominated by the first steps, where g ≈ −Xᵀy/n.
pub fn gd_gain_shape(design: &Design<f64>) -> Vec<f64> {
    let mut v = vec![0.0; design.d];
    f64::matvec_t(design.n, design.d, &design.x, &design.y, &mut v);
    v.iter().map(|a| a * a).collect()
}

/// diag(XᵀX) = Σ_s X_si²: batch-1 SGD's gradient on coordinate i is X_si·r_s.
pub fn sgd_gain_shape(design: &Design<f64>) -> Vec<f64> {
    (0..design.d).map(|i| (0..design.n).map(|s| design.x[s * design.d + i].powi(2)).sum()).collect()
}

pub(super) fn two_delta(delta: f64) -> f64 {
    2.0 * delta
}

impl Default for EarlierFormulas {
    fn default() -> Self {
        EarlierFormulas {
            woodworth_limit,
            gd_error_order: 1.0,
            l2_rate_exponent: -4.0,
            l1_rate_exponent: two_delta,
            min_l2,
            depth_limit,
            uv_limit,
            even_s_coefficient: 2,
            even_limit,
            gd_gain_shape,
            sgd_gain_shape,
            nacson_bound: pot::nacson_bound,
            nacson_sum: pot::nacson_sum,
            uv_pm_label_factor: 2,
            uv_pm_eta_divisor: 4,
            uv_pm_beta_factor: 2,
        }
    }
}

mod potentials;
use potentials::*;
mod even;
use even::*;
mod maps;
use maps::*;

// ---------------------------------------------------------------------------------------
// Helpers.



/// Least-squares slope of ln y against ln x.
pub(super) fn loglog_slope(x: &[f64], y: &[f64]) -> f64 {
    let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let k = lx.len() as f64;
    let (mx, my) = (lx.iter().sum::<f64>() / k, ly.iter().sum::<f64>() / k);
    let sxy: f64 = lx.iter().zip(&ly).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = lx.iter().map(|a| (a - mx).powi(2)).sum();
    sxy / sxx
}

/// Pearson correlation.
pub(super) fn corr(a: &[f64], b: &[f64]) -> f64 {
    let k = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / k, b.iter().sum::<f64>() / k);
    let c: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    c / (va * vb).sqrt()
}

pub(super) fn sci(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:.3e}")).collect::<Vec<_>>().join(", ")
}

pub(super) fn run64<M: Parametrization, O: Observer<f64>>(
    model: &M,
    design: &Design<f64>,
    alpha: f64,
    cfg: &GdConfig<f64>,
    obs: &mut O,
) -> RunResult<f64> {
    run_gd(&Problem::new(model, design), &alpha, cfg, obs)
}

/// GD to L < 1e-22 (f64 stagnates near 1e-27 at small η; T3's threshold).
pub(super) fn gd_limit<M: Parametrization>(model: &M, design: &Design<f64>, alpha: f64, eta: f64) -> Option<Vec<f64>> {
    let mut cfg = GdConfig::until_loss(eta, 1e-22);
    cfg.max_steps = 3_000_000;
    let run = run64(model, design, alpha, &cfg, &mut NoObserver);
    (run.outcome == Outcome::Converged).then_some(run.beta)
}

/// PM parameters on the gradient-flow path with predictor β: ab = α² is conserved, so
/// a² = (β + √(β² + 4α⁴))/2, b² = (−β + √(β² + 4α⁴))/2.
pub(super) fn pm_theta(beta: &[f64], alpha: f64) -> Vec<f64> {
    let a4 = 4.0 * alpha.powi(4);
    let mut t: Vec<f64> = beta.iter().map(|b| ((b + (b * b + a4).sqrt()) / 2.0).sqrt()).collect();
    t.extend(beta.iter().map(|b| ((-b + (b * b + a4).sqrt()) / 2.0).sqrt()));
    t
}

/// Depth-D parameters on the flow with predictor β: a = α(1 − z)^{−1/(D−2)},
/// b = α(1 + z)^{−1/(D−2)}, z = h_D⁻¹(β/α^D).
pub(super) fn depth_theta(beta: &[f64], alpha: f64, depth: u32) -> Vec<f64> {
    let e = -1.0 / (depth as f64 - 2.0);
    let z: Vec<f64> = beta.iter().map(|b| pot::depth_h_inverse(depth, &(b / alpha.powi(depth as i32)))).collect();
    let mut t: Vec<f64> = z.iter().map(|z| alpha * (1.0 - z).powf(e)).collect();
    t.extend(z.iter().map(|z| alpha * (1.0 + z).powf(e)));
    t
}

/// UV parameters on the flow with predictor β from w±₀ = (u₀ ± v₀)/√2: w₊w₋ = w₊₀w₋₀ =: P
/// is conserved and β = (w₊² − w₋²)/2, so w₊² = β + √(β² + P²); u = (w₊ + w₋)/√2,
/// v = (w₊ − w₋)/√2.
pub(super) fn uv_theta(beta: &[f64], u0: &[f64], v0: &[f64]) -> Vec<f64> {
    let r2 = std::f64::consts::SQRT_2;
    let d = beta.len();
    let mut t = vec![0.0; 2 * d];
    for i in 0..d {
        let (wp0, wm0) = ((u0[i] + v0[i]) / r2, (u0[i] - v0[i]) / r2);
        let p = wp0 * wm0;
        let wp = wp0.signum() * (beta[i] + (beta[i] * beta[i] + p * p).sqrt()).sqrt();
        let wm = if wp == 0.0 { wm0.signum() * (-2.0 * beta[i]).max(0.0).sqrt() } else { p / wp };
        t[i] = (wp + wm) / r2;
        t[d + i] = (wp - wm) / r2;
    }
    t
}

pub(super) fn op_norm<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64]) -> f64 {
    sharpness(model, design, theta).map_or(f64::NAN, |s| s.op_norm)
}

/// The O(η) check shared by W1 and D1: GD at ηS = 0.2·2⁻ᵏ, k = 0..4 (four halvings), the
/// fitted log–log slope of the relative error against η, and Richardson 2·GD(η₄) − GD(η₃)
/// against the prediction with tolerance (η₃S)² (what the extrapolation leaves, as in T3).
#[allow(clippy::too_many_arguments)]
pub(super) fn eta_order_check<M: Parametrization>(
    id: &str,
    label: &str,
    model: &M,
    design: &Design<f64>,
    alpha: f64,
    pred: &[f64],
    s: f64,
    order: f64,
) -> Vec<CheckResult> {
    let etas: Vec<f64> = (0..5).map(|k| 0.2 / s / 2f64.powi(k)).collect();
    let mut betas = Vec::new();
    for &eta in &etas {
        match gd_limit(model, design, alpha, eta) {
            Some(b) => betas.push(b),
            None => return vec![CheckResult::failed(id, label, "GD limit", format!("GD did not converge at η = {eta:.3e}"))],
        }
    }
    let errs: Vec<f64> = betas.iter().map(|b| rel_dist(b, pred)).collect();
    let slope = loglog_slope(&etas, &errs);
    let rich: Vec<f64> = betas[4].iter().zip(&betas[3]).map(|(a, b)| 2.0 * a - b).collect();
    let tol_rich = (etas[3] * s).powi(2);
    vec![
        CheckResult::scalar(
            id,
            label,
            "log–log slope of ‖β_GD(η) − β_pred‖∞/‖β_pred‖∞ in η (ηS = 0.2 … 0.0125)",
            order,
            slope,
            0.15,
            Relation::AbsoluteError,
        )
        .with_note(format!("S = {s:.4} (sharpness at the predicted limit); relative errors {}; tolerance ±0.15 on the order", sci(&errs))),
        CheckResult::vector(
            id,
            label,
            "β_pred vs Richardson 2·GD(η/2) − GD(η) at ηS = 0.025",
            pred,
            &rich,
            tol_rich,
            Relation::RelativeError,
        )
        .with_note(format!(
            "plain GD at ηS = 0.0125 is off by {:.2e}; tolerance (ηS)² = {tol_rich:.2e}, what the extrapolation leaves",
            errs[4]
        )),
    ]
}

/// The claims of THEORY.md §4 (W, D, A, E, N) and §2's UV ↔ PM map.
pub fn claims() -> Vec<Claim> {
    vec![
        Claim::new("W1", "PM GD from a = b = α converges to argmin_{Xβ=y} Q_α(β) = 2α²·sinh(Xᵀν) up to O(η)", "lit: Woodworth et al. 2020; derived", true, check_w1),
        Claim::new("W2", "argmin Q_α → min-ℓ1 as α → 0 (rate α^{2δ}) and → min-ℓ2 as α → ∞ (rate α^{−4})", "lit: Woodworth et al. 2020; derived", true, check_w2),
        Claim::new("D1", "Depth-D GD (D = 3) converges to the minimizer of the depth-D potential, β = α^D·h_D(Xᵀν), up to O(η)", "lit: Woodworth et al. 2020; derived", true, check_d1),
        Claim::new(
            "A1",
            "UV from (u₀, v₀): the GF limit is β = ½(w₊₀²e^{s} − w₋₀²e^{−s}), s = Xᵀν; same u₀v₀, different shape ⇒ different limits",
            "lit: Azulay et al. 2021; derived",
            true,
            check_a1,
        ),
        Claim::new("E1", "UV GD and SGD: β_k = ½(α²₊,ₖe^{s_k} − α²₋,ₖe^{−s_k}) exactly at every step", "lit: Even, Pesme, Gunasekar, Flammarion 2023; derived", true, check_e1),
        Claim::new("E2", "The UV GD limit is argmin_{Xβ=y} D_ψ(β, β̃₀) at α_∞; the plain GF prediction is off by Θ(η)", "lit: Even, Pesme, Gunasekar, Flammarion 2023", false, check_e2),
        Claim::new("E3", "GD's gain follows (Xᵀy)² and concentrates on the support; batch-1 SGD's follows diag(XᵀX) and is nearly uniform", "lit: Even, Pesme, Gunasekar, Flammarion 2023; empirical", false, check_e3),
        Claim::new("N1", "At a stable PM interpolator (non-centred data): Σ_i x̄_i²|β_i| ≤ 1/(2η)", "lit: Nacson et al. 2022; derived", true, check_n1),
        Claim::new("UV-PM", "UV on (X, y) at (α, η) has exactly the iterates of PM on (X, 2y) at (α, η/4), β_PM = 2β_UV", "derived", true, check_uv_pm),
    ]
}
