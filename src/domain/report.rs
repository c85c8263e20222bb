//! Read models: what pages and exports show of a plan, computed once and tested here so
//! templates only format.

use std::collections::BTreeMap;

use super::{Level, PlanTree};

/// A rating as a tag: always the code and label in words, the colour only as a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingTag {
    /// The dimension's label: "Progress", "Impact".
    pub dimension: String,
    /// The level code: "G".
    pub code: String,
    /// The level's label: "Green".
    pub label: String,
    /// What the level means in this plan.
    pub meaning: String,
    /// The GOV.UK tag modifier class for the level's colour.
    pub class: &'static str,
}

/// An owner as a person reading the plan needs them: the name, not just initials.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwnerName {
    /// As the plan writes it ("SK").
    pub key: String,
    /// "Steve Kay", when the owner list names them.
    pub name: Option<String>,
    /// "Director of Children's Services, Northshire Council".
    pub detail: Option<String>,
}

impl OwnerName {
    /// The name when known, else the key as written.
    pub fn display(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

impl Level {
    /// The GOV.UK tag class nearest to the level's colour, falling back to its label.
    pub fn tag_class(&self) -> &'static str {
        let colour = self.colour.to_ascii_lowercase();
        let label = self.label.to_ascii_lowercase();
        let hint = |words: &[&str]| {
            words
                .iter()
                .any(|w| label.contains(w) || colour.contains(w))
        };
        match colour.as_str() {
            "#1d70b8" => "govuk-tag--blue",
            "#00703c" => "govuk-tag--green",
            "#f47738" | "#ffdd00" => "govuk-tag--orange",
            "#d4351c" => "govuk-tag--red",
            "#4c2c92" | "#912b88" => "govuk-tag--purple",
            _ if hint(&["blue"]) => "govuk-tag--blue",
            _ if hint(&["green"]) => "govuk-tag--green",
            _ if hint(&["amber", "orange", "yellow"]) => "govuk-tag--orange",
            _ if hint(&["red"]) => "govuk-tag--red",
            _ if hint(&["purple"]) => "govuk-tag--purple",
            _ => "govuk-tag--grey",
        }
    }
}

impl PlanTree {
    /// Ratings as tags in the order of the scheme's dimensions; a code the key does not
    /// know is still shown, in grey, so nothing is hidden.
    pub fn rating_tags(&self, ratings: &BTreeMap<String, String>) -> Vec<RatingTag> {
        let scheme = &self.rating_scheme;
        let mut tags = Vec::new();
        for dimension in &scheme.dimensions {
            let Some(code) = ratings.get(&dimension.key) else {
                continue;
            };
            tags.push(match scheme.level(code) {
                Some(level) => RatingTag {
                    dimension: dimension.label.clone(),
                    code: level.code.clone(),
                    label: level.label.clone(),
                    meaning: level.meaning.clone(),
                    class: level.tag_class(),
                },
                None => RatingTag {
                    dimension: dimension.label.clone(),
                    code: code.clone(),
                    label: code.clone(),
                    meaning: "not a level of this plan's key".into(),
                    class: "govuk-tag--grey",
                },
            });
        }
        tags
    }

    /// Owners with their names and roles from the owner list.
    pub fn owner_names(&self, owners: &[String]) -> Vec<OwnerName> {
        owners
            .iter()
            .map(|key| {
                let person = self.person(key);
                OwnerName {
                    key: key.clone(),
                    name: person.map(|p| p.name.clone()),
                    detail: person.and_then(|p| {
                        let parts: Vec<&str> = [p.role.as_deref(), p.organisation.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect();
                        (!parts.is_empty()).then(|| parts.join(", "))
                    }),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Person, RatingScheme};

    #[test]
    fn a_rating_tag_carries_its_words_and_colour_class() {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.rating_scheme = RatingScheme::brag_p();
        let ratings = BTreeMap::from([
            ("impact".to_string(), "A".to_string()),
            ("completed".to_string(), "B".to_string()),
        ]);
        let tags = plan.rating_tags(&ratings);
        assert_eq!(tags.len(), 2);
        assert_eq!(
            (tags[0].dimension.as_str(), tags[0].code.as_str()),
            ("Completed", "B")
        );
        assert_eq!(tags[0].class, "govuk-tag--blue");
        assert_eq!(tags[1].label, "Amber");
        assert_eq!(tags[1].class, "govuk-tag--orange");
    }

    #[test]
    fn an_unknown_code_is_shown_in_grey_rather_than_hidden() {
        let plan = PlanTree::new("Here", "Plan");
        let tags = plan.rating_tags(&BTreeMap::from([("delivery".into(), "Z".into())]));
        assert_eq!(tags[0].class, "govuk-tag--grey");
        assert_eq!(tags[0].label, "Z");
    }

    #[test]
    fn owners_are_named_from_the_owner_list() {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.people.push(Person {
            initials: Some("AB".into()),
            name: "Alex Brown".into(),
            role: Some("Head of SEN".into()),
            organisation: Some("Council".into()),
        });
        let names = plan.owner_names(&["AB".into(), "Parent carer forum".into()]);
        assert_eq!(names[0].display(), "Alex Brown");
        assert_eq!(names[0].detail.as_deref(), Some("Head of SEN, Council"));
        assert_eq!(names[1].display(), "Parent carer forum");
        assert_eq!(names[1].detail, None);
    }
}
