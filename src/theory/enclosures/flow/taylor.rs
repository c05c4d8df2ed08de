//! Taylor coefficients, in interval arithmetic, of the SW gradient-flow path in dual
//! coordinates (THEORY.md T3/T6): β(ν) = α²·exp(Xᵀν) coordinatewise and
//!
//! ν′ = y − X·β(ν),  ν(0) = 0,
//!
//! the flow μ̇ = −(4/n)(Xβ(μ) − y) with time rescaled by n/4 (the path, a set, is the same).
//! With z = Xᵀν the coefficients follow from the exp recurrence (Moore 1966; Griewank &
//! Walther, *Evaluating Derivatives*, §13.2): for e = exp(z),
//! e_k = (1/k)·Σ_{j=1..k} j·z_j·e_{k−j}, and ν_{k+1} = (δ_{k0}·y − X·α²e_k)/(k + 1).
//! Evaluated on a box N of initial points, the k-th coefficient encloses ν^{(k)}(t)/k! of
//! every solution through a point of N (the system is autonomous), which is what the
//! Lagrange remainder of a Taylor step needs.
//!
//! The parameter Hessian along the path (w = √β, g = Xᵀr/n, r = Xβ − y; model.rs `Sw`):
//! H = (4/n)·diag(w)XᵀX diag(w) + 2·diag(g), whose Taylor coefficients in t are
//! H_k = (4/n)·G_ij·(w_i w_j)_k + 2δ_ij g_{i,k}, with w = α·exp(z/2) from the same recurrence.

use crate::numeric::interval::{dot, sum, Interval};
use crate::problem::task::Task;
use rug::Rational;

/// The vector field's data as intervals.
pub(super) struct Field {
    /// Samples (the dimension of ν).
    pub n: usize,
    /// Features (the dimension of β and w).
    pub d: usize,
    /// X row-major (n×d).
    x: Vec<Interval>,
    y: Vec<Interval>,
    /// α and α².
    alpha: Interval,
    a2: Interval,
    /// (4/n)·XᵀX (d×d).
    gram4: Vec<Interval>,
    /// 1/n.
    inv_n: Interval,
    /// Working precision of the intervals (bits).
    pub prec: u32,
}

/// Coefficients ν_0..ν_K and z_k = Xᵀν_k, β_k = α²e_k for k < K.
pub(super) struct Series {
    /// ν_k, the k-th Taylor coefficient of the dual path (ν_0 = the expansion point).
    pub nu: Vec<Vec<Interval>>,
    /// z_k = Xᵀν_k (linear in ν).
    pub z: Vec<Vec<Interval>>,
    /// β_k = α²·(e^{z})_k, from the exponential's recurrence k·e_k = Σ_{j=1..k} j·z_j·e_{k−j}.
    pub beta: Vec<Vec<Interval>>,
}

impl Field {
    /// The field of an SW task at initialization scale α, at `prec` bits; `k` = 4 is the
    /// Hessian's factor (k/n)·diag(w)XᵀX diag(w) (other values: broken-formula checks).
    pub fn new(task: &Task, alpha: &Rational, prec: u32, k: &Rational) -> Self {
        let (n, d) = (task.n(), task.d());
        let iv = |q: &Rational| Interval::from_rational(q, prec);
        let x: Vec<Interval> = task.x.iter().flatten().map(iv).collect();
        let four_n = Interval::from_rational(k, prec).div(&Interval::from_i64(n as i64, prec)).expect("n ≥ 1");
        let mut gram4 = Vec::with_capacity(d * d);
        for i in 0..d {
            for j in 0..d {
                let g = sum(&(0..n).map(|k| x[k * d + i].mul(&x[k * d + j])).collect::<Vec<_>>(), prec);
                gram4.push(g.mul(&four_n));
            }
        }
        Field {
            n,
            d,
            x,
            y: task.y.iter().map(iv).collect(),
            alpha: iv(alpha),
            a2: iv(&Rational::from(alpha * alpha)),
            gram4,
            inv_n: Interval::from_i64(1, prec).div(&Interval::from_i64(n as i64, prec)).expect("n ≥ 1"),
            prec,
        }
    }

    /// Xᵀv (length d).
    fn xt(&self, v: &[Interval]) -> Vec<Interval> {
        (0..self.d).map(|i| dot((0..self.n).map(|k| (&self.x[k * self.d + i], &v[k])), self.prec)).collect()
    }

    /// X·b (length n).
    fn xv(&self, b: &[Interval]) -> Vec<Interval> {
        (0..self.n).map(|k| dot((0..self.d).map(|i| (&self.x[k * self.d + i], &b[i])), self.prec)).collect()
    }

    /// β(N) = α²·exp(XᵀN) coordinatewise on a box N.
    pub fn beta_at(&self, nu: &[Interval]) -> Vec<Interval> {
        self.xt(nu).iter().map(|z| self.a2.mul(&z.exp())).collect()
    }

    /// The residual r = X·b − y for β-coordinates b (∇Φ in ν).
    pub fn residual(&self, b: &[Interval]) -> Vec<Interval> {
        self.xv(b).iter().zip(&self.y).map(|(a, y)| a.sub(y)).collect()
    }

