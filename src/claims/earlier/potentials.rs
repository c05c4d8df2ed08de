//! W1, W2, D1, A1: gradient-flow limits as minimizers of Woodworth's, the depth-D and Azulay's potentials.

use super::*;

pub(super) fn check_w1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    for (seed, alpha) in [(1u64, 0.1), (2, 0.3)] {
        let task = gaussian(seed, 5, 12, 2, 0.0, 0.0);
        let design = task.design::<f64>(());
        let label = format!("{} α={alpha}", task.name);
        match (f.woodworth_limit)(&design, alpha) {
            Ok(pred) => {
                let s = op_norm(&Pm, &design, &pm_theta(&pred, alpha));
                out.extend(eta_order_check("W1", &label, &Pm, &design, alpha, &pred, s, f.gd_error_order));
            }
            Err(e) => out.push(CheckResult::failed("W1", &label, "argmin Q_α", e.to_string())),
        }
    }
    out
}

pub(super) fn check_w2(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    // Noisy labels: the ℓ1 LP is non-degenerate (support of size n, unique dual ν*).
    let task = gaussian(3, 5, 12, 2, 0.0, 0.5);
    let design = task.design::<f64>(());
    let label = task.name.clone();
    let limits = |alphas: &[f64]| -> Result<Vec<Vec<f64>>> { alphas.iter().map(|&a| (f.woodworth_limit)(&design, a)).collect() };
    // α → ∞: min-ℓ2.
    let q2 = "exponent e of ‖β(α) − β_ℓ2‖∞/‖β_ℓ2‖∞ = Θ(α^e), α = 2 … 32";
    let big = [2.0, 4.0, 8.0, 16.0, 32.0];
    match ((f.min_l2)(&task), limits(&big)) {
        (Ok(l2), Ok(bs)) => {
            let errs: Vec<f64> = bs.iter().map(|b| rel_dist(b, &l2)).collect();
            out.push(
                CheckResult::scalar("W2", &label, q2, f.l2_rate_exponent, loglog_slope(&big, &errs), 0.2, Relation::AbsoluteError)
                    .with_note(format!(
                        "min-ℓ2 = Xᵀ(XXᵀ)⁻¹y (exact, interpolators::min_l2); relative distances {}; tolerance ±0.2",
                        sci(&errs)
                    )),
            );
        }
        (Err(e), _) | (_, Err(e)) => out.push(CheckResult::failed("W2", &label, q2, e.to_string())),
    }
    // α → 0: min-ℓ1, at the rate α^{2δ} with δ the margin of the LP dual.
    let q1 = "exponent e of ‖β(α) − β_ℓ1‖∞ = Θ(α^e), α = 1e-12 … 1e-28, vs 2δ (LP dual margin)";
    let small = [1e-12, 1e-16, 1e-20, 1e-24, 1e-28];
    let l1 = match interpolators::min_l1(&task, Sign::Signed) {
        Ok(c) if c.certificate.valid => c,
        Ok(c) => {
            return [out, vec![CheckResult::failed("W2", &label, q1, format!("ℓ1 certificate invalid: {}", c.certificate.note))]].concat()
        }
        Err(e) => return [out, vec![CheckResult::failed("W2", &label, q1, e.to_string())]].concat(),
    };
    let Witness::Lp { nu, .. } = &l1.witness else {
        return [out, vec![CheckResult::failed("W2", &label, q1, "no LP witness".into())]].concat();
    };
    let nu: Vec<f64> = nu.iter().map(Nearest::nearest).collect();
    let mut xt_nu = vec![0.0; design.d];
    f64::matvec_t(design.n, design.d, &design.x, &nu, &mut xt_nu);
    let support = l1.beta.iter().filter(|b| **b != 0.0).count();
    let delta = 1.0 - (0..design.d).filter(|&i| l1.beta[i] == 0.0).map(|i| xt_nu[i].abs()).fold(0.0, f64::max);
    match limits(&small) {
        Ok(bs) => {
            let errs: Vec<f64> = bs.iter().map(|b| b.iter().zip(&l1.beta).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)).collect();
            let predicted = (f.l1_rate_exponent)(delta);
            let mut r = CheckResult::scalar("W2", &label, q1, predicted, loglog_slope(&small, &errs), 0.1 * predicted.abs(), Relation::AbsoluteError)
                .with_note(format!(
                    "min-ℓ1 by LP with an exact certificate (support {support} = n, so the dual ν* is unique); δ = 1 − max_(i∉S)|x_iᵀν*| = {delta:.5}; ‖β(α) − β_ℓ1‖∞ = {}; tolerance 10% of 2δ (proofs/W2.md)",
                    sci(&errs)
                ));
            r.pass &= support == design.n && errs.windows(2).all(|w| w[1] < w[0]);
            out.push(r);
        }
        Err(e) => out.push(CheckResult::failed("W2", &label, q1, e.to_string())),
    }
    out
}

