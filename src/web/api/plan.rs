//! Plans and what is in them, as JSON: read for whoever may read the plan, progress
//! updates for admins, editors and an action's owners, and plan import for admins and
//! editors of the plan's local area.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiActor, ApiJson, ApiPath, Paged, Pagination};
use crate::app::{ActionInPlan, App, NewUpdate};
use crate::domain::{
    Action, LocalArea, Milestone, PartialDate, Person, PlanSummary, ProgressUpdate,
};
use crate::web::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_local_areas))
        .routes(routes!(list_plans, import_plan))
        .routes(routes!(get_plan))
        .routes(routes!(list_areas))
        .routes(routes!(list_objectives))
        .routes(routes!(list_actions))
        .routes(routes!(get_action))
        .routes(routes!(list_milestones))
        .routes(routes!(list_updates, create_update))
        .routes(routes!(list_people))
}

/// A council and its NHS partners.
#[derive(Debug, Serialize, ToSchema)]
struct LocalAreaView {
    /// Stored id.
    id: i64,
    /// URL name.
    slug: String,
    /// "Northshire".
    name: String,
    /// The caller's role there, if any: admin, editor, owner, viewer or adviser.
    role: Option<String>,
}

/// A plan as listed.
#[derive(Debug, Serialize, ToSchema)]
struct PlanView {
    /// Stored id.
    id: i64,
    /// URL name, usable wherever `{plan}` appears.
    slug: String,
    /// The plan's title.
    title: String,
    /// The local area's name.
    local_area: String,
    /// The local area's id.
    local_area_id: i64,
    /// `written_statement_of_action`, `accelerated_progress_plan`, `priority_action_plan`
    /// or `improvement_plan`.
    kind: String,
    /// `draft`, `submitted`, `in_delivery` or `closed`.
    status: String,
    /// Version number, from 1.
    version: u32,
    /// How many actions it has.
    actions: i64,
    /// Whether the public may read it.
    published: bool,
}

impl From<PlanSummary> for PlanView {
    fn from(p: PlanSummary) -> Self {
        Self {
            id: p.id.0,
            slug: p.slug,
            title: p.title,
            local_area: p.local_area,
            local_area_id: p.local_area_id.0,
            kind: p.kind.code().to_owned(),
            status: p.status.code().to_owned(),
            version: p.version,
            actions: p.actions,
            published: p.published,
        }
    }
}

/// An area of weakness, as the inspection found it.
#[derive(Debug, Serialize, ToSchema)]
struct AreaView {
    /// 1, 2, 3…
    number: u32,
    /// The inspection's finding, word for word.
    title: String,
    /// The plan's own heading for the area.
    heading: Option<String>,
    /// The senior accountable sponsor.
    sponsor: Option<String>,
    /// Delivery partners.
    delivery_partners: Vec<String>,
    /// How many objectives it has.
    objectives: usize,
    /// How many actions it has.
    actions: usize,
}

/// An objective: what will be different.
#[derive(Debug, Serialize, ToSchema)]
struct ObjectiveView {
    /// The number of the area of weakness it belongs to.
    area: u32,
    /// "1.1".
    number: String,
    /// The outcome statement.
    text: String,
    /// Impact statements.
    impact_statements: Vec<String>,
    /// Success measures.
    success_measures: Vec<String>,
    /// How many actions deliver it.
    actions: usize,
}

/// An action.
#[derive(Debug, Serialize, ToSchema)]
struct ActionView {
    /// Stored id, usable wherever `{action}` appears.
    id: i64,
    /// "1.1a"; absent when the plan gives none.
    #[serde(rename = "ref")]
    reference: Option<String>,
    /// What will be done.
    text: String,
    /// The number of its area of weakness.
    area: u32,
    /// The number of its objective.
    objective: String,
    /// Owner keys as the plan writes them (initials or names).
    owners: Vec<String>,
    /// The deadline: `YYYY-MM` or `YYYY-MM-DD` (the end of a range).
    due: Option<String>,
    /// The start of a range.
    due_from: Option<String>,
    /// The deadline as written.
    due_text: Option<String>,
    /// Current ratings by dimension key.
    ratings: BTreeMap<String, String>,
    /// AR (additional resource) or ER (existing resource).
    resource: Option<String>,
    /// Success measures.
    success_measures: Vec<String>,
}

