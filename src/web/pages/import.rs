//! Importing a plan from the browser: upload a document, see what was read (the tree, the
//! counts, the warnings and every passage not mapped), then confirm to store it.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;

use super::Page;
use super::plan::due_view;
use crate::app::{App, ImportPreview};
use crate::documents::{Counts, Finding, MAX_DOCUMENT_BYTES};
use crate::domain::{Error, OwnerName, RatingTag};
use crate::web::extract::Path;

/// Room for the multipart framing around the largest document accepted.
const MAX_UPLOAD_BYTES: usize = MAX_DOCUMENT_BYTES + 64 * 1024;

/// The import routes, with their own body limit: the rest of the app takes far less.
pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/import", get(new_form).post(upload))
        .route("/plans/import/{id}", get(preview))
        .route("/plans/import/{id}/confirm", post(confirm))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
}

#[derive(Template, Default)]
#[template(path = "plan/import.html")]
struct UploadPage {
    problem: Option<String>,
}

async fn new_form() -> Page<UploadPage> {
    Page(UploadPage::default())
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Page(UploadPage {
            problem: Some(message.into()),
        }),
    )
        .into_response()
}

/// Reads the upload, keeps what was read and shows it (Post/Redirect/Get). A file that
/// cannot be read shows the form again with the reason.
async fn upload(State(app): State<App>, mut form: Multipart) -> Result<Response, Error> {
    let mut document = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return Ok(problem(err.status(), upload_failed(&err.body_text()))),
        };
        if field.name() != Some("document") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        match field.bytes().await {
            Ok(bytes) => document = Some((name, bytes)),
            Err(err) => return Ok(problem(err.status(), upload_failed(&err.body_text()))),
        }
    }
    let Some((name, bytes)) = document.filter(|(name, _)| !name.is_empty()) else {
        return Ok(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Select a file to import",
        ));
    };
    match app.preview_import(bytes.to_vec(), &name).await {
        Ok(preview) => Ok(Redirect::to(&format!("/plans/import/{}", preview.id)).into_response()),
        Err(Error::Invalid { message, .. }) => Ok(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{name} could not be imported: it {message}"),
        )),
        Err(other) => Err(other),
    }
}

fn upload_failed(reason: &str) -> String {
    if reason.contains("length limit") || reason.contains("too large") {
        format!(
            "The file is larger than {} MB",
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        )
    } else {
        format!("The file could not be uploaded: {reason}")
    }
}

struct MilestoneRow {
    text: String,
    due: String,
}

struct ActionRow {
    label: String,
    text: String,
    owners: Vec<OwnerName>,
    due: String,
    ratings: Vec<RatingTag>,
    milestones: Vec<MilestoneRow>,
    measures: usize,
    notes: usize,
}

struct ObjectiveRow {
    number: String,
    text: String,
    actions: Vec<ActionRow>,
}

struct AreaRow {
    number: u32,
    title: String,
    heading: Option<String>,
    objectives: Vec<ObjectiveRow>,
}

#[derive(Template)]
#[template(path = "plan/import_preview.html")]
struct PreviewPage {
    id: String,
    file_name: String,
    format: String,
    local_area: String,
    title: String,
    scheme_name: String,
    counts: Counts,
    warnings: Vec<Finding>,
    unmapped: Vec<Finding>,
    areas: Vec<AreaRow>,
}

impl From<ImportPreview> for PreviewPage {
    fn from(preview: ImportPreview) -> Self {
        let plan = &preview.plan;
        let areas = plan
            .areas
            .iter()
            .map(|area| AreaRow {
                number: area.number,
                title: area.title.clone(),
                heading: area.heading.clone().filter(|h| *h != area.title),
                objectives: area
                    .objectives
                    .iter()
                    .map(|objective| ObjectiveRow {
                        number: objective.number.clone(),
                        text: objective.text.clone(),
                        actions: objective
                            .actions
                            .iter()
                            .map(|action| ActionRow {
                                label: action.label().to_owned(),
                                text: action.text.clone(),
                                owners: plan.owner_names(&action.owners),
                                due: due_view(
                                    action.due,
                                    action.due_from,
                                    action.due_text.as_deref(),
                                )
                                .0,
                                ratings: plan.rating_tags(&action.ratings),
                                milestones: action
                                    .milestones
                                    .iter()
                                    .map(|m| MilestoneRow {
                                        text: m.text.clone(),
                                        due: due_view(m.due, None, m.due_text.as_deref()).0,
                                    })
                                    .collect(),
                                measures: action.success_measures.len(),
                                notes: action.notes.len(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        Self {
            id: preview.id,
            file_name: preview.file_name,
            format: preview.report.format,
            local_area: plan.local_area.clone(),
            title: plan.title.clone(),
            scheme_name: plan.rating_scheme.name.clone(),
            counts: preview.report.counts,
            warnings: preview.report.warnings,
            unmapped: preview.report.unmapped,
            areas,
        }
    }
}

async fn preview(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Page<PreviewPage>, Error> {
    Ok(Page(app.pending_import(&id).await?.into()))
}

async fn confirm(State(app): State<App>, Path(id): Path<String>) -> Result<Redirect, Error> {
    let stored = app.confirm_import(&id).await?;
    Ok(Redirect::to(&format!("/plans/{}", stored.slug)))
}
