//! Criterion benches of the dual Newton solves of src/potentials.rs: Woodworth's PM limit
//! (α = 0.1 and α = 1e-6, log domain) and Even et al.'s Bregman limit (coefficients α²±,∞ from a
//! real UV GD run), at n = 20, d = 50 and n = 80, d = 200 (tasks from `task::gaussian`).
//! Run: `cargo bench --bench potentials`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use normsharp::dynamics::observers::EvenIdentity;
use normsharp::dynamics::{run_gd, GdConfig, Problem};
use normsharp::problem::model::Uv;
use normsharp::problem::sharpness::sharpness;
use normsharp::problem::tasks::gaussian;
use normsharp::theory::potentials::{hyperbolic_limit, uv_limit, woodworth_limit};
use std::hint::black_box;
use std::time::Duration;

fn sizes() -> Vec<(usize, usize)> {
    vec![(20, 50), (80, 200)]
}

fn woodworth(c: &mut Criterion) {
    let mut group = c.benchmark_group("woodworth_dual_newton");
    group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for (n, d) in sizes() {
        let design = gaussian(7, n, d, 5, 0.0, 0.0).design::<f64>(());
        for alpha in [0.1, 1e-6] {
            group.bench_function(BenchmarkId::new(format!("alpha_{alpha:e}"), format!("n{n}_d{d}")), |b| {
                b.iter(|| black_box(woodworth_limit(&design, &alpha).expect("solved")))
            });
        }
    }
    group.finish();
}

fn even_bregman(c: &mut Criterion) {
    let mut group = c.benchmark_group("even_bregman_dual_newton");
    group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for (n, d) in sizes() {
        let design = gaussian(8, n, d, 5, 0.0, 0.0).design::<f64>(());
        let alpha = 0.1;
        // Setup (not timed): a UV GD run at η = 0.5/S_GF records α²±,∞.
        let u0 = vec![std::f64::consts::SQRT_2 * alpha; d];
        let v0 = vec![0.0; d];
        let gf = uv_limit(&design, &u0, &v0).expect("GF limit");
        let r2 = std::f64::consts::SQRT_2;
        let mut theta = vec![0.0; 2 * d];
        for i in 0..d {
            let wp = (gf[i] + (gf[i] * gf[i] + alpha.powi(4)).sqrt()).sqrt();
            let wm = alpha * alpha / wp;
            theta[i] = (wp + wm) / r2;
            theta[d + i] = (wp - wm) / r2;
        }
        let s = sharpness(&Uv, &design, &theta).expect("finite").op_norm;
        let mut obs = EvenIdentity::new(&alpha, d);
        let mut cfg = GdConfig::until_loss(0.5 / s, 1e-24);
        cfg.max_steps = 1_000_000;
        run_gd(&Problem::new(&Uv, &design), &alpha, &cfg, &mut obs);
        let link = obs.limit_link();
        group.bench_function(BenchmarkId::new("alpha_0.1", format!("n{n}_d{d}")), |b| {
            b.iter(|| black_box(hyperbolic_limit(&design, &link).expect("solved")))
        });
    }
    group.finish();
}

criterion_group!(benches, woodworth, even_bregman);
criterion_main!(benches);
