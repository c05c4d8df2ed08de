//! The tail t ≥ T of s_GF by the flow's Lyapunov function (proofs/T6-eta-c.md, "The tail by Φ").
//!
//! With β(ν) = α²e^{Xᵀν} and Φ(ν) = α²Σ_i e^{(Xᵀν)_i} − yᵀν, the flow ν′ = −∇Φ decreases Φ, and
//! since Xβ* = y, Φ(ν) − Φ(ν*) = Σ_i β*_i·h(β_i/β*_i) with h(u) = u − 1 − ln u ≥ 0. So for
//! t ≥ T every coordinate obeys β*_i·h(β_i(t)/β*_i) ≤ ΔΦ_T := sup_{ball at T} Φ − Φ(ν*):
//! β_i(t) ∈ β*_i·[u₋, u₊] with h(u±) ≥ ΔΦ_T/β*_i, whatever the speed of the slow modes.
//! Also ‖r‖ = ‖Xβ − y‖ is non-increasing (r′ = −X diag(β)Xᵀr), so ‖r(t)‖ ≤ ‖r_T‖ bounds
//! g = Xᵀr/n. One interval Hessian on these enclosures bounds ‖∇²L‖_op on the whole tail.

use super::eig;
use super::taylor::Field;
use crate::numeric::interval::{sum, Interval};
use rug::float::Round;
use rug::Float;

/// What the Φ-tail needs from the limit: β* = β(V) and a lower bound of Φ(ν*).
pub(super) struct PhiTail<'a> {
    f: &'a Field,
    beta_star: Vec<Interval>,
    phi_star_lo: Float,
    /// ‖X_{:,i}‖₂, rounded up.
    col: Vec<Float>,
}

/// h(u) = u − 1 − ln u at a point u > 0, enclosed.
fn h_at(u: &Float, p: u32) -> Option<Interval> {
    let ui = Interval::point(u);
    Some(ui.sub(&Interval::from_i64(1, p)).sub(&ui.ln()?))
}

/// [u₋, u₊] ⊇ {u > 0 : h(u) ≤ a} for a ≥ 0. Closed forms: x − ln(1 + x) ≥ x²/(2(1 + x)) for
/// x ≥ 0 (its derivative minus the bound's is x²/(2(1+x)²) ≥ 0), so u₊ = 1 + a + √(a² + 2a)
/// has h(u₊) ≥ a; −x − ln(1 − x) ≥ x²/2 on [0, 1) and h(e^{−1−a}) = a + e^{−1−a} ≥ a give u₋.
/// Newton steps towards the roots of h = a are kept only when h ≥ a is verified on them
/// (h increases on u > 1 and decreases on u < 1, so h(u±) ≥ a bounds the set).
fn level_set(a: &Float, p: u32) -> (Float, Float) {
    let one = Float::with_val(p, 1);
    if *a <= 0 {
        return (one.clone(), one);
    }
    let (ai, onei) = (Interval::point(a), Interval::from_i64(1, p));
    let disc = ai.sqr().add(&ai.mul_i64(2));
    let mut hi = match disc.sqrt() {
        Some(r) => r.add(&ai).add(&onei).hi().clone(),
        None => return (Float::new(p), Float::with_val(p, f64::MAX)),
    };
    let e = ai.add(&onei).neg().exp().lo().clone();
    let s = ai.mul_i64(2).sqrt().map_or_else(|| Float::with_val(p, 2), |v| v.hi().clone());
    let mut lo = if s < 1 { onei.sub(&Interval::point(&s)).lo().clone().max(&e) } else { e };
    let ok = |u: &Float| h_at(u, p).is_some_and(|v| v.lo() >= a);
    // Newton on h(u) − a from the closed forms (both converge monotonically: h is convex).
    for _ in 0..40 {
        let step = |u: &Float| -> Float {
            let hu = Float::with_val(p, u - 1u32) - Float::with_val(p, u.ln_ref()) - a;
            let slope = Float::with_val(p, 1u32) - Float::with_val(p, u.recip_ref());
            Float::with_val(p, u - hu / slope)
        };
        let (nh, nl) = (step(&hi), step(&lo));
        let (mut moved, tiny) = (false, Float::with_val(p, Float::u_exp(1, 8 - p as i32)));
        // Keep a margin of 2^(8−p) relative so that the verification survives rounding.
        let nh = Float::with_val(p, &nh * (Float::with_val(p, 1u32) + &tiny));
        if nh < hi && nh > 1 && ok(&nh) {
            moved = Float::with_val(p, &hi - &nh) > Float::with_val(p, &hi * &tiny);
            hi = nh;
        }
        let nl = Float::with_val(p, &nl * (Float::with_val(p, 1u32) - &tiny));
        if nl > lo && nl < 1 && ok(&nl) {
            moved |= Float::with_val(p, &nl - &lo) > Float::with_val(p, &lo * &tiny);
            lo = nl;
        }
        if !moved {
            break;
        }
    }
    (lo, hi)
}

