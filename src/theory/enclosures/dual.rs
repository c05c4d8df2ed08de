//! Gradient-flow limits for n samples (THEORY.md T3 for SW, §4 W for PM), enclosed by the
//! Krawczyk operator on the dual system F(ν) = X·β(Xᵀν) − y = 0 with the link
//! β_i(z) = p_i e^{z} − m_i e^{−z} (p, m ≥ 0 exact; SW: p = α², m = 0; Woodworth's PM limit
//! 2α²·sinh z: p = m = α²; UV from (u₀, v₀): p = (u₀ + v₀)²/4, m = (u₀ − v₀)²/4). Its
//! Jacobian J(ν) = X diag(p e^{z} + m e^{−z}) Xᵀ is symmetric positive definite when rank X = n:
//!
//! K(V) = m − R·F(m) + (I − R·J(V))·(V − m),
//!
//! with m ∈ V and any matrix R (here an f64 inverse of J(m)). If K(V) ⊂ int V then F has a
//! unique zero in V (Krawczyk 1969; Moore 1977), and the limit β = β(Xᵀν) is enclosed by
//! evaluating it on V. V is narrowed by V ← K(V) ∩ V, which keeps the zero.

use super::MIN_PRECISION;
use crate::error::{Error, Result};
use crate::numeric::interval::{sum, Interval};
use crate::numeric::linalg::solve_spd;
use crate::problem::task::Task;
use crate::theory::dual_newton::dual_newton;
use crate::theory::potentials::Hyperbolic;
use crate::theory::predictions::beta_gf;
use rug::{Float, Rational};

struct Dual {
    n: usize,
    d: usize,
    x: Vec<Interval>,
    y: Vec<Interval>,
    /// p_i and m_i of the link (zero intervals where a coefficient is 0).
    plus: Vec<Interval>,
    minus: Vec<Interval>,
}

impl Dual {
    fn z(&self, v: &[Interval], i: usize) -> Interval {
        let p = v[0].prec();
        sum(&(0..self.n).map(|k| self.x[k * self.d + i].mul(&v[k])).collect::<Vec<_>>(), p)
    }
    /// (β(XᵀV), β′(XᵀV)) coordinatewise: p e^{z} ∓ m e^{−z}.
    fn beta_and_slope(&self, v: &[Interval]) -> (Vec<Interval>, Vec<Interval>) {
        (0..self.d)
            .map(|i| {
                let z = self.z(v, i);
                let ep = self.plus[i].mul(&z.exp());
                if self.minus[i].mag() == 0 {
                    return (ep.clone(), ep);
                }
                let em = self.minus[i].mul(&z.neg().exp());
                (ep.sub(&em), ep.add(&em))
            })
            .unzip()
    }
    fn beta(&self, v: &[Interval]) -> Vec<Interval> {
        self.beta_and_slope(v).0
    }
    fn residual(&self, beta: &[Interval]) -> Vec<Interval> {
        let p = beta[0].prec();
        (0..self.n)
            .map(|k| sum(&(0..self.d).map(|i| self.x[k * self.d + i].mul(&beta[i])).collect::<Vec<_>>(), p).sub(&self.y[k]))
            .collect()
    }
    /// X diag(w) Xᵀ.
    fn jacobian(&self, w: &[Interval]) -> Vec<Interval> {
        let (n, d, p) = (self.n, self.d, w[0].prec());
        let mut j = Vec::with_capacity(n * n);
        for a in 0..n {
            for b in 0..n {
                j.push(sum(&(0..d).map(|i| self.x[a * d + i].mul(&w[i]).mul(&self.x[b * d + i])).collect::<Vec<_>>(), p));
            }
        }
        j
    }
}

fn matvec(n: usize, m: &[Interval], v: &[Interval]) -> Vec<Interval> {
    let p = v[0].prec();
    (0..n).map(|i| sum(&(0..n).map(|k| m[i * n + k].mul(&v[k])).collect::<Vec<_>>(), p)).collect()
}

/// The largest n²·d for which the MPFR Krawczyk enclosure is attempted: its cost is ~n²d
/// interval products for J(V) plus ~n³ for R·J (measured: ~3 min at n = 200, d = 400, i.e.
/// n²d = 1.6e7, on one core), so `predict` stays within seconds; larger tasks report the
/// enclosure as not proved, with this reason, instead of running for minutes.
pub const KRAWCZYK_MAX_WORK: f64 = 2e6;

fn check_precision(prec: u32) -> Result<()> {
    if prec < MIN_PRECISION {
        return Err(Error::arg("--precision", format!("is {prec} bits"), format!("at least {MIN_PRECISION} bits for a proved enclosure")));
    }
    Ok(())
}

