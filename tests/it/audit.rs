//! The audit trail: every change is recorded with who, when, before and after, in the
//! same transaction, on both backends, and the trail cannot be changed or deleted.

use std::collections::BTreeMap;

use sqlx::Connection as _;
use wsoa::app::NewUpdate;
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, TestDb, fixed_now, on_both_backends};

on_both_backends!(
    every_change_is_recorded_with_who_and_what_before_and_after,
    the_trail_cannot_be_changed_or_deleted,
    a_refused_change_leaves_no_entry,
    the_chain_finds_an_entry_changed_behind_the_triggers,
);

/// Runs SQL as the app's own database role would, triggers dropped first: the attack the
/// hash chain exists to reveal.
async fn tamper(db: &TestDb, sql: &str) {
    match db.store.backend() {
        wsoa::store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            for drop in [
                "drop trigger if exists audit_event_append_only_update",
                "drop trigger if exists audit_event_append_only_delete",
            ] {
                sqlx::query(drop).execute(&mut conn).await.unwrap();
            }
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        wsoa::store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query("drop trigger if exists audit_event_append_only on audit_event")
                .execute(&mut conn)
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

async fn the_chain_finds_an_entry_changed_behind_the_triggers(db: &TestDb) {
    let stored = db.small_plan_stored().await;
    for published in [true, false, true] {
        db.app
            .set_published(&Actor::System, &stored.slug, published)
            .await
            .unwrap();
    }
    // Only the command line checks the whole trail.
    let admin = db
        .user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    assert!(db.app.verify_audit(&Actor::User(admin)).await.is_err());
    let intact = db.app.verify_audit(&Actor::System).await.unwrap();
    assert_eq!((intact.unchained, intact.broken), (0, None));
    let n = intact.entries;
    assert!(n >= 4, "{n}");
    let head = intact.head.clone().unwrap();
    assert_eq!(head.len(), 64, "{head}");

    let ids: Vec<i64> = db
        .app
        .plan_audit(&Actor::System, &stored.slug)
        .await
        .unwrap()
        .1
        .iter()
        .map(|e| e.id)
        .collect();
    // A removed entry breaks the link of the one after it.
    tamper(
        db,
        &format!("delete from audit_event where audit_event_id = {}", ids[1]),
    )
    .await;
    let removed = db.app.verify_audit(&Actor::System).await.unwrap();
    assert_eq!(
        (removed.entries, removed.broken.map(|b| b.0)),
        (n - 1, Some(ids[2]))
    );

    // A new entry chains on from the tail; a changed earlier entry is now the first break.
    db.app
        .set_published(&Actor::System, &stored.slug, false)
        .await
        .unwrap();
    tamper(
        db,
        &format!(
            "update audit_event set actor = 'someone else' where audit_event_id = {}",
            ids[0]
        ),
    )
    .await;
    let changed = db.app.verify_audit(&Actor::System).await.unwrap();
    assert_eq!(
        (changed.entries, changed.broken.map(|b| b.0)),
        (n, Some(ids[0]))
    );
}

async fn every_change_is_recorded_with_who_and_what_before_and_after(db: &TestDb) {
    let stored = db.small_plan_stored().await;
    let owner = db
        .user("alex@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    let owner_actor = Actor::User(owner.clone());
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string();

    db.app
        .record_update(
            &owner_actor,
            &stored.slug,
            &action,
            NewUpdate {
                date: fixed_now().date(),
                author: Some("someone else".into()),
                narrative: "Strategy adopted".into(),
                ratings: BTreeMap::from([("completed".into(), "B".into())]),
            },
        )
        .await
        .unwrap();
    db.app
        .set_published(&Actor::System, &stored.slug, true)
        .await
        .unwrap();
    let token = db
        .app
        .create_token(&owner_actor, owner.id, "dashboard")
        .await
        .unwrap();
    db.app.revoke_token(&owner_actor, token.id).await.unwrap();

    let (_, events) = db
        .app
        .plan_audit(&Actor::System, &stored.slug)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        kinds,
        ["plan.imported", "progress.recorded", "plan.published"]
    );
    let recorded = &events[1];
    assert_eq!(recorded.actor, "alex@example.org");
    assert_eq!(recorded.occurred_at, fixed_now());
    assert_eq!(
        recorded.before.as_ref().unwrap()["ratings"]["completed"],
        "G"
    );
    assert_eq!(
        recorded.after.as_ref().unwrap()["ratings"]["completed"],
        "B"
    );
    assert_eq!(
        recorded.after.as_ref().unwrap()["update"]["author"],
        "AB",
        "the author is who signed in"
    );
    assert_eq!(events[0].actor, "system (command line)");
    assert_eq!(events[2].before.as_ref().unwrap()["published"], false);
    let (_, for_action) = db
        .app
        .action_audit(&Actor::System, &stored.slug, &action)
        .await
        .unwrap();
    assert_eq!(for_action.len(), 1);

    let all = all_events(db).await;
    for expected in [
        "user.created",
        "user.role_granted",
        "api_token.created",
        "api_token.revoked",
    ] {
        assert!(all.iter().any(|e| e == expected), "{expected} in {all:?}");
    }
}

async fn all_events(db: &TestDb) -> Vec<String> {
    match db.store.backend() {
        wsoa::store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query_scalar("select event from audit_event order by audit_event_id")
                .fetch_all(&mut conn)
                .await
                .unwrap()
        }
        wsoa::store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query_scalar("select event from audit_event order by audit_event_id")
                .fetch_all(&mut conn)
                .await
                .unwrap()
        }
    }
}

