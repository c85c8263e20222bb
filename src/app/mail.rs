//! Mail: invitations, password resets, the outbox and its delivery.
//!
//! Use cases never talk to a mail server. They write their message to the outbox in the
//! transaction of the change that caused it, and [`App::deliver_mail`] (run by the
//! worker in `wsoa serve`, [`spawn_mail_worker`]) claims due messages and hands them to a
//! [`Mailer`]: SMTP, a directory of `.eml` files, or nothing (they wait in the outbox).
//! A mail server that is down delays mail; it never fails a request or loses a message.

use std::path::PathBuf;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use time::Duration;

use super::App;
use super::account::{digest, random_hex, security_event};
use crate::domain::mail::{invitation_mail, password_reset_mail, role_invitation_mail};
use crate::domain::{
    Actor, Email, Error, Mail, NewAuditEvent, OutboxEntry, Result, Role, User, UserId,
};
use crate::store::{Invitation, InvitationOutcome, NewGrant, NewInvitation};

/// How long an invitation link works.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);
/// How long a password reset link works.
pub const PASSWORD_RESET_LIFETIME: Duration = Duration::hours(1);
/// Reset links one account may be sent in an hour: more requests are answered the same
/// way but send nothing, so nobody can flood a mailbox.
pub const PASSWORD_RESETS_PER_HOUR: i64 = 3;
/// How long a claimed message is this process's to deliver before another may try.
const CLAIM_LEASE: Duration = Duration::minutes(5);
/// Messages claimed at a time.
const CLAIM_BATCH: i64 = 20;

/// What the links in messages start with, and who messages are from.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The address people reach the app at (`https://wsoa.example.gov.uk`), without a
    /// trailing slash.
    pub base_url: String,
    /// The `From` address.
    pub from: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".to_owned(),
            from: "WSOA Tracker <wsoa-tracker@localhost>".to_owned(),
        }
    }
}

/// Where delivered messages go.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp {
        /// The connection (pooled by lettre).
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The `From` address.
        from: Mailbox,
    },
    /// One `.eml` file per message, in this directory.
    Directory {
        /// The directory.
        dir: PathBuf,
        /// The `From` address.
        from: Mailbox,
    },
    /// Nowhere: messages stay in the outbox, listed on the Outbox page.
    Keep,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Smtp { .. } => "Mailer::Smtp",
            Self::Directory { .. } => "Mailer::Directory",
            Self::Keep => "Mailer::Keep",
        })
    }
}

impl Mailer {
    /// A mailer from the settings: an SMTP URL (`smtps://user:pass@host`,
    /// `smtp://host:587?tls=required`, or plain `smtp://127.0.0.1:2525` for a local relay)
    /// wins over a directory; with neither, messages are kept.
    pub fn from_settings(
        smtp_url: Option<&str>,
        mail_dir: Option<PathBuf>,
        from: &str,
    ) -> anyhow::Result<Self> {
        let from_box: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("the mail From address {from:?} is not valid: {e}"))?;
        if let Some(url) = smtp_url.filter(|u| !u.trim().is_empty()) {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
                .map_err(|e| {
                    anyhow::anyhow!(
                        "the SMTP URL {:?} is not valid: {e}",
                        crate::store::redact(url)
                    )
                })?
                .timeout(Some(std::time::Duration::from_secs(20)))
                .build();
            return Ok(Self::Smtp {
                transport,
                from: from_box,
            });
        }
        if let Some(dir) = mail_dir {
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
            return Ok(Self::Directory {
                dir,
                from: from_box,
            });
        }
        Ok(Self::Keep)
    }

    /// Delivers one message: where it went, or why it did not.
    async fn deliver(&self, id: i64, mail: &Mail) -> std::result::Result<String, String> {
        match self {
            Self::Keep => Err("no mail server is configured".to_owned()),
            Self::Smtp { transport, from } => {
                let message = build_message(from, mail)?;
                transport
                    .send(message)
                    .await
                    .map(|_| "smtp".to_owned())
                    .map_err(|e| format!("the mail server refused or could not be reached: {e}"))
            }
            Self::Directory { dir, from } => {
                let message = build_message(from, mail)?;
                let path = dir.join(format!("{id:08}-{}.eml", mail.kind.code()));
                let bytes = message.formatted();
                tokio::fs::write(&path, bytes)
                    .await
                    .map(|()| path.display().to_string())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            }
        }
    }
}

