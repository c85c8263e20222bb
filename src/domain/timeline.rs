//! The inspection timeline: deadlines counted in working days from the report's
//! publication, England and Wales bank holidays computed by rule, and what is due next.
//!
//! Bank holidays are computed rather than listed so that the product keeps working in
//! years nobody typed in; the one-off changes (jubilees, a state funeral, a moved VE day)
//! sit in an exception table, and a plan can add its own.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

use super::{Error, PartialDate, PlanKind, PlanTree, Result};

/// Deadlines in working days, set per framework and changeable per plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingDays {
    /// From the report's publication to the plan's submission.
    pub plan_due: u32,
    /// From a submission to Ofsted and the CQC's evaluation.
    pub evaluation: u32,
    /// From a "not fit for purpose" evaluation to the resubmission.
    pub resubmission: u32,
}

impl WorkingDays {
    /// The framework's figures. The 2016 framework sets 70, 10 and 20 working days for a
    /// written statement of action; the other kinds start from the same figures, to be
    /// changed per plan where the Department for Education agrees other dates.
    pub fn for_kind(kind: PlanKind) -> Self {
        match kind {
            PlanKind::WrittenStatementOfAction
            | PlanKind::AcceleratedProgressPlan
            | PlanKind::PriorityActionPlan
            | PlanKind::ImprovementPlan => Self {
                plan_due: 70,
                evaluation: 10,
                resubmission: 20,
            },
        }
    }
}

/// What happened on a date of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The plan was sent to Ofsted and the CQC.
    Submission,
    /// Ofsted and the CQC judged it; `outcome` says how.
    Evaluation,
    /// A revisit (2016 framework) took place.
    Revisit,
    /// A monitoring inspection (2023 framework) took place.
    MonitoringInspection,
    /// Anything else worth showing on the timeline.
    Other,
}

impl EventKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 5] = [
        Self::Submission,
        Self::Evaluation,
        Self::Revisit,
        Self::MonitoringInspection,
        Self::Other,
    ];

    /// "Plan submitted".
    pub fn label(self) -> &'static str {
        match self {
            Self::Submission => "Plan submitted",
            Self::Evaluation => "Plan evaluated",
            Self::Revisit => "Revisit",
            Self::MonitoringInspection => "Monitoring inspection",
            Self::Other => "Event",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Submission => "submission",
            Self::Evaluation => "evaluation",
            Self::Revisit => "revisit",
            Self::MonitoringInspection => "monitoring_inspection",
            Self::Other => "other",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::invalid("kind", format!("{code:?} is not a timeline event")))
    }
}

/// Ofsted and the CQC's judgement of a submitted plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluation {
    /// Fit for purpose: delivery and monitoring begin.
    FitForPurpose,
    /// Not fit for purpose: resubmit.
    NotFitForPurpose,
}

impl Evaluation {
    /// "fit for purpose".
    pub fn label(self) -> &'static str {
        match self {
            Self::FitForPurpose => "fit for purpose",
            Self::NotFitForPurpose => "not fit for purpose",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::FitForPurpose => "fit_for_purpose",
            Self::NotFitForPurpose => "not_fit_for_purpose",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        match code {
            "fit_for_purpose" => Ok(Self::FitForPurpose),
            "not_fit_for_purpose" => Ok(Self::NotFitForPurpose),
            other => Err(Error::invalid(
                "outcome",
                format!("{other:?} is not fit_for_purpose or not_fit_for_purpose"),
            )),
        }
    }
}

/// A dated event on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// When.
    pub date: Date,
    /// What.
    pub kind: EventKind,
    /// For an evaluation: fit or not fit for purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Evaluation>,
    /// Anything to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The plan's timeline settings and events; the inspection and publication dates are the
/// plan's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Timeline {
    /// Working-day deadlines when the plan's differ from its framework's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<WorkingDays>,
    /// Days off beyond the bundled bank holidays (a new one-off, a local closure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_bank_holidays: Vec<Date>,
    /// Submissions, evaluations, revisits and other events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<TimelineEvent>,
}

impl Timeline {
    /// Nothing set: the plan JSON leaves it out.
    pub fn is_empty(&self) -> bool {
        self.working_days.is_none() && self.extra_bank_holidays.is_empty() && self.events.is_empty()
    }

