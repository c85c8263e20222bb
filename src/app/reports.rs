//! Reports: build a plan's read model for a date or a closed reporting cycle and write it
//! in a format, for those who may read it (`Actor::may_read_report`). The plan's own
//! reporting cycle decides what is stale, as on the dashboard, and its closed cycles where
//! "since the last report" starts.

use time::Date;

use super::App;
use crate::documents::export_report;
use crate::domain::{
    Actor, AsAt, ClosedCycle, Permission, PlanSummary, Report, ReportDay, ReportFormat, ReportKind,
    ReportOptions, Result, build_report_with,
};

/// What a person asks for when they download a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportRequest {
    /// Which report.
    pub kind: ReportKind,
    /// The day it describes, or a closed reporting cycle; today when not given.
    pub as_at: Option<AsAt>,
    /// The start of the period the report covers (exclusive); by default the day the
    /// last cycle before the report closed, or three months earlier when there is none.
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
    /// The day an "as at" stands for on a plan the actor may read, and the last report
    /// before it: a cycle number the plan does not have is refused, naming those it has.
    pub async fn resolve_as_at(
        &self,
        actor: &Actor,
        plan_key: &str,
        as_at: Option<AsAt>,
    ) -> Result<ReportDay> {
        let summary = self.plan_summary(actor, plan_key).await?;
        let closed = self.store.closed_cycles(summary.id).await?;
        ReportDay::resolve(as_at, self.clock.today(), &closed)
    }

    /// The plan's closed reporting cycles, oldest first, for offering them as days to
    /// report as at: whoever may read the plan sees them, as on its cycles page.
    pub async fn report_cycles(&self, actor: &Actor, plan_key: &str) -> Result<Vec<ClosedCycle>> {
        let summary = self.plan_summary(actor, plan_key).await?;
        self.store.closed_cycles(summary.id).await
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

    /// The public summary as of today, for whoever may read it as a web page (everyone,
    /// once the plan is published): "What we are doing".
    pub async fn public_summary(&self, actor: &Actor, plan_key: &str) -> Result<Report> {
        let summary = self
            .plan_for_report(actor, plan_key, ReportKind::Public, ReportFormat::Html)
            .await?;
        let request = ReportRequest {
            kind: ReportKind::Public,
            as_at: None,
            since: None,
        };
        self.build(&summary, request).await
    }

    async fn build(&self, summary: &PlanSummary, request: ReportRequest) -> Result<Report> {
        let closed = self.store.closed_cycles(summary.id).await?;
        let day = ReportDay::resolve(request.as_at, self.clock.today(), &closed)?;
        let cycle = self.store.reporting_cycle(summary.id).await?;
        let plan = self.plan_tree(summary.id).await?;
        let changes = self.store.due_changes(summary.id).await?;
        let since_cycle = match request.since {
            Some(_) => None,
            None => day.last_report.as_ref().map(|c| c.number),
        };
        build_report_with(
            &plan,
            &changes,
            request.kind,
            ReportOptions {
                as_at: day.as_at,
                cycle: day.cycle,
                since: day.since(request.since),
                since_cycle,
                cycle_weeks: cycle.weeks,
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
