//! The pages that run a plan, driven in-process as the people who use them: forms post,
//! redirect and come back with their problems; forms show only to those allowed to use
//! them; every page of the demo renders and says it is sample data.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, Reply as Response, TestDb, small_plan, with_auth};

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

/// A multipart POST as a same-origin browser sends it.
async fn post_multipart(db: &TestDb, path: &str, body: Vec<u8>, auth: &Auth) -> Response {
    db.send(
        with_auth(Request::post(path), auth)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// The small plan (Northshire, unpublished), its first action (owned by AB), and a
/// signed-in session for each of the area's editor, AB as owner, and a viewer.
struct Small {
    plan: String,
    action: i64,
    editor: Auth,
    owner: Auth,
    viewer: Auth,
}

async fn small(db: &TestDb) -> Small {
    let summary = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &summary.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    for (email, role, person) in [
        ("editor@northshire.example", Role::Editor, None),
        ("alex@northshire.example", Role::Owner, Some("AB")),
        ("board@northshire.example", Role::Viewer, None),
    ] {
        db.user(email, role, "Northshire", person).await;
    }
    Small {
        plan: summary.slug,
        action,
        editor: db.session("editor@northshire.example").await,
        owner: db.session("alex@northshire.example").await,
        viewer: db.session("board@northshire.example").await,
    }
}

#[tokio::test]
async fn every_page_of_the_demo_renders_and_says_it_is_sample_data() {
    let db = TestDb::sqlite().await;
    let demo = db.app.load_demo_if_empty().await.unwrap().unwrap();
    let accounts = db.app.create_demo_accounts(&demo.slug).await.unwrap();
    let editor = accounts.iter().find(|a| a.role == Role::Editor).unwrap();
    let editor = Auth::Cookie(
        db.app
            .log_in(&editor.email, &editor.password, None, "/")
            .await
            .unwrap()
            .session()
            .unwrap()
            .token,
    );
    let (_, plan) = db.app.plan(&Actor::System, &demo.slug).await.unwrap();
    let action = plan.areas[0].objectives[0].actions[0].id.unwrap().0;
    let base = format!("/plans/{}", demo.slug);
    let for_everyone = [
        "/".to_owned(),
        base.clone(),
        format!("{base}/dashboard"),
        format!("{base}/people"),
        format!("{base}/cycles"),
        format!("{base}/cycles/1"),
        format!("{base}/actions/{action}"),
        format!("{base}?flag=overdue"),
    ];
    let for_editors = [
        format!("{base}/structure"),
        format!("{base}/scheme"),
        format!("{base}/actions/{action}/due"),
        format!("{base}/structure/actions/new?parent={}", 1),
    ];

    for (path, auth, status) in for_everyone
        .iter()
        .map(|p| (p, &editor, StatusCode::OK))
        .chain(
            for_everyone
                .iter()
                .map(|p| (p, &Auth::Anonymous, StatusCode::OK)),
        )
        .chain(for_editors.iter().map(|p| (p, &editor, StatusCode::OK)))
        .chain(
            for_editors
                .iter()
                .map(|p| (p, &Auth::Anonymous, StatusCode::UNAUTHORIZED)),
        )
        .chain([(&"/no/such/page".to_owned(), &editor, StatusCode::NOT_FOUND)])
    {
        let page = db.get(path, auth).await;
        assert_eq!(page.status, status, "{path} as {auth:?}");
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

/// The plan page is served gzipped to browsers (which all ask for it), and put its
/// sample-data banner in itself: once, as on every other page.
#[tokio::test]
async fn the_demo_plan_page_gzipped_has_the_banner_once() {
    use std::io::Read as _;
    let db = TestDb::sqlite().await;
    let demo = db.app.load_demo_if_empty().await.unwrap().unwrap();
    let path = format!("/plans/{}", demo.slug);
    let plain = db.get(&path, &Auth::Anonymous).await;

    let response = db
        .send(
            Request::get(&path)
                .header(header::ACCEPT_ENCODING, "br;q=1.0, gzip;q=0.8, *;q=0.1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers[header::CONTENT_ENCODING], "gzip");
    let raw = crate::helpers::send_raw(
        &db.app,
        Request::get(&path)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let mut html = String::new();
    flate2::read::GzDecoder::new(raw.as_slice())
        .read_to_string(&mut html)
        .unwrap();
    assert_eq!(html, plain.body, "the same page, gzipped");
    assert_eq!(html.matches("app-sample-banner").count(), 1, "one banner");
    assert!(html.contains("Sample data"));
    assert!(!plain.headers.contains_key(header::CONTENT_ENCODING));
}

#[tokio::test]
async fn a_real_plan_shows_no_sample_banner() {
    let db = TestDb::sqlite().await;
    let t = small(&db).await;

    let page = db
        .get(&format!("/plans/{}/dashboard", t.plan), &t.viewer)
        .await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Sample data"));
}

#[tokio::test]
async fn the_dashboard_counts_link_to_the_filtered_plan() {
    let db = TestDb::sqlite().await;
    let t = small(&db).await;
    let plan = &t.plan;

    let dashboard = db.get(&format!("/plans/{plan}/dashboard"), &t.viewer).await;
    let filtered = db.get(&format!("/plans/{plan}?area=1"), &t.viewer).await;

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
    let t = small(&db).await;

    let page = db
        .get(
            &format!("/plans/{}?due_after=31%2F01%2F2020", t.plan),
            &t.viewer,
        )
        .await;

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
    let t = small(&db).await;
    let (plan, action) = (&t.plan, t.action);
    let path = format!("/plans/{plan}/actions/{action}/updates");

    let posted = post_multipart(
        &db,
        &path,
        multipart(
            &[
                ("narrative", "Strategy adopted by both boards."),
                ("rating-completed", "B"),
                ("rating-impact", ""),
                ("author", "CD"),
            ],
            Some(("<script>x</script>.txt", b"<html>not run</html>")),
        ),
        &t.owner,
    )
    .await;
    let program = post_multipart(
        &db,
        &path,
        multipart(
            &[("narrative", "Installer attached.")],
            Some(("tool.exe", b"MZ\x90\x00 not a document")),
        ),
        &t.owner,
    )
    .await;
    let disguised = post_multipart(
        &db,
        &path,
        multipart(
            &[("narrative", "Minutes attached.")],
            Some(("minutes.pdf", b"MZ\x90\x00 not a document")),
        ),
        &t.owner,
    )
    .await;
    let page = db
        .get(&format!("/plans/{plan}/actions/{action}"), &t.viewer)
        .await;
    let link_at = page.body.find(&format!("/plans/{plan}/evidence/")).unwrap();
    let link = &page.body[link_at..];
    let link = &link[..link.find('"').unwrap()];
    let download = db.get(link, &t.viewer).await;
    let hidden = db.get(link, &Auth::Anonymous).await;

    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        posted.headers[header::LOCATION],
        format!("/plans/{plan}/actions/{action}#history")
    );
    assert_eq!(program.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(program.body.contains("must be a PDF, a Word, Excel"));
    assert_eq!(disguised.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        disguised
            .body
            .contains("ends in .pdf, but what is inside is not a .pdf file")
    );
    assert!(
        !page.body.contains("Installer attached."),
        "nothing half-saved"
    );
    assert!(page.body.contains("Strategy adopted by both boards."));
    assert!(
        page.body.contains("set 3 February 2020"),
        "ratings are dated"
    );
    assert!(
        page.body.contains("update by Alex Brown"),
        "the author is who signed in, whatever the form says"
    );
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.headers[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let disposition = download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(!disposition.contains('<'), "{disposition}");
    assert_eq!(download.body, "<html>not run</html>");
    assert_eq!(
        hidden.status,
        StatusCode::NOT_FOUND,
        "an unpublished plan's evidence is hidden from the public"
    );
}

#[tokio::test]
async fn the_forms_show_only_to_whoever_may_use_them() {
    let db = TestDb::sqlite().await;
    let t = small(&db).await;
    let (plan, action) = (&t.plan, t.action);
    let path = format!("/plans/{plan}/actions/{action}");
    let other = db.app.plan(&Actor::System, plan).await.unwrap().1.areas[0].objectives[0].actions
        [1]
    .id
    .unwrap()
    .0;

    let as_editor = db.get(&path, &t.editor).await;
    let as_owner = db.get(&path, &t.owner).await;
    let not_theirs = db
        .get(&format!("/plans/{plan}/actions/{other}"), &t.owner)
        .await;
    let as_viewer = db.get(&path, &t.viewer).await;
    let viewer_posts = post_multipart(
        &db,
        &format!("{path}/updates"),
        multipart(&[("narrative", "")], None),
        &t.viewer,
    )
    .await;
    let cycles = db.get(&format!("/plans/{plan}/cycles"), &t.viewer).await;
    let plan_for_editor = db.get(&format!("/plans/{plan}"), &t.editor).await;
    let plan_for_owner = db.get(&format!("/plans/{plan}"), &t.owner).await;

    let update_form = format!("action=\"{path}/updates\"");
    let due_link = format!("href=\"{path}/due\"");
    assert!(as_editor.body.contains(&update_form));
    assert!(as_editor.body.contains(&due_link));
    assert!(plan_for_editor.body.contains("Edit structure"));
    assert!(as_owner.body.contains(&update_form));
    assert!(as_owner.body.contains("Mark done"));
    assert!(
        !as_owner.body.contains(&due_link),
        "owners do not move deadlines"
    );
    assert!(
        plan_for_editor
            .body
            .contains(&format!("href=\"/plans/{plan}/scheme\""))
    );
    assert!(!plan_for_owner.body.contains("Edit structure"));
    assert!(
        !plan_for_owner
            .body
            .contains(&format!("href=\"/plans/{plan}/scheme\""))
    );
    assert!(!not_theirs.body.contains("/updates\""), "not their action");
    assert!(!as_viewer.body.contains(&update_form));
    assert!(!as_viewer.body.contains("Mark done"));
    assert_eq!(
        viewer_posts.status,
        StatusCode::FORBIDDEN,
        "refused before the form's problems are looked at"
    );
    assert_eq!(cycles.status, StatusCode::OK);
    assert!(!cycles.body.contains("Close the cycle"));
    assert!(!cycles.body.contains("Save cycle settings"));
}

#[tokio::test]
async fn an_update_without_a_narrative_comes_back_with_what_was_typed() {
    let db = TestDb::sqlite().await;
    let t = small(&db).await;
    let (plan, action) = (&t.plan, t.action);

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
        &t.owner,
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
        &t.editor,
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
    let t = small(&db).await;
    let (plan, action) = (&t.plan, t.action);
    let path = format!("/plans/{plan}/actions/{action}/due");

    let by_the_owner = db
        .post_form(
            &path,
            "due=September+2020&reason=I+need+more+time&approved_by=Me",
            &t.owner,
        )
        .await;
    let refused = db
        .post_form(
            &path,
            "due=September+2020&reason=&approved_by=Board",
            &t.editor,
        )
        .await;
    let accepted = db
        .post_form(
            &path,
            "due=September+2020&reason=Families+asked+for+more+time&approved_by=SEND+Board",
            &t.editor,
        )
        .await;
    let page = db
        .get(&format!("/plans/{plan}/actions/{action}"), &t.viewer)
        .await;

    assert_eq!(by_the_owner.status, StatusCode::FORBIDDEN);
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
    assert!(page.body.contains("recorded by editor@northshire.example"));
}

#[tokio::test]
async fn a_milestone_is_marked_done_with_a_date() {
    let db = TestDb::sqlite().await;
    let t = small(&db).await;
    let (plan, action) = (&t.plan, t.action);
    let milestone = db
        .app
        .action_page(&Actor::System, plan, &action.to_string())
        .await
        .unwrap()
        .record
        .milestones[1]
        .id
        .0;
    let path = format!("/plans/{plan}/actions/{action}/milestones/{milestone}/done");

    let by_the_viewer = db.post_form(&path, "done_on=2020-02-01", &t.viewer).await;
    let future = db.post_form(&path, "done_on=2030-01-01", &t.owner).await;
    let done = db.post_form(&path, "done_on=2020-02-01", &t.owner).await;
    let page = db
        .get(&format!("/plans/{plan}/actions/{action}"), &t.viewer)
        .await;

    assert_eq!(by_the_viewer.status, StatusCode::FORBIDDEN);
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
    let t = small(&db).await;
    let plan = &t.plan;

    let by_the_owner = db
        .post_form(&format!("/plans/{plan}/cycles/close"), "", &t.owner)
        .await;
    let closed = db
        .post_form(&format!("/plans/{plan}/cycles/close"), "", &t.editor)
        .await;
    let twice = db
        .post_form(&format!("/plans/{plan}/cycles/close"), "", &t.editor)
        .await;
    let settings = db
        .post_form(
            &format!("/plans/{plan}/cycles/settings"),
            "weeks=0&start=",
            &t.editor,
        )
        .await;
    let cycles = db.get(&format!("/plans/{plan}/cycles"), &t.editor).await;
    let first = db.get(&format!("/plans/{plan}/cycles/1"), &t.viewer).await;

    assert_eq!(by_the_owner.status, StatusCode::FORBIDDEN);
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
    assert!(
        first.body.contains("editor@northshire.example"),
        "closed by who signed in"
    );
}

#[tokio::test]
async fn the_structure_editor_adds_moves_and_refuses_to_remove_history() {
    let db = TestDb::sqlite().await;
    let t = small(&db).await;
    let (plan, action) = (&t.plan, t.action);
    let (_, outline) = db.app.outline(&Actor::System, plan).await.unwrap();
    let objective = outline.areas[0].objectives[0].id.0;
    let new = format!("/plans/{plan}/structure/actions/new?parent={objective}");

    let for_the_owner = db.get(&format!("/plans/{plan}/structure"), &t.owner).await;
    let owner_adds = db
        .post_form(&new, "reference=1.2&text=Mine&owners=AB", &t.owner)
        .await;
    let form = db.get(&new, &t.editor).await;
    let blank = db
        .post_form(&new, "reference=1.2&text=&owners=AB", &t.editor)
        .await;
    let added = db
        .post_form(
            &new,
            "reference=1.2&text=Publish+the+local+offer&owners=AB&due=March+2020",
            &t.editor,
        )
        .await;
    let removed = db
        .post_form(
            &format!("/plans/{plan}/structure/actions/{action}/remove"),
            "",
            &t.editor,
        )
        .await;
    let moved = db
        .post_form(
            &format!("/plans/{plan}/structure/actions/{action}/move"),
            "direction=down",
            &t.editor,
        )
        .await;

    assert_eq!(for_the_owner.status, StatusCode::FORBIDDEN);
    assert_eq!(owner_adds.status, StatusCode::FORBIDDEN);
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
    let (_, tree) = db.app.plan(&Actor::System, plan).await.unwrap();
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
    let t = small(&db).await;
    let plan = &t.plan;

    let by_the_viewer = db
        .post_form(
            &format!("/plans/{plan}/scheme/preset"),
            "preset=rag",
            &t.viewer,
        )
        .await;
    let preset = db
        .post_form(
            &format!("/plans/{plan}/scheme/preset"),
            "preset=rag",
            &t.editor,
        )
        .await;
    let page = db.get(&format!("/plans/{plan}/scheme"), &t.editor).await;

    assert_eq!(by_the_viewer.status, StatusCode::FORBIDDEN);
    assert_eq!(preset.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(preset.body.contains("cannot be rewritten"));
    assert!(page.body.contains("name=\"level-0-code\""));
    assert!(page.body.contains("BRAG(P)"));
}

#[tokio::test]
async fn an_owner_lands_on_their_actions_this_cycle_and_sees_them_updated() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.user("cd@example.org", Role::Owner, "Northshire", Some("CD"))
        .await;
    db.user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    let owner = db.session("cd@example.org").await;
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let theirs: Vec<i64> = plan
        .actions()
        .filter(|(_, _, a)| plan.is_owned_by(a, "CD"))
        .map(|(_, _, a)| a.id.unwrap().0)
        .collect();
    assert!(!theirs.is_empty());

    let home = db.get("/", &owner).await;
    assert!(
        home.body
            .contains("<h1 class=\"govuk-heading-xl\">Your actions this cycle</h1>"),
        "{}",
        home.body
    );
    assert_eq!(
        home.body.matches("govuk-task-list__item ").count(),
        theirs.len()
    );
    for id in &theirs {
        assert!(
            home.body.contains(&format!("/actions/{id}#add-update")),
            "action {id}"
        );
    }
    let status = |body: &str, id: i64| {
        let start = body.find(&format!("id=\"task-{id}-status\">")).unwrap();
        let rest = &body[start..];
        rest[rest.find('>').unwrap() + 1..rest.find("</div>").unwrap()]
            .trim()
            .to_owned()
    };
    let statuses: Vec<String> = theirs.iter().map(|id| status(&home.body, *id)).collect();
    // One that needs an update, not overdue, to see it become "Updated".
    let Some(pick) = theirs
        .iter()
        .zip(&statuses)
        .find(|(_, s)| s.contains("Needs an update"))
        .map(|(id, _)| *id)
    else {
        panic!("{statuses:?}");
    };

    let form_page = db
        .get(&format!("/plans/{}/actions/{pick}", stored.slug), &owner)
        .await;
    assert!(form_page.body.contains(
        "<button type=\"submit\" name=\"then\" value=\"next\" class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">Save and go to your next action</button>"
    ));
    let saved = db
        .post_form(
            &format!("/plans/{}/actions/{pick}/updates", stored.slug),
            "narrative=Done+this+week&then=next",
            &owner,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // On to another of theirs that needs something, or home when none does.
    let next = saved.location();
    let others_waiting: Vec<String> = theirs
        .iter()
        .zip(&statuses)
        .filter(|(id, s)| **id != pick && (s.contains("Needs an update") || s.contains("Overdue")))
        .map(|(id, _)| format!("/plans/{}/actions/{id}#add-update", stored.slug))
        .collect();
    if others_waiting.is_empty() {
        assert_eq!(next, "/");
    } else {
        assert!(
            others_waiting.iter().any(|o| o == next),
            "{next} not in {others_waiting:?}"
        );
    }
    let after = db.get("/", &owner).await;
    assert_eq!(status(&after.body, pick), "Updated");

    // Someone who owns nothing gets their own home, with the plans below it.
    let viewer = db.get("/", &db.session("viewer@example.org").await).await;
    assert!(!viewer.body.contains("Your actions this cycle"));
    assert!(
        viewer
            .body
            .contains("<h1 class=\"govuk-heading-xl\">Board pack</h1>")
    );
    assert!(
        viewer
            .body
            .contains("<h2 class=\"govuk-heading-l\">Improvement plans</h2>")
    );
}
