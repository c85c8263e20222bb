//! Progress at a glance, for comparing plans across local areas: how many actions sit at
//! each level of the plan's own key, how many are complete, on track, off track, not
//! rated, overdue or silent, and when the plan was last updated and last reported.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Duration};

use super::{Level, PlanSummary, PlanTree, RatingScheme};

/// How long an action may go without an update before the comparison counts it as
/// silent: six weeks, the most common reporting cycle, the same for every area so the
/// column compares like with like.
pub const NO_RECENT_UPDATE_WEEKS: i64 = 6;

/// The day before which an action's last update is not recent.
pub fn recent_since(today: Date) -> Date {
    today - Duration::weeks(NO_RECENT_UPDATE_WEEKS)
}

/// Where a level of a plan's own key puts an action, so keys as different as BRAG,
/// RAG and "completed / on track / delayed" compare: complete by the key's own flag,
/// otherwise by its colour (green and blue on track; amber and red off track). Grey
/// and purple ("not started", "not yet due") are neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// The key counts it as done.
    Complete,
    /// Green or blue.
    On,
    /// Amber or red.
    Off,
    /// Anything else.
    Neither,
}

impl Track {
    /// The track a level stands for.
    pub fn of(level: &Level) -> Self {
        if level.complete {
            return Self::Complete;
        }
        match level.tag_class() {
            "govuk-tag--green" | "govuk-tag--blue" => Self::On,
            "govuk-tag--orange" | "govuk-tag--red" => Self::Off,
            _ => Self::Neither,
        }
    }
}

/// How many actions sit at one level of a plan's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelCount {
    /// "G".
    pub code: String,
    /// "Green".
    pub label: String,
    /// The GOV.UK tag class for the level's colour.
    pub class: &'static str,
    /// How many actions.
    pub actions: usize,
}

/// One plan's progress, on its first rating dimension (delivery or "completed").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanProgress {
    /// The plan.
    pub summary: PlanSummary,
    /// The dimension counted: "Progress", "Completed".
    pub dimension: String,
    /// Actions per level, in the key's order.
    pub levels: Vec<LevelCount>,
    /// Actions at a level the key counts as complete.
    pub complete: usize,
    /// Actions at a green or blue level not counted as complete.
    pub on_track: usize,
    /// Actions at an amber or red level.
    pub off_track: usize,
    /// Actions with no rating on that dimension.
    pub unrated: usize,
    /// Actions past their deadline and not at a level that counts as complete.
    pub overdue: usize,
    /// Actions not complete with no update in the last [`NO_RECENT_UPDATE_WEEKS`] weeks.
    pub no_recent_update: usize,
    /// The latest update's date, on any action.
    pub last_update: Option<Date>,
    /// The day the last reporting cycle closed.
    pub last_cycle: Option<Date>,
    /// Whether any action has a deadline.
    pub dated: bool,
}

impl PlanProgress {
    /// How many actions in all.
    pub fn total(&self) -> usize {
        self.levels.iter().map(|l| l.actions).sum::<usize>() + self.unrated
    }

    /// `n` as a whole percentage of the actions; 0 for a plan with none.
    pub fn percent(&self, n: usize) -> usize {
        match self.total() {
            0 => 0,
            total => (n * 100 + total / 2) / total,
        }
    }

    /// A date column in words: "3 February 2020", or "None yet".
    pub fn day_text(&self, day: &Option<Date>) -> String {
        day.map_or_else(|| "None yet".to_owned(), super::uk_date)
    }

    /// Whether the plan gives deadlines at all: "overdue 0" means nothing when it
    /// gives none.
    pub fn has_deadlines(&self) -> bool {
        self.dated
    }
}

/// Actions of one plan that share their current ratings: what the store counts in SQL,
/// so the cross-area view need not load every plan's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingTally {
    /// The actions' current ratings, by dimension key.
    pub ratings: BTreeMap<String, String>,
    /// How many actions.
    pub actions: usize,
    /// Of those, how many have a deadline whose last day is before today.
    pub past_due: usize,
    /// Of those, how many have a deadline at all.
    pub dated: usize,
    /// Of those, how many have no update on or after [`recent_since`].
    pub silent: usize,
    /// Their latest update's date.
    pub last_update: Option<Date>,
}

