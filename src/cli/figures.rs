//! `normsharp figures`.

use crate::error::{Error, Result};
use clap::Args;

/// Arguments of `normsharp figures`.
#[derive(Debug, Args)]
pub(super) struct FiguresArgs {
    /// Output directory (created if missing).
    #[arg(long)]
    out: String,
}

#[cfg(feature = "plot")]
pub(super) fn figures(a: FiguresArgs) -> Result<i32> {
    let dir = std::path::Path::new(&a.out);
    if a.out.is_empty() {
        return Err(Error::arg("--out", "empty", "a directory path (created if missing)"));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::arg("--out", format!("{} exists and is not a directory", a.out), "a directory (created if missing)"));
    }
    let stems = crate::output::figures::generate(dir).map_err(|e| e.with_flag(crate::output::plot::FIGURE_DIR, "--out"))?;
    let mut s = String::new();
    for stem in stems {
        s += &format!("{}\n", dir.join(stem).display());
    }
    super::print::emit(&s)?;
    Ok(0)
}
