//! The paper's figures for the canonical tasks, regenerated from fresh runs
//! (`normsharp figures --out DIR`): final sharpness against η with 2/η and η_c, ‖β‖₁ and
//! ‖w‖₂² against η, test error against η with the levels of β_N, β_S and β_GF, the
//! bifurcation diagram, loss and sharpness against step for one EoS run, and the digits
//! MLP's sharpness, norm and test error against η ([`crate::output::mlp_figures`]). Each figure is
//! written as PNG and SVG, and the data of every figure as CSV beside it.

use crate::dynamics::classify::{bifurcation, ClassifyConfig, LongRun};
use crate::dynamics::{run_gd, GdConfig, NoObserver, Problem};
use crate::error::Result;
use crate::experiments::sweep::{grid, run_sweep, Spacing, Sweep, SweepConfig};
use crate::numeric::real::Nearest;
use crate::output::plot::{Figure, Mark};
use crate::output::write::write_atomic;
use crate::problem::model::AnyModel;
use crate::problem::task::Task;
use crate::problem::tasks::{canonical_four, canonical_two};
use rug::Rational;
use std::path::Path;

/// One canonical case of the figures.
struct Case {
    stem: &'static str,
    task: Task,
    alpha: Rational,
    /// The EoS learning rate of the step-by-step figure.
    eos_eta: f64,
}

fn cases() -> Vec<Case> {
    vec![
        Case { stem: "four_alpha_1e-3", task: canonical_four(), alpha: Rational::from((1, 1000)), eos_eta: 0.16 },
        Case { stem: "four_alpha_0.1", task: canonical_four(), alpha: Rational::from((1, 10)), eos_eta: 0.2 },
        Case { stem: "two_alpha_1e-3", task: canonical_two(), alpha: Rational::from((1, 1000)), eos_eta: 0.3 },
    ]
}

fn column(sweep: &Sweep, f: impl Fn(&crate::experiments::sweep::SweepRow) -> Option<f64>) -> Vec<(f64, f64)> {
    sweep.rows.iter().filter_map(|r| f(r).map(|v| (r.eta, v))).collect()
}

fn converged(r: &crate::experiments::sweep::SweepRow) -> bool {
    r.outcome == crate::dynamics::Outcome::Converged
}

