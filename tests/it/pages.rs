//! The pages, driven in-process and over a real socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use wsoa::domain::Actor;
use wsoa::web;

use crate::helpers::TestDb;

struct Response {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(db: &TestDb, path: &str) -> Response {
    let response = web::router(db.app.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The small plan, published so that anyone may read it.
async fn published(db: &TestDb) -> wsoa::domain::PlanSummary {
    let stored = db.small_plan_stored().await;
    db.app
        .set_published(&Actor::System, &stored.slug, true)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_home_page_lists_plans_with_links() {
    let db = TestDb::sqlite().await;
    let stored = published(&db).await;

    let page = get(&db, "/").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("href=\"/plans/{}\"", stored.slug))
    );
    assert!(
        page.body
            .contains("Northshire SEND Written Statement of Action")
    );
    assert!(page.body.contains("govuk-frontend.min.css"));
}

#[tokio::test]
async fn an_empty_installation_says_how_to_start() {
    let db = TestDb::sqlite().await;

    let page = get(&db, "/").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("No plan has been published yet"));
    assert!(
        page.body.contains("href=\"/login\""),
        "the public is offered to sign in"
    );
}

#[tokio::test]
async fn the_plan_page_shows_names_dates_and_ratings_in_words() {
    let db = TestDb::sqlite().await;
    let stored = published(&db).await;

    let page = get(&db, &format!("/plans/{}", stored.slug)).await;

    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Alex Brown, Chris Dale"), "owners by name");
    assert!(body.contains("April 2020 to June 2020"), "UK dates");
    assert!(
        body.contains("written “April – June 2020”"),
        "the wording kept"
    );
    assert!(body.contains("G – Green"), "ratings as text");
    assert!(body.contains("A – Amber"));
    assert!(
        body.contains("Quarterly"),
        "an undated deadline shows its words"
    );
    assert!(body.contains("(no ref)"));
    // The finding is escaped, not injected.
    assert!(
        body.contains("&#60;well enough&#62; &#38; &#34;jointly&#34;"),
        "escaped"
    );
    assert!(!body.contains("<well enough>"));
}

#[tokio::test]
async fn the_action_page_shows_milestones_and_history() {
    let db = TestDb::sqlite().await;
    let stored = published(&db).await;
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let id = plan.areas[0].objectives[0].actions[0].id.unwrap().0;

    let page = get(&db, &format!("/plans/{}/actions/{id}", stored.slug)).await;

    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Action 1.1a"));
    assert!(body.contains("Baseline of needs recorded"));
    assert!(body.contains("Done 16 December 2019"));
    assert!(body.contains("Not done"));
    assert!(body.contains("31 January 2020"));
    assert!(body.contains("Draft strategy shared."));
    assert!(body.contains("Head of SEN, Northshire Council"));
    assert!(body.contains("AR – Additional resource required"));
    // Newest update first.
    assert!(body.find("Draft strategy shared.").unwrap() < body.find("Baseline recorded").unwrap());
}

#[tokio::test]
async fn unknown_plans_and_actions_get_the_not_found_page() {
    let db = TestDb::sqlite().await;
    let stored = published(&db).await;

    for path in [
        "/plans/nope".to_owned(),
        format!("/plans/{}/actions/999999", stored.slug),
        format!("/plans/{}/actions/not-a-number", stored.slug),
        "/no/such/page".to_owned(),
        "/static/nothing.css".to_owned(),
    ] {
        let page = get(&db, &path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert!(
        get(&db, "/plans/nope")
            .await
            .body
            .contains("Page not found")
    );
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let db = TestDb::sqlite().await;

    let page = get(&db, "/").await;

    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(!page.body.contains("<script>"), "no inline script");
    assert!(!page.body.contains("style=\""), "no inline style");
}

#[tokio::test]
async fn the_stylesheet_is_served_without_the_gds_font() {
    let db = TestDb::sqlite().await;

    let css = get(&db, "/static/vendor/govuk-frontend/govuk-frontend.min.css").await;

    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
    assert!(css.body.contains(".govuk-tag"));
    assert!(css.body.contains("arial"));
    assert!(!css.body.contains("GDS Transport"));
}

/// The demo over a real socket: the home page links to the plan, the plan page links to
/// every one of its actions, and every action page answers.
#[tokio::test]
async fn the_demo_plan_is_served_whole_over_http() {
    let db = TestDb::sqlite().await;
    let demo = db.app.load_demo_if_empty().await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, web::router(db.app.clone())).into_future());
    let client = reqwest::Client::new();
    let fetch = |path: String| {
        let client = client.clone();
        async move {
            let response = client
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };

    let (status, home) = fetch("/".into()).await;
    let plan_path = format!("/plans/{}", demo.slug);
    let (plan_status, plan_page) = fetch(plan_path.clone()).await;
    let action_links: Vec<String> = plan_page
        .match_indices(&format!("href=\"{plan_path}/actions/"))
        .map(|(at, _)| {
            let rest = &plan_page[at + 6..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();

    assert_eq!(status, StatusCode::OK);
    assert!(home.contains(&format!("href=\"{plan_path}\"")));
    assert_eq!(plan_status, StatusCode::OK);
    assert_eq!(demo.actions, 46);
    assert_eq!(
        action_links.len(),
        46,
        "every action is linked from the plan page"
    );
    for link in action_links {
        let (status, page) = fetch(link.clone()).await;
        assert_eq!(status, StatusCode::OK, "{link}");
        assert!(
            page.contains("<h1 class=\"govuk-heading-xl\">Action "),
            "{link}"
        );
    }
    assert!(plan_page.contains("Steve Kay"), "owners shown by name");
    assert!(
        plan_page.contains("December 2019"),
        "due dates in the UK style, moved so the plan began six months before today"
    );
    assert!(
        plan_page.contains("Sample data"),
        "the demo says what it is"
    );
}

#[tokio::test]
async fn an_owner_records_progress_on_their_action_with_the_gov_uk_form() {
    use crate::helpers::Auth;
    use wsoa::domain::Role;

    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.user("owner@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    db.user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    let owner = db.session("owner@example.org").await;
    let viewer = db.session("viewer@example.org").await;
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let path = format!("/plans/{}/actions/{action}", stored.slug);

    let owners_page = db.get(&path, &owner).await;
    let viewers_page = db.get(&path, &viewer).await;
    let invalid = db
        .post_form(
            &format!("{path}/updates"),
            "narrative=Kept+as+typed&rating-completed=Z&evidence_link=https%3A%2F%2Fexample.org%2Fminutes",
            &owner,
        )
        .await;
    let by_the_viewer = db
        .post_form(
            &format!("{path}/updates"),
            "narrative=Not+mine&rating-completed=B",
            &viewer,
        )
        .await;
    let recorded = db
        .post_form(
            &format!("{path}/updates"),
            "narrative=Signed+off&rating-completed=B",
            &owner,
        )
        .await;
    let after = db.get(&path, &Auth::Anonymous).await;
    let after_owner = db.get(&path, &owner).await;

    assert!(owners_page.body.contains("Add an update"));
    assert!(owners_page.body.contains("name=\"rating-completed\""));
    assert!(!viewers_page.body.contains("Add an update"));
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.body.contains("<a href=\"#ratings\">")
            && invalid.body.contains("is not a level of"),
        "{}",
        invalid.body
    );
    assert!(
        invalid.body.contains("Kept as typed"),
        "the narrative is kept"
    );
    assert!(
        invalid
            .body
            .contains("value=\"https://example.org/minutes\""),
        "the link is kept"
    );
    assert!(invalid.body.contains("<title>Error: "));
    assert_eq!(by_the_viewer.status, StatusCode::FORBIDDEN);
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);
    assert_eq!(after.status, StatusCode::NOT_FOUND, "still unpublished");
    assert!(after_owner.body.contains("Signed off"));
    assert!(
        after_owner
            .body
            .contains("3 February 2020: update by Alex Brown"),
        "the author is the owner"
    );
}

/// One long-lived router, as `wsoa serve` has, so the plan page's kept main column is
/// in play: it must follow every change to the plan and never cross from one kind of
/// viewer to another.
#[tokio::test]
async fn the_kept_plan_page_follows_changes_and_viewers() {
    use crate::helpers::{Auth, with_auth};
    use wsoa::domain::Role;

    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.user(
        "editor@northshire.test",
        Role::Editor,
        &stored.local_area,
        None,
    )
    .await;
    db.user(
        "viewer@northshire.test",
        Role::Viewer,
        &stored.local_area,
        None,
    )
    .await;
    let editor = db.session("editor@northshire.test").await;
    let viewer = db.session("viewer@northshire.test").await;
    let router = web::router(db.app.clone());
    let path = format!("/plans/{}", stored.slug);
    let page = |auth: Auth| {
        let (router, path) = (router.clone(), path.clone());
        async move {
            let response = router
                .oneshot(
                    with_auth(Request::get(&path), &auth)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let edit_link = format!("href=\"/plans/{}/structure\"", stored.slug);

    let editor_before = page(editor.clone()).await;
    let viewer_before = page(viewer.clone()).await;
    assert!(editor_before.contains(&edit_link), "the editor may edit");
    assert!(
        !viewer_before.contains(&edit_link),
        "the viewer gets the viewer's page"
    );
    assert!(
        viewer_before.contains("viewer@northshire.test"),
        "with their own header"
    );
    assert_eq!(
        page(editor.clone()).await,
        editor_before,
        "kept, and the same"
    );

    db.app
        .set_published(&Actor::System, &stored.slug, true)
        .await
        .unwrap();
    let editor_after = page(editor.clone()).await;
    assert!(
        editor_after.contains("Yes: anyone can read this plan"),
        "a change to the plan shows at once"
    );
    let viewer_after = page(viewer.clone()).await;
    assert!(viewer_after.contains("Yes: anyone can read this plan"));
    assert!(!viewer_after.contains(&edit_link));

    let (_, tree) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let action = tree.actions().next().unwrap().2;
    let scheme = &tree.rating_scheme;
    let dimension = &scheme.dimensions[0].key;
    let other = scheme
        .levels
        .iter()
        .find(|l| action.ratings.get(dimension) != Some(&l.code))
        .unwrap();
    db.app
        .record_update(
            &Actor::System,
            &stored.slug,
            &action.id.unwrap().0.to_string(),
            wsoa::app::NewUpdate {
                date: time::macros::date!(2020 - 02 - 01),
                author: None,
                narrative: "Rated again".into(),
                ratings: [(dimension.clone(), other.code.clone())].into(),
            },
        )
        .await
        .unwrap();
    assert_ne!(
        page(viewer).await,
        viewer_after,
        "a new rating of an action shows at once"
    );
}
