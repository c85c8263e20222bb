//! The tracker spreadsheet: written from a tracker report, and read back into the plan it
//! came from, so people can keep the spreadsheet they know and still load it back.
//!
//! # Layout
//!
//! | sheet | one row per | read back from |
//! | --- | --- | --- |
//! | Tracker | action, in plan order | No., Ref, Action, Resource, one column per rating dimension (the code), and the `Import:` columns |
//! | Areas | area | every column |
//! | Objectives | objective | every column |
//! | Milestones | milestone | Action no., Milestone, and the `Import:` columns |
//! | Updates | progress update | every column |
//! | People | action owner | every column |
//! | Rating key, Rating dimensions | level, dimension | every column |
//! | Glossary | abbreviation | every column |
//! | Plan | field of the plan | every row |
//!
//! Columns are found by their heading, so they may be moved. Columns headed `Import: …`
//! carry what the readable columns show in another form (owner initials behind the names,
//! dates as `YYYY-MM` or `YYYY-MM-DD` behind "April 2019", the wording as written); the
//! Owners, Due, Latest update, Update date and Flags columns are shown for reading and not
//! read back. A list (delivery partners, success measures, notes…) is one item per line;
//! when an item itself holds a line break the cell holds a JSON array instead, so the round
//! trip stays exact.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use time::{Date, Month};

use super::reports::layout::{ink_on, tracker_columns, tracker_row};
use crate::domain::{
    Action, Area, Dimension, Error, GlossaryEntry, Level, Milestone, Objective, PLAN_FORMAT,
    PartialDate, Person, PlanKind, PlanStatus, PlanTree, ProgressUpdate, RatingScheme, Report,
    ReportBody, Resource, Result,
};

const TRACKER: &str = "Tracker";
const AREAS: &str = "Areas";
const OBJECTIVES: &str = "Objectives";
const MILESTONES: &str = "Milestones";
const UPDATES: &str = "Updates";
const PEOPLE: &str = "People";
const KEY: &str = "Rating key";
const DIMENSIONS: &str = "Rating dimensions";
const GLOSSARY: &str = "Glossary";
const PLAN: &str = "Plan";

/// Excel's limit on the characters in one cell.
const CELL_LIMIT: usize = 32_767;

#[expect(
    clippy::needless_pass_by_value,
    reason = "the shape `map_err` asks for"
)]
fn xlsx_error(e: XlsxError) -> Error {
    Error::Internal(anyhow::anyhow!("writing XLSX: {e}"))
}

/// `#1d70b8` as an Excel colour.
pub fn excel_colour(hex: &str) -> Option<Color> {
    let hex = hex.trim().strip_prefix('#')?;
    (hex.len() == 6)
        .then(|| u32::from_str_radix(hex, 16).ok())
        .flatten()
        .map(Color::RGB)
}

/// Cell formats shared by the sheets.
pub struct Styles {
    header: Format,
    import_header: Format,
    text: Format,
    date: Format,
    ratings: HashMap<String, Format>,
}

impl Styles {
    /// The house formats, and one fill per level colour of the key.
    pub fn new(scheme: &RatingScheme) -> Self {
        let border = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(0x00B1_B4B6)
        };
        let mut ratings = HashMap::new();
        for level in &scheme.levels {
            if let Some(fill) = excel_colour(&level.colour) {
                let ink = excel_colour(ink_on(&level.colour)).unwrap_or(Color::Black);
                ratings.insert(
                    level.code.to_ascii_uppercase(),
                    border(Format::new())
                        .set_bold()
                        .set_align(FormatAlign::Center)
                        .set_align(FormatAlign::Top)
                        .set_background_color(fill)
                        .set_font_color(ink),
                );
            }
        }
        Self {
            header: border(Format::new())
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0x00F3_F2F1),
            import_header: border(Format::new())
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(0x0050_5A5F)
                .set_background_color(0x00DD_DDDD),
            text: border(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            date: border(Format::new())
                .set_num_format("d mmmm yyyy")
                .set_align(FormatAlign::Top),
            ratings,
        }
    }

    /// The format of a rating cell: the level's colour, or plain text for an unknown code.
    pub fn rating(&self, code: &str) -> &Format {
        self.ratings
            .get(&code.to_ascii_uppercase())
            .unwrap_or(&self.text)
    }
}

fn checked(text: &str) -> Result<&str> {
    if text.chars().count() > CELL_LIMIT {
        return Err(Error::invalid(
            "tracker",
            format!(
                "a text of {} characters is longer than a spreadsheet cell holds ({CELL_LIMIT}); it begins {:?}",
                text.chars().count(),
                text.chars().take(60).collect::<String>()
            ),
        ));
    }
    Ok(text)
}

