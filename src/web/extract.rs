//! Extractors whose rejections become our own error pages.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::domain::Error;

/// Path parameters; a path that cannot be read is a "not found" page, not a bare 400.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        #[expect(
            clippy::disallowed_types,
            reason = "the one wrapper around axum's Path"
        )]
        let extracted = axum::extract::Path::<T>::from_request_parts(parts, state).await;
        match extracted {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => Err(Error::not_found("page")),
        }
    }
}
