//! Criterion benches of the interpolator solvers: the min-ℓ1 and min-trace LPs (dual simplex,
//! exact Dixon solve of the basis, certificate), the sharpness SDP (n = 10, 20, 40 samples, d = 50), and the independent
//! certificate checks, at n = 20, d = 50 and n = 80, d = 200 (the SDP, the min-λ_max
//! interpolator's own interior-point solver on faer, runs at d = 50 only).
//! Run: `cargo bench --bench interpolators` (about two minutes); `cargo test --release --benches`
//! runs each once as a smoke test.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use normsharp::problem::tasks::random_positive;
use normsharp::theory::interpolators::{
    check_lp_certificate, check_sdp_certificate, min_l1, min_l2, min_sharpness_sdp, min_trace_sharpness, Sign, Witness,
};
use rug::Rational;
use std::hint::black_box;
use std::time::Duration;

fn lp(c: &mut Criterion) {
    let mut group = c.benchmark_group("lp");
    group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for (n, d) in [(20usize, 50usize), (80, 200)] {
        let task = random_positive(1, n, d);
        for sign in [Sign::Nonnegative, Sign::Signed] {
            let label = format!("n{n}_d{d}_{sign:?}");
            group.bench_function(BenchmarkId::new("min_l1_solve_repair_certify", &label), |b| b.iter(|| black_box(min_l1(&task, sign))));
            // The trace LP: weights ‖X_{:,i}‖² (exact rationals), same pipeline.
            group.bench_function(BenchmarkId::new("min_trace_solve_repair_certify", &label), |b| {
                b.iter(|| black_box(min_trace_sharpness(&task, sign)))
            });
            let opt = min_l1(&task, sign).expect("LP solves");
            let Witness::Lp { beta, nu } = &opt.witness else { unreachable!("LP witness") };
            let ones = vec![Rational::from(1); d];
            group.bench_function(BenchmarkId::new("check_lp_certificate", &label), |b| {
                b.iter(|| black_box(check_lp_certificate(&task, &ones, sign, beta, nu)))
            });
        }
        group.bench_function(BenchmarkId::new("min_l2_exact", format!("n{n}_d{d}")), |b| b.iter(|| black_box(min_l2(&task))));
    }
    group.finish();
}

fn sdp(c: &mut Criterion) {
    let mut group = c.benchmark_group("sdp");
    group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(3));
    for n in [10usize, 20, 40] {
        let task = random_positive(2, n, 50);
        let label = format!("n{n}_d50");
        group.bench_function(BenchmarkId::new("min_sharpness_sdp", &label), |b| {
            b.iter(|| black_box(min_sharpness_sdp(&task, Sign::Nonnegative)))
        });
        let opt = min_sharpness_sdp(&task, Sign::Nonnegative).expect("SDP solves");
        let Witness::Sdp(point) = &opt.witness else { unreachable!("SDP witness") };
        group.bench_function(BenchmarkId::new("check_sdp_certificate", &label), |b| {
            b.iter(|| black_box(check_sdp_certificate(&task, Sign::Nonnegative, point)))
        });
    }
    group.finish();
}

criterion_group!(benches, lp, sdp);
criterion_main!(benches);