fn check_size(task: &Task) -> Result<()> {
    let work = (task.n() as f64).powi(2) * task.d() as f64;
    if work > KRAWCZYK_MAX_WORK {
        return Err(not_proved(&format!(
            "not attempted: n²d = {work:.2e} exceeds {KRAWCZYK_MAX_WORK:.0e} (the MPFR Krawczyk enclosure costs ~n²d interval products; ~3 min at n = 200, d = 400)"
        )));
    }
    Ok(())
}

/// A proved enclosure of β_GF for n ≥ 1 samples (X > 0 entrywise not required; rank X = n
/// and a positive interpolator are, for the dual zero to exist), at `prec` bits.
pub fn enclose_beta_gf_dual(task: &Task, alpha: &Rational, prec: u32) -> Result<Vec<Interval>> {
    enclose_sw_dual(task, alpha, prec).map(|(_, b)| b)
}

/// The SW dual limit ν* (with XXᵀν* = X ln(β_GF/α²), unique when rank X = n) and β_GF, both
/// proved by Krawczyk at `prec` bits: (V ∋ ν*, β(V)).
pub fn enclose_sw_dual(task: &Task, alpha: &Rational, prec: u32) -> Result<(Vec<Interval>, Vec<Interval>)> {
    check_precision(prec)?;
    check_size(task)?;
    let (n, d) = (task.n(), task.d());
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
    let nu = solve_spd(n, &gram, &rhs).ok_or_else(|| not_proved("X Xᵀ is singular"))?;
    let a2 = Rational::from(alpha * alpha);
    enclose_link_limit(task, &vec![a2; d], &vec![Rational::new(); d], &nu, prec)
}

/// Woodworth et al.'s limit for PM from a = b = α (THEORY.md §4 W): argmin_{Xβ=y} Q_α(β) =
/// 2α²·sinh(Xᵀν), proved by Krawczyk at `prec` bits (rank X = n).
pub fn enclose_woodworth_limit(task: &Task, alpha: &Rational, prec: u32) -> Result<Vec<Interval>> {
    let a2 = Rational::from(alpha * alpha);
    let d = task.d();
    enclose_hyperbolic_limit(task, &vec![a2.clone(); d], &vec![a2; d], prec)
}

/// The limit β_i = p_i e^{z_i} − m_i e^{−z_i}, z = Xᵀν, Xβ = y, for exact p, m ≥ 0 with
/// p_i + m_i > 0 (Woodworth, UV from (u₀, v₀), Even et al. at an exact effective scale),
/// proved by Krawczyk at `prec` bits; the point ν comes from the MPFR dual Newton.
pub fn enclose_hyperbolic_limit(task: &Task, plus: &[Rational], minus: &[Rational], prec: u32) -> Result<Vec<Interval>> {
    check_precision(prec)?;
    check_size(task)?;
    let wp = prec + 16;
    let two = Rational::from(2);
    let coef = |v: &[Rational]| v.iter().map(|q| Float::with_val(wp, Rational::from(q * &two))).collect::<Vec<_>>();
    let link = Hyperbolic::from_coefficients(&coef(plus), &coef(minus));
    let sol = dual_newton(&task.design::<Float>(wp), &link, "hyperbolic dual Newton")?;
    enclose_link_limit(task, plus, minus, &sol.nu, prec).map(|(_, b)| b)
}

fn not_proved(why: &str) -> Error {
    Error::NoConvergence { what: "Krawczyk enclosure of the dual ν".into(), detail: why.into() }
}

/// Krawczyk with ε-inflation around the point dual `nu`, then narrowing.
fn enclose_link_limit(
    task: &Task,
    plus: &[Rational],
    minus: &[Rational],
    nu: &[Float],
    prec: u32,
) -> Result<(Vec<Interval>, Vec<Interval>)> {
    let (n, d) = (task.n(), task.d());
    if plus.iter().chain(minus).any(|q| *q < 0) || plus.iter().zip(minus).any(|(p, m)| *p == 0 && *m == 0) {
        return Err(Error::invalid("link", "needs p_i, m_i ≥ 0 with p_i + m_i > 0"));
    }
    let iv = |q: &Rational| Interval::from_rational(q, prec);
    let sys = Dual {
        n,
        d,
        x: task.x.iter().flatten().map(iv).collect(),
        y: task.y.iter().map(iv).collect(),
        plus: plus.iter().map(iv).collect(),
        minus: minus.iter().map(iv).collect(),
    };
    let m: Vec<Interval> = nu.iter().map(|v| Interval::point(&Float::with_val(prec, v))).collect();
    // R ≈ J(m)⁻¹ in f64.
    let jm: Vec<f64> = sys.jacobian(&sys.beta_and_slope(&m).1).iter().map(|e| e.mid().to_f64()).collect();
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
        let jv = sys.jacobian(&sys.beta_and_slope(v).1);
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
            let b = sys.beta(&v);
            return Ok((v, b));
        }
        rad *= 16u32;
    }
    Err(not_proved("no interval around the point dual passed the Krawczyk test"))
}
