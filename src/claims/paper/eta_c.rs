//! T6-eta-c: the critical rate η_c = 2/s_GF, measured as 2/M₀ (small-η GD's path maximum of the
//! sharpness, extrapolated to η → 0), and, where the GF path's maximum is not its end, a study of
//! where GD actually departs from the flow (THEORY.md T6's open question).

use super::simplex::{eig_resolution, not_computed, paper_formulas, sw_one_sample_or_positive, EIG_ORIGIN};
use super::t3::stopped_sharpness_resolution;
use super::*;
use crate::dynamics::Observer;

/// T6's s_GF at the accuracy its check resolves (1e-9 relative): RK4 steps moving ln β by
/// ≤ 0.001 (with 0.01 the path maximum is ~1e-7 low on the canonical multi-sample task,
/// 9.14877371 against 9.14877469 from steps of 0.001 and 0.0005, which agree to 1e-11).
pub(super) fn gf_path_sharpness_max_fine(design: &Design<f64>, alpha: f64, beta_gf_end: &[f64]) -> Result<f64> {
    pred::gf_path_sharpness_max_step(design, alpha, beta_gf_end, 0.001)
}

pub(super) fn check_t6(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let mut cases = all_cases();
    cases.push(case(canonical_four(), Rational::from(1)));
    cases.iter().flat_map(|c| t6_on(&f.paper, s, &c.task, &c.alpha, &c.label)).collect()
}

/// The sampled path maximum's resolution: when the largest sample S₀ (at step t₀) is interior,
/// the parabola through it and its two neighbours (t₋, S₋), (t₊, S₊) peaks above S₀ by
/// δ = −b²/(4a) (a = (D₊ − D₋)/(h₊ + h₋), b = D₊ − a·h₊, D± the one-sided slopes, h± the
/// spacings): exact for a locally quadratic peak, the sampled maximum's shortfall otherwise to
/// leading order. 0 when the largest sample is the last one (the end of the path, whose
/// resolution is [`stopped_sharpness_resolution`]).
fn sampling_resolution(trace: &[crate::dynamics::TracePoint]) -> f64 {
    let Some(k) = (0..trace.len()).max_by(|&i, &j| trace[i].sharpness.total_cmp(&trace[j].sharpness)) else { return 0.0 };
    if k == 0 || k + 1 >= trace.len() {
        return 0.0;
    }
    let (tm, t0, tp) = (trace[k - 1].step as f64, trace[k].step as f64, trace[k + 1].step as f64);
    let (sm, s0, sp) = (trace[k - 1].sharpness, trace[k].sharpness, trace[k + 1].sharpness);
    let (hm, hp) = (t0 - tm, tp - t0);
    let (dm, dp) = ((s0 - sm) / hm, (sp - s0) / hp);
    let a = (dp - dm) / (hp + hm);
    let b = dp - a * hp;
    if a < 0.0 {
        -b * b / (4.0 * a)
    } else {
        0.0
    }
}

/// Where the study of the departure runs: s_GF above S(β_GF) by more than this fraction.
const STUDY_GAP: f64 = 0.1;

