//! Interval arithmetic over MPFR with outward rounding: every operation returns an interval
//! that contains the exact result for every choice of points in its arguments (the lower
//! end rounded towards −∞, the upper towards +∞; MPFR's functions are correctly rounded,
//! so directed rounding of exp, ln, sqrt, asinh, sinh, cosh is rigorous).
//!
//! Endpoints are always finite and ordered (lo ≤ hi). Operations with a domain (÷, ln,
//! sqrt) return `None` when the argument is not inside it — a caller that needs a proof
//! then reports that it could not prove, never a wrong interval.
//!
//! ```
//! use normsharp::numeric::interval::Interval;
//! let ln2 = Interval::from_i64(2, 128).ln().unwrap();
//! assert!(ln2.lo() < ln2.hi() && ln2.rel_width() < 1e-37);
//! assert!(ln2.contains_f64(std::f64::consts::LN_2) || (ln2.mid().to_f64() - std::f64::consts::LN_2).abs() < 1e-16);
//! ```

use rug::float::{Constant, Round};
use rug::ops::{AddAssignRound, AssignRound};
use rug::{Float, Rational};
use std::cmp::Ordering;

/// A closed interval [lo, hi] of MPFR floats (finite, lo ≤ hi).
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    lo: Float,
    hi: Float,
}

fn down<T>(prec: u32, v: T) -> Float
where
    Float: AssignRound<T, Round = Round, Ordering = Ordering>,
{
    Float::with_val_round(prec, v, Round::Down).0
}

fn up<T>(prec: u32, v: T) -> Float
where
    Float: AssignRound<T, Round = Round, Ordering = Ordering>,
{
    Float::with_val_round(prec, v, Round::Up).0
}

fn fmin(a: Float, b: Float) -> Float {
    if b < a {
        b
    } else {
        a
    }
}

fn fmax(a: Float, b: Float) -> Float {
    if b > a {
        b
    } else {
        a
    }
}

