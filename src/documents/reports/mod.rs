//! Report exporters: a report's read model in, the bytes of a file out.
//!
//! Each report is laid out once (`layout`) as headings, paragraphs, tables and a chart;
//! the HTML, DOCX, PDF and XLSX writers translate that layout. CSV and JSON are written
//! from the read model directly, and the tracker's XLSX has its own layout
//! (`documents::tracker_xlsx`) because it reads back in.

mod chart;
mod csv;
pub use csv::defused;
mod docx;
mod html;
pub(crate) mod layout;
mod pdf;
mod xlsx;

use crate::domain::{Error, Report, ReportBody, ReportFormat, Result};

pub use pdf::source as typst_source;

/// Writes a report in a format.
pub fn export_report(report: &Report, format: ReportFormat) -> Result<Vec<u8>> {
    match format {
        ReportFormat::Json => {
            let mut bytes =
                serde_json::to_vec_pretty(report).map_err(|e| Error::Internal(e.into()))?;
            bytes.push(b'\n');
            Ok(bytes)
        }
        ReportFormat::Csv => csv::write(report),
        ReportFormat::Xlsx => match report.body {
            ReportBody::Tracker(_) => super::tracker_xlsx::write_tracker_xlsx(report),
            _ => xlsx::write(&layout::layout(report)),
        },
        ReportFormat::Html => Ok(html::write(&layout::layout(report))),
        ReportFormat::Docx => docx::write(&layout::layout(report)),
        ReportFormat::Pdf => pdf::write(&layout::layout(report)),
    }
}
