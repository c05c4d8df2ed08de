//! `normsharp predict`: every prediction for a task, model and α ([`crate::theory::predict`]).

use super::args::{check_precision, TaskArgs};
use super::print::{print_object, to_object};
use crate::error::Result;
use crate::theory::predict::{predict as predict_all, PredictOptions};
use clap::Args;

/// Arguments of `normsharp predict`.
#[derive(Debug, Args)]
pub(super) struct PredictArgs {
    #[command(flatten)]
    common: TaskArgs,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// MPFR precision of the gradient-flow limit (53 ≤ bits ≤ 65536).
    #[arg(long, default_value_t = 128)]
    precision: u32,
}

pub(super) fn predict(a: PredictArgs) -> Result<i32> {
    let precision = check_precision("--precision", a.precision)?;
    let input = a.common.parse()?;
    let p = predict_all(&input.task, &input.model, &input.alpha, &PredictOptions { precision, interpolators: true, enclosures: true })?;
    print_object(&to_object(&p), a.json)?;
    Ok(0)
}
