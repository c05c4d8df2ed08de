//! Every prediction for a task, model and α, computed once ([`predict`]) as a typed value
//! ([`Predictions`]) that `predict`, `sweep`, the figures and the claims share.
//!
//! - SW, one sample with x > 0, y > 0: the exact vertices β_N, β_S and T5's thresholds
//!   (rationals), the expected errors under the uniform prior (T8);
//! - SW (one sample, or a positive design): β_GF (T3) in MPFR, S(β_GF), the path maximum
//!   s_GF and η_c = 2/s_GF (T6);
//! - PM, UV, UV-general, depth D: the model's gradient-flow limit from its potential
//!   (THEORY.md §4 W, A, depth D) in MPFR;
//! - with [`PredictOptions::interpolators`]: the certified n-sample interpolators (T9).
//!
//! ```
//! use normsharp::problem::{model::AnyModel, tasks::canonical_four};
//! use normsharp::theory::predict::{predict, PredictOptions};
//! let p = predict(&canonical_four(), &AnyModel::Sw, &rug::Rational::from((1, 1000)), &PredictOptions::default()).unwrap();
//! assert_eq!(p.beta_norm_min, Some(vec![0.0, 0.0, 0.0, 0.25]));
//! // η_c = 2/s_GF ≥ 2/S(β_N) = 1/8: no point of Z is sharper than the vertex β_N.
//! let eta_c = p.eta_c.unwrap();
//! assert!(eta_c >= 0.125 && eta_c < 0.2, "{eta_c}");
//! ```

use crate::error::{Error, Result};
use crate::numeric::exact::{rank_exact, rank_mod_p};
use crate::numeric::real::{Nearest, Real};
use crate::problem::model::{AnyModel, Parametrization, Sw};
use crate::problem::sharpness::sharpness;
use crate::problem::task::Task;
use crate::theory::enclosures::{self, enclose_one_sample, Bound, EnclosureReport};
use crate::theory::interpolators::{predict_fields_and_sdp, Sign, Witness};
use crate::theory::potentials::{depth_limit, uv_limit, woodworth_limit};
use crate::theory::predictions as pred;
use rug::{Float, Rational};
use serde::Serialize;
use serde_json::{Map, Value};

/// What to compute beside the closed forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictOptions {
    /// MPFR precision (bits) of the gradient-flow limits.
    pub precision: u32,
    /// Also solve and certify the n-sample interpolators (LP, min-ℓ2, min-λ_max).
    pub interpolators: bool,
    /// Also prove enclosures of the single-sample SW predictions ([`enclosures`]).
    pub enclosures: bool,
}

impl Default for PredictOptions {
    /// 128 bits, with the interpolators and the proved enclosures.
    fn default() -> Self {
        PredictOptions { precision: 128, interpolators: true, enclosures: true }
    }
}

/// The exact (rational) single-sample predictions, as decimal or fraction strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExactPredictions {
    /// β_N (T2).
    pub beta_norm_min: Vec<String>,
    /// β_S (T2).
    pub beta_sharp_min: Vec<String>,
    /// S(β_N) = 4 x_max y.
    pub sharpness_norm_min: String,
    /// S(β_S) = 4 x_min y.
    pub sharpness_sharp_min: String,
    /// 1/(2 x_max y) (T5).
    pub eta_unstable_norm_min: String,
    /// 1/(2 x_min y) (T5).
    pub eta_no_stable_interpolator: String,
    /// E β* under the uniform prior on Z (T8).
    pub uniform_prior_mean: Vec<String>,
    /// Expected error of β_N under the prior (T8).
    pub expected_error_uniform_prior_norm_min: String,
    /// Expected error of β_S under the prior (T8).
    pub expected_error_uniform_prior_sharp_min: String,
    /// Expected error of the prior mean (T8).
    pub expected_error_uniform_prior_prior_mean: String,
}

