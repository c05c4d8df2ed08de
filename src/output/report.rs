//! Human-readable and JSON reports of claim checks: every check with its kind, predicted and
//! measured values, errors, tolerance and the tolerance's origin; every claim with its verdict.

use crate::claims::family::FamilySummary;
use crate::claims::{verdict_of, CheckResult, Claim, ClaimOutcome, Grade, Kind, Relation, Value, Verdict};
use serde_json::json;

fn fmt_value(v: &Option<Value>, digits: usize) -> String {
    match v {
        None => "—".into(),
        Some(Value::Scalar(x)) => format!("{x:.digits$e}"),
        Some(Value::Exact(s)) => s.clone(),
        Some(Value::Vector(xs)) => {
            let inner: Vec<String> = xs.iter().take(4).map(|x| format!("{x:.digits$e}")).collect();
            let more = if xs.len() > 4 { format!(", …{} more", xs.len() - 4) } else { String::new() };
            format!("[{}{more}]", inner.join(", "))
        }
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{x:.2e}"))
}

fn relation_symbol(r: Relation) -> &'static str {
    match r {
        Relation::RelativeError => "rel ≤",
        Relation::AbsoluteError => "abs ≤",
        Relation::Exact => "exact",
        Relation::AtMost => "meas ≤ pred +",
        Relation::AtLeast => "meas > pred +",
    }
}

/// The name of a grade as shown in reports.
pub fn grade_name(g: Grade) -> &'static str {
    match g {
        Grade::Proved => "proved",
        Grade::Exact => "exact",
        Grade::Numerical => "numerical",
    }
}

/// The name of a kind as shown in reports.
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Prediction => "prediction",
        Kind::Certificate => "certificate",
        Kind::Identity => "identity",
        Kind::Solver => "solver",
        Kind::Measurement => "measurement",
        Kind::Unclassified => "unclassified",
    }
}

/// The name of a verdict as shown in reports.
pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::NotApplicable => "N/A",
    }
}

fn check_line(r: &CheckResult, digits: usize) -> String {
    let mark = match (r.kind.is_asserted(), r.pass) {
        (false, _) => "MEAS",
        (true, true) => "PASS",
        (true, false) => "FAIL",
    };
    let floor = r.floor.filter(|f| *f > f64::MIN_POSITIVE).map_or(String::new(), |f| format!(", floor {f:.1e}"));
    let mut s = format!(
        "{mark:<4} {:<18} [{}, {}] {}\n       {}\n       predicted {}  measured {}  abs err {}  rel err {}  ({} {:.1e}{floor})\n",
        r.claim,
        kind_name(r.kind),
        grade_name(r.grade),
        r.task,
        r.quantity,
        fmt_value(&r.predicted, digits),
        fmt_value(&r.measured, digits),
        fmt_opt(r.abs_err),
        fmt_opt(r.rel_err),
        relation_symbol(r.relation),
        r.tolerance,
    );
    if !r.tolerance_origin.is_empty() {
        s += &format!("       tolerance: {}\n", r.tolerance_origin);
    }
    if !r.note.is_empty() {
        s += &format!("       note: {}\n", r.note);
    }
    s
}

/// The report of claim outcomes: every check, then one line per claim (verdict, checks,
/// evidence, largest relative error) and a summary. `digits` significant digits are shown.
pub fn outcomes_table(outcomes: &[ClaimOutcome], digits: usize) -> String {
    let mut s = String::new();
    for o in outcomes {
        for r in &o.checks {
            s += &check_line(r, digits);
        }
    }
    s += "\nclaim              verdict  checks  evidence  proved  max rel err  reason\n";
    for o in outcomes {
        let evidence = o.checks.iter().filter(|r| r.kind.is_evidence()).count();
        let proved = o.checks.iter().filter(|r| r.grade == Grade::Proved).count();
        let worst = o
            .checks
            .iter()
            .filter(|r| r.kind.is_asserted())
            .filter_map(|q| q.rel_err)
            .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
        s += &format!(
            "{:<18} {:<8} {:>6}  {:>8}  {:>6}  {:>11}  {}\n",
            o.id,
            verdict_name(o.verdict),
            o.checks.len(),
            evidence,
            proved,
            fmt_opt(worst),
            o.reason
        );
    }
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
    let checks: usize = outcomes.iter().map(|o| o.checks.len()).sum();
    let evidence: usize = outcomes.iter().flat_map(|o| &o.checks).filter(|r| r.kind.is_evidence()).count();
    let proved: usize = outcomes.iter().flat_map(|o| &o.checks).filter(|r| r.grade == Grade::Proved).count();
    s += &format!(
        "{} claims: {} passed, {} failed, {} not applicable; {checks} checks, {evidence} of them predictions or certificates, {proved} graded proved\n",
        outcomes.len(),
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::NotApplicable)
    );
    s
}

