//! The linear programs: minimum weighted ℓ1 (ℓ1 itself and the trace sharpness), solved by
//! clarabel and certified by an exact repair and an exact rational certificate.

use super::*;
use crate::error::{Error, Result};
use crate::problem::task::Task;
use rug::Rational;
use crate::numeric::exact::solve_exact;
use crate::numeric::real::Nearest;
use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

/// Sparse matrix assembled column by column.
pub(super) struct Columns {
    m: usize,
    cols: Vec<Vec<(usize, f64)>>,
}

impl Columns {
    fn new(m: usize, n: usize) -> Self {
        Columns { m, cols: vec![Vec::new(); n] }
    }
    fn push(&mut self, row: usize, col: usize, v: f64) {
        if v != 0.0 {
            self.cols[col].push((row, v));
        }
    }
    fn build(mut self) -> CscMatrix<f64> {
        let mut colptr = vec![0];
        let (mut rowval, mut nzval) = (Vec::new(), Vec::new());
        for c in &mut self.cols {
            c.sort_by_key(|e| e.0);
            for &(r, v) in c.iter() {
                rowval.push(r);
                nzval.push(v);
            }
            colptr.push(rowval.len());
        }
        CscMatrix::new(self.m, self.cols.len(), colptr, rowval, nzval)
    }
}

pub(super) struct Solved {
    x: Vec<f64>,
    z: Vec<f64>,
    status: SolverStatus,
    iterations: u32,
}

pub(super) fn run_clarabel(what: &str, q: &[f64], a: Columns, b: &[f64], cones: &[SupportedConeT<f64>], tight: bool) -> Result<Solved> {
    let nvar = q.len();
    let p = CscMatrix::zeros((nvar, nvar));
    let a = a.build();
    let defaults = DefaultSettings::default();
    let tol = |default: f64| if tight { 1e-10 } else { default };
    let settings = DefaultSettings {
        verbose: false,
        tol_gap_abs: tol(defaults.tol_gap_abs),
        tol_gap_rel: tol(defaults.tol_gap_rel),
        tol_feas: tol(defaults.tol_feas),
        ..defaults
    };
    let mut solver = DefaultSolver::new(&p, q, &a, b, cones, settings)
        .map_err(|e| Error::NoConvergence { what: what.into(), detail: format!("solver setup failed: {e}") })?;
    solver.solve();
    let s = &solver.solution;
    match s.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {
            Ok(Solved { x: s.x.clone(), z: s.z.clone(), status: s.status, iterations: s.iterations })
        }
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => Err(Error::NoConvergence {
            what: what.into(),
            detail: format!("no interpolator satisfies the constraints (clarabel: {:?})", s.status),
        }),
        other => Err(Error::NoConvergence {
            what: what.into(),
            detail: format!("clarabel stopped with status {other:?} after {} iterations", s.iterations),
        }),
    }
}

/// Weights of the trace LP: c_i = ‖X_{:,i}‖² (the SW trace at an interpolator is
/// (4/n)·Σ_i c_i β_i).
pub fn column_norms_sq(task: &Task) -> Vec<Rational> {
    (0..task.d()).map(|j| task.x.iter().fold(Rational::new(), |acc, row| acc + Rational::from(&row[j] * &row[j]))).collect()
}

/// Minimum ℓ1 interpolator: minimize Σ|β_i| s.t. Xβ = y (β ≥ 0 for [`Sign::Nonnegative`]).
pub fn min_l1(task: &Task, sign: Sign) -> Result<Certified> {
    min_weighted_l1(task, &vec![Rational::from(1); task.d()], sign)
}

/// Minimum trace-sharpness interpolator: minimize Σ ‖X_{:,i}‖²|β_i| s.t. Xβ = y (β ≥ 0 for
/// [`Sign::Nonnegative`]). For SW, tr ∇²L = (4/n)·(this objective) at an interpolator.
pub fn min_trace_sharpness(task: &Task, sign: Sign) -> Result<Certified> {
    min_weighted_l1(task, &column_norms_sq(task), sign)
}

