//! Earlier work on diagonal networks (THEORY.md §4 W, D, A, E, N) and the exact UV ↔ PM map
//! of §2. Predictions come from [`crate::theory::potentials`] through [`EarlierFormulas`]; every
//! measurement is an independent GD run through [`run_gd`].
//!
//! Tasks are seeded Gaussian designs ([`gaussian`]): centred (mean 0) for W, D, A, E, UV-PM
//! and non-centred (feature means 5) for N.

use super::*;
use crate::dynamics::observers::EvenIdentity;
use crate::dynamics::{run_gd, GdConfig, NoObserver, Observer, Outcome, Problem, RunResult};
use crate::error::Result;
use crate::numeric::real::Real;
use crate::numeric::vector::{loglog_slope, max_abs, rel_dist};
use crate::problem::model::{AnyModel, Depth, Parametrization, Pm, Uv, UvGeneral};
use crate::problem::tasks::gaussian;
use crate::theory::interpolators::{self, Sign, Witness};
use crate::theory::potentials as pot;
use rug::{Float, Rational};

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
    /// W2: the α⁻⁴ coefficient of β(α) − β_ℓ2 as α → ∞, (I − P)β_ℓ2^{⊙3}/24.
    pub l2_correction: fn(&Task) -> Result<Vec<f64>>,
    /// D1: the depth-D gradient-flow limit (design, α, D).
    pub depth_limit: fn(&Design<f64>, f64, u32) -> Result<Vec<f64>>,
    /// A1: the gradient-flow limit of UV from (u₀, v₀).
    pub uv_limit: PairLimit,
    /// E1: κ in s_k = −κ·Σ_{j<k} η g_j (κ = 2).
    pub even_s_coefficient: i64,
    /// E2: the Bregman limit from the identity's (α²₊,∞, α²₋,∞).
    pub even_limit: PairLimit,
    /// E1, E2 (G2): the c of Even's per-step gain q(ηg) = cη²g² + O(η⁴), so Gain ≈ cη∫g² (1).
    pub even_gain_coefficient: f64,
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
    pub uv_pm_eta_divisor: f64,
    /// UV-PM: … has β_PM = c′·β_UV (c′ = 2).
    pub uv_pm_beta_factor: f64,
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
            l2_correction,
            depth_limit,
            uv_limit,
            even_s_coefficient: 2,
            even_limit,
            even_gain_coefficient: crate::theory::effective_init::UV_GAIN_COEFFICIENT,
            gd_gain_shape,
            sgd_gain_shape,
            nacson_bound: pot::nacson_bound,
            nacson_sum: pot::nacson_sum,
            uv_pm_label_factor: 2,
            uv_pm_eta_divisor: 4.0,
            uv_pm_beta_factor: 2.0,
        }
    }
}

mod potentials;
use potentials::*;
mod even;
use even::*;
mod maps;
use maps::*;
mod uv_pm_bound;
use uv_pm_bound::*;

// ---------------------------------------------------------------------------------------
// Helpers.

/// Pearson correlation.
pub(super) use crate::numeric::rank::pearson as corr;

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

/// Where [`gd_limit_steps`] stops GD: L < 1e-22 (f64 stagnates near 1e-27 at small η; T3's threshold).
pub(super) const GD_LIMIT_LOSS: f64 = 1e-22;

/// GD to L < [`GD_LIMIT_LOSS`] within 3·10⁶ steps: the limit and the steps taken.
pub(super) fn gd_limit_steps<M: Parametrization>(model: &M, design: &Design<f64>, alpha: f64, eta: f64) -> Option<(Vec<f64>, u64)> {
    let mut cfg = GdConfig::until_loss(eta, GD_LIMIT_LOSS);
    cfg.max_steps = 3_000_000;
    let run = run64(model, design, alpha, &cfg, &mut NoObserver);
    (run.outcome == Outcome::Converged).then_some((run.beta, run.steps))
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

/// Smallest singular value of X (n ≤ d): √λ_min(XXᵀ), for the noise floors of the GD limits.
pub(super) fn sigma_min(design: &Design<f64>) -> f64 {
    let (n, d) = (design.n, design.d);
    let mut g = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            g[i * n + j] = (0..d).map(|k| design.x[i * d + k] * design.x[j * d + k]).sum();
        }
    }
    crate::numeric::linalg::symmetric_eigenvalues(n, &g).map_or(f64::NAN, |ev| ev[0].max(0.0).sqrt())
}

