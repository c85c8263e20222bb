//! Plans: import and export whole plans, read them, and record progress on actions.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::ReportingCycle;

use time::Date;

use super::{App, cache};
use crate::domain::{
    Action, ActionId, Actor, Area, Error, LocalArea, LocalAreaId, NewAuditEvent, Objective, PlanId,
    PlanSummary, PlanTree, Result,
};

/// Longest progress narrative accepted: pages of text, well past any real update. The
/// API's `OpenAPI` document states the same limit.
pub const MAX_NARRATIVE_CHARS: usize = 20_000;

/// A progress update as an owner submits it.
#[derive(Debug, Clone)]
pub struct NewUpdate {
    /// The day the progress is reported for.
    pub date: Date,
    /// Who is reporting; only the command line may name someone else, a signed-in person
    /// is always the author of their own updates.
    pub author: Option<String>,
    /// What has happened.
    pub narrative: String,
    /// New ratings, by dimension key; dimensions left out keep their rating.
    pub ratings: BTreeMap<String, String>,
}

/// An action with the area and objective it sits in.
#[derive(Debug, Clone)]
pub struct ActionInPlan {
    /// The plan as listed.
    pub summary: PlanSummary,
    /// The whole plan (for the rating key and the owner list).
    pub plan: Arc<PlanTree>,
    /// Indexes of the area, objective and action in `plan`.
    pub at: (usize, usize, usize),
}

impl ActionInPlan {
    /// The area of weakness.
    pub fn area(&self) -> &Area {
        &self.plan.areas[self.at.0]
    }

    /// The objective.
    pub fn objective(&self) -> &Objective {
        &self.area().objectives[self.at.1]
    }

    /// The action.
    pub fn action(&self) -> &Action {
        &self.objective().actions[self.at.2]
    }
}

/// "Bath and North East Somerset" → "bath-and-north-east-somerset".
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "plan".to_owned()
    } else {
        slug.chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }
}

impl App {
    /// The plans the actor may read: their areas' plans and every published plan.
    pub async fn plans(&self, actor: &Actor) -> Result<Vec<PlanSummary>> {
        match actor {
            Actor::System => self.store.plans().await,
            Actor::User(user) => self.store.plans_visible_to(Some(user.id)).await,
            Actor::Public => self.store.plans_visible_to(None).await,
        }
    }

    /// A plan the actor may read, by id or slug; another area's unpublished plan is not
    /// found, exactly as if it did not exist.
    pub async fn plan_summary(&self, actor: &Actor, key: &str) -> Result<PlanSummary> {
        let summary = self.store.plan_summary(key).await?;
        actor
            .may_read(summary.local_area_id, summary.published)
            .check(|| format!("plan {key:?}"))?;
        Ok(summary)
    }

    /// A plan by id or slug, with its whole tree. The summary and the plan's revision
    /// come in one query, so an unchanged plan costs that query alone.
    pub async fn plan(&self, actor: &Actor, key: &str) -> Result<(PlanSummary, Arc<PlanTree>)> {
        let (summary, tree, _) = self.plan_and_cycle(actor, key).await?;
        Ok((summary, tree))
    }

