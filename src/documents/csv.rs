//! CSV files as lines of cells: comma- or semicolon-separated (Excel in much of Europe
//! writes semicolons), UTF-8 with or without a byte-order mark, or Windows-1252 as older
//! Excel saves it. Quoted fields may hold commas and line breaks; a field's line breaks
//! become paragraphs, as in a spreadsheet cell.

use super::text::{Line, Origin, escape, paragraphs_html};
use super::{ImportReport, MAX_LINES, decode_text};
use crate::domain::{Error, Result};

/// Most fields read from a record.
const MAX_FIELDS: usize = 256;

/// Reads the records of a CSV file as lines.
pub(crate) fn read(bytes: &[u8], report: &mut ImportReport) -> Result<Vec<Line>> {
    let text = decode_text(bytes);
    let delimiter = delimiter(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut lines = Vec::new();
    for record in reader.records() {
        if lines.len() >= MAX_LINES {
            report.warn(
                "file",
                format!(
                    "the file has more than {MAX_LINES} rows; only the first {MAX_LINES} were read"
                ),
            );
            break;
        }
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, ::csv::Position::line);
            Error::invalid("file", format!("line {line}: is not valid CSV ({e})"))
        })?;
        let line = record.position().map_or(0, ::csv::Position::line);
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let mut cells: Vec<String> = record
            .iter()
            .take(MAX_FIELDS)
            .map(|field| {
                let pieces: Vec<&str> = field
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                if pieces.len() <= 1 {
                    escape(field.trim())
                } else {
                    paragraphs_html(pieces)
                }
            })
            .collect();
        while cells.len() > 1 && cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        lines.push(Line::new(Origin::Record(line), cells));
    }
    Ok(lines)
}

/// Comma, semicolon or tab: whichever separates the first lines most evenly, counted
/// outside quotes.
fn delimiter(text: &str) -> u8 {
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let count = |wanted: char| -> usize {
        sample
            .iter()
            .map(|line| {
                let mut quoted = false;
                line.chars()
                    .filter(|&c| {
                        if c == '"' {
                            quoted = !quoted;
                        }
                        c == wanted && !quoted
                    })
                    .count()
            })
            .sum()
    };
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if tabs > commas && tabs > semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
        read(bytes, &mut ImportReport::default())
            .unwrap()
            .into_iter()
            .map(|l| l.texts)
            .collect()
    }

    #[test]
    fn commas_semicolons_quotes_and_encodings_are_read() {
        assert_eq!(
            cells(b"\xEF\xBB\xBFRef,Action\n1.1,\"Do this, then that\"\n"),
            [vec!["Ref", "Action"], vec!["1.1", "Do this, then that"]]
        );
        assert_eq!(
            cells(b"Ref;Action;Owner\n1.1;Caf\xE9 review;JB\n"),
            [
                vec!["Ref", "Action", "Owner"],
                vec!["1.1", "Café review", "JB"]
            ]
        );
        let lines = read(b"a,b\n\"two\nlines\",c\n", &mut ImportReport::default()).unwrap();
        assert_eq!(lines[1].cells[0], "<p>two</p><p>lines</p>");
        assert_eq!(lines[1].location(), "line 2");
    }
}
