//! s_GF for n ≥ 1 samples (SW; THEORY.md T6): the maximum of ‖∇²L‖_op along the gradient-flow
//! path, enclosed by a validated integration of the dual flow ([`taylor`]) and rigorous
//! eigenvalue bounds ([`eig`]). Method (proofs/T6-eta-c.md, "multi-sample path maximum"):
//!
//! 1. **Contraction.** ν′ = −∇Φ(ν) with Φ(ν) = α²Σ_i e^{(Xᵀν)_i} − yᵀν convex, so
//!    d/dt‖ν₁ − ν₂‖² = −2(ν₁ − ν₂)ᵀ(∇Φ(ν₁) − ∇Φ(ν₂)) ≤ 0: two solutions never move apart
//!    (Euclidean norm). The enclosure of ν(t_k) is a ball (c_k, ρ_k) with a point centre.
//! 2. **Step** (c, ρ, h): an a-priori box B with c + [0,h]·f(B) ⊆ int B (Picard–Lindelöf: the
//!    solution from c stays in B on [0,h]; Moore 1966, Lohner 1987); then
//!    φ_h(c) ∈ Σ_{j<K} ν_j(c)h^j + ν_K(B)h^K (Taylor with Lagrange remainder); the new centre
//!    is its midpoint and ρ grows by its radius (ℓ2). By 1, ν(t_k + s) lies within ρ of φ_s(c).
//! 3. **Sharpness on a piece** s ∈ [0,h]: H(s) = H₀ + sH₁ + s²·E(s), entrywise E ∈ [H₂(B⊕ρ)],
//!    with H₀, H₁ enclosed at the box (c ± ρ). ‖·‖_op is convex, so
//!    sup_s ‖H(s)‖ ≤ max(‖H₀‖, ‖H₀ + hH₁‖) + h²·max_i Σ_j |H₂,ij| — second order in h.
//!    A path point's ‖H₀‖ bounds s_GF from below (Rayleigh quotients).
//! 4. **Tail.** ν* ∈ V (Krawczyk, [`super::dual`]) is a fixed point, so by 1 every ν(t), t ≥ T,
//!    lies within R = ρ_T + max_{v∈V}‖c_T − v‖ of ν*: in V inflated by R, where ‖H‖ is bounded
//!    by one interval Hessian; or, usually much tighter, on the sublevel set of Φ ([`tail`]:
//!    β*_i·h(β_i/β*_i) ≤ Φ(ν_T) − Φ(ν*)). The smaller bound is kept. The end value S(β_GF)
//!    bounds s_GF from below.
//! 5. **Branch and bound.** The piece with the largest upper bound is split in two half steps
//!    until every upper bound is within `tol` (relative) of the best lower bound.
//!
//! The enclosure [max of lower bounds, max of upper bounds] ∋ s_GF is a computer-assisted
//! proof about the instance. Its width is limited by the budget (how close to ν* the flow gets,
//! and the splits); the target is 1e-13 relative.

mod eig;
mod tail;
mod taylor;

use crate::numeric::interval::{sum, Interval};
use crate::problem::task::Task;
use rug::float::Round;
use rug::{Float, Rational};
use taylor::{Field, Series};

/// The largest local error of a step relative to 1 + ‖c‖_∞ (see `Solver::local_tol`).
const LOCAL_TOL: f64 = 1e-19;

/// How much work the enclosure may do (deterministic: counts, not time). When the budget runs
/// out the enclosure is still proved, only wider (the tail is bounded from where the flow is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Largest number of validated integration steps.
    pub steps: usize,
    /// Largest number of pieces the branch and bound may split.
    pub splits: usize,
}

impl Budget {
    /// What `predict` and `verify` spend on an n×d task: S = clamp(2·10⁷ / (40nd + 200d), 150,
    /// 4000) steps and S/2 splits (each split is two steps). 40nd + 200d is proportional to a
    /// step's interval products (about four Taylor series of order 24, each ~48nd + 288d), so
    /// the budget shrinks with the task; measured, a run that spends it all takes ~35 s at n = 4,
    /// d = 9, and the run stops as soon as the target is met. 4000 steps reach the 1e-13 target
    /// on the seeded families down to α = 0.01 (proofs/T6-eta-c.md).
    pub fn for_size(n: usize, d: usize) -> Self {
        let per_step = (40 * n * d + 200 * d).max(1);
        let steps = (20_000_000 / per_step).clamp(150, 4000);
        Budget { steps, splits: steps / 2 }
    }
}

