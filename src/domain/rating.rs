//! Rating schemes: each plan rates its actions on its own key, in one or more dimensions.

use serde::{Deserialize, Serialize};

use super::{Error, Result};

/// One level of a key, e.g. `G` "On track".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// The short code written in trackers: "B", "G", "A", "R", "P".
    pub code: String,
    /// The name shown beside the code: "Green".
    pub label: String,
    /// What the level means in this plan, as the plan words it.
    #[serde(default)]
    pub meaning: String,
    /// A CSS colour for the tag; never the only way a rating is shown.
    #[serde(default)]
    pub colour: String,
    /// Whether an action at this level counts as done.
    #[serde(default)]
    pub complete: bool,
}

/// What is being rated: delivery ("completed"), impact, sustained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    /// Key used in `ratings` maps: "delivery", "impact", "sustained".
    pub key: String,
    /// Heading shown to people: "Completed", "Impact".
    pub label: String,
    /// Codes allowed in this dimension, best first; empty means every level of the scheme.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
}

/// A plan's rating key: ordered levels and the dimensions they are applied in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingScheme {
    /// The key's name as the plan gives it: "BRAG", "RAG Rating Key".
    pub name: String,
    /// Levels in the plan's order (usually best first).
    pub levels: Vec<Level>,
    /// At least one dimension.
    pub dimensions: Vec<Dimension>,
}

fn level(code: &str, label: &str, meaning: &str, colour: &str, complete: bool) -> Level {
    Level {
        code: code.into(),
        label: label.into(),
        meaning: meaning.into(),
        colour: colour.into(),
        complete,
    }
}

fn dimension(key: &str, label: &str, levels: &[&str]) -> Dimension {
    Dimension {
        key: key.into(),
        label: label.into(),
        levels: levels.iter().map(|&code| code.to_owned()).collect(),
    }
}

const BLUE: &str = "#1d70b8";
const GREEN: &str = "#00703c";
const AMBER: &str = "#f47738";
const RED: &str = "#d4351c";
const GREY: &str = "#505a5f";

impl RatingScheme {
    /// Red, amber, green, with green meaning complete or on track.
    pub fn rag() -> Self {
        Self {
            name: "RAG".into(),
            levels: vec![
                level("G", "Green", "On track or complete", GREEN, false),
                level("A", "Amber", "Behind schedule, recoverable", AMBER, false),
                level("R", "Red", "Not started or at risk", RED, false),
            ],
            dimensions: vec![dimension("delivery", "Progress", &[])],
        }
    }

    /// Blue complete, green on track, amber behind, red not started or at risk.
    pub fn brag() -> Self {
        Self {
            name: "BRAG".into(),
            levels: vec![
                level("B", "Blue", "Complete", BLUE, true),
                level("G", "Green", "On track", GREEN, false),
                level("A", "Amber", "Behind schedule", AMBER, false),
                level("R", "Red", "Not started or at risk", RED, false),
            ],
            dimensions: vec![dimension("delivery", "Progress", &[])],
        }
    }

    /// BRAG with P for "yet to start", rated for completion, impact and sustainability:
    /// impact on RAG(P) and sustained on RAG, as highlight reports to the `DfE` use.
    pub fn brag_p() -> Self {
        Self {
            name: "BRAG(P)".into(),
            levels: vec![
                level("B", "Blue", "Completed", BLUE, true),
                level("G", "Green", "Good progress", GREEN, false),
                level("A", "Amber", "Progress with minor delays", AMBER, false),
                level("R", "Red", "Little or no progress", RED, false),
                level("P", "Purple", "Yet to start", GREY, false),
            ],
            dimensions: vec![
                dimension("completed", "Completed", &[]),
                dimension("impact", "Impact", &["G", "A", "R", "P"]),
                dimension("sustained", "Sustained", &["G", "A", "R"]),
            ],
        }
    }

