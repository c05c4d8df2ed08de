//! The exact square solver by Dixon lifting agrees with Gauss–Jordan elimination over ℚ on
//! seeded random systems (small and large entries, small and large right-hand sides), and a
//! singular system is a clear error naming its rank, never a panic or a wrong answer.

use normsharp::numeric::dixon::{solve_square, solve_square_dixon, DixonSolver, SquareSolveError};
use normsharp::numeric::exact::eliminate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::{Integer, Rational};

fn random_rational(rng: &mut ChaCha8Rng, bits: u32) -> Rational {
    let mut num = Integer::from(rng.gen_range(-1000i64..=1000));
    if bits > 10 {
        num <<= bits - 10;
        num += rng.gen_range(0i64..1 << 20);
    }
    Rational::from((num, rng.gen_range(1i64..=12)))
}

fn random_system(rng: &mut ChaCha8Rng, n: usize, bits: u32) -> (Vec<Vec<Rational>>, Vec<Rational>) {
    let a = (0..n).map(|_| (0..n).map(|_| random_rational(rng, bits)).collect()).collect();
    let b = (0..n).map(|_| random_rational(rng, bits + 40)).collect();
    (a, b)
}

#[test]
fn dixon_agrees_with_gauss_jordan_on_seeded_random_systems() {
    let mut rng = ChaCha8Rng::seed_from_u64(20250531);
    for case in 0..60 {
        let n = 1 + case % 13;
        // Entries of ~10 bits (the i128 residual path) and of ~90 bits (the big-integer path).
        let bits = if case % 3 == 2 { 90 } else { 10 };
        let (a, b) = random_system(&mut rng, n, bits);
        let (reference, rank) = eliminate(&a, &b);
        assert_eq!(rank, n, "case {case}: random matrix is nonsingular");
        let z = solve_square(&a, &b).expect("nonsingular");
        assert_eq!(Some(z), reference, "case {case} (n = {n}, {bits}-bit entries)");
    }
}

#[test]
fn transposed_solve_agrees_with_gauss_jordan() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for n in 1..=10 {
        let ai: Vec<Integer> = (0..n * n).map(|_| Integer::from(rng.gen_range(-50i64..=50))).collect();
        let b: Vec<Integer> = (0..n).map(|_| Integer::from(rng.gen_range(-(1i64 << 40)..=1 << 40))).collect();
        let at: Vec<Vec<Rational>> = (0..n).map(|i| (0..n).map(|j| Rational::from(&ai[j * n + i])).collect()).collect();
        let bq: Vec<Rational> = b.iter().map(Rational::from).collect();
        let (reference, rank) = eliminate(&at, &bq);
        if rank < n {
            continue;
        }
        let Some(solver) = DixonSolver::new(n, ai.clone()) else { panic!("n = {n}: nonsingular over ℚ, singular mod p") };
        assert_eq!(Some(solver.solve_t(&b).to_rationals()), reference, "n = {n}");
    }
}

#[test]
fn singular_systems_are_a_clear_error() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for case in 0..20 {
        let n = 3 + case % 7;
        let (mut a, b) = random_system(&mut rng, n, 10);
        // The last row a combination of the first two: rank n − 1 (or less).
        let last: Vec<Rational> = (0..n).map(|j| Rational::from(&a[0][j] * 3) - &a[1][j]).collect();
        a[n - 1] = last;
        let (_, rank) = eliminate(&a, &b);
        assert!(solve_square_dixon(&a, &b).is_none(), "case {case}: singular over ℚ is singular mod p");
        assert_eq!(solve_square(&a, &b), Err(SquareSolveError::Singular { rank, n }), "case {case}");
    }
    let zero = vec![vec![Rational::new(); 3]; 3];
    assert_eq!(
        solve_square(&zero, &[Rational::new(), Rational::new(), Rational::new()]),
        Err(SquareSolveError::Singular { rank: 0, n: 3 })
    );
    let err = solve_square(&zero, &[Rational::new()]).unwrap_err();
    assert!(err.to_string().contains("not a square system"), "{err}");
}
