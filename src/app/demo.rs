//! The demo: a real written statement of action, bundled so that `serve --demo` shows a
//! whole plan on a fresh machine — moved in time so it began about six months ago, with
//! sample progress, ratings, milestones, a few moved deadlines and closed reporting
//! cycles, so every flag and chart has something to show — published so anyone can read
//! it, with one account per role so a newcomer can try each.
//!
//! The sample history is made up, deterministically: every choice is seeded from the
//! action's own ref and text (FNV-1a), never from a random generator, so two runs on the
//! same day give the same plan. The plan is marked as sample data, and every page says so.

use std::collections::{BTreeMap, HashMap};

use time::{Date, Duration};

use super::{App, NewUser};
use crate::documents::{Format, import};
use crate::domain::{
    Action, ActionId, Actor, DueChange, Error, Milestone, NewAuditEvent, NewDueChange, PartialDate,
    PlanSummary, PlanTree, ProgressUpdate, ReportingCycle, Result, Role, months_between,
};

/// What the demo is, for messages.
pub const DEMO_NAME: &str = "North East Lincolnshire written statement of action (December 2018)";

/// The plain-text export of the North East Lincolnshire WSOA, a public document.
pub const DEMO_DOCUMENT: &str =
    include_str!("../../examples/north-east-lincolnshire-wsoa-2018.txt");

/// How long ago the demo plan began, in months.
const DEMO_AGE_MONTHS: i32 = 6;

/// Who closed the demo's cycles.
const DEMO_PROGRAMME_MANAGER: &str = "SEND programme manager (sample)";

/// FNV-1a: a stable hash, the same on every machine and run.
fn seed(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A number in `0..n` from a seed and a salt.
fn pick(seed: u64, salt: u64, n: u64) -> u64 {
    (seed.rotate_left(u32::try_from(salt % 64).unwrap_or(0)) ^ salt.wrapping_mul(0x9e37_79b9))
        % n.max(1)
}

fn days(n: u64) -> Duration {
    Duration::days(i64::try_from(n).unwrap_or(0))
}

const MILESTONES: [&str; 6] = [
    "Scope, lead officers and timeline agreed with partners",
    "Draft co-produced with the parent carer forum",
    "Tested with families and practitioners",
    "Signed off at the SEND Partnership Board",
    "Training delivered to the teams involved",
    "First review of impact with families",
];

const PROGRESS: [&str; 8] = [
    "Task and finish group met with the parent carer forum; actions agreed and owners confirmed.",
    "Draft shared with partners for comment; feedback from SENDIASS and schools incorporated.",
    "Data collected for the quarter and reviewed at the workstream meeting.",
    "Families' feedback from the listening event has been written into the next steps.",
    "Work is on schedule; the next milestone is planned for the coming month.",
    "Staff briefings held across education, health and care teams.",
    "Progress reported to the SEND Partnership Board, which asked for an update next cycle.",
    "Joint meeting with the CCG held; funding for the next phase confirmed.",
];

const AT_RISK: [&str; 3] = [
    "Recruitment to the lead post has been delayed, so delivery is behind schedule.",
    "Capacity in the team is stretched; the Board has been asked to agree support.",
    "Partners have not yet agreed the approach; escalated to the SEND Executive Board.",
];

const REASONS: [&str; 3] = [
    "The recruitment of the lead officer took longer than planned.",
    "Families asked for a further round of co-production before sign-off.",
    "The work was re-phased to align with the new joint commissioning timetable.",
];

const APPROVERS: [&str; 2] = ["SEND Partnership Board", "DfE and NHS England advisers"];

/// How a demo action is getting on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    Complete,
    AtRisk,
    Slipped,
    NotStarted,
    Quiet,
    OnTrack,
}

/// A due-date change the demo records after the plan is stored.
#[derive(Debug, Clone)]
struct PlannedMove {
    action: usize,
    on: Date,
    change: NewDueChange,
}

/// The sample plan and the due-date changes to record against it.
#[derive(Debug, Clone)]
struct Sample {
    tree: PlanTree,
    moves: Vec<PlannedMove>,
    began: Date,
}

fn story(action: &Action, s: u64, today: Date, began: Date) -> Story {
    let roll = pick(s, 1, 100);
    match action.due.map(PartialDate::last_day) {
        Some(due) if due <= today => match roll {
            0..60 => Story::Complete,
            60..78 => Story::AtRisk,
            78..92 if due > began => Story::Slipped,
            _ if action.updates.is_empty() => Story::NotStarted,
            _ => Story::AtRisk,
        },
        _ => match roll {
            0..60 if action.updates.is_empty() => Story::NotStarted,
            0..30 => Story::Quiet,
            _ => Story::OnTrack,
        },
    }
}

