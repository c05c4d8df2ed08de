//! T4: GD's exact product form and its effective initialization.

use super::*;

pub(super) fn t4_run(
    c: &Case,
    f: &PaperFormulas,
    eta_factor: f64,
    prec: Option<u32>,
    steps: Option<u64>,
) -> std::result::Result<(RunResult<Float>, ProductIdentity<Float>), String> {
    let p = prec.unwrap_or(53);
    let design = c.task.design::<Float>(p);
    let d64 = c.task.design::<f64>(());
    let alpha = Float::with_val(p, &c.alpha);
    let gf = (f.beta_gf)(&c.task, &c.alpha, 128).map_err(|e| e.to_string())?;
    let gf64: Vec<f64> = gf.iter().map(Float::to_f64).collect();
    let eta = Float::with_val(p, eta_factor / op_sharpness(&d64, &gf64));
    let mut cfg = match steps {
        Some(n) => GdConfig::exact_steps(eta, n, 1e-28),
        None => GdConfig::until_loss(eta, 1e-28),
    };
    cfg.max_steps = 2_000_000;
    let mut obs = ProductIdentity::new(&alpha, c.task.d());
    obs.s_coefficient = f.t4_s_coefficient;
    let run = run_gd(&Problem::new(&Sw, &design), &alpha, &cfg, &mut obs);
    Ok((run, obs))
}

pub(super) fn check_t4_identity(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let f = &f.paper;
    let mut out = Vec::new();
    let q = "max_k,i |β_k,i − α²e^{s_k,i − Gain_k,i}| / β_k,i";
    for c in all_cases() {
        // f64 (53-bit) runs to convergence at η = 1/S_GF (half the stability limit).
        match t4_run(&c, f, 1.0, None, None) {
            Ok((run, obs)) => out.push(
                CheckResult::scalar("T4-identity", &c.label, q, 0.0, obs.max_rel_err, 1e-12, Relation::AbsoluteError)
                    .with_note(format!("53-bit run, {} steps, outcome {:?}", run.steps, run.outcome)),
            ),
            Err(e) => out.push(CheckResult::failed("T4-identity", &c.label, q, e)),
        }
    }
    // High precision: 2000 steps at `precision` bits; the rounding bound is 2^(30 − p).
    let c = &single_sample_cases()[0];
    let tol = 2f64.powi(30 - s.precision as i32);
    match t4_run(c, f, 1.0, Some(s.precision), Some(2000)) {
        Ok((_, obs)) => out.push(
            CheckResult::scalar(
                "T4-identity",
                &format!("{} at {} bits", c.label, s.precision),
                q,
                0.0,
                obs.max_rel_err,
                tol,
                Relation::AbsoluteError,
            )
            .with_note("2000 steps"),
        ),
        Err(e) => out.push(CheckResult::failed("T4-identity", &c.label, q, e)),
    }
    out
}

pub(super) fn check_t4_limit(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.paper;
    let mut out = Vec::new();
    let q = "GD limit vs entropy minimizer at α_∞";
    for c in all_cases() {
        let (run, obs) = match t4_run(&c, f, 1.0, None, None) {
            Ok(v) => v,
            Err(e) => {
                out.push(CheckResult::failed("T4-limit", &c.label, q, e));
                continue;
            }
        };
        let alpha = Float::with_val(53, &c.alpha);
        let alpha2 = alpha.clone() * &alpha;
        let a: Vec<f64> = obs.gain.iter().map(|g| (f.alpha_inf_sq)(&alpha2, g).to_f64()).collect();
        let design = c.task.design::<f64>(());
        match pred::entropy_limit(&design, &a) {
            Ok(p) => {
                let measured: Vec<f64> = run.beta.iter().map(Float::to_f64).collect();
                let gf = pred::beta_gf(&design, &c.alpha.nearest()).unwrap_or_default();
                let off = gf.iter().zip(&measured).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
                out.push(
                    CheckResult::vector("T4-limit", &c.label, q, &p, &measured, 1e-9, Relation::RelativeError)
                        .with_note(format!("η = 1/S_GF; plain β_GF is off by {off:.2e}")),
                );
            }
            Err(e) => out.push(CheckResult::failed("T4-limit", &c.label, q, e.to_string())),
        }
    }
    out
}

pub(super) fn check_t4_gain(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.paper;
    let mut out = Vec::new();
    for c in single_sample_cases() {
        let q = "positions where the order of Gain_i differs from the predicted order";
        match t4_run(&c, f, 1.0, None, None) {
            Ok((_, obs)) => {
                let gains: Vec<f64> = obs.gain.iter().map(Float::to_f64).collect();
                let mut measured: Vec<usize> = (0..gains.len()).collect();
                measured.sort_by(|&i, &j| gains[i].total_cmp(&gains[j]));
                let predicted = (f.gain_order)(&c.task.x[0]);
                let mismatches = predicted.iter().zip(&measured).filter(|(a, b)| a != b).count();
                let shown: Vec<String> = gains.iter().map(|g| format!("{g:.3e}")).collect();
                out.push(
                    CheckResult::scalar("T4-gain", &c.label, q, 0.0, mismatches as f64, 0.0, Relation::AbsoluteError)
                        .with_note(format!("gains {shown:?}; predicted ascending order {predicted:?}")),
                );
            }
            Err(e) => out.push(CheckResult::failed("T4-gain", &c.label, q, e)),
        }
    }
    out
}

/// T4 [derived]: for one sample the gain increases with x_i, so the coordinates sorted by
/// gain are the coordinates sorted by x (ascending; x distinct).
pub fn gain_order_by_x(x: &[Rational]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&i, &j| x[i].cmp(&x[j]));
    idx
}
