//! What the web app tells whoever runs it: one span and one log line per request
//! (method, matched route, status, latency, account, request id), the request id echoed
//! as `x-request-id`, and Prometheus metrics at `/metrics` for the addresses allowed to
//! read them. See `docs/operations.md`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ipnet::IpNet;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::{Level, Span};

use super::WebConfig;
use crate::app::App;
use crate::domain::Actor;

/// The header a request id comes in and goes back out in.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming request id kept; longer ones are replaced (a UUID is 36).
const MAX_REQUEST_ID_BYTES: usize = 64;

/// The route label of a request no route matched: one label, not one per path tried.
const UNMATCHED: &str = "unmatched";

/// Routes asked every few seconds by machines (probes, scrapers): their log lines are at
/// debug level, so they do not drown the requests people make.
const QUIET_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Upper bounds of `http_request_duration_seconds`, from a cached page (about a
/// millisecond) to the 30-second timeout.
const DURATION_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Who may read `/metrics`: a list of address blocks. Loopback only by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricsAllow(Vec<IpNet>);

/// `127.0.0.0/8` and `::1` (checked at compile time).
const LOOPBACK: [IpNet; 2] = [
    IpNet::V4(ipnet::Ipv4Net::new_assert(Ipv4Addr::new(127, 0, 0, 0), 8)),
    IpNet::V6(ipnet::Ipv6Net::new_assert(Ipv6Addr::LOCALHOST, 128)),
];

impl Default for MetricsAllow {
    fn default() -> Self {
        Self(LOOPBACK.to_vec())
    }
}

impl MetricsAllow {
    /// Nobody.
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// Whether a client at `ip` may read the metrics. An IPv4 address seen through an
    /// IPv6 socket (`::ffff:127.0.0.1`) counts as the IPv4 address.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

impl FromStr for MetricsAllow {
    type Err = String;

    /// Comma-separated blocks (`10.0.0.0/8,::1`); a bare address is a block of one.
    /// `none` (or nothing) allows no one.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let list = list.trim();
        if list.is_empty() || list.eq_ignore_ascii_case("none") {
            return Ok(Self(Vec::new()));
        }
        list.split(',')
            .map(str::trim)
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "{item:?} is neither an address nor a CIDR block (such as \
                             10.0.0.0/8 or ::1)"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

impl std::fmt::Display for MetricsAllow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let blocks: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&blocks.join(","))
    }
}

/// The process's one metrics recorder, installed the first time a router is built: the
/// `metrics` facade takes one global recorder per process, and the tests build many
/// routers in one.
fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let installed = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &DURATION_BUCKETS,
            )
            .and_then(PrometheusBuilder::install_recorder);
        let handle = installed.unwrap_or_else(|err| {
            tracing::warn!(error = %err, "cannot install the metrics recorder; /metrics stays empty");
            PrometheusBuilder::new().build_recorder().handle()
        });
        describe();
        handle
    })
}

/// The `# HELP` lines.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "http_requests_total",
        "Requests answered, by method, matched route and status"
    );
    describe_histogram!(
        "http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by method and matched route"
    );
    describe_gauge!(
        "db_pool_connections",
        "Database connections open (busy or idle), read at each scrape"
    );
    describe_gauge!(
        "db_pool_idle_connections",
        "Database connections open and idle, read at each scrape"
    );
    describe_counter!(
        "plan_cache_hits_total",
        "Plan look-ups answered from memory, by cache (tree, standing, page)"
    );
    describe_counter!(
        "plan_cache_misses_total",
        "Plan look-ups that had to read or render afresh, by cache (tree, standing, page)"
    );
    describe_gauge!(
        "outbox_queue_length",
        "Messages in the outbox waiting to be delivered"
    );
    describe_counter!(
        "mail_sent_total",
        "Messages delivered, by kind (invitation, password_reset, reminder, digest, board_pack…)"
    );
    describe_counter!(
        "mail_failed_total",
        "Delivery attempts that failed and will be retried"
    );
}

/// Wraps every route: request ids outermost, so the span can carry one; the span around
/// everything else, so the log lines of errors inside (error pages, panics, timeouts)
/// carry it too; the metrics inside the span. Applied with `Router::layer`, so each
/// route's own layers see its matched route.
pub(super) fn observe(router: Router) -> Router {
    // Installed now, not at the first scrape: counts made before would be lost.
    prometheus();
    router
        .layer(axum::middleware::from_fn(count_request))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(make_span)
                .on_request(())
                .on_response(on_response)
                .on_failure(on_failure),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unusable_request_id))
}

/// `/metrics`.
pub(super) fn router() -> Router<App> {
    Router::new().route("/metrics", get(scrape))
}

/// A request id worth keeping: short, and visible ASCII only (no spaces, no control
/// characters), so it cannot break a log line or a header.
fn usable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID_BYTES
        && bytes.iter().all(u8::is_ascii_graphic)
}

