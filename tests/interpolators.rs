//! Interpolators for n samples: every optimum is certified (also on three seeded families of a
//! hundred tasks each), a perturbed optimum is rejected by the independent certificate check, and
//! the min-ℓ2 interpolator is exact.

mod common;

use common::check;

use normsharp::problem::task::Task;
use normsharp::problem::tasks::{canonical_four, canonical_multi, random_positive};
use normsharp::theory::interpolators::{
    check_lp_certificate, check_sdp_certificate, column_norms_sq, min_l1, min_l2, min_sharpness_sdp, min_trace_sharpness, predict_fields,
    trace_vs_lambda_task, Certified, Sign, Witness,
};
use rug::ops::Pow;
use rug::Rational;

#[test]
fn i1_l1_lp() {
    check("I1-l1-lp");
}
#[test]
fn i2_sharpness_sdp() {
    check("I2-sharpness-sdp");
}
#[test]
fn i3_trace_vs_lambda() {
    check("I3-trace-vs-lambda");
}
#[test]
fn i4_l2() {
    check("I4-l2");
}

fn tasks() -> Vec<Task> {
    vec![canonical_multi(), random_positive(11, 20, 50), random_positive(12, 20, 50), random_positive(13, 20, 50)]
}

fn lp_pair(c: &Certified) -> (Vec<Rational>, Vec<Rational>) {
    match &c.witness {
        Witness::Lp { beta, nu } => (beta.clone(), nu.clone()),
        other => panic!("not an LP witness: {other:?}"),
    }
}

#[test]
fn lp_certificates_are_valid_and_exact() {
    for t in tasks() {
        for sign in [Sign::Nonnegative, Sign::Signed] {
            for (what, opt) in [("ℓ1", min_l1(&t, sign).unwrap()), ("trace", min_trace_sharpness(&t, sign).unwrap())] {
                let c = &opt.certificate;
                assert!(c.valid, "{} {sign:?} {what}: {c:?}", t.name);
                // The exact repair succeeds on these tasks: a proof, not an estimate.
                assert_eq!((c.gap, c.infeasibility, c.dual_infeasibility), (0.0, 0.0, 0.0), "{} {sign:?} {what}: {c:?}", t.name);
            }
        }
    }
}

#[test]
fn sdp_certificates_are_valid() {
    for t in tasks() {
        for sign in [Sign::Nonnegative, Sign::Signed] {
            let opt = min_sharpness_sdp(&t, sign).unwrap();
            let c = &opt.certificate;
            assert!(c.valid && c.gap.abs() < 1e-7 && c.infeasibility < 1e-7 && c.dual_infeasibility < 1e-7, "{} {sign:?}: {c:?}", t.name);
            // The SDP value lies below every LP optimum's λ_max (it minimizes it).
            let l1 = min_l1(&t, sign).unwrap();
            let l1_lmax =
                normsharp::theory::interpolators::lambda_max_x_diag_xt(&t, &l1.beta.iter().map(|b| b.abs()).collect::<Vec<_>>()).unwrap();
            assert!(opt.objective <= l1_lmax * (1.0 + 1e-7), "{}: {} > {l1_lmax}", t.name, opt.objective);
        }
    }
}

