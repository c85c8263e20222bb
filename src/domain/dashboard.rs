//! The dashboard: per area, how many actions sit at each rating level and how many are
//! late, due, not started or silent; and a chart of completion against what was due.
//! Everything here is a pure function of the tree and a date, so it is tested here and
//! templates only draw it.

use time::{Date, Month};

use super::flags::{ActionFlag, FlagRules};
use super::{Action, PlanTree, uk_month_name};

/// One coloured stretch of a rating bar, with the words that always go with it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSegment {
    /// The level code, or `None` for "not rated".
    pub code: Option<String>,
    /// "Green", "Not rated".
    pub label: String,
    /// Fill colour (a hint only: the count and label are printed beside the bar).
    pub colour: String,
    /// How many actions.
    pub count: usize,
    /// Where the segment starts, in percent of the bar.
    pub start: f64,
    /// How wide it is, in percent of the bar.
    pub width: f64,
}

impl BarSegment {
    /// The `rating` filter value selecting these actions: `delivery:G`, `delivery:none`.
    pub fn filter(&self, dimension: &str) -> String {
        format!("{dimension}:{}", self.code.as_deref().unwrap_or("none"))
    }

    /// The SVG `x` attribute.
    pub fn x_attr(&self) -> String {
        format!("{:.2}", self.start)
    }

    /// The SVG `width` attribute.
    pub fn width_attr(&self) -> String {
        format!("{:.2}", self.width)
    }
}

/// The actions of one area (or the whole plan) counted by level of one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingBar {
    /// The dimension's key: "delivery".
    pub dimension: String,
    /// Its label: "Progress".
    pub label: String,
    /// Every level of the dimension in key order, then "not rated"; empty levels kept so
    /// the text list reads the same for every area.
    pub segments: Vec<BarSegment>,
    /// Actions counted.
    pub total: usize,
}

/// The counts for one area of weakness, or for the whole plan.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCounts {
    /// The area's number, `None` for the whole plan.
    pub number: Option<u32>,
    /// The area's heading or finding.
    pub title: String,
    /// Actions in the area.
    pub actions: usize,
    /// Rated complete.
    pub complete: usize,
    /// Past due and not complete.
    pub overdue: usize,
    /// Due in the next 30 days.
    pub due_soon: usize,
    /// Nothing reported yet.
    pub not_started: usize,
    /// No update within the cycle.
    pub stale: usize,
    /// One bar per dimension of the key.
    pub ratings: Vec<RatingBar>,
}

impl AreaCounts {
    /// The count for a flag, for links that select it.
    pub fn count(&self, flag: ActionFlag) -> usize {
        match flag {
            ActionFlag::Overdue => self.overdue,
            ActionFlag::DueSoon => self.due_soon,
            ActionFlag::NotStarted => self.not_started,
            ActionFlag::Stale => self.stale,
            ActionFlag::Complete => self.complete,
        }
    }

    /// The flags shown as counts, with their counts.
    pub fn flag_counts(&self) -> Vec<(ActionFlag, usize)> {
        [
            ActionFlag::Overdue,
            ActionFlag::DueSoon,
            ActionFlag::NotStarted,
            ActionFlag::Stale,
        ]
        .into_iter()
        .map(|f| (f, self.count(f)))
        .collect()
    }

    /// The area's filter value for links (empty for the whole plan).
    pub fn area_query(&self) -> String {
        self.number
            .map(|n| format!("area={n}&"))
            .unwrap_or_default()
    }
}

/// One month of the completion chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartMonth {
    /// "Mar 2025".
    pub short: String,
    /// "March 2025".
    pub label: String,
    /// Actions due by the end of the month, counted from the start.
    pub due: usize,
    /// Actions complete by the end of the month; `None` for months still to come.
    pub complete: Option<usize>,
}

/// Actions complete per month against the number due, cumulative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionChart {
    /// Months in order, from the first due date or update to today or the last due date.
    pub months: Vec<ChartMonth>,
    /// Actions with a completion the tree cannot date (complete at import); counted from
    /// the first month.
    pub undated_complete: usize,
}

/// Chart geometry, in the SVG's own units.
const CHART_WIDTH: f64 = 640.0;
const CHART_LEFT: f64 = 48.0;
const CHART_RIGHT: f64 = 620.0;
const CHART_TOP: f64 = 16.0;
const CHART_BOTTOM: f64 = 220.0;

/// A label on an axis: where it goes and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// The coordinate along the axis, formatted for an SVG attribute.
    pub at: String,
    /// The text.
    pub label: String,
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts of actions and months are far below 2^52"
)]
fn as_f64(n: usize) -> f64 {
    n as f64
}

