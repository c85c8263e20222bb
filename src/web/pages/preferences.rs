//! What a person receives by email: their choices, and the one-click opt-out link in
//! every reminder, digest and board pack.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::{Layout, Page};
use crate::app::App;
use crate::domain::{Error, MailPreferences, Topic};
use crate::web::extract::Path;
use crate::web::session::{SignedIn, Viewer};

pub fn router() -> Router<App> {
    Router::new()
        .route("/account/mail", get(show).post(save))
        .route("/unsubscribe/{token}", get(confirm).post(unsubscribe))
}

#[derive(Template)]
#[template(path = "account/mail.html")]
struct PreferencesPage {
    layout: Layout,
    topics: Vec<(&'static str, &'static str, bool)>,
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
) -> Result<Page<PreferencesPage>, Error> {
    let preferences = app.mail_preferences(&viewer.actor).await?;
    Ok(Page(PreferencesPage {
        layout: Layout::of(&viewer),
        topics: Topic::ALL
            .into_iter()
            .map(|t| (t.code(), t.label(), preferences.wants(t)))
            .collect(),
        done: (query.done.as_deref() == Some("saved"))
            .then(|| "Your email choices have been saved.".to_owned()),
    }))
}

/// The checked boxes: a box left unticked is not sent, so absence means off.
#[derive(Deserialize)]
struct PreferencesForm {
    reminders: Option<String>,
    digests: Option<String>,
    board_packs: Option<String>,
}

async fn save(
    State(app): State<App>,
    viewer: Viewer,
    Form(form): Form<PreferencesForm>,
) -> Result<Redirect, Error> {
    let preferences = MailPreferences {
        reminders: form.reminders.is_some(),
        digests: form.digests.is_some(),
        board_packs: form.board_packs.is_some(),
    };
    app.set_mail_preferences(&viewer.actor, preferences).await?;
    Ok(Redirect::to("/account/mail?done=saved"))
}

#[derive(Template)]
#[template(path = "account/unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    token: String,
    stopped: Option<&'static str>,
}

/// A link followed from an email: ask before stopping, since mail scanners open links.
async fn confirm(viewer: Viewer, Path(token): Path<String>) -> Page<UnsubscribePage> {
    Page(UnsubscribePage {
        layout: Layout::of(&viewer),
        token,
        stopped: None,
    })
}

/// The button on that page, or a mail client's one-click request (RFC 8058).
async fn unsubscribe(
    State(app): State<App>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let topic = app.unsubscribe(&token).await?;
    Ok(Page(UnsubscribePage {
        layout: Layout::of(&viewer),
        token,
        stopped: Some(topic.label()),
    })
    .into_response())
}
