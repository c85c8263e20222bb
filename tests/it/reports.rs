//! Reports and exports, checked by real readers: the DOCX unzipped and its XML parsed, the
//! XLSX read with calamine, the PDF's text extracted, the CSV parsed; the "as at" rule;
//! the tracker's round trip; the CLI and the download pages.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader as _, Xlsx};
use http_body_util::BodyExt as _;
use quick_xml::events::Event;
use time::macros::date;
use tower::ServiceExt as _;
use wsoa::app::{NewUpdate, ReportRequest};
use wsoa::documents::{Format, export_report, import, read_plan_json, read_tracker_xlsx};
use wsoa::domain::{
    Actor, AsAt, PlanTree, ReportFormat, ReportKind, ReportOptions, Role, build_report, sample_plan,
};
use wsoa::web;

use crate::helpers::{
    Auth, TestDb, on_both_backends, plan_with_evidence, small_plan, with_auth, without_ids,
};

/// The day the test clock stands at is 3 February 2020; the small plan's last update is
/// 31 January 2020.
const TODAY: time::Date = date!(2020 - 02 - 03);

fn report(plan: &PlanTree, kind: ReportKind, format: ReportFormat) -> Vec<u8> {
    let model = build_report(plan, kind, ReportOptions::as_at(TODAY)).unwrap();
    export_report(&model, format).unwrap()
}

// ---- DOCX ---------------------------------------------------------------------------

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut part = archive.by_name(name).unwrap();
    let mut text = String::new();
    part.read_to_string(&mut text).unwrap();
    text
}

/// What a reader of a Word file sees: its paragraphs with their styles, and its tables as
/// rows of cell texts with whether the row repeats as a header.
#[derive(Debug, Default)]
pub struct WordDoc {
    pub paragraphs: Vec<(String, String)>,
    pub tables: Vec<Vec<(bool, Vec<String>)>>,
}

pub fn read_docx(bytes: &[u8]) -> WordDoc {
    let xml = zip_part(bytes, "word/document.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut doc = WordDoc::default();
    let (mut depth, mut style, mut text, mut in_text) =
        (0usize, String::new(), String::new(), false);
    let mut row: Option<(bool, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:tbl" => {
                depth += 1;
                doc.tables.push(Vec::new());
            }
            Event::End(e) if e.name().as_ref() == "w:tbl" => depth -= 1,
            Event::Start(e) if e.name().as_ref() == "w:tr" => row = Some((false, Vec::new())),
            Event::End(e) if e.name().as_ref() == "w:tr" => {
                doc.tables.last_mut().unwrap().push(row.take().unwrap());
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:tblHeader" => {
                row.as_mut().unwrap().0 = true;
            }
            Event::Start(e) if e.name().as_ref() == "w:tc" => cell = Some(String::new()),
            Event::End(e) if e.name().as_ref() == "w:tc" => {
                row.as_mut().unwrap().1.push(cell.take().unwrap());
            }
            Event::Start(e) if e.name().as_ref() == "w:p" => {
                style.clear();
                text.clear();
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "w:pStyle" => {
                style = e
                    .try_get_attribute("w:val")
                    .unwrap()
                    .unwrap()
                    .value
                    .to_string();
            }
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::Text(t) if in_text => {
                let t: &str = t.as_ref();
                text.push_str(t);
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(t);
                }
            }
            Event::GeneralRef(r) if in_text => {
                let t = match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                };
                text.push_str(t);
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(t);
                }
            }
            Event::End(e) if e.name().as_ref() == "w:p" && depth == 0 => {
                doc.paragraphs.push((style.clone(), text.clone()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    doc
}

#[test]
fn the_highlight_report_in_word_has_real_headings_and_repeating_table_headers() {
    let bytes = report(&small_plan(), ReportKind::Highlight, ReportFormat::Docx);

    let doc = read_docx(&bytes);
    let styles = zip_part(&bytes, "word/styles.xml");

    assert!(styles.contains("w:styleId=\"Heading1\"") && styles.contains("w:val=\"heading 1\""));
    let headings: Vec<&str> = doc
        .paragraphs
        .iter()
        .filter(|(s, _)| s.starts_with("Heading"))
        .map(|(_, t)| t.as_str())
        .collect();
    for wanted in [
        "Summary",
        "Rating key: BRAG(P)",
        "Actions by area",
        "Glossary",
    ] {
        assert!(headings.contains(&wanted), "{wanted} in {headings:?}");
    }
    assert!(
        headings.contains(&"Area 1: Workstream 1: Joint commissioning"),
        "{headings:?}"
    );
    assert!(
        doc.paragraphs
            .iter()
            .any(|(s, t)| s == "Heading3" && t.starts_with("Objective 1.1")),
        "objectives are level-3 headings"
    );
    assert!(
        doc.tables.iter().all(|t| t[0].0),
        "every table's first row repeats as a header"
    );
    assert!(doc.tables.iter().all(|t| t.iter().skip(1).all(|(h, _)| !h)));
    let actions = doc
        .tables
        .iter()
        .find(|t| t[0].1.first().map(String::as_str) == Some("Ref"))
        .unwrap();
    assert_eq!(
        actions[0].1,
        [
            "Ref",
            "Action",
            "Owners",
            "Due",
            "Completed",
            "Impact",
            "Sustained",
            "Flags"
        ]
    );
    let first = &actions[1].1;
    assert_eq!(first[0], "1.1a");
    assert_eq!(first[2], "Alex Brown, Chris Dale", "owners by name");
    assert_eq!(
        (first[4].as_str(), first[5].as_str(), first[6].as_str()),
        ("G", "A", "")
    );
    let key = doc.tables.iter().find(|t| t[0].1[0] == "Code").unwrap();
    assert_eq!(key.len(), 6, "the rating key: a header and five levels");
    assert!(
        zip_part(&bytes, "word/document.xml").contains("w:fill=\"1d70b8\""),
        "blue fill"
    );
    let archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    assert!(
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("word/media/"))),
        "the chart picture"
    );
    assert!(
        doc.paragraphs
            .iter()
            .any(|(_, t)| t.contains("Monitoring arrangements")
                || t.contains("No monitoring arrangements are recorded")),
    );
    assert!(
        doc.paragraphs
            .iter()
            .any(|(_, t)| t
                == "No meetings are recorded between 4 November 2019 and 3 February 2020.")
    );
    assert!(
        doc.tables
            .iter()
            .any(|t| t.iter().any(|(_, r)| r[0] == "SEND")),
        "the glossary lists the abbreviations used"
    );
}

