//! From rows to the plan tree: objectives from the objective column, actions with their
//! owners, deadlines, ratings and milestones, the rating scheme from the document's key,
//! and the warnings a reader should check.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::clean::{clean, items, paragraphs, starts_lowercase};
use super::columns::{Role, is_initials, parse_due, without_brackets};
use super::front::Front;
use super::sections::{Key, Sections, level_code, people_named};
use super::table::{AreaDraft, Layout, Record};
use crate::documents::ImportReport;
use crate::domain::{
    Action, Area, Milestone, Objective, PartialDate, Person, PlanTree, ProgressUpdate,
    RatingScheme, Resource,
};

static OBJECTIVE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^([0-9]{1,2}(?:\.[0-9]{1,2}){0,2})\.?\s+([A-Z“"‘'(].*)$"#).expect("valid regex")
});
static IMPACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)Impact(?-u:\b)\s*(:?)\s*").expect("valid regex"));

/// "1. To have…" → ("1", "To have…"); "8 To ensure…" → ("8", "To ensure…").
pub(super) fn objective_number(text: &str) -> Option<(String, String)> {
    let caps = OBJECTIVE_NUMBER.captures(text)?;
    Some((caps[1].to_owned(), caps[2].trim().to_owned()))
}

/// Builds the plan from what was read.
// One step after another over the plan's parts; splitting it would only pass them around.
#[allow(clippy::too_many_lines)]
pub(super) fn plan(
    front: Front,
    sections: Sections,
    layout: Layout,
    report: &mut ImportReport,
) -> PlanTree {
    let local_area = front.local_area.unwrap_or_else(|| {
        report.warn(
            "file",
            "the local area could not be found in the title; set it by hand",
        );
        "Unknown local area".to_owned()
    });
    let kind = front.kind.unwrap_or_default();
    let title = front
        .title
        .unwrap_or_else(|| format!("{local_area} {}", kind.label().to_lowercase()));
    let mut plan = PlanTree::new(local_area, title);
    plan.kind = kind;
    plan.document_date = front.date;
    plan.rating_scheme = scheme(sections.key.as_ref(), &layout.rating_labels);
    if sections.key.is_none() && rates_yet_to_start(&layout) {
        // No key, but the cells use BRAG(P)'s purple for actions yet to start.
        plan.rating_scheme = RatingScheme::brag_p();
    }
    plan.people = sections.people;
    plan.glossary = sections.glossary;
    let mut context = Context {
        scheme: &plan.rating_scheme,
        people: &plan.people,
        updated: front.date.map(PartialDate::last_day),
        unknown_owners: BTreeMap::new(),
        undated: 0,
        undated_kept: 0,
        status_words: BTreeMap::new(),
        report,
    };
    let listed = sections.areas;
    let areas: Vec<Area> = layout
        .areas
        .into_iter()
        .map(|mut draft| {
            // A list of priorities gives the words an area's table may not repeat.
            if let Some(entry) = listed.iter().find(|a| a.number == draft.number) {
                if draft.title.is_none() {
                    draft.title = Some(entry.title.clone());
                }
                if draft.heading.is_none() {
                    draft.heading = Some(entry.label.clone());
                }
                if draft.sponsor.is_none() {
                    draft.sponsor.clone_from(&entry.sponsor);
                }
            }
            context.area(draft)
        })
        .collect();
    let Context {
        unknown_owners,
        report,
        undated,
        undated_kept,
        status_words,
        ..
    } = context;
    for (word, (code, location)) in status_words {
        let level = plan
            .rating_scheme
            .level(&code)
            .map_or_else(|| code.clone(), |l| format!("{code} ({})", l.label));
        report.warn(
            location,
            format!(
                "the status {word:?} is not on the plan's key; it was read as {level}: check it"
            ),
        );
    }
    if undated > 0 {
        let day = front.date.map(PartialDate::to_uk).unwrap_or_default();
        report.warn(
            "file",
            format!(
                "{undated} progress {} no date of {} own, so {} dated at the document's date ({day}): check the dates",
                if undated == 1 { "text has" } else { "texts have" },
                if undated == 1 { "its" } else { "their" },
                if undated == 1 { "it is" } else { "they are" },
            ),
        );
    }
    if undated_kept > 0 {
        report.warn(
            "file",
            format!(
                "{undated_kept} progress {} no date and the document gives none, so {} kept as notes on {} actions",
                if undated_kept == 1 { "text has" } else { "texts have" },
                if undated_kept == 1 { "it is" } else { "they are" },
                if undated_kept == 1 { "its" } else { "their" },
            ),
        );
    }
    let listed = !plan.people.is_empty();
    for (owner, (location, count)) in unknown_owners {
        let actions = if count == 1 {
            "1 action".to_owned()
        } else {
            format!("{count} actions")
        };
        let message = if listed {
            format!("owner {owner:?} is not in the owner list ({actions}); kept as written")
        } else {
            format!(
                "owner {owner:?} ({actions}) is kept as written: the document has no owner list"
            )
        };
        report.warn(location, message);
    }
    // People the area pages name as sponsors and partners, after the owner list.
    for area in &areas {
        let named = area.sponsor.iter().chain(&area.delivery_partners);
        for person in named.flat_map(|entry| people_named(entry)) {
            if !plan
                .people
                .iter()
                .any(|p| p.name == person.name || p.key() == person.key())
            {
                plan.people.push(person);
            }
        }
    }
    plan.areas = areas;
    plan
}