/// T6 on one case: 2/s_GF against 2/M₀; and the departure study where s_GF > 1.1·S(β_GF).
fn t6_on(f: &PaperFormulas, s: &Settings, task: &Task, alpha_q: &Rational, label: &str) -> Vec<CheckResult> {
    let q = "η_c = 2/s_GF (s_GF: max ‖∇²L‖_op on the GF path) vs 2/M₀, M₀ = small-η GD's path maximum extrapolated to η → 0";
    let design = task.design::<f64>(());
    let alpha = alpha_q.nearest();
    let gf = match (f.beta_gf)(task, alpha_q, s.precision) {
        Ok(gf) => gf.iter().map(Float::to_f64).collect::<Vec<f64>>(),
        Err(e) => return vec![not_computed("T6-eta-c", label, q, e.to_string(), Kind::Prediction)],
    };
    let s_gf = match (f.gf_path_sharpness_max)(&design, alpha, &gf) {
        Ok(v) => v,
        Err(e) => return vec![not_computed("T6-eta-c", label, q, e.to_string(), Kind::Prediction)],
    };
    // Max of the sharpness along a small-step GD trajectory, M(η), and the resolution of
    // the stopped run (when the maximum is the end of the path, M is read at the last
    // iterate, which sits off Z and short of the limit).
    let y2 = design.y.iter().map(|v| v * v).sum::<f64>() / design.n as f64;
    let path_max = |eta: f64| -> (f64, f64) {
        // L < 1e-22·‖y‖²/n is past the sharpness maximum and before f64 stagnation
        // (≈1e-26 at η·s_GF = 0.001); sampled every 4 steps (and at the last one).
        let mut cfg = GdConfig::until_loss(eta, 1e-22 * y2);
        cfg.record_every = 4;
        cfg.max_steps = 4_000_000;
        let run = gd_f64(task, alpha, &cfg);
        let m = run.trace.iter().map(|t| t.sharpness).fold(0.0, f64::max);
        (m, stopped_sharpness_resolution(&design, &run.beta, m) + sampling_resolution(&run.trace) / m)
    };
    // M at η·s_GF = 0.004, 0.002, 0.001; two Richardson levels.
    let h = 0.001 / s_gf;
    let ((m4, e4), (m2, e2), (m1, e1)) = (path_max(4.0 * h), path_max(2.0 * h), path_max(h));
    let r_coarse = 2.0 * m2 - m4;
    let r_fine = 2.0 * m1 - m2;
    let est = (r_fine - r_coarse).abs() / 3.0;
    let stop = 3.0 * e4.max(e2).max(e1);
    let tol = 2.0 * est / r_fine + stop + eig_resolution(task.d());
    let s_end = op_sharpness(&design, &gf);
    let gap = s_gf / s_end - 1.0;
    let mut out = vec![CheckResult::scalar("T6-eta-c", label, q, (f.eta_critical)(s_gf), 2.0 / r_fine, tol, Relation::RelativeError)
        .kind(
            Kind::Prediction,
            format!(
                "measured resolution of the extrapolation: twice the Richardson error estimate |R(η) − R(2η)|/3 = {:.2e} relative \
                 (R(η) = 2M(η) − M(2η), exact up to O(η³), here an O(η·s_GF) ≤ 0.4% correction), plus 3× the stopped runs' \
                 sharpness resolution {stop_each:.1e} (off-Z term 2‖Xᵀr‖∞/n and the linearized remaining travel, or, for an interior maximum, \
                 the sampled maximum's shortfall below the parabola through the top three samples; R combines three runs), plus the {EIG_ORIGIN}",
                est / r_fine,
                stop_each = stop / 3.0
            ),
        )
        .with_note(format!(
            "s_GF = {s_gf:.10}, S(β_GF) = {s_end:.10} (s_GF/S(β_GF) − 1 = {gap:.2e}); GD path maxima M at η·s_GF = 0.004/0.002/0.001: {m4:.10}/{m2:.10}/{m1:.10}"
        ))];
    if gap > STUDY_GAP && task.n() == 1 {
        out.extend(departure_study(f, task, alpha, s_gf, s_end, label));
    }
    out
}

/// Watches the loss along a run: `rose` is set when L_{k+1} > L_k·(1 + 1e-9) while
/// L_k > `floor` (above the f64 noise of a converged run).
struct LossWatch<'a> {
    design: &'a Design<f64>,
    r: Vec<f64>,
    prev: f64,
    floor: f64,
    rose: bool,
}

impl Observer<f64> for LossWatch<'_> {
    fn observe(&mut self, _k: u64, _theta: &[f64], beta: &[f64], _g: &[f64], _eta: &f64) {
        self.design.residual(beta, &mut self.r);
        let l = self.r.iter().map(|v| v * v).sum::<f64>() / (2.0 * self.design.n as f64);
        if self.prev > self.floor && l > self.prev * (1.0 + 1e-9) {
            self.rose = true;
        }
        self.prev = l;
    }
}

