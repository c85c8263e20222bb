//! Importing a plan from the browser: upload a document, see what was read (the tree, the
//! counts, the warnings, every passage not mapped and the role given to each column of
//! its tables), change any column's role and see it read again, then confirm to store it.
//! For signed-in admins and editors; the app decides who may store which plan.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

use super::plan::due_view;
use super::{FormErrors, Layout, Page, unprocessable};
use crate::app::{App, ImportPreview, RememberedLayout};
use crate::documents::{
    ColumnChoices, ColumnPick, ColumnRole, Counts, Finding, MAX_DOCUMENT_BYTES, TableColumns,
};
use crate::domain::{Error, OwnerName, RatingTag};
use crate::web::extract::Path;
use crate::web::session::{SignedIn, Viewer};

/// Room for the multipart framing around the largest document accepted.
const MAX_UPLOAD_BYTES: usize = MAX_DOCUMENT_BYTES + 64 * 1024;

/// The import routes, with their own body limit: the rest of the app takes far less.
pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/import", get(new_form).post(upload))
        .route("/plans/import/{id}", get(preview))
        .route("/plans/import/{id}/confirm", post(confirm))
        .route("/plans/import/{id}/columns", post(choose_columns))
        .route("/plans/import/layouts/{id}/forget", post(forget_layout))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
}

#[derive(Template)]
#[template(path = "plan/import.html")]
struct UploadPage {
    layout: Layout,
    /// The local areas the person may import plans for.
    areas: Vec<String>,
    /// The column choices remembered for those areas.
    layouts: Vec<LayoutView>,
    /// A remembered layout was just forgotten.
    forgotten: bool,
    problem: Option<String>,
}

/// A remembered layout, as its area's admins and editors see it.
struct LayoutView {
    id: i64,
    area: String,
    /// The (normalised) headings that make the layout.
    headings: String,
    /// Each chosen column with its role: "who will lead: owners".
    choices: Vec<String>,
    chosen_by: String,
    when: String,
}

impl From<RememberedLayout> for LayoutView {
    fn from(l: RememberedLayout) -> Self {
        let format = time::macros::format_description!(
            "[day padding:none] [month repr:long] [year], [hour]:[minute] UTC"
        );
        let choices = ColumnChoices::parse(&l.columns).map_or_else(
            |_| vec![l.columns.clone()],
            |c| {
                c.to_spec()
                    .split(';')
                    .map(|pair| pair.replacen('=', ": ", 1))
                    .collect()
            },
        );
        Self {
            id: l.import_layout_id,
            area: l.local_area,
            headings: l.signature.split('|').collect::<Vec<_>>().join(", "),
            choices,
            chosen_by: l.chosen_by,
            when: l
                .updated_at
                .to_offset(time::UtcOffset::UTC)
                .format(&format)
                .unwrap_or_default(),
        }
    }
}

