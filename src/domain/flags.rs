//! What is late, silent or finished: the flags a programme manager chases, computed from
//! an action, the plan's rating key and a date, never from the clock.

use time::{Date, Duration};

use super::{Action, Error, RatingScheme, Result};

/// How far ahead "due soon" looks.
pub const DUE_SOON_DAYS: i64 = 30;

/// The reporting cycle when a plan names none: six weeks, the usual board cadence.
pub const DEFAULT_CYCLE_WEEKS: u32 = 6;

/// The date and the cycle length that turn actions into flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagRules {
    /// The day the flags are computed for.
    pub today: Date,
    /// An action with no update within this many weeks is stale.
    pub cycle_weeks: u32,
}

impl FlagRules {
    /// Rules for `today` with a cycle of `cycle_weeks` weeks.
    pub fn new(today: Date, cycle_weeks: u32) -> Self {
        Self { today, cycle_weeks }
    }

    /// The last day an update still counts as recent: anything older is stale.
    pub fn stale_before(&self) -> Date {
        self.today - Duration::weeks(i64::from(self.cycle_weeks))
    }

    /// The last day "due soon" covers.
    pub fn due_soon_until(&self) -> Date {
        self.today + Duration::days(DUE_SOON_DAYS)
    }
}

/// A flag an action can carry; each has a stable code for URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionFlag {
    /// Past its due date and not complete.
    Overdue,
    /// Due within the next 30 days and not complete.
    DueSoon,
    /// No update and no milestone done yet.
    NotStarted,
    /// Not complete and not updated within the reporting cycle.
    Stale,
    /// Rated at a level the key counts as complete.
    Complete,
}

impl ActionFlag {
    /// Every flag, in the order pages list them.
    pub const ALL: [Self; 5] = [
        Self::Overdue,
        Self::DueSoon,
        Self::NotStarted,
        Self::Stale,
        Self::Complete,
    ];

    /// The code used in URLs: `overdue`, `due-soon`…
    pub fn code(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due-soon",
            Self::NotStarted => "not-started",
            Self::Stale => "stale",
            Self::Complete => "complete",
        }
    }

    /// Words for a tag or a heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::DueSoon => "Due in the next 30 days",
            Self::NotStarted => "Not started",
            Self::Stale => "No recent update",
            Self::Complete => "Complete",
        }
    }

    /// The GOV.UK tag colour; the label always goes with it.
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::Overdue => "govuk-tag--red",
            Self::DueSoon => "govuk-tag--yellow",
            Self::NotStarted => "govuk-tag--grey",
            Self::Stale => "govuk-tag--orange",
            Self::Complete => "govuk-tag--blue",
        }
    }

    /// Reads a URL code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.code() == code.trim())
            .ok_or_else(|| Error::invalid("flag", format!("{code:?} is not a flag")))
    }
}

/// An action's standing on a given day.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent flags, each read on its own by filters and counts"
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActionState {
    /// Rated complete in the key's first dimension.
    pub complete: bool,
    /// When the rating last became complete, if an update says so.
    pub completed_on: Option<Date>,
    /// Past due and not complete.
    pub overdue: bool,
    /// Due in the next 30 days and not complete.
    pub due_soon: bool,
    /// Nothing reported yet.
    pub not_started: bool,
    /// Not complete and not updated within the cycle.
    pub stale: bool,
    /// The newest update's date.
    pub last_update: Option<Date>,
}

impl ActionState {
    /// Whether the action carries `flag`.
    pub fn has(&self, flag: ActionFlag) -> bool {
        match flag {
            ActionFlag::Overdue => self.overdue,
            ActionFlag::DueSoon => self.due_soon,
            ActionFlag::NotStarted => self.not_started,
            ActionFlag::Stale => self.stale,
            ActionFlag::Complete => self.complete,
        }
    }

    /// The flags it carries, in page order.
    pub fn flags(&self) -> Vec<ActionFlag> {
        ActionFlag::ALL
            .into_iter()
            .filter(|f| self.has(*f))
            .collect()
    }
}

impl RatingScheme {
    /// The dimension dashboards count and completion is judged on: the first one.
    pub fn primary(&self) -> Option<&super::Dimension> {
        self.dimensions.first()
    }

    /// Whether ratings put an action at a level the key counts as complete.
    pub fn is_complete(&self, ratings: &std::collections::BTreeMap<String, String>) -> bool {
        self.primary()
            .and_then(|d| ratings.get(&d.key))
            .and_then(|code| self.level(code))
            .is_some_and(|level| level.complete)
    }

    /// A level's place in the key, best first: how "moved up or down" is judged.
    pub fn rank(&self, code: &str) -> Option<usize> {
        self.levels
            .iter()
            .position(|l| l.code.eq_ignore_ascii_case(code))
    }
}

