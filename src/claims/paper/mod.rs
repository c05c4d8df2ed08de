//! The seed paper's claims for the SW model (THEORY.md §3, T1–T8).

use super::*;
use crate::dynamics::{run_gd, GdConfig, Outcome, Problem, ProductIdentity, RunResult};
use crate::error::Result;
use crate::problem::model::Sw;
use crate::theory::predictions as pred;
use crate::numeric::real::Nearest;
use crate::problem::sharpness::{sharpness, sw_interpolator_sharpness};
use crate::problem::task::Task;
use crate::problem::tasks::{canonical_four, canonical_multi, canonical_two};
use crate::problem::design::Design;
use rug::{Float, Rational};

/// The formulas of the paper's claims (T1–T8). [`PaperFormulas::default`] holds the
/// correct ones; tests replace one at a time by a wrong one to show the checks can fail.
#[derive(Clone, Copy)]
pub struct PaperFormulas {
    /// T2: β_N(x, y).
    pub beta_norm_min: fn(&[Rational], &Rational) -> Vec<Rational>,
    /// T2: β_S(x, y).
    pub beta_sharp_min: fn(&[Rational], &Rational) -> Vec<Rational>,
    /// T1: S on Z as a function of (x, β).
    pub sharpness_on_z: fn(&[Rational], &[Rational]) -> Rational,
    /// T1: ‖w‖₂² on Z as a function of β.
    pub param_norm_on_z: fn(&[Rational]) -> Rational,
    /// T3: β_GF(task, α, precision).
    pub beta_gf: fn(&Task, &Rational, u32) -> Result<Vec<Float>>,
    /// T4: the κ of s_k = −κη Σ g_j (4).
    pub t4_s_coefficient: i64,
    /// T4: the predicted ascending order of the gains (from x).
    pub gain_order: fn(&[Rational]) -> Vec<usize>,
    /// T4: α_∞,i² from (α², Gain_i).
    pub alpha_inf_sq: fn(&Float, &Float) -> Float,
    /// T5: 1/(2 x_max y).
    pub eta_unstable_norm_min: fn(&[Rational], &Rational) -> Rational,
    /// T5: 1/(2 x_min y).
    pub eta_no_stable_interpolator: fn(&[Rational], &Rational) -> Rational,
    /// T5: the linear-stability bound η·S ≤ c (c = 2).
    pub stability_constant: f64,
    /// T6: s_GF(design, α, β_GF).
    pub gf_path_sharpness_max: fn(&Design<f64>, f64, &[f64]) -> Result<f64>,
    /// T7: the d = 2 ansatz (x, y, η).
    pub ansatz_d2: fn(&[Rational], &Rational, &Rational) -> Result<Vec<Rational>>,
    /// T8: expected error under the uniform prior (β, x, y, σ).
    pub expected_error_uniform_prior: fn(&[Rational], &[Rational], &Rational, &Rational) -> Rational,
}

pub(super) fn alpha_inf_sq(alpha2: &Float, gain: &Float) -> Float {
    alpha2.clone() * gain.clone().neg_exp()
}

trait NegExp {
    fn neg_exp(self) -> Self;
}
impl NegExp for Float {
    fn neg_exp(self) -> Self {
        (-self).exp()
    }
}

impl Default for PaperFormulas {
    fn default() -> Self {
        PaperFormulas {
            beta_norm_min: pred::beta_norm_min,
            beta_sharp_min: pred::beta_sharp_min,
            sharpness_on_z: pred::sharpness_on_z,
            param_norm_on_z: pred::param_norm_on_z,
            beta_gf: pred::beta_gf_task,
            t4_s_coefficient: 4,
            alpha_inf_sq,
            gain_order: gain_order_by_x,
            eta_unstable_norm_min: pred::eta_unstable_norm_min,
            eta_no_stable_interpolator: pred::eta_no_stable_interpolator,
            stability_constant: 2.0,
            gf_path_sharpness_max: pred::gf_path_sharpness_max,
            ansatz_d2: pred::ansatz_d2,
            expected_error_uniform_prior: pred::expected_error_uniform_prior,
        }
    }
}

/// Settings of a verification run.

mod simplex;
use simplex::*;
pub mod product;
use product::*;
mod stability;
use stability::*;
pub mod generalization;
use generalization::*;

/// The paper's claims, in THEORY.md order.
pub fn claims() -> Vec<Claim> {
    vec![
        Claim::new("T1", "On Z: ‖w‖₂² = ‖β‖₁ and S = 4⟨x², β⟩ (n samples: S = (4/n)λ_max(X diag β Xᵀ))", "derived", true, check_t1),
        Claim::new("T2", "β_N = (y/x_max)e_argmax minimizes ‖β‖₁ and β_S = (y/x_min)e_argmin minimizes S over Z", "paper, derived", true, check_t2),
        Claim::new("T3", "GF from α·1 ends at β_GF = α²exp(c·x), Σx_iα²e^{c x_i} = y; β_GF → β_N as α → 0", "derived", true, check_t3),
        Claim::new("T4-identity", "GD is an exact product: β_k = α²·exp(s_k − Gain_k)", "derived", true, check_t4_identity),
        Claim::new("T4-limit", "The GD limit is the entropy-potential minimizer at the effective initialization α_∞² = α²e^{−Gain}", "derived", true, check_t4_limit),
        Claim::new("T4-gain", "For one sample the gain is larger where x_i is larger", "derived", true, check_t4_gain),
        Claim::new("T5-thresholds", "β_N is linearly stable iff η < 1/(2x_max y); no interpolator is stable for η > 1/(2x_min y)", "lit: Wu–Ma–E 2018; Ahn et al. 2022; derived", true, check_t5_thresholds),
        Claim::new("T5-bound", "Every limit of convergent GD has η·S(β_∞) ≤ 2", "lit: Wu–Ma–E 2018; Ahn et al. 2022; derived", true, check_t5_bound),
        Claim::new("T6-eta-c", "η_c = 2/s_GF with s_GF the maximum of ‖∇²L‖_op along the gradient-flow path", "paper, empirical", false, check_t6),
        Claim::new("T7", "For d = 2 in the EoS regime GD lands near the interpolator with S = 2/η", "derived, empirical", true, check_t7),
        Claim::new(
            "T8-prior",
            "Under the uniform prior on Z the expected error is ‖β − Eβ*‖² + tr Cov β* + σ²; the Bayes interpolator Eβ* is interior",
            "paper, derived",
            true,
            check_t8_prior,
        ),
        Claim::new("T8-generalization", "With a teacher inside Z, some intermediate-η GD limit beats β_N, β_S (and β_GF)", "paper", false, check_t8_generalization),
        Claim::new("T9", "For several samples (SW) the min-ℓ1 and min-λ_max-sharpness interpolators differ and some GD limit generalizes better than both", "paper (appendix)", false, check_t9),
    ]
}
