//! KPI pages: the list with each KPI's status in words, a KPI's chart and data table
//! with the working behind its status, and the forms to add a KPI, an actual, or a CSV
//! of actuals.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{FromRequest as _, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::chart::LineChart;
use super::form::{FormError, error_for, on_field, optional_text, sentence};
use super::{Layout, Page};
use crate::app::{App, KpiInPlan};
use crate::domain::{
    Actual, Error, Kpi, KpiStatus, Number, Period, PlanSummary, PlanTree, Point, Result,
    STANDARD_MEASURES, format_value,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/kpis", get(index).post(create))
        .route("/plans/{plan}/kpis/actuals", post(import_actuals))
        .route("/plans/{plan}/kpis/{kpi}", get(show))
        .route("/plans/{plan}/kpis/{kpi}/actuals", post(add_actual))
}

/// A KPI as a row of the list.
struct KpiRow {
    id: i64,
    name: String,
    latest: Option<String>,
    status: KpiStatus,
    source: Option<String>,
}

/// What was typed into the "add a KPI" form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct NewKpiForm {
    #[serde(default)]
    measure: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    baseline_period: String,
    #[serde(default)]
    baseline_value: String,
    #[serde(default)]
    target_period: String,
    #[serde(default)]
    target_value: String,
}

#[derive(Template)]
#[template(path = "kpi/index.html")]
struct IndexPage {
    layout: Layout,
    /// Whether the forms to add a KPI and import actuals are shown.
    can_edit: bool,
    summary: PlanSummary,
    kpis: Vec<KpiRow>,
    tolerance: String,
    measures: Vec<(&'static str, &'static str)>,
    form: NewKpiForm,
    error: Option<FormError>,
}

impl IndexPage {
    fn error_for(&self, form: &str, field: &str) -> Option<&str> {
        error_for(self.error.as_ref(), form, field)
    }

    /// Each line of a CSV import's problem, for a list.
    fn problems(&self) -> Vec<String> {
        self.error_for("csv", "file")
            .map(|m| m.lines().map(sentence).collect())
            .unwrap_or_default()
    }
}

fn index_page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    plan: &PlanTree,
    form: NewKpiForm,
    error: Option<FormError>,
) -> IndexPage {
    let tolerance = plan.tolerance_percent();
    IndexPage {
        layout: Layout::of(viewer),
        can_edit: app.may_edit_plan(&viewer.actor, &summary),
        kpis: plan
            .kpis
            .iter()
            .filter_map(|kpi| {
                Some(KpiRow {
                    id: kpi.id?.0,
                    name: kpi.name.clone(),
                    latest: kpi
                        .actuals_in_order()
                        .last()
                        .map(|a| format!("{} ({})", kpi.format(a.value.get()), a.period.label())),
                    status: kpi.assess(tolerance).status,
                    source: kpi.source.clone(),
                })
            })
            .collect(),
        tolerance: format_value(tolerance),
        measures: STANDARD_MEASURES
            .iter()
            .filter(|m| !plan.kpis.iter().any(|k| k.key == m.key))
            .map(|m| (m.key, m.name))
            .collect(),
        form,
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
        NewKpiForm::default(),
        None,
    )))
}

fn optional_point(period: &str, value: &str, prefix: &str) -> Result<Option<Point>> {
    if period.trim().is_empty() && value.trim().is_empty() {
        return Ok(None);
    }
    let period = Period::parse(period).map_err(|e| on_field(&format!("{prefix}_period"), e))?;
    let value = Number::parse(value).map_err(|e| on_field(&format!("{prefix}_value"), e))?;
    Ok(Some(Point {
        period,
        value,
        target: prefix == "target",
    }))
}

fn new_kpi(form: &NewKpiForm) -> Result<Kpi> {
    let measure = STANDARD_MEASURES
        .iter()
        .find(|m| m.key == form.measure)
        .ok_or_else(|| Error::invalid("measure", "choose a measure"))?;
    let mut kpi = measure.to_kpi();
    kpi.owner = optional_text(&form.owner);
    kpi.baseline = optional_point(&form.baseline_period, &form.baseline_value, "baseline")?;
    kpi.trajectory = optional_point(&form.target_period, &form.target_value, "target")?
        .into_iter()
        .collect();
    Ok(kpi)
}

