//! The KPI, voice, governance, timeline and glossary pages, their forms, and the public
//! "you said, we did" page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use wsoa::web;

use crate::helpers::{TestDb, plan_with_evidence, small_plan};

struct Response {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn send(db: &TestDb, request: Request<Body>) -> Response {
    let response = web::router(db.app.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Response {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(db: &TestDb, path: &str) -> Response {
    send(db, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn post_form(db: &TestDb, path: &str, fields: &[(&str, &str)]) -> Response {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(db, request).await
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

async fn post_csv(db: &TestDb, path: &str, csv: &str) -> Response {
    let boundary = "XyZzY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"actuals.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let request = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    send(db, request).await
}

async fn stored(db: &TestDb) -> String {
    db.app.import_plan(plan_with_evidence()).await.unwrap().slug
}

fn assert_strict(page: &Response) {
    assert!(!page.body.contains("style=\""), "no inline style");
    assert!(!page.body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn the_plan_page_links_to_every_part() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;

    let page = get(&db, &format!("/plans/{slug}")).await;

    for part in [
        "kpis",
        "voice",
        "you-said-we-did",
        "governance",
        "timeline",
        "glossary",
    ] {
        assert!(
            page.body
                .contains(&format!("href=\"/plans/{slug}/{part}\"")),
            "{part}"
        );
    }
}

#[tokio::test]
async fn the_kpi_list_and_page_show_status_in_words_a_chart_and_the_working() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    let id = plan.kpis[0].id.unwrap().0;

    let list = get(&db, &format!("/plans/{slug}/kpis")).await;
    let page = get(&db, &format!("/plans/{slug}/kpis/{id}")).await;

    assert_eq!(list.status, StatusCode::OK);
    // 48% in January to March 2020 against 55% with 2.5% tolerance: off trajectory.
    assert!(list.body.contains("Off trajectory"), "{}", list.body);
    assert!(
        list.body.contains("Not assessed"),
        "the KPI without figures"
    );
    assert!(list.body.contains("48% (January to March 2020)"));
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg class=\"app-chart\""));
    assert!(page.body.contains("<polyline"));
    assert!(page.body.contains("stroke-dasharray"));
    assert!(page.body.contains("How the status was worked out"));
    assert!(
        page.body.contains("the plan allows a tolerance of 2.5%"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("October to December 2019"),
        "the data table"
    );
    assert!(page.body.contains("Statistical neighbours"));
    assert!(page.body.contains("First quarter after the new panel"));
    assert_strict(&page);
}

#[tokio::test]
async fn an_actual_with_a_bad_number_is_refused_with_the_field_named_and_typed_values_kept() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    let id = plan.kpis[0].id.unwrap().0;
    let path = format!("/plans/{slug}/kpis/{id}/actuals");

    let bad = post_form(
        &db,
        &path,
        &[
            ("period", "2019-Q3"),
            ("value", "forty"),
            ("note", "typed <note>"),
        ],
    )
    .await;
    let good = post_form(&db, &path, &[("period", "2019-Q3"), ("value", "41.5%")]).await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("There is a problem"));
    assert!(
        bad.body.contains("href=\"#actual-value\""),
        "the summary links to the field"
    );
    assert!(
        bad.body.contains("&#34;forty&#34; is not a number"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("value=\"forty\""),
        "what was typed is kept"
    );
    assert!(
        bad.body.contains("typed &#60;note&#62;"),
        "kept and escaped"
    );
    assert!(bad.body.contains("<title>Error: "));
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(
        good.location.as_deref(),
        Some(format!("/plans/{slug}/kpis/{id}").as_str())
    );
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    assert_eq!(plan.kpis[0].actuals.len(), 3);
}

#[tokio::test]
async fn a_csv_upload_with_errors_lists_them_by_line_and_adds_nothing() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let path = format!("/plans/{slug}/kpis/actuals");

    let bad = post_csv(&db, &path, "kpi,period,value\nehcp-20-weeks,2019-Q3,41\nehcp-20-weeks,2019-13,5\nehcp-20-weeks,2019-Q2,x\n").await;
    let good = post_csv(&db, &path, "kpi,period,value\nehcp-20-weeks,2019-Q3,41\n").await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("Line 3: period: &#34;2019-13&#34; is not a period"),
        "{}",
        bad.body
    );
    assert!(
        bad.body
            .contains("Line 4: value: &#34;x&#34; is not a number"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("(and 1 more problem)"));
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    assert_eq!(plan.kpis[0].actuals.len(), 3, "only the good file's row");
}

#[tokio::test]
async fn a_kpi_is_added_from_the_standard_measures() {
    let db = TestDb::sqlite().await;
    let slug = db.app.import_plan(small_plan()).await.unwrap().slug;
    let path = format!("/plans/{slug}/kpis");

    let bad = post_form(
        &db,
        &path,
        &[
            ("measure", "parent-confidence"),
            ("target_period", "next year"),
            ("target_value", "80"),
        ],
    )
    .await;
    let good = post_form(
        &db,
        &path,
        &[
            ("measure", "parent-confidence"),
            ("baseline_period", "2019/20"),
            ("baseline_value", "41"),
            ("target_period", "2021/22"),
            ("target_value", "80"),
        ],
    )
    .await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"kpi-target_period-error\""),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"next year\""));
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    assert_eq!(plan.kpis[0].key, "parent-confidence");
    assert!(plan.kpis[0].trajectory[0].target);
}

#[tokio::test]
async fn the_voice_page_shows_quotes_with_who_said_them_and_their_links() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;

