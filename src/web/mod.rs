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

/// Largest request body accepted anywhere: an evidence file (10 MB) and its form. Every
/// other form is held to axum's default of 2 MB by its extractor.
const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;

/// Where `base.html` lets the sample-data banner in.
const SAMPLE_BANNER_MARK: &str = "<!-- sample-data-banner -->";

/// The banner every page shows while the demo's sample plan is stored.
#[derive(askama::Template)]
#[template(path = "_sample_banner.html")]
struct SampleBanner;

/// Puts the sample-data banner on every HTML page while sample data is stored. A layer
/// rather than a field of each page, so that no page (including error pages and pages
/// other modules add) can forget it.
async fn sample_banner(
    axum::extract::State(app): axum::extract::State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use askama::Template as _;
    use axum::response::IntoResponse as _;
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || !app.holds_sample_data().await.unwrap_or(false) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let banner = SampleBanner.render().unwrap_or_default();
    let body = html.replacen(SAMPLE_BANNER_MARK, &banner, 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(body))
}

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
    let mut router = pages::router()
        .merge(assets::router())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            sample_banner,
        ))
        .with_state(app)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
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
