//! Claims about interpolators for n samples (THEORY.md T9): the min-ℓ1 LP, the sharpness SDP,
//! trace versus λ_max sharpness, and the exact min-ℓ2 interpolator. Every optimum used here
//! carries an independently checked certificate ([`crate::theory::interpolators`]); a check passes
//! only if its certificates are valid.

use super::*;
use crate::error::Result;
use crate::numeric::exact::{rank_exact, solve_exact};
use crate::numeric::vector::dist_inf;
use crate::problem::sharpness::sharpness;
use crate::problem::tasks::random_positive;
use crate::theory::interpolators::{
    column_norms_sq, lambda_max_x_diag_xt, min_l1, min_l2_exact, min_sharpness_sdp, min_weighted_l1, trace_vs_lambda_task, Certified, Sign,
    Witness, LP_TOL, SDP_TOL,
};
use crate::theory::predictions as pred;

mod i3;
use i3::*;

/// The formulas the interpolator checks predict with. [`InterpolatorFormulas::default`] holds
/// the correct ones.
#[derive(Clone, Copy)]
pub struct InterpolatorFormulas {
    /// I1: the min-ℓ1 interpolator for one sample (T2's β_N).
    pub beta_l1_one_sample: fn(&[Rational], &Rational) -> Vec<Rational>,
    /// I2: the min-λ_max-sharpness interpolator for one sample (T2's β_S).
    pub beta_sharp_one_sample: fn(&[Rational], &Rational) -> Vec<Rational>,
    /// I2: the minimal SW sharpness for one sample, 4·x_min·y (T2).
    pub sharpness_min_one_sample: fn(&[Rational], &Rational) -> Rational,
    /// I2: the SW sharpness from the SDP value t and n: (4/n)·t.
    pub sharpness_from_t: fn(f64, usize) -> f64,
    /// I3: the weights of the trace LP, ‖X_{:,i}‖².
    pub trace_weights: fn(&Task) -> Vec<Rational>,
    /// I3: the SW Hessian trace from the trace-LP value v and n: (4/n)·v.
    pub trace_from_lp: fn(f64, usize) -> f64,
    /// I3: the coordinate the λ_max minimizer picks for one sample (argmin x).
    pub lambda_pick_one_sample: fn(&[Rational]) -> usize,
    /// I4: the minimum-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y.
    pub beta_l2: fn(&Task) -> Result<Vec<Rational>>,
}

fn four_over_n(v: f64, n: usize) -> f64 {
    4.0 * v / n as f64
}

fn sharpness_min_one_sample(x: &[Rational], y: &Rational) -> Rational {
    let xmin = x.iter().min().expect("d ≥ 1");
    Rational::from(xmin * y) * Rational::from(4)
}

/// The index of the smallest x_i (the first one on ties).
pub fn argmin_x(x: &[Rational]) -> usize {
    (0..x.len()).min_by(|&a, &b| x[a].cmp(&x[b])).expect("d ≥ 1")
}

impl Default for InterpolatorFormulas {
    fn default() -> Self {
        InterpolatorFormulas {
            beta_l1_one_sample: pred::beta_norm_min,
            beta_sharp_one_sample: pred::beta_sharp_min,
            sharpness_min_one_sample,
            sharpness_from_t: four_over_n,
            trace_weights: column_norms_sq,
            trace_from_lp: four_over_n,
            lambda_pick_one_sample: argmin_x,
            beta_l2: min_l2_exact,
        }
    }
}

fn sign_label(s: Sign) -> &'static str {
    match s {
        Sign::Nonnegative => "β ≥ 0",
        Sign::Signed => "signed β",
    }
}

fn cert_note(c: &Certified) -> String {
    let k = &c.certificate;
    format!(
        "certificate: gap {:.2e}, infeasibility {:.2e}, dual infeasibility {:.2e}, valid {}; {}",
        k.gap, k.infeasibility, k.dual_infeasibility, k.valid, k.note
    )
}

