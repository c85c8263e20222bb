//! The reporting cycle's chase: reminders go to the owners with something to do (only
//! their actions, each with a working link), the digest to the editors, once per stage
//! even with two instances, and never to someone who opted out.

use axum::http::StatusCode;
use wsoa::app::{App, Clock, PasswordCost};
use wsoa::domain::{Actor, ReminderStage, ReportingCycle, Role};
use wsoa::store::Store;

use crate::helpers::{Auth, TestDb, fixed_now, on_both_backends};
use crate::mail::SmtpServer;

/// The small plan on a two-week cycle from Monday 27 January 2020, so the fixed day
/// (Monday 3 February) is five working days before it closes (Sunday 9 February), with
/// an account for each of its owners, an editor and a viewer.
async fn plan_with_people(db: &TestDb) -> String {
    let plan = db.small_plan_stored().await;
    db.app
        .set_reporting_cycle(
            &Actor::System,
            &plan.slug,
            ReportingCycle::parse("2", "2020-01-27").unwrap(),
        )
        .await
        .unwrap();
    for (email, role, person) in [
        ("ab@example.org", Role::Owner, Some("AB")),
        ("cd@example.org", Role::Owner, Some("CD")),
        ("sam@example.org", Role::Owner, Some("Sam Patel")),
        ("editor@example.org", Role::Editor, None),
        ("viewer@example.org", Role::Viewer, None),
    ] {
        db.user(email, role, &plan.local_area, person).await;
    }
    plan.slug
}

fn recipients(messages: &[String]) -> Vec<String> {
    let mut to: Vec<String> = messages
        .iter()
        .map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: "))
                .unwrap()
                .to_owned()
        })
        .collect();
    to.sort();
    to
}

fn message_to<'a>(messages: &'a [String], to: &str) -> &'a str {
    messages
        .iter()
        .find(|m| m.contains(&format!("To: {to}")))
        .unwrap_or_else(|| panic!("no message to {to}"))
}

async fn owners_with_something_to_do_get_one_email_listing_only_those_actions(db: &TestDb) {
    let slug = plan_with_people(db).await;
    let smtp = SmtpServer::start().await;
    let second = App::new(
        Store::open(&db.url).await.unwrap(),
        Clock::Fixed(fixed_now()),
    )
    .with_password_cost(PasswordCost::TestOnlyFast);

    // Two instances find the same reminder due: it is written once.
    let (a, b) = tokio::join!(db.app.run_due_reminders(), second.run_due_reminders());
    assert_eq!(a.unwrap() + b.unwrap(), 3, "two owners and one editor");
    assert_eq!(
        db.app.run_due_reminders().await.unwrap(),
        0,
        "once per stage"
    );
    second.close().await;
    assert_eq!(db.app.deliver_mail(&smtp.mailer()).await.unwrap().sent, 3);

    let received = smtp.received();
    assert_eq!(
        recipients(&received),
        ["cd@example.org", "editor@example.org", "sam@example.org"],
        "AB updated this cycle and has nothing due; the viewer gets nothing"
    );
    let cd = message_to(&received, "cd@example.org");
    assert!(cd.contains("(no ref)"), "{cd}");
    assert!(cd.contains("no update yet this cycle"), "{cd}");
    assert!(!cd.contains("1.1a"), "1.1a was updated this cycle: {cd}");
    assert!(cd.contains("9 February 2020"), "{cd}");
    assert!(cd.contains("List-Unsubscribe: <http://127.0.0.1:8080/unsubscribe/"));
    let sam = message_to(&received, "sam@example.org");
    assert!(sam.contains("1.1b"), "{sam}");
    let digest = message_to(&received, "editor@example.org");
    assert!(
        digest.contains("2 of 3 owners have"),
        "AB and CD updated 1.1a: {digest}"
    );
    assert!(digest.contains("Still to do (2)"), "{digest}");
    assert!(
        digest.contains("Alex Brown (AB)") || digest.contains("(AB)"),
        "{digest}"
    );

    // The link in the email opens the action's update form for its owner.
    let at = cd.find("/plans/").unwrap();
    let link: String = cd[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '#')
        .collect();
    let owner = db.session("cd@example.org").await;
    let page = db.get(&link, &owner).await;
    assert_eq!(page.status, StatusCode::OK, "{link}");
    assert!(page.body.contains("id=\"add-update\""), "{link}");
    assert!(link.starts_with(&format!("/plans/{slug}/actions/")));

    // The closing day follows up once.
    let closing = db.app_at(time::macros::datetime!(2020-02-09 09:00 UTC));
    assert_eq!(closing.run_due_reminders().await.unwrap(), 3);
    assert_eq!(closing.run_due_reminders().await.unwrap(), 0);
}

