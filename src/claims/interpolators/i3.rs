//! I3 (THEORY.md T9, derived): the trace- and λ_max-sharpness minimizers over {Xβ = y, β ≥ 0}.
//! For one sample the λ_max minimizer is supported on the smallest x_i (the ℓ1 minimizer on
//! the largest); the trace LP's value is the SW Hessian trace at its optimum; and no
//! interpolator beats the certified λ_max minimum (weak duality). On the task of
//! proofs/I3-trace-vs-lambda.md the two minimizers are the two ends of Z.

use super::*;

const ID: &str = "I3-trace-vs-lambda";

/// One sample, x > 0, y > 0 with a unique smallest x_i: min λ_max picks argmin x.
fn one_sample_pick(f: &InterpolatorFormulas, task: &Task, label: &str) -> CheckResult {
    let q = "index picked by min λ_max: predicted vs argmax_i β_SDP,i";
    let x = &task.x[0];
    match (min_sharpness_sdp(task, Sign::Nonnegative), min_l1(task, Sign::Nonnegative)) {
        (Ok(sdp), Ok(l1)) => {
            let pick = |b: &[f64]| (0..b.len()).max_by(|&i, &j| b[i].total_cmp(&b[j])).expect("d ≥ 1");
            let (m, l) = (pick(&sdp.beta), pick(&l1.beta));
            let mut r = CheckResult::scalar(ID, label, q, (f.lambda_pick_one_sample)(x) as f64, m as f64, 0.0, Relation::Exact)
                .kind(Kind::Prediction, "exact: an index");
            r.pass = r.pass && sdp.certificate.valid;
            r.with_note(format!(
                "x = {:?}: λ_max picks index {m} (x = {}), ℓ1 picks index {l} (x = {}): the opposite ends; {}",
                to_f64s(x),
                x[m],
                x[l],
                cert_note(&sdp)
            ))
        }
        (Err(e), _) | (_, Err(e)) => {
            CheckResult::failed(ID, label, q, e.to_string()).kind(Kind::Prediction, "no comparison: the computation failed")
        }
    }
}

