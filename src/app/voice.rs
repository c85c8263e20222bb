//! The voice of children, young people and families: add a quote, add a "you said, we
//! did" entry.
//!
//! Both are read as the plan is (so the public "you said, we did" page shows only once
//! the plan is published) and added by admins and editors of the plan's area, with an
//! audit entry in the same transaction.

use super::App;
use crate::domain::{Actor, Quote, QuoteId, Result, YouSaidWeDid, YouSaidWeDidId};

impl App {
    /// Adds a quote; its areas and actions must be the plan's. Admins and editors.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn add_quote(
        &self,
        actor: &Actor,
        plan_key: &str,
        mut quote: Quote,
    ) -> Result<QuoteId> {
        let (summary, plan) = self.plan_to_edit(actor, plan_key).await?;
        quote.text = quote.text.trim().to_owned();
        quote.validate()?;
        plan.check_area_links("areas", &quote.areas)?;
        plan.check_action_links("actions", &quote.actions)?;
        let audit = Self::plan_audit_event(actor, &summary, "quote", "quote.added", &quote)?;
        self.store
            .insert_quote(summary.id, &quote, &audit, self.clock.now())
            .await
    }

    /// Adds a "you said, we did" entry; a request that is not possible needs its reason.
    /// Admins and editors.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn add_you_said_we_did(
        &self,
        actor: &Actor,
        plan_key: &str,
        mut entry: YouSaidWeDid,
    ) -> Result<YouSaidWeDidId> {
        let (summary, plan) = self.plan_to_edit(actor, plan_key).await?;
        entry.you_said = entry.you_said.trim().to_owned();
        entry.we_did = entry.we_did.trim().to_owned();
        entry.reason = entry
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        entry.validate()?;
        plan.check_action_links("actions", &entry.actions)?;
        let audit = Self::plan_audit_event(
            actor,
            &summary,
            "you_said_we_did",
            "you_said_we_did.added",
            &entry,
        )?;
        self.store
            .insert_you_said_we_did(summary.id, &entry, &audit, self.clock.now())
            .await
    }
}
