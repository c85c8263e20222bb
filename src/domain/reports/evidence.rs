//! Issue 7's evidence as the reports read it on a day: meetings, boards, KPI movement and
//! "you said, we did".
//!
//! Everything is cut at the as-at day: a meeting held later, an actual for a period that
//! ends later (or entered later) and a response dated later do not show.

use serde::Serialize;
use time::Date;

use super::super::{Actual, Board, Kpi, KpiStatus, Meeting, PlanTree, YouSaidWeDid};

/// A meeting as a report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingSummary {
    /// The day it was held.
    pub date: Date,
    /// "Board meeting", "Monitoring visit".
    pub kind: String,
    /// The board that met, for a board meeting.
    pub board: Option<String>,
    /// What it was for.
    pub purpose: String,
    /// Who attended, by name where the plan knows the initials.
    pub attendees: Vec<String>,
    /// The progress measure agreed per area at the meeting.
    pub measures: Vec<MeasureAt>,
}

impl MeetingSummary {
    /// "18 October 2019: 3rd monitoring visit (Monitoring visit)".
    pub fn describe(&self) -> String {
        let board = self
            .board
            .as_ref()
            .map(|b| format!(", {b}"))
            .unwrap_or_default();
        format!(
            "{}: {} ({}{board})",
            super::uk_date(self.date),
            self.purpose,
            self.kind
        )
    }
}

/// The progress measure agreed for an area at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureAt {
    /// The area's number.
    pub area: u32,
    /// The ratings as written ("Green", "Green").
    pub ratings: Vec<String>,
    /// The sentence that goes with them.
    pub summary: Option<String>,
}

/// A board as the monitoring arrangements list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardSummary {
    /// Its name.
    pub name: String,
    /// Who chairs it.
    pub chair: Option<String>,
    /// The board it reports to.
    pub reports_to: Option<String>,
    /// How often it meets.
    pub cadence: Option<String>,
}

/// The bodies that monitor one area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaMonitoring {
    /// The area's number.
    pub area: u32,
    /// The boards monitoring the area or any of its actions, by name.
    pub bodies: Vec<String>,
}

/// The plan's monitoring arrangements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Monitoring {
    /// The boards, in the plan's order.
    pub boards: Vec<BoardSummary>,
    /// Per area with a monitoring body, which.
    pub areas: Vec<AreaMonitoring>,
}

impl Monitoring {
    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.boards.is_empty() && self.areas.is_empty()
    }
}

/// Where a KPI stood on the as-at day and how it moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KpiMovement {
    /// The KPI's key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// "Higher is better".
    pub direction: String,
    /// "40% for July to September 2019".
    pub baseline: Option<String>,
    /// The latest actual on or before the day.
    pub latest: Option<String>,
    /// The end of the latest actual's period.
    pub latest_end: Option<Date>,
    /// The actual before it.
    pub previous: Option<String>,
    /// "On trajectory", "Off trajectory", "Not assessed".
    pub status: String,
    /// `on_trajectory`, `off_trajectory` or `not_assessed`.
    pub status_code: String,
    /// How the status was computed.
    pub explanation: String,
    /// Whether the latest actual's period ended in the report's period.
    pub moved_in_period: bool,
}

impl KpiMovement {
    /// Whether the KPI is off trajectory.
    pub fn is_off(&self) -> bool {
        self.status_code == KpiStatus::OffTrajectory.code()
    }
}

/// A "you said, we did" entry as a report shows it: no names, no actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseAt {
    /// What was asked for.
    pub you_said: String,
    /// What the area did.
    pub we_did: String,
    /// "Done", "In progress", "Not possible".
    pub status: String,
    /// Why not, when not possible.
    pub reason: Option<String>,
    /// When the answer was given.
    pub date: Option<Date>,
}

fn name_of(plan: &PlanTree, who: &str) -> String {
    plan.person(who)
        .map_or_else(|| who.to_owned(), |p| p.name.clone())
}

