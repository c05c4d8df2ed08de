//! Dot products of an f64 matrix with double-double or quad-double vectors,
//! `out_j = Σ_i a_ij·v_i`, with one renormalization per dot product instead of one per
//! multiply-add (the designs' entries are usually exact doubles: k/8, small integers).
//!
//! **Method.** Each product a·v (a an f64, v = v₀ + v₁ + … a renormalized multi-component
//! number, |v_{k+1}| ≤ u|v_k|, u = 2⁻⁵³) is split exactly by `two_prod` into p_k + e_k,
//! p_k = fl(a·v_k) (for quad-double the last one, p₃ = fl(a·v₃), is rounded). The pieces of
//! order u^k go to level k of an accumulator s₀, s₁, …, s_L (L = 4 for quad-double, 2 for
//! double-double): at each level the term's pieces and the carries from the level above are
//! combined, and added to s_k, by `two_sum`, whose exact errors are carried to level k + 1;
//! level L adds plainly. Every 256 rows, and at the end, the levels are summed exactly
//! (`two_sum` from the bottom) and rounded to a renormalized dd/qd by the type's own addition.
//! Columns are independent lanes (4 at a time, in one AVX2 register when the CPU has it);
//! each lane's operations are the same in the same order on every path, and `two_prod`'s
//! fused multiply-add is correctly rounded on every path, so the bits do not depend on the CPU.
//!
//! **Error bound** (proved here). Let T = Σ_i |a_i|·|v_i| over a block of N ≤ 256 rows plus
//! |seed| (the block's starting value, the previous blocks' rounded sum), γ = (1+u)^{8N}
//! (< 1 + 2⁻⁴², so every "≈" below is an inequality after a factor γ ≤ 1.0001). Every
//! `two_sum` is exact, so the only errors are (a) the rounded pieces, (b) the plain
//! additions at level L, (c) the final rounding.
//! Magnitudes: a value produced by additions of inputs x₁…x_m is at most (1+u)^m Σ|x_i|, and a
//! `two_sum` carry is at most u times the sum it rounds. Let A_k be the sum of the moduli of
//! everything entering level k in the block. The term's own pieces at level k (e_{k−1}, p_k,
//! and the seed's k-th component) total at most 3u^k·T; level k emits q_k carries per row
//! (qd: q = 1, 3, 5, 6 for k = 0..3; dd: q = 1, 3), each ≤ uγA_k. Hence
//! A₀ ≤ γT, A₁ ≤ (N+3)uγ²T, A₂ ≤ 3(N+3)²u²γ³T, A₃ ≤ 15(N+3)³u³γ⁴T, A₄ ≤ 90(N+3)⁴u⁴γ⁵T.
//!
//! * Quad-double: (a) p₃'s rounding ≤ u·|a v₃| ≤ u⁴|a|·|v| and the plain sum e₂ + p₃
//!   (≤ 2u³|a|·|v|) rounds by ≤ 2u⁴|a|·|v|: together ≤ 3u⁴T; (b) 6N plain additions at level 4,
//!   each ≤ uγA₄: ≤ 540N(N+3)⁴u⁵γ⁶T < 0.07u⁴T for N ≤ 256; (c) the levels are first summed
//!   exactly into z₀ + z₁ (a renormalized pair, |z₁| ≤ ½ulp z₀) + z₂ + z₃ + z₄, then z₂, z₃,
//!   z₄ are added in quad-double, each addition with normwise error ≤ 4ε(|x| + |y|),
//!   ε = 2⁻²⁰⁹ = 8u⁴ (the bound tests/arithmetic.rs checks for quad-double addition; QD's
//!   paper gives 2ε): ≤ 3·4ε·γT ≤ 97u⁴T. Total per block ≤ 101u⁴T < **2⁻²⁰⁵·T**.
//! * Double-double: (a) nothing is rounded (p₁'s error e₁ is kept); (b) 4N plain additions at
//!   level 2, each ≤ uγA₂: ≤ 12N(N+3)²u³γ⁴T < 2⁻¹³¹T for N ≤ 256; (c) z₀ + z₁ + z₂ exactly,
//!   then one accurate double-double addition (relative error ≤ 2·2⁻¹⁰⁶): ≤ 2⁻¹⁰⁵γT. Total per
//!   block < **2⁻¹⁰⁴·T**.
//!
//! For n rows the errors of ⌈n/256⌉ blocks add (each block's T is at most the whole T times
//! γ). The multiply-add chain this replaces had n times a per-operation normwise error (≈ 2ε
//! each), so for n ≥ 4 the bound is smaller than before.

use crate::numeric::eft::{two_prod, two_sum};
use crate::numeric::lanes::F4;

/// Columns processed together (one AVX2 register of f64).
const W: usize = 4;
/// Rows per block between renormalizations (the error bound above assumes ≤ 256).
pub const BLOCK: usize = 256;

/// Quad-double `out_j = Σ_i a[i·cols + j]·v_i` (see the module doc). `comps` reads a value's
/// four components, `finish` rounds five exact levels to a value (four lanes at once).
pub fn qd_matvec_t<T: Copy>(
    rows: usize,
    cols: usize,
    a: &[f64],
    v: &[T],
    out: &mut [T],
    comps: impl Fn(&T) -> [f64; 4] + Copy,
    finish: impl Fn([F4; 5]) -> [T; W] + Copy,
) {
    #[cfg(target_arch = "x86_64")]
    if crate::numeric::lanes::wide() {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { qd_wide(rows, cols, a, v, out, comps, finish) };
    }
    qd_body(rows, cols, a, v, out, comps, finish)
}

