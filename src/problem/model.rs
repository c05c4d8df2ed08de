//! Diagonal-network parametrizations (THEORY.md §2). Each maps parameters θ to a predictor
//! β, takes a GD step from the gradient in β, and gives its dense parameter Hessian.
//! The GD runner, sharpness code and registry only see the [`Parametrization`] trait.
//!
//! Parameters are stored in `blocks()` blocks of d: θ = (θ₀, θ₁, …), and β_i depends only
//! on the i-th entry of each block. So the Hessian of L = (1/2n)‖Xβ − y‖² is
//! ∇²L = Jᵀ(XᵀX/n)J + Σ_i g_i ∇²β_i with J = ∂β/∂θ block-diagonal per coordinate
//! ([`hessian_from_local`]); each model supplies ∂β_i/∂θ and ∂²β_i/∂θ² at one coordinate.

use crate::numeric::real::Real;
use crate::problem::design::Design;
use rug::Rational;

/// A parametrization β = β(θ) of a linear predictor, trained on L = (1/2n)‖Xβ − y‖².
pub trait Parametrization: Sync {
    /// Short name (`sw`, `pm`, …).
    fn name(&self) -> &'static str;
    /// Parameters per coordinate (θ has `blocks()·d` entries).
    fn blocks(&self) -> usize;
    /// Number of parameters for d features.
    fn n_params(&self, d: usize) -> usize {
        self.blocks() * d
    }
    /// The initialization at scale α (models with an explicit initialization ignore α).
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T>;
    /// `out = β(θ)`.
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]);
    /// One GD step θ ← θ − η∇_θL = θ − η·Jᵀg, given g = ∇_βL = Xᵀr/n at θ.
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T);
    /// [`Parametrization::step`], then `beta = β(θ)` at the new θ (one pass for SW).
    #[inline(always)]
    fn step_beta<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T, beta: &mut [T]) {
        self.step(theta, g, eta);
        self.beta(theta, beta);
    }
    /// The whole GD step (β, r, g and the update) in one kernel where one exists, returning
    /// L(θ) before the step, with the bits of [`Parametrization::beta`], [`Design::residual_grad`]
    /// and [`Parametrization::step`]; `None` (θ untouched) otherwise.
    #[inline(always)]
    fn fused_step<T: Real>(&self, design: &Design<T>, theta: &mut [T], eta: &T) -> Option<T> {
        let _ = (design, theta, eta);
        None
    }
    /// ∂β_i/∂θ_(b,i) for each block b (length `blocks()`).
    fn local_jacobian(&self, theta: &[f64], d: usize, i: usize, out: &mut [f64]);
    /// ∂²β_i/∂θ_(b,i)∂θ_(c,i), row-major `blocks()×blocks()`.
    fn local_hessian(&self, theta: &[f64], d: usize, i: usize, out: &mut [f64]);
    /// Dense parameter Hessian ∇²_θL (row-major, f64), given g = Xᵀr/n at θ.
    fn hessian(&self, design: &Design<f64>, theta: &[f64], g: &[f64]) -> Vec<f64> {
        hessian_from_local(self, design, theta, g)
    }
    /// Squared Euclidean norm of the parameters, ‖θ‖₂².
    fn param_norm2_sq<T: Real>(&self, theta: &[T]) -> T {
        crate::numeric::real::norm2_sq(theta, theta[0].ctx())
    }
    /// ℓ1 norm of the parameters, ‖θ‖₁.
    fn param_norm1<T: Real>(&self, theta: &[T]) -> T {
        crate::numeric::real::norm1(theta, theta[0].ctx())
    }
}

