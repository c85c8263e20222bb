//! PDF documents: tables rebuilt from where their characters sit, else the flowed text.
//!
//! A PDF keeps no tables, only characters placed on pages. [`glyphs`] collects every
//! character with its position through pdf-extract's output device, [`layout`] groups
//! them into words and visual lines, and [`grid`] rebuilds tables (columns from the
//! gutters between them, rows from how cells fill) and paragraphs, which the importer
//! reads as it reads Word's. When no table can be rebuilt, the text pdf-extract runs
//! together is read as flowed text, as before. The report says which was done, so the
//! preview is checked before anything is stored. pdf-extract panics on some files, so it
//! runs behind `catch_unwind`, on a thread with a time limit.

mod glyphs;
mod grid;
mod layout;

use std::sync::mpsc;
use std::time::Duration;

use super::text::{import_flowed_text, import_lines, split};
use super::{ImportOptions, ImportReport, Imported};
use crate::domain::{Error, Result};
use glyphs::{Collector, Glyph};

/// How long text extraction may take before the import gives up.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Reads a plan from a PDF: from its tables rebuilt from where the words sit when any
/// are found, else from its text as flowed words.
pub(crate) fn import(bytes: &[u8], options: &ImportOptions) -> Result<Imported> {
    let (glyphs, truncated) = positioned(bytes)?;
    if glyphs.iter().all(|g| g.text.trim().is_empty()) {
        return Err(no_text());
    }
    let visual = grid::without_furniture(layout::lines(glyphs));
    let rebuilt = grid::rebuild(&visual);
    let mut report = ImportReport::default();
    if truncated {
        report.warn(
            "file",
            format!(
                "the PDF has more than {} characters; only the first were read",
                glyphs::MAX_GLYPHS
            ),
        );
    }
    if rebuilt.tables > 0 {
        let mut positioned_report = report.clone();
        positioned_report.warn(
            "file",
            format!(
                "read from a PDF: {} {} ({} rows) rebuilt from where the words sit on the \
                 page; a PDF keeps no tables, so check the preview's columns and rows, and \
                 import the Word or Excel original if you have it",
                rebuilt.tables,
                if rebuilt.tables == 1 {
                    "table was"
                } else {
                    "tables were"
                },
                rebuilt.rows,
            ),
        );
        match import_lines(&rebuilt.lines, positioned_report, options) {
            Err(Error::Invalid { message, .. }) if message.starts_with("no plan table found") => {}
            other => return other,
        }
    }
    flowed(bytes, report, options)
}

/// Reads a plan from the PDF's text as pdf-extract runs it together, for PDFs where no
/// table could be rebuilt from positions.
fn flowed(bytes: &[u8], mut report: ImportReport, options: &ImportOptions) -> Result<Imported> {
    let text = extract(bytes)?;
    if text.trim().is_empty() {
        return Err(no_text());
    }
    report.warn(
        "file",
        "read from a PDF: the table layout was lost in the PDF, so columns were guessed from \
         the text; check every action in the preview, and import the Word or Excel original \
         if you have it",
    );
    let lines = split(&text);
    let mut imported = import_flowed_text(&text, report, options).map_err(|e| match e {
        Error::Invalid { message, .. } => Error::invalid(
            "file",
            format!("{message}. The PDF's text was read, but no plan table could be rebuilt from it: the layout of tables is lost in a PDF"),
        ),
        other => other,
    })?;
    let lines_read = lines.iter().filter(|l| !l.is_blank()).count();
    let unmapped = imported.report.unmapped.len();
    imported.report.warn(
        "file",
        format!("{unmapped} of the {lines_read} lines of text from the PDF were not mapped to the plan; they are listed below"),
    );
    Ok(imported)
}

fn no_text() -> Error {
    Error::invalid(
        "file",
        "the PDF has no text to read: it may be a scanned image; export the plan from Word or Excel instead",
    )
}

/// The PDF's text, or a clear error when the PDF cannot be read in time.
fn extract(bytes: &[u8]) -> Result<String> {
    let owned = bytes.to_vec();
    let (send, receive) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pdf-extract".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&owned));
            // The receiver may have given up waiting; nothing is left to tell.
            let _ = send.send(result);
        });
    if spawned.is_err() {
        return Err(Error::Internal(anyhow::anyhow!(
            "cannot start the PDF reader thread"
        )));
    }
    match receive.recv_timeout(TIME_LIMIT) {
        Ok(Ok(Ok(text))) => Ok(text),
        Ok(Ok(Err(e))) => Err(Error::invalid(
            "file",
            format!("is not a readable PDF ({e})"),
        )),
        Ok(Err(_)) => Err(Error::invalid(
            "file",
            "is a PDF whose text could not be extracted (the PDF reader failed on it)",
        )),
        Err(_) => Err(Error::invalid(
            "file",
            format!(
                "is a PDF whose text could not be extracted within {} seconds",
                TIME_LIMIT.as_secs()
            ),
        )),
    }
}

/// Every character of the PDF with its position, or a clear error when the PDF cannot
/// be read in time.
fn positioned(bytes: &[u8]) -> Result<(Vec<Glyph>, bool)> {
    let owned = bytes.to_vec();
    let (send, receive) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("pdf-extract".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| {
                let mut doc = pdf_extract::Document::load_mem(&owned)?;
                if doc.is_encrypted() {
                    // Many PDFs are encrypted with an empty password only to set permissions.
                    doc.decrypt("")?;
                }
                let mut collector = Collector::default();
                pdf_extract::output_doc(&doc, &mut collector)?;
                Ok::<_, pdf_extract::OutputError>((collector.glyphs, collector.truncated))
            });
            // The receiver may have given up waiting; nothing is left to tell.
            let _ = send.send(result);
        });
    if spawned.is_err() {
        return Err(Error::Internal(anyhow::anyhow!(
            "cannot start the PDF reader thread"
        )));
    }
    match receive.recv_timeout(TIME_LIMIT) {
        Ok(Ok(Ok(found))) => Ok(found),
        Ok(Ok(Err(e))) => Err(Error::invalid(
            "file",
            format!("is not a readable PDF ({e})"),
        )),
        Ok(Err(_)) => Err(Error::invalid(
            "file",
            "is a PDF whose text could not be extracted (the PDF reader failed on it)",
        )),
        Err(_) => Err(Error::invalid(
            "file",
            format!(
                "is a PDF whose text could not be extracted within {} seconds",
                TIME_LIMIT.as_secs()
            ),
        )),
    }
}
