//! A plan's reminders: when owners are reminded before the open cycle closes, who would
//! be emailed today and what, sending them now, and the runs so far. For the plan's
//! admins and editors.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{FormErrors, Layout, Page, see_other, unprocessable};
use crate::app::App;
use crate::domain::{Error, PlanSummary, ReminderSettings, ReminderStage, uk_date, uk_instant};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/reminders", get(index).post(save))
        .route("/plans/{plan}/reminders/send", post(send))
}

struct PreviewRow {
    to: String,
    subject: String,
    text: String,
}

struct RunRow {
    when: String,
    cycle_from: String,
    stage: &'static str,
    messages: i64,
}

#[derive(Template)]
#[template(path = "cycle/reminders.html")]
struct RemindersPage {
    layout: Layout,
    summary: PlanSummary,
    section: &'static str,
    days_before: String,
    on_closing_day: bool,
    cycle_from: String,
    closes_on: String,
    remind_on: String,
    preview: Vec<PreviewRow>,
    runs: Vec<RunRow>,
    errors: FormErrors,
    done: Option<String>,
}

async fn page(
    app: &App,
    viewer: &Viewer,
    key: &str,
    form: Option<SettingsForm>,
    errors: FormErrors,
) -> Result<RemindersPage, Error> {
    let view = app.reminders(&viewer.actor, key).await?;
    let preview = app
        .remind(&viewer.actor, key, ReminderStage::Manual, true)
        .await?;
    let form = form.unwrap_or_else(|| SettingsForm {
        days_before: view.settings.days_before.to_string(),
        on_closing_day: view.settings.on_closing_day.then(|| "yes".to_owned()),
    });
    Ok(RemindersPage {
        layout: Layout::of(viewer),
        section: "cycles",
        days_before: form.days_before,
        on_closing_day: form.on_closing_day.is_some(),
        cycle_from: uk_date(view.cycle.0),
        closes_on: uk_date(view.cycle.1),
        remind_on: uk_date(view.remind_on),
        preview: preview
            .messages
            .into_iter()
            .map(|m| PreviewRow {
                to: m.to,
                subject: m.subject,
                text: m.text,
            })
            .collect(),
        runs: view
            .runs
            .into_iter()
            .map(|r| RunRow {
                when: uk_instant(r.created_at),
                cycle_from: uk_date(r.cycle_from),
                stage: match r.stage.as_str() {
                    "reminder" => "Reminder before the close",
                    "closing_day" => "Closing-day follow-up",
                    _ => "Sent by hand",
                },
                messages: r.messages,
            })
            .collect(),
        summary: preview.plan,
        errors,
        done: None,
    })
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Page<RemindersPage>, Error> {
    let mut page = page(&app, &viewer, &key, None, FormErrors::default()).await?;
    page.done = match query.done.as_deref() {
        Some("saved") => Some("The reminder settings have been saved.".to_owned()),
        Some("sent") => Some(
            "The reminders have been written to the outbox, and will be emailed shortly."
                .to_owned(),
        ),
        _ => None,
    };
    Ok(Page(page))
}

#[derive(Deserialize, Default)]
struct SettingsForm {
    #[serde(default)]
    days_before: String,
    on_closing_day: Option<String>,
}

async fn save(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, Error> {
    // Refuse anyone who may not change the plan before looking at the form.
    app.reminders(&viewer.actor, &key).await?;
    let saved = match ReminderSettings::parse(&form.days_before, form.on_closing_day.is_some()) {
        Ok(settings) => {
            app.set_reminder_settings(&viewer.actor, &key, settings)
                .await
        }
        Err(err) => Err(err),
    };
    match saved {
        Ok(()) => Ok(see_other(&format!("/plans/{key}/reminders?done=saved"))),
        Err(err) => {
            let errors = FormErrors::from_error(err)?;
            Ok(unprocessable(
                page(&app, &viewer, &key, Some(form), errors).await?,
            ))
        }
    }
}

async fn send(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Response, Error> {
    app.remind(&viewer.actor, &key, ReminderStage::Manual, false)
        .await?;
    Ok(see_other(&format!("/plans/{key}/reminders?done=sent")))
}
