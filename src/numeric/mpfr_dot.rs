//! Matrix–vector products of a matrix of exact doubles with an MPFR vector, each entry
//! rounded ONCE (correctly rounded to nearest): `out_i = ∘(Σ_j a_ij v_j − c_i)`.
//!
//! Each a_ij is stored as `k_ij·2^{s_j}` with an integer |k_ij| < 2^63 and one power of two per
//! column ([`ScaledCols`]). A product k_ij·v_j is then v_j's mantissa (shifted once per call to
//! the 64-bit limb grid) times one limb, added into a fixed-point two's-complement accumulator
//! of p + 128 bits below the row's largest term: no temporaries, no intermediate rounding.
//! Terms below the window are truncated and their error bounded (< |k|·2^lsb each); the sum is
//! rounded only when `mpfr_can_round` proves the rounding of the exact sum is determined
//! (Ziv's test, MPFR manual §5.14). Otherwise (heavy cancellation or a near-tie), and for
//! NaN/∞ or results out of the exponent range, the exact products go through `mpfr_sum`
//! (correctly rounded). Either way the result is the exact sum rounded once, so it does not
//! depend on the summation order (bit-identical for any thread count).

use gmp_mpfr_sys::mpfr;
use rug::{Assign, Float};
use std::cell::RefCell;

/// A `rows×cols` matrix of finite doubles as `a_ij = k_ij·2^{scale_j}` (row-major `k`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledCols {
    rows: usize,
    cols: usize,
    k: Vec<i64>,
    scale: Vec<i64>,
}

/// `x = m·2^e` with m odd (x finite and non-zero).
fn decompose(x: f64) -> (i64, i64) {
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i64;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    let (mut m, mut e) = if field == 0 { (frac, -1074) } else { (frac | (1 << 52), field - 1075) };
    let tz = m.trailing_zeros() as i64;
    m >>= tz;
    e += tz;
    (if x < 0.0 { -m } else { m }, e)
}

/// Bits of |k| (0 for k = 0).
fn bit_len(k: u64) -> i64 {
    64 - i64::from(k.leading_zeros())
}

impl ScaledCols {
    /// The matrix `a` (row-major `rows×cols`), or `None` if an entry is not finite or a
    /// column's entries span more than 63 bits (then no common integer scale exists).
    pub fn new(rows: usize, cols: usize, a: &[f64]) -> Option<Self> {
        let mut scale = vec![0i64; cols];
        for (j, s) in scale.iter_mut().enumerate() {
            let (mut lo, mut hi) = (i64::MAX, i64::MIN);
            for i in 0..rows {
                let x = a[i * cols + j];
                if !x.is_finite() {
                    return None;
                }
                if x != 0.0 {
                    let (m, e) = decompose(x);
                    lo = lo.min(e);
                    hi = hi.max(e + bit_len(m.unsigned_abs()));
                }
            }
            if lo != i64::MAX {
                if hi - lo > 63 {
                    return None;
                }
                *s = lo;
            }
        }
        let k = (0..rows * cols)
            .map(|idx| {
                let x = a[idx];
                if x == 0.0 {
                    return 0;
                }
                let (m, e) = decompose(x);
                m << (e - scale[idx % cols])
            })
            .collect();
        Some(ScaledCols { rows, cols, k, scale })
    }
    /// Rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
}

/// One vector entry on the limb grid: value = (limbs as an integer)·2^(64·blk), |value| < 2^top.
#[derive(Clone, Copy, Default)]
struct Shifted {
    off: usize,
    len: usize,
    blk: i64,
    top: i64,
    neg: bool,
    zero: bool,
}

#[derive(Default)]
struct Scratch {
    limbs: Vec<u64>,
    terms: Vec<Shifted>,
    lanes: Vec<u128>,
    acc: Vec<u64>,
    groups: Groups,
}

/// The non-zero terms of a matrix–vector product sorted by (limb block, sign of v_j), with
/// their limbs in that order (`limbs[idx·n + l]` is limb l of the idx-th sorted term), for
/// [`add_row_grouped`]. Built once per product: the terms are the same for every row.
#[derive(Default)]
struct Groups {
    /// Column of each sorted term.
    cols: Vec<u32>,
    /// Limbs in sorted order.
    limbs: Vec<u64>,
    /// (block, v_j < 0, first, end) of each run of equal (block, sign) in the sorted order.
    runs: Vec<(i64, bool, usize, usize)>,
    /// Limbs per term.
    width: usize,
}

