//! s_GF = max_{c between 0 and c*} ‖∇²L(w(c))‖_op on the single-sample gradient-flow path
//! w(c)² = β(c) = α²e^{c x} (THEORY.md T3/T6), enclosed by branch and bound over c.
//!
//! With v = x⊙w, r = ⟨x, β⟩ − y and D = 2r·diag(x), ∇²L = 4vvᵀ + D. Its eigenvalues obey
//! (rank-one update of a diagonal, Golub 1973):
//! - λ_max is the root above max_i D_i of the secular function
//!   F(λ) = 1 + 4Σ_i v_i²/(D_i − λ) (increasing there), and
//!   max_i D_i ≤ λ_max ≤ max_i D_i + 4‖v‖² (Weyl), λ_max ≥ 4‖v‖² + Σ D_i v_i²/‖v‖²
//!   (Rayleigh quotient at v);
//! - D_min ≤ λ_min ≤ D_i + 4v_i² for every i (Weyl; Rayleigh quotient at e_i).
//!
//! ‖∇²L‖_op = max(λ_max, −λ_min). On a box of c the upper bound is the mean-value form
//! λ_max(m) + λ'(box)·(box − m), λ' = −F_c/F_λ (implicit function theorem; F_λ > 0),
//! evaluated in interval arithmetic, capped by the Weyl bound; the lower bound at a point
//! m on the path is the bisection enclosure of λ_max(m) and the Rayleigh bound on −λ_min.
//! Boxes whose upper bound is below the best lower bound are discarded.

use crate::numeric::interval::{sum, Interval};
use rug::{Float, Rational};

/// The path quantities at an interval of c.
struct State {
    /// x_i² α² e^{c x_i} = v_i².
    v2: Vec<Interval>,
    /// D_i = 2 r x_i.
    d: Vec<Interval>,
    /// Σ v_i² (= r'(c)).
    v2_sum: Interval,
}

struct PathFn {
    x: Vec<Interval>,
    la2: Interval,
    y: Interval,
    p: u32,
}

impl PathFn {
    fn state(&self, c: &Interval) -> State {
        let e: Vec<Interval> = self.x.iter().map(|xi| self.la2.add(&c.mul(xi)).exp()).collect();
        let xe: Vec<Interval> = e.iter().zip(&self.x).map(|(ei, xi)| ei.mul(xi)).collect();
        let r = sum(&xe, self.p).sub(&self.y);
        let v2: Vec<Interval> = xe.iter().zip(&self.x).map(|(v, xi)| v.mul(xi)).collect();
        let d = self.x.iter().map(|xi| r.mul(xi).mul_i64(2)).collect();
        let v2_sum = sum(&v2, self.p);
        State { v2, d, v2_sum }
    }
}

fn max_all(v: &[Interval]) -> Interval {
    v.iter().skip(1).fold(v[0].clone(), |m, x| m.max(x))
}

