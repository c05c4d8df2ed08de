//! N1 (Nacson's stability sum) and UV-PM (the exact map between UV and PM).

use super::*;

/// N1's canonical grid of η·S_GF: k/4, k = 1 … 10, and two more points in the EoS window
/// (2.125, 2.375), where the bound is nearly attained.
const N1_GRID: [f64; 12] = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.125, 2.25, 2.375, 2.5];

pub(super) fn check_n1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let (task, alpha) = (gaussian(43, 10, 30, 3, 5.0, 0.0), 0.1);
    n1_case(f, &task, alpha, &AnyModel::Pm, &N1_GRID, 5, 400_000)
}

/// N1's tolerance: Σ x̄_i²|β_i| and 1/(2η) are evaluated in f64, d + 2 roundings relative to
/// the bound (a sum of d nonnegative terms and the quotient); nothing else is tolerated.
fn n1_tolerance(d: usize, bound: f64) -> f64 {
    (d + 2) as f64 * f64::EPSILON / 2.0 * bound
}

/// N1 on one task and model (PM, or SW where β ≥ 0 and the same Rayleigh quotient gives the
/// same bound): GD at η = g/S_GF for g in `grid`, and at every converged limit
/// Σ x̄_i²|β_i| ≤ 1/(2η). At least `min_converged` runs must converge (a requirement of the
/// measurement: the claim speaks of converged limits only).
pub(super) fn n1_case(
    f: &Formulas,
    task: &Task,
    alpha: f64,
    model: &AnyModel,
    grid: &[f64],
    min_converged: usize,
    max_steps: u64,
) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let design = task.design::<f64>(());
    let q = "Σ x̄_i²|β_i| at the converged limit vs 1/(2η)";
    let origin = "an inequality (proofs/N1.md): tolerance only the f64 rounding of its two sides, (d + 2)·2⁻⁵³ relative to 1/(2η)";
    let s_gf = match n1_sharpness_gf(&design, alpha, model) {
        Ok(s) => s,
        Err(e) => return vec![CheckResult::failed("N1", &task.name, q, e).kind(Kind::Prediction, origin)],
    };
    let (mut converged, mut above, mut skipped) = (0, 0, Vec::new());
    let mut worst_ratio = 0.0f64;
    for &g in grid {
        let eta = g / s_gf;
        let mut cfg = GdConfig::until_loss(eta, 1e-22);
        cfg.max_steps = max_steps;
        let run = run64(model, &design, alpha, &cfg, &mut NoObserver);
        if run.outcome != Outcome::Converged {
            skipped.push(format!("{g:.3}: {:?}", run.outcome));
            continue;
        }
        converged += 1;
        if g > 2.0 {
            above += 1;
        }
        let sum = (f.nacson_sum)(&design, &run.beta);
        let bound = (f.nacson_bound)(eta);
        let es = eta * op_norm(model, &design, &run.theta);
        let l1: f64 = run.beta.iter().map(|b| b.abs()).sum();
        worst_ratio = worst_ratio.max(sum / bound);
        out.push(
            CheckResult::scalar(
                "N1",
                &format!("{} ({}) α={alpha} η·S_GF={g:.3}", task.name, model.name()),
                q,
                bound,
                sum,
                n1_tolerance(design.d, bound),
                Relation::AtMost,
            )
            .kind(Kind::Prediction, origin)
            .with_note(format!(
                "slack 1/(2η) − Σ = {:.4} (ratio {:.4}); η·S(β_∞) = {es:.4}; ‖β_∞‖₁ = {l1:.4}",
                bound - sum,
                sum / bound
            )),
        );
    }
    let r = CheckResult::scalar(
        "N1",
        &format!("{} ({})", task.name, model.name()),
        &format!("number of converged runs on the grid η·S_GF = {:.3} … {:.3} (at least {min_converged})", grid[0], grid[grid.len() - 1]),
        min_converged as f64,
        converged as f64,
        0.0,
        Relation::AtLeast,
    );
    out.push(
        CheckResult { pass: converged >= min_converged, ..r }
            .kind(Kind::Solver, "a requirement of the measurement, not of the claim: the bound is about converged limits, so enough runs must converge to test it")
            .with_note(format!(
                "S_GF = {s_gf:.3}; {above} converged run(s) above η_c = 2/S_GF (edge of stability); largest Σ/(1/(2η)) = {worst_ratio:.4}; not converged within {max_steps} steps (η·S_GF: outcome): {}",
                skipped.join(", ")
            )),
    );
    out
}

