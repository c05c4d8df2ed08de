//! THEORY.md §4 G2 [derived]: GD's effective initialization predicted from the gradient-flow
//! path alone, before any GD run (proofs/T4-limit.md for SW, proofs/E2.md for UV).
//!
//! **SW (T4).** One GD step multiplies β_i by (1 − 2ηg_i)², so ln β_i moves by
//! −4ηg_i − h(2ηg_i) with h(u) = −2 ln|1 − u| − 2u = u² + (2/3)u³ + u⁴/2 + …: the gain of a step is
//! h(2ηg_i) = 4η²g_i² + (16/3)η³g_i³ + O(η⁴). Summed along the run (time t = kη) and compared with
//! gradient flow, Gain_i = 4η·∫₀^∞ g_i(t)² dt + O(η²), with g(t) = Xᵀr(t)/n on the SW flow
//! ẇ = −2w⊙g (β̇ = −4β⊙g) from w = α·1.
//!
//! **UV (E).** The step (u, v) ← (u − ηg⊙v, v − ηg⊙u) is, in w± = (u ± v)/√2,
//! w₊ ← w₊⊙(1 − x), w₋ ← w₋⊙(1 + x) with x = ηg. Even et al.'s q± (THEORY.md §4 E) expand as
//! q₊(x) = −2x − ln((1 − x)²) = x² + (2/3)x³ + x⁴/2 + …, q₋(x) = q₊(−x) = x² − (2/3)x³ + x⁴/2 − …,
//! so q = (q₊ + q₋)/2 = x² + x⁴/2 + O(x⁶) (the odd orders cancel) and the per-step gain in
//! α_∞² = α²e^{−Σq} is q(ηg_i) = η²g_i² + O(η⁴): Gain_i = η·∫₀^∞ g_i(t)² dt + O(η²), with g(t) on
//! the UV flow u̇ = −g⊙v, v̇ = −g⊙u from u = √2α·1, v = 0 (β = α²·sinh s, ṡ = −2g). The
//! asymmetry ½Σ(q₊ − q₋) = (2/3)η²∫g³ + … is itself O(η²) and is left out of the prediction.
//!
//! Both flows live in the dual: z = Xᵀμ with β = α²e^{z} (SW) or α²·sinh z (UV) and
//! μ̇ = −κr/n (κ = 4 SW, 2 UV). For one sample the integral is explicit: with β(c) on the path
//! and ċ = −κr, g_i²dt = −(x_i²/κ)·r dc, so ∫g_i² = (x_i²/κ)·∫₀^{c*}(y − ⟨x, β(c)⟩) dc, an explicit
//! primitive ([`sw_gf_square_integral`], [`uv_gf_square_integral`]). For several samples the flow is
//! integrated by an adaptive Dormand–Prince 5(4) method ([`gf_square_integral_ode`]).
//!
//! ```
//! use normsharp::theory::effective_init::{sw_gf_gain, sw_effective_limit};
//! use normsharp::problem::tasks::canonical_four;
//! let design = canonical_four().design::<f64>(());
//! let gain = sw_gf_gain(&design, 1e-3, 0.01).unwrap(); // 4η∫g², predicted before any GD run
//! assert!(gain.windows(2).all(|w| w[0] < w[1])); // larger where x is larger (T4-gain)
//! let beta = sw_effective_limit(&design, 1e-3, &gain).unwrap();
//! assert!((beta.iter().zip(1..=4).map(|(b, x)| b * x as f64).sum::<f64>() - 1.0).abs() < 1e-12);
//! ```

use crate::error::{Error, Result};
use crate::numeric::real::Real;
use crate::problem::design::Design;
use crate::theory::dual_newton::dual_newton;
use crate::theory::potentials::{hyperbolic_limit, Hyperbolic};
use crate::theory::predictions::entropy_root;

/// The η² coefficient of the SW per-step gain, h(2ηg) = 4η²g² + O(η³) (THEORY.md T4, G2).
pub const SW_GAIN_COEFFICIENT: f64 = 4.0;
/// The η² coefficient of Even et al.'s per-step gain, q(ηg) = η²g² + O(η⁴) (THEORY.md §4 E).
pub const UV_GAIN_COEFFICIENT: f64 = 1.0;

