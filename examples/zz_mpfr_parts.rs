// Exploratory timing of the MPFR step's parts (not committed).
use normsharp::dynamics::{gd_step, Problem, Workspace};
use normsharp::numeric::real::Real;
use normsharp::problem::model::{Parametrization, Sw};
use normsharp::problem::sharpness::sharpness;
use normsharp::problem::tasks::random_positive;
use normsharp::theory::predictions::beta_gf;
use rug::Float;
use std::time::Instant;

fn main() {
    let (n, d) = (20, 50);
    let task = random_positive(1, n, d);
    let d64 = task.design::<f64>(());
    let gf = beta_gf(&d64, &0.1).unwrap();
    let w: Vec<f64> = gf.iter().map(|b| b.sqrt()).collect();
    let eta64 = 0.1 / sharpness(&Sw, &d64, &w).unwrap().op_norm;
    let prec = 256;
    let design = task.design::<Float>(prec);
    let problem = Problem::new(&Sw, &design);
    let eta = Float::with_val(prec, eta64);
    let mut theta = Sw.init(d, &Float::with_val(prec, 0.1));
    let mut ws = Workspace::new(n, d, prec);
    let steps: usize = std::env::args().nth(1).map_or(1000, |s| s.parse().unwrap());
    let t = Instant::now();
    for _ in 0..steps {
        gd_step(&problem, &mut theta, &eta, &mut ws);
    }
    println!("{steps} steps: {:.2} us/step", t.elapsed().as_secs_f64() * 1e6 / steps as f64);
    let reps = 2000;
    let mut beta = vec![Float::new(prec); d];
    let mut r = vec![Float::new(prec); n];
    let mut g = vec![Float::new(prec); d];
    let time = |name: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        println!("{name}: {:.2} us", t.elapsed().as_secs_f64() * 1e6 / reps as f64);
    };
    time("beta", &mut || Sw.beta(&theta, &mut beta));
    time("residual", &mut || design.residual(&beta, &mut r));
    time("grad_beta", &mut || design.grad_beta(&r, &mut g));
    time("loss", &mut || {
        std::hint::black_box(design.loss(&r));
    });
    let mut th2 = theta.clone();
    time("step", &mut || Sw.step(&mut th2, &g, &eta));
    let mut gg = g.clone();
    time("div_n20", &mut || gg.iter_mut().for_each(|x| *x /= 20u32));
    time("full step", &mut || {
        std::hint::black_box(gd_step(&problem, &mut theta, &eta, &mut ws));
    });
    println!("loss {}", design.loss(&r).to_f64());
}
