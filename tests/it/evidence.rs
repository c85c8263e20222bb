//! KPIs, voice, governance and the timeline: stored and read back whole on both
//! backends, in plan JSON, and added to one at a time.

use time::macros::date;
use wsoa::documents::{read_plan_json, write_plan_json};
use wsoa::domain::{
    ActionRef, Actor, Actual, Error, Evaluation, EventKind, Meeting, MeetingKind, Number, Period,
    ProgressMeasure, Quote, ResponseStatus, Sentiment, Speaker, TimelineEvent, VoiceSource,
    YouSaidWeDid,
};

use crate::helpers::{TestDb, on_both_backends, plan_with_evidence, small_plan, without_any_ids};
use wsoa::domain::{Board, Kpi, Role, STANDARD_MEASURES};

on_both_backends!(
    every_new_field_reads_back_identical,
    an_actual_quote_entry_meeting_and_definition_are_added_one_at_a_time,
    an_actual_for_a_period_already_recorded_is_refused,
    a_csv_of_actuals_is_stored_whole_or_not_at_all,
    links_to_actions_the_plan_lacks_are_refused,
    export_then_import_keeps_every_new_field,
    each_change_is_audited_with_who_and_what_in_its_transaction,
    only_admins_and_editors_change_the_evidence_and_owners_record_their_kpis,
    a_refused_or_invalid_change_leaves_no_entry,
);

#[test]
fn plan_json_with_every_new_field_round_trips_byte_for_byte() {
    let plan = plan_with_evidence();

    let bytes = write_plan_json(&plan).unwrap();
    let again = read_plan_json(&bytes).unwrap();

    assert_eq!(again, plan);
    assert_eq!(write_plan_json(&again).unwrap(), bytes);
    assert_eq!(plan.kpis.len(), 2);
    assert_eq!(plan.voice.len(), 3);
    assert_eq!(plan.timeline.events.len(), 2);
}

#[test]
fn a_plan_without_the_new_fields_writes_none_of_them() {
    let text = String::from_utf8(write_plan_json(&small_plan()).unwrap()).unwrap();

    for key in [
        "kpis",
        "voice",
        "you_said_we_did",
        "boards",
        "meetings",
        "timeline",
        "kpi_tolerance",
    ] {
        assert!(!text.contains(&format!("\"{key}\"")), "{key}");
    }
}

async fn every_new_field_reads_back_identical(db: &TestDb) {
    let plan = plan_with_evidence();

    let stored = db
        .app
        .import_plan(&Actor::System, plan.clone())
        .await
        .unwrap();
    let (_, read) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();

    assert!(read.kpis.iter().all(|k| k.id.is_some()));
    assert!(read.voice.iter().all(|q| q.id.is_some()));
    assert_eq!(without_any_ids(read), plan);
}

async fn export_then_import_keeps_every_new_field(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let exported = write_plan_json(
        &db.app
            .export_plan(&Actor::System, &stored.slug)
            .await
            .unwrap(),
    )
    .unwrap();

    let again = db
        .app
        .import_plan(&Actor::System, read_plan_json(&exported).unwrap())
        .await
        .unwrap();
    let mut second = without_any_ids(
        db.app
            .export_plan(&Actor::System, &again.slug)
            .await
            .unwrap(),
    );

    second.version = 1;
    assert_eq!(second, plan_with_evidence());
}

