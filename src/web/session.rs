//! Who is asking a page: the session cookie, read into an [`Actor`] by the app. The
//! session itself lives in the database (see `app::account`); the cookie holds only a
//! random secret, and is `HttpOnly`, `SameSite=Lax` and, when configured, `Secure`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::WebConfig;
use crate::app::{App, SESSION_LIFETIME};
use crate::domain::{Actor, Error};

/// The cookie's name: with `Secure`, the `__Host-` prefix also pins it to this host and
/// path, so a sibling subdomain cannot plant one.
fn cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies {
        "__Host-wsoa_session"
    } else {
        "wsoa_session"
    }
}

fn config(parts: &Parts) -> WebConfig {
    parts
        .extensions
        .get::<WebConfig>()
        .cloned()
        .unwrap_or_default()
}

/// The value of a cookie in the request, if sent.
fn read_cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The `Set-Cookie` header that starts a session.
pub fn session_cookie(config: &WebConfig, token: &str) -> HeaderValue {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        cookie_name(config),
        SESSION_LIFETIME.whole_seconds()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` header that ends a session in the browser.
pub fn clear_cookie(config: &WebConfig) -> HeaderValue {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(config)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address as the socket saw it, for per-address sign-in limits and the
/// metrics allow list. Headers such as `X-Forwarded-For` are not trusted: anyone can
/// send them. `None` when served without connection info (in-process tests).
pub fn client_addr(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// [`client_addr`] as text.
pub fn client_ip(parts: &Parts) -> Option<String> {
    client_addr(parts).map(|ip| ip.to_string())
}

/// Who is asking, from the session cookie: the public when there is none, or it is
/// unknown or expired.
pub struct Viewer {
    /// The actor the app sees.
    pub actor: Actor,
    /// The session's secret, when signed in: needed to sign out or keep this session
    /// when a password changes.
    pub session: Option<String>,
    /// The cookie settings.
    pub config: WebConfig,
    /// The client's address.
    pub ip: Option<String>,
}

impl Viewer {
    /// The signed-in person's email, for the page header.
    pub fn email(&self) -> Option<String> {
        self.actor.user().map(|u| u.email.clone())
    }
}

impl FromRequestParts<App> for Viewer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let config = config(parts);
        let ip = client_ip(parts);
        let Some(token) = read_cookie(parts, cookie_name(&config)).map(str::to_owned) else {
            return Ok(Self {
                actor: Actor::Public,
                session: None,
                config,
                ip,
            });
        };
        let actor = app.actor_for_session(&token).await?;
        super::telemetry::record_account(&actor);
        let session = actor.user().is_some().then_some(token);
        Ok(Self {
            actor,
            session,
            config,
            ip,
        })
    }
}

/// A page only for signed-in people: anyone else is sent to sign in, and back here after.
pub struct SignedIn(pub Viewer);

impl FromRequestParts<App> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        if viewer.actor.user().is_some() {
            Ok(Self(viewer))
        } else {
            let next = parts
                .uri
                .path_and_query()
                .map_or("/", axum::http::uri::PathAndQuery::as_str);
            Err(Redirect::to(&format!("/login?next={}", encode_component(next))).into_response())
        }
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode_component(raw: &str) -> String {
    use std::fmt::Write as _;
    raw.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

/// Where to go after signing in: only a path on this site, never another site
/// (`//evil.example` and `/\evil.example` are other sites to a browser).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains(['\r', '\n']) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next(Some("/plans/x?y=1")), "/plans/x?y=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "plans",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_session_cookie_is_http_only_and_same_site() {
        let plain = session_cookie(&WebConfig::default(), "abc");
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("wsoa_session=abc; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        let secure = session_cookie(
            &WebConfig {
                secure_cookies: true,
                ..WebConfig::default()
            },
            "abc",
        );
        let secure = secure.to_str().unwrap();
        assert!(secure.starts_with("__Host-wsoa_session=abc;") && secure.ends_with("; Secure"));
    }
}
