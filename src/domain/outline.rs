//! The plan's structure as the editor sees it: every area, objective, action, milestone
//! and person with its stored id, and the fields each can be given. Refs are data typed
//! by people, never computed from position, so inserting or moving items keeps them.

use serde::Deserialize;

use super::history::MilestoneId;
use super::{ActionId, Due, Error, PartialDate, Person, Result};

/// A stored area's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaId(pub i64);

/// A stored objective's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectiveId(pub i64);

/// A stored person's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub i64);

/// What kind of item an edit is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// An area of weakness.
    Area,
    /// An objective in an area.
    Objective,
    /// An action under an objective.
    Action,
    /// A milestone of an action.
    Milestone,
    /// Someone on the owner list.
    Person,
}

impl ItemKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::Area,
        Self::Objective,
        Self::Action,
        Self::Milestone,
        Self::Person,
    ];

    /// The URL segment: `areas`, `objectives`…
    pub fn code(self) -> &'static str {
        match self {
            Self::Area => "areas",
            Self::Objective => "objectives",
            Self::Action => "actions",
            Self::Milestone => "milestones",
            Self::Person => "people",
        }
    }

    /// The word for one: "area of weakness", "objective"…
    pub fn noun(self) -> &'static str {
        match self {
            Self::Area => "area of weakness",
            Self::Objective => "objective",
            Self::Action => "action",
            Self::Milestone => "milestone",
            Self::Person => "person",
        }
    }

    /// Reads a URL segment.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::not_found(format!("{code:?}")))
    }
}

/// Which way to move an item among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveDirection {
    /// Towards the start.
    Up,
    /// Towards the end.
    Down,
}

impl MoveDirection {
    /// Reads `up` or `down`.
    pub fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "up" => Ok(Self::Up),
            "down" => Ok(Self::Down),
            _ => Err(Error::invalid("direction", "Choose up or down")),
        }
    }
}

/// A milestone in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineMilestone {
    /// Its id.
    pub id: MilestoneId,
    /// What will have happened.
    pub text: String,
    /// Deadline as written or read.
    pub due_text: Option<String>,
    /// Done, if it is.
    pub done: Option<PartialDate>,
}

/// An action in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineAction {
    /// Its id.
    pub id: ActionId,
    /// Its ref.
    pub reference: Option<String>,
    /// What will be done.
    pub text: String,
    /// Owner keys.
    pub owners: Vec<String>,
    /// The deadline.
    pub due: Option<PartialDate>,
    /// As written.
    pub due_text: Option<String>,
    /// Whether anything was recorded against it (updates, date changes, evidence,
    /// cycle snapshots): such an action cannot be removed.
    pub has_history: bool,
    /// Its milestones.
    pub milestones: Vec<OutlineMilestone>,
}

impl OutlineAction {
    /// The ref, or a stand-in.
    pub fn label(&self) -> &str {
        self.reference.as_deref().unwrap_or("(no ref)")
    }
}

/// An objective in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineObjective {
    /// Its id.
    pub id: ObjectiveId,
    /// "1.1".
    pub number: String,
    /// The outcome.
    pub text: String,
    /// Its actions in order.
    pub actions: Vec<OutlineAction>,
}

/// An area in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineArea {
    /// Its id.
    pub id: AreaId,
    /// 1, 2, 3…
    pub number: u32,
    /// The finding.
    pub title: String,
    /// The plan's heading.
    pub heading: Option<String>,
    /// The sponsor.
    pub sponsor: Option<String>,
    /// Its objectives in order.
    pub objectives: Vec<OutlineObjective>,
}

/// A person in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlinePerson {
    /// Its id.
    pub id: PersonId,
    /// The person.
    pub person: Person,
}

/// The plan's structure with ids, for the editor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanOutline {
    /// Areas in order.
    pub areas: Vec<OutlineArea>,
    /// The owner list in order.
    pub people: Vec<OutlinePerson>,
}

