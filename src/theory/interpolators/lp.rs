//! The linear programs: minimum weighted ℓ1 (ℓ1 itself and the trace sharpness), solved by
//! clarabel and certified by an exact repair and an exact rational certificate.

use super::*;
use crate::error::{Error, Result};
use crate::numeric::dixon::ScaledRows;
use crate::numeric::real::Nearest;
use crate::problem::task::Task;
use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};
use rug::{Integer, Rational};

mod dual_simplex;
mod exact;
pub(crate) use exact::solve_fraction_free;
use exact::{repair_on_support, xt_times_exact, Lu};

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
///
/// Exact, over one common denominator: with X = diag(L)⁻¹X' (X' integer, [`ScaledRows`]) and
/// D = lcm_i L_i², c_j = (Σ_i X'_ij²·(D/L_i²))/D — machine integers (i128, checked) when they
/// fit, GMP integers otherwise; no rational is canonicalized until the end.
pub fn column_norms_sq(task: &Task) -> Vec<Rational> {
    let xi = ScaledRows::new(&task.x);
    let sq: Vec<Integer> = xi.scales.iter().map(|l| Integer::from(l * l)).collect();
    let den = sq.iter().fold(Integer::from(1), |acc, l2| acc.lcm(l2));
    let factors: Vec<Integer> = sq.iter().map(|l2| Integer::from(&den / l2)).collect();
    let small_factors: Option<Vec<i128>> = factors.iter().map(|f| f.to_i64().map(i128::from)).collect();
    (0..xi.d)
        .map(|j| {
            let machine = match (&xi.small, &small_factors) {
                (Some(s), Some(f)) => (0..xi.n).try_fold(0i128, |acc, i| {
                    let v = i128::from(s[i * xi.d + j]);
                    v.checked_mul(v)?.checked_mul(f[i])?.checked_add(acc)
                }),
                _ => None,
            };
            let num = machine.map(Integer::from).unwrap_or_else(|| {
                (0..xi.n).fold(Integer::new(), |acc, i| {
                    let v = xi.get(i, j);
                    acc + Integer::from(&v * &v) * &factors[i]
                })
            });
            Rational::from((num, den.clone()))
        })
        .collect()
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
///
/// The repair reads the support off clarabel's interior point; when that support is cut short
/// or padded (an interior point not centred enough to separate a small basic value from a small
/// reduced cost), it solves on the rank-many independent columns of largest support score, and
/// from there pivots an f64 simplex to an optimal basis whose exact solution is certified; then
/// the same after a tighter solve. An optimum is only returned with a valid certificate: if none
/// of these yields one, the result is an error naming what was tried.
pub fn min_weighted_l1(task: &Task, weights: &[Rational], sign: Sign) -> Result<Certified> {
    let (n, d) = (task.n(), task.d());
    if weights.len() != d || weights.iter().any(|c| *c < 0) {
        return Err(Error::arg("weights", format!("{} weights (or a negative one) for d = {d}", weights.len()), "d nonnegative weights"));
    }
    // X = diag(L)⁻¹X' with X' integer: the exact solves and checks work on X'.
    let xi = ScaledRows::new(&task.x);
    let xf: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let l = &xi.scales[i];
            let lf = l.to_i64().filter(|&v| v <= 1 << 53).map(|v| v as f64);
            (0..d)
                .map(|j| match (&xi.small, lf) {
                    // One IEEE division of two exact f64 values: the correctly rounded quotient.
                    (Some(s), Some(lf)) if s[i * d + j].unsigned_abs() <= 1 << 53 => s[i * d + j] as f64 / lf,
                    _ => nearest_ratio(&xi.get(i, j), l),
                })
                .collect()
        })
        .collect();
    let yf: Vec<f64> = task.y.iter().map(nearest_q).collect();
    let cf: Vec<f64> = weights.iter().map(nearest_q).collect();
    // Variables: β (nonnegative) or (p, q) with β = p − q; rows: Xβ = y, then the variables ≥ 0.
    let nvar = if sign == Sign::Signed { 2 * d } else { d };
    let lp = Lp { task, weights, sign, xi: &xi, xf: &xf, yf: &yf, cf: &cf };
    let mut b = yf.clone();
    b.extend(std::iter::repeat_n(0.0, nvar));
    let cost: Vec<f64> = if sign == Sign::Signed { cf.iter().chain(&cf).copied().collect() } else { cf.clone() };
    let what = if weights.iter().all(|c| *c == 1) { "min-ℓ1 LP" } else { "weighted-ℓ1 LP" };
    // First the dual simplex's optimal basis, solved exactly (Dixon lifting) and certified.
    let mut tried = Vec::new();
    match lp.dual_simplex() {
        Ok((basis, iters)) => match lp.exact_basic(&basis) {
            Some((beta, nu)) => {
                let mut certificate = check_lp_scaled(task, lp.xi, weights, sign, &beta, &nu);
                if certificate.valid {
                    certificate.note =
                        format!("{}; exact basic solution of the f64 dual simplex's optimal basis ({iters} pivots)", certificate.note);
                    return Ok(certified(weights, beta, nu, certificate));
                }
                tried.push(format!("dual simplex ({iters} pivots): invalid exact certificate"));
            }
            None => tried.push(format!("dual simplex ({iters} pivots): basis singular mod p")),
        },
        Err(why) => tried.push(format!("dual simplex: {why}")),
    }
    let sol =
        run_clarabel(what, &cost, lp.constraints(), &b, &[SupportedConeT::ZeroConeT(n), SupportedConeT::NonnegativeConeT(nvar)], false)?;
    let status = format!("clarabel {:?} in {} iterations", sol.status, sol.iterations);
    // An optimum is returned only with a valid certificate: the exact repairs of the default
    // solve, then of a solve to clarabel's tightest tolerance (1e-10), then the rounded
    // interior points themselves (valid only if they beat LP_TOL on their own).
    tried.push(format!("default solve: {status}"));
    let mut found = lp.certify(&sol, &mut tried);
    if found.is_none() {
        let tight =
            run_clarabel(what, &cost, lp.constraints(), &b, &[SupportedConeT::ZeroConeT(n), SupportedConeT::NonnegativeConeT(nvar)], true)?;
        tried.push(format!("tight solve: clarabel {:?} in {} iterations", tight.status, tight.iterations));
        found = lp.certify(&tight, &mut tried);
        if found.is_none() {
            for (s, label) in [(&sol, "default"), (&tight, "tight")] {
                let (b, v) = lp
                    .interior_point(s)
                    .ok_or_else(|| Error::NoConvergence { what: what.into(), detail: "non-finite solver output".into() })?;
                let c = check_lp_certificate(task, weights, sign, &b, &v);
                if c.valid {
                    found = Some((b, v, format!("the rounded interior point of the {label} solve (no exact repair succeeded)")));
                    break;
                }
            }
        }
    }
    let Some((beta, nu, how)) = found else {
        return Err(Error::NoConvergence { what: what.into(), detail: format!("no valid certificate: {}", tried.join("; ")) });
    };
    let mut certificate = check_lp_certificate(task, weights, sign, &beta, &nu);
    certificate.note = format!("{}; {how}; {status}", certificate.note);
    Ok(certified(weights, beta, nu, certificate))
}