fn actual(period: &str, value: f64) -> Actual {
    Actual {
        period: Period::parse(period).unwrap(),
        value: Number::new(value).unwrap(),
        entered_by: Some("AB".into()),
        entered_on: None,
        note: Some("From the January return".into()),
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one story: each kind of entry added, then all read back"
)]
async fn an_actual_quote_entry_meeting_and_definition_are_added_one_at_a_time(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let slug = &stored.slug;
    let (_, plan) = db.app.plan(&Actor::System, slug).await.unwrap();
    let kpi = plan.kpis[0].id.unwrap().0.to_string();

    db.app
        .add_kpi_actual(&Actor::System, slug, &kpi, actual("2019-Q3", 41.0))
        .await
        .unwrap();
    let mut quote = Quote::new(
        "  It got better.  ",
        Speaker::ParentOrCarer,
        VoiceSource::Survey,
    );
    quote.sentiment = Sentiment::WorkingWell;
    quote.actions = vec![ActionRef::parse("1/1.1b").unwrap()];
    quote.consent = true;
    db.app.add_quote(&Actor::System, slug, quote).await.unwrap();
    db.app
        .add_you_said_we_did(
            &Actor::System,
            slug,
            YouSaidWeDid {
                id: None,
                you_said: "Shorter waits".into(),
                we_did: "A second clinic".into(),
                status: ResponseStatus::InProgress,
                reason: Some("  ".into()),
                actions: vec![ActionRef::parse("2/1.1").unwrap()],
                date: Some(date!(2020 - 01 - 31)),
            },
        )
        .await
        .unwrap();
    db.app
        .record_meeting(
            &Actor::System,
            slug,
            Meeting {
                id: None,
                date: date!(2020 - 01 - 28),
                kind: MeetingKind::Board,
                board: Some("SEND Partnership Board".into()),
                purpose: "Six-weekly review".into(),
                attendees: vec!["AB".into()],
                notes: None,
                decisions: vec![],
                actions_agreed: vec![],
                progress_measures: vec![ProgressMeasure {
                    area: 2,
                    ratings: vec!["Amber".into()],
                    summary: None,
                }],
            },
        )
        .await
        .unwrap();
    db.app
        .set_glossary_definition(&Actor::System, slug, "ICB", "Integrated care board (NHS)")
        .await
        .unwrap();
    db.app
        .set_glossary_definition(&Actor::System, slug, "DCO", "Designated clinical officer")
        .await
        .unwrap();
    db.app
        .record_timeline_event(
            &Actor::System,
            slug,
            TimelineEvent {
                date: date!(2021 - 06 - 01),
                kind: EventKind::Revisit,
                outcome: None,
                note: None,
            },
        )
        .await
        .unwrap();

    let (_, read) = db.app.plan(&Actor::System, slug).await.unwrap();
    let actuals: Vec<String> = read.kpis[0]
        .actuals_in_order()
        .iter()
        .map(|a| a.period.to_string())
        .collect();
    assert_eq!(actuals, ["2019-Q3", "2019-Q4", "2020-Q1"]);
    let added = read.kpis[0]
        .actuals
        .iter()
        .find(|a| a.period.to_string() == "2019-Q3")
        .unwrap();
    assert_eq!(
        added.entered_on,
        Some(date!(2020 - 02 - 03)),
        "dated by the clock"
    );
    assert_eq!(read.voice.len(), 4);
    assert_eq!(read.voice[3].text, "It got better.");
    assert_eq!(
        read.you_said_we_did[2].reason, None,
        "a blank reason is no reason"
    );
    assert_eq!(read.meetings.len(), 3);
    assert_eq!(read.meetings[2].purpose, "Six-weekly review");
    let glossary: Vec<(&str, &str)> = read
        .glossary
        .iter()
        .map(|g| (g.term.as_str(), g.definition.as_str()))
        .collect();
    assert_eq!(
        glossary,
        [
            ("SEND", "Special educational needs and disabilities"),
            ("ICB", "Integrated care board (NHS)"),
            ("DCO", "Designated clinical officer"),
        ]
    );
    assert_eq!(read.timeline.events.len(), 3);
    assert_eq!(
        read.timeline.events[1].outcome,
        Some(Evaluation::FitForPurpose)
    );
}

async fn an_actual_for_a_period_already_recorded_is_refused(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let kpi = plan.kpis[0].id.unwrap().0.to_string();

    let twice = db
        .app
        .add_kpi_actual(&Actor::System, &stored.slug, &kpi, actual("2019-Q4", 1.0))
        .await;
    let month = db
        .app
        .add_kpi_actual(&Actor::System, &stored.slug, &kpi, actual("2019-12", 1.0))
        .await;
    let future = db
        .app
        .add_kpi_actual(&Actor::System, &stored.slug, &kpi, actual("2020-Q3", 1.0))
        .await;

    for outcome in [twice, month, future] {
        assert!(
            matches!(outcome, Err(Error::Invalid { ref field, .. }) if field == "period"),
            "{outcome:?}"
        );
    }
    let (_, read) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    assert_eq!(read.kpis[0].actuals.len(), 2);
}

