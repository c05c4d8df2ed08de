//! A check that cannot fail verifies nothing: for every claim of the EoS family (T6a, T6b,
//! T6c, P1, K1), one deliberately wrong formula makes its verdict fail (as in
//! tests/broken_formulas.rs).

mod common;

use common::fails_with;

use normsharp::claims::{EosFormulas, Formulas};
use normsharp::error::Result;

fn eos(f: EosFormulas) -> Formulas {
    Formulas { eos: f, ..Formulas::default() }
}

#[test]
fn t6a_fails_with_eta_c_equal_to_one_over_s() {
    // η_c = 1/s_GF: the "η·S = 1" threshold of a factor-2 slip.
    fails_with("T6a", eos(EosFormulas { eta_critical: |s| 1.0 / s, ..EosFormulas::default() }));
}

#[test]
fn t6a_fails_when_the_path_maximum_is_the_initial_sharpness() {
    // s_GF = S at the initialization (the far end of the path from β_GF).
    fn at_init(design: &normsharp::problem::design::Design<f64>, alpha: f64, _gf: &[f64]) -> Result<f64> {
        let w = vec![alpha; design.d];
        Ok(normsharp::problem::sharpness::sharpness(&normsharp::problem::model::Sw, design, &w).map_or(f64::NAN, |s| s.op_norm))
    }
    fails_with("T6a", eos(EosFormulas { gf_path_sharpness_max: at_init, ..EosFormulas::default() }));
}

#[test]
fn t6b_fails_with_a_smaller_stability_constant() {
    fails_with("T6b", eos(EosFormulas { stability_constant: 1.9, ..EosFormulas::default() }));
}

#[test]
fn t6c_fails_with_the_edge_below_two_over_eta() {
    // An edge at 1.9/η: GD's EoS limits sit above it.
    fails_with("T6c", eos(EosFormulas { edge: |eta| 1.9 / eta, ..EosFormulas::default() }));
}

#[test]
fn t6c_fails_with_the_edge_above_two_over_eta() {
    // An edge at 2.2/η: the median gap becomes ≈ 9% > 5%.
    fails_with("T6c", eos(EosFormulas { edge: |eta| 2.2 / eta, ..EosFormulas::default() }));
}

#[test]
fn p1_fails_at_a_precision_too_low_for_the_loss_tolerance() {
    // 24-bit MPFR cannot bring the loss below 1e-24: every verdict changes.
    fails_with("P1", eos(EosFormulas { precisions: &[24], ..EosFormulas::default() }));
}

#[test]
fn k1_fails_with_the_sharpness_of_the_iterate_itself() {
    // "The GF limit from w is w⊙w" (no flow): the iterate's own sharpness rises from S(α²)
    // (progressive sharpening) and oscillates at the edge.
    fn no_flow(_x: &[f64], w: &[f64], _y: f64) -> Result<Vec<f64>> {
        Ok(w.iter().map(|v| v * v).collect())
    }
    fails_with("K1", eos(EosFormulas { gf_limit_from: no_flow, ..EosFormulas::default() }));
}