    /// [`App::plan`] with the plan's reporting cycle, from the same query.
    pub(super) async fn plan_and_cycle(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(PlanSummary, Arc<PlanTree>, ReportingCycle)> {
        let (summary, revision, cycle) = self.readable_plan(actor, key).await?;
        let tree = self.plan_tree_at(summary.id, revision).await?;
        Ok((summary, tree, cycle))
    }

    /// A plan the actor may read, with its revision and reporting cycle (one query).
    async fn readable_plan(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(PlanSummary, i64, ReportingCycle)> {
        let (summary, revision, cycle) = self.store.plan_summary_and_revision(key).await?;
        actor
            .may_read(summary.local_area_id, summary.published)
            .check(|| format!("plan {key:?}"))?;
        Ok((summary, revision, cycle))
    }

    /// [`App::plan_and_cycle`] with the tree as it stands: each action with its latest
    /// update only (what the plan page shows unless it searches the updates' words),
    /// kept by revision like the whole tree.
    pub(super) async fn plan_as_it_stands(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(PlanSummary, Arc<PlanTree>, ReportingCycle)> {
        let (summary, revision, cycle) = self.readable_plan(actor, key).await?;
        let kept = self.standing.get(summary.id, revision);
        cache::record_lookup("standing", kept.is_some());
        if let Some(tree) = kept {
            return Ok((summary, tree, cycle));
        }
        let tree = Arc::new(self.store.plan_tree_as_it_stands(summary.id).await?);
        self.standing.put(summary.id, revision, Arc::clone(&tree));
        Ok((summary, tree, cycle))
    }

    /// A plan's tree: the kept one while its revision is unchanged, else read afresh.
    pub(super) async fn plan_tree(&self, plan: PlanId) -> Result<Arc<PlanTree>> {
        let revision = self.store.plan_revision(plan).await?;
        self.plan_tree_at(plan, revision).await
    }

    /// The plan's tree as of `revision`, read just before (never after) the tree.
    async fn plan_tree_at(&self, plan: PlanId, revision: i64) -> Result<Arc<PlanTree>> {
        let kept = self.plans.get(plan, revision);
        cache::record_lookup("tree", kept.is_some());
        if let Some(tree) = kept {
            return Ok(tree);
        }
        let tree = Arc::new(self.store.plan_tree(plan).await?);
        self.plans.put(plan, revision, Arc::clone(&tree));
        Ok(tree)
    }

    /// An action of a plan, by the action's id.
    pub async fn action(
        &self,
        actor: &Actor,
        plan_key: &str,
        action: &str,
    ) -> Result<ActionInPlan> {
        Ok(self.action_and_cycle(actor, plan_key, action).await?.0)
    }

    /// [`App::action`] with the plan's reporting cycle, from the same query.
    pub(super) async fn action_and_cycle(
        &self,
        actor: &Actor,
        plan_key: &str,
        action: &str,
    ) -> Result<(ActionInPlan, ReportingCycle)> {
        let wanted = action_id(action)?;
        let (summary, plan, cycle) = self.plan_and_cycle(actor, plan_key).await?;
        Ok((locate(summary, plan, wanted, action)?, cycle))
    }

    /// An action about to be changed, with only what checking and recording the change
    /// needs around it ([`Store::action_tree`](crate::store::Store::action_tree)): the
    /// tree holds this one action of the plan. Read fresh, never from the plan cache.
    pub async fn action_to_change(
        &self,
        actor: &Actor,
        plan_key: &str,
        action: &str,
    ) -> Result<ActionInPlan> {
        let wanted = action_id(action)?;
        let summary = self.plan_summary(actor, plan_key).await?;
        let plan = match self.store.action_tree(summary.id, wanted).await {
            Err(Error::NotFound(_)) => {
                return Err(Error::not_found(format!("action {action:?} in this plan")));
            }
            other => Arc::new(other?),
        };
        locate(summary, plan, wanted, action)
    }

    /// Stores an imported or hand-written plan as a new plan. A plan with the same local
    /// area and title that is already stored is never overwritten: this one becomes its
    /// next version. The command line may import for any area (creating it); a person
    /// only as an admin or editor of the plan's local area. A new plan is unpublished.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0)))]
    pub async fn import_plan(&self, actor: &Actor, plan: PlanTree) -> Result<PlanSummary> {
        self.store_new_plan(actor, plan, "plan.imported").await
    }

    /// [`App::import_plan`], with the audit trail naming how the plan arrived.
    pub(super) async fn store_new_plan(
        &self,
        actor: &Actor,
        mut plan: PlanTree,
        event: &'static str,
    ) -> Result<PlanSummary> {
        actor
            .may_import_into(&plan.local_area)
            .check(|| format!("local area {:?}", plan.local_area))?;
        plan.validate()?;
        if let Some(latest) = self
            .store
            .latest_version(&plan.local_area, &plan.title)
            .await?
        {
            plan.version = plan.version.max(latest + 1);
        }
        let kind = match plan.kind {
            crate::domain::PlanKind::WrittenStatementOfAction => "wsoa",
            crate::domain::PlanKind::AcceleratedProgressPlan => "app",
            crate::domain::PlanKind::PriorityActionPlan => "priority-action-plan",
            crate::domain::PlanKind::ImprovementPlan => "improvement-plan",
        };
        let area_slug = slugify(&plan.local_area);
        let mut base = format!("{area_slug}-{kind}");
        if plan.version > 1 {
            base = format!("{base}-v{}", plan.version);
        }
        let mut slug = base.clone();
        let mut n = 2;
        while self.store.slug_taken(&slug).await? {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let audit = NewAuditEvent {
            entity_id: None,
            after: Some(serde_json::json!({
                "slug": slug,
                "title": plan.title,
                "local_area": plan.local_area,
                "version": plan.version,
                "areas": plan.areas.len(),
                "actions": plan.actions().count(),
            })),
            ..NewAuditEvent::by(actor, "plan", event)
        };
        let id = self
            .store
            .insert_plan(&plan, &slug, &area_slug, &audit, self.clock.now())
            .await?;
        self.store.plan_summary(&id.0.to_string()).await
    }

    /// Reads a plan JSON document and imports it, as [`App::import_plan`] does.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), bytes = bytes.len()))]
    pub async fn import_plan_json(&self, actor: &Actor, bytes: &[u8]) -> Result<PlanSummary> {
        if matches!(actor, Actor::Public) {
            return Err(Error::Unauthorized);
        }
        let plan = crate::documents::read_plan_json(bytes)?;
        self.import_plan(actor, plan).await
    }

    /// The local areas the actor may know of: where they have a role, and where a plan
    /// is published.
    pub async fn local_areas(&self, actor: &Actor) -> Result<Vec<LocalArea>> {
        let all = self.store.local_areas().await?;
        if matches!(actor, Actor::System) {
            return Ok(all);
        }
        let published: std::collections::HashSet<LocalAreaId> = self
            .plans(actor)
            .await?
            .into_iter()
            .map(|p| p.local_area_id)
            .collect();
        Ok(all
            .into_iter()
            .filter(|a| published.contains(&a.id) || actor.grant(a.id).is_some())
            .collect())
    }

    /// Publishes a plan (anyone may then read it) or withdraws it: admins and editors.
    #[tracing::instrument(skip_all, fields(plan = key, published, actor = actor.user_id().map(|u| u.0)))]
    pub async fn set_published(
        &self,
        actor: &Actor,
        key: &str,
        published: bool,
    ) -> Result<PlanSummary> {
        let summary = self.plan_summary(actor, key).await?;
        actor
            .may_edit_plan(summary.local_area_id, summary.published)
            .check(|| format!("plan {key:?}"))?;
        let event = if published {
            "plan.published"
        } else {
            "plan.unpublished"
        };
        let audit = NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            ..NewAuditEvent::by(actor, "plan", event)
        };
        self.store
            .set_published(summary.id, published, &audit, self.clock.now())
            .await?;
        self.store.plan_summary(&summary.id.0.to_string()).await
    }

    /// A plan the actor may change beyond progress — KPIs, a CSV of actuals, voice,
    /// "you said, we did", governance, the timeline and the glossary — with its tree:
    /// admins and editors of its area. Pages call it before reading a form, so a person
    /// who may not change the plan is told so rather than shown the form's problems.
    pub async fn plan_to_edit(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(PlanSummary, Arc<PlanTree>)> {
        let (summary, tree) = self.plan(actor, key).await?;
        actor
            .may_edit_plan(summary.local_area_id, summary.published)
            .check(|| format!("plan {key:?}"))?;
        Ok((summary, tree))
    }

    /// The audit entry for a change to something beside a plan's actions (a KPI, a quote,
    /// a meeting…): who, which area and plan, and the new state.
    pub(super) fn plan_audit_event(
        actor: &Actor,
        summary: &PlanSummary,
        entity: &'static str,
        event: &'static str,
        after: &impl serde::Serialize,
    ) -> Result<NewAuditEvent> {
        Ok(NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            plan_id: Some(summary.id),
            after: Some(
                serde_json::to_value(after).map_err(|e| Error::Internal(anyhow::Error::new(e)))?,
            ),
            ..NewAuditEvent::by(actor, entity, event)
        })
    }

    /// The plan as plan JSON values, ready to write out.
    pub async fn export_plan(&self, actor: &Actor, key: &str) -> Result<PlanTree> {
        Ok(Arc::unwrap_or_clone(self.plan(actor, key).await?.1))
    }

    /// Whether the actor may publish or withdraw the plan, for showing the buttons.
    pub fn may_edit_plan(&self, actor: &Actor, summary: &PlanSummary) -> bool {
        actor.may_edit_plan(summary.local_area_id, summary.published)
            == crate::domain::Permission::Allowed
    }

    /// Whether the actor may read the plan's audit trail, for showing the links.
    pub fn may_read_audit(&self, actor: &Actor, summary: &PlanSummary) -> bool {
        actor.may_read_internal(summary.local_area_id, summary.published)
            == crate::domain::Permission::Allowed
    }

    /// Whether the actor may record progress on an action, for showing the form.
    pub fn may_record_progress(&self, actor: &Actor, found: &ActionInPlan) -> bool {
        actor.may_record_progress(
            found.summary.local_area_id,
            found.summary.published,
            &found.plan,
            found.action(),
        ) == crate::domain::Permission::Allowed
    }

    /// Appends a progress update to an action; its ratings become the action's current
    /// ratings. Ratings are checked against the plan's own key. Admins and editors may
    /// record on any action of their area, owners on their own; a person is always the
    /// author of what they record. The API's way in: the action page's form, with
    /// evidence and milestones, is [`App::record_progress`], and both share the same
    /// checks, store write and audit entry.
    #[tracing::instrument(skip_all, fields(plan = plan_key, action, actor = actor.user_id().map(|u| u.0)))]
    pub async fn record_update(
        &self,
        actor: &Actor,
        plan_key: &str,
        action: &str,
        update: NewUpdate,
    ) -> Result<()> {
        let found = self.action_to_change(actor, plan_key, action).await?;
        let progress = self.checked_update(
            actor,
            &found,
            update.date,
            update.author,
            &update.narrative,
            update.ratings,
        )?;
        self.store_progress(actor, &found, &progress, &[], &[])
            .await
            .map(|_| ())
    }
}

/// An action id as written in a path.
fn action_id(action: &str) -> Result<ActionId> {
    action
        .parse()
        .map(ActionId)
        .map_err(|_| Error::not_found(format!("action {action:?}")))
}

/// Where the action `wanted` sits in `plan`.
fn locate(
    summary: PlanSummary,
    plan: Arc<PlanTree>,
    wanted: ActionId,
    action: &str,
) -> Result<ActionInPlan> {
    let at = plan
        .areas
        .iter()
        .enumerate()
        .flat_map(|(ai, area)| {
            area.objectives
                .iter()
                .enumerate()
                .flat_map(move |(oi, objective)| {
                    objective
                        .actions
                        .iter()
                        .enumerate()
                        .map(move |(xi, a)| ((ai, oi, xi), a.id))
                })
        })
        .find(|(_, id)| *id == Some(wanted))
        .map(|(at, _)| at)
        .ok_or_else(|| Error::not_found(format!("action {action:?} in this plan")))?;
    Ok(ActionInPlan { summary, plan, at })
}

/// How history names whoever made a change in an area: an owner by the key the plan
/// knows them by (so the owner list gives their name), anyone else signed in by their
/// name. Only the command line may name someone else, as `given`.
pub(super) fn author_in(actor: &Actor, area: LocalAreaId, given: Option<String>) -> Option<String> {
    match actor {
        Actor::User(user) => Some(
            actor
                .grant(area)
                .and_then(|g| g.person_key.clone())
                .unwrap_or_else(|| user.name.clone()),
        ),
        Actor::System | Actor::Public => {
            given.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            slugify("Bath and North East Somerset"),
            "bath-and-north-east-somerset"
        );
        assert_eq!(slugify("  St. Helens & Knowsley!! "), "st-helens-knowsley");
        assert_eq!(slugify("—"), "plan");
    }
}