impl State {
    /// Weyl: λ_max ≤ max D + 4‖v‖² (as an interval whose hi bounds λ_max over the box).
    fn weyl_upper(&self) -> Float {
        max_all(&self.d).add(&self.v2_sum.mul_i64(4)).hi().clone()
    }
    /// A lower bound on λ_max: max(max_i D_i, Rayleigh quotient at v).
    fn lambda_lower(&self) -> Option<Float> {
        let dv: Vec<Interval> = self.d.iter().zip(&self.v2).map(|(d, v)| d.mul(v)).collect();
        let p = self.v2_sum.prec();
        let rq = self.v2_sum.mul_i64(4).add(&sum(&dv, p).div(&self.v2_sum)?);
        let md = max_all(&self.d);
        Some(if rq.lo() > md.lo() { rq.lo().clone() } else { md.lo().clone() })
    }
    /// −λ_min ≤ max_i(−D_i).
    fn neg_min_upper(&self) -> Float {
        max_all(&self.d.iter().map(Interval::neg).collect::<Vec<_>>()).hi().clone()
    }
    /// −λ_min ≥ max_i(−D_i − 4v_i²).
    fn neg_min_lower(&self) -> Float {
        let t: Vec<Interval> = self.d.iter().zip(&self.v2).map(|(d, v)| d.add(&v.mul_i64(4)).neg()).collect();
        max_all(&t).lo().clone()
    }
    /// F(λ) = 1 + 4Σ v_i²/(D_i − λ), `None` if some D_i − λ contains 0.
    fn secular(&self, lam: &Interval) -> Option<Interval> {
        let p = lam.prec();
        let mut terms = Vec::with_capacity(self.d.len());
        for (d, v) in self.d.iter().zip(&self.v2) {
            terms.push(v.div(&d.sub(lam))?);
        }
        Some(Interval::from_i64(1, p).add(&sum(&terms, p).mul_i64(4)))
    }
    /// λ' = −F_c/F_λ over λ ∈ Λ (every D_i − Λ < 0 required).
    fn lambda_derivative(&self, x: &[Interval], lam: &Interval) -> Option<Interval> {
        let p = lam.prec();
        let (mut fc, mut fl) = (Vec::new(), Vec::new());
        for ((d, v), xi) in self.d.iter().zip(&self.v2).zip(x) {
            let gap = d.sub(lam);
            if !gap.is_negative() {
                return None;
            }
            let g2 = gap.sqr();
            fl.push(v.div(&g2)?);
            // d/dc [v²/(D − λ)] at fixed λ: (x v²(D − λ) − v²·2r'x)/(D − λ)², r' = Σv².
            let num = xi.mul(v).mul(&gap).sub(&v.mul(&self.v2_sum).mul(xi).mul_i64(2));
            fc.push(num.div(&g2)?);
        }
        sum(&fc, p).neg().div(&sum(&fl, p))
    }
}

/// λ_max(H(c)) at a thin c: bisection on the secular function from the Weyl/Rayleigh
/// bracket, each step deciding the sign of F on an interval (stops when undecided).
fn lambda_max_point(st: &State, p: u32) -> Option<Interval> {
    let md = max_all(&st.d);
    let mut lo = st.lambda_lower()?;
    let mut hi = st.weyl_upper();
    for _ in 0..(p + 64) {
        let mid = Interval::new(lo.clone(), hi.clone())?.mid();
        if mid <= lo || mid >= hi {
            break;
        }
        if mid <= *md.lo() {
            lo = mid;
            continue;
        }
        if mid <= *md.hi() {
            break;
        }
        let f = st.secular(&Interval::point(&mid))?;
        if f.is_positive() {
            hi = mid;
        } else if f.is_negative() {
            lo = mid;
        } else {
            break;
        }
    }
    Interval::new(lo, hi)
}

/// A box of c with its upper bound on ‖∇²L‖_op.
struct Piece {
    c: Interval,
    upper: Float,
}

/// Upper bound of ‖∇²L‖_op over the box, and (lower bound, midpoint) at its midpoint.
fn bound_box(f: &PathFn, c: &Interval) -> (Float, Option<Float>, Float) {
    let sb = f.state(c);
    let m = c.mid();
    let sm = f.state(&Interval::point(&m));
    let lam_m = lambda_max_point(&sm, f.p);
    let mut up_lam = sb.weyl_upper();
    if let (Some(lm), Some(ll)) = (&lam_m, sb.lambda_lower()) {
        if let Some(lam_box) = Interval::new(ll, sb.weyl_upper()) {
            if let Some(dl) = sb.lambda_derivative(&f.x, &lam_box) {
                let mv = lm.add(&dl.mul(&c.sub(&Interval::point(&m))));
                if *mv.hi() < up_lam {
                    up_lam = mv.hi().clone();
                }
            }
        }
    }
    let upper = if sb.neg_min_upper() > up_lam { sb.neg_min_upper() } else { up_lam };
    let lower = lam_m.map(|l| {
        let a = l.lo().clone();
        let b = sm.neg_min_lower();
        if b > a {
            b
        } else {
            a
        }
    });
    (upper, lower, m)
}

