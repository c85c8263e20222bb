//! The glossary: the abbreviations the plan uses, their definitions, and the form to
//! define or change one.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::form::{FormError, error_for};
use super::{Layout, Page};
use crate::app::App;
use crate::domain::{Error, FoundTerm, PlanSummary, PlanTree, Result};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new().route("/plans/{plan}/glossary", get(index).post(define))
}

/// What was typed into the definition form, or the term picked to change.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct TermForm {
    #[serde(default)]
    term: String,
    #[serde(default)]
    definition: String,
}

#[derive(Template)]
#[template(path = "glossary/index.html")]
struct IndexPage {
    layout: Layout,
    /// Whether the definition form and the "Change" links are shown.
    can_edit: bool,
    summary: PlanSummary,
    terms: Vec<FoundTerm>,
    form: TermForm,
    error: Option<FormError>,
}

impl IndexPage {
    fn error_for(&self, form: &str, field: &str) -> Option<&str> {
        error_for(self.error.as_ref(), form, field)
    }
}

fn index_page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    plan: &PlanTree,
    mut form: TermForm,
    error: Option<FormError>,
) -> IndexPage {
    let terms = plan.find_abbreviations();
    // "Change" links carry only the term: start from its current or suggested words.
    if error.is_none()
        && form.definition.is_empty()
        && let Some(found) = terms.iter().find(|t| t.term == form.term)
    {
        form.definition = found
            .definition
            .clone()
            .or_else(|| found.suggestion.map(str::to_owned))
            .unwrap_or_default();
    }
    IndexPage {
        layout: Layout::of(viewer),
        can_edit: app.may_edit_plan(&viewer.actor, &summary),
        summary,
        terms,
        form,
        error,
    }
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Query(form): Query<TermForm>,
) -> Result<Page<IndexPage>, Error> {
    let (summary, plan) = app.plan(&viewer.actor, &key).await?;
    Ok(Page(index_page(&app, &viewer, summary, &plan, form, None)))
}

async fn define(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<TermForm>,
) -> Result<Response, Error> {
    match app
        .set_glossary_definition(&viewer.actor, &key, &form.term, &form.definition)
        .await
    {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/glossary"),
            "The glossary entry has been saved.",
        )),
        Err(err) => {
            let error = FormError::from_error("glossary", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            let page = index_page(&app, &viewer, summary, &plan, form, Some(error));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
    }
}
