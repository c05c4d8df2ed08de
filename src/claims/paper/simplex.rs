//! T1–T3: norm and sharpness on the zero-loss simplex, its two vertices, the gradient-flow limit.
//!
//! Each claim has a check on one task (`t1_on_task`, …) that the canonical check reuses, and
//! a hypothesis test (`*_applies`) for the registry's per-task verdicts.

use super::*;
use crate::numeric::linalg::solve_spd;
use crate::problem::model::AnyModel;

/// Unit roundoff of f64, u = 2⁻⁵³.
pub(super) const U: f64 = f64::EPSILON / 2.0;

/// Normwise resolution of an f64 symmetric eigen-solve of a p×p matrix, relative to ‖H‖₂:
/// the computed eigenvalues are exact for H + F with ‖F‖₂ ≤ c·p²·u·‖H‖₂ (Higham, *Accuracy
/// and Stability of Numerical Algorithms*, §19.3: Householder tridiagonalization and QR
/// iteration are normwise backward stable with a γ̃_{p²}-type constant); we take c = 4, and
/// Weyl's inequality moves every eigenvalue by at most ‖F‖₂.
pub(super) fn eig_resolution(p: usize) -> f64 {
    4.0 * (p * p) as f64 * U
}

/// The statement of the origin of [`eig_resolution`], for tolerance texts.
pub(super) const EIG_ORIGIN: &str = "eigen-solve backward error ≤ 4p²u‖H‖ (Higham §19.3, Weyl)";

/// A check that could not be computed, of the kind it would have been (it fails the claim).
pub(super) fn not_computed(claim: &str, task: &str, quantity: &str, why: String, kind: Kind) -> CheckResult {
    CheckResult::failed(claim, task, quantity, why).kind(kind, "not computed: the check failed before a comparison")
}

/// Hypothesis: the SW model (β = w⊙w).
pub(super) fn sw_model(case: &TaskCase) -> std::result::Result<(), String> {
    match case.model {
        AnyModel::Sw => Ok(()),
        _ => Err("the claim is about the SW model (β = w⊙w)".into()),
    }
}

/// Hypotheses of THEORY.md §3: SW, one sample, x > 0, y > 0.
pub(super) fn sw_one_sample(case: &TaskCase) -> std::result::Result<(), String> {
    sw_model(case)?;
    case.task.single_sample_positive().map(|_| ()).map_err(|e| e.to_string())
}

/// Hypotheses of the n-sample SW statements: X > 0 and y > 0 entrywise and a strictly
/// positive interpolator exists, witnessed by the gradient flow itself: its endpoint
/// ([`gf_ros2`], δ = 0.02) is reached at the residual's rounding level with every coordinate
/// positive (a limit of the positive points w(t)⊙w(t)).
pub(super) fn sw_positive_interpolating(case: &TaskCase) -> std::result::Result<(), String> {
    sw_model(case)?;
    case.task.positive_design().map_err(|e| e.to_string())?;
    let design = case.task.design::<f64>(());
    match gf_ros2(&design, case.alpha.nearest(), 0.02, 200_000) {
        Ok((beta, _, _)) if beta.iter().all(|b| *b > 0.0) => Ok(()),
        Ok(_) => Err("no positive interpolator found (the gradient flow's endpoint has a zero coordinate)".into()),
        Err(e) => Err(format!("no positive interpolator found ({e})")),
    }
}

/// T3's β_GF as the registry predicts it: [`pred::beta_gf_task`] at `prec` bits, retried at
/// 2× and 4× the precision when its dual Newton does not meet its stopping rule. (That rule,
/// ‖Xβ(ν) − y‖ ≤ 4096·ε·‖y‖, is not attainable on some positive tasks at 128 bits: the
/// residual stalls above it and the Newton stops after 2000 iterations, e.g. family seeds
/// 4/6, 4/38, 5/10, 5/22, 7/24, 7/48 with n = 2; at 256 bits all of them converge.)
pub(super) fn beta_gf_retrying(task: &Task, alpha: &Rational, prec: u32) -> Result<Vec<Float>> {
    let mut last = pred::beta_gf_task(task, alpha, prec);
    for factor in [2, 4] {
        if last.is_ok() {
            break;
        }
        last = pred::beta_gf_task(task, alpha, prec * factor);
    }
    last
}

