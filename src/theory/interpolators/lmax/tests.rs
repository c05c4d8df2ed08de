use super::checker::{certify, Cert};
use super::{solve, LmaxProblem, LmaxSolution};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TOL: f64 = 1e-10;
const CHECK: f64 = 1e-8;

fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn run(x: &[f64], n: usize, d: usize, y: &[f64], signed: bool) -> (LmaxSolution, Cert) {
    let p = LmaxProblem { x, n, d, y, signed };
    let s = solve(&p, TOL, 200).unwrap_or_else(|e| panic!("n={n} d={d} signed={signed}: {e}"));
    let c = certify(x, n, d, y, signed, &s.beta, &s.w, &s.nu, &s.z);
    (s, c)
}

fn assert_cert(tag: &str, s: &LmaxSolution, c: &Cert) {
    assert!(s.converged, "{tag}: not converged");
    assert!(c.worst() <= CHECK, "{tag}: certificate {c:?}");
    assert!((s.t - c.lmax).abs() <= 1e-9 * c.lmax.abs().max(1.0), "{tag}: t {} vs λ_max {}", s.t, c.lmax);
    assert!((s.dual_objective - c.dobj).abs() <= 1e-9 * c.dobj.abs().max(1.0), "{tag}");
}

#[test]
fn positive_designs_nonnegative() {
    let mut rng = ChaCha8Rng::seed_from_u64(20240501);
    let mut worst = Cert::default();
    let mut iters = 0;
    for task in 0..40 {
        let n = rng.gen_range(1..=20);
        let d = rng.gen_range(n + 1..=3 * n);
        let x: Vec<f64> = (0..n * d).map(|_| rng.gen_range(0.1..10.0)).collect();
        let b0: Vec<f64> = (0..d).map(|_| if rng.gen_bool(0.5) { rng.gen_range(0.0..2.0) } else { 0.0 }).collect();
        let y: Vec<f64> = (0..n).map(|i| (0..d).map(|j| x[i * d + j] * b0[j]).sum()).collect();
        if y.iter().all(|&v| v == 0.0) {
            continue;
        }
        let (s, c) = run(&x, n, d, &y, false);
        assert_cert(&format!("task {task} n={n} d={d}"), &s, &c);
        // β₀ is feasible, so t* ≤ λ_max(X diag β₀ Xᵀ)
        let c0 = certify(&x, n, d, &y, false, &b0, &b0, &s.nu, &s.z);
        assert!(s.t <= c0.lmax * (1.0 + 1e-9), "task {task}: t {} > feasible {}", s.t, c0.lmax);
        worst = worst_of(worst, c);
        iters = iters.max(s.iterations);
    }
    eprintln!("positive/nonnegative worst: {worst:?}, max iterations {iters}");
}

#[test]
fn gaussian_designs_signed() {
    let mut rng = ChaCha8Rng::seed_from_u64(777);
    let mut worst = Cert::default();
    let mut iters = 0;
    for task in 0..40 {
        let n = rng.gen_range(1..=40);
        let d = rng.gen_range(n + 1..=2 * n + 10);
        let x: Vec<f64> = (0..n * d).map(|_| gauss(&mut rng)).collect();
        let y: Vec<f64> = (0..n).map(|_| gauss(&mut rng)).collect();
        let (s, c) = run(&x, n, d, &y, true);
        assert_cert(&format!("task {task} n={n} d={d}"), &s, &c);
        worst = worst_of(worst, c);
        iters = iters.max(s.iterations);
    }
    eprintln!("gaussian/signed worst: {worst:?}, max iterations {iters}");
}

fn worst_of(a: Cert, c: Cert) -> Cert {
    Cert {
        primal_res: a.primal_res.max(c.primal_res),
        sign_viol: a.sign_viol.max(c.sign_viol),
        z_neg: a.z_neg.max(c.z_neg),
        trace_err: a.trace_err.max(c.trace_err),
        dual_viol: a.dual_viol.max(c.dual_viol),
        gap: if c.gap.abs() > a.gap.abs() { c.gap } else { a.gap },
        lmax: 0.0,
        dobj: 0.0,
    }
}

