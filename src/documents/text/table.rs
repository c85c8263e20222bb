//! Plan tables: area headings, the prose that introduces each area, and the rows that
//! become actions and milestones.
//!
//! A row with a ref starts an action; a row without one continues it. What a
//! continuation adds depends on the table: where there is a milestone column, each row
//! is a further milestone (unless, just after a page break, its milestone starts in lower
//! case and so finishes the previous one); everywhere else the row's cells are the rest of
//! the cells above, cut by a page break, and are joined to them with a single space.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::clean::{clean, escape, paragraphs, starts_lowercase};
use super::columns::{self, Header, Known, Role, Slot, is_loose_ref, is_ref, leading_ref};
use super::front::heading_text;
use super::lines::{GridKey, Line, Origin};
use crate::documents::ImportReport;

/// An area of weakness as read: its heading, prose and rows.
#[derive(Debug, Default)]
pub(super) struct AreaDraft {
    /// 1, 2, 3…
    pub number: u32,
    /// The heading's own words ("Joint planning…"), else the heading line.
    pub heading: Option<String>,
    /// The finding, from a quote or the first paragraph after the heading.
    pub title: Option<String>,
    /// "Senior Accountable sponsor: …".
    pub sponsor: Option<String>,
    /// "Delivery partners: …", split at top-level commas.
    pub partners: Vec<String>,
    /// Action rows in order.
    pub records: Vec<Record>,
    /// Lines the heading and prose used: released if the area ends up with no rows.
    lines: Vec<usize>,
    /// Made up because rows came before any area heading.
    pub implicit: bool,
}

/// One action's rows, cell text kept raw (with its HTML) until the plan is built.
#[derive(Debug, Default)]
pub(super) struct Record {
    /// Where the action starts: "line 214", "table 3, row 12".
    pub location: String,
    /// "1.1" as written.
    pub reference: Option<String>,
    /// Each role's text, continuation rows joined with a space.
    pub fields: BTreeMap<Role, String>,
    /// The table's rating columns, by [`Role::Rating`] index.
    pub rating_labels: Vec<Slot>,
    /// The table's progress columns, by [`Role::Progress`] index.
    pub update_slots: Vec<Slot>,
    /// Milestone rows.
    pub milestones: Vec<MilestoneDraft>,
    /// Cells that fitted no field, with their column's heading.
    pub notes: Vec<String>,
    /// Whether the table has milestones (so deadlines are theirs, not the action's).
    pub milestone_table: bool,
    /// The headings of the columns the record's cells came from.
    pub labels: BTreeMap<Role, String>,
    /// Where each role's first cell is: "table 2, row 5, cell 4", "Tracker!D7".
    pub places: BTreeMap<Role, String>,
    /// Which table of the document the record came from.
    table: usize,
    /// Every line the record used.
    lines: Vec<usize>,
}

impl Record {
    /// The raw text of a role, or "".
    pub fn field(&self, role: Role) -> &str {
        self.fields.get(&role).map_or("", String::as_str)
    }

    /// Where a role's cell is, else where the record starts.
    pub fn place(&self, role: Role) -> &str {
        self.places.get(&role).unwrap_or(&self.location)
    }

    /// The heading of the column a role came from, for notes.
    pub fn label(&self, role: Role) -> &str {
        self.labels.get(&role).map_or("", String::as_str)
    }

    fn append(&mut self, role: Role, raw: &str) {
        let field = self.fields.entry(role).or_default();
        if !field.is_empty() {
            field.push(' ');
        }
        field.push_str(raw);
    }
}

/// A milestone row as read.
#[derive(Debug, Default, Clone)]
pub(super) struct MilestoneDraft {
    /// Where it is.
    pub location: String,
    /// What will have happened (raw).
    pub text: String,
    /// The deadline cell (raw).
    pub due: String,
    /// The rating column: a completion date or a code (raw).
    pub status: String,
}

/// Everything the tables gave.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// Areas with at least one action row, in document order.
    pub areas: Vec<AreaDraft>,
    /// Labels of every rating column seen, first table first.
    pub rating_labels: Vec<String>,
}

static AREA_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:wsoa\s+)?(?:area\s+of\s+(?:priority\s+action|priority|significant\s+weakness|weakness|concern|improvement|focus|development)|areas?\s+for\s+(?:priority\s+action|improvement|development|action)|priority\s+actions?|priority\s+area|improvement\s+area|focus\s+area|area|workstream|work\s*stream|ws|priority|strand|theme|key\s+priority|significant\s+weakness)\s*(?:no\.?\s*)?([0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\s*[:.–—-]+\s*(.*)|\s+(\S.*))?$",
    )
    .expect("valid regex")
});
static SPONSOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:senior\s+)?(?:accountable\s+|responsible\s+)?(?:sponsor|lead|owner|officer|sro)s?\s*(?:\([^)]*\))?\s*[:–-]\s*(\S.*)$",
    )
    .expect("valid regex")
});
static PARTNERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:key\s+|delivery\s+)?partners?(?:\s+involved)?\s*[:–-]\s*(.*)$")
        .expect("valid regex")
});
static SAID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)(?:said|found|stated|identified|reported|concluded)(?-u:\b)[^“"]{0,40}[“"](.+?)[”"]?\s*$"#)
        .expect("valid regex")
});

