//! Quad-double arithmetic (~212 bits): a value is the unevaluated sum of four f64
//! components of decreasing magnitude, following the QD library of Hida, Li and Bailey
//! (2001): componentwise addition with carries (QD's default add), the
//! multiplication with all products down to order ε³, long division with five quotient
//! digits, each finished by a renormalization.
//!
//! ```
//! use normsharp::numeric::{qd::Qd, real::Real};
//! let third = <Qd as Real>::from_ratio(1, 3, ());
//! let back = third * &Qd::from(3.0);
//! assert!((back - &Qd::from(1.0)).abs().to_f64() < 1e-62);
//! ```

use crate::numeric::dd::{components, decimal, exp_reduced, ln2, ln_newton, sqrt_newton};
use crate::numeric::eft::{quick_two_sum, two_prod, two_sum};
use crate::numeric::lanes::{lane, map_pairs, update_pairs, Lane, Limbs, F4};
use crate::numeric::real::Real;
use rug::{Float, Rational};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::sync::OnceLock;

/// A quad-double number c₀ + c₁ + c₂ + c₃ (renormalized: |c_{i+1}| ≤ ½ulp(c_i)).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Qd(pub [f64; 4]);

impl From<f64> for Qd {
    fn from(v: f64) -> Self {
        Qd([v, 0.0, 0.0, 0.0])
    }
}

/// (a, b, c) → (s, e₁, e₂) with s + e₁ + e₂ = a + b + c exactly.
#[inline(always)]
fn three_sum<L: Lane>(a: L, b: L, c: L) -> (L, L, L) {
    let (t1, t2) = two_sum(a, b);
    let (s, t3) = two_sum(c, t1);
    let (e1, e2) = two_sum(t2, t3);
    (s, e1, e2)
}

/// (a, b, c) → (s, e) with s + e = a + b + c up to one rounding of the smallest terms.
#[inline(always)]
fn three_sum2<L: Lane>(a: L, b: L, c: L) -> (L, L) {
    let (t1, t2) = two_sum(a, b);
    let (s, t3) = two_sum(c, t1);
    (s, t2 + t3)
}

/// Renormalization of five overlapping components into four: QD's renorm (a bottom-up pass
/// of quick_two_sums, then a top-down pass emitting a component per step), without its
/// branches. QD skips a component whose carry vanishes and merges the next one into it; here
/// the pass goes on: a zero carry e makes the following quick_two_sum(e, c) = (c, 0) exact,
/// so the result is then the exact sum (with a gap, still non-overlapping); with no zero
/// carry both are the same operations. A non-finite leading component returns the input.
#[inline(always)]
fn renorm<L: Lane>(c0: L, c1: L, c2: L, c3: L, c4: L) -> [L; 4] {
    let (s, d4) = quick_two_sum(c3, c4);
    let (s, d3) = quick_two_sum(c2, s);
    let (s, d2) = quick_two_sum(c1, s);
    let (d0, d1) = quick_two_sum(c0, s);
    let (o0, e) = quick_two_sum(d0, d1);
    let (o1, e) = quick_two_sum(e, d2);
    let (o2, e) = quick_two_sum(e, d3);
    let o3 = e + d4;
    [L::if_finite(c0, o0, c0), L::if_finite(c0, o1, c1), L::if_finite(c0, o2, c2), L::if_finite(c0, o3, c3)]
}

/// Addition (QD's default sloppy_add): componentwise two_sums, the carries merged with
/// three_sum, then renormalized. Error ≤ ~2ε·(|a| + |b|) (ε = 2⁻²⁰⁹): normwise, like the
/// rounding of a sum of two terms in any floating arithmetic followed by exact cancellation
/// (the "IEEE" merge add is 3× slower and only matters for relative accuracy under
/// cancellation, which no quantity here relies on: residuals are compared with ‖y‖).
#[inline(always)]
pub(crate) fn add<L: Lane>(a: [L; 4], b: [L; 4]) -> [L; 4] {
    let (s0, t0) = two_sum(a[0], b[0]);
    let (s1, t1) = two_sum(a[1], b[1]);
    let (s2, t2) = two_sum(a[2], b[2]);
    let (s3, t3) = two_sum(a[3], b[3]);
    let (s1, t0) = two_sum(s1, t0);
    let (s2, t0, t1) = three_sum(s2, t0, t1);
    let (s3, t0) = three_sum2(s3, t0, t2);
    let t0 = t0 + t1 + t3;
    renorm(s0, s1, s2, s3, t0)
}