#[test]
fn perturbed_lp_optimum_is_rejected() {
    let t = canonical_multi();
    let ones = vec![Rational::from(1); t.d()];
    let opt = min_l1(&t, Sign::Nonnegative).unwrap();
    let (beta, nu) = lp_pair(&opt);
    assert!(check_lp_certificate(&t, &ones, Sign::Nonnegative, &beta, &nu).valid);
    // The f64 rounding of the exact optimum still passes (1e-16 ≪ 1e-9) …
    let beta64: Vec<Rational> = opt.beta.iter().map(|&b| Rational::from_f64(b).unwrap()).collect();
    assert!(check_lp_certificate(&t, &ones, Sign::Nonnegative, &beta64, &nu).valid);
    // … but an infeasible move of 1e-4 in one coordinate does not …
    let mut moved = beta.clone();
    moved[0] += Rational::from((1, 10_000));
    let c = check_lp_certificate(&t, &ones, Sign::Nonnegative, &moved, &nu);
    assert!(!c.valid && c.infeasibility > 1e-6, "{c:?}");
    // … nor a feasible move of 1e-4 towards another interpolator (the trace minimizer): it
    // stays exactly feasible but its objective exceeds the dual bound …
    let (other, _) = lp_pair(&min_trace_sharpness(&t, Sign::Nonnegative).unwrap());
    let eps = Rational::from((1, 10_000));
    let feasible: Vec<Rational> = beta.iter().zip(&other).map(|(a, b)| a.clone() + Rational::from(b - a) * &eps).collect();
    let c = check_lp_certificate(&t, &ones, Sign::Nonnegative, &feasible, &nu);
    assert_eq!(c.infeasibility, 0.0);
    assert!(!c.valid && c.gap > 1e-6, "{c:?}");
    // … nor a dual scaled by 1 + 1e-4 (dual infeasible and a negative gap).
    let scaled: Vec<Rational> = nu.iter().map(|v| v.clone() * Rational::from((10_001, 10_000))).collect();
    let c = check_lp_certificate(&t, &ones, Sign::Nonnegative, &beta, &scaled);
    assert!(!c.valid && (c.dual_infeasibility > 1e-6 || c.gap.abs() > 1e-6), "{c:?}");
    // Signed LP: a sign flip of one entry keeps |β| but breaks Xβ = y.
    let opt = min_l1(&t, Sign::Signed).unwrap();
    let (mut beta, nu) = lp_pair(&opt);
    let k = beta.iter().position(|b| *b != 0).unwrap();
    beta[k] = Rational::from(-&beta[k]);
    assert!(!check_lp_certificate(&t, &ones, Sign::Signed, &beta, &nu).valid);
    // Wrong weights: the ℓ1 pair is no certificate for the trace LP.
    let (beta, nu) = lp_pair(&min_l1(&t, Sign::Nonnegative).unwrap());
    assert!(!check_lp_certificate(&t, &column_norms_sq(&t), Sign::Nonnegative, &beta, &nu).valid);
}

#[test]
fn perturbed_sdp_optimum_is_rejected() {
    for sign in [Sign::Nonnegative, Sign::Signed] {
        let t = canonical_multi();
        let opt = min_sharpness_sdp(&t, sign).unwrap();
        let Witness::Sdp(p) = &opt.witness else { panic!("not an SDP witness") };
        assert!(check_sdp_certificate(&t, sign, p).valid);
        // β moved by 1e-4 along a coordinate: Xβ ≠ y.
        let mut q = p.clone();
        let k = q.beta.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        q.beta[k] += 1e-4;
        if sign == Sign::Nonnegative {
            q.w[k] += 1e-4;
        }
        let c = check_sdp_certificate(&t, sign, &q);
        assert!(!c.valid && c.infeasibility > 1e-6, "{c:?}");
        // Dual scaled by 1 + 1e-4: the gap turns to −1e-4.
        let mut q = p.clone();
        q.nu.iter_mut().for_each(|v| *v *= 1.0 + 1e-4);
        let c = check_sdp_certificate(&t, sign, &q);
        assert!(!c.valid && c.gap < -1e-5, "{c:?}");
        // t lowered by 1e-4 relative: the slack matrix is no longer PSD.
        let mut q = p.clone();
        q.t *= 1.0 - 1e-4;
        let c = check_sdp_certificate(&t, sign, &q);
        assert!(!c.valid && c.infeasibility > 1e-6, "{c:?}");
        // Z made indefinite: subtract 1e-4·I and renormalize the trace.
        let mut q = p.clone();
        let n = t.n();
        let shift = q.z.iter().step_by(n + 1).copied().fold(f64::INFINITY, f64::min) + 1e-4;
        for i in 0..n {
            q.z[i * n + i] -= shift;
        }
        let tr: f64 = (0..n).map(|i| q.z[i * n + i]).sum();
        q.z.iter_mut().for_each(|v| *v /= tr);
        let c = check_sdp_certificate(&t, sign, &q);
        assert!(!c.valid && c.dual_infeasibility > 1e-6, "{c:?}");
    }
}

