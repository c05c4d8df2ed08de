//! Implicit-bias potentials of earlier work on diagonal networks (THEORY.md §4 W, E, N, A and
//! depth D), written once for every precision.
//!
//! Every gradient-flow limit here has the same shape: along the flow the parameters are an
//! explicit function of the integrated gradient, so the limit is β_i = φ_i(z_i) with
//! z = Xᵀν ∈ range(Xᵀ) and Xβ = y, for an increasing link φ_i. Writing φ_i = Φ_i′, ν is the
//! minimizer of the smooth strictly convex dual Ψ(ν) = Σ_i Φ_i((Xᵀν)_i) − yᵀν (gradient
//! Xβ(ν) − y, Hessian X diag(φ_i′) Xᵀ), found by damped Newton ([`dual_newton`]); the
//! primal statement is β = argmin_{Xβ=y} Σ_i Φ_i*(β_i) (Fenchel conjugate: ∇Φ_i* = φ_i⁻¹).
//!
//! | model | link β_i = φ_i(z) | potential | function |
//! |---|---|---|---|
//! | PM, a₀ = b₀ = α (W) | 2α²·sinh z | Q_α = α²Σq(β_i/α²) | [`woodworth_limit`] |
//! | depth D, a₀ = b₀ = α | α^D·h_D(z), \|z\| < 1 | α^D Σ q_D(β_i/α^D) | [`depth_limit`] |
//! | UV from (u₀, v₀) (A) | ½(w₊₀²e^z − w₋₀²e^{−z}) | Bregman of a hyperbolic entropy | [`uv_limit`] |
//! | UV GD/SGD (E) | ½(α²₊,∞e^z − α²₋,∞e^{−z}) | D_ψ(β, β̃₀) at α_∞ | [`hyperbolic_limit`] |
//!
//! with w±₀ = (u₀ ± v₀)/√2. The hyperbolic links are evaluated in the log domain
//! (ln A_i + z instead of A_i·e^z), so the initialization scale may be as small as the
//! exponent range allows (α = 1e-40 in f64 is fine).
//!
//! [`EvenIdentity`] is the observer of Even et al.'s exact representation of UV GD/SGD, and
//! [`nacson_sum`] the left side of Nacson et al.'s stability bound Σ x̄_i²|β_i| ≤ 1/(2η).
//!
//! ```
//! use normsharp::theory::potentials::{woodworth_limit, woodworth_potential};
//! use normsharp::problem::tasks::gaussian;
//! let design = gaussian(1, 3, 8, 2, 0.0, 0.0).design::<f64>(());
//! let beta = woodworth_limit(&design, &0.1).unwrap();
//! let mut r = vec![0.0; 3];
//! design.residual(&beta, &mut r);
//! assert!(r.iter().all(|v| v.abs() < 1e-12));
//! assert!(woodworth_potential(&beta, &0.1) > 0.0);
//! ```

use crate::error::Result;
use crate::numeric::real::{asinh, ln_1p, two, Real};
use crate::problem::design::Design;
use crate::theory::dual_newton::{dual_newton, Link};

// ---------------------------------------------------------------------------------------
// Hyperbolic links: W, A, E.

/// The link β_i = ½(A_i e^z − B_i e^{−z}) with A_i, B_i ≥ 0, A_i + B_i > 0, stored as
/// ln A_i, ln B_i (`None` for a zero coefficient). Φ_i(z) = ½(A_i e^z + B_i e^{−z}) = φ_i′(z).
///
/// With A = B = 2α² this is Woodworth's 2α²·sinh z; for UV from (u₀, v₀), A = w₊₀², B = w₋₀²;
/// for Even et al., A = α²₊,∞, B = α²₋,∞.
#[derive(Debug, Clone)]
pub struct Hyperbolic<T: Real> {
    /// ln A_i (None: A_i = 0).
    pub ln_plus: Vec<Option<T>>,
    /// ln B_i (None: B_i = 0).
    pub ln_minus: Vec<Option<T>>,
    ln2: T,
}

fn ln_or_none<T: Real>(v: &T) -> Option<T> {
    (*v > T::zero(v.ctx())).then(|| v.clone().ln())
}