async fn the_trail_cannot_be_changed_or_deleted(db: &TestDb) {
    db.small_plan_stored().await;

    let (update, delete) = match db.store.backend() {
        wsoa::store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            let update = sqlx::query("update audit_event set actor = 'someone else'")
                .execute(&mut conn)
                .await
                .map(|_| ());
            let delete = sqlx::query("delete from audit_event")
                .execute(&mut conn)
                .await
                .map(|_| ());
            (update, delete)
        }
        wsoa::store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let update = sqlx::query("update audit_event set actor = 'someone else'")
                .execute(&mut conn)
                .await
                .map(|_| ());
            let delete = sqlx::query("delete from audit_event")
                .execute(&mut conn)
                .await
                .map(|_| ());
            (update, delete)
        }
    };

    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(all_events(db).await, ["plan.imported"]);
}

async fn a_refused_change_leaves_no_entry(db: &TestDb) {
    let stored = db.small_plan_stored().await;
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string();

    let refused = db
        .app
        .record_update(
            &Actor::System,
            &stored.slug,
            &action,
            NewUpdate {
                date: fixed_now().date(),
                author: None,
                narrative: "Rated on a level the key does not have".into(),
                ratings: BTreeMap::from([("completed".into(), "X".into())]),
            },
        )
        .await;

    assert!(refused.is_err());
    assert_eq!(all_events(db).await, ["plan.imported"]);
}

#[tokio::test]
async fn the_history_pages_and_the_csv_show_the_changes() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.user("editor@example.org", Role::Editor, "Northshire", None)
        .await;
    let editor = db.session("editor@example.org").await;
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let recorded = db
        .post_form(
            &format!("/plans/{}/actions/{action}/updates", stored.slug),
            "date-day=3&date-month=2&date-year=2020&narrative=%3Dcmd%7C+signed+off&rating-completed=B",
            &editor,
        )
        .await;

    let page = db
        .get(&format!("/plans/{}/audit", stored.slug), &editor)
        .await;
    let action_page = db
        .get(
            &format!("/plans/{}/actions/{action}/audit", stored.slug),
            &editor,
        )
        .await;
    let csv = db
        .get(&format!("/plans/{}/audit.csv", stored.slug), &editor)
        .await;
    let public = db
        .get(
            &format!("/plans/{}/audit.csv", stored.slug),
            &Auth::Anonymous,
        )
        .await;

    assert_eq!(recorded.status, axum::http::StatusCode::SEE_OTHER);
    assert!(page.body.contains("Plan imported") && page.body.contains("Progress recorded"));
    assert!(page.body.contains("editor@example.org"));
    assert!(page.body.contains("3 February 2020"));
    assert!(
        action_page.body.contains("Progress recorded")
            && !action_page.body.contains("Plan imported")
    );
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..4], ["id", "occurred_at", "actor", "event"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[1][3], "progress.recorded");
    assert!(rows[1][9].contains("\"completed\":\"B\""));
    assert!(
        rows[1][9].contains("=cmd|"),
        "the narrative is in the after column"
    );
    assert_eq!(public.status, axum::http::StatusCode::NOT_FOUND);
}
