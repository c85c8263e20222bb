//! Bytes in, plans out, and back: the plan JSON format, the document importers and the
//! report exporters.
//!
//! Every importer is a pure function over bytes that returns a plan and an import report
//! saying what was recognised, what was not, and where. Every exporter is a pure function
//! from a report's read model to bytes. Nothing here touches storage.

mod archive;
mod comparison;
mod csv;
mod docx;
mod kpi_csv;
pub mod mapping;
mod pdf;
mod plan_json;
pub mod reports;
mod sheet;
mod text;
pub mod tracker_xlsx;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{Error, PlanTree, Result};

pub use comparison::{comparison_csv, comparison_xlsx};
pub use kpi_csv::read_kpi_actuals;
pub use mapping::{
    ColumnChoices, ColumnPick, ColumnRead, ColumnRole, ImportOptions, TableColumns,
    layout_signature,
};
pub use plan_json::{read_plan_json, write_plan_json};
pub use reports::defused;
pub use reports::export_report;
pub use text::import_text;
pub use tracker_xlsx::{is_tracker_xlsx, read_tracker_xlsx, write_tracker_xlsx};

/// Largest document accepted, so a mistaken upload cannot exhaust memory.
pub const MAX_DOCUMENT_BYTES: usize = 50 * 1024 * 1024;

/// Most lines (paragraphs, table rows, spreadsheet rows) read from one document: ten
/// times the longest real plan, and a bound on the time an import takes.
pub const MAX_LINES: usize = 20_000;

/// The formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The product's own plan JSON.
    Json,
    /// Plain text or Markdown exported from a word processor.
    Text,
    /// A Word document (`.docx`).
    Docx,
    /// An Excel workbook (`.xlsx`, `.xlsm`); the tracker WSOA Tracker exports is read
    /// back by `tracker_xlsx`, any other workbook by the general spreadsheet reader.
    Xlsx,
    /// An Excel 97-2003 workbook (`.xls`).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Comma- or semicolon-separated values.
    Csv,
    /// A PDF: its text, read as a text export.
    Pdf,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [Self; 8] = [
        Self::Json,
        Self::Text,
        Self::Docx,
        Self::Xlsx,
        Self::Xls,
        Self::Ods,
        Self::Csv,
        Self::Pdf,
    ];

    /// Picks the format from the first bytes, then from the file name, then from the text.
    /// The content wins over the name: a PDF renamed `.docx` is still a PDF.
    pub fn detect(name: &str, bytes: &[u8]) -> Self {
        let extension = std::path::Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if bytes.starts_with(b"%PDF-") {
            return Self::Pdf;
        }
        if archive::is_zip(bytes) {
            return zip_format(bytes, &extension);
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // The old binary Office container: a workbook (a .doc is refused by the
            // reader with advice).
            return Self::Xls;
        }
        match extension.as_str() {
            "json" => return Self::Json,
            "csv" => return Self::Csv,
            "pdf" => return Self::Pdf,
            "docx" | "docm" | "dotx" => return Self::Docx,
            "xlsx" | "xlsm" => return Self::Xlsx,
            "xls" => return Self::Xls,
            "ods" => return Self::Ods,
            _ => {}
        }
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
        match start.map(|i| bytes[i]) {
            Some(b'{') if !matches!(extension.as_str(), "txt" | "md") => Self::Json,
            _ => Self::Text,
        }
    }

    /// Reads a `--format` value.
    pub fn from_name(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "text" | "txt" | "md" | "markdown" => Ok(Self::Text),
            "docx" | "word" => Ok(Self::Docx),
            "xlsx" | "xlsm" | "excel" => Ok(Self::Xlsx),
            "xls" => Ok(Self::Xls),
            "ods" => Ok(Self::Ods),
            "csv" => Ok(Self::Csv),
            "pdf" => Ok(Self::Pdf),
            other => Err(Error::invalid(
                "format",
                format!(
                    "{other:?} is not a format this version reads (json, text, markdown, docx, xlsx, xls, ods, csv, pdf)"
                ),
            )),
        }
    }

    /// What people call the format, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Json => "plan JSON",
            Self::Text => "text",
            Self::Docx => "Word document",
            Self::Xlsx => "Excel workbook",
            Self::Xls => "Excel 97-2003 workbook",
            Self::Ods => "OpenDocument spreadsheet",
            Self::Csv => "CSV",
            Self::Pdf => "PDF",
        }
    }
}

