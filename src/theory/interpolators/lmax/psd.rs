//! Dense helpers on top of faer's low-level API, always with `Par::Seq`
//! (no threads, bit-reproducible results).

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg;
use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch, LltRegularization};
use faer::{Accum, Mat, MatRef, Par};

/// `A·B`.
pub fn mm(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let mut c = Mat::<f64>::zeros(a.nrows(), b.ncols());
    linalg::matmul::matmul(c.as_mut(), Accum::Replace, a, b, 1.0, Par::Seq);
    c
}

/// `(A + Aᵀ)/2` in place.
pub fn symmetrize(a: &mut Mat<f64>) {
    let n = a.nrows();
    for j in 0..n {
        for i in (j + 1)..n {
            let v = 0.5 * (a[(i, j)] + a[(j, i)]);
            a[(i, j)] = v;
            a[(j, i)] = v;
        }
    }
}

/// `⟨A, B⟩ = Σ_ij A_ij B_ij`.
pub fn frob(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> f64 {
    let mut s = 0.0;
    for j in 0..a.ncols() {
        for i in 0..a.nrows() {
            s += a[(i, j)] * b[(i, j)];
        }
    }
    s
}

/// `diag(Aᵀ B)`: column-wise dot products of two n×d matrices.
pub fn coldots(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Vec<f64> {
    (0..a.ncols()).map(|j| (0..a.nrows()).map(|i| a[(i, j)] * b[(i, j)]).sum()).collect()
}

/// `trace(A)`.
pub fn trace(a: MatRef<'_, f64>) -> f64 {
    (0..a.nrows()).map(|i| a[(i, i)]).sum()
}

/// `X · diag(v) · Xᵀ` (symmetrised).
pub fn x_diag_xt(x: MatRef<'_, f64>, v: &[f64]) -> Mat<f64> {
    let xv = Mat::<f64>::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] * v[j]);
    let mut r = mm(xv.as_ref(), x.transpose());
    symmetrize(&mut r);
    r
}

/// Lower Cholesky factor `L` with `A = L Lᵀ` (only the lower triangle of `A` is read);
/// `None` if `A` is not numerically positive definite.
pub fn chol(a: MatRef<'_, f64>) -> Option<Mat<f64>> {
    let n = a.nrows();
    let mut l = a.to_owned();
    let mut buf = MemBuffer::new(cholesky_in_place_scratch::<f64>(n, Par::Seq, Default::default()));
    let stack = MemStack::new(&mut buf);
    let res = cholesky_in_place(l.as_mut(), LltRegularization::default(), Par::Seq, stack, Default::default());
    if res.is_err() {
        return None;
    }
    for j in 0..n {
        for i in 0..j {
            l[(i, j)] = 0.0;
        }
        let dj = l[(j, j)];
        if !(dj > 0.0 && dj.is_finite()) {
            return None;
        }
    }
    Some(l)
}

