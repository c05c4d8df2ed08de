//! Gradients and Hessians of every parametrization as polynomial identities, checked in
//! exact rationals at seeded random points (a Schwartz–Zippel test): L(θ) is a polynomial of
//! degree 2D in θ (D the degree of β), so two different formulas for ∂L/∂θ_j or ∂²L/∂θ_j∂θ_k
//! agree at a point drawn uniformly from a grid of m values per coordinate with probability at
//! most 2D/m; 24 independent points per model make a false pass at most (2D/m)^24.
//!
//! The reference derivatives come from exact polynomial interpolation of L along lines
//! θ + s·u (deg + 1 nodes, solved exactly in ℚ), independent of the models' formulas. The
//! models' f64 gradient (read off a unit GD step) and dense Hessian are evaluated at dyadic
//! points with few bits, where every f64 operation is exact, and compared for equality.
//! (tests/models.rs compares the same formulas with finite differences.)

use normsharp::problem::design::Design;
use normsharp::problem::model::{AnyModel, Depth, Evaluation, Parametrization, UvGeneral, UvSigned};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::Rational;

/// A uniform draw from the grid of m = 64 dyadic values k/8, k ∈ [−32, 32).
fn dyadic(rng: &mut ChaCha8Rng) -> f64 {
    rng.gen_range(-32i32..32) as f64 / 8.0
}

fn q(v: f64) -> Rational {
    Rational::from_f64(v).expect("finite")
}

/// L(θ) = (1/2n)‖Xβ(θ) − y‖² in exact arithmetic, β(θ) from the model's f64 map: at dyadic θ
/// with ≤ 10 significant bits every product of ≤ 4 factors has ≤ 40 bits, so no f64 operation
/// rounds and β is exact (the residual and loss are then formed in ℚ).
fn loss_exact(model: &AnyModel, x: &[Vec<Rational>], y: &[Rational], theta: &[f64]) -> Rational {
    let d = x[0].len();
    let mut beta = vec![0.0; d];
    model.beta(theta, &mut beta);
    let n = x.len();
    let mut l = Rational::new();
    for (row, yi) in x.iter().zip(y) {
        let r = row.iter().zip(&beta).fold(Rational::new(), |a, (xi, b)| a + xi.clone() * q(*b)) - yi;
        l += Rational::from(&r * &r);
    }
    l / Rational::from(2 * n as i64)
}

/// Coefficients a_0..a_K of the polynomial through (s_k, f_k), k = 0..K (exact Gauss).
fn interpolate(s: &[Rational], f: &[Rational]) -> Vec<Rational> {
    let k = s.len();
    let mut m: Vec<Vec<Rational>> = (0..k)
        .map(|i| {
            let mut row: Vec<Rational> = (0..k).map(|j| (0..j).fold(Rational::from(1), |acc, _| acc * &s[i])).collect();
            row.push(f[i].clone());
            row
        })
        .collect();
    for c in 0..k {
        let p = (c..k).find(|&r| m[r][c] != 0).expect("distinct nodes");
        m.swap(c, p);
        for r in 0..k {
            if r != c && m[r][c] != 0 {
                let factor = Rational::from(&m[r][c] / &m[c][c]);
                let pivot_row = m[c].clone();
                for (e, pv) in m[r].iter_mut().zip(&pivot_row).skip(c) {
                    *e -= Rational::from(&factor * pv);
                }
            }
        }
    }
    (0..k).map(|i| Rational::from(&m[i][k] / &m[i][i])).collect()
}

/// (first, second) derivative at s = 0 of L(θ + s·u), exactly (degree ≤ `deg`).
fn directional(model: &AnyModel, x: &[Vec<Rational>], y: &[Rational], theta: &[f64], u: &[f64], deg: usize) -> (Rational, Rational) {
    let nodes: Vec<f64> = (0..=deg).map(|k| k as f64 / 8.0 - 0.25).collect();
    let f: Vec<Rational> = nodes
        .iter()
        .map(|s| {
            let t: Vec<f64> = theta.iter().zip(u).map(|(a, b)| a + s * b).collect();
            loss_exact(model, x, y, &t)
        })
        .collect();
    let a = interpolate(&nodes.iter().map(|v| q(*v)).collect::<Vec<_>>(), &f);
    (a[1].clone(), Rational::from(&a[2] * 2))
}

