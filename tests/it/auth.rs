//! Signing in and out: sessions in the database, expiry, lockout, password change,
//! cookies, CSRF, API tokens and their revocation.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use wsoa::app::{LOCKOUT_FAILURES, SESSION_LIFETIME};
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, PASSWORD, TestDb, fixed_now, send};

fn cookie_of(reply: &crate::helpers::Reply) -> String {
    let set = reply.headers[header::SET_COOKIE].to_str().unwrap();
    let value = set.split(';').next().unwrap();
    value.split_once('=').unwrap().1.to_owned()
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie_and_signing_out_ends_the_session() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;

    let reply = db
        .post_form(
            "/login",
            "email=Alex%40Example.org&password=correct+horse+battery+staple&next=%2Faccount",
            &Auth::Anonymous,
        )
        .await;
    let set_cookie = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    let session = Auth::Cookie(cookie_of(&reply));
    let account = db.get("/account", &session).await;
    let logout = db.post_form("/logout", "", &session).await;
    let after = db.get("/account", &session).await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/account");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("alex@example.org"));
    assert!(account.body.contains("Viewer (boards and scrutiny)"));
    assert!(
        logout.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the session is gone from the database"
    );
    assert_eq!(after.location(), "/login?next=/account");
}

#[tokio::test]
async fn a_wrong_password_names_the_field_and_keeps_the_email() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;

    let wrong = db
        .post_form(
            "/login",
            "email=alex%40example.org&password=nope",
            &Auth::Anonymous,
        )
        .await;
    let blank = db
        .post_form("/login", "email=&password=", &Auth::Anonymous)
        .await;

    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("govuk-error-summary"));
    assert!(
        wrong
            .body
            .contains("<a href=\"#email\">Enter a correct email address and password</a>")
    );
    assert!(
        wrong.body.contains("value=\"alex@example.org\""),
        "the typed email is kept"
    );
    assert!(wrong.body.contains("<title>Error: Sign in"));
    assert!(wrong.body.contains("autocomplete=\"current-password\""));
    assert!(wrong.body.contains("autocomplete=\"username\""));
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));
    assert!(blank.body.contains("Enter your email address"));
}

#[tokio::test]
async fn only_a_local_path_is_followed_after_signing_in() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;

    let reply = db
        .post_form(
            "/login",
            "email=alex%40example.org&password=correct+horse+battery+staple&next=%2F%2Fevil.example",
            &Auth::Anonymous,
        )
        .await;

    assert_eq!(reply.location(), "/");
}

