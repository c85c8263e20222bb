//! HTTP: server-rendered pages in the GOV.UK Design System's look and a JSON API under
//! `/api/v1`, over the same use cases as the CLI. Status codes, error pages and problem
//! documents are decided in `error` alone.

mod api;
mod assets;
mod error;
mod extract;
mod health;
mod pages;
mod session;
mod telemetry;

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::{Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::app::App;

pub use api::openapi;
pub use error::{ErrorPage, Problem};
pub use session::{TrustedProxies, encode_component};
pub use telemetry::{MetricsAllow, REQUEST_ID};

/// How the web app sets its cookies.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Send the session cookie only over HTTPS (`Secure`, and the `__Host-` name). On
    /// for any deployment reached over HTTPS; off only for plain-HTTP use on one machine.
    pub secure_cookies: bool,
    /// Who may read `/metrics`: loopback only unless configured.
    pub metrics_allow: MetricsAllow,
    /// Proxies whose `X-Forwarded-For` gives the client's address: none unless
    /// configured.
    pub trusted_proxies: session::TrustedProxies,
}

/// Serves uploaded or stored files so a browser can never run them: a content type from
/// a short allow-list (anything else is `application/octet-stream`), `nosniff`, a
/// sandboxing Content-Security-Policy and `Content-Disposition: attachment`.
pub fn stored_file_response(file_name: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let content_type = crate::domain::evidence_content_type(file_name);
    // Only plain characters survive in the quoted name; the rest become underscores, so
    // the header cannot be broken out of.
    let safe_name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Largest request body accepted anywhere.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Largest page the sample-data banner reads back to put the banner in: far beyond any
/// page the app renders.
const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// Where `base.html` lets the sample-data banner in.
const SAMPLE_BANNER_MARK: &str = "<!-- sample-data-banner -->";

/// The banner every page shows while the demo's sample plan is stored.
#[derive(askama::Template)]
#[template(path = "_sample_banner.html")]
struct SampleBanner;

/// The page with the sample-data banner in its place (once: a page that has it already
/// has no mark left).
pub(crate) fn with_sample_banner(html: &str) -> String {
    use askama::Template as _;
    let banner = SampleBanner.render().unwrap_or_default();
    html.replacen(SAMPLE_BANNER_MARK, &banner, 1)
}

/// Puts the sample-data banner on every HTML page while sample data is stored. A layer
/// rather than a field of each page, so that no page (including error pages and pages
/// other modules add) can forget it.
async fn sample_banner(
    axum::extract::State(app): axum::extract::State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // An encoded page (the plan page, served gzipped) put the banner in itself.
    let encoded = response.headers().contains_key(header::CONTENT_ENCODING);
    if !is_html || encoded || !app.holds_sample_data().await.unwrap_or(false) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let body = with_sample_banner(&String::from_utf8_lossy(&bytes));
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(body))
}

/// Clears the success message on the page that shows it: any answer to a request that
/// carried one, except a redirect (which passes it on to the page it leads to).
async fn clear_flash(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let config = request
        .extensions()
        .get::<WebConfig>()
        .cloned()
        .unwrap_or_default();
    let carried =
        session::read_cookie(request.headers(), session::flash_cookie_name(&config)).is_some();
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if carried && is_html && !response.status().is_redirection() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, session::flash_cookie(&config, ""));
    }
    response
}

/// No inline script or style anywhere, so the policy can be strict.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The whole web app, with cookies for plain-HTTP use on one machine.
pub fn router(app: App) -> Router {
    router_with(app, WebConfig::default())
}

/// The whole web app with the given cookie settings.
pub fn router_with(app: App, config: WebConfig) -> Router {
    let secure = config.secure_cookies;
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        // Pages and API answers may hold an area's private plan: no shared or back-button
        // cache keeps them. Static assets set their own, longer, policy.
        (header::CACHE_CONTROL, "no-store"),
    ];
    // The 2 MB body limit is layered on every route but the upload routes, which are merged
    // after it with their own, larger limit; every layer below it covers them all.
    let mut router = pages::router()
        .merge(assets::router())
        .merge(health::router())
        .merge(telemetry::router())
        .nest("/api/v1", api::router())
        .fallback(error::not_found)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(pages::upload_router())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            sample_banner,
        ))
        .layer(axum::middleware::from_fn(clear_flash))
        .with_state(app)
        .layer(Extension(config))
        // Refuses cross-site form posts (Sec-Fetch-Site, then Origin against Host), with
        // no token in the forms. Non-browser clients send neither header and pass, which
        // is why the API takes bearer tokens and never the session cookie.
        .layer(CsrfLayer::new().with_rejection_response(error::cross_site_page))
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
    // Served over HTTPS (the cookies say so): browsers are told to use nothing else for
    // a year, so a downgrade on a later visit cannot read the session.
    if secure {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    telemetry::observe(router)
}

#[cfg(test)]
mod tests {
    use super::stored_file_response;

    #[test]
    fn a_stored_file_is_always_a_download_of_a_safe_type() {
        let html = stored_file_response("evidence<script>.html", b"<script>".to_vec());
        let pdf = stored_file_response("Board minutes.PDF", Vec::new());

        let headers = html.headers();
        assert_eq!(headers["content-type"], "application/octet-stream");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"evidence_script_.html\""
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
    }
}
