//! Importing a document in two steps: read it and keep what was read for a preview, then
//! store the plan when someone confirms. Nothing the browser sends is trusted at the
//! second step but the random id: the plan stored is the one that was previewed.

use time::Duration;

use super::App;
use crate::documents::{self, Format, ImportReport, read_plan_json, write_plan_json};
use crate::domain::{Error, PlanSummary, PlanTree, Result};
use crate::store::PendingImportRecord;

/// How long a preview can wait for its confirmation.
pub const PENDING_IMPORT_LIFETIME: Duration = Duration::hours(24);

/// A document read and kept, waiting for confirmation.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    /// The id to confirm it by.
    pub id: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// The plan as read.
    pub plan: PlanTree,
    /// What was recognised, the warnings and the passages not mapped.
    pub report: ImportReport,
}

impl App {
    /// Reads a document (format from its name and content) and keeps the plan for a
    /// preview. Reading runs off the async workers: a large PDF takes seconds.
    pub async fn preview_import(&self, bytes: Vec<u8>, name: &str) -> Result<ImportPreview> {
        let file_name = name.trim().chars().take(200).collect::<String>();
        let detect_name = file_name.clone();
        let imported = tokio::task::spawn_blocking(move || {
            documents::import_named(&detect_name, &bytes, None)
        })
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("the import task failed: {e}")))??;
        let now = self.clock.now();
        // Forget previews nobody confirmed, so the table stays small.
        self.store
            .delete_pending_imports_before(now - PENDING_IMPORT_LIFETIME)
            .await?;
        let plan_json = String::from_utf8(write_plan_json(&imported.plan)?)
            .map_err(|e| Error::Internal(e.into()))?;
        let report_json =
            serde_json::to_string(&imported.report).map_err(|e| Error::Internal(e.into()))?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.store
            .insert_pending_import(&PendingImportRecord {
                pending_import_id: id.clone(),
                file_name: file_name.clone(),
                format: imported.report.format.clone(),
                plan_json,
                report_json,
                created_at: now,
            })
            .await?;
        Ok(ImportPreview {
            id,
            file_name,
            plan: imported.plan,
            report: imported.report,
        })
    }

    /// An import awaiting confirmation, for its preview page.
    pub async fn pending_import(&self, id: &str) -> Result<ImportPreview> {
        let since = self.clock.now() - PENDING_IMPORT_LIFETIME;
        preview_of(self.store.pending_import(id, since).await?)
    }

    /// Stores the plan of an import awaiting confirmation, in one transaction, as a new
    /// plan or as the next version of the same plan. An id is confirmed once.
    pub async fn confirm_import(&self, id: &str) -> Result<PlanSummary> {
        let since = self.clock.now() - PENDING_IMPORT_LIFETIME;
        let record = self.store.take_pending_import(id, since).await?;
        let preview = preview_of(record.clone())?;
        match self.import_plan(preview.plan).await {
            Ok(summary) => Ok(summary),
            Err(err) => {
                // Keep the preview, so the person can try again after the problem is fixed.
                let _ = self.store.insert_pending_import(&record).await;
                Err(err)
            }
        }
    }
}

fn preview_of(record: PendingImportRecord) -> Result<ImportPreview> {
    let plan = read_plan_json(record.plan_json.as_bytes())?;
    let mut report: ImportReport =
        serde_json::from_str(&record.report_json).map_err(|e| Error::Internal(e.into()))?;
    if report.format.is_empty() {
        report.format = Format::Json.to_string();
    }
    Ok(ImportPreview {
        id: record.pending_import_id,
        file_name: record.file_name,
        plan,
        report,
    })
}
