//! Output: the text and JSON report of a verification ([`report`]), files written atomically
//! with one float format ([`write`]), and (feature `plot`) figures ([`plot`], [`figures`]).

pub mod csv;
#[cfg(feature = "plot")]
pub mod figures;
#[cfg(feature = "plot")]
pub mod mlp_figures;
#[cfg(feature = "plot")]
pub mod plot;
pub mod report;
pub mod write;