/// ∇²L = Jᵀ(XᵀX/n)J + Σ_i g_i ∇²β_i (THEORY.md §2, Hessians [derived]); parameter index
/// of (block b, coordinate i) is b·d + i.
pub fn hessian_from_local<M: Parametrization + ?Sized>(model: &M, design: &Design<f64>, theta: &[f64], g: &[f64]) -> Vec<f64> {
    let (n, d, k) = (design.n, design.d, model.blocks());
    let p = k * d;
    let mut gram = vec![0.0; d * d];
    for s in 0..n {
        let row = design.row(s);
        for i in 0..d {
            for j in 0..d {
                gram[i * d + j] += row[i] * row[j];
            }
        }
    }
    let mut jac = vec![0.0; k * d];
    let mut local = vec![0.0; k];
    for i in 0..d {
        model.local_jacobian(theta, d, i, &mut local);
        for b in 0..k {
            jac[b * d + i] = local[b];
        }
    }
    let mut h = vec![0.0; p * p];
    for b in 0..k {
        for i in 0..d {
            for c in 0..k {
                for j in 0..d {
                    h[(b * d + i) * p + c * d + j] = jac[b * d + i] * gram[i * d + j] * jac[c * d + j] / n as f64;
                }
            }
        }
    }
    let mut lh = vec![0.0; k * k];
    for i in 0..d {
        model.local_hessian(theta, d, i, &mut lh);
        for b in 0..k {
            for c in 0..k {
                h[(b * d + i) * p + c * d + i] += g[i] * lh[b * k + c];
            }
        }
    }
    h
}

/// The Hessian–vector product out = ∇²L·v without forming ∇²L (O(nd + k²d) work):
/// Jᵀ(Xᵀ(X(Jv)))/n plus the local blocks g_i·∇²β_i; also returns tr ∇²L.
pub fn hessian_apply<'a, M: Parametrization + ?Sized>(
    model: &M,
    design: &'a Design<f64>,
    theta: &[f64],
    g: &[f64],
) -> (impl Fn(&[f64], &mut [f64]) + 'a, f64) {
    let (n, d, k) = (design.n, design.d, model.blocks());
    let mut jac = vec![0.0; k * d];
    let mut loc = vec![0.0; k * k * d];
    let mut local = vec![0.0; k];
    let mut lh = vec![0.0; k * k];
    let mut trace = 0.0;
    for i in 0..d {
        model.local_jacobian(theta, d, i, &mut local);
        model.local_hessian(theta, d, i, &mut lh);
        let col_sq: f64 = (0..n).map(|s| design.x[s * d + i] * design.x[s * d + i]).sum::<f64>() / n as f64;
        for b in 0..k {
            jac[b * d + i] = local[b];
            trace += local[b] * local[b] * col_sq + g[i] * lh[b * k + b];
            for c in 0..k {
                loc[(i * k + b) * k + c] = g[i] * lh[b * k + c];
            }
        }
    }
    let apply = move |v: &[f64], out: &mut [f64]| {
        let mut u = vec![0.0; d];
        for i in 0..d {
            u[i] = (0..k).map(|b| jac[b * d + i] * v[b * d + i]).sum();
        }
        let mut xu = vec![0.0; n];
        for s in 0..n {
            xu[s] = (0..d).map(|i| design.x[s * d + i] * u[i]).sum::<f64>() / n as f64;
        }
        let mut z = vec![0.0; d];
        for s in 0..n {
            for i in 0..d {
                z[i] += design.x[s * d + i] * xu[s];
            }
        }
        for i in 0..d {
            for b in 0..k {
                out[b * d + i] = jac[b * d + i] * z[i] + (0..k).map(|c| loc[(i * k + b) * k + c] * v[c * d + i]).sum::<f64>();
            }
        }
    };
    (apply, trace)
}

fn two<T: Real>(ctx: T::Ctx) -> T {
    T::from_f64(2.0, ctx)
}

/// Shared weights (the paper's theory model): β = w⊙w, w₀ = α·1,
/// step w ← w⊙(1 − 2ηg) (THEORY.md §2, table).
///
/// ```
/// use normsharp::problem::model::{Parametrization, Sw};
/// let mut w = Sw.init(2, &0.5f64);
/// Sw.step(&mut w, &[1.0, -1.0], &0.25);
/// assert_eq!(w, vec![0.25, 0.75]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Sw;

