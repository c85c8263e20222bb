//! Running an action day to day: progress with ratings and evidence, milestones done,
//! due dates moved with a reason, and the evidence served back.
//!
//! Who may do what: whoever may read the plan reads the action page and downloads its
//! evidence; the action's owners, and the area's admins and editors, record progress,
//! add evidence and mark milestones done; only admins and editors move a due date. Every
//! change is written with its audit entry in one transaction, and its author is whoever
//! is signed in.

use std::collections::BTreeMap;

use time::Date;

use super::App;
use super::plan::{ActionInPlan, MAX_NARRATIVE_CHARS, author_in};
use crate::domain::{
    ActionId, ActionRecord, Actor, Error, EvidenceFile, EvidenceId, FlagRules, MilestoneId,
    NewAuditEvent, NewDueChange, NewEvidence, ProgressUpdate, ReportingCycle, Result, UpdateId,
};

/// A progress report as an owner submits it from the action page: dated today.
#[derive(Debug, Clone, Default)]
pub struct ProgressReport {
    /// Who is reporting: only the command line may name someone; a signed-in person is
    /// always the author of their own updates.
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

/// An audit entry by `actor` about the found action.
fn audit_of(
    actor: &Actor,
    found: &ActionInPlan,
    entity: &'static str,
    event: &'static str,
) -> NewAuditEvent {
    NewAuditEvent {
        local_area_id: Some(found.summary.local_area_id),
        plan_id: Some(found.summary.id),
        action_id: found.action().id,
        ..NewAuditEvent::by(actor, entity, event)
    }
}

impl App {
    /// The action, its history with ids and today's flag rules, for whoever may read
    /// the plan.
    pub async fn action_page(&self, actor: &Actor, plan: &str, action: &str) -> Result<ActionPage> {
        let (found, cycle) = self.action_and_cycle(actor, plan, action).await?;
        let record = self.store.action_record(stored_id(&found)?).await?;
        Ok(ActionPage {
            rules: FlagRules::new(self.clock.today(), cycle.weeks),
            found,
            record,
            cycle,
        })
    }

    /// Whether the actor may move the action's due date, for showing the link.
    pub fn may_change_due_date(&self, actor: &Actor, found: &ActionInPlan) -> bool {
        self.may_edit_plan(actor, &found.summary)
    }

    /// `Ok` if the actor may record progress on the action; otherwise the refusal (sign
    /// in, or forbidden). For checking before a form's own problems are shown.
    pub fn check_may_record_progress(&self, actor: &Actor, found: &ActionInPlan) -> Result<()> {
        actor
            .may_record_progress(
                found.summary.local_area_id,
                found.summary.published,
                &found.plan,
                found.action(),
            )
            .check(|| format!("action {}", found.action().label()))
    }

    /// Checks that the actor may record progress on the action, then the update itself:
    /// a narrative of sensible length, a date neither in the future nor before the plan
    /// began, ratings from the plan's
    /// key. The one gate for the action page's form and the API.
    pub(super) fn checked_update(
        &self,
        actor: &Actor,
        found: &ActionInPlan,
        date: Date,
        author: Option<String>,
        narrative: &str,
        ratings: BTreeMap<String, String>,
    ) -> Result<ProgressUpdate> {
        self.check_may_record_progress(actor, found)?;
        let narrative = narrative.trim();
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
        if date > self.clock.today() {
            return Err(Error::invalid(
                "date",
                "An update cannot be dated in the future",
            ));
        }
        // An update dated long ago would rewrite what earlier reports said happened:
        // nothing may be dated before the plan began.
        if let Some(began) = found.plan.began()
            && date < began
        {
            return Err(Error::invalid(
                "date",
                format!(
                    "An update cannot be dated before the plan began ({})",
                    crate::domain::uk_date(began)
                ),
            ));
        }
        found.plan.rating_scheme.check_ratings(&ratings)?;
        Ok(ProgressUpdate {
            date,
            author: author_in(actor, found.summary.local_area_id, author),
            narrative: narrative.to_owned(),
            ratings,
        })
    }

    /// Whether an update dated `date` falls inside a reporting cycle that has closed
    /// (before the day the latest one closed): its report was frozen without it, so
    /// only the plan's editors may add it, and it is marked a late entry. One dated on
    /// the closing day is not late: owners update that day, and what is recorded after
    /// the close counts among the next cycle's changes.
    async fn late_entry(&self, actor: &Actor, found: &ActionInPlan, date: Date) -> Result<bool> {
        let closed = self.store.closed_cycles(found.summary.id).await?;
        let Some(last) = closed.iter().map(|c| c.ends_on).max() else {
            return Ok(false);
        };
        if date >= last {
            return Ok(false);
        }
        if actor
            .may_edit_plan(found.summary.local_area_id, found.summary.published)
            .check(|| "the plan".to_owned())
            .is_err()
        {
            return Err(Error::invalid(
                "date",
                format!(
                    "That date is in a reporting cycle that has closed (up to {}). Date the update {} or later, or ask the programme team to add it as a late entry",
                    crate::domain::uk_date(last),
                    crate::domain::uk_date(last)
                ),
            ));
        }
        Ok(true)
    }

