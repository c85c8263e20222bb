//! Word documents (`.docx`): the body's paragraphs and tables as lines of cells, read with
//! our own small reader over `word/document.xml` (docx-rs's reader panics and hangs on
//! damaged files).
//!
//! What Word keeps that a text export loses is kept here as the text importer already
//! reads it: paragraphs inside a cell become `<p>` fragments, list paragraphs `<ul><li>`
//! items, a cell spanning columns (`w:gridSpan`) is followed by empty cells so every row
//! lines up with the grid (its text carried into each column it covers), a cell continuing
//! a vertical merge (`w:vMerge`) shows the merged cell's text (marked as carried), and
//! tabs in a body paragraph separate cells, as in a text export. A header row Word repeats
//! on every page (`w:tblHeader`) is stored once; one repeated inside the same table is
//! skipped. Two tables with nothing between them (a table split across pages) are
//! separated by a gap, which the importer reads as a page break: a repeated header is
//! skipped and a row cut in two is joined.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::archive::Archive;
use super::text::{Line, Origin, escape};
use super::{ImportReport, MAX_LINES};
use crate::domain::{Error, Result};

/// Largest `word/document.xml` read: far above any real plan, far below memory limits.
const MAX_XML_BYTES: u64 = 100 * 1024 * 1024;
/// Most columns a row may have; `w:gridSpan` beyond this is capped.
const MAX_CELLS: usize = 256;

