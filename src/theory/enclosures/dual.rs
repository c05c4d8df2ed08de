//! The multi-sample gradient-flow limit of SW (THEORY.md T3, n samples), enclosed by the
//! Krawczyk operator on the dual system F(ν) = X·(α²exp(Xᵀν)) − y = 0, whose Jacobian is
//! J(ν) = X diag(α²exp(Xᵀν)) Xᵀ (symmetric positive definite when rank X = n):
//!
//! K(V) = m − R·F(m) + (I − R·J(V))·(V − m),
//!
//! with m ∈ V and any matrix R (here an f64 inverse of J(m)). If K(V) ⊂ int V then F has a
//! unique zero in V (Krawczyk 1969; Moore 1977), and β_GF = α²exp(Xᵀν) is enclosed by
//! evaluating it on V. V is narrowed by V ← K(V) ∩ V, which keeps the zero.

use super::MIN_PRECISION;
use crate::error::{Error, Result};
use crate::numeric::interval::{sum, Interval};
use crate::numeric::linalg::solve_spd;
use crate::problem::task::Task;
use crate::theory::predictions::beta_gf;
use rug::{Float, Rational};

struct Dual {
    n: usize,
    d: usize,
    x: Vec<Interval>,
    y: Vec<Interval>,
    a2: Interval,
}

impl Dual {
    /// β(V) = α²exp(XᵀV).
    fn beta(&self, v: &[Interval]) -> Vec<Interval> {
        let p = self.a2.prec();
        (0..self.d)
            .map(|i| {
                let z: Vec<Interval> = (0..self.n).map(|k| self.x[k * self.d + i].mul(&v[k])).collect();
                self.a2.mul(&sum(&z, p).exp())
            })
            .collect()
    }
    fn residual(&self, beta: &[Interval]) -> Vec<Interval> {
        let p = self.a2.prec();
        (0..self.n).map(|k| sum(&(0..self.d).map(|i| self.x[k * self.d + i].mul(&beta[i])).collect::<Vec<_>>(), p).sub(&self.y[k])).collect()
    }
    fn jacobian(&self, beta: &[Interval]) -> Vec<Interval> {
        let (n, d, p) = (self.n, self.d, self.a2.prec());
        let mut j = Vec::with_capacity(n * n);
        for a in 0..n {
            for b in 0..n {
                j.push(sum(&(0..d).map(|i| self.x[a * d + i].mul(&beta[i]).mul(&self.x[b * d + i])).collect::<Vec<_>>(), p));
            }
        }
        j
    }
}

fn matvec(n: usize, m: &[Interval], v: &[Interval]) -> Vec<Interval> {
    let p = v[0].prec();
    (0..n).map(|i| sum(&(0..n).map(|k| m[i * n + k].mul(&v[k])).collect::<Vec<_>>(), p)).collect()
}

