//! The f64 matrix–vector kernels of the GD step. Each sum has one fixed order, whatever the
//! vector width: the AVX2 versions (chosen at run time) do operation for operation what the
//! plain-Rust versions do, and no a·b + c is contracted into an FMA, so results are the same
//! bits on every x86-64 CPU and every thread count.
//!
//! Orders (A is `rows×cols`; "small" means `rows·cols <` [`FUSED_MIN_ENTRIES`]):
//! - `(A·v)_i`: small, `Σ_j A_ij v_j` left to right; large, [`dot`] (16 partial sums
//!   combined in a fixed tree, then the tail in order).
//! - `(Aᵀv)_j = Σ_i A_ij v_i`: left to right, always.
//!
//! [`residual_grad`] gives r = A·v − y, g = Aᵀr and ‖r‖² for the GD step: small, in two
//! register-blocked passes (the column-major copy for r, the row-major one for g: both stay
//! in L2); large, in one pass over the row-major A (pairs of rows share the loads of v, and
//! each block of four rows is added into g while it is still in L1).
//!
//! ```
//! use normsharp::numeric::kernels::{dot, residual_grad};
//! assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
//! let (mut r, mut g) = ([0.0; 1], [0.0; 2]);
//! let ss = residual_grad(1, 2, &[1.0, 2.0], &[1.0, 2.0], &[1.0, 1.0], &[1.0], &mut r, &mut g);
//! assert_eq!((r, g, ss), ([2.0], [2.0, 4.0], 4.0));
//! ```

/// Number of independent partial sums in [`dot`] (four AVX2 vectors: enough to hide the
/// add latency of two adders).
pub const LANES: usize = 16;

/// `Σ a_j b_j` over the common length, in the fixed order of the module doc.
#[inline(always)]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU has AVX2.
        return unsafe { dot_avx2(a, b) };
    }
    dot_portable(a, b)
}

/// [`dot`] in plain Rust (what the AVX2 version computes, operation for operation).
#[inline(always)]
fn dot_portable(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let full = len / LANES * LANES;
    let mut s = [0.0f64; LANES];
    for (x, y) in a[..full].chunks_exact(LANES).zip(b[..full].chunks_exact(LANES)) {
        let (Ok(x), Ok(y)) = (<&[f64; LANES]>::try_from(x), <&[f64; LANES]>::try_from(y)) else { continue };
        s = add_products(s, x, y);
    }
    let mut acc = tree(s);
    for (x, y) in a[full..].iter().zip(&b[full..]) {
        acc += x * y;
    }
    acc
}

/// The CPU has AVX2 (cached by the standard library after the first call).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// [`dot`] in four AVX2 registers holding partial sums 0–3, 4–7, 8–11, 12–15; the tree
/// adds registers (w = 8, 4), then the two halves (w = 2), then the two lanes (w = 1):
/// exactly [`dot_portable`]'s operations.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2(a: &[f64], b: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let len = a.len().min(b.len());
    let full = len / LANES * LANES;
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut s = [_mm256_setzero_pd(); 4];
    let mut j = 0;
    while j < full {
        for (q, sq) in s.iter_mut().enumerate() {
            // SAFETY: j + 4q + 4 ≤ full ≤ len.
            let p = unsafe { _mm256_mul_pd(_mm256_loadu_pd(pa.add(j + 4 * q)), _mm256_loadu_pd(pb.add(j + 4 * q))) };
            *sq = _mm256_add_pd(*sq, p);
        }
        j += LANES;
    }
    let u = _mm256_add_pd(_mm256_add_pd(s[0], s[2]), _mm256_add_pd(s[1], s[3]));
    let v = _mm_add_pd(_mm256_castpd256_pd128(u), _mm256_extractf128_pd::<1>(u));
    let mut acc = _mm_cvtsd_f64(_mm_add_sd(v, _mm_unpackhi_pd(v, v)));
    for (x, y) in a[full..len].iter().zip(&b[full..len]) {
        acc += x * y;
    }
    acc
}