/// One sample (x > 0, y > 0) or several samples with a positive design and interpolator.
pub(super) fn sw_one_sample_or_positive(case: &TaskCase) -> std::result::Result<(), String> {
    if case.task.n() == 1 {
        sw_one_sample(case)
    } else {
        sw_positive_interpolating(case)
    }
}

/// A nonnegative interpolator with an exact LP certificate: the minimum-ℓ1 one.
fn certified_interpolator(task: &Task) -> std::result::Result<Vec<f64>, String> {
    use crate::theory::interpolators::{min_l1, Sign};
    match min_l1(task, Sign::Nonnegative) {
        Ok(c) if c.certificate.valid => Ok(c.beta),
        Ok(c) => Err(format!("no certified nonnegative interpolator (LP certificate: {})", c.certificate.note)),
        Err(e) => Err(format!("no nonnegative interpolator (LP: {e})")),
    }
}

/// T1's hypotheses: SW and one sample with x > 0, y > 0, or several samples with X > 0,
/// y > 0 and a nonnegative interpolator (certified by the exact min-ℓ1 LP).
pub(super) fn t1_applies(case: &TaskCase) -> std::result::Result<(), String> {
    if case.task.n() == 1 {
        return sw_one_sample(case);
    }
    sw_model(case)?;
    case.task.positive_design().map_err(|e| e.to_string())?;
    certified_interpolator(&case.task).map(|_| ())
}

fn x_ratio(x: &[Rational]) -> f64 {
    let max = x.iter().max().expect("d ≥ 1").nearest();
    let min = x.iter().min().expect("d ≥ 1").nearest();
    max / min
}

// ---------------------------------------------------------------------------------------
// T1

/// T1 on one single-sample task: at every vertex of Z and at the prior mean, the top
/// eigenvalue of the full d×d parameter Hessian (an independent eigen-solve) against the
/// formula 4⟨x², β⟩, and ‖w‖₂² against ‖β‖₁ (w = √β by construction: an identity).
fn t1_single(f: &PaperFormulas, task: &Task, label: &str) -> Vec<CheckResult> {
    let (x, y) = task.single_sample_positive().expect("the caller checked the hypotheses");
    let design = task.design::<f64>(());
    let d = x.len();
    let kappa = x_ratio(x);
    let tol_s = U * (9.0 + 4.0 * (d * d) as f64 + (d as f64 + 3.0) * kappa / 2.0);
    let origin_s = format!(
        "first-order f64 rounding bound, u = 2⁻⁵³: β and x rounded (u each), w = fl(√β) (u), the rank-one Gauss–Newton part 4(w⊙x)(w⊙x)ᵀ \
         formed to ≤ 8u·S, the off-Z term 2·diag(g) with |r| ≤ (d+3)u·y ≤ (d+3)u·κ/2·S/(4x_min y)·… (κ = x_max/x_min = {kappa:.3}), the {EIG_ORIGIN}; \
         tol = u·(9 + 4d² + (d+3)κ/2)"
    );
    let tol_n = U * (d as f64 + 5.0);
    let origin_n = "f64 rounding: β_i rounded (u), w_i = fl(√β_i) (u), fl(w_i²) (u) give ≤ 4u per term, the sum of d nonnegative terms ≤ (d−1)u, the rational ‖β‖₁ rounded (u); tol = (d+5)u";
    let mut points: Vec<(String, Vec<Rational>)> = (0..d)
        .map(|i| {
            let mut b = vec![Rational::new(); d];
            b[i] = Rational::from(y / &x[i]);
            (format!("{label} at vertex {}", i + 1), b)
        })
        .collect();
    points.push((format!("{label} at the prior mean"), pred::uniform_prior_mean(x, y)));
    let mut out = Vec::new();
    for (point, beta) in &points {
        let w: Vec<f64> = beta.iter().map(|b| b.nearest().sqrt()).collect();
        let s = sharpness(&Sw, &design, &w).map_or(f64::INFINITY, |s| s.lambda_max);
        out.push(
            CheckResult::scalar(
                "T1",
                point,
                "λ_max(∇²L) (d×d eigen-solve) vs 4⟨x²,β⟩",
                (f.sharpness_on_z)(x, beta).nearest(),
                s,
                tol_s,
                Relation::RelativeError,
            )
            .kind(Kind::Prediction, origin_s.clone()),
        );
        let norm = w.iter().map(|v| v * v).sum::<f64>();
        out.push(
            CheckResult::scalar(
                "T1",
                point,
                "‖w‖₂² on Z vs ‖β‖₁ (w = √β)",
                (f.param_norm_on_z)(beta).nearest(),
                norm,
                tol_n,
                Relation::RelativeError,
            )
            .kind(Kind::Identity, origin_n),
        );
    }
    out
}

