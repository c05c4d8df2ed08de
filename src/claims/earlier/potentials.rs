//! W1, W2, D1, A1: gradient-flow limits as minimizers of Woodworth's, the depth-D and Azulay's
//! potentials.

use super::*;

/// The W1 cases: (task seed, α).
const W1_CASES: [(u64, f64); 2] = [(1, 0.1), (2, 0.3)];

pub(super) fn check_w1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for (seed, alpha) in W1_CASES {
        let task = gaussian(seed, 5, 12, 2, 0.0, 0.0);
        out.extend(w1_case(f, &task, alpha));
    }
    out
}

/// W1 on one task (PM from a = b = α): [`eta_order_check`] against argmin Q_α.
pub(super) fn w1_case(f: &Formulas, task: &Task, alpha: f64) -> Vec<CheckResult> {
    let f = &f.earlier;
    let design = task.design::<f64>(());
    let label = format!("{} α={alpha}", task.name);
    match (f.woodworth_limit)(&design, alpha) {
        Ok(pred) => {
            let s = op_norm(&Pm, &design, &pm_theta(&pred, alpha));
            eta_order_check("W1", &label, &Pm, &design, alpha, &pred, s, f.gd_error_order)
        }
        Err(e) => {
            vec![CheckResult::failed("W1", &label, "argmin Q_α", e.to_string()).kind(Kind::Prediction, "dual Newton failed: no prediction")]
        }
    }
}

/// W1 on any task it applies to: PM GD must converge at ηS = 0.2 … 0.0125 (checked by the
/// check itself), the task must have an interpolator (checked by `applies`).
pub(super) fn w1_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    w1_case(f, &case.task, case.alpha.nearest())
}

/// W1's hypotheses: an interpolating task (rank X = n, exact), α ≥ 10⁻³ (PM from a = b = α;
/// the task's own model is not used: W1 is a statement about PM), and GD within the step
/// budget: the coarsest run (ηS = 0.2) converges in at most 3·10⁶/16 steps, so the finest
/// (16× smaller η) fits in 3·10⁶. Below α = 10⁻³ the O(η) law still holds, but its next-order
/// coefficient grows like ln(1/α) and ηS = 0.2 leaves the asymptotic range.
pub(super) fn w1_applies(case: &TaskCase) -> std::result::Result<(), String> {
    if case.alpha < Rational::from((1, 1000)) {
        return Err("α < 1e-3: ηS = 0.2 … 0.0125 is outside the asymptotic range of the O(η) law".into());
    }
    full_row_rank(&case.task)?;
    let design = case.task.design::<f64>(());
    let alpha = case.alpha.nearest();
    let pred = pot::woodworth_limit(&design, &alpha).map_err(|e| format!("no prediction to scale η by: {e}"))?;
    let s = op_norm(&Pm, &design, &pm_theta(&pred, alpha));
    let mut cfg = GdConfig::until_loss(0.2 / s, GD_LIMIT_LOSS);
    cfg.max_steps = 3_000_000 / 16;
    let run = run64(&Pm, &design, alpha, &cfg, &mut NoObserver);
    if run.outcome != Outcome::Converged {
        return Err(format!(
            "PM GD at ηS = 0.2 does not converge within {} steps: ηS = 0.0125 would exceed the budget of 3e6",
            cfg.max_steps
        ));
    }
    Ok(())
}

/// rank X = n (exact): Xβ = y is solvable for every y, and XXᵀ is invertible.
pub(super) fn full_row_rank(task: &Task) -> std::result::Result<(), String> {
    let r = crate::numeric::exact::rank_exact(&task.x);
    if r == task.n() {
        Ok(())
    } else {
        Err(format!("rank X = {r} < n = {}: no interpolator for some y, XXᵀ singular", task.n()))
    }
}