/// An area heading: its number and its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AreaHeading {
    /// The area's number.
    pub number: u32,
    /// The words after the number, or the whole line when there are none.
    pub heading: String,
}

/// Reads "Area of priority action 1", "Workstream 2: …", "WSOA Area THREE:", "AREA 2 –",
/// "Priority 1".
pub(super) fn area_heading(text: &str) -> Option<AreaHeading> {
    if text.chars().count() > MAX_HEADING {
        return None;
    }
    heading_of(text)
}

/// Longest area heading in running text: a longer line is prose that starts "Area 1".
const MAX_HEADING: usize = 200;
/// Longest area heading on a table's row of its own, where the inspection's finding is
/// often quoted whole after "Area for improvement 1:".
const MAX_ROW_HEADING: usize = 600;

/// An area heading on a row of its own inside a plan's table.
fn area_row_heading(text: &str) -> Option<AreaHeading> {
    if text.chars().count() > MAX_ROW_HEADING {
        return None;
    }
    heading_of(text)
}

fn heading_of(text: &str) -> Option<AreaHeading> {
    let caps = AREA_HEADING.captures(text)?;
    let number = number_word(&caps[1])?;
    let rest = match (caps.get(2), caps.get(3)) {
        (Some(rest), _) => rest.as_str().trim(),
        (None, Some(rest)) if !starts_lowercase(rest.as_str()) => rest.as_str().trim(),
        (None, Some(_)) => return None,
        (None, None) => "",
    };
    let heading = if rest.is_empty() { text.trim() } else { rest };
    Some(AreaHeading {
        number,
        heading: heading.to_owned(),
    })
}

/// "1", "2.", "3)": an area's number alone.
pub(super) fn bare_number(text: &str) -> Option<u32> {
    let digits = text.trim().trim_end_matches(['.', ')', ':']);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

fn number_word(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return (n > 0).then_some(n);
    }
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    let lower = word.to_ascii_lowercase();
    let at = words.iter().position(|w| *w == lower)?;
    u32::try_from(at + 1).ok()
}

/// Reads the areas and their tables, marking the lines used.
pub(super) fn read(
    lines: &[Line],
    used: &mut [bool],
    known: &Known,
    report: &mut ImportReport,
) -> Layout {
    let mut reader = Reader {
        lines,
        used,
        known,
        report,
        areas: Vec::new(),
        current: None,
        objective_heading: None,
        table: None,
        rating_labels: Vec::new(),
        tables: Vec::new(),
    };
    reader.run();
    let Reader {
        mut areas,
        used,
        rating_labels,
        tables,
        report,
        ..
    } = reader;
    // A plan whose tables number their actions: a table without a single ref (a meeting
    // schedule, a funding plan) is an appendix, not actions; its lines stay unmapped.
    if tables.iter().any(|(_, refs)| *refs) {
        for (id, (header, _)) in tables.iter().enumerate().filter(|(_, (_, refs))| !refs) {
            let mut dropped = 0;
            for area in &mut areas {
                area.records.retain(|record| {
                    let keep = record.table != id;
                    if !keep {
                        dropped += 1;
                        for &i in &record.lines {
                            if let Some(flag) = used.get_mut(i) {
                                *flag = false;
                            }
                        }
                    }
                    keep
                });
            }
            if let Some(&line) = header.as_ref() {
                if let Some(flag) = used.get_mut(line) {
                    *flag = false;
                }
                if dropped > 0 {
                    report.warn(
                        lines.get(line).map(Line::location).unwrap_or_default(),
                        "this table numbers none of its rows, unlike the plan's action tables, \
                         so its rows are listed as unmapped rather than read as actions",
                    );
                }
            }
        }
    }
    let mut kept = Vec::with_capacity(areas.len());
    for area in areas {
        if area.records.is_empty() {
            for &i in &area.lines {
                if let Some(flag) = used.get_mut(i) {
                    *flag = false;
                }
            }
        } else {
            kept.push(area);
        }
    }
    Layout {
        areas: kept,
        rating_labels,
    }
}

struct Table {
    /// Counts tables in document order.
    id: usize,
    header: Header,
    /// A blank line or a repeated header since the last row.
    page_break: bool,
    /// Whether any row of this table had a ref.
    refs_seen: bool,
    /// Whether the current area's last record belongs to this table.
    record: bool,
    /// The cell-to-column layout of the current run of rows, and the line it ends at.
    layout: Option<(usize, Vec<Option<usize>>)>,
    /// The grid the header row sits in: rows of the same grid keep their columns.
    grid: Option<(GridKey, usize)>,
    /// Whether the grid's rows are aligned by their contents rather than by position:
    /// decided once, on the first run of rows, as scoring every run costs time.
    by_content: Option<bool>,
}

