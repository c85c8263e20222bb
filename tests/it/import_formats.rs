//! The Word, Excel, CSV and PDF readers: documents built in the test from known content,
//! the committed fixtures in `tests/fixtures/import/`, and the 000 plan converted to a
//! Word document, which must give the same plan as its text export.

use std::io::Write as _;

use serde_json::Value;
use wsoa::documents::{Format, ImportReport, import, import_named, write_plan_json};
use wsoa::domain::PlanTree;

use crate::helpers::repo_path;

fn fixture(path: &str) -> Vec<u8> {
    let full = repo_path(&format!("tests/fixtures/{path}"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Text made safe for XML.
fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Word document around a `w:body`.
pub fn docx(body: &str) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("[Content_Types].xml", options).unwrap();
    writer
        .write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#)
        .unwrap();
    writer.start_file("_rels/.rels", options).unwrap();
    writer
        .write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#)
        .unwrap();
    writer.start_file("word/document.xml", options).unwrap();
    write!(
        writer,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
    .unwrap();
    writer.finish().unwrap();
    out.into_inner()
}

/// A paragraph; `list` makes it a bulleted list item.
pub fn paragraph(text: &str, list: bool) -> String {
    let properties = if list {
        r#"<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>"#
    } else {
        ""
    };
    if text.is_empty() {
        return format!("<w:p>{properties}</w:p>");
    }
    format!(
        r#"<w:p>{properties}<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        xml_text(text)
    )
}

/// A cell of a text export (with its HTML fragments) as Word paragraphs: `<p>` pieces
/// as paragraphs, what sits inside `<ul>` as list paragraphs.
fn cell_paragraphs(raw: &str) -> String {
    let tag = regex::Regex::new(r"(?i)<(/?)(p|ul|ol|li|br)\b[^>]*>").unwrap();
    let mut out = String::new();
    let mut depth = 0usize;
    let mut start = 0;
    let push = |piece: &str, list: bool, out: &mut String| {
        let text = piece.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push_str(&paragraph(&text, list));
        }
    };
    for caps in tag.captures_iter(raw) {
        let whole = caps.get(0).unwrap();
        push(&raw[start..whole.start()], depth > 0, &mut out);
        start = whole.end();
        let name = caps[2].to_ascii_lowercase();
        if name == "ul" || name == "ol" {
            if caps[1].is_empty() {
                depth += 1;
            } else {
                depth = depth.saturating_sub(1);
            }
        }
    }
    push(&raw[start..], depth > 0, &mut out);
    if out.is_empty() {
        out.push_str("<w:p/>");
    }
    out
}

/// A text export as a Word document with the same content: each run of tab-separated
/// lines a table (a blank line ends it, as a page break would), every other line a
/// paragraph.
pub fn docx_from_text(text: &str) -> Vec<u8> {
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.contains('\t') {
            if !in_table {
                body.push_str("<w:tbl>");
                in_table = true;
            }
            body.push_str("<w:tr>");
            for cell in line.split('\t') {
                body.push_str("<w:tc>");
                body.push_str(&cell_paragraphs(cell.trim()));
                body.push_str("</w:tc>");
            }
            body.push_str("</w:tr>");
        } else {
            if in_table {
                body.push_str("</w:tbl>");
                in_table = false;
            }
            body.push_str(&paragraph(line.trim(), false));
        }
    }
    if in_table {
        body.push_str("</w:tbl>");
    }
    docx(&body)
}

/// The plan as JSON, without what depends on how list items were marked: success
/// measures, impact statements and notes (which name their source locations).
fn comparable(plan: &PlanTree) -> Value {
    let mut json: Value = serde_json::from_slice(&write_plan_json(plan).unwrap()).unwrap();
    for area in json["areas"].as_array_mut().unwrap() {
        for objective in area["objectives"].as_array_mut().unwrap() {
            objective["impact_statements"] = Value::Null;
            objective["success_measures"] = Value::Null;
            for action in objective["actions"].as_array_mut().unwrap() {
                action["success_measures"] = Value::Null;
                action["notes"] = Value::Null;
            }
        }
    }
    json
}

#[test]
fn the_000_plan_reads_the_same_from_a_word_document_as_from_its_text_export() {
    let text = fixture("seeds/000_d9b72d94429252eb.txt");
    let from_text = import(Format::Text, &text).unwrap();
    let word = docx_from_text(&String::from_utf8(text).unwrap());

    let from_word = import_named("plan.docx", &word, None).unwrap();

    assert_eq!(from_word.report.format, "docx");
    assert_eq!(from_word.report.counts, from_text.report.counts);
    assert_eq!(comparable(&from_word.plan), comparable(&from_text.plan));
    // The voice pass reads lines too, so families' quotes come from Word as from text.
    assert!(!from_text.plan.voice.is_empty());
    assert_eq!(from_word.plan.voice, from_text.plan.voice);
    let gold: Value = serde_json::from_slice(&fixture("gold/000.json")).unwrap();
    let gold_measures: Vec<u64> = gold["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["objectives"].as_array().unwrap())
        .flat_map(|o| o["actions"].as_array().unwrap())
        .map(|a| a["measures_count"].as_u64().unwrap())
        .collect();
    let ours: Vec<u64> = from_word
        .plan
        .actions()
        .map(|(_, _, a)| a.success_measures.len() as u64)
        .collect();
    let matching = ours
        .iter()
        .zip(&gold_measures)
        .filter(|(a, b)| a == b)
        .count();
    assert!(
        matching * 100 >= gold_measures.len() * 85,
        "success measure counts: {matching} of {} match the gold",
        gold_measures.len()
    );
    assert_no_unmapped_table_cells(&from_word.report);
}

/// Table rows either became plan items or were listed; the listed ones say where.
fn assert_no_unmapped_table_cells(report: &ImportReport) {
    for passage in &report.unmapped {
        assert!(!passage.location.is_empty(), "{passage:?}");
    }
}

/// A tracker workbook as areas keep them: a priorities sheet, a tracker sheet with a
/// title block above its header row and real date cells, and a key sheet with the
/// rating key and the owner list.
#[expect(
    clippy::too_many_lines,
    reason = "one workbook written sheet by sheet, cell by cell"
)]
pub fn tracker_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

    let mut book = Workbook::new();
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let bold = CellFormat::new().set_bold();

    let priorities = book.add_worksheet();
    priorities.set_name("Priorities").unwrap();
    priorities
        .write_string_with_format(0, 0, "Priority", &bold)
        .unwrap();
    priorities
        .write_string_with_format(0, 1, "Area of weakness", &bold)
        .unwrap();
    priorities.write_number(1, 0, 1).unwrap();
    priorities
        .write_string(
            1,
            1,
            "Leaders do not understand the needs of children and young people with SEND.",
        )
        .unwrap();
    priorities.write_number(2, 0, 2).unwrap();
    priorities
        .write_string(
            2,
            1,
            "Too few families are involved in co-producing services.",
        )
        .unwrap();

    let tracker = book.add_worksheet();
    tracker.set_name("Tracker").unwrap();
    tracker
        .merge_range(
            0,
            0,
            0,
            6,
            "Northshire SEND Written Statement of Action: action tracker",
            &bold,
        )
        .unwrap();
    tracker.write_string(1, 0, "Updated March 2020").unwrap();
    let header = [
        "Ref",
        "Objective",
        "What are we doing?",
        "Who's doing it?",
        "By when?",
        "Status",
        "How will we know we have achieved it?",
    ];
    for (col, label) in (0u16..).zip(header) {
        tracker
            .write_string_with_format(3, col, label, &bold)
            .unwrap();
    }
    let rows: [(&str, &str, &str, &str, &str, &str); 4] = [
        (
            "1.1",
            "1. Needs are understood",
            "Refresh the joint strategic needs assessment",
            "JB",
            "",
            "On track",
        ),
        (
            "1.2",
            "",
            "Publish the needs assessment & share it with schools",
            "JB, AO",
            "Sept 2020",
            "Complete",
        ),
        (
            "2.1",
            "2. Families shape services",
            "Set up a parent carer forum steering group",
            "ZZ",
            "44104",
            "Delayed",
        ),
        (
            "2.2",
            "",
            "Run listening events\nWrite up what families said",
            "AO",
            "Ongoing from May 2020",
            "Not started",
        ),
    ];
    for (row, (reference, objective, action, owner, due, status)) in (4u32..).zip(rows) {
        tracker.write_string(row, 0, reference).unwrap();
        if !objective.is_empty() {
            tracker.write_string(row, 1, objective).unwrap();
        }
        tracker.write_string(row, 2, action).unwrap();
        tracker.write_string(row, 3, owner).unwrap();
        match due {
            "" => {
                let day = ExcelDateTime::from_ymd(2020, 6, 30).unwrap();
                tracker
                    .write_datetime_with_format(row, 4, &day, &date)
                    .unwrap();
            }
            serial if serial.parse::<f64>().is_ok() => {
                tracker
                    .write_number(row, 4, serial.parse::<f64>().unwrap())
                    .unwrap();
            }
            text => {
                tracker.write_string(row, 4, text).unwrap();
            }
        }
        tracker.write_string(row, 5, status).unwrap();
        tracker
            .write_string(row, 6, "Families say they were heard. Waiting times fall.")
            .unwrap();
    }
    tracker
        .write_string(9, 0, "Notes: reviewed monthly by the SEND board")
        .unwrap();

    let key = book.add_worksheet();
    key.set_name("Key").unwrap();
    for (row, (colour, meaning)) in (0u32..).zip([
        ("Blue", "Complete"),
        ("Green", "On track"),
        ("Amber", "Delayed, recoverable"),
        ("Red", "At risk or not started"),
    ]) {
        key.write_string(row, 0, colour).unwrap();
        key.write_string(row, 1, meaning).unwrap();
    }
    for (row, cells) in (6u32..).zip([
        ["Initials", "Name", "Role"],
        ["JB", "Jo Bloggs", "Head of SEN (Council)"],
        ["AO", "Ann Other", "Designated Clinical Officer (ICB)"],
    ]) {
        for (col, text) in (0u16..).zip(cells) {
            key.write_string(row, col, text).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn due(action: &wsoa::domain::Action) -> Option<String> {
    action.due.map(|d| d.to_string())
}

#[test]
fn a_tracker_workbook_reads_its_priorities_tracker_and_key_sheets() {
    let imported = import_named("tracker.xlsx", &tracker_workbook(), None).unwrap();
    let (plan, report) = (&imported.plan, &imported.report);

    assert_eq!(report.format, "xlsx");
    assert_eq!(plan.local_area, "Northshire");
    assert_eq!(plan.areas.len(), 2, "areas from the priorities sheet");
    assert_eq!(
        plan.areas[1].title,
        "Too few families are involved in co-producing services."
    );
    let actions: Vec<&wsoa::domain::Action> = plan.actions().map(|(_, _, a)| a).collect();
    let refs: Vec<&str> = actions
        .iter()
        .filter_map(|a| a.reference.as_deref())
        .collect();
    assert_eq!(refs, ["1.1", "1.2", "2.1", "2.2"]);
    assert_eq!(plan.areas[0].objectives[0].text, "Needs are understood");
    assert_eq!(
        actions[1].text,
        "Publish the needs assessment & share it with schools"
    );
    assert_eq!(
        due(actions[0]).as_deref(),
        Some("2020-06-30"),
        "a date cell"
    );
    assert_eq!(
        due(actions[1]).as_deref(),
        Some("2020-09"),
        "a month as text"
    );
    assert_eq!(
        due(actions[2]).as_deref(),
        Some("2020-09-30"),
        "a serial number"
    );
    assert_eq!(due(actions[3]).as_deref(), Some("2020-05"));
    assert_eq!(
        actions[3].due_text.as_deref(),
        Some("Ongoing from May 2020")
    );
    let ratings: Vec<Option<&str>> = actions
        .iter()
        .map(|a| a.ratings.get("delivery").map(String::as_str))
        .collect();
    assert_eq!(ratings, [Some("G"), Some("B"), Some("A"), Some("R")]);
    assert_eq!(plan.rating_scheme.name, "Key");
    assert_eq!(actions[1].owners, ["JB", "AO"]);
    assert_eq!(
        plan.person("AO").map(|p| p.name.as_str()),
        Some("Ann Other")
    );
    assert_eq!(actions[0].success_measures.len(), 2);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("\"ZZ\"") && w.location == "Tracker!D7"),
        "{:?}",
        report.warnings
    );
    assert!(
        report.unmapped.iter().any(
            |u| u.location == "sheet Tracker, row 10" && u.message.contains("reviewed monthly")
        ),
        "{:?}",
        report.unmapped
    );
}