    /// A key relative to the plan's submission: done by submission, on track within six
    /// months, not on track, or longer-term with no risk foreseen.
    pub fn time_relative() -> Self {
        Self {
            name: "Time-relative RAG".into(),
            levels: vec![
                level(
                    "B",
                    "Blue",
                    "Completed for the submission of the plan",
                    BLUE,
                    true,
                ),
                level(
                    "G",
                    "Green",
                    "Not yet completed, but on track and scheduled for completion within six months of the submission",
                    GREEN,
                    false,
                ),
                level(
                    "R",
                    "Red",
                    "Not on track, risk to implementation",
                    RED,
                    false,
                ),
                level(
                    "A",
                    "Amber",
                    "Longer-term action, not scheduled for completion within six months of the submission; no risk to implementation currently anticipated",
                    AMBER,
                    false,
                ),
            ],
            dimensions: vec![dimension("delivery", "Progress", &[])],
        }
    }

    /// Every preset, for pickers and for matching a key found in a document.
    pub fn presets() -> Vec<Self> {
        vec![
            Self::rag(),
            Self::brag(),
            Self::brag_p(),
            Self::time_relative(),
        ]
    }

    /// The level with this code, if the scheme has it.
    pub fn level(&self, code: &str) -> Option<&Level> {
        self.levels
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(code))
    }

    /// The dimension with this key.
    pub fn dimension(&self, key: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.key == key)
    }

    /// Checks the scheme itself: codes unique and non-empty, at least one dimension, and
    /// every dimension's levels taken from the scheme.
    pub fn validate(&self) -> Result<()> {
        if self.levels.is_empty() {
            return Err(Error::invalid("rating_scheme", "needs at least one level"));
        }
        if self.dimensions.is_empty() {
            return Err(Error::invalid(
                "rating_scheme",
                "needs at least one dimension",
            ));
        }
        for (i, l) in self.levels.iter().enumerate() {
            if l.code.trim().is_empty() {
                return Err(Error::invalid(
                    "rating_scheme",
                    format!("level {} has no code", i + 1),
                ));
            }
            if self.levels[..i]
                .iter()
                .any(|o| o.code.eq_ignore_ascii_case(&l.code))
            {
                return Err(Error::invalid(
                    "rating_scheme",
                    format!("the code {:?} is used twice", l.code),
                ));
            }
        }
        for (i, d) in self.dimensions.iter().enumerate() {
            if self.dimensions[..i].iter().any(|o| o.key == d.key) {
                return Err(Error::invalid(
                    "rating_scheme",
                    format!("the dimension {:?} is given twice", d.key),
                ));
            }
            if let Some(code) = d.levels.iter().find(|c| self.level(c).is_none()) {
                return Err(Error::invalid(
                    "rating_scheme",
                    format!("dimension {:?} uses {code:?}, which is not a level", d.key),
                ));
            }
        }
        Ok(())
    }

    /// Checks one action's ratings against the scheme.
    pub fn check_ratings<'a>(
        &self,
        ratings: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> Result<()> {
        for (dimension, code) in ratings {
            let Some(dim) = self.dimension(dimension) else {
                return Err(Error::invalid(
                    "ratings",
                    format!("{dimension:?} is not a dimension of the {} key", self.name),
                ));
            };
            let allowed = self.level(code).is_some()
                && (dim.levels.is_empty()
                    || dim.levels.iter().any(|c| c.eq_ignore_ascii_case(code)));
            if !allowed {
                return Err(Error::invalid(
                    "ratings",
                    format!(
                        "{code:?} is not a level of {} in the {} key",
                        dim.label, self.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Default for RatingScheme {
    fn default() -> Self {
        Self::brag()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_valid_scheme() {
        for scheme in RatingScheme::presets() {
            scheme.validate().unwrap();
        }
    }

    #[test]
    fn a_code_used_twice_is_rejected() {
        let mut scheme = RatingScheme::rag();
        scheme.levels[1].code = "g".into();
        assert!(
            scheme
                .validate()
                .unwrap_err()
                .to_string()
                .contains("used twice")
        );
    }

    #[test]
    fn ratings_must_use_the_dimension_levels() {
        let scheme = RatingScheme::brag_p();
        let ok = [("impact".to_string(), "A".to_string())];
        scheme
            .check_ratings(ok.iter().map(|(a, b)| (a, b)))
            .unwrap();
        let blue_impact = [("impact".to_string(), "B".to_string())];
        assert!(
            scheme
                .check_ratings(blue_impact.iter().map(|(a, b)| (a, b)))
                .is_err()
        );
        let unknown = [("colour".to_string(), "G".to_string())];
        assert!(
            scheme
                .check_ratings(unknown.iter().map(|(a, b)| (a, b)))
                .is_err()
        );
    }
}
