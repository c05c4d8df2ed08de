//! N1 (Nacson's stability sum) and UV-PM (the exact map between UV and PM).

use super::*;

pub(super) fn check_n1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = (gaussian(43, 10, 30, 3, 5.0, 0.0), 0.1);
    let design = task.design::<f64>(());
    let q = "Σ x̄_i²|β_i| at the converged PM limit vs 1/(2η)";
    let s_gf = match pot::woodworth_limit(&design, &alpha) {
        Ok(b) => op_norm(&Pm, &design, &pm_theta(&b, alpha)),
        Err(e) => return vec![CheckResult::failed("N1", &task.name, q, e.to_string())],
    };
    let (mut converged, mut above, mut skipped) = (0, 0, Vec::new());
    for k in 1..=10 {
        let eta = (k as f64 / 8.0) * 2.0 / s_gf;
        let mut cfg = GdConfig::until_loss(eta, 1e-22);
        cfg.max_steps = 400_000;
        let run = run64(&Pm, &design, alpha, &cfg, &mut NoObserver);
        if run.outcome != Outcome::Converged {
            skipped.push(format!("{:.3}: {:?}", k as f64 / 4.0, run.outcome));
            continue;
        }
        converged += 1;
        if eta * s_gf > 2.0 {
            above += 1;
        }
        let sum = (f.nacson_sum)(&design, &run.beta);
        let bound = (f.nacson_bound)(eta);
        let es = eta * op_norm(&Pm, &design, &run.theta);
        let l1: f64 = run.beta.iter().map(|b| b.abs()).sum();
        out.push(
            CheckResult::scalar("N1", &format!("{} α={alpha} η·S_GF={:.3}", task.name, eta * s_gf), q, bound, sum, 0.0, Relation::AtMost)
                .with_note(format!(
                    "slack 1/(2η) − Σ = {:.4} (ratio {:.4}); η·S(β_∞) = {es:.4}; ‖β_∞‖₁ = {l1:.4}",
                    bound - sum,
                    sum / bound
                )),
        );
    }
    let r = CheckResult::scalar(
        "N1",
        &task.name,
        "number of converged runs on the grid η·S_GF = 0.25 … 2.5 (at least 5)",
        5.0,
        converged as f64,
        0.0,
        Relation::AtMost,
    );
    out.push(CheckResult { pass: converged >= 5, ..r }.with_note(format!(
        "S_GF = {s_gf:.3}; {above} converged run(s) above η_c = 2/S_GF (edge of stability); not converged within 4e5 steps (η·S_GF: outcome): {}",
        skipped.join(", ")
    )));
    out
}

/// Records β_k and a_k² + b_k² (resp. u_k² + v_k²) at every step.
pub(super) struct Recorder<T: Real> {
    betas: Vec<Vec<T>>,
    scales: Vec<Vec<T>>,
    thetas: Vec<Vec<T>>,
}

impl<T: Real> Recorder<T> {
    fn new() -> Self {
        Recorder { betas: Vec::new(), scales: Vec::new(), thetas: Vec::new() }
    }
    fn record(&mut self, theta: &[T], beta: &[T]) {
        let d = beta.len();
        self.betas.push(beta.to_vec());
        self.scales.push((0..d).map(|i| theta[i].clone() * &theta[i] + &(theta[d + i].clone() * &theta[d + i])).collect());
        self.thetas.push(theta.to_vec());
    }
}

impl<T: Real> Observer<T> for Recorder<T> {
    fn observe(&mut self, _k: u64, theta: &[T], beta: &[T], _g: &[T], _eta: &T) {
        self.record(theta, beta);
    }
    fn finish(&mut self, theta: &[T], beta: &[T]) {
        self.record(theta, beta);
    }
}

