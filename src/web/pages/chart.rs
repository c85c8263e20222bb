//! A KPI's line chart as numbers a template draws as SVG: actuals against the
//! trajectory, the baseline and benchmarks.
//!
//! Colours are SVG presentation attributes (`stroke=`, `fill=`), never `style=`, so the
//! strict Content-Security-Policy holds; series also differ by dash and marker shape so
//! colour is never the only cue, and the page puts the data in a table beside it.

use time::Date;

use crate::domain::{Comparator, Kpi, format_value};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;

/// A labelled tick on an axis.
pub struct Tick {
    /// Where along the axis, in SVG units.
    pub at: String,
    /// What it says.
    pub label: String,
}

/// A marker on the chart.
pub struct Marker {
    /// Centre.
    pub x: String,
    /// Centre.
    pub y: String,
    /// What it shows, for the SVG `<title>`.
    pub label: String,
}

/// A series drawn as a line through markers.
pub struct Series {
    /// "Actual".
    pub name: String,
    /// SVG `points` of the polyline.
    pub points: String,
    /// The markers.
    pub markers: Vec<Marker>,
    /// Line colour.
    pub stroke: &'static str,
    /// `stroke-dasharray`, or "none".
    pub dash: &'static str,
}

/// The chart, in SVG units.
pub struct LineChart {
    /// Total width.
    pub width: String,
    /// Total height.
    pub height: String,
    /// The plot area's left edge.
    pub left: String,
    /// The plot area's right edge.
    pub right: String,
    /// The plot area's top.
    pub top: String,
    /// The plot area's bottom (the x axis).
    pub bottom: String,
    /// Where the value labels end, left of the axis.
    pub y_label_x: String,
    /// Where the date labels sit, below the axis.
    pub x_label_y: String,
    /// Value ticks on the y axis.
    pub y_ticks: Vec<Tick>,
    /// Date ticks on the x axis.
    pub x_ticks: Vec<Tick>,
    /// Trajectory, actuals and benchmarks.
    pub series: Vec<Series>,
    /// The baseline marker.
    pub baseline: Option<Marker>,
}

fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// Round numbers for the value axis: about five steps of 1, 2 or 5 times a power of ten.
fn nice_ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(power * 10.0);
    let mut ticks = Vec::new();
    let mut tick = (low / step).floor() * step;
    while tick <= high + step * 0.5 && ticks.len() < 20 {
        ticks.push(tick);
        tick += step;
    }
    ticks
}

