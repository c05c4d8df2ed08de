//! Observers that watch a GD run: T4's exact product identity ([`ProductIdentity`]), the
//! tangent dynamics that measure rounding amplification and Lyapunov exponents
//! ([`TangentGrowth`]), and Even et al.'s exact representation of UV GD/SGD
//! ([`EvenIdentity`], THEORY.md §4 E).

use crate::dynamics::gd::Observer;
use crate::numeric::real::{ln_1p, two, Real};
use crate::problem::design::Design;
use crate::problem::model::Parametrization;
use crate::theory::potentials::Hyperbolic;

/// Checks THEORY.md T4 along a SW run: β_k = α²·exp(s_k − Gain_k) exactly, with
/// s_k = −4η Σ_{j<k} g_j and Gain_k = Σ_{j<k} [−2 ln|1 − 2η g_j| − 4η g_j]; records the
/// largest relative deviation seen and the final gain.
#[derive(Debug, Clone)]
pub struct ProductIdentity<T: Real> {
    alpha2: T,
    /// s_k per coordinate.
    pub s: Vec<T>,
    /// Gain_k per coordinate.
    pub gain: Vec<T>,
    /// max over steps and coordinates of |β_k,i − α²e^{s−Gain}| / |β_k,i|.
    pub max_rel_err: f64,
    /// Steps where a factor 1 − 2ηg hit zero (the identity is then not checked further).
    pub degenerate: bool,
    /// max over steps and coordinates of |s_k,i| + |Gain_k,i| (the size of the exponent, which
    /// sets the rounding of the sums).
    pub max_exponent: f64,
    /// max over steps and coordinates of 2ηg_k,i (signed: T4-gain's hypothesis is that it is < 1).
    pub max_step: f64,
    /// max over steps and coordinates of |2ηg_k,i|.
    pub max_abs_step: f64,
    /// The coefficient κ in s_k = −κη Σ g_j (κ = 4; other values exist to show that the
    /// check fails for a wrong formula).
    pub s_coefficient: i64,
}

impl<T: Real> ProductIdentity<T> {
    /// Start at α.
    pub fn new(alpha: &T, d: usize) -> Self {
        let ctx = alpha.ctx();
        ProductIdentity {
            alpha2: alpha.clone() * alpha,
            s: vec![T::zero(ctx); d],
            gain: vec![T::zero(ctx); d],
            max_rel_err: 0.0,
            degenerate: false,
            max_exponent: 0.0,
            max_step: f64::NEG_INFINITY,
            max_abs_step: 0.0,
            s_coefficient: 4,
        }
    }
    fn check(&mut self, beta: &[T]) {
        if self.degenerate {
            return;
        }
        for ((b, s), gain) in beta.iter().zip(&self.s).zip(&self.gain) {
            let pred = self.alpha2.clone() * &(s.clone() - gain).exp();
            let err = ((b.clone() - &pred) / b).abs().to_f64();
            if err.is_finite() {
                self.max_rel_err = self.max_rel_err.max(err);
            } else {
                self.degenerate = true;
            }
        }
    }
    /// Effective initialization α_∞,i² = α²·exp(−Gain_i).
    pub fn alpha_inf_sq(&self) -> Vec<T> {
        self.gain.iter().map(|g| self.alpha2.clone() * &(-g.clone()).exp()).collect()
    }
}

impl<T: Real> Observer<T> for ProductIdentity<T> {
    fn observe(&mut self, _k: u64, _theta: &[T], beta: &[T], g: &[T], eta: &T) {
        self.check(beta);
        let ctx = eta.ctx();
        let one = T::one(ctx);
        let four_eta = eta.clone() * &T::from_i64(4, ctx);
        let kappa_eta = eta.clone() * &T::from_i64(self.s_coefficient, ctx);
        for ((s, gain), gi) in self.s.iter_mut().zip(self.gain.iter_mut()).zip(g) {
            let x = four_eta.clone() * gi; // 4ηg
            let factor = (one.clone() - &(x.clone() / &T::from_i64(2, ctx))).abs(); // |1 − 2ηg|
            *s -= &(kappa_eta.clone() * gi);
            let term = -(factor.ln() * &T::from_i64(2, ctx)) - &x;
            *gain += &term;
            let u = x.to_f64() / 2.0;
            self.max_step = self.max_step.max(u);
            self.max_abs_step = self.max_abs_step.max(u.abs());
            self.max_exponent = self.max_exponent.max(s.to_f64().abs() + gain.to_f64().abs());
        }
    }
    fn finish(&mut self, _theta: &[T], beta: &[T]) {
        self.check(beta);
    }
}

