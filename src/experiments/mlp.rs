//! The seed paper's experiment on a real network (issue 10, part 3): one initialization of the
//! digits MLP ([`crate::mlp`]), full-batch GD to a loss threshold at each η of a grid (in
//! parallel, η-ordered, so bit-identical whatever the thread count), and the gradient-flow
//! reference: small-step GD at η₀ and η₀/2 with λ_max sampled at the same flow times,
//! Richardson-extrapolated to η → 0 (first order: R = 2·v(η₀/2) − v(η₀)), giving
//! s_GF = max_t λ_max(θ_GF(t)) up to the threshold and η_c = 2/s_GF (T6, THEORY.md).

use crate::error::{Error, Result};
use crate::mlp::hvp::Curvature;
use crate::mlp::{digits, train, Dataset, Mlp, MlpOutcome, TrainConfig};
use crate::numeric::parallel::{par_map_eta, Progress};
use serde::Serialize;

/// The settings of an MLP sweep.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MlpConfig {
    /// Training images per class (1..=60; the test set is always the last 40 of each class).
    pub per_class: usize,
    /// Hidden units.
    pub hidden: usize,
    /// Seed of θ₀.
    pub seed: u64,
    /// Stop when L ≤ this.
    pub loss_threshold: f64,
    /// Step budget of each sweep run.
    pub max_steps: usize,
    /// Lanczos relative residual.
    pub lanczos_tol: f64,
    /// Lanczos step cap.
    pub lanczos_steps: usize,
    /// The gradient-flow runs use η₀ = this/λ_max(θ₀) and η₀/2.
    pub gf_eta_factor: f64,
    /// λ_max is sampled every this many steps of the η₀ run (twice as many at η₀/2: the same
    /// flow times).
    pub gf_sample_every: usize,
}

impl MlpConfig {
    /// The command's network: 60 images per class (180), 32 hidden units.
    pub fn full(seed: u64) -> Self {
        MlpConfig {
            per_class: 60,
            hidden: 32,
            seed,
            loss_threshold: 1e-3,
            max_steps: 200_000,
            lanczos_tol: 1e-9,
            lanczos_steps: 200,
            gf_eta_factor: 0.4,
            gf_sample_every: 100,
        }
    }
    /// The quick network of `normsharp verify`: 20 images per class (60), 16 hidden units.
    pub fn quick(seed: u64) -> Self {
        MlpConfig { per_class: 20, hidden: 16, ..Self::full(seed) }
    }
}

/// One η of the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct MlpRow {
    /// Learning rate.
    pub eta: f64,
    /// How the run ended.
    pub outcome: MlpOutcome,
    /// Steps taken.
    pub steps: usize,
    /// Final training loss.
    pub loss: f64,
    /// λ_max(∇²L) at the last iterate (Lanczos), for converged runs.
    pub sharpness: Option<f64>,
    /// Lanczos residual bound of `sharpness`.
    pub sharpness_residual: Option<f64>,
    /// λ_max's resolution at the last iterate (residual, ∇³L[u,u,u], oscillation amplitude).
    pub curvature: Option<Curvature>,
    /// ‖θ‖₁ at the last iterate.
    pub l1: f64,
    /// ‖θ‖₂ at the last iterate.
    pub l2: f64,
    /// Test classification error at the last iterate.
    pub test_error: f64,
    /// Training classification error at the last iterate.
    pub train_error: f64,
    /// First step at which the loss rose (ρ(∇²L) > 2/η on that segment), if any.
    pub first_rise: Option<usize>,
    /// Steps at which the loss rose.
    pub rises: usize,
    /// λ_max at the start θ_k of the last step whose loss rose (amplitude: that step's length).
    pub last_rise_curvature: Option<Curvature>,
}

/// The gradient-flow reference (Richardson from η₀ and η₀/2).
#[derive(Debug, Clone, Serialize)]
pub struct GfReference {
    /// The coarse step η₀.
    pub eta0: f64,
    /// max λ_max along the path at η₀, η₀/2, and extrapolated (s_GF).
    pub s_max: [f64; 3],
    /// λ_max at the threshold at η₀, η₀/2, extrapolated.
    pub s_final: [f64; 3],
    /// ‖θ‖₂ at the threshold at η₀, η₀/2, extrapolated.
    pub l2_final: [f64; 3],
    /// ‖θ‖₁ at the threshold at η₀, η₀/2, extrapolated.
    pub l1_final: [f64; 3],
    /// Test error at the threshold of the η₀/2 run.
    pub test_error: f64,
    /// Steps of the η₀/2 run.
    pub steps: usize,
    /// Largest Lanczos residual of the samples.
    pub residual: f64,
}