/// (I − P)β_ℓ2^{⊙3}/24 with P = Xᵀ(XXᵀ)⁻¹X: the α⁻⁴ coefficient of β(α) − β_ℓ2
/// (proofs/W2.md (a)); exact in rationals, rounded to f64 at the end.
pub fn l2_correction(task: &Task) -> Result<Vec<f64>> {
    let b = interpolators::min_l2_exact(task)?;
    let cube: Vec<Rational> = b.iter().map(|v| Rational::from(v * v) * v).collect();
    // P·c = Xᵀλ with (XXᵀ)λ = Xc.
    let xc: Vec<Rational> =
        task.x.iter().map(|row| row.iter().zip(&cube).fold(Rational::new(), |a, (x, c)| a + Rational::from(x * c))).collect();
    let n = task.n();
    let gram: Vec<Vec<Rational>> = (0..n)
        .map(|i| (0..n).map(|j| task.x[i].iter().zip(&task.x[j]).fold(Rational::new(), |a, (p, q)| a + Rational::from(p * q))).collect())
        .collect();
    let lambda = crate::numeric::exact::solve_exact(&gram, &xc)
        .ok_or_else(|| crate::error::Error::NoConvergence { what: "(I − P)β³".into(), detail: "XXᵀ singular".into() })?;
    Ok((0..task.d())
        .map(|j| {
            let pc = task.x.iter().zip(&lambda).fold(Rational::new(), |a, (row, l)| a + Rational::from(&row[j] * l));
            (Rational::from(&cube[j] - &pc) / Rational::from(24)).nearest()
        })
        .collect())
}

pub(super) fn check_w2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    // Noisy labels: the ℓ1 LP is non-degenerate (support of size n, unique dual ν*).
    w2_case(f, &gaussian(3, 5, 12, 2, 0.0, 0.5), 1.0)
}

/// W2's unit of α on a task: √‖β_ℓ2‖∞. Q_α is homogeneous (y → λy maps argmin Q_α to
/// argmin Q_{√λα}, scaled by λ), so the two limits are reached at α/√‖β‖ → 0 and → ∞; the
/// canonical task (‖β_ℓ2‖∞ ≈ 1) uses unit 1.
fn w2_unit(task: &Task) -> std::result::Result<f64, String> {
    let l2 = interpolators::min_l2(task).map_err(|e| e.to_string())?;
    let m = max_abs(&l2.beta);
    if m.is_finite() && m > 0.0 {
        Ok(m.sqrt())
    } else {
        Err(format!("‖β_ℓ2‖∞ = {m}: y = 0"))
    }
}

/// W2's hypotheses on a task: rank X = n (so β_ℓ2 = Xᵀ(XXᵀ)⁻¹y and P exist), y ≠ 0, and a
/// non-degenerate ℓ1 LP: a unique minimum-ℓ1 interpolator with a valid certificate, support of
/// size n (so the dual ν* is unique) and strict complementarity δ = 1 − max_(i∉S)|x_iᵀν*| > 0
/// (proofs/W2.md, "On any task"). The task's own model and α are not used: W2 is a statement
/// about argmin Q_α over all α.
pub(super) fn w2_applies(case: &TaskCase) -> std::result::Result<(), String> {
    full_row_rank(&case.task)?;
    w2_unit(&case.task)?;
    let design = case.task.design::<f64>(());
    let l1 = interpolators::min_l1(&case.task, Sign::Signed).map_err(|e| format!("min-ℓ1 LP: {e}"))?;
    if !l1.certificate.valid {
        return Err(format!("min-ℓ1 certificate invalid: {}", l1.certificate.note));
    }
    let Witness::Lp { nu, .. } = &l1.witness else {
        return Err("no LP witness".into());
    };
    let support = l1.beta.iter().filter(|b| **b != 0.0).count();
    if support != design.n {
        return Err(format!("degenerate ℓ1 LP: support {support} ≠ n = {} (the dual ν* is not unique)", design.n));
    }
    let nu: Vec<f64> = nu.iter().map(Nearest::nearest).collect();
    let mut xt_nu = vec![0.0; design.d];
    f64::matvec_t(design.n, design.d, &design.x, &nu, &mut xt_nu);
    let delta = 1.0 - (0..design.d).filter(|&i| l1.beta[i] == 0.0).map(|i| xt_nu[i].abs()).fold(0.0, f64::max);
    if !(delta > 1e-3) {
        return Err(format!(
            "LP margin δ = {delta:.2e} ≤ 1e-3: no strict complementarity to resolve at α ≥ 1e-28·unit (the rate α^(2δ) is flat)"
        ));
    }
    Ok(())
}