#[test]
fn every_committed_fixture_imports_with_dry_run_json_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let folder = repo_path("tests/fixtures/import");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "holmford-tracker.pdf",
            "interleaved.txt",
            "plan.docx",
            "plan.pdf",
            "thornbury-moor-wsoa.pdf",
            "tracker.csv",
            "tracker.ods",
            "tracker.xls",
            "tracker.xlsx"
        ]
    );

    for name in &names {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_wsoa"))
            .args(["import", "--dry-run", "--json"])
            .arg(folder.join(name))
            .current_dir(dir.path())
            .env_remove("WSOA_DATABASE_URL")
            .env("WSOA_LOG", "off")
            .output()
            .unwrap();

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{name}: {stderr}");
        let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
        let actions: usize = plan["areas"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["objectives"].as_array().unwrap())
            .map(|o| o["actions"].as_array().unwrap().len())
            .sum();
        assert!(actions >= 4, "{name}: {actions} actions");
        let extension = match name.rsplit('.').next().unwrap() {
            "txt" => "text",
            other => other,
        };
        assert!(
            stderr.contains(&format!("read as {extension}")),
            "{name}: {stderr}"
        );
        assert!(stderr.contains("dry run: nothing stored"), "{name}");
    }
    assert!(!dir.path().join("wsoa.db").exists());
}

