//! Editing a plan's structure and its rating key in the app.
//!
//! Removing is deliberately narrow: an area or objective must be empty, a milestone not
//! yet done, a person named on no action, and an action must have no history (updates,
//! due-date changes, cycle snapshots). History is evidence for inspectors, so the app
//! refuses rather than deleting it; the action can be reworded or moved instead.
//!
//! Only the area's admins and editors (and the command line) edit a plan's structure
//! and key; every change is written with its audit entry, the item before and after.

use serde_json::{Value, json};

use super::App;
use crate::domain::{
    ActionId, Actor, Error, ItemFields, ItemKind, MoveDirection, NewAuditEvent, PlanOutline,
    PlanSummary, RatingScheme, Result, ratings_in_use,
};

/// An item's fields as the audit trail shows them.
fn fields_json(fields: &ItemFields) -> Value {
    match fields {
        ItemFields::Area {
            number,
            title,
            heading,
            sponsor,
        } => json!({ "number": number, "title": title, "heading": heading, "sponsor": sponsor }),
        ItemFields::Objective { number, text } => json!({ "number": number, "text": text }),
        ItemFields::Action {
            reference,
            text,
            owners,
            due_text,
            ..
        } => json!({ "ref": reference, "text": text, "owners": owners, "due_text": due_text }),
        ItemFields::Milestone { text, due_text, .. } => {
            json!({ "text": text, "due_text": due_text })
        }
        ItemFields::Person(person) => json!({
            "initials": person.initials,
            "name": person.name,
            "role": person.role,
            "organisation": person.organisation,
        }),
    }
}

/// A stored item as the audit trail shows it, and the action it belongs to; `None`
/// when the plan has no such item.
fn item_json(outline: &PlanOutline, kind: ItemKind, id: i64) -> Option<(Value, Option<ActionId>)> {
    Some(match kind {
        ItemKind::Area => {
            let a = outline.area(id)?;
            let shown = json!({
                "number": a.number, "title": a.title, "heading": a.heading, "sponsor": a.sponsor,
            });
            (shown, None)
        }
        ItemKind::Objective => {
            let (_, o) = outline.objective(id)?;
            (json!({ "number": o.number, "text": o.text }), None)
        }
        ItemKind::Action => {
            let (_, _, a) = outline.action(id)?;
            let shown = json!({
                "ref": a.reference, "text": a.text, "owners": a.owners, "due_text": a.due_text,
            });
            (shown, Some(a.id))
        }
        ItemKind::Milestone => {
            let (a, m) = outline.milestone(id)?;
            let shown = json!({
                "text": m.text,
                "due_text": m.due_text,
                "done": m.done.map(|d| d.to_string()),
            });
            (shown, Some(a.id))
        }
        ItemKind::Person => {
            let p = &outline.person(id)?.person;
            let shown = json!({
                "initials": p.initials, "name": p.name, "role": p.role, "organisation": p.organisation,
            });
            (shown, None)
        }
    })
}

/// An audit entry by `actor` about an item of the plan.
fn audit_of(
    actor: &Actor,
    summary: &PlanSummary,
    kind: ItemKind,
    event: &'static str,
) -> NewAuditEvent {
    let entity = match kind {
        ItemKind::Area => "area",
        ItemKind::Objective => "objective",
        ItemKind::Action => "action",
        ItemKind::Milestone => "milestone",
        ItemKind::Person => "person",
    };
    NewAuditEvent {
        local_area_id: Some(summary.local_area_id),
        plan_id: Some(summary.id),
        ..NewAuditEvent::by(actor, entity, event)
    }
}