/// A piece of the path: the ball (c, ρ) at its start, its step h, and its bounds.
#[derive(Clone)]
struct Piece {
    c: Vec<Float>,
    rho: Float,
    h: Float,
    upper: Float,
}

/// The result of one validated step.
struct Step {
    end_c: Vec<Float>,
    end_rho: Float,
    upper: Float,
    lower: Option<Float>,
}

struct Solver<'a> {
    f: &'a Field,
    order: usize,
    prec: u32,
}

fn up(p: u32, v: f64) -> Float {
    Float::with_val_round(p, v, Round::Up).0
}

/// Box c ± r (per coordinate).
fn ball_box(c: &[Float], r: &Float) -> Vec<Interval> {
    c.iter().map(|v| Interval::point(v).inflate(r)).collect()
}

/// Upper bound of the Euclidean norm of the radius of a box around its midpoint.
fn l2_radius(v: &[Interval], p: u32) -> Float {
    let r: Vec<Interval> = v.iter().map(|e| Interval::point(&e.width()).sqr()).collect();
    let s = sum(&r, p).hi().clone();
    // half-width ≤ width; √ rounded up.
    Float::with_val_round(p, s.sqrt_ref(), Round::Up).0
}

impl Solver<'_> {
    fn horner(&self, coeffs: &[Vec<Interval>], s: &Interval) -> Vec<Interval> {
        let n = self.f.n;
        let mut acc = coeffs[coeffs.len() - 1].clone();
        for k in (0..coeffs.len() - 1).rev() {
            acc = (0..n).map(|i| acc[i].mul(s).add(&coeffs[k][i])).collect();
        }
        acc
    }

    /// The a-priori box B of the solution from c over [0, h] by the high-order test
    /// Σ_{j<K} ν_j(c)[0,h]^j + [0,h]^K·ν_K(B) ⊆ int B (Nedialkov, Jackson & Pryce 2001,
    /// Reliable Computing 7: the solution exists, is unique and stays in B on [0, h]);
    /// returns B and ν_K(B), or `None`.
    fn apriori(&self, coeffs: &[Vec<Interval>], hh: &Interval) -> Option<(Vec<Interval>, Vec<Interval>)> {
        let (p, k) = (self.prec, self.order);
        let poly = self.horner(coeffs, hh);
        let hpow = (0..k).fold(Interval::from_i64(1, p), |a, _| a.mul(&Interval::point(hh.hi())));
        let hk = Interval::new(Float::new(p), hpow.hi().clone())?;
        let mut b: Vec<Interval> = poly
            .iter()
            .map(|v| {
                let w = Float::with_val(p, v.width() * 0.125f64) + Float::with_val(p, Float::u_exp(1, 16 - p as i32)) * (v.mag() + 1u32);
                v.inflate(&w)
            })
            .collect();
        for _ in 0..3 {
            let rem = self.f.series(&b, k).nu.pop()?;
            let t: Vec<Interval> = poly.iter().zip(&rem).map(|(a, r)| a.add(&hk.mul(r))).collect();
            if b.iter().zip(&t).all(|(bi, ti)| bi.interior_contains(ti)) {
                return Some((b, rem));
            }
            b = b.iter().zip(&t).map(|(bi, ti)| bi.hull(ti).inflate(&Float::with_val(p, ti.width() * 0.25f64))).collect();
        }
        None
    }

    /// One validated step from the ball (c, ρ) with step h, with the sharpness bounds on it;
    /// `best` lets a piece be bounded by Gershgorin alone when that is already below it.
    fn step(&self, c: &[Float], sc: &Series, rho: &Float, h: &Float, best: &Float) -> Option<Step> {
        let (p, d, k) = (self.prec, self.f.d, self.order);
        let hh = Interval::new(Float::new(p), h.clone())?;
        let hp = Interval::point(h);
        let (b, rem) = self.apriori(&sc.nu[..k], &hh)?;
        // Taylor polynomial of order K−1 at c plus the remainder ν_K(B)·h^K.
        let mut coeffs = sc.nu[..k].to_vec();
        coeffs.push(rem);
        let end = self.horner(&coeffs, &hp);
        let path: Vec<Interval> =
            self.horner(&coeffs, &hh).iter().zip(&b).map(|(a, bb)| a.intersect(bb).unwrap_or_else(|| bb.clone())).collect();
        let end_c: Vec<Float> = end.iter().map(Interval::mid).collect();
        let local = l2_radius(&end, p);
        if local > self.local_tol(c) {
            return None;
        }
        let end_rho = Float::with_val_round(p, rho + local, Round::Up).0;
        // Sharpness: H₀, H₁ on the start ball; H₂ on the path box inflated by ρ.
        let n0 = ball_box(c, rho);
        let h01 = self.f.hessian_coeffs(&self.f.series(&n0, 2), 1);
        let bp: Vec<Interval> = path.iter().map(|v| v.inflate(rho)).collect();
        let h2 = &self.f.hessian_coeffs(&self.f.series(&bp, 3), 2)[2];
        let m0 = &h01[0];
        let m1: Vec<Interval> = m0.iter().zip(&h01[1]).map(|(a, b)| a.add(&b.mul(&hp))).collect();
        let rem = Float::with_val_round(p, eig::gershgorin(h2, d) * hp.sqr().hi(), Round::Up).0;
        let cheap = eig::gershgorin(m0, d).max(&eig::gershgorin(&m1, d));
        let cheap = Float::with_val_round(p, &cheap + &rem, Round::Up).0;
        let discard = cheap <= *best;
        let upper = if discard {
            cheap
        } else {
            let a = eig::op_norm_upper(m0, d)?;
            let bnd = eig::op_norm_upper(&m1, d)?;
            Float::with_val_round(p, a.max(&bnd) + &rem, Round::Up).0
        };
        let lower = if discard { None } else { eig::op_norm_lower(m0, d) };
        Some(Step { end_c, end_rho, upper, lower })
    }

    /// The Taylor coefficients at the point c.
    fn point_series(&self, c: &[Float]) -> Series {
        self.f.series(&c.iter().map(Interval::point).collect::<Vec<_>>(), self.order)
    }

    /// The largest local error a step may add to ρ: max(2^(20−p), `LOCAL_TOL`)·(1 + ‖c‖_∞) (over
    /// the budget's ≤ 4000 steps ρ stays below 1e-15, far under the 1e-13 target).
    fn local_tol(&self, c: &[Float]) -> Float {
        let m = c.iter().fold(Float::with_val(self.prec, 1), |a, v| a.max(&(Float::with_val(self.prec, v.abs_ref()) + 1u32)));
        Float::with_val(self.prec, Float::u_exp(1, 20 - self.prec as i32)).max(&Float::with_val(self.prec, LOCAL_TOL)) * m
    }

    /// A step size from the point series at c (Jorba & Zou 2005): the largest h with
    /// ‖ν_k‖h^k ≤ `LOCAL_TOL`/100·(1 + ‖c‖_∞) at the two highest orders k, so that the
    /// remainder stays well inside the local tolerance (the a-priori test decides).
    fn step_size(&self, c: &[Float], s: &Series) -> Float {
        let (p, k) = (self.prec, self.order);
        let norm = |v: &[Interval]| v.iter().map(|e| e.mag().to_f64()).fold(0.0, f64::max);
        let target = self.local_tol(c).to_f64() / 100.0;
        let h = [k - 1, k].iter().map(|&j| (target / norm(&s.nu[j]).max(1e-300)).powf(1.0 / j as f64)).fold(f64::INFINITY, f64::min);
        Float::with_val(p, h.min(1e12))
    }
}

