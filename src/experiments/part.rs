//! The partial-result file of a sharded sweep (format `normsharp-sweep-part`, version
//! [`PART_VERSION`]): which shard it is, the full plan of the sweep (task, learning rates,
//! configuration, precision checks, normsharp version, all exact) so a merge can check that
//! every part belongs to one sweep, and the rows the shard ran.
//!
//! Every float is a string in Rust's shortest round-trip form (`1.5e-1`, `inf`, `NaN`), so a
//! row read back has the very bits it was written with: merged outputs are byte-identical to
//! the unsharded run's. Exact numbers (the task, α, initializations) are fraction strings.

use crate::dynamics::Outcome;
use crate::error::{Error, Result};
use crate::experiments::job::{PrecisionSpec, SweepJob};
use crate::experiments::precision::RerunArithmetic;
use crate::experiments::sweep::{Refine, Spacing, SweepArithmetic, SweepConfig, SweepRow};
use crate::problem::model::{AnyModel, Depth, Parametrization, UvGeneral, UvSigned};
use crate::problem::task::{parse_exact, Task};
use rug::Rational;
use serde::{Deserialize, Serialize};

/// The `format` field of a part file.
pub const PART_FORMAT: &str = "normsharp-sweep-part";
/// The version of the part format this build reads and writes.
pub const PART_VERSION: u32 = 1;

/// Shard `k` of `n` (1 ≤ k ≤ n).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which part, 1-based.
    pub k: usize,
    /// How many parts.
    pub n: usize,
}

impl Shard {
    /// Parse `K/N` (1 ≤ K ≤ N ≤ 100000); errors name `arg`.
    pub fn parse(arg: &str, text: &str) -> Result<Shard> {
        let allowed = "K/N with integers 1 ≤ K ≤ N ≤ 100000 (part K of N)";
        let (k, n) = text.split_once('/').ok_or_else(|| Error::arg(arg, format!("\"{text}\" has no '/'"), allowed))?;
        let int =
            |s: &str| s.trim().parse::<usize>().map_err(|_| Error::arg(arg, format!("\"{text}\": \"{s}\" is not an integer"), allowed));
        let (k, n) = (int(k)?, int(n)?);
        if !(1..=100_000).contains(&n) || !(1..=n).contains(&k) {
            return Err(Error::arg(arg, format!("{k}/{n}"), allowed));
        }
        Ok(Shard { k, n })
    }
}

/// The task, exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    name: String,
    x: Vec<Vec<String>>,
    y: Vec<String>,
    teacher: Option<Vec<String>>,
    noise_std: String,
}

/// The parametrization: its name, the depth D, or the explicit initialization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    name: String,
    depth: Option<u32>,
    init: Option<Vec<Vec<String>>>,
}

/// Refinement settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefineSpec {
    budget: usize,
    sharpness_jump: String,
    min_rel_width: String,
}

/// Precision-check settings: MPFR-only reruns as `bits` (the form parts had before dd and
/// qd existed, still read), any other list as `arithmetics` (`dd`, `qd`, `mpfr:<bits>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecisionPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bits: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    arithmetics: Option<Vec<String>>,
    limit_tol: String,
}

impl PrecisionPlan {
    fn new(arith: &[RerunArithmetic], limit_tol: String) -> Self {
        let mpfr: Option<Vec<u32>> = arith.iter().map(|a| if let RerunArithmetic::Mpfr(b) = a { Some(*b) } else { None }).collect();
        match mpfr {
            Some(bits) => PrecisionPlan { bits: Some(bits), arithmetics: None, limit_tol },
            None => PrecisionPlan { bits: None, arithmetics: Some(arith.iter().map(|a| a.to_string()).collect()), limit_tol },
        }
    }
    fn arithmetics(&self) -> Result<Vec<RerunArithmetic>> {
        match (&self.bits, &self.arithmetics) {
            (Some(bits), None) => Ok(bits.iter().map(|&b| RerunArithmetic::Mpfr(b)).collect()),
            (None, Some(names)) => names.iter().map(|t| RerunArithmetic::parse("precision.arithmetics", t)).collect(),
            _ => Err(bad("precision", "needs exactly one of `bits` (MPFR precisions) and `arithmetics`")),
        }
    }
}