/// Final sharpness, norms and test error against η for one case.
fn sweep_figures(case: &Case, out: &Path) -> Result<Vec<String>> {
    let eta_max = 1.1 * crate::theory::predictions::eta_no_stable_interpolator(&case.task.x[0], &case.task.y[0]).nearest();
    let etas = grid(eta_max / 150.0, eta_max, 150, Spacing::Linear)?;
    let mut cfg = SweepConfig::new(AnyModel::Sw, case.alpha.clone());
    cfg.max_steps = 200_000;
    let sweep = run_sweep(&case.task, &etas, &cfg)?;
    let p = &sweep.predictions;
    let name = &case.task.name;
    let alpha = case.alpha.nearest();
    let mut written = Vec::new();
    let mut marks: Vec<(String, f64)> = Vec::new();
    if let Some(e) = p.eta_c {
        marks.push((format!("η_c = 2/s_GF = {e:.4}"), e));
    }
    if let Some(e) = p.eta_unstable_norm_min {
        marks.push((format!("1/(2 x_max y) = {e:.4}"), e));
    }
    if let Some(e) = p.eta_no_stable_interpolator {
        marks.push((format!("1/(2 x_min y) = {e:.4}"), e));
    }
    let two_over_eta: Vec<(f64, f64)> = etas.iter().map(|&e| (e, 2.0 / e)).collect();
    let mut f = Figure::new(&format!("Final sharpness vs η ({name}, α = {alpha})"), "learning rate η", "‖∇²L‖ at the end")
        .with("converged", column(&sweep, |r| if converged(r) { r.sharpness } else { None }), Mark::Dots)
        .with("not converged (last iterate)", column(&sweep, |r| if converged(r) { None } else { r.sharpness }), Mark::Dots)
        .with("2/η", two_over_eta, Mark::Line);
    f.vlines = marks.clone();
    if let Some(s) = p.sharpness_gf {
        f.hlines.push((format!("S(β_GF) = {s:.3}"), s));
    }
    let y_max = p.sharpness_gf_path_max.unwrap_or(10.0) * 1.6;
    f.series.iter_mut().for_each(|s| s.points.retain(|&(_, y)| y <= y_max));
    f.save(out, &format!("sharpness_vs_eta_{}", case.stem))?;
    written.push(format!("sharpness_vs_eta_{}", case.stem));

    let mut f = Figure::new(&format!("Norms of the GD limit vs η ({name}, α = {alpha})"), "learning rate η", "norm")
        .with("‖β‖₁ (converged)", column(&sweep, |r| converged(r).then_some(r.l1)), Mark::Line)
        .with("‖w‖₂² (converged)", column(&sweep, |r| converged(r).then_some(r.param_norm2_sq)), Mark::Dots);
    f.vlines = marks.clone();
    f.save(out, &format!("norms_vs_eta_{}", case.stem))?;
    written.push(format!("norms_vs_eta_{}", case.stem));

    if let Some(teacher) = &case.task.teacher {
        let teacher: Vec<f64> = teacher.iter().map(Nearest::nearest).collect();
        let noise = case.task.noise_std.nearest().powi(2);
        let err = |b: &[f64]| b.iter().zip(&teacher).map(|(a, t)| (a - t).powi(2)).sum::<f64>() + noise;
        let mut f = Figure::new(&format!("Test error of the GD limit vs η ({name}, α = {alpha})"), "learning rate η", "‖β − β*‖² + σ²")
            .with("GD limit", column(&sweep, |r| if converged(r) { r.test_error } else { None }), Mark::Line);
        for (label, b) in [("β_N", &p.beta_norm_min), ("β_S", &p.beta_sharp_min), ("β_GF", &p.beta_gf)] {
            if let Some(b) = b {
                let e = err(b);
                f.hlines.push((format!("{label}: {e:.4}"), e));
            }
        }
        f.vlines = marks;
        f.save(out, &format!("test_error_vs_eta_{}", case.stem))?;
        written.push(format!("test_error_vs_eta_{}", case.stem));
    }
    // Expected error under the uniform prior on Z (T8): the curve over η beside the exact
    // values at β_N, β_S and the Bayes-optimal interpolator Eβ*.
    let (x, y) = (&case.task.x[0], &case.task.y[0]);
    let zero = Rational::new();
    let mean = crate::theory::predictions::uniform_prior_mean(x, y);
    let exact = |b: &[Rational]| crate::theory::predictions::expected_error_uniform_prior(b, x, y, &zero);
    let tr_cov = exact(&mean).nearest();
    let mean64: Vec<f64> = mean.iter().map(Nearest::nearest).collect();
    let prior_err = |b: &[f64]| b.iter().zip(&mean64).map(|(a, m)| (a - m).powi(2)).sum::<f64>() + tr_cov;
    let mut f =
        Figure::new(&format!("Expected error under the uniform prior on Z vs η ({name}, α = {alpha})"), "learning rate η", "E‖β − β*‖²")
            .with("GD limit", column(&sweep, |r| converged(r).then(|| prior_err(&r.beta))), Mark::Line);
    for (label, b) in [
        ("β_N", crate::theory::predictions::beta_norm_min(x, y)),
        ("β_S", crate::theory::predictions::beta_sharp_min(x, y)),
        ("Bayes Eβ*", mean.clone()),
    ] {
        let e = exact(&b);
        f.hlines.push((format!("{label}: {e} = {:.4}", e.nearest()), e.nearest()));
    }
    f.save(out, &format!("prior_error_vs_eta_{}", case.stem))?;
    written.push(format!("prior_error_vs_eta_{}", case.stem));
    let csv_path = out.join(format!("sweep_{}.csv", case.stem));
    write_atomic(&csv_path.to_string_lossy(), crate::output::csv::sweep_csv(&sweep).as_bytes(), "--out")?;
    Ok(written)
}