    /// An evaluation says how it went; nothing else does.
    pub fn validate(&self) -> Result<()> {
        for event in &self.events {
            event.validate()?;
        }
        if let Some(days) = self.working_days
            && (days.plan_due == 0 || days.evaluation == 0 || days.resubmission == 0)
        {
            return Err(Error::invalid(
                "working_days",
                "each deadline is at least one working day",
            ));
        }
        Ok(())
    }
}

impl TimelineEvent {
    /// An evaluation needs its outcome; other events have none.
    pub fn validate(&self) -> Result<()> {
        match (self.kind, self.outcome) {
            (EventKind::Evaluation, None) => Err(Error::invalid(
                "outcome",
                "say whether the plan was judged fit for purpose",
            )),
            (EventKind::Evaluation, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err(Error::invalid(
                "outcome",
                "only an evaluation has an outcome",
            )),
        }
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus, also known
/// as the Meeus/Jones/Butcher algorithm).
#[expect(
    clippy::many_single_char_names,
    reason = "the algorithm's letters as published, so it can be checked against the source"
)]
pub fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).unwrap_or(4)).unwrap_or(Month::April);
    Date::from_calendar_date(year, month, u8::try_from(day).unwrap_or(1)).unwrap_or(Date::MIN)
}

/// A one-off change to the rules: a holiday moved or added.
struct Exception {
    /// The day the rules give that is not a holiday that year.
    removed: Option<(i32, Month, u8)>,
    /// The day that is.
    added: (i32, Month, u8),
    /// Why.
    name: &'static str,
}

/// England and Wales one-offs since the early May bank holiday began in 1978.
const EXCEPTIONS: [Exception; 11] = [
    Exception {
        removed: Some((1995, Month::May, 1)),
        added: (1995, Month::May, 8),
        name: "Early May bank holiday (VE Day)",
    },
    Exception {
        removed: None,
        added: (1999, Month::December, 31),
        name: "Millennium celebrations",
    },
    Exception {
        removed: Some((2002, Month::May, 27)),
        added: (2002, Month::June, 4),
        name: "Spring bank holiday",
    },
    Exception {
        removed: None,
        added: (2002, Month::June, 3),
        name: "Golden Jubilee bank holiday",
    },
    Exception {
        removed: None,
        added: (2011, Month::April, 29),
        name: "Royal wedding",
    },
    Exception {
        removed: Some((2012, Month::May, 28)),
        added: (2012, Month::June, 4),
        name: "Spring bank holiday",
    },
    Exception {
        removed: None,
        added: (2012, Month::June, 5),
        name: "Diamond Jubilee bank holiday",
    },
    Exception {
        removed: Some((2020, Month::May, 4)),
        added: (2020, Month::May, 8),
        name: "Early May bank holiday (VE Day)",
    },
    Exception {
        removed: Some((2022, Month::May, 30)),
        added: (2022, Month::June, 2),
        name: "Spring bank holiday",
    },
    Exception {
        removed: None,
        added: (2022, Month::June, 3),
        name: "Platinum Jubilee bank holiday",
    },
    Exception {
        removed: None,
        added: (2022, Month::September, 19),
        name: "State Funeral of Queen Elizabeth II",
    },
];

/// Also a one-off; kept apart because the table above is full of moves, and this is the
/// newest addition people look for.
const CORONATION: (i32, Month, u8, &str) = (
    2023,
    Month::May,
    8,
    "Bank holiday for the coronation of King Charles III",
);