fn summarise(plan: &PlanTree, meeting: &Meeting) -> MeetingSummary {
    MeetingSummary {
        date: meeting.date,
        kind: meeting.kind.label().to_owned(),
        board: meeting.board.clone(),
        purpose: meeting.purpose.clone(),
        attendees: meeting.attendees.iter().map(|a| name_of(plan, a)).collect(),
        measures: meeting
            .progress_measures
            .iter()
            .map(|m| MeasureAt {
                area: m.area,
                ratings: m.ratings.clone(),
                summary: m.summary.clone(),
            })
            .collect(),
    }
}

/// The meetings held after `since` up to and including `day`, oldest first.
pub fn meetings_between(plan: &PlanTree, since: Date, day: Date) -> Vec<MeetingSummary> {
    let mut meetings: Vec<&Meeting> = plan
        .meetings
        .iter()
        .filter(|m| m.date > since && m.date <= day)
        .collect();
    meetings.sort_by_key(|m| m.date);
    meetings.into_iter().map(|m| summarise(plan, m)).collect()
}

/// The latest meeting on or before `day`: the one a progress report reports to.
pub fn meeting_reported_to(plan: &PlanTree, day: Date) -> Option<MeetingSummary> {
    plan.meetings
        .iter()
        .filter(|m| m.date <= day)
        .max_by_key(|m| m.date)
        .map(|m| summarise(plan, m))
}

fn board_summary(board: &Board) -> BoardSummary {
    BoardSummary {
        name: board.name.clone(),
        chair: board.chair.clone(),
        reports_to: board.reports_to.clone(),
        cadence: board.cadence.clone(),
    }
}

/// The boards and, per area, the boards that monitor it or its actions.
pub fn monitoring(plan: &PlanTree) -> Monitoring {
    let areas = plan
        .areas
        .iter()
        .filter_map(|area| {
            let bodies: Vec<String> = plan
                .boards
                .iter()
                .filter(|b| {
                    b.monitors_areas.contains(&area.number)
                        || b.monitors.iter().any(|r| r.area == area.number)
                })
                .map(|b| b.name.clone())
                .collect();
            (!bodies.is_empty()).then_some(AreaMonitoring {
                area: area.number,
                bodies,
            })
        })
        .collect();
    Monitoring {
        boards: plan.boards.iter().map(board_summary).collect(),
        areas,
    }
}

fn known_by(actual: &Actual, day: Date) -> bool {
    actual.period.end() <= day && actual.entered_on.is_none_or(|on| on <= day)
}

/// A KPI with only the actuals known at the end of `day`.
fn kpi_at(kpi: &Kpi, day: Date) -> Kpi {
    let mut kpi = kpi.clone();
    kpi.actuals.retain(|a| known_by(a, day));
    kpi
}

fn describe_actual(kpi: &Kpi, actual: &Actual) -> String {
    format!(
        "{} for {}",
        kpi.format(actual.value.get()),
        actual.period.label()
    )
}

/// Each KPI's position at the end of `day`, assessed with the plan's tolerance.
pub fn kpi_movements(plan: &PlanTree, since: Date, day: Date) -> Vec<KpiMovement> {
    let tolerance = plan.tolerance_percent();
    plan.kpis
        .iter()
        .map(|kpi| {
            let kpi = kpi_at(kpi, day);
            let actuals = kpi.actuals_in_order();
            let latest = actuals.last().copied();
            let previous = actuals.len().checked_sub(2).map(|i| actuals[i]);
            let assessment = kpi.assess(tolerance);
            KpiMovement {
                key: kpi.key.clone(),
                name: kpi.name.clone(),
                direction: kpi.direction.label().to_owned(),
                baseline: kpi
                    .baseline
                    .as_ref()
                    .map(|b| format!("{} for {}", kpi.format(b.value.get()), b.period.label())),
                latest: latest.map(|a| describe_actual(&kpi, a)),
                latest_end: latest.map(|a| a.period.end()),
                previous: previous.map(|a| describe_actual(&kpi, a)),
                status: assessment.status.label().to_owned(),
                status_code: assessment.status.code().to_owned(),
                explanation: assessment.explanation,
                moved_in_period: latest.is_some_and(|a| a.period.end() > since),
            }
        })
        .collect()
}

