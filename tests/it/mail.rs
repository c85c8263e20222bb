//! Mail against a real SMTP server (Python's aiosmtpd, started here on 127.0.0.1): an
//! invitation's link works once, a role offered to an existing account changes nothing
//! until accepted, a password reset link expires and ends every session, mail written
//! while the server is down is delivered once it is back, and two app instances
//! delivering one outbox send each message once.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::{StatusCode, header};
use wsoa::app::{App, Clock, Mailer, PasswordCost};
use wsoa::domain::{Actor, Role};
use wsoa::store::Store;

use crate::helpers::{Auth, PASSWORD, TestDb, fixed_now, on_both_backends};

/// An aiosmtpd process writing what it receives to a maildir; killed when dropped.
pub struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// A free port on 127.0.0.1 (nothing listens on it when this returns).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    /// Starts a server on `port` and waits until it accepts connections.
    pub async fn start_on(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd runs (scripts/test.sh installs python3-aiosmtpd)");
        let server = Self { child, port, dir };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    /// Starts a server on a free port.
    pub async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A mailer that sends to this server.
    pub fn mailer(&self) -> Mailer {
        mailer_for(self.port)
    }

    /// Every message received so far, decoded enough to read: headers and bodies.
    pub fn received(&self) -> Vec<String> {
        let maildir = self.dir.path().join("maildir");
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(maildir.join(sub)).ok())
            .flat_map(|entries| entries.map(|e| e.unwrap().path()))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| decode_quoted_printable(&std::fs::read_to_string(f).unwrap()))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A mailer sending to 127.0.0.1:`port` without TLS.
pub fn mailer_for(port: u16) -> Mailer {
    Mailer::from_settings(
        Some(&format!("smtp://127.0.0.1:{port}")),
        None,
        "WSOA Tracker <wsoa@example.test>",
    )
    .unwrap()
}

