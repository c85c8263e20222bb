//! Bytes in, plans out, and back: the plan JSON format and the document importers.
//!
//! Every importer is a pure function over bytes that returns a plan and an import report
//! saying what was recognised, what was not, and where. Nothing here touches storage.

mod plan_json;
mod text;

use std::fmt;

use serde::Serialize;

use crate::domain::{Error, PlanTree, Result};

pub use plan_json::{read_plan_json, write_plan_json};
pub use text::import_text;
pub(crate) use text::{Line, Origin, import_lines};

/// Largest document accepted, so a mistaken upload cannot exhaust memory.
pub const MAX_DOCUMENT_BYTES: usize = 50 * 1024 * 1024;

/// The formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The product's own plan JSON.
    Json,
    /// Plain text or Markdown exported from a word processor.
    Text,
}

impl Format {
    /// Picks the format from a file name, then from the first bytes.
    pub fn detect(name: &str, bytes: &[u8]) -> Self {
        let extension = std::path::Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let is = |wanted: &str| extension.as_deref() == Some(wanted);
        if is("json") {
            return Self::Json;
        }
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
        match start.map(|i| bytes[i]) {
            Some(b'{') if !is("txt") && !is("md") => Self::Json,
            _ => Self::Text,
        }
    }

    /// Reads a `--format` value.
    pub fn from_name(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "text" | "txt" | "md" | "markdown" => Ok(Self::Text),
            other => Err(Error::invalid(
                "format",
                format!("{other:?} is not a format this version reads (json, text)"),
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Json => "json",
            Self::Text => "text",
        })
    }
}

/// Where in the source something was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// "line 214", "line 214, cell 3".
    pub location: String,
    /// What happened, or the text that was not used.
    pub message: String,
}

/// How many of each thing an import recognised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub areas: usize,
    pub objectives: usize,
    pub actions: usize,
    pub milestones: usize,
    pub people: usize,
    pub updates: usize,
}

impl Counts {
    /// Counts what a plan holds.
    pub fn of(plan: &PlanTree) -> Self {
        let mut counts = Self {
            areas: plan.areas.len(),
            people: plan.people.len(),
            ..Self::default()
        };
        for area in &plan.areas {
            counts.objectives += area.objectives.len();
            for action in area.objectives.iter().flat_map(|o| &o.actions) {
                counts.actions += 1;
                counts.milestones += action.milestones.len();
                counts.updates += action.updates.len();
            }
        }
        counts
    }
}

/// What an import recognised and what it could not place. Nothing is dropped silently:
/// text that fitted no field is either kept as a note on the nearest item or listed here.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// The format that was read.
    pub format: String,
    /// What was recognised.
    pub counts: Counts,
    /// Things the reader should check: unknown initials, dates not understood, duplicates.
    pub warnings: Vec<Finding>,
    /// Source text not mapped to any item of the plan.
    pub unmapped: Vec<Finding>,
}

impl ImportReport {
    /// Adds a warning at a location.
    pub fn warn(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Finding {
            location: location.into(),
            message: message.into(),
        });
    }

    /// Records text that was not used.
    pub fn unmapped(&mut self, location: impl Into<String>, text: impl Into<String>) {
        self.unmapped.push(Finding {
            location: location.into(),
            message: text.into(),
        });
    }

    /// A few lines for a terminal.
    pub fn summary(&self) -> String {
        let c = &self.counts;
        format!(
            "read as {}: {} areas, {} objectives, {} actions, {} milestones, {} people, {} updates; {} warnings, {} passages not mapped",
            self.format,
            c.areas,
            c.objectives,
            c.actions,
            c.milestones,
            c.people,
            c.updates,
            self.warnings.len(),
            self.unmapped.len()
        )
    }
}

/// A plan read from a document, with its report.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The plan as recognised.
    pub plan: PlanTree,
    /// What was recognised and what was not.
    pub report: ImportReport,
}

/// Reads a document in the given format.
pub fn import(format: Format, bytes: &[u8]) -> Result<Imported> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "is {} MB; the largest document accepted is {} MB",
                bytes.len() / (1024 * 1024),
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid("file", "is empty"));
    }
    match format {
        Format::Json => {
            let plan = read_plan_json(bytes)?;
            let report = ImportReport {
                format: format.to_string(),
                counts: Counts::of(&plan),
                ..ImportReport::default()
            };
            Ok(Imported { plan, report })
        }
        Format::Text => {
            let text = decode_text(bytes);
            let mut imported = import_text(&text)?;
            imported.report.format = format.to_string();
            imported.report.counts = Counts::of(&imported.plan);
            Ok(imported)
        }
    }
}

/// Text as UTF-8 (a BOM is dropped); bytes that are not UTF-8 are read as Windows-1252's
/// Latin-1 subset, so a file saved by an older Word never fails to open.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}
