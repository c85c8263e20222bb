//! Plan tables whose cells were flattened into running text, as a PDF's text comes out:
//! each row a block of words, blocks apart by blank lines, no cell boundaries left.
//!
//! Used only when the lines hold no table the ordinary passes can read. After the first
//! block that names plan columns, each block is rebuilt into the cells of one row: the
//! words before the first ref are the objective, the ref, then the action, from whose
//! end a rating code, a deadline and owners' initials are peeled off. A block without a
//! ref is a further row (an unnumbered action, or the rest of a row a page cut). This is
//! a guess, and the importer says so.
//!
//! Some converters write a table's cells one per line, column after column, with no
//! header block at all. [`interleaved`] reads those by what survives of the structure:
//! area headings, actions numbered like "1.1", and key tasks numbered "1.", "2." beneath
//! each action. Every other line (owners, dates, labels) is kept as a passage on the
//! nearest action above it, and listed in the report.

use std::sync::LazyLock;

use regex::Regex;

use super::columns::{is_initials, is_rating_code, parse_due};
use super::lines::{Line, Origin};
use super::table::area_heading;
use super::{ImportOptions, ImportReport, Imported, import_lines};
use crate::domain::Result;

static FIRST_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)([0-9]{1,2}(?:\.[0-9]{1,2}){1,2}[a-z]?)\s+(\S.*)$").expect("valid regex")
});

static ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2}\.[0-9]{1,2}[a-z]?)[.:)]?\s+(\S.*)$").expect("valid regex")
});

static TASK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]{1,2})[.)]\s+(\S.*)$").expect("valid regex"));

static DATE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|[0-9]|from|ongoing|by|end|early|late|mid|q[1-4]\b)")
        .expect("valid regex")
});

/// Words that name plan columns, to find the header blocks.
const COLUMN_WORDS: [&str; 14] = [
    "objective",
    "objectives",
    "outcome",
    "outcomes",
    "action",
    "actions",
    "owner",
    "lead",
    "ref",
    "rag",
    "status",
    "deadline",
    "time-scale",
    "timescale",
];

/// The lines rebuilt as rows under a header row, or `None` when no block names plan
/// columns.
pub(super) fn rebuild(lines: &[Line]) -> Option<Vec<Line>> {
    let mut blocks: Vec<(Origin, Vec<String>)> = Vec::new();
    let mut current: Option<(Origin, Vec<String>)> = None;
    for line in lines {
        if line.is_blank() {
            blocks.extend(current.take());
        } else {
            current
                .get_or_insert_with(|| (line.origin.clone(), Vec::new()))
                .1
                .push(line.text());
        }
    }
    blocks.extend(current);
    let header = |text: &str| {
        let lower = text.to_lowercase();
        let named = COLUMN_WORDS
            .iter()
            .filter(|w| {
                lower
                    .split_whitespace()
                    .any(|x| x.trim_matches(|c: char| !c.is_alphanumeric() && c != '-') == **w)
            })
            .count();
        named >= 3 && text.chars().count() <= 200 && FIRST_REF.captures(text).is_none()
    };
    let first = blocks
        .iter()
        .position(|(_, texts)| header(&texts.join(" ")))?;
    let mut out = Vec::new();
    for (k, (origin, texts)) in blocks.into_iter().enumerate() {
        let text = texts.join(" ");
        if k < first {
            out.extend(
                texts
                    .into_iter()
                    .map(|t| Line::new(origin.clone(), vec![t])),
            );
        } else if header(&text) {
            out.push(Line::new(
                origin,
                ["Objective", "Ref", "Action", "Owner", "Deadline", "RAG"]
                    .map(str::to_owned)
                    .to_vec(),
            ));
        } else if area_heading(&text).is_some() || texts.len() == 1 && !text.contains(' ') {
            out.push(Line::new(origin, vec![text]));
        } else {
            out.push(row(origin, &text));
        }
        out.push(Line::blank(Origin::Gap));
    }
    Some(out)
}