/// Whether any rating cell is "P" or "Purple", the BRAG(P) level for not started.
fn rates_yet_to_start(layout: &Layout) -> bool {
    layout.areas.iter().flat_map(|a| &a.records).any(|record| {
        record.fields.iter().any(|(role, raw)| {
            matches!(role, Role::Rating(_))
                && matches!(clean(raw).to_lowercase().as_str(), "p" | "purple")
        })
    })
}

struct Context<'a> {
    scheme: &'a RatingScheme,
    people: &'a [Person],
    /// The day progress was reported: the document date's last day.
    updated: Option<time::Date>,
    /// Owners found in no list: where first seen, and how often.
    unknown_owners: BTreeMap<String, (String, usize)>,
    /// Progress texts with no date of their own, dated at the document's date.
    undated: usize,
    /// Status words read as a level the key does not name them for: the code and where.
    status_words: BTreeMap<String, (String, String)>,
    /// Progress texts with no date, kept as notes for want of a document date.
    undated_kept: usize,
    report: &'a mut ImportReport,
}

/// What the columns of one monitoring period say about an action.
#[derive(Default)]
struct PeriodDraft {
    ratings: BTreeMap<String, String>,
    narratives: Vec<String>,
}

#[derive(Default)]
struct ObjectiveDraft {
    number: Option<String>,
    /// The cleaned text of the cell that started it, to know it when it is repeated.
    value: String,
    raw: String,
    actions: Vec<Action>,
}