/// A gradient flow whose ∫g² is integrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// SW from w = α·1: β = α²e^{z}, ż = −4g.
    Sw,
    /// UV from u = √2α·1, v = 0: β = α²·sinh z, ż = −2g.
    Uv,
}

impl Flow {
    /// κ in ż = −κg (μ̇ = −κr/n).
    pub fn kappa(self) -> f64 {
        match self {
            Flow::Sw => 4.0,
            Flow::Uv => 2.0,
        }
    }
    /// β_i on the path at z_i (ln α² given, so α² may underflow).
    fn beta(self, ln_a2: f64, z: f64) -> f64 {
        match self {
            Flow::Sw => (ln_a2 + z).exp(),
            Flow::Uv => 0.5 * ((ln_a2 + z).exp() - (ln_a2 - z).exp()),
        }
    }
}

fn check_alpha(alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidInput { what: "initialization scale α".into(), why: format!("α = {alpha}; it must be positive and finite") })
    }
}

/// ∫₀^∞ g_i(t)² dt on the SW gradient flow from w = α·1 (THEORY.md G2; Gain_i ≈ 4η·this).
///
/// One sample (closed form): on the path β(c) = α²e^{c x}, ċ = −4r, so g_i²dt = −(x_i²/4)·r dc and
/// ∫g_i² = (x_i²/4)·[y c* − Σ_j α²(e^{c* x_j} − 1)], c* the root of T3 (the bracket is ≥ 0: it is
/// the concave primitive of y − ⟨x, β(c)⟩, zero at 0 and maximal at c*). Several samples: the
/// flow integrated by [`gf_square_integral_ode`].
pub fn sw_gf_square_integral(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
    check_alpha(alpha)?;
    if design.n > 1 {
        return Ok(gf_square_integral_ode(design, alpha, Flow::Sw)?.square_integral);
    }
    let x = design.row(0);
    let y = design.y[0];
    let a2 = alpha * alpha;
    let c = entropy_root(x, &vec![a2; design.d], &y)?;
    let primitive = y * c - x.iter().map(|xj| a2 * (c * xj).exp_m1()).sum::<f64>();
    Ok(x.iter().map(|xi| xi * xi / 4.0 * primitive).collect())
}

/// ∫₀^∞ g_i(t)² dt on the UV gradient flow from u = √2α·1, v = 0 (THEORY.md §4 E, G2;
/// Gain_i ≈ η·this).
///
/// One sample (closed form): on the path β(c) = α²·sinh(c x), ċ = −2r, so
/// ∫g_i² = (x_i²/2)·[y c* − Σ_j α²(cosh(c* x_j) − 1)], c* the root of ⟨x, α² sinh(c x)⟩ = y.
/// Several samples: [`gf_square_integral_ode`].
pub fn uv_gf_square_integral(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
    check_alpha(alpha)?;
    if design.n > 1 {
        return Ok(gf_square_integral_ode(design, alpha, Flow::Uv)?.square_integral);
    }
    let x = design.row(0);
    let y = design.y[0];
    let a2 = alpha * alpha;
    let sol = dual_newton(design, &uv_link(design.d, alpha, &vec![0.0; design.d]), "UV gradient-flow root")?;
    let c = sol.nu[0];
    // cosh(u) − 1 = 2 sinh²(u/2), without cancellation.
    let primitive = y * c - x.iter().map(|xj| a2 * 2.0 * (c * xj / 2.0).sinh().powi(2)).sum::<f64>();
    Ok(x.iter().map(|xi| xi * xi / 2.0 * primitive).collect())
}

/// Gain_i = 4η·∫g_i² on the SW flow: the effective initialization α_∞² = α²e^{−Gain} predicted
/// to O(η²) before any GD run (THEORY.md G2).
pub fn sw_gf_gain(design: &Design<f64>, alpha: f64, eta: f64) -> Result<Vec<f64>> {
    Ok(sw_gf_square_integral(design, alpha)?.iter().map(|v| SW_GAIN_COEFFICIENT * eta * v).collect())
}

/// Gain_i = η·∫g_i² on the UV flow: Even et al.'s Σq(ηg_k) predicted to O(η²) before any GD run
/// (α_∞² = α²e^{−Gain}; THEORY.md §4 E, G2).
pub fn uv_gf_gain(design: &Design<f64>, alpha: f64, eta: f64) -> Result<Vec<f64>> {
    Ok(uv_gf_square_integral(design, alpha)?.iter().map(|v| UV_GAIN_COEFFICIENT * eta * v).collect())
}

