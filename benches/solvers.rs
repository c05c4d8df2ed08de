//! Criterion benches of every solver: GD steps (f64, double-double, quad-double and MPFR at
//! 128/256 bits; groups `gd_f64`, `gd_dd`, `gd_qd`, `gd_mpfr256` share their bench ids), sharpness
//! (symmetric eigenvalues), and the gradient-flow root and dual Newton solves.
//! Run: `cargo bench` (figures in the README); `cargo test --release --benches` runs each
//! once as a smoke test.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use normsharp::dynamics::{gd_step, run_gd, GdConfig, NoObserver, Problem, Workspace};
use normsharp::numeric::linalg::symmetric_eigenvalues;
use normsharp::numeric::real::Real;
use normsharp::numeric::{dd::Dd, qd::Qd};
use normsharp::problem::model::{Parametrization, Sw};
use normsharp::problem::sharpness::sharpness;
use normsharp::problem::task::Task;
use normsharp::problem::tasks::{canonical_four, canonical_multi, random_positive};
use normsharp::theory::predictions::{beta_gf, entropy_root};
use rug::Float;
use std::hint::black_box;
use std::time::Duration;

fn sizes() -> Vec<(usize, usize, Task)> {
    vec![(1, 4, canonical_four()), (20, 50, random_positive(1, 20, 50)), (200, 500, random_positive(2, 200, 500))]
}

/// A learning rate well inside the stable range for these tasks (the runs neither
/// converge early nor diverge: the loop always does the full step count).
fn eta_for(task: &Task) -> f64 {
    let d = task.design::<f64>(());
    let gf = beta_gf(&d, &0.1).expect("GF limit");
    let w: Vec<f64> = gf.iter().map(|b| b.sqrt()).collect();
    0.1 / sharpness(&Sw, &d, &w).expect("finite").op_norm
}

fn bench_steps<T: Real>(c: &mut Criterion, label: &str, ctx: T::Ctx, long_steps: impl Fn(usize) -> u64) {
    let mut group = c.benchmark_group(format!("gd_{label}"));
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (n, d, task) in sizes() {
        let design = task.design::<T>(ctx);
        let problem = Problem::new(&Sw, &design);
        let eta = T::from_f64(eta_for(&task), ctx);
        let alpha = T::from_f64(0.1, ctx);
        group.bench_function(BenchmarkId::new("one_step", format!("n{n}_d{d}")), |b| {
            let mut theta = Sw.init(d, &alpha);
            let mut ws = Workspace::new(n, d, ctx);
            b.iter(|| black_box(gd_step(&problem, &mut theta, &eta, &mut ws)))
        });
        let steps = long_steps(n * d);
        group.bench_function(BenchmarkId::new(format!("run_{steps}_steps"), format!("n{n}_d{d}")), |b| {
            let mut cfg = GdConfig::exact_steps(eta.clone(), steps, 0.0);
            cfg.loss_tol = 0.0;
            b.iter(|| black_box(run_gd(&problem, &alpha, &cfg, &mut NoObserver).steps))
        });
    }
    group.finish();
}

fn gd_f64(c: &mut Criterion) {
    bench_steps::<f64>(c, "f64", (), |_| 10_000);
    gd_f64_large(c);
}

