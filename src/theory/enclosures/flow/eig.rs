//! Rigorous bounds on ‖M‖_op = max(λ_max(M), −λ_min(M)) for every symmetric matrix M in an
//! interval matrix [M] (d×d, row-major; the true matrix is symmetric, each entry enclosed).
//!
//! - upper: U·I − M ⪰ 0 for all M ∈ [M] is proved by interval Cholesky
//!   ([`super::super::sdp::proved_positive_definite`]), so λ_max(M) ≤ U; U starts at the
//!   Rayleigh quotient ρ of the p-bit midpoint at faer's f64 top eigenvector q, plus a shift δ
//!   covering [M]'s radius (Weyl: |λ_k(M) − λ_k(mid)| ≤ ‖M − mid‖₂ ≤ max row sum of the radii)
//!   and ρ's error (2‖mid·q − ρq‖/‖q‖, not 64dε‖M‖: the f64 eigenvalue's error would otherwise
//!   floor every bound at ~1e-13 relative), and δ grows ×8 until the factorization proves; the
//!   same for −M. The shift is a guess; the factorization is the proof;
//! - lower: the Rayleigh quotient qᵀMq/qᵀq ≤ λ_max(M) at the midpoint's f64 top eigenvector q
//!   (and −qᵀMq/qᵀq ≤ −λ_min(M) at the bottom one), evaluated in intervals;
//! - cheap upper: the Gershgorin bound max_i Σ_j |M_ij| ≥ ‖M‖_op (used to discard pieces).

use super::super::sdp::proved_positive_definite;
use crate::numeric::interval::{sum, Interval};
use rug::float::Round;
use rug::Float;

fn mid64(m: &[Interval], d: usize) -> faer::Mat<f64> {
    faer::Mat::<f64>::from_fn(d, d, |i, j| {
        // Symmetrize the midpoint (the enclosures of M_ij and M_ji may differ slightly).
        0.5 * (m[i * d + j].mid().to_f64() + m[j * d + i].mid().to_f64())
    })
}

/// max_i Σ_j |M_ij| over [M], rounded up: ≥ ‖M‖_∞ ≥ ‖M‖_op for symmetric M.
pub(super) fn gershgorin(m: &[Interval], d: usize) -> Float {
    let p = m[0].prec();
    (0..d)
        .map(|i| {
            let row: Vec<Interval> = (0..d).map(|j| Interval::point(&m[i * d + j].mag())).collect();
            sum(&row, p).hi().clone()
        })
        .fold(Float::new(p), |a, b| if b > a { b } else { a })
}

/// max_i Σ_j rad(M_ij) (a shift heuristic: the proof is the Cholesky factorization).
fn radius_rowsum(m: &[Interval], d: usize) -> f64 {
    (0..d).map(|i| (0..d).map(|j| 0.5 * m[i * d + j].width().to_f64_round(Round::Up)).sum::<f64>()).fold(0.0, f64::max)
}

/// λ_max(M) ≤ U proved for every M ∈ [M] (sign ±1 bounds λ_max(±M)); `None` when no
/// shift up to 8¹² times the first proves. `lam` estimates λ_max(±mid) and `err` bounds its
/// error heuristically (the proof is the factorization, whatever the shift).
fn lambda_max_upper(m: &[Interval], d: usize, sign: i64, lam: &Float, err: f64) -> Option<Float> {
    let p = m[0].prec();
    let sm: Vec<Interval> = if sign > 0 { m.to_vec() } else { m.iter().map(Interval::neg).collect() };
    let mut delta = 1.0625 * radius_rowsum(m, d) + err + f64::MIN_POSITIVE;
    for _ in 0..12 {
        let u = Float::with_val_round(p, lam + delta, Round::Up).0;
        let ui = Interval::point(&u);
        let shifted: Vec<Interval> = (0..d * d).map(|k| if k / d == k % d { ui.sub(&sm[k]) } else { sm[k].neg() }).collect();
        if proved_positive_definite(&shifted, d) {
            return Some(u);
        }
        delta *= 8.0;
    }
    None
}

