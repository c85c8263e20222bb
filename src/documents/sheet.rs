//! Spreadsheets (`.xlsx`, `.xls`, `.ods`) as lines of cells, one line per row, sheet by
//! sheet, read with calamine.
//!
//! Trackers put a title block above their header row, keep the rating key and the owner
//! list on a sheet of their own and sometimes list the areas (priorities) on another: the
//! importer finds all of these by their wording, wherever they are, so a sheet is just
//! more lines. Real date cells become UK dates ("31 March 2020") that the date reader
//! understands; calamine ignores display formats, so a date is always read to the day.
//! A sheet's name is kept as a heading line when it names an area ("Priority 2") or a
//! part of the plan ("Key", "Owners"), since trackers often say it only there.
//!
//! Reading stops at [`MAX_LINES`] rows, with a warning: an XLSX sheet is streamed cell by
//! cell, so a million-row sheet costs only the rows read.

use std::io::Cursor;
use std::sync::Arc;

use std::collections::HashMap;

use calamine::{Data, DataRef, Dimensions, ExcelDateTime, Ods, Reader as _, Xls, Xlsx};

use super::archive::Archive;
use super::text::{Line, Origin, escape, names_a_part, paragraphs_html};
use super::{Format, ImportReport, MAX_LINES};
use crate::domain::{Error, PartialDate, Result};

/// Most columns read from a row.
const MAX_COLUMNS: usize = 256;

/// Reads every sheet of a workbook as lines.
pub(crate) fn read(bytes: &[u8], format: Format, report: &mut ImportReport) -> Result<Vec<Line>> {
    let mut out = Rows {
        lines: Vec::new(),
        report,
        truncated: false,
    };
    match format {
        Format::Xlsx => {
            let bytes = Archive::open(bytes, "Excel workbook")?.into_bytes();
            let mut book =
                Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable("Excel workbook", &e))?;
            for name in book.sheet_names() {
                out.sheet_heading(&name);
                let first_line = out.lines.len();
                let sheet: Arc<str> = name.as_str().into();
                let mut cells = book
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable("Excel workbook", &format!("sheet {name}: {e}")))?;
                let mut row: Vec<(usize, String)> = Vec::new();
                let mut at: Option<u32> = None;
                loop {
                    let cell = cells
                        .next_cell()
                        .map_err(|e| unreadable("Excel workbook", &format!("sheet {name}: {e}")))?;
                    let Some(cell) = cell else { break };
                    let (r, c) = cell.get_position();
                    if at != Some(r) {
                        if let Some(previous) = at {
                            out.row(&sheet, previous, std::mem::take(&mut row));
                        }
                        if out.full() {
                            break;
                        }
                        at = Some(r);
                    }
                    let Ok(column) = usize::try_from(c) else {
                        continue;
                    };
                    if column < MAX_COLUMNS {
                        let text = out.value_ref(cell.get_value(), &sheet, r, column);
                        if !text.is_empty() {
                            row.push((column, text));
                        }
                    }
                }
                if let Some(previous) = at
                    && !out.full()
                {
                    out.row(&sheet, previous, row);
                }
                drop(cells);
                if out.full() {
                    break;
                }
                // Merged ranges are listed after the rows, so calamine reads the whole
                // sheet to find them: only for a sheet read in full. A damaged list loses
                // only the copies, never the sheet.
                let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
                carry_merges(&mut out.lines[first_line..], &merges);
            }
        }
        Format::Ods => {
            let bytes = Archive::open(bytes, "OpenDocument spreadsheet")?.into_bytes();
            let book: Ods<_> = Ods::new(Cursor::new(bytes))
                .map_err(|e| unreadable("OpenDocument spreadsheet", &e))?;
            ranges(book, "OpenDocument spreadsheet", &mut out)?;
        }
        _ => {
            let book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| {
                unreadable(
                    "Excel 97-2003 workbook",
                    &format!("{e}; if it is an old Word .doc, save it as .docx"),
                )
            })?;
            ranges(book, "Excel 97-2003 workbook", &mut out)?;
        }
    }
    let Rows {
        lines, truncated, ..
    } = out;
    if truncated {
        report.warn(
            "file",
            format!(
                "the workbook has more than {MAX_LINES} rows; only the first {MAX_LINES} were read"
            ),
        );
    }
    Ok(lines)
}

