//! The plan tree: areas of weakness → objectives → actions → milestones and updates.
//!
//! The same types are the plan JSON interchange format (`docs/plan-json.md`). Stored ids
//! ride along but are never serialised, so an export imported elsewhere is the same plan.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use time::Date;

use super::{
    Board, Error, Kpi, Meeting, Number, PartialDate, Quote, RatingScheme, Result, Timeline,
    YouSaidWeDid,
};

/// The tag written into every plan JSON file, so a reader knows what it holds.
pub const PLAN_FORMAT: &str = "wsoa-plan/1";

/// A stored plan's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlanId(pub i64);

/// A stored action's id: stable across edits, used in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActionId(pub i64);

/// Which framework the plan answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// 2016–2022 framework: the plan after significant weaknesses were found.
    #[default]
    WrittenStatementOfAction,
    /// After a revisit found insufficient progress.
    AcceleratedProgressPlan,
    /// 2023 framework, outcome 3.
    PriorityActionPlan,
    /// 2023 framework, outcome 2, or a plan of the area's own.
    ImprovementPlan,
}

impl PlanKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 4] = [
        Self::WrittenStatementOfAction,
        Self::AcceleratedProgressPlan,
        Self::PriorityActionPlan,
        Self::ImprovementPlan,
    ];

    /// The name people use.
    pub fn label(self) -> &'static str {
        match self {
            Self::WrittenStatementOfAction => "Written statement of action",
            Self::AcceleratedProgressPlan => "Accelerated progress plan",
            Self::PriorityActionPlan => "Priority action plan",
            Self::ImprovementPlan => "Improvement plan",
        }
    }

    /// The stored code, the same as in the plan JSON format.
    pub fn code(self) -> &'static str {
        match self {
            Self::WrittenStatementOfAction => "written_statement_of_action",
            Self::AcceleratedProgressPlan => "accelerated_progress_plan",
            Self::PriorityActionPlan => "priority_action_plan",
            Self::ImprovementPlan => "improvement_plan",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::invalid("kind", format!("{code:?} is not a kind of plan")))
    }
}

/// Where the plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written.
    Draft,
    /// Sent to Ofsted and the CQC.
    Submitted,
    /// Judged fit for purpose and being delivered.
    #[default]
    InDelivery,
    /// Delivered, or replaced by another plan.
    Closed,
}

impl PlanStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 4] = [Self::Draft, Self::Submitted, Self::InDelivery, Self::Closed];

    /// The name people use.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted",
            Self::InDelivery => "In delivery",
            Self::Closed => "Closed",
        }
    }

    /// The stored code, the same as in the plan JSON format.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::InDelivery => "in_delivery",
            Self::Closed => "closed",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::invalid("status", format!("{code:?} is not a plan status")))
    }
}

/// Whether an action needs money it does not have yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resource {
    /// AR: additional resource is or may be required.
    #[serde(rename = "AR")]
    Additional,
    /// ER: covered by existing resource.
    #[serde(rename = "ER")]
    Existing,
}

impl Resource {
    /// The code plans write: "AR" or "ER".
    pub fn code(self) -> &'static str {
        match self {
            Self::Additional => "AR",
            Self::Existing => "ER",
        }
    }

    /// What the code means.
    pub fn label(self) -> &'static str {
        match self {
            Self::Additional => "Additional resource required",
            Self::Existing => "Existing resource",
        }
    }

    /// Reads "AR" or "ER" in any case.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "AR" => Some(Self::Additional),
            "ER" => Some(Self::Existing),
            _ => None,
        }
    }
}

/// Someone who owns actions or sponsors an area.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Person {
    /// Initials as the plan's owner list gives them (`SK`, `DiH`).
    #[serde(default)]
    pub initials: Option<String>,
    /// Full name.
    pub name: String,
    /// Job title.
    #[serde(default)]
    pub role: Option<String>,
    /// Council, ICB/CCG, parent carer forum, SENDIASS…
    #[serde(default)]
    pub organisation: Option<String>,
}

impl Person {
    /// How actions refer to this person: initials when the plan has them, else the name.
    pub fn key(&self) -> &str {
        self.initials.as_deref().unwrap_or(&self.name)
    }

