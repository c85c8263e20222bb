//! The JSON API's conventions: problem documents, pagination, the `OpenAPI` document, and
//! the two writes (a progress update, a plan import).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, TestDb, small_plan};

async fn published(db: &TestDb) -> String {
    let stored = db.small_plan_stored().await;
    db.app
        .set_published(&Actor::System, &stored.slug, true)
        .await
        .unwrap();
    stored.slug
}

#[tokio::test]
async fn errors_are_problem_documents() {
    let db = TestDb::sqlite().await;

    let missing = db.get("/api/v1/plans/nothing-here", &Auth::Anonymous).await;
    let no_route = db.get("/api/v1/nothing", &Auth::Anonymous).await;
    let bad_action = db
        .get("/api/v1/plans/x/actions/not-a-number", &Auth::Anonymous)
        .await;

    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(
        missing.json(),
        json!({"type": "about:blank", "title": "Not Found", "status": 404,
               "detail": "plan \"nothing-here\" not found"})
    );
    assert_eq!(no_route.status, StatusCode::NOT_FOUND);
    assert_eq!(no_route.json()["status"], 404);
    assert_eq!(bad_action.status, StatusCode::NOT_FOUND);
    assert_eq!(
        bad_action.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn lists_are_paginated_with_meta_and_links() {
    let db = TestDb::sqlite().await;
    let slug = published(&db).await;
    let path = format!("/api/v1/plans/{slug}/actions");

    let first = db
        .get(&format!("{path}?per_page=3"), &Auth::Anonymous)
        .await;
    let second = db
        .get(&format!("{path}?page=2&per_page=3"), &Auth::Anonymous)
        .await;
    let too_many = db
        .get(&format!("{path}?per_page=101"), &Auth::Anonymous)
        .await;
    let zero = db.get(&format!("{path}?page=0"), &Auth::Anonymous).await;
    let words = db.get(&format!("{path}?page=two"), &Auth::Anonymous).await;

    let body = first.json();
    assert_eq!(
        body["meta"],
        json!({"page": 1, "per_page": 3, "total": 4, "total_pages": 2})
    );
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    assert_eq!(body["data"][0]["ref"], "1.1a");
    let link = first.headers[header::LINK].to_str().unwrap();
    assert!(
        link.contains(&format!("<{path}?page=2&per_page=3>; rel=\"next\"")),
        "{link}"
    );
    assert!(
        link.contains("rel=\"last\"") && !link.contains("rel=\"prev\""),
        "{link}"
    );
    assert_eq!(second.json()["data"].as_array().unwrap().len(), 1);
    assert!(
        second.headers[header::LINK]
            .to_str()
            .unwrap()
            .contains("rel=\"prev\"")
    );
    for reply in [too_many, zero, words] {
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.json()["field"].is_string());
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_and_describes_bearer_tokens() {
    let db = TestDb::sqlite().await;

    let reply = db.get("/api/v1/openapi.json", &Auth::Anonymous).await;

    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for path in [
        "/plans",
        "/plans/{plan}/actions/{action}/updates",
        "/local-areas",
        "/plans/{plan}/people",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert_eq!(
        doc,
        serde_json::to_value(wsoa::web::openapi()).unwrap(),
        "served as generated"
    );
}

/// An update dated long ago would rewrite what earlier reports said: nothing is dated
/// before the plan began, and nothing is stored.
#[tokio::test]
async fn an_update_dated_before_the_plan_began_is_refused() {
    let db = TestDb::sqlite().await;
    let slug = db.small_plan_stored().await.slug;
    let owner = db
        .user("alex@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    let token = db.token(&owner).await;
    let (_, plan) = db.app.plan(&Actor::System, &slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let path = format!("/api/v1/plans/{slug}/actions/{action}/updates");

    let long_ago = db
        .post_json(
            &path,
            &json!({"date": "1900-01-01", "narrative": "x"}),
            &token,
        )
        .await;

    assert_eq!(long_ago.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long_ago.json()["field"], "date");
    let detail = long_ago.json()["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("before the plan began"), "{detail}");
    let (_, after) = db.app.plan(&Actor::System, &slug).await.unwrap();
    assert_eq!(after, plan, "nothing stored");
}

#[tokio::test]
async fn an_owner_records_progress_through_the_api() {
    let db = TestDb::sqlite().await;
    let slug = db.small_plan_stored().await.slug;
    let owner = db
        .user("alex@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    let token = db.token(&owner).await;
    let (_, plan) = db.app.plan(&Actor::System, &slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let path = format!("/api/v1/plans/{slug}/actions/{action}/updates");

    let created = db
        .post_json(&path, &json!({"date": "2020-02-01", "narrative": "Signed off", "ratings": {"completed": "B"}}), &token)
        .await;
    let empty = db
        .post_json(&path, &json!({"narrative": "  "}), &token)
        .await;
    let bad_rating = db
        .post_json(
            &path,
            &json!({"narrative": "x", "ratings": {"completed": "Z"}}),
            &token,
        )
        .await;
    let future = db
        .post_json(
            &path,
            &json!({"date": "2031-01-01", "narrative": "x"}),
            &token,
        )
        .await;
    let unknown_field = db
        .post_json(&path, &json!({"narrative": "x", "extra": 1}), &token)
        .await;
    let too_long = db
        .post_json(
            &path,
            &json!({"narrative": "x".repeat(wsoa::app::MAX_NARRATIVE_CHARS + 1)}),
            &token,
        )
        .await;
    let not_json = db
        .send(
            Request::post(&path)
                .header(
                    header::AUTHORIZATION,
                    match &token {
                        Auth::Bearer(t) => format!("Bearer {t}"),
                        _ => unreachable!(),
                    },
                )
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("hello"))
                .unwrap(),
        )
        .await;
    let action_now = db
        .get(&format!("/api/v1/plans/{slug}/actions/{action}"), &token)
        .await;

    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let updates = created.json();
    assert_eq!(updates.as_array().unwrap().len(), 3);
    assert_eq!(
        updates[2],
        json!({"date": "2020-02-01", "author": "AB", "narrative": "Signed off", "ratings": {"completed": "B"}})
    );
    for reply in [&empty, &bad_rating, &future, &unknown_field, &too_long] {
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert_eq!(
            reply.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
    assert_eq!(empty.json()["field"], "narrative");
    let doc = serde_json::to_value(wsoa::web::openapi()).unwrap();
    assert_eq!(
        doc["components"]["schemas"]["NewUpdateRequest"]["properties"]["narrative"]["maxLength"],
        wsoa::app::MAX_NARRATIVE_CHARS,
        "the document states the limit the app enforces"
    );
    assert_eq!(not_json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(action_now.json()["ratings"]["completed"], "B");
}

#[tokio::test]
async fn an_editor_imports_a_plan_as_json() {
    let db = TestDb::sqlite().await;
    db.small_plan_stored().await;
    let editor = db
        .user("editor@example.org", Role::Editor, "Northshire", None)
        .await;
    let token = db.token(&editor).await;

    let created = db
        .post_json(
            "/api/v1/plans",
            &serde_json::to_value(small_plan()).unwrap(),
            &token,
        )
        .await;
    let broken = db
        .post_json("/api/v1/plans", &json!({"title": "No area"}), &token)
        .await;

    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        created.headers[header::LOCATION],
        "/api/v1/plans/northshire-wsoa-v2"
    );
    assert_eq!(created.json()["version"], 2);
    assert_eq!(created.json()["published"], false);
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        broken.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn the_public_reads_published_plans_without_a_token() {
    let db = TestDb::sqlite().await;
    let slug = published(&db).await;

    let plans = db.get("/api/v1/plans", &Auth::Anonymous).await;
    let people = db
        .get(&format!("/api/v1/plans/{slug}/people"), &Auth::Anonymous)
        .await;
    let write = db
        .post_json(
            "/api/v1/plans",
            &serde_json::to_value(small_plan()).unwrap(),
            &Auth::Anonymous,
        )
        .await;

    assert_eq!(plans.json()["meta"]["total"], 1);
    assert_eq!(people.json()["data"][0]["key"], "AB");
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
}