fn lp_pair(c: &Certified) -> (&[Rational], &[Rational]) {
    match &c.witness {
        Witness::Lp { beta, nu } => (beta, nu),
        _ => unreachable!("an LP optimum carries an LP witness"),
    }
}

fn sdp_t_and_dual(c: &Certified, task: &Task) -> (f64, f64) {
    match &c.witness {
        Witness::Sdp(p) => (p.t, task.y.iter().zip(&p.nu).map(|(y, v)| y.nearest() * v).sum()),
        _ => unreachable!("an SDP optimum carries an SDP witness"),
    }
}

fn dot_q(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).fold(Rational::new(), |acc, (p, q)| acc + Rational::from(p * q))
}

fn abs_vec(v: &[f64]) -> Vec<f64> {
    v.iter().map(|b| b.abs()).collect()
}

/// A row certifying an LP optimum: the dual value yᵀν (a lower bound on the optimum by weak
/// duality) against the primal value, both exact; passes iff the certificate is valid.
fn lp_certificate_row(claim: &str, label: &str, what: &str, c: &Certified, task: &Task) -> CheckResult {
    let (_, nu) = lp_pair(c);
    let dual = dot_q(&task.y, nu).nearest();
    let q = format!("{what}: dual bound yᵀν vs primal value (exact rational certificate)");
    let mut r = CheckResult::scalar(claim, label, &q, dual, c.objective, LP_TOL, Relation::RelativeError).kind(Kind::Certificate, r#"LP_TOL = 1e-9 relative: the exact repair makes gap and residuals exactly 0; an unrepaired point must beat clarabel's own 1e-8 stopping rule"#);
    r.pass = r.pass && c.certificate.valid;
    r.with_note(format!("{}; tolerance LP_TOL = 1e-9 relative: the exact repair makes every residual exactly 0, an unrepaired point must beat clarabel's own 1e-8 stopping rule", cert_note(c)))
}

// ---------------------------------------------------------------------------------------
// I1

fn check_i1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.interp;
    let mut out = Vec::new();
    let id = "I1-l1-lp";
    let multi = canonical_multi();
    let mut tasks: Vec<(Task, Sign)> = vec![(multi.clone(), Sign::Nonnegative), (multi, Sign::Signed)];
    for seed in [1u64, 2, 3] {
        tasks.push((random_positive(seed, 20, 50), Sign::Nonnegative));
    }
    tasks.push((random_positive(1, 20, 50), Sign::Signed));
    for (task, sign) in tasks {
        let label = format!("{} {}", task.name, sign_label(sign));
        match min_l1(&task, sign) {
            Ok(c) => out.push(lp_certificate_row(id, &label, "min ‖β‖₁", &c, &task)),
            Err(e) => out.push(
                CheckResult::failed(id, &label, "min ‖β‖₁ LP", e.to_string())
                    .kind(Kind::Certificate, r#"no comparison: the computation failed"#),
            ),
        }
    }
    // One sample: the LP optimum is T2's β_N exactly (signed or not, since x > 0).
    for task in [canonical_four(), canonical_two()] {
        for sign in [Sign::Nonnegative, Sign::Signed] {
            out.extend(i1_one_sample_row(f, &task, sign));
        }
    }
    out
}

/// For one sample with x > 0, y > 0 and a unique largest x_i: the LP optimum equals T2's β_N
/// exactly (for either sign constraint). Nothing for other tasks.
fn i1_one_sample_row(f: &InterpolatorFormulas, task: &Task, sign: Sign) -> Option<CheckResult> {
    let id = "I1-l1-lp";
    let (x, y) = task.single_sample_positive().ok()?;
    let xmax = x.iter().max()?;
    if x.iter().filter(|v| *v == xmax).count() != 1 {
        return None;
    }
    let predicted = (f.beta_l1_one_sample)(x, y);
    let label = format!("{} {}", task.name, sign_label(sign));
    let q = "β_LP vs β_N = (y/x_max)e_argmax (T2), compared as exact rationals";
    Some(match min_l1(task, sign) {
        Ok(c) => {
            let (beta, _) = lp_pair(&c);
            let equal = beta == predicted.as_slice();
            let mut r = CheckResult::vector(id, &label, q, &to_f64s(&predicted), &c.beta, 0.0, Relation::Exact)
                .kind(Kind::Prediction, r#"exact rational equality (T2's vertex vs the repaired LP optimum)"#);
            r.pass = equal && c.certificate.valid;
            r.with_note(format!("exactly equal: {equal}; {}", cert_note(&c)))
        }
        Err(e) => CheckResult::failed(id, &label, q, e.to_string()).kind(Kind::Prediction, r#"no comparison: the computation failed"#),
    })
}

/// I1 on any task: the min-ℓ1 LP's certificate for signed β and, where a nonnegative
/// interpolator exists, for β ≥ 0; for one positive sample with a unique largest x_i, T2's β_N.
fn i1_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    let f = &f.interp;
    let id = "I1-l1-lp";
    let task = &case.task;
    let mut out = Vec::new();
    for sign in [Sign::Signed, Sign::Nonnegative] {
        let label = format!("{} {}", task.name, sign_label(sign));
        match min_l1(task, sign) {
            Ok(c) => out.push(lp_certificate_row(id, &label, "min ‖β‖₁", &c, task)),
            Err(e) if sign == Sign::Nonnegative && e.to_string().contains("no interpolator") => {
                out.push(CheckResult::failed(id, &label, "min ‖β‖₁ LP, β ≥ 0", e.to_string()).kind(
                    Kind::Measurement,
                    "reported: the solver finds no nonnegative interpolator (not certified), so there is no β ≥ 0 optimum to certify",
                ))
            }
            Err(e) => out.push(
                CheckResult::failed(id, &label, "min ‖β‖₁ LP", e.to_string())
                    .kind(Kind::Certificate, r#"no comparison: the computation failed"#),
            ),
        }
        out.extend(i1_one_sample_row(f, task, sign));
    }
    out
}

/// rank X = n, exact: an interpolator exists for every y (and XXᵀ is invertible).
fn full_row_rank(case: &TaskCase) -> std::result::Result<(), String> {
    let r = rank_exact(&case.task.x);
    if r == case.task.n() {
        Ok(())
    } else {
        Err(format!("rank X = {r} < n = {}", case.task.n()))
    }
}

// ---------------------------------------------------------------------------------------
// I2

/// How far from β_S an approximate n = 1 optimum can be, given the certificate tolerances
/// (proofs/I2-sharpness-sdp.md, "Distance to β_S"): a relative gap, |tr Z − 1| and dual
/// violations ≤ tol put the objective within g = tol·(2·x_min·y + x_max²·y/x_min) of
/// t* = x_min·y; the residual is ≤ r = tol·y and β_i ≥ −e with e = tol·y/x_min. With Δ the
/// distance from x_min to the next x_i,
/// ‖β − β_S‖∞ ≤ [(g + x_min·r + d·x_max²·e)/Δ + d·x_max·e + r]/x_min.
fn n1_distance_bound(x: &[f64], y: f64, tol: f64) -> f64 {
    let d = x.len() as f64;
    let xmin = x.iter().copied().fold(f64::INFINITY, f64::min);
    let xmax = x.iter().copied().fold(0.0, f64::max);
    let delta = x.iter().copied().filter(|&v| v > xmin).fold(f64::INFINITY, |m, v| m.min(v - xmin));
    let (g, r, e) = (tol * (2.0 * xmin * y + xmax * xmax * y / xmin), tol * y, tol * y / xmin);
    ((g + xmin * r + d * xmax * xmax * e) / delta + d * xmax * e + r) / xmin
}

/// Tolerance between (4/n)·t and the SW Hessian's λ_max at √β: |λ_max(K(β)) − t| ≤ (gap +
/// slack) ≤ 2·SDP_TOL·t by the certificate, and the gradient term 2·diag(g) of the Hessian is
/// bounded by the residual, ≤ SDP_TOL·S: 3·SDP_TOL relative.
const SHARPNESS_TOL: f64 = 3.0 * SDP_TOL;

/// I2 on one positive sample: the SDP optimum is T2's β_S and its sharpness 4·x_min·y.
fn i2_one_sample(f: &InterpolatorFormulas, task: &Task, label: &str) -> Vec<CheckResult> {
    let id = "I2-sharpness-sdp";
    let mut out = Vec::new();
    let Ok((x, y)) = task.single_sample_positive() else { return out };
    let label = label.to_string();
    let sdp = match min_sharpness_sdp(&task, Sign::Nonnegative) {
        Ok(c) => c,
        Err(e) => {
            out.push(
                CheckResult::failed(id, &label, "sharpness SDP", e.to_string())
                    .kind(Kind::Certificate, r#"no comparison: the computation failed"#),
            );
            return out;
        }
    };
    let predicted = to_f64s(&(f.beta_sharp_one_sample)(x, y));
    let tol = n1_distance_bound(&to_f64s(x), y.nearest(), SDP_TOL);
    let dist = dist_inf(&predicted, &sdp.beta);
    let mut r = CheckResult::scalar(id, &label, "‖β_SDP − β_S‖∞ (β_S from T2)", 0.0, dist, tol, Relation::AbsoluteError).kind(
        Kind::Prediction,
        r#"SDP_TOL = 1e-7 relative certificate tolerance propagated through the n = 1 geometry (proofs/I2-sharpness-sdp.md)"#,
    );
    r.pass = r.pass && sdp.certificate.valid;
    out.push(r.with_note(format!(
        "β_S = {predicted:?}; tolerance: the certificate tolerance SDP_TOL = {SDP_TOL:e} propagated through the n = 1 geometry (proof); {}",
        cert_note(&sdp)
    )));
    let (t, _) = sdp_t_and_dual(&sdp, &task);
    let design = task.design::<f64>(());
    let hess = op_sharpness(&design, &abs_vec(&sdp.beta));
    let mut r = CheckResult::scalar(
        id,
        &label,
        "4·x_min·y (T2) vs ‖∇²L‖_op at w = √β_SDP",
        (f.sharpness_min_one_sample)(x, y).nearest(),
        hess,
        SHARPNESS_TOL,
        Relation::RelativeError,
    )
    .kind(
        Kind::Prediction,
        r#"3·SDP_TOL: certificate gap + slack + the gradient term at an inexact interpolator (proofs/I2-sharpness-sdp.md)"#,
    );
    r.pass = r.pass && sdp.certificate.valid;
    out.push(r.with_note(format!("(4/n)·t* = {:.12}; tolerance 3·SDP_TOL (gap + slack + gradient term)", (f.sharpness_from_t)(t, 1))));
    out
}

/// I2 on n > 1 samples, β ≥ 0: (4/n)·t* is the SW Hessian's ‖∇²L‖_op at w = √β_SDP.
fn i2_multi_sharpness(f: &InterpolatorFormulas, task: &Task, label: &str) -> CheckResult {
    let id = "I2-sharpness-sdp";
    let q = "(4/n)·t* vs ‖∇²L‖_op at w = √β_SDP";
    let sdp = match min_sharpness_sdp(task, Sign::Nonnegative) {
        Ok(c) => c,
        Err(e) if e.to_string().contains("no interpolator") => {
            return CheckResult::failed(id, label, q, e.to_string())
                .kind(Kind::Measurement, "reported: no β ≥ 0 interpolates this task (decided by the exact LP), so there is no SW optimum")
        }
        Err(e) => return CheckResult::failed(id, label, q, e.to_string()).kind(Kind::Certificate, "no comparison: the computation failed"),
    };
    let (t, _) = sdp_t_and_dual(&sdp, task);
    let design = task.design::<f64>(());
    let hess = op_sharpness(&design, &sdp.beta.iter().map(|b| b.max(0.0)).collect::<Vec<_>>());
    let mut r = CheckResult::scalar(id, label, q, (f.sharpness_from_t)(t, task.n()), hess, SHARPNESS_TOL, Relation::RelativeError).kind(
        Kind::Prediction,
        r#"3·SDP_TOL: certificate gap + slack + the gradient term at an inexact interpolator (proofs/I2-sharpness-sdp.md)"#,
    );
    r.pass = r.pass && sdp.certificate.valid;
    r.with_note(format!("tolerance 3·SDP_TOL (gap + slack + gradient term); {}", cert_note(&sdp)))
}

/// I2, proved: (4/n)·t from the formula, t the SDP's optimum, lies within SDP_TOL
/// (relative) of every point of the proved bounds on the true minimal sharpness
/// (Jansson-style: rigorous eigenvalue shift of the dual, exact primal correction; 128 bits).
fn i2_proved(f: &InterpolatorFormulas, task: &Task, sign: Sign, label: &str) -> CheckResult {
    use crate::numeric::interval::Interval;
    let q = "(4/n)·t* from the formula within SDP_TOL of the proved bounds on min (4/n)λ_max over interpolators";
    let origin = "SDP_TOL = 1e-7 relative: the solver's certificate tolerance; the bounds themselves are proved (outward rounding)";
    let sdp = match min_sharpness_sdp(task, sign) {
        Ok(c) => c,
        Err(e) => return CheckResult::failed("I2-sharpness-sdp", label, q, e.to_string()).kind(Kind::Certificate, origin),
    };
    let Witness::Sdp(pt) = &sdp.witness else {
        return CheckResult::failed("I2-sharpness-sdp", label, q, "no SDP witness".into()).kind(Kind::Certificate, origin);
    };
    let n = task.n();
    let bounds = crate::theory::enclosures::sdp::bound_min_lambda_max(task, sign, pt, 128)
        .map_err(|e| e.to_string())
        .and_then(|t| t.mul_i64(4).div(&Interval::from_i64(n as i64, 128)).ok_or_else(|| "n = 0".to_string()));
    let enc = match bounds {
        Ok(b) => b,
        Err(e) => return CheckResult::failed("I2-sharpness-sdp", label, q, e).kind(Kind::Certificate, origin).graded(Grade::Proved),
    };
    let v = (f.sharpness_from_t)(sdp.objective, n);
    let worst = Interval::point(&rug::Float::with_val(128, v))
        .sub(&enc)
        .div(&enc)
        .map_or(f64::INFINITY, |r| r.mag().to_f64_round(rug::float::Round::Up));
    let mut r = CheckResult::scalar("I2-sharpness-sdp", label, q, enc.mid().to_f64(), v, SDP_TOL, Relation::RelativeError);
    r.rel_err = worst.is_finite().then_some(worst);
    r.pass = worst <= SDP_TOL;
    r.kind(Kind::Certificate, origin).graded(Grade::Proved).with_note(format!(
        "proved: min (4/n)λ_max ∈ [{}, {}] (width {:.1e} relative)",
        enc.lo_decimal(14),
        enc.hi_decimal(14),
        enc.rel_width()
    ))
}

/// I2's hypotheses on a task: rank X = n; one sample also needs x > 0, y > 0 and a unique
/// smallest x_i (else the optimal face is not a point and β_S is only its barycentre).
fn i2_applies(case: &TaskCase) -> std::result::Result<(), String> {
    full_row_rank(case)?;
    if case.task.n() == 1 {
        let (x, _) = case.task.single_sample_positive().map_err(|e| e.to_string())?;
        let min = x.iter().min().expect("d ≥ 1");
        if x.iter().filter(|v| *v == min).count() > 1 {
            return Err("the smallest x_i is not unique (the λ_max optimum is a face, not β_S)".into());
        }
    }
    Ok(())
}

fn i2_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    let label = case.label();
    if case.task.n() == 1 {
        i2_one_sample(&f.interp, &case.task, &label)
    } else {
        vec![i2_multi_sharpness(&f.interp, &case.task, &label), i2_proved(&f.interp, &case.task, Sign::Nonnegative, &label)]
    }
}

fn check_i2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.interp;
    let id = "I2-sharpness-sdp";
    let mut out = Vec::new();
    for task in [canonical_four(), canonical_two()] {
        out.extend(i2_one_sample(f, &task, &format!("{} β ≥ 0", task.name)));
    }
    // Several samples: (4/n)·t* is the Hessian's sharpness at the SDP optimum, and the SDP
    // optimum is not the min-ℓ1 interpolator (T9: they differ).
    let task = canonical_multi();
    let n = task.n();
    for sign in [Sign::Nonnegative, Sign::Signed] {
        let label = format!("{} {}", task.name, sign_label(sign));
        let (sdp, l1) = match (min_sharpness_sdp(&task, sign), min_l1(&task, sign)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                out.push(
                    CheckResult::failed(id, &label, "sharpness SDP and min-ℓ1 LP", e.to_string())
                        .kind(Kind::Certificate, r#"no comparison: the computation failed"#),
                );
                continue;
            }
        };
        let (_, dual) = sdp_t_and_dual(&sdp, &task);
        if sign == Sign::Nonnegative {
            out.push(i2_multi_sharpness(f, &task, &label));
        }
        out.push(i2_proved(f, &task, sign, &label));
        if sign == Sign::Nonnegative {}
        let l1_lmax = lambda_max_x_diag_xt(&task, &abs_vec(&l1.beta)).unwrap_or(f64::NAN);
        let mut r = CheckResult::scalar(
            id,
            &label,
            "certified min λ_max(X diag|β| Xᵀ) vs its value at β_ℓ1 (must be strictly below)",
            l1_lmax,
            sdp.objective,
            0.0,
            Relation::AtMost,
        )
        .kind(Kind::Certificate, r#"strict inequality beyond the certificate tolerance SDP_TOL (weak duality)"#);
        // β_ℓ1 is not a sharpness minimizer: its value exceeds the certified minimum (the
        // SDP's primal value, within SDP_TOL of the dual bound yᵀν) by more than the
        // certificate's resolution.
        r.pass = r.pass && sdp.certificate.valid && l1.certificate.valid && l1_lmax > sdp.objective.max(dual) * (1.0 + SDP_TOL);
        let l1_of_sdp: f64 = sdp.beta.iter().map(|b| b.abs()).sum();
        out.push(r.with_note(format!(
            "they differ: ‖β_ℓ1 − β_SDP‖∞ = {:.4}, ‖β_ℓ1 − β_SDP‖₁ = {:.4}; SW sharpness (4/n)λ_max: {:.6} at β_ℓ1 vs {:.6} minimal; ‖β‖₁: {:.6} minimal vs {:.6} at β_SDP; dual bound yᵀν = {dual:.12}; SDP {}",
            dist_inf(&l1.beta, &sdp.beta),
            l1.beta.iter().zip(&sdp.beta).map(|(a, b)| (a - b).abs()).sum::<f64>(),
            4.0 * l1_lmax / n as f64,
            4.0 * sdp.objective / n as f64,
            l1.objective,
            l1_of_sdp,
            cert_note(&sdp)
        )));
    }
    out
}

// ---------------------------------------------------------------------------------------
// I4

fn check_i4(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.interp;
    let mut out = Vec::new();
    for task in [canonical_four(), canonical_multi(), random_positive(1, 20, 50), trace_vs_lambda_task()] {
        out.extend(i4_rows(f, &task));
    }
    out
}

/// I4 on any task with rank X = n.
fn i4_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    i4_rows(&f.interp, &case.task)
}

/// The exact optimality conditions of the min-ℓ2 formula on one task: Xβ = y and β ∈ range(Xᵀ).
fn i4_rows(f: &InterpolatorFormulas, task: &Task) -> Vec<CheckResult> {
    let id = "I4-l2";
    let mut out = Vec::new();
    {
        let label = task.name.clone();
        let beta = match (f.beta_l2)(task) {
            Ok(b) => b,
            Err(e) => {
                out.push(
                    CheckResult::failed(id, &label, "min-ℓ2 interpolator", e.to_string())
                        .kind(Kind::Certificate, r#"no comparison: the computation failed"#),
                );
                return out;
            }
        };
        // Xβ = y, exactly.
        let resid = task.x.iter().zip(&task.y).map(|(row, y)| (dot_q(row, &beta) - y).abs()).max().unwrap_or_default();
        out.push(
            CheckResult::exact(id, &label, "max_j |(Xβ − y)_j|, exact", &Rational::new(), &resid)
                .kind(Kind::Certificate, r#"exact rational arithmetic"#)
                .with_note(format!("‖β‖₂ = {:.12}", beta.iter().map(|b| b.nearest().powi(2)).sum::<f64>().sqrt())),
        );
        // β ∈ range(Xᵀ): Xᵀλ = β is consistent (exact elimination, independent of how β was
        // built). With Xβ = y this characterizes the min-ℓ2 interpolator.
        let xt: Vec<Vec<Rational>> = (0..task.d()).map(|j| task.x.iter().map(|row| row[j].clone()).collect()).collect();
        let q = "β ∈ range(Xᵀ): rank [Xᵀ | β] − rank Xᵀ, exact";
        let with_beta: Vec<Vec<Rational>> = xt.iter().zip(&beta).map(|(r, b)| r.iter().cloned().chain([b.clone()]).collect()).collect();
        let extra = rank_exact(&with_beta) as i64 - rank_exact(&xt) as i64;
        let consistent = solve_exact(&xt, &beta).is_some();
        out.push(
            CheckResult::exact(id, &label, q, &Rational::new(), &Rational::from(extra))
                .kind(Kind::Certificate, r#"exact rational arithmetic (rank by exact elimination)"#)
                .with_note(format!("Xᵀλ = β solvable: {consistent}")),
        );
    }
    out
}

/// The interpolator claims.
fn interp(f: InterpolatorFormulas) -> Formulas {
    Formulas { interp: f, ..Formulas::default() }
}

fn argmax_index(x: &[Rational]) -> usize {
    (0..x.len()).max_by(|&a, &b| x[a].cmp(&x[b])).unwrap_or(0)
}

fn unit_weights(task: &Task) -> Vec<Rational> {
    vec![Rational::from(1); task.d()]
}

/// A broken one-sample ℓ1 optimum: 1.05·β_N.
fn beta_n_1_05(x: &[Rational], y: &Rational) -> Vec<Rational> {
    pred::beta_norm_min(x, y).into_iter().map(|b| b * Rational::from((21, 20))).collect()
}

/// A broken min-ℓ2 formula: 1.05·Xᵀ(XXᵀ)⁻¹y.
fn l2_1_05(task: &Task) -> Result<Vec<Rational>> {
    Ok(min_l2_exact(task)?.into_iter().map(|b| b * Rational::from((21, 20))).collect())
}

/// A broken min-ℓ2 formula: β = Xᵀy (in range(Xᵀ) but not an interpolator).
fn xt_y(task: &Task) -> Result<Vec<Rational>> {
    Ok((0..task.d()).map(|j| task.x.iter().zip(&task.y).fold(Rational::new(), |a, (row, y)| a + Rational::from(&row[j] * y))).collect())
}

pub fn claims() -> Vec<Claim> {
    vec![
        Claim::new("I1-l1-lp", "The min-ℓ1 interpolator (an LP) has an exact certificate; for one sample it is T2's β_N", "paper (T9)", false, check_i1)
            .on_tasks("any task with rank X = n (signed interpolators exist; β ≥ 0 where the LP finds one); T2's β_N for one positive sample with a unique largest x_i", full_row_rank, i1_on_task)
            .broken("β_N = (y/x_max)e → 1.05·(y/x_max)e", Some(0.05), || interp(InterpolatorFormulas { beta_l1_one_sample: beta_n_1_05, ..InterpolatorFormulas::default() }))
            .broken("one-sample ℓ1 optimum = β_S", None, || interp(InterpolatorFormulas { beta_l1_one_sample: pred::beta_sharp_min, ..InterpolatorFormulas::default() })),
        Claim::new("I2-sharpness-sdp", "min λ_max(X diag β Xᵀ) over interpolators is an SDP with S_min = (4/n)t*; for one sample it is β_S, and for several samples it differs from the min-ℓ1 interpolator", "paper (T9), derived", true, check_i2)
            .on_tasks(
                "rank X = n; one sample: x > 0, y > 0 with a unique smallest x_i (checked: β_SDP = β_S and S = 4x_min·y); n > 1: (4/n)t* is the SW sharpness at the β ≥ 0 optimum (the 'differs from min-ℓ1' part is checked on the canonical task only: it holds in general, not on every task)",
                i2_applies,
                i2_on_task,
            )
            .broken("S_min = (4/n)·t* → (4.2/n)·t*", Some(0.05), || interp(InterpolatorFormulas { sharpness_from_t: |t, n| 4.2 * t / n as f64, ..InterpolatorFormulas::default() }))
            .broken("one-sample λ_max optimum = β_N", None, || interp(InterpolatorFormulas { beta_sharp_one_sample: pred::beta_norm_min, ..InterpolatorFormulas::default() })),
        Claim::new("I3-trace-vs-lambda", "Trace- and λ_max-sharpness minimizers differ in general; for one sample λ_max picks the smallest x_i", "paper (T9), derived", true, check_i3)
            .on_tasks(
                "rank X = n with a nonnegative interpolator (the LP and SDP are over β ≥ 0); one sample: x > 0, y > 0, and the pick of argmin x is checked where the smallest x_i is unique; 'they differ' is checked on the proof's task only (on a given task they may coincide: reported)",
                i3_applies,
                i3_on_task,
            )
            .broken("λ_max picks the largest x_i", None, || interp(InterpolatorFormulas { lambda_pick_one_sample: argmax_index, ..InterpolatorFormulas::default() }))
            .broken("tr ∇²L = (4/n)·v → (4.2/n)·v", Some(0.05), || interp(InterpolatorFormulas { trace_from_lp: |v, n| 4.2 * v / n as f64, ..InterpolatorFormulas::default() }))
            .broken("trace weights 1 instead of ‖X_i‖²", None, || interp(InterpolatorFormulas { trace_weights: unit_weights, ..InterpolatorFormulas::default() })),
        Claim::new("I4-l2", "The exact min-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y satisfies Xβ = y and β ∈ range(Xᵀ) exactly", "lit: Woodworth et al. 2020 (the α → ∞ limit)", false, check_i4)
            .on_tasks("any task with rank X = n (XXᵀ invertible)", full_row_rank, i4_on_task)
            .broken("β = 1.05·Xᵀ(XXᵀ)⁻¹y", Some(0.05), || interp(InterpolatorFormulas { beta_l2: l2_1_05, ..InterpolatorFormulas::default() }))
            .broken("β = Xᵀy (no inverse Gram matrix)", None, || interp(InterpolatorFormulas { beta_l2: xt_y, ..InterpolatorFormulas::default() })),
    ]
}
