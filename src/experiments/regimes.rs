//! The two regimes of a sweep (THEORY.md T6): the measured critical rate η_c (departure from
//! the flow-aligned branch), the non-convergence and divergence thresholds (T5), and the
//! edge-of-stability summary, beside the predictions η_c = 2/s_GF and T5's thresholds.

use crate::dynamics::Outcome;
use crate::experiments::sweep::*;
use crate::problem::task::Task;
use serde::Serialize;

/// How the regimes are measured from a sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegimeConfig {
    /// A converged run has left the flow-aligned branch when its final S differs from the
    /// branch value by more than this, relative to S(β_GF).
    pub departure_tol: f64,
    /// Bisection stops when the bracket is narrower than this, relative to η.
    pub bisect_rel_width: f64,
}

impl Default for RegimeConfig {
    fn default() -> Self {
        RegimeConfig { departure_tol: 5e-3, bisect_rel_width: 1e-4 }
    }
}

/// The flow-aligned branch of the final sharpness: equal to S(β_GF) at η = 0 and smooth in η
/// below η_c (an O(η) drift, THEORY.md T4/T6), with a kink at η_c. It is followed row by row
/// as the line through the last two accepted points; a row departs when its S is off that
/// line by more than `departure_tol`·`s0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Branch {
    /// S at η = 0: S(β_GF) for SW, else the intercept of the line through two reference runs.
    pub s0: f64,
    /// The two accepted points (η, S) the line runs through when the departure is found.
    pub points: [[f64; 2]; 2],
    /// The slope of that line, dS/dη.
    pub slope: f64,
    /// The learning rate(s) of the reference run(s) that start the branch.
    pub reference_etas: [f64; 2],
}

impl Branch {
    fn through(self, a: [f64; 2], b: [f64; 2]) -> Branch {
        Branch { points: [a, b], slope: (b[1] - a[1]) / (b[0] - a[0]), ..self }
    }
    fn at(&self, eta: f64) -> f64 {
        self.points[1][1] + self.slope * (eta - self.points[1][0])
    }
    /// The η > 0 with η·(line at η) = 2, if any.
    pub fn edge_crossing(&self) -> Option<f64> {
        // S(η) = a + bη: bη² + aη − 2 = 0.
        let (b, a) = (self.slope, self.points[1][1] - self.slope * self.points[1][0]);
        let eta = if b.abs() < 1e-300 {
            2.0 / a
        } else {
            let disc = a * a + 8.0 * b;
            if disc < 0.0 {
                return None;
            }
            // The root continuous in b at b = 0: 4/(a + √disc).
            4.0 / (a + disc.sqrt())
        };
        (eta.is_finite() && eta > 0.0).then_some(eta)
    }
    fn departs(&self, r: &SweepRow, tol: f64) -> bool {
        match (r.outcome, r.sharpness) {
            (Outcome::Converged, Some(s)) => (s - self.at(r.eta)).abs() > tol * self.s0,
            _ => true,
        }
    }
}

/// Summary of the edge-of-stability regime: converged rows with η_c < η < η_nonconvergence.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EosSummary {
    /// Number of EoS rows.
    pub rows: usize,
    /// [min, max] of η over them.
    pub eta_range: Option<[f64; 2]>,
    /// [min, max] of 2/η − S.
    pub gap_abs_band: Option<[f64; 2]>,
    /// [min, max] of (2/η − S)/(2/η) = 1 − ηS/2.
    pub gap_rel_band: Option<[f64; 2]>,
    /// Median of (2/η − S)/(2/η).
    pub gap_rel_median: Option<f64>,
    /// ‖β‖₁ at the first and last EoS row.
    pub l1_first_last: Option<[f64; 2]>,
    /// Least-squares slope d‖β‖₁/dη over the EoS rows.
    pub l1_slope: Option<f64>,
    /// Whether ‖β‖₁ is non-decreasing in η over the EoS rows.
    pub l1_nondecreasing: bool,
    /// ‖β‖₁ on the flow-aligned side (last row below η_c), for comparison.
    pub l1_flow_aligned: Option<f64>,
}

