//! Interpolators for n samples (THEORY.md T9): the minimum-ℓ1 and the minimum-trace-sharpness
//! interpolators (linear programs), the minimum-ℓ2 interpolator (exact, in rationals) and the
//! minimum-λ_max-sharpness interpolator (a semidefinite program).
//!
//! The LPs and the SDP are solved by an interior-point method (clarabel) in f64, and **no
//! optimum is trusted on the solver's word**: each is returned with a [`Certificate`] computed
//! by our own arithmetic from the solver's primal and dual vectors.
//!
//! - LP (minimize Σ c_i|β_i| s.t. Xβ = y, β ≥ 0 for [`Sign::Nonnegative`]; dual: maximize yᵀν
//!   s.t. Xᵀν ≤ c, resp. |Xᵀν| ≤ c): the primal and the dual are rounded to rationals and
//!   repaired exactly (the support and the tight dual constraints are read off the interior
//!   point; the equations X_B β_B = y and X_Bᵀν = c_B are then solved exactly), and
//!   [`check_lp_certificate`] computes in exact rational arithmetic the primal infeasibility,
//!   the dual infeasibility and the duality gap cᵀ|β| − yᵀν. When the repair succeeds all three
//!   are exactly 0: the optimum is proved, not estimated.
//! - SDP (minimize t s.t. t·I − Σ_i w_i X_{:,i}X_{:,i}ᵀ ⪰ 0, Xβ = y, |β| ≤ w; w = β ≥ 0 for
//!   [`Sign::Nonnegative`]; dual: maximize yᵀν s.t. Z ⪰ 0, tr Z = 1, Xᵀν ≤ diag(XᵀZX), resp.
//!   |Xᵀν| ≤ diag(XᵀZX)): [`check_sdp_certificate`] computes the residual Xβ − y exactly,
//!   X diag(w) Xᵀ exactly, and the eigenvalues of the slack matrix tI − X diag(w) Xᵀ and of the
//!   dual matrix Z (faer), the dual constraint violations and the gap
//!   λ_max(X diag|β| Xᵀ) − yᵀν. For any feasible β′ and any trace-one Z ⪰ 0,
//!   λ_max(X diag β′ Xᵀ) ≥ ⟨Z, X diag β′ Xᵀ⟩ = Σ β′_i X_iᵀZX_i ≥ yᵀν (weak duality), so a small
//!   gap proves near-optimality.
//!
//! The SW sharpness at an interpolator is S = (4/n)·λ_max(X diag β Xᵀ) and its trace
//! (4/n)·Σ_i ‖X_{:,i}‖²β_i (THEORY.md §2), so the SDP value t* gives the minimal sharpness
//! (4/n)·t* and the trace LP the minimal trace (proofs/I2-sharpness-sdp.md).
//!
//! ```
//! use normsharp::interpolators::{min_l1, Sign};
//! use normsharp::task::canonical_four;
//! let opt = min_l1(&canonical_four(), Sign::Nonnegative).unwrap();
//! assert!(opt.certificate.valid && opt.certificate.gap == 0.0);
//! assert_eq!(opt.beta, vec![0.0, 0.0, 0.0, 0.25]);
//! ```

use crate::error::{Error, Result};
use crate::linalg::symmetric_eigenvalues;
use crate::real::Nearest;
use crate::task::Task;
use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};
use rug::Rational;
use serde::Serialize;
use serde_json::{json, Map, Value as Json};

/// Sign constraint on the interpolator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// β ≥ 0: the SW model (β = w⊙w).
    Nonnegative,
    /// β of any sign: PM, UV and depth-D models.
    Signed,
}

/// Largest n the SDP is run for: its n×n PSD block makes the interior-point KKT system
/// dense in n(n+1)/2 rows (1830 at n = 60), and one factorization costs O(n⁶).
pub const SDP_MAX_SAMPLES: usize = 60;

/// Tolerance of an LP certificate (relative to the scale of y, c and the objective). The
/// exact repair makes gap and infeasibilities exactly 0 when it succeeds; 1e-9 still accepts
/// an unrepaired interior point solved to clarabel's default 1e-8 relative gap only if it is
/// 10× better than that, so nothing the solver merely claims passes.
pub const LP_TOL: f64 = 1e-9;

