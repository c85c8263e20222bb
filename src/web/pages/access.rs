//! Getting in without anyone else knowing your password: accepting an invitation (to a
//! new account, or a role offered to an existing one) and resetting a forgotten password.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{FormErrors, Layout, Page};
use crate::app::App;
use crate::domain::{Error, MIN_PASSWORD_CHARS, uk_instant};
use crate::web::extract::Path;
use crate::web::session::{Viewer, session_cookie};

pub fn router() -> Router<App> {
    Router::new()
        .route("/invitations/{token}", get(invitation).post(accept))
        .route(
            "/password-reset",
            get(reset_request_form).post(reset_request),
        )
        .route("/password-reset/{token}", get(reset_form).post(reset))
        .route(
            "/account/invitations/{invitation}/accept",
            post(accept_offer),
        )
        .route(
            "/account/invitations/{invitation}/decline",
            post(decline_offer),
        )
}

/// One field of a simple form.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub hint: String,
    pub value: String,
}

impl Field {
    fn password(name: &'static str, label: &'static str, hint: String) -> Self {
        Self {
            name,
            label,
            kind: "password",
            autocomplete: "new-password",
            hint,
            value: String::new(),
        }
    }
}

/// A page with a heading, a few paragraphs and (optionally) a small form.
#[derive(Template)]
#[template(path = "account/simple_form.html")]
pub struct SimpleForm {
    layout: Layout,
    caption: Option<String>,
    title: String,
    intro: Vec<String>,
    link: Option<(String, String)>,
    action: String,
    fields: Vec<Field>,
    button: &'static str,
    errors: FormErrors,
}

fn new_password_hint() -> String {
    format!(
        "Must be {MIN_PASSWORD_CHARS} characters or more. A few unrelated words make a strong password."
    )
}

fn new_password_fields(first: &'static str) -> Vec<Field> {
    vec![
        Field::password(first, "Choose a password", new_password_hint()),
        Field::password("confirm_password", "Confirm the password", String::new()),
    ]
}

async fn invitation_page(
    app: &App,
    viewer: &Viewer,
    token: &str,
    name: Option<String>,
    errors: FormErrors,
) -> Result<SimpleForm, Error> {
    let view = app.invitation(token).await?;
    let invitation = view.invitation;
    let mut page = SimpleForm {
        layout: Layout::of(viewer),
        caption: Some(invitation.local_area_name.clone()),
        title: "Accept your invitation".to_owned(),
        intro: vec![
            format!(
                "You have been invited to WSOA Tracker for {} as {}{}.",
                invitation.local_area_name,
                invitation.role.label().to_lowercase(),
                invitation
                    .invited_by
                    .as_deref()
                    .map(|by| format!(", by {by}"))
                    .unwrap_or_default()
            ),
            format!(
                "You will sign in as {}. This link works once, until {}.",
                invitation.email,
                uk_instant(invitation.expires_at)
            ),
        ],
        link: None,
        action: format!("/invitations/{token}"),
        fields: Vec::new(),
        button: "Create your account",
        errors,
    };
    if view.has_account {
        page.intro.push(
            "You already have an account with this email address: sign in, then accept the role on your account page.".to_owned(),
        );
        page.link = Some(("Sign in".to_owned(), "/login?next=/account".to_owned()));
    } else {
        page.fields.push(Field {
            name: "name",
            label: "Your full name",
            kind: "text",
            autocomplete: "name",
            hint: String::new(),
            value: name.unwrap_or(invitation.name),
        });
        page.fields.extend(new_password_fields("password"));
    }
    Ok(page)
}

