//! Plans as whole trees: stored in one transaction, read back in a fixed number of queries.

use std::collections::HashMap;

use time::{Date, OffsetDateTime};

use crate::domain::ReportingCycle;

use super::audit::insert_audit;
use super::evidence::write_evidence;
use super::{Store, from_json, in_write_transaction, on_pool, to_json};
use crate::domain::{
    Action, ActionId, Area, Error, GlossaryEntry, LocalAreaId, Milestone, NewAuditEvent, Objective,
    PartialDate, Person, PlanId, PlanKind, PlanStatus, PlanSummary, PlanTree, ProgressUpdate,
    RatingScheme, Resource, Result, UserId,
};

#[derive(sqlx::FromRow)]
struct PlanRow {
    title: String,
    local_area: String,
    kind: String,
    status: String,
    version: i64,
    document_date: Option<String>,
    inspection_start: Option<Date>,
    inspection_end: Option<Date>,
    report_published: Option<Date>,
    rating_scheme: String,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    plan_id: i64,
    slug: String,
    title: String,
    local_area: String,
    local_area_id: i64,
    published: bool,
    kind: String,
    status: String,
    version: i64,
    actions: i64,
}

#[derive(sqlx::FromRow)]
struct RevisedSummaryRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    revision: i64,
    cycle_weeks: i64,
    cycle_start: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    initials: Option<String>,
    name: String,
    role: Option<String>,
    organisation: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AreaRow {
    area_id: i64,
    number: i64,
    title: String,
    heading: Option<String>,
    sponsor: Option<String>,
    delivery_partners: String,
}

#[derive(sqlx::FromRow)]
struct ObjectiveRow {
    objective_id: i64,
    area_id: i64,
    number: String,
    text: String,
    impact_statements: String,
    success_measures: String,
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    action_id: i64,
    objective_id: i64,
    #[sqlx(rename = "ref")]
    reference: Option<String>,
    text: String,
    due: Option<String>,
    due_from: Option<String>,
    due_text: Option<String>,
    ratings: String,
    resource: Option<String>,
    success_measures: String,
    notes: String,
}

#[derive(sqlx::FromRow)]
struct OwnerRow {
    action_id: i64,
    owner_key: String,
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    action_id: i64,
    text: String,
    due: Option<String>,
    due_text: Option<String>,
    done: Option<String>,
    done_text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    progress_update_id: i64,
    action_id: i64,
    update_date: Date,
    author: Option<String>,
    narrative: String,
    ratings: String,
}

#[derive(sqlx::FromRow)]
struct GlossaryRow {
    term: String,
    definition: String,
}

fn partial(column: &str, raw: Option<String>) -> Result<Option<PartialDate>> {
    raw.map(|raw| {
        PartialDate::parse_iso(&raw)
            .map_err(|e| Error::Internal(anyhow::anyhow!("stored {column} {raw:?}: {e}")))
    })
    .transpose()
}

fn text(date: Option<PartialDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn version(raw: i64) -> u32 {
    u32::try_from(raw).unwrap_or(u32::MAX)
}

impl SummaryRow {
    fn into_summary(self) -> Result<PlanSummary> {
        Ok(PlanSummary {
            id: PlanId(self.plan_id),
            slug: self.slug,
            title: self.title,
            local_area: self.local_area,
            local_area_id: LocalAreaId(self.local_area_id),
            published: self.published,
            kind: PlanKind::from_code(&self.kind)?,
            status: PlanStatus::from_code(&self.status)?,
            version: version(self.version),
            actions: self.actions,
        })
    }
}

/// The columns of a [`PlanSummary`]; callers add the `where` or `order by`.
const SUMMARY: &str =
    "select p.plan_id, p.slug, p.title, l.name as local_area, p.local_area_id, p.published, p.kind, p.status, p.version,
        (select count(*) from action a where a.plan_id = p.plan_id) as actions
     from plan p join local_area l on l.local_area_id = p.local_area_id";

/// How much of each action's update history a read of a plan takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum History {
    /// Every update.
    All,
    /// The latest update only.
    Latest,
}

