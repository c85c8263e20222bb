//! An action's page: what, who, when, ratings with the day each was set, milestones (with
//! a form to mark one done), the add-update form, and the history timeline. Also the
//! due-date change form and evidence downloads. The forms show only to those the app
//! would let use them; the app checks again.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, FromRequest as _, Multipart, Request, State};
use axum::http::header;
use axum::response::Response;
use axum::routing::{get, post};
use time::Date;
use time::macros::format_description;
use tower_http::limit::RequestBodyLimitLayer;

use super::plan::due_view;
use super::{FormErrors, Layout, Page, saved, unprocessable};
use crate::app::{ActionPage, App, MyActionStatus, ProgressReport};
use crate::domain::{
    ActionFlag, Error, HistoryEntry, MAX_EVIDENCE_BYTES, MilestoneId, NewDueChange, NewEvidence,
    OwnerName, PartialDate, PlanSummary, RatingTag, Role,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

/// The update form's body: the file, the fields, and room for multipart framing.
const UPDATE_BODY_LIMIT: usize = MAX_EVIDENCE_BYTES + 1024 * 1024;

/// The add-update form, with its own body limit for the evidence file: the rest of the
/// app takes far less.
pub fn upload_router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/actions/{action}/updates", post(add_update))
        .layer(DefaultBodyLimit::max(UPDATE_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPDATE_BODY_LIMIT))
}

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/actions/{action}", get(show))
        .route(
            "/plans/{plan}/actions/{action}/milestones/{milestone}/done",
            post(milestone_done),
        )
        .route(
            "/plans/{plan}/actions/{action}/due",
            get(due_form).post(change_due),
        )
        .route("/plans/{plan}/evidence/{evidence}", get(evidence))
}

struct MilestoneView {
    id: i64,
    text: String,
    due: String,
    done: Option<String>,
}

/// A current rating and the day it was last set.
struct CurrentRating {
    tag: RatingTag,
    set_on: Option<String>,
}

/// A level offered in a dimension's radios.
struct LevelChoice {
    code: String,
    label: String,
    meaning: String,
    checked: bool,
}

/// One dimension's radios.
struct DimensionChoice {
    key: String,
    label: String,
    levels: Vec<LevelChoice>,
    unchanged: bool,
}

/// A milestone offered as done by this update.
struct MilestoneChoice {
    id: i64,
    text: String,
    checked: bool,
}

/// What the update form holds: empty at first, what was typed after a problem.
#[derive(Default)]
struct UpdateForm {
    /// "Save and go to your next action" was pressed.
    then_next: bool,
    narrative: String,
    ratings: BTreeMap<String, String>,
    link: String,
    milestones: Vec<i64>,
    file_name: Option<String>,
    file: Vec<u8>,
}

#[derive(Template)]
#[template(path = "action/show.html")]
#[expect(
    clippy::struct_excessive_bools,
    reason = "what the asker may do, each showing or hiding one part of the page"
)]
struct ShowPage {
    layout: Layout,
    /// The asker owns actions: offer "Save and go to your next action".
    owns_actions: bool,
    can_record: bool,
    can_edit: bool,
    can_audit: bool,
    summary: PlanSummary,
    action_id: i64,
    area_number: u32,
    area_title: String,
    objective_number: String,
    objective_text: String,
    label: String,
    text: String,
    owners: Vec<OwnerName>,
    due: String,
    due_as_written: Option<String>,
    original_due: Option<String>,
    resource: Option<String>,
    ratings: Vec<CurrentRating>,
    flags: Vec<ActionFlag>,
    last_update: Option<String>,
    success_measures: Vec<String>,
    notes: Vec<String>,
    milestones: Vec<MilestoneView>,
    timeline: Vec<HistoryEntry>,
    dimensions: Vec<DimensionChoice>,
    open_milestones: Vec<MilestoneChoice>,
    narrative: String,
    link: String,
    file_was_chosen: bool,
    errors: FormErrors,
}

/// The action's rating in each dimension, with the day it was set.
fn current_ratings(page: &ActionPage) -> Vec<CurrentRating> {
    let (plan, a) = (&page.found.plan, page.found.action());
    let last_set = page.record.ratings_last_set();
    plan.rating_scheme
        .dimensions
        .iter()
        .filter_map(|d| {
            let code = a.ratings.get(&d.key)?;
            let tag = plan
                .rating_tags(&BTreeMap::from([(d.key.clone(), code.clone())]))
                .pop()?;
            Some(CurrentRating {
                tag,
                set_on: last_set.get(&d.key).map(|on| PartialDate::Day(*on).to_uk()),
            })
        })
        .collect()
}

