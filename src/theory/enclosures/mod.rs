//! Rigorous enclosures of the single-sample SW predictions (THEORY.md T3, T6): intervals
//! computed with outward rounding ([`Interval`]) whose existence — and, for the root c,
//! uniqueness — is proved by the computation itself. A returned enclosure is a
//! computer-assisted proof about that instance (x, y, α), not about the theorem.
//!
//! - c: the root of φ(c) = Σ_i x_i α² e^{c x_i} − y (T3) by the interval Newton operator
//!   N(X) = m − φ(m)/φ'(X): N(X) ⊂ int X proves a unique root in X (φ' > 0 on X);
//! - β_GF,i = α² e^{c x_i} and S(β_GF) = 4 Σ x_i² β_GF,i (r = 0 there: ∇²L = 4vvᵀ);
//! - s_GF = max over c ∈ [0, c*] of ‖∇²L‖_op and η_c = 2/s_GF by branch and bound
//!   ([`path`]).
//!
//! ```
//! use normsharp::theory::enclosures::enclose_one_sample;
//! use rug::Rational;
//! let x: Vec<Rational> = (1..=4).map(Rational::from).collect();
//! let e = enclose_one_sample(&x, &Rational::from(1), &Rational::from((1, 1000)), 128).unwrap();
//! assert!(e.c.rel_width() < 1e-30 && e.eta_c.as_ref().unwrap().rel_width() < 1e-12);
//! ```

pub mod dual;
pub mod flow;
pub mod path;
pub mod sdp;
mod sdp_fast;

use crate::error::{Error, Result};
use crate::numeric::interval::{sum, Interval};
use crate::theory::predictions::entropy_root;
use rug::{Float, Rational};
use serde::Serialize;

/// An enclosure as reported: decimal ends rounded outward (lo down, hi up) and whether it is
/// proved; when it is not, `reason` says why and the ends are absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    /// Lower end, rounded down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lo: Option<String>,
    /// Upper end, rounded up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hi: Option<String>,
    /// Whether the enclosure is proved.
    pub proved: bool,
    /// Why it is not proved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Bound {
    /// A proved enclosure written with `digits` significant digits, outward.
    pub fn proved(v: &Interval, digits: usize) -> Self {
        Bound { lo: Some(v.lo_decimal(digits)), hi: Some(v.hi_decimal(digits)), proved: true, reason: None }
    }
    /// An enclosure that could not be proved.
    pub fn unproved(reason: impl Into<String>) -> Self {
        Bound { lo: None, hi: None, proved: false, reason: Some(reason.into()) }
    }
}

/// The `enclosures` object of `predict --json` (one positive sample, SW).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnclosureReport {
    /// T3's root c.
    pub c: Bound,
    /// β_GF, one interval per coordinate.
    pub beta_gf: Vec<Bound>,
    /// S(β_GF) = 4Σx_i²β_GF,i.
    pub sharpness_gf: Bound,
    /// s_GF, the maximum of ‖∇²L‖_op along the gradient-flow path.
    pub sharpness_gf_path_max: Bound,
    /// η_c = 2/s_GF.
    pub eta_c: Bound,
    /// The minimal sharpness over interpolators, (4/n)·min λ_max(X diag|β| Xᵀ) (β ≥ 0 for SW),
    /// proved from the SDP's primal–dual point ([`sdp`]); its width is the solver's accuracy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharpness_min: Option<Bound>,
}

impl EnclosureReport {
    /// Every field unproved, for the same reason (d coordinates).
    pub fn unproved(reason: &str, d: usize) -> Self {
        let b = || Bound::unproved(reason);
        EnclosureReport {
            c: b(),
            beta_gf: (0..d).map(|_| b()).collect(),
            sharpness_gf: b(),
            sharpness_gf_path_max: b(),
            eta_c: b(),
            sharpness_min: None,
        }
    }
}

/// The relative width the path maximum and η_c must reach to be reported proved (issue 8).
pub const PATH_MAX_TARGET: f64 = 1e-12;

/// n > 1 samples: β_GF proved by Krawczyk on the dual system ([`dual`]); s_GF and η_c by the
/// validated integration of the flow ([`flow`]) when its enclosure is within
/// [`PATH_MAX_TARGET`] (relative), else unproved with the proved but wider enclosure in the
/// reason; c and S(β_GF) are one-sample enclosures here and are reported unproved.
pub fn multi_sample_report(task: &crate::problem::task::Task, alpha: &Rational, prec: u32) -> EnclosureReport {
    let why = "enclosed for one sample only (n > 1: β_GF is enclosed by Krawczyk on the dual system)";
    let digits = (f64::from(prec) * std::f64::consts::LOG10_2).ceil() as usize + 2;
    let mut r = EnclosureReport::unproved(why, task.d());
    match dual::enclose_beta_gf_dual(task, alpha, prec) {
        Ok(b) => r.beta_gf = b.iter().map(|v| Bound::proved(v, digits)).collect(),
        Err(e) => r.beta_gf = (0..task.d()).map(|_| Bound::unproved(e.to_string())).collect(),
    }
    let (s, eta) =
        path_max_bounds(flow::enclose_path_max_multi(task, alpha, prec, flow::Budget::for_size(task.n(), task.d())), prec, digits);
    r.sharpness_gf_path_max = s;
    r.eta_c = eta;
    r
}

