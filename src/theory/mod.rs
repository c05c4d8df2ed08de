//! What the theory predicts: closed forms and solved limits ([`predictions`]), implicit-bias
//! potentials of earlier work ([`potentials`]) and their dual Newton solves ([`dual_newton`]),
//! the central flow ([`central_flow`]) and the certified interpolators ([`interpolators`]).

pub mod central_flow;
pub mod dual_newton;
pub mod effective_init;
pub mod enclosures;
pub mod interpolators;
pub mod potentials;
pub mod predict;
pub mod predictions;
pub mod saddle_flow;
pub mod saddles;
pub mod scalar;