/// A sheet being written row by row.
struct SheetWriter<'a> {
    sheet: &'a mut Worksheet,
    styles: &'a Styles,
    row: u32,
    columns: u16,
}

impl<'a> SheetWriter<'a> {
    fn new(
        workbook: &'a mut Workbook,
        styles: &'a Styles,
        name: &str,
        header: &[String],
        widths: &[f64],
    ) -> Result<Self> {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        for (col, head) in header.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            let format = if head.starts_with("Import:") {
                &styles.import_header
            } else {
                &styles.header
            };
            sheet
                .write_string_with_format(0, col, head, format)
                .map_err(xlsx_error)?;
            let width = widths.get(usize::from(col)).copied().unwrap_or(14.0);
            sheet.set_column_width(col, width).map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        Ok(Self {
            sheet,
            styles,
            row: 0,
            columns: u16::try_from(header.len()).unwrap_or(u16::MAX),
        })
    }

    fn next_row(&mut self) {
        self.row += 1;
    }

    fn text(&mut self, col: u16, text: &str) -> Result<()> {
        if !text.is_empty() {
            self.sheet
                .write_string_with_format(self.row, col, checked(text)?, &self.styles.text)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }

    fn number(&mut self, col: u16, n: f64) -> Result<()> {
        self.sheet
            .write_number_with_format(self.row, col, n, &self.styles.text)
            .map_err(xlsx_error)?;
        Ok(())
    }

    fn date(&mut self, col: u16, date: Date) -> Result<()> {
        let excel = u16::try_from(date.year())
            .ok()
            .and_then(|y| ExcelDateTime::from_ymd(y, u8::from(date.month()), date.day()).ok());
        match excel {
            Some(excel) => {
                self.sheet
                    .write_datetime_with_format(self.row, col, excel, &self.styles.date)
                    .map_err(xlsx_error)?;
                Ok(())
            }
            None => self.text(col, &date.to_string()),
        }
    }

    fn rating(&mut self, col: u16, code: &str) -> Result<()> {
        if !code.is_empty() {
            let format = self.styles.rating(code);
            self.sheet
                .write_string_with_format(self.row, col, code, format)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }

    /// Filters on every column, over the rows written.
    fn finish(self) -> Result<()> {
        if self.columns > 0 {
            self.sheet
                .autofilter(0, 0, self.row.max(1), self.columns - 1)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A list as one item per line, or as a JSON array when an item holds a line break (or
/// the text would otherwise look like one).
fn list_cell(items: &[String]) -> String {
    let joined = items.join("\n");
    if items.iter().any(|i| i.contains('\n') || i.is_empty()) || joined.starts_with('[') {
        serde_json::to_string(items).unwrap_or(joined)
    } else {
        joined
    }
}

fn opt(text: Option<&String>) -> &str {
    text.map_or("", String::as_str)
}

fn partial(date: Option<PartialDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes the tracker workbook from a tracker report.
pub fn write_tracker_xlsx(report: &Report) -> Result<Vec<u8>> {
    let ReportBody::Tracker(tracker) = &report.body else {
        return Err(Error::invalid(
            "report",
            "the tracker workbook needs a tracker report",
        ));
    };
    let plan = &tracker.plan;
    let scheme = &plan.rating_scheme;
    let styles = Styles::new(scheme);
    let mut workbook = Workbook::new();

    write_actions(&mut workbook, &styles, report, tracker)?;
    write_structure(&mut workbook, &styles, plan)?;
    write_history(&mut workbook, &styles, plan)?;
    write_reference(&mut workbook, &styles, report, plan)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// The Tracker sheet: one row per action.
fn write_actions(
    workbook: &mut Workbook,
    styles: &Styles,
    report: &Report,
    tracker: &crate::domain::Tracker,
) -> Result<()> {
    let plan = &tracker.plan;
    let dims = plan.rating_scheme.dimensions.len();
    let mut header = tracker_columns(&report.header);
    let import_from = header.len();
    header.extend(strings(&[
        "Import: objective no.",
        "Import: owner keys",
        "Import: due",
        "Import: due from",
        "Import: due as written",
        "Import: success measures",
        "Import: notes",
    ]));
    let mut widths = vec![6.0, 6.0, 9.0, 8.0, 50.0, 24.0, 9.0, 14.0];
    widths.extend(std::iter::repeat_n(11.0, dims));
    widths.extend([50.0, 14.0, 18.0, 10.0, 14.0, 10.0, 10.0, 16.0, 30.0, 30.0]);
    let mut sheet = SheetWriter::new(workbook, styles, TRACKER, &header, &widths)?;
    let mut objective_no = 0usize;
    let mut objective_of_action = Vec::new();
    for area in &plan.areas {
        for objective in &area.objectives {
            objective_no += 1;
            objective_of_action.extend(objective.actions.iter().map(|a| (objective_no, a)));
        }
    }
    let statuses = tracker
        .areas
        .iter()
        .flat_map(crate::domain::AreaStatus::actions);
    for (status, (objective, action)) in statuses.zip(&objective_of_action) {
        sheet.next_row();
        let text = tracker_row(status);
        for (i, cell) in text.iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            match i {
                0 | 1 => sheet.number(col, cell.parse().unwrap_or(0.0))?,
                _ if (8..8 + dims).contains(&i) => sheet.rating(col, cell)?,
                _ => sheet.text(col, cell)?,
            }
        }
        let at = |k: usize| u16::try_from(import_from + k).unwrap_or(u16::MAX);
        sheet.number(at(0), f64::from(u32::try_from(*objective).unwrap_or(0)))?;
        sheet.text(at(1), &list_cell(&action.owners))?;
        sheet.text(at(2), &partial(action.due))?;
        sheet.text(at(3), &partial(action.due_from))?;
        sheet.text(at(4), opt(action.due_text.as_ref()))?;
        sheet.text(at(5), &list_cell(&action.success_measures))?;
        sheet.text(at(6), &list_cell(&action.notes))?;
    }
    sheet.finish()?;

    Ok(())
}

/// The Areas and Objectives sheets.
fn write_structure(workbook: &mut Workbook, styles: &Styles, plan: &PlanTree) -> Result<()> {
    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        AREAS,
        &strings(&[
            "Number",
            "Heading",
            "Inspection finding",
            "Sponsor",
            "Delivery partners",
        ]),
        &[8.0, 30.0, 60.0, 30.0, 40.0],
    )?;
    for area in &plan.areas {
        sheet.next_row();
        sheet.number(0, f64::from(area.number))?;
        sheet.text(1, opt(area.heading.as_ref()))?;
        sheet.text(2, &area.title)?;
        sheet.text(3, opt(area.sponsor.as_ref()))?;
        sheet.text(4, &list_cell(&area.delivery_partners))?;
    }
    sheet.finish()?;

    // Objectives.
    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        OBJECTIVES,
        &strings(&[
            "No.",
            "Area",
            "Number",
            "Objective",
            "Impact statements",
            "Success measures",
        ]),
        &[6.0, 6.0, 9.0, 60.0, 40.0, 40.0],
    )?;
    let mut n = 0u32;
    for area in &plan.areas {
        for objective in &area.objectives {
            n += 1;
            sheet.next_row();
            sheet.number(0, f64::from(n))?;
            sheet.number(1, f64::from(area.number))?;
            sheet.text(2, &objective.number)?;
            sheet.text(3, &objective.text)?;
            sheet.text(4, &list_cell(&objective.impact_statements))?;
            sheet.text(5, &list_cell(&objective.success_measures))?;
        }
    }
    sheet.finish()?;

    Ok(())
}

/// The Milestones and Updates sheets, keyed by the action's No. on the Tracker sheet.
fn write_history(workbook: &mut Workbook, styles: &Styles, plan: &PlanTree) -> Result<()> {
    let scheme = &plan.rating_scheme;
    let dims = scheme.dimensions.len();
    let mut milestones = SheetWriter::new(
        workbook,
        styles,
        MILESTONES,
        &strings(&[
            "Action no.",
            "Ref",
            "Milestone",
            "Due",
            "Done",
            "Import: due",
            "Import: due as written",
            "Import: done",
            "Import: done as written",
        ]),
        &[8.0, 8.0, 60.0, 16.0, 16.0, 12.0, 16.0, 12.0, 16.0],
    )?;
    for (i, (_, _, action)) in plan.actions().enumerate() {
        for m in &action.milestones {
            milestones.next_row();
            milestones.number(0, f64::from(u32::try_from(i + 1).unwrap_or(0)))?;
            milestones.text(1, opt(action.reference.as_ref()))?;
            milestones.text(2, &m.text)?;
            milestones.text(3, &m.due.map(PartialDate::to_uk).unwrap_or_default())?;
            milestones.text(4, &m.done.map(PartialDate::to_uk).unwrap_or_default())?;
            milestones.text(5, &partial(m.due))?;
            milestones.text(6, opt(m.due_text.as_ref()))?;
            milestones.text(7, &partial(m.done))?;
            milestones.text(8, opt(m.done_text.as_ref()))?;
        }
    }
    milestones.finish()?;

    let mut header = strings(&["Action no.", "Ref", "Date", "Author", "Update"]);
    header.extend(scheme.dimensions.iter().map(|d| d.label.clone()));
    let mut widths = vec![8.0, 8.0, 16.0, 12.0, 70.0];
    widths.extend(std::iter::repeat_n(11.0, dims));
    let mut updates = SheetWriter::new(workbook, styles, UPDATES, &header, &widths)?;
    for (i, (_, _, action)) in plan.actions().enumerate() {
        for u in &action.updates {
            updates.next_row();
            updates.number(0, f64::from(u32::try_from(i + 1).unwrap_or(0)))?;
            updates.text(1, opt(action.reference.as_ref()))?;
            updates.date(2, u.date)?;
            updates.text(3, opt(u.author.as_ref()))?;
            updates.text(4, &u.narrative)?;
            for (d, dimension) in scheme.dimensions.iter().enumerate() {
                let col = u16::try_from(5 + d).unwrap_or(u16::MAX);
                updates.rating(col, opt(u.ratings.get(&dimension.key)))?;
            }
        }
    }
    updates.finish()?;

    Ok(())
}

/// People, the key, the glossary and the plan's own fields.
fn write_reference(
    workbook: &mut Workbook,
    styles: &Styles,
    report: &Report,
    plan: &PlanTree,
) -> Result<()> {
    let scheme = &plan.rating_scheme;
    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        PEOPLE,
        &strings(&["Initials", "Name", "Role", "Organisation"]),
        &[10.0, 26.0, 36.0, 30.0],
    )?;
    for person in &plan.people {
        sheet.next_row();
        sheet.text(0, opt(person.initials.as_ref()))?;
        sheet.text(1, &person.name)?;
        sheet.text(2, opt(person.role.as_ref()))?;
        sheet.text(3, opt(person.organisation.as_ref()))?;
    }
    sheet.finish()?;

    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        KEY,
        &strings(&["Code", "Label", "Meaning", "Colour", "Counts as complete"]),
        &[8.0, 14.0, 60.0, 10.0, 12.0],
    )?;
    for level in &scheme.levels {
        sheet.next_row();
        sheet.rating(0, &level.code)?;
        sheet.text(1, &level.label)?;
        sheet.text(2, &level.meaning)?;
        sheet.text(3, &level.colour)?;
        sheet.text(4, if level.complete { "Yes" } else { "No" })?;
    }
    sheet.finish()?;

    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        DIMENSIONS,
        &strings(&["Key", "Label", "Levels allowed"]),
        &[14.0, 20.0, 30.0],
    )?;
    for dimension in &scheme.dimensions {
        sheet.next_row();
        sheet.text(0, &dimension.key)?;
        sheet.text(1, &dimension.label)?;
        sheet.text(2, &dimension.levels.join(", "))?;
    }
    sheet.finish()?;

    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        GLOSSARY,
        &strings(&["Term", "Definition"]),
        &[14.0, 80.0],
    )?;
    for entry in &plan.glossary {
        sheet.next_row();
        sheet.text(0, &entry.term)?;
        sheet.text(1, &entry.definition)?;
    }
    sheet.finish()?;

    let fields: Vec<(&str, String)> = vec![
        ("Format", plan.format.clone()),
        ("Local area", plan.local_area.clone()),
        ("Title", plan.title.clone()),
        ("Kind", plan.kind.code().to_owned()),
        ("Status", plan.status.code().to_owned()),
        ("Version", plan.version.to_string()),
        ("Document date", partial(plan.document_date)),
        (
            "Inspection start",
            plan.inspection_start.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "Inspection end",
            plan.inspection_end.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "Report published",
            plan.report_published.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("Rating key", scheme.name.clone()),
        ("As at", report.header.as_at.to_string()),
        (
            "About this file",
            "Written by WSOA Tracker. Import it to load the plan back: edit the readable columns freely, and keep the columns headed \"Import:\" as they are.".to_owned(),
        ),
    ];
    let mut sheet = SheetWriter::new(
        workbook,
        styles,
        PLAN,
        &strings(&["Field", "Value"]),
        &[20.0, 80.0],
    )?;
    for (field, value) in &fields {
        sheet.next_row();
        sheet.text(0, field)?;
        sheet.text(1, value)?;
    }
    sheet.finish()
}

// ---------------------------------------------------------------------------------------
// Reading back.

/// One sheet's rows, with columns found by heading.
struct Sheet {
    name: &'static str,
    columns: HashMap<String, usize>,
    rows: Vec<Vec<Data>>,
}

fn bad(sheet: &str, row: usize, message: impl Into<String>) -> Error {
    Error::invalid(
        "tracker",
        format!("sheet {sheet:?}, row {}: {}", row + 1, message.into()),
    )
}

impl Sheet {
    fn open(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &'static str) -> Result<Self> {
        let range = workbook.worksheet_range(name).map_err(|e| {
            Error::invalid(
                "tracker",
                format!("the workbook has no sheet {name:?}: {e}"),
            )
        })?;
        let mut rows = range.rows().map(<[Data]>::to_vec);
        let header = rows.next().unwrap_or_default();
        let columns = header
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| match cell {
                Data::String(s) => Some((s.trim().to_owned(), i)),
                _ => None,
            })
            .collect();
        Ok(Self {
            name,
            columns,
            rows: rows.collect(),
        })
    }

    fn column(&self, heading: &str) -> Result<usize> {
        self.columns.get(heading).copied().ok_or_else(|| {
            Error::invalid(
                "tracker",
                format!("sheet {:?} has no column {heading:?}", self.name),
            )
        })
    }

    /// The text of a cell; empty when blank.
    fn text(&self, row: usize, col: usize) -> String {
        match self.rows[row].get(col) {
            Some(Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s)) => s.clone(),
            Some(Data::Float(f)) => format_number(*f),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::Bool(b)) => b.to_string(),
            Some(Data::DateTime(d)) => format_number(d.as_f64()),
            _ => String::new(),
        }
    }

    fn opt(&self, row: usize, col: usize) -> Option<String> {
        Some(self.text(row, col)).filter(|t| !t.is_empty())
    }

    fn number(&self, row: usize, col: usize) -> Result<usize> {
        let text = self.text(row, col);
        text.trim().parse::<usize>().map_err(|_| {
            bad(
                self.name,
                row + 1,
                format!("{text:?} is not a whole number"),
            )
        })
    }

    fn date(&self, row: usize, col: usize) -> Result<Date> {
        match self.rows[row].get(col) {
            Some(Data::DateTime(d)) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                Month::try_from(m)
                    .ok()
                    .and_then(|m| Date::from_calendar_date(i32::from(y), m, day).ok())
                    .ok_or_else(|| bad(self.name, row + 1, "the date is not a calendar day"))
            }
            Some(Data::Float(serial)) => from_serial(*serial)
                .ok_or_else(|| bad(self.name, row + 1, "the date is not a calendar day")),
            _ => {
                let text = self.text(row, col);
                match PartialDate::parse_iso(&text) {
                    Ok(PartialDate::Day(d)) => Ok(d),
                    _ => Err(bad(
                        self.name,
                        row + 1,
                        format!("{text:?} is not a date (YYYY-MM-DD)"),
                    )),
                }
            }
        }
    }

    fn partial(&self, row: usize, col: usize) -> Result<Option<PartialDate>> {
        self.opt(row, col)
            .map(|t| PartialDate::parse_iso(&t).map_err(|e| bad(self.name, row + 1, e.to_string())))
            .transpose()
    }

    fn list(&self, row: usize, col: usize) -> Result<Vec<String>> {
        parse_list(&self.text(row, col)).map_err(|e| bad(self.name, row + 1, e))
    }

    fn is_blank(&self, row: usize) -> bool {
        self.rows[row].iter().all(|c| {
            matches!(c, Data::Empty) || matches!(c, Data::String(s) if s.trim().is_empty())
        })
    }
}

fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

fn from_serial(serial: f64) -> Option<Date> {
    let epoch = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    let days = serial.floor();
    if !(0.0..3_000_000.0).contains(&days) {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "checked to be in range above"
    )]
    let days = days as i64;
    epoch.checked_add(time::Duration::days(days))
}

fn parse_list(text: &str) -> std::result::Result<Vec<String>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    if text.starts_with('[') {
        return serde_json::from_str(text).map_err(|e| format!("a list cell is not valid: {e}"));
    }
    Ok(text.split('\n').map(str::to_owned).collect())
}

/// Whether the bytes are a workbook in the tracker layout (it has the Tracker and Plan
/// sheets, and the Plan sheet names the plan format).
pub fn is_tracker_xlsx(bytes: &[u8]) -> bool {
    let Ok(mut workbook) = Xlsx::new(Cursor::new(bytes)) else {
        return false;
    };
    let names = workbook.sheet_names();
    if !names.iter().any(|n| n == TRACKER) || !names.iter().any(|n| n == PLAN) {
        return false;
    }
    Sheet::open(&mut workbook, PLAN)
        .is_ok_and(|plan| (0..plan.rows.len()).any(|r| plan.text(r, 1).starts_with("wsoa-plan/")))
}

/// Reads a workbook written by [`write_tracker_xlsx`] (and perhaps edited since) back into
/// a plan. Errors name the sheet, row and column.
pub fn read_tracker_xlsx(bytes: &[u8]) -> Result<PlanTree> {
    let mut workbook = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| Error::invalid("file", format!("is not a readable XLSX workbook: {e}")))?;
    let mut plan = read_fields(&mut workbook)?;
    read_scheme(&mut workbook, &mut plan.rating_scheme)?;
    read_people(&mut workbook, &mut plan)?;
    let objective_at = read_structure(&mut workbook, &mut plan)?;
    let action_at = read_actions(&mut workbook, &mut plan, &objective_at)?;
    read_history(&mut workbook, &mut plan, &action_at)?;
    plan.validate()?;
    Ok(plan)
}