impl PlanOutline {
    /// The area with this id.
    pub fn area(&self, id: i64) -> Option<&OutlineArea> {
        self.areas.iter().find(|a| a.id.0 == id)
    }

    /// The objective with this id and its area.
    pub fn objective(&self, id: i64) -> Option<(&OutlineArea, &OutlineObjective)> {
        self.areas.iter().find_map(|area| {
            area.objectives
                .iter()
                .find(|o| o.id.0 == id)
                .map(|o| (area, o))
        })
    }

    /// The action with this id, its objective and area.
    pub fn action(&self, id: i64) -> Option<(&OutlineArea, &OutlineObjective, &OutlineAction)> {
        self.areas.iter().find_map(|area| {
            area.objectives.iter().find_map(|o| {
                o.actions
                    .iter()
                    .find(|a| a.id.0 == id)
                    .map(|a| (area, o, a))
            })
        })
    }

    /// The milestone with this id and its action.
    pub fn milestone(&self, id: i64) -> Option<(&OutlineAction, &OutlineMilestone)> {
        self.areas
            .iter()
            .flat_map(|a| a.objectives.iter())
            .flat_map(|o| o.actions.iter())
            .find_map(|a| a.milestones.iter().find(|m| m.id.0 == id).map(|m| (a, m)))
    }

    /// The person with this id.
    pub fn person(&self, id: i64) -> Option<&OutlinePerson> {
        self.people.iter().find(|p| p.id.0 == id)
    }

    /// The next area number: one more than the highest.
    pub fn next_area_number(&self) -> u32 {
        self.areas.iter().map(|a| a.number).max().unwrap_or(0) + 1
    }

    /// The next objective number in an area: `{area}.{n}` after the highest numbered.
    pub fn next_objective_number(&self, area: &OutlineArea) -> String {
        let numbers: Vec<&str> = area.objectives.iter().map(|o| o.number.as_str()).collect();
        next_number(&area.number.to_string(), &numbers)
    }

    /// A ref for a new action in an objective that no action of the area has.
    pub fn next_free_ref(&self, area: &OutlineArea, objective: &OutlineObjective) -> String {
        let siblings: Vec<&str> = objective
            .actions
            .iter()
            .filter_map(|a| a.reference.as_deref())
            .collect();
        let taken: Vec<&str> = area
            .objectives
            .iter()
            .flat_map(|o| o.actions.iter())
            .filter_map(|a| a.reference.as_deref())
            .collect();
        next_free_ref(&objective.number, &siblings, &taken)
    }
}

/// Splits "2.4" into ("2.", 4); a ref without a trailing number gives `None`.
fn trailing_number(reference: &str) -> Option<(&str, u32)> {
    let digits = reference
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    Some((&reference[..digits], reference[digits..].parse().ok()?))
}

/// Splits "1.1b" into ("1.1", 'b'): a single letter after a digit.
fn trailing_letter(reference: &str) -> Option<(&str, char)> {
    let last = reference.chars().last()?;
    let stem = &reference[..reference.len() - last.len_utf8()];
    (last.is_ascii_lowercase() && stem.ends_with(|c: char| c.is_ascii_digit()))
        .then_some((stem, last))
}

fn next_number(stem: &str, existing: &[&str]) -> String {
    let highest = existing
        .iter()
        .filter_map(|r| trailing_number(r))
        .max_by_key(|(_, n)| *n);
    let lettered = existing
        .iter()
        .filter_map(|r| trailing_letter(r))
        .filter(|(_, c)| *c < 'z')
        .max_by_key(|(_, c)| *c);
    match (highest, lettered) {
        (Some((prefix, n)), _) => format!("{prefix}{}", n + 1),
        (None, Some((prefix, c))) => format!(
            "{prefix}{}",
            char::from(u8::try_from(c).unwrap_or(b'a') + 1)
        ),
        (None, None) => format!("{stem}.1"),
    }
}

