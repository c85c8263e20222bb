//! National-scale generated data, at a tiny scale: what `App::generate` and `wsoa
//! generate` store, what they refuse, and the cross-area view counted in SQL giving what
//! each plan's tree gives.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;

use axum::http::StatusCode;
use wsoa::app::{GenerateRequest, Generated, ProgressReport};
use wsoa::documents::{read_plan_json, write_plan_json};
use wsoa::domain::{Actor, NewDueChange, Scale, generated_area_name, generated_plan};

use crate::helpers::{
    PASSWORD, TestDb, fixed_now, on_both_backends, plan_with_evidence, without_any_ids,
};

on_both_backends!(
    the_generator_stores_the_scale_asked_for_and_the_adviser_sees_every_area,
    the_generator_refuses_a_database_that_holds_plans_unless_forced,
    the_cross_area_view_counts_what_each_plan_tree_counts,
    the_plan_as_it_stands_is_the_tree_with_each_actions_latest_update,
);

const ADVISER: &str = "adviser@generated.example";

fn request(scale: Scale, force: bool) -> GenerateRequest {
    GenerateRequest {
        scale,
        adviser: Some((ADVISER.into(), PASSWORD.into())),
        force,
    }
}

async fn the_generator_stores_the_scale_asked_for_and_the_adviser_sees_every_area(db: &TestDb) {
    let scale = Scale::new(3, 4, 5, 1).unwrap();
    let mut reported = Vec::new();

    let made = db
        .app
        .generate(&Actor::System, &request(scale, false), |n| reported.push(n))
        .await
        .unwrap();

    assert_eq!(reported, [1, 2, 3]);
    let kpis = scale.kpis_per_plan();
    assert!(kpis > 0);
    assert_eq!(
        made,
        Generated {
            plans: 3,
            actions: 12,
            updates: 60,
            actuals: 3 * kpis * 12,
        }
    );
    let rows: HashMap<String, i64> = db.store.row_counts().await.unwrap().into_iter().collect();
    // Every generated owner has an account, so reminders have recipients.
    let owners: usize = (0..scale.areas)
        .map(|i| {
            wsoa::domain::generated_plan(scale, i, fixed_now().date())
                .people
                .len()
        })
        .sum();
    assert!(owners >= 3 * 10, "10 to 40 owners an area");
    for (table, expected) in [
        ("local_area", 3),
        ("plan", 3),
        ("action", 12),
        ("progress_update", 60),
        ("kpi", 3 * kpis),
        ("kpi_actual", 3 * kpis * 12),
        ("role_grant", 3 + owners),
        ("app_user", 1 + owners),
    ] {
        assert_eq!(rows[table], i64::try_from(expected).unwrap(), "{table}");
    }
    let today = fixed_now().date();
    for index in 0..scale.areas {
        let name = generated_area_name(index);
        let summary = db
            .app
            .plans(&Actor::System)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.local_area == name)
            .unwrap();
        let stored = db
            .app
            .export_plan(&Actor::System, &summary.slug)
            .await
            .unwrap();
        let json = write_plan_json(&stored).unwrap();
        assert_eq!(
            without_any_ids(read_plan_json(&json).unwrap()),
            without_any_ids(stored.clone()),
            "{name} round-trips through plan JSON"
        );
        assert_eq!(
            without_any_ids(stored),
            generated_plan(scale, index, today),
            "{name} is stored as generated"
        );
    }
    let adviser = db.session(ADVISER).await;
    let compare = db.get("/compare", &adviser).await;
    assert_eq!(compare.status, StatusCode::OK);
    for index in 0..scale.areas {
        let name = generated_area_name(index);
        assert!(compare.body.contains(&name), "{name}: {}", compare.body);
    }
}

async fn the_generator_refuses_a_database_that_holds_plans_unless_forced(db: &TestDb) {
    db.small_plan_stored().await;
    let scale = Scale::new(2, 3, 2, 0).unwrap();

    let refused = db
        .app
        .generate(&Actor::System, &request(scale, false), |_| {})
        .await
        .unwrap_err();
    let after_refusal = db.app.plans(&Actor::System).await.unwrap().len();
    let forced = db
        .app
        .generate(&Actor::System, &request(scale, true), |_| {})
        .await
        .unwrap();
    let again = db
        .app
        .generate(&Actor::System, &request(scale, true), |_| {})
        .await
        .unwrap();

    assert!(
        refused
            .to_string()
            .contains("already holds 1 plan: generate into an empty database, or pass --force"),
        "{refused}"
    );
    assert_eq!(after_refusal, 1, "nothing was written");
    assert_eq!((forced.plans, again.plans), (2, 2));
    let plans = db.app.plans(&Actor::System).await.unwrap();
    assert_eq!(
        plans.len(),
        5,
        "the small plan is kept; a second run adds versions"
    );
    assert_eq!(
        plans.iter().filter(|p| p.version == 2).count(),
        2,
        "{plans:?}"
    );
}

