//! Sweeps beyond one machine: shard K of N runs an interleaved share of the learning-rate
//! grid and of its refinement ([`run_shard`]); [`merge`] checks that the parts belong to
//! one sweep and replays the unsharded sweep over their rows, so the merged report is the
//! unsharded one, bit for bit.
//!
//! **Design.** Shard K runs the grid points i ≡ K − 1 (mod N) (0-based, after sorting).
//! Refinement bisects intervals between neighbouring rows; which mids a round adds inside an
//! interval [η_i, η_{i+1}] of the grid depends only on the rows inside that interval, and the
//! budget can only cut a round short (keeping its leftmost mids), so the sweep adds at most
//! B = budget − points rows in any one interval. Shard K therefore also runs η_{i+1} for each
//! of its points and refines each of its intervals on its own to B new rows (the same rules,
//! [`refine_rows`]): a superset of what the unsharded sweep adds there. The merge replays the
//! unsharded sweep ([`SweepJob::run_memo`]) with every part's rows as its memo, so it picks exactly the
//! unsharded rows, runs none of them, and computes the regimes (bisections that need every
//! row) and any precision checks itself.
//!
//! Cost: without refinement each point runs once in all. With it, a shard runs up to twice
//! its share of the grid, and up to B rows per interval where the sweep would share B among
//! all intervals (equal when refinement ends before the budget).
//!
//! ```
//! use normsharp::experiments::job::SweepJob;
//! use normsharp::experiments::part::{Part, Shard};
//! use normsharp::experiments::shard::{merge, run_shard};
//! use normsharp::experiments::sweep::{grid, Refine, Spacing, SweepConfig};
//! use normsharp::problem::{model::AnyModel, tasks::canonical_two};
//! let mut cfg = SweepConfig::new(AnyModel::Sw, rug::Rational::from((1, 1000)));
//! cfg.refine = Some(Refine::with_budget(8));
//! let etas = grid(0.1, 0.4, 5, Spacing::Linear).unwrap();
//! let job = SweepJob::new(canonical_two(), &etas, cfg, None).unwrap();
//! let parts: Vec<(String, Part)> =
//!     (1..=2).map(|k| (format!("part {k}"), run_shard(&job, Shard { k, n: 2 }).unwrap())).collect();
//! let merged = merge(&parts).unwrap();
//! assert_eq!(merged.rows_run, 0);
//! assert_eq!(merged.to_json(), job.run().unwrap().to_json());
//! ```

use crate::error::{Error, Result};
use crate::experiments::job::{SweepJob, SweepReport};
use crate::experiments::part::{Part, Plan, Shard};
use crate::experiments::sweep::{predictions, refine_rows, PointRunner, RowMemo, INIT_SCALE};
use crate::numeric::parallel::{par_map_eta, Progress};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// The 0-based grid indices shard `s` runs (before refinement): i ≡ k − 1 (mod n).
pub fn shard_points(points: usize, s: Shard) -> Vec<usize> {
    (s.k - 1..points).step_by(s.n).collect()
}

