//! An action's page: what, who, when, ratings, milestones and the history of updates.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::Page;
use super::plan::due_view;
use crate::app::App;
use crate::domain::{Error, OwnerName, PartialDate, PlanSummary, RatingTag};
use crate::web::extract::Path;

pub fn router() -> Router<App> {
    Router::new().route("/plans/{plan}/actions/{action}", get(show))
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
    Path((plan, action)): Path<(String, String)>,
) -> Result<Page<ShowPage>, Error> {
    let found = app.action(&plan, &action).await?;
    let (area, objective, a) = (found.area(), found.objective(), found.action());
    let (due, due_as_written) = due_view(a.due, a.due_from, a.due_text.as_deref());
    let page = ShowPage {
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
    };
    Ok(Page(page))
}
