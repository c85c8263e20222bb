//! Several local areas in one installation: nothing of one area's unpublished plans is
//! visible to another area, in lists, pages, exports, the comparison or the API.

use axum::http::StatusCode;
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, TestDb, small_plan};

struct Two {
    db: TestDb,
    north: String,
    south: String,
    north_editor: Auth,
    north_api: Auth,
}

async fn two_areas() -> Two {
    let db = TestDb::sqlite().await;
    let north = db.small_plan_stored().await.slug;
    let mut plan = small_plan();
    plan.local_area = "Southshire".into();
    plan.title = "Southshire secret plan".into();
    let south = db.app.import_plan(&Actor::System, plan).await.unwrap().slug;
    let editor = db
        .user("north@example.org", Role::Editor, "Northshire", None)
        .await;
    let north_api = db.token(&editor).await;
    let north_editor = db.session("north@example.org").await;
    Two {
        db,
        north,
        south,
        north_editor,
        north_api,
    }
}

#[tokio::test]
async fn lists_show_only_the_askers_areas() {
    let t = two_areas().await;

    let home = t.db.get("/", &t.north_editor).await;
    let api_plans = t.db.get("/api/v1/plans", &t.north_api).await;
    let api_areas = t.db.get("/api/v1/local-areas", &t.north_api).await;
    let compare = t.db.get("/compare", &t.north_editor).await;
    let public_home = t.db.get("/", &Auth::Anonymous).await;

    assert!(home.body.contains(&t.north));
    assert!(
        !home.body.contains("Southshire"),
        "another area's plan is not listed"
    );
    let plans = api_plans.json();
    assert_eq!(plans["meta"]["total"], 1);
    assert_eq!(plans["data"][0]["slug"], t.north.as_str());
    let areas = api_areas.json();
    assert_eq!(areas["data"].as_array().unwrap().len(), 1);
    assert_eq!(areas["data"][0]["name"], "Northshire");
    assert_eq!(areas["data"][0]["role"], "editor");
    assert!(compare.body.contains("Northshire") && !compare.body.contains("Southshire"));
    assert!(!public_home.body.contains("Northshire") && !public_home.body.contains("Southshire"));
}

#[tokio::test]
async fn another_areas_plan_is_not_found_wherever_it_is_asked_for() {
    let t = two_areas().await;
    let (_, plan) = t.db.app.plan(&Actor::System, &t.south).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let south = &t.south;

    for path in [
        format!("/plans/{south}"),
        format!("/plans/{south}/actions/{action}"),
        format!("/plans/{south}/audit"),
        format!("/plans/{south}/audit.csv"),
        format!("/plans/{south}/actions/{action}/audit"),
        "/areas/southshire/users".to_owned(),
        format!("/plans/{south}?q=secret"),
        format!("/plans/{south}/dashboard"),
        format!("/plans/{south}/people"),
        format!("/plans/{south}/cycles"),
        format!("/plans/{south}/structure"),
        format!("/plans/{south}/scheme"),
        format!("/plans/{south}/actions/{action}/due"),
    ] {
        let reply = t.db.get(&path, &t.north_editor).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.body.contains("Southshire secret plan"), "{path}");
    }
    for path in [
        format!("/api/v1/plans/{south}"),
        format!("/api/v1/plans/{south}/actions"),
        format!("/api/v1/plans/{south}/actions/{action}/updates"),
        format!("/api/v1/plans/{south}/people"),
    ] {
        let reply = t.db.get(&path, &t.north_api).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn an_existing_plan_and_a_missing_one_look_the_same_to_another_area() {
    let t = two_areas().await;

    let existing =
        t.db.get(&format!("/api/v1/plans/{}", t.south), &t.north_api)
            .await;
    let missing = t.db.get("/api/v1/plans/no-such-plan", &t.north_api).await;
    let by_id = t.db.get("/api/v1/plans/2", &t.north_api).await;

    assert_eq!(existing.status, missing.status);
    assert_eq!(existing.json()["title"], missing.json()["title"]);
    assert_eq!(
        by_id.status,
        StatusCode::NOT_FOUND,
        "ids cannot be walked either"
    );
}

#[tokio::test]
async fn another_areas_plan_cannot_be_changed() {
    let t = two_areas().await;
    let (_, plan) = t.db.app.plan(&Actor::System, &t.south).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;

    let page =
        t.db.post_form(
            &format!("/plans/{}/actions/{action}/updates", t.south),
            "date-day=1&date-month=2&date-year=2020&narrative=Sneaky",
            &t.north_editor,
        )
        .await;
    let publish =
        t.db.post_form(
            &format!("/plans/{}/publication", t.south),
            "published=true",
            &t.north_editor,
        )
        .await;
    let api =
        t.db.post_json(
            &format!("/api/v1/plans/{}/actions/{action}/updates", t.south),
            &serde_json::json!({"narrative": "Sneaky"}),
            &t.north_api,
        )
        .await;
    let users =
        t.db.post_form(
            "/areas/southshire/users",
            "email=spy%40example.org&role=admin&password=a+long+enough+password",
            &t.north_editor,
        )
        .await;

    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(publish.status, StatusCode::NOT_FOUND);
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(users.status, StatusCode::NOT_FOUND);
    let (summary, after) = t.db.app.plan(&Actor::System, &t.south).await.unwrap();
    assert!(!summary.published);
    assert_eq!(after, plan, "nothing changed");
    assert!(
        t.db.app
            .user_by_email(&Actor::System, "spy@example.org")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn an_adviser_compares_every_area_they_look_after() {
    let t = two_areas().await;
    t.db.user("adviser@example.org", Role::Adviser, "Northshire", None)
        .await;
    t.db.user("adviser@example.org", Role::Adviser, "Southshire", None)
        .await;
    let adviser = t.db.session("adviser@example.org").await;

    let compare = t.db.get("/compare", &adviser).await;
    let south = t.db.get(&format!("/plans/{}", t.south), &adviser).await;

    assert_eq!(compare.status, StatusCode::OK);
    assert!(compare.body.contains("Northshire") && compare.body.contains("Southshire"));
    assert!(compare.body.contains("Overdue"));
    assert!(
        compare.body.contains("aria-sort=\"none\"><a class=\"govuk-link\" href=\"/compare?sort=on-track&#38;order=descending\">On track"),
        "{}",
        compare.body
    );
    assert_eq!(
        compare.body.matches("% (").count(),
        2 * 6,
        "six share columns for each of the two plans"
    );
    assert_eq!(south.status, StatusCode::OK);
}

#[tokio::test]
async fn an_admin_cannot_take_over_an_account_from_another_area() {
    let t = two_areas().await;
    t.db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    t.db.user("south-admin@example.org", Role::Admin, "Southshire", None)
        .await;
    let admin = t.db.session("admin@example.org").await;

    let reply =
        t.db.post_form(
            "/areas/northshire/users",
            "email=south-admin%40example.org&role=viewer&password=a+password+I+now+know",
            &admin,
        )
        .await;

    // Passwords are never set from a form: the address is sent an offer of the role,
    // which its owner may accept after signing in, and the account stays as it was.
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        t.db.app
            .log_in(
                "south-admin@example.org",
                "a password I now know",
                None,
                "/"
            )
            .await
            .is_err()
    );
    let account =
        t.db.app
            .user_by_email(&Actor::System, "south-admin@example.org")
            .await
            .unwrap();
    assert_eq!(
        account.grants.len(),
        1,
        "no role in Northshire until accepted"
    );
}
