//! Governance: the boards as a table, a diagram and a text list, the meetings held, and
//! the forms to record a meeting and add a board.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::form::{FormError, area_numbers, day, error_for, lines, on_field, optional_text};
use super::{Layout, Page};
use crate::app::App;
use crate::domain::{
    ActionRef, AgreedAction, Board, Diagram, Error, LinkedAction, Meeting, MeetingKind,
    PartialDate, PlanSummary, PlanTree, ProgressMeasure, Result, diagram,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/governance", get(index))
        .route("/plans/{plan}/governance/meetings", post(record_meeting))
        .route("/plans/{plan}/governance/boards", post(add_board))
}

/// A board in the text list, indented under the board it reports to.
struct BoardView {
    depth: usize,
    name: String,
    chair: Option<String>,
    cadence: Option<String>,
    reports_to: Option<String>,
    members: Vec<String>,
    purpose: Option<String>,
    monitors: Vec<String>,
}

/// An agreed action with its links.
struct AgreedView {
    text: String,
    actions: Vec<LinkedAction>,
}

/// A meeting as the page shows it.
struct MeetingView {
    date: String,
    kind: &'static str,
    board: Option<String>,
    purpose: String,
    attendees: Vec<String>,
    notes: Option<String>,
    decisions: Vec<String>,
    actions_agreed: Vec<AgreedView>,
    progress_measures: Vec<(u32, String, Option<String>)>,
}

/// What was typed into the meeting form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct MeetingForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    board: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    decisions: String,
    #[serde(default)]
    actions_agreed: String,
    #[serde(default)]
    progress_measures: String,
}

/// What was typed into the board form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct BoardForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    reports_to: String,
    #[serde(default)]
    cadence: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    monitors_areas: String,
}

#[derive(Template)]
#[template(path = "governance/index.html")]
struct IndexPage {
    layout: Layout,
    /// Whether the forms to record a meeting and add a board are shown.
    can_edit: bool,
    summary: PlanSummary,
    boards: Vec<BoardView>,
    diagram: Diagram,
    board_names: Vec<String>,
    meetings: Vec<MeetingView>,
    meeting: MeetingForm,
    board: BoardForm,
    error: Option<FormError>,
}

impl IndexPage {
    fn error_for(&self, form: &str, field: &str) -> Option<&str> {
        error_for(self.error.as_ref(), form, field)
    }

    #[expect(clippy::unused_self, reason = "templates call methods on the page")]
    fn kinds(&self) -> [MeetingKind; 3] {
        MeetingKind::ALL
    }
}

/// Boards in tree order: each followed by the boards reporting to it.
fn board_views(plan: &PlanTree) -> Vec<BoardView> {
    let mut children: HashMap<Option<&str>, Vec<&Board>> = HashMap::new();
    let names: Vec<&str> = plan.boards.iter().map(|b| b.name.as_str()).collect();
    for board in &plan.boards {
        let parent = board.reports_to.as_deref().filter(|p| names.contains(p));
        children.entry(parent).or_default().push(board);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(usize, &Board)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|b| (0, *b)).collect())
        .unwrap_or_default();
    while let Some((depth, board)) = stack.pop() {
        if out.len() > plan.boards.len() {
            break;
        }
        let mut monitors: Vec<String> = board
            .monitors_areas
            .iter()
            .map(|a| format!("Area {a}"))
            .collect();
        monitors.extend(
            plan.linked_actions(&board.monitors)
                .into_iter()
                .map(|a| a.label),
        );
        out.push(BoardView {
            depth,
            name: board.name.clone(),
            chair: board.chair.clone(),
            cadence: board.cadence.clone(),
            reports_to: board.reports_to.clone(),
            members: board.members.clone(),
            purpose: board.purpose.clone(),
            monitors,
        });
        if let Some(kids) = children.get(&Some(board.name.as_str())) {
            stack.extend(kids.iter().rev().map(|b| (depth + 1, *b)));
        }
    }
    out
}