/// Tolerance of an SDP certificate (relative). clarabel is asked for a relative gap and
/// feasibility of 1e-10 in its equilibrated norms; undoing the equilibration and the
/// conditioning of the optimal face cost up to two orders of magnitude on our tasks (measured
/// worst case 4e-9, n = 5…60), and the f64 eigenvalues add only n·2⁻⁵³·‖K‖ (Weyl). 1e-7 keeps a
/// 25× margin over what a correct optimum produces while rejecting any perturbation of the
/// primal or the dual of relative size ≥ 1e-6.
pub const SDP_TOL: f64 = 1e-7;

/// An independently checked optimality certificate. All quantities are relative: the gap to
/// max(|primal objective|, tiny), the primal infeasibility to ‖y‖∞ (and to ‖β‖∞ for the sign
/// constraints), the dual infeasibility to ‖c‖∞ (LP) or max_i X_iᵀZX_i (SDP).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    /// (primal objective − dual objective) / scale; ≥ 0 up to the infeasibilities.
    pub gap: f64,
    /// Primal infeasibility: |Xβ − y|∞, sign violations and (SDP) −λ_min of the slack matrix.
    pub infeasibility: f64,
    /// Dual infeasibility: violated dual constraints and (SDP) −λ_min(Z), |tr Z − 1|.
    pub dual_infeasibility: f64,
    /// All three within the tolerance ([`LP_TOL`], [`SDP_TOL`]).
    pub valid: bool,
    /// How it was obtained (exact repair or not, solver status, eigenvalues).
    pub note: String,
}

/// The primal/dual pair a certificate was computed from.
#[derive(Debug, Clone)]
pub enum Witness {
    /// LP: exact primal β and dual ν (after the exact repair when it succeeded).
    Lp {
        /// Primal.
        beta: Vec<Rational>,
        /// Dual.
        nu: Vec<Rational>,
    },
    /// SDP: the solver's point, see [`SdpPoint`].
    Sdp(SdpPoint),
    /// Minimum ℓ2: β = Xᵀλ exactly.
    L2 {
        /// Primal.
        beta: Vec<Rational>,
        /// Multipliers λ = (XXᵀ)⁻¹y.
        lambda: Vec<Rational>,
    },
}

/// An optimum with its certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Certified {
    /// The optimizer β (nearest f64 of the exact value for the LPs and min-ℓ2).
    pub beta: Vec<f64>,
    /// The objective at β: Σ c_i|β_i| (LP), λ_max(X diag|β| Xᵀ) (SDP), ‖β‖₂ (min-ℓ2).
    pub objective: f64,
    /// The independent certificate.
    pub certificate: Certificate,
    /// The primal/dual vectors the certificate was computed from.
    #[serde(skip)]
    pub witness: Witness,
}

/// A primal–dual point of the sharpness SDP, as the solver returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct SdpPoint {
    /// The epigraph variable t (≥ λ_max(X diag w Xᵀ) at a feasible point).
    pub t: f64,
    /// β.
    pub beta: Vec<f64>,
    /// w ≥ |β| (equal to β for [`Sign::Nonnegative`]).
    pub w: Vec<f64>,
    /// Multipliers of Xβ = y (dual objective yᵀν).
    pub nu: Vec<f64>,
    /// Dual matrix Z (n×n, row-major).
    pub z: Vec<f64>,
}

// ---------------------------------------------------------------------------------------
// Exact helpers

fn to_rationals(v: &[f64]) -> Option<Vec<Rational>> {
    v.iter().map(|&x| Rational::from_f64(x)).collect()
}

fn max_abs(v: &[Rational]) -> Rational {
    v.iter().map(|x| Rational::from(x.abs_ref())).max().unwrap_or_default()
}

/// a / s as f64, with s replaced by 1 when it is zero.
fn rel(a: &Rational, s: &Rational) -> f64 {
    if *s == 0 {
        a.nearest()
    } else {
        Rational::from(a / s).nearest()
    }
}

