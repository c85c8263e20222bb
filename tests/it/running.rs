//! Running a plan day to day, on SQLite and PostgreSQL: progress with evidence and
//! milestones, due-date changes, reporting cycles, structure and rating-key edits, and
//! the living demo, each done by the role allowed to do it, refused to the others, and
//! written to the audit trail.

use std::collections::BTreeMap;

use sqlx::Connection as _;
use wsoa::app::ProgressReport;
use wsoa::domain::{
    ActionFlag, Actor, AuditEvent, Error, HistoryEntry, ItemFields, ItemKind, MilestoneId,
    MoveDirection, NewDueChange, NewEvidence, PlanTree, RatingScheme, ReportingCycle, Role,
};

use crate::helpers::{TestDb, on_both_backends, small_plan};

on_both_backends!(
    progress_with_evidence_and_milestones_is_recorded_together,
    a_report_that_fails_half_way_leaves_nothing_behind,
    a_due_date_change_keeps_the_original_date_and_cannot_be_rewritten,
    closing_a_cycle_freezes_the_plan_and_later_changes_are_listed,
    editors_set_the_reporting_cycle_and_the_trail_keeps_the_old_one,
    structure_edits_keep_refs_stable,
    removing_refuses_history_and_items_still_in_use,
    the_rating_key_cannot_drop_a_level_in_use,
    the_demo_is_a_plan_in_mid_delivery,
    each_running_use_case_is_refused_to_roles_without_the_right,
);

fn first_action(plan: &PlanTree) -> String {
    plan.areas[0].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string()
}

/// The people of the small plan's area (Northshire), and an editor of another area.
struct Team {
    /// Programme team: the whole plan.
    editor: Actor,
    /// Alex Brown, "AB", who owns the first action (1.1a) but not the second.
    owner: Actor,
    /// Board member: reads everything.
    viewer: Actor,
    /// An editor of another local area.
    stranger: Actor,
}

async fn team(db: &TestDb) -> Team {
    let user = |email: &'static str, role, area: &'static str, person: Option<&'static str>| async move {
        Actor::User(db.user(email, role, area, person).await)
    };
    Team {
        editor: user(
            "editor@northshire.example",
            Role::Editor,
            "Northshire",
            None,
        )
        .await,
        owner: user(
            "alex@northshire.example",
            Role::Owner,
            "Northshire",
            Some("AB"),
        )
        .await,
        viewer: user("board@northshire.example", Role::Viewer, "Northshire", None).await,
        stranger: user(
            "editor@southshire.example",
            Role::Editor,
            "Southshire",
            None,
        )
        .await,
    }
}

/// The small plan, stored (unpublished), and its first action, with the area's team.
async fn stored(db: &TestDb) -> (String, String, Team) {
    let summary = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &summary.slug).await.unwrap();
    (summary.slug, first_action(&plan), team(db).await)
}

/// The plan's audit trail after the import, oldest first.
async fn changes(db: &TestDb, plan: &str) -> Vec<AuditEvent> {
    let (_, events) = db.app.plan_audit(&Actor::System, plan).await.unwrap();
    events
        .into_iter()
        .filter(|e| e.event != "plan.imported")
        .collect()
}