#[test]
fn min_l2_is_exact() {
    for t in [canonical_four(), canonical_multi(), random_positive(3, 20, 50), trace_vs_lambda_task()] {
        let opt = min_l2(&t).unwrap();
        let Witness::L2 { beta, lambda } = &opt.witness else { panic!("not an L2 witness") };
        for (row, y) in t.x.iter().zip(&t.y) {
            let v = row.iter().zip(beta).fold(Rational::new(), |a, (x, b)| a + Rational::from(x * b));
            assert_eq!(&v, y, "{}", t.name);
        }
        for (j, b) in beta.iter().enumerate() {
            let v = t.x.iter().zip(lambda).fold(Rational::new(), |a, (row, l)| a + Rational::from(&row[j] * l));
            assert_eq!(&v, b, "{}", t.name);
        }
        assert!(opt.certificate.valid && opt.certificate.gap == 0.0);
    }
    // x = (1, 2, 3, 4), y = 1: β = x/‖x‖² = x/30.
    let opt = min_l2(&canonical_four()).unwrap();
    let Witness::L2 { beta, .. } = &opt.witness else { unreachable!() };
    assert_eq!(beta, &(1..=4).map(|i| Rational::from((i, 30))).collect::<Vec<_>>());
    // Dependent rows: XXᵀ singular.
    let q = |a: i64| Rational::from(a);
    let t = Task::new("dependent", vec![vec![q(1), q(2)], vec![q(2), q(4)]], vec![q(1), q(2)], None, Rational::new()).unwrap();
    let err = min_l2(&t).unwrap_err().to_string();
    assert!(err.contains("singular"), "{err}");
}

#[test]
fn one_sample_optima_are_the_closed_forms() {
    let t = canonical_four();
    let l1 = min_l1(&t, Sign::Nonnegative).unwrap();
    assert_eq!(l1.beta, vec![0.0, 0.0, 0.0, 0.25]);
    let sdp = min_sharpness_sdp(&t, Sign::Nonnegative).unwrap();
    assert!((sdp.beta[0] - 1.0).abs() < 1e-7 && sdp.beta[1..].iter().all(|b| b.abs() < 1e-7), "{:?}", sdp.beta);
    assert!((sdp.objective - 1.0).abs() < 1e-7);
    let f = predict_fields(&t, Sign::Nonnegative);
    assert!((f["sharpness_min"].as_f64().unwrap() - 4.0).abs() < 1e-6, "{f:?}");
    for k in ["l1_min", "l2_min", "trace_sharp_min", "sharp_min"] {
        assert_eq!(f["certificates"][k]["valid"], serde_json::json!(true), "{k}: {f:?}");
    }
}

#[test]
fn trace_and_lambda_minimizers_differ_on_the_proof_example() {
    let t = trace_vs_lambda_task();
    let tr = min_trace_sharpness(&t, Sign::Nonnegative).unwrap();
    let (beta, _) = lp_pair(&tr);
    assert_eq!(beta, vec![Rational::new(), Rational::new(), Rational::from((4, 3))]);
    assert_eq!(tr.objective, 1.5);
    let sdp = min_sharpness_sdp(&t, Sign::Nonnegative).unwrap();
    let expect = [1.0, 1.0, 0.0];
    assert!(sdp.beta.iter().zip(expect).all(|(a, b)| (a - b).abs() < 1e-7), "{:?}", sdp.beta);
    assert!((sdp.objective - 1.0).abs() < 1e-7);
}

// ---------------------------------------------------------------------------------------
// Certificates on seeded task families

/// The three families of the certificate test: positive SW designs, signed Gaussian designs
/// (centred, ±1 teacher) and non-centred Gaussian designs (feature means 5), n from 2 to 40.
#[derive(Debug, Clone, Copy)]
enum Family {
    Positive,
    Gaussian,
    NonCentred,
}

/// Task `i` (0 ≤ i < 100) of a family: n = 2 + (i mod 39), d = n + 1 + (7i mod (n + 10)),
/// sparsity k = min(3, d), noiseless labels for even i and label noise 0.1 for odd i.
fn family_task(f: Family, i: u64) -> Task {
    let n = 2 + (i % 39) as usize;
    let d = n + 1 + (7 * i as usize) % (n + 10);
    let noise = if i % 2 == 0 { 0.0 } else { 0.1 };
    match f {
        Family::Positive => random_positive(1000 + i, n, d),
        Family::Gaussian => normsharp::problem::tasks::gaussian(2000 + i, n, d, 3.min(d), 0.0, noise),
        Family::NonCentred => normsharp::problem::tasks::gaussian(3000 + i, n, d, 3.min(d), 5.0, noise),
    }
}

