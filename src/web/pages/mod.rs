//! Server-rendered pages: one template struct per page, built from the app's read models.

mod account;
mod action;
mod audit;
mod chart;
mod compare;
mod form;
mod glossary;
mod governance;
mod import;
mod kpi;
mod plan;
mod report;
mod timeline;
mod users;
mod voice;

use askama::Template;
use axum::Router;
use axum::response::{Html, IntoResponse, Response};

use crate::app::App;
use crate::domain::Error;
use crate::web::session::Viewer;

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

/// What every page's header needs: who is signed in.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The signed-in person's email; `None` for the public.
    pub user: Option<String>,
}

impl Layout {
    /// The header for whoever is asking.
    pub fn of(viewer: &Viewer) -> Self {
        Self {
            user: viewer.email(),
        }
    }
}

/// A form's problems, one per field, in the order the fields appear.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// The problem with one field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether the form has no problems.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One problem.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![(field.into(), message.into())])
    }
}

pub fn router() -> Router<App> {
    plan::router()
        .merge(action::router())
        .merge(account::router())
        .merge(audit::router())
        .merge(compare::router())
        .merge(report::router())
        .merge(users::router())
        .merge(kpi::router())
        .merge(voice::router())
        .merge(governance::router())
        .merge(timeline::router())
        .merge(glossary::router())
}

/// The upload routes, which take documents far larger than any other request.
pub fn upload_router() -> Router<App> {
    import::router()
}
