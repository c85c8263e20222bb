//! A report as PDF: the laid-out document written as typst code and compiled by the
//! `report-pdf` crate. Every piece of text goes in as a typst *string literal*, never as
//! markup, so nothing a plan says (`#`, `*`, `$`, `<`…) can be read as typst syntax.

use std::fmt::Write as _;

use super::layout::{Block, Chart, Doc, Table, ink_on};
use crate::domain::Result;

/// A typst string literal.
fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn colour(hex: &str) -> String {
    format!("rgb({})", lit(hex))
}

fn table(out: &mut String, t: &Table) {
    let _ = writeln!(
        out,
        "#block(breakable: false, below: 0.4em, text(weight: \"bold\", {}))",
        lit(&t.caption)
    );
    let columns: Vec<String> = t.widths.iter().map(|w| format!("{w}fr")).collect();
    let _ = write!(
        out,
        "#table(columns: ({},), table.header(repeat: true, ",
        columns.join(", ")
    );
    for head in &t.header {
        let _ = write!(out, "{}, ", lit(head));
    }
    out.push_str("),\n");
    for row in &t.rows {
        for cell in row {
            match &cell.fill {
                Some(fill) => {
                    let _ = write!(
                        out,
                        "table.cell(fill: {}, align: center, text(fill: {}, weight: \"bold\", {})), ",
                        colour(fill),
                        colour(ink_on(fill)),
                        lit(&cell.text)
                    );
                }
                None => {
                    let _ = write!(out, "{}, ", lit(&cell.text));
                }
            }
        }
        out.push('\n');
    }
    out.push_str(")\n");
}

fn chart(out: &mut String, chart: &Chart) {
    let most = chart
        .bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.count).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let _ = writeln!(
        out,
        "#block(breakable: false, below: 0.4em, text(weight: \"bold\", {}))",
        lit(&chart.title)
    );
    out.push_str("#grid(columns: (22mm, 1fr), row-gutter: 3pt, align: horizon,\n");
    for bar in &chart.bars {
        let _ = write!(out, "{}, stack(dir: ltr, ", lit(&bar.label));
        for segment in bar.segments.iter().filter(|s| s.count > 0) {
            let share = f64::from(u32::try_from(segment.count).unwrap_or(0)) * 100.0
                / f64::from(u32::try_from(most).unwrap_or(1));
            let _ = write!(
                out,
                "box(width: {share:.2}%, height: 12pt, fill: {}, align(center + horizon, text(size: 8pt, fill: {}, {}))), ",
                colour(&segment.colour),
                colour(ink_on(&segment.colour)),
                lit(&segment.count.to_string())
            );
        }
        out.push_str("),\n");
    }
    out.push_str(")\n");
    let _ = writeln!(out, "#text(size: 8pt, {})\n", lit(&chart.description()));
}

/// The typst source of a document.
pub fn source(doc: &Doc) -> String {
    let mut out = String::with_capacity(128 * 1024);
    let _ = write!(
        out,
        "#set document(title: {}, date: none)\n\
         #set page(paper: \"a4\", flipped: {}, margin: 14mm, numbering: \"1\")\n\
         #set text(font: \"Libertinus Serif\", size: 9.5pt, lang: \"en\", region: \"gb\")\n\
         #set par(justify: false)\n\
         #set table(stroke: 0.5pt + rgb(\"#b1b4b6\"), inset: 4pt, fill: (x, y) => if y == 0 {{ rgb(\"#f3f2f1\") }})\n\
         #show table.cell.where(y: 0): set text(weight: \"bold\")\n\
         #show heading: set block(above: 1.4em, below: 0.7em)\n\
         #show heading.where(level: 1): set text(size: 15pt)\n\
         #show heading.where(level: 2): set text(size: 12.5pt)\n\
         #show heading.where(level: 3): set text(size: 11pt)\n\n",
        lit(&doc.title),
        doc.landscape
    );
    let _ = writeln!(
        out,
        "#block(below: 0.8em, text(size: 20pt, weight: \"bold\", {}))",
        lit(&doc.title)
    );
    for line in &doc.subtitle {
        let _ = writeln!(
            out,
            "#text(size: 11pt, fill: rgb(\"#505a5f\"), {})\n",
            lit(line)
        );
    }
    for block in &doc.blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "#heading(level: {level}, {})", lit(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "#par({})\n", lit(text));
            }
            Block::Bullets(items) => {
                out.push_str("#list(");
                for item in items {
                    let _ = write!(out, "{}, ", lit(item));
                }
                out.push_str(")\n");
            }
            Block::Table(t) => table(&mut out, t),
            Block::Chart(c) => chart(&mut out, c),
        }
    }
    out
}

/// Writes the document as PDF.
#[cfg(feature = "pdf")]
pub fn write(doc: &Doc) -> Result<Vec<u8>> {
    report_pdf::compile(&source(doc))
        .map_err(|e| crate::domain::Error::Internal(anyhow::anyhow!("writing the PDF: {e}")))
}

/// Without the `pdf` feature there is no PDF writer: say so in words.
#[cfg(not(feature = "pdf"))]
pub fn write(doc: &Doc) -> Result<Vec<u8>> {
    let _ = source(doc);
    Err(crate::domain::Error::invalid(
        "format",
        "this build of WSOA Tracker was made without PDF support; choose DOCX or HTML",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_always_a_string_literal() {
        assert_eq!(lit("a \"b\" \\ #c\n"), "\"a \\\"b\\\" \\\\ #c\\n\"");
    }
}