/// W2 on any task it applies to: [`w2_case`] with α in units of √‖β_ℓ2‖∞.
pub(super) fn w2_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    match w2_unit(&case.task) {
        Ok(unit) => w2_case(f, &case.task, unit),
        Err(e) => vec![CheckResult::failed("W2", &case.task.name, "unit of α", e).kind(Kind::Prediction, "no prediction")],
    }
}

/// W2 on one task, α in units of `unit`: (a) α = 2 … 32 units, (b) α = 1e-12 … 1e-28 units.
pub(super) fn w2_case(f: &Formulas, task: &Task, unit: f64) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let design = task.design::<f64>(());
    let label = if unit == 1.0 { task.name.clone() } else { format!("{} (α in units of √‖β_ℓ2‖∞ = {unit:.4e})", task.name) };
    let limits = |alphas: &[f64]| -> Result<Vec<Vec<f64>>> { alphas.iter().map(|&a| (f.woodworth_limit)(&design, a)).collect() };
    // The dual Newton stops at |Xβ − y|∞ ≤ 16(n + d)·2⁻⁵²·scale (src/theory/dual_newton.rs):
    // β(α) is then off by at most that over σ_min(X), plus its own rounding.
    let newton = |b: &[f64]| {
        let mut r = vec![0.0; design.n];
        design.residual(b, &mut r);
        max_abs(&r) / sigma_min(&design) + 4.0 * f64::EPSILON * max_abs(b)
    };
    // (a) α → ∞: α^{−e}(β(α) − β_ℓ2) → (I − P)β_ℓ2³/24 with e = −4 (proofs/W2.md (a)).
    let qa = "α^{−e}(β(α) − β_ℓ2) at α = 8 vs its limit (I − P)β_ℓ2^{⊙3}/24 (e = −4, proofs/W2.md (a))";
    let big = [2.0 * unit, 4.0 * unit, 8.0 * unit, 16.0 * unit, 32.0 * unit];
    match ((f.min_l2)(&task), (f.l2_correction)(&task), limits(&big)) {
        (Ok(l2), Ok(v), Ok(bs)) => {
            let e = f.l2_rate_exponent;
            let scaled: Vec<Vec<f64>> =
                bs.iter().zip(&big).map(|(b, a)| b.iter().zip(&l2).map(|(x, y)| a.powf(-e) * (x - y)).collect()).collect();
            // D(α) = v + wα⁻⁴ + O(α⁻⁸): D(8) is off by w·8⁻⁴ ≈ (D(4) − D(8))/15.
            let (d4, d8) = (&scaled[1], &scaled[2]);
            let floor = big[2].powf(-e) * (newton(&bs[2]) + 4.0 * f64::EPSILON * max_abs(&l2)) + big[1].powf(-e) * newton(&bs[1]) / 15.0;
            let ratio = (0..v.len()).map(|i| (d8[i] - v[i]).abs() / (2.0 * (d4[i] - d8[i]).abs() / 15.0 + floor)).fold(0.0, f64::max);
            let errs: Vec<f64> = bs.iter().map(|b| rel_dist(b, &l2)).collect();
            out.push(
                CheckResult::scalar("W2", &label, qa, 1.0, ratio, 0.0, Relation::AtMost)
                    .kind(
                        Kind::Prediction,
                        "Richardson in α⁻⁴ (proofs/W2.md (a): the next term is O(α⁻⁸)): D(8) is off by Ê_i = |D(4) − D(8)|_i/15 (ratio 16 between the α⁻⁴ of the two); tolerance 2Ê_i + ε coordinatewise, ε = α⁴·(the dual Newton's residual/σ_min(X) + 4·2⁻⁵²‖β‖∞), the absolute floor",
                    )
                    .with_note(format!(
                        "max_i |D(8) − v|_i/(2Ê_i + ε) = {ratio:.3}; coordinatewise relative |D(8) − v|/|v| = {:.2e}; ε = {floor:.1e}; ‖v‖∞ = {:.4e}",
                        crate::numeric::vector::rel_dist_coordinatewise(d8, &v, f64::MIN_POSITIVE),
                        max_abs(&v)
                    )),
            );
            out.push(
                CheckResult::scalar(
                    "W2",
                    &label,
                    "fitted exponent e of ‖β(α) − β_ℓ2‖∞/‖β_ℓ2‖∞ = Θ(α^e), α = 2 … 32",
                    e,
                    loglog_slope(&big, &errs),
                    0.0,
                    Relation::AbsoluteError,
                )
                .kind(Kind::Measurement, "reported: the constant, not only the exponent, is asserted above")
                .with_note(format!("min-ℓ2 = Xᵀ(XXᵀ)⁻¹y (exact, interpolators::min_l2); relative distances {}", sci(&errs))),
            );
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            out.push(CheckResult::failed("W2", &label, qa, e.to_string()).kind(Kind::Prediction, "no prediction or no limit"))
        }
    }
    // (b) α → 0: min-ℓ1, at the rate α^{2δ} with δ the margin of the LP dual.
    let q1 = "local exponent of |β_i*(α)|, i* = argmax_(i∉S)|x_iᵀν*| (the coordinate that sets the margin), between α = 1e-24 and 1e-28, vs 2δ (LP dual margin)";
    let small = [1e-12 * unit, 1e-16 * unit, 1e-20 * unit, 1e-24 * unit, 1e-28 * unit];
    let fail = |why: String| CheckResult::failed("W2", &label, q1, why).kind(Kind::Prediction, "no ℓ1 optimum with a valid certificate");
    let l1 = match interpolators::min_l1(&task, Sign::Signed) {
        Ok(c) if c.certificate.valid => c,
        Ok(c) => return [out, vec![fail(format!("ℓ1 certificate invalid: {}", c.certificate.note))]].concat(),
        Err(e) => return [out, vec![fail(e.to_string())]].concat(),
    };
    let Witness::Lp { nu, .. } = &l1.witness else {
        return [out, vec![fail("no LP witness".into())]].concat();
    };
    let nu: Vec<f64> = nu.iter().map(Nearest::nearest).collect();
    let mut xt_nu = vec![0.0; design.d];
    f64::matvec_t(design.n, design.d, &design.x, &nu, &mut xt_nu);
    let off: Vec<usize> = (0..design.d).filter(|&i| l1.beta[i] == 0.0).collect();
    let support = design.d - off.len();
    let delta = 1.0 - off.iter().map(|&i| xt_nu[i].abs()).fold(0.0, f64::max);
    match limits(&small) {
        Ok(bs) => {
            let errs: Vec<f64> = bs.iter().map(|b| b.iter().zip(&l1.beta).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)).collect();
            let offmax: Vec<f64> = bs.iter().map(|b| off.iter().map(|&i| b[i].abs()).fold(0.0, f64::max)).collect();
            // Each off-support coordinate decays as c_i·α^{2δ_i}, δ_i = 1 − |x_iᵀν*| (proofs/W2.md
            // (b)); the maximum over i ∉ S reaches the slowest rate 2δ only once α^{2δ_i*} beats
            // the other coordinates' prefactors, which for close margins needs α far below 1e-28
            // (family(seed=3,i=9): δ_i = 0.519 and 0.537, crossover near α = 1e-50). The margin's
            // own coordinate i* follows α^{2δ} at every small α.
            let i_star = off.iter().copied().max_by(|&a, &b| xt_nu[a].abs().total_cmp(&xt_nu[b].abs())).unwrap_or(0);
            let star: Vec<f64> = bs.iter().map(|b| b[i_star].abs()).collect();
            let max_local: Vec<f64> = offmax.windows(2).map(|w| (w[0] / w[1]).ln() / (small[0] / small[1]).ln()).collect();
            let h = (small[0] / small[1]).ln();
            let local: Vec<f64> = star.windows(2).map(|w| (w[0] / w[1]).ln() / h).collect();
            let predicted = (f.l1_rate_exponent)(delta);
            let m = local.len();
            // The local exponent converges geometrically: e_k − 2δ ∝ q^k with q the ratio of
            // successive differences (corrections of relative size α^γ, γ > 0, shrink by the
            // same factor between equally spaced ln α). Aitken: |e_last − 2δ| ≈ |Δ_last|·q/(1 − q).
            let (d1, d2) = (local[m - 2] - local[m - 3], local[m - 1] - local[m - 2]);
            let q = (d2 / d1).abs();
            let aitken = if q < 1.0 { d2.abs() * q / (1.0 - q) } else { d2.abs() };
            // Rounding of max|β_i| off S: the dual Newton's z is exact to its residual; 16(n + d)
            // ulps of ln|β| bound it, twice over two values, divided by the spacing of ln α.
            let rounding = 2.0 * 16.0 * (design.n + design.d) as f64 * f64::EPSILON * (1.0 / small[4]).ln() / h;
            let tol = 2.0 * aitken + rounding;
            let mut r = CheckResult::scalar("W2", &label, q1, predicted, local[m - 1], tol, Relation::AbsoluteError)
                .kind(
                    Kind::Prediction,
                    "Aitken's estimate of the remaining error of a geometrically converging sequence: the local exponents between α = 1e-12, 1e-16, …, 1e-28 approach 2δ with ratio q = |Δ₃/Δ₂| per step, so the last is within |Δ₃|·q/(1 − q); tolerance twice that plus the rounding of ln max|β_i| (16(n + d) ulps of ln α⁻², over the spacing 4 ln 10)",
                )
                .with_note(format!(
                    "min-ℓ1 by LP with a valid certificate (support {support} = n required, so the dual ν* is unique); δ = 1 − max_(i∉S)|x_iᵀν*| = {delta:.5} (i* = {i_star}); |β_i*(α)| = {}; local exponents {}; q = {q:.3}; max_(i∉S)|β_i(α)| = {} (local exponents {}); all coordinates: ‖β(α) − β_ℓ1‖∞ = {}, fitted slope {:.5}",
                    sci(&star),
                    local.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(", "),
                    sci(&offmax),
                    max_local.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(", "),
                    sci(&errs),
                    loglog_slope(&small, &errs)
                ));
            r.pass &= support == design.n;
            out.push(r);
        }
        Err(e) => out.push(fail(e.to_string())),
    }
    out
}

