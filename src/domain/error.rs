//! One error vocabulary for every boundary; `web` and `cli` decide how to show it.

/// Everything an operation can fail with, in words the user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist (or is not visible).
    #[error("{0} not found")]
    NotFound(String),
    /// The input broke a rule; `field` says where.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The change clashes with what is already stored.
    #[error("{0}")]
    Conflict(String),
    /// Nobody is signed in (or the credentials are wrong), and the request needs someone.
    #[error("sign in to do that")]
    Unauthorized,
    /// The person is signed in and may see the thing, but may not do this to it.
    /// Things a person may not even see are [`Error::NotFound`], so existence does not leak.
    #[error("you do not have permission to do that")]
    Forbidden,
    /// A bug or an outage. The message is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }
}

/// The result of anything that can fail with an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