/// Reads each sheet of a workbook calamine can only load whole.
fn ranges<'b, R>(mut book: R, what: &str, out: &mut Rows<'_>) -> Result<()>
where
    R: calamine::Reader<Cursor<&'b [u8]>>,
    R::Error: std::fmt::Display,
{
    for name in book.sheet_names() {
        out.sheet_heading(&name);
        let range = book
            .worksheet_range(&name)
            .map_err(|e| unreadable(what, &format!("sheet {name}: {e}")))?;
        let Some((first_row, first_column)) = range.start() else {
            continue;
        };
        let sheet: Arc<str> = name.as_str().into();
        for (k, cells) in range.rows().enumerate() {
            if out.full() {
                return Ok(());
            }
            let Ok(offset) = u32::try_from(k) else { break };
            let r = first_row.saturating_add(offset);
            let mut row = Vec::new();
            for (j, value) in cells.iter().enumerate().take(MAX_COLUMNS) {
                let column = usize::try_from(first_column).unwrap_or(0) + j;
                let text = out.value(value, &sheet, r, column);
                if !text.is_empty() {
                    row.push((column, text));
                }
            }
            out.row(&sheet, r, row);
        }
    }
    Ok(())
}

/// A cell inside a merged range shows the range's text (its top-left cell's), marked as
/// carried, so a grouping column merged down its rows groups every one of them.
fn carry_merges(lines: &mut [Line], merges: &[Dimensions]) {
    if merges.is_empty() {
        return;
    }
    let mut at: HashMap<usize, usize> = HashMap::new();
    for (k, line) in lines.iter().enumerate() {
        if let Origin::SheetRow { row, .. } = line.origin {
            at.insert(row, k);
        }
    }
    for region in merges.iter().take(10_000) {
        let row_of = |r: u32| usize::try_from(r).ok().map(|r| r + 1);
        let (Some(top), Some(bottom)) = (row_of(region.start.0), row_of(region.end.0)) else {
            continue;
        };
        let (Ok(left), Ok(right)) = (
            usize::try_from(region.start.1),
            usize::try_from(region.end.1),
        ) else {
            continue;
        };
        let right = right.min(left + 64).min(MAX_COLUMNS - 1);
        let Some(text) = at
            .get(&top)
            .and_then(|&k| lines[k].cells.get(left))
            .filter(|t| !t.is_empty())
            .cloned()
        else {
            continue;
        };
        for row in top..=bottom.min(top + 5_000) {
            let Some(&k) = at.get(&row) else { continue };
            let line = &lines[k];
            let mut cells = line.cells.clone();
            let mut carried = line.carried.clone();
            let mut changed = false;
            for column in left..=right {
                if row == top && column == left {
                    continue;
                }
                if cells.len() <= column {
                    cells.resize(column + 1, String::new());
                }
                if cells[column].is_empty() {
                    cells[column].clone_from(&text);
                    if carried.len() <= column {
                        carried.resize(column + 1, false);
                    }
                    carried[column] = true;
                    changed = true;
                }
            }
            if changed {
                let mut replaced = Line::new(line.origin.clone(), cells);
                replaced.carried = carried;
                replaced.bold.clone_from(&line.bold);
                lines[k] = replaced;
            }
        }
    }
}

fn unreadable(what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::invalid("file", format!("is not a readable {what}: {e}"))
}

struct Rows<'r> {
    lines: Vec<Line>,
    report: &'r mut ImportReport,
    truncated: bool,
}