/// Undoes quoted-printable soft line breaks and `=XX` escapes, so links read whole.
fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The token of the first link to `path` (`/invitations/`) in a message.
fn token_after(message: &str, path: &str) -> String {
    let at = message
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in {message}"));
    message[at + path.len()..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// How many audit events of this kind are stored.
async fn audit_count(db: &TestDb, event: &str) -> i64 {
    let sql = "select count(*) from audit_event where event = $1";
    if db.url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let n = sqlx::query_scalar(sql).bind(event).fetch_one(&pool).await;
        pool.close().await;
        n.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let n = sqlx::query_scalar(sql).bind(event).fetch_one(&pool).await;
        pool.close().await;
        n.unwrap()
    }
}

fn cookie_of(reply: &crate::helpers::Reply) -> Auth {
    let set = reply
        .headers
        .get(header::SET_COOKIE)
        .expect("a session cookie")
        .to_str()
        .unwrap();
    let value = set
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    Auth::Cookie(value)
}

async fn an_invitation_makes_an_account_whose_owner_chose_the_password_and_works_once(db: &TestDb) {
    let smtp = SmtpServer::start().await;
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    let admin = db.session("admin@example.org").await;

    let invited = db
        .post_form(
            "/areas/northshire/users",
            "email=New.Person%40Example.org&name=New+Person&role=owner&person_key=NP",
            &admin,
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.body);
    let page = db.get(invited.location(), &admin).await;
    assert!(
        page.body
            .contains("Invitation sent to New.Person@Example.org"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("new.person@example.org"),
        "listed as waiting"
    );
    assert!(
        db.app
            .user_by_email(&Actor::System, "new.person@example.org")
            .await
            .is_err(),
        "no account exists until the invitation is accepted"
    );
    // The Outbox page lists the message but never shows a sign-in link.
    let outbox = db.get("/outbox", &admin).await;
    assert_eq!(outbox.status, StatusCode::OK);
    assert!(outbox.body.contains("new.person@example.org"));
    assert!(outbox.body.contains("Waiting"));
    assert!(!outbox.body.contains("/invitations/"), "{}", outbox.body);

    let round = db.app.deliver_mail(&smtp.mailer()).await.unwrap();
    assert_eq!((round.sent, round.failed), (1, 0));
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert!(message.contains("To: new.person@example.org"), "{message}");
    assert!(message.contains("Northshire"), "{message}");
    assert!(message.contains("text/plain") && message.contains("text/html"));
    assert!(
        !message.contains("List-Unsubscribe"),
        "an invitation is not a mailing"
    );
    let token = token_after(message, "/invitations/");
    assert_eq!(token.len(), 64);

    let form = db
        .get(&format!("/invitations/{token}"), &Auth::Anonymous)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Owner") || form.body.contains("owner"));
    assert!(form.body.contains("value=\"New Person\""), "{}", form.body);
    let mismatch = db
        .post_form(
            &format!("/invitations/{token}"),
            "name=New+Person&password=a+password+of+my+own&confirm_password=another",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("Passwords must match"));

    let accepted = db
        .post_form(
            &format!("/invitations/{token}"),
            "name=New+Person&password=a+password+of+my+own&confirm_password=a+password+of+my+own",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(accepted.location(), "/account?done=joined");
    let account = db.get(accepted.location(), &cookie_of(&accepted)).await;
    assert!(account.body.contains("Your account has been created"));
    assert!(account.body.contains("Northshire"));
    let user = db
        .app
        .user_by_email(&Actor::System, "new.person@example.org")
        .await
        .unwrap();
    assert_eq!(user.name, "New Person");
    assert_eq!(user.grants[0].role, Role::Owner);
    assert_eq!(user.grants[0].person_key.as_deref(), Some("NP"));
    db.app
        .log_in("new.person@example.org", "a password of my own", None, "/")
        .await
        .expect("the password the invitee chose");

    the_invitation_is_spent(db, &token, &admin).await;
}

/// After acceptance: the link is refused, the outbox says sent, and the trail has it all.
async fn the_invitation_is_spent(db: &TestDb, token: &str, admin: &Auth) {
    let again = db
        .post_form(
            &format!("/invitations/{token}"),
            "name=Someone+Else&password=another+long+password&confirm_password=another+long+password",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the link works once");
    assert_eq!(
        db.get(&format!("/invitations/{token}"), &Auth::Anonymous)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let outbox = db.get("/outbox", admin).await;
    assert!(outbox.body.contains("Sent"), "{}", outbox.body);
    assert_eq!(audit_count(db, "invitation.sent").await, 1);
    assert_eq!(audit_count(db, "invitation.accepted").await, 1);
    assert_eq!(audit_count(db, "mail.sent").await, 1);
}

async fn an_invitation_expires_after_seven_days_and_can_be_withdrawn(db: &TestDb) {
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    let admin = db.session("admin@example.org").await;
    let dir = tempfile::tempdir().unwrap();
    let to_files =
        Mailer::from_settings(None, Some(dir.path().to_owned()), "wsoa@example.test").unwrap();
    for email in ["late%40example.org", "withdrawn%40example.org"] {
        let reply = db
            .post_form(
                "/areas/northshire/users",
                &format!("email={email}&role=viewer"),
                &admin,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(db.app.deliver_mail(&to_files).await.unwrap().sent, 2);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "one .eml file a message");
    assert!(files.iter().all(|f| f.extension().unwrap() == "eml"));
    let read = |f: &Path| decode_quoted_printable(&std::fs::read_to_string(f).unwrap());
    let late = token_after(&read(&files[0]), "/invitations/");
    let withdrawn = token_after(&read(&files[1]), "/invitations/");

    let page = db.get("/areas/northshire/users", &admin).await;
    let invitation_id = page
        .body
        .split("/invitations/")
        .filter_map(|rest| rest.split('/').next())
        .filter_map(|id| id.parse::<i64>().ok())
        .max()
        .expect("a withdraw button");
    let reply = db
        .post_form(
            &format!("/areas/northshire/invitations/{invitation_id}/withdraw"),
            "",
            &admin,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        db.get(&format!("/invitations/{withdrawn}"), &Auth::Anonymous)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a withdrawn invitation's link stops working"
    );
    assert_eq!(
        db.get(&format!("/invitations/{late}"), &Auth::Anonymous)
            .await
            .status,
        StatusCode::OK
    );
    let week_later = db.app_at(fixed_now() + time::Duration::days(7) + time::Duration::minutes(1));
    assert!(
        week_later.invitation(&late).await.is_err(),
        "expired after 7 days"
    );
    assert_eq!(audit_count(db, "invitation.withdrawn").await, 1);
}

async fn a_role_offered_to_an_existing_account_changes_nothing_until_it_is_accepted(db: &TestDb) {
    db.user("admin@example.org", Role::Admin, "Northshire", None)
        .await;
    db.user("south-admin@example.org", Role::Admin, "Southshire", None)
        .await;
    let admin = db.session("admin@example.org").await;

    // Even a crafted request with a password cannot set one.
    let reply = db
        .post_form(
            "/areas/northshire/users",
            "email=south-admin%40example.org&role=viewer&password=a+password+I+now+know",
            &admin,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = db.get(reply.location(), &admin).await;
    assert!(
        page.body
            .contains("Invitation sent to south-admin@example.org"),
        "the same answer as for a new address: {}",
        page.body
    );
    let known = "a password I now know";
    assert!(
        db.app
            .log_in("south-admin@example.org", known, None, "/")
            .await
            .is_err()
    );
    let before = db
        .app
        .user_by_email(&Actor::System, "south-admin@example.org")
        .await
        .unwrap();
    assert_eq!(before.grants.len(), 1, "no role in Northshire yet");

    let south = db.session("south-admin@example.org").await;
    let account = db.get("/account", &south).await;
    assert!(
        account.body.contains("Roles offered to you"),
        "{}",
        account.body
    );
    assert!(
        account
            .body
            .contains("Viewer (boards and scrutiny) in Northshire"),
        "{}",
        account.body
    );
    let offer = db
        .app
        .offered_roles(&Actor::User(before.clone()))
        .await
        .unwrap();
    assert_eq!(offer.len(), 1);
    // Another person cannot answer it.
    let other = db.session("admin@example.org").await;
    let refused = db
        .post_form(
            &format!("/account/invitations/{}/accept", offer[0].id),
            "",
            &other,
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let accepted = db
        .post_form(
            &format!("/account/invitations/{}/accept", offer[0].id),
            "",
            &south,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let after = db
        .app
        .user_by_email(&Actor::System, "south-admin@example.org")
        .await
        .unwrap();
    assert_eq!(after.grants.len(), 2);
    assert!(
        after
            .grants
            .iter()
            .any(|g| g.local_area.name == "Northshire" && g.role == Role::Viewer)
    );
    db.app
        .log_in("south-admin@example.org", PASSWORD, None, "/")
        .await
        .expect("the account's own password is unchanged");
    // Inviting someone who already has a role in the area changes it directly.
    let changed = db
        .post_form(
            "/areas/northshire/users",
            "email=south-admin%40example.org&role=editor",
            &admin,
        )
        .await;
    assert!(
        changed.location().contains("done=changed"),
        "{}",
        changed.location()
    );
}

async fn a_password_reset_link_works_once_for_an_hour_and_signs_out_everywhere(db: &TestDb) {
    let smtp = SmtpServer::start().await;
    db.user("owner@example.org", Role::Owner, "Northshire", Some("OW"))
        .await;
    let session = db.session("owner@example.org").await;

    let known = db
        .post_form(
            "/password-reset",
            "email=owner%40example.org",
            &Auth::Anonymous,
        )
        .await;
    let unknown = db
        .post_form(
            "/password-reset",
            "email=nobody%40example.org",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(
        known.body.replace("owner@example.org", "X"),
        unknown.body.replace("nobody@example.org", "X"),
        "the answer does not tell which addresses have accounts"
    );
    let bad = db
        .post_form("/password-reset", "email=not-an-address", &Auth::Anonymous)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(db.app.deliver_mail(&smtp.mailer()).await.unwrap().sent, 1);
    let received = smtp.received();
    assert_eq!(
        received.len(),
        1,
        "nothing is sent to an address without an account"
    );
    let token = token_after(&received[0], "/password-reset/");

    let hour_later = db.app_at(fixed_now() + time::Duration::minutes(61));
    assert!(
        hour_later.password_reset_is_open(&token).await.is_err(),
        "expired"
    );

    let form = db
        .get(&format!("/password-reset/{token}"), &Auth::Anonymous)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let reset = db
        .post_form(
            &format!("/password-reset/{token}"),
            "new_password=a+brand+new+password&confirm_password=a+brand+new+password",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    assert_eq!(reset.location(), "/login?done=reset");
    let Auth::Cookie(old) = session else {
        unreachable!()
    };
    assert_eq!(
        db.app.actor_for_session(&old).await.unwrap(),
        Actor::Public,
        "the reset ended the account's sessions"
    );
    assert!(
        db.app
            .log_in("owner@example.org", PASSWORD, None, "/")
            .await
            .is_err()
    );
    db.app
        .log_in("owner@example.org", "a brand new password", None, "/")
        .await
        .unwrap();
    let again = db
        .post_form(
            &format!("/password-reset/{token}"),
            "new_password=yet+another+password&confirm_password=yet+another+password",
            &Auth::Anonymous,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the link works once");
    // A delivered reset's body is removed from the outbox.
    let kept = db.app.outbox(&Actor::System).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].body.is_none());
    assert_eq!(audit_count(db, "user.password_reset").await, 1);
}

async fn mail_written_while_the_server_is_down_is_delivered_once_it_is_back(db: &TestDb) {
    let port = free_port();
    db.app
        .invite(
            &Actor::System,
            wsoa::app::NewUser {
                email: "waiting@example.org".into(),
                name: String::new(),
                role: Role::Viewer,
                local_area: "Northshire".into(),
                person_key: None,
                password: None,
            },
        )
        .await
        .expect("inviting never waits for the mail server");
    let down = db.app.deliver_mail(&mailer_for(port)).await.unwrap();
    assert_eq!((down.sent, down.failed), (0, 1));
    let kept = db.app.outbox(&Actor::System).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].sent_at.is_none());
    assert!(kept[0].last_error.is_some());
    assert_eq!(db.app.pending_mail().await.unwrap(), 1);

    let smtp = SmtpServer::start_on(port).await;
    let too_soon = db.app.deliver_mail(&smtp.mailer()).await.unwrap();
    assert_eq!(too_soon.sent, 0, "the retry waits its turn");
    let later = db.app_at(fixed_now() + time::Duration::minutes(1));
    assert_eq!(later.deliver_mail(&smtp.mailer()).await.unwrap().sent, 1);
    assert_eq!(later.deliver_mail(&smtp.mailer()).await.unwrap().sent, 0);
    assert_eq!(smtp.received().len(), 1, "delivered once");
    assert_eq!(db.app.pending_mail().await.unwrap(), 0);
}

async fn two_instances_delivering_one_outbox_send_each_message_once(db: &TestDb) {
    let smtp = SmtpServer::start().await;
    for n in 0..30 {
        db.app
            .invite(
                &Actor::System,
                wsoa::app::NewUser {
                    email: format!("person{n}@example.org"),
                    name: String::new(),
                    role: Role::Viewer,
                    local_area: "Northshire".into(),
                    person_key: None,
                    password: None,
                },
            )
            .await
            .unwrap();
    }
    let second = App::new(
        Store::open(&db.url).await.unwrap(),
        Clock::Fixed(fixed_now()),
    )
    .with_password_cost(PasswordCost::TestOnlyFast);
    let mailer = smtp.mailer();
    let mut sent = 0;
    for _ in 0..5 {
        let (a, b) = tokio::join!(db.app.deliver_mail(&mailer), second.deliver_mail(&mailer));
        sent += a.unwrap().sent + b.unwrap().sent;
    }
    assert_eq!(sent, 30);
    let received = smtp.received();
    assert_eq!(received.len(), 30, "each message once");
    let mut recipients: Vec<String> = received
        .iter()
        .map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: "))
                .unwrap()
                .to_owned()
        })
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 30);
    second.close().await;
}

on_both_backends!(
    an_invitation_makes_an_account_whose_owner_chose_the_password_and_works_once,
    an_invitation_expires_after_seven_days_and_can_be_withdrawn,
    a_role_offered_to_an_existing_account_changes_nothing_until_it_is_accepted,
    a_password_reset_link_works_once_for_an_hour_and_signs_out_everywhere,
    mail_written_while_the_server_is_down_is_delivered_once_it_is_back,
    two_instances_delivering_one_outbox_send_each_message_once,
);
