//! Server-rendered pages: one template struct per page, built from the app's read models.

mod action;
mod import;
mod plan;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};

use crate::app::App;
use crate::domain::Error;

/// Renders any askama template as an HTML response.
pub struct Page<T>(pub T);

impl<T: Template> IntoResponse for Page<T> {
    fn into_response(self) -> Response {
        match self.0.render() {
            Ok(html) => Html(html).into_response(),
            Err(err) => Error::Internal(err.into()).into_response(),
        }
    }
}

pub fn router() -> Router<App> {
    plan::router().merge(action::router())
}

/// The upload routes, which take documents far larger than any other request.
pub fn upload_router() -> Router<App> {
    import::router()
}