/// a − b.
#[inline(always)]
pub(crate) fn sub<L: Lane>(a: [L; 4], b: [L; 4]) -> [L; 4] {
    add(a, b.map(|c| -c))
}

/// Multiplication with every product of order ≤ ε³ (QD's mul).
#[inline(always)]
pub(crate) fn mul<L: Lane>(a: [L; 4], b: [L; 4]) -> [L; 4] {
    let (p0, q0) = two_prod(a[0], b[0]);
    let (p1, q1) = two_prod(a[0], b[1]);
    let (p2, q2) = two_prod(a[1], b[0]);
    let (p3, q3) = two_prod(a[0], b[2]);
    let (p4, q4) = two_prod(a[1], b[1]);
    let (p5, q5) = two_prod(a[2], b[0]);
    let (p1, p2, q0) = three_sum(p1, p2, q0);
    let (p2, q1, q2) = three_sum(p2, q1, q2);
    let (p3, p4, p5) = three_sum(p3, p4, p5);
    let (s0, t0) = two_sum(p2, p3);
    let (s1, t1) = two_sum(q1, p4);
    let s2 = q2 + p5;
    let (s1, t0) = two_sum(s1, t0);
    let s2 = s2 + (t0 + t1);
    let s1 = s1 + (a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + q0 + q3 + q4 + q5);
    renorm(p0, p1, s0, s1, s2)
}

/// a·b for an f64 b (QD's mul_qd_d).
#[inline(always)]
pub(crate) fn mul_f64<L: Lane>(a: [L; 4], b: L) -> [L; 4] {
    let (p0, q0) = two_prod(a[0], b);
    let (p1, q1) = two_prod(a[1], b);
    let (p2, q2) = two_prod(a[2], b);
    let p3 = a[3] * b;
    let (s1, s2) = two_sum(q0, p1);
    let (s2, q1, p2) = three_sum(s2, q1, p2);
    let (q1, q2) = three_sum2(q1, q2, p3);
    renorm(p0, s1, s2, q1, q2 + p2)
}

/// a + b for an f64 b (QD's add_qd_d): exact two_sums down the components, then renorm.
#[inline(always)]
fn add_f64<L: Lane>(a: [L; 4], b: L) -> [L; 4] {
    let (c0, e) = two_sum(a[0], b);
    let (c1, e) = two_sum(a[1], e);
    let (c2, e) = two_sum(a[2], e);
    let (c3, e) = two_sum(a[3], e);
    renorm(c0, c1, c2, c3, e)
}

/// The exact sum s₀ + … + s₄ of a dot product's levels (numeric::mixed_dot) rounded to a
/// quad-double: two_sums from the bottom (exact) give a renormalized pair z₀ + z₁ and the
/// rest z₂, z₃, z₄, added with [`add_f64`].
#[inline(always)]
pub(crate) fn from_levels<L: Lane>(s: [L; 5]) -> [L; 4] {
    let (t, z4) = two_sum(s[3], s[4]);
    let (t, z3) = two_sum(s[2], t);
    let (t, z2) = two_sum(s[1], t);
    let (z0, z1) = two_sum(s[0], t);
    let zero = L::splat(0.0);
    add_f64(add_f64(add_f64([z0, z1, zero, zero], z2), z3), z4)
}

