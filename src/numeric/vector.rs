//! Small f64 vector helpers used across the crate (one definition each).

/// `Some(v)` when v is finite.
pub fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Euclidean distance ‖a − b‖₂.
pub fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>().sqrt()
}

/// `dist(a, b) <= eps`, decided with the same sum in the same order, but leaving as soon as
/// a partial sum proves the distance larger: partial sums of nonnegative terms only grow, and
/// s > fl(fl(eps²)·(1 + 10⁻¹²)) gives √s > eps·(1 + 4.9·10⁻¹³) (eps² normal, rounding ≤ 2⁻⁵³
/// per operation), so fl(√s) > eps. Same answer as [`dist`] for every finite input.
pub fn within(a: &[f64], b: &[f64], eps: f64) -> bool {
    let e2 = eps * eps;
    let thr = if e2.is_normal() { e2 * (1.0 + 1e-12) } else { f64::INFINITY };
    let mut s = 0.0f64;
    for (k, (p, q)) in a.iter().zip(b).enumerate() {
        s += (p - q) * (p - q);
        if k % 8 == 7 && s > thr {
            return false;
        }
    }
    s.sqrt() <= eps
}

/// ‖a − b‖∞.
pub fn dist_inf(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q).abs()).fold(0.0, nan_max)
}

/// max that propagates NaN (f64::max drops it: a distance to a NaN vector must not read 0).
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// ‖v‖∞.
pub fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| nan_max(m, x.abs()))
}

/// ‖a − b‖∞ / ‖b‖∞.
pub fn rel_dist(a: &[f64], b: &[f64]) -> f64 {
    dist_inf(a, b) / max_abs(b)
}

/// Coordinatewise relative distance max_i |a_i − b_i| / max(|b_i|, floor): every coordinate
/// is checked at its own scale, coordinates below `floor` against the absolute floor.
pub fn rel_dist_coordinatewise(a: &[f64], b: &[f64], floor: f64) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q).abs() / q.abs().max(floor)).fold(0.0, f64::max)
}

/// Median (sorts `v`; NaN when empty).
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Least-squares slope of ln y against ln x.
pub fn loglog_slope(x: &[f64], y: &[f64]) -> f64 {
    let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let k = lx.len() as f64;
    let (mx, my) = (lx.iter().sum::<f64>() / k, ly.iter().sum::<f64>() / k);
    let sxy: f64 = lx.iter().zip(&ly).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = lx.iter().map(|a| (a - mx).powi(2)).sum();
    sxy / sxx
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `within` decides exactly as `dist(a, b) <= eps`: seeded vectors of lengths 1..40 at
    /// thresholds straddling their distance by one ulp, tiny (subnormal eps²) and huge eps.
    #[test]
    fn within_decides_as_dist() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut next = move || rng.gen::<f64>() - 0.5;
        for len in 1..40 {
            for scale in [1e-170, 1e-3, 1.0, 1e150] {
                let a: Vec<f64> = (0..len).map(|_| next() * scale).collect();
                let b: Vec<f64> = (0..len).map(|_| next() * scale).collect();
                let d = dist(&a, &b);
                for eps in [d, d.next_up(), d.next_down(), d * 0.5, d * 2.0, 0.0, f64::MIN_POSITIVE, 1e-160] {
                    assert_eq!(within(&a, &b, eps), d <= eps, "len {len} scale {scale} eps {eps} d {d}");
                }
            }
        }
    }
}
