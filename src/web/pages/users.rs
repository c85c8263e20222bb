//! An area's accounts, for its admins: who has which role, inviting someone, and the
//! invitations still open.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{FormErrors, Layout, Page};
use crate::app::{App, Invitation, Invited, NewUser};
use crate::domain::{Error, LocalArea, Role, uk_instant};
use crate::web::extract::Path;
use crate::web::session::{SignedIn, Viewer, encode_component};

pub fn router() -> Router<App> {
    Router::new()
        .route("/areas/{area}/users", get(index).post(invite))
        .route(
            "/areas/{area}/invitations/{invitation}/withdraw",
            post(withdraw),
        )
        .route("/areas/{area}/users/remove", post(remove))
        .route("/areas/{area}/users/disable", post(disable))
}

struct UserView {
    name: String,
    email: String,
    role: &'static str,
    person_key: Option<String>,
    /// The account may not sign in.
    disabled: bool,
    /// This admin may disable it: not themselves, and only someone with no role in
    /// another area (whose admins would lose them too).
    may_disable: bool,
}

struct InvitationRow {
    id: i64,
    email: String,
    role: &'static str,
    person_key: Option<String>,
    invited_by: String,
    sent: String,
    expires: String,
}

impl InvitationRow {
    fn of(invitation: Invitation) -> Self {
        Self {
            id: invitation.id,
            email: invitation.email,
            role: invitation.role.label(),
            person_key: invitation.person_key,
            invited_by: invitation
                .invited_by
                .unwrap_or_else(|| "the command line".to_owned()),
            sent: uk_instant(invitation.created_at),
            expires: uk_instant(invitation.expires_at),
        }
    }
}

#[derive(Default, Deserialize)]
struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    person_key: String,
}

impl UserForm {
    /// A text field's value as typed.
    fn value(&self, field: &str) -> &str {
        match field {
            "email" => &self.email,
            "name" => &self.name,
            "person_key" => &self.person_key,
            _ => "",
        }
    }
}

type Field = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[derive(Template)]
#[template(path = "users/index.html")]
struct UsersPage {
    layout: Layout,
    area: LocalArea,
    users: Vec<UserView>,
    invitations: Vec<InvitationRow>,
    fields: Vec<Field>,
    roles: Vec<(&'static str, &'static str)>,
    form: UserForm,
    errors: FormErrors,
    /// The success banner after a change.
    done: Option<String>,
}

async fn page(
    app: &App,
    viewer: &Viewer,
    area: &str,
    form: UserForm,
    errors: FormErrors,
) -> Result<UsersPage, Error> {
    let (area, users) = app.area_users(&viewer.actor, area).await?;
    let invitations = app.area_invitations(&viewer.actor, &area.slug).await?;
    let states = app.account_states(&viewer.actor, &area).await?;
    let state = |id| {
        states
            .iter()
            .find(|(u, _, _)| *u == id)
            .map(|(_, d, e)| (*d, *e))
    };
    Ok(UsersPage {
        layout: Layout::of(viewer),
        users: users
            .into_iter()
            .map(|u| {
                let grant = u.grants.into_iter().find(|g| g.local_area.id == area.id);
                UserView {
                    disabled: state(u.id).is_some_and(|(disabled, _)| disabled),
                    may_disable: viewer.actor.user_id() != Some(u.id)
                        && state(u.id).is_some_and(|(_, elsewhere)| !elsewhere),
                    name: u.name,
                    email: u.email,
                    role: grant.as_ref().map_or("", |g| g.role.label()),
                    person_key: grant.and_then(|g| g.person_key),
                }
            })
            .collect(),
        invitations: invitations.into_iter().map(InvitationRow::of).collect(),
        area,
        fields: vec![
            ("email", "Email address", "email", "off", ""),
            ("name", "Full name", "text", "off", ""),
            (
                "person_key",
                "Initials or name used in the plans (owners only)",
                "text",
                "off",
                "Owners may update the actions the plans give to these initials or this name",
            ),
        ],
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        form,
        errors,
        done: None,
    })
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
    email: Option<String>,
}

