//! Minimum-λ_max interpolation by a primal–dual interior-point method (pure Rust, faer).
//!
//! Primal: `min t  s.t.  S = tI − Σ_j w_j x_j x_jᵀ ⪰ 0,  Xβ = y`, with `w = β ≥ 0`
//! (nonnegative case) or `w ≥ |β|` (signed case, written `β = p − q`, `w = p + q`,
//! `p, q ≥ 0`). Internally `u ≥ 0` is `β` or `(p, q)`, `B u = Xβ`, `A_k = a_k a_kᵀ`.
//!
//! Dual: `max yᵀν  s.t.  Z ⪰ 0, tr Z = 1, λ_k = a_kᵀZa_k − (Bᵀν)_k ≥ 0`.
//! Gap: `t − yᵀν = ⟨S, Z⟩ + uᵀλ` at feasibility.
//!
//! Method: infeasible-start HKM direction with Mehrotra predictor–corrector on the
//! problem scaled to `max_j ‖x_j‖ = 1`, `‖y‖∞ = 1`.
//! * `S` is always recomputed from `(t, u)` (the LMI holds exactly); the dual starts
//!   feasible (`Z = I/n`, `ν = 0`, `λ_k = a_kᵀZa_k`); only `Bu = y` is reached
//!   asymptotically. After each step `(Z, ν, λ)` is rescaled to `tr Z = 1`, and `λ_k` is
//!   reset to the true slack `a_kᵀZa_k − (Bᵀν)_k` when that is within a factor 2.
//! * Newton system: the d×d Schur block `M0 = (XᵀS⁻¹X) ⊙ (XᵀZX)` (rank-one LMI
//!   matrices), bordered by `t` and `ν`, block-eliminated with two Choleskys and
//!   iteratively refined (see [`kkt`]). O(n²d + nd² + d³) per iteration.
//! * Step lengths: separate primal/dual, fraction to the boundary `γ = 0.9 + 0.09·min α`;
//!   the PSD bound is `−1/λ_min(L⁻¹ΔL⁻ᵀ)` (tridiagonalisation + bisection); the
//!   predictor's lengths, which only feed `σ = (μ_aff/μ)³`, use a Cholesky ladder.
//! * Stop when `‖Bu − y‖∞/‖y‖∞`, `max_k ((Bᵀν)_k − a_kᵀZa_k)⁺ / max_k ‖a_k‖²`, `|tr Z − 1|`
//!   and `|t − yᵀν| / max(t, |yᵀν|)` are all ≤ `tol` (in the endgame `t` may be replaced
//!   by the attained `λ_max(X diag|β| Xᵀ)`). Infeasibility is detected by a Farkas ratio
//!   on the (feasible) dual iterates. Set `LMAXSDP_TRACE` to print the iterations.

mod kkt;
mod psd;

#[cfg(test)]
mod checker;
#[cfg(test)]
mod tests;

use faer::{Mat, MatRef};
use psd::{chol, chol_inverse, chol_reg, coldots, frob, max_step_psd, max_step_vec, mm, symmetrize, trace, x_diag_xt};

/// Problem data: `x` is row-major n×d (rows are samples), `y` has length n.
pub struct LmaxProblem<'a> {
    /// X, row-major n×d.
    pub x: &'a [f64],
    /// Samples.
    pub n: usize,
    /// Features.
    pub d: usize,
    /// Labels.
    pub y: &'a [f64],
    /// β of any sign (w ≥ |β|) instead of β = w ≥ 0.
    pub signed: bool,
}

/// Primal–dual solution; `z` is n×n row-major, symmetric, PSD with trace 1.
#[derive(Clone, Debug)]
pub struct LmaxSolution {
    /// Epigraph value: `λ_max(X diag(w) Xᵀ)`, the primal objective attained by `w`.
    pub t: f64,
    /// The interpolator β.
    pub beta: Vec<f64>,
    /// `w ≥ |β|` (`w = |β|` in the signed case, `w = β` in the nonnegative case).
    pub w: Vec<f64>,
    /// Multipliers of `Xβ = y`.
    pub nu: Vec<f64>,
    /// The dual matrix Z (n×n row-major, PSD, trace 1).
    pub z: Vec<f64>,
    /// Interior-point iterations.
    pub iterations: usize,
    /// Whether every accuracy measure reached `tol` (false: a stall within √tol).
    pub converged: bool,
    /// λ_max(X diag w Xᵀ).
    pub primal_objective: f64,
    /// yᵀν.
    pub dual_objective: f64,
}

