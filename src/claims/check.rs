//! One check of a claim: predicted against measured, with the error, the tolerance, where
//! the tolerance comes from, and the kind of evidence the check is.

use crate::numeric::real::Nearest;
use crate::numeric::vector::finite;
use rug::Rational;
use serde::Serialize;

/// What a check is worth as evidence for its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The theory gives the value before an independent computation measures it. Evidence.
    Prediction,
    /// An optimum or bound proved by an exact or dual certificate. Evidence.
    Certificate,
    /// Holds by construction (bookkeeping of GD itself): a regression test, not evidence.
    Identity,
    /// Tests a numerical solver against its own optimality conditions: not evidence.
    Solver,
    /// A reported quantity, not asserted: it never fails a claim.
    Measurement,
    /// Not yet classified (a defect: tests/registry.rs rejects it).
    Unclassified,
}

impl Kind {
    /// Predictions and certificates are evidence for a claim.
    pub fn is_evidence(self) -> bool {
        matches!(self, Kind::Prediction | Kind::Certificate)
    }
    /// Whether the check's verdict counts (measurements are only reported).
    pub fn is_asserted(self) -> bool {
        self != Kind::Measurement
    }
}

/// How a check's verdict is established (issue 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// The compared quantity is enclosed by a proved interval (outward rounding, existence
    /// proved) and the relation holds for every point of the enclosure.
    Proved,
    /// Rational equality or inequality in exact arithmetic.
    Exact,
    /// Floating point against a tolerance.
    Numerical,
}

/// How measured is compared with predicted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// |measured − predicted| ≤ tol·|predicted|; for vectors coordinatewise,
    /// |m_i − p_i| ≤ tol·max(|p_i|, floor) with the stated absolute floor.
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
    /// What kind of evidence this check is.
    pub kind: Kind,
    /// The prediction.
    pub predicted: Option<Value>,
    /// The measurement.
    pub measured: Option<Value>,
    /// Absolute error (∞-norm for vectors).
    pub abs_err: Option<f64>,
    /// Relative error (for vectors: the largest coordinatewise one, with the floor).
    pub rel_err: Option<f64>,
    /// Tolerance, interpreted by `relation`.
    pub tolerance: f64,
    /// Where the tolerance comes from: a proved bound, a method's measured resolution, or a
    /// statistical bound.
    pub tolerance_origin: String,
    /// Absolute floor of a coordinatewise relative vector comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// How measured and predicted are compared.
    pub relation: Relation,
    /// Verdict of this comparison (for a measurement: reported, not asserted).
    pub pass: bool,
    /// Anything else measured (reported, not asserted).
    pub note: String,
    /// Proved, exact or numerical.
    pub grade: Grade,
}

impl CheckResult {
    /// A scalar comparison.
    pub fn scalar(claim: &str, task: &str, quantity: &str, predicted: f64, measured: f64, tolerance: f64, relation: Relation) -> Self {
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
            kind: Kind::Unclassified,
            predicted: finite(predicted).map(Value::Scalar),
            measured: finite(measured).map(Value::Scalar),
            abs_err: finite(abs),
            rel_err: finite(rel),
            tolerance,
            tolerance_origin: String::new(),
            floor: None,
            relation,
            pass: pass && predicted.is_finite() && measured.is_finite(),
            note: String::new(),
            grade: Grade::Numerical,
        }
    }

    /// A vector comparison: coordinatewise relative (floor: the smallest positive f64, i.e.
    /// every coordinate at its own scale; see [`CheckResult::with_floor`]) or absolute in ∞-norm.
    pub fn vector(
        claim: &str,
        task: &str,
        quantity: &str,
        predicted: &[f64],
        measured: &[f64],
        tolerance: f64,
        relation: Relation,
    ) -> Self {
        let mut r = Self::scalar(claim, task, quantity, 1.0, 1.0, tolerance, relation);
        r.predicted = Some(Value::Vector(predicted.to_vec()));
        r.measured = Some(Value::Vector(measured.to_vec()));
        r.floor = (relation == Relation::RelativeError).then_some(f64::MIN_POSITIVE);
        r.judge_vector();
        r
    }

    /// Recompute a vector verdict with an absolute floor: |m_i − p_i| ≤ tol·max(|p_i|, floor).
    pub fn with_floor(mut self, floor: f64) -> Self {
        if self.relation == Relation::RelativeError {
            self.floor = Some(floor);
            self.judge_vector();
        }
        self
    }

    fn judge_vector(&mut self) {
        let (Some(Value::Vector(p)), Some(Value::Vector(m))) = (&self.predicted, &self.measured) else { return };
        let abs = p.iter().zip(m).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        let floor = self.floor.unwrap_or(f64::MIN_POSITIVE);
        let rel = p.iter().zip(m).map(|(a, b)| (a - b).abs() / a.abs().max(floor)).fold(0.0, f64::max);
        let ok = p.len() == m.len() && p.iter().chain(m).all(|v| v.is_finite());
        self.abs_err = finite(abs);
        self.rel_err = finite(rel);
        self.pass = ok
            && match self.relation {
                Relation::RelativeError => rel <= self.tolerance,
                _ => abs <= self.tolerance,
            };
    }

    /// An exact comparison of rationals.
    pub fn exact(claim: &str, task: &str, quantity: &str, predicted: &Rational, measured: &Rational) -> Self {
        let diff = Rational::from(predicted - measured).abs();
        let p = predicted.nearest();
        CheckResult {
            claim: claim.into(),
            task: task.into(),
            quantity: quantity.into(),
            kind: Kind::Unclassified,
            predicted: Some(Value::Exact(predicted.to_string())),
            measured: Some(Value::Exact(measured.to_string())),
            abs_err: finite(diff.nearest()),
            rel_err: finite(if p == 0.0 { diff.nearest() } else { (diff.nearest() / p).abs() }),
            tolerance: 0.0,
            tolerance_origin: "exact rational arithmetic".into(),
            floor: None,
            relation: Relation::Exact,
            pass: predicted == measured,
            note: String::new(),
            grade: Grade::Exact,
        }
    }

    /// A check that could not be computed (always fails).
    pub fn failed(claim: &str, task: &str, quantity: &str, why: String) -> Self {
        CheckResult {
            claim: claim.into(),
            task: task.into(),
            quantity: quantity.into(),
            kind: Kind::Unclassified,
            predicted: None,
            measured: None,
            abs_err: None,
            rel_err: None,
            tolerance: 0.0,
            tolerance_origin: String::new(),
            floor: None,
            relation: Relation::AbsoluteError,
            pass: false,
            note: why,
            grade: Grade::Numerical,
        }
    }

    /// With a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// With a grade (`Proved` for a comparison that holds on a whole proved enclosure).
    pub fn graded(mut self, grade: Grade) -> Self {
        self.grade = grade;
        self
    }

    /// With its kind and the origin of its tolerance.
    pub fn kind(mut self, kind: Kind, tolerance_origin: impl Into<String>) -> Self {
        self.kind = kind;
        self.tolerance_origin = tolerance_origin.into();
        self
    }

    /// Whether this check makes its claim fail: an asserted check that does not hold.
    pub fn fails_claim(&self) -> bool {
        self.kind.is_asserted() && !self.pass
    }
}
