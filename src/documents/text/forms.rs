//! Plans written as forms: each action its own two-column table of labels and values
//! ("Action number | 1", "What we will do | …", "Lead officer(s) | …"). Such a table is
//! turned round into a header row of its labels and one row of its values, so the same
//! passes read it as they read a plan table; a run of such tables is one table.

use super::columns::{self, Known};
use super::lines::{Line, Origin};

/// The lines with every form table turned into a header and a row.
pub(super) fn transpose(lines: &[Line], known: &Known) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let Origin::TableRow { table, .. } = lines[i].origin else {
            out.push(lines[i].clone());
            i += 1;
            continue;
        };
        let end = (i..lines.len())
            .find(|&j| !matches!(lines[j].origin, Origin::TableRow { table: t, .. } if t == table))
            .unwrap_or(lines.len());
        match form(&lines[i..end], known) {
            Some((header, row)) => {
                out.push(header);
                out.push(row);
            }
            None => out.extend_from_slice(&lines[i..end]),
        }
        i = end;
    }
    out
}

/// A table of label and value rows whose labels name plan columns, as a header line and
/// a row line; `None` for any other table.
fn form(rows: &[Line], known: &Known) -> Option<(Line, Line)> {
    if rows.len() < 3 || rows.len() > 40 {
        return None;
    }
    let mut labels = Vec::with_capacity(rows.len());
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        let own: Vec<usize> = (0..row.cells.len())
            .filter(|&k| !row.is_carried(k))
            .collect();
        let [label, value] = own.as_slice() else {
            return None;
        };
        let label_text = row.texts.get(*label)?;
        if label_text.is_empty() || label_text.chars().count() > 60 {
            return None;
        }
        labels.push(row.cells[*label].clone());
        values.push(row.cells[*value].clone());
    }
    let texts: Vec<String> = rows
        .iter()
        .map(|r| {
            let own = (0..r.cells.len()).find(|&k| !r.is_carried(k)).unwrap_or(0);
            r.texts.get(own).cloned().unwrap_or_default()
        })
        .collect();
    let header = columns::recognise(&texts, known)?;
    if !header.names_ref() && header.columns.iter().filter(|c| !c.implicit).count() < 3 {
        return None;
    }
    let origin = rows[0].origin.clone();
    Some((Line::new(origin.clone(), labels), Line::new(origin, values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(table: usize, n: usize, cells: [&str; 2]) -> Line {
        Line::new(
            Origin::TableRow { table, row: n },
            cells.iter().map(|c| (*c).to_owned()).collect(),
        )
    }

    #[test]
    fn a_form_table_becomes_a_header_and_a_row() {
        let lines = vec![
            Line::new(Origin::Paragraph(1), vec!["Area of weakness 1".into()]),
            row(1, 1, ["Action number", "1"]),
            row(1, 2, ["What we will do", "Review the pathway"]),
            row(1, 3, ["Lead officer(s)", "SB (Head of Inclusion)"]),
            row(1, 4, ["Completion by", "November 2022"]),
            row(2, 1, ["Action number", "2"]),
            row(2, 2, ["What we will do", "Train the staff"]),
            row(2, 3, ["Lead officer(s)", "DT"]),
            row(3, 1, ["Initials", "Name"]),
            row(3, 2, ["SB", "Sam Bell"]),
            row(3, 3, ["DT", "Dee Tan"]),
        ];
        let out = transpose(&lines, &Known::default());
        assert_eq!(out.len(), 8);
        assert_eq!(out[1].texts[1], "What we will do");
        assert_eq!(
            out[2].texts,
            [
                "1",
                "Review the pathway",
                "SB (Head of Inclusion)",
                "November 2022"
            ]
        );
        assert_eq!(out[4].texts[0], "2");
        assert_eq!(
            out[5].texts,
            ["Initials", "Name"],
            "a table that is no form stays"
        );
    }
}
