//! Mail the product sends: what each message says, written once as blocks and rendered
//! as plain text and as simple HTML (no images, no tracking, no styles a mail client
//! could drop: headings, paragraphs, lists and links read in every client and by
//! screen readers).

use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::{Error, Result};

/// What a message is for; stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// A link to create an account with a role.
    Invitation,
    /// A role offered to someone who already has an account.
    RoleInvitation,
    /// A link to choose a new password.
    PasswordReset,
    /// An owner's actions that need an update before the cycle closes.
    Reminder,
    /// The editors' digest: who has updated, who has not, overdue, slipped.
    Digest,
    /// The exception report for the board when a cycle closes.
    BoardPack,
}

impl MailKind {
    /// Every kind, in the order the Outbox page lists them.
    pub const ALL: [Self; 6] = [
        Self::Invitation,
        Self::RoleInvitation,
        Self::PasswordReset,
        Self::Reminder,
        Self::Digest,
        Self::BoardPack,
    ];

    /// How it is stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::RoleInvitation => "role_invitation",
            Self::PasswordReset => "password_reset",
            Self::Reminder => "reminder",
            Self::Digest => "digest",
            Self::BoardPack => "board_pack",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Invitation => "Invitation",
            Self::RoleInvitation => "Role offered",
            Self::PasswordReset => "Password reset",
            Self::Reminder => "Reminder",
            Self::Digest => "Digest",
            Self::BoardPack => "Board pack",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("unknown mail kind {code:?}")))
    }

    /// Whether the message holds a single-use sign-in link, which nobody but its
    /// recipient may read: its body is never shown on the Outbox page and is removed
    /// from the database once delivered.
    pub fn is_secret(self) -> bool {
        matches!(self, Self::Invitation | Self::PasswordReset)
    }

    /// The preference that stops it, for messages a person may opt out of.
    pub fn topic(self) -> Option<Topic> {
        match self {
            Self::Reminder => Some(Topic::Reminders),
            Self::Digest => Some(Topic::Digests),
            Self::BoardPack => Some(Topic::BoardPacks),
            Self::Invitation | Self::RoleInvitation | Self::PasswordReset => None,
        }
    }
}

/// What a person may choose to stop receiving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Reminders to update one's own actions.
    Reminders,
    /// Digests of who has updated, for editors.
    Digests,
    /// Board packs when a cycle closes.
    BoardPacks,
}

impl Topic {
    /// Every topic, as the preferences page lists them.
    pub const ALL: [Self; 3] = [Self::Reminders, Self::Digests, Self::BoardPacks];

    /// How it is stored and named in links.
    pub fn code(self) -> &'static str {
        match self {
            Self::Reminders => "reminders",
            Self::Digests => "digests",
            Self::BoardPacks => "board_packs",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Reminders => "Reminders to update my actions before a reporting cycle closes",
            Self::Digests => "Digests of who has updated, for the plans I edit",
            Self::BoardPacks => "Board packs: the exception report when a cycle closes",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| Error::not_found(format!("mail topic {code:?}")))
    }
}

/// What a person receives; everything unless they said otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MailPreferences {
    /// Reminders.
    pub reminders: bool,
    /// Digests.
    pub digests: bool,
    /// Board packs.
    pub board_packs: bool,
}

impl Default for MailPreferences {
    fn default() -> Self {
        Self {
            reminders: true,
            digests: true,
            board_packs: true,
        }
    }
}

impl MailPreferences {
    /// Whether the topic is on.
    pub fn wants(self, topic: Topic) -> bool {
        match topic {
            Topic::Reminders => self.reminders,
            Topic::Digests => self.digests,
            Topic::BoardPacks => self.board_packs,
        }
    }

    /// The same with one topic set.
    #[must_use]
    pub fn with(mut self, topic: Topic, on: bool) -> Self {
        match topic {
            Topic::Reminders => self.reminders = on,
            Topic::Digests => self.digests = on,
            Topic::BoardPacks => self.board_packs = on,
        }
        self
    }
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name as the recipient sees it.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// One message, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// What it is for.
    pub kind: MailKind,
    /// The address it goes to.
    pub to: String,
    /// Its subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The one-click opt-out link, for messages a person may stop.
    pub unsubscribe_url: Option<String>,
    /// A file sent with it.
    pub attachment: Option<Attachment>,
}

