//! Accounts: signing in and out, sessions, passwords, roles and API tokens.
//!
//! Signing in is two steps with a clear seam between them: [`App::authenticate`] proves
//! who someone is (today with a local password), and [`App::start_session`] starts a
//! session for an account. Single sign-on would add another way to reach an account id
//! (a single sign-on callback, say) and call `start_session` the same way.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};

use super::App;
use crate::domain::{
    ADDRESS_WINDOW, Actor, ApiTokenInfo, Email, Error, FAILURE_MEMORY, LocalArea, NewAuditEvent,
    Result, Role, User, UserId, check_new_password, sign_in_wait,
};

/// "15 minutes", "2 hours": a wait in words, rounded up to the minute.
fn wait_words(wait: Duration) -> String {
    let minutes = wait.whole_minutes() + i64::from(wait.whole_seconds() % 60 != 0);
    match minutes {
        ..=1 => "a minute".to_owned(),
        2..=90 => format!("{minutes} minutes"),
        _ => format!("{} hours", (minutes + 59) / 60),
    }
}
use crate::store::NewGrant;

/// The lowest zxcvbn score (0–4) accepted: 3 is "safely unguessable" against an online
/// attack slowed by lockouts, which is what a sign-in faces.
const MIN_PASSWORD_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Checks a new password's length, then how guessable it is (common passwords, keyboard
/// runs, dates, and words from the person's own email and name), with zxcvbn's advice as
/// the message so the person knows what to change.
pub(crate) fn check_password_strength(field: &str, password: &str, known: &[String]) -> Result<()> {
    check_new_password(field, password)?;
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &known);
    if estimate.score() >= MIN_PASSWORD_SCORE {
        return Ok(());
    }
    // zxcvbn's warnings and tips are whole sentences ("This is a top-100 common
    // password."), so they follow the GOV.UK-style summary as they are.
    let mut message = "Password is too easy to guess.".to_owned();
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            message = format!("{message} {warning}");
        }
        if let Some(tip) = feedback.suggestions().first() {
            message = format!("{message} {tip}");
        }
    }
    Err(Error::invalid(field, message))
}

/// What a person's password should not be built from: their email's parts, the part
/// before the `@` run together, and their name.
pub(crate) fn known_words(email: &str, name: &str) -> Vec<String> {
    let local = email.split('@').next().unwrap_or_default();
    email
        .split(['@', '.', '-', '_', '+'])
        .chain(name.split_whitespace())
        .map(str::to_lowercase)
        .chain(std::iter::once(local.replace(['.', '-', '_', '+'], "")))
        .filter(|w| w.chars().count() >= 3)
        .collect()
}

/// How long a session lasts from sign-in at most, however busy.
pub const SESSION_LIFETIME: Duration = Duration::hours(24);
/// How long a session lasts without being used, unless set otherwise.
pub const SESSION_IDLE: Duration = Duration::hours(8);
/// How long an API token works unless revoked first.
pub const TOKEN_LIFETIME: Duration = Duration::days(90);
pub use crate::domain::{ADDRESS_FAILURES as IP_LOCKOUT_FAILURES, FIRST_LOCKOUT as LOCKOUT_WINDOW};
/// Failed sign-ins for one email that lock it.
pub const LOCKOUT_FAILURES: i64 = 5;
/// The start of every API token, so a leaked one is easy to recognise in logs and scans.
pub const TOKEN_PREFIX: &str = "wsoa_";

/// How much work hashing a password takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with the crate's defaults (19 MiB, 2 passes): OWASP's recommendation.
    Standard,
    /// The cheapest argon2id allows. Tests only: it makes a stolen hash easy to crack.
    TestOnlyFast,
}

impl PasswordCost {
    fn hasher(self) -> Argon2<'static> {
        let params = match self {
            Self::Standard => Params::DEFAULT,
            Self::TestOnlyFast => Params::new(Params::MIN_M_COST, 1, 1, None).unwrap_or_default(),
        };
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// An open session, as its owner's account page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Whether it is the one asking.
    pub current: bool,
    /// When it began.
    pub started_at: OffsetDateTime,
    /// When it was last used (to the minute).
    pub last_used_at: OffsetDateTime,
}

/// A session just started: the cookie's value (shown to the browser, never stored) and
/// when it ends.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret the browser sends back.
    pub token: String,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