/// Everything that determines a sweep's output ([`SweepJob`]), exactly, plus the version
/// of normsharp that ran it. Two parts belong to one sweep when their plans are equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The normsharp version (a different build may give different bits).
    pub normsharp: String,
    task: TaskSpec,
    model: ModelSpec,
    alpha: String,
    etas: Vec<String>,
    loss_tol: String,
    max_steps: u64,
    spacing: Spacing,
    /// The runs' arithmetic (absent: f64, as in parts written before it existed).
    #[serde(default, skip_serializing_if = "SweepArithmetic::is_f64")]
    arithmetic: SweepArithmetic,
    refine: Option<RefineSpec>,
    precision: Option<PrecisionPlan>,
}

/// One row, every float as its shortest round-trip string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RowSpec {
    eta: String,
    outcome: String,
    period: Option<usize>,
    steps: u64,
    loss: String,
    lambda_max: Option<String>,
    sharpness: Option<String>,
    two_over_eta: String,
    eta_times_sharpness: Option<String>,
    l1: String,
    param_norm2_sq: String,
    test_error: Option<String>,
    dist_beta_n: Option<String>,
    dist_beta_s: Option<String>,
    dist_beta_gf: Option<String>,
    dist_ansatz: Option<String>,
    beta: Vec<String>,
}

/// A partial result: shard, plan, rows (sorted by η).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Which shard.
    pub shard: Shard,
    /// The sweep it belongs to.
    pub plan: Plan,
    /// The rows it ran, sorted by η (`refined` is not stored: the merge decides it).
    pub rows: Vec<SweepRow>,
}

#[derive(Serialize, Deserialize)]
struct PartFile {
    format: String,
    version: u32,
    shard: Shard,
    plan: Plan,
    rows: Vec<RowSpec>,
}

fn f(x: f64) -> String {
    format!("{x:e}")
}
fn fo(x: Option<f64>) -> Option<String> {
    x.map(f)
}
fn exact(v: &[Rational]) -> Vec<String> {
    v.iter().map(|q| q.to_string()).collect()
}

/// A plan field that does not decode: the part file is corrupt.
fn bad(field: &str, why: impl Into<String>) -> Error {
    Error::invalid(format!("field `{field}`"), why.into())
}
fn pf(field: &str, s: &str) -> Result<f64> {
    s.parse::<f64>().map_err(|_| bad(field, format!("\"{s}\" is not a number")))
}
fn pfo(field: &str, s: &Option<String>) -> Result<Option<f64>> {
    s.as_deref().map(|s| pf(field, s)).transpose()
}
fn pq(field: &str, s: &str) -> Result<Rational> {
    parse_exact(s).ok_or_else(|| bad(field, format!("\"{s}\" is not an exact number")))
}
fn pqs(field: &str, v: &[String]) -> Result<Vec<Rational>> {
    v.iter().map(|s| pq(field, s)).collect()
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Converged => "converged",
        Outcome::Periodic => "periodic",
        Outcome::Diverged => "diverged",
        Outcome::Unresolved => "unresolved",
    }
}

impl Plan {
    /// The plan of a job.
    pub fn of(job: &SweepJob) -> Plan {
        let t = &job.task;
        let model = match &job.cfg.model {
            AnyModel::Sw | AnyModel::Pm | AnyModel::Uv => ModelSpec { name: job.cfg.model.name().into(), depth: None, init: None },
            AnyModel::Depth(d) => ModelSpec { name: "depth".into(), depth: Some(d.depth), init: None },
            AnyModel::UvGeneral(m) => ModelSpec { name: "uv-general".into(), depth: None, init: Some(vec![exact(&m.u0), exact(&m.v0)]) },
            AnyModel::UvSigned(m) => {
                ModelSpec { name: "uv-signed".into(), depth: None, init: Some(m.init.iter().map(|v| exact(v)).collect()) }
            }
        };
        let c = &job.cfg;
        Plan {
            normsharp: env!("CARGO_PKG_VERSION").to_string(),
            task: TaskSpec {
                name: t.name.clone(),
                x: t.x.iter().map(|r| exact(r)).collect(),
                y: exact(&t.y),
                teacher: t.teacher.as_deref().map(exact),
                noise_std: t.noise_std.to_string(),
            },
            model,
            alpha: c.alpha.to_string(),
            etas: job.etas.iter().map(|e| f(*e)).collect(),
            loss_tol: f(c.loss_tol),
            max_steps: c.max_steps,
            spacing: c.spacing,
            arithmetic: c.arithmetic,
            refine: c.refine.map(|r| RefineSpec {
                budget: r.budget,
                sharpness_jump: f(r.sharpness_jump),
                min_rel_width: f(r.min_rel_width),
            }),
            precision: job.precision.as_ref().map(|p| PrecisionPlan::new(&p.arithmetics, f(p.limit_tol))),
        }
    }

