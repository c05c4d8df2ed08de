//! Double-double and quad-double arithmetic against MPFR: the error-free transformations
//! exactly, each operation to its QD-library error bound, and whole GD runs (thousands of
//! steps, seeded tasks, three parametrizations) against MPFR at 400 bits.

use normsharp::dynamics::{run_gd, GdConfig, NoObserver, Problem};
use normsharp::numeric::dd::{quick_two_sum, two_prod, two_sum, Dd};
use normsharp::numeric::qd::Qd;
use normsharp::numeric::real::Real;
use normsharp::problem::model::{AnyModel, Parametrization};
use normsharp::problem::task::Task;
use normsharp::problem::tasks::{canonical_four, random_positive};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::{Float, Rational};

/// Reference precision (bits): 188 bits beyond quad-double, so the reference's own error
/// is negligible in every comparison below.
const REF: u32 = 400;

fn q(v: f64) -> Rational {
    Rational::from_f64(v).unwrap()
}

/// A random f64 with a random sign and a binary exponent in [-60, 60].
fn random_f64(rng: &mut ChaCha8Rng) -> f64 {
    let m: f64 = rng.gen_range(1.0..2.0);
    let e: i32 = rng.gen_range(-60..=60);
    if rng.gen_bool(0.5) {
        -m * 2f64.powi(e)
    } else {
        m * 2f64.powi(e)
    }
}

#[test]
fn error_free_transformations_are_exact() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for _ in 0..100_000 {
        let (a, b) = (random_f64(&mut rng), random_f64(&mut rng));
        let (s, e) = two_sum(a, b);
        assert_eq!(s, a + b, "two_sum's s is fl(a + b)");
        assert_eq!(q(s) + q(e), q(a) + q(b), "two_sum({a:e}, {b:e})");
        let (p, e) = two_prod(a, b);
        assert_eq!(p, a * b);
        assert_eq!(q(p) + q(e), q(a) * q(b), "two_prod({a:e}, {b:e})");
        let (big, small) = if a.abs() >= b.abs() { (a, b) } else { (b, a) };
        let (s, e) = quick_two_sum(big, small);
        assert_eq!(q(s) + q(e), q(a) + q(b), "quick_two_sum({big:e}, {small:e})");
    }
}

/// A random value with `k` f64 components (a full-precision multi-component number).
fn random_exact(rng: &mut ChaCha8Rng, bits: u32) -> Rational {
    let x = random_f64(rng);
    let mut v = q(x);
    let mut scale = x.abs();
    for _ in 0..bits / 50 {
        scale *= 2f64.powi(-50);
        v += q(rng.gen_range(-1.0..1.0) * scale);
    }
    v
}

fn rel_err(value: &Rational, exact: &Float) -> f64 {
    let v = Float::with_val(REF, value);
    let diff = Float::with_val(REF, &v - exact);
    (diff / exact.clone().abs()).to_f64().abs()
}

