//! The digits MLP's figures (`normsharp figures`): final sharpness (with 2/η and
//! η_c = 2/s_GF), ‖θ‖₂ and test error against η, from one sweep of verify's quick network
//! (60 images, 16 hidden units; seconds, not minutes) at twelve multiples of 2/s_GF, with the
//! data as CSV beside them. `normsharp mlp` runs the larger network.

use crate::error::Result;
use crate::experiments::mlp::{run_mlp_sweep_around, MlpConfig, MlpRow, MlpSweep};
use crate::mlp::MlpOutcome;
use crate::numeric::parallel::Progress;
use crate::output::plot::{Figure, Mark};
use crate::output::write::write_atomic;
use std::path::Path;

/// The multiples of 2/s_GF of the figures' sweep.
const MULTIPLES: [f64; 12] = [0.4, 0.6, 0.8, 0.95, 1.1, 1.3, 1.5, 1.75, 2.0, 2.3, 2.6, 3.0];

fn column(s: &MlpSweep, f: impl Fn(&MlpRow) -> Option<f64>) -> Vec<(f64, f64)> {
    s.rows.iter().filter(|r| r.outcome == MlpOutcome::Converged).filter_map(|r| f(r).map(|v| (r.eta, v))).collect()
}

/// The sweep's rows as CSV.
pub fn mlp_csv(s: &MlpSweep) -> String {
    let mut out = String::from("eta,outcome,steps,loss,sharpness,l1,l2,test_error,train_error,first_loss_rise\n");
    for r in &s.rows {
        let opt = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x:e}"));
        out += &format!(
            "{:e},{},{},{:e},{},{:e},{:e},{:e},{:e},{}\n",
            r.eta,
            format!("{:?}", r.outcome).to_lowercase(),
            r.steps,
            r.loss,
            opt(r.sharpness),
            r.l1,
            r.l2,
            r.test_error,
            r.train_error,
            r.first_rise.map_or(String::new(), |k| k.to_string())
        );
    }
    out
}

/// Write the three figures (PNG and SVG) and the CSV into `out`; returns the stems.
pub fn mlp_figures(out: &Path) -> Result<Vec<String>> {
    let s = run_mlp_sweep_around(&MlpConfig::quick(1), &MULTIPLES, &Progress::hidden())?;
    let eta_c = 2.0 / s.gf.s_max[2];
    let marks = vec![(format!("η_c = 2/s_GF = {eta_c:.4}"), eta_c)];
    let title = format!("digits MLP 64-{}-3, {} images", s.config.hidden, s.n_train);
    let two_over: Vec<(f64, f64)> = s.rows.iter().map(|r| (r.eta, 2.0 / r.eta)).collect();
    let mut f = Figure::new(&format!("Final sharpness vs η ({title})"), "learning rate η", "λ_max(∇²L) at the end")
        .with("converged", column(&s, |r| r.sharpness), Mark::Dots)
        .with("2/η", two_over, Mark::Line);
    f.vlines = marks.clone();
    f.hlines.push((format!("gradient flow: {:.3}", s.gf.s_final[2]), s.gf.s_final[2]));
    f.save(out, "mlp_sharpness_vs_eta")?;
    let mut f = Figure::new(&format!("‖θ‖₂ at the end vs η ({title})"), "learning rate η", "‖θ‖₂").with(
        "converged",
        column(&s, |r| Some(r.l2)),
        Mark::Line,
    );
    f.vlines = marks.clone();
    f.hlines.push((format!("gradient flow: {:.4}", s.gf.l2_final[2]), s.gf.l2_final[2]));
    f.save(out, "mlp_norm_vs_eta")?;
    let mut f = Figure::new(&format!("Test error vs η ({title})"), "learning rate η", "test classification error").with(
        "converged",
        column(&s, |r| Some(r.test_error)),
        Mark::Line,
    );
    f.vlines = marks;
    f.hlines.push((format!("gradient flow: {:.4}", s.gf.test_error), s.gf.test_error));
    f.save(out, "mlp_test_error_vs_eta")?;
    write_atomic(&out.join("mlp_sweep.csv").to_string_lossy(), mlp_csv(&s).as_bytes(), "--out")?;
    Ok(vec!["mlp_sharpness_vs_eta".into(), "mlp_norm_vs_eta".into(), "mlp_test_error_vs_eta".into()])
}