/// Fills one action with milestones, updates and ratings that fit its story; returns
/// the due-date change it needs, if any.
#[expect(
    clippy::too_many_lines,
    reason = "one story per action, told step by step"
)]
fn tell(
    action: &mut Action,
    index: usize,
    scheme: &crate::domain::RatingScheme,
    today: Date,
    began: Date,
) -> Option<PlannedMove> {
    let s = seed(&format!("{}|{}", action.label(), action.text));
    let story = story(action, s, today, began);
    let key = scheme.primary().map(|d| d.key.clone())?;
    let code = |wanted: &str, fallback: usize| {
        scheme
            .level(wanted)
            .map(|l| l.code.clone())
            .or_else(|| scheme.levels.get(fallback).map(|l| l.code.clone()))
            .unwrap_or_default()
    };
    let complete = scheme
        .levels
        .iter()
        .find(|l| l.complete)
        .map_or_else(|| code("B", 0), |l| l.code.clone());
    let (green, red, amber) = (code("G", 0), code("R", 0), code("A", 0));
    let due = action.due.map(PartialDate::last_day);
    let end = due.unwrap_or(today + Duration::days(180));

    // Milestones spread between the start and the deadline.
    let count = 2 + pick(s, 2, 2);
    let first = pick(s, 3, MILESTONES.len() as u64);
    let span = (end - began).whole_days().max(30);
    action.milestones = (1..=count)
        .map(|k| {
            let at = began
                + Duration::days(
                    span * i64::try_from(k).unwrap_or(1) / i64::try_from(count + 1).unwrap_or(1),
                );
            let text = MILESTONES
                [usize::try_from((first + k) % MILESTONES.len() as u64).unwrap_or(0)]
            .to_owned();
            Milestone {
                due: Some(PartialDate::Day(at)),
                due_text: Some(PartialDate::Day(at).to_uk()),
                text,
                ..Milestone::default()
            }
        })
        .collect();

    // When the updates stop, and the ratings they carry.
    let last = match story {
        Story::NotStarted => return None,
        Story::Complete => due.unwrap_or(today).min(today) - days(pick(s, 4, 10)),
        Story::Quiet => today - days(50 + pick(s, 5, 40)),
        Story::AtRisk | Story::Slipped | Story::OnTrack => today - days(pick(s, 6, 25)),
    }
    .max(began + Duration::days(7));
    let steady = if due.is_some_and(|d| d > today + Duration::days(183)) {
        amber
    } else {
        green.clone()
    };
    let author = action.owners.first().cloned();
    let mut on = began + days(14 + pick(s, 7, 14));
    let mut n = 0_u64;
    let mut dates = Vec::new();
    while on < last {
        dates.push(on);
        on += days(35 + pick(s, 8 + n, 21));
        n += 1;
    }
    dates.push(last);
    let total = dates.len();
    // Some actions on track had a wobble and recovered; actions at risk slid over the
    // last two updates: both give the cycles page ratings that moved either way.
    let dipped = story == Story::OnTrack && pick(s, 14, 3) == 0 && total > 2;
    for (i, date) in dates.into_iter().enumerate() {
        let final_one = i + 1 == total;
        let (rating, narrative) = match story {
            Story::OnTrack if dipped && i + 2 == total => (
                red.clone(),
                AT_RISK[usize::try_from(pick(s, 15, AT_RISK.len() as u64)).unwrap_or(0)].to_owned(),
            ),
            Story::AtRisk if i + 2 >= total => (
                red.clone(),
                AT_RISK[usize::try_from(pick(s, 9 + i as u64, AT_RISK.len() as u64)).unwrap_or(0)]
                    .to_owned(),
            ),
            Story::Complete if final_one => (
                complete.clone(),
                "Action complete: evidence of delivery presented to the SEND Partnership Board."
                    .to_owned(),
            ),
            _ => (
                if dipped && final_one {
                    green.clone()
                } else {
                    steady.clone()
                },
                PROGRESS
                    [usize::try_from(pick(s, 10 + i as u64, PROGRESS.len() as u64)).unwrap_or(0)]
                .to_owned(),
            ),
        };
        action.updates.push(ProgressUpdate {
            date,
            author: author.clone(),
            narrative,
            ratings: BTreeMap::from([(key.clone(), rating)]),
        });
    }
    action.updates.sort_by_key(|u| u.date);
    if let Some(latest) = action.updates.last() {
        action.ratings.extend(latest.ratings.clone());
    }

    // Milestones are done on their due date once the work has reached them.
    let reached = if story == Story::Complete {
        last
    } else {
        last.min(today)
    };
    let held_back = usize::from(story == Story::AtRisk);
    let done_count = action
        .milestones
        .iter()
        .filter(|m| m.due.is_some_and(|d| d.last_day() <= reached))
        .count()
        .saturating_sub(held_back);
    for milestone in action.milestones.iter_mut().take(done_count) {
        milestone.done = milestone.due;
        milestone.done_text = milestone.due.map(PartialDate::to_uk);
    }
    if story == Story::Complete {
        for milestone in &mut action.milestones {
            let on = milestone.due.map_or(last, |d| d.last_day().min(last));
            milestone.done = Some(PartialDate::Day(on));
            milestone.done_text = Some(PartialDate::Day(on).to_uk());
        }
    }

    // A slipped action had its deadline moved, with a reason and an approval.
    if story == Story::Slipped {
        let original = action.due?;
        let moved_to = original.shift_months(3 + i32::try_from(pick(s, 11, 3)).unwrap_or(0));
        let on = (original.last_day() - Duration::days(10))
            .max(began + Duration::days(1))
            .min(today);
        let text = moved_to.to_uk();
        let reason = REASONS[usize::try_from(pick(s, 12, REASONS.len() as u64)).unwrap_or(0)];
        let approver = APPROVERS[usize::try_from(pick(s, 13, APPROVERS.len() as u64)).unwrap_or(0)];
        return NewDueChange::parse(&text, reason, approver)
            .ok()
            .map(|change| PlannedMove {
                action: index,
                on,
                change,
            });
    }
    None
}