/// The certified optimum of a weighted-ℓ1 LP: objective Σ c_i|β_i| exactly, then rounded.
fn certified(weights: &[Rational], beta: Vec<Rational>, nu: Vec<Rational>, certificate: Certificate) -> Certified {
    let objective = weighted_l1(weights, &beta).nearest();
    Certified { beta: beta.iter().map(Nearest::nearest).collect(), objective, certificate, witness: Witness::Lp { beta, nu } }
}

/// Σ c_i|β_i| exactly (over the common denominator of β).
fn weighted_l1(weights: &[Rational], beta: &[Rational]) -> Rational {
    let abs: Vec<Rational> = beta.iter().map(|b| Rational::from(b.abs_ref())).collect();
    dot_exact(weights.iter(), &common_denominator(&abs))
}

/// One weighted-ℓ1 LP with its data in f64 (for the solver and the pivoting) and in
/// rationals (for the exact repairs).
struct Lp<'a> {
    task: &'a Task,
    weights: &'a [Rational],
    sign: Sign,
    /// X' and L with X = diag(L)⁻¹X' (X' integer).
    xi: &'a ScaledRows,
    xf: &'a [Vec<f64>],
    yf: &'a [f64],
    cf: &'a [f64],
}

/// A column of the LP in standard form: feature j with sign s (β_j = s·t_j, t_j ≥ 0, cost c_j).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Col {
    j: usize,
    s: i8,
}

