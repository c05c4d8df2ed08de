//! Scalar networks: the two-parameter model f = x·y with L(x, y) = ½(1 − xy)² (THEORY.md §4
//! "Scalar facts"; Kreisler et al. 2023; Zhu et al. 2023). With r = 1 − xy:
//!
//! - ∇L = −r·(y, x); GD: (x, y) ← (x + ηry, y + ηrx); GF: ẋ = ry, ẏ = rx.
//! - ∇²L = [[y², 2xy − 1], [2xy − 1, x²]]; at a minimizer (xy = 1) its eigenvalues are 0 and
//!   x² + y² = √(D² + 4) ≥ 2, D = x² − y² the imbalance (proofs/SN1.md).
//! - GF conserves D; one GD step multiplies it by exactly 1 − η²r² (proofs/SN3.md).
//!
//! Exact versions (rug::Rational) where the data and the step are rational: the GD step is a
//! polynomial map, so every iterate is rational.

use rug::{Integer, Rational};

/// r = 1 − xy.
pub fn residual(x: f64, y: f64) -> f64 {
    1.0 - x * y
}

/// L = ½(1 − xy)².
pub fn loss(x: f64, y: f64) -> f64 {
    let r = residual(x, y);
    0.5 * r * r
}

/// L = ½(1 − xy)², exactly.
pub fn loss_exact(x: &Rational, y: &Rational) -> Rational {
    let r = Rational::from(1) - Rational::from(x * y);
    Rational::from(&r * &r) / 2
}

/// One GD step at rate η: (x, y) ← (x + ηry, y + ηrx), r = 1 − xy.
pub fn gd_step(x: f64, y: f64, eta: f64) -> (f64, f64) {
    let r = residual(x, y);
    (x + eta * r * y, y + eta * r * x)
}

/// One GD step at rate η, exactly; also returns r = 1 − xy at the start of the step.
pub fn gd_step_exact(x: &Rational, y: &Rational, eta: &Rational) -> (Rational, Rational, Rational) {
    let r = Rational::from(1) - Rational::from(x * y);
    let er = Rational::from(eta * &r);
    let nx = Rational::from(x + Rational::from(&er * y));
    let ny = Rational::from(y + Rational::from(&er * x));
    (nx, ny, r)
}

/// The imbalance D = x² − y².
pub fn imbalance(x: f64, y: f64) -> f64 {
    x * x - y * y
}

/// The Hessian of L at (x, y), measured exactly from values of L alone: L is a quartic
/// polynomial, so the central second difference A(h) = δ²L/h² equals the second derivative plus
/// exactly (h²/12)·(fourth derivative), and (4A(h) − A(2h))/3 removes it (the same for the mixed
/// difference, whose h² term is (h²/6)(L_xxxy + L_xyyy)). No derivative formula is used.
pub fn hessian_by_differences(x: &Rational, y: &Rational) -> [[Rational; 2]; 2] {
    let f = |dx: &Rational, dy: &Rational| loss_exact(&Rational::from(x + dx), &Rational::from(y + dy));
    let zero = Rational::new();
    let second = |h: &Rational, along_x: bool| -> Rational {
        let (p, m) = (h.clone(), Rational::from(-h));
        let (fp, fm) = if along_x { (f(&p, &zero), f(&m, &zero)) } else { (f(&zero, &p), f(&zero, &m)) };
        (fp + fm - Rational::from(2) * f(&zero, &zero)) / Rational::from(h * h)
    };
    let mixed = |h: &Rational| -> Rational {
        let m = Rational::from(-h);
        (f(h, h) - f(h, &m) - f(&m, h) + f(&m, &m)) / (Rational::from(h * h) * 4)
    };
    let (h, h2) = (Rational::from(1), Rational::from(2));
    let rich = |a: Rational, b: Rational| (a * 4 - b) / 3;
    let hxx = rich(second(&h, true), second(&h2, true));
    let hyy = rich(second(&h, false), second(&h2, false));
    let hxy = rich(mixed(&h), mixed(&h2));
    [[hxx, hxy.clone()], [hxy, hyy]]
}

/// The exact square root of a rational, when it is a perfect square.
pub fn sqrt_exact(q: &Rational) -> Option<Rational> {
    if *q < 0 {
        return None;
    }
    let (n, d) = (q.numer(), q.denom());
    (n.is_perfect_square() && d.is_perfect_square()).then(|| Rational::from((Integer::from(n.sqrt_ref()), Integer::from(d.sqrt_ref()))))
}

