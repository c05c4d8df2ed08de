//! Helpers shared by the integration tests (each test file uses a part of them).
#![allow(dead_code)]

use normsharp::claims::{registry, Formulas, Settings};

/// The text of every `.rs` file directly under tests/, whitespace removed (for the tests
/// that check every claim has a passing test and a broken-formula test somewhere).
pub fn all_test_sources() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut all = String::new();
    for e in std::fs::read_dir(dir).expect("tests/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "rs") {
            all += &std::fs::read_to_string(&p).expect("readable");
        }
    }
    all.split_whitespace().collect()
}

/// Assert that claim `id` passes with the correct formulas at `settings` and reports every
/// value (predicted, measured, error, tolerance); returns its results.
pub fn check_with(id: &str, settings: &Settings) -> Vec<normsharp::claims::CheckResult> {
    let claim = registry().into_iter().find(|c| c.id == id).unwrap_or_else(|| panic!("claim {id} is registered"));
    let (pass, results) = claim.verify(&Formulas::default(), settings);
    let table = normsharp::output::report::table(&results, 10);
    assert!(pass, "claim {id} failed:\n{table}");
    for r in &results {
        assert!(r.predicted.is_some() && r.measured.is_some(), "{id}: a value is missing:\n{table}");
        assert!(r.abs_err.is_some() || r.relation == normsharp::claims::Relation::AtLeast, "{id}: error not finite:\n{table}");
        assert!(r.tolerance.is_finite() && r.tolerance >= 0.0);
    }
    results
}

/// [`check_with`] at the default settings.
pub fn check(id: &str) {
    check_with(id, &Settings::default());
}

/// Assert that claim `id` fails with `broken` formulas and passes with the correct ones.
pub fn fails_with(id: &str, broken: Formulas) {
    let claim = registry().into_iter().find(|c| c.id == id).expect("registered");
    let (pass, results) = claim.verify(&broken, &Settings::default());
    assert!(!pass, "claim {id} still passes with a broken formula:\n{}", normsharp::output::report::table(&results, 10));
    let (pass, _) = claim.verify(&Formulas::default(), &Settings::default());
    assert!(pass, "claim {id} fails with the correct formulas");
}

/// Claim `id` on the family tasks (seed, index) of `indices`, with the correct formulas:
/// (label, verdict, reason, quantities of its checks) per task.
pub fn on_family(id: &str, seed: u64, indices: &[usize]) -> Vec<(String, normsharp::claims::Verdict, String, Vec<String>)> {
    let claim = registry().into_iter().find(|c| c.id == id).unwrap_or_else(|| panic!("claim {id} is registered"));
    indices
        .iter()
        .map(|&i| {
            let case = normsharp::claims::family::family_case(seed, i);
            let o = claim.outcome_on(&Formulas::default(), &Settings::default(), &case);
            (case.label(), o.verdict, o.reason, o.checks.iter().map(|c| c.quantity.clone()).collect())
        })
        .collect()
}

/// Assert that claim `id` applies to at least `min_applied` of the family tasks and holds on
/// every one it applies to; returns the outcomes.
pub fn holds_on_family(
    id: &str,
    seed: u64,
    indices: &[usize],
    min_applied: usize,
) -> Vec<(String, normsharp::claims::Verdict, String, Vec<String>)> {
    use normsharp::claims::Verdict;
    let out = on_family(id, seed, indices);
    for (label, v, reason, _) in &out {
        println!("{id} {label}: {v:?} {reason}");
        assert_ne!(*v, Verdict::Fail, "{id} fails on {label}: {reason}");
    }
    let applied = out.iter().filter(|o| o.1 != Verdict::NotApplicable).count();
    assert!(applied >= min_applied, "{id} applies to {applied} of {indices:?} (seed {seed}), {min_applied} expected");
    out
}