/// The ref a new action gets: one past the highest numbered ref among its siblings
/// (`2.3` → `2.4`), or `{objective}.1`; bumped until no action of the area has it.
pub fn next_free_ref(objective: &str, siblings: &[&str], taken: &[&str]) -> String {
    let mut candidate = next_number(objective, siblings);
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        candidate = next_number(&candidate, &[candidate.as_str()]);
    }
    candidate
}

/// The editor's form as sent: every field optional, each kind uses some.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct ItemForm {
    /// Area or objective number.
    pub number: Option<String>,
    /// Area finding.
    pub title: Option<String>,
    /// Area heading.
    pub heading: Option<String>,
    /// Area sponsor.
    pub sponsor: Option<String>,
    /// Objective, action or milestone text.
    pub text: Option<String>,
    /// Action ref.
    pub reference: Option<String>,
    /// Action owners, separated by commas.
    pub owners: Option<String>,
    /// Action or milestone deadline, as written.
    pub due: Option<String>,
    /// Person initials.
    pub initials: Option<String>,
    /// Person name.
    pub name: Option<String>,
    /// Person role.
    pub role: Option<String>,
    /// Person organisation.
    pub organisation: Option<String>,
}

/// Checked fields for one kind of item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemFields {
    /// An area.
    Area {
        /// Its number.
        number: u32,
        /// The finding.
        title: String,
        /// The heading.
        heading: Option<String>,
        /// The sponsor.
        sponsor: Option<String>,
    },
    /// An objective.
    Objective {
        /// Its number.
        number: String,
        /// The outcome.
        text: String,
    },
    /// An action.
    Action {
        /// Its ref.
        reference: Option<String>,
        /// What will be done.
        text: String,
        /// Owner keys.
        owners: Vec<String>,
        /// The deadline read from `due_text`.
        due: Option<Due>,
        /// The deadline as written.
        due_text: Option<String>,
    },
    /// A milestone.
    Milestone {
        /// What will have happened.
        text: String,
        /// The deadline read from `due_text`.
        due: Option<PartialDate>,
        /// As written.
        due_text: Option<String>,
    },
    /// A person.
    Person(Person),
}