#[test]
fn every_report_is_written_in_every_format() {
    let plan = sample_plan(20);
    for kind in ReportKind::ALL {
        for format in ReportFormat::ALL {
            let bytes = report(&plan, kind, format);
            assert!(bytes.len() > 100, "{kind:?} as {format:?}");
            let magic: &[u8] = match format {
                ReportFormat::Docx | ReportFormat::Xlsx => b"PK",
                ReportFormat::Pdf => b"%PDF",
                ReportFormat::Html => b"<!DOCTYPE html>",
                ReportFormat::Json => b"{",
                ReportFormat::Csv => b"\xEF\xBB\xBF",
            };
            assert!(bytes.starts_with(magic), "{kind:?} as {format:?}");
        }
    }
}

// ---- XLSX ---------------------------------------------------------------------------

pub fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_tracker_workbook_has_a_row_per_action_with_lettered_coloured_ratings() {
    let bytes = report(&small_plan(), ReportKind::Tracker, ReportFormat::Xlsx);

    let rows = sheet(&bytes, "Tracker");
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();

    assert_eq!(rows.len(), 5, "a header and four actions");
    assert_eq!(
        &header[..8],
        [
            "No.",
            "Area",
            "Objective",
            "Ref",
            "Action",
            "Owners",
            "Resource",
            "Due"
        ]
    );
    assert_eq!(rows[1][col("Ref")], "1.1a");
    assert_eq!(rows[3][col("Ref")], "1.1", "refs restart in area 2");
    assert_eq!(rows[1][col("Owners")], "Alex Brown, Chris Dale");
    assert_eq!(rows[1][col("Completed")], "G");
    assert_eq!(rows[1][col("Impact")], "A");
    assert_eq!(rows[4][col("Completed")], "P");
    assert_eq!(rows[1][col("Latest update")], "Draft strategy shared.");
    assert_eq!(rows[1][col("Update date")], "31 January 2020");
    assert_eq!(rows[1][col("Due")], "April 2020 to June 2020");
    assert!(
        rows[2][col("Flags")].contains("Not started"),
        "{:?}",
        rows[2]
    );
    for name in ["Milestones", "Updates", "People", "Rating key", "Glossary"] {
        assert!(sheet(&bytes, name).len() > 1, "{name}");
    }
    assert_eq!(sheet(&bytes, "Updates").len(), 3);
    assert_eq!(sheet(&bytes, "People")[1][1], "Alex Brown");

    let tracker_xml = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        tracker_xml.contains("state=\"frozen\""),
        "the header row is frozen"
    );
    assert!(
        tracker_xml.contains("<autoFilter ref=\"A1:"),
        "filters are on"
    );
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(styles.contains("FF00703C"), "green cells are filled green");
}

