//! P1: precision stability of the converged EoS limits (THEORY.md §5). The prediction is the
//! rounding law |β_p − β_exact| ∝ 2^(−p) (proofs/P1.md), fitted over MPFR precisions on calm rows
//! of the shared sweeps; whether f64 agrees with MPFR where its rounding amplification predicts
//! it is reported.

use super::*;
use crate::dynamics::classify::log10_rounding_growth;
use crate::experiments::precision::{precision_check, predicted_stable_log10_growth, PrecisionCheck, RerunArithmetic};
use rayon::prelude::*;

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
    let arith: Vec<RerunArithmetic> = bits.iter().map(|&b| RerunArithmetic::Mpfr(b)).collect();
    precision_check(&c.task, &cfg, row.eta, &arith, P1_TOL)
}

const P1_TOL: f64 = 1e-8;

/// One MPFR run of a sweep row at `bits`: (outcome, steps, β).
fn mpfr_limit(c: &Case, row: &SweepRow, bits: u32) -> (Outcome, u64, Vec<rug::Float>) {
    use crate::numeric::real::Real;
    let cfg = sweep_config(&AnyModel::Sw, &c.alpha);
    let design = c.task.design::<rug::Float>(bits);
    let alpha = rug::Float::from_rational(&c.alpha, bits);
    let eta = rug::Float::from_f64(row.eta, bits);
    let mut gd = GdConfig::until_loss(eta, cfg.loss_tol);
    gd.max_steps = (4 * row.steps).max(10_000);
    let run = run_gd(&Problem::new(&Sw, &design), &alpha, &gd, &mut NoObserver);
    (run.outcome, run.steps, run.beta)
}

/// max_i |a_i − b_i| / max_i |b_i|, in b's precision.
fn float_rel_dist(a: &[rug::Float], b: &[rug::Float]) -> f64 {
    use rug::Float;
    let prec = b.first().map_or(53, Float::prec);
    let scale = b.iter().map(|v| Float::with_val(prec, v.abs_ref())).fold(Float::new(prec), |m, v| if v > m { v } else { m });
    let diff = a.iter().zip(b).map(|(x, y)| Float::with_val(prec, x - y).abs()).fold(Float::new(prec), |m, v| if v > m { v } else { m });
    Float::with_val(prec, &diff / &scale).to_f64()
}

/// The rounding law of one row: (p, log2 Δ_p) for every precision p below the reference whose
/// run converges at the same step as the reference's, Δ_p = |β_p − β_ref|∞/|β_ref|∞.
fn rounding_points(c: &Case, row: &SweepRow, precisions: &[u32]) -> (Vec<(f64, f64)>, String) {
    let Some(&reference) = precisions.iter().max() else { return (Vec::new(), "no precisions".into()) };
    let runs: Vec<(u32, (Outcome, u64, Vec<rug::Float>))> = precisions.par_iter().map(|&p| (p, mpfr_limit(c, row, p))).collect();
    let Some((_, (ref_outcome, ref_steps, ref_beta))) = runs.iter().find(|(p, _)| *p == reference) else {
        return (Vec::new(), "no reference".into());
    };
    if *ref_outcome != Outcome::Converged {
        return (Vec::new(), format!("η = {:.6}: the {reference}-bit reference ends {ref_outcome:?}", row.eta));
    }
    let mut pts = Vec::new();
    let mut skipped = Vec::new();
    for (p, (outcome, steps, beta)) in runs.iter().filter(|(p, _)| *p != reference) {
        let delta = float_rel_dist(beta, ref_beta);
        if *outcome == Outcome::Converged && steps == ref_steps && delta > 0.0 && delta.is_finite() {
            pts.push((*p as f64, delta.log2()));
        } else {
            skipped.push(format!("{p} bits: {outcome:?} after {steps} steps (reference {ref_steps})"));
        }
    }
    (pts, if skipped.is_empty() { String::new() } else { format!("η = {:.6}: {}", row.eta, skipped.join(", ")) })
}

