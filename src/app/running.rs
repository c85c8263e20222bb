//! Reading a plan as it is run: the dashboard, the filtered plan view, the people view
//! and the reporting cycles, all computed for today from the `Clock`. Whoever may read
//! the plan reads them all; setting the cycle and closing one is for the area's admins
//! and editors, with an audit entry.

use std::sync::Arc;

use super::App;
use super::plan::author_in;
use crate::domain::{
    ActionFilter, ActionHit, Actor, ClosedCycle, CycleChanges, Dashboard, Error, FilterQuery,
    FlagRules, NewAuditEvent, OwnerSummary, PlanSummary, PlanTree, ReportingCycle, Result,
};

/// A plan with its cycle and the flag rules for today.
#[derive(Debug, Clone)]
pub struct RunningPlan {
    /// The plan as listed.
    pub summary: PlanSummary,
    /// The whole tree.
    pub plan: std::sync::Arc<PlanTree>,
    /// How often it reports.
    pub cycle: ReportingCycle,
    /// Today and the cycle length.
    pub rules: FlagRules,
}

/// The plan page: the plan and, when filtered, the actions that match.
#[derive(Debug, Clone)]
pub struct PlanView {
    /// The plan.
    pub running: RunningPlan,
    /// The filter applied (empty when the query was bad).
    pub filter: ActionFilter,
    /// Matching actions, in plan order.
    pub hits: Vec<ActionHit>,
    /// A bad filter value: the field and what is wrong.
    pub problem: Option<(String, String)>,
}

/// The cycles page.
#[derive(Debug, Clone)]
pub struct CyclesView {
    /// The plan.
    pub running: RunningPlan,
    /// Closed cycles, oldest first.
    pub closed: Vec<ClosedCycle>,
    /// The period the open cycle covers.
    pub open_from: time::Date,
    /// What changed since the last closed cycle, if there is one.
    pub since_last: Option<CycleChanges>,
}

/// One closed cycle and what changed in it.
#[derive(Debug, Clone)]
pub struct CycleView {
    /// The plan.
    pub running: RunningPlan,
    /// The cycle.
    pub cycle: ClosedCycle,
    /// The one before, if any.
    pub previous: Option<ClosedCycle>,
    /// What changed from the previous cycle (or from nothing) to this one.
    pub changes: CycleChanges,
}

impl App {
    /// A plan with its cycle and today's flag rules, for whoever may read it.
    pub async fn running_plan(&self, actor: &Actor, key: &str) -> Result<RunningPlan> {
        let (summary, plan, cycle) = self.plan_and_cycle(actor, key).await?;
        Ok(self.running(summary, plan, cycle))
    }

    pub(super) fn running(
        &self,
        summary: PlanSummary,
        plan: Arc<PlanTree>,
        cycle: ReportingCycle,
    ) -> RunningPlan {
        RunningPlan {
            rules: FlagRules::new(self.clock.today(), cycle.weeks),
            summary,
            plan,
            cycle,
        }
    }

    /// The dashboard of a plan today.
    pub async fn dashboard(&self, actor: &Actor, key: &str) -> Result<(RunningPlan, Dashboard)> {
        let running = self.running_plan(actor, key).await?;
        let dashboard = running.plan.dashboard(&running.rules);
        Ok((running, dashboard))
    }

    /// The plan with the actions a query selects. A bad query value is reported, not
    /// fatal: the page shows the problem beside the form.
    pub async fn plan_view(
        &self,
        actor: &Actor,
        key: &str,
        query: &FilterQuery,
    ) -> Result<PlanView> {
        let (filter, problem) = match ActionFilter::parse(query) {
            Ok(filter) => (filter, None),
            Err(Error::Invalid { field, message }) => {
                (ActionFilter::default(), Some((field, message)))
            }
            Err(other) => return Err(other),
        };
        // Only a search for words reads the update history; every other filter, and the
        // page itself, reads the same from each action's latest update. At national
        // scale that is 250 rows rather than 15,000 per page.
        let running = if filter.words.trim().is_empty() {
            let (summary, plan, cycle) = self.plan_as_it_stands(actor, key).await?;
            self.running(summary, plan, cycle)
        } else {
            self.running_plan(actor, key).await?
        };
        let hits = running.plan.find_actions(&filter, &running.rules);
        Ok(PlanView {
            running,
            filter,
            hits,
            problem,
        })
    }

