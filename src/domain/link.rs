//! Links from KPIs, voice, meetings and boards into the plan tree, and the checks that
//! they point at something that exists.
//!
//! Links name an area by number and an action by its ref, as plans themselves do ("2.4.3
//! in area 2"): refs are stable and unique within an area, and the links survive an
//! export to plan JSON and an import elsewhere, where stored ids would not.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Error, PlanTree, Result};

/// An action of the plan: the area's number and the action's ref within it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActionRef {
    /// The area's number.
    pub area: u32,
    /// The action's ref, unique within the area.
    #[serde(rename = "ref")]
    pub reference: String,
}

impl ActionRef {
    /// Reads "2/1.3" (area 2, action 1.3) or "1.3" when the plan has one area, as forms
    /// and CSV files write them.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        let bad = || {
            Error::invalid(
                "actions",
                format!(
                    "{raw:?} is not an action: write the area number, a slash and the ref, like 2/1.3"
                ),
            )
        };
        let (area, reference) = raw.split_once('/').ok_or_else(bad)?;
        let area: u32 = area.trim().parse().map_err(|_| bad())?;
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            area,
            reference: reference.to_owned(),
        })
    }

    /// Reads a list separated by commas, semicolons or new lines; blanks are skipped.
    pub fn parse_list(raw: &str) -> Result<Vec<Self>> {
        raw.split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Self::parse)
            .collect()
    }
}

impl fmt::Display for ActionRef {
    /// "2/1.3", the form [`ActionRef::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.area, self.reference)
    }
}

/// An objective of the plan: the area's number and the objective's number within it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectiveRef {
    /// The area's number.
    pub area: u32,
    /// The objective's number as the plan writes it ("1", "1.1").
    pub objective: String,
}

impl fmt::Display for ObjectiveRef {
    /// "area 1, objective 1.1".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "area {}, objective {}", self.area, self.objective)
    }
}

/// A linked action as pages show it: the ref, its text and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedAction {
    /// "2/1.3".
    pub link: String,
    /// "Action 1.3 (area 2)".
    pub label: String,
    /// What the action does.
    pub text: String,
    /// The stored id, for a link to the action's page.
    pub id: Option<i64>,
}

impl PlanTree {
    /// The actions a list of links names, in the list's order; links to nothing are
    /// shown as written, so a broken link is visible rather than dropped.
    pub fn linked_actions(&self, links: &[ActionRef]) -> Vec<LinkedAction> {
        links
            .iter()
            .map(|link| {
                let found = self
                    .actions()
                    .find(|(area, _, a)| {
                        area.number == link.area && a.reference.as_deref() == Some(&link.reference)
                    })
                    .map(|(_, _, a)| a);
                LinkedAction {
                    link: link.to_string(),
                    label: format!("Action {} (area {})", link.reference, link.area),
                    text: found.map(|a| a.text.clone()).unwrap_or_default(),
                    id: found.and_then(|a| a.id).map(|id| id.0),
                }
            })
            .collect()
    }

    /// Checks that each link names an action of this plan.
    pub fn check_action_links(&self, field: &str, links: &[ActionRef]) -> Result<()> {
        let known: HashSet<(u32, &str)> = self
            .actions()
            .filter_map(|(area, _, a)| Some((area.number, a.reference.as_deref()?)))
            .collect();
        for link in links {
            if !known.contains(&(link.area, link.reference.as_str())) {
                return Err(Error::invalid(
                    field,
                    format!(
                        "the plan has no action {} in area {}",
                        link.reference, link.area
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks that each number names an area of this plan.
    pub fn check_area_links(&self, field: &str, areas: &[u32]) -> Result<()> {
        for number in areas {
            if !self.areas.iter().any(|a| a.number == *number) {
                return Err(Error::invalid(
                    field,
                    format!("the plan has no area {number}"),
                ));
            }
        }
        Ok(())
    }

    /// Checks that each link names an objective of this plan.
    pub fn check_objective_links(&self, field: &str, links: &[ObjectiveRef]) -> Result<()> {
        for link in links {
            let found = self
                .areas
                .iter()
                .filter(|a| a.number == link.area)
                .flat_map(|a| &a.objectives)
                .any(|o| o.number == link.objective);
            if !found {
                return Err(Error::invalid(field, format!("the plan has no {link}")));
            }
        }
        Ok(())
    }

    /// Checks the KPIs, voice, governance and timeline: each part's own rules, and that
    /// every link points into this plan.
    pub fn validate_evidence(&self) -> Result<()> {
        let mut keys = HashSet::new();
        for kpi in &self.kpis {
            kpi.validate()?;
            if !keys.insert(kpi.key.as_str()) {
                return Err(Error::invalid(
                    format!("KPI {:?}", kpi.key),
                    "this key is used by two KPIs; keys must be unique in a plan",
                ));
            }
            let at = format!("KPI {:?}", kpi.key);
            self.check_objective_links(&at, &kpi.objectives)?;
        }
        if let Some(tolerance) = self.kpi_tolerance {
            super::kpi::check_tolerance(tolerance)?;
        }
        for (n, quote) in self.voice.iter().enumerate() {
            let at = format!("voice, quote {}", n + 1);
            quote
                .validate()
                .map_err(|e| Error::invalid(at.clone(), e.to_string()))?;
            self.check_area_links(&at, &quote.areas)?;
            self.check_action_links(&at, &quote.actions)?;
        }
        for (n, entry) in self.you_said_we_did.iter().enumerate() {
            let at = format!("you said, we did, entry {}", n + 1);
            entry
                .validate()
                .map_err(|e| Error::invalid(at.clone(), e.to_string()))?;
            self.check_action_links(&at, &entry.actions)?;
        }
        super::governance::check_boards(&self.boards)?;
        for board in &self.boards {
            let at = format!("board {:?}", board.name);
            self.check_area_links(&at, &board.monitors_areas)?;
            self.check_action_links(&at, &board.monitors)?;
        }
        for (n, meeting) in self.meetings.iter().enumerate() {
            let at = format!("meeting {}", n + 1);
            meeting
                .validate()
                .map_err(|e| Error::invalid(at.clone(), e.to_string()))?;
            for agreed in &meeting.actions_agreed {
                self.check_action_links(&at, &agreed.actions)?;
            }
            self.check_area_links(
                &at,
                &meeting
                    .progress_measures
                    .iter()
                    .map(|m| m.area)
                    .collect::<Vec<_>>(),
            )?;
        }
        self.timeline.validate()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_link_reads_area_slash_ref() {
        let link = ActionRef::parse(" 2/1.3a ").unwrap();
        assert_eq!(link.area, 2);
        assert_eq!(link.reference, "1.3a");
        assert_eq!(link.to_string(), "2/1.3a");
        assert_eq!(ActionRef::parse_list("1/1.1, 2/1.3;\n").unwrap().len(), 2);
        assert!(ActionRef::parse("1.3").is_err());
        assert!(ActionRef::parse("x/1.3").is_err());
        assert!(ActionRef::parse("2/").is_err());
    }
}