async fn invitation(
    State(app): State<App>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Page<SimpleForm>, Error> {
    Ok(Page(
        invitation_page(&app, &viewer, &token, None, FormErrors::default()).await?,
    ))
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm_password: String,
}

/// Creates the account and signs the invitee in, on their new account page.
async fn accept(
    State(app): State<App>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, Error> {
    match app
        .accept_invitation(&token, &form.name, &form.password, &form.confirm_password)
        .await
    {
        Ok(session) => {
            if let Some(old) = &viewer.session {
                app.log_out(old).await?;
            }
            let mut response = Redirect::to("/account?done=joined").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&viewer.config, &session.token),
            );
            Ok(response)
        }
        Err(Error::Invalid { field, message }) => {
            let page = invitation_page(
                &app,
                &viewer,
                &token,
                Some(form.name),
                FormErrors::one(field, message),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn accept_offer(
    State(app): State<App>,
    viewer: Viewer,
    Path(invitation): Path<i64>,
) -> Result<Redirect, Error> {
    app.answer_offer(&viewer.actor, invitation, true).await?;
    Ok(Redirect::to("/account?done=accepted"))
}

async fn decline_offer(
    State(app): State<App>,
    viewer: Viewer,
    Path(invitation): Path<i64>,
) -> Result<Redirect, Error> {
    app.answer_offer(&viewer.actor, invitation, false).await?;
    Ok(Redirect::to("/account?done=declined"))
}

fn reset_request_page(viewer: &Viewer, email: String, errors: FormErrors) -> SimpleForm {
    SimpleForm {
        layout: Layout::of(viewer),
        caption: None,
        title: "Reset your password".to_owned(),
        intro: vec![
            "Enter the email address you sign in with. We will email you a link to choose a new password. The link works for one hour.".to_owned(),
        ],
        link: None,
        action: "/password-reset".to_owned(),
        fields: vec![Field {
            name: "email",
            label: "Email address",
            kind: "email",
            autocomplete: "username",
            hint: String::new(),
            value: email,
        }],
        button: "Send the link",
        errors,
    }
}

async fn reset_request_form(viewer: Viewer) -> Page<SimpleForm> {
    Page(reset_request_page(
        &viewer,
        String::new(),
        FormErrors::default(),
    ))
}

#[derive(Deserialize)]
struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

/// The same answer whether or not the address has an account.
async fn reset_request(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<ResetRequestForm>,
) -> Result<Response, Error> {
    match app.request_password_reset(&form.email).await {
        Ok(()) => Ok(Page(SimpleForm {
            layout: Layout::of(&viewer),
            caption: None,
            title: "Check your email".to_owned(),
            intro: vec![
                format!(
                    "If {} has an account, we have sent it a link to choose a new password. The link works for one hour.",
                    form.email.trim()
                ),
                "If nothing arrives in a few minutes, check your spam folder, or ask your local area's administrator.".to_owned(),
            ],
            link: Some(("Back to sign in".to_owned(), "/login".to_owned())),
            action: String::new(),
            fields: Vec::new(),
            button: "",
            errors: FormErrors::default(),
        })
        .into_response()),
        Err(Error::Invalid { field, message }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Page(reset_request_page(
                &viewer,
                form.email,
                FormErrors::one(field, message),
            )),
        )
            .into_response()),
        Err(other) => Err(other),
    }
}

fn reset_page(viewer: &Viewer, token: &str, errors: FormErrors) -> SimpleForm {
    SimpleForm {
        layout: Layout::of(viewer),
        caption: None,
        title: "Choose a new password".to_owned(),
        intro: vec![
            "Choosing a new password signs you out everywhere you are signed in.".to_owned(),
        ],
        link: None,
        action: format!("/password-reset/{token}"),
        fields: new_password_fields("new_password"),
        button: "Change password",
        errors,
    }
}

async fn reset_form(
    State(app): State<App>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Page<SimpleForm>, Error> {
    app.password_reset_is_open(&token).await?;
    Ok(Page(reset_page(&viewer, &token, FormErrors::default())))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn reset(
    State(app): State<App>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, Error> {
    match app
        .reset_password(&token, &form.new_password, &form.confirm_password)
        .await
    {
        Ok(_) => Ok(Redirect::to("/login?done=reset").into_response()),
        Err(Error::Invalid { field, message }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Page(reset_page(&viewer, &token, FormErrors::one(field, message))),
        )
            .into_response()),
        Err(other) => Err(other),
    }
}