/// The Plan sheet: the plan's own fields.
fn read_fields(workbook: &mut Xlsx<Cursor<&[u8]>>) -> Result<PlanTree> {
    let fields = Sheet::open(workbook, PLAN)?;
    let mut field: BTreeMap<String, String> = BTreeMap::new();
    for r in 0..fields.rows.len() {
        field.insert(fields.text(r, 0), fields.text(r, 1));
    }
    let get = |name: &str| field.get(name).cloned().filter(|v| !v.is_empty());
    let day = |name: &str| -> Result<Option<Date>> {
        get(name)
            .map(|v| match PartialDate::parse_iso(&v) {
                Ok(PartialDate::Day(d)) => Ok(d),
                _ => Err(Error::invalid(
                    "tracker",
                    format!("sheet \"Plan\", {name}: {v:?} is not a date (YYYY-MM-DD)"),
                )),
            })
            .transpose()
    };
    let mut plan = PlanTree::new(
        get("Local area").unwrap_or_default(),
        get("Title").unwrap_or_default(),
    );
    plan.format = get("Format").unwrap_or_else(|| PLAN_FORMAT.to_owned());
    plan.kind = get("Kind").map_or(Ok(PlanKind::default()), |k| PlanKind::from_code(&k))?;
    plan.status = get("Status").map_or(Ok(PlanStatus::default()), |s| PlanStatus::from_code(&s))?;
    plan.version = get("Version")
        .map(|v| {
            v.parse()
                .map_err(|_| Error::invalid("tracker", format!("version {v:?} is not a number")))
        })
        .transpose()?
        .unwrap_or(1);
    plan.document_date = get("Document date")
        .map(|d| PartialDate::parse_iso(&d))
        .transpose()?;
    plan.inspection_start = day("Inspection start")?;
    plan.inspection_end = day("Inspection end")?;
    plan.report_published = day("Report published")?;

    plan.rating_scheme.name = get("Rating key").unwrap_or_default();
    Ok(plan)
}

