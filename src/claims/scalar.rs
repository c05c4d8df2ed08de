//! Scalar networks, L = ½(1 − xy)² (THEORY.md §4 "Scalar facts", K): the sharpness of the
//! minimizers (SN1), linear stability of GD's limits (SN2), the imbalance under GF and GD (SN3),
//! and Kreisler et al.'s monotone gradient-flow-solution sharpness (SN4). Each is checked on a
//! seeded family of initializations, in exact rationals where the step is rational
//! ([`crate::theory::scalar`]; proofs/SN1–SN4.md).

use super::check::{CheckResult, Kind, Relation};
use super::registry::Claim;
use super::{Formulas, Settings};
use crate::numeric::real::Nearest;
use crate::theory::scalar as sc;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::Rational;

/// The formulas the scalar-network claims predict with.
#[derive(Clone, Copy)]
pub struct ScalarFormulas {
    /// SN1: the sharpness of a minimizer (x, y), xy = 1: x² + y².
    pub sharpness_at_minimizer: fn(&Rational, &Rational) -> Rational,
    /// SN1: the least sharpness of a minimizer (2).
    pub least_sharpness: i64,
    /// SN2: the constant c of η·S(θ_∞) ≤ c (2).
    pub stability_constant: f64,
    /// SN2: the rate above which no minimizer is stable (2/least sharpness = 1).
    pub eta_none_stable: f64,
    /// SN3: the factor one GD step multiplies D = x² − y² by, (η, r) ↦ 1 − η²r².
    pub gd_imbalance_factor: fn(&Rational, &Rational) -> Rational,
    /// SN3: the quantity GF conserves, (x, y) ↦ x² − y².
    pub gf_invariant: fn(f64, f64) -> f64,
    /// SN4: the sharpness of the gradient-flow solution from (x, y): √((x² − y²)² + 4).
    pub gf_solution_sharpness: fn(f64, f64) -> f64,
    /// SN4 (exact): its square, (x² − y²)² + 4.
    pub gf_solution_sharpness_sq: fn(&Rational, &Rational) -> Rational,
}

fn sum_sq(x: &Rational, y: &Rational) -> Rational {
    Rational::from(x * x) + Rational::from(y * y)
}

fn one_minus_eta_r_sq(eta: &Rational, r: &Rational) -> Rational {
    let er = Rational::from(eta * r);
    Rational::from(1) - Rational::from(&er * &er)
}

fn gfs_sharpness(x: f64, y: f64) -> f64 {
    let d = sc::imbalance(x, y);
    (d * d + 4.0).sqrt()
}

fn gfs_sharpness_sq(x: &Rational, y: &Rational) -> Rational {
    let d = Rational::from(x * x) - Rational::from(y * y);
    Rational::from(&d * &d) + 4
}

impl Default for ScalarFormulas {
    fn default() -> Self {
        ScalarFormulas {
            sharpness_at_minimizer: sum_sq,
            least_sharpness: 2,
            stability_constant: 2.0,
            eta_none_stable: 1.0,
            gd_imbalance_factor: one_minus_eta_r_sq,
            gf_invariant: sc::imbalance,
            gf_solution_sharpness: gfs_sharpness,
            gf_solution_sharpness_sq: gfs_sharpness_sq,
        }
    }
}

const SOURCE: &str = "lit: scalar networks (Kreisler et al. 2023; Zhu et al. 2023); derived";
const SEED: u64 = 20_231_010;

/// The exact family: (x₀, y₀) = (p/16, q/16) with p, q uniform in 1..=48 (seeded ChaCha8), the
/// sign of both flipped in one of four, and the balanced point (1, 1).
fn exact_inits(count: usize) -> Vec<(Rational, Rational)> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut v = vec![(Rational::from(1), Rational::from(1))];
    for _ in 1..count {
        let (p, q) = (rng.gen_range(1..=48i64), rng.gen_range(1..=48i64));
        let s = if rng.gen_range(0..4) == 0 { -1 } else { 1 };
        v.push((Rational::from((s * p, 16)), Rational::from((s * q, 16))));
    }
    v
}