pub(super) fn check_d1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let depth = 3;
    for (seed, alpha) in [(1u64, 0.5), (2, 0.5)] {
        let task = gaussian(seed, 5, 12, 2, 0.0, 0.0);
        let design = task.design::<f64>(());
        let label = format!("{} D={depth} α={alpha}", task.name);
        match (f.depth_limit)(&design, alpha, depth) {
            Ok(pred) => {
                let model = Depth { depth };
                let s = op_norm(&model, &design, &depth_theta(&pred, alpha, depth));
                out.extend(eta_order_check("D1", &label, &model, &design, alpha, &pred, s, f.gd_error_order));
            }
            Err(e) => out.push(CheckResult::failed("D1", &label, "depth-D potential minimizer", e.to_string())),
        }
    }
    out
}

/// Initialization of shape `scale`: u₀ᵢ = scale·(1 + i/d), v₀ᵢ = p/u₀ᵢ (product p for every
/// shape), exact.
pub(super) fn shaped_init(d: usize, scale: (i64, i64), p: (i64, i64)) -> UvGeneral {
    let u0: Vec<Rational> = (0..d).map(|i| Rational::from(scale) * Rational::from(((d + i) as i64, d as i64))).collect();
    let v0 = u0.iter().map(|u| Rational::from(p) / u.clone()).collect();
    UvGeneral { u0, v0 }
}

pub(super) fn check_a1(f: &Formulas, _: &Settings) -> Vec<CheckResult> {
    let f = &f.earlier;
    let mut out = Vec::new();
    let task = gaussian(11, 5, 12, 2, 0.0, 0.0);
    let design = task.design::<f64>(());
    let d = design.d;
    let eta_s = 0.02;
    let tol = eta_s * eta_s;
    let mut preds = Vec::new();
    let mut riches = Vec::new();
    for scale in [(1i64, 1i64), (2, 5)] {
        let model = shaped_init(d, scale, (1, 10));
        let label = format!("{} u₀v₀ = 1/10, u₀ = {}/{}·(1 + i/d)", task.name, scale.0, scale.1);
        let q = "β_pred(u₀, v₀) vs Richardson 2·GD(η/2) − GD(η) at ηS = 0.02";
        let u0: Vec<f64> = model.u0.iter().map(Nearest::nearest).collect();
        let v0: Vec<f64> = model.v0.iter().map(Nearest::nearest).collect();
        let pred = match (f.uv_limit)(&design, &u0, &v0) {
            Ok(p) => p,
            Err(e) => {
                out.push(CheckResult::failed("A1", &label, q, e.to_string()));
                continue;
            }
        };
        let s = op_norm(&model, &design, &uv_theta(&pred, &u0, &v0));
        let eta = eta_s / s;
        let (Some(b1), Some(b2)) = (gd_limit(&model, &design, 1.0, eta), gd_limit(&model, &design, 1.0, eta / 2.0)) else {
            out.push(CheckResult::failed("A1", &label, q, "GD did not converge".into()));
            continue;
        };
        let rich: Vec<f64> = b2.iter().zip(&b1).map(|(a, b)| 2.0 * a - b).collect();
        // THEORY.md's reading "hyperbolic entropy of scale k = 2(u₀² + v₀²)": β = (k/4)·sinh s.
        let k4: Vec<f64> = u0.iter().zip(&v0).map(|(u, v)| (u * u + v * v) / 2.0).collect();
        let k_only =
            pot::hyperbolic_limit(&design, &pot::Hyperbolic::from_coefficients(&k4, &k4)).map_or(f64::NAN, |b| rel_dist(&b, &rich));
        out.push(CheckResult::vector("A1", &label, q, &pred, &rich, tol, Relation::RelativeError).with_note(format!(
            "S = {s:.3}; plain GD(η/2) is off by {:.2e}; tolerance (ηS)² = {tol:.1e}; the scale-only potential β = ½(u₀² + v₀²)·sinh s (k = 2(u₀² + v₀²), no u₀v₀·cosh s term) is off by {k_only:.3}",
            rel_dist(&b2, &pred)
        )));
        preds.push(pred);
        riches.push(rich);
    }
    if preds.len() == 2 {
        let dp: Vec<f64> = preds[0].iter().zip(&preds[1]).map(|(a, b)| a - b).collect();
        let dm: Vec<f64> = riches[0].iter().zip(&riches[1]).map(|(a, b)| a - b).collect();
        let scale = max_abs(&preds[0]).max(max_abs(&preds[1]));
        // Each Richardson limit is within (ηS)²·scale, so the difference within twice that.
        let tol_d = 2.0 * tol * scale / max_abs(&dp).max(f64::MIN_POSITIVE);
        out.push(
            CheckResult::vector(
                "A1",
                &task.name,
                "difference of the two limits (same u₀v₀, different shape): predicted vs GD",
                &dp,
                &dm,
                tol_d,
                Relation::RelativeError,
            )
            .with_note(format!(
                "‖Δβ‖∞ = {:.4} ({:.1}% of ‖β‖∞); tolerance 2(ηS)²·‖β‖∞/‖Δβ‖∞ = {tol_d:.2e}",
                max_abs(&dm),
                100.0 * max_abs(&dm) / scale
            )),
        );
    }
    out
}
