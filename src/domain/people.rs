//! The people view: each owner with their actions, what is late or silent, and when
//! they last reported.

use std::collections::BTreeMap;

use time::Date;

use super::flags::{ActionFlag, FlagRules};
use super::{ActionId, PartialDate, PlanTree};

/// One of an owner's actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedAction {
    /// Its id, for the link.
    pub id: Option<ActionId>,
    /// Area number.
    pub area: u32,
    /// Ref or stand-in.
    pub label: String,
    /// What will be done.
    pub text: String,
    /// Deadline in words.
    pub due: String,
    /// Its flags today.
    pub flags: Vec<ActionFlag>,
}

/// An owner and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerSummary {
    /// As actions name them.
    pub key: String,
    /// The name, when the owner list has it.
    pub name: Option<String>,
    /// Role and organisation.
    pub detail: Option<String>,
    /// Their actions in plan order.
    pub actions: Vec<OwnedAction>,
    /// How many are overdue.
    pub overdue: usize,
    /// How many have no recent update.
    pub stale: usize,
    /// The newest update on any of their actions.
    pub last_update: Option<Date>,
}

impl OwnerSummary {
    /// The name, or the key as written.
    pub fn display(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }

    /// When they last reported, in words.
    pub fn last_update_text(&self) -> String {
        self.last_update
            .map_or_else(|| "Never".into(), |d| PartialDate::Day(d).to_uk())
    }

    /// An HTML id for the owner's section.
    pub fn anchor(&self) -> String {
        let slug: String = self
            .key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        format!("owner-{slug}")
    }
}

impl PlanTree {
    /// Every owner — the owner list first, then anyone else actions name — with their
    /// actions and flags on `rules.today`.
    pub fn owners(&self, rules: &FlagRules) -> Vec<OwnerSummary> {
        let mut order: Vec<String> = self.people.iter().map(|p| p.key().to_owned()).collect();
        let mut held: BTreeMap<String, Vec<OwnedAction>> = BTreeMap::new();
        let mut last: BTreeMap<String, Date> = BTreeMap::new();
        let mut extra: Vec<String> = Vec::new();
        for (area, _, action) in self.actions() {
            let state = action.state(&self.rating_scheme, rules);
            for owner in &action.owners {
                let key = self
                    .person(owner)
                    .map_or_else(|| owner.clone(), |p| p.key().to_owned());
                if !order.contains(&key) && !extra.contains(&key) {
                    extra.push(key.clone());
                }
                held.entry(key.clone()).or_default().push(OwnedAction {
                    id: action.id,
                    area: area.number,
                    label: action.label().to_owned(),
                    text: action.text.clone(),
                    due: action
                        .due
                        .map(PartialDate::to_uk)
                        .or_else(|| action.due_text.clone())
                        .unwrap_or_else(|| "Not set".into()),
                    flags: state.flags(),
                });
                if let Some(date) = state.last_update {
                    let entry = last.entry(key).or_insert(date);
                    *entry = (*entry).max(date);
                }
            }
        }
        extra.sort();
        order.extend(extra);
        order
            .into_iter()
            .map(|key| {
                let names = self.owner_names(std::slice::from_ref(&key));
                let actions = held.remove(&key).unwrap_or_default();
                let count =
                    |flag: ActionFlag| actions.iter().filter(|a| a.flags.contains(&flag)).count();
                OwnerSummary {
                    overdue: count(ActionFlag::Overdue),
                    stale: count(ActionFlag::Stale),
                    last_update: last.get(&key).copied(),
                    name: names.first().and_then(|n| n.name.clone()),
                    detail: names.first().and_then(|n| n.detail.clone()),
                    key,
                    actions,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::date;

    use super::*;
    use crate::domain::{Action, Area, Objective, Person, ProgressUpdate, RatingScheme};

    #[test]
    fn owners_are_listed_with_their_actions_flags_and_last_update() {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.rating_scheme = RatingScheme::brag();
        plan.people = vec![
            Person {
                initials: Some("AB".into()),
                name: "Alex Brown".into(),
                ..Person::default()
            },
            Person {
                initials: Some("ZZ".into()),
                name: "Zara Zed".into(),
                ..Person::default()
            },
        ];
        let action = |owners: &[&str], due: &str, updated: Option<Date>| Action {
            text: "Do it".into(),
            owners: owners.iter().map(|o| (*o).to_owned()).collect(),
            due: Some(PartialDate::parse_iso(due).unwrap()),
            updates: updated
                .map(|date| ProgressUpdate {
                    date,
                    author: None,
                    narrative: "Progress".into(),
                    ratings: BTreeMap::new(),
                })
                .into_iter()
                .collect(),
            ..Action::default()
        };
        plan.areas.push(Area {
            number: 1,
            title: "Weakness".into(),
            objectives: vec![Objective {
                number: "1".into(),
                actions: vec![
                    action(&["AB"], "2025-01", Some(date!(2025 - 03 - 01))),
                    action(
                        &["alex brown", "Forum"],
                        "2025-12",
                        Some(date!(2024 - 12 - 01)),
                    ),
                ],
                ..Objective::default()
            }],
            ..Area::default()
        });

        let owners = plan.owners(&FlagRules::new(date!(2025 - 03 - 15), 6));

        let keys: Vec<&str> = owners.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["AB", "ZZ", "Forum"]);
        let alex = &owners[0];
        assert_eq!(alex.display(), "Alex Brown");
        assert_eq!(alex.actions.len(), 2, "a name resolves to the same person");
        assert_eq!((alex.overdue, alex.stale), (1, 1));
        assert_eq!(alex.last_update_text(), "1 March 2025");
        assert!(owners[1].actions.is_empty());
        assert_eq!(owners[1].last_update_text(), "Never");
        assert_eq!(owners[2].anchor(), "owner-forum");
    }
}
