//! Proved enclosures (theory::enclosures): widths at 128 bits, containment of the MPFR
//! point values computed at 4× the precision and of the f64 predictions, on the canonical
//! tasks and seeded random single-sample tasks; a wrong formula is not inside.

use normsharp::claims::family::family_case;
use normsharp::numeric::interval::Interval;
use normsharp::problem::tasks::{canonical_four, canonical_two};
use normsharp::theory::enclosures::{enclose_one_sample, enclose_root};
use normsharp::theory::predictions::{beta_gf_task, entropy_root, gf_path_sharpness_max};
use rug::{Float, Rational};

const P: u32 = 128;

fn alphas() -> Vec<Rational> {
    vec![Rational::from((1, 1000)), Rational::from((1, 10)), Rational::from((1, 2)), Rational::from((1, 1_000_000))]
}

/// The root c at 4P bits (MPFR Newton).
fn c_truth(x: &[Rational], y: &Rational, alpha: &Rational) -> Float {
    let q = 4 * P;
    let a2 = Float::with_val(q, alpha) * Float::with_val(q, alpha);
    let xf: Vec<Float> = x.iter().map(|v| Float::with_val(q, v)).collect();
    entropy_root(&xf, &vec![a2; x.len()], &Float::with_val(q, y)).unwrap()
}

#[test]
fn canonical_widths_and_containment() {
    for task in [canonical_four(), canonical_two()] {
        let (x, y) = task.single_sample_positive().unwrap();
        for alpha in alphas() {
            let e = enclose_one_sample(x, y, &alpha, P).unwrap();
            let label = format!("{} α={}", task.name, alpha);
            assert!(e.c.rel_width() < 1e-30, "{label}: c width {}", e.c.rel_width());
            assert!(e.c.contains(&c_truth(x, y, &alpha)), "{label}: c");
            let beta_hi = beta_gf_task(&task, &alpha, 4 * P).unwrap();
            for (b, t) in e.beta_gf.iter().zip(&beta_hi) {
                assert!(b.rel_width() < 1e-30, "{label}: β width {}", b.rel_width());
                assert!(b.contains(t), "{label}: β_GF {t} not in [{}, {}]", b.lo(), b.hi());
            }
            assert!(e.sharpness_gf.rel_width() < 1e-30, "{label}");
            let s = e.path_max.as_ref().unwrap();
            let eta = e.eta_c.as_ref().unwrap();
            assert!(s.rel_width() <= 1e-12 && eta.rel_width() <= 1e-12, "{label}: s_GF width {}", s.rel_width());
            // The f64 path maximum (sampled + golden section) is within f64 resolution of it.
            let d64 = task.design::<f64>(());
            let gf64: Vec<f64> = beta_hi.iter().map(Float::to_f64).collect();
            let s64 = gf_path_sharpness_max(&d64, alpha.to_f64(), &gf64).unwrap();
            let widened = s.inflate(&Float::with_val(P, s.hi() * 1e-9f64));
            assert!(widened.contains_f64(s64), "{label}: f64 s_GF {s64} not near [{}, {}]", s.lo(), s.hi());
            assert!(e.sharpness_gf.hi() <= s.hi(), "{label}: the path max is at least its end");
        }
    }
}

