//! The dashboard: per area, actions at each rating level and the flags to chase, each
//! count a link to the filtered plan; the completion chart with its table.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{Layout, Page};
use crate::app::App;
use crate::domain::{Dashboard, Error, PartialDate, PlanSummary};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new().route("/plans/{plan}/dashboard", get(show))
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
struct ShowPage {
    layout: Layout,
    summary: PlanSummary,
    section: &'static str,
    today: String,
    cycle: String,
    dashboard: Dashboard,
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<ShowPage>, Error> {
    let (running, dashboard) = app.dashboard(&viewer.actor, &key).await?;
    Ok(Page(ShowPage {
        layout: Layout::of(&viewer),
        section: "dashboard",
        today: PartialDate::Day(running.rules.today).to_uk(),
        cycle: running.cycle.describe(),
        summary: running.summary,
        dashboard,
    }))
}
