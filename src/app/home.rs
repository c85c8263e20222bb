//! What each person sees first: the programme manager's "This cycle" (who has not
//! updated, what is late or slipping, KPIs off trajectory, and after an import the
//! steps to set the plan up) and the board member's pack. The owner's task list is in
//! `reminders` beside the chase it shares its rules with.

use std::collections::HashSet;

use time::Date;

use super::App;
use super::running::RunningPlan;
use crate::domain::reminders::{OwnerBehind, owners_behind};
use crate::domain::{Actor, KpiStatus, Result, Role};

/// An owner who has not updated this cycle, with their account's email when they have
/// one, so they can be chased.
#[derive(Debug, Clone)]
pub struct OwnerToChase {
    /// Who, and which actions.
    pub behind: OwnerBehind,
    /// Their account's email; `None` when they have no account in the area.
    pub email: Option<String>,
}

/// One step of setting a plan up after it is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetUpStep {
    /// "Name an owner for every action".
    pub name: &'static str,
    /// Where it stands, in a sentence: "12 actions have no owner".
    pub hint: String,
    /// The page where it is done.
    pub href: String,
    /// Whether nothing is left to do.
    pub done: bool,
}

/// A plan's open cycle as its programme manager works it.
#[derive(Debug, Clone)]
pub struct ThisCycle {
    /// The open cycle's first day and the day it is planned to close.
    pub cycle: (Date, Date),
    /// Owners with actions not updated since the cycle opened, by name.
    pub behind: Vec<OwnerToChase>,
    /// Actions not complete.
    pub open_actions: usize,
    /// Of those, how many have an update since the cycle opened.
    pub updated: usize,
    /// Overdue actions: ref and "due March 2026".
    pub overdue: Vec<(String, String)>,
    /// Actions whose deadline moved later this cycle: ref and "from → to (changed …)".
    pub slipped: Vec<(String, String)>,
    /// Actions due in the next 30 days: stored id, ref and when.
    pub due_soon: Vec<(i64, String, String)>,
    /// KPIs whose latest actual is off trajectory: stored id and name.
    pub kpis_off: Vec<(i64, String)>,
    /// The steps of setting the plan up; all done once it is running.
    pub set_up: Vec<SetUpStep>,
    /// The plan.
    pub running: RunningPlan,
}

impl ThisCycle {
    /// Whether the plan still has set-up steps to do.
    pub fn setting_up(&self) -> bool {
        self.set_up.iter().any(|s| !s.done)
    }
}

impl App {
    /// The open cycle of each plan the actor may edit (the latest version of each), for
    /// their home page.
    pub async fn this_cycle_of_my_plans(&self, actor: &Actor) -> Result<Vec<ThisCycle>> {
        let mut out = Vec::new();
        for slug in self.latest_plans(actor).await? {
            out.push(self.this_cycle(actor, &slug).await?);
        }
        out.sort_by(|a, b| a.running.summary.title.cmp(&b.running.summary.title));
        Ok(out)
    }

