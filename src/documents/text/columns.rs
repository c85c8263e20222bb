//! Column roles: what each column of a plan table holds, recognised from the header's
//! wording, and the alignment of each row's cells to those columns.
//!
//! Exported tables rarely line up with their headers: a merged header cell spans the ref
//! and the action, a row lost a cell where the original had a merged one, a page break
//! dropped two. So each row is aligned to the header's columns by dynamic programming,
//! scoring how well every cell fits every role (a ref looks like "1.2a", a deadline names
//! a month, an owner cell is initials) and charging for skipped columns and extra cells.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::documents::mapping::{ColumnChoices, ColumnRead, ColumnRole, TableColumns};
use crate::domain::{Due, PartialDate, Resource, parse_deadline_cell, parse_uk_due};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Role {
    /// The area of weakness (priority, workstream) a row belongs to: "1", "Priority 2",
    /// or the area's words.
    Area,
    /// The objective or outcome the actions serve.
    Objective,
    /// The action's number: "1.1", "1.2a", "2.4.3".
    Ref,
    /// What will be done.
    Action,
    /// How success will be known.
    Measures,
    /// Who owns the action.
    Owner,
    /// A narrative of progress so far; the number indexes [`Header::updates`].
    Progress(u8),
    /// The deadline.
    Due,
    /// The day the progress was written: dates an undated update.
    Updated,
    /// When the action starts: kept as its start, never as its deadline.
    Start,
    /// A rating column; the number indexes [`Header::ratings`].
    Rating(u8),
    /// AR / ER.
    Resource,
    /// Dated steps under the action.
    Milestone,
    /// A column with a heading the importer does not know; kept as notes.
    Other,
    /// A column with an empty heading (usually half of a merged cell).
    Blank,
}

/// One column of a recognised header.
#[derive(Debug, Clone)]
pub(super) struct Column {
    /// What it holds.
    pub role: Role,
    /// The heading as written, for notes.
    pub label: String,
    /// Added by the importer: a ref column the header did not name.
    pub implicit: bool,
    /// The role was chosen by a person, not read from the heading.
    pub chosen: bool,
}

impl Column {
    fn new(role: Role, label: String) -> Self {
        Self {
            role,
            label,
            implicit: false,
            chosen: false,
        }
    }
}

/// A rating or progress column's place in time: the monitoring period its heading
/// names ("RAG Sep 24"), or none for the current rating and the latest update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Slot {
    /// The heading without its period ("RAG", "Update"), to match a rating dimension.
    pub label: String,
    /// The end of the period the heading names.
    pub period: Option<PartialDate>,
}

/// A recognised header row.
#[derive(Debug, Clone)]
pub(super) struct Header {
    /// Columns in order, with an implicit ref column where the header names none.
    pub columns: Vec<Column>,
    /// The header row's number of cells, to tell table rows from other lines.
    pub width: usize,
    /// Labels of the rating columns, in order ("RAG", or "Completed", "Impact"…).
    pub ratings: Vec<String>,
    /// The period of each rating column, by [`Role::Rating`] index.
    pub rating_periods: Vec<Option<PartialDate>>,
    /// The progress columns, by [`Role::Progress`] index.
    pub updates: Vec<Slot>,
}

impl Header {
    /// The roles the header names, to recognise it when repeated at a page break.
    pub fn signature(&self) -> Vec<Role> {
        self.columns
            .iter()
            .filter(|c| !c.implicit && c.role != Role::Blank)
            .map(|c| c.role)
            .collect()
    }

    /// Whether the table has a milestone column, which makes deadlines and ratings
    /// belong to milestones rather than actions.
    pub fn has_milestones(&self) -> bool {
        self.columns.iter().any(|c| c.role == Role::Milestone)
    }

    /// Whether the header itself names a ref column.
    pub fn names_ref(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.role == Role::Ref && !c.implicit)
    }

    /// The rating columns as slots, by [`Role::Rating`] index.
    pub fn rating_slots(&self) -> Vec<Slot> {
        self.ratings
            .iter()
            .enumerate()
            .map(|(i, label)| Slot {
                label: label.clone(),
                period: self.rating_periods.get(i).copied().flatten(),
            })
            .collect()
    }

    /// The header as the import report shows it: the source's columns (not the implicit
    /// ref), each with its role, period and a sample from the first row that fills it.
    pub fn report(&self, location: String) -> TableColumns {
        let columns: Vec<ColumnRead> = self
            .columns
            .iter()
            .filter(|c| !c.implicit)
            .map(|c| ColumnRead {
                heading: c.label.clone(),
                role: c.role.public(),
                chosen: c.chosen,
                period: match c.role {
                    Role::Rating(i) => self.rating_periods.get(usize::from(i)).copied().flatten(),
                    Role::Progress(i) => self.updates.get(usize::from(i)).and_then(|s| s.period),
                    _ => None,
                },
                sample: String::new(),
            })
            .collect();
        let headings: Vec<&str> = columns.iter().map(|c| c.heading.as_str()).collect();
        TableColumns {
            location,
            signature: TableColumns::signature_of(&headings),
            rows: 0,
            columns,
        }
    }

    /// The index among the source's columns (implicit ones left out) of column `j`.
    pub fn source_index(&self, j: usize) -> Option<usize> {
        let column = self.columns.get(j)?;
        if column.implicit {
            return None;
        }
        Some(self.columns[..j].iter().filter(|c| !c.implicit).count())
    }
}