async fn progress_with_evidence_and_milestones_is_recorded_together(db: &TestDb) {
    let (plan, action, team) = stored(db).await;
    let open = db
        .app
        .action_page(&team.owner, &plan, &action)
        .await
        .unwrap()
        .record
        .milestones[1]
        .id;

    db.app
        .record_progress(
            &team.owner,
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

    let page = db
        .app
        .action_page(&team.viewer, &plan, &action)
        .await
        .unwrap();
    let record = &page.record;
    assert_eq!(record.updates.len(), 3);
    assert_eq!(record.evidence.len(), 2);
    assert!(record.milestones.iter().all(|m| m.milestone.done.is_some()));
    assert_eq!(
        record.updates.last().unwrap().update.author.as_deref(),
        Some("AB"),
        "the author is who signed in, not who they typed"
    );
    assert_eq!(
        page.found.action().ratings["completed"],
        "B",
        "the update's rating is current"
    );
    assert_eq!(
        record.ratings_last_set()["completed"],
        crate::helpers::fixed_now().date()
    );
    let HistoryEntry::Update { evidence, .. } = &record.timeline(&page.found.plan)[0] else {
        panic!("the newest entry is the update");
    };
    let file = evidence.iter().find(|e| e.file_name.is_some()).unwrap();
    let download = db
        .app
        .evidence_file(&team.viewer, &plan, &file.id.0.to_string())
        .await
        .unwrap();
    assert_eq!(download.bytes, b"%PDF-1.4 minutes");
    assert_eq!(download.content_type, "application/pdf");
    assert_eq!(
        download.disposition(),
        "attachment; filename=\"Board minutes.pdf\""
    );
    let hidden = db
        .app
        .evidence_file(&team.stranger, &plan, &file.id.0.to_string())
        .await;
    assert!(matches!(hidden, Err(Error::NotFound(_))), "{hidden:?}");
    let state = page
        .found
        .action()
        .state(&page.found.plan.rating_scheme, &page.rules);
    assert_eq!(state.flags(), vec![ActionFlag::Complete]);

    let trail = changes(db, &plan).await;
    assert_eq!(trail.len(), 1, "one entry for the whole report: {trail:?}");
    let entry = &trail[0];
    assert_eq!(
        (entry.event.as_str(), entry.actor.as_str()),
        ("progress.recorded", "alex@northshire.example")
    );
    assert_eq!(entry.action_id.unwrap().0.to_string(), action);
    assert_eq!(entry.before.as_ref().unwrap()["ratings"]["completed"], "G");
    let after = entry.after.as_ref().unwrap();
    assert_eq!(after["ratings"]["completed"], "B");
    assert_eq!(after["update"]["author"], "AB");
    assert_eq!(after["evidence"][0]["file"], "Board minutes.pdf");
    assert_eq!(after["evidence"][1]["link"], "https://example.org/strategy");
    assert_eq!(after["milestones_done"][0], open.0);
}

async fn a_report_that_fails_half_way_leaves_nothing_behind(db: &TestDb) {
    let (plan, action, team) = stored(db).await;
    let done = db
        .app
        .action_page(&team.owner, &plan, &action)
        .await
        .unwrap()
        .record
        .milestones[0]
        .id;

    let outcome = db
        .app
        .record_progress(
            &team.owner,
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
        .record_progress(&team.editor, &plan, &action, ProgressReport::default())
        .await;

    assert!(matches!(outcome, Err(Error::Invalid { .. })), "{outcome:?}");
    assert!(
        matches!(&blank, Err(Error::Invalid { field, .. }) if field == "narrative"),
        "{blank:?}"
    );
    let record = db
        .app
        .action_page(&team.owner, &plan, &action)
        .await
        .unwrap()
        .record;
    assert_eq!(record.updates.len(), 2, "no update was kept");
    assert!(record.evidence.is_empty(), "no evidence was kept");
    assert!(
        changes(db, &plan).await.is_empty(),
        "no audit entry was kept"
    );
}

async fn a_due_date_change_keeps_the_original_date_and_cannot_be_rewritten(db: &TestDb) {
    let (plan, action, team) = stored(db).await;

    let same = db
        .app
        .change_due_date(
            &team.editor,
            &plan,
            &action,
            NewDueChange::parse("April – June 2020", "No change", "Board").unwrap(),
            None,
        )
        .await;
    let by_the_owner = db
        .app
        .change_due_date(
            &team.owner,
            &plan,
            &action,
            NewDueChange::parse("December 2020", "I need more time", "Me").unwrap(),
            None,
        )
        .await;
    db.app
        .change_due_date(
            &team.editor,
            &plan,
            &action,
            NewDueChange::parse(
                "September 2020",
                "Families asked for more time",
                "SEND Board",
            )
            .unwrap(),
            Some("someone else".into()),
        )
        .await
        .unwrap();

    assert!(matches!(same, Err(Error::Invalid { .. })), "{same:?}");
    assert!(
        matches!(by_the_owner, Err(Error::Forbidden)),
        "owners do not move deadlines: {by_the_owner:?}"
    );
    let page = db
        .app
        .action_page(&team.owner, &plan, &action)
        .await
        .unwrap();
    assert_eq!(page.found.action().due.unwrap().to_string(), "2020-09");
    assert_eq!(page.found.action().due_from, None);
    let change = &page.record.due_changes[0];
    assert_eq!(page.record.due_changes.len(), 1);
    assert_eq!(change.from.unwrap().to_string(), "2020-06");
    assert_eq!(change.from_text.as_deref(), Some("April – June 2020"));
    assert_eq!(change.approved_by, "SEND Board");
    assert_eq!(
        change.author.as_deref(),
        Some("editor@northshire.example"),
        "recorded by who signed in"
    );
    assert!(change.slipped());
    assert_eq!(page.record.original_due().as_deref(), Some("June 2020"));
    let trail = changes(db, &plan).await;
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0].event, "action.due_changed");
    assert_eq!(trail[0].actor, "editor@northshire.example");
    assert_eq!(trail[0].before.as_ref().unwrap()["due"], "2020-06");
    assert_eq!(trail[0].after.as_ref().unwrap()["due"], "2020-09");
    assert_eq!(
        trail[0].after.as_ref().unwrap()["reason"],
        "Families asked for more time"
    );

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
    let (plan, action, team) = stored(db).await;
    let first = db.app.cycles(&team.viewer, &plan).await.unwrap();
    assert!(first.since_last.is_none());

    let by_the_viewer = db.app.close_cycle(&team.viewer, &plan, None).await;
    let closed = db
        .app
        .close_cycle(&team.editor, &plan, Some("PM".into()))
        .await
        .unwrap();
    let again = db.app.close_cycle(&team.editor, &plan, None).await;
    let milestone = db
        .app
        .action_page(&team.owner, &plan, &action)
        .await
        .unwrap()
        .record
        .milestones[1]
        .id;
    db.app
        .record_progress(
            &team.owner,
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
            &team.editor,
            &plan,
            &action,
            NewDueChange::parse("December 2020", "Delay", "Board").unwrap(),
            None,
        )
        .await
        .unwrap();

    assert!(
        matches!(by_the_viewer, Err(Error::Forbidden)),
        "{by_the_viewer:?}"
    );
    assert_eq!(closed.number, 1);
    assert_eq!(
        closed.closed_by.as_deref(),
        Some("editor@northshire.example"),
        "closed by who signed in, not who they typed"
    );
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let view = db.app.cycles(&team.viewer, &plan).await.unwrap();
    let changes_since = view.since_last.unwrap();
    assert_eq!(changes_since.worse(), 1, "G to R is worse");
    assert_eq!(changes_since.ratings[0].to.code, "R");
    assert_eq!(changes_since.updates_added(), 1);
    assert_eq!(changes_since.milestones[0].1, "Strategy signed off");
    assert_eq!(changes_since.slipped(), 1);
    assert_eq!(changes_since.dates[0].to, "December 2020");
    let frozen = db.app.cycle(&team.viewer, &plan, "1").await.unwrap();
    assert_eq!(
        frozen.changes.added.len(),
        4,
        "the first cycle adds every action"
    );

    let trail: Vec<(String, String)> = changes(db, &plan)
        .await
        .into_iter()
        .map(|e| (e.event, e.actor))
        .collect();
    let editor = "editor@northshire.example".to_owned();
    assert_eq!(
        trail,
        [
            ("cycle.closed".to_owned(), editor.clone()),
            (
                "progress.recorded".to_owned(),
                "alex@northshire.example".to_owned()
            ),
            ("action.due_changed".to_owned(), editor),
        ]
    );
}

