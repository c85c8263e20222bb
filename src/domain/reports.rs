//! Reports as read models: what a plan looked like on a given day, and the five reports
//! people hand on — highlight, progress, exceptions, the public summary and the tracker.
//!
//! Everything here is computed from a [`PlanTree`] and a date, with no I/O, so exporters
//! only format and every rule below is tested beside it.
//!
//! # Ratings at a date
//!
//! Progress updates are append-only and each carries the ratings it set. An action's stored
//! `ratings` are its *current* ratings: imported with the plan, then overwritten dimension by
//! dimension by each update. The rating of one dimension on a day `D` is therefore:
//!
//! 1. if no update dated after `D` rates that dimension, the stored (current) rating — it
//!    was already in force on `D`;
//! 2. otherwise the rating of the latest update dated on or before `D` that rates it;
//! 3. otherwise none: the dimension was first rated after `D`.
//!
//! So a rating changed after the as-at date never shows, and a report as at today shows
//! exactly the stored ratings. A rating's date ("set on") is the day of the update that
//! set it; an imported rating has none.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use time::{Date, Duration};

mod as_at;
mod evidence;

pub use as_at::{AsAt, ReportDay};
pub use evidence::{
    AreaMonitoring, BoardSummary, KpiMovement, MeasureAt, MeetingSummary, Monitoring, ResponseAt,
    kpi_headline, kpi_movements, meeting_reported_to, meetings_between, monitoring, responses_at,
    responses_done_between,
};

use super::{
    ActionId, DEFAULT_CYCLE_WEEKS, DueChange, Error, FlagRules, GlossaryEntry, Level, Milestone,
    OwnerName, PartialDate, PlanTree, ProgressUpdate, RatingScheme, Resource, Result, parse_uk_due,
};

/// Deadline changes of a stored plan's actions (table `due_change`), each action's oldest
/// first: the history a [`PlanTree`] does not carry, which reports read moved deadlines
/// from.
pub type DueChanges = HashMap<ActionId, Vec<DueChange>>;

/// The five reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// To the `DfE` and NHS England: every action's ratings by area, with the key.
    Highlight,
    /// After a monitoring meeting: what was completed, the evidence, the next steps.
    Progress,
    /// To the board: what is red, amber, late, not started, silent or slipping.
    Exceptions,
    /// For families, in plain English.
    Public,
    /// The spreadsheet: one row per action, and sheets for the rest. Reads back in.
    Tracker,
}

impl ReportKind {
    /// Every report, in the order forms list them.
    pub const ALL: [Self; 5] = [
        Self::Highlight,
        Self::Progress,
        Self::Exceptions,
        Self::Public,
        Self::Tracker,
    ];

    /// The code used in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Self::Highlight => "highlight",
            Self::Progress => "progress",
            Self::Exceptions => "exceptions",
            Self::Public => "public",
            Self::Tracker => "tracker",
        }
    }

    /// The report's title.
    pub fn label(self) -> &'static str {
        match self {
            Self::Highlight => "Highlight report",
            Self::Progress => "Progress report",
            Self::Exceptions => "Exception report",
            Self::Public => "Public summary",
            Self::Tracker => "Action tracker",
        }
    }

    /// Who it is for, for pickers.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::Highlight => {
                "For the DfE and NHS England: every action's ratings by area, with the rating key"
            }
            Self::Progress => {
                "After a monitoring meeting: actions completed, evidence of impact, next steps"
            }
            Self::Exceptions => {
                "For the board: red and amber, overdue, not started, stale and slipped actions"
            }
            Self::Public => {
                "For families: what the inspection found, what has been done, what is next"
            }
            Self::Tracker => "The spreadsheet: one row per action; the XLSX reads back in",
        }
    }

    /// Whether the report is written for the public: only the plain-English summary.
    /// Every other report names owners or quotes their updates, so it stays in the area.
    pub fn is_for_the_public(self) -> bool {
        matches!(self, Self::Public)
    }

    /// Reads a code.
    pub fn from_code(code: &str) -> Result<Self> {
        let code = code.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code || (code == "exception" && *k == Self::Exceptions))
            .ok_or_else(|| {
                Error::invalid(
                    "report",
                    format!(
                        "{code:?} is not a report (highlight, progress, exceptions, public, tracker)"
                    ),
                )
            })
    }
}

/// The file formats reports are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// A standalone web page with print styles.
    Html,
    /// Word.
    Docx,
    /// PDF with the headings as bookmarks.
    Pdf,
    /// Excel.
    Xlsx,
    /// One row per action.
    Csv,
    /// The read model itself.
    Json,
}

impl ReportFormat {
    /// Every format, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::Docx,
        Self::Pdf,
        Self::Xlsx,
        Self::Html,
        Self::Csv,
        Self::Json,
    ];

    /// The file extension, also the code in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Docx => "docx",
            Self::Pdf => "pdf",
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Self::Html => "Web page (HTML)",
            Self::Docx => "Word (DOCX)",
            Self::Pdf => "PDF",
            Self::Xlsx => "Excel (XLSX)",
            Self::Csv => "CSV",
            Self::Json => "JSON",
        }
    }

    /// The media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pdf => "application/pdf",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    /// Whether the format is a document to read (web page, Word, PDF), the only kind the
    /// public is given; spreadsheets, CSV and JSON are data for the area's members.
    pub fn is_a_document(self) -> bool {
        matches!(self, Self::Html | Self::Docx | Self::Pdf)
    }

    /// Reads a code.
    pub fn from_code(code: &str) -> Result<Self> {
        let code = code.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.code() == code)
            .ok_or_else(|| {
                Error::invalid(
                    "format",
                    format!("{code:?} is not a report format (docx, pdf, xlsx, html, csv, json)"),
                )
            })
    }
}

/// A flag on an action at the report's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Due before the date and not at a complete level.
    Overdue,
    /// Rated at a "yet to start" level, or with nothing recorded once it should have begun.
    NotStarted,
    /// Not complete, and no update within the plan's reporting cycle before the date:
    /// the dashboard's rule ([`FlagRules`]).
    Stale,
    /// Its deadline was moved later by a due-date change recorded on or before the date.
    Slipped,
}

impl Flag {
    /// The flag in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::NotStarted => "Not started",
            Self::Stale => "Stale",
            Self::Slipped => "Slipped",
        }
    }
}

/// One dimension's rating of an action on the report's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingAt {
    /// The dimension's key: "completed".
    pub dimension: String,
    /// The dimension's label: "Completed".
    pub dimension_label: String,
    /// The level's code, when rated: "G".
    pub code: Option<String>,
    /// The level's label: "Green".
    pub label: Option<String>,
    /// The level's colour, a hint only.
    pub colour: Option<String>,
    /// The day of the update that set it; none for an imported rating.
    pub set_on: Option<Date>,
}

impl RatingAt {
    /// "G – Green", or "Not rated".
    pub fn describe(&self) -> String {
        match (&self.code, &self.label) {
            (Some(code), Some(label)) if code != label => format!("{code} – {label}"),
            (Some(code), _) => code.clone(),
            _ => "Not rated".to_owned(),
        }
    }
}

/// A change of an action's deadline, as recorded (table `due_change`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineChange {
    /// The day it was changed.
    pub changed_on: Date,
    /// The deadline before, in the UK style or as written: "June 2020".
    pub from: String,
    /// The deadline after: "September 2020".
    pub to: String,
    /// Why it moved.
    pub reason: String,
    /// Who agreed it.
    pub approved_by: String,
    /// Whether it moved later: only that is a slip.
    pub slipped: bool,
}

impl DeadlineChange {
    fn of(change: &DueChange) -> Self {
        Self {
            changed_on: change.changed_on,
            from: change.from_display(),
            to: change.to.to_uk(),
            reason: change.reason.clone(),
            approved_by: change.approved_by.clone(),
            slipped: change.slipped(),
        }
    }

