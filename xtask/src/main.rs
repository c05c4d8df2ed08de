//! `cargo xtask <normsharp arguments>`: make sure this machine can build normsharp, then run
//! the release binary with the arguments (`cargo xtask verify`).
//!
//! normsharp links MPFR through `rug`, whose build compiles GMP and MPFR from source; GMP's
//! configure needs `m4`, and both need a C compiler. When `m4` is missing and we are root, it
//! is installed with the system's package manager (apt-get, dnf, yum, apk, pacman, zypper, or
//! brew without root); otherwise the one command to run is printed and we exit with code 2.

use std::process::{Command, ExitCode};

/// Whether `cmd` runs (found on PATH).
fn have(cmd: &str) -> bool {
    Command::new(cmd).arg("--version").output().is_ok()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// The install command for `pkg` with the first package manager found.
fn install_command(pkg: &str) -> Option<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    if have("apt-get") {
        Some(s(&["apt-get", "install", "-y", "-qq", pkg]))
    } else if have("dnf") {
        Some(s(&["dnf", "install", "-y", pkg]))
    } else if have("yum") {
        Some(s(&["yum", "install", "-y", pkg]))
    } else if have("apk") {
        Some(s(&["apk", "add", pkg]))
    } else if have("pacman") {
        Some(s(&["pacman", "-S", "--noconfirm", pkg]))
    } else if have("zypper") {
        Some(s(&["zypper", "--non-interactive", "install", pkg]))
    } else if have("brew") {
        Some(s(&["brew", "install", pkg]))
    } else {
        None
    }
}

fn run(cmd: &[String]) -> bool {
    Command::new(&cmd[0]).args(&cmd[1..]).status().map(|s| s.success()).unwrap_or(false)
}

/// Install `pkg` (providing command `cmd`) or explain how; Err(exit code) when it is missing.
fn ensure(cmd: &str, pkg: &str, why: &str) -> Result<(), ExitCode> {
    if have(cmd) {
        return Ok(());
    }
    let Some(install) = install_command(pkg) else {
        eprintln!("xtask: `{cmd}` is missing ({why}) and no known package manager was found; install the package `{pkg}`.");
        return Err(ExitCode::from(2));
    };
    let brew = install[0] == "brew";
    if !(is_root() || brew) {
        eprintln!("xtask: `{cmd}` is missing ({why}). Run, as root:\n    {}", install.join(" "));
        return Err(ExitCode::from(2));
    }
    eprintln!("xtask: `{cmd}` is missing ({why}); installing: {}", install.join(" "));
    if install[0] == "apt-get" {
        // A fresh machine may have no package lists yet.
        run(&["apt-get".into(), "update".into(), "-qq".into()]);
    }
    if !run(&install) || !have(cmd) {
        eprintln!("xtask: installing `{pkg}` failed; install it by hand:\n    {}", install.join(" "));
        return Err(ExitCode::from(2));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--help") || args.is_empty() {
        eprintln!("usage: cargo xtask <normsharp arguments>   (e.g. cargo xtask verify)\nChecks m4 and a C compiler, installs m4 when it may, builds and runs the release binary.");
        return ExitCode::from(if args.is_empty() { 2 } else { 0 });
    }
    if !(have("cc") || have("gcc") || have("clang")) {
        eprintln!("xtask: no C compiler (cc, gcc or clang) found: GMP and MPFR are compiled from source. Install one (Debian: apt-get install gcc).");
        return ExitCode::from(2);
    }
    if let Err(code) = ensure("m4", "m4", "GMP's configure needs it to build the bundled GMP for rug") {
        return code;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo).args(["run", "--release", "--quiet", "--package", "normsharp", "--"]).args(&args).status();
    match status {
        Ok(s) => ExitCode::from(s.code().unwrap_or(2).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("xtask: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}