fn optional(raw: Option<&String>) -> Option<String> {
    raw.map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn required(raw: Option<&String>, field: &str, message: &str) -> Result<String> {
    optional(raw).ok_or_else(|| Error::invalid(field, message))
}

fn limited(value: String, field: &str, max: usize) -> Result<String> {
    if value.chars().count() > max {
        Err(Error::invalid(
            field,
            format!("Must be {max} characters or fewer"),
        ))
    } else {
        Ok(value)
    }
}

impl ItemFields {
    /// Which kind of item these are the fields of.
    pub fn kind(&self) -> ItemKind {
        match self {
            Self::Area { .. } => ItemKind::Area,
            Self::Objective { .. } => ItemKind::Objective,
            Self::Action { .. } => ItemKind::Action,
            Self::Milestone { .. } => ItemKind::Milestone,
            Self::Person(_) => ItemKind::Person,
        }
    }

    /// Checks the form for a kind of item; the error names the first field at fault.
    pub fn parse(kind: ItemKind, form: &ItemForm) -> Result<Self> {
        match kind {
            ItemKind::Area => {
                let number = required(form.number.as_ref(), "number", "Enter the area's number")?
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        Error::invalid("number", "The area's number must be a whole number, like 4")
                    })?;
                Ok(Self::Area {
                    number,
                    title: limited(
                        required(
                            form.title.as_ref(),
                            "title",
                            "Enter what the inspection found",
                        )?,
                        "title",
                        4000,
                    )?,
                    heading: optional(form.heading.as_ref()),
                    sponsor: optional(form.sponsor.as_ref()),
                })
            }
            ItemKind::Objective => Ok(Self::Objective {
                number: limited(
                    required(
                        form.number.as_ref(),
                        "number",
                        "Enter the objective's number",
                    )?,
                    "number",
                    20,
                )?,
                text: limited(
                    required(form.text.as_ref(), "text", "Enter the intended outcome")?,
                    "text",
                    4000,
                )?,
            }),
            ItemKind::Action => {
                let due_text = optional(form.due.as_ref());
                let due = due_text.as_deref().and_then(super::parse_uk_due);
                Ok(Self::Action {
                    reference: optional(form.reference.as_ref())
                        .map(|r| limited(r, "reference", 20))
                        .transpose()?,
                    text: limited(
                        required(form.text.as_ref(), "text", "Enter what will be done")?,
                        "text",
                        4000,
                    )?,
                    owners: form
                        .owners
                        .as_deref()
                        .unwrap_or_default()
                        .split(',')
                        .map(str::trim)
                        .filter(|o| !o.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    due,
                    due_text,
                })
            }
            ItemKind::Milestone => {
                let due_text = optional(form.due.as_ref());
                Ok(Self::Milestone {
                    text: limited(
                        required(form.text.as_ref(), "text", "Enter what will have happened")?,
                        "text",
                        2000,
                    )?,
                    due: due_text
                        .as_deref()
                        .and_then(super::parse_uk_due)
                        .map(|d| d.by),
                    due_text,
                })
            }
            ItemKind::Person => Ok(Self::Person(Person {
                initials: optional(form.initials.as_ref()),
                name: limited(
                    required(form.name.as_ref(), "name", "Enter the person's name")?,
                    "name",
                    200,
                )?,
                role: optional(form.role.as_ref()),
                organisation: optional(form.organisation.as_ref()),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_ref_follows_the_highest_sibling() {
        assert_eq!(next_free_ref("2", &["2.1", "2.3", "2.2"], &[]), "2.4");
        assert_eq!(next_free_ref("2.4", &["2.4.1", "2.4.9"], &[]), "2.4.10");
        assert_eq!(next_free_ref("3", &[], &[]), "3.1");
        assert_eq!(next_free_ref("1.1", &["1.1a", "1.1b"], &[]), "1.1c");
        assert_eq!(next_free_ref("1", &["1.2a"], &[]), "1.2b");
    }

    #[test]
    fn a_new_ref_skips_refs_the_area_already_uses() {
        assert_eq!(next_free_ref("1", &["1.1"], &["1.1", "1.2", "1.3"]), "1.4");
        assert_eq!(next_free_ref("1", &[], &["1.1"]), "1.2");
    }

    #[test]
    fn the_next_objective_number_follows_the_highest() {
        let outline = PlanOutline::default();
        let area = OutlineArea {
            id: AreaId(1),
            number: 2,
            title: "Finding".into(),
            heading: None,
            sponsor: None,
            objectives: Vec::new(),
        };
        assert_eq!(outline.next_objective_number(&area), "2.1");
        assert_eq!(outline.next_area_number(), 1);
    }

    #[test]
    fn fields_are_checked_per_kind_and_name_the_field() {
        let form = ItemForm {
            text: Some("  Train SENCOs ".into()),
            owners: Some("AB, , Parent carer forum".into()),
            due: Some("June 2025".into()),
            ..ItemForm::default()
        };
        let ItemFields::Action {
            text, owners, due, ..
        } = ItemFields::parse(ItemKind::Action, &form).unwrap()
        else {
            panic!("an action");
        };
        assert_eq!(text, "Train SENCOs");
        assert_eq!(owners, ["AB", "Parent carer forum"]);
        assert_eq!(due.unwrap().by.to_string(), "2025-06");

        let err = ItemFields::parse(
            ItemKind::Area,
            &ItemForm {
                number: Some("four".into()),
                title: Some("Finding".into()),
                ..ItemForm::default()
            },
        )
        .unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "number"));
        let err = ItemFields::parse(ItemKind::Person, &ItemForm::default()).unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "name"));
    }

    #[test]
    fn kinds_round_trip_through_their_url_codes() {
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::from_code(kind.code()).unwrap(), kind);
        }
        assert!(ItemKind::from_code("plans").is_err());
        assert!(MoveDirection::parse("sideways").is_err());
    }
}
