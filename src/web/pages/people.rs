//! The people view: each owner, their actions, what is overdue or stale, and when they
//! last reported.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::Page;
use crate::app::App;
use crate::domain::{Error, OwnerSummary, PlanSummary};
use crate::web::extract::Path;

pub fn router() -> Router<App> {
    Router::new().route("/plans/{plan}/people", get(show))
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    summary: PlanSummary,
    section: &'static str,
    cycle: String,
    owners: Vec<OwnerSummary>,
}

async fn show(State(app): State<App>, Path(key): Path<String>) -> Result<Page<ShowPage>, Error> {
    let (running, owners) = app.people(&key).await?;
    Ok(Page(ShowPage {
        section: "people",
        cycle: running.cycle.describe(),
        summary: running.summary,
        owners,
    }))
}