    /// The job this plan describes (errors name the field that does not decode).
    pub fn job(&self) -> Result<SweepJob> {
        let t = &self.task;
        let x = t.x.iter().map(|r| pqs("task.x", r)).collect::<Result<Vec<_>>>()?;
        let teacher = t.teacher.as_deref().map(|v| pqs("task.teacher", v)).transpose()?;
        let task = Task::new(t.name.clone(), x, pqs("task.y", &t.y)?, teacher, pq("task.noise_std", &t.noise_std)?)?;
        let init = |k: usize| -> Result<Vec<Vec<Rational>>> {
            let v = self.model.init.as_ref().ok_or_else(|| bad("model.init", "missing"))?;
            if v.len() != k || v.iter().any(|c| c.len() != task.d()) {
                return Err(bad("model.init", format!("needs {k} vectors of length d = {}", task.d())));
            }
            v.iter().map(|c| pqs("model.init", c)).collect()
        };
        let model = match (self.model.name.as_str(), self.model.depth) {
            ("sw", None) => AnyModel::Sw,
            ("pm", None) => AnyModel::Pm,
            ("uv", None) => AnyModel::Uv,
            ("depth", Some(depth)) if depth >= 2 => AnyModel::Depth(Depth { depth }),
            ("uv-general", None) => {
                let mut v = init(2)?;
                let v0 = v.pop().unwrap_or_default();
                AnyModel::UvGeneral(UvGeneral { u0: v.pop().unwrap_or_default(), v0 })
            }
            ("uv-signed", None) => {
                let v = init(4)?;
                AnyModel::UvSigned(UvSigned { init: [v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone()] })
            }
            (name, _) => return Err(bad("model", format!("\"{name}\" is not a parametrization this build knows"))),
        };
        let mut cfg = SweepConfig::new(model, pq("alpha", &self.alpha)?);
        cfg.loss_tol = pf("loss_tol", &self.loss_tol)?;
        cfg.max_steps = self.max_steps;
        cfg.spacing = self.spacing;
        cfg.arithmetic = self.arithmetic;
        cfg.refine = match &self.refine {
            Some(r) => Some(Refine {
                budget: r.budget,
                sharpness_jump: pf("refine.sharpness_jump", &r.sharpness_jump)?,
                min_rel_width: pf("refine.min_rel_width", &r.min_rel_width)?,
            }),
            None => None,
        };
        let precision = match &self.precision {
            Some(p) => Some(PrecisionSpec { arithmetics: p.arithmetics()?, limit_tol: pf("precision.limit_tol", &p.limit_tol)? }),
            None => None,
        };
        let etas = self.etas.iter().map(|e| pf("etas", e)).collect::<Result<Vec<_>>>()?;
        let job = SweepJob::new(task, &etas, cfg, precision)?;
        if job.etas.len() != etas.len() {
            return Err(bad("etas", "not sorted and distinct"));
        }
        Ok(job)
    }

    /// The first top-level field in which two plans differ.
    pub fn first_difference(&self, other: &Plan) -> Option<&'static str> {
        let fields: [(&str, bool); 11] = [
            ("normsharp", self.normsharp == other.normsharp),
            ("task", self.task == other.task),
            ("model", self.model == other.model),
            ("alpha", self.alpha == other.alpha),
            ("etas", self.etas == other.etas),
            ("loss_tol", self.loss_tol == other.loss_tol),
            ("max_steps", self.max_steps == other.max_steps),
            ("spacing", self.spacing == other.spacing),
            ("arithmetic", self.arithmetic == other.arithmetic),
            ("refine", self.refine == other.refine),
            ("precision", self.precision == other.precision),
        ];
        fields.iter().find(|(_, same)| !same).map(|(name, _)| *name)
    }
}

