//! A report as a Word document: real heading styles (so the navigation pane and a table of
//! contents work), real tables whose header row repeats on every page, rating cells shaded
//! and lettered, and the chart as a PNG picture beside its text alternative.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, PageOrientationType, Paragraph, Pic, Run,
    RunFonts, Shading, ShdType, Style, StyleType, Table as DocxTable, TableCell, TableLayoutType,
    TableRow, WidthType,
};

use super::chart::chart_png;
use super::layout::{Block, Doc, Table, ink_on};
use crate::domain::{Error, Result};

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
const MARGIN: i32 = 1_000;

const FONT: &str = "Arial";

fn styles(docx: Docx) -> Docx {
    // Word recognises its built-in headings by these ids and names ("heading 1"), and
    // the outline level puts them in the navigation pane and in PDF bookmarks.
    let heading = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .ui_priority(9)
            .size(size)
            .bold()
            .color("0B0C0C")
            .line_spacing(LineSpacing::new().before(240).after(80))
            .outline_lvl(level)
    };
    docx.add_style(
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .size(20)
            .line_spacing(LineSpacing::new().after(100))
            .fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT)),
    )
    .add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(44)
            .bold(),
    )
    .add_style(
        Style::new("Subtitle", StyleType::Paragraph)
            .name("Subtitle")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(24)
            .color("505A5F"),
    )
    .add_style(heading("Heading1", "heading 1", 32, 0))
    .add_style(heading("Heading2", "heading 2", 28, 1))
    .add_style(heading("Heading3", "heading 3", 24, 2))
    .add_style(
        Style::new("Caption", StyleType::Paragraph)
            .name("caption")
            .based_on("Normal")
            .q_format(true)
            .size(18)
            .bold(),
    )
    .add_style(
        Style::new("ListBullet", StyleType::Paragraph)
            .name("List Bullet")
            .based_on("Normal")
            .q_format(true)
            .indent(
                Some(360),
                Some(docx_rs::SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
    )
}

fn cell_paragraphs(text: &str, bold: bool, colour: Option<&str>) -> Vec<Paragraph> {
    text.split('\n')
        .map(|line| {
            let mut run = Run::new().add_text(line);
            if bold {
                run = run.bold();
            }
            if let Some(colour) = colour {
                run = run.color(colour.trim_start_matches('#'));
            }
            Paragraph::new()
                .line_spacing(LineSpacing::new().after(0))
                .add_run(run)
        })
        .collect()
}

fn table(t: &Table, usable_width: u32) -> DocxTable {
    let total: u32 = t.widths.iter().map(|&w| u32::from(w)).sum::<u32>().max(1);
    let widths: Vec<usize> = t
        .widths
        .iter()
        .map(|&w| usize::try_from(u32::from(w) * usable_width / total).unwrap_or(1000))
        .collect();
    let cell = |i: usize, paragraphs: Vec<Paragraph>| {
        let mut cell =
            TableCell::new().width(widths.get(i).copied().unwrap_or(1000), WidthType::Dxa);
        for paragraph in paragraphs {
            cell = cell.add_paragraph(paragraph);
        }
        cell
    };
    // The header row is marked "repeat as header row at the top of each page"
    // (`w:tblHeader`, added after building since docx-rs has no setter for it); cantSplit
    // is the marker `write` looks for, and keeps the header row whole as well.
    let header = TableRow::new(
        t.header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                cell(i, cell_paragraphs(h, true, None))
                    .shading(Shading::new().shd_type(ShdType::Clear).fill("F3F2F1"))
            })
            .collect(),
    )
    .cant_split();
    let mut rows = vec![header];
    for row in &t.rows {
        rows.push(TableRow::new(
            row.iter()
                .enumerate()
                .map(|(i, c)| match &c.fill {
                    Some(fill) => cell(i, cell_paragraphs(&c.text, true, Some(ink_on(fill))))
                        .shading(
                            Shading::new()
                                .shd_type(ShdType::Clear)
                                .fill(fill.trim_start_matches('#')),
                        ),
                    None => cell(i, cell_paragraphs(&c.text, false, None)),
                })
                .collect(),
        ));
    }
    DocxTable::new(rows)
        .set_grid(widths)
        .layout(TableLayoutType::Fixed)
}

/// Writes the document as DOCX.
pub fn write(doc: &Doc) -> Result<Vec<u8>> {
    let (width, height) = if doc.landscape {
        (A4_LONG, A4_SHORT)
    } else {
        (A4_SHORT, A4_LONG)
    };
    let usable = width - 2 * u32::try_from(MARGIN).unwrap_or(0);
    let mut docx = styles(Docx::new())
        .page_size(width, height)
        .page_orient(if doc.landscape {
            PageOrientationType::Landscape
        } else {
            PageOrientationType::Portrait
        })
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        );
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(&doc.title)),
    );
    for line in &doc.subtitle {
        docx = docx.add_paragraph(
            Paragraph::new()
                .style("Subtitle")
                .add_run(Run::new().add_text(line)),
        );
    }
    for block in &doc.blocks {
        docx = match block {
            Block::Heading(level, text) => docx.add_paragraph(
                Paragraph::new()
                    .style(match level {
                        1 => "Heading1",
                        2 => "Heading2",
                        _ => "Heading3",
                    })
                    .keep_next(true)
                    .add_run(Run::new().add_text(text)),
            ),
            Block::Paragraph(text) => {
                docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
            }
            Block::Bullets(items) => items.iter().fold(docx, |docx, item| {
                docx.add_paragraph(
                    Paragraph::new()
                        .style("ListBullet")
                        .add_run(Run::new().add_text("•").add_tab().add_text(item)),
                )
            }),
            Block::Table(t) => docx
                .add_paragraph(
                    Paragraph::new()
                        .style("Caption")
                        .keep_next(true)
                        .add_run(Run::new().add_text(&t.caption)),
                )
                .add_table(table(t, usable)),
            Block::Chart(chart) => {
                let (png, w, h) = chart_png(chart)?;
                docx.add_paragraph(
                    Paragraph::new()
                        .style("Caption")
                        .keep_next(true)
                        .add_run(Run::new().add_text(&chart.title)),
                )
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Left)
                        .add_run(Run::new().add_image(Pic::new_with_dimensions(png, w, h))),
                )
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(chart.description())))
            }
        };
    }
    let mut built = docx.build();
    built.document = mark_header_rows(&built.document);
    let mut out = Cursor::new(Vec::new());
    built
        .pack(&mut out)
        .map_err(|e| Error::Internal(anyhow::anyhow!("writing the DOCX package: {e}")))?;
    Ok(out.into_inner())
}

/// Adds `<w:tblHeader/>` to every row `table` marked with `cantSplit`.
fn mark_header_rows(document: &[u8]) -> Vec<u8> {
    const MARK: &[u8] = b"<w:cantSplit />";
    const WITH_HEADER: &[u8] = b"<w:cantSplit /><w:tblHeader />";
    let mut out = Vec::with_capacity(document.len() + 1024);
    let mut rest = document;
    while let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(WITH_HEADER);
        rest = &rest[at + MARK.len()..];
    }
    out.extend_from_slice(rest);
    out
}
