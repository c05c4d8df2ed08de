//! Small dense linear algebra: symmetric eigenvalues (faer, f64) and a Cholesky solve
//! generic over [`Real`] for the dual Newton iterations.

use crate::numeric::real::Real;

/// Eigenvalues of a symmetric matrix given row-major (`n×n`), ascending, computed by faer
/// in f64. Used for sharpness in every precision: by Weyl's inequality, rounding the
/// Hessian's entries to f64 moves every eigenvalue by at most ‖E‖₂ ≤ n·2⁻⁵³·max|H_ij|,
/// which is below the f64 resolution we report. Returns `None` when the input has a
/// non-finite entry or the solver fails.
///
/// ```
/// let ev = normsharp::numeric::linalg::symmetric_eigenvalues(2, &[2.0, 1.0, 1.0, 2.0]).unwrap();
/// assert!((ev[0] - 1.0).abs() < 1e-14 && (ev[1] - 3.0).abs() < 1e-14);
/// ```
pub fn symmetric_eigenvalues(n: usize, a: &[f64]) -> Option<Vec<f64>> {
    if a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    if n == 1 {
        return Some(vec![a[0]]);
    }
    let m = faer::Mat::<f64>::from_fn(n, n, |i, j| a[i * n + j]);
    let mut ev = m.self_adjoint_eigenvalues(faer::Side::Lower).ok()?;
    ev.sort_by(f64::total_cmp);
    Some(ev)
}

/// Solve `A z = b` for symmetric positive definite `A` (row-major `n×n`) by Cholesky, in
/// any precision. `None` when `A` is not numerically positive definite.
///
/// ```
/// let z = normsharp::numeric::linalg::solve_spd(2, &[4.0f64, 2.0, 2.0, 3.0], &[2.0, 1.0]).unwrap();
/// assert!((z[0] - 0.5).abs() < 1e-15 && z[1].abs() < 1e-15);
/// ```
pub fn solve_spd<T: Real>(n: usize, a: &[T], b: &[T]) -> Option<Vec<T>> {
    let ctx = b[0].ctx();
    let zero = T::zero(ctx);
    let mut l = vec![zero.clone(); n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j].clone();
            for k in 0..j {
                s -= &(l[i * n + k].clone() * &l[j * n + k]);
            }
            if i == j {
                if !(s > zero) || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / &l[j * n + j];
            }
        }
    }
    let mut z = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            let t = l[i * n + k].clone() * &z[k];
            z[i] -= &t;
        }
        z[i] /= &l[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            let t = l[k * n + i].clone() * &z[k];
            z[i] -= &t;
        }
        z[i] /= &l[i * n + i];
    }
    Some(z)
}

/// The largest eigenvalue of a symmetric matrix (row-major `n×n`) and a unit eigenvector,
/// computed by faer in f64. `None` for non-finite input or a solver failure.
///
/// ```
/// let (l, u) = normsharp::numeric::linalg::top_eigenpair(2, &[2.0, 1.0, 1.0, 2.0]).unwrap();
/// assert!((l - 3.0).abs() < 1e-14 && (u[0].abs() - 0.5f64.sqrt()).abs() < 1e-14);
/// ```
pub fn top_eigenpair(n: usize, a: &[f64]) -> Option<(f64, Vec<f64>)> {
    if a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let m = faer::Mat::<f64>::from_fn(n, n, |i, j| a[i * n + j]);
    let evd = m.self_adjoint_eigen(faer::Side::Lower).ok()?;
    let s = evd.S().column_vector();
    let k = (0..n).max_by(|&i, &j| s[i].total_cmp(&s[j]))?;
    let u = evd.U();
    Some((s[k], (0..n).map(|i| u[(i, k)]).collect()))
}
