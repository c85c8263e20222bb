//! Editing a plan's structure and its rating key in the app.
//!
//! Removing is deliberately narrow: an area or objective must be empty, a milestone not
//! yet done, a person named on no action, and an action must have no history (updates,
//! due-date changes, cycle snapshots). History is evidence for inspectors, so the app
//! refuses rather than deleting it; the action can be reworded or moved instead.

use super::App;
use crate::domain::{
    Direction, Error, ItemFields, ItemKind, PlanOutline, PlanSummary, RatingScheme, Result,
    ratings_in_use,
};

impl App {
    /// The plan's structure with ids, for the editor.
    pub async fn outline(&self, key: &str) -> Result<(PlanSummary, PlanOutline)> {
        let summary = self.store.plan_summary(key).await?;
        let outline = self.store.plan_outline(summary.id).await?;
        Ok((summary, outline))
    }

    /// Checks that new or changed fields keep the plan's unique keys: area numbers, refs
    /// within an area, people's initials or names. `id` is the item being edited.
    fn check_unique(
        outline: &PlanOutline,
        parent: Option<i64>,
        id: Option<i64>,
        fields: &ItemFields,
    ) -> Result<()> {
        match fields {
            ItemFields::Area { number, .. }
                if outline
                    .areas
                    .iter()
                    .any(|a| a.number == *number && Some(a.id.0) != id) =>
            {
                return Err(Error::invalid(
                    "number",
                    format!("Area {number} already exists; choose another number"),
                ));
            }
            ItemFields::Action {
                reference: Some(reference),
                ..
            } => {
                let area = match id {
                    Some(id) => outline.action(id).map(|(area, _, _)| area),
                    None => parent
                        .and_then(|p| outline.objective(p))
                        .map(|(area, _)| area),
                };
                let clash = area.is_some_and(|area| {
                    area.objectives
                        .iter()
                        .flat_map(|o| o.actions.iter())
                        .any(|a| {
                            Some(a.id.0) != id
                                && a.reference
                                    .as_deref()
                                    .is_some_and(|r| r.eq_ignore_ascii_case(reference))
                        })
                });
                if clash {
                    return Err(Error::invalid(
                        "reference",
                        format!("Another action in this area already has the ref {reference}"),
                    ));
                }
            }
            ItemFields::Person(person)
                if outline
                    .people
                    .iter()
                    .any(|p| p.person.key() == person.key() && Some(p.id.0) != id) =>
            {
                return Err(Error::invalid(
                    if person.initials.is_some() {
                        "initials"
                    } else {
                        "name"
                    },
                    format!("{} is already on the owner list", person.key()),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Adds an area, objective, action, milestone or person at the end of its siblings;
    /// returns its id.
    pub async fn add_item(
        &self,
        key: &str,
        parent: Option<i64>,
        fields: ItemFields,
    ) -> Result<i64> {
        let (summary, outline) = self.outline(key).await?;
        Self::check_unique(&outline, parent, None, &fields)?;
        self.store
            .insert_item(summary.id, parent, &fields, self.clock.now())
            .await
    }

    /// Changes an item's fields. Refs are kept as typed, so moving or inserting other
    /// actions never renumbers them.
    pub async fn edit_item(&self, key: &str, id: i64, fields: ItemFields) -> Result<()> {
        let (summary, outline) = self.outline(key).await?;
        Self::check_unique(&outline, None, Some(id), &fields)?;
        self.store
            .update_item(summary.id, id, &fields, self.clock.now())
            .await
    }

    /// Moves an item up or down among its siblings.
    pub async fn move_item(
        &self,
        key: &str,
        kind: ItemKind,
        id: i64,
        direction: Direction,
    ) -> Result<()> {
        let summary = self.store.plan_summary(key).await?;
        self.store
            .move_item(summary.id, kind, id, direction, self.clock.now())
            .await
    }

    /// Removes an item if nothing depends on it; see the module notes for what is
    /// refused and why.
    pub async fn remove_item(&self, key: &str, kind: ItemKind, id: i64) -> Result<()> {
        let (summary, outline) = self.outline(key).await?;
        let missing = || Error::not_found(format!("{} in this plan", kind.noun()));
        let refusal = match kind {
            ItemKind::Area => {
                let area = outline.area(id).ok_or_else(missing)?;
                (!area.objectives.is_empty()).then(|| {
                    format!(
                        "Area {} still has objectives; remove or move them first",
                        area.number
                    )
                })
            }
            ItemKind::Objective => {
                let (_, objective) = outline.objective(id).ok_or_else(missing)?;
                (!objective.actions.is_empty()).then(|| {
                    format!(
                        "Objective {} still has actions; remove them first",
                        objective.number
                    )
                })
            }
            ItemKind::Action => {
                let (_, _, action) = outline.action(id).ok_or_else(missing)?;
                action.has_history.then(|| {
                    format!(
                        "Action {} has progress history, so it cannot be removed: history is kept as evidence. Reword it or mark it complete instead",
                        action.label()
                    )
                })
            }
            ItemKind::Milestone => {
                let (_, milestone) = outline.milestone(id).ok_or_else(missing)?;
                milestone.done.is_some().then(|| {
                    "This milestone is done, so it is part of the action's history and cannot be removed".to_owned()
                })
            }
            ItemKind::Person => {
                let person = &outline.person(id).ok_or_else(missing)?.person;
                let owned: Vec<&str> = outline
                    .areas
                    .iter()
                    .flat_map(|a| a.objectives.iter())
                    .flat_map(|o| o.actions.iter())
                    .filter(|a| {
                        a.owners.iter().any(|o| {
                            person.initials.as_deref() == Some(o.as_str())
                                || o.eq_ignore_ascii_case(&person.name)
                        })
                    })
                    .map(crate::domain::OutlineAction::label)
                    .collect();
                (!owned.is_empty()).then(|| {
                    format!(
                        "{} owns actions {}; give them another owner first",
                        person.name,
                        owned.join(", ")
                    )
                })
            }
        };
        if let Some(reason) = refusal {
            return Err(Error::Conflict(reason));
        }
        self.store.delete_item(summary.id, kind, id).await
    }

    /// Replaces the plan's rating key, refusing a key that would drop a level or
    /// dimension still used by a rating (current, historical or frozen in a cycle).
    pub async fn update_scheme(&self, key: &str, scheme: RatingScheme) -> Result<()> {
        scheme.validate()?;
        let summary = self.store.plan_summary(key).await?;
        let maps = self.store.rating_maps(summary.id).await?;
        scheme.check_keeps(&ratings_in_use(&maps))?;
        self.store
            .update_rating_scheme(summary.id, &scheme, self.clock.now())
            .await
    }
}