/// Rows per multi-row `insert`: 1,000 rows of at most 9 values stay far below SQLite's
/// 32,766 bound parameters and PostgreSQL's 65,535, and every full chunk has the same
/// text, so it is prepared once per connection.
const ROWS_PER_INSERT: usize = 1_000;

/// Inserts the owners, milestones and progress updates of stored actions (`&[(action_id,
/// &Action)]`) in multi-row statements, inside the caller's transaction. One statement
/// per row made a plan with 15,000 updates cost 15,000 round trips; this makes it 15.
macro_rules! insert_action_children {
    ($tx:ident, $written:expr, $now:expr) => {{
        let written: &[(i64, &Action)] = $written;
        let now: OffsetDateTime = $now;
        let owners: Vec<(i64, i64, &str)> = written
            .iter()
            .flat_map(|(id, action)| {
                action
                    .owners
                    .iter()
                    .enumerate()
                    .map(move |(position, owner)| (*id, count(position), owner.as_str()))
            })
            .collect();
        for chunk in owners.chunks(ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into action_owner (action_id, position, owner_key, created_at, updated_at) ",
            );
            insert.push_values(chunk, |mut row, (id, position, owner)| {
                row.push_bind(*id)
                    .push_bind(*position)
                    .push_bind(*owner)
                    .push_bind(now)
                    .push_bind(now);
            });
            insert.build().execute(&mut *$tx).await?;
        }
        let milestones: Vec<(i64, i64, &Milestone)> = written
            .iter()
            .flat_map(|(id, action)| {
                action
                    .milestones
                    .iter()
                    .enumerate()
                    .map(move |(position, milestone)| (*id, count(position), milestone))
            })
            .collect();
        for chunk in milestones.chunks(ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into milestone (action_id, position, text, due, due_text, done, done_text, created_at, updated_at) ",
            );
            insert.push_values(chunk, |mut row, (id, position, milestone)| {
                row.push_bind(*id)
                    .push_bind(*position)
                    .push_bind(milestone.text.as_str())
                    .push_bind(text(milestone.due))
                    .push_bind(milestone.due_text.as_deref())
                    .push_bind(text(milestone.done))
                    .push_bind(milestone.done_text.as_deref())
                    .push_bind(now)
                    .push_bind(now);
            });
            insert.build().execute(&mut *$tx).await?;
        }
        let updates: Vec<(i64, &ProgressUpdate, String)> = written
            .iter()
            .flat_map(|(id, action)| action.updates.iter().map(move |u| (*id, u)))
            .map(|(id, update)| Ok((id, update, to_json(&update.ratings)?)))
            .collect::<Result<_>>()?;
        for chunk in updates.chunks(ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into progress_update (action_id, update_date, author, narrative, ratings, created_at, updated_at) ",
            );
            insert.push_values(chunk, |mut row, (id, update, ratings)| {
                row.push_bind(*id)
                    .push_bind(update.date)
                    .push_bind(update.author.as_deref())
                    .push_bind(update.narrative.as_str())
                    .push_bind(ratings.as_str())
                    .push_bind(now)
                    .push_bind(now);
            });
            insert.build().execute(&mut *$tx).await?;
        }
    }};
}

