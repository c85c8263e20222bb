//! The demo plan: a real written statement of action, bundled so that `serve --demo`
//! shows a whole plan on a fresh machine.

use super::App;
use crate::documents::{Format, import};
use crate::domain::{PlanSummary, Result};

/// What the demo is, for messages.
pub const DEMO_NAME: &str = "North East Lincolnshire written statement of action (December 2018)";

/// The plain-text export of the North East Lincolnshire WSOA, a public document.
pub const DEMO_DOCUMENT: &str =
    include_str!("../../examples/north-east-lincolnshire-wsoa-2018.txt");

impl App {
    /// Loads the demo plan when no plan is stored yet; returns it if it was loaded.
    pub async fn load_demo_if_empty(&self) -> Result<Option<PlanSummary>> {
        if !self.plans().await?.is_empty() {
            return Ok(None);
        }
        let imported = import(Format::Text, DEMO_DOCUMENT.as_bytes())?;
        self.import_plan(imported.plan).await.map(Some)
    }
}
