//! The MPFR dot products of `numeric::mpfr_dot` are the exact sums rounded once to nearest:
//! checked against exact rational arithmetic rounded by MPFR (`Float::with_val(p, &q)`), so
//! the comparison is bit-for-bit, no tolerance.

use normsharp::numeric::mpfr_dot::{scaled_matvec, ScaledCols};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::{Float, Rational};

/// Exact `Σ_j a_ij v_j − minus_i` rounded to nearest at `prec` bits.
fn reference(a: &[f64], rows: usize, cols: usize, v: &[Float], minus: Option<&[Float]>, prec: u32) -> Vec<Float> {
    (0..rows)
        .map(|i| {
            let mut q = Rational::new();
            for j in 0..cols {
                let aij = Rational::from_f64(a[i * cols + j]).expect("finite");
                q += aij * v[j].to_rational().expect("finite");
            }
            if let Some(m) = minus {
                q -= m[i].to_rational().expect("finite");
            }
            Float::with_val(prec, &q)
        })
        .collect()
}

fn check(rng: &mut ChaCha8Rng, rows: usize, cols: usize, prec: u32, spread: i32, cancel: bool) {
    let a: Vec<f64> = (0..rows * cols)
        .map(|_| match rng.gen_range(0..4) {
            0 => 0.0,
            1 => f64::from(rng.gen_range(-16i32..=16)) / 8.0,
            _ => rng.gen_range(-(1i64 << 40)..(1i64 << 40)) as f64 * 2f64.powi(-rng.gen_range(0..20)),
        })
        .collect();
    let s = ScaledCols::new(rows, cols, &a).expect("entries span at most 61 bits per column");
    let v: Vec<Float> = (0..cols)
        .map(|_| {
            let digits: Vec<u64> = (0..prec.div_ceil(64)).map(|_| rng.gen()).collect();
            let m = Float::with_val(prec, rug::Integer::from_digits(&digits, rug::integer::Order::Lsf)) >> (64 * digits.len() as i32);
            let e = rng.gen_range(-spread..=spread);
            let sign = if rng.gen_bool(0.5) { 1 } else { -1 };
            Float::with_val(prec, m * sign) << e
        })
        .collect();
    let mut minus: Vec<Float> = reference(&a, rows, cols, &v, None, prec + 40);
    if !cancel {
        for m in minus.iter_mut() {
            *m = Float::with_val(prec, rng.gen_range(-4.0..4.0));
        }
    } else {
        for m in minus.iter_mut() {
            m.set_prec(prec);
        }
    }
    let want = reference(&a, rows, cols, &v, Some(&minus), prec);
    let mut got = vec![Float::new(prec); rows];
    scaled_matvec(&s, &v, Some(&minus), &mut got);
    for (g, w) in got.iter().zip(&want) {
        assert!(g == w || (g.is_zero() && w.is_zero()), "{g} != {w} (prec {prec}, spread {spread}, cancel {cancel})");
    }
}

#[test]
fn rounded_once_like_exact_arithmetic() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for &prec in &[53u32, 128, 256, 300] {
        for &(rows, cols) in &[(1usize, 4usize), (3, 7), (5, 50)] {
            for &spread in &[0, 10, 300, 3000] {
                for cancel in [false, true] {
                    check(&mut rng, rows, cols, prec, spread, cancel);
                }
            }
        }
    }
}

#[test]
fn non_finite_and_zero_inputs_follow_mpfr() {
    let a = [1.0, 2.0, 0.5, -3.0];
    let s = ScaledCols::new(2, 2, &a).expect("exact");
    let mut out = vec![Float::new(64); 2];
    let v = [Float::with_val(64, 0), Float::with_val(64, 0)];
    scaled_matvec(&s, &v, None, &mut out);
    assert!(out.iter().all(|o| o.is_zero()));
    let v = [Float::with_val(64, f64::INFINITY), Float::with_val(64, 1)];
    scaled_matvec(&s, &v, None, &mut out);
    assert!(out[0].is_infinite() && out[0] > 0 && out[1].is_infinite());
    let v = [Float::with_val(64, f64::NAN), Float::with_val(64, 1)];
    scaled_matvec(&s, &v, None, &mut out);
    assert!(out.iter().all(|o| o.is_nan()));
}

#[test]
fn columns_spanning_more_than_63_bits_have_no_scaled_form() {
    assert!(ScaledCols::new(2, 1, &[1.0, 2f64.powi(-70)]).is_none());
    assert!(ScaledCols::new(1, 2, &[1.0, 2f64.powi(-70)]).is_some());
    assert!(ScaledCols::new(1, 1, &[f64::NAN]).is_none());
}