impl Interval {
    /// [lo, hi], or `None` when an end is not finite or lo > hi.
    pub fn new(lo: Float, hi: Float) -> Option<Self> {
        (lo.is_finite() && hi.is_finite() && lo <= hi).then_some(Interval { lo, hi })
    }
    /// The degenerate interval [v, v] (exact).
    pub fn point(v: &Float) -> Self {
        Interval { lo: v.clone(), hi: v.clone() }
    }
    /// The smallest `prec`-bit interval containing q.
    pub fn from_rational(q: &Rational, prec: u32) -> Self {
        Interval { lo: down(prec, q), hi: up(prec, q) }
    }
    /// The smallest `prec`-bit interval containing v.
    pub fn from_i64(v: i64, prec: u32) -> Self {
        Self::from_rational(&Rational::from(v), prec)
    }
    /// An enclosure of π.
    pub fn pi(prec: u32) -> Self {
        Interval { lo: down(prec, Constant::Pi), hi: up(prec, Constant::Pi) }
    }
    /// Lower end.
    pub fn lo(&self) -> &Float {
        &self.lo
    }
    /// Upper end.
    pub fn hi(&self) -> &Float {
        &self.hi
    }
    /// The working precision: the larger of the two ends'.
    pub fn prec(&self) -> u32 {
        self.lo.prec().max(self.hi.prec())
    }
    fn prec2(&self, o: &Interval) -> u32 {
        self.prec().max(o.prec())
    }
    /// A point of the interval near its centre ((lo + hi)/2 rounded to nearest).
    pub fn mid(&self) -> Float {
        let m = Float::with_val(self.prec() + 1, &self.lo + &self.hi) / 2u32;
        let m = Float::with_val(self.prec(), &m);
        // Rounding keeps m within [lo, hi] (both ends are representable).
        fmax(fmin(m, self.hi.clone()), self.lo.clone())
    }
    /// hi − lo, rounded up.
    pub fn width(&self) -> Float {
        up(self.prec(), &self.hi - &self.lo)
    }
    /// Width relative to the magnitude, (hi − lo)/min|x| as f64 (∞ if 0 ∈ interval and the
    /// width is positive).
    pub fn rel_width(&self) -> f64 {
        let w = self.width().to_f64();
        if w == 0.0 {
            return 0.0;
        }
        w / self.mig().to_f64()
    }
    /// max |x| over the interval.
    pub fn mag(&self) -> Float {
        fmax(Float::with_val(self.prec(), self.lo.abs_ref()), Float::with_val(self.prec(), self.hi.abs_ref()))
    }
    /// min |x| over the interval (0 if it contains 0).
    pub fn mig(&self) -> Float {
        if self.contains_zero() {
            return Float::new(self.prec());
        }
        fmin(Float::with_val(self.prec(), self.lo.abs_ref()), Float::with_val(self.prec(), self.hi.abs_ref()))
    }
    /// Whether v ∈ [lo, hi].
    pub fn contains(&self, v: &Float) -> bool {
        self.lo <= *v && *v <= self.hi
    }
    /// Whether q ∈ [lo, hi] (exact comparison).
    pub fn contains_rational(&self, q: &Rational) -> bool {
        self.lo <= *q && self.hi >= *q
    }
    /// Whether v ∈ [lo, hi].
    pub fn contains_f64(&self, v: f64) -> bool {
        self.lo <= v && self.hi >= v
    }
    /// Whether 0 ∈ [lo, hi].
    pub fn contains_zero(&self) -> bool {
        self.lo <= 0 && self.hi >= 0
    }
    /// Whether `inner` lies in the interior (lo, hi).
    pub fn interior_contains(&self, inner: &Interval) -> bool {
        self.lo < inner.lo && inner.hi < self.hi
    }
    /// Every point is > 0.
    pub fn is_positive(&self) -> bool {
        self.lo > 0
    }
    /// Every point is < 0.
    pub fn is_negative(&self) -> bool {
        self.hi < 0
    }
    /// Every point of `self` is below every point of `o`.
    pub fn certainly_lt(&self, o: &Interval) -> bool {
        self.hi < o.lo
    }
    /// The intersection, `None` if empty.
    pub fn intersect(&self, o: &Interval) -> Option<Interval> {
        Interval::new(fmax(self.lo.clone(), o.lo.clone()), fmin(self.hi.clone(), o.hi.clone()))
    }
    /// The smallest interval containing both.
    pub fn hull(&self, o: &Interval) -> Interval {
        Interval { lo: fmin(self.lo.clone(), o.lo.clone()), hi: fmax(self.hi.clone(), o.hi.clone()) }
    }
    /// The interval widened by `r ≥ 0` on each side (rounded outward).
    pub fn inflate(&self, r: &Float) -> Interval {
        let p = self.prec();
        Interval { lo: down(p, &self.lo - r), hi: up(p, &self.hi + r) }
    }
    /// Sum.
    pub fn add(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        Interval { lo: down(p, &self.lo + &o.lo), hi: up(p, &self.hi + &o.hi) }
    }
    /// In-place sum: the same bits as `*self = self.add(o)`.
    pub fn add_assign(&mut self, o: &Interval) {
        let p = self.prec2(o);
        for e in [&mut self.lo, &mut self.hi] {
            if e.prec() < p {
                e.set_prec(p);
            }
        }
        self.lo.add_assign_round(&o.lo, Round::Down);
        self.hi.add_assign_round(&o.hi, Round::Up);
    }
    /// Difference.
    pub fn sub(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        Interval { lo: down(p, &self.lo - &o.hi), hi: up(p, &self.hi - &o.lo) }
    }
    /// Negation (exact).
    pub fn neg(&self) -> Interval {
        Interval { lo: Float::with_val(self.hi.prec(), -&self.hi), hi: Float::with_val(self.lo.prec(), -&self.lo) }
    }
    /// Product (the four end products, rounded outward).
    ///
    /// The end pair is chosen by the signs (Moore's nine cases): two roundings instead of eight,
    /// four when both straddle 0. Directed rounding is monotone, so the ends are the same bits
    /// as the min and max over all four rounded products. A zero end (whose sign depends on the
    /// pair) takes all four.
    pub fn mul(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        let mut out = Interval { lo: Float::new(p), hi: Float::new(p) };
        self.mul_into(o, &mut out);
        out
    }
    /// The min and max over the four end products, each rounded outward.
    fn mul_four(&self, o: &Interval) -> Interval {
        let p = self.prec2(o);
        let pairs = [(&self.lo, &o.lo), (&self.lo, &o.hi), (&self.hi, &o.lo), (&self.hi, &o.hi)];
        let lo = pairs.iter().map(|(a, b)| down(p, *a * *b)).reduce(fmin).expect("four products");
        let hi = pairs.iter().map(|(a, b)| up(p, *a * *b)).reduce(fmax).expect("four products");
        Interval { lo, hi }
    }
    /// `*out = self.mul(o)`, reusing `out`'s memory (the same bits).
    pub fn mul_into(&self, o: &Interval, out: &mut Interval) {
        let p = self.prec2(o);
        let (a, b) = (self, o);
        let ends = match (a.sign_class(), b.sign_class()) {
            (1, 1) => Some(((&a.lo, &b.lo), (&a.hi, &b.hi))),
            (1, -1) => Some(((&a.hi, &b.lo), (&a.lo, &b.hi))),
            (1, 0) => Some(((&a.hi, &b.lo), (&a.hi, &b.hi))),
            (-1, 1) => Some(((&a.lo, &b.hi), (&a.hi, &b.lo))),
            (-1, -1) => Some(((&a.hi, &b.hi), (&a.lo, &b.lo))),
            (-1, 0) => Some(((&a.lo, &b.hi), (&a.lo, &b.lo))),
            (0, 1) => Some(((&a.lo, &b.hi), (&a.hi, &b.hi))),
            (0, -1) => Some(((&a.hi, &b.lo), (&a.lo, &b.lo))),
            _ => None,
        };
        if ends.is_none() && !a.lo.is_zero() && !a.hi.is_zero() && !b.lo.is_zero() && !b.hi.is_zero() {
            // Both straddle 0 strictly: lo = min(a₁b₂, a₂b₁) < 0, hi = max(a₁b₁, a₂b₂) > 0.
            let lo = fmin(down(p, &a.lo * &b.hi), down(p, &a.hi * &b.lo));
            let hi = fmax(up(p, &a.lo * &b.lo), up(p, &a.hi * &b.hi));
            if !lo.is_zero() && !hi.is_zero() {
                *out = Interval { lo, hi };
                return;
            }
        }
        if let Some(((l1, l2), (h1, h2))) = ends {
            for e in [&mut out.lo, &mut out.hi] {
                if e.prec() != p {
                    e.set_prec(p);
                }
            }
            out.lo.assign_round(l1 * l2, Round::Down);
            out.hi.assign_round(h1 * h2, Round::Up);
            if !out.lo.is_zero() && !out.hi.is_zero() {
                return;
            }
        }
        *out = self.mul_four(o);
    }
    /// 1 if every point is > 0, −1 if every point is < 0, 0 if 0 is inside or an end.
    fn sign_class(&self) -> i8 {
        if self.lo.is_sign_positive() && !self.lo.is_zero() {
            1
        } else if self.hi.is_sign_negative() && !self.hi.is_zero() {
            -1
        } else {
            0
        }
    }
    /// Square (tighter than `mul(self)` when 0 is inside).
    pub fn sqr(&self) -> Interval {
        let p = self.prec();
        let (a, b) = (self.mig(), self.mag());
        Interval { lo: down(p, a.square_ref()), hi: up(p, b.square_ref()) }
    }
    /// Product with an exact integer.
    pub fn mul_i64(&self, k: i64) -> Interval {
        let p = self.prec();
        // An exact k (|k| < 2^p): the ends of [k, k]·self are lo·k and hi·k, swapped for k < 0;
        // a zero end (whose sign the general product decides) takes the general path.
        if k != 0 && k.unsigned_abs() < (1u64 << p.min(63)) {
            let (l, h) = if k > 0 { (&self.lo, &self.hi) } else { (&self.hi, &self.lo) };
            let (lo, hi) = (down(p, l * k), up(p, h * k));
            if !lo.is_zero() && !hi.is_zero() {
                return Interval { lo, hi };
            }
        }
        self.mul(&Interval::from_i64(k, p))
    }
    /// 1/x, `None` if 0 ∈ x.
    pub fn recip(&self) -> Option<Interval> {
        if self.contains_zero() {
            return None;
        }
        let p = self.prec();
        Interval::new(down(p, 1 / &self.hi), up(p, 1 / &self.lo))
    }
    /// Quotient, `None` if 0 ∈ o.
    pub fn div(&self, o: &Interval) -> Option<Interval> {
        if o.contains_zero() {
            return None;
        }
        let p = self.prec2(o);
        let pairs = [(&self.lo, &o.lo), (&self.lo, &o.hi), (&self.hi, &o.lo), (&self.hi, &o.hi)];
        let lo = pairs.iter().map(|(a, b)| down(p, *a / *b)).reduce(fmin).expect("four quotients");
        let hi = pairs.iter().map(|(a, b)| up(p, *a / *b)).reduce(fmax).expect("four quotients");
        Interval::new(lo, hi)
    }
    /// e^x (increasing).
    pub fn exp(&self) -> Interval {
        let p = self.prec();
        Interval { lo: down(p, self.lo.exp_ref()), hi: up(p, self.hi.exp_ref()) }
    }
    /// ln x, `None` unless x > 0.
    pub fn ln(&self) -> Option<Interval> {
        if !self.is_positive() {
            return None;
        }
        let p = self.prec();
        Interval::new(down(p, self.lo.ln_ref()), up(p, self.hi.ln_ref()))
    }
    /// √x, `None` unless x ≥ 0.
    pub fn sqrt(&self) -> Option<Interval> {
        if self.lo < 0 {
            return None;
        }
        let p = self.prec();
        Interval::new(down(p, self.lo.sqrt_ref()), up(p, self.hi.sqrt_ref()))
    }
    /// asinh x (increasing).
    pub fn asinh(&self) -> Interval {
        let p = self.prec();
        Interval { lo: down(p, self.lo.asinh_ref()), hi: up(p, self.hi.asinh_ref()) }
    }
    /// sinh x (increasing).
    pub fn sinh(&self) -> Interval {
        let p = self.prec();
        Interval { lo: down(p, self.lo.sinh_ref()), hi: up(p, self.hi.sinh_ref()) }
    }
    /// cosh x (decreasing on x ≤ 0, increasing on x ≥ 0).
    pub fn cosh(&self) -> Interval {
        let p = self.prec();
        let (a, b) = (self.mig(), self.mag());
        Interval { lo: down(p, a.cosh_ref()), hi: up(p, b.cosh_ref()) }
    }
    /// max(x, y) pointwise (increasing in both).
    pub fn max(&self, o: &Interval) -> Interval {
        Interval { lo: fmax(self.lo.clone(), o.lo.clone()), hi: fmax(self.hi.clone(), o.hi.clone()) }
    }
    /// The lower end as a decimal string rounded down (a valid lower bound), `digits`
    /// significant digits.
    pub fn lo_decimal(&self, digits: usize) -> String {
        self.lo.to_string_radix_round(10, Some(digits), Round::Down)
    }
    /// The upper end as a decimal string rounded up (a valid upper bound).
    pub fn hi_decimal(&self, digits: usize) -> String {
        self.hi.to_string_radix_round(10, Some(digits), Round::Up)
    }
}

