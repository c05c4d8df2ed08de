//! Claims about continuous-time descriptions of GD at the edge of stability (THEORY.md §4 C).

use super::*;
use crate::theory::central_flow::{central_flow, CentralFlowConfig};
use crate::dynamics::{GdConfig, Outcome};
use crate::problem::model::{AnyModel, Parametrization};
use crate::theory::predictions as pred;
use crate::numeric::vector::dist;

/// The formulas of the flow claims. [`FlowFormulas::default`] holds the correct ones.
#[derive(Clone, Copy)]
pub struct FlowFormulas {
    /// The c in the central flow's σ² = c·⟨−∇L, ∇S⟩/‖∇S‖² (2).
    pub sigma2_factor: f64,
}

impl Default for FlowFormulas {
    fn default() -> Self {
        FlowFormulas { sigma2_factor: 2.0 }
    }
}


/// C1 on one task: the central-flow limit is closer to GD's limit than the GF limit is.
fn c1_case(model: &AnyModel, task: &Task, alpha: f64, eta: f64, f: &FlowFormulas) -> CheckResult {
    let label = format!("{} {} α={alpha} η={eta}", model.name(), task.name);
    let q = "‖CF − GD‖ / ‖GF − GD‖ (central flow must beat gradient flow)";
    let design = task.design::<f64>(());
    let mut cfg = GdConfig::until_loss(eta, 1e-26);
    cfg.max_steps = 1_000_000;
    cfg.record_every = 1;
    let gd = run_gd(&Problem::new(model, &design), &alpha, &cfg, &mut NoObserver);
    if gd.outcome != Outcome::Converged {
        return CheckResult::failed("C1", &label, q, format!("GD outcome {:?}", gd.outcome));
    }
    // GF limit: the central flow with σ² ≡ 0 is gradient flow (same integrator).
    let theta0 = model.init(task.d(), &alpha);
    let cf = central_flow(model, &design, &theta0, &CentralFlowConfig { sigma2_factor: f.sigma2_factor, ..CentralFlowConfig::new(eta) });
    let gf = central_flow(
        model,
        &design,
        &theta0,
        &CentralFlowConfig {
            sigma2_factor: 0.0,
            eta: eta * 1e-3,
            dt: 50.0,
            max_time: 2e7,
            sample_every: 1e5,
            ..CentralFlowConfig::new(eta)
        },
    );
    let (d_cf, d_gf) = (dist(&cf.beta, &gd.beta), dist(&gf.beta, &gd.beta));
    let ratio = d_cf / d_gf;
    let mut note =
        format!("‖CF − GD‖ = {d_cf:.3e}, ‖GF − GD‖ = {d_gf:.3e}; CF spent {:.0} of {:.0} steps at S = 2/η", cf.time_at_edge, cf.time);
    if task.d() == 2 && *model == AnyModel::Sw {
        let (x, y) = task.single_sample_positive().expect("canonical task");
        if let Ok(a) = pred::ansatz_d2(x, y, &Rational::from_f64(eta).expect("finite")) {
            let a: Vec<f64> = a.iter().map(Nearest::nearest).collect();
            note += &format!("; ‖CF − T7 ansatz‖ = {:.2e}", dist(&cf.beta, &a));
        }
    }
    note += &time_averaged_loss(&cf.samples, &gd.trace);
    let mut r = CheckResult::scalar("C1", &label, q, 1.0, ratio, 0.0, Relation::AtMost);
    r.pass = r.pass && ratio < 1.0 && cf.converged;
    r.with_note(note)
}

/// THEORY.md §4 C: along the edge phase, E L ≈ L(θ(t)) + σ²/η. At every central-flow sample
/// with σ² > 0, compare GD's loss averaged over steps t ± 16 with the prediction and with the
/// flow's own L(θ(t)); reported (the geometric mean and range of the ratios), not asserted.
fn time_averaged_loss(samples: &[[f64; 4]], trace: &[crate::dynamics::TracePoint]) -> String {
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for &[t, loss, predicted, _] in samples {
        if predicted <= loss || !(predicted > 0.0) {
            continue;
        }
        let k = t.round() as usize;
        if k < 16 || k + 16 >= trace.len() {
            continue;
        }
        let avg = trace[k - 16..=k + 16].iter().map(|p| p.loss).sum::<f64>() / 33.0;
        with.push(avg / predicted);
        without.push(avg / loss.max(f64::MIN_POSITIVE));
    }
    if with.is_empty() {
        return "; no edge-phase samples to compare the time-averaged loss".into();
    }
    let gmean = |v: &[f64]| (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp();
    let range = |v: &[f64]| (v.iter().cloned().fold(f64::INFINITY, f64::min), v.iter().cloned().fold(0.0, f64::max));
    let ((a, b), (c, e)) = (range(&with), range(&without));
    format!(
        "; time-averaged loss over {} edge samples: GD/(L + σ²/η) = {:.3} [{a:.2}, {b:.2}], GD/L(θ(t)) = {:.3e} [{c:.2e}, {e:.2e}]",
        with.len(),
        gmean(&with),
        gmean(&without)
    )
}

fn check_c1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.flows;
    let mut out = Vec::new();
    for (eta, alpha) in [(0.3, 1e-3), (0.4, 1e-3)] {
        out.push(c1_case(&AnyModel::Sw, &canonical_two(), alpha, eta, f));
    }
    for (eta, alpha) in [(0.16, 1e-3), (0.2, 0.1)] {
        out.push(c1_case(&AnyModel::Sw, &canonical_four(), alpha, eta, f));
    }
    out.push(c1_case(&AnyModel::Pm, &canonical_four(), 1e-3, 0.16, f));
    out
}

/// The flow claims.
pub fn claims() -> Vec<Claim> {
    vec![Claim::new("C1", "At EoS the central-flow limit is closer to GD's limit than the gradient-flow limit is", "lit: Cohen, Damian et al. 2024", false, check_c1)]
}