/// T4: the entropy minimizer argmin_{Xβ=y, β≥0} Σ_i[β_i ln(β_i/α_∞,i²) − β_i] at
/// α_∞,i² = α²e^{−gain_i}: β = α_∞²⊙exp(Xᵀν) with Xβ = y ([`entropy_limit_log`]).
pub fn sw_effective_limit(design: &Design<f64>, alpha: f64, gain: &[f64]) -> Result<Vec<f64>> {
    let ln_a: Vec<f64> = gain.iter().map(|g| 2.0 * alpha.ln() - g).collect();
    entropy_limit_log(design, &ln_a)
}

/// The entropy minimizer argmin_{Xβ=y, β≥0} Σ_i[β_i ln(β_i/a_i) − β_i] = a⊙exp(Xᵀν), Xβ = y,
/// from ln a_i (THEORY.md T3/T4), by the generic [`dual_newton`] on the exponential link
/// (the hyperbolic link ½(Ae^z − Be^{−z}) with A = 2a, B = 0), whose stopping rule is the
/// rounding level of the residual.
pub fn entropy_limit_log(design: &Design<f64>, ln_a: &[f64]) -> Result<Vec<f64>> {
    let ln2 = std::f64::consts::LN_2;
    let link = Hyperbolic::from_logs(ln_a.iter().map(|l| Some(l + ln2)).collect(), vec![None; ln_a.len()], ());
    Ok(dual_newton(design, &link, "entropy dual Newton")?.beta)
}

fn uv_link(d: usize, alpha: f64, gain: &[f64]) -> Hyperbolic<f64> {
    let l = 2.0 * alpha.ln();
    let logs: Vec<Option<f64>> = (0..d).map(|i| Some(l - gain[i])).collect();
    Hyperbolic::from_logs(logs.clone(), logs, ())
}

/// E: the hyperbolic-entropy limit β = ½α_∞²(e^{Xᵀν} − e^{−Xᵀν}) = α_∞²·sinh(Xᵀν) with Xβ = y at
/// α_∞,i² = α²e^{−gain_i} (Even et al.'s Bregman limit with β̃₀ = 0, which is O(η²) away).
pub fn uv_effective_limit(design: &Design<f64>, alpha: f64, gain: &[f64]) -> Result<Vec<f64>> {
    hyperbolic_limit(design, &uv_link(design.d, alpha, gain))
}

/// The result of integrating a gradient flow together with ∫g².
#[derive(Debug, Clone)]
pub struct GfIntegral {
    /// ∫₀^T g_i(t)² dt per coordinate.
    pub square_integral: Vec<f64>,
    /// β at the final time.
    pub beta: Vec<f64>,
    /// The final time T.
    pub time: f64,
    /// Accepted steps.
    pub steps: usize,
    /// max_s |r_s(T)| at the end.
    pub residual: f64,
}

/// Largest number of accepted steps of [`gf_square_integral_ode`].
const ODE_MAX_STEPS: usize = 2_000_000;
/// Local error tolerance of [`gf_square_integral_ode`]: on each z_i (an absolute error in ln β,
/// i.e. relative in β) and relative on each ∫g_i².
const ODE_TOL: f64 = 1e-11;