    /// "Alex Brown (Head of SEN, Northshire Council)".
    pub fn describe(&self) -> String {
        let detail: Vec<&str> = [self.role.as_deref(), self.organisation.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if detail.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, detail.join(", "))
        }
    }
}

/// A dated step under an action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Milestone {
    /// What will have happened.
    pub text: String,
    /// The deadline (end of a range).
    #[serde(default)]
    pub due: Option<PartialDate>,
    /// The deadline as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_text: Option<String>,
    /// When it was done, if it was.
    #[serde(default)]
    pub done: Option<PartialDate>,
    /// The completion date as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_text: Option<String>,
}

/// A dated progress note with the ratings it set. Never changed once written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    /// The day the progress was reported.
    pub date: Date,
    /// Who wrote it: a person key or a name.
    #[serde(default)]
    pub author: Option<String>,
    /// "How far have we come?"
    pub narrative: String,
    /// Ratings at that time, by dimension key.
    #[serde(default)]
    pub ratings: BTreeMap<String, String>,
}

/// Something the area will do, with an owner and a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Action {
    /// Stored id, when loaded from the store.
    #[serde(skip)]
    pub id: Option<ActionId>,
    /// "1.1", "1.2a", "2.4.3": unique within its area, absent when the plan gives none.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// What will be done.
    pub text: String,
    /// Person keys as written (initials), or names or groups.
    #[serde(default)]
    pub owners: Vec<String>,
    /// The deadline: the month or day named, the end of a range.
    #[serde(default)]
    pub due: Option<PartialDate>,
    /// The start of a range or of an ongoing period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_from: Option<PartialDate>,
    /// The deadline as written.
    #[serde(default)]
    pub due_text: Option<String>,
    /// Current ratings, by dimension key.
    #[serde(default)]
    pub ratings: BTreeMap<String, String>,
    /// AR / ER.
    #[serde(default)]
    pub resource: Option<Resource>,
    /// "How will we know we have achieved it?", one item each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_measures: Vec<String>,
    /// Dated steps.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Progress history, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<ProgressUpdate>,
    /// Text from the source that belonged here but fitted no field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Action {
    /// The ref, or a stand-in for the few actions a plan leaves unnumbered.
    pub fn label(&self) -> &str {
        self.reference.as_deref().unwrap_or("(no ref)")
    }
}

/// What will be different, with how it will be known.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Objective {
    /// "1", "1.1" as the plan numbers it.
    pub number: String,
    /// The outcome statement.
    pub text: String,
    /// "Impact" statements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impact_statements: Vec<String>,
    /// Success measures that belong to the objective rather than one action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_measures: Vec<String>,
    /// The actions that deliver it.
    #[serde(default)]
    pub actions: Vec<Action>,
}

/// An area of weakness (priority, workstream) as the inspection found it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Area {
    /// 1, 2, 3…
    pub number: u32,
    /// The inspection's finding, word for word.
    pub title: String,
    /// The plan's own heading for the area ("Workstream 1: Joint planning…").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The senior accountable sponsor, as written.
    #[serde(default)]
    pub sponsor: Option<String>,
    /// Delivery partners, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delivery_partners: Vec<String>,
    /// Objectives in plan order.
    #[serde(default)]
    pub objectives: Vec<Objective>,
}

/// An abbreviation and what it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaryEntry {
    /// "EHCP".
    pub term: String,
    /// "Education, Health and Care Plan".
    pub definition: String,
}