impl Parametrization for Sw {
    fn name(&self) -> &'static str {
        "sw"
    }
    fn blocks(&self) -> usize {
        1
    }
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T> {
        vec![alpha.clone(); d]
    }
    #[inline(always)]
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]) {
        T::squares(theta, out);
    }
    #[inline(always)]
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T) {
        let two_eta = eta.clone() + eta;
        for (w, gi) in theta.iter_mut().zip(g) {
            w.sub_scaled(&two_eta, gi);
        }
    }
    /// w ← w − (w·2η)·g and β = w⊙w in one pass.
    #[inline(always)]
    fn step_beta<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T, beta: &mut [T]) {
        let two_eta = eta.clone() + eta;
        T::sub_scaled_squares(theta, &two_eta, g, beta);
    }
    /// One sample in f64: [`Design::sw_step_one_sample`].
    #[inline(always)]
    fn fused_step<T: Real>(&self, design: &Design<T>, theta: &mut [T], eta: &T) -> Option<T> {
        design.sw_step_one_sample(theta, eta)
    }
    fn local_jacobian(&self, w: &[f64], _d: usize, i: usize, out: &mut [f64]) {
        out[0] = 2.0 * w[i];
    }
    fn local_hessian(&self, _w: &[f64], _d: usize, _i: usize, out: &mut [f64]) {
        out[0] = 2.0;
    }
    /// ∇²L = (4/n)·diag(w)XᵀX diag(w) + 2·diag(g) (THEORY.md §2, Hessians [derived]).
    fn hessian(&self, design: &Design<f64>, w: &[f64], g: &[f64]) -> Vec<f64> {
        hessian_from_local(self, design, w, g)
    }
}

/// Woodworth et al.'s parametrization: β = a⊙a − b⊙b, a₀ = b₀ = α·1,
/// step a ← a⊙(1 − 2ηg), b ← b⊙(1 + 2ηg). θ = (a, b).
///
/// ```
/// use normsharp::problem::model::{Parametrization, Pm};
/// let theta = Pm.init(2, &0.5f64);
/// let mut beta = vec![1.0; 2];
/// Pm.beta(&theta, &mut beta);
/// assert_eq!(beta, vec![0.0, 0.0]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Pm;

impl Parametrization for Pm {
    fn name(&self) -> &'static str {
        "pm"
    }
    fn blocks(&self) -> usize {
        2
    }
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T> {
        vec![alpha.clone(); 2 * d]
    }
    #[inline(always)]
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]) {
        let d = out.len();
        for (i, b) in out.iter_mut().enumerate() {
            *b = theta[i].clone() * &theta[i] - &(theta[d + i].clone() * &theta[d + i]);
        }
    }
    #[inline(always)]
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T) {
        let d = g.len();
        let two_eta = eta.clone() + eta;
        for (i, gi) in g.iter().enumerate() {
            let s = two_eta.clone() * gi;
            let da = theta[i].clone() * &s;
            theta[i] -= &da;
            let db = theta[d + i].clone() * &s;
            theta[d + i] += &db;
        }
    }
    fn local_jacobian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        out[0] = 2.0 * t[i];
        out[1] = -2.0 * t[d + i];
    }
    fn local_hessian(&self, _t: &[f64], _d: usize, _i: usize, out: &mut [f64]) {
        out.copy_from_slice(&[2.0, 0.0, 0.0, -2.0]);
    }
}

/// Even et al.'s parametrization: β = u⊙v, u₀ = √2·α·1, v₀ = 0,
/// step (u, v) ← (u − η g⊙v, v − η g⊙u) (simultaneous). θ = (u, v).
///
/// ```
/// use normsharp::problem::model::{Parametrization, Uv};
/// let theta = Uv.init(1, &1.0f64);
/// assert!((theta[0] - 2f64.sqrt()).abs() < 1e-15 && theta[1] == 0.0);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Uv;

