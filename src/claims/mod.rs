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

mod earlier;
mod eos;
mod flows;
mod interpolators;
pub mod paper;

pub use earlier::EarlierFormulas;
pub use eos::EosFormulas;
pub use flows::FlowFormulas;
pub use interpolators::InterpolatorFormulas;
pub use paper::generalization::{generalization_check, t9_check};
pub use paper::product::gain_order_by_x;
pub use paper::PaperFormulas;

use crate::dynamics::{run_gd, GdConfig, NoObserver, Problem, RunResult};
use crate::problem::model::Sw;
use crate::numeric::real::Nearest;
use crate::problem::sharpness::sharpness;
use crate::problem::task::Task;
use crate::problem::tasks::{canonical_four, canonical_multi, canonical_two};
use crate::problem::design::Design;
use rug::Rational;
use serde::Serialize;
use crate::numeric::vector::finite;

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

/// How measured is compared with predicted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// |measured − predicted| ≤ tol·|predicted| (∞-norm for vectors).
    RelativeError,
    /// |measured − predicted| ≤ tol.
    AbsoluteError,
    /// Exactly equal (rationals); tol is 0.
    Exact,
    /// measured ≤ predicted + tol (predicted is an upper bound).
    AtMost,
    /// measured > predicted + tol (predicted is a lower bound that must be exceeded).
    AtLeast,
}

/// A value in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A scalar.
    Scalar(f64),
    /// A vector.
    Vector(Vec<f64>),
    /// An exact rational, as "p/q".
    Exact(String),
}

/// The outcome of one check of a claim on one task.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// Claim id.
    pub claim: String,
    /// Task and parameters.
    pub task: String,
    /// What is compared.
    pub quantity: String,
    /// The prediction.
    pub predicted: Option<Value>,
    /// The measurement.
    pub measured: Option<Value>,
    /// Absolute error (∞-norm for vectors).
    pub abs_err: Option<f64>,
    /// Relative error.
    pub rel_err: Option<f64>,
    /// Tolerance, interpreted by `relation`.
    pub tolerance: f64,
    /// How measured and predicted are compared.
    pub relation: Relation,
    /// Verdict.
    pub pass: bool,
    /// Anything else measured (reported, not asserted).
    pub note: String,
}


impl CheckResult {
    fn scalar(claim: &str, task: &str, quantity: &str, predicted: f64, measured: f64, tolerance: f64, relation: Relation) -> Self {
        let abs = (measured - predicted).abs();
        let rel = abs / predicted.abs();
        let pass = match relation {
            Relation::RelativeError => rel <= tolerance,
            Relation::AbsoluteError => abs <= tolerance,
            Relation::Exact => abs == 0.0,
            Relation::AtMost => measured <= predicted + tolerance,
            Relation::AtLeast => measured > predicted + tolerance,
        };
        CheckResult {
            claim: claim.into(),
            task: task.into(),
            quantity: quantity.into(),
            predicted: finite(predicted).map(Value::Scalar),
            measured: finite(measured).map(Value::Scalar),
            abs_err: finite(abs),
            rel_err: finite(rel),
            tolerance,
            relation,
            pass: pass && predicted.is_finite() && measured.is_finite(),
            note: String::new(),
        }
    }
    fn vector(claim: &str, task: &str, quantity: &str, predicted: &[f64], measured: &[f64], tolerance: f64, relation: Relation) -> Self {
        let abs = predicted.iter().zip(measured).map(|(p, m)| (p - m).abs()).fold(0.0, f64::max);
        let scale = predicted.iter().fold(0.0f64, |m, p| m.max(p.abs()));
        let mut r = Self::scalar(claim, task, quantity, scale, scale, tolerance, relation);
        r.abs_err = finite(abs);
        r.rel_err = finite(abs / scale);
        r.pass = match relation {
            Relation::RelativeError => abs <= tolerance * scale,
            _ => abs <= tolerance,
        } && predicted.len() == measured.len()
            && predicted.iter().chain(measured).all(|v| v.is_finite());
        r.predicted = Some(Value::Vector(predicted.to_vec()));
        r.measured = Some(Value::Vector(measured.to_vec()));
        r
    }
    fn exact(claim: &str, task: &str, quantity: &str, predicted: &Rational, measured: &Rational) -> Self {
        let diff = Rational::from(predicted - measured).abs();
        let p = predicted.nearest();
        CheckResult {
            claim: claim.into(),
            task: task.into(),
            quantity: quantity.into(),
            predicted: Some(Value::Exact(predicted.to_string())),
            measured: Some(Value::Exact(measured.to_string())),
            abs_err: finite(diff.nearest()),
            rel_err: finite(if p == 0.0 { diff.nearest() } else { (diff.nearest() / p).abs() }),
            tolerance: 0.0,
            relation: Relation::Exact,
            pass: predicted == measured,
            note: String::new(),
        }
    }
    fn failed(claim: &str, task: &str, quantity: &str, why: String) -> Self {
        CheckResult {
            claim: claim.into(),
            task: task.into(),
            quantity: quantity.into(),
            predicted: None,
            measured: None,
            abs_err: None,
            rel_err: None,
            tolerance: 0.0,
            relation: Relation::AbsoluteError,
            pass: false,
            note: why,
        }
    }
    fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }
}

/// One claim of the registry.
#[derive(Clone)]
pub struct Claim {
    /// Stable id (`T1`, `T4-identity`, …); proofs name it.
    pub id: &'static str,
    /// The statement checked.
    pub statement: &'static str,
    /// THEORY.md tag: `paper`, `derived`, `lit: …`, `empirical`.
    pub source: &'static str,
    /// Whether a proof file `proofs/<id>.md` is required (tag includes `derived`).
    pub derived: bool,
    /// The check: one result per canonical task.
    pub check: fn(&Formulas, &Settings) -> Vec<CheckResult>,
}

impl Claim {
    /// Run the check and return (all passed, results).
    pub fn verify(&self, formulas: &Formulas, settings: &Settings) -> (bool, Vec<CheckResult>) {
        let results = (self.check)(formulas, settings);
        (!results.is_empty() && results.iter().all(|r| r.pass), results)
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
    all
}

// ---------------------------------------------------------------------------------------

/// Every claim, in THEORY.md order.
/// Run every claim; returns (all passed, results in registry order).
pub fn verify_all(formulas: &Formulas, settings: &Settings) -> (bool, Vec<CheckResult>) {
    let mut all = true;
    let mut out = Vec::new();
    for claim in registry() {
        let (pass, results) = claim.verify(formulas, settings);
        all &= pass;
        out.extend(results);
    }
    (all, out)
}

/// Convenience: f64 sharpness of a β on Z (for reports).
pub fn sharpness_of_beta(task: &Task, beta: &[f64]) -> f64 {
    op_sharpness(&task.design::<f64>(()), beta)
}