/// Xv exactly.
fn x_times(task: &Task, v: &[Rational]) -> Vec<Rational> {
    task.x.iter().map(|row| row.iter().zip(v).fold(Rational::new(), |acc, (a, b)| acc + Rational::from(a * b))).collect()
}

/// Xᵀv exactly.
fn xt_times(task: &Task, v: &[Rational]) -> Vec<Rational> {
    let mut out = vec![Rational::new(); task.d()];
    for (row, vi) in task.x.iter().zip(v) {
        if *vi == 0 {
            continue;
        }
        for (o, a) in out.iter_mut().zip(row) {
            *o += Rational::from(a * vi);
        }
    }
    out
}

/// A solution of A z = b over the rationals (A given as rows), with the free variables at
/// zero, or `None` when the system is inconsistent. Gauss–Jordan elimination with the pivot
/// of largest magnitude (chosen on an f64 shadow of A; the elimination itself is exact), so
/// the solution of a nearly consistent correction system stays small.
pub fn solve_exact(a: &[Vec<Rational>], b: &[Rational]) -> Option<Vec<Rational>> {
    eliminate(a, b).0
}

/// Rank of a rational matrix (given as rows), by exact elimination.
pub fn rank_exact(a: &[Vec<Rational>]) -> usize {
    eliminate(a, &vec![Rational::new(); a.len()]).1
}

/// Gauss–Jordan elimination of [A | b]: (a basic solution if consistent, rank of A).
fn eliminate(a: &[Vec<Rational>], b: &[Rational]) -> (Option<Vec<Rational>>, usize) {
    let rows = a.len();
    let cols = a.first().map_or(0, Vec::len);
    let mut a: Vec<Vec<Rational>> = a.to_vec();
    let mut b: Vec<Rational> = b.to_vec();
    let mut shadow: Vec<Vec<f64>> = a.iter().map(|r| r.iter().map(Nearest::nearest).collect()).collect();
    let mut col_used = vec![false; cols];
    let mut pivots = Vec::new();
    while pivots.len() < rows.min(cols) {
        let step = pivots.len();
        let mut best: Option<(usize, usize)> = None;
        let mut best_mag = 0.0;
        for (r, srow) in shadow.iter().enumerate().skip(step) {
            for (c, &v) in srow.iter().enumerate() {
                if !col_used[c] && v.abs() > best_mag {
                    best = Some((r, c));
                    best_mag = v.abs();
                }
            }
        }
        // The shadow can miss an exact nonzero (underflow) or show rounding noise on an exact
        // zero: fall back to an exact search, and discard noise.
        let (r, c) = match best {
            Some((r, c)) if a[r][c] != 0 => (r, c),
            Some((r, c)) => {
                shadow[r][c] = 0.0;
                continue;
            }
            None => match (step..rows).flat_map(|r| (0..cols).map(move |c| (r, c))).find(|&(r, c)| !col_used[c] && a[r][c] != 0) {
                Some(p) => p,
                None => break,
            },
        };
        a.swap(step, r);
        b.swap(step, r);
        shadow.swap(step, r);
        col_used[c] = true;
        let inv = Rational::from(a[step][c].recip_ref());
        for v in a[step].iter_mut() {
            *v *= &inv;
        }
        b[step] *= &inv;
        let prow = a[step].clone();
        let pb = b[step].clone();
        let nz: Vec<usize> = (0..cols).filter(|&k| prow[k] != 0).collect();
        let prow_f: Vec<f64> = prow.iter().map(Nearest::nearest).collect();
        for r2 in 0..rows {
            if r2 == step || a[r2][c] == 0 {
                continue;
            }
            let f = a[r2][c].clone();
            let ff = f.nearest();
            for &k in &nz {
                a[r2][k] -= Rational::from(&f * &prow[k]);
                // The shadow only steers the pivot choice: plain f64 updates suffice.
                shadow[r2][k] -= ff * prow_f[k];
            }
            b[r2] -= Rational::from(&f * &pb);
        }
        for v in shadow[step].iter_mut() {
            *v = 0.0;
        }
        for srow in shadow.iter_mut() {
            srow[c] = 0.0;
        }
        pivots.push(c);
    }
    let rank = pivots.len();
    if b[rank..].iter().any(|v| *v != 0) {
        return (None, rank);
    }
    let mut z = vec![Rational::new(); cols];
    for (step, &c) in pivots.iter().enumerate() {
        z[c] = b[step].clone();
    }
    (Some(z), rank)
}

