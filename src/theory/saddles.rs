//! Saddle-to-saddle dynamics as α → 0 (THEORY.md §4 P; Pesme & Flammarion 2023, Algorithm 1).
//!
//! With L = (1/2n)‖Xβ − y‖² and time rescaled by λ = ln(1/α), gradient flow from the small
//! initialization follows, as α → 0, a piecewise-constant path of saddles. Algorithm 1: start at
//! t = 0, β = 0, s = 0; on a plateau β, s′ = −∇L(β); the next jump is the first time some
//! coordinate with ∇L_j ≠ 0 reaches |s_j| = 1 (for SW only s_j = +1: β ≥ 0); then β becomes the
//! minimizer of L over {β_i·s_i ≥ 0 where |s_i| = 1, β_i = 0 elsewhere}; stop when ∇L(β) = 0 (SW:
//! when no coordinate can reach +1). Since s = Xᵀν with ν′ = −(Xβ − y)/n, the end point comes
//! with a dual vector ν for the min-ℓ1 LP: ‖Xᵀν‖∞ ≤ 1 and yᵀν = ‖β‖₁.
//!
//! Everything is exact in rationals: jump times are ratios, each plateau a sign-constrained least
//! squares solved by Lawson–Hanson's active-set method with exact normal-equation solves
//! ([`crate::numeric::exact`]), its uniqueness certified (independent passive columns and strict
//! complementarity, or independence of the degenerate ones too).
//!
//! Time units: rescaled t̃ with s′ = −∇L. Gradient-flow time of each parametrization: UV
//! (u = √2α, v = 0): t = λ·t̃, β = α²sinh(2λs); PM (a = b = α): t = (λ/2)·t̃, β = 2α²sinh(2λs);
//! SW (w = α): t = (λ/2)·t̃, β = α²e^{2λs} (see [`beta_of_s`]).

use crate::error::{Error, Result};
use crate::numeric::exact::{eliminate, rank_exact};
use crate::numeric::real::Nearest;
use crate::problem::model::AnyModel;
use crate::problem::task::Task;
use crate::theory::interpolators::Sign;
use rug::Rational;
use serde::Serialize;

/// One plateau: from `time` on, β = `beta` (until the next plateau's time).
#[derive(Debug, Clone)]
pub struct Plateau {
    /// Rescaled time of the jump onto this plateau (0 for β = 0).
    pub time: Rational,
    /// The saddle.
    pub beta: Vec<Rational>,
    /// s at the jump.
    pub s: Vec<Rational>,
    /// The coordinates that reached the boundary at this jump.
    pub entering: Vec<usize>,
    /// Their smallest speed |s_j′| = |∇L_j| on the previous plateau (0 for the first plateau):
    /// the GF's O(1/λ) layer in s is an O(1/(λ·speed)) layer in time.
    pub speed: Rational,
}

/// The limit process.
#[derive(Debug, Clone)]
pub struct SaddleProcess {
    /// Plateaus in time order, the first at t = 0 with β = 0.
    pub plateaus: Vec<Plateau>,
    /// ν with s_final = Xᵀν (s at the last jump; it stays there: ∇L = 0 on the last plateau).
    pub nu: Vec<Rational>,
    /// The sign constraint (SW: β ≥ 0).
    pub sign: Sign,
}

/// Output form of a plateau.
#[derive(Debug, Clone, Serialize)]
pub struct PlateauOut {
    /// Rescaled time t̃ (nearest f64).
    pub time: f64,
    /// β (nearest f64).
    pub beta: Vec<f64>,
    /// The exact time, "p/q".
    pub time_exact: String,
    /// The exact β, "p/q" each.
    pub beta_exact: Vec<String>,
}

impl SaddleProcess {
    /// Plateaus for output.
    pub fn output(&self) -> Vec<PlateauOut> {
        self.plateaus
            .iter()
            .map(|p| PlateauOut {
                time: p.time.nearest(),
                beta: p.beta.iter().map(Nearest::nearest).collect(),
                time_exact: p.time.to_string(),
                beta_exact: p.beta.iter().map(Rational::to_string).collect(),
            })
            .collect()
    }
    /// The last plateau's β.
    pub fn end(&self) -> &[Rational] {
        self.plateaus.last().map_or(&[], |p| &p.beta[..])
    }
}

/// The formulas of the process that claims may replace (`threshold(i, d)`: the level |s_i| at
/// which coordinate i enters, 1 in Algorithm 1).
#[derive(Clone, Copy)]
pub struct ProcessRules {
    /// The boundary |s_i| = threshold(i, d).
    pub threshold: fn(usize, usize) -> Rational,
    /// Whether the plateau's sign constraint on β_i is the sign of s_i (Algorithm 1: yes; else
    /// β_i ≥ 0 whatever the side s_i reached).
    pub signs_from_s: bool,
}

impl Default for ProcessRules {
    fn default() -> Self {
        ProcessRules { threshold: |_, _| Rational::from(1), signs_from_s: true }
    }
}