impl Role {
    /// The role as people choose it.
    pub fn public(self) -> ColumnRole {
        match self {
            Self::Area => ColumnRole::Area,
            Self::Objective => ColumnRole::Objective,
            Self::Ref => ColumnRole::Ref,
            Self::Action => ColumnRole::Action,
            Self::Measures => ColumnRole::Measures,
            Self::Owner => ColumnRole::Owners,
            Self::Progress(_) => ColumnRole::Update,
            Self::Due => ColumnRole::Due,
            Self::Updated => ColumnRole::Updated,
            Self::Start => ColumnRole::Start,
            Self::Rating(_) => ColumnRole::Rating,
            Self::Resource => ColumnRole::Resource,
            Self::Milestone => ColumnRole::Milestones,
            Self::Other | Self::Blank => ColumnRole::Ignore,
        }
    }

    /// A chosen role; rating and progress indexes are given by the header.
    fn chosen(role: ColumnRole) -> Self {
        match role {
            ColumnRole::Area => Self::Area,
            ColumnRole::Objective => Self::Objective,
            ColumnRole::Ref => Self::Ref,
            ColumnRole::Action => Self::Action,
            ColumnRole::Owners => Self::Owner,
            ColumnRole::Due => Self::Due,
            ColumnRole::Start => Self::Start,
            ColumnRole::Rating => Self::Rating(0),
            ColumnRole::Update => Self::Progress(0),
            ColumnRole::Updated => Self::Updated,
            ColumnRole::Measures => Self::Measures,
            ColumnRole::Milestones => Self::Milestone,
            ColumnRole::Resource => Self::Resource,
            ColumnRole::Ignore => Self::Other,
        }
    }
}

static REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9]{1,2}(?:\.[0-9]{1,2}){1,3}[a-z]?|[0-9]{1,2}[a-z])\.?$")
        .expect("valid regex")
});
static LOOSE_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z]{0,3}[0-9]{1,3}(?:\.[0-9]{1,2}){0,3}[a-z]?\.?$").expect("valid regex")
});
static LEADING_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2}(?:\.[0-9]{1,2}){1,3}[a-z]?)\.?\s+(\S.*)$").expect("valid regex")
});
static RATING_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[BRAGP]|blue|red|amber|green|purple|complete[d]?|on track)(?:\s*[-–:(/]?\s*(?:[0-9]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[^.]*)?$",
    )
    .expect("valid regex")
});
static RECURRING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:ongoing|quarterly|monthly|annual(?:ly)?|termly|weekly|tbc|tba|n/a|immediate(?:ly)?|complete[d]?|in place|6 monthly|bi-?monthly)(?-u:\b)")
        .expect("valid regex")
});

/// Header wording for each role, tried in this order: the first that matches wins, so
/// "Action Owner" is an owner and "Key milestones (Action tracker)" a milestone column.
static ROLE_WORDS: LazyLock<Vec<(Role, Regex)>> = LazyLock::new(|| {
    let table: [(Role, &str); 13] = [
        (
            Role::Updated,
            r"^(?:last updated|date updated|updated|updated on|update date|date of (?:last )?update|last update date|date last updated|modified|last modified|date modified)$",
        ),
        (
            Role::Area,
            r"^(?:wsoa )?(?:areas?|areas? of (?:weakness|concern|focus|improvement|priority(?: action)?|significant weakness)|areas? for (?:priority action|improvement|development|action)|priority areas?|priority|priorities|priority no|priority number|significant (?:areas? of )?weakness(?:es)?|work ?streams?|ws|strands?|themes?|key priorit(?:y|ies)|inspection findings?|findings?)(?: no| number| ref)?$",
        ),
        (
            Role::Milestone,
            r"(?-u:\b)(?:milestones?|key tasks?|sub tasks?)(?-u:\b)",
        ),
        (
            Role::Rating(0),
            r"(?-u:\b)(?:b?rag|brag ?p|ratings?|status|rag rating|progress rating|rating of progress)(?-u:\b)|^(?:completed?|sustained)$",
        ),
        (
            Role::Owner,
            r"(?-u:\b)(?:owners?|leads?|lead officers?|who|whos|responsible|responsibility|accountable|by whom|postholders?|lead agency|lead person|lead organisation|officers? responsible|responsible officers?|assigned to|assignee|assigned)(?-u:\b)",
        ),
        (
            Role::Progress(0),
            r"(?-u:\b)(?:how far have we come|progress|updates?|commentary|comments?|current position|position statement|narrative|what have we done|progress to date)(?-u:\b)",
        ),
        (
            Role::Start,
            r"^(?:start|starts|start date|date started|start by|commencing|commencement|commencement date|from|begin|begins|planned start|start month)$",
        ),
        (
            Role::Due,
            r"(?-u:\b)(?:time ?scales?|time ?frames?|deadlines?|by when|when|completion dates?|target dates?|target completion|due|due dates?|dates?|by|end date|finish|completion|target|date for completion|complete by)(?-u:\b)",
        ),
        (
            Role::Resource,
            r"(?-u:\b)(?:resources?|costs?|funding|budget)(?-u:\b)",
        ),
        (
            Role::Measures,
            r"(?-u:\b)(?:how will we know|how will we measure|success|measures?|evaluation|impact|evidence|what difference|kpis?|outcome measures?|indicators?)(?-u:\b)",
        ),
        (
            Role::Ref,
            r"^(?:ref|refs|reference|ref no|no|number|id|action no|action ref|action number|action id|item|item no)$",
        ),
        (
            Role::Objective,
            r"(?-u:\b)(?:objectives?|outcomes?|intended outcomes?|aims?|focus areas?|goals?|what we want to achieve|what do we want to achieve|outcome we want|outcomes we want|what will be different)(?-u:\b)",
        ),
        (
            Role::Action,
            r"(?-u:\b)(?:actions?|how will we achieve|implementation|what are we doing|what will we do|what we will do|what are we going to do|activity|activities|activity planned|tasks?|how|deliverables?|interventions?)(?-u:\b)|^(?:title|item title|action title|description|action description)$",
        ),
    ];
    table
        .into_iter()
        .map(|(role, pattern)| (role, Regex::new(pattern).expect("valid regex")))
        .collect()
});

