//! One error, one rendering: the status code and the page a person sees.

use std::any::Any;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::domain::Error;

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Page heading.
    pub title: String,
    /// What went wrong, in words the reader can act on.
    pub message: String,
}

fn status(err: &Error) -> StatusCode {
    match err {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What the reader may see. Internal details are logged here and nowhere else.
fn public_message(err: &Error) -> String {
    if let Error::Internal(inner) = err {
        tracing::error!(error = ?inner, "internal error");
        return "Something went wrong on our side. Try again later.".into();
    }
    err.to_string()
}

fn render(status: StatusCode, page: &ErrorPage) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = ?err, "error page failed to render");
            (status, page.message.clone()).into_response()
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = status(&self);
        let title = match status {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::INTERNAL_SERVER_ERROR => "Sorry, there is a problem with the service",
            _ => "There is a problem",
        };
        let page = ErrorPage {
            title: title.into(),
            message: public_message(&self),
        };
        render(status, &page)
    }
}

/// Any path no route serves.
pub async fn not_found() -> Response {
    Error::not_found("page").into_response()
}

/// A handler that panicked: log it, show the generic error page.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the signature CatchPanicLayer asks for"
)]
pub fn panic_page(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    Error::Internal(anyhow::anyhow!("a handler panicked: {detail}")).into_response()
}
