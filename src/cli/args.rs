//! Arguments shared by the subcommands, validated once: the task and model, exact positive
//! numbers, precisions, thread counts, and the mapping of library errors onto flag names.

use crate::error::{Error, Result};
use crate::experiments::part::Shard;
use crate::experiments::sweep::{GRID_MAX, GRID_MIN, GRID_POINTS, INIT_SCALE};
use crate::numeric::real::Nearest;
use crate::problem::model::{AnyModel, Depth, UvGeneral};
use crate::problem::task::{parse_exact, Task};
use clap::Args;
use rug::Rational;

/// Largest MPFR precision accepted (bits).
pub const MAX_PRECISION: u32 = 1 << 16;
/// Largest step budget accepted (a run this long takes hours even in f64).
pub const MAX_STEPS: u64 = 1_000_000_000;

/// The task, initialization scale and parametrization.
#[derive(Debug, Args)]
pub struct TaskArgs {
    /// Task file (TOML: X, y, optional teacher and noise_std).
    #[arg(long)]
    pub task: String,
    /// Initialization scale α > 0 (decimal or fraction, read exactly).
    #[arg(long, allow_hyphen_values = true)]
    pub alpha: String,
    /// Parametrization: sw (β = w⊙w), pm (a⊙a − b⊙b), uv (u⊙v from u = √2α, v = 0),
    /// uv-general (u⊙v from --u0, --v0), depth (a^D − b^D with --depth D).
    #[arg(long, value_enum, default_value_t = ModelArg::Sw)]
    pub model: ModelArg,
    /// Depth D ≥ 2 for `--model depth`.
    #[arg(long)]
    pub depth: Option<u32>,
    /// Initial u for `--model uv-general`: d comma-separated numbers (exact).
    #[arg(long, allow_hyphen_values = true)]
    pub u0: Option<String>,
    /// Initial v for `--model uv-general`: d comma-separated numbers (exact).
    #[arg(long, allow_hyphen_values = true)]
    pub v0: Option<String>,
}

/// The `--model` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelArg {
    /// Shared weights β = w⊙w.
    Sw,
    /// β = a⊙a − b⊙b.
    Pm,
    /// β = u⊙v from u = √2α, v = 0.
    Uv,
    /// β = u⊙v from --u0, --v0.
    UvGeneral,
    /// β = a^D − b^D.
    Depth,
}

/// A parsed task, α and model.
pub struct TaskInput {
    /// The task.
    pub task: Task,
    /// α, exact.
    pub alpha: Rational,
    /// The parametrization.
    pub model: AnyModel,
}

fn exact_list(arg: &str, text: &str, d: usize) -> Result<Vec<Rational>> {
    let allowed = format!("{d} comma-separated numbers (decimals or fractions), one per feature");
    let v: Vec<Rational> = text
        .split(',')
        .map(|t| parse_exact(t).ok_or_else(|| Error::arg(arg, format!("\"{}\" is not a number", short(t.trim())), allowed.clone())))
        .collect::<Result<_>>()?;
    if v.len() != d {
        return Err(Error::arg(arg, format!("has {} entries but the task has d = {d}", v.len()), allowed));
    }
    Ok(v)
}

/// At most 40 characters of a user's text (so an error never echoes a megabyte).
pub fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        format!("{}… ({} characters)", text.chars().take(40).collect::<String>(), text.chars().count())
    }
}

impl TaskArgs {
    /// Read the task, α (which must be representable in f64: the f64 runs use it) and model.
    pub fn parse(&self) -> Result<TaskInput> {
        let task = Task::from_file(&self.task)?;
        let alpha = positive_f64("--alpha", &self.alpha)?;
        let model = self.model(task.d())?;
        Ok(TaskInput { task, alpha, model })
    }

    /// The parametrization the arguments ask for, validated against the task's d.
    fn model(&self, d: usize) -> Result<AnyModel> {
        let unused = |arg: &str, given: bool| -> Result<()> {
            if given {
                return Err(Error::arg(
                    arg,
                    format!("given with --model {:?}", self.model).to_lowercase(),
                    "only with the model that uses it",
                ));
            }
            Ok(())
        };
        if self.model != ModelArg::Depth {
            unused("--depth", self.depth.is_some())?;
        }
        if self.model != ModelArg::UvGeneral {
            unused("--u0", self.u0.is_some())?;
            unused("--v0", self.v0.is_some())?;
        }
        Ok(match self.model {
            ModelArg::Sw => AnyModel::Sw,
            ModelArg::Pm => AnyModel::Pm,
            ModelArg::Uv => AnyModel::Uv,
            ModelArg::Depth => match self.depth {
                Some(depth) if (2..=64).contains(&depth) => AnyModel::Depth(Depth { depth }),
                Some(depth) => return Err(Error::arg("--depth", format!("{depth}"), "an integer D with 2 ≤ D ≤ 64")),
                None => return Err(Error::arg("--depth", "missing", "--depth D (2 ≤ D ≤ 64) with --model depth")),
            },
            ModelArg::UvGeneral => {
                let need = |arg: &str, v: &Option<String>| {
                    v.as_deref()
                        .ok_or_else(|| Error::arg(arg, "missing", "with --model uv-general, both --u0 and --v0"))
                        .and_then(|t| exact_list(arg, t, d))
                };
                AnyModel::UvGeneral(UvGeneral { u0: need("--u0", &self.u0)?, v0: need("--v0", &self.v0)? })
            }
        })
    }
}