/// The predictions for one task, model and α (`None`: not applicable to this task/model).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Predictions {
    /// The parametrization's name.
    pub model: String,
    /// β_N (T2), one sample, SW.
    pub beta_norm_min: Option<Vec<f64>>,
    /// β_S (T2), one sample, SW.
    pub beta_sharp_min: Option<Vec<f64>>,
    /// T5: 1/(2 x_max y) (SW and PM).
    pub eta_unstable_norm_min: Option<f64>,
    /// T5: 1/(2 x_min y) (SW and PM).
    pub eta_no_stable_interpolator: Option<f64>,
    /// The gradient-flow limit (T3 for SW; §4 W, A, depth D for the others).
    pub beta_gf: Option<Vec<f64>>,
    /// β_GF to the MPFR precision asked for (decimal strings).
    pub beta_gf_digits: Option<Vec<String>>,
    /// S(β_GF) = ‖∇²L‖_op at the end of gradient flow (SW).
    pub sharpness_gf: Option<f64>,
    /// s_GF = max of ‖∇²L‖_op along the gradient-flow path (T6, SW).
    pub sharpness_gf_path_max: Option<f64>,
    /// η_c = 2/s_GF (T6).
    pub eta_c: Option<f64>,
    /// Test error of β_N with the task's teacher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_error_norm_min: Option<f64>,
    /// Test error of β_S with the task's teacher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_error_sharp_min: Option<f64>,
    /// Test error of β_GF with the task's teacher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_error_gf: Option<f64>,
    /// Exact single-sample values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<ExactPredictions>,
    /// Proved enclosures of c, β_GF, S(β_GF), s_GF and η_c (SW, one positive sample), each
    /// `{lo, hi, proved}` with the decimals rounded outward.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enclosures: Option<EnclosureReport>,
    /// The certified n-sample interpolators and their certificates (keys `beta_l1_min`,
    /// `beta_l2_min`, `beta_trace_sharp_min`, `beta_sharp_min`, `sharpness_min`,
    /// `certificates`, with a `<key>_note` where one could not be computed).
    #[serde(flatten)]
    pub interpolators: Map<String, Value>,
    /// (x, y) of a two-feature single-sample SW task with x₁ < x₂ (T7's ansatz).
    #[serde(skip)]
    pub ansatz_xy: Option<(Vec<Rational>, Rational)>,
    /// Teacher β* and σ² (for test errors).
    #[serde(skip)]
    pub teacher: Option<(Vec<f64>, f64)>,
}

/// Every prediction is about interpolators: y must lie in the range of X (checked exactly,
/// rank X = rank [X | y]).
pub fn require_interpolator(task: &Task) -> Result<()> {
    // Full row rank mod p proves full row rank over ℚ, and then every y is attained.
    if rank_mod_p(&task.x) == Some(task.n()) {
        return Ok(());
    }
    let augmented: Vec<Vec<Rational>> =
        task.x.iter().zip(&task.y).map(|(row, y)| row.iter().chain(std::iter::once(y)).cloned().collect()).collect();
    if rank_exact(&augmented) > rank_exact(&task.x) {
        return Err(Error::field(
            "y",
            "is not in the range of X: no β interpolates the task",
            "labels y = Xβ for some β (e.g. X of full row rank)",
        ));
    }
    Ok(())
}

fn to64(v: &[Rational]) -> Vec<f64> {
    v.iter().map(Nearest::nearest).collect()
}

fn strings(v: &[Rational]) -> Vec<String> {
    v.iter().map(|q| q.to_string()).collect()
}