/// Solve the problem to relative accuracy `tol` (gap, primal and dual infeasibility).
///
/// Errors: dimension mismatch, non-finite input or `tol`, infeasible problem,
/// non-convergence within `max_iter`. A numerical stall (no better iterate for 8
/// iterations) returns the best iterate as `Ok` with `converged == false` when all its
/// accuracy measures are ≤ `√tol`, and an error otherwise. Deterministic: no threads.
pub fn solve(p: &LmaxProblem, tol: f64, max_iter: usize) -> Result<LmaxSolution, String> {
    let (n, d) = (p.n, p.d);
    if n == 0 {
        return Err("n must be at least 1".into());
    }
    if n.checked_mul(d) != Some(p.x.len()) {
        return Err(format!("x has length {}, expected n·d = {}·{}", p.x.len(), n, d));
    }
    if p.y.len() != n {
        return Err(format!("y has length {}, expected n = {}", p.y.len(), n));
    }
    if p.x.iter().chain(p.y).any(|v| !v.is_finite()) {
        return Err("x or y contains a non-finite value".into());
    }
    if !(tol.is_finite() && tol > 0.0) {
        return Err(format!("tol must be finite and positive, got {tol}"));
    }
    let xmax = p.x.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let ymax = p.y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    // column norms (computed on x/xmax to avoid overflow)
    let norms: Vec<f64> = (0..d)
        .map(|j| {
            if xmax == 0.0 {
                return 0.0;
            }
            xmax * (0..n).map(|i| (p.x[i * d + j] / xmax).powi(2)).sum::<f64>().sqrt()
        })
        .collect();
    let keep: Vec<usize> = (0..d).filter(|&j| norms[j] > 0.0).collect();
    if ymax == 0.0 {
        // β = 0 is optimal with t = 0; Z = I/n, ν = 0 certify it.
        let mut z = vec![0.0; n * n];
        for i in 0..n {
            z[i * n + i] = 1.0 / n as f64;
        }
        return Ok(LmaxSolution {
            t: 0.0,
            beta: vec![0.0; d],
            w: vec![0.0; d],
            nu: vec![0.0; n],
            z,
            iterations: 0,
            converged: true,
            primal_objective: 0.0,
            dual_objective: 0.0,
        });
    }
    if keep.is_empty() {
        return Err("infeasible: X has no nonzero column but y ≠ 0".into());
    }
    let sx = keep.iter().fold(0.0f64, |a, &j| a.max(norms[j]));
    let sy = ymax;
    let xs = Mat::<f64>::from_fn(n, keep.len(), |i, jj| p.x[i * d + keep[jj]] / sx);
    let ys: Vec<f64> = p.y.iter().map(|v| v / sy).collect();
    let r = ipm(xs.as_ref(), &ys, p.signed, tol, max_iter)?;

    // Back to the original scale: β = β̃·sy/sx, ν = sx·ν̃, t = sx·sy·t̃, Z unchanged.
    let dk = keep.len();
    let mut beta = vec![0.0; d];
    for (jj, &j) in keep.iter().enumerate() {
        let bt = if p.signed { r.u[jj] - r.u[dk + jj] } else { r.u[jj] };
        beta[j] = bt * sy / sx;
    }
    let w: Vec<f64> = beta.iter().map(|b| b.abs()).collect();
    let mut zm = r.z;
    symmetrize(&mut zm);
    let tz = trace(zm.as_ref()); // = 1 up to rounding (the IPM keeps it normalised)
    let nu: Vec<f64> = r.nu.iter().map(|v| v * sx / tz).collect();
    let mut z = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            z[i * n + j] = zm[(i, j)] / tz;
        }
    }
    let xfull = Mat::<f64>::from_fn(n, d, |i, j| p.x[i * d + j]);
    let t = lambda_max(x_diag_xt(xfull.as_ref(), &w).as_ref())?.max(0.0);
    let dual_objective: f64 = p.y.iter().zip(&nu).map(|(a, b)| a * b).sum();
    let sol = LmaxSolution { t, beta, w, nu, z, iterations: r.iterations, converged: r.converged, primal_objective: t, dual_objective };
    let finite = sol.t.is_finite() && sol.dual_objective.is_finite() && sol.beta.iter().chain(&sol.nu).chain(&sol.z).all(|v| v.is_finite());
    if !finite {
        return Err("numerical overflow: non-finite value in the solution".into());
    }
    Ok(sol)
}