/// The noise of one f64 GD limit stopped at L < `loss_tol` after `steps` steps, as an absolute
/// bound on each coordinate: the distance √(2n·L)/σ_min(X) from the stopped iterate to the
/// interpolating set (what the remaining steps still move, to first order), plus one rounding
/// of the iterate per step accumulated linearly, steps·2⁻⁵³·‖β‖∞ (GD near an interpolator is
/// neutral along the zero-loss set, so rounding is not damped there).
pub(super) fn run_noise(design: &Design<f64>, loss_tol: f64, steps: u64, beta_scale: f64) -> f64 {
    (2.0 * design.n as f64 * loss_tol).sqrt() / sigma_min(design) + steps as f64 * f64::EPSILON / 2.0 * beta_scale
}

/// The origin of [`richardson_check`]'s tolerance, in words.
pub(super) const RICHARDSON_ORIGIN: &str = "Richardson's own error estimate: the first-level extrapolant R at the finest pair is off by c′η^{p+1}, which the same formula estimates coordinatewise from the next-coarser pairs, Ê_i = max(|ΔR_last,i|, |ΔR_prev,i|/2^{p+1})/(2^{p+1} − 1) (the previous difference, scaled down by its asymptotic factor, guards against a coefficient that crosses zero between two levels); tolerance 2Ê_i + ε, admitting a next-order term as large as the estimated one, with ε the noise floor of the runs (stopping at L_tol: √(2n·L_tol)/σ_min(X); rounding: steps·2⁻⁵³·‖β‖∞; times the extrapolation's coefficient sum)";

/// A prediction against GD's limits at learning rates halving from coarse to fine
/// (`limits[k]` at η₀2^{−k}, three or more): GD's limit expands as β_pred + c₁η^p +
/// c₂η^{p+1} + … (p = `order`, proofs/W1.md), R_k = (2^p G_{k+1} − G_k)/(2^p − 1) removes the
/// η^p term, and the successive differences of the R_k give Ê (see [`RICHARDSON_ORIGIN`]).
/// Asserted: max_i |R_last,i − β_pred,i| / (2Ê_i + ε) ≤ 1, ε = `noise`·(2^p + 1)/(2^p − 1) (the
/// absolute floor: coefficient sum of R times the noise of one run).
pub(super) fn richardson_check(
    id: &str,
    label: &str,
    quantity: &str,
    pred: &[f64],
    limits: &[Vec<f64>],
    order: f64,
    noise: f64,
) -> CheckResult {
    let k = limits.len();
    if k < 3 || limits.iter().any(|l| l.len() != pred.len()) {
        return CheckResult::failed(id, label, quantity, format!("{k} GD limits (three or more needed)"))
            .kind(Kind::Prediction, RICHARDSON_ORIGIN);
    }
    let two_p = 2f64.powf(order);
    let extrapolate =
        |coarse: &[f64], fine: &[f64]| -> Vec<f64> { fine.iter().zip(coarse).map(|(f, c)| (two_p * f - c) / (two_p - 1.0)).collect() };
    let rs: Vec<Vec<f64>> = limits.windows(2).map(|w| extrapolate(&w[0], &w[1])).collect();
    let m = rs.len();
    let rb = &rs[m - 1];
    let floor = noise * (two_p + 1.0) / (two_p - 1.0);
    let two_q = 2.0 * two_p;
    let est: Vec<f64> = (0..pred.len())
        .map(|i| {
            let last = (rs[m - 1][i] - rs[m - 2][i]).abs();
            let prev = if m >= 3 { (rs[m - 2][i] - rs[m - 3][i]).abs() / two_q } else { 0.0 };
            last.max(prev) / (two_q - 1.0)
        })
        .collect();
    let ratio = (0..pred.len()).map(|i| (rb[i] - pred[i]).abs() / (2.0 * est[i] + floor)).fold(0.0, f64::max);
    let rel = crate::numeric::vector::rel_dist_coordinatewise(rb, pred, f64::MIN_POSITIVE);
    let plain = crate::numeric::vector::rel_dist_coordinatewise(&limits[k - 1], pred, f64::MIN_POSITIVE);
    CheckResult::scalar(id, label, quantity, 1.0, ratio, 0.0, Relation::AtMost).kind(Kind::Prediction, RICHARDSON_ORIGIN).with_note(format!(
        "coordinatewise: max_i |R − β_pred|_i/(2Ê_i + ε) = {ratio:.3} (≤ 1 asserted); max_i |R − β_pred|_i/|β_pred,i| = {rel:.2e}, ‖Ê‖∞/‖β_pred‖∞ = {:.2e}, ε = {floor:.1e}; the plain finest GD limit is off by {plain:.2e} (coordinatewise relative)",
        max_abs(&est) / max_abs(pred)
    ))
}

