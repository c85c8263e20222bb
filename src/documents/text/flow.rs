//! Plan tables whose cells were flattened into running text, as a PDF's text comes out:
//! each row a block of words, blocks apart by blank lines, no cell boundaries left.
//!
//! Used only when the lines hold no table the ordinary passes can read. After the first
//! block that names plan columns, each block is rebuilt into the cells of one row: the
//! words before the first ref are the objective, the ref, then the action, from whose
//! end a rating code, a deadline and owners' initials are peeled off. A block without a
//! ref is a further row (an unnumbered action, or the rest of a row a page cut). This is
//! a guess, and the importer says so.

use std::sync::LazyLock;

use regex::Regex;

use super::columns::{is_initials, is_rating_code, parse_due};
use super::lines::{Line, Origin};
use super::table::area_heading;

static FIRST_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)([0-9]{1,2}(?:\.[0-9]{1,2}){1,2}[a-z]?)\s+(\S.*)$").expect("valid regex")
});

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
}
