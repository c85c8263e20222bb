//! The cross-area view: progress of the plans in every area the person has a role in.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{Layout, Page};
use crate::app::App;
use crate::domain::{Error, PlanProgress};
use crate::web::session::SignedIn;

pub fn router() -> Router<App> {
    Router::new().route("/compare", get(index))
}

#[derive(Template)]
#[template(path = "compare/index.html")]
struct ComparePage {
    layout: Layout,
    progress: Vec<PlanProgress>,
}

async fn index(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
) -> Result<Page<ComparePage>, Error> {
    Ok(Page(ComparePage {
        progress: app.compare_plans(&viewer.actor).await?,
        layout: Layout::of(&viewer),
    }))
}