/// s_GF's and η_c's reported bounds from the flow enclosure: proved when within
/// [`PATH_MAX_TARGET`], else unproved with the proved enclosure and its width in the reason.
fn path_max_bounds(enc: std::result::Result<Interval, String>, prec: u32, digits: usize) -> (Bound, Bound) {
    let s = match enc {
        Ok(s) => s,
        Err(e) => return (Bound::unproved(e.clone()), Bound::unproved(e)),
    };
    let Some(eta) = Interval::from_i64(2, prec).div(&s) else {
        return (Bound::unproved("s_GF's enclosure contains 0"), Bound::unproved("s_GF's enclosure contains 0"));
    };
    if s.rel_width() <= PATH_MAX_TARGET && eta.rel_width() <= PATH_MAX_TARGET {
        return (Bound::proved(&s, digits), Bound::proved(&eta, digits));
    }
    let wide = |v: &Interval| {
        format!(
            "proved only to [{}, {}] (relative width {:.1e} > {PATH_MAX_TARGET:e}): the step budget ran out before the tail bound (the ball around ν* or the sublevel set of Φ) was tight enough",
            v.lo_decimal(17),
            v.hi_decimal(17),
            v.rel_width()
        )
    };
    (Bound::unproved(wide(&s)), Bound::unproved(wide(&eta)))
}

/// PM from a = b = α (any n, signed data): β_GF is Woodworth's limit 2α²·sinh(Xᵀν), proved by
/// Krawczyk ([`dual::enclose_woodworth_limit`]); the other fields are SW quantities and are
/// reported unproved with the reason.
pub fn woodworth_report(task: &crate::problem::task::Task, alpha: &Rational, prec: u32) -> EnclosureReport {
    let digits = (f64::from(prec) * std::f64::consts::LOG10_2).ceil() as usize + 2;
    let mut r =
        EnclosureReport::unproved("an SW quantity (PM: β_GF is Woodworth's limit, enclosed by Krawczyk on its dual system)", task.d());
    match dual::enclose_woodworth_limit(task, alpha, prec) {
        Ok(b) => r.beta_gf = b.iter().map(|v| Bound::proved(v, digits)).collect(),
        Err(e) => r.beta_gf = (0..task.d()).map(|_| Bound::unproved(e.to_string())).collect(),
    }
    r
}

/// The proved enclosures of one single-sample instance.
#[derive(Debug, Clone)]
pub struct OneSampleEnclosures {
    /// c (unique root of φ in this interval).
    pub c: Interval,
    /// β_GF coordinatewise.
    pub beta_gf: Vec<Interval>,
    /// S(β_GF).
    pub sharpness_gf: Interval,
    /// s_GF, or why the branch and bound could not enclose it.
    pub path_max: std::result::Result<Interval, String>,
    /// η_c = 2/s_GF.
    pub eta_c: std::result::Result<Interval, String>,
}

impl OneSampleEnclosures {
    /// The report, with as many digits as the precision carries plus two.
    pub fn report(&self) -> EnclosureReport {
        let digits = (f64::from(self.c.prec()) * std::f64::consts::LOG10_2).ceil() as usize + 2;
        let b = |r: &std::result::Result<Interval, String>| match r {
            Ok(v) => Bound::proved(v, digits),
            Err(e) => Bound::unproved(e.clone()),
        };
        EnclosureReport {
            c: Bound::proved(&self.c, digits),
            beta_gf: self.beta_gf.iter().map(|v| Bound::proved(v, digits)).collect(),
            sharpness_gf: Bound::proved(&self.sharpness_gf, digits),
            sharpness_gf_path_max: b(&self.path_max),
            eta_c: b(&self.eta_c),
            sharpness_min: None,
        }
    }
}

/// The smallest supported precision: below f64's 53 bits the enclosures would be wider
/// than the f64 values they certify.
pub const MIN_PRECISION: u32 = 53;

fn not_proved(what: &str, detail: impl Into<String>) -> Error {
    Error::NoConvergence { what: what.into(), detail: detail.into() }
}

/// ln(x_i·a) for each i, as intervals (x_i > 0, a > 0 exact).
fn log_weights(x: &[Rational], a: &Rational, prec: u32) -> Result<Vec<Interval>> {
    x.iter()
        .map(|xi| {
            Interval::from_rational(&Rational::from(xi * a), prec)
                .ln()
                .ok_or_else(|| Error::invalid("X", "the root enclosure needs x_i > 0 and α > 0"))
        })
        .collect()
}