/// A proved enclosure of β_GF for n ≥ 1 samples (X > 0 entrywise not required; rank X = n
/// and a positive interpolator are, for the dual zero to exist), at `prec` bits.
pub fn enclose_beta_gf_dual(task: &Task, alpha: &Rational, prec: u32) -> Result<Vec<Interval>> {
    if prec < MIN_PRECISION {
        return Err(Error::arg("--precision", format!("is {prec} bits"), format!("at least {MIN_PRECISION} bits for a proved enclosure")));
    }
    let (n, d) = (task.n(), task.d());
    let iv = |q: &Rational| Interval::from_rational(q, prec);
    let sys = Dual {
        n,
        d,
        x: task.x.iter().flatten().map(iv).collect(),
        y: task.y.iter().map(iv).collect(),
        a2: iv(&Rational::from(alpha * alpha)),
    };
    // Point dual ν from the MPFR limit: XXᵀν = X ln(β/α²).
    // (The damped dual Newton's stopping test can stall at some precisions: try a few.)
    let solve = |wp: u32| beta_gf(&task.design::<Float>(wp), &Float::with_val(wp, alpha)).map(|b| (wp, b));
    let (wp, b) = solve(prec + 16).or_else(|_| solve(prec)).or_else(|_| solve(2 * prec))?;
    let design = task.design::<Float>(wp);
    let a2 = Float::with_val(wp, alpha) * Float::with_val(wp, alpha);
    let lz: Vec<Float> = b.iter().map(|bi| Float::with_val(wp, bi / &a2).ln()).collect();
    let mut gram = vec![Float::new(wp); n * n];
    let mut rhs = vec![Float::new(wp); n];
    for a in 0..n {
        for c in 0..n {
            gram[a * n + c] = (0..d).fold(Float::new(wp), |s, i| s + Float::with_val(wp, &design.x[a * d + i] * &design.x[c * d + i]));
        }
        rhs[a] = (0..d).fold(Float::new(wp), |s, i| s + Float::with_val(wp, &design.x[a * d + i] * &lz[i]));
    }
    let not_proved = |why: &str| Error::NoConvergence { what: "Krawczyk enclosure of the dual ν".into(), detail: why.into() };
    let nu = solve_spd(n, &gram, &rhs).ok_or_else(|| not_proved("X Xᵀ is singular"))?;
    let m: Vec<Interval> = nu.iter().map(|v| Interval::point(&Float::with_val(prec, v))).collect();
    // R ≈ J(m)⁻¹ in f64.
    let jm: Vec<f64> = sys.jacobian(&sys.beta(&m)).iter().map(|e| e.mid().to_f64()).collect();
    let mut r = vec![0.0; n * n];
    for c in 0..n {
        let e: Vec<f64> = (0..n).map(|k| if k == c { 1.0 } else { 0.0 }).collect();
        let col = solve_spd(n, &jm, &e).ok_or_else(|| not_proved("J(m) is not positive definite in f64"))?;
        for k in 0..n {
            r[k * n + c] = col[k];
        }
    }
    let r: Vec<Interval> = r.iter().map(|v| Interval::point(&Float::with_val(prec, *v))).collect();
    let fm = sys.residual(&sys.beta(&m));
    let rf = matvec(n, &r, &fm);
    let scale = m.iter().map(|v| v.mag().to_f64()).fold(1.0, f64::max);
    let mut rad = Float::with_val(prec, Float::u_exp(1, 12 - prec as i32)) * scale;
    let krawczyk = |v: &[Interval]| -> Vec<Interval> {
        let jv = sys.jacobian(&sys.beta(v));
        let rj = (0..n * n)
            .map(|idx| {
                let (i, k) = (idx / n, idx % n);
                let rjik = sum(&(0..n).map(|l| r[i * n + l].mul(&jv[l * n + k])).collect::<Vec<_>>(), prec);
                Interval::from_i64(i64::from(i == k), prec).sub(&rjik)
            })
            .collect::<Vec<_>>();
        let dv: Vec<Interval> = v.iter().zip(&m).map(|(a, b)| a.sub(b)).collect();
        let t = matvec(n, &rj, &dv);
        (0..n).map(|i| m[i].sub(&rf[i]).add(&t[i])).collect()
    };
    for _ in 0..30 {
        let v: Vec<Interval> = m.iter().map(|c| c.inflate(&rad)).collect();
        let k = krawczyk(&v);
        if v.iter().zip(&k).all(|(a, b)| a.interior_contains(b)) {
            let mut v = k;
            for _ in 0..6 {
                // The operator needs m ∈ V (the mean value segment from m stays in V).
                if !v.iter().zip(&m).all(|(a, c)| a.contains(c.lo())) {
                    break;
                }
                let k = krawczyk(&v);
                match v.iter().zip(&k).map(|(a, b)| a.intersect(b)).collect::<Option<Vec<_>>>() {
                    Some(nv) => v = nv,
                    None => break,
                }
            }
            return Ok(sys.beta(&v));
        }
        rad *= 16u32;
    }
    Err(not_proved("no interval around the point dual passed the Krawczyk test"))
}
