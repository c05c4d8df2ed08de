//! Malformed input gives a typed error naming the field (library) and exit code 2 with
//! that message (CLI); never a panic.

use normsharp::error::Error;
use normsharp::problem::task::Task;
use std::process::Command;

fn field_of(text: &str) -> String {
    match Task::from_toml_str(text) {
        Err(Error::Field { field, .. }) => field,
        Err(Error::Toml(_)) => "<toml>".into(),
        other => panic!("expected a field error for {text:?}, got {other:?}"),
    }
}

#[test]
fn library_errors_name_the_field() {
    assert_eq!(field_of("y = [1]"), "X");
    assert_eq!(field_of("X = [[1, 2]]"), "y");
    assert_eq!(field_of("X = [[1, 2], [3]]\ny = [1, 2]"), "X[1]");
    assert_eq!(field_of("X = [[1, 2]]\ny = [1, 2]"), "y");
    assert_eq!(field_of("X = [[1, \"abc\"]]\ny = [1]"), "X[0][1]");
    assert_eq!(field_of("X = [[1, nan]]\ny = [1]"), "X[0][1]");
    assert_eq!(field_of("X = [[1, inf]]\ny = [1]"), "X[0][1]");
    assert_eq!(field_of("X = [[1, \"1/0\"]]\ny = [1]"), "X[0][1]");
    assert_eq!(field_of("X = [[1, 2]]\ny = [1]\nteacher = [1]"), "teacher");
    assert_eq!(field_of("X = [[1, 2]]\ny = [1]\nnoise_std = -1"), "noise_std");
    assert_eq!(field_of("X = [[1, 2]]\ny = [1]\nbogus = 3"), "bogus");
    assert_eq!(field_of("X = []\ny = []"), "X");
    assert_eq!(field_of("X = [[]]\ny = [1]"), "X[0]");
    assert_eq!(field_of("X = 3\ny = [1]"), "X");
    assert_eq!(field_of("X = [[1, 2]\ny = [1]"), "<toml>");
}

#[test]
fn exact_parsing_keeps_rationals() {
    let t = Task::from_toml_str("X = [[0.1, \"1/3\", 2, \"2.5e-1\"]]\ny = [\"7/3\"]").unwrap();
    let q = |a: i64, b: i64| rug::Rational::from((a, b));
    assert_eq!(t.x[0], vec![q(1, 10), q(1, 3), q(2, 1), q(1, 4)]);
    assert_eq!(t.y[0], q(7, 3));
}

