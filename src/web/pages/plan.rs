//! The list of plans and a plan's page: areas → objectives → actions, or the actions a
//! filter and a search select.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use askama::Template;
use axum::Extension;
use axum::extract::{Query, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::{FormErrors, Layout, Page, unprocessable};
use crate::app::App;
use crate::domain::{
    Action, ActionFlag, Error, FilterQuery, Level, OwnerName, PageLink, Pagination, PartialDate,
    PlanSummary, PlanTree, RatingTag,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

/// Actions per page of filtered results.
const RESULTS_PER_PAGE: usize = 50;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans", get(index))
        .route(
            "/plans/{plan}",
            get(show).layer(Extension(RenderedPlans::default())),
        )
        .route(
            "/plans/{plan}/publication",
            get(publish_check).post(publish),
        )
}

#[derive(Template)]
#[template(path = "plan/index.html")]
struct IndexPage {
    layout: Layout,
    plans: Vec<PlanSummary>,
    can_import: bool,
}

/// Every plan the person may read.
async fn index(State(app): State<App>, viewer: Viewer) -> Result<Page<IndexPage>, Error> {
    Ok(Page(IndexPage {
        plans: app.plans(&viewer.actor).await?,
        can_import: app.may_import(&viewer.actor).is_ok(),
        layout: Layout::of(&viewer),
    }))
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    published: String,
}

/// Publishes the plan or withdraws it, then back to the plan.
async fn publish(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response, Error> {
    let published = match form.published.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(Error::invalid(
                "published",
                "choose whether to publish the plan",
            ));
        }
    };
    let summary = app.set_published(&viewer.actor, &key, published).await?;
    let message = if published {
        "The plan is published: anyone can now read it, its updates and its public summary."
    } else {
        "The plan has been withdrawn: only people with a role in the area can read it now."
    };
    Ok(super::saved(
        &viewer,
        &format!("/plans/{}", summary.slug),
        message,
    ))
}

#[derive(Template)]
#[template(path = "plan/publication.html")]
struct PublicationPage {
    layout: Layout,
    summary: PlanSummary,
    areas: usize,
    updates: usize,
    kpis: usize,
    quotes: usize,
    responses: usize,
}

/// Check before publishing (what becomes public) or withdrawing.
async fn publish_check(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<PublicationPage>, Error> {
    let (summary, plan) = app.plan(&viewer.actor, &key).await?;
    app.check_may_edit_plan(&viewer.actor, &summary)?;
    Ok(Page(PublicationPage {
        layout: Layout::of(&viewer),
        areas: plan.areas.len(),
        updates: plan.actions().map(|(_, _, a)| a.updates.len()).sum(),
        kpis: plan.kpis.len(),
        quotes: plan.voice.len(),
        responses: plan.you_said_we_did.len(),
        summary,
    }))
}

/// One action as a row of the plan table.
pub struct ActionRow {
    pub id: i64,
    pub label: String,
    pub text: String,
    pub owners: Vec<OwnerName>,
    pub due: String,
    pub due_as_written: Option<String>,
    pub ratings: Vec<RatingTag>,
    pub flags: Vec<ActionFlag>,
    pub found_in: Vec<String>,
}

impl ActionRow {
    fn new(plan: &PlanTree, action: &Action) -> Option<Self> {
        let (due, due_as_written) =
            due_view(action.due, action.due_from, action.due_text.as_deref());
        Some(Self {
            id: action.id?.0,
            label: action.label().to_owned(),
            text: action.text.clone(),
            owners: plan.owner_names(&action.owners),
            due,
            due_as_written,
            ratings: plan.rating_tags(&action.ratings),
            flags: Vec::new(),
            found_in: Vec::new(),
        })
    }
}

pub struct ObjectiveView {
    pub number: String,
    pub text: String,
    pub impact_statements: Vec<String>,
    pub actions: Vec<ActionRow>,
}

pub struct AreaView {
    pub number: u32,
    pub title: String,
    pub heading: Option<String>,
    pub sponsor: Option<String>,
    pub delivery_partners: Vec<String>,
    pub objectives: Vec<ObjectiveView>,
    pub action_count: usize,
}

/// An option of a filter's select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(
    options: impl IntoIterator<Item = (String, String)>,
    current: Option<&str>,
) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