/// Cholesky of `A + δ·diag(A)` with Jacobi scaling: factor `Â = D^{-1/2} A D^{-1/2}`
/// (`D = diag(A)`, unit diagonal), adding `δ I` to `Â` with `δ = 0`, then `1e-14`, ×100
/// each try, and return `L = D^{1/2} L̂` (so `L Lᵀ = A + δ D`) and the `δ` used.
pub fn chol_reg(a: MatRef<'_, f64>) -> Option<(Mat<f64>, f64)> {
    let n = a.nrows();
    let scale: Vec<f64> = (0..n)
        .map(|i| {
            let v = a[(i, i)];
            if v > 0.0 && v.is_finite() {
                v.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    let ahat = Mat::<f64>::from_fn(n, n, |i, j| a[(i, j)] / (scale[i] * scale[j]));
    let mut delta = 0.0;
    for _ in 0..9 {
        let mut b = ahat.clone();
        for i in 0..n {
            b[(i, i)] += delta;
        }
        if let Some(mut l) = chol(b.as_ref()) {
            for j in 0..n {
                for i in j..n {
                    l[(i, j)] *= scale[i];
                }
            }
            return Some((l, delta));
        }
        delta = if delta == 0.0 { 1e-14 } else { delta * 100.0 };
    }
    None
}

/// In place: `B ← L⁻¹ B`.
pub fn lsolve(l: MatRef<'_, f64>, b: &mut Mat<f64>) {
    linalg::triangular_solve::solve_lower_triangular_in_place(l, b.as_mut(), Par::Seq);
}

/// In place: `B ← L⁻ᵀ B`.
pub fn ltsolve(l: MatRef<'_, f64>, b: &mut Mat<f64>) {
    linalg::triangular_solve::solve_upper_triangular_in_place(l.transpose(), b.as_mut(), Par::Seq);
}

/// `A⁻¹ = L⁻ᵀ L⁻¹` from the Cholesky factor `L` (symmetrised).
pub fn chol_inverse(l: MatRef<'_, f64>) -> Mat<f64> {
    let n = l.nrows();
    let mut inv = Mat::<f64>::identity(n, n);
    lsolve(l, &mut inv);
    ltsolve(l, &mut inv);
    symmetrize(&mut inv);
    inv
}

/// Smallest eigenvalue of a symmetric matrix (lower triangle read): faer's Householder
/// tridiagonalisation `A = Q T Qᵀ`, then Sturm-sequence bisection on `T` (the number of
/// negative pivots of `T − σI` counts the eigenvalues below `σ`).
pub fn min_eig(a: MatRef<'_, f64>) -> f64 {
    let n = a.nrows();
    if n == 1 {
        return a[(0, 0)];
    }
    let mut trid = a.to_owned();
    let bs = linalg::qr::no_pivoting::factor::recommended_block_size::<f64>(n, n);
    let mut house = Mat::<f64>::zeros(bs, n - 1);
    let mut buf = MemBuffer::new(linalg::evd::tridiag::tridiag_in_place_scratch::<f64>(n, Par::Seq, Default::default()));
    let stack = MemStack::new(&mut buf);
    linalg::evd::tridiag::tridiag_in_place(trid.as_mut(), house.as_mut(), Par::Seq, stack, Default::default());
    let dg: Vec<f64> = (0..n).map(|i| trid[(i, i)]).collect();
    let e2: Vec<f64> = (0..n - 1).map(|i| trid[(i + 1, i)] * trid[(i + 1, i)]).collect();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut tnorm = 0.0f64;
    for i in 0..n {
        let r = if i > 0 { e2[i - 1].sqrt() } else { 0.0 } + if i + 1 < n { e2[i].sqrt() } else { 0.0 };
        lo = lo.min(dg[i] - r);
        hi = hi.max(dg[i] + r);
        tnorm = tnorm.max(dg[i].abs() + r);
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return f64::NAN;
    }
    let tiny = f64::MIN_POSITIVE / f64::EPSILON;
    // does T − σI have a negative pivot (i.e. λ_min < σ)?
    let below = |sigma: f64| {
        let mut q = dg[0] - sigma;
        if q < 0.0 {
            return true;
        }
        for i in 1..n {
            let qq = if q.abs() < tiny { tiny } else { q };
            q = dg[i] - sigma - e2[i - 1] / qq;
            if q < 0.0 {
                return true;
            }
        }
        false
    };
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if hi - lo <= 2.0 * f64::EPSILON * tnorm || mid <= lo || mid >= hi {
            break;
        }
        if below(mid) {
            hi = mid
        } else {
            lo = mid
        }
    }
    0.5 * (lo + hi)
}

/// Largest `α ≥ 0` (possibly `+∞`) with `A + α ΔA ⪰ 0`, given `A = L Lᵀ ≻ 0`:
/// `α = −1/λ_min(L⁻¹ ΔA L⁻ᵀ)` when that eigenvalue is negative.
pub fn max_step_psd(l: MatRef<'_, f64>, da: MatRef<'_, f64>) -> Result<f64, String> {
    let mut t = da.to_owned();
    lsolve(l, &mut t); // L⁻¹ ΔA
    let mut u = t.transpose().to_owned(); // ΔA L⁻ᵀ  (ΔA symmetric)
    lsolve(l, &mut u); // L⁻¹ ΔA L⁻ᵀ
    symmetrize(&mut u);
    let lmin = min_eig(u.as_ref());
    if lmin.is_nan() {
        return Err("non-finite matrix in the step-length computation".into());
    }
    Ok(if lmin < 0.0 { -1.0 / lmin } else { f64::INFINITY })
}

/// Cheap step estimate: the largest `α ∈ {α₀, 0.8α₀, 0.8²α₀, …}` (at most 16 tries,
/// else 0) for which `A + αΔA` has a Cholesky factor.
pub fn step_ladder(a: MatRef<'_, f64>, da: MatRef<'_, f64>, alpha0: f64) -> f64 {
    let mut alpha = alpha0;
    for _ in 0..16 {
        let b = Mat::<f64>::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)] + alpha * da[(i, j)]);
        if chol(b.as_ref()).is_some() {
            return alpha;
        }
        alpha *= 0.8;
    }
    0.0
}

/// Largest `α ≥ 0` with `v + α Δv ≥ 0` (componentwise), `v > 0`.
pub fn max_step_vec(v: &[f64], dv: &[f64]) -> f64 {
    let mut a = f64::INFINITY;
    for (&vi, &di) in v.iter().zip(dv) {
        if di < 0.0 {
            a = a.min(-vi / di);
        }
    }
    a
}
