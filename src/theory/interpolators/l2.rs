//! The minimum-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y, exactly in rationals, with its certificate.

use super::*;
use crate::error::{Error, Result};
use crate::numeric::exact::eliminate;
use crate::problem::task::Task;
use rug::Rational;

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
    let norm_sq = beta.iter().fold(Rational::new(), |acc, b| acc + Rational::from(b * b));
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

/// (β, λ) with λ = (XXᵀ)⁻¹y and β = Xᵀλ, by exact Gaussian elimination.
fn min_l2_pair(task: &Task) -> Result<(Vec<Rational>, Vec<Rational>)> {
    let n = task.n();
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

/// Exact certificate of the min-ℓ2 interpolator: infeasibility |Xβ − y|∞/‖y‖∞, dual
/// infeasibility (stationarity) |β − Xᵀλ|∞/‖β‖∞, gap ½‖β‖² − (yᵀλ − ½‖Xᵀλ‖²) relative to
/// ½‖β‖²; valid iff all ≤ [`LP_TOL`].
pub fn check_l2_certificate(task: &Task, beta: &[Rational], lambda: &[Rational]) -> Certificate {
    let res = x_times(task, beta);
    let resid = res.iter().zip(&task.y).map(|(a, y)| Rational::from(a - y).abs()).max().unwrap_or_default();
    let xtl = xt_times(task, lambda);
    let stat = beta.iter().zip(&xtl).map(|(a, b)| Rational::from(a - b).abs()).max().unwrap_or_default();
    let half = Rational::from((1, 2));
    let primal = beta.iter().fold(Rational::new(), |acc, b| acc + Rational::from(b * b)) * &half;
    let dual = task.y.iter().zip(lambda).fold(Rational::new(), |acc, (y, l)| acc + Rational::from(y * l))
        - xtl.iter().fold(Rational::new(), |acc, b| acc + Rational::from(b * b)) * &half;
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