impl<T: Real> Hyperbolic<T> {
    /// From ln A_i and ln B_i.
    pub fn from_logs(ln_plus: Vec<Option<T>>, ln_minus: Vec<Option<T>>, ctx: T::Ctx) -> Self {
        Hyperbolic { ln_plus, ln_minus, ln2: two::<T>(ctx).ln() }
    }
    /// From the coefficients A_i, B_i ≥ 0.
    pub fn from_coefficients(plus: &[T], minus: &[T]) -> Self {
        let ctx = plus[0].ctx();
        Self::from_logs(plus.iter().map(ln_or_none).collect(), minus.iter().map(ln_or_none).collect(), ctx)
    }
    /// Woodworth (PM from a = b = α): A_i = B_i = 2α², i.e. β = 2α²·sinh z (log domain:
    /// ln A = ln 2 + 2 ln α, so α² may underflow).
    pub fn woodworth(d: usize, alpha: &T) -> Self {
        let ctx = alpha.ctx();
        let l = two::<T>(ctx).ln() + &(alpha.clone().ln() * &two::<T>(ctx));
        Self::from_logs(vec![Some(l.clone()); d], vec![Some(l); d], ctx)
    }
    /// UV from any (u₀, v₀) (Azulay et al.): A_i = w₊₀ᵢ² = (u₀ᵢ + v₀ᵢ)²/2,
    /// B_i = w₋₀ᵢ² = (u₀ᵢ − v₀ᵢ)²/2.
    pub fn uv(u0: &[T], v0: &[T]) -> Self {
        let ctx = u0[0].ctx();
        let half = |s: T| s.clone() * &s / &two::<T>(ctx);
        let plus: Vec<T> = u0.iter().zip(v0).map(|(u, v)| half(u.clone() + v)).collect();
        let minus: Vec<T> = u0.iter().zip(v0).map(|(u, v)| half(u.clone() - v)).collect();
        Self::from_coefficients(&plus, &minus)
    }
}

impl<T: Real> Link<T> for Hyperbolic<T> {
    fn eval(&self, i: usize, z: &T) -> Option<(T, T, T)> {
        let zero = T::zero(z.ctx());
        let ep = self.ln_plus[i].as_ref().map_or(zero.clone(), |l| (l.clone() + z - &self.ln2).exp());
        let em = self.ln_minus[i].as_ref().map_or(zero, |l| (l.clone() - z - &self.ln2).exp());
        let phi = ep.clone() + &em;
        Some((phi.clone(), ep - &em, phi))
    }
}

/// The limit β = ½(A e^{Xᵀν} − B e^{−Xᵀν}) with Xβ = y (THEORY.md §4 A and E), by
/// [`dual_newton`].
pub fn hyperbolic_limit<T: Real>(design: &Design<T>, link: &Hyperbolic<T>) -> Result<Vec<T>> {
    Ok(dual_newton(design, link, "hyperbolic dual Newton")?.beta)
}

/// Woodworth et al.'s q(z) = 2 − √(4 + z²) + z·asinh(z/2) (q′ = asinh(z/2), q ≥ 0).
pub fn woodworth_q<T: Real>(z: &T) -> T {
    let ctx = z.ctx();
    let four = T::from_i64(4, ctx);
    two::<T>(ctx) - &(four + &(z.clone() * z)).sqrt() + &(z.clone() * &asinh(&(z.clone() / &two::<T>(ctx))))
}

/// Q_α(β) = α²·Σ_i q(β_i/α²).
pub fn woodworth_potential<T: Real>(beta: &[T], alpha: &T) -> T {
    let a2 = alpha.clone() * alpha;
    let mut acc = T::zero(alpha.ctx());
    for b in beta {
        acc += &woodworth_q(&(b.clone() / &a2));
    }
    acc * &a2
}

/// THEORY.md §4 W: the gradient-flow limit of PM from a = b = α·1,
/// argmin_{Xβ=y} Q_α(β) = 2α²·sinh(Xᵀν) with Xβ = y (proofs/W1.md derives the factor 2:
/// a² = α²e^{z}, b² = α²e^{−z}).
pub fn woodworth_limit<T: Real>(design: &Design<T>, alpha: &T) -> Result<Vec<T>> {
    hyperbolic_limit(design, &Hyperbolic::woodworth(design.d, alpha))
}

/// THEORY.md §4 A: the gradient-flow limit of UV from any (u₀, v₀):
/// β = ½(w₊₀²e^{s} − w₋₀²e^{−s}) = ½(u₀² + v₀²)·sinh s + u₀v₀·cosh s, s = Xᵀν, Xβ = y.
pub fn uv_limit<T: Real>(design: &Design<T>, u0: &[T], v0: &[T]) -> Result<Vec<T>> {
    hyperbolic_limit(design, &Hyperbolic::uv(u0, v0))
}

