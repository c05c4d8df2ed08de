#![warn(missing_docs)]
//! # normsharp
//!
//! Checks the theory of implicit bias of gradient descent (GD) at finite learning rates on
//! diagonal linear networks, following Fojtik et al., "Conflicting Biases at the Edge of
//! Stability: Norm versus Sharpness Regularization" (arXiv 2505.21423) and the earlier results
//! collected in THEORY.md. With a small learning rate η, GD ends near the interpolator of
//! smallest ℓ1 norm; it can only settle where the sharpness is at most 2/η; the learning rate
//! trades one bias against the other.
//!
//! ## The workflow in four steps
//!
//! 1. A [`Task`] holds X, y (and optionally a teacher) as exact rationals.
//! 2. [`predict`] computes every closed-form and solved prediction once, as typed
//!    [`Predictions`]: the two vertices β_N, β_S of the zero-loss simplex (T2), the
//!    gradient-flow limit β_GF (T3, in MPFR), the critical rate η_c = 2/s_GF (T6), …
//! 3. [`run_gd`] runs GD in any arithmetic ([`numeric::real::Real`]: f64 or MPFR) on a
//!    [`Problem`] (a parametrization on a design), watched by an observer.
//! 4. A [`Claim`] of the [`registry`] checks a prediction against an independent
//!    measurement and reports predicted, measured, error, tolerance and the kind of check.
//!
//! ```
//! use normsharp::{predict, registry, run_gd, GdConfig, PredictOptions, Problem, Settings, Formulas};
//! use normsharp::dynamics::{NoObserver, Outcome};
//! use normsharp::problem::{model::AnyModel, tasks::canonical_four};
//! use rug::Rational;
//!
//! // 1. x = (1, 2, 3, 4), y = 1: one sample, four features.
//! let task = canonical_four();
//! let alpha = Rational::from((1, 1000));
//!
//! // 2. The predictions: β_N = (0, 0, 0, 1/4) is the minimum-norm vertex.
//! let p = predict(&task, &AnyModel::Sw, &alpha, &PredictOptions::default()).unwrap();
//! assert_eq!(p.beta_norm_min.as_deref(), Some(&[0.0, 0.0, 0.0, 0.25][..]));
//! let (beta_gf, eta_c) = (p.beta_gf.unwrap(), p.eta_c.unwrap());
//!
//! // 3. GD well below η_c ends close to gradient flow's limit.
//! let design = task.design::<f64>(());
//! let problem = Problem::new(&AnyModel::Sw, &design);
//! let cfg = GdConfig::until_loss(0.05 * eta_c, 1e-24);
//! let run = run_gd(&problem, &1e-3, &cfg, &mut NoObserver);
//! assert_eq!(run.outcome, Outcome::Converged);
//! let gap = run.beta.iter().zip(&beta_gf).map(|(b, g)| (b - g).abs()).fold(0.0, f64::max);
//! assert!(gap < 1e-2);
//!
//! // 4. One claim of the registry, checked: T2's vertices, exactly in rationals.
//! let t2 = registry().into_iter().find(|c| c.id == "T2").unwrap();
//! let (pass, results) = t2.verify(&Formulas::default(), &Settings::default());
//! assert!(pass && !results.is_empty());
//! ```
//!
//! ## One room per idea
//!
//! - [`numeric`]: the scalar trait (f64, MPFR), faer and exact rational linear algebra, the
//!   η-ordered parallel map;
//! - [`problem`]: tasks (exact rational data), the design, parametrizations, sharpness;
//! - [`dynamics`]: the one GD loop, the one period detector, observers, long-run classes;
//! - [`theory`]: closed-form predictions, potentials, dual Newton, central flow, certified
//!   interpolators;
//! - [`mlp`]: a small tanh perceptron on shipped digits (backprop, exact Hessian–vector
//!   products, Lanczos sharpness, GD to a loss threshold);
//! - [`experiments`]: learning-rate sweeps, regimes, precision stability, single runs;
//! - [`claims`]: the registry of claims and their checks;
//! - [`output`]: report, files, figures; `cli` (feature `cli`): the command line.
//!
//! Features: `cli` (clap, indicatif) and `plot` (plotters), on by default;
//! `--no-default-features` builds the mathematics alone.

pub mod claims;
#[cfg(feature = "cli")]
pub mod cli;
pub mod dynamics;
pub mod error;
pub mod experiments;
pub mod mlp;
pub mod numeric;
pub mod output;
pub mod problem;
pub mod theory;

pub use claims::{registry, Claim, Formulas, Settings};
pub use dynamics::{run_gd, GdConfig, Problem};
pub use error::{Error, Result};
pub use problem::task::Task;
pub use theory::predict::{predict, PredictOptions, Predictions};
