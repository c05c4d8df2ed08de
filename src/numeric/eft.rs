//! Error-free transformations (Knuth, Dekker; as used by the QD library of Hida, Li and
//! Bailey, 2001): a sum or product of two f64 returned as its rounded value and the exact
//! rounding error, the building blocks of double-double, quad-double and the mixed dot
//! products. Each works lane by lane on one f64 or on four ([`Lane`]).

use crate::numeric::lanes::Lane;

/// s + e = a + b exactly, s = fl(a + b) (Knuth's two_sum, 6 flops, any order of |a|, |b|).
#[inline(always)]
pub fn two_sum<L: Lane>(a: L, b: L) -> (L, L) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// s + e = a + b exactly when |a| ≥ |b| (or a = 0) (Dekker's fast two_sum).
#[inline(always)]
pub fn quick_two_sum<L: Lane>(a: L, b: L) -> (L, L) {
    let s = a + b;
    (s, b - (s - a))
}

/// p + e = a·b exactly, p = fl(a·b) (the error from one fused multiply-add).
#[inline(always)]
pub fn two_prod<L: Lane>(a: L, b: L) -> (L, L) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// `x` is a normal power of two (so scaling by it is exact barring underflow).
#[inline(always)]
pub fn power_of_two(x: f64) -> bool {
    x.is_normal() && x.to_bits() & ((1u64 << 52) - 1) == 0
}
