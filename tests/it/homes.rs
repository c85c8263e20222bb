//! Each person's home at `/`, the success banner after a save, the checks before closing
//! a cycle and publishing, and the plain-English answers to files that are not plans.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, TestDb, with_auth};

struct Team {
    slug: String,
    editor: Auth,
    owner: Auth,
    viewer: Auth,
    adviser: Auth,
}

async fn team(db: &TestDb) -> Team {
    let stored = db.small_plan_stored().await;
    for (email, role, person) in [
        ("editor@northshire.example", Role::Editor, None),
        ("chris@northshire.example", Role::Owner, Some("CD")),
        ("board@northshire.example", Role::Viewer, None),
        ("adviser@dfe.example", Role::Adviser, None),
    ] {
        db.user(email, role, "Northshire", person).await;
    }
    Team {
        slug: stored.slug,
        editor: db.session("editor@northshire.example").await,
        owner: db.session("chris@northshire.example").await,
        viewer: db.session("board@northshire.example").await,
        adviser: db.session("adviser@dfe.example").await,
    }
}

fn h1(text: &str) -> String {
    format!("<h1 class=\"govuk-heading-xl\">{text}</h1>")
}

#[tokio::test]
async fn each_role_lands_on_its_own_task() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;

    let editor = db.get("/", &t.editor).await;
    let owner = db.get("/", &t.owner).await;
    let viewer = db.get("/", &t.viewer).await;
    let adviser = db.get("/", &t.adviser).await;
    let public = db.get("/", &Auth::Anonymous).await;

    assert!(editor.body.contains(&h1("This cycle")), "{}", editor.body);
    assert!(editor.body.contains("Not updated since the cycle opened"));
    assert!(
        editor.body.contains("<strong>Chris Dale</strong>, <a class=\"govuk-link\" href=\"mailto:chris@northshire.example\">"),
        "the owner behind is named with the email to chase"
    );
    assert!(
        editor
            .body
            .contains("<strong>Sam Patel</strong> (no account yet)"),
        "owners without an account are said to have none"
    );
    assert!(
        editor.body.contains("Set up your plan"),
        "an unpublished plan is still being set up"
    );
    assert!(editor.body.contains("Publish the plan"));
    assert!(
        editor
            .body
            .contains("owners have neither an account nor an invitation")
            || editor
                .body
                .contains("owner has neither an account nor an invitation")
    );
    assert!(
        editor.body.contains("Improvement plans"),
        "the plans are listed below"
    );

    assert!(owner.body.contains(&h1("Your actions this cycle")));
    assert!(!owner.body.contains("Set up your plan"));

    assert!(viewer.body.contains(&h1("Board pack")), "{}", viewer.body);
    assert!(
        viewer
            .body
            .contains(&format!("/plans/{}/reports/exceptions.html", t.slug))
    );
    assert!(viewer.body.contains("actions overdue"));

    assert!(adviser.body.contains(&h1("Compare local areas")));
    assert!(adviser.body.contains("Progress by plan"));

    assert!(public.body.contains(&h1("What we are doing")));
    assert!(public.body.contains("No plan has been published yet"));
    for home in [&editor, &owner, &viewer, &adviser] {
        assert!(
            !home.body.contains("Your home pages"),
            "one role, no switch"
        );
    }
}

#[tokio::test]
async fn someone_with_several_roles_switches_between_their_homes() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let other = db
        .app
        .import_plan(&Actor::System, {
            let mut plan = crate::helpers::small_plan();
            plan.local_area = "Southshire".into();
            plan.title = "Southshire plan".into();
            plan
        })
        .await
        .unwrap();
    db.user("both@example.org", Role::Owner, "Northshire", Some("CD"))
        .await;
    db.user("both@example.org", Role::Editor, "Southshire", None)
        .await;
    let both = db.session("both@example.org").await;

    let first = db.get("/", &both).await;
    let editing = db.get("/?view=editor", &both).await;
    let not_theirs = db.get("/?view=viewer", &both).await;

    assert!(first.body.contains("Your home pages"));
    assert!(first.body.contains(&h1("Your actions this cycle")));
    assert!(first.body.contains("href=\"/?view=editor\""));
    assert!(editing.body.contains(&h1("This cycle")));
    assert!(
        editing
            .body
            .contains(&format!("/plans/{}/reminders", other.slug))
    );
    assert!(
        !editing
            .body
            .contains(&format!("/plans/{}/reminders", t.slug)),
        "only the plans they edit"
    );
    assert!(
        not_theirs.body.contains(&h1("Your actions this cycle")),
        "a home they do not have falls back to their first"
    );
}

