//! The minimum-λ_max-sharpness interpolator (a semidefinite program) and its independent
//! certificate.

use super::lmax;
use super::*;
use crate::error::{Error, Result};
use crate::numeric::linalg::symmetric_eigenvalues;
use crate::numeric::real::Nearest;
use crate::problem::task::Task;
use rug::Rational;

/// Minimum λ_max-sharpness interpolator: minimize t s.t. t·I − Σ_i w_i X_{:,i}X_{:,i}ᵀ ⪰ 0,
/// Xβ = y, −w ≤ β ≤ w (w = β ≥ 0 for [`Sign::Nonnegative`]). The optimal t* is
/// min λ_max(X diag|β| Xᵀ) over interpolators; for SW the minimal sharpness is (4/n)·t*.
/// Error above [`SDP_MAX_SAMPLES`] samples.
pub fn min_sharpness_sdp(task: &Task, sign: Sign) -> Result<Certified> {
    let (n, d) = (task.n(), task.d());
    if n > SDP_MAX_SAMPLES {
        return Err(Error::invalid(
            "task: number of samples n",
            format!("n = {n}: the minimum-λ_max interpolator costs O(n²d + nd² + d³) per interior-point iteration; allowed: n ≤ {SDP_MAX_SAMPLES}"),
        ));
    }
    let xf: Vec<f64> = task.x.iter().flat_map(|r| r.iter().map(Nearest::nearest)).collect();
    let yf: Vec<f64> = task.y.iter().map(Nearest::nearest).collect();
    let problem = lmax::LmaxProblem { x: &xf, n, d, y: &yf, signed: sign == Sign::Signed };
    let sol = match lmax::solve(&problem, 1e-10, 200) {
        Ok(sol) => sol,
        // β ≥ 0: a stall is most often an infeasible sign class; the exact LP decides it.
        Err(detail) => {
            if sign == Sign::Nonnegative {
                if let Err(lp) = min_l1(task, sign) {
                    if lp.to_string().contains("no interpolator") {
                        return Err(lp);
                    }
                }
            }
            return Err(Error::NoConvergence { what: "minimum-λ_max interpolator".into(), detail });
        }
    };
    let (iterations, converged) = (sol.iterations, sol.converged);
    let point = SdpPoint { t: sol.t, beta: sol.beta, w: sol.w, nu: sol.nu, z: sol.z };
    let (mut certificate, objective) = certify_rounded(&xf, &yf, n, d, sign, &point);
    certificate.note = format!("{}; interior point: {} iterations, converged {converged}", certificate.note, iterations);
    Ok(Certified { beta: point.beta.clone(), objective, certificate, witness: Witness::Sdp(point) })
}

/// X diag(w) Xᵀ computed exactly, rounded entrywise to f64 (row-major n×n).
fn k_matrix(task: &Task, w: &[Rational]) -> Vec<f64> {
    let n = task.n();
    let mut k = vec![0.0; n * n];
    for r in 0..n {
        for c in 0..=r {
            let v = task.x[r]
                .iter()
                .zip(&task.x[c])
                .zip(w)
                .filter(|(_, wj)| **wj != 0)
                .fold(Rational::new(), |acc, ((a, b), wj)| acc + Rational::from(a * b) * wj)
                .nearest();
            k[r * n + c] = v;
            k[c * n + r] = v;
        }
    }
    k
}

fn lambda_max_k(task: &Task, w: &[f64]) -> Option<f64> {
    let wq = to_rationals(w)?;
    let n = task.n();
    symmetric_eigenvalues(n, &k_matrix(task, &wq)).map(|ev| ev[n - 1])
}

/// λ_max(X diag(β) Xᵀ) of a β (f64), our own arithmetic: the SW sharpness at an interpolator
/// is (4/n) times this. `None` for non-finite input.
pub fn lambda_max_x_diag_xt(task: &Task, beta: &[f64]) -> Option<f64> {
    lambda_max_k(task, beta)
}

/// Certificate of an SDP point, computed independently of the solver (none of its code): see
/// [`certify`]; the objective λ_max(X diag|β| Xᵀ) is not returned.
pub fn check_sdp_certificate(task: &Task, sign: Sign, p: &SdpPoint) -> Certificate {
    certify(task, sign, p).0
}