struct IpmOut {
    u: Vec<f64>,
    z: Mat<f64>,
    nu: Vec<f64>,
    iterations: usize,
    converged: bool,
}

/// A search direction `(Δu, Δt, Δν, ΔS, ΔZ, Δλ)`.
struct Dir {
    du: Vec<f64>,
    dt: f64,
    dnu: Vec<f64>,
    ds: Mat<f64>,
    dz: Mat<f64>,
    dlam: Vec<f64>,
}

/// `w(u)`: `u` (nonnegative) or `p + q` (signed).
fn w_of(u: &[f64], d: usize, signed: bool) -> Vec<f64> {
    if signed {
        (0..d).map(|j| u[j] + u[d + j]).collect()
    } else {
        u.to_vec()
    }
}

/// `β(u)`: `u` (nonnegative) or `p − q` (signed).
fn beta_of(u: &[f64], d: usize, signed: bool) -> Vec<f64> {
    if signed {
        (0..d).map(|j| u[j] - u[d + j]).collect()
    } else {
        u.to_vec()
    }
}

/// `λ_max(A) = −λ_min(−A)` (tridiagonalisation + bisection).
fn lambda_max(a: MatRef<'_, f64>) -> Result<f64, String> {
    let v = -psd::min_eig((a * faer::Scale(-1.0)).as_ref());
    if v.is_finite() {
        Ok(v)
    } else {
        Err("non-finite matrix in λ_max".into())
    }
}

