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
    /// Whether signing in would help.
    pub sign_in: bool,
    /// The page header (no one is shown as signed in on an error page).
    pub layout: crate::web::pages::Layout,
}

fn status(err: &Error) -> StatusCode {
    // Refusals go to the security log; the request span around this names the method,
    // route, request id and account.
    match err {
        Error::Unauthorized => {
            tracing::warn!(target: "security", event = "request.refused", status = 401, "sign-in needed");
        }
        Error::Forbidden => {
            tracing::warn!(target: "security", event = "request.refused", status = 403, "not permitted");
        }
        _ => {}
    }
    match err {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Unauthorized => StatusCode::UNAUTHORIZED,
        Error::Forbidden => StatusCode::FORBIDDEN,
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
            StatusCode::UNAUTHORIZED => "You need to sign in",
            StatusCode::FORBIDDEN => "You do not have permission to do that",
            StatusCode::INTERNAL_SERVER_ERROR => "Sorry, there is a problem with the service",
            _ => "There is a problem",
        };
        let page = ErrorPage {
            title: title.into(),
            message: public_message(&self),
            sign_in: status == StatusCode::UNAUTHORIZED,
            layout: crate::web::pages::Layout::default(),
        };
        render(status, &page)
    }
}

/// A form sent from another site (refused by the CSRF layer): our own error page, in
/// words, rather than an empty 403.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the signature CsrfLayer's rejection builder asks for"
)]
pub fn cross_site_page(error: tower_http::csrf::ProtectionError) -> Response {
    tracing::info!(%error, "cross-site request refused");
    let page = ErrorPage {
        title: "This form could not be sent".into(),
        message: "It came from another website, or your browser did not say where it came \
                  from. Go back to the page in WSOA Tracker and send the form again."
            .into(),
        sign_in: false,
        layout: crate::web::pages::Layout::default(),
    };
    render(StatusCode::FORBIDDEN, &page)
}

/// An RFC 9457 problem document: how every API error is reported.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: String,
    /// The status code's reason phrase.
    #[schema(example = "Not Found")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 404, minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, in words a person can act on.
    #[schema(example = "plan \"x\" not found")]
    pub detail: String,
    /// For invalid input: the field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The API's rendering of [`Error`]: `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        Self(err)
    }
}

impl ApiError {
    /// A problem with a status the domain has no word for (a bad request line, say).
    pub fn with_status(status: StatusCode, detail: impl Into<String>) -> Response {
        problem_response(status, detail.into(), None)
    }
}

fn problem_response(status: StatusCode, detail: String, field: Option<String>) -> Response {
    let problem = Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        detail,
        field,
    };
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
        body,
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer realm=\"wsoa\""),
        );
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status(&self.0);
        let field = match &self.0 {
            Error::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        };
        let detail = match &self.0 {
            Error::Unauthorized => {
                "send a valid API token as `Authorization: Bearer <token>`".into()
            }
            other => public_message(other),
        };
        problem_response(status, detail, field)
    }
}

/// Any API path no route serves.
pub async fn api_not_found() -> Response {
    ApiError(Error::not_found("API endpoint")).into_response()
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