/// The f64 family: x₀, y₀ = 10^U(−1.3, 0.5) independently (seeded ChaCha8), and balanced
/// points x₀ = y₀ ∈ {0.2, 0.5, 0.9, 1.3}.
fn float_inits(count: usize) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    let mut v: Vec<(f64, f64)> = [0.2, 0.5, 0.9, 1.3].iter().map(|&a| (a, a)).collect();
    while v.len() < count {
        v.push((10f64.powf(rng.gen_range(-1.3..0.5)), 10f64.powf(rng.gen_range(-1.3..0.5))));
    }
    v
}

const EPS: f64 = f64::EPSILON;

// ---------------------------------------------------------------------------------------
// SN1

/// Minimizers (x, 1/x) for the exact family's x and its negatives.
fn minimizers() -> Vec<(Rational, Rational)> {
    exact_inits(24).into_iter().map(|(x, _)| (x.clone(), x.recip())).collect()
}

fn check_sn1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.scalar;
    let origin = "exact rational arithmetic: the Hessian from values of L alone (Richardson-extrapolated central differences, exact for a quartic) and its top eigenvalue from a perfect-square discriminant";
    let mut out = Vec::new();
    let mut least: Option<Rational> = None;
    for (x, y) in minimizers() {
        let label = format!("minimizer ({x}, {y})");
        let q = "λ_max(∇²L) at xy = 1 vs x² + y²";
        let Some(measured) = sc::lambda_max_exact(&sc::hessian_by_differences(&x, &y)) else {
            out.push(
                CheckResult::failed("SN1", &label, q, "the discriminant is not a perfect square".into()).kind(Kind::Prediction, origin),
            );
            continue;
        };
        out.push(CheckResult::exact("SN1", &label, q, &(f.sharpness_at_minimizer)(&x, &y), &measured).kind(Kind::Prediction, origin));
        if least.as_ref().is_none_or(|l| measured < *l) {
            least = Some(measured);
        }
    }
    if let Some(least) = least {
        out.push(
            CheckResult::exact(
                "SN1",
                "24 minimizers incl. (1, 1)",
                "least λ_max over the family (which contains the balanced minimizer) vs the bound 2",
                &Rational::from(f.least_sharpness),
                &least,
            )
            .kind(Kind::Prediction, origin),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// SN2

const ETAS: [f64; 15] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.96, 0.99, 1.02, 1.1, 1.25, 1.5];
/// Convergence: L < 1e-24 at a step and at the 1000 following ones.
const LOSS_TOL: f64 = 1e-24;
const CONFIRM: usize = 1000;

fn check_sn2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.scalar;
    let inits = float_inits(24);
    let mut worst = 0.0f64;
    let mut worst_at = String::new();
    let mut converged_above = 0usize;
    let mut counts = Vec::new();
    let mut max_s2 = 0.0f64;
    let mut near_edge = 0usize;
    for &eta in &ETAS {
        let mut conv = 0;
        for &(x0, y0) in &inits {
            let max_steps = if eta <= 1.0 { 200_000 } else { 20_000 };
            let run = sc::run_gd(x0, y0, eta, LOSS_TOL, CONFIRM, max_steps, |_, _, _| {});
            if run.outcome != sc::ScalarOutcome::Converged {
                continue;
            }
            conv += 1;
            let (x, y) = run.last;
            // |D| never grows once η|r| ≤ √2, so √(D_K² + 4) bounds the limit's sharpness (SN1, SN3).
            let d = sc::imbalance(x, y);
            let bound = eta * (d * d + 4.0).sqrt();
            max_s2 = max_s2.max(x * x + y * y);
            if bound > worst {
                worst = bound;
                worst_at = format!("η = {eta}, init ({x0:.4}, {y0:.4}), λ_max at the last iterate {:.12}", sc::sharpness(x, y));
            }
            if bound > 0.95 * f.stability_constant {
                near_edge += 1;
            }
            if eta > f.eta_none_stable {
                converged_above += 1;
            }
        }
        counts.push(format!("{eta}: {conv}"));
    }
    let tol = 2.0 * (CONFIRM as f64 + 2.0) * 4.0 * EPS * max_s2;
    let label = format!("24 initializations × {} rates", ETAS.len());
    vec![
        CheckResult::scalar("SN2", &label, "max over converged runs of η·√(D_K² + 4) (≥ η·S(θ_∞)) vs the stability bound 2", f.stability_constant, worst, tol, Relation::AtMost)
            .kind(Kind::Prediction, format!("f64 rounding: D_K carries ≤ 4ε·(x² + y²) per step over the {CONFIRM}-step confirmation tail, where the exact dynamics no longer move it (|r| < 1.5e-12); times η ≤ 2 — {tol:.1e}"))
            .with_note(format!("worst at {worst_at}; {near_edge} converged runs end with η·S > 0.95·2 (edge of stability); converged per η: {}", counts.join(", "))),
        CheckResult::scalar("SN2", &label, "converged runs at η above the rate where no minimizer is stable (2/min S = 1)", 0.0, converged_above as f64, 0.0, Relation::AbsoluteError)
            .kind(Kind::Prediction, "a count: exact")
            .with_note("converged = L < 1e-24 at a step and the 1000 following ones; runs above η = 1 get 20 000 steps"),
    ]
}

