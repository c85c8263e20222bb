//! Two-factor authentication pages: the second step of a password sign-in (a code, or
//! setting two-factor up), the recovery codes shown once, and the account's settings.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use qrcodegen::{QrCode, QrCodeEcc};
use serde::Deserialize;

use super::{FormErrors, Layout, Page};
use crate::app::{App, SecondStep, TwoFactorSetup, TwoFactorStatus};
use crate::domain::Error;
use crate::web::session::{
    SignedIn, Viewer, read_cookie, safe_next, session_cookie, step_cookie, step_cookie_name,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/login/two-factor", get(step_form).post(finish))
        .route("/account/two-factor", get(settings).post(enable))
        .route("/account/two-factor/disable", post(disable))
        .route("/account/two-factor/recovery-codes", post(new_codes))
}

/// A QR code as inline SVG: drawn here from the URI, so no image is fetched or stored,
/// and described by its title for screen readers (the key is also written out).
fn qr_svg(uri: &str) -> String {
    let Ok(qr) = QrCode::encode_text(uri, QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let side = qr.size() + 2 * border;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                let _ = write!(path, "M{},{}h1v1h-1z", x + border, y + border);
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="232" height="232" role="img" aria-labelledby="qr-title" class="app-qr"><title id="qr-title">QR code of the key written below, for your authenticator app</title><rect width="{side}" height="{side}" fill="#ffffff"/><path d="{path}" fill="#0b0c0c"/></svg>"##
    )
}

/// The key in groups of four, as authenticator apps show it.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Template)]
#[template(path = "account/two_factor_step.html")]
struct StepPage {
    layout: Layout,
    /// Who is signing in, when it is the sign-in's second step.
    email: Option<String>,
    /// Setting up: the key (grouped) and its QR code.
    setup: Option<(String, String)>,
    /// Posted back with the code when set up from the account page.
    secret: Option<String>,
    action: &'static str,
    errors: FormErrors,
}

impl StepPage {
    fn setting_up(setup: &TwoFactorSetup) -> (String, String) {
        (grouped(&setup.secret), qr_svg(&setup.uri))
    }

    /// The second step of a sign-in: a code, or setting up.
    fn sign_in(viewer: &Viewer, step: &SecondStep, errors: FormErrors) -> Self {
        Self {
            layout: Layout::of(viewer),
            email: Some(step.email.clone()),
            setup: step.setup.as_ref().map(Self::setting_up),
            secret: None,
            action: "/login/two-factor",
            errors,
        }
    }

    /// Setting up from the account page, the key posted back with the code.
    fn account(viewer: &Viewer, setup: &TwoFactorSetup, errors: FormErrors) -> Self {
        Self {
            layout: Layout::of(viewer),
            email: None,
            setup: Some(Self::setting_up(setup)),
            secret: Some(setup.secret.clone()),
            action: "/account/two-factor",
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "account/recovery_codes.html")]
struct CodesPage {
    layout: Layout,
    /// Whether two-factor was just turned on (rather than the codes replaced).
    turned_on: bool,
    codes: Vec<String>,
    next: String,
}

#[derive(Template)]
#[template(path = "account/two_factor.html")]
struct SettingsPage {
    layout: Layout,
    status: TwoFactorStatus,
    done: Option<&'static str>,
    errors: FormErrors,
}

fn step_token<'a>(headers: &'a HeaderMap, viewer: &Viewer) -> Option<&'a str> {
    read_cookie(headers, step_cookie_name(&viewer.config)).filter(|t| !t.is_empty())
}

/// Back to the password: the step has expired or was never started.
fn start_again(viewer: &Viewer) -> Response {
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, step_cookie(&viewer.config, ""));
    response
}