/// φ(C) = Σ e^{lw_i + C x_i} − y and φ'(C) = Σ x_i e^{lw_i + C x_i} over an interval C.
fn phi(lw: &[Interval], x: &[Interval], y: &Interval, c: &Interval) -> (Interval, Interval) {
    let p = c.prec();
    let e: Vec<Interval> = lw.iter().zip(x).map(|(l, xi)| l.add(&c.mul(xi)).exp()).collect();
    let de: Vec<Interval> = e.iter().zip(x).map(|(ei, xi)| ei.mul(xi)).collect();
    (sum(&e, p).sub(y), sum(&de, p))
}

/// T3: a proved enclosure of the unique root c of Σ_i x_i a e^{c x_i} = y (x_i > 0, y > 0,
/// a > 0; a = α² for gradient flow) at `prec` bits: interval Newton with ε-inflation from
/// the MPFR point root; N(X) ⊂ int X proves existence and uniqueness in X, and X is then
/// narrowed by X ← N(X) ∩ X.
pub fn enclose_root(x: &[Rational], y: &Rational, a: &Rational, prec: u32) -> Result<Interval> {
    if prec < MIN_PRECISION {
        return Err(Error::arg("--precision", format!("is {prec} bits"), format!("at least {MIN_PRECISION} bits for a proved enclosure")));
    }
    if x.iter().any(|v| *v <= 0) || *y <= 0 || *a <= 0 {
        return Err(Error::invalid("task", "the proved root needs one sample with x > 0, y > 0 and α > 0"));
    }
    let lw = log_weights(x, a, prec)?;
    let xs: Vec<Interval> = x.iter().map(|v| Interval::from_rational(v, prec)).collect();
    let yi = Interval::from_rational(y, prec);
    // Point estimate in MPFR (a few guard bits).
    let wp = prec + 16;
    let xf: Vec<Float> = x.iter().map(|v| Float::with_val(wp, v)).collect();
    let af = vec![Float::with_val(wp, a); x.len()];
    let c0 = entropy_root(&xf, &af, &Float::with_val(wp, y))?;
    let c0 = Interval::point(&Float::with_val(prec, &c0));
    let scale = Float::with_val(prec, c0.mag()) + 1u32;
    let mut r = Float::with_val(prec, Float::u_exp(1, 12 - prec as i32)) * &scale;
    for _ in 0..40 {
        let big_x = c0.inflate(&r);
        if let Some(mut enc) = newton_contract(&lw, &xs, &yi, &big_x) {
            // Proved: a unique root lies in `enc`. Narrow while it helps.
            for _ in 0..8 {
                match newton_step(&lw, &xs, &yi, &enc).and_then(|n| n.intersect(&enc)) {
                    Some(n) if n.width() < enc.width() => enc = n,
                    _ => break,
                }
            }
            return Ok(enc);
        }
        r *= 16u32;
    }
    Err(not_proved("proved root c", "interval Newton found no contracting interval around the point root"))
}

fn newton_step(lw: &[Interval], x: &[Interval], y: &Interval, big_x: &Interval) -> Option<Interval> {
    let m = Interval::point(&big_x.mid());
    let (fm, _) = phi(lw, x, y, &m);
    let (_, dfx) = phi(lw, x, y, big_x);
    Some(m.sub(&fm.div(&dfx)?))
}

/// N(X) when N(X) ⊂ int X (the existence-and-uniqueness test), else `None`.
fn newton_contract(lw: &[Interval], x: &[Interval], y: &Interval, big_x: &Interval) -> Option<Interval> {
    let n = newton_step(lw, x, y, big_x)?;
    big_x.interior_contains(&n).then_some(n)
}

/// β_GF,i = a·e^{c x_i} over the enclosure of c.
pub fn enclose_beta(x: &[Rational], a: &Rational, c: &Interval) -> Vec<Interval> {
    let p = c.prec();
    let ai = Interval::from_rational(a, p);
    x.iter().map(|xi| ai.mul(&c.mul(&Interval::from_rational(xi, p)).exp())).collect()
}

/// S(β) = 4Σ x_i²β_i at an interpolator of one sample (r = 0, ∇²L = 4vvᵀ, v = x⊙w).
pub fn enclose_sharpness_on_z(x: &[Rational], beta: &[Interval]) -> Interval {
    let p = beta[0].prec();
    let terms: Vec<Interval> = x.iter().zip(beta).map(|(xi, b)| Interval::from_rational(&Rational::from(xi * xi), p).mul(b)).collect();
    sum(&terms, p).mul_i64(4)
}