impl Groups {
    /// Groups of `terms` when every non-zero one has `n` limbs; false otherwise.
    fn build(&mut self, terms: &[Shifted], limbs: &[u64], n: usize) -> bool {
        self.cols.clear();
        self.runs.clear();
        self.limbs.clear();
        self.width = n;
        if terms.iter().any(|t| !t.zero && t.len != n) {
            return false;
        }
        self.cols.extend((0..terms.len() as u32).filter(|&j| !terms[j as usize].zero));
        self.cols.sort_by_key(|&j| (terms[j as usize].blk, terms[j as usize].neg));
        let count = self.cols.len();
        self.limbs.resize(n * count, 0);
        for (idx, &j) in self.cols.iter().enumerate() {
            let t = &terms[j as usize];
            self.limbs[idx * n..(idx + 1) * n].copy_from_slice(&limbs[t.off..t.off + n]);
            match self.runs.last_mut() {
                Some(r) if (r.0, r.1) == (t.blk, t.neg) => r.3 = idx + 1,
                _ => self.runs.push((t.blk, t.neg, idx, idx + 1)),
            }
        }
        true
    }
}

/// `w ±= Σ_j k_j·s_j` over one run's terms (`ks` their columns, `ss` their limbs, N ≤ 5 per
/// term), the N + 1 lane sums in registers: limb l's product goes low half to lane l, high half
/// to lane l + 1 (minus s_l when k_j < 0: s·k = s·k' − s·2⁶⁴ for k's two's-complement u64 k').
#[inline(always)]
fn run_sums<const N: usize, const SIGNED: bool>(row: &[i64], ks: &[u32], ss: &[u64], w: &mut [u128], vneg: bool) {
    const { assert!(N <= 5, "run_sums keeps at most six lane sums") };
    let mut acc = [0u128; 6];
    for (&j, s) in ks.iter().zip(ss.chunks_exact(N)) {
        let k = row[j as usize];
        for l in 0..N {
            let p = u128::from(s[l]) * u128::from(k as u64);
            acc[l] = acc[l].wrapping_add(u128::from(p as u64));
            acc[l + 1] = acc[l + 1].wrapping_add(p >> 64);
            if SIGNED {
                acc[l + 1] = acc[l + 1].wrapping_sub(u128::from(s[l] & (k >> 63) as u64));
            }
        }
    }
    for (wl, a) in w.iter_mut().zip(&acc[..=N]) {
        *wl = if vneg { wl.wrapping_sub(*a) } else { wl.wrapping_add(*a) };
    }
}

