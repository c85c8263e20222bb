//! The plan JSON format: export then import gives back the identical plan.

use wsoa::documents::{Format, import, read_plan_json, write_plan_json};

use wsoa::domain::Actor;

use crate::helpers::{TestDb, on_both_backends, repo_path, small_plan, without_ids};

#[test]
fn writing_and_reading_plan_json_gives_the_same_plan() {
    let plan = small_plan();

    let bytes = write_plan_json(&plan).unwrap();
    let again = read_plan_json(&bytes).unwrap();

    assert_eq!(again, plan);
    assert_eq!(write_plan_json(&again).unwrap(), bytes, "byte for byte");
}

#[test]
fn the_imported_demo_plan_round_trips_through_json() {
    let text = std::fs::read(repo_path("examples/north-east-lincolnshire-wsoa-2018.txt")).unwrap();
    let imported = import(Format::Text, &text).unwrap().plan;

    let bytes = write_plan_json(&imported).unwrap();
    let again = import(Format::detect("plan.json", &bytes), &bytes)
        .unwrap()
        .plan;

    assert_eq!(again, imported);
}

#[test]
fn a_plan_json_file_that_breaks_a_rule_says_which() {
    let mut value: serde_json::Value = serde_json::to_value(small_plan()).unwrap();
    value["areas"][0]["objectives"][0]["actions"][1]["ref"] = "1.1a".into();

    let err = read_plan_json(value.to_string().as_bytes())
        .unwrap_err()
        .to_string();

    assert!(err.contains("area 1, action 1.1a"), "{err}");
    assert!(err.contains("used twice"), "{err}");
}

on_both_backends!(export_then_import_through_the_store_is_identical);

async fn export_then_import_through_the_store_is_identical(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let exported = write_plan_json(
        &db.app
            .export_plan(&Actor::System, &stored.slug)
            .await
            .unwrap(),
    )
    .unwrap();

    let reimported = db
        .app
        .import_plan(&Actor::System, read_plan_json(&exported).unwrap())
        .await
        .unwrap();
    let exported_again = write_plan_json(
        &db.app
            .export_plan(&Actor::System, &reimported.slug)
            .await
            .unwrap(),
    )
    .unwrap();

    let first = without_ids(read_plan_json(&exported).unwrap());
    let mut second = without_ids(read_plan_json(&exported_again).unwrap());
    assert_eq!(second.version, 2, "a re-import is the next version");
    second.version = 1;
    assert_eq!(second, first);
    assert_eq!(first, small_plan());
}