    /// "June 2020 → September 2020".
    pub fn moved(&self) -> String {
        format!("{} → {}", self.from, self.to)
    }

    /// "June 2020 → September 2020 (Families asked for more time; approved by SEND Board)".
    pub fn describe(&self) -> String {
        format!(
            "{} ({}; approved by {})",
            self.moved(),
            self.reason,
            self.approved_by
        )
    }
}

/// A milestone as it stood on the report's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneAt {
    /// What will have happened.
    pub text: String,
    /// The deadline in the UK style, or as written.
    pub due: String,
    /// The last day the deadline covers.
    pub due_by: Option<Date>,
    /// When it was done, in the UK style, if it was done by the date.
    pub done: Option<String>,
}

/// An action as it stood on the report's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionStatus {
    /// Position in plan order, from 1: stable between reports of one plan version.
    pub number: usize,
    /// The area's number.
    pub area: u32,
    /// The objective's number as the plan writes it.
    pub objective: String,
    /// The ref, when the plan gives one.
    pub reference: Option<String>,
    /// The ref, or a stand-in.
    pub label: String,
    /// What will be done.
    pub text: String,
    /// Owners with their names from the owner list.
    pub owners: Vec<OwnerName>,
    /// AR / ER.
    pub resource: Option<Resource>,
    /// The deadline in the UK style, or as written.
    pub due: String,
    /// The last day the deadline covers.
    pub due_by: Option<Date>,
    /// One entry per dimension of the key, rated or not.
    pub ratings: Vec<RatingAt>,
    /// Whether the first dimension is at a level that counts as complete.
    pub complete: bool,
    /// When it became complete, when an update records it.
    pub completed_on: Option<Date>,
    /// The latest update on or before the date.
    pub latest_update: Option<ProgressUpdate>,
    /// Milestones as they stood.
    pub milestones: Vec<MilestoneAt>,
    /// Its deadline's changes recorded on or before the date, oldest first.
    pub deadline_changes: Vec<DeadlineChange>,
    /// Flags, in a fixed order.
    pub flags: Vec<Flag>,
}

impl ActionStatus {
    /// The rating of the dimension with this key.
    pub fn rating(&self, dimension: &str) -> Option<&RatingAt> {
        self.ratings.iter().find(|r| r.dimension == dimension)
    }

    /// Owner names joined for a cell.
    pub fn owner_names(&self) -> String {
        self.owners
            .iter()
            .map(OwnerName::display)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Flags joined for a cell.
    pub fn flag_labels(&self) -> String {
        self.flags
            .iter()
            .map(|f| f.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An objective with its actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectiveStatus {
    /// "1.1".
    pub number: String,
    /// The outcome statement.
    pub text: String,
    /// The actions.
    pub actions: Vec<ActionStatus>,
}

/// An area of weakness with its objectives and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaStatus {
    /// 1, 2, 3…
    pub number: u32,
    /// The inspection's finding.
    pub title: String,
    /// The plan's own heading.
    pub heading: Option<String>,
    /// The senior accountable sponsor.
    pub sponsor: Option<String>,
    /// Objectives in plan order.
    pub objectives: Vec<ObjectiveStatus>,
    /// Actions at each level, per dimension.
    pub counts: Vec<DimensionCount>,
}

impl AreaStatus {
    /// "Area 1: Workstream 1…" or "Area 1".
    pub fn name(&self) -> String {
        match &self.heading {
            Some(heading) => format!("Area {}: {heading}", self.number),
            None => format!("Area {}", self.number),
        }
    }

    /// Every action of the area, in plan order.
    pub fn actions(&self) -> impl Iterator<Item = &ActionStatus> {
        self.objectives.iter().flat_map(|o| &o.actions)
    }
}

/// How many actions sit at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelTally {
    /// "G".
    pub code: String,
    /// "Green".
    pub label: String,
    /// A colour hint.
    pub colour: String,
    /// How many actions.
    pub count: usize,
}

/// The spread of one dimension's ratings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DimensionCount {
    /// "completed".
    pub dimension: String,
    /// "Completed".
    pub label: String,
    /// One entry per level the dimension allows, in the key's order.
    pub levels: Vec<LevelTally>,
    /// Actions without a rating in this dimension.
    pub not_rated: usize,
}

/// What every report says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportHeader {
    /// Which report.
    pub kind: ReportKind,
    /// "Highlight report".
    pub title: String,
    /// The plan's title.
    pub plan_title: String,
    /// The local area.
    pub local_area: String,
    /// "Written statement of action".
    pub plan_kind: String,
    /// The plan's version.
    pub version: u32,
    /// The day the report describes.
    pub as_at: Date,
    /// The closed reporting cycle whose closing day `as_at` is, when asked for by cycle.
    pub cycle: Option<u32>,
    /// The start of the period the report covers (exclusive): "since the last report".
    pub since: Date,
    /// The closed reporting cycle whose closing day `since` is, when the period starts at
    /// the last report.
    pub since_cycle: Option<u32>,
    /// The plan's reporting cycle in weeks: an action without an update for that long is
    /// stale.
    pub cycle_weeks: u32,
    /// The plan's rating key.
    pub scheme: RatingScheme,
    /// Abbreviations that occur in the report, with their meanings.
    pub glossary: Vec<GlossaryEntry>,
}

impl ReportHeader {
    /// "As at 3 February 2020", or "As at 3 March 2026, when reporting cycle 1 closed".
    pub fn as_at_text(&self) -> String {
        match self.cycle {
            Some(n) => format!(
                "As at {}, when reporting cycle {n} closed",
                uk_date(self.as_at)
            ),
            None => format!("As at {}", uk_date(self.as_at)),
        }
    }

    /// Where the period starts, in words: "3 March 2026, when reporting cycle 1 closed".
    pub fn since_text(&self) -> String {
        match self.since_cycle {
            Some(n) => format!("{}, when reporting cycle {n} closed", uk_date(self.since)),
            None => uk_date(self.since),
        }
    }
}

/// The highlight report's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlight {
    /// Areas → objectives → actions with their ratings.
    pub areas: Vec<AreaStatus>,
    /// Counts over the whole plan.
    pub counts: Vec<DimensionCount>,
    /// How the plan is monitored: the boards and each area's monitoring body.
    pub monitoring: Monitoring,
    /// Meetings held since the last report (after `since`, on or before the day).
    pub meetings: Vec<MeetingSummary>,
}

/// Something done, for progress and public reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Done {
    /// The action's ref label.
    pub label: String,
    /// What was done: the action or the milestone.
    pub text: String,
    /// When.
    pub on: Option<Date>,
    /// Whether this is a milestone rather than a whole action.
    pub milestone: bool,
}

/// An update written in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The action's ref label.
    pub label: String,
    /// The update's date.
    pub date: Date,
    /// Who wrote it, by name when the owner list has them.
    pub author: Option<String>,
    /// What it says.
    pub narrative: String,
}

/// Something due next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// The action's ref label.
    pub label: String,
    /// The milestone or action.
    pub text: String,
    /// When it is due.
    pub due: String,
    /// The last day it covers, for ordering.
    pub due_by: Option<Date>,
}

/// One area of a progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaProgress {
    /// The area with every action's ratings.
    pub area: AreaStatus,
    /// Actions and milestones completed in the period.
    pub completed: Vec<Done>,
    /// Updates written in the period.
    pub evidence: Vec<Evidence>,
    /// Milestones and actions due in the three months after the date.
    pub next_steps: Vec<NextStep>,
}

/// The progress report's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Per area.
    pub areas: Vec<AreaProgress>,
    /// The meeting the report is for: the latest on or before the day.
    pub meeting: Option<MeetingSummary>,
    /// Each KPI's movement: baseline, latest and previous actuals known by the day, status.
    pub kpis: Vec<KpiMovement>,
    /// "You said, we did" entries done in the period.
    pub you_said_we_did: Vec<ResponseAt>,
}

