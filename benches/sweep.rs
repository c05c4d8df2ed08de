//! Criterion bench of a learning-rate sweep: 100 linearly spaced η on the canonical
//! four-feature task x = (1, 2, 3, 4), y = 1, α = 1e-3, from η_c/4 to 0.3 (flow-aligned,
//! EoS, the non-convergence window and divergence), each run to L < 1e-24 or 10⁵ steps,
//! on rayon's global pool.

use criterion::{criterion_group, criterion_main, Criterion};
use normsharp::experiments::sweep::{grid, run_sweep, Spacing, SweepConfig};
use normsharp::problem::model::AnyModel;
use normsharp::problem::tasks::canonical_four;
use rug::Rational;
use std::hint::black_box;

fn sweep_100(c: &mut Criterion) {
    let task = canonical_four();
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 1000)));
    cfg.max_steps = 100_000;
    let etas = grid(0.0315, 0.3, 100, Spacing::Linear).expect("valid grid");
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.bench_function("four_features_100_points", |b| b.iter(|| black_box(run_sweep(&task, &etas, &cfg).expect("sweep"))));
    group.finish();
}

criterion_group!(benches, sweep_100);
criterion_main!(benches);