/// D1's depth.
const D1_DEPTH: u32 = 3;

pub(super) fn check_d1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for (seed, alpha) in [(1u64, 0.5), (2, 0.5)] {
        out.extend(d1_case(f, &gaussian(seed, 5, 12, 2, 0.0, 0.0), alpha));
    }
    out
}

/// D1 on one task (depth-3 GD from a = b = α): [`eta_order_check`] against the depth-D
/// potential's minimizer.
pub(super) fn d1_case(f: &Formulas, task: &Task, alpha: f64) -> Vec<CheckResult> {
    let f = &f.earlier;
    let depth = D1_DEPTH;
    let design = task.design::<f64>(());
    let label = format!("{} D={depth} α={alpha}", task.name);
    match (f.depth_limit)(&design, alpha, depth) {
        Ok(pred) => {
            let model = Depth { depth };
            let s = op_norm(&model, &design, &depth_theta(&pred, alpha, depth));
            eta_order_check("D1", &label, &model, &design, alpha, &pred, s, f.gd_error_order)
        }
        Err(e) => vec![CheckResult::failed("D1", &label, "depth-D potential minimizer", e.to_string())
            .kind(Kind::Prediction, "dual Newton failed: no prediction")],
    }
}

/// D1 on any task: depth-3 GD on the task's data from the case's α (the task's own model is
/// not used: D1 is a statement about the depth-D network).
pub(super) fn d1_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    d1_case(f, &case.task, case.alpha.nearest())
}

