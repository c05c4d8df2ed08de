//! The EoS claims on any task (a user's task or a seeded family's): one small learning-rate
//! sweep per (task, α), shared by T6a, T6b, T6c, H1 and P1, and K1's own short GD runs.
//!
//! The sweep's range uses T5's thresholds only (never the T6 prediction): for one sample,
//! 8 log-spaced rates from min(1/(8x_max y), ½/S(α·1)) to 1/(2x_max y) (where β_N loses
//! stability) and 16 from there to 1.1/(2x_min y) (where no interpolator is stable), refined
//! to 48 rows where the outcome changes or S jumps by 2% (leftmost first: the EoS regime
//! before the chaotic window); for several samples the default grid of `normsharp sweep`.

use super::*;
use crate::claims::registry::TaskCase;
use crate::experiments::sweep::{default_grid, run_sweep_memo, RowMemo};
use std::collections::HashMap;

/// Rows of the per-task sweep: grid points below and above 1/(2x_max y), and the budget.
const BELOW: usize = 8;
const ABOVE: usize = 16;
const BUDGET: usize = 48;

/// The per-task sweep settings: log spacing, 10⁶ steps, refined to [`BUDGET`] rows, and
/// converged at loss 1e-20 (not the canonical 1e-24: close to the edge, 2 − ηS ~ 1e-3, f64
/// GD stalls at a loss floor ~1e-24 on some family tasks, where the rounding of the update
/// 1 − 2ηx_i r is comparable to the contraction per step; T6b's per-task tolerance is derived
/// from each row's own loss).
fn task_sweep_config(alpha: &Rational) -> SweepConfig {
    let mut cfg = SweepConfig::new(AnyModel::Sw, alpha.clone());
    cfg.loss_tol = 1e-20;
    cfg.spacing = Spacing::Log;
    cfg.refine = Some(Refine::with_budget(BUDGET));
    cfg
}

/// The learning rates of the per-task sweep (module doc).
fn task_etas(task: &Task, cfg: &SweepConfig) -> std::result::Result<Vec<f64>, String> {
    let Ok((x, y)) = task.single_sample_positive() else {
        return default_grid(task, cfg, BELOW + ABOVE).map_err(|e| e.to_string());
    };
    let design = task.design::<f64>(());
    let a2 = cfg.alpha.nearest().powi(2);
    let s_init = op_sharpness(&design, &vec![a2; task.d()]);
    let mid = pred::eta_unstable_norm_min(x, y).nearest();
    let lo = (mid / 4.0).min(0.5 / s_init);
    let hi = pred::eta_no_stable_interpolator(x, y).nearest() * 1.1;
    let mut etas = grid(lo, mid, BELOW, Spacing::Log).map_err(|e| e.to_string())?;
    etas.extend(grid(mid, hi, ABOVE + 1, Spacing::Log).map_err(|e| e.to_string())?.into_iter().skip(1));
    Ok(etas)
}

type Cell = Arc<OnceLock<std::result::Result<Measured, String>>>;

/// The per-task sweep and its regimes, computed once per (task, α) and process (concurrent
/// callers on the same task wait for the first; different tasks run in parallel).
pub(super) fn task_measured(c: &TaskCase) -> std::result::Result<Measured, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Cell>>> = OnceLock::new();
    let key = format!("{}|{}", c.task.to_toml(), c.alpha);
    let cell: Cell = {
        let mut map = CACHE.get_or_init(|| Mutex::new(HashMap::new())).lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_default().clone()
    };
    cell.get_or_init(|| {
        let cfg = task_sweep_config(&c.alpha);
        let etas = task_etas(&c.task, &cfg)?;
        let (sweep, _) = run_sweep_memo(&c.task, &etas, &cfg, &RowMemo::new()).map_err(|e| e.to_string())?;
        let reg = regimes(&c.task, &sweep, &cfg, &RegimeConfig::default());
        Ok(Arc::new((sweep, reg)))
    })
    .clone()
}

fn case_of(c: &TaskCase) -> Case {
    Case { task: c.task.clone(), alpha: c.alpha.clone(), label: c.label() }
}

/// The hypotheses of T6a, T6c, H1 and P1 on a task.
pub(super) const ONE_SAMPLE: &str = "SW, one sample, x > 0, y > 0 (THEORY.md §3 states T6 for one sample); any α (large α, where S peaks early on the GF path, is tested, not assumed)";

/// SW, one sample with x > 0, y > 0 ([`ONE_SAMPLE`]).
pub(super) fn one_sample_applies(c: &TaskCase) -> std::result::Result<(), String> {
    if c.model != AnyModel::Sw {
        return Err("the EoS picture is checked per task for the SW model".into());
    }
    if c.task.n() != 1 {
        return Err(format!("n = {}: the paper's two-regime picture (THEORY.md §3, T6) is stated for one sample", c.task.n()));
    }
    if c.task.x[0].iter().any(|v| *v <= 0) || c.task.y[0] <= 0 {
        return Err("needs x > 0 and y > 0 (THEORY.md §3)".into());
    }
    Ok(())
}

/// The hypotheses of T6b on a task.
pub(super) const T6B_HYP: &str =
    "SW, any task (the stability theorem holds for almost every initialization; PM is checked on the canonical task)";

/// SW, any task.
pub(super) fn t6b_applies(c: &TaskCase) -> std::result::Result<(), String> {
    if c.model != AnyModel::Sw {
        return Err("T6b per task is checked for the SW model (PM on the canonical task)".into());
    }
    Ok(())
}

/// The hypotheses of K1 on a task.
pub(super) const K1_HYP: &str = "SW, one sample, x > 0, y > 0 (proofs/K1.md); the monotonicity is asserted over the steps where no weight changes sign (hypothesis (H): 1 − 2ηx_i r > 0), rises at the other steps are reported";

pub(super) fn t6a_task(f: &Formulas, s: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    t6a_on(&f.eos, s, &case_of(c), || task_measured(c))
}

pub(super) fn t6b_task(f: &Formulas, _: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    vec![t6b_on(&f.eos, &c.label(), task_measured(c), &RowTol::Derived(c.task.design::<f64>(())))]
}

pub(super) fn t6c_task(f: &Formulas, _: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    t6c_on(&f.eos, &c.label(), task_measured(c), &RowTol::Derived(c.task.design::<f64>(())))
}

pub(super) fn h1_task(f: &Formulas, _: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    super::headline::h1_on(&f.eos, &c.label(), task_measured(c))
}

pub(super) fn p1_task(f: &Formulas, _: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    super::p1::p1_on(&f.eos, &case_of(c), task_measured(c))
}

pub(super) fn k1_task(f: &Formulas, _: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    k1_on(&f.eos, &case_of(c), one_sample_sharpness, 200_000)
}