    /// A plan's open cycle as its programme manager works it: whoever may edit the plan.
    pub async fn this_cycle(&self, actor: &Actor, key: &str) -> Result<ThisCycle> {
        let running = self.standing_plan(actor, key).await?;
        self.check_may_edit_plan(actor, &running.summary)?;
        let cycle = self.open_cycle(&running).await?;
        let plan = &running.plan;
        let area = running.summary.local_area_id;
        let people = self.store.users_of_area(area).await?;
        let invitations = self
            .store
            .invitations_of_area(area, self.clock.now())
            .await?;
        let account_of = |key: &str| {
            people.iter().find(|u| {
                u.grants.iter().any(|g| {
                    g.local_area.id == area
                        && g.role == Role::Owner
                        && g.person_key
                            .as_deref()
                            .is_some_and(|k| k.trim().eq_ignore_ascii_case(key))
                })
            })
        };
        let behind = owners_behind(plan, cycle.0, &running.rules)
            .into_iter()
            .map(|behind| OwnerToChase {
                email: account_of(&behind.key).map(|u| u.email.clone()),
                behind,
            })
            .collect();
        let (mut open_actions, mut updated, mut due_soon) = (0, 0, Vec::new());
        let (mut no_owner, mut no_due) = (0, 0);
        let mut owner_keys: HashSet<String> = HashSet::new();
        for (_, _, action) in plan.actions() {
            let state = action.state(&plan.rating_scheme, &running.rules);
            no_owner += usize::from(action.owners.is_empty());
            no_due += usize::from(action.due.is_none());
            owner_keys.extend(action.owners.iter().map(|k| k.trim().to_lowercase()));
            if state.complete {
                continue;
            }
            open_actions += 1;
            updated += usize::from(state.last_update.is_some_and(|d| d >= cycle.0));
            if let (true, Some(id), Some(due)) = (state.due_soon, action.id, action.due) {
                due_soon.push((id.0, action.label().to_owned(), due.to_uk()));
            }
        }
        let (overdue, slipped) = self.overdue_and_slipped(&running, cycle.0).await?;
        let tolerance = plan.tolerance_percent();
        let kpis_off = plan
            .kpis
            .iter()
            .filter(|k| k.assess(tolerance).status == KpiStatus::OffTrajectory)
            .filter_map(|k| Some((k.id?.0, k.name.clone())))
            .collect();
        let uninvited = owner_keys
            .iter()
            .filter(|key| {
                account_of(key).is_none()
                    && !invitations.iter().any(|i| {
                        i.person_key
                            .as_deref()
                            .is_some_and(|k| k.trim().eq_ignore_ascii_case(key))
                    })
            })
            .count();
        let has_cycle = running.cycle.start.is_some()
            || !self
                .store
                .closed_cycles(running.summary.id)
                .await?
                .is_empty();
        let area_slug = actor
            .grant(area)
            .map_or_else(|| area.0.to_string(), |g| g.local_area.slug.clone());
        let set_up = set_up_steps(
            &running,
            &area_slug,
            [no_owner, no_due, uninvited],
            has_cycle,
        );
        Ok(ThisCycle {
            cycle,
            behind,
            open_actions,
            updated,
            overdue,
            slipped,
            due_soon,
            kpis_off,
            set_up,
            running,
        })
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The set-up task list: `[actions with no owner, actions with no due date, owners with
/// neither an account nor an open invitation]`.
fn set_up_steps(
    running: &RunningPlan,
    area_slug: &str,
    missing: [usize; 3],
    has_cycle: bool,
) -> Vec<SetUpStep> {
    let slug = &running.summary.slug;
    let [no_owner, no_due, uninvited] = missing;
    vec![
        SetUpStep {
            name: "Check the plan's structure",
            hint: format!(
                "{} in {}: check the importer read the areas, objectives and actions as the document meant",
                count(running.plan.actions().count(), "action", "actions"),
                count(running.plan.areas.len(), "area", "areas"),
            ),
            href: format!("/plans/{slug}/structure"),
            done: no_owner == 0 && no_due == 0,
        },
        SetUpStep {
            name: "Name an owner for every action",
            hint: if no_owner == 0 {
                "Every action has an owner".to_owned()
            } else {
                format!("{} no owner", count(no_owner, "action has", "actions have"))
            },
            href: format!("/plans/{slug}/structure"),
            done: no_owner == 0,
        },
        SetUpStep {
            name: "Give every action a due date",
            hint: if no_due == 0 {
                "Every action has a due date".to_owned()
            } else {
                format!(
                    "{} no due date",
                    count(no_due, "action has", "actions have")
                )
            },
            href: format!("/plans/{slug}/structure"),
            done: no_due == 0,
        },
        SetUpStep {
            name: "Invite the action owners",
            hint: if uninvited == 0 {
                "Every owner has an account or an invitation".to_owned()
            } else {
                format!(
                    "{} neither an account nor an invitation",
                    count(uninvited, "owner has", "owners have")
                )
            },
            href: format!("/areas/{area_slug}/users"),
            done: uninvited == 0,
        },
        SetUpStep {
            name: "Set the reporting cycle",
            hint: if has_cycle {
                format!("Every {} weeks", running.cycle.weeks)
            } else {
                "Choose when the first cycle starts and how long each runs".to_owned()
            },
            href: format!("/plans/{slug}/cycles"),
            done: has_cycle,
        },
        SetUpStep {
            name: "Publish the plan",
            hint: if running.summary.published {
                "Published: families and the public can read it".to_owned()
            } else {
                "Not published yet".to_owned()
            },
            href: format!("/plans/{slug}#publication"),
            done: running.summary.published,
        },
    ]
}