// ---------------------------------------------------------------------------------------
// SN3

const EXACT_ETAS: [(i64, i64); 4] = [(1, 4), (1, 2), (3, 4), (9, 8)];
const EXACT_STEPS: usize = 5;

fn check_sn3(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let fs = &f.scalar;
    let mut out = Vec::new();
    // Exact: K steps of GD from rational points at rational η.
    let mut exact_ok = 0usize;
    let mut exact_total = 0usize;
    let mut first_bad: Option<String> = None;
    for (x0, y0) in exact_inits(12) {
        for (p, q) in EXACT_ETAS {
            let eta = Rational::from((p, q));
            let (mut x, mut y) = (x0.clone(), y0.clone());
            let mut predicted = Rational::from(&x * &x) - Rational::from(&y * &y);
            for _ in 0..EXACT_STEPS {
                let (nx, ny, r) = sc::gd_step_exact(&x, &y, &eta);
                predicted *= (fs.gd_imbalance_factor)(&eta, &r);
                (x, y) = (nx, ny);
            }
            let measured = Rational::from(&x * &x) - Rational::from(&y * &y);
            exact_total += 1;
            if measured == predicted {
                exact_ok += 1;
            } else if first_bad.is_none() {
                first_bad =
                    Some(format!("({x0}, {y0}) at η = {eta}: D_K = {:.6e}, predicted {:.6e}", measured.nearest(), predicted.nearest()));
            }
        }
    }
    out.push(
        CheckResult::scalar(
            "SN3",
            "12 rational points × 4 rational η",
            "runs whose D_5 = x_5² − y_5² equals D_0·∏(1 − η²r_k²) exactly (of 48)",
            exact_total as f64,
            exact_ok as f64,
            0.0,
            Relation::AbsoluteError,
        )
        .kind(Kind::Identity, "exact rational arithmetic: GD's own residuals, an algebraic identity of the step")
        .with_note(first_bad.unwrap_or_else(|| "all exact".into())),
    );
    // Evidence: GF conserves D, checked by an integrator that does not (RK4 drifts as h⁴).
    for (x0, y0) in float_inits(12) {
        let label = format!("GF from ({x0:.4}, {y0:.4})");
        let (t, n) = (12.0, 1200);
        let (a, b) = sc::gf_rk4(x0, y0, t, n);
        let (c, d) = sc::gf_rk4(x0, y0, t, 2 * n);
        let predicted = (fs.gf_invariant)(x0, y0);
        let fine = (fs.gf_invariant)(c, d);
        let coarse = (fs.gf_invariant)(a, b);
        let scale = (x0 * x0 + y0 * y0).max(c * c + d * d).max(2.0);
        let richardson = 2.0 * (coarse - fine).abs() / 15.0;
        let rounding = 16.0 * (2 * n) as f64 * EPS * scale;
        out.push(
            CheckResult::scalar("SN3", &label, "x² − y² at t = 12 (RK4, h = 0.005) vs at t = 0", predicted, fine, richardson + rounding, Relation::AbsoluteError)
                .kind(Kind::Prediction, format!("RK4 resolution: twice the Richardson estimate |D(h) − D(h/2)|/15 of the order-4 global error ({richardson:.1e}), plus f64 rounding 16·N·ε·max(x² + y²) ({rounding:.1e})"))
                .with_note(format!("the flow reaches xy = {:.15} (L = {:.1e})", c * d, sc::loss(c, d))),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// SN4

fn check_sn4(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let fs = &f.scalar;
    let mut out = Vec::new();
    // Exact: S_GF² never rises over K steps (rational η with η|r| ≤ √2 at every step).
    let mut rises = 0usize;
    let mut checked = 0usize;
    let mut skipped = 0usize;
    for (x0, y0) in exact_inits(12) {
        for (p, q) in EXACT_ETAS {
            let eta = Rational::from((p, q));
            let (mut x, mut y) = (x0.clone(), y0.clone());
            for _ in 0..EXACT_STEPS {
                let before = (fs.gf_solution_sharpness_sq)(&x, &y);
                let (nx, ny, r) = sc::gd_step_exact(&x, &y, &eta);
                let er = Rational::from(&eta * &r);
                (x, y) = (nx, ny);
                if Rational::from(&er * &er) > 2 {
                    skipped += 1;
                    continue;
                }
                checked += 1;
                if (fs.gf_solution_sharpness_sq)(&x, &y) > before {
                    rises += 1;
                }
            }
        }
    }
    out.push(
        CheckResult::scalar(
            "SN4",
            "12 rational points × 4 rational η, 5 steps",
            "steps (with η|r| ≤ √2) where S_GF² = (x² − y²)² + 4 rises, exactly",
            0.0,
            rises as f64,
            0.0,
            Relation::AbsoluteError,
        )
        .kind(Kind::Prediction, "exact rational arithmetic: a count")
        .with_note(format!("{checked} steps compared, {skipped} with η|r| > √2 (outside the hypothesis) skipped")),
    );
    // f64 runs, including the edge of stability.
    let inits = float_inits(16);
    for eta in [0.25, 0.5, 0.75] {
        let mut worst = 0.0f64;
        let mut large = 0usize;
        let mut eos = 0usize;
        let mut unconverged = 0usize;
        let mut checked = 0usize;
        for &(x0, y0) in &inits {
            let mut prev: Option<(f64, f64)> = None;
            let mut prev_large = false;
            let run = sc::run_gd(x0, y0, eta, LOSS_TOL, 10, 200_000, |_, x, y| {
                let s = (fs.gf_solution_sharpness)(x, y);
                let q = x * x + y * y;
                if let Some((ps, pq)) = prev {
                    if !prev_large && s.is_finite() {
                        // One step's f64 rounding and the evaluation of D = x² − y² each carry
                        // ≤ 4ε(x² + y²); √(D² + 4) moves by no more than D does.
                        worst = worst.max((s - ps) / (16.0 * EPS * q.max(pq)));
                        checked += 1;
                    }
                }
                prev_large = eta * sc::residual(x, y).abs() > std::f64::consts::SQRT_2;
                prev = Some((s, q));
            });
            if eta * (fs.gf_solution_sharpness)(x0, y0) > 2.0 {
                eos += 1;
            }
            if run.outcome != sc::ScalarOutcome::Converged {
                unconverged += 1;
            }
            large += run.large_steps;
        }
        let mut r = CheckResult::scalar("SN4", &format!("16 initializations, η = {eta}"), "max_k (S_GF(θ_{k+1}) − S_GF(θ_k)) in units of its f64 rounding bound 16ε·max(x_k² + y_k², x_{k+1}² + y_{k+1}²), over steps with η|r_k| ≤ √2", 1.0, worst, 0.0, Relation::AtMost)
            .kind(Kind::Prediction, "f64 rounding of two consecutive values: one GD step and the evaluation of D = x² − y² each carry ≤ 4ε(x² + y²), which moves √(D² + 4) by no more; in exact arithmetic the rise is ≤ 0, so the measured rise must be ≤ 1 in these units")
            .with_note(format!("{checked} steps compared; {eos} of 16 start above the edge (η·S_GF(θ_0) > 2); {large} steps with η|r| > √2 (not asserted); {unconverged} runs not converged in 200 000 steps (their steps are compared too)"));
        r.pass &= checked > 0;
        out.push(r);
    }
    out
}

fn scalar(f: ScalarFormulas) -> Formulas {
    Formulas { scalar: f, ..Formulas::default() }
}

fn bent_sum_sq(x: &Rational, y: &Rational) -> Rational {
    sum_sq(x, y) * Rational::from((105, 100))
}

fn bent_factor(eta: &Rational, r: &Rational) -> Rational {
    let er = Rational::from(eta * r);
    Rational::from(1) - Rational::from(&er * &er) * Rational::from((105, 100))
}

fn bent_gfs(x: f64, y: f64) -> f64 {
    let d = x * x - 1.05 * y * y;
    (d * d + 4.0).sqrt()
}

fn bent_gfs_sq(x: &Rational, y: &Rational) -> Rational {
    let d = Rational::from(x * x) - Rational::from(y * y) * Rational::from((105, 100));
    Rational::from(&d * &d) + 4
}

/// The scalar-network family.
pub fn claims() -> Vec<Claim> {
    vec![
        Claim::new("SN1", "Scalar networks, L = ½(1 − xy)²: a minimizer (xy = 1) has sharpness λ_max(∇²L) = x² + y² ≥ 2, with equality at x = y = ±1", SOURCE, true, check_sn1)
            .broken("S = x² + y² → 1.05·(x² + y²)", Some(0.05), || scalar(ScalarFormulas { sharpness_at_minimizer: bent_sum_sq, ..ScalarFormulas::default() }))
            .broken("least sharpness 2 → 3", Some(0.5), || scalar(ScalarFormulas { least_sharpness: 3, ..ScalarFormulas::default() })),
        Claim::new("SN2", "Scalar networks: GD converges only to minimizers with η·(x² + y²) ≤ 2, so for η > 1 no run converges", SOURCE, true, check_sn2)
            .broken("stability constant 2 → 1.9", Some(0.05), || scalar(ScalarFormulas { stability_constant: 1.9, ..ScalarFormulas::default() }))
            .broken("no stable minimizer above η = 1 → above η = 0.95", Some(0.05), || scalar(ScalarFormulas { eta_none_stable: 0.95, ..ScalarFormulas::default() })),
        Claim::new("SN3", "Scalar networks: gradient flow conserves the imbalance D = x² − y²; one GD step multiplies it by exactly 1 − η²r², r = 1 − xy", SOURCE, true, check_sn3)
            .broken("factor 1 − η²r² → 1 − 1.05·η²r²", Some(0.05), || scalar(ScalarFormulas { gd_imbalance_factor: bent_factor, ..ScalarFormulas::default() }))
            .broken("GF invariant x² − y² → x² − 1.05·y²", Some(0.05), || scalar(ScalarFormulas { gf_invariant: |x, y| x * x - 1.05 * y * y, ..ScalarFormulas::default() })),
        Claim::new("SN4", "Scalar networks (Kreisler et al. 2023): along GD the sharpness of the gradient-flow solution from the current iterate, √((x² − y²)² + 4), never increases at a step with η|r| ≤ √2", SOURCE, true, check_sn4)
            .broken("S_GF = √((x² − 1.05y²)² + 4)", Some(0.05), || scalar(ScalarFormulas { gf_solution_sharpness: bent_gfs, gf_solution_sharpness_sq: bent_gfs_sq, ..ScalarFormulas::default() }))
            .broken("S_GF = x² + y² (the current sharpness)", None, || scalar(ScalarFormulas { gf_solution_sharpness: |x, y| x * x + y * y, gf_solution_sharpness_sq: |x, y| { let s = sum_sq(x, y); Rational::from(&s * &s) }, ..ScalarFormulas::default() })),
    ]
}
