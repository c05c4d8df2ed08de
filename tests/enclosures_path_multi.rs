//! s_GF for n > 1 samples (issue 8): the proved enclosure of the gradient-flow path maximum
//! by a validated integration of the dual flow (src/theory/enclosures/flow).

use normsharp::problem::tasks::{canonical_multi, random_positive};
use normsharp::theory::enclosures::flow::{enclose_path_max_multi, enclose_path_max_with, Budget};
use normsharp::theory::predictions::{beta_gf_task, gf_path_sharpness_max_step};
use rug::Rational;

const P: u32 = 128;

/// The fine float path maximum (RK4 steps moving ln β by ≤ 0.0005) and its relative resolution,
/// measured on this task: ten times its change from steps of 0.001 (the sampled maximum
/// converges as the step shrinks), floored by the f64 rounding of the Hessian's eigenvalues
/// (Weyl: ≤ d·2⁻⁵³·max|H_ij|, taken as 4d·ε relative).
fn float_path_max(task: &normsharp::problem::task::Task, alpha: &Rational) -> (f64, f64) {
    let gf: Vec<f64> = beta_gf_task(task, alpha, 128).unwrap().iter().map(|v| v.to_f64()).collect();
    let at = |h: f64| gf_path_sharpness_max_step(&task.design::<f64>(()), alpha.to_f64(), &gf, h).unwrap();
    let (fine, coarse) = (at(0.0005), at(0.001));
    let resolution = (10.0 * (fine - coarse).abs() / fine).max(4.0 * task.d() as f64 * f64::EPSILON);
    (fine, resolution)
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
        let (fl, res) = float_path_max(&task, &alpha);
        let (lo, hi) = (enc.lo().to_f64(), enc.hi().to_f64());
        assert!(lo <= fl * (1.0 + res) && fl <= hi * (1.0 + res), "{}: float {fl} (resolution {res:.1e}) outside [{lo}, {hi}]", task.name);
    }
}

/// A broken Hessian (first term (4.2/n)·WXᵀXW instead of (4/n)) gives an enclosure that
/// excludes the true path maximum: its proved lower end lies above the float maximum.
#[test]
fn broken_hessian_factor_excludes_the_truth() {
    let alpha = Rational::from((1, 10));
    let task = random_positive(300, 2, 5);
    let (fl, res) = float_path_max(&task, &alpha);
    let budget = Budget { steps: 60, splits: 10 };
    let enc = enclose_path_max_with(&task, &alpha, P, budget, &Rational::from((21, 5))).expect("an enclosure");
    assert!(enc.lo().to_f64() > fl * (1.0 + res), "broken factor still holds the truth: lo {} vs {fl}", enc.lo().to_f64());
}

/// Where the path's maximum is early and well above its end (α = 1: the start, 8.9× and 2.1× the
/// end value), the Φ-tail closes the enclosure at `predict`'s budget to the 1e-12
/// (relative; PATH_MAX_TARGET), and the fine float maximum lies inside up to its resolution.
#[test]
fn phi_tail_reaches_the_target_width_at_alpha_one() {
    use normsharp::theory::enclosures::PATH_MAX_TARGET;
    let alpha = Rational::from(1);
    for task in [canonical_multi(), random_positive(300, 2, 5)] {
        let enc = enclose_path_max_multi(&task, &alpha, P, Budget::default()).unwrap_or_else(|e| panic!("{}: {e}", task.name));
        assert!(enc.rel_width() <= PATH_MAX_TARGET, "{}: relative width {:.1e}", task.name, enc.rel_width());
        let (fl, res) = float_path_max(&task, &alpha);
        let (lo, hi) = (enc.lo().to_f64(), enc.hi().to_f64());
        assert!(lo <= fl * (1.0 + res) && fl <= hi * (1.0 + res), "{}: float {fl} (resolution {res:.1e}) outside [{lo}, {hi}]", task.name);
    }
}

/// Each broken formula of T6-eta-c makes the multi-sample proved check fail on every one of its
/// tasks (`canonical_multi` and the seeded two-sample family; η_c → 1.05·η_c; s_GF = S at the
/// path's end only, which on the first two is 8.9× and 2.1× below s_GF), while the correct
/// formulas prove it on all of them.
#[test]
fn broken_formulas_fail_the_multi_sample_proved_check() {
    use normsharp::claims::paper::proved::proved_checks;
    use normsharp::claims::{registry, Formulas, Grade, Settings};
    let s = Settings::default();
    let multi = |rows: &[normsharp::claims::CheckResult]| -> Vec<bool> {
        rows.iter()
            .filter(|r| r.claim == "T6-eta-c" && r.task.starts_with("random-sw"))
            .map(|r| r.pass && r.grade == Grade::Proved)
            .collect()
    };
    let good = multi(&proved_checks(&Formulas::default(), &s));
    assert_eq!(good, vec![true; 4], "the correct formulas must prove all four multi-sample rows");
    let claim = registry().into_iter().find(|c| c.id == "T6-eta-c").expect("T6-eta-c is registered");
    assert!(!claim.broken.is_empty());
    for b in &claim.broken {
        let rows = multi(&proved_checks(&(b.formulas)(), &s));
        assert!(rows.len() == 4 && rows.iter().all(|p| !p), "broken '{}' still proves a multi-sample row: {rows:?}", b.name);
    }
}