/// Which office format a zip archive holds, by the parts it contains.
fn zip_format(bytes: &[u8], extension: &str) -> Format {
    let Ok(zip) = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        // Damaged: trust the name, so the reader names the right format in its error.
        return match extension {
            "xlsx" | "xlsm" => Format::Xlsx,
            "ods" => Format::Ods,
            _ => Format::Docx,
        };
    };
    let has = |name: &str| zip.index_for_name(name).is_some();
    if has("word/document.xml") {
        Format::Docx
    } else if has("xl/workbook.xml") || has("xl/workbook.bin") {
        Format::Xlsx
    } else if has("content.xml") && extension != "odt" {
        Format::Ods
    } else {
        match extension {
            "xlsx" | "xlsm" => Format::Xlsx,
            "ods" => Format::Ods,
            _ => Format::Docx,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Json => "json",
            Self::Text => "text",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Xls => "xls",
            Self::Ods => "ods",
            Self::Csv => "csv",
            Self::Pdf => "pdf",
        })
    }
}

/// Where in the source something was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// "line 214", "line 214, cell 3".
    pub location: String,
    /// What happened, or the text that was not used.
    pub message: String,
}

/// How many of each thing an import recognised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// The format that was read.
    pub format: String,
    /// What was recognised.
    pub counts: Counts,
    /// Things the reader should check: unknown initials, dates not understood, duplicates.
    pub warnings: Vec<Finding>,
    /// Source text not mapped to any item of the plan.
    pub unmapped: Vec<Finding>,
    /// Each table or sheet read as plan rows, with the role given to each column: what
    /// the preview shows so a person can correct it.
    #[serde(default)]
    pub tables: Vec<TableColumns>,
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
///
/// Every failure is an [`Error::Invalid`] on the field `file` that says what is wrong
/// and, where it can, where ("sheet Tracker, cell C12", "word/document.xml, byte 812").
/// Readers never panic on bad input; a panic in a third-party reader is caught and
/// reported as an unreadable file.
pub fn import(format: Format, bytes: &[u8]) -> Result<Imported> {
    import_with(format, bytes, &ImportOptions::default())
}

/// Reads a document in the given format, with the column roles a person chose.
pub fn import_with(format: Format, bytes: &[u8], options: &ImportOptions) -> Result<Imported> {
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
    if let Some(what) = not_a_document(bytes) {
        return Err(Error::invalid(
            "document",
            format!(
                "This is {what}, not a plan. Upload the plan as a Word, Excel, CSV, PDF or text file."
            ),
        ));
    }
    let mut imported = match format {
        Format::Json => {
            let plan = read_plan_json(bytes)?;
            Imported {
                plan,
                report: ImportReport::default(),
            }
        }
        // Read as flowed text, so a table dumped by a converter is still found when no
        // table survived in it.
        Format::Text => {
            text::import_flowed_text(&decode_text(bytes), ImportReport::default(), options)?
        }
        Format::Pdf => pdf::import(bytes, options)?,
        Format::Xlsx => match read_own_tracker(bytes)? {
            Some(imported) => imported,
            None => import_lines(format, bytes, options)?,
        },
        Format::Docx | Format::Xls | Format::Ods | Format::Csv => {
            import_lines(format, bytes, options)?
        }
    };
    imported.report.format = format.to_string();
    imported.report.counts = Counts::of(&imported.plan);
    Ok(imported)
}

/// The error for a reader that panicked.
fn reader_failed(format: Format) -> Error {
    Error::invalid(
        "file",
        format!(
            "is not a readable {}: the reader failed on it",
            format.label()
        ),
    )
}

/// Reads a document as lines of cells, then maps them with the text importer's passes.
fn import_lines(format: Format, bytes: &[u8], options: &ImportOptions) -> Result<Imported> {
    let mut report = ImportReport::default();
    let mut options = options.clone();
    if matches!(format, Format::Docx | Format::Xlsx | Format::Ods)
        && options.document_title.is_none()
    {
        options.document_title = document_title(bytes);
    }
    let options = &options;
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        Format::Docx => docx::read(bytes, &mut report),
        Format::Csv => csv::read(bytes, &mut report),
        _ => sheet::read(bytes, format, &mut report),
    }));
    let lines = read.map_err(|_| reader_failed(format))??;
    text::import_lines(&lines, report, options)
}