/// Integrate the dual flow μ̇ = −κr/n (z = Xᵀμ, β = β(z), r = Xβ − y) from μ = 0 with
/// Ġ_i = g_i² (g = Xᵀr/n) by the Dormand–Prince 5(4) pair with local error control
/// (tolerance 1e-11 on z and relative on G), until max|r| is below 1e-13 of the residual's
/// scale max_s (|y_s| + Σ_j|X_sj β_j|) (the rounding level of r is ~1e-16 of it; a residual
/// below 1e-10 of it that stops decreasing also ends the run). What is
/// left out, ∫_T^∞ g², is at most ‖g(T)‖²/(2λ), λ the slowest rate of the linearized flow: at
/// ‖r‖ ~ 1e-13 it is ~1e-26/λ, far below the tolerance unless the flow is degenerate.
pub fn gf_square_integral_ode(design: &Design<f64>, alpha: f64, flow: Flow) -> Result<GfIntegral> {
    check_alpha(alpha)?;
    let (n, d) = (design.n, design.d);
    let ln_a2 = 2.0 * alpha.ln();
    let kappa = flow.kappa();
    let nf = n as f64;
    let fail = |detail: String| Error::NoConvergence { what: "gradient-flow ∫g² (Dormand–Prince)".into(), detail };
    // State: μ (n) then G (d). Returns (derivative, r, β).
    let rhs = |mu: &[f64]| -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut z = vec![0.0; d];
        f64::matvec_t(n, d, &design.x, mu, &mut z);
        let beta: Vec<f64> = z.iter().map(|zi| flow.beta(ln_a2, *zi)).collect();
        let mut r = vec![0.0; n];
        design.residual(&beta, &mut r);
        let mut g = vec![0.0; d];
        design.grad_beta(&r, &mut g);
        let mut f: Vec<f64> = r.iter().map(|ri| -kappa * ri / nf).collect();
        f.extend(g.iter().map(|gi| gi * gi));
        (f, r, beta)
    };
    let r_scale = |beta: &[f64]| -> f64 {
        (0..n).map(|s| design.y[s].abs() + design.row(s).iter().zip(beta).map(|(x, b)| (x * b).abs()).sum::<f64>()).fold(0.0, f64::max)
    };
    // Dormand–Prince 5(4) tableau.
    const A: [[f64; 6]; 7] = [
        [0.0; 6],
        [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
        [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
        [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
        [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
        [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
    ];
    const B5: [f64; 7] = [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];
    const B4: [f64; 7] = [5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0, -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0];
    let dim = n + d;
    let mut state = vec![0.0; dim];
    let (mut f0, mut r, mut beta) = rhs(&state[..n]);
    // Initial step: z moves by ≤ 1e-3.
    let speed = |f: &[f64]| -> f64 {
        let mut dz = vec![0.0; d];
        f64::matvec_t(n, d, &design.x, &f[..n], &mut dz);
        dz.iter().fold(0.0f64, |m, v| m.max(v.abs()))
    };
    // Stability: h·λ_max(K) ≤ 2 for the Jacobian −K of μ̇, K = (κ/n)·X diag(dβ/dz) Xᵀ, bounded by
    // its trace (κ/n)Σ_i ‖X_{:,i}‖²·dβ_i/dz (dβ/dz = β for SW, √(β² + α⁴) for UV). Near the end
    // the step is set by this, not by the error estimate: at the edge of the stability region the
    // error-controlled step would keep the residual at the tolerance instead of letting it decay.
    let col_sq: Vec<f64> = (0..d).map(|i| (0..n).map(|s| design.x[s * d + i].powi(2)).sum()).collect();
    let h_stable = |beta: &[f64]| -> f64 {
        let a4 = (2.0 * ln_a2).exp();
        let tr: f64 = (0..d)
            .map(|i| {
                let slope = match flow {
                    Flow::Sw => beta[i],
                    Flow::Uv => (beta[i] * beta[i] + a4).sqrt(),
                };
                col_sq[i] * slope
            })
            .sum::<f64>()
            * kappa
            / nf;
        2.0 / tr
    };
    let mut h = (1e-3 / speed(&f0).max(1e-300)).min(h_stable(&beta));
    let (mut t, mut steps, mut tries) = (0.0, 0usize, 0usize);
    // The smallest residual so far and the step it was reached at (stagnation at rounding level).
    let (mut best, mut best_step) = (f64::INFINITY, 0usize);
    loop {
        let rmax = r.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = r_scale(&beta);
        if rmax < best / 2.0 {
            (best, best_step) = (rmax, steps);
        }
        // Done at 1e-13 of the scale, or when a residual below 1e-10 of it has not halved in 1000
        // steps (ill-conditioned designs: the rounding level of r is reached first).
        if rmax <= 1e-13 * scale || (rmax <= 1e-10 * scale && steps >= best_step + 1000) {
            return Ok(GfIntegral { square_integral: state[n..].to_vec(), beta, time: t, steps, residual: rmax });
        }
        if steps >= ODE_MAX_STEPS || tries >= 4 * ODE_MAX_STEPS {
            return Err(fail(format!("{steps} steps to t = {t:.3e}, residual {rmax:.3e}")));
        }
        tries += 1;
        let mut k: Vec<Vec<f64>> = vec![f0.clone()];
        for stage in 1..7 {
            let s: Vec<f64> = (0..dim).map(|j| state[j] + h * (0..stage).map(|m| A[stage][m] * k[m][j]).sum::<f64>()).collect();
            k.push(rhs(&s[..n]).0);
        }
        let new: Vec<f64> = (0..dim).map(|j| state[j] + h * (0..7).map(|m| B5[m] * k[m][j]).sum::<f64>()).collect();
        let err: Vec<f64> = (0..dim).map(|j| h * (0..7).map(|m| (B5[m] - B4[m]) * k[m][j]).sum::<f64>()).collect();
        // Error norm: on z = Xᵀμ (absolute in ln β) and relative on G.
        let mut ez = vec![0.0; d];
        f64::matvec_t(n, d, &design.x, &err[..n], &mut ez);
        let mut e = ez.iter().fold(0.0f64, |m, v| m.max(v.abs())) / ODE_TOL;
        for j in 0..d {
            let scale = ODE_TOL * new[n + j].abs().max(state[n + j].abs()).max(1e-300);
            e = e.max(err[n + j].abs() / scale);
        }
        if !e.is_finite() {
            h /= 10.0;
            continue;
        }
        if e <= 1.0 {
            t += h;
            steps += 1;
            state = new;
            // FSAL: the last stage is f at the new state; recompute r and β there.
            let (f, rr, bb) = rhs(&state[..n]);
            f0 = f;
            r = rr;
            beta = bb;
        }
        h = (h * (0.9 * e.powf(-0.2)).clamp(0.2, 5.0)).min(h_stable(&beta));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::tasks::{canonical_four, canonical_multi, gaussian};

    fn max_rel(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(p, q)| (p - q).abs() / q.abs()).fold(0.0, f64::max)
    }

    #[test]
    fn ode_matches_the_one_sample_closed_forms() {
        let design = canonical_four().design::<f64>(());
        for alpha in [1e-3, 0.1, 0.6] {
            let sw = gf_square_integral_ode(&design, alpha, Flow::Sw).unwrap();
            let exact = sw_gf_square_integral(&design, alpha).unwrap();
            assert!(max_rel(&sw.square_integral, &exact) < 1e-8, "SW α={alpha}: {:?} vs {exact:?}", sw.square_integral);
            let uv = gf_square_integral_ode(&design, alpha, Flow::Uv).unwrap();
            let exact = uv_gf_square_integral(&design, alpha).unwrap();
            assert!(max_rel(&uv.square_integral, &exact) < 1e-8, "UV α={alpha}: {:?} vs {exact:?}", uv.square_integral);
        }
    }

    #[test]
    fn ode_ends_at_the_gradient_flow_limit() {
        let task = canonical_multi();
        let design = task.design::<f64>(());
        let sw = gf_square_integral_ode(&design, 0.1, Flow::Sw).unwrap();
        let gf = crate::theory::predictions::beta_gf(&design, &0.1).unwrap();
        assert!(max_rel(&sw.beta, &gf) < 1e-9, "{:?} vs {gf:?}", sw.beta);
        let design = gaussian(22, 10, 30, 3, 0.0, 0.0).design::<f64>(());
        let uv = gf_square_integral_ode(&design, 0.3, Flow::Uv).unwrap();
        let gf = uv_effective_limit(&design, 0.3, &[0.0; 30]).unwrap();
        let err = uv.beta.iter().zip(&gf).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(err < 1e-9, "UV flow end off by {err:e}");
    }

    #[test]
    fn per_step_gains_expand_as_stated() {
        // h(2ηg) = 4η²g² + O(η³) and q(x) = x² + O(x⁴).
        // Even et al.'s q± (THEORY.md §4 E), written out here.
        let q_plus = |x: &f64| -2.0 * x - ((1.0 - x) * (1.0 - x)).ln();
        let q_minus = |x: &f64| 2.0 * x - ((1.0 + x) * (1.0 + x)).ln();
        for x in [1e-2f64, -1e-2, 1e-3] {
            let h = -2.0 * (1.0 - x).abs().ln() - 2.0 * x;
            assert!((h - x * x).abs() <= x.abs().powi(3));
            let q = (q_plus(&x) + q_minus(&x)) / 2.0;
            assert!((q - x * x).abs() <= x.powi(4), "q({x}) = {q:e}");
        }
    }
}