/// n = 500, d = 1000: one SW step against the step's two bare matrix–vector products (faer's
/// sequential kernels, `Xβ` and `Xᵀr` on the row-major X). The learning rate is tiny (the
/// step's cost does not depend on it, and the iterates stay normal numbers).
fn gd_f64_large(c: &mut Criterion) {
    let (n, d) = (500, 1000);
    let mut group = c.benchmark_group("gd_f64");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    let task = random_positive(3, n, d);
    let design = task.design::<f64>(());
    let problem = Problem::new(&Sw, &design);
    let id = format!("n{n}_d{d}");
    group.bench_function(BenchmarkId::new("one_step", &id), |b| {
        let mut theta = Sw.init(d, &0.1);
        let mut ws = Workspace::new(n, d, ());
        b.iter(|| black_box(gd_step(&problem, &mut theta, &1e-9, &mut ws)))
    });
    group.bench_function(BenchmarkId::new("two_matvecs", &id), |b| {
        let x = faer::MatRef::from_row_major_slice(&design.x, n, d);
        let beta = vec![0.01; d];
        let (mut r, mut g) = (vec![0.0; n], vec![0.0; d]);
        b.iter(|| {
            let rm = faer::MatMut::from_column_major_slice_mut(&mut r, n, 1);
            let bm = faer::MatRef::from_column_major_slice(&beta, d, 1);
            faer::linalg::matmul::matmul(rm, faer::Accum::Replace, x, bm, 1.0, faer::Par::Seq);
            let gm = faer::MatMut::from_column_major_slice_mut(&mut g, d, 1);
            let rr = faer::MatRef::from_column_major_slice(&r, n, 1);
            faer::linalg::matmul::matmul(gm, faer::Accum::Replace, x.transpose(), rr, 1.0, faer::Par::Seq);
            black_box(g[0])
        })
    });
    group.finish();
}

/// Double-double and quad-double: 10⁴ steps up to n·d = 1000, 100 at n = 200, d = 500.
fn gd_dd_qd(c: &mut Criterion) {
    let steps = |nd: usize| if nd > 10_000 { 100 } else { 10_000 };
    bench_steps::<Dd>(c, "dd", (), steps);
    bench_steps::<Qd>(c, "qd", (), steps);
}

/// MPFR: 10⁴ steps up to n·d = 1000; at n = 200, d = 500 one MPFR step is ~10 ms, so the
/// long run is 100 steps there (the README scales it).
fn gd_mpfr(c: &mut Criterion) {
    let steps = |nd: usize| if nd > 10_000 { 100 } else { 10_000 };
    bench_steps::<Float>(c, "mpfr128", 128, steps);
    bench_steps::<Float>(c, "mpfr256", 256, steps);
}

fn sharpness_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sharpness");
    group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for d in [50usize, 500] {
        // A dense symmetric 2d×2d matrix (the size of a PM/UV parameter Hessian).
        let p = 2 * d;
        let h: Vec<f64> = (0..p * p)
            .map(|k| {
                let (i, j) = (k / p, k % p);
                let (a, b) = (i.min(j) as f64, i.max(j) as f64);
                ((a * 0.37 + b * 0.11).sin() + if i == j { 2.0 } else { 0.0 }) / p as f64
            })
            .collect();
        group.bench_function(BenchmarkId::new("eigenvalues_2d", d), |b| b.iter(|| black_box(symmetric_eigenvalues(p, &h))));
        // The SW Hessian (d×d) assembled and diagonalized at a point.
        let task = random_positive(3, d / 10, d);
        let design = task.design::<f64>(());
        let w = vec![0.3; d];
        group.bench_function(BenchmarkId::new("sw_hessian_and_eigenvalues", d), |b| b.iter(|| black_box(sharpness(&Sw, &design, &w))));
    }
    group.finish();
}

fn gf_solves(c: &mut Criterion) {
    let mut group = c.benchmark_group("gf_solve");
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    let task = canonical_four();
    let d64 = task.design::<f64>(());
    let a64 = vec![1e-6; 4];
    group.bench_function("root_c_f64_d4", |b| b.iter(|| black_box(entropy_root(d64.row(0), &a64, &d64.y[0]))));
    for prec in [128u32, 256] {
        let d = task.design::<Float>(prec);
        let a = vec![Float::with_val(prec, 1e-6); 4];
        group.bench_function(BenchmarkId::new("root_c_mpfr_d4", prec), |b| b.iter(|| black_box(entropy_root(d.row(0), &a, &d.y[0]))));
    }
    let multi = canonical_multi().design::<f64>(());
    group.bench_function("dual_newton_f64_n5_d12", |b| b.iter(|| black_box(beta_gf(&multi, &0.1))));
    let big = random_positive(4, 20, 50).design::<f64>(());
    group.bench_function("dual_newton_f64_n20_d50", |b| b.iter(|| black_box(beta_gf(&big, &0.1))));
    group.finish();
}

criterion_group!(benches, gd_f64, gd_dd_qd, gd_mpfr, sharpness_bench, gf_solves);
criterion_main!(benches);