/// What [`interleaved`] made of the lines.
pub(super) struct Interleaved {
    /// A header row, then for each action its row (ref, action, passages) and its key
    /// tasks as milestone rows; area headings and the text before the first action as
    /// lines of their own.
    pub lines: Vec<Line>,
    /// The passages kept on actions: (where, the action's ref, the text).
    pub passages: Vec<(String, String, String)>,
}

/// The lines read as a table dumped cell by cell, or `None` when fewer than three lines
/// are numbered like actions ("1.1 …") under an area heading.
pub(super) fn interleaved(lines: &[Line]) -> Option<Interleaved> {
    let texts: Vec<String> = lines.iter().map(Line::text).collect();
    let headings = texts.iter().filter(|t| area_heading(t).is_some()).count();
    let actions = texts.iter().filter(|t| ACTION.is_match(t)).count();
    if headings == 0 || actions < 3 {
        return None;
    }
    let header_row = |origin: &Origin| {
        Line::new(
            origin.clone(),
            [
                "Ref",
                "Action",
                "Key tasks",
                "Text beside it in the document",
            ]
            .map(str::to_owned)
            .to_vec(),
        )
    };
    let mut out: Vec<Line> = Vec::new();
    let mut passages = Vec::new();
    // Whether the current area's header row is out: it goes just above its first action.
    let mut headed = false;
    let mut seen_heading = false;
    let mut pending: Vec<&Line> = Vec::new();
    // The current action's row in `out`, and its passages.
    let mut action: Option<(usize, String, Vec<String>)> = None;
    let finish = |out: &mut Vec<Line>, action: &mut Option<(usize, String, Vec<String>)>| {
        if let Some((at, _, texts)) = action.take()
            && let Some(row) = out.get_mut(at)
        {
            let mut cells = row.cells.clone();
            cells[3] = texts.join("; ");
            *row = Line::new(row.origin.clone(), cells);
        }
    };
    for (line, text) in lines.iter().zip(&texts) {
        if line.is_blank() {
            continue;
        }
        if area_heading(text).is_some() {
            finish(&mut out, &mut action);
            // An area with no actions keeps its lines as they were.
            for earlier in pending.drain(..) {
                out.push(Line::new(earlier.origin.clone(), vec![earlier.text()]));
            }
            seen_heading = true;
            out.push(Line::blank(Origin::Gap));
            out.push(Line::new(line.origin.clone(), vec![text.clone()]));
            headed = false;
        } else if let Some(caps) = ACTION.captures(text) {
            finish(&mut out, &mut action);
            if !headed {
                out.push(header_row(&line.origin));
                headed = true;
            }
            out.push(Line::new(
                line.origin.clone(),
                vec![
                    caps[1].to_owned(),
                    caps[2].to_owned(),
                    String::new(),
                    String::new(),
                ],
            ));
            let reference = caps[1].to_owned();
            let mut kept = Vec::new();
            for earlier in pending.drain(..) {
                kept.push(earlier.text());
                passages.push((earlier.location(), reference.clone(), earlier.text()));
            }
            action = Some((out.len() - 1, reference, kept));
        } else if let (Some(caps), Some(_)) = (TASK.captures(text), action.as_ref()) {
            out.push(Line::new(
                line.origin.clone(),
                vec![
                    String::new(),
                    String::new(),
                    caps[2].to_owned(),
                    String::new(),
                ],
            ));
        } else if let Some((_, reference, kept)) = action.as_mut() {
            kept.push(text.clone());
            passages.push((line.location(), reference.clone(), text.clone()));
        } else if seen_heading {
            // Between an area heading and its first action (column labels, mostly): kept
            // on that action, so the heading stays the area's words.
            pending.push(line);
        } else {
            out.push(Line::new(line.origin.clone(), vec![text.clone()]));
        }
    }
    finish(&mut out, &mut action);
    for earlier in pending {
        out.push(Line::new(earlier.origin.clone(), vec![earlier.text()]));
    }
    Some(Interleaved {
        lines: out,
        passages,
    })
}