impl Context<'_> {
    fn area(&mut self, draft: AreaDraft) -> Area {
        let objectives = self.objectives(&draft);
        let title = draft
            .title
            .or_else(|| draft.heading.clone())
            .unwrap_or_else(|| {
                self.report.warn(
                    format!("area {}", draft.number),
                    "no finding was found for this area; its title needs the inspection's words",
                );
                format!("Area {}", draft.number)
            });
        Area {
            number: draft.number,
            title,
            heading: draft.heading,
            sponsor: draft.sponsor,
            delivery_partners: draft.partners,
            objectives,
        }
    }

    /// Groups an area's actions under objectives: a numbered objective cell starts one
    /// (the rest of its text continues it), as does a heading row over numbered actions.
    fn objectives(&mut self, draft: &AreaDraft) -> Vec<Objective> {
        let headings = heading_rows(&draft.records);
        let has_headings = headings.iter().any(Option::is_some);
        let numbered = draft
            .records
            .iter()
            .any(|r| objective_number(&clean(r.field(Role::Objective))).is_some());
        let mut objectives: Vec<ObjectiveDraft> = Vec::new();
        let mut refs: HashSet<String> = HashSet::new();
        for (record, heading) in draft.records.iter().zip(headings) {
            let raw = record.field(Role::Objective);
            let cleaned = clean(raw);
            if let Some(number) = heading {
                // A heading row over the actions numbered under it: an objective. Its
                // other cells have nowhere to go.
                let location = record.location.clone();
                for note in &record.notes {
                    self.report.unmapped(location.clone(), note.clone());
                }
                if !cleaned.is_empty() && cleaned != number {
                    let label = record.label(Role::Objective);
                    self.report
                        .unmapped(location, format!("{label}: {cleaned}"));
                }
                objectives.push(ObjectiveDraft {
                    number: Some(number),
                    value: String::new(),
                    raw: record.field(Role::Action).to_owned(),
                    actions: Vec::new(),
                });
                continue;
            }
            let mut action = self.action(record);
            if let Some(reference) = action.reference.take() {
                let unique = self.unique_ref(&reference, &mut refs, draft.number, &record.location);
                action.reference = Some(unique);
            }
            if has_headings {
                // Headings carry the objectives; the objective column only labels rows.
                if !cleaned.is_empty() {
                    let label = record.label(Role::Objective);
                    action.notes.push(format!("{label}: {cleaned}"));
                }
                if objectives.is_empty() {
                    objectives.push(ObjectiveDraft::default());
                }
            } else if !cleaned.is_empty() && objectives.last().is_some_and(|o| o.value == cleaned) {
                // The same outcome written again on each row, or merged down the rows:
                // one objective holding them all.
            } else if starts_objective(&objectives, &cleaned, numbered) {
                objectives.push(ObjectiveDraft {
                    number: objective_number(&cleaned).map(|(n, _)| n),
                    value: cleaned.clone(),
                    raw: raw.to_owned(),
                    actions: Vec::new(),
                });
            } else if let Some(objective) = objectives.last_mut()
                && !raw.trim().is_empty()
            {
                objective.raw.push(' ');
                objective.raw.push_str(raw);
            }
            if let Some(objective) = objectives.last_mut() {
                objective.actions.push(action);
            }
        }
        objectives
            .into_iter()
            .enumerate()
            .map(|(i, o)| finish_objective(o, i))
            .collect()
    }

    /// A ref used twice in an area keeps the first; the second gets a suffix.
    fn unique_ref(
        &mut self,
        reference: &str,
        refs: &mut HashSet<String>,
        area: u32,
        location: &str,
    ) -> String {
        if refs.insert(reference.to_owned()) {
            return reference.to_owned();
        }
        let mut n = 2;
        let renamed = loop {
            let candidate = format!("{reference} ({n})");
            if refs.insert(candidate.clone()) {
                break candidate;
            }
            n += 1;
        };
        self.report.warn(
            location,
            format!(
                "ref {reference} is used twice in area {area}; this one is stored as {renamed:?}"
            ),
        );
        renamed
    }

    // Each column role read in turn; the match arms are the roles, kept side by side.
    #[allow(clippy::too_many_lines, clippy::single_match_else)]
    fn action(&mut self, record: &Record) -> Action {
        let location = record.location.clone();
        let mut action = Action {
            reference: record.reference.clone(),
            text: clean(record.field(Role::Action)),
            owners: self.owners(&clean(record.field(Role::Owner)), record.place(Role::Owner)),
            success_measures: items(record.field(Role::Measures)),
            notes: record.notes.clone(),
            ..Action::default()
        };
        let due_text = clean(record.field(Role::Due));
        if !due_text.is_empty() {
            match parse_due(&due_text) {
                Some(due) => {
                    action.due = Some(due.by);
                    action.due_from = due
                        .from
                        .filter(|from| from.first_day() <= due.by.last_day());
                    if action.due_from.is_none() && due.from.is_some() {
                        self.report.warn(
                            location.clone(),
                            format!("the deadline {due_text:?} ends before it starts; only its end is kept"),
                        );
                    }
                }
                None => self.report.warn(
                    record.place(Role::Due),
                    format!("the deadline {due_text:?} names no date; kept as written"),
                ),
            }
            action.due_text = Some(due_text);
        }
        let start_text = clean(record.field(Role::Start));
        if !start_text.is_empty() {
            // A start column is the start of the period, never the deadline.
            match parse_due(&start_text).map(|d| d.from.unwrap_or(d.by)) {
                Some(start)
                    if action
                        .due
                        .is_none_or(|due| start.first_day() <= due.last_day()) =>
                {
                    action.due_from = Some(start);
                }
                _ => action
                    .notes
                    .push(format!("{}: {start_text}", record.label(Role::Start))),
            }
        }
        let mut periods: BTreeMap<PartialDate, PeriodDraft> = BTreeMap::new();
        for (index, slot) in record.rating_labels.iter().enumerate() {
            let Ok(index) = u8::try_from(index) else {
                break;
            };
            let text = clean(record.field(Role::Rating(index)));
            if text.is_empty() {
                continue;
            }
            match slot.period {
                None => self.rate(
                    &mut action,
                    &slot.label,
                    usize::from(index),
                    &text,
                    &location,
                ),
                Some(period) => {
                    // A period's rating: read into a scratch action, kept for its update.
                    let mut scratch = Action::default();
                    self.rate(&mut scratch, &slot.label, 0, &text, &location);
                    let draft = periods.entry(period).or_default();
                    draft.ratings.extend(scratch.ratings);
                    action.notes.extend(scratch.notes);
                }
            }
        }
        let resource = clean(record.field(Role::Resource));
        if !resource.is_empty() {
            // "ER", or a code followed by words ("ER (existing staff)"), kept as a note.
            let first = resource.split_whitespace().next().unwrap_or_default();
            action.resource = Resource::from_code(first);
            if action.resource.is_none() || first.len() < resource.len() {
                action.notes.push(format!("Resource: {resource}"));
            }
        }
        self.milestones(record, &mut action);
        if action.text.is_empty() {
            action.text = action
                .milestones
                .first()
                .map(|m| m.text.clone())
                .or_else(|| action.success_measures.first().cloned())
                .unwrap_or_else(|| "(no action text in the source)".to_owned());
            self.report
                .warn(location.clone(), "this action has no text of its own");
        }
        for (index, slot) in record.update_slots.iter().enumerate() {
            let Ok(index) = u8::try_from(index) else {
                break;
            };
            let raw = record.field(Role::Progress(index));
            match slot.period {
                Some(period) => {
                    let text = clean(raw);
                    if !text.is_empty() {
                        periods.entry(period).or_default().narratives.push(text);
                    }
                }
                None => {
                    let written = parse_due(&clean(record.field(Role::Updated))).map(|d| d.by);
                    self.progress(raw, written, &mut action);
                }
            }
        }
        Self::periods(periods, &mut action);
        action
    }

    /// Progress text without a period in its heading: each paragraph that starts with a
    /// date is an update of that day (later undated paragraphs continue it); text with no
    /// date at all is an update dated at the document's date, and the report says so.
    #[allow(clippy::single_match_else)]
    fn progress(&mut self, raw: &str, written: Option<PartialDate>, action: &mut Action) {
        let mut entries: Vec<(Option<PartialDate>, String)> = Vec::new();
        for paragraph in paragraphs(raw) {
            let paragraph = clean(&paragraph);
            if paragraph.is_empty() {
                continue;
            }
            match crate::domain::parse_dated_entry(&paragraph) {
                Some((date, rest)) => entries.push((Some(date), rest.to_owned())),
                None => match entries.last_mut() {
                    Some((_, text)) => {
                        text.push(' ');
                        text.push_str(&paragraph);
                    }
                    None => entries.push((None, paragraph)),
                },
            }
        }
        let latest = entries.iter().filter_map(|(date, _)| *date).max();
        for (date, narrative) in entries {
            let (day, ratings) = match date {
                Some(date) => {
                    let ratings = if Some(date) == latest {
                        action.ratings.clone()
                    } else {
                        BTreeMap::new()
                    };
                    (date.last_day(), ratings)
                }
                None if written.is_some() => (
                    written.map_or(time::Date::MIN, PartialDate::last_day),
                    action.ratings.clone(),
                ),
                None => match self.updated {
                    Some(day) => {
                        self.undated += 1;
                        (day, action.ratings.clone())
                    }
                    None => {
                        action
                            .notes
                            .push(format!("Progress (undated): {narrative}"));
                        self.undated_kept += 1;
                        continue;
                    }
                },
            };
            action.updates.push(ProgressUpdate {
                date: day,
                author: None,
                narrative,
                ratings,
            });
        }
        action.updates.sort_by_key(|u| u.date);
    }

    /// One update per monitoring period named in the headings ("RAG Sep 24 | Update Sep
    /// 24"), oldest first; the action's current rating is the latest period's where no
    /// column without a period gives it.
    fn periods(periods: BTreeMap<PartialDate, PeriodDraft>, action: &mut Action) {
        let mut latest: Option<BTreeMap<String, String>> = None;
        for (period, draft) in periods {
            if draft.ratings.is_empty() && draft.narratives.is_empty() {
                continue;
            }
            if !draft.ratings.is_empty() {
                latest = Some(draft.ratings.clone());
            }
            action.updates.push(ProgressUpdate {
                date: period.last_day(),
                author: None,
                narrative: draft.narratives.join(" "),
                ratings: draft.ratings,
            });
        }
        if let Some(latest) = latest {
            for (dimension, code) in latest {
                action.ratings.entry(dimension).or_insert(code);
            }
        }
        action.updates.sort_by_key(|u| u.date);
    }

    /// The milestone rows: deadlines parsed, and a date in the rating column read as
    /// the day the milestone was done.
    fn milestones(&mut self, record: &Record, action: &mut Action) {
        for draft in &record.milestones {
            let text = clean(&draft.text);
            if text.is_empty() {
                continue;
            }
            let due_text = clean(&draft.due);
            let status = clean(&draft.status);
            let due = parse_due(&due_text).map(|d| d.by);
            if due.is_none() && !due_text.is_empty() {
                self.report.warn(
                    draft.location.clone(),
                    format!("the milestone deadline {due_text:?} names no date; kept as written"),
                );
            }
            let done = parse_due(&status).map(|d| d.by);
            if done.is_none() && !status.is_empty() {
                action
                    .notes
                    .push(format!("Milestone {:?} is rated {status}", short(&text)));
            }
            action.milestones.push(Milestone {
                text,
                due,
                due_text: (!due_text.is_empty()).then_some(due_text),
                done,
                done_text: done.map(|_| status),
            });
        }
    }

    /// Puts a rating cell on the action when it names a level of the key.
    fn rate(&mut self, action: &mut Action, label: &str, index: usize, text: &str, location: &str) {
        let dimension = dimension_for(self.scheme, label, index);
        let code = level_for(self.scheme, text);
        if let Some(code) = &code
            && key_level(self.scheme, text).is_none()
        {
            // A status word the key does not define, read as the nearest level.
            self.status_words
                .entry(text.to_owned())
                .or_insert_with(|| (code.clone(), location.to_owned()));
        }
        match (dimension, code) {
            (Some(dimension), Some(code)) => {
                let allowed = self
                    .scheme
                    .dimension(&dimension)
                    .is_some_and(|d| d.levels.is_empty() || d.levels.iter().any(|c| c == &code));
                if allowed {
                    action.ratings.insert(dimension, code);
                    return;
                }
                action.notes.push(format!("{label}: {text}"));
            }
            (_, None) if parse_due(text).is_some() => {
                action.notes.push(format!("{label}: {text}"));
                return;
            }
            _ => action.notes.push(format!("{label}: {text}")),
        }
        self.report.warn(
            location.to_owned(),
            format!("the rating {text:?} in {label:?} is not on the plan's key; kept as a note"),
        );
    }

    /// Owner keys from an owner cell: initials found in the owner list, names matched to
    /// people, and anything else kept as written (and reported).
    fn owners(&mut self, text: &str, location: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let whole = text.trim().trim_end_matches('.');
        if let Some(person) = person_by_role(self.people, whole) {
            return vec![person.key().to_owned()];
        }
        for written in lead_segments(text) {
            // A bracket qualifies a lead ("JB (Head of SEND)", "Commissioning lead (ICB)"):
            // initials and names are matched without it; a lead kept as written keeps it.
            let bare = without_brackets(&written);
            let segment = bare.trim().trim_end_matches('.').trim();
            if segment.is_empty() {
                continue;
            }
            let found = |key: &str| self.people.iter().find(|p| p.key() == key);
            if let Some(person) = self
                .people
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(segment))
                .or_else(|| person_by_role(self.people, segment))
                .or_else(|| person_by_role(self.people, &written))
            {
                out.push(person.key().to_owned());
                continue;
            }
            let words: Vec<&str> = segment.split_whitespace().collect();
            if words.iter().all(|w| found(w).is_some() || is_initials(w)) {
                for word in words {
                    if found(word).is_none() {
                        self.unknown(word, location);
                    }
                    out.push(word.to_owned());
                }
            } else {
                self.unknown(&written, location);
                out.push(written);
            }
        }
        let mut seen = HashSet::new();
        out.retain(|o| seen.insert(o.clone()));
        out
    }

    fn unknown(&mut self, owner: &str, location: &str) {
        let entry = self
            .unknown_owners
            .entry(owner.to_owned())
            .or_insert_with(|| (location.to_owned(), 0));
        entry.1 += 1;
    }
}