/// Each operation against MPFR at 400 bits on 20 000 random operands. Bound: c·ε with ε the
/// QD library's epsilon of the type (2⁻¹⁰⁴, 2⁻²⁰⁹) and c = 4 for × ÷ √ (relative error) and
/// for + − (normwise: relative to |a| + |b|, the bound of QD's quad-double add) (the QD
/// paper's bounds are ≤ 2–3ε; one ε of slack for the rounding of the inputs), c = 16·(1+|x|)
/// for eˣ (condition number |x|, ~20 operations in the series) and c = 16 for ln
/// (absolute error; ln's absolute condition number is 1).
fn check_ops<T: Real<Ctx = ()> + Copy>(eps: f64, bits: u32, to_q: impl Fn(&T) -> Rational) {
    let mut rng = ChaCha8Rng::seed_from_u64(u64::from(bits));
    let mut worst = [0.0f64; 7];
    for _ in 0..20_000 {
        let (qa, qb) = (random_exact(&mut rng, bits), random_exact(&mut rng, bits));
        let (a, b) = (T::from_rational(&qa, ()), T::from_rational(&qb, ()));
        let (fa, fb) = (Float::with_val(REF, &to_q(&a)), Float::with_val(REF, &to_q(&b)));
        let cases: [(T, Float); 4] = [
            (a + &b, Float::with_val(REF, &fa + &fb)),
            (a - &b, Float::with_val(REF, &fa - &fb)),
            (a * &b, Float::with_val(REF, &fa * &fb)),
            (a / &b, Float::with_val(REF, &fa / &fb)),
        ];
        let norm = Float::with_val(REF, fa.clone().abs() + fb.clone().abs());
        for (k, (got, exact)) in cases.iter().enumerate() {
            if *exact != 0 {
                // + and −: normwise (relative to |a| + |b|); × and ÷: relative.
                let scale = if k < 2 { &norm } else { exact };
                worst[k] = worst[k].max(rel_err(&to_q(got), exact) * (exact.clone().abs() / scale).to_f64());
            }
        }
        let abs = a.abs();
        worst[4] = worst[4].max(rel_err(&to_q(&abs.sqrt()), &Float::with_val(REF, fa.clone().abs().sqrt())));
        let x = T::from_f64(a.to_f64().clamp(-700.0, 700.0) / 8.0, ());
        let fx = Float::with_val(REF, &to_q(&x));
        worst[5] = worst[5].max(rel_err(&to_q(&x.exp()), &fx.clone().exp()) / (1.0 + x.to_f64().abs()));
        let ln_exact = Float::with_val(REF, fa.clone().abs().ln());
        let ln_err = Float::with_val(REF, Float::with_val(REF, &to_q(&abs.ln())) - &ln_exact).to_f64().abs();
        worst[6] = worst[6].max(ln_err / ln_exact.to_f64().abs().max(1.0));
    }
    let bounds = [4.0, 4.0, 4.0, 4.0, 4.0, 16.0, 16.0];
    for (k, name) in ["add", "sub", "mul", "div", "sqrt", "exp", "ln"].iter().enumerate() {
        eprintln!("{bits} bits {name}: worst error {:.2}ε (bound {}ε)", worst[k] / eps, bounds[k]);
        assert!(worst[k] <= bounds[k] * eps, "{name} at {bits} bits: {:.3e} > {}ε", worst[k], bounds[k]);
    }
}

#[test]
fn double_double_operations_against_mpfr() {
    check_ops::<Dd>(2f64.powi(-104), 106, |v| v.to_rational().unwrap());
}

#[test]
fn quad_double_operations_against_mpfr() {
    check_ops::<Qd>(2f64.powi(-209), 212, |v| v.to_rational().unwrap());
}

#[test]
fn conversions_round_trip() {
    let third = Rational::from((1, 3));
    let d = <Dd as Real>::from_rational(&third, ());
    assert!(rel_err(&d.to_rational().unwrap(), &Float::with_val(REF, &third)) <= 2f64.powi(-105));
    let qd = <Qd as Real>::from_rational(&third, ());
    assert!(rel_err(&qd.to_rational().unwrap(), &Float::with_val(REF, &third)) <= 2f64.powi(-210));
    assert!(d.to_decimal(None).starts_with("3.33333333333333333333333333333"));
    assert!(qd.to_decimal(None).starts_with("3.3333333333333333333333333333333333333333333333333333333333333"));
    assert!(!<Dd as Real>::from_f64(f64::NAN, ()).is_finite());
}

/// Largest |θ_i − θ_ref,i| relative to max |θ_ref,i|.
fn theta_err(theta: &[Rational], reference: &[Float]) -> f64 {
    let scale = reference.iter().map(|r| r.to_f64().abs()).fold(0.0, f64::max);
    theta.iter().zip(reference).map(|(t, r)| Float::with_val(REF, Float::with_val(REF, t) - r).to_f64().abs()).fold(0.0, f64::max) / scale
}