/// Reads a plan from text whose table cells were dumped one per line, or `None` when it
/// does not look like one ([`interleaved`]). The passages kept on actions are
/// listed in the report.
pub(super) fn import_interleaved(
    lines: &[Line],
    mut report: ImportReport,
    options: &ImportOptions,
) -> Option<Result<Imported>> {
    let read = interleaved(lines)?;
    report.warn(
        "file",
        "no table survived in the text, so actions were read from lines numbered like 1.1 \
         and their key tasks from the lines numbered 1., 2. beneath them; every other line \
         was kept on the action above it as a note, and is listed here: check every action",
    );
    for (location, reference, text) in &read.passages {
        report.warn(
            location.clone(),
            format!("kept on action {reference} as a note: {text}"),
        );
    }
    Some(import_lines(&read.lines, report, options))
}

/// One block as the cells of a row.
fn row(origin: Origin, text: &str) -> Line {
    let (objective, reference, rest) = match FIRST_REF.captures(text) {
        Some(caps) => {
            let at = caps.get(1).map_or(0, |m| m.start());
            (
                text.get(..at).unwrap_or_default().trim().to_owned(),
                caps[1].to_owned(),
                caps[2].to_owned(),
            )
        }
        None => (String::new(), String::new(), text.to_owned()),
    };
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let mut rating = String::new();
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.len() <= 6 && is_rating_code(w))
    {
        words.pop().unwrap_or_default().clone_into(&mut rating);
    }
    let mut due = String::new();
    for take in (1..=6.min(words.len().saturating_sub(1))).rev() {
        let tail = words[words.len() - take..].join(" ");
        let starts_well = DATE_START.is_match(words[words.len() - take]);
        if starts_well && parse_due(&tail).is_some() {
            due = tail;
            words.truncate(words.len() - take);
            break;
        }
    }
    if due.is_empty()
        && words.len() > 1
        && words.last().is_some_and(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "quarterly" | "ongoing" | "monthly" | "annually" | "termly"
            )
        })
    {
        words.pop().unwrap_or_default().clone_into(&mut due);
    }
    let mut owners: Vec<&str> = Vec::new();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| is_initials(w.trim_end_matches(',')))
    {
        owners.insert(0, words.pop().unwrap_or_default());
    }
    let cells = vec![
        objective,
        reference,
        words.join(" "),
        owners.join(" "),
        due,
        rating,
    ];
    Line::new(origin, cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::text::lines::split;

    #[test]
    fn a_flattened_row_is_split_into_its_cells() {
        let lines = split(
            "Objective Ref How will we achieve this? Action Owner Time-scale RAG\n\n1. Needs are understood. 1.1 Refresh the \nassessment JB, AO April – June 2020 G\n\nand with schools\n",
        );
        let rebuilt = rebuild(&lines).unwrap();
        let rows: Vec<&Vec<String>> = rebuilt
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| &l.texts)
            .collect();
        assert_eq!(rows[0][1], "Ref");
        assert_eq!(
            rows[1],
            &[
                "1. Needs are understood.",
                "1.1",
                "Refresh the assessment",
                "JB, AO",
                "April – June 2020",
                "G"
            ]
        );
        assert_eq!(rows[2][2], "and with schools");
    }

    #[test]
    fn cells_dumped_one_per_line_are_read_as_actions_with_key_tasks() {
        let lines = split(
            "Title\nWSOA Area ONE: A finding\nAction\n1.1 Do the first thing\n1. A task\nHead of SEND\n2. Another task\nMay 2025\n1.2 Do more\n1.3 And more\n1. Its task\n",
        );
        let read = interleaved(&lines).unwrap();
        let rows: Vec<&Vec<String>> = read.lines.iter().map(|l| &l.texts).collect();
        assert_eq!(rows[0], &["Title"]);
        assert_eq!(rows[2], &["WSOA Area ONE: A finding"]);
        assert_eq!(rows[3][2], "Key tasks");
        assert_eq!(
            rows[4],
            &[
                "1.1",
                "Do the first thing",
                "",
                "Action; Head of SEND; May 2025"
            ]
        );
        assert_eq!(rows[5][2], "A task");
        assert_eq!(rows[6][2], "Another task");
        assert_eq!(read.passages.len(), 3);
        assert_eq!(read.passages[0].1, "1.1");
        assert!(interleaved(&split("1.1 a\n1.2 b\n1.3 c\n")).is_none());
    }
}