/// D1's hypotheses, as W1's ([`w1_applies`]) for the depth-3 network: rank X = n, α ≥ 10⁻³
/// (the asymptotic range of the O(η) law at ηS = 0.2 … 0.0125), a computable prediction and
/// the coarsest run (ηS = 0.2) converging within 3·10⁶/16 steps (so the finest fits in 3·10⁶).
pub(super) fn d1_applies(case: &TaskCase) -> std::result::Result<(), String> {
    if case.alpha < Rational::from((1, 1000)) {
        return Err("α < 1e-3: ηS = 0.2 … 0.0125 is outside the asymptotic range of the O(η) law".into());
    }
    full_row_rank(&case.task)?;
    let design = case.task.design::<f64>(());
    let alpha = case.alpha.nearest();
    let depth = D1_DEPTH;
    let pred = pot::depth_limit(&design, &alpha, depth).map_err(|e| format!("no prediction to scale η by: {e}"))?;
    let model = Depth { depth };
    let s = op_norm(&model, &design, &depth_theta(&pred, alpha, depth));
    budget_converges(&model, &design, alpha, 0.2 / s, 3_000_000 / 16, "depth-3 GD at ηS = 0.2")
}

/// `Ok` iff GD at η converges (L < [`GD_LIMIT_LOSS`]) within `steps`.
pub(super) fn budget_converges<M: Parametrization>(
    model: &M,
    design: &Design<f64>,
    alpha: f64,
    eta: f64,
    steps: u64,
    what: &str,
) -> std::result::Result<(), String> {
    if !(eta.is_finite() && eta > 0.0) {
        return Err(format!("{what}: η = {eta}"));
    }
    let mut cfg = GdConfig::until_loss(eta, GD_LIMIT_LOSS);
    cfg.max_steps = steps;
    let run = run64(model, design, alpha, &cfg, &mut NoObserver);
    if run.outcome != Outcome::Converged {
        return Err(format!("{what} ends {:?} within {steps} steps: the finer rates would exceed the step budget", run.outcome));
    }
    Ok(())
}

