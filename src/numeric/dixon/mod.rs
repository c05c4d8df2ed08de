//! Exact solution of square nonsingular integer/rational systems by Dixon's p-adic lifting
//! (J. D. Dixon, "Exact solution of linear equations using p-adic expansions", Numer. Math.
//! 40, 1982): one LU factorization of A mod p = 2⁶¹ − 1, then per lift one triangular solve
//! mod p and one integer residual update r ← (r − A·x_k)/p, until p^K > 2·N·D with N, D
//! Hadamard bounds on the Cramer numerators and on |det A|; every entry of the solution is
//! then the unique rational a/b with |a| ≤ N, 0 < b ≤ D and a ≡ b·z (mod p^K) (rational
//! reconstruction, Wang 1981). Cost O(n³) word operations for the LU plus O(n²) per lift,
//! instead of the O(n³) big-number operations of an elimination over ℚ.
//!
//! A matrix singular mod p is reported as `None` (it may still be nonsingular over ℚ when
//! p divides det A: callers fall back to an exact elimination, which decides).

mod scaled;
pub use scaled::{common_denominator, scale_rows, ScaledRows};

use rug::ops::Pow;
use rug::{Integer, Rational};

pub use crate::numeric::modp::P;
use crate::numeric::modp::{add_mod, inv_mod, mul_mod, sub_mod};

/// v mod p in [0, p).
fn reduce(v: &Integer) -> u64 {
    if let Some(s) = v.to_i64() {
        return s.rem_euclid(P as i64) as u64;
    }
    let mut r = Integer::from(v % P);
    if r < 0 {
        r += P;
    }
    r.to_u64().unwrap_or(0)
}

/// A square integer matrix (row-major) with an i64 copy when every entry fits.
struct IntMat {
    n: usize,
    big: Vec<Integer>,
    small: Option<Vec<i64>>,
    /// Bits of the largest |entry|.
    bits: u32,
}

impl IntMat {
    /// From big entries (kept only when some entry does not fit in i64).
    fn new(n: usize, big: Vec<Integer>) -> Self {
        let bits = big.iter().map(Integer::significant_bits).max().unwrap_or(0);
        let small: Option<Vec<i64>> = if bits <= 62 { big.iter().map(Integer::to_i64).collect() } else { None };
        let big = if small.is_some() { Vec::new() } else { big };
        IntMat { n, big, small, bits }
    }
    fn from_small(n: usize, small: Vec<i64>) -> Self {
        let bits = small.iter().map(|v| 64 - v.unsigned_abs().leading_zeros()).max().unwrap_or(0);
        if bits > 62 {
            return IntMat::new(n, small.into_iter().map(Integer::from).collect());
        }
        IntMat { n, big: Vec::new(), small: Some(small), bits }
    }
    fn entry(&self, k: usize) -> Integer {
        match &self.small {
            Some(s) => Integer::from(s[k]),
            None => self.big[k].clone(),
        }
    }
    fn transpose(&self) -> Self {
        let n = self.n;
        let at = |k: usize| (k % n) * n + k / n;
        match &self.small {
            Some(s) => IntMat { n, big: Vec::new(), small: Some((0..n * n).map(|k| s[at(k)]).collect()), bits: self.bits },
            None => IntMat::new(n, (0..n * n).map(|k| self.big[at(k)].clone()).collect()),
        }
    }
    /// ⌈log2⌉ upper bound of Π_i ‖row_i‖ (rows extended by `extra`, when given).
    fn hadamard_bits(&self, extra: Option<&[Integer]>) -> u64 {
        let n = self.n;
        let mut total = 0u64;
        for i in 0..n {
            let small_sum = self.small.as_ref().and_then(|a| {
                a[i * n..(i + 1) * n]
                    .iter()
                    .try_fold(0u128, |acc, &v| acc.checked_add(u128::from(v.unsigned_abs()) * u128::from(v.unsigned_abs())))
            });
            let mut s = match small_sum {
                Some(v) => Integer::from(v),
                None => {
                    let mut s = Integer::new();
                    for k in i * n..(i + 1) * n {
                        s += self.entry(k).square();
                    }
                    s
                }
            };
            if let Some(e) = extra {
                s += e[i].square_ref();
            }
            total += u64::from(s.significant_bits());
        }
        total.div_ceil(2)
    }
    /// Entry k mod p.
    fn reduced(&self, k: usize) -> u64 {
        match &self.small {
            Some(s) => s[k].rem_euclid(P as i64) as u64,
            None => reduce(&self.big[k]),
        }
    }
}

