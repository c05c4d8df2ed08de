//! The real-number types the numeric core is generic over: `f64` and an MPFR float
//! ([`rug::Float`]) that carries its own precision.
//!
//! The model, gradient descent and the root solves are written once against [`Real`]; a
//! computation in MPFR at `p` bits is the same code as the `f64` one with `T = rug::Float`
//! and `ctx = p`.
//!
//! Error model of MPFR at `p` bits: each scalar operation is correctly rounded to nearest.
//! The design's matrix–vector products (r = Xβ − y and Xᵀr, [`Real::scaled_matvec`]) are, when
//! every entry of X is an exact double, each entry the exact sum rounded once
//! ([`crate::numeric::mpfr_dot`]: error ≤ 2^−p relative to the entry, the same bits in any
//! summation order); otherwise a chain of fused multiply–adds in index order, each rounded.
//!
//! ```
//! use normsharp::numeric::real::Real;
//! let third = <rug::Float as Real>::from_ratio(1, 3, 256);
//! let back = third.clone() * &<rug::Float as Real>::from_i64(3, 256);
//! assert!((back.to_f64() - 1.0).abs() < 1e-70);
//! assert_eq!(<f64 as Real>::from_ratio(1, 4, ()), 0.25);
//! ```

use crate::numeric::kernels;
use crate::numeric::mpfr_dot::{scaled_matvec, ScaledCols};
use rug::{Assign, Float, Rational};
use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A real scalar for the numeric core. Arithmetic is by value with a borrowed right-hand
/// side (`a * &b`), which is allocation-free for `f64` and reuses `a`'s limbs for MPFR.
pub trait Real:
    Clone
    + Debug
    + PartialOrd
    + Send
    + Sync
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + for<'a> Add<&'a Self, Output = Self>
    + for<'a> Sub<&'a Self, Output = Self>
    + for<'a> Mul<&'a Self, Output = Self>
    + for<'a> Div<&'a Self, Output = Self>
    + for<'a> AddAssign<&'a Self>
    + for<'a> SubAssign<&'a Self>
    + for<'a> MulAssign<&'a Self>
    + for<'a> DivAssign<&'a Self>
{
    /// What a constant needs to be built: `()` for `f64`, the precision in bits for MPFR.
    type Ctx: Copy + Debug + Send + Sync;
    /// The context of this value (its precision for MPFR).
    fn ctx(&self) -> Self::Ctx;
    /// `v` rounded to nearest in this context.
    fn from_f64(v: f64, ctx: Self::Ctx) -> Self;
    /// `q` rounded to nearest in this context (exact rationals stay exact until here).
    fn from_rational(q: &Rational, ctx: Self::Ctx) -> Self;
    /// Nearest value to `v` (exact for |v| < 2^53).
    fn from_i64(v: i64, ctx: Self::Ctx) -> Self {
        Self::from_rational(&Rational::from(v), ctx)
    }
    /// Nearest value to `num/den`.
    fn from_ratio(num: i64, den: i64, ctx: Self::Ctx) -> Self {
        Self::from_rational(&Rational::from((num, den)), ctx)
    }
    /// Zero in this context.
    fn zero(ctx: Self::Ctx) -> Self {
        Self::from_f64(0.0, ctx)
    }
    /// One in this context.
    fn one(ctx: Self::Ctx) -> Self {
        Self::from_f64(1.0, ctx)
    }
    /// Unit roundoff scale 2^(1−p) (p = 53 for f64).
    fn epsilon(ctx: Self::Ctx) -> Self;
    /// Nearest `f64`.
    fn to_f64(&self) -> f64;
    /// `e^self`.
    fn exp(self) -> Self;
    /// `ln self`.
    fn ln(self) -> Self;
    /// `√self`.
    fn sqrt(self) -> Self;
    /// `|self|`.
    fn abs(self) -> Self;
    /// Neither infinite nor NaN.
    fn is_finite(&self) -> bool;
    /// `*self += a·b` (fused for MPFR, so the hot loops allocate nothing).
    fn add_mul(&mut self, a: &Self, b: &Self);
    /// Decimal string with `digits` significant digits (`None`: all the digits the
    /// precision carries).
    fn to_decimal(&self, digits: Option<usize>) -> String;
    /// Number of decimal digits this type carries: 17 for `f64`, ⌈p·log10 2⌉ + 1 for MPFR.
    fn decimal_digits(&self) -> usize;
    /// `out = A·v` for a row-major `rows×cols` matrix `A`, summed in index order.
    fn matvec(rows: usize, cols: usize, a: &[Self], v: &[Self], out: &mut [Self]) {
        for (i, o) in out.iter_mut().enumerate().take(rows) {
            let mut acc = Self::zero(v[0].ctx());
            for (aij, vj) in a[i * cols..(i + 1) * cols].iter().zip(v) {
                acc.add_mul(aij, vj);
            }
            *o = acc;
        }
    }
    /// `out = A·v` given A both row-major (`a`) and column-major (`at`), each entry summed in
    /// index order (the same value as [`Real::matvec`]); the default reads `at` column by
    /// column (an axpy per column, vectorizable across rows).
    fn matvec_both(rows: usize, cols: usize, a: &[Self], at: &[Self], v: &[Self], out: &mut [Self]) {
        let _ = a;
        for o in out.iter_mut().take(rows) {
            o.set_zero();
        }
        for (j, vj) in v.iter().enumerate().take(cols) {
            for (o, aij) in out.iter_mut().zip(&at[j * rows..(j + 1) * rows]) {
                o.add_mul(aij, vj);
            }
        }
    }
    /// `out = Aᵀ·v` for a row-major `rows×cols` matrix `A`, summed in index order.
    fn matvec_t(rows: usize, cols: usize, a: &[Self], v: &[Self], out: &mut [Self]) {
        for o in out.iter_mut() {
            o.set_zero();
        }
        for i in 0..rows {
            for (o, aij) in out.iter_mut().zip(&a[i * cols..(i + 1) * cols]) {
                o.add_mul(aij, &v[i]);
            }
        }
    }
    /// Whether [`Real::matvec_t_f64`] has its own kernel (double-double, quad-double): a
    /// design whose entries are all exact doubles then keeps f64 copies of X for it.
    fn has_f64_matrix_kernel() -> bool {
        false
    }
    /// `out = Aᵀ·v` for a row-major `rows×cols` matrix `A` of f64 (exact entries of this
    /// type); the default converts each entry and sums in row order as [`Real::matvec_t`].
    fn matvec_t_f64(rows: usize, cols: usize, a: &[f64], v: &[Self], out: &mut [Self]) {
        for o in out.iter_mut().take(cols) {
            o.set_zero();
        }
        for (i, vi) in v.iter().enumerate().take(rows) {
            for (o, &aij) in out.iter_mut().zip(&a[i * cols..(i + 1) * cols]) {
                o.add_mul(&Self::from_f64(aij, vi.ctx()), vi);
            }
        }
    }
    /// `r = A·v − y`, `g = Aᵀr` (both layouts of A given, as in [`Real::matvec_both`]);
    /// returns `Σ r_i²` summed in index order. The default is [`Real::matvec_both`], `− y`,
    /// [`Real::matvec_t`] and that sum; f64 fuses them into one pass over A.
    #[allow(clippy::too_many_arguments)]
    fn residual_grad(rows: usize, cols: usize, a: &[Self], at: &[Self], v: &[Self], y: &[Self], r: &mut [Self], g: &mut [Self]) -> Self {
        Self::matvec_both(rows, cols, a, at, v, r);
        for (o, yi) in r.iter_mut().zip(y) {
            *o -= yi;
        }
        Self::matvec_t(rows, cols, a, r, g);
        norm2_sq(r, v[0].ctx())
    }
    /// `*self /= d`, given also `inv_d` ≈ 1/d: division for f64 and MPFR (correctly rounded);
    /// double-double and quad-double multiply by `inv_d` (their division is a long division
    /// several times the cost of a product, and adds no accuracy here: one more rounding ε).
    fn div_by(&mut self, d: &Self, inv_d: &Self) {
        let _ = inv_d;
        *self /= d;
    }
    /// `*self /= k` for a positive integer `k`, given also as `d = k` and `inv_d ≈ 1/k` (as
    /// [`Real::div_by`]); MPFR divides by the machine integer (`mpfr_div_ui`: the same
    /// correctly rounded quotient as dividing by `d`, without a multi-limb division).
    fn div_by_count(&mut self, k: u64, d: &Self, inv_d: &Self) {
        let _ = k;
        self.div_by(d, inv_d);
    }
    /// `*self = 0` in place (MPFR keeps its limbs).
    fn set_zero(&mut self) {
        *self = Self::zero(self.ctx());
    }
    /// `*self = a·b` in place (one rounding to the precision of `self`).
    fn set_mul(&mut self, a: &Self, b: &Self) {
        *self = a.clone() * b;
    }
    /// `*self −= (self·a)·b` with the intermediate product rounded (the SW update
    /// w ← w − (w·2η)·g), in place.
    fn sub_scaled(&mut self, a: &Self, b: &Self) {
        let t = self.clone() * a * b;
        *self -= &t;
    }
    /// `out_i = w_i²` ([`Real::set_mul`] per entry; dd and qd four entries at a time, the same bits).
    fn squares(w: &[Self], out: &mut [Self]) {
        for (o, x) in out.iter_mut().zip(w) {
            o.set_mul(x, x);
        }
    }
    /// `w_i ← w_i − (w_i·a)·g_i` ([`Real::sub_scaled`]) then `out_i = w_i²`, for each i (dd and qd
    /// four entries at a time, the same bits).
    fn sub_scaled_squares(w: &mut [Self], a: &Self, g: &[Self], out: &mut [Self]) {
        for ((x, gi), o) in w.iter_mut().zip(g).zip(out.iter_mut()) {
            x.sub_scaled(a, gi);
            o.set_mul(x, x);
        }
    }
    /// `x_i −= y_i` for each i (dd and qd four entries at a time, the same bits).
    fn sub_each(x: &mut [Self], y: &[Self]) {
        for (o, yi) in x.iter_mut().zip(y) {
            *o -= yi;
        }
    }
    /// [`Real::div_by_count`] on each entry (dd and qd four entries at a time, the same bits).
    fn div_each_by_count(x: &mut [Self], k: u64, d: &Self, inv_d: &Self) {
        for o in x.iter_mut() {
            o.div_by_count(k, d, inv_d);
        }
    }
    /// Whether [`Real::scaled_matvec`] is implemented (then a design of exact doubles keeps
    /// its [`ScaledCols`] form).
    const SCALED_DOTS: bool = false;
    /// `out_i = Σ_j a_ij v_j − minus_i` for a matrix of exact doubles, each entry rounded once;
    /// returns false if this type has no such kernel (MPFR has: [`crate::numeric::mpfr_dot`]).
    fn scaled_matvec(a: &ScaledCols, v: &[Self], minus: Option<&[Self]>, out: &mut [Self]) -> bool {
        let _ = (a, v, minus, out);
        false
    }
    /// One shared-weights GD step on a single sample x (n = 1) in one kernel, returning
    /// L = (⟨x, w⊙w⟩ − y)²/2 at the old w, with the bits of the separate passes; `None` (w
    /// untouched) where the type has no such kernel or it does not apply (f64:
    /// [`kernels::sw_step_one_sample`]).
    fn sw_step_one_sample(x: &[Self], y: &Self, w: &mut [Self], eta: &Self) -> Option<Self> {
        let _ = (x, y, w, eta);
        None
    }
    /// The larger of two values (the first if they compare equal or are unordered).
    fn max_of(self, other: Self) -> Self {
        if other > self {
            other
        } else {
            self
        }
    }
}

