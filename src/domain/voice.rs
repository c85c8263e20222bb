//! The voice of children, young people and families: what they said, and "you said, we
//! did" — what the area did about it, including what it could not do and why.
//!
//! Nobody is named: a quote records what kind of person spoke (a child in Year 10, a
//! parent or carer), never who.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{ActionRef, Error, Result};

/// Longest quote or answer accepted, so a pasted document does not become one quote.
const MAX_TEXT: usize = 4000;

/// A stored quote's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuoteId(pub i64);

/// What kind of person spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// A child or young person (0–25).
    ChildOrYoungPerson,
    /// A parent or carer.
    ParentOrCarer,
    /// Someone who works with children and families.
    Practitioner,
}

impl Speaker {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 3] = [
        Self::ChildOrYoungPerson,
        Self::ParentOrCarer,
        Self::Practitioner,
    ];

    /// "Child or young person".
    pub fn label(self) -> &'static str {
        match self {
            Self::ChildOrYoungPerson => "Child or young person",
            Self::ParentOrCarer => "Parent or carer",
            Self::Practitioner => "Practitioner",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::ChildOrYoungPerson => "child_or_young_person",
            Self::ParentOrCarer => "parent_or_carer",
            Self::Practitioner => "practitioner",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| Error::invalid("speaker", "choose who said it"))
    }
}

/// Where the words were heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceSource {
    /// A listening event.
    ListeningEvent,
    /// A survey.
    Survey,
    /// A forum or group: the parent carer forum, a young people's advisory group.
    Forum,
    /// Anywhere else, or not said.
    Other,
}

impl VoiceSource {
    /// Every source, in the order forms list them.
    pub const ALL: [Self; 4] = [Self::ListeningEvent, Self::Survey, Self::Forum, Self::Other];

    /// "Listening event".
    pub fn label(self) -> &'static str {
        match self {
            Self::ListeningEvent => "Listening event",
            Self::Survey => "Survey",
            Self::Forum => "Forum or group",
            Self::Other => "Other",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::ListeningEvent => "listening_event",
            Self::Survey => "survey",
            Self::Forum => "forum",
            Self::Other => "other",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| Error::invalid("source", "choose where it was said"))
    }
}

/// Whether the quote says something works or needs to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    /// What is working well.
    WorkingWell,
    /// What requires improvement.
    RequiresImprovement,
    /// The source did not say (in 000 the colour that said it was lost).
    #[default]
    NotStated,
}

impl Sentiment {
    /// Every value, in the order forms list them.
    pub const ALL: [Self; 3] = [
        Self::WorkingWell,
        Self::RequiresImprovement,
        Self::NotStated,
    ];

    /// "What is working well".
    pub fn label(self) -> &'static str {
        match self {
            Self::WorkingWell => "What is working well",
            Self::RequiresImprovement => "Requires improvement",
            Self::NotStated => "Not stated",
        }
    }

    /// The GOV.UK tag modifier.
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::WorkingWell => "govuk-tag--green",
            Self::RequiresImprovement => "govuk-tag--orange",
            Self::NotStated => "govuk-tag--grey",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::WorkingWell => "working_well",
            Self::RequiresImprovement => "requires_improvement",
            Self::NotStated => "not_stated",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| Error::invalid("sentiment", "choose what the quote says"))
    }
}

/// Something a child, young person, parent or practitioner said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Stored id, when loaded from the store.
    #[serde(skip)]
    pub id: Option<QuoteId>,
    /// The words, as said.
    pub text: String,
    /// What kind of person said it.
    pub speaker: Speaker,
    /// School year group of a child or young person: 0 for Reception, 1 to 14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_group: Option<u8>,
    /// Age of a child or young person, when given instead of a year group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
    /// Where it was said.
    pub source: VoiceSource,
    /// When it was said, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Working well, requires improvement, or not stated.
    #[serde(default)]
    pub sentiment: Sentiment,
    /// The areas of weakness it bears on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<u32>,
    /// The actions it shaped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionRef>,
    /// Whether the speaker agreed to their words being used; quotes imported from a
    /// published document have this unrecorded (`false`).
    #[serde(default)]
    pub consent: bool,
}

impl Quote {
    /// A quote with nothing but its words and speaker.
    pub fn new(text: impl Into<String>, speaker: Speaker, source: VoiceSource) -> Self {
        Self {
            id: None,
            text: text.into(),
            speaker,
            year_group: None,
            age: None,
            source,
            date: None,
            sentiment: Sentiment::NotStated,
            areas: Vec::new(),
            actions: Vec::new(),
            consent: false,
        }
    }

    /// Who said it, without naming anyone: "Child or young person, Year 10".
    pub fn who(&self) -> String {
        let mut who = self.speaker.label().to_owned();
        if let Some(year) = self.year_group {
            if year == 0 {
                who.push_str(", Reception");
            } else {
                who.push_str(", Year ");
                who.push_str(&year.to_string());
            }
        }
        if let Some(age) = self.age {
            who.push_str(", aged ");
            who.push_str(&age.to_string());
        }
        who
    }

