//! Server time of the pages people open most, for a 250-action plan: each request goes
//! through the whole router (session lookup, permission check, the plan read or its cached
//! copy, the template) against a real SQLite file, as `wsoa serve` handles it. Run with
//! `cargo bench --bench pages`; the targets are in docs/performance.md.

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use divan::Bencher;
use tower::ServiceExt as _;
use wsoa::app::{App, Clock, NewUpdate, NewUser, PasswordCost};
use wsoa::domain::{Actor, Role, sample_plan};

fn main() {
    divan::main();
}

/// A served app holding one 250-action plan, and a viewer signed in to it.
struct Served {
    runtime: tokio::runtime::Runtime,
    app: App,
    router: Router,
    cookie: String,
    plan: String,
    action: String,
    _dir: tempfile::TempDir,
}

impl Served {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let (app, cookie, plan, action) = runtime.block_on(async {
            let app = App::open(&url, Clock::System)
                .await
                .expect("the database opens")
                .with_password_cost(PasswordCost::TestOnlyFast);
            let plan = sample_plan(250);
            let area = plan.local_area.clone();
            let summary = app
                .import_plan(&Actor::System, plan)
                .await
                .expect("the plan is stored");
            app.add_user(
                &Actor::System,
                NewUser {
                    email: "editor@bench.test".into(),
                    name: "Bench Editor".into(),
                    role: Role::Editor,
                    local_area: area,
                    person_key: None,
                    password: Some("bench-password-1".into()),
                },
            )
            .await
            .expect("the account is created");
            let session = app
                .log_in("editor@bench.test", "bench-password-1", None, "/")
                .await
                .expect("the editor signs in")
                .session()
                .expect("an editor needs no second step");
            let (_, tree) = app
                .plan(&Actor::System, &summary.slug)
                .await
                .expect("the plan reads back");
            let action = tree
                .actions()
                .nth(125)
                .and_then(|(_, _, a)| a.id)
                .expect("the plan has 250 stored actions");
            (
                app,
                format!("wsoa_session={}", session.token),
                summary.slug,
                action.0.to_string(),
            )
        });
        Self {
            router: wsoa::web::router(app.clone()),
            runtime,
            app,
            cookie,
            plan,
            action,
            _dir: dir,
        }
    }

    /// Fetches a page and checks it was served.
    fn get(&self, path: &str) -> usize {
        self.runtime.block_on(async {
            let request = Request::get(path)
                .header(header::COOKIE, &self.cookie)
                .body(Body::empty())
                .expect("a request");
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("a response");
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("the body")
                .len()
        })
    }

    /// Records an update on the action, so the next read of the plan is a fresh one.
    fn record_update(&self, n: usize) {
        self.runtime.block_on(async {
            self.app
                .record_update(
                    &Actor::System,
                    &self.plan,
                    &self.action,
                    NewUpdate {
                        date: time::macros::date!(2021 - 03 - 01),
                        author: Some("P1".into()),
                        narrative: format!("Benchmark update {n}"),
                        ratings: BTreeMap::new(),
                    },
                )
                .await
                .expect("the update is stored");
        });
    }
}

#[divan::bench(sample_count = 100)]
fn plan_page_250_actions(bencher: Bencher<'_, '_>) {
    let served = Served::new();
    let path = format!("/plans/{}", served.plan);
    bencher.bench_local(|| served.get(&path));
}

#[divan::bench(sample_count = 100)]
fn plan_page_250_actions_filtered(bencher: Bencher<'_, '_>) {
    let served = Served::new();
    let path = format!("/plans/{}?q=panel&flag=overdue", served.plan);
    bencher.bench_local(|| served.get(&path));
}

/// The plan changed since the last read: the tree is read from the database again.
#[divan::bench(sample_count = 50)]
fn plan_page_250_actions_after_an_update(bencher: Bencher<'_, '_>) {
    let served = Served::new();
    let path = format!("/plans/{}", served.plan);
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        served.record_update(n);
        served.get(&path)
    });
}

#[divan::bench(sample_count = 100)]
fn dashboard_250_actions(bencher: Bencher<'_, '_>) {
    let served = Served::new();
    let path = format!("/plans/{}/dashboard", served.plan);
    bencher.bench_local(|| served.get(&path));
}

#[divan::bench(sample_count = 100)]
fn action_page(bencher: Bencher<'_, '_>) {
    let served = Served::new();
    let path = format!("/plans/{}/actions/{}", served.plan, served.action);
    bencher.bench_local(|| served.get(&path));
}

/// Storing one progress update (the write path alone, as the update form calls it).
#[divan::bench(sample_count = 100)]
fn record_update_250_actions(bencher: Bencher<'_, '_>) {
    let served = Served::new();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        served.record_update(n);
    });
}
