//! A dense dual simplex in f64 that returns an optimal basis of the weighted-ℓ1 LP
//! minimize Σ c_k t_k s.t. Σ_k t_k·s_k X_{:,j_k} = y, t ≥ 0 (the columns [`Col`]), for the
//! exact solve that certifies it. It starts from the basis of the n artificial unit columns
//! (bounds [0, 0]): the duals ν = 0 are feasible there because c ≥ 0, so no phase 1 is needed;
//! each iteration the basic variable of largest infeasibility (relative to its row of B⁻¹:
//! dual steepest edge) leaves, and the entering column keeps the reduced costs ≥ 0 (Harris'
//! two-pass ratio test). The solver's answer is never trusted: the caller solves the basis
//! exactly and checks the certificate, and falls back to clarabel when it is not optimal.

use super::exact::Lu;
use super::{Col, Lp, Sign};
use crate::numeric::dixon::RationalDixon;
use rug::{Integer, Rational};

/// A basic column: a feature column with its sign, or the artificial unit column of a row
/// (left in the basis at value 0 when the rows of X are dependent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Basic {
    /// s·X_{:,j}.
    Feature(Col),
    /// e_i.
    Unit(usize),
}

/// Pivots between refactorizations of B⁻¹ (bounds the drift of the product-form updates).
const REFACTOR: usize = 50;

