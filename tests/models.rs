//! Every parametrization: the dense Hessian equals the derivative of the gradient (central
//! finite differences of ∇_θL = (θ − step(θ, g, η = 1))), and β and the initializations
//! follow THEORY.md §2's table.

use normsharp::problem::design::Design;
use normsharp::problem::model::{AnyModel, Depth, Evaluation, Parametrization, UvGeneral, UvSigned};
use normsharp::problem::tasks::gaussian;
use rug::Rational;

fn grad(model: &AnyModel, design: &Design<f64>, theta: &[f64]) -> Vec<f64> {
    Evaluation::new(model, design, theta).grad_theta
}

fn models(d: usize) -> Vec<AnyModel> {
    let q = |v: f64| Rational::from_f64(v).unwrap();
    vec![
        AnyModel::Sw,
        AnyModel::Pm,
        AnyModel::Uv,
        AnyModel::Depth(Depth { depth: 3 }),
        AnyModel::Depth(Depth { depth: 4 }),
        AnyModel::UvGeneral(UvGeneral { u0: vec![q(0.3); d], v0: vec![q(0.1); d] }),
        AnyModel::UvSigned(UvSigned { init: [vec![q(0.3); d], vec![q(0.2); d], vec![q(0.1); d], vec![q(0.4); d]] }),
    ]
}

#[test]
fn hessian_is_the_derivative_of_the_gradient() {
    let task = gaussian(5, 3, 4, 2, 0.0, 0.0);
    let design = task.design::<f64>(());
    for model in models(4) {
        let p = model.n_params(4);
        let theta: Vec<f64> = (0..p).map(|k| 0.2 + 0.37 * ((k * 7 % 11) as f64 / 11.0) - 0.1 * (k % 3) as f64).collect();
        let h = Evaluation::new(&model, &design, &theta).hessian(&model, &design, &theta);
        let scale = h.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for j in 0..p {
            let eps = 1e-6;
            let (mut tp, mut tm) = (theta.clone(), theta.clone());
            tp[j] += eps;
            tm[j] -= eps;
            let (gp, gm) = (grad(&model, &design, &tp), grad(&model, &design, &tm));
            for i in 0..p {
                let fd = (gp[i] - gm[i]) / (2.0 * eps);
                assert!(
                    (fd - h[i * p + j]).abs() <= 1e-6 * scale,
                    "{}: H[{i}][{j}] = {} vs finite difference {fd}",
                    model.name(),
                    h[i * p + j]
                );
            }
        }
        // Symmetric.
        for i in 0..p {
            for j in 0..p {
                assert!((h[i * p + j] - h[j * p + i]).abs() <= 1e-12 * scale);
            }
        }
    }
}

#[test]
fn initializations_follow_the_table() {
    let alpha = 0.5f64;
    let mut beta = vec![0.0; 3];
    for model in [AnyModel::Pm, AnyModel::Uv, AnyModel::Depth(Depth { depth: 3 })] {
        let theta = model.init(3, &alpha);
        model.beta(&theta, &mut beta);
        assert_eq!(beta, vec![0.0; 3], "{} starts at β = 0", model.name());
    }
    let theta = AnyModel::Sw.init(3, &alpha);
    AnyModel::Sw.beta(&theta, &mut beta);
    assert_eq!(beta, vec![0.25; 3]);
    let uv = AnyModel::Uv.init(2, &alpha);
    assert_eq!(uv[0], 2f64.sqrt() * 0.5);
    assert_eq!(&uv[2..], &[0.0, 0.0]);
}

/// The matrix-free sharpness (Lanczos on Hessian–vector products) agrees with the dense
/// eigen-solve, and a Hessian of 10⁸ entries is never formed.
#[test]
fn matrix_free_sharpness_matches_dense_and_scales() {
    use normsharp::problem::model::{Pm, Sw};
    use normsharp::problem::sharpness::{sharpness, sharpness_matrix_free};
    let task = normsharp::problem::tasks::gaussian(3, 8, 60, 4, 0.0, 0.0);
    let design = task.design::<f64>(());
    let theta: Vec<f64> = (0..120).map(|i| 0.3 + 0.01 * (i % 17) as f64 - 0.002 * i as f64).collect();
    let dense = sharpness(&Pm, &design, &theta).unwrap();
    let free = sharpness_matrix_free(&Pm, &design, &theta).unwrap();
    // Lanczos's residual bound is 1e-12 relative; the dense solve is backward stable.
    assert!((dense.op_norm - free.op_norm).abs() <= 1e-10 * dense.op_norm, "{dense:?} vs {free:?}");
    assert!((dense.trace - free.trace).abs() <= 1e-12 * dense.trace.abs(), "{dense:?} vs {free:?}");
    let d = 20_000;
    let big = normsharp::problem::task::Task::from_toml_str(&format!("X = [[{}]]\ny = [1]", vec!["1"; d].join(", "))).unwrap();
    let w = vec![0.01; d];
    let s = sharpness(&Sw, &big.design::<f64>(()), &w).unwrap();
    // One sample, x = 1: H = 4wwᵀ + 2r·I with r = Σw² − 1, so λ_max = 4‖w‖² + 2r.
    let r = d as f64 * 1e-4 - 1.0;
    let expect = 4.0 * d as f64 * 1e-4 + 2.0 * r;
    assert!((s.lambda_max - expect).abs() <= 1e-9 * expect.abs(), "{} vs {expect}", s.lambda_max);
}

/// The modular rank never exceeds the exact rank and proves full row rank fast.
#[test]
fn rank_mod_p_bounds_the_exact_rank() {
    use normsharp::numeric::exact::{rank_exact, rank_mod_p};
    for seed in 0..20u64 {
        let task = normsharp::problem::tasks::gaussian(seed, 1 + (seed as usize % 6), 2 + (seed as usize % 9), 2, 0.0, 0.0);
        let exact = rank_exact(&task.x);
        let modp = rank_mod_p(&task.x).unwrap();
        assert!(modp <= exact, "seed {seed}: {modp} > {exact}");
    }
    // A rank-deficient matrix: the second row is twice the first.
    let q = |a: i64, b: i64| rug::Rational::from((a, b));
    let a = vec![vec![q(1, 3), q(2, 5), q(7, 1)], vec![q(2, 3), q(4, 5), q(14, 1)]];
    assert_eq!((rank_exact(&a), rank_mod_p(&a)), (1, Some(1)));
}
