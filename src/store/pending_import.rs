//! Imports waiting for confirmation: the parsed plan and its report as JSON text, kept
//! under a random id between the preview and the confirmation.

use time::OffsetDateTime;

use super::{Store, on_pool};
use crate::domain::{Error, Result};

/// A stored import awaiting confirmation, exactly as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingImportRecord {
    /// The random id the preview page carries.
    pub pending_import_id: String,
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
                "insert into pending_import (pending_import_id, file_name, format, plan_json,
                    report_json, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(&record.pending_import_id)
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

    /// An import awaiting confirmation, if it was made after `since`.
    pub async fn pending_import(
        &self,
        id: &str,
        since: OffsetDateTime,
    ) -> Result<PendingImportRecord> {
        let row: Option<PendingImportRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select pending_import_id, file_name, format, plan_json, report_json, created_at
                 from pending_import where pending_import_id = $1 and created_at >= $2",
            )
            .bind(id)
            .bind(since)
            .fetch_optional(pool)
            .await
        })?;
        row.ok_or_else(|| Error::not_found("import (it was confirmed already, or has expired)"))
    }

    /// Removes an import awaiting confirmation and returns it: whoever removes it is the
    /// one who confirms it, so a double click stores the plan once.
    pub async fn take_pending_import(
        &self,
        id: &str,
        since: OffsetDateTime,
    ) -> Result<PendingImportRecord> {
        let row: Option<PendingImportRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "delete from pending_import where pending_import_id = $1 and created_at >= $2
                 returning pending_import_id, file_name, format, plan_json, report_json, created_at",
            )
            .bind(id)
            .bind(since)
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