/// All single-sample enclosures for (x, y, α) at `prec` bits: c, β_GF and S(β_GF) are
/// proved or the call fails; s_GF and η_c carry their own reason when not proved.
pub fn enclose_one_sample(x: &[Rational], y: &Rational, alpha: &Rational, prec: u32) -> Result<OneSampleEnclosures> {
    let a = Rational::from(alpha * alpha);
    let c = enclose_root(x, y, &a, prec)?;
    let beta_gf = enclose_beta(x, &a, &c);
    let sharpness_gf = enclose_sharpness_on_z(x, &beta_gf);
    let path_max = path::enclose_path_max(x, y, &a, &c, &sharpness_gf);
    let eta_c = path_max.clone().and_then(|s| Interval::from_i64(2, prec).div(&s).ok_or_else(|| "s_GF's enclosure contains 0".to_string()));
    Ok(OneSampleEnclosures { c, beta_gf, sharpness_gf, path_max, eta_c })
}

/// `run --json`'s `stability` for a converged single-sample SW run (T5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    /// Whether η·S(β̃) < 2 is proved for the exact interpolator β̃ next to the final iterate.
    pub proved: bool,
    /// η·S(β̃) (exact rational), written rounded up.
    pub eta_times_sharpness_hi: String,
    /// ‖β_final − β̃‖_∞ (f64; reported, not part of the proof).
    pub distance_to_interpolator: f64,
}

/// T5 on one converged run: the final iterate w (taken exactly, as its f64 values) rescaled
/// onto Z, β̃ = w⊙w·y/⟨x, w⊙w⟩, is an exact interpolator; at r = 0 ∇²L = 4ṽṽᵀ, so GD's fixed
/// point there is linearly stable iff η·S(β̃) < 2 with S(β̃) = 4Σx_i²β̃_i, decided in ℚ.
/// `None` when w is not finite or ⟨x, w⊙w⟩ = 0.
pub fn stability_of_run(x: &[Rational], y: &Rational, w: &[f64], eta: &Rational) -> Option<Stability> {
    let beta: Vec<Rational> = w.iter().map(|v| Rational::from_f64(*v).map(|q| q.square())).collect::<Option<_>>()?;
    let xb = x.iter().zip(&beta).fold(Rational::new(), |a, (xi, b)| a + Rational::from(xi * b));
    if xb == 0 {
        return None;
    }
    let scale = Rational::from(y / &xb);
    let tilde: Vec<Rational> = beta.iter().map(|b| Rational::from(b * &scale)).collect();
    let s = x.iter().zip(&tilde).fold(Rational::new(), |a, (xi, b)| a + Rational::from(xi * xi) * b) * Rational::from(4);
    let prod = Rational::from(eta * &s);
    let hi = Float::with_val_round(128, &prod, rug::float::Round::Up).0;
    let dist = beta.iter().zip(&tilde).map(|(a, b)| Float::with_val(53, Rational::from(a - b).abs()).to_f64()).fold(0.0, f64::max);
    Some(Stability {
        proved: prod < 2,
        eta_times_sharpness_hi: hi.to_string_radix_round(10, Some(30), rug::float::Round::Up),
        distance_to_interpolator: dist,
    })
}

/// T5 on one converged SW run with n ≥ 1 samples: β = w⊙w (exact, from the f64 iterate) is
/// corrected onto {Xβ = y} exactly on its support ([`sdp`]: β_S + X_Sᵀ(X_SX_Sᵀ)⁻¹(y − X_Sβ_S),
/// kept ≥ 0), giving an exact interpolator β̃ with w̃ = √β̃; there r = 0 and
/// ∇²L = (4/n)·diag(w̃)XᵀX diag(w̃), whose largest eigenvalue is (4/n)λ_max(X diag β̃ Xᵀ).
/// An interval-Cholesky upper bound U on that λ_max proves η·S(β̃) < 2 when η·(4/n)·U < 2.
/// `None` when w is not finite or the correction fails.
pub fn stability_of_run_multi(task: &crate::problem::task::Task, w: &[f64], eta: &Rational) -> Option<Stability> {
    let beta: Vec<f64> = w.iter().map(|v| v * v).collect();
    if beta.iter().any(|b| !b.is_finite()) {
        return None;
    }
    let tilde = sdp::exact_feasible(task, &beta, crate::theory::interpolators::Sign::Nonnegative)?;
    let prec = 128;
    let u = sdp::upper_lambda_max(task, &tilde, prec)?;
    let es = Interval::from_rational(eta, prec).mul(&u).mul_i64(4).div(&Interval::from_i64(task.n() as i64, prec))?;
    let dist = beta.iter().zip(&tilde).map(|(a, b)| (a - b.to_f64()).abs()).fold(0.0, f64::max);
    Some(Stability { proved: es.hi() < &2, eta_times_sharpness_hi: es.hi_decimal(30), distance_to_interpolator: dist })
}
