//! Two-factor authentication: required of admins at their first sign-in, optional for
//! others, a code's time step spent once, recovery codes used once, wrong codes locking
//! the account like wrong passwords, and the settings page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::Connection as _;
use totp_rs::{Builder, Secret};
use wsoa::app::{App, SignIn};
use wsoa::domain::{Actor, Role};

use crate::helpers::{Auth, PASSWORD, Reply, TestDb, fixed_now, send};

/// The code an authenticator app would show for `key` at `app`'s time.
fn code_for(key: &str, app: &App) -> String {
    let secret = Secret::try_from_base32(key.replace(' ', "")).unwrap();
    let totp = Builder::new().with_secret(secret).build().unwrap();
    let at = u64::try_from(app.clock().now().unix_timestamp()).unwrap();
    totp.generate(at).to_string()
}

async fn post(app: &App, path: &str, body: &str, cookie: &str) -> Reply {
    send(
        app,
        Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

async fn get(app: &App, path: &str, cookie: &str) -> Reply {
    send(
        app,
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A cookie's value from a reply's `Set-Cookie` headers.
fn set_cookie(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty())
}

/// Signs in with the password: the step cookie the second step needs.
async fn password_step(app: &App, email: &str) -> String {
    let form = format!("email={email}&password=correct+horse+battery+staple&next=/plans");
    let reply = post(app, "/login", &form, "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login/two-factor");
    assert_eq!(set_cookie(&reply, "wsoa_session"), None, "no session yet");
    format!("wsoa_step={}", set_cookie(&reply, "wsoa_step").unwrap())
}

/// The key written on a set-up page.
fn key_on(page: &str) -> String {
    let start = page.find(r#"id="two-factor-key">"#).unwrap() + r#"id="two-factor-key">"#.len();
    page[start..page[start..].find('<').unwrap() + start].to_owned()
}

#[tokio::test]
async fn an_admin_sets_up_two_factor_at_first_sign_in_and_needs_a_code_after() {
    let db = TestDb::sqlite().await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;

    let step = password_step(&db.app, "admin@example.org").await;
    let setup = get(&db.app, "/login/two-factor", &step).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(
        setup
            .body
            .contains("<h1 class=\"govuk-heading-xl\">Set up two-factor authentication</h1>")
    );
    assert!(setup.body.contains("<svg") && setup.body.contains("<title id=\"qr-title\">"));
    let key = key_on(&setup.body);
    assert_eq!(key.replace(' ', "").len(), 32, "160 bits in base32: {key}");

    let wrong = post(&db.app, "/login/two-factor", "code=000000", &step).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("<a href=\"#code\">Enter the 6-digit code"),
        "{}",
        wrong.body
    );
    assert_eq!(key_on(&wrong.body), key, "the same key again");

    let code = code_for(&key, &db.app);
    let done = post(&db.app, "/login/two-factor", &format!("code={code}"), &step).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Two-factor authentication is on"));
    assert_eq!(
        done.body.matches("<li><code>").count(),
        wsoa::app::RECOVERY_CODES
    );
    assert!(
        done.body.contains("href=\"/plans\""),
        "continues where the sign-in was going"
    );
    let session = Auth::Cookie(set_cookie(&done, "wsoa_session").unwrap());
    assert_eq!(db.get("/account", &session).await.status, StatusCode::OK);
    // The step is spent.
    assert_eq!(
        get(&db.app, "/login/two-factor", &step).await.location(),
        "/login"
    );

    // A minute later: the password alone is not enough, and a code is.
    let later = db.app_at(fixed_now() + time::Duration::minutes(1));
    let step = password_step(&later, "admin@example.org").await;
    let ask = get(&later, "/login/two-factor", &step).await;
    assert!(
        ask.body.contains("Enter your security code"),
        "{}",
        ask.body
    );
    let code = code_for(&key, &later);
    let signed_in = post(&later, "/login/two-factor", &format!("code={code}"), &step).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.location(), "/plans");
    assert!(set_cookie(&signed_in, "wsoa_session").is_some());

    // The same code cannot sign in twice, even from another sign-in.
    let again = password_step(&later, "admin@example.org").await;
    let replay = post(&later, "/login/two-factor", &format!("code={code}"), &again).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Turning it on is in the audit trail.
    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    let enabled: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where event = 'two_factor.enabled' and actor = 'admin@example.org'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(enabled, 1);
}

#[tokio::test]
async fn a_recovery_code_works_once_and_wrong_codes_lock_the_account() {
    let db = TestDb::sqlite().await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    let step = password_step(&db.app, "admin@example.org").await;
    let key = key_on(&get(&db.app, "/login/two-factor", &step).await.body);
    let done = post(
        &db.app,
        "/login/two-factor",
        &format!("code={}", code_for(&key, &db.app)),
        &step,
    )
    .await;
    let first = done.body.split("<li><code>").nth(1).unwrap();
    let recovery = first[..first.find('<').unwrap()].to_owned();

    let later = db.app_at(fixed_now() + time::Duration::minutes(1));
    let step = password_step(&later, "admin@example.org").await;
    // Typed in capitals with spaces, as people do.
    let typed = recovery.to_uppercase().replace('-', " - ");
    let used = post(&later, "/login/two-factor", &format!("code={typed}"), &step).await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.body);
    let step = password_step(&later, "admin@example.org").await;
    let reused = post(
        &later,
        "/login/two-factor",
        &format!("code={recovery}"),
        &step,
    )
    .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Five wrong codes (the reused one counted) lock it, right code and all.
    for _ in 0..4 {
        post(&later, "/login/two-factor", "code=123456", &step).await;
    }
    let locked = post(
        &later,
        "/login/two-factor",
        &format!("code={}", code_for(&key, &later)),
        &step,
    )
    .await;
    assert_eq!(locked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        locked.body.contains("too many failed attempts"),
        "{}",
        locked.body
    );
    // A right password does not reset the count.
    assert!(
        later
            .log_in("admin@example.org", PASSWORD, None, "/")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn others_may_turn_two_factor_on_and_off_and_admins_may_not_turn_it_off() {
    let db = TestDb::sqlite().await;
    db.user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    let viewer = db.session("viewer@example.org").await;
    assert!(matches!(
        db.app
            .log_in("viewer@example.org", PASSWORD, None, "/")
            .await
            .unwrap(),
        SignIn::Session(_)
    ));

    let account = db.get("/account", &viewer).await;
    assert!(account.body.contains("Two-factor authentication: off"));
    let setup = db.get("/account/two-factor", &viewer).await;
    let key = key_on(&setup.body);
    let secret = key.replace(' ', "");
    assert!(
        setup
            .body
            .contains(&format!("name=\"secret\" value=\"{secret}\""))
    );
    let wrong = db
        .post_form(
            "/account/two-factor",
            &format!("secret={secret}&code=12"),
            &viewer,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let on = db
        .post_form(
            "/account/two-factor",
            &format!("secret={secret}&code={}", code_for(&key, &db.app)),
            &viewer,
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    assert!(on.body.contains("Two-factor authentication is on"));
    assert!(matches!(
        db.app
            .log_in("viewer@example.org", PASSWORD, None, "/")
            .await
            .unwrap(),
        SignIn::Code(_)
    ));
    let settings = db.get("/account/two-factor", &viewer).await;
    assert!(settings.body.contains("Recovery codes left</dt>"));
    assert!(settings.body.contains(">10</dd>"), "{}", settings.body);

    let wrong_password = db
        .post_form("/account/two-factor/disable", "password=nope", &viewer)
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = db
        .post_form(
            "/account/two-factor/disable",
            "password=correct+horse+battery+staple",
            &viewer,
        )
        .await;
    assert_eq!(off.location(), "/account?done=two-factor-off");
    assert!(matches!(
        db.app
            .log_in("viewer@example.org", PASSWORD, None, "/")
            .await
            .unwrap(),
        SignIn::Session(_)
    ));
}

#[tokio::test]
async fn an_admins_two_factor_cannot_be_turned_off_only_reset_from_the_command_line() {
    let db = TestDb::sqlite().await;
    db.user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    let admin = db.session("admin@example.org").await;
    let refused = db
        .post_form(
            "/account/two-factor/disable",
            "password=correct+horse+battery+staple",
            &admin,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("required for your account"));
    let user = db
        .app
        .user_by_email(&Actor::System, "viewer@example.org")
        .await
        .unwrap();
    assert!(
        db.app
            .reset_two_factor(&Actor::User(user), "admin@example.org")
            .await
            .is_err()
    );
    db.app
        .reset_two_factor(&Actor::System, "admin@example.org")
        .await
        .unwrap();
    assert!(matches!(
        db.app
            .log_in("admin@example.org", PASSWORD, None, "/")
            .await
            .unwrap(),
        SignIn::SetUp(_)
    ));
}

#[tokio::test]
async fn an_installation_can_require_two_factor_of_everyone() {
    let db = TestDb::sqlite().await;
    db.user("viewer@example.org", Role::Viewer, "Northshire", None)
        .await;
    let strict = db.app.clone().with_two_factor_for_everyone(true);
    assert!(matches!(
        strict
            .log_in("viewer@example.org", PASSWORD, None, "/")
            .await
            .unwrap(),
        SignIn::SetUp(_)
    ));
}