/// A sweep with its reference.
#[derive(Debug, Clone, Serialize)]
pub struct MlpSweep {
    /// The settings.
    pub config: MlpConfig,
    /// Parameters p.
    pub params: usize,
    /// Training size.
    pub n_train: usize,
    /// Test size.
    pub n_test: usize,
    /// λ_max(θ₀).
    pub sharpness_init: f64,
    /// The gradient-flow reference.
    pub gf: GfReference,
    /// One row per η, in the order given.
    pub rows: Vec<MlpRow>,
}

/// The network, its data and θ₀ for a configuration.
pub fn setup(cfg: &MlpConfig) -> (Mlp, Dataset, Dataset, Vec<f64>) {
    let (tr, te) = digits(cfg.per_class);
    let mlp = Mlp::for_data(&tr, cfg.hidden);
    let theta0 = mlp.init(cfg.seed);
    (mlp, tr, te, theta0)
}

fn norms(theta: &[f64]) -> (f64, f64) {
    (theta.iter().map(|v| v.abs()).sum(), theta.iter().map(|v| v * v).sum::<f64>().sqrt())
}

/// One sweep row: GD at η from θ₀, then λ_max, norms and errors at the last iterate.
pub fn run_row(cfg: &MlpConfig, mlp: &Mlp, train_set: &Dataset, test_set: &Dataset, theta0: &[f64], eta: f64) -> MlpRow {
    let run = train(mlp, train_set, theta0, &TrainConfig::new(eta, cfg.loss_threshold, cfg.max_steps));
    let s = (run.outcome == MlpOutcome::Converged)
        .then(|| mlp.curvature(&run.theta, train_set, cfg.lanczos_tol, cfg.lanczos_steps, 0.0))
        .flatten();
    let at_rise = if run.outcome == MlpOutcome::Converged {
        run.last_rise.as_ref().and_then(|(t, g)| mlp.curvature(t, train_set, cfg.lanczos_tol, cfg.lanczos_steps, eta * g))
    } else {
        None
    };
    let (l1, l2) = norms(&run.theta);
    MlpRow {
        eta,
        outcome: run.outcome,
        steps: run.steps,
        loss: run.loss,
        sharpness: s.map(|e| e.sharpness),
        sharpness_residual: s.map(|e| e.residual),
        curvature: s,
        l1,
        l2,
        test_error: mlp.error_rate(&run.theta, test_set),
        train_error: mlp.error_rate(&run.theta, train_set),
        first_rise: run.first_rise,
        rises: run.rises,
        last_rise_curvature: at_rise,
    }
}

/// Richardson to first order: 2·fine − coarse.
fn richardson(coarse: f64, fine: f64) -> [f64; 3] {
    [coarse, fine, 2.0 * fine - coarse]
}

/// The gradient-flow reference from θ₀.
pub fn gf_reference(cfg: &MlpConfig, mlp: &Mlp, train_set: &Dataset, test_set: &Dataset, theta0: &[f64], s0: f64) -> Result<GfReference> {
    let eta0 = cfg.gf_eta_factor / s0;
    let run_at = |eta: f64, every: usize| {
        let mut t = TrainConfig::new(eta, cfg.loss_threshold, cfg.max_steps.saturating_mul(64));
        t.sharpness_every = every;
        t.lanczos = (cfg.lanczos_tol, cfg.lanczos_steps);
        train(mlp, train_set, theta0, &t)
    };
    let (coarse, fine) = rayon::join(|| run_at(eta0, cfg.gf_sample_every), || run_at(eta0 / 2.0, 2 * cfg.gf_sample_every));
    for r in [&coarse, &fine] {
        if r.outcome != MlpOutcome::Converged {
            return Err(Error::invalid(
                "the gradient-flow reference",
                format!("small-step GD did not reach the loss threshold ({:?})", r.outcome),
            ));
        }
    }
    let max = |p: &[(usize, f64)]| p.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
    let last = |p: &[(usize, f64)]| p.last().map_or(f64::NAN, |s| s.1);
    let (c1, c2) = norms(&coarse.theta);
    let (f1, f2) = norms(&fine.theta);
    let residual = [&coarse, &fine]
        .iter()
        .map(|r| mlp.sharpness(&r.theta, train_set, cfg.lanczos_tol, cfg.lanczos_steps).map_or(f64::INFINITY, |e| e.residual))
        .fold(0.0, f64::max);
    Ok(GfReference {
        eta0,
        s_max: richardson(max(&coarse.path), max(&fine.path)),
        s_final: richardson(last(&coarse.path), last(&fine.path)),
        l2_final: richardson(c2, f2),
        l1_final: richardson(c1, f1),
        test_error: mlp.error_rate(&fine.theta, test_set),
        steps: fine.steps,
        residual,
    })
}