/// The MIME message: plain text and HTML as alternatives, the attachment beside them.
fn build_message(from: &Mailbox, mail: &Mail) -> std::result::Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("the address {:?} is not valid: {e}", mail.to))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone());
    if let Some(url) = &mail.unsubscribe_url {
        let name = |n: &str| HeaderName::new_from_ascii(n.to_owned()).map_err(|e| e.to_string());
        builder = builder
            .raw_header(HeaderValue::new(
                name("List-Unsubscribe")?,
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                name("List-Unsubscribe-Post")?,
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(mail.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(mail.html.clone()),
        );
    let body = match &mail.attachment {
        Some(file) => {
            let media: ContentType = file
                .media_type
                .parse()
                .map_err(|_| format!("the media type {:?} is not valid", file.media_type))?;
            MultiPart::mixed()
                .multipart(body)
                .singlepart(Attachment::new(file.name.clone()).body(file.bytes.clone(), media))
        }
        None => body,
    };
    builder.multipart(body).map_err(|e| e.to_string())
}

/// How long to wait after a failed attempt: 30 seconds, doubling, at most an hour.
pub fn retry_delay(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 7)).unwrap_or(7);
    Duration::seconds(30 * 2_i64.pow(doublings)).min(Duration::hours(1))
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Messages delivered.
    pub sent: usize,
    /// Messages that failed and wait for their retry.
    pub failed: usize,
}

