//! Reports as at a closed reporting cycle, on SQLite and PostgreSQL: what came after the
//! cycle closed is left out, "since the last report" starts when the cycle before closed,
//! an unknown cycle is refused with the cycles there are, stale follows the plan's own
//! cycle as the dashboard does, and slipped dates come from the recorded due-date
//! changes. Read back from JSON, CSV, XLSX and DOCX, through the app, the command line and
//! the reports form.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use time::Date;
use time::macros::{date, datetime};
use wsoa::app::{App, NewUpdate, ReportRequest};
use wsoa::domain::{
    Actor, AsAt, Error, Meeting, NewDueChange, PlanTree, ReportFormat, ReportKind, ReportingCycle,
    Role,
};

use crate::helpers::{
    Auth, PASSWORD, Reply, TestDb, on_both_backends, plan_with_evidence, send, with_auth,
};
use crate::reports::{csv_rows, read_docx, sheet};

on_both_backends!(
    an_update_dated_in_a_closed_cycle_is_for_editors_and_marked_late,
    a_report_as_at_a_closed_cycle_leaves_out_what_came_after,
    the_period_starts_when_the_cycle_before_closed,
    an_unknown_cycle_is_refused_naming_the_cycles_there_are,
    slipped_dates_come_from_the_due_date_changes,
    stale_follows_each_plans_reporting_cycle_as_the_dashboard_does,
    the_command_line_exports_as_at_a_closed_cycle,
    the_reports_form_offers_the_closed_cycles_and_the_download_honours_them,
    the_reports_form_explains_an_unknown_cycle_or_a_missing_day,
);

/// The update recorded after cycle 1 closed.
const LATER_UPDATE: &str = "Strategy signed off after the first cycle closed.";
/// The small plan's last update before cycle 1 closed, on 31 January 2020.
const EARLIER_UPDATE: &str = "Draft strategy shared.";

/// A plan with its history around two closed cycles, and the app ten days after the
/// second one.
struct Story {
    slug: String,
    /// The app on 10 March 2020.
    later: App,
}

fn action_id(tree: &PlanTree, reference: &str) -> String {
    tree.actions()
        .find(|(_, _, a)| a.reference.as_deref() == Some(reference))
        .and_then(|(_, _, a)| a.id)
        .unwrap()
        .0
        .to_string()
}

/// The small plan with its evidence and two more meetings, 20 January and 25 February
/// 2020. Cycle 1 closes on 3 February 2020 (the test clock's day); on 2 March 1.1a is
/// rated complete by an update, 1.1b's due date moves from 31 July to September 2020,
/// and cycle 2 closes.
async fn story(db: &TestDb) -> Story {
    let mut plan = plan_with_evidence();
    let template = plan.meetings[0].clone();
    plan.meetings.push(Meeting {
        date: date!(2020 - 01 - 20),
        purpose: "January review, before cycle 1".into(),
        ..template.clone()
    });
    plan.meetings.push(Meeting {
        date: date!(2020 - 02 - 25),
        purpose: "February review, after cycle 1".into(),
        ..template
    });
    let slug = db.app.import_plan(&Actor::System, plan).await.unwrap().slug;
    db.app
        .close_cycle(&Actor::System, &slug, None)
        .await
        .unwrap();
    let on_2_march = db.app_at(datetime!(2020-03-02 12:00 UTC));
    let (_, tree) = on_2_march.plan(&Actor::System, &slug).await.unwrap();
    on_2_march
        .record_update(
            &Actor::System,
            &slug,
            &action_id(&tree, "1.1a"),
            NewUpdate {
                date: date!(2020 - 03 - 02),
                author: Some("AB".into()),
                narrative: LATER_UPDATE.into(),
                ratings: BTreeMap::from([("completed".into(), "B".into())]),
            },
        )
        .await
        .unwrap();
    on_2_march
        .change_due_date(
            &Actor::System,
            &slug,
            &action_id(&tree, "1.1b"),
            NewDueChange::parse(
                "September 2020",
                "Families asked for more time",
                "SEND Board",
            )
            .unwrap(),
            None,
        )
        .await
        .unwrap();
    on_2_march
        .close_cycle(&Actor::System, &slug, None)
        .await
        .unwrap();
    Story {
        slug,
        later: db.app_at(datetime!(2020-03-10 09:00 UTC)),
    }
}

