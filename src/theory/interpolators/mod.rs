//! Interpolators for n samples (THEORY.md T9): the minimum-ℓ1 and the minimum-trace-sharpness
//! interpolators (linear programs), the minimum-ℓ2 interpolator (exact, in rationals) and the
//! minimum-λ_max-sharpness interpolator (a semidefinite program).
//!
//! The LPs and the SDP are solved by an interior-point method (clarabel) in f64, and **no
//! optimum is trusted on the solver's word**: each is returned with a [`Certificate`] computed
//! by our own arithmetic from the solver's primal and dual vectors.
//!
//! - LP (minimize Σ c_i|β_i| s.t. Xβ = y, β ≥ 0 for [`Sign::Nonnegative`]; dual: maximize yᵀν
//!   s.t. Xᵀν ≤ c, resp. |Xᵀν| ≤ c): the primal and the dual are rounded to rationals and
//!   repaired exactly (the support and the tight dual constraints are read off the interior
//!   point; the equations X_B β_B = y and X_Bᵀν = c_B are then solved exactly), and
//!   [`check_lp_certificate`] computes in exact rational arithmetic the primal infeasibility,
//!   the dual infeasibility and the duality gap cᵀ|β| − yᵀν. When the repair succeeds all three
//!   are exactly 0: the optimum is proved, not estimated.
//! - SDP (minimize t s.t. t·I − Σ_i w_i X_{:,i}X_{:,i}ᵀ ⪰ 0, Xβ = y, |β| ≤ w; w = β ≥ 0 for
//!   [`Sign::Nonnegative`]; dual: maximize yᵀν s.t. Z ⪰ 0, tr Z = 1, Xᵀν ≤ diag(XᵀZX), resp.
//!   |Xᵀν| ≤ diag(XᵀZX)): [`check_sdp_certificate`] computes the residual Xβ − y exactly,
//!   X diag(w) Xᵀ exactly, and the eigenvalues of the slack matrix tI − X diag(w) Xᵀ and of the
//!   dual matrix Z (faer), the dual constraint violations and the gap
//!   λ_max(X diag|β| Xᵀ) − yᵀν. For any feasible β′ and any trace-one Z ⪰ 0,
//!   λ_max(X diag β′ Xᵀ) ≥ ⟨Z, X diag β′ Xᵀ⟩ = Σ β′_i X_iᵀZX_i ≥ yᵀν (weak duality), so a small
//!   gap proves near-optimality.
//!
//! The SW sharpness at an interpolator is S = (4/n)·λ_max(X diag β Xᵀ) and its trace
//! (4/n)·Σ_i ‖X_{:,i}‖²β_i (THEORY.md §2), so the SDP value t* gives the minimal sharpness
//! (4/n)·t* and the trace LP the minimal trace (proofs/I2-sharpness-sdp.md).
//!
//! ```
//! use normsharp::theory::interpolators::{min_l1, Sign};
//! use normsharp::problem::tasks::canonical_four;
//! let opt = min_l1(&canonical_four(), Sign::Nonnegative).unwrap();
//! assert!(opt.certificate.valid && opt.certificate.gap == 0.0);
//! assert_eq!(opt.beta, vec![0.0, 0.0, 0.0, 0.25]);
//! ```

use crate::error::Result;
use crate::numeric::dixon::common_denominator;
use crate::numeric::real::Nearest;
use crate::problem::task::Task;
use rug::{Integer, Rational};
use serde::Serialize;
use serde_json::{json, Map, Value as Json};

/// Sign constraint on the interpolator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// β ≥ 0: the SW model (β = w⊙w).
    Nonnegative,
    /// β of any sign: PM, UV and depth-D models.
    Signed,
}

/// Largest n the minimum-λ_max solver is run for (its cost grows as O(n²d + nd² + d³) per
/// iteration; beyond this a run takes minutes).
pub const SDP_MAX_SAMPLES: usize = 1000;

/// Tolerance of an LP certificate (relative to the scale of y, c and the objective). The
/// exact repair makes gap and infeasibilities exactly 0 when it succeeds; 1e-9 still accepts
/// an unrepaired interior point solved to clarabel's default 1e-8 relative gap only if it is
/// 10× better than that, so nothing the solver merely claims passes.
pub const LP_TOL: f64 = 1e-9;

/// Tolerance of an SDP certificate (relative). clarabel is asked for a relative gap and
/// feasibility of 1e-10 in its equilibrated norms; undoing the equilibration and the
/// conditioning of the optimal face cost up to two orders of magnitude on our tasks (measured
/// worst case 4e-9, n = 5…60), and the f64 eigenvalues add only n·2⁻⁵³·‖K‖ (Weyl). 1e-7 keeps a
/// 25× margin over what a correct optimum produces while rejecting any perturbation of the
/// primal or the dual of relative size ≥ 1e-6.
pub const SDP_TOL: f64 = 1e-7;