async fn editors_set_the_reporting_cycle_and_the_trail_keeps_the_old_one(db: &TestDb) {
    let (plan, _, team) = stored(db).await;
    let settings = ReportingCycle::parse("4", "2020-01-06").unwrap();

    let by_the_owner = db
        .app
        .set_reporting_cycle(&team.owner, &plan, settings)
        .await;
    db.app
        .set_reporting_cycle(&team.editor, &plan, settings)
        .await
        .unwrap();

    assert!(
        matches!(by_the_owner, Err(Error::Forbidden)),
        "{by_the_owner:?}"
    );
    let running = db.app.running_plan(&team.viewer, &plan).await.unwrap();
    assert_eq!(running.cycle, settings);
    let trail = changes(db, &plan).await;
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(
        (trail[0].event.as_str(), trail[0].actor.as_str()),
        ("plan.cycle_set", "editor@northshire.example")
    );
    assert_eq!(trail[0].before.as_ref().unwrap()["weeks"], 6);
    assert_eq!(trail[0].after.as_ref().unwrap()["weeks"], 4);
    assert_eq!(trail[0].after.as_ref().unwrap()["start"], "2020-01-06");
}

async fn structure_edits_keep_refs_stable(db: &TestDb) {
    let (plan, _, team) = stored(db).await;
    let editor = &team.editor;
    let (_, outline) = db.app.outline(editor, &plan).await.unwrap();
    let (area, objective) = (&outline.areas[0], &outline.areas[0].objectives[0]);
    assert_eq!(outline.next_free_ref(area, objective), "1.1c");
    let objective_id = objective.id.0;

    let added = db
        .app
        .add_item(
            editor,
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
            editor,
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
        .move_item(editor, &plan, ItemKind::Action, added, MoveDirection::Up)
        .await
        .unwrap();
    db.app
        .move_item(editor, &plan, ItemKind::Action, added, MoveDirection::Up)
        .await
        .unwrap();

    assert!(
        matches!(&clash, Err(Error::Invalid { field, .. }) if field == "reference"),
        "{clash:?}"
    );
    let (_, tree) = db.app.plan(editor, &plan).await.unwrap();
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
            editor,
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
    let (_, tree) = db.app.plan(editor, &plan).await.unwrap();
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
        .remove_item(editor, &plan, ItemKind::Action, added)
        .await
        .unwrap();
    assert_eq!(db.app.plan(editor, &plan).await.unwrap().0.actions, 4);

    assert_structure_trail(db, &plan, added).await;
}

/// One entry per edit of the added action, by the editor, with its state before and
/// after; the refused clash left none.
async fn assert_structure_trail(db: &TestDb, plan: &str, added: i64) {
    let trail = changes(db, plan).await;
    let kinds: Vec<(&str, &str)> = trail
        .iter()
        .map(|e| (e.event.as_str(), e.entity.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("structure.added", "action"),
            ("structure.moved", "action"),
            ("structure.moved", "action"),
            ("structure.changed", "action"),
            ("structure.removed", "action"),
        ],
        "the refused clash left no entry"
    );
    assert!(trail.iter().all(|e| e.actor == "editor@northshire.example"
        && e.entity_id.as_deref() == Some(added.to_string().as_str())
        && e.action_id.map(|a| a.0) == Some(added)));
    assert_eq!(trail[0].after.as_ref().unwrap()["ref"], "1.2");
    assert_eq!(trail[3].before.as_ref().unwrap()["ref"], "1.2");
    assert_eq!(trail[3].after.as_ref().unwrap()["ref"], "1.3");
    assert_eq!(
        trail[4].before.as_ref().unwrap()["text"],
        "Publish the local offer online"
    );
    assert!(trail[4].after.is_none());
}

async fn removing_refuses_history_and_items_still_in_use(db: &TestDb) {
    let (plan, action, team) = stored(db).await;
    let editor = &team.editor;
    let (_, outline) = db.app.outline(editor, &plan).await.unwrap();

    let with_history = db
        .app
        .remove_item(editor, &plan, ItemKind::Action, action.parse().unwrap())
        .await;
    let busy_area = db
        .app
        .remove_item(editor, &plan, ItemKind::Area, outline.areas[0].id.0)
        .await;
    let owner = outline.people[0].id.0;
    let busy_person = db
        .app
        .remove_item(editor, &plan, ItemKind::Person, owner)
        .await;
    let done = outline.areas[0].objectives[0].actions[0].milestones[0].id.0;
    let done_milestone = db
        .app
        .remove_item(editor, &plan, ItemKind::Milestone, done)
        .await;

    for outcome in [with_history, busy_area, busy_person, done_milestone] {
        assert!(matches!(outcome, Err(Error::Conflict(_))), "{outcome:?}");
    }
    assert_eq!(db.app.plan(editor, &plan).await.unwrap().0.actions, 4);
    assert!(changes(db, &plan).await.is_empty());
}

async fn the_rating_key_cannot_drop_a_level_in_use(db: &TestDb) {
    let (plan, _, team) = stored(db).await;

    let to_rag = db
        .app
        .update_scheme(&team.editor, &plan, RatingScheme::rag())
        .await;
    let mut relabelled = RatingScheme::brag_p();
    relabelled.levels[1].label = "On track".into();
    let by_the_viewer = db
        .app
        .update_scheme(&team.viewer, &plan, relabelled.clone())
        .await;
    db.app
        .update_scheme(&team.editor, &plan, relabelled)
        .await
        .unwrap();

    let err = to_rag.unwrap_err().to_string();
    assert!(err.contains("cannot be rewritten"), "{err}");
    assert!(
        matches!(by_the_viewer, Err(Error::Forbidden)),
        "{by_the_viewer:?}"
    );
    let (_, tree) = db.app.plan(&team.viewer, &plan).await.unwrap();
    assert_eq!(tree.rating_scheme.levels[1].label, "On track");
    let trail = changes(db, &plan).await;
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0].event, "plan.rating_scheme_changed");
    assert_ne!(
        trail[0].before.as_ref().unwrap()["levels"][1]["label"],
        "On track"
    );
    assert_eq!(
        trail[0].after.as_ref().unwrap()["levels"][1]["label"],
        "On track"
    );
}

