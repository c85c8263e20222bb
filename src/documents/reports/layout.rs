//! Reports laid out once as headings, paragraphs, tables and charts, so that the HTML,
//! DOCX, PDF and XLSX writers only translate blocks and never decide content.

use crate::domain::{
    ActionStatus, AreaStatus, DimensionCount, GlossaryEntry, Highlight, KpiMovement,
    MeetingSummary, Monitoring, Progress, PublicSummary, RatingAt, Report, ReportBody,
    ReportHeader, ResponseAt, SlippedDate, Tracker, uk_date,
};

/// A laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The document's title.
    pub title: String,
    /// Lines under the title: the plan, the date.
    pub subtitle: Vec<String>,
    /// Wide tables read better on landscape pages.
    pub landscape: bool,
    /// The content.
    pub blocks: Vec<Block>,
}

/// One block of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; level 1 is a section.
    Heading(u8, String),
    /// A paragraph.
    Paragraph(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// A table.
    Table(Table),
    /// A bar chart, always next to a table or text that says the same.
    Chart(Chart),
}

/// A table with a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// What the table shows, for captions and screen readers.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Relative column widths, one per column.
    pub widths: Vec<u16>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell: text, and a fill colour for ratings (always with the code as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// What the cell says.
    pub text: String,
    /// A background colour (`#rrggbb`), for rating cells.
    pub fill: Option<String>,
}

impl Cell {
    /// A plain cell.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            fill: None,
        }
    }

    /// A rating cell: the code, on the level's colour.
    pub fn rating(rating: &RatingAt) -> Self {
        Self {
            text: rating.code.clone().unwrap_or_default(),
            fill: rating
                .colour
                .clone()
                .filter(|c| c.len() == 7 && c.starts_with('#')),
        }
    }
}

/// A horizontal stacked bar chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// What it shows.
    pub title: String,
    /// One bar per row.
    pub bars: Vec<Bar>,
}

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// The bar's label.
    pub label: String,
    /// Stacked parts, in order.
    pub segments: Vec<Segment>,
}

/// One part of a bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// What the part counts.
    pub label: String,
    /// How many.
    pub count: usize,
    /// Its colour (`#rrggbb`).
    pub colour: String,
}

impl Chart {
    /// A sentence saying what the chart shows, for those who cannot see it.
    pub fn description(&self) -> String {
        let bars: Vec<String> = self
            .bars
            .iter()
            .map(|bar| {
                let parts: Vec<String> = bar
                    .segments
                    .iter()
                    .filter(|s| s.count > 0)
                    .map(|s| format!("{} {}", s.count, s.label))
                    .collect();
                format!(
                    "{}: {}",
                    bar.label,
                    if parts.is_empty() {
                        "no actions".to_owned()
                    } else {
                        parts.join(", ")
                    }
                )
            })
            .collect();
        format!("{}. {}.", self.title, bars.join("; "))
    }
}

/// Text colour that reads on a fill: white on dark colours, black on light ones.
pub fn ink_on(fill: &str) -> &'static str {
    let channel = |i: usize| {
        fill.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, f64::from)
    };
    let luminance = 0.299 * channel(1) + 0.587 * channel(3) + 0.114 * channel(5);
    if luminance < 150.0 {
        "#ffffff"
    } else {
        "#0b0c0c"
    }
}

const NOT_RATED_COLOUR: &str = "#b1b4b6";

/// Lays out any report.
pub fn layout(report: &Report) -> Doc {
    let header = &report.header;
    let mut doc = Doc {
        title: format!("{}: {}", header.title, header.local_area),
        subtitle: vec![
            header.plan_title.clone(),
            format!("{} (version {})", header.plan_kind, header.version),
            header.as_at_text(),
        ],
        landscape: false,
        blocks: Vec::new(),
    };
    match &report.body {
        ReportBody::Highlight(h) => highlight(&mut doc, header, h),
        ReportBody::Progress(p) => progress(&mut doc, header, p),
        ReportBody::Exceptions(e) => exceptions(&mut doc, header, e),
        ReportBody::Public(p) => public(&mut doc, header, p),
        ReportBody::Tracker(t) => tracker(&mut doc, header, t),
    }
    doc
}

