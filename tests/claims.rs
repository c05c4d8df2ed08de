//! Every claim of the registry passes on the canonical tasks, and every result is
//! reported with finite predicted/measured values and errors.

mod common;

use common::check;

use common::all_test_sources;
use normsharp::claims::{registry, Formulas, Settings};

#[test]
fn t1() {
    check("T1");
}
#[test]
fn t2() {
    check("T2");
}
#[test]
fn t3() {
    check("T3");
}
#[test]
fn t4_identity() {
    check("T4-identity");
}
#[test]
fn t4_identity_at_256_bits() {
    let claim = registry().into_iter().find(|c| c.id == "T4-identity").unwrap();
    let (pass, results) = claim.verify(&Formulas::default(), &Settings { precision: 256 });
    assert!(pass, "{}", normsharp::output::report::table(&results, 10));
    let hp = results.iter().find(|r| r.task.contains("256 bits")).expect("a 256-bit check");
    assert!(hp.abs_err.unwrap() < 1e-60, "256-bit identity error {:?}", hp.abs_err);
}
#[test]
fn t4_limit() {
    check("T4-limit");
}
#[test]
fn t4_gain() {
    check("T4-gain");
}
#[test]
fn t5_thresholds() {
    check("T5-thresholds");
}
#[test]
fn t5_bound() {
    check("T5-bound");
}
#[test]
fn t6_eta_c() {
    check("T6-eta-c");
}
#[test]
fn t7() {
    check("T7");
}
#[test]
fn t8_prior() {
    check("T8-prior");
}
#[test]
fn t8_generalization() {
    check("T8-generalization");
}

#[test]
fn t9() {
    check("T9");
}

#[test]
fn c1() {
    check("C1");
}

/// Every claim is checked by some test file (`check("ID")`).
#[test]
fn every_registered_claim_has_a_test() {
    let src = all_test_sources();
    for c in registry() {
        let found = src.contains(&format!("check(\"{}\")", c.id));
        assert!(found, "claim {} has no passing-check test under tests/", c.id);
    }
}