impl Table {
    fn accepts(&self, line: &Line) -> bool {
        let wide = line.cells.len() >= 2 && line.cells.len() + 2 >= self.header.width;
        if self.same_grid(line) {
            // A row of the header's own grid, however many of its last cells are empty;
            // a sheet's row of one cell is a note or a heading, not a row of the table.
            let sheet = matches!(line.origin, Origin::SheetRow { .. });
            return line.filled() >= 2 || (!sheet && wide);
        }
        wide
    }

    /// Whether a line sits in the header row's own grid.
    fn same_grid(&self, line: &Line) -> bool {
        matches!(
            (line.grid(), self.grid.as_ref()),
            (Some((key, _)), Some((header_key, _))) if key == *header_key
        )
    }
}

struct Reader<'a> {
    lines: &'a [Line],
    used: &'a mut [bool],
    known: &'a Known,
    report: &'a mut ImportReport,
    areas: Vec<AreaDraft>,
    current: Option<usize>,
    /// An objective named by a heading above its table ("Intended outcome 1.2: …"),
    /// given to the rows after it that name none of their own.
    objective_heading: Option<String>,
    table: Option<Table>,
    rating_labels: Vec<String>,
    /// Each table's header line (if any) and whether any of its rows had a ref.
    tables: Vec<(Option<usize>, bool)>,
}

