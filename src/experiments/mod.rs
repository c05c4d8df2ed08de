//! Experiments over many runs: learning-rate sweeps ([`sweep`]), the two regimes and η_c
//! ([`regimes`]) and stability under precision ([`precision`]); a whole sweep as one job
//! ([`job`]), split into shards and merged back byte for byte ([`shard`], [`part`]).

pub mod job;
pub mod mlp;
pub mod part;
pub mod precision;
pub mod regimes;
pub mod run;
pub mod shard;
pub mod sweep;