/// An independently checked optimality certificate. All quantities are relative: the gap to
/// max(|primal objective|, tiny), the primal infeasibility to ‖y‖∞ (and to ‖β‖∞ for the sign
/// constraints), the dual infeasibility to ‖c‖∞ (LP) or max_i X_iᵀZX_i (SDP).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certificate {
    /// (primal objective − dual objective) / scale; ≥ 0 up to the infeasibilities.
    pub gap: f64,
    /// Primal infeasibility: |Xβ − y|∞, sign violations and (SDP) −λ_min of the slack matrix.
    pub infeasibility: f64,
    /// Dual infeasibility: violated dual constraints and (SDP) −λ_min(Z), |tr Z − 1|.
    pub dual_infeasibility: f64,
    /// All three within the tolerance ([`LP_TOL`], [`SDP_TOL`]).
    pub valid: bool,
    /// How it was obtained (exact repair or not, solver status, eigenvalues).
    pub note: String,
}

/// The primal/dual pair a certificate was computed from.
#[derive(Debug, Clone)]
pub enum Witness {
    /// LP: exact primal β and dual ν (after the exact repair when it succeeded).
    Lp {
        /// Primal.
        beta: Vec<Rational>,
        /// Dual.
        nu: Vec<Rational>,
    },
    /// SDP: the solver's point, see [`SdpPoint`].
    Sdp(SdpPoint),
    /// Minimum ℓ2: β = Xᵀλ exactly.
    L2 {
        /// Primal.
        beta: Vec<Rational>,
        /// Multipliers λ = (XXᵀ)⁻¹y.
        lambda: Vec<Rational>,
    },
}

/// An optimum with its certificate.
#[derive(Debug, Clone, Serialize)]
pub struct Certified {
    /// The optimizer β (nearest f64 of the exact value for the LPs and min-ℓ2).
    pub beta: Vec<f64>,
    /// The objective at β: Σ c_i|β_i| (LP), λ_max(X diag|β| Xᵀ) (SDP), ‖β‖₂ (min-ℓ2).
    pub objective: f64,
    /// The independent certificate.
    pub certificate: Certificate,
    /// The primal/dual vectors the certificate was computed from.
    #[serde(skip)]
    pub witness: Witness,
}

/// A primal–dual point of the sharpness SDP, as the solver returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct SdpPoint {
    /// The epigraph variable t (≥ λ_max(X diag w Xᵀ) at a feasible point).
    pub t: f64,
    /// β.
    pub beta: Vec<f64>,
    /// w ≥ |β| (equal to β for [`Sign::Nonnegative`]).
    pub w: Vec<f64>,
    /// Multipliers of Xβ = y (dual objective yᵀν).
    pub nu: Vec<f64>,
    /// Dual matrix Z (n×n, row-major).
    pub z: Vec<f64>,
}

mod l2;
pub mod lmax;
mod lp;
mod sdp;

pub use l2::{check_l2_certificate, min_l2, min_l2_exact};
pub use lp::{check_lp_certificate, column_norms_sq, min_l1, min_trace_sharpness, min_weighted_l1};
pub use sdp::{check_sdp_certificate, lambda_max_x_diag_xt, min_sharpness_sdp, trace_vs_lambda_task};

// ---------------------------------------------------------------------------------------
// Exact helpers shared by the solvers

pub(crate) fn to_rationals(v: &[f64]) -> Option<Vec<Rational>> {
    v.iter().map(|&x| Rational::from_f64(x)).collect()
}

/// The nearest f64 of num/den (den > 0): one IEEE division when both are exact in f64 (the
/// correctly rounded quotient), else MPFR.
pub(crate) fn nearest_ratio(num: &Integer, den: &Integer) -> f64 {
    const EXACT: i64 = 1 << 53;
    match (num.to_i64(), den.to_i64()) {
        (Some(a), Some(b)) if a.abs() <= EXACT && b > 0 && b <= EXACT => a as f64 / b as f64,
        _ => Rational::from((num.clone(), den.clone())).nearest(),
    }
}

/// The nearest f64 of a rational ([`nearest_ratio`]).
pub(crate) fn nearest_q(q: &Rational) -> f64 {
    nearest_ratio(q.numer(), q.denom())
}

pub(crate) fn max_abs(v: &[Rational]) -> Rational {
    v.iter().map(|x| Rational::from(x.abs_ref())).max().unwrap_or_default()
}

/// a / s as f64, with s replaced by 1 when it is zero.
pub(crate) fn rel(a: &Rational, s: &Rational) -> f64 {
    if *s == 0 {
        a.nearest()
    } else {
        Rational::from(a / s).nearest()
    }
}

