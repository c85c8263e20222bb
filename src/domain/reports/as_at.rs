//! Which day a report describes, and where "since the last report" starts: a date, or a
//! closed reporting cycle, read against the plan's closed cycles.
//!
//! A cycle is named by its number, as the cycles page shows it: the Nth cycle closed,
//! from 1, in closing order. A report as at cycle N is the plan at the end of the day
//! cycle N closed, rebuilt from the history like any date. Its period ("since the last
//! report") starts after the day cycle N − 1 closed, since what was recorded on that day
//! was in that cycle's report. For a date, the period starts after the last cycle closed
//! before it; with no such cycle, the report's own default (three months) stands.

use serde::Serialize;
use time::Date;

use super::uk_date;
use crate::domain::{ClosedCycle, Error, PartialDate, Result};

/// The day a report describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsAt {
    /// The state at the end of this day.
    Date(Date),
    /// The state at the end of the day the plan's closed reporting cycle with this
    /// number closed.
    Cycle(u32),
}

impl AsAt {
    /// Reads `YYYY-MM-DD` or `cycle:N`, as the command line and the download links
    /// write them.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        match raw.strip_prefix("cycle:") {
            Some(n) => n.trim().parse().map(Self::Cycle).map_err(|_| {
                Error::invalid(
                    "as_at",
                    format!("{raw:?}: a reporting cycle is cycle:N, with N its number"),
                )
            }),
            None => match PartialDate::parse_iso(raw) {
                Ok(PartialDate::Day(day)) => Ok(Self::Date(day)),
                _ => Err(Error::invalid(
                    "as_at",
                    format!("{raw:?} is not a date in the form YYYY-MM-DD, or cycle:N"),
                )),
            },
        }
    }

    /// The code the download links carry: `2020-02-03` or `cycle:2`.
    pub fn code(self) -> String {
        match self {
            Self::Date(day) => day.to_string(),
            Self::Cycle(n) => format!("cycle:{n}"),
        }
    }
}

/// An "as at" read against the plan's closed cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDay {
    /// The day the report describes.
    pub as_at: Date,
    /// The closed cycle whose end it is, when one was asked for.
    pub cycle: Option<u32>,
    /// The cycle closed before it (the last report), whose closing day starts the period
    /// unless a start is given.
    pub last_report: Option<ClosedCycle>,
}

impl ReportDay {
    /// Reads `as_at` (today when none) against `closed`, the plan's closed cycles oldest
    /// first. A cycle number the plan does not have is refused, naming those it has.
    pub fn resolve(as_at: Option<AsAt>, today: Date, closed: &[ClosedCycle]) -> Result<Self> {
        match as_at.unwrap_or(AsAt::Date(today)) {
            AsAt::Date(day) => Ok(Self {
                as_at: day,
                cycle: None,
                last_report: closed.iter().rfind(|c| c.ends_on < day).cloned(),
            }),
            AsAt::Cycle(n) => {
                let at = closed
                    .iter()
                    .position(|c| c.number == n)
                    .ok_or_else(|| unknown_cycle(n, closed))?;
                Ok(Self {
                    as_at: closed[at].ends_on,
                    cycle: Some(n),
                    last_report: at.checked_sub(1).map(|i| closed[i].clone()),
                })
            }
        }
    }

    /// The start of the period (exclusive): the one given, else the day the last report's
    /// cycle closed, else none (the report's default).
    pub fn since(&self, given: Option<Date>) -> Option<Date> {
        given.or(self.last_report.as_ref().map(|c| c.ends_on))
    }
}