/// Unit roundoff u = 2⁻⁵³ of f64.
const U: f64 = f64::EPSILON / 2.0;

/// The certificate and the primal value λ_max(X diag|β| Xᵀ), all in f64 from X and y rounded
/// to nearest, each measure with an a-priori bound on its rounding error (Higham, *Accuracy
/// and Stability of Numerical Algorithms*, §3.1: a k-term dot product is off by at most
/// γ_k·Σ|terms|, γ_k = ku/(1 − ku); the entry rounding of X and y adds u·Σ|terms| per factor;
/// the factor 2 below covers both and the rounding of the bounds themselves for k·u ≤ 10⁻²):
/// - residual: max_i (|fl(Xβ − y)_i| + 2(d+3)u·(Σ_j|x_ij β_j| + |y_i|)) / ‖y‖∞, and the sign
///   violations max(−β)⁺ (β ≥ 0) or max(|β| − w)⁺ (signed) over ‖β‖∞ (exact signs);
/// - slack: K = X diag(w) Xᵀ is off by E with ‖E‖₂ ≤ ‖E‖_F ≤ 2(d+4)u·Σ_j|w_j|‖x_j‖² (the
///   entries' error bounds |x_i|ᵀ|W||x_k| ≤ (|x_i|ᵀ|W||x_i|·|x_k|ᵀ|W||x_k|)^{1/2} by
///   Cauchy–Schwarz), so by Weyl λ_min(tI − K) ≥ λ_min(tI − K̃) − ‖E‖₂; the slack's
///   violation reported is (‖E‖₂ − λ_min(tI − K̃))⁺ / max(|t|, λ_max);
/// - dual: (Xᵀν)_j ≤ x_jᵀZx_j (|(Xᵀν)_j| for signed) with both sides' error bounds
///   2(n+3)u·Σ_i|x_ij ν_i| and 2(n+3)u·‖Z‖_F‖x_j‖² added to the violation, over max_j x_jᵀZx_j;
///   (−λ_min(Z))⁺ / tr Z of the symmetric part and |tr Z − 1| (+ n·u·Σ|Z_ii|);
/// - gap: (λ_max(X diag|β| Xᵀ) − yᵀν) / max(λ_max, tiny) (signed estimate), valid only when
///   |gap| plus its error bound (the Weyl bound above with |β|, and 2(n+3)u·Σ|y_i ν_i|) is
///   ≤ [`SDP_TOL`].
///
/// The eigenvalues are faer's (backward stable: off by O(n·u·‖K‖), outside these bounds; at
/// n ≤ 1000 that is ≤ 10⁻¹⁰ relative, three orders below [`SDP_TOL`]). Valid iff all measures
/// are ≤ [`SDP_TOL`]. When w = |β| (the solver's points) K is formed and decomposed once.
/// Cost O(n²d + n³), no rational arithmetic.
pub(crate) fn certify(task: &Task, sign: Sign, p: &SdpPoint) -> (Certificate, f64) {
    let x: Vec<f64> = task.x.iter().flat_map(|r| r.iter().map(Nearest::nearest)).collect();
    let y: Vec<f64> = task.y.iter().map(Nearest::nearest).collect();
    certify_rounded(&x, &y, task.n(), task.d(), sign, p)
}