/// Adds a KPI from the standard measures.
async fn create(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    Form(form): Form<NewKpiForm>,
) -> Result<Response, Error> {
    // Who may add is settled before the form is read.
    app.plan_to_edit(&viewer.actor, &key).await?;
    let added = match new_kpi(&form) {
        Ok(kpi) => app.add_kpi(&viewer.actor, &key, kpi).await,
        Err(e) => Err(e),
    };
    match added {
        Ok(id) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/kpis/{}", id.0),
            "The KPI has been added. Record its figures below as they come in.",
        )),
        Err(err) => {
            let error = FormError::from_error("kpi", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            Ok(invalid(index_page(
                &app,
                &viewer,
                summary,
                &plan,
                form,
                Some(error),
            )))
        }
    }
}

fn invalid<T: Template>(page: T) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response()
}

/// Imports a CSV file of actuals: all rows or none. Who may import is settled before
/// the upload is read.
async fn import_actuals(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
    request: Request,
) -> Result<Response, Error> {
    app.plan_to_edit(&viewer.actor, &key).await?;
    let imported = match uploaded_file(request).await {
        Ok(bytes) => app.import_kpi_actuals(&viewer.actor, &key, &bytes).await,
        Err(e) => Err(e),
    };
    match imported {
        Ok(_) => Ok(super::saved(
            &viewer,
            &format!("/plans/{key}/kpis"),
            "The figures have been imported.",
        )),
        Err(err) => {
            let error = FormError::from_error("csv", err)?;
            let (summary, plan) = app.plan(&viewer.actor, &key).await?;
            Ok(invalid(index_page(
                &app,
                &viewer,
                summary,
                &plan,
                NewKpiForm::default(),
                Some(error),
            )))
        }
    }
}

/// The bytes of the `file` field of a multipart form; none, or an empty file, is a
/// problem with that field.
async fn uploaded_file(request: Request) -> Result<axum::body::Bytes> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| Error::invalid("file", e.body_text()))?;
    let mut bytes = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| Error::invalid("file", e.body_text()))?
    {
        if field.name() == Some("file") {
            bytes = Some(
                field
                    .bytes()
                    .await
                    .map_err(|e| Error::invalid("file", e.body_text()))?,
            );
        }
    }
    bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| Error::invalid("file", "choose a CSV file"))
}

/// One row of the data table.
struct DataRow {
    period: String,
    actual: Option<String>,
    trajectory: Option<String>,
    status: Option<KpiStatus>,
    note: Option<String>,
    /// "Entered by AB on 20 January 2020".
    entered: Option<String>,
}

/// What was typed into the "add an actual" form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct ActualForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "kpi/show.html")]
struct ShowPage {
    layout: Layout,
    /// Whether the form to add an actual is shown.
    can_record: bool,
    summary: PlanSummary,
    id: i64,
    name: String,
    unit: String,
    direction: &'static str,
    period_type: &'static str,
    period_example: &'static str,
    source: Option<String>,
    owner: Option<String>,
    objectives: Vec<String>,
    status: KpiStatus,
    explanation: String,
    chart: Option<LineChart>,
    rows: Vec<DataRow>,
    benchmarks: Vec<(String, String, String)>,
    form: ActualForm,
    error: Option<FormError>,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_for(self.error.as_ref(), "actual", field)
    }
}