impl LineChart {
    /// Lays out a KPI's figures; `None` when there is nothing to draw.
    #[expect(
        clippy::too_many_lines,
        reason = "scales, then one short block per series; splitting would pass the scales around"
    )]
    pub fn of(kpi: &Kpi) -> Option<Self> {
        let path = kpi.path();
        let actuals = kpi.actuals_in_order();
        let mut values: Vec<(Date, f64)> = path
            .iter()
            .map(|(p, _)| (p.period.end(), p.value.get()))
            .chain(actuals.iter().map(|a| (a.period.end(), a.value.get())))
            .chain(
                kpi.benchmarks
                    .iter()
                    .map(|b| (b.period.end(), b.value.get())),
            )
            .collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by_key(|(d, _)| *d);
        let first = values.first()?.0;
        let last = values.last()?.0;
        let days = (last - first).whole_days().max(1);
        let (mut low, mut high) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
                (lo.min(*v), hi.max(*v))
            });
        if kpi.unit.trim() == "%" || low >= 0.0 {
            low = low.min(0.0);
        }
        if (high - low).abs() < 1e-9 {
            high = low + 1.0;
        }
        let ticks = nice_ticks(low, high);
        let (low, high) = (
            ticks.first().copied().unwrap_or(low),
            ticks.last().copied().unwrap_or(high).max(high),
        );
        let plot_width = WIDTH - LEFT - RIGHT;
        let plot_height = HEIGHT - TOP - BOTTOM;
        #[expect(clippy::cast_precision_loss, reason = "day counts are far below 2^52")]
        let x = |d: Date| LEFT + plot_width * ((d - first).whole_days() as f64) / (days as f64);
        let y = |v: f64| TOP + plot_height * (1.0 - (v - low) / (high - low));
        let marker = |d: Date, v: f64, label: String| Marker {
            x: n(x(d)),
            y: n(y(v)),
            label,
        };
        let line = |points: &[(Date, f64)]| {
            points
                .iter()
                .map(|(d, v)| format!("{},{}", n(x(*d)), n(y(*v))))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut series = Vec::new();
        if !path.is_empty() {
            let points: Vec<(Date, f64)> = path
                .iter()
                .map(|(p, _)| (p.period.end(), p.value.get()))
                .collect();
            series.push(Series {
                name: "Trajectory".to_owned(),
                points: line(&points),
                markers: path
                    .iter()
                    .filter(|(_, baseline)| !baseline)
                    .map(|(p, _)| {
                        let what = if p.target { "Target" } else { "Trajectory" };
                        marker(
                            p.period.end(),
                            p.value.get(),
                            format!(
                                "{what}, {}: {}",
                                p.period.label(),
                                kpi.format(p.value.get())
                            ),
                        )
                    })
                    .collect(),
                stroke: "#505a5f",
                dash: "6 4",
            });
        }
        if !actuals.is_empty() {
            let points: Vec<(Date, f64)> = actuals
                .iter()
                .map(|a| (a.period.end(), a.value.get()))
                .collect();
            series.push(Series {
                name: "Actual".to_owned(),
                points: line(&points),
                markers: actuals
                    .iter()
                    .map(|a| {
                        marker(
                            a.period.end(),
                            a.value.get(),
                            format!(
                                "Actual, {}: {}",
                                a.period.label(),
                                kpi.format(a.value.get())
                            ),
                        )
                    })
                    .collect(),
                stroke: "#1d70b8",
                dash: "none",
            });
        }
        for comparator in Comparator::ALL {
            let mut points: Vec<(Date, f64, String)> = kpi
                .benchmarks
                .iter()
                .filter(|b| b.comparator == comparator)
                .map(|b| (b.period.end(), b.value.get(), b.period.label()))
                .collect();
            if points.is_empty() {
                continue;
            }
            points.sort_by_key(|(d, _, _)| *d);
            let plain: Vec<(Date, f64)> = points.iter().map(|(d, v, _)| (*d, *v)).collect();
            series.push(Series {
                name: comparator.label().to_owned(),
                points: line(&plain),
                markers: points
                    .into_iter()
                    .map(|(d, v, period)| {
                        marker(
                            d,
                            v,
                            format!("{}, {period}: {}", comparator.label(), kpi.format(v)),
                        )
                    })
                    .collect(),
                stroke: match comparator {
                    Comparator::England => "#00703c",
                    Comparator::StatisticalNeighbours => "#4c2c92",
                    Comparator::Region => "#f47738",
                },
                dash: "2 3",
            });
        }
        let baseline = kpi.baseline.as_ref().map(|b| {
            marker(
                b.period.end(),
                b.value.get(),
                format!(
                    "Baseline, {}: {}",
                    b.period.label(),
                    kpi.format(b.value.get())
                ),
            )
        });
        let mut x_ticks: Vec<Tick> = Vec::new();
        let mut year = first.year();
        while year <= last.year() + 1 {
            if let Ok(jan) = Date::from_calendar_date(year, time::Month::January, 1)
                && jan >= first
                && jan <= last
            {
                x_ticks.push(Tick {
                    at: n(x(jan)),
                    label: format!("Jan {year}"),
                });
            }
            year += 1;
        }
        if x_ticks.is_empty() {
            x_ticks.push(Tick {
                at: n(x(first)),
                label: crate::domain::PartialDate::Day(first).to_uk(),
            });
        }
        Some(Self {
            width: n(WIDTH),
            height: n(HEIGHT),
            left: n(LEFT),
            right: n(WIDTH - RIGHT),
            top: n(TOP),
            bottom: n(HEIGHT - BOTTOM),
            y_label_x: n(LEFT - 8.0),
            x_label_y: n(HEIGHT - BOTTOM + 20.0),
            y_ticks: ticks
                .into_iter()
                .map(|t| Tick {
                    at: n(y(t)),
                    label: format_value(t),
                })
                .collect(),
            x_ticks,
            series,
            baseline,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_covering_the_range() {
        assert_eq!(nice_ticks(0.0, 100.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 7.0), [0.0, 2.0, 4.0, 6.0, 8.0]);
    }

    #[test]
    fn a_kpi_without_figures_has_no_chart() {
        let kpi = Kpi::new(
            "k",
            "K",
            "%",
            crate::domain::Direction::HigherIsBetter,
            crate::domain::PeriodType::Month,
        );
        assert!(LineChart::of(&kpi).is_none());
    }
}