impl Rows<'_> {
    fn full(&mut self) -> bool {
        if self.lines.len() >= MAX_LINES {
            self.truncated = true;
        }
        self.truncated
    }

    fn sheet_heading(&mut self, name: &str) {
        self.lines.push(Line::blank(Origin::Sheet(name.into())));
        if names_a_part(name) {
            self.lines.push(Line::new(
                Origin::Sheet(name.into()),
                vec![escape(name.trim())],
            ));
        }
    }

    /// A row's filled cells (0-based columns) as a line from column A, so every row of
    /// a sheet keeps its columns.
    fn row(&mut self, sheet: &Arc<str>, row: u32, cells: Vec<(usize, String)>) {
        let row = usize::try_from(row).unwrap_or(usize::MAX).saturating_add(1);
        let origin = Origin::SheetRow {
            sheet: sheet.clone(),
            row,
            first_column: 0,
        };
        let Some(width) = cells.iter().map(|(c, _)| c + 1).max() else {
            self.lines.push(Line::blank(origin));
            return;
        };
        let mut texts = vec![String::new(); width];
        for (column, text) in cells {
            if let Some(slot) = texts.get_mut(column) {
                *slot = text;
            }
        }
        self.lines.push(Line::new(origin, texts));
    }

    fn value(&mut self, value: &Data, sheet: &str, row: u32, column: usize) -> String {
        match value {
            Data::String(s) => text_cell(s),
            Data::Float(f) => number(*f),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Data::DateTime(dt) => date(dt),
            Data::DateTimeIso(iso) => iso_date(iso),
            Data::DurationIso(iso) => iso.clone(),
            Data::Error(e) => {
                self.cell_error(sheet, row, column, &e.to_string());
                String::new()
            }
            Data::Empty => String::new(),
        }
    }

    fn value_ref(&mut self, value: &DataRef<'_>, sheet: &str, row: u32, column: usize) -> String {
        match value {
            DataRef::String(s) => text_cell(s),
            DataRef::SharedString(s) => text_cell(s),
            DataRef::Float(f) => number(*f),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            DataRef::DateTime(dt) => date(dt),
            DataRef::DateTimeIso(iso) => iso_date(iso),
            DataRef::DurationIso(iso) => iso.clone(),
            DataRef::Error(e) => {
                self.cell_error(sheet, row, column, &e.to_string());
                String::new()
            }
            DataRef::Empty => String::new(),
        }
    }

    fn cell_error(&mut self, sheet: &str, row: u32, column: usize, error: &str) {
        let origin = Origin::SheetRow {
            sheet: sheet.into(),
            row: usize::try_from(row).unwrap_or(usize::MAX).saturating_add(1),
            first_column: column,
        };
        self.report.warn(
            origin.cell(0),
            format!("the cell shows the error {error}; it was read as empty"),
        );
    }
}

/// A text cell: lines typed with Alt+Enter become paragraphs, as in a Word cell.
fn text_cell(text: &str) -> String {
    let pieces: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if pieces.len() <= 1 {
        return escape(text.trim());
    }
    paragraphs_html(pieces)
}

/// A number as typed: whole numbers without ".0".
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// A date cell as a UK date, which the date reader reads back to the day.
fn date(value: &ExcelDateTime) -> String {
    if !value.is_datetime() || value.as_f64() < 1.0 {
        // A duration or a bare time of day names no deadline.
        return number(value.as_f64());
    }
    let (year, month, day, ..) = value.to_ymd_hms_milli();
    time::Month::try_from(month)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(i32::from(year), m, day).ok())
        .map_or_else(|| number(value.as_f64()), |d| PartialDate::Day(d).to_uk())
}

/// "2020-03-31T00:00:00", as `OpenDocument` writes dates, as a UK date.
fn iso_date(iso: &str) -> String {
    iso.get(..10)
        .and_then(|day| PartialDate::parse_iso(day).ok())
        .map_or_else(|| iso.to_owned(), PartialDate::to_uk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_people_typed_them() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(
            text_cell("One\nTwo & three"),
            "<p>One</p><p>Two &amp; three</p>"
        );
        assert_eq!(text_cell(" single "), "single");
        assert_eq!(iso_date("2020-03-31T00:00:00"), "31 March 2020");
        let serial = ExcelDateTime::new(43_921.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(date(&serial), "31 March 2020");
    }
}
