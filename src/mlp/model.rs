//! A one-hidden-layer perceptron f(x) = W₂ tanh(W₁x + b₁) + b₂ with the squared loss
//! L(θ) = (1/2n) Σ_i ‖f(x_i) − y_i‖², its exact gradient by hand-written backpropagation, and
//! a seeded initialization (W₁ ~ N(0, 1/d), W₂ ~ N(0, 1/h), biases 0: LeCun's scaling).
//!
//! Parameters are one flat vector θ = (W₁ (h×d, row-major), b₁ (h), W₂ (k×h), b₂ (k)).

use super::data::Dataset;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The architecture: input d, hidden h, output k.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mlp {
    /// Inputs.
    pub d: usize,
    /// Hidden units (tanh).
    pub h: usize,
    /// Outputs.
    pub k: usize,
}

/// Offsets of the blocks of θ.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub(crate) b1: usize,
    pub(crate) w2: usize,
    pub(crate) b2: usize,
    pub(crate) len: usize,
}

impl Mlp {
    /// For a data set with `h` hidden units.
    pub fn for_data(data: &Dataset, h: usize) -> Self {
        Mlp { d: data.d, h, k: data.k }
    }

    /// Number of parameters p = hd + h + kh + k.
    pub fn params(&self) -> usize {
        self.layout().len
    }

    pub(crate) fn layout(&self) -> Layout {
        let b1 = self.h * self.d;
        let w2 = b1 + self.h;
        let b2 = w2 + self.k * self.h;
        Layout { b1, w2, b2, len: b2 + self.k }
    }

    /// θ₀: W₁ entries N(0, 1/d), W₂ entries N(0, 1/h) (Box–Muller on ChaCha8 seeded by `seed`),
    /// biases 0.
    pub fn init(&self, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut normal = move || {
            let u1: f64 = 1.0 - rng.gen::<f64>();
            let u2: f64 = rng.gen::<f64>();
            (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        };
        let l = self.layout();
        let mut theta = vec![0.0; l.len];
        let (s1, s2) = ((self.d as f64).sqrt().recip(), (self.h as f64).sqrt().recip());
        theta[..l.b1].iter_mut().for_each(|v| *v = s1 * normal());
        theta[l.w2..l.b2].iter_mut().for_each(|v| *v = s2 * normal());
        theta
    }

    /// Hidden activations a = tanh(W₁x + b₁) of one input into `a`.
    pub(crate) fn hidden(&self, theta: &[f64], x: &[f64], a: &mut [f64]) {
        let l = self.layout();
        for (j, aj) in a.iter_mut().enumerate() {
            let row = &theta[j * self.d..(j + 1) * self.d];
            *aj = (theta[l.b1 + j] + dot(row, x)).tanh();
        }
    }

    /// Outputs o = W₂a + b₂ into `o`.
    pub(crate) fn output(&self, theta: &[f64], a: &[f64], o: &mut [f64]) {
        let l = self.layout();
        for (c, oc) in o.iter_mut().enumerate() {
            *oc = theta[l.b2 + c] + dot(&theta[l.w2 + c * self.h..l.w2 + (c + 1) * self.h], a);
        }
    }

    /// L(θ) = (1/2n) Σ ‖f(x_i) − y_i‖².
    pub fn loss(&self, theta: &[f64], data: &Dataset) -> f64 {
        let (mut a, mut o) = (vec![0.0; self.h], vec![0.0; self.k]);
        let mut sum = 0.0;
        for i in 0..data.n {
            self.hidden(theta, &data.x[i * self.d..(i + 1) * self.d], &mut a);
            self.output(theta, &a, &mut o);
            sum += o.iter().zip(&data.y[i * self.k..(i + 1) * self.k]).map(|(p, t)| (p - t) * (p - t)).sum::<f64>();
        }
        sum / (2.0 * data.n as f64)
    }

    /// L(θ) and ∇L(θ) into `grad`, by backpropagation: r = (f − y)/n, ∂W₂ = Σ r aᵀ,
    /// ∂b₂ = Σ r, δ = (W₂ᵀr) ⊙ (1 − a²), ∂W₁ = Σ δ xᵀ, ∂b₁ = Σ δ.
    pub fn loss_grad(&self, theta: &[f64], data: &Dataset, grad: &mut [f64]) -> f64 {
        let l = self.layout();
        let (d, h, k) = (self.d, self.h, self.k);
        grad.iter_mut().for_each(|g| *g = 0.0);
        let (mut a, mut o, mut delta) = (vec![0.0; h], vec![0.0; k], vec![0.0; h]);
        let inv_n = 1.0 / data.n as f64;
        let mut sum = 0.0;
        for i in 0..data.n {
            let x = &data.x[i * d..(i + 1) * d];
            self.hidden(theta, x, &mut a);
            self.output(theta, &a, &mut o);
            delta.iter_mut().for_each(|v| *v = 0.0);
            for c in 0..k {
                let e = o[c] - data.y[i * k + c];
                sum += e * e;
                let r = e * inv_n;
                grad[l.b2 + c] += r;
                let w2 = &theta[l.w2 + c * h..l.w2 + (c + 1) * h];
                let g2 = &mut grad[l.w2 + c * h..l.w2 + (c + 1) * h];
                for j in 0..h {
                    g2[j] += r * a[j];
                    delta[j] += w2[j] * r;
                }
            }
            for j in 0..h {
                let dj = delta[j] * (1.0 - a[j] * a[j]);
                grad[l.b1 + j] += dj;
                grad[j * d..(j + 1) * d].iter_mut().zip(x).for_each(|(g, xv)| *g += dj * xv);
            }
        }
        sum * 0.5 * inv_n
    }

    /// Classification error: the fraction of samples whose largest output is not their class.
    pub fn error_rate(&self, theta: &[f64], data: &Dataset) -> f64 {
        let (mut a, mut o) = (vec![0.0; self.h], vec![0.0; self.k]);
        let mut wrong = 0usize;
        for i in 0..data.n {
            self.hidden(theta, &data.x[i * self.d..(i + 1) * self.d], &mut a);
            self.output(theta, &a, &mut o);
            let best = (0..self.k).fold(0, |b, c| if o[c] > o[b] { c } else { b });
            wrong += usize::from(best != data.labels[i]);
        }
        wrong as f64 / data.n.max(1) as f64
    }
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
