//! `normsharp verify`: the claims of the registry on the canonical tasks, on the user's task
//! (`--task FILE --alpha A [--model M]`), or on a seeded family of generated tasks
//! (`--family N --seed S`).

use super::args::{check_precision, positive_f64, short, ModelArg};
use super::print::emit;
use crate::claims::family::{run_family, FamilySummary};
use crate::claims::{registry, Claim, ClaimOutcome, Formulas, Settings, TaskCase, Verdict};
use crate::error::{Error, Result};
use crate::output::report;
use crate::output::write::{check_writable, write_atomic};
use crate::problem::model::AnyModel;
use crate::problem::task::Task;
use clap::Args;

/// Arguments of `normsharp verify`.
#[derive(Debug, Args)]
pub(super) struct VerifyArgs {
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// Print the README's claims table (markdown) instead of the report.
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// MPFR precision in bits for the high-precision parts (53 ≤ bits ≤ 65536).
    #[arg(long, default_value_t = 128)]
    precision: u32,
    /// Only this claim id (e.g. T4-limit).
    #[arg(long)]
    claim: Option<String>,
    /// Check the claims that apply to this task (TOML) instead of the canonical tasks.
    #[arg(long, requires = "alpha", conflicts_with = "family")]
    task: Option<String>,
    /// Initialization scale α for --task.
    #[arg(long, allow_hyphen_values = true, requires = "task")]
    alpha: Option<String>,
    /// Parametrization for --task: claims about another model are not applicable.
    #[arg(long, value_enum, default_value_t = ModelArg::Sw, requires = "task")]
    model: ModelArg,
    /// Check each claim on N seeded generated tasks (see `claims::family`).
    #[arg(long)]
    family: Option<usize>,
    /// Seed of the family.
    #[arg(long, default_value_t = 0, requires = "family")]
    seed: u64,
    /// Write the task of every family failure here (created if missing).
    #[arg(long, default_value = "counterexamples", requires = "family")]
    counterexamples: String,
}

fn selected(claim: &Option<String>) -> Result<Vec<Claim>> {
    let all = registry();
    match claim {
        None => Ok(all),
        Some(id) => {
            let ids: Vec<&str> = all.iter().map(|c| c.id).collect();
            let found: Vec<Claim> = all.iter().filter(|c| c.id == id).cloned().collect();
            if found.is_empty() {
                return Err(Error::arg("--claim", format!("unknown claim \"{}\"", short(id)), ids.join(", ")));
            }
            Ok(found)
        }
    }
}

fn model_of(m: ModelArg) -> Result<AnyModel> {
    Ok(match m {
        ModelArg::Sw => AnyModel::Sw,
        ModelArg::Pm => AnyModel::Pm,
        ModelArg::Uv => AnyModel::Uv,
        ModelArg::UvGeneral | ModelArg::Depth => {
            return Err(Error::arg(
                "--model",
                format!("{m:?}").to_lowercase(),
                "sw, pm or uv with --task (the per-task claims are about these)",
            ))
        }
    })
}

pub(super) fn verify(a: VerifyArgs) -> Result<i32> {
    let settings = Settings { precision: check_precision("--precision", a.precision)? };
    let formulas = Formulas::default();
    let claims = selected(&a.claim)?;
    let mut families: Vec<FamilySummary> = Vec::new();
    let outcomes: Vec<ClaimOutcome> = if let (Some(path), Some(alpha)) = (&a.task, &a.alpha) {
        let case = TaskCase { task: Task::from_file(path)?, alpha: positive_f64("--alpha", alpha)?, model: model_of(a.model)? };
        claims.iter().map(|c| c.outcome_on(&formulas, &settings, &case)).collect()
    } else if let Some(n) = a.family {
        if !(1..=10_000).contains(&n) {
            return Err(Error::arg("--family", format!("{n}"), "a number of tasks with 1 ≤ N ≤ 10000"));
        }
        let dir = std::path::Path::new(&a.counterexamples);
        // Checked before the work: the directory exists or can be made in an existing one.
        if dir.exists() && !dir.is_dir() {
            return Err(Error::arg(
                "--counterexamples",
                format!("{} is not a directory", a.counterexamples),
                "a directory (created if missing)",
            ));
        }
        if !dir.exists() {
            check_writable(&a.counterexamples, "--counterexamples")
                .map_err(|e| Error::arg("--counterexamples", e.to_string(), "a directory path in an existing directory"))?;
        }
        let mut all = Vec::new();
        let pb = crate::numeric::parallel::Progress::new(true, claims.iter().filter(|c| c.on_task.is_some()).count(), "verify --family");
        for c in claims.iter().filter(|c| c.on_task.is_some()) {
            pb.inc();
            let (mut s, outs) = run_family(c, &formulas, &settings, a.seed, n);
            for (name, text) in std::mem::take(&mut s.failures) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::arg("--counterexamples", format!("{}: {e}", a.counterexamples), "a writable directory"))?;
                let path = dir.join(name);
                write_atomic(&path.to_string_lossy(), text.as_bytes(), "--counterexamples")?;
                s.counterexamples.push(path.to_string_lossy().into_owned());
            }
            // One outcome per claim: fail if it failed anywhere, else pass if it held anywhere.
            let verdict = if s.failed > 0 {
                Verdict::Fail
            } else if s.held > 0 {
                Verdict::Pass
            } else {
                Verdict::NotApplicable
            };
            let reason = format!(
                "{} tasks: {} held, {} failed, {} not applicable{}",
                n,
                s.held,
                s.failed,
                s.not_applicable,
                s.first_failure.as_ref().map_or(String::new(), |f| format!("; first failure: {f}"))
            );
            let checks = outs
                .into_iter()
                .filter(|o| o.verdict == Verdict::Fail)
                .flat_map(|o| o.checks)
                .filter(|r| r.fails_claim())
                .take(3)
                .collect();
            all.push(ClaimOutcome { id: c.id.into(), verdict, reason, checks });
            families.push(s);
        }
        pb.finish();
        all
    } else {
        // Claims run one after another (each parallel inside); a bar on a terminal's stderr.
        let pb = crate::numeric::parallel::Progress::new(true, claims.len(), "verify");
        let all = claims
            .iter()
            .map(|c| {
                let o = c.outcome(&formulas, &settings);
                pb.inc();
                o
            })
            .collect();
        pb.finish();
        all
    };
    if a.json {
        emit(&format!("{}\n", report::json(&registry(), &outcomes, &families)))?;
    } else if a.markdown {
        // Family runs report one summary per claim; the kinds come from the canonical checks.
        let canonical: Vec<ClaimOutcome> =
            if a.family.is_some() { claims.iter().map(|c| c.outcome(&formulas, &settings)).collect() } else { outcomes.clone() };
        emit(&report::claims_markdown(&claims, &canonical, &families))?;
    } else {
        emit(&report::outcomes_table(&outcomes, 10))?;
    }
    Ok(if outcomes.iter().any(|o| o.verdict == Verdict::Fail) { 1 } else { 0 })
}
