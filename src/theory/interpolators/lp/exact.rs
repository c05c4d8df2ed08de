//! Exact arithmetic of the LP repairs: integer fraction-free solves, products over common
//! denominators, the repair on the support, and the f64 LU the simplex pivots with.

use crate::problem::task::Task;
use rug::Rational;

/// Dense LU with partial pivoting of an n×n row-major matrix (f64; for the simplex pivots).
pub(super) struct Lu {
    n: usize,
    lu: Vec<f64>,
    perm: Vec<usize>,
}

impl Lu {
    pub(super) fn new(n: usize, mut a: Vec<f64>) -> Option<Lu> {
        let mut perm: Vec<usize> = (0..n).collect();
        let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for k in 0..n {
            let p = (k..n).max_by(|&i, &j| a[i * n + k].abs().total_cmp(&a[j * n + k].abs()))?;
            if !(a[p * n + k].abs() > 1e-13 * scale) {
                return None;
            }
            if p != k {
                for j in 0..n {
                    a.swap(k * n + j, p * n + j);
                }
                perm.swap(k, p);
            }
            let piv = a[k * n + k];
            for i in k + 1..n {
                let f = a[i * n + k] / piv;
                a[i * n + k] = f;
                if f != 0.0 {
                    for j in k + 1..n {
                        a[i * n + j] -= f * a[k * n + j];
                    }
                }
            }
        }
        Some(Lu { n, lu: a, perm })
    }
    /// x with A x = b.
    pub(super) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut x: Vec<f64> = self.perm.iter().map(|&p| b[p]).collect();
        for i in 0..n {
            for j in 0..i {
                x[i] -= self.lu[i * n + j] * x[j];
            }
        }
        for i in (0..n).rev() {
            for j in i + 1..n {
                x[i] -= self.lu[i * n + j] * x[j];
            }
            x[i] /= self.lu[i * n + i];
        }
        x
    }
    /// x with Aᵀ x = b.
    pub(super) fn solve_t(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut z = b.to_vec();
        for i in 0..n {
            for j in 0..i {
                z[i] -= self.lu[j * n + i] * z[j];
            }
            z[i] /= self.lu[i * n + i];
        }
        for i in (0..n).rev() {
            for j in i + 1..n {
                z[i] -= self.lu[j * n + i] * z[j];
            }
        }
        let mut x = vec![0.0; n];
        for (k, &p) in self.perm.iter().enumerate() {
            x[p] = z[k];
        }
        x
    }
}

/// Exact repair on the support read off the interior point: B = {i : score_i > 0}; β is
/// corrected on B to solve X_B β_B = y and ν to solve (Xᵀν)_i = ±c_i on B, both exactly with
/// the smallest corrections the elimination finds (a degenerate optimum, |B| < n, keeps the
/// interior ν off B, which is strictly feasible there).
pub(super) fn repair_on_support(
    task: &Task,
    weights: &[Rational],
    beta: &[Rational],
    nu: &[Rational],
    scores: &[f64],
) -> Option<(Vec<Rational>, Vec<Rational>)> {
    let d = task.d();
    let support: Vec<usize> = (0..d).filter(|&i| scores[i] > 0.0).collect();
    if support.is_empty() {
        return None;
    }
    let xtn = xt_times_exact(task, nu);
    // Primal: β_B + δ with X_B δ = y − X_B β_B.
    let mut beta_b = vec![Rational::new(); d];
    for &i in &support {
        beta_b[i] = beta[i].clone();
    }
    let r: Vec<Rational> = x_times_exact(task, &beta_b).into_iter().zip(&task.y).map(|(v, y)| Rational::from(y - &v)).collect();
    let xb: Vec<Vec<Rational>> = task.x.iter().map(|row| support.iter().map(|&i| row[i].clone()).collect()).collect();
    let delta = solve_fraction_free(&xb, &r)?;
    for (k, &i) in support.iter().enumerate() {
        beta_b[i] += &delta[k];
    }
    // Dual: ν + ε with (Xᵀε)_i = s_i c_i − (Xᵀν)_i on B, s_i the sign of β_i.
    let xbt: Vec<Vec<Rational>> = support.iter().map(|&i| task.x.iter().map(|row| row[i].clone()).collect()).collect();
    let rhs: Vec<Rational> = support
        .iter()
        .map(|&i| {
            let target = if beta_b[i] < 0 { Rational::from(-&weights[i]) } else { weights[i].clone() };
            target - &xtn[i]
        })
        .collect();
    let eps = solve_fraction_free(&xbt, &rhs)?;
    let nu_r: Vec<Rational> = nu.iter().zip(&eps).map(|(a, b)| Rational::from(a + b)).collect();
    Some((beta_b, nu_r))
}

pub(super) use super::super::{x_times as x_times_exact, xt_times as xt_times_exact};

/// Exact solution of A z = b (A given by rows, any shape): a basic solution (free variables
/// 0) if the system is consistent, `None` otherwise. Fraction-free elimination (Bareiss) on the
/// rows of [A | b] scaled to integers, then integer back substitution of det·z (Cramer's
/// numerators): every intermediate entry is a minor of the scaled matrix and every division
/// is exact, so the cost grows with the size of the minors instead of with the gcds of a
/// rational elimination (about 30× faster than [`crate::numeric::exact::solve_exact`] on
/// dense f64-valued 40×40 systems). A square system is first tried by Dixon lifting
/// ([`crate::numeric::dixon::solve_square_dixon`]: the same unique solution when A is
/// nonsingular, faster past a few dozen rows); Bareiss decides the rest.
pub(crate) fn solve_fraction_free(a: &[Vec<Rational>], b: &[Rational]) -> Option<Vec<Rational>> {
    let rows = a.len();
    let cols = a.first().map_or(0, Vec::len);
    if rows == cols && rows > 0 && b.len() == rows {
        if let Some(z) = crate::numeric::dixon::solve_square_dixon(a, b) {
            return Some(z);
        }
    }
    bareiss(a, b, rows, cols)
}

