//! Rational matrices and vectors as integers over common denominators (row scales), the
//! input form of the Dixon solver and of the exact LP checks.

use rug::{Integer, Rational};

/// Rows of a rational matrix scaled to integers: (A', L) with A' = diag(L)·A integer.
pub fn scale_rows(a: &[Vec<Rational>]) -> (Vec<Vec<Integer>>, Vec<Integer>) {
    let mut rows = Vec::with_capacity(a.len());
    let mut scales = Vec::with_capacity(a.len());
    for row in a {
        // Denominators and scaled numerators in i64 when they fit (no big-number calls).
        let small_l = row.iter().try_fold(1u64, |l, v| {
            let d = v.denom().to_u64()?;
            let (mut x, mut y) = (l, d);
            while y != 0 {
                (x, y) = (y, x % y);
            }
            (l / x).checked_mul(d).filter(|&m| m <= 1 << 62)
        });
        if let Some(l) = small_l {
            let scaled: Option<Vec<Integer>> =
                row.iter().map(|v| Some(Integer::from(v.numer().to_i64()?.checked_mul((l / v.denom().to_u64()?) as i64)?))).collect();
            if let Some(r) = scaled {
                rows.push(r);
                scales.push(Integer::from(l));
                continue;
            }
        }
        let mut l = Integer::from(1);
        for v in row {
            if *v.denom() != 1 {
                l.lcm_mut(v.denom());
            }
        }
        rows.push(
            row.iter()
                .map(|v| if *v.denom() == l { v.numer().clone() } else { Integer::from(v.numer() * Integer::from(&l / v.denom())) })
                .collect(),
        );
        scales.push(l);
    }
    (rows, scales)
}

/// A rational matrix as diag(L)⁻¹·A' with A' integer: A' in i64 (row-major) when every row
/// scales into it, else in big integers.
pub struct ScaledRows {
    /// Rows.
    pub n: usize,
    /// Columns.
    pub d: usize,
    /// A' row-major, when all entries fit in i64.
    pub small: Option<Vec<i64>>,
    /// A' by rows, when `small` is `None`.
    pub big: Vec<Vec<Integer>>,
    /// L > 0.
    pub scales: Vec<Integer>,
}

impl ScaledRows {
    /// Scales the rows of A to integers ([`scale_rows`]), keeping A' in i64 when it fits.
    pub fn new(a: &[Vec<Rational>]) -> Self {
        let (n, d) = (a.len(), a.first().map_or(0, Vec::len));
        let mut small = Vec::with_capacity(n * d);
        let mut scales = Vec::with_capacity(n);
        let fits = a.iter().all(|row| {
            let Some(l) = row.iter().try_fold(1u64, |l, v| {
                let den = v.denom().to_u64()?;
                let (mut x, mut y) = (l, den);
                while y != 0 {
                    (x, y) = (y, x % y);
                }
                (l / x).checked_mul(den).filter(|&m| m <= 1 << 62)
            }) else {
                return false;
            };
            scales.push(Integer::from(l));
            row.iter().all(|v| match (v.numer().to_i64(), v.denom().to_u64()) {
                (Some(num), Some(den)) => num.checked_mul((l / den) as i64).map(|x| small.push(x)).is_some(),
                _ => false,
            })
        });
        if fits && small.len() == n * d {
            return ScaledRows { n, d, small: Some(small), big: Vec::new(), scales };
        }
        let (big, scales) = scale_rows(a);
        ScaledRows { n, d, small: None, big, scales }
    }
    /// A'_ij.
    pub fn get(&self, i: usize, j: usize) -> Integer {
        match &self.small {
            Some(s) => Integer::from(s[i * self.d + j]),
            None => self.big[i][j].clone(),
        }
    }
}

/// v over one common denominator: (N, q) with v_i = N_i/q.
pub fn common_denominator(v: &[Rational]) -> (Vec<Integer>, Integer) {
    let mut q = Integer::from(1);
    for x in v {
        if *x.denom() != 1 {
            q.lcm_mut(x.denom());
        }
    }
    let nums = v
        .iter()
        .map(|x| if *x.denom() == q { x.numer().clone() } else { Integer::from(x.numer() * Integer::from(&q / x.denom())) })
        .collect();
    (nums, q)
}