fn h(doc: &mut Doc, level: u8, text: impl Into<String>) {
    doc.blocks.push(Block::Heading(level, text.into()));
}

fn p(doc: &mut Doc, text: impl Into<String>) {
    doc.blocks.push(Block::Paragraph(text.into()));
}

fn rating_key(doc: &mut Doc, header: &ReportHeader) {
    let scheme = &header.scheme;
    h(doc, 1, format!("Rating key: {}", scheme.name));
    let rows = scheme
        .levels
        .iter()
        .map(|level| {
            vec![
                Cell {
                    text: level.code.clone(),
                    fill: Some(level.colour.clone()).filter(|c| c.starts_with('#') && c.len() == 7),
                },
                Cell::text(&level.label),
                Cell::text(&level.meaning),
                Cell::text(if level.complete { "Yes" } else { "No" }),
            ]
        })
        .collect();
    doc.blocks.push(Block::Table(Table {
        caption: format!("The {} rating key", scheme.name),
        header: vec![
            "Code".into(),
            "Level".into(),
            "Meaning".into(),
            "Counts as complete".into(),
        ],
        widths: vec![1, 2, 6, 2],
        rows,
    }));
    let dimensions: Vec<String> = scheme
        .dimensions
        .iter()
        .map(|d| {
            if d.levels.is_empty() {
                format!("{} (every level)", d.label)
            } else {
                format!("{} ({})", d.label, d.levels.join(", "))
            }
        })
        .collect();
    p(
        doc,
        format!("Each action is rated for: {}.", dimensions.join("; ")),
    );
}

fn glossary(doc: &mut Doc, entries: &[GlossaryEntry]) {
    h(doc, 1, "Glossary");
    if entries.is_empty() {
        p(
            doc,
            "No abbreviations from the plan's glossary are used in this report.",
        );
        return;
    }
    doc.blocks.push(Block::Table(Table {
        caption: "Abbreviations used in this report".into(),
        header: vec!["Abbreviation".into(), "Meaning".into()],
        widths: vec![1, 4],
        rows: entries
            .iter()
            .map(|e| vec![Cell::text(&e.term), Cell::text(&e.definition)])
            .collect(),
    }));
}

fn counts_table(header: &ReportHeader, counts: &[DimensionCount], caption: String) -> Table {
    let scheme = &header.scheme;
    let mut head = vec!["Dimension".to_owned()];
    head.extend(
        scheme
            .levels
            .iter()
            .map(|l| format!("{} {}", l.code, l.label)),
    );
    head.push("Not rated".into());
    let rows = counts
        .iter()
        .map(|dimension| {
            let mut row = vec![Cell::text(&dimension.label)];
            for level in &scheme.levels {
                let count = dimension.levels.iter().find(|l| l.code == level.code);
                row.push(Cell::text(
                    count.map_or_else(|| "–".to_owned(), |c| c.count.to_string()),
                ));
            }
            row.push(Cell::text(dimension.not_rated.to_string()));
            row
        })
        .collect();
    let mut widths = vec![3];
    widths.extend(std::iter::repeat_n(2, scheme.levels.len() + 1));
    Table {
        caption,
        header: head,
        widths,
        rows,
    }
}