/// [`dot`] of two rows with the same vector (`(dot(a0, v), dot(a1, v))`, the same bits),
/// sharing the loads of v.
#[inline(always)]
pub fn dot2(a0: &[f64], a1: &[f64], v: &[f64]) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU has AVX2.
        return unsafe { dot2_avx2(a0, a1, v) };
    }
    (dot_portable(a0, v), dot_portable(a1, v))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot2_avx2(a0: &[f64], a1: &[f64], v: &[f64]) -> (f64, f64) {
    use std::arch::x86_64::*;
    let len = v.len();
    let (a0, a1) = (&a0[..len], &a1[..len]);
    let full = len / LANES * LANES;
    let (p0, p1, pv) = (a0.as_ptr(), a1.as_ptr(), v.as_ptr());
    let mut s = [_mm256_setzero_pd(); 4];
    let mut t = [_mm256_setzero_pd(); 4];
    let mut j = 0;
    while j < full {
        for q in 0..4 {
            // SAFETY: j + 4q + 4 ≤ full ≤ len.
            unsafe {
                let vq = _mm256_loadu_pd(pv.add(j + 4 * q));
                s[q] = _mm256_add_pd(s[q], _mm256_mul_pd(_mm256_loadu_pd(p0.add(j + 4 * q)), vq));
                t[q] = _mm256_add_pd(t[q], _mm256_mul_pd(_mm256_loadu_pd(p1.add(j + 4 * q)), vq));
            }
        }
        j += LANES;
    }
    let fold = |s: [__m256d; 4]| {
        let u = _mm256_add_pd(_mm256_add_pd(s[0], s[2]), _mm256_add_pd(s[1], s[3]));
        let w = _mm_add_pd(_mm256_castpd256_pd128(u), _mm256_extractf128_pd::<1>(u));
        _mm_cvtsd_f64(_mm_add_sd(w, _mm_unpackhi_pd(w, w)))
    };
    let (mut x0, mut x1) = (fold(s), fold(t));
    for ((b0, b1), vj) in a0[full..].iter().zip(&a1[full..]).zip(&v[full..]) {
        x0 += b0 * vj;
        x1 += b1 * vj;
    }
    (x0, x1)
}

/// `s_k + x_k·y_k` for each k.
#[inline(always)]
fn add_products(s: [f64; LANES], x: &[f64; LANES], y: &[f64; LANES]) -> [f64; LANES] {
    std::array::from_fn(|k| s[k] + x[k] * y[k])
}

/// `((s₀+s₈)+(s₄+s₁₂)) + …`: the halving tree s_k ← s_k + s_{k+w} for w = 8, 4, 2, 1.
#[inline(always)]
fn tree(mut s: [f64; LANES]) -> f64 {
    let mut w = LANES / 2;
    while w > 0 {
        for k in 0..w {
            s[k] += s[k + w];
        }
        w /= 2;
    }
    s[0]
}

/// `out += Σ_i c_i·A_i` over the rows A_i of `a` (row length `cols`), for each entry in the
/// order i = 0, 1, …: four rows per pass over `out` (one load and store of `out` per four
/// rows), each entry still `(((o + A₀c₀) + A₁c₁) + A₂c₂) + A₃c₃`.
#[inline(always)]
fn axpy_rows(cols: usize, a: &[f64], c: &[f64], out: &mut [f64]) {
    if cols == 0 {
        return;
    }
    let mut blocks = a.chunks_exact(4 * cols);
    let mut cs = c.chunks_exact(4);
    for (blk, cc) in (&mut blocks).zip(&mut cs) {
        let (a0, rest) = blk.split_at(cols);
        let (a1, rest) = rest.split_at(cols);
        let (a2, a3) = rest.split_at(cols);
        for j in 0..cols {
            out[j] = (((out[j] + a0[j] * cc[0]) + a1[j] * cc[1]) + a2[j] * cc[2]) + a3[j] * cc[3];
        }
    }
    for (row, &ci) in blocks.remainder().chunks_exact(cols).zip(cs.remainder()) {
        for (o, x) in out.iter_mut().zip(row) {
            *o += x * ci;
        }
    }
}