impl CompletionChart {
    /// The SVG's `viewBox`.
    pub fn view_box(&self) -> String {
        format!("0 0 {CHART_WIDTH} 260")
    }

    /// The highest value on the y axis: at least 1, rounded up to a multiple of 5.
    pub fn y_max(&self) -> usize {
        let top = self
            .months
            .iter()
            .map(|m| m.due.max(m.complete.unwrap_or(0)))
            .max()
            .unwrap_or(0)
            .max(1);
        top.div_ceil(5) * 5
    }

    fn x(&self, i: usize) -> f64 {
        let n = self.months.len();
        if n <= 1 {
            return CHART_LEFT;
        }
        CHART_LEFT + as_f64(i) * (CHART_RIGHT - CHART_LEFT) / as_f64(n - 1)
    }

    fn y(&self, value: usize) -> f64 {
        CHART_BOTTOM - as_f64(value) * (CHART_BOTTOM - CHART_TOP) / as_f64(self.y_max())
    }

    fn points(&self, values: impl Iterator<Item = (usize, usize)>) -> String {
        values
            .map(|(i, v)| format!("{:.1},{:.1}", self.x(i), self.y(v)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The "due" line's `points` attribute.
    pub fn due_points(&self) -> String {
        self.points(self.months.iter().enumerate().map(|(i, m)| (i, m.due)))
    }

    /// The "complete" line's `points` attribute; it stops at the current month.
    pub fn complete_points(&self) -> String {
        self.points(
            self.months
                .iter()
                .enumerate()
                .filter_map(|(i, m)| m.complete.map(|c| (i, c))),
        )
    }

    /// Labels along the y axis: 0, the middle and the top.
    pub fn y_ticks(&self) -> Vec<Tick> {
        let max = self.y_max();
        let mut values = vec![0, max / 2, max];
        values.dedup();
        values
            .into_iter()
            .map(|v| Tick {
                at: format!("{:.1}", self.y(v)),
                label: v.to_string(),
            })
            .collect()
    }

    /// Month labels along the x axis, at most about eight of them.
    pub fn x_ticks(&self) -> Vec<Tick> {
        let step = self.months.len().div_ceil(8).max(1);
        self.months
            .iter()
            .enumerate()
            .filter(|(i, _)| i % step == 0 || *i + 1 == self.months.len())
            .map(|(i, m)| Tick {
                at: format!("{:.1}", self.x(i)),
                label: m.short.clone(),
            })
            .collect()
    }

    /// The y coordinate of the x axis.
    pub fn baseline(&self) -> String {
        format!("{CHART_BOTTOM:.1}")
    }

    /// The x coordinate of the y axis and the right end of the x axis.
    pub fn x_range(&self) -> (String, String) {
        (format!("{CHART_LEFT:.1}"), format!("{CHART_RIGHT:.1}"))
    }

    /// The y coordinate of the top of the plot.
    pub fn top(&self) -> String {
        format!("{CHART_TOP:.1}")
    }

    /// The line a screen reader hears for the chart; the table beside it has the detail.
    pub fn summary(&self) -> String {
        match self.months.iter().rev().find(|m| m.complete.is_some()) {
            Some(now) => format!(
                "By {}, {} actions were due and {} were complete.",
                now.label,
                now.due,
                now.complete.unwrap_or(0)
            ),
            None => "No action has a due date or an update yet.".into(),
        }
    }
}

/// The whole dashboard of a plan on a given day.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// One row per area of weakness, in plan order.
    pub areas: Vec<AreaCounts>,
    /// The whole plan.
    pub total: AreaCounts,
    /// Completion against due dates over time.
    pub chart: CompletionChart,
}

fn month_index(date: Date) -> i32 {
    date.year() * 12 + i32::from(u8::from(date.month())) - 1
}

fn month_of(index: i32) -> (i32, Month) {
    let year = index.div_euclid(12);
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    (year, Month::try_from(month).unwrap_or(Month::January))
}

impl PlanTree {
    fn counts<'a>(
        &self,
        number: Option<u32>,
        title: String,
        actions: impl Iterator<Item = &'a Action>,
        rules: FlagRules,
    ) -> AreaCounts {
        let actions: Vec<&Action> = actions.collect();
        let states: Vec<_> = actions
            .iter()
            .map(|a| a.state(&self.rating_scheme, &rules))
            .collect();
        let flagged = |flag: ActionFlag| states.iter().filter(|s| s.has(flag)).count();
        let ratings = self
            .rating_scheme
            .dimensions
            .iter()
            .map(|dimension| {
                let mut segments: Vec<BarSegment> = self
                    .rating_scheme
                    .levels
                    .iter()
                    .filter(|l| {
                        dimension.levels.is_empty()
                            || dimension
                                .levels
                                .iter()
                                .any(|c| c.eq_ignore_ascii_case(&l.code))
                    })
                    .map(|level| BarSegment {
                        code: Some(level.code.clone()),
                        label: level.label.clone(),
                        colour: if level.colour.is_empty() {
                            "#505a5f".into()
                        } else {
                            level.colour.clone()
                        },
                        count: actions
                            .iter()
                            .filter(|a| {
                                a.ratings
                                    .get(&dimension.key)
                                    .is_some_and(|c| c.eq_ignore_ascii_case(&level.code))
                            })
                            .count(),
                        start: 0.0,
                        width: 0.0,
                    })
                    .collect();
                let rated: usize = segments.iter().map(|s| s.count).sum();
                segments.push(BarSegment {
                    code: None,
                    label: "Not rated".into(),
                    colour: "#b1b4b6".into(),
                    count: actions.len().saturating_sub(rated),
                    start: 0.0,
                    width: 0.0,
                });
                let total = actions.len();
                let mut start = 0.0;
                for segment in &mut segments {
                    segment.start = start;
                    segment.width = if total == 0 {
                        0.0
                    } else {
                        100.0 * as_f64(segment.count) / as_f64(total)
                    };
                    start += segment.width;
                }
                RatingBar {
                    dimension: dimension.key.clone(),
                    label: dimension.label.clone(),
                    segments,
                    total,
                }
            })
            .collect();
        AreaCounts {
            number,
            title,
            actions: actions.len(),
            complete: flagged(ActionFlag::Complete),
            overdue: flagged(ActionFlag::Overdue),
            due_soon: flagged(ActionFlag::DueSoon),
            not_started: flagged(ActionFlag::NotStarted),
            stale: flagged(ActionFlag::Stale),
            ratings,
        }
    }

    /// The dashboard on `rules.today`.
    pub fn dashboard(&self, rules: &FlagRules) -> Dashboard {
        let areas = self
            .areas
            .iter()
            .map(|area| {
                self.counts(
                    Some(area.number),
                    area.heading.clone().unwrap_or_else(|| area.title.clone()),
                    area.objectives.iter().flat_map(|o| o.actions.iter()),
                    *rules,
                )
            })
            .collect();
        let total = self.counts(
            None,
            "Whole plan".into(),
            self.actions().map(|(_, _, a)| a),
            *rules,
        );
        Dashboard {
            areas,
            total,
            chart: self.completion_chart(rules.today),
        }
    }

    /// Cumulative actions due and complete at the end of each month, from the earliest
    /// due date or update to the later of today and the last due date.
    pub fn completion_chart(&self, today: Date) -> CompletionChart {
        let scheme = &self.rating_scheme;
        let dues: Vec<Date> = self
            .actions()
            .filter_map(|(_, _, a)| a.due.map(super::PartialDate::last_day))
            .collect();
        let mut completions = Vec::new();
        let mut undated_complete = 0;
        for (_, _, action) in self.actions() {
            if scheme.is_complete(&action.ratings) {
                match action.completed_on(scheme) {
                    Some(on) => completions.push(on),
                    None => undated_complete += 1,
                }
            }
        }
        let updates = self
            .actions()
            .flat_map(|(_, _, a)| a.updates.iter().map(|u| u.date));
        let Some(first) = dues
            .iter()
            .copied()
            .chain(updates)
            .chain(completions.iter().copied())
            .min()
        else {
            return CompletionChart {
                months: Vec::new(),
                undated_complete,
            };
        };
        let now = month_index(today);
        let last = dues.iter().map(|d| month_index(*d)).max().unwrap_or(now);
        let (start, end) = (month_index(first), last.max(now));
        let months = (start..=end)
            .map(|index| {
                let (year, month) = month_of(index);
                let name = uk_month_name(month);
                ChartMonth {
                    short: format!("{} {year}", &name[..3]),
                    label: format!("{name} {year}"),
                    due: dues.iter().filter(|d| month_index(**d) <= index).count(),
                    complete: (index <= now).then(|| {
                        undated_complete
                            + completions
                                .iter()
                                .filter(|d| month_index(**d) <= index)
                                .count()
                    }),
                }
            })
            .collect();
        CompletionChart {
            months,
            undated_complete,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::date;

    use super::*;
    use crate::domain::{Area, Objective, PartialDate, ProgressUpdate, RatingScheme};

    fn action(due: &str, rating: Option<&str>, updated: Option<Date>) -> Action {
        let ratings: BTreeMap<String, String> = rating
            .map(|r| BTreeMap::from([("delivery".to_owned(), r.to_owned())]))
            .unwrap_or_default();
        Action {
            text: "Do it".into(),
            due: Some(PartialDate::parse_iso(due).unwrap()),
            ratings: ratings.clone(),
            updates: updated
                .map(|date| ProgressUpdate {
                    date,
                    author: None,
                    narrative: "Done".into(),
                    ratings,
                })
                .into_iter()
                .collect(),
            ..Action::default()
        }
    }

    fn plan() -> PlanTree {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.rating_scheme = RatingScheme::brag();
        let area = |number: u32, actions: Vec<Action>| Area {
            number,
            title: format!("Weakness {number}"),
            objectives: vec![Objective {
                number: number.to_string(),
                text: "Outcome".into(),
                actions,
                ..Objective::default()
            }],
            ..Area::default()
        };
        plan.areas = vec![
            area(
                1,
                vec![
                    action("2025-01", Some("B"), Some(date!(2025 - 01 - 20))),
                    action("2025-02", Some("R"), Some(date!(2025 - 01 - 25))),
                    action("2025-04", None, None),
                ],
            ),
            area(
                2,
                vec![action("2025-06", Some("G"), Some(date!(2025 - 03 - 10)))],
            ),
        ];
        plan
    }

    const TODAY: Date = date!(2025 - 03 - 15);

    #[test]
    fn each_area_counts_its_flags_and_levels() {
        let dashboard = plan().dashboard(&FlagRules::new(TODAY, 6));
        let first = &dashboard.areas[0];
        assert_eq!((first.actions, first.complete, first.overdue), (3, 1, 1));
        assert_eq!((first.due_soon, first.not_started, first.stale), (0, 1, 2));
        let bar = &first.ratings[0];
        let counts: Vec<(Option<&str>, usize)> = bar
            .segments
            .iter()
            .map(|s| (s.code.as_deref(), s.count))
            .collect();
        assert_eq!(
            counts,
            vec![
                (Some("B"), 1),
                (Some("G"), 0),
                (Some("A"), 0),
                (Some("R"), 1),
                (None, 1)
            ]
        );
        assert_eq!(dashboard.total.actions, 4);
        assert_eq!(dashboard.total.stale, 2);
    }

    #[test]
    fn bar_segments_fill_the_bar_in_order() {
        let dashboard = plan().dashboard(&FlagRules::new(TODAY, 6));
        let segments = &dashboard.areas[0].ratings[0].segments;
        let end = segments.last().map(|s| s.start + s.width).unwrap();
        assert!((end - 100.0).abs() < 1e-9);
        assert_eq!(segments[3].x_attr(), "33.33");
        assert_eq!(segments[3].width_attr(), "33.33");
        assert_eq!(segments[4].filter("delivery"), "delivery:none");
    }

    #[test]
    fn the_chart_counts_due_and_complete_cumulatively_by_month() {
        let chart = plan().completion_chart(TODAY);
        let rows: Vec<(&str, usize, Option<usize>)> = chart
            .months
            .iter()
            .map(|m| (m.short.as_str(), m.due, m.complete))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Jan 2025", 1, Some(1)),
                ("Feb 2025", 2, Some(1)),
                ("Mar 2025", 2, Some(1)),
                ("Apr 2025", 3, None),
                ("May 2025", 3, None),
                ("Jun 2025", 4, None),
            ]
        );
        assert_eq!(
            chart.summary(),
            "By March 2025, 2 actions were due and 1 were complete."
        );
    }

    #[test]
    fn chart_lines_span_the_plot_and_scale_to_the_top_value() {
        let chart = plan().completion_chart(TODAY);
        assert_eq!(chart.y_max(), 5);
        let due = chart.due_points();
        assert!(due.starts_with("48.0,179.2 "), "{due}");
        assert!(due.ends_with("620.0,56.8"), "{due}");
        assert_eq!(chart.complete_points().split(' ').count(), 3);
        assert_eq!(chart.y_ticks().len(), 3);
        assert_eq!(chart.x_ticks().first().unwrap().label, "Jan 2025");
    }

    #[test]
    fn an_empty_plan_has_an_empty_chart() {
        let chart = PlanTree::new("Here", "Plan").completion_chart(TODAY);
        assert!(chart.months.is_empty());
        assert_eq!(chart.complete_points(), "");
        assert_eq!(
            chart.summary(),
            "No action has a due date or an update yet."
        );
    }
}