fn show_page(
    app: &App,
    viewer: &Viewer,
    found: &KpiInPlan,
    form: ActualForm,
    error: Option<FormError>,
) -> ShowPage {
    let kpi = found.kpi();
    let plan = &found.plan;
    let tolerance = plan.tolerance_percent();
    let assessment = kpi.assess(tolerance);
    let mut rows: Vec<(time::Date, DataRow)> = kpi
        .path()
        .into_iter()
        .map(|(p, baseline)| {
            let label = if baseline {
                " (baseline)"
            } else if p.target {
                " (target)"
            } else {
                ""
            };
            (
                p.period.end(),
                DataRow {
                    period: format!("{}{label}", p.period.label()),
                    actual: None,
                    trajectory: Some(kpi.format(p.value.get())),
                    status: None,
                    note: None,
                    entered: None,
                },
            )
        })
        .collect();
    for actual in kpi.actuals_in_order() {
        let assessed = kpi.assess_actual(actual, tolerance);
        let row = DataRow {
            period: actual.period.label(),
            actual: Some(kpi.format(actual.value.get())),
            trajectory: assessed.expected.map(|v| kpi.format(v)),
            status: Some(assessed.status),
            note: actual.note.clone(),
            entered: entered(actual),
        };
        match rows
            .iter_mut()
            .find(|(d, r)| *d == actual.period.end() && r.actual.is_none())
        {
            Some((_, existing)) => {
                existing.actual = row.actual;
                existing.status = row.status;
                existing.note = row.note;
                existing.entered = row.entered;
            }
            None => rows.push((actual.period.end(), row)),
        }
    }
    rows.sort_by_key(|(d, _)| *d);
    ShowPage {
        layout: Layout::of(viewer),
        can_record: app.may_record_kpi_actual(&viewer.actor, found),
        summary: found.summary.clone(),
        id: kpi.id.map_or(0, |id| id.0),
        name: kpi.name.clone(),
        unit: kpi.unit.clone(),
        direction: kpi.direction.label(),
        period_type: kpi.period_type.label(),
        period_example: kpi.period_type.example(),
        source: kpi.source.clone(),
        owner: kpi.owner.as_ref().map(|o| {
            plan.owner_names(std::slice::from_ref(o))[0]
                .display()
                .to_owned()
        }),
        objectives: kpi.objectives.iter().map(ToString::to_string).collect(),
        status: assessment.status,
        explanation: assessment.explanation,
        chart: LineChart::of(kpi),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        benchmarks: kpi
            .benchmarks
            .iter()
            .map(|b| {
                (
                    b.comparator.label().to_owned(),
                    b.period.label(),
                    kpi.format(b.value.get()),
                )
            })
            .collect(),
        form,
        error,
    }
}

async fn show(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, kpi)): Path<(String, String)>,
) -> Result<Page<ShowPage>, Error> {
    let found = app.kpi(&viewer.actor, &plan, &kpi).await?;
    Ok(Page(show_page(
        &app,
        &viewer,
        &found,
        ActualForm::default(),
        None,
    )))
}

/// Who entered an actual and when, as the data table says it.
fn entered(actual: &Actual) -> Option<String> {
    let on = actual
        .entered_on
        .map(|d| format!(" on {}", crate::domain::PartialDate::Day(d).to_uk()));
    match (&actual.entered_by, on) {
        (Some(by), on) => Some(format!("Entered by {by}{}", on.unwrap_or_default())),
        (None, Some(on)) => Some(format!("Entered{on}")),
        (None, None) => None,
    }
}

fn actual_of(form: &ActualForm) -> Result<Actual> {
    Ok(Actual {
        period: Period::parse(&form.period)?,
        value: Number::parse(&form.value)?,
        entered_by: None,
        entered_on: None,
        note: optional_text(&form.note),
    })
}

/// Records one actual.
async fn add_actual(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, kpi)): Path<(String, String)>,
    Form(form): Form<ActualForm>,
) -> Result<Response, Error> {
    app.kpi_to_record(&viewer.actor, &plan, &kpi).await?;
    let added = match actual_of(&form) {
        Ok(actual) => app.add_kpi_actual(&viewer.actor, &plan, &kpi, actual).await,
        Err(e) => Err(e),
    };
    match added {
        Ok(()) => Ok(super::saved(
            &viewer,
            &format!("/plans/{plan}/kpis/{kpi}"),
            "The figure has been recorded.",
        )),
        Err(err) => {
            let error = FormError::from_error("actual", err)?;
            let found = app.kpi(&viewer.actor, &plan, &kpi).await?;
            Ok(invalid(show_page(&app, &viewer, &found, form, Some(error))))
        }
    }
}
