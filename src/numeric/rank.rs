//! Spearman's rank correlation with its exact one-sided p-value under the null hypothesis of
//! no association (all m! orderings equally likely; enumerated for m ≤ 9).

/// Ranks 1..m (ties get their average rank).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        idx[i..=j].iter().for_each(|&k| r[k] = avg);
        i = j + 1;
    }
    r
}

/// Pearson's correlation of two equally long samples.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let m = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / m, b.iter().sum::<f64>() / m);
    let sab: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let saa: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let sbb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    sab / (saa * sbb).sqrt()
}

/// Spearman's ρ: Pearson's correlation of the ranks.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// P(ρ ≥ observed) over the m! equally likely orderings of y's ranks (exact, 2 ≤ m ≤ 9;
/// `None` otherwise).
pub fn spearman_p_upper(x: &[f64], y: &[f64]) -> Option<f64> {
    let m = x.len();
    if !(2..=9).contains(&m) || y.len() != m {
        return None;
    }
    let obs = spearman(x, y) - 1e-12;
    let rx = ranks(x);
    let mut perm: Vec<f64> = ranks(y);
    perm.sort_by(f64::total_cmp);
    let (mut hits, mut total) = (0u64, 0u64);
    // Heap's algorithm over all orderings.
    let mut c = vec![0usize; m];
    let mut count = |p: &[f64]| {
        total += 1;
        hits += u64::from(pearson(&rx, p) >= obs);
    };
    count(&perm);
    let mut i = 0;
    while i < m {
        if c[i] < i {
            if i % 2 == 0 {
                perm.swap(0, i);
            } else {
                perm.swap(c[i], i);
            }
            count(&perm);
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    Some(hits as f64 / total as f64)
}
