//! The JSON API under `/api/v1`: the same use cases as the pages, as JSON.
//!
//! Conventions (written out in `docs/api.md`): bearer-token authentication only (never
//! the session cookie); errors as RFC 9457 `application/problem+json` from the one
//! [`ApiError`]; list endpoints paginated with `?page=&per_page=` (at most
//! [`MAX_PER_PAGE`]), a `meta` object and a `Link` header. The `OpenAPI` document at
//! `/api/v1/openapi.json` is generated from the handlers' annotations by utoipa, and the
//! router is built from the same list, so the two cannot drift.

mod evidence;
mod plan;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::error::{ApiError, api_not_found};
use crate::app::App;
use crate::domain::{Actor, Error};

/// Most items one page of a list holds.
pub const MAX_PER_PAGE: u32 = 100;
/// Items per page when `per_page` is not given.
pub const DEFAULT_PER_PAGE: u32 = 20;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WSOA Tracker API",
        description = "Local area SEND improvement plans: plans, areas of weakness, objectives, \
            actions, milestones, progress updates and people; KPIs, the voice of children, young \
            people and families, and \"you said, we did\". Conventions: docs/api.md.",
        version = "1"
    ),
    servers((url = "/api/v1", description = "This server")),
    modifiers(&BearerAuth),
    security((), ("bearer" = [])),
    tags(
        (name = "plans", description = "Plans and everything in them"),
        (name = "local-areas", description = "Councils and their NHS partners"),
    )
)]
struct ApiDoc;

/// Declares the bearer token scheme the API authenticates with.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_default()
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "An API token created on the account's \"API tokens\" page (or with \
                         `wsoa user token`). Without one, only published plans are readable.",
                        ))
                        .build(),
                ),
            );
    }
}

fn api() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(plan::router())
        .merge(evidence::router())
}

/// The API's `OpenAPI` 3 document, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().into_openapi()
}

/// The API's routes, plus the document itself at `/openapi.json`.
pub fn router() -> Router<App> {
    let (router, doc) = api().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(api_not_found)
}

/// Who is calling, from the `Authorization: Bearer` header: the public without one; a
/// missing, unknown or revoked token is refused. Cookies are ignored, so a browser
/// session can never be ridden into the API.
pub struct ApiActor(pub Actor);

impl FromRequestParts<App> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(Actor::Public));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError(Error::Unauthorized))?;
        let actor = app.actor_for_token(token).await?;
        crate::web::telemetry::record_account(&actor);
        Ok(Self(actor))
    }
}

/// `axum::Json`, but a bad body is a problem document (422, or 415 without JSON).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => {
                let status = rejection.status();
                let detail = rejection.body_text();
                Err(
                    if status == axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE
                        || status == axum::http::StatusCode::PAYLOAD_TOO_LARGE
                    {
                        ApiError::with_status(status, detail)
                    } else {
                        ApiError(Error::invalid("body", detail)).into_response()
                    },
                )
            }
        }
    }
}

/// Path parameters; one that cannot be read is a 404 problem.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        #[expect(
            clippy::disallowed_types,
            reason = "the API's one wrapper around axum's Path"
        )]
        let extracted = axum::extract::Path::<T>::from_request_parts(parts, state).await;
        match extracted {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => Err(ApiError(Error::not_found("resource"))),
        }
    }
}

/// Which page of a list to return.
#[derive(Debug, Clone, Copy, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    page: Option<u32>,
    /// Items per page, from 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

impl<S: Send + Sync> FromRequestParts<S> for Pagination {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let parsed: Self = serde_urlencoded_query(query)?;
        if parsed.page.is_some_and(|p| p == 0 || p > 1_000_000) {
            return Err(ApiError(Error::invalid(
                "page",
                "must be from 1 to 1000000",
            )));
        }
        if parsed.per_page.is_some_and(|n| n == 0 || n > MAX_PER_PAGE) {
            return Err(ApiError(Error::invalid(
                "per_page",
                format!("must be from 1 to {MAX_PER_PAGE}"),
            )));
        }
        Ok(parsed)
    }
}

/// Reads `page` and `per_page` from a query string; other parameters are ignored.
fn serde_urlencoded_query(query: &str) -> Result<Pagination, ApiError> {
    let mut out = Pagination {
        page: None,
        per_page: None,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "page" => &mut out.page,
            "per_page" => &mut out.per_page,
            _ => continue,
        };
        let field = if name == "page" { "page" } else { "per_page" };
        *slot = Some(
            value
                .parse()
                .map_err(|_| ApiError(Error::invalid(field, "must be a whole number")))?,
        );
    }
    Ok(out)
}

/// Where a list page sits in the whole list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// This page's number, from 1.
    page: u32,
    /// Items per page.
    per_page: u32,
    /// Items in the whole list.
    total: u64,
    /// Pages in the whole list (0 when it is empty).
    total_pages: u64,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    /// The items on this page.
    data: Vec<T>,
    /// Where the page sits.
    meta: PageMeta,
}

impl Pagination {
    /// The page of `items` asked for, with the `Link` header (`first`, `prev`, `next`,
    /// `last`) pointing at `path`.
    pub fn page<T: ToSchema + Serialize>(self, path: &str, items: Vec<T>) -> Response {
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let page = self.page.unwrap_or(1);
        let total = items.len() as u64;
        let total_pages = total.div_ceil(u64::from(per_page));
        let skip = usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
        let data: Vec<T> = items
            .into_iter()
            .skip(skip)
            .take(usize::try_from(per_page).unwrap_or(usize::MAX))
            .collect();
        let link = |n: u64, rel: &str| {
            format!("</api/v1{path}?page={n}&per_page={per_page}>; rel=\"{rel}\"")
        };
        let mut links = Vec::new();
        if total_pages > 0 {
            links.push(link(1, "first"));
            if u64::from(page) > 1 && u64::from(page) <= total_pages {
                links.push(link(u64::from(page) - 1, "prev"));
            }
            if u64::from(page) < total_pages {
                links.push(link(u64::from(page) + 1, "next"));
            }
            links.push(link(total_pages, "last"));
        }
        let body = Paged {
            data,
            meta: PageMeta {
                page,
                per_page,
                total,
                total_pages,
            },
        };
        let mut response = Json(body).into_response();
        if !links.is_empty()
            && let Ok(value) = HeaderValue::from_str(&links.join(", "))
        {
            response.headers_mut().insert(header::LINK, value);
        }
        response
    }
}
