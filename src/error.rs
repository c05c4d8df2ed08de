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
}

/// Result with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