/// Why an action is an exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// Rated red in a dimension.
    Red {
        /// "Completed: R – Red".
        rating: String,
    },
    /// Rated amber in a dimension.
    Amber {
        /// "Impact: A – Amber".
        rating: String,
    },
    /// One of the date or silence flags, except slips, which say what moved.
    Flagged {
        /// Which.
        flag: Flag,
    },
    /// The deadline was moved later.
    Slipped {
        /// The change: old and new deadline, the reason and who approved it.
        change: DeadlineChange,
    },
}

impl Reason {
    /// The reason in words.
    pub fn describe(&self) -> String {
        match self {
            Self::Red { rating } => format!("Red ({rating})"),
            Self::Amber { rating } => format!("Amber ({rating})"),
            Self::Flagged { flag } => flag.label().to_owned(),
            Self::Slipped { change } => format!("Slipped: {}", change.describe()),
        }
    }
}

/// One action on the exception report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exception {
    /// The action as it stood.
    pub action: ActionStatus,
    /// Why it is here, worst first.
    pub reasons: Vec<Reason>,
}

/// How many exceptions of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionCount {
    /// "Red", "Overdue".
    pub label: String,
    /// How many actions.
    pub count: usize,
}

/// The exception report's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exceptions {
    /// How many of each kind.
    pub counts: Vec<ExceptionCount>,
    /// The actions, in plan order.
    pub items: Vec<Exception>,
    /// Actions in the plan.
    pub total_actions: usize,
    /// KPIs off trajectory on the day.
    pub kpis_off: Vec<KpiMovement>,
    /// Every deadline moved later on or before the day, in plan order, oldest first.
    pub slipped: Vec<SlippedDate>,
}

/// A deadline moved later, for the exception report's list of slipped dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlippedDate {
    /// The action's area.
    pub area: u32,
    /// The action's ref label.
    pub label: String,
    /// What the action is.
    pub text: String,
    /// The change.
    pub change: DeadlineChange,
}

/// One line of "position at inspection and now".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// "Completed", "Good progress"…
    pub label: String,
    /// Actions at that level when the plan started.
    pub then: usize,
    /// Actions at that level on the report's date.
    pub now: usize,
}

/// The public summary's body: plain English, nothing identifying anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicSummary {
    /// Opening sentences.
    pub introduction: Vec<String>,
    /// What the inspection found, one sentence per area.
    pub found: Vec<String>,
    /// What has been done.
    pub done: Vec<String>,
    /// What is next.
    pub next: Vec<String>,
    /// The date the "then" column describes, in words.
    pub then_label: String,
    /// Actions at each level then and now.
    pub position: Vec<Position>,
    /// How many actions the plan has.
    pub total_actions: usize,
    /// Every action in plain terms: no owners, no commentary.
    pub actions: Vec<PublicAction>,
    /// Each KPI's position in plain words, for those with an actual by the day.
    pub measures: Vec<String>,
    /// "You said, we did" as it stood on the day: request, response, status; no names.
    pub you_said_we_did: Vec<ResponseAt>,
}

/// An action as the public summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicAction {
    /// The area's number.
    pub area: u32,
    /// The ref, when the plan gives one.
    pub reference: Option<String>,
    /// What will be done.
    pub text: String,
    /// Where it stands, in the key's words: "Completed", "Good progress", "Not yet rated".
    pub stage: String,
    /// When it is due.
    pub due: String,
}

/// The tracker's body: every action as it stood, and the plan as it stood for the sheets
/// that read back in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tracker {
    /// Areas → objectives → actions.
    pub areas: Vec<AreaStatus>,
    /// The plan as it stood on the date: later updates left out, milestones done later
    /// shown as open, ratings as they were. As at today it is the stored plan exactly.
    pub plan: PlanTree,
}

/// A report's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "report")]
#[expect(
    clippy::large_enum_variant,
    reason = "one report is built per request and moved once; the tracker carries the plan"
)]
pub enum ReportBody {
    /// See [`ReportKind::Highlight`].
    Highlight(Highlight),
    /// See [`ReportKind::Progress`].
    Progress(Progress),
    /// See [`ReportKind::Exceptions`].
    Exceptions(Exceptions),
    /// See [`ReportKind::Public`].
    Public(PublicSummary),
    /// See [`ReportKind::Tracker`].
    Tracker(Tracker),
}

/// A report: the read model every exporter formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// What, for which plan, as at when.
    pub header: ReportHeader,
    /// The content.
    pub body: ReportBody,
}

/// What a report is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOptions {
    /// The day described.
    pub as_at: Date,
    /// The closed reporting cycle whose closing day `as_at` is, if asked for by cycle.
    pub cycle: Option<u32>,
    /// The start of the period (exclusive); three months before `as_at` when not given.
    pub since: Option<Date>,
    /// The closed reporting cycle whose closing day `since` is, if it is the last report.
    pub since_cycle: Option<u32>,
    /// The plan's reporting cycle in weeks, which decides what is stale.
    pub cycle_weeks: u32,
}

impl ReportOptions {
    /// A report as at `as_at` with the defaults: no cycles, a six-week reporting cycle.
    pub fn as_at(as_at: Date) -> Self {
        Self {
            as_at,
            cycle: None,
            since: None,
            since_cycle: None,
            cycle_weeks: DEFAULT_CYCLE_WEEKS,
        }
    }

    /// The dashboard's flag rules on the report's day, so both call the same actions
    /// stale and overdue.
    pub fn flag_rules(&self) -> FlagRules {
        FlagRules::new(self.as_at, self.cycle_weeks)
    }
}

/// "14 June 2019".
pub fn uk_date(date: Date) -> String {
    PartialDate::Day(date).to_uk()
}

