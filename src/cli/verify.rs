//! `normsharp verify`: the claims of the registry and their checks.

use super::args::check_precision;
use super::print::emit;
use crate::claims::{registry, verify_all, Formulas, Settings};
use crate::error::{Error, Result};
use crate::output::report;
use clap::Args;

/// Arguments of `normsharp verify`.
#[derive(Debug, Args)]
pub(super) struct VerifyArgs {
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// MPFR precision in bits for the high-precision parts (53 ≤ bits ≤ 65536).
    #[arg(long, default_value_t = 128)]
    precision: u32,
    /// Only this claim id (e.g. T4-limit).
    #[arg(long)]
    claim: Option<String>,
}

pub(super) fn verify(a: VerifyArgs) -> Result<i32> {
    let settings = Settings { precision: check_precision("--precision", a.precision)? };
    let formulas = Formulas::default();
    let (pass, results) = match a.claim {
        None => verify_all(&formulas, &settings),
        Some(id) => {
            let c = registry().into_iter().find(|c| c.id == id).ok_or_else(|| {
                let ids: Vec<&str> = registry().iter().map(|c| c.id).collect();
                Error::arg("--claim", format!("unknown claim \"{}\"", super::args::short(&id)), ids.join(", "))
            })?;
            c.verify(&formulas, &settings)
        }
    };
    if a.json {
        emit(&format!("{}\n", report::json(&registry(), &results)))?;
    } else {
        emit(&report::table(&results, 10))?;
    }
    Ok(if pass { 0 } else { 1 })
}
