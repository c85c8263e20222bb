//! Signing in and out, the account page, changing a password and API tokens.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{FormErrors, Layout, Page};
use crate::app::{App, SignIn, SsoRefusal};
use crate::domain::{Error, PartialDate, Role};
use crate::web::extract::Path;
use crate::web::session::{
    SignedIn, Viewer, clear_cookie, encode_component, safe_next, session_cookie, step_cookie,
};

pub fn router() -> Router<App> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(show))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
        .route("/account/sessions/end", post(end_sessions))
        .route("/account/tokens", get(tokens).post(create_token))
        .route("/account/tokens/{token}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    errors: FormErrors,
    done: Option<String>,
    /// Identity providers: (link, "Sign in with …" name).
    providers: Vec<(String, String)>,
}

impl LoginPage {
    fn new(app: &App, viewer: &Viewer, next: String) -> Self {
        let providers = app
            .sso_providers()
            .into_iter()
            .map(|(id, name)| {
                let link = if next == "/" {
                    format!("/sso/{id}")
                } else {
                    format!("/sso/{id}?next={}", encode_component(&next))
                };
                (link, name)
            })
            .collect();
        Self {
            layout: Layout::of(viewer),
            email: String::new(),
            next,
            errors: FormErrors::default(),
            done: None,
            providers,
        }
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    done: Option<String>,
    /// Why a single sign-on came back without signing in.
    sso: Option<String>,
}

async fn login_form(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> (StatusCode, Page<LoginPage>) {
    let mut page = LoginPage::new(&app, &viewer, safe_next(query.next.as_deref()));
    page.done = (query.done.as_deref() == Some("reset")).then(|| {
        "Your password has been changed and you have been signed out everywhere. Sign in with your new password.".to_owned()
    });
    let mut status = StatusCode::OK;
    if let Some(refusal) = query.sso.as_deref().and_then(SsoRefusal::from_code) {
        page.errors = FormErrors::one("sso", refusal.message());
        status = StatusCode::UNAUTHORIZED;
    }
    (status, Page(page))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Post/Redirect/Get; a failed sign-in shows the form again with the email kept.
async fn login(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<LoginForm>,
) -> Result<Response, Error> {
    let next = safe_next(form.next.as_deref());
    match app
        .log_in(&form.email, &form.password, viewer.ip.as_deref(), &next)
        .await
    {
        Ok(SignIn::Session(session)) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&viewer.config, &session.token),
            );
            Ok(response)
        }
        Ok(SignIn::Code(step) | SignIn::SetUp(step)) => {
            let mut response = Redirect::to("/login/two-factor").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, step_cookie(&viewer.config, &step));
            Ok(response)
        }
        Err(Error::Invalid { field, message }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Page(LoginPage {
                email: form.email,
                errors: FormErrors::one(field, message),
                ..LoginPage::new(&app, &viewer, next)
            }),
        )
            .into_response()),
        Err(other) => Err(other),
    }
}

/// Ends every other session of the signed-in person.
async fn end_sessions(State(app): State<App>, viewer: Viewer) -> Result<Redirect, Error> {
    app.sign_out_everywhere(&viewer.actor, viewer.session.as_deref())
        .await?;
    Ok(Redirect::to("/account?done=signed-out"))
}

async fn logout(State(app): State<App>, viewer: Viewer) -> Result<Response, Error> {
    if let Some(session) = &viewer.session {
        app.log_out(session).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_cookie(&viewer.config));
    Ok(response)
}

struct RoleView {
    area: String,
    area_slug: String,
    role: &'static str,
    person_key: Option<String>,
    admin: bool,
}