fn day(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The first `weekday` of a month.
fn first(year: i32, month: Month, weekday: Weekday) -> Date {
    let mut date = day(year, month, 1);
    while date.weekday() != weekday {
        date += Duration::days(1);
    }
    date
}

/// The last `weekday` of a month.
fn last(year: i32, month: Month, weekday: Weekday) -> Date {
    let mut date = day(year, month, month.length(year));
    while date.weekday() != weekday {
        date -= Duration::days(1);
    }
    date
}

/// Days falling at a weekend move to the next weekday not already a holiday, in order:
/// the rule for New Year's Day, Christmas Day and Boxing Day.
fn with_substitutes(days: &[(Date, &'static str)]) -> Vec<(Date, String)> {
    let mut taken: BTreeSet<Date> = days
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| !is_weekend(*d))
        .collect();
    let mut out: Vec<(Date, String)> = days
        .iter()
        .filter(|(d, _)| !is_weekend(*d))
        .map(|(d, name)| (*d, (*name).to_owned()))
        .collect();
    for (date, name) in days.iter().filter(|(d, _)| is_weekend(*d)) {
        let mut moved = *date + Duration::days(1);
        while is_weekend(moved) || taken.contains(&moved) {
            moved += Duration::days(1);
        }
        taken.insert(moved);
        out.push((moved, format!("{name} (substitute day)")));
    }
    out
}

/// England and Wales bank holidays of a year, with their names, in date order.
pub fn bank_holidays(year: i32) -> Vec<(Date, String)> {
    let easter = easter_sunday(year);
    let mut days: Vec<(Date, String)> =
        with_substitutes(&[(day(year, Month::January, 1), "New Year's Day")]);
    days.push((easter - Duration::days(2), "Good Friday".to_owned()));
    days.push((easter + Duration::days(1), "Easter Monday".to_owned()));
    if year >= 1978 {
        days.push((
            first(year, Month::May, Weekday::Monday),
            "Early May bank holiday".to_owned(),
        ));
    }
    days.push((
        last(year, Month::May, Weekday::Monday),
        "Spring bank holiday".to_owned(),
    ));
    days.push((
        last(year, Month::August, Weekday::Monday),
        "Summer bank holiday".to_owned(),
    ));
    days.extend(with_substitutes(&[
        (day(year, Month::December, 25), "Christmas Day"),
        (day(year, Month::December, 26), "Boxing Day"),
    ]));
    for exception in &EXCEPTIONS {
        if let Some((y, m, d)) = exception.removed
            && y == year
        {
            let removed = day(y, m, d);
            days.retain(|(date, _)| *date != removed);
        }
        let (y, m, d) = exception.added;
        if y == year {
            days.push((day(y, m, d), exception.name.to_owned()));
        }
    }
    let (y, m, d, name) = CORONATION;
    if y == year {
        days.push((day(y, m, d), name.to_owned()));
    }
    days.sort_by_key(|(date, _)| *date);
    days
}

/// Working days: Monday to Friday, not a bank holiday, not one of the plan's own days off.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    extra: BTreeSet<Date>,
}

impl WorkingCalendar {
    /// The bundled bank holidays plus a plan's extra days off.
    pub fn with_extra(extra: &[Date]) -> Self {
        Self {
            extra: extra.iter().copied().collect(),
        }
    }

    /// The name of the holiday on a day, if it is one.
    pub fn holiday(&self, date: Date) -> Option<String> {
        if self.extra.contains(&date) {
            return Some("Extra day off set for this plan".to_owned());
        }
        bank_holidays(date.year())
            .into_iter()
            .find(|(d, _)| *d == date)
            .map(|(_, name)| name)
    }

    /// Whether work counts on this day.
    pub fn is_working_day(&self, date: Date) -> bool {
        !is_weekend(date) && self.holiday(date).is_none()
    }

    /// The day `n` working days after `start`: the first working day after `start` is
    /// day 1, so a report published on a Friday or at a weekend starts counting on the
    /// next working day. Also returns the holidays skipped on the way.
    pub fn add_working_days(&self, start: Date, n: u32) -> (Date, Vec<(Date, String)>) {
        let mut date = start;
        let mut counted = 0;
        let mut skipped = Vec::new();
        while counted < n {
            date += Duration::days(1);
            if is_weekend(date) {
                continue;
            }
            if let Some(name) = self.holiday(date) {
                skipped.push((date, name));
                continue;
            }
            counted += 1;
        }
        (date, skipped)
    }
}

/// Where a date of the timeline stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    /// Something that took place.
    Happened,
    /// A deadline that was met.
    Met,
    /// A deadline still to come.
    Due,
    /// A deadline passed without what it asked for.
    Overdue,
    /// An expected date, not a deadline.
    Expected,
}

