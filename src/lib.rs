#![warn(missing_docs)]
//! # normsharp
//!
//! Checks the theory of implicit bias of gradient descent at finite learning rates on
//! diagonal linear networks, following "Conflicting Biases at the Edge of Stability: Norm
//! versus Sharpness Regularization" (arXiv 2505.21423) and the earlier results collected in
//! THEORY.md. Every claim is a [`claims::Claim`] whose check reports predicted and measured
//! values, their error and the tolerance.
//!
//! Modules, one concept each:
//! - [`real`]: the scalar trait, implemented for `f64` and MPFR (`rug::Float`);
//! - [`task`]: tasks (X, y, teacher) with exact rational entries, TOML I/O, generators;
//! - [`model`]: parametrizations (SW) behind one trait;
//! - [`sharpness`]: Hessian spectra in the parameters;
//! - [`dynamics`]: the GD runner, outcomes and observers;
//! - [`central_flow`]: the central flow of GD at the edge of stability;
//! - [`interpolators`]: min-ℓ1, min-trace, min-ℓ2 and min-λ_max-sharpness interpolators (LP/SDP) with independent certificates;
//! - [`predictions`]: closed forms and solved limits;
//! - [`potentials`]: implicit-bias potentials of earlier work (Woodworth, depth D, Azulay, Even, Nacson) and their dual Newton solves;
//! - [`sweep`]: learning-rate sweeps, regimes and η_c (T6), precision stability; [`classify`]: long-run classification, Lyapunov exponents, bifurcation data;
//! - [`claims`]: the registry; [`report`]: tables and JSON; [`plot`]: figures; [`cli`]: the command line.

pub mod central_flow;
pub mod claims;
pub mod classify;
pub mod cli;
pub mod dynamics;
pub mod error;
pub mod figures;
pub mod interpolators;
pub mod linalg;
pub mod model;
pub mod plot;
pub mod potentials;
pub mod predictions;
pub mod real;
pub mod report;
pub mod sharpness;
pub mod sweep;
pub mod task;
