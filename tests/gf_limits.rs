//! The SW gradient-flow limit (the entropy dual) on a seeded family of positive tasks: it is
//! found on every one and interpolates. Newton from ν = 0 alone failed on 48 of these 1200
//! (task, α) pairs; the homotopy in y takes over there.

use normsharp::problem::tasks::random_positive;
use normsharp::theory::predictions::beta_gf;

#[test]
fn the_entropy_limit_is_found_on_a_seeded_family_of_1200_positive_tasks() {
    let mut failures = Vec::new();
    for seed in 0..400u64 {
        let n = 2 + (seed % 5) as usize;
        let task = random_positive(900 + seed, n, n + 3);
        let design = task.design::<f64>(());
        for alpha in [1e-3, 0.1, 1.0] {
            match beta_gf(&design, &alpha) {
                Err(e) => failures.push(format!("{} α = {alpha}: {e}", task.name)),
                Ok(beta) => {
                    let mut r = vec![0.0; n];
                    design.residual(&beta, &mut r);
                    // The Newton stopping rule: ‖Xβ − y‖ ≤ 2¹²·u·‖y‖ (2²⁰·… when no decrease is
                    // representable), the check allows 2³²·u·‖y‖ (the tolerance times 2¹², for the f64 rounding of the residual itself).
                    let y_norm = design.y.iter().map(|v| v * v).sum::<f64>().sqrt();
                    let rn = r.iter().map(|v| v * v).sum::<f64>().sqrt();
                    if !(rn <= (1u64 << 32) as f64 * f64::EPSILON * y_norm) || beta.iter().any(|b| !(b.is_finite() && *b >= 0.0)) {
                        failures.push(format!("{} α = {alpha}: residual {rn:e}", task.name));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