/// Initialization of shape `scale` at scale α: u₀ᵢ = α·scale·(1 + i/d), v₀ᵢ = α²p/u₀ᵢ
/// (product α²p for every shape), exact.
pub(super) fn shaped_init(d: usize, alpha: &Rational, scale: (i64, i64), p: (i64, i64)) -> UvGeneral {
    let u0: Vec<Rational> = (0..d).map(|i| Rational::from(scale) * Rational::from(((d + i) as i64, d as i64)) * alpha).collect();
    let prod = Rational::from(p) * alpha * alpha;
    let v0 = u0.iter().map(|u| prod.clone() / u.clone()).collect();
    UvGeneral { u0, v0 }
}

/// A1's learning rates: ηS = 0.08, 0.04, 0.02, 0.01 (S the UV sharpness at the predicted limit).
const A1_ETA_S: [f64; 4] = [0.08, 0.04, 0.02, 0.01];

pub(super) fn check_a1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    a1_case(f, &gaussian(11, 5, 12, 2, 0.0, 0.0), &Rational::from(1))
}

/// A1's two initializations at scale α: u₀ = α·(1 + i/d) and (2/5)α·(1 + i/d), u₀v₀ = α²/10.
const A1_SHAPES: [(i64, i64); 2] = [(1, 1), (2, 5)];

/// A1 on any task: UV from the two shapes of [`A1_SHAPES`] at the case's α on the task's data
/// (the task's own model is not used: A1 is a statement about UV from (u₀, v₀)).
pub(super) fn a1_on_task(f: &Formulas, _: &Settings, case: &TaskCase) -> Vec<CheckResult> {
    a1_case(f, &case.task, &case.alpha)
}

/// A1's hypotheses: rank X = n, α ≥ 10⁻³ (as W1: the asymptotic range of the O(η) law at the
/// rates used), computable predictions, and for both shapes the coarsest run (ηS = 0.08)
/// converging within 3·10⁶/8 steps (the finest, 8× smaller η, then fits in 3·10⁶).
pub(super) fn a1_applies(case: &TaskCase) -> std::result::Result<(), String> {
    if case.alpha < Rational::from((1, 1000)) {
        return Err("α < 1e-3: ηS = 0.08 … 0.01 is outside the asymptotic range of the O(η) law".into());
    }
    full_row_rank(&case.task)?;
    let design = case.task.design::<f64>(());
    for scale in A1_SHAPES {
        let model = shaped_init(design.d, &case.alpha, scale, (1, 10));
        let u0: Vec<f64> = model.u0.iter().map(Nearest::nearest).collect();
        let v0: Vec<f64> = model.v0.iter().map(Nearest::nearest).collect();
        let pred = pot::uv_limit(&design, &u0, &v0).map_err(|e| format!("no prediction to scale η by: {e}"))?;
        let s = op_norm(&model, &design, &uv_theta(&pred, &u0, &v0));
        budget_converges(&model, &design, 1.0, A1_ETA_S[0] / s, 3_000_000 / 8, "UV GD at ηS = 0.08")?;
    }
    Ok(())
}

