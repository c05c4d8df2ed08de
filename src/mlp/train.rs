//! Full-batch gradient descent θ ← θ − η∇L(θ) on the MLP until the loss falls to a threshold
//! (divergence and an exhausted budget are results, not errors), and the gradient-flow path
//! as small-step GD whose sharpness is sampled at fixed flow times (for Richardson's
//! extrapolation to η → 0 in [`crate::experiments::mlp`]).

use super::data::Dataset;
use super::model::Mlp;
use serde::Serialize;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MlpOutcome {
    /// The loss fell to the threshold.
    Converged,
    /// A non-finite loss, or one above `blowup`·L(θ₀).
    Diverged,
    /// Neither within the step budget.
    MaxSteps,
}

/// Settings of one run.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// Learning rate η.
    pub eta: f64,
    /// Stop when L(θ) ≤ this.
    pub loss_threshold: f64,
    /// Step budget.
    pub max_steps: usize,
    /// Diverged when L(θ) > blowup·L(θ₀).
    pub blowup: f64,
    /// Sample λ_max every this many steps (0: never), and at the stop.
    pub sharpness_every: usize,
    /// Lanczos relative residual and step cap for the samples.
    pub lanczos: (f64, usize),
}

impl TrainConfig {
    /// GD at `eta` to `loss_threshold` within `max_steps`, no sharpness samples.
    pub fn new(eta: f64, loss_threshold: f64, max_steps: usize) -> Self {
        TrainConfig { eta, loss_threshold, max_steps, blowup: 1e6, sharpness_every: 0, lanczos: (1e-8, 120) }
    }
}

/// The end of a run.
#[derive(Debug, Clone)]
pub struct TrainRun {
    /// How it ended.
    pub outcome: MlpOutcome,
    /// Steps taken.
    pub steps: usize,
    /// L at the last iterate.
    pub loss: f64,
    /// The last iterate.
    pub theta: Vec<f64>,
    /// The first step k with L(θ_{k+1}) > L(θ_k): then ρ(∇²L) > 2/η somewhere on the segment
    /// [θ_k, θ_{k+1}] (the descent lemma), i.e. the run met the edge of stability.
    pub first_rise: Option<usize>,
    /// Steps at which the loss rose.
    pub rises: usize,
    /// (step, λ_max) samples, if asked.
    pub path: Vec<(usize, f64)>,
    /// θ_k and ‖∇L(θ_k)‖ at the last step k whose loss rose (the start of the segment the
    /// rise certifies).
    pub last_rise: Option<(Vec<f64>, f64)>,
}

/// GD from θ₀ on `data` until the loss threshold, divergence or the budget.
pub fn train(mlp: &Mlp, data: &Dataset, theta0: &[f64], cfg: &TrainConfig) -> TrainRun {
    let mut theta = theta0.to_vec();
    let mut grad = vec![0.0; theta.len()];
    let mut loss = mlp.loss_grad(&theta, data, &mut grad);
    let l0 = loss;
    let (mut first_rise, mut rises, mut path) = (None, 0usize, Vec::new());
    let sample = |theta: &[f64], path: &mut Vec<(usize, f64)>, k: usize| {
        if cfg.sharpness_every > 0 {
            let s = mlp.sharpness(theta, data, cfg.lanczos.0, cfg.lanczos.1).map_or(f64::NAN, |e| e.hi);
            path.push((k, s));
        }
    };
    let mut k = 0usize;
    let mut prev = theta.clone();
    let mut last_rise = None;
    let outcome = loop {
        if !loss.is_finite() || loss > cfg.blowup * l0 {
            break MlpOutcome::Diverged;
        }
        if loss <= cfg.loss_threshold {
            break MlpOutcome::Converged;
        }
        if k >= cfg.max_steps {
            break MlpOutcome::MaxSteps;
        }
        if cfg.sharpness_every > 0 && k % cfg.sharpness_every == 0 {
            sample(&theta, &mut path, k);
        }
        prev.copy_from_slice(&theta);
        let gnorm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        theta.iter_mut().zip(&grad).for_each(|(t, g)| *t -= cfg.eta * g);
        let next = mlp.loss_grad(&theta, data, &mut grad);
        if next > loss {
            rises += 1;
            first_rise.get_or_insert(k);
            last_rise = Some((prev.clone(), gnorm));
        }
        loss = next;
        k += 1;
    };
    if outcome == MlpOutcome::Converged {
        sample(&theta, &mut path, k);
    }
    TrainRun { outcome, steps: k, loss, theta, first_rise, rises, path, last_rise }
}
