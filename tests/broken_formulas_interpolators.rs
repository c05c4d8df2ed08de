//! A check that cannot fail verifies nothing: for every interpolator claim (I1–I4), one
//! deliberately wrong formula makes its verdict fail (as in tests/broken_formulas.rs).

mod common;

use common::fails_with;

use normsharp::claims::{Formulas, InterpolatorFormulas};
use normsharp::error::Result;
use normsharp::theory::predictions as pred;
use normsharp::problem::task::Task;
use rug::Rational;

fn interp(f: InterpolatorFormulas) -> Formulas {
    Formulas { interp: f, ..Formulas::default() }
}

#[test]
fn i1_fails_when_the_one_sample_l1_optimum_is_the_sharpness_minimizer() {
    fails_with("I1-l1-lp", interp(InterpolatorFormulas { beta_l1_one_sample: pred::beta_sharp_min, ..InterpolatorFormulas::default() }));
}

#[test]
fn i2_fails_with_the_norm_minimizer_or_a_factor_two() {
    fails_with(
        "I2-sharpness-sdp",
        interp(InterpolatorFormulas { beta_sharp_one_sample: pred::beta_norm_min, ..InterpolatorFormulas::default() }),
    );
    // S = (2/n)·t instead of (4/n)·t.
    fn half(t: f64, n: usize) -> f64 {
        2.0 * t / n as f64
    }
    fails_with("I2-sharpness-sdp", interp(InterpolatorFormulas { sharpness_from_t: half, ..InterpolatorFormulas::default() }));
    // 4·x_max·y (the sharpness of β_N) instead of 4·x_min·y.
    fn at_max(x: &[Rational], y: &Rational) -> Rational {
        Rational::from(x.iter().max().unwrap() * y) * Rational::from(4)
    }
    fails_with("I2-sharpness-sdp", interp(InterpolatorFormulas { sharpness_min_one_sample: at_max, ..InterpolatorFormulas::default() }));
}

#[test]
fn i3_fails_when_lambda_max_picks_the_largest_x_or_the_trace_weights_are_unweighted() {
    fn argmax(x: &[Rational]) -> usize {
        (0..x.len()).max_by(|&a, &b| x[a].cmp(&x[b])).unwrap()
    }
    fails_with("I3-trace-vs-lambda", interp(InterpolatorFormulas { lambda_pick_one_sample: argmax, ..InterpolatorFormulas::default() }));
    // Weights 1 (the ℓ1 LP) instead of ‖X_{:,i}‖²: its value is not the Hessian trace.
    fn ones(task: &Task) -> Vec<Rational> {
        vec![Rational::from(1); task.d()]
    }
    fails_with("I3-trace-vs-lambda", interp(InterpolatorFormulas { trace_weights: ones, ..InterpolatorFormulas::default() }));
}

#[test]
fn i4_fails_without_the_inverse_gram_matrix() {
    // β = Xᵀy instead of Xᵀ(XXᵀ)⁻¹y: in range(Xᵀ) but not an interpolator.
    fn wrong(task: &Task) -> Result<Vec<Rational>> {
        Ok((0..task.d()).map(|j| task.x.iter().zip(&task.y).fold(Rational::new(), |a, (row, y)| a + Rational::from(&row[j] * y))).collect())
    }
    fails_with("I4-l2", interp(InterpolatorFormulas { beta_l2: wrong, ..InterpolatorFormulas::default() }));
    // The min-ℓ1 interpolator: Xβ = y but not in range(Xᵀ).
    fn l1(task: &Task) -> Result<Vec<Rational>> {
        match normsharp::theory::interpolators::min_l1(task, normsharp::theory::interpolators::Sign::Signed)?.witness {
            normsharp::theory::interpolators::Witness::Lp { beta, .. } => Ok(beta),
            _ => unreachable!(),
        }
    }
    fails_with("I4-l2", interp(InterpolatorFormulas { beta_l2: l1, ..InterpolatorFormulas::default() }));
}