/// The leads in an owner cell, split at commas, semicolons, slashes, ampersands, pluses,
/// line breaks and " and ", but never inside brackets, so "All SENCOs (via head of
/// inclusion and DCO)" stays one lead.
fn lead_segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let separator = depth == 0
            && (matches!(c, ',' | ';' | '/' | '&' | '+' | '\n')
                || rest
                    .get(..5)
                    .is_some_and(|s| s.eq_ignore_ascii_case(" and ")));
        if separator {
            out.push(std::mem::take(&mut current));
            rest = &rest[if c == ' ' { 5 } else { len }..];
            continue;
        }
        current.push(c);
        rest = &rest[len..];
    }
    out.push(current);
    out.into_iter()
        .map(|s| s.trim().trim_end_matches('.').trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The one person whose job title a lead is written as ("Head of SEND"), through a
/// who's-who or an owner list with roles. `None` when no role or several match.
fn person_by_role<'p>(people: &'p [Person], lead: &str) -> Option<&'p Person> {
    let wanted = crate::documents::mapping::normalise_heading(lead);
    if wanted.split_whitespace().count() < 2 {
        return None;
    }
    let mut found = people.iter().filter(|p| {
        p.role
            .as_deref()
            .is_some_and(|role| crate::documents::mapping::normalise_heading(role) == wanted)
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Whether an objective cell starts a new objective: it is numbered (with a new
/// number), or the area numbers none and this one reads as a statement of its own.
fn starts_objective(objectives: &[ObjectiveDraft], cleaned: &str, numbered: bool) -> bool {
    match objective_number(cleaned) {
        Some((number, _)) => objectives
            .last()
            .is_none_or(|o| o.number.as_deref() != Some(number.as_str())),
        None => {
            objectives.is_empty()
                || (!numbered
                    && !cleaned.is_empty()
                    && !starts_lowercase(cleaned)
                    && !cleaned.starts_with("Impact"))
        }
    }
}

/// For each record, the objective number when it is a heading row: no ref of its own,
/// action text, and the next record's ref starts a new group ("1.2.1" after "1.1.3").
fn heading_rows(records: &[Record]) -> Vec<Option<String>> {
    let stem = |reference: &str| -> Option<String> {
        let bare = reference.trim_end_matches(|c: char| c.is_ascii_lowercase());
        bare.rsplit_once('.').map(|(head, _)| head.to_owned())
    };
    let mut previous: Option<String> = None;
    let mut out = Vec::with_capacity(records.len());
    for (k, record) in records.iter().enumerate() {
        if let Some(reference) = &record.reference {
            previous = stem(reference);
            out.push(None);
            continue;
        }
        let next = records
            .get(k + 1)
            .and_then(|r| r.reference.as_deref())
            .and_then(stem);
        let heading = match next {
            Some(next)
                if !record.milestone_table
                    && !clean(record.field(Role::Action)).is_empty()
                    && previous.as_deref() != Some(next.as_str()) =>
            {
                Some(next)
            }
            _ => None,
        };
        out.push(heading);
    }
    out
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Splits the objective column's text into the statement (without its number) and the
/// "Impact" items that follow it, wherever they continue.
fn finish_objective(draft: ObjectiveDraft, index: usize) -> Objective {
    let mut pieces = split_impact(&draft.raw).into_iter();
    let statement = clean(pieces.next().unwrap_or_default());
    let impact_statements: Vec<String> = pieces.flat_map(items).collect();
    let (number, text) = match objective_number(&statement) {
        Some((number, rest)) => (Some(number), rest),
        None => (None, statement),
    };
    let number = draft
        .number
        .or(number)
        .or_else(|| {
            draft.actions.iter().find_map(|a| {
                let reference = a.reference.as_deref()?;
                let stem = reference.trim_end_matches(|c: char| c.is_ascii_lowercase());
                stem.rsplit_once('.').map(|(head, _)| head.to_owned())
            })
        })
        .unwrap_or_else(|| (index + 1).to_string());
    Objective {
        number,
        text,
        impact_statements,
        success_measures: Vec::new(),
        actions: draft.actions,
    }
}

/// The text before the first "Impact" heading, then the text after each one. A heading
/// is the word alone: followed by a colon, a tag or the end, and not inside a sentence.
fn split_impact(raw: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for caps in IMPACT.captures_iter(raw) {
        let Some(whole) = caps.get(0) else { continue };
        let before = raw.get(..whole.start()).and_then(|b| b.chars().next_back());
        let after = raw.get(whole.end()..).unwrap_or_default();
        let colon = caps.get(1).is_some_and(|c| !c.as_str().is_empty());
        let boundary_before = before.is_none_or(|c| c.is_whitespace() || c == '>');
        let boundary_after = after.is_empty() || after.starts_with('<') || colon;
        if boundary_before && boundary_after {
            pieces.push(raw.get(start..whole.start()).unwrap_or_default());
            start = whole.end();
        }
    }
    pieces.push(raw.get(start..).unwrap_or_default());
    pieces
}

/// The dimension a rating column feeds: one of the key's by name, else the first.
fn dimension_for(scheme: &RatingScheme, label: &str, index: usize) -> Option<String> {
    let wanted = label.trim().to_lowercase();
    scheme
        .dimensions
        .iter()
        .find(|d| d.key == wanted || d.label.to_lowercase() == wanted)
        .or_else(|| {
            if index == 0 {
                scheme.dimensions.first()
            } else {
                None
            }
        })
        .map(|d| d.key.clone())
}

/// The level a rating cell names: its code, colour word, label or meaning, else the
/// level a status word means.
fn level_for(scheme: &RatingScheme, text: &str) -> Option<String> {
    key_level(scheme, text).or_else(|| status_level(scheme, text))
}

/// The level a rating cell names by the key's own codes, colours, labels or meanings.
fn key_level(scheme: &RatingScheme, text: &str) -> Option<String> {
    let first = text
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | ':' | '(' | '/'))
        .find(|w| !w.is_empty())?;
    let by_code = |code: &str| scheme.level(code).map(|l| l.code.clone());
    by_code(first)
        .or_else(|| level_code(first).and_then(|c| by_code(&c)))
        .or_else(|| {
            // "Green", "On track", "Complete": a level's label, or the words its meaning
            // starts with.
            let lower = text.to_lowercase();
            scheme
                .levels
                .iter()
                .find(|l| {
                    let meaning = l.meaning.to_lowercase();
                    l.label.to_lowercase() == lower
                        || meaning == lower
                        || meaning
                            .strip_prefix(&lower)
                            .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()))
                        // A key's word cut short by a narrow cell ("Some dela" for "Some
                        // delay", as a spreadsheet printed to PDF clips it).
                        || (meaning.chars().count() >= 4
                            && lower
                                .strip_prefix(&meaning)
                                .is_some_and(|rest| rest.starts_with(char::is_alphanumeric)))
                })
                .map(|l| l.code.clone())
        })
}

