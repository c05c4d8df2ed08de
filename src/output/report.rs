//! Human-readable and JSON reports of claim checks.

use crate::claims::{CheckResult, Claim, Relation, Value};

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

/// The claims table: one line per check with verdict, predicted, measured, errors and
/// tolerance, then the note indented. `digits` is the number of significant digits shown.
pub fn table(results: &[CheckResult], digits: usize) -> String {
    let mut s = String::new();
    for r in results {
        s += &format!(
            "{:<4} {:<18} {}\n       {}\n       predicted {}  measured {}  abs err {}  rel err {}  ({} {:.1e})\n",
            if r.pass { "PASS" } else { "FAIL" },
            r.claim,
            r.task,
            r.quantity,
            fmt_value(&r.predicted, digits),
            fmt_value(&r.measured, digits),
            fmt_opt(r.abs_err),
            fmt_opt(r.rel_err),
            relation_symbol(r.relation),
            r.tolerance,
        );
        if !r.note.is_empty() {
            s += &format!("       note: {}\n", r.note);
        }
    }
    // One line per claim: verdict, number of checks, largest relative error.
    s += "\nclaim              verdict  checks  max rel err\n";
    let mut seen: Vec<&str> = Vec::new();
    for r in results {
        if seen.contains(&r.claim.as_str()) {
            continue;
        }
        seen.push(&r.claim);
        let mine: Vec<&CheckResult> = results.iter().filter(|q| q.claim == r.claim).collect();
        let worst = mine.iter().filter_map(|q| q.rel_err).fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))));
        s += &format!(
            "{:<18} {:<8} {:>6}  {}\n",
            r.claim,
            if mine.iter().all(|q| q.pass) { "PASS" } else { "FAIL" },
            mine.len(),
            fmt_opt(worst)
        );
    }
    let failed = results.iter().filter(|r| !r.pass).count();
    s += &format!("{} checks: {} passed, {} failed\n", results.len(), results.len() - failed, failed);
    s
}

/// JSON report: `{ "pass", "claims": [{id, statement, source, pass, checks}], "checks": [...] }`.
pub fn json(claims: &[Claim], results: &[CheckResult]) -> String {
    let per_claim: Vec<serde_json::Value> = claims
        .iter()
        .filter(|c| results.iter().any(|r| r.claim == c.id))
        .map(|c| {
            let mine: Vec<&CheckResult> = results.iter().filter(|r| r.claim == c.id).collect();
            serde_json::json!({
                "id": c.id, "statement": c.statement, "source": c.source,
                "pass": mine.iter().all(|r| r.pass), "checks": mine.len(),
            })
        })
        .collect();
    let v = serde_json::json!({ "pass": results.iter().all(|r| r.pass), "claims": per_claim, "checks": results });
    serde_json::to_string_pretty(&v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
