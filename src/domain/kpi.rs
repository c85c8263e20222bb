//! KPIs: measures with a baseline, a trajectory towards targets, actuals per period and
//! benchmarks, and whether the latest actual is on trajectory, with the working shown.
//!
//! A KPI is judged on its trajectory rather than only its final target, because boards
//! ask "are we where we said we would be by now?" months before the target date.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use time::{Date, Month};

use super::{Error, ObjectiveRef, PartialDate, Result, uk_month_name};

/// A stored KPI's id: stable across edits, used in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KpiId(pub i64);

/// The tolerance used when a plan sets none: 5% of the trajectory's value.
pub const DEFAULT_TOLERANCE_PERCENT: f64 = 5.0;

/// Comparisons allow for the rounding of decimal fractions in binary, so a value exactly
/// on the edge of the tolerance counts as within it.
const EPSILON: f64 = 1e-9;

/// A measured value: always a finite number.
///
/// Finite numbers compare equal to themselves, which is what lets plans (which hold
/// them) be compared with `==` and `Eq`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Number(f64);

impl Eq for Number {}

impl Number {
    /// A finite number; NaN and infinities are refused.
    pub fn new(value: f64) -> Result<Self> {
        if value.is_finite() {
            Ok(Self(value))
        } else {
            Err(Error::invalid("value", "must be a number"))
        }
    }

    /// Reads "62", "62.5", "62.5%", "1,204" as people type them.
    pub fn parse(raw: &str) -> Result<Self> {
        let cleaned: String = raw
            .trim()
            .trim_end_matches('%')
            .chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect();
        if cleaned.is_empty() {
            return Err(Error::invalid("value", "enter a number"));
        }
        let bad = || Error::invalid("value", format!("{:?} is not a number", raw.trim()));
        // Rust also reads "inf" and "NaN"; plans never mean those.
        if !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
        {
            return Err(bad());
        }
        cleaned
            .parse::<f64>()
            .map_err(|_| bad())
            .and_then(Self::new)
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }

    /// At most two decimal places, without trailing zeros: "58.33", "60", "-1.5".
    pub fn display(self) -> String {
        format_value(self.0)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

/// At most two decimal places, without trailing zeros.
pub fn format_value(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better: plans issued on time, parent confidence.
    HigherIsBetter,
    /// Less is better: waiting times, exclusions.
    LowerIsBetter,
}

impl Direction {
    /// "Higher is better".
    pub fn label(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "Higher is better",
            Self::LowerIsBetter => "Lower is better",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::HigherIsBetter => "higher_is_better",
            Self::LowerIsBetter => "lower_is_better",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        match code {
            "higher_is_better" => Ok(Self::HigherIsBetter),
            "lower_is_better" => Ok(Self::LowerIsBetter),
            other => Err(Error::invalid(
                "direction",
                format!("{other:?} is not higher_is_better or lower_is_better"),
            )),
        }
    }
}

/// How often a KPI is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    /// Each calendar month: `2020-06`.
    Month,
    /// Calendar quarters: `2020-Q2` is April to June 2020.
    Quarter,
    /// September to August: `2019/20`.
    AcademicYear,
    /// January to December: `2020`.
    CalendarYear,
}

impl PeriodType {
    /// Every period type, in the order forms list them.
    pub const ALL: [Self; 4] = [
        Self::Month,
        Self::Quarter,
        Self::AcademicYear,
        Self::CalendarYear,
    ];

    /// "Monthly".
    pub fn label(self) -> &'static str {
        match self {
            Self::Month => "Monthly",
            Self::Quarter => "Quarterly",
            Self::AcademicYear => "Each academic year",
            Self::CalendarYear => "Each calendar year",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::AcademicYear => "academic_year",
            Self::CalendarYear => "calendar_year",
        }
    }

    /// How a period of this type is written, for error messages and the CSV docs.
    pub fn example(self) -> &'static str {
        match self {
            Self::Month => "a month like 2020-06",
            Self::Quarter => "a quarter like 2020-Q2",
            Self::AcademicYear => "an academic year like 2019/20",
            Self::CalendarYear => "a year like 2020",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| Error::invalid("period_type", format!("{code:?} is not a period type")))
    }
}

