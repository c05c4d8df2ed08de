//! Diagonal-network parametrizations (THEORY.md §2). Each maps parameters θ to a predictor
//! β, takes a GD step from the gradient in β, and gives its dense parameter Hessian.
//! The GD runner, sharpness code and registry only see the [`Parametrization`] trait.

use crate::real::Real;
use crate::task::Design;

/// A parametrization β = β(θ) of a linear predictor, trained on L = (1/2n)‖Xβ − y‖².
pub trait Parametrization: Sync {
    /// Short name (`sw`, …).
    fn name(&self) -> &'static str;
    /// Number of parameters for d features.
    fn n_params(&self, d: usize) -> usize;
    /// The initialization at scale α.
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T>;
    /// `out = β(θ)`.
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]);
    /// One GD step θ ← θ − η∇_θL, given g = ∇_βL = Xᵀr/n at θ.
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T);
    /// Dense parameter Hessian ∇²_θL (row-major, f64), given g = Xᵀr/n at θ.
    fn hessian(&self, design: &Design<f64>, theta: &[f64], g: &[f64]) -> Vec<f64>;
    /// Squared Euclidean norm of the parameters, ‖θ‖₂².
    fn param_norm2_sq<T: Real>(&self, theta: &[T]) -> T {
        crate::real::norm2_sq(theta, theta[0].ctx())
    }
    /// ℓ1 norm of the parameters, ‖θ‖₁.
    fn param_norm1<T: Real>(&self, theta: &[T]) -> T {
        crate::real::norm1(theta, theta[0].ctx())
    }
}

/// Shared weights (the paper's theory model): β = w⊙w, w₀ = α·1,
/// step w ← w⊙(1 − 2ηg) (THEORY.md §2, table).
///
/// ```
/// use normsharp::model::{Parametrization, Sw};
/// let mut w = Sw.init(2, &0.5f64);
/// Sw.step(&mut w, &[1.0, -1.0], &0.25);
/// assert_eq!(w, vec![0.25, 0.75]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Sw;

impl Parametrization for Sw {
    fn name(&self) -> &'static str {
        "sw"
    }
    fn n_params(&self, d: usize) -> usize {
        d
    }
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T> {
        vec![alpha.clone(); d]
    }
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]) {
        for (b, w) in out.iter_mut().zip(theta) {
            *b = w.clone() * w;
        }
    }
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T) {
        let two_eta = eta.clone() + eta;
        for (w, gi) in theta.iter_mut().zip(g) {
            let t = w.clone() * &two_eta * gi;
            *w -= &t;
        }
    }
    /// ∇²L = (4/n)·diag(w)XᵀX diag(w) + 2·diag(g) (THEORY.md §2, Hessians [derived]).
    fn hessian(&self, design: &Design<f64>, w: &[f64], g: &[f64]) -> Vec<f64> {
        let (n, d) = (design.n, design.d);
        let mut h = vec![0.0; d * d];
        for i in 0..n {
            let row = design.row(i);
            for a in 0..d {
                let xa = row[a] * w[a];
                for b in 0..d {
                    h[a * d + b] += xa * row[b] * w[b];
                }
            }
        }
        let scale = 4.0 / n as f64;
        for v in h.iter_mut() {
            *v *= scale;
        }
        for a in 0..d {
            h[a * d + a] += 2.0 * g[a];
        }
        h
    }
}
