//! The η-ordered parallel map: one independent, deterministic computation per learning rate,
//! run on rayon's pool and collected in input order (so results are bit-identical whatever
//! the thread count), with an optional progress bar on stderr (feature `cli`).

use rayon::prelude::*;

/// A progress bar on stderr when enabled and stderr is a terminal (feature `cli`); a no-op
/// otherwise, so the library never writes to the terminal on its own.
pub struct Progress {
    #[cfg(feature = "cli")]
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// A bar of `len` items labelled `what`, shown only if `enabled`.
    pub fn new(enabled: bool, len: usize, what: &str) -> Self {
        #[cfg(feature = "cli")]
        {
            use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
            use std::io::IsTerminal;
            if !enabled || !std::io::stderr().is_terminal() {
                return Progress { bar: None };
            }
            let pb = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed}, eta {eta})") {
                pb.set_style(style.progress_chars("=> "));
            }
            pb.set_message(what.to_string());
            Progress { bar: Some(pb) }
        }
        #[cfg(not(feature = "cli"))]
        {
            let _ = (enabled, len, what);
            Progress {}
        }
    }

    /// A hidden bar.
    pub fn hidden() -> Self {
        Self::new(false, 0, "")
    }

    /// One item done.
    pub fn inc(&self) {
        #[cfg(feature = "cli")]
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// `more` items added to the total.
    pub fn add_len(&self, more: usize) {
        #[cfg(feature = "cli")]
        if let Some(b) = &self.bar {
            b.inc_length(more as u64);
        }
        #[cfg(not(feature = "cli"))]
        let _ = more;
    }

    /// Remove the bar.
    pub fn finish(&self) {
        #[cfg(feature = "cli")]
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// `f` at every η, in parallel, collected in the order of `etas`.
pub fn par_map_eta<R: Send>(etas: &[f64], progress: &Progress, f: impl Fn(f64) -> R + Sync + Send) -> Vec<R> {
    etas.par_iter()
        .map(|&eta| {
            let r = f(eta);
            progress.inc();
            r
        })
        .collect()
}
