//! Double-double arithmetic (~106 bits): a value is the unevaluated sum hi + lo of two f64
//! with |lo| ≤ ½ulp(hi), built on the error-free transformations two_sum (Knuth) and
//! two_prod (via the fused multiply-add `f64::mul_add`), following the QD library of
//! Hida, Li and Bailey (2001). Accurate ("IEEE") addition, so a − b keeps its relative
//! accuracy under cancellation.
//!
//! ```
//! use normsharp::numeric::{dd::Dd, real::Real};
//! let third = <Dd as Real>::from_ratio(1, 3, ());
//! let back = third * &Dd::from(3.0);
//! assert!((back - &Dd::from(1.0)).abs().to_f64() < 1e-31);
//! ```

use crate::numeric::real::Real;
use rug::{Float, Rational};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::sync::OnceLock;

pub use crate::numeric::eft::{quick_two_sum, two_prod, two_sum};
use crate::numeric::lanes::{lane, map_pairs, update_pairs, Lane, Limbs, F4};

/// A double-double number hi + lo (normalized: hi = fl(hi + lo)).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Dd {
    /// Leading part.
    pub hi: f64,
    /// Trailing part.
    pub lo: f64,
}

impl From<f64> for Dd {
    fn from(v: f64) -> Self {
        Dd { hi: v, lo: 0.0 }
    }
}

impl Limbs<2> for Dd {
    #[inline(always)]
    fn limbs(&self) -> [f64; 2] {
        [self.hi, self.lo]
    }
    #[inline(always)]
    fn from_limbs(c: [f64; 2]) -> Self {
        Dd { hi: c[0], lo: c[1] }
    }
}

/// Three exact levels of four dot products (numeric::mixed_dot), each rounded by [`from_levels`].
#[inline(always)]
fn finish_lanes(s: [F4; 3]) -> [Dd; 4] {
    let r = from_levels(s);
    std::array::from_fn(|l| lane(&r, l))
}

/// a − b on lanes.
#[inline(always)]
fn sub_l<L: Lane>(a: [L; 2], b: [L; 2]) -> [L; 2] {
    add_l(a, [-b[0], -b[1]])
}

impl Dd {
    /// (hi, lo) renormalized.
    #[inline(always)]
    fn norm(hi: f64, lo: f64) -> Self {
        let (hi, lo) = quick_two_sum(hi, lo);
        Dd { hi, lo }
    }
    /// The exact rational value (None if not finite).
    pub fn to_rational(&self) -> Option<Rational> {
        Some(Rational::from_f64(self.hi)? + Rational::from_f64(self.lo)?)
    }
    /// Nearest MPFR float at `prec` bits.
    pub fn to_float(&self, prec: u32) -> Float {
        let mut f = Float::with_val(prec.max(2200), self.hi);
        f += self.lo;
        Float::with_val(prec, &f)
    }
    /// Componentwise multiplication by a power of two (exact unless it over/underflows).
    #[inline(always)]
    pub fn scale(self, p2: f64) -> Self {
        Dd { hi: self.hi * p2, lo: self.lo * p2 }
    }
    /// self·b for an f64 b.
    #[inline(always)]
    pub fn mul_f64(self, b: f64) -> Self {
        let (p, e) = two_prod(self.hi, b);
        Dd::norm(p, self.lo.mul_add(b, e))
    }
}

/// Accurate double-double addition (QD's ieee_add): relative error ≤ 2·2⁻¹⁰⁶ of the sum.
#[inline(always)]
pub(crate) fn add_l<L: Lane>(a: [L; 2], b: [L; 2]) -> [L; 2] {
    let (s1, s2) = two_sum(a[0], b[0]);
    let (t1, t2) = two_sum(a[1], b[1]);
    let (s1, s2) = quick_two_sum(s1, s2 + t1);
    let (hi, lo) = quick_two_sum(s1, s2 + t2);
    [hi, lo]
}

/// Double-double multiplication (QD's mul): relative error ≤ ~4·2⁻¹⁰⁶.
#[inline(always)]
pub(crate) fn mul_l<L: Lane>(a: [L; 2], b: [L; 2]) -> [L; 2] {
    let (p, e) = two_prod(a[0], b[0]);
    let e = a[0].mul_add(b[1], a[1].mul_add(b[0], e));
    let (hi, lo) = quick_two_sum(p, e);
    [hi, lo]
}

/// The exact sum s₀ + s₁ + s₂ of a dot product's levels (numeric::mixed_dot) rounded to a
/// double-double: two_sums from the bottom (exact) give a normalized pair z₀ + z₁, then one
/// accurate addition of z₂.
#[inline(always)]
pub(crate) fn from_levels<L: Lane>(s: [L; 3]) -> [L; 2] {
    let (t, z2) = two_sum(s[1], s[2]);
    let (z0, z1) = two_sum(s[0], t);
    add_l([z0, z1], [z2, L::splat(0.0)])
}

