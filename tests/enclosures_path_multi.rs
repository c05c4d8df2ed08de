//! s_GF for n > 1 samples (issue 8): the proved enclosure of the gradient-flow path maximum
//! by a validated integration of the dual flow (src/theory/enclosures/flow).

use normsharp::problem::tasks::{canonical_multi, random_positive};
use normsharp::theory::enclosures::flow::{enclose_path_max_multi, enclose_path_max_with, Budget};
use normsharp::theory::predictions::{beta_gf_task, gf_path_sharpness_max_step};
use rug::Rational;

const P: u32 = 128;

/// The float path maximum's resolution: RK4 steps moving ln β by ≤ 0.0005 agree with 0.001 to
/// 1e-11 relative (measured on the canonical multi-sample task, src/claims/paper/eta_c.rs),
/// and the RK4 maximum is a sampled one, so it lies at most this far below the true s_GF.
const FLOAT_RESOLUTION: f64 = 1e-10;

fn float_path_max(task: &normsharp::problem::task::Task, alpha: &Rational) -> f64 {
    let gf: Vec<f64> = beta_gf_task(task, alpha, 128).unwrap().iter().map(|v| v.to_f64()).collect();
    gf_path_sharpness_max_step(&task.design::<f64>(()), alpha.to_f64(), &gf, 0.0005).unwrap()
}

/// The proved enclosure holds the fine float path maximum (up to the float's resolution) on the
/// canonical task and seeded random tasks (n = 2..5, d ≤ 12); where the tail is reached the
/// enclosure is narrow.
#[test]
fn path_max_enclosure_holds_the_float_maximum() {
    let alpha = Rational::from((1, 10));
    let mut tasks = vec![canonical_multi()];
    tasks.extend((0..2u64).map(|s| random_positive(300 + s, 2 + s as usize, 5 + 2 * s as usize)));
    let budget = Budget { steps: 300, splits: 80 };
    for task in tasks {
        let enc = enclose_path_max_multi(&task, &alpha, P, budget).unwrap_or_else(|e| panic!("{}: {e}", task.name));
        let fl = float_path_max(&task, &alpha);
        let (lo, hi) = (enc.lo().to_f64(), enc.hi().to_f64());
        assert!(
            lo <= fl * (1.0 + FLOAT_RESOLUTION) && fl <= hi * (1.0 + FLOAT_RESOLUTION),
            "{}: float {fl} outside [{lo}, {hi}]",
            task.name
        );
    }
}

/// A broken Hessian (first term (4.2/n)·WXᵀXW instead of (4/n)) gives an enclosure that
/// excludes the true path maximum: its proved lower end lies above the float maximum.
#[test]
fn broken_hessian_factor_excludes_the_truth() {
    let alpha = Rational::from((1, 10));
    let task = random_positive(300, 2, 5);
    let fl = float_path_max(&task, &alpha);
    let budget = Budget { steps: 60, splits: 10 };
    let enc = enclose_path_max_with(&task, &alpha, P, budget, &Rational::from((21, 5))).expect("an enclosure");
    assert!(enc.lo().to_f64() > fl * (1.0 + FLOAT_RESOLUTION), "broken factor still holds the truth: lo {} vs {fl}", enc.lo().to_f64());
}
