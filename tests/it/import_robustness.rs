//! Bad files: every one gives a clear error or a report, in bounded time and memory, and
//! never a panic. The committed corpus is in `tests/fixtures/bad/`; the big files are
//! made here, at test time.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use wsoa::documents::{Format, Imported, import, import_named};
use wsoa::domain::Result;

use crate::helpers::repo_path;
use crate::import_formats::{docx, docx_from_text, paragraph, tracker_workbook};

/// Imports, checking the time taken; a panic fails the test by itself.
fn timed(name: &str, bytes: &[u8]) -> Result<Imported> {
    let started = Instant::now();
    let result = import_named(name, bytes, None);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{name} took {:?}",
        started.elapsed()
    );
    result
}

fn error_of(name: &str, bytes: &[u8]) -> String {
    match timed(name, bytes) {
        Ok(imported) => panic!("{name} was read: {}", imported.report.summary()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_file_of_the_bad_corpus_is_refused_in_words() {
    let expected = [
        ("blank.txt", "is empty"),
        ("broken-xml.docx", "word/document.xml, byte"),
        ("corrupt.docx", "is not a readable Word document"),
        ("empty.docx", "is empty"),
        ("garbage.xls", "is not a readable Excel 97-2003 workbook"),
        ("invalid-utf8.txt", "no plan table found"),
        ("no-document.docx", "has no word/document.xml"),
        ("no-table.docx", "no plan table found"),
        ("not-a-pdf.pdf", "PDF"),
        ("zip-bomb.docx", "would unpack to more than"),
    ];
    let folder = repo_path("tests/fixtures/bad");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, listed, "every bad file has an expected message");

    for (name, wanted) in expected {
        let bytes = std::fs::read(folder.join(name)).unwrap();

        let err = error_of(name, &bytes);

        assert!(err.starts_with("file: "), "{name}: {err}");
        assert!(err.contains(wanted), "{name}: {err}");
    }
}

#[test]
fn a_100_mb_file_is_refused_before_it_is_read() {
    let bytes = vec![b'a'; 100 * 1024 * 1024];

    let err = error_of("huge.txt", &bytes);

    assert_eq!(
        err,
        "file: is 100 MB; the largest document accepted is 50 MB"
    );
}

#[test]
fn an_archive_of_too_many_files_is_refused() {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for n in 0..6_000 {
        writer
            .start_file(format!("word/part{n}.xml"), stored)
            .unwrap();
    }
    writer.finish().unwrap();

    let err = error_of("many.docx", &out.into_inner());

    assert!(err.contains("holds 6000 files"), "{err}");
}

#[test]
fn a_truncated_workbook_is_refused_in_words() {
    let whole = tracker_workbook();

    let err = error_of("cut.xlsx", &whole[..whole.len() / 2]);

    assert!(err.contains("is not a readable Excel workbook"), "{err}");
}

/// A workbook of one sheet with a header row and `rows` numbered action rows.
fn long_workbook(rows: usize) -> Vec<u8> {
    let mut sheet = String::with_capacity(rows * 120);
    sheet.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Ref</t></is></c><c r="B1" t="inlineStr"><is><t>Action</t></is></c><c r="C1" t="inlineStr"><is><t>Deadline</t></is></c></row>"#);
    for n in 2..rows + 2 {
        write!(
            sheet,
            r#"<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="inlineStr"><is><t>Do it</t></is></c><c r="C{n}"><v>43921</v></c></row>"#
        )
        .unwrap();
    }
    sheet.push_str("</sheetData></worksheet>");
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tracker" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, body) in parts {
        writer.start_file(name, stored).unwrap();
        writer.write_all(body.as_bytes()).unwrap();
    }
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    writer
        .start_file("xl/worksheets/sheet1.xml", deflated)
        .unwrap();
    writer.write_all(sheet.as_bytes()).unwrap();
    writer.finish().unwrap();
    out.into_inner()
}

#[test]
fn a_sheet_of_a_million_rows_is_read_up_to_the_row_limit_with_a_report_entry() {
    let bytes = long_workbook(1_000_000);
    assert!(bytes.len() < wsoa::documents::MAX_DOCUMENT_BYTES);

    let imported = timed("long.xlsx", &bytes).unwrap();

    let report = &imported.report;
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.message.contains("only the first 20000 were read")),
        "{:?}",
        &report.warnings[..3.min(report.warnings.len())]
    );
    assert!(
        (wsoa::documents::MAX_LINES - 10..wsoa::documents::MAX_LINES)
            .contains(&report.counts.actions),
        "{} actions",
        report.counts.actions
    );
    let first = imported.plan.actions().next().unwrap().2;
    assert_eq!(
        first.due.map(|d| d.to_string()).as_deref(),
        Some("2020-03-31")
    );
}