/// LU factorization PA = LU mod p (unit lower L, U with its pivots inverted).
struct ModLu {
    n: usize,
    lu: Vec<u64>,
    perm: Vec<usize>,
    inv_diag: Vec<u64>,
}

impl ModLu {
    fn new(m: &IntMat) -> Option<ModLu> {
        let n = m.n;
        let mut a: Vec<u64> = (0..n * n).map(|k| m.reduced(k)).collect();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut inv_diag = vec![0; n];
        for k in 0..n {
            let p = (k..n).find(|&i| a[i * n + k] != 0)?;
            if p != k {
                for j in 0..n {
                    a.swap(k * n + j, p * n + j);
                }
                perm.swap(k, p);
            }
            let inv = inv_mod(a[k * n + k]);
            inv_diag[k] = inv;
            let (top, bottom) = a.split_at_mut((k + 1) * n);
            let prow = &top[k * n..];
            for row in bottom.chunks_exact_mut(n) {
                if row[k] == 0 {
                    continue;
                }
                let f = mul_mod(row[k], inv);
                row[k] = f;
                for (x, &u) in row[k + 1..].iter_mut().zip(&prow[k + 1..]) {
                    *x = sub_mod(*x, mul_mod(f, u));
                }
            }
        }
        Some(ModLu { n, lu: a, perm, inv_diag })
    }
    /// x with A x ≡ b.
    fn solve(&self, b: &[u64]) -> Vec<u64> {
        let n = self.n;
        let mut x: Vec<u64> = self.perm.iter().map(|&p| b[p]).collect();
        for i in 0..n {
            let row = &self.lu[i * n..i * n + i];
            let s = row.iter().zip(&x[..i]).fold(0u64, |acc, (&l, &v)| add_mod(acc, mul_mod(l, v)));
            x[i] = sub_mod(x[i], s);
        }
        for i in (0..n).rev() {
            let row = &self.lu[i * n + i + 1..(i + 1) * n];
            let s = row.iter().zip(&x[i + 1..]).fold(0u64, |acc, (&u, &v)| add_mod(acc, mul_mod(u, v)));
            x[i] = mul_mod(sub_mod(x[i], s), self.inv_diag[i]);
        }
        x
    }
    /// x with Aᵀ x ≡ b (Aᵀ = Uᵀ Lᵀ P).
    fn solve_t(&self, b: &[u64]) -> Vec<u64> {
        let n = self.n;
        let mut z = b.to_vec();
        for i in 0..n {
            let zi = mul_mod(z[i], self.inv_diag[i]);
            z[i] = zi;
            for j in i + 1..n {
                z[j] = sub_mod(z[j], mul_mod(self.lu[i * n + j], zi));
            }
        }
        for i in (0..n).rev() {
            let zi = z[i];
            for j in 0..i {
                z[j] = sub_mod(z[j], mul_mod(self.lu[i * n + j], zi));
            }
        }
        let mut x = vec![0; n];
        for (k, &p) in self.perm.iter().enumerate() {
            x[p] = z[k];
        }
        x
    }
}

/// A square integer matrix A, nonsingular mod p, ready for exact solves of A z = b and
/// Aᵀ z = b.
pub struct DixonSolver {
    a: IntMat,
    at: IntMat,
    lu: ModLu,
    det_bits: u64,
}

/// An exact solution over one common denominator: z_i = numer_i / denom (denom > 0).
#[derive(Debug, Clone, PartialEq)]
pub struct CommonDenominator {
    /// Numerators.
    pub numer: Vec<Integer>,
    /// The common denominator (> 0).
    pub denom: Integer,
}

