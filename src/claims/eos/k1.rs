//! K1 (Kreisler et al. 2023; proofs/K1.md): along GD the sharpness of the gradient-flow limit
//! from the current iterate is non-increasing (SW, one sample).

use super::*;

/// Along f64 GD at η from α·1: S_k = ‖∇²L‖_op at the gradient-flow limit from w_k. Returns
/// (S_0, S_end, the largest step increase relative to S_0, the number of increases above
/// `tol`·S_0, the number of steps where some weight changes sign, the steps, the outcome).
struct K1Trace {
    s0: f64,
    s_end: f64,
    max_rise: f64,
    rises: usize,
    flips: usize,
    /// The largest rise over steps that changed the sign of some weight ((H) fails there).
    max_rise_flip: f64,
    steps: usize,
    converged: bool,
    error: Option<String>,
}

/// S at a GF limit β: the operator norm of the Hessian at √β ([`op_sharpness`]).
pub(super) type SharpnessOf = fn(&Design<f64>, &[f64]) -> f64;

/// S at an interpolator of one sample, closed form: 4·Σ x_i²β_i (THEORY.md §2, T1).
pub(super) fn one_sample_sharpness(design: &Design<f64>, beta: &[f64]) -> f64 {
    4.0 * design.row(0).iter().zip(beta).map(|(x, b)| x * x * b).sum::<f64>()
}

fn k1_trace(task: &Task, alpha: f64, eta: f64, formula: GfLimitFrom, sharp: SharpnessOf, tol: f64, max_steps: usize) -> K1Trace {
    let design = task.design::<f64>(());
    let x = design.row(0).to_vec();
    let y = design.y[0];
    let mut w = vec![alpha; x.len()];
    let mut t = K1Trace {
        s0: f64::NAN,
        s_end: f64::NAN,
        max_rise: 0.0,
        rises: 0,
        flips: 0,
        max_rise_flip: 0.0,
        steps: 0,
        converged: false,
        error: None,
    };
    let mut prev: Option<f64> = None;
    let mut flipped = false;
    for k in 0..=max_steps {
        let s = match formula(&x, &w, y) {
            Ok(b) => sharp(&design, &b),
            Err(e) => {
                t.error = Some(format!("step {k}: {e}"));
                break;
            }
        };
        if k == 0 {
            t.s0 = s;
        }
        if let Some(p) = prev {
            let rise = (s - p) / t.s0;
            if !rise.is_finite() {
                t.error = Some(format!("step {k}: S = {s}"));
                break;
            }
            if flipped {
                t.max_rise_flip = t.max_rise_flip.max(rise);
            } else {
                t.max_rise = t.max_rise.max(rise);
            }
            if rise > tol {
                t.rises += 1;
            }
        }
        prev = Some(s);
        t.s_end = s;
        t.steps = k;
        let r = x.iter().zip(&w).map(|(xi, wi)| xi * wi * wi).sum::<f64>() - y;
        if 0.5 * r * r < 1e-24 {
            t.converged = true;
            break;
        }
        flipped = x.iter().any(|xi| 1.0 - 2.0 * eta * xi * r <= 0.0);
        if flipped {
            t.flips += 1;
        }
        for (wi, xi) in w.iter_mut().zip(&x) {
            *wi *= 1.0 - 2.0 * eta * xi * r;
        }
    }
    t
}

/// The origin of K1's tolerance.
const K1_ORIGIN: &str = "f64 rounding of S_GF(w) = S(w²e^{c·x}), twice (two consecutive values): the root c of Σx_iw_i²e^{cx_i} = y is exact to its residual, d·2⁻⁵³·y, which moves S = 4Σx_i²β_i by at most d·2⁻⁵³·x_max/x_min relative (∂S/∂c = 4Σx_i³β_i ≤ x_max·S and ∂(Σx_iβ_i)/∂c ≥ x_min·y); the Hessian's top eigenvalue adds d·2⁻⁵³ (backward stable); so 2·d·(1 + x_max/x_min)·2⁻⁵³ relative to S_0";

