//! Reports other than the tracker as XLSX: a sheet per section, tables as real rows with
//! a bold header, rating cells coloured and lettered. (The tracker has its own layout, in
//! `documents::tracker_xlsx`, because it reads back in.)

use std::collections::HashSet;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::layout::{Block, Doc, ink_on};
use crate::documents::tracker_xlsx::excel_colour;
use crate::domain::{Error, Result};

#[expect(
    clippy::needless_pass_by_value,
    reason = "the shape `map_err` asks for"
)]
fn xlsx_error(e: XlsxError) -> Error {
    Error::Internal(anyhow::anyhow!("writing XLSX: {e}"))
}

/// A name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the book.
fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let base: String = clean.trim().chars().take(28).collect();
    let base = if base.is_empty() {
        "Sheet".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base} {n}");
        n += 1;
    }
    name
}

struct Cursor<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
}

/// Writes the document as XLSX.
#[expect(
    clippy::too_many_lines,
    reason = "one match over the block kinds, each a few writes"
)]
pub fn write(doc: &Doc) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16);
    let heading = Format::new().set_bold().set_font_size(12);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_background_color(0x00F3_F2F1);
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let mut taken = HashSet::new();
    let mut sections: Vec<(String, Vec<&Block>)> = vec![("Report".to_owned(), Vec::new())];
    for block in &doc.blocks {
        match block {
            Block::Heading(1, text) => sections.push((text.clone(), vec![block])),
            _ => {
                if let Some(last) = sections.last_mut() {
                    last.1.push(block);
                }
            }
        }
    }
    for (index, (name, blocks)) in sections.iter().enumerate() {
        let name = sheet_name(name, &mut taken);
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name).map_err(xlsx_error)?;
        let mut at = Cursor { sheet, row: 0 };
        if index == 0 {
            at.sheet
                .write_string_with_format(0, 0, &doc.title, &title)
                .map_err(xlsx_error)?;
            for line in &doc.subtitle {
                at.row += 1;
                at.sheet.write_string(at.row, 0, line).map_err(xlsx_error)?;
            }
            at.row += 2;
        }
        let mut widths_set = false;
        for block in blocks {
            match block {
                Block::Heading(_, text) => {
                    at.sheet
                        .write_string_with_format(at.row, 0, text, &heading)
                        .map_err(xlsx_error)?;
                    at.row += 1;
                }
                Block::Paragraph(text) => {
                    at.sheet.write_string(at.row, 0, text).map_err(xlsx_error)?;
                    at.row += 2;
                }
                Block::Bullets(items) => {
                    for item in items {
                        at.sheet
                            .write_string(at.row, 0, format!("• {item}"))
                            .map_err(xlsx_error)?;
                        at.row += 1;
                    }
                    at.row += 1;
                }
                Block::Chart(chart) => {
                    at.sheet
                        .write_string(at.row, 0, chart.description())
                        .map_err(xlsx_error)?;
                    at.row += 2;
                }
                Block::Table(table) => {
                    if !widths_set {
                        for (col, w) in table.widths.iter().enumerate() {
                            let col = u16::try_from(col).unwrap_or(u16::MAX);
                            at.sheet
                                .set_column_width(col, (f64::from(*w) * 7.0).clamp(8.0, 70.0))
                                .map_err(xlsx_error)?;
                        }
                        widths_set = true;
                    }
                    for (col, head) in table.header.iter().enumerate() {
                        let col = u16::try_from(col).unwrap_or(u16::MAX);
                        at.sheet
                            .write_string_with_format(at.row, col, head, &header)
                            .map_err(xlsx_error)?;
                    }
                    at.row += 1;
                    for row in &table.rows {
                        for (col, c) in row.iter().enumerate() {
                            let col = u16::try_from(col).unwrap_or(u16::MAX);
                            let format = match c.fill.as_deref().and_then(excel_colour) {
                                Some(fill) => cell
                                    .clone()
                                    .set_bold()
                                    .set_align(FormatAlign::Center)
                                    .set_background_color(fill)
                                    .set_font_color(
                                        c.fill
                                            .as_deref()
                                            .and_then(|f| excel_colour(ink_on(f)))
                                            .unwrap_or(rust_xlsxwriter::Color::Black),
                                    ),
                                None => cell.clone(),
                            };
                            at.sheet
                                .write_string_with_format(at.row, col, &c.text, &format)
                                .map_err(xlsx_error)?;
                        }
                        at.row += 1;
                    }
                    at.row += 1;
                }
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(
            sheet_name("Rating key: BRAG(P)", &mut taken),
            "Rating key  BRAG(P)"
        );
        assert_eq!(sheet_name("Report", &mut taken), "Report");
        assert_eq!(sheet_name("report", &mut taken), "report 2");
        assert!(sheet_name(&"x".repeat(50), &mut taken).chars().count() <= 31);
    }
}
