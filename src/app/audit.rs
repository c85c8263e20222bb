//! Reading the audit trail: per plan, per action, and as CSV. Only the area's members
//! read it; the public and other areas never do, even for a published plan.

use super::{ActionInPlan, App};
use crate::domain::{Actor, AuditEvent, ChainCheck, Error, PlanSummary, Result};

impl App {
    /// Checks every link of the audit trail's hash chain: the command line's, as the
    /// whole trail spans every area.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<ChainCheck> {
        if !matches!(actor, Actor::System) {
            return Err(Error::Forbidden);
        }
        self.store.verify_audit_chain().await
    }

    /// Every change to a plan and its actions, oldest first.
    pub async fn plan_audit(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<(PlanSummary, Vec<AuditEvent>)> {
        let summary = self.plan_summary(actor, key).await?;
        actor
            .may_read_internal(summary.local_area_id, summary.published)
            .check(|| format!("plan {key:?}"))?;
        let events = self.store.audit_of_plan(summary.id).await?;
        Ok((summary, events))
    }

    /// Every change to one action, oldest first.
    pub async fn action_audit(
        &self,
        actor: &Actor,
        plan_key: &str,
        action: &str,
    ) -> Result<(ActionInPlan, Vec<AuditEvent>)> {
        let found = self.action(actor, plan_key, action).await?;
        actor
            .may_read_internal(found.summary.local_area_id, found.summary.published)
            .check(|| format!("action {action:?}"))?;
        let id = found
            .action()
            .id
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("a stored action has no id")))?;
        let events = self.store.audit_of_action(id).await?;
        Ok((found, events))
    }
}

/// The audit trail as CSV: one row per change, before and after as JSON text.
///
/// This is an exporter (a read model in, bytes out) and belongs in `documents`; it sits
/// here until the importer rewrite there has landed.
pub fn audit_csv(events: &[AuditEvent]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Internal(anyhow::anyhow!("writing audit CSV: {e}"));
    writer
        .write_record([
            "id",
            "occurred_at",
            "actor",
            "event",
            "entity",
            "entity_id",
            "plan_id",
            "action_id",
            "before",
            "after",
        ])
        .map_err(fail)?;
    let json = |v: Option<&serde_json::Value>| v.map(ToString::to_string).unwrap_or_default();
    for e in events {
        let occurred = e
            .occurred_at
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|err| Error::Internal(err.into()))?;
        writer
            .write_record([
                e.id.to_string(),
                occurred,
                defuse(&e.actor),
                e.event.clone(),
                e.entity.clone(),
                e.entity_id.clone().unwrap_or_default(),
                e.plan_id.map(|p| p.0.to_string()).unwrap_or_default(),
                e.action_id.map(|a| a.0.to_string()).unwrap_or_default(),
                defuse(&json(e.before.as_ref())),
                defuse(&json(e.after.as_ref())),
            ])
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::Internal(anyhow::anyhow!("writing audit CSV: {e}")))
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's
/// advice on CSV injection): the trail holds text people typed.
fn defuse(cell: &str) -> String {
    crate::documents::defused(cell).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_looks_like_a_formula_is_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("alex@example.org"), "alex@example.org");
    }
}
