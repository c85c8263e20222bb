//! Backups and restores give back identical data, on both backends.

use std::collections::BTreeMap;

use wsoa::app::{App, Clock, NewUpdate};
use wsoa::documents::write_plan_json;
use wsoa::domain::Actor;

use crate::helpers::{TestDb, drop_postgres_database, fixed_now, on_both_backends, small_plan};

on_both_backends!(a_restored_backup_holds_identical_data);

/// Every plan as plan JSON, by slug, plus every table's row count.
async fn contents(app: &App) -> (BTreeMap<String, Vec<u8>>, Vec<(String, i64)>) {
    let mut plans = BTreeMap::new();
    for plan in app.plans(&Actor::System).await.unwrap() {
        let tree = app.export_plan(&Actor::System, &plan.slug).await.unwrap();
        plans.insert(plan.slug, write_plan_json(&tree).unwrap());
    }
    (plans, app.row_counts().await.unwrap())
}

async fn a_restored_backup_holds_identical_data(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    db.app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let action = plan.areas[1].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string();
    db.app
        .record_update(
            &Actor::System,
            &stored.slug,
            &action,
            NewUpdate {
                date: fixed_now().date(),
                author: None,
                narrative: "Recorded before the backup.".into(),
                ratings: BTreeMap::from([("completed".into(), "A".into())]),
            },
        )
        .await
        .unwrap();
    let before = contents(&db.app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.bin");

    db.app.backup(&db.url, &file).await.unwrap();
    let (target, postgres_name) = db.empty_sibling(dir.path()).await;
    wsoa::app::restore(&target, &file, false).await.unwrap();
    let restored = App::open(&target, Clock::Fixed(fixed_now())).await.unwrap();
    let after = contents(&restored).await;
    restored.close().await;
    if let Some(name) = postgres_name {
        drop_postgres_database(&name).await;
    }

    assert_eq!(before.0.len(), 2);
    assert!(
        before
            .1
            .iter()
            .any(|(table, n)| table == "progress_update" && *n == 5)
    );
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    let db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("exists.db");
    std::fs::write(&file, b"keep me").unwrap();

    let err = db.app.backup(&db.url, &file).await.unwrap_err().to_string();

    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
    db.finish().await;
}

#[tokio::test]
async fn restore_refuses_to_replace_plans_without_force() {
    let source = TestDb::sqlite().await;
    source
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    source.app.backup(&source.url, &file).await.unwrap();
    let url = format!("sqlite://{}", dir.path().join("target.db").display());
    let target = App::open(&url, Clock::Fixed(fixed_now())).await.unwrap();
    let mut other = small_plan();
    other.local_area = "Southshire".into();
    target.import_plan(&Actor::System, other).await.unwrap();
    target.close().await;

    let refused = wsoa::app::restore(&url, &file, false)
        .await
        .unwrap_err()
        .to_string();
    let forced = wsoa::app::restore(&url, &file, true).await;

    assert!(refused.contains("--force"), "{refused}");
    forced.unwrap();
    let app = App::open(&url, Clock::Fixed(fixed_now())).await.unwrap();
    let slugs: Vec<String> = app
        .plans(&Actor::System)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.slug)
        .collect();
    assert_eq!(slugs, vec!["northshire-wsoa"]);
    app.close().await;
    source.finish().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "not a database").unwrap();
    let url = format!("sqlite://{}", dir.path().join("target.db").display());

    let err = wsoa::app::restore(&url, &file, false)
        .await
        .unwrap_err()
        .to_string();

    assert!(
        err.contains("not a SQLite database") || err.contains("not a WSOA Tracker backup"),
        "{err}"
    );
    assert!(!dir.path().join("target.db").exists(), "nothing written");
}
