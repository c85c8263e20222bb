//! The audit trail: written inside the transaction of the change it records, read per
//! plan and per action, and checked link by link. The table refuses updates and deletes
//! (see the migrations), and each entry holds the hash of the one before.

use time::OffsetDateTime;

use super::{Store, from_json, on_pool};
use crate::domain::{ActionId, AuditEvent, ChainCheck, ChainedEntry, PlanId, Result};

/// Writes one audit entry on `$tx`, inside the caller's write transaction, so the entry
/// and the change commit together or not at all.
macro_rules! insert_audit {
    ($tx:ident, $event:expr, $now:expr) => {{
        let event: &$crate::domain::NewAuditEvent = $event;
        let now: ::time::OffsetDateTime = $now;
        // The chain's tail is read and extended by one writer at a time: SQLite has one
        // anyway; PostgreSQL takes a transaction-scoped lock, held until commit.
        if let Some(lock) = {
            use $crate::store::audit::ChainTail as _;
            $tx.tail_lock()
        } {
            sqlx::query(lock).execute(&mut *$tx).await?;
        }
        let previous: Option<String> =
            sqlx::query_scalar("select hash from audit_event order by audit_event_id desc limit 1")
                .fetch_optional(&mut *$tx)
                .await?
                .flatten();
        let before_json = $crate::store::audit::json_text(event.before.as_ref())?;
        let after_json = $crate::store::audit::json_text(event.after.as_ref())?;
        let hash = $crate::domain::chain_hash(
            previous.as_deref(),
            &$crate::domain::ChainedEntry {
                occurred_at: now,
                actor_user_id: event.actor_user_id.map(|u| u.0),
                actor: &event.actor,
                local_area_id: event.local_area_id.map(|a| a.0),
                plan_id: event.plan_id.map(|p| p.0),
                action_id: event.action_id.map(|a| a.0),
                entity: event.entity,
                entity_id: event.entity_id.as_deref(),
                event: event.event,
                before_json: before_json.as_deref(),
                after_json: after_json.as_deref(),
            },
        );
        sqlx::query(
            "insert into audit_event (occurred_at, actor_user_id, actor, local_area_id, plan_id,
                action_id, entity, entity_id, event, before_json, after_json, hash,
                created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $1, $1)",
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
        .bind(before_json)
        .bind(after_json)
        .bind(hash)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_audit;

/// How a backend keeps the audit chain's tail to one writer at a time.
pub(crate) trait ChainTail {
    /// The statement that takes the lock, if the backend needs one.
    fn tail_lock(&self) -> Option<&'static str>;
}

impl ChainTail for sqlx::SqliteConnection {
    fn tail_lock(&self) -> Option<&'static str> {
        None
    }
}

impl ChainTail for sqlx::PgConnection {
    fn tail_lock(&self) -> Option<&'static str> {
        // One fixed key: "wsoa" and "audit" in ASCII.
        Some("select pg_advisory_xact_lock(2004045665616100)")
    }
}

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

    /// Checks the whole audit trail's hash chain, reading it in pages of 5,000 entries.
    pub async fn verify_audit_chain(&self) -> Result<ChainCheck> {
        let mut check = ChainCheck::default();
        let mut after = 0_i64;
        loop {
            let rows: Vec<ChainRow> = on_pool!(self, |pool| {
                sqlx::query_as(
                    "select audit_event_id, occurred_at, actor_user_id, actor, local_area_id,
                        plan_id, action_id, entity, entity_id, event, before_json, after_json, hash
                     from audit_event where audit_event_id > $1
                     order by audit_event_id limit 5000",
                )
                .bind(after)
                .fetch_all(pool)
                .await
            })?;
            let Some(last) = rows.last() else {
                return Ok(check);
            };
            after = last.audit_event_id;
            for row in &rows {
                check.push(
                    row.audit_event_id,
                    row.hash.as_deref(),
                    &ChainedEntry {
                        occurred_at: row.occurred_at,
                        actor_user_id: row.actor_user_id,
                        actor: &row.actor,
                        local_area_id: row.local_area_id,
                        plan_id: row.plan_id,
                        action_id: row.action_id,
                        entity: &row.entity,
                        entity_id: row.entity_id.as_deref(),
                        event: &row.event,
                        before_json: row.before_json.as_deref(),
                        after_json: row.after_json.as_deref(),
                    },
                );
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    audit_event_id: i64,
    occurred_at: OffsetDateTime,
    actor_user_id: Option<i64>,
    actor: String,
    local_area_id: Option<i64>,
    plan_id: Option<i64>,
    action_id: Option<i64>,
    entity: String,
    entity_id: Option<String>,
    event: String,
    before_json: Option<String>,
    after_json: Option<String>,
    hash: Option<String>,
}
