//! The `normsharp` command line: `verify`, `predict`, `run`.
//!
//! Exit codes: 0 success, 1 a claim check failed, 2 bad input (the message names the
//! argument or field, what was wrong and what is allowed).

use crate::claims::{registry, verify_all, Formulas, Settings};
use crate::dynamics::{run_gd, GdConfig, Observer, Problem, ProductIdentity, RunResult, Stop};
use crate::error::{Error, Result};
use crate::model::{AnyModel, Depth, Parametrization, Sw, UvGeneral};
use crate::potentials::EvenIdentity;
use crate::predictions as pred;
use crate::real::{norm1, Nearest, Real};
use crate::report;
use crate::sharpness::sharpness_of;
use crate::task::{parse_exact, Task};
use clap::{Args, Parser, Subcommand};
use rug::{Float, Rational};
use serde_json::{json, Map, Value};

#[path = "cli_sweep.rs"]
mod cli_sweep;

/// Verify the implicit-bias theory of GD at finite learning rates on diagonal linear networks.
#[derive(Debug, Parser)]
#[command(name = "normsharp", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every claim of the registry on the canonical tasks; exit 1 if any check fails.
    Verify {
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
        /// MPFR precision in bits for the high-precision parts (≥ 53).
        #[arg(long, default_value_t = 128)]
        precision: u32,
        /// Only this claim id (e.g. T4-limit).
        #[arg(long)]
        claim: Option<String>,
    },
    /// Closed-form and solved predictions for a task.
    Predict {
        #[command(flatten)]
        common: TaskArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// MPFR precision for β_GF (≥ 53).
        #[arg(long, default_value_t = 128)]
        precision: u32,
    },
    /// Run gradient descent (f64, or MPFR with --precision).
    Run {
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
        /// Run in MPFR at this many bits (≥ 53) instead of f64.
        #[arg(long)]
        precision: Option<u32>,
        /// Batch-1 SGD (one uniformly drawn sample per step) instead of full-batch GD.
        #[arg(long, requires = "seed")]
        sgd: bool,
        /// Seed of the SGD sample sequence (ChaCha8).
        #[arg(long)]
        seed: Option<u64>,
        /// Skip the check of T4's exact product identity along the run (on by default).
        #[arg(long)]
        no_identity: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Learning-rate sweep: one GD run per η (outcome, sharpness, norms, distances) as CSV/JSON.
    Sweep(cli_sweep::SweepArgs),
    /// The two regimes of a sweep: measured η_c beside 2/s_GF, non-convergence, divergence, EoS band.
    Regimes(cli_sweep::RegimesArgs),
    /// Long-run classification over η (fixed point, period p, chaos, divergence) as bifurcation data.
    Bifurcation(cli_sweep::BifurcationArgs),
    /// Regenerate every figure for the canonical tasks (PNG and SVG, with their data as CSV).
    Figures {
        /// Output directory (created if missing).
        #[arg(long)]
        out: String,
    },
}

#[derive(Debug, Args)]
struct TaskArgs {
    /// Task file (TOML: X, y, optional teacher and noise_std).
    #[arg(long)]
    task: String,
    /// Initialization scale α > 0 (decimal or fraction, read exactly).
    #[arg(long, allow_hyphen_values = true)]
    alpha: String,
    /// Parametrization: sw (β = w⊙w), pm (a⊙a − b⊙b), uv (u⊙v from u = √2α, v = 0),
    /// uv-general (u⊙v from --u0, --v0), depth (a^D − b^D with --depth D).
    #[arg(long, value_enum, default_value_t = ModelArg::Sw)]
    model: ModelArg,
    /// Depth D ≥ 2 for `--model depth`.
    #[arg(long)]
    depth: Option<u32>,
    /// Initial u for `--model uv-general`: d comma-separated numbers (exact).
    #[arg(long, allow_hyphen_values = true)]
    u0: Option<String>,
    /// Initial v for `--model uv-general`: d comma-separated numbers (exact).
    #[arg(long, allow_hyphen_values = true)]
    v0: Option<String>,
}

/// The `--model` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ModelArg {
    Sw,
    Pm,
    Uv,
    UvGeneral,
    Depth,
}

