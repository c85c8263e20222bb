//! A report as CSV: one row per action with the tracker's columns (the exception report
//! adds why each action is there; the public summary leaves out owners and commentary).

use super::layout::{tracker_columns, tracker_row};
use crate::domain::{AreaStatus, Error, Reason, Report, ReportBody, Result};

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("writing CSV: {e}"))
}

/// Writes the report as CSV, UTF-8 with a byte-order mark so Excel reads accents right.
pub fn write(report: &Report) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = &report.header;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let head = match &report.body {
        ReportBody::Public(public) => {
            for a in &public.actions {
                rows.push(vec![
                    a.area.to_string(),
                    a.reference.clone().unwrap_or_default(),
                    a.text.clone(),
                    a.stage.clone(),
                    a.due.clone(),
                ]);
            }
            ["Area", "Ref", "Action", "Stage", "Due"]
                .map(str::to_owned)
                .to_vec()
        }
        ReportBody::Exceptions(exceptions) => {
            for item in &exceptions.items {
                let mut row = tracker_row(&item.action);
                let why: Vec<String> = item.reasons.iter().map(Reason::describe).collect();
                row.push(why.join("; "));
                rows.push(row);
            }
            let mut columns = tracker_columns(header);
            columns.push("Why".into());
            columns
        }
        body => {
            let areas: Vec<&AreaStatus> = match body {
                ReportBody::Highlight(h) => h.areas.iter().collect(),
                ReportBody::Tracker(t) => t.areas.iter().collect(),
                ReportBody::Progress(p) => p.areas.iter().map(|a| &a.area).collect(),
                ReportBody::Public(_) | ReportBody::Exceptions(_) => Vec::new(),
            };
            rows.extend(
                areas
                    .into_iter()
                    .flat_map(AreaStatus::actions)
                    .map(tracker_row),
            );
            tracker_columns(header)
        }
    };
    writer.write_record(&head).map_err(internal)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| defused(cell).into_owned()))
            .map_err(internal)?;
    }
    writer.into_inner().map_err(internal)
}

/// A cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return (a plan's text, a name or an audit entry can say anything) gets a
/// leading apostrophe, as spreadsheets themselves do; a plain number such as `-5` is
/// left as it is. Every CSV the app writes goes through here.
pub fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    let number = cell.trim().parse::<f64>().is_ok_and(f64::is_finite);
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::defused;

    #[test]
    fn text_that_looks_like_a_formula_is_not_one() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(
            defused("Plain text - with a dash"),
            "Plain text - with a dash"
        );
        assert_eq!(defused("-5"), "-5");
        assert_eq!(defused("-2.5"), "-2.5");
        assert_eq!(defused("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0");
        assert_eq!(defused("+44 20 7946 0000"), "'+44 20 7946 0000");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("\t=1"), "'\t=1");
    }
}
