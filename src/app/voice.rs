//! The voice of children, young people and families: add a quote, add a "you said, we
//! did" entry.

use super::App;
use crate::domain::{Quote, QuoteId, Result, YouSaidWeDid, YouSaidWeDidId};

impl App {
    /// Adds a quote; its areas and actions must be the plan's.
    pub async fn add_quote(&self, plan_key: &str, mut quote: Quote) -> Result<QuoteId> {
        let (summary, plan) = self.plan(plan_key).await?;
        quote.text = quote.text.trim().to_owned();
        quote.validate()?;
        plan.check_area_links("areas", &quote.areas)?;
        plan.check_action_links("actions", &quote.actions)?;
        self.store
            .insert_quote(summary.id, &quote, self.clock.now())
            .await
    }

    /// Adds a "you said, we did" entry; a request that is not possible needs its reason.
    pub async fn add_you_said_we_did(
        &self,
        plan_key: &str,
        mut entry: YouSaidWeDid,
    ) -> Result<YouSaidWeDidId> {
        let (summary, plan) = self.plan(plan_key).await?;
        entry.you_said = entry.you_said.trim().to_owned();
        entry.we_did = entry.we_did.trim().to_owned();
        entry.reason = entry
            .reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        entry.validate()?;
        plan.check_action_links("actions", &entry.actions)?;
        self.store
            .insert_you_said_we_did(summary.id, &entry, self.clock.now())
            .await
    }
}