/// The sign constraint of a parametrization's limit process: SW β ≥ 0; PM, UV signed.
pub fn sign_of(model: &AnyModel) -> Result<Sign> {
    match model {
        AnyModel::Sw => Ok(Sign::Nonnegative),
        AnyModel::Pm | AnyModel::Uv => Ok(Sign::Signed),
        other => Err(Error::arg(
            "--model",
            format!("{other:?}").to_lowercase(),
            "sw, pm or uv (the saddle-to-saddle limit is derived for these initializations)",
        )),
    }
}

fn grad(task: &Task, beta: &[Rational]) -> (Vec<Rational>, Vec<Rational>) {
    let n = Rational::from(task.n() as i64);
    let r: Vec<Rational> = task
        .x
        .iter()
        .zip(&task.y)
        .map(|(row, y)| row.iter().zip(beta).filter(|(_, b)| **b != 0).fold(Rational::from(-y), |acc, (a, b)| acc + Rational::from(a * b)))
        .collect();
    let g = (0..task.d())
        .map(|j| task.x.iter().zip(&r).fold(Rational::new(), |acc, (row, ri)| acc + Rational::from(&row[j] * ri)) / &n)
        .collect();
    (g, r)
}

/// Pesme & Flammarion's Algorithm 1 in exact rationals, at most `max_jumps` jumps.
pub fn saddle_process(task: &Task, sign: Sign, rules: &ProcessRules, max_jumps: usize) -> Result<SaddleProcess> {
    let (n, d) = (task.n(), task.d());
    let mut t = Rational::new();
    let mut beta = vec![Rational::new(); d];
    let mut s = vec![Rational::new(); d];
    let mut nu = vec![Rational::new(); n];
    let mut plateaus = vec![Plateau { time: t.clone(), beta: beta.clone(), s: s.clone(), entering: Vec::new(), speed: Rational::new() }];
    let nq = Rational::from(n as i64);
    for _ in 0..max_jumps {
        let (g, r) = grad(task, &beta);
        if g.iter().all(|v| *v == 0) {
            return Ok(SaddleProcess { plateaus, nu, sign });
        }
        // The first coordinate to reach its boundary: τ_j = (±c_j − s_j)/(−g_j).
        let mut best: Option<(Rational, Vec<usize>)> = None;
        for j in 0..d {
            if g[j] == 0 || (sign == Sign::Nonnegative && g[j] > 0) {
                continue;
            }
            let c = (rules.threshold)(j, d);
            let target = if g[j] < 0 { c } else { -c };
            let tau = Rational::from(&target - &s[j]) / Rational::from(-&g[j]);
            if tau <= 0 {
                return Err(Error::NoConvergence {
                    what: "saddle process".into(),
                    detail: format!("coordinate {j} is pushed out of |s| ≤ 1 (τ = {tau})"),
                });
            }
            match &mut best {
                Some((b, idx)) if tau == *b => idx.push(j),
                Some((b, _)) if tau > *b => {}
                _ => best = Some((tau, vec![j])),
            }
        }
        let Some((tau, entering)) = best else {
            // SW: no coordinate can reach +1: β is the nonnegative least-squares point.
            return Ok(SaddleProcess { plateaus, nu, sign });
        };
        t += &tau;
        for j in 0..d {
            s[j] -= Rational::from(&tau * &g[j]);
        }
        for (v, ri) in nu.iter_mut().zip(&r) {
            *v -= Rational::from(&tau * ri) / &nq;
        }
        for &j in &entering {
            // Exact landing on the boundary.
            let c = (rules.threshold)(j, d);
            s[j] = if s[j] > 0 { c } else { -c };
        }
        let active: Vec<(usize, i32)> = (0..d)
            .filter(|&j| Rational::from(s[j].abs_ref()) == (rules.threshold)(j, d))
            .map(|j| (j, if s[j] > 0 || !rules.signs_from_s { 1 } else { -1 }))
            .collect();
        beta = constrained_least_squares(task, &active)?;
        let speed = entering.iter().map(|&j| Rational::from(g[j].abs_ref())).min().unwrap_or_default();
        plateaus.push(Plateau { time: t.clone(), beta: beta.clone(), s: s.clone(), entering, speed });
    }
    Err(Error::NoConvergence { what: "saddle process".into(), detail: format!("no stationary point after {max_jumps} jumps") })
}

