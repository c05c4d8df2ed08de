//! A small real network for the seed paper's empirical claim (issue 10, part 3): a
//! one-hidden-layer tanh perceptron with the squared loss ([`model`]) on shipped handwritten
//! digits ([`data`]), its exact gradient by backpropagation, exact Hessian–vector products by
//! forward-over-reverse differentiation and the sharpness by Lanczos ([`hvp`]), and full-batch
//! GD to a loss threshold ([`train`]). Everything in f64, sequential within a run.

pub mod data;
pub mod hvp;
pub mod model;
pub mod train;

pub use data::{digits, Dataset};
pub use model::Mlp;
pub use train::{train, MlpOutcome, TrainConfig, TrainRun};
