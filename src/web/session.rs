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
pub fn read_cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
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

/// A short-lived cookie for a sign-in under way, sent back only to `path`, gone in 10
/// minutes; an empty value clears it. `SameSite=Lax` because a single sign-on's answer
/// arrives as a top-level navigation from the identity provider's site.
fn flow_cookie(config: &WebConfig, name: &str, path: &str, value: &str) -> HeaderValue {
    let (prefix, secure) = if config.secure_cookies {
        ("__Secure-", "; Secure")
    } else {
        ("", "")
    };
    let age = if value.is_empty() { 0 } else { 600 };
    let value = format!(
        "{prefix}{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={age}{secure}"
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The cookie that ties a single sign-on's answer to the browser that started it, so
/// nobody can send someone a link that signs them in as somebody else.
pub fn sso_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies {
        "__Secure-wsoa_sso"
    } else {
        "wsoa_sso"
    }
}

/// The `Set-Cookie` header of [`sso_cookie_name`].
pub fn sso_cookie(config: &WebConfig, value: &str) -> HeaderValue {
    flow_cookie(config, "wsoa_sso", "/sso/", value)
}

/// The cookie naming a sign-in whose password was right and which waits for a code.
pub fn step_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies {
        "__Secure-wsoa_step"
    } else {
        "wsoa_step"
    }
}

/// The `Set-Cookie` header of [`step_cookie_name`].
pub fn step_cookie(config: &WebConfig, value: &str) -> HeaderValue {
    flow_cookie(config, "wsoa_step", "/login/", value)
}

/// The cookie carrying a success message to the page after a save (Post/Redirect/Get):
/// read once by that page and cleared by the response that shows it.
pub fn flash_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies {
        "__Host-wsoa_flash"
    } else {
        "wsoa_flash"
    }
}

/// The `Set-Cookie` header of [`flash_cookie_name`]: the message percent-encoded, for a
/// minute, on every path; an empty message clears it. The page escapes it like any
/// text, and it is never a link, so a planted cookie can at most show odd words.
pub fn flash_cookie(config: &WebConfig, message: &str) -> HeaderValue {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = if message.is_empty() { 0 } else { 60 };
    let value = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}",
        flash_cookie_name(config),
        percent_encoding::utf8_percent_encode(message, percent_encoding::NON_ALPHANUMERIC)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The success message a redirect left, if any.
fn read_flash(parts: &Parts, config: &WebConfig) -> Option<String> {
    let raw = read_cookie(&parts.headers, flash_cookie_name(config))?;
    let text = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let text: String = text.chars().filter(|c| !c.is_control()).take(300).collect();
    (!text.trim().is_empty()).then_some(text)
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

/// The client's address as the socket saw it, for the metrics allow list. Headers such
/// as `X-Forwarded-For` are not read: anyone can send them. `None` when served without
/// connection info (in-process tests).
pub fn client_addr(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The proxies in front of the app (`WSOA_TRUSTED_PROXIES`), whose `X-Forwarded-For`
/// header names the client. Nobody by default.
#[derive(Debug, Clone)]
pub struct TrustedProxies(super::MetricsAllow);

impl Default for TrustedProxies {
    fn default() -> Self {
        Self(super::MetricsAllow::none())
    }
}

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated addresses or blocks, or `none`.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        list.parse().map(Self)
    }
}

impl TrustedProxies {
    /// The client behind `peer`: when `peer` is a trusted proxy, the right-most address
    /// in `X-Forwarded-For` that is not itself a trusted proxy (proxies append what they
    /// saw, so anything to its left was written by the client and may be forged);
    /// otherwise `peer` itself.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.0.allows(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .map(str::trim)
            .rev()
        {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.0.allows(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// The client's address for per-address sign-in limits and the security log: the socket
/// peer, or the address a trusted proxy forwarded.
pub fn client_ip(parts: &Parts) -> Option<String> {
    let peer = client_addr(parts)?;
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    Some(
        config(parts)
            .trusted_proxies
            .client(peer, &forwarded)
            .to_canonical()
            .to_string(),
    )
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
    /// The success message the last save left for this page.
    pub flash: Option<String>,
    /// The page asked for, path and query: where signing in returns to.
    pub here: String,
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
        let flash = read_flash(parts, &config);
        // Only a page fetched with GET can be returned to; a form's answer cannot.
        let here = if parts.method == axum::http::Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or("/", axum::http::uri::PathAndQuery::as_str)
                .to_owned()
        } else {
            "/".to_owned()
        };
        let Some(token) = read_cookie(&parts.headers, cookie_name(&config)).map(str::to_owned)
        else {
            return Ok(Self {
                actor: Actor::Public,
                session: None,
                config,
                ip,
                flash,
                here,
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
            flash,
            here,
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
    // Browsers drop tabs and newlines from a URL and read a backslash as `/`, so
    // `/<TAB>/evil.example` or `/` + backslash + `evil.example` would leave the site: anything with
    // whitespace, a control character or a backslash is refused, as is an encoded slash
    // or backslash right after the first `/`.
    let local = |path: &str| {
        let lower = path.to_ascii_lowercase();
        path.starts_with('/')
            && !path.starts_with("//")
            && !lower.starts_with("/%2f")
            && !lower.starts_with("/%5c")
            && !path.contains('\\')
            && !path.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    match next {
        Some(path) if local(path) => path.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_says_who_the_client_is() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(
            proxies.client(stranger, &["198.51.100.1"]),
            stranger,
            "anyone else's header is ignored"
        );
        assert_eq!(
            proxies.client(proxy, &["198.51.100.1"]),
            "198.51.100.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            proxies.client(proxy, &["1.2.3.4, 198.51.100.1, 10.9.9.9"]),
            "198.51.100.1".parse::<IpAddr>().unwrap(),
            "the right-most address no trusted proxy wrote; a forged one to its left is skipped"
        );
        assert_eq!(proxies.client(proxy, &[]), proxy);
        assert_eq!(proxies.client(proxy, &["not an address"]), proxy);
        assert_eq!(
            TrustedProxies::default().client(proxy, &["198.51.100.1"]),
            proxy,
            "nobody is trusted by default"
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next(Some("/plans/x?y=1")), "/plans/x?y=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "plans",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/%2F/evil.example",
            "/%5c/evil.example",
            "/plans\\..\\//evil.example",
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