#[test]
fn other_reports_in_excel_have_a_sheet_per_section() {
    let bytes = report(&small_plan(), ReportKind::Exceptions, ReportFormat::Xlsx);

    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    let names = workbook.sheet_names();
    assert!(
        names.contains(&"Actions needing attention".to_owned()),
        "{names:?}"
    );
    let rows = sheet(&bytes, "Actions needing attention");
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c == "1.1b")),
        "{rows:?}"
    );
}

// ---- PDF ----------------------------------------------------------------------------

fn pdf_text(bytes: &[u8]) -> String {
    let bytes = bytes.to_vec();
    // pdf-extract is best effort and may panic on unusual files: keep it contained.
    let text = std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&bytes))
        .expect("pdf-extract did not panic")
        .unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_highlight_report_as_pdf_has_its_text_and_bookmarks() {
    let bytes = report(&small_plan(), ReportKind::Highlight, ReportFormat::Pdf);

    let text = pdf_text(&bytes);

    assert!(text.contains("Highlight report: Northshire"), "{text}");
    assert!(text.contains("As at 3 February 2020"));
    assert!(text.contains("Actions by area"));
    assert!(text.contains("Rating key: BRAG(P)"));
    for reference in ["1.1a", "1.1b"] {
        assert!(text.contains(reference), "{reference} in {text}");
    }
    assert!(text.contains("Alex Brown"));
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Outlines"), "the headings are bookmarks");
    assert!(raw.contains("/FontFile"), "the fonts are embedded");
}

#[test]
fn the_public_summary_as_pdf_speaks_plainly() {
    let bytes = report(&small_plan(), ReportKind::Public, ReportFormat::Pdf);

    let text = pdf_text(&bytes);

    assert!(text.contains("children and young people"), "{text}");
    assert!(text.contains("What the inspection found"));
    assert!(text.contains("Then and now"));
}

// ---- HTML, CSV, JSON ----------------------------------------------------------------

#[test]
fn the_html_report_is_a_standalone_printable_page() {
    let html = String::from_utf8(report(
        &small_plan(),
        ReportKind::Highlight,
        ReportFormat::Html,
    ))
    .unwrap();

    assert!(html.contains("<style>") && html.contains("@media print"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(html.contains("<h2>Rating key: BRAG(P)</h2>"));
    assert!(html.contains("<td>1.1a</td>"));
    assert!(
        html.contains("&lt;well enough&gt; &amp; &quot;jointly&quot;"),
        "escaped"
    );
    assert!(!html.contains("<well enough>"));
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "the chart"
    );
    assert!(!html.contains("<script"), "no script at all");
}

pub fn csv_rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .map(str::to_owned)
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn the_csv_has_one_row_per_action_with_the_tracker_columns() {
    let rows = csv_rows(&report(
        &small_plan(),
        ReportKind::Tracker,
        ReportFormat::Csv,
    ));

    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["Ref"], "1.1a");
    assert_eq!(rows[0]["Owners"], "Alex Brown, Chris Dale");
    assert_eq!(rows[0]["Completed"], "G");
    assert_eq!(rows[0]["Update date"], "31 January 2020");
    assert_eq!(rows[3]["Ref"], "");
    assert_eq!(rows[3]["Action"], "An action the plan left unnumbered.");
}

#[test]
fn the_exception_csv_says_why_each_action_is_there() {
    let rows = csv_rows(&report(
        &small_plan(),
        ReportKind::Exceptions,
        ReportFormat::Csv,
    ));

    let survey = rows.iter().find(|r| r["Ref"] == "1.1b").unwrap();
    assert!(survey["Why"].contains("Not started"), "{survey:?}");
    assert!(survey["Why"].contains("Stale"));
    let strategy = rows.iter().find(|r| r["Ref"] == "1.1a").unwrap();
    assert!(
        strategy["Why"].contains("Amber (Impact: A – Amber)"),
        "{strategy:?}"
    );
}

