//! The digits MLP: exact gradient and Hessian–vector products against finite differences,
//! Lanczos against a dense Hessian, determinism of a sweep across thread counts, and a small
//! sweep that shows the edge of stability.

use normsharp::experiments::mlp::{run_mlp_sweep, MlpConfig};
use normsharp::mlp::{digits, train, Mlp, MlpOutcome, TrainConfig};
use normsharp::numeric::lanczos::dense_extremes;
use normsharp::numeric::parallel::Progress;
use normsharp::numeric::rank::{spearman, spearman_p_upper};

fn small() -> (Mlp, normsharp::mlp::Dataset, Vec<f64>) {
    let (tr, _) = digits(4);
    let mlp = Mlp::for_data(&tr, 5);
    let theta = mlp.init(7);
    (mlp, tr, theta)
}

fn direction(p: usize, salt: usize) -> Vec<f64> {
    (0..p).map(|i| (((i * 7 + salt * 13) % 11) as f64 - 5.0) / 5.0).collect()
}

#[test]
fn gradient_matches_central_differences() {
    let (mlp, data, theta) = small();
    let mut g = vec![0.0; mlp.params()];
    mlp.loss_grad(&theta, &data, &mut g);
    let v = direction(mlp.params(), 1);
    let h = 1e-5;
    let shift = |s: f64| -> Vec<f64> { theta.iter().zip(&v).map(|(t, d)| t + s * h * d).collect() };
    let fd = (mlp.loss(&shift(1.0), &data) - mlp.loss(&shift(-1.0), &data)) / (2.0 * h);
    let exact: f64 = g.iter().zip(&v).map(|(a, b)| a * b).sum();
    assert!((fd - exact).abs() <= 1e-7 * exact.abs().max(1.0), "fd {fd} vs {exact}");
    // And coordinatewise on a few parameters of each block.
    let l = mlp.params();
    for &i in &[0, 17, mlp.h * mlp.d + 2, mlp.h * mlp.d + mlp.h + 3, l - 1] {
        let mut e = theta.clone();
        e[i] += h;
        let up = mlp.loss(&e, &data);
        e[i] -= 2.0 * h;
        let dn = mlp.loss(&e, &data);
        assert!(((up - dn) / (2.0 * h) - g[i]).abs() <= 1e-8, "coordinate {i}");
    }
}

#[test]
fn hessian_vector_product_matches_differences_of_gradients() {
    let (mlp, data, theta) = small();
    let p = mlp.params();
    let v = direction(p, 2);
    let mut hv = vec![0.0; p];
    mlp.hvp(&theta, &v, &data, &mut hv);
    let h = 1e-5;
    let (mut gp, mut gm) = (vec![0.0; p], vec![0.0; p]);
    let tp: Vec<f64> = theta.iter().zip(&v).map(|(t, d)| t + h * d).collect();
    let tm: Vec<f64> = theta.iter().zip(&v).map(|(t, d)| t - h * d).collect();
    mlp.loss_grad(&tp, &data, &mut gp);
    mlp.loss_grad(&tm, &data, &mut gm);
    let scale = hv.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    for i in 0..p {
        let fd = (gp[i] - gm[i]) / (2.0 * h);
        assert!((fd - hv[i]).abs() <= 1e-7 * scale, "component {i}: fd {fd} vs {}", hv[i]);
    }
    // Symmetry: uᵀ(Hv) = vᵀ(Hu).
    let u = direction(p, 5);
    let mut hu = vec![0.0; p];
    mlp.hvp(&theta, &u, &data, &mut hu);
    let (a, b): (f64, f64) = (u.iter().zip(&hv).map(|(x, y)| x * y).sum(), v.iter().zip(&hu).map(|(x, y)| x * y).sum());
    assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0));
}

#[test]
fn lanczos_sharpness_matches_the_dense_hessian() {
    let (mlp, data, theta) = small();
    let p = mlp.params();
    let mut hmat = vec![0.0; p * p];
    let mut col = vec![0.0; p];
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = 1.0;
        mlp.hvp(&theta, &e, &data, &mut col);
        for i in 0..p {
            hmat[i * p + j] = col[i];
        }
    }
    let (_, top) = dense_extremes(p, &hmat).unwrap();
    let s = mlp.sharpness(&theta, &data, 1e-10, p).unwrap();
    assert!((s.hi - top).abs() <= 1e-8 * top + s.residual, "lanczos {} vs dense {top}", s.hi);
    assert!(s.hi <= top * (1.0 + 1e-12));
}