async fn a_csv_of_actuals_is_stored_whole_or_not_at_all(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let slug = &stored.slug;

    let bad = db
        .app
        .import_kpi_actuals(
            &Actor::System,
            slug,
            b"kpi,period,value\nehcp-20-weeks,2019-Q3,41\nautism-assessment-wait,2020-01,ten\n",
        )
        .await
        .unwrap_err()
        .to_string();
    let (_, after_bad) = db.app.plan(&Actor::System, slug).await.unwrap();
    let added = db
        .app
        .import_kpi_actuals(&Actor::System, slug, b"kpi,period,value,note\nehcp-20-weeks,2019-Q3,41,\nautism-assessment-wait,2020-01,18.5,\"Long, slow\"\n")
        .await
        .unwrap();
    let (_, after) = db.app.plan(&Actor::System, slug).await.unwrap();

    assert!(
        bad.contains("line 3: value: \"ten\" is not a number"),
        "{bad}"
    );
    assert_eq!(
        after_bad.kpis[0].actuals.len(),
        2,
        "nothing from the bad file"
    );
    assert_eq!(added, 2);
    assert_eq!(after.kpis[0].actuals.len(), 3);
    assert_eq!(after.kpis[1].actuals[0].note.as_deref(), Some("Long, slow"));
}

async fn links_to_actions_the_plan_lacks_are_refused(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let mut quote = Quote::new("Words", Speaker::Practitioner, VoiceSource::Other);
    quote.actions = vec![ActionRef::parse("1/9.9").unwrap()];

    let err = db
        .app
        .add_quote(&Actor::System, &stored.slug, quote)
        .await
        .unwrap_err();

    assert!(
        matches!(err, Error::Invalid { ref field, .. } if field == "actions"),
        "{err:?}"
    );
    assert!(err.to_string().contains("no action 9.9 in area 1"), "{err}");
    let mut plan = plan_with_evidence();
    plan.voice[0].areas = vec![7];
    assert!(
        db.app.import_plan(&Actor::System, plan).await.is_err(),
        "checked on import too"
    );
}

#[test]
fn the_voice_sections_of_000_become_untagged_quotes_linked_to_their_area() {
    let text = std::fs::read(crate::helpers::repo_path(
        "tests/fixtures/seeds/000_d9b72d94429252eb.txt",
    ))
    .unwrap();

    let imported = wsoa::documents::import(wsoa::documents::Format::Text, &text).unwrap();

    let voice = &imported.plan.voice;
    assert_eq!(
        voice.len(),
        49,
        "7 + 10 before the areas, 9 + 9 in area 1, 6 + 8 in area 2"
    );
    let y10 = &voice[1];
    assert_eq!(
        y10.text,
        "I'm OK because I say when I need help but I know some kids that are quiet and don't."
    );
    assert_eq!(
        (y10.speaker, y10.year_group, y10.areas.as_slice()),
        (Speaker::ChildOrYoungPerson, Some(10), &[][..])
    );
    assert_eq!(y10.source, VoiceSource::ListeningEvent);
    let aged = voice.iter().find(|q| q.age == Some(17)).unwrap();
    assert_eq!(aged.areas, [1]);
    assert!(aged.text.starts_with("I need more support") && !aged.text.contains('"'));
    assert!(
        voice.iter().all(|q| q.sentiment == Sentiment::NotStated),
        "the colours were lost"
    );
    assert!(
        voice.iter().all(|q| !q.consent),
        "consent is not in the document"
    );
    let area_two_parents = voice
        .iter()
        .filter(|q| q.speaker == Speaker::ParentOrCarer && q.areas == [2])
        .count();
    assert_eq!(area_two_parents, 8);
    assert!(
        !imported
            .report
            .unmapped
            .iter()
            .any(|u| u.message.contains("(Y10)") || u.message == "Requires Improvement"),
        "the quotes and legends are no longer unmapped"
    );
}

/// Everything issue 7 lets a person change, each tried once as `actor`: the outcome of
/// each, in the order of [`WRITES`].
const WRITES: [&str; 9] = [
    "kpi",
    "actual",
    "csv",
    "quote",
    "entry",
    "meeting",
    "board",
    "event",
    "definition",
];

fn parent_confidence() -> Kpi {
    STANDARD_MEASURES
        .iter()
        .find(|m| m.key == "parent-confidence")
        .unwrap()
        .to_kpi()
}

