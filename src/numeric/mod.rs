//! Numbers: the scalar trait ([`real`]: f64 and MPFR; double-double [`dd`] and quad-double
//! [`qd`] on the error-free transformations of [`eft`], written once for one value or four
//! AVX2 lanes by [`lanes`]), the dot-product kernels behind GD
//! ([`mixed_dot`]: f64 data × dd/qd; [`mpfr_dot`]: exact-double data × MPFR, rounded once),
//! dense linear algebra on faer ([`linalg`]), exact rational elimination ([`exact`]) and
//! Dixon's p-adic solver ([`dixon`]), intervals ([`interval`]), and the η-ordered parallel map
//! ([`parallel`]).

pub mod dd;
pub mod dixon;
pub mod eft;
pub mod exact;
pub mod interval;
pub mod kernels;
pub mod lanczos;
pub mod lanes;
pub mod linalg;
pub mod mixed_dot;
pub mod modp;
pub mod mpfr_dot;
pub mod parallel;
pub mod qd;
pub mod rank;
pub mod real;
pub mod vector;