async fn index(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Path(area): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Page<UsersPage>, Error> {
    let mut page = page(
        &app,
        &viewer,
        &area,
        UserForm::default(),
        FormErrors::default(),
    )
    .await?;
    let email = query.email.unwrap_or_default();
    page.done = match query.done.as_deref() {
        Some("invited") => Some(format!(
            "Invitation sent to {email}. Their role starts when they accept it."
        )),
        Some("changed") => Some(format!("The role of {email} has been changed.")),
        Some("removed") => Some(format!(
            "The role of {email} has been removed. Their roles in other areas are unchanged."
        )),
        Some("disabled") => Some(format!(
            "{email} is disabled: they are signed out everywhere, their API tokens no longer work, and they cannot sign in."
        )),
        Some("enabled") => Some(format!("{email} may sign in again.")),
        Some("withdrawn") => {
            Some("The invitation has been withdrawn: its link no longer works.".to_owned())
        }
        _ => None,
    };
    Ok(Page(page))
}

async fn invite(
    State(app): State<App>,
    viewer: Viewer,
    Path(area): Path<String>,
    Form(form): Form<UserForm>,
) -> Result<Response, Error> {
    let invited = if let Ok(role) = Role::from_code(&form.role) {
        app.invite(
            &viewer.actor,
            NewUser {
                email: form.email.clone(),
                name: form.name.clone(),
                role,
                local_area: area.clone(),
                person_key: Some(form.person_key.clone()),
                password: None,
            },
        )
        .await
    } else {
        // Check the person may manage this area before showing a form problem.
        app.area_users(&viewer.actor, &area).await?;
        Err(Error::invalid("role", "Choose a role"))
    };
    match invited {
        Ok(done) => {
            let done = match done {
                Invited::Sent => "invited",
                Invited::RoleChanged => "changed",
            };
            let email = encode_component(form.email.trim());
            Ok(
                Redirect::to(&format!("/areas/{area}/users?done={done}&email={email}"))
                    .into_response(),
            )
        }
        Err(Error::Invalid { field, message }) => {
            let page = page(&app, &viewer, &area, form, FormErrors::one(field, message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn withdraw(
    State(app): State<App>,
    viewer: Viewer,
    Path((area, invitation)): Path<(String, i64)>,
) -> Result<Redirect, Error> {
    app.withdraw_invitation(&viewer.actor, &area, invitation)
        .await?;
    Ok(Redirect::to(&format!("/areas/{area}/users?done=withdrawn")))
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    email: String,
}

/// Removes someone's role in the area.
async fn remove(
    State(app): State<App>,
    viewer: Viewer,
    Path(area): Path<String>,
    Form(form): Form<RemoveForm>,
) -> Result<Redirect, Error> {
    app.remove_role(&viewer.actor, &area, &form.email).await?;
    let email = encode_component(form.email.trim());
    Ok(Redirect::to(&format!(
        "/areas/{area}/users?done=removed&email={email}"
    )))
}

#[derive(Deserialize)]
struct DisableForm {
    #[serde(default)]
    email: String,
    /// Set to let a disabled account sign in again.
    #[serde(default)]
    enable: bool,
}

/// Disables an account (its sessions end and its tokens stop at once), or enables it.
async fn disable(
    State(app): State<App>,
    viewer: Viewer,
    Path(area): Path<String>,
    Form(form): Form<DisableForm>,
) -> Result<Redirect, Error> {
    app.set_disabled_in_area(&viewer.actor, &area, &form.email, !form.enable)
        .await?;
    let email = encode_component(form.email.trim());
    let done = if form.enable { "enabled" } else { "disabled" };
    Ok(Redirect::to(&format!(
        "/areas/{area}/users?done={done}&email={email}"
    )))
}
