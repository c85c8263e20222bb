//! Reports: a form to choose a report, a format and a date, and the downloads themselves.
//!
//! The app decides who may read which report (`Actor::may_read_report`): the page offers
//! only those, and the downloads ask the app, which refuses the rest.

use std::fmt::Write as _;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use time::{Date, Month};

use super::{Layout, Page};
use crate::app::{App, ReportRequest};
use crate::domain::{AsAt, Error, PartialDate, PlanSummary, ReportFormat, ReportKind, uk_date};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/plans/{plan}/reports", get(form))
        .route("/plans/{plan}/reports/download", get(choose))
        .route("/plans/{plan}/reports/{file}", get(download))
}

/// A downloaded HTML report is its own document with its own stylesheet inside; this
/// policy lets that stylesheet apply and nothing else run.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct Choice {
    code: &'static str,
    label: &'static str,
    hint: &'static str,
    checked: bool,
    /// For a report: the codes of the formats this reader may download it in.
    formats: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "report/index.html")]
struct FormPage {
    layout: Layout,
    /// Whether this reader may have every report, or only the public summary.
    member: bool,
    summary: PlanSummary,
    reports: Vec<Choice>,
    formats: Vec<Choice>,
    day: String,
    month: String,
    year: String,
    today: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Chosen {
    report: Option<String>,
    format: Option<String>,
    #[serde(rename = "as_at-day")]
    day: Option<String>,
    #[serde(rename = "as_at-month")]
    month: Option<String>,
    #[serde(rename = "as_at-year")]
    year: Option<String>,
}

/// The form, offering only the reports and formats the viewer may download.
fn page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    chosen: &Chosen,
    error: Option<String>,
) -> FormPage {
    let allowed = |kind: ReportKind, format: ReportFormat| {
        app.may_read_report(&viewer.actor, &summary, kind, format)
    };
    let kinds: Vec<ReportKind> = ReportKind::ALL
        .into_iter()
        .filter(|&k| ReportFormat::ALL.into_iter().any(|f| allowed(k, f)))
        .collect();
    let formats: Vec<ReportFormat> = ReportFormat::ALL
        .into_iter()
        .filter(|&f| kinds.iter().any(|&k| allowed(k, f)))
        .collect();
    let report = chosen
        .report
        .as_deref()
        .or_else(|| kinds.first().map(|k| k.code()))
        .unwrap_or_default();
    let format = chosen
        .format
        .as_deref()
        .or_else(|| formats.first().map(|f| f.code()))
        .unwrap_or_default();
    FormPage {
        layout: Layout::of(viewer),
        member: kinds.len() == ReportKind::ALL.len(),
        reports: kinds
            .iter()
            .map(|&k| Choice {
                code: k.code(),
                label: k.label(),
                hint: k.purpose(),
                checked: k.code() == report,
                formats: formats
                    .iter()
                    .filter(|&&f| allowed(k, f))
                    .map(|f| f.code())
                    .collect(),
            })
            .collect(),
        formats: formats
            .iter()
            .map(|f| Choice {
                code: f.code(),
                label: f.label(),
                hint: "",
                checked: f.code() == format,
                formats: Vec::new(),
            })
            .collect(),
        summary,
        day: chosen.day.clone().unwrap_or_default(),
        month: chosen.month.clone().unwrap_or_default(),
        year: chosen.year.clone().unwrap_or_default(),
        today: uk_date(app.clock().today()),
        error,
    }
}

async fn form(
    State(app): State<App>,
    viewer: Viewer,
    Path(plan): Path<String>,
) -> Result<Page<FormPage>, Error> {
    let summary = app.plan_summary(&viewer.actor, &plan).await?;
    Ok(Page(page(&app, &viewer, summary, &Chosen::default(), None)))
}

/// The date from the three fields of the GOV.UK date input; none when all are blank.
fn chosen_date(chosen: &Chosen) -> Result<Option<Date>, String> {
    let field = |f: &Option<String>| f.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let (day, month, year) = (
        field(&chosen.day),
        field(&chosen.month),
        field(&chosen.year),
    );
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let bad = || "The date must be a real date, for example 3 2 2020".to_owned();
    let day: u8 = day.parse().map_err(|_| bad())?;
    let month: u8 = month.parse().map_err(|_| bad())?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    if !(1000..=9999).contains(&year) {
        return Err("The year must have 4 numbers".into());
    }
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day)
        .map(Some)
        .map_err(|_| bad())
}

/// The form's target: checks the choices and sends the browser to the file's address.
async fn choose(
    State(app): State<App>,
    viewer: Viewer,
    Path(plan): Path<String>,
    Query(chosen): Query<Chosen>,
) -> Result<Response, Error> {
    let summary = app.plan_summary(&viewer.actor, &plan).await?;
    let report = chosen.report.as_deref().map(ReportKind::from_code);
    let format = chosen.format.as_deref().map(ReportFormat::from_code);
    let problem = match (&report, &format, chosen_date(&chosen)) {
        (None | Some(Err(_)), _, _) => Some("Select a report".to_owned()),
        (_, None | Some(Err(_)), _) => Some("Select a format".to_owned()),
        (_, _, Err(message)) => Some(message),
        (_, _, Ok(Some(day))) if day > app.clock().today() => {
            Some("The date must be today or in the past".to_owned())
        }
        _ => None,
    };
    if let Some(problem) = problem {
        let mut response =
            Page(page(&app, &viewer, summary, &chosen, Some(problem))).into_response();
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let (Some(Ok(report)), Some(Ok(format))) = (report, format) else {
        return Err(Error::not_found("report"));
    };
    app.plan_for_report(&viewer.actor, &plan, report, format)
        .await?;
    let mut to = format!(
        "/plans/{}/reports/{}.{}",
        urlencode(&summary.slug),
        report.code(),
        format.code()
    );
    if let Ok(Some(day)) = chosen_date(&chosen) {
        let _ = write!(to, "?as_at={day}");
    }
    Ok(Redirect::to(&to).into_response())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct DownloadQuery {
    as_at: Option<String>,
    since: Option<String>,
}

fn query_day(field: &'static str, raw: Option<&str>) -> Result<Option<Date>, Error> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => match PartialDate::parse_iso(raw) {
            Ok(PartialDate::Day(day)) => Ok(Some(day)),
            _ => Err(Error::invalid(
                field,
                format!("{raw:?} is not a date in the form YYYY-MM-DD"),
            )),
        },
    }
}

/// `GET /plans/{plan}/reports/highlight.docx?as_at=2020-02-03`: the file itself.
async fn download(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, file)): Path<(String, String)>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, Error> {
    let (report, format) = file.rsplit_once('.').ok_or(Error::not_found("report"))?;
    let kind = ReportKind::from_code(report).map_err(|_| Error::not_found("report"))?;
    let format = ReportFormat::from_code(format).map_err(|_| Error::not_found("report"))?;
    let request = ReportRequest {
        kind,
        as_at: query_day("as_at", query.as_at.as_deref())?.map(AsAt::Date),
        since: query_day("since", query.since.as_deref())?,
    };
    let file = app
        .export_report(&viewer.actor, &plan, request, format)
        .await?;
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        file.file_name.replace(['"', '\\'], "")
    ))
    .map_err(|e| Error::Internal(e.into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(REPORT_CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        file.bytes,
    )
        .into_response())
}
