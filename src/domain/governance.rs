//! Governance: the boards that oversee the plan, who reports to whom, which board
//! monitors which actions, and the meetings held — board meetings and the Department for
//! Education and NHS England monitoring visits with their agreed progress measures.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::Date;

use super::{ActionRef, Error, PlanTree, Result};

/// A board or group in the plan's governance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// "SEND Executive Board"; unique in the plan.
    pub name: String,
    /// Who chairs it, as a role or a name: "Director of Children's Services".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
    /// Its members, as roles, organisations or names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// The board it reports to, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports_to: Option<String>,
    /// How often it meets: "every 6 weeks", "bi-monthly".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<String>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Areas whose actions it monitors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors_areas: Vec<u32>,
    /// Single actions it monitors, beyond whole areas.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors: Vec<ActionRef>,
}

impl Board {
    /// A board with only a name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            chair: None,
            members: Vec::new(),
            reports_to: None,
            cadence: None,
            purpose: None,
            monitors_areas: Vec::new(),
            monitors: Vec::new(),
        }
    }
}

/// Checks boards: names present and unique, "reports to" naming another board, no loop.
pub fn check_boards(boards: &[Board]) -> Result<()> {
    let mut names = HashSet::new();
    for board in boards {
        if board.name.trim().is_empty() {
            return Err(Error::invalid("boards", "every board needs a name"));
        }
        if !names.insert(board.name.as_str()) {
            return Err(Error::invalid(
                "boards",
                format!("{:?} is listed twice", board.name),
            ));
        }
    }
    let parent: HashMap<&str, &str> = boards
        .iter()
        .filter_map(|b| Some((b.name.as_str(), b.reports_to.as_deref()?)))
        .collect();
    for (child, up) in &parent {
        if !names.contains(up) {
            return Err(Error::invalid(
                format!("board {child:?}"),
                format!("reports to {up:?}, which is not one of the plan's boards"),
            ));
        }
        let mut seen = HashSet::from([*child]);
        let mut at = *child;
        while let Some(next) = parent.get(at) {
            if !seen.insert(*next) {
                return Err(Error::invalid(
                    format!("board {child:?}"),
                    "the boards report to each other in a circle",
                ));
            }
            at = next;
        }
    }
    Ok(())
}

/// What kind of meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// A meeting of one of the plan's boards.
    Board,
    /// A Department for Education and NHS England monitoring visit or progress review.
    MonitoringVisit,
    /// A workshop, challenge session or other meeting.
    Other,
}

impl MeetingKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 3] = [Self::Board, Self::MonitoringVisit, Self::Other];

    /// "Board meeting".
    pub fn label(self) -> &'static str {
        match self {
            Self::Board => "Board meeting",
            Self::MonitoringVisit => "DfE and NHS England monitoring visit",
            Self::Other => "Other meeting",
        }
    }

    /// The stored code, the same as in plan JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Board => "board",
            Self::MonitoringVisit => "monitoring_visit",
            Self::Other => "other",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::invalid("kind", "choose the kind of meeting"))
    }
}

/// An action agreed at a meeting, and the plan actions it bears on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedAction {
    /// What was agreed.
    pub text: String,
    /// The plan's actions it concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionRef>,
}

/// The progress measure agreed for an area at a monitoring visit: in 002 two ratings
/// ("Green", "Green") whose columns the document does not name, so they are kept as
/// written, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressMeasure {
    /// The area's number.
    pub area: u32,
    /// The ratings as written, in the document's order.
    pub ratings: Vec<String>,
    /// The sentence that goes with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// A stored meeting's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MeetingId(pub i64);

/// A meeting about the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Stored id, when loaded from the store.
    #[serde(skip)]
    pub id: Option<MeetingId>,
    /// The day it was held.
    pub date: Date,
    /// Board meeting, monitoring visit, or other.
    pub kind: MeetingKind,
    /// The board that met, by name, for a board meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
    /// "2nd monitoring visit", "challenge session".
    pub purpose: String,
    /// Who attended: names, roles or initials as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Decisions taken.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<String>,
    /// Actions agreed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions_agreed: Vec<AgreedAction>,
    /// The progress measure agreed per area.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress_measures: Vec<ProgressMeasure>,
}