/// The sharpness at the gradient-flow limit, the scale of N1's learning rates: PM at
/// Woodworth's limit; SW at β_GF = α²·exp(Xᵀν) (T3), solved as the one-sided hyperbolic link
/// ½(2α²e^z − 0) by the log-domain dual Newton.
fn n1_sharpness_gf(design: &Design<f64>, alpha: f64, model: &AnyModel) -> std::result::Result<f64, String> {
    let s = match model {
        AnyModel::Pm => pot::woodworth_limit(design, &alpha).map(|b| op_norm(&Pm, design, &pm_theta(&b, alpha))),
        AnyModel::Sw => {
            let link = pot::Hyperbolic::from_coefficients(&vec![2.0 * alpha * alpha; design.d], &vec![0.0; design.d]);
            pot::hyperbolic_limit(design, &link).map(|b| op_sharpness(design, &b))
        }
        _ => return Err(format!("model {} not covered", model.name())),
    }
    .map_err(|e| e.to_string())?;
    if s.is_finite() && s > 0.0 {
        Ok(s)
    } else {
        Err(format!("S_GF = {s}"))
    }
}

/// The grid of N1 on any task: η·S_GF = 0.5, 1.5, 2.2, 2.5.
const N1_TASK_GRID: [f64; 4] = [0.5, 1.5, 2.2, 2.5];

/// The step budget of N1's runs on any task.
const N1_TASK_STEPS: u64 = 200_000;

/// N1 on any task: PM and SW (the two models whose S at an interpolator bounds
/// 4Σ x̄_i²|β_i|), GD at η·S_GF of [`N1_TASK_GRID`].
pub(super) fn n1_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    n1_case(f, &case.task, case.alpha.nearest(), &case.model, &N1_TASK_GRID, 1, N1_TASK_STEPS)
}

