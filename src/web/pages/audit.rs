//! The change history of a plan and of an action, and the plan's as CSV.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Layout, Page};
use crate::app::{App, audit_csv};
use crate::domain::{AuditEvent, Error, PlanSummary};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/audit", get(plan_history))
        .route("/plans/{plan}/audit.csv", get(plan_history_csv))
        .route("/plans/{plan}/actions/{action}/audit", get(action_history))
}

struct EventView {
    when: String,
    actor: String,
    what: String,
    before: String,
    after: String,
}

impl From<AuditEvent> for EventView {
    fn from(e: AuditEvent) -> Self {
        let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string()).unwrap_or_default();
        let format = time::macros::format_description!(
            "[day padding:none] [month repr:long] [year], [hour]:[minute]:[second] UTC"
        );
        Self {
            when: e
                .occurred_at
                .to_offset(time::UtcOffset::UTC)
                .format(&format)
                .unwrap_or_default(),
            what: e.describe().to_owned(),
            actor: e.actor,
            before: json(e.before),
            after: json(e.after),
        }
    }
}

#[derive(Template)]
#[template(path = "audit/index.html")]
struct HistoryPage {
    layout: Layout,
    summary: PlanSummary,
    heading: String,
    back: Option<String>,
    events: Vec<EventView>,
}

async fn plan_history(
    State(app): State<App>,
    viewer: Viewer,
    Path(plan): Path<String>,
) -> Result<Page<HistoryPage>, Error> {
    let (summary, events) = app.plan_audit(&viewer.actor, &plan).await?;
    Ok(Page(HistoryPage {
        layout: Layout::of(&viewer),
        heading: summary.title.clone(),
        back: None,
        summary,
        events: events.into_iter().map(EventView::from).collect(),
    }))
}

async fn action_history(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, action)): Path<(String, String)>,
) -> Result<Page<HistoryPage>, Error> {
    let (found, events) = app.action_audit(&viewer.actor, &plan, &action).await?;
    Ok(Page(HistoryPage {
        layout: Layout::of(&viewer),
        heading: format!("action {}", found.action().label()),
        back: Some(format!("/plans/{}/actions/{action}", found.summary.slug)),
        summary: found.summary,
        events: events.into_iter().map(EventView::from).collect(),
    }))
}

async fn plan_history_csv(
    State(app): State<App>,
    viewer: Viewer,
    Path(plan): Path<String>,
) -> Result<Response, Error> {
    let (summary, events) = app.plan_audit(&viewer.actor, &plan).await?;
    let bytes = audit_csv(&events)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-audit.csv\"", summary.slug),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