/// Removes an incoming request id that is not [usable](usable_request_id), or sent more
/// than once, so that a fresh one is made in its place.
async fn drop_unusable_request_id(mut request: Request) -> Request {
    let ids = request.headers().get_all(&REQUEST_ID);
    let mut values = ids.iter();
    let keep = match (values.next(), values.next()) {
        (Some(one), None) => usable_request_id(one),
        (None, _) => true,
        (Some(_), Some(_)) => false,
    };
    if !keep {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// The route template that matched (`/plans/{plan}`), never the path asked: one label
/// per route, whatever ids the paths hold.
fn route<B>(request: &axum::http::Request<B>) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .filter(|path| !path.contains("__private__"))
        .unwrap_or(UNMATCHED)
}

/// The method as a label: the standard ones by name, anything else as `other`, so an
/// invented method cannot add a label value.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn make_span(request: &axum::http::Request<Body>) -> Span {
    let route = route(request);
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let method = method_label(request.method());
    let empty = tracing::field::Empty;
    if QUIET_ROUTES.contains(&route) {
        tracing::debug_span!(
            "request",
            method,
            route,
            request_id,
            account = empty,
            status = empty,
            latency_ms = empty
        )
    } else {
        tracing::info_span!(
            "request",
            method,
            route,
            request_id,
            account = empty,
            status = empty,
            latency_ms = empty
        )
    }
}

fn on_response(response: &axum::http::Response<Body>, latency: Duration, span: &Span) {
    let status = response.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    // The span carries the status and latency, so the line's own fields need not.
    if span.metadata().is_some_and(|m| *m.level() == Level::DEBUG) {
        tracing::debug!("answered");
    } else {
        tracing::info!("answered");
    }
}

/// A response that failed after its status was sent (a body that broke off). Error
/// statuses are logged where they are decided (`web::error`), not again here.
fn on_failure(failure: ServerErrorsFailureClass, _latency: Duration, _span: &Span) {
    if let ServerErrorsFailureClass::Error(error) = failure {
        tracing::warn!(%error, "response failed");
    }
}

/// Records the signed-in account on the request's span, once the session or token is
/// known: called by the extractors that read them.
pub(super) fn record_account(actor: &Actor) {
    if let Some(id) = actor.user_id() {
        Span::current().record("account", id.0);
    }
}

/// Counts the request and how long it took, by matched route.
async fn count_request(request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let route = route(&request).to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "http_requests_total",
        "method" => method,
        "route" => route.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!(
        "http_request_duration_seconds",
        "method" => method,
        "route" => route
    )
    .record(start.elapsed().as_secs_f64());
    response
}

/// The metrics in Prometheus's text format, for allowed addresses only. Anyone else gets
/// the same "page not found" as for a path that does not exist, so the endpoint is not
/// revealed.
async fn scrape(State(app): State<App>, parts: Parts) -> Response {
    let allowed = parts
        .extensions
        .get::<WebConfig>()
        .map(|config| &config.metrics_allow)
        .zip(super::session::client_addr(&parts))
        .is_some_and(|(allow, ip)| allow.allows(ip));
    if !allowed {
        return super::error::not_found().await;
    }
    let pool = app.pool_stats();
    metrics::gauge!("db_pool_connections").set(f64::from(pool.size));
    metrics::gauge!("db_pool_idle_connections")
        .set(f64::from(u32::try_from(pool.idle).unwrap_or(u32::MAX)));
    if let Some(waiting) = app.outbox_queue_length().await {
        metrics::gauge!("outbox_queue_length")
            .set(f64::from(u32::try_from(waiting).unwrap_or(u32::MAX)));
    }
    let handle = prometheus();
    // No background task drains the histograms (the exporter's listener would run one):
    // each scrape does.
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_allow_list_is_loopback_only() {
        let allow = MetricsAllow::default();
        for ip in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            assert!(allow.allows(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["10.0.0.1", "192.0.2.7", "::2", "2001:db8::1"] {
            assert!(!allow.allows(ip.parse().unwrap()), "{ip}");
        }
        assert_eq!(allow.to_string(), "127.0.0.0/8,::1/128");
    }

    #[test]
    fn an_allow_list_reads_blocks_and_bare_addresses() {
        let allow: MetricsAllow = " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32".parse().unwrap();
        assert!(allow.allows("10.200.0.1".parse().unwrap()));
        assert!(allow.allows("192.0.2.7".parse().unwrap()));
        assert!(!allow.allows("192.0.2.8".parse().unwrap()));
        assert!(allow.allows("2001:db8::5".parse().unwrap()));
        assert!(!allow.allows("127.0.0.1".parse().unwrap()));
        assert_eq!("none".parse::<MetricsAllow>().unwrap().0, Vec::new());
        let err = "10.0.0.0/8,localhost".parse::<MetricsAllow>().unwrap_err();
        assert!(err.contains("\"localhost\""), "{err}");
    }

    #[test]
    fn only_short_visible_request_ids_are_kept() {
        for good in [
            "abc-123",
            "0f8e4f4e-6c1b-4d5e-9a0b-1c2d3e4f5a6b",
            &"x".repeat(64),
        ] {
            assert!(
                usable_request_id(&HeaderValue::from_str(good).unwrap()),
                "{good}"
            );
        }
        for bad in ["", "has space", &"x".repeat(65), "tab\there"] {
            let value = HeaderValue::from_str(bad).unwrap();
            assert!(!usable_request_id(&value), "{bad:?}");
        }
        assert!(!usable_request_id(
            &HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap()
        ));
    }
}