fn final_theta<T: Real>(model: &AnyModel, task: &Task, eta: &Rational, steps: u64, ctx: T::Ctx) -> Vec<T> {
    let design = task.design::<T>(ctx);
    let problem = Problem::new(model, &design);
    let mut cfg = GdConfig::exact_steps(T::from_rational(eta, ctx), steps, 0.0);
    cfg.blowup = f64::INFINITY;
    run_gd(&problem, &T::from_ratio(1, 10, ctx), &cfg, &mut NoObserver).theta
}

/// GD in f64, double-double and quad-double against MPFR at 400 bits, 4000 steps, on seeded
/// tasks and three parametrizations, at η = 1/(4·λ_max(XᵀX/n)·max(1, ‖β_GF‖∞)) scaled down
/// by 10 (a stable, non-trivial run).
///
/// Tolerance: the error of a run is linear in the unit roundoff u while it is small, with a
/// run-dependent amplification A (how the N steps' rounding errors propagate). A is measured
/// on the same run in f64: A = max(err_f64/2⁻⁵³, √N) (√N: the random-walk size of N
/// independent roundings, a floor when the f64 error is accidentally small). The dd and qd
/// runs do the same operations with unit roundoff ε (2⁻¹⁰⁴, 2⁻²⁰⁹) and per-operation
/// constants ≤ 4 (checked above), so tol = 4·4·A·ε: one factor 4 for the operation
/// constants, one for the statistical spread between two rounding patterns.
#[test]
fn gd_in_dd_and_qd_agrees_with_mpfr_400() {
    let steps = 4000u64;
    let mut tasks = vec![canonical_four()];
    tasks.extend((1..=3).map(|s| random_positive(s, 3 + s as usize, 6 + 3 * s as usize)));
    let models = [AnyModel::Sw, AnyModel::Pm, AnyModel::Uv];
    let floor = (steps as f64).sqrt();
    let (mut worst_dd, mut worst_qd) = (0.0f64, 0.0f64);
    for task in &tasks {
        let d64 = task.design::<f64>(());
        let gram_norm: f64 = d64.x.iter().map(|v| v * v).sum::<f64>() / d64.n as f64; // ≥ λ_max(XᵀX/n)
        let ymax = d64.y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let eta = Rational::from_f64(0.1 / (4.0 * gram_norm * ymax.max(1.0))).unwrap();
        for model in &models {
            let reference = final_theta::<Float>(model, task, &eta, steps, REF);
            let e64 = theta_err(&final_theta::<f64>(model, task, &eta, steps, ()).iter().map(|v| q(*v)).collect::<Vec<_>>(), &reference);
            let amp = (e64 / 2f64.powi(-53)).max(floor);
            let edd = theta_err(
                &final_theta::<Dd>(model, task, &eta, steps, ()).iter().map(|v| v.to_rational().unwrap()).collect::<Vec<_>>(),
                &reference,
            );
            let eqd = theta_err(
                &final_theta::<Qd>(model, task, &eta, steps, ()).iter().map(|v| v.to_rational().unwrap()).collect::<Vec<_>>(),
                &reference,
            );
            let (tol_dd, tol_qd) = (16.0 * amp * 2f64.powi(-104), 16.0 * amp * 2f64.powi(-209));
            eprintln!(
                "{} {}: f64 {e64:.2e} (A = {amp:.0}), dd 2^{:.1} (tol 2^{:.1}), qd 2^{:.1} (tol 2^{:.1})",
                task.name,
                model.name(),
                edd.log2(),
                tol_dd.log2(),
                eqd.log2(),
                tol_qd.log2()
            );
            assert!(edd <= tol_dd, "dd on {} {}: {edd:e} > {tol_dd:e}", task.name, model.name());
            assert!(eqd <= tol_qd, "qd on {} {}: {eqd:e} > {tol_qd:e}", task.name, model.name());
            worst_dd = worst_dd.max(edd);
            worst_qd = worst_qd.max(eqd);
        }
    }
    eprintln!("worst: dd 2^{:.1}, qd 2^{:.1}", worst_dd.log2(), worst_qd.log2());
}

