//! T5–T7: linear stability, the critical rate η_c and the d = 2 edge-of-stability ansatz.

use super::simplex::{eig_resolution, not_computed, paper_formulas, sw_one_sample, EIG_ORIGIN, U};
use super::t3::stopped_sharpness_resolution;
use super::*;

/// Steps of one local-stability test.
const STAB_STEPS: u64 = 20_000;
/// A stable run must end within this fraction of ‖β⋆‖_∞ of β⋆.
const STAB_DIST: f64 = 1e-4;
/// Halvings of the stability bisection on [0, 4/S(β⋆)].
const STAB_HALVINGS: u32 = 30;

/// Local-stability test of an interpolator β⋆ at learning rate η: GD started at
/// √β⋆ + δ (δ = 1e-6·max√β⋆ in every coordinate) for 20000 steps is called stable if it did
/// not diverge, its residual shrank at least tenfold and it ends within 1e-4·‖β⋆‖_∞ of β⋆.
fn locally_stable(task: &Task, design: &Design<f64>, beta_star: &[f64], eta: f64) -> bool {
    let ws: Vec<f64> = beta_star.iter().map(|b| b.sqrt()).collect();
    let delta = 1e-6 * ws.iter().cloned().fold(0.0, f64::max);
    let init: Vec<f64> = ws.iter().map(|w| w + delta).collect();
    let b0: Vec<f64> = init.iter().map(|w| w * w).collect();
    let mut r = vec![0.0; design.n];
    design.residual(&b0, &mut r);
    let r0 = r[0].abs();
    let cfg = GdConfig::exact_steps(eta, STAB_STEPS, 0.0).with_init(init);
    let run = gd_f64(task, 1.0, &cfg);
    if run.outcome == Outcome::Diverged || run.beta.iter().any(|b| !b.is_finite()) {
        return false;
    }
    design.residual(&run.beta, &mut r);
    let scale = beta_star.iter().fold(0.0f64, |m, b| m.max(b.abs()));
    let dist = run.beta.iter().zip(beta_star).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    r[0].abs() <= r0 / 10.0 && dist <= STAB_DIST * scale
}

