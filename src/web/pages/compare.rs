//! The cross-area view: progress of the plans in every area the person has a role in,
//! sortable by any column (`aria-sort` says which), filtered by plan kind, and
//! downloadable as CSV or XLSX.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::{Layout, Page};
use crate::app::App;
use crate::documents::{comparison_csv, comparison_xlsx};
use crate::domain::{CompareColumn, Error, PlanKind, PlanProgress, sort_progress};
use crate::web::session::SignedIn;

pub fn router() -> Router<App> {
    Router::new()
        .route("/compare", get(index))
        .route("/compare.csv", get(csv))
        .route("/compare.xlsx", get(xlsx))
}

/// The sort, order and kind asked for.
#[derive(Debug, Default, Deserialize)]
struct CompareQuery {
    sort: Option<String>,
    order: Option<String>,
    kind: Option<String>,
}

impl CompareQuery {
    fn column(&self) -> Option<CompareColumn> {
        self.sort.as_deref().and_then(CompareColumn::from_code)
    }

    fn descending(&self) -> bool {
        self.order.as_deref() == Some("descending")
    }

    fn kind(&self) -> Option<PlanKind> {
        self.kind
            .as_deref()
            .and_then(|code| PlanKind::ALL.into_iter().find(|k| k.code() == code))
    }

    /// The query string that keeps the sort and the filter, for the downloads.
    fn as_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(column) = self.column() {
            parts.push(format!("sort={}", column.code()));
            parts.push(format!(
                "order={}",
                if self.descending() {
                    "descending"
                } else {
                    "ascending"
                }
            ));
        }
        if let Some(kind) = self.kind() {
            parts.push(format!("kind={}", kind.code()));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A column heading: its sort link and `aria-sort`.
struct Heading {
    label: &'static str,
    numeric: bool,
    href: String,
    /// `ascending`, `descending` or `none`.
    aria_sort: &'static str,
}

/// A kind to filter by.
struct KindChoice {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "compare/index.html")]
struct ComparePage {
    layout: Layout,
    progress: Vec<PlanProgress>,
    headings: Vec<Heading>,
    kinds: Vec<KindChoice>,
    downloads: String,
}

/// The plans the person compares, filtered and sorted as asked.
async fn chosen(
    app: &App,
    viewer: &crate::web::session::Viewer,
    query: &CompareQuery,
) -> Result<Vec<PlanProgress>, Error> {
    let mut plans = app.compare_plans(&viewer.actor).await?;
    if let Some(kind) = query.kind() {
        plans.retain(|p| p.summary.kind == kind);
    }
    sort_progress(
        &mut plans,
        query.column().unwrap_or(CompareColumn::Area),
        query.column().is_some() && query.descending(),
    );
    Ok(plans)
}

async fn index(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<CompareQuery>,
) -> Result<Page<ComparePage>, Error> {
    let progress = chosen(&app, &viewer, &query).await?;
    let kind = query
        .kind
        .as_deref()
        .map(|k| format!("&kind={k}"))
        .unwrap_or_default();
    let headings = CompareColumn::ALL
        .into_iter()
        .map(|column| {
            let current = query.column() == Some(column);
            // A first click sorts numbers highest first and words A to Z; the next
            // click reverses it.
            let next_descending = if current {
                !query.descending()
            } else {
                column.numeric()
            };
            Heading {
                label: column.label(),
                numeric: column.numeric(),
                href: format!(
                    "/compare?sort={}&order={}{kind}",
                    column.code(),
                    if next_descending {
                        "descending"
                    } else {
                        "ascending"
                    }
                ),
                aria_sort: match (current, query.descending()) {
                    (false, _) => "none",
                    (true, true) => "descending",
                    (true, false) => "ascending",
                },
            }
        })
        .collect();
    let kinds = PlanKind::ALL
        .into_iter()
        .map(|k| KindChoice {
            code: k.code(),
            label: k.label(),
            selected: query.kind() == Some(k),
        })
        .collect();
    Ok(Page(ComparePage {
        layout: Layout::of(&viewer),
        downloads: query.as_query(),
        progress,
        headings,
        kinds,
    }))
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response()
}

async fn csv(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<CompareQuery>,
) -> Result<Response, Error> {
    let plans = chosen(&app, &viewer, &query).await?;
    Ok(download(
        comparison_csv(&plans)?,
        "text/csv; charset=utf-8",
        "attachment; filename=\"comparison.csv\"",
    ))
}

async fn xlsx(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<CompareQuery>,
) -> Result<Response, Error> {
    let plans = chosen(&app, &viewer, &query).await?;
    Ok(download(
        comparison_xlsx(&plans)?,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "attachment; filename=\"comparison.xlsx\"",
    ))
}
