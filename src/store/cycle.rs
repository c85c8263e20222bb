//! Reporting cycles: the plan's cadence, closed cycles and their frozen snapshots.

use time::{Date, OffsetDateTime};

use serde_json::json;

use super::audit::insert_audit;
use super::progress::read_partial;
use super::{Store, from_json, in_write_transaction, on_pool, to_json};
use crate::domain::{
    ActionId, ActionSnapshot, ClosedCycle, CycleId, Error, NewAuditEvent, PlanId, ReportingCycle,
    Result,
};

#[derive(sqlx::FromRow)]
struct CycleRow {
    cycle_id: i64,
    number: i64,
    starts_on: Date,
    ends_on: Date,
    closed_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    action_id: i64,
    ratings: String,
    due: Option<String>,
    update_count: i64,
    milestones_done: String,
}

impl From<CycleRow> for ClosedCycle {
    fn from(row: CycleRow) -> Self {
        Self {
            id: CycleId(row.cycle_id),
            number: u32::try_from(row.number).unwrap_or(u32::MAX),
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            closed_by: row.closed_by,
        }
    }
}

impl Store {
    /// The plan's reporting cycle.
    pub async fn reporting_cycle(&self, plan: PlanId) -> Result<ReportingCycle> {
        let row: Option<(i64, Option<Date>)> = on_pool!(self, |pool| {
            sqlx::query_as("select cycle_weeks, cycle_start from plan where plan_id = $1")
                .bind(plan.0)
                .fetch_optional(pool)
                .await
        })?;
        let (weeks, start) = row.ok_or_else(|| Error::not_found("plan"))?;
        Ok(ReportingCycle {
            weeks: u32::try_from(weeks).unwrap_or(crate::domain::DEFAULT_CYCLE_WEEKS),
            start,
        })
    }

    /// Sets the plan's reporting cycle, with its audit entry (the cycle before and after).
    pub async fn set_reporting_cycle(
        &self,
        plan: PlanId,
        cycle: ReportingCycle,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        let shown = |weeks: i64, start: Option<Date>| json!({ "weeks": weeks, "start": start.map(|d| d.to_string()) });
        in_write_transaction!(self, |tx| {
            let before: Option<(i64, Option<Date>)> =
                sqlx::query_as("select cycle_weeks, cycle_start from plan where plan_id = $1")
                    .bind(plan.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((weeks, start)) = before else {
                return Err(Error::not_found("plan"));
            };
            sqlx::query(
                "update plan set cycle_weeks = $1, cycle_start = $2, updated_at = $3 where plan_id = $4",
            )
            .bind(i64::from(cycle.weeks))
            .bind(cycle.start)
            .bind(now)
            .bind(plan.0)
            .execute(&mut *tx)
            .await?;
            let event = NewAuditEvent {
                entity_id: Some(plan.0.to_string()),
                plan_id: Some(plan),
                before: Some(shown(weeks, start)),
                after: Some(shown(i64::from(cycle.weeks), cycle.start)),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// The plan's closed cycles, oldest first.
    pub async fn closed_cycles(&self, plan: PlanId) -> Result<Vec<ClosedCycle>> {
        let rows: Vec<CycleRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select cycle_id, number, starts_on, ends_on, closed_by from cycle
                 where plan_id = $1 order by number",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows.into_iter().map(ClosedCycle::from).collect())
    }

    /// What a closed cycle froze.
    pub async fn cycle_snapshot(&self, cycle: CycleId) -> Result<Vec<ActionSnapshot>> {
        let rows: Vec<SnapshotRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select action_id, ratings, due, update_count, milestones_done from cycle_snapshot
                 where cycle_id = $1 order by action_id",
            )
            .bind(cycle.0)
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(ActionSnapshot {
                    action: ActionId(r.action_id),
                    ratings: from_json("snapshot ratings", &r.ratings)?,
                    due: read_partial("snapshot due", r.due)?,
                    updates: usize::try_from(r.update_count).unwrap_or(0),
                    milestones_done: from_json("snapshot milestones", &r.milestones_done)?,
                })
            })
            .collect()
    }

    /// Closes the next cycle of a plan with its snapshot and audit entry: numbered after
    /// the last one, in one transaction, so two people closing at once make two cycles,
    /// never a gap. The board pack's messages are written in the same transaction.
    #[expect(
        clippy::too_many_arguments,
        reason = "one transaction: the cycle, its snapshot, its messages and audit entry"
    )]
    pub async fn insert_cycle(
        &self,
        plan: PlanId,
        (starts_on, ends_on): (Date, Date),
        closed_by: Option<&str>,
        snapshot: &[ActionSnapshot],
        messages: &[super::RunMessage],
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<ClosedCycle> {
        let row: CycleRow = in_write_transaction!(self, |tx| {
            let number: i64 = sqlx::query_scalar(
                "select coalesce(max(number), 0) + 1 from cycle where plan_id = $1",
            )
            .bind(plan.0)
            .fetch_one(&mut *tx)
            .await?;
            let row: CycleRow = sqlx::query_as(
                "insert into cycle (plan_id, number, starts_on, ends_on, closed_by, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $6)
                 returning cycle_id, number, starts_on, ends_on, closed_by",
            )
            .bind(plan.0)
            .bind(number)
            .bind(starts_on)
            .bind(ends_on)
            .bind(closed_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for action in snapshot {
                sqlx::query(
                    "insert into cycle_snapshot (cycle_id, action_id, ratings, due, update_count, milestones_done, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(row.cycle_id)
                .bind(action.action.0)
                .bind(to_json(&action.ratings)?)
                .bind(action.due.map(|d| d.to_string()))
                .bind(i64::try_from(action.updates).unwrap_or(i64::MAX))
                .bind(to_json(&action.milestones_done)?)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let event = NewAuditEvent {
                entity_id: Some(row.cycle_id.to_string()),
                plan_id: Some(plan),
                after: Some(json!({
                    "number": row.number,
                    "starts_on": row.starts_on.to_string(),
                    "ends_on": row.ends_on.to_string(),
                    "closed_by": row.closed_by,
                    "actions": snapshot.len(),
                })),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
            for message in messages {
                super::reminders::insert_run_message!(tx, message, now);
            }
            row
        });
        Ok(row.into())
    }
}
