//! The edge of stability, measured (THEORY.md T5–T6, §4 K, §5): the critical rate η_c
//! (T6a), the stability bound over a sweep (T6b), the band of final sharpness below 2/η in
//! the EoS regime (T6c), precision stability of converged verdicts (P1), and Kreisler's
//! monotonicity of the gradient-flow sharpness along GD (K1).
//!
//! T6a, T6b, T6c and P1 share one refined sweep per canonical task, computed once per
//! process (the sweep does not depend on the formulas under test, only the predictions do).

use super::*;
use crate::dynamics::classify::log10_rounding_growth;
use crate::dynamics::{GdConfig, Outcome};
use crate::error::Result;
use crate::problem::model::{AnyModel, Parametrization};
use crate::theory::predictions as pred;
use crate::experiments::precision::{precision_check, predicted_stable_log10_growth, PrecisionCheck};
use crate::experiments::regimes::{regimes, RegimeConfig, Regimes};
use crate::experiments::sweep::{grid, run_sweep, Refine, Spacing, Sweep, SweepConfig, SweepRow};
use crate::problem::task::Task;
use crate::problem::tasks::{canonical_four, canonical_multi};
use crate::problem::design::Design;
use rayon::prelude::*;
use rug::Rational;
use std::sync::{Arc, Mutex, OnceLock};
use crate::numeric::vector::median;

/// K1's formula: the gradient-flow limit of SW from w, (x, w, y) ↦ β.
pub type GfLimitFrom = fn(&[f64], &[f64], f64) -> Result<Vec<f64>>;

/// The formulas the EoS claims predict with.
#[derive(Clone, Copy)]
pub struct EosFormulas {
    /// T6a: η_c as a function of s_GF (2/s_GF).
    pub eta_critical: fn(f64) -> f64,
    /// T6a: s_GF(design, α, β_GF), the largest sharpness along the gradient-flow path.
    pub gf_path_sharpness_max: fn(&Design<f64>, f64, &[f64]) -> Result<f64>,
    /// T6b: the constant c of η·S(β_∞) ≤ c (2).
    pub stability_constant: f64,
    /// T6c: the edge of stability as a function of η (2/η).
    pub edge: fn(f64) -> f64,
    /// P1: the MPFR precisions (bits) at which converged verdicts are predicted to persist.
    pub precisions: &'static [u32],
    /// K1: the gradient-flow limit of SW (one sample) started from w: (x, w, y) ↦ β.
    pub gf_limit_from: GfLimitFrom,
}

fn two_over(eta: f64) -> f64 {
    2.0 / eta
}

/// K1 [derived, T3 with a_i = w_i²]: gradient flow from w ends at β = w²⊙exp(c·x) with
/// Σ_i x_i w_i² e^{c x_i} = y.
pub fn gf_limit_from(x: &[f64], w: &[f64], y: f64) -> Result<Vec<f64>> {
    let a: Vec<f64> = w.iter().map(|v| v * v).collect();
    let c = pred::entropy_root(x, &a, &y)?;
    Ok(a.iter().zip(x).map(|(ai, xi)| ai * (c * xi).exp()).collect())
}