    /// Every owner with their actions, flags and last update.
    pub async fn people(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(RunningPlan, Vec<OwnerSummary>)> {
        let running = self.running_plan(actor, key).await?;
        let owners = running.plan.owners(&running.rules);
        Ok((running, owners))
    }

    /// The reporting cycles and what changed since the last one closed.
    pub async fn cycles(&self, actor: &Actor, key: &str) -> Result<CyclesView> {
        let running = self.running_plan(actor, key).await?;
        let closed = self.store.closed_cycles(running.summary.id).await?;
        let since_last = match closed.last() {
            Some(last) => {
                let before = self.store.cycle_snapshot(last.id).await?;
                Some(
                    running
                        .plan
                        .changes_between(&before, &running.plan.snapshot()),
                )
            }
            None => None,
        };
        let open_from = self.open_cycle_start(&running, &closed);
        Ok(CyclesView {
            running,
            closed,
            open_from,
            since_last,
        })
    }

    pub(super) fn open_cycle_start(
        &self,
        running: &RunningPlan,
        closed: &[ClosedCycle],
    ) -> time::Date {
        running
            .cycle
            .open_cycle(closed.last(), self.clock.today(), || running.plan.began())
            .0
    }

    /// A closed cycle and what changed in it.
    pub async fn cycle(&self, actor: &Actor, key: &str, number: &str) -> Result<CycleView> {
        let running = self.running_plan(actor, key).await?;
        let wanted: u32 = number
            .parse()
            .map_err(|_| Error::not_found(format!("cycle {number:?}")))?;
        let closed = self.store.closed_cycles(running.summary.id).await?;
        let at = closed
            .iter()
            .position(|c| c.number == wanted)
            .ok_or_else(|| Error::not_found(format!("cycle {wanted}")))?;
        let cycle = closed[at].clone();
        let previous = at.checked_sub(1).map(|i| closed[i].clone());
        let after = self.store.cycle_snapshot(cycle.id).await?;
        let before = match &previous {
            Some(p) => self.store.cycle_snapshot(p.id).await?,
            None => Vec::new(),
        };
        let changes = running.plan.changes_between(&before, &after);
        Ok(CycleView {
            running,
            cycle,
            previous,
            changes,
        })
    }

    /// Closes the open reporting cycle today, freezing every action's ratings, due date,
    /// updates and milestones: admins and editors of the area. A cycle already closed
    /// today is not closed twice. Who closed it is whoever is signed in; only the
    /// command line may name someone as `closed_by`.
    #[tracing::instrument(skip_all, fields(plan = key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn close_cycle(
        &self,
        actor: &Actor,
        key: &str,
        closed_by: Option<String>,
    ) -> Result<ClosedCycle> {
        let running = self.running_plan(actor, key).await?;
        let summary = &running.summary;
        self.check_may_edit_plan(actor, summary)?;
        let closed = self.store.closed_cycles(summary.id).await?;
        let today = self.clock.today();
        if closed.last().is_some_and(|c| c.ends_on >= today) {
            return Err(Error::Conflict(
                "A cycle was already closed today; the next one can close tomorrow at the earliest"
                    .into(),
            ));
        }
        let starts_on = self.open_cycle_start(&running, &closed).min(today);
        let number = closed.last().map_or(1, |c| c.number + 1);
        let board_pack = self
            .board_pack(&running, number, (starts_on, today))
            .await?;
        let closed_by = author_in(actor, summary.local_area_id, closed_by);
        let audit = NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            ..NewAuditEvent::by(actor, "cycle", "cycle.closed")
        };
        self.store
            .insert_cycle(
                summary.id,
                (starts_on, today),
                closed_by.as_deref(),
                &running.plan.snapshot(),
                &board_pack,
                &audit,
                self.clock.now(),
            )
            .await
    }

    /// `Ok` if the actor may change the plan (admins and editors of its area, and the
    /// command line); otherwise the refusal (sign in, or forbidden). For checking before
    /// a form's own problems are shown.
    pub fn check_may_edit_plan(&self, actor: &Actor, summary: &PlanSummary) -> Result<()> {
        actor
            .may_edit_plan(summary.local_area_id, summary.published)
            .check(|| format!("plan {:?}", summary.slug))
    }

    /// The plan, if the actor may change it. Another area's unpublished plan is not
    /// found.
    pub(super) async fn editable_plan(&self, actor: &Actor, key: &str) -> Result<PlanSummary> {
        let summary = self.plan_summary(actor, key).await?;
        self.check_may_edit_plan(actor, &summary)?;
        Ok(summary)
    }

    /// Sets how often the plan reports: admins and editors of the area.
    #[tracing::instrument(skip_all, fields(plan = key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn set_reporting_cycle(
        &self,
        actor: &Actor,
        key: &str,
        cycle: ReportingCycle,
    ) -> Result<()> {
        let summary = self.editable_plan(actor, key).await?;
        let audit = NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            ..NewAuditEvent::by(actor, "plan", "plan.cycle_set")
        };
        self.store
            .set_reporting_cycle(summary.id, cycle, &audit, self.clock.now())
            .await
    }
}