/// The trace LP's value is the Hessian trace at its optimum (a prediction), and the
/// certified λ_max lower bound is below λ_max at the trace minimizer (weak duality). With
/// `strict`, the trace minimizer must beat nobody: λ_max there exceeds the certified minimum
/// beyond the certificate's tolerance (the minimizers differ).
fn trace_and_lambda(f: &InterpolatorFormulas, task: &Task, label: &str, strict: bool) -> Vec<CheckResult> {
    let n = task.n();
    let weights = (f.trace_weights)(task);
    let (tr, sdp) = match (min_weighted_l1(task, &weights, Sign::Nonnegative), min_sharpness_sdp(task, Sign::Nonnegative)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return vec![CheckResult::failed(ID, label, "trace LP and sharpness SDP", e.to_string())
                .kind(Kind::Certificate, "no comparison: the computation failed")]
        }
    };
    let design = task.design::<f64>(());
    let w: Vec<f64> = tr.beta.iter().map(|b| b.abs().sqrt()).collect();
    let trace = sharpness(&Sw, &design, &w).map_or(f64::NAN, |s| s.trace);
    // The trace LP is solved exactly (gap 0): only f64 rounding of β and of the Hessian's
    // diagonal remains, ≤ d·2⁻⁵² relative.
    let tol = (task.d() as f64 * f64::EPSILON).max(1e-13);
    let mut r = CheckResult::scalar(
        ID,
        label,
        "(4/n)·min Σ‖X_i‖²β_i (trace LP) vs tr ∇²L at w = √β_trace",
        (f.trace_from_lp)(tr.objective, n),
        trace,
        tol,
        Relation::RelativeError,
    )
    .kind(Kind::Prediction, "d·2⁻⁵² (at least 1e-13) for the f64 rounding of an exact LP optimum and of the Hessian's diagonal");
    r.pass = r.pass && tr.certificate.valid;
    let mut out = vec![r.with_note(format!("tolerance {tol:.1e}: d·2⁻⁵² for the f64 rounding of an exact optimum; {}", cert_note(&tr)))];
    let (_, dual) = sdp_t_and_dual(&sdp, task);
    let tr_lmax = lambda_max_x_diag_xt(task, &tr.beta).unwrap_or(f64::NAN);
    let coincide = tr_lmax <= sdp.objective.max(dual) * (1.0 + SDP_TOL);
    let note = format!(
        "on this task the trace and λ_max minimizers {} (‖β_trace − β_λ‖∞ = {:.3e}; λ_max at β_trace exceeds the certified minimum by {:.2e} relative); SDP {}",
        if coincide { "coincide to the SDP's accuracy" } else { "differ" },
        dist_inf(&tr.beta, &sdp.beta),
        (tr_lmax - dual) / dual,
        cert_note(&sdp)
    );
    let mut r = if strict {
        let mut r = CheckResult::scalar(
            ID,
            label,
            "certified min λ_max(X diag β Xᵀ) vs its value at the trace minimizer (must be strictly below)",
            tr_lmax,
            sdp.objective,
            0.0,
            Relation::AtMost,
        )
        .kind(Kind::Certificate, "strict inequality beyond SDP_TOL (weak duality, proofs/I3-trace-vs-lambda.md)");
        r.pass = r.pass && !coincide;
        r
    } else {
        CheckResult::scalar(
            ID,
            label,
            "certified lower bound yᵀν on min λ_max ≤ λ_max(X diag β Xᵀ) at the trace minimizer (weak duality)",
            tr_lmax,
            dual,
            SDP_TOL * tr_lmax.abs(),
            Relation::AtMost,
        )
        .kind(Kind::Certificate, "SDP_TOL relative: weak duality holds up to the certificate's tolerance")
    };
    r.pass = r.pass && sdp.certificate.valid && tr.certificate.valid;
    out.push(r.with_note(note));
    out
}

pub(super) fn check_i3(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.interp;
    let mut out = Vec::new();
    for task in [canonical_four(), canonical_two()] {
        out.push(one_sample_pick(f, &task, &format!("{} β ≥ 0", task.name)));
    }
    // The explicit task of the proof: the two minimizers are the two ends of Z.
    let task = trace_vs_lambda_task();
    out.extend(trace_and_lambda(f, &task, &format!("{} β ≥ 0", task.name), true));
    // The canonical multi-sample task: whether the two minimizers coincide is reported.
    let task = canonical_multi();
    out.extend(trace_and_lambda(f, &task, &format!("{} β ≥ 0", task.name), false));
    out
}

/// I3's hypotheses on a task: rank X = n and a nonnegative interpolator (the LPs are over
/// β ≥ 0); for one sample also x > 0, y > 0 (the pick of argmin x needs a unique smallest
/// x_i, otherwise only the trace and weak-duality checks run).
pub(super) fn i3_applies(case: &TaskCase) -> std::result::Result<(), String> {
    full_row_rank(case)?;
    if case.task.n() == 1 {
        case.task.single_sample_positive().map_err(|e| e.to_string())?;
    } else if min_l1(&case.task, Sign::Nonnegative).is_err() {
        return Err("no nonnegative interpolator (the trace and λ_max LP/SDP are over β ≥ 0)".into());
    }
    Ok(())
}

pub(super) fn i3_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    let f = &f.interp;
    let label = case.label();
    let mut out = Vec::new();
    if case.task.n() == 1 {
        let x = &case.task.x[0];
        let min = x.iter().min().expect("d ≥ 1");
        if x.iter().filter(|v| *v == min).count() == 1 {
            out.push(one_sample_pick(f, &case.task, &label));
        }
    }
    out.extend(trace_and_lambda(f, &case.task, &label, false));
    out
}
