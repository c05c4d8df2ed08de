//! Sharded sweeps: `sweep --shard K/N --part F` for K = 1..N, then `merge`, writes the very
//! bytes of the unsharded `sweep --csv --json`, on seeded tasks, for N = 1, 2, 3, 7, with and
//! without refinement; bad merges (missing, duplicate, mixed, corrupt parts) exit 2 naming
//! the problem.

use normsharp::experiments::job::SweepJob;
use normsharp::experiments::part::{Part, Shard};
use normsharp::experiments::shard::{merge, run_shard, shard_points};
use normsharp::experiments::sweep::{default_grid, Refine, SweepConfig};
use normsharp::problem::model::AnyModel;
use normsharp::problem::task::Task;
use normsharp::problem::tasks::{canonical_two, gaussian, random_positive};
use rug::Rational;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn normsharp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("binary runs")
}

fn ok(args: &[&str]) -> Output {
    let out = normsharp(args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Exit code 2 and a message containing every one of `needles`.
fn fails(args: &[&str], needles: &[&str]) {
    let out = normsharp(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: expected exit 2, stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: stderr lacks {n:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("normsharp-shards-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A sweep's arguments over the task's own range: from a quarter of η_c (or of the T5
/// threshold) past the first divergence (`default_grid`), 20000 steps per run.
fn sweep_args(dir: &Path, task: &Task, model: &str, alpha: &str, points: usize, extra: &[&str]) -> Vec<String> {
    let path = dir.join("task.toml");
    std::fs::write(&path, task.to_toml()).expect("task written");
    let m = match model {
        "pm" => AnyModel::Pm,
        _ => AnyModel::Sw,
    };
    let mut cfg = SweepConfig::new(m, alpha.parse::<f64>().ok().and_then(Rational::from_f64).expect("alpha"));
    cfg.max_steps = 20_000;
    let g = default_grid(task, &cfg, points).expect("grid");
    let mut a: Vec<String> = ["sweep", "--task", &s(&path), "--alpha", alpha, "--model", model, "--max-steps", "20000", "--points"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    a.extend([points.to_string(), "--eta-min".into(), format!("{:e}", g[0]), "--eta-max".into(), format!("{:e}", g[points - 1])]);
    a.extend(extra.iter().map(|x| x.to_string()));
    a
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Shard and merge with N parts (parts run with one thread, the reference with two);
/// the merged files equal the reference files byte for byte and the merge ran no sweep row.
fn check_merge_equals(dir: &Path, args: &[String], n: usize, reference: &(Vec<u8>, Vec<u8>)) {
    let mut parts = Vec::new();
    for k in 1..=n {
        let part = dir.join(format!("part-{k}-of-{n}.json"));
        let mut a = args.to_vec();
        a.extend(["--shard".into(), format!("{k}/{n}"), "--part".into(), s(&part), "--threads".into(), "1".into()]);
        ok(&strs(&a));
        parts.push(s(&part));
    }
    // Any order of the parts.
    parts.reverse();
    let (csv, json) = (dir.join(format!("merged-{n}.csv")), dir.join(format!("merged-{n}.json")));
    let mut m: Vec<String> = vec!["merge".into()];
    m.extend(parts.iter().cloned());
    m.extend(["--csv".into(), s(&csv), "--json".into(), s(&json)]);
    let out = ok(&strs(&m));
    assert!(out.stderr.is_empty(), "merge ran rows itself: {}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&csv).unwrap() == reference.0, "N = {n}: merged CSV differs from the unsharded one");
    assert!(std::fs::read(&json).unwrap() == reference.1, "N = {n}: merged JSON differs from the unsharded one");
}

fn reference(dir: &Path, args: &[String]) -> (Vec<u8>, Vec<u8>) {
    let (csv, json) = (dir.join("full.csv"), dir.join("full.json"));
    let mut a = args.to_vec();
    a.extend(["--csv".into(), s(&csv), "--json".into(), s(&json), "--threads".into(), "2".into()]);
    ok(&strs(&a));
    (std::fs::read(&csv).unwrap(), std::fs::read(&json).unwrap())
}

fn byte_identical(name: &str, task: &Task, model: &str, alpha: &str, points: usize, extra: &[&str]) {
    let dir = tmp(name);
    let args = sweep_args(&dir, task, model, alpha, points, extra);
    let r = reference(&dir, &args);
    for n in [1, 2, 3, 7] {
        check_merge_equals(&dir, &args, n, &r);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refined_sweeps_merge_byte_identically_on_seeded_sw_tasks() {
    for seed in [1u64, 2] {
        byte_identical(&format!("sw{seed}"), &random_positive(seed, 1, 3), "sw", "0.01", 13, &["--refine", "--refine-budget", "60"]);
    }
}

#[test]
fn refined_log_sweep_with_budget_cut_merges_byte_identically() {
    // A budget far below what refinement wants: the budget cuts a round short.
    byte_identical("two", &canonical_two(), "sw", "0.001", 11, &["--refine", "--refine-budget", "15", "--log"]);
}

#[test]
fn plain_sweeps_merge_byte_identically_on_seeded_pm_tasks() {
    for seed in [3u64, 4] {
        byte_identical(&format!("pm{seed}"), &gaussian(seed, 2, 4, 2, 0.0, 0.0), "pm", "0.1", 9, &[]);
    }
}

#[test]
fn precision_checks_are_computed_by_the_merge() {
    let dir = tmp("prec");
    let args = sweep_args(&dir, &canonical_two(), "sw", "0.001", 6, &["--precision-check", "--precisions", "128"]);
    let r = reference(&dir, &args);
    check_merge_equals(&dir, &args, 2, &r);
    let args = sweep_args(&dir, &canonical_two(), "sw", "0.001", 6, &["--precision-check", "--precisions", "dd,qd,mpfr:256"]);
    let r = reference(&dir, &args);
    check_merge_equals(&dir, &args, 2, &r);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A plan's precision checks: MPFR-only as `bits` (the form of parts written before dd and qd
/// existed, so those stay readable), otherwise as `arithmetics`; both read back exactly; a
/// bad name is refused naming the field.
#[test]
fn precision_plans_round_trip_in_part_files() {
    use normsharp::experiments::job::PrecisionSpec;
    use normsharp::experiments::precision::RerunArithmetic::{Dd, Mpfr, Qd};
    let task = random_positive(5, 1, 3);
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 100)));
    cfg.max_steps = 2_000;
    let etas = default_grid(&task, &cfg, 3).unwrap();
    for (arith, key) in [(vec![Mpfr(128), Mpfr(256)], "\"bits\""), (vec![Dd, Qd, Mpfr(512)], "\"arithmetics\"")] {
        let spec = PrecisionSpec { arithmetics: arith.clone(), limit_tol: 1e-8 };
        let job = SweepJob::new(task.clone(), &etas, cfg.clone(), Some(spec.clone())).unwrap();
        let part = run_shard(&job, Shard { k: 1, n: 2 }).unwrap();
        let text = part.to_text();
        assert!(text.contains(key), "{text}");
        let back = Part::from_text(&text).unwrap();
        assert_eq!(back, part);
        assert_eq!(back.plan.job().unwrap().precision, Some(spec));
        if key == "\"arithmetics\"" {
            let bad = text.replace("\"qd\"", "\"od\"");
            let err = Part::from_text(&bad).and_then(|p| p.plan.job()).unwrap_err().to_string();
            assert!(err.contains("precision.arithmetics"), "{err}");
        }
    }
}

/// The library: shards' rows cover the unsharded sweep's, so the merge runs none; shard K
/// runs the grid points i ≡ K − 1 (mod N).
#[test]
fn shards_cover_the_sweep_and_interleave() {
    assert_eq!(shard_points(10, Shard { k: 2, n: 3 }), vec![1, 4, 7]);
    assert_eq!(shard_points(2, Shard { k: 3, n: 3 }), Vec::<usize>::new());
    let task = random_positive(5, 1, 3);
    let mut cfg = SweepConfig::new(AnyModel::Sw, Rational::from((1, 100)));
    cfg.max_steps = 20_000;
    cfg.refine = Some(Refine::with_budget(20));
    let etas = default_grid(&task, &cfg, 10).unwrap();
    let job = SweepJob::new(task, &etas, cfg, None).unwrap();
    let full = job.run().unwrap();
    let n = 3;
    let parts: Vec<(String, Part)> = (1..=n).map(|k| (format!("p{k}"), run_shard(&job, Shard { k, n }).unwrap())).collect();
    let merged = merge(&parts).unwrap();
    assert_eq!(merged.rows_run, 0);
    assert_eq!(merged.sweep.rows, full.sweep.rows);
    assert_eq!(merged.to_json(), full.to_json());
    // Text round trip of a part is exact.
    let back = Part::from_text(&parts[0].1.to_text()).unwrap();
    assert_eq!(back, parts[0].1);
}

#[test]
fn bad_merges_exit_2_naming_the_problem() {
    let dir = tmp("bad");
    let args = sweep_args(&dir, &canonical_two(), "sw", "0.001", 5, &[]);
    let part = |k: usize, n: usize, extra: &[&str]| -> String {
        let p = dir.join(format!("p{k}of{n}{}.json", extra.join("")));
        let mut a = args.clone();
        a.extend(["--shard".into(), format!("{k}/{n}"), "--part".into(), s(&p)]);
        a.extend(extra.iter().map(|x| x.to_string()));
        ok(&strs(&a));
        s(&p)
    };
    let (p1, p2, p3) = (part(1, 3, &[]), part(2, 3, &[]), part(3, 3, &[]));
    let out = s(&dir.join("out.csv"));
    ok(&["merge", &p1, &p2, &p3, "--csv", &out]);
    fails(&["merge", &p1, &p3, "--csv", &out], &["part 2/3 missing"]);
    fails(&["merge", &p1, &p2, &p2, &p3, "--csv", &out], &["part 2/3 given twice", &p2]);
    // Mixed configurations: another α, another N.
    let other = {
        let p = dir.join("alpha.json");
        let mut a = args.clone();
        let i = a.iter().position(|x| x == "--alpha").unwrap();
        a[i + 1] = "0.002".into();
        a.extend(["--shard".into(), "2/3".into(), "--part".into(), s(&p)]);
        ok(&strs(&a));
        s(&p)
    };
    fails(&["merge", &p1, &other, &p3, "--csv", &out], &["different sweep", "`alpha`", &other]);
    let q = part(1, 2, &[]);
    fails(&["merge", &p1, &q, &p3, "--csv", &out], &["different shardings", &q]);
    // Corrupt files: truncated, not a part, another version, a tampered row.
    let text = std::fs::read_to_string(&p2).unwrap();
    let write = |name: &str, t: &str| {
        let p = dir.join(name);
        std::fs::write(&p, t).unwrap();
        s(&p)
    };
    let cut = write("cut.json", &text[..text.len() / 2]);
    fails(&["merge", &p1, &cut, &p3, "--csv", &out], &[&cut, "corrupt", "not JSON"]);
    let notpart = write("notpart.json", "{\"rows\": []}");
    fails(&["merge", &p1, &notpart, &p3, "--csv", &out], &[&notpart, "format"]);
    let v2 = write("v2.json", &text.replacen("\"version\": 1", "\"version\": 2", 1));
    fails(&["merge", &p1, &v2, &p3, "--csv", &out], &[&v2, "version"]);
    let badnum = write("badnum.json", &text.replacen("\"loss\": \"", "\"loss\": \"x", 1));
    fails(&["merge", &p1, &badnum, &p3, "--csv", &out], &[&badnum, "loss"]);
    fails(&["merge", &p1, &s(&dir.join("absent.json")), &p3, "--csv", &out], &["absent.json", "cannot read"]);
    // Two parts that disagree on a row they share (refinement: shards share neighbours).
    let (r1, r2) = (part(1, 2, &["--refine"]), part(2, 2, &["--refine"]));
    let t1 = std::fs::read_to_string(&r1).unwrap();
    let t2 = std::fs::read_to_string(&r2).unwrap();
    let steps = |t: &str| t.find("\"steps\": ").unwrap();
    let first_eta_of_r2 = {
        let i = t2.find("\"eta\": \"").unwrap() + 8;
        t2[i..i + t2[i..].find('"').unwrap()].to_string()
    };
    assert!(t1.contains(&format!("\"eta\": \"{first_eta_of_r2}\"")), "shard 1 also ran shard 2's first point");
    let tampered = write("tampered.json", &format!("{}\"steps\": 9{}", &t2[..steps(&t2)], &t2[steps(&t2) + 9..]));
    fails(&["merge", &r1, &tampered, "--csv", &out], &["disagree", &tampered]);
    // Flags.
    let a = strs(&args);
    fails(&[&a[..], &["--shard", "0/3", "--part", &p1]].concat(), &["--shard"]);
    fails(&[&a[..], &["--shard", "4/3", "--part", &p1]].concat(), &["--shard"]);
    fails(&[&a[..], &["--shard", "x", "--part", &p1]].concat(), &["--shard"]);
    fails(&[&a[..], &["--shard", "1/3"]].concat(), &["--part"]);
    fails(&[&a[..], &["--shard", "1/3", "--part", &p1, "--csv", &out]].concat(), &["--csv"]);
    fails(&[&a[..], &["--shard", "1/3", "--part", &s(&dir.join("no/such/dir.json"))]].concat(), &["--part"]);
    fails(&["merge", "--csv", &out], &["PARTS"]);
    let _ = std::fs::remove_dir_all(&dir);
}
