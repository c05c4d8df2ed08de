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

use crate::numeric::modp::{inv_mod, mul_mod, sub_mod, P};

/// Rank over the field 𝔽_p (p = 2⁶¹ − 1, [`crate::numeric::modp::P`]) of A with each row
/// scaled to integers by the lcm of its denominators (so no denominator is reduced mod p:
/// the `Option` is always `Some`). Always ≤ the rank over
/// ℚ (a minor that is nonzero mod p is a nonzero integer), so rank_p = number of rows proves
/// full row rank over ℚ in O(n²d) word operations instead of an exact elimination.
pub fn rank_mod_p(a: &[Vec<Rational>]) -> Option<usize> {
    use rug::Integer;
    let p = Integer::from(P);
    let mut m: Vec<Vec<u64>> = Vec::with_capacity(a.len());
    for row in a {
        let lcm = row.iter().fold(Integer::from(1), |l, q| l.lcm(q.denom()));
        let r: Vec<u64> = row
            .iter()
            .map(|q| {
                let v = Integer::from(q.numer() * Integer::from(&lcm / q.denom()));
                let mut r = Integer::from(&v % &p);
                if r < 0 {
                    r += &p;
                }
                r.to_u64().unwrap_or(0)
            })
            .collect();
        m.push(r);
    }
    let (rows, cols) = (m.len(), m.first().map_or(0, Vec::len));
    let mut rank = 0;
    for c in 0..cols {
        let Some(piv) = (rank..rows).find(|&r| m[r][c] != 0) else { continue };
        m.swap(rank, piv);
        let inv = inv_mod(m[rank][c]);
        for r in rank + 1..rows {
            if m[r][c] != 0 {
                let f = mul_mod(m[r][c], inv);
                for k in c..cols {
                    let sub = mul_mod(f, m[rank][k]);
                    m[r][k] = sub_mod(m[r][k], sub);
                }
            }
        }
        rank += 1;
        if rank == rows {
            break;
        }
    }
    Some(rank)
}

/// Indices of a maximal set of linearly independent rows of A (over ℚ, exact), the first
/// independent ones in order: each row is reduced against the echelon basis of the rows
/// kept so far and kept when a nonzero entry remains.
pub fn independent_rows(a: &[Vec<Rational>]) -> Vec<usize> {
    let mut basis: Vec<(usize, Vec<Rational>)> = Vec::new(); // (pivot column, row with pivot 1)
    let mut kept = Vec::new();
    for (i, row) in a.iter().enumerate() {
        let mut r = row.clone();
        for (p, b) in &basis {
            if r[*p] != 0 {
                let f = r[*p].clone();
                for (x, y) in r.iter_mut().zip(b) {
                    *x -= Rational::from(&f * y);
                }
            }
        }
        if let Some(p) = r.iter().position(|x| *x != 0) {
            let inv = Rational::from(1) / r[p].clone();
            for x in r.iter_mut() {
                *x *= &inv;
            }
            basis.push((p, r));
            kept.push(i);
        }
    }
    kept
}
