//! Reporting cycles: the plan's rhythm (every N weeks from a date), the snapshot frozen
//! when a cycle closes, and what changed between two snapshots.

use std::collections::{BTreeMap, HashMap};

use time::macros::format_description;
use time::{Date, Duration};

use super::flags::DEFAULT_CYCLE_WEEKS;
use super::{ActionId, Error, PartialDate, PlanTree, RatingTag, Result};

/// A closed cycle's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CycleId(pub i64);

/// How often the plan reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportingCycle {
    /// Weeks per cycle, 1 to 52.
    pub weeks: u32,
    /// The day the first cycle starts, if set.
    pub start: Option<Date>,
}

impl Default for ReportingCycle {
    fn default() -> Self {
        Self {
            weeks: DEFAULT_CYCLE_WEEKS,
            start: None,
        }
    }
}

impl ReportingCycle {
    /// Reads the settings form: weeks required (1–52), the start optional
    /// (`YYYY-MM-DD`).
    pub fn parse(weeks: &str, start: &str) -> Result<Self> {
        let weeks = weeks
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|w| (1..=52).contains(w))
            .ok_or_else(|| Error::invalid("weeks", "Enter a whole number of weeks from 1 to 52"))?;
        let start = start.trim();
        let start = if start.is_empty() {
            None
        } else {
            Some(
                Date::parse(start, format_description!("[year]-[month]-[day]"))
                    .map_err(|_| Error::invalid("start", "Enter a real date, like 2025-04-01"))?,
            )
        };
        Ok(Self { weeks, start })
    }

    /// The cycle running on `today`: from the start (or `fallback`) in steps of `weeks`.
    pub fn period_containing(&self, today: Date, fallback: Date) -> (Date, Date) {
        let start = self.start.unwrap_or(fallback);
        let length = i64::from(self.weeks) * 7;
        let elapsed = (today - start).whole_days();
        let steps = elapsed.div_euclid(length);
        let from = start + Duration::days(steps * length);
        (from, from + Duration::days(length - 1))
    }

    /// The open cycle's first and last days: it starts the day after the last closed
    /// cycle ended, or else is the period containing `today` counted from the start
    /// (or from when the plan `began`, read only when needed), and lasts `weeks`.
    pub fn open_cycle(
        &self,
        last_closed: Option<&ClosedCycle>,
        today: Date,
        began: impl FnOnce() -> Option<Date>,
    ) -> (Date, Date) {
        let from = if let Some(last) = last_closed {
            last.ends_on + Duration::days(1)
        } else {
            let fallback = if self.start.is_some() {
                today
            } else {
                began().unwrap_or(today).min(today)
            };
            self.period_containing(today, fallback).0
        };
        (from, from + Duration::days(i64::from(self.weeks) * 7 - 1))
    }

    /// "Every 6 weeks from 1 April 2025".
    pub fn describe(&self) -> String {
        let every = if self.weeks == 1 {
            "Every week".to_owned()
        } else {
            format!("Every {} weeks", self.weeks)
        };
        match self.start {
            Some(start) => format!("{every} from {}", PartialDate::Day(start).to_uk()),
            None => every,
        }
    }
}

/// A cycle that has been closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedCycle {
    /// Its id.
    pub id: CycleId,
    /// 1, 2, 3… within the plan.
    pub number: u32,
    /// First day covered.
    pub starts_on: Date,
    /// The day it was closed.
    pub ends_on: Date,
    /// Who closed it.
    pub closed_by: Option<String>,
}

impl ClosedCycle {
    /// "3 March 2025 to 13 April 2025".
    pub fn period(&self) -> String {
        format!(
            "{} to {}",
            PartialDate::Day(self.starts_on).to_uk(),
            PartialDate::Day(self.ends_on).to_uk()
        )
    }
}

/// One action as a cycle froze it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSnapshot {
    /// Which action.
    pub action: ActionId,
    /// Its ratings, by dimension.
    pub ratings: BTreeMap<String, String>,
    /// Its deadline.
    pub due: Option<PartialDate>,
    /// How many updates it had.
    pub updates: usize,
    /// The milestones done, by their text.
    pub milestones_done: Vec<String>,
}

