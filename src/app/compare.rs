//! The cross-area view advisers use: the progress of every plan in the areas they look after.

use super::App;
use crate::domain::{Actor, Error, PlanId, PlanProgress, Result};

impl App {
    /// The progress of each plan in the areas where the actor has a role (every area for
    /// the command line). Published plans of other areas are not included: this is the
    /// view of the areas a person is responsible for.
    ///
    /// Counted from grouped queries (`Store::rating_tallies`), never from the plans'
    /// trees, so the page costs the same whatever the plans' history holds; it gives
    /// what [`PlanTree::progress`](crate::domain::PlanTree::progress) gives on each tree.
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
        let ids: Vec<PlanId> = plans.iter().map(|p| p.id).collect();
        let mut tallies = self.store.rating_tallies(&ids, self.clock.today()).await?;
        // A plan removed between the two reads is left out, as if listed a moment later.
        Ok(plans
            .into_iter()
            .filter_map(|summary| {
                let (scheme, counted, last_cycle) = tallies.remove(&summary.id)?;
                Some(PlanProgress::from_tallies(
                    summary, &scheme, &counted, last_cycle,
                ))
            })
            .collect())
    }
}
