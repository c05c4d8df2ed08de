//! Exact rational linear algebra: Gauss–Jordan elimination over ℚ (solve, rank), with the
//! pivot chosen on an f64 shadow so the solutions of nearly consistent systems stay small.

use crate::numeric::real::Nearest;
use rug::Rational;

/// A solution of A z = b over the rationals (A given as rows), with the free variables at
/// zero, or `None` when the system is inconsistent. Gauss–Jordan elimination with the pivot
/// of largest magnitude (chosen on an f64 shadow of A; the elimination itself is exact), so
/// the solution of a nearly consistent correction system stays small.
pub fn solve_exact(a: &[Vec<Rational>], b: &[Rational]) -> Option<Vec<Rational>> {
    eliminate(a, b).0
}

/// Rank of a rational matrix (given as rows), by exact elimination.
pub fn rank_exact(a: &[Vec<Rational>]) -> usize {
    eliminate(a, &vec![Rational::new(); a.len()]).1
}

/// Gauss–Jordan elimination of [A | b]: (a basic solution if consistent, rank of A).
pub fn eliminate(a: &[Vec<Rational>], b: &[Rational]) -> (Option<Vec<Rational>>, usize) {
    let rows = a.len();
    let cols = a.first().map_or(0, Vec::len);
    let mut a: Vec<Vec<Rational>> = a.to_vec();
    let mut b: Vec<Rational> = b.to_vec();
    let mut shadow: Vec<Vec<f64>> = a.iter().map(|r| r.iter().map(Nearest::nearest).collect()).collect();
    let mut col_used = vec![false; cols];
    let mut pivots = Vec::new();
    while pivots.len() < rows.min(cols) {
        let step = pivots.len();
        let mut best: Option<(usize, usize)> = None;
        let mut best_mag = 0.0;
        for (r, srow) in shadow.iter().enumerate().skip(step) {
            for (c, &v) in srow.iter().enumerate() {
                if !col_used[c] && v.abs() > best_mag {
                    best = Some((r, c));
                    best_mag = v.abs();
                }
            }
        }
        // The shadow can miss an exact nonzero (underflow) or show rounding noise on an exact
        // zero: fall back to an exact search, and discard noise.
        let (r, c) = match best {
            Some((r, c)) if a[r][c] != 0 => (r, c),
            Some((r, c)) => {
                shadow[r][c] = 0.0;
                continue;
            }
            None => match (step..rows).flat_map(|r| (0..cols).map(move |c| (r, c))).find(|&(r, c)| !col_used[c] && a[r][c] != 0) {
                Some(p) => p,
                None => break,
            },
        };
        a.swap(step, r);
        b.swap(step, r);
        shadow.swap(step, r);
        col_used[c] = true;
        let inv = Rational::from(a[step][c].recip_ref());
        for v in a[step].iter_mut() {
            *v *= &inv;
        }
        b[step] *= &inv;
        let prow = a[step].clone();
        let pb = b[step].clone();
        let nz: Vec<usize> = (0..cols).filter(|&k| prow[k] != 0).collect();
        let prow_f: Vec<f64> = prow.iter().map(Nearest::nearest).collect();
        for r2 in 0..rows {
            if r2 == step || a[r2][c] == 0 {
                continue;
            }
            let f = a[r2][c].clone();
            let ff = f.nearest();
            for &k in &nz {
                a[r2][k] -= Rational::from(&f * &prow[k]);
                // The shadow only steers the pivot choice: plain f64 updates suffice.
                shadow[r2][k] -= ff * prow_f[k];
            }
            b[r2] -= Rational::from(&f * &pb);
        }
        for v in shadow[step].iter_mut() {
            *v = 0.0;
        }
        for srow in shadow.iter_mut() {
            srow[c] = 0.0;
        }
        pivots.push(c);
    }
    let rank = pivots.len();
    if b[rank..].iter().any(|v| *v != 0) {
        return (None, rank);
    }
    let mut z = vec![Rational::new(); cols];
    for (step, &c) in pivots.iter().enumerate() {
        z[c] = b[step].clone();
    }
    (Some(z), rank)
}
