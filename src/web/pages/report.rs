//! Reports: a form to choose a report, a format and a day (today, a closed reporting
//! cycle or a date), and the downloads themselves.
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

use super::{FormErrors, Layout, Page};
use crate::app::{App, ReportRequest};
use crate::domain::{
    AsAt, ClosedCycle, Error, PartialDate, PlanSummary, ReportFormat, ReportKind, uk_date,
};
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

/// A closed reporting cycle offered as the day to report on.
struct CycleChoice {
    /// `cycle:2`, the value the download link carries.
    value: String,
    /// `as_at-cycle-2`.
    id: String,
    /// "Reporting cycle 2, closed 14 April 2026".
    label: String,
    /// "3 March 2026 to 14 April 2026".
    hint: String,
    checked: bool,
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
    /// Closed reporting cycles, newest first, as on the cycles page.
    cycles: Vec<CycleChoice>,
    /// The "as at" radio chosen: `today`, `date`, `cycle:N`, or empty for none.
    as_at: String,
    day: String,
    month: String,
    year: String,
    today: String,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
struct Chosen {
    report: Option<String>,
    format: Option<String>,
    /// `today`, `date` (the three fields below) or `cycle:N`. Without it the date fields
    /// are read, blank meaning today.
    as_at: Option<String>,
    #[serde(rename = "as_at-day")]
    day: Option<String>,
    #[serde(rename = "as_at-month")]
    month: Option<String>,
    #[serde(rename = "as_at-year")]
    year: Option<String>,
}

/// The form, offering only the reports and formats the viewer may download, and the
/// plan's closed cycles beside the date.
fn page(
    app: &App,
    viewer: &Viewer,
    summary: PlanSummary,
    closed: &[ClosedCycle],
    chosen: &Chosen,
    errors: FormErrors,
) -> FormPage {
    let as_at = chosen
        .as_at
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
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
        cycles: closed
            .iter()
            .rev()
            .map(|c| {
                let value = AsAt::Cycle(c.number).code();
                CycleChoice {
                    checked: value == as_at,
                    id: format!("as_at-cycle-{}", c.number),
                    label: format!(
                        "Reporting cycle {}, closed {}",
                        c.number,
                        uk_date(c.ends_on)
                    ),
                    hint: c.period(),
                    value,
                }
            })
            .collect(),
        as_at,
        day: chosen.day.clone().unwrap_or_default(),
        month: chosen.month.clone().unwrap_or_default(),
        year: chosen.year.clone().unwrap_or_default(),
        today: uk_date(app.clock().today()),
        errors,
    }
}

async fn form(
    State(app): State<App>,
    viewer: Viewer,
    Path(plan): Path<String>,
) -> Result<Page<FormPage>, Error> {
    let summary = app.plan_summary(&viewer.actor, &plan).await?;
    let closed = app.report_cycles(&viewer.actor, &plan).await?;
    Ok(Page(page(
        &app,
        &viewer,
        summary,
        &closed,
        &Chosen::default(),
        FormErrors::default(),
    )))
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

/// The day chosen, as the field to point at and the problem when it is not a day: none
/// for today. Without a choice the date fields are read (blank is today), as before
/// cycles were offered.
fn chosen_as_at(chosen: &Chosen, today: Date) -> Result<Option<AsAt>, (&'static str, String)> {
    let date = |required: bool| match chosen_date(chosen) {
        Err(message) => Err(("as_at-day", message)),
        Ok(None) if required => Err((
            "as_at-day",
            "Enter the day to report on, for example 3 2 2020".to_owned(),
        )),
        Ok(Some(day)) if day > today => Err((
            "as_at-day",
            "The date must be today or in the past".to_owned(),
        )),
        Ok(day) => Ok(day.map(AsAt::Date)),
    };
    match chosen.as_at.as_deref().map(str::trim).unwrap_or_default() {
        "" => date(false),
        "date" => date(true),
        "today" => Ok(None),
        code if code.starts_with("cycle:") => AsAt::parse(code).map(Some).map_err(|_| {
            (
                "as_at",
                "Choose today, a closed reporting cycle or another day".to_owned(),
            )
        }),
        _ => Err((
            "as_at",
            "Choose today, a closed reporting cycle or another day".to_owned(),
        )),
    }
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
    let mut problems = Vec::new();
    if !matches!(report, Some(Ok(_))) {
        problems.push(("report".to_owned(), "Select a report".to_owned()));
    }
    if !matches!(format, Some(Ok(_))) {
        problems.push(("format".to_owned(), "Select a format".to_owned()));
    }
    let as_at = match chosen_as_at(&chosen, app.clock().today()) {
        Ok(as_at) => as_at,
        Err((field, message)) => {
            problems.push((field.to_owned(), message));
            None
        }
    };
    if let Some(cycle @ AsAt::Cycle(_)) = as_at {
        // A cycle that is not (or no longer) the plan's is a problem with the form, named
        // with the cycles there are.
        match app.resolve_as_at(&viewer.actor, &plan, Some(cycle)).await {
            Ok(_) => {}
            Err(Error::Invalid { message, .. }) => problems.push(("as_at".to_owned(), message)),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        let closed = app.report_cycles(&viewer.actor, &plan).await?;
        let page = page(
            &app,
            &viewer,
            summary,
            &closed,
            &chosen,
            FormErrors(problems),
        );
        return Ok(super::unprocessable(page));
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
    if let Some(as_at) = as_at {
        let _ = write!(to, "?as_at={}", as_at.code());
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

/// `GET /plans/{plan}/reports/highlight.docx?as_at=2020-02-03` (or `as_at=cycle:2`): the
/// file itself.
async fn download(
    State(app): State<App>,
    viewer: Viewer,
    Path((plan, file)): Path<(String, String)>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, Error> {
    let (report, format) = file.rsplit_once('.').ok_or(Error::not_found("report"))?;
    let kind = ReportKind::from_code(report).map_err(|_| Error::not_found("report"))?;
    let format = ReportFormat::from_code(format).map_err(|_| Error::not_found("report"))?;
    let as_at = match query.as_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(AsAt::parse(raw)?),
    };
    let request = ReportRequest {
        kind,
        as_at,
        since: query_day("since", query.since.as_deref())?,
    };
    let file = app
        .export_report(&viewer.actor, &plan, request, format)
        .await?;
    // A web page opens in the browser; every other format is saved.
    let how = if format == ReportFormat::Html {
        "inline"
    } else {
        "attachment"
    };
    let disposition = HeaderValue::from_str(&format!(
        "{how}; filename=\"{}\"",
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