#[test]
fn the_json_is_the_read_model() {
    let json: serde_json::Value = serde_json::from_slice(&report(
        &small_plan(),
        ReportKind::Progress,
        ReportFormat::Json,
    ))
    .unwrap();

    assert_eq!(json["header"]["kind"], "progress");
    assert_eq!(json["header"]["as_at"], "2020-02-03");
    assert_eq!(
        json["header"]["since"], "2019-11-03",
        "three months earlier by default"
    );
    assert_eq!(json["body"]["report"], "progress");
    let evidence = &json["body"]["areas"][0]["evidence"];
    assert_eq!(
        evidence.as_array().unwrap().len(),
        2,
        "both updates fall in the period"
    );
    assert_eq!(evidence[0]["author"], "Alex Brown");
}

#[test]
fn the_public_summary_names_no_one() {
    let plan = small_plan();
    for format in [ReportFormat::Html, ReportFormat::Json, ReportFormat::Csv] {
        let text = String::from_utf8(report(&plan, ReportKind::Public, format)).unwrap();
        for person in &plan.people {
            assert!(
                !text.contains(&person.name),
                "{} in the {format:?}",
                person.name
            );
        }
        assert!(text.contains("children and young people") || format == ReportFormat::Csv);
    }
    let html = String::from_utf8(report(&plan, ReportKind::Public, ReportFormat::Html)).unwrap();
    assert!(
        html.contains("Special educational needs and disabilities (SEND)")
            || html.contains("special educational needs and disabilities"),
        "abbreviations are spelt out"
    );
    assert!(
        html.contains("At the inspection (14 June 2019)"),
        "dates in words"
    );
    assert!(
        html.contains("Baseline of needs recorded."),
        "what has been done"
    );
}

// ---- As at --------------------------------------------------------------------------

#[test]
fn a_rating_set_after_the_as_at_date_does_not_show() {
    let plan = small_plan();
    let before = build_report(
        &plan,
        ReportKind::Tracker,
        ReportOptions::as_at(date!(2020 - 01 - 15)),
    )
    .unwrap();

    let rows = csv_rows(&export_report(&before, ReportFormat::Csv).unwrap());

    assert_eq!(rows[0]["Completed"], "G", "set on 20 December 2019");
    assert_eq!(
        rows[0]["Impact"], "",
        "impact was first rated on 31 January 2020"
    );
    assert_eq!(rows[0]["Latest update"], "Baseline recorded with families.");
    let xlsx = export_report(&before, ReportFormat::Xlsx).unwrap();
    assert_eq!(
        sheet(&xlsx, "Updates").len(),
        2,
        "the later update is left out"
    );
}

on_both_backends!(
    an_update_recorded_today_shows_today_and_not_the_day_before,
    the_tracker_round_trips_through_the_importer_and_the_store,
);

async fn an_update_recorded_today_shows_today_and_not_the_day_before(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let id = plan.areas[0].objectives[0].actions[0]
        .id
        .unwrap()
        .0
        .to_string();
    db.app
        .record_update(
            &Actor::System,
            &stored.slug,
            &id,
            NewUpdate {
                date: TODAY,
                author: Some("AB".into()),
                narrative: "Strategy signed off by both boards.".into(),
                ratings: BTreeMap::from([("completed".into(), "B".into())]),
            },
        )
        .await
        .unwrap();
    let csv_at = |as_at: Option<AsAt>| {
        let app = db.app.clone();
        let slug = stored.slug.clone();
        async move {
            let request = ReportRequest {
                kind: ReportKind::Highlight,
                as_at,
                since: None,
            };
            let file = app
                .export_report(&Actor::System, &slug, request, ReportFormat::Csv)
                .await
                .unwrap();
            csv_rows(&file.bytes)
        }
    };

    let yesterday = csv_at(Some(AsAt::Date(date!(2020 - 02 - 02)))).await;
    let today = csv_at(None).await;

    assert_eq!(yesterday[0]["Completed"], "G");
    assert_eq!(today[0]["Completed"], "B");
    assert_eq!(
        today[0]["Latest update"],
        "Strategy signed off by both boards."
    );
    assert!(!today[0]["Flags"].contains("Overdue"));
}

// ---- The tracker's round trip -------------------------------------------------------

