//! The storage suite: every test runs on SQLite and on PostgreSQL.

use std::collections::BTreeMap;

use sqlx::Connection as _;
use wsoa::app::NewUpdate;
use wsoa::domain::{Actor, Error, PlanTree};

use crate::helpers::{TestDb, fixed_now, on_both_backends, small_plan, without_ids};

on_both_backends!(
    a_stored_plan_reads_back_identical,
    an_action_read_alone_is_the_action_in_the_whole_plan,
    plans_are_found_by_id_or_slug,
    an_unknown_plan_is_not_found,
    importing_the_same_plan_again_creates_a_new_version,
    an_update_is_appended_and_sets_the_current_rating,
    a_rating_outside_the_plan_key_is_refused,
    stored_updates_cannot_be_changed,
    a_plan_that_fails_half_way_leaves_nothing_behind,
    several_plans_keep_their_own_actions,
);

async fn a_stored_plan_reads_back_identical(db: &TestDb) {
    let plan = small_plan();

    let stored = db
        .app
        .import_plan(&Actor::System, plan.clone())
        .await
        .unwrap();
    let (_, read) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();

    assert_eq!(without_ids(read.clone()), plan);
    assert!(read.actions().all(|(_, _, a)| a.id.is_some()));
    assert_eq!(stored.actions, 4);
}

async fn plans_are_found_by_id_or_slug(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();

    let by_slug = db.app.plan(&Actor::System, &stored.slug).await.unwrap().0;
    let by_id = db
        .app
        .plan(&Actor::System, &stored.id.0.to_string())
        .await
        .unwrap()
        .0;
    let listed = db.app.plans(&Actor::System).await.unwrap();

    assert_eq!(stored.slug, "northshire-wsoa");
    assert_eq!(by_slug, by_id);
    assert_eq!(listed, vec![stored]);
}

async fn an_unknown_plan_is_not_found(db: &TestDb) {
    let err = db
        .app
        .plan(&Actor::System, "no-such-plan")
        .await
        .unwrap_err();

    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains("no-such-plan"));
}

async fn importing_the_same_plan_again_creates_a_new_version(db: &TestDb) {
    let first = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();

    let second = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();

    assert_eq!((first.version, second.version), (1, 2));
    assert_ne!(first.slug, second.slug);
    assert_eq!(db.app.plans(&Actor::System).await.unwrap().len(), 2);
    // The first version is untouched.
    assert_eq!(
        without_ids(db.app.plan(&Actor::System, &first.slug).await.unwrap().1),
        small_plan()
    );
}

fn first_action_id(plan: &PlanTree) -> String {
    plan.areas[0].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string()
}

async fn an_update_is_appended_and_sets_the_current_rating(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let action = first_action_id(&db.app.plan(&Actor::System, &stored.slug).await.unwrap().1);

    db.app
        .record_update(
            &Actor::System,
            &stored.slug,
            &action,
            NewUpdate {
                date: fixed_now().date(),
                author: Some("CD".into()),
                narrative: "  Strategy signed off by both boards.  ".into(),
                ratings: BTreeMap::from([("completed".into(), "B".into())]),
            },
        )
        .await
        .unwrap();

    let found = db
        .app
        .action(&Actor::System, &stored.slug, &action)
        .await
        .unwrap();
    let a = found.action();
    assert_eq!(a.updates.len(), 3, "the two imported updates are kept");
    assert_eq!(
        a.updates[2].narrative,
        "Strategy signed off by both boards."
    );
    assert_eq!(a.ratings.get("completed").map(String::as_str), Some("B"));
    assert_eq!(
        a.ratings.get("impact").map(String::as_str),
        Some("A"),
        "untouched dimension kept"
    );
    assert_eq!(
        a.updates[0],
        small_plan().areas[0].objectives[0].actions[0].updates[0]
    );
}