async fn an_owner_who_unsubscribes_gets_no_more_reminders(db: &TestDb) {
    let slug = plan_with_people(db).await;
    let smtp = SmtpServer::start().await;
    db.app
        .remind(&Actor::System, &slug, ReminderStage::Manual, false)
        .await
        .unwrap();
    db.app.deliver_mail(&smtp.mailer()).await.unwrap();
    let received = smtp.received();
    let cd = message_to(&received, "cd@example.org");
    let at = cd.find("/unsubscribe/").unwrap() + "/unsubscribe/".len();
    let token: String = cd[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();

    let ask = db
        .get(&format!("/unsubscribe/{token}"), &Auth::Anonymous)
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Unsubscribe"));
    // A mail client's one-click request: a POST with no session.
    let done = db
        .post_form(
            &format!("/unsubscribe/{token}"),
            "List-Unsubscribe=One-Click",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("You have been unsubscribed"));
    assert_eq!(
        db.post_form("/unsubscribe/0000", "", &Auth::Anonymous)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let again = db
        .app
        .remind(&Actor::System, &slug, ReminderStage::Manual, true)
        .await
        .unwrap();
    let to: Vec<&str> = again.messages.iter().map(|m| m.to.as_str()).collect();
    assert!(!to.contains(&"cd@example.org"), "{to:?}");
    assert!(to.contains(&"sam@example.org"), "{to:?}");
    assert!(!again.written, "a dry run writes nothing");

    // The preferences page shows it off, and turns digests off for the editor.
    let owner = db.session("cd@example.org").await;
    let page = db.get("/account/mail", &owner).await;
    assert!(
        page.body
            .contains("id=\"reminders\" name=\"reminders\" type=\"checkbox\" value=\"yes\">"),
        "{}",
        page.body
    );
    let editor = db.session("editor@example.org").await;
    let saved = db
        .post_form("/account/mail", "reminders=yes&board_packs=yes", &editor)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let last = db
        .app
        .remind(&Actor::System, &slug, ReminderStage::Manual, true)
        .await
        .unwrap();
    assert!(
        last.messages.iter().all(|m| m.to != "editor@example.org"),
        "digests turned off"
    );
}

async fn editors_set_when_reminders_go_and_see_who_would_be_emailed(db: &TestDb) {
    let slug = plan_with_people(db).await;
    let editor = db.session("editor@example.org").await;
    let owner = db.session("cd@example.org").await;

    let page = db.get(&format!("/plans/{slug}/reminders"), &editor).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("9 February 2020"), "{}", page.body);
    assert!(page.body.contains("3 February 2020"), "the reminder day");
    assert!(page.body.contains("cd@example.org"));
    assert_eq!(
        db.get(&format!("/plans/{slug}/reminders"), &owner)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let bad = db
        .post_form(
            &format!("/plans/{slug}/reminders"),
            "days_before=99",
            &editor,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("from 0 to 20"));
    let saved = db
        .post_form(
            &format!("/plans/{slug}/reminders"),
            "days_before=2",
            &editor,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = db.get(&format!("/plans/{slug}/reminders"), &editor).await;
    assert!(
        page.body.contains("6 February 2020"),
        "two working days before"
    );
    assert!(!page.body.contains(
        "id=\"on_closing_day\" name=\"on_closing_day\" type=\"checkbox\" value=\"yes\" checked"
    ));
    assert_eq!(db.app.run_due_reminders().await.unwrap(), 0, "not yet due");

    let sent = db
        .post_form(&format!("/plans/{slug}/reminders/send"), "", &editor)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(db.app.pending_mail().await.unwrap(), 3);
    let page = db.get(&format!("/plans/{slug}/reminders"), &editor).await;
    assert!(page.body.contains("Sent by hand"));
}

async fn closing_a_cycle_sends_the_board_its_exception_report(db: &TestDb) {
    let slug = plan_with_people(db).await;
    let mut board = wsoa::domain::Board::new("SEND Improvement Board");
    board.members = vec![
        "Director of Children's Services".to_owned(),
        "Jo Bloggs <jo@example.org>".to_owned(),
    ];
    db.app
        .add_board(&Actor::System, &slug, board)
        .await
        .unwrap();
    let smtp = SmtpServer::start().await;
    let editor = db.session("editor@example.org").await;

    let closed = db
        .post_form(&format!("/plans/{slug}/cycles/close"), "", &editor)
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert_eq!(db.app.deliver_mail(&smtp.mailer()).await.unwrap().sent, 2);
    let received = smtp.received();
    assert_eq!(
        recipients(&received),
        ["jo@example.org", "viewer@example.org"],
        "the board's members and the area's viewers"
    );
    let pack = message_to(&received, "viewer@example.org");
    assert!(pack.contains("Exception report"), "{pack}");
    assert!(pack.contains("application/pdf"), "the PDF is attached");
    assert!(pack.contains(".pdf"), "{pack}");
    assert!(pack.contains("List-Unsubscribe"), "a viewer may opt out");
    assert!(
        !message_to(&received, "jo@example.org").contains("List-Unsubscribe"),
        "a member without an account has no preferences to set"
    );
    let at = pack.find("/plans/").unwrap();
    let link: String = pack[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"')
        .collect();
    assert!(link.ends_with("exceptions.html?as_at=cycle:1"), "{link}");
    let viewer = db.session("viewer@example.org").await;
    let report = db.get(&link.replace("&amp;", "&"), &viewer).await;
    assert_eq!(report.status, StatusCode::OK, "{link}");
}

on_both_backends!(
    closing_a_cycle_sends_the_board_its_exception_report,
    owners_with_something_to_do_get_one_email_listing_only_those_actions,
    an_owner_who_unsubscribes_gets_no_more_reminders,
    editors_set_when_reminders_go_and_see_who_would_be_emailed,
);
