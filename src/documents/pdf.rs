//! PDF documents: the text pdf-extract recovers, read by the text importer.
//!
//! A PDF keeps no tables, only characters placed on pages, so the layout of a plan table
//! is mostly lost: cells run together and rows break where the page put them. What can
//! be read is read; the report says plainly that the layout was lost and how much was
//! found, so the preview is checked before anything is stored. pdf-extract panics on
//! some files, so it runs behind `catch_unwind`, on a thread with a time limit.

use std::sync::mpsc;
use std::time::Duration;

use super::text::{import_flowed_text, split};
use super::{ImportOptions, ImportReport, Imported};
use crate::domain::{Error, Result};

/// How long text extraction may take before the import gives up.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Reads a plan from the text of a PDF.
pub(crate) fn import(bytes: &[u8], options: &ImportOptions) -> Result<Imported> {
    let text = extract(bytes)?;
    if text.trim().is_empty() {
        return Err(Error::invalid(
            "file",
            "the PDF has no text to read: it may be a scanned image; export the plan from Word or Excel instead",
        ));
    }
    let mut report = ImportReport::default();
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
