//! Faults a hostile user provokes, each kept fixed: a closed pipe, outputs that are not regular
//! files (a FIFO, a symlink, a read-only file, /dev/null), numbers outside f64, impractical
//! requests, and messages that name the field.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_normsharp"))
}

fn dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("normsharp-faults-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn task(d: &std::path::Path, body: &str) -> String {
    let p = d.join("task.toml");
    std::fs::write(&p, body).unwrap();
    p.to_string_lossy().into_owned()
}

fn stderr_of(args: &[&str]) -> (Option<i32>, String) {
    let out = bin().args(args).output().expect("runs");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = bin().args(["verify", "--claim", "T2"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

fn sweep_to(csv: &str, d: &std::path::Path) -> (Option<i32>, String) {
    let t = task(d, "X = [[1, 2]]\ny = [1]\n");
    stderr_of(&["sweep", "--task", &t, "--alpha", "0.01", "--eta-min", "0.1", "--eta-max", "0.2", "--points", "2", "--csv", csv])
}

#[test]
fn dev_null_stays_a_device() {
    let d = dir("null");
    let (code, err) = sweep_to("/dev/null", &d);
    assert_eq!(code, Some(0), "{err}");
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let d = dir("link");
    let target = d.join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = d.join("link.csv");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, err) = sweep_to(&link.to_string_lossy(), &d);
    assert_eq!(code, Some(0), "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("eta,"));
}

#[test]
fn permissions_are_kept() {
    let d = dir("perm");
    let p = d.join("private.csv");
    std::fs::write(&p, "old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, err) = sweep_to(&p.to_string_lossy(), &d);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn a_missing_output_directory_is_refused_before_the_work() {
    let d = dir("nodir");
    let (code, err) = sweep_to(&d.join("no/such/dir/out.csv").to_string_lossy(), &d);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--csv"), "{err}");
}

#[test]
fn numbers_outside_f64_are_refused_naming_the_field() {
    let d = dir("range");
    let t = task(&d, "X = [[1, 2]]\ny = [\"1e-99999\"]\n");
    let (code, err) = stderr_of(&["predict", "--task", &t, "--alpha", "0.1"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("y[0]"), "{err}");
    let t = task(&d, "X = [[1, 2]]\ny = [1]\n");
    for (flag, value) in [("--alpha", "1e400"), ("--alpha", "1e-400")] {
        let (code, err) = stderr_of(&["run", "--task", &t, flag, value, "--eta", "0.1"]);
        assert_eq!(code, Some(2), "{flag} {value}: {err}");
        assert!(err.contains(flag), "{err}");
    }
    let (code, err) = stderr_of(&["run", "--task", &t, "--alpha", "0.1", "--eta", "0.1", "--tol", "1e400"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--tol"), "{err}");
}

#[test]
fn impractical_requests_are_capped() {
    let d = dir("caps");
    let t = task(&d, "X = [[1, 2]]\ny = [1]\n");
    let (code, err) = stderr_of(&["run", "--task", &t, "--alpha", "0.1", "--eta", "0.1", "--steps", "1000000000000"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--steps"), "{err}");
    let (code, err) = stderr_of(&["predict", "--task", &t, "--alpha", "0.1", "--precision", "5000000"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--precision"), "{err}");
    let (code, err) = stderr_of(&[
        "sweep",
        "--task",
        &t,
        "--alpha",
        "0.1",
        "--eta-min",
        "0.1",
        "--eta-max",
        "0.2",
        "--points",
        "2",
        "--threads",
        "100000",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--threads"), "{err}");
}

#[test]
fn a_huge_number_is_not_echoed_whole() {
    let d = dir("echo");
    let t = task(&d, "X = [[1, 2]]\ny = [1]\n");
    let big = "9".repeat(100_000) + "x";
    let (code, err) = stderr_of(&["run", "--task", &t, "--alpha", &big, "--eta", "0.1"]);
    assert_eq!(code, Some(2));
    assert!(err.len() < 1000, "{} bytes of error", err.len());
}

#[test]
fn figures_refuse_an_empty_out() {
    let (code, err) = stderr_of(&["figures", "--out", ""]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--out"), "{err}");
}

#[test]
fn a_fifo_is_written_not_replaced() {
    let d = dir("fifo");
    let fifo = d.join("pipe.csv");
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    if !made {
        return; // no mkfifo on this machine
    }
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap_or_default());
    let (code, err) = sweep_to(&fifo.to_string_lossy(), &d);
    assert_eq!(code, Some(0), "{err}");
    assert!(reader.join().unwrap().starts_with("eta,"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn an_interrupt_leaves_no_partial_or_temporary_file() {
    let d = dir("interrupt");
    // A sweep of minutes: 400 features, 20 000 learning rates, one thread.
    let row: Vec<String> = (0..400).map(|i| format!("{}", 1 + i % 7)).collect();
    let t = task(&d, &format!("X = [[{}]]\ny = [1]\n", row.join(", ")));
    let (csv, json) = (d.join("out.csv"), d.join("out.json"));
    let mut child = bin()
        .args(["sweep", "--task", &t, "--alpha", "0.01", "--eta-min", "0.1", "--eta-max", "0.2", "--points", "20000", "--threads", "1"])
        .args(["--csv", &csv.to_string_lossy(), "--json", &json.to_string_lossy()])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    let left: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "task.toml")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    std::fs::remove_dir_all(&d).unwrap();
}
