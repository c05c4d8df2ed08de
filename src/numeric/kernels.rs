//! The f64 matrix–vector kernels of the GD step, in plain Rust written so the compiler
//! vectorizes them (SSE2 or AVX2, the same bits either way: no a·b + c is contracted into an
//! FMA, and every sum has one fixed order whatever the vector width).
//!
//! - [`dot`]: `Σ a_j b_j` in [`LANES`] partial sums (partial sum k takes the j ≡ k mod
//!   [`LANES`] terms of the full chunks, in order), combined in a fixed halving tree, then
//!   the tail `j ≥ LANES·⌊len/LANES⌋` added in order. Below [`LANES`] entries this is the
//!   plain left-to-right sum.
//! - [`matvec`]: `out_i = dot(A_i, v)` over a row-major A.
//! - [`matvec_t`]: `out = Aᵀv`, each `out_j` summed over i in index order (row axpys).
//! - [`residual_grad`]: the two fused in one pass over A: `r_i = dot(A_i, v) − y_i`, then
//!   `g += r_i·A_i` while row i is still in L1; returns `Σ r_i²` in index order. The same
//!   bits as [`matvec`], `− y`, [`matvec_t`] and the ordered sum of squares.
//!
//! ```
//! use normsharp::numeric::kernels::{dot, residual_grad};
//! assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
//! let (mut r, mut g) = ([0.0; 1], [0.0; 2]);
//! let ss = residual_grad(1, 2, &[1.0, 2.0], &[1.0, 1.0], &[1.0], &mut r, &mut g);
//! assert_eq!((r, g, ss), ([2.0], [2.0, 4.0], 4.0));
//! ```

/// Number of independent partial sums in [`dot`] (four AVX2 vectors: enough to hide the
/// add latency of two adders).
pub const LANES: usize = 16;

/// `Σ a_j b_j` over the common length, in the fixed order of the module doc.
#[inline(always)]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let full = len / LANES * LANES;
    let mut s = [0.0f64; LANES];
    for (x, y) in a[..full].chunks_exact(LANES).zip(b[..full].chunks_exact(LANES)) {
        for k in 0..LANES {
            s[k] += x[k] * y[k];
        }
    }
    let mut acc = tree(s);
    for (x, y) in a[full..].iter().zip(&b[full..]) {
        acc += x * y;
    }
    acc
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

/// `out = A·v` for a row-major `rows×cols` A (each entry a [`dot`]).
#[inline(always)]
pub fn matvec(rows: usize, cols: usize, a: &[f64], v: &[f64], out: &mut [f64]) {
    for (o, row) in out.iter_mut().zip(a.chunks_exact(cols.max(1))).take(rows) {
        *o = dot(row, &v[..cols]);
    }
}

/// `out = Aᵀ·v` for a row-major `rows×cols` A: `out_j = Σ_i A_ij v_i` summed in index order.
#[inline(always)]
pub fn matvec_t(rows: usize, cols: usize, a: &[f64], v: &[f64], out: &mut [f64]) {
    let out = &mut out[..cols];
    out.fill(0.0);
    axpy_rows(cols, &a[..rows * cols], &v[..rows], out);
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

/// Fused `r = A·v − y` and `g = Aᵀr` over a row-major `rows×cols` A, in one pass over A
/// (blocks of four rows: their dot products, then their axpys from L1); returns `Σ r_i²`
/// (in index order). Bit-identical to [`matvec`], `r −= y`, [`matvec_t`] and the sum.
#[inline(always)]
pub fn residual_grad(rows: usize, cols: usize, a: &[f64], v: &[f64], y: &[f64], r: &mut [f64], g: &mut [f64]) -> f64 {
    let (v, g, r, y) = (&v[..cols], &mut g[..cols], &mut r[..rows], &y[..rows]);
    g.fill(0.0);
    if cols == 0 {
        r.iter_mut().zip(y).for_each(|(ri, yi)| *ri = -yi);
        return r.iter().fold(0.0, |s, ri| s + ri * ri);
    }
    let mut ss = 0.0;
    const BLOCK: usize = 4;
    for ((blk, rb), yb) in a[..rows * cols].chunks(BLOCK * cols).zip(r.chunks_mut(BLOCK)).zip(y.chunks(BLOCK)) {
        for ((ri, row), yi) in rb.iter_mut().zip(blk.chunks_exact(cols)).zip(yb) {
            *ri = dot(row, v) - yi;
            ss += *ri * *ri;
        }
        axpy_rows(cols, blk, rb, g);
    }
    ss
}
