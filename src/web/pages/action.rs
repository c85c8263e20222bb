//! An action's page: what, who, when, ratings, milestones and the history of updates.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use super::plan::due_view;
use super::{FormErrors, Layout, Page};
use crate::app::{ActionInPlan, App, NewUpdate};
use crate::domain::{Error, OwnerName, PartialDate, PlanSummary, RatingTag};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/actions/{action}", get(show))
        .route("/plans/{plan}/actions/{action}/updates", post(record))
}

/// One rating question on the progress form: a dimension and the levels it allows.
struct RatingField {
    key: String,
    label: String,
    options: Vec<(String, String)>,
    chosen: String,
}

/// The progress form as typed, so a problem shows it again unchanged.
#[derive(Default)]
struct UpdateForm {
    day: String,
    month: String,
    year: String,
    narrative: String,
    ratings: BTreeMap<String, String>,
}

struct MilestoneView {
    text: String,
    due: String,
    done: Option<String>,
}

struct UpdateView {
    date: String,
    author: Option<String>,
    narrative: String,
    ratings: Vec<RatingTag>,
}

#[derive(Template)]
#[template(path = "action/show.html")]
struct ShowPage {
    layout: Layout,
    can_record: bool,
    can_audit: bool,
    action_id: i64,
    rating_fields: Vec<RatingField>,
    form: UpdateForm,
    errors: FormErrors,
    summary: PlanSummary,
    area_number: u32,
    area_title: String,
    objective_number: String,
    objective_text: String,
    label: String,
    text: String,
    owners: Vec<OwnerName>,
    due: String,
    due_as_written: Option<String>,
    resource: Option<String>,
    ratings: Vec<RatingTag>,
    success_measures: Vec<String>,
    notes: Vec<String>,
    milestones: Vec<MilestoneView>,
    updates: Vec<UpdateView>,
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
) -> Result<Page<ShowPage>, Error> {
    let found = app.action(&viewer.actor, &plan, &action).await?;
    Ok(Page(show_page(
        &app,
        &viewer,
        &found,
        UpdateForm::default(),
        FormErrors::default(),
    )))
}

/// Records progress (Post/Redirect/Get); a problem shows the action page again with the
/// form as typed and the problem named.
async fn record(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let mut form = UpdateForm::default();
    for (name, value) in fields {
        match name.as_str() {
            "date-day" => form.day = value,
            "date-month" => form.month = value,
            "date-year" => form.year = value,
            "narrative" => form.narrative = value,
            other => {
                if let Some(key) = other.strip_prefix("rating-")
                    && !value.is_empty()
                {
                    form.ratings.insert(key.to_owned(), value);
                }
            }
        }
    }
    let recorded = match parse_date(&form.day, &form.month, &form.year) {
        Ok(date) => {
            app.record_update(
                &viewer.actor,
                &plan,
                &action,
                NewUpdate {
                    date,
                    author: None,
                    narrative: form.narrative.clone(),
                    ratings: form.ratings.clone(),
                },
            )
            .await
        }
        Err(err) => {
            // Check the person may record here before showing them a form problem.
            let found = app.action(&viewer.actor, &plan, &action).await?;
            if !app.may_record_progress(&viewer.actor, &found) {
                return Err(match viewer.actor {
                    crate::domain::Actor::Public => Error::Unauthorized,
                    _ => Error::Forbidden,
                });
            }
            Err(err)
        }
    };
    match recorded {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{plan}/actions/{action}")).into_response()),
        Err(Error::Invalid { field, message }) => {
            let found = app.action(&viewer.actor, &plan, &action).await?;
            let field = match field.as_str() {
                "date" => "date".to_owned(),
                "narrative" => "narrative".to_owned(),
                _ => found
                    .plan
                    .rating_scheme
                    .dimensions
                    .first()
                    .map_or_else(|| "narrative".to_owned(), |d| format!("rating-{}", d.key)),
            };
            let page = show_page(&app, &viewer, &found, form, FormErrors::one(field, message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}

/// A date typed into the GOV.UK date input's three boxes.
fn parse_date(day: &str, month: &str, year: &str) -> Result<time::Date, Error> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(Error::invalid("date", "Enter the date of the update"));
    }
    let number = |raw: &str| raw.parse::<i32>().ok();
    let date = match (number(day), number(month), number(year)) {
        (Some(d), Some(m), Some(y)) if (1900..=9999).contains(&y) => u8::try_from(m)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .zip(u8::try_from(d).ok())
            .and_then(|(m, d)| time::Date::from_calendar_date(y, m, d).ok()),
        _ => None,
    };
    date.ok_or_else(|| {
        Error::invalid(
            "date",
            "Date of the update must be a real date, like 27 3 2020",
        )
    })
}

fn show_page(
    app: &App,
    viewer: &Viewer,
    found: &ActionInPlan,
    form: UpdateForm,
    errors: FormErrors,
) -> ShowPage {
    let (area, objective, a) = (found.area(), found.objective(), found.action());
    let (due, due_as_written) = due_view(a.due, a.due_from, a.due_text.as_deref());
    let scheme = &found.plan.rating_scheme;
    let rating_fields = scheme
        .dimensions
        .iter()
        .map(|d| RatingField {
            key: d.key.clone(),
            label: d.label.clone(),
            options: scheme
                .levels
                .iter()
                .filter(|l| d.levels.is_empty() || d.levels.iter().any(|c| c == &l.code))
                .map(|l| {
                    (
                        l.code.clone(),
                        format!("{} – {}: {}", l.code, l.label, l.meaning),
                    )
                })
                .collect(),
            chosen: form.ratings.get(&d.key).cloned().unwrap_or_default(),
        })
        .collect();
    ShowPage {
        layout: Layout::of(viewer),
        can_record: app.may_record_progress(&viewer.actor, found),
        can_audit: app.may_read_audit(&viewer.actor, &found.summary),
        action_id: a.id.map_or(0, |id| id.0),
        rating_fields,
        form,
        errors,
        area_number: area.number,
        area_title: area.title.clone(),
        objective_number: objective.number.clone(),
        objective_text: objective.text.clone(),
        label: a.label().to_owned(),
        text: a.text.clone(),
        owners: found.plan.owner_names(&a.owners),
        due,
        due_as_written,
        resource: a.resource.map(|r| format!("{} – {}", r.code(), r.label())),
        ratings: found.plan.rating_tags(&a.ratings),
        success_measures: a.success_measures.clone(),
        notes: a.notes.clone(),
        milestones: a
            .milestones
            .iter()
            .map(|m| MilestoneView {
                text: m.text.clone(),
                due: due_view(m.due, None, m.due_text.as_deref()).0,
                done: m
                    .done
                    .map(PartialDate::to_uk)
                    .or_else(|| m.done_text.clone()),
            })
            .collect(),
        updates: a
            .updates
            .iter()
            .rev()
            .map(|u| UpdateView {
                date: PartialDate::Day(u.date).to_uk(),
                author: u.author.as_ref().map(|key| {
                    found.plan.owner_names(std::slice::from_ref(key))[0]
                        .display()
                        .to_owned()
                }),
                narrative: u.narrative.clone(),
                ratings: found.plan.rating_tags(&u.ratings),
            })
            .collect(),
        summary: found.summary.clone(),
    }
}