fn round_trip(plan: &PlanTree, as_at: time::Date) -> PlanTree {
    let model = build_report(plan, ReportKind::Tracker, ReportOptions::as_at(as_at)).unwrap();
    read_tracker_xlsx(&export_report(&model, ReportFormat::Xlsx).unwrap()).unwrap()
}

#[test]
fn the_tracker_workbook_reads_back_as_the_same_plan() {
    let plan = small_plan();
    assert_eq!(round_trip(&plan, TODAY), plan);
}

#[test]
fn a_generated_250_action_plan_round_trips_through_the_tracker() {
    let plan = sample_plan(250);
    assert_eq!(round_trip(&plan, date!(2030 - 01 - 01)), plan);
}

#[test]
fn awkward_text_round_trips_through_the_tracker() {
    let mut plan = small_plan();
    let action = &mut plan.areas[0].objectives[0].actions[0];
    action.text = "=SUM(A1) looks like a formula; \"quotes\", <tags> & a\nline break".into();
    action.success_measures = vec!["one\nwith a break".into(), "[bracketed]".into()];
    action.notes = vec!["[starts with a bracket".into()];
    action.updates[0].narrative = "  spaces kept  ".into();
    assert_eq!(round_trip(&plan, TODAY), plan);
}

#[test]
fn a_workbook_in_another_layout_is_read_by_the_general_spreadsheet_importer() {
    let highlight = report(&small_plan(), ReportKind::Highlight, ReportFormat::Xlsx);

    let imported = import(Format::detect("highlight.xlsx", &highlight), &highlight).unwrap();

    // Not the tracker, so not read back exactly: the general reader finds the plan in
    // the report's tables and says what it could not place (the summary, the key).
    let report = &imported.report;
    assert_eq!(report.format, "xlsx");
    assert_eq!((report.counts.areas, report.counts.actions), (2, 4));
    assert!(
        report
            .unmapped
            .iter()
            .any(|p| p.location.starts_with("sheet Summary")),
        "{:?}",
        report.unmapped
    );
    assert_ne!(imported.plan, small_plan());
}

#[test]
fn a_tracker_as_at_an_earlier_date_reads_back_as_the_plan_then() {
    let plan = small_plan();
    let then = date!(2020 - 01 - 15);
    assert_eq!(round_trip(&plan, then), plan.as_at(then));
}

async fn the_tracker_round_trips_through_the_importer_and_the_store(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let request = ReportRequest {
        kind: ReportKind::Tracker,
        as_at: None,
        since: None,
    };
    let file = db
        .app
        .export_report(&Actor::System, &stored.slug, request, ReportFormat::Xlsx)
        .await
        .unwrap();
    assert!(
        file.file_name.ends_with("-tracker-2020-02-03.xlsx"),
        "{}",
        file.file_name
    );

    let format = Format::detect(&file.file_name, &file.bytes);
    let imported = import(format, &file.bytes).unwrap();
    let again = db
        .app
        .import_plan(&Actor::System, imported.plan)
        .await
        .unwrap();

    let (_, first) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let mut second =
        std::sync::Arc::unwrap_or_clone(db.app.plan(&Actor::System, &again.slug).await.unwrap().1);
    assert_eq!(second.version, 2);
    second.version = 1;
    assert_eq!(without_ids(second), without_ids(first));
}

// ---- The CLI and the pages ----------------------------------------------------------