/// The tangent dynamics of GD along a run: v ← (I − η∇²L(θ_k))v, renormalized, with the
/// accumulated ln of the growth. After a converged run, exp(`log_growth`) is the factor by
/// which a generic perturbation of the start (or a rounding error early in the run) has
/// been amplified, so ε·exp(`log_growth`) estimates the rounding error of the limit.
pub struct TangentGrowth<'a, M: Parametrization> {
    model: &'a M,
    design64: &'a Design<f64>,
    v: Vec<f64>,
    jv: Vec<f64>,
    /// Σ_k ln‖J_k v_k‖ so far.
    pub log_growth: f64,
    /// The largest partial sum seen.
    pub max_log_growth: f64,
    /// Steps observed.
    pub steps: u64,
}

impl<'a, M: Parametrization> TangentGrowth<'a, M> {
    /// Start with v = (1, …, 1)/√p for p parameters.
    pub fn new(model: &'a M, design64: &'a Design<f64>) -> Self {
        let p = model.n_params(design64.d);
        TangentGrowth {
            model,
            design64,
            v: vec![1.0 / (p as f64).sqrt(); p],
            jv: vec![0.0; p],
            log_growth: 0.0,
            max_log_growth: 0.0,
            steps: 0,
        }
    }

    /// One tangent step at θ (f64) with g = Xᵀr/n; returns ln‖J v‖.
    pub fn step(&mut self, theta: &[f64], g: &[f64], eta: f64) -> f64 {
        let p = self.v.len();
        let h = self.model.hessian(self.design64, theta, g);
        for i in 0..p {
            self.jv[i] = self.v[i] - eta * (0..p).map(|j| h[i * p + j] * self.v[j]).sum::<f64>();
        }
        let norm = self.jv.iter().map(|x| x * x).sum::<f64>().sqrt();
        let ln = if norm > 0.0 && norm.is_finite() {
            for i in 0..p {
                self.v[i] = self.jv[i] / norm;
            }
            norm.ln()
        } else {
            -745.0
        };
        self.log_growth += ln;
        self.max_log_growth = self.max_log_growth.max(self.log_growth);
        self.steps += 1;
        ln
    }

    /// The f64 design the Hessians use.
    pub fn design64(&self) -> &Design<f64> {
        self.design64
    }

    /// log10 of the growth.
    pub fn log10(&self) -> f64 {
        self.log_growth / std::f64::consts::LN_10
    }
}

impl<M: Parametrization, T: Real> Observer<T> for TangentGrowth<'_, M> {
    fn observe(&mut self, _k: u64, theta: &[T], _beta: &[T], g: &[T], eta: &T) {
        let th: Vec<f64> = theta.iter().map(Real::to_f64).collect();
        let g64: Vec<f64> = g.iter().map(Real::to_f64).collect();
        self.step(&th, &g64, eta.to_f64());
    }
}

/// ln|1 + u| (accurate for tiny u; also when 1 + u < 0, a step that flips the sign of w±).
fn ln_abs_1p<T: Real>(u: &T) -> T {
    let w = T::one(u.ctx()) + u;
    if w > T::zero(u.ctx()) {
        ln_1p(u)
    } else {
        w.abs().ln()
    }
}

/// q₊(x) = −2x − ln((1−x)²).
pub fn q_plus<T: Real>(x: &T) -> T {
    let ctx = x.ctx();
    -((x.clone() + &ln_abs_1p(&(-x.clone()))) * &two::<T>(ctx))
}

/// q₋(x) = 2x − ln((1+x)²).
pub fn q_minus<T: Real>(x: &T) -> T {
    let ctx = x.ctx();
    (x.clone() - &ln_abs_1p(x)) * &two::<T>(ctx)
}

/// Observer of Even et al.'s exact representation of UV GD or SGD from u₀ = √2α, v₀ = 0
/// (THEORY.md §4 E): with x_k = η g_k (g_k the gradient used for step k),
/// s_k = −2Σ_{j<k} x_j, α²±,k = α²·exp(−Σ_{j<k} q±(x_j)),
/// β_k = ½(α²₊,ₖ e^{s_k} − α²₋,ₖ e^{−s_k}) exactly.
///
/// At every step it records max_i |β_k,i − prediction| / ((u_i² + v_i²)/2): the scale is the
/// size of the two terms (½(w₊² + w₋²) = (u² + v²)/2), because β itself crosses zero (β₀ = 0).
#[derive(Debug, Clone)]
pub struct EvenIdentity<T: Real> {
    alpha2: T,
    /// s_k per coordinate.
    pub s: Vec<T>,
    /// Σ_{j<k} q₊(x_j) per coordinate.
    pub q_plus: Vec<T>,
    /// Σ_{j<k} q₋(x_j) per coordinate.
    pub q_minus: Vec<T>,
    /// Largest relative error of the identity seen so far.
    pub max_rel_err: f64,
    /// Steps checked.
    pub steps: u64,
    /// The κ in s_k = −κΣx_j (2; other values show that a wrong formula fails).
    pub s_coefficient: i64,
}