/// The large form of [`residual_grad`]: one pass over the row-major A (blocks of four rows:
/// their [`dot`]s, two rows at a time, then their axpys from L1).
#[inline(always)]
fn residual_grad_fused(rows: usize, cols: usize, a: &[f64], v: &[f64], y: &[f64], r: &mut [f64], g: &mut [f64]) -> f64 {
    let (v, g, r, y) = (&v[..cols], &mut g[..cols], &mut r[..rows], &y[..rows]);
    g.fill(0.0);
    if cols == 0 {
        r.iter_mut().zip(y).for_each(|(ri, yi)| *ri = -yi);
        return r.iter().fold(0.0, |s, ri| s + ri * ri);
    }
    let mut ss = 0.0;
    const BLOCK: usize = 4;
    for ((blk, rb), yb) in a[..rows * cols].chunks(BLOCK * cols).zip(r.chunks_mut(BLOCK)).zip(y.chunks(BLOCK)) {
        let mut rows2 = blk.chunks_exact(2 * cols);
        let mut rs2 = rb.chunks_exact_mut(2);
        let mut ys2 = yb.chunks_exact(2);
        for ((pair, rr), yy) in (&mut rows2).zip(&mut rs2).zip(&mut ys2) {
            let (x0, x1) = dot2(&pair[..cols], &pair[cols..], v);
            rr[0] = x0 - yy[0];
            rr[1] = x1 - yy[1];
            ss += rr[0] * rr[0];
            ss += rr[1] * rr[1];
        }
        for ((ri, row), yi) in rs2.into_remainder().iter_mut().zip(rows2.remainder().chunks_exact(cols)).zip(ys2.remainder()) {
            *ri = dot(row, v) - yi;
            ss += *ri * *ri;
        }
        axpy_rows(cols, blk, rb, g);
    }
    ss
}

/// `out = A·v` from the column-major copy `at` of a `rows×cols` A (`at[j·rows + i]`), each
/// `out_i` summed over j in index order (column axpys, vectorized across rows in blocks of
/// [`COL_BLOCK`] rows kept in registers).
#[inline(always)]
pub fn matvec_cols(rows: usize, cols: usize, at: &[f64], v: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the CPU has AVX2.
        return unsafe { matvec_cols_avx2(rows, cols, at, v, out) };
    }
    matvec_cols_portable(rows, cols, at, v, out, 0)
}

/// Rows per register block of [`matvec_cols`] (eight AVX2 registers: enough independent
/// sums to keep both adders busy).
pub const COL_BLOCK: usize = 32;