/// Least squares with one intercept per group and a common slope: (slope, its standard error,
/// degrees of freedom).
fn common_slope(groups: &[Vec<(f64, f64)>]) -> Option<(f64, f64, usize)> {
    let groups: Vec<&Vec<(f64, f64)>> = groups.iter().filter(|g| g.len() >= 2).collect();
    let n: usize = groups.iter().map(|g| g.len()).sum();
    let dof = n.checked_sub(groups.len() + 1).filter(|&d| d > 0)?;
    let centred: Vec<Vec<(f64, f64)>> = groups
        .iter()
        .map(|g| {
            let k = g.len() as f64;
            let (mx, my) = (g.iter().map(|p| p.0).sum::<f64>() / k, g.iter().map(|p| p.1).sum::<f64>() / k);
            g.iter().map(|&(x, y)| (x - mx, y - my)).collect()
        })
        .collect();
    let sxx: f64 = centred.iter().flatten().map(|p| p.0 * p.0).sum();
    let sxy: f64 = centred.iter().flatten().map(|p| p.0 * p.1).sum();
    let slope = sxy / sxx;
    let rss: f64 = centred.iter().flatten().map(|p| (p.1 - slope * p.0).powi(2)).sum();
    Some((slope, (rss / dof as f64 / sxx).sqrt(), dof))
}

/// The two-sided 1% quantile of Student's t with `dof` degrees of freedom.
fn student_t_99(dof: usize) -> f64 {
    student_t_quantile(dof, 0.995)
}

/// The `q` quantile of Student's t with `dof` degrees of freedom.
fn student_t_quantile(dof: usize, q: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, dof as f64).map_or(f64::INFINITY, |t| t.inverse_cdf(q))
}

/// The per-task level of P1: two-sided 1%/20, so that a family of 20 tasks (`verify --family
/// 20`) has a family-wise false-failure rate ≤ 1% (Bonferroni), the canonical check's level.
const P1_TASK_QUANTILE: f64 = 1.0 - 0.01 / 20.0 / 2.0;

/// The origin of P1's per-task tolerance.
const P1_TASK_ORIGIN: &str = "statistical: Student's t at two-sided 1%/20 per task (Bonferroni: family-wise ≤ 1% over a family of 20 tasks, the canonical check's level) times the standard error of the common slope of log₂Δ_p against p (one intercept per row), Δ_p = |β_p − β_ref|∞/|β_ref|∞ at the precisions below the reference in the law's linear regime";

/// The origin of P1's tolerance.
const P1_ORIGIN: &str = "statistical: Student's t (two-sided 1%) times the standard error of the common slope of log₂Δ_p against p (one intercept per row, the amplification of the row's dynamics), Δ_p = |β_p − β_256|∞/|β_256|∞ at p = 64 … 192 bits; the rounding errors of different precisions scatter the points by a few bits around the line, which the residuals measure";

