//! An action's running record: updates with evidence, milestones done, due-date changes.
//! Every write is one transaction; history rows are only ever inserted.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

use serde_json::json;

use super::audit::insert_audit;
use super::{Store, from_json, in_write_transaction, on_pool, to_json};
use crate::domain::{
    ActionId, ActionRecord, DueChange, DueChanges, Error, EvidenceFile, EvidenceId, EvidenceItem,
    Milestone, MilestoneId, NewAuditEvent, NewDueChange, NewEvidence, PartialDate, PlanId,
    ProgressUpdate, Result, StoredMilestone, StoredUpdate, UpdateId, evidence_content_type,
};

/// A stored partial date, or an internal error: the store wrote it.
pub(super) fn read_partial(column: &str, raw: Option<String>) -> Result<Option<PartialDate>> {
    raw.map(|raw| {
        PartialDate::parse_iso(&raw)
            .map_err(|e| Error::Internal(anyhow::anyhow!("stored {column} {raw:?}: {e}")))
    })
    .transpose()
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    milestone_id: i64,
    text: String,
    due: Option<String>,
    due_text: Option<String>,
    done: Option<String>,
    done_text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    progress_update_id: i64,
    update_date: Date,
    author: Option<String>,
    narrative: String,
    ratings: String,
    late_entry: bool,
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    evidence_id: i64,
    progress_update_id: i64,
    file_name: Option<String>,
    size_bytes: Option<i64>,
    link: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DueChangeRow {
    action_id: i64,
    changed_on: Date,
    old_due: Option<String>,
    old_due_text: Option<String>,
    new_due: String,
    new_due_text: Option<String>,
    reason: String,
    approved_by: String,
    author: Option<String>,
}

impl TryFrom<DueChangeRow> for DueChange {
    type Error = Error;

    fn try_from(c: DueChangeRow) -> Result<Self> {
        Ok(DueChange {
            changed_on: c.changed_on,
            from: read_partial("old due", c.old_due)?,
            from_text: c.old_due_text,
            to: read_partial("new due", Some(c.new_due))?
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("no new due")))?,
            to_text: c.new_due_text,
            reason: c.reason,
            approved_by: c.approved_by,
            author: c.author,
        })
    }
}

#[derive(sqlx::FromRow)]
struct FileRow {
    file_name: Option<String>,
    content: Option<Vec<u8>>,
}

fn size(bytes: &[u8]) -> i64 {
    i64::try_from(bytes.len()).unwrap_or(i64::MAX)
}

