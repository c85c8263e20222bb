//! Two-factor authentication for password sign-ins: a TOTP code from an authenticator
//! app, or a single-use recovery code. Required of admins (and of everyone when the
//! installation says so); anyone else may turn it on. Sign-ins through an identity
//! provider rely on the provider's own second factor.
//!
//! A password sign-in is then two steps: [`App::log_in`] checks the password and, when a
//! second step is needed, returns a short-lived step token instead of a session;
//! [`App::finish_sign_in`] checks the code (or sets two-factor up, for an admin who has
//! not yet) and starts the session. Wrong codes count with wrong passwords towards the
//! account's lockout, and each code's time step works once.

use time::Duration;
use totp_rs::{Builder, Secret, Totp};

use super::App;
use super::account::{digest, random_hex, security_event};
use crate::domain::{Actor, Error, NewAuditEvent, Result, Role, User, UserId};
use crate::store::SignInStep;

/// The name authenticator apps show beside the code.
pub const TWO_FACTOR_ISSUER: &str = "WSOA Tracker";
/// How long someone has to enter a code after their password.
const STEP_LIFETIME: Duration = Duration::minutes(10);
/// Recovery codes in a set.
pub const RECOVERY_CODES: usize = 10;

/// What a password sign-in led to.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// Signed in.
    Session(super::NewSession),
    /// A code from the authenticator app (or a recovery code) is needed: the token
    /// names the waiting step.
    Code(String),
    /// Two-factor must be set up first (admins): the token names the waiting step.
    SetUp(String),
}

impl SignIn {
    /// The session, when signing in needed no second step.
    pub fn session(self) -> Option<super::NewSession> {
        match self {
            Self::Session(session) => Some(session),
            Self::Code(_) | Self::SetUp(_) => None,
        }
    }
}

/// A secret being added to an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorSetup {
    /// The secret in base32, for typing in.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
}

/// A sign-in waiting for its second step, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondStep {
    /// Who is signing in.
    pub email: String,
    /// For setting up: the secret to add.
    pub setup: Option<TwoFactorSetup>,
}

/// Where two-factor stands for the signed-in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TwoFactorStatus {
    /// It is on.
    pub on: bool,
    /// It may not be turned off (an admin, or the installation requires it).
    pub required: bool,
    /// Recovery codes unused.
    pub codes_left: i64,
}

/// Signing in finished: the session, where to go, and new recovery codes to show once
/// when two-factor was set up on the way.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session.
    pub session: super::NewSession,
    /// Where to go next.
    pub next: String,
    /// The recovery codes, if two-factor was just set up.
    pub recovery_codes: Option<Vec<String>>,
}

fn totp(secret: &str, email: &str) -> Result<Totp> {
    let bytes = Secret::try_from_base32(secret)
        .map_err(|e| Error::Internal(anyhow::anyhow!("a stored TOTP secret: {e:?}")))?;
    Builder::new()
        .with_secret(bytes)
        .with_account_name(email.replace(':', ""))
        .with_issuer(Some(TWO_FACTOR_ISSUER))
        .build()
        .map_err(|e| Error::Internal(anyhow::anyhow!("a TOTP: {e}")))
}

/// A new random secret (160 bits, as RFC 4226 recommends) and its URI.
fn new_setup(email: &str) -> Result<TwoFactorSetup> {
    let mut bytes = [0_u8; 20];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let secret = Secret::from(bytes).to_base32();
    let uri = totp(&secret, email)?
        .to_url()
        .map_err(|e| Error::Internal(anyhow::anyhow!("a TOTP URI: {e}")))?;
    Ok(TwoFactorSetup { secret, uri })
}

/// A code as typed: digits (with any spaces) or a recovery code (with any dashes).
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a key posted back is one this app would have made (base32, 128 bits or more).
fn is_key(secret: &str) -> bool {
    Secret::try_from_base32(secret).is_ok_and(|s| s.as_bytes().len() >= 16)
}

