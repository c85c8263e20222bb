//! The web import: upload a document, check the preview, confirm, and find the plan
//! stored with its audit event; a second import of the same plan is its next version.
//! Only admins and editors import, only for their own local areas, and only the person
//! who previewed an import sees or confirms it. The import route takes documents far
//! larger than the 2 MB every other route accepts.

use axum::http::StatusCode;
use wsoa::app::ReportRequest;
use wsoa::domain::{Actor, ReportFormat, ReportKind, Role};

use crate::helpers::{Auth, TestDb, on_both_backends, repo_path, small_plan, without_ids};
use crate::import_formats::tracker_workbook;

/// The workbook, for Northshire.
fn northshire() -> Vec<u8> {
    tracker_workbook()
}

/// A signed-in editor of `area`.
async fn editor(db: &TestDb, email: &str, area: &str) -> Auth {
    db.user(email, Role::Editor, area, None).await;
    db.session(email).await
}

async fn upload_preview_and_confirm(db: &TestDb) {
    let me = editor(db, "editor@example.org", "Northshire").await;
    let form = db.get("/plans/import", &me).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"class="govuk-file-upload""#));
    assert!(form.body.contains(r#"enctype="multipart/form-data""#));
    assert!(form.body.contains("you may import plans for Northshire."));
    assert!(form.body.contains("editor@example.org"), "signed in header");

    let uploaded = db
        .upload("/plans/import", "tracker.xlsx", &northshire(), &me)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview_path = uploaded.location().to_owned();
    assert!(preview_path.starts_with("/plans/import/"));
    assert!(
        db.app.plans(&Actor::System).await.unwrap().is_empty(),
        "nothing stored yet"
    );

    let preview = db.get(&preview_path, &me).await;
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
    assert!(preview.body.contains("Store this plan"));
    assert!(!preview.body.contains(r#"id="refusal""#));

    let confirmed = db
        .post_form(&format!("{preview_path}/confirm"), "", &me)
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let plan_path = confirmed.location().to_owned();
    let plans = db.app.plans(&Actor::System).await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].actions, 4);
    assert!(!plans[0].published, "a new plan is private to its area");
    assert_eq!(plan_path, format!("/plans/{}", plans[0].slug));
    assert_eq!(db.get(&plan_path, &me).await.status, StatusCode::OK);
    let (_, events) = db
        .app
        .plan_audit(&Actor::System, &plans[0].slug)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event, "plan.imported");
    assert_eq!(events[0].actor, "editor@example.org", "the audit names who");

    let again = db
        .post_form(&format!("{preview_path}/confirm"), "", &me)
        .await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "an import is confirmed once"
    );

    let second = db
        .upload("/plans/import", "tracker.xlsx", &northshire(), &me)
        .await;
    db.post_form(&format!("{}/confirm", second.location()), "", &me)
        .await;
    let mut versions: Vec<u32> = db
        .app
        .plans(&Actor::System)
        .await
        .unwrap()
        .iter()
        .map(|p| p.version)
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, [1, 2], "importing again adds a version");
}