impl CommonDenominator {
    /// The entries as rationals (each in lowest terms).
    pub fn to_rationals(&self) -> Vec<Rational> {
        self.numer.iter().map(|v| if *v == 0 { Rational::new() } else { Rational::from((v.clone(), self.denom.clone())) }).collect()
    }
}

impl DixonSolver {
    /// Factors the n×n integer matrix A (row-major) mod p; `None` if it is singular mod p
    /// (always the case when A is singular over ℚ) or not square.
    pub fn new(n: usize, a: Vec<Integer>) -> Option<Self> {
        if a.len() != n * n {
            return None;
        }
        Self::with(IntMat::new(n, a))
    }

    /// [`DixonSolver::new`] for i64 entries.
    pub fn from_i64(n: usize, a: Vec<i64>) -> Option<Self> {
        if a.len() != n * n {
            return None;
        }
        Self::with(IntMat::from_small(n, a))
    }

    fn with(a: IntMat) -> Option<Self> {
        let lu = ModLu::new(&a)?;
        let at = a.transpose();
        let det_bits = a.hadamard_bits(None).min(at.hadamard_bits(None));
        Some(DixonSolver { a, at, lu, det_bits })
    }

    /// The exact solution of A z = b (b integer).
    pub fn solve(&self, b: &[Integer]) -> CommonDenominator {
        self.lift(&self.a, b, false)
    }

    /// The exact solution of Aᵀ z = b (b integer).
    pub fn solve_t(&self, b: &[Integer]) -> CommonDenominator {
        self.lift(&self.at, b, true)
    }

    fn lift(&self, m: &IntMat, b: &[Integer], transposed: bool) -> CommonDenominator {
        let n = m.n;
        // Cramer: z_j = det(A_j)/det(A), |det(A_j)| ≤ Π_i ‖(row_i, b_i)‖ (Hadamard).
        let num_bits = m.hadamard_bits(Some(b));
        let need = num_bits + self.det_bits + 2;
        let p_int = Integer::from(P);
        // i128 accumulation of Σ_j A_ij x_j is exact when n·2^bits·2^61 < 2^126.
        let fast = m.small.as_ref().filter(|_| u64::from(m.bits) + 61 + u64::from(usize::BITS - n.leading_zeros()) <= 125);
        let mut r: Vec<Integer> = b.to_vec();
        let mut digits: Vec<Vec<u64>> = Vec::new();
        let mut got_bits = 0u64;
        while got_bits < need {
            let rm: Vec<u64> = r.iter().map(reduce).collect();
            let x = if transposed { self.lu.solve_t(&rm) } else { self.lu.solve(&rm) };
            for (i, ri) in r.iter_mut().enumerate() {
                match fast {
                    Some(a) => {
                        let s = a[i * n..(i + 1) * n].iter().zip(&x).fold(0i128, |acc, (&aij, &xj)| acc + aij as i128 * xj as i128);
                        *ri -= s;
                    }
                    None => {
                        for (k, &xj) in (i * n..(i + 1) * n).zip(&x) {
                            if xj != 0 {
                                *ri -= m.entry(k) * xj;
                            }
                        }
                    }
                }
                ri.div_exact_mut(&p_int);
            }
            digits.push(x);
            // p^K ≥ 2^(61·K − 1); counting 60 bits per lift is a lower bound.
            got_bits += 60;
            // Output-sensitive early exit (after 1, 2, 4, … lifts): reconstruct with balanced
            // bounds 2^h, h = (60K − 2)/2, and accept only if A·z = b holds exactly (the
            // solution of a nonsingular system is unique, so a verified z is the answer).
            let k = digits.len();
            if got_bits < need && k.is_power_of_two() {
                let h = (got_bits - 2) / 2;
                if let Some(sol) = reconstruct(&horner(&digits, n), &Integer::from(P).pow(k as u32), h, Some(h)) {
                    if verifies(m, &sol, b) {
                        return sol;
                    }
                }
            }
        }
        let modulus = Integer::from(P).pow(digits.len() as u32);
        reconstruct(&horner(&digits, n), &modulus, num_bits, None)
            .unwrap_or_else(|| CommonDenominator { numer: vec![Integer::new(); n], denom: Integer::from(1) })
    }
}