/// Tries every write as `actor`; `n` keeps the periods and names of different askers
/// apart, so one asker's success does not make the next one's a duplicate.
async fn try_every_write(db: &TestDb, actor: &Actor, slug: &str, n: u32) -> Vec<Result<(), Error>> {
    let (_, plan) = db.app.plan(&Actor::System, slug).await.unwrap();
    let kpi = plan.kpis[0].id.unwrap().0.to_string();
    let mut kpi_def = parent_confidence();
    kpi_def.key = format!("parent-confidence-{n}");
    let mut quote = Quote::new("It got better", Speaker::ParentOrCarer, VoiceSource::Survey);
    quote.consent = true;
    let csv = format!("kpi,period,value\nautism-assessment-wait,201{n}-05,12\n");
    vec![
        db.app.add_kpi(actor, slug, kpi_def).await.map(|_| ()),
        db.app
            .add_kpi_actual(actor, slug, &kpi, actual(&format!("201{n}-Q2"), 41.0))
            .await,
        db.app
            .import_kpi_actuals(actor, slug, csv.as_bytes())
            .await
            .map(|_| ()),
        db.app.add_quote(actor, slug, quote).await.map(|_| ()),
        db.app
            .add_you_said_we_did(
                actor,
                slug,
                YouSaidWeDid {
                    id: None,
                    you_said: "Shorter waits".into(),
                    we_did: "A second clinic".into(),
                    status: ResponseStatus::Done,
                    reason: None,
                    actions: vec![],
                    date: None,
                },
            )
            .await
            .map(|_| ()),
        db.app
            .record_meeting(
                actor,
                slug,
                Meeting {
                    id: None,
                    date: date!(2020 - 01 - 28),
                    kind: MeetingKind::MonitoringVisit,
                    board: None,
                    purpose: "Monitoring visit".into(),
                    attendees: vec![],
                    notes: None,
                    decisions: vec![],
                    actions_agreed: vec![],
                    progress_measures: vec![],
                },
            )
            .await
            .map(|_| ()),
        db.app
            .add_board(actor, slug, Board::new(format!("Working group {n}")))
            .await,
        db.app
            .record_timeline_event(
                actor,
                slug,
                TimelineEvent {
                    date: date!(2019 - 11 - 18),
                    kind: EventKind::Submission,
                    outcome: None,
                    note: None,
                },
            )
            .await,
        db.app
            .set_glossary_definition(actor, slug, "DCO", "Designated clinical officer")
            .await,
    ]
}

/// What each outcome was, in one word, for comparing whole rows.
fn outcome(result: &Result<(), Error>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(Error::NotFound(_)) => "not found",
        Err(Error::Unauthorized) => "sign in",
        Err(Error::Forbidden) => "forbidden",
        Err(Error::Invalid { .. }) => "invalid",
        Err(_) => "other",
    }
}

async fn only_admins_and_editors_change_the_evidence_and_owners_record_their_kpis(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let mut south = small_plan();
    south.local_area = "Southshire".into();
    db.app.import_plan(&Actor::System, south).await.unwrap();
    let mut askers = vec![("public", Actor::Public)];
    for (who, role, area, key) in [
        ("admin", Role::Admin, "Northshire", None),
        ("editor", Role::Editor, "Northshire", None),
        ("owner", Role::Owner, "Northshire", Some("AB")),
        ("viewer", Role::Viewer, "Northshire", None),
        ("adviser", Role::Adviser, "Northshire", None),
        ("other", Role::Editor, "Southshire", None),
    ] {
        let user = db
            .user(&format!("{who}@example.org"), role, area, key)
            .await;
        askers.push((who, Actor::User(user)));
    }

    let mut unpublished = Vec::new();
    for (n, (who, actor)) in (0..).zip(&askers) {
        let row: Vec<&str> = try_every_write(db, actor, &stored.slug, n)
            .await
            .iter()
            .map(outcome)
            .collect();
        unpublished.push((*who, row));
    }
    db.app
        .set_published(&Actor::System, &stored.slug, true)
        .await
        .unwrap();
    let public = try_every_write(db, &Actor::Public, &stored.slug, 7).await;
    let other = try_every_write(db, &askers[6].1, &stored.slug, 8).await;

    let all = |word| vec![word; WRITES.len()];
    // The owner reports the first KPI ("AB"), so may record its actuals; nothing else.
    let mut owner = all("forbidden");
    owner[1] = "ok";
    assert_eq!(
        unpublished,
        [
            ("public", all("not found")),
            ("admin", all("ok")),
            ("editor", all("ok")),
            ("owner", owner),
            ("viewer", all("forbidden")),
            ("adviser", all("forbidden")),
            ("other", all("not found")),
        ],
        "columns: {WRITES:?}"
    );
    assert_eq!(
        public.iter().map(outcome).collect::<Vec<_>>(),
        all("sign in"),
        "the public of a published plan"
    );
    assert_eq!(
        other.iter().map(outcome).collect::<Vec<_>>(),
        all("forbidden"),
        "another area's editor on a published plan"
    );
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let recorded_by: Vec<Option<&str>> = plan.kpis[0]
        .actuals_in_order()
        .iter()
        .filter(|a| a.entered_on == Some(date!(2020 - 02 - 03)))
        .map(|a| a.entered_by.as_deref())
        .collect();
    assert_eq!(
        recorded_by,
        [
            Some("admin@example.org"),
            Some("editor@example.org"),
            Some("AB")
        ],
        "a person enters as themselves: their person key, else their name or email"
    );
    assert_eq!(plan.kpis.len(), 4, "two added, by the admin and the editor");
}

