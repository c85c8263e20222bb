//! What the app tells whoever runs it: request ids, Prometheus metrics for allowed
//! addresses only, health and readiness checks, and log lines (JSON from the binary,
//! internal errors inside their request's span).

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use sqlx::Connection as _;
use tower::ServiceExt as _;
use wsoa::domain::{Actor, Role};
use wsoa::web::{self, WebConfig};

use crate::helpers::{Auth, Reply, TestDb, on_both_backends, with_auth};

on_both_backends!(
    a_migrated_database_is_ready,
    a_database_missing_a_migration_is_not_ready,
    a_database_from_a_newer_or_changed_schema_is_not_ready,
);

/// Sends `request` from `from` (as the socket would report it) to a router built with
/// `config`.
async fn send_from(
    db: &TestDb,
    config: WebConfig,
    from: Option<&str>,
    mut request: Request<Body>,
) -> Reply {
    if let Some(from) = from {
        let addr: SocketAddr = from.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
    }
    let response = web::router_with(db.app.clone(), config)
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

/// `/metrics` as seen from loopback.
async fn scrape(db: &TestDb) -> String {
    let reply = send_from(
        db,
        WebConfig::default(),
        Some("127.0.0.1:40000"),
        get("/metrics"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    reply.body
}

/// The value of the sample whose name is `name` and whose labels include all of
/// `labels` (`key="value"`), or `None` when there is none.
fn sample(metrics: &str, name: &str, labels: &[&str]) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let rest = series.strip_prefix(name)?;
        let matches = if labels.is_empty() {
            rest.is_empty() || rest.starts_with('{')
        } else {
            rest.starts_with('{') && labels.iter().all(|l| rest.contains(l))
        };
        matches.then(|| value.parse().unwrap())
    })
}

fn request_id(reply: &Reply) -> &str {
    reply.headers["x-request-id"].to_str().unwrap()
}

#[tokio::test]
async fn each_answer_carries_a_request_id_made_for_it() {
    let db = TestDb::sqlite().await;
    let first = db.get("/healthz", &Auth::Anonymous).await;
    let second = db.get("/plans", &Auth::Anonymous).await;

    assert_eq!(first.status, StatusCode::OK);
    let made = uuid::Uuid::parse_str(request_id(&first)).expect("a UUID");
    assert_eq!(made.get_version_num(), 4);
    assert_ne!(
        request_id(&first),
        request_id(&second),
        "one id per request"
    );
    db.finish().await;
}

