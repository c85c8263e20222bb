//! KPIs: add one (from the standard library or defined by hand), record an actual, or
//! import actuals from CSV.
//!
//! Reading follows the plan's rule (its area's members, advisers granted the area, and
//! everyone once it is published). Adding a KPI and importing a CSV of actuals are for
//! admins and editors of the plan's area; one actual may also be recorded by an owner on
//! a KPI they report (the KPI's `owner` is their person key), as they record progress on
//! their own actions. Every change writes an audit entry in its transaction.

use super::App;
use crate::documents::read_kpi_actuals;
use crate::domain::{Actor, Actual, Error, Kpi, KpiId, Permission, PlanSummary, PlanTree, Result};

/// A KPI of a plan, found by its id.
#[derive(Debug, Clone)]
pub struct KpiInPlan {
    /// The plan as listed.
    pub summary: PlanSummary,
    /// The whole plan (for the tolerance, the objectives and the owner list).
    pub plan: std::sync::Arc<PlanTree>,
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
    /// A KPI of a plan the actor may read, by the KPI's id.
    pub async fn kpi(&self, actor: &Actor, plan_key: &str, kpi: &str) -> Result<KpiInPlan> {
        let wanted: i64 = kpi
            .parse()
            .map_err(|_| Error::not_found(format!("KPI {kpi:?}")))?;
        let (summary, plan) = self.plan(actor, plan_key).await?;
        let at = plan
            .kpis
            .iter()
            .position(|k| k.id == Some(KpiId(wanted)))
            .ok_or_else(|| Error::not_found(format!("KPI {kpi:?} in this plan")))?;
        Ok(KpiInPlan { summary, plan, at })
    }

    /// A KPI the actor may record an actual on: admins and editors of the plan's area,
    /// and the KPI's owner.
    pub async fn kpi_to_record(
        &self,
        actor: &Actor,
        plan_key: &str,
        kpi: &str,
    ) -> Result<KpiInPlan> {
        let found = self.kpi(actor, plan_key, kpi).await?;
        actor
            .may_record_kpi_actual(
                found.summary.local_area_id,
                found.summary.published,
                &found.plan,
                found.kpi(),
            )
            .check(|| format!("KPI {kpi:?}"))?;
        Ok(found)
    }

    /// Whether the actor may record an actual on the KPI, for showing the form.
    pub fn may_record_kpi_actual(&self, actor: &Actor, found: &KpiInPlan) -> bool {
        actor.may_record_kpi_actual(
            found.summary.local_area_id,
            found.summary.published,
            &found.plan,
            found.kpi(),
        ) == Permission::Allowed
    }

    /// Adds a KPI to a plan; its key must be new to the plan and its objectives the plan's.
    /// Admins and editors of the plan's area.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn add_kpi(&self, actor: &Actor, plan_key: &str, kpi: Kpi) -> Result<KpiId> {
        let (summary, plan) = self.plan_to_edit(actor, plan_key).await?;
        kpi.validate()?;
        if plan.kpis.iter().any(|k| k.key == kpi.key) {
            return Err(Error::invalid(
                "key",
                format!("the plan already has a KPI with the key {:?}", kpi.key),
            ));
        }
        plan.check_objective_links("objectives", &kpi.objectives)?;
        let audit = Self::plan_audit_event(actor, &summary, "kpi", "kpi.added", &kpi)?;
        self.store
            .insert_kpi(summary.id, &kpi, &audit, self.clock.now())
            .await
    }

    /// Records one actual: for a period of the KPI's type, not already recorded, and not
    /// in the future. Admins and editors of the plan's area, and the KPI's owner.
    #[tracing::instrument(skip_all, fields(plan = plan_key, kpi, actor = actor.user_id().map(|u| u.0)))]
    pub async fn add_kpi_actual(
        &self,
        actor: &Actor,
        plan_key: &str,
        kpi: &str,
        mut actual: Actual,
    ) -> Result<()> {
        let found = self.kpi_to_record(actor, plan_key, kpi).await?;
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
        // A signed-in person is always who entered what they record; only the command
        // line may name someone else.
        actual.entered_by = match actor {
            Actor::User(_) => entered_by(actor, &found.summary),
            Actor::System | Actor::Public => actual.entered_by.filter(|b| !b.trim().is_empty()),
        };
        actual.note = actual.note.filter(|n| !n.trim().is_empty());
        let id =
            k.id.ok_or_else(|| Error::Internal(anyhow::anyhow!("a stored KPI has no id")))?;
        let audit = Self::plan_audit_event(
            actor,
            &found.summary,
            "kpi",
            "kpi.actual_recorded",
            &serde_json::json!({ "kpi": k.key, "actuals": [&actual] }),
        )?;
        self.store
            .insert_actuals(id, &[actual], &audit, self.clock.now())
            .await
    }

    /// Imports actuals for the plan's KPIs from CSV: all of them, or none with every
    /// problem listed by line. Returns how many were added. Admins and editors of the
    /// plan's area: a file may hold any of the plan's KPIs.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0), bytes = csv.len()))]
    pub async fn import_kpi_actuals(
        &self,
        actor: &Actor,
        plan_key: &str,
        csv: &[u8],
    ) -> Result<usize> {
        let (summary, plan) = self.plan_to_edit(actor, plan_key).await?;
        let mut rows = read_kpi_actuals(csv, &plan, self.clock.today())?;
        // The file may say whom each figure came from; where it does not, the person
        // importing it entered it.
        let importer = entered_by(actor, &summary);
        for (_, actual) in &mut rows {
            if actual.entered_by.is_none() {
                actual.entered_by.clone_from(&importer);
            }
        }
        let key_of = |id: KpiId| {
            plan.kpis
                .iter()
                .find(|k| k.id == Some(id))
                .map_or("", |k| k.key.as_str())
        };
        let audit = Self::plan_audit_event(
            actor,
            &summary,
            "kpi",
            "kpi.actuals_imported",
            &serde_json::json!({
                "rows": rows.len(),
                "actuals": rows
                    .iter()
                    .map(|(id, actual)| serde_json::json!({ "kpi": key_of(*id), "actual": actual }))
                    .collect::<Vec<_>>(),
            }),
        )?;
        // One transaction per KPI would let half a file in; group and write in one.
        self.store
            .insert_actuals_of(&rows, &audit, self.clock.now())
            .await?;
        Ok(rows.len())
    }
}

/// How a signed-in person is named on what they enter: their person key in the plan's
/// area, else their name, else their email. `None` for the command line and the public.
fn entered_by(actor: &Actor, summary: &PlanSummary) -> Option<String> {
    let user = actor.user()?;
    let key = actor
        .grant(summary.local_area_id)
        .and_then(|g| g.person_key.clone());
    Some(key.unwrap_or_else(|| {
        if user.name.trim().is_empty() {
            user.email.clone()
        } else {
            user.name.clone()
        }
    }))
}