impl Lp<'_> {
    fn n(&self) -> usize {
        self.task.n()
    }
    fn d(&self) -> usize {
        self.task.d()
    }
    /// The constraint matrix of the clarabel problem (Xβ = y, then the variables ≥ 0).
    fn constraints(&self) -> Columns {
        let (n, d) = (self.n(), self.d());
        let nvar = if self.sign == Sign::Signed { 2 * d } else { d };
        let mut a = Columns::new(n + nvar, nvar);
        for (i, row) in self.xf.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                a.push(i, j, v);
                if self.sign == Sign::Signed {
                    a.push(i, d + j, -v);
                }
            }
        }
        for k in 0..nvar {
            a.push(n + k, k, -1.0);
        }
        a
    }
    /// The solver's primal β and dual ν (ν = −z_eq: clarabel's dual satisfies q + Aᵀz = 0 with
    /// z free on the zero cone, so the reduced costs c − Xᵀν are z_nonneg ≥ 0 and the dual
    /// objective is yᵀν), rounded to rationals.
    fn interior_point(&self, sol: &Solved) -> Option<(Vec<Rational>, Vec<Rational>)> {
        let d = self.d();
        let beta_f: Vec<f64> =
            if self.sign == Sign::Signed { (0..d).map(|j| sol.x[j] - sol.x[d + j]).collect() } else { sol.x[..d].to_vec() };
        let nu_f: Vec<f64> = sol.z[..self.n()].iter().map(|v| -v).collect();
        Some((to_rationals(&beta_f)?, to_rationals(&nu_f)?))
    }
    fn valid(&self, beta: &[Rational], nu: &[Rational]) -> bool {
        check_lp_scaled(self.task, self.xi, self.weights, self.sign, beta, nu).valid
    }
    /// The exact repairs of one interior point, in order of cost: (1) on the support read
    /// off the interior point (β_i·rc_i ≈ μ there, and the limit is strictly complementary);
    /// (2) on a basis: the rank-many linearly independent columns with the largest
    /// support scores (this also covers a support the threshold of (1) cut short or padded);
    /// (3) on the basis the f64 simplex reaches from (2). Each is accepted only if its exact
    /// certificate is valid; `tried` collects what failed.
    fn certify(&self, sol: &Solved, tried: &mut Vec<String>) -> Option<(Vec<Rational>, Vec<Rational>, String)> {
        let (beta, nu) = self.interior_point(sol)?;
        let scores = self.scores(&beta, &nu);
        if let Some((b, v)) = repair_on_support(self.task, self.weights, &beta, &nu, &scores) {
            if self.valid(&b, &v) {
                return Some((b, v, "exact repair on the support".into()));
            }
            tried.push("support repair: invalid certificate".into());
        } else {
            tried.push("support repair: inconsistent equations".into());
        }
        let mut order: Vec<usize> = (0..self.d()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let basis = self.greedy_basis(&order);
        if basis.len() < self.n() {
            tried.push(format!("basis: only {} independent columns for n = {}", basis.len(), self.n()));
            return None;
        }
        let beta_f: Vec<f64> = beta.iter().map(Nearest::nearest).collect();
        let xtn = xt_times_exact(self.task, &nu);
        let cols: Vec<Col> = basis
            .iter()
            .map(|&j| {
                let s = match self.sign {
                    Sign::Nonnegative => 1,
                    Sign::Signed if beta_f[j] != 0.0 => beta_f[j].signum() as i8,
                    Sign::Signed => xtn[j].nearest().signum() as i8,
                };
                Col { j, s }
            })
            .collect();
        if let Some((b, v)) = self.exact_basis(&cols) {
            if self.valid(&b, &v) {
                return Some((b, v, "exact basic solution on the columns of largest support score".into()));
            }
        }
        tried.push("greedy basis: invalid certificate".into());
        match self.simplex(cols, 200) {
            Ok((cols, pivots)) => match self.exact_basis(&cols) {
                Some((b, v)) if self.valid(&b, &v) => {
                    Some((b, v, format!("exact basic solution after {pivots} f64 simplex pivots from the greedy basis")))
                }
                _ => {
                    tried.push(format!("simplex ({pivots} pivots): invalid exact certificate"));
                    None
                }
            },
            Err(why) => {
                tried.push(format!("simplex: {why}"));
                None
            }
        }
    }
    /// The support score of each feature: |β_i|/‖β‖∞ − rc_i/‖c‖∞ (rc the reduced cost of the
    /// column on β_i's side): positive on the support of a well-centred interior point.
    fn scores(&self, beta: &[Rational], nu: &[Rational]) -> Vec<f64> {
        let xtn = xt_times_exact(self.task, nu);
        let (bmax, cmax) = (max_abs(beta).nearest().max(f64::MIN_POSITIVE), max_abs(self.weights).nearest().max(f64::MIN_POSITIVE));
        (0..self.d())
            .map(|i| {
                let rc = match self.sign {
                    Sign::Nonnegative => Rational::from(&self.weights[i] - &xtn[i]),
                    Sign::Signed => &self.weights[i] - Rational::from(xtn[i].abs_ref()),
                };
                beta[i].clone().abs().nearest() / bmax - rc.nearest().abs() / cmax
            })
            .collect()
    }
    /// Up to n columns in `order`, each kept if it is linearly independent of those kept
    /// (f64 Gram–Schmidt, relative threshold 1e-8; the exact solve confirms).
    fn greedy_basis(&self, order: &[usize]) -> Vec<usize> {
        let n = self.n();
        let mut q: Vec<Vec<f64>> = Vec::new();
        let mut chosen = Vec::new();
        for &j in order {
            if chosen.len() == n {
                break;
            }
            let mut v: Vec<f64> = (0..n).map(|i| self.xf[i][j]).collect();
            let norm0 = v.iter().map(|a| a * a).sum::<f64>().sqrt();
            if norm0 == 0.0 {
                continue;
            }
            for _ in 0..2 {
                for qk in &q {
                    let dot: f64 = qk.iter().zip(&v).map(|(a, b)| a * b).sum();
                    v.iter_mut().zip(qk).for_each(|(a, b)| *a -= dot * b);
                }
            }
            let nv = v.iter().map(|a| a * a).sum::<f64>().sqrt();
            if nv > 1e-8 * norm0 {
                q.push(v.iter().map(|a| a / nv).collect());
                chosen.push(j);
            }
        }
        chosen
    }
    /// The exact basic solution of a basis: X_B β_B = y, then (signed) the sign of each
    /// column from β_B (the given sign where β_j = 0), and X_Bᵀν = s⊙c_B.
    fn exact_basis(&self, cols: &[Col]) -> Option<(Vec<Rational>, Vec<Rational>)> {
        let task = self.task;
        let xb: Vec<Vec<Rational>> = task.x.iter().map(|row| cols.iter().map(|c| row[c.j].clone()).collect()).collect();
        let t = solve_fraction_free(&xb, &task.y)?;
        let mut beta = vec![Rational::new(); self.d()];
        let mut rhs = Vec::with_capacity(cols.len());
        for (c, v) in cols.iter().zip(t) {
            let s = if v > 0 {
                1
            } else if v < 0 {
                -1
            } else {
                c.s
            };
            if self.sign == Sign::Nonnegative && s < 0 {
                return None;
            }
            rhs.push(if s < 0 { Rational::from(-&self.weights[c.j]) } else { self.weights[c.j].clone() });
            beta[c.j] = v;
        }
        let xbt: Vec<Vec<Rational>> = cols.iter().map(|c| task.x.iter().map(|row| row[c.j].clone()).collect()).collect();
        let nu = solve_fraction_free(&xbt, &rhs)?;
        Some((beta, nu))
    }
    /// The primal (from a primal feasible basis) or dual (from a dual feasible one) simplex
    /// in f64 on the standard form, Bland's rule, until the basis is optimal to the relative
    /// tolerance 1e-11 or after `max_pivots` pivots. For the signed LP a basis is made primal
    /// feasible by choosing each column's sign from β_B.
    fn simplex(&self, mut basis: Vec<Col>, max_pivots: usize) -> std::result::Result<(Vec<Col>, usize), String> {
        let (n, d) = (self.n(), self.d());
        if basis.len() != n {
            return Err(format!("{} columns for n = {n}", basis.len()));
        }
        let column = |c: Col| -> Vec<f64> { (0..n).map(|i| f64::from(c.s) * self.xf[i][c.j]).collect() };
        let all: Vec<Col> = match self.sign {
            Sign::Nonnegative => (0..d).map(|j| Col { j, s: 1 }).collect(),
            Sign::Signed => (0..d).flat_map(|j| [Col { j, s: 1 }, Col { j, s: -1 }]).collect(),
        };
        let cmax = self.cf.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
        let ymax = self.yf.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
        let lu = |basis: &[Col]| {
            let mut m = vec![0.0; n * n];
            for (k, &c) in basis.iter().enumerate() {
                for (i, v) in column(c).into_iter().enumerate() {
                    m[i * n + k] = v;
                }
            }
            Lu::new(n, m)
        };
        if self.sign == Sign::Signed {
            let f = lu(&basis).ok_or("singular basis")?;
            for (c, x) in basis.iter_mut().zip(f.solve(self.yf)) {
                if x < 0.0 {
                    c.s = -c.s;
                }
            }
        }
        for pivots in 0..=max_pivots {
            let f = lu(&basis).ok_or("singular basis")?;
            let xb = f.solve(self.yf);
            let xscale = xb.iter().fold(ymax, |m, v| m.max(v.abs()));
            let primal_ok = xb.iter().all(|&v| v >= -1e-11 * xscale);
            let cb: Vec<f64> = basis.iter().map(|c| self.cf[c.j]).collect();
            let nu = f.solve_t(&cb);
            let rc = |c: Col| -> f64 { self.cf[c.j] - column(c).iter().zip(&nu).map(|(a, b)| a * b).sum::<f64>() };
            let nonbasic: Vec<Col> = all.iter().copied().filter(|c| !basis.iter().any(|b| b.j == c.j)).collect();
            let entering = nonbasic.iter().copied().find(|&c| rc(c) < -1e-11 * cmax);
            if primal_ok {
                let Some(e) = entering else { return Ok((basis, pivots)) };
                if pivots == max_pivots {
                    break;
                }
                let dir = f.solve(&column(e));
                let dmax = dir.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                let leave = (0..n)
                    .filter(|&i| dir[i] > 1e-10 * dmax)
                    .min_by(|&a, &b| (xb[a].max(0.0) / dir[a]).total_cmp(&(xb[b].max(0.0) / dir[b])).then(basis[a].cmp(&basis[b])));
                let Some(r) = leave else { return Err("unbounded direction".into()) };
                basis[r] = e;
            } else if entering.is_none() {
                if pivots == max_pivots {
                    break;
                }
                // Dual simplex: the most infeasible basic variable leaves.
                let r = (0..n).min_by(|&a, &b| xb[a].total_cmp(&xb[b])).expect("n ≥ 1");
                let mut er = vec![0.0; n];
                er[r] = 1.0;
                let row = f.solve_t(&er);
                let alpha = |c: Col| -> f64 { column(c).iter().zip(&row).map(|(a, b)| a * b).sum() };
                let amax = nonbasic.iter().fold(0.0f64, |m, &c| m.max(alpha(c).abs()));
                let enter = nonbasic
                    .iter()
                    .copied()
                    .filter(|&c| alpha(c) < -1e-10 * amax)
                    .min_by(|&a, &b| (rc(a).max(0.0) / -alpha(a)).total_cmp(&(rc(b).max(0.0) / -alpha(b))).then(a.cmp(&b)));
                let Some(e) = enter else { return Err("primal infeasible (dual simplex)".into()) };
                basis[r] = e;
            } else {
                return Err("basis neither primal nor dual feasible".into());
            }
        }
        Err(format!("not optimal after {max_pivots} pivots"))
    }
}

