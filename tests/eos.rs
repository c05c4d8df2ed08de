//! The edge of stability, measured: the EoS claims pass, sweeps are bit-identical whatever the
//! thread count, refinement goes where the outcome changes, the long-run classification finds
//! the period-doubling route to chaos of the scalar model, verdicts are rerun in MPFR, and the
//! `sweep`, `regimes` and `bifurcation` commands reject bad input naming the argument.

mod common;

use common::check;

use normsharp::dynamics::classify::{bifurcation, classify_task, ClassifyConfig, LongRun};
use normsharp::dynamics::Outcome;
use normsharp::experiments::precision::precision_check;
use normsharp::experiments::precision::RerunArithmetic::{Dd, Mpfr, Qd};
use normsharp::experiments::regimes::{regimes, RegimeConfig};
use normsharp::experiments::sweep::{grid, run_sweep, Refine, Spacing, SweepConfig};
use normsharp::output::csv::{bifurcation_csv, sweep_csv};
use normsharp::output::write::write_atomic;
use normsharp::problem::model::AnyModel;
use normsharp::problem::task::Task;
use normsharp::problem::tasks::{canonical_four, canonical_two};
use rug::Rational;
use std::process::Command;

#[test]
fn t6a() {
    check("T6a");
}
#[test]
fn t6b() {
    check("T6b");
}
#[test]
fn t6c() {
    check("T6c");
}
#[test]
fn p1() {
    check("P1");
}
#[test]
fn k1() {
    check("K1");
}

fn scalar_task() -> Task {
    Task::from_toml_str("X = [[1]]\ny = [1]").unwrap()
}

fn tenths(k: i64) -> Rational {
    Rational::from((k, 10))
}

// ---------------------------------------------------------------------------------------
// Sweeps

#[test]
fn a_sweep_gives_the_same_bytes_with_one_and_two_threads() {
    let task = canonical_four();
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 1000)));
    cfg.refine = Some(Refine::with_budget(40));
    cfg.max_steps = 200_000;
    let etas = grid(0.05, 0.3, 24, Spacing::Linear).unwrap();
    let in_pool = |k: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(k).build().unwrap();
        pool.install(|| {
            let s = run_sweep(&task, &etas, &cfg).unwrap();
            (sweep_csv(&s), serde_json::to_string(&s.to_json()).unwrap())
        })
    };
    let (csv1, json1) = in_pool(1);
    let (csv2, json2) = in_pool(2);
    assert_eq!(csv1, csv2);
    assert_eq!(json1, json2);
    assert_eq!(csv1.lines().count(), 41, "40 rows and a header");
}

#[test]
fn refinement_adds_points_where_the_outcome_changes() {
    // The 2-feature task: converged up to ≈ 0.455, then a window with periodic and
    // unresolved runs, divergence from 0.5.
    let task = canonical_two();
    let base = grid(0.3, 0.6, 7, Spacing::Linear).unwrap();
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 1000)));
    cfg.max_steps = 100_000;
    let plain = run_sweep(&task, &base, &cfg).unwrap();
    cfg.refine = Some(Refine { budget: 30, sharpness_jump: 10.0, min_rel_width: 1e-6 });
    let refined = run_sweep(&task, &base, &cfg).unwrap();
    assert_eq!(refined.rows.len(), 30);
    // The base rows are unchanged, in order.
    let kept: Vec<f64> = refined.rows.iter().filter(|r| !r.refined).map(|r| r.eta).collect();
    assert_eq!(kept, base);
    // Every added point lies in a base interval whose two ends differ in outcome.
    let changes: Vec<(f64, f64)> = plain.rows.windows(2).filter(|w| w[0].outcome != w[1].outcome).map(|w| (w[0].eta, w[1].eta)).collect();
    assert!(!changes.is_empty());
    for r in refined.rows.iter().filter(|r| r.refined) {
        assert!(changes.iter().any(|(a, b)| *a < r.eta && r.eta < *b), "refined η = {} is in no changing interval", r.eta);
    }
    // The first change of outcome is now bracketed far more tightly than the grid spacing.
    let first = refined.rows.windows(2).find(|w| w[0].outcome != w[1].outcome).unwrap();
    assert!(first[1].eta - first[0].eta < 0.05 / 8.0);
    // Rows are sorted and carry the predictions.
    assert!(refined.rows.windows(2).all(|w| w[0].eta < w[1].eta));
    assert!(refined.rows.iter().all(|r| r.dist_beta_gf.is_some() && r.test_error.is_some()));
}