/// A1 on one task at scale α: the two shapes' limits against Richardson, and their difference.
pub(super) fn a1_case(f: &Formulas, task: &Task, alpha: &Rational) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let design = task.design::<f64>(());
    let d = design.d;
    let at = if *alpha == 1 { String::new() } else { format!(" α={:e}", alpha.nearest()) };
    let mut preds = Vec::new();
    let mut all_limits = Vec::new();
    let mut noises = Vec::new();
    for scale in A1_SHAPES {
        let model = shaped_init(d, alpha, scale, (1, 10));
        let a = if at.is_empty() { "" } else { "α²·" };
        let label =
            format!("{}{at} u₀v₀ = {a}1/10, u₀ = {}/{}·{}(1 + i/d)", task.name, scale.0, scale.1, if at.is_empty() { "" } else { "α·" });
        let q = "β_pred(u₀, v₀) vs Richardson R = 2·GD(η/2) − GD(η) at ηS = 0.02, error estimated from ηS = 0.08, 0.04";
        let u0: Vec<f64> = model.u0.iter().map(Nearest::nearest).collect();
        let v0: Vec<f64> = model.v0.iter().map(Nearest::nearest).collect();
        let pred = match (f.uv_limit)(&design, &u0, &v0) {
            Ok(p) => p,
            Err(e) => {
                out.push(CheckResult::failed("A1", &label, q, e.to_string()).kind(Kind::Prediction, RICHARDSON_ORIGIN));
                continue;
            }
        };
        let s = op_norm(&model, &design, &uv_theta(&pred, &u0, &v0));
        let runs: Option<Vec<(Vec<f64>, u64)>> = A1_ETA_S.iter().map(|es| gd_limit_steps(&model, &design, 1.0, es / s)).collect();
        let Some(runs) = runs else {
            out.push(CheckResult::failed("A1", &label, q, "GD did not converge".into()).kind(Kind::Prediction, RICHARDSON_ORIGIN));
            continue;
        };
        let steps = runs.iter().map(|r| r.1).max().unwrap_or(0);
        let limits: Vec<Vec<f64>> = runs.into_iter().map(|r| r.0).collect();
        let noise = run_noise(&design, GD_LIMIT_LOSS, steps, max_abs(&pred));
        // THEORY.md's reading "hyperbolic entropy of scale k = 2(u₀² + v₀²)": β = (k/4)·sinh s.
        let k4: Vec<f64> = u0.iter().zip(&v0).map(|(u, v)| (u * u + v * v) / 2.0).collect();
        let k_only = pot::hyperbolic_limit(&design, &pot::Hyperbolic::from_coefficients(&k4, &k4))
            .map_or(f64::NAN, |b| rel_dist(&b, &limits[limits.len() - 1]));
        let mut r = richardson_check("A1", &label, q, &pred, &limits, 1.0, noise);
        r.note += &format!(
            "; S = {s:.3}; the scale-only potential β = ½(u₀² + v₀²)·sinh s (k = 2(u₀² + v₀²), no u₀v₀·cosh s term) is off by {k_only:.3} (∞-norm relative)"
        );
        out.push(r);
        preds.push(pred);
        all_limits.push(limits);
        noises.push(noise);
    }
    if preds.len() == 2 {
        // The difference of the two limits: its Richardson estimate is the difference of the
        // two, so is its error estimate (Ê of the difference ≤ Ê₁ + Ê₂ coordinatewise: use the
        // difference of the extrapolants directly), floor the sum of the two noises.
        let dp: Vec<f64> = preds[0].iter().zip(&preds[1]).map(|(a, b)| a - b).collect();
        let dl: Vec<Vec<f64>> =
            (0..A1_ETA_S.len()).map(|k| all_limits[0][k].iter().zip(&all_limits[1][k]).map(|(a, b)| a - b).collect()).collect();
        let mut r = richardson_check(
            "A1",
            &task.name,
            "difference of the two limits (same u₀v₀, different shape): predicted vs the Richardson extrapolation of GD's",
            &dp,
            &dl,
            1.0,
            noises[0] + noises[1],
        );
        let scale = max_abs(&preds[0]).max(max_abs(&preds[1]));
        r.note += &format!("; ‖Δβ_pred‖∞ = {:.4} ({:.1}% of ‖β‖∞)", max_abs(&dp), 100.0 * max_abs(&dp) / scale);
        out.push(r);
    }
    out
}