#[test]
fn one_sample_known_answer() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..10 {
        let d = rng.gen_range(2..=12);
        let x: Vec<f64> = (0..d).map(|_| rng.gen_range(0.1..10.0)).collect();
        let y = [rng.gen_range(0.5..5.0)];
        let (s, c) = run(&x, 1, d, &y, false);
        assert_cert("n=1", &s, &c);
        let (jmin, xmin) = x.iter().enumerate().fold((0, f64::INFINITY), |a, (j, &v)| if v < a.1 { (j, v) } else { a });
        let tstar = xmin * y[0];
        assert!((s.t - tstar).abs() <= 1e-8 * tstar, "t {} vs {}", s.t, tstar);
        for j in 0..d {
            let bj = if j == jmin { y[0] / xmin } else { 0.0 };
            assert!((s.beta[j] - bj).abs() <= 1e-6 * (y[0] / xmin), "β[{j}] = {} vs {}", s.beta[j], bj);
        }
    }
}

#[test]
fn two_by_three_known_answer() {
    let x = [1.0, 0.0, 0.75, 0.0, 1.0, 0.75];
    let y = [1.0, 1.0];
    let (s, c) = run(&x, 2, 3, &y, false);
    assert_cert("2x3", &s, &c);
    assert!((s.t - 1.0).abs() <= 1e-8, "t = {}", s.t);
    for (b, e) in s.beta.iter().zip([1.0, 1.0, 0.0]) {
        assert!((b - e).abs() <= 1e-6, "β = {:?}", s.beta);
    }
}

#[test]
fn signed_matches_nonnegative_on_positive_solution_structure() {
    // Signed problem on [X] equals the nonnegative problem on [X, −X].
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let (n, d) = (6, 10);
    let x: Vec<f64> = (0..n * d).map(|_| gauss(&mut rng)).collect();
    let y: Vec<f64> = (0..n).map(|_| gauss(&mut rng)).collect();
    let (s1, _) = run(&x, n, d, &y, true);
    let mut x2 = vec![0.0; n * 2 * d];
    for i in 0..n {
        for j in 0..d {
            x2[i * 2 * d + j] = x[i * d + j];
            x2[i * 2 * d + d + j] = -x[i * d + j];
        }
    }
    let (s2, c2) = run(&x2, n, 2 * d, &y, false);
    assert_cert("doubled", &s2, &c2);
    assert!((s1.t - s2.t).abs() <= 1e-8 * s1.t, "{} vs {}", s1.t, s2.t);
}

#[test]
fn errors_are_reported() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let y = [1.0, 2.0];
    let bad = |x: &[f64], n, d, y: &[f64], signed| solve(&LmaxProblem { x, n, d, y, signed }, TOL, 100);
    assert!(bad(&x, 2, 2, &y, false).is_err());
    assert!(bad(&x, 2, 3, &y[..1], false).is_err());
    assert!(bad(&x, 0, 3, &[], false).is_err());
    assert!(bad(&[1.0, f64::NAN, 3.0, 4.0, 5.0, 6.0], 2, 3, &y, false).is_err());
    assert!(bad(&x, 2, 3, &[1.0, f64::INFINITY], true).is_err());
    assert!(solve(&LmaxProblem { x: &x, n: 2, d: 3, y: &y, signed: false }, f64::NAN, 100).is_err());
    // infeasible nonnegative: positive design, negative target
    let e = bad(&x, 2, 3, &[1.0, -1.0], false).unwrap_err();
    assert!(e.contains("infeasible"), "{e}");
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..5 {
        let (n, d) = (4, 9);
        let xp: Vec<f64> = (0..n * d).map(|_| rng.gen_range(0.1..10.0)).collect();
        let mut yp: Vec<f64> = (0..n).map(|_| rng.gen_range(0.1..10.0)).collect();
        yp[2] = -1.0;
        let e = bad(&xp, n, d, &yp, false).unwrap_err();
        assert!(e.contains("infeasible"), "{e}");
    }
    // infeasible signed: rank-one design, y outside its range
    let xr = [1.0, 2.0, -1.0, 2.0, 4.0, -2.0];
    let e = bad(&xr, 2, 3, &[1.0, 0.0], true).unwrap_err();
    assert!(e.contains("infeasible"), "{e}");
    // rank-deficient but consistent signed problem still solves
    let (s, c) = run(&xr, 2, 3, &[1.0, 2.0], true);
    assert_cert("rank-deficient", &s, &c);
    // non-convergence within max_iter
    let e = solve(&LmaxProblem { x: &x, n: 2, d: 3, y: &y, signed: true }, TOL, 2).unwrap_err();
    assert!(e.contains("did not converge"), "{e}");
}