/// The Rating key and Rating dimensions sheets.
fn read_scheme(workbook: &mut Xlsx<Cursor<&[u8]>>, scheme: &mut RatingScheme) -> Result<()> {
    let key = Sheet::open(workbook, KEY)?;
    let (code, label, meaning, colour, complete) = (
        key.column("Code")?,
        key.column("Label")?,
        key.column("Meaning")?,
        key.column("Colour")?,
        key.column("Counts as complete")?,
    );
    let levels = (0..key.rows.len())
        .filter(|&r| !key.is_blank(r))
        .map(|r| Level {
            code: key.text(r, code),
            label: key.text(r, label),
            meaning: key.text(r, meaning),
            colour: key.text(r, colour),
            complete: key.text(r, complete).eq_ignore_ascii_case("yes"),
        })
        .collect();
    let dims = Sheet::open(workbook, DIMENSIONS)?;
    let (dkey, dlabel, dlevels) = (
        dims.column("Key")?,
        dims.column("Label")?,
        dims.column("Levels allowed")?,
    );
    let dimensions: Vec<Dimension> = (0..dims.rows.len())
        .filter(|&r| !dims.is_blank(r))
        .map(|r| Dimension {
            key: dims.text(r, dkey),
            label: dims.text(r, dlabel),
            levels: dims
                .text(r, dlevels)
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        })
        .collect();
    scheme.levels = levels;
    scheme.dimensions = dimensions;
    Ok(())
}

