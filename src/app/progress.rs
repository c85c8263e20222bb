//! Running an action day to day: progress with ratings and evidence, milestones done,
//! due dates moved with a reason, and the evidence served back.

use std::collections::BTreeMap;

use time::Date;

use super::App;
use super::plan::ActionInPlan;
use crate::domain::{
    ActionId, ActionRecord, Error, EvidenceFile, EvidenceId, FlagRules, MilestoneId, NewDueChange,
    NewEvidence, PlanId, ProgressUpdate, ReportingCycle, Result, UpdateId,
};

/// Longest narrative accepted: pages of text, well past any real update.
pub const MAX_NARRATIVE_CHARS: usize = 20_000;

/// A progress report as an owner submits it from the action page: dated today.
#[derive(Debug, Clone, Default)]
pub struct ProgressReport {
    /// Who is reporting.
    pub author: Option<String>,
    /// What has happened.
    pub narrative: String,
    /// New ratings by dimension key; dimensions left out keep their rating.
    pub ratings: BTreeMap<String, String>,
    /// Files and links that show it.
    pub evidence: Vec<NewEvidence>,
    /// Milestones this update completes; they are marked done today.
    pub milestones_done: Vec<MilestoneId>,
}

/// Everything the action page shows.
#[derive(Debug, Clone)]
pub struct ActionPage {
    /// The action in its plan.
    pub found: ActionInPlan,
    /// Its history with ids.
    pub record: ActionRecord,
    /// The plan's cycle.
    pub cycle: ReportingCycle,
    /// Today's flag rules.
    pub rules: FlagRules,
}

fn stored_id(found: &ActionInPlan) -> Result<ActionId> {
    found
        .action()
        .id
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("a stored action has no id")))
}

impl App {
    /// The action, its history with ids and today's flag rules.
    pub async fn action_page(&self, plan: &str, action: &str) -> Result<ActionPage> {
        let found = self.action(plan, action).await?;
        let record = self.store.action_record(stored_id(&found)?).await?;
        let cycle = self.store.reporting_cycle(found.summary.id).await?;
        Ok(ActionPage {
            rules: FlagRules::new(self.clock.today(), cycle.weeks),
            found,
            record,
            cycle,
        })
    }

    /// Records progress on an action, dated today: the narrative and ratings (checked
    /// against the plan's key), evidence kept in the database, and milestones done.
    /// One transaction.
    pub async fn record_progress(
        &self,
        plan: &str,
        action: &str,
        report: ProgressReport,
    ) -> Result<UpdateId> {
        let found = self.action(plan, action).await?;
        let narrative = report.narrative.trim();
        if narrative.is_empty() {
            return Err(Error::invalid(
                "narrative",
                "Enter what has happened since the last update",
            ));
        }
        if narrative.chars().count() > MAX_NARRATIVE_CHARS {
            return Err(Error::invalid(
                "narrative",
                format!("The update must be {MAX_NARRATIVE_CHARS} characters or fewer"),
            ));
        }
        found.plan.rating_scheme.check_ratings(&report.ratings)?;
        let update = ProgressUpdate {
            date: self.clock.today(),
            author: report
                .author
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty()),
            narrative: narrative.to_owned(),
            ratings: report.ratings,
        };
        self.store
            .insert_progress(
                stored_id(&found)?,
                &update,
                &report.evidence,
                &report.milestones_done,
                self.clock.now(),
            )
            .await
    }

    /// Marks a milestone done on `on` (today when not given); a date in the future is
    /// refused.
    pub async fn complete_milestone(
        &self,
        plan: &str,
        action: &str,
        milestone: MilestoneId,
        on: Option<Date>,
    ) -> Result<()> {
        let found = self.action(plan, action).await?;
        let today = self.clock.today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(Error::invalid(
                "done_on",
                "The date a milestone was done must be today or in the past",
            ));
        }
        self.store
            .mark_milestone_done(stored_id(&found)?, milestone, on, self.clock.now())
            .await
    }

    /// Moves an action's due date. The old date, the reason and who approved it are
    /// kept in the action's history.
    pub async fn change_due_date(
        &self,
        plan: &str,
        action: &str,
        change: NewDueChange,
        author: Option<String>,
    ) -> Result<()> {
        let found = self.action(plan, action).await?;
        if found.action().due == Some(change.due.by) && found.action().due_from == change.due.from {
            return Err(Error::invalid(
                "due",
                "The new due date is the same as the current one",
            ));
        }
        let author = author
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        self.store
            .insert_due_change(
                stored_id(&found)?,
                &change,
                author.as_deref(),
                self.clock.today(),
                self.clock.now(),
            )
            .await
    }

    /// An evidence file of a plan, to download.
    pub async fn evidence_file(&self, plan: &str, evidence: &str) -> Result<EvidenceFile> {
        let id: i64 = evidence
            .parse()
            .map_err(|_| Error::not_found("evidence file"))?;
        let summary = self.store.plan_summary(plan).await?;
        self.store
            .evidence_file(PlanId(summary.id.0), EvidenceId(id))
            .await
    }
}