/// The regimes of a sweep beside their predictions.
#[derive(Debug, Clone, Serialize)]
pub struct Regimes {
    /// η_c = 2/s_GF (T6; SW only).
    pub eta_c_predicted: Option<f64>,
    /// Smallest η whose final sharpness leaves the flow-aligned branch (followed from S(β_GF)
    /// at η = 0, see [`Branch`]) by more than `departure_tol`·S(β_GF), or that does not
    /// converge; refined by bisection.
    pub eta_c_measured: Option<f64>,
    /// The bisection bracket of `eta_c_measured`.
    pub eta_c_bracket: Option<[f64; 2]>,
    /// |measured − predicted| / predicted.
    pub eta_c_rel_err: Option<f64>,
    /// Where the flow-aligned branch (the line of `branch`) meets the edge: η·S_fa(η) = 2.
    /// GD's flow-aligned limit sits below S(β_GF) by an O(η) drift, so it loses stability
    /// somewhat above 2/s_GF; this is that onset (a diagnostic, not a prediction).
    pub eta_c_branch_edge: Option<f64>,
    /// The branch the departure is measured from.
    pub branch: Option<Branch>,
    /// The departure tolerance (relative to S(β_GF)).
    pub departure_tol: f64,
    /// S(β_GF) (SW).
    pub sharpness_gf: Option<f64>,
    /// s_GF (SW).
    pub sharpness_gf_path_max: Option<f64>,
    /// First η where GD stops converging (refined by bisection).
    pub eta_nonconvergence: Option<f64>,
    /// Its bracket.
    pub nonconvergence_bracket: Option<[f64; 2]>,
    /// The outcome just above `eta_nonconvergence`.
    pub nonconvergence_outcome: Option<Outcome>,
    /// First η where GD diverges (refined by bisection).
    pub eta_divergence: Option<f64>,
    /// Its bracket.
    pub divergence_bracket: Option<[f64; 2]>,
    /// T5: GD cannot converge to β_N above 1/(2 x_max y).
    pub eta_unstable_norm_min: Option<f64>,
    /// T5: GD cannot converge at all above 1/(2 x_min y).
    pub eta_no_stable_interpolator: Option<f64>,
    /// Outcome counts of the sweep rows from `eta_nonconvergence` on:
    /// [converged, periodic, unresolved, diverged].
    pub window_outcomes: [usize; 4],
    /// The largest η·S over all converged rows (T5/T6b: ≤ 2).
    pub max_eta_sharpness_converged: Option<f64>,
    /// The EoS regime.
    pub eos: EosSummary,
    /// = `eos.gap_rel_band`: measured [min, max] of (2/η − S)/(2/η) over EoS rows.
    pub eos_gap_band: Option<[f64; 2]>,
}