impl Real for f64 {
    type Ctx = ();
    fn ctx(&self) {}
    fn from_f64(v: f64, _: ()) -> Self {
        v
    }
    fn from_rational(q: &Rational, _: ()) -> Self {
        Float::with_val(53, q).to_f64()
    }
    fn epsilon(_: ()) -> Self {
        f64::EPSILON
    }
    fn to_f64(&self) -> f64 {
        *self
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn abs(self) -> Self {
        f64::abs(self)
    }
    fn is_finite(&self) -> bool {
        f64::is_finite(*self)
    }
    /// A power-of-two count divides exactly as a product by `inv_d = 1/k` (exact), the same
    /// correctly rounded quotient without a division.
    #[inline(always)]
    fn div_by_count(&mut self, k: u64, d: &Self, inv_d: &Self) {
        if k.is_power_of_two() {
            *self *= inv_d;
        } else {
            *self /= d;
        }
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        *self += a * b;
    }
    fn to_decimal(&self, digits: Option<usize>) -> String {
        match digits {
            Some(d) => format!("{:.*e}", d.saturating_sub(1), self),
            None => format!("{:e}", self),
        }
    }
    fn decimal_digits(&self) -> usize {
        17
    }
    /// In the order of [`kernels`] (left to right below 32768 entries).
    #[inline(always)]
    fn matvec(rows: usize, cols: usize, a: &[f64], v: &[f64], out: &mut [f64]) {
        kernels::matvec(rows, cols, a, v, out)
    }
    /// The same sums as [`Real::matvec`].
    #[inline(always)]
    fn matvec_both(rows: usize, cols: usize, a: &[f64], at: &[f64], v: &[f64], out: &mut [f64]) {
        kernels::matvec_both(rows, cols, a, at, v, out)
    }
    /// Each entry summed left to right ([`kernels::matvec_t`]).
    #[inline(always)]
    fn matvec_t(rows: usize, cols: usize, a: &[f64], v: &[f64], out: &mut [f64]) {
        kernels::matvec_t(rows, cols, a, v, out)
    }
    /// The fused one-sample SW step ([`kernels::sw_step_one_sample`]).
    #[inline(always)]
    fn sw_step_one_sample(x: &[f64], y: &f64, w: &mut [f64], eta: &f64) -> Option<f64> {
        kernels::sw_step_one_sample(x, *y, w, *eta)
    }
    /// One fused pass over A ([`kernels::residual_grad`]).
    #[inline(always)]
    fn residual_grad(rows: usize, cols: usize, a: &[f64], at: &[f64], v: &[f64], y: &[f64], r: &mut [f64], g: &mut [f64]) -> f64 {
        kernels::residual_grad(rows, cols, a, at, v, y, r, g)
    }
}

/// Precisions up to 64·this many bits take [`Real::sub_scaled`]'s temporary on the stack.
const STACK_LIMBS: usize = 16;

thread_local! {
    /// Scratch for [`Real::sub_scaled`] in MPFR above [`STACK_LIMBS`] limbs.
    static SCRATCH: std::cell::RefCell<Float> = std::cell::RefCell::new(Float::new(64));
}

impl Real for Float {
    type Ctx = u32;
    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn from_f64(v: f64, prec: u32) -> Self {
        Float::with_val(prec, v)
    }
    fn from_rational(q: &Rational, prec: u32) -> Self {
        Float::with_val(prec, q)
    }
    fn epsilon(prec: u32) -> Self {
        Float::with_val(prec, Float::u_exp(1, 1 - prec as i32))
    }
    fn to_f64(&self) -> f64 {
        Float::to_f64(self)
    }
    fn exp(self) -> Self {
        Float::exp(self)
    }
    fn ln(self) -> Self {
        Float::ln(self)
    }
    fn sqrt(self) -> Self {
        Float::sqrt(self)
    }
    fn abs(self) -> Self {
        Float::abs(self)
    }
    fn is_finite(&self) -> bool {
        Float::is_finite(self)
    }
    fn add_mul(&mut self, a: &Self, b: &Self) {
        *self += a * b;
    }
    fn set_zero(&mut self) {
        self.assign(0.0);
    }
    /// `mpfr_sqr` when `a` and `b` are the same value (same rounded result, half the work).
    fn set_mul(&mut self, a: &Self, b: &Self) {
        if std::ptr::eq(a, b) {
            self.assign(a.square_ref());
        } else {
            self.assign(a * b);
        }
    }
    /// A power of two divides the exponent only (`mpfr_div_2ui`: exact, the same value).
    fn div_by_count(&mut self, k: u64, d: &Self, inv_d: &Self) {
        let _ = (d, inv_d);
        if k.is_power_of_two() {
            *self >>= k.trailing_zeros();
        } else {
            *self /= k;
        }
    }
    /// The product in a stack temporary up to [`STACK_LIMBS`] limbs (MPFR's custom interface),
    /// else in a per-thread scratch float: no allocation either way.
    fn sub_scaled(&mut self, a: &Self, b: &Self) {
        let prec = self.prec();
        if prec as usize <= 64 * STACK_LIMBS {
            let mut limbs = [0u64; STACK_LIMBS];
            let rnd = gmp_mpfr_sys::mpfr::rnd_t::RNDN;
            // SAFETY: `t` is an mpfr_t over `limbs` (enough for `prec` bits), used only in
            // this block and never passed to a function that reallocates; MPFR allows the
            // output to alias an input; `s` is the live mpfr_t of `self`.
            unsafe {
                use gmp_mpfr_sys::mpfr;
                let mut t = std::mem::MaybeUninit::<mpfr::mpfr_t>::uninit();
                mpfr::custom_init_set(t.as_mut_ptr(), mpfr::ZERO_KIND, 0, prec.into(), limbs.as_mut_ptr().cast());
                let mut t = t.assume_init();
                let tp: *mut mpfr::mpfr_t = &mut t;
                let sp = self.as_raw_mut();
                mpfr::mul(tp, sp, a.as_raw(), rnd);
                mpfr::mul(tp, tp, b.as_raw(), rnd);
                mpfr::sub(sp, sp, tp, rnd);
            }
            return;
        }
        SCRATCH.with(|cell| {
            let mut t = cell.borrow_mut();
            if t.prec() != self.prec() {
                t.set_prec(self.prec());
            }
            t.assign(&*self * a);
            *t *= b;
            *self -= &*t;
        })
    }
    const SCALED_DOTS: bool = true;
    /// Each entry the exact sum rounded once ([`crate::numeric::mpfr_dot`]).
    fn scaled_matvec(a: &ScaledCols, v: &[Self], minus: Option<&[Self]>, out: &mut [Self]) -> bool {
        scaled_matvec(a, v, minus, out);
        true
    }
    fn to_decimal(&self, digits: Option<usize>) -> String {
        let d = digits.unwrap_or_else(|| self.decimal_digits());
        self.to_string_radix(10, Some(d))
    }
    fn decimal_digits(&self) -> usize {
        (f64::from(self.prec()) * std::f64::consts::LOG10_2).ceil() as usize + 1
    }
}

/// `Σ a_i b_i` accumulated in order (a fixed order keeps results bit-identical).
#[inline(always)]
pub fn dot<T: Real>(a: &[T], b: &[T], ctx: T::Ctx) -> T {
    let mut acc = T::zero(ctx);
    for (ai, bi) in a.iter().zip(b) {
        acc.add_mul(ai, bi);
    }
    acc
}

/// `Σ |a_i|`.
pub fn norm1<T: Real>(a: &[T], ctx: T::Ctx) -> T {
    let mut acc = T::zero(ctx);
    for ai in a {
        acc += &ai.clone().abs();
    }
    acc
}

/// `Σ a_i²`.
#[inline(always)]
pub fn norm2_sq<T: Real>(a: &[T], ctx: T::Ctx) -> T {
    dot(a, a, ctx)
}

/// Rounding of exact rationals to the nearest `f64` (rug's own `Rational::to_f64`
/// truncates towards zero, which turns 1/1000 into 0.0009999999999999998).
pub trait Nearest {
    /// The nearest `f64` (ties to even).
    fn nearest(&self) -> f64;
}

impl Nearest for Rational {
    fn nearest(&self) -> f64 {
        Float::with_val(53, self).to_f64()
    }
}

// ---------------------------------------------------------------------------------------
// Functions built from exp, ln and sqrt.

/// The constant 2 in the context.
pub fn two<T: Real>(ctx: T::Ctx) -> T {
    T::from_i64(2, ctx)
}

/// ln(1 + u) accurate also for tiny u (Goldberg's trick: exact in any binary floating
/// arithmetic with correctly rounded ln, f64 and MPFR alike).
pub fn ln_1p<T: Real>(u: &T) -> T {
    let one = T::one(u.ctx());
    let w = one.clone() + u;
    if w == one {
        return u.clone();
    }
    let den = w.clone() - &one;
    w.ln() * u / &den
}

/// asinh x = sign(x)·ln1p(|x| + x²/(1 + √(1 + x²))), accurate for small and large |x|.
pub fn asinh<T: Real>(x: &T) -> T {
    let ctx = x.ctx();
    let a = x.clone().abs();
    let one = T::one(ctx);
    let x2 = a.clone() * &a;
    let r = (one.clone() + &x2).sqrt();
    let v = if a > T::from_f64(1e8, ctx) { (a.clone() + &r).ln() } else { ln_1p(&(a.clone() + &(x2 / &(one + &r)))) };
    if *x < T::zero(ctx) {
        -v
    } else {
        v
    }
}
