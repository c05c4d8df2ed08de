#![allow(dead_code)]
//! Independent certificate checker: uses only the raw data, the returned
//! `(β, w, ν, Z)` and faer's symmetric eigenvalues (none of the solver's code).
//! The solver's unit tests (`tests.rs`) use it as their oracle.

use faer::{Mat, Side};

/// All numbers relative to the natural scales (see field docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct Cert {
    /// `‖Xβ − y‖∞ / ‖y‖∞`
    pub primal_res: f64,
    /// nonnegative: `max(−β)⁺, max|w−β|`; signed: `max(|β| − w)⁺`; over `‖β‖∞`
    pub sign_viol: f64,
    /// `max(0, −λ_min(Z))` plus asymmetry `max|Z − Zᵀ|` (Z has trace 1)
    pub z_neg: f64,
    /// `|tr Z − 1|`
    pub trace_err: f64,
    /// `max_j ((Xᵀν)_j − x_jᵀZx_j)⁺` (signed: `|(Xᵀν)_j|`) over `max_j ‖x_j‖²`
    pub dual_viol: f64,
    /// `(λ_max(X diag|β| Xᵀ) − yᵀν) / max(λ_max, |yᵀν|)` (signed value)
    pub gap: f64,
    /// λ_max(X diag|β| Xᵀ), the primal objective.
    pub lmax: f64,
    /// yᵀν, the dual objective.
    pub dobj: f64,
}

impl Cert {
    /// Largest of all the (absolute) violation measures.
    pub fn worst(&self) -> f64 {
        [self.primal_res, self.sign_viol, self.z_neg, self.trace_err, self.dual_viol, self.gap.abs()].iter().fold(0.0f64, |a, &v| {
            if v.is_nan() {
                f64::INFINITY
            } else {
                a.max(v)
            }
        })
    }
}

fn sym_eigs(a: &Mat<f64>) -> Vec<f64> {
    a.self_adjoint_eigenvalues(Side::Lower).expect("eigenvalues")
}

/// The relative violations of the min-λ_max KKT point (β, w = |β|, ν, Z) on row-major X (n×d):
/// primal ‖Xβ − y‖∞, dual A_j = ⟨x_j, ν⟩ ≤ x_jᵀZx_j (|·| when signed), Z ⪰ 0 with tr Z = 1, and
/// the gap λ_max(X diag w Xᵀ) − yᵀν (weak duality of the SDP in `lmax`'s module doc).
#[allow(clippy::too_many_arguments)]
pub fn certify(x: &[f64], n: usize, d: usize, y: &[f64], signed: bool, beta: &[f64], w: &[f64], nu: &[f64], z: &[f64]) -> Cert {
    let tiny = f64::MIN_POSITIVE;
    let ynorm = y.iter().fold(0.0f64, |a, v| a.max(v.abs())).max(tiny);
    let bnorm = beta.iter().fold(0.0f64, |a, v| a.max(v.abs())).max(tiny);
    let mut primal = 0.0f64;
    for i in 0..n {
        let r: f64 = (0..d).map(|j| x[i * d + j] * beta[j]).sum::<f64>() - y[i];
        primal = primal.max(r.abs());
    }
    let mut sign = 0.0f64;
    for j in 0..d {
        if signed {
            sign = sign.max(beta[j].abs() - w[j]);
        } else {
            sign = sign.max(-beta[j]).max((w[j] - beta[j]).abs());
        }
    }
    let zm = Mat::<f64>::from_fn(n, n, |i, j| z[i * n + j]);
    let mut asym = 0.0f64;
    for i in 0..n {
        for j in 0..n {
            asym = asym.max((z[i * n + j] - z[j * n + i]).abs());
        }
    }
    let zmin = sym_eigs(&zm).first().copied().unwrap_or(0.0);
    let tr: f64 = (0..n).map(|i| z[i * n + i]).sum();
    let mut dual = 0.0f64;
    let mut cn = 0.0f64;
    for j in 0..d {
        let xtnu: f64 = (0..n).map(|i| x[i * d + j] * nu[i]).sum();
        let mut xzx = 0.0;
        let mut nrm = 0.0;
        for i in 0..n {
            nrm += x[i * d + j] * x[i * d + j];
            for k in 0..n {
                xzx += x[i * d + j] * z[i * n + k] * x[k * d + j];
            }
        }
        cn = cn.max(nrm);
        let lhs = if signed { xtnu.abs() } else { xtnu };
        dual = dual.max(lhs - xzx);
    }
    let a = Mat::<f64>::from_fn(n, n, |i, k| (0..d).map(|j| x[i * d + j] * beta[j].abs() * x[k * d + j]).sum());
    let lmax = sym_eigs(&a).last().copied().unwrap_or(0.0);
    let dobj: f64 = y.iter().zip(nu).map(|(a, b)| a * b).sum();
    Cert {
        primal_res: primal / ynorm,
        sign_viol: sign.max(0.0) / bnorm,
        z_neg: (-zmin).max(0.0) + asym,
        trace_err: (tr - 1.0).abs(),
        dual_viol: dual.max(0.0) / cn.max(tiny),
        gap: (lmax - dobj) / lmax.abs().max(dobj.abs()).max(tiny),
        lmax,
        dobj,
    }
}