/// The hyperbolic entropy ψ_a(β) = ½Σ_i [β_i asinh(β_i/a_i) − √(β_i² + a_i²) + a_i] with
/// scales a_i = α_i² (THEORY.md §4 E; ∇ψ_a = ½·asinh(β/a)).
pub fn hyperbolic_entropy<T: Real>(beta: &[T], a: &[T]) -> T {
    let ctx = beta[0].ctx();
    let mut acc = T::zero(ctx);
    for (b, ai) in beta.iter().zip(a) {
        acc += &(b.clone() * &asinh(&(b.clone() / ai)) - &(b.clone() * b + &(ai.clone() * ai)).sqrt() + ai);
    }
    acc / &two::<T>(ctx)
}

/// The Bregman divergence D_ψ(β, β₀) = ψ(β) − ψ(β₀) − ⟨∇ψ(β₀), β − β₀⟩ of
/// [`hyperbolic_entropy`].
pub fn hyperbolic_bregman<T: Real>(beta: &[T], beta0: &[T], a: &[T]) -> T {
    let ctx = beta[0].ctx();
    let mut lin = T::zero(ctx);
    for ((b, b0), ai) in beta.iter().zip(beta0).zip(a) {
        lin += &(asinh(&(b0.clone() / ai)) * &(b.clone() - b0) / &two::<T>(ctx));
    }
    hyperbolic_entropy(beta, a) - &hyperbolic_entropy(beta0, a) - &lin
}

/// The parameters of the hyperbolic Bregman form of β(s) = ½(A e^s − B e^{−s}) with
/// A, B > 0: β = a·sinh(s + s₀) with scale a = √(AB) and centre β₀ = ½(A − B) (the value at
/// s = 0). Returns (a_i, β₀ᵢ). The limit with Xβ = y is argmin_{Xβ=y} D_ψa(β, β₀).
/// For UV from (u₀, v₀): a = |u₀² − v₀²|/2 and β₀ = u₀v₀; for Even et al.: a = α_∞²,
/// β₀ = β̃₀.
pub fn bregman_parameters<T: Real>(plus: &[T], minus: &[T]) -> (Vec<T>, Vec<T>) {
    let ctx = plus[0].ctx();
    let a = plus.iter().zip(minus).map(|(p, m)| (p.clone() * m).sqrt()).collect();
    let b0 = plus.iter().zip(minus).map(|(p, m)| (p.clone() - m) / &two::<T>(ctx)).collect();
    (a, b0)
}

// ---------------------------------------------------------------------------------------
// Depth D.

/// The depth-D link (D ≥ 3): β_i = α^D·h_D(z), h_D(z) = (1−z)^{−p} − (1+z)^{−p},
/// p = D/(D−2), on |z| < 1; Φ = α^D·H_D with H_D(z) = [(1−z)^{1−p} + (1+z)^{1−p} − 2]/(p−1)
/// and φ′ = α^D·p[(1−z)^{−p−1} + (1+z)^{−p−1}].
#[derive(Debug, Clone)]
pub struct DepthLink<T: Real> {
    /// D.
    pub depth: u32,
    scale: T,
    p: T,
}

impl<T: Real> DepthLink<T> {
    /// The link of depth D ≥ 3 at initialization α (scale α^D).
    pub fn new(depth: u32, alpha: &T) -> Self {
        assert!(depth >= 3, "the depth-D potential needs D ≥ 3 (D = 2 is Woodworth's)");
        let ctx = alpha.ctx();
        let mut scale = T::one(ctx);
        for _ in 0..depth {
            scale *= alpha;
        }
        DepthLink { depth, scale, p: T::from_ratio(depth as i64, depth as i64 - 2, ctx) }
    }
}

/// h_D(z) = (1−z)^{−D/(D−2)} − (1+z)^{−D/(D−2)} on |z| < 1 (None outside).
pub fn depth_h<T: Real>(depth: u32, z: &T) -> Option<T> {
    let link = DepthLink::new(depth, &T::one(z.ctx()));
    link.eval(0, z).map(|(_, b, _)| b)
}

impl<T: Real> Link<T> for DepthLink<T> {
    fn eval(&self, _i: usize, z: &T) -> Option<(T, T, T)> {
        let ctx = z.ctx();
        let one = T::one(ctx);
        if z.clone().abs() >= one {
            return None;
        }
        let lm = ln_1p(&(-z.clone())); // ln(1 − z)
        let lp = ln_1p(z); // ln(1 + z)
        let pw = |l: &T, e: &T| (l.clone() * e).exp();
        let mp = -self.p.clone();
        let h = pw(&lm, &mp) - &pw(&lp, &mp);
        let e1 = one.clone() - &self.p;
        let big_h = (pw(&lm, &e1) + &pw(&lp, &e1) - &two::<T>(ctx)) / &(self.p.clone() - &one);
        let e2 = mp - &one;
        let dh = (pw(&lm, &e2) + &pw(&lp, &e2)) * &self.p;
        Some((big_h * &self.scale, h * &self.scale, dh * &self.scale))
    }
}