async fn the_demo_is_a_plan_in_mid_delivery(db: &TestDb) {
    let demo = db.app.load_demo_if_empty().await.unwrap().unwrap();

    let (running, dashboard) = db.app.dashboard(&Actor::Public, &demo.slug).await.unwrap();
    let cycles = db.app.cycles(&Actor::Public, &demo.slug).await.unwrap();

    assert!(demo.published, "anyone may read the demo");
    assert!(db.app.holds_sample_data().await.unwrap());
    assert_eq!(demo.actions, 46);
    assert!(demo.title.ends_with("(sample data)"));
    for flag in ActionFlag::ALL {
        assert!(dashboard.total.count(flag) > 0, "the demo shows {flag:?}");
    }
    assert!(cycles.closed.len() >= 3, "{} cycles", cycles.closed.len());
    let changes_since = cycles.since_last.unwrap();
    assert!(changes_since.updates_added() > 0);
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

    let accounts = db.app.create_demo_accounts(&demo.slug).await.unwrap();
    let owner = accounts.iter().find(|a| a.role == Role::Owner).unwrap();
    let key = owner.person_key.clone().unwrap();
    let own_action = running
        .plan
        .actions()
        .find(|(_, _, a)| running.plan.is_owned_by(a, &key))
        .and_then(|(_, _, a)| a.id);
    assert!(
        own_action.is_some(),
        "the demo owner has an action to update"
    );
}