impl Action {
    /// The action's flags on `rules.today`.
    pub fn state(&self, scheme: &RatingScheme, rules: &FlagRules) -> ActionState {
        let complete = scheme.is_complete(&self.ratings);
        let due_by = self.due.map(super::PartialDate::last_day);
        let last_update = self.updates.iter().map(|u| u.date).max();
        let any_milestone_done = self.milestones.iter().any(|m| m.done.is_some());
        ActionState {
            complete,
            completed_on: if complete {
                self.completed_on(scheme)
            } else {
                None
            },
            overdue: !complete && due_by.is_some_and(|d| d < rules.today),
            due_soon: !complete
                && due_by.is_some_and(|d| d >= rules.today && d <= rules.due_soon_until()),
            not_started: !complete && self.updates.is_empty() && !any_milestone_done,
            stale: !complete && last_update.is_none_or(|d| d < rules.stale_before()),
            last_update,
        }
    }

    /// The day of the update that last moved the first dimension to a complete level.
    /// Updates may leave a dimension out; it then keeps its earlier rating.
    pub fn completed_on(&self, scheme: &RatingScheme) -> Option<Date> {
        let key = &scheme.primary()?.key;
        let mut updates: Vec<_> = self.updates.iter().collect();
        updates.sort_by_key(|u| u.date);
        let mut was_complete = false;
        let mut since = None;
        for update in updates {
            let Some(code) = update.ratings.get(key) else {
                continue;
            };
            let now_complete = scheme.level(code).is_some_and(|l| l.complete);
            if now_complete && !was_complete {
                since = Some(update.date);
            }
            was_complete = now_complete;
        }
        if was_complete { since } else { None }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::date;

    use super::*;
    use crate::domain::{Milestone, PartialDate, ProgressUpdate};

    fn update(on: Date, code: &str) -> ProgressUpdate {
        ProgressUpdate {
            date: on,
            author: None,
            narrative: "Progress".into(),
            ratings: BTreeMap::from([("delivery".to_owned(), code.to_owned())]),
        }
    }

    fn action(due: &str) -> Action {
        Action {
            text: "Do it".into(),
            due: Some(PartialDate::parse_iso(due).unwrap()),
            ..Action::default()
        }
    }

    const TODAY: Date = date!(2025 - 03 - 15);

    fn rules() -> FlagRules {
        FlagRules::new(TODAY, 6)
    }

    #[test]
    fn a_month_deadline_is_overdue_only_after_the_month_ends() {
        let scheme = RatingScheme::brag();
        assert!(!action("2025-03").state(&scheme, &rules()).overdue);
        assert!(action("2025-03").state(&scheme, &rules()).due_soon);
        assert!(action("2025-02").state(&scheme, &rules()).overdue);
        assert!(!action("2025-05").state(&scheme, &rules()).due_soon);
    }

    #[test]
    fn a_complete_action_is_never_late_or_stale() {
        let scheme = RatingScheme::brag();
        let mut done = action("2024-01");
        done.ratings.insert("delivery".into(), "B".into());
        done.updates.push(update(date!(2024 - 01 - 10), "B"));
        let state = done.state(&scheme, &rules());
        assert!(state.complete && !state.overdue && !state.stale && !state.not_started);
        assert_eq!(state.completed_on, Some(date!(2024 - 01 - 10)));
        assert_eq!(state.flags(), vec![ActionFlag::Complete]);
    }

    #[test]
    fn an_action_without_a_recent_update_is_stale() {
        let scheme = RatingScheme::brag();
        let mut quiet = action("2026-01");
        quiet.updates.push(update(date!(2025 - 01 - 31), "G"));
        let state = quiet.state(&scheme, &rules());
        assert!(state.stale && !state.not_started);
        assert_eq!(state.last_update, Some(date!(2025 - 01 - 31)));
        quiet.updates.push(update(date!(2025 - 02 - 20), "G"));
        assert!(!quiet.state(&scheme, &rules()).stale);
    }

    #[test]
    fn nothing_reported_means_not_started_and_stale() {
        let state = action("2026-01").state(&RatingScheme::brag(), &rules());
        assert_eq!(
            state.flags(),
            vec![ActionFlag::NotStarted, ActionFlag::Stale]
        );
        let mut begun = action("2026-01");
        begun.milestones.push(Milestone {
            text: "First step".into(),
            done: Some(PartialDate::Day(date!(2025 - 03 - 01))),
            ..Milestone::default()
        });
        assert!(!begun.state(&RatingScheme::brag(), &rules()).not_started);
    }

    #[test]
    fn completion_dates_follow_the_last_move_to_complete() {
        let scheme = RatingScheme::brag();
        let mut a = action("2025-01");
        a.updates = vec![
            update(date!(2024 - 10 - 01), "B"),
            update(date!(2024 - 11 - 01), "A"),
            update(date!(2024 - 12 - 01), "B"),
        ];
        assert_eq!(a.completed_on(&scheme), Some(date!(2024 - 12 - 01)));
        a.updates.pop();
        assert_eq!(a.completed_on(&scheme), None);
    }

    #[test]
    fn flags_round_trip_through_their_codes() {
        for flag in ActionFlag::ALL {
            assert_eq!(ActionFlag::from_code(flag.code()).unwrap(), flag);
        }
        assert!(ActionFlag::from_code("late").is_err());
    }
}