/// Σ_k a_k b_k exactly: a over its common denominator, the products summed in integers and
/// one rational formed at the end (one gcd instead of one per term: exact vertices carry
/// denominators of thousands of bits).
pub(crate) fn dot_exact<'a>(a: impl Iterator<Item = &'a Rational>, b: &(Vec<Integer>, Integer)) -> Rational {
    let a: Vec<&Rational> = a.collect();
    let mut da = Integer::from(1);
    for x in &a {
        if *x.denom() != 1 {
            da.lcm_mut(x.denom());
        }
    }
    let mut acc = Integer::new();
    for (p, q) in a.iter().zip(&b.0) {
        if **p != 0 && *q != 0 {
            if *p.denom() == da {
                acc += p.numer() * q;
            } else {
                acc += Integer::from(p.numer() * Integer::from(&da / p.denom())) * q;
            }
        }
    }
    Rational::from((acc, Integer::from(&da * &b.1)))
}

/// Xv exactly ([`dot_exact`] per row).
pub(crate) fn x_times(task: &Task, v: &[Rational]) -> Vec<Rational> {
    let cv = common_denominator(v);
    task.x.iter().map(|row| dot_exact(row.iter(), &cv)).collect()
}

/// Xᵀv exactly ([`dot_exact`] per column).
pub(crate) fn xt_times(task: &Task, v: &[Rational]) -> Vec<Rational> {
    let cv = common_denominator(v);
    (0..task.d()).map(|j| dot_exact(task.x.iter().map(|row| &row[j]), &cv)).collect()
}

/// Σ_i v_i² exactly (over the common denominator of v).
pub(crate) fn norm_sq_exact(v: &[Rational]) -> Rational {
    let (nums, q) = common_denominator(v);
    let mut acc = Integer::new();
    for x in &nums {
        acc += x.square_ref();
    }
    Rational::from((acc, q.square()))
}

// ---------------------------------------------------------------------------------------
// Predictions for `normsharp predict`

/// The interpolators of a task as JSON fields: `beta_l1_min`, `beta_l2_min`,
/// `beta_trace_sharp_min`, `beta_sharp_min`, `sharpness_min` ((4/n)·λ_max(X diag β Xᵀ) at the
/// SDP optimum: the minimal SW sharpness; for [`Sign::Signed`] the same with |β|, a lower
/// bound on the PM sharpness) and `certificates` (per optimum `l1_min`, `l2_min`,
/// `trace_sharp_min`, `sharp_min`: gap, infeasibility, dual_infeasibility, valid). A value that
/// cannot be computed (no interpolator, singular XXᵀ for min-ℓ2, more than
/// [`SDP_MAX_SAMPLES`] samples for the SDP) is null, with a string `<key>_note` saying why.
/// The SDP dominates the cost: ~0.1 s at n = 20, ~1 s at n = 40, ~10 s at n = 60 (d = 50).
pub fn predict_fields(task: &Task, sign: Sign) -> Map<String, Json> {
    predict_fields_and_sdp(task, sign).0
}

/// [`predict_fields`] and the certified SDP optimum (for proved bounds on its value).
pub fn predict_fields_and_sdp(task: &Task, sign: Sign) -> (Map<String, Json>, Option<Certified>) {
    let mut out = Map::new();
    let mut certs = Map::new();
    let mut put = |out: &mut Map<String, Json>, key: &str, cert_name: &str, r: Result<Certified>| -> Option<Certified> {
        match r {
            Ok(c) => {
                out.insert(key.into(), json!(c.beta));
                certs.insert(
                    cert_name.into(),
                    json!({
                        "gap": c.certificate.gap, "infeasibility": c.certificate.infeasibility,
                        "dual_infeasibility": c.certificate.dual_infeasibility, "valid": c.certificate.valid,
                    }),
                );
                Some(c)
            }
            Err(e) => {
                out.insert(key.into(), Json::Null);
                out.insert(format!("{key}_note"), json!(e.to_string()));
                None
            }
        }
    };
    put(&mut out, "beta_l1_min", "l1_min", min_l1(task, sign));
    put(&mut out, "beta_l2_min", "l2_min", min_l2(task));
    put(&mut out, "beta_trace_sharp_min", "trace_sharp_min", min_trace_sharpness(task, sign));
    let sdp = put(&mut out, "beta_sharp_min", "sharp_min", min_sharpness_sdp(task, sign));
    match &sdp {
        Some(c) => {
            // The dual point, so anyone can check weak duality: Z ⪰ 0, tr Z = 1,
            // (Xᵀν)_j ≤ x_jᵀZx_j (|·| for signed) ⇒ every interpolator has λ_max ≥ yᵀν.
            if let (Witness::Sdp(p), Some(Json::Object(cert))) = (&c.witness, certs.get_mut("sharp_min")) {
                let n = task.n();
                let z: Vec<Vec<f64>> = (0..n).map(|i| p.z[i * n..(i + 1) * n].to_vec()).collect();
                cert.insert("dual".into(), json!({ "Z": z, "nu": p.nu }));
            }
            out.insert("sharpness_min".into(), json!(4.0 * c.objective / task.n() as f64));
        }
        None => {
            out.insert("sharpness_min".into(), Json::Null);
            out.insert("sharpness_min_note".into(), json!("the sharpness SDP was not solved (see beta_sharp_min_note)"));
        }
    }
    out.insert("certificates".into(), Json::Object(certs));
    (out, sdp)
}