impl<T: Real> EvenIdentity<T> {
    /// Start at α for d coordinates.
    pub fn new(alpha: &T, d: usize) -> Self {
        let ctx = alpha.ctx();
        let z = vec![T::zero(ctx); d];
        EvenIdentity {
            alpha2: alpha.clone() * alpha,
            s: z.clone(),
            q_plus: z.clone(),
            q_minus: z,
            max_rel_err: 0.0,
            steps: 0,
            s_coefficient: 2,
        }
    }
    fn check(&mut self, theta: &[T], beta: &[T]) {
        let d = beta.len();
        let ctx = self.alpha2.ctx();
        for i in 0..d {
            let p = self.alpha2.clone() * &(self.s[i].clone() - &self.q_plus[i]).exp();
            let m = self.alpha2.clone() * &(-self.s[i].clone() - &self.q_minus[i]).exp();
            let pred = (p - &m) / &two::<T>(ctx);
            let scale = (theta[i].clone() * &theta[i] + &(theta[d + i].clone() * &theta[d + i])) / &two::<T>(ctx);
            let err = ((beta[i].clone() - &pred).abs() / &scale).to_f64();
            self.max_rel_err = if err.is_finite() { self.max_rel_err.max(err) } else { f64::INFINITY };
        }
        self.steps += 1;
    }
    /// α²₊,∞ = α²·exp(−Σq₊) per coordinate.
    pub fn alpha_plus_sq(&self) -> Vec<T> {
        self.q_plus.iter().map(|q| self.alpha2.clone() * &(-q.clone()).exp()).collect()
    }
    /// α²₋,∞ = α²·exp(−Σq₋) per coordinate.
    pub fn alpha_minus_sq(&self) -> Vec<T> {
        self.q_minus.iter().map(|q| self.alpha2.clone() * &(-q.clone()).exp()).collect()
    }
    /// The gain Σ q(x_j) = ½Σ(q₊ + q₋) per coordinate: α_∞² = α²·e^{−gain} = √(α²₊α²₋).
    pub fn gain(&self) -> Vec<T> {
        let ctx = self.alpha2.ctx();
        self.q_plus.iter().zip(&self.q_minus).map(|(p, m)| (p.clone() + m) / &two::<T>(ctx)).collect()
    }
    /// α_∞² = α²·exp(−gain) per coordinate.
    pub fn alpha_inf_sq(&self) -> Vec<T> {
        self.gain().iter().map(|g| self.alpha2.clone() * &(-g.clone()).exp()).collect()
    }
    /// β̃₀ = ½(α²₊,∞ − α²₋,∞).
    pub fn beta_tilde0(&self) -> Vec<T> {
        let ctx = self.alpha2.ctx();
        self.alpha_plus_sq().iter().zip(self.alpha_minus_sq()).map(|(p, m)| (p.clone() - &m) / &two::<T>(ctx)).collect()
    }
    /// The link of the Bregman limit: A = α²₊,∞, B = α²₋,∞.
    pub fn limit_link(&self) -> Hyperbolic<T> {
        let ctx = self.alpha2.ctx();
        let l = self.alpha2.clone().ln();
        Hyperbolic::from_logs(
            self.q_plus.iter().map(|q| Some(l.clone() - q)).collect(),
            self.q_minus.iter().map(|q| Some(l.clone() - q)).collect(),
            ctx,
        )
    }
}

impl<T: Real> Observer<T> for EvenIdentity<T> {
    fn observe(&mut self, _k: u64, theta: &[T], beta: &[T], g: &[T], eta: &T) {
        self.check(theta, beta);
        let kappa = T::from_i64(self.s_coefficient, eta.ctx());
        for (i, gi) in g.iter().enumerate() {
            let x = eta.clone() * gi;
            self.s[i] -= &(kappa.clone() * &x);
            self.q_plus[i] += &q_plus(&x);
            self.q_minus[i] += &q_minus(&x);
        }
    }
    fn finish(&mut self, theta: &[T], beta: &[T]) {
        self.check(theta, beta);
    }
}