/// Minimize Σ c_i|β_i| s.t. Xβ = y (β ≥ 0 for [`Sign::Nonnegative`]), c ≥ 0; the optimum is
/// repaired to an exact rational vertex and certified by [`check_lp_certificate`].
pub fn min_weighted_l1(task: &Task, weights: &[Rational], sign: Sign) -> Result<Certified> {
    let (n, d) = (task.n(), task.d());
    if weights.len() != d || weights.iter().any(|c| *c < 0) {
        return Err(Error::arg("weights", format!("{} weights (or a negative one) for d = {d}", weights.len()), "d nonnegative weights"));
    }
    let xf: Vec<Vec<f64>> = task.x.iter().map(|r| r.iter().map(Nearest::nearest).collect()).collect();
    let yf: Vec<f64> = task.y.iter().map(Nearest::nearest).collect();
    let cf: Vec<f64> = weights.iter().map(Nearest::nearest).collect();
    // Variables: β (nonnegative) or (p, q) with β = p − q; rows: Xβ = y, then the variables ≥ 0.
    let nvar = if sign == Sign::Signed { 2 * d } else { d };
    let mut a = Columns::new(n + nvar, nvar);
    for (i, row) in xf.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            a.push(i, j, v);
            if sign == Sign::Signed {
                a.push(i, d + j, -v);
            }
        }
    }
    for k in 0..nvar {
        a.push(n + k, k, -1.0);
    }
    let mut b = yf.clone();
    b.extend(std::iter::repeat_n(0.0, nvar));
    let cost: Vec<f64> = if sign == Sign::Signed { cf.iter().chain(&cf).copied().collect() } else { cf.clone() };
    let what = if weights.iter().all(|c| *c == 1) { "min-ℓ1 LP" } else { "weighted-ℓ1 LP" };
    let sol = run_clarabel(what, &cost, a, &b, &[SupportedConeT::ZeroConeT(n), SupportedConeT::NonnegativeConeT(nvar)], false)?;
    let beta_f: Vec<f64> = if sign == Sign::Signed { (0..d).map(|j| sol.x[j] - sol.x[d + j]).collect() } else { sol.x.clone() };
    // clarabel's dual: q + Aᵀz = 0 with z free on the zero cone, so ν = −z_eq gives the
    // reduced costs c − Xᵀν = z_nonneg ≥ 0 and the dual objective yᵀν.
    let nu_f: Vec<f64> = sol.z[..n].iter().map(|v| -v).collect();
    let raw_beta = to_rationals(&beta_f).ok_or_else(|| Error::NoConvergence { what: what.into(), detail: "non-finite primal".into() })?;
    let raw_nu = to_rationals(&nu_f).ok_or_else(|| Error::NoConvergence { what: what.into(), detail: "non-finite dual".into() })?;
    let status = format!("clarabel {:?} in {} iterations", sol.status, sol.iterations);
    let (beta, nu, repair) = match repair_lp(task, weights, sign, &raw_beta, &raw_nu) {
        Some((b, v)) => {
            let cert = check_lp_certificate(task, weights, sign, &b, &v);
            if cert.valid {
                (b, v, "exact repair on the support")
            } else {
                (raw_beta, raw_nu, "exact repair gave an invalid point; the rounded interior point is checked")
            }
        }
        None => (raw_beta, raw_nu, "exact repair impossible (inconsistent equations); the rounded interior point is checked"),
    };
    let mut certificate = check_lp_certificate(task, weights, sign, &beta, &nu);
    certificate.note = format!("{}; {repair}; {status}", certificate.note);
    let objective = weights.iter().zip(&beta).fold(Rational::new(), |acc, (c, b)| acc + Rational::from(c * b).abs()).nearest();
    Ok(Certified { beta: beta.iter().map(Nearest::nearest).collect(), objective, certificate, witness: Witness::Lp { beta, nu } })
}