/// The imported plan moved so it began `DEMO_AGE_MONTHS` ago, with sample history.
fn sample(mut tree: PlanTree, today: Date) -> Sample {
    if let Some(began) = tree.began() {
        tree.shift_months(months_between(began, today) - DEMO_AGE_MONTHS);
    }
    let began = tree.began().unwrap_or(today).min(today);
    let scheme = tree.rating_scheme.clone();
    let mut moves = Vec::new();
    let mut index = 0;
    for area in &mut tree.areas {
        for objective in &mut area.objectives {
            for action in &mut objective.actions {
                if let Some(planned) = tell(action, index, &scheme, today, began) {
                    moves.push(planned);
                }
                index += 1;
            }
        }
    }
    tree.title = format!("{} (sample data)", tree.title.trim());
    Sample { tree, moves, began }
}

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
    #[tracing::instrument(skip_all)]
    pub async fn load_demo_if_empty(&self) -> Result<Option<PlanSummary>> {
        if !self.plans(&Actor::System).await?.is_empty() {
            return Ok(None);
        }
        let imported = import(Format::Text, DEMO_DOCUMENT.as_bytes())?;
        let today = self.clock.today();
        let Sample { tree, moves, began } = sample(imported.plan, today);
        let summary = self.import_plan(&Actor::System, tree).await?;
        let now = self.clock.now();
        let audit = |entity, event| NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            plan_id: Some(summary.id),
            ..NewAuditEvent::by(&Actor::System, entity, event)
        };
        self.store.mark_sample(summary.id, now).await?;
        self.sample.set(true);
        let stored = self.plan_tree(summary.id).await?;
        let ids: Vec<Option<ActionId>> = stored.actions().map(|(_, _, a)| a.id).collect();

        let mut recorded: HashMap<ActionId, Vec<DueChange>> = HashMap::new();
        for planned in moves {
            let Some(Some(id)) = ids.get(planned.action) else {
                continue;
            };
            let from = stored
                .actions()
                .nth(planned.action)
                .and_then(|(_, _, a)| a.due);
            self.store
                .insert_due_change(
                    *id,
                    &planned.change,
                    Some(DEMO_PROGRAMME_MANAGER),
                    planned.on,
                    &NewAuditEvent {
                        action_id: Some(*id),
                        ..audit("action", "action.due_changed")
                    },
                    now,
                )
                .await?;
            recorded.entry(*id).or_default().push(DueChange {
                changed_on: planned.on,
                from,
                from_text: None,
                to: planned.change.due.by,
                to_text: Some(planned.change.due_text.clone()),
                reason: planned.change.reason.clone(),
                approved_by: planned.change.approved_by.clone(),
                author: None,
            });
        }

        let cycle = ReportingCycle {
            weeks: crate::domain::DEFAULT_CYCLE_WEEKS,
            start: Some(began),
        };
        self.store
            .set_reporting_cycle(summary.id, cycle, &audit("plan", "plan.cycle_set"), now)
            .await?;
        let length = Duration::weeks(i64::from(cycle.weeks));
        let mut starts_on = began;
        while starts_on + length <= today {
            let ends_on = starts_on + length - Duration::days(1);
            let snapshot = stored.snapshot_at(ends_on, &recorded);
            self.store
                .insert_cycle(
                    summary.id,
                    (starts_on, ends_on),
                    Some(DEMO_PROGRAMME_MANAGER),
                    &snapshot,
                    &[],
                    &audit("cycle", "cycle.closed"),
                    now,
                )
                .await?;
            starts_on += length;
        }
        self.set_published(&Actor::System, &summary.slug, true)
            .await
            .map(Some)
    }

    /// Whether any stored plan is the sample data of the demo.
    pub async fn holds_sample_data(&self) -> Result<bool> {
        if let Some(held) = self.sample.get() {
            return Ok(held);
        }
        let held = self.store.holds_sample_data().await?;
        self.sample.set(held);
        Ok(held)
    }

    /// Creates (or resets) one account per role in the plan's local area, with fixed,
    /// well-known passwords. Demo mode only: these accounts are for trying the product.
    /// The owner is the person of the plan's owner list who owns the most actions (the
    /// The demo's mail, so its Outbox has something to show: an invitation waiting for a
    /// new owner, and this cycle's reminders and digests (sent by hand). Run once, when
    /// the demo plan is first loaded.
    #[tracing::instrument(skip_all, fields(plan = plan_key))]
    pub async fn write_demo_mail(&self, plan_key: &str) -> Result<usize> {
        let summary = self.plan_summary(&Actor::System, plan_key).await?;
        self.invite(
            &Actor::System,
            NewUser {
                email: "new.owner@demo.example".to_owned(),
                name: "New Owner".to_owned(),
                role: Role::Owner,
                local_area: summary.local_area.clone(),
                person_key: Some("New Owner".to_owned()),
                password: None,
            },
        )
        .await?;
        let run = self
            .remind(
                &Actor::System,
                plan_key,
                crate::domain::ReminderStage::Manual,
                false,
            )
            .await?;
        Ok(1 + run.messages.len())
    }

    /// first of them in the list), so a newcomer trying the role has several actions in
    /// different states to update.
    #[tracing::instrument(skip_all, fields(plan = plan_key))]
    pub async fn create_demo_accounts(&self, plan_key: &str) -> Result<Vec<DemoAccount>> {
        let (summary, plan) = self.plan(&Actor::System, plan_key).await?;
        let owned = |key: &str| {
            plan.actions()
                .filter(|(_, _, a)| plan.is_owned_by(a, key))
                .count()
        };
        let owner_key = plan
            .people
            .iter()
            .map(|p| (p.key().to_owned(), owned(p.key())))
            .filter(|(_, n)| *n > 0)
            .fold(None, |best: Option<(String, usize)>, (key, n)| match best {
                Some((_, most)) if most >= n => best,
                _ => Some((key, n)),
            })
            .map(|(key, _)| key)
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

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::{ActionFlag, FlagRules};

    fn demo(today: Date) -> Sample {
        let imported = import(Format::Text, DEMO_DOCUMENT.as_bytes()).unwrap();
        sample(imported.plan, today)
    }

    #[test]
    fn the_demo_began_six_months_ago() {
        let today = date!(2026 - 05 - 20);
        let sample = demo(today);
        assert_eq!(sample.began, date!(2025 - 11 - 01));
        assert_eq!(sample.tree.document_date.unwrap().to_string(), "2025-11");
        assert!(sample.tree.title.ends_with("(sample data)"));
    }

    #[test]
    fn the_demo_is_the_same_every_time() {
        let today = date!(2026 - 05 - 20);
        assert_eq!(demo(today).tree, demo(today).tree);
    }

    #[test]
    fn the_demo_shows_every_flag_and_keeps_to_its_key() {
        let today = date!(2026 - 05 - 20);
        let sample = demo(today);
        sample.tree.validate().unwrap();
        let rules = FlagRules::new(today, 6);
        let dashboard = sample.tree.dashboard(&rules);
        for flag in ActionFlag::ALL {
            assert!(dashboard.total.count(flag) > 0, "no action is {flag:?}");
        }
        assert!(!sample.moves.is_empty(), "some deadlines moved");
        let mut updates = sample.tree.actions().flat_map(|(_, _, a)| a.updates.iter());
        assert!(updates.all(|u| u.date <= today), "nothing in the future");
        let milestones_done = sample
            .tree
            .actions()
            .flat_map(|(_, _, a)| a.milestones.iter())
            .filter(|m| m.done.is_some())
            .count();
        assert!(milestones_done > 10, "{milestones_done}");
        let chart = &dashboard.chart;
        assert!(chart.months.iter().any(|m| m.complete.unwrap_or(0) > 0));
    }
}
