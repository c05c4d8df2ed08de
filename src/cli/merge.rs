//! The `merge` subcommand: combine the part files of `sweep --shard K/N` into the files the
//! unsharded `sweep` writes, byte for byte ([`crate::experiments::shard::merge`]).

use super::args::with_threads;
use super::sweep::OutputArgs;
use crate::error::{Error, Result};
use crate::experiments::part::Part;
use crate::experiments::shard::merge;
use crate::output::csv::sweep_csv;
use clap::Args;

/// Arguments of `normsharp merge`.
#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// The part files written by `sweep --shard K/N --part FILE`, all N of them, any order.
    #[arg(required = true)]
    parts: Vec<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Read one part file; errors name the file.
fn read_part(path: &str) -> Result<Part> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::invalid(format!("part file {path}"), format!("cannot read it: {e}")))?;
    Part::from_text(&text).map_err(|e| Error::invalid(format!("part file {path}"), format!("corrupt or not a part: {e}")))
}

/// `normsharp merge`.
pub(super) fn merge_cmd(a: MergeArgs) -> Result<i32> {
    let parts = a.parts.iter().map(|p| Ok((p.clone(), read_part(p)?))).collect::<Result<Vec<_>>>()?;
    a.output.check()?;
    let report = with_threads(a.output.threads, || merge(&parts))??;
    if report.rows_run > 0 {
        eprintln!("merge: {} sweep rows were not in the parts and ran here", report.rows_run);
    }
    a.output.write(&sweep_csv(&report.sweep), &report.to_json())?;
    Ok(0)
}
