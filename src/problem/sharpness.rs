//! Sharpness of the training loss in the parameters (THEORY.md §2): the largest eigenvalue
//! λ_max, the operator norm ‖∇²L‖_op (largest |eigenvalue|; the paper's S) and the trace.

use crate::numeric::lanczos::extreme_eigenvalues;
use crate::numeric::linalg::symmetric_eigenvalues;
use crate::numeric::real::Real;
use crate::problem::design::Design;
use crate::problem::model::{hessian_apply, Evaluation, Parametrization};
use serde::Serialize;

/// The three sharpness measures of one parameter vector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sharpness {
    /// Largest eigenvalue of ∇²_θL.
    pub lambda_max: f64,
    /// ‖∇²_θL‖_op = max |eigenvalue| (THEORY.md's S).
    pub op_norm: f64,
    /// tr ∇²_θL.
    pub trace: f64,
}

/// Sharpness of `model` at θ on `design` (both in f64; see
/// [`symmetric_eigenvalues`] for why f64 suffices at every precision).
/// `None` when θ is not finite.
///
/// ```
/// use normsharp::{problem::model::Sw, problem::sharpness::sharpness, problem::tasks::canonical_four};
/// let design = canonical_four().design::<f64>(());
/// // At the interpolator β = e₄/4 (w = e₄/2): S = 4·Σ x_i²β_i = 4·16/4 = 16.
/// let s = sharpness(&Sw, &design, &[0.0, 0.0, 0.0, 0.5]).unwrap();
/// assert!((s.op_norm - 16.0).abs() < 1e-12);
/// ```
pub fn sharpness<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64]) -> Option<Sharpness> {
    let p = theta.len();
    if p > DENSE_MAX_PARAMS {
        return sharpness_matrix_free(model, design, theta);
    }
    let h = Evaluation::new(model, design, theta).hessian(model, design, theta);
    let trace = (0..p).map(|i| h[i * p + i]).sum();
    let ev = symmetric_eigenvalues(p, &h)?;
    let (lo, hi) = (ev[0], ev[p - 1]);
    Some(Sharpness { lambda_max: hi, op_norm: hi.abs().max(lo.abs()), trace })
}

/// Above this many parameters the Hessian is not stored (p² entries): its extreme
/// eigenvalues come from Lanczos on Hessian–vector products ([`crate::numeric::lanczos`]).
pub const DENSE_MAX_PARAMS: usize = 600;

/// Residual tolerance of the matrix-free sharpness, relative to ‖∇²L‖_op: the Ritz values
/// are within this of eigenvalues (Parlett's residual bound).
pub const LANCZOS_TOL: f64 = 1e-12;

/// [`sharpness`] without storing the Hessian (Lanczos; the trace exactly).
pub fn sharpness_matrix_free<M: Parametrization>(model: &M, design: &Design<f64>, theta: &[f64]) -> Option<Sharpness> {
    if theta.iter().any(|t| !t.is_finite()) {
        return None;
    }
    let ev = Evaluation::new(model, design, theta);
    let (apply, trace) = hessian_apply(model, design, theta, &ev.grad_beta);
    let e = extreme_eigenvalues(theta.len(), apply, LANCZOS_TOL, 400)?;
    Some(Sharpness { lambda_max: e.hi, op_norm: e.hi.abs().max(e.lo.abs()), trace })
}

/// Sharpness of any-precision parameters, through their nearest f64 values.
pub fn sharpness_of<M: Parametrization, T: Real>(model: &M, design: &Design<f64>, theta: &[T]) -> Option<Sharpness> {
    let t: Vec<f64> = theta.iter().map(Real::to_f64).collect();
    sharpness(model, design, &t)
}

/// Sharpness of the SW model at an interpolator (r = 0): S = (4/n)·λ_max(X diag(β) Xᵀ)
/// (THEORY.md §2, Hessians [derived]); for n = 1 this is 4·Σ x_i²β_i.
///
/// ```
/// use normsharp::{problem::sharpness::sw_interpolator_sharpness, problem::tasks::canonical_four};
/// let design = canonical_four().design::<f64>(());
/// assert_eq!(sw_interpolator_sharpness(&design, &[0.0, 0.0, 0.0, 0.25]), Some(16.0));
/// ```
pub fn sw_interpolator_sharpness(design: &Design<f64>, beta: &[f64]) -> Option<f64> {
    let (n, d) = (design.n, design.d);
    let mut k = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            k[i * n + j] = (0..d).map(|c| design.x[i * d + c] * beta[c] * design.x[j * d + c]).sum::<f64>() * 4.0 / n as f64;
        }
    }
    symmetric_eigenvalues(n, &k).map(|ev| ev[n - 1])
}