/// h_D⁻¹(t): the z ∈ (−1, 1) with h_D(z) = t (h_D is odd and increasing), by bisection.
pub fn depth_h_inverse<T: Real>(depth: u32, t: &T) -> T {
    let ctx = t.ctx();
    let zero = T::zero(ctx);
    let (mut lo, mut hi) = (-T::one(ctx), T::one(ctx));
    let bits = (T::epsilon(ctx).to_f64().log2().abs() as usize) + 8;
    for _ in 0..bits {
        let mid = (lo.clone() + &hi) / &two::<T>(ctx);
        match depth_h(depth, &mid) {
            Some(v) if v < *t => lo = mid,
            Some(_) => hi = mid,
            None if mid > zero => hi = mid,
            None => lo = mid,
        }
    }
    (lo + &hi) / &two::<T>(ctx)
}

/// q_D(t) = ∫₀ᵗ h_D⁻¹(s) ds = t·h_D⁻¹(t) − H_D(h_D⁻¹(t)) (Legendre: H_D′ = h_D, H_D(0) = 0).
pub fn depth_q<T: Real>(depth: u32, t: &T) -> T {
    let z = depth_h_inverse(depth, t);
    let link = DepthLink::new(depth, &T::one(t.ctx()));
    let big_h = link.eval(0, &z).map_or(T::zero(t.ctx()), |(h, _, _)| h);
    t.clone() * &z - &big_h
}

/// The depth-D potential α^D·Σ_i q_D(β_i/α^D) (its gradient is h_D⁻¹(β/α^D) = z).
pub fn depth_potential<T: Real>(depth: u32, beta: &[T], alpha: &T) -> T {
    let mut s = T::one(alpha.ctx());
    for _ in 0..depth {
        s *= alpha;
    }
    let mut acc = T::zero(alpha.ctx());
    for b in beta {
        acc += &depth_q(depth, &(b.clone() / &s));
    }
    acc * &s
}

/// THEORY.md §4 (depth D ≥ 3): the gradient-flow limit of β = a^D − b^D from a = b = α·1,
/// β = α^D·h_D(z), z = Xᵀν (|z_i| < 1), Xβ = y. Along the flow
/// z = D(D−2)α^{D−2}·Xᵀμ with μ = −(1/n)∫r dt (proofs/D1.md); the constant is absorbed in ν.
pub fn depth_limit<T: Real>(design: &Design<T>, alpha: &T, depth: u32) -> Result<Vec<T>> {
    Ok(dual_newton(design, &DepthLink::new(depth, alpha), "depth-D dual Newton")?.beta)
}

// ---------------------------------------------------------------------------------------
// Nacson et al.

/// The feature means x̄_i = (1/n)Σ_s X_si.
pub fn feature_means(design: &Design<f64>) -> Vec<f64> {
    (0..design.d).map(|i| (0..design.n).map(|s| design.x[s * design.d + i]).sum::<f64>() / design.n as f64).collect()
}

/// Σ_i x̄_i²|β_i|, the left side of Nacson et al.'s bound Σ x̄_i²|β_i| ≤ 1/(2η) for a stable
/// PM interpolator (proofs/N1.md).
pub fn nacson_sum(design: &Design<f64>, beta: &[f64]) -> f64 {
    feature_means(design).iter().zip(beta).map(|(m, b)| m * m * b.abs()).sum()
}

