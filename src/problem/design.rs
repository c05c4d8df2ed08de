//! The design in a working arithmetic: X (row-major) and y as reals, with the residual
//! r = Xβ − y, the gradient g = Xᵀr/n and the loss L = ‖r‖²/(2n) (THEORY.md §2).

use crate::numeric::mpfr_dot::ScaledCols;
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
    /// X and Xᵀ row-major as f64, kept when every entry is exactly an f64 and the type has
    /// a mixed kernel ([`Real::matvec_t_f64`]: double-double, quad-double).
    exact64: Option<(Vec<f64>, Vec<f64>)>,
    /// 2 and 1/2 (for the loss).
    two: T,
    half: T,
    /// X and Xᵀ as integers times a power of two per column, when every entry of X is an exact
    /// double and `T` has [`Real::scaled_matvec`] (MPFR): then each entry of r and of Xᵀr is
    /// the exact sum rounded once.
    scaled: Option<Box<(ScaledCols, ScaledCols)>>,
}

impl<T: Real> Design<T> {
    /// A design from X (row-major n×d) and y.
    pub fn new(n: usize, d: usize, x: Vec<T>, y: Vec<T>, ctx: T::Ctx) -> Self {
        let n_real = T::from_i64(n as i64, ctx);
        let xt: Vec<T> = (0..n * d).map(|k| x[(k % n) * d + k / n].clone()).collect();
        let inv_n = T::from_ratio(1, n as i64, ctx);
        let exact = T::has_f64_matrix_kernel() && x.iter().all(|v| T::from_f64(v.to_f64(), ctx) == *v);
        let exact64 = exact.then(|| {
            let x64: Vec<f64> = x.iter().map(Real::to_f64).collect();
            let xt64 = xt.iter().map(Real::to_f64).collect();
            (x64, xt64)
        });
        let scaled = Self::scaled_form(n, d, &x, ctx);
        let (two, half) = (T::from_f64(2.0, ctx), T::from_f64(0.5, ctx));
        Design { n, d, x, y, xt, n_real, inv_n, exact64, two, half, scaled }
    }
    fn scaled_form(n: usize, d: usize, x: &[T], ctx: T::Ctx) -> Option<Box<(ScaledCols, ScaledCols)>> {
        if !T::SCALED_DOTS || x.len() != n * d {
            return None;
        }
        let x64: Vec<f64> = x.iter().map(Real::to_f64).collect();
        if x.iter().zip(&x64).any(|(a, &b)| T::from_f64(b, ctx) != *a) {
            return None;
        }
        let xt64: Vec<f64> = (0..n * d).map(|k| x64[(k % n) * d + k / n]).collect();
        Some(Box::new((ScaledCols::new(n, d, &x64)?, ScaledCols::new(d, n, &xt64)?)))
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
    #[inline(always)]
    pub fn residual(&self, beta: &[T], out: &mut [T]) {
        if let Some(s) = &self.scaled {
            // MPFR: each r_i = ⟨x_i, β⟩ − y_i is the exact sum rounded once.
            if T::scaled_matvec(&s.0, beta, Some(&self.y), out) {
                return;
            }
        }
        match &self.exact64 {
            // Xβ = (Xᵀ)ᵀβ with Xᵀ row-major (d×n).
            Some((_, xt64)) => T::matvec_t_f64(self.d, self.n, xt64, beta, out),
            None => T::matvec_both(self.n, self.d, &self.x, &self.xt, beta, out),
        }
        T::sub_each(out, &self.y);
    }
    /// `out = Xᵀr / n` (the gradient in β of L = (1/2n)‖Xβ − y‖²).
    #[inline(always)]
    pub fn grad_beta(&self, r: &[T], out: &mut [T]) {
        if !self.scaled.as_ref().is_some_and(|sc| T::scaled_matvec(&sc.1, r, None, out)) {
            match &self.exact64 {
                Some((x64, _)) => T::matvec_t_f64(self.n, self.d, x64, r, out),
                None => T::matvec_t(self.n, self.d, &self.x, r, out),
            }
        }
        self.div_n(out);
    }
    /// r = Xβ − y, g = Xᵀr/n and L = ‖r‖²/(2n) at once: the same values as
    /// [`Design::residual`], [`Design::grad_beta`] and [`Design::loss`] (f64: one pass over X,
    /// [`Real::residual_grad`]; MPFR and dd/qd on exact-double data: their own dot kernels).
    #[inline(always)]
    pub fn residual_grad(&self, beta: &[T], r: &mut [T], g: &mut [T]) -> T {
        if self.scaled.is_some() || self.exact64.is_some() {
            self.residual(beta, r);
            self.grad_beta(r, g);
            return self.loss(r);
        }
        let ss = T::residual_grad(self.n, self.d, &self.x, &self.xt, beta, &self.y, r, g);
        self.div_n(g);
        self.loss_from_sum_sq(ss)
    }
    /// One shared-weights GD step w ← w − 2ηw⊙g on a one-sample design in one kernel
    /// ([`Real::sw_step_one_sample`]; the plain layout only), returning L(w) before the step;
    /// `None` (w untouched) where it does not apply.
    #[inline(always)]
    pub fn sw_step_one_sample(&self, w: &mut [T], eta: &T) -> Option<T> {
        if self.n != 1 || self.scaled.is_some() || self.exact64.is_some() {
            return None;
        }
        T::sw_step_one_sample(&self.x, &self.y[0], w, eta)
    }
    /// Each entry divided by n (nothing for n = 1: x/1 = x), by [`Real::div_by_count`].
    #[inline(always)]
    fn div_n(&self, out: &mut [T]) {
        if self.n != 1 {
            T::div_each_by_count(out, self.n as u64, &self.n_real, &self.inv_n);
        }
    }
    /// `out = x_i·r_i`, the gradient in β of ½(⟨x_i, β⟩ − y_i)² (one sample, for SGD).
    pub fn sample_grad(&self, i: usize, r: &[T], out: &mut [T]) {
        for (o, xij) in out.iter_mut().zip(self.row(i)) {
            *o = xij.clone() * &r[i];
        }
    }
    /// Loss from the residual: L = ‖r‖²/(2n).
    #[inline(always)]
    pub fn loss(&self, r: &[T]) -> T {
        self.loss_from_sum_sq(crate::numeric::real::norm2_sq(r, self.ctx()))
    }
    /// L = s/(2n) from s = ‖r‖² (both divisions by [`Real::div_by_count`]; halving is exact).
    #[inline(always)]
    fn loss_from_sum_sq(&self, mut l: T) -> T {
        if self.n != 1 {
            l.div_by_count(self.n as u64, &self.n_real, &self.inv_n);
        }
        l.div_by_count(2, &self.two, &self.half);
        l
    }
}