/// A status word trackers use instead of a colour ("Complete", "On track", "Delayed",
/// "At risk", "Not started") as the scheme's level for it: the level marked complete,
/// then G, A or R, and P for "not started" where the key has it.
fn status_level(scheme: &RatingScheme, text: &str) -> Option<String> {
    let words = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let is = |phrases: &[&str]| {
        phrases
            .iter()
            .any(|p| words == *p || words.starts_with(&format!("{p} ")))
    };
    let codes: &[&str] = if is(&[
        "complete",
        "completed",
        "done",
        "achieved",
        "closed",
        "finished",
    ]) {
        if let Some(level) = scheme.levels.iter().find(|l| l.complete) {
            return Some(level.code.clone());
        }
        &["B", "G"]
    } else if is(&[
        "not started",
        "yet to start",
        "not yet started",
        "to start",
        "not due",
        "not yet due",
        "planned",
    ]) {
        &["P", "R"]
    } else if is(&[
        "at risk",
        "off track",
        "not on track",
        "stalled",
        "blocked",
        "overdue",
        "significant delay",
        "significant delays",
        "major delay",
        "not achieved",
        "not on target",
    ]) {
        &["R"]
    } else if is(&[
        "delayed",
        "behind",
        "behind schedule",
        "slipped",
        "slipping",
        "some delays",
        "some delay",
        "minor delays",
        "minor delay",
        "delay",
        "partially complete",
        "partly complete",
        "at risk of delay",
        "behind plan",
    ]) {
        &["A"]
    } else if is(&[
        "on track",
        "on schedule",
        "in progress",
        "progressing",
        "good progress",
        "ongoing",
        "on target",
        "started",
        "underway",
        "under way",
    ]) {
        &["G"]
    } else {
        return None;
    };
    codes
        .iter()
        .find_map(|code| scheme.level(code).map(|l| l.code.clone()))
}