/// An account to create, or a role to grant to an existing one.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name.
    pub email: String,
    /// Full name; the email when left blank.
    pub name: String,
    /// The role…
    pub role: Role,
    /// …in this local area (slug or name).
    pub local_area: String,
    /// For owners: how the area's plans name this person.
    pub person_key: Option<String>,
    /// A password to set; `None` keeps an existing account's password.
    pub password: Option<String>,
}

/// A token just created: the secret is in `token`, shown once and never again.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Stored id.
    pub id: i64,
    /// The bearer token.
    pub token: String,
}

/// Random bytes as lower-case hex.
pub(super) fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::Internal(anyhow::anyhow!("no randomness available: {e}")))?;
    Ok(hex(&buf))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// What is stored for a secret: its SHA-256. The secrets are 256 random bits, so a fast
/// hash is enough; a slow one would only make every request slower.
pub(super) fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A security event for the log (target `security`): who, and what. The request span
/// around it adds the client address, route and request id.
pub(super) fn security_event(event: &'static str, user: Option<UserId>, detail: &str) {
    tracing::info!(
        target: "security",
        event,
        user = user.map(|u| u.0),
        detail,
        "security event"
    );
}

fn internal(context: &str, err: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("{context}: {err}"))
}

impl App {
    /// Sets how much work password hashing takes (tests use the fast setting).
    #[must_use]
    pub fn with_password_cost(mut self, cost: PasswordCost) -> Self {
        self.password_cost = cost;
        self
    }

    /// The instant, to the second: auth timestamps are compared as stored text on SQLite,
    /// and whole seconds keep that comparison exact.
    pub(super) fn now_seconds(&self) -> OffsetDateTime {
        let now = self.clock.now();
        now.replace_nanosecond(0).unwrap_or(now)
    }

    async fn hashing_permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>> {
        self.hashing
            .acquire()
            .await
            .map_err(|e| internal("waiting to hash a password", e))
    }