/// An editor of another area sees what was read, and why it cannot be stored; confirming
/// anyway is refused, and nothing is stored.
async fn a_plan_for_an_area_the_person_does_not_edit_is_previewed_but_refused(db: &TestDb) {
    let south = editor(db, "south@example.org", "Southshire").await;

    let uploaded = db
        .upload("/plans/import", "tracker.xlsx", &northshire(), &south)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview = db.get(uploaded.location(), &south).await;

    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("2 areas, 2 objectives, 4 actions"));
    assert!(preview.body.contains(r#"id="refusal""#));
    assert!(
        preview.body.contains(
            "This plan is for “Northshire”, a local area you are not an administrator or editor of"
        ),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("You may import plans for Southshire only.")
    );
    assert!(!preview.body.contains("Store this plan"), "no button");
    let confirmed = db
        .post_form(&format!("{}/confirm", uploaded.location()), "", &south)
        .await;
    assert_eq!(confirmed.status, StatusCode::FORBIDDEN);
    assert!(db.app.plans(&Actor::System).await.unwrap().is_empty());
    assert_eq!(
        db.get(uploaded.location(), &south).await.status,
        StatusCode::OK,
        "the preview is kept"
    );
}

/// The tracker workbook a member downloads from the plan's reports page, uploaded again,
/// is read back by the tracker reader as the same plan, and stored as its next version.
async fn a_downloaded_tracker_uploads_as_the_next_version(db: &TestDb) {
    let me = editor(db, "editor@example.org", "Northshire").await;
    let stored = db.small_plan_stored().await;
    let me_actor = db.app.actor_for_session(session_token(&me)).await.unwrap();
    let tracker = db
        .app
        .export_report(
            &me_actor,
            &stored.slug,
            ReportRequest {
                kind: ReportKind::Tracker,
                as_at: None,
                since: None,
            },
            ReportFormat::Xlsx,
        )
        .await
        .unwrap();

    let uploaded = db
        .upload("/plans/import", &tracker.file_name, &tracker.bytes, &me)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let preview = db.get(uploaded.location(), &me).await;
    assert!(preview.body.contains("read as xlsx"));
    let plan = small_plan();
    assert!(preview.body.contains(&format!(
        "{} areas, {} objectives, {} actions",
        plan.areas.len(),
        plan.areas.iter().map(|a| a.objectives.len()).sum::<usize>(),
        plan.actions().count()
    )));
    assert!(preview.body.contains("Warnings (0)"), "read exactly");
    let confirmed = db
        .post_form(&format!("{}/confirm", uploaded.location()), "", &me)
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );

    let slug = confirmed.location().trim_start_matches("/plans/");
    let mut again =
        std::sync::Arc::unwrap_or_clone(db.app.plan(&Actor::System, slug).await.unwrap().1);
    let (_, first) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    assert_eq!(again.version, 2);
    again.version = 1;
    assert_eq!(without_ids(again), without_ids(first));
}

/// The CSV tracker of `tests/fixtures/import`, for Northshire: one table headed
/// `Area of weakness;Ref;Action;Lead officer;Completion date;Status`.
fn northshire_csv() -> Vec<u8> {
    std::fs::read(repo_path("tests/fixtures/import/tracker.csv")).unwrap()
}

/// The owners cell of the preview's plan, for an action led by JB.
const OWNER_JB: &str = r#"<td class="govuk-table__cell app-owners">JB</td>"#;

/// The column form as the preview sends it for the tracker CSV, with "Lead officer"
/// set to `lead`.
fn columns_form(lead: &str) -> String {
    format!(
        "column-0-0=area&column-0-1=ref&column-0-2=action&column-0-3={lead}&column-0-4=due&column-0-5=rating"
    )
}

/// Every owner and every note of the actions of a stored plan.
async fn stored_owners_and_notes(db: &TestDb, slug: &str) -> (Vec<String>, Vec<String>) {
    let (_, plan) = db.app.plan(&Actor::System, slug).await.unwrap();
    let owners = plan
        .actions()
        .flat_map(|(_, _, a)| a.owners.clone())
        .collect();
    let notes = plan
        .actions()
        .flat_map(|(_, _, a)| a.notes.clone())
        .collect();
    (owners, notes)
}

/// Changing a column's role on the preview reads the kept document again, and the plan
/// stored is the one read with the choice (the ignored column's text kept as notes); the
/// choice is remembered for the area, on the plan's audit trail.
async fn a_column_chosen_on_the_preview_changes_the_stored_plan(db: &TestDb) {
    let me = editor(db, "editor@example.org", "Northshire").await;

    let first = store_with_the_lead_officer_ignored(db, &me).await;

    let (owners, notes) = stored_owners_and_notes(db, &first).await;
    assert!(owners.is_empty(), "{owners:?}");
    assert!(notes.contains(&"Lead officer: JB".to_owned()), "{notes:?}");
    let (_, events) = db.app.plan_audit(&Actor::System, &first).await.unwrap();
    let saved = events
        .iter()
        .find(|e| e.event == "import_layout.saved")
        .expect("the remembered layout is audited");
    assert_eq!(saved.actor, "editor@example.org");
    assert_eq!(
        saved.after.as_ref().unwrap()["columns"],
        "lead officer=ignore"
    );
}

