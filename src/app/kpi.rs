//! KPIs: add one (from the standard library or defined by hand), record an actual, or
//! import actuals from CSV.

use super::App;
use crate::documents::read_kpi_actuals;
use crate::domain::{Actual, Error, Kpi, KpiId, PlanSummary, PlanTree, Result};

/// A KPI of a plan, found by its id.
#[derive(Debug, Clone)]
pub struct KpiInPlan {
    /// The plan as listed.
    pub summary: PlanSummary,
    /// The whole plan (for the tolerance, the objectives and the owner list).
    pub plan: PlanTree,
    /// Index of the KPI in `plan.kpis`.
    pub at: usize,
}

impl KpiInPlan {
    /// The KPI.
    pub fn kpi(&self) -> &Kpi {
        &self.plan.kpis[self.at]
    }
}

impl App {
    /// A KPI of a plan, by the KPI's id.
    pub async fn kpi(&self, plan_key: &str, kpi: &str) -> Result<KpiInPlan> {
        let wanted: i64 = kpi
            .parse()
            .map_err(|_| Error::not_found(format!("KPI {kpi:?}")))?;
        let (summary, plan) = self.plan(plan_key).await?;
        let at = plan
            .kpis
            .iter()
            .position(|k| k.id == Some(KpiId(wanted)))
            .ok_or_else(|| Error::not_found(format!("KPI {kpi:?} in this plan")))?;
        Ok(KpiInPlan { summary, plan, at })
    }

    /// Adds a KPI to a plan; its key must be new to the plan and its objectives the plan's.
    pub async fn add_kpi(&self, plan_key: &str, kpi: Kpi) -> Result<KpiId> {
        let (summary, plan) = self.plan(plan_key).await?;
        kpi.validate()?;
        if plan.kpis.iter().any(|k| k.key == kpi.key) {
            return Err(Error::invalid(
                "key",
                format!("the plan already has a KPI with the key {:?}", kpi.key),
            ));
        }
        plan.check_objective_links("objectives", &kpi.objectives)?;
        self.store
            .insert_kpi(summary.id, &kpi, self.clock.now())
            .await
    }

    /// Records one actual: for a period of the KPI's type, not already recorded, and not
    /// in the future.
    pub async fn add_kpi_actual(
        &self,
        plan_key: &str,
        kpi: &str,
        mut actual: Actual,
    ) -> Result<()> {
        let found = self.kpi(plan_key, kpi).await?;
        let k = found.kpi();
        if actual.period.kind() != k.period_type {
            return Err(Error::invalid(
                "period",
                format!(
                    "this KPI is reported {}: enter {}",
                    k.period_type.label().to_lowercase(),
                    k.period_type.example()
                ),
            ));
        }
        if k.actuals.iter().any(|a| a.period == actual.period) {
            return Err(Error::invalid(
                "period",
                format!(
                    "an actual for {} is already recorded; actuals are never overwritten",
                    actual.period.label()
                ),
            ));
        }
        let today = self.clock.today();
        if actual.period.start() > today {
            return Err(Error::invalid(
                "period",
                format!("{} has not started yet", actual.period.label()),
            ));
        }
        actual.entered_on = Some(today);
        actual.entered_by = actual.entered_by.filter(|b| !b.trim().is_empty());
        actual.note = actual.note.filter(|n| !n.trim().is_empty());
        let id =
            k.id.ok_or_else(|| Error::Internal(anyhow::anyhow!("a stored KPI has no id")))?;
        self.store
            .insert_actuals(id, &[actual], self.clock.now())
            .await
    }

    /// Imports actuals for the plan's KPIs from CSV: all of them, or none with every
    /// problem listed by line. Returns how many were added.
    pub async fn import_kpi_actuals(&self, plan_key: &str, csv: &[u8]) -> Result<usize> {
        let (_, plan) = self.plan(plan_key).await?;
        let rows = read_kpi_actuals(csv, &plan, self.clock.today())?;
        let now = self.clock.now();
        // One transaction per KPI would let half a file in; group and write in one.
        self.store.insert_actuals_of(&rows, now).await?;
        Ok(rows.len())
    }
}
