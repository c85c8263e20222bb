//! Running a plan day to day, on SQLite and PostgreSQL: progress with evidence and
//! milestones, due-date changes, reporting cycles, structure and rating-key edits, and
//! the living demo.

use std::collections::BTreeMap;

use sqlx::Connection as _;
use wsoa::app::ProgressReport;
use wsoa::domain::{
    Direction, Error, Flag, ItemFields, ItemKind, MilestoneId, NewDueChange, NewEvidence, PlanTree,
    RatingScheme, TimelineEntry,
};

use crate::helpers::{TestDb, on_both_backends, small_plan};

on_both_backends!(
    progress_with_evidence_and_milestones_is_recorded_together,
    a_report_that_fails_half_way_leaves_nothing_behind,
    a_due_date_change_keeps_the_original_date_and_cannot_be_rewritten,
    closing_a_cycle_freezes_the_plan_and_later_changes_are_listed,
    structure_edits_keep_refs_stable,
    removing_refuses_history_and_items_still_in_use,
    the_rating_key_cannot_drop_a_level_in_use,
    the_demo_is_a_plan_in_mid_delivery,
);

fn first_action(plan: &PlanTree) -> String {
    plan.areas[0].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string()
}

async fn stored(db: &TestDb) -> (String, String) {
    let summary = db.app.import_plan(small_plan()).await.unwrap();
    let (_, plan) = db.app.plan(&summary.slug).await.unwrap();
    (summary.slug, first_action(&plan))
}

async fn progress_with_evidence_and_milestones_is_recorded_together(db: &TestDb) {
    let (plan, action) = stored(db).await;
    let open = db
        .app
        .action_page(&plan, &action)
        .await
        .unwrap()
        .record
        .milestones[1]
        .id;

    db.app
        .record_progress(
            &plan,
            &action,
            ProgressReport {
                author: Some("CD".into()),
                narrative: " Strategy signed off by both boards. ".into(),
                ratings: BTreeMap::from([("completed".into(), "B".into())]),
                evidence: vec![
                    NewEvidence::file("Board minutes.pdf", b"%PDF-1.4 minutes".to_vec()).unwrap(),
                    NewEvidence::link("https://example.org/strategy").unwrap(),
                ],
                milestones_done: vec![open],
            },
        )
        .await
        .unwrap();

    let page = db.app.action_page(&plan, &action).await.unwrap();
    let record = &page.record;
    assert_eq!(record.updates.len(), 3);
    assert_eq!(record.evidence.len(), 2);
    assert!(record.milestones.iter().all(|m| m.milestone.done.is_some()));
    assert_eq!(
        page.found.action().ratings["completed"],
        "B",
        "the update's rating is current"
    );
    assert_eq!(
        record.ratings_last_set()["completed"],
        crate::helpers::fixed_now().date()
    );
    let TimelineEntry::Update { evidence, .. } = &record.timeline(&page.found.plan)[0] else {
        panic!("the newest entry is the update");
    };
    let file = evidence.iter().find(|e| e.file_name.is_some()).unwrap();
    let download = db
        .app
        .evidence_file(&plan, &file.id.0.to_string())
        .await
        .unwrap();
    assert_eq!(download.bytes, b"%PDF-1.4 minutes");
    assert_eq!(download.content_type, "application/pdf");
    assert_eq!(
        download.disposition(),
        "attachment; filename=\"Board minutes.pdf\""
    );
    let state = page
        .found
        .action()
        .state(&page.found.plan.rating_scheme, &page.rules);
    assert_eq!(state.flags(), vec![Flag::Complete]);
}

async fn a_report_that_fails_half_way_leaves_nothing_behind(db: &TestDb) {
    let (plan, action) = stored(db).await;
    let done = db
        .app
        .action_page(&plan, &action)
        .await
        .unwrap()
        .record
        .milestones[0]
        .id;

    let outcome = db
        .app
        .record_progress(
            &plan,
            &action,
            ProgressReport {
                narrative: "Claims a milestone that is already done".into(),
                evidence: vec![NewEvidence::link("https://example.org").unwrap()],
                milestones_done: vec![done, MilestoneId(999_999)],
                ..ProgressReport::default()
            },
        )
        .await;
    let blank = db
        .app
        .record_progress(&plan, &action, ProgressReport::default())
        .await;

    assert!(matches!(outcome, Err(Error::Invalid { .. })), "{outcome:?}");
    assert!(
        matches!(&blank, Err(Error::Invalid { field, .. }) if field == "narrative"),
        "{blank:?}"
    );
    let record = db.app.action_page(&plan, &action).await.unwrap().record;
    assert_eq!(record.updates.len(), 2, "no update was kept");
    assert!(record.evidence.is_empty(), "no evidence was kept");
}