async fn the_cross_area_view_counts_what_each_plan_tree_counts(db: &TestDb) {
    let today = fixed_now().date();
    let small = db.small_plan_stored().await;
    db.app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let scale = Scale::new(4, 40, 3, 0).unwrap();
    for index in 0..scale.areas {
        db.app
            .import_plan(&Actor::System, generated_plan(scale, index, today))
            .await
            .unwrap();
    }
    // Ratings and deadlines changed after the import, through the app's own writes.
    let (_, tree) = db.app.plan(&Actor::System, &small.slug).await.unwrap();
    let actions: Vec<String> = tree
        .actions()
        .filter_map(|(_, _, a)| a.id.map(|id| id.0.to_string()))
        .collect();
    db.app
        .record_progress(
            &Actor::System,
            &small.slug,
            &actions[0],
            ProgressReport {
                author: Some("CD".into()),
                narrative: "Signed off.".into(),
                ratings: BTreeMap::from([("completed".into(), "B".into())]),
                ..ProgressReport::default()
            },
        )
        .await
        .unwrap();
    db.app
        .change_due_date(
            &Actor::System,
            &small.slug,
            &actions[1],
            NewDueChange::parse("January 2019", "Brought forward", "Board").unwrap(),
            None,
        )
        .await
        .unwrap();

    let compared = db.app.compare_plans(&Actor::System).await.unwrap();

    assert_eq!(compared.len(), 2 + scale.areas);
    let mut schemes = std::collections::HashSet::new();
    for progress in &compared {
        let tree = db.store.plan_tree(progress.summary.id).await.unwrap();
        schemes.insert(tree.rating_scheme.name.clone());
        assert_eq!(
            *progress,
            tree.progress(progress.summary.clone(), today, progress.last_cycle),
            "{}",
            progress.summary.title
        );
    }
    assert!(schemes.len() >= 4, "several keys are compared: {schemes:?}");
    assert!(
        compared.iter().any(|p| p.overdue > 0 && p.unrated > 0),
        "the fixture has overdue and unrated actions"
    );
}

async fn the_plan_as_it_stands_is_the_tree_with_each_actions_latest_update(db: &TestDb) {
    let small = db.small_plan_stored().await;
    let scale = Scale::new(1, 30, 6, 1).unwrap();
    let generated = db
        .app
        .import_plan(&Actor::System, generated_plan(scale, 1, fixed_now().date()))
        .await
        .unwrap();
    let (_, tree) = db.app.plan(&Actor::System, &small.slug).await.unwrap();
    let action = tree
        .actions()
        .find_map(|(_, _, a)| a.id)
        .unwrap()
        .0
        .to_string();
    // Two updates on the same day: the one recorded last is the latest.
    for narrative in ["First of the day.", "Second of the day."] {
        db.app
            .record_progress(
                &Actor::System,
                &small.slug,
                &action,
                ProgressReport {
                    author: Some("CD".into()),
                    narrative: narrative.into(),
                    ..ProgressReport::default()
                },
            )
            .await
            .unwrap();
    }

    for plan in [small.id, generated.id] {
        let whole = db.store.plan_tree(plan).await.unwrap();
        let as_it_stands = db.store.plan_tree_as_it_stands(plan).await.unwrap();
        assert!(whole.actions().any(|(_, _, a)| a.updates.len() > 1));
        assert_eq!(as_it_stands, whole.latest_updates_only());
    }
    let (_, tree) = db.app.plan(&Actor::System, &small.slug).await.unwrap();
    let latest = db.store.plan_tree_as_it_stands(small.id).await.unwrap();
    let narrative = |t: &wsoa::domain::PlanTree| {
        t.actions()
            .find(|(_, _, a)| a.id.is_some_and(|id| id.0.to_string() == action))
            .and_then(|(_, _, a)| a.updates.last().map(|u| u.narrative.clone()))
    };
    assert_eq!(narrative(&latest).as_deref(), Some("Second of the day."));
    assert_eq!(narrative(&tree), narrative(&latest));
}

fn wsoa(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args(args)
        .env_remove("WSOA_DATABASE_URL")
        .env_remove("WSOA_PASSWORD")
        .env("WSOA_LOG", "off")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn wsoa_generate_refuses_nothing_to_generate_and_absurd_sizes_before_opening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("national.db").display());

    for (args, said) in [
        (
            &["--areas", "0"][..],
            "areas: give from 1 to 1000 local areas, not 0",
        ),
        (
            &["--actions", "100000"][..],
            "actions: give from 1 to 1000 actions per plan",
        ),
        (
            &["--areas", "1000", "--actions", "1000"][..],
            "is 60000000 updates; one run writes at most 10000000",
        ),
        (&["--updates=-1"][..], "invalid value '-1' for '--updates"),
    ] {
        let mut line = vec!["--db", db.as_str(), "generate"];
        line.extend_from_slice(args);
        let (ok, stderr) = wsoa(&line);
        assert!(!ok, "{args:?}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
    assert!(
        !dir.path().join("national.db").exists(),
        "nothing was opened"
    );
}

#[test]
fn wsoa_generate_writes_a_summary_line_and_refuses_a_second_run_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("national.db").display());
    let small = [
        "--db",
        &db,
        "generate",
        "--areas",
        "2",
        "--actions",
        "3",
        "--updates",
        "2",
        "--kpi-years",
        "1",
        "--password",
        PASSWORD,
    ];

    let (ok, first) = wsoa(&small);
    let (again_ok, again) = wsoa(&small);
    let mut forced = small.to_vec();
    forced.push("--force");
    let (forced_ok, _) = wsoa(&forced);

    assert!(ok, "{first}");
    assert!(
        first.contains("generated 2/2 areas")
            && first.contains("generated 2 plans, 6 actions, 12 updates and")
            && first.contains("adviser@generated.example is an adviser in every generated area"),
        "{first}"
    );
    assert!(
        !first.contains(PASSWORD),
        "a given password is not echoed: {first}"
    );
    assert!(!again_ok);
    assert!(again.contains("already holds 2 plans"), "{again}");
    assert!(forced_ok);
}