#[test]
fn more_samples_than_columns_and_zero_rows() {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    // n > d, consistent nonnegative system (X has full column rank, XXᵀ singular)
    let (n, d) = (6, 3);
    let x: Vec<f64> = (0..n * d).map(|_| rng.gen_range(0.1..10.0)).collect();
    let b0 = [0.5, 0.0, 1.5];
    let y: Vec<f64> = (0..n).map(|i| (0..d).map(|j| x[i * d + j] * b0[j]).sum()).collect();
    let (s, c) = run(&x, n, d, &y, false);
    assert_cert("n > d", &s, &c);
    for j in 0..d {
        assert!((s.beta[j] - b0[j]).abs() <= 1e-7, "β = {:?}", s.beta);
    }
    // a zero row of X with a nonzero target entry is infeasible (signed case)
    let mut x: Vec<f64> = (0..3 * 5).map(|_| gauss(&mut rng)).collect();
    for j in 0..5 {
        x[5 + j] = 0.0;
    }
    let e = solve(&LmaxProblem { x: &x, n: 3, d: 5, y: &[1.0, 1.0, 1.0], signed: true }, TOL, 200).unwrap_err();
    assert!(e.contains("infeasible"), "{e}");
    // … and feasible when that entry is zero
    let (s, c) = run(&x, 3, 5, &[1.0, 0.0, -2.0], true);
    assert_cert("zero row", &s, &c);
}

#[test]
fn degenerate_inputs() {
    // y = 0 ⇒ β = 0, t = 0
    let x = [1.0, 2.0, 3.0, 4.0];
    let s = solve(&LmaxProblem { x: &x, n: 2, d: 2, y: &[0.0, 0.0], signed: true }, TOL, 50).unwrap();
    assert_eq!(s.t, 0.0);
    assert!(s.beta.iter().all(|&b| b == 0.0));
    // zero column is ignored
    let x = [1.0, 0.0, 0.5, 0.0, 0.0, 1.0, 0.5, 0.0];
    let (s, c) = run(&x, 2, 4, &[1.0, 1.0], false);
    assert_cert("zero column", &s, &c);
    assert_eq!(s.beta[3], 0.0);
}

#[test]
fn deterministic() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (n, d) = (15, 30);
    let x: Vec<f64> = (0..n * d).map(|_| gauss(&mut rng)).collect();
    let y: Vec<f64> = (0..n).map(|_| gauss(&mut rng)).collect();
    let p = LmaxProblem { x: &x, n, d, y: &y, signed: true };
    let a = solve(&p, TOL, 200).unwrap();
    let b = solve(&p, TOL, 200).unwrap();
    let bits = |s: &LmaxSolution| {
        let mut v: Vec<u64> = s.beta.iter().chain(&s.w).chain(&s.nu).chain(&s.z).map(|f| f.to_bits()).collect();
        v.push(s.t.to_bits());
        v
    };
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(a.iterations, b.iterations);
}