/// The LP optima `normsharp predict` prints for a task (min ℓ1 and min trace sharpness) at a
/// sign: each is either an error (no interpolator of that sign) or carries a valid certificate.
/// With `with_sdp`, also the min-λ_max interpolator (the SDP, certified by its dual point).
fn certificate_failures(t: &Task, sign: Sign, with_sdp: bool) -> Vec<String> {
    let mut optima = vec![("ℓ1", min_l1(t, sign)), ("trace", min_trace_sharpness(t, sign))];
    if with_sdp {
        optima = vec![("λ_max", min_sharpness_sdp(t, sign))];
    }
    let mut bad = Vec::new();
    for (what, r) in optima {
        match r {
            Ok(c) if c.certificate.valid => {}
            Ok(c) => bad.push(format!("{} {sign:?} {what}: {:?}", t.name, c.certificate)),
            // An infeasible sign class is an error, not a printed certificate; any other
            // error is a failure.
            Err(e) if sign == Sign::Nonnegative && e.to_string().contains("no interpolator") => {}
            Err(e) => bad.push(format!("{} {sign:?} {what}: error {e}", t.name)),
        }
    }
    bad
}

#[test]
fn lp_certificates_are_valid_on_three_seeded_families_of_a_hundred_tasks() {
    certificates_valid_on_families(false);
}

#[test]
fn sdp_certificates_are_valid_on_three_seeded_families_of_a_hundred_tasks() {
    certificates_valid_on_families(true);
}

fn certificates_valid_on_families(with_sdp: bool) {
    use rayon::prelude::*;
    let mut jobs = Vec::new();
    for f in [Family::Positive, Family::Gaussian, Family::NonCentred] {
        for i in 0..100 {
            jobs.push((f, i));
        }
    }
    let failures: Vec<String> = jobs
        .par_iter()
        .flat_map_iter(|&(f, i)| {
            let t = family_task(f, i);
            [Sign::Nonnegative, Sign::Signed].into_iter().flat_map(|s| certificate_failures(&t, s, with_sdp)).collect::<Vec<_>>()
        })
        .collect();
    assert!(failures.is_empty(), "{} invalid certificates (SDP: {with_sdp}):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn lp_optima_at_n80_d200_come_from_the_dual_simplex_basis() {
    // The fast path: the f64 dual simplex's optimal basis, solved exactly and certified
    // (clarabel only as the fallback).
    let t = random_positive(1, 80, 200);
    for sign in [Sign::Nonnegative, Sign::Signed] {
        for (what, opt) in [("ℓ1", min_l1(&t, sign).unwrap()), ("trace", min_trace_sharpness(&t, sign).unwrap())] {
            let c = &opt.certificate;
            eprintln!("{what} {sign:?}: {}", c.note);
            assert!(c.valid && c.gap == 0.0 && c.infeasibility == 0.0 && c.dual_infeasibility == 0.0, "{what} {sign:?}: {c:?}");
            assert!(c.note.contains("dual simplex"), "{what} {sign:?}: {}", c.note);
        }
    }
}

/// The trace LP's weights ‖X_{:,j}‖² (integer arithmetic over one common denominator) equal
/// the naive rational sums, exactly: on random tasks (i128 path), on rows with coprime
/// denominators, and on entries too large for i64 (the GMP path).
#[test]
fn column_norms_sq_equal_the_rational_sums() {
    let naive = |t: &Task| -> Vec<Rational> {
        (0..t.d()).map(|j| t.x.iter().fold(Rational::new(), |acc, row| acc + Rational::from(&row[j] * &row[j]))).collect()
    };
    let mut tasks: Vec<Task> = (1..=5).map(|s| random_positive(s, 7, 11)).collect();
    let r = |a: i64, b: i64| Rational::from((a, b));
    let rows = vec![vec![r(1, 3), r(-2, 7), r(5, 11)], vec![r(4, 9), r(1, 1), r(-3, 13)]];
    tasks.push(Task::new("coprime", rows, vec![r(1, 1), r(2, 1)], None, Rational::new()).unwrap());
    let huge = Rational::from((rug::Integer::from(3).pow(45), rug::Integer::from(7).pow(30)));
    let rows = vec![vec![huge.clone(), r(1, 2)], vec![r(-1, 5), Rational::from(-&huge)]];
    tasks.push(Task::new("huge", rows, vec![r(1, 1), r(1, 1)], None, Rational::new()).unwrap());
    for t in &tasks {
        assert_eq!(column_norms_sq(t), naive(t), "task {}", t.name);
    }
}