/// The gradient-flow limit of a model in MPFR at `bits` (SW: T3; others: their potentials).
///
/// A rank-deficient X (consistent y) has the same interpolation set as its independent rows,
/// and the limit is the potential's minimizer on that set, so the dual problem is solved on
/// those rows (the full X would make its Hessian X diag(β) Xᵀ singular).
pub fn gf_limit(task: &Task, model: &AnyModel, alpha: &Rational, bits: u32) -> Result<Vec<Float>> {
    let reduced;
    let task = if rank_mod_p(&task.x) == Some(task.n()) {
        task
    } else {
        let rows = crate::numeric::exact::independent_rows(&task.x);
        if rows.len() == task.n() {
            task
        } else {
            let pick = |v: &[Vec<Rational>]| rows.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
            let y: Vec<Rational> = rows.iter().map(|&i| task.y[i].clone()).collect();
            reduced =
                Task::new(format!("{} (independent rows)", task.name), pick(&task.x), y, task.teacher.clone(), task.noise_std.clone())?;
            &reduced
        }
    };
    let design = task.design::<Float>(bits);
    let a = Float::with_val(bits, alpha);
    match model {
        AnyModel::Sw => pred::beta_gf(&design, &a),
        AnyModel::Pm => woodworth_limit(&design, &a),
        AnyModel::Uv => {
            let u0 = vec![Float::with_val(bits, 2).sqrt() * &a; task.d()];
            uv_limit(&design, &u0, &vec![Float::new(bits); task.d()])
        }
        AnyModel::UvGeneral(m) => {
            let conv = |v: &[Rational]| v.iter().map(|q| Float::with_val(bits, q)).collect::<Vec<_>>();
            uv_limit(&design, &conv(&m.u0), &conv(&m.v0))
        }
        AnyModel::Depth(m) if m.depth >= 3 => depth_limit(&design, &a, m.depth),
        AnyModel::Depth(_) => woodworth_limit(&design, &a),
        AnyModel::UvSigned(_) => Err(Error::invalid("model", format!("{} has no closed-form potential here", model.name()))),
    }
}

