//! A fresh database per test, on SQLite or PostgreSQL, and the app over it.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use sqlx::Connection as _;
use tower::ServiceExt as _;
use wsoa::app::{App, Clock, NewUser, PasswordCost};
use wsoa::documents::read_plan_json;
use wsoa::domain::{Actor, PlanSummary, PlanTree, Role, User};
use wsoa::store::Store;
use wsoa::web;

/// The PostgreSQL server the suite runs against. `.ci/run` starts it; a test that
/// cannot reach it fails rather than skipping.
pub fn postgres_admin_url() -> String {
    std::env::var("WSOA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The instant every test's clock is fixed at.
pub fn fixed_now() -> time::OffsetDateTime {
    time::macros::datetime!(2020-02-03 10:00:00 UTC)
}

/// A fresh, empty database and an app over it.
pub struct TestDb {
    pub url: String,
    pub store: Store,
    pub app: App,
    postgres_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Creates an empty database on the PostgreSQL server: its URL and its name.
async fn empty_postgres_database() -> (String, String) {
    let admin_url = postgres_admin_url();
    let name = format!(
        "wsoa_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "cannot reach PostgreSQL at {admin_url} ({e}); start it (`.ci/run` does) or set WSOA_TEST_POSTGRES_URL"
        )
    });
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists {name}"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    (format!("{base}/{name}"), name)
}

/// Drops a database made for a test, even if connections are still open.
pub async fn drop_postgres_database(name: &str) {
    let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists {name} with (force)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}

impl TestDb {
    /// SQLite in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.expect("SQLite opens");
        Self::over(url, store, None, Some(dir))
    }

    /// A new database on the PostgreSQL server.
    pub async fn postgres() -> Self {
        let (url, name) = empty_postgres_database().await;
        let store = Store::open(&url).await.expect("PostgreSQL opens");
        Self::over(url, store, Some(name), None)
    }

    /// The URL of a new, empty database of the same backend, not yet opened, and the
    /// PostgreSQL database to drop afterwards.
    pub async fn empty_sibling(&self, dir: &std::path::Path) -> (String, Option<String>) {
        if self.postgres_name.is_some() {
            let (url, name) = empty_postgres_database().await;
            (url, Some(name))
        } else {
            (
                format!("sqlite://{}", dir.join("sibling.db").display()),
                None,
            )
        }
    }

    fn over(
        url: String,
        store: Store,
        postgres_name: Option<String>,
        dir: Option<tempfile::TempDir>,
    ) -> Self {
        let app = App::new(store.clone(), Clock::Fixed(fixed_now()))
            .with_password_cost(PasswordCost::TestOnlyFast);
        Self {
            url,
            store,
            app,
            postgres_name,
            _dir: dir,
        }
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some(name) = self.postgres_name {
            drop_postgres_database(&name).await;
        }
    }
}

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// How a test request says who it is.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Nobody: the public.
    Anonymous,
    /// A browser session: the cookie's value.
    Cookie(String),
    /// An API token.
    Bearer(String),
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }
}

impl TestDb {
    /// The same store seen at another instant (sessions expiring, lockouts ending).
    pub fn app_at(&self, at: time::OffsetDateTime) -> App {
        App::new(self.store.clone(), Clock::Fixed(at))
            .with_password_cost(PasswordCost::TestOnlyFast)
    }

    /// The same store on the system clock, for what a real `wsoa serve` process (which
    /// runs on it) must accept: tokens and sessions expire.
    pub fn live_app(&self) -> App {
        App::new(self.store.clone(), Clock::System).with_password_cost(PasswordCost::TestOnlyFast)
    }

