//! The cross-area view advisers use: the progress of every plan in the areas they look after.

use super::App;
use crate::domain::{Actor, Error, PlanProgress, Result};

impl App {
    /// The progress of each plan in the areas where the actor has a role (every area for
    /// the command line). Published plans of other areas are not included: this is the
    /// view of the areas a person is responsible for.
    pub async fn compare_plans(&self, actor: &Actor) -> Result<Vec<PlanProgress>> {
        let plans = match actor {
            Actor::Public => return Err(Error::Unauthorized),
            Actor::System => self.store.plans().await?,
            Actor::User(_) => self
                .plans(actor)
                .await?
                .into_iter()
                .filter(|p| actor.grant(p.local_area_id).is_some())
                .collect(),
        };
        let today = self.clock.today();
        let mut out = Vec::with_capacity(plans.len());
        for summary in plans {
            let tree = self.plan_tree(summary.id).await?;
            out.push(tree.progress(summary, today));
        }
        Ok(out)
    }
}
