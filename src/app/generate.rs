//! National-scale generated data, to measure the app at the size the `DfE` and NHS England
//! monitor: fictional local areas with one plan each (`domain::generated_plan`), stored
//! through the same write path as an import, and one adviser with a role in every area
//! so the cross-area view can be measured.

use super::{App, NewUser};
use crate::domain::{Actor, Email, Error, Result, Role, Scale, check_new_password, generated_plan};

/// What to generate, and into what.
#[derive(Debug, Clone)]
pub struct GenerateRequest {
    /// How many areas, actions, updates and years of KPI actuals.
    pub scale: Scale,
    /// The adviser's email and password: the account is created if new, then given the
    /// adviser role in every generated area.
    pub adviser: Option<(String, String)>,
    /// Add to a database that already holds plans. Nothing is replaced or deleted: a
    /// generated area that is already stored gets the next version of its plan.
    pub force: bool,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Plans stored, one per local area.
    pub plans: usize,
    /// Actions over all plans.
    pub actions: usize,
    /// Progress updates over all plans.
    pub updates: usize,
    /// KPI actuals over all plans.
    pub actuals: usize,
}

impl App {
    /// Generates `request.scale` into the store, calling `done` with the number of plans
    /// stored after each one. Command line only. Refuses, before writing anything, a
    /// database that already holds plans (unless `force`), and an adviser whose email or
    /// password would be refused later. Each plan is written in its own transaction
    /// ([`Store::insert_plan`](crate::store::Store::insert_plan): multi-row inserts), so
    /// an interrupted run leaves whole plans; the planner's statistics are refreshed at
    /// the end, since a bulk load changes the tables' shape at once.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0)))]
    pub async fn generate(
        &self,
        actor: &Actor,
        request: &GenerateRequest,
        mut done: impl FnMut(usize),
    ) -> Result<Generated> {
        if *actor != Actor::System {
            return Err(Error::Forbidden);
        }
        let stored = self.store.plans().await?.len();
        if stored > 0 && !request.force {
            return Err(Error::Conflict(format!(
                "the database already holds {stored} plan{}: generate into an empty database, \
                 or pass --force to add the generated plans beside them",
                if stored == 1 { "" } else { "s" }
            )));
        }
        if let Some((email, password)) = &request.adviser {
            Email::parse(email)?;
            check_new_password("password", password)?;
        }
        let scale = request.scale;
        let today = self.clock.today();
        let mut made = Generated {
            plans: 0,
            actions: 0,
            updates: 0,
            actuals: 0,
        };
        for index in 0..scale.areas {
            let plan = generated_plan(scale, index, today);
            made.actions += plan.actions().count();
            made.updates += plan
                .actions()
                .map(|(_, _, a)| a.updates.len())
                .sum::<usize>();
            made.actuals += plan.kpis.iter().map(|k| k.actuals.len()).sum::<usize>();
            let local_area = plan.local_area.clone();
            let owners: Vec<String> = plan.people.iter().map(|p| p.key().to_owned()).collect();
            self.store_new_plan(actor, plan, "plan.generated").await?;
            // Every owner gets an account (without a password: nobody signs in as them),
            // so reminders and digests at national scale have real recipients.
            let domain = super::plan::slugify(&local_area);
            for key in owners {
                self.add_user(
                    actor,
                    NewUser {
                        email: format!("{}@{domain}.generated.example", key.to_lowercase()),
                        name: format!("Owner {key}"),
                        role: Role::Owner,
                        local_area: local_area.clone(),
                        person_key: Some(key),
                        password: None,
                    },
                )
                .await?;
            }
            if let Some((email, password)) = &request.adviser {
                // The password is set once, with the first role; later roles leave it.
                self.add_user(
                    actor,
                    NewUser {
                        email: email.clone(),
                        name: "Generated adviser".into(),
                        role: Role::Adviser,
                        local_area,
                        person_key: None,
                        password: (index == 0).then(|| password.clone()),
                    },
                )
                .await?;
            }
            made.plans += 1;
            done(made.plans);
        }
        self.store.refresh_statistics().await?;
        Ok(made)
    }
}
