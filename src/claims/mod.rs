//! The registry of claims. Each [`Claim`] has an id, a statement, its THEORY.md tag and a
//! check that computes a prediction (through the replaceable [`Formulas`]) and an
//! independent measurement, and reports both with the error and the tolerance.
//!
//! A check can fail: `tests/broken_formulas.rs` swaps one formula at a time for a wrong
//! one and asserts that the claim's verdict turns to fail.
//!
//! ```
//! use normsharp::claims::{registry, Formulas, Settings};
//! let t8 = registry().into_iter().find(|c| c.id == "T8-prior").unwrap();
//! let results = (t8.check)(&Formulas::default(), &Settings::default());
//! assert!(results.iter().all(|r| r.pass));
//! ```

pub mod check;
mod earlier;
mod eos;
pub mod family;
mod flows;
mod interpolators;
pub mod mlp;
pub mod paper;
pub mod registry;
mod saddles;
mod scalar;

pub use check::{CheckResult, Grade, Kind, Relation, Value};
pub use registry::{verdict_of, BrokenFormula, Claim, ClaimOutcome, TaskCase, Verdict};

pub use earlier::EarlierFormulas;
pub use eos::EosFormulas;
pub use flows::FlowFormulas;
pub use interpolators::InterpolatorFormulas;
pub use mlp::MlpFormulas;
pub use paper::generalization::{generalization_check, t9_check};
pub use paper::product::gain_order_by_x;
pub use paper::PaperFormulas;
pub use saddles::SaddleFormulas;
pub use scalar::ScalarFormulas;

use crate::dynamics::{run_gd, GdConfig, NoObserver, Problem, RunResult};
use crate::numeric::real::Nearest;
use crate::problem::design::Design;
use crate::problem::model::Sw;
use crate::problem::sharpness::sharpness;
use crate::problem::task::Task;
use crate::problem::tasks::{canonical_four, canonical_multi, canonical_two};
use rug::Rational;

/// The formulas every check predicts with, one group per family of claims.
/// [`Formulas::default`] holds the correct ones.
#[derive(Clone, Copy, Default)]
pub struct Formulas {
    /// The seed paper's claims (T1–T8).
    pub paper: PaperFormulas,
    /// Continuous-time descriptions at the edge of stability (C1).
    pub flows: FlowFormulas,
    /// Interpolators for n samples (I1–I4).
    pub interp: InterpolatorFormulas,
    /// Earlier work on diagonal networks and the UV ↔ PM map (W1, W2, D1, A1, E1–E3, N1, UV-PM).
    pub earlier: EarlierFormulas,
    /// The edge of stability, measured (T6a–T6c, P1, K1).
    pub eos: EosFormulas,
    /// Scalar networks (SN1–SN4).
    pub scalar: ScalarFormulas,
    /// Saddle-to-saddle dynamics (PF1, PF2).
    pub saddles: SaddleFormulas,
    /// The seed's experiment on a real network (M1–M3).
    pub mlp: MlpFormulas,
}

/// Settings of a verification run (`normsharp verify --precision BITS`).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// MPFR precision (bits) for the high-precision predictions and runs.
    pub precision: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { precision: 128 }
    }
}

/// A canonical single-sample task with its initialization scale.
pub(crate) struct Case {
    pub(crate) task: Task,
    pub(crate) alpha: Rational,
    pub(crate) label: String,
}

pub(crate) fn case(task: Task, alpha: Rational) -> Case {
    let label = format!("{} α={}", task.name, alpha.nearest());
    Case { task, alpha, label }
}

pub(crate) fn single_sample_cases() -> Vec<Case> {
    vec![
        case(canonical_four(), Rational::from((1, 1000))),
        case(canonical_four(), Rational::from((1, 10))),
        case(canonical_two(), Rational::from((1, 1000))),
    ]
}

pub(crate) fn all_cases() -> Vec<Case> {
    let mut v = single_sample_cases();
    v.push(case(canonical_multi(), Rational::from((1, 10))));
    v
}

pub(crate) fn to_f64s(v: &[Rational]) -> Vec<f64> {
    v.iter().map(Nearest::nearest).collect()
}

pub(crate) fn gd_f64(task: &Task, alpha: f64, cfg: &GdConfig<f64>) -> RunResult<f64> {
    let d = task.design::<f64>(());
    run_gd(&Problem::new(&Sw, &d), &alpha, cfg, &mut NoObserver)
}

pub(crate) fn op_sharpness(design: &Design<f64>, beta: &[f64]) -> f64 {
    let w: Vec<f64> = beta.iter().map(|b| b.abs().sqrt()).collect();
    sharpness(&Sw, design, &w).map_or(f64::INFINITY, |s| s.op_norm)
}

/// Every claim, in THEORY.md order.
pub fn registry() -> Vec<Claim> {
    let mut all = paper::claims();
    all.extend(flows::claims());
    all.extend(interpolators::claims());
    all.extend(earlier::claims());
    all.extend(eos::claims());
    all.extend(saddles::claims());
    all.extend(scalar::claims());
    all.extend(mlp::claims());
    all
}

// ---------------------------------------------------------------------------------------

/// Run every claim on the canonical tasks; returns (every verdict is pass, results in
/// registry order).
pub fn verify_all(formulas: &Formulas, settings: &Settings) -> (bool, Vec<CheckResult>) {
    let outcomes = verify_outcomes(formulas, settings);
    let all = outcomes.iter().all(|o| o.verdict != Verdict::Fail);
    (all, outcomes.into_iter().flat_map(|o| o.checks).collect())
}

/// Every claim's verdict on the canonical tasks, in registry order.
pub fn verify_outcomes(formulas: &Formulas, settings: &Settings) -> Vec<ClaimOutcome> {
    registry().iter().map(|c| c.outcome(formulas, settings)).collect()
}

/// Convenience: f64 sharpness of a β on Z (for reports).
pub fn sharpness_of_beta(task: &Task, beta: &[f64]) -> f64 {
    op_sharpness(&task.design::<f64>(()), beta)
}
