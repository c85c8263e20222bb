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