#[test]
fn random_single_sample_tasks_contain_the_truth() {
    let mut tried = 0;
    for i in 0..60 {
        let case = family_case(808, i);
        let Ok((x, y)) = case.task.single_sample_positive() else { continue };
        tried += 1;
        let e = enclose_one_sample(x, y, &case.alpha, P).unwrap_or_else(|err| panic!("{}: {err}", case.task.name));
        assert!(e.c.contains(&c_truth(x, y, &case.alpha)), "{}", case.task.name);
        let beta_hi = beta_gf_task(&case.task, &case.alpha, 4 * P).unwrap();
        for (b, t) in e.beta_gf.iter().zip(&beta_hi) {
            assert!(b.contains(t), "{}: β_GF", case.task.name);
        }
        let s = e.path_max.as_ref().unwrap_or_else(|r| panic!("{}: {r}", case.task.name));
        assert!(s.lo() <= s.hi() && e.sharpness_gf.lo() <= s.hi());
        // Dense f64 sampling of the path never exceeds the proved upper end.
        let d64 = case.task.design::<f64>(());
        let c = e.c.mid().to_f64();
        let a2 = case.alpha.to_f64().powi(2);
        for k in 0..=200 {
            let ck = c * k as f64 / 200.0;
            let w: Vec<f64> = x.iter().map(|xi| (a2 * (ck * xi.to_f64()).exp()).sqrt()).collect();
            let op = normsharp::problem::sharpness::sharpness(&normsharp::problem::model::Sw, &d64, &w).unwrap().op_norm;
            assert!(op <= s.hi().to_f64() * (1.0 + 1e-10), "{}: sampled {op} above {}", case.task.name, s.hi());
        }
    }
    assert!(tried >= 30, "only {tried} single-sample tasks");
}

#[test]
fn wrong_formulas_are_not_inside() {
    let task = canonical_four();
    let (x, y) = task.single_sample_positive().unwrap();
    let alpha = Rational::from((1, 1000));
    let e = enclose_one_sample(x, y, &alpha, P).unwrap();
    let beta = beta_gf_task(&task, &alpha, P).unwrap();
    for b in &beta {
        let wrong = Float::with_val(P, b * 1.02f64);
        assert!(!e.beta_gf.iter().any(|enc| enc.contains(&wrong) && enc.contains(b)), "a 2% change stays inside");
    }
    // The root of a perturbed equation (y → 1.02 y) is excluded by the proved enclosure.
    let c_wrong = enclose_root(x, &(y.clone() * Rational::from((51, 50))), &Rational::from(&alpha * &alpha), P).unwrap();
    assert!(e.c.intersect(&c_wrong).is_none());
    // η_c → 1.05·η_c leaves the enclosure.
    let eta = e.eta_c.as_ref().unwrap();
    let wrong = eta.mul(&Interval::from_rational(&Rational::from((21, 20)), P));
    assert!(eta.intersect(&wrong).is_none());
}

#[test]
fn bad_precision_is_refused() {
    let task = canonical_two();
    let (x, y) = task.single_sample_positive().unwrap();
    let err = enclose_one_sample(x, y, &Rational::from((1, 10)), 40).unwrap_err();
    assert!(err.to_string().contains("precision"), "{err}");
}

#[test]
fn multi_sample_krawczyk_encloses_the_limit() {
    use normsharp::problem::tasks::{canonical_multi, random_positive};
    use normsharp::theory::enclosures::dual::enclose_beta_gf_dual;
    let mut tasks = vec![canonical_multi()];
    tasks.extend((0..6).map(|s| random_positive(100 + s, 2 + (s as usize % 3), 6 + s as usize)));
    for task in tasks {
        for alpha in [Rational::from((1, 10)), Rational::from((1, 100))] {
            let enc = enclose_beta_gf_dual(&task, &alpha, P).unwrap_or_else(|e| panic!("{}: {e}", task.name));
            let truth = beta_gf_task(&task, &alpha, 4 * P).or_else(|_| beta_gf_task(&task, &alpha, 4 * P + 64)).unwrap();
            for (b, t) in enc.iter().zip(&truth) {
                assert!(b.contains(t), "{} α={alpha}: β_GF not inside", task.name);
                assert!(b.rel_width() < 1e-30, "{}: width {}", task.name, b.rel_width());
            }
            // A 2% wrong limit is not inside.
            assert!(!enc[0].contains(&Float::with_val(P, &truth[0] * 1.02f64)));
        }
    }
}