#[test]
fn regimes_of_the_two_feature_task() {
    let task = canonical_two();
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 1000)));
    cfg.refine = Some(Refine::with_budget(48));
    let s = run_sweep(&task, &grid(0.05, 0.55, 24, Spacing::Linear).unwrap(), &cfg).unwrap();
    let reg = regimes(&task, &s, &cfg, &RegimeConfig::default());
    let (p, m) = (reg.eta_c_predicted.unwrap(), reg.eta_c_measured.unwrap());
    assert!((m - p).abs() / p < 0.03, "η_c measured {m} vs predicted {p}");
    // T5: no convergence above 1/(2 x_min y) = 1/2; divergence at about that rate here.
    assert!(reg.eta_nonconvergence.unwrap() <= 0.5 && reg.eta_nonconvergence.unwrap() > m);
    assert!((reg.eta_divergence.unwrap() - 0.5).abs() < 1e-2);
    let [lo, hi] = reg.eos_gap_band.unwrap();
    assert!(0.0 <= lo && lo <= hi && hi < 0.2, "band [{lo}, {hi}]");
    // ‖β‖₁ grows in the EoS regime, from the flow-aligned value towards ‖β_S‖₁ = 1.
    assert!(reg.eos.l1_slope.unwrap() > 0.0);
    assert!(reg.eos.l1_first_last.unwrap()[1] > reg.eos.l1_flow_aligned.unwrap());
}

