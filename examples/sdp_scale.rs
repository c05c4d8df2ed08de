//! Wall-clock of the minimum-λ_max interpolator at a few sizes (one run each, no statistics:
//! the criterion group `sdp/min_sharpness_sdp` is the measurement; this shows how the cost
//! splits between the interior-point solve and the independent certificate, and reaches the
//! sizes criterion cannot repeat). Run:
//! `cargo run --release --example sdp_scale -- [n d signed|nonneg]…` (default: the bench sizes
//! and a signed Gaussian n = 200, d = 400 task).

use normsharp::numeric::real::Nearest;
use normsharp::problem::task::Task;
use normsharp::problem::tasks::{gaussian, random_positive};
use normsharp::theory::interpolators::{check_sdp_certificate, lmax, min_sharpness_sdp, Sign, Witness};
use std::time::Instant;

fn run(task: &Task, sign: Sign) {
    let (n, d) = (task.n(), task.d());
    let xf: Vec<f64> = task.x.iter().flat_map(|r| r.iter().map(Nearest::nearest)).collect();
    let yf: Vec<f64> = task.y.iter().map(Nearest::nearest).collect();
    let p = lmax::LmaxProblem { x: &xf, n, d, y: &yf, signed: sign == Sign::Signed };
    let t0 = Instant::now();
    let sol = lmax::solve(&p, 1e-10, 200);
    let t_solve = t0.elapsed();
    let t1 = Instant::now();
    let full = min_sharpness_sdp(task, sign);
    let t_full = t1.elapsed();
    let (iters, t) = sol.as_ref().map(|s| (s.iterations, s.t)).unwrap_or((0, f64::NAN));
    let mut t_cert = std::time::Duration::ZERO;
    let valid = match &full {
        Ok(c) => {
            let Witness::Sdp(pt) = &c.witness else { unreachable!() };
            let t2 = Instant::now();
            let cert = check_sdp_certificate(task, sign, pt);
            t_cert = t2.elapsed();
            let t3 = Instant::now();
            let b = normsharp::theory::enclosures::sdp::bound_min_lambda_max(task, sign, pt, 128);
            println!(
                "  proved bounds (128 bits): {:.3} s, {}",
                t3.elapsed().as_secs_f64(),
                b.map(|i| format!("[{}, {}]", i.lo_decimal(12), i.hi_decimal(12))).unwrap_or_else(|e| e.to_string())
            );
            format!("valid {} gap {:.2e} inf {:.2e} dinf {:.2e}", cert.valid, cert.gap, cert.infeasibility, cert.dual_infeasibility)
        }
        Err(e) => format!("error {e}"),
    };
    println!(
        "n{n}_d{d} {sign:?}: solve {:.3} s ({iters} it, t = {t:.12e}), certificate {:.3} s, min_sharpness_sdp {:.3} s; {valid}",
        t_solve.as_secs_f64(),
        t_cert.as_secs_f64(),
        t_full.as_secs_f64()
    );
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `repeat N n d`: N calls of min_sharpness_sdp on random_positive(2, n, d) (for profilers).
    if args.first().map(String::as_str) == Some("repeat") {
        let reps: usize = args[1].parse().expect("N");
        let task = random_positive(2, args[2].parse().expect("n"), args[3].parse().expect("d"));
        let t0 = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(min_sharpness_sdp(&task, Sign::Nonnegative).is_ok());
        }
        println!("{:.3} ms per call", t0.elapsed().as_secs_f64() * 1e3 / reps as f64);
        args.clear();
        return;
    }
    // `toml n d FILE`: write the signed Gaussian task gaussian(1, n, d, 5, 0, 0) as a task file
    // (for `normsharp predict --model pm --task FILE`).
    if args.first().map(String::as_str) == Some("toml") {
        let task = gaussian(1, args[1].parse().expect("n"), args[2].parse().expect("d"), 5, 0.0, 0.0);
        let row = |r: &[rug::Rational]| r.iter().map(|v| format!("{:e}", v.nearest())).collect::<Vec<_>>().join(", ");
        let x: Vec<String> = task.x.iter().map(|r| format!("[{}]", row(r))).collect();
        let text = format!("X = [\n{}\n]\ny = [{}]\n", x.join(",\n"), row(&task.y));
        std::fs::write(&args[3], text).expect("write the task file");
        return;
    }
    // `file PATH signed|nonneg`: a task file.
    if args.first().map(String::as_str) == Some("file") {
        let task = Task::from_toml_str(&std::fs::read_to_string(&args[1]).expect("read")).expect("task");
        run(&task, if args[2] == "signed" { Sign::Signed } else { Sign::Nonnegative });
        return;
    }
    if args.is_empty() {
        for n in [20, 40] {
            run(&random_positive(2, n, 50), Sign::Nonnegative);
        }
        run(&gaussian(1, 200, 400, 5, 0.0, 0.0), Sign::Signed);
        return;
    }
    for c in args.chunks(3) {
        let (n, d): (usize, usize) = (c[0].parse().expect("n"), c[1].parse().expect("d"));
        match c.get(2).map(String::as_str) {
            Some("signed") => run(&gaussian(1, n, d, 5, 0.0, 0.0), Sign::Signed),
            _ => run(&random_positive(2, n, d), Sign::Nonnegative),
        }
    }
}
