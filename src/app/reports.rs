//! Reports: build a plan's read model for a date and write it in a format.

use time::Date;

use super::App;
use crate::documents::export_report;
use crate::domain::{
    AsAt, DEFAULT_CYCLE_DAYS, Error, Report, ReportFormat, ReportKind, ReportOptions, Result,
    build_report,
};

/// What a person asks for when they download a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRequest {
    /// Which report.
    pub kind: ReportKind,
    /// The day it describes; today when not given.
    pub as_at: Option<AsAt>,
    /// The start of the period a progress report covers; three months earlier by default.
    pub since: Option<Date>,
}

/// A report written out, ready to save or send.
#[derive(Debug, Clone)]
pub struct ReportFile {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// A file name that says what it is: `northshire-wsoa-highlight-2020-02-03.docx`.
    pub file_name: String,
    /// The media type.
    pub content_type: &'static str,
}

impl App {
    /// The day an "as at" stands for. Closed reporting cycles do not exist yet (they come
    /// with the day-to-day issue); asking for one says so instead of guessing a date.
    pub fn resolve_as_at(&self, as_at: Option<AsAt>) -> Result<Date> {
        match as_at {
            None => Ok(self.clock.today()),
            Some(AsAt::Date(day)) => Ok(day),
            Some(AsAt::Cycle(n)) => Err(Error::invalid(
                "as_at",
                format!(
                    "reporting cycle {n} cannot be used: this plan records no closed reporting cycles yet; give a date instead"
                ),
            )),
        }
    }

    /// The read model of a report on a stored plan.
    pub async fn report(&self, plan_key: &str, request: ReportRequest) -> Result<Report> {
        let as_at = self.resolve_as_at(request.as_at)?;
        let (_, plan) = self.plan(plan_key).await?;
        build_report(
            &plan,
            request.kind,
            ReportOptions {
                as_at,
                since: request.since,
                cycle_days: DEFAULT_CYCLE_DAYS,
            },
        )
    }

    /// A report on a stored plan, written in `format`.
    pub async fn export_report(
        &self,
        plan_key: &str,
        request: ReportRequest,
        format: ReportFormat,
    ) -> Result<ReportFile> {
        let (summary, _) = self.plan(plan_key).await?;
        let report = self.report(plan_key, request).await?;
        let bytes = export_report(&report, format)?;
        let day = report.header.as_at;
        Ok(ReportFile {
            bytes,
            file_name: format!(
                "{}-{}-{:04}-{:02}-{:02}.{}",
                summary.slug,
                request.kind.code(),
                day.year(),
                u8::from(day.month()),
                day.day(),
                format.code()
            ),
            content_type: format.content_type(),
        })
    }
}