/// Bareiss elimination of [A | b] (the general-shape path of [`solve_fraction_free`]).
fn bareiss(a: &[Vec<Rational>], b: &[Rational], rows: usize, cols: usize) -> Option<Vec<Rational>> {
    use rug::Integer;
    let mut m: Vec<Vec<Integer>> = Vec::with_capacity(rows);
    for (row, bi) in a.iter().zip(b) {
        let mut l = Integer::from(1);
        for v in row.iter().chain(std::iter::once(bi)) {
            l.lcm_mut(v.denom());
        }
        m.push(row.iter().chain(std::iter::once(bi)).map(|v| Integer::from(v.numer() * Integer::from(&l / v.denom()))).collect());
    }
    let mut prev = Integer::from(1);
    let mut pivots: Vec<usize> = Vec::new();
    let mut col_used = vec![false; cols];
    let mut r = 0;
    while r < rows.min(cols) {
        // The nonzero candidate with the fewest bits keeps the entries small.
        let mut best: Option<(usize, usize, u32)> = None;
        for (i, row) in m.iter().enumerate().skip(r) {
            for (c, v) in row[..cols].iter().enumerate() {
                if !col_used[c] && *v != 0 {
                    let bits = v.significant_bits();
                    if best.is_none_or(|(_, _, b)| bits < b) {
                        best = Some((i, c, bits));
                    }
                }
            }
        }
        let Some((i, c, _)) = best else { break };
        m.swap(r, i);
        col_used[c] = true;
        let (top, below) = m.split_at_mut(r + 1);
        let prow = &top[r];
        let p = &prow[c];
        let live: Vec<usize> = (0..=cols).filter(|&j| j == cols || !col_used[j]).collect();
        for row in below.iter_mut() {
            let f = std::mem::take(&mut row[c]);
            for &j in &live {
                let mut v = Integer::from(p * &row[j]);
                if f != 0 && prow[j] != 0 {
                    v -= Integer::from(&f * &prow[j]);
                }
                v.div_exact_mut(&prev);
                row[j] = v;
            }
        }
        prev = p.clone();
        pivots.push(c);
        r += 1;
    }
    if m[r..].iter().any(|row| row[cols] != 0) {
        return None;
    }
    // Back substitution of Z = det·z on the pivot columns (free variables 0): row k reads
    // U_k,c_k z_c_k + Σ_{l>k} U_k,c_l z_c_l = b'_k, and Z_c_k = (det·b'_k − Σ U_k,c_l Z_c_l)/U_k,c_k
    // is an exact division (Cramer).
    let det = prev;
    let mut big = vec![Integer::new(); cols];
    for k in (0..r).rev() {
        let mut v = Integer::from(&det * &m[k][cols]);
        for &c in &pivots[k + 1..] {
            if m[k][c] != 0 && big[c] != 0 {
                v -= Integer::from(&m[k][c] * &big[c]);
            }
        }
        v.div_exact_mut(&m[k][pivots[k]]);
        big[pivots[k]] = v;
    }
    Some(big.into_iter().map(|v| if v == 0 { Rational::new() } else { Rational::from((v, det.clone())) }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded square systems with entries k/8 and k/7 (|k| ≤ 40): the Dixon path and Bareiss
    /// give the same exact solution, and it solves A z = b exactly; a consistent 3×5 system
    /// (Bareiss only) is solved exactly too.
    #[test]
    fn dixon_and_bareiss_agree_exactly() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut next = move || rng.gen_range(-40i64..=40);
        for n in [1usize, 2, 5, 12, 30] {
            let a: Vec<Vec<Rational>> =
                (0..n).map(|i| (0..n).map(|_| Rational::from((next(), if i % 2 == 0 { 8 } else { 7 }))).collect()).collect();
            let b: Vec<Rational> = (0..n).map(|_| Rational::from((next(), 3))).collect();
            let (Some(z), Some(zb)) = (solve_fraction_free(&a, &b), bareiss(&a, &b, n, n)) else { continue };
            assert_eq!(z, zb, "n = {n}");
            for (row, bi) in a.iter().zip(&b) {
                let lhs = row.iter().zip(&z).fold(Rational::new(), |acc, (x, v)| acc + Rational::from(x * v));
                assert_eq!(&lhs, bi);
            }
        }
        let a: Vec<Vec<Rational>> = (0..3).map(|_| (0..5).map(|_| Rational::from((next(), 8))).collect()).collect();
        let z0: Vec<Rational> = (0..5).map(|_| Rational::from(next())).collect();
        let b: Vec<Rational> =
            a.iter().map(|row| row.iter().zip(&z0).fold(Rational::new(), |acc, (x, v)| acc + Rational::from(x * v))).collect();
        let z = solve_fraction_free(&a, &b).expect("consistent");
        for (row, bi) in a.iter().zip(&b) {
            assert_eq!(&row.iter().zip(&z).fold(Rational::new(), |acc, (x, v)| acc + Rational::from(x * v)), bi);
        }
    }
}
