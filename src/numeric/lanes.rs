//! One f64 or four f64 lanes behind the same operations, so that double-double and
//! quad-double formulas are written once and run on one value (`f64`) or on four values at
//! a time ([`F4`], one AVX2 register when the CPU has it). Every lane operation is the IEEE
//! operation of that lane (`mul_add` the correctly rounded fused multiply-add), so a value
//! computed in a lane has the same bits as the same formula on `f64`.

use std::cell::Cell;
use std::ops::{Add, Mul, Neg, Sub};

thread_local! {
    /// Set by [`portable`]: this thread takes the portable paths.
    static PORTABLE: Cell<bool> = const { Cell::new(false) };
}

/// The CPU has AVX2 and FMA and this thread is not inside [`portable`]: the dd/qd kernels
/// and the GD step take their AVX2 paths.
#[inline(always)]
pub fn wide() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") && !PORTABLE.with(Cell::get)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Runs `f` with the portable paths of the dd/qd kernels and the GD step on this thread (for
/// tests: the results must be the same bits either way).
pub fn portable<R>(f: impl FnOnce() -> R) -> R {
    let old = PORTABLE.with(|c| c.replace(true));
    let r = f();
    PORTABLE.with(|c| c.set(old));
    r
}

/// The arithmetic the error-free transformations and the dd/qd formulas need.
pub trait Lane: Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self> {
    /// Every lane equal to `v`.
    fn splat(v: f64) -> Self;
    /// a·b + c rounded once, per lane.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// Per lane: `a` where `test` is finite, else `b`.
    fn if_finite(test: Self, a: Self, b: Self) -> Self;
}

impl Lane for f64 {
    #[inline(always)]
    fn splat(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        f64::mul_add(self, b, c)
    }
    #[inline(always)]
    fn if_finite(test: Self, a: Self, b: Self) -> Self {
        if test.is_finite() {
            a
        } else {
            b
        }
    }
}

/// Four f64 lanes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct F4(pub [f64; 4]);

macro_rules! lanewise {
    ($tr:ident $m:ident $op:tt) => {
        impl $tr for F4 {
            type Output = F4;
            #[inline(always)]
            fn $m(self, b: F4) -> F4 {
                let (a, b) = (self.0, b.0);
                F4([a[0] $op b[0], a[1] $op b[1], a[2] $op b[2], a[3] $op b[3]])
            }
        }
    };
}
lanewise!(Add add +);
lanewise!(Sub sub -);
lanewise!(Mul mul *);

impl Neg for F4 {
    type Output = F4;
    #[inline(always)]
    fn neg(self) -> F4 {
        F4(self.0.map(|x| -x))
    }
}

impl Lane for F4 {
    #[inline(always)]
    fn splat(v: f64) -> Self {
        F4([v; 4])
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        let (a, b, c) = (self.0, b.0, c.0);
        F4([a[0].mul_add(b[0], c[0]), a[1].mul_add(b[1], c[1]), a[2].mul_add(b[2], c[2]), a[3].mul_add(b[3], c[3])])
    }
    #[inline(always)]
    fn if_finite(test: Self, a: Self, b: Self) -> Self {
        F4(std::array::from_fn(|l| if test.0[l].is_finite() { a.0[l] } else { b.0[l] }))
    }
}

/// A value made of `K` f64 components (double-double: 2, quad-double: 4).
pub trait Limbs<const K: usize>: Copy {
    /// The components, leading first.
    fn limbs(&self) -> [f64; K];
    /// The value with these components.
    fn from_limbs(c: [f64; K]) -> Self;
}

/// `xs[i0..i0 + 4]` as `K` limb-major lane vectors (zero past the end).
#[inline(always)]
pub fn load<T: Limbs<K>, const K: usize>(xs: &[T], i0: usize) -> [F4; K] {
    let v: [[f64; K]; 4] = std::array::from_fn(|l| xs.get(i0 + l).map_or([0.0; K], Limbs::limbs));
    std::array::from_fn(|k| F4([v[0][k], v[1][k], v[2][k], v[3][k]]))
}

/// The inverse of [`load`]: lane l to `out[i0 + l]` (lanes past the end dropped).
#[inline(always)]
pub fn store<T: Limbs<K>, const K: usize>(v: &[F4; K], out: &mut [T], i0: usize) {
    for (l, o) in out.iter_mut().skip(i0).take(4).enumerate() {
        *o = T::from_limbs(std::array::from_fn(|k| v[k].0[l]));
    }
}

/// Lane l of `K` lane vectors as one value.
#[inline(always)]
pub fn lane<T: Limbs<K>, const K: usize>(v: &[F4; K], l: usize) -> T {
    T::from_limbs(std::array::from_fn(|k| v[k].0[l]))
}

/// For each i: `(w_i, out_i) ← f(w_i, g_i)`, four entries at a time (on AVX2 and FMA when the
/// CPU has them: the same bits, see the module doc).
#[inline(always)]
pub fn update_pairs<T: Limbs<K>, const K: usize>(
    w: &mut [T],
    g: &[T],
    out: &mut [T],
    f: impl Fn([F4; K], [F4; K]) -> ([F4; K], [F4; K]) + Copy,
) {
    #[cfg(target_arch = "x86_64")]
    if wide() {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { update_pairs_wide(w, g, out, f) };
    }
    update_pairs_body(w, g, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn update_pairs_wide<T: Limbs<K>, const K: usize>(
    w: &mut [T],
    g: &[T],
    out: &mut [T],
    f: impl Fn([F4; K], [F4; K]) -> ([F4; K], [F4; K]) + Copy,
) {
    update_pairs_body(w, g, out, f)
}

/// The portable body of [`update_pairs`] (also what the AVX2 path compiles).
#[inline(always)]
pub fn update_pairs_body<T: Limbs<K>, const K: usize>(
    w: &mut [T],
    g: &[T],
    out: &mut [T],
    f: impl Fn([F4; K], [F4; K]) -> ([F4; K], [F4; K]),
) {
    let n = w.len().min(g.len()).min(out.len());
    for i0 in (0..n).step_by(4) {
        let (nw, o) = f(load(&w[..n], i0), load(&g[..n], i0));
        store(&nw, &mut w[..n], i0);
        store(&o, &mut out[..n], i0);
    }
}

/// For each i: `x_i ← f(x_i, y_i)` (y may be shorter: zero lanes), as [`update_pairs`].
#[inline(always)]
pub fn map_pairs<T: Limbs<K>, const K: usize>(x: &mut [T], y: &[T], f: impl Fn([F4; K], [F4; K]) -> [F4; K] + Copy) {
    #[cfg(target_arch = "x86_64")]
    if wide() {
        // SAFETY: the CPU has AVX2 and FMA (checked just above).
        return unsafe { map_pairs_wide(x, y, f) };
    }
    map_pairs_body(x, y, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn map_pairs_wide<T: Limbs<K>, const K: usize>(x: &mut [T], y: &[T], f: impl Fn([F4; K], [F4; K]) -> [F4; K] + Copy) {
    map_pairs_body(x, y, f)
}

/// The portable body of [`map_pairs`].
#[inline(always)]
pub fn map_pairs_body<T: Limbs<K>, const K: usize>(x: &mut [T], y: &[T], f: impl Fn([F4; K], [F4; K]) -> [F4; K]) {
    for i0 in (0..x.len()).step_by(4) {
        let v = f(load(x, i0), load(y, i0));
        store(&v, x, i0);
    }
}
