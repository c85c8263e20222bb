//! Reports: build a plan's read model for a date and write it in a format, for those who
//! may read it (`Actor::may_read_report`).

use time::Date;

use super::App;
use crate::documents::export_report;
use crate::domain::{
    Actor, AsAt, DEFAULT_CYCLE_DAYS, Error, Permission, PlanSummary, Report, ReportFormat,
    ReportKind, ReportOptions, Result, build_report,
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

    /// Whether the actor may read this report in this format, for offering it.
    pub fn may_read_report(
        &self,
        actor: &Actor,
        summary: &PlanSummary,
        kind: ReportKind,
        format: ReportFormat,
    ) -> bool {
        actor.may_read_report(summary.local_area_id, summary.published, kind, format)
            == Permission::Allowed
    }

    /// The plan, once the actor may read this report on it in this format: a plan the
    /// actor may not see is not found; a report they may not read is refused.
    pub async fn plan_for_report(
        &self,
        actor: &Actor,
        plan_key: &str,
        kind: ReportKind,
        format: ReportFormat,
    ) -> Result<PlanSummary> {
        let summary = self.plan_summary(actor, plan_key).await?;
        actor
            .may_read_report(summary.local_area_id, summary.published, kind, format)
            .check(|| format!("plan {plan_key:?}"))?;
        Ok(summary)
    }

    /// The read model of a report on a stored plan. The read model is the report's data,
    /// so it is given to whoever may read the report as JSON.
    pub async fn report(
        &self,
        actor: &Actor,
        plan_key: &str,
        request: ReportRequest,
    ) -> Result<Report> {
        let summary = self
            .plan_for_report(actor, plan_key, request.kind, ReportFormat::Json)
            .await?;
        self.build(&summary, request).await
    }

    async fn build(&self, summary: &PlanSummary, request: ReportRequest) -> Result<Report> {
        let as_at = self.resolve_as_at(request.as_at)?;
        let plan = self.plan_tree(summary.id).await?;
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

    /// A report on a stored plan, written in `format`, for an actor who may read it.
    pub async fn export_report(
        &self,
        actor: &Actor,
        plan_key: &str,
        request: ReportRequest,
        format: ReportFormat,
    ) -> Result<ReportFile> {
        let summary = self
            .plan_for_report(actor, plan_key, request.kind, format)
            .await?;
        let report = self.build(&summary, request).await?;
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