/// Whether the asker owns actions somewhere (and so has a "next action" to go to).
fn owns_actions(viewer: &Viewer) -> bool {
    viewer.actor.user().is_some_and(|u| {
        u.grants
            .iter()
            .any(|g| g.role == Role::Owner && g.person_key.is_some())
    })
}

fn show_page(
    app: &App,
    viewer: &Viewer,
    page: &ActionPage,
    form: &UpdateForm,
    errors: FormErrors,
) -> ShowPage {
    let found = &page.found;
    let (plan, area, objective, a) = (&found.plan, found.area(), found.objective(), found.action());
    let (due, due_as_written) = due_view(a.due, a.due_from, a.due_text.as_deref());
    let state = a.state(&plan.rating_scheme, &page.rules);
    let scheme = &plan.rating_scheme;
    ShowPage {
        layout: Layout::of(viewer),
        can_record: app.may_record_progress(&viewer.actor, found),
        owns_actions: owns_actions(viewer),
        can_edit: app.may_change_due_date(&viewer.actor, found),
        can_audit: app.may_read_audit(&viewer.actor, &found.summary),
        action_id: a.id.map_or(0, |id| id.0),
        area_number: area.number,
        area_title: area.title.clone(),
        objective_number: objective.number.clone(),
        objective_text: objective.text.clone(),
        label: a.label().to_owned(),
        text: a.text.clone(),
        owners: plan.owner_names(&a.owners),
        due,
        due_as_written,
        original_due: page.record.original_due(),
        resource: a.resource.map(|r| format!("{} – {}", r.code(), r.label())),
        ratings: current_ratings(page),
        flags: state.flags(),
        last_update: state.last_update.map(|d| PartialDate::Day(d).to_uk()),
        success_measures: a.success_measures.clone(),
        notes: a.notes.clone(),
        milestones: page
            .record
            .milestones
            .iter()
            .map(|m| MilestoneView {
                id: m.id.0,
                text: m.milestone.text.clone(),
                due: due_view(m.milestone.due, None, m.milestone.due_text.as_deref()).0,
                done: m
                    .milestone
                    .done
                    .map(PartialDate::to_uk)
                    .or_else(|| m.milestone.done_text.clone()),
            })
            .collect(),
        timeline: page.record.timeline(plan),
        dimensions: scheme
            .dimensions
            .iter()
            .map(|d| {
                let chosen = form.ratings.get(&d.key);
                DimensionChoice {
                    key: d.key.clone(),
                    label: d.label.clone(),
                    unchanged: chosen.is_none(),
                    levels: scheme
                        .levels
                        .iter()
                        .filter(|l| {
                            d.levels.is_empty()
                                || d.levels.iter().any(|c| c.eq_ignore_ascii_case(&l.code))
                        })
                        .map(|l| LevelChoice {
                            checked: chosen.is_some_and(|c| c.eq_ignore_ascii_case(&l.code)),
                            code: l.code.clone(),
                            label: l.label.clone(),
                            meaning: l.meaning.clone(),
                        })
                        .collect(),
                }
            })
            .collect(),
        open_milestones: page
            .record
            .milestones
            .iter()
            .filter(|m| m.milestone.done.is_none())
            .map(|m| MilestoneChoice {
                id: m.id.0,
                text: m.milestone.text.clone(),
                checked: form.milestones.contains(&m.id.0),
            })
            .collect(),
        narrative: form.narrative.clone(),
        link: form.link.clone(),
        file_was_chosen: form.file_name.is_some(),
        errors,
        summary: found.summary.clone(),
    }
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
) -> Result<Page<ShowPage>, Error> {
    let page = app.action_page(&viewer.actor, &plan, &action).await?;
    Ok(Page(show_page(
        &app,
        &viewer,
        &page,
        &UpdateForm::default(),
        FormErrors::default(),
    )))
}

fn too_big() -> Error {
    Error::invalid(
        "evidence_file",
        "The selected file must be smaller than 10 MB",
    )
}

fn unreadable() -> Error {
    Error::invalid("narrative", "The form could not be read; try again")
}