impl Meeting {
    /// Checks the purpose and the agreed items.
    pub fn validate(&self) -> Result<()> {
        if self.purpose.trim().is_empty() {
            return Err(Error::invalid("purpose", "enter what the meeting was for"));
        }
        if self.actions_agreed.iter().any(|a| a.text.trim().is_empty()) {
            return Err(Error::invalid(
                "actions_agreed",
                "an agreed action needs its text",
            ));
        }
        if self.progress_measures.iter().any(|m| m.ratings.is_empty()) {
            return Err(Error::invalid(
                "progress_measures",
                "a progress measure needs at least one rating",
            ));
        }
        Ok(())
    }
}

impl PlanTree {
    /// The board that monitors an action: one naming the action itself, else one
    /// monitoring its whole area.
    pub fn monitoring_body(&self, link: &ActionRef) -> Option<&Board> {
        self.boards
            .iter()
            .find(|b| b.monitors.contains(link))
            .or_else(|| {
                self.boards
                    .iter()
                    .find(|b| b.monitors_areas.contains(&link.area))
            })
    }

    /// Meetings, newest first.
    pub fn meetings_newest_first(&self) -> Vec<&Meeting> {
        let mut meetings: Vec<&Meeting> = self.meetings.iter().collect();
        meetings.sort_by_key(|m| std::cmp::Reverse(m.date));
        meetings
    }
}

/// Width of a board's box in the diagram, in SVG units.
const BOX_WIDTH: i32 = 200;
/// Height of a board's box.
const BOX_HEIGHT: i32 = 64;
/// Space between boxes side by side.
const GAP_X: i32 = 24;
/// Space between rows, room for the arrows.
const GAP_Y: i32 = 56;
/// Characters per line of a box's label before it wraps.
const LINE_CHARS: usize = 24;

/// A line of a box's label and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramLabel {
    /// Baseline of the text.
    pub y: i32,
    /// The words.
    pub text: String,
}

/// A board drawn as a box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramBox {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub width: i32,
    /// Height.
    pub height: i32,
    /// The horizontal centre, where the label is anchored.
    pub centre: i32,
    /// The board's name, wrapped.
    pub labels: Vec<DiagramLabel>,
}

/// "Reports to", drawn from the lower board's top to the upper board's bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramArrow {
    /// Start, at the reporting board.
    pub x1: i32,
    /// Start.
    pub y1: i32,
    /// End, at the board reported to.
    pub x2: i32,
    /// End.
    pub y2: i32,
}

/// The governance structure laid out for drawing: boards that report to nobody on the
/// top row, each board one row below the board it reports to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    /// Total width.
    pub width: i32,
    /// Total height.
    pub height: i32,
    /// One box per board.
    pub boxes: Vec<DiagramBox>,
    /// One arrow per "reports to".
    pub arrows: Vec<DiagramArrow>,
}

fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= LINE_CHARS => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    if lines.len() > 3 {
        lines.truncate(3);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX / 4)
}