/// The f64 step (column-major residual pass, AVX2 dispatch, loss-only divergence test) gives
/// the same bits as the plain loop it replaced: β = w², r_i = (Σ_j x_ij β_j, in j order) − y_i,
/// g_j = (Σ_i x_ij r_i, in i order)/n, w ← w − (w·2η)·g, on seeded tasks below faer's
/// threshold (above it the same faer call as before is made).
#[test]
fn f64_gd_is_bit_identical_to_the_plain_loop() {
    for (seed, n, d) in [(1u64, 1usize, 4usize), (2, 5, 12), (3, 20, 50), (4, 30, 100)] {
        let task = if seed == 1 { canonical_four() } else { random_positive(seed, n, d) };
        let design = task.design::<f64>(());
        let eta = 0.01 / design.x.iter().map(|v| v * v).sum::<f64>();
        let steps = 3000u64;
        let got = run_gd(&Problem::new(&AnyModel::Sw, &design), &0.1, &GdConfig::exact_steps(eta, steps, 0.0), &mut NoObserver).theta;
        let mut w = vec![0.1f64; d];
        let (mut beta, mut r, mut g) = (vec![0.0; d], vec![0.0; n], vec![0.0; d]);
        for _ in 0..steps {
            for j in 0..d {
                beta[j] = w[j] * w[j];
            }
            for i in 0..n {
                r[i] = design.x[i * d..(i + 1) * d].iter().zip(&beta).fold(0.0, |acc, (x, b)| acc + x * b) - design.y[i];
            }
            g.fill(0.0);
            for i in 0..n {
                for j in 0..d {
                    g[j] += design.x[i * d + j] * r[i];
                }
            }
            let two_eta = eta + eta;
            for j in 0..d {
                g[j] /= n as f64;
                let t = w[j] * two_eta * g[j];
                w[j] -= t;
            }
        }
        assert_eq!(
            got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            w.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "n = {n}, d = {d}"
        );
    }
}

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn run_takes_every_arithmetic_and_names_bad_flags() {
    let dir = std::env::temp_dir().join(format!("normsharp-arith-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let task = dir.join("task.toml");
    std::fs::write(&task, "X = [[1, 2, 3, 4]]\ny = [1]\n").unwrap();
    let t = task.to_str().unwrap();
    let base = ["run", "--task", t, "--alpha", "0.1", "--eta", "0.01", "--steps", "500", "--json"];
    let mut betas = Vec::new();
    for extra in
        [&["--arithmetic", "f64"][..], &["--arithmetic", "dd"], &["--arithmetic", "qd"], &["--arithmetic", "mpfr", "--precision", "256"]]
    {
        let (code, out, err) = cli(&[&base[..], extra].concat());
        assert_eq!(code, Some(0), "{extra:?}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        betas.push(v["beta"].as_array().unwrap().iter().map(|b| b.as_f64().unwrap()).collect::<Vec<_>>());
        if extra[1] == "dd" || extra[1] == "qd" {
            assert_eq!(v["arithmetic"], extra[1]);
            assert!(v["beta_digits"].is_array());
        }
    }
    for b in &betas[1..] {
        for (x, y) in b.iter().zip(&betas[0]) {
            assert!((x - y).abs() <= 1e-12 * y.abs(), "{b:?} vs f64 {:?}", betas[0]);
        }
    }
    for (bad, flag) in [
        (&["--arithmetic", "f32"][..], "--arithmetic"),
        (&["--arithmetic", "mpfr"], "--precision"),
        (&["--arithmetic", "qd", "--precision", "256"], "--precision"),
    ] {
        let (code, _, err) = cli(&[&base[..], bad].concat());
        assert_eq!(code, Some(2), "{bad:?}: {err}");
        assert!(err.contains(flag), "{bad:?}: {err}");
    }
}

/// `sweep --arithmetic dd|qd`: every run is done in that arithmetic. On a stable grid the
/// outcomes and step counts agree with f64 and the final sharpness to 1e-9 relative (the f64
/// run's rounding, amplified by at most the step count); the JSON carries the arithmetic.
#[test]
fn sweeps_run_in_double_double_and_quad_double() {
    use normsharp::experiments::sweep::{grid, run_sweep, Spacing, SweepArithmetic, SweepConfig};
    let task = canonical_four();
    let etas = grid(0.02, 0.12, 6, Spacing::Linear).unwrap();
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 10)));
    let base = run_sweep(&task, &etas, &cfg).unwrap();
    assert!(base.to_json().get("arithmetic").is_none(), "f64 sweeps keep their JSON");
    for a in [SweepArithmetic::Dd, SweepArithmetic::Qd] {
        cfg.arithmetic = a;
        let s = run_sweep(&task, &etas, &cfg).unwrap();
        assert_eq!(s.to_json()["arithmetic"], serde_json::json!(if a == SweepArithmetic::Dd { "dd" } else { "qd" }));
        for (r, b) in s.rows.iter().zip(&base.rows) {
            assert_eq!((r.outcome, r.steps), (b.outcome, b.steps), "η = {}", r.eta);
            let (x, y) = (r.sharpness.unwrap(), b.sharpness.unwrap());
            assert!((x - y).abs() <= 1e-9 * y, "η = {}: {x} vs {y}", r.eta);
        }
    }
}