/// The rating scheme: the preset the document's key matches, by codes or by meaning
/// words, with the document's own wording; else a scheme made from the key as written.
pub(super) fn scheme(key: Option<&Key>, rating_labels: &[String]) -> RatingScheme {
    let Some(key) = key else {
        let dimensions = ["completed", "impact", "sustained"];
        let multi = rating_labels
            .iter()
            .filter(|l| dimensions.contains(&l.trim().to_lowercase().as_str()))
            .count();
        return if multi >= 2 {
            RatingScheme::brag_p()
        } else {
            RatingScheme::default()
        };
    };
    let coded = key.levels.iter().all(|l| l.code.is_some());
    let mut best: Option<(f64, RatingScheme, Vec<usize>)> = None;
    for preset in RatingScheme::presets() {
        let Some((score, matched)) = match_preset(key, &preset, coded) else {
            continue;
        };
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, preset, matched));
        }
    }
    let threshold = if coded {
        0.0
    } else {
        0.25 * count(key.levels.len())
    };
    let heading = key.heading.trim().trim_end_matches(':').trim();
    let named = !heading.is_empty() && !heading.to_lowercase().contains("as follows");
    match best {
        Some((score, mut preset, matched)) if score >= threshold => {
            let mut levels = Vec::with_capacity(preset.levels.len());
            for (doc, &at) in key.levels.iter().zip(&matched) {
                if let Some(level) = preset.levels.get(at) {
                    let mut level = level.clone();
                    level.meaning.clone_from(&doc.meaning);
                    levels.push(level);
                }
            }
            for (at, level) in preset.levels.iter().enumerate() {
                if !matched.contains(&at) {
                    levels.push(level.clone());
                }
            }
            preset.levels = levels;
            if named {
                heading.clone_into(&mut preset.name);
            }
            preset
        }
        _ => custom_scheme(key, if named { heading } else { "Rating key" }),
    }
}