fn exact_list(arg: &str, text: &str, d: usize) -> Result<Vec<Rational>> {
    let allowed = format!("{d} comma-separated numbers (decimals or fractions), one per feature");
    let v: Vec<Rational> = text
        .split(',')
        .map(|t| parse_exact(t).ok_or_else(|| Error::arg(arg, format!("\"{}\" is not a number", t.trim()), allowed.clone())))
        .collect::<Result<_>>()?;
    if v.len() != d {
        return Err(Error::arg(arg, format!("has {} entries but the task has d = {d}", v.len()), allowed));
    }
    Ok(v)
}

impl TaskArgs {
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

fn positive(arg: &str, text: &str) -> Result<Rational> {
    let q = parse_exact(text)
        .ok_or_else(|| Error::arg(arg, format!("\"{text}\" is not a number"), "a decimal (0.01, 1e-3) or a fraction (1/100)"))?;
    if q <= 0 {
        return Err(Error::arg(arg, format!("{text} is not positive"), "a number > 0"));
    }
    Ok(q)
}

fn check_precision(bits: u32) -> Result<u32> {
    if !(53..=1 << 20).contains(&bits) {
        return Err(Error::arg("--precision", format!("{bits} bits"), "53 ≤ bits ≤ 1048576"));
    }
    Ok(bits)
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
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn execute(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Verify { json, precision, claim } => {
            let settings = Settings { precision: check_precision(precision)? };
            let formulas = Formulas::default();
            let (pass, results) = match claim {
                None => verify_all(&formulas, &settings),
                Some(id) => {
                    let c = registry().into_iter().find(|c| c.id == id).ok_or_else(|| {
                        let ids: Vec<&str> = registry().iter().map(|c| c.id).collect();
                        Error::arg("--claim", format!("unknown claim \"{id}\""), ids.join(", "))
                    })?;
                    c.verify(&formulas, &settings)
                }
            };
            if json {
                println!("{}", report::json(&registry(), &results));
            } else {
                print!("{}", report::table(&results, 10));
            }
            Ok(if pass { 0 } else { 1 })
        }
        Command::Predict { common, json, precision } => {
            let task = Task::from_file(&common.task)?;
            let alpha = positive("--alpha", &common.alpha)?;
            let model = common.model(task.d())?;
            let precision = check_precision(precision)?;
            let out = match model {
                AnyModel::Sw => predict_json(&task, &alpha, precision)?,
                other => predict_signed_json(&task, &other, &alpha, precision)?,
            };
            print_object(&out, json);
            Ok(0)
        }
        Command::Run { common, eta, steps, tol, max_steps, record_every, precision, sgd, seed, no_identity, json } => {
            let task = Task::from_file(&common.task)?;
            let alpha = positive("--alpha", &common.alpha)?;
            let eta = positive("--eta", &eta)?;
            let tol = match tol {
                Some(t) => positive("--tol", &t)?.nearest(),
                None => 1e-24,
            };
            if seed.is_some() && !sgd {
                return Err(Error::arg("--seed", "given without --sgd", "--seed S together with --sgd"));
            }
            let model = common.model(task.d())?;
            let spec = RunSpec { model, alpha, eta, steps, tol, max_steps, record_every, identity: !no_identity, sgd_seed: seed };
            let out = match precision {
                None => run_json::<f64>(&task, &spec, ()),
                Some(bits) => {
                    let mut m = run_json::<Float>(&task, &spec, check_precision(bits)?);
                    m.insert("precision_bits".into(), json!(bits));
                    m
                }
            };
            print_object(&out, json);
            Ok(0)
        }
        Command::Sweep(a) => cli_sweep::sweep(a),
        Command::Regimes(a) => cli_sweep::regimes_cmd(a),
        Command::Bifurcation(a) => cli_sweep::bifurcation_cmd(a),
        Command::Figures { out } => {
            let dir = std::path::Path::new(&out);
            if dir.exists() && !dir.is_dir() {
                return Err(Error::arg("--out", format!("{out} exists and is not a directory"), "a directory (created if missing)"));
            }
            for stem in crate::figures::generate(dir)? {
                println!("{}", dir.join(stem).display());
            }
            Ok(0)
        }
    }
}

fn print_object(v: &Map<String, Value>, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    } else {
        for (k, val) in v {
            println!("{k}: {val}");
        }
    }
}

fn vec_f64<T: Real>(v: &[T]) -> Value {
    json!(v.iter().map(|x| x.to_f64()).collect::<Vec<_>>())
}

fn rationals(v: &[Rational]) -> Value {
    json!(v.iter().map(Nearest::nearest).collect::<Vec<_>>())
}