/// The O(η) check shared by W1 and D1: GD at ηS = 0.2·2⁻ᵏ, k = 0..4 (four halvings) to
/// L < 1e-22; the fitted log–log slope of the relative error against η (the order, with the
/// band of [`crate::claims::paper::product::order_check`]) and [`richardson_check`] on the three
/// finest rates.
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
    let mut steps = 0;
    for &eta in &etas {
        match gd_limit_steps(model, design, alpha, eta) {
            Some((b, k)) => {
                betas.push(b);
                steps = steps.max(k);
            }
            None => {
                return vec![CheckResult::failed(id, label, "GD limit", format!("GD did not converge at η = {eta:.3e}"))
                    .kind(Kind::Prediction, RICHARDSON_ORIGIN)]
            }
        }
    }
    let errs: Vec<f64> = betas.iter().map(|b| rel_dist(b, pred)).collect();
    let noise = run_noise(design, GD_LIMIT_LOSS, steps, max_abs(pred));
    vec![
        crate::claims::paper::product::order_check(
            id,
            label,
            "log–log slope of ‖β_GD(η) − β_pred‖∞/‖β_pred‖∞ in η (ηS = 0.2 … 0.0125)",
            &etas,
            &errs,
            order,
            &format!("S = {s:.4} (sharpness at the predicted limit)"),
        ),
        richardson_check(
            id,
            label,
            "β_pred vs Richardson R = (2^p·GD(η/2) − GD(η))/(2^p − 1) at ηS = 0.025, error estimated from ηS = 0.2 … 0.05",
            pred,
            &betas,
            order,
            noise,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Broken formulas of W1, W2, D1, A1, N1 (registered with the claims below).

fn with_earlier(earlier: EarlierFormulas) -> Formulas {
    Formulas { earlier, ..Formulas::default() }
}

/// β = 2.2α²·sinh(Xᵀν): Woodworth's limit at α·√1.1.
fn woodworth_coefficient_1_1(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
    pot::woodworth_limit(design, &(alpha * 1.1f64.sqrt()))
}

/// β = α²·sinh(Xᵀν): Woodworth's limit at α/√2.
fn woodworth_without_two(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
    pot::woodworth_limit(design, &(alpha / std::f64::consts::SQRT_2))
}

fn two_point_one_delta(delta: f64) -> f64 {
    2.1 * delta
}

fn l2_correction_1_1(task: &Task) -> Result<Vec<f64>> {
    Ok(l2_correction(task)?.iter().map(|v| 1.1 * v).collect())
}

/// β = 1.1·α^D·h_D(z): the depth-D limit at α·1.1^{1/D}.
fn depth_coefficient_1_1(design: &Design<f64>, alpha: f64, depth: u32) -> Result<Vec<f64>> {
    pot::depth_limit(design, &(alpha * 1.1f64.powf(1.0 / depth as f64)), depth)
}

/// Woodworth's D = 2 potential at the same α for a depth-D network.
fn depth_two_potential(design: &Design<f64>, alpha: f64, _depth: u32) -> Result<Vec<f64>> {
    pot::woodworth_limit(design, &alpha)
}

/// β = ½(u₀² + v₀²)·sinh s + 1.1·u₀v₀·cosh s = ½(A′e^s − B′e^{−s}) with
/// A′, B′ = (u₀² + v₀²)/2 ± 1.1·u₀v₀.
fn uv_cosh_term_1_1(design: &Design<f64>, u0: &[f64], v0: &[f64]) -> Result<Vec<f64>> {
    let plus: Vec<f64> = u0.iter().zip(v0).map(|(u, v)| (u * u + v * v) / 2.0 + 1.1 * u * v).collect();
    let minus: Vec<f64> = u0.iter().zip(v0).map(|(u, v)| (u * u + v * v) / 2.0 - 1.1 * u * v).collect();
    pot::hyperbolic_limit(design, &pot::Hyperbolic::from_coefficients(&plus, &minus))
}

/// β = ½(u₀² + v₀²)·sinh s: the hyperbolic entropy of scale k = 2(u₀² + v₀²) centred at 0.
fn uv_scale_only(design: &Design<f64>, u0: &[f64], v0: &[f64]) -> Result<Vec<f64>> {
    let k4: Vec<f64> = u0.iter().zip(v0).map(|(u, v)| (u * u + v * v) / 2.0).collect();
    pot::hyperbolic_limit(design, &pot::Hyperbolic::from_coefficients(&k4, &k4))
}

fn nacson_bound_0_95(eta: f64) -> f64 {
    0.95 / (2.0 * eta)
}

/// η·S ≤ 1 instead of 2: Σ x̄²|β| ≤ 1/(4η).
fn nacson_bound_quarter(eta: f64) -> f64 {
    1.0 / (4.0 * eta)
}

/// The claims of THEORY.md §4 (W, D, A, E, N) and §2's UV ↔ PM map.
pub fn claims() -> Vec<Claim> {
    vec![
        Claim::new("W1", "PM GD from a = b = α converges to argmin_{Xβ=y} Q_α(β) = 2α²·sinh(Xᵀν) up to O(η)", "lit: Woodworth et al. 2020; derived", true, check_w1)
            .on_tasks("any task with rank X = n (an interpolator exists), PM from a = b = α ≥ 1e-3 (smaller α needs smaller ηS and longer runs)", w1_applies, w1_on_task)
            .broken("β = 2α²·sinh(Xᵀν) → 2.2α²·sinh(Xᵀν)", Some(0.1), || with_earlier(EarlierFormulas { woodworth_limit: woodworth_coefficient_1_1, ..EarlierFormulas::default() }))
            .broken("GD error order p = 1 → 1.05", Some(0.05), || with_earlier(EarlierFormulas { gd_error_order: 1.05, ..EarlierFormulas::default() }))
            .broken("β = α²·sinh(Xᵀν) (the factor 2 dropped: PM at α/√2)", Some(0.5), || with_earlier(EarlierFormulas { woodworth_limit: woodworth_without_two, ..EarlierFormulas::default() })),
        Claim::new("W2", "argmin Q_α → min-ℓ1 as α → 0 (rate α^{2δ}) and → min-ℓ2 as α → ∞ (β − β_ℓ2 = α⁻⁴(I − P)β_ℓ2³/24 + O(α⁻⁸))", "lit: Woodworth et al. 2020; derived", true, check_w2)
            .on_tasks("any task with rank X = n, y ≠ 0 and a non-degenerate ℓ1 LP (unique min-ℓ1 interpolator with a valid certificate, support n, LP margin δ > 1e-3); α in units of √‖β_ℓ2‖∞ (α = 2 … 32 and 1e-12 … 1e-28 units); the task's model and α are not used", w2_applies, w2_on_task)
            .broken("α → ∞ exponent −4 → −4.2", Some(0.05), || with_earlier(EarlierFormulas { l2_rate_exponent: -4.2, ..EarlierFormulas::default() }))
            .broken("α → 0 exponent 2δ → 2.1δ", Some(0.05), || with_earlier(EarlierFormulas { l1_rate_exponent: two_point_one_delta, ..EarlierFormulas::default() }))
            .broken("α⁻⁴ coefficient (I − P)β_ℓ2³/24 → 1.1·(I − P)β_ℓ2³/24", Some(0.1), || with_earlier(EarlierFormulas { l2_correction: l2_correction_1_1, ..EarlierFormulas::default() }))
            .broken("α → ∞ exponent −4 → −2", Some(0.5), || with_earlier(EarlierFormulas { l2_rate_exponent: -2.0, ..EarlierFormulas::default() })),
        Claim::new("D1", "Depth-D GD (D = 3) converges to the minimizer of the depth-D potential, β = α^D·h_D(Xᵀν), up to O(η)", "lit: Woodworth et al. 2020; derived", true, check_d1)
            .on_tasks("depth-3 GD on the task's data from a = b = α (the task's model is not used): rank X = n, α ≥ 1e-3, the coarsest run (ηS = 0.2) converging within 3e6/16 steps", d1_applies, d1_on_task)
            .broken("β = α^D·h_D(Xᵀν) → 1.1·α^D·h_D(Xᵀν)", Some(0.1), || with_earlier(EarlierFormulas { depth_limit: depth_coefficient_1_1, ..EarlierFormulas::default() }))
            .broken("GD error order p = 1 → 1.05", Some(0.05), || with_earlier(EarlierFormulas { gd_error_order: 1.05, ..EarlierFormulas::default() }))
            .broken("the depth-2 (Woodworth) potential at the same α", None, || with_earlier(EarlierFormulas { depth_limit: depth_two_potential, ..EarlierFormulas::default() })),
        Claim::new(
            "A1",
            "UV from (u₀, v₀): the GF limit is β = ½(w₊₀²e^{s} − w₋₀²e^{−s}), s = Xᵀν; same u₀v₀, different shape ⇒ different limits",
            "lit: Azulay et al. 2021; derived",
            true,
            check_a1,
        )
        .on_tasks("UV on the task's data from u₀ = α·(1 + i/d) and (2/5)α·(1 + i/d), u₀v₀ = α²/10 (the task's model is not used): rank X = n, α ≥ 1e-3, both coarsest runs (ηS = 0.08) converging within 3e6/8 steps", a1_applies, a1_on_task)
        .broken("β = ½(u₀² + v₀²)·sinh s + 1.1·u₀v₀·cosh s", Some(0.1), || with_earlier(EarlierFormulas { uv_limit: uv_cosh_term_1_1, ..EarlierFormulas::default() }))
        .broken("the scale-only potential β = ½(u₀² + v₀²)·sinh s (k = 2(u₀² + v₀²))", None, || with_earlier(EarlierFormulas { uv_limit: uv_scale_only, ..EarlierFormulas::default() })),
        Claim::new(
            "E1",
            "UV GD and SGD: β_k = ½(α²₊,ₖe^{s_k} − α²₋,ₖe^{−s_k}) exactly at every step; GD's gain Σq(ηg_k) is η∫g² on the GF path up to O(η²)",
            "lit: Even, Pesme, Gunasekar, Flammarion 2023; derived",
            true,
            check_e1,
        )
        .on_tasks("UV on the task's data from u₀ = √2α, v₀ = 0 (the task's model is not used): rank X = n, α ≥ 1e-3, the sweep's coarsest run (ηS_GF = 0.2) converging within 3e6/31 steps; the identities at ηS_GF = 0.8 (batch-1 SGD when n > 1), the gain's O(η) law over ηS_GF = 0.2 … 0.0125", even_applies, e1_on_task)
        .broken("s_k = −4Σx_j (κ = 2 → 4)", Some(1.0), || Formulas { earlier: EarlierFormulas { even_s_coefficient: 4, ..EarlierFormulas::default() }, ..Formulas::default() })
        .broken("gain's η² coefficient 1 → 1.1", Some(0.1), || Formulas { earlier: EarlierFormulas { even_gain_coefficient: 1.1, ..EarlierFormulas::default() }, ..Formulas::default() }),
        Claim::new(
            "E2",
            "The UV GD limit is argmin_{Xβ=y} D_ψ(β, β̃₀) at α_∞; with α_∞² = α²e^{−η∫g²} from the GF path (G2) it is O(η²) from GD's limit, the plain GF prediction Θ(η)",
            "lit: Even, Pesme, Gunasekar, Flammarion 2023; derived",
            true,
            check_e2,
        )
        .on_tasks("UV on the task's data from u₀ = √2α, v₀ = 0 (the task's model is not used): rank X = n, α ≥ 1e-3, the sweep's coarsest run (ηS_GF = 0.2) converging within 3e6/31 steps", even_applies, e2_on_task)
        .broken("gain's η² coefficient 1 → 1.1", Some(0.1), || Formulas { earlier: EarlierFormulas { even_gain_coefficient: 1.1, ..EarlierFormulas::default() }, ..Formulas::default() })
        .broken("α²₊,∞ = α²₋,∞ (no asymmetry of the effective initialization)", None, || Formulas {
            earlier: EarlierFormulas { even_limit: even_limit_symmetric, ..EarlierFormulas::default() },
            ..Formulas::default()
        }),
        Claim::new("E3", "GD's gain follows (Xᵀy)² and concentrates on the support; batch-1 SGD's follows diag(XᵀX) and is nearly uniform", "lit: Even, Pesme, Gunasekar, Flammarion 2023; empirical", false, check_e3)
            .on_tasks("UV on the task's data from u₀ = √2α, v₀ = 0: n ≥ 2, d ≥ 3, rank X = n, α ≥ 1e-3, GD (ηS_GF = 0.4) and batch-1 SGD (η/4) converging within 3e5 steps; the support comparison only with a teacher", e3_applies, e3_on_task)
            .broken("GD and SGD gain shapes swapped", None, || {
                let d = EarlierFormulas::default();
                Formulas { earlier: EarlierFormulas { gd_gain_shape: d.sgd_gain_shape, sgd_gain_shape: d.gd_gain_shape, ..d }, ..Formulas::default() }
            }),
        Claim::new("N1", "At a stable PM interpolator (non-centred data): Σ_i x̄_i²|β_i| ≤ 1/(2η)", "lit: Nacson et al. 2022; derived", true, check_n1)
            .on_tasks("PM or SW (β ≥ 0) on a task with rank X = n, α > 0; checked at the converged GD limits (at least one of η·S_GF = 0.5, 1.5, 2.2, 2.5 must converge)", n1_applies, n1_on_task)
            .broken("1/(2η) → 0.95/(2η)", Some(0.05), || with_earlier(EarlierFormulas { nacson_bound: nacson_bound_0_95, ..EarlierFormulas::default() }))
            .broken("1/(2η) → 1/(4η) (stability constant 1)", Some(0.5), || with_earlier(EarlierFormulas { nacson_bound: nacson_bound_quarter, ..EarlierFormulas::default() })),
        Claim::new("UV-PM", "UV on (X, y) at (α, η) has exactly the iterates of PM on (X, 2y) at (α, η/4), β_PM = 2β_UV", "derived", true, check_uv_pm)
            .on_tasks("any task and α > 0 with S_GF computable (the map is exact; the tolerance is a first-order rounding bound carried along the run by the step Jacobians' norms, so it holds while GD escapes the saddle at 0); 2000 steps at η·S_GF = 0.5", uv_pm_applies, uv_pm_on_task)
            .broken("PM at η/4.2", Some(0.05), || with_earlier(EarlierFormulas { uv_pm_eta_divisor: 4.2, ..EarlierFormulas::default() }))
            .broken("β_PM = 2.1·β_UV", Some(0.05), || with_earlier(EarlierFormulas { uv_pm_beta_factor: 2.1, ..EarlierFormulas::default() }))
            .broken("PM at η/2", Some(1.0), || with_earlier(EarlierFormulas { uv_pm_eta_divisor: 2.0, ..EarlierFormulas::default() })),
    ]
}