impl EntryState {
    /// "Overdue".
    pub fn label(self) -> &'static str {
        match self {
            Self::Happened => "Done",
            Self::Met => "Met",
            Self::Due => "Due",
            Self::Overdue => "Overdue",
            Self::Expected => "Expected",
        }
    }

    /// The GOV.UK tag modifier.
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::Happened => "govuk-tag--grey",
            Self::Met => "govuk-tag--green",
            Self::Due => "govuk-tag--blue",
            Self::Overdue => "govuk-tag--red",
            Self::Expected => "govuk-tag--light-blue",
        }
    }

    fn outstanding(self) -> bool {
        matches!(self, Self::Due | Self::Overdue)
    }
}

/// One date on the timeline, with how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// The day.
    pub date: Date,
    /// "Plan due".
    pub title: String,
    /// How the date was computed or what happened.
    pub detail: String,
    /// Done, met, due, overdue or expected.
    pub state: EntryState,
}

/// The plan's dates in order, and the first deadline still outstanding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Every date, oldest first.
    pub entries: Vec<TimelineEntry>,
    /// The earliest deadline not yet met (overdue or to come).
    pub next: Option<TimelineEntry>,
    /// The deadlines in force, the framework's or the plan's own.
    pub working_days: WorkingDays,
}

fn uk(date: Date) -> String {
    PartialDate::Day(date).to_uk()
}

fn skipped_words(skipped: &[(Date, String)]) -> String {
    if skipped.is_empty() {
        "weekends skipped; no bank holiday fell in the period".to_owned()
    } else {
        let names: Vec<String> = skipped
            .iter()
            .map(|(d, name)| format!("{name} ({})", uk(*d)))
            .collect();
        format!(
            "weekends and these bank holidays skipped: {}",
            names.join(", ")
        )
    }
}