#[tokio::test]
async fn the_public_reads_what_we_are_doing_in_plain_english() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let hidden = db
        .get(&format!("/plans/{}/summary", t.slug), &Auth::Anonymous)
        .await;
    db.app
        .set_published(&Actor::System, &t.slug, true)
        .await
        .unwrap();

    let home = db.get("/", &Auth::Anonymous).await;
    let summary = db
        .get(&format!("/plans/{}/summary", t.slug), &Auth::Anonymous)
        .await;
    let action = db
        .get(
            &format!(
                "/plans/{}/actions/{}",
                t.slug,
                first_action(&db, &t.slug).await
            ),
            &Auth::Anonymous,
        )
        .await;

    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(
        home.body
            .contains(&format!("href=\"/plans/{}/summary\"", t.slug))
    );
    assert!(
        home.body
            .contains(&format!("href=\"/plans/{}/you-said-we-did\"", t.slug))
    );
    assert_eq!(summary.status, StatusCode::OK);
    assert!(summary.body.contains(&h1("What we are doing")));
    assert!(summary.body.contains("What we will do next"));
    assert!(summary.body.contains("Where the plan is up to"));
    assert!(
        !summary.body.contains("Chris Dale"),
        "the public summary names nobody"
    );
    assert!(action.body.contains("sign in to add an update"));
    assert!(
        action.body.contains("href=\"/login?next=/plans/"),
        "signing in comes back to the action"
    );
}

async fn first_action(db: &TestDb, slug: &str) -> i64 {
    let (_, plan) = db.app.plan(&Actor::System, slug).await.unwrap();
    plan.areas[0].objectives[0].actions[0].id.unwrap().0
}