/// The People and Glossary sheets.
fn read_people(workbook: &mut Xlsx<Cursor<&[u8]>>, plan: &mut PlanTree) -> Result<()> {
    let people = Sheet::open(workbook, PEOPLE)?;
    let (initials, name, role, organisation) = (
        people.column("Initials")?,
        people.column("Name")?,
        people.column("Role")?,
        people.column("Organisation")?,
    );
    plan.people = (0..people.rows.len())
        .filter(|&r| !people.is_blank(r))
        .map(|r| Person {
            initials: people.opt(r, initials),
            name: people.text(r, name),
            role: people.opt(r, role),
            organisation: people.opt(r, organisation),
        })
        .collect();
    let glossary = Sheet::open(workbook, GLOSSARY)?;
    let (term, definition) = (glossary.column("Term")?, glossary.column("Definition")?);
    plan.glossary = (0..glossary.rows.len())
        .filter(|&r| !glossary.is_blank(r))
        .map(|r| GlossaryEntry {
            term: glossary.text(r, term),
            definition: glossary.text(r, definition),
        })
        .collect();

    Ok(())
}

/// The Areas and Objectives sheets; returns where each objective No. went.
fn read_structure(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    plan: &mut PlanTree,
) -> Result<HashMap<usize, (usize, usize)>> {
    let areas = Sheet::open(workbook, AREAS)?;
    let (number, heading, finding, sponsor, partners) = (
        areas.column("Number")?,
        areas.column("Heading")?,
        areas.column("Inspection finding")?,
        areas.column("Sponsor")?,
        areas.column("Delivery partners")?,
    );
    for r in (0..areas.rows.len()).filter(|&r| !areas.is_blank(r)) {
        plan.areas.push(Area {
            number: u32::try_from(areas.number(r, number)?)
                .map_err(|_| bad(AREAS, r + 1, "the area number is too large"))?,
            title: areas.text(r, finding),
            heading: areas.opt(r, heading),
            sponsor: areas.opt(r, sponsor),
            delivery_partners: areas.list(r, partners)?,
            objectives: Vec::new(),
        });
    }
    let objectives = Sheet::open(workbook, OBJECTIVES)?;
    let (ono, oarea, onumber, otext, impact, measures) = (
        objectives.column("No.")?,
        objectives.column("Area")?,
        objectives.column("Number")?,
        objectives.column("Objective")?,
        objectives.column("Impact statements")?,
        objectives.column("Success measures")?,
    );
    // Objective No. → (area index, objective index).
    let mut objective_at: HashMap<usize, (usize, usize)> = HashMap::new();
    for r in (0..objectives.rows.len()).filter(|&r| !objectives.is_blank(r)) {
        let area_number = objectives.number(r, oarea)?;
        let area_index = plan
            .areas
            .iter()
            .position(|a| usize::try_from(a.number).ok() == Some(area_number))
            .ok_or_else(|| bad(OBJECTIVES, r + 1, format!("there is no area {area_number}")))?;
        let area = &mut plan.areas[area_index];
        area.objectives.push(Objective {
            number: objectives.text(r, onumber),
            text: objectives.text(r, otext),
            impact_statements: objectives.list(r, impact)?,
            success_measures: objectives.list(r, measures)?,
            actions: Vec::new(),
        });
        objective_at.insert(
            objectives.number(r, ono)?,
            (area_index, area.objectives.len() - 1),
        );
    }

    Ok(objective_at)
}

