//! Real `wsoa serve` processes: two instances on one PostgreSQL database working as one
//! (sessions, uploads and every change live in the database, and each instance's cached
//! plans are checked against it), and a server killed with SIGKILL while owners are
//! posting updates, which must leave every update whole or absent.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header;
use wsoa::domain::{Actor, Role};

use crate::helpers::{TestDb, small_plan};

/// A `wsoa serve` process, killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_wsoa"))
            .args([
                "--db",
                db_url,
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .env("WSOA_LOG", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn ready(&self) {
        for _ in 0..300 {
            if reqwest::get(format!("{}/healthz", self.base)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the server at {} did not answer within 30 seconds",
            self.base
        );
    }

    fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL on Unix
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The small plan, and an API token of an editor of its area.
async fn plan_and_editor(
    db: &TestDb,
) -> (
    wsoa::domain::PlanSummary,
    String,
    Arc<wsoa::domain::PlanTree>,
) {
    let stored = db.small_plan_stored().await;
    let editor = db
        .user(
            "editor@northshire.test",
            Role::Editor,
            &stored.local_area,
            None,
        )
        .await;
    // Made on today's clock: the servers below run on it, and tokens expire.
    let token = db
        .live_app()
        .create_token(&Actor::System, editor.id, "scale-out test")
        .await
        .unwrap()
        .token;
    let (_, tree) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    (stored, token, tree)
}

/// Audit entries for recorded progress, read straight from the database.
async fn audited_updates(url: &str) -> i64 {
    use sqlx::Connection as _;
    let sql = "select count(*) from audit_event where event = 'progress.recorded'";
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the form and returns the session cookie (`name=value`).
async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    let response = client
        .post(format!("{base}/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            crate::helpers::PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed in");
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wsoa_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}

async fn page(client: &reqwest::Client, url: &str, cookie: &str) -> (StatusCode, String) {
    let response = client
        .get(url)
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// A change made through one instance is seen through the other at once: the session
/// made on A works on B, an update posted to A shows on B's plan and action pages (B had
/// already cached the plan), and a document uploaded to A is previewed and confirmed on B.
#[tokio::test]
async fn two_instances_on_one_postgres_database_work_as_one() {
    let db = TestDb::postgres().await;
    let (stored, token, tree) = plan_and_editor(&db).await;
    let action = tree.actions().next().unwrap().2.id.unwrap().0;
    let a = Server::start(&db.url);
    let b = Server::start(&db.url);
    a.ready().await;
    b.ready().await;
    let client = client();

    let cookie = sign_in(&client, &a.base, "editor@northshire.test").await;
    let plan_on_b = format!("{}/plans/{}", b.base, stored.slug);
    let (status, before) = page(&client, &plan_on_b, &cookie).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the session made on A is valid on B"
    );
    assert!(before.contains("Sign out"), "signed in on B");
    assert_eq!(
        page(&client, &plan_on_b, &cookie).await.1,
        before,
        "an unchanged plan gives the same page (so a difference below is the update)"
    );

    let narrative = "Posted through instance A: the panel met on Tuesday.";
    let posted = client
        .post(format!(
            "{}/api/v1/plans/{}/actions/{action}/updates",
            a.base, stored.slug
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "narrative": narrative, "ratings": { "completed": "R" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);

    let (_, action_on_b) = page(&client, &format!("{plan_on_b}/actions/{action}"), &cookie).await;
    assert!(action_on_b.contains(narrative), "B shows A's update");
    let (_, after) = page(&client, &plan_on_b, &cookie).await;
    assert_ne!(
        before, after,
        "B's plan page is not served from a stale copy"
    );

    // An upload kept by A is previewed and confirmed through B.
    let document = wsoa::documents::write_plan_json(&small_plan()).unwrap();
    let boundary = "wsoa-scale-out-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"plan.json\"\r\nContent-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&document);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded = client
        .post(format!("{}/plans/import", a.base))
        .header(header::COOKIE, &cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER, "uploaded to A");
    let preview = uploaded.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, shown) = page(&client, &format!("{}{preview}", b.base), &cookie).await;
    assert_eq!(status, StatusCode::OK, "B previews A's upload: {shown}");
    let confirmed = client
        .post(format!("{}{preview}/confirm", b.base))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER, "B confirms it");
    let plans = db.app.plans(&Actor::System).await.unwrap();
    assert_eq!(plans.len(), 2, "the upload became a second plan version");

    drop((a, b));
    db.finish().await;
}

/// Eight owners posting updates through the API, as fast as the server answers, until
/// it stops answering.
struct Owners {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    acknowledged: Arc<std::sync::Mutex<Vec<String>>>,
    sent: Arc<AtomicUsize>,
}

impl Owners {
    fn start(base: &str, slug: &str, token: &str, actions: &[i64]) -> Self {
        let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sent = Arc::new(AtomicUsize::new(0));
        let tasks = (0..8)
            .map(|owner| {
                let url = format!("{base}/api/v1/plans/{slug}/actions");
                let (token, actions) = (token.to_owned(), actions.to_vec());
                let (acknowledged, sent) = (Arc::clone(&acknowledged), Arc::clone(&sent));
                tokio::spawn(async move {
                    let client = client();
                    for n in 0.. {
                        let action = actions[(owner + n) % actions.len()];
                        let narrative = format!("Owner {owner}, update {n}: progress reported.");
                        let rating = ["R", "A", "G", "B"][n % 4];
                        sent.fetch_add(1, Ordering::Relaxed);
                        let Ok(response) = client
                            .post(format!("{url}/{action}/updates"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({
                                "narrative": narrative,
                                "ratings": { "completed": rating },
                            }))
                            .send()
                            .await
                        else {
                            return; // the server is gone
                        };
                        if response.status() == StatusCode::CREATED {
                            acknowledged.lock().unwrap().push(narrative);
                        }
                    }
                })
            })
            .collect();
        Self {
            tasks,
            acknowledged,
            sent,
        }
    }

    /// Waits for every owner to notice the server is gone: the updates acknowledged, and
    /// how many were sent.
    async fn stopped(self) -> (Vec<String>, usize) {
        for task in self.tasks {
            task.await.unwrap();
        }
        let acknowledged = self.acknowledged.lock().unwrap().clone();
        (acknowledged, self.sent.load(Ordering::Relaxed))
    }
}

/// Owners post updates through the API while the server is killed with SIGKILL; after a
/// restart every update is whole (its row, the action's ratings and its audit entry all
/// agree), every update acknowledged before the kill is there, and the server works.
#[tokio::test]
async fn a_server_killed_while_owners_post_updates_loses_nothing_acknowledged() {
    for db in [TestDb::sqlite().await, TestDb::postgres().await] {
        let (stored, token, tree) = plan_and_editor(&db).await;
        let actions: Vec<i64> = tree
            .actions()
            .filter_map(|(_, _, a)| a.id.map(|id| id.0))
            .collect();
        let updates_before: usize = tree.actions().map(|(_, _, a)| a.updates.len()).sum();
        let mut server = Server::start(&db.url);
        server.ready().await;

        let owners = Owners::start(&server.base, &stored.slug, &token, &actions);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.kill();
        let (acknowledged, sent) = owners.stopped().await;
        assert!(
            acknowledged.len() > 10,
            "owners were posting when the server was killed ({} acknowledged)",
            acknowledged.len()
        );

        // Restarted on the same database.
        let restarted = Server::start(&db.url);
        restarted.ready().await;
        let (_, tree) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
        let narratives: Vec<&str> = tree
            .actions()
            .flat_map(|(_, _, a)| a.updates.iter().map(|u| u.narrative.as_str()))
            .collect();
        for narrative in &acknowledged {
            assert!(
                narratives.contains(&narrative.as_str()),
                "acknowledged update {narrative:?} survived the kill"
            );
        }
        let stored_now = narratives.len() - updates_before;
        assert!(stored_now <= sent, "nothing was stored twice");
        for (_, _, action) in tree.actions() {
            if let Some(last) = action
                .updates
                .iter()
                .rfind(|u| u.narrative.starts_with("Owner "))
            {
                assert_eq!(
                    action.ratings.get("completed"),
                    last.ratings.get("completed"),
                    "the action's rating is its last update's"
                );
            }
        }
        assert_eq!(
            audited_updates(&db.url).await,
            i64::try_from(stored_now).unwrap(),
            "every stored update has its audit entry, and no entry lacks its update"
        );

        let after = client()
            .post(format!(
                "{}/api/v1/plans/{}/actions/{}/updates",
                restarted.base, stored.slug, actions[0]
            ))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "narrative": "After the restart." }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            after.status(),
            StatusCode::CREATED,
            "the restarted server works"
        );
        drop(restarted);
        db.finish().await;
    }
}
