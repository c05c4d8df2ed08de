//! Saddle-to-saddle (Pesme & Flammarion's Algorithm 1, exact; src/claims/saddles.rs): a hand
//! example worked out on paper, the CLI's output and errors, and the log-domain flow.

use normsharp::problem::task::Task;
use normsharp::theory::interpolators::Sign;
use normsharp::theory::saddle_flow::LogFlow;
use normsharp::theory::saddles::{constrained_least_squares, saddle_process, ProcessRules};
use rug::Rational;
use std::process::Command;

fn q(a: i64, b: i64) -> Rational {
    Rational::from((a, b))
}

/// X = I₂ (n = 2), y = (2, −1): L = ¼‖β − y‖², ∇L = (β − y)/2. From β = 0: s′ = y/2 = (1, −½), so
/// coordinate 0 reaches +1 at t = 1 and the plateau is β = (2, 0); then s₁′ = −½ still, and
/// s₁ = −½ at t = 1 reaches −1 at t = 2, where β = (2, −1) = y: two jumps, times 1 and 2.
#[test]
fn hand_example_identity_design() {
    let task =
        Task::new("I2", vec![vec![q(1, 1), q(0, 1)], vec![q(0, 1), q(1, 1)]], vec![q(2, 1), q(-1, 1)], None, Rational::new()).unwrap();
    let p = saddle_process(&task, Sign::Signed, &ProcessRules::default(), 10).unwrap();
    let times: Vec<Rational> = p.plateaus.iter().map(|p| p.time.clone()).collect();
    assert_eq!(times, vec![q(0, 1), q(1, 1), q(2, 1)]);
    assert_eq!(p.plateaus[1].beta, vec![q(2, 1), q(0, 1)]);
    assert_eq!(p.plateaus[2].beta, vec![q(2, 1), q(-1, 1)]);
    // SW: the negative coordinate never enters; the process stops at (2, 0).
    let sw = saddle_process(&task, Sign::Nonnegative, &ProcessRules::default(), 10).unwrap();
    assert_eq!(sw.plateaus.len(), 2);
    assert_eq!(sw.end(), &[q(2, 1), q(0, 1)]);
}

/// The sign constraint binds: y = (1, 1) with columns (1, 0), (1, 1) and β₁ ≤ 0 forced → the
/// least-squares point on the allowed cone.
#[test]
fn constrained_least_squares_respects_signs() {
    let task = Task::new("c", vec![vec![q(1, 1), q(1, 1)], vec![q(0, 1), q(1, 1)]], vec![q(1, 1), q(1, 1)], None, Rational::new()).unwrap();
    // Unconstrained solution (0, 1); with β₁ ≤ 0 the best is β₁ = 0, β₀ = 1 (residual (0, 1)).
    let b = constrained_least_squares(&task, &[(0, 1), (1, -1)]).unwrap();
    assert_eq!(b, vec![q(1, 1), q(0, 1)]);
    let b = constrained_least_squares(&task, &[(0, 1), (1, 1)]).unwrap();
    assert_eq!(b, vec![q(0, 1), q(1, 1)]);
}

/// The log-domain flow reaches y on the identity design at α = 1e-60 and crosses at t ≈ 1, 2.
#[test]
fn log_domain_flow_at_tiny_alpha() {
    let x = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    let y = vec![2.0, -1.0];
    let flow = LogFlow { x: &x, y: &y, sign: Sign::Signed, scale: 0.5, lambda: 60.0 * std::f64::consts::LN_10 };
    let mut last = vec![0.0; 2];
    let steps = flow.integrate(3.0, 1e-10, 2e-3, |_, s| last = flow.beta(s)).unwrap();
    assert!(steps > 0);
    assert!((last[0] - 2.0).abs() < 1e-6 && (last[1] + 1.0).abs() < 1e-6, "{last:?}");
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_normsharp")).args(args).output().expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_saddles_prints_plateaus_and_certificate() {
    let dir = std::env::temp_dir().join(format!("normsharp-saddles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("t.toml");
    std::fs::write(&f, "X = [[\"-1/2\", \"9/8\", 1, \"3/4\"], [\"1/4\", -1, \"1/2\", 2]]\ny = [\"3/2\", \"1/4\"]\n").unwrap();
    let path = f.to_str().unwrap();
    for model in ["uv", "pm", "sw"] {
        let (code, out, err) = cli(&["saddles", "--task", path, "--model", model, "--json"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let plateaus = v["plateaus"].as_array().unwrap();
        assert!(plateaus.len() >= 2);
        assert_eq!(plateaus[0]["time"], 0.0);
        assert!(plateaus.iter().all(|p| p["beta"].as_array().unwrap().len() == 4 && p["time"].is_number()));
        assert_eq!(v["end"]["certificate"]["valid"], true);
    }
    let (code, _, err) = cli(&["saddles", "--task", path, "--model", "depth", "--json"]);
    assert_eq!(code, 2);
    assert!(err.contains("--model"), "{err}");
    let (code, _, err) = cli(&["saddles", "--task", "/nonexistent/t.toml", "--json"]);
    assert_eq!(code, 2);
    assert!(err.contains("t.toml"), "{err}");
    let (code, _, err) = cli(&["saddles", "--task", path, "--max-jumps", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--max-jumps"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