/// How well a key matches a preset: with codes, every code must be the preset's and the
/// meanings are compared level by level; without, each meaning takes its closest level.
fn match_preset(key: &Key, preset: &RatingScheme, coded: bool) -> Option<(f64, Vec<usize>)> {
    let mut matched = Vec::with_capacity(key.levels.len());
    let mut score = 0.0;
    for level in &key.levels {
        let at = if coded {
            let code = level.code.as_deref()?;
            preset.levels.iter().position(|l| l.code == code)?
        } else {
            (0..preset.levels.len())
                .filter(|at| !matched.contains(at))
                .max_by(|&a, &b| {
                    let sa = similarity(&level.meaning, &preset.levels[a].meaning);
                    let sb = similarity(&level.meaning, &preset.levels[b].meaning);
                    sa.total_cmp(&sb).then(b.cmp(&a))
                })?
        };
        if matched.contains(&at) {
            return None;
        }
        score += similarity(&level.meaning, &preset.levels[at].meaning);
        matched.push(at);
    }
    Some((score, matched))
}

fn custom_scheme(key: &Key, name: &str) -> RatingScheme {
    let mut scheme = RatingScheme {
        name: name.to_owned(),
        ..RatingScheme::default()
    };
    let brag = RatingScheme::brag_p();
    let mut levels = Vec::new();
    for (i, level) in key.levels.iter().enumerate() {
        let code = level.code.clone().unwrap_or_else(|| (i + 1).to_string());
        if levels
            .iter()
            .any(|l: &crate::domain::Level| l.code.eq_ignore_ascii_case(&code))
        {
            continue;
        }
        let known = brag.level(&code);
        levels.push(crate::domain::Level {
            label: known.map_or_else(|| format!("Level {code}"), |l| l.label.clone()),
            colour: known.map(|l| l.colour.clone()).unwrap_or_default(),
            complete: level.meaning.to_lowercase().starts_with("complete"),
            meaning: level.meaning.clone(),
            code,
        });
    }
    scheme.levels = levels;
    scheme
}

