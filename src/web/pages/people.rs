//! The people view: each owner, their actions, what is overdue or stale, and when they
//! last reported.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{Layout, Page};
use crate::app::App;
use crate::domain::{Error, OwnerSummary, PlanSummary};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new().route("/plans/{plan}/people", get(show))
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    layout: Layout,
    summary: PlanSummary,
    section: &'static str,
    cycle: String,
    owners: Vec<OwnerSummary>,
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<ShowPage>, Error> {
    let (running, owners) = app.people(&viewer.actor, &key).await?;
    Ok(Page(ShowPage {
        layout: Layout::of(&viewer),
        section: "people",
        cycle: running.cycle.describe(),
        summary: running.summary,
        owners,
    }))
}