/// Loss and sharpness against step for one EoS run (log scale for the loss).
fn eos_run_figure(case: &Case, out: &Path) -> Result<String> {
    let design = case.task.design::<f64>(());
    let mut cfg = GdConfig::until_loss(case.eos_eta, 1e-26);
    cfg.record_every = 1;
    cfg.max_steps = 20_000;
    let run = run_gd(&Problem::new(&AnyModel::Sw, &design), &case.alpha.nearest(), &cfg, &mut NoObserver);
    let stem = format!("eos_run_{}", case.stem);
    let loss: Vec<(f64, f64)> = run.trace.iter().map(|t| (t.step as f64, t.loss)).collect();
    let sharp: Vec<(f64, f64)> = run.trace.iter().map(|t| (t.step as f64, t.sharpness)).collect();
    let mut f = Figure::new(&format!("Loss along GD at η = {} ({})", case.eos_eta, case.task.name), "step", "loss").with(
        "L(θ_k)",
        loss,
        Mark::Line,
    );
    f.log_y = true;
    f.save(out, &format!("{stem}_loss"))?;
    let mut f = Figure::new(&format!("Sharpness along GD at η = {} ({})", case.eos_eta, case.task.name), "step", "‖∇²L(θ_k)‖").with(
        "sharpness",
        sharp,
        Mark::Line,
    );
    f.hlines.push((format!("2/η = {:.3}", 2.0 / case.eos_eta), 2.0 / case.eos_eta));
    f.save(out, &format!("{stem}_sharpness"))?;
    Ok(stem)
}

/// Bifurcation diagram of ‖β‖₁ over η on x = (1, 2), y = 1 (the values visited after
/// transients; color by verdict).
fn bifurcation_figure(out: &Path) -> Result<String> {
    let task = canonical_two();
    let alpha = Rational::from((1, 1000));
    let etas = grid(0.2, 0.52, 240, Spacing::Linear)?;
    let cfg = ClassifyConfig { transient: 5_000, window: 3_000, max_values: 64, ..ClassifyConfig::default() };
    let rows = bifurcation(&task, &AnyModel::Sw, &alpha, &etas, &cfg, false);
    let pick = |kind: LongRun| -> Vec<(f64, f64)> {
        rows.iter().filter(|r| r.kind == kind).flat_map(|r| r.values.iter().map(move |v| (r.eta, *v))).collect()
    };
    let f = Figure::new("Bifurcation diagram: ‖β‖₁ visited after transients (x = (1,2), y = 1, α = 1e-3)", "learning rate η", "‖β‖₁")
        .with("fixed point", pick(LongRun::FixedPoint), Mark::Dots)
        .with("periodic", pick(LongRun::Periodic), Mark::Dots)
        .with("chaotic", pick(LongRun::Chaotic), Mark::Dots)
        .with("unresolved", pick(LongRun::Unresolved), Mark::Dots);
    f.save(out, "bifurcation_two_alpha_1e-3")?;
    let csv = crate::output::csv::bifurcation_csv(&rows);
    write_atomic(&out.join("bifurcation_two_alpha_1e-3.csv").to_string_lossy(), csv.as_bytes(), "--out")?;
    Ok("bifurcation_two_alpha_1e-3".into())
}

/// Regenerate every figure into `out`; returns the file stems written (each as .png and .svg).
pub fn generate(out: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for case in cases() {
        written.extend(sweep_figures(&case, out)?);
        written.push(eos_run_figure(&case, out)?);
    }
    written.push(bifurcation_figure(out)?);
    written.extend(crate::output::mlp_figures::mlp_figures(out)?);
    Ok(written)
}