/// A whole plan: what is imported, exported and stored as one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTree {
    /// Always [`PLAN_FORMAT`].
    #[serde(default = "plan_format")]
    pub format: String,
    /// The council and its NHS partners: "Northshire".
    pub local_area: String,
    /// The plan's title.
    pub title: String,
    /// The framework it answers to.
    #[serde(default)]
    pub kind: PlanKind,
    /// Where it is in its life.
    #[serde(default)]
    pub status: PlanStatus,
    /// Starts at 1; a re-import stores the next version.
    #[serde(default = "first_version")]
    pub version: u32,
    /// The date on the document.
    #[serde(default)]
    pub document_date: Option<PartialDate>,
    /// First day of the inspection visit.
    #[serde(default)]
    pub inspection_start: Option<Date>,
    /// Last day of the inspection visit.
    #[serde(default)]
    pub inspection_end: Option<Date>,
    /// When Ofsted and the CQC published the report.
    #[serde(default)]
    pub report_published: Option<Date>,
    /// The plan's rating key.
    #[serde(default)]
    pub rating_scheme: RatingScheme,
    /// The action owner list.
    #[serde(default)]
    pub people: Vec<Person>,
    /// Areas of weakness in plan order.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Abbreviations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub glossary: Vec<GlossaryEntry>,
    /// KPIs with their trajectories and actuals.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<Kpi>,
    /// How far, in percent of the trajectory's value, an actual may fall short and still
    /// be on trajectory; 5 when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kpi_tolerance: Option<Number>,
    /// What children, young people and families said.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub voice: Vec<Quote>,
    /// "You said, we did".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub you_said_we_did: Vec<YouSaidWeDid>,
    /// The boards overseeing the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boards: Vec<Board>,
    /// Board meetings and monitoring visits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<Meeting>,
    /// Submissions, evaluations, revisits and the working-day settings.
    #[serde(default, skip_serializing_if = "Timeline::is_empty")]
    pub timeline: Timeline,
}

fn plan_format() -> String {
    PLAN_FORMAT.to_owned()
}

fn first_version() -> u32 {
    1
}

impl PlanTree {
    /// An empty plan.
    pub fn new(local_area: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            format: plan_format(),
            local_area: local_area.into(),
            title: title.into(),
            kind: PlanKind::default(),
            status: PlanStatus::default(),
            version: 1,
            document_date: None,
            inspection_start: None,
            inspection_end: None,
            report_published: None,
            rating_scheme: RatingScheme::default(),
            people: Vec::new(),
            areas: Vec::new(),
            glossary: Vec::new(),
            kpis: Vec::new(),
            kpi_tolerance: None,
            voice: Vec::new(),
            you_said_we_did: Vec::new(),
            boards: Vec::new(),
            meetings: Vec::new(),
            timeline: Timeline::default(),
        }
    }

    /// The KPI tolerance in force, in percent.
    pub fn tolerance_percent(&self) -> f64 {
        self.kpi_tolerance
            .map_or(super::DEFAULT_TOLERANCE_PERCENT, Number::get)
    }

    /// The tree with each action's history cut to its latest update (the last, as
    /// updates are in date order). Everything on the plan page (ratings, flags, filters)
    /// reads the same from it as from the whole tree, except a search of the updates'
    /// words and the day an action was completed, which need the history.
    #[must_use]
    pub fn latest_updates_only(mut self) -> Self {
        for area in &mut self.areas {
            for objective in &mut area.objectives {
                for action in &mut objective.actions {
                    let latest = action.updates.pop();
                    action.updates = latest.into_iter().collect();
                }
            }
        }
        self
    }

    /// Every action with its area, in plan order.
    pub fn actions(&self) -> impl Iterator<Item = (&Area, &Objective, &Action)> {
        self.areas.iter().flat_map(|area| {
            area.objectives
                .iter()
                .flat_map(move |o| o.actions.iter().map(move |a| (area, o, a)))
        })
    }

    /// The person an owner key refers to, by initials or by name.
    pub fn person(&self, key: &str) -> Option<&Person> {
        let key = key.trim();
        self.people
            .iter()
            .find(|p| p.initials.as_deref() == Some(key))
            .or_else(|| {
                self.people
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(key))
            })
    }

    /// Checks the rules a plan must keep before it is stored: a title and an area,
    /// refs unique within each area, ratings on the plan's own key, dates in order.
    pub fn validate(&self) -> Result<()> {
        if self.format != PLAN_FORMAT {
            return Err(Error::invalid(
                "format",
                format!("expected {PLAN_FORMAT:?}, found {:?}", self.format),
            ));
        }
        if self.title.trim().is_empty() {
            return Err(Error::invalid("title", "must not be empty"));
        }
        if self.local_area.trim().is_empty() {
            return Err(Error::invalid("local_area", "must not be empty"));
        }
        if self.version == 0 {
            return Err(Error::invalid("version", "starts at 1"));
        }
        self.rating_scheme.validate()?;
        let mut people = HashSet::new();
        for person in &self.people {
            if person.name.trim().is_empty() {
                return Err(Error::invalid("people", "every person needs a name"));
            }
            if !people.insert(person.key().to_owned()) {
                return Err(Error::invalid(
                    "people",
                    format!("{:?} is listed twice", person.key()),
                ));
            }
        }
        let mut numbers = HashSet::new();
        for area in &self.areas {
            let at = format!("area {}", area.number);
            if !numbers.insert(area.number) {
                return Err(Error::invalid("areas", format!("{at} is given twice")));
            }
            if area.title.trim().is_empty() {
                return Err(Error::invalid(
                    at,
                    "needs the inspection's finding as its title",
                ));
            }
            let mut refs = HashSet::new();
            for (_, action) in area
                .objectives
                .iter()
                .flat_map(|o| o.actions.iter().map(move |a| (o, a)))
            {
                let place = format!("{at}, action {}", action.label());
                if let Some(reference) = &action.reference {
                    if reference.trim().is_empty() {
                        return Err(Error::invalid(place, "a ref may be absent but not blank"));
                    }
                    if !refs.insert(reference.as_str()) {
                        return Err(Error::invalid(
                            place,
                            "this ref is used twice in the area; refs must be unique within an area",
                        ));
                    }
                }
                if action.text.trim().is_empty() {
                    return Err(Error::invalid(place, "has no text"));
                }
                self.rating_scheme
                    .check_ratings(&action.ratings)
                    .map_err(|e| Error::invalid(place.clone(), e.to_string()))?;
                for update in &action.updates {
                    self.rating_scheme
                        .check_ratings(&update.ratings)
                        .map_err(|e| Error::invalid(place.clone(), e.to_string()))?;
                }
                if let (Some(from), Some(by)) = (action.due_from, action.due)
                    && from.first_day() > by.last_day()
                {
                    return Err(Error::invalid(place, "the due range ends before it starts"));
                }
            }
        }
        self.validate_evidence()
    }
}