/// Which way a rating moved, judged by the key's order (best first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// To a better level.
    Up,
    /// To a worse level.
    Down,
    /// Rated for the first time.
    New,
}

impl Movement {
    /// Words for the change.
    pub fn label(self) -> &'static str {
        match self {
            Self::Up => "Improved",
            Self::Down => "Worse",
            Self::New => "First rated",
        }
    }
}

/// An action named in a change list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedAction {
    /// Its id, for the link.
    pub id: ActionId,
    /// Area number.
    pub area: u32,
    /// Ref or stand-in.
    pub label: String,
    /// What it is.
    pub text: String,
}

/// A rating that moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingMove {
    /// Which action.
    pub action: ChangedAction,
    /// Before (absent when first rated).
    pub from: Option<RatingTag>,
    /// After.
    pub to: RatingTag,
    /// Which way.
    pub movement: Movement,
}

/// A deadline that moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMove {
    /// Which action.
    pub action: ChangedAction,
    /// Before.
    pub from: String,
    /// After.
    pub to: String,
    /// Later (true) or earlier.
    pub slipped: bool,
}

/// What changed between two points: a closed cycle and a later one, or now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CycleChanges {
    /// Ratings that moved up, down or were set for the first time.
    pub ratings: Vec<RatingMove>,
    /// Actions with new updates, and how many.
    pub updates: Vec<(ChangedAction, usize)>,
    /// Milestones newly done, with their action.
    pub milestones: Vec<(ChangedAction, String)>,
    /// Deadlines that moved.
    pub dates: Vec<DateMove>,
    /// Actions added since.
    pub added: Vec<ChangedAction>,
}

impl CycleChanges {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.ratings.is_empty()
            && self.updates.is_empty()
            && self.milestones.is_empty()
            && self.dates.is_empty()
            && self.added.is_empty()
    }

    /// Ratings that improved.
    pub fn improved(&self) -> usize {
        self.count(Movement::Up)
    }

    /// Ratings that got worse.
    pub fn worse(&self) -> usize {
        self.count(Movement::Down)
    }

    fn count(&self, movement: Movement) -> usize {
        self.ratings
            .iter()
            .filter(|m| m.movement == movement)
            .count()
    }

    /// Updates added in all.
    pub fn updates_added(&self) -> usize {
        self.updates.iter().map(|(_, n)| n).sum()
    }

    /// Deadlines that moved later.
    pub fn slipped(&self) -> usize {
        self.dates.iter().filter(|d| d.slipped).count()
    }
}

impl PlanTree {
    /// Every stored action as a cycle would freeze it now.
    pub fn snapshot(&self) -> Vec<ActionSnapshot> {
        self.actions()
            .filter_map(|(_, _, action)| {
                Some(ActionSnapshot {
                    action: action.id?,
                    ratings: action.ratings.clone(),
                    due: action.due,
                    updates: action.updates.len(),
                    milestones_done: action
                        .milestones
                        .iter()
                        .filter(|m| m.done.is_some())
                        .map(|m| m.text.clone())
                        .collect(),
                })
            })
            .collect()
    }

    /// Every stored action as it stood at the end of `on`: updates and milestones after
    /// it left out, ratings folded from the updates up to it, and the deadline before any
    /// change recorded later (`moves` gives each action's changes, oldest first).
    pub fn snapshot_at(
        &self,
        on: Date,
        moves: &HashMap<ActionId, Vec<super::DueChange>>,
    ) -> Vec<ActionSnapshot> {
        self.actions()
            .filter_map(|(_, _, action)| {
                let id = action.id?;
                let mut updates: Vec<_> = action.updates.iter().filter(|u| u.date <= on).collect();
                updates.sort_by_key(|u| u.date);
                let mut ratings = BTreeMap::new();
                for update in &updates {
                    ratings.extend(update.ratings.clone());
                }
                let later = moves
                    .get(&id)
                    .and_then(|changes| changes.iter().find(|c| c.changed_on > on));
                Some(ActionSnapshot {
                    action: id,
                    ratings,
                    due: later.map_or(action.due, |c| c.from),
                    updates: updates.len(),
                    milestones_done: action
                        .milestones
                        .iter()
                        .filter(|m| m.done.is_some_and(|d| d.last_day() <= on))
                        .map(|m| m.text.clone())
                        .collect(),
                })
            })
            .collect()
    }