fn uv_beta<T: Real>(theta: &[T], out: &mut [T]) {
    let d = out.len();
    for (i, b) in out.iter_mut().enumerate() {
        *b = theta[i].clone() * &theta[d + i];
    }
}

fn uv_step<T: Real>(theta: &mut [T], g: &[T], eta: &T) {
    let d = g.len();
    for (i, gi) in g.iter().enumerate() {
        let eg = eta.clone() * gi;
        let du = eg.clone() * &theta[d + i];
        let dv = eg * &theta[i];
        theta[i] -= &du;
        theta[d + i] -= &dv;
    }
}

impl Parametrization for Uv {
    fn name(&self) -> &'static str {
        "uv"
    }
    fn blocks(&self) -> usize {
        2
    }
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T> {
        let ctx = alpha.ctx();
        let u = two::<T>(ctx).sqrt() * alpha;
        let mut theta = vec![u; d];
        theta.extend(vec![T::zero(ctx); d]);
        theta
    }
    #[inline(always)]
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]) {
        uv_beta(theta, out)
    }
    #[inline(always)]
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T) {
        uv_step(theta, g, eta)
    }
    fn local_jacobian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        out[0] = t[d + i];
        out[1] = t[i];
    }
    fn local_hessian(&self, _t: &[f64], _d: usize, _i: usize, out: &mut [f64]) {
        out.copy_from_slice(&[0.0, 1.0, 1.0, 0.0]);
    }
}

/// UV with an explicit initialization (Azulay et al.): β = u⊙v from any (u₀, v₀), the same
/// GD step as [`Uv`]. The scale of the implicit potential is k_i = 2(u₀ᵢ² + v₀ᵢ²).
#[derive(Debug, Clone, PartialEq)]
pub struct UvGeneral {
    /// u₀ (exact).
    pub u0: Vec<Rational>,
    /// v₀ (exact).
    pub v0: Vec<Rational>,
}

impl Parametrization for UvGeneral {
    fn name(&self) -> &'static str {
        "uv-general"
    }
    fn blocks(&self) -> usize {
        2
    }
    fn init<T: Real>(&self, _d: usize, alpha: &T) -> Vec<T> {
        self.u0.iter().chain(&self.v0).map(|q| T::from_rational(q, alpha.ctx())).collect()
    }
    #[inline(always)]
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]) {
        uv_beta(theta, out)
    }
    #[inline(always)]
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T) {
        uv_step(theta, g, eta)
    }
    fn local_jacobian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        Uv.local_jacobian(t, d, i, out)
    }
    fn local_hessian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        Uv.local_hessian(t, d, i, out)
    }
}

/// The signed UV form β = u₊⊙v₊ − u₋⊙v₋ from any initialization; θ = (u₊, v₊, u₋, v₋).
/// GD: u₊ ← u₊ − ηg⊙v₊, v₊ ← v₊ − ηg⊙u₊, u₋ ← u₋ + ηg⊙v₋, v₋ ← v₋ + ηg⊙u₋.
#[derive(Debug, Clone, PartialEq)]
pub struct UvSigned {
    /// (u₊, v₊, u₋, v₋) at initialization, each of length d.
    pub init: [Vec<Rational>; 4],
}

