//! Arithmetic modulo the Mersenne prime p = 2⁶¹ − 1 (shared by the rank test of [`super::exact`]
//! and Dixon's solver [`super::dixon`]): reduction of a 122-bit product by folding (2⁶¹ ≡ 1).

/// The Mersenne prime 2⁶¹ − 1.
pub const P: u64 = (1 << 61) - 1;

#[inline]
pub(crate) fn mul_mod(a: u64, b: u64) -> u64 {
    let z = a as u128 * b as u128;
    let s = (z as u64 & P) + (z >> 61) as u64;
    if s >= P {
        s - P
    } else {
        s
    }
}

#[inline]
pub(crate) fn sub_mod(a: u64, b: u64) -> u64 {
    if a >= b {
        a - b
    } else {
        a + P - b
    }
}

pub(crate) fn inv_mod(a: u64) -> u64 {
    // Fermat: a^(p−2).
    let (mut base, mut e, mut acc) = (a, P - 2, 1u64);
    while e > 0 {
        if e & 1 == 1 {
            acc = mul_mod(acc, base);
        }
        base = mul_mod(base, base);
        e >>= 1;
    }
    acc
}

#[inline]
pub(crate) fn add_mod(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P {
        s - P
    } else {
        s
    }
}