/// Shared words over all words (Dice), words compared by their first five letters so
/// "complete", "completed" and "completion" agree.
fn similarity(a: &str, b: &str) -> f64 {
    const STOP: [&str; 12] = [
        "the", "a", "an", "of", "for", "and", "or", "to", "but", "at", "in", "be",
    ];
    let stems = |text: &str| -> HashSet<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !STOP.contains(w))
            .map(|w| w.chars().take(5).collect())
            .collect()
    };
    let (a, b) = (stems(a), stems(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = count(a.intersection(&b).count());
    2.0 * shared / count(a.len() + b.len())
}

/// A small count as a float; counts here are words and levels, far below 2^32.
fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::text::sections::KeyLevel;

    fn key(heading: &str, levels: &[(Option<&str>, &str)]) -> Key {
        Key {
            heading: heading.to_owned(),
            levels: levels
                .iter()
                .map(|(code, meaning)| KeyLevel {
                    code: code.map(str::to_owned),
                    meaning: (*meaning).to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_key_without_codes_is_matched_to_a_preset_by_its_meanings() {
        let found = scheme(
            Some(&key(
                "RAG Rating Key",
                &[
                    (None, "Completed for the submission of the WSOA (Dec 2018)"),
                    (
                        None,
                        "Action not yet completed, but on track and scheduled for completion within six months",
                    ),
                    (None, "Action not on track, risk to implementation"),
                    (
                        None,
                        "Longer-term action, not scheduled for completion within six months",
                    ),
                ],
            )),
            &[],
        );
        let codes: Vec<&str> = found.levels.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["B", "G", "R", "A"]);
        assert_eq!(found.name, "RAG Rating Key");
        assert_eq!(
            found.levels[2].meaning,
            "Action not on track, risk to implementation"
        );
        assert!(found.levels[0].complete);
    }

    #[test]
    fn a_coded_key_picks_the_preset_with_its_codes_and_closest_wording() {
        let found = scheme(
            Some(&key(
                "The ratings are as follows:",
                &[
                    (Some("B"), "complete"),
                    (Some("G"), "on track"),
                    (Some("A"), "behind schedule"),
                    (Some("R"), "not started/risk"),
                ],
            )),
            &[],
        );
        assert_eq!(found.name, "BRAG");
        assert_eq!(found.levels[3].meaning, "not started/risk");
        found.validate().unwrap();
    }

    #[test]
    fn a_key_word_clipped_by_a_narrow_cell_still_names_its_level() {
        let found = scheme(
            Some(&key(
                "Status | BRAG",
                &[
                    (Some("B"), "Complete"),
                    (Some("G"), "On track"),
                    (Some("A"), "Some dela"),
                    (Some("P"), "Not starte"),
                ],
            )),
            &[],
        );
        assert_eq!(key_level(&found, "Some delay").as_deref(), Some("A"));
        assert_eq!(key_level(&found, "Not started").as_deref(), Some("P"));
        // A short meaning is no prefix of a longer word.
        let short = scheme(
            Some(&key("Key", &[(Some("X"), "On"), (Some("Y"), "Off")])),
            &[],
        );
        assert_eq!(key_level(&short, "Ongoing"), None);
    }

    #[test]
    fn a_key_like_no_preset_becomes_its_own_scheme() {
        let found = scheme(
            Some(&key("Status key", &[(None, "Fine"), (None, "Not fine")])),
            &[],
        );
        assert_eq!(found.levels.len(), 2);
        assert_eq!(found.levels[0].code, "1");
        found.validate().unwrap();
    }

    #[test]
    fn status_words_map_to_the_levels_of_the_plans_key() {
        let brag = RatingScheme::brag();
        let level = |t: &str| level_for(&brag, t);
        assert_eq!(level("Complete").as_deref(), Some("B"));
        assert_eq!(level("On track").as_deref(), Some("G"));
        assert_eq!(level("Delayed").as_deref(), Some("A"));
        assert_eq!(level("At risk").as_deref(), Some("R"));
        assert_eq!(level("Not started").as_deref(), Some("R"));
        assert_eq!(level("Purple prose"), None);
        let brag_p = RatingScheme::brag_p();
        assert_eq!(level_for(&brag_p, "Not started").as_deref(), Some("P"));
        assert_eq!(
            level_for(&RatingScheme::rag(), "Completed").as_deref(),
            Some("G")
        );
    }

    #[test]
    fn objective_numbers_come_from_the_leading_number() {
        assert_eq!(
            objective_number("1. To have"),
            Some(("1".into(), "To have".into()))
        );
        assert_eq!(
            objective_number("8 To ensure"),
            Some(("8".into(), "To ensure".into()))
        );
        assert_eq!(
            objective_number("1.2 Outcome: x"),
            Some(("1.2".into(), "Outcome: x".into()))
        );
        assert_eq!(objective_number("2019 figures show"), None);
    }

    #[test]
    fn impact_headings_split_the_objective_cell() {
        let raw = "1.1 Things improve Impact <ul> • A • B</ul> <p>Impact</p> <ul> C</ul> with Impact Assessment";
        let pieces = split_impact(raw);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0].trim(), "1.1 Things improve");
        assert!(pieces[2].contains("Impact Assessment"));
    }
}