impl Reader<'_> {
    fn mark(&mut self, i: usize) {
        if let Some(flag) = self.used.get_mut(i) {
            *flag = true;
        }
    }

    fn run(&mut self) {
        let lines = self.lines;
        for (i, line) in lines.iter().enumerate() {
            if self.used.get(i).copied().unwrap_or(true) {
                self.table = None;
            } else if line.is_blank() {
                if let Some(table) = self.table.as_mut()
                    && line.paginated()
                {
                    table.page_break = true;
                }
            } else if line.rule {
                self.mark(i);
            } else if let Some(header) = columns::recognise(&header_labels(line), self.known)
                .or_else(|| self.structural_header(i))
            {
                self.mark(i);
                match self.table.as_mut() {
                    Some(table) if table.header.signature() == header.signature() => {
                        table.page_break = true;
                    }
                    _ => {
                        let location = line.location();
                        self.start_table(header, Some(i), location);
                    }
                }
            } else if let Some(heading) = self
                .table
                .as_ref()
                .filter(|t| t.same_grid(line) && line.filled() == 1)
                .and_then(|_| area_row_heading(&heading_text(&line.text())))
            {
                // "Priority 2: …" on a row of its own inside the table: the table goes on.
                self.start_area(heading, i);
            } else if self.table.as_ref().is_some_and(|t| t.accepts(line)) {
                self.row(i);
            } else {
                self.table = None;
                let heading = (line.filled() == 1)
                    .then(|| area_heading(&heading_text(&line.text())))
                    .flatten();
                if let Some(heading) = heading {
                    self.start_area(heading, i);
                } else if let Some(header) = self.guess_header(i) {
                    self.report.warn(
                        line.location(),
                        "this table has no header row; its columns were guessed from their contents",
                    );
                    self.start_table(header, None, line.location());
                    self.row(i);
                } else {
                    self.prose(i);
                }
            }
        }
    }

    fn start_table(&mut self, header: Header, line: Option<usize>, location: String) {
        self.report.tables.push(header.report(location));
        let grid = line.and_then(|i| self.lines.get(i)).and_then(Line::grid);
        for label in &header.ratings {
            if !self.rating_labels.contains(label) {
                self.rating_labels.push(label.clone());
            }
        }
        self.tables.push((line, false));
        self.table = Some(Table {
            id: self.tables.len() - 1,
            header,
            page_break: false,
            refs_seen: false,
            record: false,
            layout: None,
            grid,
            by_content: None,
        });
    }

    fn start_area(&mut self, heading: AreaHeading, i: usize) {
        let existing = self.areas.iter().position(|a| a.number == heading.number);
        let index = match existing {
            Some(index) if self.areas[index].records.is_empty() => {
                // An earlier mention (a contents line, an introduction): this one is nearer
                // the table, so it wins and the earlier lines are reported instead.
                for &line in &self.areas[index].lines {
                    if let Some(flag) = self.used.get_mut(line) {
                        *flag = false;
                    }
                }
                self.areas[index] = AreaDraft {
                    number: heading.number,
                    ..AreaDraft::default()
                };
                index
            }
            // The same area again ("continued"): carry on adding to it.
            Some(index) => index,
            None => {
                self.areas.push(AreaDraft {
                    number: heading.number,
                    ..AreaDraft::default()
                });
                self.areas.len() - 1
            }
        };
        self.objective_heading = None;
        let area = &mut self.areas[index];
        if area.heading.is_none() {
            area.heading = Some(heading.heading);
        }
        area.lines.push(i);
        self.current = Some(index);
        self.mark(i);
        if let Some(table) = self.table.as_mut() {
            table.record = false;
        }
    }

    /// The area rows go to, creating one when the document has no area headings.
    fn ensure_area(&mut self) -> usize {
        if let Some(index) = self.current {
            return index;
        }
        let number = self.areas.iter().map(|a| a.number).max().unwrap_or(0) + 1;
        self.areas.push(AreaDraft {
            number,
            implicit: true,
            ..AreaDraft::default()
        });
        let index = self.areas.len() - 1;
        self.current = Some(index);
        index
    }

    /// A row's area column: "1", "Priority 2" or the area's own words. The row and the
    /// rows after it go to that area, which starts here when it is new.
    fn area_cell(&mut self, text: &str) {
        let (number, heading, title) = match area_heading(text) {
            Some(found) => (Some(found.number), Some(found.heading), None),
            None => match bare_number(text) {
                Some(n) => (Some(n), None, None),
                None => (None, None, Some(text.to_owned())),
            },
        };
        let existing = self.areas.iter().position(|a| match number {
            Some(n) => a.number == n,
            None => a.title.as_deref() == Some(text) || a.heading.as_deref() == Some(text),
        });
        let index = existing.unwrap_or_else(|| {
            let number = number
                .unwrap_or_else(|| self.areas.iter().map(|a| a.number).max().unwrap_or(0) + 1);
            self.areas.push(AreaDraft {
                number,
                heading,
                title,
                ..AreaDraft::default()
            });
            self.areas.len() - 1
        });
        if self.current != Some(index) {
            self.current = Some(index);
            if let Some(table) = self.table.as_mut() {
                table.record = false;
            }
        }
    }

    /// A line outside tables: the sponsor, partners or finding of an area whose table
    /// has not started yet; anything else stays unmapped.
    fn prose(&mut self, i: usize) {
        if let Some(objective) = objective_heading(&heading_text(&self.lines[i].text())) {
            self.objective_heading = Some(objective);
            self.mark(i);
            return;
        }
        let Some(index) = self.current else {
            return;
        };
        if !self.areas[index].records.is_empty() {
            return;
        }
        let text = self.lines[i].text();
        let area = &mut self.areas[index];
        let mapped = if let Some(caps) = SPONSOR.captures(&text) {
            let sponsor = caps[1].trim().to_owned();
            area.sponsor = Some(match area.sponsor.take() {
                Some(before) => format!("{before}; {sponsor}"),
                None => sponsor,
            });
            true
        } else if let Some(caps) = PARTNERS.captures(&text) {
            area.partners.extend(split_top_level(&caps[1]));
            true
        } else if let Some(quote) = finding_quote(&text) {
            area.title = Some(quote);
            true
        } else if text.ends_with(':') && text.chars().count() <= 120 {
            // A label such as "Significant area of weakness that needs to be addressed:".
            true
        } else if area.title.is_none() {
            area.title = Some(strip_quotes(&text));
            true
        } else {
            false
        };
        if mapped {
            area.lines.push(i);
            self.mark(i);
        }
    }

    // A row's cells read in order against the reader's state; the steps share it.
    #[allow(clippy::too_many_lines)]
    fn row(&mut self, i: usize) {
        let lines = self.lines;
        let line = &lines[i];
        self.mark(i);
        if line.filled() == 1 {
            let heading = line
                .texts
                .iter()
                .find(|t| !t.is_empty())
                .and_then(|t| area_heading(t));
            if let Some(heading) = heading {
                self.start_area(heading, i);
                return;
            }
        }
        let placed = self.layout(i);
        let Some(table) = self.table.as_ref() else {
            return;
        };
        let header = &table.header;
        let cells = place(line, &placed, header);
        if let Some(read) = self.report.tables.get_mut(table.id) {
            for (k, column) in placed.iter().enumerate() {
                let text = line.texts.get(k).map_or("", String::as_str);
                let source = column.and_then(|j| header.source_index(j));
                if let (Some(at), false) = (source, text.is_empty())
                    && let Some(read) = read.columns.get_mut(at)
                    && read.sample.is_empty()
                {
                    read.sample = text.chars().take(80).collect();
                }
            }
        }
        let area_texts: Vec<String> = cells
            .iter()
            .filter(|c| c.role == Some(Role::Area))
            .map(|c| c.text.clone())
            .collect();
        if let Some(first) = area_texts.first() {
            self.area_cell(first);
            // "Area | Area of weakness": the number, then the finding in words.
            if let (Some(words), Some(index)) = (area_texts.get(1), self.current)
                && self.areas[index].title.is_none()
                && words.chars().count() > 20
            {
                self.areas[index].title = Some(words.clone());
            }
        }
        let Some(table) = self.table.as_ref() else {
            return;
        };
        let header = &table.header;
        let text_of = |role: Role| {
            cells
                .iter()
                .find(|c| c.role == Some(role))
                .map(|c| c.text.as_str())
        };
        let action_text = text_of(Role::Action).unwrap_or_default();
        // Under a heading spanning two columns ("Action" over the ref and the text), the
        // ref sits in a column with no heading of its own.
        let blank_ref = cells
            .iter()
            .find(|c| c.role == Some(Role::Blank) && !c.carried && columns::is_ref(&c.text))
            .map(|c| c.text.clone());
        let ref_cell = text_of(Role::Ref).or(blank_ref.as_deref());
        let (reference, action_override) = row_reference(ref_cell, action_text, header);
        let continuation = table.page_break;
        // Without milestones, a row with action text but no ref is a further action (or
        // a heading over the next ones) unless it is the rest of a cell a page break cut.
        let unnumbered = !(header.has_milestones()
            || action_text.is_empty()
            || starts_lowercase(action_text)
            || (continuation && table.refs_seen));
        let starts = reference.is_some() || !table.record || unnumbered;
        let table_id = table.id;
        let fresh = Record {
            location: line.location(),
            reference: reference.clone(),
            rating_labels: header.rating_slots(),
            update_slots: header.updates.clone(),
            milestone_table: header.has_milestones(),
            table: table_id,
            ..Record::default()
        };
        let mut fill = Fill {
            joined: false,
            cells: &cells,
            ref_used: reference.is_some() && action_override.is_none(),
            action_override: action_override.as_deref(),
            location: line.location(),
            continuation: continuation && !starts,
        };
        let blank_label = text_of(Role::Blank)
            .filter(|text| blank_ref.as_deref() != Some(*text))
            .map(str::to_owned);
        let blank_used = self.area_label(blank_label, i);
        let area = self.ensure_area();
        let records = &mut self.areas[area].records;
        fill.joined = !(starts || records.is_empty());
        let fill_joined = fill.joined;
        if starts || records.is_empty() {
            records.push(fresh);
            if let Some(read) = self.report.tables.get_mut(table_id) {
                read.rows += 1;
            }
        }
        if let Some(record) = records.last_mut() {
            fill.into(record, blank_used);
            record.lines.push(i);
            if !fill_joined
                && record.field(Role::Objective).is_empty()
                && let Some(objective) = &self.objective_heading
            {
                record.append(Role::Objective, &escape(objective));
            }
        }
        if let Some((_, refs)) = self.tables.get_mut(table_id) {
            *refs |= reference.is_some();
        }
        if let Some(table) = self.table.as_mut() {
            table.record = true;
            table.page_break = false;
            table.refs_seen |= reference.is_some();
        }
    }

    /// A label in a column with no heading: an area heading ("AREA 2 – …"), or the
    /// area's name when it opens the area's first table. Returns whether it was used.
    fn area_label(&mut self, label: Option<String>, i: usize) -> bool {
        let Some(label) = label else {
            return false;
        };
        if let Some(heading) = area_heading(&label) {
            self.start_area(heading, i);
            return true;
        }
        let area = self.ensure_area();
        let draft = &mut self.areas[area];
        if draft.records.is_empty() && draft.title.is_none() {
            draft.title = Some(label);
            return true;
        }
        false
    }

    /// The layout for row `i`: that of its run of consecutive rows with as many cells,
    /// aligned together once.
    fn layout(&mut self, i: usize) -> Vec<Option<usize>> {
        let lines = self.lines;
        let Some(table) = self.table.as_mut() else {
            return Vec::new();
        };
        if let Some((end, placed)) = &table.layout
            && i < *end
            && placed.len() == lines[i].cells.len()
        {
            return placed.clone();
        }
        // A row of the header's own grid keeps its columns, unless what the cells hold
        // says the header is off (a ref and its text in two cells under one heading).
        let grid = match (lines[i].grid(), table.grid.clone()) {
            (Some((key, offset)), Some((header_key, header_offset))) if key == header_key => {
                Some((key, offset, header_offset))
            }
            _ => None,
        };
        let width = lines[i].cells.len();
        let mut rows: Vec<&[String]> = vec![&lines[i].texts];
        let mut end = i + 1;
        while let Some(next) = lines.get(end) {
            let same = !self.used.get(end).copied().unwrap_or(true)
                && !next.is_blank()
                && !next.rule
                && next.cells.len() == width
                && grid.as_ref().is_none_or(|(key, offset, _)| {
                    next.grid().is_some_and(|(k, o)| k == *key && o == *offset)
                })
                && columns::recognise(&next.texts, self.known).is_none();
            if !same || rows.len() >= 200 {
                break;
            }
            rows.push(&next.texts);
            end += 1;
        }
        if let Some((_, offset, header_offset)) = grid {
            let positional = grid_layout(&table.header, width, offset, header_offset);
            let by_content = *table.by_content.get_or_insert_with(|| {
                let aligned = columns::align(&table.header, &rows, self.known);
                let margin = 15 * i32::try_from(rows.len()).unwrap_or(i32::MAX / 16);
                let score = |placed: &[Option<usize>]| {
                    columns::placement_score(&table.header, &rows, placed, self.known)
                };
                score(&aligned) > score(&positional).saturating_add(margin)
            });
            if !by_content {
                table.layout = Some((end, positional.clone()));
                return positional;
            }
        }
        let placed = columns::align(&table.header, &rows, self.known);
        table.layout = Some((end, placed.clone()));
        placed
    }

    /// A header row whose wording names too few columns, read by its shape: short labels,
    /// bold or opening a Word table, above rows of longer content.
    fn structural_header(&self, i: usize) -> Option<Header> {
        let line = &self.lines[i];
        if line.filled() < 3 {
            return None;
        }
        let marked = line.all_bold() || matches!(line.origin, Origin::TableRow { row: 1, .. });
        let mut rows: Vec<&[String]> = Vec::new();
        for (j, next) in self.lines.iter().enumerate().skip(i + 1) {
            if self.used.get(j).copied().unwrap_or(true) || rows.len() >= 30 {
                break;
            }
            if next.is_blank() {
                if next.paginated() && rows.len() < 2 {
                    continue;
                }
                break;
            }
            if next.filled() < 2 {
                continue;
            }
            rows.push(&next.texts);
        }
        columns::recognise_by_structure(&header_labels(line), &rows, marked, self.known)
    }

    /// A run of rows with refs in one column, but no header: columns guessed from content.
    fn guess_header(&self, i: usize) -> Option<Header> {
        let mut rows: Vec<&[String]> = Vec::new();
        for (j, line) in self.lines.iter().enumerate().skip(i) {
            if self.used.get(j).copied().unwrap_or(true) {
                break;
            }
            if line.is_blank() {
                continue;
            }
            if line.cells.len() < 3 || rows.len() >= 50 {
                break;
            }
            rows.push(&line.texts);
        }
        columns::guess(&rows, self.known)
    }
}