async fn each_change_is_audited_with_who_and_what_in_its_transaction(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let editor = Actor::User(
        db.user("editor@example.org", Role::Editor, "Northshire", None)
            .await,
    );
    let (_, before) = db
        .app
        .plan_audit(&Actor::System, &stored.slug)
        .await
        .unwrap();

    let outcomes = try_every_write(db, &editor, &stored.slug, 0).await;
    db.app
        .set_glossary_definition(
            &editor,
            &stored.slug,
            "DCO",
            "Designated clinical officer (health)",
        )
        .await
        .unwrap();

    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let (_, events) = db
        .app
        .plan_audit(&Actor::System, &stored.slug)
        .await
        .unwrap();
    let new = &events[before.len()..];
    let what: Vec<(&str, &str)> = new
        .iter()
        .map(|e| (e.entity.as_str(), e.event.as_str()))
        .collect();
    assert_eq!(
        what,
        [
            ("kpi", "kpi.added"),
            ("kpi", "kpi.actual_recorded"),
            ("kpi", "kpi.actuals_imported"),
            ("quote", "quote.added"),
            ("you_said_we_did", "you_said_we_did.added"),
            ("meeting", "meeting.recorded"),
            ("board", "board.added"),
            ("timeline_event", "timeline.event_recorded"),
            ("glossary_entry", "glossary.defined"),
            ("glossary_entry", "glossary.defined"),
        ]
    );
    assert!(new.iter().all(|e| e.actor == "editor@example.org"));
    assert!(new.iter().all(|e| e.plan_id == Some(stored.id)));
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let added = plan
        .kpis
        .iter()
        .find(|k| k.key == "parent-confidence-0")
        .unwrap();
    assert_eq!(new[0].entity_id, Some(added.id.unwrap().0.to_string()));
    assert_eq!(new[0].after.as_ref().unwrap()["key"], "parent-confidence-0");
    assert_eq!(
        new[1].after.as_ref().unwrap()["actuals"][0]["entered_by"],
        "editor@example.org"
    );
    assert_eq!(new[2].after.as_ref().unwrap()["rows"], 1);
    assert_eq!(
        new[2].after.as_ref().unwrap()["actuals"][0]["kpi"],
        "autism-assessment-wait"
    );
    let quote = plan.voice.last().unwrap();
    assert_eq!(new[3].entity_id, Some(quote.id.unwrap().0.to_string()));
    assert_eq!(new[3].after.as_ref().unwrap()["text"], "It got better");
    assert_eq!(new[8].before, None, "a new term");
    assert_eq!(
        new[9].before.as_ref().unwrap()["definition"],
        "Designated clinical officer",
        "a changed definition keeps what it was"
    );
    assert_eq!(
        new[9].after.as_ref().unwrap()["definition"],
        "Designated clinical officer (health)"
    );
}

async fn a_refused_or_invalid_change_leaves_no_entry(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, plan_with_evidence())
        .await
        .unwrap();
    let viewer = Actor::User(
        db.user("viewer@example.org", Role::Viewer, "Northshire", None)
            .await,
    );
    let editor = Actor::User(
        db.user("editor@example.org", Role::Editor, "Northshire", None)
            .await,
    );
    let (_, before) = db
        .app
        .plan_audit(&Actor::System, &stored.slug)
        .await
        .unwrap();

    let refused = try_every_write(db, &viewer, &stored.slug, 0).await;
    let bad_csv = db
        .app
        .import_kpi_actuals(
            &editor,
            &stored.slug,
            b"kpi,period,value\nehcp-20-weeks,2019-Q3,41\nehcp-20-weeks,2019-Q2,x\n",
        )
        .await;

    assert!(refused.iter().all(|r| matches!(r, Err(Error::Forbidden))));
    assert!(matches!(bad_csv, Err(Error::Invalid { .. })));
    let (_, after) = db
        .app
        .plan_audit(&Actor::System, &stored.slug)
        .await
        .unwrap();
    assert_eq!(after.len(), before.len());
}