    let page = get(&db, &format!("/plans/{slug}/voice")).await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Child or young person, Year 10"));
    assert!(page.body.contains("Child or young person, aged 17"));
    assert!(page.body.contains("Requires improvement"));
    assert!(page.body.contains("Not stated"));
    assert!(
        page.body
            .contains("Consent to use these words is not recorded.")
    );
    assert!(page.body.contains("Action 1.1a (area 1)"));
    assert!(
        page.body
            .contains("<abbr title=\"Education, health and care\">EHC</abbr>"),
        "abbreviations expanded"
    );
    assert_strict(&page);
}

#[tokio::test]
async fn a_quote_without_consent_or_text_is_refused_and_what_was_typed_is_kept() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let path = format!("/plans/{slug}/voice/quotes");

    let no_text = post_form(
        &db,
        &path,
        &[
            ("text", "  "),
            ("speaker", "parent_or_carer"),
            ("source", "survey"),
            ("consent", "yes"),
        ],
    )
    .await;
    let no_consent = post_form(
        &db,
        &path,
        &[
            ("text", "It is better now"),
            ("speaker", "child_or_young_person"),
            ("year_group", "Y9"),
            ("source", "forum"),
        ],
    )
    .await;
    let good = post_form(
        &db,
        &path,
        &[
            ("text", "It is better now"),
            ("speaker", "child_or_young_person"),
            ("year_group", "Y9"),
            ("source", "forum"),
            ("sentiment", "working_well"),
            ("actions", "2/1.1"),
            ("consent", "yes"),
        ],
    )
    .await;

    assert_eq!(no_text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_text.body.contains("Enter what was said"));
    assert!(no_text.body.contains("href=\"#quote-text\""));
    assert_eq!(no_consent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_consent.body.contains("Confirm that the person agreed"));
    assert!(
        no_consent.body.contains("It is better now</textarea>"),
        "kept"
    );
    assert!(no_consent.body.contains("value=\"Y9\""));
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    assert_eq!(plan.voice[3].year_group, Some(9));
}

#[tokio::test]
async fn a_request_marked_not_possible_needs_its_reason() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let path = format!("/plans/{slug}/voice/you-said-we-did");

    let bad = post_form(
        &db,
        &path,
        &[
            ("you_said", "A pool"),
            ("we_did", "We asked"),
            ("status", "not_possible"),
        ],
    )
    .await;
    let good = post_form(
        &db,
        &path,
        &[
            ("you_said", "A pool"),
            ("we_did", "We asked"),
            ("status", "not_possible"),
            ("reason", "No money this year"),
        ],
    )
    .await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Say why it is not possible"));
    assert!(bad.body.contains("id=\"entry-reason-error\""));
    assert!(bad.body.contains(">A pool</textarea>"));
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let public = get(&db, &format!("/plans/{slug}/you-said-we-did")).await;
    assert!(public.body.contains("No money this year"));
}

#[tokio::test]
async fn the_public_page_shows_you_said_we_did_in_plain_words_and_names_nobody() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;

    let page = get(&db, &format!("/plans/{slug}/you-said-we-did")).await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("You said, we did"));
    assert!(page.body.contains("Tell us what an"));
    assert!(
        page.body
            .contains("We wrote a one-page guide with young people.")
    );
    assert!(page.body.contains("Not possible"));
    assert!(page.body.contains("Why we could not"));
    assert!(page.body.contains("Two towns have no building"));
    assert!(
        page.body
            .contains("Coproduce a joint SEND commissioning strategy."),
        "the action, in words"
    );
    for name in ["Alex Brown", "Chris Dale", "Sam Patel", "AB", "CD"] {
        assert!(
            !page.body.contains(name),
            "{name} must not appear on the public page"
        );
    }
    assert!(
        !page.body.contains("I'm OK because"),
        "quotes stay internal"
    );
    assert_strict(&page);
}

#[tokio::test]
async fn the_governance_page_draws_the_boards_and_lists_meetings() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;

    let page = get(&db, &format!("/plans/{slug}/governance")).await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg class=\"app-diagram\""));
    assert!(page.body.contains("marker-end=\"url(#arrow-head)\""));
    assert!(
        page.body
            .contains("SEND Partnership Board</strong>, reports to Health and Wellbeing Board")
    );
    assert!(page.body.contains("18 October 2019: 3rd monitoring visit"));
    assert!(
        page.body
            .contains("Area 1: Green / Green – Action on track")
    );
    assert!(
        page.body
            .contains("Share the draft strategy with the forum")
    );
    assert!(
        page.body.find("5 November 2019").unwrap() < page.body.find("18 October 2019").unwrap(),
        "newest first"
    );
    assert_strict(&page);
}