/// The sweep over `etas` and the gradient-flow reference, computed side by side.
pub fn run_mlp_sweep(cfg: &MlpConfig, etas: &[f64], progress: &Progress) -> Result<MlpSweep> {
    let (mlp, tr, te, theta0) = setup(cfg);
    let s0 = mlp
        .sharpness(&theta0, &tr, cfg.lanczos_tol, cfg.lanczos_steps)
        .map(|e| e.hi)
        .ok_or_else(|| Error::invalid("λ_max(θ₀)", "Lanczos failed"))?;
    let (gf, rows) = rayon::join(
        || gf_reference(cfg, &mlp, &tr, &te, &theta0, s0),
        || par_map_eta(etas, progress, |eta| run_row(cfg, &mlp, &tr, &te, &theta0, eta)),
    );
    Ok(MlpSweep { config: *cfg, params: mlp.params(), n_train: tr.n, n_test: te.n, sharpness_init: s0, gf: gf?, rows })
}

/// The sweep at η = m·2/s_GF for each multiple m (the gradient-flow reference first, then
/// the rows in parallel): a grid placed around the predicted critical rate.
pub fn run_mlp_sweep_around(cfg: &MlpConfig, multiples: &[f64], progress: &Progress) -> Result<MlpSweep> {
    let (mlp, tr, te, theta0) = setup(cfg);
    let s0 = mlp
        .sharpness(&theta0, &tr, cfg.lanczos_tol, cfg.lanczos_steps)
        .map(|e| e.hi)
        .ok_or_else(|| Error::invalid("λ_max(θ₀)", "Lanczos failed"))?;
    let gf = gf_reference(cfg, &mlp, &tr, &te, &theta0, s0)?;
    let etas: Vec<f64> = multiples.iter().map(|m| m * 2.0 / gf.s_max[2]).collect();
    let rows = par_map_eta(&etas, progress, |eta| run_row(cfg, &mlp, &tr, &te, &theta0, eta));
    Ok(MlpSweep { config: *cfg, params: mlp.params(), n_train: tr.n, n_test: te.n, sharpness_init: s0, gf, rows })
}

impl MlpSweep {
    /// The measured onset of the edge of stability: (largest η below it whose loss never rose,
    /// smallest η whose loss rose or that diverged), over the rows sorted by η.
    pub fn onset_bracket(&self) -> Option<[f64; 2]> {
        let mut rows: Vec<&MlpRow> = self.rows.iter().collect();
        rows.sort_by(|a, b| a.eta.total_cmp(&b.eta));
        let first = rows.iter().position(|r| r.first_rise.is_some() || r.outcome == MlpOutcome::Diverged)?;
        (first > 0).then(|| [rows[first - 1].eta, rows[first].eta])
    }
    /// The geometric middle of [`MlpSweep::onset_bracket`].
    pub fn eta_c_measured(&self) -> Option<f64> {
        self.onset_bracket().map(|[a, b]| (a * b).sqrt())
    }
    /// Whether the smallest test error among converged rows lies strictly inside the η range
    /// (not at its smallest or largest η), with that error and its η.
    pub fn best_test_error(&self) -> Option<(f64, f64, bool)> {
        let conv: Vec<&MlpRow> = self.rows.iter().filter(|r| r.outcome == MlpOutcome::Converged).collect();
        let best = conv.iter().fold(None::<&&MlpRow>, |b, r| match b {
            Some(b) if b.test_error <= r.test_error => Some(b),
            _ => Some(r),
        })?;
        let (lo, hi) = self.rows.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| (l.min(r.eta), h.max(r.eta)));
        Some((best.test_error, best.eta, best.eta > lo && best.eta < hi))
    }
}
