//! The cross-area view's counts: each plan's rating key and its actions tallied by rating
//! and deadline, in two grouped queries for any number of plans, instead of every plan's
//! whole tree (at national scale, 2.25 million updates per page).

use std::collections::HashMap;

use time::Date;

use super::{Store, from_json, on_pool};

use crate::domain::{PlanId, RatingScheme, RatingTally, Result, recent_since};

/// A plan's rating key, its tallies and the day its last cycle closed.
pub type PlanTallies = (RatingScheme, Vec<RatingTally>, Option<Date>);

/// Plans per `in (…)` list: far below either backend's limit on bound parameters.
const PLANS_PER_QUERY: usize = 500;

#[derive(sqlx::FromRow)]
struct SchemeRow {
    plan_id: i64,
    rating_scheme: String,
}

#[derive(sqlx::FromRow)]
struct TallyRow {
    plan_id: i64,
    ratings: String,
    actions: i64,
    past_due: i64,
    dated: i64,
    silent: i64,
    last_update: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct LastCycleRow {
    plan_id: i64,
    last_cycle: Option<Date>,
}

/// Appends ` and plan_id in (…)` with one bound parameter per plan.
fn and_plan_in<DB: sqlx::Database>(query: &mut sqlx::QueryBuilder<DB>, plans: &[PlanId])
where
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query.push(" and plan_id in (");
    let mut list = query.separated(", ");
    for plan in plans {
        list.push_bind(plan.0);
    }
    query.push(")");
}

impl Store {
    /// For each plan, its rating key and its actions grouped by current ratings and by
    /// whether their deadline's last day (`due_by`) is before `today`. Plans not found
    /// are left out.
    pub async fn rating_tallies(
        &self,
        plans: &[PlanId],
        today: Date,
    ) -> Result<HashMap<PlanId, PlanTallies>> {
        let recent = recent_since(today);
        let mut out: HashMap<PlanId, PlanTallies> = HashMap::with_capacity(plans.len());
        for chunk in plans.chunks(PLANS_PER_QUERY) {
            let schemes: Vec<SchemeRow> = on_pool!(self, |pool| {
                let mut query =
                    sqlx::QueryBuilder::new("select plan_id, rating_scheme from plan where true");
                and_plan_in(&mut query, chunk);
                query.build_query_as().fetch_all(pool).await
            })?;
            for row in schemes {
                let scheme = from_json("rating_scheme", &row.rating_scheme)?;
                out.insert(PlanId(row.plan_id), (scheme, Vec::new(), None));
            }
            // Grouped by the ratings' JSON text, a prefix of the action_plan_tally index, so
            // the groups stream from the index with no sort: a plan has a few dozen
            // distinct combinations, so a few hundred rows stand for tens of thousands of
            // actions. Deadlines are counted within each group.
            // The deadline, silence and last-update counts are taken within each group;
            // the correlated look-ups use progress_update's (action_id, update_date)
            // index, one probe per action.
            let tallies: Vec<TallyRow> = on_pool!(self, |pool| {
                let mut query = sqlx::QueryBuilder::new(
                    "select plan_id, ratings, count(*) as actions, sum(case when due_by < ",
                );
                query
                    .push_bind(today)
                    .push(
                        " then 1 else 0 end) as past_due, \
                         sum(case when due_by is null then 0 else 1 end) as dated, \
                         sum(case when exists (select 1 from progress_update u \
                         where u.action_id = action.action_id and u.update_date >= ",
                    )
                    .push_bind(recent)
                    .push(
                        ") then 0 else 1 end) as silent, \
                         max((select max(u.update_date) from progress_update u \
                         where u.action_id = action.action_id)) as last_update \
                         from action where true",
                    );
                and_plan_in(&mut query, chunk);
                query.push(" group by plan_id, ratings");
                query.build_query_as().fetch_all(pool).await
            })?;
            let cycles: Vec<LastCycleRow> = on_pool!(self, |pool| {
                let mut query = sqlx::QueryBuilder::new(
                    "select plan_id, max(ends_on) as last_cycle from cycle where true",
                );
                and_plan_in(&mut query, chunk);
                query.push(" group by plan_id");
                query.build_query_as().fetch_all(pool).await
            })?;
            for row in cycles {
                if let Some(entry) = out.get_mut(&PlanId(row.plan_id)) {
                    entry.2 = row.last_cycle;
                }
            }
            for row in tallies {
                if let Some((_, list, _)) = out.get_mut(&PlanId(row.plan_id)) {
                    let count = |n: i64| usize::try_from(n).unwrap_or(0);
                    list.push(RatingTally {
                        ratings: from_json("ratings", &row.ratings)?,
                        actions: count(row.actions),
                        past_due: count(row.past_due),
                        dated: count(row.dated),
                        silent: count(row.silent),
                        last_update: row.last_update,
                    });
                }
            }
        }
        Ok(out)
    }
}