#[tokio::test]
async fn a_session_expires_after_its_lifetime_even_when_used() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let Auth::Cookie(session) = db.session("alex@example.org").await else {
        unreachable!()
    };

    // Used every seven hours, it lives to its hard end.
    for hours in [7, 14, 21] {
        let then = db.app_at(fixed_now() + time::Duration::hours(hours));
        assert!(
            matches!(
                then.actor_for_session(&session).await.unwrap(),
                Actor::User(_)
            ),
            "{hours} hours in"
        );
    }
    let just_before = db.app_at(fixed_now() + SESSION_LIFETIME - time::Duration::seconds(1));
    let after = db.app_at(fixed_now() + SESSION_LIFETIME);

    assert!(matches!(
        just_before.actor_for_session(&session).await.unwrap(),
        Actor::User(_)
    ));
    assert_eq!(
        after.actor_for_session(&session).await.unwrap(),
        Actor::Public
    );
    let page = send(
        &after,
        Request::get("/account")
            .header(header::COOKIE, format!("wsoa_session={session}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "sent to sign in again");
}

#[tokio::test]
async fn an_account_locks_after_five_failures_for_fifteen_minutes() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;

    for _ in 0..LOCKOUT_FAILURES {
        assert!(
            db.app
                .log_in("alex@example.org", "guess", None, "/")
                .await
                .is_err()
        );
    }
    let locked = db.app.log_in("alex@example.org", PASSWORD, None, "/").await;
    let unknown_locked = {
        for _ in 0..LOCKOUT_FAILURES {
            let _ = db
                .app
                .log_in("nobody@example.org", "guess", None, "/")
                .await;
        }
        db.app
            .log_in("nobody@example.org", "guess", None, "/")
            .await
    };
    let later = db.app_at(fixed_now() + time::Duration::minutes(16));
    let unlocked = later.log_in("alex@example.org", PASSWORD, None, "/").await;

    let message = locked.unwrap_err().to_string();
    assert!(message.contains("too many failed attempts"), "{message}");
    assert_eq!(
        unknown_locked.unwrap_err().to_string(),
        message,
        "an email without an account locks the same way, so nothing leaks"
    );
    assert!(unlocked.is_ok(), "the lockout ends after 15 minutes");
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_stopped_for_accounts_that_have_failed() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("sam@example.org", Role::Viewer, "Northshire", None)
        .await;
    let ip = Some("192.0.2.7");
    let _ = db.app.log_in("alex@example.org", "a typo", None, "/").await;

    for n in 0..wsoa::app::IP_LOCKOUT_FAILURES {
        let _ = db
            .app
            .log_in(&format!("user{n}@example.org"), "guess", ip, "/")
            .await;
    }
    let failed_before = db.app.log_in("alex@example.org", PASSWORD, ip, "/").await;
    let never_failed = db.app.log_in("sam@example.org", PASSWORD, ip, "/").await;
    let from_elsewhere = db
        .app
        .log_in("alex@example.org", PASSWORD, Some("198.51.100.1"), "/")
        .await;

    assert!(
        failed_before.is_err(),
        "an account that has failed is stopped there"
    );
    assert!(
        never_failed.is_ok(),
        "an account that never failed is never locked out by others behind the same address"
    );
    assert!(from_elsewhere.is_ok());
}

/// 30 wrong passwords sent at once: the attempts queue on the lockout's check, so at
/// most five are checked and the right password is then refused too.
async fn guesses_sent_at_once_check_at_most_five(db: &TestDb) {
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let guesses = (0..30).map(|n| {
        let app = db.app.clone();
        tokio::spawn(async move {
            app.log_in("alex@example.org", &format!("guess {n}"), None, "/")
                .await
                .unwrap_err()
                .to_string()
        })
    });
    let mut checked = 0;
    let mut locked = 0;
    for guess in guesses {
        let message = guess.await.unwrap();
        if message.contains("correct email address and password") {
            checked += 1;
        } else if message.contains("too many failed attempts") {
            locked += 1;
        }
    }
    assert_eq!(
        checked,
        usize::try_from(LOCKOUT_FAILURES).unwrap(),
        "at most five checked"
    );
    assert_eq!(locked, 25);
    let right = db.app.log_in("alex@example.org", PASSWORD, None, "/").await;
    assert!(
        right
            .unwrap_err()
            .to_string()
            .contains("too many failed attempts")
    );
}

mod racing {
    crate::helpers::on_both_backends!(guesses_sent_at_once_check_at_most_five);
    use super::guesses_sent_at_once_check_at_most_five;
}

#[tokio::test]
async fn a_guessable_new_password_is_refused_with_advice() {
    let db = TestDb::sqlite().await;
    db.user(
        "roz.danks@northshire.gov.uk",
        Role::Viewer,
        "Northshire",
        None,
    )
    .await;
    let session = db.session("roz.danks@northshire.gov.uk").await;
    for (weak, advice) in [
        ("password1234", "common password"),
        ("rozdanks2026", "too easy to guess"),
    ] {
        let refused = db
            .post_form(
                "/account/password",
                &format!(
                    "current_password=correct+horse+battery+staple&new_password={weak}&confirm_password={weak}"
                ),
                &session,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert!(
            refused
                .body
                .contains("<a href=\"#new_password\">Password is too easy to guess."),
            "{weak}: {}",
            refused.body
        );
        assert!(refused.body.contains(advice), "{weak}: {}", refused.body);
    }
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let here = db.session("alex@example.org").await;
    let elsewhere = db.session("alex@example.org").await;

    let mismatch = db
        .post_form(
            "/account/password",
            "current_password=correct+horse+battery+staple&new_password=a+new+long+passphrase&confirm_password=different",
            &here,
        )
        .await;
    let changed = db
        .post_form(
            "/account/password",
            "current_password=correct+horse+battery+staple&new_password=a+new+long+passphrase&confirm_password=a+new+long+passphrase",
            &here,
        )
        .await;

    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch
            .body
            .contains("<a href=\"#confirm_password\">Passwords must match</a>")
    );
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(db.get("/account", &here).await.status, StatusCode::OK);
    assert_eq!(
        db.get("/account", &elsewhere).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        db.app
            .log_in("alex@example.org", PASSWORD, None, "/")
            .await
            .is_err()
    );
    assert!(
        db.app
            .log_in("alex@example.org", "a new long passphrase", None, "/")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.user("editor@example.org", Role::Editor, "Northshire", None)
        .await;
    let Auth::Cookie(session) = db.session("editor@example.org").await else {
        unreachable!()
    };
    let post = |headers: &[(&str, &str)]| {
        let mut request = Request::post(format!("/plans/{}/publication", stored.slug))
            .header(header::HOST, "tracker.example")
            .header(header::COOKIE, format!("wsoa_session={session}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::from("published=true")).unwrap()
    };

    let cross_site = db.send(post(&[("sec-fetch-site", "cross-site")])).await;
    let other_origin = db.send(post(&[("origin", "https://evil.example")])).await;
    let same_origin = db
        .send(post(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://tracker.example"),
        ]))
        .await;

    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert!(
        cross_site.body.contains("It came from another website"),
        "the refusal is our error page, in words: {}",
        cross_site.body
    );
    assert_eq!(other_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(same_origin.status, StatusCode::SEE_OTHER);
    let summary = db
        .app
        .plan_summary(&Actor::System, &stored.slug)
        .await
        .unwrap();
    assert!(summary.published, "only the same-origin post took effect");
}

#[tokio::test]
async fn a_cross_site_login_is_refused_too() {
    let db = TestDb::sqlite().await;

    let reply = db
        .send(
            Request::post("/login")
                .header("sec-fetch-site", "cross-site")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("email=a%40example.org&password=x"))
                .unwrap(),
        )
        .await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_token_is_shown_once_and_stops_working_when_revoked() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let session = db.session("alex@example.org").await;

    let created = db
        .post_form("/account/tokens", "name=Dashboard", &session)
        .await;
    let token = created
        .body
        .split("id=\"token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let bearer = Auth::Bearer(token.clone());
    let path = format!("/api/v1/plans/{}", stored.slug);
    let before = db.get(&path, &bearer).await;
    let listed = db.get("/account/tokens", &session).await;
    let id = db
        .app
        .tokens(&db.app.actor_for_token(&token).await.unwrap())
        .await
        .unwrap()[0]
        .id;
    let revoked = db
        .post_form(&format!("/account/tokens/{id}/revoke"), "", &session)
        .await;
    let after = db.get(&path, &bearer).await;

    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(created.headers[header::CACHE_CONTROL], "no-store");
    assert!(token.starts_with("wsoa_") && token.len() > 60, "{token}");
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        !listed.body.contains(&token),
        "the token is never shown again"
    );
    assert!(listed.body.contains(&token[..11]), "only its start");
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        after.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(after.headers.contains_key(header::WWW_AUTHENTICATE));
    assert!(
        db.get("/account/tokens", &session)
            .await
            .body
            .contains("Revoked")
    );
}

#[tokio::test]
async fn a_person_cannot_revoke_someone_elses_token() {
    let db = TestDb::sqlite().await;
    let alex = db
        .user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("sam@example.org", Role::Viewer, "Northshire", None)
        .await;
    let alex_token = db
        .app
        .create_token(&Actor::System, alex.id, "mine")
        .await
        .unwrap();
    let sam = db.session("sam@example.org").await;

    let reply = db
        .post_form(
            &format!("/account/tokens/{}/revoke", alex_token.id),
            "",
            &sam,
        )
        .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(db.app.actor_for_token(&alex_token.token).await.is_ok());
}

#[tokio::test]
async fn a_malformed_or_unknown_bearer_token_is_refused() {
    let db = TestDb::sqlite().await;

    for value in [
        "Bearer wsoa_nonsense",
        "Bearer ",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Bearer not-ours",
    ] {
        let reply = db
            .send(
                Request::get("/api/v1/plans")
                    .header(header::AUTHORIZATION, value)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(reply.json()["status"], json!(401));
    }
}

#[tokio::test]
async fn secure_cookies_use_the_host_prefix() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let router = wsoa::web::router_with(
        db.app.clone(),
        wsoa::web::WebConfig {
            secure_cookies: true,
            ..wsoa::web::WebConfig::default()
        },
    );

    let response = tower::ServiceExt::oneshot(
        router,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "email=alex%40example.org&password=correct+horse+battery+staple",
            ))
            .unwrap(),
    )
    .await
    .unwrap();

    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-wsoa_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains",
        "served over HTTPS, so browsers are told to stay on it"
    );
    let plain = db.get("/login", &Auth::Anonymous).await;
    assert!(
        !plain
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY),
        "not over plain HTTP on one machine"
    );
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_anyone_else_cannot() {
    use std::net::SocketAddr;
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let router = wsoa::web::router_with(
        db.app.clone(),
        wsoa::web::WebConfig {
            trusted_proxies: "10.0.0.1".parse().unwrap(),
            ..wsoa::web::WebConfig::default()
        },
    );
    let wrong_password_from = |peer: &str, forwarded: &str| {
        let mut request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", forwarded)
            .body(Body::from("email=alex%40example.org&password=wrong"))
            .unwrap();
        let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        tower::ServiceExt::oneshot(router.clone(), request)
    };
    wrong_password_from("10.0.0.1", "198.51.100.7")
        .await
        .unwrap();
    wrong_password_from("203.0.113.5", "198.51.100.8")
        .await
        .unwrap();

    let addresses: Vec<Option<String>> = {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let rows = sqlx::query_scalar("select ip from login_failure order by login_failure_id")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        rows
    };
    assert_eq!(
        addresses,
        [
            Some("198.51.100.7".to_owned()),
            Some("203.0.113.5".to_owned())
        ],
        "the proxy's header is believed; a stranger's is not"
    );
}

