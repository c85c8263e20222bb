//! Reporting cycles: the plan's cadence, closing a cycle, and what changed since the
//! last one (or within a closed one). Everyone who may read the plan reads them; the
//! forms are for the area's admins and editors.

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{FormErrors, Layout, Page, saved, unprocessable};
use crate::app::{App, CyclesView};
use crate::domain::{
    ClosedCycle, CycleChanges, Error, PartialDate, PlanSummary, ReportingCycle, uk_date,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/cycles", get(index))
        .route("/plans/{plan}/cycles/close", get(close_check).post(close))
        .route("/plans/{plan}/cycles/settings", post(settings))
        .route("/plans/{plan}/cycles/{number}", get(show))
}

#[derive(Template)]
#[template(path = "cycle/index.html")]
struct IndexPage {
    layout: Layout,
    can_edit: bool,
    summary: PlanSummary,
    section: &'static str,
    cycle: String,
    open_from: String,
    today: String,
    closed: Vec<ClosedCycle>,
    changes: Option<CycleChanges>,
    weeks: String,
    start: String,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
struct SettingsForm {
    weeks: Option<String>,
    start: Option<String>,
}

fn index_page(
    app: &App,
    viewer: &Viewer,
    view: CyclesView,
    settings: Option<SettingsForm>,
    errors: FormErrors,
) -> IndexPage {
    let settings = settings.unwrap_or_else(|| SettingsForm {
        weeks: Some(view.running.cycle.weeks.to_string()),
        start: view.running.cycle.start.map(|d| d.to_string()),
    });
    let mut closed = view.closed;
    closed.reverse();
    IndexPage {
        layout: Layout::of(viewer),
        can_edit: app.may_edit_plan(&viewer.actor, &view.running.summary),
        section: "cycles",
        cycle: view.running.cycle.describe(),
        open_from: PartialDate::Day(view.open_from).to_uk(),
        today: PartialDate::Day(view.running.rules.today).to_uk(),
        closed,
        changes: view.since_last,
        weeks: settings.weeks.unwrap_or_default(),
        start: settings.start.unwrap_or_default(),
        errors,
        summary: view.running.summary,
    }
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<IndexPage>, Error> {
    let view = app.cycles(&viewer.actor, &key).await?;
    Ok(Page(index_page(
        &app,
        &viewer,
        view,
        None,
        FormErrors::default(),
    )))
}

/// The cycles for someone who may change them; anyone else is refused before their
/// form is looked at.
async fn editable(app: &App, viewer: &Viewer, key: &str) -> Result<CyclesView, Error> {
    let view = app.cycles(&viewer.actor, key).await?;
    app.check_may_edit_plan(&viewer.actor, &view.running.summary)?;
    Ok(view)
}

async fn close(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Response, Error> {
    let view = editable(&app, &viewer, &key).await?;
    match app.close_cycle(&viewer.actor, &key, None).await {
        Ok(cycle) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/cycles/{}", cycle.number),
            &format!(
                "Reporting cycle {} is closed and the next one has begun. Board members and scrutiny who get emails have been sent its board pack.",
                cycle.number
            ),
        )),
        Err(Error::Conflict(message)) => {
            let page = index_page(
                &app,
                &viewer,
                view,
                None,
                FormErrors::one("close-cycle", message),
            );
            Ok((axum::http::StatusCode::CONFLICT, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn settings(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, Error> {
    let view = editable(&app, &viewer, &key).await?;
    let stored = match ReportingCycle::parse(
        form.weeks.as_deref().unwrap_or_default(),
        form.start.as_deref().unwrap_or_default(),
    ) {
        Ok(cycle) => app.set_reporting_cycle(&viewer.actor, &key, cycle).await,
        Err(err) => Err(err),
    };
    match stored {
        Ok(()) => Ok(saved(
            &viewer,
            &format!("/plans/{key}/cycles"),
            "The reporting cycle has been saved.",
        )),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            Ok(unprocessable(index_page(
                &app,
                &viewer,
                view,
                Some(form),
                errors,
            )))
        }
    }
}

#[derive(Template)]
#[template(path = "cycle/show.html")]
struct ShowPage {
    layout: Layout,
    summary: PlanSummary,
    section: &'static str,
    cycle: ClosedCycle,
    previous: Option<ClosedCycle>,
    changes: CycleChanges,
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path((key, number)): Path<(String, String)>,
) -> Result<Page<ShowPage>, Error> {
    let view = app.cycle(&viewer.actor, &key, &number).await?;
    Ok(Page(ShowPage {
        layout: Layout::of(&viewer),
        section: "cycles",
        summary: view.running.summary,
        cycle: view.cycle,
        previous: view.previous,
        changes: view.changes,
    }))
}

#[derive(Template)]
#[template(path = "cycle/close.html")]
struct CloseCheckPage {
    layout: Layout,
    summary: PlanSummary,
    this: crate::app::ThisCycle,
    from: String,
    planned: String,
    today: String,
}

/// Check before closing: the period, the planned close date and who has not updated.
async fn close_check(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<CloseCheckPage>, Error> {
    let this = app.this_cycle(&viewer.actor, &key).await?;
    Ok(Page(CloseCheckPage {
        layout: Layout::of(&viewer),
        summary: this.running.summary.clone(),
        from: uk_date(this.cycle.0),
        planned: uk_date(this.cycle.1),
        today: uk_date(this.running.rules.today),
        this,
    }))
}
