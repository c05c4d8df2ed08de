//! Numbers: the scalar trait ([`real`]: f64 and MPFR; double-double [`dd`] and quad-double [`qd`]), dense linear algebra on faer and exact
//! rational elimination ([`linalg`]), and the η-ordered parallel map ([`parallel`]).

pub mod dd;
pub mod exact;
pub mod interval;
pub mod kernels;
pub mod lanczos;
pub mod linalg;
pub mod parallel;
pub mod qd;
pub mod rank;
pub mod real;
pub mod vector;