/// The tracker reader holds whole sheets in memory, so a workbook that would unpack past
/// its bound goes to the general reader, which streams rows under the row limit, even
/// when it is a tracker WSOA Tracker wrote.
#[test]
fn a_tracker_workbook_too_big_to_hold_is_streamed_by_the_general_reader() {
    use wsoa::domain::{ReportFormat, ReportKind, ReportOptions, build_report};
    let plan = crate::helpers::small_plan();
    let model = build_report(
        &plan,
        ReportKind::Tracker,
        ReportOptions::as_at(time::macros::date!(2020 - 02 - 03)),
    )
    .unwrap();
    let tracker = wsoa::documents::export_report(&model, ReportFormat::Xlsx).unwrap();
    assert_eq!(
        timed("tracker.xlsx", &tracker).unwrap().plan,
        plan,
        "read exactly"
    );

    let mut source = zip::ZipArchive::new(std::io::Cursor::new(&tracker)).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    for i in 0..source.len() {
        writer.raw_copy_file(source.by_index(i).unwrap()).unwrap();
    }
    writer
        .start_file(
            "xl/media/padding.bin",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer.write_all(&vec![0; 40 * 1024 * 1024]).unwrap();
    writer.finish().unwrap();
    let padded = out.into_inner();
    assert!(padded.len() < 1024 * 1024, "deflated to almost nothing");

    let imported = timed("tracker.xlsx", &padded).unwrap();

    assert_eq!(imported.report.format, "xlsx");
    assert!(imported.report.counts.actions > 0);
    assert_ne!(imported.plan, plan, "not the tracker reader's exact copy");
}

#[test]
fn a_word_document_with_no_recognisable_table_says_what_was_looked_for() {
    let body: String = (0..5)
        .map(|n| paragraph(&format!("Paragraph {n} of the minutes."), false))
        .collect();

    let err = error_of("minutes.docx", &docx(&body));

    assert!(err.contains("no plan table found"), "{err}");
    assert!(err.contains("in a table"), "{err}");
}

/// A small valid plan in each zip format, to mutate.
fn valid_documents() -> Vec<(&'static str, Vec<u8>)> {
    let text = "Objective\tAction\tLead\tDeadline\n1. Aim\t1.1 Do it\tJB\tMay 2020\n\t1.2 Do more\tAO\tJune 2020\n";
    vec![
        ("plan.docx", docx_from_text(text)),
        ("plan.xlsx", tracker_workbook()),
        ("plan.txt", text.as_bytes().to_vec()),
        (
            "plan.csv",
            b"Ref,Action,Lead,Deadline\n1.1,Do it,JB,May 2020\n".to_vec(),
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_in_any_format(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for format in Format::ALL {
            let _ = import(format, &bytes);
        }
    }

    #[test]
    fn random_text_never_panics(text in "[\\t\\n|a-zA-Z0-9 .:;,()<>/&-]{0,600}") {
        for format in [Format::Text, Format::Csv] {
            if let Ok(imported) = import(format, text.as_bytes()) {
                prop_assert!(imported.plan.validate().is_ok());
            }
        }
    }

    #[test]
    fn mutated_valid_documents_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let documents = valid_documents();
        let (name, mut bytes) = documents[which].clone();
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let _ = import_named(name, &bytes, None);
    }
}
