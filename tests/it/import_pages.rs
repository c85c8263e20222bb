//! The web import: upload a document, check the preview, confirm, and find the plan
//! stored; a second import of the same plan is its next version.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use wsoa::web;

use crate::helpers::{TestDb, on_both_backends};
use crate::import_formats::tracker_workbook;

struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn send(db: &TestDb, request: Request<Body>) -> Reply {
    let response = web::router(db.app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(db: &TestDb, path: &str) -> Reply {
    send(db, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn post(db: &TestDb, path: &str) -> Reply {
    send(db, Request::post(path).body(Body::empty()).unwrap()).await
}

/// A multipart upload of one file in the `document` field.
async fn upload(db: &TestDb, name: &str, bytes: &[u8]) -> Reply {
    let boundary = "wsoa-test-boundary-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post("/plans/import")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    send(db, request).await
}

async fn upload_preview_and_confirm(db: &TestDb) {
    let form = get(db, "/plans/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"class="govuk-file-upload""#));
    assert!(form.body.contains(r#"enctype="multipart/form-data""#));

    let uploaded = upload(db, "tracker.xlsx", &tracker_workbook()).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview_path = uploaded.location.unwrap();
    assert!(preview_path.starts_with("/plans/import/"));
    assert!(
        db.app.plans().await.unwrap().is_empty(),
        "nothing stored yet"
    );

    let preview = get(db, &preview_path).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("tracker.xlsx, read as xlsx"));
    assert!(preview.body.contains("2 areas, 2 objectives, 4 actions"));
    assert!(
        preview.body.contains("owner &#34;ZZ&#34;"),
        "the warning is shown"
    );
    assert!(preview.body.contains("Tracker!D7"), "with its cell");
    assert!(
        preview.body.contains("reviewed monthly by the SEND board"),
        "the unmapped passage is shown"
    );
    assert!(
        preview
            .body
            .contains("Publish the needs assessment &#38; share it with schools")
    );

    let confirmed = post(db, &format!("{preview_path}/confirm")).await;
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let plan_path = confirmed.location.unwrap();
    let plans = db.app.plans().await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].actions, 4);
    assert_eq!(plan_path, format!("/plans/{}", plans[0].slug));
    assert_eq!(get(db, &plan_path).await.status, StatusCode::OK);

    let again = post(db, &format!("{preview_path}/confirm")).await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "an import is confirmed once"
    );

    let second = upload(db, "tracker.xlsx", &tracker_workbook()).await;
    post(db, &format!("{}/confirm", second.location.unwrap())).await;
    let mut versions: Vec<u32> = db
        .app
        .plans()
        .await
        .unwrap()
        .iter()
        .map(|p| p.version)
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, [1, 2], "importing again adds a version");
}

on_both_backends!(upload_preview_and_confirm);

#[tokio::test]
async fn a_file_that_cannot_be_read_shows_the_form_again_with_the_reason() {
    let db = TestDb::sqlite().await;

    let reply = upload(
        &db,
        "minutes.txt",
        b"Minutes of the meeting\n\nWe talked.\n",
    )
    .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("There is a problem"));
    assert!(reply.body.contains("minutes.txt could not be imported"));
    assert!(reply.body.contains("no plan table found"));
    let empty = upload(&db, "", b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Select a file to import"));
    db.finish().await;
}

#[tokio::test]
async fn an_unknown_or_expired_import_is_not_found() {
    let db = TestDb::sqlite().await;

    let reply = get(&db, "/plans/import/0123456789abcdef").await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        post(&db, "/plans/import/0123456789abcdef/confirm")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}
