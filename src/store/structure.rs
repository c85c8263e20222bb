//! Editing a stored plan's structure: areas, objectives, actions, milestones and people
//! are added, edited, moved among their siblings and removed; the rating key is
//! replaced. Every item is checked to belong to the plan named in the same statement,
//! and every change is written with its audit entry in the same transaction.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;
use time::OffsetDateTime;

use super::audit::insert_audit;
use super::progress::read_partial;
use super::{Store, from_json, in_write_transaction, on_pool, to_json};
use crate::domain::{
    ActionId, AreaId, Error, ItemFields, ItemKind, MilestoneId, MoveDirection, NewAuditEvent,
    ObjectiveId, OutlineAction, OutlineArea, OutlineMilestone, OutlineObjective, OutlinePerson,
    PartialDate, Person, PersonId, PlanId, PlanOutline, RatingScheme, Result,
};

#[derive(sqlx::FromRow)]
struct AreaRow {
    area_id: i64,
    number: i64,
    title: String,
    heading: Option<String>,
    sponsor: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ObjectiveRow {
    objective_id: i64,
    area_id: i64,
    number: String,
    text: String,
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    action_id: i64,
    objective_id: i64,
    #[sqlx(rename = "ref")]
    reference: Option<String>,
    text: String,
    due: Option<String>,
    due_text: Option<String>,
    has_history: bool,
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    milestone_id: i64,
    action_id: i64,
    text: String,
    due_text: Option<String>,
    done: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    person_id: i64,
    initials: Option<String>,
    name: String,
    role: Option<String>,
    organisation: Option<String>,
}

/// The SQL that finds an item of a kind in a plan and moves it among its siblings.
struct KindSql {
    /// `$1` item id, `$2` plan id → (position, parent id).
    locate: &'static str,
    /// `$1` parent id, `$2` position → (id, position) of the sibling before.
    before: &'static str,
    /// `$1` parent id, `$2` position → (id, position) of the sibling after.
    after: &'static str,
    /// `$1` position, `$2` now, `$3` id.
    place: &'static str,
}

fn kind_sql(kind: ItemKind) -> KindSql {
    match kind {
        ItemKind::Area => KindSql {
            locate: "select position, plan_id from area where area_id = $1 and plan_id = $2",
            before: "select area_id, position from area where plan_id = $1 and position < $2 order by position desc limit 1",
            after: "select area_id, position from area where plan_id = $1 and position > $2 order by position limit 1",
            place: "update area set position = $1, updated_at = $2 where area_id = $3",
        },
        ItemKind::Objective => KindSql {
            locate: "select o.position, o.area_id from objective o join area a on a.area_id = o.area_id
                     where o.objective_id = $1 and a.plan_id = $2",
            before: "select objective_id, position from objective where area_id = $1 and position < $2 order by position desc limit 1",
            after: "select objective_id, position from objective where area_id = $1 and position > $2 order by position limit 1",
            place: "update objective set position = $1, updated_at = $2 where objective_id = $3",
        },
        ItemKind::Action => KindSql {
            locate: "select position, objective_id from action where action_id = $1 and plan_id = $2",
            before: "select action_id, position from action where objective_id = $1 and position < $2 order by position desc limit 1",
            after: "select action_id, position from action where objective_id = $1 and position > $2 order by position limit 1",
            place: "update action set position = $1, updated_at = $2 where action_id = $3",
        },
        ItemKind::Milestone => KindSql {
            locate: "select m.position, m.action_id from milestone m join action a on a.action_id = m.action_id
                     where m.milestone_id = $1 and a.plan_id = $2",
            before: "select milestone_id, position from milestone where action_id = $1 and position < $2 order by position desc limit 1",
            after: "select milestone_id, position from milestone where action_id = $1 and position > $2 order by position limit 1",
            place: "update milestone set position = $1, updated_at = $2 where milestone_id = $3",
        },
        ItemKind::Person => KindSql {
            locate: "select position, plan_id from person where person_id = $1 and plan_id = $2",
            before: "select person_id, position from person where plan_id = $1 and position < $2 order by position desc limit 1",
            after: "select person_id, position from person where plan_id = $1 and position > $2 order by position limit 1",
            place: "update person set position = $1, updated_at = $2 where person_id = $3",
        },
    }
}

fn not_in_plan(kind: ItemKind) -> Error {
    Error::not_found(format!("{} in this plan", kind.noun()))
}

impl Store {
    /// The plan's structure with every id, for the editor: six flat queries.
    #[expect(
        clippy::too_many_lines,
        reason = "six flat queries, then one pass assembling the outline"
    )]
    pub async fn plan_outline(&self, plan: PlanId) -> Result<PlanOutline> {
        let areas: Vec<AreaRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select area_id, number, title, heading, sponsor from area where plan_id = $1 order by position",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        let objectives: Vec<ObjectiveRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select o.objective_id, o.area_id, o.number, o.text from objective o
                 join area a on a.area_id = o.area_id where a.plan_id = $1 order by o.position",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        let actions: Vec<ActionRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select a.action_id, a.objective_id, a.ref, a.text, a.due, a.due_text,
                    (exists (select 1 from progress_update u where u.action_id = a.action_id)
                     or exists (select 1 from due_change d where d.action_id = a.action_id)
                     or exists (select 1 from cycle_snapshot s where s.action_id = a.action_id)) as has_history
                 from action a where a.plan_id = $1 order by a.position",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        let owners: Vec<(i64, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select o.action_id, o.owner_key from action_owner o join action a on a.action_id = o.action_id
                 where a.plan_id = $1 order by o.action_id, o.position",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        let milestones: Vec<MilestoneRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select m.milestone_id, m.action_id, m.text, m.due_text, m.done from milestone m
                 join action a on a.action_id = m.action_id where a.plan_id = $1 order by m.position, m.milestone_id",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        let people: Vec<PersonRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select person_id, initials, name, role, organisation from person where plan_id = $1 order by position",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;

        let mut owners_of: HashMap<i64, Vec<String>> = HashMap::new();
        for (action, key) in owners {
            owners_of.entry(action).or_default().push(key);
        }
        let mut milestones_of: HashMap<i64, Vec<OutlineMilestone>> = HashMap::new();
        for m in milestones {
            milestones_of
                .entry(m.action_id)
                .or_default()
                .push(OutlineMilestone {
                    id: MilestoneId(m.milestone_id),
                    text: m.text,
                    due_text: m.due_text,
                    done: read_partial("milestone done", m.done)?,
                });
        }
        let mut actions_of: HashMap<i64, Vec<OutlineAction>> = HashMap::new();
        for a in actions {
            actions_of
                .entry(a.objective_id)
                .or_default()
                .push(OutlineAction {
                    id: ActionId(a.action_id),
                    reference: a.reference,
                    text: a.text,
                    owners: owners_of.remove(&a.action_id).unwrap_or_default(),
                    due: read_partial("due", a.due)?,
                    due_text: a.due_text,
                    has_history: a.has_history,
                    milestones: milestones_of.remove(&a.action_id).unwrap_or_default(),
                });
        }
        let mut objectives_of: HashMap<i64, Vec<OutlineObjective>> = HashMap::new();
        for o in objectives {
            objectives_of
                .entry(o.area_id)
                .or_default()
                .push(OutlineObjective {
                    id: ObjectiveId(o.objective_id),
                    number: o.number,
                    text: o.text,
                    actions: actions_of.remove(&o.objective_id).unwrap_or_default(),
                });
        }
        Ok(PlanOutline {
            areas: areas
                .into_iter()
                .map(|a| OutlineArea {
                    id: AreaId(a.area_id),
                    number: u32::try_from(a.number).unwrap_or(0),
                    title: a.title,
                    heading: a.heading,
                    sponsor: a.sponsor,
                    objectives: objectives_of.remove(&a.area_id).unwrap_or_default(),
                })
                .collect(),
            people: people
                .into_iter()
                .map(|p| OutlinePerson {
                    id: PersonId(p.person_id),
                    person: Person {
                        initials: p.initials,
                        name: p.name,
                        role: p.role,
                        organisation: p.organisation,
                    },
                })
                .collect(),
        })
    }

    /// Adds an item at the end of its siblings; `parent` is the area of an objective, the
    /// objective of an action, the action of a milestone, and ignored for areas and people.
    /// Returns the new item's id.
    #[expect(
        clippy::too_many_lines,
        reason = "one insert per kind of item, each a few lines"
    )]
    pub async fn insert_item(
        &self,
        plan: PlanId,
        parent: Option<i64>,
        fields: &ItemFields,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<i64> {
        let parent = parent.unwrap_or(plan.0);
        let id: i64 = in_write_transaction!(self, |tx| {
            let id: i64 = match fields {
                ItemFields::Area {
                    number,
                    title,
                    heading,
                    sponsor,
                } => {
                    sqlx::query_scalar(
                        "insert into area (plan_id, position, number, title, heading, sponsor, delivery_partners, created_at, updated_at)
                         values ($1, (select coalesce(max(position), -1) + 1 from area where plan_id = $1), $2, $3, $4, $5, '[]', $6, $6)
                         returning area_id",
                    )
                    .bind(plan.0)
                    .bind(i64::from(*number))
                    .bind(title)
                    .bind(heading)
                    .bind(sponsor)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
                ItemFields::Objective { number, text } => {
                    let found: Option<i64> = sqlx::query_scalar(
                        "select area_id from area where area_id = $1 and plan_id = $2",
                    )
                    .bind(parent)
                    .bind(plan.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let area = found.ok_or_else(|| not_in_plan(ItemKind::Area))?;
                    sqlx::query_scalar(
                        "insert into objective (area_id, position, number, text, impact_statements, success_measures, created_at, updated_at)
                         values ($1, (select coalesce(max(position), -1) + 1 from objective where area_id = $1), $2, $3, '[]', '[]', $4, $4)
                         returning objective_id",
                    )
                    .bind(area)
                    .bind(number)
                    .bind(text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
                ItemFields::Action {
                    reference,
                    text,
                    owners,
                    due,
                    due_text,
                } => {
                    let found: Option<(i64, i64)> = sqlx::query_as(
                        "select o.objective_id, o.area_id from objective o join area a on a.area_id = o.area_id
                         where o.objective_id = $1 and a.plan_id = $2",
                    )
                    .bind(parent)
                    .bind(plan.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let (objective, area) = found.ok_or_else(|| not_in_plan(ItemKind::Objective))?;
                    let id: i64 = sqlx::query_scalar(
                        "insert into action (plan_id, area_id, objective_id, position, ref, text, due, due_from, due_by,
                            due_text, ratings, resource, success_measures, notes, created_at, updated_at)
                         values ($1, $2, $3, (select coalesce(max(position), 0) + 1 from action where plan_id = $1),
                            $4, $5, $6, $7, $8, $9, '{}', null, '[]', '[]', $10, $10)
                         returning action_id",
                    )
                    .bind(plan.0)
                    .bind(area)
                    .bind(objective)
                    .bind(reference)
                    .bind(text)
                    .bind(due.map(|d| d.by.to_string()))
                    .bind(due.and_then(|d| d.from).map(|d| d.to_string()))
                    .bind(due.map(|d| d.by.last_day()))
                    .bind(due_text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    for (position, owner) in owners.iter().enumerate() {
                        sqlx::query(
                            "insert into action_owner (action_id, position, owner_key, created_at, updated_at)
                             values ($1, $2, $3, $4, $4)",
                        )
                        .bind(id)
                        .bind(i64::try_from(position).unwrap_or(i64::MAX))
                        .bind(owner)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    id
                }
                ItemFields::Milestone {
                    text,
                    due,
                    due_text,
                } => {
                    let found: Option<i64> = sqlx::query_scalar(
                        "select action_id from action where action_id = $1 and plan_id = $2",
                    )
                    .bind(parent)
                    .bind(plan.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let action = found.ok_or_else(|| not_in_plan(ItemKind::Action))?;
                    sqlx::query_scalar(
                        "insert into milestone (action_id, position, text, due, due_text, done, done_text, created_at, updated_at)
                         values ($1, (select coalesce(max(position), -1) + 1 from milestone where action_id = $1), $2, $3, $4, null, null, $5, $5)
                         returning milestone_id",
                    )
                    .bind(action)
                    .bind(text)
                    .bind(due.map(|d: PartialDate| d.to_string()))
                    .bind(due_text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
                ItemFields::Person(person) => {
                    sqlx::query_scalar(
                        "insert into person (plan_id, position, initials, name, role, organisation, created_at, updated_at)
                         values ($1, (select coalesce(max(position), -1) + 1 from person where plan_id = $1), $2, $3, $4, $5, $6, $6)
                         returning person_id",
                    )
                    .bind(plan.0)
                    .bind(&person.initials)
                    .bind(&person.name)
                    .bind(&person.role)
                    .bind(&person.organisation)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            let event = NewAuditEvent {
                entity_id: Some(id.to_string()),
                action_id: match fields {
                    ItemFields::Action { .. } => Some(ActionId(id)),
                    _ => audit.action_id,
                },
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
            id
        });
        Ok(id)
    }

    /// Changes an item's fields. An action's due date is left alone: it moves only with a
    /// reason, through `insert_due_change`.
    #[expect(
        clippy::too_many_lines,
        reason = "one update per kind of item, each a few lines"
    )]
    pub async fn update_item(
        &self,
        plan: PlanId,
        id: i64,
        fields: &ItemFields,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            let changed = match fields {
                ItemFields::Area {
                    number,
                    title,
                    heading,
                    sponsor,
                } => sqlx::query(
                    "update area set number = $1, title = $2, heading = $3, sponsor = $4, updated_at = $5
                     where area_id = $6 and plan_id = $7",
                )
                .bind(i64::from(*number))
                .bind(title)
                .bind(heading)
                .bind(sponsor)
                .bind(now)
                .bind(id)
                .bind(plan.0)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                ItemFields::Objective { number, text } => sqlx::query(
                    "update objective set number = $1, text = $2, updated_at = $3
                     where objective_id = $4 and area_id in (select area_id from area where plan_id = $5)",
                )
                .bind(number)
                .bind(text)
                .bind(now)
                .bind(id)
                .bind(plan.0)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                ItemFields::Action {
                    reference,
                    text,
                    owners,
                    ..
                } => {
                    let changed = sqlx::query(
                        "update action set ref = $1, text = $2, updated_at = $3 where action_id = $4 and plan_id = $5",
                    )
                    .bind(reference)
                    .bind(text)
                    .bind(now)
                    .bind(id)
                    .bind(plan.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed > 0 {
                        sqlx::query("delete from action_owner where action_id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        for (position, owner) in owners.iter().enumerate() {
                            sqlx::query(
                                "insert into action_owner (action_id, position, owner_key, created_at, updated_at)
                                 values ($1, $2, $3, $4, $4)",
                            )
                            .bind(id)
                            .bind(i64::try_from(position).unwrap_or(i64::MAX))
                            .bind(owner)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                    changed
                }
                ItemFields::Milestone {
                    text,
                    due,
                    due_text,
                } => sqlx::query(
                    "update milestone set text = $1, due = $2, due_text = $3, updated_at = $4
                     where milestone_id = $5 and action_id in (select action_id from action where plan_id = $6)",
                )
                .bind(text)
                .bind(due.map(|d: PartialDate| d.to_string()))
                .bind(due_text)
                .bind(now)
                .bind(id)
                .bind(plan.0)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                ItemFields::Person(person) => sqlx::query(
                    "update person set initials = $1, name = $2, role = $3, organisation = $4, updated_at = $5
                     where person_id = $6 and plan_id = $7",
                )
                .bind(&person.initials)
                .bind(&person.name)
                .bind(&person.role)
                .bind(&person.organisation)
                .bind(now)
                .bind(id)
                .bind(plan.0)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if changed == 0 {
                return Err(Error::not_found("that item in this plan"));
            }
            insert_audit!(tx, audit, now);
        });
        Ok(())
    }

    /// Swaps an item with its neighbour; at either end nothing moves.
    pub async fn move_item(
        &self,
        plan: PlanId,
        kind: ItemKind,
        id: i64,
        direction: MoveDirection,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        let sql = kind_sql(kind);
        in_write_transaction!(self, |tx| {
            let found: Option<(i64, i64)> = sqlx::query_as(sql.locate)
                .bind(id)
                .bind(plan.0)
                .fetch_optional(&mut *tx)
                .await?;
            let (position, parent) = found.ok_or_else(|| not_in_plan(kind))?;
            let neighbour: Option<(i64, i64)> = sqlx::query_as(match direction {
                MoveDirection::Up => sql.before,
                MoveDirection::Down => sql.after,
            })
            .bind(parent)
            .bind(position)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((other, other_position)) = neighbour {
                for (item, to) in [(id, other_position), (other, position)] {
                    sqlx::query(sql.place)
                        .bind(to)
                        .bind(now)
                        .bind(item)
                        .execute(&mut *tx)
                        .await?;
                }
                let event = NewAuditEvent {
                    before: Some(json!({ "position": position, "swapped_with": other })),
                    after: Some(json!({ "position": other_position })),
                    ..audit.clone()
                };
                insert_audit!(tx, &event, now);
            }
        });
        Ok(())
    }

    /// Deletes an item the app has checked may go (nothing under it, no history), with
    /// its audit entry.
    pub async fn delete_item(
        &self,
        plan: PlanId,
        kind: ItemKind,
        id: i64,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            let deleted = sqlx::query(match kind {
                ItemKind::Area => "delete from area where area_id = $1 and plan_id = $2",
                ItemKind::Objective => {
                    "delete from objective where objective_id = $1
                     and area_id in (select area_id from area where plan_id = $2)"
                }
                ItemKind::Action => "delete from action where action_id = $1 and plan_id = $2",
                ItemKind::Milestone => {
                    "delete from milestone where milestone_id = $1
                     and action_id in (select action_id from action where plan_id = $2)"
                }
                ItemKind::Person => "delete from person where person_id = $1 and plan_id = $2",
            })
            .bind(id)
            .bind(plan.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if deleted == 0 {
                return Err(not_in_plan(kind));
            }
            insert_audit!(tx, audit, now);
        });
        Ok(())
    }

    /// Every rating map stored for a plan: current ratings, every update's and every
    /// cycle snapshot's.
    pub async fn rating_maps(&self, plan: PlanId) -> Result<Vec<BTreeMap<String, String>>> {
        let raw: Vec<String> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select ratings from action where plan_id = $1
                 union all
                 select u.ratings from progress_update u join action a on a.action_id = u.action_id where a.plan_id = $1
                 union all
                 select s.ratings from cycle_snapshot s join cycle c on c.cycle_id = s.cycle_id where c.plan_id = $1",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        raw.iter().map(|r| from_json("ratings", r)).collect()
    }

    /// Replaces the plan's rating key, with its audit entry (the key before and after).
    pub async fn update_rating_scheme(
        &self,
        plan: PlanId,
        scheme: &RatingScheme,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        let json = to_json(scheme)?;
        in_write_transaction!(self, |tx| {
            let before: Option<String> =
                sqlx::query_scalar("select rating_scheme from plan where plan_id = $1")
                    .bind(plan.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(before) = before else {
                return Err(Error::not_found("plan"));
            };
            sqlx::query("update plan set rating_scheme = $1, updated_at = $2 where plan_id = $3")
                .bind(&json)
                .bind(now)
                .bind(plan.0)
                .execute(&mut *tx)
                .await?;
            let event = NewAuditEvent {
                entity_id: Some(plan.0.to_string()),
                plan_id: Some(plan),
                before: Some(from_json::<serde_json::Value>("rating scheme", &before)?),
                after: Some(serde_json::to_value(scheme).map_err(|e| Error::Internal(e.into()))?),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// Marks a plan as sample data.
    pub async fn mark_sample(&self, plan: PlanId, now: OffsetDateTime) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("update plan set sample = $1, updated_at = $2 where plan_id = $3")
                .bind(true)
                .bind(now)
                .bind(plan.0)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Whether any stored plan is sample data.
    pub async fn holds_sample_data(&self) -> Result<bool> {
        let found: bool = on_pool!(self, |pool| {
            sqlx::query_scalar("select exists (select 1 from plan where sample = $1)")
                .bind(true)
                .fetch_one(pool)
                .await
        })?;
        Ok(found)
    }
}
