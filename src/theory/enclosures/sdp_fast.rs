//! The proved bounds of the sibling module `sdp` at scale: the same weak-duality lower bound and
//! feasible-point upper bound, with the O(n²d) work in f64 under a-priori rounding bounds and
//! positive definiteness proved by a floating-point Cholesky with Demmel's backward error, so
//! no rational or multiple-precision matrix is formed. Used above `sdp::FAST_ABOVE` (n²d).
//!
//! Rounding model (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.):
//! u = 2⁻⁵³; X and y rounded to nearest (entry error ≤ u·|entry|); a k-term dot product is off
//! by ≤ γ_k·Σ|terms| (§3.1), γ_k = ku/(1 − ku). Every bound below is that bound times 2 or
//! more (covering the data rounding, the rounding of the bound itself and γ_k ≤ 1.01ku for
//! ku ≤ 10⁻²); the O(n + d) final formulas are evaluated in outward-rounded intervals.
//! Gradual underflow is neglected (entries of normal size; each product's underflow error is
//! ≤ 2⁻¹⁰⁷⁵ and is added as `(count)·2⁻¹⁰⁷⁴`).

use crate::error::{Error, Result};
use crate::numeric::interval::{sum, Interval};
use crate::numeric::linalg::symmetric_eigenvalues;
use crate::numeric::real::Nearest;
use crate::problem::task::Task;
use crate::theory::interpolators::{SdpPoint, Sign};
use rug::Float;

const U: f64 = f64::EPSILON / 2.0;
const ETA: f64 = 5e-324;

/// X diag(v) Xᵀ (row-major n×n) from Xᵀ (d×n row-major) over the columns `cols`, plain f64.
fn gram(xt: &[f64], n: usize, cols: &[usize], v: &[f64]) -> Vec<f64> {
    let mut k = vec![0.0; n * n];
    let mut scaled = vec![0.0; n];
    for &j in cols {
        let col = &xt[j * n..(j + 1) * n];
        for (s, c) in scaled.iter_mut().zip(col) {
            *s = c * v[j];
        }
        for r in 0..n {
            let sr = scaled[r];
            for (kv, c) in k[r * n..r * n + r + 1].iter_mut().zip(col) {
                *kv += sr * c;
            }
        }
    }
    for r in 0..n {
        for c in 0..r {
            k[c * n + r] = k[r * n + c];
        }
    }
    k
}

/// A proved lower bound on λ_min(A) for the f64 symmetric matrix A (exactly as given):
/// with c below faer's estimate of λ_min, the floating-point Cholesky of B = fl(A − cI)
/// (B_ii ≤ A_ii − c + u|A_ii − c|) runs to completion, so R̃ᵀR̃ = B + ΔB with
/// |ΔB| ≤ γ_{n+1}|R̃ᵀ||R̃| (Higham Thm 10.3) and ‖ΔB‖₂ ≤ γ_{n+1}‖R̃‖_F² ≤ γ_{n+1}tr B/(1 − γ_{n+1});
/// hence λ_min(A) ≥ c − u·max|A_ii − c| − γ_{n+1}tr B/(1 − γ_{n+1}). `None` if no shift
/// (estimate − 10⁻¹²…10⁻⁴·scale) lets the factorization finish.
pub(crate) fn lambda_min_lower(a: &[f64], n: usize) -> Option<f64> {
    let est = *symmetric_eigenvalues(n, a)?.first()?;
    let scale = (0..n).map(|i| a[i * n + i].abs()).fold(est.abs(), f64::max).max(f64::MIN_POSITIVE);
    for k in [12, 10, 8, 6, 4] {
        let c = est - scale * 10f64.powi(-k);
        let mut b = a.to_vec();
        let (mut tr, mut dmax) = (0.0f64, 0.0f64);
        for i in 0..n {
            dmax = dmax.max((a[i * n + i] - c).abs());
            b[i * n + i] = a[i * n + i] - c;
            tr += b[i * n + i].abs();
        }
        if cholesky_completes(&mut b, n) {
            let gamma = 2.0 * (n + 2) as f64 * U;
            return Some(c - 2.0 * U * dmax - gamma * tr - (n * n) as f64 * ETA);
        }
    }
    None
}