impl Store {
    /// Every stored plan, by local area then newest version first.
    pub async fn plans(&self) -> Result<Vec<PlanSummary>> {
        let rows: Vec<SummaryRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SUMMARY} order by l.name, p.title, p.version desc, p.plan_id"
            )))
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// The plans a person may read: their areas' plans and every published plan. `None`
    /// is the public: published plans only.
    pub async fn plans_visible_to(&self, user: Option<UserId>) -> Result<Vec<PlanSummary>> {
        let rows: Vec<SummaryRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SUMMARY}
                 where p.published or exists (
                    select 1 from role_grant g
                    where g.local_area_id = p.local_area_id and g.app_user_id = $1)
                 order by l.name, p.title, p.version desc, p.plan_id"
            )))
            .bind(user.map_or(-1, |u| u.0))
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// A plan found by its id ("12") or its slug.
    pub async fn plan_summary(&self, key: &str) -> Result<PlanSummary> {
        let id: Option<i64> = key.parse().ok();
        let row: Option<SummaryRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SUMMARY} where p.slug = $1 or p.plan_id = $2"
            )))
            .bind(key)
            .bind(id.unwrap_or(-1))
            .fetch_optional(pool)
            .await
        })?;
        row.ok_or_else(|| Error::not_found(format!("plan {key:?}")))?
            .into_summary()
    }

    /// A plan by slug or id with its revision (see [`Store::plan_revision`]) and its
    /// reporting cycle, in one query: what every page of a plan starts from.
    pub async fn plan_summary_and_revision(
        &self,
        key: &str,
    ) -> Result<(PlanSummary, i64, ReportingCycle)> {
        let id: Option<i64> = key.parse().ok();
        let row: Option<RevisedSummaryRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "select s.*, coalesce(r.revision, 0) as revision, c.cycle_weeks, c.cycle_start
                 from ({SUMMARY} where p.slug = $1 or p.plan_id = $2) s
                 join plan c on c.plan_id = s.plan_id
                 left join plan_revision r on r.plan_id = s.plan_id"
            )))
            .bind(key)
            .bind(id.unwrap_or(-1))
            .fetch_optional(pool)
            .await
        })?;
        let row = row.ok_or_else(|| Error::not_found(format!("plan {key:?}")))?;
        let cycle = ReportingCycle {
            weeks: u32::try_from(row.cycle_weeks).unwrap_or(crate::domain::DEFAULT_CYCLE_WEEKS),
            start: row.cycle_start,
        };
        Ok((row.summary.into_summary()?, row.revision, cycle))
    }

    /// Whether a slug is taken.
    pub async fn slug_taken(&self, slug: &str) -> Result<bool> {
        let found: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar("select plan_id from plan where slug = $1")
                .bind(slug)
                .fetch_optional(pool)
                .await
        })?;
        Ok(found.is_some())
    }

    /// The highest version stored of a plan with this local area and title.
    pub async fn latest_version(&self, local_area: &str, title: &str) -> Result<Option<u32>> {
        let found: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select max(p.version) from plan p join local_area l on l.local_area_id = p.local_area_id
                 where l.name = $1 and p.title = $2",
            )
            .bind(local_area)
            .bind(title)
            .fetch_one(pool)
            .await
        })?;
        Ok(found.map(version))
    }

    /// Stores a whole plan in one transaction: all of it or none of it.
    #[expect(
        clippy::too_many_lines,
        reason = "one transaction writing the tree level by level; each level is a few lines"
    )]
    pub async fn insert_plan(
        &self,
        plan: &PlanTree,
        slug: &str,
        area_slug: &str,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<PlanId> {
        let scheme = to_json(&plan.rating_scheme)?;
        let id: i64 = in_write_transaction!(self, |tx| {
            sqlx::query(
                "insert into local_area (name, slug, created_at, updated_at) values ($1, $2, $3, $3)
                 on conflict (name) do nothing",
            )
            .bind(&plan.local_area)
            .bind(area_slug)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let local_area_id: i64 =
                sqlx::query_scalar("select local_area_id from local_area where name = $1")
                    .bind(&plan.local_area)
                    .fetch_one(&mut *tx)
                    .await?;
            let plan_id: i64 = sqlx::query_scalar(
                "insert into plan (local_area_id, slug, title, kind, status, version, document_date,
                    inspection_start, inspection_end, report_published, rating_scheme, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
                 returning plan_id",
            )
            .bind(local_area_id)
            .bind(slug)
            .bind(&plan.title)
            .bind(plan.kind.code())
            .bind(plan.status.code())
            .bind(i64::from(plan.version))
            .bind(text(plan.document_date))
            .bind(plan.inspection_start)
            .bind(plan.inspection_end)
            .bind(plan.report_published)
            .bind(&scheme)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for (position, person) in plan.people.iter().enumerate() {
                sqlx::query(
                    "insert into person (plan_id, position, initials, name, role, organisation, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(plan_id)
                .bind(count(position))
                .bind(&person.initials)
                .bind(&person.name)
                .bind(&person.role)
                .bind(&person.organisation)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (position, entry) in plan.glossary.iter().enumerate() {
                sqlx::query(
                    "insert into glossary_entry (plan_id, position, term, definition, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $5)",
                )
                .bind(plan_id)
                .bind(count(position))
                .bind(&entry.term)
                .bind(&entry.definition)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let mut action_position = 0_i64;
            let mut written: Vec<(i64, &Action)> = Vec::new();
            for (position, area) in plan.areas.iter().enumerate() {
                let area_id: i64 = sqlx::query_scalar(
                    "insert into area (plan_id, position, number, title, heading, sponsor, delivery_partners, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning area_id",
                )
                .bind(plan_id)
                .bind(count(position))
                .bind(i64::from(area.number))
                .bind(&area.title)
                .bind(&area.heading)
                .bind(&area.sponsor)
                .bind(to_json(&area.delivery_partners)?)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for (position, objective) in area.objectives.iter().enumerate() {
                    let objective_id: i64 = sqlx::query_scalar(
                        "insert into objective (area_id, position, number, text, impact_statements, success_measures, created_at, updated_at)
                         values ($1, $2, $3, $4, $5, $6, $7, $7) returning objective_id",
                    )
                    .bind(area_id)
                    .bind(count(position))
                    .bind(&objective.number)
                    .bind(&objective.text)
                    .bind(to_json(&objective.impact_statements)?)
                    .bind(to_json(&objective.success_measures)?)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    for action in &objective.actions {
                        action_position += 1;
                        let action_id: i64 = sqlx::query_scalar(
                            "insert into action (plan_id, area_id, objective_id, position, ref, text, due, due_from, due_by,
                                due_text, ratings, resource, success_measures, notes, created_at, updated_at)
                             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
                             returning action_id",
                        )
                        .bind(plan_id)
                        .bind(area_id)
                        .bind(objective_id)
                        .bind(action_position)
                        .bind(&action.reference)
                        .bind(&action.text)
                        .bind(text(action.due))
                        .bind(text(action.due_from))
                        .bind(action.due.map(PartialDate::last_day))
                        .bind(&action.due_text)
                        .bind(to_json(&action.ratings)?)
                        .bind(action.resource.map(Resource::code))
                        .bind(to_json(&action.success_measures)?)
                        .bind(to_json(&action.notes)?)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        written.push((action_id, action));
                    }
                }
            }
            insert_action_children!(tx, &written, now);
            write_evidence!(tx, plan_id, plan, now);
            let event = NewAuditEvent {
                entity_id: Some(plan_id.to_string()),
                local_area_id: Some(LocalAreaId(local_area_id)),
                plan_id: Some(PlanId(plan_id)),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
            plan_id
        });
        Ok(PlanId(id))
    }

    /// Publishes a plan or withdraws it from the public, with its audit entry. Returns
    /// whether anything changed.
    pub async fn set_published(
        &self,
        plan: PlanId,
        published: bool,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<bool> {
        in_write_transaction!(self, |tx| {
            let changed = sqlx::query(
                "update plan set published = $1, updated_at = $2 where plan_id = $3 and published <> $1",
            )
            .bind(published)
            .bind(now)
            .bind(plan.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed > 0 {
                let event = NewAuditEvent {
                    entity_id: Some(plan.0.to_string()),
                    plan_id: Some(plan),
                    before: Some(serde_json::json!({ "published": !published })),
                    after: Some(serde_json::json!({ "published": published })),
                    ..audit.clone()
                };
                insert_audit!(tx, &event, now);
            }
            Ok::<_, Error>(changed > 0)
        })
    }

    /// The plan's revision: bumped (by triggers) in the transaction of every change to
    /// anything the plan holds, so an unchanged revision means an unchanged tree.
    pub async fn plan_revision(&self, id: PlanId) -> Result<i64> {
        let revision: (i64,) = on_pool!(self, |pool| {
            sqlx::query_as(
                "select coalesce((select revision from plan_revision where plan_id = $1), 0)",
            )
            .bind(id.0)
            .fetch_one(pool)
            .await
        })?;
        Ok(revision.0)
    }

    /// A whole plan with its stored ids, read in a fixed number of queries whatever its size.
    pub async fn plan_tree(&self, id: PlanId) -> Result<PlanTree> {
        self.read_plan_tree(id, History::All).await
    }

    /// The plan as it stands: the whole tree, but each action with only its latest update
    /// ([`PlanTree::latest_updates_only`]). What the plan page needs unless it searches
    /// the updates' words: at national scale 250 rows instead of 15,000.
    pub async fn plan_tree_as_it_stands(&self, id: PlanId) -> Result<PlanTree> {
        self.read_plan_tree(id, History::Latest).await
    }

    async fn read_plan_tree(&self, id: PlanId, history: History) -> Result<PlanTree> {
        let plan_id = id.0;
        let (row, people) = self.plan_and_people(plan_id).await?;
        let glossary: Vec<GlossaryRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select term, definition from glossary_entry where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let areas: Vec<AreaRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select area_id, number, title, heading, sponsor, delivery_partners
                 from area where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let objectives: Vec<ObjectiveRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select o.objective_id, o.area_id, o.number, o.text, o.impact_statements, o.success_measures
                 from objective o join area a on a.area_id = o.area_id
                 where a.plan_id = $1 order by a.position, o.position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let actions: Vec<ActionRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select action_id, objective_id, ref, text, due, due_from, due_text, ratings, resource,
                    success_measures, notes
                 from action where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let owners: Vec<OwnerRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select o.action_id, o.owner_key from action_owner o join action a on a.action_id = o.action_id
                 where a.plan_id = $1 order by o.action_id, o.position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let milestones: Vec<MilestoneRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select m.action_id, m.text, m.due, m.due_text, m.done, m.done_text
                 from milestone m join action a on a.action_id = m.action_id
                 where a.plan_id = $1 order by m.action_id, m.position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        // No `order by`: each action's updates are put in order below. Sorting a plan's
        // whole history in SQL (15,000 rows at national scale) cost more than the read.
        let sql = match history {
            History::All => {
                "select u.progress_update_id, u.action_id, u.update_date, u.author, u.narrative, u.ratings
                 from progress_update u join action a on a.action_id = u.action_id
                 where a.plan_id = $1"
            }
            // One probe of progress_update (action_id, update_date) per action, from its
            // end. Written as a `where`, not `join … on`: Debian's SQLite 3.40 ran the `on`
            // form 40 times slower with the same query plan.
            History::Latest => {
                "select u.progress_update_id, u.action_id, u.update_date, u.author, u.narrative, u.ratings
                 from action a, progress_update u
                 where a.plan_id = $1 and u.action_id = a.action_id and u.progress_update_id = (
                    select l.progress_update_id from progress_update l where l.action_id = a.action_id
                    order by l.update_date desc, l.progress_update_id desc limit 1)"
            }
        };
        let updates: Vec<UpdateRow> = on_pool!(self, |pool| {
            sqlx::query_as(sql).bind(plan_id).fetch_all(pool).await
        })?;

        let evidence = self.evidence(plan_id).await?;
        assemble(Rows {
            plan: row,
            people,
            glossary,
            areas,
            objectives,
            actions,
            owners,
            milestones,
            updates,
            evidence,
        })
    }
}

impl Store {
    /// The plan's own row and its people, which every tree starts from.
    async fn plan_and_people(&self, plan_id: i64) -> Result<(PlanRow, Vec<PersonRow>)> {
        let row: Option<PlanRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select p.title, l.name as local_area, p.kind, p.status, p.version, p.document_date, p.inspection_start, p.inspection_end, p.report_published, p.rating_scheme
                 from plan p join local_area l on l.local_area_id = p.local_area_id
                 where p.plan_id = $1",
            )
            .bind(plan_id)
            .fetch_optional(pool)
            .await
        })?;
        let row = row.ok_or_else(|| Error::not_found(format!("plan {plan_id}")))?;
        let people: Vec<PersonRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select initials, name, role, organisation from person where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        Ok((row, people))
    }

    /// One action with just enough of its plan around it to check and record a change
    /// to it: the plan's fields and key, its people, the action's area and objective, and
    /// the action with its owners, milestones and updates (no other action, no KPIs or
    /// voice). A write on a busy plan then costs a few indexed lookups rather than a read
    /// of the whole plan, which the write is about to make stale anyway.
    pub async fn action_tree(&self, plan: PlanId, action: ActionId) -> Result<PlanTree> {
        let (plan_id, action_id) = (plan.0, action.0);
        let (row, people) = self.plan_and_people(plan_id).await?;
        let actions: Vec<ActionRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select action_id, objective_id, ref, text, due, due_from, due_text, ratings, resource,
                    success_measures, notes
                 from action where action_id = $1 and plan_id = $2",
            )
            .bind(action_id)
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let Some(objective_id) = actions.first().map(|a| a.objective_id) else {
            return Err(Error::not_found(format!("action {action_id} in this plan")));
        };
        let objectives: Vec<ObjectiveRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select objective_id, area_id, number, text, impact_statements, success_measures
                 from objective where objective_id = $1",
            )
            .bind(objective_id)
            .fetch_all(pool)
            .await
        })?;
        let area_id = objectives.first().map_or(0, |o| o.area_id);
        let areas: Vec<AreaRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select area_id, number, title, heading, sponsor, delivery_partners
                 from area where area_id = $1",
            )
            .bind(area_id)
            .fetch_all(pool)
            .await
        })?;
        let owners: Vec<OwnerRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select action_id, owner_key from action_owner where action_id = $1 order by position",
            )
            .bind(action_id)
            .fetch_all(pool)
            .await
        })?;
        let milestones: Vec<MilestoneRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select action_id, text, due, due_text, done, done_text
                 from milestone where action_id = $1 order by position",
            )
            .bind(action_id)
            .fetch_all(pool)
            .await
        })?;
        let updates: Vec<UpdateRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select progress_update_id, action_id, update_date, author, narrative, ratings
                 from progress_update where action_id = $1 order by update_date, progress_update_id",
            )
            .bind(action_id)
            .fetch_all(pool)
            .await
        })?;
        assemble(Rows {
            plan: row,
            people,
            glossary: Vec::new(),
            areas,
            objectives,
            actions,
            owners,
            milestones,
            updates,
            evidence: super::evidence::Evidence::default(),
        })
    }
}