/// The Tracker sheet; returns where each action No. went.
fn read_actions(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    plan: &mut PlanTree,
    objective_at: &HashMap<usize, (usize, usize)>,
) -> Result<HashMap<usize, (usize, usize, usize)>> {
    // Actions, in the order of their No. (so a sorted or filtered sheet still reads back
    // in plan order).
    let tracker = Sheet::open(workbook, TRACKER)?;
    let (no, reference, text, resource) = (
        tracker.column("No.")?,
        tracker.column("Ref")?,
        tracker.column("Action")?,
        tracker.column("Resource")?,
    );
    let (objective_no, owners, due, due_from, due_text, success, notes) = (
        tracker.column("Import: objective no.")?,
        tracker.column("Import: owner keys")?,
        tracker.column("Import: due")?,
        tracker.column("Import: due from")?,
        tracker.column("Import: due as written")?,
        tracker.column("Import: success measures")?,
        tracker.column("Import: notes")?,
    );
    let rating_columns: Vec<(String, usize)> = plan
        .rating_scheme
        .dimensions
        .iter()
        .map(|d| tracker.column(&d.label).map(|c| (d.key.clone(), c)))
        .collect::<Result<_>>()?;
    let mut rows: Vec<(usize, usize)> = Vec::new();
    for r in (0..tracker.rows.len()).filter(|&r| !tracker.is_blank(r)) {
        rows.push((tracker.number(r, no)?, r));
    }
    rows.sort_unstable();
    // Action No. → (area, objective, action) indexes, for milestones and updates.
    let mut action_at: HashMap<usize, (usize, usize, usize)> = HashMap::new();
    for (number, r) in rows {
        let objective = tracker.number(r, objective_no)?;
        let &(a, o) = objective_at.get(&objective).ok_or_else(|| {
            bad(
                TRACKER,
                r + 1,
                format!("there is no objective {objective} on the Objectives sheet"),
            )
        })?;
        let resource_code = tracker.text(r, resource);
        let resource = if resource_code.trim().is_empty() {
            None
        } else {
            Some(Resource::from_code(&resource_code).ok_or_else(|| {
                bad(
                    TRACKER,
                    r + 1,
                    format!("resource {resource_code:?} is neither AR nor ER"),
                )
            })?)
        };
        let ratings = rating_columns
            .iter()
            .filter_map(|(key, col)| tracker.opt(r, *col).map(|code| (key.clone(), code)))
            .collect();
        let actions = &mut plan.areas[a].objectives[o].actions;
        actions.push(Action {
            id: None,
            reference: tracker.opt(r, reference),
            text: tracker.text(r, text),
            owners: tracker.list(r, owners)?,
            due: tracker.partial(r, due)?,
            due_from: tracker.partial(r, due_from)?,
            due_text: tracker.opt(r, due_text),
            ratings,
            resource,
            success_measures: tracker.list(r, success)?,
            milestones: Vec::new(),
            updates: Vec::new(),
            notes: tracker.list(r, notes)?,
        });
        if action_at
            .insert(number, (a, o, actions.len() - 1))
            .is_some()
        {
            return Err(bad(TRACKER, r + 1, format!("No. {number} is used twice")));
        }
    }
    Ok(action_at)
}

