//! Scalar networks (src/claims/scalar.rs, SN1–SN4): the exact GD step multiplies the imbalance
//! x² − y² by 1 − η²r², in rationals; the claims themselves run through tests/registry.rs.

use normsharp::theory::scalar;
use rug::Rational;

fn q(a: i64, b: i64) -> Rational {
    Rational::from((a, b))
}

#[test]
fn scalar_gd_multiplies_the_imbalance_exactly() {
    let (mut x, mut y, eta) = (q(3, 2), q(1, 5), q(2, 3));
    let d0 = Rational::from(&x * &x) - Rational::from(&y * &y);
    let mut pred = d0;
    for _ in 0..4 {
        let (nx, ny, r) = scalar::gd_step_exact(&x, &y, &eta);
        let er = Rational::from(&eta * &r);
        pred *= Rational::from(1) - Rational::from(&er * &er);
        (x, y) = (nx, ny);
    }
    assert_eq!(Rational::from(&x * &x) - Rational::from(&y * &y), pred);
}