/// Double-double `out_j = Σ_i a[i·cols + j]·v_i` (see the module doc).
pub fn dd_matvec_t<T: Copy>(
    rows: usize,
    cols: usize,
    a: &[f64],
    v: &[T],
    out: &mut [T],
    comps: impl Fn(&T) -> [f64; 2] + Copy,
    finish: impl Fn([F4; 3]) -> [T; W] + Copy,
) {
    #[cfg(target_arch = "x86_64")]
    if crate::numeric::lanes::wide() {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { dd_wide(rows, cols, a, v, out, comps, finish) };
    }
    dd_body(rows, cols, a, v, out, comps, finish)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn qd_wide<T: Copy>(
    rows: usize,
    cols: usize,
    a: &[f64],
    v: &[T],
    out: &mut [T],
    comps: impl Fn(&T) -> [f64; 4] + Copy,
    finish: impl Fn([F4; 5]) -> [T; W] + Copy,
) {
    qd_body(rows, cols, a, v, out, comps, finish)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dd_wide<T: Copy>(
    rows: usize,
    cols: usize,
    a: &[f64],
    v: &[T],
    out: &mut [T],
    comps: impl Fn(&T) -> [f64; 2] + Copy,
    finish: impl Fn([F4; 3]) -> [T; W] + Copy,
) {
    dd_body(rows, cols, a, v, out, comps, finish)
}

/// The a-values of one row for columns j0..j0+W (zero past the last column).
#[inline(always)]
fn load(row: &[f64], j0: usize) -> [f64; W] {
    if let Some(c) = row.get(j0..j0 + W) {
        return [c[0], c[1], c[2], c[3]];
    }
    let mut x = [0.0; W];
    for (l, xl) in x.iter_mut().enumerate() {
        if let Some(&r) = row.get(j0 + l) {
            *xl = r;
        }
    }
    x
}

/// One row's products added into the five levels of W lanes.
#[inline(always)]
fn qd_row(s: &mut [[f64; W]; 5], x: &[f64; W], v: [f64; 4]) {
    for l in 0..W {
        let a = x[l];
        let (p0, e0) = two_prod(a, v[0]);
        let (p1, e1) = two_prod(a, v[1]);
        let (p2, e2) = two_prod(a, v[2]);
        let p3 = a * v[3];
        let (s0, c0) = two_sum(s[0][l], p0);
        let (t, f1) = two_sum(e0, p1);
        let (t, f2) = two_sum(t, c0);
        let (s1, c1) = two_sum(s[1][l], t);
        let (t, g1) = two_sum(e1, p2);
        let (t, g2) = two_sum(t, f1);
        let (t, g3) = two_sum(t, f2);
        let (t, g4) = two_sum(t, c1);
        let (s2, g5) = two_sum(s[2][l], t);
        let (t, h1) = two_sum(e2 + p3, g1);
        let (t, h2) = two_sum(t, g2);
        let (t, h3) = two_sum(t, g3);
        let (t, h4) = two_sum(t, g4);
        let (t, h5) = two_sum(t, g5);
        let (s3, h6) = two_sum(s[3][l], t);
        s[0][l] = s0;
        s[1][l] = s1;
        s[2][l] = s2;
        s[3][l] = s3;
        s[4][l] += ((((h1 + h2) + h3) + h4) + h5) + h6;
    }
}

/// One row's products added into the three levels of W lanes.
#[inline(always)]
fn dd_row(s: &mut [[f64; W]; 3], x: &[f64; W], v: [f64; 2]) {
    for l in 0..W {
        let a = x[l];
        let (p0, e0) = two_prod(a, v[0]);
        let (p1, e1) = two_prod(a, v[1]);
        let (s0, c0) = two_sum(s[0][l], p0);
        let (t, f1) = two_sum(e0, p1);
        let (t, f2) = two_sum(t, c0);
        let (s1, c1) = two_sum(s[1][l], t);
        s[0][l] = s0;
        s[1][l] = s1;
        s[2][l] += ((e1 + f1) + f2) + c1;
    }
}

/// The levels of the W lanes as lane vectors.
#[inline(always)]
fn levels<const L: usize>(s: &[[f64; W]; L]) -> [F4; L] {
    std::array::from_fn(|k| F4(s[k]))
}

/// Levels restarted from rounded values (a block boundary): components on their levels.
#[inline(always)]
fn reseed<T, const K: usize, const L: usize>(s: &mut [[f64; W]; L], vals: &[T; W], comps: impl Fn(&T) -> [f64; K]) {
    *s = [[0.0; W]; L];
    for (l, val) in vals.iter().enumerate() {
        for (k, c) in comps(val).into_iter().enumerate() {
            s[k][l] = c;
        }
    }
}

macro_rules! body {
    ($name:ident, $k:literal, $l:literal, $row:ident) => {
        #[inline(always)]
        fn $name<T: Copy>(
            rows: usize,
            cols: usize,
            a: &[f64],
            v: &[T],
            out: &mut [T],
            comps: impl Fn(&T) -> [f64; $k] + Copy,
            finish: impl Fn([F4; $l]) -> [T; W] + Copy,
        ) {
            for j0 in (0..cols).step_by(W) {
                let mut s = [[0.0f64; W]; $l];
                for i in 0..rows {
                    if i > 0 && i % BLOCK == 0 {
                        let vals = finish(levels(&s));
                        reseed(&mut s, &vals, comps);
                    }
                    let x = load(&a[i * cols..(i + 1) * cols], j0);
                    $row(&mut s, &x, comps(&v[i]));
                }
                let vals = finish(levels(&s));
                for (o, val) in out[j0..cols.min(j0 + W)].iter_mut().zip(vals) {
                    *o = val;
                }
            }
        }
    };
}

body!(qd_body, 4, 5, qd_row);
body!(dd_body, 2, 3, dd_row);
