//! The pages that run a plan, driven in-process: forms post, redirect and come back with
//! their problems; every page of the demo renders and says it is sample data.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use wsoa::web;

use crate::helpers::{TestDb, small_plan};

struct Response {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(db: &TestDb, request: Request<Body>) -> Response {
    let response = web::router(db.app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(db: &TestDb, path: &str) -> Response {
    send(db, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn post_form(db: &TestDb, path: &str, body: &str) -> Response {
    send(
        db,
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

const BOUNDARY: &str = "wsoa-test-boundary";

/// A multipart body: text fields, then an optional file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"evidence_file\"; filename=\"{name}\"\r\nContent-Type: text/html\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_multipart(db: &TestDb, path: &str, body: Vec<u8>) -> Response {
    send(
        db,
        Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn small(db: &TestDb) -> (String, i64) {
    let summary = db.app.import_plan(small_plan()).await.unwrap();
    let (_, plan) = db.app.plan(&summary.slug).await.unwrap();
    let id = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    (summary.slug, id)
}

#[tokio::test]
async fn every_page_of_the_demo_renders_and_says_it_is_sample_data() {
    let db = TestDb::sqlite().await;
    let demo = db.app.load_demo_if_empty().await.unwrap().unwrap();
    let (_, plan) = db.app.plan(&demo.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let base = format!("/plans/{}", demo.slug);

    for path in [
        "/".to_owned(),
        base.clone(),
        format!("{base}/dashboard"),
        format!("{base}/people"),
        format!("{base}/cycles"),
        format!("{base}/cycles/1"),
        format!("{base}/structure"),
        format!("{base}/scheme"),
        format!("{base}/actions/{action}"),
        format!("{base}/actions/{action}/due"),
        format!("{base}?flag=overdue"),
        format!("{base}/structure/actions/new?parent={}", 1),
        "/no/such/page".to_owned(),
    ] {
        let page = get(&db, &path).await;
        assert!(
            page.status == StatusCode::OK || path == "/no/such/page",
            "{path}: {}",
            page.status
        );
        assert!(
            page.body.contains("govuk-phase-banner") && page.body.contains("Sample data"),
            "{path} says it is sample data"
        );
        assert!(
            !page.body.contains("style=\""),
            "{path} has no inline style"
        );
    }
}

#[tokio::test]
async fn a_real_plan_shows_no_sample_banner() {
    let db = TestDb::sqlite().await;
    let (plan, _) = small(&db).await;

    let page = get(&db, &format!("/plans/{plan}/dashboard")).await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Sample data"));
}

#[tokio::test]
async fn the_dashboard_counts_link_to_the_filtered_plan() {
    let db = TestDb::sqlite().await;
    let (plan, _) = small(&db).await;

    let dashboard = get(&db, &format!("/plans/{plan}/dashboard")).await;
    let filtered = get(&db, &format!("/plans/{plan}?area=1")).await;

    assert!(
        dashboard
            .body
            .contains(&format!("href=\"/plans/{plan}?area=1&#38;flag=stale\"")),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains("B – Blue"), "levels in words");
    assert!(dashboard.body.contains("<polyline"), "the completion chart");
    assert!(dashboard.body.contains("Completion by month as a table"));
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(
        filtered.body.contains("Showing 1 to 2 of 2 actions"),
        "{}",
        filtered.body
    );
    assert!(filtered.body.contains("<option value=\"1\" selected>"));
}

#[tokio::test]
async fn a_bad_filter_is_a_problem_beside_the_form() {
    let db = TestDb::sqlite().await;
    let (plan, _) = small(&db).await;

    let page = get(&db, &format!("/plans/{plan}?due_after=31%2F01%2F2020")).await;

    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("govuk-error-summary"));
    assert!(page.body.contains("href=\"#due_after\""));
    assert!(
        page.body.contains("value=\"31/01/2020\""),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn an_update_with_ratings_and_evidence_is_recorded_and_downloadable() {
    let db = TestDb::sqlite().await;
    let (plan, action) = small(&db).await;
    let path = format!("/plans/{plan}/actions/{action}/updates");

    let posted = post_multipart(
        &db,
        &path,
        multipart(
            &[
                ("narrative", "Strategy adopted by both boards."),
                ("rating-completed", "B"),
                ("rating-impact", ""),
                ("author", "AB"),
            ],
            Some(("<script>x</script>.html", b"<html>not run</html>")),
        ),
    )
    .await;
    let page = get(&db, &format!("/plans/{plan}/actions/{action}")).await;
    let link_at = page.body.find(&format!("/plans/{plan}/evidence/")).unwrap();
    let link = &page.body[link_at..];
    let link = &link[..link.find('"').unwrap()];
    let download = get(&db, link).await;

    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        posted.headers[header::LOCATION],
        format!("/plans/{plan}/actions/{action}#history")
    );
    assert!(page.body.contains("Strategy adopted by both boards."));
    assert!(
        page.body.contains("set 3 February 2020"),
        "ratings are dated"
    );
    assert!(page.body.contains("update by Alex Brown"));
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.headers[header::CONTENT_TYPE],
        "application/octet-stream"
    );
    let disposition = download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(!disposition.contains('<'), "{disposition}");
    assert_eq!(download.body, "<html>not run</html>");
}

#[tokio::test]
async fn an_update_without_a_narrative_comes_back_with_what_was_typed() {
    let db = TestDb::sqlite().await;
    let (plan, action) = small(&db).await;

    let page = post_multipart(
        &db,
        &format!("/plans/{plan}/actions/{action}/updates"),
        multipart(
            &[
                ("narrative", "  "),
                ("rating-completed", "A"),
                ("evidence_link", "https://example.org/minutes"),
            ],
            None,
        ),
    )
    .await;
    let bad_link = post_multipart(
        &db,
        &format!("/plans/{plan}/actions/{action}/updates"),
        multipart(
            &[
                ("narrative", "Progress"),
                ("evidence_link", "javascript:alert(1)"),
            ],
            None,
        ),
    )
    .await;

    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("<title>Error: "));
    assert!(page.body.contains("href=\"#narrative\""));
    assert!(
        page.body
            .contains("Enter what has happened since the last update")
    );
    assert!(page.body.contains("value=\"https://example.org/minutes\""));
    assert!(page.body.contains(
        "id=\"rating-completed-A\" name=\"rating-completed\" type=\"radio\" value=\"A\" checked"
    ));
    assert_eq!(bad_link.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_link.body.contains("href=\"#evidence_link\""));
    assert!(bad_link.body.contains(">Progress</textarea>"));
}

#[tokio::test]
async fn a_due_date_change_needs_a_reason_and_shows_in_the_history() {
    let db = TestDb::sqlite().await;
    let (plan, action) = small(&db).await;
    let path = format!("/plans/{plan}/actions/{action}/due");

    let refused = post_form(&db, &path, "due=September+2020&reason=&approved_by=Board").await;
    let accepted = post_form(
        &db,
        &path,
        "due=September+2020&reason=Families+asked+for+more+time&approved_by=SEND+Board",
    )
    .await;
    let page = get(&db, &format!("/plans/{plan}/actions/{action}")).await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#reason\""));
    assert!(refused.body.contains("value=\"September 2020\""));
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("originally due June 2020"));
    assert!(page.body.contains("due date changed"));
    assert!(
        page.body
            .contains("From June 2020 to September 2020. Reason: Families asked for more time")
    );
}

#[tokio::test]
async fn a_milestone_is_marked_done_with_a_date() {
    let db = TestDb::sqlite().await;
    let (plan, action) = small(&db).await;
    let milestone = db
        .app
        .action_page(&plan, &action.to_string())
        .await
        .unwrap()
        .record
        .milestones[1]
        .id
        .0;
    let path = format!("/plans/{plan}/actions/{action}/milestones/{milestone}/done");

    let future = post_form(&db, &path, "done_on=2030-01-01").await;
    let done = post_form(&db, &path, "done_on=2020-02-01").await;
    let page = get(&db, &format!("/plans/{plan}/actions/{action}")).await;

    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        future
            .body
            .contains(&format!("href=\"#done-on-{milestone}\""))
    );
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Done 1 February 2020"));
}

#[tokio::test]
async fn closing_a_cycle_leads_to_its_changes() {
    let db = TestDb::sqlite().await;
    let (plan, _) = small(&db).await;

    let closed = post_form(&db, &format!("/plans/{plan}/cycles/close"), "closed_by=PM").await;
    let twice = post_form(&db, &format!("/plans/{plan}/cycles/close"), "closed_by=").await;
    let settings = post_form(
        &db,
        &format!("/plans/{plan}/cycles/settings"),
        "weeks=0&start=",
    )
    .await;
    let cycles = get(&db, &format!("/plans/{plan}/cycles")).await;

    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        closed.headers[header::LOCATION],
        format!("/plans/{plan}/cycles/1")
    );
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("already closed today"));
    assert_eq!(settings.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(settings.body.contains("href=\"#weeks\""));
    assert!(cycles.body.contains("Nothing has changed."));
}

#[tokio::test]
async fn the_structure_editor_adds_moves_and_refuses_to_remove_history() {
    let db = TestDb::sqlite().await;
    let (plan, action) = small(&db).await;
    let (_, outline) = db.app.outline(&plan).await.unwrap();
    let objective = outline.areas[0].objectives[0].id.0;

    let form = get(
        &db,
        &format!("/plans/{plan}/structure/actions/new?parent={objective}"),
    )
    .await;
    let blank = post_form(
        &db,
        &format!("/plans/{plan}/structure/actions/new?parent={objective}"),
        "reference=1.2&text=&owners=AB",
    )
    .await;
    let added = post_form(
        &db,
        &format!("/plans/{plan}/structure/actions/new?parent={objective}"),
        "reference=1.2&text=Publish+the+local+offer&owners=AB&due=March+2020",
    )
    .await;
    let removed = post_form(
        &db,
        &format!("/plans/{plan}/structure/actions/{action}/remove"),
        "",
    )
    .await;
    let moved = post_form(
        &db,
        &format!("/plans/{plan}/structure/actions/{action}/move"),
        "direction=down",
    )
    .await;

    assert!(
        form.body.contains("value=\"1.1c\""),
        "the next free ref is offered"
    );
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("href=\"#text\""));
    assert!(blank.body.contains("value=\"1.2\""));
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(removed.status, StatusCode::CONFLICT);
    assert!(removed.body.contains("has progress history"));
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let (_, tree) = db.app.plan(&plan).await.unwrap();
    let refs: Vec<&str> = tree.areas[0].objectives[0]
        .actions
        .iter()
        .map(wsoa::domain::Action::label)
        .collect();
    assert_eq!(refs, ["1.1b", "1.1a", "1.2"]);
}

#[tokio::test]
async fn the_rating_key_editor_refuses_to_orphan_ratings() {
    let db = TestDb::sqlite().await;
    let (plan, _) = small(&db).await;

    let preset = post_form(&db, &format!("/plans/{plan}/scheme/preset"), "preset=rag").await;
    let page = get(&db, &format!("/plans/{plan}/scheme")).await;

    assert_eq!(preset.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preset.body.contains("cannot be rewritten"));
    assert!(page.body.contains("name=\"level-0-code\""));
    assert!(page.body.contains("BRAG(P)"));
}