impl Story {
    async fn export(
        &self,
        kind: ReportKind,
        format: ReportFormat,
        as_at: Option<AsAt>,
        since: Option<Date>,
    ) -> Result<Vec<u8>, Error> {
        let request = ReportRequest { kind, as_at, since };
        self.later
            .export_report(&Actor::System, &self.slug, request, format)
            .await
            .map(|file| file.bytes)
    }

    async fn json(&self, kind: ReportKind, as_at: Option<AsAt>) -> serde_json::Value {
        let bytes = self
            .export(kind, ReportFormat::Json, as_at, None)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    async fn csv(&self, kind: ReportKind, as_at: AsAt) -> Vec<BTreeMap<String, String>> {
        csv_rows(
            &self
                .export(kind, ReportFormat::Csv, Some(as_at), None)
                .await
                .unwrap(),
        )
    }
}

fn row<'a>(rows: &'a [BTreeMap<String, String>], reference: &str) -> &'a BTreeMap<String, String> {
    rows.iter().find(|r| r["Ref"] == reference).unwrap()
}

async fn an_update_dated_in_a_closed_cycle_is_for_editors_and_marked_late(db: &TestDb) {
    let story = story(db).await;
    let owner = db
        .user("ab@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    let editor = db
        .user("editor@example.org", Role::Editor, "Northshire", None)
        .await;
    let (_, tree) = story.later.plan(&Actor::System, &story.slug).await.unwrap();
    let action = action_id(&tree, "1.1a");
    let update = |day: Date| NewUpdate {
        date: day,
        author: None,
        narrative: "Recorded after the cycle closed".into(),
        ratings: BTreeMap::new(),
    };

    // Cycle 2 closed on 2 March: an owner may not date an update 1 March; 2 March is
    // not late (what comes after the close counts among the next cycle's changes).
    let refused = story
        .later
        .record_update(
            &Actor::User(owner.clone()),
            &story.slug,
            &action,
            update(date!(2020 - 03 - 01)),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("That date is in a reporting cycle that has closed (up to 2 March 2020)"),
        "{refused}"
    );
    story
        .later
        .record_update(
            &Actor::User(owner),
            &story.slug,
            &action,
            update(date!(2020 - 03 - 02)),
        )
        .await
        .unwrap();
    story
        .later
        .record_update(
            &Actor::User(editor),
            &story.slug,
            &action,
            update(date!(2020 - 02 - 20)),
        )
        .await
        .unwrap();

    let (_, events) = story
        .later
        .plan_audit(&Actor::System, &story.slug)
        .await
        .unwrap();
    let late: Vec<&str> = events
        .iter()
        .filter(|e| e.event.starts_with("progress.recorded"))
        .map(|e| e.event.as_str())
        .rev()
        .take(2)
        .collect();
    assert_eq!(late, ["progress.recorded_late", "progress.recorded"]);
    let page = get(
        &story.later,
        &db.session_at(&story.later, "editor@example.org").await,
        &format!("/plans/{}/actions/{action}", story.slug),
    )
    .await;
    assert_eq!(
        page.body.matches("Late entry</strong>").count(),
        1,
        "only the update dated inside the closed cycle: {}",
        page.body
    );
}

async fn a_report_as_at_a_closed_cycle_leaves_out_what_came_after(db: &TestDb) {
    let story = story(db).await;

    let json = story.json(ReportKind::Tracker, Some(AsAt::Cycle(1))).await;
    let first = story.csv(ReportKind::Tracker, AsAt::Cycle(1)).await;
    let second = story.csv(ReportKind::Tracker, AsAt::Cycle(2)).await;
    let now = story
        .csv(ReportKind::Tracker, AsAt::Date(date!(2020 - 03 - 10)))
        .await;
    let workbook = story
        .export(
            ReportKind::Tracker,
            ReportFormat::Xlsx,
            Some(AsAt::Cycle(1)),
            None,
        )
        .await
        .unwrap();
    let word = read_docx(
        &story
            .export(
                ReportKind::Highlight,
                ReportFormat::Docx,
                Some(AsAt::Cycle(1)),
                None,
            )
            .await
            .unwrap(),
    );

    assert_eq!(
        json["header"]["as_at"], "2020-02-03",
        "the day cycle 1 closed"
    );
    assert_eq!(json["header"]["cycle"], 1);
    let text = json.to_string();
    assert!(!text.contains(LATER_UPDATE), "the later update is left out");
    assert!(text.contains(EARLIER_UPDATE), "the earlier one is there");
    assert_eq!(row(&first, "1.1a")["Completed"], "G", "rated B only later");
    assert_eq!(row(&first, "1.1a")["Latest update"], EARLIER_UPDATE);
    assert_eq!(row(&first, "1.1a")["Update date"], "31 January 2020");
    assert_eq!(
        row(&first, "1.1b")["Due"],
        "31 July 2020",
        "the due date before it moved"
    );
    assert_eq!(row(&second, "1.1a")["Completed"], "B");
    assert_eq!(row(&second, "1.1a")["Latest update"], LATER_UPDATE);
    assert_eq!(row(&second, "1.1b")["Due"], "September 2020");
    assert_eq!(now, second, "nothing happened after cycle 2 closed");
    let updates = sheet(&workbook, "Updates");
    assert_eq!(updates.len(), 3, "a heading and the two earlier updates");
    assert!(updates.iter().flatten().any(|c| c == EARLIER_UPDATE));
    assert!(!updates.iter().flatten().any(|c| c == LATER_UPDATE));
    assert!(
        word.paragraphs
            .iter()
            .any(|(_, t)| t == "As at 3 February 2020, when reporting cycle 1 closed"),
        "{:?}",
        word.paragraphs
    );
    let cells: Vec<&String> = word
        .tables
        .iter()
        .flatten()
        .flat_map(|(_, cells)| cells)
        .collect();
    assert!(cells.iter().all(|c| !c.contains(LATER_UPDATE)));
}

async fn the_period_starts_when_the_cycle_before_closed(db: &TestDb) {
    let story = story(db).await;

    let progress = story.json(ReportKind::Progress, Some(AsAt::Cycle(2))).await;
    let first = story.json(ReportKind::Progress, Some(AsAt::Cycle(1))).await;
    let between = story
        .json(
            ReportKind::Progress,
            Some(AsAt::Date(date!(2020 - 02 - 20))),
        )
        .await;
    let given: serde_json::Value = serde_json::from_slice(
        &story
            .export(
                ReportKind::Progress,
                ReportFormat::Json,
                Some(AsAt::Cycle(2)),
                Some(date!(2019 - 12 - 01)),
            )
            .await
            .unwrap(),
    )
    .unwrap();
    let word = read_docx(
        &story
            .export(
                ReportKind::Highlight,
                ReportFormat::Docx,
                Some(AsAt::Cycle(2)),
                None,
            )
            .await
            .unwrap(),
    );

    assert_eq!(progress["header"]["as_at"], "2020-03-02");
    assert_eq!(progress["header"]["since"], "2020-02-03", "cycle 1 closed");
    assert_eq!(progress["header"]["since_cycle"], 1);
    let evidence = &progress["body"]["areas"][0]["evidence"];
    assert_eq!(evidence.as_array().unwrap().len(), 1, "{evidence}");
    assert_eq!(evidence[0]["narrative"], LATER_UPDATE);
    assert_eq!(
        first["header"]["since"], "2019-11-03",
        "no report before the first cycle: three months"
    );
    assert_eq!(first["header"]["since_cycle"], serde_json::Value::Null);
    assert_eq!(
        between["header"]["since"], "2020-02-03",
        "a date reports since the last cycle closed before it"
    );
    assert_eq!(given["header"]["since"], "2019-12-01", "--since wins");
    assert_eq!(given["header"]["since_cycle"], serde_json::Value::Null);
    assert_eq!(
        given["body"]["areas"][0]["evidence"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(
        word.paragraphs
            .iter()
            .any(|(_, t)| t == "Meetings since 3 February 2020, when reporting cycle 1 closed"),
        "{:?}",
        word.paragraphs
    );
    let meetings: Vec<String> = word
        .tables
        .iter()
        .flatten()
        .map(|(_, cells)| cells.join(" | "))
        .filter(|r| r.contains("review"))
        .collect();
    assert!(
        meetings
            .iter()
            .any(|r| r.contains("February review, after cycle 1")),
        "{meetings:?}"
    );
    assert!(
        !meetings.iter().any(|r| r.contains("January review")),
        "held before the last report: {meetings:?}"
    );
}

async fn an_unknown_cycle_is_refused_naming_the_cycles_there_are(db: &TestDb) {
    let story = story(db).await;
    let fresh = db.small_plan_stored().await;

    let unknown = story
        .export(
            ReportKind::Highlight,
            ReportFormat::Docx,
            Some(AsAt::Cycle(3)),
            None,
        )
        .await;
    let none_yet = db
        .app
        .export_report(
            &Actor::System,
            &fresh.slug,
            ReportRequest {
                kind: ReportKind::Highlight,
                as_at: Some(AsAt::Cycle(1)),
                since: None,
            },
            ReportFormat::Json,
        )
        .await;

    match unknown {
        Err(Error::Invalid { field, message }) => {
            assert_eq!(field, "as_at");
            assert_eq!(
                message,
                "there is no reporting cycle 3: this plan has 2 closed reporting cycles (1 closed 3 February 2020, 2 closed 2 March 2020); choose one of them (cycle:N) or give a date (YYYY-MM-DD)"
            );
        }
        other => panic!("{:?}", other.map(|b| b.len())),
    }
    let message = none_yet.unwrap_err().to_string();
    assert!(
        message.contains("this plan has no closed reporting cycles yet"),
        "{message}"
    );
}

async fn slipped_dates_come_from_the_due_date_changes(db: &TestDb) {
    let story = story(db).await;

    let second = story
        .json(ReportKind::Exceptions, Some(AsAt::Cycle(2)))
        .await;
    let first = story
        .json(ReportKind::Exceptions, Some(AsAt::Cycle(1)))
        .await;
    let rows = story.csv(ReportKind::Exceptions, AsAt::Cycle(2)).await;
    let earlier_rows = story.csv(ReportKind::Exceptions, AsAt::Cycle(1)).await;
    let workbook = story
        .export(
            ReportKind::Exceptions,
            ReportFormat::Xlsx,
            Some(AsAt::Cycle(2)),
            None,
        )
        .await
        .unwrap();

    let slipped = &second["body"]["slipped"];
    assert_eq!(slipped.as_array().unwrap().len(), 1, "{slipped}");
    assert_eq!(slipped[0]["label"], "1.1b");
    assert_eq!(slipped[0]["change"]["from"], "31 July 2020");
    assert_eq!(slipped[0]["change"]["to"], "September 2020");
    assert_eq!(
        slipped[0]["change"]["reason"],
        "Families asked for more time"
    );
    assert_eq!(slipped[0]["change"]["approved_by"], "SEND Board");
    assert_eq!(slipped[0]["change"]["changed_on"], "2020-03-02");
    assert_eq!(
        first["body"]["slipped"].as_array().unwrap().len(),
        0,
        "the change came after cycle 1"
    );
    assert!(
        row(&rows, "1.1b")["Why"].contains(
            "Slipped: 31 July 2020 → September 2020 (Families asked for more time; approved by SEND Board)"
        ),
        "{:?}",
        row(&rows, "1.1b")
    );
    for row in &earlier_rows {
        assert!(!row["Why"].contains("Slipped"), "{row:?}");
    }
    for row in &rows {
        if row["Ref"] != "1.1b" {
            assert!(
                !row["Why"].contains("Slipped"),
                "only a moved due date is a slip: {row:?}"
            );
        }
    }
    let sheet = sheet(&workbook, "Slipped dates");
    let cells: Vec<&String> = sheet.iter().flatten().collect();
    for wanted in [
        "Was due",
        "Now due",
        "31 July 2020",
        "September 2020",
        "Families asked for more time",
        "SEND Board",
    ] {
        assert!(cells.iter().any(|c| *c == wanted), "{wanted} in {sheet:?}");
    }
}

async fn stale_follows_each_plans_reporting_cycle_as_the_dashboard_does(db: &TestDb) {
    let fortnightly = db.small_plan_stored().await.slug;
    let six_weekly = db.small_plan_stored().await.slug;
    db.app
        .set_reporting_cycle(
            &Actor::System,
            &fortnightly,
            ReportingCycle {
                weeks: 2,
                start: None,
            },
        )
        .await
        .unwrap();
    for slug in [&fortnightly, &six_weekly] {
        let (_, tree) = db.app.plan(&Actor::System, slug).await.unwrap();
        db.app
            .record_update(
                &Actor::System,
                slug,
                &action_id(&tree, "1.1"),
                NewUpdate {
                    date: date!(2020 - 01 - 06),
                    author: None,
                    narrative: "Four weeks ago.".into(),
                    ratings: BTreeMap::new(),
                },
            )
            .await
            .unwrap();
    }
    let report = |slug: String| {
        let app = db.app.clone();
        async move {
            let bytes = app
                .export_report(
                    &Actor::System,
                    &slug,
                    ReportRequest {
                        kind: ReportKind::Tracker,
                        as_at: None,
                        since: None,
                    },
                    ReportFormat::Json,
                )
                .await
                .unwrap()
                .bytes;
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        }
    };
    let stale_in_report = |json: &serde_json::Value| -> Vec<String> {
        json["body"]["areas"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["objectives"].as_array().unwrap())
            .flat_map(|o| o["actions"].as_array().unwrap())
            .filter(|a| a["flags"].as_array().unwrap().contains(&"stale".into()))
            .map(|a| a["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let stale_on_dashboard = |slug: String| {
        let app = db.app.clone();
        async move {
            let running = app.running_plan(&Actor::System, &slug).await.unwrap();
            running
                .plan
                .actions()
                .filter(|(_, _, a)| a.state(&running.plan.rating_scheme, &running.rules).stale)
                .map(|(_, _, a)| a.text.clone())
                .collect::<Vec<_>>()
        }
    };

    let two = report(fortnightly.clone()).await;
    let six = report(six_weekly.clone()).await;

    let quarterly = "Refs restart in each area.";
    let two_stale = stale_in_report(&two);
    let six_stale = stale_in_report(&six);
    assert_eq!(two["header"]["cycle_weeks"], 2);
    assert_eq!(six["header"]["cycle_weeks"], 6);
    assert!(
        two_stale.iter().any(|t| t.starts_with(quarterly)),
        "updated four weeks ago, on a two-week cycle: {two_stale:?}"
    );
    assert!(
        !six_stale.iter().any(|t| t.starts_with(quarterly)),
        "on a six-week cycle it is not: {six_stale:?}"
    );
    assert_eq!(two_stale, stale_on_dashboard(fortnightly).await);
    assert_eq!(six_stale, stale_on_dashboard(six_weekly).await);
}

async fn the_command_line_exports_as_at_a_closed_cycle(db: &TestDb) {
    let story = story(db).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_wsoa"))
            .args(["--db", &db.url])
            .args(args)
            .current_dir(dir.path())
            .env("WSOA_LOG", "off")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let export = |as_at: &str, out: &str| {
        run(&[
            "export",
            "--plan",
            &story.slug,
            "--report",
            "tracker",
            "--format",
            "csv",
            "--as-at",
            as_at,
            "-o",
            out,
        ])
    };

    let (ok, err) = export("cycle:1", "cycle-1.csv");
    let (unknown_ok, unknown) = export("cycle:4", "cycle-4.csv");
    let (bad_ok, bad) = export("cycle:last", "bad.csv");

    assert!(ok, "{err}");
    let rows = csv_rows(&std::fs::read(dir.path().join("cycle-1.csv")).unwrap());
    assert_eq!(row(&rows, "1.1a")["Latest update"], EARLIER_UPDATE);
    assert_eq!(row(&rows, "1.1a")["Completed"], "G");
    assert!(
        rows.iter().all(|r| r["Latest update"] != LATER_UPDATE),
        "{rows:?}"
    );
    assert!(err.contains("-tracker-2020-02-03.csv"), "{err}");
    assert!(!unknown_ok);
    assert_eq!(
        unknown.trim(),
        "error: as_at: there is no reporting cycle 4: this plan has 2 closed reporting cycles (1 closed 3 February 2020, 2 closed 2 March 2020); choose one of them (cycle:N) or give a date (YYYY-MM-DD)"
    );
    assert!(!dir.path().join("cycle-4.csv").exists());
    assert!(!bad_ok);
    assert!(bad.contains("a reporting cycle is cycle:N"), "{bad}");
}

async fn get(app: &App, auth: &Auth, path: &str) -> Reply {
    send(
        app,
        with_auth(Request::get(path), auth)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A viewer of the area, signed in on the story's later day.
async fn viewer(db: &TestDb, story: &Story) -> Auth {
    db.user(
        "viewer@northshire.example",
        Role::Viewer,
        "Northshire",
        None,
    )
    .await;
    Auth::Cookie(
        story
            .later
            .log_in("viewer@northshire.example", PASSWORD, None, "/")
            .await
            .unwrap()
            .session()
            .unwrap()
            .token,
    )
}

async fn the_reports_form_offers_the_closed_cycles_and_the_download_honours_them(db: &TestDb) {
    let story = story(db).await;
    let me = viewer(db, &story).await;
    let base = format!("/plans/{}/reports", story.slug);

    let form = get(&story.later, &me, &base).await;
    let chosen = get(
        &story.later,
        &me,
        &format!("{base}/download?report=tracker&format=csv&as_at=cycle:1"),
    )
    .await;
    let file = get(&story.later, &me, chosen.location()).await;
    let today = get(
        &story.later,
        &me,
        &format!(
            "{base}/download?report=tracker&format=csv&as_at=today&as_at-day=1&as_at-month=1&as_at-year=2020"
        ),
    )
    .await;

    assert_eq!(form.status, StatusCode::OK);
    for n in [1, 2] {
        assert!(
            form.body.contains(&format!(
                "id=\"as_at-cycle-{n}\" name=\"as_at\" type=\"radio\" value=\"cycle:{n}\""
            )),
            "{}",
            form.body
        );
        assert!(form.body.contains(&format!(
            "<label class=\"govuk-label govuk-radios__label\" for=\"as_at-cycle-{n}\">Reporting cycle {n}, closed"
        )));
    }
    assert!(
        form.body
            .contains("Reporting cycle 1, closed 3 February 2020")
    );
    assert!(
        form.body.find("value=\"cycle:2\"") < form.body.find("value=\"cycle:1\""),
        "newest first, as on the cycles page"
    );
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(
        chosen.location(),
        format!("{base}/tracker.csv?as_at=cycle:1")
    );
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.headers["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with("-tracker-2020-02-03.csv\"")
    );
    let rows = csv_rows(file.body.as_bytes());
    assert_eq!(row(&rows, "1.1a")["Latest update"], EARLIER_UPDATE);
    assert!(rows.iter().all(|r| r["Latest update"] != LATER_UPDATE));
    assert_eq!(today.status, StatusCode::SEE_OTHER);
    assert_eq!(
        today.location(),
        format!("{base}/tracker.csv"),
        "today chosen: the date typed is not used"
    );
}

async fn the_reports_form_explains_an_unknown_cycle_or_a_missing_day(db: &TestDb) {
    let story = story(db).await;
    let me = viewer(db, &story).await;
    let base = format!("/plans/{}/reports", story.slug);

    let unknown = get(
        &story.later,
        &me,
        &format!("{base}/download?report=tracker&format=csv&as_at=cycle:9"),
    )
    .await;
    let no_day = get(
        &story.later,
        &me,
        &format!("{base}/download?report=tracker&format=csv&as_at=date"),
    )
    .await;
    let linked = get(
        &story.later,
        &me,
        &format!("{base}/tracker.csv?as_at=cycle:9"),
    )
    .await;

    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.body.contains(
            "there is no reporting cycle 9: this plan has 2 closed reporting cycles (1 closed 3 February 2020, 2 closed 2 March 2020)"
        ),
        "{}",
        unknown.body
    );
    assert!(
        unknown.body.contains("href=\"#as_at\""),
        "the summary links to the field"
    );
    assert!(unknown.body.contains("id=\"as_at-error\""));
    assert!(
        unknown.body.contains("value=\"cycle:1\""),
        "the cycles are offered again"
    );
    assert_eq!(no_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_day.body.contains("Enter the day to report on"));
    assert!(no_day.body.contains("href=\"#as_at-day\""));
    assert_eq!(linked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(linked.body.contains("there is no reporting cycle 9"));
}
