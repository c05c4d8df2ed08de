//! Claims on a user's task and on seeded families of generated tasks.
//!
//! A family task (seed S, index i) is drawn with ChaCha8 from seed S·1000003 + i: one sample
//! (three in four tasks) or 2–4 samples, d from 2 to 12 (d > n), positive entries spread
//! over two decades (10^U(−1,1), as fractions with denominator 1000), y of both scales, and α
//! log-uniform from 1e-6 up to twice the scale where the initialization overshoots the zero-loss
//! set (⟨x, α²·1⟩ = y). The positive β₀ with y = Xβ₀ is the task's teacher (noise 0). Every generated task is an exact rational task, written as a TOML file
//! when a claim fails on it.

use super::registry::{Claim, ClaimOutcome, TaskCase, Verdict};
use super::{Formulas, Settings};
use crate::numeric::parallel::{par_map_eta, Progress};
use crate::problem::model::AnyModel;
use crate::problem::task::Task;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::Rational;
use serde::Serialize;

fn decades(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> Rational {
    let v = 10f64.powf(rng.gen_range(lo..hi));
    Rational::from(((v * 1000.0).round().max(1.0) as i64, 1000))
}

/// The `index`-th task of the family with `seed` (SW model).
pub fn family_case(seed: u64, index: usize) -> TaskCase {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(index as u64));
    let n = if rng.gen_range(0..4) < 3 { 1 } else { rng.gen_range(2..=4) };
    let d = rng.gen_range((n + 1).max(2)..=12);
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| decades(&mut rng, -1.0, 1.0)).collect()).collect();
    // y = Xβ₀ for a positive β₀, so a nonnegative interpolator exists; its scale spans two decades.
    let scale = decades(&mut rng, -1.0, 1.0);
    let beta0: Vec<Rational> = (0..d).map(|_| Rational::from(&scale * &decades(&mut rng, -1.0, 0.0))).collect();
    let y: Vec<Rational> =
        x.iter().map(|row| row.iter().zip(&beta0).fold(Rational::new(), |acc, (a, b)| acc + Rational::from(a * b))).collect();
    // α² = y/Σx overshoots for one sample; draw log-uniformly from 1e-6 to twice that scale.
    let sum_x: f64 = x[0].iter().map(|v| v.to_f64()).sum();
    let top = (2.0 * (y[0].to_f64() / sum_x).sqrt()).log10();
    let alpha = Rational::from_f64(10f64.powf(rng.gen_range(-6.0..top.max(-5.0)))).unwrap_or(Rational::from((1, 1000)));
    // The teacher is β₀ (positive, an exact interpolator: inside Z's relative interior for one sample).
    let task = Task::new(format!("family(seed={seed},i={index},n={n},d={d})"), x, y, Some(beta0), Rational::new())
        .expect("a generated task is valid");
    TaskCase { task, alpha, model: AnyModel::Sw }
}

/// Per claim: how a family went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FamilySummary {
    /// Claim id.
    pub id: String,
    /// Tasks it applied to.
    pub tried: usize,
    /// … and held on.
    pub held: usize,
    /// … and failed on.
    pub failed: usize,
    /// Tasks where its hypotheses did not hold.
    pub not_applicable: usize,
    /// Task files written for the failures (by the caller, from `failures`).
    pub counterexamples: Vec<String>,
    /// The failures: a file name and the task's TOML text (α in a comment).
    #[serde(skip)]
    pub failures: Vec<(String, String)>,
    /// The first failure's reason.
    pub first_failure: Option<String>,
}

/// Run `claim` on `n` family tasks (in parallel, in index order); each failure's task is
/// returned as TOML text (with α in a comment).
pub fn run_family(claim: &Claim, formulas: &Formulas, settings: &Settings, seed: u64, n: usize) -> (FamilySummary, Vec<ClaimOutcome>) {
    let idx: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let outcomes = par_map_eta(&idx, &Progress::hidden(), |i| {
        let case = family_case(seed, i as usize);
        (case.clone(), claim.outcome_on(formulas, settings, &case))
    });
    let mut s = FamilySummary { id: claim.id.into(), ..FamilySummary::default() };
    let mut out = Vec::new();
    for (case, o) in outcomes {
        match o.verdict {
            Verdict::Pass => {
                s.tried += 1;
                s.held += 1;
            }
            Verdict::Fail => {
                s.tried += 1;
                s.failed += 1;
                s.first_failure.get_or_insert_with(|| format!("{}: {}", case.label(), o.reason));
                let name = format!("{}-{}.toml", claim.id, case.task.name.replace(['(', ')', ',', '='], "_"));
                let text = format!("# counterexample to {}: {}\n# alpha = \"{}\"\n{}", claim.id, o.reason, case.alpha, case.task.to_toml());
                s.failures.push((name, text));
            }
            Verdict::NotApplicable => s.not_applicable += 1,
        }
        out.push(o);
    }
    (s, out)
}