impl<'a> PhiTail<'a> {
    /// From the Krawczyk box V ∋ ν*: Φ(ν*) ≥ Φ(m) + Σ_k r_k(V)·(V_k − m_k) (mean value form
    /// around m = mid V; r = ∇Φ).
    pub fn new(f: &'a Field, v: &[Interval]) -> Self {
        let p = f.prec;
        let m: Vec<Interval> = v.iter().map(|e| Interval::point(&e.mid())).collect();
        let beta_star = f.beta_at(v);
        let rv = f.residual(&beta_star);
        let lin = sum(&rv.iter().zip(v.iter().zip(&m)).map(|(r, (a, b))| r.mul(&a.sub(b))).collect::<Vec<_>>(), p);
        let phi_star_lo = f.phi(&m).add(&lin).lo().clone();
        PhiTail { f, beta_star, phi_star_lo, col: f.column_norms_upper() }
    }

    /// (ΔΦ_T, ‖r_T‖) upper bounds from the ball (c, ρ) ∋ ν(T): Φ ≤ Φ(c) + sup_B‖∇Φ‖·ρ on it
    /// (mean value theorem, B = c ± ρ ⊇ the ball).
    pub fn gap(&self, c: &[Float], rho: &Float) -> (Float, Float) {
        let p = self.f.prec;
        let b: Vec<Interval> = c.iter().map(|v| Interval::point(v).inflate(rho)).collect();
        let r = self.f.residual(&self.f.beta_at(&b));
        let rn2 = sum(&r.iter().map(Interval::sqr).collect::<Vec<_>>(), p);
        let rn = Float::with_val_round(p, rn2.hi().sqrt_ref(), Round::Up).0;
        let pc = self.f.phi(&c.iter().map(Interval::point).collect::<Vec<_>>());
        let top = Interval::point(&rn).mul(&Interval::point(rho)).add(&pc);
        let gap = Interval::point(top.hi()).sub(&Interval::point(&self.phi_star_lo)).hi().clone();
        (gap.max(&Float::new(p)), rn)
    }

    /// An upper bound of ‖∇²L‖_op over every point with β*_i h(β_i/β*_i) ≤ `gap` for all i,
    /// ‖Xβ − y‖ ≤ `rn` and β ∈ `also` (another enclosure of the same tail, e.g. β of the
    /// contraction ball; the intersection of two enclosures is one), or `None`.
    pub fn bound(&self, gap: &Float, rn: &Float, also: &[Interval]) -> Option<Float> {
        let (p, f) = (self.f.prec, self.f);
        let beta: Vec<Interval> = self
            .beta_star
            .iter()
            .map(|bs| {
                let a = Interval::point(gap).div(bs)?.hi().clone();
                let (ul, uh) = level_set(&a, p);
                Some(bs.mul(&Interval::new(ul, uh)?))
            })
            .zip(also)
            .map(|(b, a)| b?.intersect(a))
            .collect::<Option<_>>()?;
        let w: Vec<Interval> = beta.iter().map(Interval::sqrt).collect::<Option<_>>()?;
        let rbox = Interval::new(Float::with_val(p, -rn), rn.clone())?;
        let r: Vec<Interval> = f.residual(&beta).iter().map(|v| v.intersect(&rbox)).collect::<Option<_>>()?;
        let ni = Interval::from_i64(f.n as i64, p);
        let g: Vec<Interval> = f
            .grad_coeffs(&r)
            .iter()
            .zip(&self.col)
            .map(|(gi, ci)| {
                let m = Interval::point(ci).mul(&Interval::point(rn)).div(&ni)?.hi().clone();
                gi.intersect(&Interval::new(Float::with_val(p, -&m), m)?)
            })
            .collect::<Option<_>>()?;
        eig::op_norm_upper(&f.hessian_from(&w, &g), f.d)
    }
}
