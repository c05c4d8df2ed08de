//! Experiments over many runs: learning-rate sweeps ([`sweep`]), the two regimes and η_c
//! ([`regimes`]) and stability under precision ([`precision`]).

pub mod precision;
pub mod regimes;
pub mod run;
pub mod sweep;