/// Largest number of boxes the branch and bound may split before it reports what it has.
pub const MAX_SPLITS: usize = 6000;

/// s_GF enclosed for one sample: x > 0, y > 0, a = α², `c` the proved enclosure of the
/// path's end c*, `s_end` the enclosure of S(β_GF). Target relative width: 2^−(p−24), at
/// least 1e-15.
pub fn enclose_path_max(x: &[Rational], y: &Rational, a: &Rational, c: &Interval, s_end: &Interval) -> Result<Interval, String> {
    let p = c.prec();
    let la2 = Interval::from_rational(a, p).ln().ok_or("α² must be positive")?;
    let f = PathFn { x: x.iter().map(|v| Interval::from_rational(v, p)).collect(), la2, y: Interval::from_rational(y, p), p };
    let zero = Interval::from_i64(0, p);
    // Points surely on the path: between 0 and `inner`; the boxes cover 0..c.hi (or c.lo..0).
    let inner = if c.is_positive() {
        c.lo().clone()
    } else if c.is_negative() {
        c.hi().clone()
    } else {
        Float::new(p)
    };
    let on_path = |m: &Float| {
        let (a, b) = if inner > 0 { (Float::new(p), inner.clone()) } else { (inner.clone(), Float::new(p)) };
        a <= *m && *m <= b
    };
    let domain = zero.hull(c);
    let mut best = s_end.lo().clone();
    for pt in [Float::new(p), inner.clone()] {
        let st = f.state(&Interval::point(&pt));
        if let Some(l) = lambda_max_point(&st, p) {
            best = best.max(l.lo()).max(&st.neg_min_lower());
        }
    }
    let tol = Float::with_val(p, Float::u_exp(1, 24 - p as i32)).max(&Float::with_val(p, 1e-15));
    let pieces_of = |box_: Interval, best: &mut Float| -> Piece {
        let (upper, lower, m) = bound_box(&f, &box_);
        if let Some(l) = lower {
            if on_path(&m) && l > *best {
                *best = l;
            }
        }
        Piece { c: box_, upper }
    };
    let k = 64u32;
    let (lo, w) = (domain.lo().clone(), domain.width());
    let mut pieces: Vec<Piece> = Vec::new();
    for i in 0..k {
        let a0 = Float::with_val(p, &w * i) / k + &lo;
        let a1 = if i + 1 == k { domain.hi().clone() } else { Float::with_val(p, &w * (i + 1)) / k + &lo };
        let b = Interval::new(a0, a1).ok_or("empty box")?;
        pieces.push(pieces_of(b, &mut best));
    }
    for _ in 0..MAX_SPLITS {
        let limit = Float::with_val(p, &best * (Float::with_val(p, 1) + &tol));
        pieces.retain(|q| q.upper > best);
        let Some(top) = pieces.iter().enumerate().max_by(|a, b| a.1.upper.partial_cmp(&b.1.upper).expect("finite")).map(|(i, _)| i) else {
            break;
        };
        if pieces[top].upper <= limit {
            break;
        }
        let q = pieces.swap_remove(top);
        let m = q.c.mid();
        if m <= *q.c.lo() || m >= *q.c.hi() {
            pieces.push(q); // the box is one float wide: nothing left to split
            break;
        }
        let (l, r) = (Interval::new(q.c.lo().clone(), m.clone()), Interval::new(m, q.c.hi().clone()));
        for b in [l, r].into_iter().flatten() {
            let piece = pieces_of(b, &mut best);
            pieces.push(piece);
        }
    }
    let upper = pieces.iter().map(|q| q.upper.clone()).fold(best.clone(), |a, b| a.max(&b));
    Interval::new(best, upper).ok_or_else(|| "the branch and bound produced an empty enclosure".into())
}