    /// Writes a checked update with its evidence and milestones done, and its audit
    /// entry, in one transaction.
    pub(super) async fn store_progress(
        &self,
        actor: &Actor,
        found: &ActionInPlan,
        update: &ProgressUpdate,
        evidence: &[NewEvidence],
        milestones_done: &[MilestoneId],
    ) -> Result<UpdateId> {
        let late = self.late_entry(actor, found, update.date).await?;
        let event = if late {
            "progress.recorded_late"
        } else {
            "progress.recorded"
        };
        let audit = audit_of(actor, found, "progress_update", event);
        self.store
            .insert_progress(
                stored_id(found)?,
                (update, late),
                evidence,
                milestones_done,
                &audit,
                self.clock.now(),
            )
            .await
    }

    /// Records progress on an action, dated today: the narrative and ratings (checked
    /// against the plan's key), evidence kept in the database, and milestones done.
    /// Owners on their own actions, admins and editors on any action of their area.
    /// One transaction with its audit entry.
    #[tracing::instrument(skip_all, fields(plan, action, actor = actor.user_id().map(|u| u.0)))]
    pub async fn record_progress(
        &self,
        actor: &Actor,
        plan: &str,
        action: &str,
        report: ProgressReport,
    ) -> Result<UpdateId> {
        let found = self.action_to_change(actor, plan, action).await?;
        let update = self.checked_update(
            actor,
            &found,
            self.clock.today(),
            report.author,
            &report.narrative,
            report.ratings,
        )?;
        self.store_progress(
            actor,
            &found,
            &update,
            &report.evidence,
            &report.milestones_done,
        )
        .await
    }

    /// Marks a milestone done on `on` (today when not given); a date in the future is
    /// refused. Whoever may record progress on the action may.
    #[tracing::instrument(skip_all, fields(plan, action, milestone = milestone.0, actor = actor.user_id().map(|u| u.0)))]
    pub async fn complete_milestone(
        &self,
        actor: &Actor,
        plan: &str,
        action: &str,
        milestone: MilestoneId,
        on: Option<Date>,
    ) -> Result<()> {
        let found = self.action_to_change(actor, plan, action).await?;
        self.check_may_record_progress(actor, &found)?;
        let today = self.clock.today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(Error::invalid(
                "done_on",
                "The date a milestone was done must be today or in the past",
            ));
        }
        let audit = audit_of(actor, &found, "milestone", "milestone.done");
        self.store
            .mark_milestone_done(stored_id(&found)?, milestone, on, &audit, self.clock.now())
            .await
    }

    /// Moves an action's due date: admins and editors of the area. The old date, the
    /// reason, who approved it and who recorded it are kept in the action's history and
    /// the audit trail.
    #[tracing::instrument(skip_all, fields(plan, action, actor = actor.user_id().map(|u| u.0)))]
    pub async fn change_due_date(
        &self,
        actor: &Actor,
        plan: &str,
        action: &str,
        change: NewDueChange,
        author: Option<String>,
    ) -> Result<()> {
        let found = self.action_to_change(actor, plan, action).await?;
        self.check_may_edit_plan(actor, &found.summary)?;
        if found.action().due == Some(change.due.by) && found.action().due_from == change.due.from {
            return Err(Error::invalid(
                "due",
                "The new due date is the same as the current one",
            ));
        }
        let author = author_in(actor, found.summary.local_area_id, author);
        let audit = audit_of(actor, &found, "action", "action.due_changed");
        self.store
            .insert_due_change(
                stored_id(&found)?,
                &change,
                author.as_deref(),
                self.clock.today(),
                &audit,
                self.clock.now(),
            )
            .await
    }

    /// An evidence file of a plan, to download: for whoever may read the plan.
    pub async fn evidence_file(
        &self,
        actor: &Actor,
        plan: &str,
        evidence: &str,
    ) -> Result<EvidenceFile> {
        let id: i64 = evidence
            .parse()
            .map_err(|_| Error::not_found("evidence file"))?;
        let summary = self.plan_summary(actor, plan).await?;
        self.store.evidence_file(summary.id, EvidenceId(id)).await
    }
}