/// K1's tolerance on a step's rise, relative to S_0: 2·d·(1 + x_max/x_min)·2⁻⁵³ ([`K1_ORIGIN`]).
fn k1_tolerance(x: &[f64]) -> f64 {
    let xmax = x.iter().copied().fold(0.0, f64::max);
    let xmin = x.iter().copied().fold(f64::INFINITY, f64::min);
    2.0 * x.len() as f64 * (1.0 + xmax / xmin) * f64::EPSILON / 2.0
}

pub(super) fn check_k1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let mut out = Vec::new();
    for c in single_sample_cases() {
        out.extend(k1_on(f, &c, op_sharpness, 200_000));
        // Reported, not asserted: the first non-converging η of the shared sweep.
        let alpha = c.alpha.nearest();
        let tol = k1_tolerance(c.task.design::<f64>(()).row(0));
        if let (Ok(m), Some(last)) = (measured(&c, &AnyModel::Sw), out.last_mut()) {
            if let Some(row) = m.0.rows.iter().find(|r| r.outcome != Outcome::Converged && r.outcome != Outcome::Diverged) {
                let t = k1_trace(&c.task, alpha, row.eta, f.gf_limit_from, op_sharpness, tol, 20_000);
                last.note += &format!(
                    ". Beyond convergence, at η = {:.6} ({:?}): over {} steps the largest rise is {:.2e}, {} rises above tol, {} sign-change steps",
                    row.eta, row.outcome, t.steps, t.max_rise.max(t.max_rise_flip), t.rises, t.flips
                );
            }
        }
    }
    out
}

/// K1 on one case (one sample): GD at 0.5, 1.1 and 1.5 times 2/s_GF, the rise of S_GF asserted
/// over the steps where no weight changes sign (proofs/K1.md's hypothesis (H)); rises at the
/// other steps are reported.
pub(super) fn k1_on(f: &EosFormulas, c: &Case, sharp: SharpnessOf, max_steps: usize) -> Vec<CheckResult> {
    let q = "max_k (S_GF(w_{k+1}) − S_GF(w_k))/S_GF(w_0) along GD (S_GF(w) = S at the GF limit from w)";
    let design = c.task.design::<f64>(());
    let alpha = c.alpha.nearest();
    let tol = k1_tolerance(design.row(0));
    let Ok(gf) = pred::beta_gf(&design, &alpha) else {
        return vec![CheckResult::failed("K1", &c.label, q, "β_GF failed".into()).kind(Kind::Prediction, K1_ORIGIN)];
    };
    let eta_c = pred::gf_path_sharpness_max(&design, alpha, &gf).map_or(f64::NAN, pred::eta_critical);
    let mut out = Vec::new();
    for factor in [0.5, 1.1, 1.5] {
        let eta = factor * eta_c;
        let t = k1_trace(&c.task, alpha, eta, f.gf_limit_from, sharp, tol, max_steps);
        let lbl = format!("{} η = {factor}·η_c", c.label);
        if let Some(e) = t.error {
            out.push(CheckResult::failed("K1", &lbl, q, e).kind(Kind::Prediction, K1_ORIGIN));
            continue;
        }
        let mut r = CheckResult::scalar("K1", &lbl, q, 0.0, t.max_rise, tol, Relation::AtMost).kind(Kind::Prediction, K1_ORIGIN).with_note(format!(
            "[lit: Kreisler et al. 2023; derived for steps where no weight changes sign] {} steps ({}), S_GF from {:.8} to {:.8}; {} rises above tol; {} steps where a weight changes sign (the proof's hypothesis fails there){}",
            t.steps,
            if t.converged { "converged" } else { "not converged" },
            t.s0,
            t.s_end,
            t.rises,
            t.flips,
            if t.flips > 0 { format!(", the largest rise after one of them {:.2e}", t.max_rise_flip) } else { String::new() }
        ));
        r.pass &= t.steps > 0;
        out.push(r);
    }
    out
}