/// z mod p^K from its p-adic digits (Horner).
fn horner(digits: &[Vec<u64>], n: usize) -> Vec<Integer> {
    (0..n)
        .map(|i| {
            let mut acc = Integer::new();
            for d in digits.iter().rev() {
                acc *= P;
                acc += d[i];
            }
            acc
        })
        .collect()
}

/// Whether A·(numer/denom) = b exactly, i.e. A·numer = denom·b.
fn verifies(m: &IntMat, sol: &CommonDenominator, b: &[Integer]) -> bool {
    let n = m.n;
    (0..n).all(|i| {
        let mut acc = Integer::from(&b[i] * &sol.denom);
        for (j, x) in sol.numer.iter().enumerate() {
            if *x == 0 {
                continue;
            }
            match &m.small {
                Some(a) => acc -= x * a[i * n + j],
                None => acc -= x * &m.big[i * n + j],
            }
        }
        acc == 0
    })
}

/// The rationals a_i/b with |a_i| < 2^num_bits and a common b > 0 congruent to z mod M
/// (M > 2·2^num_bits·B for the bound B of the denominators, so each is unique): the first
/// entry not already an integer multiple of the running denominator D (z_i·D mod M, in
/// symmetric range, of size below 2^num_bits) is reconstructed by the extended Euclidean
/// algorithm and D multiplied by its denominator.
fn reconstruct(z: &[Integer], modulus: &Integer, num_bits: u64, den_bits: Option<u64>) -> Option<CommonDenominator> {
    let half = Integer::from(modulus >> 1u32);
    let bound = Integer::from(1) << (num_bits as u32);
    let mut den = Integer::from(1);
    let mut numer = Vec::with_capacity(z.len());
    for zi in z {
        let mut v = Integer::from(zi * &den);
        v %= modulus;
        if v > half {
            v -= modulus;
        }
        if v.clone().abs() < bound {
            numer.push(v);
            continue;
        }
        // Extended Euclid on (M, v mod M) until the remainder drops below the bound.
        let mut u = v;
        if u < 0 {
            u += modulus;
        }
        let (mut r0, mut r1) = (modulus.clone(), u);
        let (mut t0, mut t1) = (Integer::new(), Integer::from(1));
        while r1 >= bound {
            let (q, r) = Integer::from(&r0).div_rem_floor(r1.clone());
            r0 = std::mem::replace(&mut r1, r);
            let t = Integer::from(&t0 - &q * &t1);
            t0 = std::mem::replace(&mut t1, t);
        }
        let (mut a, mut b) = (r1, t1);
        if b < 0 {
            a = -a;
            b = -b;
        }
        // Earlier numerators move to the new denominator D·b.
        for x in numer.iter_mut() {
            *x *= &b;
        }
        den *= &b;
        if den_bits.is_some_and(|db| u64::from(den.significant_bits()) > db) {
            return None;
        }
        numer.push(a);
    }
    // Lowest common denominator of what was built: divide out the gcd of all numerators
    // with D.
    let mut g = den.clone();
    for x in &numer {
        if g == 1 {
            break;
        }
        g.gcd_mut(x);
    }
    if g != 1 {
        for x in numer.iter_mut() {
            x.div_exact_mut(&g);
        }
        den.div_exact_mut(&g);
    }
    Some(CommonDenominator { numer, denom: den })
}

/// A square rational matrix A ready for exact solves of A z = b and Aᵀ z = b: its rows
/// scaled to integers (A' = diag(L)·A) and factored mod p. A z = b ⇔ A'z = Lb, and
/// Aᵀz = b ⇔ A'ᵀ(L⁻¹z) = b.
pub struct RationalDixon {
    solver: DixonSolver,
    scales: Vec<Integer>,
}