#[test]
fn atomic_writes_replace_whole_files_and_name_the_path_on_error() {
    let dir = std::env::temp_dir().join(format!("normsharp-eos-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.csv");
    let p = path.to_str().unwrap();
    write_atomic(p, b"first version, longer\n", "--csv").unwrap();
    write_atomic(p, b"second\n", "--csv").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "second\n");
    let leftovers = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
    let missing = dir.join("no-such-dir").join("out.csv");
    let e = write_atomic(missing.to_str().unwrap(), b"x", "--json").unwrap_err().to_string();
    assert!(e.contains("--json") && e.contains("no-such-dir"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `v` to `digits` significant digits (stable across CPUs: the sweeps' outcomes are pure
/// IEEE arithmetic; only the sharpness eigenvalues may differ in their last bits).
fn sig(v: Option<f64>, digits: usize) -> serde_json::Value {
    match v {
        Some(x) if x.is_finite() => serde_json::json!(format!("{x:.*e}", digits - 1).parse::<f64>().unwrap()),
        _ => serde_json::Value::Null,
    }
}

#[test]
fn sweep_summaries_snapshot() {
    // The regimes of the canonical single-sample cases from a 48-point sweep over T5's range
    // refined to 96 points (the sweep of the claims), to 3 significant digits.
    let mut rows = Vec::new();
    for (task, alpha) in [(canonical_four(), (1, 1000)), (canonical_four(), (1, 10)), (canonical_two(), (1, 1000))] {
        let (x, y) = task.single_sample_positive().unwrap();
        let lo = normsharp::theory::predictions::eta_unstable_norm_min(x, y).to_f64() / 4.0;
        let hi = normsharp::theory::predictions::eta_no_stable_interpolator(x, y).to_f64() * 1.1;
        let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from(alpha));
        cfg.refine = Some(Refine::with_budget(96));
        let s = run_sweep(&task, &grid(lo, hi, 48, Spacing::Linear).unwrap(), &cfg).unwrap();
        let r = regimes(&task, &s, &cfg, &RegimeConfig::default());
        let band = r.eos_gap_band.map(|[a, b]| [sig(Some(a), 2), sig(Some(b), 2)]);
        rows.push(serde_json::json!({
            "task": task.name, "alpha": format!("{}/{}", alpha.0, alpha.1),
            "eta_c_predicted": sig(r.eta_c_predicted, 6), "eta_c_measured": sig(r.eta_c_measured, 3),
            "eta_nonconvergence": sig(r.eta_nonconvergence, 3), "nonconvergence_outcome": r.nonconvergence_outcome,
            "eta_divergence": sig(r.eta_divergence, 3), "eos_gap_band": band, "eos_gap_median": sig(r.eos.gap_rel_median, 2),
            "max_eta_sharpness_converged": sig(r.max_eta_sharpness_converged, 3),
            "l1_flow_aligned": sig(r.eos.l1_flow_aligned, 3), "l1_eos_last": sig(r.eos.l1_first_last.map(|v| v[1]), 3),
        }));
    }
    insta::assert_yaml_snapshot!("eos_regimes", rows);
}

// ---------------------------------------------------------------------------------------
// Classification

#[test]
fn period_doubling_and_chaos_on_the_scalar_model() {
    // w ← w(1 − 2η(w² − 1)) from w = 0.9: fixed point w = 1 until η = 1/2, then period 2,
    // period 4, …, chaos.
    let task = scalar_task();
    let cfg = ClassifyConfig::default();
    let c = |eta: f64| classify_task(&task, &AnyModel::Sw, &tenths(9), eta, &cfg);
    let fixed = c(0.45);
    assert_eq!((fixed.kind, fixed.period), (LongRun::FixedPoint, Some(1)));
    // At w = 1: J = 1 − η·∇²L = 1 − 4η, so λ = ln|1 − 4η| = ln 0.8.
    assert!((fixed.lyapunov.unwrap() - 0.8f64.ln()).abs() < 1e-9, "{:?}", fixed.lyapunov);
    let p2 = c(0.55);
    assert_eq!((p2.kind, p2.period, p2.values.len()), (LongRun::Periodic, Some(2), 2));
    assert!(p2.lyapunov.unwrap() < 0.0);
    let p4 = c(0.62);
    assert_eq!((p4.kind, p4.period, p4.values.len()), (LongRun::Periodic, Some(4), 4));
    assert!(p4.lyapunov.unwrap() < 0.0);
    let chaos = c(0.66);
    assert_eq!((chaos.kind, chaos.period), (LongRun::Chaotic, None));
    let lyap = chaos.lyapunov.unwrap();
    assert!(lyap > 0.1 && lyap < 0.3, "λ = {lyap}");
    assert!(chaos.values.len() > 64);
    let gone = c(1.2);
    assert_eq!(gone.kind, LongRun::Diverged);
}

#[test]
fn the_bifurcation_diagram_is_data_in_eta_order() {
    let task = scalar_task();
    let cfg = ClassifyConfig { transient: 5000, window: 5000, ..ClassifyConfig::default() };
    let etas = [0.45, 0.55, 0.62, 0.66];
    let rows = bifurcation(&task, &AnyModel::Sw, &tenths(9), &etas, &cfg, false);
    let counts: Vec<usize> = rows.iter().map(|r| r.values.len()).collect();
    assert_eq!(&counts[..3], &[1, 2, 4]);
    assert!(counts[3] > 64);
    let csv = bifurcation_csv(&rows);
    assert!(csv.starts_with("eta,kind,period,lyapunov,value\n"));
    assert_eq!(csv.lines().count(), 1 + counts.iter().sum::<usize>());
}

#[test]
fn a_chaotic_eta_rerun_in_mpfr_stays_chaotic() {
    let task = scalar_task();
    let mut cfg = SweepConfig::new(AnyModel::Sw, tenths(9));
    cfg.max_steps = 20_000;
    let pc = precision_check(&task, &cfg, 0.66, &[Mpfr(128), Mpfr(256)], 1e-8);
    assert!(pc.runs.iter().all(|r| r.outcome == Outcome::Unresolved));
    let classes = pc.classifications.as_ref().expect("unresolved rows are classified");
    assert_eq!(classes.iter().map(|c| c.bits).collect::<Vec<_>>(), vec![53, 128, 256]);
    for c in classes {
        assert_eq!(c.kind, LongRun::Chaotic);
        assert!(c.lyapunov.unwrap() > 0.1, "{c:?}");
    }
    assert!(pc.stable);
    // A periodic verdict: same period and the same orbit at every precision.
    let p4 = precision_check(&task, &cfg, 0.62, &[Mpfr(128), Mpfr(256)], 1e-8);
    assert!(p4.stable && p4.runs.iter().all(|r| r.period == Some(4)), "{p4:?}");
    assert!(p4.runs.iter().all(|r| r.limit_rel_diff.unwrap() < 1e-12));
}

/// Double-double and quad-double reruns give the verdict of MPFR at at least their precision
/// (106 ≤ 128 bits, 212 ≤ 256 bits): the same outcome, period and long-run class on a chaotic,
/// a periodic and a converged EoS row of the scalar task, and the same orbit or limit to the
/// checks' own tolerance (1e-8 relative, the sweep's `limit_tol`).
#[test]
fn dd_and_qd_reruns_agree_with_mpfr_on_the_verdict() {
    let task = scalar_task();
    let mut cfg = SweepConfig::new(AnyModel::Sw, tenths(9));
    cfg.max_steps = 20_000;
    for eta in [0.66, 0.62, 0.45] {
        let pc = precision_check(&task, &cfg, eta, &[Dd, Mpfr(128), Qd, Mpfr(256)], 1e-8);
        let names: Vec<&str> = pc.runs.iter().map(|r| r.arithmetic.as_str()).collect();
        assert_eq!(names, ["f64", "dd", "mpfr:128", "qd", "mpfr:256"]);
        assert_eq!(pc.runs.iter().map(|r| r.bits).collect::<Vec<_>>(), vec![53, 106, 128, 212, 256]);
        for pair in [(1, 2), (3, 4)] {
            let (a, b) = (&pc.runs[pair.0], &pc.runs[pair.1]);
            assert_eq!((a.outcome, a.period), (b.outcome, b.period), "η = {eta}: {a:?} vs {b:?}");
        }
        if let Some(classes) = &pc.classifications {
            for pair in [(1, 2), (3, 4)] {
                let (a, b) = (&classes[pair.0], &classes[pair.1]);
                assert_eq!((a.kind, a.period), (b.kind, b.period), "η = {eta}: {a:?} vs {b:?}");
            }
        }
        assert_ne!(pc.limit_agrees, Some(false), "η = {eta}: {pc:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Command line

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("normsharp-eos-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sweep_and_regimes_commands() {
    let dir = temp_dir("ok");
    let task = dir.join("two.toml");
    std::fs::write(&task, "X = [[1, 2]]\ny = [1]\nteacher = [\"1/2\", \"1/4\"]\n").unwrap();
    let (t, csv, json) = (task.to_str().unwrap(), dir.join("s.csv"), dir.join("s.json"));
    let (code, _, err) = cli(&[
        "sweep",
        "--task",
        t,
        "--alpha",
        "1e-3",
        "--eta-min",
        "0.1",
        "--eta-max",
        "0.5",
        "--points",
        "9",
        "--refine",
        "--csv",
        csv.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 19, "9 grid points refined to 18, and a header");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 18);
    assert!(v["regimes"]["eta_c_measured"].is_f64());
    let (code, out, err) = cli(&["regimes", "--task", t, "--alpha", "1e-3", "--points", "16", "--json"]);
    assert_eq!(code, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in ["eta_c_predicted", "eta_c_measured", "eta_nonconvergence", "eta_divergence", "eos_gap_band"] {
        assert!(r.get(key).is_some_and(|v| !v.is_null()), "regimes lacks {key}: {out}");
    }
    let p = r["eta_c_predicted"].as_f64().unwrap();
    assert!((r["eta_c_measured"].as_f64().unwrap() - p).abs() / p < 0.03);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sweep_commands_reject_bad_input_naming_the_argument() {
    let dir = temp_dir("bad");
    let task = dir.join("four.toml");
    std::fs::write(&task, "X = [[1, 2, 3, 4]]\ny = [1]\n").unwrap();
    let t = task.to_str().unwrap();
    let base = ["sweep", "--task", t, "--alpha", "0.1"];
    let nowhere = dir.join("missing").join("x.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--eta-min", "0.2", "--eta-max", "0.1", "--points", "5"], "--eta-max"),
        (vec!["--eta-min", "-0.1", "--eta-max", "0.1", "--points", "5"], "--eta-min"),
        (vec!["--eta-min", "abc", "--eta-max", "0.1", "--points", "5"], "--eta-min"),
        (vec!["--eta-min", "0.1", "--eta-max", "0.2", "--points", "1"], "--points"),
        (vec!["--eta-min", "0.1", "--eta-max", "0.2", "--points", "5", "--refine", "--refine-budget", "3"], "--refine-budget"),
        (vec!["--eta-min", "0.1", "--eta-max", "0.2", "--points", "5", "--threads", "0"], "--threads"),
        (vec!["--eta-min", "0.1", "--eta-max", "0.2", "--points", "5", "--precision-check", "--precisions", "32"], "--precisions"),
        (vec!["--eta-min", "0.1", "--eta-max", "0.2", "--points", "3", "--csv", nowhere.to_str().unwrap()], "--csv"),
    ];
    for (extra, arg) in cases {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        let (code, _, err) = cli(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(arg), "{args:?}: the message does not name {arg}: {err}");
    }
    let (code, _, err) = cli(&["regimes", "--task", t, "--alpha", "0", "--json"]);
    assert_eq!(code, 2);
    assert!(err.contains("--alpha"), "{err}");
    let (code, _, err) = cli(&["regimes", "--task", "/no/such/task.toml", "--alpha", "0.1"]);
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/task.toml"), "{err}");
    let (code, _, err) =
        cli(&["bifurcation", "--task", t, "--alpha", "0.1", "--eta-min", "0.1", "--eta-max", "0.2", "--points", "3", "--window", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--window"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------
// Per task: T6a, T6b, T6c, H1, P1 and K1 on family tasks

use normsharp::claims::family::family_case;
use normsharp::claims::{registry, Formulas, Settings, TaskCase, Verdict};

fn outcome_on(id: &str, case: &TaskCase) -> normsharp::claims::ClaimOutcome {
    let claim = registry().into_iter().find(|c| c.id == id).unwrap();
    assert!(claim.on_task.is_some(), "{id} has an on_task");
    claim.outcome_on(&Formulas::default(), &Settings::default(), case)
}

/// Two one-sample tasks of the family with seed 1 (index 3, large α, is the counterexample of
/// T6a and H1 below) and its first multi-sample task.
fn family_tasks() -> (Vec<TaskCase>, TaskCase) {
    let all: Vec<(usize, TaskCase)> = (0..20).map(|i| (i, family_case(1, i))).collect();
    let one: Vec<TaskCase> = all.iter().filter(|(i, c)| c.task.n() == 1 && *i != 3).take(2).map(|(_, c)| c.clone()).collect();
    let multi = all.iter().find(|(_, c)| c.task.n() > 1).map(|(_, c)| c.clone()).unwrap();
    (one, multi)
}

fn assert_holds(id: &str, case: &TaskCase) {
    let o = outcome_on(id, case);
    let table = normsharp::output::report::table(&o.checks, 10);
    assert_eq!(o.verdict, Verdict::Pass, "{id} on {}: {}\n{table}", case.label(), o.reason);
    assert!(o.checks.iter().any(|r| r.kind.is_evidence()));
}

#[test]
fn the_eos_claims_hold_on_one_sample_family_tasks() {
    let (one, _) = family_tasks();
    for case in &one {
        for id in ["T6a", "T6b", "T6c", "H1", "P1", "K1"] {
            assert_holds(id, case);
        }
    }
}

#[test]
fn on_several_samples_only_t6b_applies() {
    let (_, multi) = family_tasks();
    assert_holds("T6b", &multi);
    for id in ["T6a", "T6c", "H1", "P1", "K1"] {
        let o = outcome_on(id, &multi);
        assert_eq!(o.verdict, Verdict::NotApplicable, "{id}: {}", o.reason);
        assert!(o.reason.contains("one sample"), "{id}: {}", o.reason);
    }
}

#[test]
fn at_large_alpha_the_departure_comes_before_two_over_s_gf() {
    // family(seed=1, i=3): d = 2, α ≈ 0.76, where the GF path's sharpness peaks early
    // (s_GF ≈ 10.6 against S(β_GF) ≈ 2.4): GD leaves the flow-aligned branch at η ≈ 0.140,
    // 26% below 2/s_GF ≈ 0.189, and past it ‖β‖₁ falls and S rises with η (H1 reversed).
    let case = family_case(1, 3);
    assert!(case.alpha.to_f64() > 0.5 && case.task.n() == 1);
    for id in ["T6a", "H1"] {
        let o = outcome_on(id, &case);
        assert_eq!(o.verdict, Verdict::Fail, "{id}: the counterexample is reported");
    }
    // The stability bound still holds there.
    assert_holds("T6b", &case);
}

#[test]
#[ignore = "a report over three families (≈ 1 s): cargo test --release --test eos -- --ignored k1_family"]
fn k1_family_report() {
    for seed in 1..=3 {
        for i in 0..20 {
            let case = family_case(seed, i);
            let o = outcome_on("K1", &case);
            for r in &o.checks {
                eprintln!("{seed} {i} {:?} {} | {}", o.verdict, r.task, r.note);
            }
        }
    }
}

#[test]
#[ignore = "a report (≈ 1 min): cargo test --release --test eos -- --ignored t6b_family"]
fn t6b_family_report() {
    for i in 0..20 {
        let case = family_case(1, i);
        for id in ["T6b", "T6c"] {
            let o = outcome_on(id, &case);
            for r in o.checks.iter().filter(|r| r.kind.is_evidence()) {
                eprintln!("{id} {i} {:?} n={} measured {:?} tol {:.3e} | {}", o.verdict, case.task.n(), r.measured, r.tolerance, r.note);
            }
        }
    }
}
