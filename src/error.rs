//! Typed errors. Every variant names the argument or field at fault, what was wrong and
//! what is allowed; the CLI prints the message and exits with code 2.

use thiserror::Error;

/// Everything that can go wrong with user input or a requested computation.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// A task file could not be read.
    #[error("task file {path}: cannot read it: {reason}")]
    Io {
        /// The path given.
        path: String,
        /// The operating-system error.
        reason: String,
    },
    /// The task file is not valid TOML.
    #[error("task file: not valid TOML: {0}")]
    Toml(String),
    /// A field of the task is missing, malformed or violates a hypothesis.
    #[error("field `{field}`: {problem}; allowed: {allowed}")]
    Field {
        /// The field, e.g. `X[1][2]` or `y`.
        field: String,
        /// What was wrong.
        problem: String,
        /// What is allowed.
        allowed: String,
    },
    /// A command-line argument is out of range.
    #[error("argument `{arg}`: {problem}; allowed: {allowed}")]
    Argument {
        /// The argument, e.g. `--alpha`.
        arg: String,
        /// What was wrong.
        problem: String,
        /// What is allowed.
        allowed: String,
    },
    /// An input to a library function is outside what the mathematics allows. `what` names
    /// the quantity (e.g. "learning-rate grid: η_min"), never a command-line flag: the CLI maps
    /// it onto its flags ([`Error::with_flag`]).
    #[error("{what}: {why}")]
    InvalidInput {
        /// The quantity at fault.
        what: String,
        /// What was wrong and what is allowed.
        why: String,
    },
    /// Output could not be written (a closed pipe is reported with `broken_pipe`, so the CLI
    /// can exit quietly).
    #[error("cannot write {what}: {reason}")]
    Output {
        /// Where to (e.g. "standard output").
        what: String,
        /// The operating-system error.
        reason: String,
        /// The reader went away (EPIPE).
        broken_pipe: bool,
    },
    /// A numerical solve did not reach its tolerance.
    #[error("{what}: did not converge: {detail}")]
    NoConvergence {
        /// The solve.
        what: String,
        /// Why.
        detail: String,
    },
}

impl Error {
    /// Shorthand for [`Error::Field`].
    pub fn field(field: impl Into<String>, problem: impl Into<String>, allowed: impl Into<String>) -> Self {
        Error::Field { field: field.into(), problem: problem.into(), allowed: allowed.into() }
    }
    /// Shorthand for [`Error::Argument`].
    pub fn arg(arg: impl Into<String>, problem: impl Into<String>, allowed: impl Into<String>) -> Self {
        Error::Argument { arg: arg.into(), problem: problem.into(), allowed: allowed.into() }
    }
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(what: impl Into<String>, why: impl Into<String>) -> Self {
        Error::InvalidInput { what: what.into(), why: why.into() }
    }
    /// An [`Error::InvalidInput`] whose `what` is `quantity` becomes an [`Error::Argument`]
    /// naming `flag` (used by the CLI only); any other error is returned unchanged.
    pub fn with_flag(self, quantity: &str, flag: &str) -> Self {
        match self {
            Error::InvalidInput { what, why } if what == quantity => {
                Error::Argument { arg: flag.into(), problem: why, allowed: "see `normsharp help`".into() }
            }
            e => e,
        }
    }
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