fn index_page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    plan: &PlanTree,
    meeting: MeetingForm,
    board: BoardForm,
    error: Option<FormError>,
) -> IndexPage {
    IndexPage {
        layout: Layout::of(viewer),
        can_edit: app.may_edit_plan(&viewer.actor, &summary),
        boards: board_views(plan),
        diagram: diagram(&plan.boards),
        board_names: plan.boards.iter().map(|b| b.name.clone()).collect(),
        meetings: plan
            .meetings_newest_first()
            .into_iter()
            .map(|m| MeetingView {
                date: PartialDate::Day(m.date).to_uk(),
                kind: m.kind.label(),
                board: m.board.clone(),
                purpose: m.purpose.clone(),
                attendees: m.attendees.clone(),
                notes: m.notes.clone(),
                decisions: m.decisions.clone(),
                actions_agreed: m
                    .actions_agreed
                    .iter()
                    .map(|a| AgreedView {
                        text: a.text.clone(),
                        actions: plan.linked_actions(&a.actions),
                    })
                    .collect(),
                progress_measures: m
                    .progress_measures
                    .iter()
                    .map(|p| (p.area, p.ratings.join(" / "), p.summary.clone()))
                    .collect(),
            })
            .collect(),
        meeting,
        board,
        error,
        summary,
    }
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<IndexPage>, Error> {
    let (summary, plan) = app.plan(&viewer.actor, &key).await?;
    Ok(Page(index_page(
        &app,
        &viewer,
        summary,
        &plan,
        MeetingForm::default(),
        BoardForm::default(),
        None,
    )))
}

/// "Share the draft (1/1.1a, 2/1.3)": the text, and the actions in the brackets.
fn agreed_action(line: &str) -> Result<AgreedAction> {
    if let Some(open) = line.rfind('(')
        && line.ends_with(')')
    {
        let inside = &line[open + 1..line.len() - 1];
        if inside.contains('/') {
            return Ok(AgreedAction {
                text: line[..open].trim().to_owned(),
                actions: ActionRef::parse_list(inside)
                    .map_err(|e| on_field("actions_agreed", e))?,
            });
        }
    }
    Ok(AgreedAction {
        text: line.to_owned(),
        actions: Vec::new(),
    })
}

/// "1: Green, Green": the area and its ratings.
fn progress_measure(line: &str) -> Result<ProgressMeasure> {
    let bad = || {
        Error::invalid(
            "progress_measures",
            format!(
                "{line:?} is not an area and its ratings: write one area a line, like 1: Green, Green"
            ),
        )
    };
    let (area, ratings) = line.split_once(':').ok_or_else(bad)?;
    let area: u32 = area
        .trim()
        .trim_start_matches(|c: char| c.is_alphabetic() || c.is_whitespace())
        .parse()
        .map_err(|_| bad())?;
    let ratings: Vec<String> = ratings
        .split([',', '/'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    if ratings.is_empty() {
        return Err(bad());
    }
    Ok(ProgressMeasure {
        area,
        ratings,
        summary: None,
    })
}

fn meeting_of(form: &MeetingForm) -> Result<Meeting> {
    let date = day("date", &form.date)?;
    let kind = MeetingKind::from_code(&form.kind)?;
    let meeting = Meeting {
        id: None,
        date,
        kind,
        board: optional_text(&form.board),
        purpose: form.purpose.trim().to_owned(),
        attendees: form
            .attendees
            .split([',', '\n'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        notes: optional_text(&form.notes),
        decisions: lines(&form.decisions),
        actions_agreed: lines(&form.actions_agreed)
            .iter()
            .map(|l| agreed_action(l))
            .collect::<Result<_>>()?,
        progress_measures: lines(&form.progress_measures)
            .iter()
            .map(|l| progress_measure(l))
            .collect::<Result<_>>()?,
    };
    meeting.validate()?;
    Ok(meeting)
}

async fn record_meeting(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<MeetingForm>,
) -> Result<Response, Error> {
    // Who may record is settled before the form is read.
    app.plan_to_edit(&viewer.actor, &key).await?;
    let recorded = match meeting_of(&form) {
        Ok(meeting) => app
            .record_meeting(&viewer.actor, &key, meeting)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match recorded {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/governance#meetings"),
            "The meeting has been recorded. It is in the list of meetings below.",
        )),
        Err(err) => {
            let error = FormError::from_error("meeting", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            let page = index_page(
                &app,
                &viewer,
                summary,
                &plan,
                form,
                BoardForm::default(),
                Some(error),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
    }
}

fn board_of(form: &BoardForm) -> Result<Board> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "enter the board's name"));
    }
    Ok(Board {
        chair: optional_text(&form.chair),
        members: lines(&form.members),
        reports_to: optional_text(&form.reports_to),
        cadence: optional_text(&form.cadence),
        purpose: optional_text(&form.purpose),
        monitors_areas: area_numbers("monitors_areas", &form.monitors_areas)?,
        ..Board::new(name)
    })
}

async fn add_board(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<BoardForm>,
) -> Result<Response, Error> {
    app.plan_to_edit(&viewer.actor, &key).await?;
    let added = match board_of(&form) {
        Ok(board) => app.add_board(&viewer.actor, &key, board).await,
        Err(e) => Err(e),
    };
    match added {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/governance"),
            "The board has been added.",
        )),
        Err(err) => {
            let error = FormError::from_error("board", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            let page = index_page(
                &app,
                &viewer,
                summary,
                &plan,
                MeetingForm::default(),
                form,
                Some(error),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreed_actions_carry_the_actions_in_their_brackets() {
        let agreed = agreed_action("Share the draft (1/1.1a, 2/1.3)").unwrap();
        assert_eq!(agreed.text, "Share the draft");
        assert_eq!(agreed.actions.len(), 2);
        let plain = agreed_action("Meet again (in March)").unwrap();
        assert_eq!(plain.text, "Meet again (in March)");
        assert!(plain.actions.is_empty());
    }

    #[test]
    fn progress_measures_read_an_area_and_its_ratings() {
        let measure = progress_measure("Strand 2: Amber, Amber").unwrap();
        assert_eq!(measure.area, 2);
        assert_eq!(measure.ratings, ["Amber", "Amber"]);
        assert!(progress_measure("Green").is_err());
    }
}
