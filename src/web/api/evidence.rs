//! The evidence of impact beside a plan's actions, as JSON: its KPIs with their status,
//! what children, young people and families said, and "you said, we did". Read by
//! whoever may read the plan; changed on the pages (not yet through the API).

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiActor, ApiPath, Paged, Pagination};
use crate::app::App;
use crate::domain::{
    ActionRef, Actual, Benchmark, Kpi, PartialDate, PlanTree, Point, Quote, YouSaidWeDid,
};
use crate::web::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_kpis))
        .routes(routes!(list_voice))
        .routes(routes!(list_you_said_we_did))
}

const PLAN: &str = "The plan's id or slug";

/// A day as the API writes it, `YYYY-MM-DD`.
fn day(date: time::Date) -> String {
    PartialDate::Day(date).to_string()
}

/// A value for a period: the baseline, a trajectory point or a benchmark.
#[derive(Debug, Serialize, ToSchema)]
struct PointView {
    /// `2020-06` (a month), `2020-Q2` (April to June), `2019/20` (an academic year) or
    /// `2020` (a calendar year).
    #[schema(example = "2020-Q2")]
    period: String,
    /// The value, in the KPI's unit.
    value: f64,
    /// A target rather than an interim point on the way to one.
    target: bool,
}

impl From<&Point> for PointView {
    fn from(p: &Point) -> Self {
        Self {
            period: p.period.to_string(),
            value: p.value.get(),
            target: p.target,
        }
    }
}

/// A reported value.
#[derive(Debug, Serialize, ToSchema)]
struct ActualView {
    /// The period it is for, written as [`PointView::period`] is.
    #[schema(example = "2020-Q1")]
    period: String,
    /// The value, in the KPI's unit.
    value: f64,
    /// Who entered it or where it came from: a person key or a name.
    entered_by: Option<String>,
    /// The day it was entered, `YYYY-MM-DD`.
    #[schema(format = Date)]
    entered_on: Option<String>,
    /// Context: a change of definition, a one-off.
    note: Option<String>,
}

impl From<&Actual> for ActualView {
    fn from(a: &Actual) -> Self {
        Self {
            period: a.period.to_string(),
            value: a.value.get(),
            entered_by: a.entered_by.clone(),
            entered_on: a.entered_on.map(day),
            note: a.note.clone(),
        }
    }
}

/// A comparison value.
#[derive(Debug, Serialize, ToSchema)]
struct BenchmarkView {
    /// `england`, `statistical_neighbours` or `region`.
    comparator: String,
    /// The period it is for.
    period: String,
    /// The value, in the KPI's unit.
    value: f64,
}

impl From<&Benchmark> for BenchmarkView {
    fn from(b: &Benchmark) -> Self {
        Self {
            comparator: b.comparator.code().to_owned(),
            period: b.period.to_string(),
            value: b.value.get(),
        }
    }
}

/// An objective a KPI evidences.
#[derive(Debug, Serialize, ToSchema)]
struct ObjectiveLink {
    /// The area of weakness's number.
    area: u32,
    /// The objective's number as the plan writes it.
    objective: String,
}

/// An action of the plan, as a quote or an entry links to it.
#[derive(Debug, Serialize, ToSchema)]
struct ActionLink {
    /// The area of weakness's number.
    area: u32,
    /// The action's ref within the area.
    #[serde(rename = "ref")]
    reference: String,
    /// The action's id, usable wherever `{action}` appears; absent when the plan has no
    /// such action.
    id: Option<i64>,
}

fn action_links(plan: &PlanTree, links: &[ActionRef]) -> Vec<ActionLink> {
    links
        .iter()
        .zip(plan.linked_actions(links))
        .map(|(link, found)| ActionLink {
            area: link.area,
            reference: link.reference.clone(),
            id: found.id,
        })
        .collect()
}

/// A measure of impact against its trajectory.
#[derive(Debug, Serialize, ToSchema)]
struct KpiView {
    /// Stored id.
    id: i64,
    /// Short and unique in the plan, as CSV files of actuals name it.
    #[schema(example = "ehcp-20-weeks")]
    key: String,
    /// What is measured.
    name: String,
    /// "%", "weeks", "number"…
    unit: String,
    /// `higher_is_better` or `lower_is_better`.
    direction: String,
    /// `month`, `quarter`, `academic_year` or `calendar_year`.
    period_type: String,
    /// Where the figures come from: "SEN2 return".
    source: Option<String>,
    /// Who reports it: a person key or a name.
    owner: Option<String>,
    /// The objectives it evidences.
    objectives: Vec<ObjectiveLink>,
    /// Where it started.
    baseline: Option<PointView>,
    /// Interim points and targets, in period order.
    trajectory: Vec<PointView>,
    /// Reported values, in period order.
    actuals: Vec<ActualView>,
    /// Comparison values.
    benchmarks: Vec<BenchmarkView>,
    /// `on_trajectory`, `off_trajectory` or `not_assessed`: the latest actual against
    /// the trajectory, within the plan's tolerance.
    status: String,
    /// How the status was worked out, in sentences.
    status_explanation: String,
}