/// The filter form's selects and the values typed.
pub struct FilterForm {
    pub areas: Vec<Choice>,
    pub owners: Vec<Choice>,
    pub organisations: Vec<Choice>,
    pub ratings: Vec<Choice>,
    pub flags: Vec<Choice>,
    pub due_after: String,
    pub due_before: String,
    pub q: String,
}

/// The filtered results, a page at a time.
pub struct Results {
    pub rows: Vec<ActionRow>,
    pub pagination: Pagination,
    pub links: Vec<PageLink>,
    /// The filter as a query string, for the pagination links.
    pub query: String,
}

/// The plan page: the shared layout around its main column. Served pages are kept whole
/// in [`RenderedPlans`].
#[derive(Template)]
#[template(path = "plan/show.html")]
struct ShowPage {
    layout: Layout,
    summary: PlanSummary,
    errors: FormErrors,
    content: Arc<str>,
}

/// The plan page's main column: everything but the layout's header and banner.
#[derive(Template)]
#[template(path = "plan/_show_content.html")]
struct ShowContent {
    summary: PlanSummary,
    section: &'static str,
    kind: &'static str,
    status: &'static str,
    document_date: Option<String>,
    scheme_name: String,
    levels: Vec<Level>,
    dimensions: Vec<String>,
    areas: Vec<AreaView>,
    objective_count: usize,
    people: Vec<crate::domain::Person>,
    filters: FilterForm,
    results: Option<Results>,
    errors: FormErrors,
    can_edit: bool,
    can_audit: bool,
    /// Whether every report is offered, or only the public summary.
    all_reports: bool,
}

/// The due date in the UK style, and the wording when the plan wrote it differently.
pub fn due_view(
    due: Option<PartialDate>,
    from: Option<PartialDate>,
    text: Option<&str>,
) -> (String, Option<String>) {
    let shown = match (from, due) {
        (Some(from), Some(by)) if from != by => format!("{} to {}", from.to_uk(), by.to_uk()),
        (_, Some(by)) => by.to_uk(),
        _ => text.map_or_else(|| "Not set".to_owned(), str::to_owned),
    };
    let written = text
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != shown)
        .map(str::to_owned);
    (shown, if due.is_none() { None } else { written })
}

fn areas(plan: &PlanTree) -> Vec<AreaView> {
    plan.areas
        .iter()
        .map(|area| {
            let objectives: Vec<ObjectiveView> = area
                .objectives
                .iter()
                .map(|objective| ObjectiveView {
                    number: objective.number.clone(),
                    text: objective.text.clone(),
                    impact_statements: objective.impact_statements.clone(),
                    actions: objective
                        .actions
                        .iter()
                        .filter_map(|action| ActionRow::new(plan, action))
                        .collect(),
                })
                .collect();
            AreaView {
                number: area.number,
                title: area.title.clone(),
                heading: area.heading.clone(),
                sponsor: area.sponsor.clone(),
                delivery_partners: area.delivery_partners.clone(),
                action_count: objectives.iter().map(|o| o.actions.len()).sum(),
                objectives,
            }
        })
        .collect()
}

fn raw(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|s| !s.is_empty())
}

fn filter_form(plan: &PlanTree, query: &FilterQuery) -> FilterForm {
    let options = plan.filter_options();
    FilterForm {
        areas: choices(
            options.areas.into_iter().map(|(n, l)| (n.to_string(), l)),
            raw(query.area.as_ref()),
        ),
        owners: choices(options.owners, raw(query.owner.as_ref())),
        organisations: choices(
            options.organisations.into_iter().map(|o| (o.clone(), o)),
            raw(query.organisation.as_ref()),
        ),
        ratings: choices(options.ratings, raw(query.rating.as_ref())),
        flags: choices(
            ActionFlag::ALL
                .into_iter()
                .map(|f| (f.code().to_owned(), f.label().to_owned())),
            raw(query.flag.as_ref()),
        ),
        due_after: query.due_after.clone().unwrap_or_default(),
        due_before: query.due_before.clone().unwrap_or_default(),
        q: query.q.clone().unwrap_or_default(),
    }
}

