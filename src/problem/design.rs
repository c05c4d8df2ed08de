//! The design in a working arithmetic: X (row-major) and y as reals, with the residual
//! r = Xβ − y, the gradient g = Xᵀr/n and the loss L = ‖r‖²/(2n) (THEORY.md §2).

use crate::numeric::real::Real;

/// A task's design and labels in a real type; X stored row-major.
#[derive(Debug, Clone)]
pub struct Design<T: Real> {
    /// Samples.
    pub n: usize,
    /// Features.
    pub d: usize,
    /// X, row-major (`x[i*d + j]`).
    pub x: Vec<T>,
    /// Labels.
    pub y: Vec<T>,
    /// X column-major (`xt[j*n + i]`): the layout the residual pass reads (axpy over
    /// columns, vectorized across samples).
    xt: Vec<T>,
    /// n as a real (kept so the hot loop builds no constants).
    n_real: T,
    /// 1/n (see [`Real::div_by`]).
    inv_n: T,
    /// 1/2.
    half: T,
}

impl<T: Real> Design<T> {
    /// A design from X (row-major n×d) and y.
    pub fn new(n: usize, d: usize, x: Vec<T>, y: Vec<T>, ctx: T::Ctx) -> Self {
        let n_real = T::from_i64(n as i64, ctx);
        let xt = (0..n * d).map(|k| x[(k % n) * d + k / n].clone()).collect();
        let inv_n = T::from_ratio(1, n as i64, ctx);
        let half = T::from_f64(0.5, ctx);
        Design { n, d, x, y, xt, n_real, inv_n, half }
    }
    /// The same design rounded to f64 (for Hessians and sharpness).
    pub fn to_f64(&self) -> Design<f64> {
        Design::new(self.n, self.d, self.x.iter().map(Real::to_f64).collect(), self.y.iter().map(Real::to_f64).collect(), ())
    }
    /// Row i of X.
    pub fn row(&self, i: usize) -> &[T] {
        &self.x[i * self.d..(i + 1) * self.d]
    }
    /// Context of the entries.
    pub fn ctx(&self) -> T::Ctx {
        self.y[0].ctx()
    }
    /// `out = Xβ − y` (the residual r).
    pub fn residual(&self, beta: &[T], out: &mut [T]) {
        T::matvec_both(self.n, self.d, &self.x, &self.xt, beta, out);
        for (o, yi) in out.iter_mut().zip(&self.y) {
            *o -= yi;
        }
    }
    /// `out = Xᵀr / n` (the gradient in β of L = (1/2n)‖Xβ − y‖²).
    pub fn grad_beta(&self, r: &[T], out: &mut [T]) {
        T::matvec_t(self.n, self.d, &self.x, r, out);
        self.div_n(out);
    }
    /// r = Xβ − y, g = Xᵀr/n and L = ‖r‖²/(2n) at once: the same values as
    /// [`Design::residual`], [`Design::grad_beta`] and [`Design::loss`] (in f64 one pass over X,
    /// [`Real::residual_grad`]).
    #[inline(always)]
    pub fn residual_grad(&self, beta: &[T], r: &mut [T], g: &mut [T]) -> T {
        let ss = T::residual_grad(self.n, self.d, &self.x, &self.xt, beta, &self.y, r, g);
        self.div_n(g);
        self.loss_from_sum_sq(ss)
    }
    /// Each entry divided by n: nothing for n = 1, `o·(1/n)` when n is a power of two (1/n is exact, so this is
    /// the same correctly rounded quotient without a division), else [`Real::div_by`].
    #[inline(always)]
    fn div_n(&self, out: &mut [T]) {
        if self.n == 1 {
            // x/1 = x.
        } else if self.n.is_power_of_two() {
            out.iter_mut().for_each(|o| *o *= &self.inv_n);
        } else {
            out.iter_mut().for_each(|o| o.div_by(&self.n_real, &self.inv_n));
        }
    }
    /// `out = x_i·r_i`, the gradient in β of ½(⟨x_i, β⟩ − y_i)² (one sample, for SGD).
    pub fn sample_grad(&self, i: usize, r: &[T], out: &mut [T]) {
        for (o, xij) in out.iter_mut().zip(self.row(i)) {
            *o = xij.clone() * &r[i];
        }
    }
    /// Loss from the residual: L = ‖r‖²/(2n).
    pub fn loss(&self, r: &[T]) -> T {
        self.loss_from_sum_sq(crate::numeric::real::norm2_sq(r, self.ctx()))
    }
    /// L = s/(2n) from s = ‖r‖².
    #[inline(always)]
    fn loss_from_sum_sq(&self, mut l: T) -> T {
        if self.n.is_power_of_two() {
            l *= &self.inv_n;
        } else {
            l.div_by(&self.n_real, &self.inv_n);
        }
        // Halving is exact: the same value as l/2 in every binary arithmetic.
        l *= &self.half;
        l
    }
}