impl Default for EosFormulas {
    fn default() -> Self {
        EosFormulas {
            eta_critical: pred::eta_critical,
            gf_path_sharpness_max: pred::gf_path_sharpness_max,
            stability_constant: 2.0,
            edge: two_over,
            precisions: &[128, 256],
            gf_limit_from,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The shared sweeps

/// Canonical cases of the EoS claims: the three single-sample cases, the multi-sample task
/// (SW) and, for T6b, PM on the four-feature task.
fn eos_cases() -> Vec<(Case, AnyModel)> {
    let mut v: Vec<(Case, AnyModel)> = single_sample_cases().into_iter().map(|c| (c, AnyModel::Sw)).collect();
    v.push((case(canonical_multi(), Rational::from((1, 10))), AnyModel::Sw));
    v
}

/// A learning-rate range that does not use the T6 prediction: from 1/(8 x_max y) to
/// 1.1/(2 x_min y) for one sample (T5's thresholds), else from a quarter of 2/S at the
/// smallest-η GD limit up to 3× that.
fn eta_range(task: &Task, alpha: &Rational) -> (f64, f64) {
    if let Ok((x, y)) = task.single_sample_positive() {
        let lo = pred::eta_unstable_norm_min(x, y).nearest() / 4.0;
        let hi = pred::eta_no_stable_interpolator(x, y).nearest() * 1.1;
        return (lo, hi);
    }
    let d = task.design::<f64>(());
    let mut cfg = GdConfig::until_loss(1e-3, 1e-20);
    cfg.max_steps = 2_000_000;
    let s = op_sharpness(&d, &gd_f64(task, alpha.nearest(), &cfg).beta);
    (0.5 / s, 6.0 / s)
}

/// The sweep settings of the claims: 48 linear points, refined to 96.
fn sweep_config(model: &AnyModel, alpha: &Rational) -> SweepConfig {
    let mut cfg = SweepConfig::new(model.clone(), alpha.clone());
    cfg.refine = Some(Refine::with_budget(96));
    cfg
}

type Measured = Arc<(Sweep, Regimes)>;

/// The refined sweep and its regimes for a case, computed once per process.
fn measured(c: &Case, model: &AnyModel) -> std::result::Result<Measured, String> {
    static CACHE: OnceLock<Mutex<Vec<(String, Measured)>>> = OnceLock::new();
    let key = format!("{} {}", c.label, model.name());
    // The lock is held while computing, so concurrent callers do not repeat the work.
    let mut cache = CACHE.get_or_init(|| Mutex::new(Vec::new())).lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, m)) = cache.iter().find(|(k, _)| *k == key) {
        return Ok(m.clone());
    }
    let cfg = sweep_config(model, &c.alpha);
    let (lo, hi) = eta_range(&c.task, &c.alpha);
    let etas = grid(lo, hi, 48, Spacing::Linear).map_err(|e| e.to_string())?;
    let sweep = run_sweep(&c.task, &etas, &cfg).map_err(|e| e.to_string())?;
    let reg = regimes(&c.task, &sweep, &cfg, &RegimeConfig::default());
    let m = Arc::new((sweep, reg));
    cache.push((key, m.clone()));
    Ok(m)
}

fn label(c: &Case, model: &AnyModel) -> String {
    if *model == AnyModel::Sw {
        c.label.clone()
    } else {
        format!("{} ({})", c.label, model.name())
    }
}

// ---------------------------------------------------------------------------------------
// T6a

fn check_t6a(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let q = "measured η_c (final S leaves the flow-aligned branch by > 0.5% of S(β_GF)) vs 2/s_GF";
    let mut out = Vec::new();
    for c in single_sample_cases() {
        let predicted = pred::beta_gf_task(&c.task, &c.alpha, s.precision).and_then(|gf| {
            let gf: Vec<f64> = gf.iter().map(rug::Float::to_f64).collect();
            (f.gf_path_sharpness_max)(&c.task.design::<f64>(()), c.alpha.nearest(), &gf)
        });
        let s_gf = match predicted {
            Ok(v) => v,
            Err(e) => {
                out.push(CheckResult::failed("T6a", &c.label, q, e.to_string()).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
                continue;
            }
        };
        let m = match measured(&c, &AnyModel::Sw) {
            Ok(m) => m,
            Err(e) => {
                out.push(CheckResult::failed("T6a", &c.label, q, e).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
                continue;
            }
        };
        let reg = &m.1;
        let Some(eta_c) = reg.eta_c_measured else {
            out.push(CheckResult::failed("T6a", &c.label, q, "no departure from the flow-aligned branch in the sweep".into()).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
            continue;
        };
        let br = reg.branch.map_or(String::new(), |b| {
            format!(
                "branch from S(β_GF) = {:.6} (reference run at η = {:.4e}), slope {:+.4} at the departure, meets 2/η at η = {:.6}",
                b.s0,
                b.reference_etas[0],
                b.slope,
                b.edge_crossing().unwrap_or(f64::NAN)
            )
        });
        out.push(CheckResult::scalar("T6a", &c.label, q, (f.eta_critical)(s_gf), eta_c, 0.03, Relation::RelativeError).kind(Kind::Prediction, r#"not derived: a stated 3% band around 2/s_GF (the departure detector resolves 0.5% of S and bisects to 1e-4; the flow-aligned branch's O(η) drift is not bounded), see issue 7's closing note"#).with_note(format!(
            "[paper, empirical] bisection bracket {:?}; {br}; s_GF = {s_gf:.10}, S(β_GF) = {:.10}; GD's flow-aligned limit sits below S(β_GF) by an O(η) drift, which moves the onset above 2/s_GF",
            reg.eta_c_bracket.unwrap_or_default(),
            reg.sharpness_gf.unwrap_or(f64::NAN),
        )));
    }
    out
}

// ---------------------------------------------------------------------------------------
// T6b

fn check_t6b(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let q = "max η·S(β_∞) over the converged rows of a refined sweep";
    let mut out = Vec::new();
    let mut cases = eos_cases();
    cases.push((case(canonical_four(), Rational::from((1, 1000))), AnyModel::Pm));
    for (c, model) in cases {
        let lbl = label(&c, &model);
        let m = match measured(&c, &model) {
            Ok(m) => m,
            Err(e) => {
                out.push(CheckResult::failed("T6b", &lbl, q, e).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
                continue;
            }
        };
        let conv: Vec<&SweepRow> = m.0.rows.iter().filter(|r| r.outcome == Outcome::Converged).collect();
        let worst = conv.iter().filter_map(|r| r.eta_times_sharpness).fold(0.0f64, f64::max);
        let missing = conv.iter().filter(|r| r.eta_times_sharpness.is_none()).count();
        let worst_eta = conv.iter().find(|r| r.eta_times_sharpness == Some(worst)).map_or(f64::NAN, |r| r.eta);
        let mut r = CheckResult::scalar("T6b", &lbl, q, f.stability_constant, worst, 1e-9, Relation::AtMost).kind(Kind::Prediction, r#"1e-9 absolute on η·S: the loss threshold 1e-24 bounds the distance to the interpolator, and S is Lipschitz there (proofs/T6b.md)"#).with_note(format!(
            "{} of {} rows converged (η from {:.4} to {:.4}); the largest η·S is at η = {worst_eta:.6}",
            conv.len(),
            m.0.rows.len(),
            m.0.rows.first().map_or(f64::NAN, |r| r.eta),
            m.0.rows.last().map_or(f64::NAN, |r| r.eta),
        ));
        r.pass &= missing == 0 && !conv.is_empty();
        out.push(r);
    }
    out
}

// ---------------------------------------------------------------------------------------
// T6c


/// The EoS rows of a sweep: converged, η_c (measured) ≤ η < η_nonconvergence.
fn eos_rows<'a>(sweep: &'a Sweep, reg: &Regimes) -> Vec<&'a SweepRow> {
    let Some(ec) = reg.eta_c_measured else { return Vec::new() };
    sweep
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Converged && r.eta >= ec && reg.eta_nonconvergence.is_none_or(|en| r.eta < en))
        .collect()
}

