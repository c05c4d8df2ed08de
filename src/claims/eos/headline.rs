//! H1, the seed paper's headline (abstract; THEORY.md §3 T6): across the EoS regime the final
//! ‖β‖₁ rises and the final sharpness falls with η (the learning rate trades parameter norm
//! against sharpness); below η_c both are flat.
//!
//! The statistic is over a family: the canonical EoS cases and four seeded one-sample tasks,
//! each swept by the shared learning-rate sweep (its range does not use the T6 prediction).
//! The split at η_c is the *measured* onset of the regime detector, so the check does not lean
//! on the formula of T6a.

use super::*;
use crate::numeric::vector::loglog_slope;
use crate::problem::tasks::random_positive;

/// One-sided 0.1% critical value of the standard normal, z = 3.0902.
const Z_999: f64 = 3.090_232_306_167_813;

pub(crate) use crate::numeric::rank::spearman;

/// The family of H1: the canonical EoS cases and four seeded one-sample tasks (α = 1/10).
fn h1_cases() -> Vec<(Case, AnyModel)> {
    let mut v = eos_cases();
    for seed in 1..=4u64 {
        v.push((case(random_positive(500 + seed, 1, 3 + seed as usize), Rational::from((1, 10))), AnyModel::Sw));
    }
    v
}

const RHO_ORIGIN: &str = "statistical bound: under no monotone association Spearman's ρ over m rows has standard deviation 1/√(m − 1) \
     (asymptotically normal); the threshold is the one-sided 0.1% critical value z₀.₉₉₉/√(m − 1)";
const FLAT_ORIGIN: &str = "classification between the two laws: flat (slope 0 of ln S in ln η) and the edge S = 2/η (slope −1); the threshold is their midpoint 1/2, fixed by the laws, not by the data";

pub(super) fn check_h1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    h1_cases().iter().flat_map(|(c, model)| h1_on(&f.eos, &label(c, model), measured(c, model))).collect()
}

/// H1 on one sweep: the rank correlations over its EoS rows and the flatness below its
/// measured onset.
pub(super) fn h1_on(f: &EosFormulas, lab: &str, m: std::result::Result<Measured, String>) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let m = match m {
        Ok(m) => m,
        Err(e) => {
            out.push(CheckResult::failed("H1", lab, "EoS sweep", e).kind(Kind::Prediction, "no comparison: the computation failed"));
            return out;
        }
    };
    let rows = eos_rows(&m.0, &m.1);
    let eta: Vec<f64> = rows.iter().map(|r| r.eta).collect();
    let l1: Vec<f64> = rows.iter().map(|r| r.l1).collect();
    let s: Vec<f64> = rows.iter().map(|r| r.sharpness.unwrap_or(f64::NAN)).collect();
    if rows.len() < 5 || s.iter().any(|v| !v.is_finite()) {
        out.push(
            CheckResult::failed("H1", lab, "EoS rows", format!("{} converged EoS rows with a finite sharpness (need ≥ 5)", rows.len()))
                .kind(Kind::Prediction, "no comparison: the computation failed"),
        );
        return out;
    }
    let thr = Z_999 / ((rows.len() - 1) as f64).sqrt();
    let (rho_l1, rho_s) = (spearman(&eta, &l1), spearman(&eta, &s));
    let note = format!("{} EoS rows, η ∈ [{:.6}, {:.6}]; threshold z₀.₉₉₉/√(m − 1) = {thr:.4}", rows.len(), eta[0], eta[eta.len() - 1]);
    // Predicted sign: +1 for ‖β‖₁ (rises), −1 for S (falls); asserted as sign·ρ ≥ threshold.
    out.push(
        CheckResult::scalar(
            "H1",
            lab,
            "sign-adjusted Spearman ρ(η, ‖β‖₁) over the EoS rows (‖β‖₁ rises)",
            thr,
            f.tradeoff_sign * rho_l1,
            0.0,
            Relation::AtLeast,
        )
        .kind(Kind::Prediction, RHO_ORIGIN)
        .with_note(format!("ρ = {rho_l1:.4}; {note}")),
    );
    out.push(
        CheckResult::scalar(
            "H1",
            lab,
            "sign-adjusted Spearman ρ(η, S) over the EoS rows (S falls)",
            thr,
            -f.tradeoff_sign * rho_s,
            0.0,
            Relation::AtLeast,
        )
        .kind(Kind::Prediction, RHO_ORIGIN)
        .with_note(format!("ρ = {rho_s:.4}; {note}")),
    );
    // Below the measured onset: flat. The converged rows before the regime's first EoS row.
    let below: Vec<&SweepRow> =
        m.0.rows.iter().filter(|r| r.outcome == Outcome::Converged && r.eta < eta[0] && r.sharpness.is_some_and(f64::is_finite)).collect();
    if below.len() < 5 {
        out.push(
            CheckResult::scalar(
                "H1",
                lab,
                "converged rows below η_c (need ≥ 5 for the flatness fit)",
                5.0,
                below.len() as f64,
                0.0,
                Relation::AtLeast,
            )
            .kind(Kind::Measurement, "reported: the sweep's range starts too close to η_c on this task"),
        );
        return out;
    }
    let be: Vec<f64> = below.iter().map(|r| r.eta).collect();
    let bs: Vec<f64> = below.iter().map(|r| r.sharpness.unwrap_or(f64::NAN)).collect();
    let bl: Vec<f64> = below.iter().map(|r| r.l1).collect();
    let (slope_s, slope_l1, slope_l1_eos) = (loglog_slope(&be, &bs), loglog_slope(&be, &bl), loglog_slope(&eta, &l1));
    out.push(
        CheckResult::scalar(
            "H1",
            lab,
            "log–log slope of S in η below η_c (flat: 0; the edge law: −1)",
            f.flat_slope_below,
            slope_s,
            0.5,
            Relation::AbsoluteError,
        )
        .kind(Kind::Prediction, FLAT_ORIGIN)
        .with_note(format!("{} rows below the measured onset, η ∈ [{:.6}, {:.6}]", below.len(), be[0], be[be.len() - 1])),
    );
    out.push(
        CheckResult::scalar("H1", lab, "log–log slope of ‖β‖₁ in η below η_c vs half its slope in the EoS", 0.5 * slope_l1_eos.abs(), slope_l1.abs(), 0.0, Relation::AtMost)
            .kind(Kind::Prediction, "classification: flat below η_c means ‖β‖₁ changes at most half as fast (in ln η) as across the EoS regime, the midpoint between 'flat' and 'the EoS trade'")
            .with_note(format!("slope below {slope_l1:.3e}, in the EoS {slope_l1_eos:.3e}")),
    );
    out
}
