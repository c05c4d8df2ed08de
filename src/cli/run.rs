//! `normsharp run`: one GD run ([`crate::experiments::run`]).

use super::args::{check_precision, check_steps, positive_f64, rate, TaskArgs};
use super::print::{print_object, to_object};
use crate::error::{Error, Result};
use crate::experiments::run::{run as run_gd, RunSpec};
use crate::numeric::{dd::Dd, qd::Qd};
use clap::{Args, ValueEnum};
use rug::Float;

/// The number types a run can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Arithmetic {
    /// IEEE double precision (53 bits).
    F64,
    /// Double-double (~106 bits).
    Dd,
    /// Quad-double (~212 bits).
    Qd,
    /// MPFR at --precision bits.
    Mpfr,
}

/// Arguments of `normsharp run`.
#[derive(Debug, Args)]
pub(super) struct RunArgs {
    #[command(flatten)]
    common: TaskArgs,
    /// Learning rate η > 0 (decimal or fraction, read exactly).
    #[arg(long, allow_hyphen_values = true)]
    eta: String,
    /// Run exactly N steps.
    #[arg(long, conflicts_with = "tol")]
    steps: Option<u64>,
    /// Stop when the loss falls below T (default 1e-24).
    #[arg(long, allow_hyphen_values = true)]
    tol: Option<String>,
    /// Step budget when stopping on the loss.
    #[arg(long, default_value_t = 1_000_000)]
    max_steps: u64,
    /// Record loss, sharpness and norms every K steps (0: off).
    #[arg(long, default_value_t = 0)]
    record_every: u64,
    /// Arithmetic: f64, double-double (dd, ~106 bits), quad-double (qd, ~212 bits) or MPFR
    /// (mpfr, at --precision bits). Default: f64, or mpfr when --precision is given.
    #[arg(long, value_enum)]
    arithmetic: Option<Arithmetic>,
    /// MPFR precision in bits (53 ≤ bits ≤ 65536); implies --arithmetic mpfr.
    #[arg(long)]
    precision: Option<u32>,
    /// Batch-1 SGD (one uniformly drawn sample per step) instead of full-batch GD.
    #[arg(long, requires = "seed")]
    sgd: bool,
    /// Seed of the SGD sample sequence (ChaCha8).
    #[arg(long)]
    seed: Option<u64>,
    /// Skip the check of the exact identity along the run (on by default).
    #[arg(long)]
    no_identity: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn run(a: RunArgs) -> Result<i32> {
    let input = a.common.parse()?;
    let eta = positive_f64("--eta", &a.eta)?;
    let tol = match &a.tol {
        Some(t) => rate("--tol", t)?,
        None => 1e-24,
    };
    if a.seed.is_some() && !a.sgd {
        return Err(Error::arg("--seed", "given without --sgd", "--seed S together with --sgd"));
    }
    let steps = a.steps.map(|s| check_steps("--steps", s)).transpose()?;
    let max_steps = check_steps("--max-steps", a.max_steps)?;
    let precision = a.precision.map(|b| check_precision("--precision", b)).transpose()?;
    let arithmetic = match (a.arithmetic, precision) {
        (None, None) => Arithmetic::F64,
        (None | Some(Arithmetic::Mpfr), Some(_)) => Arithmetic::Mpfr,
        (Some(Arithmetic::Mpfr), None) => {
            return Err(Error::arg("--precision", "missing with --arithmetic mpfr", "--precision BITS (53 ≤ bits ≤ 65536)"));
        }
        (Some(other), Some(bits)) => {
            return Err(Error::arg(
                "--precision",
                format!("{bits} bits with --arithmetic {other:?}"),
                "--precision only with --arithmetic mpfr",
            ));
        }
        (Some(other), None) => other,
    };
    let spec = RunSpec {
        model: input.model,
        alpha: input.alpha,
        eta,
        steps,
        tol,
        max_steps,
        record_every: a.record_every,
        identity: !a.no_identity,
        sgd_seed: a.seed,
    };
    let report = match (arithmetic, precision) {
        (Arithmetic::Mpfr, Some(bits)) => {
            let mut r = run_gd::<Float>(&input.task, &spec, bits);
            r.precision_bits = Some(bits);
            r
        }
        (Arithmetic::Dd, _) => {
            let mut r = run_gd::<Dd>(&input.task, &spec, ());
            r.arithmetic = Some("dd".into());
            r
        }
        (Arithmetic::Qd, _) => {
            let mut r = run_gd::<Qd>(&input.task, &spec, ());
            r.arithmetic = Some("qd".into());
            r
        }
        _ => run_gd::<f64>(&input.task, &spec, ()),
    };
    print_object(&to_object(&report), a.json)?;
    Ok(0)
}