/// s_GF for an SW task with n ≥ 1 samples and exact α > 0 at `prec` bits: a proved
/// enclosure, or why not.
pub fn enclose_path_max_multi(task: &Task, alpha: &Rational, prec: u32, budget: Budget) -> Result<Interval, String> {
    enclose_path_max_with(task, alpha, prec, budget, &Rational::from(4))
}

/// [`enclose_path_max_multi`] with the factor of the Hessian's first term, (k/n)·WXᵀXW, as a
/// parameter (k = 4 is the true Hessian; other values are the broken-formula checks).
pub fn enclose_path_max_with(task: &Task, alpha: &Rational, prec: u32, budget: Budget, k: &Rational) -> Result<Interval, String> {
    if prec < super::MIN_PRECISION {
        return Err(format!("--precision {prec} is below {} bits", super::MIN_PRECISION));
    }
    let (v_star, _) = super::dual::enclose_sw_dual(task, alpha, prec).map_err(|e| e.to_string())?;
    let f = Field::new(task, alpha, prec, k);
    let order = (16 + prec / 16) as usize;
    let sv = Solver { f: &f, order, prec };
    let tol = Float::with_val(prec, 1e-13f64).max(&Float::with_val(prec, Float::u_exp(1, 40 - prec as i32)));
    let d = f.d;
    // The end of the path: S(β_GF) ≤ s_GF, and the best lower bound so far.
    let hv = f.hessian_coeffs(&f.series(&v_star, 1), 0);
    let mut best = eig::op_norm_lower(&hv[0], d).ok_or("no Rayleigh bound at the limit")?;

    let mut pieces: Vec<Piece> = Vec::new();
    let mut c: Vec<Float> = vec![Float::new(prec); f.n];
    let mut rho = Float::new(prec);
    let mut tail: Option<Float> = None;
    let mut last_r = f64::INFINITY;
    let phi_tail = tail::PhiTail::new(&f, &v_star);
    let mut last_gap = f64::INFINITY;
    for _ in 0..budget.steps {
        let sc = sv.point_series(&c);
        let mut h = sv.step_size(&c, &sc);
        let mut st = None;
        for _ in 0..30 {
            st = sv.step(&c, &sc, &rho, &h, &best);
            if st.is_some() {
                break;
            }
            h /= 2u32;
        }
        let st = st.ok_or("no validated step (the a-priori box test failed at every step size tried)")?;
        if let Some(l) = &st.lower {
            if *l > best {
                best = l.clone();
            }
        }
        pieces.push(Piece { c: c.clone(), rho: rho.clone(), h: h.clone(), upper: st.upper });
        c = st.end_c;
        rho = st.end_rho;
        // The tail from here: R = ρ + max over V of ‖c − v‖.
        let dist: Vec<Interval> = c.iter().zip(&v_star).map(|(ci, v)| Interval::point(&v.sub(&Interval::point(ci)).mag()).sqr()).collect();
        let r = Float::with_val_round(prec, sum(&dist, prec).hi().sqrt_ref(), Round::Up).0 + &rho;
        let r = Float::with_val_round(prec, r, Round::Up).0;
        let rf = r.to_f64();
        let limit = Float::with_val(prec, &best * (Float::with_val(prec, 1) + &tol));
        // Two proved tails for t ≥ T (each alone bounds ‖H‖ there): the Euclidean ball of radius
        // R around ν* (contraction) and the sublevel set of Φ (tail.rs); the smaller is kept.
        let mut cands: Vec<Float> = Vec::new();
        let vb: Vec<Interval> = v_star.iter().map(|v| v.inflate(&r)).collect();
        if rf < 0.5 * last_r {
            last_r = rf;
            let ht = f.hessian_coeffs(&f.series(&vb, 1), 0);
            cands.extend(eig::op_norm_upper(&ht[0], d));
        }
        let (gap, rn) = phi_tail.gap(&c, &rho);
        let gf = gap.to_f64();
        if gf < 0.25 * last_gap {
            last_gap = gf;
            cands.extend(phi_tail.bound(&gap, &rn, &f.beta_at(&vb)));
        }
        for u in cands {
            if tail.as_ref().is_none_or(|t| u < *t) {
                tail = Some(u);
            }
        }
        if tail.as_ref().is_some_and(|t| *t <= limit) || rf < up(53, 1e-30).to_f64() {
            break;
        }
    }
    let tail = tail.ok_or("the flow did not reach a box around ν* where the tail is bounded")?;
    pieces.retain(|q| q.upper > best);
    for _ in 0..budget.splits {
        let limit = Float::with_val(prec, &best * (Float::with_val(prec, 1) + &tol));
        pieces.retain(|q| q.upper > best);
        let Some(top) = (0..pieces.len()).max_by(|&a, &b| pieces[a].upper.total_cmp(&pieces[b].upper)) else { break };
        if pieces[top].upper <= limit {
            break;
        }
        let q = pieces.swap_remove(top);
        let h2 = Float::with_val(prec, &q.h / 2u32);
        let Some(a) = sv.step(&q.c, &sv.point_series(&q.c), &q.rho, &h2, &best) else {
            pieces.push(q);
            break;
        };
        let Some(b) = sv.step(&a.end_c, &sv.point_series(&a.end_c), &a.end_rho, &h2, &best) else {
            pieces.push(q);
            break;
        };
        for l in [&a.lower, &b.lower].into_iter().flatten() {
            if *l > best {
                best = l.clone();
            }
        }
        pieces.push(Piece { c: q.c, rho: q.rho, h: h2.clone(), upper: a.upper });
        pieces.push(Piece { c: a.end_c, rho: a.end_rho, h: h2, upper: b.upper });
    }
    let upper = pieces.iter().map(|q| q.upper.clone()).fold(tail.max(&best), |a, b| a.max(&b));
    Interval::new(best, upper).ok_or_else(|| "the enclosure of s_GF came out empty".into())
}
