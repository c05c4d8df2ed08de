//! The digits MLP (180 images, 32 hidden units, p = 2179): one full-batch GD step (loss and
//! gradient by backpropagation, then the update) and the sharpness λ_max by Lanczos on exact
//! Hessian–vector products.

use criterion::{criterion_group, criterion_main, Criterion};
use normsharp::mlp::{digits, Mlp};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let (tr, _) = digits(60);
    let mlp = Mlp::for_data(&tr, 32);
    let theta0 = mlp.init(1);
    let mut g = vec![0.0; mlp.params()];
    c.bench_function("mlp_gd_step", |b| {
        let mut theta = theta0.clone();
        b.iter(|| {
            let l = mlp.loss_grad(&theta, &tr, &mut g);
            theta.iter_mut().zip(&g).for_each(|(t, d)| *t -= 0.01 * d);
            black_box(l)
        })
    });
    c.bench_function("mlp_lanczos_sharpness", |b| b.iter(|| black_box(mlp.sharpness(&theta0, &tr, 1e-9, 200))));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
