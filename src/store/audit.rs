//! The audit trail: written inside the transaction of the change it records, read per
//! plan and per action. The table refuses updates and deletes (see the migration).

use time::OffsetDateTime;

use super::{Store, from_json, on_pool};
use crate::domain::{ActionId, AuditEvent, PlanId, Result};

/// Writes one audit entry on `$tx`, inside the caller's write transaction, so the entry
/// and the change commit together or not at all.
macro_rules! insert_audit {
    ($tx:ident, $event:expr, $now:expr) => {{
        let event: &$crate::domain::NewAuditEvent = $event;
        let now: ::time::OffsetDateTime = $now;
        sqlx::query(
            "insert into audit_event (occurred_at, actor_user_id, actor, local_area_id, plan_id,
                action_id, entity, entity_id, event, before_json, after_json, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $1, $1)",
        )
        .bind(now)
        .bind(event.actor_user_id.map(|u| u.0))
        .bind(&event.actor)
        .bind(event.local_area_id.map(|a| a.0))
        .bind(event.plan_id.map(|p| p.0))
        .bind(event.action_id.map(|a| a.0))
        .bind(event.entity)
        .bind(&event.entity_id)
        .bind(event.event)
        .bind($crate::store::audit::json_text(event.before.as_ref())?)
        .bind($crate::store::audit::json_text(event.after.as_ref())?)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_audit;

/// A JSON value as stored text.
pub(crate) fn json_text(value: Option<&serde_json::Value>) -> Result<Option<String>> {
    value.map(super::to_json).transpose()
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    audit_event_id: i64,
    occurred_at: OffsetDateTime,
    actor: String,
    entity: String,
    entity_id: Option<String>,
    event: String,
    plan_id: Option<i64>,
    action_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl AuditRow {
    fn into_event(self) -> Result<AuditEvent> {
        Ok(AuditEvent {
            id: self.audit_event_id,
            occurred_at: self.occurred_at,
            actor: self.actor,
            entity: self.entity,
            entity_id: self.entity_id,
            event: self.event,
            plan_id: self.plan_id.map(PlanId),
            action_id: self.action_id.map(ActionId),
            before: self
                .before_json
                .map(|raw| from_json("audit before", &raw))
                .transpose()?,
            after: self
                .after_json
                .map(|raw| from_json("audit after", &raw))
                .transpose()?,
        })
    }
}

impl Store {
    /// Every entry about a plan and its actions, oldest first.
    pub async fn audit_of_plan(&self, plan: PlanId) -> Result<Vec<AuditEvent>> {
        let rows: Vec<AuditRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select audit_event_id, occurred_at, actor, entity, entity_id, event, plan_id,
                    action_id, before_json, after_json
                 from audit_event where plan_id = $1 order by audit_event_id",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter().map(AuditRow::into_event).collect()
    }

    /// Every entry about one action, oldest first.
    pub async fn audit_of_action(&self, action: ActionId) -> Result<Vec<AuditEvent>> {
        let rows: Vec<AuditRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select audit_event_id, occurred_at, actor, entity, entity_id, event, plan_id,
                    action_id, before_json, after_json
                 from audit_event where action_id = $1 order by audit_event_id",
            )
            .bind(action.0)
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter().map(AuditRow::into_event).collect()
    }
}
