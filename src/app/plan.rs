//! Plans: import and export whole plans, read them, and record progress on actions.

use std::collections::BTreeMap;

use time::Date;

use super::App;
use crate::domain::{
    Action, ActionId, Area, Error, Objective, PlanSummary, PlanTree, ProgressUpdate, Result,
};

/// A progress update as an owner submits it.
#[derive(Debug, Clone)]
pub struct NewUpdate {
    /// The day the progress is reported for.
    pub date: Date,
    /// Who is reporting.
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
    pub plan: PlanTree,
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
    /// Every stored plan.
    pub async fn plans(&self) -> Result<Vec<PlanSummary>> {
        self.store.plans().await
    }

    /// A plan by id or slug, with its whole tree.
    pub async fn plan(&self, key: &str) -> Result<(PlanSummary, PlanTree)> {
        let summary = self.store.plan_summary(key).await?;
        let tree = self.store.plan_tree(summary.id).await?;
        Ok((summary, tree))
    }

    /// An action of a plan, by the action's id.
    pub async fn action(&self, plan_key: &str, action: &str) -> Result<ActionInPlan> {
        let wanted: i64 = action
            .parse()
            .map_err(|_| Error::not_found(format!("action {action:?}")))?;
        let (summary, plan) = self.plan(plan_key).await?;
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
            .find(|(_, id)| *id == Some(ActionId(wanted)))
            .map(|(at, _)| at)
            .ok_or_else(|| Error::not_found(format!("action {action:?} in this plan")))?;
        Ok(ActionInPlan { summary, plan, at })
    }

    /// Stores an imported or hand-written plan as a new plan. A plan with the same local
    /// area and title that is already stored is never overwritten: this one becomes its
    /// next version.
    pub async fn import_plan(&self, mut plan: PlanTree) -> Result<PlanSummary> {
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
        let id = self
            .store
            .insert_plan(&plan, &slug, &area_slug, self.clock.now())
            .await?;
        self.store.plan_summary(&id.0.to_string()).await
    }

    /// The plan as plan JSON values, ready to write out.
    pub async fn export_plan(&self, key: &str) -> Result<PlanTree> {
        Ok(self.plan(key).await?.1)
    }

    /// Appends a progress update to an action; its ratings become the action's current
    /// ratings. Ratings are checked against the plan's own key.
    pub async fn record_update(
        &self,
        plan_key: &str,
        action: &str,
        update: NewUpdate,
    ) -> Result<()> {
        let found = self.action(plan_key, action).await?;
        let narrative = update.narrative.trim();
        if narrative.is_empty() {
            return Err(Error::invalid(
                "narrative",
                "say what has happened since the last update",
            ));
        }
        if update.date > self.clock.today() {
            return Err(Error::invalid(
                "date",
                "an update cannot be dated in the future",
            ));
        }
        found.plan.rating_scheme.check_ratings(&update.ratings)?;
        let id = found
            .action()
            .id
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("a stored action has no id")))?;
        let update = ProgressUpdate {
            date: update.date,
            author: update.author.filter(|a| !a.trim().is_empty()),
            narrative: narrative.to_owned(),
            ratings: update.ratings,
        };
        self.store
            .insert_update(id, &update, self.clock.now())
            .await
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