impl ActionView {
    fn of(area: u32, objective: &str, a: &Action) -> Self {
        Self {
            id: a.id.map_or(0, |id| id.0),
            reference: a.reference.clone(),
            text: a.text.clone(),
            area,
            objective: objective.to_owned(),
            owners: a.owners.clone(),
            due: a.due.map(|d| d.to_string()),
            due_from: a.due_from.map(|d| d.to_string()),
            due_text: a.due_text.clone(),
            ratings: a.ratings.clone(),
            resource: a.resource.map(|r| r.code().to_owned()),
            success_measures: a.success_measures.clone(),
        }
    }
}

/// A dated step under an action.
#[derive(Debug, Serialize, ToSchema)]
struct MilestoneView {
    /// What will have happened.
    text: String,
    /// The deadline: `YYYY-MM` or `YYYY-MM-DD`.
    due: Option<String>,
    /// The deadline as written.
    due_text: Option<String>,
    /// When it was done: `YYYY-MM` or `YYYY-MM-DD`.
    done: Option<String>,
    /// The completion date as written.
    done_text: Option<String>,
}

impl From<&Milestone> for MilestoneView {
    fn from(m: &Milestone) -> Self {
        Self {
            text: m.text.clone(),
            due: m.due.map(|d: PartialDate| d.to_string()),
            due_text: m.due_text.clone(),
            done: m.done.map(|d| d.to_string()),
            done_text: m.done_text.clone(),
        }
    }
}

/// A progress update: never changed once written.
#[derive(Debug, Serialize, ToSchema)]
struct UpdateView {
    /// The day the progress was reported, `YYYY-MM-DD`.
    #[schema(format = Date)]
    date: String,
    /// Who wrote it: a person key or a name.
    author: Option<String>,
    /// "How far have we come?"
    narrative: String,
    /// Ratings set by the update, by dimension key.
    ratings: BTreeMap<String, String>,
}

impl From<&ProgressUpdate> for UpdateView {
    fn from(u: &ProgressUpdate) -> Self {
        Self {
            date: PartialDate::Day(u.date).to_string(),
            author: u.author.clone(),
            narrative: u.narrative.clone(),
            ratings: u.ratings.clone(),
        }
    }
}

/// Someone on the plan's owner list.
#[derive(Debug, Serialize, ToSchema)]
struct PersonView {
    /// How actions refer to them: initials when given, else the name.
    key: String,
    /// Initials.
    initials: Option<String>,
    /// Full name.
    name: String,
    /// Job title.
    role: Option<String>,
    /// Council, ICB, parent carer forum…
    organisation: Option<String>,
}

impl From<&Person> for PersonView {
    fn from(p: &Person) -> Self {
        Self {
            key: p.key().to_owned(),
            initials: p.initials.clone(),
            name: p.name.clone(),
            role: p.role.clone(),
            organisation: p.organisation.clone(),
        }
    }
}

/// A progress update to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUpdateRequest {
    /// The day the progress is reported for, `YYYY-MM-DD`; today when left out. Not in
    /// the future.
    #[schema(value_type = Option<String>, format = Date)]
    date: Option<time::Date>,
    /// What has happened since the last update (`app::MAX_NARRATIVE_CHARS` at most).
    #[schema(min_length = 1, max_length = 20000)]
    narrative: String,
    /// New ratings by dimension key, on the plan's own key; dimensions left out keep
    /// their rating.
    #[serde(default)]
    ratings: BTreeMap<String, String>,
}

const PLAN: &str = "The plan's id or slug";
const ACTION: &str = "The action's id";

/// A plan's list path for `Link` headers, with the plan key as a path segment should be.
fn plan_list(plan: &str, what: &str) -> String {
    format!("/plans/{}/{what}", crate::web::encode_component(plan))
}