#[tokio::test]
async fn a_usable_incoming_request_id_is_kept_and_an_unusable_one_replaced() {
    let db = TestDb::sqlite().await;
    let kept = db
        .send(
            Request::get("/plans")
                .header("x-request-id", "lb-7f3a.2026_12_03")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(request_id(&kept), "lb-7f3a.2026_12_03");

    let too_long = "x".repeat(65);
    for bad in [vec!["with space"], vec![too_long.as_str()], vec!["a", "b"]] {
        let mut request = Request::get("/plans");
        for value in &bad {
            request = request.header("x-request-id", *value);
        }
        let reply = db.send(request.body(Body::empty()).unwrap()).await;
        let echoed: Vec<_> = reply.headers.get_all("x-request-id").iter().collect();
        assert_eq!(echoed.len(), 1, "{bad:?}");
        assert!(
            uuid::Uuid::parse_str(echoed[0].to_str().unwrap()).is_ok(),
            "{bad:?} was replaced by a fresh id, not {echoed:?}"
        );
    }
    db.finish().await;
}

#[tokio::test]
async fn metrics_count_requests_by_the_route_that_matched() {
    let db = TestDb::sqlite().await;
    let config = WebConfig::default;
    let from = Some("127.0.0.1:40000");
    for path in [
        "/plans/no-such-plan-q7x",
        "/api/v1/plans/no-such-plan-q7x",
        "/nowhere/q7x",
    ] {
        let reply = send_from(&db, config(), from, get(path)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }

    let metrics = scrape(&db).await;
    for route in ["/plans/{plan}", "/api/v1/plans/{plan}", "unmatched"] {
        let route = format!("route=\"{route}\"");
        let labels = ["method=\"GET\"", route.as_str(), "status=\"404\""];
        let count = sample(&metrics, "http_requests_total", &labels);
        assert!(count >= Some(1.0), "{route} counted:\n{metrics}");
        let slow = sample(
            &metrics,
            "http_request_duration_seconds_bucket",
            &[route.as_str(), "le=\"+Inf\""],
        );
        assert!(slow >= Some(1.0), "{route} timed:\n{metrics}");
    }
    assert!(
        !metrics.contains("q7x"),
        "no path that was asked is a label:\n{metrics}"
    );
    assert!(
        metrics.contains("le=\"0.005\""),
        "the duration histogram has the configured buckets"
    );
    assert!(sample(&metrics, "db_pool_connections", &[]) >= Some(1.0));
    assert!(sample(&metrics, "db_pool_idle_connections", &[]).is_some());
    assert_eq!(
        sample(&metrics, "outbox_queue_length", &[]),
        Some(0.0),
        "nothing waits in a new outbox"
    );
    db.finish().await;
}

#[tokio::test]
async fn plan_page_cache_hits_and_misses_are_counted() {
    let db = TestDb::sqlite().await;
    let plan = db.small_plan_stored().await;
    db.user("admin@example.org", Role::Admin, &plan.local_area, None)
        .await;
    let admin = db.session("admin@example.org").await;
    let path = format!("/plans/{}", plan.slug);
    let hits = |metrics: &str| sample(metrics, "plan_cache_hits_total", &["cache=\"page\""]);
    let misses = |metrics: &str| sample(metrics, "plan_cache_misses_total", &["cache=\"page\""]);
    // One router for both views: rendered pages are kept per router.
    let router = web::router(db.app.clone());
    let view = || async {
        let request = with_auth(Request::get(&path), &admin)
            .body(Body::empty())
            .unwrap();
        router.clone().oneshot(request).await.unwrap().status()
    };

    assert_eq!(view().await, StatusCode::OK);
    let before = scrape(&db).await;
    assert!(misses(&before) >= Some(1.0), "the first view renders");
    assert_eq!(view().await, StatusCode::OK);
    let after = scrape(&db).await;

    // The recorder is shared by every test in this process: compare, never equate.
    assert!(
        hits(&after).unwrap_or_default() >= hits(&before).unwrap_or_default() + 1.0,
        "the second view is served as kept:\n{after}"
    );
    assert!(sample(&after, "plan_cache_hits_total", &["cache=\"standing\""]) >= Some(1.0));
    db.finish().await;
}

#[tokio::test]
async fn metrics_are_not_found_outside_the_allow_list() {
    let db = TestDb::sqlite().await;
    let only_ten = || WebConfig {
        metrics_allow: "10.0.0.0/8".parse().unwrap(),
        ..WebConfig::default()
    };
    let cases = [
        (WebConfig::default(), Some("192.0.2.10:5000")),
        (WebConfig::default(), Some("[2001:db8::1]:5000")),
        (WebConfig::default(), None),
        (only_ten(), Some("127.0.0.1:5000")),
    ];
    let unknown_page = send_from(&db, WebConfig::default(), None, get("/no-such-page")).await;
    for (config, from) in cases {
        let reply = send_from(&db, config, from, get("/metrics")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{from:?}");
        assert_eq!(
            reply.body, unknown_page.body,
            "indistinguishable from a page that does not exist"
        );
        assert!(!reply.body.contains("http_requests_total"));
    }
    let allowed = send_from(&db, only_ten(), Some("10.1.2.3:5000"), get("/metrics")).await;
    assert_eq!(allowed.status, StatusCode::OK);
    db.finish().await;
}

#[tokio::test]
async fn healthz_answers_without_the_database_and_readyz_does_not() {
    let db = TestDb::sqlite().await;
    db.store.close().await;

    let health = db.get("/healthz", &Auth::Anonymous).await;
    let ready = db.get("/readyz", &Auth::Anonymous).await;

    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.body, "not ready: the database does not answer");
    assert!(
        !health.headers.contains_key("set-cookie"),
        "no session for a probe"
    );
}

async fn a_migrated_database_is_ready(db: &TestDb) {
    let reply = db.get("/readyz", &Auth::Anonymous).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ready");
}

/// Runs one statement straight on the test database.
async fn execute(db: &TestDb, sql: &'static str) {
    if db.url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

async fn a_database_missing_a_migration_is_not_ready(db: &TestDb) {
    execute(
        db,
        "delete from _sqlx_migrations where version = (select max(version) from _sqlx_migrations)",
    )
    .await;

    let reply = db.get("/readyz", &Auth::Anonymous).await;

    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        reply.body.starts_with("not ready: migration "),
        "{}",
        reply.body
    );
    assert!(
        reply.body.ends_with("is not applied to the database"),
        "{}",
        reply.body
    );
}

async fn a_database_from_a_newer_or_changed_schema_is_not_ready(db: &TestDb) {
    execute(
        db,
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time) \
         select 99991231000000, 'from a newer binary', success, checksum, 0 \
         from _sqlx_migrations where version = (select min(version) from _sqlx_migrations)",
    )
    .await;
    let newer = db.get("/readyz", &Auth::Anonymous).await;
    assert_eq!(newer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        newer
            .body
            .contains("migration 99991231000000, which this binary does not know"),
        "{}",
        newer.body
    );

    execute(
        db,
        "delete from _sqlx_migrations where version = 99991231000000",
    )
    .await;
    assert_eq!(
        db.get("/readyz", &Auth::Anonymous).await.status,
        StatusCode::OK,
        "ready again once the schema matches"
    );

    execute(
        db,
        "update _sqlx_migrations set checksum = (select checksum from _sqlx_migrations \
         where version = (select max(version) from _sqlx_migrations)) \
         where version = (select min(version) from _sqlx_migrations)",
    )
    .await;
    let changed = db.get("/readyz", &Auth::Anonymous).await;
    assert_eq!(changed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        changed.body.contains("differs from this binary's"),
        "{}",
        changed.body
    );
}

/// The request span of a JSON log line: the outermost of its spans.
fn request_span(line: &serde_json::Value) -> &serde_json::Value {
    &line["spans"][0]
}

/// `wsoa serve` on `url` logging JSON, once it answers: the process, its standard error
/// read line by line until it exits, and its base URL.
async fn serve_logging_json(
    url: &str,
) -> (
    std::process::Child,
    std::thread::JoinHandle<Vec<String>>,
    String,
) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args(["--db", url, "serve", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .env("WSOA_LOG_FORMAT", "json")
        .env_remove("WSOA_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Read as it comes, so a full pipe can never stall the server.
    let lines = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..300 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !up {
        let _ = child.kill();
        panic!("the server did not answer within 30 seconds");
    }
    (child, lines, base)
}

/// `wsoa serve` with `WSOA_LOG_FORMAT=json` writes one JSON object a line for each
/// request, with its request id, matched route, status and account; an internal error's
/// line is inside its request's span, so it says which request failed and for whom.
#[tokio::test]
async fn the_binary_logs_requests_as_json_lines() {
    let db = TestDb::sqlite().await;
    let user = db
        .user("editor@example.org", Role::Editor, "Northshire", None)
        .await;
    // Made on today's clock: the servers below run on it, and tokens expire.
    let token = db
        .live_app()
        .create_token(&Actor::System, user.id, "log test")
        .await
        .unwrap()
        .token;
    let (mut child, lines, base) = serve_logging_json(&db.url).await;
    let client = reqwest::Client::new();
    let reply = client
        .get(format!("{base}/api/v1/plans"))
        .header("x-request-id", "json-log-test-1")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["x-request-id"], "json-log-test-1");
    // A table gone from under the running server: its next read is an internal error.
    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("drop table plan")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let broken = client
        .get(format!("{base}/api/v1/plans"))
        .header("x-request-id", "json-log-test-2")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 500);
    let _ = child.kill();
    let _ = child.wait();

    let lines = lines.join().unwrap();
    let logs: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let line = |id: &str, message: &str| {
        logs.iter()
            .find(|l| request_span(l)["request_id"] == id && l["message"] == message)
            .unwrap_or_else(|| panic!("no {message:?} line for {id} in {lines:#?}"))
    };
    let answered = line("json-log-test-1", "answered");
    assert_eq!(answered["level"], "INFO");
    let span = request_span(answered);
    assert!(span["latency_ms"].as_f64().is_some());
    assert_eq!(span["name"], "request");
    assert_eq!(span["method"], "GET");
    assert_eq!(span["route"], "/api/v1/plans");
    assert_eq!(span["account"], user.id.0);
    assert_eq!(span["status"], 200);

    let error = line("json-log-test-2", "internal error");
    assert_eq!(error["level"], "ERROR");
    assert!(error["error"].as_str().unwrap().contains("plan"), "{error}");
    let span = request_span(error);
    assert_eq!(span["route"], "/api/v1/plans");
    assert_eq!(span["account"], user.id.0);
    assert_eq!(
        request_span(line("json-log-test-2", "answered"))["status"],
        500
    );
    assert!(
        logs.iter().all(|l| request_span(l)["route"] != "/healthz"),
        "probes are logged at debug level only"
    );
    db.finish().await;
}

/// Security events reach the log as structured lines (target `security`) inside their
/// request's span: a failed sign-in with the email and client address, a refused
/// request with its status, and a token's use.
#[tokio::test]
async fn security_events_are_logged_with_the_request_they_belong_to() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let (mut child, lines, base) = serve_logging_json(&db.url).await;
    let client = reqwest::Client::new();
    let failed = client
        .post(format!("{base}/login"))
        .header("x-request-id", "security-1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=alex%40example.org&password=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 422);
    let refused = client
        .get(format!("{base}/api/v1/plans"))
        .header("x-request-id", "security-2")
        .bearer_auth("wsoa_not-a-real-token")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let _ = child.kill();
    let _ = child.wait();

    let lines = lines.join().unwrap();
    let security: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["target"] == "security")
        .collect();
    let event = |id: &str, event: &str| {
        security
            .iter()
            .find(|l| request_span(l)["request_id"] == id && l["event"] == event)
            .unwrap_or_else(|| panic!("no {event} for {id} in {security:#?}"))
            .clone()
    };
    let failure = event("security-1", "sign_in.failed");
    assert_eq!(failure["email"], "alex@example.org");
    assert_eq!(failure["ip"], "127.0.0.1");
    assert_eq!(failure["level"], "WARN");
    assert_eq!(event("security-2", "token.refused")["level"], "INFO");
    let refusal = event("security-2", "request.refused");
    assert_eq!(refusal["status"], 401);
    assert_eq!(request_span(&refusal)["route"], "/api/v1/plans");
    db.finish().await;
}