pub(super) fn check_p1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.eos;
    let q = "converged EoS verdicts (η_c < η < η_nonconvergence) whose outcome or limit changes between f64 and MPFR";
    let mut out = Vec::new();
    let g_max = predicted_stable_log10_growth(P1_TOL);
    let reference = f.precisions.iter().copied().max().unwrap_or(0);
    let mut groups = Vec::new();
    let mut skipped = Vec::new();
    let mut tested = Vec::new();
    for c in single_sample_cases() {
        let m = match measured(&c, &AnyModel::Sw) {
            Ok(m) => m,
            Err(e) => {
                out.push(CheckResult::failed("P1", &c.label, q, e).kind(Kind::Measurement, "reported"));
                continue;
            }
        };
        let rows = eos_rows(&m.0, &m.1);
        let cfg = sweep_config(&AnyModel::Sw, &c.alpha);
        let growth: Vec<f64> =
            rows.par_iter().map(|r| log10_rounding_growth(&c.task, &AnyModel::Sw, &c.alpha, r.eta, cfg.loss_tol, cfg.max_steps)).collect();
        let calm: Vec<&SweepRow> = rows.iter().zip(&growth).filter(|(_, g)| **g <= g_max).map(|(r, _)| *r).collect();
        let sensitive: Vec<&SweepRow> = rows.iter().zip(&growth).filter(|(_, g)| **g > g_max).map(|(r, _)| *r).collect();
        // The prediction: the rounding law on four calm rows spread over the EoS regime.
        for r in spread(&calm, 4) {
            let (pts, why) = rounding_points(&c, r, f.precisions);
            if !why.is_empty() {
                skipped.push(format!("{}: {why}", c.label));
            }
            tested.push(format!("{} η = {:.5} ({} points)", c.label, r.eta, pts.len()));
            groups.push(pts);
        }
        // Reported: whether f64 agrees with the reference where its amplification G predicts it.
        let (calm_rows, sens_rows) = (spread(&calm, 16), spread(&sensitive, 6));
        let bits = [reference];
        let checks: Vec<PrecisionCheck> = calm_rows.par_iter().map(|r| rerun(&c, r, &bits)).collect();
        let changed: Vec<String> = checks.iter().filter(|k| !k.stable).map(describe).collect();
        let worst = checks.iter().flat_map(|k| k.runs.iter().filter_map(|r| r.limit_rel_diff)).fold(0.0f64, f64::max);
        let sens_checks: Vec<PrecisionCheck> = sens_rows.par_iter().map(|r| rerun(&c, r, &bits)).collect();
        let sens_changed: Vec<String> = sens_checks.iter().filter(|k| !k.stable).map(describe).collect();
        let islands: Vec<&SweepRow> = match m.1.eta_nonconvergence {
            Some(en) => m.0.rows.iter().filter(|r| r.outcome == Outcome::Converged && r.eta > en).collect(),
            None => Vec::new(),
        };
        let island_checks: Vec<PrecisionCheck> = spread(&islands, 4).par_iter().map(|r| rerun(&c, r, &bits)).collect();
        let island_changed = island_checks.iter().filter(|k| !k.stable).count();
        out.push(
            CheckResult::scalar("P1", &c.label, q, 0.0, changed.len() as f64, 0.0, Relation::AbsoluteError)
                .kind(Kind::Measurement, "reported: f64 is trusted where its rounding amplification G ≤ 1e-8/2⁻⁵³ (G from the f64 run's own tangent dynamics); the rows are rerun at the reference precision and compared to 1e-8 relative")
                .with_note(format!(
                    "[empirical] {} EoS rows, {} with log10 G ≤ {g_max:.2} ({} rerun at {reference} bits, same η, exact α and data); largest relative limit difference {worst:.2e}{}; {} EoS rows have a chaotic transient (log10 G > {g_max:.2}): of {} rerun, {} changed with precision{}; {} of {} converged islands beyond η_nonconvergence rerun, {} changed",
                    rows.len(),
                    calm.len(),
                    checks.len(),
                    if changed.is_empty() { String::new() } else { format!("; changed: {}", changed.join("; ")) },
                    sensitive.len(),
                    sens_checks.len(),
                    sens_changed.len(),
                    if sens_changed.is_empty() { String::new() } else { format!(" ({})", sens_changed.join("; ")) },
                    island_checks.len(),
                    islands.len(),
                    island_changed,
                )),
        );
    }
    let qs = "common slope of log₂|β_p − β_ref|∞/|β_ref|∞ against the precision p (bits), over calm converged EoS rows of the three tasks";
    let label = format!(
        "canonical single-sample tasks, p = {:?} vs {reference} bits",
        f.precisions.iter().filter(|&&p| p != reference).collect::<Vec<_>>()
    );
    match common_slope(&groups) {
        Some((slope, se, dof)) => {
            let t = student_t_99(dof);
            let rows: Vec<String> = groups
                .iter()
                .zip(&tested)
                .map(|(g, name)| format!("{name}: {}", g.iter().map(|(p, l)| format!("{p:.0}→{l:.1}")).collect::<Vec<_>>().join(" ")))
                .collect();
            out.push(
                CheckResult::scalar("P1", &label, qs, -f.rounding_exponent, slope, t * se, Relation::AbsoluteError).kind(Kind::Prediction, P1_ORIGIN).with_note(format!(
                    "[derived: rounding errors enter every step at the unit roundoff 2^(1−p) and the same dynamics amplify them, so |β_p − β_exact| = A·2^(−p) with a row-specific A] slope {slope:.4} ± {se:.4} (standard error, {dof} dof, t = {t:.2}); log₂Δ by row (p→log₂Δ): {}{}",
                    rows.join("; "),
                    if skipped.is_empty() { String::new() } else { format!("; not used: {}", skipped.join("; ")) }
                )),
            );
        }
        None => out.push(
            CheckResult::failed("P1", &label, qs, format!("too few converged runs for the fit; {}", skipped.join("; ")))
                .kind(Kind::Prediction, P1_ORIGIN),
        ),
    }
    out
}