fn completion_chart(header: &ReportHeader, areas: &[AreaStatus]) -> Option<Chart> {
    let dimension = header.scheme.dimensions.first()?;
    let bars = areas
        .iter()
        .map(|area| {
            let counts = area.counts.iter().find(|c| c.dimension == dimension.key);
            let mut segments: Vec<Segment> = counts
                .map(|c| {
                    c.levels
                        .iter()
                        .map(|l| Segment {
                            label: format!("{} {}", l.code, l.label),
                            count: l.count,
                            colour: if l.colour.starts_with('#') && l.colour.len() == 7 {
                                l.colour.clone()
                            } else {
                                NOT_RATED_COLOUR.to_owned()
                            },
                        })
                        .collect()
                })
                .unwrap_or_default();
            segments.push(Segment {
                label: "not rated".into(),
                count: counts.map_or(0, |c| c.not_rated),
                colour: NOT_RATED_COLOUR.into(),
            });
            Bar {
                label: format!("Area {}", area.number),
                segments,
            }
        })
        .collect();
    Some(Chart {
        title: format!("Actions by {} rating in each area", dimension.label),
        bars,
    })
}

fn action_table(header: &ReportHeader, actions: &[&ActionStatus], caption: String) -> Table {
    let mut head: Vec<String> = vec!["Ref".into(), "Action".into(), "Owners".into(), "Due".into()];
    head.extend(header.scheme.dimensions.iter().map(|d| d.label.clone()));
    head.push("Flags".into());
    let mut widths = vec![2, 10, 4, 3];
    widths.extend(std::iter::repeat_n(3, header.scheme.dimensions.len()));
    widths.push(3);
    let rows = actions
        .iter()
        .map(|action| {
            let mut row = vec![
                Cell::text(&action.label),
                Cell::text(&action.text),
                Cell::text(action.owner_names()),
                Cell::text(&action.due),
            ];
            row.extend(action.ratings.iter().map(Cell::rating));
            row.push(Cell::text(action.flag_labels()));
            row
        })
        .collect();
    Table {
        caption,
        header: head,
        widths,
        rows,
    }
}

fn area_intro(doc: &mut Doc, area: &AreaStatus) {
    h(doc, 2, area.name());
    p(doc, format!("The inspection found: {}", area.title));
    if let Some(sponsor) = &area.sponsor {
        p(doc, format!("Senior accountable sponsor: {sponsor}"));
    }
}

fn highlight(doc: &mut Doc, header: &ReportHeader, report: &Highlight) {
    doc.landscape = true;
    h(doc, 1, "Summary");
    let total: usize = report.areas.iter().map(|a| a.actions().count()).sum();
    p(
        doc,
        format!(
            "The plan has {total} actions in {} areas. Ratings are as they stood on {}.",
            report.areas.len(),
            uk_date(header.as_at)
        ),
    );
    doc.blocks.push(Block::Table(counts_table(
        header,
        &report.counts,
        "Actions at each level, by dimension".into(),
    )));
    if let Some(chart) = completion_chart(header, &report.areas) {
        doc.blocks.push(Block::Chart(chart));
    }
    rating_key(doc, header);
    h(doc, 1, "Actions by area");
    for area in &report.areas {
        area_intro(doc, area);
        for objective in &area.objectives {
            h(
                doc,
                3,
                format!("Objective {}: {}", objective.number, objective.text),
            );
            if objective.actions.is_empty() {
                p(doc, "No actions under this objective.");
                continue;
            }
            let actions: Vec<&ActionStatus> = objective.actions.iter().collect();
            doc.blocks.push(Block::Table(action_table(
                header,
                &actions,
                format!("Actions for objective {}", objective.number),
            )));
        }
    }
    h(doc, 1, "Monitoring arrangements");
    monitoring(doc, &report.monitoring);
    h(doc, 1, format!("Meetings since {}", header.since_text()));
    if report.meetings.is_empty() {
        p(
            doc,
            format!(
                "No meetings are recorded between {} and {}.",
                uk_date(header.since + time::Duration::days(1)),
                uk_date(header.as_at)
            ),
        );
    } else {
        doc.blocks.push(Block::Table(Table {
            caption: "Meetings held since the last report".into(),
            header: vec!["Date".into(), "Meeting".into(), "Attendees".into()],
            widths: vec![2, 4, 6],
            rows: report
                .meetings
                .iter()
                .map(|m| {
                    let board = m
                        .board
                        .as_ref()
                        .map(|b| format!(", {b}"))
                        .unwrap_or_default();
                    vec![
                        Cell::text(uk_date(m.date)),
                        Cell::text(format!("{} ({}{board})", m.purpose, m.kind)),
                        Cell::text(attendees(m)),
                    ]
                })
                .collect(),
        }));
    }
    glossary(doc, &header.glossary);
}

