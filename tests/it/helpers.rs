//! A fresh database per test, on SQLite or PostgreSQL, and the app over it.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection as _;
use wsoa::app::{App, Clock};
use wsoa::documents::read_plan_json;
use wsoa::domain::PlanTree;
use wsoa::store::Store;

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
        let app = App::new(store.clone(), Clock::Fixed(fixed_now()));
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
pub fn without_ids(mut plan: PlanTree) -> PlanTree {
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