/// P1 on one task: the rounding law on the three converged EoS rows of least rounding
/// amplification G among its eight shortest, at the three lowest precisions below the highest
/// (the reference) that are in the law's linear regime for them (2^(−p)·G ≤ 1e-8, G relative:
/// the tangent growth times ‖θ₀‖/‖θ_K‖);
/// asserted as for the canonical tasks (common slope within t·SE).
pub(super) fn p1_on(f: &EosFormulas, c: &Case, m: std::result::Result<Measured, String>) -> Vec<CheckResult> {
    let qs = "common slope of log₂|β_p − β_ref|∞/|β_ref|∞ against the precision p (bits), over calm converged EoS rows";
    let m = match m {
        Ok(m) => m,
        Err(e) => return vec![CheckResult::failed("P1", &c.label, qs, e).kind(Kind::Prediction, P1_ORIGIN)],
    };
    let mut ps: Vec<u32> = f.precisions.to_vec();
    ps.sort_unstable();
    ps.dedup();
    let Some(&reference) = ps.last() else {
        return vec![CheckResult::failed("P1", &c.label, qs, "no precisions".into()).kind(Kind::Prediction, P1_ORIGIN)];
    };
    // The EoS rows; if the sweep has none (T6's picture fails on the task), the converged rows
    // closest to the edge (largest η·S): the law of proofs/P1.md holds for any converged run.
    let mut rows = eos_rows(&m.0, &m.1);
    let fallback = rows.is_empty();
    if fallback {
        rows = m.0.rows.iter().filter(|r| r.outcome == Outcome::Converged && r.eta_times_sharpness.is_some()).collect();
        rows.sort_by(|a, b| b.eta_times_sharpness.unwrap_or(0.0).total_cmp(&a.eta_times_sharpness.unwrap_or(0.0)));
        rows.truncate(8);
    }
    rows.sort_by_key(|r| r.steps);
    rows.truncate(8);
    // The linear regime of the law at the lowest precision p₀: u_p₀·G ≤ 1e-8, G the rounding
    // amplification of the row (measured on its f64 run), i.e. log10 G ≤ log10(1e-8·2^p₀).
    let cfg = sweep_config(&AnyModel::Sw, &c.alpha);
    // G is the growth of an absolute tangent vector from θ₀ = α·1; a rounding error is relative
    // to the state, and the escape from a small α grows the state and its tangent alike, so the
    // relative amplification is G·‖θ₀‖/‖θ_K‖ (‖θ₀‖² = dα² for SW).
    let theta0_sq = c.task.d() as f64 * c.alpha.nearest().powi(2);
    let growth: Vec<f64> = rows
        .par_iter()
        .map(|r| {
            log10_rounding_growth(&c.task, &AnyModel::Sw, &c.alpha, r.eta, cfg.loss_tol, cfg.max_steps)
                - 0.5 * (r.param_norm2_sq / theta0_sq).log10().max(0.0)
        })
        .collect();
    // The three rows of least amplification, and the precisions of the law's linear regime for
    // all of them: u_p·G ≤ 1e-8, i.e. p ≥ (log10 G + 8)/log10 2; all such below the reference.
    let mut order: Vec<usize> = (0..rows.len()).filter(|&i| growth[i].is_finite()).collect();
    order.sort_by(|&i, &j| growth[i].total_cmp(&growth[j]));
    order.truncate(3);
    let g = order.iter().map(|&i| growth[i]).fold(f64::NEG_INFINITY, f64::max);
    let p_min = (g - P1_TOL.log10()) / 2f64.log10();
    let mut used: Vec<u32> = ps.iter().copied().filter(|&p| p != reference && f64::from(p) >= p_min).collect();
    used.push(reference);
    let calm: Vec<&SweepRow> = order.iter().map(|&i| rows[i]).collect();
    let label = format!("{}, p = {:?} vs {reference} bits", c.label, &used[..used.len() - 1]);
    if calm.is_empty() || used.len() < 3 {
        return vec![CheckResult::failed(
            "P1",
            &label,
            qs,
            format!("no precision pair in the law's linear regime: {} rows, least relative amplification log10 G = {g:.2} needs p ≥ {p_min:.0} bits, precisions {ps:?}", rows.len()),
        )
        .kind(Kind::Prediction, P1_ORIGIN)];
    }
    let results: Vec<(Vec<(f64, f64)>, String)> = calm.iter().map(|r| rounding_points(c, r, &used)).collect();
    let names: Vec<String> = calm.iter().map(|r| format!("η = {:.5} ({} steps)", r.eta, r.steps)).collect();
    let skipped: Vec<&str> = results.iter().map(|(_, w)| w.as_str()).filter(|w| !w.is_empty()).collect();
    let groups: Vec<Vec<(f64, f64)>> = results.iter().map(|(g, _)| g.clone()).collect();
    match common_slope(&groups) {
        Some((slope, se, dof)) => {
            let t = student_t_quantile(dof, P1_TASK_QUANTILE);
            let t1 = student_t_99(dof);
            let shown: Vec<String> = groups
                .iter()
                .zip(&names)
                .map(|(g, name)| format!("{name}: {}", g.iter().map(|(p, l)| format!("{p:.0}→{l:.1}")).collect::<Vec<_>>().join(" ")))
                .collect();
            vec![CheckResult::scalar("P1", &label, qs, -f.rounding_exponent, slope, t * se, Relation::AbsoluteError).kind(Kind::Prediction, P1_TASK_ORIGIN).with_note(format!(
                "[derived] {}rows' relative amplification log10 G ≤ {g:.2}, so p ≥ {p_min:.0} bits; slope {slope:.4} ± {se:.4} (standard error, {dof} dof, t = {t:.2}; at the single-test 1% level t = {t1:.2}: {}); log₂Δ by row (p→log₂Δ): {}{}",
                if fallback { "no EoS row in the sweep: the rows are the converged ones with the largest η·S; " } else { "" },
                if (slope + f.rounding_exponent).abs() <= t1 * se { "holds" } else { "fails" },
                shown.join("; "),
                if skipped.is_empty() { String::new() } else { format!("; not used: {}", skipped.join("; ")) }
            ))]
        }
        None => vec![CheckResult::failed(
            "P1",
            &label,
            qs,
            format!("too few converged runs for the fit ({} calm rows); {}", calm.len(), skipped.join("; ")),
        )
        .kind(Kind::Prediction, P1_ORIGIN)],
    }
}