/// [`matvec_cols`] for rows `from..rows` in plain Rust.
#[inline(always)]
fn matvec_cols_portable(rows: usize, cols: usize, at: &[f64], v: &[f64], out: &mut [f64], from: usize) {
    let at = &at[..rows * cols];
    for (i, o) in out.iter_mut().enumerate().take(rows).skip(from) {
        let mut acc = 0.0;
        for (j, vj) in v[..cols].iter().enumerate() {
            acc += at[j * rows + i] * vj;
        }
        *o = acc;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn matvec_cols_avx2(rows: usize, cols: usize, at: &[f64], v: &[f64], out: &mut [f64]) {
    let (at, v, out) = (&at[..rows * cols], &v[..cols], &mut out[..rows]);
    let mut i = 0;
    while i < rows {
        let left = rows - i;
        // SAFETY (each call): rows i..i + min(left, 4K) exist; the block reads at[j·rows + i..]
        // for those rows only (the last vector masked) and writes out[i..] for them only.
        unsafe {
            match left.div_ceil(4) {
                1 => col_block::<1>(rows, at, v, out, i, left),
                2 => col_block::<2>(rows, at, v, out, i, left),
                3 => col_block::<3>(rows, at, v, out, i, left),
                4 => col_block::<4>(rows, at, v, out, i, left),
                5 => col_block::<5>(rows, at, v, out, i, left),
                6 => col_block::<6>(rows, at, v, out, i, left),
                7 => col_block::<7>(rows, at, v, out, i, left),
                _ => col_block::<8>(rows, at, v, out, i, left),
            }
        }
        i += COL_BLOCK.min(left);
    }
}

/// Rows `i..i + min(left, 4K)` of [`matvec_cols`] in K AVX2 accumulators, one pass over the
/// columns (each row's sum left to right; the last vector's missing rows masked off).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn col_block<const K: usize>(rows: usize, at: &[f64], v: &[f64], out: &mut [f64], i: usize, left: usize) {
    use std::arch::x86_64::*;
    let tail = left.min(4 * K) - 4 * (K - 1);
    let lanes = |k: usize| if k < tail { -1i64 } else { 0 };
    let mask = _mm256_set_epi64x(lanes(3), lanes(2), lanes(1), lanes(0));
    let pa = at.as_ptr();
    let mut s = [_mm256_setzero_pd(); K];
    for (j, &vj) in v.iter().enumerate() {
        let b = _mm256_set1_pd(vj);
        let col = j * rows + i;
        for (q, sq) in s.iter_mut().enumerate() {
            // SAFETY: rows i + 4q .. i + 4q + 4 exist for q < K − 1, and the masked lanes of
            // the last vector are not read.
            let x = unsafe {
                if q + 1 < K {
                    _mm256_loadu_pd(pa.add(col + 4 * q))
                } else {
                    _mm256_maskload_pd(pa.add(col + 4 * q), mask)
                }
            };
            *sq = _mm256_add_pd(*sq, _mm256_mul_pd(x, b));
        }
    }
    let po = out.as_mut_ptr();
    for (q, sq) in s.iter().enumerate() {
        // SAFETY: as for the loads.
        unsafe {
            if q + 1 < K {
                _mm256_storeu_pd(po.add(i + 4 * q), *sq)
            } else {
                _mm256_maskstore_pd(po.add(i + 4 * q), mask, *sq)
            }
        }
    }
}

/// From this many entries on, `A·v` is summed by [`dot`] and [`residual_grad`] makes one pass
/// over A; below, both copies of A (256 KiB each at most) stay in L2 and the two
/// register-blocked passes are faster.
pub const FUSED_MIN_ENTRIES: usize = 32 * 1024;

/// The small form of [`residual_grad`]: `r = A·v − y` by [`matvec_cols`] over `at`, `g = Aᵀr`
/// by [`matvec_cols`] over `a` (a row-major `rows×cols` A is a column-major `cols×rows` Aᵀ).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn residual_grad_two_pass(rows: usize, cols: usize, a: &[f64], at: &[f64], v: &[f64], y: &[f64], r: &mut [f64], g: &mut [f64]) -> f64 {
    if rows == 1 {
        // One sample: r₀ = (Σ_j a_j v_j) − y₀ in index order, g_j = 0 + a_j·r₀.
        let a = &a[..cols];
        let mut acc = 0.0;
        for (x, vj) in a.iter().zip(&v[..cols]) {
            acc += x * vj;
        }
        let r0 = acc - y[0];
        r[0] = r0;
        for (gj, x) in g[..cols].iter_mut().zip(a) {
            *gj = 0.0 + x * r0;
        }
        return 0.0 + r0 * r0;
    }
    matvec_cols(rows, cols, at, v, r);
    let mut ss = 0.0;
    for (ri, yi) in r[..rows].iter_mut().zip(&y[..rows]) {
        *ri -= yi;
        ss += *ri * *ri;
    }
    matvec_cols(cols, rows, a, &r[..rows], g);
    ss
}

/// `out = A·v` for a row-major `rows×cols` A, in the order of the module doc.
#[inline(always)]
pub fn matvec(rows: usize, cols: usize, a: &[f64], v: &[f64], out: &mut [f64]) {
    let (a, v, out) = (&a[..rows * cols], &v[..cols], &mut out[..rows]);
    if cols == 0 {
        return out.fill(0.0);
    }
    if rows * cols < FUSED_MIN_ENTRIES {
        for (o, row) in out.iter_mut().zip(a.chunks_exact(cols)) {
            *o = row.iter().zip(v).fold(0.0, |acc, (x, vj)| acc + x * vj);
        }
        return;
    }
    let mut pairs = a.chunks_exact(2 * cols);
    let mut outs = out.chunks_exact_mut(2);
    for (pair, o) in (&mut pairs).zip(&mut outs) {
        (o[0], o[1]) = dot2(&pair[..cols], &pair[cols..], v);
    }
    for (o, row) in outs.into_remainder().iter_mut().zip(pairs.remainder().chunks_exact(cols)) {
        *o = dot(row, v);
    }
}

