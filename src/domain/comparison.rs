//! Progress at a glance, for comparing plans across local areas: how many actions sit at
//! each level of the plan's own key, how many are not rated, and how many are overdue.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use super::{PlanSummary, PlanTree, RatingScheme};

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
    /// Actions with no rating on that dimension.
    pub unrated: usize,
    /// Actions past their deadline and not at a level that counts as complete.
    pub overdue: usize,
}

/// Actions of one plan that share their ratings and their side of today's deadline: what
/// the store counts in SQL, so the cross-area view need not load every plan's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingTally {
    /// The actions' current ratings, by dimension key.
    pub ratings: BTreeMap<String, String>,
    /// Whether their deadline's last day is before today.
    pub past_due: bool,
    /// How many actions.
    pub actions: usize,
}

impl PlanProgress {
    /// A plan's progress from its key and tallies of its actions: the one place the
    /// counting rules live, whether the actions come from a tree or from the store.
    pub fn from_tallies<'a>(
        summary: PlanSummary,
        scheme: &RatingScheme,
        tallies: impl IntoIterator<Item = &'a RatingTally>,
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
        let (mut unrated, mut overdue) = (0, 0);
        for tally in tallies {
            let rating = tally.ratings.get(key);
            match rating.and_then(|code| levels.iter_mut().find(|l| &l.code == code)) {
                Some(level) => level.actions += tally.actions,
                None => unrated += tally.actions,
            }
            let complete = rating
                .and_then(|code| scheme.level(code))
                .is_some_and(|level| level.complete);
            if !complete && tally.past_due {
                overdue += tally.actions;
            }
        }
        PlanProgress {
            summary,
            dimension: dimension.map(|d| d.label.clone()).unwrap_or_default(),
            levels,
            unrated,
            overdue,
        }
    }
}

impl PlanTree {
    /// The plan's progress as of `today`.
    pub fn progress(&self, summary: PlanSummary, today: Date) -> PlanProgress {
        let tallies: Vec<RatingTally> = self
            .actions()
            .map(|(_, _, action)| RatingTally {
                ratings: action.ratings.clone(),
                past_due: action.due.is_some_and(|due| due.last_day() < today),
                actions: 1,
            })
            .collect();
        PlanProgress::from_tallies(summary, &self.rating_scheme, &tallies)
    }
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

        let progress = plan.progress(summary(), time::macros::date!(2020 - 02 - 03));

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
    }
}
