//! Proved bounds on the minimum-sharpness value t* = min λ_max(X diag|β| Xᵀ) over
//! {Xβ = y} (β ≥ 0 for SW), from the solver's approximate primal–dual point, in the style of
//! Jansson, Chaykin and Keil's verified SDP bounds (SIAM J. Optim. 2007):
//!
//! - **lower**: the dual Z is made feasible by a rigorous eigenvalue shift, Z′ = (Z_s + sI)/tr
//!   with Z_s + sI ⪰ 0 proved by an interval Cholesky factorization; weak duality then gives,
//!   for the optimal β*, λ_max(A(β*)) ≥ ⟨Z′, A(β*)⟩ = Σ_j |β*_j| q_j ≥ yᵀν − Σ_j |β*_j|·def_j
//!   with q_j = x_jᵀZ′x_j, def_j = max(0, |(Xᵀν)_j| − q_j) (β ≥ 0: (Xᵀν)_j in place of its
//!   absolute value), and |β*_j|·‖x_j‖² ≤ tr A(β*) ≤ n·t* ≤ n·U bounds the unknown β*;
//! - **upper**: the primal β is corrected onto {Xβ = y} exactly (rational arithmetic, on its
//!   support), and U·I − X diag|β| Xᵀ ⪰ 0 is proved by interval Cholesky.
//!
//! Every step is rounded outward ([`Interval`]), so [lower, upper] ∋ t* is a computer-assisted
//! proof about the instance.

use crate::error::{Error, Result};
use crate::numeric::exact::solve_exact;
use crate::numeric::interval::{sum, Interval};
use crate::problem::task::Task;
use crate::theory::interpolators::{SdpPoint, Sign};
use faer::{Mat, Side};
use rug::{Float, Rational};

/// Proves that the symmetric interval matrix `m` (n×n, row-major) holds only positive
/// definite matrices: interval Cholesky with every pivot's lower end > 0.
pub fn proved_positive_definite(m: &[Interval], n: usize) -> bool {
    let p = m[0].prec();
    let mut l: Vec<Interval> = vec![Interval::from_i64(0, p); n * n];
    for k in 0..n {
        let piv = m[k * n + k].sub(&sum(&(0..k).map(|j| l[k * n + j].sqr()).collect::<Vec<_>>(), p));
        if !piv.is_positive() {
            return false;
        }
        let Some(lkk) = piv.sqrt() else { return false };
        for i in k + 1..n {
            let s = m[i * n + k].sub(&sum(&(0..k).map(|j| l[i * n + j].mul(&l[k * n + j])).collect::<Vec<_>>(), p));
            match s.div(&lkk) {
                Some(v) => l[i * n + k] = v,
                None => return false,
            }
        }
        l[k * n + k] = lkk;
    }
    true
}

fn eig_f64(m: &[Interval], n: usize) -> Vec<f64> {
    let a = Mat::<f64>::from_fn(n, n, |i, j| m[i * n + j].mid().to_f64());
    a.self_adjoint_eigenvalues(Side::Lower).unwrap_or_default()
}

/// M + s·I.
fn shifted(m: &[Interval], n: usize, s: &Interval) -> Vec<Interval> {
    (0..n * n).map(|idx| if idx / n == idx % n { m[idx].add(s) } else { m[idx].clone() }).collect()
}

/// β corrected onto Xβ = y exactly on its support S (entries above 1e-9 of the largest):
/// β_S + X_Sᵀ(X_S X_Sᵀ)⁻¹(y − X_S β_S); `None` if X_S X_Sᵀ is singular or, for β ≥ 0, an
/// entry turns negative.
pub(crate) fn exact_feasible(task: &Task, beta: &[f64], sign: Sign) -> Option<Vec<Rational>> {
    let top = beta.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let support: Vec<usize> = (0..beta.len()).filter(|&j| beta[j].abs() > 1e-9 * top && (sign == Sign::Signed || beta[j] > 0.0)).collect();
    let n = task.n();
    let b: Vec<Rational> = support.iter().map(|&j| Rational::from_f64(beta[j])).collect::<Option<_>>()?;
    let r: Vec<Rational> =
        (0..n).map(|i| support.iter().zip(&b).fold(task.y[i].clone(), |acc, (&j, bj)| acc - Rational::from(&task.x[i][j] * bj))).collect();
    let gram: Vec<Vec<Rational>> = (0..n)
        .map(|i| {
            (0..n).map(|k| support.iter().fold(Rational::new(), |acc, &j| acc + Rational::from(&task.x[i][j] * &task.x[k][j]))).collect()
        })
        .collect();
    let lambda = solve_exact(&gram, &r)?;
    let mut out = vec![Rational::new(); task.d()];
    for (&j, bj) in support.iter().zip(b) {
        out[j] = (0..n).fold(bj, |acc, i| acc + Rational::from(&task.x[i][j] * &lambda[i]));
        if sign == Sign::Nonnegative && out[j] < 0 {
            return None;
        }
    }
    Some(out)
}

