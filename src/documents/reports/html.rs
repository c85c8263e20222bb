//! A report as one standalone HTML file: its stylesheet inside (it is a file, not a page
//! of the app, so the app's no-inline-style policy does not reach it), print-ready, and
//! the chart as inline SVG with its text alternative.

use std::fmt::Write as _;

use super::layout::{Block, Chart, Doc, Table, ink_on};

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: #0b0c0c; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
h2 { font-size: 1.5rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #0b0c0c; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .5rem; }
.subtitle { color: #505a5f; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #b1b4b6; padding: .3rem .4rem; text-align: left; vertical-align: top; }
thead th { background: #f3f2f1; }
td.rating { font-weight: bold; text-align: center; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
figure { margin: 1rem 0; }
figcaption { font-size: .9rem; color: #505a5f; }
@page { size: A4 portrait; margin: 15mm; }
@page wide { size: A4 landscape; margin: 12mm; }
body.landscape { page: wide; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  h3, h4 { break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"#;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, table: &Table) {
    let _ = write!(
        out,
        "<table>\n<caption>{}</caption>\n<colgroup>",
        escape(&table.caption)
    );
    let total: u32 = table
        .widths
        .iter()
        .map(|&w| u32::from(w))
        .sum::<u32>()
        .max(1);
    for width in &table.widths {
        let _ = write!(
            out,
            "<col style=\"width:{:.1}%\">",
            f64::from(*width) * 100.0 / f64::from(total)
        );
    }
    out.push_str("</colgroup>\n<thead><tr>");
    for head in &table.header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(head));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            match &cell.fill {
                Some(fill) => {
                    let _ = write!(
                        out,
                        "<td class=\"rating\" style=\"background:{fill};color:{}\">{}</td>",
                        ink_on(fill),
                        escape(&cell.text)
                    );
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", escape(&cell.text).replace('\n', "<br>"));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The chart as SVG: one stacked bar per row, the numbers written on the bars.
pub fn chart_svg(chart: &Chart) -> String {
    let label_width = 90.0;
    let bar_width = 500.0;
    let row = 28.0;
    let rows = f64::from(u32::try_from(chart.bars.len()).unwrap_or(u32::MAX));
    let height = row * rows + 10.0;
    let most = chart
        .bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.count).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let most = f64::from(u32::try_from(most).unwrap_or(u32::MAX));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        label_width + bar_width + 10.0,
        escape(&chart.description())
    );
    for (i, bar) in chart.bars.iter().enumerate() {
        let y = 5.0 + row * f64::from(u32::try_from(i).unwrap_or(0));
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\" font-family=\"Arial, sans-serif\">{}</text>",
            y + 17.0,
            escape(&bar.label)
        );
        let mut x = label_width;
        for segment in bar.segments.iter().filter(|s| s.count > 0) {
            let w = bar_width * f64::from(u32::try_from(segment.count).unwrap_or(0)) / most;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"22\" fill=\"{}\"><title>{}: {}</title></rect>",
                segment.colour,
                escape(&segment.label),
                segment.count
            );
            if w >= 18.0 {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" font-family=\"Arial, sans-serif\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                    x + w / 2.0,
                    y + 16.0,
                    ink_on(&segment.colour),
                    segment.count
                );
            }
            x += w;
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Writes the document as HTML.
pub fn write(doc: &Doc) -> Vec<u8> {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body class=\"{}\">\n<main>\n<h1>{}</h1>\n",
        escape(&doc.title),
        if doc.landscape {
            "landscape"
        } else {
            "portrait"
        },
        escape(&doc.title)
    );
    for line in &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(line));
    }
    for block in &doc.blocks {
        match block {
            // The document's title is the page's only h1; sections start at h2.
            Block::Heading(level, text) => {
                let level = (level + 1).min(6);
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", escape(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => table(&mut out, t),
            Block::Chart(chart) => {
                let _ = writeln!(
                    out,
                    "<figure>{}<figcaption>{}</figcaption></figure>",
                    chart_svg(chart),
                    escape(&chart.description())
                );
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out.into_bytes()
}