/// Long division with five quotient digits (QD's accurate_div).
#[inline(always)]
fn div(a: Qd, b: Qd) -> Qd {
    let b = b.0;
    let q0 = a.0[0] / b[0];
    let r = sub(a.0, mul_f64(b, q0));
    let q1 = r[0] / b[0];
    let r = sub(r, mul_f64(b, q1));
    let q2 = r[0] / b[0];
    let r = sub(r, mul_f64(b, q2));
    let q3 = r[0] / b[0];
    let r = sub(r, mul_f64(b, q3));
    let q4 = r[0] / b[0];
    Qd(renorm(q0, q1, q2, q3, q4))
}

#[inline(always)]
fn add_qd(a: Qd, b: Qd) -> Qd {
    Qd(add(a.0, b.0))
}

#[inline(always)]
fn sub_qd(a: Qd, b: Qd) -> Qd {
    Qd(sub(a.0, b.0))
}

#[inline(always)]
fn mul_qd(a: Qd, b: Qd) -> Qd {
    Qd(mul(a.0, b.0))
}

impl Neg for Qd {
    type Output = Qd;
    #[inline(always)]
    fn neg(self) -> Qd {
        Qd(self.0.map(|c| -c))
    }
}

crate::multiprec_ops!(Qd, Add add AddAssign add_assign add_qd; Sub sub SubAssign sub_assign sub_qd; Mul mul MulAssign mul_assign mul_qd; Div div DivAssign div_assign div;);

impl Limbs<4> for Qd {
    #[inline(always)]
    fn limbs(&self) -> [f64; 4] {
        self.0
    }
    #[inline(always)]
    fn from_limbs(c: [f64; 4]) -> Self {
        Qd(c)
    }
}

/// Five exact levels of four dot products (numeric::mixed_dot), each rounded by [`from_levels`].
#[inline(always)]
fn finish_lanes(s: [F4; 5]) -> [Qd; 4] {
    let r = from_levels(s);
    std::array::from_fn(|l| lane(&r, l))
}

impl Qd {
    /// The exact rational value (None if not finite).
    pub fn to_rational(&self) -> Option<Rational> {
        self.0.iter().try_fold(Rational::new(), |acc, &c| Some(acc + Rational::from_f64(c)?))
    }
    /// Nearest MPFR float at `prec` bits.
    pub fn to_float(&self, prec: u32) -> Float {
        match self.to_rational() {
            Some(q) => Float::with_val(prec, &q),
            None => Float::with_val(prec, self.0[0]),
        }
    }
    /// Componentwise multiplication by a power of two (exact unless it over/underflows).
    #[inline(always)]
    pub fn scale(self, p2: f64) -> Self {
        Qd(self.0.map(|c| c * p2))
    }
}

