//! A check that cannot fail verifies nothing: for every claim, one deliberately wrong
//! formula makes its verdict fail.

mod common;

use normsharp::claims::{generalization_check, t9_check};
use normsharp::problem::tasks::canonical_four;
use normsharp::theory::predictions as pred;

// T1–T3, T4-identity, T4-limit, T4-gain, T5-thresholds, T5-bound, T6-eta-c, T7, T8-prior,
// T8-generalization and T9 register their broken formulas in their registry rows
// (src/claims/paper/); tests/registry.rs runs them. What stays here are tasks that violate a
// hypothesis, which a registry row cannot express.

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