/// The local areas you may know of: where you have a role, and where a plan is published.
#[utoipa::path(
    get, path = "/local-areas", tag = "local-areas",
    params(Pagination),
    responses(
        (status = 200, description = "One page of local areas", body = Paged<LocalAreaView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_local_areas(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let areas: Vec<LocalAreaView> = app
        .local_areas(&actor)
        .await?
        .into_iter()
        .map(|a: LocalArea| LocalAreaView {
            role: actor.grant(a.id).map(|g| g.role.code().to_owned()),
            id: a.id.0,
            slug: a.slug,
            name: a.name,
        })
        .collect();
    Ok(pages.page("/local-areas", areas))
}

/// The plans you may read: your areas' plans and every published plan.
#[utoipa::path(
    get, path = "/plans", tag = "plans",
    params(Pagination),
    responses(
        (status = 200, description = "One page of plans", body = Paged<PlanView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_plans(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let plans: Vec<PlanView> = app
        .plans(&actor)
        .await?
        .into_iter()
        .map(PlanView::from)
        .collect();
    Ok(pages.page("/plans", plans))
}

/// Imports a whole plan in the plan JSON format (docs/plan-json.md) as a new, unpublished
/// plan, or the next version of a stored one. Admins and editors of the plan's local area.
#[utoipa::path(
    post, path = "/plans", tag = "plans",
    request_body(content = Object, description = "A plan JSON document", content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = PlanView,
            headers(("location" = String, description = "The new plan's API address"))),
        (status = 401, description = "No token, or it is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "You are not an admin or editor of the plan's local area", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The document is not a valid plan", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn import_plan(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(&body).map_err(|e| crate::domain::Error::Internal(e.into()))?;
    let stored = app.import_plan_json(&actor, &bytes).await?;
    let location = format!("/api/v1/plans/{}", stored.slug);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(PlanView::from(stored)),
    )
        .into_response())
}

/// One plan.
#[utoipa::path(
    get, path = "/plans/{plan}", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa")),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_plan(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
) -> Result<axum::Json<PlanView>, ApiError> {
    Ok(axum::Json(app.plan_summary(&actor, &plan).await?.into()))
}

/// The plan's areas of weakness, in plan order.
#[utoipa::path(
    get, path = "/plans/{plan}/areas", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of areas of weakness", body = Paged<AreaView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_areas(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let areas: Vec<AreaView> = tree
        .areas
        .iter()
        .map(|a| AreaView {
            number: a.number,
            title: a.title.clone(),
            heading: a.heading.clone(),
            sponsor: a.sponsor.clone(),
            delivery_partners: a.delivery_partners.clone(),
            objectives: a.objectives.len(),
            actions: a.objectives.iter().map(|o| o.actions.len()).sum(),
        })
        .collect();
    Ok(pages.page(&plan_list(&plan, "areas"), areas))
}

/// The plan's objectives, in plan order.
#[utoipa::path(
    get, path = "/plans/{plan}/objectives", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of objectives", body = Paged<ObjectiveView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_objectives(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let objectives: Vec<ObjectiveView> = tree
        .areas
        .iter()
        .flat_map(|a| {
            a.objectives.iter().map(move |o| ObjectiveView {
                area: a.number,
                number: o.number.clone(),
                text: o.text.clone(),
                impact_statements: o.impact_statements.clone(),
                success_measures: o.success_measures.clone(),
                actions: o.actions.len(),
            })
        })
        .collect();
    Ok(pages.page(&plan_list(&plan, "objectives"), objectives))
}

/// The plan's actions, in plan order.
#[utoipa::path(
    get, path = "/plans/{plan}/actions", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of actions", body = Paged<ActionView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_actions(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let actions: Vec<ActionView> = tree
        .actions()
        .map(|(area, objective, a)| ActionView::of(area.number, &objective.number, a))
        .collect();
    Ok(pages.page(&plan_list(&plan, "actions"), actions))
}

async fn find_action(
    app: &App,
    actor: &crate::domain::Actor,
    plan: &str,
    action: i64,
) -> Result<ActionInPlan, ApiError> {
    Ok(app.action(actor, plan, &action.to_string()).await?)
}

/// One action.
#[utoipa::path(
    get, path = "/plans/{plan}/actions/{action}", tag = "plans",
    params(
        ("plan" = String, Path, description = PLAN, example = "northshire-wsoa"),
        ("action" = i64, Path, description = ACTION, example = 1),
    ),
    responses(
        (status = 200, description = "The action", body = ActionView),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan or action, or not one you may read", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_action(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((plan, action)): ApiPath<(String, i64)>,
) -> Result<axum::Json<ActionView>, ApiError> {
    let found = find_action(&app, &actor, &plan, action).await?;
    Ok(axum::Json(ActionView::of(
        found.area().number,
        &found.objective().number,
        found.action(),
    )))
}