/// [`certify`] from X (row-major n×d) and y already rounded to nearest f64.
fn certify_rounded(x: &[f64], y: &[f64], n: usize, d: usize, sign: Sign, p: &SdpPoint) -> (Certificate, f64) {
    let bad = |why: &str| {
        (Certificate { gap: f64::NAN, infeasibility: f64::NAN, dual_infeasibility: f64::NAN, valid: false, note: why.into() }, f64::NAN)
    };
    if p.beta.len() != d || p.w.len() != d || p.nu.len() != n || p.z.len() != n * n {
        return bad("dimension mismatch");
    }
    let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
    if !(p.t.is_finite() && finite(&p.beta) && finite(&p.nu) && finite(&p.z) && (sign == Sign::Nonnegative || finite(&p.w))) {
        return bad("non-finite point");
    }
    let w: &[f64] = if sign == Sign::Nonnegative { &p.beta } else { &p.w };
    // Xᵀ (columns contiguous).
    let xt: Vec<f64> = (0..d * n).map(|k| x[(k % n) * d + k / n]).collect();
    let colsq: Vec<f64> = (0..d).map(|j| xt[j * n..(j + 1) * n].iter().map(|v| v * v).sum()).collect();
    let tiny = f64::from_bits(1); // underflow of one product: ≤ 2⁻¹⁰⁷⁵ each
                                  // Primal: Xβ = y, sign constraints, slack PSD.
    let mut resid = 0.0f64;
    for i in 0..n {
        let row = &x[i * d..(i + 1) * d];
        let (mut s, mut a) = (-y[i], y[i].abs());
        for (xv, b) in row.iter().zip(&p.beta) {
            s += xv * b;
            a += (xv * b).abs();
        }
        resid = resid.max(s.abs() + 2.0 * (d + 3) as f64 * U * a + (d + 1) as f64 * tiny);
    }
    let ynorm = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let bnorm = p.beta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let sign_viol = match sign {
        Sign::Nonnegative => p.beta.iter().fold(0.0f64, |m, b| m.max(-b)),
        Sign::Signed => p.beta.iter().zip(w).fold(0.0f64, |m, (b, wi)| m.max(b.abs() - wi)),
    };
    let over = |a: f64, s: f64| if s > 0.0 { a / s } else { a };
    let abs_beta: Vec<f64> = p.beta.iter().map(|b| b.abs()).collect();
    let weyl =
        |v: &[f64]| 4.0 * (d + 4) as f64 * U * v.iter().zip(&colsq).map(|(a, c)| a.abs() * c).sum::<f64>() + (n * n * d) as f64 * tiny;
    let Some(kw_ev) = symmetric_eigenvalues(n, &gram(&xt, n, d, w)) else { return bad("eigenvalues failed") };
    let kw_max = kw_ev[n - 1];
    let (primal, e_primal) = if w.iter().zip(&abs_beta).all(|(a, b)| a == b) {
        (kw_max, weyl(w))
    } else {
        let Some(kb_ev) = symmetric_eigenvalues(n, &gram(&xt, n, d, &abs_beta)) else { return bad("eigenvalues failed") };
        (kb_ev[n - 1], weyl(&abs_beta))
    };
    // λ_min(tI − K̃) = t − λ_max(K̃) up to one rounding.
    let slack_min = p.t - kw_max;
    let slack_viol = (weyl(w) + 2.0 * U * (p.t.abs() + kw_max.abs()) - slack_min).max(0.0);
    let tscale = p.t.abs().max(primal.abs()).max(f64::MIN_POSITIVE);
    let infeasibility = over(resid, ynorm).max(over(sign_viol.max(0.0), bnorm)).max(slack_viol / tscale);
    // Dual: Z ⪰ 0, tr Z = 1, (Xᵀν)_j ≤ x_jᵀZx_j (|·| for signed).
    let zs: Vec<f64> = (0..n * n).map(|k| 0.5 * (p.z[k] + p.z[(k % n) * n + k / n])).collect();
    let Some(z_ev) = symmetric_eigenvalues(n, &zs) else { return bad("dual eigenvalues failed") };
    let tr: f64 = (0..n).map(|i| zs[i * n + i]).sum();
    let tr_err = n as f64 * U * (0..n).map(|i| zs[i * n + i].abs()).sum::<f64>();
    let zfrob = zs.iter().map(|v| v * v).sum::<f64>().sqrt() * (1.0 + 2.0 * n as f64 * U);
    let qf = quad_forms(&xt, n, d, &zs);
    let (mut dual_scale, mut viol) = (f64::MIN_POSITIVE, f64::NEG_INFINITY);
    for j in 0..d {
        let col = &xt[j * n..(j + 1) * n];
        let (mut a, mut aa) = (0.0, 0.0);
        for (xv, v) in col.iter().zip(&p.nu) {
            a += xv * v;
            aa += (xv * v).abs();
        }
        let lhs = if sign == Sign::Nonnegative { a } else { a.abs() };
        let err = 2.0 * (n + 3) as f64 * U * (aa + zfrob * colsq[j]) + (n * n + n) as f64 * tiny;
        dual_scale = dual_scale.max(qf[j].abs());
        viol = viol.max(lhs - qf[j] + err);
    }
    let dual_infeasibility =
        (viol.max(0.0) / dual_scale).max((-z_ev[0]).max(0.0) / tr.abs().max(f64::MIN_POSITIVE)).max((tr - 1.0).abs() + tr_err);
    let (mut dual, mut dual_abs) = (0.0, 0.0);
    for (yi, v) in y.iter().zip(&p.nu) {
        dual += yi * v;
        dual_abs += (yi * v).abs();
    }
    let scale = primal.abs().max(f64::MIN_POSITIVE);
    let gap = (primal - dual) / scale;
    let gap_err = (e_primal + 2.0 * (n + 3) as f64 * U * dual_abs) / scale;
    let valid = gap.abs() + gap_err <= SDP_TOL && infeasibility <= SDP_TOL && dual_infeasibility <= SDP_TOL;
    let cert = Certificate {
        gap,
        infeasibility,
        dual_infeasibility,
        valid,
        note: format!(
            "λ_min(tI − X diag w Xᵀ) = {slack_min:.3e} (t = {:.12e}), λ_min(Z) = {:.3e}, tr Z = {tr:.12}, primal λ_max(X diag|β| Xᵀ) = {primal:.12e}, dual yᵀν = {dual:.12e}, gap rounding bound {gap_err:.1e}; tolerance {SDP_TOL:e} relative (f64 with a-priori rounding bounds)",
            p.t, z_ev[0]
        ),
    };
    (cert, primal)
}

