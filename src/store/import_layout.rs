//! The column choices each local area last stored a plan with, per layout: read when a
//! document with the same headings is previewed, written (with its audit entry) when an
//! import is confirmed, listed and forgotten by the area's admins and editors.

use time::OffsetDateTime;

use super::audit::insert_audit;
use super::{Store, in_write_transaction, on_pool};
use crate::domain::{Error, LocalAreaId, NewAuditEvent, Result};

/// A remembered layout, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportLayoutRecord {
    /// Its id, for forgetting it.
    pub import_layout_id: i64,
    /// The local area's name.
    pub local_area: String,
    /// The layout: the sorted normalised headings of the document's tables.
    pub signature: String,
    /// The choices, as `--columns` text.
    pub columns: String,
    /// Who chose them (an email, or the command line).
    pub chosen_by: String,
    /// When they were last stored.
    pub updated_at: OffsetDateTime,
}

impl Store {
    /// The choices remembered for a local area (by name) and layout, if any.
    pub async fn import_layout(
        &self,
        local_area: &str,
        signature: &str,
    ) -> Result<Option<ImportLayoutRecord>> {
        let row: Option<ImportLayoutRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select l.import_layout_id, a.name as local_area, l.signature, l.columns,
                    l.chosen_by, l.updated_at
                 from import_layout l join local_area a on a.local_area_id = l.local_area_id
                 where a.name = $1 and l.signature = $2",
            )
            .bind(local_area)
            .bind(signature)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row)
    }

    /// The layouts remembered for the local areas named, by area then most recent first.
    pub async fn import_layouts(&self, local_areas: &[&str]) -> Result<Vec<ImportLayoutRecord>> {
        let mut all = Vec::new();
        for area in local_areas {
            let rows: Vec<ImportLayoutRecord> = on_pool!(self, |pool| {
                sqlx::query_as(
                    "select l.import_layout_id, a.name as local_area, l.signature, l.columns,
                        l.chosen_by, l.updated_at
                     from import_layout l join local_area a on a.local_area_id = l.local_area_id
                     where a.name = $1
                     order by l.updated_at desc, l.import_layout_id desc",
                )
                .bind(*area)
                .fetch_all(pool)
                .await
            })?;
            all.extend(rows);
        }
        Ok(all)
    }

    /// One remembered layout by its id, if it is still remembered.
    pub async fn import_layout_by_id(&self, id: i64) -> Result<Option<ImportLayoutRecord>> {
        let row: Option<ImportLayoutRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select l.import_layout_id, a.name as local_area, l.signature, l.columns,
                    l.chosen_by, l.updated_at
                 from import_layout l join local_area a on a.local_area_id = l.local_area_id
                 where l.import_layout_id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row)
    }

    /// Remembers `columns` for a local area's layout, or forgets the layout when
    /// `columns` is empty, in one transaction with `audit` (given its local area and the
    /// choices before and after). Returns whether anything changed: storing the same
    /// choices again, or forgetting a layout never remembered, writes nothing.
    pub async fn set_import_layout(
        &self,
        local_area: &str,
        signature: &str,
        columns: &str,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let changed = in_write_transaction!(self, |tx| {
            let area: Option<i64> =
                sqlx::query_scalar("select local_area_id from local_area where name = $1")
                    .bind(local_area)
                    .fetch_optional(&mut *tx)
                    .await?;
            let area =
                area.ok_or_else(|| Error::not_found(format!("local area {local_area:?}")))?;
            let before: Option<String> = sqlx::query_scalar(
                "select columns from import_layout where local_area_id = $1 and signature = $2",
            )
            .bind(area)
            .bind(signature)
            .fetch_optional(&mut *tx)
            .await?;
            if before.as_deref().unwrap_or("") == columns {
                false
            } else {
                if columns.is_empty() {
                    sqlx::query(
                        "delete from import_layout where local_area_id = $1 and signature = $2",
                    )
                    .bind(area)
                    .bind(signature)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query(
                        "insert into import_layout (local_area_id, signature, columns, app_user_id,
                            chosen_by, created_at, updated_at)
                         values ($1, $2, $3, $4, $5, $6, $6)
                         on conflict (local_area_id, signature) do update
                         set columns = excluded.columns, app_user_id = excluded.app_user_id,
                            chosen_by = excluded.chosen_by, updated_at = excluded.updated_at",
                    )
                    .bind(area)
                    .bind(signature)
                    .bind(columns)
                    .bind(audit.actor_user_id.map(|u| u.0))
                    .bind(&audit.actor)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                let state = |columns: &str| serde_json::json!({ "signature": signature, "columns": columns });
                let event = NewAuditEvent {
                    local_area_id: Some(LocalAreaId(area)),
                    entity_id: Some(signature.to_owned()),
                    before: before.as_deref().map(state),
                    after: (!columns.is_empty()).then(|| state(columns)),
                    ..audit.clone()
                };
                insert_audit!(tx, &event, now);
                true
            }
        });
        Ok(changed)
    }
}