/// One reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A calendar month.
    Month { year: i32, month: Month },
    /// A calendar quarter, 1 to 4.
    Quarter { year: i32, quarter: u8 },
    /// The academic year starting in September of `starts`.
    AcademicYear { starts: i32 },
    /// A calendar year.
    CalendarYear(i32),
}

impl Period {
    /// Reads `2020-06`, `2020-Q2`, `2019/20` or `2020`.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        let bad = || {
            Error::invalid(
                "period",
                format!(
                    "{raw:?} is not a period: write a month like 2020-06, a quarter like 2020-Q2, \
                     an academic year like 2019/20 or a year like 2020"
                ),
            )
        };
        let year = |text: &str| -> Result<i32> {
            let year: i32 = text.parse().map_err(|_| bad())?;
            if (1900..=2200).contains(&year) && text.len() == 4 {
                Ok(year)
            } else {
                Err(bad())
            }
        };
        if let Some((first, second)) = raw.split_once('/') {
            let starts = year(first)?;
            let ends: i32 = second.parse().map_err(|_| bad())?;
            if second.len() != 2 || ends != (starts + 1) % 100 {
                return Err(bad());
            }
            return Ok(Self::AcademicYear { starts });
        }
        if let Some((first, second)) = raw.split_once('-') {
            let year = year(first)?;
            if let Some(q) = second.strip_prefix(['Q', 'q']) {
                let quarter: u8 = q.parse().map_err(|_| bad())?;
                if !(1..=4).contains(&quarter) {
                    return Err(bad());
                }
                return Ok(Self::Quarter { year, quarter });
            }
            let month: u8 = second.parse().map_err(|_| bad())?;
            let month = Month::try_from(month).map_err(|_| bad())?;
            if second.len() != 2 {
                return Err(bad());
            }
            return Ok(Self::Month { year, month });
        }
        Ok(Self::CalendarYear(year(raw)?))
    }

    /// Reads a period that must be of the KPI's type.
    pub fn parse_for(kind: PeriodType, raw: &str) -> Result<Self> {
        let period = Self::parse(raw)?;
        if period.kind() != kind {
            return Err(Error::invalid(
                "period",
                format!(
                    "{:?} is not a period of this KPI, which is reported {}: write {}",
                    raw.trim(),
                    kind.label().to_lowercase(),
                    kind.example()
                ),
            ));
        }
        Ok(period)
    }

    /// The type of period.
    pub fn kind(self) -> PeriodType {
        match self {
            Self::Month { .. } => PeriodType::Month,
            Self::Quarter { .. } => PeriodType::Quarter,
            Self::AcademicYear { .. } => PeriodType::AcademicYear,
            Self::CalendarYear(_) => PeriodType::CalendarYear,
        }
    }

    /// The first day of the period.
    pub fn start(self) -> Date {
        let day =
            |year: i32, month: Month| Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
        match self {
            Self::Month { year, month } => day(year, month),
            Self::Quarter { year, quarter } => {
                let month = Month::try_from(quarter * 3 - 2).unwrap_or(Month::January);
                day(year, month)
            }
            Self::AcademicYear { starts } => day(starts, Month::September),
            Self::CalendarYear(year) => day(year, Month::January),
        }
    }

    /// The last day of the period: a value reported for a period is taken as at its end.
    pub fn end(self) -> Date {
        let last = |year: i32, month: Month| PartialDate::Month { year, month }.last_day();
        match self {
            Self::Month { year, month } => last(year, month),
            Self::Quarter { year, quarter } => {
                let month = Month::try_from(quarter * 3).unwrap_or(Month::December);
                last(year, month)
            }
            Self::AcademicYear { starts } => last(starts + 1, Month::August),
            Self::CalendarYear(year) => last(year, Month::December),
        }
    }

    /// The period in words: "June 2020", "April to June 2020", "2019/20 academic year".
    pub fn label(self) -> String {
        match self {
            Self::Month { year, month } => format!("{} {year}", uk_month_name(month)),
            Self::Quarter { year, .. } => format!(
                "{} to {} {year}",
                uk_month_name(self.start().month()),
                uk_month_name(self.end().month())
            ),
            Self::AcademicYear { starts } => {
                format!("{starts}/{:02} academic year", (starts + 1) % 100)
            }
            Self::CalendarYear(year) => year.to_string(),
        }
    }
}

