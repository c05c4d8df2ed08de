//! Gradient flow from a tiny initialization in log-domain variables (THEORY.md §4 P): the
//! rescaled dual variable s(t̃) = −(1/λ)∫∇L, λ = ln(1/α), obeys s′ = −Xᵀ(Xβ(s) − y)/n exactly
//! (the GF of UV, PM or SW after the time change of [`crate::theory::saddles`]), with
//! β(s) from [`beta_of_s`]: no (u, v) and no α², which underflow for α ≪ 1e-154.
//!
//! Integrated by Dormand–Prince 5(4) with step control on s (absolute tolerance `atol`) and a
//! step cap `h_max`; the jump to a plateau is located on the accepted steps.

use crate::theory::interpolators::Sign;
use crate::theory::saddles::beta_of_s;

/// The data of a log-domain flow.
pub struct LogFlow<'a> {
    /// X, rows are samples.
    pub x: &'a [Vec<f64>],
    /// y.
    pub y: &'a [f64],
    /// Sign constraint (SW: β ≥ 0).
    pub sign: Sign,
    /// The factor of β(s) (UV ½, PM and SW 1).
    pub scale: f64,
    /// λ = ln(1/α).
    pub lambda: f64,
}

impl LogFlow<'_> {
    /// β(s).
    pub fn beta(&self, s: &[f64]) -> Vec<f64> {
        s.iter().map(|&v| beta_of_s(self.sign, self.scale, self.lambda, v)).collect()
    }
    /// s′ = −Xᵀ(Xβ(s) − y)/n.
    fn rhs(&self, s: &[f64], out: &mut [f64]) {
        let beta = self.beta(s);
        let n = self.x.len() as f64;
        out.iter_mut().for_each(|v| *v = 0.0);
        for (row, yi) in self.x.iter().zip(self.y) {
            let r = row.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>() - yi;
            for (o, a) in out.iter_mut().zip(row) {
                *o -= a * r / n;
            }
        }
    }

    /// Integrate from s = 0 at t̃ = 0 to `t_end`, calling `each(t, s)` at every accepted step
    /// (and at t = 0). Returns the number of accepted steps, or `None` if the step size
    /// collapsed below 1e-14.
    pub fn integrate(&self, t_end: f64, atol: f64, h_max: f64, mut each: impl FnMut(f64, &[f64])) -> Option<usize> {
        const C: [f64; 7] = [0.0, 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0];
        const A: [[f64; 6]; 7] = [
            [0.0; 6],
            [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
            [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
            [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
            [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
            [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
        ];
        const B5: [f64; 7] = [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];
        const B4: [f64; 7] = [5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0, -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0];
        let _ = C;
        let d = self.x.first().map_or(0, Vec::len);
        let mut s = vec![0.0; d];
        let mut t = 0.0;
        let mut h = h_max.min(1e-3);
        let mut k = vec![vec![0.0; d]; 7];
        let mut tmp = vec![0.0; d];
        let mut accepted = 0;
        each(t, &s);
        while t < t_end {
            h = h.min(t_end - t);
            self.rhs(&s, &mut k[0]);
            for stage in 1..7 {
                for i in 0..d {
                    tmp[i] = s[i] + h * (0..stage).map(|j| A[stage][j] * k[j][i]).sum::<f64>();
                }
                let (head, tail) = k.split_at_mut(stage);
                let _ = head;
                self.rhs(&tmp, &mut tail[0]);
            }
            let mut err = 0.0f64;
            let mut next = vec![0.0; d];
            for i in 0..d {
                let hi5: f64 = (0..7).map(|j| B5[j] * k[j][i]).sum();
                let hi4: f64 = (0..7).map(|j| B4[j] * k[j][i]).sum();
                next[i] = s[i] + h * hi5;
                err = err.max((h * (hi5 - hi4)).abs() / atol);
            }
            // A step that leaves f64 (an overflowing e^{λ·…} in a stage at large λ) is rejected
            // and retried shorter: f64::max would otherwise ignore the NaN and accept it.
            if err.is_nan() || next.iter().any(|v| !v.is_finite()) {
                err = f64::INFINITY;
            }
            if err <= 1.0 {
                t += h;
                s = next;
                accepted += 1;
                each(t, &s);
            }
            let factor = if err == 0.0 { 5.0 } else { (0.9 * err.powf(-0.2)).clamp(0.2, 5.0) };
            h = (h * factor).min(h_max);
            if h < 1e-14 {
                return None;
            }
        }
        Some(accepted)
    }
}