/// Exact repair of an interior-point LP optimum. Index i is put in the support B when β_i
/// is larger relative to ‖β‖∞ than its reduced cost relative to ‖c‖∞ (at the interior point
/// β_i·rc_i ≈ μ, and the limit is strictly complementary). Then β is corrected on B to solve
/// X_B β_B = y and ν to solve (Xᵀν)_i = ±c_i on B, both exactly with small corrections.
fn repair_lp(task: &Task, weights: &[Rational], sign: Sign, beta: &[Rational], nu: &[Rational]) -> Option<(Vec<Rational>, Vec<Rational>)> {
    let d = task.d();
    let xtn = xt_times(task, nu);
    let (bmax, cmax) = (max_abs(beta).nearest(), max_abs(weights).nearest());
    if bmax == 0.0 {
        return None;
    }
    let support: Vec<usize> = (0..d)
        .filter(|&i| {
            let rc = match sign {
                Sign::Nonnegative => Rational::from(&weights[i] - &xtn[i]),
                Sign::Signed => &weights[i] - Rational::from(xtn[i].abs_ref()),
            };
            beta[i].clone().abs().nearest() / bmax > rc.nearest().abs() / cmax
        })
        .collect();
    if support.is_empty() {
        return None;
    }
    // Primal: β_B + δ with X_B δ = y − X_B β_B.
    let mut beta_b = vec![Rational::new(); d];
    for &i in &support {
        beta_b[i] = beta[i].clone();
    }
    let r: Vec<Rational> = x_times(task, &beta_b).into_iter().zip(&task.y).map(|(v, y)| Rational::from(y - &v)).collect();
    let xb: Vec<Vec<Rational>> = task.x.iter().map(|row| support.iter().map(|&i| row[i].clone()).collect()).collect();
    let delta = solve_exact(&xb, &r)?;
    for (k, &i) in support.iter().enumerate() {
        beta_b[i] += &delta[k];
    }
    // Dual: ν + ε with (Xᵀε)_i = s_i c_i − (Xᵀν)_i on B, s_i the sign of β_i.
    let xbt: Vec<Vec<Rational>> = support.iter().map(|&i| task.x.iter().map(|row| row[i].clone()).collect()).collect();
    let rhs: Vec<Rational> = support
        .iter()
        .map(|&i| {
            let target = if beta_b[i] < 0 { Rational::from(-&weights[i]) } else { weights[i].clone() };
            target - &xtn[i]
        })
        .collect();
    let eps = solve_exact(&xbt, &rhs)?;
    let nu_r: Vec<Rational> = nu.iter().zip(&eps).map(|(a, b)| Rational::from(a + b)).collect();
    Some((beta_b, nu_r))
}

/// Exact LP certificate of (β, ν) for minimize Σ c_i|β_i| s.t. Xβ = y (β ≥ 0 for
/// [`Sign::Nonnegative`]): primal infeasibility |Xβ − y|∞/‖y‖∞ (and max(−β_i)/‖β‖∞),
/// dual infeasibility max_i ((Xᵀν)_i − c_i)⁺/‖c‖∞ (|(Xᵀν)_i| for signed), gap
/// (Σ c_i|β_i| − yᵀν)/|Σ c_i|β_i||; valid iff all ≤ [`LP_TOL`]. Everything in rationals.
pub fn check_lp_certificate(task: &Task, weights: &[Rational], sign: Sign, beta: &[Rational], nu: &[Rational]) -> Certificate {
    if beta.len() != task.d() || nu.len() != task.n() || weights.len() != task.d() {
        return Certificate {
            gap: f64::NAN,
            infeasibility: f64::NAN,
            dual_infeasibility: f64::NAN,
            valid: false,
            note: "dimension mismatch".into(),
        };
    }
    let res = x_times(task, beta);
    let resid = res.iter().zip(&task.y).map(|(a, y)| Rational::from(a - y).abs()).max().unwrap_or_default();
    let mut infeas = rel(&resid, &max_abs(&task.y));
    if sign == Sign::Nonnegative {
        let neg = beta.iter().map(|b| Rational::from(-b)).max().unwrap_or_default().max(Rational::new());
        infeas = infeas.max(rel(&neg, &max_abs(beta)));
    }
    let xtn = xt_times(task, nu);
    let viol = xtn
        .iter()
        .zip(weights)
        .map(|(v, c)| match sign {
            Sign::Nonnegative => Rational::from(v - c),
            Sign::Signed => Rational::from(v.abs_ref()) - c,
        })
        .max()
        .unwrap_or_default()
        .max(Rational::new());
    let dual_infeas = rel(&viol, &max_abs(weights));
    let primal = weights.iter().zip(beta).fold(Rational::new(), |acc, (c, b)| acc + Rational::from(c * b).abs());
    let dual = task.y.iter().zip(nu).fold(Rational::new(), |acc, (y, v)| acc + Rational::from(y * v));
    let gap_q = Rational::from(&primal - &dual);
    let gap = rel(&gap_q, &Rational::from(primal.abs_ref()));
    let valid = gap.abs() <= LP_TOL && infeas <= LP_TOL && dual_infeas <= LP_TOL;
    let exact = gap_q == 0 && resid == 0 && viol == 0;
    Certificate {
        gap,
        infeasibility: infeas,
        dual_infeasibility: dual_infeas,
        valid,
        note: if exact {
            "exact rational check: primal feasible, dual feasible, zero gap".into()
        } else {
            format!("exact rational check; tolerance {LP_TOL:e} relative")
        },
    }
}