async fn a_rating_outside_the_plan_key_is_refused(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let action = first_action_id(&db.app.plan(&Actor::System, &stored.slug).await.unwrap().1);
    let update = |dimension: &str, code: &str| NewUpdate {
        date: fixed_now().date(),
        author: None,
        narrative: "Progress".into(),
        ratings: BTreeMap::from([(dimension.into(), code.into())]),
    };

    let blue_impact = db
        .app
        .record_update(&Actor::System, &stored.slug, &action, update("impact", "B"))
        .await;
    let future = db
        .app
        .record_update(
            &Actor::System,
            &stored.slug,
            &action,
            NewUpdate {
                date: fixed_now().date().next_day().unwrap(),
                ..update("completed", "G")
            },
        )
        .await;

    assert!(
        matches!(blue_impact, Err(Error::Invalid { .. })),
        "{blue_impact:?}"
    );
    assert!(matches!(future, Err(Error::Invalid { .. })), "{future:?}");
    let found = db
        .app
        .action(&Actor::System, &stored.slug, &action)
        .await
        .unwrap();
    assert_eq!(found.action().updates.len(), 2, "nothing was written");
}

async fn stored_updates_cannot_be_changed(db: &TestDb) {
    db.app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();

    let outcome = match db.store.backend() {
        wsoa::store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query("update progress_update set narrative = 'rewritten'")
                .execute(&mut conn)
                .await
                .map(|_| ())
        }
        wsoa::store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query("update progress_update set narrative = 'rewritten'")
                .execute(&mut conn)
                .await
                .map(|_| ())
        }
    };

    let err = outcome.unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
}

async fn a_plan_that_fails_half_way_leaves_nothing_behind(db: &TestDb) {
    // Two areas numbered 1 pass the importer's shape but break the store's unique key
    // after the plan, its people and the first area have been written.
    let mut plan = small_plan();
    plan.areas[1].number = 1;

    let outcome = db
        .store
        .insert_plan(
            &plan,
            "broken",
            "northshire",
            &wsoa::domain::NewAuditEvent::by(&Actor::System, "plan", "plan.imported"),
            fixed_now(),
        )
        .await;

    assert!(outcome.is_err());
    assert!(db.app.plans(&Actor::System).await.unwrap().is_empty());
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    assert_eq!(
        stored.slug, "northshire-wsoa",
        "the failed slug was never taken"
    );
}

async fn several_plans_keep_their_own_actions(db: &TestDb) {
    let mut other = small_plan();
    other.local_area = "Southshire".into();
    other.title = "Southshire priority action plan".into();
    other.kind = wsoa::domain::PlanKind::PriorityActionPlan;
    other.areas.truncate(1);

    let north = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let south = db
        .app
        .import_plan(&Actor::System, other.clone())
        .await
        .unwrap();

    assert_eq!(south.slug, "southshire-priority-action-plan");
    assert_eq!(
        without_ids(db.app.plan(&Actor::System, &south.slug).await.unwrap().1),
        other
    );
    assert_eq!(north.actions, 4);
    assert_eq!(south.actions, 2);
    let north_action = first_action_id(&db.app.plan(&Actor::System, &north.slug).await.unwrap().1);
    let err = db
        .app
        .action(&Actor::System, &south.slug, &north_action)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotFound(_)),
        "an action is only found in its own plan"
    );
}

/// The write path reads one action with its area, objective, people and key; each must be
/// exactly what the whole plan holds, and an action of another plan is not found.
async fn an_action_read_alone_is_the_action_in_the_whole_plan(db: &TestDb) {
    let plan = crate::helpers::generated_plan(12, 3);
    let stored = db.app.import_plan(&Actor::System, plan).await.unwrap();
    let other = db.small_plan_stored().await;
    let whole = db.store.plan_tree(stored.id).await.unwrap();

    for (area, objective, action) in whole.actions() {
        let alone = db
            .store
            .action_tree(stored.id, action.id.unwrap())
            .await
            .unwrap();
        assert_eq!(alone.actions().count(), 1);
        let (a, o, x) = alone.actions().next().unwrap();
        assert_eq!(x, action);
        assert_eq!(o.number, objective.number);
        assert_eq!(o.text, objective.text);
        assert_eq!(a.number, area.number);
        assert_eq!(a.title, area.title);
        assert_eq!(alone.people, whole.people);
        assert_eq!(alone.rating_scheme, whole.rating_scheme);
        assert_eq!(alone.title, whole.title);
        assert!(matches!(
            db.store.action_tree(other.id, action.id.unwrap()).await,
            Err(Error::NotFound(_))
        ));
    }
}
