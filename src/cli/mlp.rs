//! `normsharp mlp`: the seed paper's experiment on the digits MLP ([`crate::experiments::mlp`]):
//! full-batch GD to a loss threshold at each η, with the gradient-flow reference and η_c.

use super::args::{rate, with_threads};
use super::print::print_object;
use crate::error::{Error, Result};
use crate::experiments::mlp::{run_mlp_sweep, MlpConfig};
use crate::experiments::sweep::{grid, Spacing};
use crate::numeric::parallel::Progress;
use clap::Args;
use serde_json::{json, Map};

/// Arguments of `normsharp mlp`.
#[derive(Debug, Args)]
pub(super) struct MlpArgs {
    /// Smallest learning rate (> 0).
    #[arg(long)]
    eta_min: String,
    /// Largest learning rate (> eta-min).
    #[arg(long)]
    eta_max: String,
    /// Number of learning rates (2 ≤ N ≤ 1000).
    #[arg(long, default_value_t = 12)]
    points: usize,
    /// Log-spaced rates (default: linear).
    #[arg(long)]
    log: bool,
    /// Seed of the initialization.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (results do not depend on it).
    #[arg(long)]
    threads: Option<usize>,
    /// The quick network of `verify` (60 training images, 16 hidden units) instead of 180 and 32.
    #[arg(long)]
    quick: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn mlp(a: MlpArgs) -> Result<i32> {
    let (lo, hi) = (rate("--eta-min", &a.eta_min)?, rate("--eta-max", &a.eta_max)?);
    if hi <= lo {
        return Err(Error::arg("--eta-max", format!("{hi} ≤ --eta-min {lo}"), "a rate above --eta-min"));
    }
    if !(2..=1000).contains(&a.points) {
        return Err(Error::arg("--points", format!("{}", a.points), "an integer with 2 ≤ N ≤ 1000"));
    }
    let etas = grid(lo, hi, a.points, if a.log { Spacing::Log } else { Spacing::Linear })?;
    let cfg = if a.quick { MlpConfig::quick(a.seed) } else { MlpConfig::full(a.seed) };
    let progress = Progress::new(!a.json, etas.len(), "mlp");
    let s = with_threads(a.threads, || run_mlp_sweep(&cfg, &etas, &progress))??;
    progress.finish();
    let mut out = Map::new();
    out.insert("network".into(), json!({ "inputs": 64, "hidden": cfg.hidden, "outputs": 3, "activation": "tanh", "loss": "squared, (1/2n)Σ‖f(x) − y‖²", "params": s.params, "n_train": s.n_train, "n_test": s.n_test, "data": "UCI optical digits 3/5/8 (assets/digits, CC BY 4.0)", "seed": cfg.seed, "loss_threshold": cfg.loss_threshold }));
    out.insert("sharpness_init".into(), json!(s.sharpness_init));
    out.insert(
        "rows".into(),
        json!(s
            .rows
            .iter()
            .map(|r| json!({
                "eta": r.eta, "outcome": r.outcome, "steps": r.steps, "loss": r.loss, "sharpness": r.sharpness,
                "sharpness_residual": r.sharpness_residual, "l1": r.l1, "l2": r.l2, "test_error": r.test_error,
                "train_error": r.train_error, "first_loss_rise": r.first_rise, "loss_rises": r.rises,
                "slack": r.curvature.map(|c| c.slack()),
                "sharpness_at_last_rise": r.last_rise_curvature.map(|c| c.sharpness),
            }))
            .collect::<Vec<_>>()),
    );
    out.insert("gradient_flow".into(), serde_json::to_value(&s.gf).unwrap_or_default());
    out.insert("eta_c_predicted".into(), json!(2.0 / s.gf.s_max[2]));
    out.insert("eta_c_measured".into(), json!(s.eta_c_measured()));
    out.insert("eta_c_bracket".into(), json!(s.onset_bracket()));
    out.insert(
        "best_test_error".into(),
        json!(s.best_test_error().map(|(e, eta, inside)| json!({ "test_error": e, "eta": eta, "strictly_inside": inside }))),
    );
    let verdicts = crate::claims::mlp::verdicts_on(&s);
    out.insert("claims".into(), json!(verdicts.iter().map(|o| {
        let failed: Vec<_> = o.checks.iter().filter(|c| c.fails_claim()).map(|c| json!({ "task": c.task, "quantity": c.quantity, "predicted": c.predicted, "measured": c.measured, "tolerance": c.tolerance })).collect();
        json!({ "id": o.id, "verdict": o.verdict, "reason": o.reason, "checks": o.checks.len(), "failed_checks": failed })
    }).collect::<Vec<_>>()));
    print_object(&out, a.json)?;
    Ok(0)
}
