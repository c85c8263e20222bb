//! The KPI, voice, governance, timeline and glossary pages, their forms, and the public
//! "you said, we did" page. The forms are used as an editor of the plan's area; who else
//! may use them is in `authz.rs` and at the end of this file.

use axum::http::StatusCode;
use wsoa::domain::{Actor, PlanTree, Role};

use crate::helpers::{Auth, Reply, TestDb, plan_with_evidence, small_plan};

/// A stored plan (unpublished, as every import is) and an editor of its area signed in.
struct Site {
    db: TestDb,
    slug: String,
    editor: Auth,
}

impl Site {
    async fn with(plan: PlanTree) -> Self {
        let db = TestDb::sqlite().await;
        let slug = db.app.import_plan(&Actor::System, plan).await.unwrap().slug;
        db.user("editor@example.org", Role::Editor, "Northshire", None)
            .await;
        let editor = db.session("editor@example.org").await;
        Self { db, slug, editor }
    }

    /// A GET as the editor.
    async fn get(&self, path: &str) -> Reply {
        self.db.get(path, &self.editor).await
    }

    /// A form POST as the editor.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_as(path, fields, &self.editor).await
    }

    /// A form POST as `auth`.
    async fn post_as(&self, path: &str, fields: &[(&str, &str)], auth: &Auth) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.db.post_form(path, &body, auth).await
    }

    /// A CSV file uploaded as the editor.
    async fn post_csv(&self, path: &str, csv: &str) -> Reply {
        self.db.post_csv(path, csv, &self.editor).await
    }

    /// The plan as stored.
    async fn plan(&self) -> PlanTree {
        self.db
            .app
            .plan(&Actor::System, &self.slug)
            .await
            .unwrap()
            .1
            .as_ref()
            .clone()
    }
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

/// The plan with every part of the evidence fixture.
async fn stored() -> Site {
    Site::with(plan_with_evidence()).await
}

