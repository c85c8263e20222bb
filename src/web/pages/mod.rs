//! Server-rendered pages: one template struct per page, built from the app's read models.

mod action;
mod cycle;
mod dashboard;
mod people;
mod plan;
mod scheme;
mod structure;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

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

/// A form's problem: the field at fault (the id of its input) and what to do about it.
/// Empty when the form is shown for the first time.
#[derive(Debug, Clone, Default)]
pub struct Problem(Option<(String, String)>);

impl Problem {
    /// No problem.
    pub fn none() -> Self {
        Self(None)
    }

    /// A problem with `field`.
    pub fn with(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(Some((field.into(), message.into())))
    }

    /// An invalid-input error becomes a problem to show beside the form; any other
    /// error is handed back.
    pub fn from_error(err: Error) -> Result<Self, Error> {
        match err {
            Error::Invalid { field, message } => Ok(Self::with(field, message)),
            other => Err(other),
        }
    }

    /// Whether there is one.
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// The field and message, for the error summary.
    pub fn summary(&self) -> Option<(&str, &str)> {
        self.0.as_ref().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// The message when `field` is the one at fault.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.0
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// "Error: " before a page title when there is a problem, as GOV.UK asks.
    pub fn title_prefix(&self) -> &'static str {
        if self.is_some() { "Error: " } else { "" }
    }
}

/// A 422 page: the form again, with its problem and what was typed.
pub fn unprocessable<T: Template>(page: T) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response()
}

/// Post/Redirect/Get: 303 See Other to `to`.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub fn router() -> Router<App> {
    plan::router()
        .merge(action::router())
        .merge(dashboard::router())
        .merge(people::router())
        .merge(cycle::router())
        .merge(structure::router())
        .merge(scheme::router())
}
