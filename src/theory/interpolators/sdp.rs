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
    let mut certificate = check_sdp_certificate(task, sign, &point);
    certificate.note = format!("{}; interior point: {} iterations, converged {converged}", certificate.note, iterations);
    let objective = lambda_max_k(task, &point.beta.iter().map(|b| b.abs()).collect::<Vec<_>>()).unwrap_or(f64::NAN);
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

/// Certificate of an SDP point, computed independently of the solver: the residual Xβ − y
/// and X diag(w) Xᵀ exactly in rationals (from the f64 values), then in f64 the eigenvalues
/// of the slack tI − X diag(w) Xᵀ and of Z, the dual constraints (Xᵀν)_i ≤ X_iᵀZX_i
/// (|(Xᵀν)_i| for signed), |tr Z − 1| and the gap λ_max(X diag|β| Xᵀ) − yᵀν. Valid iff the
/// relative gap, infeasibilities and negative eigenvalues are all ≤ [`SDP_TOL`].
pub fn check_sdp_certificate(task: &Task, sign: Sign, p: &SdpPoint) -> Certificate {
    let (n, d) = (task.n(), task.d());
    let bad =
        |why: &str| Certificate { gap: f64::NAN, infeasibility: f64::NAN, dual_infeasibility: f64::NAN, valid: false, note: why.into() };
    if p.beta.len() != d || p.w.len() != d || p.nu.len() != n || p.z.len() != n * n {
        return bad("dimension mismatch");
    }
    let (Some(beta), Some(nu)) = (to_rationals(&p.beta), to_rationals(&p.nu)) else { return bad("non-finite point") };
    let w = match sign {
        Sign::Nonnegative => beta.clone(),
        Sign::Signed => match to_rationals(&p.w) {
            Some(w) => w,
            None => return bad("non-finite point"),
        },
    };
    if !p.t.is_finite() || p.z.iter().any(|v| !v.is_finite()) {
        return bad("non-finite point");
    }
    // Primal: Xβ = y, sign constraints, slack PSD.
    let res = x_times(task, &beta);
    let resid = res.iter().zip(&task.y).map(|(a, y)| Rational::from(a - y).abs()).max().unwrap_or_default();
    let bscale = max_abs(&beta);
    let sign_viol = match sign {
        Sign::Nonnegative => beta.iter().map(|b| Rational::from(-b)).max().unwrap_or_default(),
        Sign::Signed => beta.iter().zip(&w).map(|(b, wi)| Rational::from(b.abs_ref()) - wi).max().unwrap_or_default(),
    }
    .max(Rational::new());
    let kw = k_matrix(task, &w);
    let mut slack = kw.iter().map(|v| -v).collect::<Vec<f64>>();
    for i in 0..n {
        slack[i * n + i] += p.t;
    }
    let Some(slack_ev) = symmetric_eigenvalues(n, &slack) else { return bad("slack eigenvalues failed") };
    let abs_beta: Vec<Rational> = beta.iter().map(|b| Rational::from(b.abs_ref())).collect();
    let Some(kb_ev) = symmetric_eigenvalues(n, &k_matrix(task, &abs_beta)) else { return bad("eigenvalues failed") };
    let primal = kb_ev[n - 1];
    let tscale = p.t.abs().max(primal.abs()).max(f64::MIN_POSITIVE);
    let infeasibility = rel(&resid, &max_abs(&task.y)).max(rel(&sign_viol, &bscale)).max((-slack_ev[0]).max(0.0) / tscale);
    // Dual: Z ⪰ 0, tr Z = 1, (Xᵀν)_i ≤ X_iᵀZX_i (|·| for signed).
    let Some(z_ev) = symmetric_eigenvalues(n, &p.z) else { return bad("dual eigenvalues failed") };
    let tr: f64 = (0..n).map(|i| p.z[i * n + i]).sum();
    let xtn: Vec<f64> = xt_times(task, &nu).iter().map(Nearest::nearest).collect();
    let mut dual_scale = f64::MIN_POSITIVE;
    let mut viol = 0.0f64;
    for j in 0..d {
        let col: Vec<f64> = task.x.iter().map(|r| r[j].nearest()).collect();
        let mut qf = 0.0;
        for r in 0..n {
            let zr: f64 = (0..n).map(|c| p.z[r * n + c] * col[c]).sum();
            qf += col[r] * zr;
        }
        dual_scale = dual_scale.max(qf.abs());
        let lhs = match sign {
            Sign::Nonnegative => xtn[j],
            Sign::Signed => xtn[j].abs(),
        };
        viol = viol.max(lhs - qf);
    }
    let dual_infeasibility = (viol.max(0.0) / dual_scale).max((-z_ev[0]).max(0.0) / tr.abs().max(f64::MIN_POSITIVE)).max((tr - 1.0).abs());
    let dual = task.y.iter().zip(&nu).fold(Rational::new(), |acc, (y, v)| acc + Rational::from(y * v)).nearest();
    let gap = (primal - dual) / primal.abs().max(f64::MIN_POSITIVE);
    let valid = gap.abs() <= SDP_TOL && infeasibility <= SDP_TOL && dual_infeasibility <= SDP_TOL;
    Certificate {
        gap,
        infeasibility,
        dual_infeasibility,
        valid,
        note: format!(
            "λ_min(tI − X diag w Xᵀ) = {:.3e} (t = {:.12e}), λ_min(Z) = {:.3e}, tr Z = {:.12}, primal λ_max(X diag|β| Xᵀ) = {primal:.12e}, dual yᵀν = {dual:.12e}; tolerance {SDP_TOL:e} relative",
            slack_ev[0], p.t, z_ev[0], tr
        ),
    }
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
