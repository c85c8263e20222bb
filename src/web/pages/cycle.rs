//! Reporting cycles: the plan's cadence, closing a cycle, and what changed since the
//! last one (or within a closed one).

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{Page, Problem, see_other, unprocessable};
use crate::app::{App, CyclesView};
use crate::domain::{ClosedCycle, CycleChanges, Error, PartialDate, PlanSummary, ReportingCycle};
use crate::web::extract::Path;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/cycles", get(index))
        .route("/plans/{plan}/cycles/close", post(close))
        .route("/plans/{plan}/cycles/settings", post(settings))
        .route("/plans/{plan}/cycles/{number}", get(show))
}

#[derive(Template)]
#[template(path = "cycle/index.html")]
struct IndexPage {
    summary: PlanSummary,
    section: &'static str,
    cycle: String,
    open_from: String,
    today: String,
    closed: Vec<ClosedCycle>,
    changes: Option<CycleChanges>,
    weeks: String,
    start: String,
    closed_by: String,
    problem: Problem,
}

#[derive(serde::Deserialize, Default)]
struct SettingsForm {
    weeks: Option<String>,
    start: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct CloseForm {
    closed_by: Option<String>,
}

fn index_page(view: CyclesView, settings: Option<SettingsForm>, problem: Problem) -> IndexPage {
    let settings = settings.unwrap_or_else(|| SettingsForm {
        weeks: Some(view.running.cycle.weeks.to_string()),
        start: view.running.cycle.start.map(|d| d.to_string()),
    });
    let mut closed = view.closed;
    closed.reverse();
    IndexPage {
        section: "cycles",
        cycle: view.running.cycle.describe(),
        open_from: PartialDate::Day(view.open_from).to_uk(),
        today: PartialDate::Day(view.running.rules.today).to_uk(),
        closed,
        changes: view.since_last,
        weeks: settings.weeks.unwrap_or_default(),
        start: settings.start.unwrap_or_default(),
        closed_by: String::new(),
        problem,
        summary: view.running.summary,
    }
}

async fn index(State(app): State<App>, Path(key): Path<String>) -> Result<Page<IndexPage>, Error> {
    let view = app.cycles(&key).await?;
    Ok(Page(index_page(view, None, Problem::none())))
}

async fn close(
    State(app): State<App>,
    Path(key): Path<String>,
    Form(form): Form<CloseForm>,
) -> Result<Response, Error> {
    match app.close_cycle(&key, form.closed_by).await {
        Ok(cycle) => Ok(see_other(&format!("/plans/{key}/cycles/{}", cycle.number))),
        Err(Error::Conflict(message)) => {
            let view = app.cycles(&key).await?;
            let page = index_page(view, None, Problem::with("close-cycle", message));
            Ok((axum::http::StatusCode::CONFLICT, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn settings(
    State(app): State<App>,
    Path(key): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, Error> {
    let saved = match ReportingCycle::parse(
        form.weeks.as_deref().unwrap_or_default(),
        form.start.as_deref().unwrap_or_default(),
    ) {
        Ok(cycle) => app.set_reporting_cycle(&key, cycle).await,
        Err(err) => Err(err),
    };
    match saved {
        Ok(()) => Ok(see_other(&format!("/plans/{key}/cycles"))),
        Err(err) => {
            let problem = Problem::from_error(err)?;
            let view = app.cycles(&key).await?;
            Ok(unprocessable(index_page(view, Some(form), problem)))
        }
    }
}

#[derive(Template)]
#[template(path = "cycle/show.html")]
struct ShowPage {
    summary: PlanSummary,
    section: &'static str,
    cycle: ClosedCycle,
    previous: Option<ClosedCycle>,
    changes: CycleChanges,
}

async fn show(
    State(app): State<App>,
    Path((key, number)): Path<(String, String)>,
) -> Result<Page<ShowPage>, Error> {
    let view = app.cycle(&key, &number).await?;
    Ok(Page(ShowPage {
        section: "cycles",
        summary: view.running.summary,
        cycle: view.cycle,
        previous: view.previous,
        changes: view.changes,
    }))
}