#[inline(always)]
fn add(a: Dd, b: Dd) -> Dd {
    Dd::from_limbs(add_l(a.limbs(), b.limbs()))
}

#[inline(always)]
fn mul(a: Dd, b: Dd) -> Dd {
    Dd::from_limbs(mul_l(a.limbs(), b.limbs()))
}

/// Long division with three quotient digits (QD's accurate_div).
#[inline(always)]
fn div(a: Dd, b: Dd) -> Dd {
    let q1 = a.hi / b.hi;
    let r = sub(a, b.mul_f64(q1));
    let q2 = r.hi / b.hi;
    let r = sub(r, b.mul_f64(q2));
    let q3 = r.hi / b.hi;
    add(Dd::norm(q1, q2), Dd::from(q3))
}

#[inline(always)]
fn sub(a: Dd, b: Dd) -> Dd {
    add(a, -b)
}

impl Neg for Dd {
    type Output = Dd;
    #[inline(always)]
    fn neg(self) -> Dd {
        Dd { hi: -self.hi, lo: -self.lo }
    }
}

/// The four operators by value, with a borrowed right-hand side, and assigning (the
/// shapes [`Real`] asks for), all from one binary function each.
#[macro_export]
#[doc(hidden)]
macro_rules! multiprec_ops {
    ($t:ty, $($tr:ident $m:ident $tra:ident $ma:ident $f:path;)*) => {$(
        impl $tr for $t {
            type Output = $t;
            #[inline(always)]
            fn $m(self, b: $t) -> $t { $f(self, b) }
        }
        impl<'a> $tr<&'a $t> for $t {
            type Output = $t;
            #[inline(always)]
            fn $m(self, b: &'a $t) -> $t { $f(self, *b) }
        }
        impl<'a> $tra<&'a $t> for $t {
            #[inline(always)]
            fn $ma(&mut self, b: &'a $t) { *self = $f(*self, *b) }
        }
    )*};
}

multiprec_ops!(Dd, Add add AddAssign add_assign add; Sub sub SubAssign sub_assign sub; Mul mul MulAssign mul_assign mul; Div div DivAssign div_assign div;);

/// `out = A·v` (row-major A, each entry summed in index order), on the FMA unit when the
/// CPU has one: `f64::mul_add` is then one instruction instead of a library call. The
/// result is the same either way (a fused multiply-add is exact-rounded in both).
pub(crate) fn fma_dispatch_matvec<T: Real + Copy>(rows: usize, cols: usize, a: &[T], v: &[T], out: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports FMA (checked just above).
        return unsafe { matvec_fma(rows, cols, a, v, out) };
    }
    matvec_plain(rows, cols, a, v, out)
}

/// `out = Aᵀ·v` (row-major A, each entry summed in row order), as [`fma_dispatch_matvec`].
pub(crate) fn fma_dispatch_matvec_t<T: Real + Copy>(rows: usize, cols: usize, a: &[T], v: &[T], out: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports FMA (checked just above).
        return unsafe { matvec_t_fma(rows, cols, a, v, out) };
    }
    matvec_t_plain(rows, cols, a, v, out)
}

#[inline(always)]
fn matvec_plain<T: Real + Copy>(rows: usize, cols: usize, a: &[T], v: &[T], out: &mut [T]) {
    for (i, o) in out.iter_mut().enumerate().take(rows) {
        let mut acc = T::zero(v[0].ctx());
        for (aij, vj) in a[i * cols..(i + 1) * cols].iter().zip(v) {
            acc.add_mul(aij, vj);
        }
        *o = acc;
    }
}

