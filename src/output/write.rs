//! Files the tool writes, and the one float format of its CSV files.
//!
//! A regular file (or a symlink to one) is replaced atomically: the new contents go to a
//! temporary file beside the target, which takes the target's permissions and is renamed over
//! it, so a reader sees the old file or the new one, never half of it. Anything else (a FIFO,
//! a device such as `/dev/null`) is written directly: it is never replaced by a regular file.
//! Several outputs of one command are prepared first and committed together
//! ([`write_all`]); temporary files are removed on error.

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Shortest round-trip decimal in exponent form; empty when absent or not finite.
pub fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{x:e}"),
        _ => String::new(),
    }
}

/// One output: where, what (for messages, e.g. "CSV output"), and the bytes.
pub struct Output<'a> {
    /// The path as given.
    pub path: &'a str,
    /// What the file is, named in errors.
    pub what: &'a str,
    /// Contents.
    pub contents: &'a [u8],
}

fn err(what: &str, path: &str, problem: String) -> Error {
    Error::invalid(what, format!("{path}: {problem}"))
}

enum Plan {
    /// Rename `tmp` over `target` (a regular file or a new one).
    Replace { tmp: PathBuf, target: PathBuf },
    /// Write to the path directly (FIFO, device).
    Direct(PathBuf),
}

/// Check that `path` can be written, before any computation: not empty, not a directory, its
/// directory exists. Errors name `what`.
pub fn check_writable(path: &str, what: &str) -> Result<()> {
    let p = Path::new(path);
    if path.is_empty() || p.file_name().is_none() {
        return Err(err(what, &format!("\"{path}\""), "not a file path (give a file name)".into()));
    }
    match fs::metadata(p) {
        Ok(m) if m.is_dir() => Err(err(what, path, "is a directory".into())),
        Ok(_) => Ok(()),
        Err(_) => {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            match fs::metadata(dir) {
                Ok(m) if m.is_dir() => Ok(()),
                _ => Err(err(what, path, format!("the directory {} does not exist", dir.display()))),
            }
        }
    }
}

/// Temporary files not yet committed or removed, so that an interrupt can remove them
/// ([`remove_pending_temporaries`]; the CLI calls it from its SIGINT/SIGTERM handler).
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(tmp: &Path) {
    pending().retain(|p| p != tmp);
}

/// Remove every temporary file of a write in progress (for an interrupt handler; the targets
/// are untouched, so an interrupted command leaves either the old files or the new ones).
pub fn remove_pending_temporaries() {
    for p in pending().drain(..) {
        let _ = fs::remove_file(p);
    }
}

fn prepare(o: &Output) -> Result<Plan> {
    check_writable(o.path, o.what)?;
    let p = Path::new(o.path);
    let meta = fs::metadata(p).ok();
    if let Some(m) = &meta {
        if !m.is_file() {
            return Ok(Plan::Direct(p.to_path_buf()));
        }
    }
    // Follow symlinks to the file they name, so the link survives.
    let target = if meta.is_some() { fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()) } else { p.to_path_buf() };
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    pending().push(tmp.clone());
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(o.contents)?;
        f.sync_all()?;
        if let Some(m) = &meta {
            fs::set_permissions(&tmp, m.permissions())?;
        }
        Ok(())
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&tmp);
        forget(&tmp);
        return Err(err(o.what, o.path, format!("cannot write: {e}")));
    }
    Ok(Plan::Replace { tmp, target })
}

/// Write every output, all or none: each is prepared (temporary file written and flushed)
/// before any is committed; on an error every temporary file is removed.
pub fn write_all(outputs: &[Output]) -> Result<()> {
    let mut plans = Vec::with_capacity(outputs.len());
    for o in outputs {
        match prepare(o) {
            Ok(p) => plans.push(p),
            Err(e) => {
                discard(&plans);
                return Err(e);
            }
        }
    }
    for (i, (plan, o)) in plans.iter().zip(outputs).enumerate() {
        let r = match plan {
            Plan::Replace { tmp, target } => {
                let r = fs::rename(tmp, target);
                if r.is_ok() {
                    forget(tmp);
                }
                r
            }
            Plan::Direct(p) => fs::OpenOptions::new().write(true).truncate(true).open(p).and_then(|mut f| f.write_all(o.contents)),
        };
        if let Err(e) = r {
            discard(&plans[i..]);
            return Err(err(o.what, o.path, format!("cannot write: {e}")));
        }
    }
    Ok(())
}

fn discard(plans: &[Plan]) {
    for p in plans {
        if let Plan::Replace { tmp, .. } = p {
            let _ = fs::remove_file(tmp);
            forget(tmp);
        }
    }
}

/// [`write_all`] for one output.
pub fn write_atomic(path: &str, contents: &[u8], what: &str) -> Result<()> {
    write_all(&[Output { path, what, contents }])
}
