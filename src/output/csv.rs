//! The CSV files: one float format ([`num`]: the shortest decimal that round-trips, empty
//! when absent or not finite), so equal runs give equal bytes.

use crate::dynamics::classify::{Classification, LongRun};
use crate::dynamics::Outcome;
use crate::experiments::sweep::Sweep;
use crate::output::write::num;

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Converged => "converged",
        Outcome::Periodic => "periodic",
        Outcome::Diverged => "diverged",
        Outcome::Unresolved => "unresolved",
    }
}

/// CSV text: a header, then one line per η. Floats are the shortest decimal that
/// round-trips (so equal runs give equal bytes); absent values are empty fields.
pub fn sweep_csv(sweep: &Sweep) -> String {
    let d = sweep.rows.first().map_or(0, |r| r.beta.len());
    let mut s = String::from(
        "eta,outcome,period,steps,loss,lambda_max,sharpness,two_over_eta,eta_times_sharpness,l1,param_norm2_sq,test_error,dist_beta_n,dist_beta_s,dist_beta_gf,dist_ansatz,refined",
    );
    for i in 1..=d {
        s += &format!(",beta_{i}");
    }
    s.push('\n');
    for r in &sweep.rows {
        let fields = [
            num(Some(r.eta)),
            outcome_name(r.outcome).to_string(),
            r.period.map_or(String::new(), |p| p.to_string()),
            r.steps.to_string(),
            num(Some(r.loss)),
            num(r.lambda_max),
            num(r.sharpness),
            num(Some(r.two_over_eta)),
            num(r.eta_times_sharpness),
            num(Some(r.l1)),
            num(Some(r.param_norm2_sq)),
            num(r.test_error),
            num(r.dist_beta_n),
            num(r.dist_beta_s),
            num(r.dist_beta_gf),
            num(r.dist_ansatz),
            r.refined.to_string(),
        ];
        s += &fields.join(",");
        for b in &r.beta {
            s += ",";
            s += &num(Some(*b));
        }
        s.push('\n');
    }
    s
}

/// The diagram as CSV: `eta,kind,period,lyapunov,value`, one line per distinct value
/// (one line with an empty value when there is none, e.g. divergence).
pub fn bifurcation_csv(rows: &[Classification]) -> String {
    let f = num;
    let kind = |k: LongRun| match k {
        LongRun::FixedPoint => "fixedpoint",
        LongRun::Periodic => "periodic",
        LongRun::Chaotic => "chaotic",
        LongRun::Diverged => "diverged",
        LongRun::Unresolved => "unresolved",
    };
    let mut s = String::from("eta,kind,period,lyapunov,value\n");
    for c in rows {
        let head = format!("{},{},{},{}", f(Some(c.eta)), kind(c.kind), c.period.map_or(String::new(), |p| p.to_string()), f(c.lyapunov));
        if c.values.is_empty() {
            s += &format!("{head},\n");
        }
        for v in &c.values {
            s += &format!("{head},{}\n", f(Some(*v)));
        }
    }
    s
}