/// Delivers the outbox every `every` until the process ends. Failures are logged and
/// retried; the loop itself never stops on one.
pub fn spawn_mail_worker(
    app: App,
    mailer: Mailer,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match app.deliver_mail(&mailer).await {
                Ok(round) if round.sent + round.failed > 0 => {
                    tracing::info!(sent = round.sent, failed = round.failed, "mail delivered");
                }
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "mail delivery round failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// An invitation as its link's page shows it.
#[derive(Debug, Clone)]
pub struct InvitationView {
    /// The invitation.
    pub invitation: Invitation,
    /// Whether the address already has an account (then it is accepted after signing in).
    pub has_account: bool,
}

/// What inviting someone did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invited {
    /// They already had a role in the area: it was changed.
    RoleChanged,
    /// An invitation was sent (to create an account, or to accept a role).
    Sent,
}

impl App {
    /// Sets where links in messages point and who messages are from.
    #[must_use]
    pub fn with_mail(mut self, settings: MailSettings) -> Self {
        self.mail = std::sync::Arc::new(MailSettings {
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            ..settings
        });
        self
    }

    /// The settings messages are written with.
    pub fn mail_settings(&self) -> &MailSettings {
        &self.mail
    }

    /// Claims due messages and delivers them. With nowhere to deliver, nothing is
    /// claimed: the messages wait, unchanged, for a configured mailer.
    pub async fn deliver_mail(&self, mailer: &Mailer) -> Result<DeliveryRound> {
        let mut round = DeliveryRound::default();
        if matches!(mailer, Mailer::Keep) {
            return Ok(round);
        }
        let claimed = self
            .store
            .claim_mail(self.now_seconds(), CLAIM_LEASE, CLAIM_BATCH)
            .await?;
        for message in claimed {
            match mailer.deliver(message.id, &message.mail).await {
                Ok(to) => {
                    self.store
                        .mark_mail_sent(message.id, &to, self.now_seconds())
                        .await?;
                    metrics::counter!("mail_sent_total", "kind" => message.mail.kind.code())
                        .increment(1);
                    round.sent += 1;
                }
                Err(error) => {
                    tracing::warn!(
                        message = message.id,
                        attempts = message.attempts,
                        %error,
                        "mail not delivered; it will be tried again"
                    );
                    let now = self.now_seconds();
                    self.store
                        .mark_mail_failed(
                            message.id,
                            &error,
                            now + retry_delay(message.attempts),
                            now,
                        )
                        .await?;
                    metrics::counter!("mail_failed_total").increment(1);
                    round.failed += 1;
                }
            }
        }
        Ok(round)
    }

    /// The Outbox page: messages about the areas the actor administers (everything for
    /// the command line), newest first. Bodies holding sign-in links are never shown.
    pub async fn outbox(&self, actor: &Actor) -> Result<Vec<OutboxEntry>> {
        match actor {
            Actor::System => self.store.outbox(None, 500).await,
            Actor::Public => Err(Error::Unauthorized),
            Actor::User(user) => {
                let areas: Vec<_> = user
                    .grants
                    .iter()
                    .filter(|g| g.role == Role::Admin)
                    .map(|g| g.local_area.id)
                    .collect();
                if areas.is_empty() {
                    return Err(Error::Forbidden);
                }
                self.store.outbox(Some(&areas), 500).await
            }
        }
    }

    /// Messages waiting to be delivered.
    pub async fn pending_mail(&self) -> Result<i64> {
        self.store.pending_mail().await
    }

    /// Invites someone to a role in an area: an admin of the area, or the command line.
    /// Someone who already has a role there has it changed; anyone else is sent a link
    /// (a new address chooses a password; an existing account accepts after signing in,
    /// and nothing about it changes until then). The answer does not say whether the
    /// address had an account elsewhere.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), role = ?new.role))]
    pub async fn invite(&self, actor: &Actor, new: super::NewUser) -> Result<Invited> {
        let (area, email, person_key) = self.role_to_grant(actor, &new).await?;
        let name = new.name.trim().to_owned();
        let existing = match self.store.credentials(email.as_str()).await? {
            Some(found) => Some(self.store.user(found.user).await?),
            None => None,
        };
        let now = self.now_seconds();
        let by = NewAuditEvent::by(actor, "invitation", "invitation.sent");
        if let Some(user) = existing
            .as_ref()
            .filter(|u| u.grants.iter().any(|g| g.local_area.id == area.id))
        {
            let grant = NewGrant {
                local_area: area.id,
                role: new.role,
                person_key,
            };
            let by = NewAuditEvent::by(actor, "user", "user.role_granted");
            security_event(
                "role.changed",
                actor.user_id(),
                &format!("{} as {} in {}", user.email, new.role.code(), area.name),
            );
            self.store
                .save_user(&user.email, &user.name, None, &grant, &by, now)
                .await?;
            return Ok(Invited::RoleChanged);
        }
        let token = random_hex(32)?;
        let expires_at = now + INVITATION_LIFETIME;
        let inviter = match actor {
            Actor::User(me) => me.name.clone(),
            _ => "The administrator".to_owned(),
        };
        let base = &self.mail.base_url;
        let mail = if existing.is_some() {
            role_invitation_mail(
                email.as_str(),
                &area.name,
                new.role.label(),
                &inviter,
                &format!("{base}/login?next=/account"),
            )
        } else {
            invitation_mail(
                email.as_str(),
                &area.name,
                new.role.label(),
                &inviter,
                &format!("{base}/invitations/{token}"),
                expires_at,
            )
        };
        let invitation = NewInvitation {
            token_hash: digest(&token),
            email: email.as_str().to_owned(),
            name,
            local_area: area.id,
            role: new.role,
            person_key,
            invited_by: actor.user_id(),
            expires_at,
        };
        security_event(
            "invitation.sent",
            actor.user_id(),
            &format!("{} as {} in {}", email.as_str(), new.role.code(), area.name),
        );
        self.store
            .insert_invitation(&invitation, &mail, &by, now)
            .await?;
        Ok(Invited::Sent)
    }

    /// The open invitation a link names; an expired, used or unknown link is not found.
    pub async fn invitation(&self, token: &str) -> Result<InvitationView> {
        let invitation = self
            .store
            .invitation_by_token(&digest(token), self.now_seconds())
            .await?
            .ok_or_else(expired_invitation)?;
        let has_account = self.store.credentials(&invitation.email).await?.is_some();
        Ok(InvitationView {
            invitation,
            has_account,
        })
    }

    /// Accepts an invitation to a new account: the invitee names themselves and chooses
    /// a password, and is signed in. The link works once.
    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
        confirm: &str,
    ) -> Result<super::NewSession> {
        let view = self.invitation(token).await?;
        if view.has_account {
            return Err(Error::Conflict(
                "An account with this email address already exists: sign in to accept the invitation on your account page".to_owned(),
            ));
        }
        let name = match name.trim() {
            "" => return Err(Error::invalid("name", "Enter your full name")),
            name if name.chars().count() > 200 => {
                return Err(Error::invalid(
                    "name",
                    "Name must be 200 characters or fewer",
                ));
            }
            name => name.to_owned(),
        };
        super::account::check_password_strength(
            "password",
            password,
            &super::account::known_words(&view.invitation.email, &name),
        )?;
        if password != confirm {
            return Err(Error::invalid("confirm_password", "Passwords must match"));
        }
        let hash = self.hash_password(password).await?;
        let by = NewAuditEvent {
            actor: view.invitation.email.clone(),
            ..NewAuditEvent::by(&Actor::Public, "invitation", "invitation.accepted")
        };
        let user = self
            .store
            .close_invitation(
                view.invitation.id,
                InvitationOutcome::Accepted {
                    account: None,
                    new_account: Some((&name, Some(&hash))),
                },
                &by,
                self.now_seconds(),
            )
            .await?
            .flatten()
            .ok_or_else(expired_invitation)?;
        security_event("invitation.accepted", Some(user), "account created");
        self.start_session(user).await
    }

    /// The roles offered to the signed-in person, waiting for their answer.
    pub async fn offered_roles(&self, actor: &Actor) -> Result<Vec<Invitation>> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        self.store
            .invitations_for_email(&user.email, self.now_seconds())
            .await
    }

    /// Accepts or declines a role offered to the signed-in person.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), invitation = id, accept))]
    pub async fn answer_offer(&self, actor: &Actor, id: i64, accept: bool) -> Result<()> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        let offered = self.offered_roles(actor).await?;
        if !offered.iter().any(|i| i.id == id) {
            return Err(expired_invitation());
        }
        let outcome = if accept {
            InvitationOutcome::Accepted {
                account: Some(user.id),
                new_account: None,
            }
        } else {
            InvitationOutcome::Declined
        };
        let by = NewAuditEvent::by(actor, "invitation", "invitation.answered");
        self.store
            .close_invitation(id, outcome, &by, self.now_seconds())
            .await?
            .ok_or_else(expired_invitation)?;
        Ok(())
    }

    /// The open invitations to an area, for its admins.
    pub async fn area_invitations(&self, actor: &Actor, key: &str) -> Result<Vec<Invitation>> {
        let area = self.local_area_for_reading(actor, key).await?;
        actor
            .may_manage_users(area.id)
            .check(|| format!("local area {key:?}"))?;
        self.store
            .invitations_of_area(area.id, self.now_seconds())
            .await
    }

    /// Withdraws an open invitation to an area: its link stops working.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), invitation = id))]
    pub async fn withdraw_invitation(&self, actor: &Actor, key: &str, id: i64) -> Result<()> {
        let open = self.area_invitations(actor, key).await?;
        if !open.iter().any(|i| i.id == id) {
            return Err(expired_invitation());
        }
        let by = NewAuditEvent::by(actor, "invitation", "invitation.withdrawn");
        self.store
            .close_invitation(id, InvitationOutcome::Withdrawn, &by, self.now_seconds())
            .await?
            .ok_or_else(expired_invitation)?;
        Ok(())
    }

    /// Sends a password reset link to an address if it has an account. The answer is the
    /// same whether or not it does, and a few links an hour at most are sent.
    #[tracing::instrument(skip_all)]
    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let email = Email::parse(email)?;
        let Some(found) = self
            .store
            .credentials(email.as_str())
            .await?
            .filter(|c| !c.disabled)
        else {
            return Ok(());
        };
        let token = random_hex(32)?;
        let now = self.now_seconds();
        let expires_at = now + PASSWORD_RESET_LIFETIME;
        let mail = password_reset_mail(
            email.as_str(),
            &format!("{}/password-reset/{token}", self.mail.base_url),
            expires_at,
        );
        let written = self
            .store
            .insert_password_reset(
                found.user,
                &digest(&token),
                expires_at,
                &mail,
                PASSWORD_RESETS_PER_HOUR,
                now,
            )
            .await?;
        if !written {
            tracing::warn!(
                user = found.user.0,
                "password reset not sent: too many asked for in the last hour"
            );
        }
        Ok(())
    }

    /// Whether a reset link still works.
    pub async fn password_reset_is_open(&self, token: &str) -> Result<()> {
        self.store
            .password_reset_user(&digest(token), self.now_seconds())
            .await?
            .map(|_| ())
            .ok_or_else(expired_reset)
    }

    /// Uses a reset link: the new password is set and every session of the account
    /// ends. The link works once.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(&self, token: &str, new: &str, confirm: &str) -> Result<UserId> {
        self.password_reset_is_open(token).await?;
        super::account::check_password_strength("new_password", new, &[])?;
        if new != confirm {
            return Err(Error::invalid("confirm_password", "Passwords must match"));
        }
        let hash = self.hash_password(new).await?;
        let user = self
            .store
            .use_password_reset(&digest(token), &hash, self.now_seconds())
            .await?
            .ok_or_else(expired_reset)?;
        security_event("password.reset", Some(user), "every session ended");
        Ok(user)
    }

    /// An account by id, for pages that just started its session.
    pub async fn account(&self, id: UserId) -> Result<User> {
        self.store.user(id).await
    }
}

