//! T8–T9: the generalization error of the two biases, and the multi-sample interpolators.

use super::*;

/// E‖β − β*‖² computed by second moments: ‖β‖² − 2⟨β, Eβ*⟩ + Σ (y/x_i)²·E t_i², with
/// E t_i² = 2/(d(d+1)) for t uniform on the simplex (an independent route to T8).
pub(super) fn expected_error_by_moments(beta: &[Rational], x: &[Rational], y: &Rational) -> Rational {
    let d = x.len() as i64;
    let et2 = Rational::from((2, d * (d + 1)));
    let mut acc = Rational::new();
    for (b, xi) in beta.iter().zip(x) {
        let m = Rational::from(y / xi);
        acc += Rational::from(b * b) - Rational::from(2) * Rational::from(b * &m) / Rational::from(d) + Rational::from(&m * &m) * &et2;
    }
    acc
}

pub(super) fn check_t8_prior(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.paper;
    let mut out = Vec::new();
    for task in [canonical_two(), canonical_four()] {
        let (x, y) = task.single_sample_positive().expect("canonical task");
        let zero = Rational::new();
        for (name, beta) in
            [("β_N", pred::beta_norm_min(x, y)), ("β_S", pred::beta_sharp_min(x, y)), ("Bayes E β*", pred::uniform_prior_mean(x, y))]
        {
            out.push(CheckResult::exact(
                "T8-prior",
                &task.name,
                &format!("expected error of {name} under the uniform prior on Z"),
                &(f.expected_error_uniform_prior)(&beta, x, y, &zero),
                &expected_error_by_moments(&beta, x, y),
            ));
        }
    }
    out
}

pub(super) fn check_t8_generalization(_: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for c in single_sample_cases() {
        out.push(generalization_check(&c.task, c.alpha.nearest(), &c.label));
    }
    out
}

/// The best test error among GD limits on a grid of 40 learning rates in (0, 1/(2 x_min y))
/// against the best of β_N, β_S and β_GF.
pub fn generalization_check(task: &Task, alpha: f64, label: &str) -> CheckResult {
    let q = "min over η of E(GD limit) vs min(E(β_N), E(β_S), E(β_GF))";
    let (x, y) = match task.single_sample_positive() {
        Ok(v) => v,
        Err(e) => return CheckResult::failed("T8-generalization", label, q, e.to_string()),
    };
    let Some(teacher) = task.teacher.as_ref() else {
        return CheckResult::failed("T8-generalization", label, q, "task has no teacher".into());
    };
    let err64 = |b: &[f64]| -> f64 {
        b.iter().zip(teacher).map(|(p, t)| (p - t.nearest()).powi(2)).sum::<f64>() + task.noise_std.nearest().powi(2)
    };
    let e_n = pred::test_error(&pred::beta_norm_min(x, y), teacher, &task.noise_std).nearest();
    let e_s = pred::test_error(&pred::beta_sharp_min(x, y), teacher, &task.noise_std).nearest();
    let design = task.design::<f64>(());
    let e_gf = pred::beta_gf(&design, &alpha).map_or(f64::INFINITY, |b| err64(&b));
    let eta2 = pred::eta_no_stable_interpolator(x, y).nearest();
    let (mut best, mut best_eta) = (f64::INFINITY, 0.0);
    for i in 1..=40 {
        let eta = eta2 * i as f64 / 41.0;
        let mut cfg = GdConfig::until_loss(eta, 1e-24);
        cfg.max_steps = 200_000;
        let run = gd_f64(task, alpha, &cfg);
        if run.outcome == Outcome::Converged {
            let e = err64(&run.beta);
            if e < best {
                best = e;
                best_eta = eta;
            }
        }
    }
    let bound = e_n.min(e_s).min(e_gf);
    let mut r = CheckResult::scalar("T8-generalization", label, q, bound, best, 0.0, Relation::AtMost);
    r.pass = r.pass && best < bound;
    r.with_note(format!("E(β_N) = {e_n:.6}, E(β_S) = {e_s:.6}, E(β_GF) = {e_gf:.6}; best η = {best_eta:.6}"))
}