fn attendees(meeting: &MeetingSummary) -> String {
    if meeting.attendees.is_empty() {
        "Not recorded".to_owned()
    } else {
        meeting.attendees.join(", ")
    }
}

fn optional(text: Option<&String>) -> Cell {
    Cell::text(text.map_or("Not recorded", String::as_str))
}

fn monitoring(doc: &mut Doc, monitoring: &Monitoring) {
    if monitoring.is_empty() {
        p(
            doc,
            "No monitoring arrangements are recorded for this plan.",
        );
        return;
    }
    if !monitoring.boards.is_empty() {
        doc.blocks.push(Block::Table(Table {
            caption: "Boards overseeing the plan".into(),
            header: vec![
                "Board".into(),
                "Chair".into(),
                "Reports to".into(),
                "Meets".into(),
            ],
            widths: vec![4, 4, 4, 2],
            rows: monitoring
                .boards
                .iter()
                .map(|b| {
                    vec![
                        Cell::text(&b.name),
                        optional(b.chair.as_ref()),
                        optional(b.reports_to.as_ref()),
                        optional(b.cadence.as_ref()),
                    ]
                })
                .collect(),
        }));
    }
    if !monitoring.areas.is_empty() {
        p(doc, "Each area is monitored by:");
        doc.blocks.push(Block::Bullets(
            monitoring
                .areas
                .iter()
                .map(|a| format!("Area {}: {}", a.area, a.bodies.join(", ")))
                .collect(),
        ));
    }
}

fn kpi_table(kpis: &[KpiMovement], caption: &str) -> Table {
    Table {
        caption: caption.into(),
        header: vec![
            "KPI".into(),
            "Baseline".into(),
            "Previous actual".into(),
            "Latest actual".into(),
            "Status".into(),
            "How the status was computed".into(),
        ],
        widths: vec![4, 3, 3, 3, 2, 8],
        rows: kpis
            .iter()
            .map(|k| {
                vec![
                    Cell::text(&k.name),
                    optional(k.baseline.as_ref()),
                    optional(k.previous.as_ref()),
                    optional(k.latest.as_ref()),
                    Cell::text(&k.status),
                    Cell::text(&k.explanation),
                ]
            })
            .collect(),
    }
}

fn bullets_or(doc: &mut Doc, items: Vec<String>, none: &str) {
    if items.is_empty() {
        p(doc, none);
    } else {
        doc.blocks.push(Block::Bullets(items));
    }
}

fn progress(doc: &mut Doc, header: &ReportHeader, report: &Progress) {
    let period = format!(
        "from {} to {}",
        uk_date(header.since + time::Duration::days(1)),
        uk_date(header.as_at)
    );
    h(doc, 1, "Meeting");
    p(
        doc,
        match header.since_cycle {
            Some(n) => format!(
                "This report covers the period {period}: everything since reporting cycle {n} closed on {}.",
                uk_date(header.since)
            ),
            None => format!("This report covers the period {period}."),
        },
    );
    reported_meeting(doc, header, report);
    impact(doc, header, &period, report);
    h(doc, 1, "Progress by area");
    for area in &report.areas {
        area_intro(doc, &area.area);
        h(doc, 3, "Key actions completed");
        bullets_or(
            doc,
            area.completed
                .iter()
                .map(|d| {
                    let on =
                        d.on.map(|on| format!(" ({})", uk_date(on)))
                            .unwrap_or_default();
                    let kind = if d.milestone { "milestone of " } else { "" };
                    format!("{}{}: {}{on}", kind, d.label, d.text)
                })
                .collect(),
            "No actions or milestones were completed in this period.",
        );
        h(doc, 3, "Evidence of impact");
        bullets_or(
            doc,
            area.evidence
                .iter()
                .map(|e| {
                    let by = e
                        .author
                        .as_ref()
                        .map(|a| format!(", {a}"))
                        .unwrap_or_default();
                    format!("{} ({}{by}): {}", e.label, uk_date(e.date), e.narrative)
                })
                .collect(),
            "No updates were recorded in this period.",
        );
        h(doc, 3, "Next steps");
        bullets_or(
            doc,
            area.next_steps
                .iter()
                .map(|n| format!("{}: {} (due {})", n.label, n.text, n.due))
                .collect(),
            "Nothing is due in the next three months.",
        );
        h(doc, 3, "Ratings");
        let actions: Vec<&ActionStatus> = area.area.actions().collect();
        if actions.is_empty() {
            p(doc, "This area has no actions.");
        } else {
            doc.blocks.push(Block::Table(action_table(
                header,
                &actions,
                format!("Ratings in area {}", area.area.number),
            )));
        }
    }
    rating_key(doc, header);
    glossary(doc, &header.glossary);
}