/// T1 for several samples at an interpolator β (f64): the operator norm of the full d×d
/// Hessian at w = √β against the n×n shortcut (4/n)λ_max(X diag β Xᵀ).
fn t1_multi(task: &Task, beta: &[f64], label: &str) -> CheckResult {
    let q = "‖∇²L‖_op (d×d eigen-solve) at an interpolator vs (4/n)λ_max(X diag β Xᵀ) (n×n)";
    let design = task.design::<f64>(());
    let (n, d) = (task.n(), task.d());
    let Some(shortcut) = sw_interpolator_sharpness(&design, beta) else {
        return not_computed("T1", label, q, "the n×n eigen-solve failed".into(), Kind::Prediction);
    };
    let w: Vec<f64> = beta.iter().map(|b| b.abs().sqrt()).collect();
    let full = op_sharpness(&design, beta);
    // The off-Z term 2·diag(g), g = Xᵀr/n, with r computed at w⊙w plus its rounding bound.
    let b2: Vec<f64> = w.iter().map(|v| v * v).collect();
    let mut r = vec![0.0; n];
    design.residual(&b2, &mut r);
    let g_bound = (0..d)
        .map(|i| {
            (0..n)
                .map(|k| {
                    let xk = design.row(k);
                    let scale: f64 = xk.iter().zip(&b2).map(|(a, b)| (a * b).abs()).sum::<f64>() + design.y[k].abs();
                    xk[i].abs() * (r[k].abs() + (d as f64 + 3.0) * U * scale)
                })
                .sum::<f64>()
                / n as f64
        })
        .fold(0.0, f64::max);
    let tol = U * (4.0 * (n * n + d * d) as f64 + 2.0 * (n + d) as f64 + 12.0) + 2.0 * g_bound / shortcut;
    CheckResult::scalar("T1", label, q, shortcut, full, tol, Relation::RelativeError)
        .kind(
            Kind::Prediction,
            format!(
                "first-order f64 rounding bound: entries of both nonnegative Gram matrices to (n+4)u resp. (d+4)u relative, w = fl(√β) (2u), the two \
                 {EIG_ORIGIN} (4n²u + 4d²u), and the off-Z term ‖2·diag(g)‖ ≤ {:.2e} relative (g = Xᵀr/n at the f64 interpolator, rounding included)",
                2.0 * g_bound / shortcut
            ),
        )
}

pub(super) fn t1_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    let label = case.label();
    if case.task.n() == 1 {
        return t1_single(&f.paper, &case.task, &label);
    }
    match certified_interpolator(&case.task) {
        Ok(beta) => vec![t1_multi(&case.task, &beta, &format!("{label} at β_ℓ1"))],
        Err(e) => vec![not_computed("T1", &label, "‖∇²L‖_op at an interpolator", e, Kind::Prediction)],
    }
}

pub(super) fn check_t1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for c in single_sample_cases().into_iter().skip(1) {
        out.extend(t1_single(&f.paper, &c.task, &c.task.name));
    }
    // Several samples: at the teacher β* (an exact interpolator, y = Xβ*).
    let t = canonical_multi();
    let teacher = to_f64s(t.teacher.as_ref().expect("teacher"));
    out.push(t1_multi(&t, &teacher, &format!("{} at β*", t.name)));
    out
}