/// Uploads the tracker CSV as `me`, sets "Lead officer" to ignore on the preview, checks
/// the preview changed, and stores it; the stored plan's slug.
async fn store_with_the_lead_officer_ignored(db: &TestDb, me: &Auth) -> String {
    let me = me.clone();
    let uploaded = db
        .upload("/plans/import", "tracker.csv", &northshire_csv(), &me)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let path = uploaded.location().to_owned();
    let preview = db.get(&path, &me).await;
    assert!(preview.body.contains("Check the columns"));
    assert!(
        preview
            .body
            .contains(&format!(r#"action="{path}/columns""#))
    );
    assert!(preview.body.contains(
        r#"<label class="govuk-label govuk-visually-hidden" for="column-0-3">Role of the column “Lead officer” in table 1</label>"#
    ));
    assert!(preview.body.contains(r#"<option value="owners" selected>"#));
    assert!(preview.body.contains("As the importer read the headings"));
    assert!(preview.body.contains(OWNER_JB), "the owner is shown");

    let chosen = db
        .post_form(&format!("{path}/columns"), &columns_form("ignore"), &me)
        .await;

    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(chosen.location(), path, "back to the same preview");
    let again = db.get(&path, &me).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("1 heading with the role you chose"));
    assert!(again.body.contains(r#"<option value="ignore" selected>"#));
    assert!(again.body.contains("Chosen by you"));
    assert!(!again.body.contains(OWNER_JB), "no owner any more");
    assert!(again.body.contains("notes kept from the document"));
    assert!(again.body.contains("2 areas, 2 objectives, 4 actions"));
    let confirmed = db.post_form(&format!("{path}/confirm"), "", &me).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    confirmed
        .location()
        .trim_start_matches("/plans/")
        .to_owned()
}

/// The choices a plan was stored with are applied to the area's next upload of the same
/// layout, and the preview says so; reading it with the importer's own reading and
/// storing that forgets the layout, on the plan's audit trail, and the next upload is
/// read as the importer reads it.
async fn a_remembered_layout_is_applied_to_the_next_upload_until_forgotten(db: &TestDb) {
    let me = editor(db, "editor@example.org", "Northshire").await;
    store_with_the_lead_officer_ignored(db, &me).await;

    let next = db
        .upload("/plans/import", "tracker.csv", &northshire_csv(), &me)
        .await;
    let next_path = next.location().to_owned();
    let remembered = db.get(&next_path, &me).await;
    assert!(
        remembered
            .body
            .contains("Columns as you chose them for Northshire’s last import of this layout"),
        "{}",
        remembered.body
    );
    assert!(remembered.body.contains(r#"id="remembered""#));
    assert!(!remembered.body.contains(OWNER_JB), "the choice is applied");

    let reset = db
        .post_form(
            &format!("{next_path}/columns"),
            &format!("{}&reset=yes", columns_form("ignore")),
            &me,
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    let own = db.get(&next_path, &me).await;
    assert!(own.body.contains("As the importer read the headings"));
    assert!(!own.body.contains(r#"id="remembered""#));
    assert!(own.body.contains(OWNER_JB));
    let confirmed = db.post_form(&format!("{next_path}/confirm"), "", &me).await;
    let second = confirmed
        .location()
        .trim_start_matches("/plans/")
        .to_owned();
    let (owners, _) = stored_owners_and_notes(db, &second).await;
    assert_eq!(owners.len(), 4, "{owners:?}");
    let (_, events) = db.app.plan_audit(&Actor::System, &second).await.unwrap();
    assert!(
        events.iter().any(|e| e.event == "import_layout.forgotten"),
        "{events:?}"
    );
    let third = db
        .upload("/plans/import", "tracker.csv", &northshire_csv(), &me)
        .await;
    let third = db.get(third.location(), &me).await;
    assert!(third.body.contains("As the importer read the headings"));
    assert!(third.body.contains(OWNER_JB), "the layout was forgotten");
}

/// A role the page does not offer, a column the document does not have, and roles the
/// document cannot be read with show the preview again with the GOV.UK error summary
/// (422), the select marked; the preview keeps what it was.
async fn a_bad_column_choice_is_shown_on_the_preview(db: &TestDb) {
    let me = editor(db, "editor@example.org", "Northshire").await;
    let uploaded = db
        .upload("/plans/import", "tracker.csv", &northshire_csv(), &me)
        .await;
    let path = uploaded.location().to_owned();

    let bad_role = db
        .post_form(&format!("{path}/columns"), &columns_form("boss"), &me)
        .await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_role.body.contains("There is a problem"));
    assert!(bad_role.body.contains(
        r##"<a href="#column-0-3">Choose one of the roles listed for column 4 of table 1</a>"##
    ));
    assert!(bad_role.body.contains("govuk-select--error"));
    let no_such_column = db
        .post_form(&format!("{path}/columns"), "column-3-0=due", &me)
        .await;
    assert_eq!(no_such_column.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_such_column
            .body
            .contains("This column is not in the document")
    );
    let unreadable = db
        .post_form(
            &format!("{path}/columns"),
            "column-0-0=due&column-0-1=due&column-0-2=due&column-0-3=due&column-0-4=due&column-0-5=due",
            &me,
        )
        .await;
    assert_eq!(
        unreadable.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unreadable.body
    );
    assert!(
        unreadable.body.contains(
            "The document cannot be read with these columns: with them, no column is headed"
        ),
        "{}",
        unreadable.body
    );
    let unchanged = db.get(&path, &me).await;
    assert!(unchanged.body.contains("As the importer read the headings"));
    assert!(unchanged.body.contains(OWNER_JB));
}

/// The upload page lists the column choices remembered for the person's areas, and
/// forgetting one (audited) means the next upload is read as the importer reads it; an
/// editor of another area neither sees it nor may forget it.
async fn a_remembered_layout_is_listed_and_forgotten_on_the_upload_page(db: &TestDb) {
    let me = editor(db, "editor@example.org", "Northshire").await;
    let south = editor(db, "south@example.org", "Southshire").await;
    store_with_the_lead_officer_ignored(db, &me).await;

    let page = db.get("/plans/import", &me).await;
    assert!(page.body.contains(r#"id="remembered-layouts""#));
    let start = page
        .body
        .find("/plans/import/layouts/")
        .expect("a forget form");
    let action: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert!(action.ends_with("/forget"), "{action}");
    assert!(page.body.contains("lead officer: ignore"), "{}", page.body);

    let theirs = db.get("/plans/import", &south).await;
    assert!(!theirs.body.contains("/plans/import/layouts/"));
    assert!(theirs.body.contains("None yet."));
    let refused = db.post_form(&action, "", &south).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);

    let forgotten = db.post_form(&action, "", &me).await;
    assert_eq!(
        forgotten.status,
        StatusCode::SEE_OTHER,
        "{}",
        forgotten.body
    );
    assert_eq!(forgotten.location(), "/plans/import?done=forgotten");
    let after = db.get(forgotten.location(), &me).await;
    assert!(after.body.contains("The column choices were forgotten."));
    assert!(!after.body.contains("/plans/import/layouts/"));
    let again = db.post_form(&action, "", &me).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "forgotten once only");

    let next = db
        .upload("/plans/import", "tracker.csv", &northshire_csv(), &me)
        .await;
    let preview = db.get(next.location(), &me).await;
    assert!(preview.body.contains("As the importer read the headings"));
    assert!(preview.body.contains(OWNER_JB), "read as written again");
}

on_both_backends!(
    a_remembered_layout_is_listed_and_forgotten_on_the_upload_page,
    upload_preview_and_confirm,
    a_plan_for_an_area_the_person_does_not_edit_is_previewed_but_refused,
    a_downloaded_tracker_uploads_as_the_next_version,
    a_column_chosen_on_the_preview_changes_the_stored_plan,
    a_remembered_layout_is_applied_to_the_next_upload_until_forgotten,
    a_bad_column_choice_is_shown_on_the_preview
);

#[tokio::test]
async fn only_the_person_who_previewed_an_import_changes_its_columns() {
    let db = TestDb::sqlite().await;
    let me = editor(&db, "me@example.org", "Northshire").await;
    let colleague = editor(&db, "colleague@example.org", "Northshire").await;
    let uploaded = db
        .upload("/plans/import", "tracker.csv", &northshire_csv(), &me)
        .await;
    let path = uploaded.location().to_owned();

    let theirs = db
        .post_form(
            &format!("{path}/columns"),
            &columns_form("ignore"),
            &colleague,
        )
        .await;
    let public = db
        .post_form(
            &format!("{path}/columns"),
            &columns_form("ignore"),
            &Auth::Anonymous,
        )
        .await;

    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(public.status, StatusCode::UNAUTHORIZED);
    let mine = db.get(&path, &me).await;
    assert!(mine.body.contains("As the importer read the headings"));
    assert!(mine.body.contains(OWNER_JB), "unchanged");
    db.finish().await;
}

#[tokio::test]
async fn only_the_person_who_previewed_an_import_sees_or_confirms_it() {
    let db = TestDb::sqlite().await;
    let me = editor(&db, "me@example.org", "Northshire").await;
    let colleague = editor(&db, "colleague@example.org", "Northshire").await;
    let uploaded = db
        .upload("/plans/import", "tracker.xlsx", &northshire(), &me)
        .await;
    let path = uploaded.location().to_owned();

    assert_eq!(
        db.get(&path, &colleague).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        db.post_form(&format!("{path}/confirm"), "", &colleague)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let public = db.get(&path, &Auth::Anonymous).await;
    assert_eq!(public.status, StatusCode::SEE_OTHER);
    assert!(public.location().starts_with("/login?next="));
    assert_eq!(
        db.post_form(&format!("{path}/confirm"), "", &Auth::Anonymous)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert!(db.app.plans(&Actor::System).await.unwrap().is_empty());
    assert_eq!(
        db.post_form(&format!("{path}/confirm"), "", &me)
            .await
            .status,
        StatusCode::SEE_OTHER,
        "still there for the person who previewed it"
    );
    db.finish().await;
}

#[tokio::test]
async fn only_admins_and_editors_reach_the_upload() {
    let db = TestDb::sqlite().await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    let admin = db.session("admin@example.org").await;
    let mut refused = Vec::new();
    for (email, role, person) in [
        ("owner@example.org", Role::Owner, Some("AB")),
        ("viewer@example.org", Role::Viewer, None),
        ("adviser@example.org", Role::Adviser, None),
    ] {
        db.user(email, role, "Northshire", person).await;
        refused.push(db.session(email).await);
    }

    assert_eq!(db.get("/plans/import", &admin).await.status, StatusCode::OK);
    assert!(
        db.get("/", &admin)
            .await
            .body
            .contains(r#"href="/plans/import""#),
        "the plans page offers the import"
    );
    for auth in &refused {
        assert_eq!(
            db.get("/plans/import", auth).await.status,
            StatusCode::FORBIDDEN
        );
        let uploaded = db
            .upload("/plans/import", "tracker.xlsx", &northshire(), auth)
            .await;
        assert_eq!(uploaded.status, StatusCode::FORBIDDEN);
        assert!(
            !db.get("/", auth)
                .await
                .body
                .contains(r#"href="/plans/import""#),
            "no import button for those who may not import"
        );
    }
    let public = db.get("/plans/import", &Auth::Anonymous).await;
    assert_eq!(public.status, StatusCode::SEE_OTHER);
    assert_eq!(public.location(), "/login?next=/plans/import");
    let uploaded = db
        .upload(
            "/plans/import",
            "tracker.xlsx",
            &northshire(),
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::UNAUTHORIZED);
    assert!(db.app.plans(&Actor::System).await.unwrap().is_empty());
    db.finish().await;
}

#[tokio::test]
async fn the_import_route_takes_more_than_the_2_mb_every_other_route_takes() {
    let db = TestDb::sqlite().await;
    let me = editor(&db, "editor@example.org", "Northshire").await;
    let three_mb = 3 * 1024 * 1024;

    let padded = db
        .upload_padded(
            "/plans/import",
            "tracker.xlsx",
            &northshire(),
            three_mb,
            &me,
        )
        .await;
    assert_eq!(padded.status, StatusCode::SEE_OTHER, "{}", padded.body);
    let big_text = db
        .upload("/plans/import", "notes.txt", &vec![b'a'; three_mb], &me)
        .await;
    assert_eq!(
        big_text.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "read, not refused at the door: {}",
        big_text.body
    );
    assert!(big_text.body.contains("No plan was found in notes.txt"));

    let login = db
        .post_form(
            "/login",
            &format!("email=a%40example.org&password={}", "x".repeat(three_mb)),
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(login.status, StatusCode::PAYLOAD_TOO_LARGE);
    let api = db
        .post_json(
            "/api/v1/plans",
            &serde_json::json!({"title": "x".repeat(three_mb)}),
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(api.status, StatusCode::PAYLOAD_TOO_LARGE);
    db.finish().await;
}

#[tokio::test]
async fn a_file_that_cannot_be_read_shows_the_form_again_with_the_reason() {
    let db = TestDb::sqlite().await;
    let me = editor(&db, "editor@example.org", "Northshire").await;

    let reply = db
        .upload(
            "/plans/import",
            "minutes.txt",
            b"Minutes of the meeting\n\nWe talked.\n",
            &me,
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("There is a problem"));
    assert!(reply.body.contains("No plan was found in minutes.txt"));
    assert!(reply.body.contains("no plan table found"));
    assert!(
        reply.body.contains("editor@example.org"),
        "signed in header"
    );
    let empty = db.upload("/plans/import", "", b"", &me).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Select a file to import"));
    db.finish().await;
}

#[tokio::test]
async fn an_unknown_or_expired_import_is_not_found() {
    let db = TestDb::sqlite().await;
    let me = editor(&db, "editor@example.org", "Northshire").await;
    let uploaded = db
        .upload("/plans/import", "tracker.xlsx", &northshire(), &me)
        .await;
    let id = uploaded.location().trim_start_matches("/plans/import/");
    let actor = db.app.actor_for_session(session_token(&me)).await.unwrap();
    let lifetime = wsoa::app::PENDING_IMPORT_LIFETIME;
    let last_moment = db.app_at(crate::helpers::fixed_now() + lifetime);
    let too_late = db.app_at(crate::helpers::fixed_now() + lifetime + time::Duration::SECOND);

    assert!(last_moment.pending_import(&actor, id).await.is_ok());
    let expired = too_late.pending_import(&actor, id).await;
    assert!(matches!(expired, Err(wsoa::domain::Error::NotFound(_))));
    let expired = too_late.confirm_import(&actor, id).await;
    assert!(matches!(expired, Err(wsoa::domain::Error::NotFound(_))));
    let reply = db.get("/plans/import/0123456789abcdef", &me).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        db.post_form("/plans/import/0123456789abcdef/confirm", "", &me)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}

fn session_token(auth: &Auth) -> &str {
    match auth {
        Auth::Cookie(token) => token,
        other => panic!("not a session: {other:?}"),
    }
}
