//! Small f64 vector helpers used across the crate (one definition each).

/// `Some(v)` when v is finite.
pub fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Euclidean distance ‖a − b‖₂.
pub fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>().sqrt()
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
