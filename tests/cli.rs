//! The command line end to end: `predict` for every model, `run` with the identities of T4
//! (SW) and Even et al. (UV), SGD, and `verify --json`.

use serde_json::Value;
use std::process::Command;

fn cli_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("binary runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn task_file() -> String {
    let dir = std::env::temp_dir().join(format!("normsharp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("four.toml");
    std::fs::write(&p, "X = [[1, 2, 3, 4]]\ny = [1]\nteacher = [\"1/10\", \"1/10\", \"1/10\", \"1/10\"]\n").unwrap();
    p.to_string_lossy().into_owned()
}

fn vec_of(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

#[test]
fn predict_every_model() {
    let t = task_file();
    for model in [
        vec!["--model", "sw"],
        vec!["--model", "pm"],
        vec!["--model", "uv"],
        vec!["--model", "depth", "--depth", "3"],
        vec!["--model", "uv-general", "--u0", "1,1,1,1", "--v0", "1/2,0,0,0"],
    ] {
        let mut args = vec!["predict", "--task", t.as_str(), "--alpha", "0.1", "--json"];
        args.extend(model.iter().copied());
        let v = cli_json(&args);
        let gf = vec_of(&v["beta_gf"]);
        // Every gradient-flow limit interpolates: ⟨x, β⟩ = 1.
        let fit: f64 = gf.iter().zip([1.0, 2.0, 3.0, 4.0]).map(|(b, x)| b * x).sum();
        assert!((fit - 1.0).abs() < 1e-12, "{model:?}: ⟨x, β_GF⟩ = {fit}");
        for key in ["beta_l1_min", "beta_l2_min", "beta_trace_sharp_min", "beta_sharp_min", "sharpness_min", "certificates"] {
            assert!(!v[key].is_null(), "{model:?}: {key} missing");
        }
        assert_eq!(v["certificates"]["l1_min"]["valid"], true);
    }
}

#[test]
fn run_uv_matches_even_et_al() {
    let t = task_file();
    let v = cli_json(&["run", "--task", &t, "--alpha", "0.1", "--eta", "0.05", "--model", "uv", "--json"]);
    assert_eq!(v["outcome"], "converged");
    assert!(v["even_identity_max_rel_err"].as_f64().unwrap() < 1e-12);
    let (beta, pred) = (vec_of(&v["beta"]), vec_of(&v["beta_even_prediction"]));
    for (b, p) in beta.iter().zip(&pred) {
        assert!((b - p).abs() <= 1e-9 * p.abs(), "{b} vs {p}");
    }
    assert_eq!(vec_of(&v["alpha_inf"]).len(), 4);
}

#[test]
fn run_sw_reports_t4() {
    let t = task_file();
    let v = cli_json(&["run", "--task", &t, "--alpha", "0.1", "--eta", "0.05", "--json"]);
    assert!(v["identity_max_rel_err"].as_f64().unwrap() < 1e-12);
    let (beta, pred) = (vec_of(&v["beta"]), vec_of(&v["beta_entropy_prediction"]));
    for (b, p) in beta.iter().zip(&pred) {
        assert!((b - p).abs() <= 1e-9 * p.abs(), "{b} vs {p}");
    }
    let hp = cli_json(&["run", "--task", &t, "--alpha", "1/10", "--eta", "1/20", "--steps", "50", "--precision", "256", "--json"]);
    assert_eq!(hp["steps"], 50);
    assert!(hp["beta_digits"][0].as_str().unwrap().len() > 70);
}

#[test]
fn sgd_is_seeded() {
    let dir = std::env::temp_dir().join(format!("normsharp-cli-sgd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("two.toml");
    std::fs::write(&p, "X = [[1, 2, 1], [2, 1, 1]]\ny = [1, 2]\n").unwrap();
    let p = p.to_string_lossy().into_owned();
    let run = |seed: &str| {
        cli_json(&["run", "--task", &p, "--alpha", "0.1", "--eta", "0.05", "--steps", "300", "--sgd", "--seed", seed, "--json"])["beta"]
            .clone()
    };
    assert_eq!(run("1"), run("1"));
    assert_ne!(run("1"), run("2"));
}

#[test]
fn verify_json_lists_claims() {
    let out = Command::new(env!("CARGO_BIN_EXE_normsharp")).args(["verify", "--json", "--claim", "T2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pass"], true);
    assert_eq!(v["claims"][0]["id"], "T2");
    assert!(v["checks"].as_array().unwrap().iter().all(|c| c["pass"] == true));
}