/// "Intended outcome 1.2: Families…", "Objective 3: …", "Outcome 2.1 – …": an objective
/// named by a heading, as "1.2 Families…" for the objective column.
fn objective_heading(text: &str) -> Option<String> {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:intended\s+|priority\s+|desired\s+|key\s+)?(?:outcomes?|objectives?|aims?|goals?)\s+(?:no\.?\s*)?([0-9]{1,2}(?:\.[0-9]{1,2}){0,2})\s*[:.–—-]\s*(\S.*)$")
            .expect("valid regex")
    });
    if text.chars().count() > 400 {
        return None;
    }
    let caps = HEADING.captures(text)?;
    let words = caps[2].trim();
    let mut chars = words.chars();
    let first = chars.next()?;
    let words: String = first.to_uppercase().chain(chars).collect();
    Some(format!("{} {words}", &caps[1]))
}

/// A header row's labels, with the copies a spanning or merged cell left blanked: a
/// heading over two columns names one of them, and the contents decide the other.
fn header_labels(line: &Line) -> Vec<String> {
    line.texts
        .iter()
        .enumerate()
        .map(|(k, text)| {
            if line.is_carried(k) {
                String::new()
            } else {
                text.clone()
            }
        })
        .collect()
}

/// Cells of a row from the same grid as the header keep their column: cell `k` sits in
/// the header's `k`-th source column (the implicit ref column holds none).
fn grid_layout(
    header: &Header,
    width: usize,
    offset: usize,
    header_offset: usize,
) -> Vec<Option<usize>> {
    let sources: Vec<usize> = (0..header.columns.len())
        .filter(|&j| !header.columns[j].implicit)
        .collect();
    (0..width)
        .map(|k| {
            let absolute = offset + k;
            let at = absolute.checked_sub(header_offset)?;
            sources.get(at).copied()
        })
        .collect()
}