/// A part of a message's body.
#[derive(Debug, Clone)]
pub enum Block {
    /// A heading.
    Heading(String),
    /// A paragraph.
    Para(String),
    /// A link on its own line.
    Link { text: String, url: String },
    /// A bulleted list; each item may link somewhere.
    List(Vec<(String, Option<String>)>),
}

/// Renders blocks as plain text: links written out after their text, since many people
/// read mail as text and a link must survive being copied.
pub fn render_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Heading(text) => {
                out.push_str(text);
                out.push('\n');
                out.push_str(&"=".repeat(text.chars().count().min(72)));
                out.push('\n');
            }
            Block::Para(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Link { text, url } => {
                out.push_str(text);
                out.push_str(":\n");
                out.push_str(url);
                out.push('\n');
            }
            Block::List(items) => {
                for (text, url) in items {
                    out.push_str("- ");
                    out.push_str(text);
                    if let Some(url) = url {
                        out.push_str("\n  ");
                        out.push_str(url);
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Renders blocks as a small HTML document with the subject as its title.
pub fn render_html(subject: &str, blocks: &[Block]) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n",
        escape(subject)
    );
    for block in blocks {
        match block {
            Block::Heading(text) => {
                let _ = writeln!(out, "<h1>{}</h1>", escape(text));
            }
            Block::Para(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Link { text, url } => {
                let _ = writeln!(
                    out,
                    "<p><a href=\"{}\">{}</a></p>",
                    escape(url),
                    escape(text)
                );
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for (text, url) in items {
                    match url {
                        Some(url) => {
                            let _ = writeln!(
                                out,
                                "<li><a href=\"{}\">{}</a></li>",
                                escape(url),
                                escape(text)
                            );
                        }
                        None => {
                            let _ = writeln!(out, "<li>{}</li>", escape(text));
                        }
                    }
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Text made safe inside HTML elements and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A message from its kind, recipient, subject and blocks.
pub fn compose(kind: MailKind, to: &str, subject: &str, blocks: &[Block]) -> Mail {
    Mail {
        kind,
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: render_text(blocks),
        html: render_html(subject, blocks),
        unsubscribe_url: None,
        attachment: None,
    }
}

/// "4 December 2026".
fn long_date(date: Date) -> String {
    super::uk_date(date)
}

/// "4 December 2026 at 17:54 UTC": when something was sent or ends, for pages and mail.
pub fn uk_instant(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{} at {:02}:{:02} UTC",
        super::uk_date(at.date()),
        at.hour(),
        at.minute()
    )
}

/// The invitation to a new address: a link to choose a password and start.
pub fn invitation_mail(
    to: &str,
    area: &str,
    role: &str,
    invited_by: &str,
    link: &str,
    expires_at: OffsetDateTime,
) -> Mail {
    compose(
        MailKind::Invitation,
        to,
        &format!("You have been invited to WSOA Tracker for {area}"),
        &[
            Block::Para(format!(
                "{invited_by} has invited you to WSOA Tracker, where {area} keeps its SEND improvement plan, as {}.",
                with_article(role)
            )),
            Block::Link {
                text: "Choose a password to start".to_owned(),
                url: link.to_owned(),
            },
            Block::Para(format!(
                "The link works once and until {}. If you were not expecting this, you can ignore this email: nothing happens unless you use the link.",
                long_date(expires_at.date())
            )),
        ],
    )
}

/// The offer of a role to someone who already has an account: they accept it after
/// signing in, so nothing about the account changes until they do.
pub fn role_invitation_mail(
    to: &str,
    area: &str,
    role: &str,
    invited_by: &str,
    link: &str,
) -> Mail {
    compose(
        MailKind::RoleInvitation,
        to,
        &format!("You have been offered a role in {area} on WSOA Tracker"),
        &[
            Block::Para(format!(
                "{invited_by} has offered you a role in {area} on WSOA Tracker, as {}.",
                with_article(role)
            )),
            Block::Link {
                text: "Sign in to accept or decline it on your account page".to_owned(),
                url: link.to_owned(),
            },
            Block::Para(
                "Nothing about your account changes until you accept. If you were not expecting this, decline it or ignore this email."
                    .to_owned(),
            ),
        ],
    )
}

/// The password reset link.
pub fn password_reset_mail(to: &str, link: &str, expires_at: OffsetDateTime) -> Mail {
    compose(
        MailKind::PasswordReset,
        to,
        "Reset your WSOA Tracker password",
        &[
            Block::Para(
                "Someone asked to reset the password of your WSOA Tracker account.".to_owned(),
            ),
            Block::Link {
                text: "Choose a new password".to_owned(),
                url: link.to_owned(),
            },
            Block::Para(format!(
                "The link works once, for one hour (until {}). Choosing a new password signs you out everywhere else. If you did not ask for this, ignore this email: your password stays as it is.",
                uk_instant(expires_at)
            )),
        ],
    )
}

/// "an adviser", "a viewer": the role's label in a sentence.
fn with_article(role: &str) -> String {
    let lower = role.to_lowercase();
    let article = if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {lower}")
}

/// A message in the outbox, as the Outbox page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    /// Stored id.
    pub id: i64,
    /// What it is for.
    pub kind: MailKind,
    /// Who it went to.
    pub recipient: String,
    /// Its subject.
    pub subject: String,
    /// The plain-text body; `None` for a message holding a sign-in link.
    pub body: Option<String>,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// When it was delivered.
    pub sent_at: Option<OffsetDateTime>,
    /// Where it went: `smtp` or the file written.
    pub delivered_to: Option<String>,
    /// How many times delivery was tried.
    pub attempts: i64,
    /// The last delivery failure.
    pub last_error: Option<String>,
    /// When delivery is next tried.
    pub next_attempt_at: OffsetDateTime,
    /// The name of the attached file.
    pub attachment_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_typed_and_text_spells_links_out() {
        let blocks = [
            Block::Para("Fish & <chips>".to_owned()),
            Block::Link {
                text: "Go".to_owned(),
                url: "https://example.test/a?b=1&c=\"2\"".to_owned(),
            },
        ];
        let html = render_html("Tea & cake", &blocks);
        assert!(html.contains("<p>Fish &amp; &lt;chips&gt;</p>"), "{html}");
        assert!(
            html.contains("href=\"https://example.test/a?b=1&amp;c=&quot;2&quot;\""),
            "{html}"
        );
        assert!(html.contains("<title>Tea &amp; cake</title>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        let text = render_text(&blocks);
        assert!(
            text.contains("Go:\nhttps://example.test/a?b=1&c=\"2\""),
            "{text}"
        );
        assert!(text.contains("Fish & <chips>"), "{text}");
    }

    #[test]
    fn sign_in_links_are_secret_and_offers_are_not() {
        assert!(MailKind::Invitation.is_secret());
        assert!(MailKind::PasswordReset.is_secret());
        assert!(!MailKind::RoleInvitation.is_secret());
        for kind in MailKind::ALL {
            assert_eq!(MailKind::from_code(kind.code()).unwrap(), kind);
        }
        assert!(MailKind::from_code("spam").is_err());
    }

    #[test]
    fn an_invitation_names_the_area_role_and_expiry_and_carries_the_link() {
        let expires = time::macros::datetime!(2026-12-11 09:30 UTC);
        let mail = invitation_mail(
            "ann@example.test",
            "Camden",
            "Admin",
            "Roz Danks",
            "https://wsoa.example/invitations/abc",
            expires,
        );
        assert_eq!(mail.kind, MailKind::Invitation);
        assert!(mail.subject.contains("Camden"));
        assert!(mail.text.contains("as an admin"), "{}", mail.text);
        assert!(mail.text.contains("https://wsoa.example/invitations/abc"));
        assert!(mail.text.contains("11 December 2026"), "{}", mail.text);
        assert!(
            mail.html
                .contains("href=\"https://wsoa.example/invitations/abc\"")
        );
    }
}