/// GD at η from α·1: whether it departs from monotone descent (the loss rises at some step, or
/// the run does not converge), and the limit when it converges.
fn departs(design: &Design<f64>, alpha: f64, eta: f64) -> (bool, Option<Vec<f64>>) {
    let y2 = design.y.iter().map(|v| v * v).sum::<f64>() / design.n as f64;
    let mut cfg = GdConfig::until_loss(eta, 1e-24 * y2);
    cfg.max_steps = 400_000;
    let mut watch = LossWatch { design, r: vec![0.0; design.n], prev: f64::INFINITY, floor: 1e-16 * y2, rose: false };
    let run = run_gd(&Problem::new(&Sw, design), &alpha, &cfg, &mut watch);
    let converged = run.outcome == Outcome::Converged;
    (watch.rose || !converged, converged.then_some(run.beta))
}

/// The relative change of S(β_∞) from S(β_GF) that counts as leaving the flat branch.
const LIMIT_DEPARTURE: f64 = 0.05;

/// Halvings (in ln η) of the departure bisection.
const DEPARTURE_HALVINGS: u32 = 20;

/// The departure study (one sample, s_GF > 1.1·S(β_GF)): η_dep, the smallest η at which GD from
/// α·1 stops being a monotone descent, by bisection in ln η on [10⁻³, 1.05]·η₂, η₂ = 1/(2x_min y)
/// (T5: above it no interpolator is stable, so GD departs) — a bracket that involves neither
/// 2/s_GF nor 2/S(β_GF). Reported against both (the closer in ratio, |ln(η_dep/prediction)|, named in the note), with η·S(β_∞) and S(β_∞)/S(β_GF) at
/// η_dep·{0.5, 0.9, 1.1, 1.5} (flat branch: S(β_∞) ≈ S(β_GF); EoS: η·S(β_∞) just below 2).
fn departure_study(f: &PaperFormulas, task: &Task, alpha: f64, s_gf: f64, s_end: f64, label: &str) -> Vec<CheckResult> {
    let design = task.design::<f64>(());
    let (x, y) = task.single_sample_positive().expect("one positive sample");
    let eta2 = pred::eta_no_stable_interpolator(x, y).nearest();
    let (mut lo, mut hi) = ((1e-3 * eta2).ln(), (1.05 * eta2).ln());
    let q = "η_dep (first η where GD's loss stops decreasing monotonically; bisection on [1e-3, 1.05]/(2x_min y))";
    if departs(&design, alpha, lo.exp()).0 || !departs(&design, alpha, hi.exp()).0 {
        return vec![not_computed("T6-eta-c", label, q, "the bracket does not enclose a departure".into(), Kind::Measurement)];
    }
    for _ in 0..DEPARTURE_HALVINGS {
        let mid = 0.5 * (lo + hi);
        if departs(&design, alpha, mid.exp()).0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let eta_dep = hi.exp();
    let res = (hi - lo).exp() - 1.0;
    let (a, b) = ((f.eta_critical)(s_gf), 2.0 / s_end);
    let (da, db) = (eta_dep / a - 1.0, eta_dep / b - 1.0);
    // Closer in ratio: |ln(η_dep/prediction)| (the relative differences are not symmetric).
    let supports = if (eta_dep / a).ln().abs() < (eta_dep / b).ln().abs() { "2/s_GF" } else { "2/S(β_GF)" };
    let branch: Vec<String> = [0.5, 0.9, 1.1, 1.5]
        .iter()
        .map(|k| {
            let eta = k * eta_dep;
            match departs(&design, alpha, eta).1 {
                Some(beta) => {
                    let sh = op_sharpness(&design, &beta);
                    format!("{k}·η_dep: η·S = {:.4}, S/S(β_GF) = {:.4}", eta * sh, sh / s_end)
                }
                None => format!("{k}·η_dep: no convergence"),
            }
        })
        .collect();
    // The limit's departure from the flat branch: the first of 41 geometric rates on
    // [10⁻², 1]·η₂ where GD does not converge or |S(β_∞)/S(β_GF) − 1| > 5% (far above the flow-
    // aligned branch's O(η) drift, ~1e-3 at η ≈ 2/S(β_GF) on the canonical tasks).
    let grid: Vec<f64> = (0..=40).map(|k| 1e-2 * eta2 * 100f64.powf(k as f64 / 40.0)).collect();
    let eta_lim = grid.iter().copied().find(|&eta| match departs(&design, alpha, eta).1 {
        Some(beta) => (op_sharpness(&design, &beta) / s_end - 1.0).abs() > LIMIT_DEPARTURE,
        None => true,
    });
    let lim = match eta_lim {
        Some(e) => format!(
            "the limit leaves the flat branch (|S(β_∞)/S(β_GF) − 1| > 5% or no convergence) first at η_lim = {e:.4e} on a 41-point geometric grid over [1e-2, 1]·η₂ (ratio 1.12): {:+.3e} from 2/s_GF, {:+.3e} from 2/S(β_GF)",
            e / a - 1.0,
            e / b - 1.0
        ),
        None => "the limit stays on the flat branch over the whole grid".into(),
    };
    let note = format!(
        "η_dep = {eta_dep:.6e}; 2/s_GF = {a:.6e} (η_dep off by {da:+.3e}), 2/S(β_GF) = {b:.6e} ({db:+.3e}): the measurement is closer (in ratio) to {supports}; \
         {lim}; limits: {}",
        branch.join("; ")
    );
    let origin = "reported, not asserted: THEORY.md T6 leaves the departure open when the GF path's maximum is not its end; tolerance = the bisection's width";
    vec![
        CheckResult::scalar("T6-eta-c", label, &format!("{q} vs 2/s_GF"), a, eta_dep, res, Relation::RelativeError)
            .kind(Kind::Measurement, origin)
            .with_note(note.clone()),
        CheckResult::scalar("T6-eta-c", label, &format!("{q} vs 2/S(β_GF)"), b, eta_dep, res, Relation::RelativeError)
            .kind(Kind::Measurement, origin)
            .with_note(note),
    ]
}

pub(super) fn t6_on_task(f: &Formulas, s: &Settings, c: &TaskCase) -> Vec<CheckResult> {
    t6_on(&f.paper, s, &c.task, &c.alpha, &c.label())
}

fn eta_critical_plus_5pc(s_gf: f64) -> f64 {
    1.05 * pred::eta_critical(s_gf)
}
fn path_max_end_only(design: &Design<f64>, _alpha: f64, beta_gf: &[f64]) -> Result<f64> {
    Ok(crate::problem::sharpness::sw_interpolator_sharpness(design, beta_gf).unwrap_or(f64::NAN))
}

pub(super) fn t6_eta_c_claim() -> Claim {
    Claim::new(
        "T6-eta-c",
        "η_c = 2/s_GF with s_GF the maximum of ‖∇²L‖_op along the gradient-flow path",
        "paper, empirical",
        false,
        check_t6,
    )
    .on_tasks(
        "SW, X > 0, y > 0 with a strictly positive interpolator (one sample: x > 0, y > 0). Asserted: 2/s_GF against 2/M₀ (small-η GD's path maximum, \
         extrapolated to η → 0). Where s_GF > 1.1·S(β_GF) (one sample: large α, the path's maximum is not its end) the departure η_dep of GD from monotone \
         descent is measured by a bisection that involves neither prediction and reported against 2/s_GF and 2/S(β_GF), not asserted",
        sw_one_sample_or_positive,
        t6_on_task,
    )
    .broken("η_c → 1.05·η_c", Some(0.05), || {
        paper_formulas(PaperFormulas { eta_critical: eta_critical_plus_5pc, ..PaperFormulas::default() })
    })
    .broken("s_GF = S at the end of the GF path only", None, || {
        paper_formulas(PaperFormulas { gf_path_sharpness_max: path_max_end_only, ..PaperFormulas::default() })
    })
}
