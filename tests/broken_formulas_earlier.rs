//! A check that cannot fail verifies nothing: for every claim of the earlier-work family
//! (W1, W2, D1, A1, E1–E3, N1, UV-PM), one deliberately wrong formula makes its verdict
//! fail (as in tests/broken_formulas.rs).

mod common;

use common::fails_with;

use normsharp::claims::{EarlierFormulas, Formulas};
use normsharp::error::Result;
use normsharp::problem::design::Design;
use normsharp::theory::potentials as pot;

fn earlier(f: EarlierFormulas) -> Formulas {
    Formulas { earlier: f, ..Formulas::default() }
}

#[test]
fn w1_fails_without_the_factor_two_in_the_sinh() {
    // β = α²·sinh(Xᵀν) instead of 2α²·sinh(Xᵀν) (the PM limit at α/√2).
    fn wrong(design: &Design<f64>, alpha: f64) -> Result<Vec<f64>> {
        pot::woodworth_limit(design, &(alpha / std::f64::consts::SQRT_2))
    }
    fails_with("W1", earlier(EarlierFormulas { woodworth_limit: wrong, ..EarlierFormulas::default() }));
}

#[test]
fn w2_fails_with_the_rate_alpha_to_the_minus_two() {
    fails_with("W2", earlier(EarlierFormulas { l2_rate_exponent: -2.0, ..EarlierFormulas::default() }));
}

#[test]
fn d1_fails_with_the_depth_two_potential() {
    // Woodworth's D = 2 potential at the same α for a depth-3 network.
    fn wrong(design: &Design<f64>, alpha: f64, _depth: u32) -> Result<Vec<f64>> {
        pot::woodworth_limit(design, &alpha)
    }
    fails_with("D1", earlier(EarlierFormulas { depth_limit: wrong, ..EarlierFormulas::default() }));
}

#[test]
fn a1_fails_with_the_scale_only_potential() {
    // β = ½(u₀² + v₀²)·sinh s: the hyperbolic entropy of scale k = 2(u₀² + v₀²) centred at 0,
    // which ignores the u₀v₀·cosh s term.
    fn wrong(design: &Design<f64>, u0: &[f64], v0: &[f64]) -> Result<Vec<f64>> {
        let k4: Vec<f64> = u0.iter().zip(v0).map(|(u, v)| (u * u + v * v) / 2.0).collect();
        pot::hyperbolic_limit(design, &pot::Hyperbolic::from_coefficients(&k4, &k4))
    }
    fails_with("A1", earlier(EarlierFormulas { uv_limit: wrong, ..EarlierFormulas::default() }));
}

// E1, E2 and E3 register their broken formulas in the registry (src/claims/earlier/mod.rs);
// tests/registry.rs runs them.

#[test]
fn n1_fails_with_stability_constant_one() {
    // η·S ≤ 1 instead of 2: Σ x̄²|β| ≤ 1/(4η).
    fn wrong(eta: f64) -> f64 {
        1.0 / (4.0 * eta)
    }
    fails_with("N1", earlier(EarlierFormulas { nacson_bound: wrong, ..EarlierFormulas::default() }));
}

#[test]
fn uv_pm_fails_with_eta_over_two() {
    fails_with("UV-PM", earlier(EarlierFormulas { uv_pm_eta_divisor: 2.0, ..EarlierFormulas::default() }));
}