    /// Checks the words and the speaker's details.
    pub fn validate(&self) -> Result<()> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(Error::invalid("text", "enter what was said"));
        }
        if text.chars().count() > MAX_TEXT {
            return Err(Error::invalid(
                "text",
                format!("a quote must be {MAX_TEXT} characters or fewer"),
            ));
        }
        let child = self.speaker == Speaker::ChildOrYoungPerson;
        if let Some(year) = self.year_group {
            if !child {
                return Err(Error::invalid(
                    "year_group",
                    "only a child or young person has a year group",
                ));
            }
            if year > 14 {
                return Err(Error::invalid(
                    "year_group",
                    "a year group is from Reception (0) to Year 14",
                ));
            }
        }
        if let Some(age) = self.age {
            if !child {
                return Err(Error::invalid(
                    "age",
                    "only a child or young person's age is recorded",
                ));
            }
            if age > 25 {
                return Err(Error::invalid("age", "an age is from 0 to 25"));
            }
        }
        Ok(())
    }
}

/// What became of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    /// Done.
    Done,
    /// Under way.
    InProgress,
    /// Cannot be done; the reason is given.
    NotPossible,
}

impl ResponseStatus {
    /// Every status, in the order forms list them.
    pub const ALL: [Self; 3] = [Self::Done, Self::InProgress, Self::NotPossible];

    /// "Done", in plain words for families.
    pub fn label(self) -> &'static str {
        match self {
            Self::Done => "Done",
            Self::InProgress => "In progress",
            Self::NotPossible => "Not possible",
        }
    }

    /// The GOV.UK tag modifier.
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::Done => "govuk-tag--green",
            Self::InProgress => "govuk-tag--blue",
            Self::NotPossible => "govuk-tag--grey",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::InProgress => "in_progress",
            Self::NotPossible => "not_possible",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| Error::invalid("status", "choose what became of the request"))
    }
}

/// A stored "you said, we did" entry's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct YouSaidWeDidId(pub i64);

/// "You said …, we did …": a request from children, young people or families and the
/// area's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YouSaidWeDid {
    /// Stored id, when loaded from the store.
    #[serde(skip)]
    pub id: Option<YouSaidWeDidId>,
    /// What was asked for.
    pub you_said: String,
    /// What the area did or is doing.
    pub we_did: String,
    /// Done, in progress or not possible.
    pub status: ResponseStatus,
    /// Why it is not possible; required then, and only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The actions taken in answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionRef>,
    /// When the answer was last given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

impl YouSaidWeDid {
    /// Checks the request, the answer, and the reason when it is not possible.
    pub fn validate(&self) -> Result<()> {
        if self.you_said.trim().is_empty() {
            return Err(Error::invalid("you_said", "enter what was asked for"));
        }
        if self.we_did.trim().is_empty() {
            return Err(Error::invalid("we_did", "enter what was done about it"));
        }
        for (field, text) in [("you_said", &self.you_said), ("we_did", &self.we_did)] {
            if text.chars().count() > MAX_TEXT {
                return Err(Error::invalid(
                    field,
                    format!("must be {MAX_TEXT} characters or fewer"),
                ));
            }
        }
        let reason = self.reason.as_deref().map(str::trim).unwrap_or_default();
        match self.status {
            ResponseStatus::NotPossible if reason.is_empty() => Err(Error::invalid(
                "reason",
                "say why it is not possible: families are owed the reason",
            )),
            ResponseStatus::Done | ResponseStatus::InProgress if !reason.is_empty() => {
                Err(Error::invalid(
                    "reason",
                    "a reason is given only when the request is not possible",
                ))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: ResponseStatus, reason: Option<&str>) -> YouSaidWeDid {
        YouSaidWeDid {
            id: None,
            you_said: "More youth clubs".into(),
            we_did: "Opened two".into(),
            status,
            reason: reason.map(str::to_owned),
            actions: Vec::new(),
            date: None,
        }
    }

    #[test]
    fn a_request_that_is_not_possible_needs_its_reason() {
        let err = entry(ResponseStatus::NotPossible, Some("  "))
            .validate()
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "reason"));
        entry(ResponseStatus::NotPossible, Some("No building"))
            .validate()
            .unwrap();
        entry(ResponseStatus::Done, None).validate().unwrap();
        assert!(entry(ResponseStatus::Done, Some("why")).validate().is_err());
    }

    #[test]
    fn who_said_it_names_the_kind_of_person_and_year_never_a_name() {
        let mut quote = Quote::new("I like it", Speaker::ChildOrYoungPerson, VoiceSource::Forum);
        quote.year_group = Some(10);
        assert_eq!(quote.who(), "Child or young person, Year 10");
        quote.year_group = None;
        quote.age = Some(17);
        assert_eq!(quote.who(), "Child or young person, aged 17");
        quote.validate().unwrap();
        let mut parent = Quote::new("Hard", Speaker::ParentOrCarer, VoiceSource::Survey);
        parent.year_group = Some(3);
        assert!(parent.validate().is_err(), "a parent has no year group");
        assert!(
            Quote::new(" ", Speaker::Practitioner, VoiceSource::Other)
                .validate()
                .is_err()
        );
    }
}
