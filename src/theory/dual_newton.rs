//! The generic dual Newton solve of an implicit-bias limit: β(ν) = ∇φ*(Xᵀν) through a
//! coordinatewise link, and ν solving X·β(ν) = y (a smooth convex dual, damped Newton).

use crate::error::{Error, Result};
use crate::numeric::linalg::solve_spd;
use crate::numeric::real::{dot, two, Real};
use crate::problem::design::Design;

/// A coordinatewise link of a gradient-flow limit: β_i = φ_i(z) = Φ_i′(z) with φ_i′ > 0.
pub trait Link<T: Real> {
    /// (Φ_i(z), φ_i(z), φ_i′(z)) at coordinate i, or `None` outside the domain of Φ_i.
    fn eval(&self, i: usize, z: &T) -> Option<(T, T, T)>;
}

/// The solution of a dual Newton solve.
#[derive(Debug, Clone)]
pub struct DualSolution<T: Real> {
    /// β = φ(Xᵀν).
    pub beta: Vec<T>,
    /// The dual variable ν (length n).
    pub nu: Vec<T>,
    /// z = Xᵀν.
    pub z: Vec<T>,
    /// Newton iterations taken.
    pub iterations: usize,
    /// max_i |(Xβ − y)_i| at the solution (f64).
    pub residual: f64,
}

struct DualPoint<T: Real> {
    psi: T,
    psi_scale: T,
    z: Vec<T>,
    beta: Vec<T>,
    weight: Vec<T>,
    r: Vec<T>,
    r_max: T,
    r_scale: T,
}

fn dual_point<T: Real, L: Link<T>>(design: &Design<T>, link: &L, nu: &[T]) -> Option<DualPoint<T>> {
    let (n, d, ctx) = (design.n, design.d, design.ctx());
    let mut z = vec![T::zero(ctx); d];
    T::matvec_t(n, d, &design.x, nu, &mut z);
    let yn = dot(&design.y, nu, ctx);
    let mut psi = -yn.clone();
    let mut psi_scale = yn.abs();
    let mut beta = Vec::with_capacity(d);
    let mut weight = Vec::with_capacity(d);
    for (i, zi) in z.iter().enumerate() {
        let (p, b, w) = link.eval(i, zi)?;
        if !(p.is_finite() && b.is_finite() && w.is_finite()) {
            return None;
        }
        psi += &p;
        psi_scale += &p.abs();
        beta.push(b);
        weight.push(w);
    }
    let mut r = vec![T::zero(ctx); n];
    design.residual(&beta, &mut r);
    let mut r_max = T::zero(ctx);
    let mut r_scale = T::zero(ctx);
    for (s, ri) in r.iter().enumerate() {
        r_max = r_max.max_of(ri.clone().abs());
        let mut sc = design.y[s].clone().abs();
        for (xv, b) in design.row(s).iter().zip(&beta) {
            sc += &(xv.clone() * b).abs();
        }
        r_scale = r_scale.max_of(sc);
    }
    Some(DualPoint { psi, psi_scale, z, beta, weight, r, r_max, r_scale })
}

/// Largest change of any z_i = (Xᵀν)_i in one Newton step (e^20 ≈ 5·10⁸: beyond that an
/// exponential link only overflows; the line search would reject the step anyway).
const Z_STEP_CAP: f64 = 20.0;