struct OfferView {
    id: i64,
    area: String,
    role: &'static str,
    person_key: Option<String>,
    invited_by: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    roles: Vec<RoleView>,
    offers: Vec<OfferView>,
    admin_anywhere: bool,
    /// Open sessions: (began, last used, whether it is this one).
    sessions: Vec<(String, String, bool)>,
    /// Whether two-factor authentication is on.
    two_factor: bool,
    done: Option<String>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn show(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<DoneQuery>,
) -> Result<Page<AccountPage>, Error> {
    let user = viewer.actor.user().ok_or(Error::Unauthorized)?;
    let offers = app
        .offered_roles(&viewer.actor)
        .await?
        .into_iter()
        .map(|i| OfferView {
            id: i.id,
            area: i.local_area_name,
            role: i.role.label(),
            person_key: i.person_key,
            invited_by: i
                .invited_by
                .unwrap_or_else(|| "the administrator".to_owned()),
            expires: crate::domain::uk_instant(i.expires_at),
        })
        .collect();
    let sessions = app
        .sessions(&viewer.actor, viewer.session.as_deref())
        .await?
        .into_iter()
        .map(|s| {
            (
                crate::domain::uk_instant(s.started_at),
                crate::domain::uk_instant(s.last_used_at),
                s.current,
            )
        })
        .collect();
    let done = match query.done.as_deref() {
        Some("signed-out") => Some("You have been signed out everywhere else."),
        Some("password") => {
            Some("Your password has been changed. Your other sessions have been signed out.")
        }
        Some("joined") => Some("Your account has been created and you are signed in."),
        Some("accepted") => Some("You have accepted the role. It is listed under your roles."),
        Some("declined") => Some("You have declined the role."),
        Some("two-factor-off") => Some("Two-factor authentication is off."),
        _ => None,
    };
    let two_factor = app.two_factor_status(&viewer.actor).await?.on;
    Ok(Page(AccountPage {
        layout: Layout::of(&viewer),
        name: user.name.clone(),
        email: user.email.clone(),
        admin_anywhere: user.grants.iter().any(|g| g.role == Role::Admin),
        roles: user
            .grants
            .iter()
            .map(|g| RoleView {
                area: g.local_area.name.clone(),
                area_slug: g.local_area.slug.clone(),
                role: g.role.label(),
                person_key: g.person_key.clone(),
                admin: g.role == Role::Admin,
            })
            .collect(),
        offers,
        sessions,
        two_factor,
        done: done.map(str::to_owned),
    }))
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    layout: Layout,
    fields: Vec<(&'static str, &'static str, &'static str, String)>,
    errors: FormErrors,
}

impl PasswordPage {
    fn new(layout: Layout, errors: FormErrors) -> Self {
        Self {
            layout,
            fields: vec![
                (
                    "current_password",
                    "Current password",
                    "current-password",
                    String::new(),
                ),
                (
                    "new_password",
                    "New password",
                    "new-password",
                    format!(
                        "Must be {} characters or more. A few unrelated words make a strong password.",
                        crate::domain::MIN_PASSWORD_CHARS
                    ),
                ),
                (
                    "confirm_password",
                    "Confirm new password",
                    "new-password",
                    String::new(),
                ),
            ],
            errors,
        }
    }
}

async fn password_form(SignedIn(viewer): SignedIn) -> Page<PasswordPage> {
    Page(PasswordPage::new(
        Layout::of(&viewer),
        FormErrors::default(),
    ))
}

#[derive(Deserialize)]
#[expect(
    clippy::struct_field_names,
    reason = "the names of the form's fields, as GOV.UK's password pattern has them"
)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Error> {
    let changed = app
        .change_password(
            &viewer.actor,
            viewer.session.as_deref(),
            &form.current_password,
            &form.new_password,
            &form.confirm_password,
        )
        .await;
    match changed {
        Ok(()) => Ok(Redirect::to("/account?done=password").into_response()),
        Err(Error::Invalid { field, message }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Page(PasswordPage::new(
                Layout::of(&viewer),
                FormErrors::one(field, message),
            )),
        )
            .into_response()),
        Err(other) => Err(other),
    }
}

struct TokenView {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    revoked: Option<String>,
    /// "Works until 4 March 2027", or "Expired on …".
    expiry: Option<String>,
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<TokenView>,
    name: String,
    errors: FormErrors,
}

async fn tokens_page(
    app: &App,
    viewer: &Viewer,
    name: String,
    errors: FormErrors,
) -> Result<TokensPage, Error> {
    let tokens = app
        .tokens(&viewer.actor)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: PartialDate::Day(t.created_at.date()).to_uk(),
            revoked: t.revoked_at.map(|at| PartialDate::Day(at.date()).to_uk()),
            expiry: t.expires_at.map(|at| {
                let day = PartialDate::Day(at.date()).to_uk();
                if at <= app.clock().now() {
                    format!("Expired on {day}")
                } else {
                    format!("Works until {day}")
                }
            }),
        })
        .collect();
    Ok(TokensPage {
        layout: Layout::of(viewer),
        tokens,
        name,
        errors,
    })
}

async fn tokens(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
) -> Result<Page<TokensPage>, Error> {
    Ok(Page(
        tokens_page(&app, &viewer, String::new(), FormErrors::default()).await?,
    ))
}

#[derive(Template)]
#[template(path = "account/token_created.html")]
struct TokenCreatedPage {
    layout: Layout,
    token: String,
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Shows the new token once, on this response only, and asks browsers and proxies not
/// to keep a copy.
async fn create_token(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> Result<Response, Error> {
    let user = viewer.actor.user().ok_or(Error::Unauthorized)?.id;
    match app.create_token(&viewer.actor, user, &form.name).await {
        Ok(created) => Ok((
            [(header::CACHE_CONTROL, "no-store")],
            Page(TokenCreatedPage {
                layout: Layout::of(&viewer),
                token: created.token,
            }),
        )
            .into_response()),
        Err(Error::Invalid { field, message }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Page(tokens_page(&app, &viewer, form.name, FormErrors::one(field, message)).await?),
        )
            .into_response()),
        Err(other) => Err(other),
    }
}

async fn revoke_token(
    State(app): State<App>,
    viewer: Viewer,
    Path(token): Path<i64>,
) -> Result<Response, Error> {
    app.revoke_token(&viewer.actor, token).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