/// Woodworth's PM limit 2α²·sinh(Xᵀν) (signed tasks too) and UV from an unbalanced (u₀, v₀):
/// the Krawczyk enclosure holds the MPFR dual-Newton limit at 4× the precision, is narrow,
/// and excludes a 2% wrong limit.
#[test]
fn hyperbolic_krawczyk_encloses_woodworth_and_uv_limits() {
    use normsharp::problem::tasks::{canonical_multi, random_positive};
    use normsharp::theory::enclosures::dual::{enclose_hyperbolic_limit, enclose_woodworth_limit};
    use normsharp::theory::potentials::{uv_limit, woodworth_limit};
    let mut tasks = vec![canonical_multi()];
    tasks.extend((0..5).map(|s| random_positive(200 + s, 1 + (s as usize % 3), 5 + s as usize)));
    for task in tasks {
        let hp = 4 * P;
        for alpha in [Rational::from((1, 10)), Rational::from(2)] {
            let enc = enclose_woodworth_limit(&task, &alpha, P).unwrap_or_else(|e| panic!("{}: {e}", task.name));
            let truth = woodworth_limit(&task.design::<Float>(hp), &Float::with_val(hp, &alpha)).unwrap();
            for (b, t) in enc.iter().zip(&truth) {
                assert!(b.contains(t), "{} α={alpha}: Woodworth limit not inside", task.name);
                assert!(b.rel_width() < 1e-30, "{}: width {}", task.name, b.rel_width());
            }
            assert!(!enc[0].contains(&Float::with_val(P, &truth[0] * 1.02f64)));
        }
        // UV from u₀ = 1/2, v₀ = 1/4: p = (u₀+v₀)²/4 = 9/64, m = (u₀−v₀)²/4 = 1/64.
        let d = task.d();
        let (plus, minus) = (vec![Rational::from((9, 64)); d], vec![Rational::from((1, 64)); d]);
        let enc = enclose_hyperbolic_limit(&task, &plus, &minus, P).unwrap_or_else(|e| panic!("{}: {e}", task.name));
        let (u0, v0) = (vec![Float::with_val(hp, 0.5); d], vec![Float::with_val(hp, 0.25); d]);
        let truth = uv_limit(&task.design::<Float>(hp), &u0, &v0).unwrap();
        for (b, t) in enc.iter().zip(&truth) {
            assert!(b.contains(t), "{}: UV limit not inside", task.name);
        }
    }
}

/// Proved bounds on min λ_max(X diag|β| Xᵀ) (Jansson-style): they hold the exact optimum
/// where it is known (one sample: x_min·y; the proof task of I3: 1), are at most 1e-6 wide
/// relative, and exclude a value 1% off; on seeded multi-sample tasks (β ≥ 0 and signed) they
/// hold the solver's certified value.
#[test]
fn sdp_bounds_hold_the_optimum() {
    use normsharp::problem::task::Task;
    use normsharp::problem::tasks::{canonical_multi, random_positive};
    use normsharp::theory::enclosures::sdp::bound_min_lambda_max;
    use normsharp::theory::interpolators::{min_sharpness_sdp, trace_vs_lambda_task, Sign, Witness};
    let bounds = |task: &Task, sign: Sign| {
        let c = min_sharpness_sdp(task, sign).unwrap_or_else(|e| panic!("{}: {e}", task.name));
        let Witness::Sdp(pt) = &c.witness else { panic!("no SDP witness") };
        let b = bound_min_lambda_max(task, sign, pt, P).unwrap_or_else(|e| panic!("{} {sign:?}: {e}", task.name));
        assert!(b.rel_width() < 1e-6, "{} {sign:?}: width {}", task.name, b.rel_width());
        eprintln!("{} {sign:?}: [{}, {}] width {:.2e}", task.name, b.lo_decimal(12), b.hi_decimal(12), b.rel_width());
        (b, c.objective)
    };
    let mut known: Vec<(Task, Rational)> = vec![(trace_vs_lambda_task(), Rational::from(1))];
    for i in 0..6 {
        let t = random_positive(300 + i, 1, 3 + i as usize);
        let xmin = t.x[0].iter().min().unwrap().clone();
        let v = Rational::from(&xmin * &t.y[0]);
        known.push((t, v));
    }
    for (task, exact) in &known {
        let (b, _) = bounds(task, Sign::Nonnegative);
        assert!(b.contains_rational(exact), "{}: {exact} not in [{}, {}]", task.name, b.lo_decimal(15), b.hi_decimal(15));
        assert!(!b.contains_rational(&Rational::from(exact * Rational::from((101, 100)))));
    }
    let mut tasks = vec![canonical_multi()];
    tasks.extend((0..4).map(|s| random_positive(400 + s, 2 + s as usize, 8 + 2 * s as usize)));
    let signed: Vec<Task> =
        (0..3).map(|s| normsharp::problem::tasks::gaussian(500 + s, 3 + 5 * s as usize, 10 + 10 * s as usize, 3, 0.0, 0.0)).collect();
    let cases = tasks.iter().flat_map(|t| [(t, Sign::Nonnegative), (t, Sign::Signed)]).chain(signed.iter().map(|t| (t, Sign::Signed)));
    for (task, sign) in cases {
        {
            let (b, obj) = bounds(task, sign);
            assert!(
                b.lo().to_f64() <= obj * (1.0 + 1e-7) && obj <= b.hi().to_f64() * (1.0 + 1e-7),
                "{} {sign:?}: {obj} vs [{}, {}]",
                task.name,
                b.lo_decimal(12),
                b.hi_decimal(12)
            );
        }
    }
}