/// The largest eigenvalue of a symmetric 2×2 rational matrix, (tr + √((a − c)² + 4b²))/2,
/// exactly when the discriminant is a perfect square (else `None`).
pub fn lambda_max_exact(h: &[[Rational; 2]; 2]) -> Option<Rational> {
    let diff = Rational::from(&h[0][0] - &h[1][1]);
    let disc = Rational::from(&diff * &diff) + Rational::from(&h[0][1] * &h[0][1]) * 4;
    let root = sqrt_exact(&disc)?;
    Some((Rational::from(&h[0][0] + &h[1][1]) + root) / 2)
}

/// The largest eigenvalue of ∇²L at (x, y) in f64 (closed form of the symmetric 2×2 case).
pub fn sharpness(x: f64, y: f64) -> f64 {
    let (a, c, b) = (y * y, x * x, 2.0 * x * y - 1.0);
    0.5 * (a + c + ((a - c) * (a - c) + 4.0 * b * b).sqrt())
}

/// Gradient flow ẋ = ry, ẏ = rx from (x, y) for time `t` by classical RK4 with `steps` steps.
pub fn gf_rk4(x: f64, y: f64, t: f64, steps: usize) -> (f64, f64) {
    let h = t / steps as f64;
    let f = |x: f64, y: f64| {
        let r = residual(x, y);
        (r * y, r * x)
    };
    let (mut x, mut y) = (x, y);
    for _ in 0..steps {
        let k1 = f(x, y);
        let k2 = f(x + 0.5 * h * k1.0, y + 0.5 * h * k1.1);
        let k3 = f(x + 0.5 * h * k2.0, y + 0.5 * h * k2.1);
        let k4 = f(x + h * k3.0, y + h * k3.1);
        x += h / 6.0 * (k1.0 + 2.0 * k2.0 + 2.0 * k3.0 + k4.0);
        y += h / 6.0 * (k1.1 + 2.0 * k2.1 + 2.0 * k3.1 + k4.1);
    }
    (x, y)
}

/// How a GD run on the scalar network ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarOutcome {
    /// L < `loss_tol` at some step and at every one of the following `confirm` steps.
    Converged,
    /// |x| + |y| exceeded 10⁶ or became non-finite.
    Diverged,
    /// Neither within the step budget.
    Undecided,
}

/// A GD run on the scalar network (f64).
#[derive(Debug, Clone)]
pub struct ScalarRun {
    /// The outcome.
    pub outcome: ScalarOutcome,
    /// Steps taken.
    pub steps: usize,
    /// The last iterate.
    pub last: (f64, f64),
    /// Steps where η|r| > √2 (where one step can grow |D|).
    pub large_steps: usize,
}

/// GD from (x, y) at rate η until L < `loss_tol` holds for `confirm` consecutive further steps,
/// divergence, or `max_steps`. `each` sees every iterate (k, x, y), the initial one included.
pub fn run_gd(
    x: f64,
    y: f64,
    eta: f64,
    loss_tol: f64,
    confirm: usize,
    max_steps: usize,
    mut each: impl FnMut(usize, f64, f64),
) -> ScalarRun {
    let (mut x, mut y) = (x, y);
    let mut below = 0usize;
    let mut large_steps = 0;
    each(0, x, y);
    for k in 0..max_steps {
        if loss(x, y) < loss_tol {
            below += 1;
            if below > confirm {
                return ScalarRun { outcome: ScalarOutcome::Converged, steps: k, last: (x, y), large_steps };
            }
        } else {
            below = 0;
        }
        if eta * residual(x, y).abs() > std::f64::consts::SQRT_2 {
            large_steps += 1;
        }
        (x, y) = gd_step(x, y, eta);
        each(k + 1, x, y);
        if !(x.abs() + y.abs() <= 1e6) {
            return ScalarRun { outcome: ScalarOutcome::Diverged, steps: k + 1, last: (x, y), large_steps };
        }
    }
    ScalarRun { outcome: ScalarOutcome::Undecided, steps: max_steps, last: (x, y), large_steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_give_the_hessian_exactly() {
        let (x, y) = (Rational::from((3, 7)), Rational::from((-5, 2)));
        let h = hessian_by_differences(&x, &y);
        let xy = Rational::from(&x * &y);
        assert_eq!(h[0][0], Rational::from(&y * &y));
        assert_eq!(h[1][1], Rational::from(&x * &x));
        assert_eq!(h[0][1], xy * 2 - 1);
    }

    #[test]
    fn exact_step_matches_f64() {
        let (x, y, eta) = (Rational::from((1, 4)), Rational::from((3, 2)), Rational::from((1, 2)));
        let (nx, ny, _) = gd_step_exact(&x, &y, &eta);
        let (fx, fy) = gd_step(0.25, 1.5, 0.5);
        assert_eq!((nx.to_f64(), ny.to_f64()), (fx, fy));
    }
}
