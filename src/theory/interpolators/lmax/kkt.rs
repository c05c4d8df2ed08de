//! The bordered Newton (KKT) system of the HKM direction and its block solve.
//!
//! Unknowns `(Δu, Δt, Δν)`, `u ∈ ℝᵐ` (`m = d`, or `m = 2d` with `u = (p, q)` in the
//! signed case), `B = X` or `B = [X, −X]`, `A_k = a_k a_kᵀ` (`a_k` a column of X):
//! ```text
//! [ M + D   −g   −Bᵀ ] [Δu]   [r1]      M_kl = (a_kᵀS⁻¹a_l)(a_lᵀZa_k),  D = diag(λ/u)
//! [ −gᵀ      τ    0  ] [Δt] = [r2]      g_k  = a_kᵀ S⁻¹ Z a_k,         τ = tr(S⁻¹Z)
//! [ −B       0    0  ] [Δν]   [r3]
//! ```
//! With `M0 = (XᵀS⁻¹X) ⊙ (XᵀZX)` (d×d), `M = M0` or `M = [[M0,M0],[M0,M0]]`.
//!
//! Signed case: the change of variables `Δw = Δp+Δq`, `Δβ = Δp−Δq` gives
//! `[[M0+Ds, Dd, −g, 0], [Dd, Ds, 0, −Xᵀ], [−gᵀ, 0, τ, 0], [0, −X, 0, 0]]` with
//! `Ds = (Dp+Dq)/4`, `Dd = (Dp−Dq)/4`; eliminating the diagonal `Δβ` block leaves
//! `W = M0 + DpDq/(Dp+Dq)`, coupling `E0 = diag(Dd/Ds) Xᵀ` and `N = X Ds⁻¹ Xᵀ`.
//! Nonnegative case: `W = M0 + D`, `E0 = −Xᵀ`, `N = 0`. In both cases
//! ```text
//! [ K   E ] [z ]   [rz]     K = [[W, −g], [−gᵀ, τ]] ≻ 0  (Cholesky K = L Lᵀ)
//! [ Eᵀ −N ] [Δν] = [rν],    E = [E0; 0],   Σ = N + (L⁻¹E)ᵀ(L⁻¹E) ≻ 0 (Cholesky)
//! ```
//! `Δν = Σ⁻¹(EᵀK⁻¹rz − rν)`, `z = K⁻¹(rz − EΔν)`, followed by iterative refinement
//! against the unreduced system.

use super::psd::{chol_reg, lsolve, ltsolve, mm, x_diag_xt};
use faer::{Mat, MatRef};

pub struct Kkt<'a> {
    x: MatRef<'a, f64>,
    signed: bool,
    m0: Mat<f64>,
    g: Vec<f64>,
    tau: f64,
    /// `λ/u`, length m.
    dk: Vec<f64>,
    /// Cholesky factor of K, (d+1)×(d+1).
    l: Mat<f64>,
    /// `L⁻¹E`, (d+1)×n.
    v: Mat<f64>,
    /// Cholesky factor of Σ, n×n.
    ls: Mat<f64>,
    /// Row scaling of `E0 = diag(f) Xᵀ`.
    f: Vec<f64>,
    /// Signed case only: `Ds`, `Dd`.
    ds: Vec<f64>,
    dd: Vec<f64>,
}

fn col(v: &[f64]) -> Mat<f64> {
    Mat::<f64>::from_fn(v.len(), 1, |i, _| v[i])
}

impl<'a> Kkt<'a> {
    /// Factor the system for the given `M0`, `g`, `τ` and `D = λ/u` (length m).
    pub fn factor(x: MatRef<'a, f64>, signed: bool, m0: Mat<f64>, g: Vec<f64>, tau: f64, dk: Vec<f64>) -> Result<Self, String> {
        let (n, d) = (x.nrows(), x.ncols());
        let (wd, f, ds, dd) = if signed {
            let (dp, dq) = dk.split_at(d);
            let ds: Vec<f64> = (0..d).map(|j| 0.25 * (dp[j] + dq[j])).collect();
            let dd: Vec<f64> = (0..d).map(|j| 0.25 * (dp[j] - dq[j])).collect();
            let wd: Vec<f64> = (0..d).map(|j| dp[j] * dq[j] / (dp[j] + dq[j])).collect();
            let f: Vec<f64> = (0..d).map(|j| dd[j] / ds[j]).collect();
            (wd, f, ds, dd)
        } else {
            (dk.clone(), vec![-1.0; d], Vec::new(), Vec::new())
        };
        let mut k = Mat::<f64>::zeros(d + 1, d + 1);
        for j in 0..d {
            for i in j..d {
                k[(i, j)] = m0[(i, j)];
            }
            k[(j, j)] += wd[j];
            k[(d, j)] = -g[j];
        }
        k[(d, d)] = tau;
        let (l, _) = chol_reg(k.as_ref()).ok_or("KKT block K is not positive definite")?;
        let mut v = Mat::<f64>::from_fn(d + 1, n, |j, i| if j < d { f[j] * x[(i, j)] } else { 0.0 });
        lsolve(l.as_ref(), &mut v);
        let mut sig = mm(v.transpose(), v.as_ref());
        if signed {
            let inv: Vec<f64> = ds.iter().map(|s| 1.0 / s).collect();
            let nmat = x_diag_xt(x, &inv);
            for j in 0..n {
                for i in 0..n {
                    sig[(i, j)] += nmat[(i, j)];
                }
            }
        }
        let (ls, _) = chol_reg(sig.as_ref()).ok_or("KKT Schur complement is not positive definite")?;
        Ok(Kkt { x, signed, m0, g, tau, dk, l, v, ls, f, ds, dd })
    }