/// Max over steps and coordinates of |β_PM − c′β_UV| / (a² + b²), and of
/// |a − (u + v)/√2|, |b − (u − v)/√2| relative to √(a² + b²).
pub(super) fn uv_pm_compare<T: Real>(uv: &Recorder<T>, pm: &Recorder<T>, beta_factor: i64) -> (f64, f64) {
    let (mut worst_beta, mut worst_theta) = (0.0f64, 0.0f64);
    if uv.betas.len() != pm.betas.len() {
        return (f64::INFINITY, f64::INFINITY);
    }
    for k in 0..uv.betas.len() {
        let d = uv.betas[k].len();
        let ctx = uv.betas[k][0].ctx();
        let c = T::from_i64(beta_factor, ctx);
        let r2 = T::from_i64(2, ctx).sqrt();
        for i in 0..d {
            let sc = pm.scales[k][i].clone();
            let e = ((pm.betas[k][i].clone() - &(uv.betas[k][i].clone() * &c)).abs() / &sc).to_f64();
            worst_beta = if e.is_finite() { worst_beta.max(e) } else { f64::INFINITY };
            let (u, v) = (&uv.thetas[k][i], &uv.thetas[k][d + i]);
            let wp = (u.clone() + v) / &r2;
            let wm = (u.clone() - v) / &r2;
            let root = sc.sqrt();
            let ea = ((pm.thetas[k][i].clone() - &wp).abs() / &root).to_f64();
            let eb = ((pm.thetas[k][d + i].clone() - &wm).abs() / &root).to_f64();
            worst_theta = worst_theta.max(ea).max(eb);
        }
    }
    (worst_beta, worst_theta)
}

pub(super) fn check_uv_pm(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let (task, alpha) = (gaussian(51, 10, 20, 3, 0.0, 0.0), 0.3);
    let scaled_y: Vec<Rational> = task.y.iter().map(|v| v.clone() * Rational::from(f.uv_pm_label_factor)).collect();
    let q = "max_k,i |β_PM,k,i − 2β_UV,k,i| / (a_k,i² + b_k,i²) over 2000 steps";
    let task_pm =
        match Task::new(format!("{} with y → {}y", task.name, f.uv_pm_label_factor), task.x.clone(), scaled_y, None, Rational::new()) {
            Ok(t) => t,
            Err(e) => return vec![CheckResult::failed("UV-PM", &task.name, q, e.to_string())],
        };
    let d64 = task.design::<f64>(());
    let sgf = match uv_gf_sharpness(&d64, alpha) {
        Ok(v) => v,
        Err(e) => return vec![CheckResult::failed("UV-PM", &task.name, q, e.to_string())],
    };
    let eta = 0.5 / sgf;
    let steps = 2000u64;
    #[allow(clippy::too_many_arguments)]
    fn both<T: Real>(
        task: &Task,
        task_pm: &Task,
        _d64: &Design<f64>,
        ctx: T::Ctx,
        alpha: f64,
        eta: f64,
        div: i64,
        steps: u64,
    ) -> (Recorder<T>, Recorder<T>, f64) {
        let (du, dp) = (task.design::<T>(ctx), task_pm.design::<T>(ctx));
        let a = T::from_f64(alpha, ctx);
        let e = T::from_f64(eta, ctx);
        let e_pm = e.clone() / &T::from_i64(div, ctx);
        let (mut ru, mut rp) = (Recorder::new(), Recorder::new());
        let run = run_gd(&Problem::new(&Uv, &du), &a, &GdConfig::exact_steps(e, steps, 0.0), &mut ru);
        run_gd(&Problem::new(&Pm, &dp), &a, &GdConfig::exact_steps(e_pm, steps, 0.0), &mut rp);
        (ru, rp, run.loss.to_f64())
    }
    let k = steps as f64;
    let (ru, rp, loss) = both::<f64>(&task, &task_pm, &d64, (), alpha, eta, f.uv_pm_eta_divisor, steps);
    let (eb, et) = uv_pm_compare(&ru, &rp, f.uv_pm_beta_factor);
    let tol = k * f64::EPSILON;
    out.push(
        CheckResult::scalar("UV-PM", &format!("{} α={alpha} ηS_GF=0.5, f64", task.name), q, 0.0, eb, tol, Relation::AbsoluteError).with_note(format!(
            "UV on (X, y) at η vs PM on (X, 2y) at η/4, both from α; iterates: max |a − (u+v)/√2|, |b − (u−v)/√2| relative to √(a²+b²) = {et:.2e}; final UV loss {loss:.2e}; tolerance K·ε = 2000·2^−52 (one roundoff per step, accumulated linearly)"
        )),
    );
    let p = s.precision;
    let (ru, rp, _) = both::<Float>(&task, &task_pm, &d64, p, alpha, eta, f.uv_pm_eta_divisor, steps);
    let (eb, et) = uv_pm_compare(&ru, &rp, f.uv_pm_beta_factor);
    let tol = k * 2f64.powi(1 - p as i32);
    out.push(
        CheckResult::scalar("UV-PM", &format!("{} α={alpha} ηS_GF=0.5, {p} bits", task.name), q, 0.0, eb, tol, Relation::AbsoluteError)
            .with_note(format!("iterates: {et:.2e}; tolerance K·2^(1−p)")),
    );
    out
}

// ---------------------------------------------------------------------------------------