/// A non-empty cell of a row, with the column it was aligned to.
struct Placed<'r> {
    /// The column's role, or `None` for a cell beyond the header.
    role: Option<Role>,
    /// The column's heading.
    label: String,
    /// As written.
    raw: &'r str,
    /// Cleaned.
    text: String,
    /// "line 214, cell 3", "Tracker!C12".
    location: String,
    /// Copied from a merged cell: counts only for the area and objective columns.
    carried: bool,
}

fn place<'r>(line: &'r Line, placed: &[Option<usize>], header: &Header) -> Vec<Placed<'r>> {
    line.cells
        .iter()
        .zip(&line.texts)
        .enumerate()
        .filter(|(_, (_, text))| !text.is_empty())
        .map(|(index, (raw, text))| {
            let column = placed
                .get(index)
                .copied()
                .flatten()
                .and_then(|c| header.columns.get(c));
            Placed {
                role: column.map(|c| c.role),
                label: column.map(|c| c.label.clone()).unwrap_or_default(),
                raw: raw.as_str(),
                text: text.clone(),
                location: line.origin.cell(index),
                carried: line.is_carried(index),
            }
        })
        .collect()
}

/// The row's ref from the ref column, or from the start of the action text ("1.1
/// Review…"), with the action text that remains in that case.
fn row_reference(
    ref_cell: Option<&str>,
    action_text: &str,
    header: &Header,
) -> (Option<String>, Option<String>) {
    let names_ref = header.names_ref();
    let reference = ref_cell
        .filter(|r| is_ref(r) || (names_ref && is_loose_ref(r)))
        .map(|r| r.trim_end_matches('.').to_owned());
    if reference.is_some() {
        return (reference, None);
    }
    match leading_ref(action_text) {
        Some((found, rest)) => (Some(found), Some(rest)),
        None => (None, None),
    }
}