fn check_t6c(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let q = "median over EoS rows of the gap (E(η) − S)/E(η) below the edge E = 2/η (reported against 5%)";
    let mut out = Vec::new();
    for (c, model) in eos_cases() {
        let m = match measured(&c, &model) {
            Ok(m) => m,
            Err(e) => {
                out.push(CheckResult::failed("T6c", &c.label, q, e).kind(Kind::Measurement, r#"no comparison: the computation failed"#));
                continue;
            }
        };
        let rows = eos_rows(&m.0, &m.1);
        let mut gaps: Vec<f64> = rows.iter().map(|r| 1.0 - r.sharpness.unwrap_or(f64::NAN) / (f.edge)(r.eta)).collect();
        if gaps.len() < 3 {
            out.push(CheckResult::failed("T6c", &c.label, q, format!("only {} EoS rows", gaps.len())).kind(Kind::Measurement, r#"no comparison: the computation failed"#));
            continue;
        }
        let lo = gaps.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = gaps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let med = median(&mut gaps);
        let eos = &m.1.eos;
        let r = CheckResult::scalar("T6c", &c.label, q, 0.0, med, 0.05, Relation::AtMost).kind(Kind::Measurement, r#"reported: the 5% median gap describes 'just below 2/η', it is not a derived bound"#).with_note(format!(
            "[paper, empirical] {} EoS rows, η ∈ {:?}; measured band of the relative gap [{lo:.3e}, {hi:.3e}]; ‖β‖₁ from {:?} (flow-aligned {:.6}), least-squares slope {:.4} per unit η, non-decreasing: {}",
            rows.len(),
            eos.eta_range.unwrap_or_default(),
            eos.l1_first_last.unwrap_or_default(),
            eos.l1_flow_aligned.unwrap_or(f64::NAN),
            eos.l1_slope.unwrap_or(f64::NAN),
            eos.l1_nondecreasing
        ));
        out.push(r);
        // The prediction (T5 at the edge): no converged EoS limit is sharper than E(η).
        out.push(
            CheckResult::scalar("T6c", &c.label, "max over EoS rows of S/E(η) − 1 (S never exceeds the edge E = 2/η)", 0.0, -lo, 1e-9, Relation::AtMost)
                .kind(Kind::Prediction, r#"1e-9 absolute: the loss threshold 1e-24 bounds the distance to the interpolator, and S is Lipschitz there (proofs/T6b.md)"#),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// P1

fn describe(k: &PrecisionCheck) -> String {
    let runs: Vec<String> = k
        .runs
        .iter()
        .map(|r| format!("{} bits {:?}{}", r.bits, r.outcome, r.limit_rel_diff.map_or(String::new(), |d| format!(" (Δ {d:.1e})"))))
        .collect();
    format!("η = {:.6}: {}", k.eta, runs.join(", "))
}

/// At most `n` values spread evenly over `v` (first and last included).
fn spread<T: Copy>(v: &[T], n: usize) -> Vec<T> {
    if v.len() <= n {
        return v.to_vec();
    }
    (0..n).map(|i| v[i * (v.len() - 1) / (n - 1)]).collect()
}

/// Rerun η in f64 and at `bits` with a step budget of 4× the f64 run's (at least 10⁴).
fn rerun(c: &Case, row: &SweepRow, bits: &[u32]) -> PrecisionCheck {
    let mut cfg = sweep_config(&AnyModel::Sw, &c.alpha);
    cfg.max_steps = (4 * row.steps).max(10_000);
    precision_check(&c.task, &cfg, row.eta, bits, P1_TOL)
}

const P1_TOL: f64 = 1e-8;

fn check_p1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let q = "converged EoS verdicts (η_c < η < η_nonconvergence, rounding amplification G ≤ 1e-8/2⁻⁵³) whose outcome or limit changes between f64 and MPFR";
    let mut out = Vec::new();
    let g_max = predicted_stable_log10_growth(P1_TOL);
    for c in single_sample_cases() {
        let m = match measured(&c, &AnyModel::Sw) {
            Ok(m) => m,
            Err(e) => {
                out.push(CheckResult::failed("P1", &c.label, q, e).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
                continue;
            }
        };
        let rows = eos_rows(&m.0, &m.1);
        let cfg = sweep_config(&AnyModel::Sw, &c.alpha);
        let growth: Vec<f64> =
            rows.par_iter().map(|r| log10_rounding_growth(&c.task, &AnyModel::Sw, &c.alpha, r.eta, cfg.loss_tol, cfg.max_steps)).collect();
        let calm: Vec<&SweepRow> = rows.iter().zip(&growth).filter(|(_, g)| **g <= g_max).map(|(r, _)| *r).collect();
        let sensitive: Vec<&SweepRow> = rows.iter().zip(&growth).filter(|(_, g)| **g > g_max).map(|(r, _)| *r).collect();
        let (calm_rows, sens_rows) = (spread(&calm, 16), spread(&sensitive, 6));
        let checks: Vec<PrecisionCheck> = calm_rows.par_iter().map(|r| rerun(&c, r, f.precisions)).collect();
        let changed: Vec<String> = checks.iter().filter(|k| !k.stable).map(describe).collect();
        let worst = checks.iter().flat_map(|k| k.runs.iter().filter_map(|r| r.limit_rel_diff)).fold(0.0f64, f64::max);
        // Reported, not asserted: rows with a chaotic transient, and converged islands beyond
        // the first non-convergence.
        let sens_checks: Vec<PrecisionCheck> = sens_rows.par_iter().map(|r| rerun(&c, r, f.precisions)).collect();
        let sens_changed: Vec<String> = sens_checks.iter().filter(|k| !k.stable).map(describe).collect();
        let islands: Vec<&SweepRow> = match m.1.eta_nonconvergence {
            Some(en) => m.0.rows.iter().filter(|r| r.outcome == Outcome::Converged && r.eta > en).collect(),
            None => Vec::new(),
        };
        let island_checks: Vec<PrecisionCheck> = spread(&islands, 4).par_iter().map(|r| rerun(&c, r, f.precisions)).collect();
        let island_changed = island_checks.iter().filter(|k| !k.stable).count();
        let mut r = CheckResult::scalar("P1", &c.label, q, 0.0, changed.len() as f64, 0.0, Relation::AbsoluteError).kind(Kind::Prediction, r#"none on the count; a row agrees when its limits differ by ≤ P1_TOL = 1e-8 relative, the bound ε·G the f64 run's own tangent dynamics predict (ε = 2⁻⁵³, G measured in f64 before the MPFR rerun)"#).with_note(format!(
            "[empirical] {} EoS rows, {} with log10 G ≤ {g_max:.2} ({} rerun at {:?} bits, same η, exact α and data, loss < 1e-24); largest relative limit difference {worst:.2e} (tolerance {P1_TOL:e}){}. Reported, not asserted: {} EoS rows have a chaotic transient (log10 G > {g_max:.2}); of {} rerun, {} changed with precision{}; {} of {} converged islands beyond η_nonconvergence rerun, {} changed",
            rows.len(),
            calm.len(),
            checks.len(),
            f.precisions,
            if changed.is_empty() { String::new() } else { format!("; changed: {}", changed.join("; ")) },
            sensitive.len(),
            sens_checks.len(),
            sens_changed.len(),
            if sens_changed.is_empty() { String::new() } else { format!(" ({})", sens_changed.join("; ")) },
            island_checks.len(),
            islands.len(),
            island_changed,
        ));
        r.pass &= !checks.is_empty();
        out.push(r);
    }
    out
}

// ---------------------------------------------------------------------------------------
// K1

/// Along f64 GD at η from α·1: S_k = ‖∇²L‖_op at the gradient-flow limit from w_k. Returns
/// (S_0, S_end, the largest step increase relative to S_0, the number of increases above
/// `tol`·S_0, the number of steps where some weight changes sign, the steps, the outcome).
struct K1Trace {
    s0: f64,
    s_end: f64,
    max_rise: f64,
    rises: usize,
    flips: usize,
    steps: usize,
    converged: bool,
    error: Option<String>,
}

fn k1_trace(task: &Task, alpha: f64, eta: f64, formula: GfLimitFrom, tol: f64, max_steps: usize) -> K1Trace {
    let design = task.design::<f64>(());
    let x = design.row(0).to_vec();
    let y = design.y[0];
    let mut w = vec![alpha; x.len()];
    let mut t = K1Trace { s0: f64::NAN, s_end: f64::NAN, max_rise: 0.0, rises: 0, flips: 0, steps: 0, converged: false, error: None };
    let mut prev: Option<f64> = None;
    for k in 0..=max_steps {
        let s = match formula(&x, &w, y) {
            Ok(b) => op_sharpness(&design, &b),
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
            t.max_rise = t.max_rise.max(rise);
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
        if x.iter().any(|xi| 1.0 - 2.0 * eta * xi * r <= 0.0) {
            t.flips += 1;
        }
        for (wi, xi) in w.iter_mut().zip(&x) {
            *wi *= 1.0 - 2.0 * eta * xi * r;
        }
    }
    t
}

fn check_k1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let q = "max_k (S_GF(w_{k+1}) − S_GF(w_k))/S_GF(w_0) along GD (S_GF(w) = S at the GF limit from w)";
    let tol = 1e-12;
    let mut out = Vec::new();
    for c in single_sample_cases() {
        let design = c.task.design::<f64>(());
        let alpha = c.alpha.nearest();
        let Ok(gf) = pred::beta_gf(&design, &alpha) else {
            out.push(CheckResult::failed("K1", &c.label, q, "β_GF failed".into()).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
            continue;
        };
        let eta_c = pred::gf_path_sharpness_max(&design, alpha, &gf).map_or(f64::NAN, pred::eta_critical);
        for factor in [0.5, 1.1, 1.5] {
            let eta = factor * eta_c;
            let t = k1_trace(&c.task, alpha, eta, f.gf_limit_from, tol, 200_000);
            let lbl = format!("{} η = {factor}·η_c", c.label);
            if let Some(e) = t.error {
                out.push(CheckResult::failed("K1", &lbl, q, e).kind(Kind::Prediction, r#"no comparison: the computation failed"#));
                continue;
            }
            let mut r = CheckResult::scalar("K1", &lbl, q, 0.0, t.max_rise, tol, Relation::AtMost).kind(Kind::Prediction, r#"1e-12 relative: f64 rounding of the closed-form S_GF per step"#).with_note(format!(
                "[lit: Kreisler et al. 2023; derived for steps where no weight changes sign] {} steps ({}), S_GF from {:.8} to {:.8}; {} rises above tol; {} steps where a weight changes sign (the proof's hypothesis fails there)",
                t.steps,
                if t.converged { "converged" } else { "not converged" },
                t.s0,
                t.s_end,
                t.rises,
                t.flips
            ));
            r.pass &= t.converged;
            out.push(r);
        }
        // Reported, not asserted: the first non-converging η of the shared sweep.
        if let (Ok(m), Some(last)) = (measured(&c, &AnyModel::Sw), out.last_mut()) {
            if let Some(row) = m.0.rows.iter().find(|r| r.outcome != Outcome::Converged && r.outcome != Outcome::Diverged) {
                let t = k1_trace(&c.task, alpha, row.eta, f.gf_limit_from, tol, 20_000);
                last.note += &format!(
                    ". Beyond convergence, at η = {:.6} ({:?}): over {} steps the largest rise is {:.2e}, {} rises above tol, {} sign-change steps",
                    row.eta, row.outcome, t.steps, t.max_rise, t.rises, t.flips
                );
            }
        }
    }
    out
}

/// The EoS family, in THEORY.md order.
fn eos(f: EosFormulas) -> Formulas {
    Formulas { eos: f, ..Formulas::default() }
}

/// A broken K1 formula: "the GF limit from w is w⊙w" (no flow).
fn no_flow(_x: &[f64], w: &[f64], _y: f64) -> Result<Vec<f64>> {
    Ok(w.iter().map(|v| v * v).collect())
}

pub fn claims() -> Vec<Claim> {
    vec![
        Claim::new("T6a", "Measured η_c (where the final sharpness leaves the flow-aligned value) is within 3% of 2/s_GF", "paper, empirical", false, check_t6a)
            .broken("η_c = 2/s_GF → 2.1/s_GF", Some(0.05), || eos(EosFormulas { eta_critical: |s| 2.1 / s, ..EosFormulas::default() })),
        Claim::new("T6b", "Every converged limit of a learning-rate sweep has η·S(β_∞) ≤ 2", "lit: Wu–Ma–E 2018; Ahn et al. 2022; derived", true, check_t6b)
            .broken("stability constant 2 → 1.9", Some(0.05), || eos(EosFormulas { stability_constant: 1.9, ..EosFormulas::default() })),
        Claim::new("T6c", "In the EoS regime the final sharpness never exceeds 2/η (the median gap below it is reported)", "paper, empirical", false, check_t6c)
            .broken("edge 2/η → 1.9/η", Some(0.05), || eos(EosFormulas { edge: |eta| 1.9 / eta, ..EosFormulas::default() })),
        Claim::new("P1", "On the canonical tasks every converged EoS verdict whose rounding amplification is below tol/2⁻⁵³ is the same in f64 and in MPFR (outcome and limit)", "empirical", false, check_p1)
            .broken("MPFR at 24 bits (cannot reach the loss threshold)", None, || eos(EosFormulas { precisions: &[24], ..EosFormulas::default() })),
        Claim::new("K1", "Along GD the sharpness of the gradient-flow limit from the current iterate is non-increasing", "lit: Kreisler et al. 2023; derived", true, check_k1)
            .broken("the GF limit from w is w⊙w (no flow)", None, || eos(EosFormulas { gf_limit_from: no_flow, ..EosFormulas::default() })),
    ]
}