impl Parametrization for UvSigned {
    fn name(&self) -> &'static str {
        "uv-signed"
    }
    fn blocks(&self) -> usize {
        4
    }
    fn init<T: Real>(&self, _d: usize, alpha: &T) -> Vec<T> {
        self.init.iter().flatten().map(|q| T::from_rational(q, alpha.ctx())).collect()
    }
    #[inline(always)]
    fn beta<T: Real>(&self, t: &[T], out: &mut [T]) {
        let d = out.len();
        for (i, b) in out.iter_mut().enumerate() {
            *b = t[i].clone() * &t[d + i] - &(t[2 * d + i].clone() * &t[3 * d + i]);
        }
    }
    #[inline(always)]
    fn step<T: Real>(&self, t: &mut [T], g: &[T], eta: &T) {
        let d = g.len();
        for (i, gi) in g.iter().enumerate() {
            let eg = eta.clone() * gi;
            let (dup, dvp) = (eg.clone() * &t[d + i], eg.clone() * &t[i]);
            let (dum, dvm) = (eg.clone() * &t[3 * d + i], eg * &t[2 * d + i]);
            t[i] -= &dup;
            t[d + i] -= &dvp;
            t[2 * d + i] += &dum;
            t[3 * d + i] += &dvm;
        }
    }
    fn local_jacobian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        out.copy_from_slice(&[t[d + i], t[i], -t[3 * d + i], -t[2 * d + i]]);
    }
    fn local_hessian(&self, _t: &[f64], _d: usize, _i: usize, out: &mut [f64]) {
        out.fill(0.0);
        out[1] = 1.0;
        out[4] = 1.0;
        out[2 * 4 + 3] = -1.0;
        out[3 * 4 + 2] = -1.0;
    }
}

/// Depth-D network: β = a^D − b^D (elementwise), a₀ = b₀ = α·1, step
/// a ← a − ηD·a^{D−1}⊙g, b ← b + ηD·b^{D−1}⊙g. D = 2 is [`Pm`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Depth {
    /// D ≥ 2.
    pub depth: u32,
}

fn powi<T: Real>(x: &T, k: u32) -> T {
    let mut acc = T::one(x.ctx());
    for _ in 0..k {
        acc *= x;
    }
    acc
}

impl Parametrization for Depth {
    fn name(&self) -> &'static str {
        "depth"
    }
    fn blocks(&self) -> usize {
        2
    }
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T> {
        vec![alpha.clone(); 2 * d]
    }
    #[inline(always)]
    fn beta<T: Real>(&self, t: &[T], out: &mut [T]) {
        let d = out.len();
        for (i, b) in out.iter_mut().enumerate() {
            *b = powi(&t[i], self.depth) - &powi(&t[d + i], self.depth);
        }
    }
    #[inline(always)]
    fn step<T: Real>(&self, t: &mut [T], g: &[T], eta: &T) {
        let d = g.len();
        let eta_d = eta.clone() * &T::from_i64(self.depth as i64, eta.ctx());
        for (i, gi) in g.iter().enumerate() {
            let s = eta_d.clone() * gi;
            let da = powi(&t[i], self.depth - 1) * &s;
            let db = powi(&t[d + i], self.depth - 1) * &s;
            t[i] -= &da;
            t[d + i] += &db;
        }
    }
    fn local_jacobian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        let k = self.depth as i32;
        out[0] = k as f64 * t[i].powi(k - 1);
        out[1] = -(k as f64) * t[d + i].powi(k - 1);
    }
    fn local_hessian(&self, t: &[f64], d: usize, i: usize, out: &mut [f64]) {
        let k = self.depth as i32;
        let c = (k * (k - 1)) as f64;
        out.copy_from_slice(&[c * t[i].powi(k - 2), 0.0, 0.0, -c * t[d + i].powi(k - 2)]);
    }
}

/// Any of the parametrizations, chosen at run time (the CLI's `--model`).
#[derive(Debug, Clone, PartialEq)]
pub enum AnyModel {
    /// [`Sw`].
    Sw,
    /// [`Pm`].
    Pm,
    /// [`Uv`].
    Uv,
    /// [`UvGeneral`].
    UvGeneral(UvGeneral),
    /// [`UvSigned`].
    UvSigned(UvSigned),
    /// [`Depth`].
    Depth(Depth),
}

