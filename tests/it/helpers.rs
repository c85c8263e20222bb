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
        let url = format!("{base}/{name}");
        let store = Store::open(&url).await.expect("PostgreSQL opens");
        Self::over(url, store, Some(name), None)
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
            let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name}"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
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
pub fn without_any_ids(plan: PlanTree) -> PlanTree {
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