fn exact_strings(v: &[Rational]) -> Value {
    json!(v.iter().map(|q| q.to_string()).collect::<Vec<_>>())
}

/// Every prediction is about interpolators: y must lie in the range of X (checked exactly,
/// rank X = rank [X | y]).
fn require_interpolator(task: &Task) -> Result<()> {
    let augmented: Vec<Vec<Rational>> =
        task.x.iter().zip(&task.y).map(|(row, y)| row.iter().chain(std::iter::once(y)).cloned().collect()).collect();
    if crate::interpolators::rank_exact(&augmented) > crate::interpolators::rank_exact(&task.x) {
        return Err(Error::field(
            "y",
            "is not in the range of X: no β interpolates the task",
            "labels y = Xβ for some β (e.g. X of full row rank)",
        ));
    }
    Ok(())
}

/// The `predict` object (see the README for the keys).
pub fn predict_json(task: &Task, alpha: &Rational, precision: u32) -> Result<Map<String, Value>> {
    require_interpolator(task)?;
    let mut m = Map::new();
    let single = task.single_sample_positive();
    if single.is_err() {
        task.positive_design()?;
    }
    let design = task.design::<Float>(precision);
    let gf = pred::beta_gf(&design, &Float::with_val(precision, alpha))?;
    let gf64: Vec<f64> = gf.iter().map(Float::to_f64).collect();
    let d64 = task.design::<f64>(());
    let w: Vec<f64> = gf64.iter().map(|b| b.sqrt()).collect();
    let s_gf = crate::sharpness::sharpness(&Sw, &d64, &w).map(|s| s.op_norm);
    let s_path = pred::gf_path_sharpness_max(&d64, alpha.nearest(), &gf64)?;
    let mut exact = Map::new();
    match single {
        Ok((x, y)) => {
            let (bn, bs) = (pred::beta_norm_min(x, y), pred::beta_sharp_min(x, y));
            let (e1, e2) = (pred::eta_unstable_norm_min(x, y), pred::eta_no_stable_interpolator(x, y));
            m.insert("beta_norm_min".into(), rationals(&bn));
            m.insert("beta_sharp_min".into(), rationals(&bs));
            m.insert("eta_unstable_norm_min".into(), json!(e1.nearest()));
            m.insert("eta_no_stable_interpolator".into(), json!(e2.nearest()));
            exact.insert("beta_norm_min".into(), exact_strings(&bn));
            exact.insert("beta_sharp_min".into(), exact_strings(&bs));
            exact.insert("sharpness_norm_min".into(), json!(pred::sharpness_on_z(x, &bn).to_string()));
            exact.insert("sharpness_sharp_min".into(), json!(pred::sharpness_on_z(x, &bs).to_string()));
            exact.insert("eta_unstable_norm_min".into(), json!(e1.to_string()));
            exact.insert("eta_no_stable_interpolator".into(), json!(e2.to_string()));
            if let Some(t) = &task.teacher {
                m.insert("test_error_norm_min".into(), json!(pred::test_error(&bn, t, &task.noise_std).nearest()));
                m.insert("test_error_sharp_min".into(), json!(pred::test_error(&bs, t, &task.noise_std).nearest()));
            }
            let prior_mean = pred::uniform_prior_mean(x, y);
            exact.insert("uniform_prior_mean".into(), exact_strings(&prior_mean));
            for (k, b) in [("norm_min", &bn), ("sharp_min", &bs), ("prior_mean", &prior_mean)] {
                exact.insert(
                    format!("expected_error_uniform_prior_{k}"),
                    json!(pred::expected_error_uniform_prior(b, x, y, &task.noise_std).to_string()),
                );
            }
        }
        Err(_) => {
            for k in ["beta_norm_min", "beta_sharp_min", "eta_unstable_norm_min", "eta_no_stable_interpolator"] {
                m.insert(k.into(), Value::Null);
            }
        }
    }
    m.insert("beta_gf".into(), json!(gf64));
    m.insert("beta_gf_digits".into(), json!(gf.iter().map(|v| v.to_decimal(None)).collect::<Vec<_>>()));
    m.insert("sharpness_gf".into(), json!(s_gf));
    m.insert("sharpness_gf_path_max".into(), json!(s_path));
    m.insert("eta_c".into(), json!(pred::eta_critical(s_path)));
    if let Some(t) = &task.teacher {
        let e: f64 = gf64.iter().zip(t).map(|(b, t)| (b - t.nearest()).powi(2)).sum::<f64>() + task.noise_std.nearest().powi(2);
        m.insert("test_error_gf".into(), json!(e));
    }
    m.insert("exact".into(), Value::Object(exact));
    // n-sample interpolators (LP/SDP) with their certificates; the single-sample closed forms
    // above stay (they are exact), the solver's values fill in what they lack.
    for (k, v) in crate::interpolators::predict_fields(task, crate::interpolators::Sign::Nonnegative) {
        if m.get(&k).is_none_or(Value::is_null) {
            m.insert(k, v);
        }
    }
    Ok(m)
}