impl Lp<'_> {
    /// An optimal basis by the dual simplex, or why none was found (primal infeasible,
    /// iteration limit, singular refactorization).
    pub(super) fn dual_simplex(&self) -> Result<(Vec<Basic>, usize), String> {
        let (n, d) = (self.n(), self.d());
        let m = if self.sign == Sign::Signed { 2 * d } else { d };
        let col = |k: usize| Col { j: k % d, s: if k < d { 1 } else { -1 } };
        // X column-major.
        let xc: Vec<f64> = (0..d).flat_map(|j| (0..n).map(move |i| (i, j))).map(|(i, j)| self.xf[i][j]).collect();
        let cost = |k: usize| self.cf[k % d];
        let ymax = self.yf.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let cmax = self.cf.iter().fold(0.0f64, |a, v| a.max(v.abs())).max(f64::MIN_POSITIVE);
        let tol_p = 1e-9 * ymax.max(f64::MIN_POSITIVE);
        let tol_d = 1e-9 * cmax;
        // basis[r] = k < m (feature column) or m + i (artificial of row i).
        let mut basis: Vec<usize> = (m..m + n).collect();
        let mut in_basis = vec![false; m];
        let mut binv = vec![0.0; n * n];
        for i in 0..n {
            binv[i * n + i] = 1.0;
        }
        let mut xb = self.yf.to_vec();
        let mut rc: Vec<f64> = (0..m).map(cost).collect();
        let mut alpha_r = vec![0.0; m];
        let max_iter = 20 * (n + m);
        for iter in 0..max_iter {
            if iter > 0 && iter % REFACTOR == 0 {
                self.refactor(&basis, m, &xc, &mut binv, &mut xb, &mut rc, &in_basis)?;
            }
            // Leaving row: largest infeasibility² / ‖row of B⁻¹‖².
            let mut leave: Option<(usize, f64)> = None;
            for r in 0..n {
                let v = xb[r];
                let infeas = if basis[r] >= m { v.abs() } else { (-v).max(0.0) };
                if infeas > tol_p {
                    let w: f64 = binv[r * n..(r + 1) * n].iter().map(|a| a * a).sum();
                    let score = infeas * infeas / w.max(f64::MIN_POSITIVE);
                    if leave.is_none_or(|(_, s)| score > s) {
                        leave = Some((r, score));
                    }
                }
            }
            let Some((r, _)) = leave else {
                return Ok((basis.iter().map(|&k| if k < m { Basic::Feature(col(k)) } else { Basic::Unit(k - m) }).collect(), iter));
            };
            let sgn = if xb[r] < 0.0 { -1.0 } else { 1.0 };
            // Row r of B⁻¹A over the feature columns.
            let rho = &binv[r * n..(r + 1) * n];
            for j in 0..d {
                let v: f64 = rho.iter().zip(&xc[j * n..(j + 1) * n]).map(|(a, b)| a * b).sum();
                alpha_r[j] = v;
                if m > d {
                    alpha_r[d + j] = -v;
                }
            }
            let amax = (0..m).filter(|&k| !in_basis[k]).fold(0.0f64, |a, k| a.max(alpha_r[k].abs()));
            let tol_piv = 1e-9 * amax;
            // Harris pass 1: the largest step keeping every reduced cost ≥ −tol_d.
            let mut theta_max = f64::INFINITY;
            for k in 0..m {
                let a = sgn * alpha_r[k];
                if !in_basis[k] && a > tol_piv {
                    theta_max = theta_max.min((rc[k].max(0.0) + tol_d) / a);
                }
            }
            if theta_max == f64::INFINITY {
                return Err("primal infeasible (dual ray)".into());
            }
            // Pass 2: among the steps ≤ θ_max, the largest pivot.
            let mut q: Option<usize> = None;
            for k in 0..m {
                let a = sgn * alpha_r[k];
                if !in_basis[k] && a > tol_piv && rc[k].max(0.0) / a <= theta_max && q.is_none_or(|b| a > sgn * alpha_r[b]) {
                    q = Some(k);
                }
            }
            let q = q.ok_or("no entering column")?;
            let theta_d = rc[q].max(0.0) / alpha_r[q];
            for k in 0..m {
                if !in_basis[k] {
                    rc[k] -= theta_d * alpha_r[k];
                }
            }
            rc[q] = 0.0;
            // Column of B⁻¹a_q, primal step and the product-form update of B⁻¹.
            let cq = col(q);
            let aq: Vec<f64> = xc[cq.j * n..(cq.j + 1) * n].iter().map(|v| f64::from(cq.s) * v).collect();
            let alpha_q: Vec<f64> = (0..n).map(|i| binv[i * n..(i + 1) * n].iter().zip(&aq).map(|(a, b)| a * b).sum()).collect();
            let piv = alpha_q[r];
            if piv.abs() <= tol_piv * 1e-3 {
                return Err("unstable pivot".into());
            }
            let theta_p = xb[r] / piv;
            for i in 0..n {
                xb[i] -= theta_p * alpha_q[i];
            }
            xb[r] = theta_p;
            let (head, tail) = binv.split_at_mut(r * n);
            let (row_r, tail) = tail.split_at_mut(n);
            row_r.iter_mut().for_each(|v| *v /= piv);
            for (i, row) in head.chunks_exact_mut(n).enumerate() {
                let f = alpha_q[i];
                if f != 0.0 {
                    row.iter_mut().zip(row_r.iter()).for_each(|(a, b)| *a -= f * b);
                }
            }
            for (i, row) in tail.chunks_exact_mut(n).enumerate() {
                let f = alpha_q[r + 1 + i];
                if f != 0.0 {
                    row.iter_mut().zip(row_r.iter()).for_each(|(a, b)| *a -= f * b);
                }
            }
            let out = basis[r];
            if out < m {
                in_basis[out] = false;
                rc[out] = -theta_d;
            }
            basis[r] = q;
            in_basis[q] = true;
        }
        Err(format!("no optimal basis after {max_iter} dual simplex iterations"))
    }

    /// The exact basic solution of a basis: B t_B = y and Bᵀν = c_B (0 on the unit columns),
    /// by Dixon lifting; β_j = s·t for each feature column (s·X_j, cost c_j). `None` if B is
    /// singular mod p (the caller then falls back).
    pub(super) fn exact_basic(&self, basis: &[Basic]) -> Option<(Vec<Rational>, Vec<Rational>)> {
        let (n, d) = (self.n(), self.d());
        let xi = self.xi;
        // Row i scaled by L_i: s·X'_ij on a feature column, L_i on the unit column of row i.
        let small: Option<Vec<i64>> = xi.small.as_ref().and_then(|x| {
            let mut b = vec![0i64; n * n];
            for (c, bc) in basis.iter().enumerate() {
                match *bc {
                    Basic::Feature(Col { j, s }) => {
                        for i in 0..n {
                            b[i * n + c] = if s < 0 { x[i * d + j].checked_neg()? } else { x[i * d + j] };
                        }
                    }
                    Basic::Unit(i) => b[i * n + c] = xi.scales[i].to_i64()?,
                }
            }
            Some(b)
        });
        let solver = match small {
            Some(a) => RationalDixon::from_scaled_i64(a, xi.scales.clone())?,
            None => {
                let mut b = vec![Integer::new(); n * n];
                for (c, bc) in basis.iter().enumerate() {
                    match *bc {
                        Basic::Feature(Col { j, s }) => {
                            for (i, row) in b.chunks_exact_mut(n).enumerate() {
                                row[c] = if s < 0 { -xi.get(i, j) } else { xi.get(i, j) };
                            }
                        }
                        Basic::Unit(i) => b[i * n + c] = xi.scales[i].clone(),
                    }
                }
                RationalDixon::from_scaled(b, xi.scales.clone())?
            }
        };
        let t = solver.solve(&self.task.y)?;
        let cb: Vec<Rational> = basis
            .iter()
            .map(|bc| if let Basic::Feature(Col { j, .. }) = *bc { self.weights[j].clone() } else { Rational::new() })
            .collect();
        let nu = solver.solve_t(&cb)?;
        let mut beta = vec![Rational::new(); d];
        for (bc, v) in basis.iter().zip(t) {
            if let Basic::Feature(Col { j, s }) = *bc {
                beta[j] = if s < 0 { -v } else { v };
            }
        }
        Some((beta, nu))
    }

    /// B⁻¹, x_B = B⁻¹y and the reduced costs c − Aᵀν (ν = B⁻ᵀc_B) recomputed from the basis.
    #[allow(clippy::too_many_arguments)]
    fn refactor(
        &self,
        basis: &[usize],
        m: usize,
        xc: &[f64],
        binv: &mut [f64],
        xb: &mut [f64],
        rc: &mut [f64],
        in_basis: &[bool],
    ) -> Result<(), String> {
        let (n, d) = (self.n(), self.d());
        let sign_of = |k: usize| if k < d { 1.0 } else { -1.0 };
        let mut b = vec![0.0; n * n];
        for (c, &k) in basis.iter().enumerate() {
            if k < m {
                for i in 0..n {
                    b[i * n + c] = sign_of(k) * xc[(k % d) * n + i];
                }
            } else {
                b[(k - m) * n + c] = 1.0;
            }
        }
        let lu = Lu::new(n, b).ok_or("singular basis at refactorization")?;
        let mut e = vec![0.0; n];
        for i in 0..n {
            e.iter_mut().for_each(|v| *v = 0.0);
            e[i] = 1.0;
            let colv = lu.solve(&e);
            for (r, v) in colv.into_iter().enumerate() {
                binv[r * n + i] = v;
            }
        }
        xb.copy_from_slice(&lu.solve(self.yf));
        let cb: Vec<f64> = basis.iter().map(|&k| if k < m { self.cf[k % d] } else { 0.0 }).collect();
        let nu = lu.solve_t(&cb);
        for k in 0..m {
            rc[k] = if in_basis[k] {
                0.0
            } else {
                let j = k % d;
                self.cf[j] - sign_of(k) * nu.iter().zip(&xc[j * n..(j + 1) * n]).map(|(a, b)| a * b).sum::<f64>()
            };
        }
        Ok(())
    }
}