#[tokio::test]
async fn a_meeting_is_recorded_and_a_bad_one_is_refused() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let path = format!("/plans/{slug}/governance/meetings");

    let bad = post_form(
        &db,
        &path,
        &[
            ("date", "sometime"),
            ("kind", "monitoring_visit"),
            ("purpose", "4th visit"),
        ],
    )
    .await;
    let unknown_board = post_form(
        &db,
        &path,
        &[
            ("date", "20 January 2020"),
            ("kind", "board"),
            ("board", "Nope"),
            ("purpose", "Review"),
        ],
    )
    .await;
    let good = post_form(
        &db,
        &path,
        &[
            ("date", "20 January 2020"),
            ("kind", "monitoring_visit"),
            ("purpose", "4th visit"),
            ("attendees", "AB, DfE adviser"),
            ("actions_agreed", "Publish the strategy (1/1.1a)"),
            ("progress_measures", "1: Green, Amber"),
        ],
    )
    .await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"meeting-date-error\""));
    assert!(bad.body.contains("value=\"sometime\""));
    assert!(bad.body.contains("value=\"4th visit\""));
    assert_eq!(unknown_board.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let (_, plan) = db.app.plan(&slug).await.unwrap();
    let meeting = plan
        .meetings
        .iter()
        .find(|m| m.purpose == "4th visit")
        .unwrap();
    assert_eq!(meeting.attendees, ["AB", "DfE adviser"]);
    assert_eq!(meeting.actions_agreed[0].actions[0].reference, "1.1a");
    assert_eq!(meeting.progress_measures[0].ratings, ["Green", "Amber"]);
}

#[tokio::test]
async fn a_board_reporting_to_an_unknown_board_is_refused() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let path = format!("/plans/{slug}/governance/boards");

    let duplicate = post_form(&db, &path, &[("name", "SEND Partnership Board")]).await;
    let good = post_form(
        &db,
        &path,
        &[
            ("name", "Autism pathway group"),
            ("reports_to", "SEND Partnership Board"),
            ("monitors_areas", "2"),
        ],
    )
    .await;

    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.body.contains("listed twice"));
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let page = get(&db, &format!("/plans/{slug}/governance")).await;
    assert!(
        page.body
            .contains("Autism pathway group</strong>, reports to SEND Partnership Board")
    );
}

#[tokio::test]
async fn the_timeline_shows_computed_deadlines_and_what_is_due_next() {
    let db = TestDb::sqlite().await;
    let slug = db.app.import_plan(small_plan()).await.unwrap().slug;

    let page = get(&db, &format!("/plans/{slug}/timeline")).await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("What is due next"));
    assert!(
        page.body
            .contains("Written statement of action due: 20 November 2019 (overdue)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Summer bank holiday (26 August 2019)"));
    assert!(page.body.contains("Inspection report published"));
}

#[tokio::test]
async fn recording_an_evaluation_needs_its_outcome_and_moves_the_timeline_on() {
    let db = TestDb::sqlite().await;
    let slug = db.app.import_plan(small_plan()).await.unwrap().slug;
    let path = format!("/plans/{slug}/timeline/events");

    post_form(
        &db,
        &path,
        &[("date", "18 November 2019"), ("kind", "submission")],
    )
    .await;
    let bad = post_form(
        &db,
        &path,
        &[("date", "2 December 2019"), ("kind", "evaluation")],
    )
    .await;
    let good = post_form(
        &db,
        &path,
        &[
            ("date", "2 December 2019"),
            ("kind", "evaluation"),
            ("outcome", "not_fit_for_purpose"),
        ],
    )
    .await;
    let page = get(&db, &format!("/plans/{slug}/timeline")).await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("Say whether the plan was judged fit for purpose")
    );
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Plan judged not fit for purpose"));
    assert!(
        page.body
            .contains("Resubmission due: 2 January 2020 (overdue)"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_glossary_lists_found_terms_and_a_definition_can_be_changed() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;
    let path = format!("/plans/{slug}/glossary");

    let before = get(&db, &path).await;
    let change = get(&db, &format!("{path}?term=NEET")).await;
    let blank = post_form(&db, &path, &[("term", "EHC"), ("definition", " ")]).await;
    let saved = post_form(
        &db,
        &path,
        &[
            ("term", "EHC"),
            ("definition", "Education, health and care (our words)"),
        ],
    )
    .await;
    let after = get(&db, &path).await;

    assert!(
        before
            .body
            .contains("<abbr title=\"Special educational needs and disabilities\">SEND</abbr>")
    );
    assert!(
        before
            .body
            .contains("Not defined by the plan. Usually: Education, health and care")
    );
    assert!(change.body.contains("value=\"NEET\""));
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Enter what EHC stands for"));
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        after
            .body
            .contains("Education, health and care (our words)")
    );
}

#[tokio::test]
async fn unknown_kpis_are_not_found() {
    let db = TestDb::sqlite().await;
    let slug = stored(&db).await;

    for path in [
        format!("/plans/{slug}/kpis/999999"),
        format!("/plans/{slug}/kpis/x"),
        "/plans/nope/voice".to_owned(),
    ] {
        assert_eq!(
            get(&db, &path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
