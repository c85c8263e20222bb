//! Single sign-on with OpenID Connect: an installation's identity providers (a council's
//! Microsoft Entra ID, an NHS trust's…) vouch for their staff's email addresses, and the
//! verified address is matched to an account or to an open invitation. Nobody gets an
//! account that nobody invited; local passwords stay for everyone else.
//!
//! The flow is the authorisation code flow with PKCE: [`App::sso_begin`] stores the PKCE
//! verifier and nonce under a random `state` and the browser's cookie, and
//! [`App::sso_finish`] takes them back once, exchanges the code, and checks the ID token
//! (signature, issuer, audience, expiry, nonce) with the `openidconnect` crate.

use std::collections::HashMap;
use std::sync::Arc;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use serde::Deserialize;
use time::Duration;

use super::App;
use super::account::{digest, random_hex, security_event};
use crate::domain::{Actor, Error, NewAuditEvent, Result, UserId};
use crate::store::{InvitationOutcome, SsoLogin};

/// A client made from discovered metadata: the authorisation endpoint is known, the
/// token and user-info endpoints may be.
type SsoClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long someone has at the identity provider before the sign-in must start again.
const SSO_LIFETIME: Duration = Duration::minutes(10);
/// How long discovered provider metadata (endpoints and signing keys) is used before it
/// is fetched again, so rotated keys are picked up.
const METADATA_LIFETIME: std::time::Duration = std::time::Duration::from_hours(1);

/// The identity providers, as the installation's configuration file lists them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoConfig {
    /// Each provider.
    pub providers: Vec<SsoProvider>,
}

/// One identity provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoProvider {
    /// Short name in URLs (`/sso/{id}/callback`, registered at the provider).
    pub id: String,
    /// What the sign-in button says after "Sign in with".
    pub name: String,
    /// The issuer URL (its `/.well-known/openid-configuration` is read).
    pub issuer: String,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret registered at the provider.
    pub client_secret: String,
    /// The email domains the provider vouches for: an address elsewhere is refused.
    pub email_domains: Vec<String>,
}

impl SsoConfig {
    /// Reads and checks a configuration file's JSON.
    pub fn parse(json: &str) -> anyhow::Result<Self> {
        let config: Self = serde_json::from_str(json)?;
        let mut seen = std::collections::BTreeSet::new();
        for provider in &config.providers {
            if provider.id.is_empty()
                || !provider
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                anyhow::bail!(
                    "provider id {:?} must be letters, digits and hyphens",
                    provider.id
                );
            }
            if !seen.insert(provider.id.as_str()) {
                anyhow::bail!("provider id {:?} is listed twice", provider.id);
            }
            IssuerUrl::new(provider.issuer.clone())
                .map_err(|e| anyhow::anyhow!("provider {:?}: issuer: {e}", provider.id))?;
            if provider.email_domains.is_empty() {
                anyhow::bail!(
                    "provider {:?} needs email_domains: the domains it vouches for",
                    provider.id
                );
            }
        }
        Ok(config)
    }
}

/// Why a single sign-on did not sign anyone in, as the sign-in page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoRefusal {
    /// No account and no open invitation for the address.
    NoAccount,
    /// The provider did not say the address is verified.
    Unverified,
    /// The address is outside the provider's domains.
    WrongDomain,
    /// The account is disabled.
    Disabled,
    /// Anything else: an expired or replayed answer, another browser's answer, a bad
    /// token, the provider unreachable.
    Failed,
}

impl SsoRefusal {
    /// The code in the sign-in page's address.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoAccount => "no-account",
            Self::Unverified => "unverified",
            Self::WrongDomain => "domain",
            Self::Disabled => "disabled",
            Self::Failed => "failed",
        }
    }

    /// Reads a code back.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::NoAccount,
            Self::Unverified,
            Self::WrongDomain,
            Self::Disabled,
            Self::Failed,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// What the person is told.
    pub fn message(self) -> &'static str {
        match self {
            Self::NoAccount => {
                "There is no account for the email address your organisation gave. Ask your area's administrator to invite you"
            }
            Self::Unverified => {
                "Your organisation did not confirm that your email address is verified, so it cannot be used to sign in"
            }
            Self::WrongDomain => {
                "Your organisation cannot sign in people with that email address here. Sign in with your password instead"
            }
            Self::Disabled => {
                "Your account has been disabled. Ask your area's administrator if you need access"
            }
            Self::Failed => {
                "Signing in with your organisation did not work. Try again, or sign in with your email address and password"
            }
        }
    }
}