/// Exact LP certificate of (β, ν) for minimize Σ c_i|β_i| s.t. Xβ = y (β ≥ 0 for
/// [`Sign::Nonnegative`]): primal infeasibility |Xβ − y|∞/‖y‖∞ (and max(−β_i)/‖β‖∞),
/// dual infeasibility max_i ((Xᵀν)_i − c_i)⁺/‖c‖∞ (|(Xᵀν)_i| for signed), gap
/// (Σ c_i|β_i| − yᵀν)/|Σ c_i|β_i||; valid iff all ≤ [`LP_TOL`]. Everything in rationals.
pub fn check_lp_certificate(task: &Task, weights: &[Rational], sign: Sign, beta: &[Rational], nu: &[Rational]) -> Certificate {
    check_lp_scaled(task, &ScaledRows::new(&task.x), weights, sign, beta, nu)
}

/// [`check_lp_certificate`] on X = diag(L)⁻¹X' (X' integer): Xβ and Xᵀν as integer dot
/// products over common denominators, the dual constraints compared as integers.
fn check_lp_scaled(task: &Task, xi: &ScaledRows, weights: &[Rational], sign: Sign, beta: &[Rational], nu: &[Rational]) -> Certificate {
    let (scales, d) = (&xi.scales, task.d());
    if beta.len() != d || nu.len() != task.n() || weights.len() != d || xi.n != task.n() || xi.d != d {
        return Certificate {
            gap: f64::NAN,
            infeasibility: f64::NAN,
            dual_infeasibility: f64::NAN,
            valid: false,
            note: "dimension mismatch".into(),
        };
    }
    // (Xβ)_i = (X'_i·N)/(q·L_i) with β = N/q.
    let (bn, bq) = common_denominator(beta);
    let support: Vec<usize> = (0..d).filter(|&j| bn[j] != 0).collect();
    let resid = scales
        .iter()
        .zip(&task.y)
        .enumerate()
        .map(|(i, (l, y))| {
            let mut acc = Integer::new();
            for &j in &support {
                match &xi.small {
                    Some(s) => acc += &bn[j] * s[i * d + j],
                    None => acc += &bn[j] * &xi.big[i][j],
                }
            }
            (Rational::from((acc, Integer::from(&bq * l))) - y).abs()
        })
        .max()
        .unwrap_or_default();
    let mut infeas = rel(&resid, &max_abs(&task.y));
    if sign == Sign::Nonnegative {
        let neg = beta.iter().map(|b| Rational::from(-b)).max().unwrap_or_default().max(Rational::new());
        infeas = infeas.max(rel(&neg, &max_abs(beta)));
    }
    // (Xᵀν)_j = Σ_i X'_ij W_i / w with ν_i/L_i = W_i/w; violated iff s_j·den(c_j) > num(c_j)·w.
    let scaled_nu: Vec<Rational> = nu.iter().zip(scales).map(|(v, l)| Rational::from(v / l)).collect();
    let (wn, wq) = common_denominator(&scaled_nu);
    let mut sums = vec![Integer::new(); d];
    for (i, wi) in wn.iter().enumerate() {
        if *wi == 0 {
            continue;
        }
        for (j, sj) in sums.iter_mut().enumerate() {
            match &xi.small {
                Some(s) => *sj += wi * s[i * d + j],
                None => *sj += wi * &xi.big[i][j],
            }
        }
    }
    let mut viol = Rational::new();
    for (sj, c) in sums.into_iter().zip(weights) {
        let v = if sign == Sign::Signed { sj.abs() } else { sj };
        let lhs = v * c.denom();
        let rhs = Integer::from(c.numer() * &wq);
        if lhs > rhs {
            let excess = Rational::from((lhs - rhs, Integer::from(c.denom() * &wq)));
            if excess > viol {
                viol = excess;
            }
        }
    }
    let dual_infeas = rel(&viol, &max_abs(weights));
    let primal = weighted_l1(weights, beta);
    let dual = dot_exact(task.y.iter(), &common_denominator(nu));
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