/// Lays out the boards. Boards are assumed checked by [`check_boards`]; a board whose
/// "reports to" is unknown is drawn on the top row.
pub fn diagram(boards: &[Board]) -> Diagram {
    let index: HashMap<&str, usize> = boards
        .iter()
        .enumerate()
        .map(|(i, b)| (b.name.as_str(), i))
        .collect();
    let parent = |i: usize| {
        boards[i]
            .reports_to
            .as_deref()
            .and_then(|name| index.get(name).copied())
    };
    let depth = |i: usize| {
        let mut depth = 0;
        let mut at = i;
        while let Some(up) = parent(at) {
            depth += 1;
            at = up;
            if depth > boards.len() {
                break;
            }
        }
        depth
    };
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for i in 0..boards.len() {
        let d = depth(i);
        if rows.len() <= d {
            rows.resize(d + 1, Vec::new());
        }
        rows[d].push(i);
    }
    // Keep children under their parents: order each row by the parent's place above.
    for d in 1..rows.len() {
        let above: HashMap<usize, usize> = rows[d - 1]
            .iter()
            .enumerate()
            .map(|(place, &i)| (i, place))
            .collect();
        rows[d].sort_by_key(|&i| (parent(i).and_then(|p| above.get(&p).copied()), i));
    }
    let widest = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = GAP_X + to_i32(widest) * (BOX_WIDTH + GAP_X);
    let height = GAP_X + to_i32(rows.len()) * (BOX_HEIGHT + GAP_Y) - GAP_Y + GAP_X;
    let mut placed: Vec<Option<DiagramBox>> = vec![None; boards.len()];
    for (d, row) in rows.iter().enumerate() {
        let row_width = to_i32(row.len()) * (BOX_WIDTH + GAP_X) - GAP_X;
        let left = (width - row_width) / 2;
        let y = GAP_X + to_i32(d) * (BOX_HEIGHT + GAP_Y);
        for (place, &i) in row.iter().enumerate() {
            let x = left + to_i32(place) * (BOX_WIDTH + GAP_X);
            let lines = wrap(&boards[i].name);
            let first = y + BOX_HEIGHT / 2 - (to_i32(lines.len()) - 1) * 9 + 5;
            placed[i] = Some(DiagramBox {
                x,
                y,
                width: BOX_WIDTH,
                height: BOX_HEIGHT,
                centre: x + BOX_WIDTH / 2,
                labels: lines
                    .into_iter()
                    .enumerate()
                    .map(|(n, text)| DiagramLabel {
                        y: first + to_i32(n) * 18,
                        text,
                    })
                    .collect(),
            });
        }
    }
    let boxes: Vec<DiagramBox> = placed.into_iter().flatten().collect();
    let arrows = (0..boards.len())
        .filter_map(|i| {
            let up = parent(i)?;
            let (from, to) = (&boxes[i], &boxes[up]);
            Some(DiagramArrow {
                x1: from.centre,
                y1: from.y,
                x2: to.centre,
                y2: to.y + to.height + 2,
            })
        })
        .collect();
    Diagram {
        width: width.max(BOX_WIDTH + 2 * GAP_X),
        height: height.max(BOX_HEIGHT + 2 * GAP_X),
        boxes,
        arrows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(name: &str, reports_to: Option<&str>) -> Board {
        Board {
            reports_to: reports_to.map(str::to_owned),
            ..Board::new(name)
        }
    }

    #[test]
    fn boards_must_report_to_a_known_board_without_a_circle() {
        check_boards(&[board("A", None), board("B", Some("A"))]).unwrap();
        let unknown = check_boards(&[board("B", Some("Nowhere"))]).unwrap_err();
        assert!(unknown.to_string().contains("not one of the plan's boards"));
        let circle = check_boards(&[board("A", Some("B")), board("B", Some("A"))]).unwrap_err();
        assert!(circle.to_string().contains("circle"), "{circle}");
        let selfish = check_boards(&[board("A", Some("A"))]).unwrap_err();
        assert!(selfish.to_string().contains("circle"), "{selfish}");
        assert!(check_boards(&[board("A", None), board("A", None)]).is_err());
    }

    #[test]
    fn the_diagram_puts_each_board_one_row_below_the_one_it_reports_to() {
        let boards = [
            board("SEND Executive Board", Some("Union Board")),
            board("Union Board", None),
            board(
                "Early Years SEND Strategy Group",
                Some("SEND Executive Board"),
            ),
            board("Transitions Group", Some("SEND Executive Board")),
        ];

        let drawn = diagram(&boards);

        assert_eq!(drawn.boxes.len(), 4);
        assert_eq!(drawn.arrows.len(), 3);
        let top = drawn.boxes[1].y;
        assert!(drawn.boxes[0].y > top);
        assert_eq!(drawn.boxes[2].y, drawn.boxes[3].y);
        assert!(drawn.boxes[2].y > drawn.boxes[0].y);
        // The arrow runs from the executive board up to the union board.
        let arrow = &drawn.arrows[0];
        assert_eq!(
            (arrow.x1, arrow.y1),
            (drawn.boxes[0].centre, drawn.boxes[0].y)
        );
        assert!(arrow.y2 > top);
        for b in &drawn.boxes {
            assert!(b.x >= 0 && b.x + b.width <= drawn.width);
            assert!(b.y + b.height <= drawn.height);
        }
        assert_eq!(drawn.boxes[2].labels.len(), 2, "long names wrap");
    }
}