impl fmt::Display for Period {
    /// The form [`Period::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year:04}-{:02}", u8::from(*month)),
            Self::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Self::AcademicYear { starts } => write!(f, "{starts:04}/{:02}", (starts + 1) % 100),
            Self::CalendarYear(year) => write!(f, "{year:04}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A value for a period: the baseline, a trajectory point or a benchmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// The period the value is for.
    pub period: Period,
    /// The value.
    pub value: Number,
    /// A target rather than an interim point on the way to one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub target: bool,
}

/// A reported value, with who entered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actual {
    /// The period it is for; one actual per period.
    pub period: Period,
    /// The value.
    pub value: Number,
    /// Who entered it: a person key or a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    /// The day it was entered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_on: Option<Date>,
    /// Context: a change of definition, a one-off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Whom a benchmark compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// England's average.
    England,
    /// The local area's statistical neighbours.
    StatisticalNeighbours,
    /// The region's average.
    Region,
}

impl Comparator {
    /// Every comparator.
    pub const ALL: [Self; 3] = [Self::England, Self::StatisticalNeighbours, Self::Region];

    /// "England".
    pub fn label(self) -> &'static str {
        match self {
            Self::England => "England",
            Self::StatisticalNeighbours => "Statistical neighbours",
            Self::Region => "Region",
        }
    }

    /// The code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::England => "england",
            Self::StatisticalNeighbours => "statistical_neighbours",
            Self::Region => "region",
        }
    }
}

/// A comparison value for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    /// Whom it compares with.
    pub comparator: Comparator,
    /// The period.
    pub period: Period,
    /// The value.
    pub value: Number,
}

/// A measure of impact with its trajectory and results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpi {
    /// Stored id, when loaded from the store.
    #[serde(skip)]
    pub id: Option<KpiId>,
    /// Short, unique in the plan, used in CSV files: "ehcp-20-weeks".
    pub key: String,
    /// "New EHC plans issued within 20 weeks, excluding exceptions".
    pub name: String,
    /// "%", "weeks", "number", "per 10,000 pupils".
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// How often it is reported.
    pub period_type: PeriodType,
    /// Where the figures come from: "SEN2 return".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who reports it: a person key or a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The objectives it evidences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<ObjectiveRef>,
    /// Where it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Point>,
    /// Interim points and targets, in any order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trajectory: Vec<Point>,
    /// Reported values, one per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actuals: Vec<Actual>,
    /// Comparison values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benchmarks: Vec<Benchmark>,
}

/// Checks a tolerance: a percentage from 0 to 100.
pub fn check_tolerance(tolerance: Number) -> Result<()> {
    if (0.0..=100.0).contains(&tolerance.get()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "kpi_tolerance",
            "the tolerance is a percentage from 0 to 100",
        ))
    }
}

/// Where a KPI stands against its trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiStatus {
    /// The latest actual is at or better than the trajectory, within the tolerance.
    OnTrajectory,
    /// The latest actual is worse than the trajectory by more than the tolerance.
    OffTrajectory,
    /// No actual yet, no trajectory, or an actual before the trajectory starts.
    NotAssessed,
}

impl KpiStatus {
    /// "On trajectory".
    pub fn label(self) -> &'static str {
        match self {
            Self::OnTrajectory => "On trajectory",
            Self::OffTrajectory => "Off trajectory",
            Self::NotAssessed => "Not assessed",
        }
    }

    /// The code the API gives: `on_trajectory`, `off_trajectory` or `not_assessed`.
    pub fn code(self) -> &'static str {
        match self {
            Self::OnTrajectory => "on_trajectory",
            Self::OffTrajectory => "off_trajectory",
            Self::NotAssessed => "not_assessed",
        }
    }

    /// The GOV.UK tag modifier: the words say it, the colour only repeats it.
    pub fn tag_class(self) -> &'static str {
        match self {
            Self::OnTrajectory => "govuk-tag--green",
            Self::OffTrajectory => "govuk-tag--red",
            Self::NotAssessed => "govuk-tag--grey",
        }
    }
}

/// The trajectory's value at a date, and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// The value.
    pub value: f64,
    /// "interpolated in a straight line between 55% for March 2020 and 65% for …".
    pub how: String,
}