/// A stored plan in lists: enough to find and name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    /// Stored id.
    pub id: PlanId,
    /// URL name, unique: "north-east-lincolnshire-wsoa".
    pub slug: String,
    /// The plan's title.
    pub title: String,
    /// The local area.
    pub local_area: String,
    /// The local area's id: what roles are granted on.
    pub local_area_id: super::LocalAreaId,
    /// Whether the public may read it.
    pub published: bool,
    /// The framework.
    pub kind: PlanKind,
    /// Where it is in its life.
    pub status: PlanStatus,
    /// Version number.
    pub version: u32,
    /// How many actions it has.
    pub actions: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_with(refs: &[&str]) -> PlanTree {
        let mut plan = PlanTree::new("Somewhere", "A plan");
        let actions = refs
            .iter()
            .map(|r| Action {
                reference: Some((*r).to_owned()),
                text: "Do it".into(),
                ..Action::default()
            })
            .collect();
        plan.areas.push(Area {
            number: 1,
            title: "A weakness".into(),
            objectives: vec![Objective {
                number: "1".into(),
                text: "An outcome".into(),
                actions,
                ..Objective::default()
            }],
            ..Area::default()
        });
        plan
    }

    #[test]
    fn a_ref_used_twice_in_an_area_is_rejected() {
        let err = plan_with(&["1.1", "1.1"]).validate().unwrap_err();
        assert!(err.to_string().contains("used twice"), "{err}");
        plan_with(&["1.1", "1.2"]).validate().unwrap();
    }

    #[test]
    fn a_rating_outside_the_key_is_rejected() {
        let mut plan = plan_with(&["1.1"]);
        plan.areas[0].objectives[0].actions[0]
            .ratings
            .insert("delivery".into(), "X".into());
        assert!(
            plan.validate()
                .unwrap_err()
                .to_string()
                .contains("not a level")
        );
    }

    #[test]
    fn owners_resolve_by_initials_or_name() {
        let mut plan = plan_with(&[]);
        plan.people.push(Person {
            initials: Some("SK".into()),
            name: "Steve Kay".into(),
            ..Person::default()
        });
        assert_eq!(plan.person("SK").unwrap().name, "Steve Kay");
        assert_eq!(plan.person("steve kay").unwrap().key(), "SK");
        assert!(plan.person("XY").is_none());
    }
}
