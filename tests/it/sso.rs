//! Single sign-on's edges, without a provider: the configuration's checks, the sign-in
//! page's links and refusals, answers that are unknown, replayed or cancelled, and a
//! provider that cannot be reached. The whole flow against a real OpenID provider is in
//! browser/tests/sso.test.mjs.

use axum::http::StatusCode;
use wsoa::app::SsoConfig;
use wsoa::store::SsoLogin;

use crate::helpers::{Auth, TestDb, fixed_now, on_both_backends};

fn config(issuer: &str) -> SsoConfig {
    SsoConfig::parse(&format!(
        r#"{{"providers":[{{"id":"northshire","name":"Northshire Council","issuer":"{issuer}",
        "client_id":"wsoa","client_secret":"secret","email_domains":["northshire.gov.uk"]}}]}}"#
    ))
    .unwrap()
}

#[test]
fn a_configuration_names_its_mistake() {
    let provider = |extra: &str| {
        format!(
            r#"{{"providers":[{{"id":"a","name":"A","issuer":"https://login.example",
            "client_id":"c","client_secret":"s"{extra}}}]}}"#
        )
    };
    let missing = SsoConfig::parse(&provider("")).unwrap_err().to_string();
    assert!(missing.contains("email_domains"), "{missing}");
    let empty = SsoConfig::parse(&provider(r#","email_domains":[]"#))
        .unwrap_err()
        .to_string();
    assert!(empty.contains("the domains it vouches for"), "{empty}");
    let unknown = SsoConfig::parse(&provider(r#","email_domains":["a"],"tenant":"x""#))
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("tenant"), "{unknown}");
    let bad_id = SsoConfig::parse(
        r#"{"providers":[{"id":"a/b","name":"A","issuer":"https://login.example",
        "client_id":"c","client_secret":"s","email_domains":["a"]}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(bad_id.contains("letters, digits and hyphens"), "{bad_id}");
    let good = SsoConfig::parse(&provider(r#","email_domains":["a.gov.uk"]"#)).unwrap();
    assert_eq!(good.providers[0].email_domains, ["a.gov.uk"]);
}

#[tokio::test]
async fn the_sign_in_page_offers_each_provider_and_keeps_where_to_go_next() {
    let db = TestDb::sqlite().await;
    let app = db
        .app
        .clone()
        .with_sso(config("http://127.0.0.1:9"))
        .unwrap();

    let page = crate::helpers::send(
        &app,
        axum::http::Request::get("/login?next=/plans/x%3Fa%3D1")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(r#"<a href="/sso/northshire?next=/plans/x%3Fa%3D1" role="button""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Sign in with Northshire Council"));
    // Without providers the page offers none.
    let plain = db.get("/login", &Auth::Anonymous).await;
    assert!(!plain.body.contains("/sso/"), "{}", plain.body);
}

#[tokio::test]
async fn unknown_cancelled_and_unreachable_sign_ons_come_back_to_the_sign_in_page() {
    let db = TestDb::sqlite().await;
    // Port 9 (discard) on loopback: nothing answers.
    let app = db
        .app
        .clone()
        .with_sso(config("http://127.0.0.1:9"))
        .unwrap();
    let get = |path: &'static str| {
        let app = app.clone();
        async move {
            crate::helpers::send(
                &app,
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
        }
    };

    assert_eq!(get("/sso/elsewhere").await.status, StatusCode::NOT_FOUND);
    for path in [
        "/sso/northshire",
        "/sso/northshire/callback?code=abc&state=never-issued",
        "/sso/northshire/callback?error=access_denied&state=x",
        "/sso/northshire/callback",
    ] {
        let reply = get(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.location(), "/login?sso=failed", "{path}");
        assert!(
            reply
                .headers
                .get("set-cookie")
                .map_or("", |v| v.to_str().unwrap())
                .starts_with("wsoa_sso=; Path=/sso/;"),
            "{path}: the browser's tie is cleared"
        );
    }

    let told = get("/login?sso=no-account").await;
    assert_eq!(told.status, StatusCode::UNAUTHORIZED);
    assert!(
        told.body.contains(
            "<a href=\"#sso\">There is no account for the email address your organisation gave."
        ),
        "{}",
        told.body
    );
    // Only known codes: the address cannot make the page say anything else.
    let made_up = get("/login?sso=%3Cb%3Ehello").await;
    assert_eq!(made_up.status, StatusCode::OK);
    assert!(!made_up.body.contains("govuk-error-summary"));
}

on_both_backends!(a_sign_on_in_progress_is_taken_once_and_expires);

async fn a_sign_on_in_progress_is_taken_once_and_expires(db: &TestDb) {
    let login = SsoLogin {
        browser_hash: "b".into(),
        provider: "northshire".into(),
        pkce_verifier: "v".into(),
        nonce: "n".into(),
        next_path: "/plans".into(),
    };
    let now = fixed_now();
    let later = now + time::Duration::minutes(10);
    db.store
        .insert_sso_login("state-1", &login, later, now)
        .await
        .unwrap();
    db.store
        .insert_sso_login("state-2", &login, later, now)
        .await
        .unwrap();

    assert_eq!(
        db.store.take_sso_login("state-1", now).await.unwrap(),
        Some(login.clone())
    );
    assert_eq!(
        db.store.take_sso_login("state-1", now).await.unwrap(),
        None,
        "used once"
    );
    assert_eq!(
        db.store.take_sso_login("state-2", later).await.unwrap(),
        None,
        "expired at ten minutes"
    );
}
