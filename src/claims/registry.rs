//! The registry's rows: a [`Claim`] with its statement, source, hypotheses, proof file and
//! broken formulas, its checks on the canonical tasks and (where it applies to any task) on a
//! user's task; and the verdict rule.

use super::check::CheckResult;
use super::{Formulas, Settings};
use crate::problem::model::AnyModel;
use crate::problem::task::Task;
use rug::Rational;
use serde::Serialize;

/// A task with the initialization scale and the parametrization a claim is checked on.
#[derive(Debug, Clone)]
pub struct TaskCase {
    /// The task.
    pub task: Task,
    /// α.
    pub alpha: Rational,
    /// The parametrization.
    pub model: AnyModel,
}

impl TaskCase {
    /// A label for reports: task name and α.
    pub fn label(&self) -> String {
        use crate::numeric::real::Nearest;
        format!("{} α={:e}", self.task.name, self.alpha.nearest())
    }
}

/// Whether a claim applies to a case (`Err` holds the hypothesis that fails).
pub type Applies = fn(&TaskCase) -> Result<(), String>;
/// The checks of a claim on one case.
pub type OnTask = fn(&Formulas, &Settings, &TaskCase) -> Vec<CheckResult>;

/// A deliberately wrong formula that must make the claim fail.
#[derive(Clone, Copy)]
pub struct BrokenFormula {
    /// What is changed (e.g. "η_c → 1.05·η_c").
    pub name: &'static str,
    /// The relative size of the change (0.05 for 5%), where it is a perturbation.
    pub size: Option<f64>,
    /// The wrong formulas.
    pub formulas: fn() -> Formulas,
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
    /// The check on the canonical tasks.
    pub check: fn(&Formulas, &Settings) -> Vec<CheckResult>,
    /// The hypotheses, in words (empty: none beyond an interpolating task).
    pub hypotheses: &'static str,
    /// The check on any task it applies to (`None`: canonical tasks only).
    pub on_task: Option<(Applies, OnTask)>,
    /// Wrong formulas that must make it fail.
    pub broken: Vec<BrokenFormula>,
}

/// A claim's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// At least one prediction or certificate, and every asserted check holds.
    Pass,
    /// An asserted check fails, or there is no evidence.
    Fail,
    /// Its hypotheses do not hold on the task.
    NotApplicable,
}

/// A claim's verdict with its checks.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimOutcome {
    /// Claim id.
    pub id: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Why (a failed hypothesis, missing evidence), empty otherwise.
    pub reason: String,
    /// The checks.
    pub checks: Vec<CheckResult>,
}

/// The verdict rule: pass iff there is at least one prediction or certificate and no
/// asserted check fails.
pub fn verdict_of(results: &[CheckResult]) -> (Verdict, String) {
    if results.is_empty() {
        return (Verdict::Fail, "no checks".into());
    }
    if let Some(r) = results.iter().find(|r| r.fails_claim()) {
        return (Verdict::Fail, format!("{} fails on {}", r.quantity, r.task));
    }
    if !results.iter().any(|r| r.kind.is_evidence()) {
        return (Verdict::Fail, "no prediction or certificate among the checks: nothing is evidence".into());
    }
    (Verdict::Pass, String::new())
}

impl Claim {
    /// A claim checked on the canonical tasks only.
    pub fn new(
        id: &'static str,
        statement: &'static str,
        source: &'static str,
        derived: bool,
        check: fn(&Formulas, &Settings) -> Vec<CheckResult>,
    ) -> Self {
        Claim { id, statement, source, derived, check, hypotheses: "", on_task: None, broken: Vec::new() }
    }
    /// Also checked on any task satisfying `hypotheses` (tested by `applies`).
    pub fn on_tasks(mut self, hypotheses: &'static str, applies: Applies, on_task: OnTask) -> Self {
        self.hypotheses = hypotheses;
        self.on_task = Some((applies, on_task));
        self
    }
    /// With a broken formula that must make it fail.
    pub fn broken(mut self, name: &'static str, size: Option<f64>, formulas: fn() -> Formulas) -> Self {
        self.broken.push(BrokenFormula { name, size, formulas });
        self
    }
    /// The proof file, for derived claims.
    pub fn proof_file(&self) -> Option<String> {
        self.derived.then(|| format!("proofs/{}.md", self.id))
    }
    /// Run the check on the canonical tasks and return (passed, results).
    pub fn verify(&self, formulas: &Formulas, settings: &Settings) -> (bool, Vec<CheckResult>) {
        let o = self.outcome(formulas, settings);
        (o.verdict == Verdict::Pass, o.checks)
    }
    /// The verdict on the canonical tasks.
    pub fn outcome(&self, formulas: &Formulas, settings: &Settings) -> ClaimOutcome {
        let checks = (self.check)(formulas, settings);
        let (verdict, reason) = verdict_of(&checks);
        ClaimOutcome { id: self.id.into(), verdict, reason, checks }
    }
    /// The verdict on one case: not applicable (with the failing hypothesis) or the checks.
    pub fn outcome_on(&self, formulas: &Formulas, settings: &Settings, case: &TaskCase) -> ClaimOutcome {
        let na = |reason: String| ClaimOutcome { id: self.id.into(), verdict: Verdict::NotApplicable, reason, checks: Vec::new() };
        let Some((applies, on_task)) = self.on_task else {
            return na("checked on the canonical tasks only".into());
        };
        if let Err(why) = applies(case) {
            return na(why);
        }
        let checks = on_task(formulas, settings, case);
        let (verdict, reason) = verdict_of(&checks);
        ClaimOutcome { id: self.id.into(), verdict, reason, checks }
    }
}