// ---------------------------------------------------------------------------------------
// T2

/// T2 on one single-sample task: each extremal statement is proved by an exact dual
/// certificate. For min cᵀβ over Z, ν = min_i c_i/x_i is dual feasible (c − νx ≥ 0), so
/// cᵀβ ≥ νy on Z; the predicted point must lie in Z and attain νy. For the maximum,
/// ν = max_i c_i/x_i and cᵀβ ≤ νy.
fn t2_single(f: &PaperFormulas, task: &Task, label: &str) -> Vec<CheckResult> {
    let (x, y) = task.single_sample_positive().expect("the caller checked the hypotheses");
    let on_z = |b: &[Rational]| {
        b.len() == x.len()
            && b.iter().all(|v| *v >= 0)
            && x.iter().zip(b).fold(Rational::new(), |a, (p, q)| a + Rational::from(p * q)) == *y
    };
    let ones = vec![Rational::from(1); x.len()];
    let sq4: Vec<Rational> = x.iter().map(|v| Rational::from(v * v) * Rational::from(4)).collect();
    let (bn, bs) = ((f.beta_norm_min)(x, y), (f.beta_sharp_min)(x, y));
    let mut out = Vec::new();
    for (name, beta, cost, minimize) in [
        ("‖β_N‖₁ vs certified min over Z of ‖β‖₁ (y/x_max)", &bn, &ones, true),
        ("S(β_S) vs certified min over Z of S (4x_min·y)", &bs, &sq4, true),
        ("‖β_S‖₁ vs certified max over Z of ‖β‖₁ (y/x_min)", &bs, &ones, false),
        ("S(β_N) vs certified max over Z of S (4x_max·y)", &bn, &sq4, false),
    ] {
        let predicted = beta.iter().zip(cost.iter()).fold(Rational::new(), |a, (b, c)| a + Rational::from(b * c));
        let ratios = cost.iter().zip(x).map(|(c, xi)| Rational::from(c / xi));
        let nu = if minimize { ratios.min() } else { ratios.max() }.expect("d ≥ 1");
        // Dual feasibility, checked exactly: c − νx ≥ 0 (min) or ≤ 0 (max) coordinatewise.
        let feasible = cost.iter().zip(x).all(|(c, xi)| {
            let slack = c - Rational::from(&nu * xi);
            if minimize {
                slack >= 0
            } else {
                slack <= 0
            }
        });
        let bound = Rational::from(&nu * y);
        let r = CheckResult::exact("T2", label, name, &predicted, &bound).kind(
            Kind::Certificate,
            "exact rational dual certificate: ν = min_i c_i/x_i (max for the maximum) satisfies c − νx ≥ 0 (≤ 0) exactly, so cᵀβ ≥ νy (≤ νy) on Z by weak duality; the predicted point is checked to lie in Z and must attain νy exactly",
        );
        out.push(match (on_z(beta), feasible) {
            (true, true) => r.with_note(format!("dual ν = {nu}")),
            (false, _) => CheckResult { pass: false, ..r.with_note("the predicted point is not in Z") },
            (_, false) => CheckResult { pass: false, ..r.with_note("the dual vector is not feasible") },
        });
    }
    out
}

pub(super) fn t2_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    t2_single(&f.paper, &case.task, &case.label())
}