async fn a_due_date_change_keeps_the_original_date_and_cannot_be_rewritten(db: &TestDb) {
    let (plan, action) = stored(db).await;

    let same = db
        .app
        .change_due_date(
            &plan,
            &action,
            NewDueChange::parse("April – June 2020", "No change", "Board").unwrap(),
            None,
        )
        .await;
    db.app
        .change_due_date(
            &plan,
            &action,
            NewDueChange::parse(
                "September 2020",
                "Families asked for more time",
                "SEND Board",
            )
            .unwrap(),
            Some("AB".into()),
        )
        .await
        .unwrap();

    assert!(matches!(same, Err(Error::Invalid { .. })), "{same:?}");
    let page = db.app.action_page(&plan, &action).await.unwrap();
    assert_eq!(page.found.action().due.unwrap().to_string(), "2020-09");
    assert_eq!(page.found.action().due_from, None);
    let change = &page.record.due_changes[0];
    assert_eq!(change.from.unwrap().to_string(), "2020-06");
    assert_eq!(change.from_text.as_deref(), Some("April – June 2020"));
    assert_eq!(change.approved_by, "SEND Board");
    assert!(change.slipped());
    assert_eq!(page.record.original_due().as_deref(), Some("June 2020"));

    let rewrite = match db.store.backend() {
        wsoa::store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query("update due_change set reason = 'rewritten'")
                .execute(&mut conn)
                .await
                .map(|_| ())
        }
        wsoa::store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query("update due_change set reason = 'rewritten'")
                .execute(&mut conn)
                .await
                .map(|_| ())
        }
    };
    assert!(rewrite.unwrap_err().to_string().contains("append-only"));
}

async fn closing_a_cycle_freezes_the_plan_and_later_changes_are_listed(db: &TestDb) {
    let (plan, action) = stored(db).await;
    let first = db.app.cycles(&plan).await.unwrap();
    assert!(first.since_last.is_none());

    let closed = db.app.close_cycle(&plan, Some("PM".into())).await.unwrap();
    let again = db.app.close_cycle(&plan, None).await;
    let milestone = db
        .app
        .action_page(&plan, &action)
        .await
        .unwrap()
        .record
        .milestones[1]
        .id;
    db.app
        .record_progress(
            &plan,
            &action,
            ProgressReport {
                narrative: "Slipping".into(),
                ratings: BTreeMap::from([("completed".into(), "R".into())]),
                milestones_done: vec![milestone],
                ..ProgressReport::default()
            },
        )
        .await
        .unwrap();
    db.app
        .change_due_date(
            &plan,
            &action,
            NewDueChange::parse("December 2020", "Delay", "Board").unwrap(),
            None,
        )
        .await
        .unwrap();

    assert_eq!(closed.number, 1);
    assert_eq!(closed.closed_by.as_deref(), Some("PM"));
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let view = db.app.cycles(&plan).await.unwrap();
    let changes = view.since_last.unwrap();
    assert_eq!(changes.worse(), 1, "G to R is worse");
    assert_eq!(changes.ratings[0].to.code, "R");
    assert_eq!(changes.updates_added(), 1);
    assert_eq!(changes.milestones[0].1, "Strategy signed off");
    assert_eq!(changes.slipped(), 1);
    assert_eq!(changes.dates[0].to, "December 2020");
    let frozen = db.app.cycle(&plan, "1").await.unwrap();
    assert_eq!(
        frozen.changes.added.len(),
        4,
        "the first cycle adds every action"
    );
}