/// Every broken formula of T3, T6-eta-c and T5-bound makes at least one of its proved checks
/// fail to prove (and the correct formulas prove all of them).
#[test]
fn broken_formulas_fail_to_prove() {
    use normsharp::claims::paper::proved::proved_checks;
    use normsharp::claims::{registry, Formulas, Grade, Settings};
    let s = Settings::default();
    let good = proved_checks(&Formulas::default(), &s);
    assert!(good.len() >= 10 && good.iter().all(|r| r.pass && r.grade == Grade::Proved), "correct formulas must prove");
    for claim in registry().into_iter().filter(|c| ["T3", "T6-eta-c", "T5-bound"].contains(&c.id)) {
        for b in &claim.broken {
            let rows = proved_checks(&(b.formulas)(), &s);
            let failed = rows.iter().filter(|r| r.claim == claim.id && !r.pass).count();
            assert!(failed > 0, "{} broken '{}' still proves", claim.id, b.name);
        }
    }
}

/// T5 for n samples: a converged SW run's final iterate, corrected exactly onto {Xβ = y},
/// is proved linearly stable (η·S < 2) at η·S_GF = 1.5 and 1.9 on seeded positive tasks, and
/// the proved upper end is within 1e-6 of the f64 sharpness at the final iterate.
#[test]
fn multi_sample_runs_are_proved_stable() {
    use normsharp::dynamics::{run_gd, GdConfig, NoObserver, Outcome, Problem};
    use normsharp::problem::model::Sw;
    use normsharp::problem::tasks::random_positive;
    use normsharp::theory::enclosures::stability_of_run_multi;
    let mut proved = 0;
    for s in 0..4u64 {
        let task = random_positive(600 + s, 2 + s as usize % 3, 6 + s as usize);
        let d = task.design::<f64>(());
        let gf = beta_gf_task(&task, &Rational::from((1, 10)), 64).unwrap();
        let w: Vec<f64> = gf.iter().map(|b| b.to_f64().sqrt()).collect();
        let s_gf = normsharp::problem::sharpness::sharpness(&Sw, &d, &w).unwrap().op_norm;
        for k in [1.5, 1.9] {
            let eta = k / s_gf;
            let cfg = GdConfig::until_loss(eta, 1e-28).with_max_steps(2_000_000);
            let run = run_gd(&Problem::new(&Sw, &d), &0.1, &cfg, &mut NoObserver);
            if run.outcome != Outcome::Converged {
                continue;
            }
            let st = stability_of_run_multi(&task, &run.theta, &Rational::from_f64(eta).unwrap()).expect("an exact interpolator nearby");
            let s_end = normsharp::problem::sharpness::sharpness(&Sw, &d, &run.theta).unwrap().op_norm;
            let hi: f64 = st.eta_times_sharpness_hi.parse().unwrap();
            assert!((hi - eta * s_end).abs() <= 1e-6 * hi, "{}: proved {hi} vs f64 {}", task.name, eta * s_end);
            assert!(st.proved, "{}: η·S = {hi} not proved below 2", task.name);
            proved += 1;
        }
    }
    assert!(proved >= 6, "only {proved} converged runs");
}

