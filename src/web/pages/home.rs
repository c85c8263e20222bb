//! `/`: each person starts with their own task. Owners get their actions this cycle,
//! editors "This cycle" (and, after an import, the steps to set the plan up), viewers
//! the board pack, advisers the comparison, and the public what their area is doing in
//! plain English. Someone with several roles switches between their homes; the plans
//! they may read are listed below each.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

use super::{Layout, Page};
use crate::app::{App, MyAction, MyActionStatus, ThisCycle};
use crate::domain::{
    Actor, AreaCounts, Error, KpiStatus, PlanProgress, PlanSummary, PublicSummary, ReportBody,
    Role, uk_date,
};
use crate::web::extract::Path;
use crate::web::session::Viewer;

pub fn router() -> Router<App> {
    Router::new()
        .route("/", get(index))
        .route("/plans/{plan}/summary", get(summary))
}

/// Which home is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Home {
    Owner,
    Editor,
    Viewer,
    Adviser,
    Plans,
}

impl Home {
    const ALL: [Self; 5] = [
        Self::Owner,
        Self::Editor,
        Self::Viewer,
        Self::Adviser,
        Self::Plans,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Editor => "editor",
            Self::Viewer => "viewer",
            Self::Adviser => "adviser",
            Self::Plans => "plans",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Owner => "Your actions",
            Self::Editor => "This cycle",
            Self::Viewer => "Board pack",
            Self::Adviser => "Compare areas",
            Self::Plans => "All plans",
        }
    }

    /// The homes a person's roles give them, their first task first.
    fn of(actor: &Actor) -> Vec<Self> {
        let Some(user) = actor.user() else {
            return vec![Self::Plans];
        };
        let has = |roles: &[Role]| user.grants.iter().any(|g| roles.contains(&g.role));
        // The plan list is below every home, so it is a home of its own only for someone
        // with no role yet.
        let homes: Vec<Self> = Self::ALL
            .into_iter()
            .filter(|home| match home {
                Self::Owner => has(&[Role::Owner]),
                Self::Editor => has(&[Role::Admin, Role::Editor]),
                Self::Viewer => has(&[Role::Viewer]),
                Self::Adviser => has(&[Role::Adviser]),
                Self::Plans => false,
            })
            .collect();
        if homes.is_empty() {
            vec![Self::Plans]
        } else {
            homes
        }
    }
}

/// A link to one of the person's homes.
struct Switch {
    label: &'static str,
    href: String,
    current: bool,
}

/// An owner's actions in one plan, as the task list shows them.
struct MyPlanView {
    slug: String,
    title: String,
    closes_on: String,
    needing: usize,
    actions: Vec<MyAction>,
}

/// One plan's board pack: where it stands, what changed, what to open.
struct BoardPack {
    summary: PlanSummary,
    /// The last closed cycle: number and "14 April 2026".
    last_cycle: Option<(u32, String)>,
    /// What changed since it closed, in words, one line each.
    changes: Vec<String>,
    total: AreaCounts,
    kpis_off: Vec<(i64, String)>,
    /// The latest monitoring or board meeting recorded: "12 March 2026: Board (SEND
    /// Improvement Board)".
    latest_meeting: Option<String>,
}

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    layout: Layout,
    home: Home,
    switches: Vec<Switch>,
    mine: Vec<MyPlanView>,
    cycles: Vec<ThisCycle>,
    packs: Vec<BoardPack>,
    progress: Vec<PlanProgress>,
    plans: Vec<PlanSummary>,
    can_import: bool,
}

#[derive(Deserialize)]
struct HomeQuery {
    view: Option<String>,
}