impl PlanProgress {
    /// A plan's progress from its key and tallies of its actions: the one place the
    /// counting rules live, whether the actions come from a tree or from the store.
    pub fn from_tallies<'a>(
        summary: PlanSummary,
        scheme: &RatingScheme,
        tallies: impl IntoIterator<Item = &'a RatingTally>,
        last_cycle: Option<Date>,
    ) -> Self {
        let dimension = scheme.dimensions.first();
        let key = dimension.map(|d| d.key.as_str()).unwrap_or_default();
        let mut levels: Vec<LevelCount> = scheme
            .levels
            .iter()
            .map(|level| LevelCount {
                code: level.code.clone(),
                label: level.label.clone(),
                class: level.tag_class(),
                actions: 0,
            })
            .collect();
        let mut progress = PlanProgress {
            summary,
            dimension: dimension.map(|d| d.label.clone()).unwrap_or_default(),
            levels: Vec::new(),
            complete: 0,
            on_track: 0,
            off_track: 0,
            unrated: 0,
            overdue: 0,
            no_recent_update: 0,
            last_update: None,
            last_cycle,
            dated: false,
        };
        for tally in tallies {
            let rating = tally.ratings.get(key);
            match rating.and_then(|code| levels.iter_mut().find(|l| &l.code == code)) {
                Some(level) => level.actions += tally.actions,
                None => progress.unrated += tally.actions,
            }
            let track = rating
                .and_then(|code| scheme.level(code))
                .map_or(Track::Neither, Track::of);
            match track {
                Track::Complete => progress.complete += tally.actions,
                Track::On => progress.on_track += tally.actions,
                Track::Off => progress.off_track += tally.actions,
                Track::Neither => {}
            }
            if track != Track::Complete {
                progress.overdue += tally.past_due;
                progress.no_recent_update += tally.silent;
            }
            progress.dated |= tally.dated > 0;
            progress.last_update = progress.last_update.max(tally.last_update);
        }
        progress.levels = levels;
        progress
    }
}

impl PlanTree {
    /// The plan's progress as of `today`.
    pub fn progress(
        &self,
        summary: PlanSummary,
        today: Date,
        last_cycle: Option<Date>,
    ) -> PlanProgress {
        let since = recent_since(today);
        let tallies: Vec<RatingTally> = self
            .actions()
            .map(|(_, _, action)| {
                let last_update = action.updates.iter().map(|u| u.date).max();
                RatingTally {
                    ratings: action.ratings.clone(),
                    actions: 1,
                    past_due: usize::from(action.due.is_some_and(|due| due.last_day() < today)),
                    dated: usize::from(action.due.is_some()),
                    silent: usize::from(last_update.is_none_or(|d| d < since)),
                    last_update,
                }
            })
            .collect();
        PlanProgress::from_tallies(summary, &self.rating_scheme, &tallies, last_cycle)
    }
}

/// A column of the comparison that it can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareColumn {
    Area,
    Plan,
    Actions,
    Complete,
    OnTrack,
    OffTrack,
    Overdue,
    Unrated,
    NoRecentUpdate,
    LastUpdate,
    LastCycle,
}

impl CompareColumn {
    /// Every column, in the table's order.
    pub const ALL: [Self; 11] = [
        Self::Area,
        Self::Plan,
        Self::Actions,
        Self::Complete,
        Self::OnTrack,
        Self::OffTrack,
        Self::Overdue,
        Self::Unrated,
        Self::NoRecentUpdate,
        Self::LastUpdate,
        Self::LastCycle,
    ];

    /// The code in the sort link.
    pub fn code(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Plan => "plan",
            Self::Actions => "actions",
            Self::Complete => "complete",
            Self::OnTrack => "on-track",
            Self::OffTrack => "off-track",
            Self::Overdue => "overdue",
            Self::Unrated => "not-rated",
            Self::NoRecentUpdate => "no-recent-update",
            Self::LastUpdate => "last-update",
            Self::LastCycle => "last-cycle",
        }
    }

    /// The heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Area => "Local area",
            Self::Plan => "Plan",
            Self::Actions => "Actions",
            Self::Complete => "Complete",
            Self::OnTrack => "On track",
            Self::OffTrack => "Off track",
            Self::Overdue => "Overdue",
            Self::Unrated => "Not rated",
            Self::NoRecentUpdate => "No update in 6 weeks",
            Self::LastUpdate => "Last update",
            Self::LastCycle => "Last cycle closed",
        }
    }

    /// Reads a sort link's code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether the column holds numbers or dates (sorted highest first by default).
    pub fn numeric(self) -> bool {
        !matches!(self, Self::Area | Self::Plan)
    }
}

