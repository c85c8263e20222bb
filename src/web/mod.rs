//! HTTP: server-rendered pages in the GOV.UK Design System's look, over the same use
//! cases as the CLI. Status codes and error pages are decided in `error` alone.

mod assets;
mod error;
mod extract;
mod pages;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::app::App;

pub use error::ErrorPage;

/// Largest request body accepted anywhere.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// No inline script or style anywhere, so the policy can be strict.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The whole web app.
pub fn router(app: App) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    // The body limit is layered on the routes before the upload routes, which have their
    // own, larger one.
    let mut router = pages::router()
        .merge(assets::router())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(pages::upload_router())
        .fallback(error::not_found)
        .with_state(app)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(error::panic_page));
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}
