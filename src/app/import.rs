//! Importing a document in two steps: read it and keep what was read for a preview, then
//! store the plan when the same person confirms. Nothing the browser sends is trusted at
//! the second step but the random id and who is asking: the plan stored is the one that
//! was previewed, and only its previewer may see or confirm it.
//!
//! Only admins and editors import, and only for their own local areas: a plan names its
//! local area, and a plan for an area the person does not edit is previewed with the
//! reason it cannot be stored, then refused if confirmed anyway.

use time::Duration;

use super::App;
use crate::documents::{self, Format, ImportReport, read_plan_json, write_plan_json};
use crate::domain::{Actor, Error, Permission, PlanSummary, PlanTree, Result};
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
    /// Why the person previewing it may not store it, if they may not: the plan is for a
    /// local area they do not edit.
    pub refusal: Option<String>,
}

impl App {
    /// Refuses the public (sign in) and people who edit no local area (forbidden) before
    /// anything is read: the upload form and the upload ask this first.
    pub fn may_import(&self, actor: &Actor) -> Result<()> {
        actor.may_import().check(|| "import".into())
    }

    /// Reads a document (format from its name and content) and keeps the plan for a
    /// preview by the same person. Reading runs off the async workers: a large PDF takes
    /// seconds. A plan for a local area the person does not edit is kept too, and its
    /// preview says why it cannot be stored.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), bytes = bytes.len()))]
    pub async fn preview_import(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        name: &str,
    ) -> Result<ImportPreview> {
        self.may_import(actor)?;
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
                app_user_id: actor.user_id().map(|u| u.0),
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
            refusal: refusal(actor, &imported.plan),
            plan: imported.plan,
            report: imported.report,
        })
    }

    /// An import awaiting confirmation, for its preview page: only the person who
    /// previewed it finds it.
    pub async fn pending_import(&self, actor: &Actor, id: &str) -> Result<ImportPreview> {
        if matches!(actor, Actor::Public) {
            return Err(Error::Unauthorized);
        }
        let since = self.clock.now() - PENDING_IMPORT_LIFETIME;
        let record = self
            .store
            .pending_import(id, actor.user_id(), since)
            .await?;
        preview_of(actor, record)
    }

    /// Stores the plan of an import awaiting confirmation, in one transaction with its
    /// audit event, as a new plan or as the next version of the same plan
    /// ([`App::import_plan`], which checks again that the person edits the plan's local
    /// area). Only the person who previewed it may confirm it, once.
    #[tracing::instrument(skip_all, fields(import = id, actor = actor.user_id().map(|u| u.0)))]
    pub async fn confirm_import(&self, actor: &Actor, id: &str) -> Result<PlanSummary> {
        if matches!(actor, Actor::Public) {
            return Err(Error::Unauthorized);
        }
        let since = self.clock.now() - PENDING_IMPORT_LIFETIME;
        let record = self
            .store
            .take_pending_import(id, actor.user_id(), since)
            .await?;
        let preview = preview_of(actor, record.clone())?;
        match self.import_plan(actor, preview.plan).await {
            Ok(summary) => Ok(summary),
            Err(err) => {
                // Keep the preview, so the person can try again after the problem is fixed.
                let _ = self.store.insert_pending_import(&record).await;
                Err(err)
            }
        }
    }
}

/// Why `actor` may not store `plan`, in words for the preview page.
fn refusal(actor: &Actor, plan: &PlanTree) -> Option<String> {
    if actor.may_import_into(&plan.local_area) == Permission::Allowed {
        return None;
    }
    let areas = actor.import_areas();
    let yours = match areas.as_slice() {
        [] => "You may not import plans for any local area.".to_owned(),
        [one] => format!("You may import plans for {one} only."),
        many => format!("You may import plans for {} only.", many.join(", ")),
    };
    Some(format!(
        "This plan is for “{}”, a local area you are not an administrator or editor of, so it \
         cannot be stored. {yours} If the document names the wrong local area, correct it and \
         upload the file again; otherwise ask an administrator of that local area to import it.",
        plan.local_area
    ))
}

fn preview_of(actor: &Actor, record: PendingImportRecord) -> Result<ImportPreview> {
    let plan = read_plan_json(record.plan_json.as_bytes())?;
    let mut report: ImportReport =
        serde_json::from_str(&record.report_json).map_err(|e| Error::Internal(e.into()))?;
    if report.format.is_empty() {
        report.format = Format::Json.to_string();
    }
    Ok(ImportPreview {
        id: record.pending_import_id,
        file_name: record.file_name,
        refusal: refusal(actor, &plan),
        plan,
        report,
    })
}
