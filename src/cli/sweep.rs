//! The `sweep`, `regimes` and `bifurcation` subcommands.

use super::args::{check_steps, parse_shard, rate, with_threads, TaskArgs};
use super::print::{emit, print_object};
use crate::dynamics::classify::{bifurcation, ClassifyConfig, Observable};
use crate::error::{Error, Result};
use crate::experiments::job::{PrecisionSpec, SweepJob};
use crate::experiments::precision::RerunArithmetic;
use crate::experiments::regimes::{regimes, RegimeConfig};
use crate::experiments::shard::run_shard;
use crate::experiments::sweep::{default_grid, grid, run_sweep, Refine, Spacing, SweepArithmetic, SweepConfig};
use crate::numeric::real::Nearest;
use crate::output::csv::{bifurcation_csv, sweep_csv};

/// `--arithmetic` of `sweep`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum SweepArithmeticArg {
    /// IEEE double.
    F64,
    /// Double-double (~106 bits).
    Dd,
    /// Quad-double (~212 bits).
    Qd,
}
use crate::output::write::{check_writable, write_all, write_atomic, Output};
use clap::Args;
use serde_json::{json, Map, Value};

/// The learning-rate grid of `sweep` and `bifurcation`.
#[derive(Debug, Args)]
pub(super) struct EtaGridArgs {
    /// Smallest learning rate (> 0; decimal or fraction).
    #[arg(long, allow_hyphen_values = true)]
    eta_min: String,
    /// Largest learning rate (> --eta-min).
    #[arg(long, allow_hyphen_values = true)]
    eta_max: String,
    /// Number of grid points (≥ 2).
    #[arg(long)]
    points: usize,
    /// Logarithmic instead of linear spacing.
    #[arg(long)]
    log: bool,
}

impl EtaGridArgs {
    /// The grid, validated (names the argument at fault).
    fn etas(&self) -> Result<Vec<f64>> {
        let spacing = if self.log { Spacing::Log } else { Spacing::Linear };
        grid(rate("--eta-min", &self.eta_min)?, rate("--eta-max", &self.eta_max)?, self.points, spacing)
    }
}

/// Threads and output files of `sweep` and `bifurcation`.
#[derive(Debug, Args)]
pub(super) struct OutputArgs {
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long)]
    pub(super) threads: Option<usize>,
    /// Write the rows as CSV here (sweep: one row per η; bifurcation: eta,kind,period,lyapunov,value).
    #[arg(long)]
    csv: Option<String>,
    /// Write the whole result (settings, predictions, rows, and what else was computed) as JSON here.
    #[arg(long)]
    json: Option<String>,
}

impl OutputArgs {
    /// Check the output paths before any computation.
    pub(super) fn check(&self) -> Result<()> {
        if let Some(p) = &self.csv {
            check_writable(p, "--csv").map_err(|e| as_flag(e, "--csv"))?;
        }
        if let Some(p) = &self.json {
            check_writable(p, "--json").map_err(|e| as_flag(e, "--json"))?;
        }
        Ok(())
    }

    /// Write the CSV and JSON files asked for (both or neither); print the CSV when neither
    /// was asked for.
    pub(super) fn write(&self, csv: &str, json_value: &Value) -> Result<()> {
        let json_text = serde_json::to_string_pretty(json_value).unwrap_or_default() + "\n";
        let mut outputs = Vec::new();
        if let Some(p) = &self.csv {
            outputs.push(Output { path: p, what: "--csv", contents: csv.as_bytes() });
        }
        if let Some(p) = &self.json {
            outputs.push(Output { path: p, what: "--json", contents: json_text.as_bytes() });
        }
        if outputs.is_empty() {
            return emit(csv);
        }
        write_all(&outputs).map_err(|e| as_flag(as_flag(e, "--csv"), "--json"))
    }
}

/// A write error about the file given to `flag`, as an argument error naming it.
pub(super) fn as_flag(e: Error, flag: &str) -> Error {
    match e {
        Error::InvalidInput { what, why } if what == flag => Error::arg(flag, why, "a writable file path"),
        e => e,
    }
}