fn ipm(x: MatRef<'_, f64>, y: &[f64], signed: bool, tol: f64, max_iter: usize) -> Result<IpmOut, String> {
    let (n, d) = (x.nrows(), x.ncols());
    let m = if signed { 2 * d } else { d };
    let sg = |k: usize| if k < d { 1.0 } else { -1.0 };
    let xt = x.transpose();
    let colsq = coldots(x, x);
    let cmax = colsq.iter().fold(0.0f64, |a, &v| a.max(v));
    let ynorm = y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let trace_on = std::env::var_os("LMAXSDP_TRACE").is_some();
    let colvec = |v: &[f64]| Mat::<f64>::from_fn(v.len(), 1, |i, _| v[i]);

    // ---- starting point -------------------------------------------------------------
    // dual: Z = I/n, ν = 0, λ_k = a_kᵀZa_k (exactly feasible)
    let mut z = Mat::<f64>::identity(n, n) * faer::Scale(1.0 / n as f64);
    let mut nu = vec![0.0; n];
    let mut lam: Vec<f64> = (0..m).map(|k| colsq[k % d] / n as f64).collect();
    // primal: shifted least-norm solution β_ls = Xᵀ(XXᵀ)⁻¹y, u = β_ls^± + ξ, t = 2λ_max + …
    let (lx, _) = chol_reg(mm(x, xt).as_ref()).ok_or("cannot factor XXᵀ")?;
    let mut sol = colvec(y);
    psd::lsolve(lx.as_ref(), &mut sol);
    psd::ltsolve(lx.as_ref(), &mut sol);
    let bls = mm(xt, sol.as_ref());
    let xi = (0..d).fold(1.0f64, |a, j| a.max(bls[(j, 0)].abs()));
    let mut u: Vec<f64> = (0..m).map(|k| (sg(k) * bls[(k % d, 0)]).max(0.0) + xi).collect();
    let lmax0 = lambda_max(x_diag_xt(x, &w_of(&u, d, signed)).as_ref())?;
    let mut t = 2.0 * lmax0 + xi * cmax / n as f64;

    let mut best: Option<(f64, usize, IpmOut)> = None;
    let (mut tiny_steps, mut stalled) = (0usize, false);
    // Progress: a new best merit, or primal infeasibility down by 5% (on thin feasible sets the
    // gap oscillates while the infeasible-start iterates approach {Xβ = y} slowly).
    let (mut best_pinf, mut last_progress) = (f64::INFINITY, 0usize);
    let mut last = String::new();
    for it in 0..=max_iter {
        let w = w_of(&u, d, signed);
        let beta = beta_of(&u, d, signed);
        let mut s = x_diag_xt(x, &w) * faer::Scale(-1.0); // S = tI − X diag(w) Xᵀ
        for i in 0..n {
            s[(i, i)] += t;
        }
        let (ls, lz) = match (chol(s.as_ref()), chol(z.as_ref())) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                last = format!("{last}; S or Z lost positive definiteness");
                stalled = true;
                break;
            }
        };
        let sinv = chol_inverse(ls.as_ref());
        let mut lsx = x.to_owned();
        psd::lsolve(ls.as_ref(), &mut lsx); // L_S⁻¹ X
        let mut pm = lsx.clone();
        psd::ltsolve(ls.as_ref(), &mut pm); // S⁻¹ X
        let q = mm(z.as_ref(), x); // Z X
        let hdiag = coldots(x, q.as_ref()); // a_kᵀ Z a_k
        let xtnu = mm(xt, colvec(&nu).as_ref());
        let btnu = |k: usize| sg(k) * xtnu[(k % d, 0)];
        // λ ← true dual slack a_kᵀZa_k − (Bᵀν)_k where that is within a factor 2 of λ
        // (removes rounding drift of the dual residual without hurting centrality)
        for k in 0..m {
            let sk = hdiag[k % d] - btnu(k);
            if sk >= 0.5 * lam[k] && sk <= 2.0 * lam[k] {
                lam[k] = sk;
            }
        }
        // residuals: rp = y − Bu, rd = a_kᵀZa_k − (Bᵀν)_k − λ_k, rt = 1 − tr Z
        let xb = mm(x, colvec(&beta).as_ref());
        let rp: Vec<f64> = (0..n).map(|i| y[i] - xb[(i, 0)]).collect();
        let rd: Vec<f64> = (0..m).map(|k| hdiag[k % d] - btnu(k) - lam[k]).collect();
        let trz = trace(z.as_ref());
        let rt = 1.0 - trz;
        let sz = frob(s.as_ref(), z.as_ref());
        let ul: f64 = u.iter().zip(&lam).map(|(a, b)| a * b).sum();
        let mu = (sz + ul) / (n + m) as f64;
        let dobj: f64 = y.iter().zip(&nu).map(|(a, b)| a * b).sum();
        // Relative measures as the external certificate sees them: S ≻ 0 and u > 0 hold by
        // construction; the true dual violation is max_k ((Bᵀν)_k − a_kᵀZa_k)⁺.
        let pinf = rp.iter().fold(0.0f64, |a, v| a.max(v.abs())) / ynorm;
        let dinf = ((0..m).fold(0.0f64, |a, k| a.max(btnu(k) - hdiag[k % d])) / cmax).max(rt.abs());
        let mut gap = (t - dobj).abs() / t.abs().max(dobj.abs());
        if pinf <= tol && dinf <= tol && gap > tol && gap <= 1e3 * tol {
            // endgame: measure the gap with the attained value λ_max(X diag|β| Xᵀ) ≤ t
            let wabs: Vec<f64> = beta.iter().map(|b| b.abs()).collect();
            let tt = lambda_max(x_diag_xt(x, &wabs).as_ref())?;
            gap = gap.min((tt - dobj).abs() / tt.abs().max(dobj.abs()));
        }
        let merit = pinf.max(dinf).max(gap);
        last = format!("iteration {it}: primal inf {pinf:.2e}, dual inf {dinf:.2e}, gap {gap:.2e}, mu {mu:.2e}");
        if trace_on {
            eprintln!("{last}");
        }
        let snapshot = |conv: bool| IpmOut { u: u.clone(), z: z.clone(), nu: nu.clone(), iterations: it, converged: conv };
        if merit <= tol {
            return Ok(snapshot(true));
        }
        if best.as_ref().map_or(true, |(b, _, _)| merit < *b) {
            best = Some((merit, it, snapshot(false)));
            last_progress = it;
        }
        if pinf < 0.95 * best_pinf {
            best_pinf = pinf;
            last_progress = it;
        }
        // Farkas test: with dual feasibility, any feasible u has ‖u‖₁ ≥ yᵀν / max_k (Bᵀν)_k⁺.
        if pinf > tol && dobj > 0.0 {
            let bmax_nu = (0..m).fold(0.0f64, |a, k| a.max(btnu(k) + rd[k].abs()));
            if dobj > 1e12 || bmax_nu <= 1e-12 * dobj {
                return Err(format!(
                    "infeasible: no {} with Xβ = y (Farkas ratio yᵀν / max(Bᵀν)⁺ = {:.3e} in scaled units; {last})",
                    if signed { "β" } else { "β ≥ 0" },
                    dobj / bmax_nu.max(f64::MIN_POSITIVE),
                ));
            }
        }
        if it == max_iter {
            break;
        }
        // no progress for 8 iterations, or 3 vanishing steps in a row: stalled
        if tiny_steps >= 3 || it >= last_progress + 8 {
            stalled = true;
            break;
        }

        // ---- Newton system ---------------------------------------------------------
        // Gram forms keep both factors of M0 = (XᵀS⁻¹X) ⊙ (XᵀZX) symmetric PSD to rounding
        let g0 = mm(lsx.transpose(), lsx.as_ref());
        let lzx = mm(lz.transpose(), x);
        let h0 = mm(lzx.transpose(), lzx.as_ref());
        let m0 = Mat::<f64>::from_fn(d, d, |i, j| g0[(i, j)] * h0[(i, j)]);
        let gvec = coldots(pm.as_ref(), q.as_ref()); // g_j = x_jᵀS⁻¹Zx_j
        let tau = frob(sinv.as_ref(), z.as_ref()); // τ = tr(S⁻¹Z)
        let dk: Vec<f64> = (0..m).map(|k| lam[k] / u[k]).collect();
        let kkt = match kkt::Kkt::factor(x, signed, m0, gvec, tau, dk) {
            Ok(k) => k,
            Err(e) => {
                last = format!("{last}; {e}");
                stalled = true;
                break;
            }
        };
        let trsinv = trace(sinv.as_ref());
        let gdiag: Vec<f64> = (0..d).map(|j| g0[(j, j)]).collect();
        // Direction for the target σμ, with second-order terms R = S⁻¹ΔS_aΔZ_a and Δu_aΔλ_a:
        //   S⁻¹R_c = σμS⁻¹ − Z − R,  c_k = a_kᵀS⁻¹R_c a_k,  rc = σμ − u∘λ − Δu_a∘Δλ_a,
        //   r1 = −rd − c + rc/u,  r2 = tr(S⁻¹R_c) − rt,  r3 = −rp,
        //   ΔS = ΔtI − X diag(Δw) Xᵀ,  ΔZ = sym(S⁻¹R_c − S⁻¹ΔSZ),  Δλ = (rc − λ∘Δu)/u.
        let direction = |smu: f64, corr: Option<(&Mat<f64>, &[f64])>| -> Dir {
            let (xrx, trr) = match corr {
                Some((r, _)) => (coldots(x, mm(r.as_ref(), x).as_ref()), trace(r.as_ref())),
                None => (vec![0.0; d], 0.0),
            };
            let c: Vec<f64> = (0..d).map(|j| smu * gdiag[j] - hdiag[j] - xrx[j]).collect();
            let trsr = smu * trsinv - trz - trr;
            let rc: Vec<f64> = (0..m).map(|k| smu - u[k] * lam[k] - corr.map_or(0.0, |(_, dl)| dl[k])).collect();
            let r1: Vec<f64> = (0..m).map(|k| -rd[k] - c[k % d] + rc[k] / u[k]).collect();
            let r3: Vec<f64> = rp.iter().map(|v| -v).collect();
            let (du, dt, dnu) = kkt.solve(&r1, trsr - rt, &r3);
            let mut ds = x_diag_xt(x, &w_of(&du, d, signed)) * faer::Scale(-1.0);
            for i in 0..n {
                ds[(i, i)] += dt;
            }
            let sdsz = mm(sinv.as_ref(), mm(ds.as_ref(), z.as_ref()).as_ref());
            let mut dz =
                Mat::<f64>::from_fn(n, n, |i, j| smu * sinv[(i, j)] - z[(i, j)] - corr.map_or(0.0, |(r, _)| r[(i, j)]) - sdsz[(i, j)]);
            symmetrize(&mut dz);
            let dlam: Vec<f64> = (0..m).map(|k| (rc[k] - lam[k] * du[k]) / u[k]).collect();
            Dir { du, dt, dnu, ds, dz, dlam }
        };
        // predictor (σ = 0); its step lengths only feed σ, so a Cholesky ladder suffices
        let aff = direction(0.0, None);
        let ap1 = psd::step_ladder(s.as_ref(), aff.ds.as_ref(), max_step_vec(&u, &aff.du).min(1.0));
        let ad1 = psd::step_ladder(z.as_ref(), aff.dz.as_ref(), max_step_vec(&lam, &aff.dlam).min(1.0));
        let sz_aff = sz
            + ap1 * frob(aff.ds.as_ref(), z.as_ref())
            + ad1 * frob(s.as_ref(), aff.dz.as_ref())
            + ap1 * ad1 * frob(aff.ds.as_ref(), aff.dz.as_ref());
        let ul_aff: f64 = (0..m).map(|k| (u[k] + ap1 * aff.du[k]) * (lam[k] + ad1 * aff.dlam[k])).sum();
        let mu_aff = ((sz_aff + ul_aff) / (n + m) as f64).max(0.0);
        let sigma = (mu_aff / mu).powi(3).clamp(0.0, 1.0);
        // Mehrotra corrector
        let r = mm(sinv.as_ref(), mm(aff.ds.as_ref(), aff.dz.as_ref()).as_ref());
        let dudl: Vec<f64> = (0..m).map(|k| aff.du[k] * aff.dlam[k]).collect();
        let dir = direction(sigma * mu, Some((&r, &dudl)));
        if !(dir.dt.is_finite() && dir.du.iter().chain(&dir.dnu).all(|v| v.is_finite())) {
            last = format!("{last}; non-finite Newton direction");
            stalled = true;
            break;
        }
        // fraction to the boundary, separate primal and dual step lengths
        let ap = max_step_psd(ls.as_ref(), dir.ds.as_ref())?.min(max_step_vec(&u, &dir.du));
        let ad = max_step_psd(lz.as_ref(), dir.dz.as_ref())?.min(max_step_vec(&lam, &dir.dlam));
        let gamma = 0.9 + 0.09 * ap.min(ad).min(1.0);
        let ap = (gamma * ap).min(1.0);
        let ad = (gamma * ad).min(1.0);
        tiny_steps = if ap.max(ad) < 1e-10 { tiny_steps + 1 } else { 0 };
        if trace_on {
            eprintln!("   sigma {sigma:.2e} primal step {ap:.3e} dual step {ad:.3e}");
        }
        t += ap * dir.dt;
        for k in 0..m {
            u[k] += ap * dir.du[k];
            lam[k] += ad * dir.dlam[k];
        }
        for i in 0..n {
            nu[i] += ad * dir.dnu[i];
        }
        z = &z + &dir.dz * faer::Scale(ad);
        symmetrize(&mut z);
        // tr ΔZ = 1 − tr Z holds only to rounding: rescale the dual point (Z, ν, λ) so that
        // tr Z = 1 exactly (dual violations scale with it, none is created)
        let tz = trace(z.as_ref());
        if tz > 0.0 && tz.is_finite() {
            z = &z * faer::Scale(1.0 / tz);
            nu.iter_mut().chain(lam.iter_mut()).for_each(|v| *v /= tz);
        }
    }
    match best {
        Some((merit, _, out)) if stalled && merit <= tol.sqrt() => Ok(out),
        _ if stalled => Err(format!("numerical stall before reaching tol {tol:.1e} ({last})")),
        _ => Err(format!("did not converge to tol {tol:.1e} within {max_iter} iterations ({last})")),
    }
}
