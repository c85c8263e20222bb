//! The demo: a real written statement of action, bundled so that `serve --demo` shows a
//! whole plan on a fresh machine, published so anyone can read it, with one account per
//! role so a newcomer can try each.

use super::{App, NewUser};
use crate::documents::{Format, import};
use crate::domain::{Actor, Error, PlanSummary, Result, Role};

/// What the demo is, for messages.
pub const DEMO_NAME: &str = "North East Lincolnshire written statement of action (December 2018)";

/// The plain-text export of the North East Lincolnshire WSOA, a public document.
pub const DEMO_DOCUMENT: &str =
    include_str!("../../examples/north-east-lincolnshire-wsoa-2018.txt");

/// A demo account: known credentials, for trying the product, never for real data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// The role it has in the demo area.
    pub role: Role,
    /// Sign-in name.
    pub email: String,
    /// Its password, printed for the newcomer.
    pub password: String,
    /// For owners: whose actions they may update.
    pub person_key: Option<String>,
}

impl App {
    /// Loads the demo plan when no plan is stored yet and publishes it; returns it if it
    /// was loaded.
    pub async fn load_demo_if_empty(&self) -> Result<Option<PlanSummary>> {
        if !self.plans(&Actor::System).await?.is_empty() {
            return Ok(None);
        }
        let imported = import(Format::Text, DEMO_DOCUMENT.as_bytes())?;
        let plan = self.import_plan(&Actor::System, imported.plan).await?;
        self.set_published(&Actor::System, &plan.slug, true)
            .await
            .map(Some)
    }

    /// Creates (or resets) one account per role in the plan's local area, with fixed,
    /// well-known passwords. Demo mode only: these accounts are for trying the product.
    /// The owner is the first person of the plan's owner list who owns an action.
    pub async fn create_demo_accounts(&self, plan_key: &str) -> Result<Vec<DemoAccount>> {
        let (summary, plan) = self.plan(&Actor::System, plan_key).await?;
        let owner_key = plan
            .people
            .iter()
            .map(|p| p.key().to_owned())
            .find(|key| plan.actions().any(|(_, _, a)| plan.is_owned_by(a, key)))
            .or_else(|| {
                plan.actions()
                    .find_map(|(_, _, a)| a.owners.first().cloned())
            });
        let mut accounts = Vec::new();
        for role in Role::ALL {
            let person_key = if role == Role::Owner {
                match &owner_key {
                    Some(key) => Some(key.clone()),
                    None => continue,
                }
            } else {
                None
            };
            let account = DemoAccount {
                role,
                email: format!("{}@demo.example", role.code()),
                password: format!("demo-{}-password", role.code()),
                person_key,
            };
            self.add_user(
                &Actor::System,
                NewUser {
                    email: account.email.clone(),
                    name: format!("Demo {}", role.label()),
                    role,
                    local_area: summary.local_area.clone(),
                    person_key: account.person_key.clone(),
                    password: Some(account.password.clone()),
                },
            )
            .await
            .map_err(|e| match e {
                Error::Invalid { field, message } => {
                    Error::Internal(anyhow::anyhow!("demo account {field}: {message}"))
                }
                other => other,
            })?;
            accounts.push(account);
        }
        Ok(accounts)
    }
}
