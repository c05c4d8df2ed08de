//! The canonical tasks of THEORY.md and seeded generators of task families.

use crate::problem::task::Task;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rug::Rational;

/// The canonical 4-feature single-sample task: x = (1, 2, 3, 4), y = 1, teacher β* = (1/10, …).
pub fn canonical_four() -> Task {
    let q = |a: i64, b: i64| Rational::from((a, b));
    Task::new("x=(1,2,3,4),y=1", vec![(1..=4).map(|i| q(i, 1)).collect()], vec![q(1, 1)], Some(vec![q(1, 10); 4]), Rational::new())
        .expect("canonical task is valid")
}

/// The canonical 2-feature task x = (1, 2), y = 1, teacher β* = (1/2, 1/4) (the mean of the
/// uniform prior on Z, THEORY.md T8).
pub fn canonical_two() -> Task {
    let q = |a: i64, b: i64| Rational::from((a, b));
    Task::new("x=(1,2),y=1", vec![vec![q(1, 1), q(2, 1)]], vec![q(1, 1)], Some(vec![q(1, 2), q(1, 4)]), Rational::new())
        .expect("canonical task is valid")
}

/// A seeded random SW task with positive entries: X_ij = k/8 with k uniform in 1..=16,
/// a nonnegative 3-sparse teacher with entries k/4 (k in 1..=8), y = Xβ* exactly.
/// Bit-reproducible (ChaCha8 with the given seed).
///
/// # Panics
/// If n = 0 or d = 0 (a generator's arguments are the caller's, not user input).
pub fn random_positive(seed: u64, n: usize, d: usize) -> Task {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x: Vec<Vec<Rational>> = (0..n).map(|_| (0..d).map(|_| Rational::from((rng.gen_range(1..=16i64), 8))).collect()).collect();
    let mut teacher = vec![Rational::new(); d];
    let k = 3.min(d);
    let mut placed = 0;
    while placed < k {
        let j = rng.gen_range(0..d);
        if teacher[j] == 0 {
            teacher[j] = Rational::from((rng.gen_range(1..=8i64), 4));
            placed += 1;
        }
    }
    let y = x.iter().map(|row| row.iter().zip(&teacher).fold(Rational::new(), |acc, (a, b)| acc + Rational::from(a * b))).collect();
    Task::new(format!("random-sw(seed={seed},n={n},d={d})"), x, y, Some(teacher), Rational::new()).expect("generated task is valid")
}

/// The canonical multi-sample task of the registry: `random_positive(7, 5, 12)`.
pub fn canonical_multi() -> Task {
    random_positive(7, 5, 12)
}

/// Draws from N(mean, σ²) with statrs, as exact rationals (the f64 sample, exactly).
fn normal_rationals(rng: &mut ChaCha8Rng, count: usize, mean: f64, std: f64) -> Vec<Rational> {
    use rand::distributions::Distribution;
    let normal = statrs::distribution::Normal::new(mean, std).expect("valid normal parameters");
    (0..count).map(|_| Rational::from_f64(normal.sample(rng)).expect("finite sample")).collect()
}

/// A k-sparse teacher: k distinct coordinates (uniform), entries ±1 with random signs
/// (`signed`) or +1.
fn sparse_teacher(rng: &mut ChaCha8Rng, d: usize, k: usize, signed: bool) -> Vec<Rational> {
    let mut teacher = vec![Rational::new(); d];
    let mut placed = 0;
    while placed < k.min(d) {
        let j = rng.gen_range(0..d);
        if teacher[j] == 0 {
            teacher[j] = Rational::from(if signed && rng.gen_bool(0.5) { -1 } else { 1 });
            placed += 1;
        }
    }
    teacher
}

/// Labels y = Xβ* + σ·ξ with ξ ~ N(0, 1) (σ = 0: exact).
fn labels(rng: &mut ChaCha8Rng, x: &[Vec<Rational>], teacher: &[Rational], noise_std: f64) -> Vec<Rational> {
    let noise = if noise_std > 0.0 { normal_rationals(rng, x.len(), 0.0, noise_std) } else { vec![Rational::new(); x.len()] };
    x.iter()
        .zip(noise)
        .map(|(row, e)| row.iter().zip(teacher).fold(Rational::new(), |acc, (a, b)| acc + Rational::from(a * b)) + e)
        .collect()
}

/// Seeded Gaussian design X_ij ~ N(mean, 1) with a k-sparse ±1 teacher and label noise σ
/// (THEORY.md §4 tasks; bit-reproducible: ChaCha8 + statrs). `mean = 0` is the centred
/// design of the Woodworth/Even experiments; `mean ≈ 5` the non-centred one of Nacson et al.
///
/// ```
/// let a = normsharp::problem::tasks::gaussian(3, 20, 50, 5, 0.0, 0.0);
/// let b = normsharp::problem::tasks::gaussian(3, 20, 50, 5, 0.0, 0.0);
/// assert_eq!(a, b);
/// assert_eq!((a.n(), a.d()), (20, 50));
/// ```
///
/// # Panics
/// If n = 0, d = 0, `mean` is not finite or `noise_std` is negative or not finite.
pub fn gaussian(seed: u64, n: usize, d: usize, k: usize, mean: f64, noise_std: f64) -> Task {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x: Vec<Vec<Rational>> = (0..n).map(|_| normal_rationals(&mut rng, d, mean, 1.0)).collect();
    let teacher = sparse_teacher(&mut rng, d, k, true);
    let y = labels(&mut rng, &x, &teacher, noise_std);
    let noise = Rational::from_f64(noise_std).unwrap_or_default();
    Task::new(format!("gaussian(seed={seed},n={n},d={d},k={k},mean={mean},σ={noise_std})"), x, y, Some(teacher), noise)
        .expect("generated task is valid")
}
