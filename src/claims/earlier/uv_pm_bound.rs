//! UV-PM's tolerance: a first-order bound on the rounding difference of the two runs, carried
//! along the run by the norms of the step Jacobians (proofs/UV-PM.md, "Amplification-aware
//! tolerance"). Both runs solve the same rounded problem (fl(2y) = 2fl(y)), so the map is exact
//! for them and rounding is the only source of a difference.

use super::*;
use crate::problem::model::Evaluation;

/// The 2-norm of one GD step's local rounding error at θ, in units of the unit roundoff u,
/// to first order in u (γ_m = mu/(1 − mu) taken as mu; the caller adds 1%): β (PM: fl(a²) −
/// fl(b²), ≤ 2(a² + b²); UV: fl(uv), ≤ |uv|), the residual (≤ Σ_j|x_sj|Δβ_j + γ_{d+1}(Σ_j|x_sjβ_j|
/// + |y_s|)), the gradient (≤ (Σ_s|x_si|Δr_s + γ_{n+2}Σ_s|x_si r_s|)/n) and the update (PM:
/// a − fl(a·fl(2ηg)) with three roundings; UV: u − fl(fl(ηg)·v) with three).
pub(super) fn local_rounding(pm: bool, design: &Design<f64>, theta: &[f64], eta: f64) -> f64 {
    let (n, d) = (design.n, design.d);
    let mut beta = vec![0.0; d];
    let mut dbeta = vec![0.0; d];
    for i in 0..d {
        let (p, q) = (theta[i], theta[d + i]);
        (beta[i], dbeta[i]) = if pm { (p * p - q * q, 2.0 * (p * p + q * q)) } else { (p * q, (p * q).abs()) };
    }
    let mut r = vec![0.0; n];
    let mut dr = vec![0.0; n];
    for s in 0..n {
        let row = design.row(s);
        let (mut acc, mut abs, mut prop) = (0.0, design.y[s].abs(), 0.0);
        for j in 0..d {
            acc += row[j] * beta[j];
            abs += (row[j] * beta[j]).abs();
            prop += row[j].abs() * dbeta[j];
        }
        r[s] = acc - design.y[s];
        dr[s] = prop + (d + 1) as f64 * abs;
    }
    let mut sum = 0.0;
    for i in 0..d {
        let (mut g, mut prop, mut abs) = (0.0, 0.0, 0.0);
        for s in 0..n {
            let x = design.x[s * d + i];
            g += x * r[s];
            prop += x.abs() * dr[s];
            abs += (x * r[s]).abs();
        }
        g /= n as f64;
        let dg = (prop + (n + 2) as f64 * abs) / n as f64;
        let (p, q) = (theta[i], theta[d + i]);
        let (rp, rq) = if pm {
            let s2 = 2.0 * eta * g;
            (
                p.abs() * 2.0 * eta * dg + 2.0 * (p * s2).abs() + (p * (1.0 - s2)).abs(),
                q.abs() * 2.0 * eta * dg + 2.0 * (q * s2).abs() + (q * (1.0 + s2)).abs(),
            )
        } else {
            let eg = eta * g;
            (q.abs() * eta * dg + 2.0 * (q * eg).abs() + (p - eg * q).abs(), p.abs() * eta * dg + 2.0 * (p * eg).abs() + (q - eg * p).abs())
        };
        sum += rp * rp + rq * rq;
    }
    sum.sqrt()
}

/// ‖I − η∇²L(θ)‖₂ = max(|1 − ηλ_min|, |1 − ηλ_max|) for PM on `design` (the step's Jacobian;
/// UV's, rotated by w± = (u ± v)/√2, is the same matrix: the map conjugates the two steps).
pub(super) fn step_jacobian_norm(design: &Design<f64>, theta: &[f64], eta: f64) -> f64 {
    let ev = Evaluation::new(&Pm, design, theta);
    let h = ev.hessian(&Pm, design, theta);
    match crate::numeric::linalg::symmetric_eigenvalues(theta.len(), &h) {
        Some(l) => (1.0 - eta * l[0]).abs().max((1.0 - eta * l[l.len() - 1]).abs()),
        None => f64::INFINITY,
    }
}

/// The bound E_k on ‖(a_k, b_k) − (w₊,k, w₋,k)‖₂ in units of u, k = 0 … K, from the two
/// recorded runs (UV on `du` at η, PM on `dp` at η_pm = η/4): E₀ = 2√d·α (fl(√2·α)), and
/// E_{k+1} = ‖J_k‖₂E_k + ρ_PM,k + ρ_UV,k (first-order error propagation, proofs/UV-PM.md).
pub(super) fn uv_pm_error_bound(
    du: &Design<f64>,
    dp: &Design<f64>,
    alpha: f64,
    eta: f64,
    eta_pm: f64,
    uv: &[Vec<f64>],
    pm: &[Vec<f64>],
) -> Vec<f64> {
    let d = du.d;
    let mut e = 2.0 * (d as f64).sqrt() * alpha;
    let mut out = vec![e];
    for k in 0..pm.len().min(uv.len()).saturating_sub(1) {
        e = step_jacobian_norm(dp, &pm[k], eta_pm) * e + local_rounding(true, dp, &pm[k], eta_pm) + local_rounding(false, du, &uv[k], eta);
        out.push(e);
    }
    out
}

/// The tolerance on max_k,i |β_PM − 2β_UV|/(a² + b²) at unit roundoff u:
/// 1.01·max_k,i [2uE_k/r_k,i + (uE_k/r_k,i)² + 3u], r = √(a² + b²) (proofs/UV-PM.md: the β
/// difference of a pair off by Δ is at most 2‖Δ‖r + ‖Δ‖², plus the roundings of the two β).
pub(super) fn uv_pm_tolerance(bound: &[f64], pm: &[Vec<f64>], u: f64) -> f64 {
    let mut worst = 0.0f64;
    for (e, th) in bound.iter().zip(pm) {
        let d = th.len() / 2;
        for i in 0..d {
            let r = (th[i] * th[i] + th[d + i] * th[d + i]).sqrt();
            let x = u * e / r;
            worst = worst.max(2.0 * x + x * x + 3.0 * u);
        }
    }
    1.01 * worst
}
