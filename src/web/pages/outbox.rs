//! The Outbox: what the app has emailed (or will) to people in an admin's areas.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{Layout, Page};
use crate::app::App;
use crate::domain::{Error, OutboxEntry, uk_instant};
use crate::web::session::SignedIn;

pub fn router() -> Router<App> {
    Router::new().route("/outbox", get(index))
}

struct MessageView {
    id: i64,
    kind: &'static str,
    recipient: String,
    subject: String,
    body: Option<String>,
    written: String,
    status: String,
    /// `Sent`, `Waiting` or `Retrying`: the status tag's words.
    tag: &'static str,
    tag_class: &'static str,
    attachment: Option<String>,
}

impl MessageView {
    fn of(entry: OutboxEntry) -> Self {
        let (tag, tag_class, status) = match (&entry.sent_at, &entry.last_error) {
            (Some(sent), _) => (
                "Sent",
                "govuk-tag--green",
                format!(
                    "Sent {}{}",
                    uk_instant(*sent),
                    entry
                        .delivered_to
                        .as_deref()
                        .filter(|to| *to != "smtp")
                        .map(|file| format!(" (written to {file})"))
                        .unwrap_or_default()
                ),
            ),
            (None, Some(error)) => (
                "Retrying",
                "govuk-tag--orange",
                format!(
                    "Tried {} times; next try {}. Last problem: {error}",
                    entry.attempts,
                    uk_instant(entry.next_attempt_at)
                ),
            ),
            (None, None) => (
                "Waiting",
                "govuk-tag--grey",
                "Waiting to be sent. Without a mail server configured, messages wait here."
                    .to_owned(),
            ),
        };
        Self {
            id: entry.id,
            kind: entry.kind.label(),
            recipient: entry.recipient,
            subject: entry.subject,
            body: entry.body,
            written: uk_instant(entry.created_at),
            status,
            tag,
            tag_class,
            attachment: entry.attachment_name,
        }
    }
}

#[derive(Template)]
#[template(path = "outbox/index.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<MessageView>,
    waiting: usize,
}

async fn index(
    State(app): State<App>,
    SignedIn(viewer): SignedIn,
) -> Result<Page<OutboxPage>, Error> {
    let messages: Vec<MessageView> = app
        .outbox(&viewer.actor)
        .await?
        .into_iter()
        .map(MessageView::of)
        .collect();
    Ok(Page(OutboxPage {
        layout: Layout::of(&viewer),
        waiting: messages.iter().filter(|m| m.tag != "Sent").count(),
        messages,
    }))
}
