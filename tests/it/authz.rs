//! The authorisation matrix: every page route and API endpoint, asked by every role of
//! the plan's area, by the public and by an editor of another area, against an
//! unpublished plan. Each row says what each of them gets.
//!
//! Denials that would reveal that something exists are 404, the same as for something
//! that does not exist; 403 only where the asker may already see the thing.

use axum::http::StatusCode;
use serde_json::json;
use wsoa::app::ProgressReport;
use wsoa::domain::{Actor, ItemFields, NewEvidence, Role};

use crate::helpers::{Auth, TestDb, plan_with_evidence, repo_path, small_plan};
use crate::import_formats::tracker_workbook;

/// Who asks, in the order of the expectation columns.
const WHO: [&str; 7] = [
    "public", "admin", "editor", "owner", "viewer", "adviser", "other",
];

/// The seven askers: a browser session for pages, a token for the API.
struct Askers {
    pages: Vec<Auth>,
    api: Vec<Auth>,
}

struct World {
    db: TestDb,
    slug: String,
    /// An action the owner owns ("AB" is among its owners).
    mine: i64,
    /// An action the owner does not own.
    theirs: i64,
    /// A KPI the owner reports (its owner is "AB").
    kpi_mine: i64,
    /// A KPI with no owner.
    kpi_theirs: i64,
    /// Imports awaiting confirmation, previewed by the editor of the other area: one of a
    /// plan for its own area, one of a plan for this one.
    other_import: String,
    other_import_refused: String,
    askers: Askers,
}

async fn world() -> World {
    let db = TestDb::sqlite().await;
    // The small plan with KPIs, voice, governance and a timeline beside its actions.
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let mut south = small_plan();
    south.local_area = "Southshire".into();
    db.app.import_plan(&Actor::System, south).await.unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let actions = &plan.areas[0].objectives[0].actions;
    let (mine, theirs) = (actions[0].id.unwrap().0, actions[1].id.unwrap().0);
    assert_eq!(plan.kpis[0].owner.as_deref(), Some("AB"));
    assert_eq!(plan.kpis[1].owner, None);
    let (kpi_mine, kpi_theirs) = (plan.kpis[0].id.unwrap().0, plan.kpis[1].id.unwrap().0);
    let mut pages = vec![Auth::Anonymous];
    let mut api = vec![Auth::Anonymous];
    let mut other = None;
    for (who, role, area, person) in [
        ("admin", Role::Admin, "Northshire", None),
        ("editor", Role::Editor, "Northshire", None),
        ("owner", Role::Owner, "Northshire", Some("AB")),
        ("viewer", Role::Viewer, "Northshire", None),
        ("adviser", Role::Adviser, "Northshire", None),
        ("other", Role::Editor, "Southshire", None),
    ] {
        let email = format!("{who}@example.org");
        let user = db.user(&email, role, area, person).await;
        pages.push(db.session(&email).await);
        api.push(db.token(&user).await);
        other = Some(Actor::User(user));
    }
    let other = other.unwrap();
    let other_import = db
        .app
        .preview_import(&other, southshire_tracker(), "tracker.csv")
        .await
        .unwrap()
        .id;
    let other_import_refused = db
        .app
        .preview_import(&other, tracker_workbook(), "tracker.xlsx")
        .await
        .unwrap()
        .id;
    World {
        db,
        slug: stored.slug,
        mine,
        theirs,
        kpi_mine,
        kpi_theirs,
        other_import,
        other_import_refused,
        askers: Askers { pages, api },
    }
}

/// The CSV tracker of `tests/fixtures/import`, for Southshire.
fn southshire_tracker() -> Vec<u8> {
    let csv = std::fs::read(repo_path("tests/fixtures/import/tracker.csv")).unwrap();
    let at = csv.windows(10).position(|w| w == b"Northshire").unwrap();
    [&csv[..at], b"Southshire", &csv[at + 10..]].concat()
}