/// An action's milestones, in plan order.
#[utoipa::path(
    get, path = "/plans/{plan}/actions/{action}/milestones", tag = "plans",
    params(
        ("plan" = String, Path, description = PLAN, example = "northshire-wsoa"),
        ("action" = i64, Path, description = ACTION, example = 1),
        Pagination,
    ),
    responses(
        (status = 200, description = "One page of milestones", body = Paged<MilestoneView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan or action, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_milestones(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((plan, action)): ApiPath<(String, i64)>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let found = find_action(&app, &actor, &plan, action).await?;
    let milestones: Vec<MilestoneView> = found
        .action()
        .milestones
        .iter()
        .map(MilestoneView::from)
        .collect();
    Ok(pages.page(
        &format!("/plans/{plan}/actions/{action}/milestones"),
        milestones,
    ))
}

/// An action's progress updates, oldest first.
#[utoipa::path(
    get, path = "/plans/{plan}/actions/{action}/updates", tag = "plans",
    params(
        ("plan" = String, Path, description = PLAN, example = "northshire-wsoa"),
        ("action" = i64, Path, description = ACTION, example = 1),
        Pagination,
    ),
    responses(
        (status = 200, description = "One page of updates", body = Paged<UpdateView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan or action, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_updates(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((plan, action)): ApiPath<(String, i64)>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let found = find_action(&app, &actor, &plan, action).await?;
    let updates: Vec<UpdateView> = found
        .action()
        .updates
        .iter()
        .map(UpdateView::from)
        .collect();
    Ok(pages.page(
        &plan_list(&plan, &format!("actions/{action}/updates")),
        updates,
    ))
}

/// Records progress on an action; its ratings become the action's current ratings.
/// Admins and editors of the area, and the action's owners.
#[utoipa::path(
    post, path = "/plans/{plan}/actions/{action}/updates", tag = "plans",
    params(
        ("plan" = String, Path, description = PLAN, example = "northshire-wsoa"),
        ("action" = i64, Path, description = ACTION, example = 1),
    ),
    request_body = NewUpdateRequest,
    responses(
        (status = 201, description = "Recorded; the body is the action's updates, newest last", body = Vec<UpdateView>),
        (status = 401, description = "No token, or it is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "You may read the action but not update it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan or action, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The update breaks a rule (empty narrative, future date, rating not on the plan's key)", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn create_update(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath((plan, action)): ApiPath<(String, i64)>,
    ApiJson(body): ApiJson<NewUpdateRequest>,
) -> Result<Response, ApiError> {
    let action_key = action.to_string();
    app.record_update(
        &actor,
        &plan,
        &action_key,
        NewUpdate {
            date: body.date.unwrap_or_else(|| app.clock().today()),
            author: None,
            narrative: body.narrative,
            ratings: body.ratings,
        },
    )
    .await?;
    // Only the action's own history is answered: read it alone, not the whole plan.
    let found = app.action_to_change(&actor, &plan, &action_key).await?;
    let updates: Vec<UpdateView> = found
        .action()
        .updates
        .iter()
        .map(UpdateView::from)
        .collect();
    Ok((StatusCode::CREATED, axum::Json(updates)).into_response())
}

/// The plan's action owner list.
#[utoipa::path(
    get, path = "/plans/{plan}/people", tag = "plans",
    params(("plan" = String, Path, description = PLAN, example = "northshire-wsoa"), Pagination),
    responses(
        (status = 200, description = "One page of people", body = Paged<PersonView>,
            headers(("link" = String, description = "first, prev, next and last pages"))),
        (status = 401, description = "The token is unknown or revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or not one you may read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad page or per_page", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_people(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(plan): ApiPath<String>,
    pages: Pagination,
) -> Result<Response, ApiError> {
    let (_, tree) = app.plan(&actor, &plan).await?;
    let people: Vec<PersonView> = tree.people.iter().map(PersonView::from).collect();
    Ok(pages.page(&plan_list(&plan, "people"), people))
}