impl RowSpec {
    fn of(r: &SweepRow) -> RowSpec {
        RowSpec {
            eta: f(r.eta),
            outcome: outcome_name(r.outcome).into(),
            period: r.period,
            steps: r.steps,
            loss: f(r.loss),
            lambda_max: fo(r.lambda_max),
            sharpness: fo(r.sharpness),
            two_over_eta: f(r.two_over_eta),
            eta_times_sharpness: fo(r.eta_times_sharpness),
            l1: f(r.l1),
            param_norm2_sq: f(r.param_norm2_sq),
            test_error: fo(r.test_error),
            dist_beta_n: fo(r.dist_beta_n),
            dist_beta_s: fo(r.dist_beta_s),
            dist_beta_gf: fo(r.dist_beta_gf),
            dist_ansatz: fo(r.dist_ansatz),
            beta: r.beta.iter().map(|b| f(*b)).collect(),
        }
    }

    fn row(&self) -> Result<SweepRow> {
        let outcome = [Outcome::Converged, Outcome::Periodic, Outcome::Diverged, Outcome::Unresolved]
            .into_iter()
            .find(|o| outcome_name(*o) == self.outcome)
            .ok_or_else(|| bad("rows.outcome", format!("\"{}\" is not an outcome", self.outcome)))?;
        Ok(SweepRow {
            eta: pf("rows.eta", &self.eta)?,
            outcome,
            period: self.period,
            steps: self.steps,
            loss: pf("rows.loss", &self.loss)?,
            lambda_max: pfo("rows.lambda_max", &self.lambda_max)?,
            sharpness: pfo("rows.sharpness", &self.sharpness)?,
            two_over_eta: pf("rows.two_over_eta", &self.two_over_eta)?,
            eta_times_sharpness: pfo("rows.eta_times_sharpness", &self.eta_times_sharpness)?,
            l1: pf("rows.l1", &self.l1)?,
            param_norm2_sq: pf("rows.param_norm2_sq", &self.param_norm2_sq)?,
            test_error: pfo("rows.test_error", &self.test_error)?,
            dist_beta_n: pfo("rows.dist_beta_n", &self.dist_beta_n)?,
            dist_beta_s: pfo("rows.dist_beta_s", &self.dist_beta_s)?,
            dist_beta_gf: pfo("rows.dist_beta_gf", &self.dist_beta_gf)?,
            dist_ansatz: pfo("rows.dist_ansatz", &self.dist_ansatz)?,
            refined: false,
            beta: self.beta.iter().map(|b| pf("rows.beta", b)).collect::<Result<_>>()?,
        })
    }
}

impl Part {
    /// The part file's text (pretty JSON, newline-terminated).
    pub fn to_text(&self) -> String {
        let file = PartFile {
            format: PART_FORMAT.into(),
            version: PART_VERSION,
            shard: self.shard,
            plan: self.plan.clone(),
            rows: self.rows.iter().map(RowSpec::of).collect(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Read a part file's text; errors say what is wrong (not JSON, another format or
    /// version, a field that does not decode).
    pub fn from_text(text: &str) -> Result<Part> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::invalid("file", format!("not JSON ({e})")))?;
        let format = v.get("format").and_then(|f| f.as_str());
        if format != Some(PART_FORMAT) {
            return Err(Error::invalid(
                "field `format`",
                format!("{format:?}; allowed: \"{PART_FORMAT}\" (a file written by `sweep --shard`)"),
            ));
        }
        let version = v.get("version").and_then(|f| f.as_u64());
        if version != Some(u64::from(PART_VERSION)) {
            return Err(Error::invalid("field `version`", format!("{version:?}; this build reads version {PART_VERSION}")));
        }
        let file: PartFile = serde_json::from_value(v).map_err(|e| Error::invalid("file", format!("not a valid part ({e})")))?;
        let rows = file.rows.iter().map(RowSpec::row).collect::<Result<Vec<_>>>()?;
        let shard = Shard::parse("shard", &format!("{}/{}", file.shard.k, file.shard.n))
            .map_err(|_| bad("shard", format!("{}/{}", file.shard.k, file.shard.n)))?;
        Ok(Part { shard, plan: file.plan, rows })
    }
}