/// Plan pages as last served, whole and gzipped, each with the plan tree it was rendered
/// from. The tree is the app's cached one, shared until the plan changes, so the same
/// tree (by identity) means the same plan, and the page is served as kept: no template
/// work, and a tenth of the bytes for any browser (they all accept gzip). Keyed by
/// everything else a page depends on: the viewer (the header names them), what they may
/// do, the day, the filter and the sample-data banner. Held weakly: a tree the app has
/// let go of is never kept alive here.
#[derive(Clone, Default)]
pub struct RenderedPlans(Arc<Mutex<HashMap<String, Rendered>>>);

/// A served page and the tree it was rendered from.
type Rendered = (Weak<PlanTree>, Arc<ServedPage>);

/// One page as HTML and as gzip.
struct ServedPage {
    html: axum::body::Bytes,
    gzip: axum::body::Bytes,
}

/// Pages kept: about 280 KB each for a 250-action plan (250 KB of HTML, 30 KB gzipped).
const RENDERED_CAPACITY: usize = 64;

impl RenderedPlans {
    fn get(&self, key: &str, tree: &Arc<PlanTree>) -> Option<Arc<ServedPage>> {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (from, page) = kept.get(key)?;
        // The weak reference keeps the tree's allocation, so its address cannot have
        // been reused by another tree.
        (from.as_ptr() == Arc::as_ptr(tree)).then(|| Arc::clone(page))
    }

    fn put(&self, key: String, tree: &Arc<PlanTree>, page: Arc<ServedPage>) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= RENDERED_CAPACITY && !kept.contains_key(&key) {
            kept.retain(|_, (from, _)| from.strong_count() > 0);
            if kept.len() >= RENDERED_CAPACITY {
                kept.clear();
            }
        }
        kept.insert(key, (Arc::downgrade(tree), page));
    }
}

impl ServedPage {
    fn new(html: String) -> Result<Self, Error> {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(
            Vec::with_capacity(html.len() / 6),
            flate2::Compression::fast(),
        );
        encoder
            .write_all(html.as_bytes())
            .map_err(|e| Error::Internal(e.into()))?;
        let gzip = encoder.finish().map_err(|e| Error::Internal(e.into()))?;
        Ok(Self {
            html: html.into(),
            gzip: gzip.into(),
        })
    }

    /// The page, gzipped when the browser says it takes gzip.
    fn response(&self, headers: &axum::http::HeaderMap) -> Response {
        use axum::http::header;
        let gzip = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|coding| {
                let mut parts = coding.split(';').map(str::trim);
                parts.next() == Some("gzip") && parts.all(|p| p != "q=0" && p != "q=0.0")
            });
        let html = "text/html; charset=utf-8";
        if gzip {
            (
                [
                    (header::CONTENT_TYPE, html),
                    (header::CONTENT_ENCODING, "gzip"),
                    (header::VARY, "accept-encoding"),
                ],
                self.gzip.clone(),
            )
                .into_response()
        } else {
            (
                [
                    (header::CONTENT_TYPE, html),
                    (header::VARY, "accept-encoding"),
                ],
                self.html.clone(),
            )
                .into_response()
        }
    }
}