/// The Rayleigh quotient ρ = qᵀAq/qᵀq of the symmetric midpoint A (`p` bits, near-exact) at
/// an f64 eigenvector q, and 2‖Aq − ρq‖/‖q‖ + 2⁻ᵖ⁺⁸·‖A‖: a symmetric matrix has an
/// eigenvalue within ‖Aq − ρq‖/‖q‖ of ρ (Parlett, *The Symmetric Eigenvalue Problem*, Thm 4.5.1).
fn rayleigh_estimate(a: &[Float], d: usize, q: &[f64], p: u32, scale: f64) -> (Float, f64) {
    let aq: Vec<Float> =
        (0..d).map(|i| Float::with_val(p, Float::sum((0..d).map(|j| a[i * d + j].clone() * q[j]).collect::<Vec<_>>().iter()))).collect();
    let num = Float::with_val(p, Float::dot(aq.iter().zip(q.iter().map(|v| Float::with_val(p, *v)).collect::<Vec<_>>().iter())));
    let qq: f64 = q.iter().map(|v| v * v).sum();
    let rho = Float::with_val(p, num / qq);
    let res = aq.iter().zip(q).map(|(v, qi)| Float::with_val(p, v - Float::with_val(p, &rho * *qi)).to_f64().powi(2)).sum::<f64>().sqrt()
        / qq.sqrt();
    // The p-bit roundings of ρ and of the residual: 2^(8−p)·‖A‖ (as the doc says).
    let rounding = Float::with_val(53, Float::u_exp(1, 8 - p as i32)).to_f64() * scale;
    (rho, 2.0 * res + rounding)
}

/// A proved upper bound on ‖M‖_op over [M] (the smaller of the Cholesky-proved bound and
/// Gershgorin's), or `None`.
pub(super) fn op_norm_upper(m: &[Interval], d: usize) -> Option<Float> {
    let g = gershgorin(m, d);
    Some(match op_norm_upper_chol(m, d) {
        Some(u) if u < g => u,
        _ => g,
    })
}

fn op_norm_upper_chol(m: &[Interval], d: usize) -> Option<Float> {
    let p = m[0].prec();
    let a = mid64(m, d);
    let evd = a.self_adjoint_eigen(faer::Side::Lower).ok()?;
    let s = evd.S().column_vector();
    let top = (0..d).max_by(|&i, &j| s[i].total_cmp(&s[j]))?;
    let bottom = (0..d).min_by(|&i, &j| s[i].total_cmp(&s[j]))?;
    let (lo, hi) = (s[bottom], s[top]);
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let scale = lo.abs().max(hi.abs());
    // The midpoint at p bits (symmetrized as in `mid64`), for Rayleigh estimates near p-bit accuracy.
    let am: Vec<Float> = (0..d * d)
        .map(|k| {
            let (i, j) = (k / d, k % d);
            Float::with_val(p, m[i * d + j].mid() + m[j * d + i].mid()) / 2u32
        })
        .collect();
    let u = evd.U();
    let vec = |k: usize| (0..d).map(|i| u[(i, k)]).collect::<Vec<f64>>();
    let (rt, et) = rayleigh_estimate(&am, d, &vec(top), p, scale);
    let (rb, eb) = rayleigh_estimate(&am, d, &vec(bottom), p, scale);
    let up = lambda_max_upper(m, d, 1, &rt, et)?;
    let down = lambda_max_upper(m, d, -1, &Float::with_val(p, -rb), eb)?;
    Some(if up > down { up } else { down })
}

/// A proved lower bound on ‖M‖_op valid for every M ∈ [M] (Rayleigh quotients), or `None`.
pub(super) fn op_norm_lower(m: &[Interval], d: usize) -> Option<Float> {
    let p = m[0].prec();
    let a = mid64(m, d);
    let evd = a.self_adjoint_eigen(faer::Side::Lower).ok()?;
    let s = evd.S().column_vector();
    let u = evd.U();
    let top = (0..d).max_by(|&i, &j| s[i].total_cmp(&s[j]))?;
    let bottom = (0..d).min_by(|&i, &j| s[i].total_cmp(&s[j]))?;
    let rayleigh = |k: usize| -> Option<Interval> {
        let q: Vec<Interval> = (0..d).map(|i| Interval::point(&Float::with_val(p, u[(i, k)]))).collect();
        let mq: Vec<Interval> = (0..d).map(|i| sum(&(0..d).map(|j| m[i * d + j].mul(&q[j])).collect::<Vec<_>>(), p)).collect();
        let num = sum(&q.iter().zip(&mq).map(|(a, b)| a.mul(b)).collect::<Vec<_>>(), p);
        let den = sum(&q.iter().map(Interval::sqr).collect::<Vec<_>>(), p);
        num.div(&den)
    };
    let l1 = rayleigh(top)?.lo().clone();
    let l2 = rayleigh(bottom)?.neg().lo().clone();
    Some(if l1 > l2 { l1 } else { l2 })
}