    /// Solve the reduced system for `(z, Δν)`.
    fn solve_reduced(&self, rz: &[f64], rnu: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut a = col(rz);
        lsolve(self.l.as_ref(), &mut a); // L⁻¹ rz
        let vta = mm(self.v.transpose(), a.as_ref());
        let mut dnu = Mat::<f64>::from_fn(rnu.len(), 1, |i, _| vta[(i, 0)] - rnu[i]);
        lsolve(self.ls.as_ref(), &mut dnu);
        ltsolve(self.ls.as_ref(), &mut dnu);
        let vdnu = mm(self.v.as_ref(), dnu.as_ref());
        let mut z = Mat::<f64>::from_fn(rz.len(), 1, |i, _| a[(i, 0)] - vdnu[(i, 0)]);
        ltsolve(self.l.as_ref(), &mut z);
        ((0..rz.len()).map(|i| z[(i, 0)]).collect(), (0..rnu.len()).map(|i| dnu[(i, 0)]).collect())
    }

    /// One block solve of the full system (no refinement).
    fn solve_once(&self, r1: &[f64], r2: f64, r3: &[f64]) -> (Vec<f64>, f64, Vec<f64>) {
        let (n, d) = (self.x.nrows(), self.x.ncols());
        let x = self.x;
        if !self.signed {
            let mut rz = r1.to_vec();
            rz.push(r2);
            let (z, dnu) = self.solve_reduced(&rz, r3);
            return (z[..d].to_vec(), z[d], dnu);
        }
        let rw: Vec<f64> = (0..d).map(|j| 0.5 * (r1[j] + r1[d + j])).collect();
        let rb: Vec<f64> = (0..d).map(|j| 0.5 * (r1[j] - r1[d + j])).collect();
        let mut rz: Vec<f64> = (0..d).map(|j| rw[j] - self.f[j] * rb[j]).collect();
        rz.push(r2);
        let xr = mm(x, Mat::<f64>::from_fn(d, 1, |j, _| rb[j] / self.ds[j]).as_ref());
        let rnu: Vec<f64> = (0..n).map(|i| r3[i] + xr[(i, 0)]).collect();
        let (z, dnu) = self.solve_reduced(&rz, &rnu);
        let xtnu = mm(x.transpose(), col(&dnu).as_ref());
        let mut du = vec![0.0; 2 * d];
        for j in 0..d {
            let db = (rb[j] - self.dd[j] * z[j] + xtnu[(j, 0)]) / self.ds[j];
            du[j] = 0.5 * (z[j] + db);
            du[d + j] = 0.5 * (z[j] - db);
        }
        (du, z[d], dnu)
    }

    /// Residual `r − A·(Δu, Δt, Δν)` of the unreduced system.
    fn residual(&self, r1: &[f64], r2: f64, r3: &[f64], du: &[f64], dt: f64, dnu: &[f64]) -> (Vec<f64>, f64, Vec<f64>) {
        let (n, d) = (self.x.nrows(), self.x.ncols());
        let x = self.x;
        let m = du.len();
        let w: Vec<f64> = if self.signed { (0..d).map(|j| du[j] + du[d + j]).collect() } else { du.to_vec() };
        let beta: Vec<f64> = if self.signed { (0..d).map(|j| du[j] - du[d + j]).collect() } else { du.to_vec() };
        let mw = mm(self.m0.as_ref(), col(&w).as_ref());
        let xtnu = mm(x.transpose(), col(dnu).as_ref());
        let xb = mm(x, col(&beta).as_ref());
        let mut o1 = vec![0.0; m];
        for k in 0..m {
            let j = k % d;
            let sgn = if k < d { 1.0 } else { -1.0 };
            let a = mw[(j, 0)] + self.dk[k] * du[k] - self.g[j] * dt - sgn * xtnu[(j, 0)];
            o1[k] = r1[k] - a;
        }
        let gw: f64 = (0..d).map(|j| self.g[j] * w[j]).sum();
        let o2 = r2 - (-gw + self.tau * dt);
        let o3: Vec<f64> = (0..n).map(|i| r3[i] + xb[(i, 0)]).collect();
        (o1, o2, o3)
    }

    /// Solve the full system, then refine iteratively against the unreduced system (up to 8
    /// steps, while the residual exceeds `1e-14·‖rhs‖∞` and at least halves each step).
    pub fn solve(&self, r1: &[f64], r2: f64, r3: &[f64]) -> (Vec<f64>, f64, Vec<f64>) {
        let (mut du, mut dt, mut dnu) = self.solve_once(r1, r2, r3);
        let norm = |a: &[f64], b: f64, c: &[f64]| a.iter().chain(c.iter()).fold(b.abs(), |s, v| s.max(v.abs()));
        let (mut e1, mut e2, mut e3) = self.residual(r1, r2, r3, &du, dt, &dnu);
        let mut err = norm(&e1, e2, &e3);
        for _ in 0..8 {
            if !(err > 1e-14 * norm(r1, r2, r3)) {
                break;
            }
            let (c1, c2, c3) = self.solve_once(&e1, e2, &e3);
            let nu_: Vec<f64> = du.iter().zip(&c1).map(|(a, b)| a + b).collect();
            let nt = dt + c2;
            let nn: Vec<f64> = dnu.iter().zip(&c3).map(|(a, b)| a + b).collect();
            let (f1, f2, f3) = self.residual(r1, r2, r3, &nu_, nt, &nn);
            let ferr = norm(&f1, f2, &f3);
            if !(ferr < 0.5 * err) {
                if ferr < err {
                    (du, dt, dnu) = (nu_, nt, nn);
                }
                break;
            }
            (du, dt, dnu, e1, e2, e3, err) = (nu_, nt, nn, f1, f2, f3, ferr);
        }
        (du, dt, dnu)
    }
}