#[tokio::test]
async fn a_session_unused_for_eight_hours_ends() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let Auth::Cookie(session) = db.session("alex@example.org").await else {
        unreachable!()
    };
    let idle = db.app_at(fixed_now() + wsoa::app::SESSION_IDLE + time::Duration::minutes(1));
    assert_eq!(
        idle.actor_for_session(&session).await.unwrap(),
        Actor::Public
    );
    let shorter = db
        .app_at(fixed_now() + time::Duration::minutes(31))
        .with_session_idle(time::Duration::minutes(30));
    assert_eq!(
        shorter.actor_for_session(&session).await.unwrap(),
        Actor::Public,
        "the idle time is a setting"
    );
}

#[tokio::test]
async fn signing_out_everywhere_else_ends_the_other_sessions_only() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let here = db.session("alex@example.org").await;
    let Auth::Cookie(elsewhere) = db.session("alex@example.org").await else {
        unreachable!()
    };
    let page = db.get("/account", &here).await;
    assert_eq!(
        page.body.matches("This session").count(),
        1,
        "{}",
        page.body
    );
    assert!(page.body.contains("Where you are signed in"));

    let reply = db.post_form("/account/sessions/end", "", &here).await;
    assert_eq!(reply.location(), "/account?done=signed-out");
    assert_eq!(
        db.app.actor_for_session(&elsewhere).await.unwrap(),
        Actor::Public
    );
    assert_eq!(db.get("/account", &here).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_admin_removes_a_role_in_their_area_only() {
    let db = TestDb::sqlite().await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    db.user("south-admin@example.org", Role::Admin, "Southshire", None)
        .await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("alex@example.org", Role::Viewer, "Southshire", None)
        .await;
    let south = db.session("south-admin@example.org").await;
    let admin = db.session("admin@example.org").await;

    let elsewhere = db
        .post_form(
            "/areas/northshire/users/remove",
            "email=alex%40example.org",
            &south,
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    let removed = db
        .post_form(
            "/areas/northshire/users/remove",
            "email=alex%40example.org",
            &admin,
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let alex = db
        .app
        .user_by_email(&Actor::System, "alex@example.org")
        .await
        .unwrap();
    let areas: Vec<&str> = alex
        .grants
        .iter()
        .map(|g| g.local_area.name.as_str())
        .collect();
    assert_eq!(areas, ["Southshire"], "the other area's role stays");
    let again = db
        .post_form(
            "/areas/northshire/users/remove",
            "email=alex%40example.org",
            &admin,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_admin_disables_and_enables_an_account_on_the_accounts_page() {
    let db = TestDb::sqlite().await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("sam@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("sam@example.org", Role::Viewer, "Southshire", None)
        .await;
    let admin = db.session("admin@example.org").await;
    let alex = db.session("alex@example.org").await;

    let page = db.get("/areas/northshire/users", &admin).await;
    // Alex's only area is this one; Sam's role in Southshire keeps them out of reach,
    // and nobody disables themselves.
    assert_eq!(
        page.body.matches("Disable account<span").count(),
        1,
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Disable account<span class=\"govuk-visually-hidden\"> of alex@example.org")
    );

    let disabled = db
        .post_form(
            "/areas/northshire/users/disable",
            "email=alex%40example.org",
            &admin,
        )
        .await;
    assert_eq!(
        disabled.location(),
        "/areas/northshire/users?done=disabled&email=alex%40example.org"
    );
    assert_eq!(
        db.get("/account", &alex).await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let page = db.get(disabled.location(), &admin).await;
    assert!(
        page.body.contains("alex@example.org is disabled"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Disabled</strong>"));
    assert!(page.body.contains("Enable account<span"));

    let refused = db
        .post_form(
            "/areas/northshire/users/disable",
            "email=sam%40example.org",
            &admin,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "Sam has a role elsewhere"
    );
    let enabled = db
        .post_form(
            "/areas/northshire/users/disable",
            "email=alex%40example.org&enable=true",
            &admin,
        )
        .await;
    assert_eq!(
        enabled.location(),
        "/areas/northshire/users?done=enabled&email=alex%40example.org"
    );
    assert!(matches!(
        db.app
            .log_in("alex@example.org", PASSWORD, None, "/")
            .await
            .unwrap(),
        wsoa::app::SignIn::Session(_)
    ));
}

#[tokio::test]
async fn a_disabled_account_is_shut_out_at_once() {
    let db = TestDb::sqlite().await;
    let alex = db
        .user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    db.user("sam@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("sam@example.org", Role::Viewer, "Southshire", None)
        .await;
    let Auth::Cookie(session) = db.session("alex@example.org").await else {
        unreachable!()
    };
    let token = db
        .app
        .create_token(&Actor::System, alex.id, "t")
        .await
        .unwrap();
    let admin = Actor::User(
        db.app
            .user_by_email(&Actor::System, "admin@example.org")
            .await
            .unwrap(),
    );

    db.app
        .set_disabled(&admin, "alex@example.org", true)
        .await
        .expect("alex's only role is in the admin's area");
    assert!(
        db.app
            .set_disabled(&admin, "sam@example.org", true)
            .await
            .is_err(),
        "sam also has a role in another area"
    );

    assert_eq!(
        db.app.actor_for_session(&session).await.unwrap(),
        Actor::Public
    );
    assert!(db.app.actor_for_token(&token.token).await.is_err());
    let refused = db.app.log_in("alex@example.org", PASSWORD, None, "/").await;
    assert_eq!(
        refused.unwrap_err().to_string(),
        db.app
            .log_in("nobody@example.org", "x", None, "/")
            .await
            .unwrap_err()
            .to_string(),
        "the same answer as any wrong password"
    );
    db.app
        .request_password_reset("alex@example.org")
        .await
        .unwrap();
    assert_eq!(
        db.app.pending_mail().await.unwrap(),
        0,
        "no reset link for a disabled account"
    );

    db.app
        .set_disabled(&Actor::System, "alex@example.org", false)
        .await
        .unwrap();
    db.app
        .log_in("alex@example.org", PASSWORD, None, "/")
        .await
        .unwrap();
    assert!(
        db.app.actor_for_token(&token.token).await.is_err(),
        "its old tokens stay revoked"
    );
}

#[tokio::test]
async fn api_tokens_expire_and_a_password_change_revokes_them() {
    let db = TestDb::sqlite().await;
    let alex = db
        .user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let token = db
        .app
        .create_token(&Actor::System, alex.id, "t")
        .await
        .unwrap();
    let soon = db.app_at(fixed_now() + wsoa::app::TOKEN_LIFETIME - time::Duration::days(1));
    let late = db.app_at(fixed_now() + wsoa::app::TOKEN_LIFETIME + time::Duration::minutes(1));
    assert!(soon.actor_for_token(&token.token).await.is_ok());
    assert!(late.actor_for_token(&token.token).await.is_err(), "expired");
    let page = db
        .get("/account/tokens", &db.session("alex@example.org").await)
        .await;
    assert!(
        page.body.contains("Works until 3 May 2020"),
        "{}",
        page.body
    );

    let here = db.session("alex@example.org").await;
    let changed = db
        .post_form(
            "/account/password",
            "current_password=correct+horse+battery+staple&new_password=a+new+long+passphrase&confirm_password=a+new+long+passphrase",
            &here,
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert!(
        db.app.actor_for_token(&token.token).await.is_err(),
        "a changed password revokes the tokens made before it"
    );
}

#[tokio::test]
async fn guesses_at_the_current_password_are_throttled_like_sign_ins() {
    let db = TestDb::sqlite().await;
    db.user("alex@example.org", Role::Viewer, "Northshire", None)
        .await;
    let here = db.session("alex@example.org").await;
    let guess = |current: &str| {
        format!(
            "current_password={current}&new_password=a+new+long+passphrase&confirm_password=a+new+long+passphrase"
        )
    };
    for n in 0..LOCKOUT_FAILURES {
        let reply = db
            .post_form("/account/password", &guess(&format!("guess{n}")), &here)
            .await;
        assert!(
            reply.body.contains("Your current password is not right"),
            "guess {n}"
        );
    }
    let right = db
        .post_form(
            "/account/password",
            &guess("correct+horse+battery+staple"),
            &here,
        )
        .await;
    assert_eq!(right.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        right.body.contains("too many wrong passwords"),
        "{}",
        right.body
    );
    let later = db.app_at(fixed_now() + time::Duration::minutes(16));
    let Auth::Cookie(cookie) = db.session_at(&later, "alex@example.org").await else {
        unreachable!()
    };
    let changed = send(
        &later,
        Request::post("/account/password")
            .header(header::COOKIE, format!("wsoa_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(guess("correct+horse+battery+staple")))
            .unwrap(),
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
}