/// The header wording normalised: lower case, punctuation as spaces.
fn normalise(label: &str) -> String {
    crate::documents::mapping::normalise_heading(label)
}

/// The role a header cell names, if any.
fn role_of(label: &str) -> Option<Role> {
    let words = normalise(label);
    if words.is_empty() {
        return None;
    }
    ROLE_WORDS
        .iter()
        .find(|(_, pattern)| pattern.is_match(&words))
        .map(|(role, _)| *role)
}

/// What one header cell says: its role and, for a rating or progress column, the
/// monitoring period it names. `None` when the cell reads as data, not a heading.
fn heading_role(label: &str, choices: &ColumnChoices) -> Option<(Role, Option<PartialDate>, bool)> {
    let period = period_label(label);
    if let Some(role) = choices.get(label) {
        return Some((Role::chosen(role), period.map(|(p, _)| p), true));
    }
    if label.chars().count() > 80 || is_ref(label) {
        return None;
    }
    if let Some((period, rest)) = period {
        return match role_of(&rest) {
            Some(role @ (Role::Rating(_) | Role::Progress(_))) => Some((role, Some(period), false)),
            // "Date", "Target date April 2025": a deadline column named with a date.
            Some(Role::Due) => Some((Role::Due, None, false)),
            _ => None,
        };
    }
    if parse_uk_due(label).is_some() {
        return None;
    }
    Some((role_of(label).unwrap_or(Role::Other), None, false))
}

/// "RAG Sep 24", "January 2025 update", "Q1 2024/25 status": the period's end and the
/// heading without it, normalised.
fn period_label(label: &str) -> Option<(PartialDate, String)> {
    let (period, rest) = crate::domain::parse_period_label(label)?;
    let rest = normalise(&rest);
    (!rest.is_empty()).then_some((period, rest))
}

/// Reads a header row: at least two cells name plan columns, one of them the objective,
/// action or milestone, and no cell looks like data (a ref, a date, a long sentence).
/// Roles a person chose for a heading win over its wording.
pub(super) fn recognise<S: AsRef<str>>(labels: &[S], known: &Known) -> Option<Header> {
    if labels.len() < 2 {
        return None;
    }
    let mut columns = Vec::with_capacity(labels.len() + 1);
    let (mut filled, mut named, mut core) = (0, 0, false);
    for label in labels {
        let label = label.as_ref().to_owned();
        if label.is_empty() {
            columns.push(Column::new(Role::Blank, label));
            continue;
        }
        filled += 1;
        let (role, period, chosen) = heading_role(&label, &known.choices)?;
        if role != Role::Other || chosen {
            named += 1;
        }
        core |= matches!(role, Role::Action | Role::Objective | Role::Milestone);
        columns.push(Column {
            role,
            label,
            implicit: false,
            chosen,
        });
        if let Some(period) = period {
            // Kept beside the column until the indexes are given out below.
            if let Some(column) = columns.last_mut() {
                column.label.push('\u{0}');
                column.label.push_str(&period.to_string());
            }
        }
    }
    if named < 2 || !core || named * 2 < filled {
        return None;
    }
    Some(finish(columns, labels.len()))
}

/// Gives rating and progress columns their indexes and periods, splits the grouped
/// rating dimensions, and adds an implicit ref column where the header names none.
fn finish(mut columns: Vec<Column>, width: usize) -> Header {
    series_periods(&mut columns);
    let mut ratings = Vec::new();
    let mut rating_periods = Vec::new();
    let mut updates = Vec::new();
    for column in &mut columns {
        let (label, period) = match column.label.split_once('\u{0}') {
            Some((label, period)) => (label.to_owned(), PartialDate::parse_iso(period).ok()),
            None => (column.label.clone(), None),
        };
        column.label.clone_from(&label);
        let bare = period
            .and_then(|_| period_label(&label).map(|(_, rest)| rest))
            .unwrap_or_else(|| label.clone());
        match column.role {
            Role::Rating(_) => {
                column.role = Role::Rating(u8::try_from(ratings.len()).unwrap_or(u8::MAX));
                ratings.push(bare);
                rating_periods.push(period);
            }
            Role::Progress(_) => {
                column.role = Role::Progress(u8::try_from(updates.len()).unwrap_or(u8::MAX));
                updates.push(Slot {
                    label: bare,
                    period,
                });
            }
            _ => {}
        }
    }
    rating_dimensions(&mut columns, &mut ratings, &mut rating_periods);
    if !columns.iter().any(|c| c.role == Role::Ref) {
        let at = columns
            .iter()
            .position(|c| c.role == Role::Action)
            .or_else(|| {
                columns
                    .iter()
                    .position(|c| c.role == Role::Objective)
                    .map(|i| i + 1)
            })
            .unwrap_or(0);
        columns.insert(
            at,
            Column {
                role: Role::Ref,
                label: "Ref".into(),
                implicit: true,
                chosen: false,
            },
        );
    }
    Header {
        columns,
        width,
        ratings,
        rating_periods,
        updates,
    }
}

