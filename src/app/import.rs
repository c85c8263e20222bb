//! Importing a document in two steps: read it and keep what was read for a preview, then
//! store the plan when the same person confirms. Nothing the browser sends is trusted at
//! the second step but the random id and who is asking: the plan stored is the one that
//! was previewed, and only its previewer may see or confirm it.
//!
//! Only admins and editors import, and only for their own local areas: a plan names its
//! local area, and a plan for an area the person does not edit is previewed with the
//! reason it cannot be stored, then refused if confirmed anyway.
//!
//! The uploaded document is kept with its preview, so the person can change the role of
//! any column and see it read again without uploading it again. The choices a plan is
//! stored with are remembered for its local area and that layout of headings, and
//! applied when the area's next document with the same headings is previewed.

use time::Duration;

use super::App;
use crate::documents::{
    self, ColumnChoices, Format, ImportOptions, ImportReport, Imported, layout_signature,
    read_plan_json, write_plan_json,
};
use crate::domain::{Actor, Error, NewAuditEvent, Permission, PlanSummary, PlanTree, Result};
use crate::store::{ImportLayoutRecord, PendingImportRecord, PendingImportReread};

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
    /// The column roles chosen (by the person, or remembered) that it was read with.
    pub columns: ColumnChoices,
    /// The local area whose last import of this layout gave the choices, when they were
    /// applied on upload and not changed since.
    pub remembered_from: Option<String>,
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
        let (imported, bytes) =
            read_document(bytes, file_name.clone(), ColumnChoices::default()).await?;
        let imported = imported?;
        let signature = layout_signature(&imported.report.tables);
        let (imported, columns, remembered_from) = self
            .with_remembered_columns(actor, imported, &bytes, &file_name, &signature)
            .await?;
        let now = self.clock.now();
        // Forget previews nobody confirmed, so the table stays small.
        self.store
            .delete_pending_imports_before(now - PENDING_IMPORT_LIFETIME)
            .await?;
        let (plan_json, report_json) = as_json(&imported)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.store
            .insert_pending_import(&PendingImportRecord {
                pending_import_id: id.clone(),
                app_user_id: actor.user_id().map(|u| u.0),
                file_name: file_name.clone(),
                format: imported.report.format.clone(),
                plan_json,
                report_json,
                columns: columns.to_spec(),
                layout_signature: signature,
                remembered_from: remembered_from.clone(),
                document: Some(bytes),
                created_at: now,
            })
            .await?;
        Ok(ImportPreview {
            id,
            file_name,
            refusal: refusal(actor, &imported.plan),
            plan: imported.plan,
            report: imported.report,
            columns,
            remembered_from,
        })
    }

    /// The document read again with the choices remembered for its local area's last
    /// import of the same layout, when there are some and the person may import for that
    /// area; else as it was read. A remembered layout the document can no longer be read
    /// with is passed over (and logged): the person still sees the importer's reading.
    async fn with_remembered_columns(
        &self,
        actor: &Actor,
        imported: Imported,
        bytes: &[u8],
        file_name: &str,
        signature: &str,
    ) -> Result<(Imported, ColumnChoices, Option<String>)> {
        let area = imported.plan.local_area.clone();
        if signature.is_empty() || actor.may_import_into(&area) != Permission::Allowed {
            return Ok((imported, ColumnChoices::default(), None));
        }
        let Some(layout) = self.store.import_layout(&area, signature).await? else {
            return Ok((imported, ColumnChoices::default(), None));
        };
        let choices = match ColumnChoices::parse(&layout.columns) {
            Ok(choices) if !choices.is_empty() => choices,
            Ok(_) => return Ok((imported, ColumnChoices::default(), None)),
            Err(err) => {
                tracing::warn!(%area, error = %err, "a remembered import layout does not parse");
                return Ok((imported, ColumnChoices::default(), None));
            }
        };
        let (again, _) =
            read_document(bytes.to_vec(), file_name.to_owned(), choices.clone()).await?;
        match again.and_then(|again| all_matched(again, &choices)) {
            Ok(again) => Ok((again, choices, Some(area))),
            Err(err) => {
                tracing::warn!(%area, error = %err, "a remembered import layout no longer reads");
                Ok((imported, ColumnChoices::default(), None))
            }
        }
    }

    /// Reads an import awaiting confirmation again, from the kept document, with the
    /// column roles `choices` gives (all the choices in force: an empty set is the
    /// importer's own reading), and keeps the new reading for its preview. Only the person
    /// who previewed it may, as for [`App::confirm_import`]; a document that cannot be
    /// read with these choices is refused with the reason, and the preview is unchanged.
    pub async fn choose_columns(
        &self,
        actor: &Actor,
        id: &str,
        choices: &ColumnChoices,
    ) -> Result<ImportPreview> {
        if matches!(actor, Actor::Public) {
            return Err(Error::Unauthorized);
        }
        let since = self.clock.now() - PENDING_IMPORT_LIFETIME;
        let record = self
            .store
            .pending_import(id, actor.user_id(), since)
            .await?;
        let Some(bytes) = self
            .store
            .pending_import_document(id, actor.user_id(), since)
            .await?
        else {
            return Err(Error::invalid(
                "columns",
                "this preview was made before documents were kept with it: upload the file again",
            ));
        };
        let (imported, _) = read_document(bytes, record.file_name.clone(), choices.clone()).await?;
        let imported = imported.map_err(|err| match err {
            Error::Invalid { message, .. } => Error::invalid(
                "columns",
                format!("The document cannot be read with these columns: it {message}"),
            ),
            other => other,
        })?;
        let imported = all_matched(imported, choices)?;
        let (plan_json, report_json) = as_json(&imported)?;
        self.store
            .update_pending_import(
                id,
                actor.user_id(),
                since,
                &PendingImportReread {
                    format: imported.report.format.clone(),
                    plan_json,
                    report_json,
                    columns: choices.to_spec(),
                },
                self.clock.now(),
            )
            .await?;
        Ok(ImportPreview {
            id: record.pending_import_id,
            file_name: record.file_name,
            refusal: refusal(actor, &imported.plan),
            plan: imported.plan,
            report: imported.report,
            columns: choices.clone(),
            remembered_from: None,
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
        let area = preview.plan.local_area.clone();
        match self.import_plan(actor, preview.plan).await {
            Ok(summary) => {
                self.remember_columns(actor, &area, &summary, &record).await;
                Ok(summary)
            }
            Err(err) => {
                // Keep the preview, so the person can try again after the problem is fixed.
                let _ = self.store.insert_pending_import(&record).await;
                Err(err)
            }
        }
    }

    /// The column choices remembered for the local areas the person imports plans for.
    pub async fn import_layouts(&self, actor: &Actor) -> Result<Vec<ImportLayoutRecord>> {
        self.may_import(actor)?;
        self.store.import_layouts(&actor.import_areas()).await
    }

    /// Forgets a remembered layout (audited), so the area's next document with those
    /// headings is read as written. Only the area's admins and editors may: another
    /// area's layout is not found, so its existence is not told either.
    pub async fn forget_import_layout(&self, actor: &Actor, id: i64) -> Result<()> {
        self.may_import(actor)?;
        let layout = self
            .store
            .import_layout_by_id(id)
            .await?
            .filter(|l| actor.may_import_into(&l.local_area) == Permission::Allowed)
            .ok_or_else(|| Error::not_found("remembered import layout"))?;
        let audit = NewAuditEvent::by(actor, "import_layout", "import_layout.forgotten");
        self.store
            .set_import_layout(
                &layout.local_area,
                &layout.signature,
                "",
                &audit,
                self.clock.now(),
            )
            .await?;
        Ok(())
    }

    /// Remembers the column choices a plan was stored with for its local area and
    /// layout, or forgets the layout when it was stored without choices (audited either
    /// way, on the plan's trail too). The plan is stored by then, so a failure here is
    /// logged rather than reported as a failed import: only the convenience of the next
    /// upload is lost.
    async fn remember_columns(
        &self,
        actor: &Actor,
        area: &str,
        stored: &PlanSummary,
        record: &PendingImportRecord,
    ) {
        if record.layout_signature.is_empty() {
            return;
        }
        let event = if record.columns.is_empty() {
            "import_layout.forgotten"
        } else {
            "import_layout.saved"
        };
        let audit = NewAuditEvent {
            plan_id: Some(stored.id),
            ..NewAuditEvent::by(actor, "import_layout", event)
        };
        if let Err(err) = self
            .store
            .set_import_layout(
                area,
                &record.layout_signature,
                &record.columns,
                &audit,
                self.clock.now(),
            )
            .await
        {
            tracing::error!(%area, error = ?err, "remembering the import's columns failed");
        }
    }
}

/// Reads a document off the async workers (a large PDF takes seconds), handing the
/// bytes back for keeping; the outer error is the task's, the inner the document's.
async fn read_document(
    bytes: Vec<u8>,
    file_name: String,
    columns: ColumnChoices,
) -> Result<(Result<Imported>, Vec<u8>)> {
    tokio::task::spawn_blocking(move || {
        let options = ImportOptions {
            columns,
            ..ImportOptions::default()
        };
        let imported = documents::import_named_with(&file_name, &bytes, None, &options);
        (imported, bytes)
    })
    .await
    .map_err(|e| Error::Internal(anyhow::anyhow!("the import task failed: {e}")))
}

/// The document as read with `choices`, if every chosen heading is still a column of its
/// tables: roles that stop a header row being read as one (the importer then numbers the
/// columns instead) are refused rather than silently doing nothing.
fn all_matched(imported: Imported, choices: &ColumnChoices) -> Result<Imported> {
    let unmatched = choices.unmatched(&imported.report.tables);
    if unmatched.is_empty() {
        return Ok(imported);
    }
    let headings: Vec<String> = unmatched.iter().map(|h| format!("“{h}”")).collect();
    Err(Error::invalid(
        "columns",
        format!(
            "The document cannot be read with these columns: with them, no column is headed {}, \
             because the header row is no longer read as headings. Choose roles that leave an \
             action column",
            headings.join(", ")
        ),
    ))
}

/// The plan as plan JSON and the report as JSON, as a pending import keeps them.
fn as_json(imported: &Imported) -> Result<(String, String)> {
    let plan_json = String::from_utf8(write_plan_json(&imported.plan)?)
        .map_err(|e| Error::Internal(e.into()))?;
    let report_json =
        serde_json::to_string(&imported.report).map_err(|e| Error::Internal(e.into()))?;
    Ok((plan_json, report_json))
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
    let columns = ColumnChoices::parse(&record.columns)?;
    Ok(ImportPreview {
        id: record.pending_import_id,
        file_name: record.file_name,
        refusal: refusal(actor, &plan),
        plan,
        report,
        columns,
        remembered_from: record.remembered_from,
    })
}