    pub(super) async fn hash_password(&self, password: &str) -> Result<String> {
        let hasher = self.password_cost.hasher();
        let password = password.to_owned();
        let _permit = self.hashing_permit().await?;
        // Hashing takes tens of milliseconds of CPU: keep it off the async workers.
        tokio::task::spawn_blocking(move || {
            hasher
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|e| internal("hashing a password", e))
        })
        .await
        .map_err(|e| internal("hashing a password", e))?
    }

    async fn password_matches(&self, password: &str, hash: Option<String>) -> Result<bool> {
        let hasher = self.password_cost.hasher();
        let password = password.to_owned();
        // An account without a password is checked against a throwaway hash, so the time
        // taken does not tell which emails have accounts.
        let (hash, real) = match hash {
            Some(hash) => (hash, true),
            None => (self.hash_password("not a real password").await?, false),
        };
        let _permit = self.hashing_permit().await?;
        tokio::task::spawn_blocking(move || {
            real && hasher
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .map_err(|e| internal("checking a password", e))
    }

    /// Records a sign-in attempt (a password, or a second step's code) as a failure
    /// before it is checked, in one step with the lockout's check, so guesses sent at once
    /// cannot all slip past it; refuses at once while the email or address is locked.
    pub(super) async fn sign_in_gate(
        &self,
        email: &str,
        ip: Option<&str>,
        field: &str,
    ) -> Result<()> {
        let now = self.now_seconds();
        let wait = self
            .store
            .begin_login_attempt(
                email,
                ip,
                (now - FAILURE_MEMORY, now - ADDRESS_WINDOW),
                now,
                |failures, by_ip| sign_in_wait(failures, by_ip, now),
            )
            .await?;
        if let Some(wait) = wait {
            tracing::warn!(
                target: "security",
                event = "sign_in.locked",
                email = %email,
                ip = ip.unwrap_or(""),
                wait_minutes = wait.whole_minutes() + 1,
                "sign-in refused: locked after failed attempts"
            );
            return Err(Error::invalid(
                field,
                format!(
                    "There have been too many failed attempts to sign in. Wait {}, then try again",
                    wait_words(wait)
                ),
            ));
        }
        Ok(())
    }

    /// Checks an email and password (the first step of signing in: see
    /// [`App::log_in`]); the lockout applies first. Every failure, whether
    /// or not the email has an account, counts towards the email's and the address's
    /// lockout, and all of them read the same, so nobody learns which emails have accounts.
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
        ip: Option<&str>,
    ) -> Result<UserId> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Err(Error::invalid("email", "Enter your email address"));
        }
        if password.is_empty() {
            return Err(Error::invalid("password", "Enter your password"));
        }
        self.sign_in_gate(&email, ip, "email").await?;
        let credentials = self.store.credentials(&email).await?;
        let matches = if password.chars().count() > crate::domain::MAX_PASSWORD_CHARS {
            false
        } else {
            self.password_matches(
                password,
                credentials.as_ref().and_then(|c| c.password_hash.clone()),
            )
            .await?
        };
        match credentials {
            // The failures are cleared only once signed in (after any second step), so
            // a known password does not reset the lockout on guessing codes.
            Some(found) if matches && !found.disabled => {
                tracing::info!(
                    target: "security",
                    event = "sign_in.password_accepted",
                    user = found.user.0,
                    ip = ip.unwrap_or(""),
                    "password accepted"
                );
                Ok(found.user)
            }
            _ => {
                tracing::warn!(
                    target: "security",
                    event = "sign_in.failed",
                    email = %email,
                    ip = ip.unwrap_or(""),
                    "sign-in failed"
                );
                Err(Error::invalid(
                    "email",
                    "Enter a correct email address and password",
                ))
            }
        }
    }

    /// Starts a session for an account, however it was authenticated.
    pub async fn start_session(&self, user: UserId) -> Result<NewSession> {
        let token = random_hex(32)?;
        let now = self.now_seconds();
        let expires_at = now + SESSION_LIFETIME;
        self.store
            .insert_session(&digest(&token), user, expires_at, now)
            .await?;
        Ok(NewSession { token, expires_at })
    }

    /// Ends a session. An unknown session is already ended.
    pub async fn log_out(&self, session: &str) -> Result<()> {
        self.store.delete_session(&digest(session)).await
    }

    /// Sets how long a session lasts without being used.
    #[must_use]
    pub fn with_session_idle(mut self, idle: Duration) -> Self {
        self.session_idle = idle;
        self
    }

    /// Who a session belongs to: the public when it is unknown, has expired, has gone
    /// unused too long or its account is disabled.
    pub async fn actor_for_session(&self, session: &str) -> Result<Actor> {
        let now = self.now_seconds();
        Ok(self
            .store
            .session_account(&digest(session), now, now - self.session_idle)
            .await?
            .map_or(Actor::Public, Actor::User))
    }

    /// The signed-in person's open sessions, newest first: when each began, when it was
    /// last used, and whether it is `current`.
    pub async fn sessions(&self, actor: &Actor, current: Option<&str>) -> Result<Vec<SessionInfo>> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        let now = self.now_seconds();
        let current = current.map(digest);
        Ok(self
            .store
            .sessions_of(user.id, now, now - self.session_idle)
            .await?
            .into_iter()
            .map(|(id, started, seen)| SessionInfo {
                current: current.as_deref() == Some(id.as_str()),
                started_at: started,
                last_used_at: seen.unwrap_or(started),
            })
            .collect())
    }

    /// Signs the person out everywhere but here.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0)))]
    pub async fn sign_out_everywhere(&self, actor: &Actor, keep: Option<&str>) -> Result<u64> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        security_event(
            "sessions.ended",
            Some(user.id),
            "signed out everywhere else",
        );
        let by = NewAuditEvent::by(actor, "user", "user.signed_out_everywhere");
        self.store
            .end_sessions(
                user.id,
                keep.map(digest).as_deref(),
                &by,
                self.now_seconds(),
            )
            .await
    }

    /// Removes someone's role in an area: an admin of it, or the command line. Their
    /// account and their roles elsewhere stay.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0)))]
    pub async fn remove_role(&self, actor: &Actor, area: &str, email: &str) -> Result<()> {
        let area = self.local_area_for_reading(actor, area).await?;
        actor
            .may_manage_users(area.id)
            .check(|| format!("local area {:?}", area.slug))?;
        let email = Email::parse(email)?;
        let found = self.store.credentials(email.as_str()).await?;
        let by = NewAuditEvent {
            local_area_id: Some(area.id),
            ..NewAuditEvent::by(actor, "user", "user.role_removed")
        };
        let removed = match found {
            Some(found) => {
                self.store
                    .remove_role(found.user, area.id, &by, self.now_seconds())
                    .await?
            }
            None => false,
        };
        if !removed {
            return Err(Error::not_found(format!(
                "a role for {} in {}",
                email.as_str(),
                area.name
            )));
        }
        security_event(
            "role.removed",
            actor.user_id(),
            &format!("{} in {}", email.as_str(), area.name),
        );
        Ok(())
    }

    /// Disables an account (its sessions end and its tokens stop at once) or enables it
    /// again: the command line for anyone; an admin only for an account whose every
    /// role is in areas they administer, so no area can shut out another's people.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), disabled))]
    pub async fn set_disabled(&self, actor: &Actor, email: &str, disabled: bool) -> Result<()> {
        let email = Email::parse(email)?;
        let not_found = || Error::not_found(format!("account {:?}", email.as_str()));
        let found = self
            .store
            .credentials(email.as_str())
            .await?
            .ok_or_else(not_found)?;
        let user = self.store.user(found.user).await?;
        let allowed = match actor {
            Actor::System => true,
            Actor::Public => return Err(Error::Unauthorized),
            Actor::User(me) => {
                me.id != user.id
                    && !user.grants.is_empty()
                    && user.grants.iter().all(|g| {
                        actor.may_manage_users(g.local_area.id)
                            == crate::domain::Permission::Allowed
                    })
            }
        };
        if !allowed {
            return Err(
                if actor.user().is_some_and(|me| {
                    user.grants
                        .iter()
                        .any(|g| me.grants.iter().any(|m| m.local_area.id == g.local_area.id))
                }) {
                    Error::Forbidden
                } else {
                    not_found()
                },
            );
        }
        security_event(
            if disabled {
                "account.disabled"
            } else {
                "account.enabled"
            },
            actor.user_id(),
            email.as_str(),
        );
        let by = NewAuditEvent {
            local_area_id: user.grants.first().map(|g| g.local_area.id),
            entity_id: Some(user.id.0.to_string()),
            ..NewAuditEvent::by(
                actor,
                "user",
                if disabled {
                    "user.disabled"
                } else {
                    "user.enabled"
                },
            )
        };
        self.store
            .set_disabled(user.id, disabled, &by, self.now_seconds())
            .await
    }

    /// Who a bearer token belongs to; an unknown or revoked token is refused.
    pub async fn actor_for_token(&self, token: &str) -> Result<Actor> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Err(Error::Unauthorized);
        }
        let Some(user) = self
            .store
            .token_user(&digest(token), self.now_seconds())
            .await?
        else {
            security_event("token.refused", None, "unknown or revoked token");
            return Err(Error::Unauthorized);
        };
        let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
        security_event("token.used", Some(user), &prefix);
        Ok(Actor::User(self.store.user(user).await?))
    }

    /// Changes the signed-in person's password after checking the current one, and ends
    /// their other sessions.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0)))]
    pub async fn change_password(
        &self,
        actor: &Actor,
        session: Option<&str>,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<()> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        if current.is_empty() {
            return Err(Error::invalid(
                "current_password",
                "Enter your current password",
            ));
        }
        check_password_strength("new_password", new, &known_words(&user.email, &user.name))?;
        if new != confirm {
            return Err(Error::invalid("confirm_password", "Passwords must match"));
        }
        // Guesses at the current password count with the account's failed sign-ins, so
        // a stolen session cannot be used to try passwords without limit.
        let now = self.now_seconds();
        let wait = self
            .store
            .begin_login_attempt(
                &user.email,
                None,
                (now - FAILURE_MEMORY, now - ADDRESS_WINDOW),
                now,
                |failures, by_ip| sign_in_wait(failures, by_ip, now),
            )
            .await?;
        if let Some(wait) = wait {
            security_event(
                "password.change_locked",
                Some(user.id),
                "too many wrong guesses",
            );
            return Err(Error::invalid(
                "current_password",
                format!(
                    "There have been too many wrong passwords. Wait {}, then try again",
                    wait_words(wait)
                ),
            ));
        }
        let stored = self.store.credentials(&user.email).await?;
        let matches = current.chars().count() <= crate::domain::MAX_PASSWORD_CHARS
            && self
                .password_matches(current, stored.and_then(|c| c.password_hash))
                .await?;
        if !matches {
            security_event(
                "password.change_failed",
                Some(user.id),
                "wrong current password",
            );
            return Err(Error::invalid(
                "current_password",
                "Your current password is not right",
            ));
        }
        self.store.clear_login_failures(&user.email).await?;
        let hash = self.hash_password(new).await?;
        security_event("password.changed", Some(user.id), "other sessions ended");
        let audit = NewAuditEvent::by(actor, "user", "user.password_changed");
        self.store
            .change_password(
                user.id,
                &hash,
                session.map(digest).as_deref(),
                &audit,
                self.now_seconds(),
            )
            .await
    }

    /// The area, address and plan key of a role someone is to be given, once the actor
    /// is known to manage the area: what adding an account and inviting both check.
    pub(super) async fn role_to_grant(
        &self,
        actor: &Actor,
        new: &NewUser,
    ) -> Result<(LocalArea, Email, Option<String>)> {
        let area = self.local_area_for(actor, &new.local_area).await?;
        actor
            .may_manage_users(area.id)
            .check(|| format!("local area {:?}", new.local_area))?;
        let email = Email::parse(&new.email)?;
        let person_key = new
            .person_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        if new.role == Role::Owner && person_key.is_none() {
            return Err(Error::invalid(
                "person_key",
                "Enter the initials or name the plan uses for this owner",
            ));
        }
        Ok((area, email, person_key))
    }

    /// Creates an account, or grants an existing one a role in another area (and sets its
    /// password when one is given: the command line only). The command line may do this
    /// anywhere; a person only as an admin of the area, and without a password.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), role = ?new.role))]
    pub async fn add_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let (area, email, person_key) = self.role_to_grant(actor, &new).await?;
        // Only the command line sets passwords. People are invited and choose their own
        // (`App::invite`): an admin of one area must never set or know the password of an
        // account that another area may trust.
        if new.password.is_some() && *actor != Actor::System {
            return Err(Error::invalid(
                "password",
                "Invite people instead: they choose their own password",
            ));
        }
        let hash = match &new.password {
            Some(password) => {
                check_password_strength("password", password, &known_words(&new.email, &new.name))?;
                Some(self.hash_password(password).await?)
            }
            None => None,
        };
        let name = match new.name.trim() {
            "" => email.as_str().to_owned(),
            name => name.to_owned(),
        };
        let grant = NewGrant {
            local_area: area.id,
            role: new.role,
            person_key,
        };
        let by = NewAuditEvent::by(actor, "user", "user.created");
        security_event(
            "role.granted",
            actor.user_id(),
            &format!("{} as {} in {}", email.as_str(), new.role.code(), area.name),
        );
        let id = self
            .store
            .save_user(
                email.as_str(),
                &name,
                hash.as_deref(),
                &grant,
                &by,
                self.now_seconds(),
            )
            .await?;
        self.store.user(id).await
    }

    /// An area by slug or name. The command line may create it by naming it; a person
    /// only finds the areas they belong to.
    pub(super) async fn local_area_for(&self, actor: &Actor, key: &str) -> Result<LocalArea> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::invalid("local_area", "Enter the local area"));
        }
        if *actor == Actor::System {
            return match self.store.local_area(key).await {
                Err(Error::NotFound(_)) => {
                    self.store
                        .ensure_local_area(key, &super::plan::slugify(key), self.now_seconds())
                        .await
                }
                other => other,
            };
        }
        match self.store.local_area(key).await {
            Ok(area) if actor.grant(area.id).is_some() => Ok(area),
            _ => Err(Error::not_found(format!("local area {key:?}"))),
        }
    }

    /// The accounts with a role in an area, for its admins.
    pub async fn area_users(&self, actor: &Actor, key: &str) -> Result<(LocalArea, Vec<User>)> {
        let area = self.local_area_for_reading(actor, key).await?;
        actor
            .may_manage_users(area.id)
            .check(|| format!("local area {key:?}"))?;
        let users = self.store.users_of_area(area.id).await?;
        Ok((area, users))
    }

    /// Disables or enables an account from an area's accounts page: the asker must
    /// manage the area's accounts and the account must have a role there, then the
    /// rules of [`App::set_disabled`] apply.
    pub async fn set_disabled_in_area(
        &self,
        actor: &Actor,
        area: &str,
        email: &str,
        disabled: bool,
    ) -> Result<()> {
        let area = self.local_area_for_reading(actor, area).await?;
        actor
            .may_manage_users(area.id)
            .check(|| format!("local area {:?}", area.slug))?;
        let email = Email::parse(email)?;
        let has_role = self
            .store
            .users_of_area(area.id)
            .await?
            .iter()
            .any(|u| u.email == email.as_str());
        if !has_role {
            return Err(Error::not_found(format!(
                "account {:?} in {}",
                email.as_str(),
                area.name
            )));
        }
        self.set_disabled(actor, email.as_str(), disabled).await
    }

    /// For the accounts page: each account of the area's `(id, disabled, has a role in
    /// another area)`; the area's admins may disable only accounts with no other area.
    pub async fn account_states(
        &self,
        actor: &Actor,
        area: &LocalArea,
    ) -> Result<Vec<(UserId, bool, bool)>> {
        actor
            .may_manage_users(area.id)
            .check(|| format!("local area {:?}", area.slug))?;
        self.store.account_states_of_area(area.id).await
    }

    pub(super) async fn local_area_for_reading(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<LocalArea> {
        match self.store.local_area(key).await {
            Ok(area) if matches!(actor, Actor::System) || actor.grant(area.id).is_some() => {
                Ok(area)
            }
            _ => Err(Error::not_found(format!("local area {key:?}"))),
        }
    }

    /// The account with this email, for the command line.
    pub async fn user_by_email(&self, actor: &Actor, email: &str) -> Result<User> {
        let email = Email::parse(email)?;
        let found = self.store.credentials(email.as_str()).await?;
        match (actor, found) {
            (Actor::System, Some(found)) => self.store.user(found.user).await,
            (Actor::User(me), Some(found)) if me.id == found.user => {
                self.store.user(found.user).await
            }
            _ => Err(Error::not_found(format!("account {:?}", email.as_str()))),
        }
    }

    /// Creates an API token for an account: a person for themselves, the command line for
    /// anyone. The token is returned once; only its hash is kept.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), owner = owner.0))]
    pub async fn create_token(&self, actor: &Actor, owner: UserId, name: &str) -> Result<NewToken> {
        match actor {
            Actor::System => {}
            Actor::User(me) if me.id == owner => {}
            Actor::User(_) => return Err(Error::not_found("account")),
            Actor::Public => return Err(Error::Unauthorized),
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "Enter a name for the token"));
        }
        if name.chars().count() > 100 {
            return Err(Error::invalid(
                "name",
                "Name must be 100 characters or fewer",
            ));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
        let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
        security_event("token.created", Some(owner), name);
        let audit = NewAuditEvent::by(actor, "api_token", "api_token.created");
        let id = self
            .store
            .insert_token(
                owner,
                name,
                &digest(&token),
                &prefix,
                self.now_seconds() + TOKEN_LIFETIME,
                &audit,
                self.now_seconds(),
            )
            .await?;
        Ok(NewToken { id, token })
    }

    /// The signed-in person's tokens, newest first.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenInfo>> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        self.store.tokens_of(user.id).await
    }

    /// Revokes one of the signed-in person's tokens; it stops working at once.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0), token))]
    pub async fn revoke_token(&self, actor: &Actor, token: i64) -> Result<()> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        security_event("token.revoked", Some(user.id), &token.to_string());
        let audit = NewAuditEvent::by(actor, "api_token", "api_token.revoked");
        self.store
            .revoke_token(user.id, token, &audit, self.now_seconds())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_stored_as_sha256_hex() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(random_hex(32).unwrap().len(), 64);
        assert_ne!(random_hex(32).unwrap(), random_hex(32).unwrap());
    }

    #[test]
    fn a_password_hash_is_argon2id_and_verifies() {
        let hasher = PasswordCost::TestOnlyFast.hasher();
        let hash = hasher.hash_password(b"correct horse").unwrap().to_string();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(
            hasher
                .verify_password(b"correct horse", hash.as_str())
                .is_ok()
        );
        assert!(
            hasher
                .verify_password(b"wrong horse", hash.as_str())
                .is_err()
        );
    }

    fn refusal(password: &str, known: &[String]) -> Option<String> {
        match check_password_strength("password", password, known) {
            Ok(()) => None,
            Err(Error::Invalid { message, .. }) => Some(message),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn common_and_personal_passwords_are_refused_with_advice() {
        let common = refusal("password1234", &[]).expect("a top password is refused");
        assert!(
            common.starts_with("Password is too easy to guess."),
            "{common}"
        );
        assert!(common.contains("common password"), "{common}");
        assert!(refusal("qwertyuiop123", &[]).is_some());
        let email = known_words("roz.danks@northshire.gov.uk", "Roz Danks");
        assert!(
            ["danks", "northshire", "rozdanks"]
                .iter()
                .all(|w| email.iter().any(|known| known == w))
        );
        assert!(refusal("northshire2026", &email).is_some());
        // Too short is still the first thing said.
        assert_eq!(
            refusal("short", &[]).as_deref(),
            Some("Password must be 12 characters or more")
        );
        // Passphrases of unrelated words pass.
        assert_eq!(refusal("correct horse battery staple", &[]), None);
        assert_eq!(refusal("a brand new password", &[]), None);
    }
}