/// "Stocktake 1 (March 2024): status | Stocktake 1: evidence": a column named after a
/// monitoring period's series ("Stocktake 1") but not its date belongs to that period,
/// and its evidence, commentary or notes are that period's progress, not the action's
/// success measures. Period columns carry their date after a `\0` until [`finish`].
fn series_periods(columns: &mut [Column]) {
    let series: Vec<(String, String)> = columns
        .iter()
        .filter_map(|c| {
            let (label, period) = c.label.split_once('\u{0}')?;
            let (head, _) = series_split(label)?;
            Some((head, period.to_owned()))
        })
        .collect();
    if series.is_empty() {
        return;
    }
    for column in columns.iter_mut() {
        if column.chosen || column.label.contains('\u{0}') {
            continue;
        }
        let Some((head, rest)) = series_split(&column.label) else {
            continue;
        };
        let Some((_, period)) = series.iter().find(|(h, _)| *h == head) else {
            continue;
        };
        let role = match role_of(&rest) {
            Some(Role::Rating(_)) => Role::Rating(0),
            Some(Role::Progress(_) | Role::Measures) | None if PERIOD_NOTES.is_match(&rest) => {
                Role::Progress(0)
            }
            Some(Role::Progress(_)) => Role::Progress(0),
            _ => continue,
        };
        column.role = role;
        column.label.push('\u{0}');
        column.label.push_str(period);
    }
}

/// A heading's series and the rest, split at its first bracket, colon or dash:
/// "Stocktake 1 (March 2024): status" gives "stocktake 1"; `None` when nothing precedes
/// the split or nothing follows it.
fn series_split(label: &str) -> Option<(String, String)> {
    let at = label.find(['(', ':', '–', '—', '|'])?;
    let head = normalise(&label[..at]);
    let rest = normalise(&label[at..]);
    (!head.is_empty() && !rest.is_empty() && role_of(&head).is_none()).then_some((head, rest))
}

/// What a period's own text column is called beside its status.
static PERIOD_NOTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:evidence|commentary|comments?|notes?|narrative|summary|update|progress)(?:\s|$)",
    )
    .expect("valid regex")
});

/// Reads a header row whose wording names too few plan columns, by its shape: short
/// labels (bold in Word, or the first row of a table) above rows of longer content. The
/// roles the wording gives are kept; the other columns take the role their contents
/// show (refs, dates, rating codes, initials, the longest text as the action, a text
/// before it as the objective). `None` unless an action column is found this way.
pub(super) fn recognise_by_structure<S: AsRef<str>>(
    labels: &[S],
    rows: &[&[String]],
    marked: bool,
    known: &Known,
) -> Option<Header> {
    let filled: Vec<&str> = labels
        .iter()
        .map(AsRef::as_ref)
        .filter(|l| !l.is_empty())
        .collect();
    if filled.len() < 3 || rows.len() < 2 {
        return None;
    }
    let short = filled.iter().all(|l| {
        l.chars().count() <= 50
            && l.split_whitespace().count() <= 7
            && !is_ref(l)
            && !l.chars().all(|c| c.is_ascii_digit() || c.is_whitespace())
    });
    if !short {
        return None;
    }
    let longer = rows
        .iter()
        .filter(|row| row.iter().any(|c| c.chars().count() > 60 || is_ref(c)))
        .count();
    if !(marked && longer >= 1) && longer < 2 {
        return None;
    }
    let width = labels
        .len()
        .max(rows.iter().map(|r| r.len()).max().unwrap_or(0));
    let mut tallies = vec![Tally::default(); width];
    for row in rows {
        for (tally, text) in tallies.iter_mut().zip(row.iter()) {
            tally.add(text, known);
        }
    }
    let mut columns: Vec<Column> = Vec::with_capacity(width);
    for (k, tally) in tallies.iter().enumerate() {
        let label = labels.get(k).map_or("", AsRef::as_ref).to_owned();
        let read = if label.is_empty() {
            None
        } else {
            match heading_role(&label, &known.choices) {
                Some((role, period, chosen)) if role != Role::Other || chosen => {
                    Some((role, period, chosen))
                }
                Some(_) => None,
                // A cell reading as data in a row of headings: not a header after all.
                None => return None,
            }
        };
        let mut column = match read {
            Some((role, period, chosen)) => {
                let mut column = Column {
                    role,
                    label: label.clone(),
                    implicit: false,
                    chosen,
                };
                if let Some(period) = period {
                    column.label.push('\u{0}');
                    column.label.push_str(&period.to_string());
                }
                column
            }
            None => Column::new(tally.role(), label),
        };
        if column.role == Role::Other && column.label.is_empty() {
            column.role = Role::Blank;
        }
        columns.push(column);
    }
    if !columns.iter().any(|c| c.role == Role::Action) {
        // The longest plain text not already given a role is the action.
        let action = (0..width)
            .filter(|&k| matches!(columns[k].role, Role::Other | Role::Blank) && !columns[k].chosen)
            .filter(|&k| tallies[k].plain_text())
            .max_by_key(|&k| tallies[k].chars / tallies[k].filled.max(1))?;
        columns[action].role = Role::Action;
        let before = (0..action).rev().find(|&k| {
            matches!(columns[k].role, Role::Other | Role::Blank)
                && !columns[k].chosen
                && tallies[k].plain_text()
        });
        if let Some(k) = before
            && !columns.iter().any(|c| c.role == Role::Objective)
        {
            columns[k].role = Role::Objective;
        }
    }
    Some(finish(columns, width))
}

