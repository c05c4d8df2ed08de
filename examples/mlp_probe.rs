use normsharp::experiments::mlp::*;
use normsharp::numeric::parallel::Progress;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let quick = a.get(1).map_or(false, |s| s == "quick");
    let mut cfg = if quick { MlpConfig::quick(1) } else { MlpConfig::full(1) };
    if let Some(t) = a.get(2) { cfg.loss_threshold = t.parse().unwrap(); }
    let (mlp, tr, _te, th) = setup(&cfg);
    let t = std::time::Instant::now();
    let s0 = mlp.sharpness(&th, &tr, 1e-9, 200).unwrap();
    eprintln!("p={} n={} S0={:?} L0={} lanczos {:?}", mlp.params(), tr.n, s0, mlp.loss(&th, &tr), t.elapsed());
    let mut g = vec![0.0; mlp.params()];
    let t = std::time::Instant::now();
    for _ in 0..100 { mlp.loss_grad(&th, &tr, &mut g); }
    eprintln!("grad {:?}", t.elapsed() / 100);
    let lo: f64 = a.get(3).map_or(0.5, |s| s.parse().unwrap()) / s0.hi;
    let hi: f64 = a.get(4).map_or(8.0, |s| s.parse().unwrap()) / s0.hi;
    let m = 12;
    let etas: Vec<f64> = (0..m).map(|i| lo * (hi / lo).powf(i as f64 / (m - 1) as f64)).collect();
    let t = std::time::Instant::now();
    let sw = run_mlp_sweep(&cfg, &etas, &Progress::hidden()).unwrap();
    eprintln!("sweep {:?}", t.elapsed());
    println!("gf {:?} eta_c {}", sw.gf, 2.0 / sw.gf.s_max[2]);
    for r in &sw.rows {
        println!("eta {:.4} {:?} steps {} S {:?} slack*eta {:.2e} eta*S {:.4} l2 {:.4} l1 {:.3} test {:.4} train {:.3} rise {:?} res {:?}", r.eta, r.outcome, r.steps, r.sharpness, r.curvature.map_or(f64::NAN, |c| c.slack() * r.eta), r.eta * r.sharpness.unwrap_or(f64::NAN), r.l2, r.l1, r.test_error, r.train_error, r.first_rise, r.sharpness_residual);
    }
}