fn assert_strict(page: &Reply) {
    assert!(!page.body.contains("style=\""), "no inline style");
    assert!(!page.body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn the_plan_page_links_to_every_part() {
    let site = stored().await;
    let slug = &site.slug;

    let page = site.get(&format!("/plans/{slug}")).await;

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
    let site = stored().await;
    let slug = &site.slug;
    let plan = site.plan().await;
    let id = plan.kpis[0].id.unwrap().0;

    let list = site.get(&format!("/plans/{slug}/kpis")).await;
    let page = site.get(&format!("/plans/{slug}/kpis/{id}")).await;

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
    let site = stored().await;
    let slug = &site.slug;
    let plan = site.plan().await;
    let id = plan.kpis[0].id.unwrap().0;
    let path = format!("/plans/{slug}/kpis/{id}/actuals");

    let bad = site
        .post(
            &path,
            &[
                ("period", "2019-Q3"),
                ("value", "forty"),
                ("note", "typed <note>"),
            ],
        )
        .await;
    let good = site
        .post(&path, &[("period", "2019-Q3"), ("value", "41.5%")])
        .await;

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
    assert_eq!(good.location(), format!("/plans/{slug}/kpis/{id}"));
    let plan = site.plan().await;
    assert_eq!(plan.kpis[0].actuals.len(), 3);
}

#[tokio::test]
async fn a_csv_upload_with_errors_lists_them_by_line_and_adds_nothing() {
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/kpis/actuals");

    let bad = site.post_csv(&path, "kpi,period,value\nehcp-20-weeks,2019-Q3,41\nehcp-20-weeks,2019-13,5\nehcp-20-weeks,2019-Q2,x\n").await;
    let good = site
        .post_csv(&path, "kpi,period,value\nehcp-20-weeks,2019-Q3,41\n")
        .await;

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
    let plan = site.plan().await;
    assert_eq!(plan.kpis[0].actuals.len(), 3, "only the good file's row");
}

#[tokio::test]
async fn a_kpi_is_added_from_the_standard_measures() {
    let site = Site::with(small_plan()).await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/kpis");

    let bad = site
        .post(
            &path,
            &[
                ("measure", "parent-confidence"),
                ("target_period", "next year"),
                ("target_value", "80"),
            ],
        )
        .await;
    let good = site
        .post(
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
    let plan = site.plan().await;
    assert_eq!(plan.kpis[0].key, "parent-confidence");
    assert!(plan.kpis[0].trajectory[0].target);
}

#[tokio::test]
async fn the_voice_page_shows_quotes_with_who_said_them_and_their_links() {
    let site = stored().await;
    let slug = &site.slug;

    let page = site.get(&format!("/plans/{slug}/voice")).await;

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
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/voice/quotes");

    let no_text = site
        .post(
            &path,
            &[
                ("text", "  "),
                ("speaker", "parent_or_carer"),
                ("source", "survey"),
                ("consent", "yes"),
            ],
        )
        .await;
    let no_consent = site
        .post(
            &path,
            &[
                ("text", "It is better now"),
                ("speaker", "child_or_young_person"),
                ("year_group", "Y9"),
                ("source", "forum"),
            ],
        )
        .await;
    let good = site
        .post(
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
    let plan = site.plan().await;
    assert_eq!(plan.voice[3].year_group, Some(9));
}

#[tokio::test]
async fn a_request_marked_not_possible_needs_its_reason() {
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/voice/you-said-we-did");

    let bad = site
        .post(
            &path,
            &[
                ("you_said", "A pool"),
                ("we_did", "We asked"),
                ("status", "not_possible"),
            ],
        )
        .await;
    let good = site
        .post(
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
    let public = site.get(&format!("/plans/{slug}/you-said-we-did")).await;
    assert!(public.body.contains("No money this year"));
}

#[tokio::test]
async fn the_public_page_shows_you_said_we_did_in_plain_words_and_names_nobody() {
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/you-said-we-did");

    let before = site.db.get(&path, &Auth::Anonymous).await;
    let preview = site.get(&path).await;
    site.db
        .app
        .set_published(&Actor::System, slug, true)
        .await
        .unwrap();
    let page = site.db.get(&path, &Auth::Anonymous).await;

    assert_eq!(
        before.status,
        StatusCode::NOT_FOUND,
        "nobody outside the area sees it before the plan is published"
    );
    assert_eq!(
        preview.status,
        StatusCode::OK,
        "the area's members preview it"
    );
    assert!(preview.body.contains("This is a preview"));
    assert_eq!(
        page.status,
        StatusCode::OK,
        "anyone reads it once published"
    );
    assert!(!page.body.contains("This is a preview"));
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
    let site = stored().await;
    let slug = &site.slug;

    let page = site.get(&format!("/plans/{slug}/governance")).await;

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
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/governance/meetings");

    let bad = site
        .post(
            &path,
            &[
                ("date", "sometime"),
                ("kind", "monitoring_visit"),
                ("purpose", "4th visit"),
            ],
        )
        .await;
    let unknown_board = site
        .post(
            &path,
            &[
                ("date", "20 January 2020"),
                ("kind", "board"),
                ("board", "Nope"),
                ("purpose", "Review"),
            ],
        )
        .await;
    let good = site
        .post(
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
    let plan = site.plan().await;
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
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/governance/boards");

    let duplicate = site
        .post(&path, &[("name", "SEND Partnership Board")])
        .await;
    let good = site
        .post(
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
    let page = site.get(&format!("/plans/{slug}/governance")).await;
    assert!(
        page.body
            .contains("Autism pathway group</strong>, reports to SEND Partnership Board")
    );
}

#[tokio::test]
async fn the_timeline_shows_computed_deadlines_and_what_is_due_next() {
    let site = Site::with(small_plan()).await;
    let slug = &site.slug;

    let page = site.get(&format!("/plans/{slug}/timeline")).await;

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
    let site = Site::with(small_plan()).await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/timeline/events");

    site.post(
        &path,
        &[("date", "18 November 2019"), ("kind", "submission")],
    )
    .await;
    let bad = site
        .post(
            &path,
            &[("date", "2 December 2019"), ("kind", "evaluation")],
        )
        .await;
    let good = site
        .post(
            &path,
            &[
                ("date", "2 December 2019"),
                ("kind", "evaluation"),
                ("outcome", "not_fit_for_purpose"),
            ],
        )
        .await;
    let page = site.get(&format!("/plans/{slug}/timeline")).await;

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
    let site = stored().await;
    let slug = &site.slug;
    let path = format!("/plans/{slug}/glossary");

    let before = site.get(&path).await;
    let change = site.get(&format!("{path}?term=NEET")).await;
    let blank = site
        .post(&path, &[("term", "EHC"), ("definition", " ")])
        .await;
    let saved = site
        .post(
            &path,
            &[
                ("term", "EHC"),
                ("definition", "Education, health and care (our words)"),
            ],
        )
        .await;
    let after = site.get(&path).await;

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
    let site = stored().await;
    let slug = &site.slug;

    for path in [
        format!("/plans/{slug}/kpis/999999"),
        format!("/plans/{slug}/kpis/x"),
        "/plans/nope/voice".to_owned(),
    ] {
        assert_eq!(
            site.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

/// Every form on the evidence pages, by the address it posts to.
const FORMS: [&str; 8] = [
    "/kpis\"",
    "/kpis/actuals\"",
    "/voice/quotes\"",
    "/voice/you-said-we-did\"",
    "/governance/meetings\"",
    "/governance/boards\"",
    "/timeline/events\"",
    "/glossary\" novalidate",
];

/// The forms a page holds, as suffixes of [`FORMS`].
fn forms_on(page: &Reply, slug: &str) -> Vec<&'static str> {
    FORMS
        .into_iter()
        .filter(|f| {
            page.body
                .contains(&format!("<form method=\"post\" action=\"/plans/{slug}{f}"))
        })
        .collect()
}

#[tokio::test]
async fn the_forms_are_shown_only_to_those_who_may_use_them() {
    let site = stored().await;
    let slug = &site.slug;
    site.db
        .user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    site.db
        .user("owner@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    let viewer = site.db.session("viewer@example.org").await;
    let owner = site.db.session("owner@example.org").await;
    let plan = site.plan().await;
    let (mine, theirs) = (plan.kpis[0].id.unwrap().0, plan.kpis[1].id.unwrap().0);
    let pages = ["kpis", "voice", "governance", "timeline", "glossary"];
    let mut editor_forms = Vec::new();
    for part in pages {
        let page = site.get(&format!("/plans/{slug}/{part}")).await;
        editor_forms.extend(forms_on(&page, slug));
    }
    site.db
        .app
        .set_published(&Actor::System, slug, true)
        .await
        .unwrap();

    assert_eq!(editor_forms, FORMS, "an editor sees every form");
    for (who, auth) in [
        ("viewer", &viewer),
        ("owner", &owner),
        ("public", &Auth::Anonymous),
    ] {
        for part in pages {
            let page = site.db.get(&format!("/plans/{slug}/{part}"), auth).await;
            assert_eq!(page.status, StatusCode::OK, "{who} {part}");
            assert_eq!(forms_on(&page, slug), [] as [&str; 0], "{who} {part}");
        }
    }
    let add_actual = |id: i64| format!("action=\"/plans/{slug}/kpis/{id}/actuals\"");
    for (who, auth, id, shown) in [
        ("editor", &site.editor, theirs, true),
        ("owner", &owner, mine, true),
        ("owner", &owner, theirs, false),
        ("viewer", &viewer, mine, false),
        ("public", &Auth::Anonymous, mine, false),
    ] {
        let page = site.db.get(&format!("/plans/{slug}/kpis/{id}"), auth).await;
        assert_eq!(
            page.body.contains(&add_actual(id)),
            shown,
            "{who} on KPI {id}"
        );
    }
    let glossary = site
        .db
        .get(&format!("/plans/{slug}/glossary"), &Auth::Anonymous)
        .await;
    assert!(!glossary.body.contains("?term="), "no Change links");
}

#[tokio::test]
async fn an_owner_records_actuals_on_the_kpis_they_report_and_is_named_as_entering_them() {
    let site = stored().await;
    let slug = &site.slug;
    site.db
        .user("owner@example.org", Role::Owner, "Northshire", Some("AB"))
        .await;
    let owner = site.db.session("owner@example.org").await;
    let plan = site.plan().await;
    let (mine, theirs) = (plan.kpis[0].id.unwrap().0, plan.kpis[1].id.unwrap().0);

    let on_mine = site
        .post_as(
            &format!("/plans/{slug}/kpis/{mine}/actuals"),
            &[
                ("period", "2019-Q3"),
                ("value", "41"),
                ("entered_by", "Someone else"),
            ],
            &owner,
        )
        .await;
    let on_theirs = site
        .post_as(
            &format!("/plans/{slug}/kpis/{theirs}/actuals"),
            &[("period", "2020-01"), ("value", "18")],
            &owner,
        )
        .await;
    let new_kpi = site
        .post_as(
            &format!("/plans/{slug}/kpis"),
            &[("measure", "parent-confidence")],
            &owner,
        )
        .await;
    let page = site.get(&format!("/plans/{slug}/kpis/{mine}")).await;

    assert_eq!(on_mine.status, StatusCode::SEE_OTHER);
    assert_eq!(on_theirs.status, StatusCode::FORBIDDEN);
    assert_eq!(new_kpi.status, StatusCode::FORBIDDEN, "owners add no KPIs");
    let plan = site.plan().await;
    let added = plan.kpis[0]
        .actuals
        .iter()
        .find(|a| a.period.to_string() == "2019-Q3")
        .unwrap();
    assert_eq!(
        added.entered_by.as_deref(),
        Some("AB"),
        "a signed-in person enters as themselves"
    );
    assert!(plan.kpis[1].actuals.is_empty());
    assert!(page.body.contains("Entered by AB on 3 February 2020"));
}

#[tokio::test]
async fn who_may_not_write_is_refused_before_the_form_is_read() {
    let site = stored().await;
    let slug = &site.slug;
    site.db
        .user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    site.db
        .user("other@example.org", Role::Editor, "Southshire", None)
        .await;
    let viewer = site.db.session("viewer@example.org").await;
    let other = site.db.session("other@example.org").await;
    let id = site.plan().await.kpis[0].id.unwrap().0;
    // Each form, filled in wrongly: an editor is shown the problem (422); anyone else is
    // refused without being told what was wrong with the form.
    let bad_forms: [(String, &[(&str, &str)]); 7] = [
        (format!("/plans/{slug}/kpis"), &[("measure", "nope")]),
        (
            format!("/plans/{slug}/kpis/{id}/actuals"),
            &[("value", "x")],
        ),
        (format!("/plans/{slug}/voice/quotes"), &[("text", "")]),
        (
            format!("/plans/{slug}/voice/you-said-we-did"),
            &[("status", "x")],
        ),
        (
            format!("/plans/{slug}/governance/meetings"),
            &[("date", "x")],
        ),
        (format!("/plans/{slug}/governance/boards"), &[("name", "")]),
        (format!("/plans/{slug}/timeline/events"), &[("kind", "x")]),
    ];
    let glossary = (format!("/plans/{slug}/glossary"), &[("term", "")][..]);

    let mut unpublished = Vec::new();
    for (path, fields) in bad_forms.iter().chain([&glossary]) {
        for auth in [&site.editor, &viewer, &other, &Auth::Anonymous] {
            unpublished.push(site.post_as(path, fields, auth).await.status.as_u16());
        }
    }
    site.db
        .app
        .set_published(&Actor::System, slug, true)
        .await
        .unwrap();
    let mut published = Vec::new();
    for (path, fields) in bad_forms.iter().chain([&glossary]) {
        for auth in [&other, &Auth::Anonymous] {
            published.push(site.post_as(path, fields, auth).await.status.as_u16());
        }
    }

    //                                         editor viewer other public
    assert_eq!(unpublished, [422, 403, 404, 404].repeat(8));
    //                                other public
    assert_eq!(published, [403, 401].repeat(8));
    let plan = site.plan().await;
    assert_eq!(plan.kpis.len(), 2, "nothing was added");
}

#[tokio::test]
async fn the_api_gives_kpis_with_their_status_and_the_voice_once_published() {
    let site = stored().await;
    let slug = &site.slug;
    let kpis = format!("/api/v1/plans/{slug}/kpis");

    let hidden = site.db.get(&kpis, &Auth::Anonymous).await;
    site.db
        .app
        .set_published(&Actor::System, slug, true)
        .await
        .unwrap();
    let list = site.db.get(&kpis, &Auth::Anonymous).await;
    let voice = site
        .db
        .get(
            &format!("/api/v1/plans/{slug}/voice?per_page=2"),
            &Auth::Anonymous,
        )
        .await;
    let entries = site
        .db
        .get(
            &format!("/api/v1/plans/{slug}/you-said-we-did"),
            &Auth::Anonymous,
        )
        .await;

    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(list.status, StatusCode::OK);
    let body = list.json();
    let first = &body["data"][0];
    assert_eq!(first["key"], "ehcp-20-weeks");
    assert_eq!(first["status"], "off_trajectory");
    assert!(
        first["status_explanation"]
            .as_str()
            .unwrap()
            .contains("tolerance of 2.5%")
    );
    assert_eq!(first["actuals"][0]["period"], "2019-Q4");
    assert_eq!(first["actuals"][0]["value"], 45.5);
    assert_eq!(first["actuals"][0]["entered_on"], "2020-01-20");
    assert_eq!(first["trajectory"][1]["target"], true);
    assert_eq!(first["benchmarks"][0]["comparator"], "england");
    assert_eq!(body["data"][1]["status"], "not_assessed");
    assert_eq!(body["meta"]["total"], 2);
    assert_eq!(voice.status, StatusCode::OK);
    let voice = voice.json();
    assert_eq!(voice["meta"]["total"], 3);
    assert_eq!(voice["data"].as_array().unwrap().len(), 2, "paginated");
    assert_eq!(voice["data"][0]["who"], "Child or young person, Year 10");
    assert_eq!(voice["data"][0]["consent"], true);
    assert_eq!(voice["data"][0]["source"], "listening_event");
    let entries = entries.json();
    let not_possible = entries["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "not_possible")
        .unwrap();
    assert!(not_possible["reason"].is_string());
    assert!(
        entries["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["actions"].as_array().unwrap())
            .any(|a| a["id"].is_i64()),
        "linked actions carry their ids"
    );
}