#[test]
fn the_word_fixture_joins_a_split_table_and_keeps_merged_and_list_cells() {
    let imported = import_named("plan.docx", &fixture("import/plan.docx"), None).unwrap();
    let plan = &imported.plan;

    let actions: Vec<&wsoa::domain::Action> = plan.actions().map(|(_, _, a)| a).collect();
    assert_eq!(plan.local_area, "Northshire");
    assert_eq!(plan.people.len(), 2);
    assert_eq!(plan.rating_scheme.name, "RAG Rating Key");
    assert_eq!(actions.len(), 6);
    assert_eq!(
        actions[0].text,
        "Refresh the joint strategic needs assessment with parents and carers with schools"
    );
    assert_eq!(
        actions[3].text, "Relaunch the local offer website and test it with young people",
        "a row cut by the table split is joined"
    );
    assert_eq!(due(actions[3]).as_deref(), Some("2021-03-31"));
    assert_eq!(
        actions[5].reference, None,
        "a merged ref cell leaves no ref"
    );
    assert_eq!(
        plan.areas[0].title,
        "Leaders do not understand the needs of children and young people with SEND & their families."
    );
    assert_eq!(imported.report.unmapped.len(), 1);
    assert_eq!(imported.report.unmapped[0].location, "paragraph 12");
}