/// The largest η at which `beta_star` passes [`locally_stable`], by bisection on
/// [0, 4/S(β⋆)]; also the relative offset of the start point's sharpness, |S(β₀) − S⋆|/S⋆.
fn measured_stability_threshold(task: &Task, beta_star: &[f64]) -> (f64, f64) {
    let design = task.design::<f64>(());
    let s = op_sharpness(&design, beta_star);
    let (mut lo, mut hi) = (0.0, 4.0 / s);
    for _ in 0..STAB_HALVINGS {
        let mid = 0.5 * (lo + hi);
        if locally_stable(task, &design, beta_star, mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let ws: Vec<f64> = beta_star.iter().map(|b| b.sqrt()).collect();
    let delta = 1e-6 * ws.iter().cloned().fold(0.0, f64::max);
    let b0: Vec<f64> = ws.iter().map(|w| (w + delta) * (w + delta)).collect();
    let x = design.row(0);
    let s0 = 4.0 * x.iter().zip(&b0).map(|(a, b)| a * a * b).sum::<f64>();
    let s_star = 4.0 * x.iter().zip(beta_star).map(|(a, b)| a * a * b).sum::<f64>();
    (lo, (s0 - s_star).abs() / s_star)
}

/// T5-thresholds on one single-sample task.
fn t5_thresholds_single(f: &PaperFormulas, task: &Task, label: &str) -> Vec<CheckResult> {
    let (x, y) = task.single_sample_positive().expect("the caller checked the hypotheses");
    let xs = to_f64s(x);
    let x_max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    // The local test declares stable only if |1 − ηS|^N ≤ 1/10, i.e. ηS ≤ 2(1 − ln10/(2N)):
    // the measured threshold sits below the true one by at most ln(10)/(2N).
    let test_res = 10f64.ln() / (2.0 * STAB_STEPS as f64);
    let bisect = 2f64.powi(1 - STAB_HALVINGS as i32);
    // Above β_N's threshold GD may still settle on a stable interpolator within 1e-4‖β_N‖∞;
    // such points have S ≥ S(β_N)(1 − 1e-4·Σx_i(x_max − x_i)/x_max²).
    let near_n = STAB_DIST * xs.iter().map(|v| v * (x_max - v)).sum::<f64>() / (x_max * x_max);
    let mut out = Vec::new();
    for (q, predicted, beta, near) in [
        ("1/(2 x_max y) vs measured stability limit of β_N", (f.eta_unstable_norm_min)(x, y), pred::beta_norm_min(x, y), near_n),
        (
            "1/(2 x_min y) vs measured stability limit of β_S (the flattest interpolator)",
            (f.eta_no_stable_interpolator)(x, y),
            pred::beta_sharp_min(x, y),
            0.0,
        ),
    ] {
        let (measured, start_off) = measured_stability_threshold(task, &to_f64s(&beta));
        let drift = 3.0 * start_off;
        let tol = test_res + near + drift + bisect;
        out.push(
            CheckResult::scalar("T5-thresholds", label, q, predicted.nearest(), measured, tol, Relation::RelativeError)
                .kind(
                    Kind::Prediction,
                    format!(
                        "measured resolution of the stability test: a run counts as stable iff its residual shrinks tenfold in N = {STAB_STEPS} steps, \
                         i.e. |1 − ηS|^N ≤ 1/10, which places the threshold at most ln(10)/(2N) = {test_res:.2e} below 2/S; a run above β_N's threshold \
                         may settle within 1e-4‖β‖∞ on a flatter stable interpolator, ≤ 1e-4·Σx_i(x_max − x_i)/x_max² = {near:.2e} (0 for β_S, the flattest); \
                         the start √β⋆ + δ shifts S by {start_off:.1e}, 3× for the drift along Z ({drift:.1e}); bisection width 2^-29"
                    ),
                )
                .with_note(format!("bisection ({STAB_HALVINGS} halvings) on local convergence from √β⋆ + 1e-6·max√β⋆ over {STAB_STEPS} steps")),
        );
    }
    out
}

pub(super) fn t5_thresholds_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    t5_thresholds_single(&f.paper, &case.task, &case.label())
}

pub(super) fn check_t5_thresholds(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for task in [canonical_four(), canonical_two()] {
        out.extend(t5_thresholds_single(&f.paper, &task, &task.name));
    }
    out
}

/// T5-bound on one single-sample task: GD from α·1 at `count` learning rates spaced
/// geometrically from 1/(4x_max y) (half β_N's threshold) to 1.2/(2x_min y) (beyond the last
/// stable interpolator); every converged run must have η·S(β_∞) ≤ c.
fn t5_bound_single(f: &PaperFormulas, task: &Task, alpha: f64, label: &str, count: usize, max_steps: u64) -> CheckResult {
    let (x, y) = task.single_sample_positive().expect("the caller checked the hypotheses");
    let eta2 = pred::eta_no_stable_interpolator(x, y).nearest();
    let eta_lo = 0.5 * pred::eta_unstable_norm_min(x, y).nearest();
    let eta_hi = 1.2 * eta2;
    let design = task.design::<f64>(());
    let yf = y.nearest();
    let x_max = to_f64s(x).into_iter().fold(f64::NEG_INFINITY, f64::max);
    let d = x.len();
    let (mut worst, mut converged, mut above, mut res) = (0.0f64, 0, 0, 0.0f64);
    for i in 0..count {
        let eta = eta_lo * (eta_hi / eta_lo).powf(i as f64 / (count - 1) as f64);
        let mut cfg = GdConfig::until_loss(eta, 1e-24 * yf * yf);
        cfg.max_steps = max_steps;
        let run = gd_f64(task, alpha, &cfg);
        if run.outcome == Outcome::Converged {
            converged += 1;
            if eta > eta2 {
                above += 1;
            }
            let es = eta * op_sharpness(&design, &run.beta);
            worst = worst.max(es);
            // Resolution of η·S at this run: the eigen-solve, and the off-Z term 2·diag(g), |g_i| ≤ x_max|r|.
            let r = (2.0 * run.loss).sqrt();
            res = res.max(eig_resolution(d) * es + 2.0 * eta * x_max * (r + (d as f64 + 3.0) * U * yf));
        }
    }
    let q = format!("max η·S(β_∞) over converged runs ({count} η from 1/(4x_max y) to 1.2/(2x_min y))");
    if converged == 0 {
        return not_computed("T5-bound", label, &q, format!("no run converged on the {count} learning rates"), Kind::Prediction);
    }
    CheckResult::scalar("T5-bound", label, &q, f.stability_constant, worst, res, Relation::AtMost)
        .kind(
            Kind::Prediction,
            format!("resolution of the measured η·S: the {EIG_ORIGIN} (d×d Hessian) and the off-Z term 2η·diag(g) with |g| ≤ x_max·|r| at the stopped iterate (L < 1e-24·y²), largest over the runs"),
        )
        .with_note(format!("{converged} of {count} runs converged, {above} of them above 1/(2 x_min y) (T5-thresholds predicts none)"))
}

pub(super) fn t5_bound_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    vec![t5_bound_single(&f.paper, &case.task, case.alpha.nearest(), &case.label(), 12, 100_000)]
}

