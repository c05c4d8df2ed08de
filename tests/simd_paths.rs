//! The AVX2 and portable code paths of double-double and quad-double GD give the same bits
//! (the claim of `numeric::lanes` and `dynamics::gd`: lane operations are the IEEE operations
//! of each lane, the fused multiply-add is correctly rounded on both paths, and no path
//! reorders a sum).

use normsharp::dynamics::{run_gd, GdConfig, NoObserver, Problem};
use normsharp::numeric::lanes::{portable, wide};
use normsharp::numeric::real::Real;
use normsharp::numeric::{dd::Dd, qd::Qd};
use normsharp::problem::model::{AnyModel, Parametrization};
use normsharp::problem::task::Task;
use normsharp::problem::tasks::{canonical_four, random_positive};

/// θ after `steps` GD steps, each component's bits spelled out (`{:?}` of an f64 tells
/// every value apart, −0 from +0 included).
fn theta_bits<T: Real<Ctx = ()> + std::fmt::Debug>(task: &Task, model: &AnyModel, eta: f64, steps: u64) -> String {
    let design = task.design::<T>(());
    let problem = Problem::new(model, &design);
    let mut cfg = GdConfig::exact_steps(T::from_f64(eta, ()), steps, 0.0);
    cfg.blowup = f64::INFINITY;
    let run = run_gd(&problem, &T::from_ratio(1, 10, ()), &cfg, &mut NoObserver);
    format!("{:?} {:?}", run.theta, run.loss)
}

/// A stable learning rate: 0.1/(4·‖X‖²_F/n·max(1, ‖y‖∞)) (‖X‖²_F/n ≥ λ_max(XᵀX/n)).
fn eta_of(task: &Task) -> f64 {
    let d = task.design::<f64>(());
    let gram: f64 = d.x.iter().map(|v| v * v).sum::<f64>() / d.n as f64;
    let ymax = d.y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    0.1 / (4.0 * gram * ymax.max(1.0))
}

/// Sizes covering one sample, partial lane groups (d, n not multiples of 4) and more than
/// 256 rows (a block boundary of the dot kernels); SW, PM and UV.
#[test]
fn dd_and_qd_runs_are_the_same_bits_on_the_avx2_and_portable_paths() {
    if !wide() {
        eprintln!("skipped: this CPU has no AVX2+FMA, so only the portable path exists");
        return;
    }
    let tasks = [canonical_four(), random_positive(1, 7, 13), random_positive(2, 20, 50), random_positive(3, 300, 6)];
    for task in &tasks {
        let eta = eta_of(task);
        for model in [AnyModel::Sw, AnyModel::Pm, AnyModel::Uv] {
            let steps = 60;
            let (dd_w, qd_w) = (theta_bits::<Dd>(task, &model, eta, steps), theta_bits::<Qd>(task, &model, eta, steps));
            let (dd_p, qd_p) = portable(|| (theta_bits::<Dd>(task, &model, eta, steps), theta_bits::<Qd>(task, &model, eta, steps)));
            assert_eq!(dd_w, dd_p, "dd on {} {}", task.name, model.name());
            assert_eq!(qd_w, qd_p, "qd on {} {}", task.name, model.name());
            // The comparison can fail: η one ulp larger on the portable path changes the bits.
            let eta_up = f64::from_bits(eta.to_bits() + 1);
            let qd_up = portable(|| theta_bits::<Qd>(task, &model, eta_up, steps));
            assert_ne!(qd_w, qd_up, "a one-ulp change of η must show in qd on {}", task.name);
            let dd_up = portable(|| theta_bits::<Dd>(task, &model, eta_up, steps));
            assert_ne!(dd_w, dd_up, "a one-ulp change of η must show in dd on {}", task.name);
        }
    }
}