/// One route: the method, the path template as documented, the concrete path, a body,
/// and the seven expected statuses. In a body, `{n}` becomes the asker's column number
/// and `{measure}` a standard KPI measure of its own, so a write that must be unique (a
/// board's name, a KPI actual's period, a KPI) differs between askers, and one asker's
/// success does not make the next one's a duplicate.
struct Row {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Option<String>,
    /// Whether the body is a CSV file, uploaded as a multipart form.
    csv: bool,
    /// A file uploaded as a multipart form, in the `document` field.
    file: Option<(&'static str, Vec<u8>)>,
    expect: [u16; 7],
}

fn row(method: &'static str, template: &'static str, path: String, expect: [u16; 7]) -> Row {
    Row {
        method,
        template,
        path,
        body: None,
        csv: false,
        file: None,
        expect,
    }
}

fn with_body(mut row: Row, body: impl Into<String>) -> Row {
    row.body = Some(body.into());
    row
}

fn with_csv(mut row: Row, csv: impl Into<String>) -> Row {
    row.body = Some(csv.into());
    row.csv = true;
    row
}

fn with_file(mut row: Row, name: &'static str, bytes: Vec<u8>) -> Row {
    row.file = Some((name, bytes));
    row
}

async fn ask(db: &TestDb, row: &Row, auth: &Auth, api: bool, n: usize) -> StatusCode {
    if let Some((name, bytes)) = &row.file {
        return db.upload(&row.path, name, bytes, auth).await.status;
    }
    let body = row.body.as_ref().map(|b| {
        b.replace("{n}", &n.to_string())
            .replace("{measure}", MEASURES[n])
    });
    match (row.method, &body) {
        ("GET", _) => db.get(&row.path, auth).await.status,
        ("POST", Some(body)) if api => {
            let json: serde_json::Value = serde_json::from_str(body).unwrap();
            db.post_json(&row.path, &json, auth).await.status
        }
        ("POST", Some(csv)) if row.csv => db.post_csv(&row.path, csv, auth).await.status,
        ("POST", body) => {
            db.post_form(&row.path, body.as_deref().unwrap_or(""), auth)
                .await
                .status
        }
        (method, _) => panic!("no test client for {method}"),
    }
}

async fn check(w: &World, rows: &[Row], api: bool) {
    let askers = if api { &w.askers.api } else { &w.askers.pages };
    let mut wrong = Vec::new();
    for row in rows {
        for (i, auth) in askers.iter().enumerate() {
            let got = ask(&w.db, row, auth, api, i).await;
            if got.as_u16() != row.expect[i] {
                wrong.push(format!(
                    "{} {} as {}: expected {}, got {}",
                    row.method, row.path, WHO[i], row.expect[i], got
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Standard measures the world's plan has no KPI for yet, one per asker.
const MEASURES: [&str; 7] = [
    "annual-reviews-on-time",
    "suspensions-send",
    "permanent-exclusions-send",
    "neet-16-17-send",
    "not-known-16-17-send",
    "speech-language-therapy-wait",
    "occupational-therapy-wait",
];

const QUOTE_FORM: &str = "text=It+is+better+now&speaker=parent_or_carer&source=survey&sentiment=working_well&consent=yes";

const UPDATE_FORM: &str =
    "date-day=1&date-month=2&date-year=2020&narrative=Done&rating-completed=G";

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "the matrix is one table, read best in one piece"
)]
async fn every_page_answers_each_role_as_the_matrix_says() {
    let w = world().await;
    let (plan, mine, theirs) = (&w.slug, w.mine, w.theirs);
    let (kpi_mine, kpi_theirs) = (w.kpi_mine, w.kpi_theirs);
    let (import, refused) = (&w.other_import, &w.other_import_refused);
    //                                 public admin editor owner viewer adviser other
    let read = [404, 200, 200, 200, 200, 200, 404];
    let write = [404, 303, 303, 403, 403, 403, 404];
    let rows = vec![
        row("GET", "/", "/".into(), [200, 200, 200, 200, 200, 200, 200]),
        row(
            "GET",
            "/plans",
            "/plans".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/login",
            "/login".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/login",
                "/login".into(),
                [422, 422, 422, 422, 422, 422, 422],
            ),
            "email=nobody%40example.org&password=wrong",
        ),
        row(
            "GET",
            "/plans/{plan}",
            format!("/plans/{plan}"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}",
            format!("/plans/{plan}/actions/{mine}"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                format!("/plans/{plan}/actions/{mine}/updates"),
                [404, 303, 303, 303, 403, 403, 404],
            ),
            UPDATE_FORM,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                format!("/plans/{plan}/actions/{theirs}/updates"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            UPDATE_FORM,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/publication",
                format!("/plans/{plan}/publication"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            "published=false",
        ),
        row(
            "GET",
            "/plans/{plan}/audit",
            format!("/plans/{plan}/audit"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/audit.csv",
            format!("/plans/{plan}/audit.csv"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}/audit",
            format!("/plans/{plan}/actions/{mine}/audit"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/reports",
            format!("/plans/{plan}/reports"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/download",
            format!("/plans/{plan}/reports/download?report=highlight&format=docx"),
            [404, 303, 303, 303, 303, 303, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/highlight.docx"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/public.html"),
            [404, 200, 200, 200, 200, 200, 404],
        ),
        row(
            "GET",
            "/plans/{plan}/kpis",
            format!("/plans/{plan}/kpis"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}/kpis/{kpi}",
            format!("/plans/{plan}/kpis/{kpi_mine}"),
            read,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/kpis",
                format!("/plans/{plan}/kpis"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            "measure={measure}",
        ),
        with_csv(
            row(
                "POST",
                "/plans/{plan}/kpis/actuals",
                format!("/plans/{plan}/kpis/actuals"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            "kpi,period,value\nautism-assessment-wait,201{n}-01,12\n",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/kpis/{kpi}/actuals",
                format!("/plans/{plan}/kpis/{kpi_mine}/actuals"),
                [404, 303, 303, 303, 403, 403, 404],
            ),
            "period=201{n}-Q2&value=41",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/kpis/{kpi}/actuals",
                format!("/plans/{plan}/kpis/{kpi_theirs}/actuals"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            "period=201{n}-06&value=12",
        ),
        row(
            "GET",
            "/plans/{plan}/voice",
            format!("/plans/{plan}/voice"),
            read,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/voice/quotes",
                format!("/plans/{plan}/voice/quotes"),
                write,
            ),
            QUOTE_FORM,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/voice/you-said-we-did",
                format!("/plans/{plan}/voice/you-said-we-did"),
                write,
            ),
            "you_said=Shorter+waits&we_did=A+second+clinic&status=done",
        ),
        row(
            "GET",
            "/plans/{plan}/you-said-we-did",
            format!("/plans/{plan}/you-said-we-did"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}/governance",
            format!("/plans/{plan}/governance"),
            read,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/governance/meetings",
                format!("/plans/{plan}/governance/meetings"),
                write,
            ),
            "date=20+January+2020&kind=monitoring_visit&purpose=Visit+{n}",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/governance/boards",
                format!("/plans/{plan}/governance/boards"),
                write,
            ),
            "name=Working+group+{n}",
        ),
        row(
            "GET",
            "/plans/{plan}/timeline",
            format!("/plans/{plan}/timeline"),
            read,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/timeline/events",
                format!("/plans/{plan}/timeline/events"),
                write,
            ),
            "date=18+November+2019&kind=submission",
        ),
        row(
            "GET",
            "/plans/{plan}/glossary",
            format!("/plans/{plan}/glossary"),
            read,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/glossary",
                format!("/plans/{plan}/glossary"),
                write,
            ),
            "term=ICB&definition=Integrated+care+board",
        ),
        row(
            "GET",
            "/compare",
            "/compare".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/account",
            "/account".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/account/password",
            "/account/password".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/account/tokens",
            "/account/tokens".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/account/tokens",
                "/account/tokens".into(),
                [401, 200, 200, 200, 200, 200, 200],
            ),
            "name=dashboard",
        ),
        with_body(
            row(
                "POST",
                "/account/tokens/{token}/revoke",
                "/account/tokens/999999/revoke".into(),
                [401, 404, 404, 404, 404, 404, 404],
            ),
            "",
        ),
        with_body(
            row(
                "POST",
                "/account/password",
                "/account/password".into(),
                [401, 422, 422, 422, 422, 422, 422],
            ),
            "current_password=wrong&new_password=short&confirm_password=short",
        ),
        // Two-factor: the settings are one's own; nobody has it on here, so each is
        // offered the set-up, a wrong first code is refused, and there are no codes to
        // replace. The admin's cannot be turned off; a viewer's wrong password is refused.
        row(
            "GET",
            "/account/two-factor",
            "/account/two-factor".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/account/two-factor",
                "/account/two-factor".into(),
                [401, 422, 422, 422, 422, 422, 422],
            ),
            "secret=AAAA&code=123456",
        ),
        with_body(
            row(
                "POST",
                "/account/two-factor/disable",
                "/account/two-factor/disable".into(),
                [401, 422, 422, 422, 422, 422, 422],
            ),
            "password=wrong",
        ),
        with_body(
            row(
                "POST",
                "/account/two-factor/recovery-codes",
                "/account/two-factor/recovery-codes".into(),
                [401, 409, 409, 409, 409, 409, 409],
            ),
            "",
        ),
        // A sign-in's second step needs its cookie: without one, back to the password.
        row(
            "GET",
            "/login/two-factor",
            "/login/two-factor".into(),
            [303, 303, 303, 303, 303, 303, 303],
        ),
        with_body(
            row(
                "POST",
                "/login/two-factor",
                "/login/two-factor".into(),
                [303, 303, 303, 303, 303, 303, 303],
            ),
            "code=123456",
        ),
        row(
            "GET",
            "/areas/{area}/users",
            "/areas/northshire/users".into(),
            [303, 200, 403, 403, 403, 403, 404],
        ),
        with_body(
            row(
                "POST",
                "/areas/{area}/users",
                "/areas/northshire/users".into(),
                [404, 303, 403, 403, 403, 403, 404],
            ),
            "email=new%40example.org&name=New&role=viewer&person_key=&password=",
        ),
        row(
            "GET",
            "/plans/import",
            "/plans/import".into(),
            [303, 200, 200, 403, 403, 403, 200],
        ),
        // A plan for Northshire: its admins and editors store it after the preview; the
        // other area's editor previews it, and is told there why it cannot be stored.
        with_file(
            row(
                "POST",
                "/plans/import",
                "/plans/import".into(),
                [401, 303, 303, 403, 403, 403, 303],
            ),
            "tracker.xlsx",
            tracker_workbook(),
        ),
        // Previews are the previewer's alone (here the other area's editor, who asks last,
        // so the confirmation does not hide the import from the others).
        row(
            "GET",
            "/plans/import/{id}",
            format!("/plans/import/{refused}"),
            [303, 404, 404, 404, 404, 404, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans/import/{id}/confirm",
                format!("/plans/import/{refused}/confirm"),
                [401, 404, 404, 404, 404, 404, 403],
            ),
            "",
        ),
        // Reading a preview again with other columns: the previewer's alone, even for a
        // plan they may not store (the roles read may be what names the wrong area).
        with_body(
            row(
                "POST",
                "/plans/import/{id}/columns",
                format!("/plans/import/{refused}/columns"),
                [401, 404, 404, 404, 404, 404, 303],
            ),
            "column-0-0=ignore",
        ),
        with_body(
            row(
                "POST",
                "/plans/import/{id}/columns",
                format!("/plans/import/{import}/columns"),
                [401, 404, 404, 404, 404, 404, 303],
            ),
            "reset=yes",
        ),
        row(
            "GET",
            "/plans/import/{id}",
            format!("/plans/import/{import}"),
            [303, 404, 404, 404, 404, 404, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans/import/{id}/confirm",
                format!("/plans/import/{import}/confirm"),
                [401, 404, 404, 404, 404, 404, 303],
            ),
            "",
        ),
        // Mail and access: the outbox is for admins; everyone signed in sets their own
        // email choices and ends their own sessions; reminders are for editors.
        row(
            "GET",
            "/outbox",
            "/outbox".into(),
            [303, 200, 403, 403, 403, 403, 403],
        ),
        row(
            "GET",
            "/account/mail",
            "/account/mail".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/account/mail",
                "/account/mail".into(),
                [401, 303, 303, 303, 303, 303, 303],
            ),
            "reminders=yes&digests=yes&board_packs=yes",
        ),
        with_body(
            row(
                "POST",
                "/account/sessions/end",
                "/account/sessions/end".into(),
                [401, 303, 303, 303, 303, 303, 303],
            ),
            "",
        ),
        with_body(
            row(
                "POST",
                "/account/invitations/{invitation}/accept",
                "/account/invitations/999/accept".into(),
                [401, 404, 404, 404, 404, 404, 404],
            ),
            "",
        ),
        row(
            "GET",
            "/plans/{plan}/reminders",
            format!("/plans/{plan}/reminders"),
            [404, 200, 200, 403, 403, 403, 404],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/reminders",
                format!("/plans/{plan}/reminders"),
                write,
            ),
            "days_before=3&on_closing_day=yes",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/reminders/send",
                format!("/plans/{plan}/reminders/send"),
                write,
            ),
            "",
        ),
        with_body(
            row(
                "POST",
                "/areas/{area}/users/remove",
                "/areas/northshire/users/remove".into(),
                [404, 404, 403, 403, 403, 403, 404],
            ),
            "email=nobody%40example.org",
        ),
        with_body(
            row(
                "POST",
                "/areas/{area}/users/disable",
                "/areas/northshire/users/disable".into(),
                [404, 404, 403, 403, 403, 403, 404],
            ),
            "email=nobody%40example.org",
        ),
        with_body(
            row(
                "POST",
                "/areas/{area}/invitations/{invitation}/withdraw",
                "/areas/northshire/invitations/999/withdraw".into(),
                [404, 404, 403, 403, 403, 403, 404],
            ),
            "",
        ),
        // Ways in without a session: the same for everyone; unknown links are not found.
        row(
            "GET",
            "/password-reset",
            "/password-reset".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/invitations/{token}",
            "/invitations/0000".into(),
            [404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            "GET",
            "/password-reset/{token}",
            "/password-reset/0000".into(),
            [404, 404, 404, 404, 404, 404, 404],
        ),
        // Single sign-on: no provider is configured here, so none is found.
        row(
            "GET",
            "/sso/{provider}",
            "/sso/northshire".into(),
            [404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            "GET",
            "/sso/{provider}/callback",
            "/sso/northshire/callback?code=a&state=b".into(),
            [404, 404, 404, 404, 404, 404, 404],
        ),
        with_body(
            row(
                "POST",
                "/unsubscribe/{token}",
                "/unsubscribe/0000".into(),
                [404, 404, 404, 404, 404, 404, 404],
            ),
            "",
        ),
        with_body(
            row(
                "POST",
                "/logout",
                "/logout".into(),
                [303, 303, 303, 303, 303, 303, 303],
            ),
            "",
        ),
        // Probes and scrapers: no sign-in, whoever asks. `/metrics` answers only the
        // addresses allowed (loopback by default); these requests come from no address
        // at all, so everyone is told it does not exist.
        row(
            "GET",
            "/healthz",
            "/healthz".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/readyz",
            "/readyz".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/metrics",
            "/metrics".into(),
            [404, 404, 404, 404, 404, 404, 404],
        ),
    ];

    check(&w, &rows, false).await;
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "the matrix is one table, read best in one piece"
)]
async fn every_api_endpoint_answers_each_role_as_the_matrix_says() {
    let w = world().await;
    let (plan, mine, theirs) = (&w.slug, w.mine, w.theirs);
    let update = json!({"date": "2020-02-01", "narrative": "Done", "ratings": {"completed": "G"}})
        .to_string();
    let mut import = serde_json::to_value(small_plan()).unwrap();
    import["title"] = "Imported through the API".into();
    let import = import.to_string();
    let mut foreign = serde_json::to_value(small_plan()).unwrap();
    foreign["local_area"] = "Southshire".into();
    let foreign = foreign.to_string();
    let v1 = |p: &str| format!("/api/v1{p}");
    //                                 public admin editor owner viewer adviser other
    let read_plan = [404, 200, 200, 200, 200, 200, 404];
    let rows = vec![
        row(
            "GET",
            "/local-areas",
            v1("/local-areas"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans",
            v1("/plans"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans",
                v1("/plans"),
                [401, 201, 201, 403, 403, 403, 403],
            ),
            import,
        ),
        with_body(
            row(
                "POST",
                "/plans",
                v1("/plans"),
                [401, 403, 403, 403, 403, 403, 201],
            ),
            foreign,
        ),
        row(
            "GET",
            "/plans/{plan}",
            v1(&format!("/plans/{plan}")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/areas",
            v1(&format!("/plans/{plan}/areas")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/objectives",
            v1(&format!("/plans/{plan}/objectives")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/actions",
            v1(&format!("/plans/{plan}/actions")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/people",
            v1(&format!("/plans/{plan}/people")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}",
            v1(&format!("/plans/{plan}/actions/{mine}")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}/milestones",
            v1(&format!("/plans/{plan}/actions/{mine}/milestones")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}/updates",
            v1(&format!("/plans/{plan}/actions/{mine}/updates")),
            read_plan,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                v1(&format!("/plans/{plan}/actions/{mine}/updates")),
                [404, 201, 201, 201, 403, 403, 404],
            ),
            update.clone(),
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                v1(&format!("/plans/{plan}/actions/{theirs}/updates")),
                [404, 201, 201, 403, 403, 403, 404],
            ),
            update,
        ),
        row(
            "GET",
            "/plans/{plan}/kpis",
            v1(&format!("/plans/{plan}/kpis")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/voice",
            v1(&format!("/plans/{plan}/voice")),
            read_plan,
        ),
        row(
            "GET",
            "/plans/{plan}/you-said-we-did",
            v1(&format!("/plans/{plan}/you-said-we-did")),
            read_plan,
        ),
        row(
            "GET",
            "/openapi.json",
            v1("/openapi.json"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
    ];

    check(&w, &rows, true).await;

    // Every endpoint the OpenAPI document lists is in the matrix.
    let doc = serde_json::to_value(wsoa::web::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let covered = rows
                .iter()
                .any(|r| r.template == path && r.method.eq_ignore_ascii_case(method));
            assert!(covered, "{method} {path} is not in the matrix");
        }
    }
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "the matrix is one table, read best in one piece"
)]
async fn a_published_plan_is_readable_by_everyone_but_changed_only_by_its_area() {
    let w = world().await;
    let plan = &w.slug;
    w.db.app
        .set_published(&Actor::System, plan, true)
        .await
        .unwrap();
    //                                 public admin editor owner viewer adviser other
    let pages = vec![
        row(
            "GET",
            "/plans/{plan}",
            format!("/plans/{plan}"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/audit",
            format!("/plans/{plan}/audit"),
            [401, 200, 200, 200, 200, 200, 403],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                format!("/plans/{plan}/actions/{}/updates", w.mine),
                [401, 303, 303, 303, 403, 403, 403],
            ),
            UPDATE_FORM,
        ),
        // Reports: the public summary as a document for everyone, the rest for members.
        row(
            "GET",
            "/plans/{plan}/reports",
            format!("/plans/{plan}/reports"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/kpis/{kpi}",
            format!("/plans/{plan}/kpis/{}", w.kpi_mine),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/kpis/{kpi}/actuals",
                format!("/plans/{plan}/kpis/{}/actuals", w.kpi_mine),
                [401, 303, 303, 303, 403, 403, 403],
            ),
            "period=201{n}-Q2&value=41",
        ),
        with_csv(
            row(
                "POST",
                "/plans/{plan}/kpis/actuals",
                format!("/plans/{plan}/kpis/actuals"),
                [401, 303, 303, 403, 403, 403, 403],
            ),
            "kpi,period,value\nautism-assessment-wait,201{n}-01,12\n",
        ),
        row(
            "GET",
            "/plans/{plan}/voice",
            format!("/plans/{plan}/voice"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/download",
            format!("/plans/{plan}/reports/download?report=public&format=docx"),
            [303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/download",
            format!("/plans/{plan}/reports/download?report=exceptions&format=html"),
            [401, 303, 303, 303, 303, 303, 403],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/public.html"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/you-said-we-did",
            format!("/plans/{plan}/you-said-we-did"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/voice/you-said-we-did",
                format!("/plans/{plan}/voice/you-said-we-did"),
                [401, 303, 303, 403, 403, 403, 403],
            ),
            "you_said=Shorter+waits&we_did=A+second+clinic&status=done",
        ),
        row(
            "GET",
            "/plans/{plan}/governance",
            format!("/plans/{plan}/governance"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/public.docx"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/public.csv"),
            [401, 200, 200, 200, 200, 200, 403],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/highlight.html"),
            [401, 200, 200, 200, 200, 200, 403],
        ),
        row(
            "GET",
            "/plans/{plan}/reports/{file}",
            format!("/plans/{plan}/reports/tracker.xlsx"),
            [401, 200, 200, 200, 200, 200, 403],
        ),
        row(
            "GET",
            "/plans/{plan}/timeline",
            format!("/plans/{plan}/timeline"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/glossary",
                format!("/plans/{plan}/glossary"),
                [401, 303, 303, 403, 403, 403, 403],
            ),
            "term=ICB&definition=Integrated+care+board",
        ),
    ];
    let api = vec![
        row(
            "GET",
            "/plans/{plan}",
            format!("/api/v1/plans/{plan}"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                format!("/api/v1/plans/{plan}/actions/{}/updates", w.mine),
                [401, 201, 201, 201, 403, 403, 403],
            ),
            json!({"narrative": "Done"}).to_string(),
        ),
        row(
            "GET",
            "/plans/{plan}/kpis",
            format!("/api/v1/plans/{plan}/kpis"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/voice",
            format!("/api/v1/plans/{plan}/voice"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/plans/{plan}/you-said-we-did",
            format!("/api/v1/plans/{plan}/you-said-we-did"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
    ];

    check(&w, &pages, false).await;
    check(&w, &api, true).await;
}

#[tokio::test]
async fn the_api_ignores_the_session_cookie() {
    let w = world().await;
    let editor_session = &w.askers.pages[2];
    let path = format!("/api/v1/plans/{}/actions/{}/updates", w.slug, w.mine);

    let reply =
        w.db.post_json(
            &path,
            &json!({"narrative": "Riding the cookie"}),
            editor_session,
        )
        .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND, "treated as the public");
}

/// The plan being run (issue 4's pages) with a closed cycle, an evidence file and a
/// milestone on an action the owner does not own, so every route has something to show.
async fn running_world() -> (World, i64, i64, i64) {
    let w = world().await;
    let (plan, mine, theirs) = (&w.slug, w.mine.to_string(), w.theirs);
    let app = &w.db.app;
    app.record_progress(
        &Actor::System,
        plan,
        &mine,
        ProgressReport {
            narrative: "Minutes attached".into(),
            evidence: vec![NewEvidence::file("minutes.pdf", b"%PDF-1.4".to_vec()).unwrap()],
            ..ProgressReport::default()
        },
    )
    .await
    .unwrap();
    let record = app
        .action_page(&Actor::System, plan, &mine)
        .await
        .unwrap()
        .record;
    let evidence = record.evidence[0].id.0;
    let open = record.milestones[1].id.0;
    let their_milestone = app
        .add_item(
            &Actor::System,
            plan,
            Some(theirs),
            ItemFields::Milestone {
                text: "Theirs".into(),
                due: None,
                due_text: None,
            },
        )
        .await
        .unwrap();
    app.close_cycle(&Actor::System, plan, None).await.unwrap();
    (w, evidence, open, their_milestone)
}

/// Running the plan: reads for whoever may read it; progress, evidence and milestones
/// for the action's owner and the area's admins and editors; due dates, structure, the
/// rating key and cycles for admins and editors. Bodies are chosen so that whoever is
/// let in gets the same answer (often the form's problem), which shows the permission
/// was checked before the form was read.
#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "the matrix is one table, read best in one piece"
)]
async fn every_page_that_runs_a_plan_answers_each_role_as_the_matrix_says() {
    let (w, evidence, open, their_milestone) = running_world().await;
    let (plan, mine, theirs) = (&w.slug, w.mine, w.theirs);
    //                                 public admin editor owner viewer adviser other
    let read = [404, 200, 200, 200, 200, 200, 404];
    let edit_page = [404, 200, 200, 403, 403, 403, 404];
    let edit_form = [404, 422, 422, 403, 403, 403, 404];
    let rows = vec![
        row(
            "GET",
            "/plans/{plan}/dashboard",
            format!("/plans/{plan}/dashboard"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}/people",
            format!("/plans/{plan}/people"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}",
            format!("/plans/{plan}?flag=overdue&q=strategy"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}/cycles",
            format!("/plans/{plan}/cycles"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}/cycles/{number}",
            format!("/plans/{plan}/cycles/1"),
            read,
        ),
        row(
            "GET",
            "/plans/{plan}/evidence/{evidence}",
            format!("/plans/{plan}/evidence/{evidence}"),
            read,
        ),
        // A cycle was closed today, so whoever may close one is told it cannot close twice.
        with_body(
            row(
                "POST",
                "/plans/{plan}/cycles/close",
                format!("/plans/{plan}/cycles/close"),
                [404, 409, 409, 403, 403, 403, 404],
            ),
            "",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/cycles/settings",
                format!("/plans/{plan}/cycles/settings"),
                edit_form,
            ),
            "weeks=0&start=",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/cycles/settings",
                format!("/plans/{plan}/cycles/settings"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            "weeks=6&start=",
        ),
        // The update form with a milestone already done: refused as the form's problem.
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/updates",
                format!("/plans/{plan}/actions/{mine}/updates"),
                [404, 422, 422, 422, 403, 403, 404],
            ),
            format!(
                "narrative=Done&milestones={}",
                w.db.app
                    .action_page(&Actor::System, plan, &mine.to_string())
                    .await
                    .unwrap()
                    .record
                    .milestones[0]
                    .id
                    .0
            ),
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/milestones/{milestone}/done",
                format!("/plans/{plan}/actions/{mine}/milestones/{open}/done"),
                [404, 422, 422, 422, 403, 403, 404],
            ),
            "done_on=2030-01-01",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/milestones/{milestone}/done",
                format!("/plans/{plan}/actions/{theirs}/milestones/{their_milestone}/done"),
                [404, 422, 422, 403, 403, 403, 404],
            ),
            "done_on=2030-01-01",
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}/due",
            format!("/plans/{plan}/actions/{mine}/due"),
            edit_page,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/actions/{action}/due",
                format!("/plans/{plan}/actions/{mine}/due"),
                edit_form,
            ),
            "due=September+2020&reason=&approved_by=Board",
        ),
        row(
            "GET",
            "/plans/{plan}/structure",
            format!("/plans/{plan}/structure"),
            edit_page,
        ),
        row(
            "GET",
            "/plans/{plan}/structure/{kind}/new",
            format!("/plans/{plan}/structure/people/new"),
            edit_page,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/structure/{kind}/new",
                format!("/plans/{plan}/structure/people/new"),
                edit_form,
            ),
            "name=",
        ),
        row(
            "GET",
            "/plans/{plan}/structure/{kind}/{id}/edit",
            format!("/plans/{plan}/structure/actions/{mine}/edit"),
            edit_page,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/structure/{kind}/{id}/edit",
                format!("/plans/{plan}/structure/actions/{mine}/edit"),
                edit_form,
            ),
            "reference=1.1a&text=",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/structure/{kind}/{id}/move",
                format!("/plans/{plan}/structure/actions/{theirs}/move"),
                [404, 303, 303, 403, 403, 403, 404],
            ),
            "direction=up",
        ),
        // The action has history, so whoever may remove things is told why it stays.
        with_body(
            row(
                "POST",
                "/plans/{plan}/structure/{kind}/{id}/remove",
                format!("/plans/{plan}/structure/actions/{mine}/remove"),
                [404, 409, 409, 403, 403, 403, 404],
            ),
            "",
        ),
        row(
            "GET",
            "/plans/{plan}/scheme",
            format!("/plans/{plan}/scheme"),
            edit_page,
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/scheme",
                format!("/plans/{plan}/scheme"),
                edit_form,
            ),
            "name=",
        ),
        // RAG would drop levels in use.
        with_body(
            row(
                "POST",
                "/plans/{plan}/scheme/preset",
                format!("/plans/{plan}/scheme/preset"),
                edit_form,
            ),
            "preset=rag",
        ),
    ];

    check(&w, &rows, false).await;
    let (_, events) = w.db.app.plan_audit(&Actor::System, plan).await.unwrap();
    let by_people: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e.actor.ends_with("@example.org"))
        .map(|e| (e.event.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        by_people,
        [
            ("plan.cycle_set", "admin@example.org"),
            ("plan.cycle_set", "editor@example.org"),
            ("structure.moved", "admin@example.org"),
        ],
        "only what was allowed changed anything, and each change is in the trail \
         (the editor's move found the action already first)"
    );
}