/// "Completed | Impact | Sustained" side by side are three rating dimensions (the
/// BRAG(P) highlight-report layout), so "Impact" there is a rating, not a measure.
fn rating_dimensions(
    columns: &mut [Column],
    ratings: &mut Vec<String>,
    periods: &mut Vec<Option<PartialDate>>,
) {
    let grouped = columns.iter().any(|c| {
        matches!(
            normalise(&c.label).as_str(),
            "completed" | "complete" | "sustained"
        )
    });
    if !grouped {
        return;
    }
    ratings.clear();
    periods.clear();
    for column in columns.iter_mut() {
        let impact = column.role == Role::Measures && normalise(&column.label) == "impact";
        if impact || matches!(column.role, Role::Rating(_)) {
            let index = u8::try_from(ratings.len()).unwrap_or(u8::MAX);
            ratings.push(column.label.clone());
            periods.push(None);
            column.role = Role::Rating(index);
        }
    }
}

/// A deadline as plans write it ([`parse_uk_due`]), or an Excel serial date ("43921",
/// 31 March 2020) that a CSV export or a text column of a workbook kept as a number.
pub(super) fn parse_due(text: &str) -> Option<Due> {
    parse_uk_due(text)
        .or_else(|| parse_deadline_cell(text))
        .or_else(|| {
            excel_serial(text).map(|day| Due {
                by: PartialDate::Day(day),
                from: None,
            })
        })
}

/// A whole cell that is an Excel serial day number between 1970 and 2069.
fn excel_serial(text: &str) -> Option<time::Date> {
    let digits = text.trim();
    let digits = digits.strip_suffix(".0").unwrap_or(digits);
    if digits.len() != 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: i64 = digits.parse().ok()?;
    if !(25_569..=62_090).contains(&serial) {
        return None;
    }
    // Day 0 is 30 December 1899 for every serial past Excel's fictitious 29 February 1900.
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    epoch.checked_add(time::Duration::days(serial))
}

/// A strict action ref: "1.1", "1.2a", "2.4.3", "1a".
pub(super) fn is_ref(text: &str) -> bool {
    REF.is_match(text)
}

/// A ref in a column the header calls "Ref": also "7", "A1.2".
pub(super) fn is_loose_ref(text: &str) -> bool {
    LOOSE_REF.is_match(text)
}

/// A ref written at the start of the action text ("1.1 Review the…"), split off.
pub(super) fn leading_ref(text: &str) -> Option<(String, String)> {
    let caps = LEADING_REF.captures(text)?;
    Some((caps[1].to_owned(), caps[2].to_owned()))
}

/// A rating code or colour word: "G", "Amber", "B Nov 2019".
pub(super) fn is_rating_code(text: &str) -> bool {
    text.chars().count() <= 24 && RATING_CODE.is_match(text)
}

/// Initials as owner lists write them: "SK", "`DiH`", "MT".
pub(super) fn is_initials(word: &str) -> bool {
    let count = word.chars().count();
    (2..=5).contains(&count)
        && word.chars().all(char::is_alphabetic)
        && word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// Removes bracketed asides ("SK (ORG)" → "SK "), tolerating unbalanced brackets.
pub(super) fn without_brackets(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// What the scorer knows about the document: the owner list's initials, and the roles
/// a person chose for columns.
#[derive(Debug, Default)]
pub(super) struct Known {
    /// Initials from owner lists.
    pub initials: HashSet<String>,
    /// Roles chosen by heading.
    pub choices: ColumnChoices,
}

/// What the scorer needs to know about one cell, worked out once per cell.
#[derive(Debug, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts about a cell, not states"
)]
struct Features {
    chars: usize,
    date: bool,
    reference: bool,
    loose_reference: bool,
    code: bool,
    resource: bool,
    recurring: bool,
    numbered: bool,
    owner: i32,
}

impl Features {
    fn of(text: &str, known: &Known) -> Self {
        if text.is_empty() {
            return Self::default();
        }
        let chars = text.chars().count();
        Self {
            chars,
            // Only short cells matter as dates; long ones would cost the most to search.
            date: chars <= 120 && parse_due(text).is_some(),
            reference: is_ref(text),
            loose_reference: chars <= 8 && is_loose_ref(text),
            code: is_rating_code(text),
            resource: Resource::from_code(text).is_some(),
            recurring: chars <= 40 && RECURRING.is_match(text),
            numbered: super::build::objective_number(text).is_some(),
            owner: owner_fit(text, known),
        }
    }
}

