//! The regression problem: tasks with exact rational data ([`task`]), the design in a working
//! arithmetic with loss, residual and gradient ([`design`]), the canonical and generated tasks
//! ([`tasks`]), the parametrizations ([`model`]) and the sharpness in the parameters
//! ([`sharpness`]).

pub mod design;
pub mod model;
pub mod sharpness;
pub mod task;
pub mod tasks;
