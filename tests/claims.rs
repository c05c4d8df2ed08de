//! Checks beyond the registry-generated ones (tests/registry.rs runs every claim and every
//! registered broken formula): the T4 identity at 256 bits.

use normsharp::claims::{registry, Formulas, Settings};

#[test]
fn t4_identity_at_256_bits() {
    let claim = registry().into_iter().find(|c| c.id == "T4-identity").unwrap();
    let (pass, results) = claim.verify(&Formulas::default(), &Settings { precision: 256 });
    assert!(pass, "{}", normsharp::output::report::table(&results, 10));
    let hp = results.iter().find(|r| r.task.contains("256 bits")).expect("a 256-bit check");
    assert!(hp.abs_err.unwrap() < 1e-60, "256-bit identity error {:?}", hp.abs_err);
}
