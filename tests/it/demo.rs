//! The demo accounts: one per role, each able to sign in, with the owner linked to
//! whoever owns the most actions. Run on the small plan, since the demo document's importer
//! is a separate piece of work.

use wsoa::domain::{Actor, Role};

use crate::helpers::TestDb;

#[tokio::test]
async fn there_is_one_demo_account_per_role_and_each_can_sign_in() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;

    let accounts = db.app.create_demo_accounts(&stored.slug).await.unwrap();
    let again = db.app.create_demo_accounts(&stored.slug).await.unwrap();

    let roles: Vec<Role> = accounts.iter().map(|a| a.role).collect();
    assert_eq!(roles, Role::ALL);
    assert_eq!(
        accounts, again,
        "running the demo twice gives the same accounts"
    );
    for account in &accounts {
        let signed_in = db
            .app
            .log_in(&account.email, &account.password, None, "/")
            .await
            .unwrap();
        // The admin's password is right, and it must set up two-factor next.
        let session = match signed_in {
            wsoa::app::SignIn::Session(session) => session,
            wsoa::app::SignIn::SetUp(_) if account.role == Role::Admin => continue,
            other => panic!("{}: {other:?}", account.email),
        };
        let Actor::User(user) = db.app.actor_for_session(&session.token).await.unwrap() else {
            panic!("{} did not sign in", account.email);
        };
        assert_eq!(user.grants.len(), 1);
        assert_eq!(user.grants[0].role, account.role);
        assert_eq!(user.grants[0].local_area.name, "Northshire");
    }
    let owner = accounts.iter().find(|a| a.role == Role::Owner).unwrap();
    assert_eq!(
        owner.person_key.as_deref(),
        Some("CD"),
        "the person who owns the most actions"
    );
}

#[tokio::test]
async fn the_demo_outbox_holds_an_invitation_and_this_cycles_reminders() {
    let db = TestDb::sqlite().await;
    let stored = db.small_plan_stored().await;
    db.app.create_demo_accounts(&stored.slug).await.unwrap();

    let written = db.app.write_demo_mail(&stored.slug).await.unwrap();

    let outbox = db.app.outbox(&Actor::System).await.unwrap();
    assert_eq!(outbox.len(), written);
    let kinds: Vec<&str> = outbox.iter().map(|m| m.kind.code()).collect();
    assert!(kinds.contains(&"invitation"), "{kinds:?}");
    assert!(kinds.contains(&"reminder"), "{kinds:?}");
    assert!(kinds.contains(&"digest"), "{kinds:?}");
    let admin = db
        .session_with("admin@demo.example", "demo-admin-password")
        .await;
    let page = db.get("/outbox", &admin).await;
    assert!(
        page.body.contains("new.owner@demo.example"),
        "{}",
        page.body
    );
    db.finish().await;
}