/// Arguments of `normsharp sweep`.
#[derive(Debug, Args)]
pub(super) struct SweepArgs {
    #[command(flatten)]
    common: TaskArgs,
    #[command(flatten)]
    grid: EtaGridArgs,
    /// Adaptive refinement: bisect where the outcome changes or the final sharpness jumps by
    /// more than 2%, up to --refine-budget points.
    #[arg(long)]
    refine: bool,
    /// Total points with --refine (default 2 × --points).
    #[arg(long, requires = "refine")]
    refine_budget: Option<usize>,
    /// Rerun every EoS, periodic and unresolved row in higher precision (see --precisions).
    #[arg(long)]
    precision_check: bool,
    /// Arithmetics of the --precision-check reruns, comma-separated: dd (double-double, 106
    /// bits), qd (quad-double, 212 bits), mpfr:<bits> or <bits> (MPFR).
    #[arg(long, value_delimiter = ',', default_value = "dd,qd,mpfr:512", requires = "precision_check")]
    precisions: Vec<String>,
    /// Step budget of each run.
    #[arg(long, default_value_t = 1_000_000)]
    max_steps: u64,
    /// Arithmetic of each run: f64, double-double (dd, ~106 bits) or quad-double (qd, ~212 bits).
    #[arg(long, value_enum, default_value = "f64")]
    arithmetic: SweepArithmeticArg,
    /// A run is converged when the loss falls below this (default 1e-24).
    #[arg(long, allow_hyphen_values = true)]
    tol: Option<String>,
    /// Run only part K of N (interleaved grid points and their refinement) and write a
    /// partial result to --part; `normsharp merge` combines the N parts.
    #[arg(long, requires = "part", conflicts_with_all = ["csv", "json"])]
    shard: Option<String>,
    /// The partial-result file of --shard (JSON).
    #[arg(long, requires = "shard")]
    part: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Arguments of `normsharp regimes`.
#[derive(Debug, Args)]
pub(super) struct RegimesArgs {
    #[command(flatten)]
    common: TaskArgs,
    /// Smallest learning rate (default: a quarter of η_c, or of 1/(2 x_max y)).
    #[arg(long, allow_hyphen_values = true, requires = "eta_max")]
    eta_min: Option<String>,
    /// Largest learning rate (default: past the first divergence).
    #[arg(long, allow_hyphen_values = true, requires = "eta_min")]
    eta_max: Option<String>,
    /// Grid points before refinement (the sweep is refined to twice as many).
    #[arg(long, default_value_t = 64)]
    points: usize,
    /// Relative departure of the final sharpness from the flow-aligned branch that marks η_c.
    #[arg(long, allow_hyphen_values = true, default_value = "0.005")]
    departure_tol: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `normsharp bifurcation`.
#[derive(Debug, Args)]
pub(super) struct BifurcationArgs {
    #[command(flatten)]
    common: TaskArgs,
    #[command(flatten)]
    grid: EtaGridArgs,
    /// Steps discarded before observing.
    #[arg(long, default_value_t = 20_000)]
    transient: u64,
    /// Steps observed (Lyapunov exponent, returns, observable values).
    #[arg(long, default_value_t = 20_000)]
    window: u64,
    /// The observable recorded: l1 (‖β‖₁) or loss.
    #[arg(long, value_enum, default_value_t = ObservableArg::L1)]
    observable: ObservableArg,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ObservableArg {
    L1,
    Loss,
}

/// `normsharp sweep`.
pub(super) fn sweep(a: SweepArgs) -> Result<i32> {
    let input = a.common.parse()?;
    let (task, alpha, model) = (input.task, input.alpha, input.model);
    let etas = a.grid.etas()?;
    let mut cfg = SweepConfig::new(model, alpha);
    cfg.spacing = if a.grid.log { Spacing::Log } else { Spacing::Linear };
    cfg.progress = true;
    cfg.max_steps = check_steps("--max-steps", a.max_steps)?;
    cfg.arithmetic = match a.arithmetic {
        SweepArithmeticArg::F64 => SweepArithmetic::F64,
        SweepArithmeticArg::Dd => SweepArithmetic::Dd,
        SweepArithmeticArg::Qd => SweepArithmetic::Qd,
    };
    if let Some(t) = &a.tol {
        cfg.loss_tol = rate("--tol", t)?;
    }
    if a.refine {
        let budget = a.refine_budget.unwrap_or(2 * a.grid.points);
        if budget < a.grid.points {
            return Err(Error::arg(
                "--refine-budget",
                format!("{budget} < --points {}", a.grid.points),
                "a total number of points ≥ --points",
            ));
        }
        cfg.refine = Some(Refine::with_budget(budget));
    }
    let arithmetics = a.precisions.iter().map(|t| RerunArithmetic::parse("--precisions", t)).collect::<Result<Vec<_>>>()?;
    let precision = a.precision_check.then_some(PrecisionSpec { arithmetics, limit_tol: 1e-8 });
    let job = SweepJob::new(task, &etas, cfg, precision)?;
    if let Some(text) = &a.shard {
        let shard = parse_shard("--shard", text)?;
        let path =
            a.part.as_deref().ok_or_else(|| Error::arg("--part", "missing", "--part FILE with --shard: where the partial result goes"))?;
        check_writable(path, "--part").map_err(|e| as_flag(e, "--part"))?;
        let part = with_threads(a.output.threads, || run_shard(&job, shard))??;
        write_atomic(path, part.to_text().as_bytes(), "--part").map_err(|e| as_flag(e, "--part"))?;
        return Ok(0);
    }
    a.output.check()?;
    let report = with_threads(a.output.threads, || job.run())??;
    a.output.write(&sweep_csv(&report.sweep), &report.to_json())?;
    Ok(0)
}

/// `normsharp regimes`.
pub(super) fn regimes_cmd(a: RegimesArgs) -> Result<i32> {
    let input = a.common.parse()?;
    let (task, alpha, model) = (input.task, input.alpha, input.model);
    let departure_tol = rate("--departure-tol", &a.departure_tol)?;
    if departure_tol >= 1.0 {
        return Err(Error::arg("--departure-tol", a.departure_tol.clone(), "a relative tolerance in (0, 1)"));
    }
    if a.points < 2 {
        return Err(Error::arg("--points", format!("{}", a.points), "an integer ≥ 2"));
    }
    let mut cfg = SweepConfig::new(model, alpha);
    cfg.progress = true;
    cfg.refine = Some(Refine::with_budget(2 * a.points));
    let etas = match (&a.eta_min, &a.eta_max) {
        (Some(lo), Some(hi)) => grid(rate("--eta-min", lo)?, rate("--eta-max", hi)?, a.points, Spacing::Linear)?,
        _ => default_grid(&task, &cfg, a.points)?,
    };
    let rc = RegimeConfig { departure_tol, ..RegimeConfig::default() };
    let reg = with_threads(a.threads, || -> Result<_> {
        let s = run_sweep(&task, &etas, &cfg)?;
        Ok(regimes(&task, &s, &cfg, &rc))
    })??;
    let mut m = Map::new();
    m.insert("task".into(), json!(task.name));
    m.insert("eta_range".into(), json!([etas.first(), etas.last()]));
    if let Value::Object(r) = serde_json::to_value(&reg).unwrap_or(Value::Null) {
        m.extend(r);
    }
    print_object(&m, a.json)?;
    Ok(0)
}

/// `normsharp bifurcation`.
pub(super) fn bifurcation_cmd(a: BifurcationArgs) -> Result<i32> {
    let input = a.common.parse()?;
    let (task, alpha, model) = (input.task, input.alpha, input.model);
    let etas = a.grid.etas()?;
    if a.window == 0 {
        return Err(Error::arg("--window", "0", "an integer ≥ 1"));
    }
    let cc = ClassifyConfig {
        transient: a.transient,
        window: a.window,
        observable: match a.observable {
            ObservableArg::L1 => Observable::L1,
            ObservableArg::Loss => Observable::Loss,
        },
        ..ClassifyConfig::default()
    };
    a.output.check()?;
    let rows = with_threads(a.output.threads, || bifurcation(&task, &model, &alpha, &etas, &cc, true))?;
    let v = json!({ "task": task.name, "alpha": alpha.nearest(), "transient": a.transient, "window": a.window, "rows": rows });
    a.output.write(&bifurcation_csv(&rows), &v)?;
    Ok(0)
}