/// T9 on the canonical multi-sample SW task: the certified min-ℓ1 and min-λ_max-sharpness
/// interpolators differ, and the best GD limit over a learning-rate grid has a lower test
/// error than both (so neither bias is the best).
pub(super) fn check_t9(_: &Formulas, _: &Settings) -> Vec<CheckResult> {
    t9_check(&canonical_multi())
}

/// T9's check on any positive multi-sample task with a teacher (public so that a test can
/// show it fails on a task where the hypothesis does not hold: a unique interpolator).
pub fn t9_check(task: &Task) -> Vec<CheckResult> {
    use crate::theory::interpolators::{min_l1, min_sharpness_sdp, Sign};
    let label = format!("{} α=0.001", task.name);
    let Some(teacher) = task.teacher.as_ref() else {
        return vec![CheckResult::failed("T9", &label, "min over η of E(GD limit)", "task has no teacher".into())];
    };
    let teacher: Vec<f64> = teacher.iter().map(Nearest::nearest).collect();
    let err = |b: &[f64]| b.iter().zip(&teacher).map(|(a, t)| (a - t).powi(2)).sum::<f64>();
    let (l1, sharp) = match (min_l1(task, Sign::Nonnegative), min_sharpness_sdp(task, Sign::Nonnegative)) {
        (Ok(a), Ok(b)) if a.certificate.valid && b.certificate.valid => (a, b),
        (a, b) => {
            let why = format!("no certified optimum: ℓ1 {:?}, sharpness {:?}", a.map(|c| c.certificate), b.map(|c| c.certificate));
            return vec![CheckResult::failed("T9", &label, "min-ℓ1 vs min-sharpness", why)];
        }
    };
    let gap = l1.beta.iter().zip(&sharp.beta).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    // The minimizers must differ by more than the certificates' tolerance.
    let differ =
        CheckResult::scalar("T9", &label, "‖β_ℓ1 − β_S‖∞ (the two certified minimizers differ)", 0.0, gap, 1e-6, Relation::AtLeast)
            .with_note(format!(
                "‖β_ℓ1‖₁ = {:.4}, ‖β_S‖₁ = {:.4}; λ_max(X diag β Xᵀ): {:.4} vs {:.4}",
                l1.beta.iter().sum::<f64>(),
                sharp.beta.iter().sum::<f64>(),
                crate::theory::interpolators::lambda_max_x_diag_xt(task, &l1.beta).unwrap_or(f64::NAN),
                crate::theory::interpolators::lambda_max_x_diag_xt(task, &sharp.beta).unwrap_or(f64::NAN),
            ));
    let design = task.design::<f64>(());
    let alpha = 1e-3;
    let s_gf = pred::beta_gf(&design, &alpha).ok().map(|b| op_sharpness(&design, &b)).unwrap_or(f64::NAN);
    let (mut best, mut best_eta, mut converged) = (f64::INFINITY, 0.0, 0);
    for i in 1..=30 {
        let eta = 2.0 / s_gf * (0.1 + 0.05 * i as f64);
        let mut cfg = GdConfig::until_loss(eta, 1e-24);
        cfg.max_steps = 200_000;
        let run = gd_f64(task, alpha, &cfg);
        if run.outcome == Outcome::Converged {
            converged += 1;
            let e = err(&run.beta);
            if e < best {
                best = e;
                best_eta = eta;
            }
        }
    }
    let e_gf = pred::beta_gf(&design, &alpha).map_or(f64::INFINITY, |b| err(&b));
    let bound = err(&l1.beta).min(err(&sharp.beta)).min(e_gf);
    let mut gen =
        CheckResult::scalar("T9", &label, "min over η of E(GD limit) vs min(E(β_ℓ1), E(β_S), E(β_GF))", bound, best, 0.0, Relation::AtMost);
    gen.pass = gen.pass && best < bound;
    let gen = gen.with_note(format!(
        "E(β_ℓ1) = {:.5}, E(β_S) = {:.5}, E(β_GF) = {e_gf:.5}; best GD limit at η = {best_eta:.4} (η·s_GF = {:.2}) of {converged} converged runs on 30 η in [0.3, 3.1]/s_GF",
        err(&l1.beta),
        err(&sharp.beta),
        best_eta * s_gf
    ));
    vec![differ, gen]
}
