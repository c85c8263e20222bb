//! Plain-text and Markdown exports of plans: tab-separated or pipe tables, headings.

use super::{ImportReport, Imported};
use crate::domain::{Error, PlanTree, Result};

/// Reads a plan from the text of a document.
pub fn import_text(text: &str) -> Result<Imported> {
    let _ = text;
    let _ = PlanTree::new("", "");
    let _ = ImportReport::default();
    Err(Error::invalid(
        "file",
        "the text importer is not written yet",
    ))
}