fn response_at(entry: &YouSaidWeDid) -> ResponseAt {
    ResponseAt {
        you_said: entry.you_said.clone(),
        we_did: entry.we_did.clone(),
        status: entry.status.label().to_owned(),
        reason: entry.reason.clone(),
        date: entry.date,
    }
}

/// The "you said, we did" entries done in the period (after `since`, on or before `day`).
pub fn responses_done_between(plan: &PlanTree, since: Date, day: Date) -> Vec<ResponseAt> {
    plan.you_said_we_did
        .iter()
        .filter(|e| {
            e.status == super::super::ResponseStatus::Done
                && e.date.is_some_and(|d| d > since && d <= day)
        })
        .map(response_at)
        .collect()
}

/// The "you said, we did" entries as they stood on `day`: those answered later left out
/// (an undated answer is kept).
pub fn responses_at(plan: &PlanTree, day: Date) -> Vec<ResponseAt> {
    plan.you_said_we_did
        .iter()
        .filter(|e| e.date.is_none_or(|d| d <= day))
        .map(response_at)
        .collect()
}

/// A KPI's position in plain words for families, or nothing when no actual is known.
/// Percentages read "48 in every 100"; other units keep their unit.
pub fn kpi_headline(plan: &PlanTree, kpi: &Kpi, day: Date, then_label: &str) -> Option<String> {
    let kpi = kpi_at(kpi, day);
    let latest = *kpi.actuals_in_order().last()?;
    let words = |value: f64| {
        if kpi.unit.trim() == "%" {
            format!("{} in every 100", super::super::format_value(value))
        } else {
            kpi.format(value)
        }
    };
    let now = latest.value.get();
    let mut text = format!(
        "{}: {} in {}",
        kpi.name.trim(),
        words(now),
        latest.period.label()
    );
    if let Some(baseline) = &kpi.baseline {
        let then = baseline.value.get();
        let change = if (now - then).abs() < f64::EPSILON {
            "the same as".to_owned()
        } else if now > then {
            "up from".to_owned()
        } else {
            "down from".to_owned()
        };
        text = format!(
            "{text}, {change} {} {then_label} ({})",
            words(then),
            baseline.period.label()
        );
    }
    let status = kpi.assess(plan.tolerance_percent()).status;
    text.push_str(match status {
        KpiStatus::OnTrajectory => ". This is where we planned to be.",
        KpiStatus::OffTrajectory => ". This is not yet where we planned to be.",
        KpiStatus::NotAssessed => ".",
    });
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Direction, MeetingKind, Number, Period, PeriodType, Point, ProgressMeasure, ResponseStatus,
    };
    use time::macros::date;

    fn meeting(day: Date, purpose: &str) -> Meeting {
        Meeting {
            id: None,
            date: day,
            kind: MeetingKind::MonitoringVisit,
            board: None,
            purpose: purpose.into(),
            attendees: vec!["DfE SEND adviser".into()],
            notes: None,
            decisions: Vec::new(),
            actions_agreed: Vec::new(),
            progress_measures: vec![ProgressMeasure {
                area: 1,
                ratings: vec!["Green".into(), "Green".into()],
                summary: Some("On track".into()),
            }],
        }
    }

    fn actual(period: &str, value: f64) -> Actual {
        Actual {
            period: Period::parse(period).unwrap(),
            value: Number::new(value).unwrap(),
            entered_by: None,
            entered_on: None,
            note: None,
        }
    }

    fn plan() -> PlanTree {
        let mut plan = PlanTree::new("Northshire", "Plan");
        plan.meetings = vec![
            meeting(date!(2019 - 10 - 18), "3rd monitoring visit"),
            meeting(date!(2019 - 11 - 05), "Six-weekly review"),
        ];
        let mut kpi = Kpi::new(
            "ehcp",
            "New EHC plans issued within 20 weeks",
            "%",
            Direction::HigherIsBetter,
            PeriodType::Quarter,
        );
        kpi.baseline = Some(Point {
            period: Period::parse("2019-Q3").unwrap(),
            value: Number::new(40.0).unwrap(),
            target: false,
        });
        kpi.trajectory = vec![Point {
            period: Period::parse("2020-Q1").unwrap(),
            value: Number::new(55.0).unwrap(),
            target: true,
        }];
        kpi.actuals = vec![actual("2019-Q4", 45.5), actual("2020-Q1", 48.0)];
        plan.kpis = vec![kpi];
        plan.kpi_tolerance = Some(Number::new(2.5).unwrap());
        plan.you_said_we_did = vec![YouSaidWeDid {
            id: None,
            you_said: "Plain words, please".into(),
            we_did: "A one-page guide".into(),
            status: ResponseStatus::Done,
            reason: None,
            actions: Vec::new(),
            date: Some(date!(2020 - 01 - 15)),
        }];
        let mut board = Board::new("SEND Partnership Board");
        board.chair = Some("Director of Children's Services".into());
        board.reports_to = Some("Health and Wellbeing Board".into());
        board.monitors_areas = vec![1];
        plan.boards = vec![board];
        plan.areas.push(crate::domain::Area {
            number: 1,
            title: "Area one".into(),
            ..crate::domain::Area::default()
        });
        plan
    }

    #[test]
    fn meetings_in_the_period_leave_out_those_after_the_day() {
        let plan = plan();
        let held = meetings_between(&plan, date!(2019 - 08 - 01), date!(2019 - 11 - 01));
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].purpose, "3rd monitoring visit");
        assert_eq!(held[0].attendees, ["DfE SEND adviser"]);
        let both = meetings_between(&plan, date!(2019 - 08 - 01), date!(2019 - 11 - 05));
        assert_eq!(both.len(), 2);
        assert!(meetings_between(&plan, date!(2019 - 10 - 18), date!(2019 - 11 - 01)).is_empty());
    }

    #[test]
    fn the_meeting_reported_to_is_the_latest_on_or_before_the_day() {
        let plan = plan();
        assert_eq!(meeting_reported_to(&plan, date!(2019 - 10 - 17)), None);
        let met = meeting_reported_to(&plan, date!(2019 - 11 - 04)).unwrap();
        assert_eq!(met.purpose, "3rd monitoring visit");
        assert_eq!(met.measures[0].ratings, ["Green", "Green"]);
        let met = meeting_reported_to(&plan, date!(2019 - 11 - 05)).unwrap();
        assert_eq!(met.purpose, "Six-weekly review");
    }

    #[test]
    fn monitoring_lists_boards_and_each_areas_body() {
        let m = monitoring(&plan());
        assert_eq!(m.boards[0].name, "SEND Partnership Board");
        assert_eq!(
            m.boards[0].reports_to.as_deref(),
            Some("Health and Wellbeing Board")
        );
        assert_eq!(m.areas[0].area, 1);
        assert_eq!(m.areas[0].bodies, ["SEND Partnership Board"]);
        assert!(monitoring(&PlanTree::new("N", "P")).is_empty());
    }

    #[test]
    fn kpi_movement_uses_only_actuals_known_by_the_day() {
        let plan = plan();
        let early = &kpi_movements(&plan, date!(2019 - 11 - 01), date!(2020 - 02 - 15))[0];
        assert!(early.latest.as_deref().unwrap().starts_with("45.5%"));
        assert_eq!(early.previous, None);
        assert!(early.moved_in_period);
        let later = &kpi_movements(&plan, date!(2020 - 01 - 30), date!(2020 - 04 - 30))[0];
        assert!(later.latest.as_deref().unwrap().starts_with("48%"));
        assert!(later.previous.as_deref().unwrap().starts_with("45.5%"));
        assert!(later.baseline.as_deref().unwrap().starts_with("40%"));
        // 48% against 55% with a 2.5% tolerance is off trajectory.
        assert!(later.is_off(), "{later:?}");
        assert!(later.explanation.contains("2.5%"));
        let none = &kpi_movements(&plan, date!(2019 - 09 - 01), date!(2019 - 12 - 30))[0];
        assert_eq!(none.latest, None);
        assert_eq!(none.status_code, "not_assessed");
        assert!(!none.moved_in_period);
    }

    #[test]
    fn an_actual_entered_after_the_day_does_not_show() {
        let mut plan = plan();
        plan.kpis[0].actuals[1].entered_on = Some(date!(2020 - 05 - 10));
        let m = &kpi_movements(&plan, date!(2020 - 01 - 30), date!(2020 - 04 - 30))[0];
        assert!(m.latest.as_deref().unwrap().starts_with("45.5%"));
    }

    #[test]
    fn responses_are_cut_at_the_day() {
        let plan = plan();
        assert!(responses_at(&plan, date!(2020 - 01 - 14)).is_empty());
        assert_eq!(responses_at(&plan, date!(2020 - 01 - 15))[0].status, "Done");
        assert_eq!(
            responses_done_between(&plan, date!(2019 - 12 - 01), date!(2020 - 02 - 01)).len(),
            1
        );
        assert!(
            responses_done_between(&plan, date!(2020 - 01 - 15), date!(2020 - 02 - 01)).is_empty()
        );
    }

    #[test]
    fn a_kpi_headline_is_plain_words() {
        let plan = plan();
        let kpi = &plan.kpis[0];
        let line = kpi_headline(&plan, kpi, date!(2020 - 04 - 30), "at the inspection").unwrap();
        assert!(line.contains("48 in every 100"), "{line}");
        assert!(
            line.contains("up from 40 in every 100 at the inspection"),
            "{line}"
        );
        assert!(line.ends_with("not yet where we planned to be."), "{line}");
        assert_eq!(
            kpi_headline(&plan, kpi, date!(2019 - 12 - 30), "at the inspection"),
            None
        );
    }

    #[test]
    fn every_report_carries_its_evidence_as_at_the_day() {
        use crate::domain::{ReportBody, ReportKind, ReportOptions, build_report};
        let plan = plan();
        let build = |kind, day| build_report(&plan, kind, ReportOptions::as_at(day)).unwrap();
        let ReportBody::Highlight(h) = build(ReportKind::Highlight, date!(2019 - 11 - 01)).body
        else {
            panic!("not a highlight report")
        };
        assert_eq!(
            h.meetings.len(),
            1,
            "the 5 November meeting is after the day"
        );
        assert_eq!(h.monitoring.boards.len(), 1);
        let ReportBody::Progress(p) = build(ReportKind::Progress, date!(2020 - 02 - 01)).body
        else {
            panic!("not a progress report")
        };
        assert_eq!(p.meeting.unwrap().purpose, "Six-weekly review");
        assert!(p.kpis[0].latest.as_deref().unwrap().starts_with("45.5%"));
        assert_eq!(p.you_said_we_did.len(), 1);
        let ReportBody::Exceptions(e) = build(ReportKind::Exceptions, date!(2020 - 04 - 30)).body
        else {
            panic!("not an exception report")
        };
        assert_eq!(e.kpis_off.len(), 1);
        let ReportBody::Exceptions(e) = build(ReportKind::Exceptions, date!(2019 - 12 - 30)).body
        else {
            panic!("not an exception report")
        };
        assert!(e.kpis_off.is_empty(), "no actual is known yet");
        let ReportBody::Public(s) = build(ReportKind::Public, date!(2020 - 04 - 30)).body else {
            panic!("not a public summary")
        };
        assert_eq!(s.measures.len(), 1);
        assert_eq!(s.you_said_we_did[0].you_said, "Plain words, please");
        let ReportBody::Public(s) = build(ReportKind::Public, date!(2020 - 01 - 01)).body else {
            panic!("not a public summary")
        };
        assert!(s.you_said_we_did.is_empty(), "answered after the day");
    }
}
