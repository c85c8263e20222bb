//! Health checks for load balancers and orchestrators: `/healthz` says the process
//! answers, `/readyz` that it can serve (database reachable, schema current). Neither
//! needs signing in, and neither sets a cookie.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::App;

pub(super) fn router() -> Router<App> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up and answering. No database call: a slow database must not make an
/// orchestrator restart a healthy process.
async fn healthz() -> Response {
    plain(StatusCode::OK, "ok".into())
}

/// 200 "ready" when the database answers and its migrations are this binary's; 503 with
/// the reason otherwise.
async fn readyz(State(app): State<App>) -> Response {
    match app.readiness().await {
        Ok(()) => plain(StatusCode::OK, "ready".into()),
        Err(not_ready) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {not_ready}"),
        ),
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}