async fn structure_edits_keep_refs_stable(db: &TestDb) {
    let (plan, _) = stored(db).await;
    let (_, outline) = db.app.outline(&plan).await.unwrap();
    let (area, objective) = (&outline.areas[0], &outline.areas[0].objectives[0]);
    assert_eq!(outline.next_free_ref(area, objective), "1.1c");
    let objective_id = objective.id.0;

    let added = db
        .app
        .add_item(
            &plan,
            Some(objective_id),
            ItemFields::Action {
                reference: Some("1.2".into()),
                text: "Publish the local offer".into(),
                owners: vec!["AB".into()],
                due: wsoa::domain::parse_uk_due("March 2020"),
                due_text: Some("March 2020".into()),
            },
        )
        .await
        .unwrap();
    let clash = db
        .app
        .add_item(
            &plan,
            Some(objective_id),
            ItemFields::Action {
                reference: Some("1.1A".into()),
                text: "Clashes".into(),
                owners: Vec::new(),
                due: None,
                due_text: None,
            },
        )
        .await;
    db.app
        .move_item(&plan, ItemKind::Action, added, Direction::Up)
        .await
        .unwrap();
    db.app
        .move_item(&plan, ItemKind::Action, added, Direction::Up)
        .await
        .unwrap();

    assert!(
        matches!(&clash, Err(Error::Invalid { field, .. }) if field == "reference"),
        "{clash:?}"
    );
    let (_, tree) = db.app.plan(&plan).await.unwrap();
    let refs: Vec<&str> = tree.areas[0].objectives[0]
        .actions
        .iter()
        .map(wsoa::domain::Action::label)
        .collect();
    assert_eq!(
        refs,
        ["1.2", "1.1a", "1.1b"],
        "moved to the top, refs unchanged"
    );
    assert_eq!(tree.areas[0].objectives[0].actions[0].owners, ["AB"]);

    db.app
        .edit_item(
            &plan,
            added,
            ItemFields::Action {
                reference: Some("1.3".into()),
                text: "Publish the local offer online".into(),
                owners: vec!["CD".into()],
                due: None,
                due_text: None,
            },
        )
        .await
        .unwrap();
    let (_, tree) = db.app.plan(&plan).await.unwrap();
    let edited = &tree.areas[0].objectives[0].actions[0];
    assert_eq!(
        (edited.label(), edited.owners.as_slice()),
        ("1.3", ["CD".to_owned()].as_slice())
    );
    assert_eq!(
        edited.due.unwrap().to_string(),
        "2020-03",
        "an edit never moves the due date"
    );
    db.app
        .remove_item(&plan, ItemKind::Action, added)
        .await
        .unwrap();
    assert_eq!(db.app.plan(&plan).await.unwrap().0.actions, 4);
}

async fn removing_refuses_history_and_items_still_in_use(db: &TestDb) {
    let (plan, action) = stored(db).await;
    let (_, outline) = db.app.outline(&plan).await.unwrap();

    let with_history = db
        .app
        .remove_item(&plan, ItemKind::Action, action.parse().unwrap())
        .await;
    let busy_area = db
        .app
        .remove_item(&plan, ItemKind::Area, outline.areas[0].id.0)
        .await;
    let owner = outline.people[0].id.0;
    let busy_person = db.app.remove_item(&plan, ItemKind::Person, owner).await;
    let done = outline.areas[0].objectives[0].actions[0].milestones[0].id.0;
    let done_milestone = db.app.remove_item(&plan, ItemKind::Milestone, done).await;

    for outcome in [with_history, busy_area, busy_person, done_milestone] {
        assert!(matches!(outcome, Err(Error::Conflict(_))), "{outcome:?}");
    }
    assert_eq!(db.app.plan(&plan).await.unwrap().0.actions, 4);
}

async fn the_rating_key_cannot_drop_a_level_in_use(db: &TestDb) {
    let (plan, _) = stored(db).await;

    let to_rag = db.app.update_scheme(&plan, RatingScheme::rag()).await;
    let mut relabelled = RatingScheme::brag_p();
    relabelled.levels[1].label = "On track".into();
    db.app.update_scheme(&plan, relabelled).await.unwrap();

    let err = to_rag.unwrap_err().to_string();
    assert!(err.contains("cannot be rewritten"), "{err}");
    let (_, tree) = db.app.plan(&plan).await.unwrap();
    assert_eq!(tree.rating_scheme.levels[1].label, "On track");
}

async fn the_demo_is_a_plan_in_mid_delivery(db: &TestDb) {
    let demo = db.app.load_demo_if_empty().await.unwrap().unwrap();

    let (running, dashboard) = db.app.dashboard(&demo.slug).await.unwrap();
    let cycles = db.app.cycles(&demo.slug).await.unwrap();

    assert!(db.app.holds_sample_data().await.unwrap());
    assert_eq!(demo.actions, 46);
    assert!(demo.title.ends_with("(sample data)"));
    for flag in Flag::ALL {
        assert!(dashboard.total.count(flag) > 0, "the demo shows {flag:?}");
    }
    assert!(cycles.closed.len() >= 3, "{} cycles", cycles.closed.len());
    let changes = cycles.since_last.unwrap();
    assert!(changes.updates_added() > 0);
    let moved = running
        .plan
        .actions()
        .filter(|(_, _, a)| a.id.is_some())
        .count();
    assert_eq!(moved, 46);
    assert!(
        db.app.load_demo_if_empty().await.unwrap().is_none(),
        "loaded once"
    );
}