/// Minimize Ψ(ν) = Σ_i Φ_i((Xᵀν)_i) − yᵀν by damped Newton from ν = 0 and return
/// β = φ(Xᵀν), which then solves Xβ = y with z = Xᵀν ∈ range(Xᵀ).
///
/// Newton direction Δ = −H⁻¹(Xβ − y), H = X diag(φ′) Xᵀ (Cholesky in the precision of `T`,
/// on H scaled to unit largest diagonal), shortened so that no z_i moves by more than 20.
/// Step: Armijo backtracking on Ψ (points outside the domain or with overflow are rejected);
/// once the predicted decrease t·|∇Ψᵀ Δ| is below the rounding level of Ψ (64ε·Σ|terms|),
/// Ψ cannot tell better from worse, and a step is accepted when it lowers max|Xβ − y|
/// instead (Newton's direction also descends ‖Xβ − y‖²). Converged when
/// max_i |(Xβ − y)_i| ≤ 16(n + d)ε·max_i (|y_i| + Σ_j |X_ij β_j|), the rounding level of the
/// residual itself.
pub fn dual_newton<T: Real, L: Link<T>>(design: &Design<T>, link: &L, what: &str) -> Result<DualSolution<T>> {
    let (n, d, ctx) = (design.n, design.d, design.ctx());
    let eps = T::epsilon(ctx);
    let tol_factor = eps.clone() * &T::from_i64(16 * (n + d) as i64, ctx);
    let noise_factor = eps * &T::from_i64(64, ctx);
    let fail = |detail: String| Error::NoConvergence { what: what.to_string(), detail };
    let mut nu = vec![T::zero(ctx); n];
    let mut pt = dual_point(design, link, &nu).ok_or_else(|| fail("the link is undefined at ν = 0".into()))?;
    for it in 0..1000 {
        let tol = tol_factor.clone() * &pt.r_scale;
        if pt.r_max <= tol {
            let residual = pt.r_max.to_f64();
            return Ok(DualSolution { beta: pt.beta, nu, z: pt.z, iterations: it, residual });
        }
        let mut h = vec![T::zero(ctx); n * n];
        let scaled: Vec<T> = (0..n * d).map(|k| design.x[k].clone() * &pt.weight[k % d]).collect();
        for i in 0..n {
            for j in 0..=i {
                let s = dot(&scaled[i * d..(i + 1) * d], design.row(j), ctx);
                h[j * n + i] = s.clone();
                h[i * n + j] = s;
            }
        }
        // Solve with H/c (c = max diagonal), so that weights near the underflow threshold
        // (tiny α) still factor; the direction is Δ̂ = (H/c)⁻¹(−r) and Δ = Δ̂/c, capped so
        // that no z_i moves by more than Z_STEP_CAP in one step.
        let c = (0..n).map(|i| h[i * n + i].clone()).fold(T::zero(ctx), T::max_of);
        if c.partial_cmp(&T::zero(ctx)) != Some(std::cmp::Ordering::Greater) {
            return Err(fail("the Hessian X diag(φ′) Xᵀ underflowed to zero".into()));
        }
        let hs: Vec<T> = h.into_iter().map(|v| v / &c).collect();
        let neg: Vec<T> = pt.r.iter().map(|v| -v.clone()).collect();
        // Levenberg–Marquardt fallback: when H/c is numerically singular (weights spanning
        // more than ~1/ε, e.g. tiny α with fewer active coordinates than samples), add μI
        // with μ = 64ε, 64²ε, … (the step is then shorter in the flat directions only).
        let mut dir = solve_spd(n, &hs, &neg);
        let mut mu = noise_factor.clone();
        while dir.is_none() && mu < T::one(ctx) {
            let mut reg = hs.clone();
            for i in 0..n {
                reg[i * n + i] += &mu;
            }
            dir = solve_spd(n, &reg, &neg);
            mu *= &T::from_i64(64, ctx);
        }
        let dir = dir.ok_or_else(|| fail("singular Hessian X diag(φ′) Xᵀ".into()))?;
        let mut xd = vec![T::zero(ctx); d];
        T::matvec_t(n, d, &design.x, &dir, &mut xd);
        let zmove = xd.into_iter().map(T::abs).fold(T::zero(ctx), T::max_of);
        let cap = T::from_f64(Z_STEP_CAP, ctx) / &zmove;
        let inv_c = T::one(ctx) / &c;
        let tau = if inv_c < cap { inv_c } else { cap };
        let delta: Vec<T> = dir.into_iter().map(|v| v * &tau).collect();
        let slope = dot(&pt.r, &delta, ctx);
        let noise = noise_factor.clone() * &pt.psi_scale;
        let mut t = T::one(ctx);
        let mut next = None;
        for _ in 0..200 {
            let trial: Vec<T> = nu.iter().zip(&delta).map(|(v, dv)| v.clone() + &(t.clone() * dv)).collect();
            if let Some(p) = dual_point(design, link, &trial) {
                let decrease = t.clone() * &slope; // < 0
                let flat = decrease.clone().abs() <= noise;
                let armijo = p.psi <= pt.psi.clone() + &(decrease / &T::from_i64(4, ctx));
                if (armijo && !flat) || (flat && p.r_max < pt.r_max) {
                    next = Some((trial, p));
                    break;
                }
            }
            t /= &two::<T>(ctx);
        }
        match next {
            Some((trial, p)) => {
                nu = trial;
                pt = p;
            }
            None => {
                // No representable improvement: accept at a residual near the rounding level.
                if pt.r_max <= tol * &T::from_i64(1 << 10, ctx) {
                    let residual = pt.r_max.to_f64();
                    return Ok(DualSolution { beta: pt.beta, nu, z: pt.z, iterations: it, residual });
                }
                return Err(fail(format!("line search failed at residual {:e}", pt.r_max.to_f64())));
            }
        }
    }
    Err(fail("1000 Newton iterations".into()))
}
