//! A check that cannot fail verifies nothing: for every claim, one deliberately wrong
//! formula makes its verdict fail.

mod common;

use common::fails_with;

use normsharp::claims::{generalization_check, registry, t9_check, FlowFormulas, Formulas, PaperFormulas};
use normsharp::error::Result;
use normsharp::theory::predictions as pred;
use normsharp::problem::task::Task;
use normsharp::problem::tasks::canonical_four;
use normsharp::problem::design::Design;
use rug::{Float, Rational};

fn paper(p: PaperFormulas) -> Formulas {
    #[allow(clippy::needless_update)]
    Formulas { paper: p, ..Formulas::default() }
}

#[test]
fn t1_fails_with_sharpness_linear_in_x() {
    // S = 4⟨x, β⟩ instead of 4⟨x², β⟩.
    fn wrong(x: &[Rational], b: &[Rational]) -> Rational {
        x.iter().zip(b).fold(Rational::new(), |a, (x, b)| a + Rational::from(x * b)) * Rational::from(4)
    }
    fails_with("T1", paper(PaperFormulas { sharpness_on_z: wrong, ..PaperFormulas::default() }));
}

#[test]
fn t2_fails_with_sharpness_minimizer_on_argmax() {
    fails_with("T2", paper(PaperFormulas { beta_sharp_min: pred::beta_norm_min, ..PaperFormulas::default() }));
}

#[test]
fn t3_fails_without_the_x_weight_in_the_root_equation() {
    // Root of Σ α²e^{c x_i} = y instead of Σ x_i α² e^{c x_i} = y.
    fn wrong(task: &Task, alpha: &Rational, prec: u32) -> Result<Vec<Float>> {
        let design = task.design::<Float>(prec);
        let ones = vec![Float::with_val(prec, 1); task.d()];
        let a2 = Float::with_val(prec, alpha) * Float::with_val(prec, alpha);
        let a = vec![a2.clone(); task.d()];
        let c = pred::entropy_root(&ones, &a, &design.y[0])?;
        Ok(design.row(0).iter().map(|x| a2.clone() * Float::with_val(prec, &c * x).exp()).collect())
    }
    fails_with("T3", paper(PaperFormulas { beta_gf: wrong, ..PaperFormulas::default() }));
}

#[test]
fn t4_identity_fails_with_s_off_by_two() {
    fails_with("T4-identity", paper(PaperFormulas { t4_s_coefficient: 2, ..PaperFormulas::default() }));
}

#[test]
fn t4_limit_fails_with_the_gain_sign_flipped() {
    fn wrong(alpha2: &Float, gain: &Float) -> Float {
        alpha2.clone() * gain.clone().exp()
    }
    fails_with("T4-limit", paper(PaperFormulas { alpha_inf_sq: wrong, ..PaperFormulas::default() }));
}

#[test]
fn t4_gain_fails_with_the_order_reversed() {
    fn wrong(x: &[Rational]) -> Vec<usize> {
        let mut v = normsharp::claims::gain_order_by_x(x);
        v.reverse();
        v
    }
    fails_with("T4-gain", paper(PaperFormulas { gain_order: wrong, ..PaperFormulas::default() }));
}

#[test]
fn t5_thresholds_fail_with_a_factor_two() {
    fn wrong(x: &[Rational], y: &Rational) -> Rational {
        pred::eta_unstable_norm_min(x, y) / Rational::from(2)
    }
    fails_with("T5-thresholds", paper(PaperFormulas { eta_unstable_norm_min: wrong, ..PaperFormulas::default() }));
    fails_with(
        "T5-thresholds",
        paper(PaperFormulas { eta_no_stable_interpolator: pred::eta_unstable_norm_min, ..PaperFormulas::default() }),
    );
}

#[test]
fn t5_bound_fails_with_a_smaller_constant() {
    fails_with("T5-bound", paper(PaperFormulas { stability_constant: 1.9, ..PaperFormulas::default() }));
}

#[test]
fn t6_fails_when_only_the_end_of_the_path_counts() {
    fn end_only(design: &Design<f64>, _alpha: f64, beta_gf: &[f64]) -> Result<f64> {
        Ok(normsharp::problem::sharpness::sw_interpolator_sharpness(design, beta_gf).unwrap_or(f64::NAN))
    }
    fails_with("T6-eta-c", paper(PaperFormulas { gf_path_sharpness_max: end_only, ..PaperFormulas::default() }));
}

#[test]
fn t7_fails_with_the_ansatz_at_s_equal_one_over_eta() {
    fn wrong(x: &[Rational], y: &Rational, eta: &Rational) -> Result<Vec<Rational>> {
        pred::ansatz_d2(x, y, &(eta.clone() * Rational::from(2)))
    }
    fails_with("T7", paper(PaperFormulas { ansatz_d2: wrong, ..PaperFormulas::default() }));
}

#[test]
fn t8_prior_fails_without_the_covariance_term() {
    fn wrong(beta: &[Rational], x: &[Rational], y: &Rational, s: &Rational) -> Rational {
        pred::test_error(beta, &pred::uniform_prior_mean(x, y), s)
    }
    fails_with("T8-prior", paper(PaperFormulas { expected_error_uniform_prior: wrong, ..PaperFormulas::default() }));
}

#[test]
fn t8_generalization_fails_when_the_teacher_is_the_norm_minimizer() {
    // With β* = β_N (a vertex, not interior) nothing beats β_N: the check must fail.
    let mut task = canonical_four();
    let (x, y) = task.single_sample_positive().unwrap();
    let bn = pred::beta_norm_min(x, y);
    task.teacher = Some(bn);
    let r = generalization_check(&task, 1e-3, "teacher = β_N");
    assert!(!r.pass, "{r:?}");
    let ok = generalization_check(&canonical_four(), 1e-3, "interior teacher");
    assert!(ok.pass, "{ok:?}");
}

#[test]
fn t9_fails_where_the_interpolator_is_unique() {
    // random_positive(1, 20, 50): the 3-sparse nonnegative teacher is the only nonnegative
    // interpolator, so ℓ1 and sharpness minimizers coincide and nothing beats them.
    let results = t9_check(&normsharp::problem::tasks::random_positive(1, 20, 50));
    assert!(results.iter().any(|r| !r.pass), "{}", normsharp::output::report::table(&results, 6));
}

#[test]
fn c1_fails_when_the_central_flow_is_gradient_flow() {
    // σ² ≡ 0 turns the central flow into gradient flow: it cannot beat itself.
    let broken = Formulas { flows: FlowFormulas { sigma2_factor: 0.0 }, ..Formulas::default() };
    fails_with("C1", broken);
}

/// Every claim has a broken-formula test in some file under tests/ (`fails_with("ID"`),
/// or, for T8-generalization and T9, a task that violates the hypothesis.
#[test]
fn every_claim_has_a_broken_formula_test() {
    let src = common::all_test_sources();
    for c in registry() {
        let needle = match c.id {
            "T8-generalization" => "generalization_check(&task".to_string(),
            "T9" => "t9_check(&normsharp::problem::tasks::random_positive".to_string(),
            id => format!("fails_with(\"{id}\""),
        };
        assert!(src.contains(&needle), "claim {} has no broken-formula test", c.id);
    }
}