impl UploadPage {
    async fn new(app: &App, viewer: &Viewer, problem: Option<String>) -> Result<Self, Error> {
        let layouts = app.import_layouts(&viewer.actor).await?;
        Ok(Self {
            layout: Layout::of(viewer),
            areas: viewer
                .actor
                .import_areas()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            layouts: layouts.into_iter().map(LayoutView::from).collect(),
            forgotten: false,
            problem,
        })
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// The upload form: the public is sent to sign in, people who edit no area are refused.
async fn new_form(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<DoneQuery>,
) -> Result<Page<UploadPage>, Error> {
    app.may_import(&viewer.actor)?;
    let mut page = UploadPage::new(&app, &viewer, None).await?;
    page.forgotten = query.done.as_deref() == Some("forgotten");
    Ok(Page(page))
}

async fn problem(
    app: &App,
    viewer: &Viewer,
    status: StatusCode,
    message: impl Into<String>,
) -> Result<Response, Error> {
    let page = UploadPage::new(app, viewer, Some(message.into())).await?;
    Ok((status, Page(page)).into_response())
}

/// Reads the upload, keeps what was read and shows it (Post/Redirect/Get). A file that
/// cannot be read shows the form again with the reason. Who may import is checked before
/// the file is read.
async fn upload(
    State(app): State<App>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, Error> {
    app.may_import(&viewer.actor)?;
    let mut document = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                return problem(&app, &viewer, err.status(), upload_failed(&err.body_text())).await;
            }
        };
        if field.name() != Some("document") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        match field.bytes().await {
            Ok(bytes) => document = Some((name, bytes)),
            Err(err) => {
                return problem(&app, &viewer, err.status(), upload_failed(&err.body_text())).await;
            }
        }
    }
    let Some((name, bytes)) = document.filter(|(name, _)| !name.is_empty()) else {
        return problem(
            &app,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Select a file to import",
        )
        .await;
    };
    match app
        .preview_import(&viewer.actor, bytes.to_vec(), &name)
        .await
    {
        Ok(preview) => Ok(Redirect::to(&format!("/plans/import/{}", preview.id)).into_response()),
        Err(Error::Invalid { field, message }) => {
            problem(
                &app,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                import_problem(&name, &field, &message),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// What went wrong with an upload, in words a programme manager can act on, with the
/// reader's own words after them when they help someone fix the file.
fn import_problem(name: &str, field: &str, message: &str) -> String {
    if field == "document" {
        message.to_owned()
    } else if message.starts_with("no plan table found") {
        format!(
            "No plan was found in {name}. Check it is the plan itself: a table or numbered list of actions with columns or headings such as Action, Lead and Deadline. Technical detail: {message}"
        )
    } else {
        format!("{name} could not be imported: it {message}")
    }
}

/// Forgets a remembered layout, then shows the upload page again saying so.
async fn forget_layout(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<i64>,
) -> Result<Redirect, Error> {
    app.forget_import_layout(&viewer.actor, id).await?;
    Ok(Redirect::to("/plans/import?done=forgotten"))
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

/// One column of a table, as the "Check the columns" form shows it.
struct ColumnRow {
    /// The select's name and id (`column-0-3`).
    field: String,
    heading: String,
    /// The monitoring period the heading names, for period columns.
    period: Option<String>,
    sample: String,
    /// The role's code, selected in the select.
    role: &'static str,
    /// What the role means, shown where there is no select.
    role_label: &'static str,
    /// Whether a person chose the role (rather than the importer reading the heading).
    chosen: bool,
}

/// A table or sheet of the document, with its columns.
struct TableRow {
    number: usize,
    location: String,
    rows: usize,
    columns: Vec<ColumnRow>,
}

impl TableRow {
    fn of(tables: &[TableColumns]) -> Vec<Self> {
        tables
            .iter()
            .enumerate()
            .map(|(t, table)| Self {
                number: t + 1,
                location: table.location.clone(),
                rows: table.rows,
                columns: table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(c, column)| ColumnRow {
                        field: ColumnPick::field(t, c),
                        heading: column.heading.clone(),
                        period: column.period.map(|p| p.to_string()),
                        sample: column.sample.clone(),
                        role: column.role.code(),
                        role_label: column.role.label(),
                        chosen: column.chosen,
                    })
                    .collect(),
            })
            .collect()
    }
}

/// Every role, as the selects offer them: code and label.
fn role_options() -> Vec<(&'static str, &'static str)> {
    ColumnRole::ALL
        .iter()
        .map(|role| (role.code(), role.label()))
        .collect()
}

#[derive(Template)]
#[template(path = "plan/import_preview.html")]
struct PreviewPage {
    layout: Layout,
    id: String,
    /// Why the plan cannot be stored by this person, shown instead of the button.
    refusal: Option<String>,
    file_name: String,
    format: String,
    local_area: String,
    title: String,
    scheme_name: String,
    counts: Counts,
    warnings: Vec<Finding>,
    unmapped: Vec<Finding>,
    areas: Vec<AreaRow>,
    /// The document's tables and their columns, for "Check the columns".
    tables: Vec<TableRow>,
    roles: Vec<(&'static str, &'static str)>,
    /// How many headings have a role a person chose.
    chosen: usize,
    /// The local area whose remembered choices were applied on upload.
    remembered_from: Option<String>,
    /// Problems with the column form.
    errors: FormErrors,
}

impl PreviewPage {
    fn new(layout: Layout, preview: ImportPreview) -> Self {
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
            layout,
            tables: TableRow::of(&preview.report.tables),
            roles: role_options(),
            chosen: preview.columns.len(),
            remembered_from: preview.remembered_from,
            errors: FormErrors::default(),
            id: preview.id,
            refusal: preview.refusal,
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

/// The preview: only the person who uploaded the file finds it.
async fn preview(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<String>,
) -> Result<Page<PreviewPage>, Error> {
    let preview = app.pending_import(&viewer.actor, &id).await?;
    Ok(Page(PreviewPage::new(Layout::of(&viewer), preview)))
}

/// The column form's problem, with the selects as they were submitted.
fn with_problem(mut page: PreviewPage, errors: FormErrors, picks: &[ColumnPick]) -> PreviewPage {
    for pick in picks {
        if let Some(column) = page
            .tables
            .get_mut(pick.table)
            .and_then(|t| t.columns.get_mut(pick.column))
        {
            column.role = pick.role.code();
        }
    }
    page.errors = errors;
    page
}

/// Reads the column form: each select (`column-T-C`) and the role picked in it. A role
/// the page does not offer is refused, naming its select.
fn picks_of(fields: &[(String, String)]) -> Result<Vec<ColumnPick>, Error> {
    let mut picks = Vec::new();
    for (name, value) in fields {
        let Some((table, column)) = ColumnPick::parse_field(name) else {
            continue;
        };
        let Some(role) = ColumnRole::ALL.into_iter().find(|r| r.code() == value) else {
            return Err(Error::invalid(
                name.clone(),
                format!(
                    "Choose one of the roles listed for column {} of table {}",
                    column + 1,
                    table + 1
                ),
            ));
        };
        picks.push(ColumnPick {
            table,
            column,
            role,
        });
    }
    Ok(picks)
}

/// Reads the document again with the roles picked (or, with `reset`, with none: the
/// importer's own reading), then shows the preview again (Post/Redirect/Get). Only the
/// previewer finds the import; a pick the page did not offer, or roles the document
/// cannot be read with, show the preview again with the problem (422).
async fn choose_columns(
    State(app): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let preview = app.pending_import(&viewer.actor, &id).await?;
    let reset = fields.iter().any(|(name, _)| name == "reset");
    let (picks, chosen) = if reset {
        (Vec::new(), Ok(ColumnChoices::default()))
    } else {
        match picks_of(&fields) {
            Ok(picks) => {
                let chosen = preview.columns.with_picks(&preview.report.tables, &picks);
                (picks, chosen)
            }
            Err(err) => (Vec::new(), Err(err)),
        }
    };
    let outcome = match chosen {
        Ok(choices) => app.choose_columns(&viewer.actor, &id, &choices).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/plans/import/{id}")).into_response()),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            let page = PreviewPage::new(Layout::of(&viewer), preview);
            Ok(unprocessable(with_problem(page, errors, &picks)))
        }
    }
}

/// Stores the previewed plan, then shows it.
async fn confirm(
    State(app): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let stored = app.confirm_import(&viewer.actor, &id).await?;
    Ok(super::saved(
        &viewer,
        &format!("/plans/{}", stored.slug),
        &format!(
            "{} has been imported. Your home page, This cycle, lists the steps to set it up: owners, due dates, invitations, the reporting cycle and publishing.",
            stored.title
        ),
    ))
}