/// Σ of intervals (in order; 0 for none).
/// Σ a_k·b_k: the same bits as `sum` of the `mul`s, without a buffer or a new float per term
/// (each product is rounded outward into one reused scratch interval, then added in place).
pub fn dot<'a>(pairs: impl IntoIterator<Item = (&'a Interval, &'a Interval)>, prec: u32) -> Interval {
    let mut acc = Interval::from_i64(0, prec);
    let mut t = Interval::from_i64(0, prec);
    for (a, b) in pairs {
        a.mul_into(b, &mut t);
        acc.add_assign(&t);
    }
    acc
}

///
/// Accumulated in place (the same roundings, at the same precision, as folding `add`).
pub fn sum(items: &[Interval], prec: u32) -> Interval {
    let mut acc = Interval::from_i64(0, prec);
    for v in items {
        acc.add_assign(v);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const P: u32 = 128;

    fn rand_interval(rng: &mut ChaCha8Rng, positive: bool) -> (Interval, Rational) {
        let a = Rational::from((rng.gen_range(if positive { 1 } else { -2000 }..2000i64), rng.gen_range(1..97i64)));
        let w = Rational::from((rng.gen_range(0..50i64), 1000i64));
        let b = Rational::from(&a + &w);
        let lo = Interval::from_rational(&a, P);
        let hi = Interval::from_rational(&b, P);
        // A point strictly inside (or the end, for a degenerate interval).
        let t = Rational::from((rng.gen_range(0..=16i64), 16i64));
        let inside = Rational::from(&a + &Rational::from(&w * &t));
        (Interval::new(lo.lo().clone(), hi.hi().clone()).unwrap(), inside)
    }

    /// The true value of f at q, to 4× the precision (correctly rounded at 4P bits, so it is
    /// within 2^(−4P) relative of the truth, far inside any P-bit enclosure's rounding).
    fn truth(q: &Rational, f: fn(Float) -> Float) -> Float {
        f(Float::with_val(4 * P, q))
    }

    #[test]
    fn known_constants_enclosed() {
        let pi = Interval::pi(P);
        let pi_true = Float::with_val(4 * P, Constant::Pi);
        assert!(pi.contains(&pi_true) && pi.rel_width() < 1e-37);
        let e = Interval::from_i64(1, P).exp();
        assert!(e.contains(&Float::with_val(4 * P, 1).exp()) && e.rel_width() < 1e-37);
        let ln2 = Interval::from_i64(2, P).ln().unwrap();
        assert!(ln2.contains(&Float::with_val(4 * P, Constant::Log2)));
        assert!(ln2.lo() < ln2.hi(), "ln 2 is irrational: the enclosure has width");
        // Decimal ends bracket the value.
        let lo: Float = Float::with_val(4 * P, Float::parse(ln2.lo_decimal(20)).unwrap());
        let hi: Float = Float::with_val(4 * P, Float::parse(ln2.hi_decimal(20)).unwrap());
        let t = Float::with_val(4 * P, Constant::Log2);
        assert!(lo <= t && t <= hi && lo < hi);
    }

    #[test]
    fn random_inputs_enclose_the_truth() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        for _ in 0..300 {
            let (x, qx) = rand_interval(&mut rng, false);
            let (y, qy) = rand_interval(&mut rng, false);
            let (z, qz) = rand_interval(&mut rng, true);
            let fx = Float::with_val(4 * P, &qx);
            let fy = Float::with_val(4 * P, &qy);
            assert!(x.add(&y).contains(&Float::with_val(4 * P, &fx + &fy)));
            assert!(x.sub(&y).contains(&Float::with_val(4 * P, &fx - &fy)));
            assert!(x.mul(&y).contains(&Float::with_val(4 * P, &fx * &fy)));
            assert!(x.sqr().contains(&Float::with_val(4 * P, fx.square_ref())));
            if let Some(q) = x.div(&y) {
                assert!(q.contains(&Float::with_val(4 * P, &fx / &fy)));
            } else {
                assert!(y.contains_zero());
            }
            let small = x.mul(&Interval::from_rational(&Rational::from((1, 100)), P));
            let qs = Rational::from(&qx / 100);
            assert!(small.exp().contains(&truth(&qs, Float::exp)));
            assert!(small.sinh().contains(&truth(&qs, Float::sinh)));
            assert!(small.cosh().contains(&truth(&qs, Float::cosh)));
            assert!(x.asinh().contains(&truth(&qx, Float::asinh)));
            assert!(z.ln().unwrap().contains(&truth(&qz, Float::ln)));
            assert!(z.sqrt().unwrap().contains(&truth(&qz, Float::sqrt)));
            assert!(z.recip().unwrap().contains(&Float::with_val(4 * P, 1 / Float::with_val(4 * P, &qz))));
        }
    }

    #[test]
    fn domains_refused() {
        let x = Interval::new(Float::with_val(P, -1), Float::with_val(P, 1)).unwrap();
        assert!(x.ln().is_none() && x.sqrt().is_none() && x.recip().is_none());
        assert!(Interval::new(Float::with_val(P, 2), Float::with_val(P, 1)).is_none());
        let c = x.cosh();
        assert!(c.lo() == &1 && c.contains(&Float::with_val(P, 1.5)));
        assert!(x.intersect(&Interval::from_i64(3, P)).is_none());
    }

    #[test]
    fn midpoint_and_width() {
        let x = Interval::new(Float::with_val(P, 1), Float::with_val(P, 3)).unwrap();
        assert_eq!(x.mid(), 2);
        assert_eq!(x.width(), 2);
        assert!(x.interior_contains(&Interval::from_i64(2, P)));
    }

    /// The sign-case product, `mul_i64`, `dot` and the in-place `sum` give the same bits
    /// (value, sign of zero, precision) as the four-product definition and a fold of `add`, on
    /// seeded intervals of every sign pattern, with zero ends, points and mixed precisions.
    #[test]
    fn fast_products_and_sums_are_the_same_bits() {
        let mut rng = ChaCha8Rng::seed_from_u64(41);
        let same = |a: &Interval, b: &Interval| {
            a.lo.prec() == b.lo.prec()
                && a.hi.prec() == b.hi.prec()
                && a.lo.as_ord() == b.lo.as_ord()
                && a.hi.as_ord() == b.hi.as_ord()
                && a.lo.is_sign_negative() == b.lo.is_sign_negative()
                && a.hi.is_sign_negative() == b.hi.is_sign_negative()
        };
        let mut draw = |rng: &mut ChaCha8Rng| -> Interval {
            let prec = [P, P, 64][rng.gen_range(0..3)];
            let end = |rng: &mut ChaCha8Rng| match rng.gen_range(0..6) {
                0 => Float::with_val(prec, 0),
                1 => -Float::with_val(prec, 0),
                _ => Float::with_val(prec, rng.gen_range(-3.0f64..3.0)) / 7u32,
            };
            let (a, b) = (end(rng), end(rng));
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            if rng.gen_range(0..5) == 0 {
                Interval::point(&lo)
            } else {
                Interval { lo, hi }
            }
        };
        let mut items = Vec::new();
        for _ in 0..4000 {
            let (a, b) = (draw(&mut rng), draw(&mut rng));
            assert!(same(&a.mul(&b), &a.mul_four(&b)), "{a:?} · {b:?}");
            let k = rng.gen_range(-5i64..=5);
            assert!(same(&a.mul_i64(k), &a.mul_four(&Interval::from_i64(k, a.prec()))), "{a:?} · {k}");
            items.push((a, b));
        }
        for chunk in items.chunks(7) {
            let products: Vec<Interval> = chunk.iter().map(|(a, b)| a.mul_four(b)).collect();
            let folded = products.iter().fold(Interval::from_i64(0, P), |acc, v| acc.add(v));
            assert!(same(&sum(&products, P), &folded));
            assert!(same(&dot(chunk.iter().map(|(a, b)| (a, b)), P), &folded));
        }
    }
}