async fn step_form(
    State(app): State<App>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let Some(token) = step_token(&headers, &viewer) else {
        return Ok(start_again(&viewer));
    };
    match app.second_step(token).await {
        Ok(step) => {
            Ok(Page(StepPage::sign_in(&viewer, &step, FormErrors::default())).into_response())
        }
        Err(Error::NotFound(_)) => Ok(start_again(&viewer)),
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn finish(
    State(app): State<App>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, Error> {
    let Some(token) = step_token(&headers, &viewer) else {
        return Ok(start_again(&viewer));
    };
    match app
        .finish_sign_in(token, &form.code, viewer.ip.as_deref())
        .await
    {
        Ok(done) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            let next = safe_next(Some(&done.next));
            let mut response = match done.recovery_codes {
                Some(codes) => {
                    let signed_in = Viewer {
                        actor: app.actor_for_session(&done.session.token).await?,
                        session: Some(done.session.token.clone()),
                        config: viewer.config.clone(),
                        ip: viewer.ip.clone(),
                        flash: None,
                        here: next.clone(),
                    };
                    Page(CodesPage {
                        layout: Layout::of(&signed_in),
                        turned_on: true,
                        codes,
                        next,
                    })
                    .into_response()
                }
                None => Redirect::to(&next).into_response(),
            };
            let cookies = response.headers_mut();
            cookies.append(
                header::SET_COOKIE,
                session_cookie(&viewer.config, &done.session.token),
            );
            cookies.append(header::SET_COOKIE, step_cookie(&viewer.config, ""));
            Ok(response)
        }
        Err(Error::Invalid { field, message }) => {
            let step = match app.second_step(token).await {
                Ok(step) => step,
                Err(Error::NotFound(_)) => return Ok(start_again(&viewer)),
                Err(other) => return Err(other),
            };
            let errors = FormErrors::one(field, message);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page(StepPage::sign_in(&viewer, &step, errors)),
            )
                .into_response())
        }
        Err(Error::NotFound(_)) => Ok(start_again(&viewer)),
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn settings(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<DoneQuery>,
) -> Result<Response, Error> {
    let status = app.two_factor_status(&viewer.actor).await?;
    if !status.on {
        let setup = app.new_two_factor_setup(&viewer.actor)?;
        return Ok(Page(StepPage::account(&viewer, &setup, FormErrors::default())).into_response());
    }
    Ok(Page(SettingsPage {
        layout: Layout::of(&viewer),
        status,
        done: (query.done.as_deref() == Some("on")).then_some("Two-factor authentication is on"),
        errors: FormErrors::default(),
    })
    .into_response())
}

#[derive(Deserialize)]
struct EnableForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

async fn enable(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<EnableForm>,
) -> Result<Response, Error> {
    match app
        .enable_two_factor(&viewer.actor, &form.secret, &form.code)
        .await
    {
        Ok(codes) => Ok(Page(CodesPage {
            layout: Layout::of(&viewer),
            turned_on: true,
            codes,
            next: "/account".to_owned(),
        })
        .into_response()),
        Err(Error::Invalid { field, message }) => {
            // The same key again, so an app that already added it keeps working.
            let setup = app.two_factor_setup_again(&viewer.actor, &form.secret)?;
            let errors = FormErrors::one(field, message);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Page(StepPage::account(&viewer, &setup, errors)),
            )
                .into_response())
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
}

async fn disable(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Error> {
    match app
        .disable_two_factor(&viewer.actor, &form.password, viewer.ip.as_deref())
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?done=two-factor-off").into_response()),
        Err(Error::Invalid { field, message }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Page(SettingsPage {
                layout: Layout::of(&viewer),
                status: app.two_factor_status(&viewer.actor).await?,
                done: None,
                errors: FormErrors::one(field, message),
            }),
        )
            .into_response()),
        Err(other) => Err(other),
    }
}

async fn new_codes(State(app): State<App>, viewer: Viewer) -> Result<Page<CodesPage>, Error> {
    let codes = app.new_recovery_codes(&viewer.actor).await?;
    Ok(Page(CodesPage {
        layout: Layout::of(&viewer),
        turned_on: false,
        codes,
        next: "/account/two-factor".to_owned(),
    }))
}