/// The same day `months` months earlier, or the month's last day when it is shorter.
pub fn months_before(date: Date, months: u8) -> Date {
    let mut year = date.year();
    let mut month = u8::from(date.month());
    for _ in 0..months {
        if month == 1 {
            month = 12;
            year -= 1;
        } else {
            month -= 1;
        }
    }
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

fn due_text(due: Option<PartialDate>, from: Option<PartialDate>, text: Option<&str>) -> String {
    match (from, due) {
        (Some(from), Some(by)) if from != by => format!("{} to {}", from.to_uk(), by.to_uk()),
        (_, Some(by)) => by.to_uk(),
        _ => text.map_or_else(|| "Not set".to_owned(), str::to_owned),
    }
}

/// Whether a level means the work has not begun ("Yet to start", "Not started"), as
/// opposed to keys where red means "not started *or* at risk".
fn is_not_started_level(level: &Level) -> bool {
    [&level.label, &level.meaning].iter().any(|words| {
        let words = words.trim().to_lowercase();
        (words.starts_with("yet to start") || words.starts_with("not started"))
            && !words.contains(" or ")
    })
}

impl PlanTree {
    /// The plan as it stood at the end of `day`: updates dated later dropped, milestones
    /// done later open again, and each action's ratings as they were (see the module
    /// documentation for the rule).
    #[must_use]
    pub fn as_at(&self, day: Date) -> PlanTree {
        let mut plan = self.clone();
        for area in &mut plan.areas {
            for objective in &mut area.objectives {
                for action in &mut objective.actions {
                    action.ratings = ratings_at(&action.ratings, &action.updates, day);
                    action.updates.retain(|u| u.date <= day);
                    for milestone in &mut action.milestones {
                        if milestone.done.is_some_and(|d| d.first_day() > day) {
                            milestone.done = None;
                            milestone.done_text = None;
                        }
                    }
                }
            }
        }
        plan
    }

    /// Puts back the deadline each stored action had at the end of `day`: one changed
    /// later gets the date that change replaced. The history keeps the old deadline and
    /// its wording but not the start of a range, which is read back from the wording.
    pub fn deadlines_at(&mut self, day: Date, changes: &DueChanges) {
        for area in &mut self.areas {
            for objective in &mut area.objectives {
                for action in &mut objective.actions {
                    let later = action
                        .id
                        .and_then(|id| changes.get(&id))
                        .and_then(|moves| moves.iter().find(|c| c.changed_on > day));
                    if let Some(change) = later {
                        action.due = change.from;
                        action.due_text.clone_from(&change.from_text);
                        action.due_from = change
                            .from_text
                            .as_deref()
                            .and_then(parse_uk_due)
                            .filter(|due| Some(due.by) == change.from)
                            .and_then(|due| due.from);
                    }
                }
            }
        }
    }
}

/// The ratings in force at the end of `day`, by the rule in the module documentation.
pub fn ratings_at(
    current: &BTreeMap<String, String>,
    updates: &[ProgressUpdate],
    day: Date,
) -> BTreeMap<String, String> {
    let dimensions: BTreeSet<&String> = current
        .keys()
        .chain(updates.iter().flat_map(|u| u.ratings.keys()))
        .collect();
    let mut at = BTreeMap::new();
    for dimension in dimensions {
        let rated_later = updates
            .iter()
            .any(|u| u.date > day && u.ratings.contains_key(dimension));
        let rating = if rated_later {
            latest_rating(updates, dimension, day).map(|(code, _)| code)
        } else {
            current.get(dimension).cloned()
        };
        if let Some(code) = rating {
            at.insert(dimension.clone(), code);
        }
    }
    at
}

/// The code and date of the latest update on or before `day` that rates `dimension`.
fn latest_rating(updates: &[ProgressUpdate], dimension: &str, day: Date) -> Option<(String, Date)> {
    updates
        .iter()
        .enumerate()
        .filter(|(_, u)| u.date <= day)
        .filter_map(|(i, u)| u.ratings.get(dimension).map(|code| (u.date, i, code)))
        .max_by_key(|(date, i, _)| (*date, *i))
        .map(|(date, _, code)| (code.clone(), date))
}

/// Builds the pieces every report shares from a plan already cut to its date.
struct Builder<'a> {
    plan: &'a PlanTree,
    changes: &'a DueChanges,
    options: ReportOptions,
    since: Date,
}

impl Builder<'_> {
    fn action(
        &self,
        number: usize,
        area: u32,
        objective: &str,
        action: &super::Action,
    ) -> ActionStatus {
        let day = self.options.as_at;
        let scheme = &self.plan.rating_scheme;
        let ratings: Vec<RatingAt> = scheme
            .dimensions
            .iter()
            .map(|dimension| {
                let code = action.ratings.get(&dimension.key);
                let level = code.and_then(|c| scheme.level(c));
                let set_on = code.and_then(|code| {
                    latest_rating(&action.updates, &dimension.key, day)
                        .filter(|(c, _)| c.eq_ignore_ascii_case(code))
                        .map(|(_, date)| date)
                });
                RatingAt {
                    dimension: dimension.key.clone(),
                    dimension_label: dimension.label.clone(),
                    code: code.cloned(),
                    label: level.map(|l| l.label.clone()).or_else(|| code.cloned()),
                    colour: level.map(|l| l.colour.clone()),
                    set_on,
                }
            })
            .collect();
        let primary = ratings.first();
        let primary_level = primary
            .and_then(|r| r.code.as_deref())
            .and_then(|c| scheme.level(c));
        let complete = primary_level.is_some_and(|l| l.complete);
        let completed_on = if complete {
            primary.and_then(|r| r.set_on)
        } else {
            None
        };
        let latest_update = action
            .updates
            .iter()
            .enumerate()
            .max_by_key(|(i, u)| (u.date, *i))
            .map(|(_, u)| u.clone());
        let due_by = action.due.map(PartialDate::last_day);
        let state = action.state(scheme, &self.options.flag_rules());
        let mut flags = Vec::new();
        if state.overdue {
            flags.push(Flag::Overdue);
        }
        let begun = action.due_from.is_none_or(|from| from.first_day() <= day);
        let nothing_recorded = action.ratings.is_empty()
            && action.updates.is_empty()
            && action.milestones.iter().all(|m| m.done.is_none());
        if !complete
            && (primary_level.is_some_and(is_not_started_level) || (nothing_recorded && begun))
        {
            flags.push(Flag::NotStarted);
        }
        if state.stale {
            flags.push(Flag::Stale);
        }
        let deadline_changes: Vec<DeadlineChange> = action
            .id
            .and_then(|id| self.changes.get(&id))
            .into_iter()
            .flatten()
            .filter(|c| c.changed_on <= day)
            .map(DeadlineChange::of)
            .collect();
        if deadline_changes.iter().any(|c| c.slipped) {
            flags.push(Flag::Slipped);
        }
        ActionStatus {
            number,
            area,
            objective: objective.to_owned(),
            reference: action.reference.clone(),
            label: action.label().to_owned(),
            text: action.text.clone(),
            owners: self.plan.owner_names(&action.owners),
            resource: action.resource,
            due: due_text(action.due, action.due_from, action.due_text.as_deref()),
            due_by,
            ratings,
            complete,
            completed_on,
            latest_update,
            milestones: action
                .milestones
                .iter()
                .map(|m| MilestoneAt {
                    text: m.text.clone(),
                    due: due_text(m.due, None, m.due_text.as_deref()),
                    due_by: m.due.map(PartialDate::last_day),
                    done: m.done.map(PartialDate::to_uk),
                })
                .collect(),
            deadline_changes,
            flags,
        }
    }

    fn areas(&self) -> Vec<AreaStatus> {
        let mut number = 0;
        self.plan
            .areas
            .iter()
            .map(|area| {
                let objectives: Vec<ObjectiveStatus> = area
                    .objectives
                    .iter()
                    .map(|objective| ObjectiveStatus {
                        number: objective.number.clone(),
                        text: objective.text.clone(),
                        actions: objective
                            .actions
                            .iter()
                            .map(|action| {
                                number += 1;
                                self.action(number, area.number, &objective.number, action)
                            })
                            .collect(),
                    })
                    .collect();
                let actions: Vec<&ActionStatus> =
                    objectives.iter().flat_map(|o| &o.actions).collect();
                let counts = counts(&self.plan.rating_scheme, &actions);
                AreaStatus {
                    number: area.number,
                    title: area.title.clone(),
                    heading: area.heading.clone(),
                    sponsor: area.sponsor.clone(),
                    objectives,
                    counts,
                }
            })
            .collect()
    }
}

/// Actions at each level, per dimension of the key.
pub fn counts(scheme: &RatingScheme, actions: &[&ActionStatus]) -> Vec<DimensionCount> {
    scheme
        .dimensions
        .iter()
        .map(|dimension| {
            let codes: Vec<Option<&str>> = actions
                .iter()
                .map(|a| a.rating(&dimension.key).and_then(|r| r.code.as_deref()))
                .collect();
            let levels = scheme
                .levels
                .iter()
                .filter(|l| {
                    dimension.levels.is_empty()
                        || dimension
                            .levels
                            .iter()
                            .any(|c| c.eq_ignore_ascii_case(&l.code))
                })
                .map(|l| LevelTally {
                    code: l.code.clone(),
                    label: l.label.clone(),
                    colour: l.colour.clone(),
                    count: codes
                        .iter()
                        .filter(|c| c.is_some_and(|c| c.eq_ignore_ascii_case(&l.code)))
                        .count(),
                })
                .collect();
            DimensionCount {
                dimension: dimension.key.clone(),
                label: dimension.label.clone(),
                levels,
                not_rated: codes.iter().filter(|c| c.is_none()).count(),
            }
        })
        .collect()
}