/// Run shard `s` of `job`: its grid points and, with refinement, the right neighbour of each
/// and the refinement of the interval between them (see the module docs). The rows are
/// sorted by η and distinct.
pub fn run_shard(job: &SweepJob, s: Shard) -> Result<Part> {
    let cfg = &job.cfg;
    if cfg.alpha <= 0 {
        return Err(Error::invalid(INIT_SCALE, format!("{}; allowed: a number > 0", cfg.alpha)));
    }
    let etas = &job.etas;
    let own = shard_points(etas.len(), s);
    let mut need: BTreeSet<usize> = own.iter().copied().collect();
    let intervals: Vec<usize> = match cfg.refine {
        Some(r) if r.budget > etas.len() => own.iter().copied().filter(|i| i + 1 < etas.len()).collect(),
        _ => Vec::new(),
    };
    need.extend(intervals.iter().map(|i| i + 1));
    let preds = predictions(&job.task, &cfg.model, &cfg.alpha);
    let runner = PointRunner::new(&job.task, cfg, &preds);
    let pb = Progress::new(cfg.progress, need.len(), "shard");
    let need_etas: Vec<f64> = need.iter().map(|&i| etas[i]).collect();
    let base = par_map_eta(&need_etas, &pb, |eta| runner.row(eta));
    let mut rows = base.clone();
    if let Some(r) = cfg.refine {
        let extra = r.budget.saturating_sub(etas.len());
        let row_at = |i: usize| base[need_etas.partition_point(|e| *e < etas[i])].clone();
        let refined: Vec<Vec<_>> = intervals
            .par_iter()
            .map(|&i| {
                let mut local = vec![row_at(i), row_at(i + 1)];
                refine_rows(&mut local, 2 + extra, &r, cfg.spacing, |mids| {
                    pb.add_len(mids.len());
                    par_map_eta(mids, &pb, |eta| runner.row(eta))
                });
                local.into_iter().filter(|row| row.refined).collect()
            })
            .collect();
        rows.extend(refined.into_iter().flatten());
    }
    pb.finish();
    rows.iter_mut().for_each(|row| row.refined = false);
    rows.sort_by(|a, b| a.eta.total_cmp(&b.eta));
    rows.dedup_by(|a, b| a.eta == b.eta);
    Ok(Part { shard: s, plan: Plan::of(job), rows })
}

/// Merge parts (each with the name it is reported by, e.g. its path): all must have the same
/// plan and N, each K once, all of 1..N present, and rows at the same η equal. Then the
/// unsharded sweep is replayed over their rows ([`SweepJob::run_memo`]).
pub fn merge(parts: &[(String, Part)]) -> Result<SweepReport> {
    let job = check_parts(parts)?;
    let mut memo = RowMemo::new();
    let mut from: std::collections::HashMap<u64, &str> = std::collections::HashMap::new();
    for (name, p) in parts {
        for row in &p.rows {
            let key = row.eta.to_bits();
            match memo.get(&key) {
                Some(old) if old != row => {
                    let first = from.get(&key).copied().unwrap_or("?");
                    return Err(Error::invalid("merge", format!("{first} and {name} disagree at η = {:e}", row.eta)));
                }
                Some(_) => {}
                None => {
                    memo.insert(key, row.clone());
                    from.insert(key, name);
                }
            }
        }
    }
    job.run_memo(&memo)
}

/// The merge's checks on the parts; returns the common job.
fn check_parts(parts: &[(String, Part)]) -> Result<SweepJob> {
    let (name0, p0) = parts.first().ok_or_else(|| Error::invalid("merge", "no part files given; allowed: the N parts of one sweep"))?;
    let n = p0.shard.n;
    let mut seen: Vec<Option<&str>> = vec![None; n];
    for (name, p) in parts {
        if p.shard.n != n {
            return Err(Error::invalid(
                "merge",
                format!(
                    "{name} is part {}/{} but {name0} is part {}/{n}: the parts come from different shardings",
                    p.shard.k, p.shard.n, p0.shard.k
                ),
            ));
        }
        if let Some(field) = p.plan.first_difference(&p0.plan) {
            return Err(Error::invalid("merge", format!("{name} belongs to a different sweep than {name0} (its `{field}` differs)")));
        }
        match seen[p.shard.k - 1] {
            Some(other) => return Err(Error::invalid("merge", format!("part {}/{n} given twice ({other} and {name})", p.shard.k))),
            None => seen[p.shard.k - 1] = Some(name),
        }
    }
    let missing: Vec<String> = (1..=n).filter(|k| seen[k - 1].is_none()).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        let s = if missing.len() == 1 { "" } else { "s" };
        return Err(Error::invalid(
            "merge",
            format!("part{s} {} missing; allowed: all N parts of the sweep, each once", missing.join(", ")),
        ));
    }
    let job = p0.plan.job().map_err(|e| Error::invalid(format!("part file {name0}"), e.to_string()))?;
    Ok(job)
}
