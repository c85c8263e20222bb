//! The advisers' comparison as a spreadsheet: CSV and XLSX, one row per plan, with the
//! counts and the percentages the page shows.

use rust_xlsxwriter::{Format, Workbook};

use crate::domain::{Error, PlanProgress, Result};

const HEADERS: [&str; 18] = [
    "Local area",
    "Plan",
    "Kind",
    "Version",
    "Actions",
    "Complete",
    "Complete %",
    "On track",
    "On track %",
    "Off track",
    "Off track %",
    "Overdue",
    "Overdue %",
    "Not rated",
    "No update in 6 weeks",
    "No update in 6 weeks %",
    "Last update",
    "Last cycle closed",
];

/// One cell: text or a whole number.
enum Cell {
    Text(String),
    Number(usize),
}

fn rows(plans: &[PlanProgress]) -> Vec<Vec<Cell>> {
    let date = |d: Option<time::Date>| Cell::Text(d.map(|d| d.to_string()).unwrap_or_default());
    plans
        .iter()
        .map(|p| {
            let overdue = if p.has_deadlines() {
                vec![Cell::Number(p.overdue), Cell::Number(p.percent(p.overdue))]
            } else {
                vec![Cell::Text("no deadlines".into()), Cell::Text(String::new())]
            };
            let mut row = vec![
                Cell::Text(p.summary.local_area.clone()),
                Cell::Text(p.summary.title.clone()),
                Cell::Text(p.summary.kind.label().to_owned()),
                Cell::Number(usize::try_from(p.summary.version).unwrap_or(0)),
                Cell::Number(p.total()),
            ];
            for n in [p.complete, p.on_track, p.off_track] {
                row.extend([Cell::Number(n), Cell::Number(p.percent(n))]);
            }
            row.extend(overdue);
            row.extend([
                Cell::Number(p.unrated),
                Cell::Number(p.no_recent_update),
                Cell::Number(p.percent(p.no_recent_update)),
                date(p.last_update),
                date(p.last_cycle),
            ]);
            row
        })
        .collect()
}

/// The comparison as CSV, dates as YYYY-MM-DD.
pub fn comparison_csv(plans: &[PlanProgress]) -> Result<Vec<u8>> {
    let fail = |e: csv::Error| Error::Internal(anyhow::anyhow!("writing the comparison CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADERS).map_err(fail)?;
    for row in rows(plans) {
        writer
            .write_record(row.iter().map(|cell| match cell {
                Cell::Text(text) => text.clone(),
                Cell::Number(n) => n.to_string(),
            }))
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::Internal(anyhow::anyhow!("writing the comparison CSV: {e}")))
}

/// The comparison as an Excel workbook with a bold, frozen header row.
pub fn comparison_xlsx(plans: &[PlanProgress]) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Error::Internal(anyhow::anyhow!("writing the comparison workbook: {e}"))
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Comparison").map_err(fail)?;
    let bold = Format::new().set_bold();
    for (col, header) in (0_u16..).zip(HEADERS) {
        sheet
            .write_string_with_format(0, col, header, &bold)
            .map_err(fail)?;
    }
    for (row, cells) in (1_u32..).zip(rows(plans)) {
        for (col, cell) in (0_u16..).zip(cells) {
            match cell {
                Cell::Text(text) => sheet.write_string(row, col, text).map_err(fail)?,
                Cell::Number(n) => sheet
                    .write_number(row, col, f64::from(u32::try_from(n).unwrap_or(u32::MAX)))
                    .map_err(fail)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    sheet.autofit();
    workbook.save_to_buffer().map_err(fail)
}