fn reported_meeting(doc: &mut Doc, header: &ReportHeader, report: &Progress) {
    if let Some(meeting) = &report.meeting {
        p(doc, format!("It reports to {}.", meeting.describe()));
        h(doc, 2, "Attendees");
        bullets_or(
            doc,
            meeting.attendees.clone(),
            "The meeting's attendees are not recorded.",
        );
        if !meeting.measures.is_empty() {
            h(doc, 2, "Progress measures agreed");
            doc.blocks.push(Block::Table(Table {
                caption: "The progress measure agreed per area at the meeting".into(),
                header: vec!["Area".into(), "Ratings".into(), "Summary".into()],
                widths: vec![1, 3, 8],
                rows: meeting
                    .measures
                    .iter()
                    .map(|m| {
                        vec![
                            Cell::text(m.area.to_string()),
                            Cell::text(m.ratings.join(" / ")),
                            optional(m.summary.as_ref()),
                        ]
                    })
                    .collect(),
            }));
        }
    } else {
        p(
            doc,
            format!(
                "No meeting is recorded on or before {}.",
                uk_date(header.as_at)
            ),
        );
    }
}

fn impact(doc: &mut Doc, header: &ReportHeader, period: &str, report: &Progress) {
    h(doc, 1, "Evidence of impact: KPIs");
    if report.kpis.is_empty() {
        p(doc, "No KPIs are recorded for this plan.");
    } else {
        let moved = report.kpis.iter().filter(|k| k.moved_in_period).count();
        p(
            doc,
            format!(
                "{moved} of {} KPIs have a new actual for a period ending in the period {period}. Figures are those known on {}.",
                report.kpis.len(),
                uk_date(header.as_at)
            ),
        );
        doc.blocks.push(Block::Table(kpi_table(
            &report.kpis,
            "KPIs against their trajectory",
        )));
    }
    h(doc, 1, "You said, we did");
    if report.you_said_we_did.is_empty() {
        p(
            doc,
            "No \"you said, we did\" request was completed in this period.",
        );
    } else {
        doc.blocks
            .push(Block::Table(responses_table(&report.you_said_we_did)));
    }
}