#[test]
fn a_semicolon_csv_in_windows_1252_reads_its_area_column() {
    let imported = import_named("tracker.csv", &fixture("import/tracker.csv"), None).unwrap();
    let plan = &imported.plan;

    assert_eq!(imported.report.format, "csv");
    assert_eq!(plan.areas.len(), 2, "areas from the area column");
    let actions: Vec<&wsoa::domain::Action> = plan.actions().map(|(_, _, a)| a).collect();
    assert_eq!(
        actions[0].text,
        "Refresh the joint strategic needs assessment – with families"
    );
    assert_eq!(
        actions[3].text,
        "Run listening events “You said, we did” report"
    );
    assert_eq!(due(actions[0]).as_deref(), Some("2020-06-30"));
    assert_eq!(due(actions[2]).as_deref(), Some("2020-09-30"));
    assert_eq!(plan.areas[1].objectives[0].actions.len(), 2);
}

#[test]
fn the_pdf_fixture_is_read_as_a_draft_and_says_so() {
    let imported = import_named("plan.pdf", &fixture("import/plan.pdf"), None).unwrap();

    assert_eq!(imported.report.format, "pdf");
    assert!(
        imported
            .report
            .warnings
            .iter()
            .any(|w| w.message.contains("rebuilt from where the words sit"))
    );
    let refs: Vec<Option<&str>> = imported
        .plan
        .actions()
        .map(|(_, _, a)| a.reference.as_deref())
        .take(4)
        .collect();
    assert_eq!(refs, [Some("1.1"), Some("1.2"), Some("1.3"), Some("2.1")]);
}
