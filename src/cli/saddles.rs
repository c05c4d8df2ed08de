//! `normsharp saddles`: the saddle-to-saddle limit process of gradient flow as α → 0
//! (Pesme & Flammarion 2023, Algorithm 1; [`crate::theory::saddles`]), exact, with the end
//! point certified against the min-ℓ1 LP.

use super::args::TaskModelArgs;
use super::print::print_object;
use crate::error::Result;
use crate::numeric::real::Nearest;
use crate::theory::interpolators::{check_lp_certificate, min_l1, Sign};
use crate::theory::saddles::{saddle_process, sign_of, ProcessRules};
use clap::Args;
use rug::Rational;
use serde_json::{json, Map, Value};

/// Arguments of `normsharp saddles`.
#[derive(Debug, Args)]
pub(super) struct SaddlesArgs {
    #[command(flatten)]
    common: TaskModelArgs,
    /// Largest number of jumps (1 ≤ N ≤ 100000).
    #[arg(long, default_value_t = 1000)]
    max_jumps: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn saddles(a: SaddlesArgs) -> Result<i32> {
    let (task, model) = a.common.parse()?;
    if !(1..=100_000).contains(&a.max_jumps) {
        return Err(crate::error::Error::arg("--max-jumps", format!("{}", a.max_jumps), "an integer with 1 ≤ N ≤ 100000"));
    }
    let sign = sign_of(&model)?;
    let p = saddle_process(&task, sign, &ProcessRules::default(), a.max_jumps)?;
    let ones = vec![Rational::from(1); task.d()];
    let cert = check_lp_certificate(&task, &ones, sign, p.end(), &p.nu);
    let l1 = p.end().iter().fold(Rational::new(), |acc, b| acc + Rational::from(b.abs_ref()));
    let lp = min_l1(&task, sign)
        .map(|c| json!({ "l1": c.objective, "beta": c.beta, "certificate": c.certificate }))
        .unwrap_or_else(|e| json!({ "error": e.to_string() }));
    let (scale, per_unit) = match sign {
        Sign::Nonnegative => ("β = α²·e^{2λs} (SW)", "t_GF = (λ/2)·t"),
        Sign::Signed if model == crate::problem::model::AnyModel::Uv => ("β = α²·sinh(2λs) (UV)", "t_GF = λ·t"),
        Sign::Signed => ("β = 2α²·sinh(2λs) (PM)", "t_GF = (λ/2)·t"),
    };
    let mut out = Map::new();
    out.insert("model".into(), json!(format!("{model:?}").to_lowercase()));
    out.insert("plateaus".into(), serde_json::to_value(p.output()).unwrap_or(Value::Null));
    out.insert(
        "time_units".into(),
        json!(format!("rescaled t with s' = −∇L(β), L = (1/2n)‖Xβ − y‖², jumps when |s_i| reaches 1; gradient-flow time of this model {per_unit}, λ = ln(1/α); {scale}")),
    );
    out.insert(
        "end".into(),
        json!({
            "beta": p.end().iter().map(Nearest::nearest).collect::<Vec<_>>(),
            "l1": l1.nearest(),
            "l1_exact": l1.to_string(),
            "nu": p.nu.iter().map(Nearest::nearest).collect::<Vec<_>>(),
            "certificate": cert,
            "min_l1_lp": lp,
        }),
    );
    print_object(&out, a.json)?;
    Ok(if cert.valid { 0 } else { 1 })
}