fn flash_cookie(reply: &crate::helpers::Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wsoa_flash="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_save_says_what_happened_on_the_next_page_once() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let action = first_action(&db, &t.slug).await;
    let saved = db
        .post_form(
            &format!("/plans/{}/actions/{action}/updates", t.slug),
            "narrative=Agreed+at+the+board.",
            &t.editor,
        )
        .await;
    let cookie = flash_cookie(&saved).expect("the save leaves a message");
    let Auth::Cookie(session) = &t.editor else {
        panic!("a session")
    };
    let shown = db
        .send(
            Request::get(format!("/plans/{}/actions/{action}", t.slug))
                .header(header::COOKIE, format!("wsoa_session={session}; {cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let again = db
        .get(&format!("/plans/{}/actions/{action}", t.slug), &t.editor)
        .await;

    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(shown.body.contains("govuk-notification-banner--success"));
    assert!(
        shown
            .body
            .contains("Your update on action 1.1a has been saved."),
        "{}",
        banner(&shown.body)
    );
    assert_eq!(
        flash_cookie(&shown).as_deref(),
        Some("wsoa_flash="),
        "the page that shows it clears it"
    );
    assert!(!again.body.contains("govuk-notification-banner--success"));
}

#[tokio::test]
async fn closing_a_cycle_and_publishing_are_checked_before_they_happen() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let cycles = format!("/plans/{}/cycles", t.slug);

    let index = db.get(&cycles, &t.editor).await;
    let check = db.get(&format!("{cycles}/close"), &t.editor).await;
    let by_owner = db.get(&format!("{cycles}/close"), &t.owner).await;
    let publication = db
        .get(&format!("/plans/{}/publication", t.slug), &t.editor)
        .await;
    let published = db
        .post_form(
            &format!("/plans/{}/publication", t.slug),
            "published=true",
            &t.editor,
        )
        .await;
    let withdraw = db
        .get(&format!("/plans/{}/publication", t.slug), &t.editor)
        .await;
    // The plan page after publishing shows the message once, even though plan pages
    // are kept rendered.
    let Auth::Cookie(session) = &t.editor else {
        panic!("a session")
    };
    let plan_path = format!("/plans/{}", t.slug);
    let with_message = db
        .send(
            Request::get(&plan_path)
                .header(
                    header::COOKIE,
                    format!(
                        "wsoa_session={session}; {}",
                        flash_cookie(&published).unwrap_or_default()
                    ),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let later = db.get(&plan_path, &t.editor).await;

    assert!(
        index
            .body
            .contains(&format!("href=\"{cycles}/close\" role=\"button\"")),
        "the cycles page leads to the check, it does not close"
    );
    assert!(
        db.app
            .cycles(&Actor::System, &t.slug)
            .await
            .unwrap()
            .closed
            .is_empty()
    );
    assert_eq!(check.status, StatusCode::OK);
    assert!(
        check
            .body
            .contains(&h1("Check before you close the reporting cycle"))
    );
    assert!(check.body.contains("Planned close date"));
    assert!(check.body.contains("Chris Dale: "), "who has not updated");
    assert!(check.body.contains("Yes, close the cycle"));
    assert_eq!(by_owner.status, StatusCode::FORBIDDEN);
    assert!(
        publication
            .body
            .contains(&h1("Check what will become public"))
    );
    assert!(
        publication
            .body
            .contains("quotes from children, young people and families")
    );
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    assert!(flash_cookie(&published).is_some_and(|c| c.len() > "wsoa_flash=".len()));
    assert!(withdraw.body.contains("Withdraw the plan"));
    assert!(with_message.body.contains("The plan is published"));
    assert!(
        !later.body.contains("govuk-notification-banner--success"),
        "the message is not kept with the rendered page"
    );
}

#[tokio::test]
async fn a_picture_or_a_program_is_not_a_plan_and_says_so() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let png = db
        .upload(
            "/plans/import",
            "screenshot.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            &t.editor,
        )
        .await;
    let exe = db
        .upload("/plans/import", "plan.docx.exe", b"MZ\x90\0\x03", &t.editor)
        .await;

    assert_eq!(png.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        png.body.contains(
            "This is a PNG image, not a plan. Upload the plan as a Word, Excel, CSV, PDF or text file."
        ),
        "{}",
        png.body
    );
    assert!(exe.body.contains("This is a Windows program, not a plan."));
}

#[tokio::test]
async fn a_web_page_report_opens_in_the_browser() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let html = db
        .send(
            with_auth(
                Request::get(format!("/plans/{}/reports/highlight.html", t.slug)),
                &t.viewer,
            )
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    let docx = db
        .get(
            &format!("/plans/{}/reports/highlight.docx", t.slug),
            &t.viewer,
        )
        .await;

    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    assert!(
        docx.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
}

fn banner(body: &str) -> &str {
    let start = body.find("govuk-notification-banner__heading").unwrap_or(0);
    &body[start..body.len().min(start + 300)]
}

#[tokio::test]
async fn the_comparison_sorts_by_any_column_and_downloads_as_it_is_shown() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let mut other = crate::helpers::small_plan();
    other.title = "A second plan".into();
    for area in &mut other.areas {
        for objective in &mut area.objectives {
            for action in &mut objective.actions {
                action.ratings.clear();
            }
        }
    }
    db.app.import_plan(&Actor::System, other).await.unwrap();

    let by_unrated = db
        .get("/compare?sort=not-rated&order=descending", &t.adviser)
        .await;
    let reversed = db
        .get("/compare?sort=not-rated&order=ascending", &t.adviser)
        .await;
    let csv = db
        .get("/compare.csv?sort=not-rated&order=descending", &t.adviser)
        .await;
    let xlsx = db.get("/compare.xlsx", &t.adviser).await;
    let Auth::Cookie(session) = &t.adviser else {
        panic!("a session")
    };
    let xlsx_bytes = crate::helpers::send_raw(
        &db.app,
        Request::get("/compare.xlsx")
            .header(header::COOKIE, format!("wsoa_session={session}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let public = db.get("/compare.csv", &Auth::Anonymous).await;

    let first = |body: &str| {
        body.find("A second plan").unwrap() < body.find(&format!("/plans/{}\"", t.slug)).unwrap()
    };
    assert!(
        first(&by_unrated.body),
        "the unrated plan first when sorted by not rated, highest first"
    );
    assert!(!first(&reversed.body));
    assert!(by_unrated.body.contains("aria-sort=\"descending\""));
    assert!(
        by_unrated
            .body
            .contains("href=\"/compare?sort=not-rated&#38;order=ascending\""),
        "the next click reverses"
    );
    assert!(
        by_unrated.body.contains("100% ("),
        "percentages beside the counts"
    );
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let mut lines = csv.body.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("Local area,Plan,Kind,Version,Actions,Complete,Complete %")
    );
    assert!(
        lines.next().unwrap().contains("A second plan"),
        "the download keeps the sort"
    );
    assert_eq!(
        xlsx.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx_bytes)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut workbook, "Comparison").unwrap();
    assert_eq!(sheet.height(), 3, "a header and two plans");
    assert_ne!(public.status, StatusCode::OK);
}

/// Every `id` on a page, with those used more than once.
fn duplicate_ids(body: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut twice = Vec::new();
    for part in body.split(" id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or_default().to_owned();
        if !seen.insert(id.clone()) {
            twice.push(id);
        }
    }
    twice
}

#[tokio::test]
async fn every_label_names_one_control_because_no_id_is_used_twice() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let (_, plan) = db.app.plan(&Actor::System, &t.slug).await.unwrap();
    let mut pages = vec![
        "/".to_owned(),
        format!("/plans/{}", t.slug),
        format!("/plans/{}/cycles/close", t.slug),
        format!("/plans/{}/publication", t.slug),
        "/compare".to_owned(),
    ];
    for (_, _, action) in plan.actions() {
        pages.push(format!(
            "/plans/{}/actions/{}",
            t.slug,
            action.id.unwrap().0
        ));
    }
    for path in pages {
        for auth in [&t.editor, &t.owner] {
            let page = db.get(&path, auth).await;
            assert_eq!(duplicate_ids(&page.body), Vec::<String>::new(), "{path}");
        }
    }
}

#[tokio::test]
async fn the_due_date_form_lists_every_problem_and_asks_before_a_date_in_the_past() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let action = first_action(&db, &t.slug).await;
    let path = format!("/plans/{}/actions/{action}/due", t.slug);

    let all_wrong = db
        .post_form(&path, "due=31%2F02&reason=&approved_by=", &t.editor)
        .await;
    let past = db
        .post_form(
            &path,
            "due=01%2F01%2F2020&reason=Agreed&approved_by=Board",
            &t.editor,
        )
        .await;
    let unchanged = db.app.plan(&Actor::System, &t.slug).await.unwrap().1;
    let confirmed = db
        .post_form(
            &path,
            "due=01%2F01%2F2020&reason=Agreed&approved_by=Board&confirm_past=yes",
            &t.editor,
        )
        .await;

    assert_eq!(all_wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["due", "reason", "approved_by"] {
        assert!(
            all_wrong.body.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
        assert!(
            all_wrong.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
    }
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        past.body
            .contains("The new due date, 1 January 2020, is in the past.")
    );
    assert!(past.body.contains("Yes, the new due date is in the past"));
    assert_ne!(
        unchanged.areas[0].objectives[0].actions[0]
            .due_text
            .as_deref(),
        Some("01/01/2020"),
        "nothing changes before it is confirmed"
    );
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn you_said_we_did_links_actions_picked_from_the_plan() {
    let db = TestDb::sqlite().await;
    let t = team(&db).await;
    let (_, plan) = db.app.plan(&Actor::System, &t.slug).await.unwrap();
    let picks: Vec<String> = plan
        .areas
        .iter()
        .flat_map(|area| {
            area.objectives.iter().flat_map(move |o| {
                o.actions.iter().filter_map(move |a| {
                    Some(format!("{}/{}", area.number, a.reference.as_deref()?))
                })
            })
        })
        .take(2)
        .collect();
    assert_eq!(picks.len(), 2);
    let page = db.get(&format!("/plans/{}/voice", t.slug), &t.editor).await;
    for pick in &picks {
        assert!(
            page.body.contains(&format!(
                "name=\"actions\" type=\"checkbox\" value=\"{pick}\""
            )),
            "{pick} is offered"
        );
    }
    let body = format!(
        "you_said=More+help&we_did=A+helpline&status=in_progress&actions={}&actions={}",
        picks[0].replace('/', "%2F"),
        picks[1].replace('/', "%2F")
    );
    let added = db
        .post_form(
            &format!("/plans/{}/voice/you-said-we-did", t.slug),
            &body,
            &t.editor,
        )
        .await;
    let (_, after) = db.app.plan(&Actor::System, &t.slug).await.unwrap();

    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let entry = after.you_said_we_did.last().unwrap();
    let linked: Vec<String> = entry.actions.iter().map(ToString::to_string).collect();
    assert_eq!(linked, picks);
}