/// The `predict` object for the signed models (PM, UV, UV-general, depth D): the model's
/// gradient-flow limit (THEORY.md §4 W, A, depth D) in MPFR at `precision` bits, and the
/// signed n-sample interpolators with their certificates.
pub fn predict_signed_json(task: &Task, model: &AnyModel, alpha: &Rational, precision: u32) -> Result<Map<String, Value>> {
    use crate::potentials::{depth_limit, uv_limit, woodworth_limit};
    require_interpolator(task)?;
    let design = task.design::<Float>(precision);
    let a = Float::with_val(precision, alpha);
    let gf = match model {
        AnyModel::Pm => woodworth_limit(&design, &a)?,
        AnyModel::Uv => {
            let u0 = vec![Float::with_val(precision, 2).sqrt() * &a; task.d()];
            uv_limit(&design, &u0, &vec![Float::new(precision); task.d()])?
        }
        AnyModel::UvGeneral(m) => {
            let conv = |v: &[Rational]| v.iter().map(|q| Float::with_val(precision, q)).collect::<Vec<_>>();
            uv_limit(&design, &conv(&m.u0), &conv(&m.v0))?
        }
        AnyModel::Depth(m) if m.depth >= 3 => depth_limit(&design, &a, m.depth)?,
        AnyModel::Depth(_) => woodworth_limit(&design, &a)?,
        AnyModel::Sw | AnyModel::UvSigned(_) => {
            return Err(Error::arg(
                "--model",
                format!("{} is not a signed model with a closed-form potential", model.name()),
                "pm, uv, uv-general, depth",
            ))
        }
    };
    let mut m = Map::new();
    m.insert("model".into(), json!(model.name()));
    m.insert("beta_gf".into(), vec_f64(&gf));
    m.insert("beta_gf_digits".into(), json!(gf.iter().map(|v| v.to_decimal(None)).collect::<Vec<_>>()));
    if let Some(t) = &task.teacher {
        let e: f64 = gf.iter().zip(t).map(|(b, t)| (b.to_f64() - t.nearest()).powi(2)).sum::<f64>() + task.noise_std.nearest().powi(2);
        m.insert("test_error_gf".into(), json!(e));
    }
    m.extend(crate::interpolators::predict_fields(task, crate::interpolators::Sign::Signed));
    m.insert(
        "sharpness_min_note".into(),
        json!("(4/n)·min over interpolators of λ_max(X diag|β| Xᵀ): PM's sharpness at an interpolator is at least this (THEORY.md §2); UV's at least half of it"),
    );
    Ok(m)
}

/// What `run` was asked to do.
pub struct RunSpec {
    /// The parametrization.
    pub model: AnyModel,
    /// Batch-1 SGD seed (`None`: GD).
    pub sgd_seed: Option<u64>,
    /// α.
    pub alpha: Rational,
    /// η.
    pub eta: Rational,
    /// Exact number of steps, if given.
    pub steps: Option<u64>,
    /// Loss threshold.
    pub tol: f64,
    /// Budget when stopping on the loss.
    pub max_steps: u64,
    /// Trace sampling.
    pub record_every: u64,
    /// Check the T4 identity along the run.
    pub identity: bool,
}

/// The exact identity checked along a run: T4's product form for SW, Even et al.'s
/// representation for UV (THEORY.md §4 E), none for the other models.
enum RunIdentity<T: Real> {
    None,
    Product(ProductIdentity<T>),
    Even(EvenIdentity<T>),
}