/// When the tables gave no area structure (every row in one area made up for them) but
/// the document lists its areas (a priorities sheet), the rows go to the area their
/// ref's first number names: "2.3" to area 2. Rows without a ref follow the row above.
pub(super) fn split_by_refs(layout: &mut Layout, listed: &[u32]) {
    let [only] = layout.areas.as_slice() else {
        return;
    };
    if !only.implicit || listed.len() < 2 {
        return;
    }
    let area_of = |record: &Record| -> Option<u32> {
        let reference = record.reference.as_deref()?;
        let first = reference.split('.').next()?;
        let number: u32 = first
            .trim_end_matches(|c: char| c.is_ascii_lowercase())
            .parse()
            .ok()?;
        listed.contains(&number).then_some(number)
    };
    let numbered = only
        .records
        .iter()
        .filter(|r| r.reference.is_some())
        .count();
    let placed = only.records.iter().filter_map(area_of).count();
    if numbered == 0 || placed * 10 < numbered * 9 {
        return;
    }
    let Some(draft) = layout.areas.pop() else {
        return;
    };
    let mut areas: Vec<AreaDraft> = Vec::new();
    let mut current: Option<usize> = None;
    for record in draft.records {
        if let Some(number) = area_of(&record) {
            let at = areas
                .iter()
                .position(|a| a.number == number)
                .unwrap_or_else(|| {
                    areas.push(AreaDraft {
                        number,
                        ..AreaDraft::default()
                    });
                    areas.len() - 1
                });
            current = Some(at);
        }
        let at = current.unwrap_or_else(|| {
            areas.push(AreaDraft {
                number: draft.number,
                implicit: true,
                ..AreaDraft::default()
            });
            areas.len() - 1
        });
        current = Some(at);
        areas[at].records.push(record);
    }
    layout.areas = areas;
}

/// One row's cells, put into a record.
struct Fill<'c, 'r> {
    cells: &'c [Placed<'r>],
    /// The row adds to the record above rather than starting one.
    joined: bool,
    ref_used: bool,
    action_override: Option<&'c str>,
    location: String,
    continuation: bool,
}

impl Fill<'_, '_> {
    fn into(self, record: &mut Record, blank_used: bool) {
        let mut milestone = MilestoneDraft {
            location: self.location.clone(),
            ..MilestoneDraft::default()
        };
        for cell in self.cells {
            if let Some(role) = cell.role {
                record
                    .labels
                    .entry(role)
                    .or_insert_with(|| cell.label.clone());
                record
                    .places
                    .entry(role)
                    .or_insert_with(|| cell.location.clone());
            }
            if blank_used && cell.role == Some(Role::Blank) {
                continue;
            }
            // A merged cell's copy groups rows; its text is the first row's, not this one's.
            if cell.carried
                && (self.joined || !matches!(cell.role, Some(Role::Area | Role::Objective)))
            {
                continue;
            }
            let (raw, text) = (cell.raw.trim(), cell.text.as_str());
            let label = if cell.label.is_empty() {
                "Unlabelled column"
            } else {
                cell.label.as_str()
            };
            match cell.role {
                None => record
                    .notes
                    .push(format!("{}: {text}", capitalised(&cell.location))),
                Some(Role::Ref) if self.ref_used => {}
                // The area column placed the row; [`Reader::area_cell`] used it.
                Some(Role::Area) => {}
                Some(Role::Ref | Role::Blank | Role::Other) => {
                    record.notes.push(format!("{label}: {text}"));
                }
                Some(Role::Action) if self.action_override.is_some() => {
                    record.append(Role::Action, self.action_override.unwrap_or_default());
                }
                Some(Role::Milestone) => raw.clone_into(&mut milestone.text),
                Some(Role::Due) if record.milestone_table => raw.clone_into(&mut milestone.due),
                Some(Role::Rating(0)) if record.milestone_table => {
                    raw.clone_into(&mut milestone.status);
                }
                Some(Role::Resource) => {
                    let before = clean(record.field(Role::Resource));
                    if before.is_empty() {
                        record.append(Role::Resource, raw);
                    } else if !before.eq_ignore_ascii_case(text) {
                        record
                            .notes
                            .push(format!("{label} at {}: {text}", self.location));
                    }
                }
                Some(role) => record.append(role, raw),
            }
        }
        if record.milestone_table {
            milestone_row(record, milestone, self.continuation);
        }
    }
}