#[test]
fn single_sample_hypotheses_are_checked() {
    let t = Task::from_toml_str("X = [[1, -2]]\ny = [1]").unwrap();
    assert!(matches!(t.single_sample_positive(), Err(Error::Field { field, .. }) if field == "X[0][1]"));
    let t = Task::from_toml_str("X = [[1, 2]]\ny = [0]").unwrap();
    assert!(matches!(t.single_sample_positive(), Err(Error::Field { field, .. }) if field == "y[0]"));
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("normsharp-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn cli_exits_2_and_names_the_problem() {
    let ragged = write("ragged.toml", "X = [[1, 2], [3]]\ny = [1, 2]");
    let good = write("good.toml", "X = [[1, 2]]\ny = [1]");
    let negative = write("negative.toml", "X = [[1, -2]]\ny = [1]");
    let inconsistent = write("inconsistent.toml", "X = [[1, 2], [2, 4]]\ny = [1, 3]");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["predict", "--task", &ragged, "--alpha", "0.1", "--json"], "X[1]"),
        (vec!["predict", "--task", "/nonexistent/task.toml", "--alpha", "0.1"], "/nonexistent/task.toml"),
        (vec!["predict", "--task", &negative, "--alpha", "0.1"], "X[0][1]"),
        (vec!["predict", "--task", &inconsistent, "--alpha", "0.1"], "field `y`"),
        (vec!["predict", "--task", &inconsistent, "--alpha", "0.1", "--model", "pm"], "field `y`"),
        (vec!["predict", "--task", &good, "--alpha", "0.1", "--model", "depth", "--depth", "1"], "--depth"),
        (vec!["figures", "--out", &good], "--out"),
        (vec!["predict", "--task", &good, "--alpha", "0"], "--alpha"),
        (vec!["predict", "--task", &good, "--alpha", "-1"], "--alpha"),
        (vec!["predict", "--task", &good, "--alpha", "abc"], "--alpha"),
        (vec!["run", "--task", &good, "--alpha", "0.1", "--eta", "0"], "--eta"),
        (vec!["run", "--task", &good, "--alpha", "0.1", "--eta", "0.1", "--precision", "40"], "--precision"),
        (vec!["run", "--task", &good, "--alpha", "0.1", "--eta", "0.1", "--tol", "-1"], "--tol"),
        (vec!["verify", "--precision", "10"], "--precision"),
        (vec!["verify", "--claim", "T99"], "--claim"),
        (vec!["run", "--task", &good, "--alpha", "0.1"], "--eta"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = cli(&args);
        assert_eq!(code, 2, "{args:?}: exit code {code}, stderr {err}");
        assert!(err.contains(needle), "{args:?}: stderr does not name {needle}: {err}");
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
}

#[test]
fn divergent_gd_is_a_result_not_a_crash() {
    let good = write("diverge.toml", "X = [[1, 2]]\ny = [1]");
    let (code, out, err) = cli(&["run", "--task", &good, "--alpha", "0.1", "--eta", "3", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "diverged");
    assert!(!out.contains("NaN") && !out.contains("nan"), "{out}");
    for b in v["beta"].as_array().unwrap() {
        assert!(b.as_f64().is_some_and(f64::is_finite), "{out}");
    }
}

/// A valid rank-deficient task (consistent labels) is not an error: its gradient-flow limit is
/// the one of its independent rows, and it interpolates every row (seeded family of such tasks:
/// a positive random task with duplicated and combined rows appended).
#[test]
fn a_rank_deficient_consistent_task_has_a_gradient_flow_limit() {
    use normsharp::problem::model::AnyModel;
    use normsharp::problem::tasks::random_positive;
    use normsharp::theory::predict::{predict, PredictOptions};
    use rug::Rational;
    for seed in 0..6u64 {
        let base = random_positive(900 + seed, 2, 5);
        let mut x = base.x.clone();
        let mut y = base.y.clone();
        // Row 0 again, and row 0 + 2·row 1: rank 2 with n = 4.
        x.push(base.x[0].clone());
        y.push(base.y[0].clone());
        x.push(base.x[0].iter().zip(&base.x[1]).map(|(a, b)| Rational::from(a + Rational::from(2 * b))).collect());
        y.push(Rational::from(&base.y[0] + Rational::from(2 * &base.y[1])));
        let task = Task::new("rank-deficient", x, y, None, Rational::new()).unwrap();
        let alpha = Rational::from((1, 10));
        let full = predict(&task, &AnyModel::Sw, &alpha, &PredictOptions::default()).expect("rank-deficient task predicts");
        let reduced = predict(&base, &AnyModel::Sw, &alpha, &PredictOptions::default()).unwrap();
        let (a, b) = (full.beta_gf.unwrap(), reduced.beta_gf.unwrap());
        // Identity (same dual problem after the reduction): equal to the last bit.
        assert_eq!(a, b, "seed {seed}");
        for (row, yi) in task.x.iter().zip(&task.y) {
            let r: f64 = row.iter().zip(&a).map(|(xi, bi)| xi.to_f64() * bi).sum::<f64>() - yi.to_f64();
            assert!(r.abs() <= 1e-12 * (1.0 + yi.to_f64().abs()), "seed {seed}: residual {r}");
        }
    }
}

/// A task file past MAX_TASK_FILE_BYTES is refused before it is read, with its size and the
/// limit in the message (a sparse file: no disk is used).
#[test]
fn oversized_task_files_are_refused_before_reading() {
    use normsharp::problem::task::{Task, MAX_TASK_FILE_BYTES};
    let dir = std::env::temp_dir().join(format!("normsharp-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.toml");
    std::fs::File::create(&path).unwrap().set_len(MAX_TASK_FILE_BYTES + 1).unwrap();
    let err = Task::from_file(path.to_str().unwrap()).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("task files up to 256 MB"), "{err}");
}