    /// Φ(N) = α²Σ_i e^{(XᵀN)_i} − yᵀN, the flow's Lyapunov function (ν′ = −∇Φ), on a box N.
    pub fn phi(&self, nu: &[Interval]) -> Interval {
        let p = self.prec;
        let yv = sum(&self.y.iter().zip(nu).map(|(a, b)| a.mul(b)).collect::<Vec<_>>(), p);
        sum(&self.beta_at(nu), p).sub(&yv)
    }

    /// ‖X_{:,i}‖₂ per column, rounded up.
    pub fn column_norms_upper(&self) -> Vec<rug::Float> {
        let p = self.prec;
        (0..self.d)
            .map(|i| {
                let s = sum(&(0..self.n).map(|k| self.x[k * self.d + i].sqr()).collect::<Vec<_>>(), p);
                rug::Float::with_val_round(p, s.hi().sqrt_ref(), rug::float::Round::Up).0
            })
            .collect()
    }

    /// H = (k/n)·diag(w)XᵀX diag(w) + 2·diag(g) from enclosures of w and g (d×d row-major).
    pub fn hessian_from(&self, w: &[Interval], g: &[Interval]) -> Vec<Interval> {
        let d = self.d;
        let mut h = Vec::with_capacity(d * d);
        for i in 0..d {
            for j in 0..d {
                let mut v = self.gram4[i * d + j].mul(&w[i].mul(&w[j]));
                if i == j {
                    v = v.add(&g[i].mul_i64(2));
                }
                h.push(v);
            }
        }
        h
    }

    /// g = Xᵀr/n.
    pub fn grad_coeffs(&self, r: &[Interval]) -> Vec<Interval> {
        self.xt(r).iter().map(|v| v.mul(&self.inv_n)).collect()
    }

    /// ν_0..ν_K at ν_0 = `nu0` (a point or a box).
    pub fn series(&self, nu0: &[Interval], order: usize) -> Series {
        let p = self.prec;
        let mut nu = vec![nu0.to_vec()];
        let mut z: Vec<Vec<Interval>> = Vec::with_capacity(order);
        // j·z_j, reused by every later coefficient.
        let mut jz: Vec<Vec<Interval>> = Vec::with_capacity(order);
        let mut e: Vec<Vec<Interval>> = Vec::with_capacity(order);
        let mut beta = Vec::with_capacity(order);
        for k in 0..order {
            let zk = self.xt(&nu[k]);
            jz.push(zk.iter().map(|v| v.mul_i64(k as i64)).collect());
            z.push(zk);
            let ek: Vec<Interval> = if k == 0 {
                z[0].iter().map(Interval::exp).collect()
            } else {
                let inv_k = Interval::from_i64(1, p).div(&Interval::from_i64(k as i64, p)).expect("k ≥ 1");
                (0..self.d).map(|i| dot((1..=k).map(|j| (&jz[j][i], &e[k - j][i])), p).mul(&inv_k)).collect()
            };
            let bk: Vec<Interval> = ek.iter().map(|v| self.a2.mul(v)).collect();
            let xb = self.xv(&bk);
            let inv_k1 = Interval::from_i64(1, p).div(&Interval::from_i64(k as i64 + 1, p)).expect("k + 1 ≥ 1");
            let next: Vec<Interval> = (0..self.n)
                .map(|j| {
                    let num = if k == 0 { self.y[j].sub(&xb[j]) } else { xb[j].neg() };
                    num.mul(&inv_k1)
                })
                .collect();
            e.push(ek);
            beta.push(bk);
            nu.push(next);
        }
        Series { nu, z, beta }
    }

    /// H_0..H_m (each d×d row-major) from a series computed to order ≥ m + 1.
    pub fn hessian_coeffs(&self, s: &Series, m: usize) -> Vec<Vec<Interval>> {
        let (d, p) = (self.d, self.prec);
        assert!(s.beta.len() > m, "series too short for H_m");
        // u = α·exp(z/2): u_0 = α e^{z_0/2}, u_k = (1/k)Σ j (z_j/2) u_{k−j}.
        let half = Interval::from_rational(&Rational::from((1, 2)), p);
        let mut u: Vec<Vec<Interval>> = Vec::with_capacity(m + 1);
        for k in 0..=m {
            let uk: Vec<Interval> = (0..d)
                .map(|i| {
                    if k == 0 {
                        return self.alpha.mul(&s.z[0][i].mul(&half).exp());
                    }
                    let terms: Vec<Interval> = (1..=k).map(|j| s.z[j][i].mul(&u[k - j][i]).mul_i64(j as i64)).collect();
                    sum(&terms, p).mul(&half).div(&Interval::from_i64(k as i64, p)).expect("k ≥ 1")
                })
                .collect();
            u.push(uk);
        }
        (0..=m)
            .map(|k| {
                let mut r = self.xv(&s.beta[k]);
                if k == 0 {
                    r = r.iter().zip(&self.y).map(|(a, b)| a.sub(b)).collect();
                }
                let g: Vec<Interval> = self.xt(&r).iter().map(|v| v.mul(&self.inv_n)).collect();
                let mut h = Vec::with_capacity(d * d);
                for i in 0..d {
                    for j in 0..d {
                        let ww = dot((0..=k).map(|l| (&u[l][i], &u[k - l][j])), p);
                        let mut v = self.gram4[i * d + j].mul(&ww);
                        if i == j {
                            v = v.add(&g[i].mul_i64(2));
                        }
                        h.push(v);
                    }
                }
                h
            })
            .collect()
    }
}
