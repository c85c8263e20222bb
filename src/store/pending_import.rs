//! Imports waiting for confirmation: the parsed plan and its report as JSON text, the
//! uploaded document (to read it again with other column choices) and the choices in
//! force, kept under a random id between the preview and the confirmation, for the
//! person who previewed it alone.

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
    /// The column choices the plan was read with, as `--columns` text ("" for none).
    pub columns: String,
    /// The sorted normalised headings of the document's tables as first read, to
    /// remember the choices by ("" for a document without tables).
    pub layout_signature: String,
    /// The local area whose remembered choices were applied when it was first read.
    pub remembered_from: Option<String>,
    /// The uploaded bytes; read only where they are needed (`None` elsewhere, and for
    /// previews made before documents were kept).
    #[sqlx(default)]
    pub document: Option<Vec<u8>>,
    /// When it was read.
    pub created_at: OffsetDateTime,
}

/// A pending import read again with other column choices.
#[derive(Debug, Clone)]
pub struct PendingImportReread {
    /// The format it was read as.
    pub format: String,
    /// The plan read, as plan JSON.
    pub plan_json: String,
    /// The import report, as JSON.
    pub report_json: String,
    /// The column choices now in force, as `--columns` text.
    pub columns: String,
}

impl Store {
    /// Keeps an import for its preview.
    pub async fn insert_pending_import(&self, record: &PendingImportRecord) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "insert into pending_import (pending_import_id, app_user_id, file_name, format,
                    plan_json, report_json, columns, layout_signature, remembered_from, document,
                    created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(&record.pending_import_id)
            .bind(record.app_user_id)
            .bind(&record.file_name)
            .bind(&record.format)
            .bind(&record.plan_json)
            .bind(&record.report_json)
            .bind(&record.columns)
            .bind(&record.layout_signature)
            .bind(&record.remembered_from)
            .bind(&record.document)
            .bind(record.created_at)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An import awaiting confirmation, if `user` previewed it (`None`: the command line)
    /// after `since`; anyone else's is not found. The document is not read.
    pub async fn pending_import(
        &self,
        id: &str,
        user: Option<UserId>,
        since: OffsetDateTime,
    ) -> Result<PendingImportRecord> {
        let row: Option<PendingImportRecord> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select pending_import_id, app_user_id, file_name, format, plan_json, report_json,
                    columns, layout_signature, remembered_from, created_at
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
                    report_json, columns, layout_signature, remembered_from, document, created_at",
            )
            .bind(id)
            .bind(since)
            .bind(user.map(|u| u.0))
            .fetch_optional(pool)
            .await
        })?;
        row.ok_or_else(|| Error::not_found("import (it was confirmed already, or has expired)"))
    }

    /// The uploaded document of an import awaiting confirmation, under the same
    /// conditions as [`Store::pending_import`]; `None` when the preview predates kept
    /// documents.
    pub async fn pending_import_document(
        &self,
        id: &str,
        user: Option<UserId>,
        since: OffsetDateTime,
    ) -> Result<Option<Vec<u8>>> {
        let row: Option<Option<Vec<u8>>> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select document from pending_import
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

    /// Replaces what an import awaiting confirmation was read as, under the same
    /// conditions as [`Store::pending_import`]. Its lifetime still counts from the upload;
    /// the remembered choices no longer apply, the person's own do.
    pub async fn update_pending_import(
        &self,
        id: &str,
        user: Option<UserId>,
        since: OffsetDateTime,
        reread: &PendingImportReread,
        now: OffsetDateTime,
    ) -> Result<()> {
        let changed = on_pool!(self, |pool| {
            sqlx::query(
                "update pending_import
                 set format = $4, plan_json = $5, report_json = $6, columns = $7,
                    remembered_from = null, updated_at = $8
                 where pending_import_id = $1 and created_at >= $2
                    and (app_user_id = $3 or (app_user_id is null and $3 is null))",
            )
            .bind(id)
            .bind(since)
            .bind(user.map(|u| u.0))
            .bind(&reread.format)
            .bind(&reread.plan_json)
            .bind(&reread.report_json)
            .bind(&reread.columns)
            .bind(now)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        if changed == 0 {
            return Err(Error::not_found(
                "import (it was confirmed already, or has expired)",
            ));
        }
        Ok(())
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