/// `out = A·v` given A row-major (`a`) and column-major (`at[j·rows + i]`): the values of
/// [`matvec`], read from the copy the faster pass reads.
#[inline(always)]
pub fn matvec_both(rows: usize, cols: usize, a: &[f64], at: &[f64], v: &[f64], out: &mut [f64]) {
    if rows * cols < FUSED_MIN_ENTRIES {
        matvec_cols(rows, cols, at, v, out)
    } else {
        matvec(rows, cols, a, v, out)
    }
}

/// `out = Aᵀ·v` for a row-major `rows×cols` A, each `out_j` summed over i left to right.
#[inline(always)]
pub fn matvec_t(rows: usize, cols: usize, a: &[f64], v: &[f64], out: &mut [f64]) {
    matvec_cols(cols, rows, a, v, out)
}

/// `r = A·v − y`, `g = Aᵀr` (A given row-major as `a` and column-major as `at`), with the
/// values of [`matvec_both`], `− y` and [`matvec_t`]; returns `Σ r_i²` summed left to right.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn residual_grad(rows: usize, cols: usize, a: &[f64], at: &[f64], v: &[f64], y: &[f64], r: &mut [f64], g: &mut [f64]) -> f64 {
    if rows * cols < FUSED_MIN_ENTRIES {
        residual_grad_two_pass(rows, cols, a, at, v, y, r, g)
    } else {
        residual_grad_fused(rows, cols, a, v, y, r, g)
    }
}