macro_rules! dispatch {
    ($self:expr, $m:ident => $e:expr) => {
        match $self {
            AnyModel::Sw => {
                let $m = &Sw;
                $e
            }
            AnyModel::Pm => {
                let $m = &Pm;
                $e
            }
            AnyModel::Uv => {
                let $m = &Uv;
                $e
            }
            AnyModel::UvGeneral($m) => $e,
            AnyModel::UvSigned($m) => $e,
            AnyModel::Depth($m) => $e,
        }
    };
}

impl Parametrization for AnyModel {
    fn name(&self) -> &'static str {
        dispatch!(self, m => m.name())
    }
    fn blocks(&self) -> usize {
        dispatch!(self, m => m.blocks())
    }
    fn init<T: Real>(&self, d: usize, alpha: &T) -> Vec<T> {
        dispatch!(self, m => m.init(d, alpha))
    }
    #[inline(always)]
    fn beta<T: Real>(&self, theta: &[T], out: &mut [T]) {
        dispatch!(self, m => m.beta(theta, out))
    }
    #[inline(always)]
    fn step<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T) {
        dispatch!(self, m => m.step(theta, g, eta))
    }
    #[inline(always)]
    fn step_beta<T: Real>(&self, theta: &mut [T], g: &[T], eta: &T, beta: &mut [T]) {
        dispatch!(self, m => m.step_beta(theta, g, eta, beta))
    }
    #[inline(always)]
    fn fused_step<T: Real>(&self, design: &Design<T>, theta: &mut [T], eta: &T) -> Option<T> {
        dispatch!(self, m => m.fused_step(design, theta, eta))
    }
    fn local_jacobian(&self, theta: &[f64], d: usize, i: usize, out: &mut [f64]) {
        dispatch!(self, m => m.local_jacobian(theta, d, i, out))
    }
    fn local_hessian(&self, theta: &[f64], d: usize, i: usize, out: &mut [f64]) {
        dispatch!(self, m => m.local_hessian(theta, d, i, out))
    }
}

/// Everything first-order at one parameter vector (f64): β(θ), the residual r = Xβ − y, the
/// gradient in β, g = Xᵀr/n, the gradient in θ, ∇_θL = Jᵀg, and the loss L = ‖r‖²/(2n).
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// β(θ).
    pub beta: Vec<f64>,
    /// r = Xβ − y.
    pub residual: Vec<f64>,
    /// g = ∇_βL = Xᵀr/n.
    pub grad_beta: Vec<f64>,
    /// ∇_θL = Jᵀg, read off a unit GD step: θ − step(θ, g, η = 1).
    pub grad_theta: Vec<f64>,
    /// L(θ).
    pub loss: f64,
}

impl Evaluation {
    /// Evaluate `model` at θ on `design`.
    ///
    /// ```
    /// use normsharp::{problem::model::{Evaluation, Sw}, problem::tasks::canonical_four};
    /// let e = Evaluation::new(&Sw, &canonical_four().design::<f64>(()), &[0.0, 0.0, 0.0, 0.5]);
    /// assert_eq!((e.loss, e.grad_theta), (0.0, vec![0.0; 4]));
    /// ```
    pub fn new<M: Parametrization + ?Sized>(model: &M, design: &Design<f64>, theta: &[f64]) -> Self {
        let mut beta = vec![0.0; design.d];
        model.beta(theta, &mut beta);
        let mut residual = vec![0.0; design.n];
        design.residual(&beta, &mut residual);
        let mut grad_beta = vec![0.0; design.d];
        design.grad_beta(&residual, &mut grad_beta);
        let mut stepped = theta.to_vec();
        model.step(&mut stepped, &grad_beta, &1.0);
        let grad_theta = theta.iter().zip(&stepped).map(|(a, b)| a - b).collect();
        let loss = design.loss(&residual);
        Evaluation { beta, residual, grad_beta, grad_theta, loss }
    }
    /// The dense parameter Hessian at this point.
    pub fn hessian<M: Parametrization + ?Sized>(&self, model: &M, design: &Design<f64>, theta: &[f64]) -> Vec<f64> {
        model.hessian(design, theta, &self.grad_beta)
    }
}