/// Where a started single sign-on goes.
#[derive(Debug, Clone)]
pub struct SsoStart {
    /// The provider's authorisation URL.
    pub redirect: String,
    /// The random value for the browser's cookie that ties the answer to this browser.
    pub browser: String,
}

/// The providers and what has been discovered about them.
#[derive(Default)]
pub(crate) struct Sso {
    providers: Vec<SsoProvider>,
    http: Option<openidconnect::reqwest::Client>,
    metadata: tokio::sync::Mutex<HashMap<String, (std::time::Instant, Arc<CoreProviderMetadata>)>>,
}

fn failed(context: &str, err: impl std::fmt::Display) -> Error {
    tracing::warn!(target: "security", event = "sso.failed", detail = %format!("{context}: {err}"), "single sign-on failed");
    Error::invalid("sso", SsoRefusal::Failed.code())
}

fn refused(refusal: SsoRefusal, provider: &str, email: &str) -> Error {
    tracing::warn!(
        target: "security",
        event = "sso.refused",
        provider,
        email,
        reason = refusal.code(),
        "single sign-on refused"
    );
    Error::invalid("sso", refusal.code())
}

impl App {
    /// Sets the identity providers.
    pub fn with_sso(mut self, config: SsoConfig) -> anyhow::Result<Self> {
        // No redirects: the OpenID Connect endpoints answer directly, and following a
        // redirect could be turned into a request to an internal address.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        self.sso = Arc::new(Sso {
            providers: config.providers,
            http: Some(http),
            metadata: tokio::sync::Mutex::default(),
        });
        Ok(self)
    }

    /// The identity providers' ids and names, for the sign-in page.
    pub fn sso_providers(&self) -> Vec<(String, String)> {
        self.sso
            .providers
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect()
    }

    fn sso_provider(&self, id: &str) -> Result<&SsoProvider> {
        self.sso
            .providers
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::not_found(format!("identity provider {id:?}")))
    }

    fn sso_http(&self) -> Result<&openidconnect::reqwest::Client> {
        self.sso
            .http
            .as_ref()
            .ok_or_else(|| Error::not_found("single sign-on"))
    }

    /// The provider's metadata, discovered at first use and again after an hour.
    async fn sso_metadata(&self, provider: &SsoProvider) -> Result<Arc<CoreProviderMetadata>> {
        let mut cache = self.sso.metadata.lock().await;
        if let Some((at, metadata)) = cache.get(&provider.id)
            && at.elapsed() < METADATA_LIFETIME
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|e| failed("issuer", e))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, self.sso_http()?)
            .await
            .map_err(|e| failed("discovering the provider", e))?;
        let metadata = Arc::new(metadata);
        cache.insert(
            provider.id.clone(),
            (std::time::Instant::now(), metadata.clone()),
        );
        Ok(metadata)
    }

    fn sso_redirect_url(&self, provider: &SsoProvider) -> Result<RedirectUrl> {
        RedirectUrl::new(format!(
            "{}/sso/{}/callback",
            self.mail.base_url, provider.id
        ))
        .map_err(|e| failed("the redirect URL", e))
    }

    /// The OpenID Connect client for a provider, its endpoints as discovered.
    fn sso_client(
        &self,
        provider: &SsoProvider,
        metadata: &CoreProviderMetadata,
    ) -> Result<SsoClient> {
        Ok(CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(self.sso_redirect_url(provider)?))
    }

    /// Starts a single sign-on: where to send the browser, and the cookie to give it.
    pub async fn sso_begin(&self, provider: &str, next: &str) -> Result<SsoStart> {
        let provider = self.sso_provider(provider)?;
        let metadata = self.sso_metadata(provider).await?;
        let client = self.sso_client(provider, &metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let browser = random_hex(32)?;
        let now = self.now_seconds();
        self.store
            .insert_sso_login(
                &digest(state.secret()),
                &SsoLogin {
                    browser_hash: digest(&browser),
                    provider: provider.id.clone(),
                    pkce_verifier: verifier.secret().clone(),
                    nonce: nonce.secret().clone(),
                    next_path: next.to_owned(),
                },
                now + SSO_LIFETIME,
                now,
            )
            .await?;
        Ok(SsoStart {
            redirect: url.to_string(),
            browser,
        })
    }

    /// Finishes a single sign-on: the account signed in and where to go next. A refusal
    /// is `Error::Invalid` on the field `sso` with an [`SsoRefusal`] code as its message.
    pub async fn sso_finish(
        &self,
        provider: &str,
        code: &str,
        state: &str,
        browser: Option<&str>,
    ) -> Result<(super::NewSession, String)> {
        let provider = self.sso_provider(provider)?;
        let now = self.now_seconds();
        let login = self
            .store
            .take_sso_login(&digest(state), now)
            .await?
            .ok_or_else(|| failed("the answer", "unknown, used or expired state"))?;
        if login.provider != provider.id || browser.map(digest) != Some(login.browser_hash.clone())
        {
            return Err(failed(
                "the answer",
                "another browser's or provider's state",
            ));
        }
        let metadata = self.sso_metadata(provider).await?;
        let client = self.sso_client(provider, &metadata)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| failed("the token endpoint", e))?
            .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier))
            .request_async(self.sso_http()?)
            .await;
        let tokens = match tokens {
            Ok(tokens) => tokens,
            Err(e) => {
                // Keys may have rotated: discover afresh next time.
                self.sso.metadata.lock().await.remove(&provider.id);
                return Err(failed("exchanging the code", e));
            }
        };
        let id_token = openidconnect::TokenResponse::id_token(&tokens)
            .ok_or_else(|| failed("the token response", "no ID token"))?;
        let verifier = client.id_token_verifier();
        let claims = match id_token.claims(&verifier, &Nonce::new(login.nonce)) {
            Ok(claims) => claims,
            Err(e) => {
                self.sso.metadata.lock().await.remove(&provider.id);
                return Err(failed("the ID token", e));
            }
        };
        let email = claims
            .email()
            .map(|e| e.as_str().trim().to_lowercase())
            .ok_or_else(|| failed("the ID token", "no email claim"))?;
        if claims.email_verified() != Some(true) {
            return Err(refused(SsoRefusal::Unverified, &provider.id, &email));
        }
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        if !provider
            .email_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
        {
            return Err(refused(SsoRefusal::WrongDomain, &provider.id, &email));
        }
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default();
        let user = self.sso_account(&provider.id, &email, &name).await?;
        security_event("sso.signed_in", Some(user), &provider.id);
        Ok((self.start_session(user).await?, login.next_path))
    }

    /// The account a verified address signs in to: the existing one, or one made from
    /// the address's open invitation (its first, as if accepted).
    async fn sso_account(&self, provider: &str, email: &str, name: &str) -> Result<UserId> {
        if let Some(found) = self.store.credentials(email).await? {
            if found.disabled {
                return Err(refused(SsoRefusal::Disabled, provider, email));
            }
            return Ok(found.user);
        }
        let now = self.now_seconds();
        let invitations = self.store.invitations_for_email(email, now).await?;
        let Some(invitation) = invitations.first() else {
            return Err(refused(SsoRefusal::NoAccount, provider, email));
        };
        let name = if name.trim().is_empty() {
            invitation.name.clone()
        } else {
            name.trim().to_owned()
        };
        let by = NewAuditEvent {
            actor: email.to_owned(),
            ..NewAuditEvent::by(&Actor::Public, "invitation", "invitation.accepted")
        };
        self.store
            .close_invitation(
                invitation.id,
                InvitationOutcome::Accepted {
                    account: None,
                    new_account: Some((&name, None)),
                },
                &by,
                now,
            )
            .await?
            .flatten()
            .ok_or_else(|| refused(SsoRefusal::NoAccount, provider, email))
    }
}