async fn index(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<HomeQuery>,
) -> Result<Page<HomePage>, Error> {
    let homes = Home::of(&viewer.actor);
    let home = query
        .view
        .as_deref()
        .and_then(|code| homes.iter().copied().find(|h| h.code() == code))
        .or_else(|| homes.first().copied())
        .unwrap_or(Home::Plans);
    let switches = if homes.len() > 1 {
        homes
            .iter()
            .map(|h| Switch {
                label: h.label(),
                href: format!("/?view={}", h.code()),
                current: *h == home,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut page = HomePage {
        layout: Layout::of(&viewer),
        home,
        switches,
        mine: Vec::new(),
        cycles: Vec::new(),
        packs: Vec::new(),
        progress: Vec::new(),
        plans: app.plans(&viewer.actor).await?,
        can_import: app.may_import(&viewer.actor).is_ok(),
    };
    match home {
        Home::Owner => page.mine = my_plans(&app, &viewer.actor).await?,
        Home::Editor => page.cycles = app.this_cycle_of_my_plans(&viewer.actor).await?,
        Home::Viewer => page.packs = board_packs(&app, &viewer.actor, &page.plans).await?,
        Home::Adviser => page.progress = app.compare_plans(&viewer.actor).await?,
        Home::Plans => {
            if viewer.actor.user().is_none() {
                page.plans = latest(page.plans);
            }
        }
    }
    Ok(Page(page))
}

/// The latest version of each plan, as families should read it.
fn latest(plans: Vec<PlanSummary>) -> Vec<PlanSummary> {
    let mut out: Vec<PlanSummary> = Vec::new();
    for plan in plans {
        match out
            .iter_mut()
            .find(|p| p.local_area_id == plan.local_area_id && p.title == plan.title)
        {
            Some(slot) if slot.version < plan.version => *slot = plan,
            Some(_) => {}
            None => out.push(plan),
        }
    }
    out
}

async fn my_plans(app: &App, actor: &Actor) -> Result<Vec<MyPlanView>, Error> {
    Ok(app
        .my_actions(actor)
        .await?
        .into_iter()
        .map(|p| MyPlanView {
            needing: p
                .actions
                .iter()
                .filter(|a| {
                    matches!(
                        a.status,
                        MyActionStatus::Overdue | MyActionStatus::NeedsUpdate
                    )
                })
                .count(),
            slug: p.summary.slug,
            title: p.summary.title,
            closes_on: uk_date(p.closes_on),
            actions: p.actions,
        })
        .collect())
}

/// The board pack of the latest version of each plan in the areas where the actor is a
/// viewer.
async fn board_packs(
    app: &App,
    actor: &Actor,
    plans: &[PlanSummary],
) -> Result<Vec<BoardPack>, Error> {
    let mine: Vec<PlanSummary> = plans
        .iter()
        .filter(|p| {
            actor
                .grant(p.local_area_id)
                .is_some_and(|g| g.role == Role::Viewer)
        })
        .cloned()
        .collect();
    let mut packs = Vec::new();
    for summary in latest(mine) {
        let view = app.cycles(actor, &summary.slug).await?;
        let plan = &view.running.plan;
        let tolerance = plan.tolerance_percent();
        let changes = view.since_last.as_ref().map_or_else(Vec::new, |c| {
            let mut lines = Vec::new();
            let mut say = |n: usize, one: &str, many: &str| {
                if n > 0 {
                    lines.push(if n == 1 {
                        format!("1 {one}")
                    } else {
                        format!("{n} {many}")
                    });
                }
            };
            say(
                c.updates_added(),
                "progress update added",
                "progress updates added",
            );
            say(c.improved(), "rating improved", "ratings improved");
            say(c.worse(), "rating got worse", "ratings got worse");
            say(c.milestones.len(), "milestone done", "milestones done");
            say(c.dates.len(), "deadline moved", "deadlines moved");
            say(c.added.len(), "action added", "actions added");
            lines
        });
        packs.push(BoardPack {
            last_cycle: view.closed.last().map(|c| (c.number, uk_date(c.ends_on))),
            changes,
            total: plan.dashboard(&view.running.rules).total,
            kpis_off: plan
                .kpis
                .iter()
                .filter(|k| k.assess(tolerance).status == KpiStatus::OffTrajectory)
                .filter_map(|k| Some((k.id?.0, k.name.clone())))
                .collect(),
            latest_meeting: plan.meetings_newest_first().first().map(|m| {
                let board = m
                    .board
                    .as_deref()
                    .map(|b| format!(" ({b})"))
                    .unwrap_or_default();
                format!("{}: {}{board}", uk_date(m.date), m.kind.label())
            }),
            summary,
        });
    }
    Ok(packs)
}

#[derive(Template)]
#[template(path = "home/summary.html")]
struct SummaryPage {
    layout: Layout,
    summary: PlanSummary,
    body: PublicSummary,
    as_at: String,
}

/// "What we are doing": the public summary as a web page, in plain English, for anyone
/// who may read the plan (everyone, once it is published).
async fn summary(
    State(app): State<App>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> Result<Page<SummaryPage>, Error> {
    let summary = app.plan_summary(&viewer.actor, &key).await?;
    let report = app.public_summary(&viewer.actor, &key).await?;
    let ReportBody::Public(body) = report.body else {
        return Err(Error::not_found("summary"));
    };
    Ok(Page(SummaryPage {
        layout: Layout::of(&viewer),
        as_at: uk_date(report.header.as_at),
        summary,
        body,
    }))
}