/// The right side 1/(2η).
pub fn nacson_bound(eta: f64) -> f64 {
    1.0 / (2.0 * eta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::linalg::solve_spd;
    use crate::problem::tasks::gaussian;

    #[test]
    fn asinh_and_ln1p_are_accurate() {
        for x in [1e-20, 1e-8, 0.3, 2.0, 1e5, 1e12] {
            assert!((asinh(&x) - x.asinh()).abs() <= 4e-16 * x.asinh().abs(), "{x}");
            assert!((asinh(&-x) + x.asinh()).abs() <= 4e-16 * x.asinh().abs(), "{x}");
        }
        assert_eq!(ln_1p(&1e-20f64), 1e-20);
        assert!((ln_1p(&0.5f64) - 1.5f64.ln()).abs() < 1e-16);
    }

    #[test]
    fn woodworth_q_derivative_is_asinh_half() {
        for z in [-3.0f64, -0.1, 0.5, 4.0] {
            let h = 1e-6;
            let fd = (woodworth_q(&(z + h)) - woodworth_q(&(z - h))) / (2.0 * h);
            assert!((fd - (z / 2.0).asinh()).abs() < 1e-8);
        }
    }

    #[test]
    fn woodworth_limit_minimizes_q_on_the_affine_set() {
        let t = gaussian(5, 4, 10, 2, 0.0, 0.0);
        let design = t.design::<f64>(());
        let alpha = 0.3;
        let beta = woodworth_limit(&design, &alpha).unwrap();
        let q0 = woodworth_potential(&beta, &alpha);
        // Null-space directions of X: project fixed pseudo-random vectors, p = v − Xᵀ(XXᵀ)⁻¹Xv.
        let (n, d) = (4, 10);
        let mut gram = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                gram[i * n + j] = (0..d).map(|c| design.x[i * d + c] * design.x[j * d + c]).sum();
            }
        }
        for k in 0..5 {
            let v: Vec<f64> = (0..d).map(|j| ((j * 7 + k * 3) as f64).sin()).collect();
            let mut xv = vec![0.0; n];
            f64::matvec(n, d, &design.x, &v, &mut xv);
            let c = solve_spd(n, &gram, &xv).unwrap();
            let mut back = vec![0.0; d];
            f64::matvec_t(n, d, &design.x, &c, &mut back);
            for s in [1e-3, -1e-3] {
                let moved: Vec<f64> = (0..d).map(|j| beta[j] + s * (v[j] - back[j])).collect();
                assert!(woodworth_potential(&moved, &alpha) > q0);
            }
        }
    }

    #[test]
    fn tiny_alpha_is_solved_in_the_log_domain() {
        let design = gaussian(2, 5, 12, 2, 0.0, 0.0).design::<f64>(());
        for alpha in [1e-6, 1e-20, 1e-60, 1e-150] {
            let sol = dual_newton(&design, &Hyperbolic::woodworth(12, &alpha), "test").unwrap();
            assert!(sol.residual < 1e-12, "α = {alpha}: residual {}", sol.residual);
        }
    }

    #[test]
    fn depth_potential_gradient_is_the_inverse_link() {
        for t in [-2.0f64, 0.1, 3.0] {
            let z = depth_h_inverse(3, &t);
            assert!((depth_h(3, &z).unwrap() - t).abs() < 1e-12 * t.abs().max(1.0));
            let h = 1e-6;
            let fd = (depth_q(3, &(t + h)) - depth_q(3, &(t - h))) / (2.0 * h);
            assert!((fd - z).abs() < 1e-7, "t = {t}: {fd} vs {z}");
        }
        let design = gaussian(3, 4, 9, 2, 0.0, 0.0).design::<f64>(());
        let b = depth_limit(&design, &0.5, 3).unwrap();
        let mut r = vec![0.0; 4];
        design.residual(&b, &mut r);
        assert!(r.iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn uv_link_is_sinh_plus_cosh() {
        let (u0, v0, s) = (0.7f64, 0.2f64, 0.4f64);
        let link = Hyperbolic::uv(&[u0], &[v0]);
        let (_, b, _) = link.eval(0, &s).unwrap();
        let expect = 0.5 * (u0 * u0 + v0 * v0) * s.sinh() + u0 * v0 * s.cosh();
        assert!((b - expect).abs() < 1e-15);
        let (a, b0) = bregman_parameters(&[(u0 + v0).powi(2) / 2.0], &[(u0 - v0).powi(2) / 2.0]);
        assert!((a[0] - (u0 * u0 - v0 * v0).abs() / 2.0).abs() < 1e-15 && (b0[0] - u0 * v0).abs() < 1e-15);
    }

    #[test]
    fn mpfr_solves_agree_with_f64() {
        let t = gaussian(4, 3, 7, 2, 0.0, 0.0);
        let b64 = woodworth_limit(&t.design::<f64>(()), &0.2).unwrap();
        let p = 200;
        let bf = woodworth_limit(&t.design::<rug::Float>(p), &rug::Float::with_val(p, 0.2)).unwrap();
        for (a, b) in b64.iter().zip(&bf) {
            assert!((a - b.to_f64()).abs() < 1e-12);
        }
    }
}