// ---------------------------------------------------------------------------------------
// Solver plumbing

/// Sparse matrix assembled column by column.
struct Columns {
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

struct Solved {
    x: Vec<f64>,
    z: Vec<f64>,
    status: SolverStatus,
    iterations: u32,
}

fn run_clarabel(what: &str, q: &[f64], a: Columns, b: &[f64], cones: &[SupportedConeT<f64>], tight: bool) -> Result<Solved> {
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

// ---------------------------------------------------------------------------------------
// LPs

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

// ---------------------------------------------------------------------------------------
// min-ℓ2

/// Minimum ℓ2 interpolator β = Xᵀ(XXᵀ)⁻¹y, exactly in rationals. Error when XXᵀ is singular
/// (rank of X below n). The certificate checks exactly Xβ = y, β = Xᵀλ and the zero gap of
/// the dual max yᵀλ − ½‖Xᵀλ‖² ([`check_l2_certificate`]).
///
/// ```
/// use normsharp::interpolators::min_l2;
/// let t = normsharp::task::canonical_two();
/// let opt = min_l2(&t).unwrap();
/// assert_eq!(opt.beta, vec![0.2, 0.4]);
/// assert!(opt.certificate.valid && opt.certificate.gap == 0.0);
/// ```
pub fn min_l2(task: &Task) -> Result<Certified> {
    let (beta, lambda) = min_l2_pair(task)?;
    let certificate = check_l2_certificate(task, &beta, &lambda);
    let norm_sq = beta.iter().fold(Rational::new(), |acc, b| acc + Rational::from(b * b));
    Ok(Certified {
        beta: beta.iter().map(Nearest::nearest).collect(),
        objective: norm_sq.nearest().sqrt(),
        certificate,
        witness: Witness::L2 { beta, lambda },
    })
}

/// The exact minimum-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y (the vector only; see [`min_l2`]).
pub fn min_l2_exact(task: &Task) -> Result<Vec<Rational>> {
    min_l2_pair(task).map(|(beta, _)| beta)
}

/// (β, λ) with λ = (XXᵀ)⁻¹y and β = Xᵀλ, by exact Gaussian elimination.
fn min_l2_pair(task: &Task) -> Result<(Vec<Rational>, Vec<Rational>)> {
    let n = task.n();
    let mut gram = vec![vec![Rational::new(); n]; n];
    for (i, ri) in task.x.iter().enumerate() {
        for (j, rj) in task.x.iter().enumerate().take(i + 1) {
            let v = ri.iter().zip(rj).fold(Rational::new(), |acc, (a, b)| acc + Rational::from(a * b));
            gram[i][j] = v.clone();
            gram[j][i] = v;
        }
    }
    let (solution, rank) = eliminate(&gram, &task.y);
    let lambda = solution.filter(|_| rank == n).ok_or_else(|| {
        Error::field(
            "X",
            format!("XXᵀ is singular: rank {rank} below n = {n}"),
            "linearly independent rows of X for the min-ℓ2 interpolator",
        )
    })?;
    Ok((xt_times(task, &lambda), lambda))
}

/// Exact certificate of the min-ℓ2 interpolator: infeasibility |Xβ − y|∞/‖y‖∞, dual
/// infeasibility (stationarity) |β − Xᵀλ|∞/‖β‖∞, gap ½‖β‖² − (yᵀλ − ½‖Xᵀλ‖²) relative to
/// ½‖β‖²; valid iff all ≤ [`LP_TOL`].
pub fn check_l2_certificate(task: &Task, beta: &[Rational], lambda: &[Rational]) -> Certificate {
    let res = x_times(task, beta);
    let resid = res.iter().zip(&task.y).map(|(a, y)| Rational::from(a - y).abs()).max().unwrap_or_default();
    let xtl = xt_times(task, lambda);
    let stat = beta.iter().zip(&xtl).map(|(a, b)| Rational::from(a - b).abs()).max().unwrap_or_default();
    let half = Rational::from((1, 2));
    let primal = beta.iter().fold(Rational::new(), |acc, b| acc + Rational::from(b * b)) * &half;
    let dual = task.y.iter().zip(lambda).fold(Rational::new(), |acc, (y, l)| acc + Rational::from(y * l))
        - xtl.iter().fold(Rational::new(), |acc, b| acc + Rational::from(b * b)) * &half;
    let gap_q = Rational::from(&primal - &dual);
    let (gap, infeasibility, dual_infeasibility) = (rel(&gap_q, &primal), rel(&resid, &max_abs(&task.y)), rel(&stat, &max_abs(beta)));
    Certificate {
        gap,
        infeasibility,
        dual_infeasibility,
        valid: gap.abs() <= LP_TOL && infeasibility <= LP_TOL && dual_infeasibility <= LP_TOL,
        note: if gap_q == 0 && resid == 0 && stat == 0 {
            "exact rational check: Xβ = y, β = Xᵀλ, zero gap".into()
        } else {
            format!("exact rational check; tolerance {LP_TOL:e} relative")
        },
    }
}

// ---------------------------------------------------------------------------------------
// SDP

/// Minimum λ_max-sharpness interpolator: minimize t s.t. t·I − Σ_i w_i X_{:,i}X_{:,i}ᵀ ⪰ 0,
/// Xβ = y, −w ≤ β ≤ w (w = β ≥ 0 for [`Sign::Nonnegative`]). The optimal t* is
/// min λ_max(X diag|β| Xᵀ) over interpolators; for SW the minimal sharpness is (4/n)·t*.
/// Error above [`SDP_MAX_SAMPLES`] samples.
pub fn min_sharpness_sdp(task: &Task, sign: Sign) -> Result<Certified> {
    let (n, d) = (task.n(), task.d());
    if n > SDP_MAX_SAMPLES {
        return Err(Error::arg(
            "task (samples n)",
            format!("the sharpness SDP has an n×n PSD constraint and n = {n} exceeds the limit {SDP_MAX_SAMPLES}"),
            format!("n ≤ {SDP_MAX_SAMPLES} samples for min_sharpness_sdp (the LPs and min-ℓ2 have no such limit)"),
        ));
    }
    let xf: Vec<Vec<f64>> = task.x.iter().map(|r| r.iter().map(Nearest::nearest).collect()).collect();
    let yf: Vec<f64> = task.y.iter().map(Nearest::nearest).collect();
    // Variables: t, β (d), and w (d) when signed. The PSD block is on w (β when nonnegative).
    let signed = sign == Sign::Signed;
    let nvar = 1 + if signed { 2 * d } else { d };
    let wcol = |j: usize| if signed { 1 + d + j } else { 1 + j };
    let n_sign = if signed { 2 * d } else { d };
    let nsvec = n * (n + 1) / 2;
    let mut a = Columns::new(n + n_sign + nsvec, nvar);
    for (i, row) in xf.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            a.push(i, 1 + j, v);
        }
    }
    for j in 0..d {
        if signed {
            // w − β ≥ 0 and w + β ≥ 0 (s = b − Ax with b = 0).
            a.push(n + j, 1 + j, 1.0);
            a.push(n + j, wcol(j), -1.0);
            a.push(n + d + j, 1 + j, -1.0);
            a.push(n + d + j, wcol(j), -1.0);
        } else {
            a.push(n + j, 1 + j, -1.0);
        }
    }
    // svec(tI − Σ w_j X_j X_jᵀ): column-major upper triangle, off-diagonals scaled by √2.
    let base = n + n_sign;
    let mut k = 0;
    for c in 0..n {
        for r in 0..=c {
            let scale = if r == c { 1.0 } else { std::f64::consts::SQRT_2 };
            if r == c {
                a.push(base + k, 0, -1.0);
            }
            for (j, (xr, xc)) in xf[r].iter().zip(&xf[c]).enumerate() {
                a.push(base + k, wcol(j), scale * xr * xc);
            }
            k += 1;
        }
    }
    let mut b = yf;
    b.extend(std::iter::repeat_n(0.0, n_sign + nsvec));
    let mut cost = vec![0.0; nvar];
    cost[0] = 1.0;
    let cones = [SupportedConeT::ZeroConeT(n), SupportedConeT::NonnegativeConeT(n_sign), SupportedConeT::PSDTriangleConeT(n)];
    let sol = run_clarabel("sharpness SDP", &cost, a, &b, &cones, true)?;
    let beta: Vec<f64> = sol.x[1..=d].to_vec();
    let w: Vec<f64> = if signed { sol.x[1 + d..].to_vec() } else { beta.clone() };
    let nu: Vec<f64> = sol.z[..n].iter().map(|v| -v).collect();
    let zs = &sol.z[base..];
    let mut z = vec![0.0; n * n];
    let mut k = 0;
    for c in 0..n {
        for r in 0..=c {
            let v = if r == c { zs[k] } else { zs[k] / std::f64::consts::SQRT_2 };
            z[r * n + c] = v;
            z[c * n + r] = v;
            k += 1;
        }
    }
    let point = SdpPoint { t: sol.x[0], beta, w, nu, z };
    let mut certificate = check_sdp_certificate(task, sign, &point);
    certificate.note = format!("{}; clarabel {:?} in {} iterations", certificate.note, sol.status, sol.iterations);
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

// ---------------------------------------------------------------------------------------
// Predictions for `normsharp predict`

/// The interpolators of a task as JSON fields: `beta_l1_min`, `beta_l2_min`,
/// `beta_trace_sharp_min`, `beta_sharp_min`, `sharpness_min` ((4/n)·λ_max(X diag β Xᵀ) at the
/// SDP optimum: the minimal SW sharpness; for [`Sign::Signed`] the same with |β|, a lower
/// bound on the PM sharpness) and `certificates` (per optimum `l1_min`, `l2_min`,
/// `trace_sharp_min`, `sharp_min`: gap, infeasibility, dual_infeasibility, valid). A value that
/// cannot be computed (no interpolator, singular XXᵀ for min-ℓ2, more than
/// [`SDP_MAX_SAMPLES`] samples for the SDP) is null, with a string `<key>_note` saying why.
/// The SDP dominates the cost: ~0.1 s at n = 20, ~1 s at n = 40, ~10 s at n = 60 (d = 50).
pub fn predict_fields(task: &Task, sign: Sign) -> Map<String, Json> {
    let mut out = Map::new();
    let mut certs = Map::new();
    let mut put = |out: &mut Map<String, Json>, key: &str, cert_name: &str, r: Result<Certified>| -> Option<Certified> {
        match r {
            Ok(c) => {
                out.insert(key.into(), json!(c.beta));
                certs.insert(
                    cert_name.into(),
                    json!({
                        "gap": c.certificate.gap, "infeasibility": c.certificate.infeasibility,
                        "dual_infeasibility": c.certificate.dual_infeasibility, "valid": c.certificate.valid,
                    }),
                );
                Some(c)
            }
            Err(e) => {
                out.insert(key.into(), Json::Null);
                out.insert(format!("{key}_note"), json!(e.to_string()));
                None
            }
        }
    };
    put(&mut out, "beta_l1_min", "l1_min", min_l1(task, sign));
    put(&mut out, "beta_l2_min", "l2_min", min_l2(task));
    put(&mut out, "beta_trace_sharp_min", "trace_sharp_min", min_trace_sharpness(task, sign));
    let sdp = put(&mut out, "beta_sharp_min", "sharp_min", min_sharpness_sdp(task, sign));
    match sdp {
        Some(c) => {
            out.insert("sharpness_min".into(), json!(4.0 * c.objective / task.n() as f64));
        }
        None => {
            out.insert("sharpness_min".into(), Json::Null);
            out.insert("sharpness_min_note".into(), json!("the sharpness SDP was not solved (see beta_sharp_min_note)"));
        }
    }
    out.insert("certificates".into(), Json::Object(certs));
    out
}