fn models(d: usize) -> Vec<(AnyModel, usize)> {
    let z = |v: f64| vec![q(v); d];
    vec![
        (AnyModel::Sw, 2),
        (AnyModel::Pm, 2),
        (AnyModel::Uv, 2),
        (AnyModel::UvGeneral(UvGeneral { u0: z(0.5), v0: z(0.25) }), 2),
        (AnyModel::UvSigned(UvSigned { init: [z(0.5), z(0.25), z(0.125), z(0.5)] }), 2),
        (AnyModel::Depth(Depth { depth: 3 }), 3),
        (AnyModel::Depth(Depth { depth: 4 }), 4),
    ]
}

#[test]
fn gradients_and_hessians_are_exact_polynomial_identities() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for trial in 0..24 {
        let n = if trial % 2 == 0 { 1 } else { 2 };
        let d = 2 + trial % 2;
        let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| q(rng.gen_range(-8i32..8) as f64 / 4.0)).collect()).collect();
        let y: Vec<Rational> = (0..n).map(|_| q(rng.gen_range(-8i32..8) as f64 / 4.0)).collect();
        let design = Design::<f64>::new(n, d, x.iter().flatten().map(|v| v.to_f64()).collect(), y.iter().map(|v| v.to_f64()).collect(), ());
        for (model, deg_beta) in models(d) {
            let p = model.n_params(d);
            let theta: Vec<f64> = (0..p).map(|_| dyadic(&mut rng)).collect();
            let deg = 2 * deg_beta;
            let ev = Evaluation::new(&model, &design, &theta);
            let h = ev.hessian(&model, &design, &theta);
            let unit = |j: usize| (0..p).map(|i| if i == j { 1.0 } else { 0.0 }).collect::<Vec<f64>>();
            let mut second = Vec::new();
            for j in 0..p {
                let (g, s) = directional(&model, &x, &y, &theta, &unit(j), deg);
                assert_eq!(q(ev.grad_theta[j]), g, "{} trial {trial}: ∂L/∂θ_{j}", model.name());
                assert_eq!(q(h[j * p + j]), s, "{} trial {trial}: ∂²L/∂θ_{j}²", model.name());
                second.push(s);
            }
            for j in 0..p {
                for k in (j + 1)..p {
                    let u: Vec<f64> = (0..p).map(|i| if i == j || i == k { 1.0 } else { 0.0 }).collect();
                    let (_, s) = directional(&model, &x, &y, &theta, &u, deg);
                    let hjk = (s - &second[j] - &second[k]) / Rational::from(2);
                    assert_eq!(q(h[j * p + k]), hjk, "{} trial {trial}: ∂²L/∂θ_{j}∂θ_{k}", model.name());
                    assert_eq!(h[j * p + k], h[k * p + j], "{}: Hessian symmetric", model.name());
                }
            }
        }
    }
}

/// A wrong Hessian (SW's 2·diag(g) term doubled) is caught at the first random point.
#[test]
fn a_wrong_formula_is_caught() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let x = vec![vec![q(1.0), q(0.5)]];
    let y = vec![q(2.0)];
    let design = Design::<f64>::new(1, 2, vec![1.0, 0.5], vec![2.0], ());
    let theta: Vec<f64> = (0..2).map(|_| dyadic(&mut rng)).collect();
    let ev = Evaluation::new(&AnyModel::Sw, &design, &theta);
    let mut h = ev.hessian(&AnyModel::Sw, &design, &theta);
    h[0] += 2.0 * ev.grad_beta[0];
    let (_, s) = directional(&AnyModel::Sw, &x, &y, &theta, &[1.0, 0.0], 4);
    assert!(ev.grad_beta[0] != 0.0, "the seeded point is off Z, so the curvature term is present");
    assert_eq!(q(ev.hessian(&AnyModel::Sw, &design, &theta)[0]), s, "the correct formula agrees");
    assert_ne!(q(h[0]), s, "the doubled curvature term must differ");
}