    fn changed_action(&self, id: ActionId) -> Option<ChangedAction> {
        self.actions()
            .find(|(_, _, a)| a.id == Some(id))
            .map(|(area, _, a)| ChangedAction {
                id,
                area: area.number,
                label: a.label().to_owned(),
                text: a.text.clone(),
            })
    }

    fn tag(&self, dimension: &str, code: &str) -> Option<RatingTag> {
        self.rating_tags(&BTreeMap::from([(dimension.to_owned(), code.to_owned())]))
            .pop()
    }

    /// What changed from `before` to `after`, in plan order; actions this tree no longer
    /// has are left out.
    pub fn changes_between(
        &self,
        before: &[ActionSnapshot],
        after: &[ActionSnapshot],
    ) -> CycleChanges {
        let earlier: HashMap<ActionId, &ActionSnapshot> =
            before.iter().map(|s| (s.action, s)).collect();
        let mut changes = CycleChanges::default();
        for now in after {
            let Some(action) = self.changed_action(now.action) else {
                continue;
            };
            let Some(then) = earlier.get(&now.action) else {
                changes.added.push(action);
                continue;
            };
            for dimension in &self.rating_scheme.dimensions {
                let (old, new) = (
                    then.ratings.get(&dimension.key),
                    now.ratings.get(&dimension.key),
                );
                let Some(new) = new else { continue };
                if old.is_some_and(|o| o.eq_ignore_ascii_case(new)) {
                    continue;
                }
                let movement = match old {
                    None => Movement::New,
                    Some(old) => {
                        match (self.rating_scheme.rank(old), self.rating_scheme.rank(new)) {
                            (Some(a), Some(b)) if b < a => Movement::Up,
                            _ => Movement::Down,
                        }
                    }
                };
                if let Some(to) = self.tag(&dimension.key, new) {
                    changes.ratings.push(RatingMove {
                        action: action.clone(),
                        from: old.and_then(|o| self.tag(&dimension.key, o)),
                        to,
                        movement,
                    });
                }
            }
            if now.updates > then.updates {
                changes
                    .updates
                    .push((action.clone(), now.updates - then.updates));
            }
            for done in &now.milestones_done {
                if !then.milestones_done.contains(done) {
                    changes.milestones.push((action.clone(), done.clone()));
                }
            }
            if now.due != then.due
                && let Some(to) = now.due
            {
                changes.dates.push(DateMove {
                    action: action.clone(),
                    from: then
                        .due
                        .map_or_else(|| "not set".into(), PartialDate::to_uk),
                    to: to.to_uk(),
                    slipped: then.due.is_none_or(|from| to.last_day() > from.last_day()),
                });
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::{Action, Area, Milestone, Objective, ProgressUpdate, RatingScheme};

    fn plan() -> PlanTree {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.rating_scheme = RatingScheme::brag();
        let action = |id: i64, rating: &str| Action {
            id: Some(ActionId(id)),
            reference: Some(format!("1.{id}")),
            text: format!("Action {id}"),
            due: Some(PartialDate::parse_iso("2025-06").unwrap()),
            ratings: BTreeMap::from([("delivery".to_owned(), rating.to_owned())]),
            milestones: vec![Milestone {
                text: "Step one".into(),
                ..Milestone::default()
            }],
            ..Action::default()
        };
        plan.areas.push(Area {
            number: 1,
            title: "Weakness".into(),
            objectives: vec![Objective {
                number: "1".into(),
                actions: vec![action(1, "A"), action(2, "G"), action(3, "G")],
                ..Objective::default()
            }],
            ..Area::default()
        });
        plan
    }

    #[test]
    fn cycles_step_from_their_start() {
        let cycle = ReportingCycle::parse("6", "2025-01-06").unwrap();
        assert_eq!(
            cycle.period_containing(date!(2025 - 03 - 01), date!(2000 - 01 - 01)),
            (date!(2025 - 02 - 17), date!(2025 - 03 - 30))
        );
        assert_eq!(cycle.describe(), "Every 6 weeks from 6 January 2025");
        assert!(ReportingCycle::parse("0", "").is_err());
        assert!(ReportingCycle::parse("six", "").is_err());
        assert!(ReportingCycle::parse("4", "01/01/2025").is_err());
        assert_eq!(ReportingCycle::parse(" 4 ", " ").unwrap().start, None);
    }

    #[test]
    fn changes_show_ratings_updates_milestones_and_dates() {
        let before_plan = plan();
        let before = before_plan.snapshot();
        let mut after_plan = before_plan.clone();
        let actions = &mut after_plan.areas[0].objectives[0].actions;
        actions[0].ratings.insert("delivery".into(), "G".into());
        actions[1].ratings.insert("delivery".into(), "R".into());
        actions[1].updates.push(ProgressUpdate {
            date: date!(2025 - 03 - 01),
            author: None,
            narrative: "Slower".into(),
            ratings: BTreeMap::new(),
        });
        actions[1].due = Some(PartialDate::parse_iso("2025-09").unwrap());
        actions[2].milestones[0].done = Some(PartialDate::Day(date!(2025 - 03 - 02)));
        actions.push(Action {
            id: Some(ActionId(4)),
            text: "New".into(),
            ..Action::default()
        });

        let changes = after_plan.changes_between(&before, &after_plan.snapshot());

        let moves: Vec<(&str, Movement)> = changes
            .ratings
            .iter()
            .map(|m| (m.action.label.as_str(), m.movement))
            .collect();
        assert_eq!(moves, [("1.1", Movement::Up), ("1.2", Movement::Down)]);
        assert_eq!(changes.ratings[0].from.as_ref().unwrap().code, "A");
        assert_eq!((changes.improved(), changes.worse()), (1, 1));
        assert_eq!(changes.updates_added(), 1);
        assert_eq!(changes.milestones[0].1, "Step one");
        assert_eq!(changes.dates[0].from, "June 2025");
        assert_eq!(changes.dates[0].to, "September 2025");
        assert_eq!(changes.slipped(), 1);
        assert_eq!(changes.added[0].text, "New");
        assert!(plan().changes_between(&before, &before).is_empty());
    }

    #[test]
    fn a_snapshot_at_a_past_date_leaves_out_what_came_later() {
        let mut plan = plan();
        let action = &mut plan.areas[0].objectives[0].actions[0];
        action.ratings.clear();
        for (day, code) in [(date!(2025 - 01 - 10), "G"), (date!(2025 - 02 - 10), "B")] {
            action.updates.push(ProgressUpdate {
                date: day,
                author: None,
                narrative: "Progress".into(),
                ratings: BTreeMap::from([("delivery".to_owned(), code.to_owned())]),
            });
        }
        action.milestones[0].done = Some(PartialDate::Day(date!(2025 - 02 - 01)));
        let moved = crate::domain::DueChange {
            changed_on: date!(2025 - 01 - 20),
            from: Some(PartialDate::parse_iso("2025-03").unwrap()),
            from_text: None,
            to: PartialDate::parse_iso("2025-06").unwrap(),
            to_text: None,
            reason: "Delay".into(),
            approved_by: "Board".into(),
            author: None,
        };
        let changes = HashMap::from([(ActionId(1), vec![moved])]);

        let then = plan.snapshot_at(date!(2025 - 01 - 15), &changes);

        assert_eq!(then[0].updates, 1);
        assert_eq!(then[0].ratings["delivery"], "G");
        assert!(then[0].milestones_done.is_empty());
        assert_eq!(then[0].due.unwrap().to_string(), "2025-03");
        let later = plan.snapshot_at(date!(2025 - 02 - 15), &changes);
        assert_eq!(later[0].ratings["delivery"], "B");
        assert_eq!(later[0].due.unwrap().to_string(), "2025-06");
        assert_eq!(later[0].milestones_done, ["Step one"]);
    }
}
