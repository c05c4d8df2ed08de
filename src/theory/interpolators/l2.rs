//! The minimum-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y, exactly in rationals, with its certificate.

use super::*;
use crate::error::{Error, Result};
use crate::numeric::dixon::{common_denominator, scale_rows, DixonSolver};
use crate::numeric::exact::eliminate;
use crate::problem::task::Task;
use rug::{Integer, Rational};

/// Minimum ℓ2 interpolator β = Xᵀ(XXᵀ)⁻¹y, exactly in rationals. Error when XXᵀ is singular
/// (rank of X below n). The certificate checks exactly Xβ = y, β = Xᵀλ and the zero gap of
/// the dual max yᵀλ − ½‖Xᵀλ‖² ([`check_l2_certificate`]).
///
/// ```
/// use normsharp::theory::interpolators::min_l2;
/// let t = normsharp::problem::tasks::canonical_two();
/// let opt = min_l2(&t).unwrap();
/// assert_eq!(opt.beta, vec![0.2, 0.4]);
/// assert!(opt.certificate.valid && opt.certificate.gap == 0.0);
/// ```
pub fn min_l2(task: &Task) -> Result<Certified> {
    let (beta, lambda) = min_l2_pair(task)?;
    let certificate = check_l2_certificate(task, &beta, &lambda);
    let norm_sq = norm_sq_exact(&beta);
    Ok(Certified {
        beta: beta.iter().map(Nearest::nearest).collect(),
        objective: norm_sq.nearest().sqrt(),
        certificate,
        witness: Witness::L2 { beta, lambda },
    })
}

/// The exact minimum-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y (the vector only; see [`min_l2`]).
pub fn min_l2_exact(task: &Task) -> Result<Vec<Rational>> {
    min_l2_pair(task).map(|(beta, _)| beta)
}

/// (β, λ) with λ = (XXᵀ)⁻¹y and β = Xᵀλ, exactly. With X = L⁻¹X' (X' integer, L the row
/// scales) and G' = X'X'ᵀ: XXᵀλ = y ⇔ G'μ = Ly with λ = Lμ and β = X'ᵀμ, so the Gram matrix
/// and β are integer products and G'μ = Ly is solved by Dixon lifting
/// ([`crate::numeric::dixon`]); exact Gauss–Jordan only when G' is singular mod p (it decides
/// the rank for the error).
fn min_l2_pair(task: &Task) -> Result<(Vec<Rational>, Vec<Rational>)> {
    let n = task.n();
    let (xi, scales) = scale_rows(&task.x);
    let gram = integer_gram(&xi);
    if let Some(solver) = DixonSolver::new(n, gram) {
        let ly: Vec<Rational> = task.y.iter().zip(&scales).map(|(v, l)| Rational::from(v * l)).collect();
        let (nums, q) = common_denominator(&ly);
        let mut mu = solver.solve(&nums);
        mu.denom *= &q;
        let lambda: Vec<Rational> = mu
            .numer
            .iter()
            .zip(&scales)
            .map(|(m, l)| if *m == 0 { Rational::new() } else { Rational::from((Integer::from(m * l), mu.denom.clone())) })
            .collect();
        let beta: Vec<Rational> = (0..task.d())
            .map(|j| {
                let mut acc = Integer::new();
                for (row, m) in xi.iter().zip(&mu.numer) {
                    if row[j] != 0 && *m != 0 {
                        acc += &row[j] * m;
                    }
                }
                if acc == 0 {
                    Rational::new()
                } else {
                    Rational::from((acc, mu.denom.clone()))
                }
            })
            .collect();
        return Ok((beta, lambda));
    }
    let mut gram = vec![vec![Rational::new(); n]; n];
    for (i, ri) in task.x.iter().enumerate() {
        for (j, rj) in task.x.iter().enumerate().take(i + 1) {
            let v = ri.iter().zip(rj).fold(Rational::new(), |acc, (a, b)| acc + Rational::from(a * b));
            gram[i][j] = v.clone();
            gram[j][i] = v;
        }
    }
    let (solution, rank) = eliminate(&gram, &task.y);
    let lambda = solution.filter(|_| rank == n).ok_or_else(|| {
        Error::field(
            "X",
            format!("XXᵀ is singular: rank {rank} below n = {n}"),
            "linearly independent rows of X for the min-ℓ2 interpolator",
        )
    })?;
    Ok((xt_times(task, &lambda), lambda))
}

/// X'X'ᵀ (row-major) for integer rows X': i128 sums when 2·bits + log2 d ≤ 126 (exact), else
/// big integers.
fn integer_gram(xi: &[Vec<Integer>]) -> Vec<Integer> {
    let n = xi.len();
    let d = xi.first().map_or(0, Vec::len);
    let bits = xi.iter().flatten().map(Integer::significant_bits).max().unwrap_or(0);
    let mut g = vec![Integer::new(); n * n];
    let small: Option<Vec<Vec<i64>>> = if 2 * u64::from(bits) + u64::from(usize::BITS - d.leading_zeros()) <= 126 {
        xi.iter().map(|r| r.iter().map(Integer::to_i64).collect()).collect()
    } else {
        None
    };
    for i in 0..n {
        for j in 0..=i {
            let v = match &small {
                Some(s) => Integer::from(s[i].iter().zip(&s[j]).fold(0i128, |acc, (&a, &b)| acc + a as i128 * b as i128)),
                None => {
                    let mut acc = Integer::new();
                    for (a, b) in xi[i].iter().zip(&xi[j]) {
                        acc += a * b;
                    }
                    acc
                }
            };
            g[j * n + i] = v.clone();
            g[i * n + j] = v;
        }
    }
    g
}

/// Exact certificate of the min-ℓ2 interpolator: infeasibility |Xβ − y|∞/‖y‖∞, dual
/// infeasibility (stationarity) |β − Xᵀλ|∞/‖β‖∞, gap ½‖β‖² − (yᵀλ − ½‖Xᵀλ‖²) relative to
/// ½‖β‖²; valid iff all ≤ [`LP_TOL`].
pub fn check_l2_certificate(task: &Task, beta: &[Rational], lambda: &[Rational]) -> Certificate {
    let res = x_times(task, beta);
    let resid = res.iter().zip(&task.y).map(|(a, y)| Rational::from(a - y).abs()).max().unwrap_or_default();
    let xtl = xt_times(task, lambda);
    let stat = beta.iter().zip(&xtl).map(|(a, b)| Rational::from(a - b).abs()).max().unwrap_or_default();
    let half = Rational::from((1, 2));
    let primal = norm_sq_exact(beta) * &half;
    let dual = dot_exact(task.y.iter(), &common_denominator(lambda)) - norm_sq_exact(&xtl) * &half;
    let gap_q = Rational::from(&primal - &dual);
    let (gap, infeasibility, dual_infeasibility) = (rel(&gap_q, &primal), rel(&resid, &max_abs(&task.y)), rel(&stat, &max_abs(beta)));
    Certificate {
        gap,
        infeasibility,
        dual_infeasibility,
        valid: gap.abs() <= LP_TOL && infeasibility <= LP_TOL && dual_infeasibility <= LP_TOL,
        note: if gap_q == 0 && resid == 0 && stat == 0 {
            "exact rational check: Xβ = y, β = Xᵀλ, zero gap".into()
        } else {
            format!("exact rational check; tolerance {LP_TOL:e} relative")
        },
    }
}
