//! Tests generated from the registry (libtest-mimic): for every claim, `claim::<id>` (it
//! passes on the canonical tasks with the correct formulas, every check is classified and
//! reports its values, and it has evidence), `broken::<id>::<formula>` (each registered broken
//! formula makes it fail), `has_broken::<id>` (it registers at least one), and, for every
//! claim with a per-task check, `family::<id>` (on the first FAMILY_TASKS tasks of the README's
//! family, `verify --family 20 --seed 1`, it fails exactly on the counterexamples recorded in
//! `counterexamples/`, and every check there is classified with an origin for its tolerance).
//! Run one: `cargo test --release --test registry -- claim::T1`.

use libtest_mimic::{Arguments, Failed, Trial};
use normsharp::claims::{family, registry, Kind, Settings, Verdict};
use normsharp::output::report;
use normsharp::Formulas;

fn claim_passes(id: &'static str) -> Result<(), Failed> {
    let claim = registry().into_iter().find(|c| c.id == id).ok_or("not registered")?;
    let o = claim.outcome(&Formulas::default(), &Settings::default());
    let table = report::outcomes_table(std::slice::from_ref(&o), 10);
    if o.verdict != Verdict::Pass {
        return Err(format!("claim {id}: {} ({})\n{table}", report::verdict_name(o.verdict), o.reason).into());
    }
    for r in &o.checks {
        if r.kind == Kind::Unclassified {
            return Err(format!("claim {id}: a check has no kind: {}\n{table}", r.quantity).into());
        }
        if r.kind.is_asserted() && (r.predicted.is_none() || r.measured.is_none()) {
            return Err(format!("claim {id}: a value is missing: {}\n{table}", r.quantity).into());
        }
        if r.kind.is_asserted() && r.tolerance_origin.trim().is_empty() {
            return Err(format!("claim {id}: the tolerance of \"{}\" states no origin\n{table}", r.quantity).into());
        }
    }
    Ok(())
}

fn broken_fails(id: &'static str, k: usize) -> Result<(), Failed> {
    let claim = registry().into_iter().find(|c| c.id == id).ok_or("not registered")?;
    let b = claim.broken[k];
    let o = claim.outcome(&(b.formulas)(), &Settings::default());
    if o.verdict == Verdict::Pass {
        return Err(format!("claim {id} still passes with the broken formula \"{}\":\n{}", b.name, report::outcomes_table(&[o], 10)).into());
    }
    Ok(())
}

/// Tasks of the README's family (seed 1) each per-task check runs on in the test suite.
const FAMILY_TASKS: usize = 4;

/// The failures of claim `id` recorded in `counterexamples/` among the first FAMILY_TASKS
/// tasks of seed 1 (file names `<id>-family_seed_1_i_<k>_…toml`, as `verify --family` writes
/// them): a claim that the theory gets wrong on a task keeps failing there, visibly.
fn recorded_failures(id: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("counterexamples");
    let prefix = format!("{id}-family_seed_1_i_");
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned())).collect())
        .unwrap_or_default();
    v.retain(|f| f.strip_prefix(&prefix).and_then(|r| r.split('_').next()?.parse::<usize>().ok()).is_some_and(|k| k < FAMILY_TASKS));
    v.sort();
    v
}

fn family_holds(id: &'static str) -> Result<(), Failed> {
    let claim = registry().into_iter().find(|c| c.id == id).ok_or("not registered")?;
    let (summary, outcomes) = family::run_family(&claim, &Formulas::default(), &Settings::default(), 1, FAMILY_TASKS);
    let mut failed: Vec<String> = summary.failures.iter().map(|(name, _)| name.clone()).collect();
    failed.sort();
    let recorded = recorded_failures(id);
    if failed != recorded {
        return Err(format!(
            "claim {id} on the first {FAMILY_TASKS} family tasks (seed 1): fails on {failed:?}, counterexamples/ records {recorded:?}; first failure: {}",
            summary.first_failure.unwrap_or_default()
        )
        .into());
    }
    for o in &outcomes {
        for r in &o.checks {
            if r.kind == Kind::Unclassified || (r.kind.is_asserted() && r.tolerance_origin.trim().is_empty()) {
                return Err(format!("claim {id} on {}: the check \"{}\" has no kind or no tolerance origin", r.task, r.quantity).into());
            }
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for c in registry() {
        let id = c.id;
        trials.push(Trial::test(format!("claim::{id}"), move || claim_passes(id)));
        if c.on_task.is_some() {
            trials.push(Trial::test(format!("family::{id}"), move || family_holds(id)));
        }
        let n = c.broken.len();
        trials.push(Trial::test(format!("has_broken::{id}"), move || {
            if n == 0 {
                return Err(format!("claim {id} registers no broken formula: nothing shows it can fail").into());
            }
            Ok(())
        }));
        for (k, b) in c.broken.iter().enumerate() {
            let name = b.name.replace(' ', "_");
            trials.push(Trial::test(format!("broken::{id}::{k}::{name}"), move || broken_fails(id, k)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