/// Whether `term` occurs in `text` as a whole word.
fn occurs(text: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric();
    text.match_indices(term).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + term.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The glossary entries whose terms occur in any of the texts, in the glossary's order.
pub fn glossary_used(glossary: &[GlossaryEntry], texts: &[&str]) -> Vec<GlossaryEntry> {
    glossary
        .iter()
        .filter(|entry| texts.iter().any(|text| occurs(text, entry.term.trim())))
        .cloned()
        .collect()
}

/// Spells out each glossary term the first time it appears, as "Definition (TERM)", so a
/// reader never meets an unexplained abbreviation. Later uses stay short.
pub fn expand_first_use(texts: &mut [String], glossary: &[GlossaryEntry]) {
    let mut explained: BTreeSet<&str> = BTreeSet::new();
    for text in texts.iter_mut() {
        for entry in glossary {
            let term = entry.term.trim();
            if term.is_empty() || explained.contains(term) {
                continue;
            }
            let is_word = |c: char| c.is_alphanumeric();
            let found = text.match_indices(term).find(|(at, _)| {
                let before = text[..*at].chars().next_back();
                let after = text[at + term.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            });
            if let Some((at, _)) = found {
                let expanded = format!("{} ({term})", mid_sentence(text, at, &entry.definition));
                text.replace_range(at..at + term.len(), &expanded);
                explained.insert(term);
            }
        }
    }
}

/// A definition as it reads inside a sentence: "Special educational needs" becomes
/// "special educational needs" unless it opens the sentence or starts with a short form.
fn mid_sentence(text: &str, at: usize, definition: &str) -> String {
    let definition = definition.trim();
    let opens =
        text[..at].trim_end().is_empty() || text[..at].trim_end().ends_with(['.', '!', '?']);
    let first_word = definition.split_whitespace().next().unwrap_or_default();
    let is_short_form = first_word.chars().filter(|c| c.is_uppercase()).count() > 1;
    if opens || is_short_form {
        return definition.to_owned();
    }
    let mut chars = definition.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

fn action_texts(areas: &[AreaStatus]) -> Vec<&str> {
    let mut texts = Vec::new();
    for area in areas {
        texts.push(area.title.as_str());
        if let Some(heading) = &area.heading {
            texts.push(heading);
        }
        for objective in &area.objectives {
            texts.push(&objective.text);
            for action in &objective.actions {
                texts.push(&action.text);
                if let Some(update) = &action.latest_update {
                    texts.push(&update.narrative);
                }
                for milestone in &action.milestones {
                    texts.push(&milestone.text);
                }
            }
        }
    }
    texts
}

fn first_sentence_case(text: &str) -> String {
    let text = text.trim().trim_end_matches(['.', ';', ':', ',']);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn sentence(text: &str) -> String {
    let text = first_sentence_case(text);
    if text.is_empty() {
        text
    } else {
        format!("{text}.")
    }
}

/// The counts of the first dimension at a date, for "then and now".
fn primary_counts(plan: &PlanTree, day: Date, options: ReportOptions) -> Vec<LevelTally> {
    let snapshot = plan.as_at(day);
    let builder = Builder {
        plan: &snapshot,
        changes: &DueChanges::new(),
        options: ReportOptions {
            as_at: day,
            ..options
        },
        since: day,
    };
    let areas = builder.areas();
    let actions: Vec<&ActionStatus> = areas.iter().flat_map(AreaStatus::actions).collect();
    counts(&snapshot.rating_scheme, &actions)
        .into_iter()
        .next()
        .map(|d| d.levels)
        .unwrap_or_default()
}

/// Builds a report of `kind` for `plan` as at `options.as_at`, for a plan with no
/// recorded deadline changes (an imported file, a sample).
pub fn build_report(plan: &PlanTree, kind: ReportKind, options: ReportOptions) -> Result<Report> {
    build_report_with(plan, &DueChanges::new(), kind, options)
}

/// Builds a report of `kind` for a stored `plan` as at `options.as_at`, with its actions'
/// deadline changes: deadlines as they stood on the day, and slips listed from them.
pub fn build_report_with(
    plan: &PlanTree,
    changes: &DueChanges,
    kind: ReportKind,
    options: ReportOptions,
) -> Result<Report> {
    let day = options.as_at;
    let since = options.since.unwrap_or_else(|| months_before(day, 3));
    if since >= day {
        return Err(Error::invalid(
            "since",
            format!(
                "must be before the report's date ({}); it is {}",
                uk_date(day),
                uk_date(since)
            ),
        ));
    }
    if options.cycle_weeks < 1 {
        return Err(Error::invalid("cycle", "must be at least one week"));
    }
    let mut snapshot = plan.as_at(day);
    snapshot.deadlines_at(day, changes);
    let builder = Builder {
        plan: &snapshot,
        changes,
        options,
        since,
    };
    let areas = builder.areas();
    let body = match kind {
        ReportKind::Highlight => ReportBody::Highlight(Highlight {
            counts: counts(
                &snapshot.rating_scheme,
                &areas
                    .iter()
                    .flat_map(AreaStatus::actions)
                    .collect::<Vec<_>>(),
            ),
            areas,
            monitoring: monitoring(&snapshot),
            meetings: meetings_between(&snapshot, since, day),
        }),
        ReportKind::Progress => ReportBody::Progress(progress(&builder, &snapshot, areas)),
        ReportKind::Exceptions => ReportBody::Exceptions(Exceptions {
            kpis_off: kpi_movements(&snapshot, since, day)
                .into_iter()
                .filter(KpiMovement::is_off)
                .collect(),
            ..exceptions(&snapshot, &areas)
        }),
        ReportKind::Public => ReportBody::Public(public(plan, &snapshot, &areas, options)),
        ReportKind::Tracker => ReportBody::Tracker(Tracker {
            areas,
            plan: snapshot.clone(),
        }),
    };
    let glossary = {
        let texts = glossary_texts(&body);
        glossary_used(
            &snapshot.glossary,
            &texts.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    Ok(Report {
        header: ReportHeader {
            kind,
            title: kind.label().to_owned(),
            plan_title: plan.title.clone(),
            local_area: plan.local_area.clone(),
            plan_kind: plan.kind.label().to_owned(),
            version: plan.version,
            as_at: day,
            cycle: options.cycle,
            since,
            since_cycle: options.since_cycle,
            cycle_weeks: options.cycle_weeks,
            scheme: plan.rating_scheme.clone(),
            glossary,
        },
        body,
    })
}

/// The texts a report shows, in which its glossary's terms are looked for.
fn glossary_texts(body: &ReportBody) -> Vec<String> {
    match body {
        ReportBody::Highlight(h) => {
            let mut texts = owned(action_texts(&h.areas));
            texts.extend(h.meetings.iter().map(MeetingSummary::describe));
            texts.extend(h.meetings.iter().flat_map(|m| m.attendees.clone()));
            for board in &h.monitoring.boards {
                texts.push(board.name.clone());
                texts.extend(board.chair.clone());
                texts.extend(board.reports_to.clone());
            }
            texts
        }
        ReportBody::Progress(p) => p
            .areas
            .iter()
            .flat_map(|a| {
                let mut texts = owned(action_texts(std::slice::from_ref(&a.area)));
                texts.extend(a.evidence.iter().map(|e| e.narrative.clone()));
                texts
            })
            .chain(p.meeting.iter().map(MeetingSummary::describe))
            .chain(p.meeting.iter().flat_map(|m| m.attendees.clone()))
            .chain(
                p.meeting
                    .iter()
                    .flat_map(|m| m.measures.iter().filter_map(|x| x.summary.clone())),
            )
            .chain(p.kpis.iter().map(|k| k.name.clone()))
            .chain(
                p.you_said_we_did
                    .iter()
                    .flat_map(|r| [r.you_said.clone(), r.we_did.clone()]),
            )
            .collect(),
        ReportBody::Exceptions(e) => e
            .items
            .iter()
            .flat_map(|x| {
                let mut texts = vec![x.action.text.clone()];
                texts.extend(x.action.latest_update.iter().map(|u| u.narrative.clone()));
                texts
            })
            .chain(e.kpis_off.iter().map(|k| k.name.clone()))
            .collect(),
        // The public summary spells terms out in its sentences; its glossary lists
        // what is left for anyone who wants the short forms.
        ReportBody::Public(p) => p
            .introduction
            .iter()
            .chain(&p.found)
            .chain(&p.done)
            .chain(&p.next)
            .chain(&p.measures)
            .cloned()
            .chain(
                p.you_said_we_did
                    .iter()
                    .flat_map(|r| [r.you_said.clone(), r.we_did.clone()]),
            )
            .collect(),
        ReportBody::Tracker(t) => owned(action_texts(&t.areas)),
    }
}

fn owned(texts: Vec<&str>) -> Vec<String> {
    texts.into_iter().map(str::to_owned).collect()
}

fn progress(builder: &Builder<'_>, plan: &PlanTree, areas: Vec<AreaStatus>) -> Progress {
    let day = builder.options.as_at;
    let since = builder.since;
    let horizon = day + Duration::days(92);
    let in_period = |date: Date| date > since && date <= day;
    let name_of = |author: &str| {
        plan.person(author)
            .map_or_else(|| author.to_owned(), |p| p.name.clone())
    };
    let areas = areas
        .into_iter()
        .zip(&plan.areas)
        .map(|(status, area)| {
            let mut completed = Vec::new();
            let mut evidence = Vec::new();
            let mut next_steps = Vec::new();
            let sources = area.objectives.iter().flat_map(|o| &o.actions);
            for (action, source) in status.actions().zip(sources) {
                if action.completed_on.is_some_and(in_period) {
                    completed.push(Done {
                        label: action.label.clone(),
                        text: action.text.clone(),
                        on: action.completed_on,
                        milestone: false,
                    });
                }
                for milestone in &source.milestones {
                    if let Some(done) = milestone.done
                        && in_period(done.first_day())
                    {
                        completed.push(Done {
                            label: action.label.clone(),
                            text: milestone.text.clone(),
                            on: Some(done.first_day()),
                            milestone: true,
                        });
                    }
                    if milestone.done.is_none()
                        && let Some(due) = milestone.due
                        && due.last_day() <= horizon
                    {
                        next_steps.push(NextStep {
                            label: action.label.clone(),
                            text: milestone.text.clone(),
                            due: due.to_uk(),
                            due_by: Some(due.last_day()),
                        });
                    }
                }
                if !action.complete
                    && source.milestones.iter().all(|m| m.done.is_some())
                    && let Some(due) = source.due
                    && due.last_day() <= horizon
                {
                    next_steps.push(NextStep {
                        label: action.label.clone(),
                        text: action.text.clone(),
                        due: action.due.clone(),
                        due_by: Some(due.last_day()),
                    });
                }
                for update in source.updates.iter().filter(|u| in_period(u.date)) {
                    evidence.push(Evidence {
                        label: action.label.clone(),
                        date: update.date,
                        author: update.author.as_deref().map(name_of),
                        narrative: update.narrative.clone(),
                    });
                }
            }
            completed.sort_by_key(|d| d.on);
            evidence.sort_by_key(|e| e.date);
            next_steps.sort_by_key(|n| n.due_by);
            AreaProgress {
                area: status,
                completed,
                evidence,
                next_steps,
            }
        })
        .collect();
    Progress {
        areas,
        meeting: meeting_reported_to(plan, day),
        kpis: kpi_movements(plan, since, day),
        you_said_we_did: responses_done_between(plan, since, day),
    }
}

fn exceptions(plan: &PlanTree, areas: &[AreaStatus]) -> Exceptions {
    let scheme = &plan.rating_scheme;
    let mut items = Vec::new();
    let mut slipped = Vec::new();
    let mut total = 0;
    for action in areas.iter().flat_map(AreaStatus::actions) {
        total += 1;
        let mut reasons = Vec::new();
        for rating in &action.ratings {
            let Some(level) = rating.code.as_deref().and_then(|c| scheme.level(c)) else {
                continue;
            };
            let described = format!("{}: {}", rating.dimension_label, rating.describe());
            match level.tag_class() {
                "govuk-tag--red" => reasons.push(Reason::Red { rating: described }),
                "govuk-tag--orange" => reasons.push(Reason::Amber { rating: described }),
                _ => {}
            }
        }
        reasons.sort_by_key(|r| matches!(r, Reason::Amber { .. }));
        for &flag in &action.flags {
            if flag == Flag::Slipped {
                let slips = action.deadline_changes.iter().filter(|c| c.slipped);
                for change in slips {
                    reasons.push(Reason::Slipped {
                        change: change.clone(),
                    });
                    slipped.push(SlippedDate {
                        area: action.area,
                        label: action.label.clone(),
                        text: action.text.clone(),
                        change: change.clone(),
                    });
                }
            } else {
                reasons.push(Reason::Flagged { flag });
            }
        }
        if !reasons.is_empty() {
            items.push(Exception {
                action: action.clone(),
                reasons,
            });
        }
    }
    let count = |label: &str, test: &dyn Fn(&Reason) -> bool| ExceptionCount {
        label: label.to_owned(),
        count: items
            .iter()
            .filter(|x: &&Exception| x.reasons.iter().any(test))
            .count(),
    };
    let mut counts = vec![
        count("Red", &|r| matches!(r, Reason::Red { .. })),
        count("Amber", &|r| matches!(r, Reason::Amber { .. })),
    ];
    for flag in [Flag::Overdue, Flag::NotStarted, Flag::Stale] {
        counts.push(count(flag.label(), &|r| *r == Reason::Flagged { flag }));
    }
    counts.push(count(Flag::Slipped.label(), &|r| {
        matches!(r, Reason::Slipped { .. })
    }));
    Exceptions {
        counts,
        items,
        total_actions: total,
        kpis_off: Vec::new(),
        slipped,
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "the summary's sections in reading order; each is a few lines"
)]
fn public(
    original: &PlanTree,
    snapshot: &PlanTree,
    areas: &[AreaStatus],
    options: ReportOptions,
) -> PublicSummary {
    let day = options.as_at;
    let total = areas.iter().map(|a| a.actions().count()).sum();
    let inspected = snapshot
        .inspection_end
        .or(snapshot.inspection_start)
        .or(snapshot.report_published);
    let mut introduction = vec![format!(
        "This is a short summary of the plan to improve support for children and young people with special educational needs and disabilities in {}.",
        snapshot.local_area.trim()
    )];
    introduction.push(match inspected {
        Some(date) => format!(
            "Inspectors visited the area in {}. They found things that must get better.",
            PartialDate::Month {
                year: date.year(),
                month: date.month()
            }
            .to_uk()
        ),
        None => "Inspectors visited the area. They found things that must get better.".to_owned(),
    });
    introduction.push(format!(
        "The plan has {total} actions. This summary shows where they stood on {}.",
        uk_date(day)
    ));
    let found: Vec<String> = areas.iter().map(|a| sentence(&a.title)).collect();
    let mut done: Vec<String> = areas
        .iter()
        .flat_map(AreaStatus::actions)
        .filter(|a| a.complete)
        .map(|a| sentence(&a.text))
        .collect();
    for action in snapshot.actions().map(|(_, _, a)| a) {
        for milestone in action.milestones.iter().filter(|m| m.done.is_some()) {
            done.push(sentence(&milestone.text));
        }
    }
    dedupe(&mut done);
    let horizon = day + Duration::days(92);
    let mut upcoming: Vec<(Date, String)> = Vec::new();
    for action in snapshot.actions().map(|(_, _, a)| a) {
        for milestone in &action.milestones {
            if milestone.done.is_none()
                && let Some(due) = milestone.due
                && due.last_day() >= day
                && due.last_day() <= horizon
            {
                upcoming.push((due.last_day(), milestone_sentence(milestone, due)));
            }
        }
    }
    for action in areas.iter().flat_map(AreaStatus::actions) {
        if !action.complete
            && let Some(by) = action.due_by
            && by >= day
            && by <= horizon
        {
            upcoming.push((by, format!("{} By {}.", sentence(&action.text), action.due)));
        }
    }
    upcoming.sort();
    let mut next: Vec<String> = upcoming.into_iter().map(|(_, s)| s).collect();
    dedupe(&mut next);
    if done.is_empty() {
        done.push("No actions have been completed yet.".to_owned());
    }
    if next.is_empty() {
        next.push("No actions are due in the next three months.".to_owned());
    }
    let then_day =
        inspected.unwrap_or_else(|| original.document_date.map_or(day, PartialDate::first_day));
    let then_label = match inspected {
        Some(date) => format!("At the inspection ({})", uk_date(date)),
        None => format!("When the plan began ({})", uk_date(then_day)),
    };
    let then = primary_counts(original, then_day.min(day), options);
    let now = primary_counts(original, day, options);
    let scheme = &snapshot.rating_scheme;
    let mut position: Vec<Position> = then
        .iter()
        .zip(&now)
        .map(|(t, n)| Position {
            label: scheme.level(&t.code).map_or_else(
                || t.label.clone(),
                |l| {
                    if l.meaning.trim().is_empty() {
                        l.label.clone()
                    } else {
                        first_sentence_case(&l.meaning)
                    }
                },
            ),
            then: t.count,
            now: n.count,
        })
        .collect();
    let rated = |levels: &[LevelTally]| levels.iter().map(|l| l.count).sum::<usize>();
    position.push(Position {
        label: "Not yet rated".to_owned(),
        then: total - rated(&then),
        now: total - rated(&now),
    });
    let stage = |action: &ActionStatus| {
        action
            .ratings
            .first()
            .and_then(|r| r.code.as_deref())
            .and_then(|c| scheme.level(c))
            .map_or_else(
                || "Not yet rated".to_owned(),
                |l| {
                    if l.meaning.trim().is_empty() {
                        l.label.clone()
                    } else {
                        first_sentence_case(&l.meaning)
                    }
                },
            )
    };
    let actions = areas
        .iter()
        .flat_map(AreaStatus::actions)
        .map(|a| PublicAction {
            area: a.area,
            reference: a.reference.clone(),
            text: a.text.clone(),
            stage: stage(a),
            due: a.due.clone(),
        })
        .collect();
    let measures: Vec<String> = snapshot
        .kpis
        .iter()
        .filter_map(|kpi| kpi_headline(snapshot, kpi, day, "at the start"))
        .collect();
    let mut texts: Vec<String> = introduction
        .into_iter()
        .chain(found.iter().cloned())
        .chain(done.iter().cloned())
        .chain(next.iter().cloned())
        .chain(measures.iter().cloned())
        .collect();
    expand_first_use(&mut texts, &snapshot.glossary);
    let (introduction, rest) = texts.split_at(3);
    let (found, rest) = rest.split_at(found.len());
    let (done, rest) = rest.split_at(done.len());
    let (next, measures) = rest.split_at(next.len());
    PublicSummary {
        introduction: introduction.to_vec(),
        found: found.to_vec(),
        done: done.to_vec(),
        next: next.to_vec(),
        then_label,
        position,
        total_actions: total,
        actions,
        measures: measures.to_vec(),
        you_said_we_did: responses_at(snapshot, day),
    }
}

fn milestone_sentence(milestone: &Milestone, due: PartialDate) -> String {
    format!("{} By {}.", sentence(&milestone.text), due.to_uk())
}

fn dedupe(items: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, Area, Objective, Person};
    use time::macros::date;

    fn update(day: Date, ratings: &[(&str, &str)]) -> ProgressUpdate {
        ProgressUpdate {
            date: day,
            author: None,
            narrative: format!("update of {day}"),
            ratings: ratings
                .iter()
                .map(|(d, c)| ((*d).to_owned(), (*c).to_owned()))
                .collect(),
        }
    }

    fn plan_with(action: Action) -> PlanTree {
        let mut plan = PlanTree::new("Northshire", "Plan");
        plan.rating_scheme = RatingScheme::brag_p();
        plan.areas.push(Area {
            number: 1,
            title: "Leaders do not understand the needs of children with SEND".into(),
            objectives: vec![Objective {
                number: "1.1".into(),
                text: "An outcome".into(),
                actions: vec![action],
                ..Objective::default()
            }],
            ..Area::default()
        });
        plan.glossary.push(GlossaryEntry {
            term: "SEND".into(),
            definition: "special educational needs and disabilities".into(),
        });
        plan
    }

    fn rated_action() -> Action {
        Action {
            reference: Some("1.1".into()),
            text: "Write the strategy".into(),
            ratings: BTreeMap::from([
                ("completed".into(), "B".into()),
                ("impact".into(), "A".into()),
            ]),
            updates: vec![
                update(date!(2020 - 01 - 10), &[("completed", "G")]),
                update(date!(2020 - 03 - 10), &[("completed", "B")]),
            ],
            due: Some(PartialDate::parse_iso("2020-02").unwrap()),
            ..Action::default()
        }
    }

    fn status(plan: &PlanTree, day: Date) -> ActionStatus {
        let report = build_report(plan, ReportKind::Tracker, ReportOptions::as_at(day)).unwrap();
        let ReportBody::Tracker(tracker) = report.body else {
            panic!("a tracker")
        };
        tracker.areas[0].objectives[0].actions[0].clone()
    }

    #[test]
    fn a_rating_changed_after_the_date_does_not_show() {
        let action = rated_action();
        let before = ratings_at(&action.ratings, &action.updates, date!(2020 - 02 - 01));
        assert_eq!(before.get("completed").map(String::as_str), Some("G"));
        // Impact was never rated by an update: the imported rating stands.
        assert_eq!(before.get("impact").map(String::as_str), Some("A"));
        let earliest = ratings_at(&action.ratings, &action.updates, date!(2019 - 12 - 01));
        assert_eq!(earliest.get("completed"), None);
        let now = ratings_at(&action.ratings, &action.updates, date!(2020 - 06 - 01));
        assert_eq!(now, action.ratings);
    }

    #[test]
    fn a_plan_as_at_today_is_the_stored_plan() {
        let plan = plan_with(rated_action());
        assert_eq!(plan.as_at(date!(2030 - 01 - 01)), plan);
        let earlier = plan.as_at(date!(2020 - 02 - 01));
        assert_eq!(earlier.areas[0].objectives[0].actions[0].updates.len(), 1);
    }

    #[test]
    fn an_action_due_before_the_date_and_not_complete_is_overdue() {
        let plan = plan_with(rated_action());
        let february = status(&plan, date!(2020 - 02 - 29));
        assert!(
            !february.flags.contains(&Flag::Overdue),
            "due by the end of February"
        );
        let early_march = status(&plan, date!(2020 - 03 - 05));
        assert!(
            early_march.flags.contains(&Flag::Overdue),
            "{early_march:?}"
        );
        assert!(!early_march.complete);
        let march = status(&plan, date!(2020 - 03 - 10));
        assert!(march.complete);
        assert_eq!(march.completed_on, Some(date!(2020 - 03 - 10)));
        assert!(!march.flags.contains(&Flag::Overdue));
        assert!(
            !march.flags.contains(&Flag::Stale),
            "complete actions are never stale"
        );
    }

    #[test]
    fn an_action_without_an_update_in_the_cycle_is_stale() {
        let plan = plan_with(rated_action());
        let fresh = status(&plan, date!(2020 - 02 - 15));
        assert!(!fresh.flags.contains(&Flag::Stale));
        let silent = status(&plan, date!(2020 - 02 - 29));
        assert!(silent.flags.contains(&Flag::Stale), "{silent:?}");
    }

    #[test]
    fn yet_to_start_and_empty_actions_are_not_started() {
        let mut action = Action {
            text: "Nothing yet".into(),
            ..Action::default()
        };
        let plan = plan_with(action.clone());
        assert!(
            status(&plan, date!(2020 - 01 - 01))
                .flags
                .contains(&Flag::NotStarted)
        );
        action.ratings.insert("completed".into(), "P".into());
        action.updates.push(update(date!(2019 - 12 - 01), &[]));
        let plan = plan_with(action);
        assert!(
            status(&plan, date!(2020 - 01 - 01))
                .flags
                .contains(&Flag::NotStarted)
        );
        assert!(!is_not_started_level(&RatingScheme::brag().levels[3]));
    }

    fn moved(on: Date, from: &str, to: &str, reason: &str) -> DueChange {
        DueChange {
            changed_on: on,
            from: Some(PartialDate::parse_iso(from).unwrap()),
            from_text: None,
            to: PartialDate::parse_iso(to).unwrap(),
            to_text: None,
            reason: reason.into(),
            approved_by: "SEND Board".into(),
            author: None,
        }
    }

    #[test]
    fn a_deadline_moved_later_has_slipped_and_an_earlier_day_sees_the_old_one() {
        let mut action = rated_action();
        action.id = Some(ActionId(7));
        action.due = Some(PartialDate::parse_iso("2020-09").unwrap());
        action.milestones.push(Milestone {
            text: "Draft, late".into(),
            due: Some(PartialDate::parse_iso("2019-11").unwrap()),
            ..Milestone::default()
        });
        let plan = plan_with(action);
        let changes = DueChanges::from([(
            ActionId(7),
            vec![
                moved(date!(2020 - 01 - 20), "2020-02", "2020-06", "Recruitment"),
                moved(
                    date!(2020 - 02 - 20),
                    "2020-06",
                    "2020-09",
                    "Families asked",
                ),
            ],
        )]);
        let at = |day| {
            let report = build_report_with(
                &plan,
                &changes,
                ReportKind::Exceptions,
                ReportOptions::as_at(day),
            )
            .unwrap();
            let ReportBody::Exceptions(exceptions) = report.body else {
                panic!("exceptions")
            };
            exceptions
        };

        let before = at(date!(2020 - 01 - 15));
        let between = at(date!(2020 - 02 - 01));
        let after = at(date!(2020 - 03 - 01));

        let item = |e: &Exceptions| e.items[0].action.clone();
        assert_eq!(item(&before).due, "February 2020", "the deadline then");
        assert!(
            !item(&before).flags.contains(&Flag::Slipped),
            "a late milestone is not a slipped date"
        );
        assert!(before.slipped.is_empty());
        assert_eq!(item(&between).due, "June 2020");
        assert_eq!(between.slipped.len(), 1);
        assert_eq!(
            between.slipped[0].change.moved(),
            "February 2020 → June 2020"
        );
        assert_eq!(item(&after).due, "September 2020");
        assert_eq!(after.slipped.len(), 2);
        let why: Vec<String> = after.items[0]
            .reasons
            .iter()
            .map(Reason::describe)
            .collect();
        assert!(
            why.contains(
                &"Slipped: June 2020 → September 2020 (Families asked; approved by SEND Board)"
                    .to_owned()
            ),
            "{why:?}"
        );
        let slipped = after.counts.iter().find(|c| c.label == "Slipped").unwrap();
        assert_eq!(slipped.count, 1, "one action, however often it slipped");
    }

    #[test]
    fn a_deadline_brought_forward_is_listed_but_not_a_slip() {
        let mut action = rated_action();
        action.id = Some(ActionId(7));
        let plan = plan_with(action);
        let changes = DueChanges::from([(
            ActionId(7),
            vec![moved(date!(2020 - 01 - 20), "2020-06", "2020-02", "Sooner")],
        )]);
        let report = build_report_with(
            &plan,
            &changes,
            ReportKind::Tracker,
            ReportOptions::as_at(date!(2020 - 02 - 01)),
        )
        .unwrap();
        let ReportBody::Tracker(tracker) = report.body else {
            panic!("tracker")
        };
        let action = &tracker.areas[0].objectives[0].actions[0];
        assert_eq!(action.deadline_changes.len(), 1);
        assert!(!action.flags.contains(&Flag::Slipped));
    }

    #[test]
    fn stale_follows_the_plans_own_cycle_as_the_dashboard_does() {
        let plan = plan_with(rated_action());
        let day = date!(2020 - 02 - 20);
        let with_weeks = |weeks| {
            let options = ReportOptions {
                cycle_weeks: weeks,
                ..ReportOptions::as_at(day)
            };
            let report = build_report(&plan, ReportKind::Tracker, options).unwrap();
            let ReportBody::Tracker(tracker) = report.body else {
                panic!("tracker")
            };
            tracker.areas[0].objectives[0].actions[0].clone()
        };
        let dashboard = |weeks| {
            plan.as_at(day).areas[0].objectives[0].actions[0]
                .state(&plan.rating_scheme, &FlagRules::new(day, weeks))
                .stale
        };

        assert!(
            with_weeks(2).flags.contains(&Flag::Stale),
            "last update 10 January"
        );
        assert!(!with_weeks(6).flags.contains(&Flag::Stale));
        for weeks in [1, 2, 5, 6, 52] {
            assert_eq!(
                with_weeks(weeks).flags.contains(&Flag::Stale),
                dashboard(weeks),
                "{weeks} weeks"
            );
        }
    }

    #[test]
    fn glossary_terms_are_found_as_whole_words_and_spelt_out_once() {
        let glossary = vec![GlossaryEntry {
            term: "SEND".into(),
            definition: "Special educational needs and disabilities".into(),
        }];
        assert_eq!(glossary_used(&glossary, &["SENDIASS only"]).len(), 0);
        assert_eq!(glossary_used(&glossary, &["pupils with SEND."]).len(), 1);
        let mut texts = vec!["Help for SEND.".to_owned(), "More SEND work.".to_owned()];
        expand_first_use(&mut texts, &glossary);
        assert_eq!(
            texts[0],
            "Help for special educational needs and disabilities (SEND)."
        );
        assert_eq!(texts[1], "More SEND work.");
    }

    #[test]
    fn the_public_summary_names_no_one_and_compares_then_and_now() {
        let mut action = rated_action();
        action.owners = vec!["AB".into()];
        let mut plan = plan_with(action);
        plan.people.push(Person {
            initials: Some("AB".into()),
            name: "Alex Brown".into(),
            ..Person::default()
        });
        plan.inspection_end = Some(date!(2019 - 06 - 14));
        let report = build_report(
            &plan,
            ReportKind::Public,
            ReportOptions::as_at(date!(2020 - 04 - 01)),
        )
        .unwrap();
        let json = serde_json::to_string(&report.body).unwrap();
        assert!(!json.contains("Alex"), "{json}");
        let ReportBody::Public(public) = report.body else {
            panic!("public")
        };
        assert!(public.found[0].contains("special educational needs and disabilities (SEND)"));
        assert_eq!(public.then_label, "At the inspection (14 June 2019)");
        let completed = &public.position[0];
        assert_eq!((completed.then, completed.now), (0, 1));
        assert!(public.done.iter().any(|d| d == "Write the strategy."));
    }

    #[test]
    fn since_must_come_before_the_date() {
        let plan = plan_with(rated_action());
        let options = ReportOptions {
            since: Some(date!(2020 - 05 - 01)),
            ..ReportOptions::as_at(date!(2020 - 04 - 01))
        };
        assert!(build_report(&plan, ReportKind::Progress, options).is_err());
        assert_eq!(
            months_before(date!(2020 - 05 - 31), 3),
            date!(2020 - 02 - 29)
        );
    }
}
