//! The inspection timeline: the dates, the deadlines computed in working days, what is
//! due next, and the form to record a submission, evaluation or revisit.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::form::{FormError, day, error_for, optional_text};
use super::{Layout, Page};
use crate::app::App;
use crate::domain::{
    Error, Evaluation, EventKind, PartialDate, PlanSummary, PlanTree, Result, Schedule,
    TimelineEntry, TimelineEvent,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/timeline", get(index))
        .route("/plans/{plan}/timeline/events", post(record_event))
}

/// An entry with its date in words.
struct EntryView {
    date: String,
    entry: TimelineEntry,
}

/// What was typed into the event form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct EventForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "timeline/index.html")]
struct IndexPage {
    layout: Layout,
    /// Whether the form to record an event is shown.
    can_edit: bool,
    summary: PlanSummary,
    today: String,
    schedule: Schedule,
    entries: Vec<EntryView>,
    next: Option<EntryView>,
    extra_days: Vec<String>,
    form: EventForm,
    error: Option<FormError>,
}

impl IndexPage {
    fn error_for(&self, form: &str, field: &str) -> Option<&str> {
        error_for(self.error.as_ref(), form, field)
    }

    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn kinds(&self) -> [EventKind; 5] {
        EventKind::ALL
    }
}

fn view(entry: &TimelineEntry) -> EntryView {
    EntryView {
        date: PartialDate::Day(entry.date).to_uk(),
        entry: entry.clone(),
    }
}

fn index_page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    plan: &PlanTree,
    today: time::Date,
    form: EventForm,
    error: Option<FormError>,
) -> IndexPage {
    let schedule = plan.schedule(today);
    IndexPage {
        layout: Layout::of(viewer),
        can_edit: app.may_edit_plan(&viewer.actor, &summary),
        today: PartialDate::Day(today).to_uk(),
        entries: schedule.entries.iter().map(view).collect(),
        next: schedule.next.as_ref().map(view),
        extra_days: plan
            .timeline
            .extra_bank_holidays
            .iter()
            .map(|d| PartialDate::Day(*d).to_uk())
            .collect(),
        schedule,
        form,
        error,
        summary,
    }
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<IndexPage>, Error> {
    let (summary, plan) = app.plan(&viewer.actor, &key).await?;
    Ok(Page(index_page(
        &app,
        &viewer,
        summary,
        &plan,
        app.clock().today(),
        EventForm::default(),
        None,
    )))
}

fn event_of(form: &EventForm) -> Result<TimelineEvent> {
    let kind = EventKind::from_code(&form.kind)?;
    let outcome = match (kind, form.outcome.as_str()) {
        (EventKind::Evaluation, "") => {
            return Err(Error::invalid(
                "outcome",
                "say whether the plan was judged fit for purpose",
            ));
        }
        (EventKind::Evaluation, code) => Some(Evaluation::from_code(code)?),
        _ => None,
    };
    let event = TimelineEvent {
        date: day("date", &form.date)?,
        kind,
        outcome,
        note: optional_text(&form.note),
    };
    event.validate()?;
    Ok(event)
}

async fn record_event(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<EventForm>,
) -> Result<Response, Error> {
    // Who may record is settled before the form is read.
    app.plan_to_edit(&viewer.actor, &key).await?;
    let recorded = match event_of(&form) {
        Ok(event) => app.record_timeline_event(&viewer.actor, &key, event).await,
        Err(e) => Err(e),
    };
    match recorded {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/timeline"),
            "The date has been recorded on the timeline.",
        )),
        Err(err) => {
            let error = FormError::from_error("event", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            let page = index_page(
                &app,
                &viewer,
                summary,
                &plan,
                app.clock().today(),
                form,
                Some(error),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
    }
}