fn expired_invitation() -> Error {
    Error::not_found("invitation (the link may have expired, been used or been withdrawn)")
}

fn expired_reset() -> Error {
    Error::not_found("password reset link (it may have expired or been used)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(4), Duration::seconds(240));
        assert_eq!(retry_delay(50), Duration::hours(1));
        assert_eq!(retry_delay(0), Duration::seconds(30));
    }

    #[test]
    fn a_message_has_text_and_html_parts_and_an_unsubscribe_header_when_it_may_be_stopped() {
        let from: Mailbox = "WSOA Tracker <wsoa@example.test>".parse().unwrap();
        let mut mail = crate::domain::mail::compose(
            crate::domain::MailKind::RoleInvitation,
            "ann@example.test",
            "Hello",
            &[crate::domain::mail::Block::Para("Body".to_owned())],
        );
        let plain = String::from_utf8(build_message(&from, &mail).unwrap().formatted()).unwrap();
        assert!(plain.contains("text/plain"), "{plain}");
        assert!(plain.contains("text/html"), "{plain}");
        assert!(!plain.contains("List-Unsubscribe"), "{plain}");
        mail.unsubscribe_url = Some("https://wsoa.example/unsubscribe/abc".to_owned());
        let stoppable =
            String::from_utf8(build_message(&from, &mail).unwrap().formatted()).unwrap();
        assert!(
            stoppable.contains("List-Unsubscribe: <https://wsoa.example/unsubscribe/abc>"),
            "{stoppable}"
        );
        mail.to = "not an address".to_owned();
        assert!(
            build_message(&from, &mail)
                .unwrap_err()
                .contains("not an address")
        );
    }
}