/// The title a Word, Excel or OpenDocument file keeps in its properties, if any.
fn document_title(bytes: &[u8]) -> Option<String> {
    static TITLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?s)<dc:title>(.*?)</dc:title>").expect("valid regex")
    });
    let mut archive = archive::Archive::open(bytes, "document").ok()?;
    let xml = ["docProps/core.xml", "meta.xml"]
        .into_iter()
        .find_map(|part| archive.read(part, 1024 * 1024).ok().flatten())?;
    let xml = String::from_utf8(xml).ok()?;
    let raw = TITLE.captures(&xml)?.get(1)?.as_str();
    let title = text::clean_cell(raw);
    (!title.is_empty()).then_some(title)
}

/// Largest unpacked workbook handed to the tracker reader, which holds whole sheets in
/// memory. The tracker WSOA Tracker writes for a 250-action plan unpacks to well under
/// 1 MB; anything larger is streamed by the general reader, under its row limit.
const MAX_TRACKER_UNPACKED_BYTES: u64 = 32 * 1024 * 1024;

/// A tracker workbook WSOA Tracker wrote (`tracker_xlsx`), even edited since, is read back
/// by its own reader, exactly as exported; `None` for any other workbook. The archive's
/// limits are checked first, as for every zip the importers open.
fn read_own_tracker(bytes: &[u8]) -> Result<Option<Imported>> {
    let archive = archive::Archive::open(bytes, Format::Xlsx.label())?;
    if archive.inflated() > MAX_TRACKER_UNPACKED_BYTES {
        return Ok(None);
    }
    let bytes = archive.into_bytes();
    let read =
        std::panic::catch_unwind(|| is_tracker_xlsx(bytes).then(|| read_tracker_xlsx(bytes)))
            .map_err(|_| reader_failed(Format::Xlsx))?;
    let Some(plan) = read.transpose()? else {
        return Ok(None);
    };
    Ok(Some(Imported {
        plan,
        report: ImportReport::default(),
    }))
}

/// What a file is when its first bytes say it is no kind of document: an image, a
/// program, audio, video or an archive, named so a programme manager knows what they
/// picked.
pub fn not_a_document(bytes: &[u8]) -> Option<&'static str> {
    let at =
        |offset: usize, magic: &[u8]| bytes.get(offset..).is_some_and(|b| b.starts_with(magic));
    let kinds: [(bool, &str); 14] = [
        (at(0, b"\x89PNG\r\n\x1a\n"), "a PNG image"),
        (at(0, &[0xFF, 0xD8, 0xFF]), "a JPEG image"),
        (at(0, b"GIF87a") || at(0, b"GIF89a"), "a GIF image"),
        (at(0, b"RIFF") && at(8, b"WEBP"), "a WebP image"),
        (at(0, b"II*\x00") || at(0, b"MM\x00*"), "a TIFF image"),
        (
            at(0, b"BM") && bytes.len() > 14 && at(6, &[0, 0, 0, 0]),
            "a bitmap image",
        ),
        (
            at(4, b"ftypheic") || at(4, b"ftypheix") || at(4, b"ftypmif1"),
            "an iPhone (HEIC) photo",
        ),
        (at(4, b"ftyp"), "a video"),
        (at(0, b"ID3") || at(0, &[0xFF, 0xFB]), "an MP3 audio file"),
        (at(0, b"RIFF") && at(8, b"WAVE"), "a WAV audio file"),
        (at(0, b"MZ"), "a Windows program"),
        (at(0, b"\x7fELF"), "a program"),
        (
            at(0, b"Rar!\x1a\x07") || at(0, b"7z\xbc\xaf\x27\x1c"),
            "a compressed archive",
        ),
        (at(0, &[0x1F, 0x8B]), "a compressed (gzip) file"),
    ];
    kinds.into_iter().find(|(is, _)| *is).map(|(_, what)| what)
}

/// Reads a document whose format is given, or else detected from its name and bytes.
pub fn import_named(name: &str, bytes: &[u8], format: Option<Format>) -> Result<Imported> {
    import_named_with(name, bytes, format, &ImportOptions::default())
}

/// Reads a named document with the column roles a person chose; the name is also the
/// last place the local area is looked for.
pub fn import_named_with(
    name: &str,
    bytes: &[u8],
    format: Option<Format>,
    options: &ImportOptions,
) -> Result<Imported> {
    let format = format.unwrap_or_else(|| Format::detect(name, bytes));
    let mut options = options.clone();
    if options.file_name.is_none() && !name.is_empty() {
        options.file_name = Some(name.to_owned());
    }
    import_with(format, bytes, &options)
}

/// Text as UTF-8 (a BOM is dropped); bytes that are not UTF-8 are read as Windows-1252,
/// as older Word and Excel save them, so such a file never fails to open and its curly
/// quotes and dashes survive.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}