/// Everything a tree is assembled from, as read.
struct Rows {
    plan: PlanRow,
    people: Vec<PersonRow>,
    glossary: Vec<GlossaryRow>,
    areas: Vec<AreaRow>,
    objectives: Vec<ObjectiveRow>,
    actions: Vec<ActionRow>,
    owners: Vec<OwnerRow>,
    milestones: Vec<MilestoneRow>,
    updates: Vec<UpdateRow>,
    evidence: super::evidence::Evidence,
}

/// Puts a tree together from flat rows in one pass (rows are in tree order).
#[expect(clippy::too_many_lines, reason = "one pass over nine kinds of row")]
fn assemble(rows: Rows) -> Result<PlanTree> {
    let Rows {
        plan: row,
        people,
        glossary,
        areas,
        objectives,
        actions,
        owners,
        milestones,
        mut updates,
        evidence,
    } = rows;
    let mut built: HashMap<i64, Action> = HashMap::with_capacity(actions.len());
    let mut order: Vec<(i64, i64)> = Vec::with_capacity(actions.len());
    for a in actions {
        order.push((a.objective_id, a.action_id));
        built.insert(
            a.action_id,
            Action {
                id: Some(ActionId(a.action_id)),
                reference: a.reference,
                text: a.text,
                owners: Vec::new(),
                due: partial("due", a.due)?,
                due_from: partial("due_from", a.due_from)?,
                due_text: a.due_text,
                ratings: from_json("ratings", &a.ratings)?,
                resource: a.resource.as_deref().and_then(Resource::from_code),
                success_measures: from_json("success_measures", &a.success_measures)?,
                milestones: Vec::new(),
                updates: Vec::new(),
                notes: from_json("notes", &a.notes)?,
            },
        );
    }
    for o in owners {
        if let Some(action) = built.get_mut(&o.action_id) {
            action.owners.push(o.owner_key);
        }
    }
    for m in milestones {
        if let Some(action) = built.get_mut(&m.action_id) {
            action.milestones.push(Milestone {
                text: m.text,
                due: partial("milestone due", m.due)?,
                due_text: m.due_text,
                done: partial("milestone done", m.done)?,
                done_text: m.done_text,
            });
        }
    }
    // Cheap: the rows arrive in runs already in order, as the index walk yields them.
    updates.sort_by_key(|u| (u.action_id, u.update_date, u.progress_update_id));
    for u in updates {
        if let Some(action) = built.get_mut(&u.action_id) {
            action.updates.push(ProgressUpdate {
                date: u.update_date,
                author: u.author,
                narrative: u.narrative,
                ratings: from_json("update ratings", &u.ratings)?,
            });
        }
    }
    let mut by_objective: HashMap<i64, Vec<Action>> = HashMap::new();
    for (objective_id, action_id) in order {
        if let Some(action) = built.remove(&action_id) {
            by_objective.entry(objective_id).or_default().push(action);
        }
    }
    let mut by_area: HashMap<i64, Vec<Objective>> = HashMap::new();
    for o in objectives {
        by_area.entry(o.area_id).or_default().push(Objective {
            number: o.number,
            text: o.text,
            impact_statements: from_json("impact_statements", &o.impact_statements)?,
            success_measures: from_json("success_measures", &o.success_measures)?,
            actions: by_objective.remove(&o.objective_id).unwrap_or_default(),
        });
    }
    let areas = areas
        .into_iter()
        .map(|a| {
            Ok(Area {
                number: u32::try_from(a.number)
                    .map_err(|e| Error::Internal(anyhow::anyhow!("stored area number: {e}")))?,
                title: a.title,
                heading: a.heading,
                sponsor: a.sponsor,
                delivery_partners: from_json("delivery_partners", &a.delivery_partners)?,
                objectives: by_area.remove(&a.area_id).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rating_scheme: RatingScheme = from_json("rating_scheme", &row.rating_scheme)?;
    Ok(PlanTree {
        format: crate::domain::PLAN_FORMAT.to_owned(),
        local_area: row.local_area,
        title: row.title,
        kind: PlanKind::from_code(&row.kind)?,
        status: PlanStatus::from_code(&row.status)?,
        version: version(row.version),
        document_date: partial("document_date", row.document_date)?,
        inspection_start: row.inspection_start,
        inspection_end: row.inspection_end,
        report_published: row.report_published,
        rating_scheme,
        people: people
            .into_iter()
            .map(|p| Person {
                initials: p.initials,
                name: p.name,
                role: p.role,
                organisation: p.organisation,
            })
            .collect(),
        areas,
        glossary: glossary
            .into_iter()
            .map(|g| GlossaryEntry {
                term: g.term,
                definition: g.definition,
            })
            .collect(),
        kpis: evidence.kpis,
        kpi_tolerance: evidence.kpi_tolerance,
        voice: evidence.voice,
        you_said_we_did: evidence.you_said_we_did,
        boards: evidence.boards,
        meetings: evidence.meetings,
        timeline: evidence.timeline,
    })
}
