//! Extreme eigenvalues of a symmetric operator given only by products v ↦ Av: Lanczos with
//! full reorthogonalization (so no ghost eigenvalues), m ≤ p steps, and the Ritz values of the
//! m×m tridiagonal by faer. Used for Hessians too large to store (p parameters, p² entries).
//!
//! Accuracy: a Ritz value θ with Ritz vector y has an eigenvalue within |β_m·y_m| (the
//! residual norm, Parlett's bound); iteration stops when that bound is below `tol`·|θ| for
//! both extreme Ritz values, or at `max_steps`, and the bound is returned.

use crate::numeric::linalg::symmetric_eigenvalues;

/// The smallest and largest eigenvalues with their residual bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extremes {
    /// Smallest Ritz value.
    pub lo: f64,
    /// Largest Ritz value.
    pub hi: f64,
    /// An eigenvalue lies within this of `lo` (and one of `hi`): the largest residual norm.
    pub residual: f64,
    /// Lanczos steps taken.
    pub steps: usize,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Eigenvalues, the last components of the eigenvectors, and the top eigenvector of the
/// tridiagonal (α, β).
fn ritz(alpha: &[f64], beta: &[f64]) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let m = alpha.len();
    let t = faer::Mat::<f64>::from_fn(m, m, |i, j| {
        if i == j {
            alpha[i]
        } else if i + 1 == j {
            beta[i]
        } else if j + 1 == i {
            beta[j]
        } else {
            0.0
        }
    });
    let eig = t.self_adjoint_eigen(faer::Side::Lower).ok()?;
    let s = eig.S();
    let u = eig.U();
    let vals: Vec<f64> = (0..m).map(|i| s[i]).collect();
    let last: Vec<f64> = (0..m).map(|i| u[(m - 1, i)]).collect();
    let top: Vec<f64> = (0..m).map(|i| u[(i, m - 1)]).collect();
    Some((vals, last, top))
}

/// Extreme eigenvalues of the p×p symmetric operator `apply` (out = A·v), to relative
/// residual `tol`, in at most `max_steps` steps. Deterministic: a fixed start vector.
pub fn extreme_eigenvalues(p: usize, apply: impl Fn(&[f64], &mut [f64]), tol: f64, max_steps: usize) -> Option<Extremes> {
    lanczos(p, apply, tol, max_steps, false).map(|r| r.0)
}

/// The largest eigenvalue (`hi`; `lo` is reported but not converged) to relative residual
/// `tol`: the stopping test watches only the top Ritz pair, whose residual `residual` is.
/// θ_max ≤ λ_max always (Cauchy interlacing), and an eigenvalue lies within `residual` of it.
pub fn largest_eigenvalue(p: usize, apply: impl Fn(&[f64], &mut [f64]), tol: f64, max_steps: usize) -> Option<Extremes> {
    lanczos(p, apply, tol, max_steps, true).map(|r| r.0)
}

/// [`largest_eigenvalue`] with its unit Ritz vector u = Q·y (‖Au − θu‖ = `residual`).
pub fn largest_eigenpair(p: usize, apply: impl Fn(&[f64], &mut [f64]), tol: f64, max_steps: usize) -> Option<(Extremes, Vec<f64>)> {
    lanczos(p, apply, tol, max_steps, true)
}

fn lanczos(p: usize, apply: impl Fn(&[f64], &mut [f64]), tol: f64, max_steps: usize, top_only: bool) -> Option<(Extremes, Vec<f64>)> {
    if p == 0 {
        return None;
    }
    let m_max = max_steps.min(p).max(1);
    let mut q: Vec<Vec<f64>> = Vec::with_capacity(m_max);
    let mut v: Vec<f64> = (0..p).map(|i| 1.0 + 0.1 * ((i * 7919) % 13) as f64).collect();
    let n0 = dot(&v, &v).sqrt();
    v.iter_mut().for_each(|x| *x /= n0);
    let (mut alpha, mut beta) = (Vec::new(), Vec::new());
    let mut w = vec![0.0; p];
    let mut best = None;
    for k in 0..m_max {
        apply(&v, &mut w);
        if w.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let a = dot(&w, &v);
        alpha.push(a);
        q.push(v.clone());
        // Full reorthogonalization, twice (Gram–Schmidt is then stable).
        for _ in 0..2 {
            for qi in &q {
                let c = dot(&w, qi);
                w.iter_mut().zip(qi).for_each(|(x, y)| *x -= c * y);
            }
        }
        let b = dot(&w, &w).sqrt();
        let (vals, last, top) = ritz(&alpha, &beta)?;
        let (lo, hi) = (vals[0], vals[vals.len() - 1]);
        let res_hi = (b * last[last.len() - 1]).abs();
        let res = if top_only { res_hi } else { (b * last[0]).abs().max(res_hi) };
        best = Some((Extremes { lo, hi, residual: res, steps: k + 1 }, top));
        let scale = lo.abs().max(hi.abs()).max(f64::MIN_POSITIVE);
        if res <= tol * scale || b <= f64::EPSILON * scale || k + 1 == m_max {
            break;
        }
        beta.push(b);
        v.iter_mut().zip(&w).for_each(|(x, y)| *x = y / b);
    }
    let (e, y) = best?;
    let mut u = vec![0.0; p];
    for (qi, yi) in q.iter().zip(&y) {
        u.iter_mut().zip(qi).for_each(|(a, b)| *a += yi * b);
    }
    Some((e, u))
}

/// The largest eigenvalue of a dense symmetric matrix, for the tests.
pub fn dense_extremes(n: usize, a: &[f64]) -> Option<(f64, f64)> {
    symmetric_eigenvalues(n, a).map(|ev| (ev[0], ev[n - 1]))
}