/// The refusal for a cycle number the plan does not have: what it has, and what to do.
fn unknown_cycle(n: u32, closed: &[ClosedCycle]) -> Error {
    if closed.is_empty() {
        return Error::invalid(
            "as_at",
            format!(
                "there is no reporting cycle {n}: this plan has no closed reporting cycles yet; close one on the plan's reporting cycles page, or give a date (YYYY-MM-DD)"
            ),
        );
    }
    let listed: Vec<String> = closed
        .iter()
        .map(|c| format!("{} closed {}", c.number, uk_date(c.ends_on)))
        .collect();
    let noun = if closed.len() == 1 { "cycle" } else { "cycles" };
    let message = format!(
        "there is no reporting cycle {n}: this plan has {} closed reporting {noun} ({}); choose one of them (cycle:N) or give a date (YYYY-MM-DD)",
        closed.len(),
        listed.join(", ")
    );
    Error::invalid("as_at", message)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::CycleId;

    fn closed(number: u32, ends_on: Date) -> ClosedCycle {
        ClosedCycle {
            id: CycleId(i64::from(number) + 100),
            number,
            starts_on: ends_on - time::Duration::weeks(6),
            ends_on,
            closed_by: None,
        }
    }

    fn cycles() -> Vec<ClosedCycle> {
        vec![
            closed(1, date!(2026 - 03 - 03)),
            closed(2, date!(2026 - 04 - 14)),
        ]
    }

    const TODAY: Date = date!(2026 - 05 - 01);

    #[test]
    fn a_cycle_is_the_day_it_closed_and_its_period_starts_at_the_one_before() {
        let second = ReportDay::resolve(Some(AsAt::Cycle(2)), TODAY, &cycles()).unwrap();
        assert_eq!(second.as_at, date!(2026 - 04 - 14));
        assert_eq!(second.cycle, Some(2));
        assert_eq!(second.since(None), Some(date!(2026 - 03 - 03)));
        assert_eq!(
            second.since(Some(date!(2026 - 01 - 01))),
            Some(date!(2026 - 01 - 01)),
            "a start given wins"
        );
        let first = ReportDay::resolve(Some(AsAt::Cycle(1)), TODAY, &cycles()).unwrap();
        assert_eq!(first.as_at, date!(2026 - 03 - 03));
        assert_eq!(first.since(None), None, "no report before the first cycle");
    }

    #[test]
    fn a_date_reports_since_the_last_cycle_closed_before_it() {
        let resolve = |as_at| ReportDay::resolve(as_at, TODAY, &cycles()).unwrap();
        assert_eq!(
            resolve(None).since(None),
            Some(date!(2026 - 04 - 14)),
            "today"
        );
        assert_eq!(
            resolve(Some(AsAt::Date(date!(2026 - 04 - 14)))).since(None),
            Some(date!(2026 - 03 - 03)),
            "a cycle closing on the day is the report itself, not the last one"
        );
        assert_eq!(
            resolve(Some(AsAt::Date(date!(2026 - 02 - 01)))).since(None),
            None
        );
        assert_eq!(resolve(None).as_at, TODAY);
    }

    #[test]
    fn an_unknown_cycle_names_the_cycles_there_are() {
        let message =
            |closed: &[ClosedCycle]| match ReportDay::resolve(Some(AsAt::Cycle(3)), TODAY, closed)
                .unwrap_err()
            {
                Error::Invalid { field, message } => {
                    assert_eq!(field, "as_at");
                    message
                }
                other => panic!("{other:?}"),
            };
        assert_eq!(
            message(&cycles()),
            "there is no reporting cycle 3: this plan has 2 closed reporting cycles (1 closed 3 March 2026, 2 closed 14 April 2026); choose one of them (cycle:N) or give a date (YYYY-MM-DD)"
        );
        assert!(message(&cycles()[..1]).contains("has 1 closed reporting cycle (1 closed"));
        assert!(message(&[]).contains("no closed reporting cycles yet"));
    }

    #[test]
    fn as_at_is_read_from_a_date_or_a_cycle() {
        assert_eq!(AsAt::parse(" cycle:2 ").unwrap(), AsAt::Cycle(2));
        assert_eq!(
            AsAt::parse("2020-02-03").unwrap(),
            AsAt::Date(date!(2020 - 02 - 03))
        );
        assert_eq!(AsAt::Cycle(2).code(), "cycle:2");
        for bad in ["cycle:", "cycle:two", "2020-02", "yesterday", "cycle:-1"] {
            assert!(AsAt::parse(bad).is_err(), "{bad}");
        }
    }
}