impl UpdateForm {
    /// Reads the form: multipart as the page sends it (with a file), or URL-encoded
    /// from a client that sends no file. A part that cannot be read is a problem with
    /// the file.
    async fn receive(request: Request, app: &App) -> Result<Self, Error> {
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if multipart {
            let multipart = Multipart::from_request(request, app)
                .await
                .map_err(|_| too_big())?;
            return Self::read(multipart).await;
        }
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, app)
            .await
            .map_err(|_| unreadable())?;
        let mut form = Self::default();
        for (name, value) in pairs {
            form.set(&name, value);
        }
        Ok(form)
    }

    async fn read(mut multipart: Multipart) -> Result<Self, Error> {
        let mut form = Self::default();
        while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "evidence_file" {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                if !file_name.is_empty() {
                    form.file_name = Some(file_name);
                    form.file = bytes.to_vec();
                }
                continue;
            }
            let value = field.text().await.map_err(|_| unreadable())?;
            form.set(&name, value);
        }
        Ok(form)
    }

    /// One text field as typed; fields the form does not have are ignored.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "narrative" => self.narrative = value,
            "then" => self.then_next = value == "next",
            "evidence_link" => self.link = value,
            "milestones" => {
                if let Ok(id) = value.trim().parse() {
                    self.milestones.push(id);
                }
            }
            _ => {
                if let Some(dimension) = name.strip_prefix("rating-")
                    && !value.trim().is_empty()
                {
                    self.ratings
                        .insert(dimension.to_owned(), value.trim().to_owned());
                }
            }
        }
    }

    /// The report to record; evidence is checked here, the rest by the app.
    fn report(&self) -> Result<ProgressReport, Error> {
        let mut evidence = Vec::new();
        if let Some(name) = &self.file_name {
            evidence.push(NewEvidence::file(name, self.file.clone())?);
        }
        if !self.link.trim().is_empty() {
            evidence.push(NewEvidence::link(&self.link)?);
        }
        Ok(ProgressReport {
            author: None,
            narrative: self.narrative.clone(),
            ratings: self.ratings.clone(),
            evidence,
            milestones_done: self.milestones.iter().map(|id| MilestoneId(*id)).collect(),
        })
    }
}

/// Post/Redirect/Get: the update is recorded and the history shown, or the form comes
/// back with the problem and what was typed (a chosen file must be chosen again). Who may
/// record is checked before the form's problems are shown, so a form problem never
/// tells someone who may not record more than a refusal would.
async fn add_update(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
    request: Request,
) -> Result<Response, Error> {
    let page = app.action_page(&viewer.actor, &plan, &action).await?;
    app.check_may_record_progress(&viewer.actor, &page.found)?;
    let form = match UpdateForm::receive(request, &app).await {
        Ok(form) => form,
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            return Ok(unprocessable(show_page(
                &app,
                &viewer,
                &page,
                &UpdateForm::default(),
                errors,
            )));
        }
    };
    let recorded = match form.report() {
        Ok(report) => {
            app.record_progress(&viewer.actor, &plan, &action, report)
                .await
        }
        Err(err) => Err(err),
    };
    let label = page.found.action().label().to_owned();
    let public = if page.found.summary.published {
        " It is on the published plan now."
    } else {
        ""
    };
    match recorded {
        Ok(_) if form.then_next => {
            let to = next_action(&app, &viewer, &action).await?;
            let then = if to == "/" {
                " You have no more actions needing an update this cycle."
            } else {
                " This is your next action needing an update."
            };
            Ok(saved(
                &viewer,
                &to,
                &format!("Your update on action {label} has been saved.{public}{then}"),
            ))
        }
        Ok(_) => Ok(saved(
            &viewer,
            &format!("/plans/{plan}/actions/{action}#history"),
            &format!(
                "Your update on action {label} has been saved.{public} It is at the top of the history below."
            ),
        )),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            Ok(unprocessable(show_page(
                &app, &viewer, &page, &form, errors,
            )))
        }
    }
}

/// Where "Save and go to your next action" leads: the owner's first action that is
/// overdue or needs an update this cycle, other than the one just saved, or their task
/// list when there is none.
async fn next_action(app: &App, viewer: &Viewer, saved: &str) -> Result<String, Error> {
    let next = app
        .my_actions(&viewer.actor)
        .await?
        .into_iter()
        .find_map(|plan| {
            plan.actions
                .iter()
                .find(|a| {
                    a.action_id.to_string() != saved
                        && matches!(
                            a.status,
                            MyActionStatus::Overdue | MyActionStatus::NeedsUpdate
                        )
                })
                .map(|a| {
                    format!(
                        "/plans/{}/actions/{}#add-update",
                        plan.summary.slug, a.action_id
                    )
                })
        });
    Ok(next.unwrap_or_else(|| "/".to_owned()))
}

#[derive(serde::Deserialize)]
struct DoneForm {
    done_on: Option<String>,
}

fn iso_date(field: &str, raw: Option<&str>) -> Result<Option<Date>, Error> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => Date::parse(raw, format_description!("[year]-[month]-[day]"))
            .map(Some)
            .map_err(|_| Error::invalid(field, "Enter a real date, like 2025-03-31")),
    }
}