/// An exact number > 0.
pub fn positive(arg: &str, text: &str) -> Result<Rational> {
    let q = parse_exact(text)
        .ok_or_else(|| Error::arg(arg, format!("\"{}\" is not a number", short(text)), "a decimal (0.01, 1e-3) or a fraction (1/100)"))?;
    if q <= 0 {
        return Err(Error::arg(arg, format!("{} is not positive", short(text)), "a number > 0"));
    }
    Ok(q)
}

/// An exact number > 0 that f64 represents as a normal number (so the f64 computations see
/// the value the exact ones do, up to rounding): between 1e-300 and 1e300.
pub fn positive_f64(arg: &str, text: &str) -> Result<Rational> {
    let q = positive(arg, text)?;
    let v = q.nearest();
    if !(1e-300..=1e300).contains(&v) {
        return Err(Error::arg(
            arg,
            format!("{} is outside what f64 represents faithfully", short(text)),
            "a number between 1e-300 and 1e300",
        ));
    }
    Ok(q)
}

/// [`positive_f64`] as an f64.
pub fn rate(arg: &str, text: &str) -> Result<f64> {
    Ok(positive_f64(arg, text)?.nearest())
}

/// An MPFR precision: 53 ≤ bits ≤ [`MAX_PRECISION`].
pub fn check_precision(arg: &str, bits: u32) -> Result<u32> {
    if !(53..=MAX_PRECISION).contains(&bits) {
        return Err(Error::arg(arg, format!("{bits} bits"), format!("53 ≤ bits ≤ {MAX_PRECISION}")));
    }
    Ok(bits)
}

/// A step count: 1 ≤ steps ≤ [`MAX_STEPS`].
pub fn check_steps(arg: &str, steps: u64) -> Result<u64> {
    if !(1..=MAX_STEPS).contains(&steps) {
        return Err(Error::arg(arg, format!("{steps}"), format!("an integer with 1 ≤ N ≤ {MAX_STEPS}")));
    }
    Ok(steps)
}

/// Run `f` on a rayon pool of `threads` workers (at most the machine's cores), or the global
/// pool. Results never depend on the count.
pub fn with_threads<R: Send>(threads: Option<usize>, f: impl FnOnce() -> R + Send) -> Result<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match threads {
        None => Ok(f()),
        Some(n) if n == 0 || n > cores => {
            Err(Error::arg("--threads", format!("{n}"), format!("an integer with 1 ≤ N ≤ {cores} (the cores of this machine)")))
        }
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().map_err(|e| {
                Error::arg("--threads", format!("{n}: cannot start the pool: {e}"), "a number of threads the system allows")
            })?;
            Ok(pool.install(f))
        }
    }
}

/// Library errors name quantities; on the command line they name the flag that set them.
pub fn flagged(e: Error) -> Error {
    e.with_flag(GRID_MIN, "--eta-min").with_flag(GRID_MAX, "--eta-max").with_flag(GRID_POINTS, "--points").with_flag(INIT_SCALE, "--alpha")
}

/// `K/N` of `--shard`: part K of N, 1 ≤ K ≤ N.
pub fn parse_shard(arg: &str, text: &str) -> Result<Shard> {
    Shard::parse(arg, text)
}

/// A task and a parametrization, without α (`normsharp saddles`: the α → 0 limit).
#[derive(Debug, Args)]
pub struct TaskModelArgs {
    /// Task file (TOML: X, y, optional teacher and noise_std).
    #[arg(long)]
    pub task: String,
    /// Parametrization: sw (β = w⊙w from w = α, so β ≥ 0), pm (a⊙a − b⊙b from a = b = α) or
    /// uv (u⊙v from u = √2α, v = 0). The limit process is the same for pm and uv.
    #[arg(long, value_enum, default_value_t = ModelArg::Uv)]
    pub model: ModelArg,
}

impl TaskModelArgs {
    /// Read the task and the model (sw, pm or uv only).
    pub fn parse(&self) -> Result<(Task, AnyModel)> {
        let model = match self.model {
            ModelArg::Sw => AnyModel::Sw,
            ModelArg::Pm => AnyModel::Pm,
            ModelArg::Uv => AnyModel::Uv,
            other => {
                return Err(Error::arg(
                    "--model",
                    format!("{other:?}").to_lowercase(),
                    "sw, pm or uv (the saddle-to-saddle limit is derived from these initializations)",
                ))
            }
        };
        Ok((Task::from_file(&self.task)?, model))
    }
}