/// Sorts the comparison by a column, ties by local area then plan; shares sort by their
/// percentage, so plans of different sizes compare.
pub fn sort_progress(plans: &mut [PlanProgress], by: CompareColumn, descending: bool) {
    let share = |p: &PlanProgress, n: usize| p.percent(n);
    plans.sort_by(|a, b| {
        let order = match by {
            CompareColumn::Area => a.summary.local_area.cmp(&b.summary.local_area),
            CompareColumn::Plan => a.summary.title.cmp(&b.summary.title),
            CompareColumn::Actions => a.total().cmp(&b.total()),
            CompareColumn::Complete => share(a, a.complete).cmp(&share(b, b.complete)),
            CompareColumn::OnTrack => share(a, a.on_track).cmp(&share(b, b.on_track)),
            CompareColumn::OffTrack => share(a, a.off_track).cmp(&share(b, b.off_track)),
            CompareColumn::Overdue => share(a, a.overdue).cmp(&share(b, b.overdue)),
            CompareColumn::Unrated => share(a, a.unrated).cmp(&share(b, b.unrated)),
            CompareColumn::NoRecentUpdate => {
                share(a, a.no_recent_update).cmp(&share(b, b.no_recent_update))
            }
            CompareColumn::LastUpdate => a.last_update.cmp(&b.last_update),
            CompareColumn::LastCycle => a.last_cycle.cmp(&b.last_cycle),
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| {
            (a.summary.local_area.as_str(), a.summary.title.as_str())
                .cmp(&(b.summary.local_area.as_str(), b.summary.title.as_str()))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, Area, LocalAreaId, Objective, PartialDate, PlanId, RatingScheme};

    fn summary() -> PlanSummary {
        PlanSummary {
            id: PlanId(1),
            slug: "here".into(),
            title: "Plan".into(),
            local_area: "Here".into(),
            local_area_id: LocalAreaId(1),
            published: false,
            kind: crate::domain::PlanKind::default(),
            status: crate::domain::PlanStatus::default(),
            version: 1,
            actions: 3,
        }
    }

    #[test]
    fn actions_are_counted_per_level_and_late_unfinished_ones_are_overdue() {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.rating_scheme = RatingScheme::brag();
        let action = |rating: Option<&str>, due: &str| Action {
            text: "Do it".into(),
            ratings: rating
                .map(|r| [("delivery".to_owned(), r.to_owned())].into())
                .unwrap_or_default(),
            due: Some(PartialDate::parse_iso(due).unwrap()),
            ..Action::default()
        };
        plan.areas.push(Area {
            number: 1,
            title: "Weakness".into(),
            objectives: vec![Objective {
                number: "1".into(),
                text: "Outcome".into(),
                actions: vec![
                    action(Some("B"), "2019-01"),
                    action(Some("A"), "2019-01"),
                    action(None, "2030-01"),
                ],
                ..Objective::default()
            }],
            ..Area::default()
        });

        let progress = plan.progress(summary(), time::macros::date!(2020 - 02 - 03), None);

        let counts: Vec<(&str, usize)> = progress
            .levels
            .iter()
            .map(|l| (l.code.as_str(), l.actions))
            .collect();
        assert_eq!(counts, [("B", 1), ("G", 0), ("A", 1), ("R", 0)]);
        assert_eq!(progress.unrated, 1);
        assert_eq!(
            progress.overdue, 1,
            "the blue one is complete; the future one is not late"
        );
        assert_eq!(progress.dimension, "Progress");
        assert_eq!(
            (progress.complete, progress.on_track, progress.off_track),
            (1, 0, 1),
            "blue is complete, amber off track"
        );
        assert_eq!(progress.percent(progress.complete), 33);
        assert_eq!(
            progress.no_recent_update, 2,
            "none has an update; the complete one is not counted"
        );
        assert!(progress.has_deadlines());
    }
}