impl KpiView {
    fn of(kpi: &Kpi, tolerance: f64) -> Self {
        let assessment = kpi.assess(tolerance);
        let mut trajectory: Vec<&Point> = kpi.trajectory.iter().collect();
        trajectory.sort_by_key(|p| p.period.end());
        Self {
            id: kpi.id.map_or(0, |id| id.0),
            key: kpi.key.clone(),
            name: kpi.name.clone(),
            unit: kpi.unit.clone(),
            direction: kpi.direction.code().to_owned(),
            period_type: kpi.period_type.code().to_owned(),
            source: kpi.source.clone(),
            owner: kpi.owner.clone(),
            objectives: kpi
                .objectives
                .iter()
                .map(|o| ObjectiveLink {
                    area: o.area,
                    objective: o.objective.clone(),
                })
                .collect(),
            baseline: kpi.baseline.as_ref().map(PointView::from),
            trajectory: trajectory.into_iter().map(PointView::from).collect(),
            actuals: kpi
                .actuals_in_order()
                .into_iter()
                .map(ActualView::from)
                .collect(),
            benchmarks: kpi.benchmarks.iter().map(BenchmarkView::from).collect(),
            status: assessment.status.code().to_owned(),
            status_explanation: assessment.explanation,
        }
    }
}

/// Something a child, young person, parent or practitioner said. Never a name.
#[derive(Debug, Serialize, ToSchema)]
struct QuoteView {
    /// The words, as said.
    text: String,
    /// `child_or_young_person`, `parent_or_carer` or `practitioner`.
    speaker: String,
    /// Who, in words: "Child or young person, Year 10".
    who: String,
    /// School year group of a child or young person: 0 for Reception, 1 to 14.
    year_group: Option<u8>,
    /// Age of a child or young person, when given instead of a year group.
    age: Option<u8>,
    /// `listening_event`, `survey`, `forum` or `other`.
    source: String,
    /// When it was said, `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: Option<String>,
    /// `working_well`, `requires_improvement` or `not_stated`.
    sentiment: String,
    /// The numbers of the areas of weakness it bears on.
    areas: Vec<u32>,
    /// The actions it shaped.
    actions: Vec<ActionLink>,
    /// Whether the speaker's agreement to their words being used is recorded.
    consent: bool,
}

impl QuoteView {
    fn of(plan: &PlanTree, q: &Quote) -> Self {
        Self {
            text: q.text.clone(),
            speaker: q.speaker.code().to_owned(),
            who: q.who(),
            year_group: q.year_group,
            age: q.age,
            source: q.source.code().to_owned(),
            date: q.date.map(day),
            sentiment: q.sentiment.code().to_owned(),
            areas: q.areas.clone(),
            actions: action_links(plan, &q.actions),
            consent: q.consent,
        }
    }
}

/// A request from children, young people or families and the area's answer.
#[derive(Debug, Serialize, ToSchema)]
struct YouSaidWeDidView {
    /// What was asked for.
    you_said: String,
    /// What the area did or is doing.
    we_did: String,
    /// `done`, `in_progress` or `not_possible`.
    status: String,
    /// Why it is not possible (only then).
    reason: Option<String>,
    /// The actions taken in answer.
    actions: Vec<ActionLink>,
    /// When the answer was last given, `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: Option<String>,
}

impl YouSaidWeDidView {
    fn of(plan: &PlanTree, e: &YouSaidWeDid) -> Self {
        Self {
            you_said: e.you_said.clone(),
            we_did: e.we_did.clone(),
            status: e.status.code().to_owned(),
            reason: e.reason.clone(),
            actions: action_links(plan, &e.actions),
            date: e.date.map(day),
        }
    }
}

/// A plan's list path for `Link` headers, with the plan key as a path segment should be.
fn plan_list(plan: &str, what: &str) -> String {
    format!("/plans/{}/{what}", crate::web::encode_component(plan))
}

/// The plan's KPIs, each with its status against the trajectory and how it was worked
/// out.
#[utoipa::path(
    get, path = "/plans/{plan}/kpis", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of KPIs", body = Paged<KpiView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_kpis(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let tolerance = tree.tolerance_percent();
    let kpis: Vec<KpiView> = tree
        .kpis
        .iter()
        .map(|k| KpiView::of(k, tolerance))
        .collect();
    Ok(pages.page(&plan_list(&plan, "kpis"), kpis))
}

/// What children, young people and families said about the plan, in plan order.
#[utoipa::path(
    get, path = "/plans/{plan}/voice", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of quotes", body = Paged<QuoteView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_voice(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let quotes: Vec<QuoteView> = tree.voice.iter().map(|q| QuoteView::of(&tree, q)).collect();
    Ok(pages.page(&plan_list(&plan, "voice"), quotes))
}

/// "You said, we did": each request and the area's answer, in plan order.
#[utoipa::path(
    get, path = "/plans/{plan}/you-said-we-did", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of entries", body = Paged<YouSaidWeDidView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_you_said_we_did(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let entries: Vec<YouSaidWeDidView> = tree
        .you_said_we_did
        .iter()
        .map(|e| YouSaidWeDidView::of(&tree, e))
        .collect();
    Ok(pages.page(&plan_list(&plan, "you-said-we-did"), entries))
}