pub(super) fn check_t5_bound(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    single_sample_cases().into_iter().map(|c| t5_bound_single(&f.paper, &c.task, c.alpha.nearest(), &c.label, 24, 200_000)).collect()
}

// ---------------------------------------------------------------------------------------
// T6-eta-c

/// T6's s_GF at the accuracy its check resolves (1e-9 relative): RK4 steps moving ln β by
/// ≤ 0.001 (with 0.01 the path maximum is ~1e-7 low on the canonical multi-sample task,
/// 9.14877371 against 9.14877469 from steps of 0.001 and 0.0005, which agree to 1e-11).
pub(super) fn gf_path_sharpness_max_fine(design: &Design<f64>, alpha: f64, beta_gf_end: &[f64]) -> Result<f64> {
    pred::gf_path_sharpness_max_step(design, alpha, beta_gf_end, 0.001)
}

pub(super) fn check_t6(f: &Formulas, s: &Settings) -> Vec<CheckResult> {
    let f = &f.paper;
    let mut out = Vec::new();
    let mut cases = all_cases();
    cases.push(case(canonical_four(), Rational::from(1)));
    for c in cases {
        let q = "η_c = 2/s_GF (s_GF: max ‖∇²L‖_op on the GF path) vs 2/M₀, M₀ = small-η GD's path maximum extrapolated to η → 0";
        let design = c.task.design::<f64>(());
        let alpha = c.alpha.nearest();
        let predicted = (f.beta_gf)(&c.task, &c.alpha, s.precision).and_then(|gf| {
            let gf: Vec<f64> = gf.iter().map(Float::to_f64).collect();
            (f.gf_path_sharpness_max)(&design, alpha, &gf)
        });
        let s_gf = match predicted {
            Ok(v) => v,
            Err(e) => {
                out.push(not_computed("T6-eta-c", &c.label, q, e.to_string(), Kind::Prediction));
                continue;
            }
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
            let run = gd_f64(&c.task, alpha, &cfg);
            let m = run.trace.iter().map(|t| t.sharpness).fold(0.0, f64::max);
            (m, stopped_sharpness_resolution(&design, &run.beta, m))
        };
        // M at η·s_GF = 0.004, 0.002, 0.001; two Richardson levels.
        let h = 0.001 / s_gf;
        let ((m4, e4), (m2, e2), (m1, e1)) = (path_max(4.0 * h), path_max(2.0 * h), path_max(h));
        let r_coarse = 2.0 * m2 - m4;
        let r_fine = 2.0 * m1 - m2;
        let est = (r_fine - r_coarse).abs() / 3.0;
        let stop = 3.0 * e4.max(e2).max(e1);
        let tol = 2.0 * est / r_fine + stop + eig_resolution(c.task.d());
        out.push(
            CheckResult::scalar("T6-eta-c", &c.label, q, (f.eta_critical)(s_gf), 2.0 / r_fine, tol, Relation::RelativeError)
                .kind(
                    Kind::Prediction,
                    format!(
                        "measured resolution of the extrapolation: twice the Richardson error estimate |R(η) − R(2η)|/3 = {:.2e} relative \
                         (R(η) = 2M(η) − M(2η), exact up to O(η³), here an O(η·s_GF) ≤ 0.4% correction), plus 3× the stopped runs' \
                         sharpness resolution {stop_each:.1e} (off-Z term 2‖Xᵀr‖∞/n and the linearized remaining travel; R combines three runs), plus the {EIG_ORIGIN}",
                        est / r_fine,
                        stop_each = stop / 3.0
                    ),
                )
                .with_note(format!("s_GF = {s_gf:.10}; GD path maxima M at η·s_GF = 0.004/0.002/0.001: {m4:.10}/{m2:.10}/{m1:.10}")),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// T7

/// A converged T7 run: the limit, η·S(β_∞) and its resolution.
struct T7Run {
    beta: Vec<f64>,
    eta_s: f64,
    res: f64,
}

fn t7_run(task: &Task, design: &Design<f64>, alpha: f64, eta: f64) -> Option<T7Run> {
    let mut cfg = GdConfig::until_loss(eta, 1e-26);
    cfg.max_steps = 5_000_000;
    let run = gd_f64(task, alpha, &cfg);
    if run.outcome != Outcome::Converged {
        return None;
    }
    let x_max = design.row(0).iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let eta_s = eta * op_sharpness(design, &run.beta);
    let r = (2.0 * run.loss).sqrt();
    let res = eig_resolution(design.d) + 2.0 * eta * x_max * (r + 5.0 * U * design.y[0].abs()) / eta_s;
    Some(T7Run { beta: run.beta, eta_s, res })
}

pub(super) fn check_t7(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.paper;
    let mut out = Vec::new();
    let task = canonical_two();
    let (x, y) = task.single_sample_positive().expect("canonical task");
    let design = task.design::<f64>(());
    let alpha = 1e-3;
    let label = format!("{} α={alpha}", task.name);
    // η·S at the ansatz point for learning rate η (exactly 2 for the correct ansatz).
    let ansatz_edge = |eta: f64| -> std::result::Result<(Vec<f64>, f64), String> {
        let e = Rational::from_f64(eta).ok_or("η not finite")?;
        let b = (f.ansatz_d2)(x, y, &e).map_err(|e| e.to_string())?;
        let es = (&e * pred::sharpness_on_z(x, &b)).nearest();
        Ok((to_f64s(&b), es))
    };
    let gf = match pred::beta_gf(&design, &alpha) {
        Ok(v) => v,
        Err(e) => return vec![not_computed("T7", &label, "GF limit", e.to_string(), Kind::Prediction)],
    };
    let s_end = op_sharpness(&design, &gf);
    let s_gf = pred::gf_path_sharpness_max(&design, alpha, &gf).unwrap_or(f64::NAN);
    let eta_c = 2.0 / s_gf;
    let eta2 = pred::eta_no_stable_interpolator(x, y).nearest();

    // (1) The ansatz is an upper envelope: every converged EoS limit has η·S ≤ the ansatz's.
    let q1 = "max over converged EoS runs of η·S(β_∞) − η·S(ansatz) (the ansatz is an upper envelope)";
    let (mut worst, mut res1, mut converged) = (f64::NEG_INFINITY, 0.0f64, 0);
    let mut pred_edge = f64::NAN;
    for i in 1..=12 {
        let eta = eta_c + (eta2 - eta_c) * i as f64 / 13.0;
        let (Some(run), Ok((_, edge))) = (t7_run(&task, &design, alpha, eta), ansatz_edge(eta)) else { continue };
        converged += 1;
        if run.eta_s - edge > worst {
            worst = run.eta_s - edge;
            pred_edge = edge;
        }
        res1 = res1.max(run.res * run.eta_s);
    }
    out.push(if converged == 0 {
        not_computed("T7", &label, q1, "no EoS run converged".into(), Kind::Prediction)
    } else {
        CheckResult::scalar("T7", &label, q1, 0.0, worst, res1, Relation::AtMost)
            .kind(
                Kind::Prediction,
                format!(
                    "resolution of the measured η·S: the {EIG_ORIGIN} and the off-Z term 2η·diag(g) at the stopped iterate (L < 1e-26)"
                ),
            )
            .with_note(format!("{converged} of 12 runs on η ∈ (η_c, 1/(2x_min y)) converged; the ansatz's η·S there: {pred_edge:.6}"))
    });

    // (2) The onset: on the EoS branch the gap below the ansatz vanishes as η ↓ η_c. The
    // branch is extrapolated linearly to η_c from η_c(1 + 0.02), η_c(1 + 0.03); a third point
    // (0.04) estimates the extrapolation error. The onset itself is only defined up to the
    // flow-aligned GD's own sharpness deficit at η_c, 1 − S_GD/s_GF (measured just below η_c).
    let q2 = "η·S of the EoS branch extrapolated to η ↓ η_c vs the ansatz's η·S at η_c";
    let on_eos: Vec<Option<T7Run>> = [0.02, 0.03, 0.04].iter().map(|dl| t7_run(&task, &design, alpha, eta_c * (1.0 + dl))).collect();
    let below: Vec<Option<T7Run>> = [0.01, 0.02].iter().map(|dl| t7_run(&task, &design, alpha, eta_c * (1.0 - dl))).collect();
    match (&on_eos[..], &below[..], ansatz_edge(eta_c)) {
        ([Some(a), Some(b), Some(c)], [Some(l1), Some(l2)], Ok((_, edge))) => {
            let (h2, h3, h4) = (a.eta_s, b.eta_s, c.eta_s);
            let lin = 3.0 * h2 - 2.0 * h3;
            let quad = 6.0 * h2 - 8.0 * h3 + 3.0 * h4;
            let ext_err = (quad - lin).abs();
            // Flow-aligned deficit D(η) = 1 − S_GD(η)/s_GF, linearly extrapolated to η_c.
            let d1 = 1.0 - l1.eta_s / (eta_c * 0.99) / s_gf;
            let d2 = 1.0 - l2.eta_s / (eta_c * 0.98) / s_gf;
            let deficit = (2.0 * d1 - d2).abs();
            let res = [a, b, c].iter().map(|r| r.res).fold(0.0, f64::max);
            let tol = deficit + 2.0 * ext_err / edge + 3.0 * res;
            out.push(
                CheckResult::scalar("T7", &label, q2, edge, lin, tol, Relation::RelativeError)
                    .kind(
                        Kind::Prediction,
                        format!(
                            "measured resolution of the onset: flow-aligned GD just below η_c already ends below s_GF by its O(η) gain deficit \
                             1 − S_GD(η_c)/s_GF = {deficit:.2e} (extrapolated from η_c(1 − 0.01), η_c(1 − 0.02)), so the onset is located only to that; \
                             plus twice the linear extrapolation's error estimate |quadratic − linear| = {ext_err:.1e} and 3× the sharpness resolution"
                        ),
                    )
                    .with_note(format!(
                        "η_c = 2/s_GF = {eta_c:.6} (the GF path's maximum is its end: s_GF/S(β_GF) − 1 = {:.1e}); EoS branch η·S at η_c(1 + 0.02/0.03/0.04): {h2:.6}/{h3:.6}/{h4:.6}; slope of the gap ≈ {:.3} per unit η/η_c",
                        s_gf / s_end - 1.0,
                        (h2 - h3) / 0.01
                    )),
            );
        }
        _ => out.push(not_computed(
            "T7",
            &label,
            q2,
            "a GD run near η_c did not converge or the ansatz is undefined there".into(),
            Kind::Prediction,
        )),
    }

    // (3) Measurements: the ansatz's error deeper in the EoS regime (empirical, not asserted).
    for eta in [Rational::from((3, 10)), Rational::from((7, 20)), Rational::from((2, 5))] {
        let q = format!("GD limit vs the S = 2/η ansatz at η = {eta}");
        let e = eta.nearest();
        match (ansatz_edge(e), t7_run(&task, &design, alpha, e)) {
            (Ok((ansatz, _)), Some(run)) => {
                let gf_err = gf.iter().zip(&run.beta).map(|(a, b)| ((a - b) / b).abs()).fold(0.0, f64::max);
                out.push(
                    CheckResult::vector("T7", &label, &q, &ansatz, &run.beta, 0.0, Relation::RelativeError)
                        .with_floor(y.nearest() / x[1].nearest())
                        .kind(Kind::Measurement, "reported, not asserted: GD lands below the ansatz by a gap that grows with η − η_c (THEORY.md T7: report the error)")
                        .with_note(format!(
                            "GD's η·S = {:.6} (gap below 2: {:.2e}); coordinatewise relative error with floor y/x₂; the GF prediction is off by {gf_err:.3} relative",
                            run.eta_s,
                            2.0 - run.eta_s
                        )),
                );
            }
            (Err(err), _) => out.push(not_computed("T7", &label, &q, err, Kind::Measurement)),
            (_, None) => out.push(not_computed("T7", &label, &q, "GD did not converge".into(), Kind::Measurement)),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Registry rows and broken formulas

fn eta_unstable_norm_min_plus_5pc(x: &[Rational], y: &Rational) -> Rational {
    pred::eta_unstable_norm_min(x, y) * Rational::from((21, 20))
}
fn eta_unstable_norm_min_halved(x: &[Rational], y: &Rational) -> Rational {
    pred::eta_unstable_norm_min(x, y) / Rational::from(2)
}
fn eta_no_stable_interpolator_plus_5pc(x: &[Rational], y: &Rational) -> Rational {
    pred::eta_no_stable_interpolator(x, y) * Rational::from((21, 20))
}

pub(super) fn t5_thresholds_claim() -> Claim {
    Claim::new(
        "T5-thresholds",
        "β_N is linearly stable iff η < 1/(2x_max y); no interpolator is stable for η > 1/(2x_min y)",
        "lit: Wu–Ma–E 2018; Ahn et al. 2022; derived",
        true,
        check_t5_thresholds,
    )
    .on_tasks("SW, one sample, x > 0, y > 0", sw_one_sample, t5_thresholds_on_task)
    .broken("1/(2x_max y) → 1.05/(2x_max y)", Some(0.05), || {
        paper_formulas(PaperFormulas { eta_unstable_norm_min: eta_unstable_norm_min_plus_5pc, ..PaperFormulas::default() })
    })
    .broken("1/(2x_min y) → 1.05/(2x_min y)", Some(0.05), || {
        paper_formulas(PaperFormulas { eta_no_stable_interpolator: eta_no_stable_interpolator_plus_5pc, ..PaperFormulas::default() })
    })
    .broken("1/(2x_max y) → 1/(4x_max y)", Some(0.5), || {
        paper_formulas(PaperFormulas { eta_unstable_norm_min: eta_unstable_norm_min_halved, ..PaperFormulas::default() })
    })
    .broken("no stable interpolator above 1/(2x_max y) (x_min → x_max)", None, || {
        paper_formulas(PaperFormulas { eta_no_stable_interpolator: pred::eta_unstable_norm_min, ..PaperFormulas::default() })
    })
}

pub(super) fn t5_bound_claim() -> Claim {
    Claim::new("T5-bound", "Every limit of convergent GD has η·S(β_∞) ≤ 2", "lit: Wu–Ma–E 2018; Ahn et al. 2022; derived", true, check_t5_bound)
        .on_tasks(
            "SW, one sample, x > 0, y > 0 (then Xᵀy > 0, the proof's hypothesis; the check runs GD from α·1, a single initialization that the almost-every statement does not cover, and measures the bound on that orbit)",
            sw_one_sample,
            t5_bound_on_task,
        )
        .broken("η·S ≤ 2 → η·S ≤ 1.9", Some(0.05), || paper_formulas(PaperFormulas { stability_constant: 1.9, ..PaperFormulas::default() }))
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
    .broken("η_c → 1.05·η_c", Some(0.05), || {
        paper_formulas(PaperFormulas { eta_critical: eta_critical_plus_5pc, ..PaperFormulas::default() })
    })
    .broken("s_GF = S at the end of the GF path only", None, || {
        paper_formulas(PaperFormulas { gf_path_sharpness_max: path_max_end_only, ..PaperFormulas::default() })
    })
}

/// The ansatz at S = c/η: the correct formula at η' = 2η/c.
fn ansatz_edge(x: &[Rational], y: &Rational, eta: &Rational, c: Rational) -> Result<Vec<Rational>> {
    pred::ansatz_d2(x, y, &((eta * Rational::from(2)) / c))
}
fn ansatz_plus_5pc(x: &[Rational], y: &Rational, eta: &Rational) -> Result<Vec<Rational>> {
    ansatz_edge(x, y, eta, Rational::from((21, 10)))
}
fn ansatz_minus_5pc(x: &[Rational], y: &Rational, eta: &Rational) -> Result<Vec<Rational>> {
    ansatz_edge(x, y, eta, Rational::from((19, 10)))
}
fn ansatz_one_over_eta(x: &[Rational], y: &Rational, eta: &Rational) -> Result<Vec<Rational>> {
    ansatz_edge(x, y, eta, Rational::from(1))
}

pub(super) fn t7_claim() -> Claim {
    Claim::new(
        "T7",
        "For d = 2 the interpolator with S = 2/η bounds GD's EoS limits from above (η·S(β_∞) ≤ 2) and is reached at the onset of EoS (η ↓ η_c, where the GF path's \
         sharpness maximum is its end); deeper in the EoS regime GD lands below it by a measured gap",
        "derived, empirical",
        true,
        check_t7,
    )
    .broken("ansatz S = 2.1/η (constant +5%)", Some(0.05), || paper_formulas(PaperFormulas { ansatz_d2: ansatz_plus_5pc, ..PaperFormulas::default() }))
    .broken("ansatz S = 1.9/η (constant −5%)", Some(0.05), || paper_formulas(PaperFormulas { ansatz_d2: ansatz_minus_5pc, ..PaperFormulas::default() }))
    .broken("ansatz S = 1/η", Some(0.5), || paper_formulas(PaperFormulas { ansatz_d2: ansatz_one_over_eta, ..PaperFormulas::default() }))
}