fn push_text(into: &mut String, raw: &str) {
    if raw.trim().is_empty() {
        return;
    }
    if !into.is_empty() {
        into.push(' ');
    }
    into.push_str(raw);
}

/// Adds a milestone row to a record: a new milestone, the end of one a page break cut,
/// or several packed into one cell as paragraphs.
fn milestone_row(record: &mut Record, row: MilestoneDraft, continuation: bool) {
    let text = clean(&row.text);
    if text.is_empty() {
        if clean(&row.due).is_empty() && clean(&row.status).is_empty() {
            return;
        }
        match record.milestones.last_mut() {
            Some(last) if continuation || clean(&last.due).is_empty() => {
                push_text(&mut last.due, &row.due);
                push_text(&mut last.status, &row.status);
            }
            Some(_) => record.notes.push(format!(
                "{}: a deadline or rating with no milestone: {} {}",
                capitalised(&row.location),
                clean(&row.due),
                clean(&row.status)
            )),
            None => {
                record.append(Role::Due, &row.due);
                record.append(Role::Rating(0), &row.status);
            }
        }
        return;
    }
    if continuation
        && starts_lowercase(&text)
        && let Some(last) = record.milestones.last_mut()
    {
        push_text(&mut last.text, &row.text);
        push_text(&mut last.due, &row.due);
        push_text(&mut last.status, &row.status);
        return;
    }
    let texts = paragraphs(&row.text);
    let dues = paragraphs(&row.due);
    if texts.len() >= 2 && texts.len() == dues.len() {
        let statuses = paragraphs(&row.status);
        for (k, (text, due)) in texts.into_iter().zip(dues).enumerate() {
            record.milestones.push(MilestoneDraft {
                location: row.location.clone(),
                text,
                due,
                status: statuses.get(k).cloned().unwrap_or_default(),
            });
        }
        return;
    }
    record.milestones.push(row);
}

/// "line 4" → "Line 4", to start a note.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Splits a list at commas outside brackets, dropping pieces with no letters (such as
/// the stray ")" of an unbalanced bracket).
fn split_top_level(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ',' | ';' if depth == 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter()
        .map(|piece| piece.trim().trim_end_matches('.').trim().to_owned())
        .filter(|piece| piece.chars().any(char::is_alphabetic))
        .map(|piece| {
            let trimmed = piece.trim_start_matches([')', ']', ' ']).trim();
            trimmed.to_owned()
        })
        .collect()
}

/// The inspectors' words after "said:" and the like, without the quotation marks.
fn finding_quote(text: &str) -> Option<String> {
    let caps = SAID.captures(text)?;
    let quote = caps[1].trim();
    (!quote.is_empty()).then(|| quote.to_owned())
}

fn strip_quotes(text: &str) -> String {
    let quoted =
        text.starts_with(['“', '"']) && text.ends_with(['”', '"']) && text.chars().count() > 2;
    if quoted {
        let inner: String = {
            let mut chars = text.chars();
            chars.next();
            chars.next_back();
            chars.collect()
        };
        inner.trim().to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_headings_in_several_styles_are_recognised() {
        let heading = |t: &str| area_heading(t).map(|h| (h.number, h.heading));
        assert_eq!(
            heading("Area of priority action 1"),
            Some((1, "Area of priority action 1".into()))
        );
        assert_eq!(
            heading("Workstream 2: SEND Quality Assurance"),
            Some((2, "SEND Quality Assurance".into()))
        );
        assert_eq!(
            heading("WSOA Area THREE:"),
            Some((3, "WSOA Area THREE:".into()))
        );
        assert_eq!(
            heading("AREA 2 – Quality of EHC plans"),
            Some((2, "Quality of EHC plans".into()))
        );
        assert_eq!(heading("Priority 1"), Some((1, "Priority 1".into())));
        assert_eq!(heading("Priority 2 is to improve transition"), None);
        assert_eq!(heading("Areas Identified for Improvement"), None);
        // A finding quoted whole is a heading on a table's row of its own, not in prose.
        let long = format!(
            "Area for improvement 1: {}",
            "Needs are identified late. ".repeat(9)
        );
        assert!(area_heading(&long).is_none());
        assert_eq!(area_row_heading(&long).map(|h| h.number), Some(1));
    }

    #[test]
    fn partners_split_at_top_level_commas_only() {
        assert_eq!(
            split_top_level("), Jo Bloggs (Head of SEN, Council), Family Voice representative"),
            [
                "Jo Bloggs (Head of SEN, Council)",
                "Family Voice representative"
            ]
        );
    }

    #[test]
    fn a_quoted_finding_loses_its_quotation_marks() {
        assert_eq!(
            finding_quote(
                "Significant area: Ofsted and CQC said: “The current arrangements are weak. ”"
            )
            .as_deref(),
            Some("The current arrangements are weak.")
        );
    }
}