/// One shared-weights GD step on one sample (n = 1), fused in two passes over w:
/// β_j = w_j², r = Σ_j x_j β_j − y (left to right), g_j = x_j·r, w_j ← w_j − (w_j·2η)·g_j
/// (THEORY.md §2); returns L = r²/2 at the old w. The same bits as the separate passes
/// (`beta`, [`residual_grad`], `step`), without their `0 + ·` sign fixes on the critical path:
/// a left-to-right sum started at its first product instead of at +0 differs only when every
/// product is −0 (then −0 instead of +0), so r differs at most in the sign of a zero, g_j = x_j·r
/// then at most in the sign of a zero product, and w − (w·2η)·(±0) = w for finite w ≠ 0.
/// `None` (w untouched) unless every w_j is finite and non-zero and x, w have one length ≥ 1.
#[inline(always)]
pub fn sw_step_one_sample(x: &[f64], y: f64, w: &mut [f64], eta: f64) -> Option<f64> {
    // w_j finite and non-zero ⟺ 1 ≤ bits(|w_j|) ≤ bits(f64::MAX) (no early exit: one
    // branch for the whole check).
    let bad = w.iter().fold(false, |b, v| b | ((v.to_bits() & (u64::MAX >> 1)).wrapping_sub(1) >= f64::MAX.to_bits()));
    if bad || x.len() != w.len() || w.is_empty() {
        return None;
    }
    let mut acc = x[0] * (w[0] * w[0]);
    for (xj, wj) in x[1..].iter().zip(&w[1..]) {
        acc += xj * (wj * wj);
    }
    let r = acc - y;
    let two_eta = eta + eta;
    for (xj, wj) in x.iter().zip(w.iter_mut()) {
        let g = xj * r;
        *wj -= (*wj * two_eta) * g;
    }
    Some((r * r) * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values with full 53-bit mantissas and mixed signs and exponents (so
    /// that a different summation order shows in the bits).
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let m = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                m * f64::powi(2.0, ((s >> 5) % 9) as i32 - 4)
            })
            .collect()
    }

    fn seq_dot(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).fold(0.0, |acc, (x, y)| acc + x * y)
    }

    #[test]
    fn avx2_and_portable_dots_agree_bit_for_bit() {
        for len in 0..80 {
            let (a, b, c) = (values(len, 1), values(len, 2), values(len, 3));
            let p = dot_portable(&a, &b);
            assert_eq!(dot(&a, &b).to_bits(), p.to_bits(), "len {len}");
            let (x0, x1) = dot2(&a, &c, &b);
            assert_eq!((x0.to_bits(), x1.to_bits()), (p.to_bits(), dot_portable(&c, &b).to_bits()), "len {len}");
            if len < LANES {
                assert_eq!(p.to_bits(), seq_dot(&a, &b).to_bits(), "below LANES the sum is left to right");
            }
            #[cfg(target_arch = "x86_64")]
            if avx2() {
                // SAFETY: the CPU has AVX2.
                let (d, (y0, y1)) = unsafe { (dot_avx2(&a, &b), dot2_avx2(&a, &c, &b)) };
                assert_eq!((d.to_bits(), y0.to_bits(), y1.to_bits()), (p.to_bits(), p.to_bits(), dot_portable(&c, &b).to_bits()));
            }
        }
    }

    #[test]
    fn column_passes_sum_left_to_right_on_every_path() {
        for rows in [0, 1, 3, 4, 5, 16, 17, 37] {
            for cols in [0, 1, 2, 7, 19] {
                let (at, v) = (values(rows * cols, 4), values(cols, 5));
                let want: Vec<u64> = (0..rows).map(|i| (0..cols).fold(0.0, |acc, j| acc + at[j * rows + i] * v[j]).to_bits()).collect();
                let mut out = vec![f64::NAN; rows];
                matvec_cols_portable(rows, cols, &at, &v, &mut out, 0);
                assert_eq!(out.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want, "portable {rows}x{cols}");
                out.fill(f64::NAN);
                matvec_cols(rows, cols, &at, &v, &mut out);
                assert_eq!(out.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want, "dispatched {rows}x{cols}");
            }
        }
    }

    /// Both forms of the fused kernel give the values of the separate products (small: the
    /// left-to-right sums; large: the [`dot`] order for r, left to right for g).
    #[test]
    fn residual_grad_matches_the_separate_products() {
        for (rows, cols) in [(1, 4), (2, 3), (20, 50), (7, 31), (1, FUSED_MIN_ENTRIES), (129, 257), (130, 300)] {
            let a = values(rows * cols, 6);
            let at: Vec<f64> = (0..rows * cols).map(|k| a[(k % rows) * cols + k / rows]).collect();
            let (v, y) = (values(cols, 7), values(rows, 8));
            let mut want_r = vec![0.0; rows];
            matvec(rows, cols, &a, &v, &mut want_r);
            want_r.iter_mut().zip(&y).for_each(|(r, yi)| *r -= yi);
            let mut want_g = vec![0.0; cols];
            matvec_t(rows, cols, &a, &want_r, &mut want_g);
            let want_ss = want_r.iter().fold(0.0, |s, r| s + r * r);
            let (mut r, mut g) = (vec![f64::NAN; rows], vec![f64::NAN; cols]);
            let ss = residual_grad(rows, cols, &a, &at, &v, &y, &mut r, &mut g);
            let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!((bits(&r), bits(&g), ss.to_bits()), (bits(&want_r), bits(&want_g), want_ss.to_bits()), "{rows}x{cols}");
            let mut both = vec![0.0; rows];
            matvec_both(rows, cols, &a, &at, &v, &mut both);
            let mut g_seq = vec![0.0; cols];
            for (i, ri) in want_r.iter().enumerate() {
                g_seq.iter_mut().zip(&a[i * cols..]).for_each(|(gj, x)| *gj += x * ri);
            }
            assert_eq!(bits(&g_seq), bits(&want_g), "Aᵀr left to right");
            let small: Vec<f64> = (0..rows).map(|i| seq_dot(&a[i * cols..(i + 1) * cols], &v)).collect();
            let mut rr = vec![0.0; rows];
            matvec(rows, cols, &a, &v, &mut rr);
            assert_eq!(bits(&both), bits(&rr), "matvec_both = matvec");
            if rows * cols < FUSED_MIN_ENTRIES {
                assert_eq!(bits(&rr), bits(&small), "small: left to right");
            }
        }
    }
}