/// Reads the body of a Word document as lines.
pub(crate) fn read(bytes: &[u8], report: &mut ImportReport) -> Result<Vec<Line>> {
    let mut archive = Archive::open(bytes, "Word document")?;
    let Some(xml) = archive.read("word/document.xml", MAX_XML_BYTES)? else {
        let hint = if archive.has("xl/workbook.xml") {
            " (it is an Excel workbook: choose the xlsx format)"
        } else {
            ""
        };
        return Err(Error::invalid(
            "file",
            format!("is not a Word document: it has no word/document.xml{hint}"),
        ));
    };
    let text = String::from_utf8(xml).map_err(|e| {
        Error::invalid(
            "file",
            format!(
                "word/document.xml, byte {}: is not UTF-8 text",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let mut walker = Walker::default();
    walker.walk(&text)?;
    if walker.truncated {
        report.warn(
            "file",
            format!(
                "the document has more than {MAX_LINES} paragraphs and table rows; only the first {MAX_LINES} were read"
            ),
        );
    }
    Ok(walker.lines)
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// A paragraph being read.
#[derive(Debug, Default)]
struct Paragraph {
    text: String,
    list: bool,
}

/// A table cell being read.
#[derive(Debug, Default)]
struct Cell {
    paragraphs: Vec<(String, bool)>,
    span: usize,
    merged: bool,
    /// Some text of the cell was in a bold run, and none in a plain one.
    bold: bool,
    plain: bool,
}

/// A table being read; tables nest inside cells.
#[derive(Debug, Default)]
struct Table {
    id: usize,
    rows: usize,
    cells: Vec<String>,
    /// Per grid column of the row being read: copied from a merged cell.
    carried: Vec<bool>,
    /// Per grid column of the row being read: all bold.
    bold: Vec<bool>,
    /// The previous row's cells by grid column, for cells that continue a vertical merge.
    above: Vec<String>,
    /// The table's style marks its first row as a header (`w:tblLook w:firstRow`).
    first_row_header: bool,
    cell: Option<Cell>,
    /// The row being read is marked as a header Word repeats on each page.
    header_row: bool,
    /// A row not marked as a header has been read: a later marked row is a repeat.
    body_seen: bool,
    /// Columns the row skips before its first cell (`w:gridBefore`).
    before: usize,
}

// The flags are the independent states of one pass over the XML, not a state machine.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Default)]
struct Walker {
    lines: Vec<Line>,
    paragraphs: usize,
    tables: usize,
    stack: Vec<Table>,
    paragraph: Option<Paragraph>,
    /// Paragraphs inside paragraphs (text boxes) add to the outer one.
    depth: usize,
    /// Inside `mc:Fallback` (a copy of what `mc:Choice` already gave) or a deletion.
    skipping: usize,
    in_text: bool,
    in_properties: bool,
    /// Inside a run's properties (`w:rPr` of a `w:r`).
    in_run_properties: bool,
    /// The run being read is bold.
    run_bold: bool,
    truncated: bool,
}

impl Walker {
    fn walk(&mut self, xml: &str) -> Result<()> {
        let mut reader = Reader::from_str(xml);
        loop {
            let event = reader.read_event().map_err(|e| {
                Error::invalid(
                    "file",
                    format!(
                        "word/document.xml, byte {}: is not well-formed XML ({e})",
                        reader.error_position()
                    ),
                )
            })?;
            if self.truncated {
                break;
            }
            match event {
                Event::Start(e) => self.start(&e, false),
                Event::Empty(e) => {
                    self.start(&e, true);
                    self.end(e.name().as_ref());
                }
                Event::End(e) => self.end(e.name().as_ref()),
                Event::Text(t) if self.reading() => self.push_text(&t.xml10_content()),
                Event::CData(t) if self.reading() => self.push_text(&t.xml10_content()),
                Event::GeneralRef(r) if self.reading() => {
                    // quick-xml reports `&amp;` and friends apart from the text around them.
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match &*r {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = resolved {
                        self.push_text(c.encode_utf8(&mut [0; 4]));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// Inside a `w:t` whose text counts.
    fn reading(&self) -> bool {
        self.in_text && self.skipping == 0
    }

    fn push_text(&mut self, text: &str) {
        if let Some(paragraph) = self.paragraph.as_mut() {
            paragraph.text.push_str(text);
        }
        if !text.trim().is_empty()
            && let Some(cell) = self.stack.last_mut().and_then(|t| t.cell.as_mut())
        {
            if self.run_bold {
                cell.bold = true;
            } else {
                cell.plain = true;
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        match name.as_ref() {
            "mc:Fallback" | "w:del" | "w:moveFrom" if !empty => self.skipping += 1,
            "w:tbl" => {
                self.tables += 1;
                if self.stack.is_empty() {
                    // A gap before each table: two tables in a row are one table split
                    // across pages, and the gap is the page break between them.
                    self.push_line(Line::blank(Origin::Gap));
                }
                self.stack.push(Table {
                    id: self.tables,
                    ..Table::default()
                });
            }
            "w:tr" => {
                if let Some(table) = self.stack.last_mut() {
                    table.cells.clear();
                    table.carried.clear();
                    table.bold.clear();
                    table.header_row = false;
                    table.before = 0;
                }
            }
            "w:tblLook" => {
                // `w:firstRow="1"`, or the old hexadecimal `w:val` with bit 0x0020.
                let first = attribute(e, "w:firstRow").map_or_else(
                    || {
                        attribute(e, "w:val")
                            .and_then(|v| u32::from_str_radix(v.trim(), 16).ok())
                            .is_some_and(|v| v & 0x0020 != 0)
                    },
                    |v| v == "1" || v == "true" || v == "on",
                );
                if let Some(table) = self.stack.last_mut() {
                    table.first_row_header = first;
                }
            }
            "w:r" => self.run_bold = false,
            "w:rPr" if !empty && self.paragraph.is_some() => self.in_run_properties = true,
            "w:b" if self.in_run_properties => {
                self.run_bold = attribute(e, "w:val").is_none_or(|v| v != "0" && v != "false");
            }
            "w:tblHeader" => {
                let on = attribute(e, "w:val").is_none_or(|v| v != "0" && v != "false");
                if let Some(table) = self.stack.last_mut() {
                    table.header_row = on;
                }
            }
            "w:gridBefore" => {
                if let Some(table) = self.stack.last_mut() {
                    table.before = number(e).min(MAX_CELLS);
                }
            }
            "w:tc" => {
                if let Some(table) = self.stack.last_mut() {
                    table.cell = Some(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
            }
            "w:gridSpan" => {
                if let Some(cell) = self.stack.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.span = number(e).clamp(1, MAX_CELLS);
                }
            }
            "w:vMerge" => {
                let restart = attribute(e, "w:val").is_some_and(|v| v == "restart");
                if let Some(cell) = self.stack.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.merged = !restart;
                }
            }
            "w:p" => {
                if self.depth == 0 {
                    self.paragraph = Some(Paragraph::default());
                } else {
                    self.push_text(" ");
                }
                self.depth += 1;
            }
            "w:pPr" if !empty => self.in_properties = true,
            "w:numPr" => {
                if let Some(paragraph) = self.paragraph.as_mut() {
                    paragraph.list = true;
                }
            }
            "w:t" if !empty => self.in_text = true,
            "w:tab" if !self.in_properties && self.skipping == 0 => self.push_text("\t"),
            "w:br" | "w:cr" if self.skipping == 0 => self.push_text("\n"),
            "w:noBreakHyphen" if self.skipping == 0 => self.push_text("-"),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "mc:Fallback" | "w:del" | "w:moveFrom" => {
                self.skipping = self.skipping.saturating_sub(1);
            }
            "w:t" => self.in_text = false,
            "w:pPr" => self.in_properties = false,
            "w:rPr" => self.in_run_properties = false,
            "w:p" => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.in_properties = false;
                    if let Some(paragraph) = self.paragraph.take() {
                        self.finish_paragraph(&paragraph);
                    }
                }
            }
            "w:tc" => self.finish_cell(),
            "w:tr" => self.finish_row(),
            "w:tbl" => {
                if let Some(table) = self.stack.pop()
                    && !self.stack.is_empty()
                    && !table.cells.is_empty()
                {
                    // A nested table's last row has no outer row of its own.
                    self.nested_row(&table.cells);
                }
            }
            _ => {}
        }
    }

    fn finish_paragraph(&mut self, paragraph: &Paragraph) {
        if let Some(cell) = self.stack.last_mut().and_then(|t| t.cell.as_mut()) {
            for piece in paragraph.text.split('\n') {
                cell.paragraphs
                    .push((piece.replace('\t', " ").trim().to_owned(), paragraph.list));
            }
            return;
        }
        self.paragraphs += 1;
        let origin = Origin::Paragraph(self.paragraphs);
        for piece in paragraph.text.split('\n') {
            let mut cells: Vec<String> = piece.split('\t').map(|c| escape(c.trim())).collect();
            while cells.len() > 1 && cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            self.push_line(Line::new(origin.clone(), cells));
        }
    }

    fn finish_cell(&mut self) {
        let Some(table) = self.stack.last_mut() else {
            return;
        };
        let Some(cell) = table.cell.take() else {
            return;
        };
        if table.cells.is_empty() {
            table
                .cells
                .extend(std::iter::repeat_n(String::new(), table.before));
            table
                .carried
                .extend(std::iter::repeat_n(false, table.before));
            table.bold.extend(std::iter::repeat_n(false, table.before));
        }
        let at = table.cells.len();
        // A cell continuing a vertical merge shows the text of the merged cell above it,
        // marked as carried so only grouping columns count it.
        let (content, carried) = if cell.merged {
            (table.above.get(at).cloned().unwrap_or_default(), true)
        } else {
            (cell_html(&cell.paragraphs), false)
        };
        let bold = (cell.bold && !cell.plain)
            || (table.first_row_header && table.rows == 0 && !content.is_empty());
        if table.cells.len() < MAX_CELLS {
            let room = MAX_CELLS - table.cells.len() - 1;
            let span = (cell.span - 1).min(room);
            // A cell spanning columns: its text is carried into each column it covers.
            table.cells.extend(std::iter::repeat_n(content, span + 1));
            table.carried.push(carried);
            table.carried.extend(std::iter::repeat_n(true, span));
            table.bold.extend(std::iter::repeat_n(bold, span + 1));
        }
    }

    fn finish_row(&mut self) {
        let Some(table) = self.stack.last_mut() else {
            return;
        };
        table.rows += 1;
        let cells = std::mem::take(&mut table.cells);
        let carried = std::mem::take(&mut table.carried);
        let bold = std::mem::take(&mut table.bold);
        let repeated_header = table.header_row && table.body_seen;
        if !repeated_header {
            table.above.clone_from(&cells);
        }
        table.body_seen |= !table.header_row;
        let origin = Origin::TableRow {
            table: table.id,
            row: table.rows,
        };
        let second = table.rows == 2;
        let id = table.id;
        if self.stack.len() > 1 {
            let own: Vec<String> = cells
                .iter()
                .zip(carried.iter().chain(std::iter::repeat(&false)))
                .filter(|(_, carried)| !**carried)
                .map(|(cell, _)| cell.clone())
                .collect();
            self.nested_row(&own);
        } else if !repeated_header {
            let mut line = Line::new(origin, cells);
            line.carried = carried;
            line.bold = bold;
            if second
                && let Some(first) = self.lines.last_mut()
                && first.origin == (Origin::TableRow { table: id, row: 1 })
                && let Some(joined) = two_row_header(first, &line)
            {
                *first = joined;
                return;
            }
            self.push_line(line);
        }
    }

    /// A row of a table inside a cell: its cells become paragraphs of the outer cell.
    fn nested_row(&mut self, cells: &[String]) {
        let depth = self.stack.len();
        if depth < 2 {
            return;
        }
        let text = cells
            .iter()
            .map(|c| super::text::clean_cell(c))
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(cell) = self.stack.get_mut(depth - 2).and_then(|t| t.cell.as_mut()) {
            cell.paragraphs.push((text, false));
        }
    }

    fn push_line(&mut self, line: Line) {
        if self.lines.len() >= MAX_LINES {
            self.truncated = true;
            return;
        }
        self.lines.push(line);
    }
}

/// Longest cell of a header's second row: labels, not content.
const MAX_SUBHEADING: usize = 80;

/// A header written on two rows as one: over some columns a cell spanning them
/// ("Action" over "No." and "Description"), the others merged down both rows
/// ("Objective"). Each spanned column is named by both rows ("Action No."), the others
/// by the first; `None` when the second row is not such a header.
fn two_row_header(first: &Line, second: &Line) -> Option<Line> {
    let width = first.cells.len();
    if second.cells.len() != width {
        return None;
    }
    // A column under a span: the spanning cell's own column or one it is carried into.
    let spanned: Vec<bool> = (0..width)
        .map(|c| first.is_carried(c) || first.is_carried(c + 1) && !first.cells[c].is_empty())
        .collect();
    let mut merged_down = false;
    for (c, &under_span) in spanned.iter().enumerate() {
        let own = !second.is_carried(c) && !second.texts[c].is_empty();
        if under_span {
            if !own || second.texts[c].chars().count() > MAX_SUBHEADING {
                return None;
            }
        } else if own {
            return None;
        } else {
            merged_down |= second.is_carried(c) && !first.texts[c].is_empty();
        }
    }
    if !merged_down || !spanned.contains(&true) {
        return None;
    }
    let cells = (0..width)
        .map(|c| {
            if spanned[c] && first.texts[c] != second.texts[c] {
                format!("{} {}", first.texts[c], second.texts[c])
            } else {
                first.texts[c].clone()
            }
        })
        .collect();
    let mut line = Line::new(first.origin.clone(), cells);
    line.bold.clone_from(&first.bold);
    Some(line)
}

/// A `w:val` attribute as a count.
fn number(e: &BytesStart<'_>) -> usize {
    attribute(e, "w:val")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
}

/// A cell's paragraphs as the text importer reads cells: one paragraph as plain text,
/// several as `<p>` fragments, list paragraphs as `<ul><li>` items.
fn cell_html(paragraphs: &[(String, bool)]) -> String {
    let filled: Vec<&(String, bool)> = paragraphs.iter().filter(|(t, _)| !t.is_empty()).collect();
    match filled.as_slice() {
        [] => String::new(),
        [(text, false)] => escape(text),
        _ => {
            let mut out = String::new();
            let mut in_list = false;
            for (text, list) in filled {
                if *list && !in_list {
                    out.push_str("<ul>");
                } else if !*list && in_list {
                    out.push_str("</ul>");
                }
                in_list = *list;
                let tag = if *list { "li" } else { "p" };
                out.push('<');
                out.push_str(tag);
                out.push('>');
                out.push_str(&escape(text));
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            if in_list {
                out.push_str("</ul>");
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    /// A minimal DOCX around a body.
    pub(crate) fn docx(body: &str) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        writer.start_file("[Content_Types].xml", options).unwrap();
        writer.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
        writer.start_file("word/document.xml", options).unwrap();
        write!(
            writer,
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        )
        .unwrap();
        writer.finish().unwrap();
        out.into_inner()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn lines(body: &str) -> Vec<Line> {
        read(&docx(body), &mut ImportReport::default()).unwrap()
    }

    #[test]
    fn entities_tabs_and_breaks_keep_their_characters() {
        let got = lines(&format!(
            "{}<w:p><w:r><w:t>A</w:t><w:tab/><w:t>B &#8211; C</w:t><w:br/><w:t>D</w:t></w:r></w:p>",
            p("Health &amp; care &lt;team&gt;")
        ));
        assert_eq!(got[0].texts, ["Health & care <team>"]);
        assert_eq!(got[0].cells, ["Health &amp; care &lt;team&gt;"]);
        assert_eq!(got[1].texts, ["A", "B – C"]);
        assert_eq!(got[2].texts, ["D"]);
        assert_eq!(got[2].location(), "paragraph 2");
    }

    #[test]
    fn a_header_written_on_two_rows_is_one_row_naming_each_column_by_both() {
        let span = |text: &str| {
            format!(
                r#"<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{}</w:tc>"#,
                p(text)
            )
        };
        let down = |text: &str| {
            format!(
                r#"<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{}</w:tc>"#,
                p(text)
            )
        };
        let under = r"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>";
        let cell = |text: &str| format!("<w:tc>{}</w:tc>", p(text));
        let body = format!(
            "<w:tbl><w:tr>{}{}{}{}</w:tr><w:tr>{under}{}{}{under}{}{}</w:tr><w:tr>{}{}{}{}{}{}</w:tr></w:tbl>",
            down("Objective"),
            span("Action"),
            down("Lead"),
            span("Progress"),
            cell("No."),
            cell("Description"),
            cell("Status"),
            cell("Commentary (November 2024)"),
            cell("1.1 Needs are met"),
            cell("1.1a"),
            cell("Create a single point of access"),
            cell("HF"),
            cell("G"),
            cell("Waiting list reduced"),
        );
        let got = lines(&body);
        let rows: Vec<&Line> = got.iter().filter(|l| !l.is_blank()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].texts,
            [
                "Objective",
                "Action No.",
                "Action Description",
                "Lead",
                "Progress Status",
                "Progress Commentary (November 2024)"
            ]
        );
        assert!(!rows[0].is_carried(2));
        assert_eq!(rows[1].texts[1], "1.1a");
    }

    #[test]
    fn merged_cells_keep_the_grid_and_lists_become_items() {
        let body = format!(
            r#"<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{}</w:tc><w:tc>{}</w:tc></w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{}</w:tc><w:tc>{}</w:tc><w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>One</w:t></w:r></w:p><w:p><w:pPr><w:numPr/></w:pPr><w:r><w:t>Two</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{}</w:tc><w:tc>{}</w:tc></w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>{}</w:tc><w:tc/><w:tc>{}</w:tc></w:tr></w:tbl>"#,
            p("Action"),
            p("Impact"),
            p("Aim"),
            p("1.1"),
            p("Action"),
            p("Impact"),
            p("kept out"),
            p("Three")
        );
        let got = lines(&body);
        let rows: Vec<&Line> = got.iter().filter(|l| !l.is_blank()).collect();
        assert_eq!(rows.len(), 3, "the repeated header row is skipped");
        assert_eq!(rows[0].cells, ["Action", "Action", "Impact"]);
        assert_eq!(
            rows[0].carried,
            [false, true, false],
            "a spanning cell is carried"
        );
        assert_eq!(
            rows[1].cells,
            ["Aim", "1.1", "<ul><li>One</li><li>Two</li></ul>"]
        );
        assert_eq!(
            rows[2].cells,
            ["Aim", "", "Three"],
            "a cell continuing a vertical merge shows the merged cell's text"
        );
        assert!(rows[2].is_carried(0) && !rows[2].is_carried(2));
        assert_eq!(rows[2].origin.cell(2), "table 1, row 4, cell 3");
    }

    #[test]
    fn damaged_documents_are_refused_with_a_position() {
        let err = read(&docx("<w:p></w:r>"), &mut ImportReport::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("word/document.xml, byte"), "{err}");
        let err = read(b"PK\x03\x04 not really", &mut ImportReport::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a readable Word document"), "{err}");
    }
}