    /// Sends a request to the whole web app, in-process.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        send(&self.app, request).await
    }

    /// A GET as `auth`.
    pub async fn get(&self, path: &str, auth: &Auth) -> Reply {
        self.send(
            with_auth(Request::get(path), auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// A form POST as `auth`, as a same-origin browser sends it.
    pub async fn post_form(&self, path: &str, body: &str, auth: &Auth) -> Reply {
        self.send(
            with_auth(Request::post(path), auth)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// A CSV file uploaded as `auth` in the `file` field of a multipart form, as a
    /// same-origin browser sends it.
    pub async fn post_csv(&self, path: &str, csv: &str, auth: &Auth) -> Reply {
        let boundary = "XyZzY";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"actuals.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        );
        self.send(
            with_auth(Request::post(path), auth)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A multipart form POST of one file in the `document` field as `auth`, as a
    /// same-origin browser sends it.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: &[u8], auth: &Auth) -> Reply {
        self.upload_padded(path, file_name, bytes, 0, auth).await
    }

    /// [`TestDb::upload`] with a `padding` field of `padding` bytes before the file, which
    /// the import ignores: a large request around a small document.
    pub async fn upload_padded(
        &self,
        path: &str,
        file_name: &str,
        bytes: &[u8],
        padding: usize,
        auth: &Auth,
    ) -> Reply {
        let boundary = "wsoa-test-boundary-7d1f";
        let mut body = Vec::new();
        if padding > 0 {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"padding\"\r\n\r\n")
                    .as_bytes(),
            );
            body.resize(body.len() + padding, b'x');
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            with_auth(Request::post(path), auth)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A JSON POST as `auth`.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value, auth: &Auth) -> Reply {
        self.send(
            with_auth(Request::post(path), auth)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Imports the small plan for the command line and returns it.
    pub async fn small_plan_stored(&self) -> PlanSummary {
        self.app
            .import_plan(&Actor::System, small_plan())
            .await
            .unwrap()
    }

    /// An account with one role, password [`PASSWORD`].
    pub async fn user(&self, email: &str, role: Role, area: &str, person: Option<&str>) -> User {
        self.app
            .add_user(
                &Actor::System,
                NewUser {
                    email: email.into(),
                    name: String::new(),
                    role,
                    local_area: area.into(),
                    person_key: person.map(str::to_owned),
                    password: Some(PASSWORD.into()),
                },
            )
            .await
            .unwrap()
    }

    /// A signed-in browser session for an account.
    pub async fn session(&self, email: &str) -> Auth {
        session_of(&self.app, email).await
    }

    /// A signed-in browser session for an account with its own password.
    pub async fn session_with(&self, email: &str, password: &str) -> Auth {
        session_with(&self.app, email, password).await
    }

    /// A signed-in browser session for an account, made by `app` (another instant).
    pub async fn session_at(&self, app: &App, email: &str) -> Auth {
        session_of(app, email).await
    }

    /// An API token for an account.
    pub async fn token(&self, user: &User) -> Auth {
        let token = self
            .app
            .create_token(&Actor::System, user.id, "tests")
            .await
            .unwrap();
        Auth::Bearer(token.token)
    }
}

/// A session for an account whose password is `password`. Where the account needs a
/// second step (admins need two-factor), the session is started directly once the
/// password is accepted: the second step itself is tested in `two_factor.rs`, and a
/// fixed clock would let each time step's code work only once.
async fn session_of(app: &App, email: &str) -> Auth {
    session_with(app, email, PASSWORD).await
}

async fn session_with(app: &App, email: &str, password: &str) -> Auth {
    match app.log_in(email, password, None, "/").await.unwrap() {
        wsoa::app::SignIn::Session(session) => Auth::Cookie(session.token),
        wsoa::app::SignIn::Code(_) | wsoa::app::SignIn::SetUp(_) => {
            let user = app.user_by_email(&Actor::System, email).await.unwrap();
            Auth::Cookie(app.start_session(user.id).await.unwrap().token)
        }
    }
}

/// Sends a request to the web app over `app`.
pub async fn send(app: &App, request: Request<Body>) -> Reply {
    let response = web::router(app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Sends a request to the web app over `app` and returns the body's bytes as sent
/// (not decoded: for checking compressed answers).
pub async fn send_raw(app: &App, request: Request<Body>) -> Vec<u8> {
    let response = web::router(app.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

/// Adds the cookie or bearer token.
pub fn with_auth(
    builder: axum::http::request::Builder,
    auth: &Auth,
) -> axum::http::request::Builder {
    match auth {
        Auth::Anonymous => builder,
        Auth::Cookie(token) => builder.header(header::COOKIE, format!("wsoa_session={token}")),
        Auth::Bearer(token) => builder.header(header::AUTHORIZATION, format!("Bearer {token}")),
    }
}

/// Runs each named `async fn(&TestDb)` as two tests: one on SQLite, one on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::helpers::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::helpers::TestDb::postgres().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;

/// A repository file's path.
pub fn repo_path(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The hand-made plan in `tests/fixtures/small-plan.json`: every field of the format.
pub fn small_plan() -> PlanTree {
    read_plan_json(&std::fs::read(repo_path("tests/fixtures/small-plan.json")).unwrap()).unwrap()
}

/// A tree with the stored ids dropped, for comparing with what went in.
pub fn without_ids(plan: impl std::borrow::Borrow<PlanTree>) -> PlanTree {
    let mut plan = plan.borrow().clone();
    for area in &mut plan.areas {
        for objective in &mut area.objectives {
            for action in &mut objective.actions {
                action.id = None;
            }
        }
    }
    plan
}

/// A plan of `actions` actions in 5 areas, each with 2 milestones and `updates` dated
/// progress updates: big enough to make writes take measurable time.
pub fn generated_plan(actions: usize, updates: usize) -> PlanTree {
    let mut plan = small_plan();
    plan.title = format!("Generated plan with {actions} actions");
    plan.areas.clear();
    let start = time::macros::date!(2019 - 01 - 01);
    for n in 0..actions {
        let area = n % 5;
        if plan.areas.len() <= area {
            plan.areas.push(wsoa::domain::Area {
                number: u32::try_from(area + 1).unwrap(),
                title: format!("Area of weakness {}", area + 1),
                objectives: vec![wsoa::domain::Objective {
                    number: format!("{}.1", area + 1),
                    text: "An intended outcome".into(),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
        let ratings = std::collections::BTreeMap::from([("completed".to_owned(), "G".to_owned())]);
        plan.areas[area].objectives[0]
            .actions
            .push(wsoa::domain::Action {
                reference: Some(format!("{}.{}", area + 1, n / 5 + 1)),
                text: format!(
                    "Generated action number {n}, with enough words to look like a real one."
                ),
                owners: vec!["AB".into()],
                due: Some(wsoa::domain::PartialDate::parse_iso("2020-06").unwrap()),
                due_text: Some("June 2020".into()),
                ratings: ratings.clone(),
                milestones: (0..2)
                    .map(|m| wsoa::domain::Milestone {
                        text: format!("Milestone {m}"),
                        ..Default::default()
                    })
                    .collect(),
                updates: (0..updates)
                    .map(|u| wsoa::domain::ProgressUpdate {
                        date: start + time::Duration::days(i64::try_from(u * 30).unwrap()),
                        author: Some("AB".into()),
                        narrative: format!("Update {u} on action {n}: what happened this month."),
                        ratings: ratings.clone(),
                    })
                    .collect(),
                ..Default::default()
            });
    }
    plan
}

/// The small plan with every part of `tests/fixtures/evidence.json` added: KPIs with
/// actuals, voice, "you said, we did", boards, meetings and a timeline.
pub fn plan_with_evidence() -> PlanTree {
    let mut plan: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo_path("tests/fixtures/small-plan.json")).unwrap(),
    )
    .unwrap();
    let evidence: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo_path("tests/fixtures/evidence.json")).unwrap())
            .unwrap();
    for (key, value) in evidence.as_object().unwrap() {
        plan[key] = value.clone();
    }
    read_plan_json(plan.to_string().as_bytes()).unwrap()
}

/// A tree with every stored id dropped, evidence included.
pub fn without_any_ids(plan: impl std::borrow::Borrow<PlanTree>) -> PlanTree {
    let mut plan = without_ids(plan);
    for kpi in &mut plan.kpis {
        kpi.id = None;
    }
    for quote in &mut plan.voice {
        quote.id = None;
    }
    for entry in &mut plan.you_said_we_did {
        entry.id = None;
    }
    for meeting in &mut plan.meetings {
        meeting.id = None;
    }
    plan
}