/// All predictions for `task`, `model` and α. Errors when no β interpolates the task, or
/// (SW) when the task is neither one positive sample nor a positive design.
pub fn predict(task: &Task, model: &AnyModel, alpha: &Rational, opts: &PredictOptions) -> Result<Predictions> {
    require_interpolator(task)?;
    let mut p = Predictions { model: model.name().to_string(), ..Predictions::default() };
    let single = task.single_sample_positive();
    if *model == AnyModel::Sw && single.is_err() {
        task.positive_design()?;
    }
    if let Some(t) = &task.teacher {
        p.teacher = Some((to64(t), task.noise_std.nearest().powi(2)));
    }
    if let (Ok((x, y)), true) = (&single, *model == AnyModel::Sw) {
        let (bn, bs) = (pred::beta_norm_min(x, y), pred::beta_sharp_min(x, y));
        let (e1, e2) = (pred::eta_unstable_norm_min(x, y), pred::eta_no_stable_interpolator(x, y));
        p.beta_norm_min = Some(to64(&bn));
        p.beta_sharp_min = Some(to64(&bs));
        if let Some(t) = &task.teacher {
            p.test_error_norm_min = Some(pred::test_error(&bn, t, &task.noise_std).nearest());
            p.test_error_sharp_min = Some(pred::test_error(&bs, t, &task.noise_std).nearest());
        }
        let prior_mean = pred::uniform_prior_mean(x, y);
        let expected = |b: &[Rational]| pred::expected_error_uniform_prior(b, x, y, &task.noise_std).to_string();
        p.exact = Some(ExactPredictions {
            beta_norm_min: strings(&bn),
            beta_sharp_min: strings(&bs),
            sharpness_norm_min: pred::sharpness_on_z(x, &bn).to_string(),
            sharpness_sharp_min: pred::sharpness_on_z(x, &bs).to_string(),
            eta_unstable_norm_min: e1.to_string(),
            eta_no_stable_interpolator: e2.to_string(),
            expected_error_uniform_prior_norm_min: expected(&bn),
            expected_error_uniform_prior_sharp_min: expected(&bs),
            expected_error_uniform_prior_prior_mean: expected(&prior_mean),
            uniform_prior_mean: strings(&prior_mean),
        });
        if x.len() == 2 && x[0] < x[1] {
            p.ansatz_xy = Some((x.to_vec(), (*y).clone()));
        }
        if opts.enclosures {
            p.enclosures = Some(match enclose_one_sample(x, y, alpha, opts.precision) {
                Ok(e) => e.report(),
                Err(e) => EnclosureReport::unproved(&e.to_string(), x.len()),
            });
        }
    }
    // T5's thresholds use the SW sharpness 4⟨x², β⟩ at an interpolator, which PM shares at
    // b = 0 (and bounds from below otherwise); other models scale differently.
    if let (Ok((x, y)), true) = (&single, matches!(model, AnyModel::Sw | AnyModel::Pm)) {
        p.eta_unstable_norm_min = Some(pred::eta_unstable_norm_min(x, y).nearest());
        p.eta_no_stable_interpolator = Some(pred::eta_no_stable_interpolator(x, y).nearest());
    }
    if !matches!(model, AnyModel::UvSigned(_)) {
        let gf = gf_limit(task, model, alpha, opts.precision)?;
        let gf64: Vec<f64> = gf.iter().map(Float::to_f64).collect();
        if *model == AnyModel::Sw {
            let d64 = task.design::<f64>(());
            let w: Vec<f64> = gf64.iter().map(|b| b.sqrt()).collect();
            p.sharpness_gf = sharpness(&Sw, &d64, &w).map(|s| s.op_norm);
            let s_path = pred::gf_path_sharpness_max(&d64, alpha.nearest(), &gf64)?;
            p.sharpness_gf_path_max = Some(s_path);
            p.eta_c = Some(pred::eta_critical(s_path));
        }
        if *model == AnyModel::Sw && single.is_err() && opts.enclosures {
            p.enclosures = Some(enclosures::multi_sample_report(task, alpha, opts.precision));
        }
        if *model == AnyModel::Pm && opts.enclosures {
            p.enclosures = Some(enclosures::woodworth_report(task, alpha, opts.precision));
        }
        if let Some((t, noise2)) = &p.teacher {
            p.test_error_gf = Some(gf64.iter().zip(t).map(|(b, t)| (b - t).powi(2)).sum::<f64>() + noise2);
        }
        p.beta_gf_digits = Some(gf.iter().map(|v| v.to_decimal(None)).collect());
        p.beta_gf = Some(gf64);
    }
    if opts.interpolators {
        let sign = if *model == AnyModel::Sw { Sign::Nonnegative } else { Sign::Signed };
        let (fields, sdp) = predict_fields_and_sdp(task, sign);
        if let (Some(c), true) = (&sdp, opts.enclosures) {
            if let Witness::Sdp(pt) = &c.witness {
                let n = task.n() as i64;
                let b = match enclosures::sdp::bound_min_lambda_max(task, sign, pt, opts.precision) {
                    Ok(t) => t
                        .mul_i64(4)
                        .div(&crate::numeric::interval::Interval::from_i64(n, opts.precision))
                        .map_or_else(|| Bound::unproved("n = 0"), |v| Bound::proved(&v, 17)),
                    Err(e) => Bound::unproved(e.to_string()),
                };
                p.enclosures
                    .get_or_insert_with(|| EnclosureReport::unproved("not enclosed for this model and task", task.d()))
                    .sharpness_min = Some(b);
            }
        }
        for (k, v) in fields {
            if k == "beta_sharp_min" {
                // One field: the exact vertex when there is one, else the solver's optimum.
                if p.beta_sharp_min.is_none() {
                    p.beta_sharp_min = serde_json::from_value(v).ok();
                }
                continue;
            }
            p.interpolators.insert(k, v);
        }
        if *model != AnyModel::Sw {
            p.interpolators.insert(
                "sharpness_min_note".into(),
                Value::from("(4/n)·min over interpolators of λ_max(X diag|β| Xᵀ): PM's sharpness at an interpolator is at least this (THEORY.md §2); UV's at least half of it"),
            );
        }
    }
    Ok(p)
}
