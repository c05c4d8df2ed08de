//! Exact Hessian–vector products of the MLP's loss by forward-over-reverse differentiation
//! (hand-written: the tangent of every quantity of [`Mlp::loss_grad`] along v), and the
//! sharpness λ_max(∇²L(θ)) by Lanczos on them ([`crate::numeric::lanczos`]).
//!
//! Along v = (V₁, c₁, V₂, c₂): ż = V₁x + c₁, ȧ = (1 − a²)ż, ṙ = (V₂a + W₂ȧ + c₂)/n;
//! H v = (Σ δ̇ xᵀ, Σ δ̇, Σ (ṙaᵀ + rȧᵀ), Σ ṙ) with δ̇ = (V₂ᵀr + W₂ᵀṙ)(1 − a²) − 2(W₂ᵀr)·a·ȧ.

use super::data::Dataset;
use super::model::{dot, Mlp};
use crate::numeric::lanczos::{largest_eigenpair, largest_eigenvalue, Extremes};
use serde::Serialize;

/// λ_max at a point with what resolves it: the Lanczos residual, and the oscillation slack
/// |∇³L[u,u,u]|·√(2L/λ) (an iterate oscillating along the top eigenvector u with
/// amplitude x, ½λx² ≤ L, sees λ_max shifted by ∇³L[u,u,u]·x from the orbit's centre:
/// Damian et al. 2022, self-stabilization).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Curvature {
    /// The top Ritz value θ_max ≤ λ_max.
    pub sharpness: f64,
    /// Lanczos residual bound.
    pub residual: f64,
    /// ∇³L[u,u,u] by central differences of exact Hessian–vector products (step 1e-4:
    /// error O(10⁻⁸·∇⁵L)).
    pub third: f64,
    /// x = √(2L/λ): the largest oscillation amplitude along u at loss L.
    pub amplitude: f64,
}

impl Curvature {
    /// |∇³L[u,u,u]|·x + residual: how far λ_max at the iterate may sit from λ_max at the
    /// centre of its oscillation.
    pub fn slack(&self) -> f64 {
        self.third.abs() * self.amplitude + self.residual
    }
}

impl Mlp {
    /// out = ∇²L(θ)·v, exactly (up to rounding).
    pub fn hvp(&self, theta: &[f64], v: &[f64], data: &Dataset, out: &mut [f64]) {
        let l = self.layout();
        let (d, h, k) = (self.d, self.h, self.k);
        out.iter_mut().for_each(|g| *g = 0.0);
        let (mut a, mut o) = (vec![0.0; h], vec![0.0; k]);
        let (mut ad, mut ga, mut gad) = (vec![0.0; h], vec![0.0; h], vec![0.0; h]);
        let inv_n = 1.0 / data.n as f64;
        for i in 0..data.n {
            let x = &data.x[i * d..(i + 1) * d];
            self.hidden(theta, x, &mut a);
            self.output(theta, &a, &mut o);
            for j in 0..h {
                let zd = v[l.b1 + j] + dot(&v[j * d..(j + 1) * d], x);
                ad[j] = (1.0 - a[j] * a[j]) * zd;
            }
            ga.iter_mut().for_each(|g| *g = 0.0);
            gad.iter_mut().for_each(|g| *g = 0.0);
            for c in 0..k {
                let r = (o[c] - data.y[i * k + c]) * inv_n;
                let w2 = &theta[l.w2 + c * h..l.w2 + (c + 1) * h];
                let v2 = &v[l.w2 + c * h..l.w2 + (c + 1) * h];
                let rd = (v[l.b2 + c] + dot(v2, &a) + dot(w2, &ad)) * inv_n;
                out[l.b2 + c] += rd;
                let h2 = &mut out[l.w2 + c * h..l.w2 + (c + 1) * h];
                for j in 0..h {
                    h2[j] += rd * a[j] + r * ad[j];
                    ga[j] += w2[j] * r;
                    gad[j] += v2[j] * r + w2[j] * rd;
                }
            }
            for j in 0..h {
                let s = 1.0 - a[j] * a[j];
                let dd = gad[j] * s - 2.0 * ga[j] * a[j] * ad[j];
                out[l.b1 + j] += dd;
                out[j * d..(j + 1) * d].iter_mut().zip(x).for_each(|(g, xv)| *g += dd * xv);
            }
        }
    }

    /// λ_max(∇²L(θ)) by Lanczos (full reorthogonalization, fixed start vector) to relative
    /// residual `tol` in at most `max_steps` products; `residual` bounds the distance to an
    /// eigenvalue, and the Ritz value never exceeds λ_max.
    pub fn sharpness(&self, theta: &[f64], data: &Dataset, tol: f64, max_steps: usize) -> Option<Extremes> {
        largest_eigenvalue(self.params(), |v, out| self.hvp(theta, v, data, out), tol, max_steps)
    }

    /// λ_max with its resolution ([`Curvature`]); the amplitude is √(2L/λ), or `step` if larger
    /// (the length η‖∇L‖ of a step that starts here).
    pub fn curvature(&self, theta: &[f64], data: &Dataset, tol: f64, max_steps: usize, step: f64) -> Option<Curvature> {
        let (e, u) = largest_eigenpair(self.params(), |v, out| self.hvp(theta, v, data, out), tol, max_steps)?;
        const H: f64 = 1e-4;
        let mut hu = vec![0.0; u.len()];
        let mut quad = |sign: f64| {
            let shifted: Vec<f64> = theta.iter().zip(&u).map(|(t, v)| t + sign * H * v).collect();
            self.hvp(&shifted, &u, data, &mut hu);
            dot(&hu, &u)
        };
        let third = (quad(1.0) - quad(-1.0)) / (2.0 * H);
        let amplitude = (2.0 * self.loss(theta, data).max(0.0) / e.hi).sqrt().max(step);
        Some(Curvature { sharpness: e.hi, residual: e.residual, third, amplitude })
    }
}