/// min ½‖Xβ − y‖² over β_j·σ_j ≥ 0 for (j, σ_j) in `active`, β = 0 elsewhere: Lawson–Hanson on the columns σ_jX_{:,j}, exact.
/// The minimizer must be unique (Pesme & Flammarion's assumption); otherwise an error.
pub fn constrained_least_squares(task: &Task, active: &[(usize, i32)]) -> Result<Vec<Rational>> {
    let n = task.n();
    let cols: Vec<Vec<Rational>> = active.iter().map(|&(j, sg)| task.x.iter().map(|row| Rational::from(&row[j] * sg)).collect()).collect();
    let m = cols.len();
    let mut z = vec![Rational::new(); m];
    let solve_on = |p: &[usize]| -> Result<Vec<Rational>> {
        let a: Vec<Vec<Rational>> = p.iter().map(|&i| p.iter().map(|&k| dot(&cols[i], &cols[k])).collect()).collect();
        let b: Vec<Rational> = p.iter().map(|&i| dot(&cols[i], &task.y)).collect();
        let (sol, rank) = eliminate(&a, &b);
        match sol {
            Some(v) if rank == p.len() => Ok(v),
            _ => Err(Error::NoConvergence { what: "saddle plateau".into(), detail: "dependent columns in the active set".into() }),
        }
    };
    let residual = |z: &[Rational]| -> Vec<Rational> {
        (0..n).map(|i| cols.iter().zip(z).fold(task.y[i].clone(), |acc, (c, zk)| acc - Rational::from(&c[i] * zk))).collect()
    };
    let mut passive: Vec<usize> = Vec::new();
    for _ in 0..(10 * m + 10) {
        let res = residual(&z);
        let w: Vec<Rational> = cols.iter().map(|c| dot(c, &res)).collect();
        let enter = (0..m).filter(|k| !passive.contains(k) && w[*k] > 0).max_by(|&a, &b| w[a].cmp(&w[b]).then(b.cmp(&a)));
        let Some(e) = enter else {
            unique_or_error(&cols, &passive, &w)?;
            return Ok(scatter(task.d(), active, &z));
        };
        passive.push(e);
        passive.sort_unstable();
        loop {
            let zp = solve_on(&passive)?;
            if zp.iter().all(|v| *v > 0) {
                for (k, &i) in passive.iter().enumerate() {
                    z[i] = zp[k].clone();
                }
                break;
            }
            // Step towards zp until the first passive variable hits 0.
            let mut alpha: Option<Rational> = None;
            for (k, &i) in passive.iter().enumerate() {
                if zp[k] <= 0 {
                    let a = Rational::from(&z[i]) / Rational::from(&z[i] - &zp[k]);
                    if alpha.as_ref().is_none_or(|b| a < *b) {
                        alpha = Some(a);
                    }
                }
            }
            let alpha = alpha.unwrap_or_default();
            for (k, &i) in passive.iter().enumerate() {
                let step = Rational::from(&alpha * Rational::from(&zp[k] - &z[i]));
                z[i] += step;
            }
            passive.retain(|&i| z[i] > 0);
            for (i, zi) in z.iter_mut().enumerate() {
                if !passive.contains(&i) {
                    *zi = Rational::new();
                }
            }
            if passive.is_empty() {
                break;
            }
        }
    }
    Err(Error::NoConvergence { what: "saddle plateau".into(), detail: "the active-set method did not terminate".into() })
}

/// Uniqueness: the passive columns together with the degenerate ones (w_k = 0 off the passive
/// set) are independent. Then any other minimizer has the same fit, is zero where w_k < 0
/// (complementarity) and so differs on independent columns only by a null vector: none.
fn unique_or_error(cols: &[Vec<Rational>], passive: &[usize], w: &[Rational]) -> Result<()> {
    let mut idx: Vec<usize> = passive.to_vec();
    idx.extend((0..cols.len()).filter(|k| !passive.contains(k) && w[*k] == 0));
    let rows: Vec<Vec<Rational>> = idx.iter().map(|&k| cols[k].clone()).collect();
    if rank_exact(&rows) < idx.len() {
        return Err(Error::NoConvergence {
            what: "saddle plateau".into(),
            detail: "the sign-constrained least-squares problem has several minimizers (Pesme & Flammarion assume a unique one)".into(),
        });
    }
    Ok(())
}

fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter().zip(b).fold(Rational::new(), |acc, (p, q)| acc + Rational::from(p * q))
}

fn scatter(d: usize, active: &[(usize, i32)], z: &[Rational]) -> Vec<Rational> {
    let mut beta = vec![Rational::new(); d];
    for (&(j, sg), v) in active.iter().zip(z) {
        beta[j] = Rational::from(v * sg);
    }
    beta
}

/// β as a function of the rescaled dual variable s at λ = ln(1/α), for each parametrization:
/// UV ½(e^{2λ(s−1)} − e^{−2λ(s+1)}) = α²sinh(2λs); PM twice that; SW e^{2λ(s−1)} = α²e^{2λs}.
pub fn beta_of_s(sign: Sign, scale: f64, lambda: f64, s: f64) -> f64 {
    let up = (2.0 * lambda * (s - 1.0)).exp();
    match sign {
        Sign::Nonnegative => scale * up,
        Sign::Signed => scale * (up - (-2.0 * lambda * (s + 1.0)).exp()),
    }
}

/// The factor in [`beta_of_s`] and the GF time per unit rescaled time, per parametrization:
/// UV (½, λ), PM (1, λ/2), SW (1, λ/2).
pub fn model_scale(model: &AnyModel) -> Result<(f64, f64)> {
    match model {
        AnyModel::Uv => Ok((0.5, 1.0)),
        AnyModel::Pm | AnyModel::Sw => Ok((1.0, 0.5)),
        other => Err(Error::arg("--model", format!("{other:?}").to_lowercase(), "sw, pm or uv")),
    }
}