/// `Σ_i a_ij·v_i` of the f64-matrix kernels (numeric::mixed_dot) against MPFR at 1024 bits on
/// adversarial inputs: entries with binary exponents in [−60, 60] and random signs, rows in
/// cancelling pairs (row m + i = −row i, v the same plus a tiny perturbation, so the sums
/// are ~2⁻¹⁰⁰ of Σ|a||v|), and more rows than one 256-row block. Bound: the one proved in
/// numeric::mixed_dot, 2⁻²⁰⁵·T (quad-double) and 2⁻¹⁰⁴·T (double-double) per block of 256
/// rows, T = Σ_i |a_ij||v_i| (times γ = 1.0001 for the magnitude growth in the proof).
#[test]
fn mixed_dot_products_are_within_the_proved_bound() {
    fn check<T: Real<Ctx = ()> + Copy>(to_q: impl Fn(&T) -> Rational, bits: u32, per_block: f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(9 + u64::from(bits));
        let mut worst = 0.0f64;
        for (half, cols) in [(3usize, 5usize), (10, 7), (150, 9), (300, 4)] {
            let rows = 2 * half;
            let mut a = vec![0.0; rows * cols];
            let mut vq = vec![Rational::new(); rows];
            for i in 0..half {
                let base = random_exact(&mut rng, bits);
                vq[i] = base.clone();
                vq[half + i] = base * (Rational::from(1) + Rational::from((1, 1u64 << 40)) * Rational::from(rng.gen_range(-4..=4)));
                for j in 0..cols {
                    let x = random_f64(&mut rng);
                    a[i * cols + j] = x;
                    a[(half + i) * cols + j] = -x;
                }
            }
            let v: Vec<T> = vq.iter().map(|x| T::from_rational(x, ())).collect();
            let mut out = vec![T::zero(()); cols];
            T::matvec_t_f64(rows, cols, &a, &v, &mut out);
            let blocks = rows.div_ceil(256) as f64;
            for (j, o) in out.iter().enumerate() {
                let (mut exact, mut t) = (Float::with_val(1024, 0), Float::with_val(1024, 0));
                for (i, vi) in v.iter().enumerate() {
                    let p = Float::with_val(1024, &to_q(vi)) * a[i * cols + j];
                    t += p.clone().abs();
                    exact += p;
                }
                let err = Float::with_val(1024, Float::with_val(1024, &to_q(o)) - &exact).abs().to_f64();
                let rel = err / t.to_f64();
                worst = worst.max(rel / blocks);
                assert!(rel <= blocks * per_block * 1.0001, "{bits} bits, {rows}×{cols}, column {j}: error {rel:e}·T");
            }
        }
        eprintln!("{bits} bits: worst error 2^{:.1}·T per block (bound 2^{:.0})", worst.log2(), per_block.log2());
    }
    check::<Qd>(|v| v.to_rational().unwrap(), 212, 2f64.powi(-205));
    check::<Dd>(|v| v.to_rational().unwrap(), 106, 2f64.powi(-104));
}