/// Every broken formula of T2 and T8-prior makes at least one of their proved checks at the
/// gradient-flow limits β_GF(α) fail (and the correct formulas prove all of them). T2's
/// include β_N → 1.03·β_N: β_GF(10⁻³) has ‖β‖₁ within 1.2 % of y/x_max on x = (1,2,3,4).
#[test]
fn broken_formulas_fail_to_prove_at_irrational_points() {
    use normsharp::claims::paper::proved_points::proved_point_checks;
    use normsharp::claims::{registry, Formulas, Grade, Settings};
    let s = Settings::default();
    let good = proved_point_checks(&Formulas::default(), &s);
    assert!(good.len() >= 40 && good.iter().all(|r| r.pass && r.grade == Grade::Proved), "correct formulas must prove");
    for id in ["T2", "T8-prior"] {
        assert!(good.iter().any(|r| r.claim == id), "{id} has no proved check");
    }
    for claim in registry().into_iter().filter(|c| ["T2", "T8-prior"].contains(&c.id)) {
        for b in &claim.broken {
            let rows = proved_point_checks(&(b.formulas)(), &s);
            let failed = rows.iter().filter(|r| r.claim == claim.id && !r.pass).count();
            assert!(failed > 0, "{} broken '{}' still proves", claim.id, b.name);
        }
    }
}

/// Every claim with proved checks (T2, T3, T5-bound, T5-thresholds, T6-eta-c, T8-prior, I2, E2) registers a broken
/// formula under which one of its proved checks fails to prove.
#[test]
fn every_proved_check_has_a_broken_formula_that_breaks_the_proof() {
    use normsharp::claims::{registry, Formulas, Grade, Settings};
    let s = Settings::default();
    let mut with_proofs = Vec::new();
    for claim in registry() {
        let good = claim.outcome(&Formulas::default(), &s);
        if !good.checks.iter().any(|r| r.grade == Grade::Proved) {
            continue;
        }
        assert!(good.checks.iter().filter(|r| r.grade == Grade::Proved).all(|r| r.pass), "{}: correct formulas must prove", claim.id);
        let broken_proof =
            claim.broken.iter().any(|b| claim.outcome(&(b.formulas)(), &s).checks.iter().any(|r| r.grade == Grade::Proved && !r.pass));
        assert!(broken_proof, "{}: no broken formula makes a proved check fail", claim.id);
        with_proofs.push(claim.id);
    }
    for id in ["T2", "T3", "T5-bound", "T5-thresholds", "T6-eta-c", "T8-prior", "I2-sharpness-sdp", "E2"] {
        assert!(with_proofs.contains(&id), "{id} has no proved check");
    }
}

/// Above `KRAWCZYK_MAX_WORK` (n²d) the MPFR Krawczyk enclosure is not attempted: an honest
/// error naming the size, returned at once (not minutes of interval work).
#[test]
fn oversized_krawczyk_is_refused_with_its_reason() {
    use normsharp::theory::enclosures::dual::{enclose_beta_gf_dual, enclose_woodworth_limit, KRAWCZYK_MAX_WORK};
    let task = normsharp::problem::tasks::random_positive(5, 60, 600);
    assert!((60.0f64 * 60.0 * 600.0) > KRAWCZYK_MAX_WORK);
    let alpha = Rational::from((1, 10));
    for e in [enclose_woodworth_limit(&task, &alpha, 128).unwrap_err(), enclose_beta_gf_dual(&task, &alpha, 128).unwrap_err()] {
        assert!(e.to_string().contains("not attempted: n²d = 2.16e6"), "{e}");
    }
}