fn exceptions(doc: &mut Doc, header: &ReportHeader, report: &crate::domain::Exceptions) {
    doc.landscape = true;
    h(doc, 1, "Summary");
    p(
        doc,
        format!(
            "{} of {} actions need the board's attention on {}.",
            report.items.len(),
            report.total_actions,
            uk_date(header.as_at)
        ),
    );
    doc.blocks.push(Block::Table(Table {
        caption: "Exceptions by kind".into(),
        header: vec!["Exception".into(), "Actions".into()],
        widths: vec![3, 1],
        rows: report
            .counts
            .iter()
            .map(|c| vec![Cell::text(&c.label), Cell::text(c.count.to_string())])
            .collect(),
    }));
    p(
        doc,
        format!(
            "Stale means no update in the {} before the report's date (the plan's reporting cycle). Slipped means a due date was moved later; every move is listed under \"Slipped dates\" with its reason.",
            weeks(header.cycle_weeks)
        ),
    );
    h(doc, 1, "Actions needing attention");
    if report.items.is_empty() {
        p(
            doc,
            "No action is red, amber, overdue, not started, stale or slipped.",
        );
    } else {
        let rows = report
            .items
            .iter()
            .map(|item| {
                let a = &item.action;
                let commentary = a.latest_update.as_ref().map_or_else(
                    || "No update recorded.".to_owned(),
                    |u| format!("{}: {}", uk_date(u.date), u.narrative),
                );
                vec![
                    Cell::text(a.area.to_string()),
                    Cell::text(&a.label),
                    Cell::text(&a.text),
                    Cell::text(a.owner_names()),
                    Cell::text(&a.due),
                    Cell::text(
                        item.reasons
                            .iter()
                            .map(crate::domain::Reason::describe)
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    Cell::text(commentary),
                ]
            })
            .collect();
        doc.blocks.push(Block::Table(Table {
            caption: "Actions that are red, amber, overdue, not started, stale or slipped".into(),
            header: vec![
                "Area".into(),
                "Ref".into(),
                "Action".into(),
                "Owners".into(),
                "Due".into(),
                "Why".into(),
                "Latest commentary".into(),
            ],
            widths: vec![1, 2, 8, 4, 3, 4, 8],
            rows,
        }));
    }
    slipped_dates(doc, header, &report.slipped);
    h(doc, 1, "KPIs off trajectory");
    if report.kpis_off.is_empty() {
        p(
            doc,
            format!("No KPI is off trajectory on {}.", uk_date(header.as_at)),
        );
    } else {
        doc.blocks.push(Block::Table(kpi_table(
            &report.kpis_off,
            "KPIs off trajectory",
        )));
    }
    rating_key(doc, header);
    glossary(doc, &header.glossary);
}

/// "6 weeks", "1 week".
fn weeks(n: u32) -> String {
    if n == 1 {
        "1 week".to_owned()
    } else {
        format!("{n} weeks")
    }
}

/// Every due date moved later, from the recorded changes: old and new date, why, and
/// who agreed it.
fn slipped_dates(doc: &mut Doc, header: &ReportHeader, slipped: &[SlippedDate]) {
    h(doc, 1, "Slipped dates");
    if slipped.is_empty() {
        p(
            doc,
            format!(
                "No due date had been moved later by {}.",
                uk_date(header.as_at)
            ),
        );
        return;
    }
    doc.blocks.push(Block::Table(Table {
        caption: "Due dates moved later, with the reason and who approved it".into(),
        header: [
            "Area",
            "Ref",
            "Action",
            "Changed on",
            "Was due",
            "Now due",
            "Reason",
            "Approved by",
        ]
        .map(str::to_owned)
        .to_vec(),
        widths: vec![1, 2, 7, 3, 3, 3, 6, 3],
        rows: slipped
            .iter()
            .map(|s| {
                vec![
                    Cell::text(s.area.to_string()),
                    Cell::text(&s.label),
                    Cell::text(&s.text),
                    Cell::text(uk_date(s.change.changed_on)),
                    Cell::text(&s.change.from),
                    Cell::text(&s.change.to),
                    Cell::text(&s.change.reason),
                    Cell::text(&s.change.approved_by),
                ]
            })
            .collect(),
    }));
}

fn public(doc: &mut Doc, header: &ReportHeader, report: &PublicSummary) {
    doc.title = format!(
        "Improving support for children and young people with special educational needs and disabilities in {}",
        header.local_area
    );
    doc.subtitle = vec![format!(
        "A short summary of our plan, on {}",
        uk_date(header.as_at)
    )];
    h(doc, 1, "About this plan");
    for line in &report.introduction {
        p(doc, line);
    }
    h(doc, 1, "What the inspection found");
    doc.blocks.push(Block::Bullets(report.found.clone()));
    h(doc, 1, "What has been done");
    doc.blocks.push(Block::Bullets(report.done.clone()));
    h(doc, 1, "What happens next");
    doc.blocks.push(Block::Bullets(report.next.clone()));
    h(doc, 1, "Then and now");
    p(
        doc,
        format!(
            "This table shows how many of the {} actions were at each stage.",
            report.total_actions
        ),
    );
    doc.blocks.push(Block::Table(Table {
        caption: "How many actions were at each stage, then and now".into(),
        header: vec![
            "Stage".into(),
            report.then_label.clone(),
            format!("On {}", uk_date(header.as_at)),
        ],
        widths: vec![4, 2, 2],
        rows: report
            .position
            .iter()
            .map(|row| {
                vec![
                    Cell::text(&row.label),
                    Cell::text(row.then.to_string()),
                    Cell::text(row.now.to_string()),
                ]
            })
            .collect(),
    }));
    if !report.measures.is_empty() {
        h(doc, 1, "How we measure progress");
        doc.blocks.push(Block::Bullets(report.measures.clone()));
    }
    if !report.you_said_we_did.is_empty() {
        h(doc, 1, "You said, we did");
        doc.blocks
            .push(Block::Table(responses_table(&report.you_said_we_did)));
    }
    if !header.glossary.is_empty() {
        h(doc, 1, "Words we use");
        doc.blocks.push(Block::Table(Table {
            caption: "Short forms and what they mean".into(),
            header: vec!["Short form".into(), "What it means".into()],
            widths: vec![1, 4],
            rows: header
                .glossary
                .iter()
                .map(|e| vec![Cell::text(&e.term), Cell::text(&e.definition)])
                .collect(),
        }));
    }
}

fn responses_table(responses: &[ResponseAt]) -> Table {
    Table {
        caption: "What children, young people and families asked for, and what we did".into(),
        header: vec!["You said".into(), "We did".into(), "Where it stands".into()],
        widths: vec![4, 4, 3],
        rows: responses
            .iter()
            .map(|r| {
                let status = r
                    .reason
                    .as_ref()
                    .map_or_else(|| r.status.clone(), |why| format!("{}: {why}", r.status));
                vec![
                    Cell::text(&r.you_said),
                    Cell::text(&r.we_did),
                    Cell::text(status),
                ]
            })
            .collect(),
    }
}

/// The tracker's main table: one row per action with every column.
pub fn tracker_columns(header: &ReportHeader) -> Vec<String> {
    let mut head: Vec<String> = [
        "No.",
        "Area",
        "Objective",
        "Ref",
        "Action",
        "Owners",
        "Resource",
        "Due",
    ]
    .map(str::to_owned)
    .to_vec();
    head.extend(header.scheme.dimensions.iter().map(|d| d.label.clone()));
    head.extend(["Latest update", "Update date", "Flags"].map(str::to_owned));
    head
}

/// One action's row of the tracker's main table, as text.
pub fn tracker_row(action: &ActionStatus) -> Vec<String> {
    let mut row = vec![
        action.number.to_string(),
        action.area.to_string(),
        action.objective.clone(),
        action.reference.clone().unwrap_or_default(),
        action.text.clone(),
        action.owner_names(),
        action
            .resource
            .map(|r| r.code().to_owned())
            .unwrap_or_default(),
        action.due.clone(),
    ];
    row.extend(
        action
            .ratings
            .iter()
            .map(|r| r.code.clone().unwrap_or_default()),
    );
    row.push(
        action
            .latest_update
            .as_ref()
            .map(|u| u.narrative.clone())
            .unwrap_or_default(),
    );
    row.push(
        action
            .latest_update
            .as_ref()
            .map(|u| uk_date(u.date))
            .unwrap_or_default(),
    );
    row.push(action.flag_labels());
    row
}

#[expect(
    clippy::too_many_lines,
    reason = "the tracker's five tables, laid out in order"
)]
fn tracker(doc: &mut Doc, header: &ReportHeader, report: &Tracker) {
    doc.landscape = true;
    h(doc, 1, "Actions");
    let dimensions = header.scheme.dimensions.len();
    let rows = report
        .areas
        .iter()
        .flat_map(AreaStatus::actions)
        .map(|action| {
            let text = tracker_row(action);
            text.into_iter()
                .enumerate()
                .map(|(i, t)| match i.checked_sub(8) {
                    Some(d) if d < dimensions => Cell::rating(&action.ratings[d]),
                    _ => Cell::text(t),
                })
                .collect()
        })
        .collect();
    let mut widths = vec![1, 1, 2, 2, 8, 4, 2, 3];
    widths.extend(std::iter::repeat_n(2, dimensions));
    widths.extend([8, 3, 3]);
    doc.blocks.push(Block::Table(Table {
        caption: "Every action with its ratings and latest update".into(),
        header: tracker_columns(header),
        widths,
        rows,
    }));
    h(doc, 1, "Milestones");
    let mut milestones = Vec::new();
    let mut updates = Vec::new();
    for (action, source) in report
        .areas
        .iter()
        .flat_map(AreaStatus::actions)
        .zip(report.plan.actions().map(|(_, _, a)| a))
    {
        for m in &action.milestones {
            milestones.push(vec![
                Cell::text(&action.label),
                Cell::text(&m.text),
                Cell::text(&m.due),
                Cell::text(m.done.clone().unwrap_or_else(|| "Not done".into())),
            ]);
        }
        for u in &source.updates {
            let author = u
                .author
                .as_deref()
                .map(|a| report.plan.person(a).map_or(a, |p| p.name.as_str()))
                .unwrap_or_default();
            let ratings = report.plan.rating_tags(&u.ratings);
            updates.push(vec![
                Cell::text(&action.label),
                Cell::text(uk_date(u.date)),
                Cell::text(author),
                Cell::text(&u.narrative),
                Cell::text(
                    ratings
                        .iter()
                        .map(|t| format!("{}: {}", t.dimension, t.code))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
    }
    if milestones.is_empty() {
        p(doc, "No milestones recorded.");
    } else {
        doc.blocks.push(Block::Table(Table {
            caption: "Milestones of every action".into(),
            header: vec![
                "Ref".into(),
                "Milestone".into(),
                "Due".into(),
                "Done".into(),
            ],
            widths: vec![1, 8, 2, 2],
            rows: milestones,
        }));
    }
    h(doc, 1, "Updates");
    if updates.is_empty() {
        p(doc, "No updates recorded.");
    } else {
        doc.blocks.push(Block::Table(Table {
            caption: "Every progress update, oldest first within each action".into(),
            header: vec![
                "Ref".into(),
                "Date".into(),
                "Author".into(),
                "Update".into(),
                "Ratings set".into(),
            ],
            widths: vec![1, 2, 2, 8, 3],
            rows: updates,
        }));
    }
    h(doc, 1, "People");
    if report.plan.people.is_empty() {
        p(doc, "No action owners listed.");
    } else {
        doc.blocks.push(Block::Table(Table {
            caption: "Action owners".into(),
            header: vec![
                "Initials".into(),
                "Name".into(),
                "Role".into(),
                "Organisation".into(),
            ],
            widths: vec![1, 3, 3, 3],
            rows: report
                .plan
                .people
                .iter()
                .map(|person| {
                    vec![
                        Cell::text(person.initials.clone().unwrap_or_default()),
                        Cell::text(&person.name),
                        Cell::text(person.role.clone().unwrap_or_default()),
                        Cell::text(person.organisation.clone().unwrap_or_default()),
                    ]
                })
                .collect(),
        }));
    }
    rating_key(doc, header);
    glossary(doc, &header.glossary);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_fills_get_white_text_and_light_fills_black() {
        assert_eq!(ink_on("#1d70b8"), "#ffffff");
        assert_eq!(ink_on("#ffdd00"), "#0b0c0c");
    }
}