/// The Milestones and Updates sheets.
fn read_history(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    plan: &mut PlanTree,
    action_at: &HashMap<usize, (usize, usize, usize)>,
) -> Result<()> {
    let action_at = |sheet: &str, r: usize, number: usize| {
        action_at.get(&number).copied().ok_or_else(|| {
            bad(
                sheet,
                r + 1,
                format!("there is no action No. {number} on the Tracker sheet"),
            )
        })
    };

    let milestones = Sheet::open(workbook, MILESTONES)?;
    let (mno, mtext, mdue, mdue_text, mdone, mdone_text) = (
        milestones.column("Action no.")?,
        milestones.column("Milestone")?,
        milestones.column("Import: due")?,
        milestones.column("Import: due as written")?,
        milestones.column("Import: done")?,
        milestones.column("Import: done as written")?,
    );
    for r in (0..milestones.rows.len()).filter(|&r| !milestones.is_blank(r)) {
        let (a, o, x) = action_at(MILESTONES, r, milestones.number(r, mno)?)?;
        plan.areas[a].objectives[o].actions[x]
            .milestones
            .push(Milestone {
                text: milestones.text(r, mtext),
                due: milestones.partial(r, mdue)?,
                due_text: milestones.opt(r, mdue_text),
                done: milestones.partial(r, mdone)?,
                done_text: milestones.opt(r, mdone_text),
            });
    }

    let updates = Sheet::open(workbook, UPDATES)?;
    let (uno, udate, uauthor, unarrative) = (
        updates.column("Action no.")?,
        updates.column("Date")?,
        updates.column("Author")?,
        updates.column("Update")?,
    );
    let update_ratings: Vec<(String, usize)> = plan
        .rating_scheme
        .dimensions
        .iter()
        .map(|d| updates.column(&d.label).map(|c| (d.key.clone(), c)))
        .collect::<Result<_>>()?;
    for r in (0..updates.rows.len()).filter(|&r| !updates.is_blank(r)) {
        let (a, o, x) = action_at(UPDATES, r, updates.number(r, uno)?)?;
        let ratings = update_ratings
            .iter()
            .filter_map(|(key, col)| updates.opt(r, *col).map(|code| (key.clone(), code)))
            .collect();
        plan.areas[a].objectives[o].actions[x]
            .updates
            .push(ProgressUpdate {
                date: updates.date(r, udate)?,
                author: updates.opt(r, uauthor),
                narrative: updates.text(r, unarrative),
                ratings,
            });
    }

    Ok(())
}