fn is_totp(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

fn expired_step() -> Error {
    Error::not_found("sign-in")
}

fn wrong_code() -> Error {
    Error::invalid(
        "code",
        "Enter the 6-digit code from your authenticator app, or one of your recovery codes",
    )
}

/// A fresh set of recovery codes (`xxxxx-xxxxx`, 50 random bits each), and their hashes.
/// SHA-256 suffices: unlike passwords they are long and random, so cannot be guessed
/// from a list.
fn new_recovery_codes() -> Result<(Vec<String>, Vec<String>)> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0_u8; 10];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Internal(anyhow::anyhow!("no randomness: {e}")))?;
        let chars: String = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect();
        codes.push(format!("{}-{}", &chars[..5], &chars[5..]));
    }
    let hashes = codes.iter().map(|c| digest(&normalise(c))).collect();
    Ok((codes, hashes))
}

impl App {
    /// Requires two-factor of everyone with a password, not only admins.
    #[must_use]
    pub fn with_two_factor_for_everyone(mut self, required: bool) -> Self {
        self.two_factor_for_everyone = required;
        self
    }

    fn two_factor_required(&self, user: &User) -> bool {
        self.two_factor_for_everyone || user.grants.iter().any(|g| g.role == Role::Admin)
    }

    fn now_unix(&self) -> u64 {
        u64::try_from(self.now_seconds().unix_timestamp()).unwrap_or_default()
    }

