//! Plans as last read, so that reading an unchanged plan costs one primary-key lookup.
//!
//! Every write to anything a plan holds bumps its revision in the database (triggers in
//! the `plan_revision` migration), so a cached tree is served only while its revision is
//! still the stored one. The check goes to the database each time: another `wsoa serve`
//! instance's change is seen at once, and nothing here has to be told about writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::domain::{PlanId, PlanTree};

/// Plans kept. A 250-action plan with a few hundred updates is well under a megabyte;
/// a national-scale one (60 updates per action) a few megabytes; so a handful keeps the
/// plans being worked on now without letting memory grow with the number of plans.
const CAPACITY: usize = 8;

/// Counts one look-up in a cache of plans (`cache` names which: `tree`, `standing` or
/// the web's rendered `page`), for the `plan_cache_hits_total` and
/// `plan_cache_misses_total` counters at `/metrics`.
pub fn record_lookup(cache: &'static str, hit: bool) {
    if hit {
        metrics::counter!("plan_cache_hits_total", "cache" => cache).increment(1);
    } else {
        metrics::counter!("plan_cache_misses_total", "cache" => cache).increment(1);
    }
}

#[derive(Clone, Default)]
pub(super) struct PlanCache {
    inner: Arc<Mutex<Entries>>,
}

#[derive(Default)]
struct Entries {
    by_plan: HashMap<PlanId, Entry>,
    /// Ticks on every hit or fill: the smallest `used` is the least recently used.
    clock: u64,
}

struct Entry {
    revision: i64,
    tree: Arc<PlanTree>,
    used: u64,
}

impl PlanCache {
    /// The plan as read at `revision`, if that is what is kept.
    pub(super) fn get(&self, plan: PlanId, revision: i64) -> Option<Arc<PlanTree>> {
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        entries.clock += 1;
        let now = entries.clock;
        let entry = entries.by_plan.get_mut(&plan)?;
        if entry.revision != revision {
            return None;
        }
        entry.used = now;
        Some(Arc::clone(&entry.tree))
    }

    /// Keeps `tree`, read at `revision` (read before the tree, so that a change landing
    /// while the tree was read leaves it under an older revision and it is read again).
    pub(super) fn put(&self, plan: PlanId, revision: i64, tree: Arc<PlanTree>) {
        let mut entries = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        entries.clock += 1;
        let used = entries.clock;
        if let Some(kept) = entries.by_plan.get(&plan)
            && kept.revision > revision
        {
            return;
        }
        if !entries.by_plan.contains_key(&plan)
            && entries.by_plan.len() >= CAPACITY
            && let Some(oldest) = entries
                .by_plan
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(id, _)| *id)
        {
            entries.by_plan.remove(&oldest);
        }
        entries.by_plan.insert(
            plan,
            Entry {
                revision,
                tree,
                used,
            },
        );
    }
}

/// Whether sample data is stored, as last read: every HTML page asks, for its banner.
/// Sample data is only ever added (by the demo, which tells this memo) and never removed
/// while the app runs (only a restore, with the app stopped, can), so "yes" is kept for
/// good and "no" is read again after [`SAMPLE_RECHECK`], in case another instance on the
/// same database loaded the demo.
#[derive(Clone, Default)]
pub(super) struct SampleMemo(Arc<Mutex<Option<(Instant, bool)>>>);

/// How long "no sample data" is trusted.
const SAMPLE_RECHECK: Duration = Duration::from_secs(5);

impl SampleMemo {
    /// The remembered answer, while it can be trusted.
    pub(super) fn get(&self) -> Option<bool> {
        let memo = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        memo.and_then(|(at, held)| (held || at.elapsed() < SAMPLE_RECHECK).then_some(held))
    }

    /// Remembers an answer just read (or made true by loading the demo).
    pub(super) fn set(&self, held: bool) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), held));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(title: &str) -> Arc<PlanTree> {
        Arc::new(PlanTree {
            title: title.to_owned(),
            ..crate::domain::sample_plan(1)
        })
    }

    #[test]
    fn a_tree_is_served_only_at_the_revision_it_was_read_at() {
        let cache = PlanCache::default();
        cache.put(PlanId(1), 3, tree("three"));
        assert_eq!(
            cache.get(PlanId(1), 3).map(|t| t.title.clone()),
            Some("three".into())
        );
        assert!(cache.get(PlanId(1), 4).is_none());
        assert!(cache.get(PlanId(2), 3).is_none());
    }

    #[test]
    fn an_older_read_never_replaces_a_newer_one() {
        let cache = PlanCache::default();
        cache.put(PlanId(1), 5, tree("five"));
        cache.put(PlanId(1), 4, tree("four"));
        assert!(cache.get(PlanId(1), 4).is_none());
        assert_eq!(
            cache.get(PlanId(1), 5).map(|t| t.title.clone()),
            Some("five".into())
        );
    }

    #[test]
    fn sample_data_once_seen_is_remembered_and_its_absence_is_asked_again_later() {
        let memo = SampleMemo::default();
        assert_eq!(memo.get(), None, "nothing read yet");
        memo.set(false);
        assert_eq!(memo.get(), Some(false));
        *memo.0.lock().unwrap() =
            Some((Instant::now().checked_sub(SAMPLE_RECHECK).unwrap(), false));
        assert_eq!(memo.get(), None, "\"no\" is read again after a while");
        *memo.0.lock().unwrap() = Some((
            Instant::now().checked_sub(SAMPLE_RECHECK * 2).unwrap(),
            true,
        ));
        assert_eq!(memo.get(), Some(true), "\"yes\" is kept");
    }

    #[test]
    fn the_least_recently_used_plan_goes_first() {
        let cache = PlanCache::default();
        for id in 0..CAPACITY {
            cache.put(PlanId(i64::try_from(id).unwrap_or_default()), 1, tree("t"));
        }
        assert!(
            cache.get(PlanId(0), 1).is_some(),
            "plan 0 is now the most recent"
        );
        cache.put(PlanId(100), 1, tree("new"));
        assert!(cache.get(PlanId(0), 1).is_some());
        assert!(
            cache.get(PlanId(1), 1).is_none(),
            "plan 1 was the least recently used"
        );
        assert!(cache.get(PlanId(100), 1).is_some());
    }
}