#[inline(always)]
fn matvec_t_plain<T: Real + Copy>(rows: usize, cols: usize, a: &[T], v: &[T], out: &mut [T]) {
    out.fill(T::zero(v[0].ctx()));
    for i in 0..rows {
        for (o, aij) in out.iter_mut().zip(&a[i * cols..(i + 1) * cols]) {
            o.add_mul(aij, &v[i]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
unsafe fn matvec_fma<T: Real + Copy>(rows: usize, cols: usize, a: &[T], v: &[T], out: &mut [T]) {
    matvec_plain(rows, cols, a, v, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma")]
unsafe fn matvec_t_fma<T: Real + Copy>(rows: usize, cols: usize, a: &[T], v: &[T], out: &mut [T]) {
    matvec_t_plain(rows, cols, a, v, out)
}

/// ln 2 to the type's precision (from MPFR, once).
pub(crate) fn ln2<T: Real>(ctx: T::Ctx) -> T {
    T::from_rational(&Float::with_val(512, rug::float::Constant::Log2).to_rational().expect("finite"), ctx)
}

/// e^x by argument reduction x = k·ln2 + 2¹⁰·r, a Taylor series for e^r − 1 to the type's
/// precision, ten doublings (e^{2s} − 1 = 2u + u² with u = e^s − 1, free of cancellation)
/// and the factor 2^k. `eps`: the type's precision, `ln2`: ln 2 to it.
pub(crate) fn exp_reduced<T: Real + Copy>(x: T, ln2: T, eps: f64, scale: impl Fn(T, f64) -> T) -> T {
    let xf = x.to_f64();
    if xf.is_nan() {
        return x;
    }
    if xf > 709.8 {
        return T::from_f64(f64::INFINITY, x.ctx());
    }
    if xf < -745.2 {
        return T::zero(x.ctx());
    }
    let k = (xf / std::f64::consts::LN_2).round();
    let r = scale(x - &(ln2 * &T::from_f64(k, x.ctx())), 1.0 / 1024.0);
    // u = e^r − 1 = Σ_{i≥1} rⁱ/i!, stopped once a term is below eps·|u| (|r| ≤ 3.4e-4).
    let mut term = r;
    let mut u = r;
    for i in 2..40 {
        term = term * &r / &T::from_f64(i as f64, x.ctx());
        u += &term;
        if term.to_f64().abs() <= eps * u.to_f64().abs() {
            break;
        }
    }
    let two = T::from_f64(2.0, x.ctx());
    for _ in 0..10 {
        u = u * &two + &(u * &u);
    }
    let one = T::one(x.ctx()) + &u;
    // 2^k in two factors so that neither overflows for |k| up to 1075.
    let (k1, k2) = ((k / 2.0).trunc(), k - (k / 2.0).trunc());
    scale(scale(one, 2f64.powi(k1 as i32)), 2f64.powi(k2 as i32))
}

/// ln x by Newton's method on e^y = x from the f64 logarithm: y ← y + x·e^{−y} − 1
/// (quadratic: `iterations` = 1 + log2(bits/53)).
pub(crate) fn ln_newton<T: Real + Copy>(x: T, iterations: usize, exp: impl Fn(T) -> T) -> T {
    let xf = x.to_f64();
    let ctx = x.ctx();
    if xf.is_nan() || xf < 0.0 {
        return T::from_f64(f64::NAN, ctx);
    }
    if xf == 0.0 || xf.is_infinite() {
        return T::from_f64(xf.ln(), ctx);
    }
    let one = T::one(ctx);
    let mut y = T::from_f64(xf.ln(), ctx);
    for _ in 0..iterations {
        y = y + &(x * &exp(-y)) - &one;
    }
    y
}

/// √a by Newton's iteration for 1/√a from the f64 value, then one correction of a·(1/√a).
pub(crate) fn sqrt_newton<T: Real + Copy>(a: T, iterations: usize) -> T {
    let af = a.to_f64();
    let ctx = a.ctx();
    if af == 0.0 || af.is_nan() || af.is_infinite() {
        return T::from_f64(af.sqrt(), ctx);
    }
    if af < 0.0 {
        return T::from_f64(f64::NAN, ctx);
    }
    let (one, half) = (T::one(ctx), T::from_f64(0.5, ctx));
    let mut x = T::from_f64(1.0 / af.sqrt(), ctx);
    for _ in 0..iterations {
        x = x + &(x * &half * &(one - &(a * &x * &x)));
    }
    let y = a * &x;
    y + &((a - &(y * &y)) * &x * &half)
}

/// Nearest-ish multi-component expansion of q: each component the nearest f64 to what is
/// left (error ≤ 2⁻⁵³ of the last component).
pub(crate) fn components(q: &Rational, out: &mut [f64]) {
    let mut rest = q.clone();
    for c in out.iter_mut() {
        *c = Float::with_val(53, &rest).to_f64();
        if !c.is_finite() {
            return;
        }
        rest -= Rational::from_f64(*c).expect("finite");
    }
}

/// Decimal digits of a multi-component value through MPFR.
pub(crate) fn decimal(q: Option<Rational>, hi: f64, prec: u32, digits: usize) -> String {
    match q {
        Some(q) => Float::with_val(prec, &q).to_string_radix(10, Some(digits)),
        None => Float::with_val(53, hi).to_string_radix(10, Some(digits)),
    }
}

impl Real for Dd {
    type Ctx = ();
    fn ctx(&self) {}
    fn from_f64(v: f64, _: ()) -> Self {
        Dd::from(v)
    }
    fn from_rational(q: &Rational, _: ()) -> Self {
        let mut c = [0.0; 2];
        components(q, &mut c);
        Dd::norm(c[0], c[1])
    }
    /// 2⁻¹⁰⁴: the QD library's double-double epsilon (the arithmetic is not correctly rounded).
    fn epsilon(_: ()) -> Self {
        Dd::from(2f64.powi(-104))
    }
    fn to_f64(&self) -> f64 {
        self.hi + self.lo
    }
    fn exp(self) -> Self {
        static LN2: OnceLock<Dd> = OnceLock::new();
        exp_reduced(self, *LN2.get_or_init(|| ln2(())), 2f64.powi(-110), Dd::scale)
    }
    fn ln(self) -> Self {
        ln_newton(self, 2, Real::exp)
    }
    fn sqrt(self) -> Self {
        sqrt_newton(self, 2)
    }
    fn abs(self) -> Self {
        if self.hi < 0.0 {
            -self
        } else {
            self
        }
    }
    fn is_finite(&self) -> bool {
        self.hi.is_finite() && self.lo.is_finite()
    }
    #[inline(always)]
    fn add_mul(&mut self, a: &Self, b: &Self) {
        *self = add(*self, mul(*a, *b));
    }
    fn matvec(rows: usize, cols: usize, a: &[Self], v: &[Self], out: &mut [Self]) {
        fma_dispatch_matvec(rows, cols, a, v, out)
    }
    fn matvec_both(rows: usize, cols: usize, _a: &[Self], at: &[Self], v: &[Self], out: &mut [Self]) {
        // A·v = (Aᵀ)ᵀ·v: the column-major copy read as row-major Aᵀ, axpy per column.
        fma_dispatch_matvec_t(cols, rows, at, v, out)
    }
    #[inline(always)]
    fn set_mul(&mut self, a: &Self, b: &Self) {
        *self = mul(*a, *b);
    }
    /// w − (w·a)·b with two products and one addition, inlined into the caller's loop.
    #[inline(always)]
    fn sub_scaled(&mut self, a: &Self, b: &Self) {
        *self = sub(*self, mul(mul(*self, *a), *b));
    }
    fn has_f64_matrix_kernel() -> bool {
        true
    }
    /// [`Real::set_mul`]'s product, four entries at a time.
    #[inline(always)]
    fn squares(w: &[Self], out: &mut [Self]) {
        map_pairs(out, w, |_, x| mul_l(x, x));
    }
    /// [`Real::sub_scaled`] and [`Real::set_mul`]'s formulas, four entries at a time.
    #[inline(always)]
    fn sub_scaled_squares(w: &mut [Self], a: &Self, g: &[Self], out: &mut [Self]) {
        let a = a.limbs().map(F4::splat);
        update_pairs(w, g, out, |x, gi| {
            let x = sub_l(x, mul_l(mul_l(x, a), gi));
            (x, mul_l(x, x))
        });
    }
    #[inline(always)]
    fn sub_each(x: &mut [Self], y: &[Self]) {
        map_pairs(x, y, sub_l);
    }
    /// [`Real::div_by`]'s product by 1/k (or exact scaling), four entries at a time.
    #[inline(always)]
    fn div_each_by_count(x: &mut [Self], _k: u64, _d: &Self, inv_d: &Self) {
        if crate::numeric::eft::power_of_two(inv_d.hi) && inv_d.lo == 0.0 {
            x.iter_mut().for_each(|o| *o = o.scale(inv_d.hi));
        } else {
            let inv = inv_d.limbs().map(F4::splat);
            map_pairs(x, &[], |v, _| mul_l(v, inv));
        }
    }

    /// Levels of error-free products, one renormalization per entry (numeric::mixed_dot:
    /// normwise error ≤ 2⁻¹⁰⁴·Σ|a_ij||v_i| per 256 rows); one row: a·v per entry.
    #[inline(always)]
    fn matvec_t_f64(rows: usize, cols: usize, a: &[f64], v: &[Self], out: &mut [Self]) {
        if rows == 1 {
            for (o, &aj) in out.iter_mut().zip(&a[..cols]) {
                *o = v[0].mul_f64(aj);
            }
            return;
        }
        crate::numeric::mixed_dot::dd_matvec_t(rows, cols, a, v, out, |d: &Dd| [d.hi, d.lo], finish_lanes)
    }
    #[inline(always)]
    fn div_by(&mut self, _d: &Self, inv_d: &Self) {
        *self = match crate::numeric::eft::power_of_two(inv_d.hi) && inv_d.lo == 0.0 {
            true => self.scale(inv_d.hi),
            false => mul(*self, *inv_d),
        };
    }
    fn matvec_t(rows: usize, cols: usize, a: &[Self], v: &[Self], out: &mut [Self]) {
        fma_dispatch_matvec_t(rows, cols, a, v, out)
    }
    fn to_decimal(&self, digits: Option<usize>) -> String {
        decimal(self.to_rational(), self.hi, 106, digits.unwrap_or_else(|| self.decimal_digits()))
    }
    fn decimal_digits(&self) -> usize {
        33
    }
}