/// A proved upper bound U ≥ λ_max(X diag|β| Xᵀ) for an exact β: U·I − A ⪰ 0 by interval
/// Cholesky, U the f64 eigenvalue plus a relative margin 1e-14 … 1e-4 (the first that proves).
pub(crate) fn upper_lambda_max(task: &Task, beta: &[Rational], prec: u32) -> Option<Interval> {
    let (n, d) = (task.n(), task.d());
    let q = |v: &Rational| Interval::from_rational(v, prec);
    let x: Vec<Vec<Interval>> = task.x.iter().map(|r| r.iter().map(q).collect()).collect();
    let ab: Vec<Interval> = beta.iter().map(|b| q(&Rational::from(b.abs_ref()))).collect();
    let a: Vec<Interval> =
        (0..n * n).map(|idx| sum(&(0..d).map(|j| x[idx / n][j].mul(&ab[j]).mul(&x[idx % n][j])).collect::<Vec<_>>(), prec)).collect();
    let top = eig_f64(&a, n).last().copied()?;
    for k in [14, 12, 10, 8, 6, 4] {
        let u = Interval::point(&Float::with_val(prec, top + top.abs().max(f64::MIN_POSITIVE) * 10f64.powi(-k)));
        let m: Vec<Interval> = (0..n * n).map(|idx| if idx / n == idx % n { u.sub(&a[idx]) } else { a[idx].neg() }).collect();
        if proved_positive_definite(&m, n) {
            return Some(u);
        }
    }
    None
}

/// Size n²·d above which [`bound_min_lambda_max`] runs the f64 path of [`super::sdp_fast`]
/// (same argument, rounding bounded a priori; the exact path costs O(n²d) rational and
/// multiple-precision operations: minutes at n = 100, d = 200).
pub const FAST_ABOVE: usize = 100_000;

/// Proved bounds [lower, upper] ∋ t* at `prec` bits from the solver's point (see the module
/// docs). Errors say which half could not be proved. Above [`FAST_ABOVE`] (n²d) the bounds
/// come from [`super::sdp_fast`].
pub fn bound_min_lambda_max(task: &Task, sign: Sign, point: &SdpPoint, prec: u32) -> Result<Interval> {
    let (n, d) = (task.n(), task.d());
    if n.saturating_mul(n).saturating_mul(d) > FAST_ABOVE {
        return super::sdp_fast::bound_fast(task, sign, point, prec);
    }
    let fail = |why: String| Error::NoConvergence { what: "proved bounds on min λ_max".into(), detail: why };
    let q = |v: &Rational| Interval::from_rational(v, prec);
    let f = |v: f64| Interval::point(&Float::with_val(prec, v));
    let x: Vec<Vec<Interval>> = task.x.iter().map(|r| r.iter().map(q).collect()).collect();
    // Upper: an exactly feasible β and a proved U ≥ λ_max(X diag|β| Xᵀ).
    let beta = exact_feasible(task, &point.beta, sign)
        .ok_or_else(|| fail("the primal point could not be corrected onto Xβ = y on its support (keeping β ≥ 0)".into()))?;
    let upper = upper_lambda_max(task, &beta, prec);
    let upper = upper.ok_or_else(|| fail("U·I − X diag|β| Xᵀ ⪰ 0 not proved".into()))?;
    // Lower: Z_s + sI ⪰ 0 proved, normalized to trace 1.
    let zs: Vec<Interval> =
        (0..n * n).map(|idx| f(point.z[idx]).add(&f(point.z[(idx % n) * n + idx / n])).div(&f(2.0)).expect("2 ≠ 0")).collect();
    let zmin = eig_f64(&zs, n).first().copied().ok_or_else(|| fail("no eigenvalues".into()))?;
    let mut shift = None;
    for k in [14, 12, 10, 8, 6] {
        let s = f((-zmin).max(0.0) + 10f64.powi(-k));
        if proved_positive_definite(&shifted(&zs, n, &s), n) {
            shift = Some(s);
            break;
        }
    }
    let s = shift.ok_or_else(|| fail("Z + sI ⪰ 0 not proved".into()))?;
    let tr = sum(&(0..n).map(|i| zs[i * n + i].clone()).collect::<Vec<_>>(), prec).add(&s.mul_i64(n as i64));
    if !tr.is_positive() {
        return Err(fail("tr(Z + sI) is not positive".into()));
    }
    let nu: Vec<Interval> = point.nu.iter().map(|v| f(*v)).collect();
    let yv = sum(&task.y.iter().zip(&nu).map(|(yi, vi)| q(yi).mul(vi)).collect::<Vec<_>>(), prec);
    let zero = Interval::from_i64(0, prec);
    let mut penalty = Vec::new();
    for j in 0..d {
        let col_sq = sum(&(0..n).map(|i| x[i][j].sqr()).collect::<Vec<_>>(), prec);
        if !col_sq.is_positive() {
            continue; // x_j = 0: β_j does not enter.
        }
        let xzx = sum(&(0..n * n).map(|idx| x[idx / n][j].mul(&zs[idx]).mul(&x[idx % n][j])).collect::<Vec<_>>(), prec);
        let qj = xzx.add(&s.mul(&col_sq)).div(&tr).expect("tr > 0");
        let aj = sum(&(0..n).map(|i| x[i][j].mul(&nu[i])).collect::<Vec<_>>(), prec);
        let aj = if sign == Sign::Signed { Interval::new(aj.mig(), aj.mag()).expect("mig ≤ mag") } else { aj };
        let def = aj.sub(&qj);
        if def.hi() > zero.lo() {
            // |β*_j| ≤ n·U/‖x_j‖².
            let bound = upper.mul_i64(n as i64).div(&col_sq).expect("‖x_j‖² > 0");
            penalty.push(bound.mul(&Interval::new(Float::new(prec), def.hi().clone()).expect("0 ≤ hi")));
        }
    }
    let lower = yv.sub(&sum(&penalty, prec).add(&zero));
    if lower.lo() > upper.hi() {
        return Err(fail(format!("lower bound {} above upper bound {}", lower.lo_decimal(12), upper.hi_decimal(12))));
    }
    Interval::new(lower.lo().clone(), upper.hi().clone()).ok_or_else(|| fail("empty bounds".into()))
}