async fn show(
    State(app): State<App>,
    Extension(rendered): Extension<RenderedPlans>,
    viewer: Viewer,
    Path(key): Path<String>,
    RawQuery(raw_query): RawQuery,
    Query(query): Query<FilterQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Response, Error> {
    let view = app.plan_view(&viewer.actor, &key, &query).await?;
    let summary = &view.running.summary;
    let can_edit = app.may_edit_plan(&viewer.actor, summary);
    let can_audit = app.may_read_audit(&viewer.actor, summary);
    let all_reports = app.may_read_report(
        &viewer.actor,
        summary,
        crate::domain::ReportKind::Tracker,
        crate::domain::ReportFormat::Json,
    );
    let errors = view
        .problem
        .clone()
        .map_or_else(FormErrors::default, |(f, m)| FormErrors::one(f, m));
    let layout = Layout::of(&viewer);
    let sample = app.holds_sample_data().await?;
    // Everything the page depends on besides the tree.
    let cache_key = format!(
        "{}|{}|{can_edit}|{can_audit}|{all_reports}|{sample}|{:?}|{}",
        summary.id.0,
        app.clock().today(),
        layout.user,
        raw_query.as_deref().unwrap_or_default()
    );
    // A page with a success message is for this one response: never served from, nor
    // kept in, the store of rendered pages.
    let keep = errors.is_empty() && layout.flash.is_none();
    if keep {
        let kept = rendered.get(&cache_key, &view.running.plan);
        crate::app::record_cache_lookup("page", kept.is_some());
        if let Some(page) = kept {
            return Ok(page.response(&headers));
        }
    }
    let content: Arc<str> = show_content(
        &view,
        &query,
        errors.clone(),
        can_edit,
        can_audit,
        all_reports,
    )
    .render()
    .map_err(|e| Error::Internal(e.into()))?
    .into();
    let page = ShowPage {
        layout,
        summary: summary.clone(),
        errors,
        content,
    };
    if !page.errors.is_empty() {
        return Ok(unprocessable(page));
    }
    let mut html = page.render().map_err(|e| Error::Internal(e.into()))?;
    if sample {
        html = crate::web::with_sample_banner(&html);
    }
    let served = Arc::new(ServedPage::new(html)?);
    if keep {
        rendered.put(cache_key, &view.running.plan, Arc::clone(&served));
    }
    Ok(served.response(&headers))
}

fn show_content(
    view: &crate::app::PlanView,
    query: &FilterQuery,
    errors: FormErrors,
    can_edit: bool,
    can_audit: bool,
    all_reports: bool,
) -> ShowContent {
    let plan = &view.running.plan;
    let results = view.filter.is_active().then(|| {
        let pagination = Pagination::new(view.hits.len(), RESULTS_PER_PAGE, query.page.as_deref());
        let actions: Vec<&Action> = plan.actions().map(|(_, _, a)| a).collect();
        let rows = view.hits[pagination.range()]
            .iter()
            .filter_map(|hit| {
                let mut row = ActionRow::new(plan, actions.get(hit.position)?)?;
                row.flags.clone_from(&hit.flags);
                row.found_in.clone_from(&hit.found_in);
                Some(row)
            })
            .collect();
        Results {
            rows,
            links: pagination.links(),
            pagination,
            query: view.filter.query(),
        }
    });
    let areas = areas(plan);
    ShowContent {
        can_edit,
        can_audit,
        all_reports,
        section: "plan",
        kind: view.running.summary.kind.label(),
        status: view.running.summary.status.label(),
        document_date: plan.document_date.map(PartialDate::to_uk),
        scheme_name: plan.rating_scheme.name.clone(),
        levels: plan.rating_scheme.levels.clone(),
        dimensions: plan
            .rating_scheme
            .dimensions
            .iter()
            .map(|d| d.label.clone())
            .collect(),
        objective_count: areas.iter().map(|a| a.objectives.len()).sum(),
        areas,
        people: plan.people.clone(),
        filters: filter_form(plan, query),
        results,
        summary: view.running.summary.clone(),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::due_view;
    use crate::domain::{PartialDate, parse_uk_due};

    #[test]
    fn a_range_shows_both_ends_and_keeps_the_wording() {
        let due = parse_uk_due("April – June 2019").unwrap();
        let (shown, written) = due_view(Some(due.by), due.from, Some("April – June 2019"));
        assert_eq!(shown, "April 2019 to June 2019");
        assert_eq!(written.as_deref(), Some("April – June 2019"));
    }

    #[test]
    fn a_plain_month_needs_no_wording_beside_it() {
        let by = PartialDate::parse_iso("2019-04").unwrap();
        assert_eq!(
            due_view(Some(by), None, Some("April 2019")),
            ("April 2019".into(), None)
        );
        assert_eq!(due_view(None, None, None).0, "Not set");
        assert_eq!(due_view(None, None, Some("Quarterly")).0, "Quarterly");
    }
}