impl RationalDixon {
    /// `None` when A is not square or is singular mod p = 2⁶¹ − 1.
    pub fn new(a: &[Vec<Rational>]) -> Option<Self> {
        let n = a.len();
        if a.iter().any(|r| r.len() != n) {
            return None;
        }
        let (rows, scales) = scale_rows(a);
        Self::from_scaled(rows.into_iter().flatten().collect(), scales)
    }
    /// A = diag(L)⁻¹·A' from the integer matrix A' (row-major) and the row scales L > 0.
    pub fn from_scaled(a: Vec<Integer>, scales: Vec<Integer>) -> Option<Self> {
        if scales.iter().any(|l| *l <= 0) {
            return None;
        }
        Some(RationalDixon { solver: DixonSolver::new(scales.len(), a)?, scales })
    }
    /// [`RationalDixon::from_scaled`] for i64 entries.
    pub fn from_scaled_i64(a: Vec<i64>, scales: Vec<Integer>) -> Option<Self> {
        if scales.iter().any(|l| *l <= 0) {
            return None;
        }
        Some(RationalDixon { solver: DixonSolver::from_i64(scales.len(), a)?, scales })
    }
    /// The exact solution of A z = b (`None` if b has the wrong length).
    pub fn solve(&self, b: &[Rational]) -> Option<Vec<Rational>> {
        if b.len() != self.scales.len() {
            return None;
        }
        let lb: Vec<Rational> = b.iter().zip(&self.scales).map(|(v, l)| Rational::from(v * l)).collect();
        let (nums, q) = common_denominator(&lb);
        let mut sol = self.solver.solve(&nums);
        sol.denom *= &q;
        Some(sol.to_rationals())
    }
    /// The exact solution of Aᵀ z = b (`None` if b has the wrong length).
    pub fn solve_t(&self, b: &[Rational]) -> Option<Vec<Rational>> {
        if b.len() != self.scales.len() {
            return None;
        }
        let (nums, q) = common_denominator(b);
        let mut sol = self.solver.solve_t(&nums);
        sol.denom *= &q;
        for (v, l) in sol.numer.iter_mut().zip(&self.scales) {
            *v *= l;
        }
        Some(sol.to_rationals())
    }
}

/// The exact solution of the square rational system A z = b by Dixon lifting; `None` when
/// A is not square or is singular mod p = 2⁶¹ − 1 (see [`solve_square`] for a total solver).
pub fn solve_square_dixon(a: &[Vec<Rational>], b: &[Rational]) -> Option<Vec<Rational>> {
    RationalDixon::new(a)?.solve(b)
}

/// Why an exact square solve has no unique solution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SquareSolveError {
    /// The matrix is not n×n with a right-hand side of length n.
    #[error("not a square system: {rows} rows, {cols} columns, right-hand side of length {rhs}")]
    Shape {
        /// Rows of A.
        rows: usize,
        /// Columns of A (of its first row).
        cols: usize,
        /// Length of b.
        rhs: usize,
    },
    /// The matrix is singular over ℚ.
    #[error("singular matrix: rank {rank} below n = {n}")]
    Singular {
        /// The exact rank.
        rank: usize,
        /// The size.
        n: usize,
    },
}

/// The unique exact solution of the square rational system A z = b: Dixon lifting
/// ([`solve_square_dixon`]), and exact Gauss–Jordan elimination
/// ([`crate::numeric::exact::eliminate`]) when A is singular mod p, which decides: a singular
/// matrix is an error naming its rank, never a panic.
pub fn solve_square(a: &[Vec<Rational>], b: &[Rational]) -> Result<Vec<Rational>, SquareSolveError> {
    let n = a.len();
    if b.len() != n || a.iter().any(|r| r.len() != n) {
        return Err(SquareSolveError::Shape { rows: n, cols: a.first().map_or(0, Vec::len), rhs: b.len() });
    }
    if let Some(z) = solve_square_dixon(a, b) {
        return Ok(z);
    }
    match crate::numeric::exact::eliminate(a, b) {
        (Some(z), rank) if rank == n => Ok(z),
        (_, rank) => Err(SquareSolveError::Singular { rank, n }),
    }
}