impl App {
    /// The plan's structure with ids, for the editor: admins and editors of the area.
    pub async fn outline(&self, actor: &Actor, key: &str) -> Result<(PlanSummary, PlanOutline)> {
        let summary = self.editable_plan(actor, key).await?;
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
    #[tracing::instrument(skip_all, fields(plan = key, parent, actor = actor.user_id().map(|u| u.0)))]
    pub async fn add_item(
        &self,
        actor: &Actor,
        key: &str,
        parent: Option<i64>,
        fields: ItemFields,
    ) -> Result<i64> {
        let (summary, outline) = self.outline(actor, key).await?;
        Self::check_unique(&outline, parent, None, &fields)?;
        let kind = fields.kind();
        let audit = NewAuditEvent {
            action_id: match kind {
                ItemKind::Milestone => parent.map(ActionId),
                _ => None,
            },
            after: Some(fields_json(&fields)),
            ..audit_of(actor, &summary, kind, "structure.added")
        };
        self.store
            .insert_item(summary.id, parent, &fields, &audit, self.clock.now())
            .await
    }

    /// Changes an item's fields. Refs are kept as typed, so moving or inserting other
    /// actions never renumbers them.
    #[tracing::instrument(skip_all, fields(plan = key, item = id, actor = actor.user_id().map(|u| u.0)))]
    pub async fn edit_item(
        &self,
        actor: &Actor,
        key: &str,
        id: i64,
        fields: ItemFields,
    ) -> Result<()> {
        let (summary, outline) = self.outline(actor, key).await?;
        let kind = fields.kind();
        let (before, action_id) = item_json(&outline, kind, id)
            .ok_or_else(|| Error::not_found(format!("{} in this plan", kind.noun())))?;
        Self::check_unique(&outline, None, Some(id), &fields)?;
        let audit = NewAuditEvent {
            entity_id: Some(id.to_string()),
            action_id,
            before: Some(before),
            after: Some(fields_json(&fields)),
            ..audit_of(actor, &summary, kind, "structure.changed")
        };
        self.store
            .update_item(summary.id, id, &fields, &audit, self.clock.now())
            .await
    }

    /// Moves an item up or down among its siblings.
    #[tracing::instrument(skip_all, fields(plan = key, kind = ?kind, item = id, actor = actor.user_id().map(|u| u.0)))]
    pub async fn move_item(
        &self,
        actor: &Actor,
        key: &str,
        kind: ItemKind,
        id: i64,
        direction: MoveDirection,
    ) -> Result<()> {
        let (summary, outline) = self.outline(actor, key).await?;
        let action_id = item_json(&outline, kind, id).and_then(|(_, action)| action);
        let audit = NewAuditEvent {
            entity_id: Some(id.to_string()),
            action_id,
            ..audit_of(actor, &summary, kind, "structure.moved")
        };
        self.store
            .move_item(summary.id, kind, id, direction, &audit, self.clock.now())
            .await
    }

    /// Removes an item if nothing depends on it; see the module notes for what is
    /// refused and why.
    #[tracing::instrument(skip_all, fields(plan = key, kind = ?kind, item = id, actor = actor.user_id().map(|u| u.0)))]
    pub async fn remove_item(
        &self,
        actor: &Actor,
        key: &str,
        kind: ItemKind,
        id: i64,
    ) -> Result<()> {
        let (summary, outline) = self.outline(actor, key).await?;
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
        let (before, action_id) = item_json(&outline, kind, id).ok_or_else(missing)?;
        let audit = NewAuditEvent {
            entity_id: Some(id.to_string()),
            action_id,
            before: Some(before),
            ..audit_of(actor, &summary, kind, "structure.removed")
        };
        self.store
            .delete_item(summary.id, kind, id, &audit, self.clock.now())
            .await
    }

    /// The plan's rating key, for the editor: admins and editors of the area.
    pub async fn rating_key(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(PlanSummary, RatingScheme)> {
        let summary = self.editable_plan(actor, key).await?;
        let plan = self.plan_tree(summary.id).await?;
        Ok((summary, plan.rating_scheme.clone()))
    }

    /// Replaces the plan's rating key, refusing a key that would drop a level or
    /// dimension still used by a rating (current, historical or frozen in a cycle).
    #[tracing::instrument(skip_all, fields(plan = key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn update_scheme(
        &self,
        actor: &Actor,
        key: &str,
        scheme: RatingScheme,
    ) -> Result<()> {
        let summary = self.editable_plan(actor, key).await?;
        scheme.validate()?;
        let maps = self.store.rating_maps(summary.id).await?;
        scheme.check_keeps(&ratings_in_use(&maps))?;
        let audit = NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            ..NewAuditEvent::by(actor, "plan", "plan.rating_scheme_changed")
        };
        self.store
            .update_rating_scheme(summary.id, &scheme, &audit, self.clock.now())
            .await
    }
}
