//! Imports waiting for confirmation: the parsed plan and its report as JSON text, kept
//! under a random id between the preview and the confirmation, for the person who
//! previewed it alone.

use time::OffsetDateTime;

use super::{Store, on_pool};
use crate::domain::{Error, Result, UserId};

/// A stored import awaiting confirmation, exactly as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingImportRecord {
    /// The random id the preview page carries.
    pub pending_import_id: String,
    /// The person who previewed it, the only one who may see or confirm it; `None` for
    /// the command line.
    pub app_user_id: Option<i64>,
    /// The uploaded file's name, as the browser gave it.
    pub file_name: String,
    /// The format it was read as ("docx").
    pub format: String,
    /// The plan read, as plan JSON.
    pub plan_json: String,
    /// The import report, as JSON.
    pub report_json: String,
    /// When it was read.
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Keeps an import for its preview.
    pub async fn insert_pending_import(&self, record: &PendingImportRecord) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "insert into pending_import (pending_import_id, app_user_id, file_name, format,
                    plan_json, report_json, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&record.pending_import_id)
            .bind(record.app_user_id)
            .bind(&record.file_name)
            .bind(&record.format)
            .bind(&record.plan_json)
            .bind(&record.report_json)
            .bind(record.created_at)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An import awaiting confirmation, if `user` previewed it (`None`: the command line)
    /// after `since`; anyone else's is not found.
    pub async fn pending_import(
        &self,
        id: &str,
        user: Option<UserId>,
        since: OffsetDateTime,
    ) -> Result<PendingImportRecord> {
        let row: Option<PendingImportRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select pending_import_id, app_user_id, file_name, format, plan_json, report_json,
                    created_at
                 from pending_import
                 where pending_import_id = $1 and created_at >= $2
                    and (app_user_id = $3 or (app_user_id is null and $3 is null))",
            )
            .bind(id)
            .bind(since)
            .bind(user.map(|u| u.0))
            .fetch_optional(pool)
            .await
        })?;
        row.ok_or_else(|| Error::not_found("import (it was confirmed already, or has expired)"))
    }

    /// Removes an import awaiting confirmation and returns it, under the same conditions as
    /// [`Store::pending_import`]: whoever removes it is the one who confirms it, so a double
    /// click stores the plan once.
    pub async fn take_pending_import(
        &self,
        id: &str,
        user: Option<UserId>,
        since: OffsetDateTime,
    ) -> Result<PendingImportRecord> {
        let row: Option<PendingImportRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "delete from pending_import
                 where pending_import_id = $1 and created_at >= $2
                    and (app_user_id = $3 or (app_user_id is null and $3 is null))
                 returning pending_import_id, app_user_id, file_name, format, plan_json,
                    report_json, created_at",
            )
            .bind(id)
            .bind(since)
            .bind(user.map(|u| u.0))
            .fetch_optional(pool)
            .await
        })?;
        row.ok_or_else(|| Error::not_found("import (it was confirmed already, or has expired)"))
    }

    /// Forgets imports made before `before`, confirmed or not.
    pub async fn delete_pending_imports_before(&self, before: OffsetDateTime) -> Result<u64> {
        let done = on_pool!(self, |pool| {
            sqlx::query("delete from pending_import where created_at < $1")
                .bind(before)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(done)
    }
}