impl Store {
    /// Milestones, updates, evidence and due-date changes of an action, with ids.
    pub async fn action_record(&self, action: ActionId) -> Result<ActionRecord> {
        let milestones: Vec<MilestoneRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select milestone_id, text, due, due_text, done, done_text from milestone
                 where action_id = $1 order by position, milestone_id",
            )
            .bind(action.0)
            .fetch_all(pool)
            .await
        })?;
        let updates: Vec<UpdateRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select progress_update_id, update_date, author, narrative, ratings, late_entry from progress_update
                 where action_id = $1 order by update_date, progress_update_id",
            )
            .bind(action.0)
            .fetch_all(pool)
            .await
        })?;
        let evidence: Vec<EvidenceRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select evidence_id, progress_update_id, file_name, size_bytes, link from evidence
                 where action_id = $1 order by evidence_id",
            )
            .bind(action.0)
            .fetch_all(pool)
            .await
        })?;
        let changes: Vec<DueChangeRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select action_id, changed_on, old_due, old_due_text, new_due, new_due_text, reason,
                    approved_by, author
                 from due_change where action_id = $1 order by changed_on, due_change_id",
            )
            .bind(action.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(ActionRecord {
            milestones: milestones
                .into_iter()
                .map(|m| {
                    Ok(StoredMilestone {
                        id: MilestoneId(m.milestone_id),
                        milestone: Milestone {
                            text: m.text,
                            due: read_partial("milestone due", m.due)?,
                            due_text: m.due_text,
                            done: read_partial("milestone done", m.done)?,
                            done_text: m.done_text,
                        },
                    })
                })
                .collect::<Result<_>>()?,
            updates: updates
                .into_iter()
                .map(|u| {
                    Ok(StoredUpdate {
                        id: UpdateId(u.progress_update_id),
                        update: ProgressUpdate {
                            date: u.update_date,
                            author: u.author,
                            narrative: u.narrative,
                            ratings: from_json("update ratings", &u.ratings)?,
                        },
                        late: u.late_entry,
                    })
                })
                .collect::<Result<_>>()?,
            evidence: evidence
                .into_iter()
                .map(|e| EvidenceItem {
                    id: EvidenceId(e.evidence_id),
                    update: UpdateId(e.progress_update_id),
                    file_name: e.file_name,
                    size: e.size_bytes,
                    link: e.link,
                })
                .collect(),
            due_changes: changes
                .into_iter()
                .map(DueChange::try_from)
                .collect::<Result<_>>()?,
        })
    }

    /// Every deadline change of a plan's actions, each action's oldest first: one query,
    /// for reports as at a day.
    pub async fn due_changes(&self, plan: PlanId) -> Result<DueChanges> {
        let rows: Vec<DueChangeRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select d.action_id, d.changed_on, d.old_due, d.old_due_text, d.new_due,
                    d.new_due_text, d.reason, d.approved_by, d.author
                 from due_change d join action a on a.action_id = d.action_id
                 where a.plan_id = $1
                 order by d.action_id, d.changed_on, d.due_change_id",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        let mut changes = DueChanges::new();
        for row in rows {
            let action = ActionId(row.action_id);
            changes.entry(action).or_default().push(row.try_into()?);
        }
        Ok(changes)
    }

    /// Appends an update with its evidence, merges its ratings into the action's and
    /// marks the milestones it completed as done on the update's date, with its audit
    /// entry (the ratings before; the update, its evidence, the milestones done and the
    /// ratings after): all or nothing. Earlier updates are never touched.
    #[expect(
        clippy::too_many_lines,
        reason = "one transaction: the update, its evidence, milestones and audit entry"
    )]
    pub async fn insert_progress(
        &self,
        action: ActionId,
        (update, late): (&ProgressUpdate, bool),
        evidence: &[NewEvidence],
        milestones_done: &[MilestoneId],
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<UpdateId> {
        let ratings = to_json(&update.ratings)?;
        let done = PartialDate::Day(update.date).to_string();
        let id = in_write_transaction!(self, |tx| {
            // Touching the action first takes its row lock on PostgreSQL (SQLite's
            // writer lock is already held), so concurrent updates of one action queue
            // here: each merges into the ratings the previous one committed, and update
            // ids follow commit order, so the last update's ratings are the action's.
            let current: Option<String> = sqlx::query_scalar(
                "update action set updated_at = $1 where action_id = $2 returning ratings",
            )
            .bind(now)
            .bind(action.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(current) = current else {
                return Err(Error::not_found("action"));
            };
            let id: i64 = sqlx::query_scalar(
                "insert into progress_update (action_id, update_date, author, narrative, ratings,
                    late_entry, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $7) returning progress_update_id",
            )
            .bind(action.0)
            .bind(update.date)
            .bind(&update.author)
            .bind(&update.narrative)
            .bind(&ratings)
            .bind(late)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let before: BTreeMap<String, String> = from_json("ratings", &current)?;
            let mut merged = before.clone();
            merged.extend(update.ratings.clone());
            if merged != before {
                sqlx::query("update action set ratings = $1, updated_at = $2 where action_id = $3")
                    .bind(to_json(&merged)?)
                    .bind(now)
                    .bind(action.0)
                    .execute(&mut *tx)
                    .await?;
            }
            for item in evidence {
                let (name, content_type, bytes, link) = match item {
                    NewEvidence::File {
                        name,
                        content_type,
                        bytes,
                    } => (
                        Some(name.as_str()),
                        Some(*content_type),
                        Some(bytes.as_slice()),
                        None,
                    ),
                    NewEvidence::Link(link) => (None, None, None, Some(link.as_str())),
                };
                sqlx::query(
                    "insert into evidence (action_id, progress_update_id, file_name, content_type, size_bytes, content, link, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(action.0)
                .bind(id)
                .bind(name)
                .bind(content_type)
                .bind(bytes.map(size))
                .bind(bytes)
                .bind(link)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for milestone in milestones_done {
                let marked = sqlx::query(
                    "update milestone set done = $1, updated_at = $2
                     where milestone_id = $3 and action_id = $4 and done is null",
                )
                .bind(&done)
                .bind(now)
                .bind(milestone.0)
                .bind(action.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if marked == 0 {
                    return Err(Error::invalid(
                        "milestones",
                        "A milestone you chose is already done or belongs to another action",
                    ));
                }
            }
            let evidence: Vec<serde_json::Value> = evidence
                .iter()
                .map(|item| match item {
                    NewEvidence::File { name, bytes, .. } => {
                        json!({ "file": name, "size_bytes": size(bytes) })
                    }
                    NewEvidence::Link(link) => json!({ "link": link }),
                })
                .collect();
            let milestones: Vec<i64> = milestones_done.iter().map(|m| m.0).collect();
            let event = NewAuditEvent {
                entity_id: Some(id.to_string()),
                action_id: Some(action),
                before: Some(json!({ "ratings": before })),
                after: Some(json!({
                    "ratings": merged,
                    "update": update,
                    "evidence": evidence,
                    "milestones_done": milestones,
                })),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
            id
        });
        Ok(UpdateId(id))
    }

    /// Marks a milestone of the action done on `on`, with its audit entry; a milestone
    /// already done keeps its first date.
    pub async fn mark_milestone_done(
        &self,
        action: ActionId,
        milestone: MilestoneId,
        on: Date,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        let done = PartialDate::Day(on).to_string();
        in_write_transaction!(self, |tx| {
            let text: Option<String> = sqlx::query_scalar(
                "select text from milestone where milestone_id = $1 and action_id = $2 and done is null",
            )
            .bind(milestone.0)
            .bind(action.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(text) = text else {
                return Err(Error::not_found("milestone not yet done"));
            };
            sqlx::query("update milestone set done = $1, updated_at = $2 where milestone_id = $3")
                .bind(&done)
                .bind(now)
                .bind(milestone.0)
                .execute(&mut *tx)
                .await?;
            let event = NewAuditEvent {
                entity_id: Some(milestone.0.to_string()),
                action_id: Some(action),
                before: Some(json!({ "text": text, "done": null })),
                after: Some(json!({ "text": text, "done": done })),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// Moves an action's deadline, keeping the old one, the reason and the approval in
    /// `due_change`, with its audit entry: one transaction.
    pub async fn insert_due_change(
        &self,
        action: ActionId,
        change: &NewDueChange,
        author: Option<&str>,
        changed_on: Date,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            let current: Option<(Option<String>, Option<String>)> =
                sqlx::query_as("select due, due_text from action where action_id = $1")
                    .bind(action.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((old_due, old_due_text)) = current else {
                return Err(Error::not_found("action"));
            };
            sqlx::query(
                "insert into due_change (action_id, changed_on, old_due, old_due_text, new_due, new_due_text,
                    reason, approved_by, author, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(action.0)
            .bind(changed_on)
            .bind(&old_due)
            .bind(&old_due_text)
            .bind(change.due.by.to_string())
            .bind(&change.due_text)
            .bind(&change.reason)
            .bind(&change.approved_by)
            .bind(author)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "update action set due = $1, due_from = $2, due_by = $3, due_text = $4, updated_at = $5
                 where action_id = $6",
            )
            .bind(change.due.by.to_string())
            .bind(change.due.from.map(|d| d.to_string()))
            .bind(change.due.by.last_day())
            .bind(&change.due_text)
            .bind(now)
            .bind(action.0)
            .execute(&mut *tx)
            .await?;
            let event = NewAuditEvent {
                entity_id: Some(action.0.to_string()),
                action_id: Some(action),
                before: Some(json!({ "due": old_due, "due_text": old_due_text })),
                after: Some(json!({
                    "due": change.due.by.to_string(),
                    "due_text": change.due_text,
                    "reason": change.reason,
                    "approved_by": change.approved_by,
                    "changed_on": changed_on.to_string(),
                    "recorded_by": author,
                })),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// An evidence file of a plan, with its bytes; links and other plans' files are not
    /// found.
    pub async fn evidence_file(&self, plan: PlanId, evidence: EvidenceId) -> Result<EvidenceFile> {
        let row: Option<FileRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select e.file_name, e.content from evidence e join action a on a.action_id = e.action_id
                 where e.evidence_id = $1 and a.plan_id = $2",
            )
            .bind(evidence.0)
            .bind(plan.0)
            .fetch_optional(pool)
            .await
        })?;
        match row {
            Some(FileRow {
                file_name: Some(name),
                content: Some(bytes),
            }) => Ok(EvidenceFile {
                content_type: evidence_content_type(&name),
                name,
                bytes,
            }),
            _ => Err(Error::not_found("evidence file")),
        }
    }
}
