//! The `normsharp` command line: a thin layer over the library. Each subcommand lives in its
//! own file and does parse → library call → print; arguments are validated once
//! ([`args`]), output never panics ([`print`]).
//!
//! Exit codes: 0 success, 1 a claim check failed, 2 bad input (the message names the
//! argument or field, what was wrong and what is allowed).

pub mod args;
mod figures;
mod merge;
mod mlp;
mod predict;
pub mod print;
mod run;
mod saddles;
mod sweep;
mod verify;

use crate::error::Error;
use clap::{Parser, Subcommand};

/// Verify the implicit-bias theory of GD at finite learning rates on diagonal linear networks.
#[derive(Debug, Parser)]
#[command(name = "normsharp", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every claim of the registry; exit 1 if an applicable claim fails.
    Verify(verify::VerifyArgs),
    /// Closed-form and solved predictions for a task.
    Predict(predict::PredictArgs),
    /// Run gradient descent (f64, or MPFR with --precision).
    Run(run::RunArgs),
    /// Learning-rate sweep: one GD run per η (outcome, sharpness, norms, distances) as CSV/JSON.
    Sweep(sweep::SweepArgs),
    /// Combine the parts of `sweep --shard K/N` into the unsharded sweep's CSV and JSON, byte for byte.
    Merge(merge::MergeArgs),
    /// The two regimes of a sweep: measured η_c beside 2/s_GF, non-convergence, divergence, EoS band.
    Regimes(sweep::RegimesArgs),
    /// The saddle-to-saddle limit as α → 0 (Pesme & Flammarion): plateaus and jump times, end point certified.
    Saddles(saddles::SaddlesArgs),
    /// The seed's experiment on a real network: a tanh MLP on shipped digits, GD to a loss threshold per η.
    Mlp(mlp::MlpArgs),
    /// Long-run classification over η (fixed point, period p, chaos, divergence) as bifurcation data.
    Bifurcation(sweep::BifurcationArgs),
    /// Regenerate every figure for the canonical tasks (PNG and SVG, with their data as CSV).
    #[cfg(feature = "plot")]
    Figures(figures::FiguresArgs),
}

/// Parse arguments, run, print; returns the process exit code.
pub fn run<I, S>(args: I) -> i32
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Command::Verify(a) => verify::verify(a),
        Command::Predict(a) => predict::predict(a),
        Command::Run(a) => run::run(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Merge(a) => merge::merge_cmd(a),
        Command::Regimes(a) => sweep::regimes_cmd(a),
        Command::Bifurcation(a) => sweep::bifurcation_cmd(a),
        Command::Saddles(a) => saddles::saddles(a),
        Command::Mlp(a) => mlp::mlp(a),
        #[cfg(feature = "plot")]
        Command::Figures(a) => figures::figures(a),
    };
    match result.map_err(args::flagged) {
        Ok(code) => code,
        // The reader closed the pipe: nothing more to say to it.
        Err(Error::Output { broken_pipe: true, .. }) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