impl Real for Qd {
    type Ctx = ();
    fn ctx(&self) {}
    fn from_f64(v: f64, _: ()) -> Self {
        Qd::from(v)
    }
    fn from_rational(q: &Rational, _: ()) -> Self {
        let mut c = [0.0; 4];
        components(q, &mut c);
        Qd(renorm(c[0], c[1], c[2], c[3], 0.0))
    }
    /// 2⁻²⁰⁹: the QD library's quad-double epsilon (the arithmetic is not correctly rounded).
    fn epsilon(_: ()) -> Self {
        Qd::from(2f64.powi(-209))
    }
    fn to_f64(&self) -> f64 {
        self.0[0] + self.0[1]
    }
    fn exp(self) -> Self {
        static LN2: OnceLock<Qd> = OnceLock::new();
        exp_reduced(self, *LN2.get_or_init(|| ln2(())), 2f64.powi(-216), Qd::scale)
    }
    fn ln(self) -> Self {
        ln_newton(self, 3, Real::exp)
    }
    fn sqrt(self) -> Self {
        sqrt_newton(self, 3)
    }
    fn abs(self) -> Self {
        if self.0[0] < 0.0 {
            -self
        } else {
            self
        }
    }
    fn is_finite(&self) -> bool {
        self.0.iter().all(|c| c.is_finite())
    }
    #[inline(always)]
    fn add_mul(&mut self, a: &Self, b: &Self) {
        *self = Qd(add(self.0, mul(a.0, b.0)));
    }
    fn matvec(rows: usize, cols: usize, a: &[Self], v: &[Self], out: &mut [Self]) {
        crate::numeric::dd::fma_dispatch_matvec(rows, cols, a, v, out)
    }
    fn matvec_both(rows: usize, cols: usize, _a: &[Self], at: &[Self], v: &[Self], out: &mut [Self]) {
        // A·v = (Aᵀ)ᵀ·v: the column-major copy read as row-major Aᵀ, axpy per column.
        crate::numeric::dd::fma_dispatch_matvec_t(cols, rows, at, v, out)
    }
    #[inline(always)]
    fn set_mul(&mut self, a: &Self, b: &Self) {
        *self = Qd(mul(a.0, b.0));
    }
    /// w − (w·a)·b with two products and one addition, inlined into the caller's loop.
    #[inline(always)]
    fn sub_scaled(&mut self, a: &Self, b: &Self) {
        *self = Qd(sub(self.0, mul(mul(self.0, a.0), b.0)));
    }
    fn has_f64_matrix_kernel() -> bool {
        true
    }
    /// [`Real::set_mul`]'s product, four entries at a time.
    #[inline(always)]
    fn squares(w: &[Self], out: &mut [Self]) {
        map_pairs(out, w, |_, x| mul(x, x));
    }
    /// [`Real::sub_scaled`] and [`Real::set_mul`]'s formulas, four entries at a time.
    #[inline(always)]
    fn sub_scaled_squares(w: &mut [Self], a: &Self, g: &[Self], out: &mut [Self]) {
        let a = a.0.map(F4::splat);
        update_pairs(w, g, out, |x, gi| {
            let x = sub(x, mul(mul(x, a), gi));
            (x, mul(x, x))
        });
    }
    #[inline(always)]
    fn sub_each(x: &mut [Self], y: &[Self]) {
        map_pairs(x, y, sub);
    }
    /// [`Real::div_by`]'s product by 1/k (or exact scaling), four entries at a time.
    #[inline(always)]
    fn div_each_by_count(x: &mut [Self], _k: u64, _d: &Self, inv_d: &Self) {
        if crate::numeric::eft::power_of_two(inv_d.0[0]) && inv_d.0[1] == 0.0 {
            x.iter_mut().for_each(|o| *o = o.scale(inv_d.0[0]));
        } else {
            let inv = inv_d.0.map(F4::splat);
            map_pairs(x, &[], |v, _| mul(v, inv));
        }
    }

    /// Levels of error-free products, one renormalization per entry (numeric::mixed_dot:
    /// normwise error ≤ 2⁻²⁰⁵·Σ|a_ij||v_i| per 256 rows); one row: a·v per entry.
    #[inline(always)]
    fn matvec_t_f64(rows: usize, cols: usize, a: &[f64], v: &[Self], out: &mut [Self]) {
        if rows == 1 {
            for (o, &aj) in out.iter_mut().zip(&a[..cols]) {
                *o = Qd(mul_f64(v[0].0, aj));
            }
            return;
        }
        crate::numeric::mixed_dot::qd_matvec_t(rows, cols, a, v, out, |q: &Qd| q.0, finish_lanes)
    }
    #[inline(always)]
    fn div_by(&mut self, _d: &Self, inv_d: &Self) {
        *self = match crate::numeric::eft::power_of_two(inv_d.0[0]) && inv_d.0[1] == 0.0 {
            true => self.scale(inv_d.0[0]),
            false => Qd(mul(self.0, inv_d.0)),
        };
    }
    fn matvec_t(rows: usize, cols: usize, a: &[Self], v: &[Self], out: &mut [Self]) {
        crate::numeric::dd::fma_dispatch_matvec_t(rows, cols, a, v, out)
    }
    fn to_decimal(&self, digits: Option<usize>) -> String {
        decimal(self.to_rational(), self.0[0], 212, digits.unwrap_or_else(|| self.decimal_digits()))
    }
    fn decimal_digits(&self) -> usize {
        65
    }
}