pub(super) fn check_t2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for c in single_sample_cases().into_iter().skip(1) {
        out.extend(t2_single(&f.paper, &c.task, &c.task.name));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Registry rows and broken formulas

/// Formulas with the paper group replaced.
pub(super) fn paper_formulas(p: PaperFormulas) -> Formulas {
    Formulas { paper: p, ..Formulas::default() }
}

fn sharpness_plus_5pc(x: &[Rational], beta: &[Rational]) -> Rational {
    pred::sharpness_on_z(x, beta) * Rational::from((21, 20))
}
fn sharpness_linear_in_x(x: &[Rational], beta: &[Rational]) -> Rational {
    x.iter().zip(beta).fold(Rational::new(), |a, (x, b)| a + Rational::from(x * b)) * Rational::from(4)
}
fn param_norm_plus_5pc(beta: &[Rational]) -> Rational {
    pred::param_norm_on_z(beta) * Rational::from((21, 20))
}

pub(super) fn t1_claim() -> Claim {
    Claim::new("T1", "On Z: ‖w‖₂² = ‖β‖₁ and S = 4⟨x², β⟩ (n samples: S = (4/n)λ_max(X diag β Xᵀ))", "derived", true, check_t1)
        .on_tasks(
            "SW; one sample with x > 0, y > 0 (checked at every vertex of Z and at the prior mean), or n > 1 samples with X > 0, y > 0 and a \
             nonnegative interpolator (certified by the exact min-ℓ1 LP, and checked there)",
            t1_applies,
            t1_on_task,
        )
        .broken("S on Z → 1.05·4⟨x², β⟩", Some(0.05), || paper_formulas(PaperFormulas { sharpness_on_z: sharpness_plus_5pc, ..PaperFormulas::default() }))
        .broken("S on Z = 4⟨x, β⟩ (x not squared)", None, || paper_formulas(PaperFormulas { sharpness_on_z: sharpness_linear_in_x, ..PaperFormulas::default() }))
        .broken("‖w‖₂² on Z → 1.05·‖β‖₁", Some(0.05), || paper_formulas(PaperFormulas { param_norm_on_z: param_norm_plus_5pc, ..PaperFormulas::default() }))
}

fn scaled(v: Vec<Rational>) -> Vec<Rational> {
    v.into_iter().map(|b| b * Rational::from((21, 20))).collect()
}
fn beta_norm_min_plus_5pc(x: &[Rational], y: &Rational) -> Vec<Rational> {
    scaled(pred::beta_norm_min(x, y))
}
fn beta_norm_min_plus_3pc(x: &[Rational], y: &Rational) -> Vec<Rational> {
    pred::beta_norm_min(x, y).into_iter().map(|b| b * Rational::from((103, 100))).collect()
}
fn beta_sharp_min_plus_5pc(x: &[Rational], y: &Rational) -> Vec<Rational> {
    scaled(pred::beta_sharp_min(x, y))
}

pub(super) fn t2_claim() -> Claim {
    Claim::new(
        "T2",
        "β_N = (y/x_max)e_argmax minimizes ‖β‖₁ and β_S = (y/x_min)e_argmin minimizes S over Z; S(β_N) = 4x_max·y is the largest S and ‖β_S‖₁ = y/x_min the largest ‖β‖₁ on Z",
        "paper, derived",
        true,
        check_t2,
    )
    .on_tasks("SW, one sample, x > 0, y > 0 (ties in x allowed: the formulas return the barycentre of the optimal face)", sw_one_sample, t2_on_task)
    .broken("β_N → 1.05·β_N", Some(0.05), || paper_formulas(PaperFormulas { beta_norm_min: beta_norm_min_plus_5pc, ..PaperFormulas::default() }))
    .broken("β_N → 1.03·β_N (the minimum norm y/x_max → 1.03·y/x_max)", Some(0.03), || paper_formulas(PaperFormulas { beta_norm_min: beta_norm_min_plus_3pc, ..PaperFormulas::default() }))
    .broken("β_S → 1.05·β_S", Some(0.05), || paper_formulas(PaperFormulas { beta_sharp_min: beta_sharp_min_plus_5pc, ..PaperFormulas::default() }))
    .broken("β_S = β_N (the sharpness minimizer at argmax x)", None, || paper_formulas(PaperFormulas { beta_sharp_min: pred::beta_norm_min, ..PaperFormulas::default() }))
}

/// Gradient flow ẇ = −∇L(w) = −2w⊙g from w = α·1, integrated in w by the L-stable
/// second-order Rosenbrock method ROS2 (Verwer, Spee, Blom, Hundsdorfer 1999; γ = 1 + 1/√2):
/// (I − γhJ)k₁ = F(w), (I − γhJ)k₂ = F(w + hk₁) − 2k₁, w ← w + (3/2)hk₁ + (1/2)hk₂, with the
/// exact Jacobian J = −∇²L(w) = −[2·diag(g) + (4/n)diag(w)XᵀX diag(w)]. Steps move ln w by ≤ δ
/// (h = δ/max|2g_i|), which also keeps I + γh∇²L positive definite (γδ < 1); L-stability
/// removes the explicit methods' step limit 2/λ_max, so plateaus and the final convergence
/// cost few steps. The flow is integrated in w, not in ln w or the dual: the integrator does
/// not preserve the mirror structure ln β − ln α² ∈ range(Xᵀ) that T3's formula rests on, so
/// its endpoint is an independent measurement. Stops when the residual is ≤ 1e-14·‖y‖∞ or at
/// its rounding level; returns (β, steps, linearized tail at the stop).
pub(super) fn gf_ros2(design: &Design<f64>, alpha: f64, delta: f64, max_steps: u64) -> std::result::Result<(Vec<f64>, u64, f64), String> {
    let (n, d) = (design.n, design.d);
    let g_of = |w: &[f64]| -> Vec<f64> {
        let b: Vec<f64> = w.iter().map(|v| v * v).collect();
        let mut r = vec![0.0; n];
        design.residual(&b, &mut r);
        (0..d).map(|i| (0..n).map(|k| design.x[k * d + i] * r[k]).sum::<f64>() / n as f64).collect()
    };
    let f = |w: &[f64]| -> Vec<f64> {
        let g = g_of(w);
        (0..d).map(|i| -2.0 * w[i] * g[i]).collect()
    };
    let xtx: Vec<f64> = (0..d * d).map(|ij| (0..n).map(|k| design.x[k * d + ij / d] * design.x[k * d + ij % d]).sum::<f64>()).collect();
    let y_max = design.y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let gamma = 1.0 + std::f64::consts::FRAC_1_SQRT_2;
    let mut w = vec![alpha; d];
    for step in 0..max_steps {
        let beta: Vec<f64> = w.iter().map(|v| v * v).collect();
        let mut r = vec![0.0; n];
        design.residual(&beta, &mut r);
        let level = (0..n)
            .map(|k| 8.0 * (d as f64 + 2.0) * U * ((0..d).map(|i| design.x[k * d + i] * beta[i]).sum::<f64>() + design.y[k].abs()))
            .fold(0.0, f64::max);
        if r.iter().all(|v| v.abs() <= (1e-14 * y_max).max(level)) {
            return Ok((beta.clone(), step, linearized_tail(design, &beta)));
        }
        let g = g_of(&w);
        let h = delta / (2.0 * g.iter().fold(0.0f64, |m, v| m.max(v.abs())));
        let m: Vec<f64> = (0..d * d)
            .map(|ij| {
                let (i, j) = (ij / d, ij % d);
                gamma * h * 4.0 / n as f64 * w[i] * xtx[ij] * w[j] + if i == j { 1.0 + gamma * h * 2.0 * g[i] } else { 0.0 }
            })
            .collect();
        let k1 = solve_spd(d, &m, &f(&w)).ok_or("ROS2: I + γh∇²L is not positive definite")?;
        let f1 = f(&w.iter().zip(&k1).map(|(a, b)| a + h * b).collect::<Vec<f64>>());
        let rhs2: Vec<f64> = f1.iter().zip(&k1).map(|(a, b)| a - 2.0 * b).collect();
        let k2 = solve_spd(d, &m, &rhs2).ok_or("ROS2: I + γh∇²L is not positive definite")?;
        w = (0..d).map(|i| w[i] + 1.5 * h * k1[i] + 0.5 * h * k2[i]).collect();
        if w.iter().any(|v| !v.is_finite()) {
            return Err("the ROS2 gradient-flow integration left the finite range".into());
        }
    }
    Err(format!("the ROS2 gradient-flow integration did not converge in {max_steps} steps"))
}