async fn milestone_done(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action, milestone)): Path<(String, String, i64)>,
    Form(form): Form<DoneForm>,
) -> Result<Response, Error> {
    let page = app.action_page(&viewer.actor, &plan, &action).await?;
    app.check_may_record_progress(&viewer.actor, &page.found)?;
    let done = match iso_date("done_on", form.done_on.as_deref()) {
        Ok(on) => {
            app.complete_milestone(&viewer.actor, &plan, &action, MilestoneId(milestone), on)
                .await
        }
        Err(err) => Err(err),
    };
    match done {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{plan}/actions/{action}#milestone-list"),
            "The milestone has been updated.",
        )),
        Err(err) => {
            let FormErrors(problems) = FormErrors::from_error(err)?;
            let message = problems
                .into_iter()
                .next()
                .map(|(_, m)| m)
                .unwrap_or_default();
            let errors = FormErrors::one(format!("done-on-{milestone}"), message);
            Ok(unprocessable(show_page(
                &app,
                &viewer,
                &page,
                &UpdateForm::default(),
                errors,
            )))
        }
    }
}

#[derive(Template)]
#[template(path = "action/due.html")]
struct DuePage {
    layout: Layout,
    summary: PlanSummary,
    action_id: i64,
    label: String,
    text: String,
    current_due: String,
    due: String,
    reason: String,
    approved_by: String,
    /// Whether to ask for confirmation of a due date in the past.
    confirm_past: bool,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
struct DueForm {
    due: Option<String>,
    reason: Option<String>,
    approved_by: Option<String>,
    /// `yes` once the person has confirmed a due date in the past.
    confirm_past: Option<String>,
}

fn due_page(viewer: &Viewer, page: &ActionPage, form: DueForm, errors: FormErrors) -> DuePage {
    let a = page.found.action();
    DuePage {
        layout: Layout::of(viewer),
        summary: page.found.summary.clone(),
        action_id: a.id.map_or(0, |id| id.0),
        label: a.label().to_owned(),
        text: a.text.clone(),
        current_due: due_view(a.due, a.due_from, a.due_text.as_deref()).0,
        due: form.due.unwrap_or_default(),
        reason: form.reason.unwrap_or_default(),
        approved_by: form.approved_by.unwrap_or_default(),
        confirm_past: errors.get("confirm_past").is_some(),
        errors,
    }
}

/// The action page for someone who may move its due date; anyone else is refused.
async fn due_action(
    app: &App,
    viewer: &Viewer,
    plan: &str,
    action: &str,
) -> Result<ActionPage, Error> {
    let page = app.action_page(&viewer.actor, plan, action).await?;
    app.check_may_edit_plan(&viewer.actor, &page.found.summary)?;
    Ok(page)
}

async fn due_form(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
) -> Result<Page<DuePage>, Error> {
    let page = due_action(&app, &viewer, &plan, &action).await?;
    Ok(Page(due_page(
        &viewer,
        &page,
        DueForm::default(),
        FormErrors::default(),
    )))
}

async fn change_due(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
    Form(form): Form<DueForm>,
) -> Result<Response, Error> {
    let page = due_action(&app, &viewer, &plan, &action).await?;
    let (due, reason, approved_by) = (
        form.due.as_deref().unwrap_or_default(),
        form.reason.as_deref().unwrap_or_default(),
        form.approved_by.as_deref().unwrap_or_default(),
    );
    let mut problems: Vec<(String, String)> = NewDueChange::problems(due, reason, approved_by)
        .into_iter()
        .map(|(field, message)| (field.to_owned(), message))
        .collect();
    if let Ok(change) = NewDueChange::parse(due, reason, approved_by) {
        let today = app.clock().today();
        if change.due.by.last_day() < today && form.confirm_past.as_deref() != Some("yes") {
            problems.push((
                "confirm_past".to_owned(),
                format!(
                    "The new due date, {}, is in the past. Check it, or confirm it is right",
                    change.due.by.to_uk()
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Ok(unprocessable(due_page(
            &viewer,
            &page,
            form,
            FormErrors(problems),
        )));
    }
    let changed = match NewDueChange::parse(due, reason, approved_by) {
        Ok(change) => {
            app.change_due_date(&viewer.actor, &plan, &action, change, None)
                .await
        }
        Err(err) => Err(err),
    };
    match changed {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{plan}/actions/{action}#history"),
            &format!(
                "The due date of action {} has been changed. The change and its reason are in the history below.",
                page.found.action().label()
            ),
        )),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            Ok(unprocessable(due_page(&viewer, &page, form, errors)))
        }
    }
}

/// An evidence file, always as a download with a type chosen from its name, for
/// whoever may read the plan.
async fn evidence(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, evidence)): Path<(String, String)>,
) -> Result<Response, Error> {
    let file = app.evidence_file(&viewer.actor, &plan, &evidence).await?;
    Ok(crate::web::stored_file_response(&file.name, file.bytes))
}
