//! Human-readable and JSON reports of claim checks.

use crate::claims::{CheckResult, Relation, Value};

fn fmt_value(v: &Option<Value>, digits: usize) -> String {
    match v {
        None => "—".into(),
        Some(Value::Scalar(x)) => format!("{x:.digits$e}"),
        Some(Value::Exact(s)) => s.clone(),
        Some(Value::Vector(xs)) => {
            let inner: Vec<String> = xs
                .iter()
                .take(4)
                .map(|x| format!("{x:.digits$e}"))
                .collect();
            let more = if xs.len() > 4 {
                format!(", …{} more", xs.len() - 4)
            } else {
                String::new()
            };
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
    let failed = results.iter().filter(|r| !r.pass).count();
    s += &format!(
        "{} checks: {} passed, {} failed\n",
        results.len(),
        results.len() - failed,
        failed
    );
    s
}

/// JSON array of the results.
pub fn json(results: &[CheckResult]) -> String {
    serde_json::to_string_pretty(results).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
