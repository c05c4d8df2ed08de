use normsharp::dynamics::{gd_step, Problem, Workspace};
use normsharp::numeric::{dd::Dd, qd::Qd, real::Real};
use normsharp::problem::model::{Parametrization, Sw};
use normsharp::problem::tasks::{canonical_four, random_positive};
use std::time::Instant;
fn go<T: Real>(label: &str, ctx: T::Ctx) {
    for (n, d, task) in [(1, 4, canonical_four()), (20, 50, random_positive(1, 20, 50))] {
        let design = task.design::<T>(ctx);
        let problem = Problem::new(&Sw, &design);
        let eta = T::from_f64(1e-3, ctx);
        let mut theta = Sw.init(d, &T::from_f64(0.1, ctx));
        let mut ws = Workspace::new(n, d, ctx);
        let k = if n == 1 { 200_000 } else { 2000 };
        let t = Instant::now();
        let mut l = 0.0;
        for _ in 0..k { l += gd_step(&problem, &mut theta, &eta, &mut ws).to_f64(); }
        println!("{label} n{n}_d{d}: {:.1} ns/step ({l:e}) theta0={:?}", t.elapsed().as_nanos() as f64 / k as f64, theta[0]);
    }
}
fn main() { match std::env::args().nth(1).as_deref() { Some("dd") => go::<Dd>("dd", ()), Some("qd") => go::<Qd>("qd", ()), _ => go::<f64>("f64", ()) } }