/// Largest η in [lo, hi] (lo satisfies `below`, hi does not) to relative width `rel`.
fn bisect(mut lo: f64, mut hi: f64, rel: f64, below: impl Fn(f64) -> bool) -> [f64; 2] {
    for _ in 0..200 {
        if hi - lo <= rel * hi {
            break;
        }
        let mid = lo + 0.5 * (hi - lo);
        if below(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    [lo, hi]
}

/// The reference branch: through (0, S(β_GF)) and a run at η₁ (SW), or through runs at
/// η₁ and 2η₁ (other models); η₁ = a quarter of the sweep's smallest η.
fn branch(runner: &PointRunner, sweep: &Sweep) -> Option<Branch> {
    let eta1 = sweep.rows.first()?.eta / 4.0;
    let s_at = |eta: f64| -> Option<f64> {
        let r = runner.row(eta);
        (r.outcome == Outcome::Converged).then_some(r.sharpness).flatten()
    };
    let s1 = s_at(eta1)?;
    match sweep.predictions.sharpness_gf {
        Some(s0) => {
            Some(Branch { s0, points: [[0.0, s0], [eta1, s1]], slope: 0.0, reference_etas: [eta1, eta1] }.through([0.0, s0], [eta1, s1]))
        }
        None => {
            let s2 = s_at(2.0 * eta1)?;
            let slope = (s2 - s1) / eta1;
            let b = Branch { s0: s1 - slope * eta1, points: [[0.0; 2]; 2], slope, reference_etas: [eta1, 2.0 * eta1] };
            Some(b.through([eta1, s1], [2.0 * eta1, s2]))
        }
    }
}

/// Measure the regimes of a sweep: η_c (departure from the flow-aligned branch), the
/// non-convergence and divergence thresholds (bisected between neighbouring rows with fresh
/// runs), and the EoS summary, beside the predictions η_c = 2/s_GF and T5's thresholds.
pub fn regimes(task: &Task, sweep: &Sweep, cfg: &SweepConfig, rc: &RegimeConfig) -> Regimes {
    let preds = &sweep.predictions;
    let runner = PointRunner::new(task, cfg, preds);
    let rows = &sweep.rows;
    // η_c: follow the branch up the rows; the first departed row is bisected against the
    // row before it, with the branch line of that moment.
    let mut br = branch(&runner, sweep);
    let mut eta_c_bracket = None;
    if let Some(mut line) = br {
        let mut accepted: Vec<[f64; 2]> = line.points.to_vec();
        for (i, r) in rows.iter().enumerate() {
            if line.departs(r, rc.departure_tol) {
                if i > 0 {
                    eta_c_bracket =
                        Some(bisect(rows[i - 1].eta, r.eta, rc.bisect_rel_width, |e| !line.departs(&runner.row(e), rc.departure_tol)));
                }
                break;
            }
            if let Some(s) = r.sharpness.filter(|_| r.eta > line.points[1][0]) {
                accepted.push([r.eta, s]);
                // The chord from the accepted point nearest to η/2: long enough not to follow
                // the rounding of the kink, short enough to follow a curved branch.
                let half = accepted
                    .iter()
                    .min_by(|a, b| (a[0] - r.eta / 2.0).abs().total_cmp(&(b[0] - r.eta / 2.0).abs()))
                    .copied()
                    .unwrap_or(accepted[0]);
                line = line.through(half, [r.eta, s]);
            }
        }
        br = Some(line);
    }
    let eta_c_measured = eta_c_bracket.map(|b| b[1]);
    // Non-convergence and divergence.
    let first = |pred: &dyn Fn(&SweepRow) -> bool| rows.iter().position(pred);
    let mut nonconv_bracket = None;
    let mut nonconv_outcome = None;
    let nc = first(&|r: &SweepRow| r.outcome != Outcome::Converged);
    if let Some(i) = nc {
        nonconv_outcome = Some(rows[i].outcome);
        if i > 0 {
            let b = bisect(rows[i - 1].eta, rows[i].eta, rc.bisect_rel_width, |e| runner.run(e).outcome == Outcome::Converged);
            nonconv_outcome = Some(runner.run(b[1]).outcome);
            nonconv_bracket = Some(b);
        }
    }
    let mut div_bracket = None;
    if let Some(i) = first(&|r: &SweepRow| r.outcome == Outcome::Diverged) {
        if i > 0 {
            div_bracket = Some(bisect(rows[i - 1].eta, rows[i].eta, rc.bisect_rel_width, |e| runner.run(e).outcome != Outcome::Diverged));
        }
    }
    let eta_nonconvergence = nonconv_bracket.map(|b| b[1]).or_else(|| nc.map(|i| rows[i].eta));
    let mut window = [0usize; 4];
    if let Some(i) = nc {
        for r in &rows[i..] {
            window[match r.outcome {
                Outcome::Converged => 0,
                Outcome::Periodic => 1,
                Outcome::Unresolved => 2,
                Outcome::Diverged => 3,
            }] += 1;
        }
    }
    let max_es = rows
        .iter()
        .filter(|r| r.outcome == Outcome::Converged)
        .filter_map(|r| r.eta_times_sharpness)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    // EoS rows.
    let eos_rows: Vec<&SweepRow> = match eta_c_measured {
        Some(ec) => rows
            .iter()
            .filter(|r| {
                r.outcome == Outcome::Converged && r.eta >= ec && eta_nonconvergence.is_none_or(|en| r.eta < en) && r.sharpness.is_some()
            })
            .collect(),
        None => Vec::new(),
    };
    let eos =
        eos_summary(&eos_rows, eta_c_measured.and_then(|ec| rows.iter().rev().find(|r| r.eta < ec && r.outcome == Outcome::Converged)));
    let eta_c_predicted = preds.eta_c;
    Regimes {
        eta_c_predicted,
        eta_c_measured,
        eta_c_bracket,
        eta_c_rel_err: eta_c_predicted.zip(eta_c_measured).map(|(p, m)| (m - p).abs() / p),
        eta_c_branch_edge: br.and_then(|b| b.edge_crossing()),
        branch: br,
        departure_tol: rc.departure_tol,
        sharpness_gf: preds.sharpness_gf,
        sharpness_gf_path_max: preds.sharpness_gf_path_max,
        eta_nonconvergence,
        nonconvergence_bracket: nonconv_bracket,
        nonconvergence_outcome: nonconv_outcome,
        eta_divergence: div_bracket.map(|b| b[1]).or_else(|| first(&|r: &SweepRow| r.outcome == Outcome::Diverged).map(|i| rows[i].eta)),
        divergence_bracket: div_bracket,
        eta_unstable_norm_min: preds.eta_unstable_norm_min,
        eta_no_stable_interpolator: preds.eta_no_stable_interpolator,
        window_outcomes: window,
        max_eta_sharpness_converged: max_es,
        eos_gap_band: eos.gap_rel_band,
        eos,
    }
}

fn band(v: impl Iterator<Item = f64>) -> Option<[f64; 2]> {
    v.fold(None, |b: Option<[f64; 2]>, x| Some(b.map_or([x, x], |[lo, hi]| [lo.min(x), hi.max(x)])))
}

fn eos_summary(rows: &[&SweepRow], flow_aligned: Option<&SweepRow>) -> EosSummary {
    let gap_rel = |r: &SweepRow| 1.0 - r.eta * r.sharpness.unwrap_or(f64::NAN) / 2.0;
    let mut rel: Vec<f64> = rows.iter().map(|r| gap_rel(r)).collect();
    rel.sort_by(f64::total_cmp);
    let median = (!rel.is_empty()).then(|| {
        let m = rel.len() / 2;
        if rel.len() % 2 == 1 {
            rel[m]
        } else {
            0.5 * (rel[m - 1] + rel[m])
        }
    });
    let slope = (rows.len() >= 2).then(|| {
        let n = rows.len() as f64;
        let me = rows.iter().map(|r| r.eta).sum::<f64>() / n;
        let ml = rows.iter().map(|r| r.l1).sum::<f64>() / n;
        let cov = rows.iter().map(|r| (r.eta - me) * (r.l1 - ml)).sum::<f64>();
        let var = rows.iter().map(|r| (r.eta - me).powi(2)).sum::<f64>();
        cov / var
    });
    EosSummary {
        rows: rows.len(),
        eta_range: band(rows.iter().map(|r| r.eta)),
        gap_abs_band: band(rows.iter().map(|r| r.two_over_eta - r.sharpness.unwrap_or(f64::NAN))),
        gap_rel_band: band(rows.iter().map(|r| gap_rel(r))),
        gap_rel_median: median,
        l1_first_last: rows.first().zip(rows.last()).map(|(a, b)| [a.l1, b.l1]),
        l1_slope: slope,
        l1_nondecreasing: rows.windows(2).all(|w| w[1].l1 >= w[0].l1),
        l1_flow_aligned: flow_aligned.map(|r| r.l1),
    }
}