/// The report of a flat list of checks, grouped into claims by id (for tests and snippets).
pub fn table(results: &[CheckResult], digits: usize) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for r in results {
        if !ids.contains(&r.claim.as_str()) {
            ids.push(&r.claim);
        }
    }
    let outcomes: Vec<ClaimOutcome> = ids
        .iter()
        .map(|id| {
            let checks: Vec<CheckResult> = results.iter().filter(|r| r.claim == *id).cloned().collect();
            let (verdict, reason) = verdict_of(&checks);
            ClaimOutcome { id: id.to_string(), verdict, reason, checks }
        })
        .collect();
    outcomes_table(&outcomes, digits)
}

/// JSON report: `{ "pass", "claims": [{id, statement, source, hypotheses, verdict, pass,
/// reason, checks, evidence}], "checks": [...], "families": [...] }`; `pass` is false iff a
/// claim's verdict is fail.
pub fn json(claims: &[Claim], outcomes: &[ClaimOutcome], families: &[FamilySummary]) -> String {
    let per_claim: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let c = claims.iter().find(|c| c.id == o.id);
            json!({
                "id": o.id,
                "statement": c.map(|c| c.statement), "source": c.map(|c| c.source), "hypotheses": c.map(|c| c.hypotheses),
                "verdict": o.verdict, "pass": o.verdict == Verdict::Pass, "reason": o.reason,
                "checks": o.checks.len(), "evidence": o.checks.iter().filter(|r| r.kind.is_evidence()).count(),
                "proved": o.checks.iter().filter(|r| r.grade == Grade::Proved).count(),
            })
        })
        .collect();
    let checks: Vec<&CheckResult> = outcomes.iter().flat_map(|o| &o.checks).collect();
    let mut v = json!({ "pass": outcomes.iter().all(|o| o.verdict != Verdict::Fail), "claims": per_claim, "checks": checks });
    if !families.is_empty() {
        v["families"] = json!(families);
    }
    serde_json::to_string_pretty(&v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The claims table of the README (markdown): per claim its id, source, hypotheses, the kinds
/// of its checks on the canonical tasks, where its tolerances come from, its smallest
/// registered broken-formula perturbation (sensitivity) and, when `families` has it, how a
/// seeded family went (held/tried, not applicable). `tests/snapshots.rs` checks it against the
/// registry.
pub fn claims_markdown(claims: &[Claim], outcomes: &[ClaimOutcome], families: &[FamilySummary]) -> String {
    let mut s = String::from("| claim | source | hypotheses | checks by kind | tolerances from | broken formulas (smallest) | family: held/tried (n/a) |\n|---|---|---|---|---|---|---|\n");
    for c in claims {
        let o = outcomes.iter().find(|o| o.id == c.id);
        let kinds = o.map_or("—".into(), |o| {
            let mut parts = Vec::new();
            for k in [Kind::Prediction, Kind::Certificate, Kind::Identity, Kind::Solver, Kind::Measurement, Kind::Unclassified] {
                let n = o.checks.iter().filter(|r| r.kind == k).count();
                if n > 0 {
                    parts.push(format!("{n} {}", kind_name(k)));
                }
            }
            parts.join(", ")
        });
        let origins = o.map_or("—".into(), |o| {
            let mut seen: Vec<String> = Vec::new();
            for r in o.checks.iter().filter(|r| r.kind.is_asserted()) {
                let head = r.tolerance_origin.split([';', '(']).next().unwrap_or("").trim();
                let first: String =
                    if head.chars().count() > 70 { head.chars().take(70).collect::<String>() + "…" } else { head.to_string() };
                if !first.is_empty() && !seen.contains(&first) {
                    seen.push(first);
                }
            }
            seen.join("; ")
        });
        let smallest = c.broken.iter().filter_map(|b| b.size).fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))));
        let broken = match (c.broken.len(), smallest) {
            (0, _) => "none".to_string(),
            (n, Some(v)) => format!("{n} ({:.0}%)", 100.0 * v),
            (n, None) => format!("{n}"),
        };
        let fam = families.iter().find(|f| f.id == c.id).map_or("—".into(), |f| format!("{}/{} ({})", f.held, f.tried, f.not_applicable));
        let cell = |t: &str| if t.is_empty() { "—".to_string() } else { t.replace('|', "\\|") };
        s += &format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            c.id,
            cell(c.source),
            cell(c.hypotheses),
            cell(&kinds),
            cell(&origins),
            broken,
            fam
        );
    }
    s
}