/// [`add_row`] by runs: the terms of each run (one block, one sign of v_j) are summed in
/// registers ([`run_sums`]) and the run's N + 1 lane sums added to (or subtracted from) the
/// lanes once, instead of a read-modify-write of N + 1 lanes in memory per term (1.4× faster
/// at n = 20, d = 50, 256 bits). Sums stay below 3·terms·2⁶⁴ in magnitude, far inside the
/// 128-bit two's-complement lanes. Runs that fall partly below lane 0 go term by term through
/// [`add_term`] (truncated, error returned).
#[inline(always)]
fn add_row_grouped<const N: usize>(
    row: &[i64],
    groups: &Groups,
    terms: &[Shifted],
    limbs: &[u64],
    lanes: &mut [u128],
    lsb_blk: i64,
) -> Option<u128> {
    let mut err = 0u128;
    // Rows without a negative entry (every entry of a positive design) skip the correction.
    let signed = row.iter().any(|&k| k < 0);
    for &(blk, vneg, first, end) in &groups.runs {
        let o = blk - lsb_blk;
        let cols = &groups.cols[first..end];
        if o < 0 {
            for &j in cols {
                let (k, t) = (row[j as usize], &terms[j as usize]);
                if k != 0 && add_term(lanes, o, &limbs[t.off..t.off + t.len], k.unsigned_abs(), vneg != (k < 0)) {
                    err += u128::from(k.unsigned_abs());
                }
            }
            continue;
        }
        let Some(w) = lanes.get_mut(o as usize..o as usize + N + 1) else {
            // Above the row's window: the row's top covers every term with k_j ≠ 0 (one run's
            // terms share their top limb), so these k_j are all 0. Otherwise: not proved,
            // and the caller takes the exact path.
            if cols.iter().any(|&j| row[j as usize] != 0) {
                return None;
            }
            continue;
        };
        let (ks, ss) = (cols, &groups.limbs[first * N..end * N]);
        if signed {
            run_sums::<N, true>(row, ks, ss, w, vneg);
        } else {
            run_sums::<N, false>(row, ks, ss, w, vneg);
        }
    }
    Some(err)
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// `v·2^scale` on the limb grid, its limbs appended to `buf`; `None` for NaN and ∞.
fn shift_onto_grid(v: &Float, scale: i64, buf: &mut Vec<u64>) -> Option<Shifted> {
    let raw = v.as_raw();
    // SAFETY: `raw` points to the live, initialized mpfr_t of `v`; its limb array holds
    // ⌈prec/64⌉ limbs when the number is regular, and is only read then.
    unsafe {
        if mpfr::zero_p(raw) != 0 {
            return Some(Shifted { zero: true, ..Shifted::default() });
        }
        if mpfr::regular_p(raw) == 0 {
            return None;
        }
        let n = ((*raw).prec as usize).div_ceil(64);
        let limbs = std::slice::from_raw_parts((*raw).d.as_ptr(), n);
        let exp = (*raw).exp;
        let base = exp - 64 * n as i64 + scale;
        let s = base.rem_euclid(64) as u32;
        let off = buf.len();
        if s == 0 {
            buf.extend_from_slice(limbs);
            buf.push(0);
        } else {
            let mut prev = 0u64;
            for &l in limbs {
                buf.push((l << s) | (prev >> (64 - s)));
                prev = l;
            }
            buf.push(prev >> (64 - s));
        }
        Some(Shifted { off, len: n + 1, blk: base.div_euclid(64), top: exp + scale, neg: (*raw).sign < 0, zero: false })
    }
}

/// `acc += (−1)^neg·k·s·2^(64·o)` in carry-save form: limb l of the product k·s goes to lane
/// o+l, its carry out to lane o+len(s) (lanes are 128-bit two's-complement integers, so no
/// carry travels between lanes until [`lanes_to_limbs`]). The limbs of s below lane 0 are
/// dropped: returns true then (an error below k units of lane 0).
#[inline]
fn add_term(acc: &mut [u128], o: i64, s: &[u64], k: u64, neg: bool) -> bool {
    let (s, o, cut) = if o < 0 {
        let t = (-o) as usize;
        if t >= s.len() {
            return true;
        }
        (&s[t..], 0usize, true)
    } else {
        (s, o as usize, false)
    };
    let (lanes, top) = acc[o..o + s.len() + 1].split_at_mut(s.len());
    let k = u128::from(k);
    // The product's carry stays in a register; each lane is read and written once per term.
    let mut carry = 0u128;
    if neg {
        for (lane, &x) in lanes.iter_mut().zip(s) {
            let p = u128::from(x) * k + carry;
            *lane = lane.wrapping_sub(u128::from(p as u64));
            carry = p >> 64;
        }
        top[0] = top[0].wrapping_sub(carry);
    } else {
        for (lane, &x) in lanes.iter_mut().zip(s) {
            let p = u128::from(x) * k + carry;
            *lane = lane.wrapping_add(u128::from(p as u64));
            carry = p >> 64;
        }
        top[0] = top[0].wrapping_add(carry);
    }
    cut
}

/// Adds the terms k_j·v_j of one row into the lanes; returns the truncation error bound (in
/// units of lane 0). `N > 0`: the limb count of every non-zero v_j if they all have it.
#[inline(always)]
fn add_row<const N: usize>(row: &[i64], terms: &[Shifted], limbs: &[u64], lanes: &mut [u128], lsb_blk: i64) -> u128 {
    let mut err = 0u128;
    for (&k, t) in row.iter().zip(terms) {
        if k == 0 || t.zero {
            continue;
        }
        let (kk, neg) = (k.unsigned_abs(), t.neg != (k < 0));
        let o = t.blk - lsb_blk;
        if N > 0 && t.len == N && o >= 0 {
            let o = o as usize;
            let (w, s) = (&mut lanes[o..o + N + 1], &limbs[t.off..t.off + N]);
            let k = u128::from(kk);
            let mut carry = 0u128;
            if neg {
                for l in 0..N {
                    let p = u128::from(s[l]) * k + carry;
                    w[l] = w[l].wrapping_sub(u128::from(p as u64));
                    carry = p >> 64;
                }
                w[N] = w[N].wrapping_sub(carry);
            } else {
                for l in 0..N {
                    let p = u128::from(s[l]) * k + carry;
                    w[l] = w[l].wrapping_add(u128::from(p as u64));
                    carry = p >> 64;
                }
                w[N] = w[N].wrapping_add(carry);
            }
        } else if add_term(lanes, o, &limbs[t.off..t.off + t.len], kk, neg) {
            err += u128::from(kk);
        }
    }
    err
}

/// The lanes' sum Σ lane_l·2^(64l) as two's-complement limbs (|lane_l| < 2^126: each term adds
/// or subtracts at most three values below 2^64 to a lane (a low half, a high half and a
/// sign correction, [`run_sums`]), for far fewer than 2^60 terms).
fn lanes_to_limbs(lanes: &[u128], limbs: &mut Vec<u64>) {
    limbs.clear();
    let mut carry: i128 = 0;
    for &lane in lanes {
        let v = (lane as i128).wrapping_add(carry);
        limbs.push(v as u64);
        carry = v >> 64;
    }
}

/// `out_i = ∘(Σ_j a_ij v_j − minus_i)`, rounded to nearest at `out_i`'s precision, each the
/// exact value rounded once.
pub fn scaled_matvec(a: &ScaledCols, v: &[Float], minus: Option<&[Float]>, out: &mut [Float]) {
    SCRATCH.with(|cell| {
        let mut guard = cell.borrow_mut();
        let Scratch { limbs, terms, lanes, acc, groups } = &mut *guard;
        limbs.clear();
        terms.clear();
        let mut special = false;
        for (vj, &s) in v.iter().zip(&a.scale).take(a.cols) {
            match shift_onto_grid(vj, s, limbs) {
                Some(t) => terms.push(t),
                None => special = true,
            }
        }
        let width = terms.iter().find(|t| !t.zero).map_or(0, |t| t.len);
        // One row or one column: each term is added once either way, and building the runs
        // costs more than it saves (measured at n = 1, d = 4: 0.86 µs grouped, 0.79 µs not).
        let grouped = a.rows > 1 && a.cols > 1 && matches!(width, 3 | 5) && groups.build(terms, limbs, width);
        for (i, o) in out.iter_mut().enumerate().take(a.rows) {
            let row = &a.k[i * a.cols..(i + 1) * a.cols];
            let mi = minus.map(|m| &m[i]);
            let (mut mterm, mut row_special) = (None, special);
            if let Some(y) = mi {
                match shift_onto_grid(y, 0, limbs) {
                    Some(t) => mterm = Some(t),
                    None => row_special = true,
                }
            }
            let g = grouped.then_some(&*groups);
            if row_special || !row_dot(row, terms, g, mterm, limbs, lanes, acc, o) {
                exact_fallback(row, &a.scale, v, mi, o);
            }
            if let Some(t) = mterm {
                limbs.truncate(t.off);
            }
        }
    })
}

/// One row through the fixed-point window; false when the result is not proved correctly
/// rounded (or falls outside MPFR's exponent range).
#[allow(clippy::too_many_arguments)]
fn row_dot(
    row: &[i64],
    terms: &[Shifted],
    groups: Option<&Groups>,
    mterm: Option<Shifted>,
    limbs: &[u64],
    lanes: &mut Vec<u128>,
    acc: &mut Vec<u64>,
    out: &mut Float,
) -> bool {
    let minus = mterm.filter(|t| !t.zero);
    let mut top = minus.map_or(i64::MIN, |t| t.top + 1);
    for (&k, t) in row.iter().zip(terms) {
        if k != 0 && !t.zero {
            top = top.max(t.top + bit_len(k.unsigned_abs()));
        }
    }
    if top == i64::MIN {
        out.assign(0);
        return true;
    }
    let prec = i64::from(out.prec());
    // Every partial sum is below 2^hi in magnitude (at most row.len() + 1 terms below 2^top).
    let hi = top + bit_len(row.len() as u64 + 1);
    let lsb_blk = (hi - prec - 128).div_euclid(64);
    // A term's highest product limb is lane ⌊top/64⌋ + 1 − lsb_blk ≤ ⌊hi/64⌋ + 1 − lsb_blk, and the
    // sign needs bit hi: lanes up to ⌊hi/64⌋ + 1 − lsb_blk suffice.
    let len = (hi.div_euclid(64) - lsb_blk + 2) as usize;
    lanes.clear();
    lanes.resize(len, 0);
    let mut err: u128 = 0;
    // 128 and 256 bits: the loop over a term's limbs at a fixed length (unrolled).
    match (groups.map(|g| (g, g.width)), terms.first().map(|t| t.len)) {
        (Some((g, w)), _) => {
            let sum = if w == 3 {
                add_row_grouped::<3>(row, g, terms, limbs, lanes, lsb_blk)
            } else {
                add_row_grouped::<5>(row, g, terms, limbs, lanes, lsb_blk)
            };
            let Some(e) = sum else { return false };
            err += e;
        }
        (_, Some(3)) => err += add_row::<3>(row, terms, limbs, lanes, lsb_blk),
        (_, Some(5)) => err += add_row::<5>(row, terms, limbs, lanes, lsb_blk),
        _ => err += add_row::<0>(row, terms, limbs, lanes, lsb_blk),
    }
    if let Some(t) = minus {
        if add_term(lanes, t.blk - lsb_blk, &limbs[t.off..t.off + t.len], 1, !t.neg) {
            err += 1;
        }
    }
    lanes_to_limbs(lanes, acc);
    let neg = acc.last().is_some_and(|l| l >> 63 == 1);
    if neg {
        let mut carry = 1u64;
        for l in acc.iter_mut() {
            let (v, c) = (!*l).overflowing_add(carry);
            *l = v;
            carry = u64::from(c);
        }
    }
    let Some(h) = acc.iter().rposition(|&l| l != 0) else {
        if err == 0 {
            out.assign(0);
            return true;
        }
        return false;
    };
    let z = acc[h].leading_zeros();
    if z > 0 {
        for idx in (0..=h).rev() {
            let lower = if idx > 0 { acc[idx - 1] >> (64 - z) } else { 0 };
            acc[idx] = (acc[idx] << z) | lower;
        }
    }
    let exp = 64 * lsb_blk + 64 * (h as i64 + 1) - i64::from(z);
    // SAFETY: `t` views acc[0..=h] (normalized: top bit of acc[h] set) as an mpfr_t of
    // 64(h+1) bits, living only inside this block while `acc` is borrowed; the exponent is
    // checked against MPFR's current range before use; `out` is a live Float.
    unsafe {
        if exp < mpfr::get_emin() || exp > mpfr::get_emax() {
            return false;
        }
        let mut t = std::mem::MaybeUninit::<mpfr::mpfr_t>::uninit();
        let kind = if neg { -mpfr::REGULAR_KIND } else { mpfr::REGULAR_KIND };
        mpfr::custom_init_set(t.as_mut_ptr(), kind, exp, 64 * (h as i64 + 1), acc.as_mut_ptr().cast());
        let t = t.assume_init();
        if err > 0 {
            // |exact − t| < err·2^lsb ≤ 2^(lsb + bits(err)).
            let err_exp = 64 * lsb_blk + 128 - i64::from(err.leading_zeros());
            if mpfr::can_round(&t, exp - err_exp, mpfr::rnd_t::RNDN, mpfr::rnd_t::RNDZ, prec + 1) == 0 {
                return false;
            }
        }
        mpfr::set(out.as_raw_mut(), &t, mpfr::rnd_t::RNDN);
    }
    true
}

/// The slow exact path: every product k_ij·2^{s_j}·v_j formed exactly, summed by `mpfr_sum`
/// (correctly rounded; handles NaN, ∞, cancellation and the exponent range).
fn exact_fallback(row: &[i64], scale: &[i64], v: &[Float], minus: Option<&Float>, out: &mut Float) {
    let mut parts: Vec<Float> = Vec::with_capacity(row.len() + 1);
    for ((&k, &s), vj) in row.iter().zip(scale).zip(v) {
        let mut p = Float::with_val(vj.prec() + 64, vj * k);
        // Exact: 2^s with |s| < 1100 (an f64 exponent), far inside MPFR's exponent range
        // unless v_j itself is at its edge (then mpfr_sum rounds as for any overflow).
        p <<= s as i32;
        parts.push(p);
    }
    if let Some(y) = minus {
        parts.push(-y.clone());
    }
    out.assign(Float::sum(parts.iter()));
}