/// N1's hypotheses: the SW or PM model, an interpolating task (rank X = n), α > 0, and a
/// limit to test: S_GF is computable and the flow-aligned run (η·S_GF = 0.5) converges within
/// the step budget (the claim speaks of converged limits only).
pub(super) fn n1_applies(case: &TaskCase) -> std::result::Result<(), String> {
    if !matches!(case.model, AnyModel::Sw | AnyModel::Pm) {
        return Err(format!("model {}: N1 is stated for PM (and holds for SW); for UV S bounds 2Σx̄²|β|", case.model.name()));
    }
    if case.alpha <= 0 {
        return Err("α ≤ 0".into());
    }
    full_row_rank(&case.task)?;
    let design = case.task.design::<f64>(());
    let alpha = case.alpha.nearest();
    let s_gf = n1_sharpness_gf(&design, alpha, &case.model)?;
    let mut cfg = GdConfig::until_loss(N1_TASK_GRID[0] / s_gf, 1e-22);
    cfg.max_steps = N1_TASK_STEPS;
    let run = run64(&case.model, &design, alpha, &cfg, &mut NoObserver);
    if run.outcome != Outcome::Converged {
        return Err(format!(
            "GD at η·S_GF = {} ends {:?} within {N1_TASK_STEPS} steps: no converged limit to test",
            N1_TASK_GRID[0], run.outcome
        ));
    }
    Ok(())
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
pub(super) fn uv_pm_compare<T: Real>(uv: &Recorder<T>, pm: &Recorder<T>, beta_factor: f64) -> (f64, f64) {
    let (mut worst_beta, mut worst_theta) = (0.0f64, 0.0f64);
    if uv.betas.len() != pm.betas.len() {
        return (f64::INFINITY, f64::INFINITY);
    }
    for k in 0..uv.betas.len() {
        let d = uv.betas[k].len();
        let ctx = uv.betas[k][0].ctx();
        let c = T::from_f64(beta_factor, ctx);
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
    uv_pm_case(f, s, &gaussian(51, 10, 20, 3, 0.0, 0.0), 0.3)
}

pub(super) fn uv_pm_on_task(f: &Formulas, s: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    uv_pm_case(f, s, &case.task, case.alpha.nearest())
}

/// UV-PM applies to every task and α > 0: the map is exact, and the tolerance is the
/// amplification-aware rounding bound of [`uv_pm_error_bound`] (at small α the 2000 steps are
/// spent escaping the saddle at 0, where rounding is amplified; the bound carries that growth).
/// Only a finite run is required (η = 0.5/S_GF with S_GF computable).
pub(super) fn uv_pm_applies(case: &TaskCase) -> std::result::Result<(), String> {
    let a = case.alpha.nearest();
    if !(a.is_finite() && a > 0.0) {
        return Err(format!("α = {a:e}: not a positive finite scale"));
    }
    let design = case.task.design::<f64>(());
    let sgf = uv_gf_sharpness(&design, a).map_err(|e| format!("S_GF: {e}"))?;
    if !(sgf.is_finite() && sgf > 0.0) {
        return Err(format!("S_GF = {sgf}"));
    }
    Ok(())
}

fn to64<T: Real>(v: &[Vec<T>]) -> Vec<Vec<f64>> {
    v.iter().map(|t| t.iter().map(|x| x.to_f64()).collect()).collect()
}

fn uv_pm_case(f: &Formulas, s: &Settings, task: &Task, alpha: f64) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let scaled_y: Vec<Rational> = task.y.iter().map(|v| v.clone() * Rational::from(f.uv_pm_label_factor)).collect();
    let q = "max_k,i |β_PM,k,i − 2β_UV,k,i| / (a_k,i² + b_k,i²) over 2000 steps";
    let task_pm =
        match Task::new(format!("{} with y → {}y", task.name, f.uv_pm_label_factor), task.x.clone(), scaled_y, None, Rational::new()) {
            Ok(t) => t,
            Err(e) => return vec![CheckResult::failed("UV-PM", &task.name, q, e.to_string()).kind(Kind::Prediction, "no run")],
        };
    let d64 = task.design::<f64>(());
    let sgf = match uv_gf_sharpness(&d64, alpha) {
        Ok(v) => v,
        Err(e) => return vec![CheckResult::failed("UV-PM", &task.name, q, e.to_string()).kind(Kind::Prediction, "no run")],
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
        div: f64,
        steps: u64,
    ) -> (Recorder<T>, Recorder<T>, f64) {
        let (du, dp) = (task.design::<T>(ctx), task_pm.design::<T>(ctx));
        let a = T::from_f64(alpha, ctx);
        let e = T::from_f64(eta, ctx);
        let e_pm = e.clone() / &T::from_f64(div, ctx);
        let (mut ru, mut rp) = (Recorder::new(), Recorder::new());
        let run = run_gd(&Problem::new(&Uv, &du), &a, &GdConfig::exact_steps(e, steps, 0.0), &mut ru);
        run_gd(&Problem::new(&Pm, &dp), &a, &GdConfig::exact_steps(e_pm, steps, 0.0), &mut rp);
        (ru, rp, run.loss.to_f64())
    }
    let dp64 = task_pm.design::<f64>(());
    // The tolerance is computed with the correct map (η/4): a broken divisor changes the runs,
    // not the bound of the exact map's rounding.
    let bound_of = |ru: &[Vec<f64>], rp: &[Vec<f64>], u: f64| {
        let e = uv_pm_error_bound(&d64, &dp64, alpha, eta, eta / 4.0, ru, rp);
        (uv_pm_tolerance(&e, rp, u), e.last().copied().unwrap_or(f64::NAN))
    };
    let (ru, rp, loss) = both::<f64>(&task, &task_pm, &d64, (), alpha, eta, f.uv_pm_eta_divisor, steps);
    let (eb, et) = uv_pm_compare(&ru, &rp, f.uv_pm_beta_factor);
    let (tol, e_last) = bound_of(&ru.thetas, &rp.thetas, f64::EPSILON / 2.0);
    let origin = "rounding only (proofs/UV-PM.md: the map is exact): a first-order bound E_k on the two runs' difference, E_{k+1} = ‖I − η∇²L(θ_k)‖₂E_k + ρ_PM,k + ρ_UV,k (the local roundings of each step, from the standard model), carried along the run by the step Jacobians' norms (amplification while GD escapes the saddle at 0 included); tolerance 1.01·max_k,i [2uE_k/r_k,i + (uE_k/r_k,i)² + 3u], r = √(a² + b²)";
    out.push(
        CheckResult::scalar("UV-PM", &format!("{} α={alpha} ηS_GF=0.5, f64", task.name), q, 0.0, eb, tol, Relation::AbsoluteError)
            .kind(Kind::Prediction, origin)
            .with_note(format!(
                "UV on (X, y) at η vs PM on (X, 2y) at η/4, both from α; iterates: max |a − (u+v)/√2|, |b − (u−v)/√2| relative to √(a²+b²) = {et:.2e}; final UV loss {loss:.2e}; E_K = {e_last:.3e}·u; the earlier linear bound K·2⁻⁵² = {:.2e}", steps as f64 * f64::EPSILON
            )),
    );
    let p = s.precision;
    let (ru, rp, _) = both::<Float>(&task, &task_pm, &d64, p, alpha, eta, f.uv_pm_eta_divisor, steps);
    let (eb, et) = uv_pm_compare(&ru, &rp, f.uv_pm_beta_factor);
    let (tol, e_last) = bound_of(&to64(&ru.thetas), &to64(&rp.thetas), 2f64.powi(-(p as i32)));
    out.push(
        CheckResult::scalar("UV-PM", &format!("{} α={alpha} ηS_GF=0.5, {p} bits", task.name), q, 0.0, eb, tol, Relation::AbsoluteError)
            .kind(Kind::Prediction, origin)
            .with_note(format!("iterates: {et:.2e}; E_K = {e_last:.3e}·u, u = 2^(−p)")),
    );
    out
}

// ---------------------------------------------------------------------------------------