/// How a cell fits a role, in tenths: positive fits, negative does not.
fn fit(role: Role, cell: &Features) -> i32 {
    let chars = cell.chars;
    if chars == 0 {
        return 0;
    }
    let looks_like_data = cell.reference || cell.resource;
    match role {
        Role::Ref => {
            if cell.reference || cell.loose_reference {
                30
            } else {
                -40
            }
        }
        Role::Due | Role::Start | Role::Updated => match (cell.date, chars) {
            (true, 0..=60) => 20,
            (true, _) => 5,
            _ if cell.recurring => 10,
            (false, 0..=25) => -5,
            _ => -30,
        },
        Role::Rating(_) => {
            if cell.code {
                20
            } else if cell.date && chars <= 30 {
                10
            } else if chars <= 20 {
                -5
            } else {
                -30
            }
        }
        Role::Owner => cell.owner,
        Role::Resource => {
            if cell.resource {
                30
            } else if chars <= 12 {
                -5
            } else {
                -30
            }
        }
        Role::Objective => {
            if cell.resource {
                -20
            } else if cell.date && chars <= 30 {
                -10
            } else if cell.numbered {
                10
            } else {
                0
            }
        }
        Role::Blank => -5,
        Role::Area => {
            if looks_like_data {
                -20
            } else if cell.date && chars <= 30 {
                -10
            } else {
                0
            }
        }
        Role::Action | Role::Measures | Role::Progress(_) | Role::Milestone | Role::Other => {
            if looks_like_data || (cell.code && chars <= 2) {
                -20
            } else if cell.date && chars <= 30 {
                -10
            } else {
                0
            }
        }
    }
}

fn owner_fit(text: &str, known: &Known) -> i32 {
    let bare = without_brackets(text);
    let words: Vec<&str> = bare
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '&' | '+'))
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    if words.is_empty() {
        // Only a bracketed organisation, "(ORG)".
        return 5;
    }
    if words
        .iter()
        .all(|w| known.initials.contains(*w) || is_initials(w))
    {
        return 20;
    }
    // Names and posts ("Jo Bloggs", "Head of SEN") are capitalised; a small bonus only
    // breaks ties, and is never worth moving other cells for.
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let name_like = text.chars().next().is_some_and(char::is_uppercase)
        && capitalised * 2 >= words.len()
        && !text.trim_end().ends_with('.');
    match words.len() {
        0..=6 if name_like => 3,
        0..=12 => 0,
        _ => -20,
    }
}

/// The cost of a column with no cell in the row, in tenths.
fn skip_cost(column: &Column) -> i32 {
    match (column.role, column.implicit) {
        (Role::Blank, _) => 0,
        (_, true) => -3,
        _ => -6,
    }
}

/// The cost of a cell that belongs to no column.
fn extra_cost(text: &str) -> i32 {
    if text.is_empty() { -1 } else { -15 }
}

/// How well a placement of cells into columns fits the rows' contents, as [`align`]
/// scores it: used to check a grid's positions against what the cells hold.
pub(super) fn placement_score<S: AsRef<str>>(
    header: &Header,
    rows: &[&[S]],
    placed: &[Option<usize>],
    known: &Known,
) -> i32 {
    let mut total = 0;
    for row in rows {
        for (k, text) in row.iter().enumerate() {
            let text = text.as_ref();
            total += match placed.get(k).copied().flatten() {
                Some(j) => header
                    .columns
                    .get(j)
                    .map_or(0, |column| fit(column.role, &Features::of(text, known))),
                None => extra_cost(text),
            };
        }
    }
    total
}

/// Aligns rows of one layout (consecutive rows with the same number of cells) to the
/// header's columns, keeping cell order: for each cell position, the index of its
/// column, or `None` for a cell beyond the header. Scoring the rows together lets a
/// row whose content is plain decide for its neighbours, whose mostly empty cells fit
/// several columns equally well.
pub(super) fn align<S: AsRef<str>>(
    header: &Header,
    rows: &[&[S]],
    known: &Known,
) -> Vec<Option<usize>> {
    let n = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let m = header.columns.len();
    // fits[k][j]: how well the cells at position k fit column j, summed over the rows.
    let mut fits = vec![vec![0i32; m]; n];
    let mut extras = vec![0i32; n];
    for row in rows {
        for (k, text) in row.iter().enumerate() {
            let text = text.as_ref();
            let features = Features::of(text, known);
            for (j, column) in header.columns.iter().enumerate() {
                fits[k][j] += fit(column.role, &features);
            }
            extras[k] += extra_cost(text);
        }
    }
    // score[i][j]: best score placing the first i cells against the first j columns.
    let mut score = vec![vec![i32::MIN / 2; m + 1]; n + 1];
    let mut step = vec![vec![Step::Start; m + 1]; n + 1];
    score[0][0] = 0;
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = (i32::MIN / 2, Step::Start);
            if i > 0 && j > 0 {
                best = (score[i - 1][j - 1] + fits[i - 1][j - 1], Step::Match);
            }
            if j > 0 {
                // On a tie, skipping this column beats matching it, so that the cell
                // goes to the earlier of two equally fitting columns.
                let cost =
                    skip_cost(&header.columns[j - 1]) * i32::try_from(rows.len()).unwrap_or(1);
                let s = score[i][j - 1] + cost;
                if s >= best.0 {
                    best = (s, Step::Skip);
                }
            }
            if i > 0 {
                let s = score[i - 1][j] + extras[i - 1];
                if s > best.0 {
                    best = (s, Step::Extra);
                }
            }
            score[i][j] = best.0;
            step[i][j] = best.1;
        }
    }
    let mut placed = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        match step[i][j] {
            Step::Match => {
                placed[i - 1] = Some(j - 1);
                i -= 1;
                j -= 1;
            }
            Step::Skip => j -= 1,
            Step::Extra => i -= 1,
            Step::Start => break,
        }
    }
    placed
}

/// What a column of a headerless table holds, counted over its rows.
#[derive(Debug, Default, Clone)]
struct Tally {
    filled: usize,
    chars: usize,
    refs: usize,
    dates: usize,
    codes: usize,
    resources: usize,
    owners: usize,
}