#[test]
fn data_split_is_the_documented_one() {
    let (tr, te) = digits(60);
    assert_eq!((tr.n, te.n, tr.d, tr.k), (180, 120, 64, 3));
    for c in 0..3 {
        assert_eq!(tr.labels.iter().filter(|&&l| l == c).count(), 60);
        assert_eq!(te.labels.iter().filter(|&&l| l == c).count(), 40);
    }
    let pixels: f64 = tr.x.iter().chain(&te.x).map(|v| v * 16.0).sum();
    let shape = format!("train {} test {} params(h=32) {} pixel sum {}", tr.n, te.n, Mlp::for_data(&tr, 32).params(), pixels);
    insta::assert_snapshot!(shape);
}

#[test]
fn spearman_exact_p_values() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    assert!((spearman(&x, &x) - 1.0).abs() < 1e-15);
    assert!((spearman_p_upper(&x, &x).unwrap() - 1.0 / 120.0).abs() < 1e-15);
    let rev = [5.0, 4.0, 3.0, 2.0, 1.0];
    assert_eq!(spearman_p_upper(&x, &rev), Some(1.0));
}

#[test]
fn small_step_gd_descends_and_large_steps_meet_the_edge() {
    let (tr, _) = digits(10);
    let mlp = Mlp::for_data(&tr, 8);
    let theta = mlp.init(3);
    let s0 = mlp.sharpness(&theta, &tr, 1e-9, 200).unwrap().hi;
    let slow = train(&mlp, &tr, &theta, &TrainConfig::new(0.5 / s0, 1e-2, 200_000));
    assert_eq!(slow.outcome, MlpOutcome::Converged);
    assert_eq!(slow.first_rise, None, "η·λ_max = 0.5 at the start: the loss should fall monotonically");
    let fast = train(&mlp, &tr, &theta, &TrainConfig::new(5.0 / s0, 1e-2, 200_000));
    assert!(fast.first_rise.is_some(), "η·λ_max = 5 at the start: the loss must rise");
}

#[test]
fn sweep_is_identical_whatever_the_thread_count() {
    let mut cfg = MlpConfig::quick(2);
    cfg.per_class = 8;
    cfg.hidden = 6;
    cfg.loss_threshold = 1e-2;
    let etas = [0.05, 0.2, 0.4];
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run_mlp_sweep(&cfg, &etas, &Progress::hidden()).unwrap())
    };
    let (a, b) = (run(1), run(2));
    let key = |s: &normsharp::experiments::mlp::MlpSweep| serde_json::to_string(s).unwrap();
    assert_eq!(key(&a), key(&b));
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("binary runs")
}

#[test]
fn mlp_command_rejects_bad_flags_by_name() {
    for (args, flag) in [
        (vec!["mlp", "--eta-min", "abc", "--eta-max", "0.2"], "--eta-min"),
        (vec!["mlp", "--eta-min", "0.1", "--eta-max", "0.05"], "--eta-max"),
        (vec!["mlp", "--eta-min", "0.1", "--eta-max", "0.2", "--points", "1"], "--points"),
        (vec!["mlp", "--eta-min", "0.1", "--eta-max", "0.2", "--threads", "0"], "--threads"),
    ] {
        let out = cli(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn mlp_command_prints_rows_and_eta_c() {
    let out = cli(&["mlp", "--quick", "--eta-min", "0.05", "--eta-max", "0.2", "--points", "3", "--log", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    for key in ["eta", "outcome", "steps", "loss", "sharpness", "l1", "l2", "test_error"] {
        assert!(rows.iter().all(|r| r.get(key).is_some()), "{key}");
    }
    assert!(v["eta_c_predicted"].as_f64().is_some_and(|e| e > 0.0));
    assert!(v.get("eta_c_measured").is_some());
}

#[test]
fn mlp_claims_verdicts_snapshot() {
    use normsharp::claims::{registry, Formulas, Settings};
    let mut lines = Vec::new();
    for c in registry().into_iter().filter(|c| ["M1", "M2", "M3"].contains(&c.id)) {
        let o = c.outcome(&Formulas::default(), &Settings::default());
        lines.push(format!("{} {:?}", o.id, o.verdict));
        for r in &o.checks {
            lines.push(format!("  {:?} pass={} {}", r.kind, r.pass, r.quantity));
        }
    }
    insta::assert_snapshot!(lines.join("\n"));
}