/// Does the textbook floating-point Cholesky (Higham Alg. 10.2, any dot-product order) of
/// the symmetric `b` (lower triangle read, overwritten) finish with positive pivots?
fn cholesky_completes(b: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut s = b[j * n + j];
        for k in 0..j {
            s -= b[j * n + k] * b[j * n + k];
        }
        if !(s > 0.0 && s.is_finite()) {
            return false;
        }
        let r = s.sqrt();
        b[j * n + j] = r;
        for i in j + 1..n {
            let mut t = b[i * n + j];
            for k in 0..j {
                t -= b[i * n + k] * b[j * n + k];
            }
            b[i * n + j] = t / r;
        }
    }
    true
}

fn pm(v: f64, e: f64, prec: u32) -> Interval {
    Interval::point(&Float::with_val(prec, v)).inflate(&Float::with_val(prec, e.abs()))
}

/// Proved [lower, upper] ∋ t* (see `sdp::bound_min_lambda_max` for the argument and
/// the module docs for the arithmetic). The feasible point is β̃ on its support S corrected by
/// δ = X_Sᵀλ, (X_SX_Sᵀ)λ = r = y − X_Sβ̃_S, which is not computed: ‖δ_j‖ ≤ ‖x_j‖‖r‖/λ_min(X_SX_Sᵀ)
/// =: ρ_j, and λ_max(X diag|β| Xᵀ) ≤ λ_max(X diag(|β̃| + ρ) Xᵀ) (monotone in the weights).
pub(crate) fn bound_fast(task: &Task, sign: Sign, point: &SdpPoint, prec: u32) -> Result<Interval> {
    let (n, d) = (task.n(), task.d());
    let fail = |why: &str| Error::NoConvergence { what: "proved bounds on min λ_max".into(), detail: why.into() };
    let x: Vec<f64> = task.x.iter().flat_map(|r| r.iter().map(Nearest::nearest)).collect();
    let y: Vec<f64> = task.y.iter().map(Nearest::nearest).collect();
    let xt: Vec<f64> = (0..d * n).map(|k| x[(k % n) * d + k / n]).collect();
    let colsq: Vec<f64> = (0..d).map(|j| xt[j * n..(j + 1) * n].iter().map(|v| v * v).sum()).collect();
    // ---- upper: support, residual, λ_min(X_SX_Sᵀ), ρ, U ----------------------------------
    let beta = &point.beta;
    let top = beta.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let support: Vec<usize> = (0..d).filter(|&j| beta[j].abs() > 1e-9 * top && (sign == Sign::Signed || beta[j] > 0.0)).collect();
    let mut r2 = 0.0f64;
    for i in 0..n {
        let (mut s, mut a) = (y[i], y[i].abs());
        for &j in &support {
            s -= x[i * d + j] * beta[j];
            a += (x[i * d + j] * beta[j]).abs();
        }
        let ri = s.abs() + 2.0 * (support.len() + 3) as f64 * U * a + (d + 1) as f64 * ETA;
        r2 += ri * ri;
    }
    let rnorm = r2.sqrt() * (1.0 + 4.0 * (n + 2) as f64 * U);
    let ones = vec![1.0; d];
    let g = gram(&xt, n, &support, &ones);
    let e_g = 4.0 * (support.len() + 4) as f64 * U * support.iter().map(|&j| colsq[j]).sum::<f64>() + (n * n * d) as f64 * ETA;
    let gmin = lambda_min_lower(&g, n).ok_or_else(|| fail("λ_min(X_S X_Sᵀ) > 0 not proved"))? - e_g;
    if !(gmin > 0.0) {
        return Err(fail("X_S X_Sᵀ not proved nonsingular on the support"));
    }
    let lam_norm = rnorm / gmin * (1.0 + 4.0 * U);
    let mut wplus = vec![0.0; d];
    for &j in &support {
        let rho = colsq[j].sqrt() * lam_norm * (1.0 + 8.0 * (n + 2) as f64 * U);
        if sign == Sign::Nonnegative && !(beta[j] - rho > 0.0) {
            return Err(fail("the corrected primal point is not proved nonnegative"));
        }
        wplus[j] = (beta[j].abs() + rho) * (1.0 + 4.0 * U);
    }
    let k = gram(&xt, n, &support, &wplus);
    let e_k = 4.0 * (d + 4) as f64 * U * support.iter().map(|&j| wplus[j] * colsq[j]).sum::<f64>() + (n * n * d) as f64 * ETA;
    let neg: Vec<f64> = k.iter().map(|v| -v).collect();
    let kmax = -lambda_min_lower(&neg, n).ok_or_else(|| fail("λ_max(X diag|β| Xᵀ) not bounded"))?;
    let upper = pm(kmax, 0.0, prec).inflate(&Float::with_val(prec, e_k + 4.0 * U * kmax.abs()));
    let upper_hi = Interval::point(upper.hi());
    // ---- lower: Z_s + sI ⪰ 0, weak duality with the penalty for violated constraints -------
    let zs: Vec<f64> = (0..n * n).map(|k| 0.5 * (point.z[k] + point.z[(k % n) * n + k / n])).collect();
    if zs.iter().chain(&point.nu).any(|v| !v.is_finite()) {
        return Err(fail("non-finite dual point"));
    }
    let zlow = lambda_min_lower(&zs, n).ok_or_else(|| fail("λ_min(Z) not bounded"))?;
    let s = pm((-zlow).max(0.0), 0.0, prec); // Z_s + sI ⪰ 0 (s exact)
    let tr_z = sum(&(0..n).map(|i| pm(zs[i * n + i], 0.0, prec)).collect::<Vec<_>>(), prec);
    let tr = tr_z.add(&s.mul_i64(n as i64));
    if !tr.is_positive() {
        return Err(fail("tr(Z + sI) is not positive"));
    }
    let zfrob = zs.iter().map(|v| v * v).sum::<f64>().sqrt() * (1.0 + 2.0 * (n + 2) as f64 * U);
    let (mut yv, mut yv_abs) = (0.0, 0.0);
    for (yi, v) in y.iter().zip(&point.nu) {
        yv += yi * v;
        yv_abs += (yi * v).abs();
    }
    let yv = pm(yv, 2.0 * (n + 3) as f64 * U * yv_abs + n as f64 * ETA, prec);
    let mut penalty = Vec::new();
    for j in 0..d {
        if colsq[j] == 0.0 {
            if task.x.iter().any(|row| row[j] != 0) {
                return Err(fail("a column of X underflows f64"));
            }
            continue; // x_j = 0: β_j does not enter.
        }
        let col = &xt[j * n..(j + 1) * n];
        let (mut a, mut aa, mut q) = (0.0, 0.0, 0.0);
        for (r, (xr, v)) in col.iter().zip(&point.nu).enumerate() {
            a += xr * v;
            aa += (xr * v).abs();
            let zr: f64 = zs[r * n..(r + 1) * n].iter().zip(col).map(|(z, c)| z * c).sum();
            q += xr * zr;
        }
        let col_sq = pm(colsq[j], 4.0 * (n + 2) as f64 * U * colsq[j], prec);
        let xzx = pm(q, 8.0 * (n + 4) as f64 * U * zfrob * colsq[j] + (2 * n * n) as f64 * ETA, prec);
        let qj = xzx.add(&s.mul(&col_sq)).div(&tr).ok_or_else(|| fail("tr(Z + sI) is not positive"))?;
        let aj = pm(a, 2.0 * (n + 3) as f64 * U * aa + n as f64 * ETA, prec);
        let aj = if sign == Sign::Signed { Interval::new(aj.mig(), aj.mag()).ok_or_else(|| fail("bad interval"))? } else { aj };
        let def = aj.sub(&qj);
        if *def.hi() > 0 {
            // |β*_j| ≤ n·U/‖x_j‖² (tr X diag|β*| Xᵀ ≤ n·t* ≤ n·U).
            let bound = upper_hi.mul_i64(n as i64).div(&col_sq).ok_or_else(|| fail("‖x_j‖² not proved positive"))?;
            penalty.push(bound.mul(&Interval::new(Float::new(prec), def.hi().clone()).ok_or_else(|| fail("bad interval"))?));
        }
    }
    let lower = yv.sub(&sum(&penalty, prec));
    if lower.lo() > upper.hi() {
        return Err(fail(&format!("lower bound {} above upper bound {}", lower.lo_decimal(12), upper.hi_decimal(12))));
    }
    Interval::new(lower.lo().clone(), upper.hi().clone()).ok_or_else(|| fail("empty bounds"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::tasks::{canonical_multi, gaussian, random_positive};
    use crate::theory::interpolators::{min_sharpness_sdp, Witness};

    /// λ_min of Q diag(1, …, n) Qᵀ (Q a Householder reflection, f64-rounded): the proved lower
    /// bound is ≤ the f64 matrix's λ_min, which Weyl puts within n·‖E‖ ≤ n²·u·n of 1, and
    /// above 1 − 10⁻⁶ (the largest shift tried is 10⁻⁴·scale relative, scale ≤ n).
    #[test]
    fn lambda_min_lower_is_below_and_close() {
        let n = 30;
        let v: Vec<f64> = (0..n).map(|i| ((i * 7 + 3) % 11) as f64 - 5.0).collect();
        let vv: f64 = v.iter().map(|a| a * a).sum();
        let q = |i: usize, j: usize| if i == j { 1.0 } else { 0.0 } - 2.0 * v[i] * v[j] / vv;
        let a: Vec<f64> = (0..n * n).map(|k| (0..n).map(|m| q(k / n, m) * (m + 1) as f64 * q(k % n, m)).sum()).collect();
        let lb = lambda_min_lower(&a, n).unwrap();
        let weyl = (n * n * n) as f64 * U * 4.0;
        assert!(lb <= 1.0 + weyl && lb > 1.0 - 1e-6 - weyl, "{lb}");
        // an indefinite matrix: the bound is below its negative eigenvalue
        let b: Vec<f64> = a.iter().enumerate().map(|(k, x)| if k / n == k % n { x - 3.0 } else { *x }).collect();
        assert!(lambda_min_lower(&b, n).unwrap() <= -2.0 + weyl);
    }

    /// The f64 path and the exact path hold the same optimum: on the exact path's tasks their
    /// intervals intersect and both hold the solver's certified value (to SDP_TOL = 1e-7
    /// relative, the certificate's resolution), and the f64 path is at most 1e-6 wide.
    #[test]
    fn fast_path_agrees_with_exact_path() {
        let tasks = [
            (canonical_multi(), Sign::Nonnegative),
            (random_positive(402, 4, 12), Sign::Signed),
            (gaussian(502, 13, 30, 3, 0.0, 0.0), Sign::Signed),
        ];
        for (task, sign) in &tasks {
            let c = min_sharpness_sdp(task, *sign).unwrap();
            let Witness::Sdp(pt) = &c.witness else { panic!("no SDP witness") };
            let fast = bound_fast(task, *sign, pt, 128).unwrap_or_else(|e| panic!("{}: {e}", task.name));
            let exact = crate::theory::enclosures::sdp::bound_min_lambda_max(task, *sign, pt, 128).unwrap();
            assert!(fast.intersect(&exact).is_some(), "{}: disjoint", task.name);
            assert!(fast.rel_width() < 1e-6, "{}: width {}", task.name, fast.rel_width());
            let obj = c.objective;
            assert!(fast.lo().to_f64() <= obj * (1.0 + 1e-7) && obj <= fast.hi().to_f64() * (1.0 + 1e-7), "{}", task.name);
            // a dual point scaled by 1 + 1e-3 breaks feasibility: the penalty keeps the bound sound
            let mut bad = pt.clone();
            bad.nu.iter_mut().for_each(|v| *v *= 1.0 + 1e-3);
            if let Ok(b) = bound_fast(task, *sign, &bad, 128) {
                assert!(b.lo().to_f64() <= obj * (1.0 + 1e-7), "{}: unsound lower bound", task.name);
            }
        }
    }
}