impl Tally {
    fn add(&mut self, text: &str, known: &Known) {
        if text.is_empty() {
            return;
        }
        let features = Features::of(text, known);
        self.filled += 1;
        self.chars += features.chars;
        self.refs += usize::from(features.reference || features.loose_reference);
        self.dates += usize::from(features.date && features.chars <= 60);
        self.codes += usize::from(features.code);
        self.resources += usize::from(features.resource);
        self.owners += usize::from(features.owner >= 20);
    }

    /// The role a column's contents show, for a column whose heading names none.
    fn role(&self) -> Role {
        if self.filled == 0 {
            Role::Blank
        } else if self.mostly(self.refs) {
            Role::Ref
        } else if self.mostly(self.resources) {
            Role::Resource
        } else if self.mostly(self.codes) {
            Role::Rating(0)
        } else if self.mostly(self.dates) {
            Role::Due
        } else if self.mostly(self.owners) {
            Role::Owner
        } else {
            Role::Other
        }
    }

    fn mostly(&self, count: usize) -> bool {
        self.filled > 0 && count * 2 > self.filled
    }

    fn plain_text(&self) -> bool {
        self.filled > 0
            && !(self.mostly(self.refs)
                || self.mostly(self.dates)
                || self.mostly(self.codes)
                || self.mostly(self.resources)
                || self.mostly(self.owners))
    }
}

