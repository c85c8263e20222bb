//! An area's accounts, for its admins: who has which role, and adding someone.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::{FormErrors, Layout, Page};
use crate::app::{App, NewUser};
use crate::domain::{Error, LocalArea, Role};
use crate::web::extract::Path;
use crate::web::session::{SignedIn, Viewer};

pub fn router() -> Router<App> {
    Router::new().route("/areas/{area}/users", get(index).post(add))
}

struct UserView {
    name: String,
    email: String,
    role: &'static str,
    person_key: Option<String>,
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
    #[serde(default)]
    password: String,
}

impl UserForm {
    /// A text field's value as typed; the password is never sent back.
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
    fields: Vec<Field>,
    roles: Vec<(&'static str, &'static str)>,
    form: UserForm,
    errors: FormErrors,
}

async fn page(
    app: &App,
    viewer: &Viewer,
    area: &str,
    form: UserForm,
    errors: FormErrors,
) -> Result<UsersPage, Error> {
    let (area, users) = app.area_users(&viewer.actor, area).await?;
    Ok(UsersPage {
        layout: Layout::of(viewer),
        users: users
            .into_iter()
            .map(|u| {
                let grant = u.grants.into_iter().find(|g| g.local_area.id == area.id);
                UserView {
                    name: u.name,
                    email: u.email,
                    role: grant.as_ref().map_or("", |g| g.role.label()),
                    person_key: grant.and_then(|g| g.person_key),
                }
            })
            .collect(),
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
            (
                "password",
                "Password",
                "password",
                "new-password",
                "Leave blank to keep an existing account's password",
            ),
        ],
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        form,
        errors,
    })
}

async fn index(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
    Path(area): Path<String>,
) -> Result<Page<UsersPage>, Error> {
    Ok(Page(
        page(
            &app,
            &viewer,
            &area,
            UserForm::default(),
            FormErrors::default(),
        )
        .await?,
    ))
}

async fn add(
    State(app): State<App>,
    viewer: Viewer,
    Path(area): Path<String>,
    Form(form): Form<UserForm>,
) -> Result<Response, Error> {
    let added = if let Ok(role) = Role::from_code(&form.role) {
        app.add_user(
            &viewer.actor,
            NewUser {
                email: form.email.clone(),
                name: form.name.clone(),
                role,
                local_area: area.clone(),
                person_key: Some(form.person_key.clone()),
                password: (!form.password.is_empty()).then(|| form.password.clone()),
            },
        )
        .await
    } else {
        // Check the person may manage this area before showing a form problem.
        app.area_users(&viewer.actor, &area).await?;
        Err(Error::invalid("role", "Choose a role"))
    };
    match added {
        Ok(_) => Ok(Redirect::to(&format!("/areas/{area}/users")).into_response()),
        Err(Error::Invalid { field, message }) => {
            let page = page(&app, &viewer, &area, form, FormErrors::one(field, message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Page(page)).into_response())
        }
        Err(other) => Err(other),
    }
}