#[test]
fn the_cli_writes_reports_and_reads_the_tracker_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("plans.db").display());
    let plan_file = dir.path().join("plan.json");
    std::fs::write(
        &plan_file,
        wsoa::documents::write_plan_json(&small_plan()).unwrap(),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_wsoa"))
            .args(["--db", &db])
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

    assert!(run(&["import", plan_file.to_str().unwrap()]).0);
    for (report, format) in [
        ("highlight", "docx"),
        ("exceptions", "pdf"),
        ("tracker", "xlsx"),
    ] {
        let out = format!("{report}.{format}");
        let (ok, err) = run(&[
            "export",
            "--plan",
            "1",
            "--report",
            report,
            "--format",
            format,
            "--as-at",
            "2020-01-31",
            "-o",
            &out,
        ]);
        assert!(ok, "{err}");
        assert!(std::fs::metadata(dir.path().join(&out)).unwrap().len() > 1000);
    }
    let (ok, err) = run(&["import", "tracker.xlsx"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("read as xlsx: 2 areas, 2 objectives, 4 actions"),
        "{err}"
    );

    let (ok, err) = run(&["export", "--plan", "1", "--format", "docx"]);
    assert!(!ok);
    assert!(err.contains("needs a report"), "{err}");
    let (ok, err) = run(&[
        "export",
        "--plan",
        "1",
        "--report",
        "highlight",
        "--as-at",
        "cycle:2",
    ]);
    assert!(!ok);
    assert!(err.contains("no closed reporting cycles yet"), "{err}");
    let (ok, err) = run(&[
        "export",
        "--plan",
        "1",
        "--report",
        "progress",
        "--as-at",
        "2020-01-01",
        "--since",
        "2020-02-01",
    ]);
    assert!(!ok);
    assert!(err.contains("since: must be before"), "{err}");
    let json_plan = dir.path().join("again.json");
    assert!(run(&["export", "--plan", "1", "-o", json_plan.to_str().unwrap()]).0);
    assert_eq!(
        read_plan_json(&std::fs::read(json_plan).unwrap()).unwrap(),
        small_plan()
    );
}

/// A signed-in viewer of the small plan's area: the least any member is, and every
/// report is theirs.
async fn member(db: &TestDb) -> Auth {
    db.user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.session("viewer@example.org").await
}

struct Fetched {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn get(db: &TestDb, auth: &Auth, path: &str) -> Fetched {
    let response = web::router(db.app.clone())
        .oneshot(
            with_auth(Request::get(path), auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    Fetched {
        status: response.status(),
        headers: response.headers().clone(),
        body: response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    }
}

#[tokio::test]
async fn the_reports_page_offers_a_member_every_report_and_format() {
    let db = TestDb::sqlite().await;
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let me = member(&db).await;

    let plan_page =
        String::from_utf8(get(&db, &me, &format!("/plans/{}", stored.slug)).await.body).unwrap();
    let page = get(&db, &me, &format!("/plans/{}/reports", stored.slug)).await;
    let body = String::from_utf8(page.body).unwrap();

    assert!(plan_page.contains(&format!("href=\"/plans/{}/reports\"", stored.slug)));
    assert_eq!(page.status, StatusCode::OK);
    for kind in ReportKind::ALL {
        assert!(
            body.contains(&format!("value=\"{}\"", kind.code())),
            "{kind:?}"
        );
    }
    for format in ReportFormat::ALL {
        assert!(
            body.contains(&format!("value=\"{}\"", format.code())),
            "{format:?}"
        );
    }
    assert!(body.contains("name=\"as_at-day\""));
    assert!(body.contains(&format!("/plans/{}/reports/tracker.xlsx", stored.slug)));
    assert!(
        !body.contains("style=\""),
        "no inline style on the app's pages"
    );
}

#[tokio::test]
async fn a_report_downloads_as_an_attachment_of_the_right_type() {
    let db = TestDb::sqlite().await;
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let me = member(&db).await;
    let base = format!("/plans/{}/reports", stored.slug);

    let docx = get(&db, &me, &format!("{base}/highlight.docx?as_at=2020-01-15")).await;
    let html = get(&db, &me, &format!("{base}/public.html")).await;

    assert_eq!(docx.status, StatusCode::OK);
    assert_eq!(
        docx.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(
        docx.headers["content-disposition"],
        format!(
            "attachment; filename=\"{}-highlight-2020-01-15.docx\"",
            stored.slug
        )
        .as_str()
    );
    assert!(
        read_docx(&docx.body)
            .paragraphs
            .iter()
            .any(|(_, t)| t == "As at 15 January 2020")
    );
    assert_eq!(html.headers["content-type"], "text/html; charset=utf-8");
    let csp = html.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("style-src 'unsafe-inline'") && !csp.contains("script-src"),
        "{csp}"
    );
}

#[tokio::test]
async fn the_form_sends_the_browser_to_the_file_and_explains_mistakes() {
    let db = TestDb::sqlite().await;
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let me = member(&db).await;
    let base = format!("/plans/{}/reports", stored.slug);

    let chosen = get(
        &db,
        &me,
        &format!(
            "{base}/download?report=tracker&format=csv&as_at-day=15&as_at-month=1&as_at-year=2020"
        ),
    )
    .await;
    let wrong_date = get(
        &db,
        &me,
        &format!(
            "{base}/download?report=tracker&format=csv&as_at-day=31&as_at-month=2&as_at-year=2020"
        ),
    )
    .await;
    let future = get(
        &db,
        &me,
        &format!(
            "{base}/download?report=tracker&format=csv&as_at-day=1&as_at-month=1&as_at-year=2030"
        ),
    )
    .await;

    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(
        chosen.headers["location"],
        format!("{base}/tracker.csv?as_at=2020-01-15").as_str()
    );
    assert_eq!(wrong_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = String::from_utf8(wrong_date.body).unwrap();
    assert!(body.contains("The date must be a real date"), "{body}");
    assert!(body.contains("value=\"31\""), "what was typed is kept");
    assert!(
        String::from_utf8(future.body)
            .unwrap()
            .contains("today or in the past")
    );
    for bad in ["nothing.docx", "highlight.doc", "highlight"] {
        assert_eq!(
            get(&db, &me, &format!("{base}/{bad}")).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
    let bad_date = get(&db, &me, &format!("{base}/highlight.csv?as_at=yesterday")).await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_public_is_offered_and_given_only_the_public_summary_of_a_published_plan() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    let base = format!("/plans/{}/reports", stored.slug);
    let public = Auth::Anonymous;

    let unpublished = get(&db, &public, &base).await;
    db.app
        .set_published(&Actor::System, &stored.slug, true)
        .await
        .unwrap();
    let plan_page = get(&db, &public, &format!("/plans/{}", stored.slug)).await;
    let page = get(&db, &public, &base).await;
    let body = String::from_utf8(page.body).unwrap();

    assert_eq!(unpublished.status, StatusCode::NOT_FOUND);
    let plan_page = String::from_utf8(plan_page.body).unwrap();
    assert!(plan_page.contains(">Public summary</a>"), "{plan_page}");
    assert_eq!(page.status, StatusCode::OK);
    assert!(body.contains("value=\"public\""));
    for kind in ["highlight", "progress", "exceptions", "tracker"] {
        assert!(!body.contains(&format!("value=\"{kind}\"")), "{kind}");
        assert!(!body.contains(&format!("{base}/{kind}.")), "{kind}");
    }
    for format in ["html", "pdf", "docx"] {
        assert!(body.contains(&format!("value=\"{format}\"")), "{format}");
        assert!(
            body.contains(&format!("{base}/public.{format}")),
            "{format}"
        );
    }
    for format in ["xlsx", "csv", "json"] {
        assert!(!body.contains(&format!("value=\"{format}\"")), "{format}");
    }
    assert!(body.contains("sign in</a>"));

    let pdf = get(&db, &public, &format!("{base}/public.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf_text(&pdf.body).contains("Northshire"));
    for refused in [
        "public.csv",
        "public.json",
        "highlight.docx",
        "tracker.xlsx",
    ] {
        assert_eq!(
            get(&db, &public, &format!("{base}/{refused}")).await.status,
            StatusCode::UNAUTHORIZED,
            "{refused}"
        );
    }
    let chosen = get(
        &db,
        &public,
        &format!("{base}/download?report=tracker&format=xlsx"),
    )
    .await;
    assert_eq!(chosen.status, StatusCode::UNAUTHORIZED, "the form asks too");
}

// ---- Issue 7's evidence in the reports ----------------------------------------------

fn evidence_report(kind: ReportKind, format: ReportFormat, as_at: time::Date) -> Vec<u8> {
    let model = build_report(&plan_with_evidence(), kind, ReportOptions::as_at(as_at)).unwrap();
    export_report(&model, format).unwrap()
}

#[test]
fn the_highlight_report_in_word_lists_the_meetings_held_and_the_boards() {
    let bytes = evidence_report(
        ReportKind::Highlight,
        ReportFormat::Docx,
        date!(2019 - 11 - 01),
    );

    let doc = read_docx(&bytes);
    let cells: Vec<&String> = doc
        .tables
        .iter()
        .flatten()
        .flat_map(|(_, row)| row)
        .collect();
    let has = |text: &str| cells.iter().any(|c| c.contains(text));
    assert!(has("3rd monitoring visit"), "{cells:?}");
    assert!(
        has("Alex Brown, Chris Dale, DfE SEND adviser, NHS England adviser"),
        "attendees by name: {cells:?}"
    );
    assert!(!has("Six-weekly review"), "held after the as-at day");
    assert!(has("SEND Partnership Board") && has("Health and Wellbeing Board"));
    assert!(has("Every 6 weeks"));
    let paragraphs: Vec<&String> = doc.paragraphs.iter().map(|(_, t)| t).collect();
    assert!(
        paragraphs
            .iter()
            .any(|t| t.contains("Area 1: SEND Partnership Board")),
        "{paragraphs:?}"
    );
    assert!(!paragraphs.iter().any(|t| t.contains("No meetings")));
}

#[test]
fn the_progress_report_in_excel_shows_kpi_movement_and_the_meeting_reported_to() {
    let options = ReportOptions {
        since: Some(date!(2019 - 12 - 31)),
        ..ReportOptions::as_at(date!(2020 - 04 - 30))
    };
    let model = build_report(&plan_with_evidence(), ReportKind::Progress, options).unwrap();
    let bytes = export_report(&model, ReportFormat::Xlsx).unwrap();

    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    let cells: Vec<String> = workbook
        .sheet_names()
        .iter()
        .flat_map(|name| sheet(&bytes, name))
        .flatten()
        .collect();
    let has = |text: &str| cells.iter().any(|c| c.contains(text));
    assert!(
        has("New EHC plans issued within 20 weeks, excluding exceptions"),
        "{cells:?}"
    );
    assert!(has("40% for July to September 2019"), "baseline: {cells:?}");
    assert!(has("45.5% for October to December 2019"), "previous");
    assert!(has("48% for January to March 2020"), "latest");
    assert!(has("Off trajectory"));
    assert!(has("tolerance of 2.5%"), "the working is shown");
    assert!(
        has("Six-weekly review"),
        "the latest meeting on or before the day"
    );
    assert!(
        has("Tell us what an EHC plan is in plain words."),
        "you said, we did"
    );

    let earlier = evidence_report(
        ReportKind::Progress,
        ReportFormat::Xlsx,
        date!(2019 - 11 - 01),
    );
    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(&earlier)).unwrap();
    let cells: Vec<String> = workbook
        .sheet_names()
        .iter()
        .flat_map(|name| sheet(&earlier, name))
        .flatten()
        .collect();
    let has = |text: &str| cells.iter().any(|c| c.contains(text));
    assert!(
        has("Action on track in line with WSOA deadlines"),
        "{cells:?}"
    );
    assert!(has("Green / Green"), "the agreed progress measure");
    assert!(!has("Six-weekly review"));
    assert!(!has("45.5%"), "no actual was known on 1 November 2019");
}

#[test]
fn the_exception_report_as_pdf_names_the_kpis_off_trajectory() {
    let later = pdf_text(&evidence_report(
        ReportKind::Exceptions,
        ReportFormat::Pdf,
        date!(2020 - 04 - 30),
    ));
    assert!(later.contains("KPIs off trajectory"), "{later}");
    assert!(later.contains("Off trajectory"), "{later}");

    let earlier = pdf_text(&evidence_report(
        ReportKind::Exceptions,
        ReportFormat::Pdf,
        date!(2019 - 12 - 30),
    ));
    assert!(
        earlier.contains("No KPI is off trajectory on 30 December 2019"),
        "{earlier}"
    );
}

#[test]
fn the_public_summary_in_html_says_you_said_we_did_and_the_measures_without_names() {
    let html = String::from_utf8(evidence_report(
        ReportKind::Public,
        ReportFormat::Html,
        date!(2020 - 04 - 30),
    ))
    .unwrap();

    assert!(html.contains("You said, we did"), "{html}");
    assert!(html.contains("Tell us what an EHC plan is in plain words."));
    assert!(html.contains("We wrote a one-page guide with young people."));
    assert!(html.contains("Not possible: Two towns have no building we can use"));
    assert!(html.contains("48 in every 100"), "{html}");
    assert!(html.contains("up from 40 in every 100"));
    for name in ["Alex Brown", "Chris Dale", "Sam Patel"] {
        assert!(!html.contains(name), "{name} in the public summary");
    }

    let before = String::from_utf8(evidence_report(
        ReportKind::Public,
        ReportFormat::Html,
        date!(2019 - 12 - 30),
    ))
    .unwrap();
    assert!(
        !before.contains("Tell us what an EHC plan is"),
        "answered after the day"
    );
    assert!(!before.contains("in every 100"), "no actual known yet");
}