/// About 18 months after a date, as the frameworks time revisits and monitoring.
fn eighteen_months_after(date: Date) -> Date {
    let months = i32::from(u8::from(date.month())) - 1 + 18;
    let year = date.year() + months / 12;
    let month =
        Month::try_from(u8::try_from(months % 12 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let day_of_month = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day_of_month).unwrap_or(date)
}

fn deadline(date: Date, met: Option<Date>, today: Date) -> EntryState {
    match met {
        Some(_) => EntryState::Met,
        None if date < today => EntryState::Overdue,
        None => EntryState::Due,
    }
}

impl PlanTree {
    /// The deadlines in force: the plan's own, else its framework's.
    pub fn working_days(&self) -> WorkingDays {
        self.timeline
            .working_days
            .unwrap_or_else(|| WorkingDays::for_kind(self.kind))
    }

    /// The timeline as of `today`: inspection, publication, the computed deadlines, the
    /// recorded events, the expected revisit, and the first deadline outstanding.
    #[expect(
        clippy::too_many_lines,
        reason = "one pass over the framework's steps, each a few lines"
    )]
    pub fn schedule(&self, today: Date) -> Schedule {
        let days = self.working_days();
        let calendar = WorkingCalendar::with_extra(&self.timeline.extra_bank_holidays);
        let mut entries = Vec::new();
        if let Some(start) = self.inspection_start {
            let detail = match self.inspection_end {
                Some(end) if end != start => format!("From {} to {}.", uk(start), uk(end)),
                _ => format!("On {}.", uk(start)),
            };
            entries.push(TimelineEntry {
                date: start,
                title: "Inspection".to_owned(),
                detail,
                state: EntryState::Happened,
            });
        }
        let mut events: Vec<&TimelineEvent> = self.timeline.events.iter().collect();
        events.sort_by_key(|e| e.date);
        let submissions: Vec<Date> = events
            .iter()
            .filter(|e| e.kind == EventKind::Submission)
            .map(|e| e.date)
            .collect();
        if let Some(published) = self.report_published {
            entries.push(TimelineEntry {
                date: published,
                title: "Inspection report published".to_owned(),
                detail: "Working days are counted from the next working day.".to_owned(),
                state: EntryState::Happened,
            });
            let (due, skipped) = calendar.add_working_days(published, days.plan_due);
            let met = submissions.first().copied();
            let detail = format!(
                "{} working days after the report was published on {}: {}.{}",
                days.plan_due,
                uk(published),
                skipped_words(&skipped),
                met.map_or(String::new(), |d| format!(" Submitted on {}.", uk(d)))
            );
            entries.push(TimelineEntry {
                date: due,
                title: format!("{} due", self.kind.label()),
                detail,
                state: deadline(due, met, today),
            });
            if self.kind == PlanKind::PriorityActionPlan
                && !events
                    .iter()
                    .any(|e| e.kind == EventKind::MonitoringInspection)
            {
                entries.push(TimelineEntry {
                    date: eighteen_months_after(published),
                    title: "Monitoring inspection expected".to_owned(),
                    detail: format!(
                        "About 18 months after the report was published on {}.",
                        uk(published)
                    ),
                    state: EntryState::Expected,
                });
            }
        }
        let mut accepted = None;
        for (n, event) in events.iter().enumerate() {
            let later = |kind: EventKind| {
                events[n + 1..]
                    .iter()
                    .find(|e| e.kind == kind)
                    .map(|e| e.date)
            };
            let note = event
                .note
                .as_deref()
                .map_or(String::new(), |n| format!(" {n}"));
            match event.kind {
                EventKind::Submission => {
                    entries.push(TimelineEntry {
                        date: event.date,
                        title: "Plan submitted".to_owned(),
                        detail: format!("Sent to Ofsted and the CQC.{note}"),
                        state: EntryState::Happened,
                    });
                    let (due, skipped) = calendar.add_working_days(event.date, days.evaluation);
                    let met = later(EventKind::Evaluation);
                    entries.push(TimelineEntry {
                        date: due,
                        title: "Evaluation due".to_owned(),
                        detail: format!(
                            "{} working days after the submission on {}: {}.",
                            days.evaluation,
                            uk(event.date),
                            skipped_words(&skipped)
                        ),
                        state: deadline(due, met, today),
                    });
                }
                EventKind::Evaluation => {
                    let outcome = event.outcome.unwrap_or(Evaluation::NotFitForPurpose);
                    entries.push(TimelineEntry {
                        date: event.date,
                        title: format!("Plan judged {}", outcome.label()),
                        detail: format!("Evaluated by Ofsted and the CQC.{note}"),
                        state: EntryState::Happened,
                    });
                    match outcome {
                        Evaluation::NotFitForPurpose => {
                            let (due, skipped) =
                                calendar.add_working_days(event.date, days.resubmission);
                            let met = later(EventKind::Submission);
                            entries.push(TimelineEntry {
                                date: due,
                                title: "Resubmission due".to_owned(),
                                detail: format!(
                                    "{} working days after the plan was judged not fit for purpose on {}: {}.",
                                    days.resubmission,
                                    uk(event.date),
                                    skipped_words(&skipped)
                                ),
                                state: deadline(due, met, today),
                            });
                        }
                        Evaluation::FitForPurpose => accepted = Some(event.date),
                    }
                }
                EventKind::Revisit | EventKind::MonitoringInspection | EventKind::Other => {
                    entries.push(TimelineEntry {
                        date: event.date,
                        title: event.kind.label().to_owned(),
                        detail: note.trim().to_owned(),
                        state: EntryState::Happened,
                    });
                }
            }
        }
        if let Some(accepted) = accepted
            && self.kind != PlanKind::PriorityActionPlan
            && !events.iter().any(|e| e.kind == EventKind::Revisit)
        {
            entries.push(TimelineEntry {
                date: eighteen_months_after(accepted),
                title: "Revisit expected".to_owned(),
                detail: format!(
                    "About 18 months after the plan was accepted on {}; Ofsted and the CQC give 10 working days' notice.",
                    uk(accepted)
                ),
                state: EntryState::Expected,
            });
        }
        entries.sort_by_key(|e| e.date);
        let next = entries.iter().find(|e| e.state.outstanding()).cloned();
        Schedule {
            entries,
            next,
            working_days: days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn holidays(year: i32) -> Vec<Date> {
        bank_holidays(year).into_iter().map(|(d, _)| d).collect()
    }

    #[test]
    fn easter_is_computed_for_known_years() {
        assert_eq!(easter_sunday(2019), date!(2019 - 04 - 21));
        assert_eq!(easter_sunday(2020), date!(2020 - 04 - 12));
        assert_eq!(easter_sunday(2024), date!(2024 - 03 - 31));
        assert_eq!(easter_sunday(2025), date!(2025 - 04 - 20));
        assert_eq!(easter_sunday(2038), date!(2038 - 04 - 25));
        assert_eq!(easter_sunday(2008), date!(2008 - 03 - 23));
    }

    #[test]
    fn the_2019_bank_holidays_match_the_published_list() {
        assert_eq!(
            holidays(2019),
            [
                date!(2019 - 01 - 01),
                date!(2019 - 04 - 19),
                date!(2019 - 04 - 22),
                date!(2019 - 05 - 06),
                date!(2019 - 05 - 27),
                date!(2019 - 08 - 26),
                date!(2019 - 12 - 25),
                date!(2019 - 12 - 26),
            ]
        );
    }

    #[test]
    fn weekend_holidays_get_substitute_days() {
        // 2022: New Year on a Saturday, Christmas on a Sunday.
        let h2022 = holidays(2022);
        assert!(h2022.contains(&date!(2022 - 01 - 03)));
        assert!(h2022.contains(&date!(2022 - 12 - 26)));
        assert!(h2022.contains(&date!(2022 - 12 - 27)));
        // 2021: Christmas on a Saturday, Boxing Day on a Sunday.
        let h2021 = holidays(2021);
        assert!(h2021.contains(&date!(2021 - 12 - 27)));
        assert!(h2021.contains(&date!(2021 - 12 - 28)));
        // 2017: New Year on a Sunday.
        assert!(holidays(2017).contains(&date!(2017 - 01 - 02)));
        // 2020: Boxing Day on a Saturday.
        assert!(holidays(2020).contains(&date!(2020 - 12 - 28)));
        let names = bank_holidays(2022);
        assert!(
            names
                .iter()
                .any(|(_, n)| n == "Christmas Day (substitute day)")
        );
    }

    #[test]
    fn the_one_offs_move_and_add_days() {
        let h2020 = holidays(2020);
        assert!(h2020.contains(&date!(2020 - 05 - 08)));
        assert!(!h2020.contains(&date!(2020 - 05 - 04)), "moved to VE Day");
        let h2022 = holidays(2022);
        assert!(!h2022.contains(&date!(2022 - 05 - 30)));
        for d in [
            date!(2022 - 06 - 02),
            date!(2022 - 06 - 03),
            date!(2022 - 09 - 19),
        ] {
            assert!(h2022.contains(&d), "{d}");
        }
        assert!(holidays(2023).contains(&date!(2023 - 05 - 08)));
        assert!(
            holidays(2023).contains(&date!(2023 - 05 - 01)),
            "early May kept"
        );
        assert_eq!(holidays(2022).len(), 10);
    }

    #[test]
    fn working_days_skip_weekends_easter_and_start_the_day_after() {
        let calendar = WorkingCalendar::default();
        // Thursday 18 April 2019: Good Friday and Easter Monday follow.
        let (due, skipped) = calendar.add_working_days(date!(2019 - 04 - 18), 1);
        assert_eq!(due, date!(2019 - 04 - 23));
        assert_eq!(skipped.len(), 2);
        // Friday publication: day 1 is Monday.
        assert_eq!(
            calendar.add_working_days(date!(2019 - 06 - 14), 1).0,
            date!(2019 - 06 - 17)
        );
        // Saturday and Sunday publication: day 1 is Monday too.
        assert_eq!(
            calendar.add_working_days(date!(2019 - 06 - 15), 1).0,
            date!(2019 - 06 - 17)
        );
        assert_eq!(
            calendar.add_working_days(date!(2019 - 06 - 16), 5).0,
            date!(2019 - 06 - 21)
        );
        assert_eq!(
            calendar.add_working_days(date!(2019 - 06 - 14), 0).0,
            date!(2019 - 06 - 14)
        );
    }

    #[test]
    fn working_days_cross_the_year_end_and_its_holidays() {
        let calendar = WorkingCalendar::default();
        // Friday 20 December 2019 + 5: 23, 24, (25, 26 off), 27, 30, 31.
        assert_eq!(
            calendar.add_working_days(date!(2019 - 12 - 20), 5).0,
            date!(2019 - 12 - 31)
        );
        // + 6 crosses New Year's Day 2020.
        assert_eq!(
            calendar.add_working_days(date!(2019 - 12 - 20), 6).0,
            date!(2020 - 01 - 02)
        );
        // 2021/22: substitutes on 27 and 28 December and 3 January; 29, 30, 31, 4, 5.
        let (due, skipped) = calendar.add_working_days(date!(2021 - 12 - 24), 5);
        assert_eq!(due, date!(2022 - 01 - 05));
        assert_eq!(skipped.len(), 3);
    }

    #[test]
    fn a_plan_can_add_its_own_days_off() {
        let calendar = WorkingCalendar::with_extra(&[date!(2019 - 06 - 17)]);
        assert_eq!(
            calendar.add_working_days(date!(2019 - 06 - 14), 1).0,
            date!(2019 - 06 - 18)
        );
        assert!(!calendar.is_working_day(date!(2019 - 06 - 17)));
    }

    #[test]
    fn the_wsoa_is_due_70_working_days_after_publication() {
        let mut plan = PlanTree::new("Northshire", "WSOA");
        // Published Tuesday 13 August 2019; the summer bank holiday (26 August) falls in
        // the 70 days, so the plan is due on Wednesday 20 November 2019.
        plan.report_published = Some(date!(2019 - 08 - 13));

        let schedule = plan.schedule(date!(2019 - 09 - 01));

        let due = schedule
            .entries
            .iter()
            .find(|e| e.title.ends_with("due"))
            .unwrap();
        assert_eq!(due.date, date!(2019 - 11 - 20));
        assert_eq!(due.state, EntryState::Due);
        assert!(
            due.detail.contains("Summer bank holiday (26 August 2019)"),
            "{}",
            due.detail
        );
        assert_eq!(schedule.next.unwrap().date, date!(2019 - 11 - 20));
    }

    #[test]
    fn an_unfit_plan_gets_a_resubmission_deadline_and_an_accepted_one_a_revisit() {
        let mut plan = PlanTree::new("Northshire", "WSOA");
        plan.report_published = Some(date!(2019 - 08 - 13));
        let event = |date: Date, kind: EventKind, outcome: Option<Evaluation>| TimelineEvent {
            date,
            kind,
            outcome,
            note: None,
        };
        plan.timeline.events = vec![
            event(date!(2019 - 11 - 18), EventKind::Submission, None),
            event(
                date!(2019 - 12 - 02),
                EventKind::Evaluation,
                Some(Evaluation::NotFitForPurpose),
            ),
        ];

        let unfit = plan.schedule(date!(2019 - 12 - 03));
        plan.timeline
            .events
            .push(event(date!(2019 - 12 - 20), EventKind::Submission, None));
        plan.timeline.events.push(event(
            date!(2020 - 01 - 10),
            EventKind::Evaluation,
            Some(Evaluation::FitForPurpose),
        ));
        let fit = plan.schedule(date!(2020 - 02 - 01));

        // 2 December 2019 + 20 working days skips 25, 26 December and 1 January.
        let next = unfit.next.unwrap();
        assert_eq!(next.title, "Resubmission due");
        assert_eq!(next.date, date!(2020 - 01 - 02));
        let states: Vec<(&str, EntryState)> = fit
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.state))
            .collect();
        assert!(states.contains(&("Written statement of action due", EntryState::Met)));
        assert!(states.contains(&("Resubmission due", EntryState::Met)));
        let revisit = fit
            .entries
            .iter()
            .find(|e| e.title == "Revisit expected")
            .unwrap();
        assert_eq!(revisit.date, date!(2021 - 07 - 10));
        assert!(fit.next.is_none());
    }

    #[test]
    fn an_evaluation_needs_its_outcome() {
        let event = TimelineEvent {
            date: date!(2019 - 12 - 02),
            kind: EventKind::Evaluation,
            outcome: None,
            note: None,
        };
        assert!(event.validate().is_err());
    }
}
