//! Single sign-on: the link on the sign-in page leads here, on to the identity provider,
//! and back through the callback, signed in or back on the sign-in page with the reason.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::app::{App, SsoRefusal};
use crate::domain::Error;
use crate::web::extract::Path;
use crate::web::session::{
    Viewer, read_cookie, safe_next, session_cookie, sso_cookie, sso_cookie_name,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/sso/{provider}", get(begin))
        .route("/sso/{provider}/callback", get(callback))
}

#[derive(Deserialize)]
struct BeginQuery {
    next: Option<String>,
}

/// Sends the browser to the provider, with a cookie tying the answer to it.
async fn begin(
    State(app): State<App>,
    viewer: Viewer,
    Path(provider): Path<String>,
    Query(query): Query<BeginQuery>,
) -> Result<Response, Error> {
    let next = safe_next(query.next.as_deref());
    let start = match app.sso_begin(&provider, &next).await {
        Ok(start) => start,
        Err(Error::Invalid { message, .. }) => return Ok(back_to_login(&message, &viewer)),
        Err(other) => return Err(other),
    };
    let mut response = Redirect::to(&start.redirect).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        sso_cookie(&viewer.config, &start.browser),
    );
    Ok(response)
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set when the person cancelled or the provider refused.
    error: Option<String>,
}

/// The provider's answer: signed in, or back to the sign-in page with the reason.
async fn callback(
    State(app): State<App>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, Error> {
    let (Some(code), Some(state), None) = (&query.code, &query.state, &query.error) else {
        tracing::info!(
            target: "security",
            event = "sso.cancelled",
            provider,
            error = query.error.as_deref().unwrap_or("no code"),
            "single sign-on came back without a code"
        );
        return Ok(back_to_login(SsoRefusal::Failed.code(), &viewer));
    };
    let browser = read_cookie(&headers, sso_cookie_name(&viewer.config));
    match app.sso_finish(&provider, code, state, browser).await {
        Ok((session, next)) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            let mut response = Redirect::to(&safe_next(Some(&next))).into_response();
            let cookies = response.headers_mut();
            cookies.append(
                header::SET_COOKIE,
                session_cookie(&viewer.config, &session.token),
            );
            cookies.append(header::SET_COOKIE, sso_cookie(&viewer.config, ""));
            Ok(response)
        }
        Err(Error::Invalid { message, .. }) => Ok(back_to_login(&message, &viewer)),
        Err(other) => Err(other),
    }
}

/// The sign-in page with a refusal's code, which it turns into a message (a code, not
/// text, so nobody can make the page say something of their choosing).
fn back_to_login(code: &str, viewer: &Viewer) -> Response {
    let code = SsoRefusal::from_code(code)
        .unwrap_or(SsoRefusal::Failed)
        .code();
    let mut response = Redirect::to(&format!("/login?sso={code}")).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, sso_cookie(&viewer.config, ""));
    response
}