    /// Signs in with an email and password: a session, or the second step needed.
    pub async fn log_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<&str>,
        next: &str,
    ) -> Result<SignIn> {
        let id = self.authenticate(email, password, ip).await?;
        let user = self.store.user(id).await?;
        let kind = if self.store.two_factor(id).await?.is_some() {
            "code"
        } else if self.two_factor_required(&user) {
            "setup"
        } else {
            self.store.clear_login_failures(&user.email).await?;
            return Ok(SignIn::Session(self.start_session(id).await?));
        };
        let token = random_hex(32)?;
        let now = self.now_seconds();
        let setup_secret = match kind {
            "setup" => Some(new_setup(&user.email)?.secret),
            _ => None,
        };
        self.store
            .insert_sign_in_step(
                &digest(&token),
                &SignInStep {
                    user: id.0,
                    kind: kind.to_owned(),
                    setup_secret,
                    next_path: next.to_owned(),
                },
                now + STEP_LIFETIME,
                now,
            )
            .await?;
        Ok(if kind == "code" {
            SignIn::Code(token)
        } else {
            SignIn::SetUp(token)
        })
    }

    async fn step(&self, token: &str) -> Result<(SignInStep, User)> {
        let step = self
            .store
            .sign_in_step(&digest(token), self.now_seconds())
            .await?
            .ok_or_else(expired_step)?;
        let user = self.store.user(UserId(step.user)).await?;
        Ok((step, user))
    }

    /// A waiting second step, for its page.
    pub async fn second_step(&self, token: &str) -> Result<SecondStep> {
        let (step, user) = self.step(token).await?;
        let setup = match &step.setup_secret {
            Some(secret) => Some(TwoFactorSetup {
                secret: secret.clone(),
                uri: totp(secret, &user.email)?
                    .to_url()
                    .map_err(|e| Error::Internal(anyhow::anyhow!("a TOTP URI: {e}")))?,
            }),
            None => None,
        };
        Ok(SecondStep {
            email: user.email,
            setup,
        })
    }

    /// Checks a code against a secret: the time step it matched, if any and unused.
    async fn spend_code(
        &self,
        user: UserId,
        secret: &str,
        email: &str,
        code: &str,
    ) -> Result<bool> {
        let Some(step) = totp(secret, email)?.check(code, self.now_unix()) else {
            return Ok(false);
        };
        self.store
            .spend_totp_step(user, i64::try_from(step).unwrap_or(i64::MAX))
            .await
    }

    /// The second step: a code (or recovery code), or setting two-factor up with a
    /// first code. Wrong codes count towards the account's lockout.
    pub async fn finish_sign_in(
        &self,
        token: &str,
        code: &str,
        ip: Option<&str>,
    ) -> Result<SignedIn> {
        let (step, user) = self.step(token).await?;
        let code = normalise(code);
        if code.is_empty() {
            return Err(Error::invalid(
                "code",
                "Enter the code from your authenticator app",
            ));
        }
        self.sign_in_gate(&user.email, ip, "code").await?;
        let now = self.now_seconds();
        let recovery_codes = if let Some(secret) = &step.setup_secret {
            let step_no = is_totp(&code)
                .then(|| totp(secret, &user.email))
                .transpose()?
                .and_then(|t| t.check(&code, self.now_unix()));
            let Some(step_no) = step_no else {
                security_event("two_factor.setup_failed", Some(user.id), "wrong code");
                return Err(wrong_code());
            };
            let (codes, hashes) = new_recovery_codes()?;
            let by = NewAuditEvent {
                entity_id: Some(user.id.0.to_string()),
                ..NewAuditEvent::by(&Actor::User(user.clone()), "user", "two_factor.enabled")
            };
            self.store
                .enable_two_factor(
                    user.id,
                    (secret, i64::try_from(step_no).unwrap_or(i64::MAX)),
                    &hashes,
                    &by,
                    now,
                )
                .await?;
            security_event("two_factor.enabled", Some(user.id), "at sign-in");
            Some(codes)
        } else {
            let (secret, _) = self
                .store
                .two_factor(user.id)
                .await?
                .ok_or_else(expired_step)?;
            let accepted = if is_totp(&code) {
                self.spend_code(user.id, &secret, &user.email, &code)
                    .await?
            } else {
                let by = NewAuditEvent {
                    entity_id: Some(user.id.0.to_string()),
                    ..NewAuditEvent::by(
                        &Actor::User(user.clone()),
                        "user",
                        "two_factor.recovery_code_used",
                    )
                };
                self.store
                    .spend_recovery_code(user.id, &digest(&code), &by, now)
                    .await?
            };
            if !accepted {
                tracing::warn!(
                    target: "security",
                    event = "two_factor.failed",
                    user = user.id.0,
                    ip = ip.unwrap_or(""),
                    "wrong second-step code"
                );
                return Err(wrong_code());
            }
            None
        };
        self.store.delete_sign_in_step(&digest(token)).await?;
        self.store.clear_login_failures(&user.email).await?;
        security_event("sign_in.succeeded", Some(user.id), "with a second factor");
        Ok(SignedIn {
            session: self.start_session(user.id).await?,
            next: step.next_path,
            recovery_codes,
        })
    }

    /// Where two-factor stands for the signed-in person.
    pub async fn two_factor_status(&self, actor: &Actor) -> Result<TwoFactorStatus> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        Ok(TwoFactorStatus {
            on: self.store.two_factor(user.id).await?.is_some(),
            required: self.two_factor_required(user),
            codes_left: self.store.recovery_codes_left(user.id).await?,
        })
    }

    /// A new secret for the signed-in person to add to their app.
    pub fn new_two_factor_setup(&self, actor: &Actor) -> Result<TwoFactorSetup> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        new_setup(&user.email)
    }

    /// The setup of a key already shown (after a wrong first code), or a new one if the
    /// key posted back is not a key.
    pub fn two_factor_setup_again(&self, actor: &Actor, secret: &str) -> Result<TwoFactorSetup> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        if !is_key(secret) {
            return new_setup(&user.email);
        }
        let uri = totp(secret, &user.email)?
            .to_url()
            .map_err(|e| Error::Internal(anyhow::anyhow!("a TOTP URI: {e}")))?;
        Ok(TwoFactorSetup {
            secret: secret.to_owned(),
            uri,
        })
    }

    /// Turns two-factor on (or moves it to a new app) once a first code proves the
    /// secret was added; returns the recovery codes to show once.
    pub async fn enable_two_factor(
        &self,
        actor: &Actor,
        secret: &str,
        code: &str,
    ) -> Result<Vec<String>> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        let code = normalise(code);
        let step = (is_totp(&code) && is_key(secret))
            .then(|| totp(secret, &user.email))
            .transpose()?
            .and_then(|t| t.check(&code, self.now_unix()));
        let Some(step) = step else {
            return Err(Error::invalid(
                "code",
                "Enter the 6-digit code your authenticator app shows for WSOA Tracker",
            ));
        };
        let (codes, hashes) = new_recovery_codes()?;
        let by = NewAuditEvent {
            entity_id: Some(user.id.0.to_string()),
            ..NewAuditEvent::by(actor, "user", "two_factor.enabled")
        };
        self.store
            .enable_two_factor(
                user.id,
                (secret, i64::try_from(step).unwrap_or(i64::MAX)),
                &hashes,
                &by,
                self.now_seconds(),
            )
            .await?;
        security_event("two_factor.enabled", Some(user.id), "from the account page");
        Ok(codes)
    }

    /// Turns two-factor off, with the current password; not for those who must have it.
    pub async fn disable_two_factor(
        &self,
        actor: &Actor,
        password: &str,
        ip: Option<&str>,
    ) -> Result<()> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        if self.two_factor_required(user) {
            return Err(Error::invalid(
                "password",
                "Two-factor authentication is required for your account, so it cannot be turned off",
            ));
        }
        if self.authenticate(&user.email, password, ip).await.is_err() {
            return Err(Error::invalid("password", "Enter your current password"));
        }
        self.store.clear_login_failures(&user.email).await?;
        let by = NewAuditEvent {
            entity_id: Some(user.id.0.to_string()),
            ..NewAuditEvent::by(actor, "user", "two_factor.disabled")
        };
        self.store
            .disable_two_factor(user.id, &by, self.now_seconds())
            .await?;
        security_event(
            "two_factor.disabled",
            Some(user.id),
            "by the account holder",
        );
        Ok(())
    }

    /// Replaces the signed-in person's recovery codes; returns the new ones.
    pub async fn new_recovery_codes(&self, actor: &Actor) -> Result<Vec<String>> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        if self.store.two_factor(user.id).await?.is_none() {
            return Err(Error::Conflict(
                "Turn on two-factor authentication first".to_owned(),
            ));
        }
        let (codes, hashes) = new_recovery_codes()?;
        let by = NewAuditEvent {
            entity_id: Some(user.id.0.to_string()),
            ..NewAuditEvent::by(actor, "user", "two_factor.recovery_codes_replaced")
        };
        self.store
            .replace_recovery_codes(user.id, &hashes, &by, self.now_seconds())
            .await?;
        security_event("two_factor.recovery_codes_replaced", Some(user.id), "");
        Ok(codes)
    }

    /// Removes an account's two-factor (the command line's, for someone who lost their
    /// app and their codes): they set it up again at their next sign-in if required.
    pub async fn reset_two_factor(&self, actor: &Actor, email: &str) -> Result<()> {
        if !matches!(actor, Actor::System) {
            return Err(Error::Forbidden);
        }
        let email = email.trim().to_lowercase();
        let found = self
            .store
            .credentials(&email)
            .await?
            .ok_or_else(|| Error::not_found(format!("account {email:?}")))?;
        let by = NewAuditEvent {
            entity_id: Some(found.user.0.to_string()),
            ..NewAuditEvent::by(actor, "user", "two_factor.reset")
        };
        self.store
            .disable_two_factor(found.user, &by, self.now_seconds())
            .await?;
        security_event("two_factor.reset", Some(found.user), "by the command line");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(normalise(" 123 456 "), "123456");
        assert!(is_totp(&normalise("123 456")));
        assert_eq!(normalise("ABCDE-fghjk"), "abcdefghjk");
        assert!(!is_totp("12345"));
        let (codes, hashes) = new_recovery_codes().unwrap();
        assert_eq!(
            (codes.len(), hashes.len()),
            (RECOVERY_CODES, RECOVERY_CODES)
        );
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        );
        assert_eq!(hashes[0], digest(&normalise(&codes[0].to_uppercase())));
    }

    #[test]
    fn a_setup_gives_a_uri_an_app_reads_and_codes_that_check() {
        let setup = new_setup("roz@northshire.gov.uk").unwrap();
        assert!(
            setup
                .uri
                .starts_with("otpauth://totp/WSOA%20Tracker:roz%40northshire.gov.uk?"),
            "{}",
            setup.uri
        );
        assert!(setup.uri.contains(&format!("secret={}", setup.secret)));
        let totp = totp(&setup.secret, "roz@northshire.gov.uk").unwrap();
        let code = totp.generate(1_800_000_000);
        assert_eq!(
            totp.check(&code.to_string(), 1_800_000_000),
            Some(60_000_000)
        );
        assert_eq!(totp.check(&code.to_string(), 1_800_000_000 + 300), None);
    }
}