impl<T: Real> Observer<T> for RunIdentity<T> {
    fn observe(&mut self, k: u64, theta: &[T], beta: &[T], g: &[T], eta: &T) {
        match self {
            RunIdentity::None => {}
            RunIdentity::Product(o) => o.observe(k, theta, beta, g, eta),
            RunIdentity::Even(o) => o.observe(k, theta, beta, g, eta),
        }
    }
    fn finish(&mut self, theta: &[T], beta: &[T]) {
        match self {
            RunIdentity::None => {}
            RunIdentity::Product(o) => o.finish(theta, beta),
            RunIdentity::Even(o) => o.finish(theta, beta),
        }
    }
}

/// The `run` object in precision `T`.
pub fn run_json<T: Real>(task: &Task, spec: &RunSpec, ctx: T::Ctx) -> Map<String, Value> {
    let design = task.design::<T>(ctx);
    let d64 = task.design::<f64>(());
    let alpha = T::from_rational(&spec.alpha, ctx);
    let eta = T::from_rational(&spec.eta, ctx);
    let mut cfg = match spec.steps {
        Some(n) => GdConfig::exact_steps(eta, n, spec.tol),
        None => GdConfig::until_loss(eta, spec.tol),
    };
    if cfg.stop == Stop::LossBelow {
        cfg.max_steps = spec.max_steps;
    }
    cfg.record_every = spec.record_every;
    cfg.sgd_seed = spec.sgd_seed;
    let model = &spec.model;
    // T4's product identity is a statement about SW.
    let mut obs = match model {
        AnyModel::Sw if spec.identity => RunIdentity::Product(ProductIdentity::new(&alpha, task.d())),
        AnyModel::Uv if spec.identity => RunIdentity::Even(EvenIdentity::new(&alpha, task.d())),
        _ => RunIdentity::None,
    };
    let run: RunResult<T> = run_gd(&Problem { model, design: &design, design64: &d64 }, &alpha, &cfg, &mut obs);
    let mut m = Map::new();
    m.insert("model".into(), json!(model.name()));
    m.insert("outcome".into(), json!(run.outcome));
    m.insert("period".into(), json!(run.period));
    m.insert("steps".into(), json!(run.steps));
    m.insert("beta".into(), vec_f64(&run.beta));
    m.insert("loss".into(), json!(run.loss.to_f64()));
    let s = sharpness_of(model, &d64, &run.theta);
    m.insert("sharpness".into(), json!(s.map(|s| s.op_norm)));
    m.insert("sharpness_lambda_max".into(), json!(s.map(|s| s.lambda_max)));
    m.insert("sharpness_trace".into(), json!(s.map(|s| s.trace)));
    m.insert("l1".into(), json!(norm1(&run.beta, ctx).to_f64()));
    m.insert("param_norm2_sq".into(), json!(model.param_norm2_sq(&run.theta).to_f64()));
    m.insert("param_norm1".into(), json!(model.param_norm1(&run.theta).to_f64()));
    m.insert("loss_increases".into(), json!(run.loss_increases));
    if let RunIdentity::Even(o) = &obs {
        m.insert("even_identity_max_rel_err".into(), json!(o.max_rel_err));
        let a = o.alpha_inf_sq();
        m.insert("alpha_inf".into(), json!(a.iter().map(|v| v.to_f64().sqrt()).collect::<Vec<_>>()));
        m.insert("beta_tilde0".into(), vec_f64(&o.beta_tilde0()));
        if let Ok(p) = crate::potentials::hyperbolic_limit(&design, &o.limit_link()) {
            m.insert("beta_even_prediction".into(), vec_f64(&p));
        }
    }
    if let RunIdentity::Product(o) = obs {
        m.insert("identity_max_rel_err".into(), json!(o.max_rel_err));
        let a = o.alpha_inf_sq();
        m.insert("gain".into(), vec_f64(&o.gain));
        m.insert("alpha_inf".into(), json!(a.iter().map(|v| v.to_f64().sqrt()).collect::<Vec<_>>()));
        m.insert("alpha_inf_sq".into(), vec_f64(&a));
        if let Ok(p) = pred::entropy_limit(&design, &a) {
            m.insert("beta_entropy_prediction".into(), vec_f64(&p));
        }
    }
    if spec.record_every > 0 {
        m.insert("trace".into(), json!(run.trace));
    }
    if run.beta[0].decimal_digits() > 17 {
        m.insert("beta_digits".into(), json!(run.beta.iter().map(|b| b.to_decimal(None)).collect::<Vec<_>>()));
    }
    m
}