/// A status with the working that led to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// On, off or not assessed.
    pub status: KpiStatus,
    /// How it was computed, in sentences.
    pub explanation: String,
    /// The trajectory's value at the actual's period end, when there is one.
    pub expected: Option<f64>,
}

impl Kpi {
    /// A KPI with no figures yet.
    pub fn new(
        key: impl Into<String>,
        name: impl Into<String>,
        unit: impl Into<String>,
        direction: Direction,
        period_type: PeriodType,
    ) -> Self {
        Self {
            id: None,
            key: key.into(),
            name: name.into(),
            unit: unit.into(),
            direction,
            period_type,
            source: None,
            owner: None,
            objectives: Vec::new(),
            baseline: None,
            trajectory: Vec::new(),
            actuals: Vec::new(),
            benchmarks: Vec::new(),
        }
    }

    /// A value with the KPI's unit: "62%", "14 weeks", "3".
    pub fn format(&self, value: f64) -> String {
        let number = format_value(value);
        match self.unit.trim() {
            "%" => format!("{number}%"),
            "" | "number" | "count" => number,
            unit => format!("{number} {unit}"),
        }
    }

    /// Checks the definition and its figures: a key, a name and a unit, actuals of the
    /// KPI's period type and at most one per period.
    pub fn validate(&self) -> Result<()> {
        let at = format!("KPI {:?}", self.key);
        if self.key.trim().is_empty()
            || !self
                .key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Error::invalid(
                at,
                "the key must be letters, digits and hyphens, like ehcp-20-weeks",
            ));
        }
        if self.name.trim().is_empty() {
            return Err(Error::invalid(at, "needs a name"));
        }
        if self.unit.trim().is_empty() {
            return Err(Error::invalid(at, "needs a unit, such as % or weeks"));
        }
        let mut seen = std::collections::HashSet::new();
        for actual in &self.actuals {
            if actual.period.kind() != self.period_type {
                return Err(Error::invalid(
                    at,
                    format!(
                        "the actual for {} is not {}",
                        actual.period,
                        self.period_type.example()
                    ),
                ));
            }
            if !seen.insert(actual.period) {
                return Err(Error::invalid(
                    at,
                    format!("two actuals are given for {}", actual.period.label()),
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for point in self.baseline.iter().chain(&self.trajectory) {
            if !seen.insert(point.period.end()) {
                return Err(Error::invalid(
                    at,
                    format!(
                        "the baseline and trajectory give two values for {}",
                        point.period.label()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The actuals, oldest first.
    pub fn actuals_in_order(&self) -> Vec<&Actual> {
        let mut actuals: Vec<&Actual> = self.actuals.iter().collect();
        actuals.sort_by_key(|a| a.period.end());
        actuals
    }

    /// The baseline and trajectory points, oldest first.
    pub fn path(&self) -> Vec<(&Point, bool)> {
        let mut points: Vec<(&Point, bool)> = self
            .baseline
            .iter()
            .map(|p| (p, true))
            .chain(self.trajectory.iter().map(|p| (p, false)))
            .collect();
        points.sort_by_key(|(p, _)| p.period.end());
        points
    }

    fn describe_point(&self, point: &Point, baseline: bool) -> String {
        let what = if baseline {
            "the baseline, "
        } else if point.target {
            "the target, "
        } else {
            ""
        };
        format!(
            "{what}{} for {}",
            self.format(point.value.get()),
            point.period.label()
        )
    }

    /// The trajectory's value on a day: a straight line between the points either side,
    /// the last point after the trajectory ends, nothing before it starts.
    pub fn expected_at(&self, day: Date) -> Option<Expected> {
        let path = self.path();
        let (first, first_is_baseline) = *path.first()?;
        if day < first.period.end() {
            return None;
        }
        for pair in path.windows(2) {
            let ((from, from_baseline), (to, to_baseline)) = (pair[0], pair[1]);
            let (start, end) = (from.period.end(), to.period.end());
            if day == start {
                return Some(Expected {
                    value: from.value.get(),
                    how: format!(
                        "the trajectory's own point: {}",
                        self.describe_point(from, from_baseline)
                    ),
                });
            }
            if day > start && day <= end {
                let span = (end - start).whole_days();
                let into = (day - start).whole_days();
                #[expect(clippy::cast_precision_loss, reason = "day counts are far below 2^52")]
                let share = into as f64 / span as f64;
                let value = from.value.get() + (to.value.get() - from.value.get()) * share;
                let how = if day == end {
                    format!(
                        "the trajectory's own point: {}",
                        self.describe_point(to, to_baseline)
                    )
                } else {
                    format!(
                        "interpolated in a straight line between {} and {} ({into} of {span} days along)",
                        self.describe_point(from, from_baseline),
                        self.describe_point(to, to_baseline)
                    )
                };
                return Some(Expected { value, how });
            }
        }
        let (last, last_is_baseline) = *path.last()?;
        let how = if path.len() == 1 {
            format!(
                "the only point given, {}, held level",
                self.describe_point(first, first_is_baseline)
            )
        } else {
            format!(
                "the last point, {}, held after the trajectory ends",
                self.describe_point(last, last_is_baseline)
            )
        };
        Some(Expected {
            value: last.value.get(),
            how,
        })
    }

    /// Whether one actual is on trajectory, with the working.
    pub fn assess_actual(&self, actual: &Actual, tolerance_percent: f64) -> Assessment {
        let end = actual.period.end();
        let shown = self.format(actual.value.get());
        let opening = format!(
            "The actual for {} is {shown}, taken as at the end of the period, {}.",
            actual.period.label(),
            PartialDate::Day(end).to_uk()
        );
        let Some(expected) = self.expected_at(end) else {
            let why = if self.path().is_empty() {
                "This KPI has no baseline or trajectory to compare it with.".to_owned()
            } else {
                "That is before the trajectory starts, so it is not compared.".to_owned()
            };
            return Assessment {
                status: KpiStatus::NotAssessed,
                explanation: format!("{opening} {why}"),
                expected: None,
            };
        };
        let band = expected.value.abs() * tolerance_percent / 100.0;
        let value = actual.value.get();
        let (on, threshold, side) = match self.direction {
            Direction::HigherIsBetter => {
                let threshold = expected.value - band;
                (value >= threshold - EPSILON, threshold, "or more")
            }
            Direction::LowerIsBetter => {
                let threshold = expected.value + band;
                (value <= threshold + EPSILON, threshold, "or less")
            }
        };
        let status = if on {
            KpiStatus::OnTrajectory
        } else {
            KpiStatus::OffTrajectory
        };
        let explanation = format!(
            "{opening} The trajectory on that day is {}: {}. {}; the plan allows a tolerance of \
             {}% of the trajectory's value ({}), so {} {side} is on trajectory. {shown} is {}.",
            self.format(expected.value),
            expected.how,
            self.direction.label(),
            format_value(tolerance_percent),
            self.format(band),
            self.format(threshold),
            status.label().to_lowercase()
        );
        Assessment {
            status,
            explanation,
            expected: Some(expected.value),
        }
    }

    /// Whether the latest actual is on trajectory, with the working.
    pub fn assess(&self, tolerance_percent: f64) -> Assessment {
        match self.actuals_in_order().last() {
            Some(latest) => self.assess_actual(latest, tolerance_percent),
            None => Assessment {
                status: KpiStatus::NotAssessed,
                explanation: "No actual has been recorded yet.".to_owned(),
                expected: None,
            },
        }
    }
}

/// A measure every SEND plan can start from, without figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardMeasure {
    /// The key a KPI made from it gets.
    pub key: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// Which way is better.
    pub direction: Direction,
    /// How often it is usually reported.
    pub period_type: PeriodType,
    /// Where the figures usually come from.
    pub source: &'static str,
}

impl StandardMeasure {
    /// A KPI with this definition and no figures.
    pub fn to_kpi(self) -> Kpi {
        let mut kpi = Kpi::new(
            self.key,
            self.name,
            self.unit,
            self.direction,
            self.period_type,
        );
        kpi.source = Some(self.source.to_owned());
        kpi
    }
}

const fn measure(
    key: &'static str,
    name: &'static str,
    unit: &'static str,
    direction: Direction,
    period_type: PeriodType,
    source: &'static str,
) -> StandardMeasure {
    StandardMeasure {
        key,
        name,
        unit,
        direction,
        period_type,
        source,
    }
}

/// The measures the Department for Education, NHS England and inspectors ask SEND plans
/// about.
pub const STANDARD_MEASURES: [StandardMeasure; 12] = [
    measure(
        "ehcp-20-weeks",
        "New EHC plans issued within 20 weeks, including exceptions",
        "%",
        Direction::HigherIsBetter,
        PeriodType::CalendarYear,
        "SEN2 return",
    ),
    measure(
        "ehcp-20-weeks-excluding-exceptions",
        "New EHC plans issued within 20 weeks, excluding exceptions",
        "%",
        Direction::HigherIsBetter,
        PeriodType::CalendarYear,
        "SEN2 return",
    ),
    measure(
        "annual-reviews-on-time",
        "EHC plan annual reviews completed on time",
        "%",
        Direction::HigherIsBetter,
        PeriodType::Month,
        "Case management system",
    ),
    measure(
        "suspensions-send",
        "Suspensions of pupils with SEND (per 100 pupils with SEND)",
        "per 100 pupils",
        Direction::LowerIsBetter,
        PeriodType::AcademicYear,
        "DfE suspensions and permanent exclusions statistics",
    ),
    measure(
        "permanent-exclusions-send",
        "Permanent exclusions of pupils with SEND",
        "number",
        Direction::LowerIsBetter,
        PeriodType::AcademicYear,
        "DfE suspensions and permanent exclusions statistics",
    ),
    measure(
        "neet-16-17-send",
        "16 and 17 year olds with SEND not in education, employment or training (NEET)",
        "%",
        Direction::LowerIsBetter,
        PeriodType::Quarter,
        "NCCIS client caseload information",
    ),
    measure(
        "not-known-16-17-send",
        "16 and 17 year olds with SEND whose activity is not known",
        "%",
        Direction::LowerIsBetter,
        PeriodType::Quarter,
        "NCCIS client caseload information",
    ),
    measure(
        "autism-assessment-wait",
        "Average wait from referral to autism assessment",
        "weeks",
        Direction::LowerIsBetter,
        PeriodType::Month,
        "NHS provider waiting list data",
    ),
    measure(
        "speech-language-therapy-wait",
        "Children and young people waiting over 18 weeks for speech and language therapy",
        "number",
        Direction::LowerIsBetter,
        PeriodType::Month,
        "NHS provider waiting list data",
    ),
    measure(
        "occupational-therapy-wait",
        "Children and young people waiting over 18 weeks for occupational therapy",
        "number",
        Direction::LowerIsBetter,
        PeriodType::Month,
        "NHS provider waiting list data",
    ),
    measure(
        "tribunal-appeals",
        "SEND tribunal appeals as a percentage of appealable decisions",
        "%",
        Direction::LowerIsBetter,
        PeriodType::CalendarYear,
        "Ministry of Justice tribunal statistics",
    ),
    measure(
        "parent-confidence",
        "Parents and carers confident that their child's needs are met",
        "%",
        Direction::HigherIsBetter,
        PeriodType::AcademicYear,
        "Parent carer survey",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn period(raw: &str) -> Period {
        Period::parse(raw).unwrap()
    }

    #[test]
    fn comparator_codes_are_the_plan_json_words() {
        for comparator in Comparator::ALL {
            assert_eq!(
                serde_json::to_value(comparator).unwrap(),
                comparator.code(),
                "{comparator:?}"
            );
        }
        let codes: Vec<&str> = [
            KpiStatus::OnTrajectory,
            KpiStatus::OffTrajectory,
            KpiStatus::NotAssessed,
        ]
        .map(KpiStatus::code)
        .to_vec();
        assert_eq!(codes, ["on_trajectory", "off_trajectory", "not_assessed"]);
    }

    fn point(raw: &str, value: f64) -> Point {
        Point {
            period: period(raw),
            value: Number::new(value).unwrap(),
            target: false,
        }
    }

    fn actual(raw: &str, value: f64) -> Actual {
        Actual {
            period: period(raw),
            value: Number::new(value).unwrap(),
            entered_by: None,
            entered_on: None,
            note: None,
        }
    }

    /// Baseline 50% at March 2020 (ends 31 March), target 80% at September 2020 (ends
    /// 30 September): 183 days apart.
    fn ehcp(direction: Direction) -> Kpi {
        let mut kpi = Kpi::new("k", "Plans on time", "%", direction, PeriodType::Month);
        kpi.baseline = Some(point("2020-03", 50.0));
        kpi.trajectory = vec![Point {
            target: true,
            ..point("2020-09", 80.0)
        }];
        kpi
    }

    #[test]
    fn periods_read_and_write_their_four_forms() {
        for raw in ["2020-06", "2020-Q2", "2019/20", "2020", "1999/00"] {
            assert_eq!(period(raw).to_string(), raw);
        }
        assert_eq!(period("2020-Q2").label(), "April to June 2020");
        assert_eq!(period("2020-Q2").end(), date!(2020 - 06 - 30));
        assert_eq!(period("2019/20").start(), date!(2019 - 09 - 01));
        assert_eq!(period("2019/20").end(), date!(2020 - 08 - 31));
        assert_eq!(period("2019/20").label(), "2019/20 academic year");
        assert_eq!(period("2020-02").end(), date!(2020 - 02 - 29));
        assert_eq!(period("2020").end(), date!(2020 - 12 - 31));
        for bad in [
            "2020-13",
            "2020-Q5",
            "2019/21",
            "20",
            "June 2020",
            "",
            "2020-6",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        let err = Period::parse_for(PeriodType::Quarter, "2020-06").unwrap_err();
        assert!(err.to_string().contains("2020-Q2"), "{err}");
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "values read from text are exact")]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(Number::parse(" 62.5% ").unwrap().get(), 62.5);
        assert_eq!(Number::parse("1,204").unwrap().get(), 1204.0);
        assert_eq!(Number::parse("-3").unwrap().get(), -3.0);
        for bad in ["", "abc", "NaN", "inf", "6 2x", "1e999"] {
            assert!(Number::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format_value(58.333_333), "58.33");
        assert_eq!(format_value(60.0), "60");
        assert_eq!(format_value(-0.001), "0");
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "the trajectory's own points are exact")]
    fn the_trajectory_is_interpolated_between_points_to_the_period_end() {
        let kpi = ehcp(Direction::HigherIsBetter);

        // 30 June is 91 of 183 days after 31 March.
        let expected = kpi.expected_at(date!(2020 - 06 - 30)).unwrap();

        assert!((expected.value - (50.0 + 30.0 * 91.0 / 183.0)).abs() < 1e-9);
        assert!(expected.how.contains("interpolated"), "{}", expected.how);
        assert!(expected.how.contains("the baseline, 50% for March 2020"));
        assert!(expected.how.contains("the target, 80% for September 2020"));
        assert_eq!(kpi.expected_at(date!(2020 - 03 - 31)).unwrap().value, 50.0);
        assert_eq!(kpi.expected_at(date!(2020 - 09 - 30)).unwrap().value, 80.0);
        assert_eq!(kpi.expected_at(date!(2021 - 06 - 30)).unwrap().value, 80.0);
        assert!(kpi.expected_at(date!(2020 - 02 - 29)).is_none());
    }

    #[test]
    fn higher_is_better_is_on_trajectory_at_the_tolerance_edge_and_off_beyond_it() {
        let kpi = ehcp(Direction::HigherIsBetter);

        // At September the trajectory is 80; 5% of 80 is 4, so 76 is the edge.
        let edge = kpi.assess_actual(&actual("2020-09", 76.0), 5.0);
        let below = kpi.assess_actual(&actual("2020-09", 75.99), 5.0);
        let above = kpi.assess_actual(&actual("2020-09", 95.0), 5.0);

        assert_eq!(edge.status, KpiStatus::OnTrajectory, "{}", edge.explanation);
        assert_eq!(below.status, KpiStatus::OffTrajectory);
        assert_eq!(above.status, KpiStatus::OnTrajectory, "better is never off");
        assert!(
            edge.explanation.contains("76% or more is on trajectory"),
            "{}",
            edge.explanation
        );
        assert!(edge.explanation.contains("Higher is better"));
        assert!(edge.explanation.contains("30 September 2020"));
    }

    #[test]
    fn lower_is_better_compares_the_other_way() {
        let mut kpi = ehcp(Direction::LowerIsBetter);
        kpi.baseline = Some(point("2020-03", 40.0));
        kpi.trajectory = vec![point("2020-09", 20.0)];

        // 20 + 10% of 20 = 22.
        let edge = kpi.assess_actual(&actual("2020-09", 22.0), 10.0);
        let over = kpi.assess_actual(&actual("2020-09", 22.01), 10.0);
        let low = kpi.assess_actual(&actual("2020-09", 5.0), 10.0);

        assert_eq!(edge.status, KpiStatus::OnTrajectory, "{}", edge.explanation);
        assert_eq!(over.status, KpiStatus::OffTrajectory);
        assert_eq!(low.status, KpiStatus::OnTrajectory);
        assert!(
            edge.explanation.contains("22% or less"),
            "{}",
            edge.explanation
        );
    }

    #[test]
    fn a_zero_tolerance_needs_the_trajectory_itself_and_an_interpolated_point_is_used() {
        let kpi = ehcp(Direction::HigherIsBetter);
        let june = 50.0 + 30.0 * 91.0 / 183.0;

        let on = kpi.assess_actual(&actual("2020-06", june), 0.0);
        let off = kpi.assess_actual(&actual("2020-06", june - 0.01), 0.0);

        assert_eq!(on.status, KpiStatus::OnTrajectory, "{}", on.explanation);
        assert_eq!(off.status, KpiStatus::OffTrajectory);
        assert!((on.expected.unwrap() - june).abs() < 1e-9);
    }

    #[test]
    fn the_latest_actual_decides_and_missing_data_is_not_assessed() {
        let mut kpi = ehcp(Direction::HigherIsBetter);
        assert_eq!(kpi.assess(5.0).status, KpiStatus::NotAssessed);
        kpi.actuals = vec![actual("2020-09", 90.0), actual("2020-06", 10.0)];
        assert_eq!(kpi.assess(5.0).status, KpiStatus::OnTrajectory);
        let early = kpi.assess_actual(&actual("2020-01", 10.0), 5.0);
        assert_eq!(early.status, KpiStatus::NotAssessed);
        assert!(early.explanation.contains("before the trajectory starts"));
        let bare = Kpi::new(
            "b",
            "Bare",
            "weeks",
            Direction::LowerIsBetter,
            PeriodType::Month,
        );
        let none = bare.assess_actual(&actual("2020-01", 10.0), 5.0);
        assert!(none.explanation.contains("no baseline or trajectory"));
    }

    #[test]
    fn a_kpi_refuses_an_actual_of_another_period_type_or_a_period_twice() {
        let mut kpi = ehcp(Direction::HigherIsBetter);
        kpi.actuals = vec![actual("2020-Q2", 1.0)];
        assert!(kpi.validate().is_err());
        kpi.actuals = vec![actual("2020-06", 1.0), actual("2020-06", 2.0)];
        assert!(
            kpi.validate()
                .unwrap_err()
                .to_string()
                .contains("two actuals")
        );
        kpi.actuals = vec![actual("2020-06", 1.0)];
        kpi.validate().unwrap();
        kpi.key = "has space".into();
        assert!(kpi.validate().is_err());
    }

    #[test]
    fn the_standard_measures_are_valid_kpis_with_unique_keys() {
        let mut keys = std::collections::HashSet::new();
        for measure in STANDARD_MEASURES {
            measure.to_kpi().validate().unwrap();
            assert!(keys.insert(measure.key));
        }
        let names: Vec<&str> = STANDARD_MEASURES.iter().map(|m| m.name).collect();
        for wanted in [
            "20 weeks",
            "annual reviews",
            "exclusions",
            "NEET",
            "not known",
            "autism",
            "therapy",
            "tribunal",
            "confident",
        ] {
            assert!(
                names
                    .iter()
                    .any(|n| n.to_lowercase().contains(&wanted.to_lowercase())),
                "{wanted}"
            );
        }
    }

    #[test]
    fn values_are_shown_with_their_unit() {
        let kpi = ehcp(Direction::HigherIsBetter);
        assert_eq!(kpi.format(62.0), "62%");
        let weeks = Kpi::new(
            "w",
            "Wait",
            "weeks",
            Direction::LowerIsBetter,
            PeriodType::Month,
        );
        assert_eq!(weeks.format(14.5), "14.5 weeks");
        let count = Kpi::new(
            "c",
            "Count",
            "number",
            Direction::LowerIsBetter,
            PeriodType::Month,
        );
        assert_eq!(count.format(3.0), "3");
    }
}