/// Columns guessed from rows that came without a header: the column of refs, then
/// columns of dates, rating codes, AR/ER codes and initials; the longest text after the
/// refs is the action and a text column before them the objective. Other columns are
/// kept as notes. `None` unless at least two rows carry a ref in the same column.
pub(super) fn guess(rows: &[&[String]], known: &Known) -> Option<Header> {
    if rows.len() < 2 {
        return None;
    }
    let width = rows.iter().map(|r| r.len()).max()?;
    let mut tallies = vec![Tally::default(); width];
    for row in rows {
        for (tally, text) in tallies.iter_mut().zip(row.iter()) {
            if text.is_empty() {
                continue;
            }
            let features = Features::of(text, known);
            tally.filled += 1;
            tally.chars += features.chars;
            tally.refs += usize::from(features.reference);
            tally.dates += usize::from(features.date && features.chars <= 60);
            tally.codes += usize::from(features.code);
            tally.resources += usize::from(features.resource);
            tally.owners += usize::from(features.owner >= 20);
        }
    }
    let ref_column = (0..width)
        .filter(|&k| tallies[k].refs >= 2 && tallies[k].mostly(tallies[k].refs))
        .max_by_key(|&k| tallies[k].refs)?;
    let action = (ref_column + 1..width)
        .filter(|&k| tallies[k].plain_text())
        .max_by_key(|&k| tallies[k].chars / tallies[k].filled.max(1))?;
    let mut objective = false;
    let mut ratings = Vec::new();
    let columns = tallies
        .iter()
        .enumerate()
        .map(|(k, tally)| {
            let role = if k == ref_column {
                Role::Ref
            } else if k == action {
                Role::Action
            } else if tally.filled == 0 {
                Role::Blank
            } else if tally.mostly(tally.resources) {
                Role::Resource
            } else if tally.mostly(tally.codes) && ratings.is_empty() {
                ratings.push(format!("Column {}", k + 1));
                Role::Rating(0)
            } else if tally.mostly(tally.dates) {
                Role::Due
            } else if tally.mostly(tally.owners) {
                Role::Owner
            } else if k < ref_column && !objective {
                objective = true;
                Role::Objective
            } else {
                Role::Other
            };
            Column::new(role, format!("Column {}", k + 1))
        })
        .collect();
    let rating_periods = vec![None; ratings.len()];
    Some(Header {
        columns,
        width,
        ratings,
        rating_periods,
        updates: Vec::new(),
    })
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Start,
    Match,
    Skip,
    Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(cells: &[&str]) -> Vec<Role> {
        recognise(cells, &Known::default())
            .unwrap()
            .columns
            .iter()
            .map(|c| c.role)
            .collect()
    }

    #[test]
    fn a_column_named_after_a_periods_series_is_that_periods_progress() {
        use Role::*;
        let header = recognise(
            &[
                "Ref",
                "Action",
                "Stocktake 1 (March 2024): status",
                "Stocktake 1: evidence",
                "Stocktake 2 (September 2024): status",
                "Stocktake 2: evidence",
                "Evidence of impact",
            ],
            &Known::default(),
        )
        .unwrap();
        let roles: Vec<Role> = header.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                Ref,
                Action,
                Rating(0),
                Progress(0),
                Rating(1),
                Progress(1),
                Measures
            ]
        );
        let periods: Vec<String> = header
            .updates
            .iter()
            .map(|u| u.period.map(|p| p.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(periods, ["2024-03", "2024-09"]);
    }

    #[test]
    fn header_synonyms_name_the_same_roles() {
        use Role::*;
        assert_eq!(
            roles(&[
                "Objective",
                "How will we achieve this?",
                "How will we know we have achieved it?",
                "Action Owner",
                "How far have we come? Progress",
                "Time-scale",
                "RAG"
            ]),
            [
                Objective,
                Ref,
                Action,
                Measures,
                Owner,
                Progress(0),
                Due,
                Rating(0)
            ]
        );
        assert_eq!(
            roles(&[
                "Intended outcome",
                "What are we doing?",
                "Who's doing it?",
                "By when?",
                "Status",
                "Success measures"
            ]),
            [Objective, Ref, Action, Owner, Due, Rating(0), Measures]
        );
        assert_eq!(
            roles(&[
                "Outcomes (what we intend to achieve)",
                "Ref",
                "Implementation (Actions - what are we going to do)",
                "Resource Required",
                "Key milestones (Action tracker)",
                "Deadline",
                "BRAG + date"
            ]),
            [Objective, Ref, Action, Resource, Milestone, Due, Rating(0)]
        );
        assert_eq!(
            roles(&[
                "Priority",
                "Action",
                "Lead officer",
                "Completion date",
                "Evaluation",
                "Impact"
            ]),
            [Area, Ref, Action, Owner, Due, Measures, Measures]
        );
        assert_eq!(
            roles(&[
                "Priority",
                "Outcome",
                "Ref",
                "Action",
                "Lead officer",
                "Start",
                "Completion date",
                "Status",
                "Latest update"
            ]),
            [
                Area,
                Objective,
                Ref,
                Action,
                Owner,
                Start,
                Due,
                Rating(0),
                Progress(0)
            ]
        );
        assert_eq!(
            roles(&[
                "Outcome we want",
                "No.",
                "What we will do",
                "Who will lead",
                "When",
                "January 2025 RAG",
                "January 2025 update"
            ]),
            [Objective, Ref, Action, Owner, Due, Rating(0), Progress(0)]
        );
    }

    #[test]
    fn an_area_column_is_told_from_a_focus_area_or_priority_column() {
        use Role::*;
        assert_eq!(
            roles(&["Area of weakness", "Ref", "Action", "Lead", "Deadline"]),
            [Area, Ref, Action, Owner, Due]
        );
        assert_eq!(
            roles(&["Workstream", "Objective", "Action", "RAG"]),
            [Area, Objective, Ref, Action, Rating(0)]
        );
        assert_eq!(roles(&["Focus area", "Action"]), [Objective, Ref, Action]);
    }

    #[test]
    fn completed_impact_and_sustained_together_are_rating_dimensions() {
        let header = recognise(
            &[
                "",
                "Focus area",
                "Action",
                "Reference",
                "Completed",
                "Impact",
                "Sustained",
            ],
            &Known::default(),
        )
        .unwrap();
        assert_eq!(header.ratings, ["Completed", "Impact", "Sustained"]);
        assert!(header.names_ref());
    }

    #[test]
    fn data_rows_and_prose_are_not_headers() {
        assert!(
            recognise(
                &["1. Do things", "1.1", "Review the plan", "SK", "April 2019"],
                &Known::default()
            )
            .is_none()
        );
        assert!(
            recognise(
                &["Initial", "Name", "Position/Organisation"],
                &Known::default()
            )
            .is_none()
        );
        assert!(recognise(&["RAG", "Red, Amber, Green"], &Known::default()).is_none());
        assert!(recognise(&["Action Owner List", "28"], &Known::default()).is_none());
    }

    #[test]
    fn a_merged_header_cell_still_aligns_the_ref_and_a_missing_cell_is_skipped() {
        use Role::*;
        let header = recognise(
            &[
                "Objective",
                "How will we achieve this?",
                "",
                "How will we know we have achieved it?",
                "Action Owner",
                "How far have we come? Progress",
                "Time-scale",
                "RAG",
            ],
            &Known::default(),
        )
        .unwrap();
        let known = Known::default();
        let full = [
            "1. Aim",
            "1.1",
            "Do it",
            "It is done",
            "SK (ORG)",
            "Started",
            "April 2019",
            "A",
        ];
        let roles_of = |cells: &[&str]| -> Vec<Option<Role>> {
            align(&header, &[cells], &known)
                .into_iter()
                .map(|c| c.map(|i| header.columns[i].role))
                .collect()
        };
        assert_eq!(
            roles_of(&full),
            [
                Objective,
                Ref,
                Action,
                Measures,
                Owner,
                Progress(0),
                Due,
                Rating(0)
            ]
            .map(Some)
        );
        let short = ["", "1.2", "Do more", "SP (ORG)", "Begun", "March 2020", ""];
        assert_eq!(
            roles_of(&short),
            [Objective, Ref, Action, Owner, Progress(0), Due, Rating(0)].map(Some)
        );
    }

    #[test]
    fn excel_serial_dates_are_read_only_as_whole_cells() {
        let by = |t: &str| parse_due(t).map(|d| d.by.to_string());
        assert_eq!(by("43921").as_deref(), Some("2020-03-31"));
        assert_eq!(by("43921.0").as_deref(), Some("2020-03-31"));
        assert_eq!(by("April 2019").as_deref(), Some("2019-04"));
        assert_eq!(by("12345"), None);
        assert_eq!(by("Budget 43921"), None);
    }

    #[test]
    fn refs_and_initials_are_recognised() {
        for good in ["1.1", "1.2a", "2.4.3", "1.10", "3a"] {
            assert!(is_ref(good), "{good}");
        }
        for bad in ["2019", "1", "1.1.1.1.1", "Review"] {
            assert!(!is_ref(bad), "{bad}");
        }
        assert_eq!(
            leading_ref("1.1 Review the JSNA"),
            Some(("1.1".into(), "Review the JSNA".into()))
        );
        assert!(
            is_initials("DiH") && is_initials("SK") && !is_initials("Dr") && !is_initials("Steve")
        );
        assert_eq!(without_brackets("SK (ORG) KH (FORUM"), "SK  KH ");
    }
}