#[tokio::test]
async fn a_published_plan_is_run_only_by_its_area() {
    let (w, evidence, _, _) = running_world().await;
    let plan = &w.slug;
    w.db.app
        .set_published(&Actor::System, plan, true)
        .await
        .unwrap();
    //                                 public admin editor owner viewer adviser other
    let everyone = [200, 200, 200, 200, 200, 200, 200];
    let rows = vec![
        row(
            "GET",
            "/plans/{plan}/dashboard",
            format!("/plans/{plan}/dashboard"),
            everyone,
        ),
        row(
            "GET",
            "/plans/{plan}/people",
            format!("/plans/{plan}/people"),
            everyone,
        ),
        row(
            "GET",
            "/plans/{plan}/cycles",
            format!("/plans/{plan}/cycles"),
            everyone,
        ),
        row(
            "GET",
            "/plans/{plan}/cycles/{number}",
            format!("/plans/{plan}/cycles/1"),
            everyone,
        ),
        row(
            "GET",
            "/plans/{plan}/evidence/{evidence}",
            format!("/plans/{plan}/evidence/{evidence}"),
            everyone,
        ),
        row(
            "GET",
            "/plans/{plan}/structure",
            format!("/plans/{plan}/structure"),
            [401, 200, 200, 403, 403, 403, 403],
        ),
        row(
            "GET",
            "/plans/{plan}/actions/{action}/due",
            format!("/plans/{plan}/actions/{}/due", w.mine),
            [401, 200, 200, 403, 403, 403, 403],
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/cycles/close",
                format!("/plans/{plan}/cycles/close"),
                [401, 409, 409, 403, 403, 403, 403],
            ),
            "",
        ),
        with_body(
            row(
                "POST",
                "/plans/{plan}/scheme/preset",
                format!("/plans/{plan}/scheme/preset"),
                [401, 422, 422, 403, 403, 403, 403],
            ),
            "preset=rag",
        ),
    ];

    check(&w, &rows, false).await;
}
