//! Server-rendered pages: one template struct per page, built from the app's read models.

mod access;
mod account;
mod action;
mod audit;
mod chart;
mod compare;
mod cycle;
mod dashboard;
mod form;
mod glossary;
mod governance;
mod home;
mod import;
mod kpi;
mod outbox;
mod people;
mod plan;
mod preferences;
mod reminders;
mod report;
mod scheme;
mod sso;
mod structure;
mod timeline;
mod two_factor;
mod users;
mod voice;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

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
    /// What the last save did, shown as a success banner.
    pub flash: Option<String>,
    /// The header's sign-in link, which returns to this page.
    pub sign_in: String,
}

impl Layout {
    /// The header for whoever is asking.
    pub fn of(viewer: &Viewer) -> Self {
        Self {
            user: viewer.email(),
            flash: viewer.flash.clone(),
            sign_in: sign_in_link(&viewer.here),
        }
    }
}

/// `/login`, returning to `here` unless that is a sign-in page or the home page.
pub fn sign_in_link(here: &str) -> String {
    let path = here.split(['?', '#']).next().unwrap_or_default();
    if path == "/" || path.starts_with("/login") || path.starts_with("/sso/") {
        "/login".to_owned()
    } else {
        format!("/login?next={}", crate::web::encode_component(here))
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

    /// An invalid-input error becomes a problem to show beside the form; any other
    /// error is handed back.
    pub fn from_error(err: Error) -> Result<Self, Error> {
        match err {
            Error::Invalid { field, message } => Ok(Self::one(field, message)),
            other => Err(other),
        }
    }
}

/// A 422 page: the form again, with its problems and what was typed.
pub fn unprocessable<T: Template>(page: T) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response()
}

/// Post/Redirect/Get: 303 See Other to `to`.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Post/Redirect/Get after a save: 303 to `to`, whose page shows `message` in a success
/// banner (once; the page's response clears it).
pub fn saved(viewer: &Viewer, to: &str, message: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::web::session::flash_cookie(&viewer.config, message),
    );
    response
}

pub fn router() -> Router<App> {
    home::router()
        .merge(plan::router())
        .merge(action::router())
        .merge(dashboard::router())
        .merge(people::router())
        .merge(cycle::router())
        .merge(structure::router())
        .merge(scheme::router())
        .merge(account::router())
        .merge(access::router())
        .merge(sso::router())
        .merge(two_factor::router())
        .merge(outbox::router())
        .merge(preferences::router())
        .merge(reminders::router())
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
    import::router().merge(action::upload_router())
}