/// X diag(v) Xᵀ (row-major n×n) from Xᵀ (`xt`, d×n row-major), plain f64 loops in a fixed
/// order (no FMA: the same bits on every CPU): Σ_j over the columns, lower triangle mirrored.
fn gram(xt: &[f64], n: usize, d: usize, v: &[f64]) -> Vec<f64> {
    let mut k = vec![0.0; n * n];
    let mut scaled = vec![0.0; n];
    for (j, &vj) in v.iter().enumerate().take(d) {
        if vj == 0.0 {
            continue;
        }
        let col = &xt[j * n..(j + 1) * n];
        for (s, c) in scaled.iter_mut().zip(col) {
            *s = c * vj;
        }
        for r in 0..n {
            let sr = scaled[r];
            let row = &mut k[r * n..r * n + r + 1];
            for (kv, c) in row.iter_mut().zip(col) {
                *kv += sr * c;
            }
        }
    }
    for r in 0..n {
        for c in 0..r {
            k[c * n + r] = k[r * n + c];
        }
    }
    k
}

/// x_jᵀ Z x_j for every column x_j of X (from Xᵀ, d×n row-major; Z symmetric n×n), plain f64.
fn quad_forms(xt: &[f64], n: usize, d: usize, z: &[f64]) -> Vec<f64> {
    (0..d)
        .map(|j| {
            let col = &xt[j * n..(j + 1) * n];
            let mut q = 0.0;
            for (r, xr) in col.iter().enumerate() {
                let zr: f64 = z[r * n..(r + 1) * n].iter().zip(col).map(|(a, b)| a * b).sum();
                q += xr * zr;
            }
            q
        })
        .collect()
}

/// The task of proofs/I3-trace-vs-lambda.md: X = [[1, 0, 3/4], [0, 1, 3/4]], y = (1, 1).
/// Its nonnegative interpolators are β(s) = (1 − 3s/4, 1 − 3s/4, s), s ∈ [0, 4/3]; the trace
/// Σ‖X_{:,i}‖²β_i = 2 − 3s/8 is minimal at s = 4/3, λ_max(X diag β Xᵀ) = 1 + 3s/8 at s = 0:
/// the two minimizers (0, 0, 4/3) and (1, 1, 0) are the two ends of Z.
pub fn trace_vs_lambda_task() -> Task {
    let q = |a: i64, b: i64| Rational::from((a, b));
    Task::new(
        "X=[[1,0,3/4],[0,1,3/4]],y=(1,1)",
        vec![vec![q(1, 1), q(0, 1), q(3, 4)], vec![q(0, 1), q(1, 1), q(3, 4)]],
        vec![q(1, 1), q(1, 1)],
        None,
        Rational::new(),
    )
    .expect("valid task")
}