/// Every use case of running a plan against every role: reads for whoever may read the
/// plan, progress for the action's owner and the area's admins and editors, the rest for
/// admins and editors; another area's unpublished plan is not found at all.
#[expect(
    clippy::too_many_lines,
    reason = "the whole permission model of running a plan, read best in one piece"
)]
async fn each_running_use_case_is_refused_to_roles_without_the_right(db: &TestDb) {
    let (plan, mine, team) = stored(db).await;
    let (_, tree) = db.app.plan(&Actor::System, &plan).await.unwrap();
    let theirs = tree.areas[0].objectives[0].actions[1]
        .id
        .unwrap()
        .0
        .to_string();
    let report = || ProgressReport {
        narrative: "Progress".into(),
        ..ProgressReport::default()
    };
    let move_due = || NewDueChange::parse("December 2021", "Reason", "Board").unwrap();
    let milestone = db
        .app
        .action_page(&Actor::System, &plan, &mine)
        .await
        .unwrap()
        .record
        .milestones[1]
        .id;

    // Reading: every member of the area; not the public or another area (unpublished).
    for reader in [&team.viewer, &team.owner, &team.editor] {
        db.app.dashboard(reader, &plan).await.unwrap();
        db.app.people(reader, &plan).await.unwrap();
        db.app.cycles(reader, &plan).await.unwrap();
        db.app
            .plan_view(reader, &plan, &wsoa::domain::FilterQuery::default())
            .await
            .unwrap();
        db.app.action_page(reader, &plan, &mine).await.unwrap();
    }
    for outsider in [&Actor::Public, &team.stranger] {
        let refused = [
            db.app.dashboard(outsider, &plan).await.err(),
            db.app.people(outsider, &plan).await.err(),
            db.app.cycles(outsider, &plan).await.err(),
            db.app.action_page(outsider, &plan, &mine).await.err(),
            db.app.outline(outsider, &plan).await.err(),
            db.app
                .record_progress(outsider, &plan, &mine, report())
                .await
                .err(),
            db.app.close_cycle(outsider, &plan, None).await.err(),
        ];
        for err in refused {
            assert!(
                matches!(err, Some(Error::NotFound(_))),
                "{outsider:?}: {err:?}"
            );
        }
    }

    // Progress: the owner on their own action only; the viewer never.
    let theirs_refused = db
        .app
        .record_progress(&team.owner, &plan, &theirs, report())
        .await;
    let viewer_refused = db
        .app
        .record_progress(&team.viewer, &plan, &mine, report())
        .await;
    let milestone_refused = db
        .app
        .complete_milestone(&team.viewer, &plan, &mine, milestone, None)
        .await;
    for err in [
        theirs_refused.err(),
        viewer_refused.err(),
        milestone_refused.err(),
    ] {
        assert!(matches!(err, Some(Error::Forbidden)), "{err:?}");
    }
    db.app
        .record_progress(&team.owner, &plan, &mine, report())
        .await
        .unwrap();
    db.app
        .record_progress(&team.editor, &plan, &theirs, report())
        .await
        .unwrap();
    db.app
        .complete_milestone(&team.owner, &plan, &mine, milestone, None)
        .await
        .unwrap();

    // Everything else: admins and editors only.
    for actor in [&team.owner, &team.viewer] {
        let refused = [
            db.app
                .change_due_date(actor, &plan, &mine, move_due(), None)
                .await
                .err(),
            db.app.outline(actor, &plan).await.err(),
            db.app.rating_key(actor, &plan).await.err(),
            db.app.close_cycle(actor, &plan, None).await.err(),
            db.app
                .set_reporting_cycle(actor, &plan, ReportingCycle::parse("4", "").unwrap())
                .await
                .err(),
            db.app
                .update_scheme(actor, &plan, RatingScheme::brag_p())
                .await
                .err(),
            db.app
                .move_item(
                    actor,
                    &plan,
                    ItemKind::Action,
                    mine.parse().unwrap(),
                    MoveDirection::Down,
                )
                .await
                .err(),
        ];
        for err in refused {
            assert!(matches!(err, Some(Error::Forbidden)), "{actor:?}: {err:?}");
        }
    }

    // Once published, the public reads it all and is asked to sign in to change it.
    db.app
        .set_published(&Actor::System, &plan, true)
        .await
        .unwrap();
    db.app.dashboard(&Actor::Public, &plan).await.unwrap();
    db.app.cycles(&Actor::Public, &plan).await.unwrap();
    db.app
        .action_page(&Actor::Public, &plan, &mine)
        .await
        .unwrap();
    let public = [
        db.app
            .record_progress(&Actor::Public, &plan, &mine, report())
            .await
            .err(),
        db.app.close_cycle(&Actor::Public, &plan, None).await.err(),
        db.app.outline(&Actor::Public, &plan).await.err(),
    ];
    for err in public {
        assert!(matches!(err, Some(Error::Unauthorized)), "{err:?}");
    }
    let stranger = db
        .app
        .change_due_date(&team.stranger, &plan, &mine, move_due(), None)
        .await;
    assert!(matches!(stranger, Err(Error::Forbidden)), "{stranger:?}");

    let events: Vec<String> = changes(db, &plan)
        .await
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events,
        [
            "progress.recorded",
            "progress.recorded",
            "milestone.done",
            "plan.published"
        ],
        "only what was allowed was recorded"
    );
}
